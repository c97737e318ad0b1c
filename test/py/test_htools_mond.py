"""hbal's and hinfo's MonD options (lib/htools/mond.py).

The expected texts are upstream's (Debian's ganeti-htools-3.0 run on the
same input); where the binaries are installed the tests also run them.
The hbal/hinfo "mond" golden cases (test_htools_programs) use the
generated test/data/htools/mond/cpu-load.json on every test cluster.
"""

import contextlib
import http.server
import io
import json
import os
import subprocess
import threading
import zlib

import pytest

import htools_cases
from ganeti.htools import hbal
from ganeti.htools import hinfo
from ganeti.htools import mond
from ganeti.htools import mond_json
from ganeti.htools import text

GOLDEN_MOND_FILE = os.path.join(htools_cases.DATA_DIR, "mond",
                                "cpu-load.json")
DYN = os.path.join(htools_cases.DATA_DIR, "hbal-dyn.data")


def _Upstream(program):
  path = os.path.join(htools_cases.UPSTREAM_BIN, program)
  return path if os.path.exists(path) else None


def _Run(program, args):
  main = {"hbal": hbal.Main, "hinfo": hinfo.Main}[program]
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def _RunUpstream(program, args):
  res = subprocess.run([_Upstream(program)] + args, capture_output=True,
                       text=True)
  return {"out": res.stdout, "err": res.stderr, "rc": res.returncode}


def _Check(program, args, expected=None):
  """Run ours; compare with ``expected`` and with upstream's binary."""
  got = _Run(program, args)
  if expected is not None:
    assert got == dict(got, **expected)
  if _Upstream(program):
    assert got == _RunUpstream(program, args)
  return got


def _Report(name, data):
  return {"name": name, "version": "B", "format_version": 1,
          "timestamp": 1700000000000000000, "category": None, "kind": 0,
          "data": data}


def _CpuReport(total):
  return _Report(mond.CPU_LOAD_NAME, {"cpu_number": 2, "cpus": [total / 2,
                                                                total / 2],
                                      "cpu_total": total})


def _Load(name, modulo, scale):
  return (zlib.crc32(name.encode()) % modulo) / scale


def GenerateGoldenMonDData():
  """The --mond-data file of the golden cases: every node of the test
  clusters but a few (those clusters then lack data) with a cpu-avg-load
  report after an unrelated one."""
  names = set()
  for (_, path) in htools_cases.DataFiles():
    try:
      names.update(n.name for n in text.LoadFile(path).nodes)
    except Exception:  # the clusters that do not load have no nodes here
      pass
  entries = []
  for name in sorted(names):
    if zlib.crc32(name.encode()) % 16 == 0:
      continue
    entries.append(json.dumps(
      {"node": name, "reports": [_Report(mond.XEN_CPU_LOAD_NAME, {}),
                                 _CpuReport(_Load(name, 97, 4.0))]},
      sort_keys=True))
  return "[\n%s\n]\n" % ",\n".join(entries)


def test_golden_file_is_generated():
  with open(GOLDEN_MOND_FILE) as handle:
    assert handle.read() == GenerateGoldenMonDData()


def _Write(tmp_path, entries, name="mond.json"):
  path = tmp_path / name
  path.write_text(entries if isinstance(entries, str) else
                  json.dumps(entries))
  return str(path)


def _DynEntries(first=20.0, second=2.0):
  return [{"node": "node-01-000", "reports": [_CpuReport(first)]},
          {"node": "node-01-001", "reports": [_CpuReport(second)]}]


_GOOD = dict(_Report("cpu-avg-load", 1))


def _Bad(**changes):
  report = dict(_GOOD)
  report.update(changes)
  return json.dumps([{"node": "n", "reports": [report]}])


_PREFIX = "Error: can't parse MonD data: "
_REPORTS = _PREFIX + "Parsing node's reports: key 'reports': "

#: (file contents, upstream's message)
_BAD_FILES = [
  ("", _PREFIX + "Parsing MonD's answer: Invalid JSON: a JSON text a"
   " serialized object or array at the top level."),
  (" []", _PREFIX + "Parsing MonD's answer: Invalid JSON: a JSON text a"
   " serialized object or array at the top level."),
  ('{"a":1}', _PREFIX + "Parsing MonD's answer: Unable to read list"),
  ("[1]", _PREFIX + "Parsing MonD's answer: Unable to read JSObject"),
  ("[1,", _PREFIX + "Parsing MonD's answer: Malformed JSON: invalid token"
   " in this context "),
  ("[1", _PREFIX + "Parsing MonD's answer: Unable to parse JSON array:"
   " unterminated array: "),
  ('[{"a" 1}]', _PREFIX + "Parsing MonD's answer: Malformed JSON labelled"
   " field:  1}]"),
  ("[tru]", _PREFIX + "Parsing MonD's answer: Unable to parse JSON Bool:"
   " tru]"),
  ("[1e]", _PREFIX + "Parsing MonD's answer: Unable to parse JSON"
   " exponential: ]"),
  ("[] xyzxyzxyzxyz", _PREFIX + "Parsing MonD's answer: Invalid tokens at"
   ' end of JSON string: "xyzxyzxyzx"'),
  ("[1, x1234567890]", _PREFIX + "Parsing MonD's answer: Malformed JSON:"
   " invalid token in this context x1234567"),
  ('[{"reports":[]}]', _PREFIX + "Parsing node's name: key 'node' not"
   ' found, object contains only ["reports"]'),
  ('[{"node":1,"reports":[]}]', _PREFIX + "Parsing node's name: key"
   " 'node': Unable to read String"),
  ('[{"node":["a","bc"],"reports":[]}]', _PREFIX + "Parsing node's name:"
   " key 'node': Unable to read Char"),
  ('[{"a":1 x}]', _PREFIX + "Parsing MonD's answer: Unable to parse JSON"
   " object: unterminated sequence:  x}]"),
  ('[{"node":"x"}]', _PREFIX + "Parsing node's reports: key 'reports' not"
   ' found, object contains only ["node"]'),
  ('[{"node":"x","reports":{}}]', _REPORTS + "Unable to read list"),
  ('[{"node":"x","reports":[{"b":1,"a":2}]}]', _REPORTS + "key 'name' not"
   ' found, object contains only ["b","a"]'),
  (_Bad(name=1), _REPORTS + "Can't parse value for 'name': Unable to read"
   " String"),
  (_Bad(version=-1.5), _REPORTS + "Can't parse value for 'version': Invalid"
   " JSON value JSRational False ((-3) % 2) for type DCVersion"),
  (_Bad(version=[True, None, "\u00e9\n", {"a": {}}]), _REPORTS +
   "Can't parse value for 'version': Invalid JSON value JSArray [JSBool"
   ' True,JSNull,JSString (JSONString {fromJSString = "\\233\\n"}),JSObject'
   ' (JSONObject {fromJSObject = [("a",JSObject (JSONObject {fromJSObject ='
   " []}))]})] for type DCVersion"),
  (_Bad(format_version="1"), _REPORTS + "Can't parse value for"
   " 'format_version': Unable to read Int"),
  (_Bad(timestamp=None), _REPORTS + "Can't parse value for 'timestamp':"
   " Unable to read Integer"),
  (_Bad(category="node"), _REPORTS + "Can't parse value for 'category':"
   " Invalid category name node for type DCCategory"),
  (_Bad(kind=2), _REPORTS + "Can't parse value for 'kind': Invalid JSON"
   " value 2 for type DCKind"),
  (_Bad(kind=1.5), _REPORTS + "Can't parse value for 'kind': Invalid JSON"
   " value 3 % 2 for type DCKind"),
  (_Bad(kind="perf"), _REPORTS + "Can't parse value for 'kind': Invalid"
   ' JSON value JSString (JSONString {fromJSString = "perf"}) for type'
   " DCKind"),
  (_Bad(zz=1, aa=2), _REPORTS + 'Superfluous dictionary keys: ["aa","zz"],'
   ' but only ["category","data","format_version","kind","name","timestamp",'
   '"version"] allowed.'),
]


@pytest.mark.parametrize("contents,message", _BAD_FILES)
def test_bad_mond_data(tmp_path, contents, message):
  path = _Write(tmp_path, contents)
  _Check("hbal", ["-t", DYN, "--mond", "--mond-data", path],
         {"out": "", "err": message + "\n", "rc": 1})


def test_unreadable_mond_data(tmp_path):
  missing = str(tmp_path / "missing.json")
  _Check("hbal", ["-t", DYN, "--mond", "--mond-data", missing],
         {"out": "", "rc": 1, "err": "hbal: %s: openFile: does not exist (No"
          " such file or directory)\n" % missing})
  _Check("hinfo", ["-t", DYN, "--mond", "--mond-data", str(tmp_path)],
         {"out": "", "rc": 1, "err": "hinfo: %s: openFile: inappropriate"
          " type (is a directory)\n" % tmp_path})
  # the file is only read with --mond=yes
  assert _Check("hbal", ["-t", DYN, "--mond-data", missing])["rc"] == 0
  assert _Check("hbal", ["-t", DYN, "--mond=no", "--mond-data",
                         missing])["rc"] == 0


def test_bad_choice():
  _Check("hbal", ["--mond=maybe", "--help"],
         {"out": "", "rc": 1, "err": "Error while parsing command line"
          " arguments:\nInvalid choice 'maybe', pass one of 'yes' or 'no'\n"})


#: upstream's hbal on hbal-dyn.data with node loads 20 and 2
_DYN_MOVES = """\
Initial score: 12.00000000
Trying to minimize the CV...
    1. inst-00 node-01-000             => node-01-001               5.03264811 a=fa:node-01-001
    2. inst-01 node-01-000             => node-01-001               4.06529623 a=fa:node-01-001
    3. inst-10 node-01-001             => node-01-000               1.80000000 a=fa:node-01-000
Cluster score improved from 12.00000000 to 1.80000000
"""  # noqa: E501


def test_cpu_load_changes_the_moves(tmp_path):
  path = _Write(tmp_path, _DynEntries())
  got = _Check("hbal", ["-t", DYN, "--mond", "--mond-data", path, "-p"],
               {"rc": 0})
  assert _DYN_MOVES in got["out"]
  # the node loads as reported, instances their vcpus' share (4 of 5
  # used cpus: 20 - 4 * 4 moved twice, plus 2 * 2/5 * 2)
  assert "0.16 12.800 3.000" in got["err"]
  assert "0.16  9.200 3.000" in got["err"]
  got = _Check("hinfo", ["-t", DYN, "--mond=yes", "--mond-data", path],
               {"rc": 0})
  assert "Cluster score: 12.00000000\n" in got["out"]


_MISSING = ("Didn't receive an answer by all MonDs, cpu-avg-load's data"
            " will be ignored.\n")


@pytest.mark.parametrize("entries", [
  _DynEntries()[:1],
  [{"node": "node-01-000", "reports": [_Report("cpu-avg-load",
                                               {"error": "x"})]},
   _DynEntries()[1]],
])
def test_missing_data(tmp_path, entries):
  path = _Write(tmp_path, entries)
  got = _Check("hbal", ["-t", DYN, "--mond", "--mond-data", path],
               {"err": _MISSING, "rc": 0})
  assert "Initial score: 4.00000000\n" in got["out"]
  _Check("hbal", ["-t", DYN, "--mond", "--mond-data", path,
                  "--exit-on-missing-mond-data"],
         {"out": "", "err": _MISSING + "Error: Not all required data"
          " available\n", "rc": 1})
  # --ignore-dynu: no collector, nothing is missing
  _Check("hbal", ["-t", DYN, "--mond", "--mond-data", path, "--ignore-dynu",
                  "--exit-on-missing-mond-data"], {"err": "", "rc": 0})


def _XenEntries(cdata, skip=0):
  loads = dict((i.name, _Load(i.name, 31, 8.0)) for i in cdata.instances)
  names = sorted(loads)
  entries = [{"node": n.name, "reports": [_CpuReport(1.0)]}
             for n in cdata.nodes]
  entries[0]["reports"].insert(0, _Report(mond.XEN_CPU_LOAD_NAME, dict(
    (name, loads[name]) for name in names[skip:])))
  for entry in entries[1:]:
    entry["reports"].append(_Report(mond.XEN_CPU_LOAD_NAME, {}))
  return entries


@pytest.mark.parametrize("cluster", ["hbal-dyn", "hbal-excl-tags",
                                     "hbal-cpu-speed"])
def test_xen_loads(tmp_path, cluster):
  data = os.path.join(htools_cases.DATA_DIR, cluster + ".data")
  cdata = text.LoadFile(data)
  path = _Write(tmp_path, _XenEntries(cdata))
  got = _Check("hbal", ["-t", data, "--mond", "--mond-xen", "--mond-data",
                        path, "-p", "-C"], {"rc": 0})
  assert "Didn't" not in got["err"]
  path = _Write(tmp_path, _XenEntries(cdata, skip=2))
  missing = sorted(i.name for i in cdata.instances)[:2]
  _Check("hbal", ["-t", data, "--mond", "--mond-xen", "--mond-data", path,
                  "--exit-on-missing-mond-data"],
         {"out": "", "rc": 1, "err": "No CPU information available for"
          " %s\nError: Not all required data available\n" %
          mond_json.ShowStrings(missing)})


def test_xen_first_answer_wins(tmp_path):
  cdata = text.LoadFile(DYN)
  entries = _XenEntries(cdata)
  entries[1]["reports"][-1]["data"] = {"inst-00": 9.5}
  path = _Write(tmp_path, entries)
  got = _Check("hbal", ["-t", DYN, "--mond", "--mond-xen", "--mond-data",
                        path, "-p"], {"rc": 0})
  assert "Didn't" not in got["err"]


# --mond=yes: HTTP to every node's MonD ---------------------------------------
class _Stub:
  """MonDs on 127.0.0.1 and 127.0.0.2 on one free port: node loads by
  address, every request recorded; ``status`` makes them answer an
  HTTP error."""

  def __init__(self):
    self.requests = []
    self.status = 200
    self.servers = []
    stub = self

    class Handler(http.server.BaseHTTPRequestHandler):
      def do_GET(self):
        host = self.server.server_address[0]
        stub.requests.append((host, self.path, self.headers["Host"]))
        total = {"127.0.0.1": 20.0, "127.0.0.2": 2.0}[host]
        body = json.dumps(_CpuReport(total)).encode()
        self.send_response(stub.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

      def log_message(self, *args):
        pass

    for _ in range(20):
      first = http.server.HTTPServer(("127.0.0.1", 0), Handler)
      try:
        second = http.server.HTTPServer(("127.0.0.2",
                                         first.server_address[1]), Handler)
      except OSError:
        first.server_close()
        continue
      self.servers = [first, second]
      break
    self.port = self.servers[0].server_address[1]
    self.threads = [threading.Thread(target=s.serve_forever, daemon=True)
                    for s in self.servers]
    for thread in self.threads:
      thread.start()

  def Stop(self):
    for server in self.servers:
      server.shutdown()
      server.server_close()
    for thread in self.threads:
      thread.join(10)


@pytest.fixture(scope="module")
def stub():
  server = _Stub()
  yield server
  server.Stop()


def _IpCluster(tmp_path, third="127.0.0.2"):
  with open(DYN) as handle:
    contents = handle.read()
  path = tmp_path / "ip.data"
  path.write_text(contents.replace("node-01-000", "127.0.0.1")
                  .replace("node-01-001", third))
  return str(path)


def test_mond_yes_queries_every_node(tmp_path, stub, monkeypatch):
  monkeypatch.setattr(mond, "MOND_PORT", stub.port)
  del stub.requests[:]
  stub.status = 200
  got = _Run("hbal", ["-t", _IpCluster(tmp_path), "--mond=yes"])
  assert got["rc"] == 0 and got["err"] == ""
  assert "Initial score: 12.00000000\n" in got["out"]
  assert "improved from 12.00000000 to 1.80000000\n" in got["out"]
  path = "/1/report/default/cpu-avg-load"
  assert stub.requests == [
    ("127.0.0.1", path, "127.0.0.1:%d" % stub.port),
    ("127.0.0.2", path, "127.0.0.2:%d" % stub.port)]
  # the same answers from a file give the same output
  entries = [{"node": "127.0.0.1", "reports": [_CpuReport(20.0)]},
             {"node": "127.0.0.2", "reports": [_CpuReport(2.0)]}]
  assert got == _Run("hbal", ["-t", _IpCluster(tmp_path), "--mond",
                              "--mond-data", _Write(tmp_path, entries)])
  # --mond-xen asks for the other collector (these answers do not fit)
  del stub.requests[:]
  got = _Run("hbal", ["-t", _IpCluster(tmp_path), "--mond", "--mond-xen"])
  assert [r[1] for r in stub.requests] == \
    ["/1/report/default/xen-cpu-avg-load"] * 2
  assert got["err"] == ("Didn't receive an answer by all MonDs,"
                        " xen-cpu-avg-load's data will be ignored.\n")


def test_mond_yes_unreachable(tmp_path, stub, monkeypatch):
  monkeypatch.setattr(mond, "MOND_PORT", stub.port)
  stub.status = 200
  # nothing listens on 127.0.0.3
  data = _IpCluster(tmp_path, third="127.0.0.3")
  got = _Run("hbal", ["-t", data, "--mond"])
  assert got["rc"] == 0
  assert got["err"] == ("Failed to contact node's 127.0.0.3 MonD for DC"
                        " cpu-avg-load\n" + _MISSING)
  assert "Initial score: 4.00000000\n" in got["out"]
  got = _Run("hbal", ["-t", data, "--mond", "--exit-on-missing-mond-data"])
  assert got["rc"] == 1 and got["out"] == ""
  assert got["err"].endswith(_MISSING + "Error: Not all required data"
                             " available\n")
  # an HTTP error counts as no answer, as curl's failure does
  stub.status = 404
  try:
    got = _Run("hinfo", ["-t", _IpCluster(tmp_path), "--mond"])
  finally:
    stub.status = 200
  assert got["rc"] == 0
  assert got["err"] == (
    "Failed to contact node's 127.0.0.1 MonD for DC cpu-avg-load\n"
    "Failed to contact node's 127.0.0.2 MonD for DC cpu-avg-load\n" +
    _MISSING)


def test_show_and_decode():
  assert mond_json.ShowString('a"\\\x01\x0eH\xe91') == \
    '"a\\"\\\\\\SOH\\SO\\&H\\233\\&1"'
  assert mond_json.ShowValue(mond_json.Decode("[1.]")[0]) == \
    "JSRational False (1 % 1)"
  obj = mond_json.Decode('{"a": 1, "a": 2}')
  assert obj.Keys() == ["a", "a"] and obj.Get("a") == 1


# hail --mond ---------------------------------------------------------------
def _RunHail(args):
  from ganeti.htools import hail
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = hail.Main(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def test_hail_mond_without_monds():
  # the request's nodes have no MonD (their names do not resolve): the
  # warnings, then the answer without CPU data, as upstream's hail
  req = os.path.join(htools_cases.DATA_DIR, "hail-alloc-drbd.json")
  got = _RunHail(["--mond=yes", req])
  assert got["rc"] == 0
  assert got["err"].endswith(
    "".join("Failed to contact node's node%d MonD for DC cpu-avg-load\n" % n
            for n in range(1, 5)) + _MISSING)
  binary = os.path.join(htools_cases.UPSTREAM_BIN.replace(
    "usr/bin", "usr/lib/ganeti/iallocators"), "hail")
  if os.path.exists(binary):
    up = subprocess.run([binary, "--mond=yes", req], capture_output=True,
                        text=True)
    assert got == {"out": up.stdout, "err": up.stderr, "rc": up.returncode}


def test_hail_mond_loads_change_the_scores(tmp_path, stub, monkeypatch):
  monkeypatch.setattr(mond, "MOND_PORT", stub.port)
  stub.status = 200
  with open(os.path.join(htools_cases.DATA_DIR,
                         "hail-alloc-desired-location.json")) as handle:
    text_req = handle.read()
  path = tmp_path / "req.json"
  path.write_text(text_req.replace('"node1"', '"127.0.0.1"')
                  .replace('"node2"', '"127.0.0.2"'))
  plain = _RunHail([str(path)])
  del stub.requests[:]
  got = _RunHail(["--mond=yes", str(path)])
  assert got["rc"] == 0 and got["err"] == plain["err"]
  assert [r[0] for r in stub.requests] == ["127.0.0.1", "127.0.0.2"]
  # the loads enter the model: the answer's score changes
  assert json.loads(got["out"])["success"]
  assert got["out"] != plain["out"]
