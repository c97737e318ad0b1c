"""gnt-cluster init -I: the default allocator must exist on the master."""

import os

import pytest

from ganeti import bootstrap
from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import pathutils

pytestmark = pytest.mark.unit


@pytest.fixture
def root(tmp_path, monkeypatch):
  tmp_path = tmp_path / "node1.example.com"
  tmp_path.mkdir()
  monkeypatch.setenv("GANETI_ROOTDIR", str(tmp_path))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1.example.com")
  monkeypatch.setattr(netutils.Hostname, "GetIP", staticmethod(
    lambda name, family=None: (name, [], ["127.0.0.1"])))
  return tmp_path


def testInitRefusesMissingAllocator(root):
  with pytest.raises(errors.OpPrereqError) as err:
    bootstrap.InitCluster("cluster.example.com", default_iallocator="nosuch")
  assert err.value.args == ("Invalid default iallocator script 'nosuch'"
                            " specified", errors.ECODE_INVAL)
  # nothing was written
  assert not os.path.exists(pathutils.Get().CLUSTER_CONF_FILE)
  assert not any(files for (_, _, files) in os.walk(str(root)))


def testPluginBelowTheNodeRoot(root):
  """The master's search path is below its node root in a virtual
  cluster; only an executable file counts."""
  from ganeti.cmdlib import iallocator
  for name in (constants.IALLOCATOR_BUILTIN, constants.DEFAULT_IALLOCATOR):
    iallocator.CheckAllocatorName(name)
  directory = root / "usr" / "lib" / "ganeti" / "iallocators"
  directory.mkdir(parents=True)
  plugin = directory / "my-alloc"
  plugin.write_text("#!/bin/sh\n")
  with pytest.raises(errors.OpPrereqError):
    iallocator.CheckAllocatorName("my-alloc")
  os.chmod(str(plugin), 0o755)
  iallocator.CheckAllocatorName("my-alloc")
  assert iallocator.FindPlugin("my-alloc") == str(plugin)
  assert iallocator.FindPlugin("../iallocators/my-alloc") is None
