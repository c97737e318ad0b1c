"""The root file system of a container: the instance's first disk.

A disk that is a directory is used as it is.  A file disk image or a block
device is attached to a loop device, over its first partition when it has
a partition table (as OS definitions like instance-debootstrap write) or
whole otherwise, and mounted on a per-instance directory.  What was set up is recorded in a
"stash" dict, which is all :func:`Release` needs to undo it, so the driver
keeps it in a file next to the container's configuration.
"""

import json
import os

from ganeti import errors

STASH_ROOTFS = "rootfs"
STASH_MOUNTPOINT = "mountpoint"
STASH_LOOP = "loop_device"


def _Run(runner, argv, what):
  try:
    result = runner(argv)
  except errors.OpExecError as err:
    raise errors.HypervisorError("%s: %s" % (what, err))
  if result.failed:
    raise errors.HypervisorError("%s: %s" % (what, result.output.strip() or
                                             result.fail_reason))
  return result


def ParseSfdiskJson(text: str):
  """(start, size) in bytes of the first partition in ``sfdisk --json``
  output, or None when the table has no partition.

  @raise errors.HypervisorError: not sfdisk's JSON
  """
  try:
    table = json.loads(text)["partitiontable"]
    sector = int(table.get("sectorsize", 512))
    parts = table.get("partitions") or []
    if not parts:
      return None
    first = min(parts, key=lambda p: int(p["start"]))
    return (int(first["start"]) * sector, int(first["size"]) * sector)
  except (ValueError, KeyError, TypeError) as err:
    raise errors.HypervisorError("Can't parse the partition table: %s" % err)


def FirstPartition(runner, disk_path: str):
  """(offset, size) in bytes of the disk's first partition, or None if it
  has no partition table (a bare file system)."""
  try:
    result = runner(["sfdisk", "--json", disk_path])
  except (errors.OpExecError, errors.HypervisorError):
    # no sfdisk (Debian package fdisk): the disk is taken whole
    return None
  if result.failed:
    # sfdisk fails on a disk without a (recognized) partition table
    return None
  return ParseSfdiskJson(result.stdout)


def Prepare(runner, disk_path: str, mountpoint: str, read_only: bool = False):
  """Make ``disk_path`` available as a root directory.

  A disk with a partition table contributes its first partition (a loop
  device over that byte range), a bare one all of it.

  @param runner: callable(argv) -> RunResult running commands
  @return: stash dict; its L{STASH_ROOTFS} is the container's root directory
  @raise errors.HypervisorError: the disk can't be attached or mounted;
      nothing is left attached or mounted then
  """
  if os.path.isdir(disk_path):
    return {STASH_ROOTFS: disk_path}
  if not os.path.exists(disk_path):
    raise errors.HypervisorError("Root disk %s does not exist" % disk_path)
  argv = ["losetup", "--find", "--show"]
  part = FirstPartition(runner, disk_path)
  if part is not None:
    argv.extend(["--offset", str(part[0]), "--sizelimit", str(part[1])])
  if read_only:
    argv.append("--read-only")
  result = _Run(runner, argv + [disk_path],
                "Can't attach %s to a loop device" % disk_path)
  loop_dev = result.stdout.strip()
  stash = {STASH_LOOP: loop_dev}
  try:
    os.makedirs(mountpoint, exist_ok=True)
    margv = ["mount"]
    if read_only:
      margv.extend(["-o", "ro"])
    _Run(runner, margv + [loop_dev, mountpoint],
         "Can't mount %s (from %s) on %s" % (loop_dev, disk_path, mountpoint))
  except BaseException:
    _Run(runner, ["losetup", "--detach", loop_dev],
         "Can't detach loop device %s" % loop_dev)
    try:
      os.rmdir(mountpoint)
    except OSError:
      pass
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
