"""The Xen hypervisors: xen-pvm (paravirtual) and xen-hvm (full
virtualization), driven through the xl toolstack (or xm).

A domain is started from a configuration file written to the Xen config
directory (``/etc/xen/<instance>``, below the node root in a virtual
cluster); each NIC's facts are kept in ``$RUN_DIR/xen-hypervisor/nic/
<instance>/<index>`` for vif scripts.  The file text comes from the pure
functions of :mod:`config`; the commands and the parsing of their outputs
from :mod:`xl`, whose module-level runner tests replace.
"""

import logging
import os
import shutil
import time

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti.hypervisor import hv_base
from ganeti.hypervisor.hv_xen import config
from ganeti.hypervisor.hv_xen import params as P
from ganeti.hypervisor.hv_xen import xl
from ganeti.utils import io

#: Where Xen reads domain configuration files (below the node root)
XEN_CONFIG_DIR = "/etc/xen"
#: The console wrapper runs ``<xen_cmd> console <instance>``
XEN_CONSOLE_USER = "root"


def _Fail(msg, *args):
  raise errors.HypervisorError(msg % args if args else msg)


class XenHypervisor(hv_base.BaseHypervisor):
  """Common part of xen-pvm and xen-hvm.

  @cvar REBOOT_TIMEOUT: seconds a reboot may take to show a new domain
  @cvar POLL_INTERVAL: seconds between checks while waiting
  """
  CAN_MIGRATE = True
  REBOOT_TIMEOUT = 300.0
  POLL_INTERVAL = 1.0
  HV_NAME = None
  ANCILLARY_FILES = [XEN_CONFIG_DIR + "/xend-config.sxp",
                     XEN_CONFIG_DIR + "/xl.conf",
                     XEN_CONFIG_DIR + "/scripts/vif-bridge"]
  ANCILLARY_FILES_OPT = [XEN_CONFIG_DIR + "/xend-config.sxp",
                         XEN_CONFIG_DIR + "/xl.conf"]

  # paths --------------------------------------------------------------
  @staticmethod
  def _ConfigDir():
    return pathutils.Get().Prefix(XEN_CONFIG_DIR)

  @staticmethod
  def _NicDir(instance_name=None):
    base = pathutils.Get().RUN_DIR + "/xen-hypervisor/nic"
    return base if instance_name is None else os.path.join(base,
                                                           instance_name)

  @classmethod
  def _ConfigFileName(cls, instance_name):
    if "/" in instance_name or instance_name in ("", ".", ".."):
      _Fail("Invalid instance name '%s'", instance_name)
    return os.path.join(cls._ConfigDir(), instance_name)

  @classmethod
  def _WriteConfigFile(cls, instance_name, data):
    path = cls._ConfigFileName(instance_name)
    try:
      os.makedirs(cls._ConfigDir(), exist_ok=True)
      io.WriteFile(path, data=data)
    except OSError as err:
      _Fail("Cannot write Xen instance configuration file %s: %s", path, err)

  @classmethod
  def _ReadConfigFile(cls, instance_name):
    path = cls._ConfigFileName(instance_name)
    try:
      return io.ReadFile(path)
    except OSError as err:
      _Fail("Failed to load Xen config file: %s", err)

  @classmethod
  def _RemoveConfigFile(cls, instance_name):
    io.RemoveFile(cls._ConfigFileName(instance_name))
    shutil.rmtree(cls._NicDir(instance_name), ignore_errors=True)

  @classmethod
  def _WriteNicFiles(cls, instance):
    """One ``KEY=value`` file per NIC, for vif scripts and hooks."""
    ndir = cls._NicDir(instance.name)
    shutil.rmtree(ndir, ignore_errors=True)
    os.makedirs(ndir, exist_ok=True)
    for (idx, nic) in enumerate(instance.nics or []):
      nicparams = nic.nicparams or {}
      lines = ["INSTANCE=%s" % instance.name, "MAC=%s" % nic.mac]
      if nic.ip:
        lines.append("IP=%s" % nic.ip)
      for (key, name) in [("MODE", constants.NIC_MODE),
                          ("LINK", constants.NIC_LINK),
                          ("VLAN", constants.NIC_VLAN)]:
        if nicparams.get(name):
          lines.append("%s=%s" % (key, nicparams[name]))
      io.WriteFile(os.path.join(ndir, str(idx)), data="\n".join(lines) + "\n")

  # hvparams -----------------------------------------------------------
  def _Params(self, hvparams):
    """hvparams filled with the defaults (the master sends them filled)."""
    result = P.Defaults(self.HV_NAME)
    result.update(hvparams or {})
    return result

  # toolstack ----------------------------------------------------------
  @staticmethod
  def _GetRunning(hvparams, include_node=False):
    result = xl.RunXen(hvparams, ["list"])
    if result.failed:
      _Fail("Can't list instances: %s, %s", result.fail_reason,
            result.output.strip())
    return xl.ParseXlList(result.stdout, include_node=include_node)

  def ListInstances(self, hvparams=None):
    return [entry[0] for entry in self._GetRunning(hvparams)]

  def GetInstanceInfo(self, instance_name, hvparams=None):
    for entry in self._GetRunning(hvparams, include_node=True):
      if entry[0] == instance_name:
        return entry
    return None

  def GetAllInstancesInfo(self, hvparams=None):
    return self._GetRunning(hvparams)

  def GetNodeInfo(self, hvparams=None):
    """Node memory and CPUs from ``xl info``, dom0 from ``xl list``.

    memory_hv is what Xen itself uses: total minus free minus the memory
    of every domain (dom0 included).
    """
    result = xl.RunXen(hvparams, ["info"])
    if result.failed:
      _Fail("Can't retrieve Xen node information: %s, %s",
            result.fail_reason, result.output.strip())
    info = xl.ParseXlInfo(result.stdout)
    domains = self._GetRunning(hvparams, include_node=True)
    inst_mem = 0
    for (name, _, mem, vcpus, _, _) in domains:
      if name == xl.DOM0_NAME:
        info["memory_dom0"] = mem
        info["cpu_dom0"] = vcpus
      else:
        inst_mem += mem
    info.setdefault("memory_dom0", 0)
    info["instances"] = len(domains) - (1 if any(
      d[0] == xl.DOM0_NAME for d in domains) else 0)
    if "memory_total" in info and "memory_free" in info:
      info["memory_hv"] = max(0, info["memory_total"] - info["memory_free"] -
                              inst_mem - info["memory_dom0"])
    info.setdefault("cpu_sockets", 1)
    return info

  def Verify(self, hvparams=None):
    """None if ``xl info`` works, else the problem."""
    try:
      cmd = xl.XenCommand(hvparams)
    except errors.HypervisorError as err:
      return str(err)
    try:
      result = xl.RunXen(hvparams, ["info"])
    except errors.HypervisorError as err:
      return "Cannot run '%s info': %s" % (cmd, err)
    if result.failed:
      return "Cannot run '%s info': %s, %s" % (cmd, result.fail_reason,
                                               result.output.strip())
    return None

  # life cycle ---------------------------------------------------------
  def _StartupMemory(self, instance, hvparams):
    """maxmem, but no more than the node has free (and at least minmem)."""
    bep = instance.beparams
    maxmem = bep[constants.BE_MAXMEM]
    minmem = bep.get(constants.BE_MINMEM, maxmem)
    try:
      free = self.GetNodeInfo(hvparams).get("memory_free", maxmem)
    except errors.HypervisorError as err:
      logging.warning("Can't get free memory, starting with maxmem: %s", err)
      free = maxmem
    return max(minmem, min(maxmem, free))

  def _BuildConfig(self, instance, hvparams, block_devices, startup_memory):
    raise NotImplementedError

  def StartInstance(self, instance, block_devices, startup_paused):
    """Write the config file and ``create`` the domain.

    @raise errors.HypervisorError: the create failed (nothing is left)
    """
    hvparams = self._Params(instance.hvparams)
    memory = self._StartupMemory(instance, hvparams)
    text = self._BuildConfig(instance, hvparams, block_devices, memory)
    self._WriteConfigFile(instance.name, text)
    self._WriteNicFiles(instance)
    cfg_file = self._ConfigFileName(instance.name)
    try:
      result = xl.RunXen(hvparams, xl.CreateArgs(cfg_file, startup_paused))
    except errors.HypervisorError as err:
      self._RemoveConfigFile(instance.name)
      _Fail("Failed to start instance %s: %s", instance.name, err)
    if result.failed:
      self._RemoveConfigFile(instance.name)
      _Fail("Failed to start instance %s: %s (%s)", instance.name,
            result.fail_reason, result.output.strip())

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    """Stop a domain: ``shutdown -w`` (up to ``timeout`` seconds), then
    ``destroy`` if it is still there; ``force`` destroys at once.

    @raise errors.HypervisorError: not running, or the destroy failed
    """
    if name is None:
      name = instance.name
    hvparams = self._Params(getattr(instance, "hvparams", None))
    info = self.GetInstanceInfo(name, hvparams)
    if info is None:
      _Fail("Failed to shutdown instance %s, not running", name)
    if not force and info[4] != xl.STATE_SHUTDOWN:
      result = xl.RunXen(hvparams, xl.ShutdownArgs(name), timeout=timeout)
      if not result.failed:
        self._RemoveConfigFile(name)
        return
      logging.warning("Soft shutdown of %s failed (%s, %s), destroying it",
                      name, result.fail_reason, result.output.strip())
      if self.GetInstanceInfo(name, hvparams) is None:
        self._RemoveConfigFile(name)
        return
    result = xl.RunXen(hvparams, xl.DestroyArgs(name))
    if result.failed:
      _Fail("Failed to stop instance %s: %s, %s", name, result.fail_reason,
            result.output.strip())
    self._RemoveConfigFile(name)

  def CleanupInstance(self, instance_name):
    self._RemoveConfigFile(instance_name)

  def _WaitFor(self, fn, timeout):
    """Call fn until it returns true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
      if fn():
        return True
      if time.monotonic() >= deadline:
        return False
      time.sleep(self.POLL_INTERVAL)

  def RebootInstance(self, instance):
    """``reboot``, then wait until the domain came back (new id or a
    smaller run time).

    @raise errors.HypervisorError: not running, reboot failed or timed out
    """
    hvparams = self._Params(instance.hvparams)
    before = self.GetInstanceInfo(instance.name, hvparams)
    if before is None:
      _Fail("Failed to reboot instance %s, not running", instance.name)
    result = xl.RunXen(hvparams, xl.RebootArgs(instance.name))
    if result.failed:
      _Fail("Failed to reboot instance %s: %s, %s", instance.name,
            result.fail_reason, result.output.strip())

    def _Rebooted():
      now = self.GetInstanceInfo(instance.name, hvparams)
      return now is not None and (now[1] != before[1] or now[5] < before[5])
    if not self._WaitFor(_Rebooted, self.REBOOT_TIMEOUT):
      _Fail("Failed to reboot instance %s: instance did not reboot in time",
            instance.name)

  def BalloonInstanceMemory(self, instance, mem):
    """``mem-set`` the domain and keep the config file's memory in step.

    @raise errors.HypervisorError: mem-set failed
    """
    hvparams = self._Params(instance.hvparams)
    result = xl.RunXen(hvparams, xl.MemSetArgs(instance.name, mem))
    if result.failed:
      _Fail("Failed to balloon instance %s: %s (%s)", instance.name,
            result.fail_reason, result.output.strip())
    path = self._ConfigFileName(instance.name)
    try:
      text = io.ReadFile(path)
    except FileNotFoundError:
      return
    lines = ["memory = %d" % mem if line.startswith("memory =") else line
             for line in text.splitlines()]
    io.WriteFile(path, data="\n".join(lines) + "\n")

  def GetInstanceConsole(self, instance, primary_node, node_group=None,
                         hvparams=None, beparams=None):
    """The console: ssh to the node as root and run ``xl console``."""
    hvp = self._Params(hvparams or instance.hvparams)
    node_name = getattr(primary_node, "name", primary_node)
    return {"instance": instance.name, "kind": constants.CONS_SSH,
            "host": node_name, "user": XEN_CONSOLE_USER,
            "command": xl.ConsoleArgv(xl.XenCommand(hvp), instance.name)}

  def PowercycleNode(self, hvparams=None):
    """Ask Xen to reboot the machine (``debug R``)."""
    result = xl.RunXen(hvparams, ["debug", "R"])
    if result.failed:
      _Fail("Failed to powercycle the node: %s, %s", result.fail_reason,
            result.output.strip())

  # migration ----------------------------------------------------------
  def MigrationInfo(self, instance):
    """The domain's configuration file, recreated on the target."""
    return self._ReadConfigFile(instance.name)

  def AcceptInstance(self, instance, info, target):
    """Write the configuration file the source sent."""
    self._WriteConfigFile(instance.name, info)
    self._WriteNicFiles(instance)

  def MigrateInstance(self, cluster_name, instance, target, live):
    """``migrate`` to ``target`` (synchronous: done when it returns).

    @raise errors.HypervisorError: not running here, the xm relocation
        port is closed, or the migration failed
    """
    hvparams = self._Params(instance.hvparams)
    if self.GetInstanceInfo(instance.name, hvparams) is None:
      _Fail("Instance not running, cannot migrate")
    cmd = xl.XenCommand(hvparams)
    port = hvparams[P.MIGRATION_PORT]
    if cmd == P.XEN_CMD_XM and not _TcpPing(target, port):
      _Fail("Remote host %s not listening on port %s, cannot migrate",
            target, port)
    args = xl.MigrateArgs(cmd, instance.name, target, port, live,
                          cluster_name, pathutils.Get().SSH_KNOWN_HOSTS_FILE,
                          self._ConfigFileName(instance.name))
    result = xl.RunXen(hvparams, args)
    if result.failed:
      _Fail("Failed to migrate instance %s: %s", instance.name,
            result.output.strip())

  def GetMigrationStatus(self, instance):
    """Always completed: MigrateInstance returns when the domain moved."""
    return hv_base.MigrationStatus(constants.HV_MIGRATION_COMPLETED)

  def FinalizeMigrationSource(self, instance, success, live):
    """The domain left: drop its configuration file here."""
    if success:
      self._RemoveConfigFile(instance.name)

  def FinalizeMigrationDst(self, instance, info, success):
    """A failed migration leaves no configuration file on the target."""
    if not success:
      self._RemoveConfigFile(instance.name)

  # parameters ---------------------------------------------------------
  @classmethod
  def CheckParameterSyntax(cls, hvparams):
    super().CheckParameterSyntax(hvparams)
    config.CpuPinningLine(hvparams.get(P.CPU_MASK))


def _TcpPing(host, port, timeout=5.0):
  import socket
  try:
    with socket.create_connection((host, port), timeout=timeout):
      return True
  except OSError:
    return False


class XenPvmHypervisor(XenHypervisor):
  """xen-pvm: paravirtual domains (own kernel, or a boot loader)."""
  HV_NAME = constants.HT_XEN_PVM
  PARAMETERS = P.PVM_PARAMETERS

  def _BuildConfig(self, instance, hvparams, block_devices, startup_memory):
    return config.PvmConfig(instance, hvparams, block_devices,
                            startup_memory)

  @classmethod
  def CheckParameterSyntax(cls, hvparams):
    super().CheckParameterSyntax(hvparams)
    P.CheckPvmExtra(hvparams)

  def ValidateParameters(self, hvparams):
    """Node checks; only the boot method in use must exist here (the
    kernel without a boot loader, the boot loader with one)."""
    unused = (P.KERNEL_PATH if hvparams.get(P.USE_BOOTLOADER)
              else P.BOOTLOADER_PATH)
    for (name, (required, _, _, check_fn, errstr)) in \
        self.PARAMETERS.items():
      value = hvparams.get(name)
      if name == unused or check_fn is None or (not required and not value):
        continue
      if not check_fn(value):
        _Fail("Parameter '%s' fails validation: %s (current value: '%s')",
              name, errstr, value)


class XenHvmHypervisor(XenHypervisor):
  """xen-hvm: fully virtualized domains (emulated devices, VNC)."""
  HV_NAME = constants.HT_XEN_HVM
  PARAMETERS = P.HVM_PARAMETERS

  def _BuildConfig(self, instance, hvparams, block_devices, startup_memory):
    pwfile = hvparams.get(P.VNC_PASSWORD_FILE)
    password = None
    if pwfile:
      try:
        password = io.ReadFile(pwfile)
      except OSError as err:
        _Fail("Failed to open VNC password file %s: %s", pwfile, err)
    return config.HvmConfig(instance, hvparams, block_devices,
                            startup_memory, password)
