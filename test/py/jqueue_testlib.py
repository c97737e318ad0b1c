"""Fakes for the job queue tests: processor, RPC, queue environment."""

import threading
import time

from ganeti import constants
from ganeti import jqueue
from ganeti import opcodes


class FakeResult:
  def __init__(self, fail_msg=None):
    self.fail_msg = fail_msg


class FakeRpc:
  """Records the queue RPC calls; each call takes ``delay`` seconds."""

  def __init__(self, delay=0.0, fail_nodes=()):
    self.delay = delay
    self.fail_nodes = set(fail_nodes)
    self.lock = threading.Lock()
    self.calls = []

  def _Call(self, name, targets, *args):
    if self.delay:
      time.sleep(self.delay)  # simulated network latency
    with self.lock:
      self.calls.append((name, dict(targets)) + args)
    return dict((node, FakeResult("down" if node in self.fail_nodes
                                  else None)) for node in targets)

  def call_jobqueue_update(self, targets, file_name, content):
    return self._Call("update", targets, file_name, content)

  def call_jobqueue_rename(self, targets, rename):
    return self._Call("rename", targets, rename)

  def call_jobqueue_set_drain_flag(self, targets, flag):
    return self._Call("drain", targets, flag)

  def Calls(self, name):
    with self.lock:
      return [c for c in self.calls if c[0] == name]


class FakeProcessor:
  """Runs opcodes through a per-test behaviour function.

  ``behaviour(job_id, op, cbs, timeout, priority)`` returns the result; by
  default the opcode is started, its ``log_messages`` (OpTestJqueue) are
  fed back, and it fails if ``fail`` is set.
  """

  def __init__(self, behaviour=None):
    self.behaviour = behaviour or self.Default
    self.lock = threading.Lock()
    self.executed = []

  @staticmethod
  def Default(job_id, op, cbs, timeout, priority):
    cbs.NotifyStart()
    for msg in getattr(op, "log_messages", None) or []:
      cbs.Feedback(msg)
    if getattr(op, "fail", False):
      raise RuntimeError("failing as requested")
    return job_id

  def Factory(self, job_id):
    return _BoundProcessor(self, job_id)


class _BoundProcessor:
  def __init__(self, owner, job_id):
    self._owner = owner
    self._job_id = job_id

  def ExecOpCode(self, op, cbs, timeout=None, priority=None):
    with self._owner.lock:
      self._owner.executed.append((self._job_id, op.OP_ID, priority))
    return self._owner.behaviour(self._job_id, op, cbs, timeout, priority)


def Op(**kwargs):
  return opcodes.OpTestJqueue(**kwargs)


def WaitFinal(queue, job_id, timeout=10.0):
  """Follow a job like cli.GenericPollJob until it is finalized."""
  deadline = time.monotonic() + timeout
  prev_info = None
  prev_serial = None
  while True:
    remaining = deadline - time.monotonic()
    assert remaining > 0, "job %s not finalized in time" % job_id
    res = queue.WaitForJobChanges(job_id, ["status"], prev_info,
                                  prev_serial, min(remaining, 5.0))
    assert res is not None, "job %s lost" % job_id
    if res == jqueue.JOB_NOTCHANGED:
      continue
    (prev_info, log) = res
    if log:
      prev_serial = log[-1][0]
    if prev_info[0] in constants.JOBS_FINALIZED:
      return prev_info[0]


def WaitStatus(queue, job_id, statuses, timeout=10.0):
  """Wait (change-driven) until the job's status is one of ``statuses``."""
  deadline = time.monotonic() + timeout
  prev = None
  while True:
    (status, ) = queue.QueryJobs([job_id], ["status"])[0]
    if status in statuses:
      return status
    remaining = deadline - time.monotonic()
    assert remaining > 0, "job %s stuck in %s" % (job_id, status)
    res = queue.WaitForJobChanges(job_id, ["status"], prev, None,
                                  min(remaining, 5.0))
    if res != jqueue.JOB_NOTCHANGED:
      prev = res[0]


class Gate:
  """An event with a deadline-checked wait."""

  def __init__(self):
    self._event = threading.Event()

  def Open(self):
    self._event.set()

  def Wait(self, timeout=10.0):
    assert self._event.wait(timeout), "gate not opened in time"
