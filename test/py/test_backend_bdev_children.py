"""blockdev_addchildren / blockdev_removechildren on the node."""

import pytest

from ganeti.backend import RPCFail
from ganeti.backend import bdev
from ganeti.backend import bdev_children

pytestmark = pytest.mark.unit


class _Dev:
  def __init__(self, path):
    self.dev_path = path
    self.calls = []

  def AddChildren(self, devs):
    self.calls.append(("add", [d.dev_path for d in devs]))

  def RemoveChildren(self, paths):
    self.calls.append(("remove", list(paths)))


def _Lv(name):
  return {"dev_type": "plain", "logical_id": ["xenvg", name], "size": 10,
          "uuid": name}


DRBD = {"dev_type": "drbd", "size": 10, "uuid": "d", "iv_name": "disk/0",
        "logical_id": ["a", "b", 11000, 0, 0, "s"]}


@pytest.fixture
def devices(monkeypatch):
  found = {"d": _Dev("/dev/drbd0"), "new_data": _Dev("/dev/xenvg/new_data"),
           "new_meta": _Dev("/dev/xenvg/new_meta")}
  monkeypatch.setattr(bdev, "FindDevice",
                      lambda disk: found.get(bdev._ToDisk(disk).uuid))
  return found


def testAddChildren(devices):
  bdev_children.BlockdevAddchildren(DRBD, [_Lv("new_data"),
                                           _Lv("new_meta")])
  assert devices["d"].calls == [("add", ["/dev/xenvg/new_data",
                                         "/dev/xenvg/new_meta"])]


def testAddMissingChild(devices):
  with pytest.raises(RPCFail) as err:
    bdev_children.BlockdevAddchildren(DRBD, [_Lv("new_data"), _Lv("gone")])
  assert "Can't find new device(s) to add: gone" in str(err.value)
  assert devices["d"].calls == []


def testRemoveChildrenByStaticPath(devices):
  # LVs are named by their static path; they need not be found
  bdev_children.BlockdevRemovechildren(DRBD, [_Lv("old_data"),
                                              _Lv("old_meta")])
  assert devices["d"].calls == [("remove", ["/dev/xenvg/old_data",
                                            "/dev/xenvg/old_meta"])]


def testMissingParent(devices):
  del devices["d"]
  with pytest.raises(RPCFail) as err:
    bdev_children.BlockdevRemovechildren(DRBD, [])
  assert "Can't find parent device 'disk/0' in remove children" in \
    str(err.value)
