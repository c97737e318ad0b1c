"""gnt-cluster watcher {pause <timespec>|continue|info}: the watcher's
pause flag, kept in the pause file of every node by the master."""

import time

from ganeti import errors
from ganeti.cli import GetClient, ToStdout
from ganeti.cli_opts import ArgChoice, ArgSuggest

#: seconds per time specification suffix (no suffix: seconds)
_TIMESPEC_SUFFIXES = {"s": 1, "m": 60, "h": 3600, "d": 86400,
                      "w": 7 * 86400}


def ParseTimespec(value):
  """Seconds of a time specification: a number with an optional suffix
  s, m, h, d or w (``30m``, ``1h``, ``90``).

  @raise errors.OpPrereqError: empty or invalid specification
  """
  value = str(value).strip()
  if not value:
    raise errors.OpPrereqError("Empty time specification passed",
                               errors.ECODE_INVAL)
  mult = 1
  if value[-1] in _TIMESPEC_SUFFIXES:
    mult = _TIMESPEC_SUFFIXES[value[-1]]
    value = value[:-1]
    if not value:
      raise errors.OpPrereqError("Invalid time specification (only"
                                 " suffix?)", errors.ECODE_INVAL)
  try:
    return int(value) * mult
  except (TypeError, ValueError):
    raise errors.OpPrereqError("Invalid time specification '%s'" % value,
                               errors.ECODE_INVAL) from None


def _ShowWatcherPause(until):
  if until is None or until < time.time():
    ToStdout("The watcher is not paused.")
  else:
    ToStdout("The watcher is paused until %s.", time.ctime(until))


def WatcherOps(opts, args):
  """Pause, resume or show the watcher."""
  command = args[0]
  client = GetClient()
  if command == "continue":
    client.SetWatcherPause(None)
    ToStdout("The watcher is no longer paused.")
  elif command == "pause":
    if len(args) < 2:
      raise errors.OpPrereqError("Missing pause duration",
                                 errors.ECODE_INVAL)
    result = client.SetWatcherPause(time.time() + ParseTimespec(args[1]))
    _ShowWatcherPause(result)
  elif command == "info":
    (result, ) = client.QueryConfigValues(["watcher_pause"])
    _ShowWatcherPause(result)
  else:
    raise errors.OpPrereqError("Command '%s' is not valid." % command,
                               errors.ECODE_INVAL)
  return 0


#: the row of the gnt-cluster commands table
COMMAND = (WatcherOps,
           [ArgChoice(min=1, max=1, choices=["pause", "continue", "info"]),
            ArgSuggest(min=0, max=1, choices=["30m", "1h", "4h"])],
           [], "{pause <timespec>|continue|info}",
           "Change watcher properties")
