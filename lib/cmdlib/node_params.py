"""Checks of gnt-node modify's secondary IP, node parameters and power
flag changes (used by :class:`ganeti.cmdlib.node.LUNodeSetParams`)."""

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import utils
from ganeti.cmdlib.cluster_params import ForceParamTypes, GetUpdatedParams
from ganeti.cmdlib.instance_ops import CheckInstanceState, INSTANCE_DOWN
from ganeti.cmdlib.instance_set_params import CheckParamsNotGlobal
from ganeti.cmdlib.node_oob import SupportsOob

#: node parameters that only the cluster or a node group may set
NDC_GLOBALS = frozenset([constants.ND_EXCLUSIVE_STORAGE])


def CheckSecondaryIpArg(secondary_ip):
  """Syntax of a new secondary IP (IPv4 only, as Ganeti)."""
  if secondary_ip and not netutils.IsValidIP4(secondary_ip):
    raise errors.OpPrereqError("Secondary IP (%s) needs to be a valid IPv4"
                               " address" % secondary_ip, errors.ECODE_INVAL)


def SecondaryIpInstances(cfg, node_uuid):
  """The internally mirrored (DRBD) instances using the node: they talk
  over the secondary network, so changing its address affects them."""
  return [inst for inst in cfg.GetAllInstancesInfo().values()
          if cfg.GetInstanceDiskTemplate(inst.uuid) in
          constants.DTS_INT_MIRROR and
          node_uuid in cfg.GetInstanceNodes(inst.uuid)]


def _CheckHomedTransition(lu, node, secondary_ip, master):
  """Single- to multi-homed (or back) needs --force on the master."""
  singlehomed = master.secondary_ip == master.primary_ip
  if singlehomed and secondary_ip != node.primary_ip:
    if lu.op.force and node.uuid == master.uuid:
      lu.LogWarning("Transitioning from single-homed to multi-homed"
                    " cluster; all nodes will require a secondary IP"
                    " address")
    else:
      raise errors.OpPrereqError("Changing the secondary ip on a"
                                 " single-homed cluster requires the"
                                 " --force option to be passed, and the"
                                 " target node to be the master",
                                 errors.ECODE_INVAL)
  elif not singlehomed and secondary_ip == node.primary_ip:
    if lu.op.force and node.uuid == master.uuid:
      lu.LogWarning("Transitioning from multi-homed to single-homed"
                    " cluster; secondary IP addresses will have to be"
                    " removed")
    else:
      raise errors.OpPrereqError("Cannot set the secondary IP to be the"
                                 " same as the primary IP on a multi-homed"
                                 " cluster, unless the --force option is"
                                 " passed, and the target node is the"
                                 " master", errors.ECODE_INVAL)


def CheckSecondaryIpChange(lu, node, secondary_ip, affected):
  """Whether ``node`` may move to ``secondary_ip``.

  The cluster's homing rule, then: an offline node must not have DRBD
  instances; an online one must have them stopped, must own the address,
  and (if not the master) must be reachable on it from the master's
  secondary address.
  """
  master = lu.cfg.GetMasterNodeInfo()
  _CheckHomedTransition(lu, node, secondary_ip, master)
  for other in lu.cfg.GetAllNodesInfo().values():
    if other.uuid != node.uuid and secondary_ip in (other.primary_ip,
                                                    other.secondary_ip):
      raise errors.OpPrereqError("Secondary IP %s is already used by node"
                                 " %s" % (secondary_ip, other.name),
                                 errors.ECODE_NOTUNIQUE)
  if node.offline:
    if affected:
      raise errors.OpPrereqError("Cannot change secondary IP address:"
                                 " offline node has instances (%s)"
                                 " configured to use it" %
                                 utils.CommaJoin(sorted(i.name for i in
                                                        affected)),
                                 errors.ECODE_STATE)
    return
  for inst in affected:
    CheckInstanceState(lu, inst, INSTANCE_DOWN,
                       msg="cannot change secondary ip")
  result = lu.rpc.call_node_has_ip_address(node.uuid, secondary_ip)
  result.Raise("Failure checking secondary ip on node %s" % node.name,
               prereq=True, ecode=errors.ECODE_ENVIRON)
  if not result.payload:
    raise errors.OpPrereqError("Node claims it doesn't have the secondary"
                               " ip you gave (%s), please fix and re-run"
                               " this command" % secondary_ip,
                               errors.ECODE_ENVIRON)
  if master.uuid != node.uuid:
    if not netutils.TcpPing(secondary_ip,
                            netutils.GetDaemonPort(constants.NODED),
                            source=master.secondary_ip):
      raise errors.OpPrereqError("Node secondary ip not reachable by TCP"
                                 " based ping to node daemon port",
                                 errors.ECODE_ENVIRON)


def ComputeNewNdparams(node, ndparams):
  """The node's own ndparams after applying ``ndparams`` ("default"
  removes a key), type-checked; cluster-only keys are refused."""
  new = GetUpdatedParams(node.ndparams or {}, ndparams)
  ForceParamTypes("node", new, constants.NDS_PARAMETER_TYPES)
  CheckParamsNotGlobal(ndparams, NDC_GLOBALS, "node", "node",
                       "cluster or group")
  return new


def CheckPoweredChange(lu, node):
  """The OOB rules of the powered flag and of leaving the offline state."""
  if SupportsOob(lu.cfg, node):
    if lu.op.offline is False and not (node.powered or
                                       lu.op.powered is True):
      raise errors.OpPrereqError("Node %s needs to be turned on before its"
                                 " offline status can be reset" %
                                 lu.op.node_name, errors.ECODE_STATE)
  elif lu.op.powered is not None:
    raise errors.OpPrereqError("Unable to change powered state for node %s"
                               " as it does not support out-of-band"
                               " handling" % lu.op.node_name,
                               errors.ECODE_STATE)


def CheckLeavingOffline(lu, node):
  """A node leaving the offline role must answer (its version)."""
  result = lu.rpc.call_version([node.uuid])[node.uuid]
  if result.fail_msg:
    raise errors.OpPrereqError("Node %s is being de-offlined but fails to"
                               " report its version: %s" %
                               (node.name, result.fail_msg),
                               errors.ECODE_STATE)
  lu.LogWarning("Transitioning node from offline to online state without"
                " using re-add. Please make sure the node is healthy!")
