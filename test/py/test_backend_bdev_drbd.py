"""The generic block device procedures (ganeti.backend.bdev) driving the
real DRBD8Dev on a fake DRBD node, with stand-in LV children."""

import os

import pytest

from ganeti import backend
from ganeti import constants
from ganeti import storage
from ganeti.backend import bdev

import drbd_testlib
from test_backend_drbd import _Disk

pytestmark = pytest.mark.unit


@pytest.fixture
def fake(tmp_path, monkeypatch, vnode):
  f = drbd_testlib.FakeDrbd(tmp_path).Install(monkeypatch)
  f.AddDevice("/dev/xenvg/d0.data", 1024)
  f.AddDevice("/dev/xenvg/d0.meta", 128)
  lv_class = f.PlainClass()

  class _Plain(lv_class):
    """Also answers the shutdown and remove of the children."""

    def Shutdown(self):
      self.log.append(("shutdown", self.dev_path))

    def Remove(self):
      self.log.append(("remove", self.dev_path))
  real = storage.GetDeviceClass
  monkeypatch.setattr(storage, "GetDeviceClass",
                      lambda dev_type: _Plain if dev_type == constants.DT_PLAIN
                      else real(dev_type))
  return f


def testLifeCycleOnPrimary(fake, vnode):
  disk = _Disk(0)
  assert bdev.BlockdevCreate(disk, 1024, "inst1", True, "originstname+inst1",
                             False) == list(disk["logical_id"])
  # meta data written, the minor configured and made primary
  assert fake.Commands("drbdmeta", "--force", "/dev/drbd0", "v08",
                       "/dev/xenvg/d0.meta", "flex-external", "create-md")
  assert fake.Commands("drbdsetup", "primary")
  fake.PeerConnects(0, rdisk="UpToDate")
  (path, link, uri) = bdev.BlockdevAssemble(disk, {"name": "inst1"}, True, 0)
  assert path == "/dev/drbd0" and uri is None
  assert link == os.path.join(vnode.DISK_LINKS_DIR, "inst1:0")
  status = bdev.BlockdevFind(disk)
  assert status["dev_path"] == "/dev/drbd0" and status["minor"] == 0
  [(ok, mirror)] = bdev.BlockdevGetmirrorstatus([disk])
  assert ok and mirror["is_degraded"] is False
  bdev.BlockdevShutdown(disk)
  assert fake.Commands("drbdsetup", "down")
  assert bdev.BlockdevFind(disk) is None
  bdev.BlockdevRemove(disk)  # nothing configured any more: only children


def testCreateOnSecondaryStaysSecondary(fake):
  disk = _Disk(0)
  bdev.BlockdevCreate(disk, 1024, "inst1", False, "", False)
  assert not fake.Commands("drbdsetup", "primary")
  assert bdev.BlockdevFind(disk)["dev_path"] == "/dev/drbd0"


def testMissingChildFailsCreate(fake):
  disk = _Disk(1)  # its LVs are not there
  with pytest.raises(backend.RPCFail, match="Can't create block device"):
    bdev.BlockdevCreate(disk, 1024, "inst1", True, "", False)
