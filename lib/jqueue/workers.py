"""Priority-ordered worker pool running job queue tasks.

A task is a job id.  Tasks are taken by priority (lower value first) and
FIFO within a priority.  A job id is at most once in the pool: either
queued or being run by exactly one worker.  Adding a job that a worker is
running marks it to be queued again when that worker is done, so a wake-up
that races with the worker is never lost.

The pool owns its threads: :meth:`Terminate` stops them and joins them.
"""

import heapq
import itertools
import logging
import threading
import time


class JobWorkerPool:
  """Runs ``run_fn(job_id)`` in ``num_workers`` threads.

  ``run_fn`` returns None when the job needs no further processing, or a
  priority at which the job is put back into the pool (next opcode, lock
  timeout).  Exceptions from ``run_fn`` are logged and drop the task.
  """

  def __init__(self, num_workers, run_fn, name="JobQueueWorker"):
    self._run_fn = run_fn
    self._name = name
    self._num_workers = num_workers
    self._cond = threading.Condition(threading.Lock())
    self._heap = []
    self._seq = itertools.count()
    self._queued = {}        # job_id -> (priority, seq) of the live entry
    self._active = set()     # job ids being run by a worker
    self._readd = {}         # job_id -> priority, re-add after the run
    self._stopping = False
    self._threads = []

  def Start(self):
    for idx in range(self._num_workers):
      thread = threading.Thread(target=self._WorkerLoop,
                                name="%s%d" % (self._name, idx + 1),
                                daemon=True)
      self._threads.append(thread)
      thread.start()

  def _PushLocked(self, job_id, priority):
    seq = next(self._seq)
    self._queued[job_id] = (priority, seq)
    heapq.heappush(self._heap, (priority, seq, job_id))
    self._cond.notify()

  def AddJob(self, job_id, priority):
    """Queue ``job_id`` unless already queued (then keep the better one)."""
    with self._cond:
      if job_id in self._active:
        old = self._readd.get(job_id)
        self._readd[job_id] = priority if old is None else min(old, priority)
        return
      cur = self._queued.get(job_id)
      if cur is not None and cur[0] <= priority:
        return
      self._PushLocked(job_id, priority)

  def ChangePriority(self, job_id, priority):
    """Re-sort a queued job; no-op for jobs not waiting in the pool."""
    with self._cond:
      if job_id in self._queued and self._queued[job_id][0] != priority:
        self._PushLocked(job_id, priority)
      elif job_id in self._readd:
        self._readd[job_id] = priority

  def IsKnown(self, job_id):
    """Whether the job is queued in or being run by the pool."""
    with self._cond:
      return job_id in self._queued or job_id in self._active

  def HasActive(self):
    with self._cond:
      return bool(self._active)

  def QueuedCount(self):
    with self._cond:
      return len(self._queued)

  def _Take(self):
    """Pop the best live entry; None when stopping. Caller holds lock."""
    while True:
      if self._stopping:
        return None
      while self._heap:
        (prio, seq, job_id) = heapq.heappop(self._heap)
        if self._queued.get(job_id) == (prio, seq):
          del self._queued[job_id]
          self._active.add(job_id)
          return job_id
      self._cond.wait()

  def _WorkerLoop(self):
    while True:
      with self._cond:
        job_id = self._Take()
      if job_id is None:
        return
      requeue = None
      try:
        requeue = self._run_fn(job_id)
      except Exception:  # a broken job must not kill the worker
        logging.exception("Unhandled error while processing job %s", job_id)
      with self._cond:
        self._active.discard(job_id)
        readd = self._readd.pop(job_id, None)
        if requeue is not None and readd is not None:
          requeue = min(requeue, readd)
        elif requeue is None:
          requeue = readd
        if requeue is not None:
          self._PushLocked(job_id, requeue)
        self._cond.notify_all()

  def StopPicking(self):
    """Let workers finish their current job but take no new ones."""
    with self._cond:
      self._stopping = True
      self._cond.notify_all()

  def WaitIdle(self, timeout):
    """Wait until no job is queued or running; returns True if idle."""
    with self._cond:
      return self._cond.wait_for(
        lambda: not self._active and not self._queued, timeout)

  def Terminate(self, timeout=None):
    """Stop picking, wait for running jobs, join the threads.

    Returns True if every thread ended within ``timeout`` seconds.
    """
    self.StopPicking()
    ok = True
    deadline = None if timeout is None else time.monotonic() + timeout
    for thread in self._threads:
      thread.join(None if deadline is None
                  else max(0.0, deadline - time.monotonic()))
      if thread.is_alive():
        logging.error("Worker %s did not stop in time", thread.name)
        ok = False
    if ok:
      self._threads = []
    return ok
