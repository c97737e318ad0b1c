"""LUXI: framing, request/response codecs, client against the real server."""

import os
import shutil
import socket
import tempfile
import threading

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import luxi
from ganeti import serializer
from ganeti.server import luxiserver

pytestmark = pytest.mark.unit


# Codecs ------------------------------------------------------------------
def testFormatRequest():
  msg = luxi.FormatRequest("SubmitJob", [[{"OP_ID": "OP_TEST_DELAY"}]])
  assert msg == (b'{"method": "SubmitJob", "args": [[{"OP_ID":'
                 b' "OP_TEST_DELAY"}]]}\n')
  assert luxi.EOM not in msg
  msg = luxi.FormatRequest("QueryTags", ["cluster", ""],
                           version=constants.LUXI_VERSION)
  assert serializer.LoadJson(msg) == {
    "method": "QueryTags", "args": ["cluster", ""],
    "version": constants.LUXI_VERSION}


def testParseRequest():
  assert luxi.ParseRequest(luxi.FormatRequest("Query", ["node", [], None])) \
    == ("Query", ["node", [], None], None)
  assert luxi.ParseRequest(luxi.FormatRequest("X", [], version=123)) == \
    ("X", [], 123)


@pytest.mark.parametrize("msg", [
  b"",
  b"{",
  b"not json",
  b"[]",
  b'"SubmitJob"',
  b"42",
  b'{"method": "SubmitJob"}',
  b'{"args": []}',
  b'{"method": null, "args": []}',
  b'{"method": "X", "args": null}',
  b"\xff\xfe",
])
def testParseRequestMalformed(msg):
  with pytest.raises(errors.ProtocolError):
    luxi.ParseRequest(msg)


def testFormatParseResponse():
  msg = luxi.FormatResponse(True, [1, 2])
  assert msg == b'{"success": true, "result": [1, 2]}\n'
  assert luxi.ParseResponse(msg) == (True, [1, 2], None)
  msg = luxi.FormatResponse(False, ["OpPrereqError", ["x", "wrong_input"]],
                            version=7)
  assert luxi.ParseResponse(msg) == \
    (False, ["OpPrereqError", ["x", "wrong_input"]], 7)


@pytest.mark.parametrize("msg", [
  b"",
  b"}{",
  b"[true, 1]",
  b'{"success": true}',
  b'{"result": 1}',
  b"null",
])
def testParseResponseMalformed(msg):
  with pytest.raises(errors.ProtocolError):
    luxi.ParseResponse(msg)


def testEncodedErrors():
  enc = errors.EncodeException(errors.OpPrereqError("Instance 'x' not known",
                                                    errors.ECODE_NOENT))
  wire = serializer.LoadJson(serializer.DumpJson(enc))
  assert wire == ["OpPrereqError", ["Instance 'x' not known",
                                    "unknown_entity"]]
  with pytest.raises(errors.OpPrereqError) as err:
    errors.MaybeRaise(wire)
  assert err.value.args == ("Instance 'x' not known", "unknown_entity")
  # not Ganeti errors: nothing raised
  errors.MaybeRaise(["ValueError", ["x"]])
  errors.MaybeRaise(["object", []])
  errors.MaybeRaise("Caught exception: boom")
  errors.MaybeRaise(None)
  errors.MaybeRaise(42)


# Transport and server ------------------------------------------------------
@pytest.fixture
def sockdir():
  # Unix socket paths are limited to 108 bytes: keep it short
  path = tempfile.mkdtemp(prefix="lx", dir="/tmp")
  yield path
  shutil.rmtree(path, ignore_errors=True)


class FakeHandler:
  def __init__(self):
    self.calls = []
    self.lock = threading.Lock()

  def __call__(self, method, args):
    with self.lock:
      self.calls.append((method, args))
    if method == "Echo":
      return args
    if method == "Prereq":
      raise errors.OpPrereqError("Instance '%s' not known" % args[0],
                                 errors.ECODE_NOENT)
    if method == "JobLost":
      raise errors.JobLost("job %s" % args[0])
    if method == "Quit":
      raise errors.QuitGanetiException(True, "bye")
    if method == "Boom":
      raise ValueError("boom %s" % args[0])
    if method == "Key":
      return {}["missing"]
    raise errors.ProgrammerError("unknown method %s" % method)


@pytest.fixture
def server(sockdir):
  address = os.path.join(sockdir, "master")
  handler = FakeHandler()
  srv = luxiserver.LuxiServer(address, handler)
  thread = threading.Thread(target=srv.Serve, name="TestLuxiServer")
  thread.start()
  try:
    yield (address, handler)
  finally:
    srv.Stop()
    thread.join(30)
    assert not thread.is_alive()


def _RawConnect(address):
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.settimeout(30)
  sock.connect(address)
  return sock


def _RecvAll(sock):
  """Read until EOF (the deadline is the socket timeout)."""
  data = b""
  while True:
    chunk = sock.recv(65536)
    if not chunk:
      return data
    data += chunk


def testClientSuccess(server):
  (address, handler) = server
  cl = luxi.Client(address=address)
  try:
    assert cl.CallMethod("Echo", [1, "two", {"3": [4]}]) == \
      [1, "two", {"3": [4]}]
  finally:
    cl.Close()
  assert handler.calls == [("Echo", [1, "two", {"3": [4]}])]


def testWireFormat(server):
  (address, _) = server
  sock = _RawConnect(address)
  try:
    sock.sendall(b'{"method": "Echo", "args": [1]}\n\x03')
    reply = b""
    while not reply.endswith(b"\x03"):
      chunk = sock.recv(1)
      assert chunk
      reply += chunk
    assert reply == b'{"success": true, "result": [1]}\n\x03'
  finally:
    sock.close()


def testGanetiErrorReRaised(server):
  (address, _) = server
  cl = luxi.Client(address=address)
  try:
    with pytest.raises(errors.OpPrereqError) as err:
      cl.CallMethod("Prereq", ["inst9"])
    assert type(err.value) is errors.OpPrereqError
    assert err.value.args == ("Instance 'inst9' not known", "unknown_entity")
    with pytest.raises(errors.JobLost) as err:
      cl.CallMethod("JobLost", [17])
    assert err.value.args == ("job 17", )
    # the connection is still usable afterwards
    assert cl.CallMethod("Echo", []) == []
  finally:
    cl.Close()


@pytest.mark.parametrize("method,text", [
  ("Boom", "Caught exception: boom x"),
  ("Key", "Caught exception: 'missing'"),
])
def testNonGanetiError(server, method, text):
  (address, _) = server
  cl = luxi.Client(address=address)
  try:
    with pytest.raises(errors.RequestError) as err:
      cl.CallMethod(method, ["x"])
    assert type(err.value) is errors.RequestError
    assert err.value.args == (text, )
  finally:
    cl.Close()


def testVersionMismatch(server):
  (address, handler) = server
  sock = _RawConnect(address)
  try:
    sock.sendall(luxi.FormatRequest("Echo", [], version=1) + luxi.EOM)
    reply = _RecvUntilEom(sock)
  finally:
    sock.close()
  (success, result, _) = luxi.ParseResponse(reply)
  assert success is False
  assert result[0] == "LuxiError"
  assert "version mismatch" in result[1][0]
  assert handler.calls == []


def _RecvUntilEom(sock):
  data = b""
  while luxi.EOM not in data:
    chunk = sock.recv(65536)
    assert chunk, "connection closed"
    data += chunk
  (msg, rest) = data.split(luxi.EOM, 1)
  assert rest == b""
  return msg


@pytest.mark.parametrize("payload", [
  b"garbage",
  b"[1, 2]",
  b'{"method": "Echo"}',
  b'{"args": []}',
])
def testMalformedRequestClosesConnection(server, payload):
  (address, handler) = server
  sock = _RawConnect(address)
  try:
    sock.sendall(payload + luxi.EOM)
    assert _RecvAll(sock) == b""
  finally:
    sock.close()
  assert handler.calls == []


def testClientSeesClosedConnection(server):
  (address, _) = server
  transport = luxi.Transport(address)
  try:
    with pytest.raises(errors.ConnectionClosedError):
      transport.Call(b"{}\n")
  finally:
    transport.Close()


def testSeveralRequestsOneConnection(server):
  (address, handler) = server
  cl = luxi.Client(address=address)
  try:
    for i in range(5):
      assert cl.CallMethod("Echo", [i]) == [i]
    transport = cl.transport
    with pytest.raises(errors.OpPrereqError):
      cl.CallMethod("Prereq", ["a"])
    assert cl.CallMethod("Echo", ["last"]) == ["last"]
    assert cl.transport is transport
  finally:
    cl.Close()
  assert [c[0] for c in handler.calls] == ["Echo"] * 5 + ["Prereq", "Echo"]


def testPipelinedRequests(server):
  """Two requests in one write are answered in order."""
  (address, _) = server
  sock = _RawConnect(address)
  try:
    sock.sendall(luxi.FormatRequest("Echo", [1]) + luxi.EOM +
                 luxi.FormatRequest("Echo", [2]) + luxi.EOM)
    data = b""
    while data.count(luxi.EOM) < 2:
      chunk = sock.recv(65536)
      assert chunk
      data += chunk
  finally:
    sock.close()
  msgs = data.split(luxi.EOM)
  assert msgs[2] == b""
  assert luxi.ParseResponse(msgs[0])[1] == [1]
  assert luxi.ParseResponse(msgs[1])[1] == [2]


def testTransportSplitsMessages(sockdir):
  """Recv returns one message at a time, whatever the chunking."""
  address = os.path.join(sockdir, "s")
  lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  lsock.bind(address)
  lsock.listen(1)
  try:
    transport = luxi.Transport(address)
    conn, _ = lsock.accept()
    try:
      conn.sendall(b"one\x03tw")
      assert transport.Recv() == b"one"
      conn.sendall(b"o\x03three\x03")
      assert transport.Recv() == b"two"
      assert transport.Recv() == b"three"
      with pytest.raises(errors.ProtocolError):
        transport.Send(b"bad\x03payload")
    finally:
      conn.close()
      transport.Close()
  finally:
    lsock.close()


def testNoMasterErrorMissingSocket(sockdir):
  address = os.path.join(sockdir, "nonexistent")
  cl = luxi.Client(address=address)
  with pytest.raises(errors.NoMasterError) as err:
    cl.CallMethod("Echo", [])
  assert err.value.args == (address, )
  assert cl.transport is None


def testNoMasterErrorRefused(sockdir):
  """A socket file nobody listens on (stale after a crash)."""
  address = os.path.join(sockdir, "stale")
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.bind(address)
  sock.close()
  with pytest.raises(errors.NoMasterError):
    luxi.Client(address=address).CallMethod("Echo", [])


def testServerStopRemovesSocket(sockdir):
  address = os.path.join(sockdir, "master")
  srv = luxiserver.LuxiServer(address, FakeHandler())
  thread = threading.Thread(target=srv.Serve)
  thread.start()
  assert os.path.exists(address)
  srv.Stop()
  thread.join(30)
  assert not thread.is_alive()
  assert not os.path.exists(address)
  with pytest.raises(errors.NoMasterError):
    luxi.Client(address=address).CallMethod("Echo", [])


def testClientMethodsWireArgs(server):
  (address, handler) = server
  cl = luxi.Client(address=address)

  def _Check(fn, args, method, wire_args):
    handler.calls.clear()
    with pytest.raises(errors.ProgrammerError):
      fn(*args)
    assert handler.calls == [(method, wire_args)]

  try:
    from ganeti import opcodes
    op = opcodes.OpTestDelay(duration=1)
    _Check(cl.SubmitJob, [[op]], "SubmitJob",
           [[{"OP_ID": "OP_TEST_DELAY", "duration": 1}]])
    _Check(cl.SubmitManyJobs, [[[op], [op]]], "SubmitManyJobs",
           [[[{"OP_ID": "OP_TEST_DELAY", "duration": 1}]] * 2])
    _Check(cl.QueryJobs, [[1], ["id"]], "QueryJobs", [[1], ["id"]])
    _Check(cl.Query, ["node", ["name"], None], "Query",
           ["node", ["name"], None])
    _Check(cl.QueryTags, ["cluster", ""], "QueryTags", ["cluster", ""])
    _Check(cl.AutoArchiveJobs, [-1], "AutoArchiveJobs", [-1, 29])
    _Check(cl.WaitForJobChangeOnce, [1, ["status"], None, -1],
           "WaitForJobChange", [1, ["status"], None, -1, 29])
    _Check(cl.QueryClusterInfo, [], "QueryClusterInfo", [])
    _Check(cl.SetQueueDrainFlag, [True], "SetDrainFlag", [True])
  finally:
    cl.Close()
