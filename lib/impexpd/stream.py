"""Data sources, sinks, compression and framing of the import/export helper.

A source yields chunks of bytes (``Read``) and reports how it ended
(``Finish``); a sink takes chunks (``Write``) and commits them
(``Finish``).  Both are described by the I/O spec the node daemon writes
(``io.json`` in the status directory):

* ``{"kind": "raw", "path": P, "size": MiB}``: a disk device or disk file,
  read up to its size, written in place (never created nor truncated);
* ``{"kind": "file", "path": P}``: a plain file (created when importing);
* ``{"kind": "script", "argv": [...], "env": {...}, "cwd": D,
  "log": L}``: an OS ``export`` script writing the data to its stdout
  (its size announced on the descriptor named by ``EXP_SIZE_FD``) or an
  OS ``import`` script reading it from stdin; its other output goes to L.
"""

import os
import struct
import subprocess
import threading
import zlib

from ganeti import impexpd


class TransferError(Exception):
  """A transfer failed; the message is for the administrator."""


# Compression -----------------------------------------------------------
class _NoCompression:
  def Process(self, data):
    return data

  def Flush(self):
    return b""


class _Compressor:
  def __init__(self, level):
    self._obj = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

  def Process(self, data):
    return self._obj.compress(data)

  def Flush(self):
    return self._obj.flush()


class _Decompressor:
  def __init__(self):
    self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

  def Process(self, data):
    try:
      return self._obj.decompress(data)
    except zlib.error as err:
      raise TransferError("Invalid compressed data: %s" % err)

  def Flush(self):
    data = self._obj.flush()
    if not self._obj.eof:
      raise TransferError("Compressed data stream is truncated")
    return data


def MakeCompressor(compress):
  if compress == impexpd.IEC_NONE:
    return _NoCompression()
  return _Compressor(impexpd.IEC_LEVELS[compress])


def MakeDecompressor(compress):
  if compress == impexpd.IEC_NONE:
    return _NoCompression()
  return _Decompressor()


# Framing ---------------------------------------------------------------
def EncodeFrame(payload):
  return struct.pack(">I", len(payload)) + payload


def _RecvExactly(sock, size):
  parts = []
  while size > 0:
    data = sock.recv(min(size, impexpd.CHUNK_SIZE))
    if not data:
      raise TransferError("Connection closed before the end of the data")
    parts.append(data)
    size -= len(data)
  return b"".join(parts)


def RecvFrame(sock):
  """The next frame's payload; b"" marks the end of the stream."""
  (size, ) = struct.unpack(">I", _RecvExactly(sock, impexpd.FRAME_HEADER_SIZE))
  if size > impexpd.MAX_FRAME:
    raise TransferError("Frame of %d bytes is too large" % size)
  if size == 0:
    return b""
  return _RecvExactly(sock, size)


def RecvLine(sock, limit=4096):
  """One ``\\n``-terminated line (with the newline)."""
  buf = b""
  while not buf.endswith(b"\n"):
    if len(buf) >= limit:
      raise TransferError("Line too long in the data stream")
    data = sock.recv(1)
    if not data:
      raise TransferError("Connection closed while reading a header")
    buf += data
  return buf


def MagicLine(magic):
  return impexpd.MAGIC_PREFIX + (magic or "").encode("ascii") + b"\n"


# Scripts ---------------------------------------------------------------
def _OpenLog(spec):
  log = spec.get("log")
  if not log:
    return subprocess.DEVNULL
  return open(log, "ab")


def _TailLog(spec, lines=impexpd.MAX_RECENT_OUTPUT):
  log = spec.get("log")
  if not log:
    return []
  try:
    with open(log, errors="replace") as fh:
      return fh.read().splitlines()[-lines:]
  except OSError:
    return []


def _ScriptFailure(what, spec, proc):
  rc = proc.returncode
  reason = ("exited with exit code %s" % rc if rc >= 0 else
            "terminated by signal %s" % -rc)
  tail = _TailLog(spec)
  msg = "%s script %s" % (what, reason)
  if tail:
    msg += ", last lines of its log:\n%s" % "\n".join(tail)
  return TransferError(msg)


# Sources ---------------------------------------------------------------
class FileSource:
  """Read a file or disk, at most ``limit`` bytes if given."""

  def __init__(self, path, limit=None):
    try:
      self._fh = open(path, "rb")
    except OSError as err:
      raise TransferError("Can't open '%s' for reading: %s" % (path, err))
    self._left = limit
    if limit is not None:
      self.expected_bytes = limit
    else:
      self.expected_bytes = os.fstat(self._fh.fileno()).st_size

  def Read(self):
    size = impexpd.CHUNK_SIZE
    if self._left is not None:
      size = min(size, self._left)
      if size <= 0:
        return b""
    data = self._fh.read(size)
    if self._left is not None:
      self._left -= len(data)
    return data

  def Finish(self):
    self._fh.close()

  def Abort(self):
    self._fh.close()


class ScriptSource:
  """Run an OS export script; its stdout is the data."""

  def __init__(self, spec):
    self._spec = spec
    (size_r, size_w) = os.pipe()
    env = dict(spec.get("env") or {})
    env["EXP_SIZE_FD"] = str(size_w)
    log = _OpenLog(spec)
    try:
      self._proc = subprocess.Popen(
        spec["argv"], env=env, cwd=spec.get("cwd") or "/",
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
        pass_fds=(size_w, ), start_new_session=True)
    except OSError as err:
      os.close(size_r)
      raise TransferError("Can't run the export script: %s" % err)
    finally:
      os.close(size_w)
      if log is not subprocess.DEVNULL:
        log.close()
    self.expected_bytes = None
    self._size_thread = threading.Thread(target=self._ReadSize,
                                         args=(size_r, ), daemon=True)
    self._size_thread.start()

  def _ReadSize(self, fd):
    with os.fdopen(fd, "rb") as fh:
      text = fh.read(64).strip()
    try:
      self.expected_bytes = int(text)
    except ValueError:
      pass

  def Read(self):
    return self._proc.stdout.read1(impexpd.CHUNK_SIZE)

  def Finish(self):
    self._proc.stdout.close()
    self._proc.wait()
    self._size_thread.join(5)
    if self._proc.returncode != 0:
      raise _ScriptFailure("Export", self._spec, self._proc)

  def Abort(self):
    _KillScript(self._proc)


def _KillScript(proc):
  if proc.poll() is None:
    try:
      os.killpg(proc.pid, 15)
    except ProcessLookupError:
      pass
  try:
    proc.wait(10)
  except subprocess.TimeoutExpired:
    try:
      os.killpg(proc.pid, 9)
    except ProcessLookupError:
      pass
    proc.wait()


def MakeSource(spec):
  kind = spec.get("kind")
  if kind == impexpd.IEIO_SCRIPT:
    return ScriptSource(spec)
  if kind == impexpd.IEIO_RAW_DISK:
    size = spec.get("size")
    return FileSource(spec["path"],
                      None if size is None else int(size) * 1024 * 1024)
  if kind == impexpd.IEIO_FILE:
    return FileSource(spec["path"])
  raise TransferError("Unknown data source kind '%s'" % kind)


# Sinks -----------------------------------------------------------------
class FileSink:
  """Write into a file; ``create`` makes a new file, else it must exist
  and is overwritten in place (a disk)."""

  def __init__(self, path, create):
    flags = os.O_WRONLY
    if create:
      flags |= os.O_CREAT | os.O_TRUNC
    try:
      self._fd = os.open(path, flags, 0o600)
    except OSError as err:
      raise TransferError("Can't open '%s' for writing: %s" % (path, err))
    self._path = path

  def Write(self, data):
    view = memoryview(data)
    try:
      while view:
        view = view[os.write(self._fd, view):]
    except OSError as err:
      raise TransferError("Error writing to '%s': %s" % (self._path, err))

  def Finish(self):
    try:
      os.fsync(self._fd)
    finally:
      os.close(self._fd)

  def Abort(self):
    os.close(self._fd)


class ScriptSink:
  """Run an OS import script; the data goes to its stdin."""

  def __init__(self, spec):
    self._spec = spec
    log = _OpenLog(spec)
    try:
      self._proc = subprocess.Popen(
        spec["argv"], env=dict(spec.get("env") or {}),
        cwd=spec.get("cwd") or "/", stdin=subprocess.PIPE, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as err:
      raise TransferError("Can't run the import script: %s" % err)
    finally:
      if log is not subprocess.DEVNULL:
        log.close()

  def Write(self, data):
    try:
      self._proc.stdin.write(data)
    except (BrokenPipeError, ValueError):
      self._proc.wait()
      raise _ScriptFailure("Import", self._spec, self._proc)

  def Finish(self):
    try:
      self._proc.stdin.close()
    except BrokenPipeError:
      pass
    self._proc.wait()
    if self._proc.returncode != 0:
      raise _ScriptFailure("Import", self._spec, self._proc)

  def Abort(self):
    _KillScript(self._proc)


def MakeSink(spec):
  kind = spec.get("kind")
  if kind == impexpd.IEIO_SCRIPT:
    return ScriptSink(spec)
  if kind == impexpd.IEIO_RAW_DISK:
    return FileSink(spec["path"], False)
  if kind == impexpd.IEIO_FILE:
    return FileSink(spec["path"], True)
  raise TransferError("Unknown data sink kind '%s'" % kind)
