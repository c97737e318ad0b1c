"""LUInstanceSetParams against the scripted node transport.

instance3.example.com (xen-pvm, plain, node2, up) from the 3.0 fixture is
the instance being modified.
"""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti.client import gnt_instance_move

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I3 = test_mcpu.I3
INST = "instance3"


@pytest.fixture
def ctx(tmp_path):
  context = dt.MakeContext(tmp_path)
  lvm = [{"type": constants.ST_LVM_VG, "name": "xenvg",
          "storage_free": dt.VG_FREE, "storage_size": 2 * dt.VG_FREE}]
  context.transport.handlers["node_info"] = lambda node, args: (
    True, ["id", lvm, [{"memory_free": 2048}]])
  with dt.ExtraRpcs():
    yield context


def _Modify(ctx, cbs=None, **kwargs):
  return dt.Exec(ctx, opcodes.OpInstanceSetParams(instance_name=INST,
                                                  **kwargs), cbs)


def _Error(ctx, ecode=errors.ECODE_INVAL, **kwargs):
  writes = ctx.cfg.GetWriteCount()
  with pytest.raises(errors.OpPrereqError) as err:
    _Modify(ctx, **kwargs)
  assert err.value.args[1] == ecode
  # nothing was written
  assert ctx.cfg.GetWriteCount() == writes
  return err.value.args[0]


def _Inst(ctx):
  return ctx.cfg.GetInstanceInfo(I3)


def testNoChanges(ctx):
  assert _Error(ctx) == "No changes submitted"


def testBeParamsMerging(ctx):
  result = _Modify(ctx, beparams={"memory": "512M", "vcpus": "2"})
  assert result == [("be/vcpus", 2), ("be/maxmem", 512), ("be/minmem", 512)]
  assert _Inst(ctx).beparams == {"maxmem": 512, "minmem": 512, "vcpus": 2}
  result = _Modify(ctx, beparams={"minmem": "default",
                                  "auto_balance": "no"})
  assert result == [("be/minmem", "default"), ("be/auto_balance", False)]
  assert _Inst(ctx).beparams == {"maxmem": 512, "vcpus": 2,
                                 "auto_balance": False}
  filled = ctx.cfg.GetClusterInfo().FillBE(_Inst(ctx))
  assert filled["minmem"] == ctx.cfg.GetClusterInfo().beparams[
    "default"]["minmem"]


def testBeParamsErrors(ctx):
  assert _Error(ctx, beparams={"nosuch": 1}) == \
    "Unknown backend parameter(s): nosuch"
  assert "is not a valid integer" in _Error(ctx, beparams={"vcpus": "x"})
  assert _Error(ctx, beparams={"minmem": 4096, "maxmem": 1024}) == (
    "Minimum memory (4096) cannot be greater than maximum memory (1024) of"
    " instance instance3.example.com")


def testMemoryCheckOnPrimary(ctx):
  # 2048 MiB free, instance not running: 4096 misses 2048 MiB
  msg = _Error(ctx, ecode=errors.ECODE_NORES, beparams={"maxmem": 4096})
  assert msg == ("This change will prevent the instance from starting, due"
                 " to 2048 MB of memory missing on its primary node")
  # forced, the check is skipped
  assert _Modify(ctx, beparams={"maxmem": 4096}, force=True) == \
    [("be/maxmem", 4096)]


def testHvParams(ctx):
  result = _Modify(ctx, hvparams={"kernel_path": "/boot/vmlinuz-x",
                                  "cpu_cap": "10"})
  assert result == [("hv/kernel_path", "/boot/vmlinuz-x"), ("hv/cpu_cap", 10)]
  assert _Inst(ctx).hvparams == {"kernel_path": "/boot/vmlinuz-x",
                                 "cpu_cap": 10}
  _Modify(ctx, hvparams={"kernel_path": "default"})
  assert _Inst(ctx).hvparams == {"cpu_cap": 10}
  assert _Error(ctx, hvparams={"migration_port": 1}).startswith(
    "The following hypervisor parameters are global and cannot be"
    " customized at instance level")
  assert _Error(ctx, hvparams={"acpi": True}) == \
    "Unknown xen-pvm hypervisor parameter(s): acpi"
  assert "is not a valid integer" in _Error(ctx, hvparams={"cpu_cap": "x"})


def testOsAndOsParams(ctx):
  result = _Modify(ctx, os_name="debian", osparams={"dhcp": "yes"})
  assert result == [("os/dhcp", "yes")]
  assert _Inst(ctx).os == "debian"
  (call,) = ctx.transport.Find("os_validate")
  # required, name, checks, params, force_variant
  assert call[2][:4] == [True, "debian", ["parameters"], {"dhcp": "yes"}]
  ctx.transport.handlers["os_validate"] = \
    lambda node, args: (False, "unknown parameter dhcp")
  msg = _Error(ctx, osparams={"dhcp": "no"})
  assert msg == ("OS Parameters validation failed on node"
                 " node2.example.com: unknown parameter dhcp")


def testNicAddModifyRemove(ctx):
  result = _Modify(ctx, nics=[[constants.DDM_ADD, -1,
                               {"mac": "AA:00:00:11:22:33",
                                "ip": "192.0.2.7", "name": "eth1"}]])
  assert result == [("nic.1", "add:mac=aa:00:00:11:22:33,ip=192.0.2.7,"
                     "mode=bridged,link=br974,network=None")]
  nics = _Inst(ctx).nics
  assert [(n.mac, n.ip, n.name) for n in nics[1:]] == \
    [("aa:00:00:11:22:33", "192.0.2.7", "eth1")]
  result = _Modify(ctx, nics=[[constants.DDM_MODIFY, "eth1",
                               {"mode": "routed"}]])
  assert result == [("nic.link/1", "br974"), ("nic.mode/1", "routed"),
                    ("nic.vlan/1", "")]
  assert _Inst(ctx).nics[1].nicparams == {"mode": "routed"}
  # 2.3 form: [index, params] is a modification
  result = _Modify(ctx, nics=[[0, {"mac": "generate"}]])
  assert result[0][0] == "nic.mac/0"
  assert _Inst(ctx).nics[0].mac == result[0][1]
  result = _Modify(ctx, nics=[[constants.DDM_REMOVE, 1, {}]])
  assert result == [("nic/1", "remove")]
  assert len(_Inst(ctx).nics) == 1


def testNicErrors(ctx):
  mac = _Inst(ctx).nics[0].mac
  assert _Error(ctx, nics=[[constants.DDM_ADD, -1, {"ip": "1.2.3"}]]) == \
    "Invalid IP address '1.2.3'"
  assert _Error(ctx, nics=[[constants.DDM_ADD, -1, {"mac": "zz"}]]) == \
    "Invalid MAC address 'zz'"
  assert _Error(ctx, ecode=errors.ECODE_NOTUNIQUE,
                nics=[[constants.DDM_ADD, -1, {"mac": mac}]]) == \
    "MAC address %s already in use in cluster" % mac
  assert _Error(ctx, nics=[[constants.DDM_MODIFY, 0, {"mac": "auto"}]]) == \
    "'auto' is not a valid MAC address when modifying an existing NIC"
  assert _Error(ctx, nics=[[constants.DDM_MODIFY, 0,
                            {"mode": "routed"}]]) == \
    "Cannot set the NIC IP address to None on a routed NIC"
  assert _Error(ctx, nics=[[constants.DDM_REMOVE, 3, {}]]) == \
    "Got nic index 3, but there are only 1"
  assert _Error(ctx, ecode=errors.ECODE_NOENT,
                nics=[[constants.DDM_REMOVE, "eth9", {}]]) == \
    "Cannot find nic with identifier eth9"
  assert _Error(ctx, nics=[[constants.DDM_REMOVE, 0, {"ip": "x"}]]) == \
    "No settings should be passed when removing a NIC"
  assert _Error(ctx, nics=[[constants.DDM_ADD, {}], [constants.DDM_ADD,
                                                     {}]]) == \
    "Only one NIC add or remove operation is supported at a time"
  many = [[constants.DDM_ADD, -1, {}]] * constants.MAX_NICS
  assert _Error(ctx, ecode=errors.ECODE_STATE, nics=many) == \
    "Instance has too many network interfaces (8), cannot add more"


def testOfflineOnline(ctx):
  msg = _Error(ctx, ecode=errors.ECODE_STATE, offline=True)
  assert msg == ("Instance 'instance3.example.com' is marked to be up,"
                 " can't change to offline")
  ctx.cfg.MarkInstanceDown(I3)
  assert _Modify(ctx, offline=True) == [("admin_state", "offline")]
  assert _Inst(ctx).admin_state == constants.ADMINST_OFFLINE
  assert _Modify(ctx, offline=False) == [("admin_state", "down")]
  assert _Inst(ctx).admin_state == constants.ADMINST_DOWN
  assert "can't change to online" in _Error(ctx, ecode=errors.ECODE_STATE,
                                            offline=False)


def testHotplug(ctx):
  msg = _Error(ctx, ecode=errors.ECODE_STATE, hotplug=True,
               nics=[[constants.DDM_ADD, -1, {}]])
  assert msg == ("Hotplug is not possible: Hotplug is not supported by the"
                 " xen-pvm hypervisor")
  cbs = test_mcpu.Callbacks()
  _Modify(ctx, cbs, hotplug_if_possible=True,
          nics=[[constants.DDM_ADD, -1, {}]])
  assert dt.FeedbackLines(cbs)[:2] == [
    " - WARNING: Hotplug is not supported by the xen-pvm hypervisor",
    " - INFO: Modification will take place without hotplugging."]


def testDiskModify(ctx):
  result = _Modify(ctx, disks=[[constants.DDM_MODIFY, 0,
                                {"mode": "ro", "name": "root"}]])
  assert result == [("disk.mode/0", "ro"), ("disk.name/0", "root")]
  disk = ctx.cfg.GetInstanceDisks(I3)[0]
  assert (disk.mode, disk.name) == ("ro", "root")
  assert _Error(ctx, disks=[[constants.DDM_MODIFY, 0, {"size": 5}]]) == \
    "Disk size change not possible, use grow-disk"
  assert _Error(ctx, disks=[[constants.DDM_MODIFY, 0, {"vg": "x"}]]) == (
    "Disk modification doesn't support additional arbitrary parameters:"
    " vg")


def testHooksSeeNewValues(ctx):
  _Modify(ctx, beparams={"maxmem": 1024, "vcpus": 3},
          nics=[[constants.DDM_ADD, -1, {"ip": "192.0.2.9"}]])
  pre = [c for c in ctx.transport.Find("hooks_runner")
         if c[2][1] == "pre"][0]
  assert pre[2][0] == "instance-modify"
  env = pre[2][2]
  assert env["GANETI_INSTANCE_MAXMEM"] == "1024"
  assert env["GANETI_INSTANCE_VCPUS"] == "3"
  assert env["GANETI_INSTANCE_NIC_COUNT"] == "2"
  assert env["GANETI_INSTANCE_NIC1_IP"] == "192.0.2.9"


def testDryRunChangesNothing(ctx):
  writes = ctx.cfg.GetWriteCount()
  _Modify(ctx, beparams={"vcpus": 4}, dry_run=True)
  assert ctx.cfg.GetWriteCount() == writes
  assert _Inst(ctx).beparams == {}


# The client's --net/--disk conversion ----------------------------------------
@pytest.mark.parametrize("cli, expected", [
  ([("add", {"mac": "m"})], [("add", -1, {"mac": "m"})]),
  ([("remove", {})], [("remove", -1, {})]),
  ([("0", {"remove": True})], [("remove", "0", {})]),
  ([("-1", {"add": True, "ip": "x"})], [("add", "-1", {"ip": "x"})]),
  ([("eth1", {"mode": "routed"})], [("modify", "eth1", {"mode": "routed"})]),
  ([("1", {"modify": True, "link": "b"})], [("modify", "1", {"link": "b"})]),
])
def testConvertNicDiskModifications(cli, expected):
  assert gnt_instance_move.ConvertNicDiskModifications(cli) == expected


def testConvertRefusesTwoActions():
  with pytest.raises(errors.OpPrereqError):
    gnt_instance_move.ConvertNicDiskModifications(
      [("0", {"add": True, "remove": True})])
  with pytest.raises(errors.OpPrereqError):
    gnt_instance_move.ConvertNicDiskModifications(
      [("0", {"remove": True, "ip": "x"})])


# Disk add and remove ---------------------------------------------------------
def testDiskAddPlain(ctx):
  cbs = test_mcpu.Callbacks()
  result = _Modify(ctx, cbs, disks=[[constants.DDM_ADD, -1,
                                     {"size": 2048, "name": "data"}]])
  assert result == [("disk/1", "add:size=2048,mode=rw")]
  assert dt.FeedbackLines(cbs)[0] == "* disk 1, size 2.0G"
  disks = ctx.cfg.GetInstanceDisks(I3)
  assert [(d.iv_name, d.size, d.name, d.dev_type) for d in disks] == [
    ("disk/0", 1280, None, "plain"), ("disk/1", 2048, "data", "plain")]
  creates = ctx.transport.Find("blockdev_create")
  assert [c[1] for c in creates] == [dt.N2_NAME]


def testDiskAddDrbd(ctx):
  result = dt.Exec(ctx, opcodes.OpInstanceSetParams(
    instance_name="instance1", disks=[[constants.DDM_ADD, -1,
                                       {"size": 1024}]]))
  assert result == [("disk/1", "add:size=1024,mode=rw")]
  disk = ctx.cfg.GetInstanceDisks(test_mcpu.I1)[1]
  assert disk.dev_type == constants.DT_DRBD8
  assert set(disk.logical_id[:2]) == set([dt.N1, dt.N3])
  assert set(c[1] for c in ctx.transport.Find("blockdev_create")) == \
    set([dt.N1_NAME, dt.N3_NAME])


def testDiskRemoveNeedsStoppedInstance(ctx):
  _Modify(ctx, disks=[[constants.DDM_ADD, 0, {"size": 1024}]])
  old = ctx.cfg.GetInstanceDisks(I3)
  msg = _Error(ctx, ecode=errors.ECODE_STATE,
               disks=[[constants.DDM_REMOVE, 1, {}]])
  assert msg == ("Instance 'instance3.example.com' is marked to be up,"
                 " can't remove volumes")
  ctx.cfg.MarkInstanceDown(I3)
  result = _Modify(ctx, disks=[[constants.DDM_REMOVE, 1, {}]])
  assert result == [("disk/1", "remove")]
  (left, ) = ctx.cfg.GetInstanceDisks(I3)
  assert (left.uuid, left.iv_name) == (old[0].uuid, "disk/0")
  removed = ctx.transport.Find("blockdev_remove")
  assert [(c[1], c[2][0]["uuid"]) for c in removed] == \
    [(dt.N2_NAME, old[1].uuid)]


def testDiskErrors(ctx):
  assert _Error(ctx, disks=[[constants.DDM_ADD, -1, {"mode": "rw"}]]) == \
    "Required disk parameter 'size' missing"
  assert _Error(ctx, disks=[[constants.DDM_ATTACH, -1, {"name": "x"}]]) == \
    "Attaching and detaching disks is not supported yet"
  ctx.cfg.MarkInstanceDown(I3)
  assert _Error(ctx, disks=[[constants.DDM_REMOVE, 0, {}]]) == \
    "Cannot remove the last disk of an instance"
  assert _Error(ctx, disks=[[constants.DDM_ADD, 5, {"size": 1024}]]) == \
    "Got disk index 5, but there are only 1"
  many = [[constants.DDM_ADD, -1, {"size": 1024}]] * constants.MAX_DISKS
  assert _Error(ctx, ecode=errors.ECODE_STATE, disks=many) == \
    "Instance has too many disks (16), cannot add more"
  # not enough space in the volume group (dt.VG_FREE MiB free)
  assert "Not enough disk space" in _Error(
    ctx, ecode=errors.ECODE_NORES,
    disks=[[constants.DDM_ADD, -1, {"size": dt.VG_FREE * 2}]])


def testDiskCreationFailureLeavesConfig(ctx):
  ctx.transport.handlers["blockdev_create"] = \
    lambda node, args: (False, "no space")
  with pytest.raises(errors.OpExecError):
    _Modify(ctx, disks=[[constants.DDM_ADD, -1, {"size": 1024}]])
  assert len(ctx.cfg.GetInstanceDisks(I3)) == 1


# Disk template conversions -----------------------------------------------------
def _Convert(ctx, name, template, cbs=None, **kwargs):
  return dt.Exec(ctx, opcodes.OpInstanceSetParams(
    instance_name=name, disk_template=template, **kwargs), cbs)


def testPlainToDrbd(ctx):
  ctx.cfg.MarkInstanceDown(I3)
  (old, ) = ctx.cfg.GetInstanceDisks(I3)
  cbs = test_mcpu.Callbacks()
  result = _Convert(ctx, INST, constants.DT_DRBD8, cbs, remote_node="node3")
  assert result == [("disk_template", "drbd")]
  (new, ) = ctx.cfg.GetInstanceDisks(I3)
  assert new.dev_type == constants.DT_DRBD8
  assert (new.size, new.iv_name) == (old.size, "disk/0")
  assert ctx.cfg.GetInstanceDiskTemplate(I3) == constants.DT_DRBD8
  assert ctx.cfg.GetInstanceNodes(I3) == [dt.N2, dt.N3]
  creates = [(c[1], c[2][0]["dev_type"], c[2][0]["logical_id"][-1])
             for c in ctx.transport.Find("blockdev_create")]
  (data, meta) = new.children
  assert creates[:3] == [
    (dt.N2_NAME, "plain", meta.logical_id[1]),
    (dt.N3_NAME, "plain", data.logical_id[1]),
    (dt.N3_NAME, "plain", meta.logical_id[1])]
  assert [(c[0], c[1]) for c in creates[3:]] == [(dt.N2_NAME, "drbd"),
                                                 (dt.N3_NAME, "drbd")]
  (rename, ) = ctx.transport.Find("blockdev_rename")
  assert rename[1] == dt.N2_NAME
  assert rename[2][0][0][0]["logical_id"] == list(old.logical_id)
  assert rename[2][0][0][1] == list(data.logical_id)
  lines = dt.FeedbackLines(cbs)
  start = lines.index("Creating additional volumes...")
  assert lines[start:start + 3] == [
    "Creating additional volumes...", "Renaming original volumes...",
    "Initializing DRBD devices..."]


def testPlainToDrbdRenamesBackOnFailure(ctx):
  ctx.cfg.MarkInstanceDown(I3)
  (old, ) = ctx.cfg.GetInstanceDisks(I3)
  def _Create(node, args):
    if args[0]["dev_type"] == constants.DT_DRBD8:
      return (False, "no drbd module")
    return (True, args[0]["logical_id"])
  ctx.transport.handlers["blockdev_create"] = _Create
  with pytest.raises(errors.OpExecError):
    _Convert(ctx, INST, constants.DT_DRBD8, remote_node="node3")
  renames = ctx.transport.Find("blockdev_rename")
  assert len(renames) == 2
  assert renames[1][2][0][0][1] == list(old.logical_id)
  assert ctx.cfg.GetInstanceDisks(I3)[0].uuid == old.uuid
  # the new volumes are removed again
  removed = set((c[1], c[2][0]["logical_id"][1])
                for c in ctx.transport.Find("blockdev_remove"))
  assert len(removed) == 3


def testDrbdToPlain(ctx):
  ctx.cfg.MarkInstanceDown(test_mcpu.I1)
  (old, ) = ctx.cfg.GetInstanceDisks(test_mcpu.I1)
  result = _Convert(ctx, "instance1", constants.DT_PLAIN)
  assert result == [("disk_template", "plain")]
  (new, ) = ctx.cfg.GetInstanceDisks(test_mcpu.I1)
  assert new.uuid == (old.children[0].uuid or new.uuid)
  assert new.logical_id == old.children[0].logical_id
  assert (new.dev_type, new.size, new.nodes) == ("plain", old.size, [dt.N1])
  assert ctx.cfg.GetInstanceNodes(test_mcpu.I1) == [dt.N1]
  removed = [(c[1], c[2][0]["dev_type"])
             for c in ctx.transport.Find("blockdev_remove")]
  assert removed == [(dt.N3_NAME, "drbd"), (dt.N1_NAME, "plain")]


def testConversionErrors(ctx):
  assert _Error(ctx, disk_template=constants.DT_DRBD8) == (
    "Changing the disk template to a mirrored one requires specifying a"
    " secondary node")
  assert _Error(ctx, ecode=errors.ECODE_STATE,
                disk_template=constants.DT_DRBD8, remote_node="node3") == (
    "Instance 'instance3.example.com' is marked to be up, cannot change"
    " disk template")
  ctx.cfg.MarkInstanceDown(I3)
  assert _Error(ctx, disk_template=constants.DT_PLAIN) == \
    "Instance already has disk template plain"
  assert _Error(ctx, disk_template=constants.DT_FILE) == \
    "Unsupported disk template conversion from plain to file"
  assert _Error(ctx, ecode=errors.ECODE_STATE,
                disk_template=constants.DT_DRBD8, remote_node="node2") == (
    "Given new secondary node node2.example.com is the same as the primary"
    " node of the instance")
  assert _Error(ctx, disk_template=constants.DT_DRBD8, remote_node="node3",
                disks=[[constants.DDM_MODIFY, 0, {"mode": "ro"}]]) == (
    "Disk template conversion and other disk changes not supported at the"
    " same time")


def testRuntimeMemory(ctx):
  ctx.transport.handlers["instance_info"] = lambda node, args: (
    True, {"memory": 128, "vcpus": 1, "state": "running", "time": 1})
  _Modify(ctx, beparams={"maxmem": 1024, "minmem": 128}, force=True)
  assert _Modify(ctx, runtime_mem=512) == [("runtime_memory", 512)]
  (call, ) = ctx.transport.Find("instance_balloon_memory")
  assert (call[1], call[2][1]) == (dt.N2_NAME, 512)
  assert _Error(ctx, runtime_mem=2048) == (
    "Instance instance3.example.com must have memory between 128 and 1024"
    " MB of memory unless --force is given")
  # forced: the node must have the memory to grow (2048 MiB free)
  msg = _Error(ctx, ecode=errors.ECODE_NORES, runtime_mem=4096, force=True)
  assert msg.startswith("Not enough memory on node node2.example.com for"
                        " ballooning memory for instance")
  ctx.transport.handlers["instance_info"] = lambda node, args: (True, {})
  assert _Error(ctx, ecode=errors.ECODE_STATE, runtime_mem=256) == \
    "Instance instance3.example.com is not running"
