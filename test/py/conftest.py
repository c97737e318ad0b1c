"""Shared fixtures for the unit tests."""

import os

import pytest


@pytest.fixture(scope="session")
def cluster_cert(tmp_path_factory):
  """A cluster certificate (server.pem) shared by the session."""
  from ganeti.utils import x509
  path = str(tmp_path_factory.mktemp("cert") / "server.pem")
  x509.GenerateSelfSignedSslCert(path, mode=0o600)
  return path


@pytest.fixture(scope="session")
def other_cert(tmp_path_factory):
  """A certificate of another cluster."""
  from ganeti.utils import x509
  path = str(tmp_path_factory.mktemp("cert2") / "server.pem")
  x509.GenerateSelfSignedSslCert(path, mode=0o600)
  return path


@pytest.fixture
def vnode(tmp_path, monkeypatch):
  """Act as virtual node 'node1' rooted in a temp cluster base dir."""
  root = tmp_path / "node1"
  root.mkdir()
  monkeypatch.setenv("GANETI_ROOTDIR", str(root))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1")
  from ganeti import pathutils
  paths = pathutils.Get()
  for d in (paths.DATA_DIR, paths.RUN_DIR, paths.LOG_DIR, paths.LOCK_DIR,
            paths.CONF_DIR, paths.QUEUE_DIR, paths.OS_LOG_DIR):
    os.makedirs(d, exist_ok=True)
  return paths
