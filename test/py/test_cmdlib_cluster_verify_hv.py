"""gnt-cluster verify's hypervisor checks against scripted node answers.

In the 3.0 fixture instance1 lives on node1, instance3 on node2 and
instance2 on node3, all xen-pvm and marked up.
"""

import pytest

from ganeti import constants
from ganeti import opcodes
from ganeti.cmdlib import cluster_verify

import disks_testlib as dt
import test_mcpu
import verify_testlib as vt

pytestmark = pytest.mark.unit

HV = constants.HT_XEN_PVM
RUNNING = {
  dt.N1_NAME: ["instance1.example.com"],
  dt.N2_NAME: ["instance3.example.com"],
  dt.N3_NAME: ["instance2.example.com"],
}


@pytest.fixture
def ctx(tmp_path):
  return dt.MakeContext(tmp_path)


def _Answer(ctx, running=None, hvparms=None):
  def spoil(node, answer):
    if "hvparms" in answer:
      answer["hvparms"] = (hvparms or {}).get(node, [])
  vt.Script(ctx, running=running, spoil=spoil)


def _VerifyGroup(ctx, **kwargs):
  cbs = test_mcpu.Callbacks()
  result = dt.Exec(ctx, opcodes.OpClusterVerifyGroup(group_name="default",
                                                     **kwargs), cbs)
  lines = [line for line in dt.FeedbackLines(cbs) if line.startswith("  - ")]
  return (result, [line for line in lines if "NOTICE" not in line])


def testHealthy(ctx):
  _Answer(ctx)
  assert _VerifyGroup(ctx) == (True, [])


def testHvParamsSentToTheNodes(ctx):
  cluster = ctx.cfg.GetClusterInfo()
  ctx.cfg.GetInstanceInfo(test_mcpu.I3).hvparams = {"kernel_path": "/k"}
  cluster.os_hvp = {"debian": {HV: {"root_path": "/dev/xvda2"}},
                    "other": {constants.HT_KVM: {"acpi": False}}}
  _Answer(ctx)
  _VerifyGroup(ctx)
  (_, _, args) = ctx.transport.Find("node_verify")[0]
  hvp = args[0]["hvparms"]
  assert [(src, hv) for (src, hv, _) in hvp] == [
    ("cluster", HV), ("os debian", HV),
    ("instance instance3.example.com", HV)]
  assert hvp[1][2]["root_path"] == "/dev/xvda2"
  assert hvp[2][2]["kernel_path"] == "/k"
  assert set(hvp[2][2]) == set(constants.HVC_DEFAULTS[HV])


def testHvParamFailures(ctx):
  _Answer(ctx, hvparms={dt.N2_NAME: [
    ["cluster", HV, "Parameter 'kernel_path' fails validation: not found or"
     " not a file (current value: '/boot/vmlinuz-3-xenU')"]]})
  (ok, lines) = _VerifyGroup(ctx)
  assert not ok
  assert lines == [
    "  - ERROR: node node2.example.com: hypervisor xen-pvm parameter verify"
    " failure (source cluster): Parameter 'kernel_path' fails validation:"
    " not found or not a file (current value: '/boot/vmlinuz-3-xenU')"]
  (_, lines) = _VerifyGroup(ctx, error_codes=True)
  assert lines[0].startswith("  - ERROR:ENODEHV:node:node2.example.com:"
                             "hypervisor xen-pvm parameter verify failure")


def testInstanceOnTheWrongNodeAndDown(ctx):
  running = {dt.N1_NAME: ["instance1.example.com", "instance3.example.com"],
             dt.N3_NAME: ["instance2.example.com"]}
  _Answer(ctx, running=running)
  (ok, lines) = _VerifyGroup(ctx)
  assert not ok
  assert lines == [
    "  - ERROR: instance instance3.example.com: instance should not run on"
    " node node1.example.com",
    "  - ERROR: instance instance3.example.com: instance not running on its"
    " primary node node2.example.com"]
  (_, lines) = _VerifyGroup(ctx, error_codes=True)
  assert [line.split(":")[1] for line in lines] == \
    ["EINSTANCEWRONGNODE", "EINSTANCEDOWN"]


def testUnknownInstance(ctx):
  running = dict(RUNNING)
  running[dt.N3_NAME] = ["instance2.example.com", "ghost.example.com"]
  _Answer(ctx, running=running)
  (ok, lines) = _VerifyGroup(ctx, error_codes=True)
  assert not ok
  assert lines == [
    "  - ERROR:ENODEORPHANINSTANCE:node:node3.example.com:node is running"
    " unknown instance ghost.example.com"]


def testDownInstanceNotReported(ctx):
  inst = ctx.cfg.GetInstanceInfo(test_mcpu.I3)
  inst.admin_state = constants.ADMINST_DOWN
  running = dict(RUNNING)
  running[dt.N2_NAME] = []
  _Answer(ctx, running=running)
  assert _VerifyGroup(ctx) == (True, [])


def testConfigSyntaxCheck(ctx):
  cluster = ctx.cfg.GetClusterInfo()
  cluster.hvparams[HV]["bogus"] = "1"
  ctx.cfg.GetInstanceInfo(test_mcpu.I3).hvparams = {"acpi": True}
  cbs = test_mcpu.Callbacks()
  assert dt.Exec(ctx, opcodes.OpClusterVerifyConfig(), cbs) is False
  # (the fixture has no certificates: those errors are not looked at)
  lines = [line for line in dt.FeedbackLines(cbs) if "hypervisor" in line]
  assert lines == [
    "* Verifying hypervisor parameters",
    "  - ERROR: cluster: hypervisor cluster parameters syntax check (source"
    " xen-pvm): Unknown parameter 'bogus'",
    # the fixture's OS overrides sit on top of the cluster values
    "  - ERROR: cluster: hypervisor os TEMP-Ganeti-QA-OS parameters syntax"
    " check (source xen-pvm): Unknown parameter 'bogus'",
    "  - ERROR: cluster: hypervisor instance instance3.example.com"
    " parameters syntax check (source xen-pvm): Parameter 'acpi' is not"
    " supported"]


def testAllHypervisorParametersSkipsDisabled(ctx):
  cluster = ctx.cfg.GetClusterInfo()
  cluster.os_hvp = {"x": {constants.HT_KVM: {"acpi": False}}}
  data = cluster_verify.GetAllHypervisorParameters(cluster, [])
  assert [d[:2] for d in data] == [["cluster", HV]]
