"""DRBD allocations (primary and secondary node) tried quickly.

The pairs branch of :func:`ganeti.htools.hail_alloc.TryAlloc`: every
(primary, secondary) target in upstream's order, the failures counted by
mode, the best placement of each primary kept and the best of those
returned; the answers are the straightforward loop's (one
``Node.AddPri`` and ``Node.AddSec`` per pair, every successful pair a
candidate), byte for byte.  What makes it fast on big clusters:

* the secondary's checks (:class:`SecFit`): everything ``AddSec`` checks
  that does not depend on the primary is computed once per node; per
  pair only the N+1 memory check remains;
* candidates are lazy (:class:`PairCandidate`): the two new nodes and
  the placed instance are built only when something looks at them;
* with capacity checks on, a candidate that a known N+1 failure of the
  unchanged cluster rules out (``Checker.QuickFailPair``) is set aside
  without being built or scored; only if its primary has a good
  placement are the set-aside ones scored to count those ranked before
  it.
"""

from ganeti.htools import metrics
from ganeti.htools import types as T
from ganeti.htools.node import _Div  # pylint: disable=protected-access

_N1 = metrics.NAMES.index("n1_cnt")
_PREM = metrics.NAMES.index("reserved_mem_cv")
_PREM_TOTAL = metrics.NAMES.index("reserved_mem_rtotal")
assert _PREM == _N1 + 1 and _PREM_TOTAL > _PREM
#: the values of a secondary that depend on the primary (SecFit.Values)
_VARYING = (_N1, _PREM, _PREM_TOTAL)

_FAIL_DISK = T.FailMode.FailDisk
_FAIL_MEM = T.FailMode.FailMem
_FAIL_SPINDLES = T.FailMode.FailSpindles


class SecFit:
  """Node.AddSec's verdict for one instance on the nodes of a view.

  ``Fail(sdx, pdx)`` is the FailMode with which ``nodes[sdx].AddSec(inst,
  pdx)`` (strict) would fail, or None when it succeeds.  The checks come
  in AddSec's order: the ones before the N+1 check and the forthcoming
  ones after it depend on the node only and are computed once.
  """

  def __init__(self, nodes, inst):
    self.nodes = nodes
    self.inst = inst
    self.sec_mem = inst.mem if inst.UsesSecMem() else 0
    self.static = {}
    self.templates = {}
    #: the secondaries' score changes (hail_score.OneNodeScores)
    self.score_static = {}

  def _Static(self, sdx):
    """(failure before the N+1 check, whether that check fails for any
    primary, the free memory it compares, peers, failure after it)."""
    node = self.nodes[sdx]
    inst = self.inst
    sec_mem = self.sec_mem
    old_mem = node.UnallocatedMem()
    new_dsk = node.f_dsk - inst.dsk
    pre = None
    if not inst.HasSecondary() or new_dsk <= 0 or new_dsk < node.lo_dsk:
      pre = _FAIL_DISK
    elif node.excl_storage and \
        node._FreeSpindles(True, inst, node.f_spindles) < 0:
      pre = _FAIL_SPINDLES
    elif node._SpindleUse(True, inst, node.inst_spindles) > \
        node.hi_spindles:
      pre = _FAIL_DISK
    elif sec_mem >= old_mem:
      pre = _FAIL_MEM
    new_dsk_forth = node.f_dsk_forth - inst.dsk
    post = None
    if new_dsk_forth <= 0 or new_dsk_forth < node.lo_dsk:
      post = _FAIL_DISK
    elif node.excl_storage and \
        node._FreeSpindles(True, inst, node.f_spindles_forth) < 0:
      post = _FAIL_SPINDLES
    elif node._SpindleUse(True, inst, node.inst_spindles_forth) > \
        node.hi_spindles:
      post = _FAIL_DISK
    elif sec_mem >= node.f_mem_forth:
      post = _FAIL_MEM
    # the N+1 check: new_failn1 and not fail_n1, where new_failn1 is
    # old_mem <= max(r_mem, peers[pdx] + sec_mem)
    n1_never = node.fail_n1
    n1_always = not n1_never and old_mem <= node.r_mem
    entry = (pre, n1_never, n1_always, old_mem - sec_mem, node.peers, post)
    self.static[sdx] = entry
    return entry

  def Fail(self, sdx, pdx):
    if self.inst.forthcoming:
      return self._Tried(sdx, pdx)
    entry = self.static.get(sdx)
    if entry is None:
      entry = self._Static(sdx)
    (pre, n1_never, n1_always, limit, peers, post) = entry
    if pre is not None:
      return pre
    if not n1_never and (n1_always or peers.get(pdx, 0) >= limit):
      return _FAIL_MEM
    return post

  def Values(self, sdx, pdx):
    """metrics.NodeValues of ``nodes[sdx].AddSec(inst, pdx)`` where Fail
    says it succeeds, or None (forthcoming instances).

    AddSec's result depends on the primary only through the peer memory
    it adds: the reserved memory, the N+1 flag and their values (the
    ``n1_cnt``, ``reserved_mem_cv`` and ``reserved_mem_rtotal`` entries)
    are computed per pair, the rest once per node.
    """
    if self.inst.forthcoming:
      return None
    tmpl = self.templates.get(sdx)
    if tmpl is None:
      node = self.nodes[sdx]
      # the node's fields do not depend on the checks: force only skips
      # those that a reference primary might fail
      ref = node.AddSec(self.inst, pdx, force=True)
      tmpl = (metrics.NodeValues(ref), float(len(ref.slist) + len(ref.plist)),
              node.peers, node.r_mem, node.UnallocatedMem(), node.t_mem)
      self.templates[sdx] = tmpl
    (values, count, peers, r_mem, old_mem, t_mem) = tmpl
    new_rmem = max(r_mem, peers.get(pdx, 0) + self.sec_mem)
    n1 = count if old_mem <= new_rmem else 0.0
    p_rem = _Div(new_rmem, t_mem)
    return values[:_N1] + (n1, p_rem) + values[_PREM + 1:_PREM_TOTAL] + \
      (p_rem,) + values[_PREM_TOTAL + 1:]

  def _Tried(self, sdx, pdx):
    """The verdict of a real AddSec (forthcoming instances, rare)."""
    try:
      self.nodes[sdx].AddSec(self.inst, pdx)
    except T.MoveFailure as err:
      return err.mode
    return None


class PairCandidate:
  """A good pair whose new nodes and instance are built on first use."""

  __slots__ = ("pos", "pdx", "sdx", "loc", "new_p", "nodes", "proto",
               "_changed", "_inst", "fast", "exact")

  def __init__(self, pos, pdx, sdx, loc, new_p, nodes, proto):
    self.pos = pos
    self.pdx = pdx
    self.sdx = sdx
    self.loc = loc
    self.new_p = new_p
    self.nodes = nodes
    self.proto = proto
    self._changed = None
    self._inst = None
    self.fast = None
    self.exact = None

  def _Build(self):
    inst = self.proto.Copy()
    (inst.location_score, inst.pnode, inst.snode) = \
      (self.loc, self.pdx, self.sdx)
    # SecFit said it fits: AddSec succeeds
    new_s = self.nodes[self.sdx].AddSec(inst, self.pdx)
    self._inst = inst
    self._changed = {self.pdx: self.new_p, self.sdx: new_s}

  @property
  def changed(self):
    if self._changed is None:
      self._Build()
    return self._changed

  @property
  def inst(self):
    if self._inst is None:
      self._Build()
    return self._inst


def TryPairs(opts, nodes, inst, items, scorer, n1, solve):
  """(failures, allocs, best Element) over the (pdx, [sdx]) ``items``.

  ``inst`` is the instance to place (index set), ``scorer`` gives the
  view's Scorer on first call, ``n1`` the global N+1 checks, ``solve``
  hail_alloc's per-primary selection (scorer, count of the set-aside
  candidates, a function building them, the other candidates, failures
  -> AllocSolution).
  """
  force = opts.ignore_soft_errors
  capacity = opts.capacity
  fit = SecFit(nodes, inst)
  quick_fail = n1.QuickFailPairFn() if capacity else None
  parts = []
  allocs = 0
  best = None
  pos = 0
  for (pdx, sdxs) in items:
    if quick_fail is not None and n1.Clean():
      # no base failure: nothing is set aside any more
      quick_fail = None
    failures = []
    rest = []
    fixed = []
    pnode = nodes[pdx]
    count = len(sdxs)
    fail = inst.MatchesPolicy(pnode.ipolicy, pnode.excl_storage)
    if fail is not None:
      parts.append([fail] * count)
      pos += count
      continue
    ploc = pnode.location_tags
    prim = {}
    if not ploc:
      proto = inst.Copy()
      (proto.location_score, proto.pnode) = (0, pdx)
      try:
        prim[0] = pnode.AddPri(proto, force=force)
      except T.MoveFailure as err:
        parts.append([err.mode] * count)
        pos += count
        continue
    for sdx in sdxs:
      pos += 1
      loc = len(ploc & nodes[sdx].location_tags) if ploc else 0
      new_p = prim.get(loc)
      if new_p is None:
        proto = inst.Copy()
        (proto.location_score, proto.pnode) = (loc, pdx)
        try:
          new_p = pnode.AddPri(proto, force=force)
        except T.MoveFailure as err:
          new_p = err
        prim[loc] = new_p
      if isinstance(new_p, T.MoveFailure):
        failures.append(new_p.mode)
        continue
      mode = fit.Fail(sdx, pdx)
      if mode is not None:
        failures.append(mode)
        continue
      if quick_fail is not None and quick_fail(pdx, sdx):
        fixed.append((pos, sdx, loc, new_p))
      else:
        rest.append(PairCandidate(pos, pdx, sdx, loc, new_p, nodes, inst))
    if rest and not ploc:
      _FastScores(scorer, fit, pdx, prim[0], rest)
    sol = solve(scorer, len(fixed), _Builder(pdx, fixed, nodes, inst), rest,
                failures)
    parts.append(sol.failures)
    allocs += sol.allocs
    best = _Better(best, sol.solution)
  failures = []
  for part in reversed(parts):
    failures.extend(part)
  return (failures, allocs, best)


def _FastScores(scorer, fit, pdx, new_p, rest):
  """Fast scores of a primary's candidates without building them.

  The candidates share the new primary: its change goes into a derived
  Scorer, and each candidate's secondary enters through its values.
  Candidates left without a score are scored the usual way.
  """
  from ganeti.htools import hail_score
  derived = hail_score.Derive(scorer(), {pdx: new_p})
  if derived is None:
    return
  scores = hail_score.OneNodeScores(derived, _VARYING, fit.score_static)
  for cand in rest:
    values = fit.Values(cand.sdx, pdx)
    if values is not None:
      cand.fast = scores.Score(cand.sdx, values)


def _Builder(pdx, fixed, nodes, inst):
  """A function building the set-aside candidates of a primary."""
  return lambda: [PairCandidate(pos, pdx, sdx, loc, new_p, nodes, inst)
                  for (pos, sdx, loc, new_p) in fixed]


def _Key(value):
  return (1, 0.0) if value != value else (0, value)


def _Better(old, new):
  """bestAllocElement: the new element wins unless the old one is lower."""
  if old is None:
    return new
  if new is None:
    return old
  return old if _Key(old.metric) < _Key(new.metric) else new
