"""The balancing algorithm of hbal: repeated best single moves.

At each step every movable instance is tried with every allowed move to
every allowed node; the move giving the lowest cluster score wins, as in
Ganeti's htools (the first one found wins ties: instances in index order,
failover first, then the target nodes in index order and the move kinds
in :func:`~ganeti.htools.moves.PossibleMoves` order).

Speed: a candidate move changes two or three nodes, so its score is
computed from the statistics of the unchanged cluster plus the changed
nodes' values (:class:`~ganeti.htools.scoring.Scorer`), not from the whole
node list.  The candidates whose fast score is within a hair of the best
are re-scored with upstream's own arithmetic, so that ties are broken
exactly as upstream's floating point breaks them.
"""

from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import scoring
from ganeti.htools import types as T


class Placement:
  """One step of a solution."""

  __slots__ = ("idx", "pnode", "snode", "move", "score")

  def __init__(self, idx, pnode, snode, move, score):
    self.idx = idx
    self.pnode = pnode
    self.snode = snode
    self.move = move
    self.score = score


class Table:
  """A cluster state with its score and the placements that led to it.

  ``nodes`` and ``instances`` map indices to objects, in index order; they
  hold one node group (the algorithm never looks beyond them).
  """

  def __init__(self, nodes, instances, score, placements):
    self.nodes = nodes
    self.instances = instances
    self.score = score
    self.placements = placements


class Options:
  """Algorithm options (hbal's -l, -e, -g, --no-disk-moves, ...)."""

  def __init__(self, disk_moves=True, instance_moves=True, evac_mode=False,
               restricted_migration=False, ignore_soft_errors=False,
               min_gain=0.01, min_gain_limit=0.1):
    self.disk_moves = disk_moves
    self.instance_moves = instance_moves
    self.evac_mode = evac_mode
    self.restricted_migration = restricted_migration
    self.ignore_soft_errors = ignore_soft_errors
    self.min_gain = min_gain
    self.min_gain_limit = min_gain_limit


def InitialTable(nodes, instances):
  """A table for lists of nodes and instances (their idx are their keys)."""
  ndict = dict((n.idx, n) for n in sorted(nodes, key=lambda n: n.idx))
  idict = dict((i.idx, i) for i in sorted(instances, key=lambda i: i.idx))
  return Table(ndict, idict, metrics.CompCV(list(ndict.values())), [])


def _Candidates(opts, table, node_idx, victims):
  """Yield (instance, move) in upstream's evaluation order."""
  nodes = table.nodes
  allowed = set(node_idx)
  for inst in victims:
    opdx = inst.pnode
    osdx = inst.snode
    mirror = inst.MirrorType()
    use_secondary = osdx in allowed and opts.instance_moves
    if mirror == T.MIRROR_INTERNAL and use_secondary:
      yield (inst, M.Move(M.FAILOVER))
    if not opts.disk_moves and mirror != T.MIRROR_EXTERNAL:
      continue
    primary_drained = nodes[opdx].offline
    for tdx in node_idx:
      if tdx == opdx or tdx == osdx:
        continue
      for move in M.PossibleMoves(mirror, use_secondary, opts.instance_moves,
                                  opts.restricted_migration, primary_drained,
                                  tdx):
        yield (inst, move)


def CheckMove(opts, table, node_idx, victims):
  """The best table after one move, or None if no move improves."""
  scorer = scoring.Scorer(table.nodes)
  best = None
  best_score = table.score
  near = []
  force = opts.ignore_soft_errors
  for (inst, move) in _Candidates(opts, table, node_idx, victims):
    try:
      (changed, new_inst, pdx, sdx) = M.ApplyMove(table.nodes, inst, move,
                                                  force=force)
    except T.MoveFailure:
      continue
    score = scorer.Score(changed)
    if score < best_score - scoring.TIE_WINDOW:
      best_score = score
      best = (inst, move, changed, new_inst, pdx, sdx)
      near = [(score, best)]
    elif score < best_score + scoring.TIE_WINDOW and \
        score < table.score + scoring.TIE_WINDOW:
      near.append((score, (inst, move, changed, new_inst, pdx, sdx)))
      if score < best_score:
        best_score = score
  near = [cand for (score, cand) in near
          if score <= best_score + scoring.TIE_WINDOW]
  if not near:
    return None
  # Resolve near-ties with upstream's arithmetic, first one wins ties
  exact_best = None
  exact_score = table.score
  for cand in near:
    exact = scorer.ExactScore(cand[2])
    if exact < exact_score:
      exact_score = exact
      exact_best = cand
  if exact_best is None:
    return None
  (inst, move, changed, new_inst, pdx, sdx) = exact_best
  nodes = dict(table.nodes)
  for (idx, node) in changed.items():
    nodes[idx] = node
  instances = dict(table.instances)
  instances[inst.idx] = new_inst
  placement = Placement(inst.idx, pdx, sdx, move, exact_score)
  return Table(nodes, instances, exact_score,
               table.placements + [placement])


def _Victims(opts, table):
  nodes = table.nodes.values()
  all_inst = list(table.instances.values())
  if opts.evac_mode:
    bad = set(n.idx for n in nodes if n.offline)
    all_inst = [i for i in all_inst
                if any(n in bad for n in i.AllNodes())]
  return [i for i in all_inst if i.movable and i.auto_balance]


def _Accept(opts, table, fin):
  ini_cv = table.score
  fin_cv = fin.score
  return fin_cv < ini_cv and (ini_cv > opts.min_gain_limit or
                              ini_cv - fin_cv >= opts.min_gain)


def _FastStep(opts, table, search, changed_idx):
  best = search.Best(table, changed_idx, _Victims(opts, table))
  if best is None:
    return None
  (inst, move, changed, new_inst, pdx, sdx, score) = best
  nodes = dict(table.nodes)
  nodes.update(changed)
  instances = dict(table.instances)
  instances[inst.idx] = new_inst
  fin = Table(nodes, instances, score,
              table.placements + [Placement(inst.idx, pdx, sdx, move, score)])
  fin.changed = frozenset(changed)
  return fin if _Accept(opts, table, fin) else None


def TryBalance(opts, table):
  """One balancing round (the plain, non-incremental search)."""
  nodes = table.nodes.values()
  all_inst = list(table.instances.values())
  offline = [n.idx for n in nodes if n.offline]
  online = [n.idx for n in nodes if not n.offline]
  if opts.evac_mode:
    bad = set(offline)
    all_inst = [i for i in all_inst
                if any(n in bad for n in i.AllNodes())]
  victims = [i for i in all_inst if i.movable and i.auto_balance]
  fin = CheckMove(opts, table, online, victims)
  if fin is None:
    return None
  ini_cv = table.score
  fin_cv = fin.score
  if fin_cv < ini_cv and (ini_cv > opts.min_gain_limit or
                          ini_cv - fin_cv >= opts.min_gain):
    return fin
  return None


def DoNextBalance(table, max_rounds, min_score):
  return ((max_rounds < 0 or len(table.placements) < max_rounds) and
          table.score > min_score)


def Iterate(opts, table, max_rounds, min_score, callback=None,
            incremental=True):
  """Balance until no improvement; ``callback(old, new)`` after each step.

  ``incremental`` uses :class:`~ganeti.htools.search.Search`, which keeps
  the candidate moves across steps; otherwise every step evaluates every
  candidate from scratch (the reference the tests compare it with).
  """
  search = None
  changed = frozenset()
  while DoNextBalance(table, max_rounds, min_score):
    if incremental:
      if search is None:
        from ganeti.htools import search as search_mod
        search = search_mod.Search(opts, table)
      new = _FastStep(opts, table, search, changed)
      if new is not None:
        changed = new.changed
    else:
      new = TryBalance(opts, table)
    if new is None:
      break
    if callback is not None:
      callback(table, new)
    table = new
  return table
