"""The node side of the node operations: storage modify/repair (pure
command builders and the vgreduce/vgs judgement against recorded LVM
outputs), the OOB program runs (with the test OOB program), powercycle
scheduling, the OOB answer checks and file storage listing."""

import os

import pytest

from ganeti import backend
from ganeti import constants
from ganeti import errors
from ganeti import oob
from ganeti import vcluster
from ganeti.backend import node_oob
from ganeti.backend import node_storage
from ganeti.backend import storage_units
from ganeti.hypervisor import hv_base
from ganeti.hypervisor import hv_fake
from ganeti.server import noded
from ganeti.rpc import defs

from storage_testlib import FakeRunner

pytestmark = pytest.mark.unit

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data")
FAKE_OOB = os.path.join(_DATA, "oob", "fake-oob")


def _Fixture(name):
  with open(os.path.join(_DATA, name)) as fh:
    return fh.read()


def testProcedures():
  for name in ("storage_modify", "storage_execute", "node_powercycle",
               "run_oob"):
    assert name in noded.PROCEDURES and name in defs.CALLS_BY_NAME
  assert defs.CALLS_BY_NAME["run_oob"][2](["p", "health", "n", 30]) == 35


# storage_modify ------------------------------------------------------------
def testModifyCommands():
  assert node_storage.ModifyCommands(
    constants.ST_LVM_PV, "/dev/sdb1", {"allocatable": False}) == \
    [["pvchange", "--allocatable", "n", "/dev/sdb1"]]
  assert node_storage.ModifyCommands(
    constants.ST_LVM_PV, "/dev/sdb1", {"allocatable": True}) == \
    [["pvchange", "--allocatable", "y", "/dev/sdb1"]]
  for (stype, name, changes, message) in [
      (constants.ST_FILE, "/srv", {"allocatable": True}, "can not be"
       " modified"),
      (constants.ST_LVM_PV, "/dev/sdb1", {"size": 1}, "'size'"),
      (constants.ST_LVM_PV, "/dev/sdb1", {"allocatable": "no"}, "boolean"),
      (constants.ST_LVM_PV, None, {"allocatable": True}, "name is required"),
      ]:
    with pytest.raises(ValueError, match=message):
      node_storage.ModifyCommands(stype, name, changes)


def testModifyStorage(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(["pvchange", "--allocatable", "n", "/dev/sdb1"],
                "  Physical volume \"/dev/sdb1\" changed\n")
  node_storage.ModifyStorage(constants.ST_LVM_PV, [], "/dev/sdb1",
                             {"allocatable": False})
  runner.Expect(["pvchange", "--allocatable", "y", "/dev/sdc"], "", 5,
                "  Failed to find physical volume \"/dev/sdc\".")
  with pytest.raises(backend.RPCFail, match="Failed to find physical"):
    node_storage.ModifyStorage(constants.ST_LVM_PV, [], "/dev/sdc",
                               {"allocatable": True})
  with pytest.raises(backend.RPCFail, match="can not be modified"):
    node_storage.ModifyStorage(constants.ST_FILE, [["/srv"]], "/srv",
                               {"allocatable": True})
  runner.Done()


# storage_execute: vgreduce --removemissing ---------------------------------
_REDUCE = ["vgreduce", "--removemissing", "xenvg"]
_FORCE = ["vgreduce", "--removemissing", "--force", "xenvg"]
_CHECK = ["vgs", "--noheadings", "--nosuffix", "xenvg"]
_VGS_OK = "  xenvg   2  52   0 wz--n- 1.31t 1.07t\n"


def testRepairOldLvm(monkeypatch):
  """LVM 2.02.02 exits non-zero even when it wrote a consistent VG."""
  runner = FakeRunner(monkeypatch)
  runner.Expect(_REDUCE, "", 5,
                _Fixture("vgreduce-removemissing-2.02.02.txt"))
  runner.Expect(_CHECK, _VGS_OK)
  node_storage.ExecuteStorageOp(constants.ST_LVM_VG, [], "xenvg",
                                "fix-consistency")
  runner.Done()


def testRepairNeedsForce(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(_REDUCE, "", 5,
                _Fixture("vgreduce-removemissing-2.02.66-fail.txt"))
  runner.Expect(_FORCE, "",
                stderr=_Fixture("vgreduce-removemissing-2.02.66-ok.txt"))
  runner.Expect(_CHECK, _VGS_OK)
  node_storage.ExecuteStorageOp(constants.ST_LVM_VG, [], "xenvg",
                                "fix-consistency")
  runner.Done()


def testRepairStillInconsistent(monkeypatch):
  runner = FakeRunner(monkeypatch)
  runner.Expect(_REDUCE, "",
                stderr=_Fixture("vgreduce-removemissing-2.02.66-ok.txt"))
  runner.Expect(_CHECK, "", 0, _Fixture("vgs-missing-pvs-2.02.66.txt"))
  with pytest.raises(backend.RPCFail,
                     match="Volume group 'xenvg' still not consistent"):
    node_storage.ExecuteStorageOp(constants.ST_LVM_VG, [], "xenvg",
                                  "fix-consistency")
  runner.Expect(_REDUCE, "",
                stderr=_Fixture("vgreduce-removemissing-2.02.02.txt"))
  runner.Expect(_CHECK, "", 5, _Fixture("vgs-missing-pvs-2.02.02.txt"))
  with pytest.raises(backend.RPCFail, match="still not consistent"):
    node_storage.ExecuteStorageOp(constants.ST_LVM_VG, [], "xenvg",
                                  "fix-consistency")
  runner.Done()


@pytest.mark.parametrize("stype,name,op,message", [
  (constants.ST_LVM_PV, "/dev/sda", "fix-consistency", "not supported"),
  (constants.ST_LVM_VG, "xenvg", "defrag", "not supported"),
  (constants.ST_LVM_VG, None, "fix-consistency", "name is required"),
  (constants.ST_LVM_VG, "bad/name", "fix-consistency", "Invalid LVM name"),
])
def testRepairBadRequests(monkeypatch, stype, name, op, message):
  runner = FakeRunner(monkeypatch)
  with pytest.raises(backend.RPCFail, match=message):
    node_storage.ExecuteStorageOp(stype, [], name, op)
  runner.Done()


def testFileStorageListArgs(tmp_path, monkeypatch):
  """storage_list gets Ganeti's ``[[dir, ...]]`` arguments for files."""
  monkeypatch.delenv(vcluster.ENV_ROOTDIR, raising=False)
  (tmp_path / "inst").mkdir()
  (tmp_path / "inst" / "disk0").write_bytes(b"x" * (2 * 1024 * 1024))
  rows = storage_units.StorageList(constants.ST_FILE, [[str(tmp_path)]],
                                   None, ["name", "used", "allocatable"])
  assert rows == [[str(tmp_path), 2, True]]
  assert storage_units.StorageList(constants.ST_FILE, [str(tmp_path)],
                                   None, ["name"]) == [[str(tmp_path)]]


# OOB -----------------------------------------------------------------------
@pytest.mark.parametrize("command,payload,ok", [
  (oob.OOB_POWER_ON, None, True),
  (oob.OOB_POWER_OFF, {"x": 1}, False),
  (oob.OOB_POWER_STATUS, {"powered": True}, True),
  (oob.OOB_POWER_STATUS, {"powered": "yes"}, False),
  (oob.OOB_POWER_STATUS, [], False),
  (oob.OOB_HEALTH, [["disk0", "OK"], ["psu", "CRITICAL"]], True),
  (oob.OOB_HEALTH, [["disk0", "BROKEN"]], False),
  (oob.OOB_HEALTH, [["disk0"]], False),
  (oob.OOB_HEALTH, {"disk0": "OK"}, False),
])
def testCheckPayload(command, payload, ok):
  if ok:
    oob.CheckPayload(command, payload)
  else:
    with pytest.raises(errors.OpExecError,
                       match="Check of out-of-band payload failed"):
      oob.CheckPayload(command, payload)


def testParseOutput():
  assert oob.ParseOutput("") is None
  assert oob.ParseOutput(" \n") is None
  assert oob.ParseOutput('{"powered": false}\n') == {"powered": False}
  with pytest.raises(errors.OpExecError, match="Can't parse"):
    oob.ParseOutput("powered")


def testRunOob(tmp_path, monkeypatch):
  monkeypatch.setenv("FAKE_OOB_DIR", str(tmp_path))
  assert node_oob.BuildOobCommand("/bin/oob", "health", "node1") == \
    ["/bin/oob", "health", "node1"]
  assert oob.ParseOutput(node_oob.RunOob(FAKE_OOB, "power-status", "n1",
                                         10)) == {"powered": True}
  assert node_oob.RunOob(FAKE_OOB, "power-off", "n1", 10) == ""
  assert oob.ParseOutput(node_oob.RunOob(FAKE_OOB, "power-status", "n1",
                                         10)) == {"powered": False}
  (tmp_path / "n1.fail").write_text("no BMC\n")
  with pytest.raises(backend.RPCFail, match="failed with reason .*no BMC"):
    node_oob.RunOob(FAKE_OOB, "health", "n1", 10)
  with pytest.raises(backend.RPCFail, match="not an absolute path"):
    node_oob.RunOob("fake-oob", "health", "n1", 10)
  assert (tmp_path / "log").read_text().splitlines() == [
    "power-status n1", "power-off n1", "power-status n1", "health n1"]


def testPowercycleRefusedOnVirtualCluster(monkeypatch):
  monkeypatch.setattr(vcluster, "IsVirtual", lambda env=None: True)
  with pytest.raises(backend.RPCFail, match="virtual cluster"):
    node_oob.PowercycleNode(constants.HT_FAKE, {})


def testPowercycleSchedules(monkeypatch):
  monkeypatch.setattr(vcluster, "IsVirtual", lambda env=None: False)
  forks = []
  monkeypatch.setattr(os, "fork", lambda: forks.append(1) or 4242)
  assert node_oob.PowercycleNode(constants.HT_FAKE, {}) == \
    "Reboot scheduled in 5 seconds"
  assert forks == [1]

  class _NoCycle(hv_fake.FakeHypervisor):
    PowercycleNode = hv_base.BaseHypervisor.PowercycleNode
  monkeypatch.setattr(node_oob.hypervisor, "GetHypervisor",
                      lambda name: _NoCycle())
  with pytest.raises(backend.RPCFail, match="does not support"):
    node_oob.PowercycleNode(constants.HT_FAKE, {})
  assert forks == [1]
