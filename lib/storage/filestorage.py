"""File storage: disks as (sparse) files, and the allowed-paths policy.

Paths in disk logical ids and in the file storage RPCs are *cluster paths*
(e.g. ``/srv/ganeti/file-storage/inst1/disk0``).  In a virtual cluster a
node stores them below its node root (:func:`LocalizePath`), except paths
below the cluster's shared file storage directory (ssconf
``shared_file_storage_dir``): those live below
``<cluster dir>/shared-storage``, the same place for every virtual node,
so sharedfile disks are really shared.  The allowed paths in
``$CONF_DIR/file-storage-paths`` are cluster paths too.
"""

import errno
import os
import shutil

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import ssconf
from ganeti import vcluster
from ganeti.storage import base

_FORBIDDEN_BASES = ["/boot", "/dev", "/etc", "/home", "/proc", "/root",
                    "/sys"]
_FORBIDDEN_SUBS = ["bin", "lib", "lib32", "lib64", "sbin"]


def GetForbiddenFileStoragePaths():
  """The directories never acceptable for file storage."""
  paths = set(_FORBIDDEN_BASES)
  for prefix in ["", "/usr", "/usr/local"]:
    paths.update("%s/%s" % (prefix, s) for s in _FORBIDDEN_SUBS)
  return frozenset(paths)


def ComputeWrongFileStoragePaths(paths):
  """The paths (from the allowed file) that are not acceptable.

  A path is wrong if it is relative, equal to or below a forbidden
  directory, or a parent of one (e.g. ``/`` or ``/usr``).
  """
  forbidden = GetForbiddenFileStoragePaths()

  def _Wrong(path):
    if not os.path.isabs(path):
      return True
    path = os.path.normpath(path)
    return any(pathutils.IsBelowDir(f, path) or pathutils.IsBelowDir(path, f)
               for f in forbidden)
  return sorted(p for p in paths if _Wrong(p))


def LoadAllowedFileStoragePaths(filename: str = None):
  """Read the allowed-paths file; a missing file means no paths."""
  if filename is None:
    filename = pathutils.Get().FILE_STORAGE_PATHS_FILE
  try:
    with open(filename) as fh:
      lines = fh.read().splitlines()
  except FileNotFoundError:
    return []
  return [os.path.normpath(line.strip()) for line in lines
          if line.strip() and not line.strip().startswith("#")]


def CheckFileStoragePathAcceptance(path: str, allowed=None) -> None:
  """Check that the cluster path ``path`` may hold file storage.

  @raise errors.FileStoragePathError: it may not
  """
  if allowed is None:
    allowed = LoadAllowedFileStoragePaths()
  if not os.path.isabs(path):
    raise errors.FileStoragePathError("File storage path must be absolute,"
                                      " got '%s'" % path)
  wrong = set(ComputeWrongFileStoragePaths(allowed))
  good = [p for p in allowed if p not in wrong]
  if not good:
    raise errors.FileStoragePathError("No paths are allowed for file storage"
                                      " on this node (see %s)" %
                                      pathutils.Get().FILE_STORAGE_PATHS_FILE)
  if ComputeWrongFileStoragePaths([path]):
    raise errors.FileStoragePathError("Path '%s' uses a forbidden prefix" %
                                      path)
  for prefix in good:
    if pathutils.IsBelowDir(prefix, path):
      return
  raise errors.FileStoragePathError("Path '%s' is not acceptable for file"
                                    " storage. Acceptable paths: %s" %
                                    (path, ", ".join(good)))


def CheckFileStoragePath(path: str) -> None:
  """Like L{CheckFileStoragePathAcceptance}, for the directory of a file."""
  CheckFileStoragePathAcceptance(path)


#: below the directory of a virtual cluster: the root of shared file
#: storage, common to all its nodes
VCLUSTER_SHARED_ROOT = "shared-storage"


def _VirtualSharedStorage(rootdir):
  """``(shared root, shared file storage dir)`` in a virtual cluster whose
  ssconf names a shared file storage directory, else None."""
  if not rootdir:
    return None
  try:
    sdir = ssconf.SimpleStore().GetSharedFileStorageDir()
  except errors.ConfigurationError:
    return None
  if not sdir or not os.path.isabs(sdir):
    return None
  return (os.path.join(os.path.dirname(rootdir), VCLUSTER_SHARED_ROOT),
          os.path.normpath(sdir))


def ClusterPath(path: str) -> str:
  """Strip the node root (or the shared root) from ``path`` if below it."""
  rootdir = vcluster.GetEnv()[0]
  path = os.path.normpath(path)
  if not rootdir:
    return path
  shared = _VirtualSharedStorage(rootdir)
  for root in ([shared[0]] if shared else []) + [rootdir]:
    if pathutils.IsBelowDir(root, path):
      return path[len(root):] or "/"
  return path


def LocalizePath(path: str) -> str:
  """The local path of cluster path ``path`` (below the node root, or the
  shared root for shared file storage, in a virtual cluster)."""
  rootdir = vcluster.GetEnv()[0]
  path = ClusterPath(path)
  if rootdir:
    shared = _VirtualSharedStorage(rootdir)
    if shared and pathutils.IsBelowDir(shared[1], path):
      return vcluster.AddNodePrefix(path, shared[0])
    return vcluster.AddNodePrefix(path, rootdir)
  return path


def CreateFileStorageDir(path: str) -> None:
  """Create a file storage directory (and parents), after the checks.

  @raise errors.FileStoragePathError: not allowed or not a directory
  """
  cpath = ClusterPath(path)
  CheckFileStoragePathAcceptance(cpath)
  local = LocalizePath(cpath)
  if os.path.exists(local) and not os.path.isdir(local):
    raise errors.FileStoragePathError("The path '%s' exists but is not a"
                                      " directory" % cpath)
  os.makedirs(local, 0o750, exist_ok=True)


def RemoveFileStorageDir(path: str) -> None:
  """Remove an empty file storage directory; a missing one is fine.

  @raise errors.FileStoragePathError: not empty or not a directory
  """
  cpath = ClusterPath(path)
  CheckFileStoragePathAcceptance(cpath)
  local = LocalizePath(cpath)
  if not os.path.exists(local):
    return
  if not os.path.isdir(local):
    raise errors.FileStoragePathError("The path '%s' is not a directory" %
                                      cpath)
  try:
    os.rmdir(local)
  except OSError as err:
    if err.errno == errno.ENOTEMPTY:
      raise errors.FileStoragePathError("Cannot remove '%s': directory is"
                                        " not empty" % cpath)
    raise errors.FileStoragePathError("Cannot remove '%s': %s" % (cpath, err))


def GetFileStorageSpaceInfo(path: str):
  """{"storage_free", "storage_size"} in MiB of the filesystem of ``path``.

  Walks up to the nearest existing parent of the (localized) path.
  """
  local = LocalizePath(path)
  while not os.path.exists(local) and local != "/":
    local = os.path.dirname(local)
  usage = shutil.disk_usage(local)
  return {"storage_free": usage.free // (1024 * 1024),
          "storage_size": usage.total // (1024 * 1024)}


class FileStorage(base.BlockDev):
  """A disk stored in a (sparse) file: dev_type ``file`` and ``sharedfile``.

  The logical id is ``(driver, cluster path)``; ``dev_path`` is the local
  path (below the node root in a virtual cluster).  There is nothing to
  assemble, open or shut down: the file exists or it does not.
  """

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    (driver, path) = base.CheckLogicalId(unique_id, 2, "file")
    if driver not in constants.FILE_DRIVER:
      base.ThrowError("Unknown file driver '%s'", driver)
    cpath = ClusterPath(path)
    try:
      CheckFileStoragePathAcceptance(cpath)
    except errors.FileStoragePathError as err:
      base.ThrowError("%s", err)
    super().__init__((driver, path), children, size, params, dyn_params,
                     **kwargs)
    self.driver = driver
    self.cluster_path = cpath
    self.dev_path = LocalizePath(cpath)
    self.Attach()

  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """Create the sparse file of ``size`` MiB; its directory must be an
    allowed file storage path and the file must not exist.

    @raise errors.BlockDeviceError: exclusive storage, bad path, existing
      file or creation error
    """
    if excl_stor:
      base.ThrowError("File storage does not support exclusive storage")
    (driver, path) = base.CheckLogicalId(unique_id, 2, "file")
    cpath = ClusterPath(path)
    try:
      CheckFileStoragePathAcceptance(os.path.dirname(cpath))
    except errors.FileStoragePathError as err:
      base.ThrowError("%s", err)
    local = LocalizePath(cpath)
    try:
      os.makedirs(os.path.dirname(local), 0o750, exist_ok=True)
      fd = os.open(local, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
      base.ThrowError("File already existing: %s", cpath)
    except OSError as err:
      base.ThrowError("Error in file creation: %s", err)
    try:
      os.ftruncate(fd, int(size) * base.MIB)
    except OSError as err:
      os.close(fd)
      os.unlink(local)
      base.ThrowError("Error in file creation: %s", err)
    os.close(fd)
    return cls(unique_id, children, size, params, dyn_params, **kwargs)

  def Attach(self, **kwargs) -> bool:
    self.attached = os.path.isfile(self.dev_path)
    return self.attached

  def Exists(self) -> bool:
    return self.Attach()

  def Assemble(self) -> None:
    """Check that the file exists."""
    if not os.path.isfile(self.dev_path):
      base.ThrowError("File device '%s' does not exist", self.cluster_path)
    self.attached = True

  def Shutdown(self) -> None:
    """Nothing to do for files."""

  def Remove(self) -> None:
    """Delete the file; a missing file is fine."""
    try:
      os.unlink(self.dev_path)
    except FileNotFoundError:
      pass
    except OSError as err:
      base.ThrowError("Can't remove file '%s': %s", self.cluster_path, err)
    self.attached = False

  def GetActualSize(self) -> int:
    """The file's size in bytes."""
    try:
      return os.stat(self.dev_path).st_size
    except OSError as err:
      base.ThrowError("Can't stat %s: %s", self.cluster_path, err)

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """Extend the file by ``amount`` MiB (only the backing-storage pass)."""
    if not backingstore:
      return
    current = self.GetActualSize()
    new_size = current + int(amount) * base.MIB
    if new_size <= current:
      base.ThrowError("Invalid grow amount %s for %s", amount,
                      self.cluster_path)
    if dryrun:
      return
    try:
      os.truncate(self.dev_path, new_size)
    except OSError as err:
      base.ThrowError("Can't grow %s: %s", self.cluster_path, err)
