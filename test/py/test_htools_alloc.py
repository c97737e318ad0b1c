"""Unit tests of the htools allocation engine (ganeti.htools.alloc).

The placements and scores are checked against a straightforward
re-computation: every candidate built with Node.AddPri/AddSec and scored
with upstream's arithmetic (full recomputation for single nodes, the
statistics update for pairs), the best one chosen with upstream's tie
rule (the last candidate tried wins).
"""

import math
import os

import pytest

import htools_cases
from ganeti.htools import alloc
from ganeti.htools import alloc_iter
from ganeti.htools import alloc_n1
from ganeti.htools import gencluster
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import text
from ganeti.htools import types as T
from ganeti.htools.instance import Instance
from ganeti.htools.instance import NO_SECONDARY


def _Load(name=None, data=None):
  if data is None:
    data = open(os.path.join(htools_cases.DATA_DIR, name + ".data")).read()
  cdata = text.ParseData(data)
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  nodes = dict((n.idx, n) for n in cdata.nodes)
  insts = dict((i.idx, i) for i in cdata.instances)
  return (cdata, nodes, insts)


def _NewInst(mem, dsk, cpu, template, idx):
  inst = Instance("new", mem, dsk, cpu, T.ST_RUNNING, [], True, NO_SECONDARY,
                  NO_SECONDARY, template, disks=[dsk], total_spindles=1)
  inst.idx = idx
  return inst


def _UpdateStd(stat, x, x2):
  (n, s, var) = stat
  ds = x2 - x
  dss = x2 * x2 - x * x
  dnnvar = (n * dss - 2 * s * ds) - ds * ds
  var2 = var + dnnvar / (n * n)
  return (n, s + ds, var2 if 0.0 <= var2 else 0.0)


def _SlowPairScore(nodes, pdx, sdx, new_p, new_s):
  """upstream's updateClusterStatisticsTwice + compCVfromStats."""
  online = [n for n in nodes.values() if not n.offline]
  offline = [n for n in nodes.values() if n.offline]
  total = 0.0
  for (comp, kind) in enumerate(metrics.KINDS):
    rows = online if metrics.ONLINE[comp] else offline
    values = [metrics.NodeValues(n)[comp] for n in rows]
    if kind == metrics.STAT_MAP:
      value = metrics._MapValue(values)
      merged = {}
      for m in values:
        for (k, c) in m.items():
          merged[k] = merged.get(k, 0) + c
      for (old, new) in ((nodes[pdx], new_p), (nodes[sdx], new_s)):
        for (k, c) in metrics.NodeValues(old)[comp].items():
          merged[k] = merged.get(k, 0) - c
        for (k, c) in metrics.NodeValues(new)[comp].items():
          merged[k] = merged.get(k, 0) + c
      value = float(sum(merged.values()) - len(merged))
    elif not metrics.ONLINE[comp]:
      value = metrics.ComputeStats(list(nodes.values()))[comp]
    elif kind == metrics.STAT_SUM:
      s = 0.0
      for x in values:
        s += x
      for (old, new) in ((nodes[pdx], new_p), (nodes[sdx], new_s)):
        s = (s + metrics.NodeValues(new)[comp]) - metrics.NodeValues(old)[comp]
      value = s
    else:
      n = 0.0
      s = 0.0
      for x in values:
        n += 1.0
        s += x
      mean = s / n
      nvar = 0.0
      for x in values:
        nvar += (x - mean) * (x - mean)
      stat = (n, s, nvar / n)
      for (old, new) in ((nodes[pdx], new_p), (nodes[sdx], new_s)):
        stat = _UpdateStd(stat, metrics.NodeValues(old)[comp],
                          metrics.NodeValues(new)[comp])
      value = math.sqrt(stat[2])
    total += value * metrics.WEIGHTS[comp]
  return total


def _SlowTry(nodes, inst, targets):
  """(failure counts, successes, best (score, p, s)) by brute force."""
  fails = {}
  best = None
  ok = 0
  for (pdx, secs) in targets:
    for sdx in secs:
      tgt_p = nodes[pdx]
      tgt_s = nodes[sdx]
      fail = alloc.InstMatchesPolicy(inst, tgt_p.ipolicy, tgt_p.excl_storage)
      if fail is None:
        new_inst = inst.Copy()
        new_inst.location_score = len(tgt_p.location_tags &
                                      tgt_s.location_tags)
        try:
          new_p = tgt_p.AddPri(new_inst)
          new_s = tgt_s.AddSec(new_inst, pdx)
        except T.MoveFailure as err:
          fail = err.mode
      if fail is not None:
        fails[fail] = fails.get(fail, 0) + 1
        continue
      ok += 1
      score = _SlowPairScore(nodes, pdx, sdx, new_p, new_s)
      if best is None or score <= best[0]:
        best = (score, pdx, sdx)
  return (fails, ok, best)


def _Counts(failures):
  counts = {}
  for fail in failures:
    counts[fail] = counts.get(fail, 0) + 1
  return counts


@pytest.fixture(scope="module")
def generated():
  return _Load(data=gencluster.GenerateCluster(12, 60, seed=3))


def test_gen_alloc_nodes(generated):
  (cdata, nodes, _) = _Load("hspace-groups-two")
  single = alloc.GenAllocNodes(cdata.groups, nodes, 1, False)
  assert not single.pairs
  assert single.targets == [n.idx for n in nodes.values() if not n.offline]
  pairs = alloc.GenAllocNodes(cdata.groups, nodes, 2, False)
  assert pairs.pairs
  for (pdx, secs) in pairs.targets:
    assert pdx not in secs
    assert all(nodes[s].group == nodes[pdx].group for s in secs)
  with pytest.raises(alloc.AllocError):
    alloc.GenAllocNodes(cdata.groups, nodes, 3, False)
  restricted = alloc.GenAllocNodes(
    cdata.groups, nodes, 1, False,
    alloc.AllocOptions(restrict_to_nodes=[nodes[0].name]))
  assert restricted.targets == [0]


def test_empty_targets_raise():
  (_, nodes, insts) = _Load("hspace-tiered")
  inst = _NewInst(1024, 1024, 1, T.DT_PLAIN, len(insts))
  with pytest.raises(alloc.AllocError, match="No online nodes"):
    alloc.TryAlloc(alloc.AllocOptions(), nodes, insts, inst,
                   alloc.AllocNodes(False, []))
  with pytest.raises(alloc.AllocError, match="Not enough online nodes"):
    alloc.TryAlloc(alloc.AllocOptions(), nodes, insts, inst,
                   alloc.AllocNodes(True, []))


@pytest.mark.parametrize("mem", [512, 4096, 30000])
def test_pairs_equal_brute_force(generated, mem):
  (cdata, nodes, insts) = generated
  targets = alloc.GenAllocNodes(cdata.groups, nodes, 2, True)
  inst = _NewInst(mem, 20480, 2, T.DT_DRBD8, len(insts))
  sol = alloc.TryAlloc(alloc.AllocOptions(capacity=False), nodes, insts,
                       inst, targets)
  (fails, ok, best) = _SlowTry(nodes, inst, targets.targets)
  assert _Counts(sol.failures) == fails
  assert sol.allocs == ok
  elem = sol.solution
  assert (elem.score, elem.inst.pnode, elem.inst.snode) == best
  assert [n.idx for n in elem.new_nodes] == [best[1], best[2]]
  assert elem.nodes[best[1]].plist[0] == inst.idx
  assert elem.nodes[best[2]].slist[0] == inst.idx
  assert sol.log[0].startswith("score: %.8f, successes %d, failures %d"
                               % (best[0], ok, sum(fails.values())))


def test_singles_exact_scores(generated):
  (cdata, nodes, insts) = generated
  targets = alloc.GenAllocNodes(cdata.groups, nodes, 1, True)
  inst = _NewInst(2048, 10240, 1, T.DT_PLAIN, len(insts))
  sol = alloc.TryAlloc(alloc.AllocOptions(capacity=False), nodes, insts,
                       inst, targets)
  best = None
  for pdx in targets.targets:
    new = dict(nodes)
    new[pdx] = nodes[pdx].AddPri(inst)
    score = metrics.CompCV(list(new.values()))
    if best is None or score <= best[0]:
      best = (score, pdx)
  assert (sol.solution.score, sol.solution.inst.pnode) == best
  assert sol.solution.inst.snode == NO_SECONDARY
  assert sol.allocs == len(targets.targets)


def test_policy_failures_counted_per_pair(generated):
  (cdata, nodes, insts) = generated
  targets = alloc.GenAllocNodes(cdata.groups, nodes, 2, True)
  # above the policy's maximum memory: every pair fails on the policy
  inst = _NewInst(70000, 1024, 1, T.DT_DRBD8, len(insts))
  sol = alloc.TryAlloc(alloc.AllocOptions(), nodes, insts, inst, targets)
  npairs = sum(len(s) for (_, s) in targets.targets)
  assert sol.solution is None
  assert _Counts(sol.failures) == {T.FailMode.FailMem: npairs}
  assert alloc.DescribeSolution(sol) == (
    "No valid allocation solutions, failure reasons: FailMem: %d" % npairs)


def test_policy_check_order():
  pol = T.DefaultIPolicy()
  inst = _NewInst(64, 512, 100, T.DT_PLAIN, 0)
  assert alloc.InstMatchesPolicy(inst, pol, False) == T.FailMode.FailMem
  inst = _NewInst(128, 1024, 100, T.DT_PLAIN, 0)
  assert alloc.InstMatchesPolicy(inst, pol, False) == T.FailMode.FailCPU
  inst = _NewInst(128, 1024, 1, "unknown", 0)
  assert alloc.InstMatchesPolicy(inst, pol, False) == T.FailMode.FailDisk
  inst = _NewInst(128, 1024, 1, T.DT_PLAIN, 0)
  assert alloc.InstMatchesPolicy(inst, pol, False) is None


def test_capacity_check_drops_non_redundant():
  # hspace-tiered: the 4th maximal instance only fits on a node whose
  # failure would not be survivable; upstream counts it as FailN1
  (cdata, nodes, insts) = _Load("hspace-tiered")
  targets = alloc.GenAllocNodes(cdata.groups, nodes, 1, True)
  spec = cdata.ipolicy.minmax[0][1]
  inst = _NewInst(spec.mem_size, spec.disk_size, spec.cpu_count,
                  T.DT_PLAIN, len(insts))
  res = alloc_iter.IterateAlloc(alloc.AllocOptions(), nodes, insts, None,
                                inst, targets)
  assert len(res.placed) == 3
  assert dict(res.failstats)[T.FailMode.FailN1] == 1
  assert alloc_n1.Redundant(alloc.AllocOptions(), res.nodes, res.instances)
  plain = alloc_iter.IterateAlloc(alloc.AllocOptions(capacity=False), nodes,
                                  insts, None, inst, targets)
  assert len(plain.placed) == 4


def test_solution_description_and_sums():
  grp = loader.Group("default", "uuid", T.ALLOC_PREFERRED, None, [])
  sol = alloc.AllocSolution([T.FailMode.FailDisk], 0, None,
                            ["No valid allocation solutions, failure"
                             " reasons: FailDisk: 1"])
  assert alloc.SolutionDescription(grp, sol) == [
    "Group default (preferred): No valid allocation solutions, failure"
    " reasons: FailDisk: 1"]
  assert alloc.SolutionDescription(grp, "boom") == ["Group default: error"
                                                    " boom"]
  total = alloc.SumAllocs(sol, alloc.AllocSolution([T.FailMode.FailMem], 2))
  assert total.allocs == 2
  assert sorted(f.value for f in total.failures) == ["FailDisk", "FailMem"]
  counts = alloc.CollapseFailures(total.failures)
  assert [m for (m, _) in counts] == list(T.FailMode)


def test_allocator_reuse_matches_fresh(generated):
  (cdata, nodes, insts) = generated
  targets = alloc.GenAllocNodes(cdata.groups, nodes, 2, True)
  inst = _NewInst(1024, 10240, 1, T.DT_DRBD8, len(insts))
  opts = alloc.AllocOptions(capacity=False)
  res = alloc_iter.IterateAlloc(opts, nodes, insts, 15, inst, targets)
  assert len(res.placed) == 15
  # replay step by step with fresh engines: the same placements
  (cur_nodes, cur_insts) = (nodes, dict(insts))
  for placed in reversed(res.placed):
    step = inst.Copy()
    step.idx = len(cur_insts)
    sol = alloc.TryAlloc(opts, cur_nodes, cur_insts, step, targets)
    assert (sol.solution.inst.pnode, sol.solution.inst.snode) == \
      (placed.pnode, placed.snode)
    cur_nodes = sol.solution.nodes
    cur_insts[step.idx] = sol.solution.inst


def _Elements(nodes, insts, inst, pairs):
  """Every allocation element of ``inst`` the node checks allow."""
  force = False
  for pdx in nodes:
    for sdx in (list(nodes) if pairs else [NO_SECONDARY]):
      if sdx == pdx:
        continue
      new = inst.Copy()
      new.pnode = pdx
      new.snode = sdx
      try:
        new_p = nodes[pdx].AddPri(new, force=force)
        new_nodes = dict(nodes)
        new_nodes[pdx] = new_p
        changed = [new_p]
        if pairs:
          new_s = nodes[sdx].AddSec(new, pdx)
          new_nodes[sdx] = new_s
          changed.append(new_s)
      except T.MoveFailure:
        continue
      yield alloc.AllocElement(new_nodes, new, changed, 0.0)


_N1_CLUSTERS = ["hspace-tiered", "plain-n1-restriction",
                "shared-n1-restriction", "hroller-full", "hroller-online",
                "hsqueeze-mixed-instances", "multiple-tags",
                "unique-reboot-order", "hbal-dyn", "common-suffix"]


#: DRBD instances whose failovers need most of their secondary's memory:
#: a new primary there leaves no room for them
_TIGHT = """group-1|uuid-1|preferred||

node-a|8192|0|3192|409600|389120|8|M|uuid-1|1
node-b|8192|0|3692|409600|389120|8|N|uuid-1|1
node-c|8192|0|5192|409600|389120|8|N|uuid-1|1
node-d|8192|0|3192|409600|389120|8|N|uuid-1|1

i1|3000|10240|1|running|Y|node-a|node-b|drbd||1
i2|2000|10240|1|running|Y|node-a|node-c|drbd||1
i3|3500|10240|1|running|Y|node-b|node-d|drbd||1
i4|1000|10240|1|running|Y|node-b|node-a|drbd||1
i5|3000|10240|1|running|Y|node-c|node-a|drbd||1
i6|2000|10240|1|running|Y|node-d|node-c|drbd||1
i7|1000|10240|1|running|Y|node-d|node-b|drbd||1
i8|1000|10240|1|running|Y|node-d||plain||1


|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|drbd,plain,diskless|4.0|32.0
group-1|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|drbd,plain,diskless|4.0|32.0
"""


@pytest.mark.parametrize("source", _N1_CLUSTERS + ["tight"] +
                         ["mix-%d" % s for s in range(6)])
@pytest.mark.parametrize("template", [T.DT_DRBD8, T.DT_PLAIN,
                                      T.DT_DISKLESS])
def test_alloc_checker_equals_full_check(source, template):
  # the reuse of base outcomes (per failover group, per node with other
  # instances) must give the full redundancy check's answer for every
  # placement, with and without offline nodes counted
  import htools_mixcluster
  if source.startswith("mix-"):
    (_, nodes, insts) = _Load(data=htools_mixcluster.MixedCluster(
      int(source[4:])))
  elif source == "tight":
    (_, nodes, insts) = _Load(data=_TIGHT)
  else:
    (_, nodes, insts) = _Load(source)
  seen = set()
  for (mem, dsk) in ((128, 64), (512, 1024), (2048, 10240),
                     (6144, 102400)):
    inst = _NewInst(mem, dsk, 1, template, len(insts))
    for accept in (False, True):
      opts = alloc.AllocOptions(accept_existing=accept)
      checker = alloc_n1.AllocChecker(opts, nodes, insts)
      for elem in _Elements(nodes, insts, inst, template == T.DT_DRBD8):
        want = alloc_n1.Redundant(opts, alloc.ExtractNl(nodes, insts, elem),
                                  alloc.UpdateIl(insts, elem))
        assert checker(elem) == want, (source, mem, accept,
                                       elem.inst.pnode, elem.inst.snode)
        seen.add(want)
  # every cluster has placements the node checks allow
  assert seen
