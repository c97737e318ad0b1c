"""Tests for ganeti.http server/client and ganeti.rpc.transport."""

import os
import signal
import socket
import time

import pytest

from ganeti import http
from ganeti import serializer
from ganeti.http import server as http_server
from ganeti.rpc import transport

pytestmark = pytest.mark.unit


def _Handler(method, path, headers, body):
  if method != "POST":
    raise http.HttpError(400, "Only POST")
  if path == "/pid":
    return (200, serializer.DumpJson([True, os.getpid()]))
  if path == "/echo":
    return (200, serializer.DumpJson([True, serializer.LoadJson(body)]))
  if path == "/bad":
    return (200, serializer.DumpJson({"a": 1}))
  if path == "/sleep":
    time.sleep(float(serializer.LoadJson(body)[0]))
    return (200, serializer.DumpJson([True, None]))
  raise http.HttpError(404, "Not found")


def _StartServer(cert, address="127.0.0.1"):
  """Fork a server process; return (pid, port)."""
  ctx = http.MakeServerContext(cert) if cert else None
  digest = http.LoadCertDigest(cert) if cert else None
  srv = http_server.ForkingHttpServer(address, 0, _Handler, ssl_ctx=ctx,
                                      cert_digest=digest, max_children=4)
  port = srv.address[1]
  pid = os.fork()
  if pid == 0:
    try:
      signal.signal(signal.SIGTERM, srv.Stop)
      srv.Serve()
    finally:
      os._exit(0)
  srv.socket.close()
  return (pid, port)


def _Stop(pid):
  os.kill(pid, signal.SIGTERM)
  os.waitpid(pid, 0)


@pytest.fixture
def servers(cluster_cert):
  started = []

  def _Start(cert=cluster_cert, address="127.0.0.1"):
    (pid, port) = _StartServer(cert, address)
    started.append(pid)
    return port
  yield _Start
  for pid in started:
    _Stop(pid)


def test_roundtrip_and_keepalive(servers, cluster_cert):
  port = servers()
  cl = transport.RpcClient(cluster_cert)
  tgt = {"node1": ("127.0.0.1", port)}
  pids = set()
  for i in range(20):
    res = cl.Call("pid", tgt, b"[]\n", 10)["node1"]
    assert res.fail_msg is None, res.fail_msg
    pids.add(res.payload)
  # One persistent connection, served by one child
  assert len(pids) == 1
  res = cl.Call("echo", tgt, serializer.DumpJson([1, "a"]), 10)["node1"]
  assert res.payload == [1, "a"]
  res = cl.Call("nothere", tgt, b"[]", 10)["node1"]
  assert res.fail_msg.startswith("Error 404")
  res = cl.Call("bad", tgt, b"[]", 10)["node1"]
  assert "RPC layer error" in res.fail_msg
  with pytest.raises(Exception) as exc:
    res.Raise("Can't do it")
  assert str(exc.value).startswith("Can't do it: RPC layer error")
  cl.Close()


def test_rejects_other_certificate(servers, cluster_cert, other_cert):
  port = servers()
  cl = transport.RpcClient(other_cert)
  res = cl.Call("pid", {"n": ("127.0.0.1", port)}, b"[]", 5)["n"]
  assert res.fail_msg and res.payload is None
  # And a client with the right cert rejects a server with another one
  port2 = servers(cert=other_cert)
  cl2 = transport.RpcClient(cluster_cert)
  res = cl2.Call("pid", {"n": ("127.0.0.1", port2)}, b"[]", 5)["n"]
  assert res.fail_msg


def test_no_client_cert_rejected(servers, cluster_cert):
  import ssl
  port = servers()
  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
  ctx.check_hostname = False
  ctx.verify_mode = ssl.CERT_NONE
  sock = socket.create_connection(("127.0.0.1", port), 5)
  with pytest.raises((ssl.SSLError, ConnectionError)):
    s = ctx.wrap_socket(sock)
    s.sendall(b"POST /pid HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]")
    if not s.recv(100):
      raise ConnectionError("closed")


def test_parallel_fanout(servers, cluster_cert):
  ports = [servers() for _ in range(3)]
  cl = transport.RpcClient(cluster_cert)
  tgts = dict(("n%d" % i, ("127.0.0.1", p)) for (i, p) in enumerate(ports))
  tgts["off"] = None
  tgts["dead"] = ("127.0.0.1", 1)
  start = time.monotonic()
  res = cl.Call("sleep", tgts, serializer.DumpJson([0.5]), 10)
  assert time.monotonic() - start < 1.4
  for i in range(3):
    assert res["n%d" % i].fail_msg is None
  assert res["off"].offline and res["off"].fail_msg == "Node is marked offline"
  assert res["dead"].fail_msg and not res["dead"].offline
  msgs = []
  res["dead"].Warn("oops", msgs.append)
  assert msgs and msgs[0].startswith("Warning: oops: ")


def test_server_restart_reconnects(cluster_cert):
  (pid, port) = _StartServer(cluster_cert)
  cl = transport.RpcClient(cluster_cert)
  tgt = {"n": ("127.0.0.1", port)}
  try:
    assert cl.Call("pid", tgt, b"[]", 5)["n"].fail_msg is None
  finally:
    _Stop(pid)
  assert cl.Call("pid", tgt, b"[]", 5)["n"].fail_msg


def test_throughput(servers, cluster_cert):
  port = servers()
  cl = transport.RpcClient(cluster_cert)
  tgt = {"n": ("127.0.0.1", port)}
  cl.Call("pid", tgt, b"[]", 5)
  start = time.monotonic()
  for _ in range(300):
    assert cl.Call("echo", tgt, b"[1]", 5)["n"].payload == [1]
  rate = 300 / (time.monotonic() - start)
  assert rate > 300, rate
