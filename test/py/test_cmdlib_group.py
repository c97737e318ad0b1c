"""cmdlib.group / group_evacuate helpers: split instances, evacuation
answers turned into jobs."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import opcodes
from ganeti.cmdlib import group
from ganeti.cmdlib import group_evacuate

pytestmark = pytest.mark.unit


class _FakeCfg:
  """Nodes n1, n2 in group A, n3 in group B; a DRBD instance on n1+n2,
  an already split DRBD instance on n2+n3, a plain one on n1."""

  def __init__(self):
    self.nodes = dict((u, objects.Node(uuid=u, name=u, group=g))
                      for (u, g) in [("n1", "A"), ("n2", "A"), ("n3", "B")])
    self.inst = {"drbd1": (constants.DT_DRBD8, ["n1", "n2"]),
                 "split": (constants.DT_DRBD8, ["n2", "n3"]),
                 "plain": (constants.DT_PLAIN, ["n1"])}

  def GetAllNodesInfo(self):
    return self.nodes

  def GetAllInstancesInfo(self):
    return dict((u, None) for u in self.inst)

  def GetInstanceDiskTemplate(self, uuid):
    return self.inst[uuid][0]

  def GetInstanceNodes(self, uuid):
    return self.inst[uuid][1]


@pytest.mark.parametrize(("changes", "new", "still"), [
  ([("n1", "B")], ["drbd1"], ["split"]),
  ([("n2", "B")], ["drbd1"], []),
  ([("n1", "B"), ("n2", "B")], [], []),
  ([("n3", "A")], [], []),
  ([("n1", "A")], [], ["split"]),
  ([("n1", "C")], ["drbd1"], ["split"]),
])
def test_split_instances(changes, new, still):
  assert group.SplitInstances(_FakeCfg(), changes) == (new, still)


class _FakeLU:
  def __init__(self):
    self.infos = []
    self.warnings = []

  def LogInfo(self, msg, *args):
    self.infos.append(msg % args)

  def LogWarning(self, msg, *args):
    self.warnings.append(msg % args)


_MIGRATE = {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "i1",
            "target_node": None, "allow_failover": True, "cleanup": False}
_REPLACE = {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "i2",
            "mode": constants.REPLACE_DISK_CHG, "remote_node": "n3",
            "disks": [], "early_release": False}


def test_load_evac_result():
  lu = _FakeLU()
  jobs = group_evacuate.LoadNodeEvacResult(
    lu, [[["i1", "B", ["n3"]], ["i2", "B", ["n3", "n4"]]], [],
         [[_MIGRATE], [_REPLACE, _MIGRATE]]], True, False)
  assert [[op.OP_ID for op in ops] for ops in jobs] == [
    ["OP_INSTANCE_MIGRATE"],
    ["OP_INSTANCE_REPLACE_DISKS", "OP_INSTANCE_MIGRATE"]]
  # early release only where the opcode has it
  assert jobs[1][0].early_release is True
  assert not hasattr(jobs[0][0], "early_release")
  assert lu.infos == ["Instances to be moved: i1 (to B), i2 (to B)"]
  lu = _FakeLU()
  group_evacuate.LoadNodeEvacResult(lu, [[["i2", "B", ["n3", "n4"]]], [],
                                         [[_REPLACE]]], False, True)
  assert lu.infos == ["Instances to be moved: i2 (to n3, n4)"]


def test_load_evac_result_failure():
  lu = _FakeLU()
  with pytest.raises(errors.OpExecError) as exc:
    group_evacuate.LoadNodeEvacResult(
      lu, [[], [["i1", "no memory"], ["i2", "no disk"]], []], False, False)
  assert str(exc.value) == \
    "Unable to evacuate instances i1 (no memory), i2 (no disk)"
  assert lu.warnings == [str(exc.value)]


def test_failover_instead():
  op = opcodes.OpCode.LoadOpCode(dict(_MIGRATE, target_node="n3"))
  new = group_evacuate._FailoverInstead(op)
  assert isinstance(new, opcodes.OpInstanceFailover)
  assert (new.instance_name, new.target_node) == ("i1", "n3")
  other = opcodes.OpCode.LoadOpCode(_REPLACE)
  assert group_evacuate._FailoverInstead(other) is other
