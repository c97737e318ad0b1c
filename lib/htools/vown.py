"""Own parts of DRBD moves computed with numpy, many instances at once.

The *own* part of a move (see :mod:`ganeti.htools.search`) is what it
does to the instance's current primary and secondary.  For the instances
and clusters :mod:`ganeti.htools.vtargets` accepts, the node operations
of each move kind -- :meth:`Node.RemovePri`, :meth:`Node.RemoveSec`,
:meth:`Node.AddPri`, :meth:`Node.AddSec` -- are written here over arrays
of node fields (one entry per instance), so that the own parts of all
instances on the nodes a step changed cost a few hundred array
operations instead of a few node copies per instance and kind.

The fields and formulas are node.py's, in the same order (same floats);
a derived field (``p_mem``, ``p_cpu``, ...) is only recomputed by the
operations that recompute it there.

Replacing the secondary and failing over (``rf``) and replacing the
primary (``rp``) add the instance as a secondary of one of its own nodes
with the *target* as primary: the peer memory that node already holds
for the target changes its reserved memory, its N+1 flag and so one
check and three values.  :func:`PeerFix` gives those per slot.
"""

import numpy

from ganeti.htools import metrics
from ganeti.htools import vtargets as V

_NUMERIC = [pos for pos in range(metrics.COUNT) if pos != metrics.MAP_INDEX]
NCOLS = len(_NUMERIC)
_COL = dict((metrics.NAMES[pos], col) for (col, pos) in enumerate(_NUMERIC))
C_OFF_ALL = _COL["offline_all_cnt"]
C_OFF_PRI = _COL["offline_pri_cnt"]
C_TAGS = _COL["pri_tags_score"]
C_LOC = _COL["location_score"]

#: own-row kinds computed here, in this order
KINDS = ("f", "rs", "rf", "rp", "fr")

_GATHER = ("t_mem_int", "t_mem", "n_mem", "i_mem", "x_mem_pos", "f_dsk",
           "t_dsk", "lo_dsk", "u_cpu", "t_cpu", "t_cpu_speed", "inst_sp",
           "hi_sp", "r_mem", "fail_n1", "f_mem_forth", "f_dsk_forth",
           "u_cpu_forth", "inst_sp_forth", "load_cpu", "load_mem",
           "load_dsk", "load_net", "pool_cpu", "pool_mem", "pool_dsk",
           "pool_net", "l_cpu", "npri", "nsec", "p_mem", "p_dsk", "p_cpu",
           "p_rem", "p_mem_forth", "p_dsk_forth", "p_cpu_forth", "tags_val",
           "loc_score")


class _Inst:
  """The resources of a batch of instances (arrays, one per instance)."""

  def __init__(self, insts, irow):
    self.mem = insts.mem[irow]
    self.dsk = insts.dsk[irow]
    self.sp_use = insts.spindle_use[irow]
    self.online = insts.not_offline[irow]
    self.vcpus = numpy.where(self.online, insts.vcpus[irow], 0.0)
    # memory counted on the primary (Instance.UsesMemory: running ones)
    self.used_mem = numpy.where(insts.uses_mem[irow], self.mem, 0.0)
    self.sec_mem = numpy.where(insts.uses_sec_mem[irow], self.mem, 0.0)
    util = insts.util[irow]
    (self.u_cpu, self.u_mem, self.u_dsk, self.u_net) = util.T


def _Gather(nodes, pos):
  return dict((name, getattr(nodes, name)[pos]) for name in _GATHER)


def _Unalloc(n, i_mem=None):
  return n["t_mem_int"] - n["n_mem"] - \
    (n["i_mem"] if i_mem is None else i_mem) - n["x_mem_pos"]


def RemovePri(n, inst):
  new = dict(n)
  new["npri"] = n["npri"] - 1
  new["i_mem"] = n["i_mem"] - inst.used_mem
  free = _Unalloc(new)
  new["f_dsk"] = n["f_dsk"] + inst.dsk
  new["inst_sp"] = n["inst_sp"] - inst.sp_use
  new["p_mem"] = free / n["t_mem"]
  new["p_dsk"] = new["f_dsk"] / n["t_dsk"]
  new["fail_n1"] = free <= n["r_mem"]
  new["u_cpu"] = n["u_cpu"] - inst.vcpus
  new["p_cpu"] = new["u_cpu"] / n["t_cpu"]
  for (field, use) in (("load_cpu", inst.u_cpu), ("load_mem", inst.u_mem),
                       ("load_dsk", inst.u_dsk), ("load_net", inst.u_net)):
    new[field] = n[field] - use
  new["f_mem_forth"] = n["f_mem_forth"] + inst.mem
  new["f_dsk_forth"] = n["f_dsk_forth"] + inst.dsk
  new["inst_sp_forth"] = n["inst_sp_forth"] - inst.sp_use
  new["p_mem_forth"] = new["f_mem_forth"] / n["t_mem"]
  new["p_dsk_forth"] = new["f_dsk_forth"] / n["t_dsk"]
  new["u_cpu_forth"] = n["u_cpu_forth"] - inst.vcpus
  new["p_cpu_forth"] = new["u_cpu_forth"] / n["t_cpu"]
  return new


def RemoveSec(n, inst, old_peem, others_max):
  """``old_peem``: the node's peer memory for the instance's primary;
  ``others_max``: its largest peer memory for any other node (or 0)."""
  new = dict(n)
  new["nsec"] = n["nsec"] - 1
  new["f_dsk"] = n["f_dsk"] + inst.dsk
  new["inst_sp"] = n["inst_sp"] - inst.sp_use
  new_peem = old_peem - inst.sec_mem
  recomputed = numpy.maximum(others_max, numpy.where(new_peem > 0, new_peem,
                                                     0.0))
  new["r_mem"] = numpy.where(old_peem < n["r_mem"], n["r_mem"], recomputed)
  new["p_rem"] = new["r_mem"] / n["t_mem"]
  new["fail_n1"] = _Unalloc(n) <= new["r_mem"]
  new["p_dsk"] = new["f_dsk"] / n["t_dsk"]
  new["load_dsk"] = n["load_dsk"] - inst.u_dsk
  new["f_dsk_forth"] = n["f_dsk_forth"] + inst.dsk
  new["inst_sp_forth"] = n["inst_sp_forth"] - inst.sp_use
  new["p_dsk_forth"] = new["f_dsk_forth"] / n["t_dsk"]
  return new


def AddPri(n, inst, strict):
  """(new fields, ok) -- Node.AddPri for non-forthcoming instances."""
  new_i_mem = n["i_mem"] + inst.used_mem
  new_mem = _Unalloc(n, new_i_mem)
  new_dsk = n["f_dsk"] - inst.dsk
  new_sp = n["inst_sp"] + inst.sp_use
  new_failn1 = new_mem <= n["r_mem"]
  new_ucpu = n["u_cpu"] + inst.vcpus
  new_pcpu = new_ucpu / n["t_cpu"]
  new_mem_forth = n["f_mem_forth"] - inst.mem
  new_dsk_forth = n["f_dsk_forth"] - inst.dsk
  new_sp_forth = n["inst_sp_forth"] + inst.sp_use
  new_ucpu_forth = n["u_cpu_forth"] + inst.vcpus
  new_pcpu_forth = new_ucpu_forth / n["t_cpu"]
  l_cpu = n["l_cpu"]
  cap = l_cpu >= 0
  lo_dsk = n["lo_dsk"]
  hi_sp = n["hi_sp"]
  fail = (new_mem <= 0) | (new_dsk <= 0) | (strict & (
    (new_dsk < lo_dsk) | (new_sp > hi_sp) | (new_failn1 & ~n["fail_n1"]) |
    (cap & (l_cpu < new_pcpu)) | (new_mem_forth <= 0) |
    (new_dsk_forth <= 0) | (new_dsk_forth < lo_dsk) | (new_sp_forth > hi_sp) |
    (cap & (l_cpu < new_pcpu_forth))))
  new = dict(n)
  new["npri"] = n["npri"] + 1
  new["i_mem"] = new_i_mem
  new["f_dsk"] = new_dsk
  new["fail_n1"] = new_failn1
  new["p_mem"] = new_mem / n["t_mem"]
  new["p_dsk"] = new_dsk / n["t_dsk"]
  new["u_cpu"] = new_ucpu
  new["p_cpu"] = new_pcpu
  for (field, use) in (("load_cpu", inst.u_cpu), ("load_mem", inst.u_mem),
                       ("load_dsk", inst.u_dsk), ("load_net", inst.u_net)):
    new[field] = n[field] + use
  new["inst_sp"] = new_sp
  new["f_mem_forth"] = new_mem_forth
  new["f_dsk_forth"] = new_dsk_forth
  new["p_mem_forth"] = new_mem_forth / n["t_mem"]
  new["p_dsk_forth"] = new_dsk_forth / n["t_dsk"]
  new["u_cpu_forth"] = new_ucpu_forth
  new["p_cpu_forth"] = new_pcpu_forth
  new["inst_sp_forth"] = new_sp_forth
  return (new, ~fail)


def AddSec(n, inst, peem, strict, ignore_disks=None):
  """(new fields, ok, ok without the N+1 check) -- Node.AddSec for
  non-forthcoming DRBD instances; ``peem`` is the node's peer memory for
  the new primary before the addition; where ``ignore_disks`` is set a
  full disk does not fail the addition (Node.AddSec's ignore_disks)."""
  new_peem = peem + inst.sec_mem
  old_mem = _Unalloc(n)
  new_dsk = n["f_dsk"] - inst.dsk
  new_sp = n["inst_sp"] + inst.sp_use
  new_rmem = numpy.maximum(n["r_mem"], new_peem)
  new_failn1 = old_mem <= new_rmem
  new_dsk_forth = n["f_dsk_forth"] - inst.dsk
  new_sp_forth = n["inst_sp_forth"] + inst.sp_use
  lo_dsk = n["lo_dsk"]
  hi_sp = n["hi_sp"]
  no_disk = new_dsk <= 0
  if ignore_disks is not None:
    no_disk = no_disk & ~ignore_disks
  fail = no_disk | (strict & (
    (new_dsk < lo_dsk) | (new_sp > hi_sp) | (inst.sec_mem >= old_mem) |
    (new_dsk_forth <= 0) | (new_dsk_forth < lo_dsk) |
    (new_sp_forth > hi_sp) | (inst.sec_mem >= n["f_mem_forth"])))
  n1_fail = strict & new_failn1 & ~n["fail_n1"]
  new = dict(n)
  new["nsec"] = n["nsec"] + 1
  new["f_dsk"] = new_dsk
  new["fail_n1"] = new_failn1
  new["r_mem"] = new_rmem
  new["p_dsk"] = new_dsk / n["t_dsk"]
  new["p_rem"] = new_rmem / n["t_mem"]
  new["load_dsk"] = n["load_dsk"] + inst.u_dsk
  new["inst_sp"] = new_sp
  new["f_dsk_forth"] = new_dsk_forth
  new["p_dsk_forth"] = new_dsk_forth / n["t_dsk"]
  new["inst_sp_forth"] = new_sp_forth
  return (new, ~(fail | n1_fail), ~fail)


def Values(n):
  """The numeric NodeValues columns of node fields (k x NCOLS)."""
  count = n["npri"] + n["nsec"]
  cols = [None] * NCOLS
  cols[V.C_MEM] = n["p_mem"]
  cols[V.C_DSK] = n["p_dsk"]
  cols[V.C_N1] = numpy.where(n["fail_n1"], count, 0.0)
  cols[V.C_REM] = n["p_rem"]
  cols[C_OFF_ALL] = count
  cols[C_OFF_PRI] = n["npri"]
  cols[V.C_VCPU] = n["p_cpu"] / n["t_cpu_speed"]
  cols[V.C_CPU_LOAD] = n["load_cpu"] / n["pool_cpu"]
  cols[V.C_MEM_LOAD] = n["load_mem"] / n["pool_mem"]
  cols[V.C_DSK_LOAD] = n["load_dsk"] / n["pool_dsk"]
  cols[V.C_NET_LOAD] = n["load_net"] / n["pool_net"]
  cols[C_TAGS] = n["tags_val"]
  cols[V.C_SPINDLES] = n["inst_sp"] / n["hi_sp"]
  cols[V.C_MEM_FORTH] = n["p_mem_forth"]
  cols[V.C_DSK_FORTH] = n["p_dsk_forth"]
  cols[V.C_VCPU_FORTH] = n["p_cpu_forth"] / n["t_cpu_speed"]
  cols[V.C_SPINDLES_FORTH] = n["inst_sp_forth"] / n["hi_sp"]
  cols[C_LOC] = n["loc_score"]
  cols[V.C_RTOTAL] = n["p_rem"]
  return numpy.column_stack([numpy.asarray(c, dtype=float) for c in cols])


class PeerInfo:
  """What an rf/rp own row needs to follow the target's peer memory."""

  def __init__(self, pre, inst, added_pos, strict, base_ok, nlist):
    self.pre_rmem = pre["r_mem"]
    self.pre_unalloc = _Unalloc(pre)
    self.pre_failn1 = pre["fail_n1"]
    self.t_mem = pre["t_mem"]
    self.sec_mem = inst.sec_mem
    self.added_pos = added_pos
    self.strict = strict
    self.base_ok = base_ok
    self.count = nlist


def OwnParts(nodes, insts, irow, force):
  """Own parts of the five kinds for the instances ``irow``.

  Returns {kind: (ok, pnode values, snode values)} (values as k x NCOLS
  arrays) and {kind: PeerInfo} for rf and rp, whose rows are computed
  for a target holding no peer memory.
  """
  inst = _Inst(insts, irow)
  ppos = insts.ppos[irow]
  spos = insts.spos[irow]
  p = _Gather(nodes, ppos)
  s = _Gather(nodes, spos)
  off_p = nodes.offline[ppos]
  off_s = nodes.offline[spos]
  strict_any = not force
  # the secondary's peer memory for the primary and for the others
  old_peem = nodes.peers[spos, ppos]
  others = numpy.where(nodes.peer_arg[spos] == ppos, nodes.peer_max2[spos],
                       nodes.peer_max[spos])
  int_p = RemovePri(p, inst)
  int_s = RemoveSec(s, inst, old_peem, others)
  int_p_vals = Values(int_p)
  int_s_vals = Values(int_s)
  parts = {}
  peer_info = {}
  # failover
  strict_p = strict_any & ~off_p
  (new_p, ok_p) = AddPri(int_s, inst, strict_p)
  # from an offline primary, the old primary is added forced and without
  # disk checks (moves.Prepared._Failover, upstream 3.0.2)
  (new_s, ok_s, _) = AddSec(int_p, inst, nodes.peers[ppos, spos],
                            strict_p, ignore_disks=off_p)
  parts["f"] = (ok_p & ok_s, Values(new_s), Values(new_p))
  # replace secondary: the primary is removed and re-added, forced
  (p3, ok3) = AddPri(int_p, inst, numpy.zeros(len(irow), dtype=bool))
  parts["rs"] = (ok3, Values(p3), int_s_vals)
  # replace secondary and failover: the primary becomes the secondary
  strict_s = strict_any & ~off_s
  zero = numpy.zeros(len(irow))
  (sec_p, ok_rf, base_rf) = AddSec(int_p, inst, zero, strict_s)
  parts["rf"] = (ok_rf, Values(sec_p), int_s_vals)
  peer_info["rf"] = PeerInfo(int_p, inst, ppos, strict_s, base_rf,
                             sec_p["npri"] + sec_p["nsec"])
  # replace primary: the secondary is promoted and demoted, then holds
  # the disks for the target
  (tmp, ok_tmp) = AddPri(int_s, inst, strict_p)
  tmp = RemovePri(tmp, inst)
  (sec_s, ok_rp, base_rp) = AddSec(tmp, inst, zero, strict_p)
  parts["rp"] = (ok_tmp & ok_rp, int_p_vals, Values(sec_s))
  peer_info["rp"] = PeerInfo(tmp, inst, spos, strict_p, ok_tmp & base_rp,
                             sec_s["npri"] + sec_s["nsec"])
  # failover and replace secondary: the secondary becomes the primary
  parts["fr"] = (ok_p, int_p_vals, Values(new_p))
  return (parts, peer_info)


def PeerFix(info, rows, peem):
  """(ok, n1, p_rem) of the node an rf/rp move adds the instance to as a
  secondary, for the PeerInfo ``rows`` and the target's peer memory."""
  r_mem = numpy.maximum(info.pre_rmem[rows], peem + info.sec_mem[rows])
  fail_n1 = info.pre_unalloc[rows] <= r_mem
  ok = info.base_ok[rows] & ~(info.strict[rows] & fail_n1 &
                              ~info.pre_failn1[rows])
  n1 = numpy.where(fail_n1, info.count[rows], 0.0)
  return (ok, n1, r_mem / info.t_mem[rows])
