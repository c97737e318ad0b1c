"""DRBD on this node as a whole: the kernel's files, minors, meta data.

The functions here concern DRBD itself rather than one device: reading
``/proc/drbd`` and the usermode helper (from the paths in
``PROC_DRBD_FILE`` and ``USERMODE_HELPER_FILE``, which unit tests point at
fixture files), the used and free minors, tearing a minor down, checking
and initialising a meta device, and the deadline-bound wait loop the
device code uses (its clock ``_Now`` and ``_Sleep`` are replaced in
tests).  Commands run through ``base.RunCmd``.
"""

import errno
import logging
import time

from ganeti.storage import base
from ganeti.storage import drbd_cmd
from ganeti.storage import drbd_info

#: where the kernel reports the DRBD status
PROC_DRBD_FILE = drbd_info.DRBD_STATUS_FILE
#: the kernel module parameter naming the usermode helper
USERMODE_HELPER_FILE = drbd_info.DRBD_USERMODE_HELPER_FILE

#: the highest minor DRBD hands out
MAX_MINORS = 255

#: bytes read from the meta device to check that it is usable
_DEVICE_READ_SIZE = 128 * 1024
#: the meta device size bounds, in bytes: DRBD needs 128 MiB; LVM rounding
#: on many stripes with large extents may give up to 1 GiB
_META_MIN_BYTES = drbd_cmd.DRBD_META_SIZE * 1024 * 1024
_META_MAX_BYTES = 1024 * 1024 * 1024

# the clock and sleep used by the waits (replaced in tests)
_Now = time.monotonic
_Sleep = time.sleep


class WaitTimeout(Exception):
  """A wait of L{WaitFor} ran out of time."""


def WaitFor(check, timeout, delay=1.0, factor=1.0, max_delay=None):
  """Call ``check`` until it returns True or ``timeout`` seconds pass.

  Between calls sleep ``delay`` seconds, multiplied by ``factor`` after
  each call up to ``max_delay``.

  @raise WaitTimeout: ``check`` still returned false at the deadline
  """
  deadline = _Now() + timeout
  while True:
    if check():
      return
    remaining = deadline - _Now()
    if remaining <= 0:
      raise WaitTimeout()
    _Sleep(min(delay, remaining))
    delay *= factor
    if max_delay is not None:
      delay = min(delay, max_delay)


def _ReadKernelFile(path, what):
  """The text of ``path``; a missing file means DRBD is not loaded."""
  try:
    with open(path) as fh:
      return fh.read()
  except EnvironmentError as err:
    if err.errno == errno.ENOENT:
      base.ThrowError("The file %s cannot be opened, check if the module"
                      " is loaded (%s)", path, err)
    base.ThrowError("Can't read %s file %s: %s", what, path, err)


def GetProcInfo(filename=None) -> drbd_info.DRBD8Info:
  """Parse ``/proc/drbd`` (or ``filename``).

  @raise errors.BlockDeviceError: unreadable or unparsable
  """
  return drbd_info.DRBD8Info.FromText(
    _ReadKernelFile(filename or PROC_DRBD_FILE, "DRBD status"))


def GetUsermodeHelper(filename=None) -> str:
  """The usermode helper the DRBD module calls (first line of its file).

  @raise errors.BlockDeviceError: module not loaded or empty value
  """
  text = _ReadKernelFile(filename or USERMODE_HELPER_FILE, "DRBD helper")
  lines = text.splitlines()
  return drbd_info.ParseUsermodeHelper(lines[0] if lines else "")


def GetUsedDevs() -> list:
  """The minors configured on this node (not ``Unconfigured``)."""
  return GetProcInfo().GetUsedMinors()


def GetVersionString() -> str:
  """The running DRBD version, e.g. ``8.4.2 (api:1/proto:86-101)``."""
  return GetProcInfo().GetVersionString()


def CheckVersion(info):
  """Refuse anything but DRBD 8.4 (or a later 8.x)."""
  version = info.GetVersion()
  if version["k_major"] != 8:
    base.ThrowError("Mismatch in DRBD kernel version and requested ganeti"
                    " usage: kernel is %s.%s, ganeti wants 8.x",
                    version["k_major"], version["k_minor"])
  if not info.UsesNewSyntax():
    base.ThrowError("DRBD %s is not supported on this node: the 8.4"
                    " command syntax is needed", info.GetVersionString())


def ShutdownAll(minor: int) -> None:
  """Tear down ``minor`` completely (``drbdsetup down``).

  @raise errors.BlockDeviceError: the device is in use or the command
    failed
  """
  result = base.RunCmd(drbd_cmd.BuildDownCmd(minor))
  if result.failed:
    base.ThrowError("drbd%d: can't shutdown drbd device: %s", minor,
                    result.output.strip() or result.fail_reason)


def CanReadDevice(path: str) -> bool:
  """Whether the first 128 KiB of ``path`` can be read."""
  try:
    with open(path, "rb") as fh:
      fh.read(_DEVICE_READ_SIZE)
    return True
  except EnvironmentError as err:
    logging.warning("Can't read from device %s: %s", path, err)
    return False


def GetDeviceBytes(path: str) -> int:
  """The size of block device ``path`` in bytes (``blockdev --getsize64``)."""
  result = base.RunCmd(["blockdev", "--getsize64", path])
  if result.failed:
    base.ThrowError("Failed to get device size: %s - %s", result.fail_reason,
                    result.output.strip())
  try:
    return int(result.stdout.strip())
  except ValueError:
    base.ThrowError("Invalid output from blockdev: '%s'", result.stdout)


def CheckMetaSize(meta_device: str) -> None:
  """Check that ``meta_device`` can hold DRBD's 128 MiB meta data.

  @raise errors.BlockDeviceError: smaller than 128 MiB or above 1 GiB
  """
  num_bytes = GetDeviceBytes(meta_device)
  if num_bytes < _META_MIN_BYTES:
    base.ThrowError("Meta device too small (%.2fMiB)",
                    num_bytes / 1024.0 / 1024.0)
  if num_bytes > _META_MAX_BYTES:
    base.ThrowError("Meta device too big (%.2fMiB)",
                    num_bytes / 1024.0 / 1024.0)


def InitMeta(minor: int, meta_device: str) -> None:
  """Wipe the first 128 MiB of ``meta_device`` and create DRBD meta data.

  The wipe keeps ``drbdmeta`` from finding and asking about old file
  systems or meta data there.  ``minor`` must not be in use.
  """
  base.RunOrFail(drbd_cmd.BuildWipeMetaCmd(meta_device),
                 "Can't wipe the meta device")
  base.RunOrFail(drbd_cmd.BuildInitMetaCmd(minor, meta_device),
                 "Can't initialize meta device")


def FindUnusedMinor() -> int:
  """The lowest minor DRBD does not use on this node.

  Minors are created on demand, so any number above the listed ones is
  free too.

  @raise errors.BlockDeviceError: every minor up to L{MAX_MINORS} is used
  """
  info = GetProcInfo()
  highest = None
  for minor in info.GetMinors():
    if not info.GetMinorStatus(minor).is_in_use:
      return minor
    highest = minor if highest is None else max(highest, minor)
  if highest is None:
    return 0
  if highest >= MAX_MINORS:
    base.ThrowError("Can't find a free DRBD minor")
  return highest + 1
