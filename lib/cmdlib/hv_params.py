"""Master side of the hypervisor parameter checks.

Logical units check new hypervisor parameters with the
``hypervisor_validate_params`` RPC before changing anything.  The node side
(:mod:`ganeti.backend.hv_params`) runs the hypervisor's syntax check and its
node-dependent validation; the master node is always asked as well, which
stands in for Ganeti's syntax check on the master (cmdlib may not import the
hypervisor classes, DESIGN.md section 2).
"""

from ganeti import objects


def _VmNodes(lu, node_uuids):
  """The vm_capable nodes of ``node_uuids`` plus the master node, in order."""
  master = lu.cfg.GetMasterNode()
  result = []
  for uuid in list(node_uuids) + [master]:
    if uuid in result:
      continue
    node = lu.cfg.GetNodeInfo(uuid)
    if node is None or (not node.vm_capable and uuid != master):
      continue
    result.append(uuid)
  return result


def CheckHVParams(lu, node_uuids, hvname, hvparams):
  """Check hypervisor parameters on the given nodes (and the master).

  @param hvparams: the parameters to check; the cluster's defaults of
    ``hvname`` are filled in below them
  @raise errors.OpExecError: "Hypervisor parameter validation failed on node
    X: <reason>" for the first node that rejects them (offline nodes are
    skipped); Ganeti raises this execution error from the prerequisite
    checks, before anything is changed
  """
  uuids = _VmNodes(lu, node_uuids)
  cluster = lu.cfg.GetClusterInfo()
  hvfull = objects.FillDict(cluster.hvparams.get(hvname, {}), hvparams)
  results = lu.rpc.call_hypervisor_validate_params(uuids, hvname, hvfull)
  for uuid in uuids:
    res = results[uuid]
    if res.offline:
      continue
    res.Raise("Hypervisor parameter validation failed on node %s" %
              lu.cfg.GetNodeName(uuid))
