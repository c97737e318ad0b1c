"""A QMP (QEMU Machine Protocol) client over a unix socket.

The protocol: the server greets with ``{"QMP": {...}}``; the client sends
``qmp_capabilities`` to leave negotiation mode; each command is one JSON
object ``{"execute": name, "arguments": {...}}`` answered by
``{"return": ...}`` or ``{"error": {"class": ..., "desc": ...}}``;
asynchronous ``{"event": ...}`` messages may arrive at any time and are
kept for :meth:`QmpConnection.WaitForEvent`.  Every read is bounded by a
timeout.
"""

import json
import os
import socket
import time

from ganeti import errors


class QmpError(errors.HypervisorError):
  """A QMP command failed or the connection broke."""


def ConnectUnix(sock, path):
  """Connect ``sock`` to the unix socket ``path``, even a long one.

  A path longer than sun_path allows is reached through the directory's
  file descriptor (``/proc/self/fd/N/name``).
  """
  if len(path.encode("utf-8")) <= 107:
    sock.connect(path)
    return
  dirfd = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
  try:
    sock.connect("/proc/self/fd/%d/%s" % (dirfd, os.path.basename(path)))
  finally:
    os.close(dirfd)


class QmpConnection:
  """One connection to a QMP socket; use as a context manager."""

  def __init__(self, path, timeout=10.0):
    self.path = path
    self.timeout = timeout
    self._sock = None
    self._buf = b""
    self.events = []
    self.greeting = None

  def __enter__(self):
    self.Connect()
    return self

  def __exit__(self, *_):
    self.Close()

  def Connect(self):
    """Connect, read the greeting, negotiate capabilities.

    @raise QmpError: no QMP server there, or a bad greeting
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(self.timeout)
    try:
      ConnectUnix(sock, self.path)
    except OSError as err:
      sock.close()
      raise QmpError("Cannot connect to the QMP socket %s: %s" %
                     (self.path, err))
    self._sock = sock
    greeting = self._ReadMessage(time.monotonic() + self.timeout)
    if "QMP" not in greeting:
      self.Close()
      raise QmpError("Invalid QMP greeting on %s: %r" % (self.path, greeting))
    self.greeting = greeting["QMP"]
    self.Execute("qmp_capabilities")

  def Close(self):
    if self._sock is not None:
      try:
        self._sock.close()
      finally:
        self._sock = None

  def _ReadMessage(self, deadline):
    while b"\n" not in self._buf:
      remaining = deadline - time.monotonic()
      if remaining <= 0:
        raise socket.timeout("QMP read timed out")
      self._sock.settimeout(remaining)
      try:
        data = self._sock.recv(65536)
      except socket.timeout:
        raise
      except OSError as err:
        raise QmpError("QMP connection %s broke: %s" % (self.path, err))
      if not data:
        raise QmpError("QMP connection %s closed by qemu" % self.path)
      self._buf += data
    (line, _, self._buf) = self._buf.partition(b"\n")
    try:
      return json.loads(line.decode("utf-8"))
    except ValueError as err:
      raise QmpError("Invalid QMP message %r: %s" % (line[:200], err))

  def Execute(self, command, arguments=None, timeout=None, fds=None):
    """Run ``command``; return its ``return`` value.

    @param fds: file descriptors passed along (SCM_RIGHTS), as ``getfd``
        wants them
    @raise QmpError: the command failed (message has class and desc)
    """
    if self._sock is None:
      raise QmpError("QMP connection %s is not open" % self.path)
    msg = {"execute": command}
    if arguments:
      msg["arguments"] = arguments
    data = json.dumps(msg).encode("utf-8") + b"\r\n"
    try:
      if fds:
        sent = socket.send_fds(self._sock, [data], list(fds))
        if sent < len(data):
          self._sock.sendall(data[sent:])
      else:
        self._sock.sendall(data)
    except OSError as err:
      raise QmpError("Cannot send to QMP socket %s: %s" % (self.path, err))
    deadline = time.monotonic() + (timeout or self.timeout)
    while True:
      try:
        reply = self._ReadMessage(deadline)
      except socket.timeout:
        raise QmpError("No answer to QMP command '%s' on %s" %
                       (command, self.path))
      if "event" in reply:
        self.events.append(reply)
        continue
      if "error" in reply:
        err = reply["error"]
        raise QmpError("QMP command '%s' failed: %s: %s" %
                       (command, err.get("class"), err.get("desc")))
      if "return" in reply:
        return reply["return"]
      raise QmpError("Unexpected QMP reply to '%s': %r" % (command, reply))

  def WaitForEvent(self, name, timeout):
    """The first event called ``name`` (kept or arriving within timeout).

    @return: the event dict, or None on timeout
    """
    for (idx, event) in enumerate(self.events):
      if event.get("event") == name:
        return self.events.pop(idx)
    deadline = time.monotonic() + timeout
    while True:
      try:
        msg = self._ReadMessage(deadline)
      except socket.timeout:
        return None
      if msg.get("event") == name:
        return msg
      if "event" in msg:
        self.events.append(msg)


def Execute(path, command, arguments=None, timeout=10.0):
  """Open a connection, run one command, close; return its result."""
  with QmpConnection(path, timeout=timeout) as conn:
    return conn.Execute(command, arguments)
