"""Attaching and detaching the children of a mirror (replace-disks).

``blockdev_addchildren`` gives a diskless DRBD device new local storage
(the new data and meta LVs); ``blockdev_removechildren`` detaches its
current local storage.  Both take the parent disk and the children as
disk dicts.
"""

from ganeti import errors
from ganeti.backend import _Fail
from ganeti.backend import bdev


def _Find(disk, what):
  try:
    return bdev.FindDevice(disk)
  except errors.BlockDeviceError as err:
    _Fail("Can't find %s: %s", what, err)


def BlockdevAddchildren(parent_cdev, new_cdevs):
  """Attach the (existing) devices new_cdevs to the parent device."""
  parent = _Find(parent_cdev, "parent device")
  if parent is None:
    _Fail("Can't find parent device '%s' in add children",
          bdev._Name(bdev._ToDisk(parent_cdev)))
  new_devs = [_Find(disk, "new device") for disk in new_cdevs]
  if None in new_devs:
    _Fail("Can't find new device(s) to add: %s",
          ", ".join(bdev._Name(bdev._ToDisk(d))
                    for (d, dev) in zip(new_cdevs, new_devs) if dev is None))
  try:
    parent.AddChildren(new_devs)
  except errors.BlockDeviceError as err:
    _Fail("Can't add children to %s: %s",
          bdev._Name(bdev._ToDisk(parent_cdev)), err)
  return None


def BlockdevRemovechildren(parent_cdev, old_cdevs):
  """Detach the devices old_cdevs (given by their disk dicts) from the
  parent device."""
  parent = _Find(parent_cdev, "parent device")
  if parent is None:
    _Fail("Can't find parent device '%s' in remove children",
          bdev._Name(bdev._ToDisk(parent_cdev)))
  paths = []
  for ddict in old_cdevs:
    disk = bdev._ToDisk(ddict)
    path = disk.StaticDevPath()
    if path is None:
      dev = _Find(disk, "device")
      if dev is None:
        _Fail("Can't find device %s while removing children",
              bdev._Name(disk))
      path = dev.dev_path
    paths.append(path)
  try:
    parent.RemoveChildren(paths)
  except errors.BlockDeviceError as err:
    _Fail("Can't remove children of %s: %s",
          bdev._Name(bdev._ToDisk(parent_cdev)), err)
  return None
