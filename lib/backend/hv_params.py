"""Node side of the ``hypervisor_validate_params`` RPC.

Ganeti checks a hypervisor's parameter syntax on the master with the
hypervisor class and their validity on each node over this RPC.  Here the
master's logical units may not import :mod:`ganeti.hypervisor` (DESIGN.md
section 2), so this procedure does both: the pure syntax check
(``CheckParameterSyntax``) and then the node-dependent check
(``ValidateParameters``).  The master sends it to the master node too, which
takes the place of Ganeti's master-local syntax check.
"""

from ganeti import errors
from ganeti import hypervisor
from ganeti.backend import _Fail


def ValidateHVParams(hvname, hvparams):
  """Check the full parameters ``hvparams`` of hypervisor ``hvname``.

  @param hvparams: every parameter of the hypervisor (cluster defaults
    filled in)
  @raise RPCFail: with the hypervisor's message if a parameter is unknown,
    malformed or invalid on this node (or the hypervisor is unavailable)
  """
  try:
    hv_class = hypervisor.GetHypervisorClass(hvname)
    hv_class.CheckParameterSyntax(hvparams)
    hv_class().ValidateParameters(hvparams)
  except errors.HypervisorError as err:
    _Fail(str(err), log=False)
