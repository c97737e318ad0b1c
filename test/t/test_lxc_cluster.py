"""End to end: an LXC instance on a real virtual cluster.

The test OS definition ``lxc-busybox`` (test/support/os) writes an ext2
file system with a busybox system into the instance's file disk; the node
daemon's LXC driver loop-mounts it and starts a real container.  Needs
root, LXC, a static busybox and mke2fs; skipped with the reason otherwise.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import lxc_rootfs  # noqa: E402
import vcluster  # noqa: E402

pytestmark = [pytest.mark.cluster, pytest.mark.root, pytest.mark.slow]

OS_DIR = os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support", "os", "lxc-busybox")


def _Missing():
  missing = lxc_rootfs.MissingForContainers()
  if missing:
    return missing
  if not shutil.which("mke2fs"):
    return "mke2fs is not installed (Debian package e2fsprogs)"
  return None


@pytest.fixture
def lxc_cluster():
  missing = _Missing()
  if missing:
    pytest.skip("LXC instances on a virtual cluster: %s" % missing)
  tmp = tempfile.mkdtemp(prefix="pyganeti-lxc-")
  cluster = vcluster.VirtualCluster(os.path.join(tmp, "vc"), nodes=1)
  cluster.Start()
  try:
    os_dir = os.path.join(cluster.NodeRoot(), "srv", "ganeti", "os")
    os.makedirs(os_dir, exist_ok=True)
    os.symlink(OS_DIR, os.path.join(os_dir, "lxc-busybox"))
    yield cluster
  finally:
    cluster.Run("gnt-instance remove -f lxc1")
    cluster.Stop()
    shutil.rmtree(tmp, ignore_errors=True)


def _Marker(cluster):
  path = os.path.join(cluster.NodeRoot(), "var", "run", "ganeti", "lxc",
                      "instance", "lxc1", "rootfs", "tmp", "marker")
  try:
    with open(path) as fh:
      return fh.read().splitlines()
  except FileNotFoundError:
    return []


def _Mounts(cluster):
  with open("/proc/mounts") as fh:
    return [line for line in fh if cluster.basedir in line]


def _Status(cluster):
  return cluster.Check("gnt-instance list --no-headers -o status lxc1"
                       ).strip()


def testLxcInstanceLifecycle(lxc_cluster):
  cluster = lxc_cluster
  cluster.Check("gnt-cluster modify --enabled-hypervisors fake,lxc")
  assert "lxc-busybox" in cluster.Check("gnt-os list --no-headers").split()
  cluster.Check("gnt-instance add -t file -s 64M --ignore-ipolicy -n node1"
                " -o lxc-busybox -H lxc:drop_capabilities=sys_module"
                " --no-nics --no-name-check --no-ip-check lxc1")
  assert _Status(cluster) == "running"
  assert vcluster.WaitFor(lambda: _Marker(cluster), what="boot marker") == \
    ["UP lxc1"]
  lxcpath = os.path.join(cluster.NodeRoot(), "var", "run", "ganeti", "lxc",
                         "instance")
  running = subprocess.run(["lxc-ls", "-P", lxcpath, "--running"],
                           capture_output=True, text=True, check=True)
  assert running.stdout.split() == ["lxc1"]
  fields = cluster.Check("gnt-instance list --no-headers -o"
                         " oper_state,oper_ram,hypervisor lxc1").split()
  assert fields == ["Y", "128M", "lxc"]

  # the console: lxc-console on the primary node, with its LXC path
  console = cluster.Check("gnt-instance console --show-cmd lxc1")
  assert "lxc-console -P %s -n lxc1" % lxcpath in console

  cluster.Check("gnt-instance reboot lxc1")
  vcluster.WaitFor(lambda: len(_Marker(cluster)) == 2, what="second boot")
  assert _Status(cluster) == "running"

  cluster.Check("gnt-instance shutdown lxc1")
  assert _Status(cluster) == "ADMIN_down"
  running = subprocess.run(["lxc-ls", "-P", lxcpath, "--running"],
                           capture_output=True, text=True, check=True)
  assert running.stdout.split() == []
  assert _Mounts(cluster) == []
  loops = subprocess.run(["losetup", "-a"], capture_output=True, text=True,
                         check=True).stdout
  assert cluster.basedir not in loops

  # again, and remove it while it runs
  cluster.Check("gnt-instance startup lxc1")
  assert _Status(cluster) == "running"
  cluster.Check("gnt-instance remove -f lxc1")
  assert cluster.Check("gnt-instance list --no-headers -o name") == ""
  assert _Mounts(cluster) == []
