"""Allocation of new instances as hail does it (upstream's tryAlloc family).

The contract (what ``hail`` relies on):

* :func:`GenAllocNodes` lists the allocation targets in a set of nodes:
  single nodes, or (primary, [secondaries of the same group]) pairs;
* :func:`TryAlloc` tries every target with ``Node.AddPri``/``AddSec``,
  counts the failures by :class:`~ganeti.htools.types.FailMode` and keeps
  the placement with the lowest cluster score, upstream's tie rules
  included (the placement tried last wins a tie); with capacity checks on
  (hail's default) a placement is good only if the cluster stays globally
  N+1 redundant afterwards (:mod:`ganeti.htools.hail_n1`), the rejected
  better ones counting as ``FailN1``;
* :func:`TryAllocEngine` gives the same answers through the shared
  engine :mod:`ganeti.htools.alloc` (the tests compare the two); hail
  uses :func:`TryAlloc`, whose global N+1 checks reuse the outcomes of
  the base state (:class:`ganeti.htools.hail_n1.Checker`) and are much
  faster on clusters that are not redundant to begin with;
* :func:`FindBestAllocGroup`, :func:`TryMGAlloc`, :func:`TryGroupAlloc`
  and :func:`AllocList` choose the node group and chain several
  allocations, with upstream's log messages (:func:`DescribeSolution`,
  :func:`SolutionDescription`).

Failures of the whole computation (upstream's ``Bad`` results) are
raised as :class:`AllocError`; its message becomes the answer's info.
"""

import math

from ganeti.htools import metrics
from ganeti.htools import scoring
from ganeti.htools import types as T

_FAIL_ORDER = list(T.FailMode)


class AllocError(Exception):
  """The request cannot be answered; the text is upstream's."""


class Options:
  """What hail's command line changes in the algorithms."""

  def __init__(self, ignore_soft_errors=False, capacity=True,
               restrict_to_nodes=None):
    self.ignore_soft_errors = ignore_soft_errors
    self.capacity = capacity
    self.restrict_to_nodes = restrict_to_nodes


class Element:
  """A placement: the new node list, the instance, its nodes, the metric."""

  __slots__ = ("nodes", "inst", "inodes", "metric")

  def __init__(self, nodes, inst, inodes, metric):
    self.nodes = nodes
    self.inst = inst
    self.inodes = inodes
    self.metric = metric


class AllocSolution:
  """Failures, count of good placements, the best one, log lines."""

  def __init__(self, failures=None, allocs=0, solution=None, log=None):
    self.failures = failures if failures is not None else []
    self.allocs = allocs
    self.solution = solution
    self.log = log if log is not None else []


def CollapseFailures(failures):
  """[(FailMode, count)] for every mode, in upstream's order."""
  return [(mode, failures.count(mode)) for mode in _FAIL_ORDER]


def FormatFailures(failures):
  return ", ".join("%s: %d" % (mode.value, cnt)
                   for (mode, cnt) in CollapseFailures(failures) if cnt > 0)


def DescribeSolution(sol, fmt=metrics.Format8):
  """Upstream's one-line description of a solution."""
  if sol.solution is None:
    reasons = FormatFailures(sol.failures) if sol.failures else \
      "unknown reasons"
    return "No valid allocation solutions, failure reasons: " + reasons
  elem = sol.solution
  return ("score: %s, successes %d, failures %d (%s) for node(s) %s" %
          (fmt(elem.metric), sol.allocs, len(sol.failures),
           FormatFailures(sol.failures),
           "/".join(n.name for n in elem.inodes)))


def Annotate(sol, fmt=metrics.Format8):
  sol.log = [DescribeSolution(sol, fmt)] + sol.log
  return sol


def SolutionDescription(group, result):
  """Log lines of a group's result (an AllocSolution or an error text)."""
  if isinstance(result, AllocSolution):
    return ["Group %s (%s): %s" % (group.name, group.alloc_policy, line)
            for line in result.log]
  return ["Group %s: error %s" % (group.name, result)]


# Targets -------------------------------------------------------------------
def GenAllocNodes(opts, groups, nodes, count, drop_unalloc=False):
  """("single", [idx]) or ("pairs", [(pdx, [sdx])]) for ``nodes``."""
  cands = [n for n in nodes if not n.offline]
  if drop_unalloc:
    cands = [n for n in cands if groups[n.group].IsAllocable()]
  if opts.restrict_to_nodes is not None:
    allowed = set(opts.restrict_to_nodes)
    cands = [n for n in cands if n.name in allowed]
  if count == 1:
    return ("single", [n.idx for n in cands])
  if count == 2:
    pairs = []
    for pnode in cands:
      sec = [s.idx for s in cands
             if s.idx != pnode.idx and s.group == pnode.group]
      if sec:
        pairs.append((pnode.idx, sec))
    return ("pairs", pairs)
  raise AllocError("Unsupported number of nodes, only one or two  supported")


# Placement primitives ------------------------------------------------------
def _Fits(inst, node):
  fail = inst.MatchesPolicy(node.ipolicy, node.excl_storage)
  if fail is not None:
    raise T.MoveFailure(fail)


def PlaceSingle(opts, nodes, inst, pdx):
  """(changed {idx: Node}, placed instance) or MoveFailure."""
  pnode = nodes[pdx]
  _Fits(inst, pnode)
  new_p = pnode.AddPri(inst, force=opts.ignore_soft_errors)
  new_inst = inst.Copy()
  new_inst.pnode = pdx
  new_inst.snode = -1
  return ({pdx: new_p}, new_inst)


def _Apply(nodes, changed):
  new = dict(nodes)
  new.update(changed)
  return new


class _Candidate:
  __slots__ = ("pos", "changed", "inst", "fast", "exact")

  def __init__(self, pos, changed, inst, fast):
    self.pos = pos
    self.changed = changed
    self.inst = inst
    self.fast = fast
    self.exact = None


def _Chunks(cands, window=scoring.TIE_WINDOW):
  """Candidates by (fast score, later first), cut where scores differ.

  Candidates in one chunk are within the tie window of its first one;
  their order is settled by exact scores when it matters.
  """
  cands = sorted(cands, key=lambda c: (_Key(c.fast), -c.pos))
  pos = 0
  while pos < len(cands):
    head = cands[pos].fast
    end = pos + 1
    while end < len(cands) and (cands[end].fast - head <= window
                                or cands[end].fast == head):
      end += 1
    yield cands[pos:end]
    pos = end


def _Key(value):
  # NaN sorts like Haskell's compare puts it: after everything
  return (1, 0.0) if value != value else (0, value)


def _CollectionToSolution(opts, nodes, instances, scorer, cands, failures,
                          inodes_fn, n1):
  """Best candidate passing the N+1 predicate; dropped ones are FailN1.

  Upstream sorts all placements by score and takes the first that keeps
  the cluster redundant; the predicate does not depend on the order.
  Placements that fail for a reason they cannot change (n1.QuickFail)
  are set aside unscored (see :func:`_SolutionOf`).  ``scorer`` is a
  function returning the view's Scorer.
  """
  fixed = []
  rest = cands
  if opts.capacity and cands:
    rest = []
    for cand in cands:
      if n1.QuickFail(frozenset(cand.changed)):
        fixed.append(cand)
      else:
        rest.append(cand)
  return _SolutionOf(opts, nodes, scorer, len(fixed), lambda: fixed, rest,
                     failures, inodes_fn, n1)


def _SolutionOf(opts, nodes, scorer, nfixed, fixed_fn, rest, failures,
                inodes_fn, n1, pairs=False):
  """The AllocSolution of one collection of candidates.

  ``nfixed`` candidates were set aside (they fail the N+1 predicate
  whatever their score; ``fixed_fn()`` builds them), ``rest`` are the
  others.  Those are scored and tried in order, and only the chunk
  holding the first good one needs exact scores.  The set-aside ones
  count as dropped when no placement is good, else those ordered before
  the good one do.  Placements on pairs of nodes are scored exactly as
  upstream does (:meth:`~ganeti.htools.scoring.Scorer.PairScore`: its
  statistics of the group updated by the two nodes), single-node ones
  afresh.
  """
  if not rest:
    return AllocSolution([T.FailMode.FailN1] * nfixed + failures, 0, None)
  scorer = scorer()
  for cand in rest:
    if cand.fast is None:
      cand.fast = scorer.Score(cand.changed)
  dropped = 0
  best = None
  if pairs:
    (window, exact_fn) = (scoring.PAIR_TIE_WINDOW, scorer.PairScore)
  else:
    (window, exact_fn) = (scoring.TIE_WINDOW, scorer.ExactScore)
  for chunk in _Chunks(rest, window):
    # the chunk's candidates in exact order, checked until the first good
    # one (the one upstream's sort puts first; those before it dropped)
    for cand in chunk:
      cand.exact = exact_fn(cand.changed)
    order = sorted(chunk, key=lambda c: (_Key(c.exact), -c.pos))
    for (num, cand) in enumerate(order):
      if not opts.capacity or n1.Redundant(cand):
        best = cand
        dropped += num
        break
    if best is not None:
      break
    dropped += len(chunk)
  total = nfixed + len(rest)
  if best is None:
    return AllocSolution([T.FailMode.FailN1] * total + failures, 0, None)
  if nfixed:
    dropped += sum(1 for cand in fixed_fn()
                   if _Before(scorer, cand, best, window, exact_fn))
  new_nodes = _Apply(nodes, best.changed)
  elem = Element(new_nodes, best.inst, inodes_fn(best, new_nodes), best.exact)
  return AllocSolution([T.FailMode.FailN1] * dropped + failures,
                       total - dropped, elem)


def _Before(scorer, cand, best, window, exact_fn):
  """Whether ``cand`` comes before ``best`` in upstream's order."""
  cand.fast = scorer.Score(cand.changed)
  if scorer.finite and math.isfinite(cand.fast) and \
     math.isfinite(best.fast):
    if cand.fast < best.fast - window:
      return True
    if cand.fast > best.fast + window:
      return False
  cand.exact = exact_fn(cand.changed)
  return (_Key(cand.exact), -cand.pos) < (_Key(best.exact), -best.pos)


class _LazyScorer:
  """The Scorer of a node view, built on first call (a function)."""

  def __init__(self, nodes):
    self.nodes = nodes
    self.scorer = None

  def __call__(self):
    if self.scorer is None:
      self.scorer = scoring.Scorer(self.nodes)
    return self.scorer


class _LazyN1:
  """The global N+1 check of one TryAlloc, prepared on first use."""

  def __init__(self, nodes, instances):
    self.nodes = nodes
    self.instances = instances
    self.checker = None

  def _Checker(self):
    if self.checker is None:
      from ganeti.htools import hail_n1
      self.checker = hail_n1.Checker(self.nodes, self.instances)
    return self.checker

  def QuickFail(self, changed):
    return self._Checker().QuickFail(changed)

  def QuickFailPair(self, pdx, sdx):
    return self._Checker().QuickFailPair(pdx, sdx)

  def QuickFailPairFn(self):
    """The checker's QuickFailPair (bound once, for loops)."""
    return self._Checker().QuickFailPair

  def Clean(self):
    return self._Checker().Clean()

  def Redundant(self, cand):
    self._Checker()
    return self.checker.Redundant(
      lambda: _Apply(self.nodes, cand.changed),
      _WithInstance(self.instances, cand.inst), cand.changed)


class _WithInstance:
  """An instance list with one more instance at its end (no copy)."""

  def __init__(self, instances, inst):
    self.instances = instances
    self.inst = inst
    self.size = len(instances)

  def __getitem__(self, idx):
    if idx == self.size:
      return self.inst
    return self.instances[idx]

  def __len__(self):
    return self.size + 1


def _Better(old, new):
  """bestAllocElement: the new element wins unless the old one is lower."""
  if old is None:
    return new
  if new is None:
    return old
  return old if _Key(old.metric) < _Key(new.metric) else new


def TryAllocEngine(opts, nodes, instances, inst, targets):
  """TryAlloc through the shared engine (:mod:`ganeti.htools.alloc`).

  The adapter: our options, target tuples and solution shape to and from
  the engine's (AllocOptions, AllocNodes, AllocSolution with
  ``new_nodes``/``score``).
  """
  from ganeti.htools import alloc
  aopts = alloc.AllocOptions(ignore_soft_errors=opts.ignore_soft_errors,
                             capacity=opts.capacity,
                             restrict_to_nodes=opts.restrict_to_nodes)
  (kind, items) = targets
  if not items:
    raise AllocError("Not enough online nodes" if kind == "pairs" else
                     "No online nodes")
  idict = dict((i.idx, i) for i in instances)
  new = inst.Copy()
  new.idx = len(instances)
  try:
    sol = alloc.TryAlloc(aopts, nodes, idict, new,
                         alloc.AllocNodes(kind == "pairs", items))
  except alloc.AllocError as err:
    raise AllocError(str(err))
  elem = sol.solution
  if elem is not None:
    elem = Element(elem.nodes, elem.inst, list(elem.new_nodes), elem.score)
  return AllocSolution(sol.failures, sol.allocs, elem, sol.log)


def TryAlloc(opts, nodes, instances, inst, targets):
  """The AllocSolution of ``inst`` over ``targets`` (see GenAllocNodes).

  ``nodes`` is the node view scored ({idx: Node}: the cluster, or one
  group); ``instances`` the cluster's instance list.  The solution's
  ``nodes`` is the changed view.
  """
  (kind, items) = targets
  scorer = _LazyScorer(nodes)
  inst = inst.Copy()
  inst.idx = len(instances)
  n1 = _LazyN1(nodes, instances)
  pos = 0
  if kind == "pairs":
    if not items:
      raise AllocError("Not enough online nodes")
    from ganeti.htools import hail_pairs

    def _Solve(scorer, nfixed, fixed_fn, rest, failures):
      return _SolutionOf(
        opts, nodes, scorer, nfixed, fixed_fn, rest, failures,
        lambda c, nn: [nn[c.inst.pnode], nn[c.inst.snode]], n1, pairs=True)
    (failures, allocs, best) = hail_pairs.TryPairs(opts, nodes, inst, items,
                                                   scorer, n1, _Solve)
    return Annotate(AllocSolution(failures, allocs, best))
  if not items:
    raise AllocError("No online nodes")
  cands = []
  failures = []
  for pdx in items:
    pos += 1
    try:
      (changed, new_inst) = PlaceSingle(opts, nodes, inst, pdx)
    except T.MoveFailure as err:
      failures.append(err.mode)
      continue
    cands.append(_Candidate(pos, changed, new_inst, None))
  sol = _CollectionToSolution(opts, nodes, instances, scorer, cands,
                              failures, lambda c, nn: [nn[c.inst.pnode]], n1)
  return Annotate(sol)


# Groups ----------------------------------------------------------------------
def SplitCluster(nodes, instances):
  """[(gdx, group nodes, group instances)] sorted by group index."""
  by_group = {}
  for node in nodes:
    by_group.setdefault(node.group, []).append(node)
  result = []
  for gdx in sorted(by_group):
    members = set(n.idx for n in by_group[gdx])
    result.append((gdx, by_group[gdx],
                   [i for i in instances if i.pnode in members]))
  return result


def HasRequiredNetworks(group, inst):
  return all(nic.network is None or nic.network in group.networks
             for nic in inst.nics)


_POLICY_RANK = dict((p, r) for (r, p) in enumerate(T.ALLOC_POLICIES))


def _SortMG(sols):
  """filterMGResults + sortMGResults: good results, best first."""
  good = [(grp, sol) for (grp, sol) in reversed(sols)
          if isinstance(sol, AllocSolution) and sol.solution is not None and
          grp.IsAllocable()]
  return sorted(good, key=lambda gs: (_POLICY_RANK[gs[0].alloc_policy],
                                      _MetricKey(gs[1].solution.metric)))


def _MetricKey(metric):
  return _Key(metric) if isinstance(metric, float) else metric


def FindBestAllocGroup(opts, groups, nodes, instances, allowed, inst, count,
                       group_try=None):
  """(group, AllocSolution, messages) of the best group for ``inst``."""
  if group_try is None:
    group_try = _StandardGroupTry
  split = SplitCluster(nodes, instances)
  cands = [(groups[gdx], gnodes, ginsts) for (gdx, gnodes, ginsts) in split
           if allowed is None or gdx in allowed]
  msgs = []
  valid = []
  for (grp, gnodes, ginsts) in cands:
    if HasRequiredNetworks(grp, inst):
      valid.append((grp, gnodes, ginsts))
    else:
      msgs.append("group %s is not connected to a network required by"
                  " instance %s" % (grp.name, inst.name))
  sols = []
  for (grp, gnodes, ginsts) in valid:
    try:
      result = group_try(opts, groups, nodes, instances, grp, gnodes, ginsts,
                         inst, count)
    except AllocError as err:
      result = str(err)
    sols.append((grp, result))
  for (grp, result) in sols:
    msgs.extend(SolutionDescription(grp, result))
  ordered = _SortMG(sols)
  if not ordered:
    if not cands:
      raise AllocError("no groups for evacuation: allowed groups was %s, all"
                       " groups: [%s]" %
                       ("Nothing" if allowed is None else
                        "Just [%s]" % ",".join(str(g) for g in allowed),
                        ",".join(ShowGroup(groups[gdx])
                                 for (gdx, _, _) in split)))
    raise AllocError(", ".join(msgs))
  (grp, sol) = ordered[0]
  return (grp, sol, msgs)


def _StandardGroupTry(opts, groups, nodes, instances, grp, gnodes, ginsts,
                      inst, count):
  targets = GenAllocNodes(opts, groups, gnodes, count)
  return TryAlloc(opts, NodeView(nodes), instances, inst, targets)


def NodeView(nodes):
  """{idx: Node} of a node list."""
  return dict((n.idx, n) for n in nodes)


def MergeNodes(nodes, view):
  """The node list with the nodes of ``view`` ({idx: Node}) replaced."""
  new = list(nodes)
  for (idx, node) in view.items():
    new[idx] = node
  return new


def TryMGAlloc(opts, groups, nodes, instances, inst, count):
  (grp, sol, msgs) = FindBestAllocGroup(opts, groups, nodes, instances, None,
                                        inst, count)
  sol.log = ["Selected group: %s" % grp.name] + msgs
  return sol


_HS_POLICY = {T.ALLOC_PREFERRED: "AllocPreferred",
              T.ALLOC_LAST_RESORT: "AllocLastResort",
              T.ALLOC_UNALLOCABLE: "AllocUnallocable"}


def ShowGroup(grp):
  """A group as Haskell's ``show`` prints upstream's Group record."""
  from ganeti.htools import cli
  from ganeti.htools.iallocator import HsShowString

  def _List(items):
    return "[%s]" % ",".join(HsShowString(i) for i in items)
  return ("Group {name = %s, uuid = %s, idx = %d, allocPolicy = %s,"
          " networks = %s, iPolicy = %s, allTags = %s}" %
          (HsShowString(grp.name), HsShowString(grp.uuid), grp.idx,
           _HS_POLICY[grp.alloc_policy], _List(grp.networks),
           cli.ShowIPolicy(grp.ipolicy), _List(grp.tags)))


def FindGroupByName(groups, name):
  found = [g for g in groups if name in (g.name, g.uuid)]
  if len(found) != 1:
    raise AllocError("Wrong number of elems found with name %s" % name)
  return found[0]


def GroupNodes(nodes, instances, gdx):
  """The nodes of group ``gdx`` and the instances with a primary there."""
  gnodes = [n for n in nodes if n.group == gdx]
  members = set(n.idx for n in gnodes)
  return (gnodes, [i for i in instances if i.pnode in members])


def TryGroupAlloc(opts, groups, nodes, instances, gname, inst, count):
  grp = FindGroupByName(groups, gname)
  (gnodes, ginsts) = GroupNodes(nodes, instances, grp.idx)
  if not HasRequiredNetworks(grp, inst):
    raise AllocError("The group %s is not connected to a network required"
                     " by instance %s" % (grp.name, inst.name))
  targets = GenAllocNodes(opts, groups, gnodes, count)
  sol = TryAlloc(opts, dict((n.idx, n) for n in gnodes), instances, inst,
                 targets)
  sol.log = SolutionDescription(grp, sol)
  return sol
