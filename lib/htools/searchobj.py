"""The per-object side of the search: parts computed with Node objects.

For every slot the array code (:mod:`ganeti.htools.searchvec`) does not
handle -- instances with tags or forthcoming, clusters with location or
migration tags, exclusive storage, ... -- :class:`ObjectParts` (a base of
:class:`ganeti.htools.search.Search`) computes the own and target parts
with the placement operations of :mod:`ganeti.htools.node`, sharing own
rows between the targets that give the same own nodes.
"""

import numpy

from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import types as T

_NUMERIC = [pos for pos in range(metrics.COUNT) if pos != metrics.MAP_INDEX]
_FOR_ONLINE = numpy.array([metrics.ONLINE[p] for p in _NUMERIC])
_MAP = metrics.MAP_INDEX
_INTERNAL_KINDS = (M.REPLACE_SECONDARY, M.REPLACE_AND_FAILOVER,
                   M.REPLACE_PRIMARY, M.FAILOVER_AND_REPLACE)

_N1_POS = metrics.NAMES.index("n1_cnt")
_REM_POS = metrics.NAMES.index("reserved_mem_cv")
_RTOTAL_POS = metrics.NAMES.index("reserved_mem_rtotal")


def _Div(num, den):
  """Node's division (zero denominators give NaN or infinities)."""
  if den == 0:
    if num == 0:
      return numpy.nan
    return numpy.copysign(numpy.inf, num)
  return num / den


def Numeric(values):
  return [values[p] for p in _NUMERIC]


class Batch:
  """Changed-node values collected for some rows, turned into deltas."""

  def __init__(self):
    self.rows = []
    self.pos = []
    self.new = []
    self.exact_rows = []

  def Add(self, row, pos, values, old_values):
    if values[_MAP] != old_values[_MAP]:
      self.exact_rows.append(row)
    self.rows.append(row)
    self.pos.append(pos)
    self.new.append(Numeric(values))

  def Store(self, table, search):
    if self.exact_rows:
      table.exact[self.exact_rows] = True
    if not self.rows:
      return
    rows = numpy.array(self.rows, dtype=numpy.int64)
    pos = numpy.array(self.pos, dtype=numpy.int64)
    new = numpy.array(self.new, dtype=float)
    old = search.num_values[pos]
    online = ~search.offline_arr[pos]
    mask = online[:, None] == _FOR_ONLINE[None, :]
    with numpy.errstate(invalid="ignore", over="ignore"):
      delta = numpy.where(mask, new - old, 0.0)
      dsq = numpy.where(mask, new * new - old * old, 0.0)
    bad = ~(numpy.isfinite(delta).all(axis=1) & numpy.isfinite(dsq).all(axis=1))
    if bad.any():
      table.exact[rows[bad]] = True
      delta[bad] = 0.0
      dsq[bad] = 0.0
    numpy.add.at(table.d1, rows, delta)
    numpy.add.at(table.dsq, rows, dsq)


class InstanceState:
  """Per-instance helpers valid while the instance's own nodes are."""

  def __init__(self, search, inst):
    self.inst = inst
    self.prep = M.Prepared(search.table.nodes, inst,
                           search.opts.ignore_soft_errors)
    self.allowed = search.AllowedKinds(inst)
    self.own_rows = {}
    self.inst_by_loc = {}
    # own key -> (changed nodes, node the instance is added to as a
    # secondary, that node before the addition) of the rf/rp rows
    self.sec_added = {}

  def WithLoc(self, loc, pnode=None, snode=None):
    key = (loc, pnode, snode)
    new = self.inst_by_loc.get(key)
    if new is None:
      new = self.inst.Copy()
      new.location_score = loc
      if pnode is not None:
        new.pnode = pnode
      if snode is not None:
        new.snode = snode
      self.inst_by_loc[key] = new
    return new


#: slot key used for target parts when no node has location tags
NO_LOC_KEY = (None, None)


def _Loc(a, b):
  if not M.UPDATE_LOCATION_SCORE:
    return None
  return len(a.location_tags & b.location_tags)


class ObjectParts:
  """Own and target parts from Node objects (a base of Search)."""

  # The two parts of a move ---------------------------------------------------
  def _OwnKey(self, state, kind, target):
    """The own-row key of a slot, or None when the slot is not allowed."""
    inst = state.inst
    if kind not in state.allowed:
      return None
    if kind == M.FAILOVER:
      return (kind,)
    if target == inst.pnode or target == inst.snode:
      return None
    nodes = self.table.nodes
    if kind == M.FAILOVER_TO_ANY:
      return (kind,)
    tgt = nodes[target]
    old_p = nodes[inst.pnode]
    old_s = nodes[inst.snode]
    if kind == M.REPLACE_SECONDARY:
      return (kind, _Loc(old_p, tgt))
    if kind == M.REPLACE_AND_FAILOVER:
      return (kind, _Loc(tgt, old_p), old_p.peers.get(target, 0))
    if kind == M.REPLACE_PRIMARY:
      return (kind, _Loc(tgt, old_s), old_s.peers.get(target, 0))
    return (kind, _Loc(old_s, tgt))

  def _LocInst(self, state, loc, **kwargs):
    if loc is None:
      loc = state.inst.location_score
    return state.WithLoc(loc, **kwargs)

  def _OwnNodes(self, state, key, target):
    """The instance's own nodes after the move ({idx: Node})."""
    prep = state.prep
    inst = state.inst
    kind = key[0]
    if kind == M.FAILOVER:
      return prep.Apply(M.Move(M.FAILOVER))[0]
    if kind == M.FAILOVER_TO_ANY:
      return {inst.pnode: prep.old_p.RemovePri(inst)}
    if kind == M.REPLACE_SECONDARY:
      new_inst = self._LocInst(state, key[1])
      pnode2 = prep.old_p.RemovePri(inst)
      return {inst.pnode: pnode2.AddPri(new_inst, force=True),
              inst.snode: prep.IntS()}
    force = prep.force
    if kind == M.REPLACE_AND_FAILOVER:
      new_inst = self._LocInst(state, key[1])
      force_s = prep.old_s.offline or force
      pre = prep.IntP()
      changed = {inst.pnode: pre.AddSec(new_inst, target, force=force_s),
                 inst.snode: prep.IntS()}
      state.sec_added[key] = (changed, inst.pnode, pre)
      return changed
    force_p = prep.old_p.offline or force
    prep.old_p.CheckMigration(prep.old_s)
    new_inst = self._LocInst(state, key[1])
    if kind == M.REPLACE_PRIMARY:
      tmp = prep.IntS().AddPri(new_inst, force=force_p).RemovePri(new_inst)
      changed = {inst.pnode: prep.IntP(),
                 inst.snode: tmp.AddSec(new_inst, target, force=force_p)}
      state.sec_added[key] = (changed, inst.snode, tmp)
      return changed
    return {inst.pnode: prep.IntP(),
            inst.snode: prep.IntS().AddPri(new_inst, force=force_p)}

  def _TargetNode(self, state, slot_kind, key, target, cache):
    """(values of the target node after the move, or None for a failover).

    ``cache`` shares the node computations of the move kinds that add the
    instance to the target the same way (rf and rp add it as primary; rs
    and fr as secondary, differing only by the peer memory involved).
    """
    prep = state.prep
    inst = state.inst
    force = prep.force
    if slot_kind == M.FAILOVER:
      return None
    nodes = self.table.nodes
    tgt = nodes[target]
    old_p = prep.old_p
    if slot_kind == M.FAILOVER_TO_ANY:
      old_p.CheckMigration(tgt)
      return metrics.NodeValues(tgt.AddPri(inst, force=old_p.offline or
                                           force))
    old_s = prep.old_s
    loc = key[1]
    if slot_kind == M.REPLACE_SECONDARY or \
        slot_kind == M.FAILOVER_AND_REPLACE:
      if slot_kind == M.REPLACE_SECONDARY:
        (pdx, sforce) = (inst.pnode, old_s.offline or force)
      else:
        (pdx, sforce) = (inst.snode, old_p.offline or force)
      ckey = ("s", inst.idx, target, loc, tgt.peers.get(pdx, 0), sforce)
      op = lambda: tgt.AddSec(self._LocInst(state, loc), pdx, force=sforce)
    else:
      if slot_kind == M.REPLACE_AND_FAILOVER:
        old_p.CheckMigration(tgt)
        pforce = force
      else:
        old_s.CheckMigration(tgt)
        pforce = old_p.offline or force
      ckey = ("p", inst.idx, target, loc, pforce)
      op = lambda: tgt.AddPri(self._LocInst(state, loc), force=pforce)
    try:
      result = cache[ckey]
    except KeyError:
      try:
        result = metrics.NodeValues(op())
      except T.MoveFailure as err:
        result = err
      cache[ckey] = result
    if isinstance(result, T.MoveFailure):
      raise result
    return result

  # Refreshing -----------------------------------------------------------------
  def _OwnRow(self, state, key, target, batch):
    row = state.own_rows.get(key)
    if row is not None:
      return row
    row = self.own.Allocate()
    state.own_rows[key] = row
    own = self.own
    own.d1[row] = 0.0
    own.dsq[row] = 0.0
    own.exact[row] = False
    try:
      changed = self._OwnNodes(state, key, target)
    except T.MoveFailure:
      own.valid[row] = False
      return row
    own.valid[row] = True
    for (idx, node) in changed.items():
      pos = self.pos[idx]
      batch.Add(row, pos, metrics.NodeValues(node), self.values[pos])
    return row

  def _RefreshOwn(self, iidx):
    """New own state for an instance (its nodes changed): keys and rows."""
    inst = self.table.instances[iidx]
    old = self.states.get(iidx)
    if old is not None:
      self.own.Free(list(old.own_rows.values()))
    state = self.states[iidx] = InstanceState(self, inst)
    batch = Batch()
    (start, end) = self.inst_slots[iidx]
    if self.no_loc and inst.MirrorType() == T.MIRROR_INTERNAL:
      self._RefreshOwnInternal(state, start, end, batch)
      batch.Store(self.own, self)
      return
    kinds = self.kinds[start:end].tolist()
    targets = self.slot_target[start:end].tolist()
    own_idx = self.own_idx
    slot_key = self.slot_key
    for (num, slot) in enumerate(range(start, end)):
      key = slot_key[slot] = self._OwnKey(state, kinds[num], targets[num])
      if key is None:
        own_idx[slot] = -1
      else:
        own_idx[slot] = self._OwnRow(state, key, targets[num], batch)
    batch.Store(self.own, self)

  def _RefreshOwnInternal(self, state, start, end, batch):
    """_RefreshOwn for a DRBD instance when no node has location tags.

    The slots are [failover] + one block of the four internal kinds per
    online target; the own key is the same for every target except
    through the peer memory the own nodes hold for it.
    """
    inst = state.inst
    nodes = self.table.nodes
    old_p = nodes[inst.pnode]
    old_s = nodes[inst.snode]
    ntargets = len(self.online)
    block = numpy.full((ntargets, 4), -1, dtype=numpy.int64)
    for (col, kind) in enumerate(_INTERNAL_KINDS):
      if kind not in state.allowed:
        continue
      if kind == M.REPLACE_AND_FAILOVER:
        base = (kind, None, 0)
        peers = old_p.peers
      elif kind == M.REPLACE_PRIMARY:
        base = (kind, None, 0)
        peers = old_s.peers
      else:
        base = (kind, None)
        peers = None
      own_nodes = (inst.pnode, inst.snode)
      non_peer = self._NonPeer(peers or {}, own_nodes)
      base_row = self._OwnRow(state, base, non_peer, batch)
      block[:, col] = base_row
      if peers:
        # the peer memory only changes the added secondary's reserved
        # memory (and so its N+1 state); derive those rows from the base
        # row when it was computed with a target holding no peer memory
        derive = not peers.get(non_peer) and \
          (base in state.sec_added or not self.own.valid[base_row])
        for (tdx, value) in peers.items():
          tcol = self.target_col.get(tdx)
          # the instance's own nodes are never targets (and their peer
          # memory is the instance's own: it would give other values)
          if tcol is None or not value or tdx in own_nodes:
            continue
          key = (kind, None, value)
          if derive:
            row = self._PeerRow(state, base, base_row, key, value, batch)
          else:
            row = self._OwnRow(state, key, tdx, batch)
          block[tcol, col] = row
    for tdx in (inst.pnode, inst.snode):
      tcol = self.target_col.get(tdx)
      if tcol is not None:
        block[tcol, :] = -1
    fail_slot = start
    if M.FAILOVER in state.allowed:
      self.own_idx[fail_slot] = self._OwnRow(state, (M.FAILOVER,), -1, batch)
    else:
      self.own_idx[fail_slot] = -1
    self.slot_key[fail_slot] = (M.FAILOVER,)
    self.own_idx[start + 1:end] = block.reshape(-1)
    # target parts only need the location score (None here)
    for slot in range(start + 1, end):
      self.slot_key[slot] = NO_LOC_KEY

  def _PeerRow(self, state, base, base_row, key, value, batch):
    """The own row of an rf/rp key whose target holds ``value`` peer
    memory, derived from the row ``base`` of a target holding none.

    Node.AddSec uses the peer memory only for the new reserved memory
    (the larger of the old one and peer memory plus the instance's) and
    the N+1 flag and check derived from it; every other value and check
    is the base row's.  Its failures only grow with the peer memory, so
    an invalid base row makes every derived row invalid.
    """
    row = state.own_rows.get(key)
    if row is not None:
      return row
    row = self.own.Allocate()
    state.own_rows[key] = row
    own = self.own
    own.d1[row] = 0.0
    own.dsq[row] = 0.0
    own.exact[row] = False
    own.valid[row] = False
    if not own.valid[base_row]:
      return row
    (changed, added_idx, pre) = state.sec_added[base]
    inst = state.inst
    prep = state.prep
    if key[0] == M.REPLACE_AND_FAILOVER:
      force = prep.old_s.offline or prep.force
    else:
      force = prep.old_p.offline or prep.force
    sec_mem = inst.mem if inst.UsesSecMem() else 0
    r_mem = max(pre.r_mem, value + sec_mem)
    fail_n1 = pre.UnallocatedMem() <= r_mem
    if not force and fail_n1 and not pre.fail_n1:
      return row
    own.valid[row] = True
    for (idx, node) in changed.items():
      pos = self.pos[idx]
      values = metrics.NodeValues(node)
      if idx == added_idx:
        values = list(values)
        values[_N1_POS] = float(len(node.slist) + len(node.plist)) \
          if fail_n1 else 0.0
        values[_REM_POS] = values[_RTOTAL_POS] = _Div(r_mem, node.t_mem)
      batch.Add(row, pos, values, self.values[pos])
    return row

  def _NonPeer(self, peers, own_nodes):
    """A target that is neither a peer nor one of the instance's nodes."""
    for tdx in self.online:
      if not peers.get(tdx) and tdx not in own_nodes:
        return tdx
    return self.online[0]
