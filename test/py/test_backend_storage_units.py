"""node_info storage units, storage_list for LVM, the LVM list RPCs through
noded's dispatcher, and the vcluster ExtStorage links."""

import os

import pytest

from ganeti import backend
from ganeti import constants
from ganeti import pathutils
from ganeti.backend import node as backend_node
from ganeti.backend import storage_units
from ganeti.server import noded
from ganeti.storage import extstorage
from ganeti.tools import vcluster_setup

from storage_testlib import FakeRunner

pytestmark = pytest.mark.unit

_REP = ["--noheadings", "--nosuffix", "--units=m", "--unbuffered",
        "--separator=|"]
VGS_CMD = ["vgs"] + _REP + ["-ovg_name,vg_free,vg_attr,vg_size,pv_count"]
PVS_CMD = ["pvs"] + _REP + ["-opv_name,vg_name,pv_free,pv_attr,pv_size"]


def testNodeInfoStorage(monkeypatch, vnode):
  runner = FakeRunner(monkeypatch)
  runner.Expect(VGS_CMD, "  xenvg|2047.55|wz--n-|10236.00|2\n")
  runner.Expect(VGS_CMD, "  xenvg|2047.55|wz--n-|10236.00|2\n")
  runner.Expect(PVS_CMD, "  /dev/sda5|xenvg|100.00|a--|100.00\n"
                "  /dev/sdb1|xenvg|20.00|a--|100.00\n")
  units = [[constants.ST_LVM_VG, "xenvg", [False]],
           [constants.ST_LVM_VG, "missingvg", []],
           [constants.ST_LVM_PV, "xenvg", [False]],
           [constants.ST_LVM_PV, "xenvg", [True]],
           [constants.ST_FILE, "/srv/ganeti/file-storage", []],
           [constants.ST_RBD, "rbd", []],
           [constants.ST_EXT, "prov", []]]
  (bootid, storage, hvinfo) = backend_node.GetNodeInfo(units, [])
  runner.Done()
  assert bootid and hvinfo == []
  assert storage[0] == {"type": "lvm-vg", "name": "xenvg",
                        "storage_free": 2048, "storage_size": 10236}
  assert storage[1] == {"type": "lvm-vg", "name": "missingvg",
                        "storage_free": None, "storage_size": None}
  assert storage[2] == {"type": "lvm-pv", "name": "xenvg",
                        "storage_free": 0, "storage_size": 0}
  assert storage[3] == {"type": "lvm-pv", "name": "xenvg",
                        "storage_free": 1, "storage_size": 2}
  assert storage[4]["type"] == "file" and storage[4]["storage_size"] > 0
  assert storage[5] == {"type": "rados", "name": "rbd",
                        "storage_free": None, "storage_size": None}
  assert storage[6]["storage_size"] is None
  with pytest.raises(backend.RPCFail, match="boolean"):
    storage_units.GetStorageSpaceInfo([constants.ST_LVM_VG, "x", ["yes"]])


def testStorageListLvm(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(["vgs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator", "|", "--options", "vg_name,vg_size,vg_free"],
                "  xenvg|10236.00|2047.55\n  othervg|100.00|100.00\n")
  assert storage_units.StorageList(
    constants.ST_LVM_VG, [], None,
    ["name", "size", "used", "free", "allocatable", "type"]) == [
      ["xenvg", 10236, 8188, 2048, True, "lvm-vg"],
      ["othervg", 100, 0, 100, True, "lvm-vg"]]
  runner.Expect(["pvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator", "|", "--options",
                 "pv_name,pv_size,pv_used,pv_attr", "/dev/sda5"],
                "  /dev/sda5|10236.00|8188.45|a--\n")
  assert storage_units.StorageList(
    constants.ST_LVM_PV, [], "/dev/sda5",
    ["name", "size", "used", "allocatable"]) == \
    [["/dev/sda5", 10236, 8188, True]]
  runner.Expect(["pvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator", "|", "--options", "pv_name,pv_attr"],
                "  /dev/sdb1|---\n  garbage\n")
  assert storage_units.StorageList(constants.ST_LVM_PV, [], None,
                                   ["name", "allocatable"]) == \
    [["/dev/sdb1", False]]
  runner.Expect(["vgs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator", "|", "--options", "vg_name"], "", 5,
                "  Volume group \"nope\" not found")
  with pytest.raises(backend.RPCFail, match="not found"):
    storage_units.StorageList(constants.ST_LVM_VG, [], None, ["name"])
  with pytest.raises(backend.RPCFail, match="Unknown storage field 'bogus'"):
    storage_units.StorageList(constants.ST_LVM_VG, [], None, ["bogus"])
  with pytest.raises(backend.RPCFail, match="not supported"):
    storage_units.StorageList(constants.ST_RBD, [], None, ["name"])
  runner.Done()


def testLvmRpcsThroughNoded(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(["vgs", "--noheadings", "--units=m", "--nosuffix",
                 "-ovg_name,vg_size"], "  xenvg 10236.00\n")
  assert noded.ExecuteProcedure("vg_list", []) == [True, {"xenvg": 10236}]
  runner.Expect(["lvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator=|", "-ovg_name,lv_name,lv_size,lv_attr",
                 "xenvg"], "  xenvg|a|1024.00|-wi-ao----\n")
  assert noded.ExecuteProcedure("lv_list", ["xenvg"]) == \
    [True, {"xenvg/a": [1024.0, False, True]}]
  runner.Expect(["lvs", "--noheadings", "--units=m", "--nosuffix",
                 "--separator=|", "-olv_name,lv_size,devices,vg_name"], "",
                5, "  /dev/mapper/control: open failed")
  (ok, msg) = noded.ExecuteProcedure("node_volumes", [])
  assert not ok and "open failed" in msg
  assert noded.ExecuteProcedure("bdev_sizes", [["/etc/passwd",
                                                "/dev/null"]]) == [True, {}]
  runner.Done()


def testFileDiskGrowThroughNoded(vnode):
  with open(vnode.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("/srv/fs\n")
  disk = {"dev_type": "file", "size": 2, "logical_id":
          ["loop", "/srv/fs/i1/disk0"], "params": {}, "iv_name": "disk/0"}
  assert noded.ExecuteProcedure("blockdev_create",
                                [disk, 2, "i1", True, "x", False])[0]
  assert noded.ExecuteProcedure("blockdev_grow",
                                [disk, 3, False, True, False]) == [True, None]
  assert noded.ExecuteProcedure("blockdev_getdimensions", [[disk]]) == \
    [True, [[5 << 20, None]]]
  (ok, msg) = noded.ExecuteProcedure("blockdev_snapshot", [disk])
  assert not ok and "Cannot snapshot" in msg
  assert noded.ExecuteProcedure("blockdev_remove", [disk]) == [True, None]


def testVclusterLinksExtStorage(tmp_path):
  root = str(tmp_path / "node1")
  vcluster_setup._LinkExtStorageProviders(root)
  paths = pathutils.Paths(root)
  link = os.path.join(paths.EsSearchPath()[0], "pyganeti-file")
  assert os.path.islink(link)
  (ok, prov) = extstorage.LoadProvider("pyganeti-file", link)
  assert ok, prov
  vcluster_setup._LinkExtStorageProviders(root)  # idempotent
