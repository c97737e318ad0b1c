"""Node operation LUs against the scripted node transport: evacuate and
migrate (the moves they compute, as jobs), volumes and storage units,
out-of-band commands, powercycle and node modify's secondary IP and
node parameters.

The fixture cluster (multi-homed) has instance1 (drbd, node1 -> node3),
instance3 (plain, node2) and instance2 (plain, node3).
"""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import opcodes
from ganeti import qfields
from ganeti.cmdlib import node_evacuate
from ganeti.cmdlib import node_oob

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I1 = test_mcpu.I1
N1, N2, N3 = dt.N1, dt.N2, dt.N3
_HV_INFO = {"memory_free": 4096, "memory_total": 8192, "memory_dom0": 512,
            "cpu_total": 4, "cpu_nodes": 1, "cpu_sockets": 1,
            "hv_version": [4, 1]}
_OOB = "/usr/lib/ganeti/oob-helper"


@pytest.fixture
def ctx(tmp_path):
  context = dt.MakeContext(tmp_path)
  lvm_info = [{"type": constants.ST_LVM_VG, "name": "xenvg",
               "storage_free": dt.VG_FREE, "storage_size": 2 * dt.VG_FREE}]
  context.transport.handlers["node_info"] = \
    lambda node, args: (True, ["bootid", lvm_info, [_HV_INFO]])
  return context


def _Exec(ctx, op, cbs=None):
  return dt.Exec(ctx, op, cbs)


def _Error(ctx, op, kind=errors.OpPrereqError):
  with pytest.raises(kind) as err:
    _Exec(ctx, op)
  return str(err.value.args[0])


# Evacuate and migrate: the moves -----------------------------------------
@pytest.mark.parametrize("node,mode,names", [
  (N1, constants.NODE_EVAC_PRI, ["instance1.example.com"]),
  (N1, constants.NODE_EVAC_SEC, []),
  (N3, constants.NODE_EVAC_SEC, ["instance1.example.com"]),
  (N3, constants.NODE_EVAC_PRI, ["instance2.example.com"]),
  (N3, constants.NODE_EVAC_ALL, ["instance1.example.com",
                                 "instance2.example.com"]),
])
def testNodeInstances(ctx, node, mode, names):
  assert [i.name for i in node_evacuate.NodeInstances(ctx.cfg, node, mode)] \
    == names


def testEvacuateNewSecondary(ctx):
  cbs = test_mcpu.Callbacks()
  result = _Exec(ctx, opcodes.OpNodeEvacuate(
    node_name="node3", remote_node="node2", early_release=True,
    mode=constants.NODE_EVAC_SEC), cbs)
  assert result == {"jobs": [[True, 100]]}
  ((job, ), ) = cbs.submitted
  (op, ) = job
  assert isinstance(op, opcodes.OpInstanceReplaceDisks)
  assert (op.instance_name, op.remote_node, op.mode, op.disks,
          op.early_release) == ("instance1.example.com",
                                "node2.example.com",
                                constants.REPLACE_DISK_CHG, [], True)
  assert op.comment == "Submitted by OP_NODE_EVACUATE"


@pytest.mark.parametrize("kwargs,message", [
  (dict(node_name="node3", remote_node="node3",
        mode=constants.NODE_EVAC_SEC),
   "Can not use evacuated node as a new secondary node"),
  (dict(node_name="node3", remote_node="node2",
        mode=constants.NODE_EVAC_PRI),
   "Without the use of an iallocator only secondary instances can be"
   " evacuated"),
  (dict(node_name="node3", remote_node="node1",
        mode=constants.NODE_EVAC_SEC),
   "Node node1.example.com is the primary node of instance"
   " instance1.example.com, cannot use it as secondary"),
  (dict(node_name="node3", remote_node="node2", iallocator="hail",
        mode=constants.NODE_EVAC_SEC),
   "Do not specify both, iallocator and node"),
  (dict(node_name="nosuchnode", iallocator="hail",
        mode=constants.NODE_EVAC_SEC), "Node 'nosuchnode' not known"),
])
def testEvacuateErrors(ctx, kwargs, message):
  assert _Error(ctx, opcodes.OpNodeEvacuate(**kwargs)) == message


def testEvacuateNothing(ctx):
  cbs = test_mcpu.Callbacks()
  assert _Exec(ctx, opcodes.OpNodeEvacuate(
    node_name="node2", remote_node="node3",
    mode=constants.NODE_EVAC_SEC), cbs) == {"jobs": []}
  assert " - INFO: No instances to evacuate from node 'node2.example.com'" in \
    dt.FeedbackLines(cbs)


def testEvacuateSecondaryWithAllocator(ctx):
  """The built-in allocator moves instance1's secondary off node3: the
  only other node of the group that is not its primary is node2."""
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpNodeEvacuate(
    node_name="node3", iallocator=constants.IALLOCATOR_BUILTIN,
    mode=constants.NODE_EVAC_SEC), cbs)
  ((job, ), ) = cbs.submitted
  assert [(op.OP_ID, op.instance_name, op.remote_node, op.mode)
          for op in job] == [("OP_INSTANCE_REPLACE_DISKS",
                              "instance1.example.com", "node2.example.com",
                              constants.REPLACE_DISK_CHG)]
  assert (" - INFO: Instances to be moved: instance1.example.com (to"
          " node1.example.com, node2.example.com)") in dt.FeedbackLines(cbs)


def testEvacuatePrimaryWithAllocator(ctx):
  """A DRBD instance leaves its primary by migrating to its secondary."""
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpNodeEvacuate(
    node_name="node1", iallocator=constants.IALLOCATOR_BUILTIN,
    mode=constants.NODE_EVAC_PRI), cbs)
  ((job, ), ) = cbs.submitted
  assert [(op.OP_ID, op.instance_name) for op in job] == \
    [("OP_INSTANCE_MIGRATE", "instance1.example.com")]


class _FakeLU:
  def __init__(self):
    self.warnings = []
    self.infos = []

  def LogWarning(self, msg, *args):
    self.warnings.append(msg % args)

  def LogInfo(self, msg, *args):
    self.infos.append(msg % args)


def testLoadNodeEvacResult():
  lu = _FakeLU()
  answer = [[["inst1", "default", ["node2", "node3"]]], [],
            [[{"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "inst1",
               "mode": constants.REPLACE_DISK_CHG, "remote_node": "node3",
               "disks": [], "early_release": False},
              {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "inst1"}]]]
  ((replace, migrate), ) = node_evacuate.LoadNodeEvacResult(lu, answer, True,
                                                           True)
  assert replace.early_release is True
  assert migrate.OP_ID == "OP_INSTANCE_MIGRATE"
  assert lu.infos == ["Instances to be moved: inst1 (to node2, node3)"]
  lu = _FakeLU()
  node_evacuate.LoadNodeEvacResult(lu, answer, False, False)
  assert lu.infos == ["Instances to be moved: inst1 (to default)"]
  with pytest.raises(errors.OpExecError,
                     match=r"Unable to evacuate instances inst2 \(no room\)"):
    node_evacuate.LoadNodeEvacResult(lu, [[], [["inst2", "no room"]], []],
                                     False, True)
  assert lu.warnings == ["Unable to evacuate instances inst2 (no room)"]


def testMigrateNode(ctx):
  cbs = test_mcpu.Callbacks()
  assert _Exec(ctx, opcodes.OpNodeMigrate(
    node_name="node1", mode=constants.HT_MIGRATION_NONLIVE,
    allow_runtime_changes=False), cbs) == {"jobs": [[True, 100]]}
  ((job, ), ) = cbs.submitted
  (op, ) = job
  assert (op.OP_ID, op.instance_name, op.mode, op.allow_runtime_changes,
          op.target_node) == ("OP_INSTANCE_MIGRATE", "instance1.example.com",
                              constants.HT_MIGRATION_NONLIVE, False, None)
  hooks = ctx.transport.Find("hooks_runner")
  assert hooks and hooks[0][2][0] == "node-migrate"


# Volumes and storage units ------------------------------------------------
def testQueryvols(ctx):
  vols = {
    dt.N2_NAME: [{"name": "b27a576a-13f7-4f07-885c-63fcad4fdfcc.disk0",
                  "size": "1024.00", "dev": "/dev/sdb1", "vg": "xenvg"},
                 {"name": "orphan", "size": "8.00", "dev": "/dev/sda5",
                  "vg": "xenvg"}],
    dt.N1_NAME: [{"name": "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta",
                  "size": "128", "dev": "/dev/sda1", "vg": "xenvg"}],
  }
  ctx.transport.handlers["node_volumes"] = lambda node, args: (
    True, vols.get(node, []))
  result = _Exec(ctx, opcodes.OpNodeQueryvols(
    nodes=["node2", "node1"],
    output_fields=["node", "phys", "vg", "name", "size", "instance"]))
  assert result == [
    ["node1.example.com", "/dev/sda1", "xenvg",
     "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta", "128",
     "instance1.example.com"],
    ["node2.example.com", "/dev/sda5", "xenvg", "orphan", "8", "-"],
    ["node2.example.com", "/dev/sdb1", "xenvg",
     "b27a576a-13f7-4f07-885c-63fcad4fdfcc.disk0", "1024",
     "instance3.example.com"]]
  assert "Unknown output fields selected: bogus" == _Error(
    ctx, opcodes.OpNodeQueryvols(nodes=[], output_fields=["name", "bogus"]))


def testQueryStorage(ctx):
  calls = []

  def _List(node, args):
    calls.append((node, args))
    if node == dt.N3_NAME:
      return (False, "vgs failed")
    return (True, [["xenvg", 2048, True], ["data10", 10, False],
                   ["data9", 9, True]])
  ctx.transport.handlers["storage_list"] = _List
  cbs = test_mcpu.Callbacks()
  result = _Exec(ctx, opcodes.OpNodeQueryStorage(
    nodes=[], output_fields=["node", "type", "size", "allocatable"]), cbs)
  # the first enabled template (drbd) gives the default type, lvm-vg
  assert result == [
    ["node1.example.com", "lvm-vg", 9, True],
    ["node1.example.com", "lvm-vg", 10, False],
    ["node1.example.com", "lvm-vg", 2048, True],
    ["node2.example.com", "lvm-vg", 9, True],
    ["node2.example.com", "lvm-vg", 10, False],
    ["node2.example.com", "lvm-vg", 2048, True]]
  assert calls[0][1] == ["lvm-vg", [], None, ["name", "size", "allocatable"]]
  assert any("Can't get storage data from node node3.example.com: vgs"
             " failed" in line for line in dt.FeedbackLines(cbs))
  del calls[:]
  ctx.transport.handlers["storage_list"] = lambda node, args: (
    calls.append(args) or (True, [["/srv/shared", 100, 5]]))
  assert _Exec(ctx, opcodes.OpNodeQueryStorage(
    nodes=["node2"], storage_type="sharedfile",
    output_fields=["name", "size", "used"])) == [["/srv/shared", 100, 5]]
  assert calls == [["sharedfile", [["/srv/ganeti/shared-file-storage"]],
                    None, ["name", "size", "used"]]]


def testQueryStorageNotEnabled(ctx):
  ctx.cfg.GetClusterInfo().enabled_disk_templates = ["diskless", "file"]
  assert _Error(ctx, opcodes.OpNodeQueryStorage(
    nodes=[], storage_type="lvm-pv", output_fields=["name"])) == \
    ("No disk template of storage type 'lvm-vg' is enabled in this cluster."
     " Enabled disk templates are: diskless,file")
  ctx.cfg.GetClusterInfo().enabled_disk_templates = ["diskless", "file"]
  assert "Storage reporting for storage type 'diskless' is not supported" \
    in _Error(ctx, opcodes.OpNodeQueryStorage(nodes=[],
                                              output_fields=["name"]))


def testModifyStorage(ctx):
  assert _Error(ctx, opcodes.OpNodeModifyStorage(
    node_name="node1", storage_type="file", name="/srv",
    changes={"allocatable": False})) == \
    "Storage units of type 'file' can not be modified"
  assert _Error(ctx, opcodes.OpNodeModifyStorage(
    node_name="node1", storage_type="lvm-pv", name="/dev/sda1",
    changes={"size": 1})) == \
    ("The following fields can not be modified for storage units of type"
     " 'lvm-pv': ['size']")
  _Exec(ctx, opcodes.OpNodeModifyStorage(
    node_name="node1", storage_type="lvm-pv", name="/dev/sda1",
    changes={"allocatable": False}))
  ((_, node, args), ) = ctx.transport.Find("storage_modify")
  assert (node, args) == (dt.N1_NAME, ["lvm-pv", [], "/dev/sda1",
                                       {"allocatable": False}])
  ctx.transport.handlers["storage_modify"] = lambda node, args: (
    False, "pvchange failed")
  assert "Failed to modify storage unit '/dev/sda1' on node1.example.com:" \
    in _Error(ctx, opcodes.OpNodeModifyStorage(
      node_name="node1", storage_type="lvm-pv", name="/dev/sda1",
      changes={"allocatable": True}), errors.OpExecError)


def testRepairStorage(ctx):
  assert _Error(ctx, opcodes.OpRepairNodeStorage(
    node_name="node1", storage_type="lvm-pv", name="/dev/sda1")) == \
    "Storage units of type 'lvm-pv' can not be repaired"
  faulty = {"sync_percent": None, "is_degraded": True, "ldisk_status": 3,
            "estimated_time": None}
  ctx.transport.handlers["blockdev_getmirrorstatus"] = lambda node, args: (
    True, [[True, faulty] for _ in args[0]])
  # instance1 (drbd node1 -> node3) has faulty disks on node3
  op = opcodes.OpRepairNodeStorage(node_name="node1", storage_type="lvm-vg",
                                   name="xenvg")
  assert _Error(ctx, op) == ("Instance 'instance1.example.com' has faulty"
                             " disks on node 'node3.example.com'")
  assert not ctx.transport.Find("storage_execute")
  cbs = test_mcpu.Callbacks()
  _Exec(ctx, opcodes.OpRepairNodeStorage(
    node_name="node1", storage_type="lvm-vg", name="xenvg",
    ignore_consistency=True), cbs)
  lines = dt.FeedbackLines(cbs)
  assert any("has faulty disks on node 'node3.example.com'" in line
             for line in lines)
  assert any("Repairing storage unit 'xenvg' on node1.example.com ..." in line for line in lines)
  ((_, node, args), ) = ctx.transport.Find("storage_execute")
  assert (node, args) == (dt.N1_NAME, ["lvm-vg", [], "xenvg",
                                       "fix-consistency"])


# Out-of-band ---------------------------------------------------------------
def _SetOob(ctx, node_uuid, program=_OOB):
  node = ctx.cfg.GetNodeInfo(node_uuid)
  node.ndparams = {constants.ND_OOB_PROGRAM: program}
  ctx.cfg.Update(node, None)


def testOobCommand(ctx):
  _SetOob(ctx, N2)
  _SetOob(ctx, N3)
  answers = {"node2.example.com": '{"powered": false}\n',
             "node3.example.com": "not json"}
  runs = []

  def _Run(node, args):
    runs.append((node, args))
    return (True, answers[args[2]])
  ctx.transport.handlers["run_oob"] = _Run
  cbs = test_mcpu.Callbacks()
  result = _Exec(ctx, opcodes.OpOobCommand(command="power-status",
                                           timeout=7), cbs)
  assert result == [
    [[qfields.RS_NORMAL, "node1.example.com"], [qfields.RS_UNAVAIL, None]],
    [[qfields.RS_NORMAL, "node2.example.com"],
     [qfields.RS_NORMAL, {"powered": False}]],
    [[qfields.RS_NORMAL, "node3.example.com"], [qfields.RS_NODATA, None]]]
  # the program runs on the master, for each node
  assert runs == [(dt.N1_NAME, [_OOB, "power-status", "node2.example.com", 7]),
                  (dt.N1_NAME, [_OOB, "power-status", "node3.example.com",
                                7])]
  assert any("Payload returned by node 'node3.example.com' is not valid"
             in line for line in dt.FeedbackLines(cbs))


def testOobPowerOnRecordsState(ctx, monkeypatch):
  _SetOob(ctx, N2)
  _SetOob(ctx, N3)
  node = ctx.cfg.GetNodeInfo(N2)
  node.powered = False
  ctx.cfg.Update(node, None)
  ctx.transport.handlers["run_oob"] = lambda node, args: (True, "")
  sleeps = []
  monkeypatch.setattr(node_oob.LUOobCommand, "_sleep_fn",
                      staticmethod(sleeps.append))
  result = _Exec(ctx, opcodes.OpOobCommand(
    node_names=["node3", "node2"], command="power-on", power_delay=0.5))
  assert [r[1] for r in result] == [[qfields.RS_NORMAL, None]] * 2
  assert ctx.cfg.GetNodeInfo(N2).powered is True
  assert sleeps == [0.5]


@pytest.mark.parametrize("kwargs,message", [
  (dict(node_names=["node1"], command="power-off", ignore_status=True),
   "Operating on the master node node1.example.com is not allowed for"
   " power-off; it does not support out-of-band operations"),
  (dict(node_names=["node2"], command="power-off"),
   "Cannot power off node node2.example.com because it is not marked"
   " offline"),
  (dict(node_names=["nosuch"], command="health"), "Node 'nosuch' not known"),
])
def testOobErrors(ctx, kwargs, message):
  assert _Error(ctx, opcodes.OpOobCommand(**kwargs)) == message


def testOobMasterWithProgram(ctx):
  _SetOob(ctx, N1)
  assert _Error(ctx, opcodes.OpOobCommand(node_names=["node1"],
                                          command="power-cycle")) == \
    ("Operating on the master node node1.example.com is not allowed for"
     " power-cycle; run '%s power-cycle node1.example.com' if you want to"
     " operate on the master regardless" % _OOB)


def testOobAllNodesSkipsMaster(ctx):
  _SetOob(ctx, N2)
  ctx.transport.handlers["run_oob"] = lambda node, args: (True, None)
  for uuid in (N2, N3):
    node = ctx.cfg.GetNodeInfo(uuid)
    node.offline = True
    ctx.cfg.Update(node, None)
  result = _Exec(ctx, opcodes.OpOobCommand(command="power-off"))
  assert [r[0][1] for r in result] == ["node2.example.com",
                                       "node3.example.com"]
  assert ctx.cfg.GetNodeInfo(N2).powered is False


def testPowercycle(ctx):
  assert _Error(ctx, opcodes.OpNodePowercycle(node_name="node1")) == \
    "The node is the master and the force parameter was not set"
  ctx.transport.handlers["node_powercycle"] = lambda node, args: (
    True, "Reboot scheduled in 5 seconds")
  assert _Exec(ctx, opcodes.OpNodePowercycle(node_name="node2")) == \
    "Reboot scheduled in 5 seconds"
  ((_, node, args), ) = ctx.transport.Find("node_powercycle")
  assert node == dt.N2_NAME and args[0] == ctx.cfg.GetHypervisorType()


# node modify: secondary IP, node parameters, powered -----------------------
@pytest.fixture
def reachable(monkeypatch):
  pings = []
  monkeypatch.setattr(netutils, "TcpPing", lambda *args, **kwargs: (
    pings.append((args, kwargs)) or True))
  return pings


def testSecondaryIp(ctx, reachable):
  ctx.transport.handlers["node_has_ip_address"] = lambda node, args: (
    True, True)
  assert _Error(ctx, opcodes.OpNodeSetParams(
    node_name="node2", secondary_ip="198.51.100.300")) == \
    "Secondary IP (198.51.100.300) needs to be a valid IPv4 address"
  assert "Cannot set the secondary IP to be the same as the primary IP" in \
    _Error(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                        secondary_ip="192.0.2.83"))
  assert _Error(ctx, opcodes.OpNodeSetParams(
    node_name="node2", secondary_ip="198.51.100.84")) == \
    "Secondary IP 198.51.100.84 is already used by node node3.example.com"
  result = _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                              secondary_ip="198.51.100.93"))
  assert result == [("secondary_ip", "198.51.100.93")]
  assert ctx.cfg.GetNodeInfo(N2).secondary_ip == "198.51.100.93"
  assert reachable[0][0][0] == "198.51.100.93"
  assert reachable[0][1]["source"] == "198.51.100.82"


def testSecondaryIpDrbdInstanceRunning(ctx, reachable):
  assert _Error(ctx, opcodes.OpNodeSetParams(
    node_name="node3", secondary_ip="198.51.100.94")) == \
    ("Instance 'instance1.example.com' is marked to be up, cannot change"
     " secondary ip")


def testSecondaryIpNotOnNode(ctx, reachable):
  ctx.transport.handlers["node_has_ip_address"] = lambda node, args: (
    True, False)
  assert "Node claims it doesn't have the secondary ip you gave" in \
    _Error(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                        secondary_ip="198.51.100.95"))


def testNdparams(ctx):
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", ndparams={
    "spindle_count": "3", "oob_program": _OOB}))
  assert ctx.cfg.GetNodeInfo(N2).ndparams == {"spindle_count": 3,
                                              "oob_program": _OOB}
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", ndparams={
    "spindle_count": "default"}))
  assert ctx.cfg.GetNodeInfo(N2).ndparams == {"oob_program": _OOB}
  assert "are global and cannot be customized at node level" in _Error(
    ctx, opcodes.OpNodeSetParams(node_name="node2",
                                 ndparams={"exclusive_storage": True}))
  assert _Error(ctx, opcodes.OpNodeSetParams(
    node_name="node2", ndparams={"nosuch": 1})) == \
    "Unknown node parameter(s): nosuch"
  # with an OOB program the powered flag may be changed
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", powered=False))
  assert ctx.cfg.GetNodeInfo(N2).powered is False
  assert _Error(ctx, opcodes.OpNodeSetParams(node_name="node3",
                                             powered=False)) == \
    ("Unable to change powered state for node node3.example.com as it"
     " does not support out-of-band handling")
