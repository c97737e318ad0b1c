"""The backend's block device procedures, with fake device classes.

Every dev_type maps to :class:`_FakeDev`, which records each operation in
a shared log and keeps "existing" devices in a dict, so the recursion
order (children before parents on create/assemble, parents before
children on shutdown/remove) and Ganeti's placement rules are visible.
"""

import os

import pytest

from ganeti import backend
from ganeti import errors
from ganeti import objects
from ganeti import storage
from ganeti.backend import bdev
from ganeti.storage import base

from storage_testlib import FakeRunner

pytestmark = pytest.mark.unit


class _World:
  def __init__(self):
    self.log = []
    self.existing = {}     # logical id -> size
    self.fail = {}         # (op, logical id) -> message
    self.degraded = set()  # logical ids


class _FakeDev(base.BlockDev):
  world = None

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    super().__init__(unique_id, children, size, params, dyn_params,
                     **kwargs)
    self.children = children
    self.kwargs = kwargs
    self._Check("attach")
    self.Attach()

  def _Name(self):
    return self.unique_id[-1]

  def _Check(self, op):
    msg = self.world.fail.get((op, self._Name()))
    if msg:
      raise errors.BlockDeviceError(msg)

  def _Do(self, op, *args):
    self.world.log.append((op, self._Name()) + args)
    self._Check(op)

  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    name = unique_id[-1]
    cls.world.log.append(("create", name,
                          [c._Name() if c else None for c in children]))
    msg = cls.world.fail.get(("create", name))
    if msg:
      raise errors.BlockDeviceError(msg)
    cls.world.existing[name] = size
    return cls(unique_id, children, size, params, dyn_params, **kwargs)

  def Attach(self, **kwargs):
    self.attached = self._Name() in self.world.existing
    self.dev_path = "/dev/fake/%s" % self._Name() if self.attached else None
    return self.attached

  def Assemble(self):
    self._Do("assemble")
    if not self.attached:
      raise errors.BlockDeviceError("%s does not exist" % self._Name())

  def Open(self, force=False, exclusive=True):
    self._Do("open")

  def Close(self):
    self._Do("close")

  def Shutdown(self):
    self._Do("shutdown")

  def Remove(self):
    self._Do("remove")
    del self.world.existing[self._Name()]

  def SetInfo(self, text):
    self._Do("setinfo", text)

  def Rename(self, new_id):
    self._Do("rename", new_id[-1])

  def Grow(self, amount, dryrun, backingstore, excl_stor):
    self._Do("grow", amount, dryrun, backingstore)

  def Snapshot(self, snap_name=None, snap_size=None):
    self._Do("snapshot", snap_size)
    return ("vg", self._Name() + ".snap")

  def PauseResumeSync(self, pause):
    self._Do("pause" if pause else "resume")
    return "nosync" not in self._Name()

  def GetActualSize(self):
    return self.size * base.MIB

  def GetSyncStatus(self):
    degraded = self._Name() in self.world.degraded
    return objects.BlockDevStatus(
      dev_path=self.dev_path, major=1, minor=2,
      sync_percent=50.0 if degraded else None,
      estimated_time=30 if degraded else None, is_degraded=degraded,
      ldisk_status=base.LDS_FAULTY if degraded else base.LDS_OKAY)

  def GetUserspaceAccessUri(self, hypervisor):
    return "%s:%s" % (hypervisor, self._Name())


@pytest.fixture
def world(monkeypatch, vnode):
  w = _World()
  monkeypatch.setattr(_FakeDev, "world", w)
  monkeypatch.setattr(storage, "GetDeviceClass", lambda dev_type: _FakeDev)
  return w


def _Lv(name, size=100):
  return {"dev_type": "plain", "logical_id": ["vg", name], "size": size,
          "iv_name": name, "params": {}}


def _Drbd(name="drbd0", size=100, meta_size=128):
  return {"dev_type": "drbd", "logical_id": ["n1", "n2", 11000, 0, 0,
                                             "secret", name],
          "size": size, "iv_name": "disk/0", "params": {},
          "dynamic_params": {"local-ip": "198.51.100.1"},
          "children": [_Lv("data", size), _Lv("meta", meta_size)]}


def _Ext(name="vol0", access="kernelspace"):
  return {"dev_type": "ext", "logical_id": ["prov", name], "size": 10,
          "iv_name": "disk/0", "name": "d0", "uuid": "u0",
          "params": {"access": access}}


def testCreateOnPrimary(world):
  world.existing.update({"data": 100, "meta": 128})
  assert bdev.BlockdevCreate(_Drbd(), 100, "inst1", True, "info", False) \
    == ["n1", "n2", 11000, 0, 0, "secret", "drbd0"]
  assert world.log == [
    ("assemble", "data"), ("open", "data"), ("open", "data"),
    ("assemble", "meta"), ("open", "meta"), ("open", "meta"),
    ("create", "drbd0", ["data", "meta"]),
    ("assemble", "drbd0"), ("open", "drbd0"), ("setinfo", "drbd0", "info")]


def testCreateOnSecondary(world):
  world.existing.update({"data": 100, "meta": 128})
  bdev.BlockdevCreate(_Drbd(), 100, "inst1", False, "info", False)
  # LVs are assembled and opened on secondaries, DRBD only assembled
  assert world.log == [
    ("assemble", "data"), ("open", "data"), ("open", "data"),
    ("assemble", "meta"), ("open", "meta"), ("open", "meta"),
    ("create", "drbd0", ["data", "meta"]),
    ("assemble", "drbd0"), ("setinfo", "drbd0", "info")]
  world.log[:] = []
  bdev.BlockdevCreate(_Ext(), 10, "inst1", False, "info", False)
  assert world.log == [("create", "vol0", []), ("setinfo", "vol0", "info")]


def testCreateErrors(world):
  world.fail[("create", "vol0")] = "provider exploded"
  with pytest.raises(backend.RPCFail, match="Can't create block device:"
                     " provider exploded"):
    bdev.BlockdevCreate(_Ext(), 10, "inst1", True, "", False)
  with pytest.raises(backend.RPCFail, match="Can't assemble device.*data"
                     " does not exist"):
    bdev.BlockdevCreate(_Drbd(), 100, "inst1", True, "", False)
  world.existing.update({"data": 100, "meta": 128})
  world.fail[("assemble", "drbd0")] = "no minor"
  with pytest.raises(backend.RPCFail, match="after creation.*no minor"):
    bdev.BlockdevCreate(_Drbd(), 100, "inst1", True, "", False)
  # the new device is removed again, its children stay (the master's)
  assert world.log[-1] == ("remove", "drbd0")
  assert sorted(world.existing) == ["data", "meta"]
  del world.fail[("assemble", "drbd0")]
  world.fail[("setinfo", "vol0")] = "tag rejected"
  world.fail.pop(("create", "vol0"))
  with pytest.raises(backend.RPCFail, match="Can't set information on the"
                     " new device: tag rejected"):
    bdev.BlockdevCreate(_Ext(), 10, "inst1", True, "x", False)
  assert "vol0" not in world.existing


def testAssemble(world, vnode):
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100})
  (path, link, uri) = bdev.BlockdevAssemble(_Drbd(), {"name": "inst1"},
                                            True, 3)
  assert path == "/dev/fake/drbd0" and uri is None
  assert link == os.path.join(vnode.DISK_LINKS_DIR, "inst1:3")
  assert os.readlink(link) == path
  assert world.log == [("assemble", "data"), ("open", "data"),
                       ("assemble", "meta"), ("open", "meta"),
                       ("assemble", "drbd0"), ("open", "drbd0")]
  # a stale link is replaced
  os.unlink(link)
  os.symlink("/dev/other", link)
  bdev.BlockdevAssemble(_Drbd(), {"name": "inst1"}, True, 3)
  assert os.readlink(link) == path


def testAssembleSecondaryAndUserspace(world):
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100,
                         "vol0": 10})
  assert bdev.BlockdevAssemble(_Drbd(), {"name": "inst1"}, False, 0) == \
    ["/dev/fake/drbd0", None, None]
  assert ("open", "drbd0") not in world.log
  assert bdev.BlockdevAssemble(_Ext(), {"name": "inst1"}, False, 0) == \
    [None, None, None]
  (_, _, uri) = bdev.BlockdevAssemble(
    _Ext(access="userspace"), {"name": "inst1", "hypervisor": "kvm"}, True,
    0)
  assert uri == "kvm:vol0"
  with pytest.raises(backend.RPCFail, match="without an instance name"):
    bdev.BlockdevAssemble(_Ext(), {}, True, 0)


def testAssembleChildFailure(world):
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100})
  world.fail[("assemble", "meta")] = "meta LV gone"
  # DRBD can run without its local storage (diskless)
  bdev.BlockdevAssemble(_Drbd(), {"name": "inst1"}, True, 0)
  assert ("assemble", "drbd0") in world.log
  # a device needing all its children fails
  disk = _Lv("top")
  disk["children"] = [_Lv("meta")]
  world.existing["top"] = 1
  with pytest.raises(backend.RPCFail, match="Error while assembling disk:"
                     " meta LV gone"):
    bdev.BlockdevAssemble(disk, {"name": "inst1"}, True, 0)


def testShutdownAndRemove(world):
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100})
  bdev.BlockdevShutdown(_Drbd())
  assert world.log == [("shutdown", "drbd0"), ("shutdown", "data"),
                       ("shutdown", "meta")]
  world.log[:] = []
  world.fail[("remove", "data")] = "LV busy"
  with pytest.raises(backend.RPCFail, match="^LV busy$"):
    bdev.BlockdevRemove(_Drbd())
  assert world.log == [("remove", "drbd0"), ("remove", "data"),
                       ("remove", "meta")]
  assert list(world.existing) == ["data"]
  del world.fail[("remove", "data")]
  bdev.BlockdevRemove(_Drbd())  # the rest; missing devices are fine
  assert world.existing == {}
  bdev.BlockdevRemove(_Drbd())
  world.fail[("attach", "drbd0")] = "can't look"
  bdev.BlockdevRemove(_Drbd())  # can't attach: nothing to remove
  world.fail[("shutdown", "drbd0")] = "x"
  with pytest.raises(backend.RPCFail, match="Can't find device"):
    bdev.BlockdevShutdown(_Drbd())


def testFindAndMirrorStatus(world):
  assert bdev.BlockdevFind(_Drbd()) is None
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100})
  world.degraded.add("meta")
  status = bdev.BlockdevFind(_Drbd())
  assert status["dev_path"] == "/dev/fake/drbd0"
  assert status["is_degraded"] is False  # its own status only
  [(ok, combined), (ok2, msg)] = bdev.BlockdevGetmirrorstatus(
    [_Drbd(), _Ext()])
  assert ok and combined["is_degraded"] is True
  assert combined["ldisk_status"] == base.LDS_FAULTY
  assert (combined["sync_percent"], combined["estimated_time"]) == (50.0, 30)
  assert not ok2 and msg == "Can't find device disk/0"
  world.fail[("attach", "vol0")] = "attach script failed"
  assert bdev.BlockdevGetmirrorstatus([_Ext()]) == \
    [[False, "attach script failed"]]
  with pytest.raises(backend.RPCFail, match="attach script failed"):
    bdev.BlockdevFind(_Ext())


def testGrowRenameSetinfoSnapshot(world):
  world.existing.update({"data": 100, "meta": 128, "drbd0": 100,
                         "vol0": 10})
  bdev.BlockdevGrow(_Ext(), 5, True, True, False)
  bdev.BlockdevRename([[_Lv("data"), ["vg", "data_new"]]])
  bdev.BlockdevSetinfo(_Ext(), "originstname+i1")
  assert bdev.BlockdevSnapshot(_Drbd()) == ["vg", "data.snap"]
  assert world.log == [("grow", "vol0", 5, True, True),
                       ("rename", "data", "data_new"),
                       ("setinfo", "vol0", "originstname+i1"),
                       ("snapshot", "data", 100)]
  with pytest.raises(backend.RPCFail, match="Cannot find block device"):
    bdev.BlockdevGrow(_Lv("nope"), 5, False, True, False)
  with pytest.raises(backend.RPCFail, match="Can't find device nope in"
                     " rename"):
    bdev.BlockdevRename([[_Lv("nope"), ["vg", "x"]]])
  world.fail[("grow", "vol0")] = "no space"
  with pytest.raises(backend.RPCFail, match="Failed to grow.*no space"):
    bdev.BlockdevGrow(_Ext(), 5, False, True, False)
  disk = _Lv("x")
  disk["dev_type"] = "file"
  with pytest.raises(backend.RPCFail, match="Cannot snapshot"):
    bdev.BlockdevSnapshot(disk)


def testOpenCloseDimensionsSync(world, vnode):
  world.existing.update({"vol0": 10, "vol1-nosync": 20})
  disks = [_Ext(), _Ext("vol1-nosync")]
  bdev.BlockdevOpen("inst1", disks, False)
  links = [os.path.join(vnode.DISK_LINKS_DIR, "inst1:%d" % i)
           for i in (0, 1)]
  assert [os.readlink(link) for link in links] == \
    ["/dev/fake/vol0", "/dev/fake/vol1-nosync"]
  assert bdev.BlockdevGetdimensions(disks + [_Ext("gone")]) == \
    [[10 * base.MIB, None], [10 * base.MIB, None], None]
  assert bdev.BlockdevPauseResumeSync(disks + [_Ext("gone")], True) == [
    [True, None], [False, "Pause for device disk/0 failed"],
    [False, "Cannot change sync for device disk/0: device not found"]]
  bdev.BlockdevClose("inst1", disks)
  assert not any(os.path.lexists(link) for link in links)
  assert ("close", "vol0") in world.log
  with pytest.raises(backend.RPCFail, match="Can't find device"):
    bdev.BlockdevClose("inst1", [_Ext("gone")])


def testWipe(world, monkeypatch):
  world.existing["vol0"] = 10
  runner = FakeRunner(monkeypatch)
  runner.Expect(["dd", "if=/dev/zero", "seek=2", "bs=1048576",
                 "oflag=direct", "of=/dev/fake/vol0", "count=8",
                 "conv=notrunc"])
  bdev.BlockdevWipe(_Ext(), 2, 8)
  for (offset, size, msg) in [(-1, 1, "Negative offset"),
                              (0, -1, "Negative size"),
                              (11, 0, "offset is bigger"),
                              (5, 6, "offset and size are bigger")]:
    with pytest.raises(backend.RPCFail, match=msg):
      bdev.BlockdevWipe(_Ext(), offset, size)
  with pytest.raises(backend.RPCFail, match="device not found"):
    bdev.BlockdevWipe(_Ext("gone"), 0, 1)
  runner.Expect(["dd", "if=/dev/zero", "seek=0", "bs=1048576",
                 "oflag=direct", "of=/dev/fake/vol0", "count=1",
                 "conv=notrunc"], "", 1, "dd: error writing: No space")
  with pytest.raises(backend.RPCFail, match="No space"):
    bdev.BlockdevWipe(_Ext(), 0, 1)
  runner.Done()


def testGatherAndLink(world, vnode):
  world.existing["vol0"] = 10
  inst = objects.Instance(name="inst1", hypervisor="kvm",
                          disks_info=[objects.Disk.FromDict(
                            _Ext(access="userspace"))])
  [(disk, link, uri)] = bdev.GatherAndLinkBlockDevs(inst)
  assert disk.logical_id == ("prov", "vol0")
  assert os.readlink(link) == "/dev/fake/vol0" and uri == "kvm:vol0"
  assert world.log == [("open", "vol0")]
  del world.existing["vol0"]
  with pytest.raises(errors.BlockDeviceError, match="not set up"):
    bdev.GatherAndLinkBlockDevs(inst)
