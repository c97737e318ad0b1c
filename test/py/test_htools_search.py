"""The array code of the balancer's search against its per-object code.

The search (ganeti.htools.search) computes the own and target parts of
plain DRBD moves with numpy (vown, vtargets via searchvec) and scores
slots lazily (lazyscore).  These tests compare the array results with
the per-object Node code slot by slot, on upstream's test clusters and on
generated ones with offline nodes and instances, and check that the
on-demand mode of big searches takes the same moves as the plain search.
"""

import numpy
import pytest

import htools_cases
from ganeti.htools import balance
from ganeti.htools import gencluster
from ganeti.htools import loader
from ganeti.htools import search
from ganeti.htools import searchvec
from ganeti.htools import text
from ganeti.htools import vtargets


def _Table(data):
  cdata = text.ParseData(data)
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  return balance.InitialTable(cdata.nodes, cdata.instances)


def _Mixed(seed):
  """A generated cluster with an offline node, offline and down instances
  and nearly full nodes (N+1 failures, failing capacity checks)."""
  data = gencluster.GenerateCluster(8, 70, seed=seed)
  lines = data.split("\n")
  out = []
  for line in lines:
    fields = line.split("|")
    if line.startswith("node-005|"):
      fields[7] = "Y"
    elif line.startswith("node-002|"):
      fields[3] = "3000"
    elif line.startswith("inst-") and len(fields) > 4:
      num = int(fields[0][5:])
      if num % 7 == 3:
        fields[4] = "ADMIN_offline"
      elif num % 11 == 5:
        fields[4] = "ADMIN_down"
    out.append("|".join(fields))
  return "\n".join(out)


def _PerObject(opts, table, monkeypatch):
  with monkeypatch.context() as patch:
    patch.setattr(vtargets, "ClusterEligible", lambda nodes: False)
    srch = search.Search(opts, table)
  assert not srch.vec
  return srch


def _Compare(opts, table, monkeypatch, store_limit=None):
  """Both searches on ``table``: validity, exactness and deltas agree."""
  if store_limit is not None:
    monkeypatch.setattr(searchvec, "STORE_LIMIT", store_limit)
  fast = search.Search(opts, table)
  if not fast.vec:
    return 0
  slow = _PerObject(opts, table, monkeypatch)
  fast._SetTable(table, frozenset())
  slow._SetTable(table, frozenset())
  assert (fast.c_valid == slow.c_valid).all()
  both = fast.c_valid & slow.c_valid
  assert (fast.c_exact[both] == slow.c_exact[both]).all()
  use = numpy.nonzero(both & ~slow.c_exact)[0]
  (fd1, fdsq) = fast.Deltas(use)
  (sd1, sdsq) = slow.Deltas(use)
  assert numpy.allclose(fd1, sd1, rtol=0, atol=1e-12)
  assert numpy.allclose(fdsq, sdsq, rtol=0, atol=1e-12)
  return len(use)


def test_array_parts_match_node_code_on_upstream_clusters(monkeypatch):
  compared = 0
  for (_, path) in htools_cases.DataFiles():
    try:
      with open(path) as handle:
        table = _Table(handle.read())
    except (loader.LoaderError, ValueError):
      continue
    for force in (False, True):
      opts = balance.Options(ignore_soft_errors=force)
      compared += _Compare(opts, table, monkeypatch)
  assert compared > 100


@pytest.mark.parametrize("seed,force,store_limit", [
  (1, False, None), (2, True, None), (3, False, 0)])
def test_array_parts_match_node_code_while_balancing(monkeypatch, seed,
                                                     force, store_limit):
  opts = balance.Options(ignore_soft_errors=force)
  table = _Table(_Mixed(seed))
  checked = 0
  for _ in range(4):
    checked += _Compare(opts, table, monkeypatch, store_limit)
    new = balance.TryBalance(opts, table)
    if new is None:
      break
    table = new
  assert checked > 500


def test_on_demand_search_equals_plain_search(monkeypatch):
  """Big searches recompute target parts when scoring: same moves."""
  monkeypatch.setattr(searchvec, "STORE_LIMIT", 0)
  data = _Mixed(4)
  opts = balance.Options()
  fast = balance.Iterate(opts, _Table(data), 15, 1e-9)
  slow = balance.Iterate(opts, _Table(data), 15, 1e-9, incremental=False)
  assert len(fast.placements) > 3
  assert [(p.idx, p.pnode, p.snode, p.move) for p in fast.placements] == \
    [(p.idx, p.pnode, p.snode, p.move) for p in slow.placements]
  assert fast.score == slow.score


def test_lazy_bounds_hold_on_generated_cluster():
  """Every slot's lazy lower bound stays below its true fast score."""
  table = _Table(gencluster.GenerateCluster(12, 90, seed=9))
  opts = balance.Options()
  srch = search.Search(opts, table)
  changed = frozenset()
  checked = 0
  for _ in range(12):
    new = balance._FastStep(opts, table, srch, changed)
    lazy = srch.lazy
    if not lazy.full_next:
      stats = srch._Stats()
      scorable = numpy.nonzero(srch.c_valid & ~srch.c_exact)[0]
      (fast, _, _) = srch._EvalSlots(stats, scorable)
      rel = fast - srch._BaseScore(stats)
      bound = lazy.CurrentAt(scorable)
      assert (bound <= rel + 1e-12).all()
      checked += len(scorable)
    if new is None:
      break
    (table, changed) = (new, new.changed)
  assert checked > 0
