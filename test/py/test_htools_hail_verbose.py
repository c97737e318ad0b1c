"""hail's verbose output (``-v -v``: the request and the whole cluster model
as Haskell's ``show`` prints upstream's records), the PeerMap order that
it and ``-p peermap`` show, and Haskell's Double notation.

The golden file hail-verbose2.json (tools/hail-golden) covers upstream's
requests; where upstream's hail is installed, requests built from
generated clusters (tags of every kind, offline nodes, stopped, offline,
forthcoming and diskless instances, kvm) and upstream's request with each
text-backend cluster of the test data (``-t``) are compared too.
"""

import json
import os
import random
import subprocess
import sys

import pytest

import htools_cases
from test_htools_hail import RunHail, RunUpstream, needs_upstream
from test_htools_hail import _Mutations, _Request
from test_htools_hailfast import TaggedCluster
from ganeti.htools import gencluster
from ganeti.htools import hail_request as R
from ganeti.htools import hail_show
from ganeti.htools import iallocator as IA
from ganeti.htools import metrics
from ganeti.htools import node as N
from ganeti.htools import text
from ganeti.htools import types as T
from ganeti.htools.instance import Instance

pytestmark = pytest.mark.unit

#: (value, Haskell's show) -- fixed notation in [0.1, 10^7), else exponent
SHOW_DOUBLE = [
  (0.0, "0.0"), (-0.0, "-0.0"), (1.0, "1.0"), (0.25, "0.25"),
  (0.1, "0.1"), (0.09, "9.0e-2"), (3.906846137411104e-3,
                                   "3.906846137411104e-3"),
  (0.9580624484937277, "0.9580624484937277"), (32.0, "32.0"),
  (1377280.0, "1377280.0"), (9999999.0, "9999999.0"), (1e7, "1.0e7"),
  (12345678.9, "1.23456789e7"), (1e22, "1.0e22"), (-1.5, "-1.5"),
  (5e-324, "5.0e-324"), (float("nan"), "NaN"), (float("inf"), "Infinity"),
  (float("-inf"), "-Infinity"),
]


@pytest.mark.parametrize("value,shown", SHOW_DOUBLE)
def test_show_double(value, shown):
  assert metrics.HsShowDouble(value) == shown


#: (JSON value, Text.JSON's pretty printing in upstream's messages)
PRETTY_JSON = [
  ({"a": 1}, '{"a": 1}'), ({}, "{}"), ([], "[]"), (None, "null"),
  (True, "true"), (-3, "-3"), (1.5, "1.5"), (1e20, "100000000000000000000"),
  (-2.5e-5, "-2.5e-5"), ("\u00e9", '"\u00e9"'),
  ("a\"b\\\n", '"a\\"b\\\\\\u000a"'),
  ({"a": 1, "b": [1, 2, {"c": "x"}]}, '{"a": 1, "b": [1, 2, {"c": "x"}]}'),
]


@pytest.mark.parametrize("value,shown", PRETTY_JSON)
def test_pretty_json(value, shown):
  assert IA.PrettyJSON(value) == shown


def test_negative_constructor_arguments_in_parentheses():
  # pylint: disable=protected-access
  assert hail_show._Maybe(-3, str) == "(Just (-3))"
  assert hail_show._Maybe(3, str, nested=False) == "Just 3"
  req = IA.Request(IA.MODE_RELOC, None)
  (req.idx, req.required_nodes, req.exclude) = (0, -1, [3])
  assert hail_show.ShowRequest(req) == "Relocate 0 (-1) [3]"


def _ModelPeerMap(ops):
  """Upstream's PeerMap operations on a list, as its documentation of the
  type says: sorted by memory, largest first; an entry set anew goes
  before the first entry with no more memory than it."""
  lst = []
  for (key, value) in ops:
    lst = [e for e in lst if e[0] != key]
    if value is None:
      continue
    pos = next((n for (n, e) in enumerate(lst) if value >= e[1]), len(lst))
    lst.insert(pos, (key, value))
  return lst


def test_peer_order_follows_upstreams_list():
  rng = random.Random(3)
  for _ in range(200):
    ops = [(rng.randrange(6), rng.choice([None, 128, 256, 512, 128]))
           for _ in range(rng.randrange(1, 12))]
    peers = {}
    for (key, value) in ops:
      if value is None:
        peers = dict(peers)
        peers.pop(key, None)
      else:
        peers = N._PeerAdd(peers, key, value)  # pylint: disable=W0212
    assert list(peers.items()) == _ModelPeerMap(ops), ops


def _Node(name):
  return N.Node(name, 32768, 1024, 30000, 100000, 100000, 4, False, 1, 1, 0,
                False)


def test_build_peers_and_moves_keep_the_order():
  node = _Node("n0")
  insts = []
  # secondaries (last first, as upstream accumulates) of primaries 1, 2, 3
  for (idx, (pdx, mem)) in enumerate([(1, 128), (2, 512), (3, 128),
                                      (2, 128), (1, 512)]):
    inst = Instance("i%d" % idx, mem, 1024, 1, T.ST_RUNNING, [], True, pdx,
                    0, T.DT_DRBD8)
    inst.idx = idx
    insts.append(inst)
    node.slist = (idx,) + node.slist
  node.BuildPeers(insts)
  # i0 first: [(1,128)]; i1: [(2,512),(1,128)]; i2: (3,128) goes before
  # (1,128); i3: (2,640) first; i4: (1,640) before the equal (2,640)
  assert list(node.peers.items()) == [(1, 640), (2, 640), (3, 128)]
  assert node.r_mem == 640
  moved = node.RemoveSec(insts[1])
  assert list(moved.peers.items()) == [(1, 640), (2, 128), (3, 128)]
  extra = Instance("x", 64, 1024, 1, T.ST_RUNNING, [], True, 3, 0,
                   T.DT_DRBD8)
  extra.idx = 9
  again = moved.AddSec(extra, 3)
  assert list(again.peers.items()) == [(1, 640), (3, 192), (2, 128)]


def test_diskless_instances_are_externally_mirrored():
  """As upstream's templateMirrorType: relocation and evacuation treat a
  diskless instance like a shared-storage one (a new primary)."""
  assert T.MirrorType(T.DT_DISKLESS) == T.MIRROR_EXTERNAL
  assert T.MirrorType(T.DT_PLAIN) == T.MIRROR_NONE
  assert T.MirrorType(T.DT_FILE) == T.MIRROR_NONE


def test_cluster_data_is_shown_at_verbosity_three():
  path = os.path.join(htools_cases.DATA_DIR, "hail-alloc-drbd.json")
  one = RunHail(["-v", path])
  two = RunHail(["-v", "-v", path])
  assert "Received request: Allocate (Instance {" in one["err"]
  assert "Received cluster data" not in one["err"]
  lines = two["err"].splitlines()
  data = [line for line in lines if line.startswith("Received cluster")]
  assert len(data) == 1
  shown = data[0]
  assert shown.startswith("Received cluster data: ClusterData {cdGroups ="
                          " fromList [(0,Group {name = \"default\"")
  # node3 of the request: a peer, a reserved memory, the ratio in
  # exponent notation, the primary exclusion tag counted
  assert ("peers = [(3,128)], failN1 = False, failN1Forth = True,"
          " rMem = 128, rMemForth = 0") in shown
  assert "pRem = 3.906846137411104e-3, pRemForth = 0.0" in shown
  assert "pTags = fromList [(\"test:test\",1)]" in shown
  assert "hypervisor = Just XenPvm" in shown
  assert shown.endswith("iPolicyVcpuRatio = 4.0, iPolicySpindleRatio ="
                        " 32.0}}")
  assert one["out"] == two["out"]


def _Forthcoming(doc, rng):
  """Mark some instances forthcoming and some diskless (JSON level)."""
  for value in doc["instances"].values():
    draw = rng.random()
    if draw < 0.15:
      value["forthcoming"] = True
    elif draw < 0.2 and value["disk_template"] != "drbd":
      value.update(disk_template="diskless", disks=[],
                   disk_space_total=0)
  return doc


def _Requests(cdata):
  drbd = [i for i in cdata.instances if i.disk_template == "drbd"]
  names = [i.name for i in cdata.instances[:6]]
  reqs = [R.AllocateRequest("new1", 2048, 20480, 2, "drbd"),
          R.AllocateRequest("new1", 1024, 0, 1, "diskless"),
          R.NodeEvacRequest(names, "all"),
          R.ChangeGroupRequest(names[:3]),
          R.MultiAllocateRequest([dict(R.AllocateRequest(
            "m%d" % i, 4096, 20480, 2, "drbd"), name="m%d" % i)
            for i in range(3)])]
  if drbd:
    reqs.append(R.RelocateRequest(drbd[0].name,
                                  [cdata.nodes[drbd[0].snode].name]))
  return reqs


@needs_upstream
@pytest.mark.parametrize("seed,hypervisor,forthcoming", [
  (1, "xen-pvm", False), (2, "kvm", True), (3, "xen-hvm", True),
  (4, "xen-pvm", True)])
def test_verbose_output_against_upstream(tmp_path, seed, hypervisor,
                                         forthcoming):
  rng = random.Random(seed)
  if seed % 2:
    cdata = TaggedCluster(seed, groups=2, nodes=8, insts=30)
  else:
    cdata = text.ParseData(gencluster.GenerateCluster(6, 24, seed=seed))
  for (num, req) in enumerate(_Requests(cdata)):
    doc = json.loads(R.BuildRequest(cdata, req, hypervisor=hypervisor))
    if forthcoming:
      doc = _Forthcoming(doc, rng)
    path = tmp_path / ("req%d.json" % num)
    path.write_text(json.dumps(doc, indent=1))
    args = ["-v", "-v", str(path)]
    assert RunHail(args) == RunUpstream(args), req


@needs_upstream
@pytest.mark.parametrize("name,seed", [("hail-alloc-drbd", 11),
                                       ("hail-node-evac", 12),
                                       ("hail-alloc-spindles", 15)])
def test_verbose_mutated_requests_against_upstream(tmp_path, name, seed):
  """Values of other types (negative spindles, floats, objects) in the
  shown request and model, and in the error messages."""
  with open(_Request(name)) as handle:
    base = json.load(handle)
  for (num, doc) in enumerate(_Mutations(base, seed, 25)):
    path = tmp_path / ("m%d.json" % num)
    path.write_text(json.dumps(doc))
    args = ["-v", "-v", str(path)]
    assert RunHail(args) == RunUpstream(args), doc


def _WithoutCallStack(result):
  """Upstream's answer without the Haskell runtime's call stack lines
  after an uncaught error (pyganeti prints only the error)."""
  lines = result["err"].splitlines(True)
  if any(line.startswith("CallStack (from HasCallStack):") for line in lines):
    lines = [line for line in lines
             if not line.startswith(("CallStack (from HasCallStack):",
                                     "  error, called at "))]
  return dict(result, err="".join(lines))


def _DataFiles():
  return sorted(f for f in os.listdir(htools_cases.DATA_DIR)
                if f.endswith(".data"))


@needs_upstream
@pytest.mark.parametrize("request_name", ["hail-alloc-drbd",
                                          "hail-reloc-drbd",
                                          "hail-node-evac",
                                          "hail-change-group"])
def test_text_clusters_against_upstream(request_name):
  """``-t FILE`` replaces the request's cluster: the shown model is the
  text backend's (no hypervisor), and requests naming instances or
  groups that cluster lacks die after the verbose and -p output."""
  req = os.path.join(htools_cases.DATA_DIR, request_name + ".json")
  for name in _DataFiles():
    args = ["-v", "-v", "-p", "-t",
            os.path.join(htools_cases.DATA_DIR, name), req]
    assert RunHail(args) == _WithoutCallStack(RunUpstream(args)), name


@needs_upstream
def test_peermap_field_against_upstream():
  hbal = os.path.join(htools_cases.UPSTREAM_BIN, "hbal")
  for name in _DataFiles():
    path = os.path.join(htools_cases.DATA_DIR, name)
    args = ["-t", path, "-pname,peermap", "--no-disk-moves"]
    up = subprocess.run([hbal] + args, capture_output=True, text=True,
                        cwd="/tmp")
    ours = subprocess.run([os.path.join(os.path.dirname(sys.executable),
                                        "hbal")] + args, capture_output=True, text=True,
                          cwd="/tmp")
    assert (ours.returncode, ours.stdout, ours.stderr) == \
      (up.returncode, up.stdout, up.stderr), name
