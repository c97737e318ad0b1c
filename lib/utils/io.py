"""File helpers: atomic writes, reads, directory creation."""

import errno
import os
import tempfile


def ReadFile(path: str, size: int = -1) -> str:
  with open(path, "r") as fh:
    return fh.read(size)


def ReadBinaryFile(path: str, size: int = -1) -> bytes:
  with open(path, "rb") as fh:
    return fh.read(size)


def WriteFile(path: str, data=None, mode: int = None, uid: int = -1,
              gid: int = -1, fsync: bool = True, mkdir_mode: int = None,
              atime: float = None, mtime: float = None, keep_perms=False):
  """Write ``data`` to ``path`` atomically.

  A temporary file ``<path>XXXX.new`` in the same directory is written,
  fsync'ed and renamed over the target, so readers never see a partial file
  and a crash leaves either the old or the new content.
  """
  if data is None:
    data = b""
  if isinstance(data, str):
    data = data.encode("utf-8")
  dirname, base = os.path.split(path)
  if mkdir_mode is not None and not os.path.isdir(dirname):
    os.makedirs(dirname, mkdir_mode, exist_ok=True)
  fd, tmp = tempfile.mkstemp(prefix=base, suffix=".new", dir=dirname)
  try:
    if uid != -1 or gid != -1:
      os.fchown(fd, uid, gid)
    if mode is not None:
      os.fchmod(fd, mode)
    elif keep_perms and os.path.exists(path):
      os.fchmod(fd, os.stat(path).st_mode & 0o7777)
    else:
      os.fchmod(fd, 0o644)
    view = memoryview(data)
    while view:
      n = os.write(fd, view)
      view = view[n:]
    if fsync:
      os.fsync(fd)
    os.close(fd)
    fd = None
    if atime is not None and mtime is not None:
      os.utime(tmp, (atime, mtime))
    os.rename(tmp, path)
    tmp = None
  finally:
    if fd is not None:
      os.close(fd)
    if tmp is not None:
      RemoveFile(tmp)


def RemoveFile(path: str) -> None:
  """Remove a file, ignoring a missing one."""
  try:
    os.unlink(path)
  except OSError as err:
    if err.errno != errno.ENOENT:
      raise


def EnsureDirs(dirs) -> None:
  """Create each ``(path, mode)`` directory and enforce its mode."""
  for (path, mode) in dirs:
    try:
      os.makedirs(path, mode)
    except FileExistsError:
      pass
    os.chmod(path, mode)


def ListVisibleFiles(path: str):
  return sorted(f for f in os.listdir(path) if not f.startswith("."))


def FsyncDir(path: str) -> None:
  fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
  try:
    os.fsync(fd)
  finally:
    os.close(fd)
