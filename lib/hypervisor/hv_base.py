"""Base class of all hypervisors and parameter checking helpers."""

import os
import re

from ganeti import errors

# Parameter checks: (required, check_fn, error_msg, validate_fn, validate_msg)
NO_CHECK = (False, None, None, None, None)
REQUIRED_CHECK = (True, None, None, None, None)
_FILE_CHECK = (os.path.isabs, "must be an absolute path",
               os.path.isfile, "not found or not a file")
REQ_FILE_CHECK = (True,) + _FILE_CHECK
OPT_FILE_CHECK = (False,) + _FILE_CHECK


def ParamInSet(required: bool, my_set):
  fn = lambda x: x in my_set
  err = "The value must be one of: %s" % ", ".join(map(str, sorted(my_set)))
  return (required, fn, err, None, None)


class MigrationStatus:
  """State of a running migration, as the source hypervisor sees it.

  @ivar status: one of constants.HV_MIGRATION_VALID_STATUSES
  @ivar transferred_ram: MiB sent so far (or None)
  @ivar total_ram: MiB to send (or None)

  """

  def __init__(self, status, transferred_ram=None, total_ram=None):
    self.status = status
    self.transferred_ram = transferred_ram
    self.total_ram = total_ram

  def ToDict(self):
    return {"status": self.status, "transferred_ram": self.transferred_ram,
            "total_ram": self.total_ram}


#: the cpu_mask value meaning "no pinning"
CPU_PINNING_ALL = "all"
_CPU_RANGE_RE = re.compile(r"^(\d+)(?:-(\d+))?$")


def ParseCpuMask(mask: str):
  """The CPU numbers of one CPU mask: ``"5,0-2"`` -> ``[0, 1, 2, 5]``.

  ``""`` and ``"all"`` mean no pinning and give ``[]``.  Shared by every
  hypervisor's ``cpu_mask`` parameter (Ganeti's syntax).

  @raise errors.HypervisorError: malformed mask (the message starts with
    ``Invalid CPU mask``)
  """
  mask = (mask or "").strip()
  if mask in ("", CPU_PINNING_ALL):
    return []
  cpus = set()
  for part in mask.split(","):
    match = _CPU_RANGE_RE.match(part.strip())
    if not match:
      raise errors.HypervisorError("Invalid CPU mask '%s': bad range '%s'" %
                                   (mask, part))
    lower = int(match.group(1))
    upper = int(match.group(2)) if match.group(2) is not None else lower
    if upper < lower:
      raise errors.HypervisorError("Invalid CPU mask '%s': range '%s' is"
                                   " reversed" % (mask, part))
    cpus.update(range(lower, upper + 1))
  return sorted(cpus)


def ParseMultiCpuMask(mask: str):
  """One :func:`ParseCpuMask` list per vCPU mask, separated by ``:``."""
  return [ParseCpuMask(part) for part in (mask or "").split(":")]


class BaseHypervisor:
  """Abstract hypervisor.

  Instance methods take ``objects.Instance`` objects (built by the backend
  from the RPC dicts).  Info tuples are ``(name, id, memory, vcpus, state,
  times)``.

  @cvar PARAMETERS: {hvparam name: check tuple} (see module constants)

  """
  PARAMETERS = {}
  ANCILLARY_FILES = []
  ANCILLARY_FILES_OPT = []
  CAN_MIGRATE = False

  def StartInstance(self, instance, block_devices, startup_paused):
    """Start ``instance``; block_devices is a list of (disk, path, uri)."""
    raise NotImplementedError

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    raise NotImplementedError

  def CleanupInstance(self, instance_name):
    """Remove leftovers of a stopped instance (default: nothing)."""

  def RebootInstance(self, instance):
    raise NotImplementedError

  def ListInstances(self, hvparams=None):
    raise NotImplementedError

  def GetInstanceInfo(self, instance_name, hvparams=None):
    """Info tuple of a running instance, or None."""
    raise NotImplementedError

  def GetAllInstancesInfo(self, hvparams=None):
    """List of info tuples of all running instances."""
    raise NotImplementedError

  def GetNodeInfo(self, hvparams=None):
    """Dict with memory_total, memory_free, memory_dom0, cpu_total,
    cpu_dom0, cpu_nodes, cpu_sockets (and optionally hv_version)."""
    raise NotImplementedError

  def BalloonInstanceMemory(self, instance, mem):
    raise errors.HypervisorError("Ballooning not supported")

  def Verify(self, hvparams=None):
    """Return None if the hypervisor works on this node, else a message."""
    return None

  def PowercycleNode(self, hvparams=None):
    raise NotImplementedError

  # Migration, in the order the master drives it: MigrationInfo (source),
  # AcceptInstance (target), MigrateInstance (source), GetMigrationStatus
  # (source, polled until not active), FinalizeMigrationSource (source),
  # FinalizeMigrationDst (target).  Hypervisors that cannot migrate keep
  # these defaults (and CAN_MIGRATE = False).
  def MigrationInfo(self, instance):
    """Opaque text the target needs to accept ``instance`` (source side)."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  def AcceptInstance(self, instance, info, target):
    """Prepare to receive ``instance``; ``target`` is our own address."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  def MigrateInstance(self, cluster_name, instance, target, live):
    """Start sending ``instance`` to the node at address ``target``."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  def GetMigrationStatus(self, instance):
    """The :class:`MigrationStatus` of the migration of ``instance``."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  def FinalizeMigrationSource(self, instance, success, live):
    """After the transfer: stop the source copy (success) or resume it."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  def FinalizeMigrationDst(self, instance, info, success):
    """After the transfer: run the target copy (success) or drop it."""
    raise errors.HypervisorError("Migration is not supported by the %s"
                                 " hypervisor" % type(self).__name__)

  # Hotplug: by default not possible (Ganeti's messages); a hypervisor
  # that can overrides all five methods

  def HotplugSupported(self, instance):
    """Raise errors.HotplugError unless devices of the running instance
    can be hotplugged."""
    raise errors.HotplugError("Hotplug is not supported by this hypervisor")

  def VerifyHotplugSupport(self, instance, action, dev_type):
    """Raise errors.HotplugError unless ``action`` on a ``dev_type``
    device of the running instance is possible."""
    raise errors.HotplugError("Hotplug is not supported.")

  def HotAddDevice(self, instance, dev_type, device, extra, seq):
    raise errors.HotplugError("Hotplug is not supported.")

  def HotDelDevice(self, instance, dev_type, device, extra, seq):
    raise errors.HotplugError("Hotplug is not supported.")

  def HotModDevice(self, instance, dev_type, device, extra, seq):
    raise errors.HotplugError("Hotplug is not supported.")

  @classmethod
  def GetAncillaryFiles(cls):
    return (cls.ANCILLARY_FILES, cls.ANCILLARY_FILES_OPT)

  @classmethod
  def CheckParameterSyntax(cls, hvparams):
    """Check hvparams without looking at the node (pure).

    @raise errors.HypervisorError: unknown or malformed parameter
    """
    for key in hvparams:
      if key not in cls.PARAMETERS:
        raise errors.HypervisorError("Parameter '%s' is not supported" % key)
    for (name, (required, check_fn, errstr, _, _)) in cls.PARAMETERS.items():
      if name not in hvparams:
        raise errors.HypervisorError("Parameter '%s' is missing" % name)
      value = hvparams[name]
      if not required and not value:
        continue
      if not value and required:
        raise errors.HypervisorError("Parameter '%s' is required but is"
                                     " currently not defined" % (name,))
      if check_fn is not None and not check_fn(value):
        raise errors.HypervisorError("Parameter '%s' fails syntax check: %s"
                                     " (current value: '%s')" %
                                     (name, errstr, value))

  def ValidateParameters(self, hvparams):
    """Check hvparams against this node (files exist, ...).

    @raise errors.HypervisorError: a parameter is invalid here
    """
    for (name, (required, _, _, check_fn, errstr)) in self.PARAMETERS.items():
      value = hvparams.get(name)
      if not required and not value:
        continue
      if check_fn is not None and not check_fn(value):
        raise errors.HypervisorError("Parameter '%s' fails validation: %s"
                                     " (current value: '%s')" %
                                     (name, errstr, value))


_MEMINFO_RE = re.compile(r"^(\w+):\s+(\d+)(?:\s+kB)?$")


def ParseMeminfo(text: str):
  """Parse /proc/meminfo into {key: MiB}."""
  result = {}
  for line in text.splitlines():
    m = _MEMINFO_RE.match(line.strip())
    if m:
      result[m.group(1)] = int(m.group(2)) // 1024
  return result


def ParseCpuinfo(text: str):
  """Return (cpu_total, cpu_sockets) from /proc/cpuinfo text."""
  cpus = 0
  sockets = set()
  for line in text.splitlines():
    (key, _, value) = line.partition(":")
    key = key.strip()
    if key == "processor":
      cpus += 1
    elif key == "physical id":
      sockets.add(value.strip())
  return (cpus, max(len(sockets), 1))


def GetLinuxNodeInfo(meminfo="/proc/meminfo", cpuinfo="/proc/cpuinfo"):
  """Node memory/cpu facts of the local Linux host."""
  with open(meminfo) as fh:
    mem = ParseMeminfo(fh.read())
  with open(cpuinfo) as fh:
    (cpu_total, sockets) = ParseCpuinfo(fh.read())
  total = mem.get("MemTotal", 0)
  free = mem.get("MemFree", 0) + mem.get("Buffers", 0) + mem.get("Cached", 0)
  cpu_total = cpu_total or 1
  # the host OS can use every cpu (Ganeti reports cpu_dom0 = cpu_total
  # outside Xen; htools read it as the node's "cnos")
  return {"memory_total": total, "memory_free": free,
          "memory_dom0": total - free, "cpu_total": cpu_total,
          "cpu_dom0": cpu_total, "cpu_nodes": 1, "cpu_sockets": sockets}
