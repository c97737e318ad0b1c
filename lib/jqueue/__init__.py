"""The job queue of the master daemon.

Jobs are lists of opcodes, stored one JSON file per job in the queue
directory (see :mod:`ganeti.jqueue.storage` for the layout and
:mod:`ganeti.jqueue.job` for the format) and run by a pool of worker
threads (:mod:`ganeti.jqueue.workers`) through a processor
(:mod:`ganeti.jqueue.execution` documents the processor protocol).

Construction::

  JobQueue(processor_factory, rpc=None, get_replication_targets=None,
           num_workers=25, size_limit=5000, strategy_factory=None,
           async_replication=False)

* ``processor_factory(job_id)`` returns an object with
  ``ExecOpCode(op, cbs, timeout=None, priority=None)`` (``mcpu.Processor``);
* ``rpc`` provides ``call_jobqueue_update``, ``call_jobqueue_rename`` and
  ``call_jobqueue_set_drain_flag`` and ``get_replication_targets()``
  returns ``{node_name: ip}`` of the master candidates except the master
  (see :mod:`ganeti.jqueue.storage`); without them nothing is replicated.
  With ``async_replication`` (the master daemon) changes are sent by
  background senders (:class:`storage.AsyncReplicator`), the whole queue
  is pushed again at start-up (changes pending when a previous master
  died were lost) and :meth:`JobQueue.Shutdown` sends what is pending.

Locking: ``self._lock`` guards the table of jobs and the submission state;
each job's own ``lock`` guards the job and its file (a job's state is on
disk before that lock is released, so whatever is read under it has been
persisted).  Order: dependency-manager lock, then queue lock, then job
lock, then the worker pool's lock (a leaf); nobody takes the queue lock
while holding a job lock.  Network calls
(replication) happen under a job lock or the serial lock, never under the
queue lock except when archiving or setting the drain flag.
"""

import logging
import threading
import time

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import pathutils
from ganeti import serializer
from ganeti import utils
from ganeti.jqueue import execution
from ganeti.jqueue import filters as jfilters
from ganeti.jqueue import job as jjob
from ganeti.jqueue import storage
from ganeti.jqueue import waiter
from ganeti.jqueue import workers

LockAcquireTimeout = execution.LockAcquireTimeout
CancelJob = execution.CancelJob
TimeoutStrategy = execution.TimeoutStrategy
CalcJobStatus = jjob.CalcJobStatus
QueuedJob = jjob.QueuedJob
QueuedOpCode = jjob.QueuedOpCode
EncodeContent = storage.EncodeContent
DecodeContent = storage.DecodeContent

#: WaitForJobChanges result when nothing changed before the timeout
JOB_NOTCHANGED = "nochange"

#: Result of opcodes found running/canceling at start-up
UNCLEAN_SHUTDOWN = "Unclean master daemon shutdown"

#: Jobs archived per batch by AutoArchiveJobs
_ARCHIVE_BATCH = 10


class JobQueue:
  """The master's job queue; see the module docstring."""

  def __init__(self, processor_factory, rpc=None,
               get_replication_targets=None,
               num_workers=constants.JOBQUEUE_THREADS,
               size_limit=constants.JOB_QUEUE_SIZE_HARD_LIMIT,
               strategy_factory=execution.TimeoutStrategy,
               async_replication=False, filter_source=None):
    """Lock and load the queue, recover unfinished jobs, start workers.

    Raises JobQueueError if the queue is locked by another process or has
    an unknown version.
    """
    self._proc_factory = processor_factory
    self._strategy_factory = strategy_factory
    self._size_limit = size_limit
    self._lock = threading.Lock()
    self._serial_lock = threading.Lock()
    self._jobs = {}
    self._reserved = 0
    self._accepting = True
    replicator_cls = (storage.AsyncReplicator if async_replication
                      else storage.Replicator)
    self._async_replication = async_replication
    self._storage = storage.QueueStorage(
      replicator_cls(rpc, get_replication_targets))
    self.depmgr = execution.DependencyManager(self._GetJobStatus,
                                              self._EnqueueJob)
    self._pool = workers.JobWorkerPool(num_workers, self._RunJob)
    self._filter_lock = threading.Lock()
    self._filter_gate = jfilters.FilterGate(filter_source)
    self._watcher = waiter.QueueDirWatcher(
      lambda: pathutils.Get().QUEUE_DIR)
    self._storage.Open()
    try:
      self._last_serial = self._storage.ReadSerial()
      restart = self._InspectQueue()
    except BaseException:
      self._storage.StopReplication(0)
      self._storage.Close()
      raise
    if async_replication:
      self._storage.ResyncReplicas(self._QueueFiles(), self.QueryDrainFlag())
    self._pool.Start()
    for job in restart:
      self._EnqueueJob(job.id)

  # Start-up ---------------------------------------------------------------
  def _InspectQueue(self):
    """Load every job file and apply the restart rules; returns the jobs
    to re-queue, in id order."""
    restart = []
    for job_id in self._storage.ListJobIds():
      self._last_serial = max(self._last_serial, job_id)
      (data, archived) = self._storage.ReadJobFile(job_id)
      if data is None or archived:
        continue
      try:
        job = jjob.QueuedJob.Load(data)
        if job.id != job_id:
          raise errors.JobFileCorrupted("Job file job-%s holds job %s" %
                                        (job_id, job.id))
      except errors.JobFileCorrupted as err:
        logging.error("Job file of job %s is corrupt (%s), archiving it",
                      job_id, err)
        self._storage.MoveCorruptToArchive(job_id)
        continue
      status = job.CalcStatus()
      if status == constants.JOB_STATUS_WAITING:
        job.MarkUnfinishedOps(constants.OP_STATUS_QUEUED, None)
        self.WriteJob(job)
      elif status in (constants.JOB_STATUS_RUNNING,
                      constants.JOB_STATUS_CANCELING):
        logging.warning("Unfinished job %s found, marking it failed", job_id)
        job.MarkUnfinishedOps(constants.OP_STATUS_ERROR, jjob.EncodeOpError(
          errors.OpExecError(UNCLEAN_SHUTDOWN)))
        job.Finalize()
        self.WriteJob(job)
      elif status in constants.JOBS_FINALIZED and job.end_timestamp is None:
        job.Finalize()
        self.WriteJob(job)
      if not job.IsFinalized():
        restart.append(job)
      self._jobs[job.id] = job
    return restart

  # Internal helpers used by execution -----------------------------------
  def WriteJob(self, job, replicate=True):
    """Write (and by default replicate) a job file; hold ``job.lock``."""
    assert job.writable
    self._storage.WriteJob(job.id, job.Dump(), replicate=replicate)

  def JobFinalized(self, job):
    """Called once a job's final state is on disk: wake its dependents."""
    self.depmgr.NotifyFinalized(job.id)
    with self._filter_lock:
      held = self._filter_gate.JobEnded(job.id)
    for job_id in held:
      self._EnqueueJob(job_id)

  # Job filter rules (gnt-filter) -------------------------------------------
  def SetFilterSource(self, get_rules):
    """Set the callable returning the job filter rules (L{objects.Filter})."""
    self._filter_gate = jfilters.FilterGate(get_rules)

  def FiltersChanged(self):
    """Re-examine the jobs held by the filter rules (after a change)."""
    with self._filter_lock:
      held = self._filter_gate.TakeHeld()
    for job_id in held:
      self._EnqueueJob(job_id)

  def GetLastJobId(self):
    """The highest job id used so far (the watermark of new rules)."""
    with self._serial_lock:
      return self._last_serial

  def _FilterJob(self, job):
    """Apply the filter rules to a job about to start; False to not run it
    now (held by PAUSE or RATE_LIMIT, or canceled by REJECT)."""
    with job.lock:
      if job.CalcStatus() != constants.JOB_STATUS_QUEUED:
        return True
    try:
      with self._filter_lock:
        action = self._filter_gate.Check(job)
    except Exception:  # pylint: disable=W0703
      # a broken rule must not lose jobs: run them as without rules
      logging.exception("Error applying the filter rules to job %s", job.id)
      return True
    if action == jfilters.ACTION_REJECT:
      logging.info("Job %s rejected by a filter rule", job.id)
      self.CancelJob(job.id)
      return False
    return action != jfilters.ACTION_PAUSE

  def _GetActiveJob(self, job_id):
    with self._lock:
      return self._jobs.get(job_id)

  def _GetJobStatus(self, job_id):
    job = self._GetActiveJob(job_id)
    if job is not None:
      with job.lock:
        return job.CalcStatus()
    job = self._LoadJobFromDisk(job_id)
    return None if job is None else job.CalcStatus()

  def _EnqueueJob(self, job_id):
    job = self._GetActiveJob(job_id)
    if job is None:
      return
    with job.lock:
      prio = job.CalcPriority()
    self._pool.AddJob(job_id, prio)

  def _RunJob(self, job_id):
    """Worker entry point: process one opcode of ``job_id``."""
    job = self._GetActiveJob(job_id)
    if job is None:
      return None
    if not self._FilterJob(job):
      return None
    return execution.JobStep(self, job, self._proc_factory,
                             self._strategy_factory)()

  @staticmethod
  def _LoadJobFromDisk(job_id):
    """A read-only job from the queue or archive dir, or None."""
    (data, archived) = storage.QueueStorage.ReadJobFile(job_id)
    if data is None:
      return None
    try:
      return jjob.QueuedJob.Load(data, writable=False, archived=archived)
    except errors.JobFileCorrupted as err:
      logging.error("Can't load job %s: %s", job_id, err)
      return None

  # Submission -------------------------------------------------------------
  @staticmethod
  def _PrepareOps(ops, allow_relative):
    """Turn opcodes or dicts into private, validated opcode objects."""
    if not isinstance(ops, (list, tuple)) or not ops:
      raise errors.OpPrereqError("A job needs at least one opcode",
                                 errors.ECODE_INVAL)
    result = []
    for (idx, op) in enumerate(ops):
      if isinstance(op, opcodes.OpCode):
        op = op.__getstate__()
      op = opcodes.OpCode.LoadOpCode(op)
      op.Validate(False)
      prio = getattr(op, "priority", None)
      if prio is None:
        prio = constants.OP_PRIO_DEFAULT
      if prio not in constants.OP_PRIO_SUBMIT_VALID:
        raise errors.OpPrereqError(
          "Opcode %s has invalid priority %s, allowed values are %s" %
          (idx, prio, utils.CommaJoin(sorted(
            constants.OP_PRIO_SUBMIT_VALID))), errors.ECODE_INVAL)
      deps = getattr(op, "depends", None) or []
      if not allow_relative and any(d[0] < 0 for d in deps):
        raise errors.OpPrereqError(
          "Opcode %s has invalid dependencies, must not contain relative"
          " job IDs" % idx, errors.ECODE_INVAL)
      result.append(op)
    return result

  def _Reserve(self, count, drained_ok):
    with self._lock:
      if not self._accepting:
        raise errors.JobQueueError("Job queue is shutting down, refusing job")
      if not drained_ok and self._storage.QueryDrainFlag():
        raise errors.JobQueueDrainError("Job queue is drained, refusing job")
      if len(self._jobs) + self._reserved + count > self._size_limit:
        raise errors.JobQueueFull()
      self._reserved += count

  def _AllocateIds(self, count):
    """New job ids; the serial file is written and replicated first."""
    with self._serial_lock:
      first = self._last_serial + 1
      self._storage.WriteSerial(self._last_serial + count)
      self._last_serial += count
    return list(range(first, first + count))

  @staticmethod
  def _ResolveDeps(op, ids, idx):
    deps = getattr(op, "depends", None)
    if not deps:
      return
    resolved = []
    for (dep_id, statuses) in deps:
      if dep_id < 0:
        pos = idx + dep_id
        if pos < 0:
          raise errors.OpPrereqError("Job %s: relative dependency %s points"
                                     " before the first submitted job" %
                                     (ids[idx], dep_id), errors.ECODE_INVAL)
        dep_id = ids[pos]
      resolved.append([dep_id, list(statuses)])
    op.depends = resolved

  def _CreateJob(self, job_id, ops):
    """Build, persist and replicate a new job (not yet registered)."""
    for (idx, op) in enumerate(ops):
      op.reason = list(getattr(op, "reason", None) or []) + [[
        "%s:%s" % (constants.OPCODE_REASON_SRC_OPCODE,
                   op.OP_ID[3:].lower()),
        "job=%d;index=%d" % (job_id, idx), utils.TimestampNs()]]
    job = jjob.QueuedJob(job_id, ops)
    with job.lock:
      self.WriteJob(job)
    return job

  def _Register(self, jobs, reserved):
    with self._lock:
      self._reserved -= reserved
      for job in jobs:
        self._jobs[job.id] = job
    for job in jobs:
      self._pool.AddJob(job.id, job.CalcPriority())

  def _SubmitOne(self, ops, drained_ok):
    ops = self._PrepareOps(ops, False)
    self._Reserve(1, drained_ok)
    job = None
    try:
      (job_id, ) = self._AllocateIds(1)
      job = self._CreateJob(job_id, ops)
    finally:
      self._Register([job] if job else [], 1)
    return job_id

  def SubmitJob(self, ops):
    """Submit one job (opcode objects or dicts); returns its id.

    Raises OpPrereqError/OpCodeUnknown for bad opcodes, JobQueueDrainError
    if drained, JobQueueFull if the queue holds too many jobs.
    """
    return self._SubmitOne(ops, False)

  def SubmitJobToDrainedQueue(self, ops):
    """Like :meth:`SubmitJob` but ignoring the drain flag."""
    return self._SubmitOne(ops, True)

  def SubmitManyJobs(self, jobs):
    """Submit several jobs; returns ``[(True, id) | (False, error)]``.

    Relative dependencies (-1: the previous job of this call) are resolved
    here.  Drain and size errors are raised for the whole call.
    """
    count = len(jobs)
    if not count:
      return []
    self._Reserve(count, False)
    created = []
    results = []
    try:
      ids = self._AllocateIds(count)
      for (idx, ops) in enumerate(jobs):
        try:
          prepared = self._PrepareOps(ops, True)
          for op in prepared:
            self._ResolveDeps(op, ids, idx)
          created.append(self._CreateJob(ids[idx], prepared))
          results.append((True, ids[idx]))
        except (errors.GenericError, ValueError, TypeError) as err:
          results.append((False, str(err)))
    finally:
      self._Register(created, count)
    return results

  # Job control ------------------------------------------------------------
  def CancelJob(self, job_id):
    """Cancel a queued or waiting job; returns ``(success, message)``."""
    job = self._GetActiveJob(job_id)
    if job is None:
      return (False, "Job %s not found" % job_id)
    with job.lock:
      (success, msg) = job.Cancel()
      if success:
        self.WriteJob(job)
      finalized = job.IsFinalized()
    if success:
      if finalized:
        self.JobFinalized(job)
      elif not self._pool.IsKnown(job_id):
        # Parked on a dependency: a worker must finish the cancelation
        self._EnqueueJob(job_id)
    return (success, msg)

  def ChangeJobPriority(self, job_id, priority):
    """Change the priority of a job's pending opcodes."""
    if priority not in constants.OP_PRIO_SUBMIT_VALID:
      raise errors.OpPrereqError("Invalid priority %s, allowed values are %s"
                                 % (priority, utils.CommaJoin(sorted(
                                   constants.OP_PRIO_SUBMIT_VALID))),
                                 errors.ECODE_INVAL)
    job = self._GetActiveJob(job_id)
    if job is None:
      return (False, "Job %s not found" % job_id)
    with job.lock:
      (success, msg) = job.ChangePriority(priority)
      if success:
        self.WriteJob(job)
      prio = job.CalcPriority()
    if success:
      self._pool.ChangePriority(job_id, prio)
    return (success, msg)

  # Queries ----------------------------------------------------------------
  def _JobIds(self, job_ids):
    if job_ids:
      return [int(i) for i in job_ids]
    with self._lock:
      return sorted(self._jobs)

  def QueryJobs(self, job_ids, fields):
    """Old-style query: one value list (or None if unknown) per job."""
    bad = [f for f in fields if f not in jjob.JOB_FIELDS]
    if bad:
      raise errors.OpPrereqError("Unknown job fields: %s" %
                                 utils.CommaJoin(bad), errors.ECODE_INVAL)
    result = []
    for job_id in self._JobIds(job_ids):
      job = self._GetActiveJob(job_id)
      if job is not None:
        with job.lock:
          result.append(job.GetInfo(fields))
        continue
      job = self._LoadJobFromDisk(job_id)
      result.append(None if job is None else job.GetInfo(fields))
    return result

  def GetJobsForQuery(self, job_ids):
    """``[(job_id, read-only job or None)]`` for the query framework.

    The job objects are snapshots of what is on disk; all jobs of the
    queue directory when ``job_ids`` is empty.
    """
    result = []
    for job_id in self._JobIds(job_ids):
      job = self._GetActiveJob(job_id)
      if job is not None:
        with job.lock:
          snap = jjob.QueuedJob.Restore(serializer.LoadJson(job.Dump()),
                                        writable=False)
        result.append((job_id, snap))
      else:
        result.append((job_id, self._LoadJobFromDisk(job_id)))
    return result

  def _CheckJobChanges(self, job, fields, prev_job_info, prev_log_serial):
    status = job.CalcStatus()
    job_info = serializer.LoadJson(serializer.DumpJson(job.GetInfo(fields)))
    log_entries = job.GetLogEntries(prev_log_serial)
    if (status not in (constants.JOB_STATUS_QUEUED,
                       constants.JOB_STATUS_WAITING,
                       constants.JOB_STATUS_RUNNING) or
        job_info != prev_job_info or log_entries):
      return [job_info, log_entries]
    return None

  def WaitForJobChanges(self, job_id, fields, prev_job_info,
                        prev_log_serial, timeout):
    """Wait until the job changes compared to what the client knows.

    Returns ``[job_info, log_entries]``, :data:`JOB_NOTCHANGED` after
    ``timeout`` seconds, or None for an unknown job.  Waiting is driven by
    inotify events on the job file.
    """
    deadline = time.monotonic() + max(0.0, float(timeout))
    jwaiter = self._watcher.Register(job_id)
    try:
      while True:
        jwaiter.Clear()
        job = self._GetActiveJob(job_id)
        if job is not None:
          with job.lock:
            result = self._CheckJobChanges(job, fields, prev_job_info,
                                           prev_log_serial)
        else:
          job = self._LoadJobFromDisk(job_id)
          if job is None:
            return None
          result = self._CheckJobChanges(job, fields, prev_job_info,
                                         prev_log_serial)
        if result is not None:
          return result
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._accepting:
          return JOB_NOTCHANGED
        jwaiter.Wait(remaining)
    finally:
      self._watcher.Unregister(jwaiter)

  # Archiving --------------------------------------------------------------
  def _ArchiveLocked(self, jobs):
    """Archive the finalized ones of ``jobs``; hold the queue lock."""
    todo = []
    for job in jobs:
      with job.lock:
        if job.IsFinalized() and job.id in self._jobs:
          todo.append(job)
    if not todo:
      return 0
    self._storage.ArchiveJobs([job.id for job in todo])
    for job in todo:
      del self._jobs[job.id]
    return len(todo)

  def ArchiveJob(self, job_id):
    """Archive one finalized job; False if unknown or not finalized."""
    with self._lock:
      job = self._jobs.get(job_id)
      if job is None:
        logging.debug("Job %s not found, can't archive it", job_id)
        return False
      return self._ArchiveLocked([job]) == 1

  @staticmethod
  def _JobAge(job):
    with job.lock:
      return (job.end_timestamp or job.start_timestamp or
              job.received_timestamp)

  def AutoArchiveJobs(self, age, timeout):
    """Archive finalized jobs older than ``age`` seconds (-1: all).

    Walks the jobs in id order, archiving in batches of 10, and stops when
    ``timeout`` seconds have passed.  Returns ``[archived_count,
    jobs_not_examined]``.
    """
    end_time = time.monotonic() + timeout
    now = time.time()
    job_ids = self._JobIds(None)
    archived = 0
    touched = 0
    pending = []
    for (idx, job_id) in enumerate(job_ids):
      touched = idx + 1
      if time.monotonic() > end_time:
        break
      job = self._GetActiveJob(job_id)
      if job is None:
        continue
      job_age = self._JobAge(job)
      if age == -1 or now - job_age[0] > age:
        pending.append(job)
        if len(pending) >= _ARCHIVE_BATCH:
          with self._lock:
            archived += self._ArchiveLocked(pending)
          pending = []
    if pending:
      with self._lock:
        archived += self._ArchiveLocked(pending)
    return [archived, len(job_ids) - touched]

  # Replication --------------------------------------------------------------
  def AddNode(self, node_name, node_ip):
    """Synchronize a node that just became master candidate.

    Purges its queue, then uploads every job file of the queue directory,
    the serial file and the drain flag.  Failures are only logged.
    """
    self._storage.SyncNode(node_name, node_ip, self._QueueFiles(),
                           self.QueryDrainFlag())

  def _QueueFiles(self):
    """Yield ``(path, content)`` of the serial file and every job file.

    Each job's content is read and yielded under its lock, so a consumer
    that queues it for replication orders it before any later write.
    """
    with self._serial_lock:
      serial = (pathutils.Get().JOB_QUEUE_SERIAL_FILE,
                ("%d\n" % self._last_serial).encode("ascii"))
    yield serial
    for job_id in self._JobIds(None):
      job = self._GetActiveJob(job_id)
      if job is not None:
        with job.lock:
          yield (storage.JobFilePath(job_id), job.Dump())

  # Drain flag and shutdown ----------------------------------------------
  def SetDrainFlag(self, drain_flag):
    """Set or clear the drain flag (replicated); returns True."""
    with self._lock:
      self._storage.SetDrainFlag(drain_flag)
    return True

  def QueryDrainFlag(self):
    return self._storage.QueryDrainFlag()

  def PrepareShutdown(self):
    """Refuse new jobs, let workers take no new ones.

    Returns True once no job is being processed (call until True).
    """
    with self._lock:
      self._accepting = False
    self._pool.StopPicking()
    return not self._pool.HasActive()

  def Shutdown(self, timeout=None):
    """Stop everything: wait (up to ``timeout``) for running jobs, join
    the threads, release the queue lock.  Returns True if all threads
    ended in time.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    self.PrepareShutdown()
    ok = self._pool.Terminate(timeout)
    self._watcher.Stop()
    if not self._storage.StopReplication(
        None if deadline is None else max(1.0, deadline - time.monotonic())):
      ok = False
    self._storage.Close()
    return ok
