"""Instances of the htools cluster model.

An instance carries its resource needs (memory, disk, vcpus, spindles),
its run state, its nodes (indices into the node container), its tags and
the derived data the balancer uses (exclusion tags, location score).
"""

from ganeti.htools import types as T

#: Index of "no secondary node"
NO_SECONDARY = -1

#: Run states in which an instance uses no memory on its node
_NO_MEMORY_STATES = frozenset([T.ST_ERROR_DOWN, T.ST_ADMIN_DOWN,
                               T.ST_ADMIN_OFFLINE, T.ST_USER_DOWN])


class Instance:
  __slots__ = ("name", "alias", "mem", "dsk", "disks", "vcpus", "run_st",
               "pnode", "snode", "idx", "util", "movable", "auto_balance",
               "disk_template", "spindle_use", "all_tags", "excl_tags",
               "dsrd_loc_tags", "location_score", "total_spindles",
               "forthcoming", "nics", "ar_policy", "disk_spindles")

  def __init__(self, name, mem, dsk, vcpus, run_st, tags, auto_balance,
               pnode, snode, disk_template, spindle_use=1, disks=None,
               total_spindles=None, forthcoming=False):
    self.name = name
    self.alias = name
    self.mem = mem
    self.dsk = dsk
    self.disks = disks if disks is not None else [dsk]
    self.vcpus = vcpus
    self.run_st = run_st
    self.pnode = pnode
    self.snode = snode
    self.idx = -1
    self.util = T.BaseUtil()
    self.movable = disk_template in T.MOVABLE_TEMPLATES
    self.auto_balance = auto_balance
    self.disk_template = disk_template
    self.spindle_use = spindle_use
    self.all_tags = list(tags)
    self.excl_tags = []
    self.dsrd_loc_tags = frozenset()
    self.location_score = 0
    self.total_spindles = total_spindles
    self.forthcoming = forthcoming
    self.nics = []
    self.ar_policy = None
    #: the spindles of each disk (None: not known per disk)
    self.disk_spindles = None

  def Copy(self):
    return _COPY(self)

  # State predicates --------------------------------------------------------
  def IsRunning(self):
    return self.run_st in (T.ST_RUNNING, T.ST_ERROR_UP)

  def IsOffline(self):
    return self.run_st == T.ST_ADMIN_OFFLINE

  def NotOffline(self):
    return self.run_st != T.ST_ADMIN_OFFLINE

  def InstanceDown(self):
    return not (self.IsRunning() or self.IsOffline())

  def UsesMemory(self):
    """Whether the instance's memory counts as used on its primary.

    Upstream's states: everything but the down and offline ones (checked
    against Ganeti 3.0.2's htools: ERROR_down, ADMIN_down, ADMIN_offline
    and USER_down instances use no memory; ERROR_nodedown,
    ERROR_nodeoffline and ERROR_wrongnode ones do).
    """
    return not self.forthcoming and self.run_st not in _NO_MEMORY_STATES

  def UsesSecMem(self):
    """Whether a secondary must keep memory free to take this one over."""
    return self.NotOffline() and self.auto_balance

  def UsesLocalStorage(self):
    return self.disk_template in T.LOCAL_STORAGE_TEMPLATES

  def HasSecondary(self):
    return self.disk_template == T.DT_DRBD8

  def MirrorType(self):
    return T.MirrorType(self.disk_template)

  def AllNodes(self):
    if self.disk_template == T.DT_DRBD8:
      return [self.pnode, self.snode]
    return [self.pnode]

  def RequiredNodes(self):
    return 2 if self.disk_template == T.DT_DRBD8 else 1

  # Policy checks -----------------------------------------------------------
  def MatchesPolicy(self, ipol, excl_storage=False):
    """None if the instance fits the policy, else the FailMode."""
    return MatchesPolicy(self, ipol, excl_storage)


def _CompareSpec(which, inst, spec, excl_storage):
  """upstream's instCompareISpec; which is -1 (below min) or 1 (above)."""
  def _Cmp(a, b):
    return (a > b) - (a < b)
  if _Cmp(inst.mem, spec.mem_size) == which:
    return T.FailMode.FailMem
  if any(_Cmp(size, spec.disk_size) == which for size in inst.disks):
    return T.FailMode.FailDisk
  if _Cmp(inst.vcpus, spec.cpu_count) == which:
    return T.FailMode.FailCPU
  if excl_storage:
    if inst.total_spindles is None or \
       _Cmp(inst.total_spindles, spec.spindle_use) == which:
      return T.FailMode.FailSpindles
  elif _Cmp(inst.spindle_use, spec.spindle_use) == which:
    return T.FailMode.FailSpindles
  if inst.disk_template != T.DT_DISKLESS and \
     _Cmp(len(inst.disks), spec.disk_count) == which:
    return T.FailMode.FailDiskCount
  return None


def MatchesPolicy(inst, ipol, excl_storage):
  """None if ``inst`` fits ``ipol``, else upstream's FailMode: each min/max
  pair checked minimum first, every resource in upstream's order (memory,
  disk sizes, cpus, spindles, disk count)."""
  if ipol.minmax:
    # upstream folds from the right: the first pair's failure is reported
    result = T.FailMode.FailInternal
    for (minspec, maxspec) in reversed(ipol.minmax):
      if result is None:
        break
      result = _CompareSpec(-1, inst, minspec, excl_storage) or \
        _CompareSpec(1, inst, maxspec, excl_storage)
    if result is not None:
      return result
  if inst.disk_template not in ipol.disk_templates:
    return T.FailMode.FailDisk
  return None


def _MakeCopier(cls):
  lines = ["def _Copy(self):", "  new = _new(_cls)"]
  lines.extend("  new.%s = self.%s" % (a, a) for a in cls.__slots__)
  lines.append("  return new")
  env = {"_new": object.__new__, "_cls": cls}
  exec("\n".join(lines), env)  # pylint: disable=exec-used
  return env["_Copy"]


_COPY = _MakeCopier(Instance)
