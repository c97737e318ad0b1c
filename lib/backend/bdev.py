"""Block device procedures: create, assemble, find, grow, remove, ...

Disks arrive as ``objects.Disk.ToDict()`` dicts with ``params`` filled and,
per node, ``dynamic_params``; children (DRBD's data and meta LVs) are
nested dicts of the same shape.  The storage class of each ``dev_type``
comes from :func:`ganeti.storage.GetDeviceClass`; nothing here knows a
particular type beyond Ganeti's three placement rules:

* created on a secondary node: ``drbd`` and ``plain`` (the master decides);
* assembled on a secondary node: ``drbd`` and ``plain``;
* opened on a secondary node: ``plain``.

Assembling on the primary node links the device as
``$RUN_DIR/instance-disks/<instance>:<idx>`` (Ganeti's disk symlinks).
"""

import errno
import logging
import os

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import pathutils
from ganeti import storage
from ganeti.backend import RPCFail, _Fail
from ganeti.storage import base as bdev_base
from ganeti.storage import filestorage

# Local disk status values (Ganeti's LDS_*)
LDS_OKAY = bdev_base.LDS_OKAY
LDS_UNKNOWN = bdev_base.LDS_UNKNOWN
LDS_FAULTY = bdev_base.LDS_FAULTY

_ASSEMBLE_ON_SECONDARY = frozenset([constants.DT_DRBD8, constants.DT_PLAIN])
_OPEN_ON_SECONDARY = frozenset([constants.DT_PLAIN])

#: separator between instance name and disk index in disk symlinks
_DISK_LINK_SEP = ":"

_DD_BLOCK_SIZE = 1024 * 1024


def ToDisk(disk):
  """An L{objects.Disk} from a disk object or its dict (as RPC sends)."""
  if isinstance(disk, objects.Disk):
    return disk
  return objects.Disk.FromDict(disk)


_ToDisk = ToDisk


def ToInstance(inst):
  """An L{objects.Instance} from an instance object or its dict."""
  if isinstance(inst, objects.Instance):
    return inst
  return objects.Instance.FromDict(inst)


def _Name(disk):
  return disk.iv_name or disk.uuid or str(disk.logical_id)


def _ChildrenNeeded(disk) -> int:
  """How many children must assemble: -1 all, DRBD 0 (it runs diskless)."""
  if disk.dev_type == constants.DT_DRBD8:
    return 0
  return -1


def _NewDevice(disk, children):
  """The device object of ``disk`` (attaching happens in its constructor).

  @raise errors.BlockDeviceError: unsupported type or bad logical id
  """
  cls = storage.GetDeviceClass(disk.dev_type)
  return cls(disk.logical_id, children, disk.size, disk.params or {},
             disk.dynamic_params or {}, name=disk.name, uuid=disk.uuid)


def FindDevice(disk):
  """The attached device of ``disk`` (children first), or None.

  @raise errors.BlockDeviceError: a device could not be looked up
  """
  disk = _ToDisk(disk)
  children = [FindDevice(child) for child in disk.children or []]
  dev = _NewDevice(disk, children)
  if not dev.attached:
    return None
  return dev


def _RecursiveAssemble(disk, owner, as_primary):
  """Assemble the children, then ``disk`` where it must be assembled.

  @return: the device, or True when it is not assembled on this node
  @raise errors.BlockDeviceError: assembling failed
  """
  children = []
  if disk.children:
    needed = _ChildrenNeeded(disk)
    max_missing = 0 if needed == -1 else len(disk.children) - needed
    for child in disk.children:
      try:
        cdev = _RecursiveAssemble(child, owner, as_primary)
      except errors.BlockDeviceError as err:
        if children.count(None) >= max_missing:
          raise
        logging.error("Error in child activation (but continuing): %s", err)
        cdev = None
      children.append(cdev if cdev is not True else None)
  if as_primary or disk.dev_type in _ASSEMBLE_ON_SECONDARY:
    dev = _NewDevice(disk, children)
    dev.Assemble()
    if as_primary or disk.dev_type in _OPEN_ON_SECONDARY:
      dev.Open()
    return dev
  return True


def _DiskLinkPath(instance_name, idx):
  return os.path.join(pathutils.Get().DISK_LINKS_DIR, "%s%s%d" %
                      (instance_name, _DISK_LINK_SEP, idx))


def SymlinkBlockDev(instance_name, device_path, idx):
  """Point ``instance-disks/<instance>:<idx>`` at ``device_path``.

  @return: the link's path
  @raise OSError: the link can't be made
  """
  link = _DiskLinkPath(instance_name, idx)
  os.makedirs(os.path.dirname(link), 0o755, exist_ok=True)
  try:
    os.symlink(device_path, link)
  except OSError as err:
    if err.errno != errno.EEXIST:
      raise
    if not os.path.islink(link) or os.readlink(link) != device_path:
      os.remove(link)
      os.symlink(device_path, link)
  return link


def RemoveBlockDevLinks(instance_name, disks):
  """Remove the disk symlinks of an instance (errors are only logged)."""
  for idx in range(len(disks)):
    link = _DiskLinkPath(instance_name, idx)
    if os.path.islink(link):
      try:
        os.remove(link)
      except OSError as err:
        logging.exception("Can't remove symlink '%s': %s", link, err)


def _DeviceUri(instance, disk, dev):
  """The userspace URI when the disk's access parameter asks for one."""
  access = (disk.params or {}).get(bdev_base.LDP_ACCESS,
                                   bdev_base.ACCESS_KERNELSPACE)
  if access == bdev_base.ACCESS_USERSPACE:
    return dev.GetUserspaceAccessUri(instance.hypervisor)
  return None


def _InstanceName(instance):
  if isinstance(instance, dict):
    return instance.get("name")
  if isinstance(instance, objects.Instance):
    return instance.name
  return instance


def _ToInstance(instance):
  """L{ToInstance}, also accepting a bare instance name."""
  if isinstance(instance, (objects.Instance, dict)):
    return ToInstance(instance)
  return objects.Instance(name=instance, hypervisor=None)


# ---------------------------------------------------------------------------
# RPC procedures

def _RemoveAfterFailure(dev):
  """Remove a device just created whose set-up failed (errors logged)."""
  try:
    dev.Remove()
  except errors.BlockDeviceError as err:
    logging.error("Can't remove the half-created device %s: %s",
                  dev.unique_id, err)


def BlockdevCreate(disk, size, owner, on_primary, info, excl_stor):
  """Create a disk whose children exist already; return its unique id.

  The children are assembled (and opened where the device will be
  assembled), the device is created, assembled and opened where its type
  needs it, then tagged with ``info``.  If a step after the creation
  fails, the new device is removed again (not its children: the master
  created them and removes them).
  """
  disk = _ToDisk(disk)
  if disk.size is None:
    disk.size = size
  clist = []
  for child in disk.children or []:
    try:
      cdev = _RecursiveAssemble(child, owner, on_primary)
    except errors.BlockDeviceError as err:
      _Fail("Can't assemble device %s: %s", child, err)
    if cdev is True:
      cdev = None
    elif on_primary or disk.dev_type in _ASSEMBLE_ON_SECONDARY:
      try:
        cdev.Open()
      except errors.BlockDeviceError as err:
        _Fail("Can't make child '%s' read-write: %s", child, err)
    clist.append(cdev)
  try:
    cls = storage.GetDeviceClass(disk.dev_type)
    dev = cls.Create(disk.logical_id, clist, disk.size, disk.spindles,
                     disk.params or {}, excl_stor, disk.dynamic_params or {},
                     name=disk.name, uuid=disk.uuid)
  except errors.BlockDeviceError as err:
    _Fail("Can't create block device: %s", err)
  try:
    if on_primary or disk.dev_type in _ASSEMBLE_ON_SECONDARY:
      step = "Can't assemble device after creation, unusual event"
      dev.Assemble()
      if on_primary or disk.dev_type in _OPEN_ON_SECONDARY:
        step = "Can't make device r/w after creation, unusual event"
        dev.Open(force=True)
    step = "Can't set information on the new device"
    dev.SetInfo(info)
  except errors.BlockDeviceError as err:
    _RemoveAfterFailure(dev)
    _Fail("%s: %s", step, err)
  logging.info("Created disk %s (%s) at %s", _Name(disk), disk.logical_id,
               dev.dev_path)
  return list(dev.unique_id)


def BlockdevRemove(disk):
  """Remove a disk, then its children; errors are collected.

  A device that can't be found is not an error (already removed).
  """
  disk = _ToDisk(disk)
  msgs = []
  try:
    dev = FindDevice(disk)
  except errors.BlockDeviceError as err:
    logging.info("Can't attach to device %s in remove: %s", _Name(disk), err)
    dev = None
  if dev is not None:
    try:
      dev.Remove()
    except errors.BlockDeviceError as err:
      msgs.append(str(err))
  for child in disk.children or []:
    try:
      BlockdevRemove(child)
    except RPCFail as err:
      msgs.append(str(err))
  if msgs:
    _Fail("; ".join(msgs))
  return None


def BlockdevAssemble(disk, instance, on_primary, idx):
  """Assemble a disk and its children; return [dev_path, link_name, uri].

  On the primary node the device is opened, linked as
  ``<instance>:<idx>`` and, for userspace access, its URI computed.
  Elsewhere (a device not assembled on secondaries) all three are None.
  """
  disk = _ToDisk(disk)
  instance = _ToInstance(instance)
  if on_primary and not instance.name:
    _Fail("Can't assemble disk %s on the primary node without an instance"
          " name", _Name(disk))
  try:
    dev = _RecursiveAssemble(disk, instance.name, on_primary)
    if dev is True:
      return [None, None, None]
    link = None
    uri = None
    if on_primary:
      if dev.dev_path:
        link = SymlinkBlockDev(instance.name, dev.dev_path, idx)
      uri = _DeviceUri(instance, disk, dev)
  except errors.BlockDeviceError as err:
    _Fail("Error while assembling disk: %s", err)
  except OSError as err:
    _Fail("Error while symlinking disk: %s", err)
  return [dev.dev_path, link, uri]


def BlockdevShutdown(disk):
  """Shut a disk down, then its children; errors are collected."""
  disk = _ToDisk(disk)
  msgs = []
  try:
    dev = FindDevice(disk)
  except errors.BlockDeviceError as err:
    _Fail("Can't find device %s: %s", _Name(disk), err)
  if dev is not None:
    try:
      dev.Shutdown()
    except errors.BlockDeviceError as err:
      msgs.append(str(err))
  for child in disk.children or []:
    try:
      BlockdevShutdown(child)
    except RPCFail as err:
      msgs.append(str(err))
  if msgs:
    _Fail("; ".join(msgs))
  return None


def BlockdevFind(disk):
  """The BlockDevStatus dict of an existing disk, or None."""
  try:
    dev = FindDevice(disk)
  except errors.BlockDeviceError as err:
    _Fail("Failed to find device: %s", err)
  if dev is None:
    return None
  return dev.GetSyncStatus().ToDict()


def BlockdevGetmirrorstatus(disks):
  """List of ``[success, BlockDevStatus dict or error message]``."""
  result = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      dev = FindDevice(disk)
      if dev is None:
        result.append([False, "Can't find device %s" % _Name(disk)])
        continue
      status = dev.CombinedSyncStatus()
    except errors.BlockDeviceError as err:
      logging.exception("Error while getting disk status")
      result.append([False, str(err)])
      continue
    result.append([True, status.ToDict()])
  return result


def _FindOrFail(disk, action):
  disk = _ToDisk(disk)
  try:
    dev = FindDevice(disk)
  except errors.BlockDeviceError as err:
    _Fail("Cannot %s device %s: %s", action, _Name(disk), err)
  if dev is None:
    _Fail("Cannot find block device %s", _Name(disk))
  return (disk, dev)


def BlockdevGrow(disk, amount, dryrun, backingstore, excl_stor):
  """Grow a disk by ``amount`` MiB (see :meth:`BlockDev.Grow`)."""
  (_, dev) = _FindOrFail(disk, "grow")
  try:
    dev.Grow(amount, dryrun, backingstore, excl_stor)
  except errors.BlockDeviceError as err:
    _Fail("Failed to grow block device: %s", err)
  return None


def BlockdevRename(devlist):
  """Rename disks: ``devlist`` is a list of ``[disk, new logical id]``."""
  msgs = []
  for (ddict, new_id) in devlist:
    disk = _ToDisk(ddict)
    try:
      dev = FindDevice(disk)
    except errors.BlockDeviceError as err:
      msgs.append("Can't find device %s in rename: %s" % (_Name(disk), err))
      continue
    if dev is None:
      msgs.append("Can't find device %s in rename" % _Name(disk))
      continue
    try:
      dev.Rename(tuple(new_id))
    except errors.BlockDeviceError as err:
      msgs.append("Can't rename device '%s' to '%s': %s" %
                  (_Name(disk), new_id, err))
  if msgs:
    _Fail("; ".join(msgs))
  return None


def BlockdevSnapshot(disk):
  """Snapshot a disk (through its child of the same size for DRBD).

  @return: the snapshot's logical id
  """
  disk = _ToDisk(disk)
  if disk.children:
    if len(disk.children) == 1:
      return BlockdevSnapshot(disk.children[0])
    for child in disk.children:
      if child.size == disk.size:
        return BlockdevSnapshot(child)
    _Fail("Cannot find a child of %s to snapshot", _Name(disk))
  if disk.dev_type not in (constants.DT_PLAIN, constants.DT_EXT):
    _Fail("Cannot snapshot block device '%s' of type '%s'",
          disk.logical_id, disk.dev_type)
  (_, dev) = _FindOrFail(disk, "snapshot")
  try:
    return list(dev.Snapshot(snap_size=disk.size))
  except errors.BlockDeviceError as err:
    _Fail("Can't snapshot %s: %s", _Name(disk), err)


def BlockdevWipe(disk, offset, size):
  """Write zeroes over ``size`` MiB of a disk from ``offset`` MiB."""
  disk = _ToDisk(disk)
  try:
    dev = FindDevice(disk)
  except errors.BlockDeviceError:
    dev = None
  if dev is None or not dev.dev_path:
    _Fail("Cannot execute wipe for device %s: device not found",
          _Name(disk))
  if offset < 0:
    _Fail("Negative offset")
  if size < 0:
    _Fail("Negative size")
  if offset > dev.size:
    _Fail("Wipe offset is bigger than device size")
  if offset + size > dev.size:
    _Fail("Wipe offset and size are bigger than device size")
  cmd = ["dd", "if=/dev/zero", "seek=%d" % offset, "bs=%d" % _DD_BLOCK_SIZE,
         "oflag=direct", "of=%s" % dev.dev_path, "count=%d" % size,
         "conv=notrunc"]
  result = bdev_base.RunCmd(cmd)
  if result.failed:
    _Fail("Can't wipe disk %s (%s): %s", _Name(disk), result.fail_reason,
          result.output)
  return None


def _FindAll(disks):
  devs = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      dev = FindDevice(disk)
    except errors.BlockDeviceError as err:
      _Fail("Can't find device %s: %s", _Name(disk), err)
    if dev is None:
      _Fail("Can't find device %s", _Name(disk))
    devs.append(dev)
  return devs


def BlockdevClose(instance_name, disks):
  """Close disks (DRBD: secondary); then drop the instance's disk links."""
  msgs = []
  for dev in _FindAll(disks):
    try:
      dev.Close()
    except errors.BlockDeviceError as err:
      msgs.append(str(err))
  if msgs:
    _Fail("Can't close devices: %s", ",".join(msgs))
  if instance_name:
    RemoveBlockDevLinks(instance_name, disks)
  return None


def BlockdevOpen(instance_name, disks, exclusive):
  """Open disks (``exclusive`` False while migrating) and link them."""
  msgs = []
  for (idx, dev) in enumerate(_FindAll(disks)):
    try:
      dev.Open(exclusive=exclusive)
      if dev.dev_path:
        SymlinkBlockDev(instance_name, dev.dev_path, idx)
    except (errors.BlockDeviceError, OSError) as err:
      msgs.append(str(err))
  if msgs:
    _Fail("Can't open devices: %s", ",".join(msgs))
  return None


def BlockdevGetdimensions(disks):
  """``[size in bytes, spindles]`` per disk, None for one not found."""
  result = []
  for ddict in disks:
    try:
      dev = FindDevice(ddict)
      result.append(list(dev.GetActualDimensions()) if dev is not None
                    else None)
    except errors.BlockDeviceError as err:
      logging.warning("Can't get the dimensions of %s: %s", ddict, err)
      result.append(None)
  return result


def BlockdevSetinfo(disk, info):
  """Attach metadata (``originstname+<instance>``) to a disk."""
  (_, dev) = _FindOrFail(disk, "set information on")
  try:
    dev.SetInfo(info)
  except errors.BlockDeviceError as err:
    _Fail("Failed to set information: %s", err)
  return None


def BlockdevPauseResumeSync(disks, pause):
  """``[success, error message or None]`` per disk."""
  result = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      dev = FindDevice(disk)
    except errors.BlockDeviceError:
      dev = None
    if dev is None:
      result.append([False, "Cannot change sync for device %s: device not"
                     " found" % _Name(disk)])
      continue
    ok = dev.PauseResumeSync(pause)
    if ok:
      result.append([True, None])
    else:
      result.append([False, "%s for device %s failed" %
                     ("Pause" if pause else "Resume", _Name(disk))])
  return result


# ---------------------------------------------------------------------------
# Helpers for instance start and the OS scripts

def OpenDevice(disk):
  """Find and open a disk of an instance on its primary node.

  @raise errors.BlockDeviceError: not set up, or opening failed
  """
  dev = FindDevice(disk)
  if dev is None:
    raise errors.BlockDeviceError("Block device '%s' is not set up" %
                                  _Name(_ToDisk(disk)))
  dev.Open()
  return dev


def GatherAndLinkBlockDevs(instance):
  """``[(disk, link path, uri)]`` for starting ``instance``.

  Each disk must be assembled already; it is opened and linked.

  @raise errors.BlockDeviceError: a disk is missing or can't be linked
  """
  result = []
  for (idx, disk) in enumerate(instance.disks_info or []):
    disk = _ToDisk(disk)
    dev = OpenDevice(disk)
    link = None
    if dev.dev_path:
      try:
        link = SymlinkBlockDev(instance.name, dev.dev_path, idx)
      except OSError as err:
        raise errors.BlockDeviceError("Cannot create block device symlink:"
                                      " %s" % err.strerror)
    result.append((disk, link, _DeviceUri(instance, disk, dev)))
  return result


# ---------------------------------------------------------------------------
# File storage directories

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
