"""Runtime directories, the runtime file and the pid file of kvm instances.

Layout below ``$RUN_DIR/kvm-hypervisor`` (the node root's in a virtual
cluster): ``pid/<inst>``, ``ctrl/<inst>.{monitor,serial,qmp,vnc}``,
``conf/<inst>.runtime``, ``nic/<inst>/<seq>`` (tap name of NIC seq),
``uid/``, ``keymap/``, ``chroot/<inst>``, ``chroot-quarantine/``.

The runtime file is the JSON list ``[kvm argv, [nic dicts], hvparams,
[[disk dict, link name, uri], ...]]``: what qemu was started with, so that
reboots and migrations start the same machine.
"""

import os
import shutil
import signal

from ganeti import errors
from ganeti import objects
from ganeti import pathutils
from ganeti import serializer
from ganeti.utils import io
from ganeti.utils import process

_SUBDIRS = ("pid", "uid", "ctrl", "conf", "nic", "keymap", "chroot",
            "chroot-quarantine")


class RuntimeDirs:
  """The kvm runtime paths of this node (or of ``base`` in tests)."""

  def __init__(self, base=None):
    if base is None:
      base = os.path.join(pathutils.Get().RUN_DIR, "kvm-hypervisor")
    self.base = base
    for sub in _SUBDIRS:
      setattr(self, sub.replace("-", "_") + "_dir", os.path.join(base, sub))

  def Ensure(self):
    """Create the directories (mode 0755; the base 0775)."""
    os.makedirs(self.base, mode=0o775, exist_ok=True)
    for sub in _SUBDIRS:
      os.makedirs(os.path.join(self.base, sub), mode=0o755, exist_ok=True)

  @staticmethod
  def _CheckName(name):
    if not name or "/" in name or name in (".", ".."):
      raise errors.HypervisorError("Invalid instance name '%s'" % name)
    return name

  def PidFile(self, name):
    return os.path.join(self.pid_dir, self._CheckName(name))

  def Ctrl(self, name, kind):
    """Control socket path; kind is monitor, serial, qmp, vnc or kvmd."""
    return os.path.join(self.ctrl_dir, "%s.%s" % (self._CheckName(name), kind))

  def RuntimeFile(self, name):
    return os.path.join(self.conf_dir, "%s.runtime" % self._CheckName(name))

  def NicDir(self, name):
    return os.path.join(self.nic_dir, self._CheckName(name))

  def ChrootDir(self, name):
    return os.path.join(self.chroot_dir, self._CheckName(name))

  def KeymapFile(self, name):
    return os.path.join(self.keymap_dir, self._CheckName(name))

  def Cleanup(self, name):
    """Remove the files of a stopped instance (not its chroot if busy)."""
    for path in (self.PidFile(name), self.RuntimeFile(name),
                 self.KeymapFile(name)):
      io.RemoveFile(path)
    for kind in ("monitor", "serial", "qmp", "vnc", "kvmd"):
      io.RemoveFile(self.Ctrl(name, kind))
    shutil.rmtree(self.NicDir(name), ignore_errors=True)
    chroot = self.ChrootDir(name)
    if os.path.isdir(chroot):
      try:
        os.rmdir(chroot)
      except OSError:
        # something is left inside: keep it for inspection
        quarantine = os.path.join(self.chroot_quarantine_dir, name)
        shutil.rmtree(quarantine, ignore_errors=True)
        os.rename(chroot, quarantine)

  def List(self):
    """Names that have a pid file."""
    try:
      return sorted(n for n in os.listdir(self.pid_dir)
                    if not n.startswith("."))
    except FileNotFoundError:
      return []


def SerializeRuntime(kvm_cmd, nics, hvparams, disks):
  """The runtime file text (nics: objects.NIC; disks: (Disk, link, uri))."""
  data = [list(kvm_cmd),
          [n.ToDict() if isinstance(n, objects.NIC) else n for n in nics],
          hvparams,
          [[d.ToDict() if isinstance(d, objects.Disk) else d, link, uri]
           for (d, link, uri) in disks]]
  return serializer.DumpJson(data)


def LoadRuntime(text):
  """(kvm argv, [NIC], hvparams, [(Disk, link, uri)]) from runtime text.

  Files written by Ganeti 2.6 have no disk list; it is empty then.

  @raise errors.HypervisorError: not a runtime file
  """
  try:
    data = serializer.LoadJson(text)
  except ValueError as err:
    raise errors.HypervisorError("Invalid KVM runtime file: %s" % err)
  if not isinstance(data, list) or len(data) not in (3, 4):
    raise errors.HypervisorError("Invalid KVM runtime file: expected a list"
                                 " of 3 or 4 items")
  kvm_cmd = data[0]
  nics = [objects.NIC.FromDict(n) for n in data[1]]
  hvparams = data[2]
  disks = []
  if len(data) == 4:
    for (ddict, link, uri) in data[3]:
      disks.append((objects.Disk.FromDict(ddict), link, uri))
  return (kvm_cmd, nics, hvparams, disks)


def WriteRuntime(dirs, name, text):
  io.WriteFile(dirs.RuntimeFile(name), data=text)


def ReadRuntime(dirs, name):
  """The runtime file text of ``name``.

  @raise errors.HypervisorError: there is none
  """
  try:
    return io.ReadFile(dirs.RuntimeFile(name))
  except OSError as err:
    raise errors.HypervisorError("Failed to load KVM runtime file: %s" % err)


def ReadPid(pidfile):
  """The pid in ``pidfile``, or None."""
  try:
    with open(pidfile) as fh:
      return int(fh.read().strip() or 0) or None
  except (OSError, ValueError):
    return None


def ProcessCmdline(pid):
  """The argv of process ``pid`` (from /proc), or None if it is gone."""
  try:
    with open("/proc/%d/cmdline" % pid, "rb") as fh:
      data = fh.read()
  except OSError:
    return None
  return [arg.decode("utf-8", "replace") for arg in data.split(b"\0") if arg]


#: whether a pid names a live (non-zombie) process
IsProcessAlive = process.IsProcessAlive


def InstancePid(dirs, name):
  """(pidfile, pid, alive) of instance ``name``.

  ``alive`` is true only if the process runs and its command line carries
  ``-name <name>`` (a recycled pid is not our instance).

  @raise errors.HypervisorError: the pid runs another instance's qemu
  """
  pidfile = dirs.PidFile(name)
  pid = ReadPid(pidfile)
  alive = False
  if pid and IsProcessAlive(pid):
    argv = ProcessCmdline(pid) or []
    found = None
    for (idx, arg) in enumerate(argv[:-1]):
      if arg == "-name":
        found = argv[idx + 1].split(",")[0]
        break
    if found == name:
      alive = True
    elif found is not None:
      raise errors.HypervisorError("Instance %s's pid file points to the"
                                   " qemu process of %s" % (name, found))
  return (pidfile, pid, alive)


def KillProcess(pid, sig=signal.SIGKILL):
  try:
    os.kill(pid, sig)
  except ProcessLookupError:
    pass
