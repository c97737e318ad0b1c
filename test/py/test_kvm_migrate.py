"""End to end: live migration and failover of a real kvm guest between the
two nodes of a virtual cluster, through gnt-instance.

The instance (diskless, or with a sharedfile disk: the virtual nodes share
one directory for those) boots the test guest (test/support/guest.py) with
``tick=1``: its init prints its uptime on the serial console every second.
``gnt-instance migrate -f -n node2`` (live, and ``--non-live``) must move
the running guest: the console on node2 goes on counting from where node1
stopped, no second boot marker appears, and node1's qemu process is gone.
A target that cannot listen fails the job and leaves the guest running. ``gnt-instance failover
-f -n node1`` then shuts the guest down and boots it again on node1 (a new
boot marker, the uptime starts over).
"""

import os
import re
import socket
import sys

import pytest

_SUPPORT = os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support")
sys.path.insert(0, _SUPPORT)
import guest  # noqa: E402
import kvm_vcluster  # noqa: E402
import vcluster  # noqa: E402
from serial import SerialReader  # noqa: E402

from ganeti import constants  # noqa: E402
from ganeti.hypervisor.hv_kvm import runtime  # noqa: E402

pytestmark = [pytest.mark.qemu, pytest.mark.slow, pytest.mark.cluster]

BOOT_TIMEOUT = 90
_TICK_RE = re.compile(re.escape(guest.TICK_MARKER) + r" uptime=([0-9.]+)")


_KvmDirs = kvm_vcluster.KvmDirs


@pytest.fixture(scope="module")
def kvm2(tmp_path_factory):
  with kvm_vcluster.Cluster(str(tmp_path_factory.mktemp("kvmm")), 2,
                            "kvm", "quiet panic=-1 tick=1") as cluster:
    yield cluster


def _Ticks(text, start=0):
  return [float(m.group(1)) for m in _TICK_RE.finditer(text, start)]


def _WaitTickAfter(reader, timeout=60):
  """Wait for a complete tick line on ``reader``; return its uptime."""
  vcluster.WaitFor(lambda: _Ticks(reader.text), timeout=timeout,
                   what="a tick on %s" % reader.path)
  return _Ticks(reader.text)[0]


def _Gone(pid):
  """True once ``pid`` has exited and been reaped."""
  return not os.path.exists("/proc/%d" % pid)


def _Where(cluster, name):
  return cluster.Check("gnt-instance list --no-headers -o pnode,status %s" %
                       name).split()


def _DiskFiles(cluster, node, name):
  """The disk files in the runtime file and the qemu command line."""
  dirs = _KvmDirs(cluster, node)
  (_, _, _, disks) = runtime.LoadRuntime(runtime.ReadRuntime(dirs, name))
  (_, pid, _) = runtime.InstancePid(dirs, name)
  argv = runtime.ProcessCmdline(pid)
  return ([d[1] for d in disks],
          [a.split(",")[0][len("file="):] for a in argv
           if a.startswith("file=")])


@pytest.mark.parametrize("template,mode", [
  ("diskless", ""), ("sharedfile", ""), ("diskless", "--non-live")])
def test_migrate_and_failover(kvm2, template, mode):
  c = kvm2
  c.Check("gnt-cluster modify --enabled-disk-templates diskless,sharedfile")
  disks = "-s 1G" if template == "sharedfile" else ""
  c.Check("gnt-instance add -n node1 -t %s %s -o noop --no-name-check"
          " --no-ip-check --no-nics --ignore-ipolicy --no-start mig1" %
          (template, disks))
  c.Check("gnt-instance startup mig1")
  reader1 = SerialReader(_KvmDirs(c, "node1").Ctrl("mig1", "serial"))
  reader1.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  reader1.WaitFor(guest.TICK_MARKER, 30)
  (_, src_pid, alive) = runtime.InstancePid(_KvmDirs(c, "node1"), "mig1")
  assert alive
  src_disks = _DiskFiles(c, "node1", "mig1")

  c.Check("gnt-instance migrate -f %s -n node2 mig1" % mode)
  assert _Where(c, "mig1") == ["node2", "running"]
  before = max(_Ticks(reader1.text))
  # the source qemu is gone: its console closed, its pid and files too
  vcluster.WaitFor(lambda: not runtime.InstancePid(
    _KvmDirs(c, "node1"), "mig1")[2], timeout=30, what="source qemu exit")
  assert _KvmDirs(c, "node1").List() == []
  vcluster.WaitFor(lambda: _Gone(src_pid), timeout=30,
                   what="source qemu pid %d gone" % src_pid)
  (_, dst_pid, alive) = runtime.InstancePid(_KvmDirs(c, "node2"), "mig1")
  assert alive and dst_pid != src_pid
  # the target opened the same shared files (as the target node sees them)
  assert _DiskFiles(c, "node2", "mig1") == src_disks
  assert len(src_disks[0]) == (1 if template == "sharedfile" else 0)
  assert src_disks[0] == src_disks[1]

  # the same guest on node2: it counts on, it did not boot again
  reader2 = SerialReader(_KvmDirs(c, "node2").Ctrl("mig1", "serial"))
  after = _WaitTickAfter(reader2)
  assert after >= before
  assert guest.MARKER not in reader2.text
  out = c.Check("gnt-instance list --no-headers -o oper_state,oper_ram mig1")
  assert out.split() == ["Y", "128M"]

  # failover back: a shutdown and a fresh boot on node1
  c.Check("gnt-instance failover -f -n node1 mig1")
  assert _Where(c, "mig1") == ["node1", "running"]
  assert _KvmDirs(c, "node2").List() == []
  reader3 = SerialReader(_KvmDirs(c, "node1").Ctrl("mig1", "serial"))
  reader3.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  first = _WaitTickAfter(reader3)
  assert first < max(_Ticks(reader2.text))
  assert guest.MARKER in reader3.text

  c.Check("gnt-instance shutdown --timeout=60 mig1")
  assert _KvmDirs(c, "node1").List() == []
  c.Check("gnt-instance remove -f mig1")


def test_migrate_target_port_busy(kvm2):
  """A target that cannot listen: the job fails, the guest runs on."""
  c = kvm2
  c.Check("gnt-instance add -n node1 -t diskless -o noop --no-name-check"
          " --no-ip-check --no-nics --ignore-ipolicy --no-start mig2")
  c.Check("gnt-instance startup mig2")
  reader = SerialReader(_KvmDirs(c, "node1").Ctrl("mig2", "serial"))
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  (_, src_pid, _) = runtime.InstancePid(_KvmDirs(c, "node1"), "mig2")
  ip = c.Check("gnt-node list --no-headers -o pip node2").strip()
  # a cluster-wide parameter (no hv/ field): the default
  port = constants.HVC_DEFAULTS[constants.HT_KVM][constants.HV_MIGRATION_PORT]
  busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  try:
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind((ip, port))
    busy.listen(1)
    result = c.Run("gnt-instance migrate -f -n node2 mig2")
  finally:
    busy.close()
  assert result.exit_code == 1, result
  assert "Could not pre-migrate instance mig2" in result.stderr
  assert "Address already in use" in result.stderr
  assert "Pre-migration failed, aborting" in result.stdout
  assert _Where(c, "mig2") == ["node1", "running"]
  assert _KvmDirs(c, "node2").List() == []
  assert runtime.InstancePid(_KvmDirs(c, "node1"), "mig2")[1:] == \
    (src_pid, True)
  # still the same guest, still running (it counts on)
  seen = len(reader.text)
  vcluster.WaitFor(lambda: _Ticks(reader.text, seen), timeout=30,
                   what="a tick after the failed migration")
  c.Check("gnt-instance shutdown --timeout=60 mig2")
  c.Check("gnt-instance remove -f mig2")
