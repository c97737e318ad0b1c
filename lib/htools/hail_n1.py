"""Global N+1 redundancy, the capacity check of hail's allocations.

A cluster state is *globally N+1 redundant* when every node could be
emptied: its DRBD primaries failed over to their secondaries, its
freely movable instances (diskless, shared or external storage) failed
over to the best other node of its group, and its other instances
(plain, file, blockdev) re-created on the best other node of the group, biggest memory first.
This is upstream's ``GlobalN1.redundant`` (soft errors ignored); hail
accepts a new placement only if the state after it is redundant.
"""

from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import scoring
from ganeti.htools import types as T


def _Fits(inst, node):
  return inst.MatchesPolicy(node.ipolicy, node.excl_storage) is None


def _Failover(nodes, inst):
  """Changed nodes of a failover (soft errors ignored), or None."""
  try:
    (changed, new_inst, _, _) = M.ApplyMove(nodes, inst, M.Move(M.FAILOVER),
                                            force=True)
  except T.MoveFailure:
    return None
  return (changed, new_inst)


def _BestOf(nodes, changes):
  """The change (in evaluation order) with the lowest score, ties: last."""
  if len(changes) == 1:
    return changes[0]
  scorer = scoring.Scorer(nodes)
  fast = [scorer.Score(ch[0]) for ch in changes]
  low = min(fast)
  near = [pos for (pos, val) in enumerate(fast)
          if val - low <= scoring.TIE_WINDOW]
  if len(near) == 1 and scorer.finite:
    return changes[near[0]]
  best = None
  best_score = None
  for pos in range(len(changes)):
    if pos not in near and scorer.finite:
      continue
    score = scorer.ExactScore(changes[pos][0])
    if best is None or not score > best_score:
      (best, best_score) = (changes[pos], score)
  return best


def _GroupScore(nodes, gdx):
  return metrics.CompCV([n for n in nodes.values() if n.group == gdx])


def _EvacShared(nodes, inst, gdx, targets):
  """Fail ``inst`` over to the best target (group score), or None."""
  best = None
  best_cv = None
  for tdx in targets:
    try:
      (changed, new_inst, _, _) = M.ApplyMove(
        nodes, inst, M.Move(M.FAILOVER_TO_ANY, tdx), force=True)
    except T.MoveFailure:
      continue
    new_nodes = dict(nodes)
    new_nodes.update(changed)
    cv = _GroupScore(new_nodes, gdx)
    if best is None or not best_cv < cv:
      (best, best_cv) = ((new_nodes, new_inst), cv)
  return best


def _Recreate(nodes, inst, targets):
  """Place a copy of ``inst`` on the best target (cluster score), or None."""
  changes = []
  for tdx in targets:
    node = nodes[tdx]
    if not _Fits(inst, node):
      continue
    try:
      new = node.AddPri(inst, force=True)
    except T.MoveFailure:
      continue
    changes.append(({tdx: new}, tdx))
  if not changes:
    return None
  (changed, _) = _BestOf(nodes, changes)
  new_nodes = dict(nodes)
  new_nodes.update(changed)
  return new_nodes


def _Split(instances, node):
  drbd = []
  shared = []
  others = []
  for idx in node.plist:
    inst = instances[idx]
    if inst.disk_template == T.DT_DRBD8:
      drbd.append(inst)
    elif inst.disk_template in T.FREELY_MOVABLE_TEMPLATES:
      shared.append(inst)
    else:
      others.append(inst)
  return (drbd, shared, others)


def _Side(cache, key, node, inst, compute):
  """A cached side of a failover: the new node, or None if it fails."""
  entry = cache.get(key)
  if entry is None or entry[0] is not node or entry[1] is not inst:
    try:
      result = compute()
    except T.MoveFailure:
      result = None
    # the entry keeps the node alive: its id stays its own
    entry = (node, inst, result)
    cache[key] = entry
  return entry[2]


def _CachedFailover(nodes, inst, cache):
  """_Failover, its two sides cached apart.

  A failover (moves.Prepared, forced) turns the primary into the
  secondary from the primary's own state (RemovePri, AddSec) and the
  secondary into the primary from its own (RemoveSec, AddPri), after
  the migration tags check; it succeeds when both sides do.  Each side
  depends on one node only, so it is kept by the instance and that
  node's identity (nodes are never changed once built): a chain of
  failovers from a node recomputes only the sides on changed nodes.
  """
  (pdx, sdx) = (inst.pnode, inst.snode)
  pnode = nodes[pdx]
  snode = nodes[sdx]
  if not pnode.mig_tags <= snode.rmig_tags:
    return None
  new_s = _Side(cache, (0, inst.idx, id(pnode)), pnode, inst,
                lambda: pnode.RemovePri(inst).AddSec(
                  inst, sdx, force=True, ignore_disks=pnode.offline))
  if new_s is None:
    return None
  new_p = _Side(cache, (1, inst.idx, id(snode)), snode, inst,
                lambda: snode.RemoveSec(inst).AddPri(inst, force=True))
  if new_p is None:
    return None
  return ({pdx: new_s, sdx: new_p}, None)


def _FailoverAll(nodes, drbd, cache=None):
  """Fail over the DRBD primaries in turn.

  Returns (nodes after it or None on failure, indices of the nodes the
  computation looked at).  ``cache`` (a dict) keeps the outcome of each
  failover by the instance and the identities of its two nodes (nodes
  are never changed once built), for computations that repeat them.
  """
  touched = set()
  for inst in drbd:
    touched.add(inst.pnode)
    touched.add(inst.snode)
    if cache is None or inst.snode < 0:
      res = _Failover(nodes, inst)
    else:
      res = _CachedFailover(nodes, inst, cache)
    if res is None:
      return (None, touched)
    nodes = dict(nodes)
    nodes.update(res[0])
  return (nodes, touched)


def CanEvacuateNode(nodes, instances, node, cache=None):
  """Whether ``node`` can be emptied (see the module docstring)."""
  (drbd, shared, others) = _Split(instances, node)
  (nodes, _) = _FailoverAll(nodes, drbd, cache)
  if nodes is None:
    return False
  return _EvacRest(nodes, node, shared, others)


def _EvacRest(nodes, node, shared, others):
  if not shared and not others:
    return True
  gdx = node.group
  escape = [n.idx for n in nodes.values()
            if n.group == gdx and n.idx != node.idx]
  for inst in shared:
    res = _EvacShared(nodes, inst, gdx, escape)
    if res is None:
      return False
    nodes = res[0]
  others.sort(key=lambda i: -i.mem)
  for inst in others:
    nodes = _Recreate(nodes, inst, escape)
    if nodes is None:
      return False
  return True


class Checker:
  """Redundancy of states that differ from a base state in a few nodes.

  The failovers of a node's DRBD primaries only look at the node and the
  instances' secondaries; when none of those changed, their outcome is
  the base state's.  A base failure among them decides at once; a node
  with only DRBD primaries and an unchanged successful outcome needs no
  work.  Everything else is computed on the new state.  Base outcomes
  are computed on first use and kept; since the answer does not depend
  on the order of the nodes, the first failing node ends the check.
  """

  def __init__(self, nodes, instances, order=None):
    """``order``: the indices of the nodes to check (default: all)."""
    self.nodes = nodes
    self.instances = instances
    self.order = list(nodes) if order is None else list(order)
    self.base = {}
    #: the touched sets of the failing bases, in node order
    self.failed = []
    #: failover outcomes (see _FailoverAll)
    self.cache = {}

  def _Base(self, idx):
    # bases are computed in node order (QuickFail relies on it)
    entry = self.base.get(idx)
    if entry is None:
      node = self.nodes[idx]
      (drbd, shared, others) = _Split(self.instances, node)
      (after, touched) = _FailoverAll(self.nodes, drbd, self.cache)
      touched.add(idx)
      entry = (after is not None, frozenset(touched),
               bool(shared or others))
      self.base[idx] = entry
      if after is None:
        self.failed.append(entry[1])
    return entry

  def QuickFail(self, changed):
    """Whether a base failure the change cannot affect exists (False: no
    such failure, or unknown)."""
    for touched in self.failed:
      if not touched & changed:
        return True
    while len(self.base) < len(self.order):
      (ok, touched, _) = self._Base(self.order[len(self.base)])
      if not ok and not touched & changed:
        return True
    return False

  def Clean(self):
    """Whether every node's base outcome is known and none failed (then
    QuickFail is False for every change)."""
    return not self.failed and len(self.base) == len(self.order)

  def QuickFailPair(self, pdx, sdx):
    """QuickFail(frozenset([pdx, sdx])), without building the set."""
    for touched in self.failed:
      if pdx not in touched and sdx not in touched:
        return True
    while len(self.base) < len(self.order):
      (ok, touched, _) = self._Base(self.order[len(self.base)])
      if not ok and pdx not in touched and sdx not in touched:
        return True
    return False

  def Redundant(self, nodes_fn, instances, changed):
    """Whether the base state with the ``changed`` indices replaced is.

    ``nodes_fn()`` builds that state ({idx: Node}) when it is needed.
    """
    changed = frozenset(changed)
    nodes = None
    # failures that the change cannot affect, known ones first
    for touched in self.failed:
      if not touched & changed:
        return False
    for idx in self.order:
      (ok, touched, rest) = self._Base(idx)
      if not touched & changed:
        if not ok:
          return False
        if not rest:
          continue
      if nodes is None:
        nodes = nodes_fn()
      if not CanEvacuateNode(nodes, instances, nodes[idx], self.cache):
        return False
    return True


def Redundant(nodes, instances):
  """Whether every node of ``nodes`` ({idx: Node}) can be evacuated.

  ``instances`` is indexable by the instance indices the nodes refer to.
  """
  return all(CanEvacuateNode(nodes, instances, node)
             for node in nodes.values())
