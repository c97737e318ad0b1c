"""grow-disk, replace-disks, recreate-disks, activation and WaitForSync."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import utils
from ganeti.cmdlib import instance_disks

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I1 = test_mcpu.I1  # drbd on node1 (primary) / node3, 1 disk
I3 = test_mcpu.I3  # plain on node2
INST1 = "instance1.example.com"


class _FakeTime:
  def __init__(self):
    self.sleeps = []

  def sleep(self, secs):
    self.sleeps.append(secs)

  def time(self):
    return 0


@pytest.fixture
def ctx(tmp_path):
  context = dt.MakeContext(tmp_path)
  fake = _FakeTime()
  orig = instance_disks._time
  instance_disks._time = fake
  context.sleeps = fake.sleeps
  with dt.ExtraRpcs():
    yield context
  instance_disks._time = orig


def _SyncingThenDone(steps):
  """A getmirrorstatus handler answering each step in turn, then done."""
  answers = list(steps)

  def _Handler(node, args):
    if answers:
      (percent, est) = answers.pop(0)
      status = {"sync_percent": percent, "estimated_time": est,
                "is_degraded": True, "ldisk_status": 1}
    else:
      status = {"sync_percent": None, "estimated_time": None,
                "is_degraded": False, "ldisk_status": 1}
    return (True, [[True, status] for _ in args[0]])
  return _Handler


# WaitForSync ---------------------------------------------------------------
def testActivateDisksWaitsWithProgressLines(ctx):
  ctx.transport.handlers["blockdev_getmirrorstatus"] = _SyncingThenDone(
    [(35.5, 11), (80.25, None)])
  cbs = test_mcpu.Callbacks()
  result = dt.Exec(ctx, opcodes.OpInstanceActivateDisks(
    instance_name="instance1", wait_for_sync=True), cbs)
  assert result == [("node1.example.com", "disk/0",
                     "/dev/fake/77ced3a5-6756-49ae-8d1f-274e27664c05")]
  assert dt.FeedbackLines(cbs) == [
    " - INFO: Waiting for instance %s to sync disks" % INST1,
    " - INFO: - device disk/0: 35.50% done, 11s remaining (estimated)",
    " - INFO: - device disk/0: 80.25% done, no time estimate",
    " - INFO: Instance %s's disks are in sync" % INST1]
  assert ctx.sleeps == [11, 1]
  # two passes: secondary mode on both nodes, then primary mode on node1
  assert [(node, args[2]) for (_, node, args) in
          ctx.transport.Find("blockdev_assemble")] == [
    (dt.N1_NAME, False), (dt.N3_NAME, False), (dt.N1_NAME, True)]
  assert ctx.cfg.GetInstanceInfo(I1).disks_active


def testWaitForSyncGivesUpOnSilentNode(ctx):
  ctx.transport.handlers["blockdev_getmirrorstatus"] = \
    lambda node, args: (False, "node down")
  with pytest.raises(errors.RemoteError) as err:
    dt.Exec(ctx, opcodes.OpInstanceActivateDisks(instance_name="instance1",
                                                 wait_for_sync=True))
  assert str(err.value) == ("Can't contact node node1.example.com for mirror"
                            " data, aborting.")
  assert ctx.sleeps == [6] * 9


def testActivateFailsOnPrimary(ctx):
  def _Assemble(node, args):
    if args[2]:
      return (False, "no such device")
    return (True, ["/dev/x", None, None])
  ctx.transport.handlers["blockdev_assemble"] = _Assemble
  cbs = test_mcpu.Callbacks()
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, opcodes.OpInstanceActivateDisks(instance_name="instance1"),
            cbs)
  assert str(err.value) == "Cannot activate block devices"
  assert (" - WARNING: Could not prepare block device disk/0 on node"
          " node1.example.com (is_primary=True, pass=2): no such device"
          in dt.FeedbackLines(cbs))
  assert not ctx.cfg.GetInstanceInfo(I1).disks_active


def testDeactivateShutsDownEverywhere(ctx):
  dt.Exec(ctx, opcodes.OpInstanceDeactivateDisks(instance_name="instance1",
                                                 force=True))
  assert [node for (_, node, _) in
          ctx.transport.Find("blockdev_shutdown")] == [dt.N1_NAME,
                                                       dt.N3_NAME]


# grow-disk -------------------------------------------------------------------
def testGrowDiskDrbd(ctx):
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance1", disk=0,
                                          amount=1024), cbs)
  grows = [(node, args[1], args[2], args[3]) for (_, node, args) in
           ctx.transport.Find("blockdev_grow")]
  assert grows == [
    (dt.N1_NAME, 1024, True, True), (dt.N3_NAME, 1024, True, True),
    (dt.N1_NAME, 1024, False, True), (dt.N3_NAME, 1024, False, True),
    (dt.N1_NAME, 1024, False, False)]
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  assert disk.size == 1024 + 1024
  assert disk.children[0].size == 2048
  assert disk.children[1].size == 128
  assert "Growing disk 0 of instance 'instance1.example.com' by 1.0G to" \
    " 2.0G" in dt.FeedbackLines(cbs)
  # the free space check asked both nodes about the data LV's VG
  ((_, _, info_args), _) = ctx.transport.Find("node_info")
  assert info_args[0] == [["lvm-vg", "xenvg", []]]


def testGrowDiskAbsoluteAndErrors(ctx):
  dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance3", disk=0,
                                          amount=2048, absolute=True))
  (disk,) = ctx.cfg.GetInstanceDisks(I3)
  assert disk.size == 2048
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance3",
                                            disk=0, amount=1024,
                                            absolute=True))
  assert err.value.args == ("Requested size (1.0G) is smaller than current"
                            " disk size (2.0G)", errors.ECODE_STATE)
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance3",
                                            disk=3, amount=1))
  assert err.value.args == ("Invalid disk index: 3 (instace has disks"
                            " numbered from 0 to 0)", errors.ECODE_INVAL)
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance3",
                                            disk=0, amount=200 * 1024))
  assert err.value.args[1] == errors.ECODE_NORES


def testGrowDiskDryRunFailureChangesNothing(ctx):
  def _Grow(node, args):
    if node == dt.N3_NAME and args[2]:
      return (False, "not enough space")
    return (True, None)
  ctx.transport.handlers["blockdev_grow"] = _Grow
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance1",
                                            disk=0, amount=1024))
  assert str(err.value) == ("Dry-run grow request failed to node"
                            " node3.example.com: not enough space")
  assert [args[2] for (_, _, args) in
          ctx.transport.Find("blockdev_grow")] == [True, True]
  assert ctx.cfg.GetInstanceDisks(I1)[0].size == 1024


# replace-disks -----------------------------------------------------------------
def _ReplaceOp(**kwargs):
  return opcodes.OpInstanceReplaceDisks(instance_name="instance1", **kwargs)


def testReplaceOnSecondary(ctx):
  ctx.cfg.MarkInstanceDisksActive(I1)
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, _ReplaceOp(mode=constants.REPLACE_DISK_SEC), cbs)
  lines = dt.FeedbackLines(cbs)
  steps = [line for line in lines if line.startswith("STEP")]
  assert steps == ["STEP 1/6 Check device existence",
                   "STEP 2/6 Check peer consistency",
                   "STEP 3/6 Allocate new storage",
                   "STEP 4/6 Changing drbd configuration",
                   "STEP 5/6 Sync devices",
                   "STEP 6/6 Removing old storage"]
  assert lines[:3] == [
    "Replacing disk(s) 0 for instance 'instance1.example.com'",
    "Current primary node: node1.example.com",
    "Current seconary node: node3.example.com"]
  names = [n for n in ctx.transport.Names()
           if n.startswith(("blockdev_create", "blockdev_rename",
                            "blockdev_addchildren",
                            "blockdev_removechildren", "blockdev_remove"))]
  assert names == ["blockdev_create", "blockdev_create",
                   "blockdev_removechildren", "blockdev_rename",
                   "blockdev_rename", "blockdev_addchildren",
                   "blockdev_remove", "blockdev_remove"]
  # everything happened on the secondary
  assert set(node for (name, node, _) in ctx.transport.calls
             if name.startswith("blockdev_r")) == {dt.N3_NAME}
  (old_rename, new_rename) = ctx.transport.Find("blockdev_rename")
  assert [new_id[1].rsplit("_replaced-", 1)[0] for (_, new_id) in
          old_rename[2][0]] == [
    "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_data",
    "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta"]
  assert [new_id for (_, new_id) in new_rename[2][0]] == [
    ["xenvg", "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_data"],
    ["xenvg", "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta"]]
  # the configuration is unchanged
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  assert disk.children[0].logical_id[1] == \
    "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_data"


def testReplaceNewSecondary(ctx):
  ctx.cfg.MarkInstanceDisksActive(I1)
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, _ReplaceOp(mode=constants.REPLACE_DISK_CHG,
                          remote_node="node2"), cbs)
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  (pnode, snode, port, pminor, sminor, secret) = disk.logical_id
  assert (pnode, snode, port, pminor, sminor) == (dt.N1, dt.N2, 32100, 0, 0)
  assert secret == "d3c3fd475fcbaf5fd177fb245ac43b71247ada38"
  assert ctx.cfg.GetInstanceSecondaryNodes(I1) == [dt.N2]
  creates = ctx.transport.Find("blockdev_create")
  assert [(node, args[0]["dev_type"]) for (_, node, args) in creates] == [
    (dt.N2_NAME, "plain"), (dt.N2_NAME, "plain"), (dt.N2_NAME, "drbd")]
  # the new DRBD starts without network (no port)
  assert creates[2][2][0]["logical_id"][2] is None
  assert [node for (_, node, _) in
          ctx.transport.Find("drbd_disconnect_net")] == [dt.N1_NAME]
  assert sorted(node for (_, node, _) in
                ctx.transport.Find("drbd_attach_net")) == [dt.N1_NAME,
                                                           dt.N2_NAME]
  # the old secondary's LVs are removed
  assert [(node, args[0]["dev_type"]) for (_, node, args) in
          ctx.transport.Find("blockdev_remove")] == [(dt.N3_NAME, "plain"),
                                                     (dt.N3_NAME, "plain")]
  assert ctx.cfg._temporary_drbds == {}
  assert "STEP 6/6 Removing old storage" in dt.FeedbackLines(cbs)


@pytest.mark.parametrize("kwargs,msg", [
  (dict(mode=constants.REPLACE_DISK_CHG),
   "When changing the secondary either an iallocator script must be used"
   " or the new node given"),
  (dict(mode=constants.REPLACE_DISK_PRI, remote_node="node2"),
   "The iallocator and new node options can only be used when changing the"
   " secondary node"),
  (dict(mode=constants.REPLACE_DISK_CHG, remote_node="node1"),
   "The specified node is the primary node of the instance"),
  (dict(mode=constants.REPLACE_DISK_CHG, remote_node="node3"),
   "The specified node is already the secondary node of the instance"),
  (dict(mode=constants.REPLACE_DISK_PRI, disks=[4]),
   "Invalid disk index: 4 (instace has disks numbered from 0 to 0)"),
])
def testReplaceRefused(ctx, kwargs, msg):
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, _ReplaceOp(**kwargs))
  assert err.value.args == (msg, errors.ECODE_INVAL)


def testReplaceOnlyDrbd(ctx):
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceReplaceDisks(
      instance_name="instance3", mode=constants.REPLACE_DISK_PRI))
  assert err.value.args == ("Can only run replace disks for DRBD8-based"
                            " instances", errors.ECODE_INVAL)


# recreate-disks ------------------------------------------------------------------
@pytest.fixture
def down(ctx):
  ctx.cfg.MarkInstanceDown(I1)
  return ctx


def testRecreateRunning(ctx):
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(instance_name="instance1"))
  assert err.value.args == ("Instance 'instance1.example.com' is marked to"
                            " be up, cannot recreate disks",
                            errors.ECODE_STATE)


def testRecreateWithNewSize(down):
  ctx = down
  dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(
    instance_name="instance1", disks=[[0, {"size": 4096}]]))
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  assert disk.size == disk.children[0].size == 4096
  creates = ctx.transport.Find("blockdev_create")
  assert [(node, args[0]["dev_type"], args[1]) for (_, node, args) in
          creates] == [
    (dt.N1_NAME, "plain", 4096), (dt.N1_NAME, "plain", 128),
    (dt.N1_NAME, "drbd", 4096), (dt.N3_NAME, "plain", 4096),
    (dt.N3_NAME, "plain", 128), (dt.N3_NAME, "drbd", 4096)]


def testRecreateOnNewNodes(down):
  ctx = down
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(
    instance_name="instance1", nodes=["node2", "node3"]), cbs)
  inst = ctx.cfg.GetInstanceInfo(I1)
  assert inst.primary_node == dt.N2
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  # node2 has no DRBD minor in use, node3 has minor 0 (this instance's
  # old one, still in the config when the new ones were chosen)
  assert disk.logical_id[:5] == (dt.N2, dt.N3, 32100, 0, 1)
  assert disk.nodes == [dt.N2, dt.N3]
  assert (" - WARNING: Changing the instance's nodes, you will have to"
          " remove any disks left on the older nodes manually"
          in dt.FeedbackLines(cbs))


@pytest.mark.parametrize("op,msg", [
  (dict(disks=[[0, {"vg": "x"}]]),
   "Parameters for disk 0 try to change unmodifyable parameter(s): vg"),
  (dict(disks=[0, 0]), None),
  (dict(disks=[[0, {}], [0, {}]]),
   "Some disks have been specified more than once: 0"),
  (dict(disks=[5]), "Invalid disk index '5'"),
  (dict(nodes=["node2"]),
   "Instance instance1.example.com currently has 2 nodes, but 1 replacement"
   " nodes were specified"),
])
def testRecreateRefused(down, op, msg):
  ctx = down
  if msg is None:
    # a repeated index in the deprecated form is folded
    dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(instance_name="instance1",
                                                 **op))
    return
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(instance_name="instance1",
                                                 **op))
  assert err.value.args == (msg, errors.ECODE_INVAL)
  assert ctx.transport.Find("blockdev_create") == []


def testRecreateFailureKeepsConfig(down):
  ctx = down

  def _Create(node, args):
    if node == dt.N3_NAME and args[0]["dev_type"] == "drbd":
      return (False, "minor busy")
    return (True, args[0]["logical_id"])
  ctx.transport.handlers["blockdev_create"] = _Create
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, opcodes.OpInstanceRecreateDisks(
      instance_name="instance1", nodes=["node2", "node3"],
      disks=[[0, {"size": 4096}]]))
  assert "minor busy" in str(err.value)
  inst = ctx.cfg.GetInstanceInfo(I1)
  assert inst.primary_node == dt.N1
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  assert disk.size == 1024
  assert disk.logical_id[:5] == (dt.N1, dt.N3, 32100, 0, 0)
  assert ctx.cfg._temporary_drbds == {}
  # what was created on node2 and node3 is removed again
  assert sorted((node, args[0]["dev_type"]) for (_, node, args) in
                ctx.transport.Find("blockdev_remove")) == [
    (dt.N2_NAME, "drbd"), (dt.N3_NAME, "plain"), (dt.N3_NAME, "plain")]


# gnt-instance info ---------------------------------------------------------
def testInfoDrbdDisks(ctx, capsys):
  from ganeti import cli
  from ganeti.client import instance_disk_info

  def _Find(node, args):
    disk = args[0]
    if disk["dev_type"] == "drbd":
      syncing = node == dt.N3_NAME
      return (True, {"dev_path": "/dev/drbd0", "major": 147, "minor": 0,
                     "sync_percent": 42.5 if syncing else None,
                     "estimated_time": 30 if syncing else None,
                     "is_degraded": syncing, "ldisk_status": 1})
    if node == dt.N3_NAME:
      return (True, None)
    return (True, {"dev_path": "/dev/xenvg/%s" % disk["logical_id"][1],
                   "major": 254, "minor": 1, "sync_percent": None,
                   "estimated_time": None, "is_degraded": False,
                   "ldisk_status": 1})
  ctx.transport.handlers["blockdev_find"] = _Find
  result = dt.Exec(ctx, opcodes.OpInstanceQueryData(instances=["instance1"]))
  disks = result["instance1.example.com"]["disks"]
  cli.PrintGenericInfo([("Disks", [
    instance_disk_info.FormatBlockDevInfo(idx, True, disk)
    for (idx, disk) in enumerate(disks)])])
  lv = "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0"
  assert capsys.readouterr().out.splitlines() == [
    "Disks: ",
    "  - disk/0: drbd, size 1.0G",
    "    access mode: rw",
    "    nodeA: node1.example.com, minor=0",
    "    nodeB: node3.example.com, minor=0",
    "    port: 32100",
    "    auth key: d3c3fd475fcbaf5fd177fb245ac43b71247ada38",
    "    on primary: /dev/drbd0 (147:0) in sync, status ok",
    "    on secondary: /dev/drbd0 (147:0) *RECOVERING* 42.50%, ETA 30s,"
    " status *DEGRADED*",
    "    name: None",
    "    UUID: 77ced3a5-6756-49ae-8d1f-274e27664c05",
    "    child devices: ",
    "      - child 0: plain, size 1.0G",
    "        logical_id: xenvg/%s_data" % lv,
    "        on primary: /dev/xenvg/%s_data (254:1)" % lv,
    "        name: None",
    "        UUID: %s" % disks[0]["children"][0]["uuid"],
    "      - child 1: plain, size 128M",
    "        logical_id: xenvg/%s_meta" % lv,
    "        on primary: /dev/xenvg/%s_meta (254:1)" % lv,
    "        name: None",
    "        UUID: %s" % disks[0]["children"][1]["uuid"],
  ]


def testGrowDiskWipesOnlyTheNewSpace(ctx):
  ctx.cfg.GetClusterInfo().prealloc_wipe_disks = True
  ctx.transport.handlers["blockdev_getdimensions"] = lambda node, args: (
    True, [[1024 * 1024 * 1024 + 1, None]])
  cbs = test_mcpu.Callbacks()
  old_size = ctx.cfg.GetInstanceDisks(I3)[0].size
  dt.Exec(ctx, opcodes.OpInstanceGrowDisk(instance_name="instance3", disk=0,
                                          amount=1024), cbs)
  new_size = old_size + 1024
  wipes = [(args[1], args[2]) for (_, _, args) in
           ctx.transport.Find("blockdev_wipe")]
  # the size on the node (1 GiB + 1 byte) was rounded up to 1025 MiB
  assert wipes[0] == (1025, int(new_size * 0.1))
  assert sum(size for (_, size) in wipes) == new_size - 1025
  lines = dt.FeedbackLines(cbs)
  assert " - INFO: * Wiping disk 0 (from 1.0G to %s)" % \
    utils.FormatUnit(new_size, "h") in lines
  assert any("Disk size is not an even multiple of 1 MiB" in line
             for line in lines)
