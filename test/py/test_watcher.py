"""The watcher: pause file, state file, time specifications and the
per-group decisions (restart, disk re-activation, verify-disks) against a
fake LUXI client."""

import json
import os

import pytest

from ganeti import errors
from ganeti import opcodes
from ganeti import watcher
from ganeti.client import gnt_cluster_watcher
from ganeti.utils import pausefile
from ganeti.watcher import state as wstate

pytestmark = pytest.mark.unit


# -- pause file
def testPauseFile(tmp_path):
  path = str(tmp_path / "watcher.pause")
  assert pausefile.ReadWatcherPauseFile(path) is None
  pausefile.WriteWatcherPauseFile(path, 2000.7)
  with open(path) as fh:
    assert fh.read() == "2000\n"
  assert oct(os.stat(path).st_mode & 0o777) == "0o644"
  assert pausefile.ReadWatcherPauseFile(path, now=1000) == 2000
  # ended, but recently: not paused, the file stays
  assert pausefile.ReadWatcherPauseFile(path, now=2500) is None
  assert os.path.exists(path)
  # ended more than an hour ago: removed
  assert pausefile.ReadWatcherPauseFile(path, now=2000 + 3601) is None
  assert not os.path.exists(path)
  with open(path, "w") as fh:
    fh.write("garbage\n")
  assert pausefile.ReadWatcherPauseFile(path, now=1000) is None
  assert not os.path.exists(path)
  pausefile.WriteWatcherPauseFile(path, 5)
  pausefile.WriteWatcherPauseFile(path, None)
  assert not os.path.exists(path)


@pytest.mark.parametrize("spec,seconds", [
  ("90", 90), ("30s", 30), ("30m", 1800), ("1h", 3600), ("2d", 172800),
  ("1w", 604800)])
def testParseTimespec(spec, seconds):
  assert gnt_cluster_watcher.ParseTimespec(spec) == seconds


@pytest.mark.parametrize("spec,msg", [
  ("", "Empty time specification passed"),
  ("h", "Invalid time specification (only suffix?)"),
  ("1x", "Invalid time specification '1x'")])
def testParseTimespecErrors(spec, msg):
  with pytest.raises(errors.OpPrereqError) as err:
    gnt_cluster_watcher.ParseTimespec(spec)
  assert err.value.args[0] == msg


# -- state file
def testStateFile(tmp_path):
  path = str(tmp_path / "watcher.uuid.data")
  st = wstate.WatcherState.Open(path)
  assert st.NumberOfRestartAttempts("inst1") == 0
  st.RecordRestartAttempt("inst1", now=1e10)
  st.RecordRestartAttempt("inst1", now=1e10)
  st.SetNodeBootID("node1", "boot-1")
  st.Save()
  st.Close()
  with open(path) as fh:
    data = json.load(fh)
  assert data == {"instance": {"inst1": {"restart_count": 2,
                                         "restart_when": 1e10}},
                  "node": {"node1": {"bootid": "boot-1"}}}
  st = wstate.WatcherState.Open(path)
  assert st.NumberOfRestartAttempts("inst1") == 2
  assert st.GetNodeBootID("node1") == "boot-1"
  st.RemoveInstance("inst1")
  st.Save()
  st.Close()
  # records older than 8 hours are forgotten
  with open(path, "w") as fh:
    json.dump({"instance": {"old": {"restart_count": 3,
                                    "restart_when": 100}}, "node": {}}, fh)
  st = wstate.WatcherState.Open(path)
  assert st.NumberOfRestartAttempts("old") == 0
  st.Close()


def testInstanceStatusMerge(tmp_path):
  one = str(tmp_path / "watcher.a.instance-status")
  two = str(tmp_path / "watcher.b.instance-status")
  wstate.WriteInstanceStatus(one, [("b", "running"), ("a", "ERROR_down")])
  wstate.WriteInstanceStatus(two, [("a", "running")])
  os.utime(one, (1000, 1000))
  target = str(tmp_path / "instance-status")
  wstate.MergeInstanceStatus(target, [one, two], target + ".lock")
  with open(target) as fh:
    assert fh.read() == "a running\nb running\n"


# -- the group decisions
class FakeClient:
  """Records submitted jobs; answers OpGroupVerifyDisks with ``offline``
  and fails the startup of instances in ``fail``."""

  def __init__(self, offline=(), fail=()):
    self.jobs = []
    self.offline = list(offline)
    self.fail = set(fail)


def _FakeSubmit(client):
  def submit(cl, ops):
    cl.jobs.append(ops)
    results = []
    for op in ops:
      if isinstance(op, opcodes.OpGroupVerifyDisks):
        results.append(({}, cl.offline, {}))
      elif isinstance(op, opcodes.OpInstanceStartup) and \
          op.instance_name in cl.fail:
        raise errors.OpExecError("Could not start instance")
      else:
        results.append(True)
    return results
  return submit


@pytest.fixture
def fake(monkeypatch):
  client = FakeClient()
  monkeypatch.setattr(watcher, "_SubmitAndWait", _FakeSubmit(client))
  return client


def _Ops(client, kind):
  return [op.instance_name for ops in client.jobs for op in ops
          if isinstance(op, kind)]


def testRestartUpToTheLimit(fake):
  fake.fail = set(["bad"])
  notepad = wstate.WatcherState(None)
  instances = {
    "down": watcher.Instance("down", "ERROR_down", True, []),
    "bad": watcher.Instance("bad", "ERROR_down", True, []),
    "ok": watcher.Instance("ok", "running", True, []),
  }
  started = watcher.CheckInstances(fake, notepad, instances)
  assert started == set(["down"])
  assert _Ops(fake, opcodes.OpInstanceStartup) == ["bad", "down"]
  assert notepad.NumberOfRestartAttempts("bad") == 1
  for _ in range(10):
    watcher.CheckInstances(fake, notepad, {"bad": instances["bad"]})
  # five attempts, then given up (one more record marks it)
  assert _Ops(fake, opcodes.OpInstanceStartup).count("bad") == \
    watcher.MAXTRIES
  assert notepad.NumberOfRestartAttempts("bad") == watcher.MAXTRIES + 1
  # seen running again: the record goes away
  watcher.CheckInstances(fake, notepad, {
    "bad": watcher.Instance("bad", "running", True, [])})
  assert notepad.NumberOfRestartAttempts("bad") == 0


def testHelplessInstancesAreNotRestarted(fake):
  notepad = wstate.WatcherState(None)
  watcher.CheckInstances(fake, notepad, {
    "i": watcher.Instance("i", "ERROR_nodedown", True, [])})
  assert fake.jobs == []


def testDisksReactivatedAfterSecondaryReboot(fake):
  notepad = wstate.WatcherState(None)
  notepad.SetNodeBootID("n2", "old")
  notepad.SetNodeBootID("n3", "same")
  instances = {
    "i1": watcher.Instance("i1", "running", True, ["n2"]),
    "i2": watcher.Instance("i2", "running", False, ["n2"]),
    "i3": watcher.Instance("i3", "running", True, ["n2"]),
    "i4": watcher.Instance("i4", "running", True, ["n3"]),
  }
  nodes = {
    "n2": watcher.Node("n2", "new", False, set(["i1", "i2", "i3"])),
    "n3": watcher.Node("n3", "same", False, set(["i4"])),
  }
  watcher.CheckDisks(fake, notepad, nodes, instances, started=set(["i3"]))
  assert _Ops(fake, opcodes.OpInstanceActivateDisks) == ["i1"]
  assert notepad.GetNodeBootID("n2") == "new"


def testVerifyDisksActivatesOfflineDisks(fake):
  fake.offline = ["i1", "i2", "i3", "gone"]
  instances = {
    "i1": watcher.Instance("i1", "running", True, ["n2"]),
    "i2": watcher.Instance("i2", "ERROR_nodeoffline", True, []),
    "i3": watcher.Instance("i3", "running", True, ["n3"]),
  }
  nodes = {"n2": watcher.Node("n2", "b", False, set()),
           "n3": watcher.Node("n3", "b", True, set())}
  watcher.VerifyDisks(fake, "uuid", nodes, instances)
  assert _Ops(fake, opcodes.OpInstanceActivateDisks) == ["i1"]
  (verify_op, ) = fake.jobs[0]
  assert verify_op.group_name == "uuid"


def testOptions():
  opts = watcher.ParseOptions(["-d", "--job-age", "1h", "--wait-children",
                               "--ignore-pause"])
  assert (opts.debug, opts.job_age, opts.wait_children,
          opts.ignore_pause) == (True, 3600, True, True)
  assert watcher.ParseOptions([]).job_age == 6 * 3600
  with pytest.raises(SystemExit):
    watcher.ParseOptions(["--job-age", "soon"])


# -- the master's side of "gnt-cluster watcher pause"
def testMasterSetWatcherPause(tmp_path):
  import time  # pylint: disable=C0415
  import disks_testlib as dt  # pylint: disable=C0415
  from ganeti.server import masterd  # pylint: disable=C0415
  ctx = dt.MakeContext(tmp_path)
  until = time.time() + 3600
  assert masterd.SetWatcherPause(ctx, until) == until
  calls = ctx.transport.Find("set_watcher_pause")
  assert sorted(node for (_, node, _) in calls) == \
    sorted([dt.N1_NAME, dt.N2_NAME, dt.N3_NAME])
  assert all(args == [until] for (_, _, args) in calls)
  assert masterd.SetWatcherPause(ctx, None) is None
  with pytest.raises(errors.GenericError, match="in the past"):
    masterd.SetWatcherPause(ctx, 1000)
  with pytest.raises(errors.GenericError, match="numeric"):
    masterd.SetWatcherPause(ctx, "soon")
  ctx.transport.handlers["set_watcher_pause"] = \
    lambda node, args: (False, "disk full") if node == dt.N2_NAME else \
    (True, None)
  with pytest.raises(errors.OpExecError) as err:
    masterd.SetWatcherPause(ctx, until)
  assert str(err.value) == ("Watcher pause was set where possible, but"
                            " failed on the following node(s): %s (disk"
                            " full)" % dt.N2_NAME)
