"""Hypervisor parameters checked on the nodes by the master's LUs.

The 3.0 fixture cluster has xen-pvm enabled on node1 (master), node2 and
node3; the scripted transport plays the nodes' hypervisor_validate_params.
"""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes

import disks_testlib as dt
import test_mcpu

pytestmark = pytest.mark.unit

I3 = test_mcpu.I3
HV = constants.HT_XEN_PVM


@pytest.fixture
def ctx(tmp_path):
  context = dt.MakeContext(tmp_path)
  lvm = [{"type": constants.ST_LVM_VG, "name": "xenvg",
          "storage_free": dt.VG_FREE, "storage_size": 2 * dt.VG_FREE}]
  context.transport.handlers["node_info"] = lambda node, args: (
    True, ["id", lvm, [{"memory_free": 8192}]])
  with dt.ExtraRpcs():
    yield context


def _RejectOn(ctx, bad_node, message):
  ctx.transport.handlers["hypervisor_validate_params"] = \
    lambda node, args: (node != bad_node, message)


def _Validations(ctx):
  return [(node, args) for (_, node, args)
          in ctx.transport.Find("hypervisor_validate_params")]


def _ExecFails(ctx, op):
  writes = ctx.cfg.GetWriteCount()
  with pytest.raises(errors.OpExecError) as err:
    dt.Exec(ctx, op)
  assert ctx.cfg.GetWriteCount() == writes
  return str(err.value)


def testInstanceModifyValidatesOnItsNodesAndMaster(ctx):
  dt.Exec(ctx, opcodes.OpInstanceSetParams(
    instance_name="instance3", hvparams={"kernel_path": "/boot/vmlinuz-x"}))
  calls = _Validations(ctx)
  # the primary node (node2) and the master (syntax check)
  assert [c[0] for c in calls] == [dt.N2_NAME, dt.N1_NAME]
  (hvname, full) = calls[0][1]
  assert hvname == HV
  # the full parameters: cluster defaults under the instance's values
  assert full["kernel_path"] == "/boot/vmlinuz-x"
  assert set(full) == set(constants.HVC_DEFAULTS[HV])


def testInstanceModifyRejected(ctx):
  _RejectOn(ctx, dt.N2_NAME,
            "Parameter 'kernel_path' fails validation: not found or not a"
            " file (current value: '/nosuch')")
  msg = _ExecFails(ctx, opcodes.OpInstanceSetParams(
    instance_name="instance3", hvparams={"kernel_path": "/nosuch"}))
  assert msg == ("Hypervisor parameter validation failed on node"
                 " node2.example.com: Parameter 'kernel_path' fails"
                 " validation: not found or not a file (current value:"
                 " '/nosuch')")
  assert ctx.cfg.GetInstanceInfo(I3).hvparams == {}


def testClusterModifyValidatesOnAllNodes(ctx):
  dt.Exec(ctx, opcodes.OpClusterSetParams(
    hvparams={HV: {"kernel_path": "/boot/vmlinuz-y"}}))
  calls = _Validations(ctx)
  assert sorted(c[0] for c in calls) == sorted(
    [dt.N1_NAME, dt.N2_NAME, dt.N3_NAME])
  assert all(c[1][0] == HV and c[1][1]["kernel_path"] == "/boot/vmlinuz-y"
             for c in calls)
  # as Ganeti: changed parameters of a hypervisor that is not enabled are
  # validated too (it may be enabled later without another check)
  ctx.transport.calls = []
  dt.Exec(ctx, opcodes.OpClusterSetParams(
    hvparams={constants.HT_KVM: {"kernel_path": "/boot/k"}}))
  calls = _Validations(ctx)
  assert sorted(c[0] for c in calls) == sorted(
    [dt.N1_NAME, dt.N2_NAME, dt.N3_NAME])
  assert all(c[1][0] == constants.HT_KVM and
             c[1][1]["kernel_path"] == "/boot/k" for c in calls)


def testClusterModifyRejected(ctx):
  _RejectOn(ctx, dt.N3_NAME, "Parameter 'root_path' is required but is"
            " currently not defined")
  old = dict(ctx.cfg.GetClusterInfo().hvparams[HV])
  msg = _ExecFails(ctx, opcodes.OpClusterSetParams(
    hvparams={HV: {"root_path": ""}}))
  assert msg == ("Hypervisor parameter validation failed on node"
                 " node3.example.com: Parameter 'root_path' is required but"
                 " is currently not defined")
  assert ctx.cfg.GetClusterInfo().hvparams[HV] == old


def testClusterModifyOsHvpRejected(ctx):
  _RejectOn(ctx, dt.N1_NAME, "Parameter 'kernel_path' fails syntax check")
  msg = _ExecFails(ctx, opcodes.OpClusterSetParams(
    os_hvp={"noop": {HV: {"kernel_path": "rel"}}}))
  assert msg.startswith("Hypervisor parameter validation failed on node"
                        " node1.example.com: ")
  assert "noop" not in ctx.cfg.GetClusterInfo().os_hvp
  (_, (_, full)) = _Validations(ctx)[0]
  assert full["kernel_path"] == "rel"


def _CreateOp(**kwargs):
  params = dict(instance_name="new1.example.com", disks=[{"size": 1024}],
                disk_template=constants.DT_DRBD8, nics=[],
                mode=constants.INSTANCE_CREATE, os_type="noop",
                pnode="node2", snode="node3", name_check=False,
                ip_check=False, start=False, ignore_ipolicy=True,
                no_install=True)
  params.update(kwargs)
  return opcodes.OpInstanceCreate(**params)


def testInstanceAddRejectedCreatesNothing(ctx):
  _RejectOn(ctx, dt.N3_NAME, "Parameter 'kernel_path' fails validation")
  instances = set(ctx.cfg.GetInstanceList())
  msg = _ExecFails(ctx, _CreateOp(hvparams={"kernel_path": "/k"}))
  assert msg == ("Hypervisor parameter validation failed on node"
                 " node3.example.com: Parameter 'kernel_path' fails"
                 " validation")
  assert set(ctx.cfg.GetInstanceList()) == instances
  # no disk was created anywhere
  assert not ctx.transport.Find("blockdev_create")
  calls = _Validations(ctx)
  assert [c[0] for c in calls] == [dt.N2_NAME, dt.N3_NAME, dt.N1_NAME]
  assert calls[0][1][1]["kernel_path"] == "/k"
