"""Utility functions, split by area; the common ones re-exported here."""

import time
import uuid as _uuid

from ganeti.utils.io import (  # noqa: F401
  ReadFile, ReadBinaryFile, WriteFile, RemoveFile, EnsureDirs,
  ListVisibleFiles, FsyncDir)
from ganeti.utils.text import (  # noqa: F401
  NiceSort, NiceSortKey, FormatUnit, ParseUnit, FormatTime, SafeEncode,
  CommaJoin, FormatOrdinal, UnescapeAndSplit)


def NewUUID() -> str:
  """A new lowercase 36-character UUID."""
  try:
    with open("/proc/sys/kernel/random/uuid") as fh:
      return fh.read().strip()
  except OSError:
    return str(_uuid.uuid4())


def SplitTime(value: float):
  """Split a UNIX time into (seconds, microseconds) integers."""
  (seconds, microseconds) = divmod(int(round(value * 1000000)), 1000000)
  return (int(seconds), int(microseconds))


def MergeTime(timetuple) -> float:
  (seconds, microseconds) = timetuple
  return float(seconds) + (float(microseconds) * 0.000001)


def TimestampNs() -> int:
  return time.time_ns()


def UniqueSequence(seq):
  seen = set()
  return [i for i in seq if not (i in seen or seen.add(i))]


def TryConvert(fn, val):
  try:
    return fn(val)
  except (ValueError, TypeError):
    return val
