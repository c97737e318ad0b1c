"""The chroot manager: pure helpers, and for real (as root) with a
busybox-static root file system on a loop device."""

import os
import shutil
import subprocess
import time

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti import objects
from ganeti.hypervisor import hv_chroot

pytestmark = pytest.mark.unit

INIT_SCRIPT = """#!/bin/busybox sh
/bin/busybox mkdir -p /proc /var
case "$1" in
  start)
    /bin/busybox mount -t proc proc /proc
    echo "started $$" > /var/marker
    ;;
  stop)
    echo stopped >> /var/marker
    /bin/busybox umount /proc
    ;;
esac
"""


def _Instance(name="chr1", script="/ganeti-chroot"):
  return objects.Instance(name=name, hypervisor=constants.HT_CHROOT,
                          hvparams={"init_script": script},
                          beparams={"maxmem": 128, "minmem": 128,
                                    "vcpus": 1}, nics=[])


def testParseMounts():
  text = ("/dev/sda1 / ext4 rw 0 0\n"
          "proc /srv/my\\040root/proc proc rw 0 0\n"
          "/dev/loop0 /run/chroot-hypervisor/a ext2 rw 0 0\n"
          "tmpfs /run/chroot-hypervisor/a/tmp tmpfs rw 0 0\n"
          "proc /run/chroot-hypervisor/a/proc proc rw 0 0\n"
          "proc /run/chroot-hypervisor/ab/proc proc rw 0 0\n")
  mounts = hv_chroot.ParseMounts(text)
  assert mounts[1] == "/srv/my root/proc"
  assert hv_chroot.MountsBelow(mounts, "/run/chroot-hypervisor/a") == [
    "/run/chroot-hypervisor/a/tmp", "/run/chroot-hypervisor/a/proc"]


def testParameters():
  cls = hypervisor.GetHypervisorClass(constants.HT_CHROOT)
  assert set(cls.PARAMETERS) == set(
    constants.HVC_DEFAULTS[constants.HT_CHROOT])
  cls.CheckParameterSyntax({"init_script": "/ganeti-chroot"})
  for bad in ["ganeti-chroot", "/a/../b", "/a//b"]:
    with pytest.raises(errors.HypervisorError, match="absolute normalized"):
      cls.CheckParameterSyntax({"init_script": bad})


def testNothingRunning(vnode):
  mgr = hv_chroot.ChrootManager()
  assert mgr.ListInstances() == []
  assert mgr.GetInstanceInfo("chr1") is None
  assert "does not exist" in mgr.Verify()
  os.makedirs(mgr._RootDir())
  os.makedirs(os.path.join(mgr._RootDir(), "stopped"))
  assert mgr.Verify() is None
  assert mgr.ListInstances() == []
  # stopping a stopped instance is fine, cleaning up removes the dir
  mgr.StopInstance(_Instance("stopped"))
  mgr.CleanupInstance("stopped")
  assert not os.path.exists(os.path.join(mgr._RootDir(), "stopped"))
  with pytest.raises(errors.HypervisorError, match="at least one disk"):
    mgr.StartInstance(_Instance(), [], False)
  with pytest.raises(errors.HypervisorError, match="reboot"):
    mgr.RebootInstance(_Instance())
  assert mgr.GetInstanceConsole(_Instance(), "node1") == {
    "instance": "chr1", "kind": constants.CONS_SSH, "host": "node1",
    "user": "root", "command": ["chroot",
                                os.path.join(mgr._RootDir(), "chr1")]}


def _StaticBusybox():
  path = shutil.which("busybox")
  if path is None:
    return None
  with open(path, "rb") as fh:
    head = fh.read(4096)
  return None if b"ld-linux" in head else path


def _RequireRoot():
  if os.getuid() != 0:
    pytest.skip("needs root (mount, losetup, chroot)")
  for tool in ("mke2fs", "losetup", "mount", "umount", "chroot"):
    if shutil.which(tool) is None:
      pytest.skip("%s is missing" % tool)
  busybox = _StaticBusybox()
  if busybox is None:
    pytest.skip("busybox-static is missing")
  return busybox


@pytest.fixture
def rootfs_disk(tmp_path):
  """A loop device holding an ext2 file system: busybox + init script."""
  busybox = _RequireRoot()
  src = tmp_path / "rootfs"
  (src / "bin").mkdir(parents=True)
  shutil.copy(busybox, src / "bin" / "busybox")
  (src / "ganeti-chroot").write_text(INIT_SCRIPT)
  os.chmod(src / "ganeti-chroot", 0o755)
  image = tmp_path / "disk0.img"
  subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-d", str(src),
                  str(image), "16M"], check=True)
  dev = subprocess.run(["losetup", "-f", "--show", str(image)], check=True,
                       capture_output=True, text=True).stdout.strip()
  yield dev
  subprocess.run(["losetup", "-d", dev], check=False)


def _WaitFor(fn, timeout=10.0):
  deadline = time.monotonic() + timeout
  while not fn():
    if time.monotonic() > deadline:
      return False
    time.sleep(0.05)
  return True


@pytest.mark.root
def testRealStartStop(vnode, rootfs_disk):
  mgr = hv_chroot.ChrootManager()
  inst = _Instance()
  root_dir = os.path.join(mgr._RootDir(), "chr1")
  disk = objects.Disk(dev_type=constants.DT_BLOCK, mode="rw", size=16)
  try:
    mgr.StartInstance(inst, [(disk, rootfs_disk, None)], False)
    assert os.path.ismount(root_dir)
    assert mgr.ListInstances() == ["chr1"]
    assert mgr.GetInstanceInfo("chr1") == ("chr1", 0, 0, 0, "running", 0)
    marker = os.path.join(root_dir, "var", "marker")
    assert _WaitFor(lambda: os.path.exists(marker))
    with open(marker) as fh:
      assert fh.read().startswith("started ")
    with pytest.raises(errors.HypervisorError, match="still running"):
      mgr.CleanupInstance("chr1")
    mgr.StopInstance(inst)
    assert not os.path.ismount(root_dir)
    assert mgr.ListInstances() == []
    mgr.CleanupInstance("chr1")
    assert not os.path.exists(root_dir)
    # the stop script ran inside: mount again and look
    check = vnode.RUN_DIR + "/check"
    os.makedirs(check)
    subprocess.run(["mount", rootfs_disk, check], check=True)
    try:
      with open(os.path.join(check, "var", "marker")) as fh:
        assert fh.read().splitlines()[1] == "stopped"
    finally:
      subprocess.run(["umount", check], check=True)
  finally:
    if os.path.ismount(root_dir):
      mgr.StopInstance(inst, force=True)


@pytest.mark.root
def testRealStartScriptFailureUnmounts(vnode, rootfs_disk):
  mgr = hv_chroot.ChrootManager()
  inst = _Instance(script="/no-such-script")
  root_dir = os.path.join(mgr._RootDir(), "chr1")
  disk = objects.Disk(dev_type=constants.DT_BLOCK, mode="rw", size=16)
  with pytest.raises(errors.HypervisorError,
                     match="Can't run the chroot start script"):
    mgr.StartInstance(inst, [(disk, rootfs_disk, None)], False)
  assert not os.path.ismount(root_dir)
  assert mgr.ListInstances() == []
