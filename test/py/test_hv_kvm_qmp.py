"""The QMP client against a fake QMP server on a unix socket."""

import json
import os
import socket
import threading

import pytest

from ganeti.hypervisor.hv_kvm import qmp

pytestmark = pytest.mark.unit


class FakeQmpServer:
  """Serves one connection: greeting, then scripted replies.

  ``handler(msg)`` returns the list of JSON objects to send for each
  received command.
  """

  def __init__(self, path, handler, greeting=None):
    self.path = path
    self.handler = handler
    self.greeting = greeting or {"QMP": {"version": {"qemu": {
      "major": 7, "minor": 2, "micro": 22}}, "capabilities": []}}
    self.received = []
    self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self._sock.bind(path)
    self._sock.listen(1)
    self._thread = threading.Thread(target=self._Serve, daemon=True)
    self._thread.start()

  def _Serve(self):
    (conn, _) = self._sock.accept()
    with conn:
      conn.sendall(json.dumps(self.greeting).encode() + b"\r\n")
      buf = b""
      while True:
        data = conn.recv(4096)
        if not data:
          return
        buf += data
        while b"\n" in buf:
          (line, _, buf) = buf.partition(b"\n")
          msg = json.loads(line)
          self.received.append(msg)
          for reply in self.handler(msg):
            if isinstance(reply, bytes):
              conn.sendall(reply)
            else:
              conn.sendall(json.dumps(reply).encode() + b"\r\n")

  def Close(self):
    self._sock.close()
    self._thread.join(5)


def _Handler(msg):
  cmd = msg["execute"]
  if cmd == "qmp_capabilities":
    return [{"return": {}}]
  if cmd == "query-status":
    # an event arrives before the answer; it is kept
    return [{"event": "RESUME", "timestamp": {"seconds": 1,
                                               "microseconds": 0}},
            {"return": {"status": "running", "running": True}}]
  if cmd == "split":
    # one reply in two pieces
    text = json.dumps({"return": [1, 2]}).encode() + b"\r\n"
    return [text[:5], text[5:]]
  if cmd == "system_powerdown":
    return [{"return": {}}, {"event": "POWERDOWN"}]
  if cmd == "silent":
    return []
  return [{"error": {"class": "CommandNotFound",
                     "desc": "The command %s has not been found" % cmd}}]


@pytest.fixture
def server(tmp_path):
  srv = FakeQmpServer(str(tmp_path / "q.qmp"), _Handler)
  yield srv
  srv.Close()


def test_handshake_and_commands(server):
  with qmp.QmpConnection(server.path, timeout=5) as conn:
    assert conn.greeting["version"]["qemu"]["major"] == 7
    assert conn.Execute("query-status") == {"status": "running",
                                            "running": True}
    assert [e["event"] for e in conn.events] == ["RESUME"]
    assert conn.Execute("split") == [1, 2]
    assert conn.Execute("system_powerdown") == {}
    assert conn.WaitForEvent("POWERDOWN", 5)["event"] == "POWERDOWN"
    assert conn.WaitForEvent("RESUME", 0.1)["event"] == "RESUME"
    assert conn.WaitForEvent("SHUTDOWN", 0.1) is None
  assert server.received[0] == {"execute": "qmp_capabilities"}
  assert server.received[1] == {"execute": "query-status"}


def test_error_reply(server):
  with qmp.QmpConnection(server.path, timeout=5) as conn:
    with pytest.raises(qmp.QmpError,
                       match="CommandNotFound: The command nope has not"):
      conn.Execute("nope", {"x": 1})
  assert server.received[-1] == {"execute": "nope", "arguments": {"x": 1}}


def test_timeout(server):
  with qmp.QmpConnection(server.path, timeout=0.3) as conn:
    with pytest.raises(qmp.QmpError, match="No answer"):
      conn.Execute("silent")


def test_execute_helper(server):
  assert qmp.Execute(server.path, "query-status")["status"] == "running"


def test_no_server(tmp_path):
  with pytest.raises(qmp.QmpError, match="Cannot connect"):
    qmp.Execute(str(tmp_path / "none.qmp"), "query-status")


def test_bad_greeting(tmp_path):
  srv = FakeQmpServer(str(tmp_path / "b.qmp"), _Handler,
                      greeting={"hello": 1})
  try:
    with pytest.raises(qmp.QmpError, match="greeting"):
      qmp.QmpConnection(srv.path, timeout=2).Connect()
  finally:
    srv.Close()


def test_closed_connection(tmp_path):
  path = str(tmp_path / "c.qmp")
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.bind(path)
  sock.listen(1)

  def _Serve():
    (conn, _) = sock.accept()
    conn.close()
  thread = threading.Thread(target=_Serve, daemon=True)
  thread.start()
  try:
    with pytest.raises(qmp.QmpError, match="closed"):
      qmp.QmpConnection(path, timeout=2).Connect()
  finally:
    thread.join(5)
    sock.close()
    os.unlink(path)
