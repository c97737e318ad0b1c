"""Disk sizes given on the gnt-instance command line.

Every command that takes a disk size goes through this module: the
``size=`` key of ``--disk`` in ``gnt-instance add``, ``gnt-backup import``,
``gnt-instance recreate-disks`` and ``gnt-instance modify``, and the amount
of ``gnt-instance grow-disk``.  A size is a number with an optional unit
(``m``/``g``/``t``, also ``mb``/``gib``/..., case-insensitive; MiB when
none), converted by :func:`ganeti.utils.ParseUnit` to MiB rounded up to a
multiple of 4.  A value that does not parse raises
:class:`errors.OpPrereqError` (``ECODE_INVAL``) before anything is
submitted; the CLI prints it as "Failure: prerequisites not met for this
operation:" / "error type: wrong_input, error details:" / the message, and
exits with code 1.

(``-s/--os-size`` and ``--memory`` are options of type ``unit``: optparse
checks those, see ``cli_opts._CheckUnit``.)
"""

from ganeti import constants
from ganeti import errors
from ganeti import utils


def ParseDiskSize(value, index=None):
  """Parse one disk size into MiB.

  @param value: what the user gave (a string such as "10G" or "2048")
  @param index: the disk's index, named in the error message; None where
      the command does not number the disk (modify's "--disk add:size=...")
  @rtype: int
  @raise errors.OpPrereqError: "Invalid disk size for disk N: <reason>"
      (or "Invalid disk size: <reason>" without an index), ECODE_INVAL

  """
  try:
    return utils.ParseUnit(value)
  except errors.UnitParseError as err:
    if index is None:
      msg = "Invalid disk size: %s" % err
    else:
      msg = "Invalid disk size for disk %d: %s" % (index, err)
    raise errors.OpPrereqError(msg, errors.ECODE_INVAL)


def ParseDiskSizeParam(params, index=None):
  """Convert the "size" entry of a disk parameter dict to MiB, in place.

  A dict without "size" is left alone.

  @type params: dict
  @param index: see L{ParseDiskSize}
  @return: C{params}
  @raise errors.OpPrereqError: see L{ParseDiskSize}

  """
  if constants.IDISK_SIZE in params:
    params[constants.IDISK_SIZE] = ParseDiskSize(params[constants.IDISK_SIZE],
                                                 index=index)
  return params


def ParseGrowAmount(amount):
  """Parse the amount argument of "gnt-instance grow-disk" into MiB.

  @rtype: int
  @raise errors.OpPrereqError: "Can't parse the given amount '<amount>'",
      ECODE_INVAL

  """
  try:
    return utils.ParseUnit(amount)
  except errors.UnitParseError:
    raise errors.OpPrereqError("Can't parse the given amount '%s'" % amount,
                               errors.ECODE_INVAL)
