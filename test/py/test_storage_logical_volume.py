"""LogicalVolume and the LVM reports against a fake RunCmd."""

import pytest

from ganeti import errors
from ganeti.storage import base
from ganeti.storage import logical_volume as lv_mod

from storage_testlib import FakeRunner

pytestmark = pytest.mark.unit

_REP = ["--noheadings", "--nosuffix", "--units=m", "--unbuffered",
        "--separator=|"]
PVS_CMD = ["pvs"] + _REP + ["-opv_name,vg_name,pv_free,pv_attr,pv_size"]
VGS_CMD = ["vgs"] + _REP + ["-ovg_name,vg_free,vg_attr,vg_size,pv_count"]
DEV = "/dev/xenvg/inst.disk0"
ATTACH_CMD = ["lvs", "--noheadings", "--units=k", "--nosuffix",
              "--separator=|", "-olv_attr,lv_kernel_major,lv_kernel_minor,"
              "vg_extent_size,stripes,devices", DEV]
ATTACH_OUT = "  -wi-ao----|253|4|4096.00|1|/dev/sda5(0)\n"
PVS_OUT = ("  /dev/sda5|xenvg|2048.00|a--|10236.00\n"
           "  /dev/sdb1|xenvg|8192.00|a--|10236.00\n"
           "  /dev/sdc1|othervg|100.00|a--|100.00\n"
           "  /dev/sdd1|xenvg|9000.00|---|10236.00\n")


def _Attached(monkeypatch, out=ATTACH_OUT):
  runner = FakeRunner(monkeypatch).Expect(ATTACH_CMD, out)
  dev = lv_mod.LogicalVolume(("xenvg", "inst.disk0"), None, 1024, {})
  return (runner, dev)


def testAttach(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  runner.Done()
  assert dev.attached and (dev.major, dev.minor) == (253, 4)
  assert dev.pe_size == 4096 and dev.stripe_count == 1
  assert dev.pv_names == ["/dev/sda5"]
  assert dev.GetActualSpindles() == 1
  status = dev.CombinedSyncStatus()
  assert (status.is_degraded, status.ldisk_status) == (False, base.LDS_OKAY)
  assert status.dev_path == DEV


def testAttachMissingAndVirtual(monkeypatch):
  runner = FakeRunner(monkeypatch).Expect(
    ATTACH_CMD, "", 5, '  Failed to find logical volume "xenvg/inst.disk0"')
  dev = lv_mod.LogicalVolume(("xenvg", "inst.disk0"), None, 1024, {})
  assert not dev.attached
  runner.Expect(ATTACH_CMD, "", 5, "not found")
  dev.Remove()  # re-attaches, still missing: nothing to do
  runner.Done()
  (runner, dev) = _Attached(monkeypatch, "  vwi-a-v---|253|4|4096.00|1|\n")
  status = dev.GetSyncStatus()
  assert status.is_degraded and status.ldisk_status == base.LDS_FAULTY


@pytest.mark.parametrize("lid", [("xenvg",), ("xen vg", "lv"),
                                 ("xenvg", "snapshot"), "xenvg/lv"])
def testBadIds(lid):
  with pytest.raises(errors.BlockDeviceError):
    lv_mod.LogicalVolume(lid, None, 1, {})


def testCreateStripesFallback(monkeypatch):
  runner = FakeRunner(monkeypatch).Expect(PVS_CMD, PVS_OUT)
  fail = "  Insufficient suitable allocatable extents"
  runner.Expect(["lvcreate", "-L1024m", "-ninst.disk0", "-i2", "xenvg",
                 "/dev/sdb1", "/dev/sda5"], "", 5, fail)
  runner.Expect(["lvcreate", "-L1024m", "-ninst.disk0", "-i1", "xenvg",
                 "/dev/sdb1", "/dev/sda5"], '  Logical volume "x" created')
  runner.Expect(ATTACH_CMD, ATTACH_OUT)
  dev = lv_mod.LogicalVolume.Create(("xenvg", "inst.disk0"), None, 1024,
                                    None, {"stripes": 3}, False, {})
  runner.Done()
  assert dev.attached and dev.dev_path == DEV


def testCreateErrors(monkeypatch):
  runner = FakeRunner(monkeypatch).Expect(PVS_CMD, PVS_OUT)
  with pytest.raises(errors.BlockDeviceError, match="Not enough free space"):
    lv_mod.LogicalVolume.Create(("xenvg", "x"), None, 20000, None, {},
                                False, {})
  runner.Expect(PVS_CMD, PVS_OUT)
  with pytest.raises(errors.BlockDeviceError, match="Can't compute PV info"):
    lv_mod.LogicalVolume.Create(("novg", "x"), None, 10, None, {}, False, {})
  runner.Expect(PVS_CMD, PVS_OUT)
  runner.Expect(["lvcreate", "-L10m", "-nx", "-i1", "xenvg", "/dev/sdb1",
                 "/dev/sda5"], "", 5, "  Volume group xenvg is exported")
  with pytest.raises(errors.BlockDeviceError,
                     match="LV create failed.*exported"):
    lv_mod.LogicalVolume.Create(("xenvg", "x"), None, 10, None, {}, False,
                                {})
  runner.Expect(PVS_CMD, "  /dev/a:b|xenvg|100.00|a--|100.00\n")
  with pytest.raises(errors.BlockDeviceError, match="invalid character"):
    lv_mod.LogicalVolume.Create(("xenvg", "x"), None, 10, None, {}, False,
                                {})
  runner.Done()


def testCreateExclusiveStorage(monkeypatch):
  pvs = ("  /dev/sda5|xenvg|100.00|a--|100.00\n"
         "  /dev/sdb1|xenvg|100.00|a--|100.00\n"
         "  /dev/sdc1|xenvg|50.00|a--|100.00\n")
  runner = FakeRunner(monkeypatch).Expect(PVS_CMD, pvs)
  with pytest.raises(errors.BlockDeviceError, match="spindles"):
    lv_mod.LogicalVolume.Create(("xenvg", "x"), None, 150, None, {}, True,
                                {})
  runner.Expect(PVS_CMD, pvs)
  runner.Expect(["lvcreate", "-L150m", "-nx", "-i2", "xenvg", "/dev/sda5",
                 "/dev/sdb1"])
  runner.Expect(ATTACH_CMD[:-1] + ["/dev/xenvg/x"], ATTACH_OUT)
  lv_mod.LogicalVolume.Create(("xenvg", "x"), None, 150, 2, {}, True, {})
  runner.Done()


def testAssembleRemoveRename(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  runner.Expect(["lvchange", "-ay", DEV])
  runner.Expect(ATTACH_CMD, ATTACH_OUT)
  dev.Assemble()
  dev.Shutdown()  # no command
  runner.Expect(["lvrename", "xenvg", "inst.disk0", "inst.disk0_old"])
  dev.Rename(("xenvg", "inst.disk0_old"))
  assert dev.dev_path == "/dev/xenvg/inst.disk0_old"
  assert dev.unique_id == ("xenvg", "inst.disk0_old")
  with pytest.raises(errors.BlockDeviceError, match="across volume groups"):
    dev.Rename(("othervg", "x"))
  runner.Expect(["lvremove", "-f", "xenvg/inst.disk0_old"], "", 5,
                "  Logical volume xenvg/inst.disk0_old in use.")
  with pytest.raises(errors.BlockDeviceError, match="in use"):
    dev.Remove()
  runner.Expect(["lvremove", "-f", "xenvg/inst.disk0_old"])
  dev.Remove()
  runner.Done()


def testAssembleFails(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  runner.Expect(["lvchange", "-ay", DEV], "", 5, "  device-mapper: reload"
                " ioctl failed")
  with pytest.raises(errors.BlockDeviceError,
                     match="Can't activate lv.*ioctl failed"):
    dev.Assemble()
  runner.Done()


def testGrow(monkeypatch):
  (runner, dev) = _Attached(monkeypatch, "  -wi-ao----|253|4|4096.00|2|"
                            "/dev/sda5(0),/dev/sdb1(0)\n")
  dev.Grow(100, False, False, False)  # not the backing storage: nothing
  # 100 MiB = 102400 KiB, rounded up to whole stripes of 2 * 4096 KiB
  grow = ["lvextend", "-L", "+106496k"]
  runner.Expect(grow + ["--test", "--alloc", "contiguous", DEV])
  dev.Grow(100, True, True, False)
  runner.Expect(grow + ["--alloc", "contiguous", DEV], "", 5, "no space")
  runner.Expect(grow + ["--alloc", "cling", DEV], "", 5, "no space")
  runner.Expect(grow + ["--alloc", "normal", DEV], "", 5, "  Insufficient"
                " free space")
  with pytest.raises(errors.BlockDeviceError, match="Can't grow LV"):
    dev.Grow(100, False, True, False)
  runner.Done()


def testSnapshot(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  snap_attach = ATTACH_CMD[:-1] + ["/dev/xenvg/inst.disk0.snap"]
  runner.Expect(snap_attach, "", 5, "not found")  # constructing the old one
  runner.Expect(snap_attach, "", 5, "not found")  # its Remove re-attaches
  runner.Expect(VGS_CMD, "  xenvg|5000.00|wz--n-|10236.00|2\n")
  runner.Expect(["lvcreate", "-L1024m", "-s", "-ninst.disk0.snap", DEV])
  assert dev.Snapshot() == ("xenvg", "inst.disk0.snap")
  runner.Done()


def testSetInfo(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  runner.Expect(["lvs", "--noheadings", "-otags", DEV],
                "  originstname+old,other\n")
  runner.Expect(["lvchange", "--deltag", "originstname+old", DEV])
  runner.Expect(["lvchange", "--deltag", "other", DEV])
  runner.Expect(["lvchange", "--addtag", "originstname+inst1.example.com",
                 DEV])
  dev.SetInfo("originstname+inst1.example.com")
  runner.Done()
  assert lv_mod.SanitizeTag("-a b/c") == "_a_b_c"
  assert len(lv_mod.SanitizeTag("x" * 300)) == 128


def testGetActualSize(monkeypatch):
  (runner, dev) = _Attached(monkeypatch)
  runner.Expect(["blockdev", "--getsize64", DEV], "1073741824\n")
  assert dev.GetActualDimensions() == (1073741824, 1)
  runner.Expect(["blockdev", "--getsize64", DEV], "", 1, "No such device")
  with pytest.raises(errors.BlockDeviceError, match="No such device"):
    dev.GetActualSize()
  runner.Done()


def testReports(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(["lvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator=|", "-ovg_name,lv_name,lv_size,lv_attr",
                 "xenvg"],
                "  xenvg|a.disk0|1024.00|-wi-ao----\n"
                "  xenvg|b.disk0|512.00|-wi-------\n"
                "  xenvg|virt|0|vwi-a-v---\n")
  assert lv_mod.GetVolumeList("xenvg") == {
    "xenvg/a.disk0": [1024.0, False, True],
    "xenvg/b.disk0": [512.0, True, False]}
  runner.Expect(["vgs", "--noheadings", "--units=m", "--nosuffix",
                 "-ovg_name,vg_size"], "  xenvg   10236.00\n  other 99.6\n")
  assert lv_mod.ListVolumeGroups() == {"xenvg": 10236, "other": 100}
  runner.Expect(["lvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator=|", "-olv_name,lv_name,lv_size,devices,"
                 "vg_name"][:5] + ["-olv_name,lv_size,devices,vg_name"],
                "  a.disk0|1024.00|/dev/sda5(0),/dev/sdb1(16)|xenvg\n"
                "  b.disk0|512.00|/dev/sdb1(0)|xenvg\n")
  assert lv_mod.GetNodeVolumes() == [
    {"name": "a.disk0", "size": "1024.00", "dev": "/dev/sda5", "vg": "xenvg"},
    {"name": "a.disk0", "size": "1024.00", "dev": "/dev/sdb1", "vg": "xenvg"},
    {"name": "b.disk0", "size": "512.00", "dev": "/dev/sdb1", "vg": "xenvg"}]
  runner.Expect(VGS_CMD, "  xenvg|2048.00|wz--n-|10236.00|2\n"
                "  other|1.00|wz--n-|2.00|1\n")
  assert lv_mod.GetVGInfo(["xenvg"]) == [(2048.0, 10236.0, "xenvg")]
  runner.Expect(PVS_CMD, PVS_OUT)
  assert lv_mod.GetVgSpindlesInfo("xenvg") == (0, 2)
  runner.Expect(["lvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator=|", "-ovg_name,lv_name,lv_size,lv_attr"],
                "", 5, "  /dev/mapper/control: open failed")
  with pytest.raises(errors.BlockDeviceError, match="open failed"):
    lv_mod.GetVolumeList(None)
  runner.Done()
