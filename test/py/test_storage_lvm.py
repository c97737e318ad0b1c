"""Tests for the LVM command builders and output parsers."""

import os

import pytest

from ganeti import errors
from ganeti.storage import lvm

pytestmark = pytest.mark.unit

_DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def _Read(name):
  with open(os.path.join(_DATA, name)) as fh:
    return fh.read()


_REP = ["--noheadings", "--nosuffix", "--units=m", "--unbuffered",
        "--separator=|"]


@pytest.mark.parametrize(("cmd", "expected"), [
  (lvm.BuildLvCreateCmd("xenvg", "a.disk0", 1024),
   ["lvcreate", "-L1024m", "-na.disk0", "-i1", "xenvg"]),
  (lvm.BuildLvCreateCmd("xenvg", "a.disk0", 512, stripes=2,
                        pvs=["/dev/sda1", "/dev/sdb1"]),
   ["lvcreate", "-L512m", "-na.disk0", "-i2", "xenvg", "/dev/sda1",
    "/dev/sdb1"]),
  (lvm.BuildLvCreateCmd("xenvg", "lv", 128, wipe_signatures=False,
                        assume_yes=True),
   ["lvcreate", "--yes", "-Wn", "-L128m", "-nlv", "-i1", "xenvg"]),
  (lvm.BuildLvCreateCmd("xenvg", "lv", 128, wipe_signatures=True),
   ["lvcreate", "-Wy", "-L128m", "-nlv", "-i1", "xenvg"]),
  (lvm.BuildLvSnapshotCmd("/dev/xenvg/lv", "lv.snap", 100),
   ["lvcreate", "-L100m", "-s", "-nlv.snap", "/dev/xenvg/lv"]),
  (lvm.BuildLvRemoveCmd("xenvg", "lv"), ["lvremove", "-f", "xenvg/lv"]),
  (lvm.BuildLvRenameCmd("xenvg", "old", "new"),
   ["lvrename", "xenvg", "old", "new"]),
  (lvm.BuildLvChangeActiveCmd("/dev/xenvg/lv", True),
   ["lvchange", "-ay", "/dev/xenvg/lv"]),
  (lvm.BuildLvChangeActiveCmd("/dev/xenvg/lv", False),
   ["lvchange", "-an", "/dev/xenvg/lv"]),
  (lvm.BuildLvTagsCmd("/dev/xenvg/lv", add=["a"], remove=["b", "c"]),
   ["lvchange", "--addtag", "a", "--deltag", "b", "--deltag", "c",
    "/dev/xenvg/lv"]),
  (lvm.BuildLvGrowCmd("/dev/xenvg/lv", 256),
   ["lvextend", "-L", "+256m", "/dev/xenvg/lv"]),
  (lvm.BuildLvGrowCmd("/dev/xenvg/lv", 1, pvs=["/dev/sdc"],
                      program="lvresize"),
   ["lvresize", "-L", "+1m", "/dev/xenvg/lv", "/dev/sdc"]),
  (lvm.BuildLvListCmd(["xenvg"]),
   ["lvs", "--noheadings", "--units=m", "--nosuffix", "--separator=|",
    "-ovg_name,lv_name,lv_size,lv_attr", "xenvg"]),
  (lvm.BuildLvAttachCmd("/dev/xenvg/lv"),
   ["lvs", "--noheadings", "--units=k", "--nosuffix", "--separator=|",
    "-olv_attr,lv_kernel_major,lv_kernel_minor,vg_extent_size,stripes,"
    "devices", "/dev/xenvg/lv"]),
  (lvm.BuildLvsCmd(lvm.NODE_VOLUMES_FIELDS),
   ["lvs", "--noheadings", "--units=m", "--nosuffix", "--separator=|",
    "-olv_name,lv_size,devices,vg_name"]),
  (lvm.BuildVgsCmd(vgs=["xenvg"]),
   ["vgs"] + _REP + ["-ovg_name,vg_free,vg_attr,vg_size,pv_count", "xenvg"]),
  (lvm.BuildPvsCmd(),
   ["pvs"] + _REP + ["-opv_name,vg_name,pv_free,pv_attr,pv_size"]),
  (lvm.BuildVgReduceMissingCmd("xenvg"),
   ["vgreduce", "--removemissing", "xenvg"]),
  (lvm.BuildVgReduceMissingCmd("xenvg", force=True),
   ["vgreduce", "--removemissing", "--force", "xenvg"]),
  (lvm.BuildVgCheckCmd("xenvg"), ["vgs", "--noheadings", "--nosuffix",
                                  "xenvg"]),
])
def testBuilders(cmd, expected):
  assert cmd == expected


def testLvFullCmd():
  cmd = lvm.BuildLvFullCmd()
  assert cmd[:6] == ["lvs", "--noheadings", "--units", "B", "--separator",
                     ";"]
  assert cmd[7].split(",") == lvm.LV_FULL_FIELDS


@pytest.mark.parametrize("name", ["", ".", "..", "snapshot", "pvmove",
                                  "a b", "a/b", "x_mlog", "y_mimage1", "-x"])
def testBadNames(name):
  with pytest.raises(errors.BlockDeviceError):
    lvm.BuildLvCreateCmd("xenvg", name, 10)
  with pytest.raises(errors.BlockDeviceError):
    lvm.CheckName(name)


@pytest.mark.parametrize(("size", "stripes"), [(0, 1), (10, 0)])
def testBadCreate(size, stripes):
  with pytest.raises(errors.BlockDeviceError):
    lvm.BuildLvCreateCmd("xenvg", "lv", size, stripes=stripes)


def testBadGrow():
  with pytest.raises(errors.BlockDeviceError):
    lvm.BuildLvGrowCmd("/dev/xenvg/lv", 0)
  with pytest.raises(errors.BlockDeviceError):
    lvm.BuildLvGrowCmd("/dev/xenvg/lv", 1, program="lvreduce")


def testLvFullFixture():
  rows = lvm.ParseLvFull(_Read("lvs_lv.txt"))
  assert len(rows) == 2
  data, meta = rows
  assert data["lv_uuid"] == "nhasjL-cnZi-uqLS-WRLj-tkXI-nvCB-n0o2lj"
  assert data["lv_name"] == "df9ff3f6-a833-48ff-8bd5-bff2eaeab759.disk0_data"
  assert data["lv_attr"] == "-wi-ao"
  assert (data["lv_major"], data["lv_minor"]) == (-1, -1)
  assert (data["lv_kernel_major"], data["lv_kernel_minor"]) == (253, 0)
  assert data["lv_size"] == 1073741824
  assert data["seg_count"] == 1
  assert data["lv_tags"] == "originstname+instance1.example.com"
  assert data["modules"] == ""
  assert data["vg_name"] == "xenvg"
  assert data["segtype"] == "linear"
  assert data["seg_start"] == 0 and data["seg_start_pe"] == 0
  assert data["seg_pe_ranges"] == "/dev/sda5:0-15"
  assert data["devices"] == "/dev/sda5(0)"
  assert meta["lv_kernel_minor"] == 1 and meta["lv_size"] == 134217728
  assert meta["seg_pe_ranges"] == "/dev/sda5:16-17"
  assert lvm.SplitDevices(meta["devices"]) == ["/dev/sda5"]
  attr = lvm.LvAttr(data["lv_attr"])
  assert not attr.virtual and not attr.inactive and attr.online


@pytest.mark.parametrize(("attr", "virtual", "inactive", "online"), [
  ("-wi-ao----", False, False, True),
  ("-wi-a-----", False, False, False),
  ("-wi-------", False, True, False),
  ("vwi-a-v---", True, False, False),
  ("-wi-ao", False, False, True),
])
def testLvAttr(attr, virtual, inactive, online):
  a = lvm.LvAttr(attr)
  assert (a.virtual, a.inactive, a.online) == (virtual, inactive, online)


def testLvAttrBad():
  with pytest.raises(errors.BlockDeviceError):
    lvm.LvAttr("-wi")


def testLvList():
  out = ("  xenvg|inst1.disk0|1024.00|-wi-ao----\n"
         "  xenvg|inst2.disk0|512.00|-wi-------\n"
         "  xenvg|virt|10.00|vwi-a-v---\n"
         "\n"
         "  other|x|4.00|-wi-a-----\n")
  assert lvm.ParseLvList(out) == {
    "xenvg/inst1.disk0": (1024.0, False, True),
    "xenvg/inst2.disk0": (512.0, True, False),
    "other/x": (4.0, False, False),
  }


@pytest.mark.parametrize("out", [
  "  xenvg|lv|1024.00\n",
  "  xenvg|lv|big|-wi-ao----\n",
  "  xenvg|lv|1.0|-wi\n",
])
def testLvListBad(out):
  with pytest.raises(errors.BlockDeviceError):
    lvm.ParseLvList(out)


def testNodeVolumes():
  out = ("  a.disk0_data|1024.00|/dev/sda5(0)|xenvg\n"
         "  b.disk0|2048.00|/dev/sda5(272),/dev/sdb1(0)|xenvg\n")
  assert lvm.ParseNodeVolumes(out) == [
    {"name": "a.disk0_data", "size": 1024.0, "dev": ["/dev/sda5"],
     "vg": "xenvg"},
    {"name": "b.disk0", "size": 2048.0, "dev": ["/dev/sda5", "/dev/sdb1"],
     "vg": "xenvg"},
  ]


def testLvAttach():
  out = ("  -wi-a-----|253|3|4096.00|1|/dev/sda5(0)\n"
         "  -wi-ao----|253|4|4096.00|2|/dev/sda5(10),/dev/sdb1(0)\n")
  info = lvm.ParseLvAttach(out)
  assert info["attr"].online
  assert (info["major"], info["minor"]) == (253, 4)
  assert info["extent_size"] == 4096.0 and info["stripes"] == 2
  assert info["devices"] == ["/dev/sda5", "/dev/sdb1"]
  with pytest.raises(errors.BlockDeviceError):
    lvm.ParseLvAttach("")


def testVgs():
  out = ("  xenvg|1070.00|wz--n-|1340.00|2\n"
         "  ro_vg|10.00|r---n-|20.00|1\n"
         "  broken|5.00|wz-pn-|30.00|3\n")
  assert lvm.ParseVgs(out) == [
    {"name": "xenvg", "size": 1340.0, "free": 1070.0, "attr": "wz--n-",
     "partial": False, "pv_count": 2},
    {"name": "broken", "size": 30.0, "free": 5.0, "attr": "wz-pn-",
     "partial": True, "pv_count": 3},
  ]


def testPvs():
  out = ("  /dev/sda5|xenvg|100.00|a--|1340.00\n"
         "  /dev/sdb1|xenvg|0.00|---|10.00\n")
  assert lvm.ParsePvs(out) == [
    {"name": "/dev/sda5", "vg": "xenvg", "size": 1340.0, "free": 100.0,
     "attr": "a--"},
  ]


_UUID_OLD = "gg4cmC-4lrT-EN1v-39OA-6S2b-6eEI-wWlJJJ"
_UUID_NEW = "bHRa26-svpL-ihJX-e0S4-2HNz-wAAi-AlBFtl"


@pytest.mark.parametrize(("name", "missing", "not_found", "vgs"), [
  ("vgs-missing-pvs-2.02.02.txt", [_UUID_OLD], ["xenvg"], []),
  ("vgs-missing-pvs-2.02.66.txt", [_UUID_NEW], [],
   [{"name": "xenvg", "pv_count": 2, "lv_count": 52, "snap_count": 0,
     "attr": "wz-pn-", "size": "1.31t", "free": "1.07t"}]),
])
def testVgCheckMissing(name, missing, not_found, vgs):
  res = lvm.VgCheckResult(_Read(name))
  assert res.missing_pvs == missing
  assert res.not_found == not_found
  assert res.vgs == vgs
  assert not res.consistent


def testVgCheckConsistent():
  res = lvm.VgCheckResult("  xenvg   1  2   0 wz--n- 1.31t 1.07t\n")
  assert res.consistent and res.missing_pvs == []
  assert not lvm.VgCheckResult("  xenvg   1  2   0 wz--n- 1.31t 1.07t\n",
                               failed=True).consistent


@pytest.mark.parametrize(("name", "ok", "missing"), [
  ("vgreduce-removemissing-2.02.02.txt", True, [_UUID_OLD]),
  ("vgreduce-removemissing-2.02.66-ok.txt", True,
   ["NzfYON-F7ky-1Szf-aGf1-v8Xa-Bt1W-8V3bou"]),
  ("vgreduce-removemissing-2.02.66-fail.txt", False, [_UUID_NEW]),
])
def testVgReduce(name, ok, missing):
  out = _Read(name)
  assert lvm.VgReduceSucceeded(out) == ok
  assert lvm.VgReduceNeedsForce(out) == (not ok)
  assert lvm.FindMissingPvs(out) == missing
