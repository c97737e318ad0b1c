"""Text helpers: sorting, units, formatting."""

import re
import time

from ganeti import errors

_SORTER_RE = re.compile(r"(\D+|\d+)")


def _NiceKey(value):
  return [(0, int(p), "") if p.isdigit() else (1, 0, p)
          for p in _SORTER_RE.findall(value)]


def NiceSortKey(value):
  return _NiceKey(value)


def NiceSort(values, key=None):
  """Sort strings so that embedded numbers sort numerically (node2<node10)."""
  if key is None:
    return sorted(values, key=_NiceKey)
  return sorted(values, key=lambda v: _NiceKey(key(v)))


def FormatUnit(value, units: str, roman: bool = False) -> str:
  """Format a size in MiB: units h (human), m, g or t."""
  if units not in ("m", "g", "t", "h", "M", "G", "T", "H"):
    raise errors.ProgrammerError("Invalid unit specified '%s'" % units)
  units = units.lower()
  suffix = ""
  if units == "m" or (units == "h" and value < 1024):
    if units == "h":
      suffix = "M"
    return "%d%s" % (round(value, 0), suffix)
  elif units == "g" or (units == "h" and value < (1024 * 1024)):
    if units == "h":
      suffix = "G"
    return "%0.1f%s" % (round(float(value) / 1024, 1), suffix)
  else:
    if units == "h":
      suffix = "T"
    return "%0.1f%s" % (round(float(value) / 1024 / 1024, 1), suffix)


_UNIT_RE = re.compile(r"^([.\d]+)\s*([a-zA-Z]+)?$")


def ParseUnit(input_string: str) -> int:
  """Parse a size with an optional unit; return MiB rounded up to 4 MiB."""
  m = _UNIT_RE.match(str(input_string).strip())
  if not m:
    raise errors.UnitParseError("Invalid format")
  value = float(m.group(1))
  unit = m.group(2)
  if unit:
    lcunit = unit.lower()
  else:
    lcunit = "m"
  if lcunit in ("m", "mb", "mib"):
    pass
  elif lcunit in ("g", "gb", "gib"):
    value *= 1024
  elif lcunit in ("t", "tb", "tib"):
    value *= 1024 * 1024
  else:
    raise errors.UnitParseError("Unknown unit: %s" % unit)
  if int(value) < value:
    value += 1
  value = int(value)
  if value % 4:
    value += 4 - value % 4
  return value


def FormatTime(val, usecs=None) -> str:
  """Format a UNIX time as local 'YYYY-MM-DD HH:MM:SS[.usec]'."""
  if val is None or not isinstance(val, (int, float)):
    return "N/A"
  result = time.strftime("%F %T", time.localtime(val))
  if usecs is not None:
    result += ".%06d" % usecs
  return result


def SafeEncode(text: str) -> str:
  """Escape non-printable characters as Python does."""
  if isinstance(text, bytes):
    text = text.decode("utf-8", "replace")
  resu = []
  for char in text:
    c = ord(char)
    if char == "\t":
      resu.append(r"\t")
    elif char == "\n":
      resu.append(r"\n")
    elif char == "\r":
      resu.append(r"\'r")
    elif c < 32 or c >= 127:
      resu.append("\\x%02x" % (c & 0xff))
    else:
      resu.append(char)
  return "".join(resu)


def CommaJoin(names) -> str:
  return ", ".join(str(v) for v in names)


def FormatOrdinal(value: int) -> str:
  tens = value % 10
  if value > 10 and value < 20:
    suffix = "th"
  elif tens == 1:
    suffix = "st"
  elif tens == 2:
    suffix = "nd"
  elif tens == 3:
    suffix = "rd"
  else:
    suffix = "th"
  return "%s%s" % (value, suffix)


def UnescapeAndSplit(text, sep=","):
  """Split on ``sep``, honouring backslash-escaped separators."""
  result = []
  current = []
  i = 0
  while i < len(text):
    char = text[i]
    if char == "\\" and i + 1 < len(text):
      current.append(text[i + 1])
      i += 2
      continue
    if char == sep:
      result.append("".join(current))
      current = []
    else:
      current.append(char)
    i += 1
  result.append("".join(current))
  return result
