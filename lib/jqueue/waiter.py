"""Waking WaitForJobChange callers when a job file changes.

One inotify instance (pyinotify) watches the queue directory for the whole
process; a single thread reads its events and wakes the waiters registered
for the job whose file changed.  The thread parses the raw event records
itself instead of running ``pyinotify.Notifier.process_events``: that one
remembers every rename for a minute and walks all of them on each batch,
which makes each wake-up cost O(job file writes in the last minute).  Job files are only ever replaced by
rename (atomic writes) or moved away (archiving), so ``IN_MOVED_TO``,
``IN_MOVED_FROM``, ``IN_CLOSE_WRITE`` and ``IN_DELETE`` cover every change.
On an event queue overflow every waiter is woken.

Protocol for a caller (no lost wake-ups): :meth:`QueueDirWatcher.Register`
*before* reading the job, :meth:`JobWaiter.Clear` before each re-read, then
:meth:`JobWaiter.Wait`; finally :meth:`QueueDirWatcher.Unregister`.
"""

import errno
import logging
import os
import select
import struct
import threading

import pyinotify

from ganeti import errors
from ganeti.jqueue import storage

_MASK = (pyinotify.IN_MOVED_TO | pyinotify.IN_MOVED_FROM |
         pyinotify.IN_CLOSE_WRITE | pyinotify.IN_DELETE)


class JobWaiter:
  """A wake-up flag for one waiter of one job."""

  __slots__ = ["job_id", "_event"]

  def __init__(self, job_id):
    self.job_id = job_id
    self._event = threading.Event()

  def Clear(self):
    self._event.clear()

  def Notify(self):
    self._event.set()

  def Wait(self, timeout):
    """Wait for a change notification; True if one arrived."""
    return self._event.wait(timeout)


#: struct inotify_event header: wd, mask, cookie, len (then the name)
_EVENT_HEADER = struct.Struct("iIII")
_READ_SIZE = 64 * 1024


def ParseEvents(data):
  """Job ids named by a buffer of raw inotify events.

  Returns ``(job_ids, overflow)``; ``overflow`` is True when the kernel
  dropped events (every waiter must then re-check).
  """
  job_ids = set()
  overflow = False
  pos = 0
  size = _EVENT_HEADER.size
  while pos + size <= len(data):
    (_, mask, _, length) = _EVENT_HEADER.unpack_from(data, pos)
    name = data[pos + size:pos + size + length].split(b"\0", 1)[0]
    pos += size + length
    if mask & pyinotify.IN_Q_OVERFLOW:
      overflow = True
      continue
    job_id = storage.ParseJobFileName(name.decode("utf-8", "replace"))
    if job_id is not None:
      job_ids.add(job_id)
  return (job_ids, overflow)


class QueueDirWatcher:
  """The process-wide inotify watcher of one directory.

  Started lazily by the first :meth:`Register`; :meth:`Stop` ends and
  joins its thread and wakes every waiter.
  """

  def __init__(self, path_fn):
    self._path_fn = path_fn
    self._lock = threading.Lock()
    self._waiters = {}
    self._wm = None
    self._thread = None
    self._pipe = None
    self._stopped = False

  def _EnsureStartedLocked(self):
    if self._thread is not None:
      return
    if self._stopped:
      raise errors.JobQueueError("Job queue is shutting down")
    path = self._path_fn()
    wm = pyinotify.WatchManager()
    res = wm.add_watch(path, _MASK)
    if res.get(path, -1) < 0:
      wm.close()
      raise errors.InotifyError("Could not add inotify watch on %s" % path)
    self._wm = wm
    self._pipe = os.pipe()
    self._thread = threading.Thread(target=self._Loop,
                                    name="JobQueueInotify", daemon=True)
    self._thread.start()

  def _Loop(self):
    fd = self._wm.get_fd()
    rpipe = self._pipe[0]
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    poller.register(rpipe, select.POLLIN)
    while True:
      ready = {f for (f, _) in poller.poll()}
      if rpipe in ready:
        return
      if fd in ready:
        try:
          data = os.read(fd, _READ_SIZE)
        except OSError as err:
          if err.errno in (errno.EINTR, errno.EAGAIN):
            continue
          logging.exception("Error reading inotify events")
          self._Dispatch(None)
          continue
        try:
          (job_ids, overflow) = ParseEvents(data)
        except Exception:  # keep waking waiters even after a bad event
          logging.exception("Error processing inotify events")
          overflow = True
        if overflow:
          self._Dispatch(None)
        else:
          self._DispatchMany(job_ids)

  def _DispatchMany(self, job_ids):
    with self._lock:
      waiters = [w for job_id in job_ids
                 for w in self._waiters.get(job_id, ())]
    for waiter in waiters:
      waiter.Notify()

  def _Dispatch(self, job_id):
    with self._lock:
      if job_id is None:
        waiters = [w for ws in self._waiters.values() for w in ws]
      else:
        waiters = list(self._waiters.get(job_id, ()))
    for waiter in waiters:
      waiter.Notify()

  def Register(self, job_id):
    """A new :class:`JobWaiter` for ``job_id``; the watch is active."""
    waiter = JobWaiter(job_id)
    with self._lock:
      self._EnsureStartedLocked()
      self._waiters.setdefault(job_id, set()).add(waiter)
    return waiter

  def Unregister(self, waiter):
    with self._lock:
      waiters = self._waiters.get(waiter.job_id)
      if waiters is not None:
        waiters.discard(waiter)
        if not waiters:
          del self._waiters[waiter.job_id]

  def Stop(self):
    """Stop the watcher thread, join it and wake all waiters."""
    with self._lock:
      self._stopped = True
      thread = self._thread
      self._thread = None
    if thread is not None:
      os.write(self._pipe[1], b"x")
      thread.join()
      self._wm.close()
      for fd in self._pipe:
        os.close(fd)
      self._pipe = None
    self._Dispatch(None)
