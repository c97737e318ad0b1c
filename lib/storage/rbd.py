"""RADOS block devices (dev_type ``rbd``), through the ``rbd`` command.

The logical id is ``("rbd", <image name>)``; the pool comes from the disk
parameter ``pool``.  As in Ganeti, *attaching* an image maps it to a
kernel block device (``rbd map``) when it is not mapped yet, so finding a
disk makes it usable; shutting it down unmaps it.  With the ``access``
disk parameter set to ``userspace`` the hypervisor (KVM) also gets the
URI ``rbd:<pool>/<name>``.

``rbd showmapped`` is read as JSON when the tool supports
``--format json`` (a dict by id before Ceph mimic, a list since), and as
text otherwise (whitespace-separated since Ceph 0.55, tab-separated with a
header before).
"""

import json
import logging
import os
import stat

from ganeti import constants
from ganeti import errors
from ganeti.storage import base

RBD_CMD = "rbd"

#: disk parameter: the RADOS pool
LDP_POOL = "pool"

_PLAIN_FIELDS = 5
_PLAIN_IMAGE = 2
_PLAIN_DEVICE = 4


def ParseShowmappedJson(output: str, pool: str, name: str):
  """The device of image ``pool/name`` in JSON showmapped output, or None.

  @raise errors.BlockDeviceError: not JSON, entries without name/pool, or
    the image is mapped more than once
  """
  try:
    devices = json.loads(output)
  except ValueError as err:
    base.ThrowError("Unable to parse JSON data: %s", err)
  if isinstance(devices, dict):
    devices = list(devices.values())
  if not isinstance(devices, list):
    base.ThrowError("Unexpected rbd showmapped JSON data: %r", output)
  found = None
  for entry in devices:
    if not isinstance(entry, dict):
      base.ThrowError("Unexpected rbd showmapped JSON entry: %r", entry)
    for key in ("name", "pool"):
      if key not in entry:
        base.ThrowError("'%s' key missing from json object %s", key, entry)
    if entry["name"] == name and entry["pool"] == pool:
      if found is not None:
        base.ThrowError("rbd volume %s is mapped more than once", name)
      found = entry.get("device")
  return found


def ParseShowmappedPlain(output: str, name: str):
  """The device of image ``name`` in text showmapped output, or None.

  @raise errors.BlockDeviceError: lines without the five columns, or the
    image is mapped more than once
  """
  lines = [line for line in output.splitlines() if line.strip()]
  if not lines:
    return None
  rows = [line.split() for line in lines]
  if len(rows[0]) != _PLAIN_FIELDS:
    rows = [line.split("\t") for line in lines]
    if len(rows[0]) != _PLAIN_FIELDS:
      base.ThrowError("Cannot parse rbd showmapped output expected %s"
                      " fields, found %s", _PLAIN_FIELDS, len(rows[0]))
  matches = [row for row in rows
             if len(row) == _PLAIN_FIELDS and row[_PLAIN_IMAGE] == name]
  if len(matches) > 1:
    base.ThrowError("rbd volume %s mapped more than once", name)
  if matches:
    return matches[0][_PLAIN_DEVICE]
  return None


def FindMappedDevice(pool: str, name: str):
  """The block device ``pool/name`` is mapped to, or None."""
  result = base.RunCmd([RBD_CMD, "showmapped", "--format", "json"])
  if not result.failed:
    return ParseShowmappedJson(result.stdout, pool, name)
  logging.info("rbd showmapped --format json failed (%s): %s; using the"
               " text output", result.fail_reason, result.output)
  result = base.RunOrFail([RBD_CMD, "showmapped", "-p", pool],
                          "rbd showmapped failed")
  return ParseShowmappedPlain(result.stdout, name)


class RADOSBlockDevice(base.BlockDev):
  """An rbd image, mapped to ``/dev/rbdN`` while attached."""

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    (driver, name) = base.CheckLogicalId(unique_id, 2, "rbd")
    super().__init__((driver, name), children, size, params, dyn_params,
                     **kwargs)
    self.driver = driver
    self.rbd_name = name
    self.rbd_pool = self.params.get(LDP_POOL) or \
      constants.DISK_DT_DEFAULTS[constants.DT_RBD][LDP_POOL]
    self.Attach()

  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """``rbd create -p <pool> <name> --size <MiB>``, then attach (map).

    If mapping the new image fails, the image is removed again.
    """
    if excl_stor:
      base.ThrowError("RBD device requested with exclusive_storage")
    (_, name) = base.CheckLogicalId(unique_id, 2, "rbd")
    pool = (params or {}).get(LDP_POOL) or \
      constants.DISK_DT_DEFAULTS[constants.DT_RBD][LDP_POOL]
    result = base.RunCmd([RBD_CMD, "create", "-p", pool, name, "--size",
                          "%d" % int(size)])
    if result.failed:
      base.ThrowError("rbd creation failed (%s): %s", result.fail_reason,
                      result.output)
    try:
      return cls(unique_id, children, size, params, dyn_params, **kwargs)
    except errors.BlockDeviceError:
      # don't leave an image behind that nobody knows about
      result = base.RunCmd([RBD_CMD, "rm", "-p", pool, name])
      if result.failed:
        logging.error("Can't remove rbd image %s/%s after a failed"
                      " attach: %s", pool, name, result.output)
      raise

  def _Map(self) -> str:
    dev = FindMappedDevice(self.rbd_pool, self.rbd_name)
    if dev:
      return dev
    result = base.RunCmd([RBD_CMD, "map", "-p", self.rbd_pool,
                          self.rbd_name])
    if result.failed:
      base.ThrowError("rbd map failed (%s): %s", result.fail_reason,
                      result.output)
    dev = FindMappedDevice(self.rbd_pool, self.rbd_name)
    if not dev:
      base.ThrowError("rbd map succeeded, but could not find the rbd block"
                      " device in output of showmapped, for volume: %s",
                      self.rbd_name)
    return dev

  def Attach(self, **kwargs) -> bool:
    """Map the image (if needed) and check the block device.

    @raise errors.BlockDeviceError: rbd map/showmapped fail
    """
    self.attached = False
    self.dev_path = self._Map()
    try:
      st = os.stat(self.dev_path)
    except OSError as err:
      logging.error("Error stat()'ing %s: %s", self.dev_path, err)
      return False
    if not stat.S_ISBLK(st.st_mode):
      logging.error("%s is not a block device", self.dev_path)
      return False
    self.major = os.major(st.st_rdev)
    self.minor = os.minor(st.st_rdev)
    self.attached = True
    return True

  def Assemble(self) -> None:
    """Attaching mapped the image already; map it again if it was
    unmapped since."""
    if not self.attached and not self.Attach():
      base.ThrowError("Can't attach to rbd device %s/%s", self.rbd_pool,
                      self.rbd_name)

  def Shutdown(self) -> None:
    """Unmap the image if it is mapped."""
    dev = FindMappedDevice(self.rbd_pool, self.rbd_name)
    if dev:
      result = base.RunCmd([RBD_CMD, "unmap", dev])
      if result.failed:
        base.ThrowError("rbd unmap failed (%s): %s", result.fail_reason,
                        result.output)
    self.attached = False
    self.minor = None
    self.dev_path = None

  def Remove(self) -> None:
    """Unmap, then ``rbd rm -p <pool> <name>``."""
    self.Shutdown()
    result = base.RunCmd([RBD_CMD, "rm", "-p", self.rbd_pool, self.rbd_name])
    if result.failed:
      base.ThrowError("Can't remove Volume from cluster with rbd rm: %s - %s",
                      result.fail_reason, result.output)

  def Rename(self, new_id) -> None:
    """Nothing: rbd images keep their name (as in Ganeti)."""

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """``rbd resize --size <size + amount>``; images are thin, so a dry
    run always succeeds."""
    if not backingstore:
      return
    if not self.attached and not self.Attach():
      base.ThrowError("Can't attach to rbd device during Grow()")
    if dryrun:
      return
    new_size = int(self.size) + int(amount)
    result = base.RunCmd([RBD_CMD, "resize", "-p", self.rbd_pool,
                          self.rbd_name, "--size", "%d" % new_size])
    if result.failed:
      base.ThrowError("rbd resize failed (%s): %s", result.fail_reason,
                      result.output)
    self.size = new_size

  def GetUserspaceAccessUri(self, hypervisor: str) -> str:
    """``rbd:<pool>/<name>`` for KVM."""
    if hypervisor == constants.HT_KVM:
      return "rbd:%s/%s" % (self.rbd_pool, self.rbd_name)
    base.ThrowError("Hypervisor %s doesn't support RBD userspace access",
                    hypervisor)

  def Import(self):
    """``rbd import`` re-creates the image, so the empty one goes first."""
    self.Shutdown()
    result = base.RunCmd([RBD_CMD, "rm", "-p", self.rbd_pool, self.rbd_name])
    if result.failed:
      base.ThrowError("rbd rm failed (%s): %s", result.fail_reason,
                      result.output)
    return [RBD_CMD, "import", "-p", self.rbd_pool, "-", self.rbd_name]

  def Export(self):
    """``rbd export -p <pool> <name> -``."""
    return [RBD_CMD, "export", "-p", self.rbd_pool, self.rbd_name, "-"]
