"""xl argv builders and output parsers, on recorded xl outputs."""

import pytest

from ganeti import errors
from ganeti.hypervisor.hv_xen import xl

import xen_testlib as T

pytestmark = pytest.mark.unit


def testListDom0Only():
  text = T.ReadData("xen-xl-list-4.0.1-dom0-only.txt")
  assert xl.ParseXlList(text) == []
  assert xl.ParseXlList(text, include_node=True) == [
    ("Domain-0", 0, 1023, 1, xl.STATE_RUNNING, 121152.6)]


def testListFourInstances():
  text = T.ReadData("xen-xl-list-4.0.1-four-instances.txt")
  assert xl.ParseXlList(text) == [
    ("server01.example.com", 1, 1024, 1, xl.STATE_RUNNING, 167643.2),
    ("web3106215069.example.com", 3, 4096, 1, xl.STATE_RUNNING, 466690.9),
    ("testinstance.example.com", 2, 2048, 2, xl.STATE_RUNNING, 244443.0)]
  assert len(xl.ParseXlList(text, include_node=True)) == 4


def testListCrashedAndDyingSkipped():
  text = T.ReadData("xen-xl-list-4.4-crashed-instances.txt")
  names = [e[0] for e in xl.ParseXlList(text, include_node=True)]
  assert names == ["Domain-0", "server01.example.com"]


@pytest.mark.parametrize("flags,state", [
  ("r-----", xl.STATE_RUNNING), ("-b----", xl.STATE_RUNNING),
  ("------", xl.STATE_RUNNING), ("--p---", xl.STATE_PAUSED),
  ("---s--", xl.STATE_SHUTDOWN), ("--ps--", xl.STATE_SHUTDOWN),
  ("--psc-", xl.STATE_DYING), ("-----d", xl.STATE_DYING),
])
def testStateFlags(flags, state):
  assert xl.StateFromFlags(flags) == state


@pytest.mark.parametrize("text", [
  "Name ID Mem VCPUs State Time(s)\nfoo 1 2 3\n",
  "Name ID Mem VCPUs State Time(s)\nfoo x 2 3 r----- 1.0\n",
  "Name ID Mem VCPUs State Time(s)\nfoo 1 2 3 zz---- 1.0\n",
])
def testListBad(text):
  with pytest.raises(errors.HypervisorError, match="Can't parse instance"
                     "|Unknown Xen instance state"):
    xl.ParseXlList(text)


def testListLongIsNotTheShortFormat():
  # "xl list --long" (s-expressions) is not what ParseXlList reads
  with pytest.raises(errors.HypervisorError):
    xl.ParseXlList(T.ReadData("xen-xl-list-long-4.0.1.txt"))


def testInfo():
  info = xl.ParseXlInfo(T.ReadData("xen-xl-info-4.0.1.txt"))
  assert info == {"memory_total": 16378, "memory_free": 8004,
                  "cpu_total": 4, "cpu_nodes": 1, "cpu_cores": 2,
                  "cpu_threads": 1, "cpu_sockets": 2, "hv_version": (4, 0)}


def testInfoPartial():
  assert xl.ParseXlInfo("nr_cpus : 8\nbogus\n") == {"cpu_total": 8}


def testUptime():
  assert xl.ParseXlUptime(T.ReadData("xen-xl-uptime-4.0.1.txt")) == {
    "Domain-0": (0, 98 * 86400 + 2 * 3600 + 27 * 60 + 44),
    "instance1.example.com": (119, 15 * 86400 + 20 * 3600 + 57 * 60 + 7)}


def testUptimeNoDays():
  text = "Name ID Uptime\nfoo 3 0:05:01\nbar 4 1 day,  0:00:02\n"
  assert xl.ParseXlUptime(text) == {"foo": (3, 301), "bar": (4, 86402)}
  with pytest.raises(errors.HypervisorError, match="uptime"):
    xl.ParseXlUptime("Name ID Uptime\nfoo x 1:00\n")


def testArgv():
  assert xl.CreateArgs("/etc/xen/a", False) == ["create", "/etc/xen/a"]
  assert xl.CreateArgs("/etc/xen/a", True) == ["create", "-p", "/etc/xen/a"]
  assert xl.ShutdownArgs("a") == ["shutdown", "-w", "a"]
  assert xl.DestroyArgs("a") == ["destroy", "a"]
  assert xl.RebootArgs("a") == ["reboot", "a"]
  assert xl.MemSetArgs("a", 256) == ["mem-set", "a", "256m"]
  assert xl.ConsoleArgv("xl", "a") == ["xl", "console", "a"]


def testMigrateArgv():
  assert xl.MigrateArgs("xl", "inst", "192.0.2.5", 8002, True, "clu",
                        "/var/lib/ganeti/known_hosts", "/etc/xen/inst") == [
    "migrate", "-s",
    "ssh -l root -oGlobalKnownHostsFile=/var/lib/ganeti/known_hosts"
    " -oUserKnownHostsFile=/dev/null -oCheckHostIp=no"
    " -oStrictHostKeyChecking=yes -oHostKeyAlias=clu",
    "-C", "/etc/xen/inst", "inst", "192.0.2.5"]
  assert xl.MigrateArgs("xm", "inst", "n2", 8002, True, "clu", "k", "c") == \
    ["migrate", "-p", "8002", "-l", "inst", "n2"]
  assert xl.MigrateArgs("xm", "inst", "n2", 9000, False, "clu", "k", "c") == \
    ["migrate", "-p", "9000", "inst", "n2"]


def testXenCommand():
  assert xl.XenCommand(None) == "xl"
  assert xl.XenCommand({"xen_cmd": "xm"}) == "xm"
  with pytest.raises(errors.HypervisorError, match="Invalid Xen command"):
    xl.XenCommand({"xen_cmd": "virsh"})


def testRunXenUsesRunner(monkeypatch):
  fake = T.FakeXl({"info": [(0, "nr_cpus : 2\n", "")]})
  monkeypatch.setattr(xl, "runner", fake)
  assert xl.RunXen({"xen_cmd": "xm"}, ["info"]).stdout == "nr_cpus : 2\n"
  xl.RunXen(None, ["info"], timeout=5)
  assert fake.calls == [(["xm", "info"], None), (["xl", "info"], 5)]
