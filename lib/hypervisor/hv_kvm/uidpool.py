"""The uid pool of the kvm ``pool`` security model.

qemu of such an instance runs as a uid taken from the cluster's uid pool
(ssconf ``uid_pool``: lines of ``N`` or ``N-M``).  A uid is taken by
creating ``uid/<uid>`` (holding the instance name) in the kvm runtime
directory with O_EXCL, and only if no process runs as that uid.
"""

import errno
import os

from ganeti import errors
from ganeti import ssconf


def ParseUidPool(lines):
  """[(low, high)] from ssconf uid_pool lines (pure).

  @raise errors.HypervisorError: malformed range
  """
  ranges = []
  for line in lines:
    for part in line.replace(",", " ").split():
      (low, sep, high) = part.partition("-")
      try:
        low_n = int(low)
        high_n = int(high) if sep else low_n
      except ValueError:
        raise errors.HypervisorError("Invalid uid pool range '%s'" % part)
      if high_n < low_n:
        raise errors.HypervisorError("Invalid uid pool range '%s'" % part)
      ranges.append((low_n, high_n))
  return ranges


def _UidsInUse():
  used = set()
  for entry in os.listdir("/proc"):
    if entry.isdigit():
      try:
        used.add(os.stat("/proc/%s" % entry).st_uid)
      except OSError:
        continue
  return used


def _UidFile(dirs, uid):
  return os.path.join(dirs.uid_dir, str(uid))


def RequestUid(dirs, name, pool=None):
  """Take a free uid of the pool for instance ``name``; return it.

  @raise errors.HypervisorError: the pool is empty or exhausted
  """
  if pool is None:
    pool = ParseUidPool(ssconf.SimpleStore().GetUidPool())
  if not pool:
    raise errors.HypervisorError("The cluster uid pool is empty; the 'pool'"
                                 " security model needs one")
  os.makedirs(dirs.uid_dir, exist_ok=True)
  in_use = _UidsInUse()
  for (low, high) in pool:
    for uid in range(low, high + 1):
      if uid in in_use:
        continue
      try:
        fd = os.open(_UidFile(dirs, uid), os.O_WRONLY | os.O_CREAT |
                     os.O_EXCL, 0o644)
      except OSError as err:
        if err.errno == errno.EEXIST:
          continue
        raise errors.HypervisorError("Cannot take uid %d: %s" % (uid, err))
      with os.fdopen(fd, "w") as fh:
        fh.write(name)
      return uid
  raise errors.HypervisorError("No free uid left in the uid pool")


def ReleaseUid(dirs, name):
  """Give back the uid held by instance ``name`` (if any)."""
  try:
    entries = os.listdir(dirs.uid_dir)
  except FileNotFoundError:
    return
  for entry in entries:
    path = os.path.join(dirs.uid_dir, entry)
    try:
      with open(path) as fh:
        holder = fh.read().strip()
    except OSError:
      continue
    if holder == name:
      os.unlink(path)
