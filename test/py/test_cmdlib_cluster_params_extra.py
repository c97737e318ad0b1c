"""LUClusterSetParams: the options of cmdlib/cluster_params_extra.py."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import uidpool
from ganeti.cmdlib import cluster_ipolicy

from test_mcpu import ctx, _Exec, Callbacks  # noqa: F401 pylint: disable=W0611

pytestmark = pytest.mark.unit


def _Cluster(ctx):  # noqa: F811
  return ctx.cfg.GetClusterInfo()


def _Fails(ctx, ecode=errors.ECODE_INVAL, **kwargs):  # noqa: F811
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterSetParams(**kwargs))
  assert err.value.args[1] == ecode
  assert ctx.cfg.GetWriteCount() == 0
  return err.value.args[0]


def testUidPoolParsing():
  assert uidpool.ParseUidPool("1000-1999, 2005,") == \
    [(1000, 1999), (2005, 2005)]
  assert uidpool.FormatUidPool([(1000, 1999), (2005, 2005)]) == \
    "1000-1999, 2005"
  with pytest.raises(errors.OpPrereqError):
    uidpool.ParseUidPool("10-x")
  with pytest.raises(errors.OpPrereqError) as err:
    uidpool.CheckUidPool([(20, 10)])
  assert "is larger than the higher" in err.value.args[0]


def testUidPool(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(uid_pool=[[1000, 1999], [3000, 3000]]))
  assert _Cluster(ctx).uid_pool == [[1000, 1999], [3000, 3000]]
  _Exec(ctx, opcodes.OpClusterSetParams(add_uids=[[3000, 3000], [4000, 4010]],
                                        remove_uids=[[1000, 1999]]))
  assert _Cluster(ctx).uid_pool == [[3000, 3000], [4000, 4010]]
  assert ctx.cfg.GetSsconfValues()["uid_pool"] == "3000\n4000-4010"


def testUidPoolErrors(ctx):  # noqa: F811
  msg = _Fails(ctx, remove_uids=[[5, 6]])
  assert msg == ("User-id range to be removed is not found in the current"
                 " user-id pool: 5-6")
  assert "larger than" in _Fails(ctx, uid_pool=[[9, 1]])


def testStorageAndMisc(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(
    reserved_lvs=["xenvg/keep", ".*/swap"], master_netdev="eth9",
    master_netmask=24, use_external_mip_script=True,
    shared_file_storage_dir="/srv/shared", zeroing_image="/img/zero",
    install_image="/img/inst", compression_tools=["gzip", "lzop"],
    enabled_user_shutdown=True,
    default_iallocator_params={"x": "1"},
    enabled_data_collectors={"diskstats": False},
    data_collector_interval={"cpu-avg-load": 10000000}))
  cl = _Cluster(ctx)
  assert cl.reserved_lvs == ["xenvg/keep", ".*/swap"]
  assert (cl.master_netdev, cl.master_netmask) == ("eth9", 24)
  assert cl.use_external_mip_script is True
  assert cl.shared_file_storage_dir == "/srv/shared"
  assert (cl.zeroing_image, cl.install_image) == ("/img/zero", "/img/inst")
  assert cl.compression_tools == ["gzip", "lzop"]
  assert cl.enabled_user_shutdown is True
  assert cl.default_iallocator_params == {"x": "1"}
  assert cl.data_collectors["diskstats"]["active"] is False
  assert cl.data_collectors["cpu-avg-load"]["interval"] == 10000000
  values = ctx.cfg.GetSsconfValues()
  assert values["master_netdev"] == "eth9"
  assert values["master_netmask"] == "24"


def testMiscErrors(ctx):  # noqa: F811
  assert "must be present" in _Fails(ctx, compression_tools=["lzop"])
  assert "Invalid compression tool" in \
    _Fails(ctx, compression_tools=["gzip", "a b"])
  assert "CIDR netmask (33) not valid" in _Fails(ctx, master_netmask=33)
  assert "absolute path" in _Fails(ctx, file_storage_dir="rel/dir")
  assert "Invalid data collector" in \
    _Fails(ctx, enabled_data_collectors={"nosuch": True})


def testFileStorageDirInUse(ctx):  # noqa: F811
  templates = _Cluster(ctx).enabled_disk_templates
  if constants.DT_FILE not in templates:
    _Exec(ctx, opcodes.OpClusterSetParams(
      enabled_disk_templates=templates + [constants.DT_FILE]))
    ctx.cfg._write_count = 0  # pylint: disable=W0212
  msg = _Fails(ctx, file_storage_dir="")
  assert msg == ("Unsetting the 'file' storage directory while having"
                 " 'file' storage enabled is not permitted.")


def testDiskParams(ctx):  # noqa: F811
  old = _Cluster(ctx).diskparams[constants.DT_DRBD8]["c-plan-ahead"]
  _Exec(ctx, opcodes.OpClusterSetParams(diskparams={
    constants.DT_DRBD8: {"resync-rate": "1024", "dynamic-resync": "yes"},
    constants.DT_PLAIN: {"stripes": 2}}))
  dp = _Cluster(ctx).diskparams
  assert dp[constants.DT_DRBD8]["resync-rate"] == 1024
  assert dp[constants.DT_DRBD8]["dynamic-resync"] is True
  assert dp[constants.DT_DRBD8]["c-plan-ahead"] == old
  assert dp[constants.DT_PLAIN]["stripes"] == 2


def testDiskParamsErrors(ctx):  # noqa: F811
  assert _Fails(ctx, diskparams={"drbd": {"nosuch": 1}}) == \
    "Unknown drbd disk parameter(s): nosuch"
  assert "is not a valid integer" in \
    _Fails(ctx, diskparams={"plain": {"stripes": "many"}})
  assert "Invalid disk template 'nosuch'" in \
    _Fails(ctx, diskparams={"nosuch": {}})
  assert "Invalid value of 'rbd:access'" in \
    _Fails(ctx, diskparams={"rbd": {"access": "sideways"}})


def testHvDiskState(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(
    hv_state={"fake": {"mem_total": "4096"}},
    disk_state={"lvm-vg": {"xenvg": {"disk_total": 100}}}))
  _Exec(ctx, opcodes.OpClusterSetParams(
    hv_state={"fake": {"cpu_total": 4}},
    disk_state={"lvm-vg": {"xenvg": {"disk_reserved": 5}}}))
  cl = _Cluster(ctx)
  assert cl.hv_state_static["fake"] == {"mem_total": 4096, "cpu_total": 4}
  assert cl.disk_state_static["lvm-vg"]["xenvg"] == \
    {"disk_total": 100, "disk_reserved": 5}
  ctx.cfg._write_count = 0  # pylint: disable=W0212
  assert "Unknown hypervisor state parameter(s): bad" in \
    _Fails(ctx, hv_state={"fake": {"bad": 1}})
  assert "Invalid storage type 'nosuch'" in \
    _Fails(ctx, disk_state={"nosuch": {"x": {}}})


def testIPolicy(ctx):  # noqa: F811
  old = _Cluster(ctx).ipolicy
  _Exec(ctx, opcodes.OpClusterSetParams(ipolicy={
    constants.ISPECS_STD: {constants.ISPEC_MEM_SIZE: 256},
    constants.IPOLICY_VCPU_RATIO: 2,
    constants.IPOLICY_SPINDLE_RATIO: 16.5}))
  ipol = _Cluster(ctx).ipolicy
  assert ipol[constants.ISPECS_STD][constants.ISPEC_MEM_SIZE] == 256
  assert ipol[constants.ISPECS_STD][constants.ISPEC_CPU_COUNT] == \
    old[constants.ISPECS_STD][constants.ISPEC_CPU_COUNT]
  assert ipol[constants.IPOLICY_VCPU_RATIO] == 2.0
  assert ipol[constants.IPOLICY_SPINDLE_RATIO] == 16.5
  minmax = [{
    constants.ISPECS_MIN: dict.fromkeys(constants.ISPECS_PARAMETERS, 1),
    constants.ISPECS_MAX: dict.fromkeys(constants.ISPECS_PARAMETERS, 100000),
  }]
  _Exec(ctx, opcodes.OpClusterSetParams(ipolicy={"minmax": minmax}))
  assert _Cluster(ctx).ipolicy["minmax"] == minmax


def testIPolicyErrors(ctx):  # noqa: F811
  spec = dict.fromkeys(constants.ISPECS_PARAMETERS, 10)
  small = dict.fromkeys(constants.ISPECS_PARAMETERS, 1)
  msg = _Fails(ctx, ipolicy={"minmax": [{"min": spec, "max": small}]})
  assert msg.startswith("Invalid specification of min/max values for")
  msg = _Fails(ctx, ipolicy={"minmax": [{"min": {"cpu-count": 1},
                                         "max": spec}]})
  assert msg.startswith("Missing instance specification parameters")
  assert "outside every min/max range" in \
    _Fails(ctx, ipolicy={"std": {"memory-size": 10 ** 9}})
  assert "Invalid keys in ipolicy: bogus" in _Fails(ctx, ipolicy={"bogus": 1})
  assert "must be a positive number" in \
    _Fails(ctx, ipolicy={"vcpu-ratio": -1})
  enabled = _Cluster(ctx).enabled_disk_templates
  extra = [dt for dt in constants.DISK_TEMPLATES if dt not in enabled][:1]
  msg = _Fails(ctx, ipolicy={"disk-templates": enabled + extra})
  assert msg == ("The following disk template are allowed by the ipolicy,"
                 " but not enabled on the cluster: %s" % extra[0])
  # a policy allowing fewer templates than enabled is fine
  _Exec(ctx, opcodes.OpClusterSetParams(
    ipolicy={"disk-templates": enabled[:1]}))
  assert _Cluster(ctx).ipolicy["disk-templates"] == enabled[:1]


def testIPolicyViolationWarning(ctx):  # noqa: F811
  if not ctx.cfg.GetInstanceList():
    pytest.skip("fixture has no instances")
  spec = dict.fromkeys(constants.ISPECS_PARAMETERS, 0)
  big = dict.fromkeys(constants.ISPECS_PARAMETERS, 10 ** 6)
  minmax = [{"min": dict(spec, **{"memory-size": 10 ** 5}), "max": big}]
  cbs = Callbacks()
  _Exec(ctx, opcodes.OpClusterSetParams(ipolicy={
    "minmax": minmax, "std": dict(spec, **{"memory-size": 10 ** 5})}), cbs)
  assert any("After the ipolicy change the following instances violate"
             in str(f) for f in cbs.feedback)


def testGetUpdatedIPolicyPure():
  new = cluster_ipolicy.GetUpdatedIPolicy(
    constants.IPOLICY_DEFAULTS, {"std": {"disk-size": "2G"}})
  assert new["std"]["disk-size"] == 2048
  assert constants.IPOLICY_DEFAULTS["std"]["disk-size"] == 1024
  with pytest.raises(errors.OpPrereqError):
    cluster_ipolicy.GetUpdatedIPolicy(constants.IPOLICY_DEFAULTS,
                                      {"std": None})


def testVgName(ctx):  # noqa: F811
  ctx.transport.payloads["vg_list"] = {"xenvg": 10240}
  _Exec(ctx, opcodes.OpClusterSetParams(vg_name="xenvg"))
  assert _Cluster(ctx).volume_group_name == "xenvg"
  ctx.cfg._write_count = 0  # pylint: disable=W0212
  msg = _Fails(ctx, ecode=errors.ECODE_ENVIRON, vg_name="othervg")
  assert "volume group 'othervg' missing" in msg


def testDrbdHelper(ctx):  # noqa: F811
  cl = _Cluster(ctx)
  if constants.DT_DRBD8 in cl.enabled_disk_templates:
    msg = _Fails(ctx, ecode=errors.ECODE_STATE, drbd_helper="")
    assert msg == "Cannot disable drbd helper while DRBD is enabled."
  else:
    _Exec(ctx, opcodes.OpClusterSetParams(drbd_helper="/bin/true"))
    assert _Cluster(ctx).drbd_usermode_helper == "/bin/true"
