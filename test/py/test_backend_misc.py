"""Unit tests: hooks, file storage, jstore, upload_file, ssconf, fake hv."""

import os
import stat

import pytest

from ganeti import backend
from ganeti import errors
from ganeti import netutils
from ganeti import objects
from ganeti import ssconf
from ganeti import vcluster
from ganeti.backend import bdev
from ganeti.backend import files
from ganeti.backend import hooks
from ganeti.backend import instance
from ganeti.backend import jstore
from ganeti.backend import storage_units
from ganeti.hypervisor import GetHypervisor
from ganeti.storage import filestorage

pytestmark = pytest.mark.unit


def _Script(path, body, mode=0o755):
  with open(path, "w") as fh:
    fh.write("#!/bin/sh\n" + body)
  os.chmod(path, mode)


def test_hooks_runner(vnode):
  hdir = os.path.join(vnode.HOOKS_BASE_DIR, "instance-start-pre.d")
  os.makedirs(hdir)
  _Script(os.path.join(hdir, "10-ok"), "echo ok $GANETI_X $HOME\n")
  _Script(os.path.join(hdir, "20-fail"), "echo bad >&2; exit 1\n")
  _Script(os.path.join(hdir, "30-noexec"), "exit 0\n", mode=0o644)
  _Script(os.path.join(hdir, "bad.name"), "exit 0\n")
  res = hooks.RunHooks("instance-start", "pre", {"GANETI_X": "y"})
  assert res == [["instance-start-pre.d/10-ok", 2, "ok y"],
                 ["instance-start-pre.d/20-fail", 1, "bad"],
                 ["instance-start-pre.d/30-noexec", 0, ""],
                 ["instance-start-pre.d/bad.name", 0, ""]]
  assert hooks.RunHooks("instance-start", "post", {}) == []


def test_file_storage_paths(vnode):
  fsp = vnode.FILE_STORAGE_PATHS_FILE
  disk = {"dev_type": "file", "size": 4, "logical_id":
          ["loop", "/srv/fs/i1/disk0"]}
  with pytest.raises(backend.RPCFail, match="No paths are allowed"):
    bdev.BlockdevCreate(disk, 4, "i1", True, "", False)
  with open(fsp, "w") as fh:
    fh.write("# comment\n/srv/fs\n/etc/ganeti\n/usr\n\n")
  assert filestorage.ComputeWrongFileStoragePaths(
    filestorage.LoadAllowedFileStoragePaths()) == ["/etc/ganeti", "/usr"]
  assert bdev.BlockdevCreate(disk, 4, "i1", True, "", False) == \
    ["loop", "/srv/fs/i1/disk0"]
  local = vnode.Prefix("/srv/fs/i1/disk0")
  assert os.stat(local).st_size == 4 << 20
  assert os.stat(local).st_blocks == 0
  with pytest.raises(backend.RPCFail, match="already existing"):
    bdev.BlockdevCreate(disk, 4, "i1", True, "", False)
  link = os.path.join(vnode.DISK_LINKS_DIR, "i1:0")
  assert bdev.BlockdevAssemble(disk, {"name": "i1"}, True, 0) == \
    [local, link, None]
  assert os.readlink(link) == local
  assert bdev.BlockdevFind(disk)["dev_path"] == local
  assert bdev.BlockdevGetmirrorstatus([disk])[0][0] is True
  with pytest.raises(backend.RPCFail, match="not empty"):
    bdev.FileStorageDirRemove("/srv/fs/i1")
  bdev.BlockdevRemove(disk)
  bdev.BlockdevRemove(disk)
  assert bdev.BlockdevFind(disk) is None
  bdev.FileStorageDirRemove("/srv/fs/i1")
  for bad in ("/etc/ganeti/x", "/usr/lib/x", "/srv/other", "/"):
    with pytest.raises(backend.RPCFail):
      bdev.FileStorageDirCreate(bad)
  bdev.FileStorageDirCreate("/srv/fs/i2")
  assert os.path.isdir(vnode.Prefix("/srv/fs/i2"))
  rows = storage_units.StorageList("file", [], "/srv/fs", ["name", "size", "free"])
  assert rows[0][0] == "/srv/fs" and rows[0][1] > 0


def test_jstore(vnode):
  qdir = vnode.QUEUE_DIR
  vp = lambda name: vcluster.MakeVirtualPath(os.path.join(qdir, name))
  jstore.JobQueueUpdate(vp("job-1"), jstore.EncodeCompressed(b"a" * 600))
  assert open(os.path.join(qdir, "job-1")).read() == "a" * 600
  assert stat.S_IMODE(os.stat(os.path.join(qdir, "job-1")).st_mode) == 0o640
  jstore.JobQueueUpdate(vp("serial"), [0, "5\n"])
  with pytest.raises(backend.RPCFail):
    jstore.JobQueueUpdate(vp("../config.data"), [0, "x"])
  with pytest.raises(backend.RPCFail):
    jstore.JobQueueUpdate(os.path.join(qdir, "job-2"), [0, "x"])
  jstore.JobQueueRename([[vp("job-1"), vp("archive/0/job-1")]])
  assert os.path.exists(os.path.join(qdir, "archive/0/job-1"))
  jstore.JobQueueSetDrainFlag(True)
  assert os.path.exists(vnode.JOB_QUEUE_DRAIN_FILE)
  jstore.JobQueueSetDrainFlag(False)
  assert not os.path.exists(vnode.JOB_QUEUE_DRAIN_FILE)
  jstore.JobQueuePurge()
  assert os.listdir(qdir) == ["lock"]


def test_upload_file(vnode):
  vp = vcluster.MakeVirtualPath(vnode.CLUSTER_CONF_FILE)
  files.UploadFile([vp, jstore.EncodeCompressed(b"{}" * 400), 0o640, None,
                    None, 100, 200])
  assert open(vnode.CLUSTER_CONF_FILE).read() == "{}" * 400
  for bad in (vnode.FILE_STORAGE_PATHS_FILE, vnode.NODED_CERT_FILE,
              vnode.DATA_DIR + "/ssconf_master_node"):
    with pytest.raises(backend.RPCFail, match="not in allowed"):
      files.UploadFile([vcluster.MakeVirtualPath(bad), [0, "x"], 0o644,
                        None, None, 0, 0])
  with pytest.raises(backend.RPCFail):
    files.UploadFile(["/etc/passwd", [0, "x"], 0o644, None, None, 0, 0])


def test_ssconf_roundtrip(vnode):
  ss = ssconf.SimpleStore()
  with pytest.raises(errors.ConfigurationError):
    ss.GetMasterNode()
  ssconf.WriteSsconfFiles({"master_node": "node1", "node_list": "a\nb",
                           "cluster_tags": "", "master_netmask": "32",
                           "hvparams_fake": "migration_mode=live",
                           "maintain_node_health": "False"})
  assert ss.GetMasterNode() == "node1"
  assert ss.GetNodeList() == ["a", "b"]
  assert ss.GetClusterTags() == []
  assert os.path.getsize(vnode.SsconfFile("cluster_tags")) == 0
  assert open(vnode.SsconfFile("node_list")).read() == "a\nb\n"
  assert stat.S_IMODE(os.stat(vnode.SsconfFile("node_list")).st_mode) == \
    0o444
  assert ss.GetMasterNetmask() == 32
  assert ss.GetHvparams("fake") == {"migration_mode": "live"}
  assert ss.GetMaintainNodeHealth() is False
  assert ssconf.GetMasterAndMyself() == ("node1", "node1")
  with pytest.raises(errors.ProgrammerError):
    ssconf.WriteSsconfFiles({"bogus": "x"})


def test_netutils_cluster_hosts(vnode, tmp_path):
  with open(str(tmp_path / "hosts"), "w") as fh:
    fh.write("# test\n127.0.0.21 node1.example.com node1\n")
  assert netutils.Hostname.GetSysName() == "node1"
  h = netutils.GetHostname("node1")
  assert (h.name, h.ip) == ("node1.example.com", "127.0.0.21")
  with pytest.raises(errors.ResolverError):
    netutils.GetHostname("no-such-host.invalid")
  assert netutils.IsLocalAddress("127.0.0.1")
  assert not netutils.TcpPing("127.0.0.1", 1, timeout=2,
                              live_port_needed=True)


def test_fake_hypervisor(vnode):
  inst = {"name": "i1", "hypervisor": "fake", "hvparams": {},
          "beparams": {"maxmem": 512, "vcpus": 3}, "disks_info": []}
  instance.StartInstance([inst, {}, {"maxmem": 256}], False, None)
  assert instance.GetInstanceInfo("i1", "fake")["memory"] == 256
  assert os.path.exists(os.path.join(vnode.FAKE_HV_DIR, "i1"))
  hv = GetHypervisor("fake")
  with pytest.raises(errors.HypervisorError, match="already running"):
    hv.StartInstance(objects.Instance.FromDict(inst), [], False)
  assert instance.GetInstanceList(["fake"]) == ["i1"]
  info = instance.GetAllInstancesInfo(["fake"], {})
  assert info["i1"]["vcpus"] == 3 and info["i1"]["state"] == "running"
  instance.InstanceReboot(inst, "soft", 10)
  instance.InstanceShutdown(inst, 10)
  instance.InstanceShutdown(inst, 10)
  with pytest.raises(backend.RPCFail, match="not running"):
    instance.InstanceReboot(inst, "hard", 10)
  assert instance.GetInstanceInfo("i1", "fake") == {}
  assert hv.Verify() is None
  with pytest.raises(errors.HypervisorError):
    GetHypervisor("fake").CheckParameterSyntax({"migration_mode": "x"})
  GetHypervisor("fake").CheckParameterSyntax({"migration_mode": "live"})


class _StubbornHv:
  """A hypervisor whose clean stop fails and whose reboot is refused."""

  def __init__(self):
    self.running = {"i2"}
    self.calls = []

  def ListInstances(self, hvparams=None):
    return sorted(self.running)

  def StopInstance(self, inst, force=False, retry=False, name=None,
                   timeout=None):
    self.calls.append(("stop", force))
    if not force:
      raise errors.HypervisorError("guest ignores the ACPI button")
    self.running.discard(inst.name)

  def StartInstance(self, inst, block_devices, startup_paused):
    self.calls.append(("start", startup_paused))
    self.running.add(inst.name)

  def CleanupInstance(self, name):
    self.calls.append(("cleanup", name))

  def RebootInstance(self, inst):
    raise errors.HypervisorError("reboot from inside is not allowed")


def test_shutdown_forces_and_hard_reboot_restarts(vnode, monkeypatch):
  """Ganeti's backend semantics: a failed clean stop is followed by a
  forced one; a hard reboot is a stop and a start (never the guest's own
  reboot), a soft one the hypervisor's reboot."""
  hv = _StubbornHv()
  monkeypatch.setattr(instance, "_GetHv", lambda name: hv)
  inst = {"name": "i2", "hypervisor": "fake", "hvparams": {},
          "beparams": {"maxmem": 128, "vcpus": 1}, "disks_info": []}
  instance.InstanceReboot(inst, "hard", 10)
  assert hv.calls == [("stop", False), ("stop", True), ("cleanup", "i2"),
                      ("start", False)]
  assert hv.running == {"i2"}
  with pytest.raises(backend.RPCFail, match="Failed to soft reboot"):
    instance.InstanceReboot(inst, "soft", 10)
