"""The KVM (qemu) hypervisor.

An instance is one daemonized qemu process, found through its pid file
(``$RUN_DIR/kvm-hypervisor/pid/<name>``) and driven over QMP
(``ctrl/<name>.qmp``).  qemu starts paused (``-S``): NICs are configured
and CPUs pinned first, then QMP ``cont`` lets the guest run.  What qemu
was started with is saved in the runtime file, so that a reboot or a
migration starts the same machine.

The argv is built by :mod:`.cmdline` (pure) from the instance, its
hvparams and the capabilities of the qemu binary (:mod:`.caps`).
``kvm_flag=disabled`` gives ``-machine <version>,accel=tcg`` (software
emulation), ``enabled`` gives ``accel=kvm``, empty leaves qemu's default.
"""

import logging
import os
import pwd
import subprocess
import tempfile
import time

from ganeti import constants as C
from ganeti import errors
from ganeti.hypervisor import hv_base
from ganeti.hypervisor.hv_kvm import caps as kvm_caps
from ganeti.hypervisor.hv_kvm import cmdline
from ganeti.hypervisor.hv_kvm import hotplug
from ganeti.hypervisor.hv_kvm import kvm_constants as K
from ganeti.hypervisor.hv_kvm import netdev
from ganeti.hypervisor.hv_kvm import params
from ganeti.hypervisor.hv_kvm import qmp
from ganeti.hypervisor.hv_kvm import runtime
from ganeti.hypervisor.hv_kvm import uidpool

# Seconds: qemu's parent must have daemonized by then; a killed qemu must
# be gone by then
_START_TIMEOUT = 60
_KILL_TIMEOUT = 30
_QMP_TIMEOUT = 10


def _WaitGone(pid, timeout):
  """Wait until process ``pid`` is gone; return whether it is."""
  deadline = time.monotonic() + timeout
  delay = 0.01
  while runtime.IsProcessAlive(pid):
    if time.monotonic() > deadline:
      return False
    time.sleep(delay)
    delay = min(delay * 2, 0.2)
  return True


def _ArgValue(argv, option):
  """The value after ``option`` in argv, or None."""
  for (idx, arg) in enumerate(argv[:-1]):
    if arg == option:
      return argv[idx + 1]
  return None


class KVMHypervisor(hv_base.BaseHypervisor):
  """The qemu/KVM hypervisor driver."""
  CAN_MIGRATE = True
  PARAMETERS = params.PARAMETERS
  # the optional override of kvm-ifup, distributed to the nodes
  ANCILLARY_FILES = ["/etc/ganeti/kvm-vif-bridge"]
  ANCILLARY_FILES_OPT = ["/etc/ganeti/kvm-vif-bridge"]

  def __init__(self, dirs=None):
    self._dirs = dirs

  @property
  def dirs(self):
    """The runtime directories (resolved per call: noded serves many
    virtual nodes' paths only through its environment)."""
    return self._dirs or runtime.RuntimeDirs()

  # Parameters

  @classmethod
  def CheckParameterSyntax(cls, hvparams):
    super().CheckParameterSyntax(hvparams)
    params.CheckCrossParameters(hvparams)

  def ValidateParameters(self, hvparams):
    super().ValidateParameters(hvparams)
    params.ValidateOnNode(hvparams)
    caps = kvm_caps.GetCaps(hvparams[C.HV_KVM_PATH])
    mversion = hvparams[C.HV_KVM_MACHINE_VERSION]
    if mversion and mversion not in caps.machines:
      raise errors.HypervisorError("Unsupported machine version: %s" %
                                   mversion)
    if hvparams[C.HV_KVM_SPICE_BIND] and not caps.HasOption("spice"):
      raise errors.HypervisorError("SPICE is configured, but it is not"
                                   " supported by this qemu (%s)" %
                                   caps.version)

  # Instance state

  def _PidAlive(self, name):
    return runtime.InstancePid(self.dirs, name)

  def ListInstances(self, hvparams=None):
    result = []
    for name in self.dirs.List():
      try:
        if self._PidAlive(name)[2]:
          result.append(name)
      except errors.HypervisorError:
        continue
    return result

  def _QmpPath(self, name):
    return self.dirs.Ctrl(name, "qmp")

  def _Qmp(self, name, command, arguments=None, timeout=_QMP_TIMEOUT):
    return qmp.Execute(self._QmpPath(name), command, arguments,
                       timeout=timeout)

  def GetInstanceInfo(self, instance_name, hvparams=None):
    """(name, pid, memory MiB, vcpus, state, cpu seconds), or None.

    Memory and vCPUs come from the argv (-m, -smp), overridden by QMP's
    balloon and CPU list; state is "running", "paused" or "shutdown".
    """
    (_, pid, alive) = self._PidAlive(instance_name)
    if not alive:
      return None
    argv = runtime.ProcessCmdline(pid) or []
    try:
      memory = int((_ArgValue(argv, "-m") or "0").split(",")[0])
    except ValueError:
      memory = 0
    try:
      vcpus = int((_ArgValue(argv, "-smp") or "1").split(",")[0])
    except ValueError:
      vcpus = 1
    state = "running"
    try:
      with qmp.QmpConnection(self._QmpPath(instance_name),
                             timeout=_QMP_TIMEOUT) as conn:
        status = conn.Execute("query-status")
        if status.get("status") == "shutdown":
          state = "shutdown"
        elif not status.get("running", True):
          state = "paused"
        try:
          vcpus = len(conn.Execute("query-cpus-fast"))
        except qmp.QmpError:
          pass
        try:
          memory = conn.Execute("query-balloon")["actual"] // (1024 * 1024)
        except (qmp.QmpError, KeyError, TypeError):
          pass
    except qmp.QmpError as err:
      logging.warning("QMP of instance %s does not answer: %s",
                      instance_name, err)
    return (instance_name, pid, memory, vcpus, state, self._CpuTime(pid))

  @staticmethod
  def _CpuTime(pid):
    try:
      with open("/proc/%d/stat" % pid) as fh:
        fields = fh.read().rpartition(")")[2].split()
      return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
      return 0

  def GetAllInstancesInfo(self, hvparams=None):
    result = []
    for name in self.ListInstances():
      info = self.GetInstanceInfo(name)
      if info is not None:
        result.append(info)
    return result

  def GetNodeInfo(self, hvparams=None):
    result = hv_base.GetLinuxNodeInfo()
    kvm_path = (hvparams or {}).get(C.HV_KVM_PATH) or \
      C.HVC_DEFAULTS[C.HT_KVM][C.HV_KVM_PATH]
    try:
      result["hv_version"] = kvm_caps.GetCaps(kvm_path).version_tuple
    except errors.HypervisorError as err:
      logging.warning("Cannot get the qemu version: %s", err)
    return result

  def Verify(self, hvparams=None):
    """None if qemu (and socat for consoles) can be run here."""
    kvm_path = (hvparams or {}).get(C.HV_KVM_PATH) or \
      C.HVC_DEFAULTS[C.HT_KVM][C.HV_KVM_PATH]
    msgs = []
    if not os.path.exists(kvm_path):
      msgs.append("The KVM binary ('%s') does not exist" % kvm_path)
    elif not os.access(kvm_path, os.X_OK):
      msgs.append("The KVM binary ('%s') is not executable" % kvm_path)
    else:
      try:
        kvm_caps.GetCaps(kvm_path)
      except errors.HypervisorError as err:
        msgs.append(str(err))
    if not os.path.exists(K.SOCAT_PATH):
      msgs.append("The socat binary ('%s') does not exist" % K.SOCAT_PATH)
    return "; ".join(msgs) or None

  # Start

  def _IsUserShutdown(self, name):
    """Whether the guest powered itself off (qemu kept by -no-shutdown)."""
    try:
      status = self._Qmp(name, "query-status")
    except qmp.QmpError:
      return False
    return status.get("status") == "shutdown"

  def _CheckDown(self, name):
    """Raise if ``name`` runs; a qemu left by a user shutdown goes."""
    if self._PidAlive(name)[2]:
      if self._IsUserShutdown(name):
        self._Kill(name)
        self._CleanupAll(name)
        return
      raise errors.HypervisorError("Failed to start instance %s: %s" %
                                   (name, "already running"))

  def StartInstance(self, instance, block_devices, startup_paused):
    """Build the argv, save the runtime file, start qemu.

    @raise errors.HypervisorError: qemu did not start; nothing is left
    """
    self._CheckDown(instance.name)
    hvp = instance.hvparams
    # the master has no kvm code: the checks of the parameters run here
    self.CheckParameterSyntax(hvp)
    self.ValidateParameters(hvp)
    self.dirs.Ensure()
    caps = kvm_caps.GetCaps(hvp[C.HV_KVM_PATH])
    kvm_cmd = cmdline.BuildBaseCommand(instance, hvp, caps, self.dirs,
                                       self._SpiceAddress(hvp))
    nics = list(instance.nics or [])
    text = runtime.SerializeRuntime(kvm_cmd, nics, hvp, block_devices)
    runtime.WriteRuntime(self.dirs, instance.name, text)
    try:
      self._Execute(instance, kvm_cmd, nics, hvp, block_devices, caps,
                    startup_paused)
    except Exception:
      self._CleanupAll(instance.name)
      raise

  @staticmethod
  def _SpiceAddress(hvp):
    """The address spice_bind (an IP or an interface name) means here."""
    bind = hvp[C.HV_KVM_SPICE_BIND]
    if not bind or not params.IsInterface(bind):
      return bind or None
    out = subprocess.run(["ip", "-o", "addr", "show", "dev", bind],
                         capture_output=True, text=True, check=False).stdout
    want = "inet6" if hvp[C.HV_KVM_SPICE_IP_VERSION] == 6 else "inet"
    for line in out.splitlines():
      fields = line.split()
      if want in fields:
        return fields[fields.index(want) + 1].split("/")[0]
    raise errors.HypervisorError("SPICE: interface %s has no %s address" %
                                 (bind, want))

  def _RunAs(self, instance, hvp, caps):
    """The -runas argument of the security model (None: stay root)."""
    model = hvp[C.HV_SECURITY_MODEL]
    if model == K.HT_SM_USER:
      return hvp[C.HV_SECURITY_DOMAIN]
    if model != K.HT_SM_POOL:
      return None
    uid = uidpool.RequestUid(self.dirs, instance.name)
    if caps.HasOption("runas-uid-gid"):
      return "%d:%d" % (uid, uid)
    try:
      return pwd.getpwuid(uid).pw_name
    except KeyError:
      uidpool.ReleaseUid(self.dirs, instance.name)
      raise errors.HypervisorError("uid %d of the pool has no user name,"
                                   " which this qemu (%s) needs for -runas" %
                                   (uid, caps.version))

  def _Execute(self, instance, kvm_cmd, nics, hvp, block_devices, caps,
               startup_paused, incoming=None):
    """Start qemu from a saved argv; configure NICs; let it run.

    @raise errors.HypervisorError: anything failed (qemu is then gone)
    """
    name = instance.name
    kvm_cmd = cmdline.RelocateCommand(kvm_cmd, name, self.dirs, caps)
    for kind in ("qmp", "serial", "monitor", "vnc", "qga"):
      path = self.dirs.Ctrl(name, kind)
      if os.path.exists(path):
        os.unlink(path)
    if hvp[C.HV_KVM_USE_CHROOT]:
      chroot = self.dirs.ChrootDir(name)
      os.makedirs(chroot, exist_ok=True)
      if os.listdir(chroot):
        raise errors.HypervisorError("Chroot directory %s of instance %s is"
                                     " not empty" % (chroot, name))
    taps = []
    try:
      queues = hvp.get(C.HV_VIRTIO_NET_QUEUES) or 1
      if hvp[C.HV_NIC_TYPE] != K.HT_NIC_PARAVIRTUAL:
        queues = 1
      for _ in nics:
        taps.append(netdev.OpenTap(vnet_hdr=hvp[C.HV_VNET_HDR],
                                   queues=queues))
      run_as = self._RunAs(instance, hvp, caps)
      argv = kvm_cmd + cmdline.BuildExecArgs(
        instance, hvp, caps, self.dirs, nics, [fds for (_, fds) in taps],
        block_devices, incoming=incoming, run_as=run_as)
      self._Spawn(name, argv, [fd for (_, fds) in taps for fd in fds])
    finally:
      for (_, fds) in taps:
        for fd in fds:
          os.close(fd)
    try:
      self._AfterStart(instance, hvp, nics, [tap for (tap, _) in taps],
                       startup_paused or incoming is not None)
    except Exception:
      self._Kill(name)
      raise

  def _Spawn(self, name, argv, pass_fds):
    """Run qemu until it daemonizes; fail with its error output."""
    logging.info("Starting instance %s: %s", name, " ".join(argv))
    with tempfile.TemporaryFile(mode="w+") as errfile:
      try:
        # in ctrl/: sockets with too long paths are given relative to it
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=errfile, stderr=errfile,
                                pass_fds=pass_fds, close_fds=True,
                                cwd=self.dirs.ctrl_dir)
      except OSError as err:
        raise errors.HypervisorError("Failed to start instance %s: %s" %
                                     (name, err))
      try:
        rc = proc.wait(timeout=_START_TIMEOUT)
      except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = None
      errfile.seek(0)
      output = errfile.read().strip()
    if rc != 0:
      (_, pid, alive) = self._PidAlive(name)
      if alive:
        self._Kill(name)
      raise errors.HypervisorError("Failed to start instance %s: %s (%s)" %
                                   (name, "exit code %s" % rc if rc is not None
                                    else "qemu did not daemonize in %ds" %
                                    _START_TIMEOUT, output[-2000:]))
    if not self._PidAlive(name)[2]:
      raise errors.HypervisorError("Failed to start instance %s: qemu exited"
                                   " at once (%s)" % (name, output[-2000:]))

  def _AfterStart(self, instance, hvp, nics, taps, paused):
    name = instance.name
    nic_dir = self.dirs.NicDir(name)
    os.makedirs(nic_dir, exist_ok=True)
    for (seq, (nic, tap)) in enumerate(zip(nics, taps)):
      with open(os.path.join(nic_dir, str(seq)), "w") as fh:
        fh.write(tap)
      netdev.ConfigureNic(instance, nic, seq, tap)
    with qmp.QmpConnection(self._QmpPath(name),
                           timeout=_QMP_TIMEOUT) as conn:
      self._PinCpus(conn, hvp)
      for (param, protocol) in ((C.HV_VNC_PASSWORD_FILE, "vnc"),
                                (C.HV_KVM_SPICE_PASSWORD_FILE, "spice")):
        if hvp.get(param) and (protocol == "vnc" and
                               hvp[C.HV_VNC_BIND_ADDRESS] or
                               protocol == "spice" and
                               hvp[C.HV_KVM_SPICE_BIND]):
          conn.Execute("set_password", {"protocol": protocol,
                                        "password": self._Password(
                                          hvp[param])})
      if not paused:
        conn.Execute("cont")

  @staticmethod
  def _Password(path):
    try:
      with open(path) as fh:
        return fh.readline().strip("\n")
    except OSError as err:
      raise errors.HypervisorError("Failed to open password file %s: %s" %
                                   (path, err))

  @staticmethod
  def _PinCpus(conn, hvp):
    """Apply cpu_mask to the vCPU threads (one mask for all, or one each)."""
    mask = hvp[C.HV_CPU_MASK]
    if not mask or mask == K.CPU_PINNING_ALL:
      return
    masks = params.ParseMultiCpuMask(mask)
    cpus = conn.Execute("query-cpus-fast")
    for (idx, cpu) in enumerate(cpus):
      cpu_list = masks[0] if len(masks) == 1 else masks[idx]
      if cpu_list:
        try:
          os.sched_setaffinity(cpu["thread-id"], cpu_list)
        except OSError as err:
          raise errors.HypervisorError("Cannot pin vCPU %d to CPUs %s: %s" %
                                       (idx, cpu_list, err))

  # Stop, reboot

  def _Kill(self, name):
    (_, pid, alive) = self._PidAlive(name)
    if alive:
      runtime.KillProcess(pid)
      if not _WaitGone(pid, _KILL_TIMEOUT):
        raise errors.HypervisorError("Instance %s (pid %d) did not die" %
                                     (name, pid))

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    """Stop an instance: ACPI power button, then kill after ``timeout``.

    With ``force`` (or acpi off, or only a name) qemu is killed at once.
    Without a timeout the power button is pressed and the call returns
    (the caller polls, as Ganeti's backend does).
    """
    if name is not None and not force:
      raise errors.HypervisorError("Cannot shutdown cleanly by name only")
    if name is None:
      name = instance.name
      acpi = instance.hvparams[C.HV_ACPI]
    else:
      acpi = False
    (_, pid, alive) = self._PidAlive(name)
    if not alive:
      return
    if force or not acpi or self._IsUserShutdown(name):
      self._Kill(name)
      return
    try:
      self._Qmp(name, "system_powerdown")
    except qmp.QmpError as err:
      logging.warning("ACPI shutdown of %s failed (%s), killing it", name,
                      err)
      self._Kill(name)
      return
    if timeout is None:
      return
    if not _WaitGone(pid, timeout):
      logging.warning("Instance %s did not power off in %ss, killing it",
                      name, timeout)
      self._Kill(name)

  def _CleanupAll(self, name):
    """Give back the pool uid and remove the runtime files of ``name``."""
    uidpool.ReleaseUid(self.dirs, name)
    self.dirs.Cleanup(name)

  def CleanupInstance(self, instance_name):
    if self._PidAlive(instance_name)[2]:
      raise errors.HypervisorError("Instance %s is still running" %
                                   instance_name)
    self._CleanupAll(instance_name)

  def _LoadRuntime(self, name):
    return runtime.LoadRuntime(runtime.ReadRuntime(self.dirs, name))

  def RebootInstance(self, instance):
    """Restart qemu from the saved runtime (as Ganeti: stop, start)."""
    name = instance.name
    if not self._PidAlive(name)[2]:
      raise errors.HypervisorError("Failed to reboot instance %s: not"
                                   " running" % name)
    text = runtime.ReadRuntime(self.dirs, name)
    (kvm_cmd, nics, hvp, disks) = runtime.LoadRuntime(text)
    self.StopInstance(instance, force=True)
    self._CleanupAll(name)
    self.dirs.Ensure()
    runtime.WriteRuntime(self.dirs, name, text)
    caps = kvm_caps.GetCaps(hvp[C.HV_KVM_PATH])
    try:
      self._Execute(instance, [str(a) for a in kvm_cmd], nics, hvp, disks,
                    caps, False)
    except Exception:
      self._CleanupAll(name)
      raise

  def BalloonInstanceMemory(self, instance, mem):
    self._Qmp(instance.name, "balloon", {"value": int(mem) * 1024 * 1024})

  def PowercycleNode(self, hvparams=None):
    """Hard-reset this node through sysrq (as Ganeti's Linux powercycle)."""
    try:
      with open("/proc/sysrq-trigger", "w") as fh:
        fh.write("b")
    except OSError as err:
      raise errors.HypervisorError("Failed to powercycle the node: %s" % err)

  # Console

  def GetInstanceConsole(self, instance, primary_node, node_group=None,
                         hvparams=None, beparams=None):
    """The console of a running instance, as a dict.

    The serial console (kind ``ssh``: run socat on the node), else VNC,
    else SPICE, else a message.
    """
    hvp = hvparams or instance.hvparams
    node_name = getattr(primary_node, "name", primary_node)
    if hvp[C.HV_SERIAL_CONSOLE]:
      cmd = [K.SOCAT_PATH, "STDIO,raw,echo=0,escape=%s" % K.SOCAT_ESCAPE_CODE,
             "UNIX-CONNECT:%s" % self.dirs.Ctrl(instance.name, "serial")]
      return {"instance": instance.name, "kind": C.CONS_SSH,
              "host": node_name, "user": "root", "command": cmd}
    vnc_bind = hvp[C.HV_VNC_BIND_ADDRESS]
    if vnc_bind and instance.network_port and not vnc_bind.startswith("/"):
      return {"instance": instance.name, "kind": C.CONS_VNC,
              "host": node_name if vnc_bind in ("0.0.0.0", "::")
              else vnc_bind,
              "port": instance.network_port,
              "display": instance.network_port - K.VNC_BASE_PORT}
    spice_bind = hvp[C.HV_KVM_SPICE_BIND]
    if spice_bind and instance.network_port:
      return {"instance": instance.name, "kind": C.CONS_SPICE,
              "host": spice_bind, "port": instance.network_port}
    return {"instance": instance.name, "kind": C.CONS_MESSAGE,
            "message": "No serial shell for instance %s" % instance.name}

  # Hotplug (Ganeti's method names; extra is (link, uri) for disks)

  def _CheckHotplug(self, instance, dev_type, action):
    if not self._PidAlive(instance.name)[2]:
      raise errors.HotplugError("Instance %s is not running" % instance.name)
    (_, _, hvp, _) = self._LoadRuntime(instance.name)
    hotplug.CheckSupported(kvm_caps.GetCaps(hvp[C.HV_KVM_PATH]), hvp,
                           dev_type, action)

  def HotplugSupported(self, instance):
    """Raise errors.HotplugError unless the running qemu can hotplug."""
    self._CheckHotplug(instance, hotplug.TARGET_NIC, hotplug.ACTION_ADD)

  def VerifyHotplugSupport(self, instance, action, dev_type):
    self._CheckHotplug(instance, dev_type, action)

  def HotAddDevice(self, instance, dev_type, device, extra, seq):
    self._CheckHotplug(instance, dev_type, hotplug.ACTION_ADD)
    if dev_type == hotplug.TARGET_DISK:
      (link, uri) = extra
      hotplug.AddDisk(self.dirs, instance, device, link, uri, seq)
    else:
      hotplug.AddNic(self.dirs, instance, device, seq)

  def HotDelDevice(self, instance, dev_type, device, extra, seq):
    self._CheckHotplug(instance, dev_type, hotplug.ACTION_REMOVE)
    if dev_type == hotplug.TARGET_DISK:
      hotplug.RemoveDisk(self.dirs, instance, device)
    else:
      hotplug.RemoveNic(self.dirs, instance, device, seq)

  def HotModDevice(self, instance, dev_type, device, extra, seq):
    self._CheckHotplug(instance, dev_type, hotplug.ACTION_MODIFY)
    hotplug.ModifyNic(self.dirs, instance, device, seq)

  # Migration (the master drives: MigrationInfo on the source,
  # AcceptInstance on the target, MigrateInstance and GetMigrationStatus on
  # the source, then FinalizeMigrationSource and FinalizeMigrationDst)

  def MigrationInfo(self, instance):
    """The runtime file text: the target starts the same machine."""
    return runtime.ReadRuntime(self.dirs, instance.name)

  def AcceptInstance(self, instance, info, target):
    """Start qemu waiting for the incoming migration on ``target``."""
    (kvm_cmd, nics, hvp, disks) = runtime.LoadRuntime(info)
    self._CheckDown(instance.name)
    self.dirs.Ensure()
    caps = kvm_caps.GetCaps(hvp[C.HV_KVM_PATH])
    port = instance.hvparams[C.HV_MIGRATION_PORT]
    try:
      self._Execute(instance, [str(a) for a in kvm_cmd], nics, hvp, disks,
                    caps, True, incoming=(target, port))
    except Exception:
      self._CleanupAll(instance.name)
      raise

  def MigrateInstance(self, cluster_name, instance, target, live):
    """Start sending the instance's memory to ``target``."""
    name = instance.name
    hvp = instance.hvparams
    if not self._PidAlive(name)[2]:
      raise errors.HypervisorError("Instance %s is not running" % name)
    with qmp.QmpConnection(self._QmpPath(name),
                           timeout=_QMP_TIMEOUT) as conn:
      if not live:
        conn.Execute("stop")
      caps = [c for c in (hvp.get(C.HV_KVM_MIGRATION_CAPS) or "").split(":")
              if c]
      if caps:
        conn.Execute("migrate-set-capabilities", {
          "capabilities": [{"capability": c, "state": True} for c in caps]})
      conn.Execute("migrate-set-parameters", {
        "max-bandwidth": int(hvp[C.HV_MIGRATION_BANDWIDTH]) * 1024 * 1024,
        "downtime-limit": int(hvp[C.HV_MIGRATION_DOWNTIME])})
      if ":" in target:
        target = "[%s]" % target
      conn.Execute("migrate", {"uri": "tcp:%s:%d" %
                               (target, hvp[C.HV_MIGRATION_PORT])})

  def GetMigrationStatus(self, instance):
    """The migration state (hv_base.MigrationStatus or a dict)."""
    info = self._Qmp(instance.name, "query-migrate")
    status = info.get("status", "active")
    if status in ("setup", "pre-switchover", "device", "wait-unplug",
                  "postcopy-active"):
      status = "active"
    ram = info.get("ram") or {}
    transferred = ram.get("transferred")
    total = ram.get("total")
    mib = 1024 * 1024
    args = (status, transferred // mib if transferred is not None else None,
            total // mib if total is not None else None)
    cls = getattr(hv_base, "MigrationStatus", None)
    if cls is not None:
      return cls(*args)
    return {"status": args[0], "transferred_ram": args[1],
            "total_ram": args[2]}

  def FinalizeMigrationSource(self, instance, success, live):
    name = instance.name
    if success:
      self._Kill(name)
      self._CleanupAll(name)
    elif live and self._PidAlive(name)[2]:
      self._Qmp(name, "cont")

  def FinalizeMigrationDst(self, instance, info, success):
    name = instance.name
    if success:
      (kvm_cmd, nics, hvp, disks) = runtime.LoadRuntime(info)
      caps = kvm_caps.GetCaps(hvp[C.HV_KVM_PATH])
      kvm_cmd = cmdline.RelocateCommand([str(a) for a in kvm_cmd], name,
                                        self.dirs, caps)
      runtime.WriteRuntime(self.dirs, name, runtime.SerializeRuntime(
        kvm_cmd, nics, hvp, disks))
      status = self._Qmp(name, "query-status")
      if not status.get("running"):
        self._Qmp(name, "cont")
    else:
      self._Kill(name)
      self._CleanupAll(name)
