"""The array side of the search: own and target parts of plain DRBD moves.

:class:`VecParts` keeps the node and instance arrays of
:mod:`ganeti.htools.vtargets` up to date and fills the search's own rows
(:mod:`ganeti.htools.vown`) and target parts for the instances both
modules accept; the search keeps its per-object code for everything
else.  Own rows: one per instance and kind (``f``, ``rs``, ``rf``,
``rp``, ``fr``); the target's peer memory enters the ``rf``/``rp`` slots
through :meth:`VecParts.PeerCorrect` when slots are combined.
"""

import numpy

from ganeti.htools import moves as M
from ganeti.htools import vown
from ganeti.htools import vtargets as V

_KIND_CODE = {M.REPLACE_SECONDARY: V.K_RS, M.REPLACE_AND_FAILOVER: V.K_RF,
              M.REPLACE_PRIMARY: V.K_RP, M.FAILOVER_AND_REPLACE: V.K_FR}
#: block column of each internal kind (search._INTERNAL_KINDS order)
_BLOCK_KINDS = (M.REPLACE_SECONDARY, M.REPLACE_AND_FAILOVER,
                M.REPLACE_PRIMARY, M.FAILOVER_AND_REPLACE)
_OWN_KINDS = {M.FAILOVER: "f", M.REPLACE_SECONDARY: "rs",
              M.REPLACE_AND_FAILOVER: "rf", M.REPLACE_PRIMARY: "rp",
              M.FAILOVER_AND_REPLACE: "fr"}
_PEER_FIELDS = ("pre_rmem", "pre_unalloc", "pre_failn1", "t_mem", "sec_mem",
                "added_pos", "strict", "base_ok", "count")


#: searches with at most this many slots store their target parts
STORE_LIMIT = 1 << 20


def _Lookup(mapping, keys):
  """mapping[key] for an int array of keys (0 for unknown keys)."""
  keys = numpy.asarray(keys, dtype=numpy.int64)
  if not mapping or not keys.size:
    return numpy.zeros(len(keys), dtype=numpy.int64)
  top = max(max(mapping), int(keys.max())) + 1
  table = numpy.zeros(top + 1, dtype=numpy.int64)
  for (key, value) in mapping.items():
    table[key] = value
  return table[numpy.where(keys >= 0, keys, top)]


class _PeerTable:
  """vown.PeerInfo fields kept per instance row."""

  def __init__(self, size):
    for name in _PEER_FIELDS:
      setattr(self, name, numpy.zeros(size))
    self.pre_failn1 = numpy.zeros(size, dtype=bool)
    self.strict = numpy.zeros(size, dtype=bool)
    self.base_ok = numpy.zeros(size, dtype=bool)
    self.added_pos = numpy.zeros(size, dtype=numpy.int64)

  def Set(self, irow, info):
    for name in _PEER_FIELDS:
      getattr(self, name)[irow] = getattr(info, name)


class VecParts:
  """Array state and refresh code for the search's eligible slots."""

  #: slots computed per numpy call (bounds the temporary memory)
  CHUNK = 65536

  def __init__(self, search, table, kinds, insts, targets, num_cols):
    self.search = search
    self.nodes = V.NodeArrays(search.order, search.pos)
    self.insts = V.InstanceArrays(table.instances, search.pos)
    kinds = numpy.asarray(kinds)
    self.kcode = numpy.full(len(kinds), -1, dtype=numpy.int64)
    for (kind, code) in _KIND_CODE.items():
      self.kcode[kinds == kind] = code
    self.is_failover = kinds == M.FAILOVER
    rows = self.insts.row
    self.irow = _Lookup(rows, insts)
    self.tpos = _Lookup(search.pos, targets)
    eligible = self.insts.eligible[self.irow] if len(kinds) else \
      numpy.zeros(0, dtype=bool)
    self.slot_vec = ((self.kcode >= 0) | self.is_failover) & eligible
    self.peer = {"rf": _PeerTable(len(rows)), "rp": _PeerTable(len(rows))}
    self.num_cols = num_cols
    #: whether the target parts are kept in the search's table (small
    #: searches) rather than recomputed when slots are scored
    self.stored = len(kinds) <= STORE_LIMIT

  def InstanceEligible(self, iidx):
    row = self.insts.row.get(iidx)
    return row is not None and bool(self.insts.eligible[row])

  def Update(self, table, old_table, changed_idx):
    """Reload the arrays after a step (or for the first table)."""
    search = self.search
    self.nodes.Update(table.nodes, search.order if old_table is None
                      else changed_idx)
    if old_table is not None:
      for (iidx, inst) in table.instances.items():
        if inst is not old_table.instances[iidx] and iidx in self.insts.row:
          self.insts.SetNodes(inst)

  # Own parts -----------------------------------------------------------------
  def RefreshOwn(self, iidxs):
    """New own rows and slot own indices for the eligible ``iidxs``."""
    search = self.search
    if not iidxs:
      return
    table = search.table
    irow = numpy.array([self.insts.row[i] for i in iidxs], dtype=numpy.int64)
    (parts, peer_info) = vown.OwnParts(self.nodes, self.insts, irow,
                                       search.opts.ignore_soft_errors)
    for (name, info) in peer_info.items():
      self.peer[name].Set(irow, info)
    own = search.own
    count = len(iidxs)
    rows = {}
    for name in vown.KINDS:
      rows[name] = numpy.empty(count, dtype=numpy.int64)
    for (num, iidx) in enumerate(iidxs):
      old = search.states.pop(iidx, None)
      if old is not None:
        own.Free(list(old.own_rows.values()))
      old = search.vec_rows.get(iidx)
      if old is not None:
        own.Free(old)
      new = [own.Allocate() for _ in vown.KINDS]
      search.vec_rows[iidx] = new
      for (name, row) in zip(vown.KINDS, new):
        rows[name][num] = row
    ppos = self.insts.ppos[irow]
    spos = self.insts.spos[irow]
    for name in vown.KINDS:
      (ok, pvals, svals) = parts[name]
      self._StoreOwn(rows[name], ok, ((ppos, pvals), (spos, svals)))
    self._FillOwnIdx(table, iidxs, rows)

  def _StoreOwn(self, rows, ok, changes):
    search = self.search
    own = search.own
    d1 = numpy.zeros((len(rows), self.num_cols))
    dsq = numpy.zeros((len(rows), self.num_cols))
    for (pos, new) in changes:
      old = search.num_values[pos]
      online = ~search.offline_arr[pos]
      mask = online[:, None] == search.for_online[None, :]
      with numpy.errstate(invalid="ignore", over="ignore"):
        d1 += numpy.where(mask, new - old, 0.0)
        dsq += numpy.where(mask, new * new - old * old, 0.0)
    bad = ~(numpy.isfinite(d1).all(axis=1) & numpy.isfinite(dsq).all(axis=1))
    d1[bad] = 0.0
    dsq[bad] = 0.0
    own.d1[rows] = d1
    own.dsq[rows] = dsq
    own.exact[rows] = bad
    own.valid[rows] = ok

  def _FillOwnIdx(self, table, iidxs, rows):
    search = self.search
    own_idx = search.own_idx
    ntargets = len(search.online)
    for (num, iidx) in enumerate(iidxs):
      inst = table.instances[iidx]
      allowed = search.AllowedKinds(inst)
      (start, end) = search.inst_slots[iidx]
      own_idx[start] = rows["f"][num] if M.FAILOVER in allowed else -1
      block = numpy.full((ntargets, 4), -1, dtype=numpy.int64)
      for (col, kind) in enumerate(_BLOCK_KINDS):
        if kind in allowed:
          block[:, col] = rows[_OWN_KINDS[kind]][num]
      for tdx in (inst.pnode, inst.snode):
        tcol = search.target_col.get(tdx)
        if tcol is not None:
          block[tcol, :] = -1
      own_idx[start + 1:end] = block.reshape(-1)

  def PeerCorrect(self, slots, d1, dsq, valid, std_col_of):
    """Apply the targets' peer memory to combined rf/rp deltas in place.

    ``d1``/``dsq``/``valid`` are the rows of ``slots`` (``d1``/``dsq``
    may be None to correct the validity only); ``std_col_of`` maps a
    numeric column to its column in ``dsq``.
    """
    search = self.search
    kcode = self.kcode[slots]
    vec = self.slot_vec[slots]
    for (name, code) in (("rf", V.K_RF), ("rp", V.K_RP)):
      sel = numpy.nonzero(vec & (kcode == code))[0]
      if not sel.size:
        continue
      info = self.peer[name]
      irow = self.irow[slots[sel]]
      added = info.added_pos[irow]
      peem = self.nodes.peers[added, self.tpos[slots[sel]]]
      (ok, n1, rem) = vown.PeerFix(info, irow, peem)
      (_, n1_0, rem_0) = vown.PeerFix(info, irow, numpy.zeros(len(sel)))
      valid[sel] &= ok
      if d1 is None:
        continue
      online = ~search.offline_arr[added]
      for (col, new, base) in ((V.C_N1, n1, n1_0), (V.C_REM, rem, rem_0),
                               (V.C_RTOTAL, rem, rem_0)):
        change = numpy.where(online, new - base, 0.0)
        d1[sel, col] += change
        scol = std_col_of.get(col)
        if scol is not None:
          dsq[sel, scol] += numpy.where(online, new * new - base * base, 0.0)

  # Target parts --------------------------------------------------------------
  def TargetDeltas(self, slots):
    """(valid, D1, DSQ, non-finite) of the target parts of eligible slots
    (failovers have none); D1/DSQ rows are zero where non-finite."""
    search = self.search
    count = len(slots)
    valid = numpy.ones(count, dtype=bool)
    d1 = numpy.zeros((count, self.num_cols))
    dsq = numpy.zeros((count, self.num_cols))
    bad = numpy.zeros(count, dtype=bool)
    moves = numpy.nonzero(~self.is_failover[slots])[0]
    force = search.opts.ignore_soft_errors
    for start in range(0, len(moves), self.CHUNK):
      sel = moves[start:start + self.CHUNK]
      chunk = slots[sel]
      tpos = self.tpos[chunk]
      (ok, new) = V.TargetValues(self.nodes, self.insts, search.num_values,
                                 self.irow[chunk], tpos, self.kcode[chunk],
                                 force)
      old = search.num_values[tpos]
      # targets are online and the formulas only change online columns
      # (the others keep their old values: zero deltas)
      with numpy.errstate(invalid="ignore", over="ignore"):
        delta = new - old
        sq = new * new
        sq -= old * old
      fin = numpy.isfinite(sq).all(axis=1)
      if not fin.all():
        delta[~fin] = 0.0
        sq[~fin] = 0.0
      valid[sel] = ok
      bad[sel] = ~fin
      d1[sel] = delta
      dsq[sel] = sq
    return (valid, d1, dsq, bad)

  def RefreshTargets(self, slots):
    """Validity and exactness of the target parts of eligible slots."""
    search = self.search
    for start in range(0, len(slots), self.CHUNK):
      chunk = slots[start:start + self.CHUNK]
      (valid, d1, dsq, bad) = self.TargetDeltas(chunk)
      search.t_valid[chunk] = valid
      search.t_exact[chunk] = bad
      if self.stored:
        rows = search.tgt_row[chunk]
        search.tgt.d1[rows] = d1
        search.tgt.dsq[rows] = dsq
