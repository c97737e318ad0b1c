"""Hypervisor parameter checks: node side (backend) and master side."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import bootstrap
from ganeti.backend import RPCFail
from ganeti.backend import hvparams as backend_hvparams
from ganeti.cmdlib import hv_params
from ganeti.rpc import transport

pytestmark = pytest.mark.unit


def _Pvm(**kwargs):
  return dict(constants.HVC_DEFAULTS[constants.HT_XEN_PVM], **kwargs)


def testBackendSyntaxAndNode(tmp_path):
  kernel = tmp_path / "vmlinuz"
  kernel.write_text("k")
  backend_hvparams.ValidateHVParams(constants.HT_XEN_PVM,
                                    _Pvm(kernel_path=str(kernel)))
  with pytest.raises(RPCFail, match="cpu_mask"):
    backend_hvparams.ValidateHVParams(constants.HT_XEN_PVM,
                                      _Pvm(kernel_path=str(kernel),
                                           cpu_mask="x"))
  with pytest.raises(RPCFail, match="kernel_path.*not found"):
    backend_hvparams.ValidateHVParams(constants.HT_XEN_PVM,
                                      _Pvm(kernel_path=str(tmp_path / "no")))
  with pytest.raises(RPCFail, match="Unknown hypervisor"):
    backend_hvparams.ValidateHVParams("nohv", {})


class _Cfg:
  def __init__(self, nodes):
    self.nodes = nodes  # uuid -> (name, offline, vm_capable)

  def GetVmCapableNodeList(self):
    return [u for (u, n) in self.nodes.items() if n[2]]

  def GetOnlineNodeList(self):
    return [u for (u, n) in self.nodes.items() if not n[1]]

  def GetNodeList(self):
    return list(self.nodes)

  def GetNodeName(self, uuid):
    return self.nodes[uuid][0]


class _Rpc:
  def __init__(self, answers):
    self.answers = answers
    self.calls = []

  def call_hypervisor_validate_params(self, nodes, hvname, hvparams):
    self.calls.append((list(nodes), hvname, hvparams))
    return dict((n, self.answers[n]) for n in nodes)


class _Lu:
  def __init__(self, cfg, rpc, op=None):
    (self.cfg, self.rpc, self.op) = (cfg, rpc, op)


def testMasterSideAsksVmCapableOnlineNodes():
  cfg = _Cfg({"u1": ("node1", False, True), "u2": ("node2", True, True),
              "u3": ("node3", False, False), "u4": ("node4", False, True)})
  rpc = _Rpc({"u1": transport.RpcResult(data=[True, None], node="node1"),
              "u4": transport.RpcResult(data="Parameter 'kernel_path' fails"
                                        " validation", failed=True,
                                        node="node4")})
  with pytest.raises(errors.OpExecError,
                     match="Hypervisor parameter validation failed on node"
                     " node4: Parameter 'kernel_path'"):
    hv_params.CheckHVParams(_Lu(cfg, rpc), ["u1", "u2", "u3", "u4"],
                            constants.HT_XEN_PVM, {"a": 1})
  assert rpc.calls == [(["u1", "u4"], constants.HT_XEN_PVM, {"a": 1})]
  rpc.calls = []
  hv_params.CheckHVParams(_Lu(cfg, rpc), ["u2", "u3"], "fake", {})
  assert rpc.calls == []


def testInitChecksSyntaxAndTypes():
  full = {hv: dict(p) for (hv, p) in constants.HVC_DEFAULTS.items()}
  given = {constants.HT_XEN_PVM: {"cpu_weight": "512"}}
  bootstrap._CheckInitHvParams([constants.HT_XEN_PVM], given, full)
  assert full[constants.HT_XEN_PVM]["cpu_weight"] == 512
  with pytest.raises(errors.OpPrereqError,
                     match="Invalid xen-pvm hypervisor parameters:.*cpu_mask"):
    bootstrap._CheckInitHvParams([constants.HT_XEN_PVM],
                                 {constants.HT_XEN_PVM: {"cpu_mask": "x"}},
                                 full)
  with pytest.raises(errors.OpPrereqError, match="not a valid integer"):
    bootstrap._CheckInitHvParams([constants.HT_XEN_PVM],
                                 {constants.HT_XEN_PVM: {"cpu_cap": "lots"}},
                                 full)
