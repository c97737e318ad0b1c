"""RADOSBlockDevice against a fake RunCmd and recorded rbd outputs."""

import os
import stat

import pytest

from ganeti import errors
from ganeti.storage import rbd

from storage_testlib import FakeRunner, ReadData

pytestmark = pytest.mark.unit

VOL = "d7ab910a-4933-4ffe-88d0-faf2ce31390a.rbd.disk0"
JSON_CMD = ["rbd", "showmapped", "--format", "json"]
PLAIN_CMD = ["rbd", "showmapped", "-p", "rbd"]


def _Data(name):
  return ReadData(os.path.join("bdev-rbd", name))


@pytest.mark.parametrize(("fixture", "expected"), [
  ("json_output_ok.txt", "/dev/rbd3"),
  ("json_output_no_matches.txt", None),
  ("json_output_empty.txt", None),
])
def testParseJson(fixture, expected):
  assert rbd.ParseShowmappedJson(_Data(fixture), "rbd", VOL) == expected


def testParseJsonErrors():
  with pytest.raises(errors.BlockDeviceError, match="mapped more than once"):
    rbd.ParseShowmappedJson(_Data("json_output_extra_matches.txt"), "rbd",
                            VOL)
  with pytest.raises(errors.BlockDeviceError, match="Unable to parse JSON"):
    rbd.ParseShowmappedJson(_Data("output_invalid.txt"), "rbd", VOL)
  with pytest.raises(errors.BlockDeviceError, match="'pool' key missing"):
    rbd.ParseShowmappedJson('[{"name": "x"}]', "rbd", VOL)
  # another pool: no match; the list form of Ceph mimic and later
  assert rbd.ParseShowmappedJson(_Data("json_output_ok.txt"), "other",
                                 VOL) is None
  assert rbd.ParseShowmappedJson(
    '[{"id": "0", "pool": "rbd", "namespace": "", "name": "%s",'
    ' "snap": "-", "device": "/dev/rbd0"}]' % VOL, "rbd", VOL) == "/dev/rbd0"


@pytest.mark.parametrize(("fixture", "expected"), [
  ("plain_output_new_ok.txt", "/dev/rbd3"),
  ("plain_output_old_ok.txt", "/dev/rbd3"),
  ("plain_output_new_no_matches.txt", None),
  ("plain_output_old_no_matches.txt", None),
  ("plain_output_new_empty.txt", None),
  ("plain_output_old_empty.txt", None),
])
def testParsePlain(fixture, expected):
  assert rbd.ParseShowmappedPlain(_Data(fixture), VOL) == expected


@pytest.mark.parametrize("fixture", ["plain_output_new_extra_matches.txt",
                                     "plain_output_old_extra_matches.txt",
                                     "output_invalid.txt"])
def testParsePlainErrors(fixture):
  with pytest.raises(errors.BlockDeviceError):
    rbd.ParseShowmappedPlain(_Data(fixture), VOL)


class _FakeStat:
  st_mode = stat.S_IFBLK | 0o660
  st_rdev = os.makedev(251, 3)


@pytest.fixture
def fake_dev(monkeypatch):
  """/dev/rbd3 exists as a block device (251:3)."""
  real_stat = os.stat

  def _Stat(path, *args, **kwargs):
    if path == "/dev/rbd3":
      return _FakeStat()
    return real_stat(path, *args, **kwargs)
  monkeypatch.setattr(rbd.os, "stat", _Stat)


def testLifeCycle(monkeypatch, fake_dev):
  params = {"pool": "rbd", "access": "userspace"}
  runner = FakeRunner(monkeypatch)
  runner.Expect(["rbd", "create", "-p", "rbd", VOL, "--size", "1024"])
  # attach: not mapped yet (JSON not supported: text fallback), map, find
  runner.Expect(JSON_CMD, "", 22, "rbd: unrecognised option '--format'")
  runner.Expect(PLAIN_CMD, _Data("plain_output_old_no_matches.txt"))
  runner.Expect(["rbd", "map", "-p", "rbd", VOL])
  runner.Expect(JSON_CMD, _Data("json_output_ok.txt"))
  dev = rbd.RADOSBlockDevice.Create(("rbd", VOL), None, 1024, None, params,
                                    False, {})
  assert dev.attached and dev.dev_path == "/dev/rbd3"
  assert (dev.major, dev.minor) == (251, 3)
  assert dev.GetUserspaceAccessUri("kvm") == "rbd:rbd/" + VOL
  with pytest.raises(errors.BlockDeviceError, match="xen-pvm"):
    dev.GetUserspaceAccessUri("xen-pvm")
  dev.Assemble()  # attached: nothing to run
  runner.Expect(["rbd", "resize", "-p", "rbd", VOL, "--size", "1536"])
  dev.Grow(512, True, True, False)  # dry run: thin images always grow
  dev.Grow(512, False, True, False)
  assert dev.size == 1536
  runner.Expect(["blockdev", "--getsize64", "/dev/rbd3"], "1610612736\n")
  assert dev.GetActualSize() == 1610612736
  runner.Expect(JSON_CMD, _Data("json_output_ok.txt"))
  runner.Expect(["rbd", "unmap", "/dev/rbd3"])
  runner.Expect(["rbd", "rm", "-p", "rbd", VOL])
  dev.Remove()
  assert not dev.attached and dev.dev_path is None
  runner.Done()


def testAttachMapped(monkeypatch, fake_dev):
  runner = FakeRunner(monkeypatch).Expect(JSON_CMD, _Data("json_output_ok"
                                                          ".txt"))
  dev = rbd.RADOSBlockDevice(("rbd", VOL), None, 10, {"pool": "rbd"})
  assert dev.attached
  runner.Done()


def testErrors(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(["rbd", "create", "-p", "fast", VOL, "--size", "10"], "", 1,
                "rbd: create error: (17) File exists")
  with pytest.raises(errors.BlockDeviceError,
                     match="rbd creation failed.*File exists"):
    rbd.RADOSBlockDevice.Create(("rbd", VOL), None, 10, None,
                                {"pool": "fast"}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="exclusive_storage"):
    rbd.RADOSBlockDevice.Create(("rbd", VOL), None, 10, None, {}, True, {})
  runner.Expect(JSON_CMD, _Data("json_output_no_matches.txt"))
  runner.Expect(["rbd", "map", "-p", "rbd", VOL], "", 2,
                "rbd: add failed: (2) No such file or directory")
  with pytest.raises(errors.BlockDeviceError,
                     match="rbd map failed.*No such file"):
    rbd.RADOSBlockDevice(("rbd", VOL), None, 10, {})
  # a new image that can't be mapped is removed again
  runner.Expect(["rbd", "create", "-p", "rbd", VOL, "--size", "10"])
  runner.Expect(JSON_CMD, _Data("json_output_no_matches.txt"))
  runner.Expect(["rbd", "map", "-p", "rbd", VOL], "", 1, "rbd: map failed")
  runner.Expect(["rbd", "rm", "-p", "rbd", VOL])
  with pytest.raises(errors.BlockDeviceError, match="rbd map failed"):
    rbd.RADOSBlockDevice.Create(("rbd", VOL), None, 10, None, {}, False, {})
  runner.Expect(JSON_CMD, _Data("json_output_no_matches.txt"))
  runner.Expect(["rbd", "map", "-p", "rbd", VOL])
  runner.Expect(JSON_CMD, _Data("json_output_no_matches.txt"))
  with pytest.raises(errors.BlockDeviceError, match="could not find"):
    rbd.RADOSBlockDevice(("rbd", VOL), None, 10, {})
  runner.Expect(JSON_CMD, _Data("json_output_extra_matches.txt"))
  with pytest.raises(errors.BlockDeviceError, match="more than once"):
    rbd.RADOSBlockDevice(("rbd", VOL), None, 10, {})
  with pytest.raises(errors.BlockDeviceError, match="Invalid logical id"):
    rbd.RADOSBlockDevice(("rbd",), None, 10, {})
  runner.Done()


def testRemoveFails(monkeypatch, fake_dev):
  runner = FakeRunner(monkeypatch).Expect(JSON_CMD,
                                          _Data("json_output_ok.txt"))
  dev = rbd.RADOSBlockDevice(("rbd", VOL), None, 10, {"pool": "rbd"})
  runner.Expect(JSON_CMD, _Data("json_output_ok.txt"))
  runner.Expect(["rbd", "unmap", "/dev/rbd3"], "", 16,
                "rbd: sysfs write failed\nrbd: unmap failed: (16) Device or"
                " resource busy")
  with pytest.raises(errors.BlockDeviceError, match="resource busy"):
    dev.Shutdown()
  runner.Expect(JSON_CMD, _Data("json_output_no_matches.txt"))
  runner.Expect(["rbd", "rm", "-p", "rbd", VOL], "", 1, "image still has"
                " watchers")
  with pytest.raises(errors.BlockDeviceError, match="watchers"):
    dev.Remove()
  runner.Done()
