"""Parsers for what DRBD 8.x reports about itself.

Three sources are handled, all as pure functions of their text:

- ``/proc/drbd``: the version line and one status entry per minor
  (:class:`DRBD8Info`, :class:`DRBD8Status`);
- the output of ``drbdsetup show`` in the 8.0/8.3 and the 8.4 layouts
  (:func:`ParseShowOutput`);
- ``/sys/module/drbd/parameters/usermode_helper``
  (:func:`ParseUsermodeHelper`).

Nothing here reads files or runs commands; the callers do that.
"""

import re

from ganeti import errors

DRBD_STATUS_FILE = "/proc/drbd"
DRBD_USERMODE_HELPER_FILE = "/sys/module/drbd/parameters/usermode_helper"

# Connection states
CS_UNCONFIGURED = "Unconfigured"
CS_STANDALONE = "StandAlone"
CS_WFCONNECTION = "WFConnection"
CS_WFREPORTPARAMS = "WFReportParams"
CS_CONNECTED = "Connected"
CS_STARTINGSYNCS = "StartingSyncS"
CS_STARTINGSYNCT = "StartingSyncT"
CS_WFBITMAPS = "WFBitMapS"
CS_WFBITMAPT = "WFBitMapT"
CS_WFSYNCUUID = "WFSyncUUID"
CS_SYNCSOURCE = "SyncSource"
CS_SYNCTARGET = "SyncTarget"
CS_PAUSEDSYNCS = "PausedSyncS"
CS_PAUSEDSYNCT = "PausedSyncT"

#: connection states during which a resync is (about to be) running
CSET_SYNC = frozenset([
  CS_WFREPORTPARAMS, CS_STARTINGSYNCS, CS_STARTINGSYNCT, CS_WFBITMAPS,
  CS_WFBITMAPT, CS_WFSYNCUUID, CS_SYNCSOURCE, CS_SYNCTARGET,
  CS_PAUSEDSYNCS, CS_PAUSEDSYNCT,
])

# Disk states
DS_DISKLESS = "Diskless"
DS_ATTACHING = "Attaching"
DS_FAILED = "Failed"
DS_NEGOTIATING = "Negotiating"
DS_INCONSISTENT = "Inconsistent"
DS_OUTDATED = "Outdated"
DS_DUNKNOWN = "DUnknown"
DS_CONSISTENT = "Consistent"
DS_UPTODATE = "UpToDate"

# Roles
RO_PRIMARY = "Primary"
RO_SECONDARY = "Secondary"
RO_UNKNOWN = "Unknown"

# "version: 8.3.1 (api:88/proto:86-89)", the fourth number is optional
_VERSION_RE = re.compile(
  r"^version:\s+(?P<major>\d+)\.(?P<minor>\d+)\.(?P<point>\d+)"
  r"(?:\.(?P<fix>\d+))?\s+\(api:(?P<api>\d+)/proto:(?P<proto>\d+)"
  r"(?:-(?P<proto2>\d+))?\)")

# the first line of a minor's entry: " 3: cs:..."
_MINOR_START_RE = re.compile(r"^\s*(?P<minor>\d+):\s+cs:\S+")

# the status part of a (joined) minor entry; the roles are tagged "st:"
# before 8.3 and "ro:" from 8.3 on
_STATUS_RE = re.compile(
  r"^\s*(?P<minor>\d+):\s+cs:(?P<cs>\S+)"
  r"(?:\s+(?:st|ro):(?P<lrole>[^/\s]+)/(?P<rrole>\S+)"
  r"\s+ds:(?P<ldisk>[^/\s]+)/(?P<rdisk>\S+))?")

_SYNC_PERCENT_RE = re.compile(r"\ssync'ed:\s*(?P<pct>[0-9.]+)%")
# some kernels print "...)Mfinish:" with no space before "finish"
_FINISH_RE = re.compile(r"finish:\s*(?P<h>\d+):(?P<m>\d+):(?P<s>\d+)")


class DRBD8Status:
  """The status of one DRBD minor, from its joined ``/proc/drbd`` entry.

  Attributes (all set by the constructor):

  - ``minor`` (int), ``cstatus`` (connection state string);
  - ``lrole``/``rrole``, ``ldisk``/``rdisk``: local/peer role and disk
    state, ``None`` for an unconfigured minor; ``peer_disk`` is ``rdisk``;
  - booleans ``is_standalone``, ``is_wfconn``, ``is_connected``,
    ``is_unconfigured``, ``is_primary``, ``is_secondary``,
    ``peer_primary``, ``peer_secondary``, ``both_primary``,
    ``both_secondary``, ``is_diskless``, ``is_disk_uptodate``,
    ``peer_disk_uptodate``, ``is_in_resync``, ``is_in_use``;
  - ``sync_percent`` (float) and ``est_time`` (seconds, int) from the
    progress lines; without them ``est_time`` is ``None`` and
    ``sync_percent`` is ``0`` while resyncing, ``None`` otherwise.

  @raise errors.BlockDeviceError: the entry cannot be parsed
  """

  def __init__(self, procline: str):
    m = _STATUS_RE.match(procline)
    if not m:
      raise errors.BlockDeviceError("Can't parse DRBD status line '%s'" %
                                    procline)
    self.minor = int(m.group("minor"))
    self.cstatus = m.group("cs")
    if self.cstatus == CS_UNCONFIGURED:
      self.lrole = self.rrole = self.ldisk = self.rdisk = None
    elif m.group("lrole") is None:
      raise errors.BlockDeviceError("DRBD status line without roles or disk"
                                    " states: '%s'" % procline)
    else:
      self.lrole = m.group("lrole")
      self.rrole = m.group("rrole")
      self.ldisk = m.group("ldisk")
      self.rdisk = m.group("rdisk")
    self.peer_disk = self.rdisk

    self.is_standalone = self.cstatus == CS_STANDALONE
    self.is_wfconn = self.cstatus == CS_WFCONNECTION
    self.is_connected = self.cstatus == CS_CONNECTED
    self.is_unconfigured = self.cstatus == CS_UNCONFIGURED
    self.is_primary = self.lrole == RO_PRIMARY
    self.is_secondary = self.lrole == RO_SECONDARY
    self.peer_primary = self.rrole == RO_PRIMARY
    self.peer_secondary = self.rrole == RO_SECONDARY
    self.both_primary = self.is_primary and self.peer_primary
    self.both_secondary = self.is_secondary and self.peer_secondary
    self.is_diskless = self.ldisk == DS_DISKLESS
    self.is_disk_uptodate = self.ldisk == DS_UPTODATE
    self.peer_disk_uptodate = self.rdisk == DS_UPTODATE
    self.is_in_resync = self.cstatus in CSET_SYNC
    self.is_in_use = self.cstatus != CS_UNCONFIGURED

    pct = _SYNC_PERCENT_RE.search(procline)
    fin = _FINISH_RE.search(procline)
    if pct and fin:
      self.sync_percent = float(pct.group("pct"))
      self.est_time = (int(fin.group("h")) * 3600 + int(fin.group("m")) * 60
                       + int(fin.group("s")))
    else:
      # a resync without progress data still counts as "0% done", so that
      # callers waiting for the sync know there is something to wait for
      self.sync_percent = 0 if self.is_in_resync else None
      self.est_time = None

  def __repr__(self):
    return ("<DRBD8Status minor=%s cs=%s roles=%s/%s disks=%s/%s>" %
            (self.minor, self.cstatus, self.lrole, self.rrole, self.ldisk,
             self.rdisk))


def ParseVersion(line: str) -> dict:
  """Parse the ``version:`` line of ``/proc/drbd``.

  @return: dict with int values ``k_major``, ``k_minor``, ``k_point``,
    ``api``, ``proto``, plus the strings ``k_fix`` and ``proto2`` when the
    line has them
  @raise errors.BlockDeviceError: not a version line
  """
  m = _VERSION_RE.match(line.strip())
  if not m:
    raise errors.BlockDeviceError("Can't parse DRBD version from '%s'" %
                                  line.strip())
  result = {
    "k_major": int(m.group("major")),
    "k_minor": int(m.group("minor")),
    "k_point": int(m.group("point")),
    "api": int(m.group("api")),
    "proto": int(m.group("proto")),
  }
  if m.group("fix") is not None:
    result["k_fix"] = m.group("fix")
  if m.group("proto2") is not None:
    result["proto2"] = m.group("proto2")
  return result


def FormatVersion(version: dict) -> str:
  """The inverse of L{ParseVersion}: ``8.3.1 (api:88/proto:86-89)``."""
  text = "%d.%d.%d" % (version["k_major"], version["k_minor"],
                       version["k_point"])
  if "k_fix" in version:
    text += ".%s" % version["k_fix"]
  text += " (api:%d/proto:%d" % (version["api"], version["proto"])
  if "proto2" in version:
    text += "-%s" % version["proto2"]
  return text + ")"


def JoinLinesPerMinor(lines) -> tuple:
  """Group ``/proc/drbd`` lines by minor.

  An entry starts at a line ``N: cs:...``; the following lines (statistics,
  progress bar, ``finish:``) are appended to it, stripped and separated by a
  single space. Empty lines and lines before the first entry (version,
  GIT-hash, srcversion) are ignored.

  @return: (list of minors in file order, dict minor -> joined text)
  """
  minors = []
  joined = {}
  current = None
  for line in lines:
    if not line.strip():
      continue
    m = _MINOR_START_RE.match(line)
    if m:
      current = int(m.group("minor"))
      minors.append(current)
      joined[current] = line
    elif current is not None:
      joined[current] += " " + line.strip()
  return minors, joined


class DRBD8Info:
  """The parsed content of ``/proc/drbd``.

  Build it with L{FromText} or L{FromLines}.
  """

  def __init__(self, version: dict, minors: list, lines_per_minor: dict):
    self._version = version
    self._minors = minors
    self._lines = lines_per_minor

  @classmethod
  def FromLines(cls, lines):
    """Parse the lines of ``/proc/drbd``.

    @raise errors.BlockDeviceError: no lines, or the first line is not a
      version line
    """
    lines = list(lines)
    if not lines:
      raise errors.BlockDeviceError("Can't read any data from %s" %
                                    DRBD_STATUS_FILE)
    version = ParseVersion(lines[0])
    minors, joined = JoinLinesPerMinor(lines)
    return cls(version, minors, joined)

  @classmethod
  def FromText(cls, text: str):
    """Parse the whole text of ``/proc/drbd``; see L{FromLines}."""
    return cls.FromLines(text.splitlines())

  def GetVersion(self) -> dict:
    """The version dict (see L{ParseVersion})."""
    return dict(self._version)

  def GetVersionString(self) -> str:
    """The version as DRBD prints it, e.g. ``8.4.2 (api:1/proto:86-101)``."""
    return FormatVersion(self._version)

  def UsesNewSyntax(self) -> bool:
    """Whether this DRBD speaks the 8.4 ``drbdsetup`` syntax."""
    return (self._version["k_major"], self._version["k_minor"]) >= (8, 4)

  def GetMinors(self) -> list:
    """All minors listed, in file order (configured or not)."""
    return list(self._minors)

  def GetUsedMinors(self) -> list:
    """The minors whose state is not ``Unconfigured``."""
    return [m for m in self._minors if self.GetMinorStatus(m).is_in_use]

  def HasMinorStatus(self, minor: int) -> bool:
    """Whether ``minor`` has an entry."""
    return minor in self._lines

  def GetMinorStatus(self, minor: int) -> DRBD8Status:
    """The parsed status of ``minor``.

    @raise errors.BlockDeviceError: no entry for the minor, or unparsable
    """
    try:
      line = self._lines[minor]
    except KeyError:
      raise errors.BlockDeviceError("No DRBD status for minor %s" % minor)
    return DRBD8Status(line)


def ParseUsermodeHelper(text: str) -> str:
  """The usermode helper from its sysfs parameter file content.

  @raise errors.BlockDeviceError: the file is empty
  """
  helper = text.strip()
  if not helper:
    raise errors.BlockDeviceError("Can't read any data from %s" %
                                  DRBD_USERMODE_HELPER_FILE)
  return helper


# ---------------------------------------------------------------------------
# drbdsetup show

_SHOW_TOKEN_RE = re.compile(r'(?P<space>\s+)|(?P<comment>#[^\n]*)'
                            r'|"(?P<quoted>[^"]*)"|(?P<punct>[{};])'
                            r'|(?P<word>[^\s{};"#]+)')

_DEFAULT_MARK = "_is_default"


class _Node:
  """A statement (``children is None``) or a section of the show output."""

  def __init__(self, name, values, children=None):
    self.name = name
    self.values = values
    self.children = children


def _Tokenize(text):
  """Split show output into ("q"|"w"|"p", text) tokens, dropping comments."""
  tokens = []
  pos = 0
  while pos < len(text):
    m = _SHOW_TOKEN_RE.match(text, pos)
    if not m:
      raise errors.BlockDeviceError("Can't parse drbdsetup show output near"
                                    " %r" % text[pos:pos + 20])
    pos = m.end()
    if m.group("quoted") is not None:
      tokens.append(("q", m.group("quoted")))
    elif m.group("punct") is not None:
      tokens.append(("p", m.group("punct")))
    elif m.group("word") is not None:
      tokens.append(("w", m.group("word")))
  return tokens


def _ParseBlock(tokens, pos, nested):
  """Parse statements and sections until "}" (nested) or the end."""
  nodes = []
  words = []
  while pos < len(tokens):
    kind, value = tokens[pos]
    pos += 1
    if kind != "p":
      words.append((kind, value))
      continue
    if value == "}":
      if not nested or words:
        raise errors.BlockDeviceError("Unexpected '}' in drbdsetup show"
                                      " output")
      return nodes, pos
    if not words or words[0][0] != "w":
      raise errors.BlockDeviceError("Missing keyword before '%s' in drbdsetup"
                                    " show output" % value)
    name = words[0][1]
    values = [v for (_, v) in words[1:] if v != _DEFAULT_MARK]
    words = []
    if value == ";":
      nodes.append(_Node(name, values))
    else:
      children, pos = _ParseBlock(tokens, pos, True)
      nodes.append(_Node(name, values, children))
  if nested or words:
    raise errors.BlockDeviceError("Unterminated drbdsetup show output")
  return nodes, pos


def ParseShowTree(text: str) -> list:
  """Parse ``drbdsetup show`` output into a list of L{_Node}.

  @raise errors.BlockDeviceError: unbalanced braces or stray tokens
  """
  nodes, _ = _ParseBlock(_Tokenize(text), 0, False)
  return nodes


def ParseAddress(values) -> tuple:
  """Parse an ``address`` statement's values into (host, port).

  Accepts ``192.0.2.1:11000``, ``ipv4 192.0.2.1:11000`` and
  ``ipv6 [2001:db8::1]:11000``; IPv6 brackets are removed.

  @raise errors.BlockDeviceError: malformed address
  """
  values = list(values)
  if values and values[0] in ("ipv4", "ipv6", "ssocks", "sdp"):
    values = values[1:]
  if len(values) != 1 or ":" not in values[0]:
    raise errors.BlockDeviceError("Can't parse DRBD address %r" % (values, ))
  host, port = values[0].rsplit(":", 1)
  if host.startswith("[") and host.endswith("]"):
    host = host[1:-1]
  if not host or not port.isdigit():
    raise errors.BlockDeviceError("Can't parse DRBD address %r" % (values, ))
  return (host, int(port))


def _ParseMinor(values):
  """The minor from ``device minor N`` or ``device "/dev/drbdN"``."""
  if len(values) == 2 and values[0] == "minor" and values[1].isdigit():
    return int(values[1])
  if len(values) == 1:
    m = re.match(r"^/dev/drbd(\d+)$", values[0])
    if m:
      return int(m.group(1))
  raise errors.BlockDeviceError("Can't parse DRBD device %r" % (values, ))


def _CollectLocal(nodes, result):
  """Fill in device, disk and meta-disk from _this_host/volume statements."""
  for node in nodes:
    if node.children is not None:
      if node.name == "volume":
        _CollectLocal(node.children, result)
      continue
    if node.name == "device":
      result["minor"] = _ParseMinor(node.values)
    elif node.name == "disk" and len(node.values) == 1:
      result["local_dev"] = node.values[0]
    elif node.name == "meta-disk" and node.values:
      result["meta_dev"] = node.values[0]
      rest = node.values[1:]
      if rest:
        if len(rest) != 3 or rest[0] != "[" or rest[2] != "]" or \
            not rest[1].isdigit():
          raise errors.BlockDeviceError("Can't parse DRBD meta-disk %r" %
                                        (node.values, ))
        result["meta_index"] = int(rest[1])
    elif node.name == "address":
      result["local_addr"] = ParseAddress(node.values)


def ParseShowOutput(text: str) -> dict:
  """Extract the device identity from ``drbdsetup show`` output.

  Works for the flat 8.0/8.3 layout and for the 8.4 layout (everything
  inside ``resource NAME { ... }``, local disks inside ``volume N``).

  @return: dict with the keys that the output provides, among
    ``minor`` (int), ``local_dev``, ``meta_dev`` (paths), ``meta_index``
    (int), ``local_addr``, ``remote_addr`` ((host, port) tuples) and
    ``protocol``; empty for empty output
  @raise errors.BlockDeviceError: unparsable output
  """
  if not text.strip():
    return {}
  nodes = ParseShowTree(text)
  if len(nodes) == 1 and nodes[0].name == "resource" and \
      nodes[0].children is not None:
    nodes = nodes[0].children
  result = {}
  for node in nodes:
    if node.name == "protocol" and node.children is None and node.values:
      result["protocol"] = node.values[0]
    elif node.name == "_this_host" and node.children is not None:
      _CollectLocal(node.children, result)
    elif node.name == "_remote_host" and node.children is not None:
      for child in node.children:
        if child.name == "address" and child.children is None:
          result["remote_addr"] = ParseAddress(child.values)
  return result
