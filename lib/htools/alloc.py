"""The allocation engine of the htools: placing new instances.

Shared by ``hail`` (one instance per request) and ``hspace`` (as many as
fit, :mod:`ganeti.htools.alloc_iter`).  The semantics are those of
Ganeti 3.0's htools (``Cluster.genAllocNodes``/``tryAlloc``).

Contract
========

Node and instance containers are dicts ``{index: object}`` in index
order (a "Container"); they may hold a part of the cluster (one group).

:func:`GenAllocNodes` ``(groups, nodes, count, drop_unalloc, opts=None)``
  The allocation targets (:class:`AllocNodes`): for ``count`` 1 the
  online nodes (``targets`` is a list of indices), for 2 every online
  node with the online nodes of its group as secondaries (``targets``
  is a list of ``(primary, [secondaries])``, primaries without any
  secondary dropped).  ``drop_unalloc`` leaves out the nodes of
  unallocable groups; ``opts.restrict_to_nodes`` (names) restricts the
  nodes.  Other counts raise :class:`AllocError`.

:func:`TryAlloc` ``(opts, nodes, instances, inst, alloc_nodes)``
  Tries every target: the instance policy of the (primary) node, then
  ``AddPri`` (soft checks skipped with ``opts.ignore_soft_errors``) and,
  for pairs, ``AddSec`` on the secondary; every failure is recorded.
  The successful placements are ranked by the cluster score of the
  resulting cluster (for pairs computed as upstream does, by updating
  the cluster statistics with the two changed nodes; for single nodes
  by recomputing them); the lowest score wins, ties go to the placement
  tried last.  With ``opts.capacity`` the winner must also leave the
  cluster globally N+1 redundant (:mod:`ganeti.htools.alloc_n1`):
  better-scored placements that do not are counted as ``FailN1``
  failures (per primary node for pairs, as upstream).  Returns an
  :class:`AllocSolution`, annotated with :func:`DescribeSolution`;
  raises :class:`AllocError` without targets.

:class:`AllocSolution`
  ``failures`` (list of :class:`~ganeti.htools.types.FailMode`),
  ``allocs`` (count of successful placements), ``solution`` (``None``
  or an :class:`AllocElement`: ``nodes`` the whole new node container,
  ``inst`` the placed instance (``pnode``/``snode`` set, ``idx`` as
  given), ``new_nodes`` the changed nodes (primary first) and
  ``score``) and ``log`` (messages, newest first).

:func:`CollapseFailures`, :func:`DescribeSolution`,
:func:`AnnotateSolution`, :func:`SolutionDescription`,
:func:`SumAllocs`, :func:`UpdateIl`, :func:`ExtractNl`
  Upstream's helpers of the same names (failure statistics in FailMode
  order, the "score: ..., successes N, failures M (...) for node(s)
  a/b" text, "Group NAME (POLICY): ..." lines, combining per-group
  solutions, applying a solution to the containers).

:func:`InstMatchesPolicy` ``(inst, ipol, excl_storage)``
  ``None`` or the FailMode of upstream's ``instMatchesPolicy``.

Speed: the scores of all candidate placements of one call are computed
with numpy in one pass over arrays of node values (the arithmetic per
candidate is upstream's, operation for operation, so the results are
bit-identical); ``AddPri``/``AddSec`` results are cached per node state
by :class:`Allocator`, which the iterative allocation keeps across
calls so that only the nodes changed by the last placement cost Python
work.
"""

import math

import numpy as np

from ganeti.htools import instance
from ganeti.htools import metrics
from ganeti.htools import types as T
from ganeti.htools.instance import NO_SECONDARY


class AllocError(Exception):
  """Allocation cannot be attempted (no targets, bad node count)."""


class AllocOptions:
  """The algorithm options the allocation uses (upstream's names).

  ``capacity``: check global N+1 redundancy (off with
  ``--no-capacity-checks``); ``accept_existing``: only online nodes must
  be evacuable; ``capacity_ignore_groups``: group indices not checked;
  ``restrict_to_nodes``: node names allocation may use (None: all).
  """

  def __init__(self, ignore_soft_errors=False, capacity=True,
               accept_existing=False, capacity_ignore_groups=(),
               restrict_to_nodes=None):
    self.ignore_soft_errors = ignore_soft_errors
    self.capacity = capacity
    self.accept_existing = accept_existing
    self.capacity_ignore_groups = tuple(capacity_ignore_groups)
    self.restrict_to_nodes = restrict_to_nodes

  def Copy(self, **kwargs):
    new = AllocOptions(self.ignore_soft_errors, self.capacity,
                       self.accept_existing, self.capacity_ignore_groups,
                       self.restrict_to_nodes)
    for (key, value) in kwargs.items():
      setattr(new, key, value)
    return new


class AllocNodes:
  """Allocation targets: single nodes or (primary, [secondaries])."""

  def __init__(self, pairs, targets):
    self.pairs = pairs
    self.targets = targets

  def __repr__(self):
    if self.pairs:
      return "Right [%s]" % ",".join(
        "(%d,[%s])" % (p, ",".join(str(s) for s in ss))
        for (p, ss) in self.targets)
    return "Left [%s]" % ",".join(str(n) for n in self.targets)


class AllocElement:
  __slots__ = ("nodes", "inst", "new_nodes", "score")

  def __init__(self, nodes, inst, new_nodes, score):
    self.nodes = nodes
    self.inst = inst
    self.new_nodes = new_nodes
    self.score = score


class AllocSolution:
  """Failures, number of successes, the best element and log lines; an
  annotated solution describes itself first in ``log`` (built when
  read: most solutions of a capacity search are never shown)."""

  def __init__(self, failures=None, allocs=0, solution=None, log=None):
    self.failures = failures if failures is not None else []
    self.allocs = allocs
    self.solution = solution
    self._log = log if log is not None else []
    self._describe = False

  @property
  def log(self):
    if self._describe:
      self._describe = False
      self._log = [DescribeSolution(self)] + self._log
    return self._log

  @log.setter
  def log(self, value):
    self._describe = False
    self._log = value


FAIL_MODES = list(T.FailMode)
_FAIL_CODE = dict((mode, num + 1) for (num, mode) in enumerate(FAIL_MODES))


# Solutions ---------------------------------------------------------------
def CollapseFailures(failures):
  """[(FailMode, count)] for every FailMode, in FailMode order."""
  # list.count compares by identity first (C speed; FailMode members are
  # singletons): far cheaper than hashing every entry
  return [(mode, failures.count(mode)) for mode in FAIL_MODES]


def DescribeSolution(sol, fmt=metrics.Format8):
  fcnt = sol.failures
  reasons = ", ".join("%s: %d" % (mode.value, cnt)
                      for (mode, cnt) in CollapseFailures(fcnt) if cnt > 0)
  if sol.solution is None:
    return ("No valid allocation solutions, failure reasons: " +
            (reasons if fcnt else "unknown reasons"))
  elem = sol.solution
  return ("score: %s, successes %d, failures %d (%s) for node(s) %s" %
          (fmt(elem.score), sol.allocs, len(fcnt), reasons,
           "/".join(n.name for n in elem.new_nodes)))


def AnnotateSolution(sol):
  """Put the solution's description in front of its log (lazily)."""
  if sol._describe:
    sol.log  # noqa: B018 (describe the earlier state first)
  sol._describe = True
  return sol


def SolutionDescription(group, result):
  """Lines for a group's result (an AllocSolution or an error string)."""
  if isinstance(result, AllocSolution):
    return ["Group %s (%s): %s" % (group.name, group.alloc_policy, msg)
            for msg in result.log]
  return ["Group %s: error %s" % (group.name, result)]


def _Better(a, b):
  """upstream's bestAllocElement: b unless a is strictly better."""
  if a is None:
    return b
  if b is None:
    return a
  return a if a.score < b.score else b


def SumAllocs(a, b):
  return AllocSolution(b.failures + a.failures, a.allocs + b.allocs,
                       _Better(a.solution, b.solution), b.log + a.log)


def UpdateIl(instances, elem):
  """The instance container with the placed instance added at the end."""
  if elem is None:
    return instances
  new = dict(instances)
  new[len(instances)] = elem.inst
  return new


def ExtractNl(nodes, instances, elem):
  """The node container of a solution, negative instance indices fixed."""
  if elem is None:
    return nodes
  new_idx = len(instances)
  result = elem.nodes
  fixed = None
  for node in elem.new_nodes:
    cur = result[node.idx]
    if any(i < 0 for i in cur.plist + cur.slist):
      if fixed is None:
        fixed = dict(result)
      cur = cur.Copy()
      cur.plist = tuple(new_idx if i < 0 else i for i in cur.plist)
      cur.slist = tuple(new_idx if i < 0 else i for i in cur.slist)
      cur.plist_forth = tuple(new_idx if i < 0 else i
                              for i in cur.plist_forth)
      cur.slist_forth = tuple(new_idx if i < 0 else i
                              for i in cur.slist_forth)
      fixed[node.idx] = cur
  return fixed if fixed is not None else result


# Policy ------------------------------------------------------------------
#: upstream's instMatchesPolicy (shared with the instances' own check)
InstMatchesPolicy = instance.MatchesPolicy


# Targets -----------------------------------------------------------------
def GenAllocNodes(groups, nodes, count, drop_unalloc, opts=None):
  """The allocation targets (see the module docstring)."""
  all_nodes = [n for n in nodes.values() if not n.offline]
  if drop_unalloc:
    all_nodes = [n for n in all_nodes if groups[n.group].IsAllocable()]
  restrict = opts.restrict_to_nodes if opts is not None else None
  if restrict is not None:
    all_nodes = [n for n in all_nodes if n.name in restrict]
  if count == 1:
    return AllocNodes(False, [n.idx for n in all_nodes])
  if count == 2:
    pairs = []
    for p in all_nodes:
      secs = [s.idx for s in all_nodes
              if s.idx != p.idx and s.group == p.group]
      if secs:
        pairs.append((p.idx, secs))
    return AllocNodes(True, pairs)
  raise AllocError("Unsupported number of nodes, only one or two  supported")


# Scoring -----------------------------------------------------------------
_NCOMP = metrics.COUNT
_MAP = metrics.MAP_INDEX
_NUM = [c for c in range(_NCOMP) if c != _MAP]
_ONLINE_NUM = [k for (k, c) in enumerate(_NUM) if metrics.ONLINE[c]]
_STD_NUM = np.array([metrics.KINDS[c] == metrics.STAT_STDDEV for c in _NUM])
_W = metrics.WEIGHTS


def _NumValues(values):
  return [values[c] for c in _NUM]


class _BaseStats:
  """Upstream's cluster statistics of a node container, as arrays."""

  def __init__(self, offline, rows, maps):
    self.offline = offline
    online_rows = [r for (off, r) in zip(offline, rows) if not off]
    offline_rows = [r for (off, r) in zip(offline, rows) if off]
    self.empty = not online_rows
    ncols = len(_NUM)
    self.n = np.zeros(ncols)
    self.s = np.zeros(ncols)
    self.var = np.zeros(ncols)
    self.value = np.zeros(ncols)
    with np.errstate(all="ignore"):
      for (k, comp) in enumerate(_NUM):
        column = [r[k] for r in (online_rows if metrics.ONLINE[comp]
                                 else offline_rows)]
        count = 0.0
        total = 0.0
        for x in column:
          count += 1.0
          total += x
        self.n[k] = count
        self.s[k] = total
        if _STD_NUM[k]:
          mean = total / count if count else math.nan
          nvar = 0.0
          for x in column:
            d = x - mean
            nvar += d * d
          var = nvar / count if count else math.nan
          self.var[k] = var
          self.value[k] = math.sqrt(var) if not var < 0 else math.nan
        else:
          self.value[k] = total
    merged = {}
    for (off, m) in zip(offline, maps):
      if off:
        continue
      for (key, cnt) in m.items():
        merged[key] = merged.get(key, 0) + cnt
    self.map = merged
    self.map_value = float(sum(merged.values()) - len(merged))

  def MapUpdated(self, old, new):
    """The location exclusion value after replacing map old by new."""
    if old is new or old == new:
      return self.map_value
    merged = dict(self.map)
    for (key, cnt) in old.items():
      merged[key] = merged.get(key, 0) - cnt
    for (key, cnt) in new.items():
      merged[key] = merged.get(key, 0) + cnt
    return float(sum(merged.values()) - len(merged))


def _UpdateStd(n, s, var, x, x2):
  """upstream's StdDevStat update, elementwise."""
  ds = x2 - x
  dss = x2 * x2 - x * x
  dnnvar = (n * dss - 2 * s * ds) - ds * ds
  s2 = s + ds
  var2 = var + dnnvar / (n * n)
  var2 = np.where(0.0 <= var2, var2, 0.0)
  return (s2, var2)


def _PairScores(base, xp, xp2, xs, xs2, mapvals):
  """Scores after updating the statistics with p->p2 then s->s2 (rows)."""
  with np.errstate(all="ignore"):
    n = base.n
    std = _STD_NUM
    (s1, v1) = _UpdateStd(n, base.s, base.var, xp, xp2)
    sum1 = (base.s + xp2) - xp
    s1 = np.where(std, s1, sum1)
    (s2, v2) = _UpdateStd(n, s1, v1, xs, xs2)
    sum2 = (s1 + xs2) - xs
    values = np.where(std, np.sqrt(v2), sum2)
    online = np.array([metrics.ONLINE[c] for c in _NUM])
    values = np.where(online, values, base.value)
    # sum in component order, the map component at its place
    total = np.zeros(values.shape[0])
    for comp in range(_NCOMP):
      if comp == _MAP:
        total = total + mapvals * _W[comp]
      else:
        total = total + values[:, _NUM.index(comp)] * _W[comp]
  return total


def _SingleScores(base, positions, new_rows, mapvals):
  """Exact scores with the node at each position replaced by a new row.

  ``base`` rows are the current values (N x C); the statistics are
  recomputed sequentially as upstream's compCV does.
  """
  rows = base.rows
  offline = base.offline
  online_pos = [k for (k, off) in enumerate(offline) if not off]
  offline_pos = [k for (k, off) in enumerate(offline) if off]
  ncand = len(positions)
  pos_arr = np.array(positions)
  values = np.tile(base.value, (ncand, 1))
  with np.errstate(all="ignore"):
    for (group_pos, online_flag) in ((online_pos, True),
                                     (offline_pos, False)):
      cols = [k for (k, c) in enumerate(_NUM)
              if metrics.ONLINE[c] == online_flag]
      if not cols or not group_pos:
        continue
      cols = np.array(cols)
      new_sub = new_rows[:, cols]
      count = float(len(group_pos))
      total = np.zeros((ncand, len(cols)))
      col_rows = []
      for k in group_pos:
        row = np.where((pos_arr == k)[:, None], new_sub, rows[k, cols])
        col_rows.append(row)
        total = total + row
      mean = total / count
      nvar = np.zeros((ncand, len(cols)))
      for row in col_rows:
        d = row - mean
        nvar = nvar + d * d
      std = np.sqrt(nvar / count)
      values[:, cols] = np.where(_STD_NUM[cols], std, total)
    result = np.zeros(ncand)
    for comp in range(_NCOMP):
      if comp == _MAP:
        result = result + mapvals * _W[comp]
      else:
        result = result + values[:, _NUM.index(comp)] * _W[comp]
  if base.empty:
    result = np.zeros(ncand)
  return result


# The allocator -------------------------------------------------------------
def _InstKey(inst):
  return (inst.mem, inst.dsk, tuple(inst.disks), inst.vcpus, inst.run_st,
          inst.disk_template, inst.spindle_use, tuple(inst.excl_tags),
          inst.dsrd_loc_tags, inst.total_spindles, inst.forthcoming,
          inst.auto_balance, inst.util.cpu, inst.util.mem, inst.util.dsk,
          inst.util.net, inst.location_score)


class Allocator:
  """Allocation of instances on a container of nodes, with caches.

  The caches hold, per node object, the node's score values and the
  results of adding the current instance spec as primary or secondary;
  they stay valid as long as the node object in the container is the
  same one, so an iterative allocation only pays for changed nodes.
  """

  def __init__(self, opts):
    self.opts = opts
    self._inst_key = None
    self._n1 = None
    self._base = None
    self._policy = {}
    self._values = {}
    self._pri = {}
    self._sec = {}

  def _N1Checker(self, nodes, instances):
    """The global N+1 predicate on this base state (kept while the
    containers are the same objects: a walk over instance sizes on one
    state reuses the nodes' evacuation outcomes)."""
    cached = self._n1
    if cached is not None and cached[0] is nodes and cached[1] is instances:
      return cached[2]
    from ganeti.htools import alloc_n1
    checker = alloc_n1.AllocChecker(self.opts, nodes, instances)
    self._n1 = (nodes, instances, checker)
    return checker

  def _Reset(self, inst):
    key = _InstKey(inst)
    if key != self._inst_key:
      self._inst_key = key
      self._pri = {}
      self._sec = {}
      self._policy = {}

  def _NodeValues(self, node):
    entry = self._values.get(node.idx)
    if entry is not None and entry[0] is node:
      return entry[1]
    values = metrics.NodeValues(node)
    self._values[node.idx] = (node, values)
    return values

  def _Base(self, nodes):
    """The statistics of ``nodes``, kept while the container holds the
    same node objects (a walk over instance sizes on one state)."""
    cached = self._base
    if cached is not None and cached[0] is nodes and \
       len(cached[1]) == len(nodes) and \
       all(a is b for (a, b) in zip(cached[1], nodes.values())):
      return cached[2]
    base = self._NewBase(nodes)
    self._base = (nodes, list(nodes.values()), base)
    return base

  def _NewBase(self, nodes):
    offline = [n.offline for n in nodes.values()]
    allvals = [self._NodeValues(n) for n in nodes.values()]
    rows = [_NumValues(v) for v in allvals]
    base = _BaseStats(offline, rows, [v[_MAP] for v in allvals])
    base.rows = np.array(rows, dtype=float).reshape(len(rows), len(_NUM))
    base.allvals = allvals
    base.pos = dict((idx, k) for (k, idx) in enumerate(nodes))
    return base

  def _Policy(self, inst, node):
    """InstMatchesPolicy for the current instance spec, per policy."""
    key = (id(node.ipolicy), node.excl_storage)
    entry = self._policy.get(key)
    if entry is None or entry[0] is not node.ipolicy:
      entry = (node.ipolicy, InstMatchesPolicy(inst, node.ipolicy,
                                               node.excl_storage))
      self._policy[key] = entry
    return entry[1]

  def _AddPri(self, node, inst, loc):
    """(fail mode or None, new node, values) of node.AddPri, cached."""
    cache = self._pri.get(node.idx)
    if cache is None or cache[0] is not node:
      cache = (node, {})
      self._pri[node.idx] = cache
    result = cache[1].get(loc)
    if result is None:
      new_inst = inst
      if loc is not None and loc != inst.location_score:
        new_inst = inst.Copy()
        new_inst.location_score = loc
      fail = self._Policy(inst, node)
      new = None
      values = None
      if fail is None:
        try:
          new = node.AddPri(new_inst, force=self.opts.ignore_soft_errors)
          values = metrics.NodeValues(new)
        except T.MoveFailure as err:
          fail = err.mode
      result = (fail, new, values)
      cache[1][loc] = result
    return result

  def _AddSec(self, node, inst, pdx):
    """(fail mode or None, values) of node.AddSec, cached by new r_mem."""
    sec_mem = inst.mem if inst.UsesSecMem() else 0
    new_rmem = max(node.r_mem, node.peers.get(pdx, 0) + sec_mem)
    cache = self._sec.get(node.idx)
    if cache is None or cache[0] is not node:
      cache = (node, {})
      self._sec[node.idx] = cache
    result = cache[1].get(new_rmem)
    if result is None:
      try:
        new = node.AddSec(inst, pdx)
        result = (None, metrics.NodeValues(new))
      except T.MoveFailure as err:
        result = (err.mode, None)
      cache[1][new_rmem] = result
    return result

  # Candidates ------------------------------------------------------------
  def _Element(self, nodes, inst, pdx, sdx, score):
    """Build the allocation element of a chosen placement exactly."""
    force = self.opts.ignore_soft_errors
    new_inst = inst.Copy()
    new_nodes = dict(nodes)
    if sdx == NO_SECONDARY:
      new_inst.pnode = pdx
      new_inst.snode = NO_SECONDARY
      new_p = nodes[pdx].AddPri(inst, force=force)
      new_nodes[pdx] = new_p
      return AllocElement(new_nodes, new_inst, [new_p], score)
    tgt_p = nodes[pdx]
    tgt_s = nodes[sdx]
    new_inst.location_score = len(tgt_p.location_tags & tgt_s.location_tags)
    new_inst.pnode = pdx
    new_inst.snode = sdx
    new_p = tgt_p.AddPri(new_inst, force=force)
    new_s = tgt_s.AddSec(new_inst, pdx)
    new_nodes[pdx] = new_p
    new_nodes[sdx] = new_s
    return AllocElement(new_nodes, new_inst, [new_p, new_s], score)

  def _Choose(self, nodes, instances, inst, groups_of_cands, collapse):
    """Apply the collection semantics to candidate groups.

    ``groups_of_cands``: per primary (or one group for single nodes) a
    list of (score, pdx, sdx) in generation order.  Returns
    (solution element, extra FailN1 count, successes).
    """
    opts = self.opts
    pred = None
    if opts.capacity:
      pred = self._N1Checker(nodes, instances)
    best = None
    n1_fails = 0
    allocs = 0
    for cands in groups_of_cands:
      if not cands:
        continue
      allocs += len(cands)
      if pred is None:
        # the minimum score, the last one on ties
        chosen = cands[0]
        for cand in cands[1:]:
          if cand[0] <= chosen[0]:
            chosen = cand
        elem = self._Element(nodes, inst, chosen[1], chosen[2], chosen[0])
      else:
        order = sorted(range(len(cands)),
                       key=lambda k: (_SortKey(cands[k][0]), -k))
        elem = None
        for (dropped, k) in enumerate(order):
          cand = cands[k]
          trial = self._Element(nodes, inst, cand[1], cand[2], cand[0])
          if pred(trial):
            elem = trial
            break
        else:
          dropped = len(order)
        n1_fails += dropped
        allocs -= dropped
        if elem is None:
          continue
      best = _Better(best, elem)
    return (best, n1_fails, allocs)

  def TryAlloc(self, nodes, instances, inst, alloc_nodes):
    """See :func:`TryAlloc`."""
    self._Reset(inst)
    if alloc_nodes.pairs:
      if not alloc_nodes.targets:
        raise AllocError("Not enough online nodes")
      sol = self._TryPairs(nodes, instances, inst, alloc_nodes.targets)
    else:
      if not alloc_nodes.targets:
        raise AllocError("No online nodes")
      sol = self._TrySingles(nodes, instances, inst, alloc_nodes.targets)
    return AnnotateSolution(sol)

  def _TrySingles(self, nodes, instances, inst, targets):
    base = self._Base(nodes)
    failures = []
    cands = []
    positions = []
    new_rows = []
    mapvals = []
    for pdx in targets:
      node = nodes[pdx]
      (fail, _, values) = self._AddPri(node, inst, None)
      if fail is not None:
        failures.append(fail)
        continue
      pos = base.pos[pdx]
      positions.append(pos)
      new_rows.append(_NumValues(values))
      mapvals.append(base.MapUpdated(base.allvals[pos][_MAP], values[_MAP]))
      cands.append(pdx)
    scored = []
    if cands:
      scores = _SingleScores(base, positions, np.array(new_rows, dtype=float),
                             np.array(mapvals))
      scored = [(float(sc), pdx, NO_SECONDARY)
                for (sc, pdx) in zip(scores, cands)]
    (elem, n1_fails, allocs) = self._Choose(nodes, instances, inst, [scored],
                                            False)
    failures = [T.FailMode.FailN1] * n1_fails + failures
    return AllocSolution(failures, allocs, elem)

  def _TryPairs(self, nodes, instances, inst, targets):
    base = self._Base(nodes)
    failures = []
    pair_p = []
    pair_s = []
    prow = []
    srow = []
    mapvals = []
    rows_p = []
    rows_s = []
    row_index_p = {}
    row_index_s = {}
    use_loc = any(n.location_tags for n in nodes.values())
    per_p_count = []
    for (pdx, secs) in targets:
      tgt_p = nodes[pdx]
      count = 0
      pol = self._Policy(inst, tgt_p)
      if pol is not None:
        failures.extend([pol] * len(secs))
        per_p_count.append(0)
        continue
      if not use_loc:
        # one location score (0) for all the secondaries: one AddPri
        loc = 0
        (fail, _, pvalues) = self._AddPri(tgt_p, inst, loc)
        if fail is not None:
          failures.extend([fail] * len(secs))
          per_p_count.append(0)
          continue
      for sdx in secs:
        tgt_s = nodes[sdx]
        if use_loc:
          loc = len(tgt_p.location_tags & tgt_s.location_tags)
          (fail, _, pvalues) = self._AddPri(tgt_p, inst, loc)
          if fail is not None:
            failures.append(fail)
            continue
        (fail, svalues) = self._AddSec(tgt_s, inst, pdx)
        if fail is not None:
          failures.append(fail)
          continue
        key_p = (pdx, loc)
        kp = row_index_p.get(key_p)
        if kp is None:
          kp = len(rows_p)
          row_index_p[key_p] = kp
          rows_p.append(_NumValues(pvalues))
        key_s = id(svalues)
        ks = row_index_s.get(key_s)
        if ks is None:
          ks = len(rows_s)
          row_index_s[key_s] = ks
          rows_s.append(_NumValues(svalues))
        pair_p.append(base.pos[pdx])
        pair_s.append(base.pos[sdx])
        prow.append(kp)
        srow.append(ks)
        mapvals.append(base.MapUpdated(base.allvals[base.pos[pdx]][_MAP],
                                       pvalues[_MAP]))
        count += 1
      per_p_count.append(count)
    groups_of_cands = []
    if pair_p:
      tab_p = np.array(rows_p, dtype=float)
      tab_s = np.array(rows_s, dtype=float)
      scores = _PairScores(base, base.rows[pair_p], tab_p[prow],
                           base.rows[pair_s], tab_s[srow], np.array(mapvals))
      order = list(nodes)
      start = 0
      for count in per_p_count:
        group = [(float(scores[k]), order[pair_p[k]], order[pair_s[k]])
                 for k in range(start, start + count)]
        start += count
        groups_of_cands.append(group)
    (elem, n1_fails, allocs) = self._Choose(nodes, instances, inst,
                                            groups_of_cands, True)
    failures = [T.FailMode.FailN1] * n1_fails + failures
    return AllocSolution(failures, allocs, elem)


def _IsNan(value):
  return value != value


def _SortKey(value):
  return math.inf if _IsNan(value) else value


def TryAlloc(opts, nodes, instances, inst, alloc_nodes):
  """Try to allocate ``inst`` on the targets (see the module docstring)."""
  return Allocator(opts).TryAlloc(nodes, instances, inst, alloc_nodes)
