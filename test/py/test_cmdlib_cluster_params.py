"""LUClusterSetParams run through the processor against a real config."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes

from test_mcpu import ctx, _Exec, Callbacks  # noqa: F401 pylint: disable=W0611

pytestmark = pytest.mark.unit


def _Cluster(ctx):  # noqa: F811
  return ctx.cfg.GetClusterInfo()


def _Inval(ctx, **kwargs):  # noqa: F811
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterSetParams(**kwargs))
  assert err.value.args[1] == errors.ECODE_INVAL
  return err.value.args[0]


def testHiddenBlacklisted(ctx):  # noqa: F811
  cbs = Callbacks()
  _Exec(ctx, opcodes.OpClusterSetParams(
    hidden_os=[[opcodes.DDM_ADD, "noop"], [opcodes.DDM_ADD, "debian"]],
    blacklisted_os=[[opcodes.DDM_ADD, "lenny"]]), cbs)
  cluster = _Cluster(ctx)
  assert "noop" in cluster.hidden_os and "debian" in cluster.hidden_os
  assert "lenny" in cluster.blacklisted_os
  cbs = Callbacks()
  _Exec(ctx, opcodes.OpClusterSetParams(
    hidden_os=[[opcodes.DDM_REMOVE, "noop"], [opcodes.DDM_ADD, "debian"]],
    blacklisted_os=[[opcodes.DDM_REMOVE, "nosuch"]]), cbs)
  cluster = _Cluster(ctx)
  assert "noop" not in cluster.hidden_os
  assert cluster.hidden_os.count("debian") == 1
  msgs = [str(f) for f in cbs.feedback]
  assert any("OS debian already in hidden OS list, ignoring" in m
             for m in msgs)
  assert any("OS nosuch not found in blacklisted OS list, ignoring" in m
             for m in msgs)


def testBadListModification(ctx):  # noqa: F811
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, opcodes.OpClusterSetParams(hidden_os=[["modify", "noop"]]))


def testOsHvpMerging(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(os_hvp={
    "noop": {constants.HT_KVM: {"kernel_path": "/k", "acpi": "no"}}}))
  assert _Cluster(ctx).os_hvp["noop"] == \
    {constants.HT_KVM: {"kernel_path": "/k", "acpi": False}}
  _Exec(ctx, opcodes.OpClusterSetParams(os_hvp={
    "noop": {constants.HT_KVM: {"serial_speed": "9600",
                                "kernel_path": constants.VALUE_DEFAULT}}}))
  assert _Cluster(ctx).os_hvp["noop"] == \
    {constants.HT_KVM: {"acpi": False, "serial_speed": 9600}}
  _Exec(ctx, opcodes.OpClusterSetParams(os_hvp={
    "noop": {constants.HT_KVM: {"serial_speed": None, "acpi": None}}}))
  assert "noop" not in _Cluster(ctx).os_hvp
  # the filled values of an instance's hypervisor see the OS overrides
  _Exec(ctx, opcodes.OpClusterSetParams(os_hvp={
    "noop": {constants.HT_FAKE: {"migration_mode": "non-live"}}}))
  assert _Cluster(ctx).GetHVDefaults(constants.HT_FAKE, "noop+v1")[
    "migration_mode"] == "non-live"


def testOsHvpValidation(ctx):  # noqa: F811
  msg = _Inval(ctx, os_hvp={"noop": {constants.HT_KVM: {"nosuch": "1"}}})
  assert msg == "Unknown kvm hypervisor parameter(s): nosuch"
  msg = _Inval(ctx, os_hvp={"noop": {"nohv": {"a": "1"}}})
  assert msg.startswith("Unknown hypervisor 'nohv'")
  msg = _Inval(ctx, os_hvp={"noop": {constants.HT_KVM:
                                     {"serial_speed": "fast"}}})
  assert "is not a valid integer" in msg
  assert ctx.cfg.GetWriteCount() == 0


def testOsParams(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(osparams={"noop": {"a": "1",
                                                          "b": "2"}}))
  assert _Cluster(ctx).osparams["noop"] == {"a": "1", "b": "2"}
  _Exec(ctx, opcodes.OpClusterSetParams(osparams={"noop": {"a": None,
                                                          "c": "3"}}))
  assert _Cluster(ctx).osparams["noop"] == {"b": "2", "c": "3"}
  _Exec(ctx, opcodes.OpClusterSetParams(osparams={"noop": {
    "b": constants.VALUE_DEFAULT, "c": None}}))
  assert "noop" not in _Cluster(ctx).osparams
  msg = _Inval(ctx, osparams={"noop": {"a": True}})
  assert "must be a string" in msg


def testSimpleValues(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(
    candidate_pool_size=5, maintain_node_health=True,
    prealloc_wipe_disks=True, modify_etc_hosts=False,
    mac_prefix="AA:00:01", default_iallocator="hail"))
  cluster = _Cluster(ctx)
  assert cluster.candidate_pool_size == 5
  assert cluster.maintain_node_health is True
  assert cluster.prealloc_wipe_disks is True
  assert cluster.modify_etc_hosts is False
  assert cluster.mac_prefix == "aa:00:01"
  assert cluster.default_iallocator == "hail"
  assert ctx.cfg.GetWriteCount() == 1


def testCandidatePoolSizeType(ctx):  # noqa: F811
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, opcodes.OpClusterSetParams(candidate_pool_size=0))


def testMacPrefix(ctx):  # noqa: F811
  assert _Inval(ctx, mac_prefix="aa:bb") == \
    "Invalid MAC address prefix given: 'aa:bb'"


def testHypervisors(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(
    enabled_hypervisors=[constants.HT_KVM, constants.HT_FAKE],
    hvparams={constants.HT_KVM: {"kernel_path": "/vmlinuz"}}))
  cluster = _Cluster(ctx)
  assert cluster.enabled_hypervisors == [constants.HT_KVM, constants.HT_FAKE]
  assert cluster.primary_hypervisor == constants.HT_KVM
  assert cluster.hvparams[constants.HT_KVM]["kernel_path"] == "/vmlinuz"
  assert cluster.hvparams[constants.HT_KVM]["acpi"] is True
  assert _Inval(ctx, enabled_hypervisors=[]) == \
    "Enabled hypervisors list must contain at least one member"
  assert _Inval(ctx, enabled_hypervisors=["kvm", "vmware"]) == \
    "Enabled hypervisors contains invalid entries: vmware"
  assert _Inval(ctx, hvparams={"kvm": {"bogus": 1}}) == \
    "Unknown kvm hypervisor parameter(s): bogus"


def testBeNicNdParams(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(
    beparams={"maxmem": "1G", "minmem": "512", "vcpus": "2"},
    nicparams={"link": "br1"},
    ndparams={"spindle_count": "3"}))
  cluster = _Cluster(ctx)
  be = cluster.beparams[constants.VALUE_DEFAULT]
  assert (be["maxmem"], be["minmem"], be["vcpus"]) == (1024, 512, 2)
  assert cluster.nicparams[constants.VALUE_DEFAULT]["link"] == "br1"
  assert cluster.ndparams["spindle_count"] == 3
  assert _Inval(ctx, beparams={"nosuch": 1}) == \
    "Unknown backend parameter(s): nosuch"
  assert "is not a valid integer" in _Inval(ctx, beparams={"vcpus": "x"})
  assert "greater than maximum" in _Inval(ctx, beparams={"minmem": 4096})
  assert _Inval(ctx, nicparams={"mode": "bogus"}).startswith(
    "Invalid NIC mode 'bogus'")
  assert _Inval(ctx, ndparams={"nosuch": "1"}) == \
    "Unknown node parameter(s): nosuch"


def testEveryParameterSupported():
  from ganeti.cmdlib import cluster_params  # pylint: disable=C0415
  names = set(p[0] for p in opcodes.OpClusterSetParams.GetAllParams()) - \
    set(p[0] for p in opcodes.BASE_PARAMS)
  assert names <= cluster_params._SUPPORTED  # pylint: disable=W0212


def testHooksPath(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterSetParams(candidate_pool_size=7))
  hooks = ctx.transport.Find("hooks_runner")
  phases = [c[2][1] for c in hooks if c[2][0] == "cluster-modify"]
  assert phases == ["pre", "post"]


def testDefaultIallocatorMustExist(ctx, tmp_path, monkeypatch):  # noqa: F811
  """Built-in names always; a plugin only when the master has it."""
  import os
  from ganeti.cmdlib import iallocator
  plugins = tmp_path / "iallocators"
  plugins.mkdir()
  monkeypatch.setattr(iallocator, "_SearchPath", lambda: [str(plugins)])
  writes = ctx.cfg.GetWriteCount()
  assert _Inval(ctx, default_iallocator="my-alloc") == \
    "Invalid default iallocator script 'my-alloc' specified"
  script = plugins / "my-alloc"
  script.write_text("#!/bin/sh\n")
  # present but not executable: not a plugin either
  assert _Inval(ctx, default_iallocator="my-alloc").startswith(
    "Invalid default iallocator script")
  assert ctx.cfg.GetWriteCount() == writes
  os.chmod(str(script), 0o755)
  for name in ("my-alloc", constants.IALLOCATOR_BUILTIN,
               constants.DEFAULT_IALLOCATOR):
    _Exec(ctx, opcodes.OpClusterSetParams(default_iallocator=name))
    assert _Cluster(ctx).default_iallocator == name
  # the empty name unsets the default, without any check
  _Exec(ctx, opcodes.OpClusterSetParams(default_iallocator=""))
  assert _Cluster(ctx).default_iallocator == ""
