"""The node side of migration (fake hypervisor) and of the disk copy.

Two virtual nodes live below one temp directory; each call runs "on" a
node by pointing GANETI_ROOTDIR at its root, as ganeti-noded does.
"""

import base64
import json
import os
import zlib

import pytest

from ganeti import backend
from ganeti import constants
from ganeti import objects
from ganeti.backend import disk_copy
from ganeti.backend import instance as backend_instance
from ganeti.backend import migration
from ganeti.rpc import defs
from ganeti.server import noded

pytestmark = pytest.mark.unit


_FS_DIR = "/srv/ganeti/file-storage"
_DISK_PATH = _FS_DIR + "/i1/disk0"


class _Nodes:
  def __init__(self, base, monkeypatch):
    self.base = base
    self.mp = monkeypatch

  def On(self, name):
    root = os.path.join(str(self.base), name)
    os.makedirs(root, exist_ok=True)
    self.mp.setenv("GANETI_ROOTDIR", root)
    self.mp.setenv("GANETI_HOSTNAME", name)
    etc = os.path.join(root, "etc/ganeti")
    os.makedirs(etc, exist_ok=True)
    with open(os.path.join(etc, "file-storage-paths"), "w") as fh:
      fh.write("%s\n" % _FS_DIR)
    os.makedirs(root + _FS_DIR + "/i1", exist_ok=True)
    return root

  def State(self, name, inst="inst1"):
    path = os.path.join(str(self.base), name,
                        "var/run/ganeti/fake-hypervisor", inst)
    if not os.path.exists(path):
      return None
    with open(path) as fh:
      return json.load(fh)


@pytest.fixture
def nodes(tmp_path, monkeypatch):
  return _Nodes(tmp_path, monkeypatch)


def _Inst(name="inst1"):
  return objects.Instance(
    name=name, uuid="u-" + name, hypervisor=constants.HT_FAKE, os="noop",
    primary_node="n1", hvparams={}, beparams={"maxmem": 256, "vcpus": 2},
    osparams={}, nics=[], disks=[], disks_info=[], admin_state="up").ToDict()


def _Start(nodes, node):
  nodes.On(node)
  backend_instance.StartInstance([_Inst(), {}, {}], False)


def _Migrate(nodes, live):
  inst = _Inst()
  nodes.On("node1")
  migration.GetInstanceMigratable(inst)
  info = migration.MigrationInfo(inst)
  nodes.On("node2")
  migration.AcceptInstance(inst, info, "198.51.100.2")
  nodes.On("node1")
  migration.MigrateInstance("cluster", inst, "198.51.100.2", live)
  status = migration.GetMigrationStatus(inst)
  return (inst, info, status)


@pytest.mark.parametrize("live", [True, False])
def testMigrationMovesTheState(nodes, live):
  _Start(nodes, "node1")
  before = nodes.State("node1")
  (inst, info, status) = _Migrate(nodes, live)
  assert status == {"status": constants.HV_MIGRATION_COMPLETED,
                    "transferred_ram": 256, "total_ram": 256}
  # a non-live migration freezes the source copy during the transfer
  assert bool(nodes.State("node1").get("frozen")) == (not live)
  # not yet running on the target
  assert nodes.State("node2") is None
  migration.FinalizeMigrationSource(inst, True, live)
  assert nodes.State("node1") is None
  nodes.On("node2")
  migration.FinalizeMigrationDst(inst, info, True)
  after = nodes.State("node2")
  # same instance state, same start time: no reboot
  assert after == before
  assert backend_instance.GetInstanceList([constants.HT_FAKE]) == ["inst1"]
  assert os.listdir(os.path.dirname(
    os.path.join(str(nodes.base), "node2/var/run/ganeti/fake-hypervisor",
                 "x"))) == ["inst1"]


def testFailedMigrationKeepsSource(nodes):
  _Start(nodes, "node1")
  before = nodes.State("node1")
  (inst, info, _) = _Migrate(nodes, False)
  nodes.On("node2")
  migration.FinalizeMigrationDst(inst, info, False)
  nodes.On("node1")
  migration.FinalizeMigrationSource(inst, False, False)
  assert nodes.State("node1") == before
  assert nodes.State("node2") is None
  assert os.listdir(os.path.join(str(nodes.base),
                                 "node2/var/run/ganeti/fake-hypervisor")) == []


def testMigrationErrors(nodes):
  inst = _Inst()
  nodes.On("node1")
  with pytest.raises(backend.RPCFail) as err:
    migration.GetInstanceMigratable(inst)
  assert str(err.value) == "Instance inst1 is not running"
  with pytest.raises(backend.RPCFail) as err:
    migration.MigrationInfo(inst)
  assert str(err.value) == ("Failed to fetch migration information:"
                            " Instance inst1 is not running")
  _Start(nodes, "node1")
  info = migration.MigrationInfo(inst)
  # the target already runs it
  with pytest.raises(backend.RPCFail) as err:
    migration.AcceptInstance(inst, info, "198.51.100.1")
  assert "already running on this node" in str(err.value)
  nodes.On("node2")
  with pytest.raises(backend.RPCFail):
    migration.AcceptInstance(inst, "not json", "198.51.100.2")
  with pytest.raises(backend.RPCFail) as err:
    migration.FinalizeMigrationDst(inst, info, True)
  assert "No incoming migration" in str(err.value)
  # no migration started: the status is a failure
  assert migration.GetMigrationStatus(inst)["status"] == \
    constants.HV_MIGRATION_FAILED


def testNodedKnowsTheProcedures():
  for name in ("migration_info", "accept_instance", "instance_migrate",
               "instance_finalize_migration_src",
               "instance_finalize_migration_dst",
               "instance_get_migration_status", "instance_migratable",
               "blockdev_read_chunk", "blockdev_write_chunk"):
    assert name in noded.PROCEDURES
    assert name in defs.CALLS_BY_NAME


# Disk copy ----------------------------------------------------------------
def _FileDisk(path, size_mib):
  return objects.Disk(dev_type=constants.DT_FILE, size=size_mib,
                      logical_id=("loop", path), iv_name="disk/0",
                      uuid="d1", params={}, children=[]).ToDict()


def testChunkCopyKeepsHoles(nodes):
  mib = 1024 * 1024
  root1 = nodes.On("node1")
  src = root1 + _DISK_PATH
  with open(src, "wb") as fh:
    fh.truncate(2 * mib)
    fh.seek(mib + 5)
    fh.write(b"payload")
  disk = _FileDisk(_DISK_PATH, 2)
  chunks = [disk_copy.BlockdevReadChunk(disk, off, mib)
            for off in (0, mib)]
  assert chunks[0] == [2 * mib, mib, None]
  (size, nread, data) = chunks[1]
  assert (size, nread) == (2 * mib, mib)
  assert zlib.decompress(base64.b64decode(data))[5:12] == b"payload"
  root2 = nodes.On("node2")
  dst = root2 + _DISK_PATH
  with open(dst, "wb") as fh:
    fh.truncate(2 * mib)
  ddisk = _FileDisk(_DISK_PATH, 2)
  for (off, (_, length, data)) in zip((0, mib), chunks):
    assert disk_copy.BlockdevWriteChunk(ddisk, off, length, data) == length
  with open(src, "rb") as a, open(dst, "rb") as b:
    assert a.read() == b.read()
  # the zero chunk stayed a hole
  assert os.stat(dst).st_blocks * 512 <= mib


def testChunkErrors(nodes):
  root = nodes.On("node1")
  with open(root + _DISK_PATH, "wb") as fh:
    fh.truncate(1024)
  disk = _FileDisk(_DISK_PATH, 1)
  with pytest.raises(backend.RPCFail):
    disk_copy.BlockdevReadChunk(disk, -1, 10)
  with pytest.raises(backend.RPCFail):
    disk_copy.BlockdevReadChunk(disk, 0, disk_copy.MAX_CHUNK + 1)
  with pytest.raises(backend.RPCFail) as err:
    disk_copy.BlockdevWriteChunk(disk, 0, 5, base64.b64encode(
      zlib.compress(b"abc")).decode("ascii"))
  assert "Chunk length mismatch" in str(err.value)
  with pytest.raises(backend.RPCFail):
    disk_copy.BlockdevReadChunk(_FileDisk(_DISK_PATH + ".missing", 1), 0,
                                10)
