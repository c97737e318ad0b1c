"""Chunked disk copy over the node RPC channel (used by instance move).

The master reads a disk of the source node chunk by chunk
(``blockdev_read_chunk``) and writes each chunk to the same disk created
on the target node (``blockdev_write_chunk``).  Chunks of zeros are not
sent (``data`` is null); they stay holes in a target file (sparse file
disks stay sparse) and are written out on a block device.  Other chunks travel zlib-compressed, base64-encoded.
The disk is found through its storage class, as for assembling it.
"""

import base64
import os
import stat
import zlib

from ganeti import errors
from ganeti.backend import _Fail
from ganeti.backend import bdev

#: Largest chunk a call may ask for (bytes)
MAX_CHUNK = 16 * 1024 * 1024


def _DevicePath(disk):
  """Local path of an existing disk (assembled if it is not yet)."""
  disk = bdev._ToDisk(disk)
  try:
    dev = bdev.FindDevice(disk)
    if dev is None:
      _Fail("Can't find device %s", disk.iv_name or disk.uuid)
    if not dev.dev_path:
      dev.Assemble()
  except errors.BlockDeviceError as err:
    _Fail("Cannot open disk %s: %s", disk.iv_name or disk.uuid, err)
  return dev.dev_path


def _CheckRange(offset, length):
  if (not isinstance(offset, int) or not isinstance(length, int) or
      offset < 0 or length < 0 or length > MAX_CHUNK):
    _Fail("Invalid chunk range offset=%r length=%r (at most %d bytes)",
          offset, length, MAX_CHUNK)


def _Size(fd):
  return os.lseek(fd, 0, os.SEEK_END)


def BlockdevReadChunk(disk, offset, length):
  """Read a chunk: [disk size in bytes, bytes read, data or None]."""
  _CheckRange(offset, length)
  path = _DevicePath(disk)
  try:
    fd = os.open(path, os.O_RDONLY)
  except OSError as err:
    _Fail("Cannot open '%s' for reading: %s", path, err)
  try:
    size = _Size(fd)
    data = os.pread(fd, min(length, max(0, size - offset)), offset)
  except OSError as err:
    _Fail("Cannot read '%s' at %d: %s", path, offset, err)
  finally:
    os.close(fd)
  if not data.strip(b"\0"):
    return [size, len(data), None]
  return [size, len(data),
          base64.b64encode(zlib.compress(data, 1)).decode("ascii")]


def BlockdevWriteChunk(disk, offset, length, data):
  """Write a chunk read by L{BlockdevReadChunk}; returns bytes written."""
  _CheckRange(offset, length)
  path = _DevicePath(disk)
  if data is None:
    raw = None
  else:
    try:
      raw = zlib.decompress(base64.b64decode(data))
    except (ValueError, zlib.error) as err:
      _Fail("Invalid chunk data: %s", err)
    if len(raw) != length:
      _Fail("Chunk length mismatch: %d bytes announced, %d received",
            length, len(raw))
  try:
    fd = os.open(path, os.O_WRONLY)
  except OSError as err:
    _Fail("Cannot open '%s' for writing: %s", path, err)
  try:
    if raw is None and stat.S_ISREG(os.fstat(fd).st_mode):
      # a hole in a fresh file: only make sure the file is long enough
      if _Size(fd) < offset + length:
        os.ftruncate(fd, offset + length)
    else:
      if raw is None:
        # a block device may hold old data: zeros must be written
        raw = bytes(length)
      os.pwrite(fd, raw, offset)
  except OSError as err:
    _Fail("Cannot write '%s' at %d: %s", path, offset, err)
  finally:
    os.close(fd)
  return length
