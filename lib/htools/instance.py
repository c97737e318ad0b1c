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
               "forthcoming", "nics", "ar_policy")

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
    fail = None
    for (minspec, maxspec) in ipol.minmax:
      fail = self._CheckSpecs(minspec, maxspec, excl_storage)
      if fail is None:
        break
    if fail is not None:
      return fail
    if self.disk_template not in ipol.disk_templates:
      return T.FailMode.FailDisk
    return None

  def _CheckSpecs(self, minspec, maxspec, excl_storage):
    if self.mem < minspec.mem_size or self.mem > maxspec.mem_size:
      return T.FailMode.FailMem
    for size in self.disks:
      if size < minspec.disk_size or size > maxspec.disk_size:
        return T.FailMode.FailDisk
    ndisks = len(self.disks)
    # upstream does not count the disks of diskless instances
    if self.disk_template != T.DT_DISKLESS and \
       (ndisks < minspec.disk_count or ndisks > maxspec.disk_count):
      return T.FailMode.FailDiskCount
    if self.vcpus < minspec.cpu_count or self.vcpus > maxspec.cpu_count:
      return T.FailMode.FailCPU
    if not excl_storage:
      if (self.spindle_use < minspec.spindle_use or
          self.spindle_use > maxspec.spindle_use):
        return T.FailMode.FailSpindles
    return None


def _MakeCopier(cls):
  lines = ["def _Copy(self):", "  new = _new(_cls)"]
  lines.extend("  new.%s = self.%s" % (a, a) for a in cls.__slots__)
  lines.append("  return new")
  env = {"_new": object.__new__, "_cls": cls}
  exec("\n".join(lines), env)  # pylint: disable=exec-used
  return env["_Copy"]


_COPY = _MakeCopier(Instance)
