"""The LXC driver running real containers from a busybox root file system.

Needs root, LXC and a static busybox (Debian packages lxc, busybox-static);
skipped with the reason otherwise.  The NIC test puts the container's veth
on a bridge inside a network namespace of its own (198.51.100.0/24); as
LXC's command socket is private to a network namespace, the driver's runner
then runs every lxc-* command inside that namespace.
"""

import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import lxc_rootfs  # noqa: E402

from ganeti import constants  # noqa: E402
from ganeti import errors  # noqa: E402
from ganeti import objects  # noqa: E402
from ganeti.hypervisor import hv_lxc  # noqa: E402
from ganeti.utils import process  # noqa: E402

pytestmark = [pytest.mark.root, pytest.mark.slow]

_MISSING = lxc_rootfs.MissingForContainers()


@pytest.fixture(autouse=True)
def _need_lxc():
  if _MISSING:
    pytest.skip("real LXC containers: %s" % _MISSING)


def _WaitFor(fn, timeout=20.0, what="condition"):
  deadline = time.monotonic() + timeout
  while True:
    value = fn()
    if value:
      return value
    if time.monotonic() > deadline:
      raise AssertionError("timed out waiting for %s" % what)
    time.sleep(0.05)


def _ReadMarker(path):
  try:
    with open(path) as fh:
      return fh.read().splitlines()
  except FileNotFoundError:
    return []


def _Instance(name, nics=None):
  hvparams = dict(constants.HVC_DEFAULTS[constants.HT_LXC])
  # busybox needs sys_boot to reboot
  hvparams["drop_capabilities"] = "mac_override,sys_module,sys_time"
  hvparams["startup_timeout"] = 20
  return objects.Instance(name=name, uuid="uuid-%d" % os.getpid(),
                          hvparams=hvparams,
                          beparams={constants.BE_MAXMEM: 64,
                                    constants.BE_VCPUS: 1},
                          nics=nics or [], hypervisor=constants.HT_LXC)


def _Mounted(path):
  with open("/proc/mounts") as fh:
    return any(line.split()[1] == path for line in fh)


def _Alive(pid):
  return os.path.exists("/proc/%d" % pid)


def _NoLeftovers(hv, name, pid, mountpoint=None):
  assert hv.ListInstances() == []
  _WaitFor(lambda: not _Alive(pid), what="container init to exit")
  if mountpoint:
    assert not _Mounted(mountpoint)
    assert not os.path.exists(mountpoint)
  assert not os.path.exists(os.path.join(hv.LxcPath(), name, "stash"))


def _LoopsOf(image):
  out = subprocess.run(["losetup", "-j", image], capture_output=True,
                       text=True, check=True).stdout
  return out.strip()


@pytest.fixture
def hv_dirs(tmp_path):
  return {"run_dir": str(tmp_path / "run"), "log_dir": str(tmp_path / "log")}


def testDirectoryRootfs(tmp_path, hv_dirs):
  name = "lxcdir%d" % os.getpid()
  root = lxc_rootfs.MakeRootfs(str(tmp_path / "rootfs"))
  marker = os.path.join(root, "tmp", "marker")
  hv = hv_lxc.LXCHypervisor(**hv_dirs)
  assert hv.Verify() is None
  inst = _Instance(name)
  hv.StartInstance(inst, [(objects.Disk(mode="rw"), root, None)], False)
  try:
    assert hv.ListInstances() == [name]
    lines = _WaitFor(lambda: _ReadMarker(marker), what="boot marker")
    assert lines == ["UP %s none" % name]
    info = hv.GetInstanceInfo(name)
    (iname, pid, memory, vcpus, state, _) = info
    assert (iname, memory, state) == (name, 64, "running")
    assert vcpus >= 1 and _Alive(pid)
    assert [i[:5] for i in hv.GetAllInstancesInfo()] == [info[:5]]
    hv.RebootInstance(inst)
    _WaitFor(lambda: len(_ReadMarker(marker)) == 2, what="second boot")
    new_pid = _WaitFor(lambda: (hv.GetInstanceInfo(name) or [0, 0])[1],
                       what="info after reboot")
    assert new_pid != pid
    # already running: a second start fails and changes nothing
    with pytest.raises(errors.HypervisorError, match="already running"):
      hv.StartInstance(inst, [(objects.Disk(mode="rw"), root, None)], False)
    assert hv.ListInstances() == [name]
  finally:
    hv.StopInstance(inst, timeout=20)
  _NoLeftovers(hv, name, new_pid)
  with open(os.path.join(hv.LxcPath(), name, "console.log")) as fh:
    assert "CONTAINER-DOWN" in fh.read()


# Run "$@" with the network namespace's own /sys (LXC looks bridges up in
# /sys/class/net) but the host's cgroup file systems (it sets the limits
# there), as "ip netns exec" would do without hiding /sys/fs/cgroup.
_NETNS_SYSFS = """
set -e
tmp=$1; shift
mount --rbind /sys/fs/cgroup "$tmp"
mount -t sysfs sysfs /sys
mount --rbind "$tmp" /sys/fs/cgroup
exec "$@"
"""


def testImageRootfsWithNic(tmp_path, hv_dirs):
  name = "lxcimg%d" % os.getpid()
  netns = "pgt-lxc-%d" % os.getpid()
  boot = ("ip addr add 198.51.100.20/24 dev eth0\n"
          "if ping -c1 -W5 198.51.100.1 >/dev/null 2>&1;"
          " then echo PING-OK >> /tmp/marker;"
          " else echo PING-FAIL >> /tmp/marker; fi\n")
  root = lxc_rootfs.MakeRootfs(str(tmp_path / "rootfs"), boot_script=boot)
  try:
    image = lxc_rootfs.MakeImage(str(tmp_path / "disk0"), root)
  except (RuntimeError, FileNotFoundError) as err:
    pytest.skip("can't build an ext2 image: %s" % err)
  subprocess.run(["ip", "netns", "add", netns], check=True)
  try:
    for argv in (["link", "set", "lo", "up"],
                 ["link", "add", "br0", "type", "bridge"],
                 ["addr", "add", "198.51.100.1/24", "dev", "br0"],
                 ["link", "set", "br0", "up"]):
      subprocess.run(["ip", "-n", netns] + argv, check=True)

    cgroups = str(tmp_path / "cgroups")
    os.mkdir(cgroups)

    def runner(argv, timeout=None):
      if argv[0].startswith("lxc-"):
        argv = ["nsenter", "--net=/run/netns/%s" % netns,
                "unshare", "--mount", "--propagation", "slave",
                "sh", "-c", _NETNS_SYSFS, "sh", cgroups] + list(argv)
      return process.RunCmd(argv, timeout=timeout)

    hv = hv_lxc.LXCHypervisor(runner=runner, **hv_dirs)
    mac = "aa:00:00:5e:00:14"
    nic = objects.NIC(mac=mac, nicparams={constants.NIC_MODE: "bridged",
                                          constants.NIC_LINK: "br0"})
    inst = _Instance(name, nics=[nic])
    hv.StartInstance(inst, [(objects.Disk(mode="rw"), image, None)], False)
    mountpoint = os.path.join(hv.LxcPath(), name, "rootfs")
    try:
      assert _Mounted(mountpoint)
      assert _LoopsOf(image)
      marker = os.path.join(mountpoint, "tmp", "marker")
      lines = _WaitFor(lambda: len(_ReadMarker(marker)) >= 2 and
                       _ReadMarker(marker), what="boot marker and ping")
      assert lines == ["UP %s %s" % (name, mac), "PING-OK"]
      pid = hv.GetInstanceInfo(name)[1]
    finally:
      hv.StopInstance(inst, timeout=20)
    _NoLeftovers(hv, name, pid, mountpoint)
    assert _LoopsOf(image) == ""
    links = subprocess.run(["ip", "-n", netns, "-o", "link"],
                           capture_output=True, text=True,
                           check=True).stdout
    assert "veth" not in links
  finally:
    subprocess.run(["ip", "netns", "del", netns])


def testStartupFailureCleansUp(tmp_path, hv_dirs):
  name = "lxcbad%d" % os.getpid()
  root = lxc_rootfs.MakeRootfs(str(tmp_path / "rootfs"))
  image = str(tmp_path / "disk0")
  try:
    lxc_rootfs.MakeImage(image, root)
  except (RuntimeError, FileNotFoundError) as err:
    pytest.skip("can't build an ext2 image: %s" % err)
  hv = hv_lxc.LXCHypervisor(**hv_dirs)
  # a bridge that does not exist: lxc-start fails to set up the NIC
  nic = objects.NIC(mac="aa:00:00:5e:00:15",
                    nicparams={constants.NIC_MODE: "bridged",
                               constants.NIC_LINK: "pgt-nobr0"})
  with pytest.raises(errors.HypervisorError, match="Failed to start"):
    hv.StartInstance(_Instance(name, nics=[nic]),
                     [(objects.Disk(mode="rw"), image, None)], False)
  mountpoint = os.path.join(hv.LxcPath(), name, "rootfs")
  assert hv.ListInstances() == []
  assert not _Mounted(mountpoint)
  assert _LoopsOf(image) == ""
  assert not os.path.exists(os.path.join(hv.LxcPath(), name, "stash"))


def testPartitionedImage(tmp_path, hv_dirs):
  """A disk with a partition table: its first partition is the root."""
  name = "lxcpart%d" % os.getpid()
  root = lxc_rootfs.MakeRootfs(str(tmp_path / "rootfs"))
  image = str(tmp_path / "disk0")
  try:
    lxc_rootfs.MakeImage(image, root, partitioned=True)
  except (RuntimeError, FileNotFoundError) as err:
    pytest.skip("can't build a partitioned image: %s" % err)
  hv = hv_lxc.LXCHypervisor(**hv_dirs)
  inst = _Instance(name)
  hv.StartInstance(inst, [(objects.Disk(mode="rw"), image, None)], False)
  mountpoint = os.path.join(hv.LxcPath(), name, "rootfs")
  try:
    marker = os.path.join(mountpoint, "tmp", "marker")
    assert _WaitFor(lambda: _ReadMarker(marker), what="boot marker") == [
      "UP %s none" % name]
    pid = hv.GetInstanceInfo(name)[1]
  finally:
    hv.StopInstance(inst, timeout=20)
  _NoLeftovers(hv, name, pid, mountpoint)
  assert _LoopsOf(image) == ""
