"""Unit tests of the pure parts of the job queue."""

import zlib

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import serializer
from ganeti.jqueue import execution
from ganeti.jqueue import job as jjob
from ganeti.jqueue import storage
from ganeti.jqueue import workers

Q, W, CG, R, CD, S, E = (
  constants.OP_STATUS_QUEUED, constants.OP_STATUS_WAITING,
  constants.OP_STATUS_CANCELING, constants.OP_STATUS_RUNNING,
  constants.OP_STATUS_CANCELED, constants.OP_STATUS_SUCCESS,
  constants.OP_STATUS_ERROR)


@pytest.mark.parametrize("ops, expected", [
  ([S], S), ([S, S, S], S),
  ([Q], Q), ([Q, Q], Q), ([S, Q], Q),
  ([W], W), ([S, W, Q], W), ([W, R], R), ([R, Q], R), ([S, R], R),
  ([CG, Q], CG), ([W, CG], CG), ([S, CG, CG], CG),
  ([E, E], E), ([S, E, E], E), ([R, E], E), ([E, S], E),
  ([CD, CD], CD), ([S, CD], CD), ([CD, E], CD), ([E, CD], E),
  ([Q, S], Q),
])
def test_status_table(ops, expected):
  assert jjob.CalcJobStatus(ops) == expected


def _Job(n=2, job_id=7):
  return jjob.QueuedJob(job_id, [opcodes.OpTestJqueue(priority=0)
                                 for _ in range(n)])


def test_job_file_layout_and_round_trip():
  job = _Job()
  op = job.ops[0]
  op.status = S
  op.result = {"a": 1}
  op.start_timestamp = (1, 2)
  op.exec_timestamp = (3, 4)
  op.end_timestamp = (5, 6)
  job.AddLogEntry(op, constants.ELOG_MESSAGE, "hi")
  job.start_timestamp = (1, 2)
  data = job.Dump()
  assert data.endswith(b"\n")
  assert b'{"id": 7, "ops": [{"input": ' in data
  state = serializer.LoadJson(data)
  assert list(state) == ["id", "ops", "received_timestamp",
                         "start_timestamp", "end_timestamp"]
  assert list(state["ops"][0]) == ["input", "status", "result", "log",
                                   "start_timestamp", "exec_timestamp",
                                   "end_timestamp", "priority"]
  assert state["ops"][0]["input"]["OP_ID"] == "OP_TEST_JQUEUE"
  assert state["ops"][0]["log"][0][0] == 1
  assert state["ops"][0]["log"][0][2:] == ["message", "hi"]
  assert state["ops"][1]["start_timestamp"] is None
  assert state["end_timestamp"] is None
  job2 = jjob.QueuedJob.Load(data)
  assert job2.Dump() == data
  assert job2.log_serial == 1
  assert job2.CalcStatus() == Q


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'{"id": 1}',
                                  b'{"id": 1, "ops": []}'])
def test_corrupt_job(data):
  with pytest.raises(errors.JobFileCorrupted):
    jjob.QueuedJob.Load(data)


def test_log_entries_and_priority():
  job = _Job(3)
  job.AddLogEntry(job.ops[0], "message", "a")
  job.AddLogEntry(job.ops[1], "message", "b")
  assert [e[0] for e in job.GetLogEntries(None)] == [1, 2]
  assert [e[3] for e in job.GetLogEntries(1)] == ["b"]
  job.ops[0].priority = -10
  job.ops[2].priority = 10
  assert job.CalcPriority() == -10
  job.ops[0].status = S
  assert job.CalcPriority() == 0
  for op in job.ops:
    op.status = S
  assert job.CalcPriority() == constants.OP_PRIO_DEFAULT


def test_cancel_and_priority_object():
  job = _Job()
  assert job.Cancel() == (True, "Job 7 canceled")
  assert [o.status for o in job.ops] == [CD, CD]
  assert job.ops[1].result == "Job canceled by request"
  assert job.end_timestamp is not None
  assert job.ChangePriority(10) == (False, "Job 7 is finished")
  job = _Job()
  job.ops[0].status = W
  assert job.Cancel()[0]
  assert job.CalcStatus() == CG
  assert job.ChangePriority(10)[0] is False
  job = _Job()
  job.ops[0].status = R
  assert job.Cancel() == (False,
                          "Job 7 is no longer waiting in the queue")
  ok, _ = job.ChangePriority(10)
  assert ok and [o.priority for o in job.ops] == [0, 10]


def test_get_info_fields():
  job = _Job(1)
  row = job.GetInfo(sorted(jjob.JOB_FIELDS))
  info = dict(zip(sorted(jjob.JOB_FIELDS), row))
  assert info["id"] == 7 and info["status"] == Q
  assert info["summary"] == ["TEST_JQUEUE"]
  assert info["archived"] is False
  with pytest.raises(errors.OpPrereqError):
    job.GetInfo(["nosuchfield"])


def test_encode_op_error():
  assert jjob.EncodeOpError(errors.OpPrereqError("x", "wrong_input")) == \
    ["OpPrereqError", ["x", "wrong_input"]]
  assert jjob.EncodeOpError(KeyError("k")) == ["OpExecError", ["'k'"]]


@pytest.mark.parametrize("size", [0, 10, 511, 512, 5000])
def test_content_encoding(size):
  data = (b"abcdefghij" * 600)[:size]
  enc = storage.EncodeContent(data)
  assert enc[0] == (0 if size < 512 else 1)
  assert storage.DecodeContent(enc) == data
  if size >= 512:
    import base64
    assert zlib.decompress(base64.b64decode(enc[1])) == data


def test_lock_timeouts():
  sched = execution.CalcLockTimeouts()
  assert sched[0] == 1.0
  assert all(1.0 <= t <= 15.0 for t in sched)
  assert sum(sched) >= 1800 and sum(sched[:-1]) < 1800
  assert sched[1] == pytest.approx((1.0 * 1.05) ** 1.25)
  strat = execution.TimeoutStrategy(rand_fn=lambda: 1.0)
  assert strat.NextAttempt() == pytest.approx(1.05)
  strat = execution.TimeoutStrategy(rand_fn=lambda: 0.0)
  assert strat.NextAttempt() == pytest.approx(0.95)
  strat = execution.TimeoutStrategy(timeouts=[1.0, 2.0])
  assert strat.NextAttempt() and strat.NextAttempt()
  assert strat.NextAttempt() is None


def test_priority_increase():
  op = jjob.QueuedOpCode(opcodes.OpTestJqueue(priority=-19))
  ctx = execution.OpExecContext(
    op, 0, lambda: execution.TimeoutStrategy(timeouts=[0.5]))
  assert ctx.GetNextLockTimeout() is not None
  assert ctx.CheckPriorityIncrease()
  assert op.priority == -20
  # At the highest priority the acquire blocks
  assert ctx.GetNextLockTimeout() is None
  assert not ctx.CheckPriorityIncrease()


def test_pool_order():
  import threading
  order = []
  gate = threading.Event()
  started = threading.Event()

  def run(job_id):
    if job_id == 0:
      started.set()
      assert gate.wait(10)
    order.append(job_id)
    return None

  pool = workers.JobWorkerPool(1, run)
  pool.Start()
  pool.AddJob(0, 0)
  assert started.wait(10)
  for (jid, prio) in [(1, 10), (2, 0), (3, -10), (4, 0), (5, 10), (6, 0)]:
    pool.AddJob(jid, prio)
  pool.ChangePriority(6, -10)
  gate.set()
  assert pool.WaitIdle(10)
  assert pool.Terminate(10)
  assert order == [0, 3, 6, 2, 4, 1, 5]


def test_pool_requeue_and_readd():
  import threading
  runs = []
  lock = threading.Lock()

  def run(job_id):
    with lock:
      runs.append(job_id)
      n = len(runs)
    return 0 if n < 3 else None

  pool = workers.JobWorkerPool(2, run)
  pool.Start()
  pool.AddJob(1, 0)
  deadline_ok = pool.WaitIdle(10)
  assert deadline_ok
  pool.Terminate(10)
  assert runs == [1, 1, 1]
