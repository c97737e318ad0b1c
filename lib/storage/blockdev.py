"""Adopted block devices (dev_type ``blockdev``).

A ``blockdev`` disk is a block device that already exists on the node
(a SAN LUN, a partition, ...): Ganeti never creates nor destroys it, it
only checks and uses it.  The logical id is ``("manual", <path>)``.

Which paths are allowed:

* on the node, the path must resolve (symlinks followed) to something
  below ``/dev/`` and be a block device (:func:`CheckDevicePath`);
* the master adopts only paths below ``/dev/disk/``, the persistent names
  udev keeps across reboots (:func:`CheckAdoptablePath`).
"""

import os
import stat

from ganeti.storage import base

#: the only driver of adopted block devices
BLOCKDEV_DRIVER_MANUAL = "manual"

#: where the node accepts adopted devices (after resolving symlinks)
DEV_ROOT = "/dev/"

#: where the master accepts paths of devices to adopt
ADOPTABLE_BLOCKDEV_ROOT = "/dev/disk/"


def CheckDevicePath(path: str) -> str:
  """Check the node-side rule on ``path``; return its resolved path.

  @raise errors.BlockDeviceError: relative, or resolves outside /dev
  """
  if not isinstance(path, str) or not os.path.isabs(path):
    base.ThrowError("Block device path must be absolute, got %r", path)
  real = os.path.realpath(path)
  if not real.startswith(DEV_ROOT):
    base.ThrowError("Full path '%s' lies outside %s", real, DEV_ROOT)
  return real


def CheckAdoptablePath(path: str) -> None:
  """The master's adoption rule: a normalized path below /dev/disk/.

  @raise errors.BlockDeviceError: the path may not be adopted
  """
  if (not isinstance(path, str) or os.path.normpath(path) != path or
      not path.startswith(ADOPTABLE_BLOCKDEV_ROOT)):
    base.ThrowError("Device node %s lies outside %s and cannot be adopted",
                    path, ADOPTABLE_BLOCKDEV_ROOT)


class PersistentBlockDevice(base.BlockDev):
  """An existing block device adopted by an instance."""

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    (driver, path) = base.CheckLogicalId(unique_id, 2, "blockdev")
    if driver != BLOCKDEV_DRIVER_MANUAL:
      base.ThrowError("Got persistent block device of invalid type: %s",
                      driver)
    CheckDevicePath(path)
    super().__init__((driver, path), children, size, params, dyn_params,
                     **kwargs)
    self.dev_path = path
    self.Attach()

  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """"Create" = adopt: the device must already exist.

    @raise errors.BlockDeviceError: exclusive storage, bad id or path, or
      the path is not an existing block device
    """
    if excl_stor:
      base.ThrowError("Persistent block device requested with"
                      " exclusive_storage")
    dev = cls(unique_id, children, size, params, dyn_params, **kwargs)
    if not dev.attached:
      base.ThrowError("Can't find block device %s", dev.dev_path)
    return dev

  def Attach(self, **kwargs) -> bool:
    """The path must be a block device; records major/minor."""
    self.attached = False
    try:
      st = os.stat(self.dev_path)
    except OSError:
      return False
    if not stat.S_ISBLK(st.st_mode):
      return False
    self.major = os.major(st.st_rdev)
    self.minor = os.minor(st.st_rdev)
    self.attached = True
    return True

  def Assemble(self) -> None:
    """Nothing to activate, but the device must be there."""
    if not self.Attach():
      base.ThrowError("Can't find block device %s", self.dev_path)

  def Shutdown(self) -> None:
    """Nothing to do."""

  def Remove(self) -> None:
    """Nothing: the device is not ours to destroy (only released)."""

  def Rename(self, new_id) -> None:
    base.ThrowError("Rename is not supported for adopted block devices")

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    base.ThrowError("Grow is not supported for adopted block devices")

  def Import(self):
    """Refused: an adopted device's data is not Ganeti's to overwrite."""
    base.ThrowError("Importing data is not supported for adopted block"
                    " devices")
