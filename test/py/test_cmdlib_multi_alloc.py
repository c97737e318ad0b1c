"""Unit tests of OP_INSTANCE_MULTI_ALLOC: the opcode's wire form and the
argument checks of LUInstanceMultiAlloc (with a fake configuration)."""

import json

import pytest

from ganeti import errors
from ganeti import opcodes
from ganeti.cmdlib import instance_multi_alloc

pytestmark = pytest.mark.unit


def _Create(name, **kwargs):
  params = {"instance_name": name, "mode": "create", "disks": [],
            "disk_template": "diskless", "nics": [], "os_type": "noop"}
  params.update(kwargs)
  return opcodes.OpInstanceCreate(**params)


class _Cluster:
  def __init__(self, default_iallocator):
    self.default_iallocator = default_iallocator


class _Cfg:
  def __init__(self, default_iallocator=""):
    self.cluster = _Cluster(default_iallocator)

  def GetClusterInfo(self):
    return self.cluster


def _Check(op, default_iallocator=""):
  lu = instance_multi_alloc.LUInstanceMultiAlloc.__new__(
    instance_multi_alloc.LUInstanceMultiAlloc)
  op.Validate(True)  # as the processor does before the LU sees it
  lu.op = op
  lu.cfg = _Cfg(default_iallocator)
  lu.CheckArguments()
  return lu


def test_wire_form_round_trip():
  op = opcodes.OpInstanceMultiAlloc(
    iallocator="hail", instances=[_Create("a"), _Create("b", pnode="n1")])
  op.Validate(False)
  data = json.loads(json.dumps(op.__getstate__()))
  assert [i["OP_ID"] for i in data["instances"]] == ["OP_INSTANCE_CREATE"] * 2
  loaded = opcodes.OpCode.LoadOpCode(data)
  loaded.Validate(False)
  assert [i.instance_name for i in loaded.instances] == ["a", "b"]
  assert loaded.instances[1].pnode == "n1"
  with pytest.raises(errors.OpPrereqError):
    opcodes.OpInstanceMultiAlloc(instances=[{"x": 1}]).Validate(False)


def test_result_check():
  check = opcodes.OpInstanceMultiAlloc.OP_RESULT
  assert check({"jobs": [[True, 5]], "allocatable": ["a"], "failed": []})
  assert not check({"jobs": [[True, 5]]})


@pytest.mark.parametrize("instances,kwargs,message", [
  ([_Create("a", iallocator="hail")], {}, "not allowed to be set"),
  ([_Create("a", pnode="n1"), _Create("b")], {}, "while others do not"),
  ([_Create("a")], {}, "no cluster-wide default iallocator"),
  ([_Create("a", pnode="n1"), _Create("a", pnode="n1")], {},
   "duplicate instance names: a"),
  ([_Create("a", pnode="n1")], {"opportunistic_locking": True},
   "Opportunistic locking"),
])
def test_bad_arguments(instances, kwargs, message):
  op = opcodes.OpInstanceMultiAlloc(instances=instances, **kwargs)
  with pytest.raises(errors.OpPrereqError) as err:
    _Check(op)
  assert message in str(err.value)
  assert err.value.args[1] == errors.ECODE_INVAL


def test_default_allocator_and_nodes():
  lu = _Check(opcodes.OpInstanceMultiAlloc(instances=[_Create("a")]),
              default_iallocator="hail")
  assert lu.op.iallocator == "hail"
  lu = _Check(opcodes.OpInstanceMultiAlloc(
    instances=[_Create("a", pnode="n1"), _Create("b", pnode="n2")]))
  assert lu.op.iallocator is None
