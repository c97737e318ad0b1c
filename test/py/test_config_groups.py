"""ConfigWriter node group accessors and modifiers (config/groups.py)."""

import pytest

from ganeti import config
from ganeti import errors
from ganeti.config import groups
from ganeti.config import ssconfvalues

import test_config as tc

pytestmark = pytest.mark.unit


@pytest.fixture
def cfgw(tmp_path):
  return config.ConfigWriter(cfg_file=tc._Copy(tmp_path),
                             distribute_fn=tc._Distributor())


def test_lookup_and_members(cfgw):
  assert cfgw.GetNodeGroupInfoByName("default").uuid == tc.G_DEFAULT
  assert cfgw.GetNodeGroupInfoByName("nosuch") is None
  members = cfgw.GetNodeGroupMembers(tc.G_DEFAULT)
  assert members and all(cfgw.GetNodeInfo(n).group == tc.G_DEFAULT
                         for n in members)
  for inst_uuid in cfgw.GetNodeGroupInstances(tc.G_DEFAULT,
                                              primary_only=True):
    assert tc.G_DEFAULT in cfgw.GetInstanceNodeGroups(inst_uuid, True)


def test_add_rename_assign_remove(cfgw):
  serial = cfgw.GetClusterInfo().serial_no
  group = groups.NewNodeGroup("rack1", alloc_policy="last_resort",
                              ndparams={"spindle_count": 3})
  cfgw.AddNodeGroup(group)
  assert group.uuid and group.serial_no == 1
  assert cfgw.GetClusterInfo().serial_no == serial + 1
  with pytest.raises(errors.OpPrereqError) as exc:
    cfgw.AddNodeGroup(groups.NewNodeGroup("rack1"))
  assert exc.value.args[1] == errors.ECODE_EXISTS
  cfgw.RenameNodeGroup(group.uuid, "rack2")
  assert cfgw.GetNodeGroupInfoByName("rack2") is group
  with pytest.raises(errors.ConfigurationError):
    cfgw.RenameNodeGroup(group.uuid, "default")
  cfgw.AssignGroupNodes([(tc.N3, group.uuid)])
  node = cfgw.GetNodeInfo(tc.N3)
  assert node.group == group.uuid
  # inheritance: cluster <- group <- node
  assert cfgw.GetNdParams(node)["spindle_count"] == 3
  assert "rack2" in ssconfvalues.ComputeSsconfValues(
    cfgw.GetConfigData())["nodegroups"]
  with pytest.raises(errors.ConfigurationError):
    cfgw.RemoveNodeGroup(group.uuid)
  with pytest.raises(errors.ConfigurationError):
    cfgw.AssignGroupNodes([(tc.N3, "nosuch")])
  cfgw.AssignGroupNodes([(tc.N3, tc.G_DEFAULT)])
  cfgw.RemoveNodeGroup(group.uuid)
  assert cfgw.GetNodeGroup(group.uuid) is None
  # the file on disk agrees
  reread = config.ConfigWriter(cfg_file=cfgw._cfg_file)
  assert reread.GetNodeGroupInfoByName("rack2") is None
  assert reread.GetNodeInfo(tc.N3).group == tc.G_DEFAULT


def test_ssh_port_inherited_in_ssconf(cfgw):
  group = cfgw.GetNodeGroup(cfgw.GetNodeInfo(tc.N2).group)
  group.ndparams = {"ssh_port": 2222}
  cfgw.Update(group)
  ports = ssconfvalues.ComputeSsconfValues(cfgw.GetConfigData())["ssh_ports"]
  assert "%s=2222" % cfgw.GetNodeName(tc.N2) in ports.splitlines()
