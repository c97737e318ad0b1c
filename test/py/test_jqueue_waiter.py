"""Tests of the job file change watcher (raw inotify event parsing)."""

import os
import struct
import time

import pyinotify
import pytest

from ganeti.jqueue import waiter

pytestmark = pytest.mark.unit


def _Event(name, mask=pyinotify.IN_MOVED_TO, wd=1):
  raw = name.encode() + b"\0" * (16 - len(name) % 16)
  return struct.pack("iIII", wd, mask, 0, len(raw)) + raw


def testParseEventsJobFilesOnly():
  data = (_Event("job-12") + _Event("job-12XYZ.new") + _Event("serial") +
          _Event("job-3", pyinotify.IN_MOVED_FROM) + _Event("job-12"))
  assert waiter.ParseEvents(data) == ({3, 12}, False)


def testParseEventsOverflow():
  data = _Event("job-1") + struct.pack("iIII", -1, pyinotify.IN_Q_OVERFLOW,
                                       0, 0)
  assert waiter.ParseEvents(data) == ({1}, True)


def testParseEventsEmpty():
  assert waiter.ParseEvents(b"") == (set(), False)


def testWatcherWakesOnRename(tmp_path):
  watcher = waiter.QueueDirWatcher(lambda: str(tmp_path))
  try:
    jw = watcher.Register(7)
    other = watcher.Register(8)
    tmp = tmp_path / "job-7abc.new"
    tmp.write_text("{}")
    os.rename(tmp, tmp_path / "job-7")
    assert jw.Wait(10)
    # Only the waiter of the job that changed is woken
    deadline = time.monotonic() + 0.2
    assert not other.Wait(max(0.0, deadline - time.monotonic()))
    watcher.Unregister(jw)
    watcher.Unregister(other)
  finally:
    watcher.Stop()


def testStopWakesEveryone(tmp_path):
  watcher = waiter.QueueDirWatcher(lambda: str(tmp_path))
  jw = watcher.Register(1)
  watcher.Stop()
  assert jw.Wait(0)
