"""Storage unit reports: node_info space, storage_list, LVM lists, sizes.

Storage units are ``[type, key, params]`` (``lvm-vg``/``lvm-pv``: the VG
name and ``[exclusive_storage]``; ``file``/``sharedfile``: the directory).
Sizes are MiB everywhere.
"""

import logging
import os
import stat

from ganeti import constants
from ganeti import errors
from ganeti.backend import _Fail
from ganeti.storage import base as bdev_base
from ganeti.storage import filestorage
from ganeti.storage import logical_volume

# storage_list fields (Ganeti's SF_* names)
SF_NAME = "name"
SF_SIZE = "size"
SF_USED = "used"
SF_FREE = "free"
SF_ALLOCATABLE = "allocatable"
SF_TYPE = "type"

_DEV_PREFIX = "/dev/"


def _ExclusiveStorage(params) -> bool:
  """The exclusive-storage flag of an LVM unit's params (default False)."""
  if not params:
    return False
  if len(params) != 1 or not isinstance(params[0], bool):
    _Fail("Expected exactly one boolean parameter (exclusive storage) for"
          " LVM storage units, got %s" % (params,))
  return params[0]


def _LvmVgSpace(name, params):
  excl = _ExclusiveStorage(params)
  try:
    info = logical_volume.GetVGInfo([name], excl)
  except errors.BlockDeviceError as err:
    _Fail("Can't get information about volume group %s: %s", name, err)
  if info:
    (free, size) = (int(round(info[0][0], 0)), int(round(info[0][1], 0)))
  else:
    (free, size) = (None, None)
  return {"type": constants.ST_LVM_VG, "name": name, "storage_free": free,
          "storage_size": size}


def _LvmPvSpace(name, params):
  """Spindles: empty PVs free, all PVs total (0/0 without exclusive
  storage)."""
  (free, size) = (0, 0)
  if _ExclusiveStorage(params):
    try:
      (free, size) = logical_volume.GetVgSpindlesInfo(name)
    except errors.BlockDeviceError as err:
      _Fail("Can't get the PVs of volume group %s: %s", name, err)
  return {"type": constants.ST_LVM_PV, "name": name, "storage_free": free,
          "storage_size": size}


def _FileSpace(stype, path):
  info = filestorage.GetFileStorageSpaceInfo(path)
  info.update({"type": stype, "name": path})
  return info


def GetStorageSpaceInfo(unit):
  """The space dict of one ``node_info`` storage unit.

  Keys: ``type``, ``name``, ``storage_free``, ``storage_size``.  Types
  whose space the node can't know (``blockdev``, ``rados``, ``ext``)
  report None for both, as Ganeti does not report them either.
  """
  (stype, key, params) = (list(unit) + [None, None])[:3]
  if stype == constants.ST_LVM_VG:
    return _LvmVgSpace(key, params)
  if stype == constants.ST_LVM_PV:
    return _LvmPvSpace(key, params)
  if stype in (constants.ST_FILE, constants.ST_SHARED_FILE):
    return _FileSpace(stype, key)
  if stype == constants.ST_DISKLESS:
    return {"type": stype, "name": key, "storage_free": 0,
            "storage_size": 0}
  if stype in (constants.ST_BLOCK, constants.ST_RBD, constants.ST_EXT):
    return {"type": stype, "name": key, "storage_free": None,
            "storage_size": None}
  _Fail("Storage type %s not supported on this node", stype)


# ---------------------------------------------------------------------------
# storage_list

def _ParseSize(value):
  return int(round(float(value), 0))


def _PvAllocatable(attr):
  return bool(attr) and attr[0] == "a"


# SF field -> (LVM fields, mapper: None = the single value, callable =
# applied to the values, other = constant)
_LVM_FIELDS = {
  constants.ST_LVM_PV: ("pvs", {
    SF_NAME: (["pv_name"], None),
    SF_SIZE: (["pv_size"], _ParseSize),
    SF_USED: (["pv_used"], _ParseSize),
    SF_FREE: (["pv_free"], _ParseSize),
    SF_ALLOCATABLE: (["pv_attr"], _PvAllocatable),
  }),
  constants.ST_LVM_VG: ("vgs", {
    SF_NAME: (["vg_name"], None),
    SF_SIZE: (["vg_size"], _ParseSize),
    SF_FREE: (["vg_free"], _ParseSize),
    SF_USED: (["vg_size", "vg_free"],
              lambda size, free: _ParseSize(size) - _ParseSize(free)),
    SF_ALLOCATABLE: ([], True),
  }),
}


def _LvmStorageList(su_name, name, fields):
  (command, table) = _LVM_FIELDS[su_name]
  lvm_fields = []
  for field in fields:
    if field == SF_TYPE:
      continue
    if field not in table:
      _Fail("Unknown storage field '%s' for storage type %s", field, su_name)
    for lvm_field in table[field][0]:
      if lvm_field not in lvm_fields:
        lvm_fields.append(lvm_field)
  if not lvm_fields:
    lvm_fields = list(table[SF_NAME][0])
  cmd = [command, "--noheadings", "--units=m", "--nosuffix", "--separator",
         "|", "--options", ",".join(lvm_fields)]
  if name is not None:
    cmd.append(name)
  result = bdev_base.RunCmd(cmd)
  if result.failed:
    _Fail("Failed to run %r, command output: %s", command, result.output)
  rows = []
  for line in result.stdout.splitlines():
    values = line.strip().split("|")
    if len(values) != len(lvm_fields):
      if line.strip():
        logging.warning("Invalid line returned from lvm command: %s", line)
      continue
    raw = dict(zip(lvm_fields, values))
    row = []
    for field in fields:
      if field == SF_TYPE:
        row.append(su_name)
        continue
      (names, mapper) = table[field]
      args = [raw[n] for n in names]
      try:
        if callable(mapper):
          row.append(mapper(*args))
        elif mapper is None:
          row.append(args[0])
        else:
          row.append(mapper)
      except ValueError:
        _Fail("Invalid value in %s output: %r", command, line)
    rows.append(row)
  return rows


def _FileStorageDirs(su_args):
  """The directories of file storage ``su_args``: Ganeti sends the
  arguments of the storage unit, ``[[dir, ...]]``; a flat list of
  directories is accepted too."""
  dirs = []
  for arg in su_args or []:
    if isinstance(arg, (list, tuple)):
      dirs.extend(arg)
    else:
      dirs.append(arg)
  return dirs


def _FileStorageList(su_name, su_args, name, fields):
  dirs = [name] if name else _FileStorageDirs(su_args)
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


def StorageList(su_name, su_args, name, fields):
  """Rows of field values of the storage units of type ``su_name``.

  ``lvm-vg``/``lvm-pv``: every VG/PV (or only ``name``) from vgs/pvs;
  ``file``/``sharedfile``: the directory ``name`` or each of ``su_args``.
  """
  if su_name in _LVM_FIELDS:
    return _LvmStorageList(su_name, name, fields)
  if su_name in (constants.ST_FILE, constants.ST_SHARED_FILE):
    return _FileStorageList(su_name, su_args, name, fields)
  _Fail("Storage type '%s' is not supported on this node", su_name)


# ---------------------------------------------------------------------------
# LVM lists and device sizes

def LvList(vg_name):
  """``{"vg/lv": [size, inactive, online]}`` of the VG(s)."""
  try:
    return logical_volume.GetVolumeList(vg_name)
  except errors.BlockDeviceError as err:
    _Fail("%s", err)


def VgList():
  """``{vg_name: size in MiB}``."""
  try:
    return logical_volume.ListVolumeGroups()
  except errors.BlockDeviceError as err:
    _Fail("%s", err)


def NodeVolumes():
  """``[{"name", "size", "dev", "vg"}]``: one entry per LV and PV."""
  try:
    return logical_volume.GetNodeVolumes()
  except errors.BlockDeviceError as err:
    _Fail("%s", err)


def GetBlockDevSizes(devices):
  """``{path: size in MiB}`` of those ``devices`` that are block devices
  below /dev; others are silently left out."""
  sizes = {}
  for path in devices or []:
    if (not isinstance(path, str) or
        not os.path.normpath(path).startswith(_DEV_PREFIX)):
      continue
    try:
      st = os.stat(path)
    except OSError as err:
      logging.warning("Error stat()'ing device %s: %s", path, err)
      continue
    if not stat.S_ISBLK(st.st_mode):
      continue
    try:
      sizes[path] = bdev_base.GetBlockDevSizeBytes(path) // bdev_base.MIB
    except errors.BlockDeviceError as err:
      logging.warning("Cannot get size for block device %s: %s", path, err)
  return sizes
