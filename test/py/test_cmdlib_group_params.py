"""cmdlib.group_params and the client's ipolicy parsing: instance policies,
node/disk parameters and states of node groups, and their inheritance."""

import copy

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.cmdlib import group_params as gp
from ganeti.cmdlib import instance_utils as iu
from ganeti.client import group_opts

pytestmark = pytest.mark.unit

_SPEC = {"memory-size": 128, "cpu-count": 1, "disk-count": 1,
         "disk-size": 1024, "nic-count": 1, "spindle-use": 1}


def _Spec(**kwargs):
  spec = dict(_SPEC)
  spec.update(dict((k.replace("_", "-"), v) for (k, v) in kwargs.items()))
  return spec


def _Cluster():
  cluster = objects.Cluster(ndparams=copy.deepcopy(constants.NDC_DEFAULTS))
  cluster.UpgradeConfig()
  return cluster


def _Inval(fn, *args, **kwargs):
  with pytest.raises(errors.OpPrereqError) as exc:
    fn(*args, **kwargs)
  assert exc.value.args[1] == errors.ECODE_INVAL
  return exc.value.args[0]


def test_group_ipolicy_update_and_reset():
  old = {"vcpu-ratio": 2.0, "disk-templates": ["file"]}
  new = gp.GetUpdatedIPolicy(old, {"vcpu-ratio": "default",
                                   "spindle-ratio": "8"}, group_policy=True)
  assert new == {"disk-templates": ["file"], "spindle-ratio": 8.0}
  assert old == {"vcpu-ratio": 2.0, "disk-templates": ["file"]}
  new = gp.GetUpdatedIPolicy(new, {"disk-templates": []}, group_policy=True)
  assert new == {"spindle-ratio": 8.0}


def test_ipolicy_errors():
  assert _Inval(gp.GetUpdatedIPolicy, {}, {"nosuch": 1}, True) == \
    "Invalid key in new ipolicy: nosuch"
  assert _Inval(gp.GetUpdatedIPolicy, {}, {"std": _SPEC}, True) == \
    "std cannot appear in group instance specs"
  assert _Inval(gp.GetUpdatedIPolicy, {}, {"vcpu-ratio": "default"},
                False) == ("Can't unset ipolicy attribute 'vcpu-ratio' at"
                           " the cluster level")
  assert "invalid disk template specified: nosuch" in _Inval(
    gp.GetUpdatedIPolicy, {}, {"disk-templates": ["nosuch"]}, True)
  bad = [{"min": _Spec(memory_size=512), "max": _SPEC}]
  assert _Inval(gp.GetUpdatedIPolicy, {}, {"minmax": bad}, True) == (
    "Invalid instance policy: invalid specification of min/max values for"
    " memory-size: 512/128")
  partial = [{"min": {"memory-size": 1}, "max": _SPEC}]
  assert "missing instance specs parameters in min spec" in _Inval(
    gp.GetUpdatedIPolicy, {}, {"minmax": partial}, True)


def test_cluster_std_must_lie_in_bounds():
  policy = copy.deepcopy(constants.IPOLICY_DEFAULTS)
  gp.CheckIPolicySyntax(policy, True)
  policy["std"]["memory-size"] = 1 << 20
  assert "min/max/std values for memory-size" in _Inval(
    gp.CheckIPolicySyntax, policy, True)
  # a group does not check the (cluster's) std
  gp.CheckIPolicySyntax(policy, False)


def test_group_ipolicy_inheritance():
  """minmax is replaced whole, other keys one by one, std never at group
  level; a violation is judged against the filled policy."""
  cluster = _Cluster()
  group_pol = gp.GetUpdatedIPolicy(
    {}, {"minmax": [{"min": _Spec(memory_size=64),
                     "max": _Spec(memory_size=256)}],
         "vcpu-ratio": 2}, group_policy=True)
  gp.CheckFullIPolicy(cluster, group_pol)
  full = cluster.SimpleFillIPolicy(group_pol)
  assert full["minmax"] == group_pol["minmax"]
  assert full["vcpu-ratio"] == 2.0
  assert full["spindle-ratio"] == cluster.ipolicy["spindle-ratio"]
  assert full["std"] == cluster.ipolicy["std"]
  assert full["disk-templates"] == cluster.ipolicy["disk-templates"]
  viol = iu.ComputeIPolicySpecViolation(full, 512, 1, 1, 1, [1024], 1,
                                        constants.DT_FILE)
  assert viol == ["memory-size value 512 is not in range [64, 256]"]
  assert iu.ComputeIPolicySpecViolation(full, 128, 1, 1, 1, [1024], 1,
                                        constants.DT_FILE) == []


def test_nd_params_inheritance():
  cluster = _Cluster()
  group = objects.NodeGroup(ndparams=gp.UpdateNdParams(
    {}, {"spindle_count": "4", "ssh_port": 2222}))
  node = objects.Node(ndparams={"ssh_port": 22000})
  filled = cluster.FillND(node, group)
  assert filled["spindle_count"] == 4
  assert filled["ssh_port"] == 22000
  assert filled["oob_program"] == cluster.ndparams["oob_program"]
  # "default" drops the group value: inherited again
  group.ndparams = gp.UpdateNdParams(group.ndparams,
                                     {"spindle_count": "default"})
  assert group.ndparams == {"ssh_port": 2222}
  assert cluster.FillND(objects.Node(ndparams={}), group)["ssh_port"] == 2222
  assert _Inval(gp.UpdateNdParams, {}, {"nosuch": 1}) == \
    "Unknown node parameter(s): nosuch"


def test_disk_params_inheritance():
  cluster = _Cluster()
  dparams = gp.UpdateDiskParams({}, {"drbd": {"resync-rate": "1000"}})
  assert dparams == {"drbd": {"resync-rate": 1000}}
  filled = cluster.SimpleFillDP(dparams)
  assert filled["drbd"]["resync-rate"] == 1000
  assert filled["drbd"]["protocol"] == cluster.diskparams["drbd"]["protocol"]
  assert filled["plain"] == cluster.diskparams["plain"]
  dparams = gp.UpdateDiskParams(dparams, {"drbd": {"resync-rate": None}})
  assert dparams == {"drbd": {}}
  assert _Inval(gp.UpdateDiskParams, {}, {"nosuch": {}}) == \
    "The following disk templates are not valid: nosuch"
  assert _Inval(gp.UpdateDiskParams, {}, {"drbd": {"x": 1}}) == \
    "While verify diskparams options: Unknown disk parameter(s): x"


def test_states():
  hv = gp.MergeHvState({"fake": {"mem_total": 1}},
                       {"fake": {"mem_node": "2"}})
  assert hv == {"fake": {"mem_total": 1, "mem_node": 2}}
  assert "Invalid hypervisor" in _Inval(gp.MergeHvState, {}, {"nohv": {}})
  ds = gp.MergeDiskState({}, {"lvm-vg": {"xenvg": {"disk_total": "10"}}})
  assert ds == {"lvm-vg": {"xenvg": {"disk_total": 10}}}
  assert "Unknown disk state parameter(s): x" in _Inval(
    gp.MergeDiskState, {}, {"lvm-vg": {"xenvg": {"x": 1}}})


class _Opts:
  def __init__(self, **kwargs):
    self.ipolicy_bounds_specs = None
    self.ipolicy_disk_templates = None
    self.ipolicy_vcpu_ratio = None
    self.ipolicy_spindle_ratio = None
    self.__dict__.update(kwargs)


def test_cli_ipolicy_options():
  assert group_opts.IPolicyFromOpts(_Opts()) is None
  opts = _Opts(ipolicy_bounds_specs="min:memory-size=1G,cpu-count=1/"
               "max:memory-size=2g,cpu-count=4//min:cpu-count=8/"
               "max:cpu-count=16",
               ipolicy_disk_templates="file,diskless",
               ipolicy_vcpu_ratio="2.5", ipolicy_spindle_ratio="default")
  assert group_opts.IPolicyFromOpts(opts) == {
    "minmax": [{"min": {"memory-size": 1024, "cpu-count": 1},
                "max": {"memory-size": 2048, "cpu-count": 4}},
               {"min": {"cpu-count": 8}, "max": {"cpu-count": 16}}],
    "disk-templates": ["file", "diskless"],
    "vcpu-ratio": 2.5, "spindle-ratio": "default"}
  assert "expected 'min' or 'max'" in _Inval(
    group_opts.ParseBoundsSpecs, "mid:cpu-count=1")
  assert "Invalid instance spec parameter 'cpus'" in _Inval(
    group_opts.ParseBoundsSpecs, "min:cpus=1/max:cpus=2")


def test_format_policy_info():
  cluster = _Cluster()
  custom = {"vcpu-ratio": 2.0}
  info = dict(group_opts.FormatPolicyInfo(
    custom, cluster.SimpleFillIPolicy(custom)))
  assert info["vcpu-ratio"] == "2"
  assert info["spindle-ratio"] == "default (32)"
  assert info["bounds specs"][0][0] == (
    "min/0", dict((k, "default (%s)" % v) for (k, v) in
                  cluster.ipolicy["minmax"][0]["min"].items()))


def test_cli_states_and_disk_params():
  class Opts:
    diskparams = [("drbd", {"resync-rate": "10"}),
                  ("drbd", {"protocol": "C"})]
    hv_state = [("fake", {"mem_total": "1024"})]
    disk_state = [("lvm-vg/xenvg", {"disk_total": "10"})]
  assert group_opts.DiskParamsFromOpts(Opts) == \
    {"drbd": {"resync-rate": "10", "protocol": "C"}}
  assert group_opts.HvStateFromOpts(Opts) == {"fake": {"mem_total": "1024"}}
  assert group_opts.DiskStateFromOpts(Opts) == \
    {"lvm-vg": {"xenvg": {"disk_total": "10"}}}
  Opts.disk_state = [("xenvg", {})]
  assert "expected storage-type/name" in _Inval(
    group_opts.DiskStateFromOpts, Opts)
  Opts.diskparams = [("drbd", False)]
  assert "Missing disk parameters" in _Inval(group_opts.DiskParamsFromOpts,
                                             Opts)
