"""The block device interface every storage type implements.

One class per ``dev_type`` (``plain``, ``drbd``, ``file``, ``sharedfile``,
``blockdev``, ``rbd``, ``ext``) subclasses :class:`BlockDev`; the node
daemon's backend (``ganeti.backend.bdev``) drives them only through this
interface, so a new type needs no change there.

Contracts:

* ``unique_id`` is the disk's ``logical_id`` as a tuple; ``children`` are
  already-attached :class:`BlockDev` objects (DRBD's data and meta LVs);
  ``size`` is MiB; ``params`` the disk's filled disk parameters;
  ``dyn_params`` the per-node dynamic parameters the master sends (for DRBD
  the local/remote secondary IPs and minors).
* The constructor records identity and calls :meth:`Attach`, which looks
  the device up and sets ``attached``, ``dev_path``, ``major`` and
  ``minor``.  It changes nothing on the node, except for types whose only
  way to find their device is to map it (``rbd``: ``rbd map``, ``ext``:
  the provider's ``attach``), where attaching maps idempotently, as in
  Ganeti.  Constructors take ``name=`` and ``uuid=`` keyword arguments
  (the disk's), which ExtStorage passes to its scripts.
* Every external command goes through :func:`RunCmd` (this module's name,
  looked up at call time) so unit tests replace it with a fake that
  replays recorded outputs.
* Failures raise :class:`ganeti.errors.BlockDeviceError` with a message an
  administrator can act on; :func:`ThrowError` formats it.
"""

import logging

from ganeti import errors
from ganeti import objects
from ganeti.utils import process as _process

# Local disk status values (Ganeti's LDS_*)
LDS_OKAY = 1
LDS_UNKNOWN = 2
LDS_FAULTY = 3

# The disk parameter choosing how hypervisors reach a disk (Ganeti's
# LDP_ACCESS) and its values
LDP_ACCESS = "access"
ACCESS_KERNELSPACE = "kernelspace"
ACCESS_USERSPACE = "userspace"

MIB = 1024 * 1024


def RunCmd(cmd, **kwargs):
  """Run an external command; a module-level name so tests can replace it."""
  return _process.RunCmd(cmd, **kwargs)


def ThrowError(msg, *args):
  """Log and raise a BlockDeviceError with ``msg % args``."""
  if args:
    msg = msg % args
  logging.error(msg)
  raise errors.BlockDeviceError(msg)


def RunOrFail(cmd, msg, **kwargs):
  """Run ``cmd``; on failure raise ``msg: <cmd output>``; return the result."""
  result = RunCmd(cmd, **kwargs)
  if result.failed:
    ThrowError("%s: %s", msg, result.output.strip() or result.fail_reason)
  return result


def GetBlockDevSizeBytes(path: str) -> int:
  """Size in bytes of the block device ``path`` (``blockdev --getsize64``).

  @raise errors.BlockDeviceError: the command fails or prints no number
  """
  result = RunOrFail(["blockdev", "--getsize64", path],
                     "blockdev failed for %s" % path)
  try:
    return int(result.stdout.strip())
  except ValueError:
    ThrowError("Failed to parse blockdev output for %s: %r", path,
               result.stdout)


def CheckLogicalId(unique_id, length: int, what: str) -> tuple:
  """``unique_id`` as a tuple of ``length`` strings.

  @raise errors.BlockDeviceError: wrong shape
  """
  if (not isinstance(unique_id, (list, tuple)) or len(unique_id) != length
      or not all(isinstance(v, str) for v in unique_id)):
    ThrowError("Invalid logical id for %s device: %r", what, unique_id)
  return tuple(unique_id)


class BlockDev:
  """A block device on this node (abstract).

  Subclasses implement at least ``Create``, ``Attach``, ``Assemble``,
  ``Shutdown``, ``Remove``, ``Grow`` and ``GetActualSize``; the defaults
  here suit devices that have no open/close, sync or rename step.
  """

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    self.unique_id = tuple(unique_id) if unique_id is not None else None
    self._children = list(children or [])
    self.size = size
    self.params = dict(params or {})
    self.dyn_params = dict(dyn_params or {})
    self.dev_path = None
    self.major = None
    self.minor = None
    self.attached = False

  # Life cycle ------------------------------------------------------------
  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """Create the device on this node and return it (attached)."""
    raise NotImplementedError

  def Attach(self, **kwargs) -> bool:
    """Find the device on the node; set ``attached`` and return it."""
    raise NotImplementedError

  def Assemble(self) -> None:
    """Make the device usable (activate, connect, ...).  Idempotent."""
    raise NotImplementedError

  def Shutdown(self) -> None:
    """Make the device unusable without removing data.  Idempotent."""
    raise NotImplementedError

  def Remove(self) -> None:
    """Destroy the device and its data; a missing device is not an error."""
    raise NotImplementedError

  def Open(self, force: bool = False, exclusive: bool = True) -> None:
    """Make the device ready for I/O (DRBD: primary).  Default: nothing."""

  def Close(self) -> None:
    """Undo :meth:`Open` (DRBD: secondary).  Default: nothing."""

  def Rename(self, new_id) -> None:
    """Give the device a new logical id."""
    ThrowError("Rename is not supported for %s devices",
               type(self).__name__)

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """Grow by ``amount`` MiB (``dryrun``: only check it is possible).

    ``backingstore`` says whether this call is for the storage below a
    mirrored device (DRBD grows its LVs with True, then itself with False);
    devices without backing storage ignore calls with True.
    """
    raise NotImplementedError

  def Snapshot(self, snap_name=None, snap_size=None):
    """Create a snapshot; return its logical id."""
    ThrowError("Snapshots are not supported for %s devices",
               type(self).__name__)

  def SetInfo(self, text: str) -> None:
    """Attach descriptive metadata (LVM tags).  Default: nothing."""

  # Mirroring -------------------------------------------------------------
  def SetSyncParams(self, params) -> list:
    """Apply resync parameters; return a list of error messages."""
    result = []
    for child in self._children:
      result.extend(child.SetSyncParams(params))
    return result

  def PauseResumeSync(self, pause: bool) -> bool:
    """Pause or resume a resync; True on success."""
    ok = True
    for child in self._children:
      ok = child.PauseResumeSync(pause) and ok
    return ok

  def GetSyncStatus(self) -> objects.BlockDevStatus:
    """This device's own sync status (not its children's)."""
    return objects.BlockDevStatus(dev_path=self.dev_path, major=self.major,
                                  minor=self.minor, sync_percent=None,
                                  estimated_time=None, is_degraded=False,
                                  ldisk_status=LDS_OKAY)

  def CombinedSyncStatus(self) -> objects.BlockDevStatus:
    """Sync status folded over the children: worst state, slowest sync."""
    status = self.GetSyncStatus()
    for child in self._children:
      cstat = child.CombinedSyncStatus()
      if cstat.sync_percent is not None:
        if status.sync_percent is None:
          status.sync_percent = cstat.sync_percent
        else:
          status.sync_percent = min(status.sync_percent, cstat.sync_percent)
      if cstat.estimated_time is not None:
        status.estimated_time = max(status.estimated_time or 0,
                                    cstat.estimated_time)
      status.is_degraded = status.is_degraded or cstat.is_degraded
      status.ldisk_status = max(status.ldisk_status or LDS_OKAY,
                                cstat.ldisk_status or LDS_OKAY)
    return status

  # Sizes and access ------------------------------------------------------
  def GetActualSize(self) -> int:
    """The device's size in bytes, as the node sees it.

    Default: ``blockdev --getsize64`` on the attached device path.
    """
    if not self.attached or not self.dev_path:
      ThrowError("Device %s is not attached", self.unique_id)
    return GetBlockDevSizeBytes(self.dev_path)

  def GetActualSpindles(self):
    """Spindles used (LVM with exclusive storage), or None."""
    return None

  def GetActualDimensions(self):
    """``(size in bytes, spindles)``."""
    return (self.GetActualSize(), self.GetActualSpindles())

  def GetUserspaceAccessUri(self, hypervisor: str) -> str:
    """URI for userspace access (e.g. ``rbd:pool/name``); most have none."""
    ThrowError("Userspace access is not supported for %s devices",
               type(self).__name__)

  def Import(self):
    """Command (argv list) that writes standard input to the device."""
    if not self.dev_path:
      ThrowError("Device %s is not assembled", self.unique_id)
    return ["dd", "of=%s" % self.dev_path, "bs=1048576", "oflag=direct",
            "conv=notrunc"]

  def Export(self):
    """Command (argv list) that writes the device to standard output."""
    if not self.dev_path:
      ThrowError("Device %s is not assembled", self.unique_id)
    return ["dd", "if=%s" % self.dev_path, "bs=1048576", "count=%d" %
            int(self.size), "iflag=direct"]

  def __repr__(self):
    return "<%s: unique_id=%s, dev_path=%s, attached=%s, size=%s>" % (
      type(self).__name__, self.unique_id, self.dev_path, self.attached,
      self.size)
