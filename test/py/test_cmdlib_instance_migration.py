"""Failover, migrate and move LUs against the scripted node transport.

The fixture cluster has instance1 (drbd, node1 -> node3), instance3
(plain, node2) and instance2 (plain, node3); the tests add diskless and
file instances where they need them.
"""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import objects
from ganeti import opcodes
from ganeti.cmdlib import instance_migration
from ganeti.cmdlib import instance_move
from ganeti.rpc import defs

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I1 = test_mcpu.I1  # drbd, primary node1, secondary node3
I3 = test_mcpu.I3  # plain on node2
N1, N2, N3 = dt.N1, dt.N2, dt.N3

_HV_INFO = {"memory_free": 4096, "memory_total": 8192, "hv_version": [4, 1]}


class _MigrationRpcs(dt.ExtraRpcs):
  """The DRBD procedures a DRBD migration needs, if not in the table."""
  _EXTRA = dt.ExtraRpcs._EXTRA + [
    ("blockdev_close", False, defs.TMO_NORMAL,
     [("instance_name", None), ("disks", defs.ED_DISKS_DICT_DP)], ""),
    ("drbd_wait_sync", True, defs.TMO_SLOW,
     [("disks", defs.ED_DISKS_DICT_DP)], ""),
  ]


@pytest.fixture
def ctx(tmp_path, monkeypatch):
  context = dt.MakeContext(tmp_path)
  handlers = context.transport.handlers
  handlers["node_info"] = lambda node, args: (True, ["id", [], [_HV_INFO]])
  handlers["instance_info"] = lambda node, args: (
    True, {"memory": 128, "vcpus": 1, "state": "running", "time": 1})
  handlers["instance_get_migration_status"] = lambda node, args: (
    True, {"status": constants.HV_MIGRATION_COMPLETED,
           "transferred_ram": 128, "total_ram": 128})
  handlers["migration_info"] = lambda node, args: (True, "state-text")
  handlers["drbd_wait_sync"] = lambda node, args: (True, [True, None])
  monkeypatch.setattr(instance_migration, "_MIGRATION_POLL_INTERVAL", 0)
  monkeypatch.setattr(instance_migration, "_DRBD_SYNC_POLL_INTERVAL", 0)
  with _MigrationRpcs():
    yield context


def _AddInstance(ctx, name, template, pnode=N1, admin_state="up",
                 size=1024, beparams=None):
  cfg = ctx.cfg
  uuid = cfg.GenerateUniqueID()
  disks = []
  if template == constants.DT_FILE:
    disks.append(objects.Disk(
      dev_type=constants.DT_FILE, size=size,
      logical_id=("loop", "/srv/ganeti/file-storage/%s/d.file.disk0" % name),
      iv_name="disk/0", mode="rw", params={}, nodes=[pnode],
      uuid=cfg.GenerateUniqueID()))
  inst = objects.Instance(
    name=name, uuid=uuid, os="noop", primary_node=pnode,
    nics=[objects.NIC(mac="aa:00:00:00:00:%02x" % len(name), ip=None,
                      name=None, network=None, nicparams={},
                      uuid=cfg.GenerateUniqueID())],
    disks=[], hypervisor=constants.HT_XEN_PVM, hvparams={},
    beparams=beparams or {}, osparams={}, osparams_private={},
    admin_state=admin_state, admin_state_source="admin",
    disks_active=admin_state == "up", network_port=None, tags=set())
  cfg.AddInstance(inst, disks)
  ctx.glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=0)
  try:
    ctx.glm.add(locking.LEVEL_INSTANCE, [name])
  finally:
    ctx.glm.release(locking.LEVEL_CLUSTER)
  return uuid


def _Exec(ctx, op, cbs=None):
  return dt.Exec(ctx, op, cbs)


def _Lines(cbs):
  return dt.FeedbackLines(cbs)


def _PrereqError(ctx, op):
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, op)
  return err.value


# Target and mode decisions ---------------------------------------------------
def testDrbdFailoverGoesToSecondary(ctx):
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceFailover(instance_name="instance1"), cbs)
  inst = ctx.cfg.GetInstanceInfo(I1)
  assert inst.primary_node == N3
  # the DRBD disk still lists both nodes
  assert set(ctx.cfg.GetInstanceNodes(I1)) == set([N1, N3])
  assert _Lines(cbs) == [
    "Failover instance instance1.example.com",
    "* checking disk consistency between source and target",
    "* shutting down instance on source node",
    "* deactivating the instance's disks on source node",
    "* activating the instance's disks on target node node3.example.com",
    "* starting the instance on the target node node3.example.com"]
  shutdowns = ctx.transport.Find("instance_shutdown")
  assert [c[1] for c in shutdowns] == [dt.N1_NAME]
  starts = ctx.transport.Find("instance_start")
  assert [c[1] for c in starts] == [dt.N3_NAME]
  # the instance dict sent to the new primary names node3 as primary
  assert starts[0][2][0][0]["primary_node"] == N3


def testDrbdRefusesOtherTarget(ctx):
  err = _PrereqError(ctx, opcodes.OpInstanceFailover(
    instance_name="instance1", target_node="node2"))
  assert err.args == ("Instances with disk template drbd cannot be failed"
                      " over to arbitrary nodes (neither an iallocator nor a"
                      " target node can be passed)", errors.ECODE_INVAL)
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(
    instance_name="instance1", iallocator="hail"))
  assert "cannot be migrated to arbitrary nodes" in err.args[0]
  assert ctx.cfg.GetInstanceInfo(I1).primary_node == N1


def testPlainAndFileOnlyMove(ctx):
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(
    instance_name="instance3"))
  assert err.args == ("Instance's disk layout 'plain' does not allow"
                      " migrations", errors.ECODE_STATE)
  _AddInstance(ctx, "file1", constants.DT_FILE)
  err = _PrereqError(ctx, opcodes.OpInstanceFailover(instance_name="file1"))
  assert err.args[0] == ("Instance's disk layout 'file' does not allow"
                         " failovers")


def testExternallyMirroredNeedsTarget(ctx):
  _AddInstance(ctx, "dl1", constants.DT_DISKLESS)
  ctx.cfg.GetClusterInfo().default_iallocator = ""
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(instance_name="dl1"))
  assert err.args[0].startswith("No iallocator or node given and no"
                                " cluster-wide default iallocator found")
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                                    target_node="node1"))
  assert err.args == ("Cannot migrate instance dl1 to its primary"
                      " (node1.example.com)", errors.ECODE_STATE)
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                                    target_node="nosuch"))
  assert err.args == ("Node 'nosuch' not known", errors.ECODE_NOENT)


def testLiveMigrationSequence(ctx):
  uuid = _AddInstance(ctx, "dl1", constants.DT_DISKLESS)
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node2"), cbs)
  assert ctx.cfg.GetInstanceInfo(uuid).primary_node == N2
  calls = [(c[0], c[1]) for c in ctx.transport.calls
           if c[0] not in ("hooks_runner", "node_info", "instance_info")]
  assert calls == [
    ("instance_migratable", dt.N1_NAME),
    ("migration_info", dt.N1_NAME),
    ("accept_instance", dt.N2_NAME),
    ("instance_migrate", dt.N1_NAME),
    ("instance_get_migration_status", dt.N1_NAME),
    ("instance_finalize_migration_src", dt.N1_NAME),
    ("instance_finalize_migration_dst", dt.N2_NAME)]
  (_, _, args) = ctx.transport.Find("instance_migrate")[0]
  # cluster name, instance, target address, live
  assert args[2] == ctx.cfg.GetNodeInfo(N2).secondary_ip
  assert args[3] is True
  (_, _, args) = ctx.transport.Find("accept_instance")[0]
  assert args[1] == "state-text"
  assert _Lines(cbs) == [
    "Migrating instance dl1", "* checking disk consistency between source"
    " and target", "* preparing node2.example.com to accept the instance",
    "* migrating instance to node2.example.com", "* starting memory"
    " transfer", "* memory transfer complete", "* done"]
  # hooks: MIGRATE_LIVE and the primaries
  (_, _, hargs) = [c for c in ctx.transport.Find("hooks_runner")
                   if c[2][1] == "pre"][0]
  env = hargs[2]
  assert env["GANETI_MIGRATE_LIVE"] == "True"
  assert env["GANETI_OLD_PRIMARY"] == "node1.example.com"
  assert env["GANETI_NEW_PRIMARY"] == "node2.example.com"
  assert env["GANETI_MIGRATE_CLEANUP"] == "False"


def testModeFromHypervisorAndOptions(ctx):
  _AddInstance(ctx, "dl1", constants.DT_DISKLESS)
  cluster = ctx.cfg.GetClusterInfo()
  cluster.hvparams[constants.HT_XEN_PVM]["migration_mode"] = "non-live"
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node2"))
  assert ctx.transport.Find("instance_migrate")[-1][2][3] is False
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node3", live=True))
  assert ctx.transport.Find("instance_migrate")[-1][2][3] is True
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(
    instance_name="dl1", target_node="node1", live=True, mode="live"))
  assert err.args[0] == ("Only one of the 'live' and 'mode' parameters are"
                         " accepted")


def testMigrationFailureAborts(ctx):
  uuid = _AddInstance(ctx, "dl1", constants.DT_DISKLESS)
  ctx.transport.handlers["instance_get_migration_status"] = \
    lambda node, args: (True, {"status": constants.HV_MIGRATION_FAILED})
  cbs = test_mcpu.Callbacks()
  with pytest.raises(errors.OpExecError) as err:
    _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                         target_node="node2"), cbs)
  assert str(err.value) == ("Could not migrate instance dl1: hypervisor"
                            " returned failure")
  assert "Migration failed, aborting" in _Lines(cbs)
  assert ctx.cfg.GetInstanceInfo(uuid).primary_node == N1
  (dst,) = ctx.transport.Find("instance_finalize_migration_dst")
  assert (dst[1], dst[2][2]) == (dt.N2_NAME, False)
  (src,) = ctx.transport.Find("instance_finalize_migration_src")
  assert (src[1], src[2][1]) == (dt.N1_NAME, False)


def testStoppedInstanceMigration(ctx):
  uuid = _AddInstance(ctx, "dl1", constants.DT_DISKLESS, admin_state="down")
  ctx.transport.handlers["instance_migratable"] = \
    lambda node, args: (False, "Instance dl1 is not running")
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                                    target_node="node2"))
  assert err.args == ("Can't migrate, please use failover: Instance dl1 is"
                      " not running", errors.ECODE_STATE)
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node2",
                                       allow_failover=True), cbs)
  assert ctx.cfg.GetInstanceInfo(uuid).primary_node == N2
  lines = _Lines(cbs)
  assert lines[0] == (" - INFO: Instance is marked down or offline, fallback"
                      " allowed, switching to failover")
  assert "* not checking disk consistency as instance is not running" in \
    lines
  assert not ctx.transport.Find("instance_start")


def testAlwaysFailover(ctx):
  _AddInstance(ctx, "dl1", constants.DT_DISKLESS,
               beparams={constants.BE_ALWAYS_FAILOVER: True})
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node3"), cbs)
  assert " - INFO: Instance configured to always failover; fallback to" \
    " failover" in _Lines(cbs)
  assert not ctx.transport.Find("instance_migrate")
  assert [c[1] for c in ctx.transport.Find("instance_start")] == \
    [dt.N3_NAME]


def testNotEnoughMemory(ctx):
  _AddInstance(ctx, "dl1", constants.DT_DISKLESS,
               beparams={constants.BE_MINMEM: 8192,
                         constants.BE_MAXMEM: 8192})
  err = _PrereqError(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                                    target_node="node2"))
  assert err.args == ("Not enough memory on node node2.example.com for"
                      " migrating instance dl1: needed 8192 MiB, available"
                      " 4096 MiB", errors.ECODE_NORES)


def testFailoverCleanupRefused(ctx):
  err = _PrereqError(ctx, opcodes.OpInstanceFailover(
    instance_name="instance1", cleanup=True))
  assert err.args[1] == errors.ECODE_INVAL


def testCleanupFindsInstanceOnTarget(ctx):
  uuid = _AddInstance(ctx, "dl1", constants.DT_DISKLESS)
  ctx.transport.handlers["instance_list"] = lambda node, args: (
    True, ["dl1"] if node == dt.N2_NAME else [])
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node2", cleanup=True),
        cbs)
  assert ctx.cfg.GetInstanceInfo(uuid).primary_node == N2
  assert "* instance running on secondary node (node2.example.com)," \
    " updating config" in _Lines(cbs)
  ctx.transport.handlers["instance_list"] = lambda node, args: (True, [])
  with pytest.raises(errors.OpExecError) as err:
    _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                         target_node="node3", cleanup=True))
  assert "does not seem to be running at all" in str(err.value)


def testDrbdMigrationSwitchesDualMaster(ctx):
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="instance1"), cbs)
  assert ctx.cfg.GetInstanceInfo(I1).primary_node == N3
  lines = _Lines(cbs)
  assert lines == [
    "Migrating instance instance1.example.com",
    "* checking disk consistency between source and target",
    "* switching node node3.example.com to secondary mode",
    "* changing into standalone mode",
    "* changing disks into dual-master mode",
    "* wait until resync is done",
    "* preparing node3.example.com to accept the instance",
    "* migrating instance to node3.example.com",
    "* starting memory transfer",
    "* memory transfer complete",
    "* switching node node1.example.com to secondary mode",
    "* wait until resync is done",
    "* changing into standalone mode",
    "* changing disks into single-master mode",
    "* wait until resync is done",
    "* done"]
  attach = ctx.transport.Find("drbd_attach_net")
  assert [c[2][2] for c in attach] == [True, True, False, False]


# Move ----------------------------------------------------------------------
class _FakeDisks:
  """Node-side file contents for the chunk RPCs: {node: bytearray}."""

  def __init__(self, ctx, size):
    self.data = {}
    self.writes = []
    handlers = ctx.transport.handlers
    handlers["blockdev_read_chunk"] = self._Read
    handlers["blockdev_write_chunk"] = self._Write
    handlers["blockdev_create"] = self._Create
    self.size = size

  def _Create(self, node, args):
    self.data[node] = bytearray(self.size)
    return (True, args[0]["logical_id"])

  def _Read(self, node, args):
    import base64
    import zlib
    (_, offset, length) = args
    chunk = bytes(self.data[node][offset:offset + length])
    if not chunk.strip(b"\0"):
      return (True, [self.size, len(chunk), None])
    return (True, [self.size, len(chunk),
                   base64.b64encode(zlib.compress(chunk)).decode("ascii")])

  def _Write(self, node, args):
    import base64
    import zlib
    (_, offset, length, data) = args
    self.writes.append((node, offset, length, data is None))
    if data is not None:
      raw = zlib.decompress(base64.b64decode(data))
      self.data[node][offset:offset + length] = raw
    return (True, length)


def testMoveCopiesDataAndSwitchesPrimary(ctx, monkeypatch):
  monkeypatch.setattr(instance_move, "CHUNK_SIZE", 256 * 1024)
  uuid = _AddInstance(ctx, "file1", constants.DT_FILE, size=1)
  disks = _FakeDisks(ctx, 1024 * 1024)
  src = disks.data[dt.N1_NAME] = bytearray(1024 * 1024)
  src[300000:300010] = b"0123456789"
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMove(instance_name="file1",
                                    target_node="node2"), cbs)
  assert disks.data[dt.N2_NAME] == src
  # a file target gets only the chunk with data; holes are not sent
  assert [(w[0], w[1]) for w in disks.writes] == [(dt.N2_NAME, 262144)]
  inst = ctx.cfg.GetInstanceInfo(uuid)
  assert inst.primary_node == N2
  assert ctx.cfg.GetInstanceDisks(uuid)[0].nodes == [N2]
  removed = ctx.transport.Find("blockdev_remove")
  assert [c[1] for c in removed] == [dt.N1_NAME]
  assert [c[1] for c in ctx.transport.Find("instance_start")] == \
    [dt.N2_NAME]
  lines = _Lines(cbs)
  assert lines[0] == (" - INFO: Shutting down instance file1 on source node"
                      " node1.example.com")
  assert " - INFO: Removing the disks on the original node" in lines


def testMoveCopyFailureCleansTarget(ctx):
  uuid = _AddInstance(ctx, "file1", constants.DT_FILE, size=1)
  disks = _FakeDisks(ctx, 1024 * 1024)
  disks.data[dt.N1_NAME] = bytearray(b"x" * (1024 * 1024))
  ctx.transport.handlers["blockdev_write_chunk"] = \
    lambda node, args: (False, "disk full")
  with pytest.raises(errors.OpExecError) as err:
    _Exec(ctx, opcodes.OpInstanceMove(instance_name="file1",
                                      target_node="node2"))
  assert "Errors during disk copy" in str(err.value)
  assert "disk full" in str(err.value)
  assert ctx.cfg.GetInstanceInfo(uuid).primary_node == N1
  assert [c[1] for c in ctx.transport.Find("blockdev_remove")] == \
    [dt.N2_NAME]


def testMoveChecks(ctx):
  err = _PrereqError(ctx, opcodes.OpInstanceMove(instance_name="instance1",
                                                 target_node="node2"))
  assert err.args == ("Instance disk 0 has disk type drbd and is not"
                      " suitable for copying", errors.ECODE_STATE)
  err = _PrereqError(ctx, opcodes.OpInstanceMove(instance_name="instance3",
                                                 target_node="node2"))
  assert err.args == ("Instance instance3.example.com is already on the"
                      " node node2.example.com", errors.ECODE_STATE)
  err = _PrereqError(ctx, opcodes.OpInstanceMove(instance_name="instance3",
                                                 target_node="node1",
                                                 compress="lzma"))
  assert err.args[0].startswith("Compression tool 'lzma' is not among the"
                                " enabled ones")


def _PreHookEnv(ctx):
  return [c for c in ctx.transport.Find("hooks_runner")
          if c[2][1] == "pre"][0][2]


def testFailoverAndMoveHooks(ctx, monkeypatch):
  _Exec(ctx, opcodes.OpInstanceFailover(instance_name="instance1",
                                        shutdown_timeout=30))
  (hpath, _, env) = _PreHookEnv(ctx)
  assert hpath == "instance-failover"
  assert env["GANETI_OLD_PRIMARY"] == "node1.example.com"
  assert env["GANETI_NEW_PRIMARY"] == "node3.example.com"
  assert env["GANETI_OLD_SECONDARY"] == "node3.example.com"
  assert env["GANETI_NEW_SECONDARY"] == "node1.example.com"
  assert env["GANETI_SHUTDOWN_TIMEOUT"] == "30"
  assert env["GANETI_IGNORE_CONSISTENCY"] == "False"
  ctx.transport.calls[:] = []
  _AddInstance(ctx, "file1", constants.DT_FILE, size=1)
  _FakeDisks(ctx, 1024 * 1024).data[dt.N1_NAME] = bytearray(1024 * 1024)
  _Exec(ctx, opcodes.OpInstanceMove(instance_name="file1",
                                    target_node="node3"))
  (hpath, _, env) = _PreHookEnv(ctx)
  assert hpath == "instance-move"
  assert env["GANETI_TARGET_NODE"] == "node3.example.com"
  assert env["GANETI_INSTANCE_PRIMARY"] == "node1.example.com"


def testMigrationBalloonsToFitTarget(ctx):
  _AddInstance(ctx, "dl1", constants.DT_DISKLESS,
               beparams={constants.BE_MINMEM: 1024,
                         constants.BE_MAXMEM: 8192})
  ctx.transport.handlers["instance_info"] = lambda node, args: (
    True, {"memory": 8192, "vcpus": 1, "state": "running", "time": 1})
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                       target_node="node2"), cbs)
  assert "* setting instance memory to 4096" in _Lines(cbs)
  (call, ) = ctx.transport.Find("instance_balloon_memory")
  assert (call[1], call[2][1]) == (dt.N1_NAME, 4096)
  with pytest.raises(errors.OpExecError) as err:
    _Exec(ctx, opcodes.OpInstanceMigrate(instance_name="dl1",
                                         target_node="node3",
                                         allow_runtime_changes=False))
  assert str(err.value).startswith("Memory ballooning not allowed and not"
                                   " enough free memory")


def testFailoverFromOfflinePrimary(ctx):
  node1 = ctx.cfg.GetNodeInfo(N1)
  node1.offline = True
  ctx.cfg.Update(node1)
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpInstanceFailover(instance_name="instance1",
                                        ignore_consistency=True), cbs)
  assert ctx.cfg.GetInstanceInfo(I1).primary_node == N3
  lines = _Lines(cbs)
  assert any(line.startswith(" - WARNING: Could not shutdown instance"
                             " instance1.example.com on node"
                             " node1.example.com, proceeding anyway")
             for line in lines)
  # nothing was sent to the offline node
  assert dt.N1_NAME not in [c[1] for c in ctx.transport.calls
                            if c[0] != "hooks_runner"]
  assert [c[1] for c in ctx.transport.Find("instance_start")] == \
    [dt.N3_NAME]
