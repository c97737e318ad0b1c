"""The chroot "hypervisor": an instance is a chroot on its first disk.

Starting an instance mounts its first disk on ``$RUN_DIR/chroot-hypervisor/
<instance>`` (below the node root in a virtual cluster) and runs the
``init_script`` hvparam inside it with ``chroot <dir> <script> start``.
The script is expected to mount ``/proc`` in the chroot: a directory whose
``proc`` is a mount point is a running instance.  Stopping runs the script
with ``stop``, unmounts whatever is still mounted below the directory and
then the disk.  There is no memory or CPU accounting, no reboot and no
migration.

All commands go through the module-level :data:`runner`, so tests can
observe them.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti.hypervisor import hv_base
from ganeti.utils import process

#: replaceable command runner: runner(argv) -> RunResult
runner = process.RunCmd
#: the mount table read to find mounts below an instance directory
PROC_MOUNTS = "/proc/mounts"

INIT_SCRIPT = "init_script"


def _IsNormAbsPath(path):
  return (isinstance(path, str) and os.path.isabs(path) and
          os.path.normpath(path) == path)


def _Fail(msg, *args):
  raise errors.HypervisorError(msg % args if args else msg)


def ParseMounts(text):
  """Mount points from /proc/mounts text (octal escapes decoded)."""
  result = []
  for line in text.splitlines():
    fields = line.split()
    if len(fields) >= 2:
      result.append(fields[1].encode("latin-1").decode("unicode_escape"))
  return result


def MountsBelow(mounts, path):
  """Mount points strictly below ``path``, deepest first (unmount order)."""
  prefix = path.rstrip("/") + "/"
  return sorted((m for m in mounts if m.startswith(prefix)), reverse=True)


class ChrootManager(hv_base.BaseHypervisor):
  """Instances as chroots (see the module documentation)."""
  PARAMETERS = {
    INIT_SCRIPT: (True, _IsNormAbsPath, "must be an absolute normalized"
                  " path", None, None),
  }

  @staticmethod
  def _RootDir():
    return pathutils.Get().RUN_DIR + "/chroot-hypervisor"

  @classmethod
  def _InstanceDir(cls, name):
    if "/" in name or name in ("", ".", ".."):
      _Fail("Invalid instance name '%s'", name)
    return os.path.join(cls._RootDir(), name)

  @staticmethod
  def _IsDirLive(path):
    """A chroot is running when its /proc is mounted."""
    return os.path.ismount(os.path.join(path, "proc"))

  @staticmethod
  def _Run(argv, what):
    result = runner(argv)
    if result.failed:
      _Fail("%s: %s, %s", what, result.fail_reason, result.output.strip())
    return result

  @staticmethod
  def _MountsBelow(path):
    try:
      with open(PROC_MOUNTS) as fh:
        return MountsBelow(ParseMounts(fh.read()), path)
    except OSError as err:
      _Fail("Can't read the mount table: %s", err)

  def ListInstances(self, hvparams=None):
    try:
      names = sorted(os.listdir(self._RootDir()))
    except FileNotFoundError:
      return []
    return [name for name in names
            if self._IsDirLive(os.path.join(self._RootDir(), name))]

  def GetInstanceInfo(self, instance_name, hvparams=None):
    """(name, 0, 0, 0, "running", 0) for a live chroot, else None."""
    if not self._IsDirLive(self._InstanceDir(instance_name)):
      return None
    return (instance_name, 0, 0, 0, "running", 0)

  def GetAllInstancesInfo(self, hvparams=None):
    return [(name, 0, 0, 0, "running", 0) for name in self.ListInstances()]

  def StartInstance(self, instance, block_devices, startup_paused):
    """Mount the first disk (unless mounted) and run ``<script> start``.

    @raise errors.HypervisorError: no disk, mount or script failure (a
        mount done here is undone)
    """
    root_dir = self._InstanceDir(instance.name)
    os.makedirs(root_dir, exist_ok=True)
    if not os.path.isdir(root_dir):
      _Fail("Needed path %s is not a directory", root_dir)
    mounted_here = False
    if not os.path.ismount(root_dir):
      if not block_devices:
        _Fail("The chroot manager needs at least one disk")
      self._Run(["mount", block_devices[0][1], root_dir],
                "Can't mount the chroot dir")
      mounted_here = True
    script = (instance.hvparams or {}).get(
      INIT_SCRIPT, constants.HVC_DEFAULTS[constants.HT_CHROOT][INIT_SCRIPT])
    result = runner(["chroot", root_dir, script, "start"])
    if result.failed:
      if mounted_here:
        self._UnmountAll(root_dir, force=True)
      _Fail("Can't run the chroot start script: %s, %s", result.fail_reason,
            result.output.strip())

  def _UnmountAll(self, root_dir, force):
    for path in self._MountsBelow(root_dir):
      runner(["umount", path])
    argv = ["umount", "-f", root_dir] if force else ["umount", root_dir]
    if os.path.ismount(root_dir):
      self._Run(argv, "Can't umount the chroot dir")

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    """Run ``<script> stop`` (unless forced), then unmount everything.

    @raise errors.HypervisorError: the stop script or an unmount failed
    """
    if name is None:
      name = instance.name
    root_dir = self._InstanceDir(name)
    if not os.path.exists(root_dir) or not self._IsDirLive(root_dir):
      return
    if not force:
      script = ((instance.hvparams if instance else None) or {}).get(
        INIT_SCRIPT,
        constants.HVC_DEFAULTS[constants.HT_CHROOT][INIT_SCRIPT])
      self._Run(["chroot", root_dir, script, "stop"],
                "Can't run the chroot stop script")
    self._UnmountAll(root_dir, force)

  def CleanupInstance(self, instance_name):
    """Remove the (unmounted) instance directory.

    @raise errors.HypervisorError: still live or mounted
    """
    root_dir = self._InstanceDir(instance_name)
    if not os.path.exists(root_dir):
      return
    if self._IsDirLive(root_dir):
      _Fail("Processes are still running in this chroot!")
    if os.path.ismount(root_dir):
      _Fail("Can't clean up instance %s: %s is still mounted", instance_name,
            root_dir)
    try:
      os.rmdir(root_dir)
    except OSError as err:
      _Fail("Can't remove the chroot dir %s: %s", root_dir, err)

  def RebootInstance(self, instance):
    _Fail("The chroot manager doesn't implement the reboot functionality")

  def GetNodeInfo(self, hvparams=None):
    return hv_base.GetLinuxNodeInfo()

  def GetInstanceConsole(self, instance, primary_node, node_group=None,
                         hvparams=None, beparams=None):
    """ssh to the node as root and chroot into the instance."""
    return {"instance": instance.name, "kind": constants.CONS_SSH,
            "host": getattr(primary_node, "name", primary_node),
            "user": "root",
            "command": ["chroot", self._InstanceDir(instance.name)]}

  def Verify(self, hvparams=None):
    """The root directory of the chroots must exist."""
    if not os.path.isdir(self._RootDir()):
      return "The required directory '%s' does not exist" % self._RootDir()
    return None

  def PowercycleNode(self, hvparams=None):
    _Fail("Powercycle is not supported by the chroot manager")
