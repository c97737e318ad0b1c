"""The LXC hypervisor: instances are Linux containers run by lxc-start.

Each instance's container lives below the node's run directory (so every
node of a virtual cluster has its own LXC path)::

  $RUN_DIR/lxc/instance/<name>/config       the LXC configuration
  $RUN_DIR/lxc/instance/<name>/console.log  the container's console output
  $RUN_DIR/lxc/instance/<name>/stash        what start set up (JSON)
  $RUN_DIR/lxc/instance/<name>/rootfs       mount point of the root disk
  $LOG_DIR/lxc/<name>.<uuid>.log            lxc-start's log

Every ``lxc-*`` command gets ``-P`` with that LXC path.  All commands go
through one runner (``runner(argv, timeout=None) -> RunResult``) so tests
can record or wrap them; note that LXC's command socket is an abstract
socket, private to a network namespace, so all lxc-* commands of one
container must run in the namespace where lxc-start ran.
"""

import logging
import os
import re
import shutil

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import serializer
from ganeti import vcluster
from ganeti.hypervisor import hv_base
from ganeti.hypervisor.hv_lxc import lxc_config
from ganeti.hypervisor.hv_lxc import rootfs
from ganeti.utils import io
from ganeti.utils import process

STATE_RUNNING = "running"
STATE_PAUSED = "paused"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CGROUP_NAME_RE = re.compile(r"^[a-z_]+$")


def _NonNegativeInt(value) -> bool:
  return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _CgroupNames(value) -> bool:
  return all(_CGROUP_NAME_RE.match(v) for v in lxc_config.SplitList(value))


class LXCHypervisor(hv_base.BaseHypervisor):
  """Linux containers through the lxc-* tools (LXC >= 3.0).

  @ivar runner: callable(argv, timeout=None) running every command
  """
  CAN_MIGRATE = False
  PARAMETERS = {
    constants.HV_CPU_MASK:
      (False, lxc_config.IsValidCpuMask,
       "must be a CPU mask such as '0-2,4' (one mask for the container)",
       None, None),
    constants.HV_LXC_DEVICES:
      (False, lxc_config.IsValidDeviceList,
       "items must be cgroup device rules such as 'c 1:3 rw'", None, None),
    constants.HV_LXC_DROP_CAPABILITIES:
      (False, lxc_config.IsValidCapabilityList,
       "items must be capability names such as 'sys_admin'", None, None),
    constants.HV_LXC_EXTRA_CGROUPS:
      (False, _CgroupNames, "items must be cgroup subsystem names",
       None, None),
    constants.HV_LXC_EXTRA_CONFIG:
      (False, lxc_config.IsValidExtraConfig,
       "items must be LXC configuration lines ('lxc.key = value')",
       None, None),
    constants.HV_LXC_NUM_TTYS:
      (True, _NonNegativeInt, "must be a non-negative integer", None, None),
    constants.HV_LXC_STARTUP_TIMEOUT:
      (False, _NonNegativeInt, "must be a non-negative integer", None, None),
  }

  REQUIRED_COMMANDS = ["lxc-start", "lxc-stop", "lxc-wait", "lxc-ls",
                       "lxc-info", "lxc-cgroup", "lxc-console"]
  MIN_VERSION = (3, 0, 0)
  REBOOT_TIMEOUT = 120
  # cgroup controllers a container needs (cgroup v1 names / v2 names)
  REQUIRED_CGROUPS_V1 = ["cpuset", "memory", "devices", "cpuacct"]
  REQUIRED_CGROUPS_V2 = ["cpuset", "memory"]

  def __init__(self, runner=None, run_dir=None, log_dir=None,
               proc_dir="/proc", cgroup_dir="/sys/fs/cgroup",
               sysfs_block="/sys/block"):
    self.runner = runner or process.RunCmd
    self._run_dir = run_dir
    self._log_dir = log_dir
    self._proc_dir = proc_dir
    self._cgroup_dir = cgroup_dir
    self._sysfs_block = sysfs_block

  # -- paths ---------------------------------------------------------------

  def _RootDir(self) -> str:
    return os.path.join(self._run_dir or pathutils.Get().RUN_DIR, "lxc")

  def LxcPath(self) -> str:
    """The LXC path (``-P``) holding this node's containers."""
    return os.path.join(self._RootDir(), "instance")

  def _LogDir(self) -> str:
    return os.path.join(self._log_dir or pathutils.Get().LOG_DIR, "lxc")

  @staticmethod
  def _CheckName(name: str) -> str:
    if not name or not _NAME_RE.match(name):
      raise errors.HypervisorError("Invalid instance name '%s'" % name)
    return name

  def _InstanceDir(self, name: str) -> str:
    return os.path.join(self.LxcPath(), self._CheckName(name))

  def _ConfigFile(self, name: str) -> str:
    return os.path.join(self._InstanceDir(name), "config")

  def _ConsoleLog(self, name: str) -> str:
    return os.path.join(self._InstanceDir(name), "console.log")

  def _StashFile(self, name: str) -> str:
    return os.path.join(self._InstanceDir(name), "stash")

  def _MountPoint(self, name: str) -> str:
    return os.path.join(self._InstanceDir(name), "rootfs")

  def _LogFile(self, instance) -> str:
    return os.path.join(self._LogDir(), "%s.%s.log" %
                        (instance.name, instance.uuid))

  # -- commands ------------------------------------------------------------

  def _Run(self, argv, timeout=None):
    """Run ``argv``; a program that can't be executed is a HypervisorError."""
    try:
      return self.runner(argv, timeout=timeout)
    except errors.OpExecError as err:
      raise errors.HypervisorError(str(err))

  def _Lxc(self, cmd, name, *args, timeout=None):
    """Run lxc command ``cmd`` on container ``name`` of this node."""
    return self._Run([cmd, "-P", self.LxcPath(), "-n", name] + list(args),
                     timeout=timeout)

  def _RootRunner(self, argv):
    return self._Run(argv)

  # -- stash ---------------------------------------------------------------

  def _SaveStash(self, name, stash):
    io.WriteFile(self._StashFile(name), data=serializer.DumpJson(stash),
                 mode=0o600)

  def _LoadStash(self, name):
    try:
      return serializer.LoadJson(io.ReadFile(self._StashFile(name)))
    except FileNotFoundError:
      return None
    except ValueError as err:
      raise errors.HypervisorError("Corrupt stash file of instance %s: %s" %
                                   (name, err))

  # -- node facts ----------------------------------------------------------

  def _ReadProc(self, name):
    with open(os.path.join(self._proc_dir, name)) as fh:
      return fh.read()

  def CgroupVersion(self) -> int:
    """L{lxc_config.CGROUP_V2} if the node's cgroup root is unified."""
    mounts = lxc_config.ParseMounts(self._ReadProc("mounts"))
    for (mpoint, fstype, _) in mounts:
      if mpoint == self._cgroup_dir and fstype == "cgroup2":
        return lxc_config.CGROUP_V2
    return lxc_config.CGROUP_V1

  def _SwapLimit(self, cgroup_version) -> bool:
    if cgroup_version == lxc_config.CGROUP_V2:
      try:
        return any(os.path.exists(os.path.join(self._cgroup_dir, d,
                                               "memory.swap.max"))
                   for d in os.listdir(self._cgroup_dir))
      except OSError:
        return False
    return os.path.exists(os.path.join(self._cgroup_dir, "memory",
                                       "memory.memsw.limit_in_bytes"))

  def _MissingCgroups(self, hvparams=None):
    """Names of needed cgroup controllers the node does not offer."""
    extra = lxc_config.SplitList((hvparams or {}).get(
      constants.HV_LXC_EXTRA_CGROUPS))
    if self.CgroupVersion() == lxc_config.CGROUP_V2:
      try:
        with open(os.path.join(self._cgroup_dir, "cgroup.controllers")) as fh:
          available = fh.read().split()
      except OSError:
        available = []
      needed = self.REQUIRED_CGROUPS_V2 + extra
    else:
      available = set()
      for (_, fstype, options) in lxc_config.ParseMounts(
          self._ReadProc("mounts")):
        if fstype == "cgroup":
          available.update(options)
      needed = self.REQUIRED_CGROUPS_V1 + extra
    return [c for c in needed if c not in available]

  def _Version(self):
    result = self._Run(["lxc-start", "--version"])
    if result.failed:
      raise errors.HypervisorError("Failed to get the LXC version: %s" %
                                   result.output.strip())
    return lxc_config.ParseLxcVersion(result.stdout)

  # -- listing and info ----------------------------------------------------

  def ListInstances(self, hvparams=None):
    """Names of this node's running containers."""
    if not os.path.isdir(self.LxcPath()):
      return []
    result = self._Run(["lxc-ls", "-P", self.LxcPath(), "--running", "-1"])
    if result.failed:
      raise errors.HypervisorError("Failed to get running LXC containers"
                                   " list: %s" % result.output.strip())
    return sorted(lxc_config.ParseLxcLs(result.stdout))

  def _CgroupValue(self, name, key):
    result = self._Lxc("lxc-cgroup", name, key)
    if result.failed:
      raise errors.HypervisorError("Can't read cgroup value %s of instance"
                                   " %s: %s" % (key, name,
                                                result.output.strip()))
    return result.stdout.strip()

  def _InfoTuple(self, name):
    result = self._Lxc("lxc-info", name, "-s", "-p", "-S", "-H")
    if result.failed:
      raise errors.HypervisorError("Can't get information about instance"
                                   " %s: %s" % (name, result.output.strip()))
    info = lxc_config.ParseLxcInfo(result.stdout)
    lxc_state = info.get("State")
    if lxc_state not in (constants.LXC_STATE_RUNNING,
                         constants.LXC_STATE_FROZEN):
      return None
    v2 = self.CgroupVersion() == lxc_config.CGROUP_V2
    memory = lxc_config.ParseMemoryLimit(
      self._CgroupValue(name, "memory.max" if v2 else
                        "memory.limit_in_bytes"))
    if memory is None:
      memory = int((self._LoadStash(name) or {}).get("maxmem", 0))
    cpus = lxc_config.ParseCgroupCpuList(
      self._CgroupValue(name, "cpuset.cpus.effective" if v2 else
                        "cpuset.cpus"))
    try:
      cputime = int(info.get("CPU use", "0")) / 1e9
    except ValueError:
      cputime = 0.0
    state = (STATE_PAUSED if lxc_state == constants.LXC_STATE_FROZEN
             else STATE_RUNNING)
    return (name, int(info.get("PID", 0) or 0), memory,
            len(cpus) or os.cpu_count() or 1, state, cputime)

  def GetInstanceInfo(self, instance_name, hvparams=None):
    """(name, init pid, memory MiB, vcpus, state, cpu seconds) or None."""
    if instance_name not in self.ListInstances(hvparams):
      return None
    return self._InfoTuple(instance_name)

  def GetAllInstancesInfo(self, hvparams=None):
    result = []
    for name in self.ListInstances(hvparams):
      try:
        info = self._InfoTuple(name)
      except errors.HypervisorError as err:
        logging.warning("Skipping instance %s: %s", name, err)
        continue
      if info is not None:
        result.append(info)
    return result

  # -- start ---------------------------------------------------------------

  def _LogTail(self, log_file, lines=5):
    try:
      with open(log_file, errors="replace") as fh:
        errs = [line.strip() for line in fh if " ERROR " in line]
    except OSError:
      return ""
    return "; ".join(errs[-lines:])

  def StartInstance(self, instance, block_devices, startup_paused):
    """Mount the first disk and start the container on it.

    @raise errors.HypervisorError: the container did not reach RUNNING
        within startup_timeout; everything set up is undone then
    """
    name = self._CheckName(instance.name)
    if not block_devices:
      raise errors.HypervisorError("LXC cannot have diskless instances.")
    if len(block_devices) > 1:
      raise errors.HypervisorError("At the moment, LXC cannot support more"
                                   " than one disk attached to it. Please"
                                   " create this instance anew with fewer"
                                   " disks.")
    if name in self.ListInstances():
      raise errors.HypervisorError("Failed to start instance %s: already"
                                   " running" % name)
    missing = self._MissingCgroups(instance.hvparams)
    if missing:
      raise errors.HypervisorError("The cgroup subsystems %s are not"
                                   " available on this node" %
                                   ", ".join(missing))
    cgroup_version = self.CgroupVersion()
    (disk, disk_path, _) = block_devices[0]
    if not disk_path:
      raise errors.HypervisorError("The first disk of instance %s has no"
                                   " local path" % name)
    read_only = getattr(disk, "mode", None) == constants.DISK_RDONLY
    inst_dir = self._InstanceDir(name)
    log_file = self._LogFile(instance)
    os.makedirs(inst_dir, mode=0o750, exist_ok=True)
    os.makedirs(self._LogDir(), mode=0o750, exist_ok=True)
    # a container that died on its own left its disk mounted: release it
    self.CleanupInstance(name)
    stash = rootfs.Prepare(self._RootRunner, disk_path,
                           self._MountPoint(name), read_only=read_only)
    stash["maxmem"] = int(instance.beparams[constants.BE_MAXMEM])
    try:
      self._SaveStash(name, stash)
      conf = lxc_config.BuildConfig(instance, stash[rootfs.STASH_ROOTFS],
                                    self._ConsoleLog(name), cgroup_version,
                                    self._SwapLimit(cgroup_version))
      io.WriteFile(self._ConfigFile(name), data=conf)
      io.WriteFile(self._ConsoleLog(name), data="", mode=0o600)
      self._SpawnContainer(instance, log_file)
    except BaseException:
      self._AbortStart(name, stash)
      raise
    if startup_paused:
      result = self._Lxc("lxc-freeze", name)
      if result.failed:
        logging.warning("Could not pause instance %s: %s", name,
                        result.output.strip())

  def _SpawnContainer(self, instance, log_file):
    name = instance.name
    result = self._Lxc("lxc-start", name, "-f", self._ConfigFile(name),
                       "-o", log_file, "-l", "DEBUG", "-d")
    if result.failed:
      raise errors.HypervisorError("Failed to start instance %s: %s %s" %
                                   (name, result.output.strip(),
                                    self._LogTail(log_file)))
    timeout = instance.hvparams.get(constants.HV_LXC_STARTUP_TIMEOUT)
    timeout = int(timeout or 0)
    result = self._Lxc("lxc-wait", name, "-s", constants.LXC_STATE_RUNNING,
                       "-t", str(timeout), timeout=timeout + 10)
    if result.failed:
      raise errors.HypervisorError("Instance %s state didn't change to"
                                   " RUNNING within %s secs" %
                                   (name, timeout))
    if name not in self.ListInstances():
      raise errors.HypervisorError("Failed to start instance %s: lxc process"
                                   " exited after being daemonized %s" %
                                   (name, self._LogTail(log_file)))

  def _AbortStart(self, name, stash):
    """Undo a failed start: kill the container, release its root disk."""
    try:
      if name in self.ListInstances():
        self._Lxc("lxc-stop", name, "-k", timeout=30)
    except errors.HypervisorError as err:
      logging.warning("Killing container %s failed: %s", name, err)
    try:
      self._ReleaseRootfs(stash)
      io.RemoveFile(self._StashFile(name))
    except (errors.HypervisorError, OSError) as err:
      logging.warning("Cleanup of instance %s incomplete: %s", name, err)

  def _ReleaseRootfs(self, stash):
    rootfs.Release(self._RootRunner, stash,
                   mounts_file=os.path.join(self._proc_dir, "mounts"),
                   sysfs_block=self._sysfs_block)

  # -- stop, reboot --------------------------------------------------------

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    """Stop the container (kill it after ``timeout``), release its disk.

    @raise errors.HypervisorError: the container is still running
    """
    if name is None:
      name = instance.name
    self._CheckName(name)
    if timeout is None:
      timeout = constants.DEFAULT_SHUTDOWN_TIMEOUT
    if name in self.ListInstances():
      if force:
        result = self._Lxc("lxc-stop", name, "-k", timeout=60)
      else:
        result = self._Lxc("lxc-stop", name, "-t", str(int(timeout)),
                           timeout=int(timeout) + 60)
      if result.failed and name in self.ListInstances():
        raise errors.HypervisorError("Failed to stop instance %s: %s" %
                                     (name, result.output.strip()))
    self.CleanupInstance(name)

  def CleanupInstance(self, instance_name):
    """Unmount and detach the root disk of a stopped container."""
    stash = self._LoadStash(instance_name)
    if stash is None:
      return
    self._ReleaseRootfs(stash)
    io.RemoveFile(self._StashFile(instance_name))

  @staticmethod
  def _DropsSysBoot(hvparams) -> bool:
    return "sys_boot" in lxc_config.SplitList(
      hvparams.get(constants.HV_LXC_DROP_CAPABILITIES))

  def RebootInstance(self, instance):
    """Ask the container's init to reboot and wait until it runs again."""
    name = self._CheckName(instance.name)
    if self._DropsSysBoot(instance.hvparams):
      raise errors.HypervisorError("The LXC container can't perform a reboot"
                                   " with the SYS_BOOT capability dropped.")
    result = self._Lxc("lxc-stop", name, "--reboot", "--timeout",
                       str(self.REBOOT_TIMEOUT),
                       timeout=self.REBOOT_TIMEOUT + 30)
    if result.failed:
      raise errors.HypervisorError("Failed to reboot instance %s: %s" %
                                   (name, result.output.strip()))

  def BalloonInstanceMemory(self, instance, mem):
    """Change the memory limit of a running container to ``mem`` MiB."""
    name = self._CheckName(instance.name)
    new = int(mem) * 1024 * 1024
    if self.CgroupVersion() == lxc_config.CGROUP_V2:
      keys = ["memory.max"]
    else:
      keys = ["memory.limit_in_bytes"]
      if self._SwapLimit(lxc_config.CGROUP_V1):
        # memsw bounds memory from above: raise it first, lower it last
        current = lxc_config.ParseMemoryLimit(
          self._CgroupValue(name, "memory.limit_in_bytes"))
        keys = ["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"]
        if current is not None and int(mem) < current:
          keys.reverse()
    for key in keys:
      result = self._Lxc("lxc-cgroup", name, key, str(new))
      if result.failed:
        raise errors.HypervisorError("Failed to balloon the memory of %s,"
                                     " can't set cgroup parameter %s: %s" %
                                     (name, key, result.output.strip()))

  # -- node ----------------------------------------------------------------

  def GetNodeInfo(self, hvparams=None):
    result = hv_base.GetLinuxNodeInfo(
      meminfo=os.path.join(self._proc_dir, "meminfo"),
      cpuinfo=os.path.join(self._proc_dir, "cpuinfo"))
    try:
      result["hv_version"] = self._Version()
    except errors.HypervisorError as err:
      logging.warning("%s", err)
    return result

  @classmethod
  def GetInstanceConsole(cls, instance, primary_node, node_group=None,
                         hvparams=None, beparams=None):
    """Console description: ssh to the primary node and run lxc-console.

    In a virtual cluster the LXC path is below the primary node's root.
    """
    lxcpath = "/var/run/ganeti/lxc/instance"
    if vcluster.IsVirtual():
      lxcpath = vcluster.AddNodePrefix(
        lxcpath, os.path.join(vcluster.GetBaseDir(), primary_node.name))
    ndparams = getattr(primary_node, "ndparams", None) or {}
    return {"instance": instance.name, "kind": constants.CONS_SSH,
            "host": primary_node.name,
            "port": ndparams.get(constants.ND_SSH_PORT, 22),
            "user": "root",
            "command": ["lxc-console", "-P", lxcpath, "-n", instance.name]}

  def Verify(self, hvparams=None):
    """None if containers can run here, else the problems found."""
    msgs = []
    missing_cmds = [c for c in self.REQUIRED_COMMANDS
                    if shutil.which(c) is None]
    for cmd in missing_cmds:
      msgs.append("Required command %s not found" % cmd)
    if "lxc-start" not in missing_cmds:
      try:
        version = self._Version()
        if version < self.MIN_VERSION:
          msgs.append("LXC version >= %s is required but lxc-start has"
                      " version %s" % (".".join(map(str, self.MIN_VERSION)),
                                       ".".join(map(str, version))))
      except errors.HypervisorError as err:
        msgs.append(str(err))
    try:
      missing = self._MissingCgroups(hvparams)
    except OSError as err:
      missing = []
      msgs.append("Can't read the cgroup mounts: %s" % err)
    if missing:
      msgs.append("The cgroup subsystems %s are not available" %
                  ", ".join(missing))
    try:
      os.makedirs(self.LxcPath(), mode=0o750, exist_ok=True)
    except OSError as err:
      msgs.append("Can't create the LXC directory %s: %s" %
                  (self.LxcPath(), err))
    return "; ".join(msgs) if msgs else None

  def ValidateParameters(self, hvparams):
    """The CPUs of cpu_mask must exist on this node."""
    super().ValidateParameters(hvparams)
    cpus = lxc_config.ParseCpuMask(hvparams.get(constants.HV_CPU_MASK) or "")
    count = os.cpu_count() or 1
    if cpus and cpus[-1] >= count:
      raise errors.HypervisorError("Parameter 'cpu_mask' fails validation:"
                                   " CPU %d does not exist on this node (it"
                                   " has %d CPUs)" % (cpus[-1], count))

  def PowercycleNode(self, hvparams=None):
    raise errors.HypervisorError("Powercycle is not supported by the LXC"
                                 " hypervisor")

  def MigrateInstance(self, cluster_name, instance, target, live):
    raise errors.HypervisorError("Migration is not supported by the LXC"
                                 " hypervisor")

  def GetMigrationStatus(self, instance):
    raise errors.HypervisorError("Migration is not supported by the LXC"
                                 " hypervisor")
