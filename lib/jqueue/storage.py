"""On-disk layout of the job queue and its replication to candidates.

Layout (all below ``pathutils.Get().QUEUE_DIR``, resolved at call time):

* ``lock``: empty; the master holds an exclusive flock on it for its life;
* ``version``: ``"1\\n"``;
* ``serial``: last allocated job id, ``"<n>\\n"`` (starts at ``"0\\n"``);
* ``drain``: present (empty) when the queue is drained;
* ``job-<id>``: one JSON file per unarchived job, mode 0640;
* ``archive/<id // 10000>/job-<id>``: archived jobs (dirs mode 0750).

Every write is atomic (``utils.WriteFile``: temp file in the same
directory, fsync, rename).

Replication interface (provided by masterd):

* ``get_replication_targets() -> {node_name: primary_ip}``: the master
  candidates except the master itself;
* ``rpc.call_jobqueue_update(targets, file_name, content)``: ``targets`` is
  that dict, ``file_name`` the *local* absolute path (the RPC layer applies
  ``ED_QUEUE_PATH``, i.e. virtualizes it), ``content`` the raw bytes (the
  RPC layer applies ``ED_COMPRESS``; :func:`EncodeContent` is the reference
  encoding);
* ``rpc.call_jobqueue_rename(targets, rename)``: ``rename`` is a list of
  ``[old, new]`` *virtual* paths (``vcluster.MakeVirtualPath``);
* ``rpc.call_jobqueue_set_drain_flag(targets, flag)``;
* ``rpc.call_jobqueue_purge(targets)`` (only for :meth:`JobQueue.AddNode`).

Each returns ``{node_name: result}`` where ``result.fail_msg`` is a false
value on success.  Failures are only logged.

Two replicators implement this: :class:`Replicator` pushes each change
before the write returns (the caller waits for every candidate), and
:class:`AsyncReplicator` (what the master daemon uses) hands each change
to one sender thread per candidate and returns at once.  A sender keeps
the changes in order and sends, for each file, only its latest content
(a newer write of a file still waiting to be sent replaces it and moves to
the end of the queue), so every candidate ends up with exactly the
master's files, a few milliseconds later, at a fraction of the RPCs: the
synchronous one cost ten RPCs per one-opcode job and limited the queue to
~80 jobs/s on a 3-node cluster.
"""

import base64
import collections
import errno
import fcntl
import itertools
import logging
import os
import re
import threading
import time
import zlib

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import utils
from ganeti import vcluster

JOB_FILE_MODE = 0o640
ARCHIVE_DIR_MODE = 0o750
QUEUE_DIR_MODE = 0o700

#: Content encodings of ED_COMPRESS
ENCODING_NONE = 0
ENCODING_ZLIB_BASE64 = 1

#: Contents at least this long are compressed by :func:`EncodeContent`
COMPRESS_THRESHOLD = 512

_RE_JOB_FILE = re.compile(r"^job-(\d+)$")


def EncodeContent(data):
  """Encode bytes for RPC: ``[0, text]`` or ``[1, base64(zlib -3)]``."""
  if isinstance(data, str):
    data = data.encode("utf-8")
  if len(data) < COMPRESS_THRESHOLD:
    return [ENCODING_NONE, data.decode("utf-8")]
  return [ENCODING_ZLIB_BASE64,
          base64.b64encode(zlib.compress(data, 3)).decode("ascii")]


def DecodeContent(value):
  """Inverse of :func:`EncodeContent`; returns bytes."""
  (encoding, content) = value
  if encoding == ENCODING_NONE:
    return content.encode("utf-8")
  if encoding == ENCODING_ZLIB_BASE64:
    return zlib.decompress(base64.b64decode(content))
  raise errors.ProgrammerError("Unknown content encoding %r" % (encoding, ))


def JobFilePath(job_id):
  return "%s/job-%s" % (pathutils.Get().QUEUE_DIR, job_id)


def ArchiveSubdir(job_id):
  return str(int(job_id) // constants.JOB_QUEUE_ARCHIVE_DIRS)


def ArchivedJobPath(job_id):
  return "%s/%s/job-%s" % (pathutils.Get().JOB_QUEUE_ARCHIVE_DIR,
                           ArchiveSubdir(job_id), job_id)


def ParseJobFileName(name):
  """The job id of a ``job-<id>`` file name, or None."""
  m = _RE_JOB_FILE.match(name)
  return int(m.group(1)) if m else None


class Replicator:
  """Pushes queue changes to the master candidates (except the master).

  Calls are synchronous for the calling thread but hold no queue-wide
  lock, so different jobs replicate in parallel.
  """

  def __init__(self, rpc, get_targets):
    self._rpc = rpc
    self._get_targets = get_targets

  def _Targets(self):
    if self._rpc is None or self._get_targets is None:
      return None
    try:
      return self._get_targets() or None
    except Exception:  # a config problem must not break the queue
      logging.exception("Can't compute job queue replication targets")
      return None

  @staticmethod
  def _Check(results, what):
    failed = []
    for (node, res) in (results or {}).items():
      msg = getattr(res, "fail_msg", None)
      if msg:
        failed.append(node)
        logging.error("Job queue %s on node %s failed: %s", what, node, msg)
    if results and len(failed) * 2 > len(results):
      logging.error("More than half of the nodes failed %s", what)

  def _Call(self, what, fn_name, *args):
    targets = self._Targets()
    if not targets:
      return
    try:
      results = getattr(self._rpc, fn_name)(targets, *args)
    except Exception:  # RPC failures are only logged
      logging.exception("Job queue %s failed", what)
      return
    self._Check(results, what)

  def SyncNode(self, node_name, node_ip, files, drained):
    """Bring a new master candidate up to date: purge its queue, then
    send ``files`` (an iterable of ``(path, content)``, read after the
    purge is queued) and the drain flag."""
    if self._rpc is None:
      return
    target = {node_name: node_ip}
    calls = [("purge", "call_jobqueue_purge", ())]
    calls.extend(("update of %s" % path, "call_jobqueue_update",
                  (path, content)) for (path, content) in files)
    calls.append(("drain flag", "call_jobqueue_set_drain_flag", (drained, )))
    for (what, fn_name, args) in calls:
      try:
        results = getattr(self._rpc, fn_name)(target, *args)
      except Exception:  # RPC failures are only logged
        logging.exception("Job queue %s on node %s failed", what, node_name)
        continue
      self._Check(results, what)
      if what == "purge" and getattr(results.get(node_name), "fail_msg",
                                     None):
        return

  def UpdateFile(self, path, content):
    self._Call("update of %s" % path, "call_jobqueue_update", path, content)

  def RenameFiles(self, renames):
    virt = [[vcluster.MakeVirtualPath(old), vcluster.MakeVirtualPath(new)]
            for (old, new) in renames]
    self._Call("rename", "call_jobqueue_rename", virt)

  def SetDrainFlag(self, flag):
    self._Call("drain flag", "call_jobqueue_set_drain_flag", flag)

  def Resync(self, files, drained):
    """Push ``files`` and the drain flag to every candidate (only needed
    when changes may have been lost, see :class:`AsyncReplicator`)."""

  def Flush(self, timeout=None):  # pylint: disable=W0613
    """Wait until every change has been sent; True if done in time."""
    return True

  def Stop(self, timeout=None):  # pylint: disable=W0613
    """Send what is pending (up to ``timeout``) and end the senders."""
    return True


class _SendQueue:
  """The ordered, coalescing queue of changes for one candidate, and the
  thread that sends them.

  Entries are ``key -> (what, fn_name, args)``; putting a key that is
  still pending drops the pending entry and appends the new one, so for a
  file only its latest content is sent, after everything queued before
  that content was written.  Non-file changes get unique keys.
  """

  def __init__(self, rpc, node_name, node_ip, check_fn):
    self.node = node_name
    self._rpc = rpc
    self._target = {node_name: node_ip}
    self._check = check_fn
    self._cond = threading.Condition(threading.Lock())
    self._pending = collections.OrderedDict()
    self._busy = False
    self._stopping = False
    self._thread = threading.Thread(target=self._Loop, daemon=True,
                                    name="JobQueueReplicator-%s" % node_name)
    self._thread.start()

  def Put(self, key, item):
    with self._cond:
      self._pending.pop(key, None)
      self._pending[key] = item
      self._cond.notify_all()

  def _Loop(self):
    while True:
      with self._cond:
        self._busy = False
        self._cond.notify_all()
        while not self._pending and not self._stopping:
          self._cond.wait()
        if not self._pending:
          return
        (_, (what, fn_name, args)) = self._pending.popitem(last=False)
        self._busy = True
      try:
        results = getattr(self._rpc, fn_name)(self._target, *args)
      except Exception:  # RPC failures are only logged
        logging.exception("Job queue %s on node %s failed", what, self.node)
        continue
      self._check(results, what)

  def Flush(self, deadline):
    """Wait until nothing is pending or being sent; True if so."""
    with self._cond:
      while self._pending or self._busy:
        remaining = (None if deadline is None
                     else deadline - time.monotonic())
        if remaining is not None and remaining <= 0:
          return False
        self._cond.wait(remaining)
      return True

  def Stop(self, deadline):
    """End the thread once the queue is empty (or at the deadline)."""
    ok = self.Flush(deadline)
    with self._cond:
      self._stopping = True
      if not ok:
        logging.error("Dropping %d unsent job queue changes for node %s",
                      len(self._pending), self.node)
        self._pending.clear()
      self._cond.notify_all()
    self._thread.join(None if deadline is None
                      else max(0.0, deadline - time.monotonic()))
    return ok and not self._thread.is_alive()


class AsyncReplicator(Replicator):
  """Replicates in the background, one ordered sender per candidate.

  The callers never wait for the network; see the module docstring for
  the ordering guarantee.  Changes still pending when the process dies are
  lost, which is why the master calls :meth:`Resync` at start-up, and
  :meth:`Stop` at shutdown sends what is pending.
  """

  def __init__(self, rpc, get_targets):
    Replicator.__init__(self, rpc, get_targets)
    self._lock = threading.Lock()
    self._queues = {}
    self._seq = itertools.count()
    self._stopped = False

  def _Queue(self, node_name, node_ip):
    with self._lock:
      if self._stopped:
        return None
      queue = self._queues.get((node_name, node_ip))
      if queue is None:
        queue = _SendQueue(self._rpc, node_name, node_ip, self._Check)
        self._queues[(node_name, node_ip)] = queue
      return queue

  def _Put(self, targets, key, what, fn_name, *args):
    if key is None:
      key = ("op", next(self._seq))
    for (name, ip) in (targets or {}).items():
      queue = self._Queue(name, ip)
      if queue is None:
        logging.error("Job queue %s after shutdown, not replicated", what)
        return
      queue.Put(key, (what, fn_name, args))

  def _Call(self, what, fn_name, *args):
    self._Put(self._Targets(), None, what, fn_name, *args)

  def UpdateFile(self, path, content):
    self._Put(self._Targets(), ("file", path), "update of %s" % path,
              "call_jobqueue_update", path, content)

  def SyncNode(self, node_name, node_ip, files, drained):
    if self._rpc is None:
      return
    target = {node_name: node_ip}
    self._Put(target, None, "purge", "call_jobqueue_purge")
    for (path, content) in files:
      self._Put(target, ("file", path), "update of %s" % path,
                "call_jobqueue_update", path, content)
    self._Put(target, None, "drain flag", "call_jobqueue_set_drain_flag",
              drained)

  def Resync(self, files, drained):
    targets = self._Targets()
    for (path, content) in files:
      self._Put(targets, ("file", path), "update of %s" % path,
                "call_jobqueue_update", path, content)
    self._Put(targets, None, "drain flag", "call_jobqueue_set_drain_flag",
              drained)

  def _AllQueues(self):
    with self._lock:
      return list(self._queues.values())

  def Flush(self, timeout=None):
    deadline = None if timeout is None else time.monotonic() + timeout
    return all([q.Flush(deadline) for q in self._AllQueues()])

  def Stop(self, timeout=None):
    deadline = None if timeout is None else time.monotonic() + timeout
    with self._lock:
      self._stopped = True
    return all([q.Stop(deadline) for q in self._AllQueues()])


class QueueStorage:
  """Local queue files: lock, version, serial, drain flag, job files."""

  def __init__(self, replicator):
    self._replicator = replicator
    self._lock_fd = None

  # Lock and version -------------------------------------------------------
  def Open(self):
    """Create the directories, take the queue lock, check the version.

    Raises JobQueueError if another process holds the lock or the version
    file holds an unknown version.
    """
    paths = pathutils.Get()
    utils.EnsureDirs([(paths.QUEUE_DIR, QUEUE_DIR_MODE),
                      (paths.JOB_QUEUE_ARCHIVE_DIR, ARCHIVE_DIR_MODE)])
    fd = os.open(paths.JOB_QUEUE_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o640)
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
      os.close(fd)
      if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        raise errors.JobQueueError("Job queue is locked by another"
                                   " process") from err
      raise
    self._lock_fd = fd
    try:
      self._CheckVersion()
      if not os.path.exists(paths.JOB_QUEUE_SERIAL_FILE):
        self.WriteSerial(0)
    except BaseException:
      self.Close()
      raise

  def Close(self):
    """Release the queue lock (idempotent)."""
    if self._lock_fd is not None:
      try:
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
      finally:
        os.close(self._lock_fd)
        self._lock_fd = None

  def _CheckVersion(self):
    path = pathutils.Get().JOB_QUEUE_VERSION_FILE
    try:
      content = utils.ReadFile(path)
    except FileNotFoundError:
      utils.WriteFile(path, data="%s\n" % constants.JOB_QUEUE_VERSION,
                      mode=JOB_FILE_MODE)
      return
    try:
      version = int(content)
    except ValueError as err:
      raise errors.JobQueueError("Invalid job queue version file content"
                                 " %r" % content) from err
    if version != constants.JOB_QUEUE_VERSION:
      raise errors.JobQueueError("Found job queue version %s, expected %s" %
                                 (version, constants.JOB_QUEUE_VERSION))

  # Serial -----------------------------------------------------------------
  @staticmethod
  def ReadSerial():
    """The last allocated job id (0 if the file is missing or broken)."""
    try:
      return int(utils.ReadFile(pathutils.Get().JOB_QUEUE_SERIAL_FILE))
    except (OSError, ValueError):
      return 0

  def SyncNode(self, node_name, node_ip, files, drained):
    """See :meth:`Replicator.SyncNode`."""
    self._replicator.SyncNode(node_name, node_ip, files, drained)

  def ResyncReplicas(self, files, drained):
    """See :meth:`Replicator.Resync`."""
    self._replicator.Resync(files, drained)

  def FlushReplication(self, timeout=None):
    return self._replicator.Flush(timeout)

  def StopReplication(self, timeout=None):
    return self._replicator.Stop(timeout)

  def WriteSerial(self, serial):
    """Write and replicate the serial file."""
    path = pathutils.Get().JOB_QUEUE_SERIAL_FILE
    data = ("%d\n" % serial).encode("ascii")
    utils.WriteFile(path, data=data, mode=JOB_FILE_MODE)
    self._replicator.UpdateFile(path, data)

  # Drain flag -------------------------------------------------------------
  @staticmethod
  def QueryDrainFlag():
    return os.path.exists(pathutils.Get().JOB_QUEUE_DRAIN_FILE)

  def SetDrainFlag(self, flag):
    path = pathutils.Get().JOB_QUEUE_DRAIN_FILE
    if flag:
      utils.WriteFile(path, data=b"", mode=JOB_FILE_MODE)
    else:
      utils.RemoveFile(path)
    self._replicator.SetDrainFlag(bool(flag))

  # Job files --------------------------------------------------------------
  def WriteJob(self, job_id, data, replicate=True):
    """Atomically write a job file; replicate unless told otherwise."""
    path = JobFilePath(job_id)
    utils.WriteFile(path, data=data, mode=JOB_FILE_MODE)
    if replicate:
      self._replicator.UpdateFile(path, data)

  @staticmethod
  def ListJobIds():
    """Ids of the job files in the queue directory, sorted."""
    ids = []
    for name in os.listdir(pathutils.Get().QUEUE_DIR):
      job_id = ParseJobFileName(name)
      if job_id is not None:
        ids.append(job_id)
    ids.sort()
    return ids

  @staticmethod
  def ReadJobFile(job_id):
    """``(data, archived)`` of a job from the queue or the archive.

    Returns ``(None, None)`` if neither file exists.  The queue directory
    is tried first, then the archive, then the queue again to cover a
    concurrent archival.
    """
    for (path, archived) in ((JobFilePath(job_id), False),
                             (ArchivedJobPath(job_id), True),
                             (JobFilePath(job_id), False)):
      try:
        return (utils.ReadBinaryFile(path), archived)
      except FileNotFoundError:
        continue
    return (None, None)

  def ArchiveJobs(self, job_ids):
    """Move job files into the archive and replicate the renames."""
    renames = []
    for job_id in job_ids:
      old = JobFilePath(job_id)
      new = ArchivedJobPath(job_id)
      self._Rename(old, new)
      renames.append((old, new))
    if renames:
      self._replicator.RenameFiles(renames)

  def MoveCorruptToArchive(self, job_id):
    """Move a corrupt job file away (same place as archived jobs)."""
    self.ArchiveJobs([job_id])

  @staticmethod
  def _Rename(old, new):
    dirname = os.path.dirname(new)
    if not os.path.isdir(dirname):
      os.makedirs(dirname, ARCHIVE_DIR_MODE, exist_ok=True)
      os.chmod(dirname, ARCHIVE_DIR_MODE)
    os.rename(old, new)
