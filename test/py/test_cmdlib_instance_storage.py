"""Instance disk layouts, DRBD resources, per-node encoding, creation."""

import re

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti.cmdlib import instance_storage as ist
from ganeti.config import drbd as cfg_drbd

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
I1 = test_mcpu.I1  # drbd instance on node1/node3, minors 0/0


@pytest.fixture
def ctx(tmp_path):
  return dt.MakeContext(tmp_path)


def _DiskInfo(template, specs, vg="xenvg"):
  return ist.ComputeDisks(specs, template, vg)


# Layout ------------------------------------------------------------------
@pytest.mark.parametrize("template,specs,check", [
  (constants.DT_PLAIN, [{"size": 1024}, {"size": 512, "vg": "othervg"}],
   lambda d, idx: (d.logical_id[0] == ("xenvg", "othervg")[idx] and
                   re.match("^%s\\.disk%d$" % (UUID_RE, idx),
                            d.logical_id[1]))),
  (constants.DT_FILE, [{"size": 1024}, {"size": 512}],
   lambda d, idx: (d.logical_id[0] == "loop" and
                   re.match("^/srv/files/inst1/%s\\.file\\.disk%d$" %
                            (UUID_RE, idx), d.logical_id[1]))),
  (constants.DT_SHARED_FILE, [{"size": 1024}, {"size": 512}],
   lambda d, idx: re.match("^/srv/files/inst1/%s\\.sharedfile\\.disk%d$" %
                           (UUID_RE, idx), d.logical_id[1])),
  (constants.DT_BLOCK, [{"size": 0, "adopt": "/dev/disk/a"},
                        {"size": 0, "adopt": "/dev/disk/b"}],
   lambda d, idx: d.logical_id == ("manual", "/dev/disk/%s" % "ab"[idx])),
  (constants.DT_RBD, [{"size": 1024}, {"size": 512}],
   lambda d, idx: (d.logical_id[0] == "rbd" and
                   re.match("^%s\\.rbd\\.disk%d$" % (UUID_RE, idx),
                            d.logical_id[1]))),
  (constants.DT_EXT, [{"size": 1024, "provider": "pvdr", "foo": "bar"},
                      {"size": 512, "provider": "pvdr"}],
   lambda d, idx: (d.logical_id[0] == "pvdr" and
                   re.match("^%s\\.ext\\.disk%d$" % (UUID_RE, idx),
                            d.logical_id[1]) and
                   d.params == ({"provider": "pvdr", "foo": "bar"},
                                {"provider": "pvdr"})[idx])),
])
def testGenerateDiskTemplateSingleNode(ctx, template, specs, check):
  lu = dt.FakeLU(ctx.cfg)
  feedback = []
  disks = ist.GenerateDiskTemplate(
    lu, template, "inst-uuid", dt.N1, [], _DiskInfo(template, specs),
    "/srv/files/inst1", "loop", 0, feedback.append, {})
  assert len(disks) == 2
  for (idx, disk) in enumerate(disks):
    assert disk.dev_type == template
    assert disk.iv_name == "disk/%d" % idx
    assert disk.nodes == [dt.N1]
    assert disk.size == specs[idx]["size"]
    assert disk.mode == constants.DISK_RDWR
    assert not disk.children
    assert check(disk, idx), disk.logical_id
  assert feedback == ["* disk 0, size %s" % ("1.0G" if specs[0]["size"]
                                             else "0M"),
                      "* disk 1, size %s" % ("512M" if specs[1]["size"]
                                             else "0M")]
  with pytest.raises(errors.ProgrammerError):
    ist.GenerateDiskTemplate(lu, template, "x", dt.N1, [dt.N2],
                             _DiskInfo(template, specs), "/d", "loop", 0,
                             feedback.append, {})


def testGenerateDiskTemplateDiskless(ctx):
  lu = dt.FakeLU(ctx.cfg)
  assert ist.GenerateDiskTemplate(lu, constants.DT_DISKLESS, "x", dt.N1, [],
                                  [], None, None, 0, None, {}) == []


def testGenerateDiskTemplateDrbd(ctx):
  cfg = ctx.cfg
  cfg.GetClusterInfo().tcpudp_port_pool = []
  cfg.GetClusterInfo().highest_used_port = 11000
  lu = dt.FakeLU(cfg)
  specs = [{"size": 1024, "name": "root"},
           {"size": 2048, "vg": "datavg", "metavg": "metavg", "mode": "ro"}]
  disks = ist.GenerateDiskTemplate(
    lu, constants.DT_DRBD8, "new-inst", dt.N1, [dt.N3],
    _DiskInfo(constants.DT_DRBD8, specs), None, None, 0, lambda _: None,
    {"metavg": "defmeta"})
  # node1 and node3 already use minor 0 (instance1)
  assert [d.logical_id[3:5] for d in disks] == [(1, 1), (2, 2)]
  assert [d.logical_id[2] for d in disks] == [11001, 11002]
  assert cfg.GetClusterInfo().highest_used_port == 11002
  secrets = [d.logical_id[5] for d in disks]
  assert all(re.match("^[0-9a-f]{40}$", s) for s in secrets)
  assert secrets[0] != secrets[1]
  for (idx, disk) in enumerate(disks):
    assert disk.dev_type == constants.DT_DRBD8
    assert disk.logical_id[:2] == (dt.N1, dt.N3)
    assert disk.nodes == [dt.N1, dt.N3]
    assert disk.iv_name == "disk/%d" % idx
    (data, meta) = disk.children
    assert data.dev_type == meta.dev_type == constants.DT_PLAIN
    assert data.size == disk.size == specs[idx]["size"]
    assert meta.size == constants.DRBD_META_SIZE == 128
    prefix = data.logical_id[1][:-len("_data")]
    assert re.match("^%s\\.disk%d$" % (UUID_RE, idx), prefix)
    assert meta.logical_id[1] == prefix + "_meta"
  assert disks[0].name == "root"
  assert disks[0].children[0].logical_id[0] == "xenvg"
  assert disks[0].children[1].logical_id[0] == "defmeta"
  assert disks[1].children[0].logical_id[0] == "datavg"
  assert disks[1].children[1].logical_id[0] == "metavg"
  assert disks[1].mode == "ro"
  # the minors stay reserved until the job ends
  dmap = cfg.ComputeDRBDMap()
  assert dmap[dt.N1] == {0: I1, 1: "new-inst", 2: "new-inst"}
  cfg.ReleaseTemporary(7)
  assert cfg.ComputeDRBDMap()[dt.N1] == {0: I1}


@pytest.mark.parametrize("template,specs,msg", [
  (constants.DT_PLAIN, [{"size": "x"}], "Invalid disk size 'x'"),
  (constants.DT_PLAIN, [{}], "Missing disk size"),
  (constants.DT_PLAIN, [{"size": -1}], "Invalid disk size '-1'"),
  (constants.DT_PLAIN, [{"size": 1, "mode": "rx"}],
   "Invalid disk access mode 'rx'"),
  (constants.DT_PLAIN, [{"size": 1, "provider": "p"}],
   "The 'provider' option is only valid for the ext disk template, not"
   " plain"),
  (constants.DT_EXT, [{"size": 1}], "Missing provider for template 'ext'"),
  (constants.DT_PLAIN, [{"size": 1, "bogus": 1}],
   "Unknown disk parameter(s): bogus"),
])
def testComputeDisksErrors(template, specs, msg):
  with pytest.raises(errors.OpPrereqError) as err:
    ist.ComputeDisks(specs, template, "xenvg")
  assert err.value.args == (msg, errors.ECODE_INVAL)


def testComputeDiskSizePerVG():
  disks = ist.ComputeDisks([{"size": 100}, {"size": 50, "vg": "b"},
                            {"size": 10, "metavg": "m"}],
                           constants.DT_DRBD8, "a")
  assert ist.ComputeDiskSizePerVG(constants.DT_DRBD8, disks) == \
    {"a": 110 + 128, "b": 50 + 128, "m": 128}
  assert ist.ComputeDiskSizePerVG(constants.DT_PLAIN, disks) == \
    {"a": 110, "b": 50}
  assert ist.ComputeDiskSizePerVG(constants.DT_FILE, disks) == {}


@pytest.mark.parametrize("template,specs,msg", [
  (constants.DT_PLAIN, [{"size": 1, "adopt": "a"}, {"size": 1}],
   "Either all disks are adopted or none is"),
  (constants.DT_FILE, [{"size": 1, "adopt": "a"}],
   "Disk adoption is not supported for the 'file' disk template"),
  (constants.DT_BLOCK, [{"size": 1}],
   "Disk template blockdev requires disk adoption, but no 'adopt'"
   " parameter given"),
])
def testCheckAdoption(template, specs, msg):
  with pytest.raises(errors.OpPrereqError) as err:
    ist.CheckAdoption(specs, template, None, constants.INSTANCE_CREATE)
  assert err.value.args == (msg, errors.ECODE_INVAL)


# Minors, ports, secrets ------------------------------------------------------
def testAllocateMinorsLowestFree(ctx):
  cfg = ctx.cfg
  assert cfg.AllocateDRBDMinor([dt.N1, dt.N3, dt.N1], "a", 1) == [1, 1, 2]
  # another job sees those as used
  assert cfg.AllocateDRBDMinor([dt.N1, dt.N2], "b", 2) == [3, 0]
  cfg.ReleaseTemporary(1)
  # job 1's minors are free again, job 2's are not
  assert cfg.AllocateDRBDMinor([dt.N1, dt.N1], "c", 3) == [1, 2]
  assert cfg.ComputeDRBDMap()[dt.N1] == {0: I1, 1: "c", 2: "c", 3: "b"}
  cfg.ReleaseDRBDMinors("b")
  assert cfg.ComputeDRBDMap()[dt.N1] == {0: I1, 1: "c", 2: "c"}
  with pytest.raises(errors.ConfigurationError):
    cfg.AllocateDRBDMinor(["no-such-node"], "d", 4)


def testDuplicateMinorsFoundByVerify(ctx):
  data = ctx.cfg.GetConfigData()
  assert cfg_drbd.VerifyDRBD(data) == []
  disk = data.disks["150bd154-8e23-44d1-b762-5065ae5a507b"]
  disk.dev_type = constants.DT_DRBD8
  disk.logical_id = (dt.N2, dt.N1, 32100, 0, 0, "s")
  errs = cfg_drbd.VerifyDRBD(data)
  assert ("DRBD minor 0 on node node1.example.com is assigned twice to"
          " instances instance3.example.com and instance1.example.com"
          in errs)
  assert any(e.startswith("tcp/udp port 32100 has duplicates: ")
             for e in errs)
  assert set(errs) <= set(ctx.cfg.VerifyConfig())
  with pytest.raises(errors.ConfigurationError):
    ctx.cfg.AllocateDRBDMinor([dt.N1], "x", 1)


def testAllocatePort(ctx):
  cfg = ctx.cfg
  cluster = cfg.GetClusterInfo()
  assert sorted(cluster.tcpudp_port_pool) == [32101, 32102, 32103, 32104,
                                              32105]
  assert cfg.AllocatePort() == 32101
  assert 32101 not in cluster.tcpudp_port_pool
  cluster.tcpudp_port_pool = []
  cluster.highest_used_port = 10999
  assert cfg.AllocatePort() == 11000
  assert cluster.highest_used_port == 11000
  cluster.highest_used_port = 14999
  with pytest.raises(errors.ConfigurationError) as err:
    cfg.AllocatePort()
  assert "The highest used port is greater than 14999" in str(err.value)
  cfg.ReturnPorts([12000, None])
  assert cluster.tcpudp_port_pool == [12000]
  assert cfg.AllocatePort() == 12000
  # written to config.data
  again = type(cfg)(cfg_file=cfg._cfg_file)
  assert again.GetClusterInfo().tcpudp_port_pool == []


def testSecretsUnique(ctx):
  cfg = ctx.cfg
  secrets = set(cfg.GenerateDRBDSecret(1) for _ in range(20))
  assert len(secrets) == 20
  assert "d3c3fd475fcbaf5fd177fb245ac43b71247ada38" not in secrets


# Per-node encoding -----------------------------------------------------------
def testDynamicParamsPerNode(ctx):
  rpc = ctx.rpc
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  on_n1 = rpc._DiskDict(disk, dt.N1)
  on_n3 = rpc._DiskDict(disk, dt.N3_NAME)  # by name works too
  on_n2 = rpc._DiskDict(disk, dt.N2)
  assert on_n1["dynamic_params"] == {
    constants.DDP_LOCAL_IP: "198.51.100.82",
    constants.DDP_REMOTE_IP: "198.51.100.84",
    constants.DDP_LOCAL_MINOR: 0, constants.DDP_REMOTE_MINOR: 0}
  assert on_n3["dynamic_params"] == {
    constants.DDP_LOCAL_IP: "198.51.100.84",
    constants.DDP_REMOTE_IP: "198.51.100.82",
    constants.DDP_LOCAL_MINOR: 0, constants.DDP_REMOTE_MINOR: 0}
  assert on_n2["dynamic_params"] == {}
  # filled disk parameters, children with their stripes
  assert on_n1["params"]["resync-rate"] == 1024
  assert on_n1["params"]["metavg"] == "xenvg"
  assert [c["params"] for c in on_n1["children"]] == \
    [{"stripes": 2}, {"stripes": 2}]
  assert [c["dynamic_params"] for c in on_n1["children"]] == [{}, {}]
  # the config object itself is untouched
  assert not getattr(disk, "dynamic_params", None)


def testPerNodeBodiesOnTheWire(ctx):
  instance = ctx.cfg.GetInstanceInfo(I1)
  (disk,) = ctx.cfg.GetInstanceDisks(I1)
  ctx.rpc.call_blockdev_find(dt.N3, disk)
  ctx.rpc.call_instance_shutdown(dt.N1, instance, 10, [])
  ((_, node, args),) = ctx.transport.Find("blockdev_find")
  assert node == dt.N3_NAME
  assert args[0]["dynamic_params"][constants.DDP_LOCAL_IP] == \
    "198.51.100.84"
  ((_, node, args),) = ctx.transport.Find("instance_shutdown")
  assert args[0]["disks_info"][0]["dynamic_params"][
    constants.DDP_LOCAL_IP] == "198.51.100.82"


# Instance creation -------------------------------------------------------------
def _CreateOp(**kwargs):
  params = dict(instance_name="new1.example.com", disks=[{"size": 1024}],
                disk_template=constants.DT_DRBD8, nics=[],
                mode=constants.INSTANCE_CREATE, os_type="noop",
                pnode="node1", snode="node3", name_check=False,
                ip_check=False, start=False, ignore_ipolicy=True)
  params.update(kwargs)
  return opcodes.OpInstanceCreate(**params)


def testCreateDrbd(ctx):
  cbs = test_mcpu.Callbacks()
  with dt.ExtraRpcs():
    nodes = dt.Exec(ctx, _CreateOp(disks=[{"size": 1024}, {"size": 512}]),
                    cbs)
  assert nodes == ["node1.example.com", "node3.example.com"]
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  disks = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert [d.dev_type for d in disks] == [constants.DT_DRBD8] * 2
  assert [d.logical_id[3:5] for d in disks] == [(1, 1), (2, 2)]
  assert ctx.cfg.GetInstanceSecondaryNodes(inst.uuid) == [dt.N3]
  # no reservations left once the job is done
  assert ctx.cfg._temporary_drbds == {}
  creates = ctx.transport.Find("blockdev_create")
  # per disk: on the primary data LV, meta LV, DRBD; the same on node3
  assert [(node, args[0]["dev_type"], args[3]) for (_, node, args) in
          creates] == [
    (dt.N1_NAME, "plain", True), (dt.N1_NAME, "plain", True),
    (dt.N1_NAME, "drbd", True),
    (dt.N3_NAME, "plain", False), (dt.N3_NAME, "plain", False),
    (dt.N3_NAME, "drbd", False)] * 2
  drbd_on_n3 = creates[5][2][0]
  assert drbd_on_n3["dynamic_params"][constants.DDP_LOCAL_MINOR] == 1
  assert drbd_on_n3["dynamic_params"][constants.DDP_LOCAL_IP] == \
    "198.51.100.84"
  lines = dt.FeedbackLines(cbs)
  assert lines[:4] == ["* disk 0, size 1.0G", "* disk 1, size 512M",
                       "* creating instance disks...",
                       "adding instance new1.example.com to cluster config"]
  assert lines.count(" - INFO: Instance new1.example.com's disks are in"
                     " sync") == 2
  # the pre hook saw the secondary
  pre = [c for c in ctx.transport.Find("hooks_runner") if c[2][1] == "pre"]
  assert pre[0][2][2]["GANETI_INSTANCE_SECONDARY"] == "node3.example.com"
  assert pre[0][2][2]["GANETI_INSTANCE_DISK1_SIZE"] == "512"


def testCreateRollsBackOnFailure(ctx):
  before = ctx.cfg.GetClusterInfo().tcpudp_port_pool[:]
  calls = []

  def _Create(node, args):
    calls.append(node)
    # the second disk's meta LV fails on the secondary
    if node == dt.N3_NAME and args[0]["logical_id"][1].endswith(
        "disk1_meta"):
      return (False, "no space left")
    return (True, args[0]["logical_id"])
  ctx.transport.handlers["blockdev_create"] = _Create
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, _CreateOp(disks=[{"size": 1024}, {"size": 512}]))
  assert "no space left" in str(err.value)
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None
  removed = [(node, args[0]["dev_type"], args[0]["logical_id"][1]
              if args[0]["dev_type"] == "plain" else None)
             for (_, node, args) in ctx.transport.Find("blockdev_remove")]
  # disk 0 on both nodes (whole DRBD trees), then disk 1's parts: the
  # primary's DRBD and the secondary's data LV
  assert [(n, t) for (n, t, _) in removed] == [
    (dt.N1_NAME, "drbd"), (dt.N3_NAME, "drbd"), (dt.N1_NAME, "drbd"),
    (dt.N3_NAME, "plain")]
  assert removed[3][2].endswith("disk1_data")
  assert sorted(ctx.cfg.GetClusterInfo().tcpudp_port_pool) == sorted(before)
  assert ctx.cfg.ComputeDRBDMap()[dt.N1] == {0: I1}


@pytest.mark.parametrize("kwargs,msg,code", [
  (dict(snode=None), "The networked disk templates need a mirror node",
   errors.ECODE_INVAL),
  (dict(snode="node1"), "The secondary node cannot be the primary node",
   errors.ECODE_INVAL),
  (dict(snode="nosuch"), "Node 'nosuch' not known", errors.ECODE_NOENT),
  (dict(disk_template=constants.DT_BLOCK, snode=None),
   "Disk template blockdev requires disk adoption, but no 'adopt' parameter"
   " given", errors.ECODE_INVAL),
  (dict(disk_template=constants.DT_PLAIN, disks=[{"size": 200 * 1024}]),
   "Not enough disk space on target node node1.example.com vg xenvg:"
   " required 204800 MiB, available 102400 MiB", errors.ECODE_NORES),
  (dict(disks=[{"size": 100 * 1024}]),
   "Not enough disk space on target node node1.example.com vg xenvg:"
   " required 102528 MiB, available 102400 MiB", errors.ECODE_NORES),
  (dict(disks=[{"size": 1024, "spindles": 2}]),
   "Spindles in instance disks cannot be specified when exclusive storage"
   " is not active", errors.ECODE_INVAL),
  (dict(disks=[{"size": 1024, "spindles": "x"}]),
   "Invalid disk spindles 'x'", errors.ECODE_INVAL),
  (dict(disk_template=constants.DT_RBD),
   "Disk template 'rbd' is not enabled in cluster. Enabled disk templates"
   " are: drbd,plain,file,sharedfile", None),
])
def testCreateRefused(ctx, kwargs, msg, code):
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, _CreateOp(**kwargs))
  assert err.value.args[0] == msg
  if code is not None:
    assert err.value.args[1] == code
  assert ctx.transport.Find("blockdev_create") == []
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None


def testCreatePlainIgnoresSecondary(ctx):
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN), cbs)
  assert (" - WARNING: Secondary node will be ignored on non-mirrored disk"
          " template") in dt.FeedbackLines(cbs)
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  (disk,) = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert disk.logical_id[0] == "xenvg"
  assert ctx.cfg.GetInstanceNodes(inst.uuid) == [dt.N1]


def testCreateDegradedRemovesInstance(ctx):
  ctx.transport.handlers["blockdev_getmirrorstatus"] = lambda node, args: (
    True, [[True, {"sync_percent": None, "is_degraded": True,
                   "ldisk_status": 3, "estimated_time": None}]])
  from ganeti.cmdlib import instance_disks
  sleeps = []
  orig = instance_disks._time
  instance_disks._time = type("T", (), {"sleep": staticmethod(sleeps.append),
                                        "time": staticmethod(lambda: 0)})
  try:
    with pytest.raises(errors.OpExecError) as err:
      dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN, snode=None))
  finally:
    instance_disks._time = orig
  assert str(err.value) == "There are some degraded disks for this instance"
  assert len(sleeps) == 10
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None
  assert len(ctx.transport.Find("blockdev_remove")) == 1


# Adoption ------------------------------------------------------------------
def testAdoptPlainRenamesLVs(ctx):
  ctx.transport.handlers["vg_list"] = lambda node, args: (True,
                                                          {"xenvg": 1000})
  ctx.transport.handlers["lv_list"] = lambda node, args: (
    True, {"xenvg/old1": [2048.0, False, False],
           "xenvg/old2": [512.0, True, False]})
  dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN, snode=None,
                         disks=[{"size": 0, "adopt": "old1"}, {"size": 0, "adopt": "old2"}]))
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  disks = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert [d.size for d in disks] == [2048, 512]
  assert ctx.transport.Find("blockdev_create") == []
  ((_, node, args),) = ctx.transport.Find("blockdev_rename")
  assert node == dt.N1_NAME
  assert [(old["logical_id"], new_id) for (old, new_id) in args[0]] == [
    (["xenvg", "old1"], list(disks[0].logical_id)),
    (["xenvg", "old2"], list(disks[1].logical_id))]
  assert re.match("^%s\\.disk1$" % UUID_RE, disks[1].logical_id[1])


@pytest.mark.parametrize("lvs,disks,msg,code", [
  ({}, [{"size": 0, "adopt": "old1"}], "Missing logical volume(s): xenvg/old1",
   errors.ECODE_INVAL),
  ({"xenvg/old1": [10.0, False, True]}, [{"size": 0, "adopt": "old1"}],
   "Online logical volumes found, cannot adopt: xenvg/old1",
   errors.ECODE_STATE),
  ({}, [{"size": 0, "adopt": "a"}, {"size": 0, "adopt": "a"}],
   "Duplicate volume names given for adoption", errors.ECODE_INVAL),
  ({}, [{"size": 0, "adopt": "b27a576a-13f7-4f07-885c-63fcad4fdfcc.disk0"}],
   "LV named xenvg/b27a576a-13f7-4f07-885c-63fcad4fdfcc.disk0 used by"
   " another instance", errors.ECODE_NOTUNIQUE),
])
def testAdoptPlainRefused(ctx, lvs, disks, msg, code):
  ctx.transport.handlers["vg_list"] = lambda node, args: (True,
                                                          {"xenvg": 1000})
  ctx.transport.handlers["lv_list"] = lambda node, args: (True, lvs)
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN, snode=None,
                           disks=disks))
  assert err.value.args == (msg, code)
  assert ctx.transport.Find("blockdev_rename") == []


def testAdoptBlockdev(ctx):
  ctx.cfg.GetClusterInfo().enabled_disk_templates.append(constants.DT_BLOCK)
  ctx.transport.handlers["bdev_sizes"] = lambda node, args: (
    True, dict((path, 4096) for path in args[0]
               if path != "/dev/disk/missing"))
  dt.Exec(ctx, _CreateOp(disk_template=constants.DT_BLOCK, snode=None,
                         disks=[{"size": 0, "adopt": "/dev/disk/by-id/x/../a"}]))
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  (disk,) = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert disk.logical_id == ("manual", "/dev/disk/by-id/a")
  assert disk.size == 4096
  # the devices exist: nothing is created
  assert ctx.transport.Find("blockdev_create") == []
  for (disks, msg) in [
      ([{"size": 0, "adopt": "/dev/sda"}], "Device node(s) /dev/sda lie outside"
       " /dev/disk/ and cannot be adopted"),
      ([{"size": 0, "adopt": "/dev/disk/missing"}],
       "Missing block device(s): /dev/disk/missing")]:
    with pytest.raises(errors.OpPrereqError) as err:
      dt.Exec(ctx, _CreateOp(instance_name="new2", disks=disks,
                             disk_template=constants.DT_BLOCK, snode=None))
    assert err.value.args == (msg, errors.ECODE_INVAL)


# Wiping ---------------------------------------------------------------------
def testCreateWipesInChunks(ctx):
  ctx.cfg.GetClusterInfo().prealloc_wipe_disks = True
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN, snode=None,
                         disks=[{"size": 300}, {"size": 20000}]), cbs)
  wipes = [(args[1], args[2]) for (_, _, args) in
           ctx.transport.Find("blockdev_wipe")]
  # 10% of the disk per call, at most 1 GiB
  assert wipes[:10] == [(i * 30, 30) for i in range(10)]
  assert wipes[10:] == [(i * 1024, 1024) for i in range(19)] + \
    [(19 * 1024, 20000 - 19 * 1024)]
  pauses = [args[1] for (_, _, args) in
            ctx.transport.Find("blockdev_pause_resume_sync")]
  assert pauses == [True, False]
  lines = dt.FeedbackLines(cbs)
  assert "* wiping instance disks..." in lines
  assert " - INFO: * Wiping disk 0" in lines
  assert " - INFO: * Wiping disk 1" in lines


def testCreateWipeFailureRemovesInstance(ctx):
  ctx.cfg.GetClusterInfo().prealloc_wipe_disks = True
  ctx.transport.handlers["blockdev_wipe"] = lambda node, args: (
    False, "I/O error")
  cbs = test_mcpu.Callbacks()
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, _CreateOp(disk_template=constants.DT_PLAIN, snode=None),
            cbs)
  assert str(err.value) == "There are some degraded disks for this instance"
  assert (" - WARNING: Wiping instance disks failed (Could not wipe disk 0"
          " at offset 0 for size 102: I/O error)") in dt.FeedbackLines(cbs)
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None
  assert len(ctx.transport.Find("blockdev_remove")) == 1
  # synchronization was resumed
  assert [args[1] for (_, _, args) in
          ctx.transport.Find("blockdev_pause_resume_sync")] == [True, False]


def testFileStorageDir(ctx):
  cluster = ctx.cfg.GetClusterInfo()
  cluster.file_storage_dir = "/srv/files"
  calc = ist.CalculateFileStorageDir
  assert calc(ctx.cfg, constants.DT_FILE, None, "i1") == "/srv/files/i1"
  assert calc(ctx.cfg, constants.DT_FILE, "sub/x", "i1") == \
    "/srv/files/sub/x/i1"
  assert calc(ctx.cfg, constants.DT_SHARED_FILE, "s", "i1") == \
    "/srv/ganeti/shared-file-storage/s/i1"
  assert calc(ctx.cfg, constants.DT_PLAIN, "s", "i1") is None
  for (op_dir, msg) in [
      ("/etc", "File storage directory path not absolute"),
      ("../..", "Invalid file storage directory '../..': not below"
       " /srv/files")]:
    with pytest.raises(errors.OpPrereqError) as err:
      calc(ctx.cfg, constants.DT_FILE, op_dir, "i1")
    assert err.value.args == (msg, errors.ECODE_INVAL)
  cluster.file_storage_dir = ""
  with pytest.raises(errors.OpPrereqError) as err:
    calc(ctx.cfg, constants.DT_FILE, None, "i1")
  assert err.value.args == ("Cluster file storage dir for 'file' storage"
                            " type not defined", errors.ECODE_STATE)


def testCreateDrbdRefusedWithExclusiveStorage(ctx):
  ctx.cfg.GetNodeInfo(dt.N3).ndparams[constants.ND_EXCLUSIVE_STORAGE] = True
  with pytest.raises(errors.OpPrereqError) as err:
    dt.Exec(ctx, _CreateOp())
  assert err.value.args == ("Disk template drbd not supported with exclusive"
                            " storage", errors.ECODE_STATE)
