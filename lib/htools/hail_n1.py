"""Global N+1 redundancy, the capacity check of hail's allocations.

A cluster state is *globally N+1 redundant* when every node could be
emptied: its DRBD primaries failed over to their secondaries, its
instances on shared or external storage failed over to the best other
node of its group, and its other instances (plain, file, diskless)
re-created on the best other node of the group, biggest memory first.
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
  """Changed nodes of a plain failover (no forcing), or None."""
  try:
    (changed, new_inst, _, _) = M.ApplyMove(nodes, inst, M.Move(M.FAILOVER))
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


def CanEvacuateNode(nodes, instances, node):
  """Whether ``node`` can be emptied (see the module docstring)."""
  drbd = []
  shared = []
  others = []
  for idx in node.plist:
    inst = instances[idx]
    if inst.disk_template == T.DT_DRBD8:
      drbd.append(inst)
    elif inst.disk_template in T.MOVABLE_TEMPLATES:
      shared.append(inst)
    else:
      others.append(inst)
  insts = {}
  for inst in drbd:
    res = _Failover(nodes, insts.get(inst.idx, inst))
    if res is None:
      return False
    (changed, new_inst) = res
    nodes = dict(nodes)
    nodes.update(changed)
    insts[inst.idx] = new_inst
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


def Redundant(nodes, instances):
  """Whether every node of ``nodes`` ({idx: Node}) can be evacuated.

  ``instances`` is indexable by the instance indices the nodes refer to.
  """
  return all(CanEvacuateNode(nodes, instances, node)
             for node in nodes.values())
