"""The node-VM cluster: one per test session, shared by every test here.

Skipped (with the reason) where qemu, root or network namespaces are
missing; everywhere else it runs, CI included.  The timings of the image
build, the guests' boot and the cluster's formation are printed in the
terminal summary.
"""

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

from nodevm import cluster as nv_cluster  # noqa: E402

_TIMINGS = {}


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
    stop = time.monotonic()
    cluster.Stop()
    _TIMINGS["stop"] = time.monotonic() - stop
    _TIMINGS["session_total"] = time.monotonic() - start


def pytest_terminal_summary(terminalreporter):
  if _TIMINGS:
    terminalreporter.write_line(
      "node VMs: " + ", ".join("%s %.1fs" % (key, value)
                               for (key, value) in sorted(_TIMINGS.items())))
