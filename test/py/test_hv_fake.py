"""The fake hypervisor: state files, memory accounting, console."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.hypervisor import hv_base
from ganeti.hypervisor import hv_fake

pytestmark = pytest.mark.unit


def _Inst(name="f1", maxmem=256, minmem=128, vcpus=2):
  return objects.Instance(name=name, hypervisor=constants.HT_FAKE,
                          hvparams={}, nics=[],
                          beparams={"maxmem": maxmem, "minmem": minmem,
                                    "vcpus": vcpus})


@pytest.fixture
def node(vnode, monkeypatch):
  """A fake node with 4096 MiB total and 2048 MiB free."""
  monkeypatch.setattr(hv_base, "GetLinuxNodeInfo", lambda: {
    "memory_total": 4096, "memory_free": 2048, "memory_dom0": 2048,
    "cpu_total": 4, "cpu_nodes": 1, "cpu_sockets": 1})
  return hv_fake.FakeHypervisor()


def testLifeCycle(node):
  inst = _Inst()
  assert node.ListInstances() == []
  node.StartInstance(inst, [(None, "/dev/disk0", None)], False)
  assert node.ListInstances() == ["f1"]
  info = node.GetInstanceInfo("f1")
  assert info[:5] == ("f1", 0, 256, 2, "running")
  with pytest.raises(errors.HypervisorError,
                     match="Failed to start instance f1: already running"):
    node.StartInstance(inst, [], False)
  node.RebootInstance(inst)
  node.StopInstance(inst)
  assert node.GetInstanceInfo("f1") is None
  with pytest.raises(errors.HypervisorError,
                     match="Failed to stop instance f1: not running"):
    node.StopInstance(inst)


def testPausedStart(node):
  node.StartInstance(_Inst(), [], True)
  assert node.GetInstanceInfo("f1")[4] == "paused"


def testNodeMemoryCountsInstances(node):
  node.StartInstance(_Inst("a", maxmem=512), [], False)
  node.StartInstance(_Inst("b", maxmem=1024), [], False)
  info = node.GetNodeInfo()
  assert info["memory_free"] == 2048 - 512 - 1024
  assert info["memory_total"] == 4096


def testStartupMemoryLimitedByFreeMemory(node):
  node.StartInstance(_Inst("a", maxmem=1800, minmem=128), [], False)
  # 248 MiB are left: the next one starts with that, within min/max
  node.StartInstance(_Inst("b", maxmem=512, minmem=128), [], False)
  assert node.GetInstanceInfo("b")[2] == 248
  node.StartInstance(_Inst("c", maxmem=512, minmem=400), [], False)
  assert node.GetInstanceInfo("c")[2] == 400


def testBalloon(node):
  inst = _Inst()
  node.StartInstance(inst, [], False)
  node.BalloonInstanceMemory(inst, 200)
  assert node.GetInstanceInfo("f1")[2] == 200
  assert node.GetNodeInfo()["memory_free"] == 2048 - 200
  with pytest.raises(errors.HypervisorError, match="not running"):
    node.BalloonInstanceMemory(_Inst("other"), 100)


def testConsole(node):
  assert node.GetInstanceConsole(_Inst(), "node1", None, {}, {}) == {
    "instance": "f1", "kind": constants.CONS_MESSAGE,
    "message": "Console not available for fake hypervisor"}


def testBadNameAndVerify(node):
  with pytest.raises(errors.HypervisorError, match="Invalid instance name"):
    node.GetInstanceInfo("../x")
  assert node.Verify() is None
