"""Hypervisor parameter validation on a node (RPC
``hypervisor_validate_params``)."""

from ganeti import errors
from ganeti import hypervisor
from ganeti.backend import _Fail


def ValidateHVParams(hvname, hvparams):
  """Check filled hvparams of ``hvname``: syntax, then against this node.

  @raise RPCFail: with the hypervisor's message
  """
  try:
    hv_class = hypervisor.GetHypervisorClass(hvname)
    hv_class.CheckParameterSyntax(hvparams)
    hv_class().ValidateParameters(hvparams)
  except errors.HypervisorError as err:
    _Fail(str(err), log=False)
  return None
