"""Basic value types of the cluster model used by the htools programs.

Memory and disk are in MiB, CPU counts are integers (node totals may be
fractional), utilisation values are plain floats.  The names follow the
vocabulary of Ganeti's htools (``man/hbal.rst``, ``man/htools.rst``).
"""

import enum


class FailMode(enum.Enum):
  """Why an instance does not fit on a node (as htools reports it)."""
  FailMem = "FailMem"
  FailDisk = "FailDisk"
  FailCPU = "FailCPU"
  FailN1 = "FailN1"
  FailTags = "FailTags"
  FailMig = "FailMig"
  FailDiskCount = "FailDiskCount"
  FailSpindles = "FailSpindles"
  FailInternal = "FailInternal"


class MoveFailure(Exception):
  """A simulated placement is not possible; ``mode`` says why."""

  def __init__(self, mode):
    Exception.__init__(self, mode.value)
    self.mode = mode


# Disk templates (the wire names of Ganeti) and their mirroring kind
DT_DISKLESS = "diskless"
DT_FILE = "file"
DT_SHARED_FILE = "sharedfile"
DT_PLAIN = "plain"
DT_BLOCK = "blockdev"
DT_DRBD8 = "drbd"
DT_RBD = "rbd"
DT_EXT = "ext"
DT_GLUSTER = "gluster"
DISK_TEMPLATES = (DT_DISKLESS, DT_FILE, DT_SHARED_FILE, DT_PLAIN, DT_BLOCK,
                  DT_DRBD8, DT_RBD, DT_EXT, DT_GLUSTER)

MIRROR_NONE = "none"
MIRROR_INTERNAL = "internal"
MIRROR_EXTERNAL = "external"

#: upstream's templateMirrorType (a diskless instance counts as externally
#: mirrored: nothing ties it to its node)
_MIRROR = {
  DT_DRBD8: MIRROR_INTERNAL, DT_DISKLESS: MIRROR_EXTERNAL,
  DT_BLOCK: MIRROR_EXTERNAL, DT_SHARED_FILE: MIRROR_EXTERNAL,
  DT_RBD: MIRROR_EXTERNAL, DT_EXT: MIRROR_EXTERNAL,
  DT_GLUSTER: MIRROR_EXTERNAL,
}

#: Templates whose disks take space from the node's own storage
LOCAL_STORAGE_TEMPLATES = frozenset([DT_DRBD8, DT_PLAIN])
#: Templates whose instances move freely to any node of their group (no
#: data to copy): upstream's ``diskTemplateMovable``, used by the global
#: N+1 checks
FREELY_MOVABLE_TEMPLATES = frozenset([DT_DISKLESS, DT_SHARED_FILE, DT_RBD,
                                      DT_EXT, DT_GLUSTER])
#: Templates whose instances may be moved at all
MOVABLE_TEMPLATES = frozenset([DT_DRBD8, DT_BLOCK, DT_SHARED_FILE, DT_RBD,
                               DT_EXT, DT_GLUSTER])


def MirrorType(template):
  return _MIRROR.get(template, MIRROR_NONE)


# Instance run states (Ganeti's status strings)
ST_RUNNING = "running"
ST_ERROR_UP = "ERROR_up"
ST_ERROR_DOWN = "ERROR_down"
ST_ERROR_NODEDOWN = "ERROR_nodedown"
ST_ERROR_NODEOFFLINE = "ERROR_nodeoffline"
ST_ADMIN_DOWN = "ADMIN_down"
ST_ADMIN_OFFLINE = "ADMIN_offline"
ST_ERROR_WRONGNODE = "ERROR_wrongnode"
ST_USER_DOWN = "USER_down"
INSTANCE_STATUSES = (ST_RUNNING, ST_ERROR_UP, ST_ERROR_DOWN,
                     ST_ERROR_NODEDOWN, ST_ERROR_NODEOFFLINE, ST_ADMIN_DOWN,
                     ST_ADMIN_OFFLINE, ST_ERROR_WRONGNODE, ST_USER_DOWN)

# Group allocation policies, best first
ALLOC_PREFERRED = "preferred"
ALLOC_LAST_RESORT = "last_resort"
ALLOC_UNALLOCABLE = "unallocable"
ALLOC_POLICIES = (ALLOC_PREFERRED, ALLOC_LAST_RESORT, ALLOC_UNALLOCABLE)


class DynUtil:
  """Dynamic utilisation: cpu, memory, disk and network load."""

  __slots__ = ("cpu", "mem", "dsk", "net")

  def __init__(self, cpu=0.0, mem=0.0, dsk=0.0, net=0.0):
    self.cpu = cpu
    self.mem = mem
    self.dsk = dsk
    self.net = net

  def Add(self, other):
    return DynUtil(self.cpu + other.cpu, self.mem + other.mem,
                   self.dsk + other.dsk, self.net + other.net)

  def Sub(self, other):
    return DynUtil(self.cpu - other.cpu, self.mem - other.mem,
                   self.dsk - other.dsk, self.net - other.net)

  def __eq__(self, other):
    return (isinstance(other, DynUtil) and
            (self.cpu, self.mem, self.dsk, self.net) ==
            (other.cpu, other.mem, other.dsk, other.net))

  def __repr__(self):
    return "DynUtil(%r, %r, %r, %r)" % (self.cpu, self.mem, self.dsk,
                                        self.net)


def BaseUtil():
  """The default utilisation of an instance and capacity of a node."""
  return DynUtil(1.0, 1.0, 1.0, 1.0)


def ZeroUtil():
  return DynUtil(0.0, 0.0, 0.0, 0.0)


class ISpec:
  """One instance specification of a policy."""

  __slots__ = ("mem_size", "cpu_count", "disk_size", "disk_count",
               "nic_count", "spindle_use")

  def __init__(self, mem_size, cpu_count, disk_size, disk_count, nic_count,
               spindle_use):
    self.mem_size = mem_size
    self.cpu_count = cpu_count
    self.disk_size = disk_size
    self.disk_count = disk_count
    self.nic_count = nic_count
    self.spindle_use = spindle_use

  def AsTuple(self):
    return (self.mem_size, self.cpu_count, self.disk_size, self.disk_count,
            self.nic_count, self.spindle_use)

  def __eq__(self, other):
    return isinstance(other, ISpec) and self.AsTuple() == other.AsTuple()


class IPolicy:
  """An instance policy: min/max spec pairs, standard spec, templates."""

  __slots__ = ("minmax", "std", "disk_templates", "vcpu_ratio",
               "spindle_ratio")

  def __init__(self, minmax, std, disk_templates, vcpu_ratio, spindle_ratio):
    self.minmax = minmax  # list of (ISpec min, ISpec max)
    self.std = std
    self.disk_templates = disk_templates
    self.vcpu_ratio = vcpu_ratio
    self.spindle_ratio = spindle_ratio


def DefaultIPolicy():
  """The policy htools assume when the input has none (Ganeti's defaults)."""
  return IPolicy(
    [(ISpec(128, 1, 1024, 1, 1, 1), ISpec(32768, 8, 1024 * 1024, 16, 8, 12))],
    ISpec(128, 1, 1024, 1, 1, 1), list(DISK_TEMPLATES), 4.0, 32.0)


#: Default minimum free disk ratio of a node
DEFAULT_RESERVED_DISK_RATIO = 0.0
