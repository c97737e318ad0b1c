"""The root file system of a container: the instance's first disk.

A disk that is a directory is used as it is.  A file disk image or a block
device is attached to a loop device (with its partitions scanned) and its
first partition, or the whole device when it has no partition table, is
mounted on a per-instance directory.  What was set up is recorded in a
"stash" dict, which is all :func:`Release` needs to undo it, so the driver
keeps it in a file next to the container's configuration.
"""

import os
import time

from ganeti import errors

STASH_ROOTFS = "rootfs"
STASH_MOUNTPOINT = "mountpoint"
STASH_LOOP = "loop_device"

_PARTITION_WAIT = 5.0


def _Run(runner, argv, what):
  try:
    result = runner(argv)
  except errors.OpExecError as err:
    raise errors.HypervisorError("%s: %s" % (what, err))
  if result.failed:
    raise errors.HypervisorError("%s: %s" % (what, result.output.strip() or
                                             result.fail_reason))
  return result


def _FirstPartition(loop_dev: str, sysfs_block: str = "/sys/block"):
  """Device node of the first partition of ``loop_dev``, or None."""
  base = os.path.basename(loop_dev)
  if os.path.isdir(os.path.join(sysfs_block, base, base + "p1")):
    return loop_dev + "p1"
  return None


def _WaitForNode(path: str, timeout: float = _PARTITION_WAIT) -> bool:
  deadline = time.monotonic() + timeout
  while not os.path.exists(path):
    if time.monotonic() > deadline:
      return False
    time.sleep(0.05)
  return True


def Prepare(runner, disk_path: str, mountpoint: str, read_only: bool = False,
            sysfs_block: str = "/sys/block"):
  """Make ``disk_path`` available as a root directory.

  @param runner: callable(argv) -> RunResult running commands
  @return: stash dict; its L{STASH_ROOTFS} is the container's root directory
  @raise errors.HypervisorError: the disk can't be attached or mounted;
      nothing is left attached or mounted then
  """
  if os.path.isdir(disk_path):
    return {STASH_ROOTFS: disk_path}
  if not os.path.exists(disk_path):
    raise errors.HypervisorError("Root disk %s does not exist" % disk_path)
  argv = ["losetup", "--find", "--show", "--partscan"]
  if read_only:
    argv.append("--read-only")
  result = _Run(runner, argv + [disk_path],
                "Can't attach %s to a loop device" % disk_path)
  loop_dev = result.stdout.strip()
  stash = {STASH_LOOP: loop_dev}
  try:
    source = _FirstPartition(loop_dev, sysfs_block) or loop_dev
    if not _WaitForNode(source):
      raise errors.HypervisorError("Device %s did not appear" % source)
    os.makedirs(mountpoint, exist_ok=True)
    margv = ["mount"]
    if read_only:
      margv.extend(["-o", "ro"])
    _Run(runner, margv + [source, mountpoint],
         "Can't mount %s (from %s) on %s" % (source, disk_path, mountpoint))
  except BaseException:
    _Run(runner, ["losetup", "--detach", loop_dev],
         "Can't detach loop device %s" % loop_dev)
    raise
  stash[STASH_MOUNTPOINT] = mountpoint
  stash[STASH_ROOTFS] = mountpoint
  return stash


def IsMounted(mountpoint: str, mounts_file: str = "/proc/mounts") -> bool:
  """Whether something is mounted on ``mountpoint``."""
  target = os.path.realpath(mountpoint)
  with open(mounts_file) as fh:
    for line in fh:
      fields = line.split()
      if len(fields) > 1 and fields[1].replace("\\040", " ") == target:
        return True
  return False


def Release(runner, stash, mounts_file: str = "/proc/mounts",
            sysfs_block: str = "/sys/block"):
  """Undo :func:`Prepare` (idempotent: what is already gone is skipped).

  @raise errors.HypervisorError: the file system stays busy or the loop
      device can't be detached
  """
  mountpoint = stash.get(STASH_MOUNTPOINT)
  if mountpoint and IsMounted(mountpoint, mounts_file):
    _Run(runner, ["umount", mountpoint], "Can't unmount %s" % mountpoint)
  loop_dev = stash.get(STASH_LOOP)
  if loop_dev:
    name = os.path.basename(loop_dev)
    # a detached loop device has no backing file any more
    if os.path.exists(os.path.join(sysfs_block, name, "loop",
                                   "backing_file")):
      _Run(runner, ["losetup", "--detach", loop_dev],
           "Can't detach loop device %s" % loop_dev)
  if mountpoint:
    try:
      os.rmdir(mountpoint)
    except OSError:
      pass
