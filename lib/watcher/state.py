"""The per-group state file of the watcher (``watcher.<group>.data``).

JSON: ``{"instance": {name: {"restart_count": n, "restart_when": ts}},
"node": {name: {"bootid": id}}}``.  The file is opened and locked for the
whole run of a group's watcher; restart records older than
:data:`RETRY_EXPIRATION` are forgotten when it is loaded.
"""

import fcntl
import logging
import os
import time

from ganeti import serializer
from ganeti import utils

KEY_RESTART_COUNT = "restart_count"
KEY_RESTART_WHEN = "restart_when"
KEY_BOOT_ID = "bootid"

#: a restart record this old (seconds) is dropped
RETRY_EXPIRATION = 8 * 3600


class WatcherState:
  """The state of one group's watcher, backed by an open, locked file.

  Use :meth:`Open`, then the accessors, then :meth:`Save` and
  :meth:`Close`.  ``fd`` may be None for a state that is not saved (tests).
  """

  def __init__(self, fd, path=None, now=None):
    self.fd = fd
    self.path = path
    self._data = {"instance": {}, "node": {}}
    self._orig = None
    if fd is not None:
      os.lseek(fd, 0, os.SEEK_SET)
      chunks = []
      while True:
        chunk = os.read(fd, 65536)
        if not chunk:
          break
        chunks.append(chunk)
      text = b"".join(chunks).decode("utf-8")
      if text.strip():
        try:
          data = serializer.LoadJson(text)
          if isinstance(data, dict):
            self._data["instance"] = dict(data.get("instance") or {})
            self._data["node"] = dict(data.get("node") or {})
        except ValueError as err:
          logging.warning("Invalid state file %s, starting afresh: %s",
                          path, err)
    self._orig = serializer.DumpJson(self._data, sort_keys=True)
    self._Expire(now if now is not None else time.time())

  @classmethod
  def Open(cls, path):
    """Open (creating) and exclusively lock the state file at ``path``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
      fcntl.flock(fd, fcntl.LOCK_EX)
      return cls(fd, path=path)
    except BaseException:
      os.close(fd)
      raise

  def _Expire(self, now):
    for (name, rec) in list(self._data["instance"].items()):
      when = rec.get(KEY_RESTART_WHEN, 0)
      if not isinstance(when, (int, float)) or when + RETRY_EXPIRATION < now:
        logging.debug("Expiring restart record of instance %s", name)
        del self._data["instance"][name]

  def Save(self):
    """Write the state if it changed, else only touch the file."""
    if self.fd is None:
      return
    data = serializer.DumpJson(self._data, sort_keys=True)
    if data == self._orig:
      os.utime(self.fd)
      return
    os.lseek(self.fd, 0, os.SEEK_SET)
    os.ftruncate(self.fd, 0)
    os.write(self.fd, data)
    os.fsync(self.fd)
    self._orig = data

  def Close(self):
    if self.fd is not None:
      os.close(self.fd)
      self.fd = None

  # -- nodes
  def GetNodeBootID(self, name):
    return self._data["node"].get(name, {}).get(KEY_BOOT_ID)

  def SetNodeBootID(self, name, bootid):
    self._data["node"].setdefault(name, {})[KEY_BOOT_ID] = bootid

  # -- instances
  def NumberOfRestartAttempts(self, name):
    return self._data["instance"].get(name, {}).get(KEY_RESTART_COUNT, 0)

  def RecordRestartAttempt(self, name, now=None):
    rec = self._data["instance"].setdefault(name, {})
    rec[KEY_RESTART_COUNT] = rec.get(KEY_RESTART_COUNT, 0) + 1
    rec[KEY_RESTART_WHEN] = now if now is not None else time.time()

  def RemoveInstance(self, name):
    self._data["instance"].pop(name, None)

  def Data(self):
    """A copy of the state's JSON data."""
    return serializer.LoadJson(serializer.DumpJson(self._data))


def WriteInstanceStatus(path, statuses):
  """Write ``name status`` lines (sorted by name) atomically."""
  utils.WriteFile(path, data="".join("%s %s\n" % (n, s)
                                     for (n, s) in sorted(statuses)),
                  mode=0o644)


def MergeInstanceStatus(target, sources, lock_path):
  """Merge the per-group status files into ``target``; for an instance
  in several files the newest file wins."""
  from ganeti.utils import filelock  # pylint: disable=C0415
  lock = filelock.FileLock.Open(lock_path)
  try:
    lock.Exclusive(timeout=30)
    merged = {}
    entries = []
    for path in sources:
      try:
        mtime = os.stat(path).st_mtime
        text = utils.ReadFile(path)
      except OSError:
        continue
      entries.append((mtime, text))
    for (_, text) in sorted(entries, key=lambda e: e[0]):
      for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
          merged[parts[0]] = parts[1]
    WriteInstanceStatus(target, merged.items())
  finally:
    lock.Close()
