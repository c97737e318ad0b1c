"""End to end: a kvm instance on a virtual cluster, through gnt-* commands.

``gnt-cluster init --enabled-hypervisors=kvm -H kvm:kvm_flag=disabled,...``
on a one-node virtual cluster; ``gnt-instance add`` of a diskless and a
file-disk instance booting the test guest (test/support/guest.py) under
software emulation; the marker on the node's serial console socket;
``gnt-instance list``, ``reboot``, ``shutdown`` (ACPI), ``startup``,
``remove``.
"""

import os
import shlex
import sys

import pytest

_SUPPORT = os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support")
sys.path.insert(0, _SUPPORT)
import guest  # noqa: E402
import kvm_vcluster  # noqa: E402
from serial import SerialReader  # noqa: E402

from ganeti import constants  # noqa: E402
from ganeti.hypervisor.hv_kvm import runtime  # noqa: E402

pytestmark = [pytest.mark.qemu, pytest.mark.slow, pytest.mark.cluster]

BOOT_TIMEOUT = 90


_KvmDirs = kvm_vcluster.KvmDirs


@pytest.fixture(scope="module")
def kvm_cluster(tmp_path_factory):
  with kvm_vcluster.Cluster(str(tmp_path_factory.mktemp("kvmc")), 1,
                            "kvm,fake", "quiet panic=-1") as cluster:
    yield cluster


def _Serial(cluster, name):
  return SerialReader(_KvmDirs(cluster).Ctrl(name, "serial"))


def _Status(cluster, name):
  out = cluster.Check("gnt-instance list --no-headers -o status %s" % name)
  return out.strip()


def test_diskless_lifecycle(kvm_cluster):
  c = kvm_cluster
  info = c.Check("gnt-cluster info")
  assert "Enabled hypervisors: kvm, fake" in info
  assert "    kvm_flag: disabled" in info
  c.Check("gnt-instance add -n node1 -t diskless -o noop --no-name-check"
          " --no-ip-check --no-nics --ignore-ipolicy --no-start kvm1")
  c.Check("gnt-instance startup kvm1")
  reader = _Serial(c, "kvm1")
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  assert _Status(c, "kvm1") == "running"
  out = c.Check("gnt-instance list --no-headers -o name,hypervisor,"
                "oper_state,oper_ram,oper_vcpus kvm1")
  assert out.split() == ["kvm1", "kvm", "Y", "128M", "1"]
  port = int(c.Check("gnt-instance list --no-headers -o network_port kvm1"))
  assert constants.FIRST_DRBD_PORT <= port <= constants.LAST_DRBD_PORT
  # the console is the node's serial socket (no ssh inside a virtual
  # cluster: every node is this machine)
  shown = c.Check("gnt-instance console --show-cmd kvm1")
  assert shown == shlex.join(
    ["/usr/bin/socat", "STDIO,raw,echo=0,escape=0x1d",
     "UNIX-CONNECT:%s" % _KvmDirs(c).Ctrl("kvm1", "serial")]) + "\n"

  c.Check("gnt-instance reboot kvm1")
  reader = _Serial(c, "kvm1")
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  assert _Status(c, "kvm1") == "running"

  c.Check("gnt-instance shutdown --timeout=60 kvm1")
  reader.WaitFor(guest.SHUTDOWN_MARKER, 10)
  assert _Status(c, "kvm1") == "ADMIN_down"
  dirs = _KvmDirs(c)
  assert dirs.List() == []
  assert not os.path.exists(dirs.RuntimeFile("kvm1"))
  c.Check("gnt-instance remove -f kvm1")


def test_file_disk_instance(kvm_cluster):
  c = kvm_cluster
  c.Check("gnt-instance add -n node1 -t file -s 1G --no-nics --ignore-ipolicy -o noop"
          " --no-name-check --no-ip-check --no-start"
          " -H kvm:disk_cache=writeback kvm2")
  c.Check("gnt-instance startup kvm2")
  reader = _Serial(c, "kvm2")
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  dirs = _KvmDirs(c)
  (_, _, _, disks) = runtime.LoadRuntime(runtime.ReadRuntime(dirs, "kvm2"))
  assert len(disks) == 1 and os.path.exists(disks[0][1])
  (_, pid, alive) = runtime.InstancePid(dirs, "kvm2")
  argv = runtime.ProcessCmdline(pid)
  assert any(a.startswith("file=%s,format=raw,if=none" % disks[0][1]) and
             a.endswith(",cache=writeback") for a in argv)
  c.Check("gnt-instance shutdown --timeout=60 kvm2")
  assert dirs.List() == []
  c.Check("gnt-instance remove -f kvm2")


def test_bad_hvparam_rejected(kvm_cluster):
  c = kvm_cluster
  result = c.Run("gnt-instance add -n node1 -t diskless -o noop"
                 " --no-name-check --no-ip-check --no-nics --ignore-ipolicy"
                 " -H kvm:no_such_param=1 kvm3")
  assert result.exit_code != 0
  assert "no_such_param" in result.stderr + result.stdout
  assert "kvm3" not in c.Check("gnt-instance list --no-headers -o name")


def test_bad_hvparam_value_rejected_on_the_node(kvm_cluster):
  c = kvm_cluster
  result = c.Run("gnt-instance add -n node1 -t diskless -o noop"
                 " --no-name-check --no-ip-check --no-nics --ignore-ipolicy"
                 " --no-start -H kvm:boot_order=cdrom kvm4")
  assert result.exit_code == 1
  assert ("Hypervisor parameter validation failed on node node1: Cannot"
          " boot from cdrom without an ISO path") in result.stderr
  assert "kvm4" not in c.Check("gnt-instance list --no-headers -o name")
  assert _KvmDirs(c).List() == []
  result = c.Run("gnt-cluster modify -H kvm:kernel_path=/nonexistent/vmlinuz")
  assert result.exit_code == 1
  assert ("Hypervisor parameter validation failed on node node1: Parameter"
          " 'kernel_path' fails validation") in result.stderr
  assert "/nonexistent/vmlinuz" not in c.Check("gnt-cluster info")


def _QmpBlockDevices(cluster, name):
  from ganeti.hypervisor.hv_kvm import qmp
  with qmp.QmpConnection(_KvmDirs(cluster).Ctrl(name, "qmp")) as conn:
    return [b.get("qdev") or b.get("device")
            for b in conn.Execute("query-block")]


def test_disk_hotplug(kvm_cluster):
  c = kvm_cluster
  c.Check("gnt-instance add -n node1 -t file -s 1G --no-nics"
          " --ignore-ipolicy -o noop --no-name-check --no-ip-check"
          " --no-start kvm5")
  c.Check("gnt-instance startup kvm5")
  reader = _Serial(c, "kvm5")
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  before = _QmpBlockDevices(c, "kvm5")
  out = c.Check("gnt-instance modify --hotplug --ignore-ipolicy --disk add:size=1G kvm5")
  assert " - disk/1 -> add:size=1024,mode=rw" in out
  assert " - disk/1 -> hotplug:done" in out
  after = _QmpBlockDevices(c, "kvm5")
  assert len(after) == len(before) + 1
  new = set(after) - set(before)
  assert len(new) == 1 and "disk-" in (list(new)[0] or ""), after
  # and out again, without stopping the instance
  out = c.Check("gnt-instance modify --hotplug --ignore-ipolicy --disk remove kvm5")
  assert " - disk/1 -> hotplug:done" in out
  assert len(_QmpBlockDevices(c, "kvm5")) == len(before)
  assert _Status(c, "kvm5") == "running"
  c.Check("gnt-instance shutdown --timeout=60 kvm5")
  c.Check("gnt-instance remove -f kvm5")
