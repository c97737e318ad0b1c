"""LXCHypervisor against a recording fake runner: the commands it runs, what
it writes, how it undoes a failed start, and its node checks."""

import json
import os

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.hypervisor import GetHypervisorClass
from ganeti.hypervisor import hv_lxc
from ganeti.hypervisor.hv_lxc import rootfs
from ganeti.utils import process

pytestmark = pytest.mark.unit

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "lxc")


def _Data(name):
  with open(os.path.join(DATA, name)) as fh:
    return fh.read()


def _Ok(stdout=""):
  return process.RunResult(0, None, stdout, "", "cmd")


def _Fail(stderr="failed", code=1):
  return process.RunResult(code, None, "", stderr, "cmd")


class FakeNode:
  """Commands of a node with LXC: containers, loop devices and mounts are
  simulated in memory and in a fake /proc/mounts and /sys/block."""

  def __init__(self, tmp_path):
    self.calls = []
    self.running = set()
    self.fail = {}
    self.partitioned = False
    self.proc = tmp_path / "proc"
    self.proc.mkdir()
    self.sysfs = tmp_path / "sys-block"
    self.sysfs.mkdir()
    self.dev = tmp_path / "dev"
    self.dev.mkdir()
    mounts = _Data("proc-mounts-cgroup-hybrid.txt")
    (self.proc / "mounts").write_text(mounts)
    (self.proc / "meminfo").write_text("MemTotal: 2048000 kB\n"
                                       "MemFree: 1024000 kB\n")
    (self.proc / "cpuinfo").write_text("processor : 0\nprocessor : 1\n")
    self.cgroup = tmp_path / "cgroup"
    (self.cgroup / "memory").mkdir(parents=True)
    (self.cgroup / "memory" / "memory.memsw.limit_in_bytes").write_text("0")

  def __call__(self, argv, timeout=None):
    self.calls.append(list(argv))
    cmd = argv[0]
    for (prefix, result) in self.fail.items():
      if " ".join(argv).startswith(prefix):
        return result
    name = argv[argv.index("-n") + 1] if "-n" in argv else None
    if cmd == "lxc-start" and "--version" not in argv:
      self.running.add(name)
      return _Ok()
    if cmd == "lxc-start":
      return _Ok(_Data("lxc-start-version.txt"))
    if cmd == "lxc-ls":
      return _Ok("\n".join(sorted(self.running)) + "\n")
    if cmd == "lxc-stop":
      self.running.discard(name)
      return _Ok()
    if cmd == "lxc-wait":
      return _Ok()
    if cmd == "lxc-info":
      if name in self.running:
        return _Ok(_Data("lxc-info-running-H.txt"))
      return _Ok(_Data("lxc-info-stopped-H.txt"))
    if cmd == "lxc-cgroup":
      if argv[-1] == "memory.limit_in_bytes":
        return _Ok(_Data("lxc-cgroup-memory-limit.txt"))
      if argv[-1] == "cpuset.cpus":
        return _Ok("0-1\n")
      return _Ok()
    if cmd == "sfdisk":
      if self.partitioned:
        return _Ok(_Data("sfdisk-json-dos.txt"))
      return _Fail(_Data("sfdisk-json-none.err"))
    if cmd == "losetup" and "--find" in argv:
      loop = self.dev / "loop3"
      loop.write_text("")
      (self.sysfs / "loop3" / "loop").mkdir(parents=True, exist_ok=True)
      (self.sysfs / "loop3" / "loop" / "backing_file").write_text(argv[-1])
      return _Ok(str(loop) + "\n")
    if cmd == "losetup" and "--detach" in argv:
      (self.sysfs / "loop3" / "loop" / "backing_file").unlink()
      return _Ok()
    if cmd == "mount":
      with open(self.proc / "mounts", "a") as fh:
        fh.write("%s %s ext4 rw 0 0\n" % (argv[-2], argv[-1]))
      return _Ok()
    if cmd == "umount":
      lines = (self.proc / "mounts").read_text().splitlines(True)
      (self.proc / "mounts").write_text(
        "".join(line for line in lines if line.split()[1] != argv[-1]))
      return _Ok()
    raise AssertionError("unexpected command %s" % argv)

  def Commands(self):
    return [c[0] for c in self.calls]


@pytest.fixture
def node(tmp_path):
  return FakeNode(tmp_path)


@pytest.fixture
def hv(node, tmp_path):
  return hv_lxc.LXCHypervisor(runner=node, run_dir=str(tmp_path / "run"),
                              log_dir=str(tmp_path / "log"),
                              proc_dir=str(node.proc),
                              cgroup_dir=str(node.cgroup),
                              sysfs_block=str(node.sysfs))


def _Instance(hvp=None, name="inst1"):
  hvparams = dict(constants.HVC_DEFAULTS[constants.HT_LXC])
  hvparams.update(hvp or {})
  return objects.Instance(name=name, uuid="uuid-1", hvparams=hvparams,
                          beparams={constants.BE_MAXMEM: 128,
                                    constants.BE_VCPUS: 1},
                          nics=[], hypervisor=constants.HT_LXC)


def _Disk(path, mode="rw"):
  return [(objects.Disk(mode=mode), str(path), None)]


def testRegistry():
  assert GetHypervisorClass(constants.HT_LXC) is hv_lxc.LXCHypervisor
  assert not hv_lxc.LXCHypervisor.CAN_MIGRATE


def testStartFromDirectory(hv, node, tmp_path):
  root = tmp_path / "rootdir"
  root.mkdir()
  hv.StartInstance(_Instance(), _Disk(root), False)
  lxcpath = str(tmp_path / "run" / "lxc" / "instance")
  conf = os.path.join(lxcpath, "inst1", "config")
  log = str(tmp_path / "log" / "lxc" / "inst1.uuid-1.log")
  assert node.calls[0] == ["lxc-start", "-P", lxcpath, "-n", "inst1", "-f",
                           conf, "-o", log, "-l", "DEBUG", "-d"]
  assert node.calls[1] == ["lxc-wait", "-P", lxcpath, "-n", "inst1", "-s",
                           "RUNNING", "-t", "30"]
  assert node.calls[2] == ["lxc-ls", "-P", lxcpath, "--running", "-1"]
  with open(conf) as fh:
    text = fh.read()
  assert "lxc.rootfs.path = dir:%s\n" % root in text
  assert "lxc.console.logfile = %s/inst1/console.log\n" % lxcpath in text
  # the node can limit swap: memsw is set too
  assert "lxc.cgroup.memory.memsw.limit_in_bytes = 128M\n" in text
  with open(os.path.join(lxcpath, "inst1", "stash")) as fh:
    assert json.load(fh) == {"rootfs": str(root), "maxmem": 128}
  assert hv.ListInstances() == ["inst1"]


def testStartFromFileImageAndStop(hv, node, tmp_path):
  image = tmp_path / "disk0"
  image.write_bytes(b"\0" * 1024)
  hv.StartInstance(_Instance(), _Disk(image), False)
  mpoint = str(tmp_path / "run" / "lxc" / "instance" / "inst1" / "rootfs")
  loop = str(node.dev / "loop3")
  assert node.calls[:3] == [
    ["sfdisk", "--json", str(image)],
    ["losetup", "--find", "--show", str(image)],
    ["mount", loop, mpoint]]
  assert mpoint in (node.proc / "mounts").read_text()
  del node.calls[:]
  hv.StopInstance(_Instance(), timeout=7)
  assert node.calls[1][:6] == ["lxc-stop", "-P", hv.LxcPath(), "-n",
                               "inst1", "-t"]
  assert node.calls[1][6] == "7"
  assert node.Commands()[2:] == ["umount", "losetup"]
  assert node.calls[-1] == ["losetup", "--detach", loop]
  assert mpoint not in (node.proc / "mounts").read_text()
  assert not os.path.exists(mpoint)
  assert not os.path.exists(os.path.join(hv.LxcPath(), "inst1", "stash"))
  # cleanup again is harmless
  hv.CleanupInstance("inst1")


def testStaleStashReleasedBeforeStart(hv, node, tmp_path):
  """A container that died by itself left its disk mounted: a new start
  releases it first instead of mounting the disk twice."""
  image = tmp_path / "disk0"
  image.write_bytes(b"\0")
  hv.StartInstance(_Instance(), _Disk(image), False)
  node.running.clear()          # init exited, nobody cleaned up
  del node.calls[:]
  hv.StartInstance(_Instance(), _Disk(image), False)
  assert node.Commands()[:5] == ["lxc-ls", "umount", "losetup", "sfdisk",
                                 "losetup"]
  mounts = (node.proc / "mounts").read_text()
  assert mounts.count("rootfs") == 1


def testReadOnlyDisk(hv, node, tmp_path):
  image = tmp_path / "disk0"
  image.write_bytes(b"\0")
  hv.StartInstance(_Instance(), _Disk(image, mode="ro"), False)
  assert node.calls[1][-2:] == ["--read-only", str(image)]
  assert node.calls[2][:3] == ["mount", "-o", "ro"]


def testPartitionedImage(hv, node, tmp_path):
  """The first partition of the recorded table: sectors 2048 + 38912."""
  node.partitioned = True
  image = tmp_path / "disk0"
  image.write_bytes(b"\0")
  hv.StartInstance(_Instance(), _Disk(image), False)
  assert node.calls[1] == ["losetup", "--find", "--show", "--offset",
                           str(2048 * 512), "--sizelimit", str(38912 * 512),
                           str(image)]


def testParseSfdiskJson():
  assert rootfs.ParseSfdiskJson(_Data("sfdisk-json-dos.txt")) == \
    (1048576, 19922944)
  assert rootfs.ParseSfdiskJson(
    '{"partitiontable": {"label": "gpt", "partitions": []}}') is None
  with pytest.raises(errors.HypervisorError, match="partition table"):
    rootfs.ParseSfdiskJson("sfdisk: bad")


def testForcedStop(hv, node, tmp_path):
  (tmp_path / "r").mkdir()
  hv.StartInstance(_Instance(), _Disk(tmp_path / "r"), False)
  del node.calls[:]
  hv.StopInstance(_Instance(), force=True)
  assert node.calls[1] == ["lxc-stop", "-P", hv.LxcPath(), "-n", "inst1",
                           "-k"]


def testStopFailureKeepsDisk(hv, node, tmp_path):
  image = tmp_path / "disk0"
  image.write_bytes(b"\0")
  hv.StartInstance(_Instance(), _Disk(image), False)
  node.fail["lxc-stop"] = _Fail("timed out")
  with pytest.raises(errors.HypervisorError,
                     match="Failed to stop instance inst1: timed out"):
    hv.StopInstance(_Instance(), timeout=1)
  assert "umount" not in node.Commands()


@pytest.mark.parametrize(("prefix", "result", "message"), [
  ("lxc-start -P", _Fail("lxc-start: inst1: Failed to start"),
   "Failed to start instance inst1: lxc-start: inst1: Failed to start"),
  ("lxc-wait", _Fail("", code=1),
   "Instance inst1 state didn't change to RUNNING within 30 secs"),
  ("mount", _Fail("wrong fs type"), "Can't mount .*: wrong fs type"),
  ("losetup --find", _Fail("no free loop"),
   "Can't attach .* to a loop device: no free loop"),
])
def testFailedStartLeavesNothing(hv, node, tmp_path, prefix, result, message):
  image = tmp_path / "disk0"
  image.write_bytes(b"\0")
  node.fail[prefix] = result
  with pytest.raises(errors.HypervisorError, match=message):
    hv.StartInstance(_Instance(), _Disk(image), False)
  mounts = (node.proc / "mounts").read_text()
  assert "rootfs" not in mounts
  assert not (node.sysfs / "loop3" / "loop" / "backing_file").exists()
  assert not os.path.exists(os.path.join(hv.LxcPath(), "inst1", "stash"))
  if prefix == "lxc-wait":
    # the half-started container was killed
    assert ["lxc-stop", "-P", hv.LxcPath(), "-n", "inst1", "-k"] in node.calls
    assert hv.ListInstances() == []


def testContainerDiesAfterDaemonizing(hv, node, tmp_path):
  (tmp_path / "r").mkdir()
  node.fail["lxc-ls"] = _Ok("\n")
  with pytest.raises(errors.HypervisorError,
                     match="exited after being daemonized"):
    hv.StartInstance(_Instance(), _Disk(tmp_path / "r"), False)


@pytest.mark.parametrize(("disks", "message"), [
  ([], "LXC cannot have diskless instances"),
  ([(None, "/a", None), (None, "/b", None)], "more than one disk"),
  ([(None, "/nonexistent/disk", None)], "does not exist"),
])
def testBadDisks(hv, disks, message):
  with pytest.raises(errors.HypervisorError, match=message):
    hv.StartInstance(_Instance(), disks, False)


def testInvalidName(hv, tmp_path):
  with pytest.raises(errors.HypervisorError, match="Invalid instance name"):
    hv.StartInstance(_Instance(name="../x"), _Disk(tmp_path), False)


def testStartPaused(hv, node, tmp_path):
  node.fail["lxc-freeze"] = _Ok()
  (tmp_path / "r").mkdir()
  hv.StartInstance(_Instance(), _Disk(tmp_path / "r"), True)
  assert node.calls[-1] == ["lxc-freeze", "-P", hv.LxcPath(), "-n", "inst1"]


def testInfo(hv, node, tmp_path):
  assert hv.ListInstances() == []
  assert node.calls == []      # no LXC path yet: nothing to ask
  (tmp_path / "r").mkdir()
  hv.StartInstance(_Instance(), _Disk(tmp_path / "r"), False)
  info = hv.GetInstanceInfo("inst1")
  assert info == ("inst1", 8958, 128, 2, "running", 0.004894797)
  assert hv.GetInstanceInfo("other") is None
  assert hv.GetAllInstancesInfo() == [info]
  assert ["lxc-info", "-P", hv.LxcPath(), "-n", "inst1", "-s", "-p", "-S",
          "-H"] in node.calls
  assert ["lxc-cgroup", "-P", hv.LxcPath(), "-n", "inst1",
          "memory.limit_in_bytes"] in node.calls


def testInfoUnlimitedMemoryFromStash(hv, node, tmp_path):
  (tmp_path / "r").mkdir()
  hv.StartInstance(_Instance(), _Disk(tmp_path / "r"), False)
  node.fail["lxc-cgroup -P %s -n inst1 memory" % hv.LxcPath()] = \
    _Ok("9223372036854771712\n")
  assert hv.GetInstanceInfo("inst1")[2] == 128


def testListFailure(hv, node, tmp_path):
  os.makedirs(hv.LxcPath())
  node.fail["lxc-ls"] = _Fail("boom")
  with pytest.raises(errors.HypervisorError,
                     match="Failed to get running LXC containers list: boom"):
    hv.ListInstances()


def testReboot(hv, node):
  with pytest.raises(errors.HypervisorError, match="SYS_BOOT capability"):
    hv.RebootInstance(_Instance())
  hv.RebootInstance(_Instance(hvp={"drop_capabilities": "sys_module"}))
  assert node.calls[-1] == ["lxc-stop", "-P", hv.LxcPath(), "-n", "inst1",
                            "--reboot", "--timeout", "120"]
  node.fail["lxc-stop"] = _Fail("no")
  with pytest.raises(errors.HypervisorError, match="Failed to reboot"):
    hv.RebootInstance(_Instance(hvp={"drop_capabilities": ""}))


def testBalloon(hv, node):
  hv.BalloonInstanceMemory(_Instance(), 256)
  sets = [c for c in node.calls if len(c) == 7]
  assert sets == [
    ["lxc-cgroup", "-P", hv.LxcPath(), "-n", "inst1",
     "memory.memsw.limit_in_bytes", str(256 << 20)],
    ["lxc-cgroup", "-P", hv.LxcPath(), "-n", "inst1",
     "memory.limit_in_bytes", str(256 << 20)]]
  del node.calls[:]
  hv.BalloonInstanceMemory(_Instance(), 64)      # shrinking: reverse order
  assert [c[5] for c in node.calls if len(c) == 7] == [
    "memory.limit_in_bytes", "memory.memsw.limit_in_bytes"]


def testNodeInfo(hv):
  info = hv.GetNodeInfo()
  assert info["memory_total"] == 2000
  assert info["cpu_total"] == 2
  assert info["hv_version"] == (5, 0, 2)


def testConsole(monkeypatch):
  monkeypatch.delenv("GANETI_ROOTDIR", raising=False)
  monkeypatch.delenv("GANETI_HOSTNAME", raising=False)
  node = objects.Node(name="node1.example.com", ndparams={"ssh_port": 2222})
  cons = hv_lxc.LXCHypervisor.GetInstanceConsole(_Instance(), node)
  assert cons == {"instance": "inst1", "kind": "ssh",
                  "host": "node1.example.com", "port": 2222, "user": "root",
                  "command": ["lxc-console", "-P",
                              "/var/run/ganeti/lxc/instance", "-n", "inst1"]}


def testConsoleVirtualCluster(vnode, tmp_path):
  node = objects.Node(name="node2", ndparams={})
  cons = hv_lxc.LXCHypervisor.GetInstanceConsole(_Instance(), node)
  assert cons["port"] == 22
  assert cons["command"][2] == str(tmp_path / "node2" / "var" / "run" /
                                   "ganeti" / "lxc" / "instance")


def testLxcPathBelowNodeRoot(vnode):
  assert hv_lxc.LXCHypervisor().LxcPath() == os.path.join(
    vnode.RUN_DIR, "lxc", "instance")


def testVerify(hv, node, monkeypatch, tmp_path):
  bindir = tmp_path / "bin"
  bindir.mkdir()
  for cmd in hv.REQUIRED_COMMANDS:
    (bindir / cmd).write_text("#!/bin/sh\n")
    (bindir / cmd).chmod(0o755)
  monkeypatch.setenv("PATH", str(bindir))
  assert hv.Verify() is None
  assert os.path.isdir(hv.LxcPath())
  # an extra cgroup the node lacks, an old LXC and a missing command
  node.fail["lxc-start --version"] = _Ok("2.0.9\n")
  (bindir / "lxc-console").unlink()
  msg = hv.Verify({"extra_cgroups": "hugetlb"})
  assert msg == ("Required command lxc-console not found; LXC version >="
                 " 3.0.0 is required but lxc-start has version 2.0.9; The"
                 " cgroup subsystems hugetlb are not available")


def testVerifyCgroupV2(hv, node):
  (node.proc / "mounts").write_text(
    "cgroup2 %s cgroup2 rw,nosuid,nodev,noexec,relatime 0 0\n" % node.cgroup)
  (node.cgroup / "cgroup.controllers").write_text("cpu io memory pids\n")
  assert hv.CgroupVersion() == 2
  assert hv._MissingCgroups() == ["cpuset"]
  with pytest.raises(errors.HypervisorError,
                     match="cgroup subsystems cpuset are not available"):
    hv.StartInstance(_Instance(), [(None, "/", None)], False)


def testValidateParameters(hv):
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_LXC])
  hv.ValidateParameters(hvp)
  with pytest.raises(errors.HypervisorError, match="CPU 4096 does not exist"):
    hv.ValidateParameters(dict(hvp, cpu_mask="4096"))


def testNoMigration(hv):
  with pytest.raises(errors.HypervisorError, match="not supported"):
    hv.MigrateInstance("cluster", _Instance(), "node2", True)
