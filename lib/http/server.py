"""A forking HTTP/1.1 (optionally TLS) server.

The parent process only accepts connections; every connection is served by
a forked child (at most ``max_children`` at a time; further connections
wait in the listen backlog).  A child serves many requests on one
keep-alive connection and exits when the client closes it or after
``idle_timeout`` seconds without a request.

The request handler is a callable ``handler(method, path, headers, body)``
returning ``(status_code, body_bytes)`` or ``(status_code, body_bytes,
extra_headers)`` (a dict of response headers); it may raise
:class:`ganeti.http.HttpError`.  It runs in the child process.
"""

import errno
import logging
import os
import select
import signal
import socket
import ssl
import time

from ganeti import http

MAX_CHILDREN = 20
IDLE_TIMEOUT = 30.0
_MAX_HEADER_LINES = 100
_MAX_BODY = 256 * 1024 * 1024


class _ClientGone(Exception):
  """The client closed the connection (or went idle for too long)."""


def _ReadRequest(rfile):
  """Read one request; return (method, path, version, headers, body).

  @raise _ClientGone: connection closed before a request line
  @raise http.HttpError: malformed request
  """
  line = rfile.readline(65537)
  while line in (b"\r\n", b"\n"):
    line = rfile.readline(65537)
  if not line:
    raise _ClientGone()
  parts = line.decode("latin-1").split()
  if len(parts) != 3 or not parts[2].startswith("HTTP/"):
    raise http.HttpError(400, "Malformed request line")
  (method, path, version) = parts
  headers = {}
  for _ in range(_MAX_HEADER_LINES):
    hline = rfile.readline(65537)
    if not hline:
      raise _ClientGone()
    if hline in (b"\r\n", b"\n"):
      break
    (name, _, value) = hline.decode("latin-1").partition(":")
    headers[name.strip().lower()] = value.strip()
  else:
    raise http.HttpError(400, "Too many headers")
  if headers.get("transfer-encoding", "identity").lower() != "identity":
    raise http.HttpError(400, "Unsupported transfer encoding")
  try:
    length = int(headers.get("content-length", "0"))
  except ValueError:
    raise http.HttpError(400, "Bad Content-Length")
  if length < 0 or length > _MAX_BODY:
    raise http.HttpError(413, "Request body too large")
  body = rfile.read(length) if length else b""
  if len(body) != length:
    raise _ClientGone()
  return (method, path, version, headers, body)


def _SendResponse(sock, code: int, body: bytes, keep_alive: bool,
                  content_type: str = http.HTTP_APP_JSON, extra=None,
                  server_name: str = "ganeti-noded"):
  head = ["HTTP/1.1 %d %s" % (code, http.RESPONSES.get(code, "Unknown")),
          "Server: %s" % server_name,
          "Content-Type: %s" % content_type,
          "Content-Length: %d" % len(body),
          "Connection: %s" % ("keep-alive" if keep_alive else "close")]
  for (name, value) in (extra or {}).items():
    head.append("%s: %s" % (name, value))
  sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


class _ChildState:
  idle = True
  quit = False


def ServeConnection(conn, handler, ssl_ctx=None, cert_digest=None,
                    idle_timeout: float = IDLE_TIMEOUT,
                    after_response=None,
                    server_name: str = "ganeti-noded") -> None:
  """Serve requests on one accepted connection until it is closed.

  @param after_response: optional callable run after each response; it
      returns True to end the connection (e.g. the daemon is quitting)
  """
  state = _ChildState()

  def _OnTerm(signum, frame):
    state.quit = True
    if state.idle:
      raise SystemExit(0)

  signal.signal(signal.SIGTERM, _OnTerm)
  try:
    conn.settimeout(idle_timeout)
    if ssl_ctx is not None:
      conn = ssl_ctx.wrap_socket(conn, server_side=True)
      if cert_digest is not None:
        http.VerifyPeer(conn, cert_digest)
    rfile = conn.makefile("rb")
    while not state.quit:
      state.idle = True
      conn.settimeout(idle_timeout)
      try:
        (method, path, version, headers, body) = _ReadRequest(rfile)
      except _ClientGone:
        break
      except http.HttpError as err:
        _SendResponse(conn, err.code, err.message.encode("utf-8"), False,
                      "text/plain")
        break
      state.idle = False
      conn.settimeout(None)
      keep_alive = (version == "HTTP/1.1" and
                    headers.get("connection", "").lower() != "close")
      extra = None
      try:
        answer = handler(method, path, headers, body)
        if len(answer) == 3:
          (code, rbody, extra) = answer
        else:
          (code, rbody) = answer
      except http.HttpError as err:
        (code, rbody) = (err.code, err.message.encode("utf-8"))
      _SendResponse(conn, code, rbody, keep_alive and not state.quit,
                    extra=extra, server_name=server_name)
      if after_response is not None and after_response():
        break
      if not keep_alive:
        break
  except (socket.timeout, ConnectionError, ssl.SSLError) as err:
    logging.debug("Connection ended: %s", err)
  except http.HttpError as err:
    logging.warning("Rejected connection: %s", err.message)
  except OSError as err:
    logging.info("Connection error: %s", err)
  finally:
    try:
      conn.close()
    except OSError:
      pass


class ForkingHttpServer:
  """Accept connections and fork one child per connection.

  @param handler: see the module docstring
  @param ssl_ctx: server SSL context (None for plain HTTP)
  @param cert_digest: digest a client certificate must have (with ssl_ctx)
  @param child_init: optional callable run first in each child
  @param cert_watcher: optional L{http.CertWatcher}: a replaced
      certificate is used for the connections accepted after the change

  """

  def __init__(self, address: str, port: int, handler, ssl_ctx=None,
               cert_digest=None, max_children: int = MAX_CHILDREN,
               child_init=None, after_response=None,
               server_name: str = "ganeti-noded", cert_watcher=None):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    self.socket = socket.socket(family, socket.SOCK_STREAM)
    self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    self.socket.bind((address, port))
    self.socket.listen(128)
    self.socket.set_inheritable(False)
    self.address = self.socket.getsockname()[:2]
    self._handler = handler
    self._ssl_ctx = ssl_ctx
    self._digest = cert_digest
    self._max_children = max_children
    self._child_init = child_init
    self._after_response = after_response
    self._server_name = server_name
    self._cert_watcher = cert_watcher
    self._children = set()
    self._quit = False
    # self-pipe: signal handlers (Stop, SIGCHLD) wake the accept loop
    (self._wake_r, self._wake_w) = os.pipe()
    for fd in (self._wake_r, self._wake_w):
      os.set_blocking(fd, False)
      os.set_inheritable(fd, False)

  def _Wake(self, *_) -> None:
    try:
      os.write(self._wake_w, b"x")
    except (BlockingIOError, OSError):
      pass  # a wake-up is already pending (or we are shutting down)

  def Stop(self, *_) -> None:
    """Ask the accept loop to end (safe from a signal handler)."""
    self._quit = True
    self._Wake()

  def _Reap(self, block: bool = False) -> None:
    while self._children:
      try:
        (pid, _) = os.waitpid(-1, 0 if block else os.WNOHANG)
      except ChildProcessError:
        self._children.clear()
        return
      except InterruptedError:
        return
      if pid == 0:
        return
      self._children.discard(pid)
      block = False

  def Serve(self) -> None:
    """Accept connections until L{Stop} is called; then stop children.

    The loop sleeps in select() until a connection arrives, a child exits
    (SIGCHLD) or Stop is called: it never polls.  At ``max_children`` it
    stops accepting until a child has exited.
    """
    self.socket.setblocking(False)
    old_chld = signal.signal(signal.SIGCHLD, self._Wake)
    try:
      while not self._quit:
        self._Reap()
        watched = [self._wake_r]
        if len(self._children) < self._max_children:
          watched.append(self.socket)
        (readable, _, _) = select.select(watched, [], [])
        if self._wake_r in readable:
          self._DrainWake()
        if self._quit or self.socket not in readable:
          continue
        try:
          (conn, _) = self.socket.accept()
        except (BlockingIOError, InterruptedError):
          continue
        except OSError as err:
          if err.errno == errno.ECONNABORTED:
            continue
          raise
        conn.setblocking(True)
        self._ReloadCert()
        self._Fork(conn)
    finally:
      signal.signal(signal.SIGCHLD, old_chld)
      self.socket.close()
      self._StopChildren()
      os.close(self._wake_r)
      os.close(self._wake_w)

  def _ReloadCert(self) -> None:
    """Switch to a replaced certificate for the connections from now on."""
    if self._cert_watcher is None or self._ssl_ctx is None:
      return
    fresh = self._cert_watcher.Check()
    if fresh is not None:
      (self._ssl_ctx, self._digest) = fresh

  def _DrainWake(self) -> None:
    try:
      while os.read(self._wake_r, 512):
        pass
    except BlockingIOError:
      pass

  def _Fork(self, conn) -> None:
    pid = os.fork()
    if pid == 0:
      code = 0
      try:
        self.socket.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(self._wake_r)
        os.close(self._wake_w)
        if self._child_init is not None:
          self._child_init()
        ServeConnection(conn, self._handler, self._ssl_ctx, self._digest,
                        after_response=self._after_response,
                        server_name=self._server_name)
      except SystemExit as err:
        code = err.code or 0
      except BaseException:  # noqa: B902 - child must never return
        logging.exception("Unhandled error in connection child")
        code = 1
      finally:
        logging.shutdown()
        os._exit(code)
    self._children.add(pid)
    conn.close()

  def _StopChildren(self, timeout: float = 30.0) -> None:
    """Signal children to finish and wait for them (bounded)."""
    for pid in list(self._children):
      try:
        os.kill(pid, signal.SIGTERM)
      except ProcessLookupError:
        self._children.discard(pid)
    deadline = time.monotonic() + timeout
    while self._children and time.monotonic() < deadline:
      self._Reap()
      if self._children:
        time.sleep(0.02)
    for pid in list(self._children):
      logging.warning("Killing child %s which did not exit", pid)
      try:
        os.kill(pid, signal.SIGKILL)
      except ProcessLookupError:
        pass
    self._Reap(block=True)
