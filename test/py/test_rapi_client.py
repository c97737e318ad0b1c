"""ganeti.rapi.client against an in-process HTTPS stub server.

The stub records every request (method, path, query pairs, JSON body,
headers) and answers from a table; each client method must send the
request of Ganeti's client (resource, method, query arguments, body).
"""

import http.server
import json
import os
import ssl
import threading
import urllib.parse

import pytest

from ganeti.rapi import client
from ganeti.rapi import client_utils
from ganeti import errors
from ganeti.utils import x509

pytestmark = pytest.mark.unit

_FEATURES = [client.INST_CREATE_REQV1, client.INST_REINSTALL_REQV1,
             client.NODE_MIGRATE_REQV1, client.NODE_EVAC_RES1]


class _Stub:
  def __init__(self):
    self.requests = []
    self.answers = {}
    self.features = list(_FEATURES)

  def Answer(self, method, path):
    if path == "/version":
      return (200, 2)
    if path == "/2/features":
      if self.features is None:
        return (404, {"code": 404, "message": "Not Found",
                      "explain": "no such resource"})
      return (200, self.features)
    return self.answers.get((method, path), (200, "4711"))


def _MakeHandler(stub):
  class Handler(http.server.BaseHTTPRequestHandler):
    def _Do(self):
      parts = urllib.parse.urlsplit(self.path)
      length = int(self.headers.get("Content-Length") or 0)
      raw = self.rfile.read(length) if length else b""
      body = json.loads(raw) if raw else None
      if parts.path not in ("/version", "/2/features"):
        stub.requests.append((self.command, parts.path,
                              urllib.parse.parse_qsl(parts.query,
                                                     keep_blank_values=True),
                              body, dict(self.headers)))
      (status, answer) = stub.Answer(self.command, parts.path)
      data = json.dumps(answer).encode()
      self.send_response(status)
      self.send_header("Content-Type", "application/json")
      self.send_header("Content-Length", str(len(data)))
      self.end_headers()
      self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = _Do

    def log_message(self, *_):
      pass
  return Handler


@pytest.fixture(scope="module")
def server(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("rapi") / "cert.pem")
  x509.GenerateSelfSignedSslCert(path, common_name="localhost", mode=0o600)
  stub = _Stub()
  httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          _MakeHandler(stub))
  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
  ctx.load_cert_chain(path)
  httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
  thread = threading.Thread(target=httpd.serve_forever, daemon=True)
  thread.start()
  stub.port = httpd.server_address[1]
  stub.cert = path
  try:
    yield stub
  finally:
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def stub(server):
  server.requests[:] = []
  server.answers.clear()
  server.features = list(_FEATURES)
  return server


def _Client(stub, **kwargs):
  return client.GanetiRapiClient("127.0.0.1", port=stub.port, **kwargs)


R = "because"
_INST = "/2/instances/inst1"
_NODE = "/2/nodes/node1"
_NET = "/2/networks/net1"
_GROUP = "/2/groups/g1"

#: (call on the client, method, path, query pairs, body)
_CASES = [
  (lambda c: c.GetOperatingSystems(reason=R), "GET", "/2/os",
   [("reason", R)], None),
  (lambda c: c.GetInfo(), "GET", "/2/info", [], None),
  (lambda c: c.RedistributeConfig(reason=R), "PUT",
   "/2/redistribute-config", [("reason", R)], None),
  (lambda c: c.ModifyCluster(candidate_pool_size=3), "PUT", "/2/modify", [],
   {"candidate_pool_size": 3}),
  (lambda c: c.GetClusterTags(), "GET", "/2/tags", [], None),
  (lambda c: c.AddClusterTags(["a", "b"], dry_run=True, reason=R), "PUT",
   "/2/tags", [("tag", "a"), ("tag", "b"), ("dry-run", "1"),
               ("reason", R)], None),
  (lambda c: c.DeleteClusterTags(["a"]), "DELETE", "/2/tags",
   [("tag", "a")], None),
  (lambda c: c.GetInstance("inst1"), "GET", _INST, [], None),
  (lambda c: c.GetInstanceInfo("inst1", static=True), "GET",
   _INST + "/info", [("static", "1")], None),
  (lambda c: c.InstancesMultiAlloc([{"name": "i"}], dry_run=True,
                                   iallocator="hail"),
   "POST", "/2/instances-multi-alloc", [("dry-run", "1")],
   {"instances": [{"name": "i"}], "iallocator": "hail"}),
  (lambda c: c.CreateInstance("create", "inst1", "plain", [{"size": 1024}],
                              [{}], reason=R, dry_run=True, os="noop",
                              beparams={"memory": 128}),
   "POST", "/2/instances", [("dry-run", "1"), ("reason", R)],
   {"__version__": 1, "mode": "create", "name": "inst1",
    "disk_template": "plain", "disks": [{"size": 1024}], "nics": [{}],
    "os": "noop", "beparams": {"memory": 128}}),
  (lambda c: c.DeleteInstance("inst1", dry_run=True), "DELETE", _INST,
   [("dry-run", "1")], {}),
  (lambda c: c.ModifyInstance("inst1", reason=R, beparams={"vcpus": 2}),
   "PUT", _INST + "/modify", [("reason", R)], {"beparams": {"vcpus": 2}}),
  (lambda c: c.ActivateInstanceDisks("inst1", ignore_size=True), "PUT",
   _INST + "/activate-disks", [("ignore_size", "1")], None),
  (lambda c: c.DeactivateInstanceDisks("inst1", force=True), "PUT",
   _INST + "/deactivate-disks", [("force", "1")], None),
  (lambda c: c.RecreateInstanceDisks("inst1", disks=[0], nodes=["n1"]),
   "POST", _INST + "/recreate-disks", [], {"disks": [0], "nodes": ["n1"]}),
  (lambda c: c.GrowInstanceDisk("inst1", 0, 512, wait_for_sync=False),
   "POST", _INST + "/disk/0/grow", [],
   {"amount": 512, "wait_for_sync": False}),
  (lambda c: c.GetInstanceTags("inst1"), "GET", _INST + "/tags", [], None),
  (lambda c: c.AddInstanceTags("inst1", ["t"]), "PUT", _INST + "/tags",
   [("tag", "t")], None),
  (lambda c: c.DeleteInstanceTags("inst1", ["t"], dry_run=True), "DELETE",
   _INST + "/tags", [("tag", "t"), ("dry-run", "1")], None),
  (lambda c: c.RebootInstance("inst1", reboot_type="hard",
                              ignore_secondaries=False, dry_run=True,
                              reason=R, shutdown_timeout=10),
   "POST", _INST + "/reboot", [("dry-run", "1"), ("type", "hard"),
                               ("ignore_secondaries", "0"), ("reason", R)],
   {"shutdown_timeout": 10}),
  (lambda c: c.ShutdownInstance("inst1", no_remember=True, timeout=5),
   "PUT", _INST + "/shutdown", [("no_remember", "1")], {"timeout": 5}),
  (lambda c: c.StartupInstance("inst1", dry_run=True), "PUT",
   _INST + "/startup", [("dry-run", "1")], None),
  (lambda c: c.ReinstallInstance("inst1", os="noop", no_startup=True,
                                 osparams={"a": "b"}),
   "POST", _INST + "/reinstall", [],
   {"start": False, "os": "noop", "osparams": {"a": "b"}}),
  (lambda c: c.ReplaceInstanceDisks("inst1", disks=[0, 1],
                                    mode=client.REPLACE_DISK_CHG,
                                    remote_node="n3", early_release=True),
   "POST", _INST + "/replace-disks",
   [("mode", "replace_new_secondary"), ("disks", "0,1"),
    ("remote_node", "n3"), ("early_release", "1")], None),
  (lambda c: c.ReplaceInstanceDisks("inst1"), "POST",
   _INST + "/replace-disks", [("mode", "replace_auto")], None),
  (lambda c: c.PrepareExport("inst1", "remote"), "PUT",
   _INST + "/prepare-export", [("mode", "remote")], None),
  (lambda c: c.ExportInstance("inst1", "local", "node2", shutdown=True,
                              compress="gzip"),
   "PUT", _INST + "/export", [],
   {"mode": "local", "destination": "node2", "shutdown": True,
    "compress": "gzip"}),
  (lambda c: c.MigrateInstance("inst1", mode="live", cleanup=False),
   "PUT", _INST + "/migrate", [], {"mode": "live", "cleanup": False}),
  (lambda c: c.FailoverInstance("inst1", ignore_consistency=True,
                                target_node="n2"),
   "PUT", _INST + "/failover", [],
   {"ignore_consistency": True, "target_node": "n2"}),
  (lambda c: c.RenameInstance("inst1", "inst9", name_check=False), "PUT",
   _INST + "/rename", [], {"new_name": "inst9", "name_check": False}),
  (lambda c: c.GetInstanceConsole("inst1"), "GET", _INST + "/console", [],
   None),
  (lambda c: c.GetJobStatus(17), "GET", "/2/jobs/17", [], None),
  (lambda c: c.WaitForJobChange(17, ["status"], None, 3), "GET",
   "/2/jobs/17/wait", [],
   {"fields": ["status"], "previous_job_info": None,
    "previous_log_serial": 3}),
  (lambda c: c.CancelJob(17, dry_run=True), "DELETE", "/2/jobs/17",
   [("dry-run", "1")], None),
  (lambda c: c.GetNode("node1"), "GET", _NODE, [], None),
  (lambda c: c.EvacuateNode("node1", iallocator="hail", early_release=True,
                            mode=client.NODE_EVAC_ALL, dry_run=True),
   "POST", _NODE + "/evacuate", [("dry-run", "1")],
   {"iallocator": "hail", "early_release": True, "mode": "all"}),
  (lambda c: c.MigrateNode("node1", mode="non-live", target_node="n2"),
   "POST", _NODE + "/migrate", [], {"mode": "non-live",
                                    "target_node": "n2"}),
  (lambda c: c.GetNodeRole("node1"), "GET", _NODE + "/role", [], None),
  (lambda c: c.SetNodeRole("node1", client.NODE_ROLE_DRAINED, force=True,
                           auto_promote=False),
   "PUT", _NODE + "/role", [("force", "1"), ("auto-promote", "0")],
   "drained"),
  (lambda c: c.PowercycleNode("node1", force=True), "POST",
   _NODE + "/powercycle", [("force", "1")], None),
  (lambda c: c.ModifyNode("node1", drained=True), "POST", _NODE + "/modify",
   [], {"drained": True}),
  (lambda c: c.GetNodeStorageUnits("node1", "lvm-vg", "name,size"), "GET",
   _NODE + "/storage", [("storage_type", "lvm-vg"),
                        ("output_fields", "name,size")], None),
  (lambda c: c.ModifyNodeStorageUnits("node1", "lvm-pv", "/dev/sda",
                                      allocatable=False),
   "PUT", _NODE + "/storage/modify", [("storage_type", "lvm-pv"),
                                      ("name", "/dev/sda"),
                                      ("allocatable", "0")], None),
  (lambda c: c.RepairNodeStorageUnits("node1", "lvm-vg", "xenvg"), "PUT",
   _NODE + "/storage/repair", [("storage_type", "lvm-vg"),
                               ("name", "xenvg")], None),
  (lambda c: c.GetNodeTags("node1"), "GET", _NODE + "/tags", [], None),
  (lambda c: c.AddNodeTags("node1", ["t"]), "PUT", _NODE + "/tags",
   [("tag", "t")], ["t"]),
  (lambda c: c.DeleteNodeTags("node1", ["t"]), "DELETE", _NODE + "/tags",
   [("tag", "t")], None),
  (lambda c: c.GetNetwork("net1"), "GET", _NET, [], None),
  (lambda c: c.CreateNetwork("net1", "198.51.100.0/24",
                             gateway="198.51.100.1",
                             add_reserved_ips="198.51.100.2,198.51.100.3",
                             tags="a,b", dry_run=True),
   "POST", "/2/networks", [("dry-run", "1")],
   {"network_name": "net1", "network": "198.51.100.0/24",
    "gateway": "198.51.100.1", "network6": None, "gateway6": None,
    "mac_prefix": None, "add_reserved_ips": ["198.51.100.2", "198.51.100.3"],
    "tags": ["a", "b"]}),
  (lambda c: c.ConnectNetwork("net1", "g1", "bridged", "br0"), "PUT",
   _NET + "/connect", [], {"group_name": "g1", "network_mode": "bridged",
                           "network_link": "br0", "network_vlan": ""}),
  (lambda c: c.DisconnectNetwork("net1", "g1"), "PUT", _NET + "/disconnect",
   [], {"group_name": "g1"}),
  (lambda c: c.ModifyNetwork("net1", gateway="198.51.100.9"), "PUT",
   _NET + "/modify", [], {"gateway": "198.51.100.9"}),
  (lambda c: c.DeleteNetwork("net1", dry_run=True), "DELETE", _NET,
   [("dry-run", "1")], None),
  (lambda c: c.GetNetworkTags("net1"), "GET", _NET + "/tags", [], None),
  (lambda c: c.AddNetworkTags("net1", ["t"]), "PUT", _NET + "/tags",
   [("tag", "t")], None),
  (lambda c: c.DeleteNetworkTags("net1", ["t"]), "DELETE", _NET + "/tags",
   [("tag", "t")], None),
  (lambda c: c.GetGroup("g1"), "GET", _GROUP, [], None),
  (lambda c: c.CreateGroup("g1", alloc_policy="preferred"), "POST",
   "/2/groups", [], {"name": "g1", "alloc_policy": "preferred"}),
  (lambda c: c.ModifyGroup("g1", alloc_policy="last_resort"), "PUT",
   _GROUP + "/modify", [], {"alloc_policy": "last_resort"}),
  (lambda c: c.DeleteGroup("g1"), "DELETE", _GROUP, [], None),
  (lambda c: c.RenameGroup("g1", "g2"), "PUT", _GROUP + "/rename", [],
   {"new_name": "g2"}),
  (lambda c: c.AssignGroupNodes("g1", ["n1"], force=True, dry_run=True),
   "PUT", _GROUP + "/assign-nodes", [("force", "1"), ("dry-run", "1")],
   {"nodes": ["n1"]}),
  (lambda c: c.GetGroupTags("g1"), "GET", _GROUP + "/tags", [], None),
  (lambda c: c.AddGroupTags("g1", ["t"]), "PUT", _GROUP + "/tags",
   [("tag", "t")], None),
  (lambda c: c.DeleteGroupTags("g1", ["t"]), "DELETE", _GROUP + "/tags",
   [("tag", "t")], None),
  (lambda c: c.Query("instance", ["name"], ["=", "name", "i"]), "PUT",
   "/2/query/instance", [], {"fields": ["name"],
                             "qfilter": ["=", "name", "i"],
                             "filter": ["=", "name", "i"]}),
  (lambda c: c.Query("node", ["name"]), "PUT", "/2/query/node", [],
   {"fields": ["name"]}),
  (lambda c: c.QueryFields("node", fields=["name", "pip"]), "GET",
   "/2/query/node/fields", [("fields", "name,pip")], None),
  (lambda c: c.GetFilter("f-1"), "GET", "/2/filters/f-1", [], None),
  (lambda c: c.DeleteFilter("f-1"), "DELETE", "/2/filters/f-1", [], {}),
  ]


@pytest.mark.parametrize("case", _CASES,
                         ids=["%d-%s" % (i, c[2]) for (i, c) in
                              enumerate(_CASES)])
def testRequests(stub, case):
  (call, method, path, query, body) = case
  assert call(_Client(stub)) == "4711"
  assert [(m, p, q, b) for (m, p, q, b, _) in stub.requests] == \
    [(method, path, query, body)]


def testListingsAndNames(stub):
  cl = _Client(stub)
  stub.answers[("GET", "/2/instances")] = (200, [{"id": "i1"}, {"id": "i2"}])
  stub.answers[("GET", "/2/nodes")] = (200, [{"id": "n1"}])
  stub.answers[("GET", "/2/groups")] = (200, [{"name": "default"}])
  stub.answers[("GET", "/2/networks")] = (200, [{"name": "net1"}])
  stub.answers[("GET", "/2/jobs")] = (200, [{"id": "3"}, {"id": "12"}])
  stub.answers[("GET", "/2/filters")] = (200, [{"uuid": "u1"}])
  assert cl.GetInstances() == ["i1", "i2"]
  assert cl.GetInstances(bulk=True, reason=R) == [{"id": "i1"},
                                                  {"id": "i2"}]
  assert cl.GetNodes() == ["n1"]
  assert cl.GetGroups() == ["default"]
  assert cl.GetNetworks(bulk=False) == ["net1"]
  assert cl.GetJobs() == [3, 12]
  assert cl.GetJobs(bulk=True) == [{"id": "3"}, {"id": "12"}]
  assert cl.GetFilters() == ["u1"]
  assert [q for (_, _, q, _, _) in stub.requests] == [
    [], [("bulk", "1"), ("reason", R)], [], [], [], [], [("bulk", "1")], []]
  assert cl.GetVersion() == 2
  assert cl.GetFeatures() == _FEATURES


def testFilterRules(stub):
  cl = _Client(stub)
  trail = [("gnt:user", "maintenance", 1)]
  cl.AddFilter(10, [["jobid", [">", "id", "watermark"]]], "REJECT",
               reason_trail=trail)
  cl.ReplaceFilter("u1", 0, [], ["RATE_LIMIT", 2])
  ((m1, p1, _, b1, _), (m2, p2, _, b2, _)) = stub.requests
  assert (m1, p1, m2, p2) == ("POST", "/2/filters", "PUT", "/2/filters/u1")
  assert b1["priority"] == 10 and b1["action"] == "REJECT"
  assert b1["predicates"] == [["jobid", [">", "id", "watermark"]]]
  assert b1["reason"][0] == ["gnt:user", "maintenance", 1]
  assert b1["reason"][1][:2] == ["gnt:client", ""]
  assert b2["action"] == ["RATE_LIMIT", 2] and len(b2["reason"]) == 1


def testErrors(stub):
  cl = _Client(stub)
  stub.answers[("GET", "/2/instances/nosuch")] = (
    404, {"code": 404, "message": "Not Found",
          "explain": "Instance 'nosuch' not known"})
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetInstance("nosuch")
  assert err.value.code == 404
  assert str(err.value) == "404 Not Found: Instance 'nosuch' not known"
  with pytest.raises(client.GanetiApiError, match="Only one of"):
    cl.EvacuateNode("n1", iallocator="hail", remote_node="n2")
  with pytest.raises(client.GanetiApiError, match="Required fields"):
    client.GanetiRapiClient._UpdateWithKwargs({"name": "i"}, name="x")
  with pytest.raises(ValueError):
    cl.GetNodeStorageUnits("n1", ["bad"], "name")
  with pytest.raises(client.Error, match="Password not specified"):
    client.GanetiRapiClient("h", username="u")
  with pytest.raises(client.Error, match="without username"):
    client.GanetiRapiClient("h", password="p")
  # old servers: no features resource
  stub.features = None
  assert cl.GetFeatures() == []
  with pytest.raises(client.GanetiApiError, match="version 1"):
    cl.CreateInstance("create", "i", "plain", [], [])
  with pytest.raises(client.GanetiApiError, match="accept_old"):
    cl.EvacuateNode("n1")
  stub.requests[:] = []
  cl.EvacuateNode("n1", remote_node="n2", accept_old=True)
  cl.MigrateNode("n1", mode="live")
  cl.ReinstallInstance("i", os="noop", no_startup=True)
  assert [(q, b) for (_, _, q, b, _) in stub.requests] == [
    ([("remote_node", "n2")], None), ([("mode", "live")], None),
    ([("os", "noop"), ("nostartup", "1")], None)]


def testAuthHeadersAndCertificates(stub):
  cl = _Client(stub, username="jack", password="abc123")
  cl.GetInfo()
  headers = stub.requests[0][4]
  assert headers["Authorization"] == "Basic amFjazphYmMxMjM="
  assert headers["User-Agent"] == "Ganeti RAPI Client"
  assert headers["Accept"] == "application/json"
  good = _Client(stub, curl_config_fn=client.GenericCurlConfig(
    cafile=stub.cert))
  assert good.GetVersion() == 2
  other = os.path.join(os.path.dirname(stub.cert), "other.pem")
  x509.GenerateSelfSignedSslCert(other, common_name="other", mode=0o600)
  bad = _Client(stub, curl_config_fn=client.GenericCurlConfig(cafile=other))
  with pytest.raises(client.CertificateError):
    bad.GetVersion()
  with pytest.raises(client.Error, match="default CA bundle"):
    client.GenericCurlConfig(use_curl_cabundle=True, cafile=other)
  down = client.GanetiRapiClient("127.0.0.1", port=1)
  with pytest.raises(client.GanetiApiError):
    down.GetVersion()


def testWaitForJobCompletion(stub):
  cl = _Client(stub)
  answers = iter([{"status": "queued"}, {"status": "running"},
                  {"status": "success"}])
  stub.Answer = lambda m, p: (200, next(answers))
  assert cl.WaitForJobCompletion(5, period=0)
  stub.Answer = lambda m, p: (200, {"status": "error"})
  assert not cl.WaitForJobCompletion(5, period=0)
  stub.Answer = lambda m, p: (200, {"status": "running"})
  assert not cl.WaitForJobCompletion(5, period=0, retries=3)
  del stub.Answer


def testPollJob(stub):
  cl = _Client(stub)
  replies = {
    ("GET", "/2/jobs/8/wait"): iter([
      None,
      {"job_info": ["running"], "log_entries": [[1, [0, 0], "message",
                                                  "hello"]]},
      {"job_info": ["success"], "log_entries": []}]),
    }

  def _Answer(method, path):
    if path == "/2/jobs/8":
      return (200, {"status": "success", "opstatus": ["success"],
                    "opresult": [["done"]]})
    return (200, next(replies[(method, path)]))
  stub.Answer = _Answer

  class Reporter:
    def __init__(self):
      self.log = []
      self.unchanged = 0

    def ReportLogMessage(self, job_id, serial, timestamp, log_type, msg):
      self.log.append((job_id, serial, msg))

    def ReportNotChanged(self, job_id, status):
      self.unchanged += 1
  reporter = Reporter()
  assert client_utils.PollJob(cl, 8, reporter) == [["done"]]
  assert reporter.log == [(8, 1, "hello")]
  assert reporter.unchanged == 1
  stub.Answer = lambda m, p: (404, {"code": 404, "message": "x",
                                    "explain": "y"})
  with pytest.raises(errors.JobLost):
    client_utils.PollJob(cl, 9, reporter)
  del stub.Answer
