"""Target parts of DRBD moves computed with numpy, many slots at once.

The target part of a candidate move (see :mod:`ganeti.htools.search`) is
what adding the instance to the target node does to that node's score
values.  For the common case -- a DRBD instance that is not forthcoming
and carries no exclusion or location tags, on a cluster without location,
migration tags or exclusive storage -- it depends only on the instance's
resource vector and on the target node's state, so whole columns of
slots are evaluated with array arithmetic instead of copying a
:class:`~ganeti.htools.node.Node` per slot.

The formulas are those of :meth:`Node.AddPri` and :meth:`Node.AddSec`
(including every capacity check, so that validity is exact) followed by
:func:`~ganeti.htools.metrics.NodeValues`; the divisions are done in the
same order, so the values are the same floats.  Anything outside the
common case is left to the per-slot code of the search.
"""

import numpy

from ganeti.htools import metrics
from ganeti.htools import types as T

#: positions of the components in the numeric (map-less) value rows
_NUMERIC = [pos for pos in range(metrics.COUNT) if pos != metrics.MAP_INDEX]
_COL = dict((metrics.NAMES[pos], col) for (col, pos) in enumerate(_NUMERIC))

C_MEM = _COL["free_mem_cv"]
C_DSK = _COL["free_disk_cv"]
C_N1 = _COL["n1_cnt"]
C_REM = _COL["reserved_mem_cv"]
C_VCPU = _COL["vcpu_ratio_cv"]
C_CPU_LOAD = _COL["cpu_load_cv"]
C_MEM_LOAD = _COL["mem_load_cv"]
C_DSK_LOAD = _COL["disk_load_cv"]
C_NET_LOAD = _COL["net_load_cv"]
C_SPINDLES = _COL["spindles_cv"]
C_MEM_FORTH = _COL["free_mem_cv_forth"]
C_DSK_FORTH = _COL["free_disk_cv_forth"]
C_VCPU_FORTH = _COL["vcpu_ratio_cv_forth"]
C_SPINDLES_FORTH = _COL["spindles_cv_forth"]
C_RTOTAL = _COL["reserved_mem_rtotal"]

#: move-kind codes of the slots (position in search._INTERNAL_KINDS)
K_RS = 0
K_RF = 1
K_RP = 2
K_FR = 3


def ClusterEligible(nodes):
  """Whether the node state allows the array formulas at all."""
  for node in nodes.values():
    if node.excl_storage or node.mig_tags or node.location_tags:
      return False
    if not (node.t_mem > 0 and node.t_dsk > 0 and node.t_cpu > 0 and
            node.t_cpu_speed > 0 and node.hi_spindles > 0):
      return False
    pool = node.util_pool
    if not (pool.cpu > 0 and pool.mem > 0 and pool.dsk > 0 and pool.net > 0):
      return False
  return True


def InstanceEligible(inst):
  """Whether an instance's target parts may use the array formulas."""
  return (inst.disk_template == T.DT_DRBD8 and not inst.forthcoming and
          not inst.excl_tags and not inst.dsrd_loc_tags and
          inst.location_score == 0)


class NodeArrays:
  """The node fields the target formulas read, one row per position."""

  _FIELDS = ("t_mem_int", "t_mem", "n_mem", "i_mem", "x_mem_pos", "f_dsk",
             "t_dsk", "lo_dsk", "u_cpu", "t_cpu", "t_cpu_speed",
             "inst_sp", "hi_sp", "r_mem", "fail_n1", "nlist", "f_mem_forth",
             "f_dsk_forth", "u_cpu_forth", "inst_sp_forth", "load_cpu",
             "load_mem", "load_dsk", "load_net", "pool_cpu", "pool_mem",
             "pool_dsk", "pool_net", "l_cpu", "offline", "npri", "nsec",
             "p_mem", "p_dsk", "p_cpu", "p_rem", "p_mem_forth",
             "p_dsk_forth", "p_cpu_forth", "tags_val", "loc_score")

  def __init__(self, order, pos):
    self.order = order
    self.pos = pos
    size = len(order)
    for name in self._FIELDS:
      setattr(self, name, numpy.zeros(size))
    self.fail_n1 = numpy.zeros(size, dtype=bool)
    self.offline = numpy.zeros(size, dtype=bool)
    self.peers = numpy.zeros((size, size))
    self.peer_max = numpy.zeros(size)
    self.peer_max2 = numpy.zeros(size)
    self.peer_arg = numpy.full(size, -1, dtype=numpy.int64)

  def Update(self, nodes, indices):
    """Reload the rows of the nodes ``indices`` from ``nodes``."""
    pos_of = self.pos
    for idx in indices:
      node = nodes[idx]
      p = pos_of[idx]
      self.t_mem_int[p] = int(node.t_mem)
      self.t_mem[p] = node.t_mem
      self.n_mem[p] = node.n_mem
      self.i_mem[p] = node.i_mem
      self.x_mem_pos[p] = max(0, node.x_mem)
      self.f_dsk[p] = node.f_dsk
      self.t_dsk[p] = node.t_dsk
      self.lo_dsk[p] = node.lo_dsk
      self.u_cpu[p] = node.u_cpu
      self.t_cpu[p] = node.t_cpu
      self.t_cpu_speed[p] = node.t_cpu_speed
      self.inst_sp[p] = node.inst_spindles
      self.hi_sp[p] = node.hi_spindles
      self.r_mem[p] = node.r_mem
      self.fail_n1[p] = node.fail_n1
      self.nlist[p] = len(node.slist) + len(node.plist)
      self.f_mem_forth[p] = node.f_mem_forth
      self.f_dsk_forth[p] = node.f_dsk_forth
      self.u_cpu_forth[p] = node.u_cpu_forth
      self.inst_sp_forth[p] = node.inst_spindles_forth
      load = node.util_load
      (self.load_cpu[p], self.load_mem[p], self.load_dsk[p],
       self.load_net[p]) = (load.cpu, load.mem, load.dsk, load.net)
      pool = node.util_pool
      (self.pool_cpu[p], self.pool_mem[p], self.pool_dsk[p],
       self.pool_net[p]) = (pool.cpu, pool.mem, pool.dsk, pool.net)
      self.l_cpu[p] = node.ipolicy.vcpu_ratio
      self.offline[p] = node.offline
      self.npri[p] = len(node.plist)
      self.nsec[p] = len(node.slist)
      self.p_mem[p] = node.p_mem
      self.p_dsk[p] = node.p_dsk
      self.p_cpu[p] = node.p_cpu
      self.p_rem[p] = node.p_rem
      self.p_mem_forth[p] = node.p_mem_forth
      self.p_dsk_forth[p] = node.p_dsk_forth
      self.p_cpu_forth[p] = node.p_cpu_forth
      self.tags_val[p] = node.ConflictingPrimaries()
      self.loc_score[p] = node.location_score
      row = self.peers[p]
      row[:] = 0.0
      for (pdx, mem) in node.peers.items():
        q = pos_of.get(pdx)
        if q is not None:
          row[q] = mem
      # the two largest peer memories (RemoveSec's new reserved memory)
      ordered = sorted(((mem, pos_of.get(pdx, -1))
                        for (pdx, mem) in node.peers.items()), reverse=True)
      (self.peer_max[p], self.peer_arg[p]) = ordered[0] if ordered \
        else (0.0, -1)
      self.peer_max2[p] = ordered[1][0] if len(ordered) > 1 else 0.0


class InstanceArrays:
  """Per-instance resources and node positions, one row per instance."""

  def __init__(self, instances, node_pos):
    self.row = dict((idx, r) for (r, idx) in enumerate(instances))
    size = len(self.row)
    self.mem = numpy.zeros(size)
    self.dsk = numpy.zeros(size)
    self.vcpus = numpy.zeros(size)
    self.spindle_use = numpy.zeros(size)
    self.not_offline = numpy.zeros(size, dtype=bool)
    self.uses_mem = numpy.zeros(size, dtype=bool)
    self.uses_sec_mem = numpy.zeros(size, dtype=bool)
    self.util = numpy.zeros((size, 4))
    self.eligible = numpy.zeros(size, dtype=bool)
    self.ppos = numpy.zeros(size, dtype=numpy.int64)
    self.spos = numpy.zeros(size, dtype=numpy.int64)
    self.node_pos = node_pos
    for (idx, r) in self.row.items():
      inst = instances[idx]
      self.mem[r] = inst.mem
      self.dsk[r] = inst.dsk
      self.vcpus[r] = inst.vcpus
      self.spindle_use[r] = inst.spindle_use
      self.not_offline[r] = inst.NotOffline()
      self.uses_mem[r] = inst.UsesMemory()
      self.uses_sec_mem[r] = inst.UsesSecMem()
      util = inst.util
      self.util[r] = (util.cpu, util.mem, util.dsk, util.net)
      self.eligible[r] = InstanceEligible(inst)
      self.SetNodes(inst)

  def SetNodes(self, inst):
    r = self.row[inst.idx]
    self.ppos[r] = self.node_pos[inst.pnode]
    self.spos[r] = self.node_pos.get(inst.snode, 0)


def TargetValues(nodes, insts, old_values, irow, tpos, kind, force):
  """(valid, new numeric values) of target nodes after DRBD moves.

  Every argument after ``old_values`` (the current numeric values, one
  row per node position) is an array with one entry per slot: the
  instance row, the target position and the move kind code (K_*).
  ``force`` is the balancer's ignore-soft-errors flag.
  """
  pri = (kind == K_RF) | (kind == K_RP)
  ppos = insts.ppos[irow]
  spos = insts.spos[irow]
  # which node the move's source is (its offline flag relaxes the checks)
  src_offline = numpy.where((kind == K_RS), nodes.offline[spos],
                            nodes.offline[ppos])
  strict = ~(src_offline & (kind != K_RF)) & (not force)
  mem = insts.mem[irow]
  dsk = insts.dsk[irow]
  sp_use = insts.spindle_use[irow]
  online = insts.not_offline[irow]
  t_mem = nodes.t_mem[tpos]
  t_dsk = nodes.t_dsk[tpos]
  lo_dsk = nodes.lo_dsk[tpos]
  hi_sp = nodes.hi_sp[tpos]
  r_mem = nodes.r_mem[tpos]
  fail_n1 = nodes.fail_n1[tpos]
  unalloc = (nodes.t_mem_int[tpos] - nodes.n_mem[tpos] - nodes.i_mem[tpos] -
             nodes.x_mem_pos[tpos])
  new_dsk = nodes.f_dsk[tpos] - dsk
  new_dsk_forth = nodes.f_dsk_forth[tpos] - dsk
  new_sp = nodes.inst_sp[tpos] + sp_use
  new_sp_forth = nodes.inst_sp_forth[tpos] + sp_use
  values = old_values[tpos].copy()
  # adding as primary (rf, rp)
  vcpus = numpy.where(online, insts.vcpus[irow], 0.0)
  new_mem = unalloc - numpy.where(insts.uses_mem[irow], mem, 0.0)
  new_mem_forth = nodes.f_mem_forth[tpos] - mem
  t_cpu = nodes.t_cpu[tpos]
  new_pcpu = (nodes.u_cpu[tpos] + vcpus) / t_cpu
  new_pcpu_forth = (nodes.u_cpu_forth[tpos] + vcpus) / t_cpu
  l_cpu = nodes.l_cpu[tpos]
  cpu_cap = l_cpu >= 0
  p_failn1 = new_mem <= r_mem
  p_fail = (new_mem <= 0) | (new_dsk <= 0) | (strict & (
    (new_dsk < lo_dsk) | (new_sp > hi_sp) | (p_failn1 & ~fail_n1) |
    (cpu_cap & (l_cpu < new_pcpu)) | (new_mem_forth <= 0) |
    (new_dsk_forth <= 0) | (new_dsk_forth < lo_dsk) |
    (new_sp_forth > hi_sp) | (cpu_cap & (l_cpu < new_pcpu_forth))))
  # adding as secondary (rs: primary stays; fr: the old secondary becomes it)
  pdx = numpy.where(kind == K_RS, ppos, spos)
  sec_mem = numpy.where(insts.uses_sec_mem[irow], mem, 0.0)
  peem = nodes.peers[tpos, pdx] + sec_mem
  new_rmem = numpy.maximum(r_mem, peem)
  s_failn1 = unalloc <= new_rmem
  s_fail = (new_dsk <= 0) | (strict & (
    (new_dsk < lo_dsk) | (new_sp > hi_sp) | (sec_mem >= unalloc) |
    (s_failn1 & ~fail_n1) | (new_dsk_forth <= 0) |
    (new_dsk_forth < lo_dsk) | (new_sp_forth > hi_sp) |
    (sec_mem >= nodes.f_mem_forth[tpos])))
  valid = numpy.where(pri, ~p_fail, ~s_fail)
  failn1 = numpy.where(pri, p_failn1, s_failn1)
  speed = nodes.t_cpu_speed[tpos]
  util = insts.util[irow]
  values[:, C_DSK] = new_dsk / t_dsk
  values[:, C_N1] = numpy.where(failn1, nodes.nlist[tpos] + 1.0, 0.0)
  values[:, C_SPINDLES] = new_sp / hi_sp
  values[:, C_DSK_FORTH] = new_dsk_forth / t_dsk
  values[:, C_SPINDLES_FORTH] = new_sp_forth / hi_sp
  values[:, C_DSK_LOAD] = (nodes.load_dsk[tpos] + util[:, 2]) / \
    nodes.pool_dsk[tpos]
  p_rows = numpy.nonzero(pri)[0]
  s_rows = numpy.nonzero(~pri)[0]
  if p_rows.size:
    tp = tpos[p_rows]
    values[p_rows, C_MEM] = new_mem[p_rows] / t_mem[p_rows]
    values[p_rows, C_VCPU] = new_pcpu[p_rows] / speed[p_rows]
    values[p_rows, C_MEM_FORTH] = new_mem_forth[p_rows] / t_mem[p_rows]
    values[p_rows, C_VCPU_FORTH] = new_pcpu_forth[p_rows] / speed[p_rows]
    pu = util[p_rows]
    values[p_rows, C_CPU_LOAD] = (nodes.load_cpu[tp] + pu[:, 0]) / \
      nodes.pool_cpu[tp]
    values[p_rows, C_MEM_LOAD] = (nodes.load_mem[tp] + pu[:, 1]) / \
      nodes.pool_mem[tp]
    values[p_rows, C_NET_LOAD] = (nodes.load_net[tp] + pu[:, 3]) / \
      nodes.pool_net[tp]
  if s_rows.size:
    rem = new_rmem[s_rows] / t_mem[s_rows]
    values[s_rows, C_REM] = rem
    values[s_rows, C_RTOTAL] = rem
  return (valid, values)
