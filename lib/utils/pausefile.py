"""The watcher's pause file: ``"%d\\n"`` of the UNIX time until which the
watcher does nothing (``gnt-cluster watcher pause``).

Every node holds its own copy (the master writes them over RPC), so the
watcher of a node whose master is down still honours it.
"""

import time

from ganeti.utils import io

#: a pause that ended longer ago than this (seconds) removes the file
REMOVE_AFTER = 3600


def ReadWatcherPauseFile(path, now=None, remove_after=REMOVE_AFTER):
  """The end of the pause, or None when the watcher is not paused.

  An unreadable or invalid file and a pause that ended more than
  ``remove_after`` seconds ago are removed.
  """
  if now is None:
    now = time.time()
  try:
    text = io.ReadFile(path)
  except OSError:
    return None
  try:
    until = int(text.strip())
  except ValueError:
    io.RemoveFile(path)
    return None
  if now > until + remove_after:
    io.RemoveFile(path)
    return None
  if now > until:
    return None
  return until


def WriteWatcherPauseFile(path, until):
  """Pause until ``until`` (a UNIX time), or unpause (None)."""
  if until is None:
    io.RemoveFile(path)
    return
  io.WriteFile(path, data="%d\n" % int(until), mode=0o644,
               mkdir_mode=0o755)
