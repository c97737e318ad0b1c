"""FileStorage (file and sharedfile disks), for real below a node root."""

import os

import pytest

from ganeti import backend
from ganeti import errors
from ganeti.backend import instance as backend_instance
from ganeti.storage import base
from ganeti.storage import filestorage

pytestmark = pytest.mark.unit

DIR = "/srv/ganeti/file-storage/inst1"
LID = ("loop", DIR + "/disk0")


@pytest.fixture
def fsnode(vnode):
  with open(vnode.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("/srv/ganeti/file-storage\n")
  return vnode


def testLifeCycle(fsnode):
  local = fsnode.Prefix(LID[1])
  dev = filestorage.FileStorage.Create(LID, None, 8, None, {}, False, {})
  assert dev.attached and dev.dev_path == local
  assert os.stat(local).st_size == 8 * base.MIB
  assert os.stat(local).st_blocks == 0  # sparse
  dev = filestorage.FileStorage(LID, None, 8, {})
  assert dev.attached
  dev.Assemble()
  dev.Open()
  dev.Shutdown()
  dev.Grow(4, True, True, False)
  assert dev.GetActualSize() == 8 * base.MIB
  dev.Grow(4, False, False, False)  # not the backing store: nothing
  dev.Grow(4, False, True, False)
  assert dev.GetActualDimensions() == (12 * base.MIB, None)
  assert dev.CombinedSyncStatus().dev_path == local
  assert dev.Export()[:2] == ["dd", "if=%s" % local]
  with pytest.raises(errors.BlockDeviceError, match="Rename"):
    dev.Rename(("loop", DIR + "/disk1"))
  dev.Remove()
  assert not os.path.exists(local)
  dev.Remove()  # missing: fine
  assert not filestorage.FileStorage(LID, None, 8, {}).attached
  with pytest.raises(errors.BlockDeviceError, match="does not exist"):
    dev.Assemble()


def testSharedFileDriver(fsnode):
  lid = ("blktap2", DIR + "/disk1")
  dev = filestorage.FileStorage.Create(lid, None, 1, None, {}, False, {})
  assert dev.driver == "blktap2" and dev.attached
  dev.Remove()


def testCreateErrors(fsnode):
  filestorage.FileStorage.Create(LID, None, 1, None, {}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="already existing"):
    filestorage.FileStorage.Create(LID, None, 1, None, {}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="not acceptable"):
    filestorage.FileStorage.Create(("loop", "/srv/other/disk0"), None, 1,
                                   None, {}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="forbidden"):
    filestorage.FileStorage.Create(("loop", "/etc/x/disk0"), None, 1, None,
                                   {}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="exclusive storage"):
    filestorage.FileStorage.Create(LID, None, 1, None, {}, True, {})
  with pytest.raises(errors.BlockDeviceError, match="Unknown file driver"):
    filestorage.FileStorage(("nbd", LID[1]), None, 1, {})
  with pytest.raises(errors.BlockDeviceError, match="Invalid logical id"):
    filestorage.FileStorage((LID[1],), None, 1, {})
  # an existing file outside the allowed paths can't even be attached
  with pytest.raises(errors.BlockDeviceError, match="not acceptable"):
    filestorage.FileStorage(("loop", "/srv/other/disk0"), None, 1, {})


def testNoAllowedPaths(vnode):
  with pytest.raises(errors.BlockDeviceError, match="No paths are allowed"):
    filestorage.FileStorage.Create(LID, None, 1, None, {}, False, {})


def testSharedFileInVirtualCluster(fsnode):
  """Paths below ssconf's shared_file_storage_dir are shared by the
  virtual nodes: they live below <cluster dir>/shared-storage."""
  with open(fsnode.FILE_STORAGE_PATHS_FILE, "a") as fh:
    fh.write("/srv/ganeti/shared-file-storage\n")
  lid = ("loop", "/srv/ganeti/shared-file-storage/inst1/disk0")
  basedir = os.path.dirname(fsnode.rootdir)
  assert filestorage.LocalizePath(lid[1]) == fsnode.Prefix(lid[1])
  with open(fsnode.SsconfFile("shared_file_storage_dir"), "w") as fh:
    fh.write("/srv/ganeti/shared-file-storage\n")
  shared = os.path.join(basedir, "shared-storage") + lid[1]
  assert filestorage.LocalizePath(lid[1]) == shared
  assert filestorage.ClusterPath(shared) == lid[1]
  assert filestorage.LocalizePath(LID[1]) == fsnode.Prefix(LID[1])
  filestorage.CreateFileStorageDir("/srv/ganeti/shared-file-storage/inst1")
  assert os.path.isdir(os.path.dirname(shared))
  dev = filestorage.FileStorage.Create(lid, None, 1, None, {}, False, {})
  assert dev.dev_path == shared and os.path.isfile(shared)
  dev.Remove()


def testInstanceStartLinksDisks(fsnode):
  """Starting an instance opens and links its disks; stopping unlinks."""
  filestorage.FileStorage.Create(LID, None, 1, None, {}, False, {})
  inst = {"name": "i1", "hypervisor": "fake", "hvparams": {},
          "beparams": {"maxmem": 128, "vcpus": 1},
          "disks_info": [{"dev_type": "file", "size": 1, "params": {},
                          "logical_id": list(LID), "iv_name": "disk/0"}]}
  link = os.path.join(fsnode.DISK_LINKS_DIR, "i1:0")
  backend_instance.StartInstance([inst, {}, {}], False, None)
  assert os.readlink(link) == fsnode.Prefix(LID[1])
  backend_instance.InstanceShutdown(inst, 10)
  assert not os.path.lexists(link)
  inst["disks_info"][0]["logical_id"] = ["loop", DIR + "/missing"]
  with pytest.raises(backend.RPCFail, match="not set up"):
    backend_instance.StartInstance([inst, {}, {}], False, None)
