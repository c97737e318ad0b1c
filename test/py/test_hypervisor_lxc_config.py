"""hv_lxc.lxc_config: container configuration, parameter checks, parsers of
lxc-* outputs recorded from LXC 5.0.2 (test/data/lxc)."""

import os

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.hypervisor import hv_lxc
from ganeti.hypervisor.hv_lxc import lxc_config

pytestmark = pytest.mark.unit

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "lxc")


def _Data(name):
  with open(os.path.join(DATA, name)) as fh:
    return fh.read()


def _Instance(hvp=None, bep=None, nics=None, name="inst1.example.com"):
  hvparams = dict(constants.HVC_DEFAULTS[constants.HT_LXC])
  hvparams.update(hvp or {})
  beparams = {constants.BE_MAXMEM: 256, constants.BE_MINMEM: 128,
              constants.BE_VCPUS: 1}
  beparams.update(bep or {})
  return objects.Instance(name=name, uuid="0123-uuid", hvparams=hvparams,
                          beparams=beparams, nics=nics or [],
                          hypervisor=constants.HT_LXC)


def _Nic(mac="aa:00:00:12:34:56", mode="bridged", link="br0"):
  return objects.NIC(mac=mac, nicparams={constants.NIC_MODE: mode,
                                         constants.NIC_LINK: link})


def _Lines(text):
  return [line for line in text.splitlines() if not line.startswith("#")]


def testDefaultConfigCgroupV1():
  conf = lxc_config.BuildConfig(_Instance(), "/srv/root", "/run/c.log",
                                lxc_config.CGROUP_V1, swap_limit=True)
  assert conf.endswith("\n")
  lines = _Lines(conf)
  assert lines[:8] == [
    "lxc.uts.name = inst1.example.com",
    "lxc.rootfs.path = dir:/srv/root",
    "lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
    "lxc.autodev = 1",
    "lxc.pty.max = 255",
    "lxc.tty.max = 6",
    "lxc.console.logfile = /run/c.log",
    "lxc.cgroup.memory.limit_in_bytes = 256M",
  ]
  assert "lxc.cgroup.memory.memsw.limit_in_bytes = 256M" in lines
  # no cpu_mask: no cpuset
  assert not [line for line in lines if "cpuset" in line]
  # devices: deny all, then the ten default rules in order
  start = lines.index("lxc.cgroup.devices.deny = a")
  allowed = lines[start + 1:start + 11]
  assert allowed == ["lxc.cgroup.devices.allow = %s" % rule for rule in
                     constants.HVC_DEFAULTS["lxc"]["devices"].split(",")]
  assert [line for line in lines if line.startswith("lxc.cap.drop")] == [
    "lxc.cap.drop = mac_override", "lxc.cap.drop = sys_boot",
    "lxc.cap.drop = sys_module", "lxc.cap.drop = sys_time",
    "lxc.cap.drop = sys_admin"]
  assert not [line for line in lines if line.startswith("lxc.net")]


def testConfigCgroupV2():
  conf = lxc_config.BuildConfig(_Instance(hvp={"cpu_mask": "1-2"},
                                          bep={"vcpus": 2, "maxmem": 128}),
                                "/r", "/c", lxc_config.CGROUP_V2,
                                swap_limit=True)
  lines = _Lines(conf)
  assert "lxc.cgroup2.memory.max = 134217728" in lines
  assert "lxc.cgroup2.memory.swap.max = 0" in lines
  assert "lxc.cgroup2.cpuset.cpus = 1,2" in lines
  assert "lxc.cgroup2.devices.deny = a" in lines
  assert "lxc.cgroup2.devices.allow = c 136:* rw" in lines
  assert not [line for line in lines if line.startswith("lxc.cgroup.")]


@pytest.mark.parametrize("swap_limit", [False, True])
def testSwapLimitOnlyIfAvailable(swap_limit):
  conf = lxc_config.BuildConfig(_Instance(), "/r", "/c", swap_limit=swap_limit)
  assert ("memsw" in conf) == swap_limit


@pytest.mark.parametrize(("hvp", "present", "absent"), [
  ({"num_ttys": 0}, [], ["lxc.tty.max"]),
  ({"num_ttys": 2}, ["lxc.tty.max = 2"], []),
  ({"drop_capabilities": ""}, [], ["lxc.cap.drop"]),
  ({"devices": ""}, ["lxc.cgroup.devices.deny = a"],
   ["lxc.cgroup.devices.allow"]),
  ({"devices": "b 7:* rwm, c 10:200 rw"},
   ["lxc.cgroup.devices.allow = b 7:* rwm",
    "lxc.cgroup.devices.allow = c 10:200 rw"], []),
  ({"cpu_mask": "all"}, [], ["cpuset"]),
  ({"cpu_mask": "3"}, ["lxc.cgroup.cpuset.cpus = 3"], []),
  ({"extra_config": "lxc.apparmor.profile = unconfined,lxc.environment=A=1"},
   ["# User defined configuration (extra_config)",
    "lxc.apparmor.profile = unconfined", "lxc.environment=A=1"], []),
])
def testConfigFromHvparams(hvp, present, absent):
  conf = lxc_config.BuildConfig(_Instance(hvp=hvp), "/r", "/c")
  lines = conf.splitlines()
  for line in present:
    assert line in lines
  for prefix in absent:
    assert not [line for line in lines if prefix in line], prefix


def testExtraConfigComesLast():
  conf = lxc_config.BuildConfig(
    _Instance(hvp={"extra_config": "lxc.init.cmd = /bin/sh"}), "/r", "/c")
  assert conf.splitlines()[-1] == "lxc.init.cmd = /bin/sh"


def testNics():
  inst = _Instance(nics=[_Nic(), _Nic(mac="AA:00:00:00:00:02", link="br1")])
  lines = lxc_config.BuildConfig(inst, "/r", "/c").splitlines()
  start = lines.index("# NIC 0")
  assert lines[start:start + 13] == [
    "# NIC 0",
    "lxc.net.0.type = veth", "lxc.net.0.link = br0",
    "lxc.net.0.hwaddr = aa:00:00:12:34:56", "lxc.net.0.name = eth0",
    "lxc.net.0.flags = up",
    "# NIC 1",
    "lxc.net.1.type = veth", "lxc.net.1.link = br1",
    "lxc.net.1.hwaddr = aa:00:00:00:00:02", "lxc.net.1.name = eth1",
    "lxc.net.1.flags = up",
    "lxc.cap.drop = mac_override",
  ]


@pytest.mark.parametrize(("nic", "message"), [
  (_Nic(mode="routed"), "only supports bridged mode \\(NIC 0 has mode"
                        " routed\\)"),
  (_Nic(mode="openvswitch"), "only supports bridged mode"),
  (_Nic(link=""), "NIC 0 has no bridge"),
  (_Nic(mac="zz:00"), "invalid MAC address 'zz:00'"),
])
def testBadNics(nic, message):
  with pytest.raises(errors.HypervisorError, match=message):
    lxc_config.BuildConfig(_Instance(nics=[nic]), "/r", "/c")


def testCpuMaskMustMatchVcpus():
  with pytest.raises(errors.HypervisorError,
                     match=r"Number of VCPUs \(1\) doesn't match the number"
                           r" of CPUs in the cpu_mask \(3\)"):
    lxc_config.BuildConfig(_Instance(hvp={"cpu_mask": "0-2"}), "/r", "/c")


@pytest.mark.parametrize(("mask", "cpus"), [
  ("", []), ("all", []), ("0", [0]), ("0-3", [0, 1, 2, 3]),
  ("5,1-2", [1, 2, 5]), (" 2 , 2 ", [2]), ("7-7", [7]),
])
def testParseCpuMask(mask, cpus):
  assert lxc_config.ParseCpuMask(mask) == cpus
  assert lxc_config.IsValidCpuMask(mask)


@pytest.mark.parametrize("mask", ["1:2", "a", "3-1", "1,", "-1", "1-2-3"])
def testBadCpuMask(mask):
  assert not lxc_config.IsValidCpuMask(mask)
  with pytest.raises(errors.HypervisorError, match="Invalid CPU mask"):
    lxc_config.ParseCpuMask(mask)


@pytest.mark.parametrize(("value", "ok"), [
  (constants.HVC_DEFAULTS["lxc"]["devices"], True), ("", True), ("a", True),
  ("b *:* m", True), ("c 1:3", False), ("x 1:3 rw", False),
  ("c 1:3 rwx", False), ("c 1 rw", False),
])
def testDeviceRules(value, ok):
  assert lxc_config.IsValidDeviceList(value) == ok


def testCheckParameterSyntax():
  cls = hv_lxc.LXCHypervisor
  good = dict(constants.HVC_DEFAULTS[constants.HT_LXC])
  assert set(cls.PARAMETERS) == set(good)
  cls.CheckParameterSyntax(good)
  for (key, value, message) in [
      ("cpu_mask", "0:1", "Parameter 'cpu_mask' fails syntax check"),
      ("devices", "c 1:3", "'devices' fails syntax check"),
      ("drop_capabilities", "SYS_ADMIN", "'drop_capabilities' fails"),
      ("extra_cgroups", "memory,Bad!", "'extra_cgroups' fails"),
      ("extra_config", "not a config line", "'extra_config' fails"),
      ("num_ttys", -1, "'num_ttys' fails syntax check"),
      ("num_ttys", 0, "'num_ttys' is required"),
      ("startup_timeout", -5, "'startup_timeout' fails syntax check"),
  ]:
    with pytest.raises(errors.HypervisorError, match=message):
      cls.CheckParameterSyntax(dict(good, **{key: value}))
  with pytest.raises(errors.HypervisorError, match="'foo' is not supported"):
    cls.CheckParameterSyntax(dict(good, foo=1))
  missing = dict(good)
  del missing["devices"]
  with pytest.raises(errors.HypervisorError, match="'devices' is missing"):
    cls.CheckParameterSyntax(missing)


# -- parsers, on recorded outputs -------------------------------------------

def testParseLxcLs():
  assert lxc_config.ParseLxcLs(_Data("lxc-ls-running-1.txt")) == ["t1", "t2"]
  assert lxc_config.ParseLxcLs(_Data("lxc-ls-running-none.txt")) == []


def testParseLxcInfo():
  info = lxc_config.ParseLxcInfo(_Data("lxc-info-running-H.txt"))
  assert info == {"State": "RUNNING", "PID": "8958", "CPU use": "4894797",
                  "BlkIO use": "0", "Memory use": "528384",
                  "KMem use": "180224"}
  human = lxc_config.ParseLxcInfo(_Data("lxc-info-running.txt"))
  assert human["Name"] == "t1"
  assert human["CPU use"] == "0.00 seconds"
  assert lxc_config.ParseLxcInfo(_Data("lxc-info-stopped-H.txt")) == {
    "State": "STOPPED"}


def testParseVersion():
  assert lxc_config.ParseLxcVersion(_Data("lxc-start-version.txt")) == \
    (5, 0, 2)
  assert lxc_config.ParseLxcVersion("4.0\n") == (4, 0, 0)
  with pytest.raises(errors.HypervisorError, match="Can't parse LXC"):
    lxc_config.ParseLxcVersion("lxc-start: not found")


def testParseCgroupValues():
  assert lxc_config.ParseMemoryLimit(_Data("lxc-cgroup-memory-limit.txt")) \
    == 128
  assert lxc_config.ParseMemoryLimit("9223372036854771712\n") is None
  assert lxc_config.ParseMemoryLimit("max\n") is None
  assert lxc_config.ParseMemoryLimit("268435456") == 256
  assert lxc_config.ParseCgroupCpuList(_Data("lxc-cgroup-cpuset.txt")) == [0]
  assert lxc_config.ParseCgroupCpuList("0-1,3\n") == [0, 1, 3]


def testParseProcFiles():
  assert lxc_config.ParseProcCgroups(_Data("proc-cgroups.txt")) == [
    "cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer",
    "net_cls", "perf_event", "net_prio", "hugetlb", "pids"]
  mounts = lxc_config.ParseMounts(_Data("proc-mounts-cgroup-hybrid.txt"))
  assert mounts[0] == ("/sys/fs/cgroup", "tmpfs",
                       ["rw", "relatime", "mode=755"])
  assert ("/sys/fs/cgroup/memory", "cgroup", ["rw", "relatime", "memory"]) \
    in mounts
  assert mounts[-1] == ("/sys/fs/cgroup/unified", "cgroup2",
                        ["rw", "relatime"])
