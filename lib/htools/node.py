"""Nodes of the htools cluster model and the placement operations on them.

A node records its capacity (memory, disk, cpus, spindles), what its
instances use, and the derived ratios the cluster score is made of.  The
placement operations (:meth:`Node.AddPri`, :meth:`Node.AddSec`,
:meth:`Node.RemovePri`, :meth:`Node.RemoveSec`) never change the node they
are called on: they return a changed copy, or raise
:class:`~ganeti.htools.types.MoveFailure` when the instance does not fit.
The rules are Ganeti's htools ones (N+1 memory for DRBD secondaries, the
minimum free disk ratio, the vcpu ratio and spindle ratio of the instance
policy, exclusion tags), including the "forthcoming" view that counts
instances which are not created yet.
"""

import math

from ganeti.htools import types as T
from ganeti.htools.instance import NO_SECONDARY

# Failure modes of the checks; each failure raises a new MoveFailure (a
# raised exception object keeps the traceback of every earlier raise, so
# a shared one would grow without end in a long capacity search)
_FAIL_MEM = T.FailMode.FailMem
_FAIL_DISK = T.FailMode.FailDisk
_FAIL_CPU = T.FailMode.FailCPU
_FAIL_TAGS = T.FailMode.FailTags
_FAIL_SPINDLES = T.FailMode.FailSpindles
_FAIL_MIG = T.FailMode.FailMig


def _PDsk(free, total):
  return 1.0 if total == 0 else free / total


def _AddTags(tagmap, tags):
  if not tags:
    return tagmap
  new = dict(tagmap)
  for tag in tags:
    new[tag] = new.get(tag, 0) + 1
  return new


def _DelTags(tagmap, tags):
  if not tags:
    return tagmap
  new = dict(tagmap)
  for tag in tags:
    count = new.get(tag)
    if count is None:
      continue
    if count > 1:
      new[tag] = count - 1
    else:
      del new[tag]
  return new


def _PeerAdd(peers, key, value):
  """``peers`` with ``key`` set to ``value``, in upstream's PeerMap order.

  Upstream keeps the peers as a list sorted by memory, largest first: an
  entry set anew is taken out and put back before the first entry with
  no more memory than it.  The dict keeps that order, which ``-p
  peermap`` and ``hail -v -v`` show.
  """
  new = {}
  placed = False
  for (pkey, pvalue) in peers.items():
    if pkey == key:
      continue
    if not placed and value >= pvalue:
      new[key] = value
      placed = True
    new[pkey] = pvalue
  if not placed:
    new[key] = value
  return new


class Node:
  __slots__ = (
    "name", "alias", "t_mem", "n_mem", "i_mem", "f_mem", "f_mem_forth",
    "x_mem",
    "t_dsk", "f_dsk", "f_dsk_forth", "t_cpu", "t_cpu_speed", "n_cpu",
    "u_cpu", "u_cpu_forth", "t_spindles", "f_spindles", "f_spindles_forth",
    "plist", "plist_forth", "slist", "slist_forth", "idx", "peers",
    "fail_n1", "r_mem", "p_mem", "p_mem_forth", "p_dsk", "p_dsk_forth",
    "p_rem", "p_cpu", "p_cpu_forth", "m_dsk", "lo_dsk", "hi_cpu",
    "hi_spindles", "inst_spindles", "inst_spindles_forth", "offline",
    "is_master", "tags", "util_pool", "util_load", "util_load_forth",
    "p_tags", "group", "ipolicy", "excl_storage", "mig_tags", "rmig_tags",
    "location_tags", "location_score", "instance_map", "drained")

  def __init__(self, name, t_mem, n_mem, f_mem, t_dsk, f_dsk, t_cpu,
               offline, t_spindles, f_spindles, group, excl_storage,
               n_cpu=0):
    self.name = name
    self.alias = name
    self.t_mem = float(t_mem)
    self.n_mem = n_mem
    self.i_mem = 0
    self.f_mem = f_mem
    self.f_mem_forth = f_mem
    self.x_mem = 0
    self.t_dsk = float(t_dsk)
    self.f_dsk = f_dsk
    self.f_dsk_forth = f_dsk
    self.t_cpu = float(t_cpu)
    self.t_cpu_speed = 1.0
    self.n_cpu = n_cpu
    self.u_cpu = n_cpu
    self.u_cpu_forth = n_cpu
    self.t_spindles = t_spindles
    self.f_spindles = f_spindles
    self.f_spindles_forth = f_spindles
    self.plist = ()
    self.plist_forth = ()
    self.slist = ()
    self.slist_forth = ()
    self.idx = -1
    self.peers = {}
    self.fail_n1 = True
    self.r_mem = 0
    self.p_mem = 0.0
    self.p_mem_forth = _Div(f_mem, self.t_mem)
    if excl_storage:
      self.p_dsk = _PDsk(f_spindles, float(t_spindles))
    else:
      self.p_dsk = _PDsk(f_dsk, self.t_dsk)
    self.p_dsk_forth = self.p_dsk
    self.p_rem = 0.0
    self.p_cpu = _Div(n_cpu, self.t_cpu)
    self.p_cpu_forth = self.p_cpu
    self.m_dsk = T.DEFAULT_RESERVED_DISK_RATIO
    self.lo_dsk = math.floor(self.m_dsk * self.t_dsk)
    ipol = T.DefaultIPolicy()
    self.ipolicy = ipol
    self.hi_cpu = math.floor(ipol.vcpu_ratio * self.t_cpu)
    self.hi_spindles = ipol.spindle_ratio * t_spindles
    self.inst_spindles = 0.0
    self.inst_spindles_forth = 0.0
    self.offline = offline
    self.drained = False
    self.is_master = False
    self.tags = []
    self.util_pool = T.BaseUtil()
    self.util_load = T.ZeroUtil()
    self.util_load_forth = T.ZeroUtil()
    self.p_tags = {}
    self.group = group
    self.excl_storage = excl_storage
    self.mig_tags = frozenset()
    self.rmig_tags = frozenset()
    self.location_tags = frozenset()
    self.location_score = 0
    self.instance_map = {}

  def Copy(self):
    """A shallow copy (the placement operations never mutate containers)."""
    return _COPY(self)

  # Setters used while loading ---------------------------------------------
  def SetPolicy(self, ipol):
    self.ipolicy = ipol
    self.hi_cpu = math.floor(ipol.vcpu_ratio * self.t_cpu)
    self.hi_spindles = ipol.spindle_ratio * self.t_spindles

  def SetMdsk(self, ratio):
    self.m_dsk = ratio
    self.lo_dsk = math.floor(ratio * self.t_dsk)

  def SetMcpu(self, ratio):
    ipol = self.ipolicy
    self.ipolicy = T.IPolicy(ipol.minmax, ipol.std, ipol.disk_templates,
                             ratio, ipol.spindle_ratio)
    self.hi_cpu = math.floor(ratio * self.t_cpu)

  # Derived values ----------------------------------------------------------
  def PCpuEff(self):
    return self.p_cpu / self.t_cpu_speed

  def PCpuEffForth(self):
    return self.p_cpu_forth / self.t_cpu_speed

  def ConflictingPrimaries(self):
    tags = self.p_tags
    return sum(tags.values()) - len(tags)

  def AvailDisk(self):
    return max(0, self.f_dsk - self.lo_dsk)

  def AvailMem(self):
    return max(0, self.UnallocatedMem() - self.r_mem)

  def AvailCpu(self):
    return max(0, self.hi_cpu - self.u_cpu)

  def SetXmem(self, x_mem, i_mem):
    """Record the unaccounted and the instance memory (after loading)."""
    self.x_mem = x_mem
    self.i_mem = i_mem
    self.p_mem = _Div(self.UnallocatedMem(), self.t_mem)

  def RecordedFreeMem(self, i_mem=None):
    if i_mem is None:
      i_mem = self.i_mem
    return int(self.t_mem) - self.n_mem - i_mem

  def UnallocatedMem(self, i_mem=None):
    """Free memory by our records, less memory missing on the node."""
    return self.RecordedFreeMem(i_mem) - max(0, self.x_mem)

  def MissingMem(self):
    return self.RecordedFreeMem() - self.f_mem

  def IDsk(self):
    return int(self.t_dsk) - self.f_dsk

  def _NewPDsk(self, free_sp, free_dsk):
    if self.excl_storage:
      return _PDsk(free_sp, float(self.t_spindles))
    return _PDsk(free_dsk, self.t_dsk)

  def _SpindleUse(self, add, inst, current):
    if self.excl_storage:
      return 0.0
    if inst.UsesLocalStorage():
      return current + inst.spindle_use if add else current - inst.spindle_use
    return current

  def _FreeSpindles(self, add, inst, current):
    if not self.excl_storage:
      return 0
    total = inst.total_spindles
    if total is None:
      return -1 if add else current
    return current - total if add else current + total

  def DsrdLocScore(self, inst):
    tags = inst.dsrd_loc_tags
    if not tags:
      return 0
    return len(tags) - len(tags & self.location_tags)

  def LocExclPairs(self, inst):
    if not inst.excl_tags or not self.location_tags:
      return ()
    return [(loc, excl) for loc in sorted(self.location_tags)
            for excl in inst.excl_tags]

  # Loading: attach instances without checks --------------------------------
  def SetPri(self, inst):
    """Record ``inst`` as primary (loader use: no capacity checks)."""
    online = inst.NotOffline()
    if not inst.forthcoming:
      self.plist = (inst.idx,) + self.plist
      if online:
        self.u_cpu += inst.vcpus
      self.p_cpu = _Div(self.u_cpu, self.t_cpu)
      self.util_load = self.util_load.Add(inst.util)
      self.inst_spindles = self._SpindleUse(True, inst, self.inst_spindles)
      self.location_score += inst.location_score + self.DsrdLocScore(inst)
      self.instance_map = _AddTags(self.instance_map,
                                   self.LocExclPairs(inst))
    else:
      if inst.UsesLocalStorage():
        self.f_dsk_forth -= inst.dsk
      self.f_spindles_forth = self._FreeSpindles(True, inst,
                                                 self.f_spindles_forth)
      self.p_dsk_forth = self._NewPDsk(self.f_spindles_forth,
                                       self.f_dsk_forth)
    self.p_tags = _AddTags(self.p_tags, inst.excl_tags)
    self.plist_forth = (inst.idx,) + self.plist_forth
    if online:
      self.u_cpu_forth += inst.vcpus
    self.p_cpu_forth = _Div(self.u_cpu_forth, self.t_cpu)
    self.util_load_forth = self.util_load_forth.Add(inst.util)
    if not inst.UsesMemory():
      self.f_mem_forth -= inst.mem
    self.p_mem_forth = _Div(self.f_mem_forth, self.t_mem)
    self.inst_spindles_forth = self._SpindleUse(True, inst,
                                                self.inst_spindles_forth)

  def SetSec(self, inst):
    """Record ``inst`` as secondary (loader use: no capacity checks)."""
    if not inst.forthcoming:
      self.slist = (inst.idx,) + self.slist
      self.util_load = _AddDsk(self.util_load, inst.util.dsk)
      self.inst_spindles = self._SpindleUse(True, inst, self.inst_spindles)
    else:
      if inst.UsesLocalStorage():
        self.f_dsk_forth -= inst.dsk
      self.f_spindles_forth = self._FreeSpindles(True, inst,
                                                 self.f_spindles_forth)
      self.p_dsk_forth = self._NewPDsk(self.f_spindles_forth,
                                       self.f_dsk_forth)
    self.slist_forth = (inst.idx,) + self.slist_forth
    self.util_load_forth = _AddDsk(self.util_load_forth, inst.util.dsk)
    self.inst_spindles_forth = self._SpindleUse(True, inst,
                                                self.inst_spindles_forth)

  def BuildPeers(self, instances):
    peers = {}
    # upstream accumulates the secondaries from the last one on
    for idx in reversed(self.slist):
      inst = instances[idx]
      mem = inst.mem if (inst.UsesSecMem() and not inst.forthcoming) else 0
      peers = _PeerAdd(peers, inst.pnode, peers.get(inst.pnode, 0) + mem)
    self.peers = peers
    self.r_mem = max(peers.values()) if peers else 0
    self.fail_n1 = self.f_mem < self.r_mem
    self.p_rem = _Div(self.r_mem, self.t_mem)

  # Placement operations ----------------------------------------------------
  def RemovePri(self, inst):
    new = self.Copy()
    uses_disk = inst.UsesLocalStorage()
    online = inst.NotOffline()
    if not inst.forthcoming:
      new.plist = _Without(self.plist, inst.idx)
      if inst.UsesMemory():
        new.i_mem = self.i_mem - inst.mem
      new_free_mem = new.UnallocatedMem()
      if uses_disk:
        new.f_dsk = self.f_dsk + inst.dsk
      new.f_spindles = self._FreeSpindles(False, inst, self.f_spindles)
      new.inst_spindles = self._SpindleUse(False, inst, self.inst_spindles)
      new.p_mem = _Div(new_free_mem, self.t_mem)
      new.p_dsk = self._NewPDsk(new.f_spindles, new.f_dsk)
      new.fail_n1 = new_free_mem <= self.r_mem
      if online:
        new.u_cpu = self.u_cpu - inst.vcpus
      new.p_cpu = _Div(new.u_cpu, self.t_cpu)
      new.util_load = self.util_load.Sub(inst.util)
      new.location_score = (self.location_score - inst.location_score -
                            self.DsrdLocScore(inst))
      new.instance_map = _DelTags(self.instance_map, self.LocExclPairs(inst))
    new.p_tags = _DelTags(self.p_tags, inst.excl_tags)
    new.plist_forth = _Without(self.plist_forth, inst.idx)
    new.f_mem_forth = self.f_mem_forth + inst.mem
    if uses_disk:
      new.f_dsk_forth = self.f_dsk_forth + inst.dsk
    new.f_spindles_forth = self._FreeSpindles(False, inst,
                                              self.f_spindles_forth)
    new.inst_spindles_forth = self._SpindleUse(False, inst,
                                               self.inst_spindles_forth)
    new.p_mem_forth = _Div(new.f_mem_forth, self.t_mem)
    new.p_dsk_forth = self._NewPDsk(new.f_spindles_forth, new.f_dsk_forth)
    if online:
      new.u_cpu_forth = self.u_cpu_forth - inst.vcpus
    new.p_cpu_forth = _Div(new.u_cpu_forth, self.t_cpu)
    new.util_load_forth = self.util_load_forth.Sub(inst.util)
    return new

  def RemoveSec(self, inst):
    new = self.Copy()
    uses_disk = inst.UsesLocalStorage()
    if not inst.forthcoming:
      new.slist = _Without(self.slist, inst.idx)
      if uses_disk:
        new.f_dsk = self.f_dsk + inst.dsk
      new.f_spindles = self._FreeSpindles(False, inst, self.f_spindles)
      new.inst_spindles = self._SpindleUse(False, inst, self.inst_spindles)
      pnode = inst.pnode
      old_peem = self.peers.get(pnode, 0)
      new_peem = old_peem - inst.mem if inst.UsesSecMem() else old_peem
      if new_peem > 0:
        peers = _PeerAdd(self.peers, pnode, new_peem)
      else:
        peers = dict(self.peers)
        peers.pop(pnode, None)
      new.peers = peers
      if old_peem < self.r_mem:
        new.r_mem = self.r_mem
      else:
        new.r_mem = max(peers.values()) if peers else 0
      new.p_rem = _Div(new.r_mem, self.t_mem)
      new.fail_n1 = self.UnallocatedMem() <= new.r_mem
      new.p_dsk = self._NewPDsk(new.f_spindles, new.f_dsk)
      new.util_load = _AddDsk(self.util_load, -inst.util.dsk)
    new.slist_forth = _Without(self.slist_forth, inst.idx)
    if uses_disk:
      new.f_dsk_forth = self.f_dsk_forth + inst.dsk
    new.f_spindles_forth = self._FreeSpindles(False, inst,
                                              self.f_spindles_forth)
    new.inst_spindles_forth = self._SpindleUse(False, inst,
                                               self.inst_spindles_forth)
    new.p_dsk_forth = self._NewPDsk(new.f_spindles_forth, new.f_dsk_forth)
    new.util_load_forth = _AddDsk(self.util_load_forth, -inst.util.dsk)
    return new

  def AddPri(self, inst, force=False):
    """A copy with ``inst`` added as primary; ``force`` skips soft checks."""
    strict = not force
    uses_disk = inst.UsesLocalStorage()
    online = inst.NotOffline()
    l_cpu = self.ipolicy.vcpu_ratio
    new_mem_forth = self.f_mem_forth - inst.mem
    new_dsk_forth = self.f_dsk_forth - inst.dsk if uses_disk else \
      self.f_dsk_forth
    new_free_sp_forth = self._FreeSpindles(True, inst, self.f_spindles_forth)
    new_inst_sp_forth = self._SpindleUse(True, inst, self.inst_spindles_forth)
    new_ucpu_forth = self.u_cpu_forth + inst.vcpus if online else \
      self.u_cpu_forth
    new_pcpu_forth = _Div(new_ucpu_forth, self.t_cpu)

    def _ForthViolation():
      if new_mem_forth <= 0:
        return _FAIL_MEM
      if uses_disk and (new_dsk_forth <= 0 or new_dsk_forth < self.lo_dsk):
        return _FAIL_DISK
      if uses_disk and self.excl_storage and new_free_sp_forth < 0:
        return _FAIL_SPINDLES
      if uses_disk and new_inst_sp_forth > self.hi_spindles:
        return _FAIL_DISK
      if l_cpu >= 0 and l_cpu < new_pcpu_forth:
        return _FAIL_CPU
      return None

    if inst.forthcoming:
      if strict:
        fail = _ForthViolation()
        if fail is not None:
          raise T.MoveFailure(fail)
      new = self.Copy()
    else:
      new_i_mem = self.i_mem + inst.mem if inst.UsesMemory() else self.i_mem
      new_mem = self.UnallocatedMem(new_i_mem)
      new_dsk = self.f_dsk - inst.dsk if uses_disk else self.f_dsk
      new_free_sp = self._FreeSpindles(True, inst, self.f_spindles)
      new_inst_sp = self._SpindleUse(True, inst, self.inst_spindles)
      new_failn1 = new_mem <= self.r_mem
      new_ucpu = self.u_cpu + inst.vcpus if online else self.u_cpu
      new_pcpu = _Div(new_ucpu, self.t_cpu)
      if new_mem <= 0:
        raise T.MoveFailure(_FAIL_MEM)
      if uses_disk and new_dsk <= 0:
        raise T.MoveFailure(_FAIL_DISK)
      if strict and uses_disk and new_dsk < self.lo_dsk:
        raise T.MoveFailure(_FAIL_DISK)
      if uses_disk and self.excl_storage and new_free_sp < 0:
        raise T.MoveFailure(_FAIL_SPINDLES)
      if strict and uses_disk and new_inst_sp > self.hi_spindles:
        raise T.MoveFailure(_FAIL_DISK)
      if strict and new_failn1 and not self.fail_n1:
        raise T.MoveFailure(_FAIL_MEM)
      if strict and l_cpu >= 0 and l_cpu < new_pcpu:
        raise T.MoveFailure(_FAIL_CPU)
      if strict and inst.excl_tags and \
         any(tag in self.p_tags for tag in inst.excl_tags):
        raise T.MoveFailure(_FAIL_TAGS)
      if strict:
        fail = _ForthViolation()
        if fail is not None:
          raise T.MoveFailure(fail)
      new = self.Copy()
      new.plist = (inst.idx,) + self.plist
      new.i_mem = new_i_mem
      new.f_dsk = new_dsk
      new.fail_n1 = new_failn1
      new.p_mem = _Div(new_mem, self.t_mem)
      new.p_dsk = self._NewPDsk(new_free_sp, new_dsk)
      new.u_cpu = new_ucpu
      new.p_cpu = new_pcpu
      new.util_load = self.util_load.Add(inst.util)
      new.inst_spindles = new_inst_sp
      new.f_spindles = new_free_sp
      new.location_score = (self.location_score + inst.location_score +
                            self.DsrdLocScore(inst))
      new.instance_map = _AddTags(self.instance_map, self.LocExclPairs(inst))
    new.p_tags = _AddTags(self.p_tags, inst.excl_tags)
    new.plist_forth = (inst.idx,) + self.plist_forth
    new.f_mem_forth = new_mem_forth
    new.f_dsk_forth = new_dsk_forth
    new.p_mem_forth = _Div(new_mem_forth, self.t_mem)
    new.p_dsk_forth = self._NewPDsk(new_free_sp_forth, new_dsk_forth)
    new.u_cpu_forth = new_ucpu_forth
    new.p_cpu_forth = new_pcpu_forth
    new.util_load_forth = self.util_load_forth.Add(inst.util)
    new.inst_spindles_forth = new_inst_sp_forth
    new.f_spindles_forth = new_free_sp_forth
    return new

  def AddSec(self, inst, pdx, force=False, ignore_disks=False):
    """A copy with ``inst`` (primary on node ``pdx``) added as secondary."""
    strict = not force
    sec_mem = inst.mem if inst.UsesSecMem() else 0
    new_peem = self.peers.get(pdx, 0) + sec_mem
    new_dsk_forth = self.f_dsk_forth - inst.dsk
    new_free_sp_forth = self._FreeSpindles(True, inst, self.f_spindles_forth)
    new_inst_sp_forth = self._SpindleUse(True, inst, self.inst_spindles_forth)

    def _ForthViolation():
      if not inst.HasSecondary():
        return _FAIL_DISK
      if new_dsk_forth <= 0 or new_dsk_forth < self.lo_dsk:
        return _FAIL_DISK
      if self.excl_storage and new_free_sp_forth < 0:
        return _FAIL_SPINDLES
      if new_inst_sp_forth > self.hi_spindles:
        return _FAIL_DISK
      if sec_mem >= self.f_mem_forth:
        return _FAIL_MEM
      return None

    if inst.forthcoming:
      if strict:
        fail = _ForthViolation()
        if fail is not None:
          raise T.MoveFailure(fail)
      new = self.Copy()
    else:
      old_mem = self.UnallocatedMem()
      new_dsk = self.f_dsk - inst.dsk
      new_free_sp = self._FreeSpindles(True, inst, self.f_spindles)
      new_inst_sp = self._SpindleUse(True, inst, self.inst_spindles)
      new_rmem = max(self.r_mem, new_peem)
      new_failn1 = old_mem <= new_rmem
      if not inst.HasSecondary():
        raise T.MoveFailure(_FAIL_DISK)
      if not ignore_disks and new_dsk <= 0:
        raise T.MoveFailure(_FAIL_DISK)
      if strict and new_dsk < self.lo_dsk:
        raise T.MoveFailure(_FAIL_DISK)
      if self.excl_storage and new_free_sp < 0:
        raise T.MoveFailure(_FAIL_SPINDLES)
      if strict and new_inst_sp > self.hi_spindles:
        raise T.MoveFailure(_FAIL_DISK)
      if strict and sec_mem >= old_mem:
        raise T.MoveFailure(_FAIL_MEM)
      if strict and new_failn1 and not self.fail_n1:
        raise T.MoveFailure(_FAIL_MEM)
      if strict:
        fail = _ForthViolation()
        if fail is not None:
          raise T.MoveFailure(fail)
      new = self.Copy()
      new.slist = (inst.idx,) + self.slist
      new.f_dsk = new_dsk
      new.peers = _PeerAdd(self.peers, pdx, new_peem)
      new.fail_n1 = new_failn1
      new.r_mem = new_rmem
      new.p_dsk = self._NewPDsk(new_free_sp, new_dsk)
      new.p_rem = _Div(new_rmem, self.t_mem)
      new.util_load = _AddDsk(self.util_load, inst.util.dsk)
      new.inst_spindles = new_inst_sp
      new.f_spindles = new_free_sp
    new.slist_forth = (inst.idx,) + self.slist_forth
    new.f_dsk_forth = new_dsk_forth
    new.p_dsk_forth = self._NewPDsk(new_free_sp_forth, new_dsk_forth)
    new.util_load_forth = _AddDsk(self.util_load_forth, inst.util.dsk)
    new.inst_spindles_forth = new_inst_sp_forth
    new.f_spindles_forth = new_free_sp_forth
    return new

  def CheckMigration(self, target):
    """Raise FailMig unless instances may migrate from here to target."""
    if not self.mig_tags <= target.rmig_tags:
      raise T.MoveFailure(_FAIL_MIG)


def _MakeCopier(cls):
  """A function copying every slot of ``cls`` with straight-line code."""
  lines = ["def _Copy(self):", "  new = _new(_cls)"]
  lines.extend("  new.%s = self.%s" % (a, a) for a in cls.__slots__)
  lines.append("  return new")
  env = {"_new": object.__new__, "_cls": cls}
  exec("\n".join(lines), env)  # pylint: disable=exec-used
  return env["_Copy"]


_COPY = _MakeCopier(Node)


def _Div(num, den):
  if den == 0:
    if num == 0:
      return math.nan
    return math.copysign(math.inf, num)
  return num / den


def _AddDsk(util, delta):
  return T.DynUtil(util.cpu, util.mem, util.dsk + delta, util.net)


def _Without(items, value):
  lst = list(items)
  try:
    lst.remove(value)
  except ValueError:
    pass
  return tuple(lst)


__all__ = ["Node", "NO_SECONDARY"]
