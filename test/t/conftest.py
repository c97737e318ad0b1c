"""Fixtures for transcript tests: real virtual clusters."""

import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import netns_cluster  # noqa: E402
import vcluster  # noqa: E402


@pytest.fixture
def fresh_cluster():
  """A new 3-node virtual cluster, stopped and removed after the test."""
  with vcluster.Running("pyganeti-vc-", nodes=3) as cluster:
    yield cluster


@pytest.fixture(scope="session")
def rapi_vcluster(tmp_path_factory):
  """One 2-node virtual cluster, with ganeti-rapi running, shared by the
  RAPI modules (test_rapi.py, test_rapi_client_cluster.py); stopped at the
  end of the session.  Tests using it must not assume a pristine cluster:
  each creates and removes the objects it names."""
  if vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  cluster = vcluster.VirtualCluster(
    str(tmp_path_factory.mktemp("rapi-vc") / "vc"), nodes=2)
  cluster.Start()
  try:
    vcluster.WaitFor(lambda: cluster.DaemonPid("ganeti-rapi") is not None,
                     timeout=20, what="ganeti-rapi running")
    yield cluster
  finally:
    cluster.Stop()


@pytest.fixture(scope="module")
def nc():
  """A 3-node network-namespace cluster (test/support/netns_cluster.py),
  initialised on node1 (the other nodes are not added yet), one for each
  module using it; stopped at the module's end.  Skips with the reason
  when such a cluster can't run here."""
  reason = netns_cluster.Missing()
  if reason:
    pytest.skip("network namespace cluster: %s" % reason)
  tmp = tempfile.mkdtemp(prefix="pyganeti-nc-")
  cluster = netns_cluster.NetnsCluster(os.path.join(tmp, "nc"), nodes=3)
  cluster.Start()
  try:
    cluster.InitCluster()
    yield cluster
  finally:
    cluster.Stop()
    os.rmdir(tmp)
