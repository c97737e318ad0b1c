"""Instance moves and their effect on the nodes involved.

The move kinds are htools' ones: failover (``f``), failover to any node
for externally mirrored disks (``fa:NODE``), replace secondary
(``r:NODE``), replace primary (``f r:NODE f``), replace secondary and
failover (``r:NODE f``) and failover and replace secondary
(``f r:NODE``).  :func:`ApplyMove` computes the changed nodes without
touching the cluster; it raises :class:`~ganeti.htools.types.MoveFailure`
when the move is not possible.
"""

from ganeti.htools import types as T

FAILOVER = "f"
FAILOVER_TO_ANY = "fa"
REPLACE_PRIMARY = "rp"
REPLACE_SECONDARY = "rs"
REPLACE_AND_FAILOVER = "rf"
FAILOVER_AND_REPLACE = "fr"


class Move:
  """A move kind and its target node index (None for a plain failover)."""

  __slots__ = ("kind", "target")

  def __init__(self, kind, target=None):
    self.kind = kind
    self.target = target

  def __eq__(self, other):
    return (isinstance(other, Move) and self.kind == other.kind and
            self.target == other.target)

  def __hash__(self):
    return hash((self.kind, self.target))

  def __repr__(self):
    return "Move(%s, %s)" % (self.kind, self.target)


#: Moves recompute the instance's location score from its new nodes
UPDATE_LOCATION_SCORE = True


class Prepared:
  """The moves of one instance, with what does not depend on the target.

  Removing the instance from its nodes, failing it over, and the checks
  on its own nodes are computed once and shared by all target nodes.
  """

  def __init__(self, nodes, inst, force=False):
    self.nodes = nodes
    self.inst = inst
    self.force = force
    self.old_pdx = inst.pnode
    self.old_sdx = inst.snode
    self.old_p = nodes[inst.pnode]
    self.old_s = nodes[inst.snode] if inst.snode >= 0 else None
    self._cache = {}

  def _Get(self, key, fn):
    try:
      value = self._cache[key]
    except KeyError:
      try:
        value = fn()
      except T.MoveFailure as err:
        value = err
      self._cache[key] = value
    if isinstance(value, T.MoveFailure):
      raise value
    return value

  def IntP(self):
    return self._Get("int_p", lambda: self.old_p.RemovePri(self.inst))

  def IntS(self):
    return self._Get("int_s", lambda: self.old_s.RemoveSec(self.inst))

  def _WithLoc(self, pnode, snode):
    score = len(pnode.location_tags & snode.location_tags) \
      if UPDATE_LOCATION_SCORE else self.inst.location_score
    new = self.inst.Copy()
    new.location_score = score
    return new

  def Apply(self, move):
    """(changed nodes {idx: Node}, moved instance, new pdx, new sdx)."""
    kind = move.kind
    inst = self.inst
    force = self.force
    old_pdx = self.old_pdx
    old_sdx = self.old_sdx
    old_p = self.old_p
    if kind == FAILOVER:
      return self._Get("failover", self._Failover)
    new_idx = move.target
    tgt = self.nodes[new_idx]
    if kind == FAILOVER_TO_ANY:
      old_p.CheckMigration(tgt)
      new_tgt = tgt.AddPri(inst, force=old_p.offline or force)
      new_old = self._Get("fa_old", lambda: old_p.RemovePri(inst))
      new_inst = inst.Copy()
      new_inst.pnode = new_idx
      return ({old_pdx: new_old, new_idx: new_tgt}, new_inst, new_idx,
              old_sdx)
    old_s = self.old_s
    if kind == REPLACE_SECONDARY:
      int_s = self.IntS()
      pnode2 = self._Get("rs_p", lambda: old_p.RemovePri(inst))
      new_inst = self._WithLoc(old_p, tgt)
      new_inst.snode = new_idx
      new_s = tgt.AddSec(new_inst, old_pdx, force=old_s.offline or force)
      pnode3 = self._Get(("rs_p3", new_inst.location_score),
                         lambda: pnode2.AddPri(new_inst, force=True))
      return ({old_pdx: pnode3, new_idx: new_s, old_sdx: int_s}, new_inst,
              old_pdx, new_idx)
    int_p = self.IntP()
    int_s = self.IntS()
    if kind == REPLACE_PRIMARY:
      force_p = old_p.offline or force
      new_inst = self._WithLoc(tgt, int_s)
      new_inst.pnode = new_idx
      self._Get("mig_ps", lambda: old_p.CheckMigration(old_s))
      old_s.CheckMigration(tgt)
      loc = new_inst.location_score
      tmp_s2 = self._Get(("rp_tmp", loc), lambda: int_s.AddPri(
        new_inst, force=force_p).RemovePri(new_inst))
      new_p = tgt.AddPri(new_inst, force=force_p)
      new_s = tmp_s2.AddSec(new_inst, new_idx, force=force_p)
      return ({old_pdx: int_p, old_sdx: new_s, new_idx: new_p}, new_inst,
              new_idx, old_sdx)
    if kind == REPLACE_AND_FAILOVER:
      force_s = old_s.offline or force
      new_inst = self._WithLoc(tgt, int_p)
      new_inst.pnode = new_idx
      new_inst.snode = old_pdx
      old_p.CheckMigration(tgt)
      new_p = tgt.AddPri(new_inst, force=force)
      new_s = int_p.AddSec(new_inst, new_idx, force=force_s)
      return ({old_pdx: new_s, old_sdx: int_s, new_idx: new_p}, new_inst,
              new_idx, old_pdx)
    if kind == FAILOVER_AND_REPLACE:
      force_p = old_p.offline or force
      new_inst = self._WithLoc(int_s, tgt)
      new_inst.pnode = old_sdx
      new_inst.snode = new_idx
      self._Get("mig_ps", lambda: old_p.CheckMigration(old_s))
      new_p = self._Get(("fr_p", new_inst.location_score),
                        lambda: int_s.AddPri(new_inst, force=force_p))
      new_s = tgt.AddSec(new_inst, old_sdx, force=force_p)
      return ({old_sdx: new_p, new_idx: new_s, old_pdx: int_p}, new_inst,
              old_sdx, new_idx)
    raise ValueError("Unknown move kind %r" % kind)

  def _Failover(self):
    inst = self.inst
    (old_pdx, old_sdx) = (self.old_pdx, self.old_sdx)
    old_p = self.old_p
    int_p = self.IntP()
    int_s = self.IntS()
    old_p.CheckMigration(self.old_s)
    new_p = int_s.AddPri(inst, force=old_p.offline or self.force)
    new_s = int_p.AddSec(inst, old_sdx, force=old_p.offline or self.force,
                         ignore_disks=old_p.offline)
    new_inst = inst.Copy()
    new_inst.pnode = old_sdx
    new_inst.snode = old_pdx
    return ({old_pdx: new_s, old_sdx: new_p}, new_inst, old_sdx, old_pdx)


def ApplyMove(nodes, inst, move, force=False):
  """Simulate ``move`` of ``inst``.

  Returns (changed nodes as {index: Node}, the moved instance, new primary
  index, new secondary index).
  """
  return Prepared(nodes, inst, force).Apply(move)


def PossibleMoves(mirror, use_secondary, inst_moves, restricted,
                  primary_drained, target):
  """The moves to try for one instance and one target node, in order."""
  if mirror == T.MIRROR_NONE:
    return []
  if mirror == T.MIRROR_EXTERNAL:
    return [Move(FAILOVER_TO_ANY, target)] if inst_moves else []
  if not inst_moves:
    return [Move(REPLACE_SECONDARY, target)]
  if restricted and not primary_drained:
    return [Move(REPLACE_SECONDARY, target)]
  if use_secondary:
    if not restricted:
      return [Move(REPLACE_SECONDARY, target),
              Move(REPLACE_AND_FAILOVER, target),
              Move(REPLACE_PRIMARY, target),
              Move(FAILOVER_AND_REPLACE, target)]
    return [Move(REPLACE_SECONDARY, target),
            Move(REPLACE_AND_FAILOVER, target),
            Move(FAILOVER_AND_REPLACE, target)]
  return [Move(REPLACE_SECONDARY, target),
          Move(REPLACE_AND_FAILOVER, target)]


def DescribeMove(inst, move, new_pri, new_sec):
  """(short description, gnt-instance command list) of a move.

  ``new_pri``/``new_sec`` are the display names of the instance's nodes
  after the move.
  """
  name = inst.alias
  morf = "migrate" if inst.IsRunning() else "failover"
  mig = "%s -f %s" % (morf, name)
  kind = move.kind
  if kind == FAILOVER:
    return ("f", [mig])
  if kind == FAILOVER_TO_ANY:
    return ("fa:%s" % new_pri, ["%s -f -n %s %s" % (morf, new_pri, name)])
  rep = "replace-disks -n %s %s"
  if kind == FAILOVER_AND_REPLACE:
    return ("f r:%s" % new_sec, [mig, rep % (new_sec, name)])
  if kind == REPLACE_SECONDARY:
    return ("r:%s" % new_sec, [rep % (new_sec, name)])
  if kind == REPLACE_AND_FAILOVER:
    return ("r:%s f" % new_pri, [rep % (new_pri, name), mig])
  if kind == REPLACE_PRIMARY:
    return ("f r:%s f" % new_pri, [mig, rep % (new_pri, name), mig])
  raise ValueError("Unknown move kind %r" % kind)
