"""The move search of the balancer, incremental across steps.

Every candidate move (an instance, a move kind, a target node) has a slot,
laid out in upstream's evaluation order.  A move changes the instance's
own nodes and the target node; its effect on the per-node component
values is kept as two parts:

* the *own* part, what happens to the instance's current nodes; it
  depends on the target only through its location tags and through the
  DRBD peer memory the own node already reserves for it, so the slots of
  one instance share a handful of own rows;
* the *target* part, what happens to the target node.

Each part stores ``D1`` (sum of new minus old values) and ``DSQ`` (sum of
new squares minus old squares).  With the running sums of the current
cluster these give every candidate's score in a few vector operations:
a standard deviation only needs the count, the sum and the sum of squares.
After a step the own rows of the instances on the changed nodes and the
target parts of the slots aiming at them are recomputed; nothing else.

Plain DRBD moves get both parts from the array code of
:mod:`ganeti.htools.searchvec` (big searches recompute their target
parts when scoring instead of storing them), and slots are scored lazily
against certified lower bounds (:mod:`ganeti.htools.lazyscore`).

Slots whose moves change tag-pair maps or produce non-finite values are
scored exactly, and the best candidates (within the tie window) are
re-scored with upstream's own arithmetic, so that the chosen move is the
one upstream's hbal chooses.
"""

import numpy

from ganeti.htools import lazyscore
from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import scoring
from ganeti.htools import searchobj
from ganeti.htools import searchvec
from ganeti.htools import types as T
from ganeti.htools import vtargets as V

_NUMERIC = [pos for pos in range(metrics.COUNT) if pos != metrics.MAP_INDEX]
_NCOMP = len(_NUMERIC)
_IS_STD = numpy.array([metrics.KINDS[p] == metrics.STAT_STDDEV
                       for p in _NUMERIC])
_FOR_ONLINE = numpy.array([metrics.ONLINE[p] for p in _NUMERIC])
_WEIGHTS = numpy.array([metrics.WEIGHTS[p] for p in _NUMERIC])
_MAP_WEIGHT = metrics.WEIGHTS[metrics.MAP_INDEX]
_MAP = metrics.MAP_INDEX
_STD_COLS = numpy.nonzero(_IS_STD)[0]
_SUM_COLS = numpy.nonzero(~_IS_STD)[0]
_NSTD = len(_STD_COLS)

#: move kinds by slot kind code
_KIND_NAMES = numpy.array([M.FAILOVER, M.REPLACE_SECONDARY,
                           M.REPLACE_AND_FAILOVER, M.REPLACE_PRIMARY,
                           M.FAILOVER_AND_REPLACE, M.FAILOVER_TO_ANY])
_KIND_CODE = dict((str(k), c) for (c, k) in enumerate(_KIND_NAMES))
_STD_COL_OF = dict((int(col), num) for (num, col) in enumerate(_STD_COLS))
_COMBINE_CHUNK = 65536
_EVAL_CHUNK = 65536

_INTERNAL_KINDS = (M.REPLACE_SECONDARY, M.REPLACE_AND_FAILOVER,
                   M.REPLACE_PRIMARY, M.FAILOVER_AND_REPLACE)


def _UniqueSlots(nslots, parts):
  """The sorted union of arrays of slot numbers below ``nslots``."""
  mark = numpy.zeros(nslots, dtype=bool)
  for part in parts:
    mark[part] = True
  return numpy.nonzero(mark)[0]


class _Rows:
  """A growable table of (D1, DSQ, valid, exact) rows."""

  def __init__(self, size):
    self.d1 = numpy.zeros((max(size, 1), _NCOMP))
    self.dsq = numpy.zeros((max(size, 1), _NCOMP))
    self.valid = numpy.zeros(max(size, 1), dtype=bool)
    self.exact = numpy.zeros(max(size, 1), dtype=bool)
    self.used = 0
    self.free = []

  def Free(self, rows):
    self.free.extend(rows)

  def Allocate(self):
    if self.free:
      return self.free.pop()
    if self.used == self.valid.shape[0]:
      grow = self.valid.shape[0]
      self.d1 = numpy.concatenate([self.d1, numpy.zeros((grow, _NCOMP))])
      self.dsq = numpy.concatenate([self.dsq, numpy.zeros((grow, _NCOMP))])
      self.valid = numpy.concatenate([self.valid,
                                      numpy.zeros(grow, dtype=bool)])
      self.exact = numpy.concatenate([self.exact,
                                      numpy.zeros(grow, dtype=bool)])
    row = self.used
    self.used += 1
    return row


class Search(searchobj.ObjectParts):
  """Candidate moves of one node group, kept up to date across steps."""

  def __init__(self, opts, table):
    self.opts = opts
    self.order = list(table.nodes)
    self.pos = dict((idx, p) for (p, idx) in enumerate(self.order))
    self.online = [idx for idx in self.order
                   if not table.nodes[idx].offline]
    self.online_set = frozenset(self.online)
    self.offline_flags = [table.nodes[idx].offline for idx in self.order]
    self.offline_arr = numpy.array(self.offline_flags, dtype=bool)
    cands = [i for i in table.instances.values()
             if i.movable and i.auto_balance]
    online_arr = numpy.array(self.online, dtype=numpy.int64)
    ntargets = len(self.online)
    internal = numpy.concatenate([
      [_KIND_CODE[M.FAILOVER]],
      numpy.tile([_KIND_CODE[k] for k in _INTERNAL_KINDS], ntargets)])
    internal_tgt = numpy.concatenate([[-1], numpy.repeat(online_arr, 4)])
    external = numpy.full(ntargets, _KIND_CODE[M.FAILOVER_TO_ANY])
    code_parts = []
    tgt_parts = []
    inst_parts = []
    self.inst_slots = {}
    nslots = 0
    for inst in cands:
      mirror = inst.MirrorType()
      if mirror == T.MIRROR_INTERNAL:
        (codes, tgts) = (internal, internal_tgt)
      elif mirror == T.MIRROR_EXTERNAL:
        (codes, tgts) = (external, online_arr)
      else:
        self.inst_slots[inst.idx] = (nslots, nslots)
        continue
      code_parts.append(codes)
      tgt_parts.append(tgts)
      inst_parts.append(numpy.full(len(codes), inst.idx, dtype=numpy.int64))
      self.inst_slots[inst.idx] = (nslots, nslots + len(codes))
      nslots += len(codes)
    def _Join(parts, dtype):
      return numpy.concatenate(parts).astype(dtype) if parts else \
        numpy.zeros(0, dtype=dtype)
    #: per slot: move kind (code into _KIND_NAMES), instance, target (-1)
    self.kind_code = _Join(code_parts, numpy.int8)
    self.kinds = _KIND_NAMES[self.kind_code]
    self.slot_inst = _Join(inst_parts, numpy.int64)
    self.slot_target = _Join(tgt_parts, numpy.int64)
    (kinds, insts, targets) = (self.kinds, self.slot_inst, self.slot_target)
    nslots = len(kinds)
    # the array formulas for plain DRBD moves (see searchvec)
    self.no_loc = not any(n.location_tags for n in table.nodes.values())
    self.vec = self.no_loc and V.ClusterEligible(table.nodes)
    self.for_online = _FOR_ONLINE
    self.vec_rows = {}
    self.vecparts = None
    if self.vec:
      self.vecparts = searchvec.VecParts(self, table, kinds, insts, targets,
                                         _NCOMP)
      plain = ~self.vecparts.slot_vec
      if self.vecparts.stored:
        plain = numpy.ones(nslots, dtype=bool)
    else:
      plain = numpy.ones(nslots, dtype=bool)
    # target parts: stored rows for the slots the array code does not
    # handle (tgt_row[slot], else -1); validity and exactness per slot
    self.tgt_row = numpy.full(max(nslots, 1), -1, dtype=numpy.int64)
    nplain = int(plain.sum())
    self.tgt_row[numpy.nonzero(plain)[0]] = numpy.arange(nplain)
    self.tgt = _Rows(nplain)
    self.tgt.used = nplain
    self.t_valid = numpy.zeros(max(nslots, 1), dtype=bool)
    self.t_exact = numpy.zeros(max(nslots, 1), dtype=bool)
    self.own = _Rows(4 * len(cands) + 16)
    self.own_idx = numpy.full(max(nslots, 1), -1, dtype=numpy.int64)
    self.slot_key = [None] * nslots
    # whether each slot's move is possible and must be scored exactly
    self.c_valid = numpy.zeros(nslots, dtype=bool)
    self.c_exact = numpy.zeros(nslots, dtype=bool)
    self.target_slots = {}
    if nslots:
      order = numpy.argsort(targets, kind="stable")
      (uniq, first) = numpy.unique(targets[order], return_index=True)
      for (tdx, part) in zip(uniq.tolist(), numpy.split(order, first[1:])):
        self.target_slots[tdx] = part
    self.states = {}
    self.lazy = lazyscore.LazyScores(nslots)
    self.target_col = dict((tdx, col) for (col, tdx) in enumerate(self.online))
    self.table = None
    self.values = None
    self.num_values = None

  def AllowedKinds(self, inst):
    """The move kinds allowed for ``inst`` now (targets checked apart)."""
    opts = self.opts
    use_secondary = inst.snode in self.online_set and opts.instance_moves
    kinds = set()
    mirror = inst.MirrorType()
    if mirror == T.MIRROR_INTERNAL and use_secondary:
      kinds.add(M.FAILOVER)
    if mirror == T.MIRROR_EXTERNAL:
      if opts.instance_moves:
        kinds.add(M.FAILOVER_TO_ANY)
    elif opts.disk_moves:
      kinds.update(m.kind for m in M.PossibleMoves(
        mirror, use_secondary, opts.instance_moves,
        opts.restricted_migration, self.table.nodes[inst.pnode].offline, 0))
    return kinds

  def _RefreshTargets(self, slots):
    slots = numpy.asarray(slots, dtype=numpy.int64)
    if self.vec and slots.size:
      # (the rows of stored vector slots are written by RefreshTargets)
      vec = self.vecparts.slot_vec[slots]
      self.vecparts.RefreshTargets(slots[vec])
      slots = slots[~vec]
    if not slots.size:
      return
    batch = searchobj.Batch()
    tgt = self.tgt
    rows = self.tgt_row[slots]
    slots = slots.tolist()
    tgt.d1[rows] = 0.0
    tgt.dsq[rows] = 0.0
    tgt.exact[rows] = False
    tgt.valid[rows] = False
    self.t_valid[slots] = False
    self.t_exact[slots] = False
    kinds = self.kinds
    targets = self.slot_target
    insts = self.slot_inst
    own_idx = self.own_idx[slots].tolist()
    cache = {}
    valid = []
    for (num, slot) in enumerate(slots):
      if own_idx[num] < 0:
        continue
      state = self.states[int(insts[slot])]
      target = int(targets[slot])
      key = self.slot_key[slot]
      try:
        values = self._TargetNode(state, str(kinds[slot]), key, target,
                                  cache)
      except T.MoveFailure:
        continue
      valid.append(slot)
      if values is not None:
        pos = self.pos[target]
        batch.Add(rows[num], pos, values, self.values[pos])
    tgt.valid[self.tgt_row[valid]] = True
    self.t_valid[valid] = True
    batch.Store(tgt, self)
    self.t_exact[slots] = tgt.exact[rows]

  def _SetTable(self, table, changed_idx):
    old_table = self.table
    self.table = table
    if old_table is None:
      self.values = [metrics.NodeValues(table.nodes[idx]) for idx in self.order]
    else:
      for idx in changed_idx:
        self.values[self.pos[idx]] = metrics.NodeValues(table.nodes[idx])
    self.num_values = numpy.array([searchobj.Numeric(v) for v in self.values],
                                  dtype=float)
    if self.vec:
      self.vecparts.Update(table, old_table, changed_idx)
    if old_table is None:
      self._RefreshOwnAll(list(self.inst_slots))
      everything = numpy.arange(len(self.kinds))
      self._RefreshTargets(everything)
      self._Combine(everything)
      return everything
    tgt_slots = set()
    own_slots = []
    refresh = []
    for (iidx, (start, end)) in self.inst_slots.items():
      inst = table.instances[iidx]
      moved = inst is not old_table.instances[iidx]
      if moved or any(n in changed_idx for n in inst.AllNodes() if n >= 0):
        refresh.append(iidx)
        own_slots.append(numpy.arange(start, end))
        if moved:
          tgt_slots.update(range(start, end))
    self._RefreshOwnAll(refresh)
    tgt_parts = [numpy.array(sorted(tgt_slots), dtype=numpy.int64)]
    for idx in changed_idx:
      if idx in self.target_slots:
        tgt_parts.append(self.target_slots[idx])
    tgt_list = _UniqueSlots(len(self.kinds), tgt_parts)
    self._RefreshTargets(tgt_list)
    fresh = _UniqueSlots(len(self.kinds), own_slots + [tgt_list])
    self._Combine(fresh)
    return fresh

  def _RefreshOwnAll(self, iidxs):
    """New own parts for instances whose nodes changed."""
    vec = []
    for iidx in iidxs:
      if self.vec and self.vecparts.InstanceEligible(iidx):
        vec.append(iidx)
      else:
        self._RefreshOwn(iidx)
    if vec:
      self.vecparts.RefreshOwn(vec)

  def _Combine(self, slots):
    """Recompute the combined deltas of some slots from their parts."""
    if not len(slots):
      return
    for start in range(0, len(slots), _COMBINE_CHUNK):
      self._CombineChunk(slots[start:start + _COMBINE_CHUNK])

  def _CombineChunk(self, slots):
    own_idx = self.own_idx[slots]
    has_own = own_idx >= 0
    safe = numpy.where(has_own, own_idx, 0)
    valid = has_own & self.t_valid[slots] & self.own.valid[safe]
    if self.vec:
      self.vecparts.PeerCorrect(slots, None, None, valid, _STD_COL_OF)
    self.c_valid[slots] = valid
    self.c_exact[slots] = self.t_exact[slots] | self.own.exact[safe]

  def Deltas(self, slots):
    """(D1, DSQ of the standard deviation columns) of some slots: the
    sums of their own and target parts, computed on demand."""
    slots = numpy.asarray(slots, dtype=numpy.int64)
    own_idx = self.own_idx[slots]
    safe = numpy.where(own_idx >= 0, own_idx, 0)
    d1 = self.own.d1[safe]
    dsq = self.own.dsq[safe]
    rows = self.tgt_row[slots]
    plain = numpy.nonzero(rows >= 0)[0]
    if plain.size:
      d1[plain] += self.tgt.d1[rows[plain]]
      dsq[plain] += self.tgt.dsq[rows[plain]]
    dsq = dsq[:, _STD_COLS]
    if self.vec:
      sel = numpy.nonzero(rows < 0)[0]
      if sel.size:
        (_, td1, tdsq, _) = self.vecparts.TargetDeltas(slots[sel])
        d1[sel] += td1
        dsq[sel] += tdsq[:, _STD_COLS]
      valid = numpy.ones(len(slots), dtype=bool)
      self.vecparts.PeerCorrect(slots, d1, dsq, valid, _STD_COL_OF)
    return (d1, dsq)

  @property
  def c_d1(self):
    """The D1 rows of every slot (tests; the search uses Deltas)."""
    return self.Deltas(numpy.arange(len(self.kinds)))[0]

  @property
  def c_dsq(self):
    return self.Deltas(numpy.arange(len(self.kinds)))[1]

  # Scoring --------------------------------------------------------------------
  def _Stats(self):
    """The current cluster's running sums, or None if not finite.

    (counts, shift, s1, s2, sums) per numeric component: the node count,
    the shift (the mean for standard deviations, else 0), the sums of
    the shifted values and of their squares, and the plain sums.
    """
    vals = self.num_values
    offline = self.offline_arr
    n_on = float((~offline).sum())
    n_off = float(offline.sum())
    counts = numpy.where(_FOR_ONLINE, n_on, n_off)
    rowmask = numpy.where(_FOR_ONLINE[None, :], ~offline[:, None],
                          offline[:, None])
    masked = numpy.where(rowmask, vals, 0.0)
    if not numpy.isfinite(masked).all() or (_IS_STD & (counts == 0)).any():
      return None
    sums = masked.sum(axis=0)
    with numpy.errstate(invalid="ignore", divide="ignore"):
      shift = numpy.where(_IS_STD, sums / numpy.where(counts, counts, 1.0),
                          0.0)
      centred = numpy.where(rowmask, vals - shift[None, :], 0.0)
      s1 = centred.sum(axis=0)
      s2 = (centred * centred).sum(axis=0)
    return (counts, shift, s1, s2, sums)

  def _EvalSlots(self, stats, idx):
    """_Eval of the slots ``idx``, their deltas computed by chunks."""
    parts = []
    for start in range(0, len(idx), _EVAL_CHUNK):
      chunk = idx[start:start + _EVAL_CHUNK]
      (d1, dsq) = self.Deltas(chunk)
      parts.append(self._Eval(stats, d1, dsq))
    if not parts:
      return (numpy.zeros(0), numpy.zeros((0, _NSTD)),
              numpy.zeros((0, _NSTD)))
    return tuple(numpy.concatenate(p) for p in zip(*parts))

  def _Eval(self, stats, sd1, sdsq):
    """(fast scores without the map term, variances, |sum of deltas|)
    of slots with the D1 rows ``sd1`` and standard deviation DSQ rows
    ``sdsq``, the last two per standard deviation column."""
    (counts, shift, s1, s2, sums) = stats
    std_d1 = sd1[:, _STD_COLS]
    n1 = std_d1 + s1[_STD_COLS]
    n2 = sdsq + (s2[_STD_COLS] - 2.0 * shift[_STD_COLS] * std_d1)
    inv = 1.0 / counts[_STD_COLS]
    n1 *= inv
    n2 *= inv
    n2 -= n1 * n1
    numpy.maximum(n2, 0.0, out=n2)
    var = n2.copy()
    numpy.sqrt(n2, out=n2)
    sub = n2 @ _WEIGHTS[_STD_COLS]
    sub += (sd1[:, _SUM_COLS] + sums[_SUM_COLS]) @ _WEIGHTS[_SUM_COLS]
    return (sub, var, numpy.abs(std_d1))

  def _BaseScore(self, stats):
    """The fast score of the current cluster (no move), less the map."""
    (counts, _, s1, s2, sums) = stats
    (var, mean) = self._Moments(stats)
    del counts, s1, s2, mean
    return numpy.sqrt(var) @ _WEIGHTS[_STD_COLS] + \
      sums[_SUM_COLS] @ _WEIGHTS[_SUM_COLS]

  @staticmethod
  def _Moments(stats):
    """(variances, means) of the standard deviation columns."""
    (counts, shift, s1, s2, sums) = stats
    inv = 1.0 / counts[_STD_COLS]
    m1 = s1[_STD_COLS] * inv
    var = numpy.maximum(s2[_STD_COLS] * inv - m1 * m1, 0.0)
    return (var, sums[_STD_COLS] * inv)

  def _FastScores(self, d1, dsq, idx):
    """Fast scores of the slots ``idx`` (others +inf), or None."""
    stats = self._Stats()
    if stats is None:
      return None
    scores = numpy.full(d1.shape[0], numpy.inf)
    if idx.size:
      scores[idx] = self._Eval(stats, d1[idx], dsq[idx])[0]
    base_map = metrics.StatsFromValues(self.offline_flags,
                                       self.values)[_MAP]
    return scores + base_map * _MAP_WEIGHT

  def _LazyNear(self, stats, scorable, fresh):
    """The scorable slots within the tie window of the best fast score.

    Uses the lower bounds of :mod:`ganeti.htools.lazyscore`: only the
    slots refreshed by this step and those whose bound reaches the best
    score found are evaluated.
    """
    lazy = self.lazy
    (var, mean) = self._Moments(stats)
    counts = stats[0][_STD_COLS]
    base = self._BaseScore(stats)
    window = scoring.TIE_WINDOW
    if lazy.Start((var, mean, counts), _WEIGHTS[_STD_COLS]):
      idx = numpy.nonzero(scorable)[0]
      (fast, cvar, d1abs) = self._EvalSlots(stats, idx)
      rel = fast - base
      lazy.Full(idx, rel, cvar, d1abs)
      if not idx.size:
        return idx
      return idx[rel <= rel.min() + window]
    lazy.Invalidate(fresh[~scorable[fresh]])
    todo = fresh[scorable[fresh]]
    evaluated = numpy.zeros(len(scorable), dtype=bool)
    done = []
    best = numpy.inf
    count = 0
    live = curl = None
    while True:
      if todo.size:
        (fast, cvar, d1abs) = self._EvalSlots(stats, todo)
        rel = fast - base
        lazy.Record(todo, rel, cvar, d1abs)
        evaluated[todo] = True
        done.append(todo)
        count += todo.size
        best = min(best, rel.min())
      if live is None:
        live = lazy.Live()
        curl = lazy.CurrentAt(live)
        curl[~scorable[live]] = numpy.inf
        if not numpy.isfinite(best):
          if not live.size:
            return numpy.zeros(0, dtype=numpy.int64)
          first = int(numpy.argmin(curl))
          if not numpy.isfinite(curl[first]):
            return numpy.zeros(0, dtype=numpy.int64)
          todo = live[first:first + 1]
          continue
      todo = live[(curl <= best + window + lazyscore.SLACK) &
                  ~evaluated[live]]
      if not todo.size:
        break
    if count * 2 > len(scorable):
      # the bounds got loose: score everything next step (and tighten)
      lazy.Reset()
    done = numpy.sort(numpy.concatenate(done))
    return done[lazy.lb0[done] <= best + window]

  def Best(self, table, changed_idx, victims):
    """The best move as a tuple ending with its exact score, or None."""
    fresh = self._SetTable(table, changed_idx)
    valid = self.c_valid.copy()
    exact = self.c_exact
    victim_set = set(i.idx for i in victims)
    all_victims = len(victim_set) == len(self.inst_slots)
    if not all_victims:
      for (iidx, (start, end)) in self.inst_slots.items():
        if iidx not in victim_set:
          valid[start:end] = False
    stats = self._Stats()
    if stats is None:
      self.lazy.Reset()
      candidates = numpy.nonzero(valid)[0]
    elif not all_victims:
      self.lazy.Reset()
      (d1, dsq) = self.Deltas(numpy.arange(len(self.kinds)))
      fast = self._FastScores(d1, dsq, numpy.nonzero(valid & ~exact)[0])
      best = fast.min() if fast.size else numpy.inf
      near = valid & ~exact & (fast <= best + scoring.TIE_WINDOW)
      candidates = numpy.nonzero(near | (valid & exact))[0]
    else:
      near = numpy.zeros(len(valid), dtype=bool)
      near[self._LazyNear(stats, valid & ~exact, fresh)] = True
      candidates = numpy.nonzero(near | (valid & exact))[0]
    scorer = scoring.Scorer(table.nodes)
    best_slot = None
    best_score = table.score
    force = self.opts.ignore_soft_errors
    for slot in candidates.tolist():
      inst = table.instances[int(self.slot_inst[slot])]
      target = int(self.slot_target[slot])
      move = M.Move(str(self.kinds[slot]), None if target < 0 else target)
      try:
        (changed, new_inst, pdx, sdx) = M.ApplyMove(table.nodes, inst, move,
                                                    force=force)
      except T.MoveFailure:
        continue
      score = scorer.ExactScore(changed)
      if score < best_score:
        best_score = score
        best_slot = (inst, move, changed, new_inst, pdx, sdx, score)
    return best_slot
