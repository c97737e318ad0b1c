"""Job queue replication on master candidates (jobqueue_* procedures).

All operations run under an exclusive flock on ``queue/lock`` (10 s
timeout) and only touch paths inside the queue directory.  File names
arrive as virtual paths in a virtual cluster.
"""

import base64
import contextlib
import os
import shutil
import zlib

from ganeti import errors
from ganeti import pathutils
from ganeti import vcluster
from ganeti.backend import _Fail
from ganeti.utils import filelock
from ganeti.utils import io

QUEUE_LOCK_TIMEOUT = 10
RPC_ENCODING_NONE = 0
RPC_ENCODING_ZLIB_BASE64 = 1


def DecodeCompressed(content):
  """Decode an ``[encoding, data]`` pair into bytes."""
  try:
    (encoding, data) = content
  except (TypeError, ValueError):
    _Fail("Invalid compressed data: %r" % (content,))
  if encoding == RPC_ENCODING_NONE:
    return data.encode("utf-8") if isinstance(data, str) else data
  if encoding == RPC_ENCODING_ZLIB_BASE64:
    return zlib.decompress(base64.b64decode(data))
  _Fail("Unknown data encoding %s", encoding)


def EncodeCompressed(data: bytes):
  """Inverse of L{DecodeCompressed} (what the master sends)."""
  if len(data) < 512:
    return [RPC_ENCODING_NONE, data.decode("utf-8")]
  return [RPC_ENCODING_ZLIB_BASE64,
          base64.b64encode(zlib.compress(data, 3)).decode("ascii")]


@contextlib.contextmanager
def _QueueLock():
  paths = pathutils.Get()
  os.makedirs(paths.QUEUE_DIR, 0o750, exist_ok=True)
  with filelock.FileLock.Open(paths.JOB_QUEUE_LOCK_FILE, 0o640) as lock:
    try:
      lock.Exclusive(timeout=QUEUE_LOCK_TIMEOUT)
    except errors.LockError as err:
      _Fail("Can't lock the job queue: %s", err)
    yield


def _CheckQueuePath(file_name):
  """Localize a (virtual) path and check it is inside the queue dir."""
  try:
    path = vcluster.LocalizeVirtualPath(file_name)
  except errors.ProgrammerError as err:
    _Fail("Invalid queue path: %s", err)
  queue_dir = os.path.normpath(pathutils.Get().QUEUE_DIR)
  path = os.path.normpath(path)
  if not path.startswith(queue_dir + "/"):
    _Fail("Passed job queue file '%s' does not belong to the queue"
          " directory '%s'", path, queue_dir)
  return path


def JobQueueUpdate(file_name, content):
  """Write a queue file (atomically, mode 0640)."""
  path = _CheckQueuePath(file_name)
  data = DecodeCompressed(content)
  with _QueueLock():
    os.makedirs(os.path.dirname(path), 0o750, exist_ok=True)
    io.WriteFile(path, data=data, mode=0o640)
  return None


def JobQueueRename(rename):
  """Rename queue files: list of [old, new] (creating target dirs)."""
  with _QueueLock():
    for (old, new) in rename:
      old_path = _CheckQueuePath(old)
      new_path = _CheckQueuePath(new)
      os.makedirs(os.path.dirname(new_path), 0o750, exist_ok=True)
      try:
        os.rename(old_path, new_path)
      except OSError as err:
        _Fail("Can't rename %s to %s: %s", old, new, err)
  return None


def JobQueuePurge():
  """Remove every queue file except ``lock``, and the whole archive."""
  paths = pathutils.Get()
  with _QueueLock():
    for name in os.listdir(paths.QUEUE_DIR):
      if name == "lock":
        continue
      path = os.path.join(paths.QUEUE_DIR, name)
      if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
      else:
        io.RemoveFile(path)
  return None


def JobQueueSetDrainFlag(flag):
  """Create (flag true) or remove the queue drain file."""
  paths = pathutils.Get()
  os.makedirs(paths.QUEUE_DIR, 0o750, exist_ok=True)
  if flag:
    io.WriteFile(paths.JOB_QUEUE_DRAIN_FILE, data=b"", mode=0o644)
  else:
    io.RemoveFile(paths.JOB_QUEUE_DRAIN_FILE)
  return None
