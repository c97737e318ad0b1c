"""The user-id pool of a cluster (``uid_pool``, ``--uid-pool``).

The pool is a list of inclusive ``(lower, higher)`` ranges of user ids
that instances (KVM ``security_model=pool``) may run as.  On the command
line it is written as comma-separated ranges, ``1000-1999,2005``; a
single id is the range ``(id, id)``.
"""

from ganeti import errors

#: Bounds of acceptable user ids (inclusive)
UIDPOOL_UID_MIN = 0
UIDPOOL_UID_MAX = 2 ** 32 - 1


def _ParseUid(text):
  try:
    return int(text.strip())
  except ValueError:
    raise errors.OpPrereqError("Invalid user-id value: '%s'" % text,
                               errors.ECODE_INVAL)


def ParseUidPool(value, separator=None):
  """Parse ``"1000-1999,2005"`` into ``[(1000, 1999), (2005, 2005)]``.

  @param separator: the separator between ranges (default ``","``)
  @raise errors.OpPrereqError: a bound is not an integer
  """
  ranges = []
  for item in value.split(separator or ","):
    item = item.strip()
    if not item:
      continue
    if "-" in item:
      (lower, higher) = item.split("-", 1)
      ranges.append((_ParseUid(lower), _ParseUid(higher)))
    else:
      uid = _ParseUid(item)
      ranges.append((uid, uid))
  return ranges


def FormatUidPool(uid_pool, separator=None):
  """The inverse of L{ParseUidPool}: ``"1000-1999, 2005"``."""
  parts = []
  for (lower, higher) in uid_pool:
    if lower == higher:
      parts.append(str(lower))
    else:
      parts.append("%s-%s" % (lower, higher))
  return (separator or ", ").join(parts)


def CheckUidPool(uid_pool):
  """Check that every range is a pair of ids in bounds, lower first.

  @raise errors.OpPrereqError: (ECODE_INVAL) on the first bad range
  """
  if not isinstance(uid_pool, (list, tuple)):
    raise errors.OpPrereqError("The uid_pool parameter must be a list",
                               errors.ECODE_INVAL)
  for uid_range in uid_pool:
    if not isinstance(uid_range, (list, tuple)) or len(uid_range) != 2:
      raise errors.OpPrereqError("Invalid user-id range definition: %r" %
                                 (uid_range, ), errors.ECODE_INVAL)
    (lower, higher) = uid_range
    for uid in (lower, higher):
      if not isinstance(uid, int) or isinstance(uid, bool) or \
          not UIDPOOL_UID_MIN <= uid <= UIDPOOL_UID_MAX:
        raise errors.OpPrereqError(
          "Invalid user-id value %r in range %s: it must be an integer"
          " between %d and %d" % (uid, FormatUidPool([uid_range]),
                                  UIDPOOL_UID_MIN, UIDPOOL_UID_MAX),
          errors.ECODE_INVAL)
    if lower > higher:
      raise errors.OpPrereqError(
        "Lower user-id range boundary value (%s) is larger than the higher"
        " boundary value (%s)" % (lower, higher), errors.ECODE_INVAL)


def AddToUidPool(uid_pool, add_uids):
  """Append the ranges of ``add_uids`` not yet in ``uid_pool`` (in place)."""
  for uid_range in add_uids:
    uid_range = tuple(uid_range)
    if uid_range not in [tuple(r) for r in uid_pool]:
      uid_pool.append(uid_range)


def RemoveFromUidPool(uid_pool, remove_uids):
  """Remove the ranges of ``remove_uids`` from ``uid_pool`` (in place).

  Only whole ranges, exactly as stored, can be removed.
  @raise errors.OpPrereqError: a range is not in the pool
  """
  for uid_range in remove_uids:
    wanted = tuple(uid_range)
    stored = [tuple(r) for r in uid_pool]
    if wanted not in stored:
      raise errors.OpPrereqError(
        "User-id range to be removed is not found in the current user-id"
        " pool: %s" % FormatUidPool([wanted]), errors.ECODE_INVAL)
    del uid_pool[stored.index(wanted)]
