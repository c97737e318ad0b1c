"""Node procedures of the watcher: its pause file on this node."""

from ganeti import pathutils
from ganeti.backend import _Fail
from ganeti.utils import pausefile


def SetWatcherPause(until):
  """Pause this node's watcher until ``until`` (UNIX time); None resumes
  it."""
  if until is not None and not isinstance(until, (int, float)):
    _Fail("Duration must be numeric")
  try:
    pausefile.WriteWatcherPauseFile(pathutils.Get().WATCHER_PAUSEFILE,
                                    until)
  except OSError as err:
    _Fail("Can't set the watcher pause: %s", err)
  return None


def GetWatcherPause():
  """Until when this node's watcher is paused (None: it is not)."""
  return pausefile.ReadWatcherPauseFile(pathutils.Get().WATCHER_PAUSEFILE)
