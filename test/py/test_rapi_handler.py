"""Tests for the RAPI request path (routing, auth, bodies, opcodes) with a
fake LUXI client: ganeti.server.rapi.RapiHandler and ganeti.rapi.*."""

import base64
import json

import pytest

from ganeti import errors
from ganeti import opcodes
from ganeti.rapi import auth
from ganeti.rapi import baserlib
from ganeti.rapi import connector
from ganeti.server import rapi as rapi_server

pytestmark = pytest.mark.unit


class FakeClient:
  """Records submitted jobs; answers a few queries from fixed data."""

  def __init__(self, log):
    self.log = log

  def Close(self):
    pass

  def SubmitJob(self, ops):
    self.log.append(ops)
    return 42

  def QueryInstances(self, names, fields, use_locking):
    rows = {"inst1": {"name": "inst1", "beparams": {"maxmem": 128},
                      "oper_state": True, "console": {"kind": "ssh"}}}
    if names and names[0] not in rows:
      raise errors.OpPrereqError("Instance name %s not found" % names[0],
                                 errors.ECODE_NOENT)
    return [[rows[n].get(f) for f in fields] for n in (names or rows)]

  def QueryNodes(self, names, fields, use_locking):
    return [["M" if f == "role" else "node1" for f in fields]]

  def QueryTags(self, kind, name):
    return ["a", "b"]

  def CallMethod(self, method, args):
    raise errors.ProtocolError("Unknown LUXI method '%s'" % method)


class FakeUsers:
  def __init__(self, text):
    self.users = auth.ParseUsers(text)

  def Get(self, name):
    return self.users.get(name)


_USERS = "admin apw write\nreader rpw read\nplain ppw\n"


def _Auth(user, password):
  token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
  return {"authorization": "Basic " + token}


@pytest.fixture
def rapi_call():
  log = []
  handler = rapi_server.RapiHandler(FakeUsers(_USERS),
                                    client_factory=lambda: FakeClient(log))

  def _Call(method, path, body=None, user=None, headers=None, raw=None):
    hdrs = dict(_Auth(*user) if user else {})
    data = b""
    if body is not None or raw is not None:
      hdrs["content-type"] = "application/json"
      data = raw if raw is not None else json.dumps(body).encode()
    hdrs.update(headers or {})
    answer = handler(method, path, hdrs, data)
    return (answer[0], json.loads(answer[1]),
            answer[2] if len(answer) > 2 else {})

  _Call.log = log
  return _Call


def test_anonymous_reads(rapi_call):
  assert rapi_call("GET", "/version")[:2] == (200, 2)
  assert rapi_call("GET", "/")[:2] == (200, None)
  (code, body, _) = rapi_call("GET", "/2/instances")
  assert code == 200
  assert body == [{"id": "inst1", "uri": "/2/instances/inst1"}]
  (code, body, _) = rapi_call("GET", "/2/instances/inst1")
  assert body["beparams"] == {"maxmem": 128, "memory": 128}
  assert rapi_call("GET", "/2/nodes/node1/role")[:2] == (200, "master")


def test_unknown_path_and_item(rapi_call):
  (code, body, _) = rapi_call("GET", "/2/nothing")
  assert code == 404
  assert body == {"code": 404, "message": "Not Found",
                  "explain": "Not Found"}
  (code, body, _) = rapi_call("GET", "/2/instances/missing")
  assert code == 404 and "missing" in body["explain"]
  assert rapi_call("GET", "/2/query/bogus")[0] == 404


def test_unsupported_method_is_501(rapi_call):
  (code, body, _) = rapi_call("DELETE", "/2/info", user=("admin", "apw"))
  assert code == 501
  assert body["explain"] == "Method DELETE is unsupported for path /2/info"


@pytest.mark.parametrize("user,code", [
  (None, 401), (("admin", "bad"), 401), (("ghost", "x"), 401),
  (("reader", "rpw"), 403), (("plain", "ppw"), 403), (("admin", "apw"), 200),
])
def test_write_needs_write_user(rapi_call, user, code):
  (got, body, headers) = rapi_call("PUT", "/2/tags?tag=x", user=user)
  assert got == code, body
  if code == 401:
    assert headers["WWW-Authenticate"] == 'Basic realm="Ganeti Remote API"'
    assert body["code"] == 401
  if code != 200:
    assert rapi_call.log == []


@pytest.mark.parametrize("user,code", [
  (None, 401), (("plain", "ppw"), 403), (("reader", "rpw"), 200),
  (("admin", "apw"), 200)])
def test_console_needs_read_or_write(rapi_call, user, code):
  assert rapi_call("GET", "/2/instances/inst1/console",
                   user=user)[0] == code


def test_require_authentication():
  handler = rapi_server.RapiHandler(FakeUsers(_USERS), require_auth=True,
                                    client_factory=lambda: FakeClient([]))
  assert handler("GET", "/version", {}, b"")[0] == 401
  assert handler("GET", "/version", _Auth("plain", "ppw"), b"")[0] == 200


def test_tags_job_and_reason_trail(rapi_call):
  (code, body, _) = rapi_call("PUT", "/2/instances/inst1/tags?tag=a&tag=b"
                              "&dry-run=1&reason=because",
                              user=("admin", "apw"))
  assert (code, body) == (200, 42)
  (op, ) = rapi_call.log[0]
  assert isinstance(op, opcodes.OpTagsSet)
  assert (op.kind, op.name, op.tags, op.dry_run) == \
    ("instance", "inst1", ["a", "b"], True)
  assert [r[:2] for r in op.reason] == [
    ("gnt:user", "because"), ("gnt:library:rlib2:instances_name_tags", "")]


def test_tags_without_tag_is_400(rapi_call):
  (code, body, _) = rapi_call("DELETE", "/2/tags", user=("admin", "apw"))
  assert code == 400 and "'tag' parameter" in body["explain"]


def test_instance_create_body(rapi_call):
  base = {"name": "i1", "os": "noop", "mode": "create",
          "disk_template": "diskless", "disks": [], "nics": []}
  user = ("admin", "apw")
  (code, body, _) = rapi_call("POST", "/2/instances", base, user)
  assert code == 400 and "version 0" in body["explain"]
  (code, body, _) = rapi_call("POST", "/2/instances",
                              dict(base, __version__=2), user)
  assert code == 400 and "Unsupported request data version" in \
    body["explain"]
  (code, body, _) = rapi_call("POST", "/2/instances",
                              dict(base, __version__=1, bogus=1), user)
  assert code == 400
  assert body["explain"].startswith("Invalid body parameters:")
  assert "bogus" in body["explain"]
  (code, body, _) = rapi_call("POST", "/2/instances",
                              dict(base, __version__=1, disks="x"), user)
  assert code == 400 and "disks" in body["explain"]
  (code, body, _) = rapi_call("POST", "/2/instances",
                              dict(base, __version__=1, os_type="x"), user)
  assert code == 400 and "renamed" in body["explain"]
  assert rapi_call.log == []
  (code, body, _) = rapi_call("POST", "/2/instances?dry-run=1",
                              dict(base, __version__=1), user)
  assert (code, body) == (200, 42)
  (op, ) = rapi_call.log[0]
  assert (op.OP_ID, op.instance_name, op.os_type, op.dry_run) == \
    ("OP_INSTANCE_CREATE", "i1", "noop", True)


def test_static_parameters_cannot_be_overridden(rapi_call):
  (code, body, _) = rapi_call("PUT", "/2/instances/inst1/rename",
                              {"instance_name": "x", "new_name": "y"},
                              ("admin", "apw"))
  assert code == 400 and "static parameters" in body["explain"]


def test_malformed_bodies(rapi_call):
  user = ("admin", "apw")
  (code, body, _) = rapi_call("PUT", "/2/instances/inst1/modify",
                              raw=b"{not json", user=user)
  assert code == 400 and body["explain"] == "Unable to parse JSON data"
  (code, body, _) = rapi_call("PUT", "/2/instances/inst1/modify",
                              body=[1, 2], user=user)
  assert code == 400 and "Body contents" in body["explain"]
  (code, _, _) = rapi_call("PUT", "/2/instances/inst1/modify", body={},
                           user=user, headers={"content-type": "text/plain"})
  assert code == 415
  assert rapi_call("GET", "/2/instances?bulk=yes")[0] == 400
  assert rapi_call.log == []


def test_reinstall_is_one_job(rapi_call):
  (code, _, _) = rapi_call("POST", "/2/instances/inst1/reinstall",
                           {"os": "noop"}, ("admin", "apw"))
  assert code == 200
  assert [op.OP_ID for op in rapi_call.log[0]] == [
    "OP_INSTANCE_SHUTDOWN", "OP_INSTANCE_REINSTALL", "OP_INSTANCE_STARTUP"]
  (code, _, _) = rapi_call("POST", "/2/instances/inst1/reinstall?os=noop&"
                           "nostartup=1", None, ("admin", "apw"))
  assert [op.OP_ID for op in rapi_call.log[1]] == [
    "OP_INSTANCE_SHUTDOWN", "OP_INSTANCE_REINSTALL"]
  (code, _, _) = rapi_call("POST", "/2/instances/inst1/reinstall?os=x",
                           {"os": "noop"}, ("admin", "apw"))
  assert code == 400


def test_node_role_put(rapi_call):
  user = ("admin", "apw")
  assert rapi_call("PUT", "/2/nodes/node1/role", "king", user)[0] == 400
  (code, _, _) = rapi_call("PUT", "/2/nodes/node1/role?auto-promote=1",
                           "drained", user)
  assert code == 200
  (op, ) = rapi_call.log[0]
  assert (op.OP_ID, op.node_name, op.drained, op.auto_promote) == \
    ("OP_NODE_SET_PARAMS", "node1", True, True)


def test_missing_opcode_answers_501(rapi_call, monkeypatch):
  monkeypatch.delitem(opcodes.OP_MAPPING, "OP_INSTANCE_RENAME")
  (code, body, _) = rapi_call("PUT", "/2/instances/inst1/rename",
                              {"new_name": "x"}, ("admin", "apw"))
  assert code == 501
  assert body["explain"] == "OP_INSTANCE_RENAME not implemented in this tree"


def test_unknown_luxi_method_is_501(rapi_call):
  (code, body, _) = rapi_call("DELETE", "/2/filters/abc-1",
                              user=("admin", "apw"))
  assert code == 501 and "DeleteFilter" in body["explain"]


@pytest.mark.parametrize("err,code", [
  (errors.JobQueueFull(), 503), (errors.JobQueueDrainError(), 503),
  (errors.NoMasterError("/sock"), 502), (errors.TimeoutError("t"), 504),
  (errors.OpPrereqError("x", errors.ECODE_NOENT), 404),
  (errors.OpPrereqError("x", errors.ECODE_INVAL), 400),
])
def test_luxi_error_mapping(err, code):
  assert baserlib.TranslateLuxiError(err).code == code


def test_routing_table_is_consistent():
  templates = [t for (t, _) in connector.URI_TABLE]
  assert len(templates) == len(set(templates))
  for (template, cls) in connector.URI_TABLE:
    assert cls.GetMethods(), template
    for var in connector.TemplateVariables(template):
      assert var in connector.VARIABLES
    example = template
    for var in connector.TemplateVariables(template):
      example = example.replace("[%s]" % var,
                                {"job_id": "7", "disk_index": "0",
                                 "resource": "node",
                                 "filter_uuid": "ab-12"}.get(var, "x1"))
    assert connector.Lookup(example)[1] is cls, template
    for method in cls.GetMethods():
      op_id = getattr(cls, method + "_OPCODE", None)
      assert op_id is None or op_id.startswith("OP_")
