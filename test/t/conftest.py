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
