"""The import/export helper: one disk's data stream between two nodes.

``ganeti-noded`` starts one helper process per transfer (see
``ganeti.backend.impexp``); the master drives both ends through the
``import_start``/``export_start``/``impexp_*`` RPCs.  The importing end
listens on a TCP port, the exporting end connects to it; both present the
cluster certificate and accept only a peer whose certificate is the given
CA.  This package holds what both sides (noded and the master) share: the
I/O kinds, compression names, the status file format and the wire framing.

Wire format after the TLS handshake (exporter → importer):

* ``M=<magic>\\n`` (just ``M=\\n`` without a magic); the importer refuses a
  stream whose magic differs from its own;
* frames ``<4-byte big-endian length><payload>`` of (possibly compressed)
  data; a zero-length frame ends the stream;
* the importer answers ``OK\\n`` once its sink has taken all the data, or
  ``ERR <message>\\n``.
"""

import os
import time

from ganeti import serializer
from ganeti.utils import io

# Data sources/sinks (Ganeti's IEIO_*)
IEIO_FILE = "file"
IEIO_RAW_DISK = "raw"
IEIO_SCRIPT = "script"
IEIO_ALL = frozenset([IEIO_FILE, IEIO_RAW_DISK, IEIO_SCRIPT])

# Transport compression (Ganeti's IEC_*); level for zlib
IEC_NONE = "none"
IEC_GZIP = "gzip"
IEC_GZIP_FAST = "gzip-fast"
IEC_GZIP_SLOW = "gzip-slow"
IEC_LEVELS = {IEC_GZIP: 6, IEC_GZIP_FAST: 1, IEC_GZIP_SLOW: 9}
IEC_ALL = frozenset([IEC_NONE]) | frozenset(IEC_LEVELS)

# Export modes (OP_BACKUP_EXPORT/OP_BACKUP_PREPARE ``mode``)
EXPORT_MODE_LOCAL = "local"
EXPORT_MODE_REMOTE = "remote"
EXPORT_MODES = frozenset([EXPORT_MODE_LOCAL, EXPORT_MODE_REMOTE])

# Modes of the helper
IEM_IMPORT = "import"
IEM_EXPORT = "export"

# Timeouts (seconds)
DEFAULT_CONNECT_TIMEOUT = 60
DEFAULT_LISTEN_TIMEOUT = 60
STATUS_INTERVAL = 0.5

# Status directory contents
STATUS_FILE = "status"
PID_FILE = "pid"
CA_FILE = "ca"
IO_SPEC_FILE = "io.json"
LOG_FILE = "daemon.log"

#: Keys of the status file (Ganeti's ImportExportStatus)
STATUS_KEYS = ("recent_output", "listen_port", "connected", "progress_mbytes",
               "progress_throughput", "progress_eta", "progress_percent",
               "exit_status", "error_message", "ctime", "mtime")

MAGIC_PREFIX = b"M="
FRAME_HEADER_SIZE = 4
CHUNK_SIZE = 1024 * 1024
MAX_FRAME = 16 * 1024 * 1024
MAX_RECENT_OUTPUT = 20
REPLY_OK = b"OK\n"
REPLY_ERR = b"ERR "
MAGIC_RE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def CheckMagic(magic):
  """Whether ``magic`` is an acceptable transfer magic (or None)."""
  return magic is None or (0 < len(magic) <= 128 and
                           set(magic) <= MAGIC_RE_CHARS)


class Status:
  """The status of one transfer, written as JSON to the status file.

  Writes are atomic (temporary file and rename), so a reader never sees a
  partial file.
  """

  def __init__(self, path):
    self._path = path
    now = time.time()
    self.data = dict.fromkeys(STATUS_KEYS)
    self.data.update({"recent_output": [], "connected": False,
                      "ctime": now, "mtime": now})

  def Set(self, **kwargs):
    for key in kwargs:
      if key not in STATUS_KEYS:
        raise KeyError(key)
    self.data.update(kwargs)

  def AddOutput(self, line):
    lines = self.data["recent_output"]
    lines.append(line)
    del lines[:-MAX_RECENT_OUTPUT]

  def Write(self):
    self.data["mtime"] = time.time()
    io.WriteFile(self._path, data=serializer.DumpJson(self.data),
                 fsync=False)


def ReadStatus(path):
  """The status dict of a status file, or None if it does not exist yet."""
  try:
    with open(path) as fh:
      text = fh.read()
  except FileNotFoundError:
    return None
  if not text.strip():
    return None
  return serializer.LoadJson(text)


def FormatProgress(name, status):
  """One progress line of a running transfer, e.g. for the job log.

  ``disk/0 sent 120 MiB (45.3 MiB/s, 12%, ETA 22s)``; parts that are not
  known (throughput, percentage, ETA) are left out.
  """
  mbytes = status.get("progress_mbytes")
  if mbytes is None:
    return None
  parts = []
  throughput = status.get("progress_throughput")
  if throughput is not None:
    parts.append("%0.1f MiB/s" % throughput)
  percent = status.get("progress_percent")
  if percent is not None:
    parts.append("%d%%" % percent)
  eta = status.get("progress_eta")
  if eta is not None:
    parts.append("ETA %ds" % eta)
  text = "%s sent %d MiB" % (name, mbytes)
  if parts:
    text += " (%s)" % ", ".join(parts)
  return text


def StatusDirName(path):
  """The transfer name of a status directory (its base name)."""
  return os.path.basename(os.path.normpath(path))
