"""Tests of the JobQueue with a fake processor and a fake RPC."""

import os
import stat
import threading
import time

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import jqueue
from ganeti import opcodes
from ganeti import pathutils
from ganeti import serializer
from ganeti import vcluster
from ganeti.jqueue import storage

from jqueue_testlib import (FakeProcessor, FakeRpc, Gate, Op, WaitFinal,
                           WaitStatus)

TARGETS = {"node2": "192.0.2.2", "node3": "192.0.2.3"}


@pytest.fixture
def env(tmp_path, monkeypatch):
  monkeypatch.setenv("GANETI_ROOTDIR", str(tmp_path / "node1"))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1")
  return pathutils.Get()


class Harness:
  def __init__(self):
    self.proc = FakeProcessor()
    self.rpc = FakeRpc()
    self.queues = []

  def Start(self, **kwargs):
    kwargs.setdefault("rpc", self.rpc)
    kwargs.setdefault("get_replication_targets", lambda: dict(TARGETS))
    kwargs.setdefault("num_workers", 5)
    q = jqueue.JobQueue(self.proc.Factory, **kwargs)
    self.queues.append(q)
    return q

  def Stop(self, q):
    assert q.Shutdown(10)
    self.queues.remove(q)


@pytest.fixture
def h(env):
  harness = Harness()
  yield harness
  for q in list(harness.queues):
    q.Shutdown(10)


def _Blocker(h):
  """Make OpTestJqueue(notify_waitlock=True) block "acquiring locks"
  until the returned gate opens; returns (started, gate)."""
  started = Gate()
  gate = Gate()
  default = h.proc.behaviour

  def behaviour(job_id, op, cbs, timeout, priority):
    if getattr(op, "notify_waitlock", False):
      started.Open()
      gate.Wait()
    return default(job_id, op, cbs, timeout, priority)

  h.proc.behaviour = behaviour
  return (started, gate)


def _ReadJobFile(env, job_id):
  with open("%s/job-%s" % (env.QUEUE_DIR, job_id), "rb") as fh:
    return fh.read()


# Basics --------------------------------------------------------------------
def test_startup_files(env, h):
  h.Start()
  assert open(env.JOB_QUEUE_VERSION_FILE).read() == "1\n"
  assert open(env.JOB_QUEUE_SERIAL_FILE).read() == "0\n"
  assert os.path.exists(env.JOB_QUEUE_LOCK_FILE)
  assert os.path.isdir(env.JOB_QUEUE_ARCHIVE_DIR)


def test_queue_lock_exclusive(env, h):
  q = h.Start()
  with pytest.raises(errors.JobQueueError):
    h.Start()
  h.Stop(q)
  h.Start()  # the lock was released


def test_bad_version(env, h):
  os.makedirs(env.QUEUE_DIR)
  with open(env.JOB_QUEUE_VERSION_FILE, "w") as fh:
    fh.write("2\n")
  with pytest.raises(errors.JobQueueError):
    h.Start()
  # the failed start released the lock
  os.unlink(env.JOB_QUEUE_VERSION_FILE)
  h.Start()


def test_submit_run_success(env, h):
  q = h.Start()
  job_id = q.SubmitJob([Op(log_messages=["one", "two"]),
                        {"OP_ID": "OP_TEST_JQUEUE"}])
  assert job_id == 1
  assert WaitFinal(q, job_id) == "success"
  (status, result, opstatus, log) = q.QueryJobs(
    [job_id], ["status", "opresult", "opstatus", "oplog"])[0]
  assert status == "success" and result == [1, 1]
  assert opstatus == ["success", "success"]
  assert [e[3] for e in log[0]] == ["one", "two"]
  assert [e[0] for e in log[0]] == [1, 2]
  assert open(env.JOB_QUEUE_SERIAL_FILE).read() == "1\n"
  path = "%s/job-1" % env.QUEUE_DIR
  assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
  state = serializer.LoadJson(_ReadJobFile(env, 1))
  assert state["end_timestamp"] is not None
  for op in state["ops"]:
    assert op["start_timestamp"] <= op["exec_timestamp"] <= \
      op["end_timestamp"]
  assert state["received_timestamp"] <= state["start_timestamp"]
  reason = state["ops"][1]["input"]["reason"]
  assert reason[-1][:2] == ["gnt:opcode:test_jqueue", "job=1;index=1"]
  assert isinstance(reason[-1][2], int)
  # the file is what QueryJobs reports
  assert q.QueryJobs([1], ["opresult"])[0][0] == \
    [o["result"] for o in state["ops"]]
  assert q.QueryJobs([99], ["status"]) == [None]
  with pytest.raises(errors.OpPrereqError):
    q.QueryJobs([1], ["nosuch"])


def test_submit_validation(env, h):
  q = h.Start()
  with pytest.raises(errors.OpPrereqError):
    q.SubmitJob([])
  with pytest.raises(errors.OpPrereqError):
    q.SubmitJob([Op(priority=5)])
  with pytest.raises(errors.OpPrereqError):
    q.SubmitJob([Op(depends=[[-1, []]])])
  with pytest.raises(errors.OpCodeUnknown):
    q.SubmitJob([{"OP_ID": "OP_NO_SUCH"}])
  with pytest.raises(errors.OpPrereqError):
    q.SubmitJob([{"OP_ID": "OP_TEST_DELAY"}])  # duration missing
  assert q.SubmitJob([Op(priority=-10)]) == 1


def test_error_propagation(env, h):
  q = h.Start()
  job_id = q.SubmitJob([Op(), Op(fail=True), Op(), Op()])
  assert WaitFinal(q, job_id) == "error"
  (opstatus, opresult, opend) = q.QueryJobs(
    [job_id], ["opstatus", "opresult", "opend"])[0]
  assert opstatus == ["success", "error", "error", "error"]
  assert opresult[1] == ["OpExecError", ["failing as requested"]]
  assert opresult[2] == opresult[3] == ["OpExecError",
                                        ["Preceding opcode failed"]]
  assert opend[1] is not None
  assert [j for (j, _, _) in h.proc.executed] == [job_id, job_id]


def test_ganeti_error_kept(env, h):
  def behaviour(job_id, op, cbs, timeout, priority):
    raise errors.OpPrereqError("nope", errors.ECODE_STATE)
  h.proc.behaviour = behaviour
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  assert WaitFinal(q, job_id) == "error"
  assert q.QueryJobs([job_id], ["opresult", "opexec"])[0] == \
    [[["OpPrereqError", ["nope", "wrong_state"]]], [None]]


def test_unserializable_result(env, h):
  h.proc.behaviour = lambda *args: object()
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  assert WaitFinal(q, job_id) == "error"


# Cancel ---------------------------------------------------------------------
def test_cancel_queued_waiting_running(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start(num_workers=1)
  blocker = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  assert q.QueryJobs([blocker], ["status"])[0] == ["waiting"]
  queued = q.SubmitJob([Op(), Op()])
  assert q.CancelJob(queued) == (True, "Job %s canceled" % queued)
  assert q.QueryJobs([queued], ["status", "opresult"])[0] == \
    ["canceled", ["Job canceled by request"] * 2]
  # The blocker is waiting ("acquiring locks"): canceling, then canceled
  assert q.CancelJob(blocker) == (True, "Job %s will be canceled" % blocker)
  assert q.QueryJobs([blocker], ["status"])[0] == ["canceling"]
  gate.Open()
  assert WaitFinal(q, blocker) == "canceled"
  assert q.QueryJobs([blocker], ["opexec"])[0] == [[None]]
  assert q.CancelJob(blocker)[0] is False
  assert q.CancelJob(12345) == (False, "Job 12345 not found")


def test_cancel_running_refused(env, h):
  running = Gate()
  release = Gate()

  def behaviour(job_id, op, cbs, timeout, priority):
    cbs.NotifyStart()
    running.Open()
    release.Wait()
    return True
  h.proc.behaviour = behaviour
  q = h.Start()
  job_id = q.SubmitJob([Op(), Op()])
  running.Wait()
  assert q.CancelJob(job_id) == \
    (False, "Job %s is no longer waiting in the queue" % job_id)
  release.Open()
  assert WaitFinal(q, job_id) == "success"


# Priorities ---------------------------------------------------------------
def test_priority_order(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start(num_workers=1)
  blocker = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  low = q.SubmitJob([Op(priority=10)])
  norm1 = q.SubmitJob([Op()])
  high = q.SubmitJob([Op(priority=-10)])
  norm2 = q.SubmitJob([Op()])
  changed = q.SubmitJob([Op(priority=10)])
  ok, msg = q.ChangeJobPriority(changed, -10)
  assert ok, msg
  assert q.QueryJobs([changed], ["priority", "oppriority"])[0] == \
    [-10, [-10]]
  with pytest.raises(errors.OpPrereqError):
    q.ChangeJobPriority(changed, 3)
  gate.Open()
  for job_id in (low, norm1, high, norm2, changed):
    WaitFinal(q, job_id)
  order = [j for (j, _, _) in h.proc.executed]
  assert order == [blocker, high, changed, norm1, norm2, low]
  assert q.ChangeJobPriority(low, 0) == (False, "Job %s is finished" % low)


# Dependencies ---------------------------------------------------------------
def test_dependencies(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start()
  first = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  dep = q.SubmitJob([Op(depends=[[first, ["success"]]])])
  WaitStatus(q, dep, ["waiting"])
  assert not [j for (j, _, _) in h.proc.executed if j == dep]
  gate.Open()
  assert WaitFinal(q, dep) == "success"
  order = [j for (j, _, _) in h.proc.executed]
  assert order.index(first) < order.index(dep)
  # mismatch, missing, self, any-final
  failed = q.SubmitJob([Op(fail=True)])
  WaitFinal(q, failed)
  mismatch = q.SubmitJob([Op(depends=[[failed, ["success"]]])])
  anyfinal = q.SubmitJob([Op(depends=[[failed, []]])])
  missing = q.SubmitJob([Op(depends=[[9999, []]])])
  selfdep = q.SubmitJob([Op(depends=[[missing + 1, []]])])
  assert WaitFinal(q, mismatch) == "error"
  assert WaitFinal(q, anyfinal) == "success"
  assert WaitFinal(q, missing) == "error"
  assert WaitFinal(q, selfdep) == "error"
  assert "not found" in q.QueryJobs([missing], ["opresult"])[0][0][0][1][0]


def test_dependency_canceled(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start(num_workers=1)
  blocker = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  victim = q.SubmitJob([Op()])
  dep = q.SubmitJob([Op(depends=[[victim, ["success"]]])])
  dep_ok = q.SubmitJob([Op(depends=[[victim, ["canceled"]]])])
  assert q.CancelJob(victim)[0]
  gate.Open()
  assert WaitFinal(q, dep) == "canceled"
  assert WaitFinal(q, dep_ok) == "success"
  WaitFinal(q, blocker)


def test_cancel_parked_job(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start()
  first = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  dep = q.SubmitJob([Op(depends=[[first, []]])])
  WaitStatus(q, dep, ["waiting"])
  assert q.CancelJob(dep)[0]
  assert WaitFinal(q, dep) == "canceled"
  gate.Open()
  WaitFinal(q, first)


def test_submit_many_relative(env, h):
  q = h.Start()
  res = q.SubmitManyJobs([[Op()], [Op(depends=[[-1, ["success"]]])],
                          [Op(priority=7)], [Op(depends=[[-3, []]])],
                          [Op(depends=[[-9, []]])]])
  assert res[0] == (True, 1) and res[1] == (True, 2)
  assert res[2][0] is False and "invalid priority" in res[2][1]
  assert res[3] == (True, 4)
  assert res[4][0] is False
  assert q.QueryJobs([2], ["ops"])[0][0][0]["depends"] == [[1, ["success"]]]
  assert q.QueryJobs([4], ["ops"])[0][0][0]["depends"] == [[1, []]]
  for job_id in (1, 2, 4):
    assert WaitFinal(q, job_id) == "success"
  assert q.QueryJobs([3], ["status"]) == [None]
  assert q.SubmitManyJobs([]) == []


def test_callbacks_submit_jobs_and_priority(env, h):
  seen = {}

  def behaviour(job_id, op, cbs, timeout, priority):
    cbs.CheckCancel()
    seen[job_id] = cbs.CurrentPriority()
    cbs.NotifyStart()
    if job_id == 1:
      return {"jobs": cbs.SubmitManyJobs([[Op()], [Op()]])}
    cbs.Feedback(constants.ELOG_JQUEUE_TEST, ["x"])
    return None
  h.proc.behaviour = behaviour
  q = h.Start()
  assert q.SubmitJob([Op(priority=-10)]) == 1
  assert WaitFinal(q, 1) == "success"
  assert q.QueryJobs([1], ["opresult"])[0][0] == \
    [{"jobs": [[True, 2], [True, 3]]}]
  assert WaitFinal(q, 3) == "success"
  assert seen[1] == -10
  log = q.QueryJobs([3], ["oplog"])[0][0][0]
  assert log[0][2:] == ["jqueue-test", ["x"]]


# Lock timeouts ------------------------------------------------------------
def test_lock_timeout_requeue(env, h):
  attempts = []

  def behaviour(job_id, op, cbs, timeout, priority):
    attempts.append((timeout, priority))
    if len(attempts) <= 4:
      raise jqueue.LockAcquireTimeout()
    cbs.NotifyStart()
    return len(attempts)
  h.proc.behaviour = behaviour
  q = h.Start(strategy_factory=lambda: jqueue.TimeoutStrategy(
    timeouts=[1.0, 2.0]))
  job_id = q.SubmitJob([Op(priority=-10)])
  assert WaitFinal(q, job_id) == "success"
  assert q.QueryJobs([job_id], ["opresult", "oppriority"])[0] == \
    [[5], [-12]]
  assert [p for (_, p) in attempts] == [-10, -10, -11, -11, -12]
  assert all(t is not None for (t, _) in attempts)
  state = serializer.LoadJson(_ReadJobFile(env, job_id))
  assert state["ops"][0]["priority"] == -12
  assert state["ops"][0]["input"]["priority"] == -10


def test_lock_timeout_blocking_at_highest(env, h):
  attempts = []

  def behaviour(job_id, op, cbs, timeout, priority):
    attempts.append((timeout, priority))
    if timeout is not None:
      raise jqueue.LockAcquireTimeout()
    cbs.NotifyStart()
  h.proc.behaviour = behaviour
  q = h.Start(strategy_factory=lambda: jqueue.TimeoutStrategy(
    timeouts=[0.5]))
  job_id = q.SubmitJob([Op(priority=-10)])
  assert WaitFinal(q, job_id) == "success"
  # one attempt per priority from -10 to -19, then a blocking one at -20
  assert [p for (_, p) in attempts] == list(range(-10, -21, -1))
  assert [t is None for (t, _) in attempts] == [False] * 10 + [True]
  assert q.QueryJobs([job_id], ["oppriority"])[0] == [[-20]]


def test_lock_timeout_then_cancel(env, h):
  timed_out = Gate()
  release = Gate()

  def behaviour(job_id, op, cbs, timeout, priority):
    timed_out.Open()
    release.Wait()
    raise jqueue.LockAcquireTimeout()
  h.proc.behaviour = behaviour
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  timed_out.Wait()
  assert q.CancelJob(job_id)[0]
  release.Open()
  assert WaitFinal(q, job_id) == "canceled"


# WaitForJobChanges --------------------------------------------------------
def test_wait_for_changes(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start()
  job_id = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  assert q.WaitForJobChanges(99, ["status"], None, None, 0.1) is None
  t0 = time.monotonic()
  assert q.WaitForJobChanges(job_id, ["status"], ["waiting"], None,
                             0.3) == jqueue.JOB_NOTCHANGED
  assert time.monotonic() - t0 >= 0.29
  result = {}

  def waiter():
    t = time.monotonic()
    result["res"] = q.WaitForJobChanges(job_id, ["status"], ["waiting"],
                                        None, 10)
    result["woke"] = time.monotonic()
    result["took"] = result["woke"] - t
  thread = threading.Thread(target=waiter)
  thread.start()
  try:
    # let the waiter block, then change the job
    assert q.WaitForJobChanges(job_id, ["status"], ["waiting"], None,
                               0.2) == jqueue.JOB_NOTCHANGED
    changed_at = time.monotonic()
    gate.Open()
  finally:
    thread.join(15)
  assert not thread.is_alive()
  assert result["res"][0] != ["waiting"]
  assert result["woke"] - changed_at < 0.5
  assert WaitFinal(q, job_id) == "success"
  # finalized: returns at once
  t0 = time.monotonic()
  res = q.WaitForJobChanges(job_id, ["status"], ["success"], None, 10)
  assert res[0] == ["success"] and time.monotonic() - t0 < 1


def test_wait_for_log_entries(env, h):
  step = Gate()
  cont = Gate()

  def behaviour(job_id, op, cbs, timeout, priority):
    cbs.NotifyStart()
    cbs.Feedback("first")
    step.Open()
    cont.Wait()
    cbs.Feedback("remote-import", "second")
  h.proc.behaviour = behaviour
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  step.Wait()
  res = q.WaitForJobChanges(job_id, ["status"], ["running"], None, 5)
  assert [e[3] for e in res[1]] == ["first"]
  assert q.WaitForJobChanges(job_id, ["status"], ["running"], 1,
                             0.1) == jqueue.JOB_NOTCHANGED
  cont.Open()
  res = q.WaitForJobChanges(job_id, ["status"], ["running"], 1, 5)
  assert res[1][0][0] == 2 and res[1][0][2:] == ["remote-import", "second"]
  WaitFinal(q, job_id)


# Drain, size, archive -----------------------------------------------------
def test_drain_flag(env, h):
  q = h.Start()
  assert q.QueryDrainFlag() is False
  assert q.SetDrainFlag(True) is True
  assert os.path.exists(env.JOB_QUEUE_DRAIN_FILE)
  with pytest.raises(errors.JobQueueDrainError):
    q.SubmitJob([Op()])
  with pytest.raises(errors.JobQueueDrainError):
    q.SubmitManyJobs([[Op()]])
  job_id = q.SubmitJobToDrainedQueue([Op()])
  assert WaitFinal(q, job_id) == "success"
  q.SetDrainFlag(False)
  assert not os.path.exists(env.JOB_QUEUE_DRAIN_FILE)
  q.SubmitJob([Op()])
  assert [c[2] for c in h.rpc.Calls("drain")] == [True, False]


def test_queue_full(env, h):
  q = h.Start(size_limit=3)
  ids = [q.SubmitJob([Op()]) for _ in range(3)]
  with pytest.raises(errors.JobQueueFull):
    q.SubmitJob([Op()])
  for job_id in ids:
    WaitFinal(q, job_id)
  with pytest.raises(errors.JobQueueFull):
    q.SubmitManyJobs([[Op()]])
  assert q.ArchiveJob(ids[0])
  q.SubmitJob([Op()])


def test_archive(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start()
  done = q.SubmitJob([Op()])
  WaitFinal(q, done)
  pending = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  assert q.ArchiveJob(pending) is False
  assert q.ArchiveJob(4242) is False
  assert q.ArchiveJob(done) is True
  assert q.ArchiveJob(done) is False
  apath = "%s/0/job-%s" % (env.JOB_QUEUE_ARCHIVE_DIR, done)
  assert os.path.exists(apath)
  assert stat.S_IMODE(os.stat(os.path.dirname(apath)).st_mode) == 0o750
  assert not os.path.exists("%s/job-%s" % (env.QUEUE_DIR, done))
  assert q.QueryJobs([done], ["status", "archived"]) == [["success", True]]
  (jid, job) = q.GetJobsForQuery([done])[0]
  assert jid == done and job.archived and job.CalcStatus() == "success"
  res = q.WaitForJobChanges(done, ["status"], ["success"], None, 5)
  assert res[0] == ["success"]
  assert [j for (j, _) in q.GetJobsForQuery([])] == [pending]
  renames = h.rpc.Calls("rename")
  assert renames[0][2] == [[vcluster.MakeVirtualPath(
    "%s/job-%s" % (env.QUEUE_DIR, done)), vcluster.MakeVirtualPath(apath)]]
  gate.Open()
  WaitFinal(q, pending)


def test_archive_wakes_waiter(env, h):
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  WaitFinal(q, job_id)
  assert q.ArchiveJob(job_id)
  res = q.WaitForJobChanges(job_id, ["archived"], [False], None, 5)
  assert res[0] == [True]


def test_auto_archive(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start()
  ids = [q.SubmitJob([Op()]) for _ in range(23)]
  for job_id in ids:
    WaitFinal(q, job_id)
  pending = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  assert q.AutoArchiveJobs(3600, 10) == [0, 0]
  assert q.AutoArchiveJobs(-1, 10) == [23, 0]
  assert q.QueryJobs([], ["id"]) == [[pending]]
  assert sum(len(c[2]) for c in h.rpc.Calls("rename")) == 23
  assert len(h.rpc.Calls("rename")) == 3  # batches of 10
  gate.Open()
  WaitFinal(q, pending)
  assert q.AutoArchiveJobs(-1, -1)[1] == 0


def test_auto_archive_timeout(env, h):
  q = h.Start()
  ids = [q.SubmitJob([Op()]) for _ in range(5)]
  for job_id in ids:
    WaitFinal(q, job_id)
  (count, left) = q.AutoArchiveJobs(-1, -1)
  assert count == 0 and left == 4


# Replication ----------------------------------------------------------------
def test_replication(env, h):
  q = h.Start()
  job_id = q.SubmitJob([Op(log_messages=["a", "b", "c"])])
  WaitFinal(q, job_id)
  updates = h.rpc.Calls("update")
  assert all(c[1] == TARGETS for c in updates)
  serial = [c for c in updates if c[2] == env.JOB_QUEUE_SERIAL_FILE]
  assert [c[3] for c in serial] == [b"0\n", b"1\n"]  # created, then id 1
  jobfile = "%s/job-%s" % (env.QUEUE_DIR, job_id)
  job_updates = [c for c in updates if c[2] == jobfile]
  # submit, waiting, running, success; the three feedbacks stay local
  assert len(job_updates) == 4
  assert job_updates[-1][3] == _ReadJobFile(env, job_id)
  statuses = [serializer.LoadJson(c[3])["ops"][0]["status"]
              for c in job_updates]
  assert statuses == ["queued", "waiting", "running", "success"]
  # the serial file went out before the job file
  idx = [c[2] for c in updates]
  assert idx.index(env.JOB_QUEUE_SERIAL_FILE) < idx.index(jobfile)
  assert len(storage.EncodeContent(job_updates[-1][3])[1]) > 0


def test_replication_failures_only_logged(env, h, caplog):
  h.rpc.fail_nodes = {"node2", "node3"}
  q = h.Start()
  job_id = q.SubmitJob([Op()])
  assert WaitFinal(q, job_id) == "success"
  assert "More than half of the nodes failed" in caplog.text


def test_no_replication_without_targets(env, h):
  q = h.Start(get_replication_targets=lambda: {})
  WaitFinal(q, q.SubmitJob([Op()]))
  assert h.rpc.calls == []


# Recovery ---------------------------------------------------------------------
def _MakeJobFile(env, job_id, statuses, start=True):
  ops = []
  for (idx, status) in enumerate(statuses):
    op = opcodes.OpTestJqueue(priority=0)
    ops.append({
      "input": op.__getstate__(), "status": status,
      "result": ("done" if status == "success" else None),
      "log": ([[idx + 1, [1, 0], "message", "m%d" % idx]]
              if status != "queued" else []),
      "start_timestamp": None if status == "queued" else [10, 0],
      "exec_timestamp": ([11, 0] if status in ("running", "success")
                         else None),
      "end_timestamp": [12, 0] if status == "success" else None,
      "priority": 0})
  finalized = all(s in constants.OPS_FINALIZED for s in statuses)
  state = {"id": job_id, "ops": ops, "received_timestamp": [9, 0],
           "start_timestamp": [10, 0] if start else None,
           "end_timestamp": [13, 0] if finalized else None}
  with open("%s/job-%s" % (env.QUEUE_DIR, job_id), "wb") as fh:
    fh.write(serializer.DumpJson(state))


def test_recovery(env, h):
  q = h.Start()
  h.Stop(q)
  _MakeJobFile(env, 1, ["queued", "queued"], start=False)
  _MakeJobFile(env, 2, ["success", "waiting", "queued"])
  _MakeJobFile(env, 3, ["success", "running", "queued"])
  _MakeJobFile(env, 4, ["canceling", "canceling"])
  _MakeJobFile(env, 5, ["success", "success"])
  _MakeJobFile(env, 6, ["success", "error"])
  _MakeJobFile(env, 7, ["canceled"])
  with open("%s/job-8" % env.QUEUE_DIR, "w") as fh:
    fh.write("{not json")
  _MakeJobFile(env, 9, ["waiting"])
  with open(env.JOB_QUEUE_SERIAL_FILE, "w") as fh:
    fh.write("5\n")  # lagging serial: ids must still not be reused
  with open("%s/job-12.new" % env.QUEUE_DIR, "w") as fh:
    fh.write("temp file of an interrupted write")
  q = h.Start()
  for job_id in (1, 2, 9):
    assert WaitFinal(q, job_id) == "success"
  unclean = ["OpExecError", ["Unclean master daemon shutdown"]]
  assert q.QueryJobs([3], ["status", "opstatus", "opresult"])[0] == \
    ["error", ["success", "error", "error"], ["done", unclean, unclean]]
  assert q.QueryJobs([4], ["status", "opresult"])[0] == \
    ["error", [unclean, unclean]]
  assert q.QueryJobs([5, 6, 7], ["status"]) == \
    [["success"], ["error"], ["canceled"]]
  # job 2 kept its first result and log; its serial continues
  (opresult, oplog) = q.QueryJobs([2], ["opresult", "oplog"])[0]
  assert opresult == ["done", 2, 2]
  assert oplog[0][0][0] == 1
  for job_id in (3, 4):
    state = serializer.LoadJson(_ReadJobFile(env, job_id))
    assert state["end_timestamp"] is not None
  assert os.path.exists("%s/0/job-8" % env.JOB_QUEUE_ARCHIVE_DIR)
  assert q.QueryJobs([8], ["status"]) == [None]
  new = q.SubmitJob([Op()])
  assert new == 10
  assert WaitFinal(q, new) == "success"
  assert sorted(j for (j, _, _) in h.proc.executed) == [1, 1, 2, 2, 9, 10]


def test_recovery_log_serial_continues(env, h):
  q = h.Start()
  h.Stop(q)
  _MakeJobFile(env, 1, ["success", "waiting"])
  with open(env.JOB_QUEUE_SERIAL_FILE, "w") as fh:
    fh.write("1\n")

  def behaviour(job_id, op, cbs, timeout, priority):
    cbs.NotifyStart()
    cbs.Feedback("after restart")
  h.proc.behaviour = behaviour
  q = h.Start()
  assert WaitFinal(q, 1) == "success"
  log = q.QueryJobs([1], ["oplog"])[0][0]
  assert [e[0] for e in log[1]] == [2, 3]  # stored serials were 1 and 2


def test_shutdown_leaves_queued_jobs(env, h):
  (started, gate) = _Blocker(h)
  q = h.Start(num_workers=1)
  blocker = q.SubmitJob([Op(notify_waitlock=True)])
  started.Wait()
  later = q.SubmitJob([Op()])
  assert q.PrepareShutdown() is False
  with pytest.raises(errors.JobQueueError):
    q.SubmitJob([Op()])
  gate.Open()
  h.Stop(q)
  states = serializer.LoadJson(_ReadJobFile(env, later))
  assert states["ops"][0]["status"] == "queued"
  assert serializer.LoadJson(_ReadJobFile(env, blocker))["end_timestamp"]
  q = h.Start()
  assert WaitFinal(q, later) == "success"


# Load -------------------------------------------------------------------------
def test_parallel_submissions(env, h):
  q = h.Start(num_workers=25)
  ids = []
  lock = threading.Lock()

  def submit():
    job_id = q.SubmitJob([Op(), Op(log_messages=["x"])])
    with lock:
      ids.append(job_id)
  threads = [threading.Thread(target=submit) for _ in range(50)]
  for thread in threads:
    thread.start()
  for thread in threads:
    thread.join(30)
  assert sorted(ids) == list(range(1, 51))
  for job_id in ids:
    assert WaitFinal(q, job_id) == "success"
  assert open(env.JOB_QUEUE_SERIAL_FILE).read() == "50\n"


def test_throughput(env, h):
  """Trivial jobs with durable states and 1 ms replication to 2 nodes."""
  h.rpc.delay = 0.001
  q = h.Start(num_workers=25)
  n = 200
  t0 = time.monotonic()
  ids = q.SubmitManyJobs([[Op()] for _ in range(n)])
  for (ok, job_id) in ids:
    assert ok
  for (_, job_id) in ids:
    assert WaitFinal(q, job_id, timeout=60) == "success"
  rate = n / (time.monotonic() - t0)
  print("job queue throughput: %.0f jobs/s" % rate)
  assert rate >= 100


def test_add_node(env, h):
  q = h.Start()
  ids = [q.SubmitJob([Op()]) for _ in range(3)]
  for job_id in ids:
    WaitFinal(q, job_id)
  q.SetDrainFlag(True)
  q.ArchiveJob(ids[0])
  h.rpc.calls = []
  h.rpc.call_jobqueue_purge = lambda targets: h.rpc._Call("purge", targets)
  q.AddNode("node4", "192.0.2.4")
  names = [c[0] for c in h.rpc.calls]
  assert names == ["purge", "update", "update", "update", "drain"]
  assert all(c[1] == {"node4": "192.0.2.4"} for c in h.rpc.calls)
  assert h.rpc.calls[1][2:] == (env.JOB_QUEUE_SERIAL_FILE, b"3\n")
  assert h.rpc.calls[2][2:] == ("%s/job-%s" % (env.QUEUE_DIR, ids[1]),
                                _ReadJobFile(env, ids[1]))
  assert h.rpc.calls[-1][2] is True
