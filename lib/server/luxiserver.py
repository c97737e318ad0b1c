"""The master daemon's LUXI server: a Unix socket, one thread per client.

At most ``max_clients`` requests are handled at once (Ganeti uses 16
request threads); a connection may carry several requests, one at a time.
Malformed requests close the connection without a reply.
"""

import errno
import logging
import os
import socket
import threading

from ganeti import constants
from ganeti import errors
from ganeti import luxi

CLIENT_REQUEST_WORKERS = 16


class LuxiServer:
  """Accept LUXI connections and hand each request to ``handler``.

  ``handler(method, args)`` returns the result or raises; Ganeti errors are
  sent back encoded, anything else as ``"Caught exception: <text>"``.
  """

  def __init__(self, address, handler, max_clients=CLIENT_REQUEST_WORKERS,
               uid=-1, gid=-1):
    self._address = address
    self._handler = handler
    self._slots = threading.BoundedSemaphore(max_clients)
    self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self._Bind(uid, gid)
    self._threads = set()
    self._threads_lock = threading.Lock()
    self._stopping = threading.Event()
    self._conns = set()

  def _Bind(self, uid, gid):
    """Bind to a temporary name, set permissions, rename into place."""
    try:
      os.unlink(self._address)
    except FileNotFoundError:
      pass
    tmp = "%s.%d.tmp" % (self._address, os.getpid())
    try:
      os.unlink(tmp)
    except FileNotFoundError:
      pass
    self._sock.bind(tmp)
    os.chmod(tmp, 0o770)
    if uid != -1 or gid != -1:
      os.chown(tmp, uid, gid)
    os.rename(tmp, self._address)
    self._sock.listen(128)

  def Serve(self):
    """Accept connections until :meth:`Stop` is called."""
    while not self._stopping.is_set():
      try:
        conn, _ = self._sock.accept()
      except OSError as err:
        if self._stopping.is_set():
          break
        if err.errno in (errno.EINTR, errno.EAGAIN, errno.ECONNABORTED):
          continue
        raise
      thread = threading.Thread(target=self._HandleConnection, args=(conn,),
                                name="ClientReq", daemon=True)
      with self._threads_lock:
        self._threads.add(thread)
        self._conns.add(conn)
      thread.start()

  def Stop(self):
    """Stop accepting and close every connection; join client threads."""
    self._stopping.set()
    try:
      self._sock.shutdown(socket.SHUT_RDWR)
    except OSError:
      pass
    self._sock.close()
    with self._threads_lock:
      for conn in list(self._conns):
        try:
          conn.shutdown(socket.SHUT_RDWR)
        except OSError:
          pass
      threads = list(self._threads)
    for thread in threads:
      thread.join(10)
    try:
      os.unlink(self._address)
    except OSError:
      pass

  def _HandleConnection(self, conn):
    buf = b""
    try:
      while not self._stopping.is_set():
        while constants.LUXI_EOM not in buf:
          data = conn.recv(65536)
          if not data:
            return
          buf += data
        (msg, buf) = buf.split(constants.LUXI_EOM, 1)
        with self._slots:
          reply = self._HandleRequest(msg)
        if reply is None:
          return
        conn.sendall(reply + constants.LUXI_EOM)
    except OSError as err:
      if not self._stopping.is_set():
        logging.debug("LUXI connection error: %s", err)
    finally:
      conn.close()
      with self._threads_lock:
        self._threads.discard(threading.current_thread())
        self._conns.discard(conn)

  def _HandleRequest(self, msg):
    try:
      (method, args, version) = luxi.ParseRequest(msg)
    except errors.ProtocolError as err:
      logging.error("Protocol error: %s", err)
      return None
    if version is not None and version != constants.LUXI_VERSION:
      result = errors.EncodeException(errors.LuxiError(
        "LUXI version mismatch, server %s, request %s" %
        (constants.LUXI_VERSION, version)))
      return luxi.FormatResponse(False, result)
    try:
      result = self._handler(method, args)
      success = True
    except (errors.GenericError, errors.QuitGanetiException) as err:
      logging.info("Unexpected exception in %s: %s", method, err)
      success = False
      result = errors.EncodeException(err)
    except Exception as err:  # pylint: disable=broad-except
      logging.exception("Unexpected exception in %s", method)
      success = False
      result = "Caught exception: %s" % str(err)
    return luxi.FormatResponse(success, result)
