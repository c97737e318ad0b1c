"""Block device and file storage procedures.

Disks arrive as ``objects.Disk.ToDict()`` dicts.  Diskless instances have
no disks, so only file-based templates reach these functions.
"""

import logging
import os

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import storage
from ganeti.backend import RPCFail, _Fail
from ganeti.storage import filestorage

# Local disk status values (Ganeti's LDS_*)
LDS_OKAY = 1
LDS_UNKNOWN = 2
LDS_FAULTY = 3


def _ToDisk(disk):
  if isinstance(disk, objects.Disk):
    return disk
  return objects.Disk.FromDict(disk)


def _DeviceFor(disk):
  try:
    cls = storage.GetDeviceClass(disk.dev_type)
    return cls(disk.logical_id, disk.size)
  except errors.BlockDeviceError as err:
    _Fail("Cannot handle disk %s: %s", disk.iv_name or disk.uuid, err)


def BlockdevCreate(disk, size, owner, on_primary, info, excl_stor):
  """Create a disk; returns its unique id (logical id as a list)."""
  disk = _ToDisk(disk)
  if disk.children:
    _Fail("Disks with children are not supported on this node")
  try:
    cls = storage.GetDeviceClass(disk.dev_type)
    dev = cls.Create(disk.logical_id, size)
  except errors.BlockDeviceError as err:
    _Fail("Can't create block device: %s", err)
  logging.info("Created disk %s at %s", disk.logical_id, dev.dev_path)
  return list(disk.logical_id)


def BlockdevRemove(disk):
  """Remove a disk; a missing disk is not an error."""
  disk = _ToDisk(disk)
  dev = _DeviceFor(disk)
  try:
    dev.Remove()
  except errors.BlockDeviceError as err:
    _Fail("Can't remove block device: %s", err)
  return None


def BlockdevAssemble(disk, instance, on_primary, idx):
  """Make a disk usable; returns [dev_path, link_name, uri].

  For files the device is the (local) file path; there is no symlink and
  no userspace URI.
  """
  disk = _ToDisk(disk)
  dev = _DeviceFor(disk)
  try:
    path = dev.Assemble()
  except errors.BlockDeviceError as err:
    _Fail("Error while assembling disk: %s", err)
  return [path, None, None]


def BlockdevShutdown(disk):
  disk = _ToDisk(disk)
  _DeviceFor(disk).Shutdown()
  return None


def _Status(disk):
  dev = _DeviceFor(disk)
  if not dev.Exists():
    return None
  return objects.BlockDevStatus(dev_path=dev.dev_path, major=None,
                                minor=None, sync_percent=None,
                                estimated_time=None, is_degraded=False,
                                ldisk_status=LDS_OKAY)


def BlockdevFind(disk):
  """BlockDevStatus dict of an existing disk, or None."""
  status = _Status(_ToDisk(disk))
  return status.ToDict() if status is not None else None


def BlockdevGetmirrorstatus(disks):
  """List of [success, BlockDevStatus dict or error message] per disk."""
  result = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      status = _Status(disk)
    except RPCFail as err:
      result.append([False, str(err)])
      continue
    if status is None:
      result.append([False, "Can't find device %s" %
                     (disk.iv_name or disk.logical_id,)])
    else:
      result.append([True, status.ToDict()])
  return result


def FileStorageDirCreate(file_storage_dir):
  try:
    filestorage.CreateFileStorageDir(file_storage_dir)
  except (errors.FileStoragePathError, OSError) as err:
    _Fail("Cannot create file storage directory '%s': %s",
          file_storage_dir, err)
  return None


def FileStorageDirRemove(file_storage_dir):
  try:
    filestorage.RemoveFileStorageDir(file_storage_dir)
  except (errors.FileStoragePathError, OSError) as err:
    _Fail("Cannot remove file storage directory '%s': %s",
          file_storage_dir, err)
  return None


def FileStorageDirRename(old_file_storage_dir, new_file_storage_dir):
  """Rename a file storage directory (both must be allowed paths).

  Nothing is done if the new directory exists and the old one does not
  (a repeated rename); both existing is an error.
  """
  paths = []
  for path in (old_file_storage_dir, new_file_storage_dir):
    cpath = filestorage.ClusterPath(path)
    try:
      filestorage.CheckFileStoragePathAcceptance(cpath)
    except errors.FileStoragePathError as err:
      _Fail("Cannot rename file storage directory: %s", err)
    paths.append((cpath, filestorage.LocalizePath(cpath)))
  ((old_c, old_l), (new_c, new_l)) = paths
  if not os.path.exists(new_l):
    if not os.path.isdir(old_l):
      _Fail("Specified storage dir '%s' is not a directory", old_c)
    try:
      os.rename(old_l, new_l)
    except OSError as err:
      _Fail("Cannot rename '%s' to '%s': %s", old_c, new_c, err)
  elif os.path.exists(old_l):
    _Fail("Cannot rename '%s' to '%s': both locations exist", old_c, new_c)
  return None


# storage_list fields (Ganeti's SF_* names)
SF_NAME = "name"
SF_SIZE = "size"
SF_USED = "used"
SF_FREE = "free"
SF_ALLOCATABLE = "allocatable"
SF_TYPE = "type"


def StorageList(su_name, su_args, name, fields):
  """List storage units of type ``su_name``: list of rows (field values).

  For ``file``/``sharedfile`` the unit is the directory ``name`` (or each
  directory in su_args when name is None); sizes are MiB.
  """
  if su_name not in (constants.ST_FILE, constants.ST_SHARED_FILE):
    _Fail("Storage type '%s' is not supported on this node", su_name)
  dirs = [name] if name else list(su_args or [])
  rows = []
  for path in dirs:
    local = filestorage.LocalizePath(path)
    info = filestorage.GetFileStorageSpaceInfo(path)
    used = 0
    if os.path.isdir(local):
      for (dirpath, _, files) in os.walk(local):
        for fname in files:
          try:
            used += os.stat(os.path.join(dirpath, fname)).st_blocks * 512
          except OSError:
            pass
    values = {SF_NAME: path, SF_SIZE: info["storage_size"],
              SF_FREE: info["storage_free"], SF_USED: used // (1024 * 1024),
              SF_ALLOCATABLE: True, SF_TYPE: su_name}
    row = []
    for field in fields:
      if field not in values:
        _Fail("Unknown storage field '%s'", field)
      row.append(values[field])
    rows.append(row)
  return rows
