"""Checks shared by failover, migrate and move: target node memory and
policy, the iallocator-or-node rule; switching the primary node."""

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.cmdlib import instance_utils as iu

def CheckIAllocatorOrNode(lu, iallocator_slot, node_slot):
  """Exactly one of an iallocator and a node; else the cluster default.

  @raise errors.OpPrereqError: both given, or neither and no default
  """
  node = getattr(lu.op, node_slot, None)
  ialloc = getattr(lu.op, iallocator_slot, None)
  if node is not None and ialloc is not None:
    raise errors.OpPrereqError("Do not specify both, iallocator and node",
                               errors.ECODE_INVAL)
  if (node is None and ialloc is None) or ialloc == ".":
    default = lu.cfg.GetClusterInfo().default_iallocator
    if default:
      setattr(lu.op, iallocator_slot, default)
    else:
      raise errors.OpPrereqError("No iallocator or node given and no"
                                 " cluster-wide default iallocator found;"
                                 " please specify either an iallocator or a"
                                 " node, or set a cluster-wide default"
                                 " iallocator", errors.ECODE_INVAL)


def RefuseIAllocator(name):
  """Computing a target node by iallocator is not available here yet."""
  raise errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                             " iallocators are not supported yet; please"
                             " give a node with -n" % name,
                             errors.ECODE_NORES)


def CheckNodeFreeMemory(lu, node_uuid, reason, requested, hvname, hvparams):
  """Fail unless ``node_uuid`` has ``requested`` MiB free; return free MiB.

  @raise errors.OpPrereqError: not enough memory (ECODE_NORES) or the
      node's answer is unusable (ECODE_ENVIRON)
  """
  node_name = lu.cfg.GetNodeName(node_uuid)
  result = lu.rpc.call_node_info([node_uuid], None,
                                 [(hvname, hvparams)])[node_uuid]
  result.Raise("Can't get data from node %s" % node_name, prereq=True,
               ecode=errors.ECODE_ENVIRON)
  try:
    (_, _, (hv_info, )) = result.payload
    free_mem = hv_info.get("memory_free")
  except (TypeError, ValueError, AttributeError):
    free_mem = None
  if not isinstance(free_mem, int):
    raise errors.OpPrereqError("Can't compute free memory on node %s,"
                               " result was '%s'" % (node_name, free_mem),
                               errors.ECODE_ENVIRON)
  if requested > free_mem:
    raise errors.OpPrereqError("Not enough memory on node %s for %s:"
                               " needed %s MiB, available %s MiB" %
                               (node_name, reason, requested, free_mem),
                               errors.ECODE_NORES)
  return free_mem


def ComputeInstanceViolation(cfg, ipolicy, instance):
  """Policy violations of an existing instance (texts)."""
  cluster = cfg.GetClusterInfo()
  bep = cluster.FillBE(instance)
  disks = cfg.GetInstanceDisks(instance.uuid)
  return iu.ComputeIPolicySpecViolation(
    ipolicy, bep[constants.BE_MAXMEM], bep[constants.BE_VCPUS], len(disks),
    len(instance.nics), [d.size for d in disks],
    bep[constants.BE_SPINDLE_USE], cfg.GetInstanceDiskTemplate(instance.uuid))


def CheckTargetNodeIPolicy(lu, instance, node, ignore=False):
  """Check the instance against the policy of the target node's group.

  Nothing is checked when the node is in the instance's current group.
  """
  cfg = lu.cfg
  if cfg.GetNodeInfo(instance.primary_node).group == node.group:
    return
  group = cfg.GetNodeGroup(node.group)
  ipolicy = cfg.GetClusterInfo().SimpleFillIPolicy(group.ipolicy or {})
  res = ComputeInstanceViolation(cfg, ipolicy, instance)
  if res:
    msg = ("Instance does not meet target node group's (%s) instance"
           " policy: %s" % (group.name, utils.CommaJoin(res)))
    if ignore:
      lu.LogWarning(msg)
    else:
      raise errors.OpPrereqError(msg, errors.ECODE_INVAL)


def SetInstancePrimary(lu, instance, node_uuid, feedback_fn):
  """Make ``node_uuid`` the primary node of ``instance`` in the config.

  Disks that lived only on the old primary now live on the new one (a
  DRBD disk already lists both nodes).
  """
  old = instance.primary_node
  instance.primary_node = node_uuid
  lu.cfg.Update(instance, feedback_fn)
  for disk in lu.cfg.GetInstanceDisks(instance.uuid):
    if disk.dev_type in constants.DTS_INT_MIRROR:
      continue
    nodes = list(disk.nodes or [])
    if nodes != [node_uuid]:
      disk.nodes = [node_uuid if n == old else n for n in nodes] or \
        [node_uuid]
      lu.cfg.Update(disk, feedback_fn)


def MigrationHookEnv(lu, instance, target_node_uuid):
  """OLD_PRIMARY, NEW_PRIMARY, OLD_SECONDARY and NEW_SECONDARY."""
  cfg = lu.cfg
  env = {"OLD_PRIMARY": cfg.GetNodeName(instance.primary_node),
         "NEW_PRIMARY": cfg.GetNodeName(target_node_uuid)}
  if cfg.GetInstanceDiskTemplate(instance.uuid) in constants.DTS_INT_MIRROR:
    snodes = cfg.GetInstanceSecondaryNodes(instance.uuid)
    env["OLD_SECONDARY"] = cfg.GetNodeName(snodes[0]) if snodes else ""
    env["NEW_SECONDARY"] = cfg.GetNodeName(instance.primary_node)
  else:
    env["OLD_SECONDARY"] = env["NEW_SECONDARY"] = ""
  return env
