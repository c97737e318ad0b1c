"""Runtime directories, the runtime file and pid checks of kvm instances."""

import os
import subprocess
import sys
import time

import pytest

from ganeti import errors
from ganeti import objects
from ganeti.hypervisor.hv_kvm import runtime

import kvm_testlib as T

pytestmark = pytest.mark.unit


def test_upstream_runtime_file():
  (cmd, nics, hvp, disks) = runtime.LoadRuntime(
    T.ReadData("kvm_runtime.json"))
  assert cmd[:3] == ["/usr/bin/kvm", "-name", "xen-test-inst2"]
  assert cmd[4] == 1024  # Ganeti wrote -m as a number
  assert [n.mac for n in nics] == ["aa:00:00:bf:2f:16"]
  assert nics[0].nicparams == {"link": "br0", "mode": "bridged"}
  assert hvp["kvm_path"] == "/usr/bin/kvm"
  assert len(disks) == 2
  (disk, link, uri) = disks[0]
  assert isinstance(disk, objects.Disk)
  assert disk.iv_name == "disk/0" and disk.size == 1024
  assert link == "/var/run/ganeti/instance-disks/xen-test-inst2:0"
  assert uri == "rbd://123451214123/"
  assert disks[1][2] is None


def test_round_trip():
  nic = T.Nic()
  disk = T.Disk()
  hvp = T.HvParams(kernel_path="/k")
  text = runtime.SerializeRuntime(["/usr/bin/kvm", "-name", "x"], [nic],
                                  hvp, [(disk, "/dev/loop0", None)])
  (cmd, nics, hvp2, disks) = runtime.LoadRuntime(text)
  assert cmd == ["/usr/bin/kvm", "-name", "x"]
  assert nics[0].ToDict() == nic.ToDict()
  assert hvp2 == hvp
  assert disks[0][0].ToDict() == disk.ToDict()
  assert disks[0][1:] == ("/dev/loop0", None)


def test_old_runtime_without_disks():
  (_, _, _, disks) = runtime.LoadRuntime('[["kvm"], [], {}]')
  assert disks == []


@pytest.mark.parametrize("text", ["not json", "{}", "[1, 2]",
                                  "[1, 2, 3, 4, 5]"])
def test_bad_runtime(text):
  with pytest.raises(errors.HypervisorError, match="runtime file"):
    runtime.LoadRuntime(text)


def test_dirs_layout_and_cleanup(tmp_path):
  dirs = runtime.RuntimeDirs(str(tmp_path / "kvm"))
  dirs.Ensure()
  for sub in ("pid", "uid", "ctrl", "conf", "nic", "keymap", "chroot",
              "chroot-quarantine"):
    assert (tmp_path / "kvm" / sub).is_dir()
  name = "i1"
  assert dirs.Ctrl(name, "qmp") == str(tmp_path / "kvm/ctrl/i1.qmp")
  assert dirs.RuntimeFile(name) == str(tmp_path / "kvm/conf/i1.runtime")
  for path in (dirs.PidFile(name), dirs.RuntimeFile(name),
               dirs.Ctrl(name, "serial"), dirs.Ctrl(name, "qmp")):
    open(path, "w").close()
  os.makedirs(dirs.NicDir(name))
  open(os.path.join(dirs.NicDir(name), "0"), "w").close()
  os.makedirs(os.path.join(dirs.ChrootDir(name), "leftover"))
  assert dirs.List() == [name]
  dirs.Cleanup(name)
  assert dirs.List() == []
  assert os.listdir(dirs.ctrl_dir) == []
  assert not os.path.exists(dirs.NicDir(name))
  assert not os.path.exists(dirs.ChrootDir(name))
  assert os.path.isdir(os.path.join(dirs.chroot_quarantine_dir, name,
                                    "leftover"))
  with pytest.raises(errors.HypervisorError):
    dirs.PidFile("../etc")


def test_instance_pid(tmp_path):
  dirs = runtime.RuntimeDirs(str(tmp_path))
  dirs.Ensure()
  assert runtime.InstancePid(dirs, "i1") == (dirs.PidFile("i1"), None, False)
  # a process whose argv carries "-name i1" is the instance
  proc = subprocess.Popen([sys.executable, "-c",
                           "import sys; sys.stdin.read()", "-name", "i1"],
                          stdin=subprocess.PIPE)
  try:
    # until the child has exec'ed, its argv is still ours
    deadline = time.monotonic() + 10
    while b"-name" not in open("/proc/%d/cmdline" % proc.pid, "rb").read():
      assert time.monotonic() < deadline, "child did not start"
      time.sleep(0.01)
    with open(dirs.PidFile("i1"), "w") as fh:
      fh.write("%d\n" % proc.pid)
    assert runtime.InstancePid(dirs, "i1") == (dirs.PidFile("i1"),
                                               proc.pid, True)
    # the same pid claimed by another instance's pid file
    with open(dirs.PidFile("i2"), "w") as fh:
      fh.write("%d\n" % proc.pid)
    with pytest.raises(errors.HypervisorError, match="i1"):
      runtime.InstancePid(dirs, "i2")
  finally:
    proc.stdin.close()
    proc.wait()
  assert runtime.InstancePid(dirs, "i1")[2] is False
  # our own process has no -name: not an instance
  with open(dirs.PidFile("i3"), "w") as fh:
    fh.write("%d" % os.getpid())
  assert runtime.InstancePid(dirs, "i3")[2] is False
