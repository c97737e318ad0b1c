"""gnt-instance modify --hotplug against scripted node answers.

instance3.example.com (plain disk, node2, up) of the 3.0 fixture; the
scripted node says hotplug is supported unless a test says otherwise.
"""

import pytest

from ganeti import constants
from ganeti import opcodes

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I3 = test_mcpu.I3


@pytest.fixture
def ctx(tmp_path):
  context = dt.MakeContext(tmp_path)
  lvm = [{"type": constants.ST_LVM_VG, "name": "xenvg",
          "storage_free": dt.VG_FREE, "storage_size": 2 * dt.VG_FREE}]
  context.transport.handlers["node_info"] = lambda node, args: (
    True, ["id", lvm, [{"memory_free": 8192}]])
  context.transport.handlers["blockdev_assemble"] = lambda node, args: (
    True, ["/dev/xenvg/new", "/run/ganeti/instance-disks/i3:1", None])
  with dt.ExtraRpcs():
    yield context


def _Modify(ctx, cbs=None, **kwargs):
  return dt.Exec(ctx, opcodes.OpInstanceSetParams(
    instance_name="instance3", hotplug=True, **kwargs), cbs)


def _Hotplugs(ctx):
  # (node, action, dev_type, seq, extra)
  return [(node, args[1], args[2], args[5], args[4])
          for (_, node, args) in ctx.transport.Find("hotplug_device")]


def testNicAddModifyRemove(ctx):
  cbs = test_mcpu.Callbacks()
  result = _Modify(ctx, cbs, nics=[[constants.DDM_ADD, -1, {}]])
  nics = ctx.cfg.GetInstanceInfo(I3).nics
  idx = len(nics) - 1
  assert result[-1] == ("nic.%d" % idx, "hotplug:done")
  assert _Hotplugs(ctx) == [(dt.N2_NAME, "hotadd", "nic", idx, None)]
  (_, _, args) = ctx.transport.Find("hotplug_device")[0]
  assert args[3]["uuid"] == nics[idx].uuid
  assert args[0]["name"] == "instance3.example.com"
  lines = dt.FeedbackLines(cbs)
  assert " - INFO: Trying to hotplug device..." in lines
  assert " - INFO: Hotplug done." in lines
  ctx.transport.calls = []
  result = _Modify(ctx, nics=[[constants.DDM_MODIFY, idx,
                               {"ip": "192.0.2.7"}]])
  assert result[-1] == ("nic/%d" % idx, "hotplug:done")
  assert _Hotplugs(ctx) == [(dt.N2_NAME, "hotmod", "nic", idx, None)]
  ctx.transport.calls = []
  result = _Modify(ctx, nics=[[constants.DDM_REMOVE, idx, {}]])
  assert result == [("nic/%d" % idx, "remove"),
                    ("nic/%d" % idx, "hotplug:done")]
  assert _Hotplugs(ctx) == [(dt.N2_NAME, "hotremove", "nic", idx, None)]
  assert len(ctx.cfg.GetInstanceInfo(I3).nics) == idx


def testDiskAddAndRemove(ctx):
  result = _Modify(ctx, disks=[[constants.DDM_ADD, -1, {"size": 1024}]])
  assert result == [("disk/1", "add:size=1024,mode=rw"),
                    ("disk/1", "hotplug:done")]
  ((_, _, args),) = ctx.transport.Find("blockdev_assemble")
  # disk, instance, on_primary, idx
  assert args[2:] == [True, 1]
  assert _Hotplugs(ctx) == [
    (dt.N2_NAME, "hotadd", "disk", 1,
     ["/run/ganeti/instance-disks/i3:1", None])]
  disks = ctx.cfg.GetInstanceDisks(I3)
  (_, _, args) = ctx.transport.Find("hotplug_device")[0]
  assert args[3]["uuid"] == disks[1].uuid
  # the running instance loses a disk without being stopped
  ctx.transport.calls = []
  result = _Modify(ctx, disks=[[constants.DDM_REMOVE, 1, {}]])
  assert result == [("disk/1", "remove"), ("disk/1", "hotplug:done")]
  names = ctx.transport.Names()
  assert names.index("hotplug_device") < names.index("blockdev_shutdown") \
    < names.index("blockdev_remove")
  assert len(ctx.cfg.GetInstanceDisks(I3)) == 1


def testHotplugFailureIsAWarning(ctx):
  ctx.transport.handlers["hotplug_device"] = \
    lambda node, args: (False, "Hotplug failed: no qmp")
  cbs = test_mcpu.Callbacks()
  result = _Modify(ctx, cbs, nics=[[constants.DDM_ADD, -1, {}]])
  assert result[-1][1] == "hotplug:failed"
  lines = dt.FeedbackLines(cbs)
  assert " - WARNING: Could not hotplug device: Hotplug failed: no qmp" \
    in lines
  assert " - INFO: Continuing execution.." in lines
  # the configuration has the new NIC all the same
  assert len(ctx.cfg.GetInstanceInfo(I3).nics) == int(
    result[-1][0].split(".")[1]) + 1


def testNoHotplugWithoutTheOption(ctx):
  dt.Exec(ctx, opcodes.OpInstanceSetParams(
    instance_name="instance3", nics=[[constants.DDM_ADD, -1, {}]]))
  assert not ctx.transport.Find("hotplug_supported")
  assert not ctx.transport.Find("hotplug_device")
