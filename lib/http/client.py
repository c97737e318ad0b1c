"""HTTP/1.1 client with a pool of persistent (keep-alive) TLS connections.

One :class:`HttpClientPool` is shared by all threads of a process; it keeps
idle connections per ``(host, port)`` and hands each out to one request at
a time.  A request on a reused connection that finds the connection closed
by the server (idle timeout, daemon restart) is retried once on a fresh
connection.
"""

import http.client as httplib
import socket
import ssl
import threading
import time

from ganeti import http

CONNECT_TIMEOUT = 5
# Must stay below the server's idle timeout to avoid racing its close
MAX_IDLE = 20.0
MAX_IDLE_PER_PEER = 8


class _Connection(httplib.HTTPConnection):
  """A connection (TLS if a context is given) with a connect timeout."""

  def __init__(self, host, port, ssl_ctx, digest):
    super().__init__(host, port, timeout=CONNECT_TIMEOUT)
    self._ssl_ctx = ssl_ctx
    self._digest = digest
    self.last_used = time.monotonic()

  def connect(self):
    sock = socket.create_connection((self.host, self.port),
                                    CONNECT_TIMEOUT)
    try:
      sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
      if self._ssl_ctx is not None:
        sock = self._ssl_ctx.wrap_socket(sock)
        http.VerifyPeer(sock, self._digest)
    except BaseException:
      sock.close()
      raise
    self.sock = sock


_RETRYABLE = (httplib.RemoteDisconnected, ConnectionResetError,
              BrokenPipeError, httplib.BadStatusLine,
              ssl.SSLEOFError)


class HttpClientPool:
  """Persistent connections per peer.

  @param ssl_ctx: client SSL context, or None for plain HTTP
  @param digest: certificate digest the server must present (with ssl_ctx)

  """

  def __init__(self, ssl_ctx=None, digest=None):
    self._ssl_ctx = ssl_ctx
    self._digest = digest
    self._lock = threading.Lock()
    self._idle = {}

  def _Get(self, key):
    now = time.monotonic()
    with self._lock:
      conns = self._idle.get(key)
      while conns:
        conn = conns.pop()
        if now - conn.last_used < MAX_IDLE:
          return (conn, True)
        conn.close()
    return (_Connection(key[0], key[1], self._ssl_ctx, self._digest), False)

  def _Put(self, key, conn):
    conn.last_used = time.monotonic()
    with self._lock:
      conns = self._idle.setdefault(key, [])
      if len(conns) < MAX_IDLE_PER_PEER:
        conns.append(conn)
        return
    conn.close()

  def SetSsl(self, ssl_ctx, digest) -> None:
    """Use another context and peer digest for new connections."""
    with self._lock:
      self._ssl_ctx = ssl_ctx
      self._digest = digest
    self.CloseAll()

  def CloseAll(self) -> None:
    with self._lock:
      for conns in self._idle.values():
        for conn in conns:
          conn.close()
      self._idle.clear()

  def _Discard(self, key):
    """Close every idle connection to ``key``."""
    with self._lock:
      conns = self._idle.pop(key, [])
    for conn in conns:
      conn.close()

  def Request(self, host: str, port: int, method: str, path: str,
              body: bytes, read_timeout: float, headers=None):
    """Perform one request; return (status, body bytes).

    @raise OSError, ssl.SSLError, httplib.HTTPException,
        ganeti.http.HttpError: transport failures

    """
    key = (host, port)
    hdrs = {"Content-Type": http.HTTP_APP_JSON, "Expect": ""}
    if headers:
      hdrs.update(headers)
    for _ in range(2):
      (conn, reused) = self._Get(key)
      try:
        if conn.sock is None:
          conn.connect()
        conn.sock.settimeout(read_timeout)
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
      except _RETRYABLE:
        conn.close()
        if reused:
          # the server closed it (e.g. the daemon restarted): every other
          # idle connection to it is stale too, retry on a fresh one
          self._Discard(key)
          continue
        raise
      except BaseException:
        conn.close()
        raise
      if resp.will_close:
        conn.close()
      else:
        self._Put(key, conn)
      return (resp.status, data)
    raise http.HttpError(0, "Connection to %s:%s failed repeatedly" % key)
