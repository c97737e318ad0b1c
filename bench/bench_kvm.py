#!/usr/bin/env python3
"""KVM: boot time of a real guest and the manager's share of a live
migration, on a private 2-node virtual cluster.

Usage: bench/bench_kvm.py [--boots N] [--migrations M] [--target SECONDS]

(a) ``gnt-instance startup`` of a diskless kvm instance running the test
guest (test/support/guest.py, software emulation): the time from the
command's start to the guest's boot marker on the node's serial console,
N times (``gnt-instance shutdown --timeout=0`` between runs).

(b) ``gnt-instance migrate -f -n <other node>`` M times back and forth:
the command's wall time against qemu's own figure for the same migration
(QMP ``query-migrate`` ``total-time`` on the source, polled on short
connections while the command runs); the difference is the manager's
overhead (jobs, RPCs, the target's qemu start, the master's status poll
interval and the finalization).

Exit code 0 when the median overhead met the target, 2 when it did not,
1 when a check failed; 0 with a "SKIP" line when qemu or the guest's
ingredients are missing.
"""

import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402
import guest  # noqa: E402  (test/support/guest.py)
from serial import SerialReader  # noqa: E402  (test/support/serial.py)

from ganeti.hypervisor.hv_kvm import qmp  # noqa: E402
from ganeti.hypervisor.hv_kvm import runtime  # noqa: E402

NAME = "kvmbench1"
BOOT_TIMEOUT = 120


def _Dirs(cluster, node):
  return runtime.RuntimeDirs(os.path.join(
    cluster.NodeRoot(node), "var/run/ganeti/kvm-hypervisor"))


def _Where(cluster):
  return cluster.Check("gnt-instance list --no-headers -o pnode,status %s" %
                       NAME).split()


def _Boot(cluster):
  """One startup; (seconds to the marker, seconds of the command)."""
  serial = _Dirs(cluster, "node1").Ctrl(NAME, "serial")
  if os.path.exists(serial):
    raise RuntimeError("%s exists before the start" % serial)
  start = time.monotonic()
  proc = subprocess.Popen(["bash", "-c", "gnt-instance startup %s" % NAME],
                          env=cluster.Env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
  ended = {}

  def _Wait():
    ended["out"] = proc.communicate()[0]
    ended["at"] = time.monotonic()
  waiter = threading.Thread(target=_Wait, daemon=True)
  waiter.start()
  reader = SerialReader(serial, connect_timeout=60)
  reader.WaitFor(guest.MARKER, BOOT_TIMEOUT)
  booted = time.monotonic() - start
  waiter.join(120)
  if "at" not in ended:
    raise RuntimeError("gnt-instance startup did not end")
  out = ended["out"]
  command = ended["at"] - start
  if proc.returncode != 0:
    raise RuntimeError("gnt-instance startup failed: %s" % out)
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  return (booted, command)


class _QmpWatcher(threading.Thread):
  """Polls query-migrate on one QMP socket until it disappears or stop()."""

  def __init__(self, path):
    threading.Thread.__init__(self, daemon=True)
    self.path = path
    self.last = None
    self._done = threading.Event()

  def stop(self):
    self._done.set()

  def run(self):
    while not self._done.is_set():
      try:
        with qmp.QmpConnection(self.path, timeout=5) as conn:
          info = conn.Execute("query-migrate")
      except (qmp.QmpError, OSError):
        if not os.path.exists(self.path):
          return
        info = None
      if info and info.get("status"):
        self.last = info
      self._done.wait(0.02)


def _Migrate(cluster, source, target):
  """One migration; (command seconds, qemu's total-time in seconds)."""
  watcher = _QmpWatcher(_Dirs(cluster, source).Ctrl(NAME, "qmp"))
  start = time.monotonic()
  watcher.start()
  result = cluster.Run("gnt-instance migrate -f -n %s %s" % (target, NAME))
  wall = time.monotonic() - start
  watcher.stop()
  watcher.join(10)
  if result.exit_code != 0:
    raise RuntimeError("gnt-instance migrate failed: %r" % result)
  if _Where(cluster) != [target, "running"]:
    raise RuntimeError("After migration: %s" % _Where(cluster))
  info = watcher.last or {}
  if info.get("status") != "completed" or "total-time" not in info:
    raise RuntimeError("qemu's completed migration was not seen: %r" % info)
  return (wall, info["total-time"] / 1000.0)


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--boots", type=int, default=5)
  parser.add_argument("--migrations", type=int, default=4)
  parser.add_argument("--target", type=float, default=2.0,
                      help="the migration overhead to stay below (s)")
  parser.add_argument("--keep", action="store_true",
                      help="keep the cluster directory")
  opts = parser.parse_args()
  reason = guest.Available()
  if reason:
    print("SKIP: %s" % reason)
    return 0
  (kernel, initrd) = guest.Guest()
  hvparams = ("kvm:kvm_flag=disabled,kernel_path=%s,initrd_path=%s,"
              "root_path=,kernel_args=quiet panic=-1" % (kernel, initrd))
  with common.Cluster(nodes=2, keep=opts.keep,
                      init_args=["--enabled-hypervisors=kvm",
                                 "-H", hvparams]) as cluster:
    try:
      return _Run(cluster, opts)
    finally:
      cluster.Run("gnt-instance shutdown --timeout=0 %s" % NAME)
      for node in cluster.nodes:
        dirs = _Dirs(cluster, node)
        for name in dirs.List():
          (_, pid, alive) = runtime.InstancePid(dirs, name)
          if alive:
            runtime.KillProcess(pid)


def _Run(cluster, opts):
  cluster.Check("gnt-instance add -n node1 -t diskless -o noop"
                " --no-name-check --no-ip-check --no-nics --ignore-ipolicy"
                " --no-start %s" % NAME)
  boots = []
  for run in range(opts.boots):
    (booted, command) = _Boot(cluster)
    print("boot %d: marker after %.2f s (startup command %.2f s)" %
          (run + 1, booted, command))
    boots.append(booted)
    if run + 1 < opts.boots:
      cluster.Check("gnt-instance shutdown --timeout=0 %s" % NAME)
      if _Dirs(cluster, "node1").List():
        print("CHECK FAILED: qemu still running after shutdown")
        return 1
  (best, median) = common.Stats(boots)
  print("startup -> boot marker: best %.2f s, median %.2f s (%d runs)" %
        (best, median, len(boots)))

  walls = []
  qemus = []
  where = "node1"
  for run in range(opts.migrations):
    other = "node2" if where == "node1" else "node1"
    (wall, qemu) = _Migrate(cluster, where, other)
    if _Dirs(cluster, where).List():
      print("CHECK FAILED: qemu still on %s after migration" % where)
      return 1
    print("migration %d %s -> %s: command %.2f s, qemu %.2f s,"
          " overhead %.2f s" % (run + 1, where, other, wall, qemu,
                                wall - qemu))
    walls.append(wall)
    qemus.append(qemu)
    where = other
  overheads = [w - q for (w, q) in zip(walls, qemus)]
  print("migrate: command median %.2f s, qemu total-time median %.2f s,"
        " manager overhead median %.2f s (best %.2f s)" %
        (common.Stats(walls)[1], common.Stats(qemus)[1],
         common.Stats(overheads)[1], common.Stats(overheads)[0]))
  if common.Stats(overheads)[1] > opts.target:
    print("TARGET MISSED: overhead above %.2f s" % opts.target)
    return 2
  return 0


if __name__ == "__main__":
  sys.exit(main())
