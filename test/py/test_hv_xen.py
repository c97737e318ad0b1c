"""The Xen drivers against a fake xl that replays outputs, records argv."""

import os

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti.hypervisor import hv_base
from ganeti.hypervisor import hv_xen
from ganeti.hypervisor.hv_xen import params as P
from ganeti.hypervisor.hv_xen import xl

import xen_testlib as T

pytestmark = pytest.mark.unit

NAME = "inst1.example.com"
RUNNING = T.ListOutput((NAME, 7, 512, 2, "-b----", 12.5))
EMPTY = T.ListOutput()
INFO = T.ReadData("xen-xl-info-4.0.1.txt")


@pytest.fixture
def fake(monkeypatch, vnode):
  fake = T.FakeXl()
  monkeypatch.setattr(xl, "runner", fake)
  return fake


def _Pvm():
  return hypervisor.GetHypervisor(constants.HT_XEN_PVM)


def _CfgFile(name=NAME):
  return hv_xen.XenHypervisor._ConfigFileName(name)


def testRegistry():
  assert isinstance(_Pvm(), hv_xen.XenPvmHypervisor)
  assert isinstance(hypervisor.GetHypervisor(constants.HT_XEN_HVM),
                    hv_xen.XenHvmHypervisor)


@pytest.mark.parametrize("cls,hv", [
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM),
  (hv_xen.XenHvmHypervisor, constants.HT_XEN_HVM)])
def testParametersMatchDefaults(cls, hv):
  assert set(cls.PARAMETERS) == set(constants.HVC_DEFAULTS[hv])
  cls.CheckParameterSyntax(dict(constants.HVC_DEFAULTS[hv]))


@pytest.mark.parametrize("cls,hv,key,value,msg", [
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "cpu_mask", "1-a",
   "CPU mask"),
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "xen_cmd", "virsh",
   "must be one of"),
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "kernel_path", "vmlinuz",
   "absolute path"),
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "migration_port", 70000,
   "port"),
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "cpu_weight", 70000,
   "between"),
  (hv_xen.XenPvmHypervisor, constants.HT_XEN_PVM, "reboot_behavior", "no",
   "must be one of"),
  (hv_xen.XenHvmHypervisor, constants.HT_XEN_HVM, "boot_order", "cx",
   "boot order"),
  (hv_xen.XenHvmHypervisor, constants.HT_XEN_HVM, "nic_type", "virtio",
   "must be one of"),
  (hv_xen.XenHvmHypervisor, constants.HT_XEN_HVM, "vnc_bind_address", "eth0",
   "IP address"),
  (hv_xen.XenHvmHypervisor, constants.HT_XEN_HVM, "disk_type", "scsi",
   "must be one of"),
])
def testParameterSyntaxErrors(cls, hv, key, value, msg):
  hvp = dict(constants.HVC_DEFAULTS[hv], **{key: value})
  with pytest.raises(errors.HypervisorError, match=msg):
    cls.CheckParameterSyntax(hvp)


def testPvmNeedsKernelOrBootloader():
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_XEN_PVM],
             use_bootloader=True, bootloader_path="")
  with pytest.raises(errors.HypervisorError, match="boot loader path"):
    hv_xen.XenPvmHypervisor.CheckParameterSyntax(hvp)


def testValidateParametersOnNode(tmp_path):
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_XEN_PVM],
             kernel_path=str(tmp_path / "missing"))
  with pytest.raises(errors.HypervisorError, match="kernel_path.*not found"):
    _Pvm().ValidateParameters(hvp)
  (tmp_path / "vmlinuz").write_text("k")
  hvp["kernel_path"] = str(tmp_path / "vmlinuz")
  _Pvm().ValidateParameters(hvp)


def testListAndInfo(fake):
  fake.Set("list", (0, T.ReadData("xen-xl-list-4.0.1-four-instances.txt"),
                    ""))
  hv = _Pvm()
  assert hv.ListInstances() == ["server01.example.com",
                                "web3106215069.example.com",
                                "testinstance.example.com"]
  assert hv.GetInstanceInfo("testinstance.example.com") == \
    ("testinstance.example.com", 2, 2048, 2, "running", 244443.0)
  assert hv.GetInstanceInfo("nosuch") is None
  assert len(hv.GetAllInstancesInfo()) == 3
  assert fake.Argvs() == [["xl", "list"]] * 4


def testListFailure(fake):
  fake.Set("list", (1, "", "xc: error: Could not obtain handle"))
  with pytest.raises(errors.HypervisorError,
                     match="Can't list instances: exited with exit code 1,"
                     " xc: error"):
    _Pvm().ListInstances()


def testNodeInfo(fake):
  fake.Set("info", (0, INFO, ""))
  fake.Set("list", (0, T.ReadData("xen-xl-list-4.0.1-four-instances.txt"),
                    ""))
  info = _Pvm().GetNodeInfo()
  assert info["memory_total"] == 16378
  assert info["memory_free"] == 8004
  assert info["memory_dom0"] == 1023
  assert info["cpu_dom0"] == 1
  assert info["instances"] == 3
  assert info["memory_hv"] == 16378 - 8004 - (1024 + 4096 + 2048) - 1023
  assert (info["cpu_total"], info["cpu_sockets"], info["cpu_nodes"]) == \
    (4, 2, 1)
  assert info["hv_version"] == (4, 0)


def testVerify(fake):
  fake.Set("info", (0, INFO, ""))
  assert _Pvm().Verify() is None
  fake.Set("info", (1, "", "command not found"))
  assert _Pvm().Verify() == ("Cannot run 'xl info': exited with exit code 1,"
                             " command not found")
  assert "Invalid Xen command" in _Pvm().Verify({"xen_cmd": "foo"})


def testStartPvm(fake):
  fake.Set("info", (0, INFO, ""))
  fake.Set("list", (0, EMPTY, ""))
  fake.Set("create", (0, "", ""))
  inst = T.MakeInstance(maxmem=512, minmem=256)
  _Pvm().StartInstance(inst, [(T.Disk(), "/dev/xenvg/d0", None)], False)
  assert fake.Argvs("create") == [["xl", "create", _CfgFile()]]
  with open(_CfgFile()) as fh:
    text = fh.read()
  assert "memory = 512\n" in text and "name = '%s'\n" % NAME in text
  assert "disk = ['phy:/dev/xenvg/d0,sda,w']\n" in text
  assert os.path.dirname(_CfgFile()).endswith("/node1/etc/xen")
  nicfile = os.path.join(hv_xen.XenHypervisor._NicDir(NAME), "0")
  with open(nicfile) as fh:
    assert fh.read() == ("INSTANCE=%s\nMAC=aa:00:00:11:22:33\nMODE=bridged\n"
                         "LINK=xen-br0\n" % NAME)


def testStartMemoryLimitedByFree(fake):
  fake.Set("info", (0, INFO.replace("8004", "300"), ""))
  fake.Set("list", (0, EMPTY, ""))
  fake.Set("create", (0, "", ""))
  _Pvm().StartInstance(T.MakeInstance(maxmem=512, minmem=256), [], True)
  assert fake.Argvs("create") == [["xl", "create", "-p", _CfgFile()]]
  with open(_CfgFile()) as fh:
    assert "memory = 300\nmaxmem = 512\n" in fh.read()


def testStartFailureLeavesNothing(fake):
  fake.Set("info", (0, INFO, ""))
  fake.Set("list", (0, EMPTY, ""))
  fake.Set("create", (1, "", "libxl: error: bridge xen-br0 not found"))
  with pytest.raises(errors.HypervisorError,
                     match="Failed to start instance %s: exited with exit"
                     " code 1 \\(libxl: error: bridge" % NAME):
    _Pvm().StartInstance(T.MakeInstance(), [], False)
  assert not os.path.exists(_CfgFile())
  assert not os.path.exists(hv_xen.XenHypervisor._NicDir(NAME))


def testStartHvmVncPassword(fake, tmp_path):
  fake.Set("info", (0, INFO, ""))
  fake.Set("list", (0, EMPTY, ""))
  fake.Set("create", (0, "", ""))
  pw = tmp_path / "vncpw"
  pw.write_text("hunter2\n")
  inst = T.MakeInstance(hv=constants.HT_XEN_HVM,
                        hvparams={"vnc_password_file": str(pw)})
  hv = hypervisor.GetHypervisor(constants.HT_XEN_HVM)
  hv.StartInstance(inst, [], False)
  with open(_CfgFile()) as fh:
    assert "vncpasswd = 'hunter2'\n" in fh.read()
  os.unlink(_CfgFile())
  pw.unlink()
  with pytest.raises(errors.HypervisorError,
                     match="Failed to open VNC password file"):
    hv.StartInstance(inst, [], False)
  assert not os.path.exists(_CfgFile())


def _Started(fake):
  fake.Set("info", (0, INFO, ""))
  fake.Set("list", (0, EMPTY, ""))
  fake.Set("create", (0, "", ""))
  inst = T.MakeInstance()
  _Pvm().StartInstance(inst, [], False)
  return inst


def testStopSoft(fake):
  inst = _Started(fake)
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("shutdown", (0, "", ""))
  _Pvm().StopInstance(inst, timeout=30)
  assert fake.calls[-1] == (["xl", "shutdown", "-w", NAME], 30)
  assert not fake.Argvs("destroy")
  assert not os.path.exists(_CfgFile())


def testStopSoftTimesOutThenDestroys(fake):
  inst = _Started(fake)
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("shutdown", (None and 0, "", ""))
  fake.answers["shutdown"] = [(1, "", "killed")]
  fake.Set("destroy", (0, "", ""))
  _Pvm().StopInstance(inst, timeout=5)
  assert fake.Argvs("destroy") == [["xl", "destroy", NAME]]
  assert not os.path.exists(_CfgFile())


def testStopForce(fake):
  inst = _Started(fake)
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("destroy", (0, "", ""))
  _Pvm().StopInstance(inst, force=True)
  assert not fake.Argvs("shutdown")
  assert fake.Argvs("destroy") == [["xl", "destroy", NAME]]


def testStopUserShutdownDomainIsDestroyed(fake):
  inst = _Started(fake)
  fake.Set("list", (0, T.ListOutput((NAME, 7, 512, 2, "---s--", 1.0)), ""))
  fake.Set("destroy", (0, "", ""))
  _Pvm().StopInstance(inst)
  assert not fake.Argvs("shutdown")
  assert fake.Argvs("destroy") == [["xl", "destroy", NAME]]


def testStopErrors(fake):
  inst = T.MakeInstance()
  fake.Set("list", (0, EMPTY, ""))
  with pytest.raises(errors.HypervisorError, match="not running"):
    _Pvm().StopInstance(inst)
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("destroy", (1, "", "domain busy"))
  with pytest.raises(errors.HypervisorError,
                     match="Failed to stop instance %s: exited with exit"
                     " code 1, domain busy" % NAME):
    _Pvm().StopInstance(inst, force=True)


def testReboot(fake, monkeypatch):
  monkeypatch.setattr(hv_xen.XenHypervisor, "POLL_INTERVAL", 0.001)
  inst = T.MakeInstance()
  after = T.ListOutput((NAME, 8, 512, 2, "r-----", 0.2))
  fake.Set("list", (0, RUNNING, ""), (0, RUNNING, ""), (0, after, ""))
  fake.Set("reboot", (0, "", ""))
  _Pvm().RebootInstance(inst)
  assert fake.Argvs("reboot") == [["xl", "reboot", NAME]]
  assert len(fake.Argvs("list")) == 3


def testRebootTimeoutAndFailure(fake, monkeypatch):
  monkeypatch.setattr(hv_xen.XenHypervisor, "POLL_INTERVAL", 0.001)
  monkeypatch.setattr(hv_xen.XenHypervisor, "REBOOT_TIMEOUT", 0.05)
  inst = T.MakeInstance()
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("reboot", (0, "", ""))
  with pytest.raises(errors.HypervisorError,
                     match="did not reboot in time"):
    _Pvm().RebootInstance(inst)
  fake.Set("reboot", (1, "", "no such domain"))
  with pytest.raises(errors.HypervisorError,
                     match="Failed to reboot instance %s: exited with"
                     " exit code 1, no such domain" % NAME):
    _Pvm().RebootInstance(inst)
  fake.Set("list", (0, EMPTY, ""))
  with pytest.raises(errors.HypervisorError, match="not running"):
    _Pvm().RebootInstance(inst)


def testBalloon(fake):
  inst = _Started(fake)
  fake.Set("mem-set", (0, "", ""))
  _Pvm().BalloonInstanceMemory(inst, 300)
  assert fake.Argvs("mem-set") == [["xl", "mem-set", NAME, "300m"]]
  with open(_CfgFile()) as fh:
    assert "memory = 300\nmaxmem = 512\n" in fh.read()
  fake.Set("mem-set", (1, "", "out of memory"))
  with pytest.raises(errors.HypervisorError,
                     match="Failed to balloon instance"):
    _Pvm().BalloonInstanceMemory(inst, 9000)


def testConsole():
  inst = T.MakeInstance(hvparams={"xen_cmd": "xm"})
  assert _Pvm().GetInstanceConsole(inst, "node2.example.com") == {
    "instance": NAME, "kind": constants.CONS_SSH,
    "host": "node2.example.com", "user": "root",
    "command": ["xm", "console", NAME]}


def testMigrationXl(fake):
  inst = _Started(fake)
  src = _Pvm()
  info = src.MigrationInfo(inst)
  with open(_CfgFile()) as fh:
    assert info == fh.read()
  fake.Set("list", (0, RUNNING, ""))
  fake.Set("migrate", (0, "", ""))
  src.MigrateInstance("cluster.example.com", inst, "node2.example.com", True)
  [argv] = fake.Argvs("migrate")
  assert argv[:3] == ["xl", "migrate", "-s"]
  assert "-oHostKeyAlias=cluster.example.com" in argv[3]
  assert argv[4:] == ["-C", _CfgFile(), NAME, "node2.example.com"]
  src.FinalizeMigrationSource(inst, True, True)
  assert not os.path.exists(_CfgFile())
  # the target side (same node directory here): accept, then fail
  dst = _Pvm()
  dst.AcceptInstance(inst, info, "node2.example.com")
  with open(_CfgFile()) as fh:
    assert fh.read() == info
  dst.FinalizeMigrationDst(inst, info, False)
  assert not os.path.exists(_CfgFile())


def testMigrationErrors(fake, monkeypatch):
  inst = T.MakeInstance(hvparams={"xen_cmd": "xm"})
  fake.Set("list", (0, EMPTY, ""))
  with pytest.raises(errors.HypervisorError, match="not running, cannot"):
    _Pvm().MigrateInstance("c", inst, "127.0.0.1", True)
  fake.Set("list", (0, RUNNING, ""))
  monkeypatch.setattr(hv_xen, "_TcpPing", lambda host, port: False)
  with pytest.raises(errors.HypervisorError,
                     match="not listening on port 8002"):
    _Pvm().MigrateInstance("c", inst, "127.0.0.1", True)
  assert not fake.Argvs("migrate")
  monkeypatch.setattr(hv_xen, "_TcpPing", lambda host, port: True)
  fake.Set("migrate", (1, "", "Error: can't connect"))
  with pytest.raises(errors.HypervisorError,
                     match="Failed to migrate instance %s: Error" % NAME):
    _Pvm().MigrateInstance("c", inst, "127.0.0.1", False)
  assert fake.Argvs("migrate") == [["xm", "migrate", "-p", "8002", NAME,
                                    "127.0.0.1"]]


@pytest.mark.skipif(not hasattr(hv_base, "MigrationStatus") or
                    not hasattr(constants, "HV_MIGRATION_COMPLETED"),
                    reason="hv_base.MigrationStatus comes with the instops"
                    " branch")
def testMigrationStatus():
  status = _Pvm().GetMigrationStatus(T.MakeInstance())
  assert status.status == constants.HV_MIGRATION_COMPLETED


def testCpuMaskParser():
  assert P.ParseMultiCpuMask("0-2,5:all") == [[0, 1, 2, 5], None]


def testValidateBootloaderOnlyWhenUsed(tmp_path):
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_XEN_PVM],
             use_bootloader=True, kernel_path=str(tmp_path / "missing"),
             bootloader_path=str(tmp_path / "pygrub"))
  with pytest.raises(errors.HypervisorError, match="bootloader_path"):
    _Pvm().ValidateParameters(hvp)
  (tmp_path / "pygrub").write_text("#!/bin/sh\n")
  _Pvm().ValidateParameters(hvp)


def testToolstackMissing(vnode, monkeypatch):
  def _NoXl(argv, timeout=None):
    raise errors.OpExecError("Can't execute '%s': No such file or directory"
                             % " ".join(argv))
  monkeypatch.setattr(xl, "runner", _NoXl)
  with pytest.raises(errors.HypervisorError, match="Can't execute 'xl list'"):
    _Pvm().ListInstances()
  assert _Pvm().Verify() == ("Cannot run 'xl info': Can't execute 'xl info':"
                             " No such file or directory")
  with pytest.raises(errors.HypervisorError,
                     match="Failed to start instance %s: Can't execute" %
                     NAME):
    _Pvm().StartInstance(T.MakeInstance(), [], False)
  assert not os.path.exists(_CfgFile())


def testToolstackMissingForReal(vnode, monkeypatch):
  # the default runner really runs the program
  monkeypatch.setenv("PATH", str(vnode.RUN_DIR))
  with pytest.raises(errors.HypervisorError, match="Can't execute 'xl list'"):
    _Pvm().ListInstances()
