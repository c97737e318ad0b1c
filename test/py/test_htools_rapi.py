"""The RAPI backend of the htools (-m): parsing, transport, errors.

Upstream's RAPI test cluster (test/data/htools/rapi/*.json) is read from
the directory (``file://DIR``, as upstream's tests do) and served by a
local HTTPS stub on 127.0.0.1 with a self-signed certificate; hbal and
hinfo loading it must print what upstream's print (checked against the
binaries where they are installed).
"""

import contextlib
import http.server
import io
import json
import os
import ssl
import subprocess
import threading

import pytest

import htools_cases
from ganeti.htools import cli
from ganeti.htools import hbal
from ganeti.htools import hinfo
from ganeti.htools import loader
from ganeti.htools import rapi_backend
from ganeti.htools import text
from ganeti.htools import types as T
from ganeti.utils import x509

pytestmark = pytest.mark.unit

RAPI_DIR = os.path.join(htools_cases.DATA_DIR, "rapi")
RAPI_URL = "file://" + RAPI_DIR
UPSTREAM = htools_cases.UPSTREAM_BIN

needs_upstream = pytest.mark.skipif(
  not os.path.exists(os.path.join(UPSTREAM, "hbal")),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


def _Docs():
  docs = {}
  for name in ("groups", "nodes", "instances", "info"):
    with open(os.path.join(RAPI_DIR, name + ".json")) as handle:
      docs[name] = json.load(handle)
  return docs


def _WriteDocs(path, docs):
  os.makedirs(path, exist_ok=True)
  for (name, doc) in docs.items():
    with open(os.path.join(path, name + ".json"), "w") as handle:
      json.dump(doc, handle)
  return "file://" + str(path)


def _Run(main, args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def _Upstream(program, args):
  res = subprocess.run([os.path.join(UPSTREAM, program)] + args,
                       capture_output=True, text=True, cwd="/tmp")
  return {"out": res.stdout, "err": res.stderr, "rc": res.returncode}


# Parsing ---------------------------------------------------------------------
def test_fixture_cluster():
  cdata = rapi_backend.LoadData(RAPI_URL)
  assert [g.name for g in cdata.groups] == ["default"]
  assert [n.name for n in cdata.nodes] == ["node1", "node2", "node3",
                                           "node4"]
  assert [n.name for n in cdata.nodes if n.is_master] == ["node4"]
  assert cdata.tags == ["htools:iextags:test",
                        "htools:iextags:service-group"]
  node1 = cdata.nodes[0]
  assert (node1.t_mem, node1.n_mem, node1.f_mem, node1.t_dsk, node1.f_dsk,
          node1.t_cpu, node1.n_cpu, node1.t_spindles) == \
    (32763.0, 1017, 31389, 1377280.0, 1377280, 4.0, 1, 1)
  by_name = dict((i.name, i) for i in cdata.instances)
  assert len(by_name) == 11
  inst2 = by_name["instance2"]
  assert (inst2.mem, inst2.dsk, inst2.run_st, inst2.disk_template,
          inst2.pnode, inst2.snode, inst2.total_spindles) == \
    (128, 256, T.ST_RUNNING, T.DT_DRBD8, 2, 3, None)
  assert by_name["instance4"].all_tags == ["service-group:dns"]
  assert cdata.ipolicy.minmax[0][0].disk_size == 128
  assert cdata.groups[0].ipolicy.minmax[0][0].disk_size == 1024
  assert cdata.ipolicy.disk_templates[:2] == ["sharedfile", "diskless"]


UPSTREAM_DATA = """\
default|uuid-group-1|preferred||

node1|32763|1017|31389|1377280|1377280|4|N|uuid-group-1|1||N|0|1|1.0
node2|32763|1017|31746|1377280|1376640|4|N|uuid-group-1|1||N|0|1|1.0
node3|32763|1017|31234|1377304|1373336|4|N|uuid-group-1|1||N|0|1|1.0
node4|32763|1017|31746|1377280|1371520|4|M|uuid-group-1|1||N|0|1|1.0

"""


def test_serialized_as_upstream_hscan_writes_it():
  data = text.SerializeCluster(rapi_backend.LoadData(RAPI_URL))
  assert data.startswith(UPSTREAM_DATA)
  assert "\ninstance4|128|2176|1|ADMIN_down|Y|node4|node3|drbd|" \
    "service-group:dns|1|-|N\n" in data
  assert data.endswith(
    "\nhtools:iextags:test\nhtools:iextags:service-group\n\n"
    "|128,1,1024,1,1,1|128,1,128,1,1,1;32768,8,1048576,16,8,8|"
    "sharedfile,diskless,plain,blockdev,drbd,file,rbd|4.0|32.0\n"
    "default|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,8|"
    "sharedfile,diskless,plain,blockdev,drbd,file,rbd|4.0|32.0\n")


def test_oper_ram_and_memory_fallbacks(tmp_path):
  docs = _Docs()
  (first, second) = docs["instances"][:2]
  first["oper_ram"] = 200
  second["oper_ram"] = None
  second["beparams"]["maxmem"] = 300
  second["beparams"]["memory"] = 333
  url = _WriteDocs(tmp_path, docs)
  insts = rapi_backend.LoadData(url).instances
  assert (insts[0].mem, insts[1].mem) == (200, 333)
  del second["beparams"]["memory"]
  _WriteDocs(tmp_path, docs)
  assert rapi_backend.LoadData(url).instances[1].mem == 300


def test_node_states(tmp_path):
  docs = _Docs()
  nodes = docs["nodes"]
  nodes[0]["offline"] = True
  for key in ("mtotal", "mnode", "mfree", "ctotal", "cnos"):
    nodes[0][key] = None
  nodes[1]["drained"] = True
  nodes[2]["vm_capable"] = False
  nodes[3]["dtotal"] = None
  nodes[3]["ndparams"]["exclusive_storage"] = True
  nodes[3]["sptotal"] = 12
  nodes[3]["spfree"] = 10
  del nodes[3]["group.uuid"]
  docs["groups"].append(dict(docs["groups"][0], name="other",
                             uuid=rapi_backend.DEFAULT_GROUP_ID))
  for inst in docs["instances"]:
    inst["forthcoming"] = "not a bool"
  url = _WriteDocs(tmp_path, docs)
  nodes = rapi_backend.LoadData(url).nodes
  assert [n.offline for n in nodes] == [True, True, True, False]
  assert (nodes[0].t_mem, nodes[0].n_cpu) == (0.0, 0)
  assert nodes[1].t_mem == 32763.0  # drained: values kept
  assert nodes[2].t_mem == 0.0
  assert (nodes[3].t_dsk, nodes[3].excl_storage, nodes[3].t_spindles,
          nodes[3].f_spindles, nodes[3].group) == (0.0, True, 12, 10, 1)


@pytest.mark.parametrize("change,message", [
  (lambda d: d["nodes"][0].pop("mtotal"),
   "Node 'node1', error while parsing data: key 'mtotal' not found"),
  (lambda d: d["nodes"][0].update(cnos=None),
   "Node 'node1', error while parsing data: key 'cnos': Unable to read Int"),
  (lambda d: d["nodes"][1].update({"group.uuid": "nope"}),
   "Unknown group 'nope' for node node2"),
  (lambda d: d["instances"][0].update(pnode="node9"),
   "Unknown node 'node9' for instance instance2"),
  (lambda d: d["instances"][0].update(status="weird"),
   "Instance 'instance2', error while parsing data: key 'status': Unable"
   " to read InstanceStatus"),
  (lambda d: d["groups"][0].pop("ipolicy"),
   "Group 'default': key 'ipolicy' not found"),
  (lambda d: d["info"].update(master="nosuch"), "Master node nosuch unknown"),
  (lambda d: d.update(nodes={"code": 401, "message": "denied"}),
   "Parsing node data: Unable to read list"),
  (lambda d: d["info"].pop("master"),
   'Parsing cluster data: key \'master\' not found, object contains only'
   ' ["maintain_node_health","hvparams",'),
])
def test_bad_documents(tmp_path, change, message):
  docs = _Docs()
  change(docs)
  url = _WriteDocs(tmp_path, docs)
  with pytest.raises(loader.LoaderError) as err:
    rapi_backend.LoadData(url)
  assert str(err.value).startswith(message)


def test_missing_files_reported_in_resource_order(tmp_path):
  _WriteDocs(tmp_path, _Docs())
  os.unlink(tmp_path / "instances.json")
  os.unlink(tmp_path / "info.json")
  with pytest.raises(loader.LoaderError) as err:
    rapi_backend.LoadData("file://%s" % tmp_path)
  assert str(err.value) == ("%s/instances.json: openFile: does not exist"
                            " (No such file or directory)" % tmp_path)


def test_format_host():
  assert rapi_backend.FormatHost("cluster") == "https://cluster:5080"
  assert rapi_backend.FormatHost("cluster:81") == "cluster:81"
  assert rapi_backend.FormatHost("https://c/x") == "https://c/x"


# Transport -------------------------------------------------------------------
class _Stub:
  def __init__(self):
    self.requests = []
    self.bodies = {}
    for (name, path) in rapi_backend.RESOURCES:
      with open(os.path.join(RAPI_DIR, name + ".json"), "rb") as handle:
        self.bodies[path] = handle.read()


def _Handler(stub):
  class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
      stub.requests.append((self.path, self.headers.get("Authorization")))
      body = stub.bodies.get(self.path)
      if body is None:
        self.send_response(404)
        body = b'{"code": 404, "message": "Not found"}'
      else:
        self.send_response(200)
      self.send_header("Content-Type", "application/json")
      self.send_header("Content-Length", str(len(body)))
      self.end_headers()
      self.wfile.write(body)

    def log_message(self, *args):
      pass
  return Handler


@pytest.fixture(scope="module")
def https_stub(tmp_path_factory):
  """RAPI's read resources over HTTPS on 127.0.0.1 (self-signed)."""
  path = str(tmp_path_factory.mktemp("rapi-stub") / "cert.pem")
  x509.GenerateSelfSignedSslCert(path, common_name="stub", mode=0o600)
  stub = _Stub()
  httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler(stub))
  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
  ctx.load_cert_chain(path)
  httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
  thread = threading.Thread(target=httpd.serve_forever, daemon=True)
  thread.start()
  stub.port = httpd.server_address[1]
  try:
    yield stub
  finally:
    httpd.shutdown()
    httpd.server_close()


def test_https_unverified_and_without_credentials(https_stub):
  del https_stub.requests[:]
  url = "https://127.0.0.1:%d" % https_stub.port
  cdata = rapi_backend.LoadData(url)
  assert text.SerializeCluster(cdata) == \
    text.SerializeCluster(rapi_backend.LoadData(RAPI_URL))
  assert https_stub.requests == [(path, None) for (_, path)
                                 in rapi_backend.RESOURCES]


def test_url_without_scheme_is_plain_http(https_stub):
  # as libcurl: "host:port" speaks http, which an HTTPS server refuses
  with pytest.raises(loader.LoaderError) as err:
    rapi_backend.LoadData("127.0.0.1:%d" % https_stub.port)
  assert str(err.value).startswith(
    "Curl error for '127.0.0.1:%d/2/groups?bulk=1', error " %
    https_stub.port)


def test_connection_refused():
  with pytest.raises(loader.LoaderError) as err:
    rapi_backend.LoadData("https://127.0.0.1:1")
  assert str(err.value) == ("Curl error for 'https://127.0.0.1:1/2/groups"
                            "?bulk=1', error CurlCouldntConnect")
  with pytest.raises(loader.LoaderError) as err:
    rapi_backend.GetUrl("ftp://127.0.0.1/x")
  assert str(err.value).endswith("error CurlUnsupportedProtocol")


def test_programs_over_https(https_stub):
  url = "https://127.0.0.1:%d" % https_stub.port
  over_http = _Run(hinfo.Main, ["-m", url, "-v", "-v"])
  from_file = _Run(hinfo.Main, ["-m", RAPI_URL, "-v", "-v"])
  assert over_http == from_file
  assert over_http["rc"] == 0
  assert "Cluster score: 13.83255238\n" in over_http["out"]


def test_only_one_backend():
  opts = cli.ParseArgs(hbal.OPTIONS, ["-m", RAPI_URL, "-t", "x"])
  with pytest.raises(cli.UsageError):
    cli.LoadExternalData(opts)


def test_load_failure_message():
  got = _Run(hbal.Main, ["-m", "https://127.0.0.1:1"])
  assert got["rc"] == 1
  assert got["err"] == ("Error: failed to load data, aborting: Curl error"
                        " for 'https://127.0.0.1:1/2/groups?bulk=1', error"
                        " CurlCouldntConnect\n")


# Against upstream ------------------------------------------------------------
@needs_upstream
@pytest.mark.parametrize("program,args", [
  ("hinfo", ["-v", "-v", "-p", "--print-instances"]),
  ("hbal", ["-C", "-p"]),
  ("hbal", ["-v", "-v", "-v", "-v", "-v", "--print-instances"]),
])
def test_programs_match_upstream(program, args):
  main = {"hinfo": hinfo.Main, "hbal": hbal.Main}[program]
  assert _Run(main, ["-m", RAPI_URL] + args) == \
    _Upstream(program, ["-m", RAPI_URL] + args)


@needs_upstream
def test_node_states_match_upstream(tmp_path):
  """Offline, drained, not vm-capable and exclusive-storage nodes."""
  docs = _Docs()
  nodes = docs["nodes"]
  nodes[0]["offline"] = True
  nodes[1]["drained"] = True
  nodes[2]["vm_capable"] = False
  nodes[3]["ndparams"]["exclusive_storage"] = True
  nodes[3]["sptotal"] = 12
  nodes[3]["spfree"] = 9
  docs["instances"][1]["disk.spindles"] = [2]
  docs["instances"][2]["oper_ram"] = 512
  url = _WriteDocs(tmp_path / "docs", docs)
  ours = tmp_path / "ours"
  theirs = tmp_path / "theirs"
  ours.mkdir()
  theirs.mkdir()
  from ganeti.htools import hscan
  got = _Run(hscan.Main, ["-p", "-d", str(ours), url])
  want = _Upstream("hscan", ["-p", "-d", str(theirs), url])
  assert got == want
  name = hscan.FixSlash(url) + ".data"
  assert (ours / name).read_text() == (theirs / name).read_text()
  for program in ("hinfo", "hbal"):
    main = {"hinfo": hinfo.Main, "hbal": hbal.Main}[program]
    assert _Run(main, ["-m", url, "-v", "-v", "-p"]) == \
      _Upstream(program, ["-m", url, "-v", "-v", "-p"])

