"""ConfigWriter, objects round trips and ssconf values on real fixtures."""

import json
import os
import shutil

import pytest

from ganeti import config
from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import serializer
from ganeti.config import ssconfvalues

pytestmark = pytest.mark.unit

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data")

N1 = "9a12d554-75c0-4cb1-8064-103365145db0"  # node1, the master
N2 = "2ae3d962-2dad-44f2-bdb1-85f77107f907"
N3 = "41f9c238-173c-4120-9e41-04ad379b647a"
I1 = "6c078d22-3eb6-4780-857d-81772e09eef1"  # instance1 on node1
I2 = "8fde9f6d-e1f1-4850-9e9c-154966f622f5"  # instance2 on node3
I3 = "4e091bdc-e205-4ed7-8a47-0c9130a6619f"  # instance3 on node2
G_DEFAULT = "5244a46d-7506-4e14-922d-02b58153dde1"
G_ANOTHER = "6c0a8916-b719-45ad-95dd-82192b1e473f"


def _Copy(tmp_path, name="cluster_config_3.0.json"):
  path = str(tmp_path / "config.data")
  shutil.copy(os.path.join(DATA, name), path)
  os.chmod(path, 0o640)
  return path


class _Distributor:
  def __init__(self):
    self.calls = []

  def __call__(self, txt, ssconf):
    self.calls.append((txt, ssconf))


@pytest.fixture
def cfgw(tmp_path):
  dist = _Distributor()
  path = _Copy(tmp_path)
  cfg = config.ConfigWriter(cfg_file=path, distribute_fn=dist)
  cfg.test_dist = dist
  cfg.test_path = path
  return cfg


def _OnDisk(cfg):
  with open(cfg.test_path) as fd:
    return json.load(fd)


# Loading and reading -----------------------------------------------------------
def testLoad30(cfgw):
  assert cfgw.GetClusterName() == "cluster.name.example.com"
  assert cfgw.GetMasterNode() == N1
  assert cfgw.GetMasterNodeName() == "node1.example.com"
  assert cfgw.GetMasterNodeInfo().uuid == N1
  assert cfgw.GetMasterIP() == "192.0.2.87"
  assert cfgw.GetHypervisorType() == "xen-pvm"
  assert cfgw.GetFileStorageDir() == ""
  assert cfgw.GetConfigSerial() == 3189 or cfgw.GetConfigSerial() > 0
  assert cfgw.GetMasterNetworkParameters() == {
    "uuid": N1, "ip": "192.0.2.87", "netmask": 32, "netdev": "eth0",
    "ip_family": 2}
  assert cfgw.GetClusterInfo().uuid == "dddf8c12-f2d8-4718-a35b-7804daf12a3f"
  assert cfgw.GetWriteCount() == 0
  assert cfgw.test_dist.calls == []
  assert cfgw.VerifyConfig() == []


def testLoad31VersionMismatch(tmp_path):
  """3.1 configs are refused by a 3.0 master, like Ganeti 3.0 does."""
  path = _Copy(tmp_path, "cluster_config_3.1.json")
  with pytest.raises(errors.ConfigVersionMismatch) as err:
    config.ConfigWriter(cfg_file=path)
  assert err.value.args == (constants.CONFIG_VERSION, 3010000)


def testLoadErrors(tmp_path):
  with pytest.raises(errors.ConfigurationError):
    config.ConfigWriter(cfg_file=str(tmp_path / "missing"))
  bad = tmp_path / "bad.data"
  bad.write_text("{not json")
  with pytest.raises(errors.ConfigurationError):
    config.ConfigWriter(cfg_file=str(bad))


def testNodeAccessors(cfgw):
  assert sorted(cfgw.GetNodeList()) == sorted([N1, N2, N3])
  assert sorted(cfgw.GetOnlineNodeList()) == sorted([N1, N2, N3])
  assert sorted(cfgw.GetVmCapableNodeList()) == sorted([N1, N2, N3])
  assert cfgw.GetNodeInfo(N2).name == "node2.example.com"
  assert cfgw.GetNodeInfo("nosuch") is None
  assert cfgw.GetNodeInfoByName("node3.example.com").uuid == N3
  assert cfgw.GetNodeInfoByName("node3") is None
  assert cfgw.GetNodeName(N1) == "node1.example.com"
  assert cfgw.GetNodeNames([N2, N3]) == ["node2.example.com",
                                         "node3.example.com"]
  assert set(cfgw.GetAllNodesInfo()) == {N1, N2, N3}
  assert cfgw.GetMasterCandidateStats() == (3, 3, 3)
  assert cfgw.GetMasterCandidateStats([N1]) == (2, 2, 2)
  (pri, sec) = cfgw.GetNodeInstances(N1)
  assert pri == [I1]


def testGroupAccessors(cfgw):
  assert set(cfgw.GetAllNodeGroupsInfo()) == {G_DEFAULT, G_ANOTHER}
  assert cfgw.GetNodeGroup(G_DEFAULT).name == "default"
  assert cfgw.LookupNodeGroup("another") == G_ANOTHER
  assert cfgw.LookupNodeGroup(G_DEFAULT) == G_DEFAULT
  with pytest.raises(errors.OpPrereqError):
    cfgw.LookupNodeGroup("nosuch")
  with pytest.raises(errors.OpPrereqError):
    cfgw.LookupNodeGroup(None)  # two groups: must be explicit


def testInstanceAccessors(cfgw):
  assert sorted(cfgw.GetInstanceList()) == sorted([I1, I2, I3])
  assert cfgw.GetInstanceInfo(I1).name == "instance1.example.com"
  assert cfgw.GetInstanceInfoByName("instance2.example.com").uuid == I2
  assert cfgw.GetInstanceName(I3) == "instance3.example.com"
  assert cfgw.GetInstanceNames([I1, I2]) == ["instance1.example.com",
                                             "instance2.example.com"]
  assert set(cfgw.GetAllInstancesInfo()) == {I1, I2, I3}
  disks = cfgw.GetInstanceDisks(I1)
  assert len(disks) == 1
  assert disks[0].uuid == "77ced3a5-6756-49ae-8d1f-274e27664c05"
  assert len(cfgw.GetAllDisksInfo()) == 3
  tmpl = cfgw.GetInstanceDiskTemplate(I1)
  assert tmpl in constants.DISK_TEMPLATES
  nodes = cfgw.GetInstanceNodes(I1)
  assert nodes[0] == N1
  assert cfgw.GetInstanceSecondaryNodes(I1) == nodes[1:]


@pytest.mark.parametrize("name,expected", [
  ("node1.example.com", (N1, "node1.example.com")),
  ("node1", (N1, "node1.example.com")),
  ("NODE1", (N1, "node1.example.com")),
  ("Node2.Example.Com", (N2, "node2.example.com")),
  (N3, (N3, "node3.example.com")),
  ("node", (None, None)),
  ("node1.example", (N1, "node1.example.com")),
  ("node1.ex", (None, None)),
  ("nosuch", (None, None)),
])
def testExpandNodeName(cfgw, name, expected):
  assert cfgw.ExpandNodeName(name) == expected


@pytest.mark.parametrize("name,expected", [
  ("instance1.example.com", (I1, "instance1.example.com")),
  ("instance1", (I1, "instance1.example.com")),
  ("INSTANCE2", (I2, "instance2.example.com")),
  (I3, (I3, "instance3.example.com")),
  ("instance", (None, None)),
  ("inst", (None, None)),
])
def testExpandInstanceName(cfgw, name, expected):
  assert cfgw.ExpandInstanceName(name) == expected


def testExpandAmbiguous(cfgw):
  node = cfgw.GetNodeInfo(N2)
  node.name = "node1.example.org"
  # "node1" now matches two nodes
  assert cfgw.ExpandNodeName("node1") == (None, None)
  assert cfgw.ExpandNodeName("node1.example.org") == (N2,
                                                      "node1.example.org")


def testTagTargets(cfgw):
  assert cfgw.GetTagTarget(constants.TAG_CLUSTER, None) is \
    cfgw.GetClusterInfo()
  assert cfgw.GetTagTarget(constants.TAG_NODE, "node2").uuid == N2
  assert cfgw.GetTagTarget(constants.TAG_INSTANCE, "instance3").uuid == I3
  assert cfgw.GetTagTarget(constants.TAG_NODEGROUP, "another").uuid == \
    G_ANOTHER
  assert cfgw.GetTagTarget(constants.TAG_NODE, "nosuch") is None
  with pytest.raises(errors.ProgrammerError):
    cfgw.GetTagTarget("bogus", "x")


# Changes ------------------------------------------------------------------------
def testUpdateNode(cfgw):
  node = cfgw.GetNodeInfo(N2)
  (serial, cserial) = (node.serial_no, cfgw.GetClusterInfo().serial_no)
  top = cfgw.GetConfigSerial()
  mtime = node.mtime
  node.drained = True
  node.master_candidate = False
  cfgw.Update(node)
  assert node.serial_no == serial + 1
  assert node.mtime > mtime
  assert cfgw.GetClusterInfo().serial_no == cserial + 1
  assert cfgw.GetConfigSerial() == top + 1
  assert cfgw.GetWriteCount() == 1
  disk = _OnDisk(cfgw)
  assert disk["serial_no"] == top + 1
  assert disk["nodes"][N2]["drained"] is True
  assert disk["nodes"][N2]["serial_no"] == serial + 1
  # cluster serial changed: ssconf values distributed
  [(txt, ssconf)] = cfgw.test_dist.calls
  assert json.loads(txt) == disk
  assert ssconf["master_candidates"] == \
    "node1.example.com\nnode3.example.com"


def testUpdateInstanceNoSsconf(cfgw):
  inst = cfgw.GetInstanceInfo(I1)
  (serial, cserial) = (inst.serial_no, cfgw.GetClusterInfo().serial_no)
  inst.AddTag("newtag")
  cfgw.Update(inst)
  assert inst.serial_no == serial + 1
  assert cfgw.GetClusterInfo().serial_no == cserial
  [(txt, ssconf)] = cfgw.test_dist.calls
  assert ssconf is None
  assert "newtag" in json.loads(txt)["instances"][I1]["tags"]


def testUpdateCluster(cfgw):
  cluster = cfgw.GetClusterInfo()
  serial = cluster.serial_no
  cluster.AddTag("clustertag")
  cfgw.Update(cluster)
  assert cluster.serial_no == serial + 1
  [(_, ssconf)] = cfgw.test_dist.calls
  assert ssconf["cluster_tags"] == "clustertag\nmytag"


def testUpdateUnknownObject(cfgw):
  node = objects.Node.FromDict(cfgw.GetNodeInfo(N2).ToDict())
  with pytest.raises(errors.ConfigurationError):
    cfgw.Update(node)
  with pytest.raises(errors.ProgrammerError):
    cfgw.Update("x")
  assert cfgw.GetWriteCount() == 0


def _NewInstance(cfgw, name="inst9.example.com"):
  uuid = cfgw.GenerateUniqueID()
  disk = objects.Disk(uuid=cfgw.GenerateUniqueID(), dev_type="file",
                      logical_id=["loop", "/srv/x"], size=128, mode="rw",
                      nodes=[N1], params={})
  inst = objects.Instance(
    name=name, uuid=uuid, primary_node=N1, os="noop", hypervisor="xen-pvm",
    hvparams={}, beparams={}, osparams={}, osparams_private={},
    admin_state=constants.ADMINST_DOWN, admin_state_source="admin",
    nics=[], disks=[], disks_active=False, tags=[])
  return (inst, disk)


def testAddRemoveInstance(cfgw):
  (inst, disk) = _NewInstance(cfgw)
  cserial = cfgw.GetClusterInfo().serial_no
  cfgw.AddInstance(inst, [disk])
  assert inst.serial_no == 1 and inst.ctime == inst.mtime
  assert disk.iv_name == "disk/0" and disk.serial_no == 1
  assert inst.disks == [disk.uuid]
  assert cfgw.GetClusterInfo().serial_no == cserial + 1
  assert cfgw.ExpandInstanceName("inst9") == (inst.uuid, "inst9.example.com")
  assert cfgw.GetInstanceDisks(inst.uuid)[0] is disk
  ondisk = _OnDisk(cfgw)
  assert ondisk["instances"][inst.uuid]["disks"] == [disk.uuid]
  assert disk.uuid in ondisk["disks"]
  (_, ssconf) = cfgw.test_dist.calls[-1]
  assert ssconf["instance_list"].splitlines() == [
    "inst9.example.com", "instance1.example.com", "instance2.example.com",
    "instance3.example.com"]
  assert cfgw.VerifyConfig() == []
  with pytest.raises(errors.ConfigurationError):
    cfgw.AddInstance(_NewInstance(cfgw)[0], [])
  cfgw.RemoveInstance(inst.uuid)
  assert cfgw.GetInstanceInfo(inst.uuid) is None
  assert cfgw.GetClusterInfo().serial_no == cserial + 2
  ondisk = _OnDisk(cfgw)
  assert inst.uuid not in ondisk["instances"]
  assert disk.uuid not in ondisk["disks"]
  with pytest.raises(errors.ConfigurationError):
    cfgw.RemoveInstance(inst.uuid)
  assert cfgw.GetWriteCount() == 2


def testInstanceStatus(cfgw):
  inst = cfgw.GetInstanceInfo(I1)
  serial = inst.serial_no
  cfgw.MarkInstanceUp(I1)  # already up and active: no write
  writes = cfgw.GetWriteCount()
  cfgw.MarkInstanceDown(I1)
  assert inst.admin_state == constants.ADMINST_DOWN
  assert inst.serial_no > serial
  assert cfgw.GetWriteCount() == writes + 1
  assert _OnDisk(cfgw)["instances"][I1]["admin_state"] == "down"
  cfgw.MarkInstanceUserDown(I1)
  assert inst.admin_state_source == constants.USER_SOURCE
  cfgw.MarkInstanceUp(I1)
  assert inst.admin_state == constants.ADMINST_UP
  assert inst.admin_state_source == constants.ADMIN_SOURCE
  assert inst.disks_active is True


def testAddRemoveNode(cfgw):
  uuid = cfgw.GenerateUniqueID()
  node = objects.Node(name="node4.example.com", uuid=uuid,
                      primary_ip="192.0.2.90", secondary_ip="192.0.2.90",
                      master_candidate=False, offline=False, drained=False,
                      group=G_DEFAULT, master_capable=True, vm_capable=True,
                      ndparams={}, tags=[])
  cserial = cfgw.GetClusterInfo().serial_no
  cfgw.AddNode(node)
  assert node.serial_no == 1
  assert cfgw.GetClusterInfo().serial_no == cserial + 1
  assert cfgw.ExpandNodeName("node4") == (uuid, "node4.example.com")
  (_, ssconf) = cfgw.test_dist.calls[-1]
  assert "node4.example.com" in ssconf["node_list"].splitlines()
  assert "node4.example.com 192.0.2.90" in \
    ssconf["node_primary_ips"].splitlines()
  with pytest.raises(errors.ConfigurationError):
    cfgw.AddNode(node)
  # candidate pool: size 10, so the new node is promoted
  assert [n.uuid for n in cfgw.MaintainCandidatePool([])] == [uuid]
  assert node.master_candidate is True
  assert cfgw.MaintainCandidatePool([]) == []
  cfgw.RemoveNode(uuid)
  assert cfgw.GetNodeInfo(uuid) is None
  assert uuid not in _OnDisk(cfgw)["nodes"]
  with pytest.raises(errors.ConfigurationError):
    cfgw.RemoveNode(uuid)


def testGenerateUniqueIDAndMAC(cfgw):
  ids = set(cfgw.GenerateUniqueID() for _ in range(20))
  assert len(ids) == 20
  assert not ids & set(cfgw.GetNodeList())
  mac = cfgw.GenerateMAC()
  assert mac.startswith("aa:bb:cc:") and len(mac) == 17
  cfgw.ReleaseTemporary()


def testModifiedBehindOurBack(cfgw):
  node = cfgw.GetNodeInfo(N2)
  cfgw.Update(node)
  # someone else writes the file (in place: same inode, newer mtime)
  st = os.stat(cfgw.test_path)
  with open(cfgw.test_path, "a") as fd:
    fd.write(" ")
  os.utime(cfgw.test_path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
  with pytest.raises(errors.ConfigurationError,
                     match="modified since last write"):
    cfgw.Update(node)


def testReplacedBehindOurBack(cfgw):
  txt = open(cfgw.test_path).read()
  os.unlink(cfgw.test_path)
  with open(cfgw.test_path, "w") as fd:
    fd.write(txt)
  with pytest.raises(errors.ConfigurationError,
                     match="modified since last write"):
    cfgw.Update(cfgw.GetClusterInfo())


def testAtomicWrite(cfgw, tmp_path):
  ino = os.stat(cfgw.test_path).st_ino
  cfgw.Update(cfgw.GetClusterInfo())
  st = os.stat(cfgw.test_path)
  assert st.st_ino != ino  # renamed into place, not rewritten
  assert st.st_mode & 0o777 == 0o640
  assert sorted(os.listdir(tmp_path)) == ["config.data"]
  raw = open(cfgw.test_path).read()
  assert raw.endswith("}\n")
  # reloadable and equal
  again = config.ConfigWriter(cfg_file=cfgw.test_path)
  assert again.GetConfigData().ToDict() == cfgw.GetConfigData().ToDict()


def testDistributeOnlyOnClusterSerialChange(cfgw):
  cfgw.MarkInstanceDown(I2)
  cfgw.Update(cfgw.GetInstanceInfo(I3))
  assert [s is None for (_, s) in cfgw.test_dist.calls] == [True, True]
  cfgw.Update(cfgw.GetNodeInfo(N3))
  assert cfgw.test_dist.calls[-1][1] is not None
  cfgw.DistributeConfig()
  assert cfgw.test_dist.calls[-1][1] is not None  # forced
  assert len(cfgw.test_dist.calls) == 4


def testOfflineNoDistribution(tmp_path):
  dist = _Distributor()
  cfg = config.ConfigWriter(cfg_file=_Copy(tmp_path), offline=True,
                            distribute_fn=dist)
  cfg.Update(cfg.GetNodeInfo(N2))
  assert dist.calls == []


@pytest.mark.parametrize("inject,message", [
  (lambda d: setattr(d.cluster, "master_node", "nosuch"),
   "cluster has invalid primary node 'nosuch'"),
  (lambda d: setattr(d.instances[I1], "primary_node", "nosuch"),
   "instance 'instance1.example.com' has invalid primary node 'nosuch'"),
  (lambda d: setattr(d.nodes[N2], "group", "nosuch"),
   "node 'node2.example.com' has invalid group 'nosuch'"),
  (lambda d: setattr(d.nodes[N2], "name", "node1.example.com"),
   "duplicate node name 'node1.example.com'"),
  (lambda d: setattr(d.instances[I2], "name", "instance1.example.com"),
   "duplicate instance name 'instance1.example.com'"),
  (lambda d: setattr(d.instances[I1], "disks", ["nosuchdisk"]),
   "instance 'instance1.example.com' has invalid disk 'nosuchdisk'"),
  (lambda d: setattr(d.instances[I1], "admin_state", "sideways"),
   "instance 'instance1.example.com' has invalid admin state 'sideways'"),
  (lambda d: setattr(d.nodes[N2], "drained", True),
   "Node node2.example.com is in more than one state: master_candidate,"
   " drained"),
  (lambda d: setattr(d.cluster, "enabled_hypervisors", []),
   "enabled hypervisors list doesn't have any entries"),
  (lambda d: setattr(d.cluster, "enabled_hypervisors", ["kvm", "vmware"]),
   "enabled hypervisors contains invalid entries: vmware"),
])
def testVerifyConfig(cfgw, inject, message):
  inject(cfgw.GetConfigData())
  assert message in cfgw.VerifyConfig()


def testVerifyConfigOrphanDisk(cfgw):
  data = cfgw.GetConfigData()
  data.instances[I1].disks = []
  assert cfgw.VerifyConfig() == [
    "disk '77ced3a5-6756-49ae-8d1f-274e27664c05' is not attached to any"
    " instance"]


# objects round trips ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["cluster_config_2.10.json",
                                  "cluster_config_2.16.json",
                                  "cluster_config_3.0.json",
                                  "cluster_config_3.1.json"])
def testObjectsRoundTrip(name):
  with open(os.path.join(DATA, name)) as fd:
    raw = json.load(fd)
  data = objects.ConfigData.FromDict(raw)
  out = data.ToDict()
  # through the serializer and back again: stable
  again = objects.ConfigData.FromDict(serializer.LoadJson(
    serializer.DumpJson(out))).ToDict()
  assert again == out
  # what was read is written back (older versions lack the empty
  # top-level "disks"/"filters" sections)
  for key in raw:
    assert out[key] == raw[key], key
  assert set(out) - set(raw) <= {"disks", "filters"}
  assert not out.get("disks") or "disks" in raw


# ssconf ------------------------------------------------------------------------------
def testSsconfValues30(cfgw):
  values = ssconfvalues.ComputeSsconfValues(cfgw.GetConfigData())
  assert values == cfgw.GetSsconfValues()
  nodes = ["node1.example.com", "node2.example.com", "node3.example.com"]
  expected = {
    "cluster_name": "cluster.name.example.com",
    "cluster_tags": "mytag",
    "file_storage_dir": "",
    "shared_file_storage_dir": "/srv/ganeti/shared-file-storage",
    "gluster_storage_dir": "",
    "master_candidates": "\n".join(nodes),
    "master_candidates_ips": "192.0.2.82\n192.0.2.83\n192.0.2.84",
    "master_candidates_certs": "",
    "master_ip": "192.0.2.87",
    "master_netdev": "eth0",
    "master_netmask": "32",
    "master_node": "node1.example.com",
    "node_list": "\n".join(nodes),
    "node_primary_ips": "node1.example.com 192.0.2.82\n"
                        "node2.example.com 192.0.2.83\n"
                        "node3.example.com 192.0.2.84",
    "node_secondary_ips": "node1.example.com 198.51.100.82\n"
                          "node2.example.com 198.51.100.83\n"
                          "node3.example.com 198.51.100.84",
    "node_vm_capable": "node1.example.com=True\nnode2.example.com=True\n"
                       "node3.example.com=True",
    "offline_nodes": "",
    "online_nodes": "\n".join(nodes),
    "primary_ip_family": "2",
    "instance_list": "instance1.example.com\ninstance2.example.com\n"
                     "instance3.example.com",
    "release_version": constants.RELEASE_VERSION,
    "hypervisor_list": "xen-pvm",
    "maintain_node_health": "False",
    "uid_pool": "",
    "nodegroups": "6c0a8916-b719-45ad-95dd-82192b1e473f another\n"
                  "5244a46d-7506-4e14-922d-02b58153dde1 default",
    "networks": "99f0128a-1c84-44da-90b9-9581ea00c075 a network",
    "enabled_user_shutdown": "False",
    "ssh_ports": "node1.example.com=22\nnode2.example.com=22\n"
                 "node3.example.com=22",
    "hvparams_chroot": "init_script=/ganeti-chroot",
    "hvparams_fake": "migration_mode=live",
  }
  for (key, value) in expected.items():
    assert values[key] == value, key
  assert set(values) == set(expected) | set(
    "hvparams_%s" % hv for hv in constants.HYPER_TYPES)
  # hvparams: sorted key=value, Python str() of the values
  xen = values["hvparams_xen-pvm"].splitlines()
  assert xen == sorted(xen)
  assert "use_bootloader=False" in xen
  assert "cpu_weight=256" in xen
  assert "bootloader_args=" in xen
  kvm = values["hvparams_kvm"].splitlines()
  assert kvm[0] == "acpi=True" and kvm == sorted(kvm)
  for value in values.values():
    assert isinstance(value, str)
    assert not value.endswith("\n")


def testSsconfNiceSortAndEmpty(cfgw):
  data = cfgw.GetConfigData()
  for (uuid, name) in [(I1, "inst10"), (I2, "inst9"), (I3, "inst1")]:
    data.instances[uuid].name = name
  data.nodes[N3].offline = True
  data.nodes[N3].master_candidate = False
  data.cluster.uid_pool = [(1000, 1000), (2000, 2010)]
  data.cluster.tags = set()
  values = ssconfvalues.ComputeSsconfValues(data)
  assert values["instance_list"] == "inst1\ninst9\ninst10"
  assert values["offline_nodes"] == "node3.example.com"
  assert values["online_nodes"] == "node1.example.com\nnode2.example.com"
  assert values["master_candidates"] == \
    "node1.example.com\nnode2.example.com"
  assert values["uid_pool"] == "1000\n2000-2010"
  assert values["cluster_tags"] == ""


def testNetworkPortAllocatedAndReturned(cfgw):
  """A kvm instance's display port comes from the pool and goes back."""
  (inst, disk) = _NewInstance(cfgw)
  cluster = cfgw.GetClusterInfo()
  cluster.tcpudp_port_pool = []
  cluster.highest_used_port = 11005
  first = cfgw.AllocatePort()
  assert first == 11006
  inst.network_port = first
  cfgw.AddInstance(inst, [disk])
  cfgw.RemoveInstance(inst.uuid)
  assert _OnDisk(cfgw)["cluster"]["tcpudp_port_pool"] == [first]
  # the next allocation reuses it
  assert cfgw.AllocatePort() == first
  assert cfgw.GetClusterInfo().tcpudp_port_pool == []
