"""Fixtures for transcript tests: real virtual clusters."""

import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import vcluster  # noqa: E402


@pytest.fixture
def fresh_cluster():
  """A new 3-node virtual cluster, stopped after the test."""
  tmp = tempfile.mkdtemp(prefix="pyganeti-vc-")
  cluster = vcluster.VirtualCluster(os.path.join(tmp, "vc"), nodes=3)
  cluster.Start()
  try:
    yield cluster
  finally:
    cluster.Stop()


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
