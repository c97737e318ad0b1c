"""Read a qemu serial console unix socket in the background.

qemu's ``-serial unix:PATH,server=on,wait=off`` drops output while no
client is connected, so tests connect as soon as the socket exists and
collect everything in a thread; :meth:`SerialReader.WaitFor` waits for a
marker with a deadline.
"""

import socket
import threading
import time

from ganeti.hypervisor.hv_kvm import qmp


class SerialReader:
  """Collects the output of one serial socket until it closes."""

  def __init__(self, path, connect_timeout=30.0):
    self.path = path
    self._data = b""
    self._lock = threading.Lock()
    self._changed = threading.Condition(self._lock)
    self._closed = False
    self._sock = self._Connect(connect_timeout)
    self._thread = threading.Thread(target=self._Run, daemon=True)
    self._thread.start()

  def _Connect(self, timeout):
    deadline = time.monotonic() + timeout
    while True:
      sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      try:
        qmp.ConnectUnix(sock, self.path)
        return sock
      except OSError:
        sock.close()
        if time.monotonic() > deadline:
          raise AssertionError("Serial socket %s did not appear in %ss" %
                               (self.path, timeout))
        time.sleep(0.02)

  def _Run(self):
    try:
      while True:
        try:
          chunk = self._sock.recv(65536)
        except OSError:
          chunk = b""
        with self._lock:
          if not chunk:
            self._closed = True
            self._changed.notify_all()
            return
          self._data += chunk
          self._changed.notify_all()
    finally:
      self._sock.close()

  @property
  def text(self):
    with self._lock:
      return self._data.decode("utf-8", "replace")

  def WaitFor(self, marker, timeout=60.0, start=0):
    """Wait until ``marker`` appears at or after ``start``; return its end.

    @raise AssertionError: not seen within timeout (with the output tail)
    """
    deadline = time.monotonic() + timeout
    needle = marker.encode()
    with self._lock:
      while True:
        idx = self._data.find(needle, start)
        if idx >= 0:
          return idx + len(needle)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self._closed:
          raise AssertionError("%r not seen on %s within %ss%s; output"
                               " tail: %r" %
                               (marker, self.path, timeout,
                                " (console closed)" if self._closed else "",
                                self._data[-600:]))
        self._changed.wait(remaining)

  def WaitClosed(self, timeout=30.0):
    self._thread.join(timeout)
    return not self._thread.is_alive()

  def Close(self):
    try:
      self._sock.shutdown(socket.SHUT_RDWR)
    except OSError:
      pass
    self._thread.join(5)
