"""The processor running real LUs against in-tree fakes.

The context has a real ConfigWriter (on a temp copy of the 3.0 fixture) and
a real GanetiLockManager; node RPC goes through the real RpcRunner encoders
into a fake transport that records every call.
"""

import os
import shutil
import threading

import pytest

from ganeti import config
from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import mcpu
from ganeti import opcodes
from ganeti import serializer
from ganeti.jqueue.execution import LockAcquireTimeout
from ganeti.rpc import node as rpc_node
from ganeti.rpc import transport

pytestmark = pytest.mark.unit

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data")

N1 = "9a12d554-75c0-4cb1-8064-103365145db0"  # node1, the master
N2 = "2ae3d962-2dad-44f2-bdb1-85f77107f907"
N3 = "41f9c238-173c-4120-9e41-04ad379b647a"
# the transport sees node names (the RPC runner maps UUIDs to names)
N1_NAME = "node1.example.com"
N2_NAME = "node2.example.com"
N3_NAME = "node3.example.com"
I1 = "6c078d22-3eb6-4780-857d-81772e09eef1"  # instance1 on node1
I3 = "4e091bdc-e205-4ed7-8a47-0c9130a6619f"  # instance3 on node2


class FakeTransport:
  """Records calls; answers success with a per-procedure payload."""

  def __init__(self):
    self.calls = []
    self.payloads = {"instance_info": {}, "hooks_runner": [],
                     "os_validate": True,
                     "node_verify": {}}
    self.hook_results = {}  # phase -> payload for hooks_runner
    self.lock = threading.Lock()

  def Call(self, name, targets, body, timeout):
    args = serializer.LoadJson(body)
    results = {}
    with self.lock:
      for node in targets:
        self.calls.append((name, node, args))
        payload = self.payloads.get(name)
        if name == "hooks_runner":
          payload = self.hook_results.get(args[1], [])
        results[node] = transport.RpcResult(data=[True, payload], call=name,
                                            node=node)
    return results

  def Close(self):
    pass

  def Names(self):
    return [c[0] for c in self.calls]

  def Find(self, name):
    return [c for c in self.calls if c[0] == name]


class FakeContext:
  def __init__(self, cfg):
    self.cfg = cfg
    self.glm = locking.GanetiLockManager(
      cfg.GetNodeList(), list(cfg.GetAllNodeGroupsInfo()),
      [i.name for i in cfg.GetAllInstancesInfo().values()],
      list(cfg.GetConfigData().networks))
    self.transport = FakeTransport()
    runner = rpc_node.RpcRunner.__new__(rpc_node.RpcRunner)
    runner._cfg = cfg
    runner._port = 1811
    runner._resolver = rpc_node._Resolver(cfg)
    runner._client = self.transport
    self.rpc = runner
    self.replicated = []

  def AddNode(self, node):
    pass

  def ReplicateQueueTo(self, node):
    self.replicated.append(node.name)


class Callbacks(mcpu.OpExecCbBase):
  def __init__(self):
    self.feedback = []
    self.started = 0
    self.submitted = []

  def NotifyStart(self):
    self.started += 1

  def Feedback(self, *args):
    self.feedback.append(args)

  def SubmitManyJobs(self, jobs):
    self.submitted.append(jobs)
    return [[True, 100 + i] for i in range(len(jobs))]


@pytest.fixture
def ctx(tmp_path):
  path = str(tmp_path / "config.data")
  shutil.copy(os.path.join(DATA, "cluster_config_3.0.json"), path)
  os.chmod(path, 0o640)
  cfg = config.ConfigWriter(cfg_file=path)
  context = FakeContext(cfg)
  yield context
  # nothing may stay locked after an opcode
  for level in locking.LEVELS:
    assert not context.glm.is_owned(level)


def _Exec(ctx, op, cbs=None, timeout=None):
  if cbs is None:
    cbs = Callbacks()
  return mcpu.Processor(ctx, 1).ExecOpCode(op, cbs, timeout=timeout)


def _AssertNoLocksHeld(ctx):
  for level in locking.LEVELS:
    assert not ctx.glm.is_owned(level)


# Basics ---------------------------------------------------------------------
def testTestDelay(ctx):
  cbs = Callbacks()
  assert _Exec(ctx, opcodes.OpTestDelay(duration=0.01), cbs) is None
  assert cbs.started == 1
  assert ctx.transport.calls == []


def testTestDelayOnNodes(ctx):
  _Exec(ctx, opcodes.OpTestDelay(duration=0.01, on_master=False,
                                 on_nodes=["node2"]))
  assert [(c[0], c[1]) for c in ctx.transport.calls] == \
    [("test_delay", N2_NAME)]


def testUnknownOpcode(ctx):
  class OpNotRegistered(opcodes.OpCode):
    pass
  with pytest.raises(errors.OpCodeUnknown):
    _Exec(ctx, OpNotRegistered())
  with pytest.raises(errors.ProgrammerError):
    _Exec(ctx, "OP_TEST_DELAY")


def testValidationErrorReleasesLocks(ctx):
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, opcodes.OpTestDelay(duration="x"))
  _AssertNoLocksHeld(ctx)


def testRedactedSecretsRefused(ctx):
  """A job read back from its file lost its secrets: it must not run."""
  op = opcodes.OpInstanceReinstall(instance_name="instance3",
                                   osparams_secret={"pw": "<redacted>"})
  with pytest.raises(errors.OpPrereqError,
                     match="Please re-submit secret parameters to job."):
    _Exec(ctx, op)
  _AssertNoLocksHeld(ctx)
  assert ctx.transport.calls == []


# Tags -------------------------------------------------------------------------
@pytest.mark.parametrize("kind,name,getter", [
  (constants.TAG_CLUSTER, None, lambda cfg: cfg.GetClusterInfo()),
  (constants.TAG_NODE, "node2", lambda cfg: cfg.GetNodeInfo(N2)),
  (constants.TAG_INSTANCE, "instance3",
   lambda cfg: cfg.GetInstanceInfo(I3)),
])
def testTags(ctx, kind, name, getter):
  before = set(getter(ctx.cfg).GetTags())
  _Exec(ctx, opcodes.OpTagsSet(kind=kind, name=name, tags=["a", "b"]))
  assert set(getter(ctx.cfg).GetTags()) == before | {"a", "b"}
  got = _Exec(ctx, opcodes.OpTagsGet(kind=kind, name=name))
  assert got == sorted(before | {"a", "b"})
  _Exec(ctx, opcodes.OpTagsDel(kind=kind, name=name, tags=["a"]))
  assert set(getter(ctx.cfg).GetTags()) == before | {"b"}
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpTagsDel(kind=kind, name=name, tags=["nosuch"]))
  assert err.value.args[1] == errors.ECODE_NOENT
  assert ctx.cfg.GetWriteCount() == 2


def testTagsUnknownObject(ctx):
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpTagsGet(kind=constants.TAG_INSTANCE, name="nosuch"))
  assert err.value.args == ("Instance 'nosuch' not known",
                            errors.ECODE_NOENT)
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, opcodes.OpTagsSet(kind=constants.TAG_NODE, name="nosuch",
                                 tags=["x"]))


def testTagsSetIsExclusive(ctx):
  """Adding tags modifies the object: its lock is taken exclusively."""
  seen = {}
  orig = config.ConfigWriter.Update

  def _Update(cfg, target, feedback_fn=None):
    seen["shared"] = ctx.glm.check_owned(locking.LEVEL_INSTANCE,
                                         ["instance3.example.com"], shared=1)
    return orig(cfg, target, feedback_fn)

  ctx.cfg.Update = _Update.__get__(ctx.cfg)
  _Exec(ctx, opcodes.OpTagsSet(kind=constants.TAG_INSTANCE,
                               name="instance3", tags=["x"]))
  assert seen == {"shared": False}


# Instances ------------------------------------------------------------------------
def testInstanceShutdownStartup(ctx):
  cfg = ctx.cfg
  inst = cfg.GetInstanceInfo(I1)
  assert inst.admin_state == constants.ADMINST_UP
  _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1",
                                        timeout=7))
  assert inst.admin_state == constants.ADMINST_DOWN
  [(_, node, args)] = ctx.transport.Find("instance_shutdown")
  assert node == N1_NAME
  (idict, timeout, reason) = args
  assert idict["name"] == "instance1.example.com"
  assert idict["uuid"] == I1
  assert idict["admin_state"] == "down"
  assert idict["hvparams"]["kernel_path"] == "/boot/vmlinuz-xenU"  # filled
  assert idict["beparams"]["maxmem"] == 128
  assert timeout == 7
  ctx.transport.calls.clear()
  _Exec(ctx, opcodes.OpInstanceStartup(instance_name="instance1.example.com"))
  assert inst.admin_state == constants.ADMINST_UP
  names = ctx.transport.Names()
  assert "instance_info" in names
  [(_, node, args)] = ctx.transport.Find("instance_start")
  assert node == N1_NAME
  ((idict, hvp, bep), paused, reason) = args
  assert idict["name"] == "instance1.example.com"
  assert idict["admin_state"] == "up"
  assert (hvp, bep, paused) == ({}, {}, False)
  assert names.index("instance_info") < names.index("instance_start")
  # on disk as well
  again = config.ConfigWriter(cfg_file=cfg._cfg_file)
  assert again.GetInstanceInfo(I1).admin_state == constants.ADMINST_UP


def testInstanceStartupAlreadyRunning(ctx):
  ctx.transport.payloads["instance_info"] = {"state": "running"}
  cbs = Callbacks()
  _Exec(ctx, opcodes.OpInstanceStartup(instance_name="instance1"), cbs)
  assert "instance_start" not in ctx.transport.Names()
  assert any("already running" in str(f) for f in cbs.feedback)


def testInstanceShutdownNoRemember(ctx):
  _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1",
                                        no_remember=True))
  assert ctx.cfg.GetInstanceInfo(I1).admin_state == constants.ADMINST_UP
  assert ctx.transport.Find("instance_shutdown")


def testHooksEnvironment(ctx):
  ctx.cfg.MarkInstanceDown(I1)
  _Exec(ctx, opcodes.OpInstanceStartup(instance_name="instance1", force=True))
  hooks = ctx.transport.Find("hooks_runner")
  pre = [c for c in hooks if c[2][1] == "pre"]
  post = [c for c in hooks if c[2][:2] == ["instance-start", "post"]]
  # master and primary node are node1, the DRBD secondary node3
  assert sorted(c[1] for c in pre) == ["node1.example.com",
                                       "node3.example.com"]
  assert sorted(c[1] for c in post) == ["node1.example.com",
                                        "node3.example.com"]
  pre.sort(key=lambda c: c[1])
  (hpath, phase, env) = pre[0][2]
  assert (hpath, phase) == ("instance-start", "pre")
  assert env["GANETI_HOOKS_PHASE"] == "pre"
  assert env["GANETI_HOOKS_PATH"] == "instance-start"
  assert env["GANETI_HOOKS_VERSION"] == "2"
  assert env["GANETI_OP_CODE"] == "OP_INSTANCE_STARTUP"
  assert env["GANETI_OBJECT_TYPE"] == "INSTANCE"
  assert env["GANETI_CLUSTER"] == "cluster.name.example.com"
  assert env["GANETI_MASTER"] == "node1.example.com"
  assert env["GANETI_INSTANCE_NAME"] == "instance1.example.com"
  assert env["GANETI_INSTANCE_PRIMARY"] == "node1.example.com"
  assert env["GANETI_INSTANCE_SECONDARY"] == "node3.example.com"
  assert env["GANETI_FORCE"] == "True"
  assert env["PATH"] == "/sbin:/bin:/usr/sbin:/usr/bin"
  assert all(k.startswith("GANETI_") or k == "PATH" for k in env)
  assert all(isinstance(v, str) for v in env.values())
  (_, _, penv) = post[0][2]
  assert penv["GANETI_HOOKS_PHASE"] == "post"
  assert penv["GANETI_INSTANCE_NAME"] == "instance1.example.com"
  assert penv["GANETI_POST_INSTANCE_NAME"] == "instance1.example.com"
  # the config was written: config-update hook on the master
  (hpath, phase, _) = hooks[-1][2]
  assert (hpath, phase) == (constants.HOOKS_NAME_CFGUPDATE, "post")


def testPreHookFailureAborts(ctx):
  ctx.transport.hook_results["pre"] = [
    ["instance-start-pre.d/10-deny", constants.HKR_FAIL, "not today"],
    ["instance-start-pre.d/20-ok", constants.HKR_SUCCESS, ""]]
  with pytest.raises(errors.HooksAbort) as err:
    _Exec(ctx, opcodes.OpInstanceStartup(instance_name="instance1"))
  assert sorted(err.value.args[0]) == [
    ("node1.example.com", "instance-start-pre.d/10-deny", "not today"),
    ("node3.example.com", "instance-start-pre.d/10-deny", "not today")]
  assert "instance_start" not in ctx.transport.Names()
  assert ctx.cfg.GetWriteCount() == 0
  _AssertNoLocksHeld(ctx)


def testPostHookFailureOnlyLogged(ctx):
  ctx.transport.hook_results["post"] = [
    ["instance-stop-post.d/10-x", constants.HKR_FAIL, ""]]
  cbs = Callbacks()
  _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1"), cbs)
  assert ctx.cfg.GetInstanceInfo(I1).admin_state == constants.ADMINST_DOWN
  assert any("script instance-stop-post.d/10-x failed, output: (no output)"
             in str(f) for f in cbs.feedback)


def testDryRun(ctx):
  cbs = Callbacks()
  result = _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1",
                                                 dry_run=True), cbs)
  assert result is None
  assert ctx.cfg.GetInstanceInfo(I1).admin_state == constants.ADMINST_UP
  assert ctx.cfg.GetWriteCount() == 0
  names = ctx.transport.Names()
  assert "instance_shutdown" not in names
  phases = [c[2][1] for c in ctx.transport.Find("hooks_runner")]
  assert phases == ["pre", "pre"]  # node1 and node3, no post phase
  assert any("dry-run mode requested" in str(f) for f in cbs.feedback)


def testLockTimeout(ctx):
  held = threading.Event()
  release = threading.Event()
  errs = []

  def _Holder():
    try:
      ctx.glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=1)
      ctx.glm.acquire(locking.LEVEL_INSTANCE, ["instance1.example.com"])
      held.set()
      release.wait(60)
      ctx.glm.release(locking.LEVEL_INSTANCE)
      ctx.glm.release(locking.LEVEL_CLUSTER)
    except Exception as err:  # pylint: disable=broad-except
      errs.append(err)
      held.set()

  thread = threading.Thread(target=_Holder)
  thread.start()
  try:
    assert held.wait(30)
    assert not errs
    with pytest.raises(LockAcquireTimeout):
      _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1"),
            timeout=0.05)
    _AssertNoLocksHeld(ctx)
    assert ctx.transport.calls == []
    # other instances are not blocked
    _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance3"),
          timeout=5)
  finally:
    release.set()
    thread.join(30)
  assert not thread.is_alive()
  # now free
  _Exec(ctx, opcodes.OpInstanceShutdown(instance_name="instance1"),
        timeout=5)


def testLocksReleasedOnFailure(ctx):
  ctx.cfg.GetInstanceInfo(I1).admin_state = constants.ADMINST_OFFLINE
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpInstanceStartup(instance_name="instance1"))
  assert err.value.args[1] == errors.ECODE_STATE
  _AssertNoLocksHeld(ctx)
  # and they are acquirable again
  ctx.glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL])
  ctx.glm.acquire(locking.LEVEL_INSTANCE, ["instance1.example.com"],
                  timeout=0)
  ctx.glm.release(locking.LEVEL_INSTANCE)
  ctx.glm.release(locking.LEVEL_CLUSTER)


def testAddedLockRemovedOnFailure(ctx):
  op = opcodes.OpInstanceCreate(
    instance_name="inst9.example.com", mode=constants.INSTANCE_CREATE,
    disk_template=constants.DT_DISKLESS, disks=[], nics=[], os_type="noop",
    pnode="node1", name_check=False, ip_check=False)
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, op)
  assert "inst9.example.com" not in \
    ctx.glm._names(locking.LEVEL_INSTANCE)
  assert ctx.cfg.GetInstanceInfoByName("inst9.example.com") is None
  _AssertNoLocksHeld(ctx)


# Nodes ---------------------------------------------------------------------------
def testNodeSetParamsOfflineAutoDemotes(ctx):
  result = _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                              offline=True))
  node = ctx.cfg.GetNodeInfo(N2)
  assert (node.offline, node.master_candidate) == (True, False)
  assert ("offline", "True") in result
  assert [r[0] for r in result].count("master_candidate") == 1
  # an offline node is not asked to demote itself
  assert "node_demote_from_mc" not in ctx.transport.Names()
  assert ctx.cfg.VerifyConfig() == []


def testNodeSetParamsDrainDemotesViaRpc(ctx):
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node3", drained=True))
  node = ctx.cfg.GetNodeInfo(N3)
  assert (node.drained, node.master_candidate) == (True, False)
  assert [c[1] for c in ctx.transport.Find("node_demote_from_mc")] == [N3_NAME]


def testNodeSetParamsSelfPromotion(ctx):
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", offline=True))
  assert not ctx.cfg.GetNodeInfo(N2).master_candidate
  result = _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                              offline=False))
  node = ctx.cfg.GetNodeInfo(N2)
  assert (node.offline, node.master_candidate) == (False, True)
  assert ("offline", "False") in result
  assert "node2.example.com" in ctx.replicated


def testNodeSetParamsMaster(ctx):
  with pytest.raises(errors.OpPrereqError, match="master-failover"):
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node1", offline=True))
  with pytest.raises(errors.OpPrereqError, match="at least one"):
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2"))
  with pytest.raises(errors.OpPrereqError, match="more than one state"):
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", offline=True,
                                       drained=True))
  assert ctx.cfg.GetWriteCount() == 0


# Cluster verify ------------------------------------------------------------------
def testClusterVerifyReturnsJobs(ctx):
  cbs = Callbacks()
  op = opcodes.OpClusterVerify(priority=constants.OP_PRIO_HIGH,
                               reason=[["gnt:client:gnt-cluster", "verify",
                                        1]])
  result = _Exec(ctx, op, cbs)
  assert list(result) == ["jobs"]
  [jobs] = cbs.submitted
  assert len(result["jobs"]) == len(jobs)
  ops = [o for job in jobs for o in job]
  ids = set(o.OP_ID for o in ops)
  assert "OP_CLUSTER_VERIFY_CONFIG" in ids
  groups = sorted(o.group_name for o in ops
                  if o.OP_ID == "OP_CLUSTER_VERIFY_GROUP")
  assert len(groups) == 2
  for child in ops:
    assert child.priority == constants.OP_PRIO_HIGH
    assert child.comment == "Submitted by OP_CLUSTER_VERIFY"
    assert child.reason[0] == ["gnt:client:gnt-cluster", "verify", 1]
  assert result["jobs"] == [[True, 100 + i] for i in range(len(jobs))]
