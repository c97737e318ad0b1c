"""flock(2) based file locks with timeouts."""

import errno
import fcntl
import os
import time

from ganeti import errors


class FileLock:
  """An flock on a file, opened (and created) on construction.

  Use as ``with FileLock.Open(path).Exclusive(timeout=10): ...``.
  """

  def __init__(self, fd: int, path: str):
    self.fd = fd
    self.path = path

  @classmethod
  def Open(cls, path: str, mode: int = 0o644) -> "FileLock":
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    return cls(fd, path)

  def Close(self) -> None:
    if self.fd is not None:
      os.close(self.fd)
      self.fd = None

  def _Lock(self, flag: int, timeout):
    """Take the lock, waiting at most ``timeout`` seconds (None: forever).

    @raise errors.LockError: the timeout expired
    """
    if timeout is None:
      fcntl.flock(self.fd, flag)
      return
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
      try:
        fcntl.flock(self.fd, flag | fcntl.LOCK_NB)
        return
      except OSError as err:
        if err.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
          raise
      if time.monotonic() >= deadline:
        raise errors.LockError("Failed to lock %s within %ss" %
                               (self.path, timeout))
      time.sleep(delay)
      delay = min(delay * 2, 0.05)

  def Exclusive(self, timeout=None) -> "FileLock":
    self._Lock(fcntl.LOCK_EX, timeout)
    return self

  def Shared(self, timeout=None) -> "FileLock":
    self._Lock(fcntl.LOCK_SH, timeout)
    return self

  def Unlock(self) -> None:
    fcntl.flock(self.fd, fcntl.LOCK_UN)

  def __enter__(self):
    return self

  def __exit__(self, *_):
    self.Close()
