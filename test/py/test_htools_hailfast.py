"""hail's fast paths give exactly what the careful ones give.

The request parser builds the instances of plainly well-formed entries
without its per-field checks (iallocator._QuickInstance), and
ganeti.htools.hail_model prepares the model in one pass instead of
loader.MergeData's per-instance node updates.  These tests parse every
upstream request and generated requests with tags of every htools kind
both ways and compare every slot of every node and instance.
"""

import contextlib
import io
import json
import math
import os
import random
import subprocess

import pytest

import htools_cases
from ganeti.htools import gencluster
from ganeti.htools import hail
from ganeti.htools import hail_model
from ganeti.htools import hail_n1
from ganeti.htools import hail_pairs
from ganeti.htools import hail_request as R
from ganeti.htools import hail_score
from ganeti.htools import iallocator as IA
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import scoring
from ganeti.htools import text
from ganeti.htools import types as T
from ganeti.htools.instance import Instance
from ganeti.htools.loader import Group

pytestmark = pytest.mark.unit


def _Careful(cdata, update_missing):
  loader.MergeData(cdata)
  return update_missing(cdata.nodes, cdata.instances)


def _Same(a, b, where):
  """Deep equality of model values (slots objects, containers, floats)."""
  if isinstance(a, float) and isinstance(b, float):
    assert (a == b) or (math.isnan(a) and math.isnan(b)), where
    return
  assert type(a) is type(b), where
  if isinstance(a, (list, tuple)):
    assert len(a) == len(b), where
    for (pos, (x, y)) in enumerate(zip(a, b)):
      _Same(x, y, "%s[%d]" % (where, pos))
  elif isinstance(a, dict):
    assert list(a) == list(b), where
    for key in a:
      _Same(a[key], b[key], "%s[%r]" % (where, key))
  elif hasattr(type(a), "__slots__"):
    for slot in type(a).__slots__:
      _Same(getattr(a, slot, None), getattr(b, slot, None),
            "%s.%s" % (where, slot))
  elif hasattr(a, "__dict__") and not isinstance(a, type):
    _Same(vars(a), vars(b), where)
  else:
    assert a == b, (where, a, b)


def _Parse(body):
  try:
    return IA.ParseRequest(body)
  except IA.RequestError as err:
    return str(err)


def _Compare(body, monkeypatch):
  fast = _Parse(body)
  with monkeypatch.context() as patch:
    patch.setattr(IA, "_QuickInstance", lambda *_: None)
    patch.setattr(hail_model, "PrepareRequestData", _Careful)
    careful = _Parse(body)
  if isinstance(fast, str) or isinstance(careful, str):
    assert fast == careful
    return
  (fwarn, freq) = fast
  (cwarn, creq) = careful
  assert fwarn == cwarn
  for what in ("nodes", "instances", "groups", "tags"):
    _Same(getattr(freq.cdata, what), getattr(creq.cdata, what), what)
  _Same(vars(freq), vars(creq), "request")


@pytest.mark.parametrize("name,path", htools_cases.RequestFiles())
def test_upstream_requests(name, path, monkeypatch):
  with open(path) as handle:
    _Compare(handle.read(), monkeypatch)


def TaggedCluster(seed, groups=2, nodes=12, insts=60):
  """A generated cluster with tags of every htools kind, dotted names,
  stopped and offline instances, offline nodes, several groups."""
  rng = random.Random(seed)
  cdata = text.ParseData(gencluster.GenerateCluster(nodes, insts, seed=seed))
  for gdx in range(1, groups):
    grp = Group("group%d" % gdx, "uuid-group-%d" % (gdx + 1), "preferred",
                cdata.groups[0].ipolicy, [], [])
    grp.idx = gdx
    cdata.groups.append(grp)
  cdata.tags = ["htools:iextags:service", "htools:nlocation:rack",
                "htools:desiredlocation:rack", "htools:migration:hv",
                "htools:allowmigration:hv:a::hv:b"]
  for node in cdata.nodes:
    node.name += ".example.com"
    node.group = node.idx * groups // nodes
    node.tags = ["rack:r%d" % rng.randrange(3), "hv:%s" % rng.choice("ab")]
    node.offline = rng.random() < 0.1
  for inst in cdata.instances:
    inst.name += ".example.com"
    inst.all_tags = rng.sample(["service:web", "service:db", "rack:r1",
                                "other"], rng.randrange(3))
    draw = rng.random()
    if draw < 0.15:
      (inst.disk_template, inst.snode) = ("plain", -1)
    elif draw < 0.25:
      (inst.disk_template, inst.snode) = ("sharedfile", -1)
    elif draw < 0.35:
      inst.run_st = "ADMIN_down"
    elif draw < 0.4:
      inst.run_st = "ADMIN_offline"
  return cdata


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tagged_generated_requests(seed, monkeypatch):
  cdata = TaggedCluster(seed)
  names = [i.name for i in cdata.instances[:5]]
  for req in (R.AllocateRequest("new1", 1024, 10240, 1, "drbd"),
              R.NodeEvacRequest(names, "all")):
    _Compare(R.BuildRequest(cdata, req), monkeypatch)


def test_odd_shapes_take_the_careful_path(monkeypatch):
  """Floats for ints, character lists for strings, spindles, NICs and
  forthcoming instances: the fast path hands them on, same result."""
  cdata = TaggedCluster(4, groups=1, nodes=6, insts=20)
  doc = json.loads(R.BuildRequest(cdata, R.NodeEvacRequest(
    [cdata.instances[0].name], "all")))
  insts = list(doc["instances"].values())
  insts[0]["memory"] = 1024.0
  insts[1]["tags"] = [["a", "b"]]
  insts[2]["disks"][0]["spindles"] = 2
  insts[3]["nics"] = [{"mac": "aa:00:00:00:00:01", "ip": None,
                       "mode": "bridged", "link": "br0", "network": "net1"}]
  insts[4]["admin_state"] = 7
  insts[5]["nodes"] = insts[5]["nodes"] + ["spare"]
  _Compare(json.dumps(doc), monkeypatch)
  insts[6]["forthcoming"] = True
  _Compare(json.dumps(doc), monkeypatch)


# Answers on bigger clusters, against upstream's binary ----------------------
UPSTREAM_HAIL = "/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail"
needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM_HAIL),
  reason="upstream hail (Debian ganeti-htools-3.0) not installed")


def _Run(args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = hail.Main(args)
  return (code, out.getvalue(), err.getvalue())


def _Upstream(args):
  res = subprocess.run([UPSTREAM_HAIL] + args, capture_output=True,
                       text=True, cwd="/tmp")
  return (res.returncode, res.stdout, res.stderr)


def _BigRequests():
  """Requests where many placements succeed (free clusters, capacity
  checks off) or compete on location and exclusion tags."""
  plain = text.ParseData(gencluster.GenerateCluster(30, 120, seed=5))
  fuller = text.ParseData(gencluster.GenerateCluster(30, 200, seed=5))
  tagged = TaggedCluster(6, groups=2, nodes=24, insts=100)
  names = [i.name for i in plain.instances[:6]]
  tnames = [i.name for i in tagged.instances if i.disk_template == "drbd"][:6]
  return [
    (plain, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")),
    (plain, R.AllocateRequest("new1", 4096, 51200, 2, "plain")),
    (plain, R.NodeEvacRequest(names, "secondary-only")),
    (plain, R.NodeEvacRequest(names[:3], "all")),
    (fuller, R.AllocateRequest("new1", 30000, 10240, 1, "drbd")),
    (fuller, R.NodeEvacRequest(names, "secondary-only")),
    # both nodes change: every pair of targets, where many fail
    (fuller, R.NodeEvacRequest(names[:4], "all")),
    (tagged, R.NodeEvacRequest(tnames[:3], "all")),
    (tagged, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")),
    (tagged, dict(R.AllocateRequest("new1", 1024, 10240, 1, "drbd"),
                  tags=["service:web", "rack:r1"])),
    (tagged, R.NodeEvacRequest(tnames, "secondary-only")),
    (tagged, R.MultiAllocateRequest([dict(R.AllocateRequest(
      "m%d" % i, 2048, 10240, 1, "drbd"), name="m%d" % i)
      for i in range(3)])),
  ]


@needs_upstream
@pytest.mark.parametrize("args", [[], ["--no-capacity-checks"]])
def test_bigger_clusters_against_upstream(tmp_path, args):
  for (num, (cdata, req)) in enumerate(_BigRequests()):
    path = tmp_path / ("req%d.json" % num)
    path.write_text(R.BuildRequest(cdata, req))
    assert _Run(args + [str(path)]) == _Upstream(args + [str(path)]), req


# The secondary's checks of hail_pairs -----------------------------------------
def _AddSecVerdict(node, inst, pdx):
  try:
    node.AddSec(inst, pdx)
  except T.MoveFailure as err:
    return err.mode
  return None


def _Probes(nodes, pdx):
  """Instances at the edges of the nodes' checks (memory, disk, spindles)."""
  mems = set([128, 1024])
  dsks = set([1024, 10240])
  for node in nodes:
    old = node.UnallocatedMem()
    peem = node.peers.get(pdx, 0)
    for mem in (old, old - 1, old - peem, old - peem - 1, old - peem + 1,
                node.f_mem_forth, node.f_mem_forth - 1, node.r_mem - peem):
      if mem > 0:
        mems.add(mem)
    for dsk in (node.f_dsk, node.f_dsk - 1, node.f_dsk - node.lo_dsk,
                node.f_dsk - node.lo_dsk + 1, node.f_dsk_forth):
      if dsk > 0:
        dsks.add(dsk)
  shapes = [("drbd", 1, T.ST_RUNNING), ("drbd", 40, T.ST_ADMIN_OFFLINE),
            ("plain", 1, T.ST_RUNNING)]
  for node in nodes:
    room = int(node.hi_spindles - node.inst_spindles)
    shapes.extend(("drbd", sp, T.ST_RUNNING) for sp in (room, room + 1)
                  if sp > 0)
  for (tmpl, spindles, state) in shapes:
    for mem in sorted(mems) if spindles == 1 else (128,):
      for dsk in sorted(dsks) if spindles == 1 else (1024,):
        yield Instance("probe", mem, dsk, 1, state, [], True, pdx, -1, tmpl,
                       spindle_use=spindles)


@pytest.mark.parametrize("seed", [1, 2])
def test_secondary_checks_equal_addsec(seed):
  cdata = TaggedCluster(seed, groups=1, nodes=8, insts=40)
  (_, req) = IA.ParseRequest(R.BuildRequest(
    cdata, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")))
  nodes = req.cdata.nodes
  nodes[1].lo_dsk = nodes[1].f_dsk // 2
  nodes[2].fail_n1 = not nodes[2].fail_n1
  nodes[3].excl_storage = True
  nodes[3].f_spindles = 1
  # states the loader does not produce, to tell the checks apart
  nodes[5].fail_n1 = True
  nodes[5].f_mem_forth = nodes[5].UnallocatedMem() + 1000
  nodes[6].fail_n1 = False
  nodes[6].r_mem = nodes[6].UnallocatedMem() + 100
  nodes[7].f_dsk_forth = nodes[7].f_dsk - 5000
  checked = 0
  fits = 0
  for pdx in (0, 4):
    for inst in _Probes(nodes, pdx):
      fit = hail_pairs.SecFit(nodes, inst)
      for node in nodes:
        if node.idx != pdx:
          verdict = fit.Fail(node.idx, pdx)
          assert verdict == _AddSecVerdict(node, inst, pdx), \
            (node.name, inst.mem, inst.dsk)
          if verdict is None:
            _Same(fit.Values(node.idx, pdx),
                  metrics.NodeValues(node.AddSec(inst, pdx)), node.name)
            fits += 1
          checked += 1
  assert checked > 1000 and fits > 100


# Derived scorers (hail_score) -------------------------------------------------
def test_derived_scorers_score_as_fresh_ones():
  cdata = TaggedCluster(7, groups=1, nodes=10, insts=50)
  (_, req) = IA.ParseRequest(R.BuildRequest(
    cdata, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")))
  (nodes, insts) = (req.cdata.nodes, req.cdata.instances)
  rng = random.Random(7)
  view = dict((n.idx, n) for n in nodes)
  cache = hail_score.ScorerCache()
  cache.Get(0, view)
  derived_seen = 0
  one_seen = 0
  for _ in range(30):
    # a state a few moves away: instances removed from their primaries
    new_view = dict(view)
    for inst in rng.sample(insts, 2):
      node = new_view[inst.pnode]
      if inst.idx in node.plist:
        new_view[inst.pnode] = node.RemovePri(inst)
    derived = cache.Get(0, new_view)
    fresh = scoring.Scorer(new_view)
    if type(derived) is not scoring.Scorer:
      derived_seen += 1
    assert derived.exact_stats == fresh.exact_stats
    assert derived.map_value == fresh.map_value
    assert derived.score == fresh.score
    probe = rng.choice(insts)
    target = rng.choice([n for n in nodes if not n.offline])
    try:
      changed = {target.idx: new_view[target.idx].AddPri(probe, force=True)}
    except T.MoveFailure:
      continue
    assert abs(derived.Score(changed) - fresh.Score(changed)) < 1e-11
    values = metrics.NodeValues(changed[target.idx])
    # None: a tag-pair map changed, the caller scores the node itself
    one = [hail_score.ScoreOne(derived, target.idx, values)]
    for varying in ((), (2, 3, 19)):
      one.append(hail_score.OneNodeScores(derived, varying, {}).Score(
        target.idx, values))
    if one[0] is not None:
      one_seen += 1
    for score in one:
      assert score is None or abs(score - fresh.Score(changed)) < 1e-11
    assert derived.ExactScore(changed) == fresh.ExactScore(changed)
    view = new_view
  assert derived_seen > 10 and one_seen > 5


# The global N+1 checks with cached failovers (hail_n1.Checker) ---------------
def test_cached_failovers_equal_fresh_ones():
  """Both sides of every failover, on nodes with full disks, offline
  nodes and migration tags among them."""
  cdata = TaggedCluster(8, groups=1, nodes=10, insts=60)
  (_, req) = IA.ParseRequest(R.BuildRequest(
    cdata, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")))
  (nodes, insts) = (req.cdata.nodes, req.cdata.instances)
  nodes[0].f_dsk = 0
  nodes[1].offline = True
  nodes[2].mig_tags = frozenset(["hv:x"])
  view = dict((n.idx, n) for n in nodes)
  cache = {}
  outcomes = set()
  for inst in insts:
    if inst.disk_template != "drbd":
      continue
    for _ in range(2):
      # twice: computed, then from the cache
      fresh = hail_n1._Failover(view, inst)
      cached = hail_n1._CachedFailover(view, inst, cache)
      assert (fresh is None) == (cached is None), inst.name
      if fresh is not None:
        _Same(fresh[0], cached[0], inst.name)
      outcomes.add(fresh is None)
  assert outcomes == set([True, False])


@pytest.mark.parametrize("seed,full", [(3, False), (4, False), (3, True)])
def test_cached_redundancy_checks_equal_fresh_ones(seed, full):
  cdata = text.ParseData(gencluster.GenerateCluster(12, 90, seed=seed))
  (_, req) = IA.ParseRequest(R.BuildRequest(
    cdata, R.AllocateRequest("new1", 1024, 10240, 1, "drbd")))
  (nodes, insts) = (req.cdata.nodes, req.cdata.instances)
  # a node whose primaries cannot fail over: its disk is full
  if full:
    nodes[insts[0].pnode].f_dsk = 0
  view = dict((n.idx, n) for n in nodes)
  checker = hail_n1.Checker(view, insts)
  rng = random.Random(seed)
  verdicts = set()
  for _ in range(40):
    mem = rng.choice([512, 4096, 16384, 30000, 50000])
    new = Instance("new1", mem, 10240, 1, T.ST_RUNNING, [], True, 0, 0,
                   "drbd")
    new.idx = len(insts)
    (pdx, sdx) = rng.sample(range(len(nodes)), 2)
    (new.pnode, new.snode) = (pdx, sdx)
    try:
      changed = {pdx: view[pdx].AddPri(new, force=True),
                 sdx: view[sdx].AddSec(new, pdx, force=True)}
    except T.MoveFailure:
      continue
    state = dict(view)
    state.update(changed)
    with_new = insts + [new]
    fresh = hail_n1.Redundant(state, with_new)
    assert checker.Redundant(lambda: state, with_new, changed) == fresh
    verdicts.add(fresh)
  assert verdicts == (set([False]) if full else set([True, False]))
