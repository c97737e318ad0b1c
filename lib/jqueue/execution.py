"""Running one step of a job: dependencies, lock timeouts, callbacks.

The processor interface (implemented by ``mcpu.Processor``)::

  processor = processor_factory(job_id)
  result = processor.ExecOpCode(op, cbs, timeout=timeout, priority=prio)

``timeout`` is the lock acquisition timeout in seconds (None: block);
if the locks can't be acquired in time the processor raises
:class:`LockAcquireTimeout` (and holds no lock).  ``cbs`` is an
:class:`OpExecCallbacks`; :meth:`OpExecCallbacks.NotifyStart` must be
called once all locks are held, right before the LU executes, and
:class:`CancelJob` raised by it (or by ``CheckCancel``) must be
propagated after releasing the locks.
"""

import logging
import random
import threading

from ganeti import constants
from ganeti import errors
from ganeti import serializer
from ganeti.jqueue import job as jjob

#: Result of the opcodes after the one that failed
PRECEDING_FAILED = "Preceding opcode failed"


class LockAcquireTimeout(Exception):
  """Raised by the processor when locks were not acquired in time."""


class CancelJob(Exception):
  """Raised by the callbacks when the job is being canceled."""


# Lock attempt timeouts ------------------------------------------------------
_TIMEOUT_MIN = 1.0
_TIMEOUT_MAX = 15.0
_TIMEOUT_JITTER = 0.05
#: Total time of one schedule: 10 h spread over the priority steps
_SCHEDULE_TOTAL = (10.0 * 3600 /
                   (constants.OP_PRIO_DEFAULT - constants.OP_PRIO_HIGHEST))


def CalcLockTimeouts():
  """The schedule: 1 s, then ``(prev * 1.05) ** 1.25`` in [1, 15] s."""
  result = [_TIMEOUT_MIN]
  total = _TIMEOUT_MIN
  while total < _SCHEDULE_TOTAL:
    nxt = (result[-1] * 1.05) ** 1.25
    nxt = min(max(nxt, _TIMEOUT_MIN), _TIMEOUT_MAX)
    result.append(nxt)
    total += nxt
  return result


_LOCK_TIMEOUTS = CalcLockTimeouts()


class TimeoutStrategy:
  """Successive lock attempt timeouts, with ±5 % jitter.

  :meth:`NextAttempt` returns None once the schedule is used up.
  """

  def __init__(self, timeouts=None, rand_fn=random.random):
    self._timeouts = list(_LOCK_TIMEOUTS if timeouts is None else timeouts)
    self._pos = 0
    self._rand = rand_fn

  def Peek(self):
    """The next base timeout (without jitter) or None."""
    if self._pos >= len(self._timeouts):
      return None
    return self._timeouts[self._pos]

  def NextAttempt(self):
    timeout = self.Peek()
    if timeout is None:
      return None
    self._pos += 1
    return timeout * (1.0 + _TIMEOUT_JITTER * (2 * self._rand() - 1))


class OpExecContext:
  """Per-opcode execution state kept across re-queues (memory only)."""

  def __init__(self, op, index, strategy_factory):
    self.op = op
    self.index = index
    self._factory = strategy_factory
    self._Reset()

  def _Reset(self):
    if self.op.priority <= constants.OP_PRIO_HIGHEST:
      self._strategy = None
    else:
      self._strategy = self._factory()

  def GetNextLockTimeout(self):
    """Timeout for the next attempt; None means a blocking acquire."""
    if self._strategy is None:
      return None
    return self._strategy.NextAttempt()

  def CheckPriorityIncrease(self):
    """After a timeout: when the schedule is used up, make the opcode one
    step more urgent and start a new schedule.  True if changed.
    """
    if (self._strategy is not None and self._strategy.Peek() is None and
        self.op.priority > constants.OP_PRIO_HIGHEST):
      self.op.priority -= 1
      self._Reset()
      return True
    return False


# Dependencies ---------------------------------------------------------------
class DependencyManager:
  """Parks jobs waiting for other jobs and re-queues them.

  ``get_status(job_id)`` returns the job status or None for an unknown
  job; ``enqueue(job_id)`` puts a job back into the pool.  A finalizing
  worker calls :meth:`NotifyFinalized` after the final state is on disk.
  """

  (CONTINUE, WAIT, CANCEL, ERROR) = range(4)

  def __init__(self, get_status, enqueue):
    self._get_status = get_status
    self._enqueue = enqueue
    self._lock = threading.Lock()
    self._waiters = {}

  def CheckAndPark(self, job_id, deps):
    """Check ``deps`` of one opcode of job ``job_id``.

    Returns ``(result, message)``; on WAIT the job has been registered and
    is re-queued when the dependency is finalized.
    """
    for (dep_id, statuses) in deps or []:
      if dep_id == job_id:
        return (self.ERROR, "Job %s can't depend on itself" % job_id)
      with self._lock:
        status = self._get_status(dep_id)
        if status is None:
          return (self.ERROR, "Dependency job %s not found" % dep_id)
        if status not in constants.JOBS_FINALIZED:
          self._waiters.setdefault(dep_id, set()).add(job_id)
          return (self.WAIT, "Need to wait for job %s, wanted status"
                  " '%s'" % (dep_id, statuses))
      if statuses and status not in statuses:
        if status == constants.JOB_STATUS_CANCELED:
          return (self.CANCEL, "Dependency job %s was canceled" % dep_id)
        return (self.ERROR, "Dependency job %s has status '%s', not one of"
                " '%s' as required" % (dep_id, status, ", ".join(statuses)))
    return (self.CONTINUE, None)

  def NotifyFinalized(self, job_id):
    with self._lock:
      waiters = self._waiters.pop(job_id, ())
    for waiter in sorted(waiters):
      self._enqueue(waiter)

  def GetWaiting(self):
    """``{dep_job_id: [waiting job ids]}`` (for lock queries)."""
    with self._lock:
      return dict((k, sorted(v)) for (k, v) in self._waiters.items())


# Callbacks ------------------------------------------------------------------
class OpExecCallbacks:
  """What the processor may call back while running one opcode."""

  def __init__(self, queue, job, op):
    self._queue = queue
    self._job = job
    self._op = op

  def _CheckCancelLocked(self):
    if self._op.status == constants.OP_STATUS_CANCELING:
      raise CancelJob()

  def NotifyStart(self):
    """The opcode starts executing: status running, exec_timestamp set.

    Raises CancelJob if the job is being canceled.
    """
    with self._job.lock:
      assert self._op.status in (constants.OP_STATUS_WAITING,
                                 constants.OP_STATUS_CANCELING)
      self._CheckCancelLocked()
      self._op.status = constants.OP_STATUS_RUNNING
      self._op.exec_timestamp = jjob.Now()
      self._queue.WriteJob(self._job)

  def Feedback(self, *args):
    """Append a log entry: ``(msg)`` or ``(type, msg)``; not replicated."""
    if len(args) == 1:
      (log_type, msg) = (constants.ELOG_MESSAGE, args[0])
    else:
      (log_type, msg) = args
    with self._job.lock:
      self._job.AddLogEntry(self._op, log_type, msg)
      self._queue.WriteJob(self._job, replicate=False)

  def CurrentPriority(self):
    return self._op.priority

  def CheckCancel(self):
    """Raise CancelJob if the job is being canceled."""
    with self._job.lock:
      self._CheckCancelLocked()

  def SubmitManyJobs(self, jobs):
    """Submit follow-up jobs; returns ``[[success, id_or_error], ...]``."""
    return self._queue.SubmitManyJobs(jobs)


class JobStep:
  """Processes the next opcode of one job (called by a pool worker).

  Returns None when the job needs nothing more from the pool (finalized,
  or parked on a dependency) or the priority to re-queue it at.
  """

  def __init__(self, queue, job, processor_factory, strategy_factory):
    self._queue = queue
    self._job = job
    self._proc_factory = processor_factory
    self._strategy_factory = strategy_factory

  def _FinishLocked(self, job):
    job.Finalize()
    self._queue.WriteJob(job)

  def _CancelLocked(self, job):
    job.MarkUnfinishedOps(constants.OP_STATUS_CANCELED, jjob.CANCEL_RESULT)
    self._FinishLocked(job)

  def _FailLocked(self, job, op, err):
    op.status = constants.OP_STATUS_ERROR
    op.result = jjob.EncodeOpError(err)
    op.end_timestamp = jjob.Now()
    job.MarkUnfinishedOps(constants.OP_STATUS_ERROR, jjob.EncodeOpError(
      errors.OpExecError(PRECEDING_FAILED)))
    self._FinishLocked(job)

  def _Prepare(self):
    """Select the opcode and mark it waiting; None if nothing to run."""
    job = self._job
    with job.lock:
      if job.IsFinalized():
        return None
      (idx, op) = next((i, o) for (i, o) in enumerate(job.ops)
                       if o.status not in constants.OPS_FINALIZED)
      if op.status == constants.OP_STATUS_CANCELING:
        self._CancelLocked(job)
        return None
      if op.status == constants.OP_STATUS_RUNNING:
        logging.error("Job %s: opcode %s already running", job.id, idx)
        return None
      if op.status == constants.OP_STATUS_QUEUED:
        op.status = constants.OP_STATUS_WAITING
        op.start_timestamp = jjob.Now()
        if job.start_timestamp is None:
          job.start_timestamp = op.start_timestamp
        self._queue.WriteJob(job)
      if job.opctx is None or job.opctx.op is not op:
        job.opctx = OpExecContext(op, idx, self._strategy_factory)
      return job.opctx

  def __call__(self):
    job = self._job
    opctx = self._Prepare()
    if opctx is None:
      return self._Done()
    op = opctx.op
    (depres, depmsg) = self._queue.depmgr.CheckAndPark(
      job.id, getattr(op.input, "depends", None))
    if depres == DependencyManager.WAIT:
      logging.debug("Job %s: %s", job.id, depmsg)
      return None
    if depres != DependencyManager.CONTINUE:
      with job.lock:
        if depres == DependencyManager.CANCEL:
          self._CancelLocked(job)
        else:
          self._FailLocked(job, op, errors.OpExecError(depmsg))
      return self._Done()
    timeout = opctx.GetNextLockTimeout()
    cbs = OpExecCallbacks(self._queue, job, op)
    try:
      proc = self._proc_factory(job.id)
      result = proc.ExecOpCode(op.input, cbs, timeout=timeout,
                               priority=op.priority)
      # What the job file will hold (also rejects unserializable results)
      result = serializer.LoadJson(serializer.DumpJson(result))
    except LockAcquireTimeout:
      with job.lock:
        if op.status == constants.OP_STATUS_CANCELING:
          self._CancelLocked(job)
        else:
          if opctx.CheckPriorityIncrease():
            self._queue.WriteJob(job)
          return job.CalcPriority()
    except CancelJob:
      with job.lock:
        self._CancelLocked(job)
    except Exception as err:  # every failure ends up in the job
      logging.debug("Job %s opcode %s failed: %s", job.id, opctx.index, err)
      with job.lock:
        self._FailLocked(job, op, err)
    else:
      with job.lock:
        op.status = constants.OP_STATUS_SUCCESS
        op.result = result
        op.end_timestamp = jjob.Now()
        job.opctx = None
        if opctx.index == len(job.ops) - 1:
          self._FinishLocked(job)
        else:
          self._queue.WriteJob(job)
          return job.CalcPriority()
    return self._Done()

  def _Done(self):
    with self._job.lock:
      finalized = self._job.IsFinalized()
    if finalized:
      self._queue.JobFinalized(self._job)
    return None
