"""Opcodes: the parameter tables, validation, summaries and serialization."""

import re

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import mcpu
from ganeti import opcodes
from ganeti import serializer

pytestmark = pytest.mark.unit


def _ExpectedOpId(clsname):
  return "OP_" + re.sub(r"(?<!^)(?=[A-Z])", "_", clsname[2:]).upper()


def testEveryOpcodeHasAnLU():
  lumap = mcpu._GetLUMap()
  missing = [op_id for (op_id, cls) in opcodes.OP_MAPPING.items()
             if cls.WITH_LU and cls not in lumap]
  assert missing == []
  for (op, lu) in lumap.items():
    assert lu.__name__ == "LU" + op.__name__[2:]


@pytest.mark.parametrize("op_id", sorted(opcodes.OP_MAPPING))
def testOpIdFromClassName(op_id):
  cls = opcodes.OP_MAPPING[op_id]
  assert cls.OP_ID == op_id == _ExpectedOpId(cls.__name__)
  # the parameter table and the slots agree
  names = [p[0] for p in cls.GetAllParams()]
  assert len(names) == len(set(names)), "duplicate parameter in %s" % op_id
  assert cls.GetAllSlots() == frozenset(names)
  for (name, _, check, doc) in cls.GetAllParams():
    assert check is None or callable(check)
    assert isinstance(doc, str)
  # every opcode takes the common parameters
  for name in ("dry_run", "debug_level", "priority", "depends", "comment",
               "reason"):
    assert name in names


@pytest.mark.parametrize("clsname,op_id", [
  ("OpInstanceStartup", "OP_INSTANCE_STARTUP"),
  ("OpTestDelay", "OP_TEST_DELAY"),
  ("OpTestJqueue", "OP_TEST_JQUEUE"),
  ("OpClusterVerifyDisks", "OP_CLUSTER_VERIFY_DISKS"),
  ("OpNodeSetParams", "OP_NODE_SET_PARAMS"),
  ("OpOsDiagnose", "OP_OS_DIAGNOSE"),
  ("OpTagsGet", "OP_TAGS_GET"),
])
def testNameToId(clsname, op_id):
  assert opcodes._NameToId(clsname) == op_id
  assert opcodes.OP_MAPPING[op_id].__name__ == clsname


def testNameToIdNotAnOpcode():
  assert opcodes._NameToId("Foo") is None


def testMissingRequired():
  op = opcodes.OpInstanceStartup()
  with pytest.raises(errors.OpPrereqError) as err:
    op.Validate(True)
  assert err.value.args == (
    "Required parameter 'OP_INSTANCE_STARTUP.instance_name' missing",
    errors.ECODE_INVAL)
  # None counts as missing for a required parameter
  op = opcodes.OpTestDelay(duration=None)
  with pytest.raises(errors.OpPrereqError, match="duration' missing"):
    op.Validate(False)


@pytest.mark.parametrize("op", [
  opcodes.OpTestDelay(duration="abc"),
  opcodes.OpTestDelay(duration=1, repeat=-1),
  opcodes.OpTestDelay(duration=1, on_nodes="node1"),
  opcodes.OpInstanceStartup(instance_name=""),
  opcodes.OpInstanceStartup(instance_name="inst1", force="yes"),
  opcodes.OpInstanceReboot(instance_name="inst1", reboot_type="cold"),
  opcodes.OpTagsSet(kind="bogus", tags=["a"]),
  opcodes.OpTagsSet(kind=constants.TAG_CLUSTER, tags=[""]),
  opcodes.OpTestDelay(duration=0, priority=100),
  opcodes.OpTestDelay(duration=0, debug_level=-1),
  opcodes.OpTestDelay(duration=0, reason=[["a", "b"]]),
  opcodes.OpTestDelay(duration=0, depends=[[1]]),
])
def testWrongType(op):
  with pytest.raises(errors.OpPrereqError) as err:
    op.Validate(True)
  assert err.value.args[1] == errors.ECODE_INVAL
  assert "fails validation" in err.value.args[0]


def testUnknownParameterConstructor():
  with pytest.raises(errors.OpPrereqError) as err:
    opcodes.OpTestDelay(duration=1, bogus=2)
  assert err.value.args == (
    "Parameter 'bogus' is not supported by OP_TEST_DELAY", errors.ECODE_INVAL)


def testUnknownParameterLoadOpCode():
  with pytest.raises(errors.OpPrereqError) as err:
    opcodes.OpCode.LoadOpCode({"OP_ID": "OP_TEST_DELAY", "duration": 1,
                               "zzz": 1, "aaa": 2})
  assert err.value.args == (
    "Unknown parameter(s) for OP_TEST_DELAY: aaa, zzz", errors.ECODE_INVAL)


@pytest.mark.parametrize("data,exc", [
  ({"OP_ID": "OP_NO_SUCH_THING"}, errors.OpCodeUnknown),
  ({"duration": 1}, ValueError),
  (["OP_TEST_DELAY"], ValueError),
  (None, ValueError),
])
def testLoadOpCodeInvalid(data, exc):
  with pytest.raises(exc):
    opcodes.OpCode.LoadOpCode(data)


def testDefaultsFilled():
  op = opcodes.OpTestDelay(duration=2)
  op.Validate(False)
  assert not hasattr(op, "on_master")
  op.Validate(True)
  assert op.on_master is True
  assert op.on_nodes == []
  assert op.repeat == 0
  assert op.interruptible is False
  assert op.priority == constants.OP_PRIO_DEFAULT
  assert op.reason == []
  assert op.dry_run is None
  assert op.debug_level is None
  assert op.on_node_uuids is None
  # mutable defaults are fresh objects
  op2 = opcodes.OpTestDelay(duration=2)
  op2.Validate(True)
  assert op2.on_nodes is not op.on_nodes
  assert op2.reason is not op.reason


def testDefaultsDoNotOverride():
  op = opcodes.OpInstanceShutdown(instance_name="inst1", timeout=5,
                                  no_remember=True)
  op.Validate(True)
  assert op.timeout == 5
  assert op.no_remember is True
  assert op.force is False
  assert op.ignore_offline_nodes is False


@pytest.mark.parametrize("op,summary", [
  (opcodes.OpInstanceStartup(instance_name="inst1"), "INSTANCE_STARTUP(inst1)"),
  (opcodes.OpInstanceShutdown(instance_name="inst1.example.com"),
   "INSTANCE_SHUTDOWN(inst1.example.com)"),
  (opcodes.OpTestDelay(duration=0), "TEST_DELAY(0.0)"),
  (opcodes.OpTestDelay(duration=0.1), "TEST_DELAY(0.1)"),
  (opcodes.OpTestDelay(duration=10), "TEST_DELAY(10.0)"),
  (opcodes.OpClusterVerify(), "CLUSTER_VERIFY"),
  (opcodes.OpClusterVerifyGroup(group_name="default"),
   "CLUSTER_VERIFY_GROUP(default)"),
  (opcodes.OpNodeSetParams(node_name="node2"), "NODE_SET_PARAMS(node2)"),
  (opcodes.OpTagsSet(kind="node", name="node1", tags=["a"]),
   "TAGS_SET(node1)"),
  (opcodes.OpQuery(what="instance", fields=["name"]), "QUERY(instance)"),
  (opcodes.OpTestJqueue(), "TEST_JQUEUE"),
])
def testSummary(op, summary):
  assert op.Summary() == summary


def testSummaryListField():
  class OpTestListSummary(opcodes.OpCode):
    OP_DSC_FIELD = "items"
    OP_PARAMS = [("items", None, None, "Items")]
  assert OpTestListSummary(items=["a", 1, "b"]).Summary() == \
    "TEST_LIST_SUMMARY(a,1,b)"


@pytest.mark.parametrize("op,tiny", [
  (opcodes.OpInstanceStartup(instance_name="inst1"), "I_STARTUP"),
  (opcodes.OpClusterVerify(), "C_VERIFY"),
  (opcodes.OpNodeAdd(node_name="n"), "N_ADD"),
  (opcodes.OpTestDelay(duration=1), "TEST_DELAY"),
])
def testTinySummary(op, tiny):
  assert op.TinySummary() == tiny


def testGetStateRoundTrip():
  op = opcodes.OpInstanceStartup(instance_name="inst1", force=True,
                                 hvparams={"kernel_args": "ro"},
                                 priority=constants.OP_PRIO_HIGH,
                                 reason=[["gnt:client:gnt-instance", "startup",
                                          123]])
  state = op.__getstate__()
  assert state["OP_ID"] == "OP_INSTANCE_STARTUP"
  assert state["instance_name"] == "inst1"
  assert "instance_uuid" not in state  # None values are omitted
  # through JSON, as in the job queue and LUXI
  data = serializer.LoadJson(serializer.DumpJson(state))
  op2 = opcodes.OpCode.LoadOpCode(data)
  assert isinstance(op2, opcodes.OpInstanceStartup)
  assert op2.__getstate__() == state
  op2.Validate(True)
  assert op2.force is True
  assert op2.hvparams == {"kernel_args": "ro"}
  assert op2.priority == constants.OP_PRIO_HIGH


def testGetStateAfterValidate():
  op = opcodes.OpTestDelay(duration=1)
  op.Validate(True)
  state = op.__getstate__()
  # always-serialized common parameters survive even when None
  for name in ("dry_run", "debug_level", "depends", "comment"):
    assert name in state and state[name] is None
  op2 = opcodes.OpCode.LoadOpCode(state)
  assert op2.__getstate__() == state


@pytest.mark.parametrize("op_id", sorted(opcodes.OP_MAPPING))
def testRoundTripEveryOpcode(op_id):
  cls = opcodes.OP_MAPPING[op_id]
  op = cls()
  state = op.__getstate__()
  assert state == {"OP_ID": op_id}
  assert opcodes.OpCode.LoadOpCode(state).__getstate__() == state


def testSetStateResets():
  op = opcodes.OpTestDelay(duration=1, repeat=3)
  op.__setstate__({"duration": 2})
  assert op.duration == 2
  assert not hasattr(op, "repeat")
  with pytest.raises(ValueError):
    op.__setstate__([("duration", 2)])
