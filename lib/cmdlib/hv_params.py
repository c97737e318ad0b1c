"""Checking hypervisor parameters on the nodes (master side).

cmdlib does not import the hypervisor code: the syntax and node checks of
each hypervisor run on the nodes through the ``hypervisor_validate_params``
RPC.
"""


def CheckHVParams(lu, node_uuids, hv_name, hvparams):
  """Have the vm-capable online nodes among ``node_uuids`` check the
  filled ``hvparams`` of ``hv_name``.

  @raise errors.OpExecError: a node refused them (its message included)
  """
  vm_capable = set(lu.cfg.GetVmCapableNodeList())
  online = set(lu.cfg.GetOnlineNodeList())
  nodes = [uuid for uuid in node_uuids
           if uuid in vm_capable and uuid in online]
  if not nodes:
    return
  results = lu.rpc.call_hypervisor_validate_params(nodes, hv_name, hvparams)
  for uuid in nodes:
    result = results[uuid]
    if result.offline:
      continue
    result.Raise("Hypervisor parameter validation failed on node %s" %
                 lu.cfg.GetNodeName(uuid))


def CheckInstanceHVParams(lu, node_uuids):
  """Type the instance-level ``lu.op.hvparams`` (in place) and have the
  instance's nodes check them filled with the cluster's and OS defaults.

  @raise errors.OpPrereqError: a value of the wrong type
  @raise errors.OpExecError: a node refused the parameters
  """
  from ganeti.cmdlib import cluster_params
  op = lu.op
  cluster = lu.cfg.GetClusterInfo()
  hv_name = op.hypervisor
  cluster_params.ForceParamTypes("%s hypervisor" % hv_name, op.hvparams,
                                 cluster_params._HvParamTypes(hv_name))
  filled = cluster.SimpleFillHV(hv_name, op.os_type, op.hvparams)
  CheckHVParams(lu, node_uuids, hv_name, filled)


def CheckClusterHVParams(lu, new_hvparams):
  """Have every node check the new cluster-level parameters of each
  hypervisor whose parameters changed or that is being enabled."""
  op = lu.op
  changed = set(op.hvparams or {}) | set(op.enabled_hypervisors or [])
  node_uuids = lu.cfg.GetNodeList()
  for hv_name in sorted(changed):
    if hv_name in new_hvparams:
      CheckHVParams(lu, node_uuids, hv_name, new_hvparams[hv_name])
