"""Moving existing instances: node-evacuate, change-group and relocate.

Upstream's ``tryNodeEvac``, ``tryChangeGroup`` and ``processRelocate``:
every instance is moved on its own, in request order, on the state left
by the previous ones; the target is the one that gives the lowest score
of the target group (a later target wins a tie).  The answer lists the
moved instances (name, group, new nodes), the failed ones (name,
reason) and, per moved instance, one job of opcodes (migrate/failover
and replace-disks) that performs the move.

Failures of single instances are part of the answer; :class:`EvacError`
is a failure of the whole request.
"""

from ganeti.htools import hail_alloc
from ganeti.htools import moves as M
from ganeti.htools import types as T
from ganeti.htools.iallocator import EVAC_ALL, EVAC_PRIMARY, EVAC_SECONDARY
from ganeti.htools.iallocator import Obj


class EvacError(Exception):
  """The request fails as a whole (upstream's ``Bad``)."""


class _InstFail(Exception):
  """This instance cannot be moved; the text goes into the answer."""


# Opcodes ------------------------------------------------------------------
def _Migrate(name, target=None):
  pairs = [("OP_ID", "OP_INSTANCE_MIGRATE"), ("instance_name", name)]
  if target is not None:
    pairs.append(("target_node", target))
  pairs.extend([("allow_runtime_changes", False), ("ignore_ipolicy", False),
                ("cleanup", False), ("allow_failover", True),
                ("ignore_hvversions", True)])
  return Obj(pairs)


def _Replace(name, node):
  return Obj([("OP_ID", "OP_INSTANCE_REPLACE_DISKS"), ("instance_name", name),
              ("early_release", False), ("ignore_ipolicy", False),
              ("mode", "replace_new_secondary"), ("disks", []),
              ("remote_node", node)])


def MoveOpcodes(nodes, inst, move):
  """The opcodes of one move (upstream's iMoveToJob)."""
  name = inst.name
  kind = move.kind
  if kind == M.FAILOVER:
    return [_Migrate(name)]
  target = nodes[move.target].name
  if kind == M.FAILOVER_TO_ANY:
    return [_Migrate(name, target)]
  if kind == M.REPLACE_PRIMARY:
    return [_Migrate(name), _Replace(name, target), _Migrate(name)]
  if kind == M.REPLACE_SECONDARY:
    return [_Replace(name, target)]
  if kind == M.REPLACE_AND_FAILOVER:
    return [_Replace(name, target), _Migrate(name)]
  return [_Migrate(name), _Replace(name, target)]


# Helpers ---------------------------------------------------------------------
def _Apply(nodes, changed):
  new = list(nodes)
  for (idx, node) in changed.items():
    new[idx] = node
  return new


def _Better(old_cv, new_cv):
  """Whether a new candidate replaces the current best (ties: the new)."""
  return not old_cv < new_cv


def _ApplyEx(nodes, inst, move, force):
  (changed, new_inst, _, _) = M.ApplyMove(nodes, inst, move, force=force)
  return (_Apply(nodes, changed), new_inst)


def _SetInst(instances, inst):
  new = list(instances)
  new[inst.idx] = inst
  return new


class _Overlay:
  """A node list seen through a few changed nodes ({idx: Node})."""

  def __init__(self, base, changed=None):
    self.base = base
    self.changed = dict(changed or {})

  def __getitem__(self, idx):
    node = self.changed.get(idx)
    return self.base[idx] if node is None else node

  def Apply(self, changed):
    new = _Overlay(self.base, self.changed)
    new.changed.update(changed)
    return new


class NodeValuesCache:
  """metrics.NodeValues of nodes seen before, by identity.

  One request's moves share most nodes between the states they score;
  nodes are never changed once built, so their values are computed once.
  """

  def __init__(self):
    from ganeti.htools import metrics
    self.compute = metrics.NodeValues
    self.cache = {}

  def __call__(self, node):
    entry = self.cache.get(id(node))
    if entry is not None and entry[0] is node:
      return entry[1]
    values = self.compute(node)
    self.cache[id(node)] = (node, values)
    return values


class Context:
  """What the moves of one request share: node values and group Scorers."""

  def __init__(self):
    from ganeti.htools import hail_score
    self.values_of = NodeValuesCache()
    self.scorers = hail_score.ScorerCache(self.values_of)


class _Picker:
  """The best of candidate states by the score of one group.

  Upstream folds over the candidates keeping the new one unless the
  current best scores strictly lower: the last of the lowest wins.
  Fast scores rank the candidates; those within the tie window of the
  lowest are compared exactly.  With a :class:`Context`, the group's
  Scorer is derived from the previous move's, and candidates that share
  all changed nodes but their target (``own``) are scored against a
  Scorer derived with the shared ones.
  """

  def __init__(self, nodes, gdx, ctx=None):
    from ganeti.htools import scoring
    self.scoring = scoring
    self.gdx = gdx
    self.view = dict((n.idx, n) for n in nodes if n.group == gdx)
    if ctx is None:
      self.scorer = scoring.Scorer(self.view)
      self.derived = None
    else:
      self.scorer = ctx.scorers.Get(gdx, self.view)
      self.derived = {}
    self.cands = []

  def _ScorerFor(self, mine, own):
    """(Scorer, changed nodes for it) of a candidate."""
    if own is None or self.derived is None or own not in mine:
      return (self.scorer, mine)
    shared = dict((idx, node) for (idx, node) in mine.items() if idx != own)
    key = tuple(sorted((idx, id(node)) for (idx, node) in shared.items()))
    entry = self.derived.get(key)
    if entry is None:
      from ganeti.htools import hail_score
      derived = hail_score.Derive(self.scorer, shared) if shared else \
        self.scorer
      # the entry keeps the shared nodes alive: their ids stay theirs
      entry = (shared, derived)
      self.derived[key] = entry
    if entry[1] is None:
      return (self.scorer, mine)
    return (entry[1], {own: mine[own]})

  def Add(self, changed, payload, own=None):
    mine = dict((idx, node) for (idx, node) in changed.items()
                if idx in self.view)
    (scorer, part) = self._ScorerFor(mine, own)
    fast = None
    if len(part) == 1 and self.derived is not None:
      from ganeti.htools import hail_score
      ((idx, node),) = part.items()
      fast = hail_score.ScoreOne(scorer, idx, scorer.values_of(node))
    if fast is None:
      fast = scorer.Score(part)
    self.cands.append((scorer, part, fast, payload))

  def Best(self):
    """(payload, exact score) of the winner, or None."""
    if not self.cands:
      return None
    fast = [c[2] for c in self.cands]
    if not self.scorer.finite or not all(f == f and abs(f) != float("inf")
                                         for f in fast):
      near = range(len(self.cands))
    else:
      low = min(fast)
      near = [i for (i, f) in enumerate(fast)
              if f - low <= self.scoring.TIE_WINDOW]
    best = None
    for i in near:
      (scorer, part) = self.cands[i][:2]
      exact = scorer.ExactScore(part)
      if best is None or _Better(best[1], exact):
        best = (i, exact)
    return (self.cands[best[0]][3], best[1])


def _EvacOneNodeOnly(opts, nodes, instances, inst, gdx, avail,
                     ctx=None):
  mirror = inst.MirrorType()
  if mirror == T.MIRROR_NONE:
    raise _InstFail("Can't relocate/evacuate non-mirrored instances")
  kind = M.REPLACE_SECONDARY if mirror == T.MIRROR_INTERNAL else \
    M.FAILOVER_TO_ANY
  picker = _Picker(nodes, gdx, ctx)
  fails = ""
  prepared = M.Prepared(nodes, inst, opts.ignore_soft_errors)
  fit = None
  if kind == M.REPLACE_SECONDARY and not opts.ignore_soft_errors and \
     inst.snode >= 0 and not nodes[inst.snode].offline:
    # a secondary change fails first where the strict AddSec on the
    # target does (removing the instance from its nodes cannot fail):
    # those targets are told apart without building the move
    from ganeti.htools import hail_pairs
    fit = hail_pairs.SecFit(nodes, inst)
  for ndx in avail:
    if fit is not None:
      mode = fit.Fail(ndx, inst.pnode)
      if mode is not None:
        if not picker.cands:
          fails += " Node %s failed: %s;" % (nodes[ndx].name, mode.value)
        continue
    move = M.Move(kind, ndx)
    try:
      (changed, new_inst, _, _) = prepared.Apply(move)
    except T.MoveFailure as err:
      if not picker.cands:
        fails += " Node %s failed: %s;" % (nodes[ndx].name, err.mode.value)
      continue
    picker.Add(changed, (changed, new_inst, move), own=ndx)
  best = picker.Best()
  if best is None:
    raise _InstFail("Can't find any good node: " + fails)
  ((changed, new_inst, move), _) = best
  new_nodes = _Apply(nodes, changed)
  new_insts = _SetInst(instances, new_inst)
  return (new_nodes, new_insts, MoveOpcodes(new_nodes, new_inst, move))


def _Step(nodes, inst, move, force, what, prepared=None):
  """(nodes, instance) after ``move``; ``prepared`` is an M.Prepared of
  the same nodes and instance whose shared parts it reuses."""
  if prepared is None:
    prepared = M.Prepared(nodes, inst, force)
  try:
    (changed, new_inst, _, _) = prepared.Apply(move)
  except T.MoveFailure as err:
    raise _InstFail("%s: %s" % (what, err.mode.value))
  return (nodes.Apply(changed), new_inst)


def _DrbdAllSteps(opts, nodes, inst, avail):
  """The target pairs of a DRBD instance's change of both nodes.

  Upstream's moves for a pair (new primary P, new secondary S): fail
  over first if the primary is offline, change the secondary to P, fail
  over to P, change the secondary to S.  All but the last move depend on
  P alone, so they are made once per P and shared by its pairs (the
  overlays are never changed).  Yields (changed nodes, moved instance,
  moves, sdx) or (_InstFail, None, None, None), in upstream's order of
  the pairs; a failure of P's own moves is yielded once for all its
  pairs (they would all fail so, and only the last failure's text is
  kept).
  """
  force = opts.ignore_soft_errors
  base = _Overlay(nodes)
  pre_moves = []
  pre_fail = None
  if nodes[inst.pnode].offline:
    try:
      (base, inst) = _Step(base, inst, M.Move(M.FAILOVER), force,
                           "Failing over to the secondary")
      pre_moves.append(M.Move(M.FAILOVER))
    except _InstFail as fail:
      pre_fail = fail
  first = M.Prepared(base, inst, force)
  for pdx in avail:
    seconds = [sdx for sdx in avail if sdx != pdx]
    if not seconds:
      continue
    fail = pre_fail
    if fail is None:
      to_p = M.Move(M.REPLACE_SECONDARY, pdx)
      try:
        (mid, mid_inst) = _Step(base, inst, to_p, force,
                                "Changing secondary to new primary", first)
        (mid, mid_inst) = _Step(mid, mid_inst, M.Move(M.FAILOVER), force,
                                "Failing over to new primary")
      except _InstFail as err:
        fail = err
    if fail is not None:
      yield (fail, None, None, None)
      continue
    last = M.Prepared(mid, mid_inst, force)
    for sdx in seconds:
      to_s = M.Move(M.REPLACE_SECONDARY, sdx)
      try:
        (final, new_inst) = _Step(mid, mid_inst, to_s, force,
                                  "Changing secondary to final secondary",
                                  last)
      except _InstFail as err:
        yield (err, None, None, None)
        continue
      yield (final.changed, new_inst,
             pre_moves + [to_p, M.Move(M.FAILOVER), to_s], sdx)


def _DrbdAll(opts, nodes, instances, inst, gdx, avail, ctx=None):
  picker = _Picker(nodes, gdx, ctx)
  err = "no nodes available"
  for (changed, new_inst, moves, sdx) in _DrbdAllSteps(opts, nodes, inst,
                                                       avail):
    if new_inst is None:
      if not picker.cands:
        err = "Allocation failed: %s" % changed
      continue
    # the pairs of one new primary share every changed node but the
    # final secondary: scored against a Scorer derived with those
    picker.Add(changed, (changed, new_inst, moves), own=sdx)
  best = picker.Best()
  if best is None:
    raise _InstFail("Can't find any good nodes for relocation: " + err)
  ((changed, new_inst, moves), _) = best
  new_nodes = _Apply(nodes, changed)
  ops = []
  for move in moves:
    ops.extend(MoveOpcodes(new_nodes, new_inst, move))
  return (new_nodes, _SetInst(instances, new_inst), ops)


def NodeEvacInstance(opts, nodes, instances, mode, inst, gdx, avail,
                     ctx=None):
  """(nodes, instances, opcodes) after moving one instance, or _InstFail.

  ``ctx``: the :class:`Context` shared by the moves of one request.
  """
  dtmpl = inst.disk_template
  if dtmpl == T.DT_PLAIN:
    raise _InstFail("Instances of type plain cannot be relocated")
  if dtmpl == T.DT_FILE:
    raise _InstFail("Instances of type file cannot be relocated")
  if dtmpl != T.DT_DRBD8:
    if mode == EVAC_SECONDARY:
      raise _InstFail("Instances with disk template '%s' can't execute"
                      " change secondary" % dtmpl)
    return _EvacOneNodeOnly(opts, nodes, instances, inst, gdx, avail,
                            ctx)
  if mode == EVAC_PRIMARY:
    move = M.Move(M.FAILOVER)
    try:
      (new_nodes, new_inst) = _ApplyEx(nodes, inst, move,
                                       opts.ignore_soft_errors)
    except T.MoveFailure as err:
      raise _InstFail(err.mode.value)
    return (new_nodes, _SetInst(instances, new_inst),
            MoveOpcodes(new_nodes, new_inst, move))
  if mode == EVAC_SECONDARY:
    return _EvacOneNodeOnly(opts, nodes, instances, inst, gdx, avail,
                            ctx)
  return _DrbdAll(opts, nodes, instances, inst, gdx, avail, ctx)


class EvacSolution:
  """Moved (idx, gdx, [ndx]), failed (idx, text), opcode jobs."""

  def __init__(self):
    self.moved = []
    self.failed = []
    self.jobs = []


def _GroupNodeIdx(nodes, instances):
  return dict((gdx, [n.idx for n in gnodes]) for (gdx, gnodes, _) in
              hail_alloc.SplitCluster(nodes, instances))


def _Available(group_ndx, excl, gdx):
  if gdx not in group_ndx:
    raise _InstFail("Can't find group with index %d" % gdx)
  return [n for n in group_ndx[gdx] if n not in excl]


def _Record(state, idx, fn):
  (nodes, instances, esol) = state
  try:
    (nodes, instances, ops) = fn()
  except _InstFail as err:
    esol.failed.append((idx, str(err)))
    return (state[0], state[1], esol)
  inst = instances[idx]
  esol.moved.append((idx, nodes[inst.pnode].group,
                     [n for n in inst.AllNodes() if n >= 0]))
  esol.jobs.append(ops)
  return (nodes, instances, esol)


def _EvacNodes(instances, mode, idxs):
  result = set()
  for idx in idxs:
    inst = instances[idx]
    if mode in (EVAC_PRIMARY, EVAC_ALL):
      result.add(inst.pnode)
    if mode in (EVAC_SECONDARY, EVAC_ALL) and \
       inst.disk_template == T.DT_DRBD8:
      result.add(inst.snode)
  result.discard(-1)
  return result


def TryNodeEvac(opts, groups, nodes, instances, mode, idxs):
  """(nodes, instances, EvacSolution) of a node-evacuate request."""
  excl = _EvacNodes(instances, mode, idxs)
  excl.update(n.idx for n in nodes if n.offline)
  group_ndx = _GroupNodeIdx(nodes, instances)
  state = (nodes, instances, EvacSolution())
  ctx = Context()
  for idx in idxs:
    inst = instances[idx]

    def _Run(inst=inst):
      (cur_nodes, cur_insts) = (state[0], state[1])
      gdx = cur_nodes[inst.pnode].group
      avail = _Available(group_ndx, excl | set([inst.pnode]), gdx)
      return NodeEvacInstance(opts, cur_nodes, cur_insts, mode, inst, gdx,
                              avail, ctx)
    state = _Record(state, idx, _Run)
  return state


def TryChangeGroup(opts, groups, nodes, instances, gdxs, idxs):
  """(nodes, instances, EvacSolution) of a change-group request."""
  evac = []
  for idx in idxs:
    gdx = nodes[instances[idx].pnode].group
    if gdx not in evac:
      evac.append(gdx)
  targets = [g for g in (gdxs or [g.idx for g in groups]) if g not in evac]
  excl = set(n.idx for n in nodes if n.offline)
  group_ndx = _GroupNodeIdx(nodes, instances)
  default = hail_alloc.Options(capacity=opts.capacity,
                               restrict_to_nodes=opts.restrict_to_nodes)
  state = (nodes, instances, EvacSolution())
  ctx = Context()
  for idx in idxs:
    inst = instances[idx]

    def _Run(inst=inst):
      (cur_nodes, cur_insts) = (state[0], state[1])
      count = inst.RequiredNodes()
      try:
        (grp, _, _) = hail_alloc.FindBestAllocGroup(
          opts, groups, cur_nodes, cur_insts, targets, inst, count)
      except hail_alloc.AllocError as err:
        raise _InstFail(str(err))
      avail = _Available(group_ndx, excl, grp.idx)
      return NodeEvacInstance(default, cur_nodes, cur_insts, EVAC_ALL, inst,
                              grp.idx, avail, ctx)
    state = _Record(state, idx, _Run)
  return state


def FormatEvac(groups, nodes, instances, esol):
  """(info, result) of an evacuation answer."""
  moved = [[instances[idx].name, groups[gdx].name,
            [nodes[n].name for n in ndxs]] for (idx, gdx, ndxs) in esol.moved]
  failed = [[instances[idx].name, msg] for (idx, msg) in esol.failed]
  info = ("%d instances failed to move and %d were moved successfully" %
          (len(failed), len(moved)))
  return (info, [moved, failed, esol.jobs])


def ProcessRelocate(opts, groups, nodes, instances, idx, reqn, exclude):
  """(nodes, instances, [new node indices]) of a relocate request."""
  if reqn != 1:
    raise EvacError("Exchange %d nodes mode is not implemented" % reqn)
  orig = instances[idx]
  mirror = orig.MirrorType()
  if mirror == T.MIRROR_NONE:
    raise EvacError("Can't relocate non-mirrored instances")
  if mirror == T.MIRROR_INTERNAL:
    (exp_node, what, mode) = (orig.snode, "secondary", EVAC_SECONDARY)
  else:
    (exp_node, what, mode) = (orig.pnode, "primary", EVAC_PRIMARY)
  if list(exclude) != [exp_node]:
    raise EvacError("Unsupported request: excluded nodes not equal to"
                    " instance's %s(%d versus [%s])" %
                    (what, exp_node, ",".join(str(e) for e in exclude)))
  (new_nodes, new_insts, esol) = TryNodeEvac(opts, groups, nodes, instances,
                                             mode, [idx])
  for (fidx, msg) in esol.failed:
    if fidx == idx:
      raise EvacError(msg)
  moved = [ndxs for (midx, _, ndxs) in esol.moved if midx == idx]
  if not moved:
    raise EvacError("Internal error: lost instance idx during move")
  inst = new_insts[idx]
  if mirror == T.MIRROR_INTERNAL:
    if inst.snode == orig.snode:
      raise EvacError("Internal error: instance didn't change secondary"
                      " node?!")
    result = [inst.snode]
  else:
    if inst.pnode == orig.pnode:
      raise EvacError("Internal error: instance didn't change primary"
                      " node?!")
    result = [inst.pnode]
  return (new_nodes, new_insts, result)
