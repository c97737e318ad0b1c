"""Global N+1 redundancy: can every instance leave a node at once?

A node is "directly evacuable" (hcheck's ``GN1_FAIL`` counts the nodes
that are not) when, starting from the current state of its node group:

1. every DRBD instance with its primary on the node can fail over to its
   secondary (one after the other, soft errors ignored);
2. then every instance that moves freely (diskless, sharedfile, rbd,
   ext, gluster: upstream's ``diskTemplateMovable``) can move its primary
   to some other node of the group, each one to the node that leaves the
   group with the lowest score;
3. then every instance that cannot move (plain, file, blockdev) can be
   created anew on some other node of the group, the
   largest memory first, each on the node giving the lowest score.

Each instance sees the capacity the previous ones took; ties between
targets go to the later node, as upstream.

Nodes are looked up in the group's own node map: an instance whose
secondary lies in another group makes upstream's program stop with an
internal error; :class:`MissingNode` reports that case so the programs
can do the same.
"""

import math

from ganeti.htools import moves as M
from ganeti.htools import scoring
from ganeti.htools import types as T

#: Templates whose instances move freely inside a group (no data copy)
SHARED_TEMPLATES = T.FREELY_MOVABLE_TEMPLATES


class MissingNode(Exception):
  """An instance refers to a node outside the node map (``key``)."""

  def __init__(self, key):
    Exception.__init__(self, "node %d is not in the map" % key)
    self.key = key


def Find(nodes, idx):
  """``nodes[idx]``, raising :class:`MissingNode` if absent."""
  try:
    return nodes[idx]
  except KeyError:
    raise MissingNode(idx)


def _Best(nodes, candidates):
  """The (changed nodes, payload) of the best candidate, or None.

  ``candidates`` are (changed {idx: Node}, payload) in target order; the
  best one gives the lowest group score, the later one on ties (upstream
  keeps a new solution unless the old one is strictly better).  Scores
  are ranked fast; the ones within the tie window of the best are
  compared with upstream's arithmetic.
  """
  if not candidates:
    return None
  scorer = scoring.Scorer(nodes)
  fast = [scorer.Score(changed) for (changed, _) in candidates]
  if all(math.isfinite(f) for f in fast):
    low = min(fast)
    near = [c for (f, c) in zip(fast, candidates)
            if f <= low + scoring.TIE_WINDOW]
  else:
    near = candidates
  best = None
  for cand in near:
    score = scorer.ExactScore(cand[0])
    if best is None or not best[0] < score:
      best = (score, cand)
  return best[1]


def Failover(nodes, instances, idx):
  """Fail the DRBD instance ``idx`` over; returns new (nodes, instances).

  Soft errors are ignored on both nodes.  Raises MoveFailure.
  """
  inst = instances[idx]
  Find(nodes, inst.pnode)
  Find(nodes, inst.snode)
  (changed, new_inst, _, _) = M.ApplyMove(nodes, inst, M.Move(M.FAILOVER),
                                          force=True)
  new_nodes = dict(nodes)
  new_nodes.update(changed)
  new_insts = dict(instances)
  new_insts[idx] = new_inst
  return (new_nodes, new_insts)


def MoveShared(nodes, instances, idx, targets):
  """Move the shared-storage instance ``idx`` to the best of ``targets``.

  The best target gives the lowest group score after the move (see
  :func:`_Best`).  Raises MoveFailure if none accepts the instance.
  """
  inst = instances[idx]
  candidates = []
  for ndx in targets:
    try:
      (changed, new_inst, _, _) = M.ApplyMove(
        nodes, inst, M.Move(M.FAILOVER_TO_ANY, ndx), force=True)
    except T.MoveFailure:
      continue
    candidates.append((changed, new_inst))
  best = _Best(nodes, candidates)
  if best is None:
    raise T.MoveFailure(T.FailMode.FailN1)
  new_nodes = dict(nodes)
  new_nodes.update(best[0])
  new_insts = dict(instances)
  new_insts[idx] = best[1]
  return (new_nodes, new_insts)


def Recreate(nodes, inst, targets):
  """New nodes after creating ``inst`` on the best of ``targets``.

  The instance must fit the target's policy; soft errors are ignored.
  Raises MoveFailure if no target accepts it.
  """
  candidates = []
  for ndx in targets:
    node = nodes[ndx]
    if inst.MatchesPolicy(node.ipolicy, node.excl_storage) is not None:
      continue
    try:
      candidates.append(({ndx: node.AddPri(inst, force=True)}, None))
    except T.MoveFailure:
      continue
  best = _Best(nodes, candidates)
  if best is None:
    raise T.MoveFailure(T.FailMode.FailN1)
  new_nodes = dict(nodes)
  new_nodes.update(best[0])
  return new_nodes


def CanEvacuateNode(nodes, instances, node):
  """Whether all instances of ``node`` can leave it at once (see above).

  ``nodes`` and ``instances`` map indices to the group's nodes and
  instances.  May raise :class:`MissingNode`.
  """
  drbd = [i for i in node.plist if instances[i].disk_template == T.DT_DRBD8]
  others = [i for i in node.plist
            if instances[i].disk_template != T.DT_DRBD8]
  shared = [i for i in others
            if instances[i].disk_template in SHARED_TEMPLATES]
  fixed = [i for i in others
           if instances[i].disk_template not in SHARED_TEMPLATES]
  try:
    for idx in drbd:
      (nodes, instances) = Failover(nodes, instances, idx)
    targets = [k for k in sorted(nodes)
               if k != node.idx and nodes[k].group == node.group]
    for idx in shared:
      (nodes, instances) = MoveShared(nodes, instances, idx, targets)
    for inst in sorted((instances[i] for i in fixed), key=lambda i: -i.mem):
      nodes = Recreate(nodes, inst, targets)
  except T.MoveFailure:
    return False
  return True


def CountNotEvacuable(nodes, instances):
  """How many nodes of a group (``{idx: Node}``) cannot be evacuated."""
  return sum(1 for k in sorted(nodes)
             if not CanEvacuateNode(nodes, instances, nodes[k]))
