"""The node-VM cluster: one per test session, shared by every test here.

Skipped (with the reason) where qemu, root or network namespaces are
missing; everywhere else it runs, CI included.  The timings of the image
build, the guests' boot and the cluster's formation are printed in the
terminal summary.  After a failure the work directory (guest consoles,
the master's logs, the guests' node daemon logs) is kept, and named there.
"""

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

from nodevm import cluster as nv_cluster  # noqa: E402

_TIMINGS = {}
_FAILED = []
_KEPT = []


@pytest.fixture(scope="session")
def nodevm_cluster():
  """A master on the host and two guest nodes (node2, node3) with VG xenvg."""
  reason = nv_cluster.MissingRequirements()
  if reason:
    pytest.skip("node VMs can't run here: %s" % reason)
  keep = bool(os.environ.get("PYGANETI_NODEVM_KEEP"))
  cluster = nv_cluster.NodeVmCluster(keep=keep)
  start = time.monotonic()
  cluster.Start()
  _TIMINGS.update(cluster.timings)
  _TIMINGS["cluster_ready"] = time.monotonic() - start
  try:
    yield cluster
  finally:
    if _FAILED:
      # keep the consoles, the master's and the guests' logs
      cluster.keep = True
      _KEPT.append(cluster.CollectLogs())
    stop = time.monotonic()
    cluster.Stop()
    if _KEPT:
      # the logs are what matters; the disks are large
      for vm in cluster.vms.values():
        for path in (vm.root_disk, vm.pv_disk):
          if os.path.exists(path):
            os.unlink(path)
    _TIMINGS["stop"] = time.monotonic() - stop
    _TIMINGS["session_total"] = time.monotonic() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
  outcome = yield
  report = outcome.get_result()
  if report.failed and "nodevm_cluster" in getattr(item, "fixturenames", ()):
    _FAILED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
  if _TIMINGS:
    terminalreporter.write_line(
      "node VMs: " + ", ".join("%s %.1fs" % (key, value)
                               for (key, value) in sorted(_TIMINGS.items())))
  for path in _KEPT:
    terminalreporter.write_line("node VMs: after the failures, logs and"
                                " consoles are kept in %s" % path)
