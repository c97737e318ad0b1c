"""Iallocator use by LUs acting on existing instances.

* failover/migrate of an externally mirrored instance and replace-disks
  ``-I`` ask for a relocation (:func:`RunRelocateAllocator`, request
  "relocate", one node);
* recreate-disks ``-I`` asks for a fresh placement of all the instance's
  nodes (:func:`RunRecreateAllocator`, request "allocate", as Ganeti does
  since allocators cannot relocate every node of an instance at once).

An allocator failure is an ``OpPrereqError`` with ``ECODE_NORES``; these
functions change no configuration.  The group helpers implement Ganeti's
locking for replace-disks and recreate-disks with ``-I``: the instance's
node groups are locked (shared) first, then their member nodes, and the
groups are checked again once locked.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib import iallocator
from ganeti.cmdlib.base import ExpandNodeUuidAndName


def _Failed(name, info):
  return errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                              " %s" % (name, info), errors.ECODE_NORES)


def _NodeUuid(cfg, name):
  """UUID of the node the allocator named.

  @raise errors.OpPrereqError: no such node (ECODE_NOENT)
  """
  (uuid, _) = cfg.ExpandNodeName(name)
  if uuid is None or cfg.GetNodeInfo(uuid).name != name:
    raise errors.OpPrereqError("Node %s not found in configuration" % name,
                               errors.ECODE_NOENT)
  return uuid


def RunRelocateAllocator(lu, name, instance, relocate_from):
  """Ask allocator ``name`` for a node replacing ``relocate_from``.

  @param name: the allocator ("." or None: the cluster default)
  @param relocate_from: UUIDs of the nodes to move away from (the primary
      for a failover/migration, the secondary for replace-disks)
  @return: (UUID, name) of the chosen node
  @raise errors.OpPrereqError: the allocator found no node (ECODE_NORES)
  """
  name = iallocator.ResolveName(lu.cfg, name)
  req = iallocator.IAReqRelocate(inst_uuid=instance.uuid,
                                 relocate_from_node_uuids=list(relocate_from))
  ial = iallocator.IAllocator(lu.cfg, lu.rpc, req)
  ial.Run(name, log_fn=lu.LogInfo)
  if not ial.success:
    raise _Failed(name, ial.info)
  node_name = ial.result[0]
  return (_NodeUuid(lu.cfg, node_name), node_name)


def RunRecreateAllocator(lu, name, instance):
  """Ask allocator ``name`` for new nodes for all of the instance's disks.

  @return: (UUIDs, names) of the nodes, primary first
  @raise errors.OpPrereqError: the allocator found no placement
      (ECODE_NORES)
  """
  cfg = lu.cfg
  name = iallocator.ResolveName(cfg, name)
  be_full = cfg.GetClusterInfo().FillBE(instance)
  disks = []
  for disk in cfg.GetInstanceDisks(instance.uuid):
    entry = {constants.IDISK_SIZE: disk.size,
             constants.IDISK_MODE: disk.mode}
    if getattr(disk, "spindles", None) is not None:
      entry[constants.IDISK_SPINDLES] = disk.spindles
    disks.append(entry)
  req = iallocator.IAReqInstanceAlloc(
    name=instance.name,
    disk_template=cfg.GetInstanceDiskTemplate(instance.uuid),
    group_name=None, tags=sorted(instance.tags or []), os=instance.os,
    nics=[{}], vcpus=be_full[constants.BE_VCPUS],
    memory=be_full[constants.BE_MAXMEM],
    spindle_use=be_full[constants.BE_SPINDLE_USE], disks=disks,
    hypervisor=instance.hypervisor)
  ial = iallocator.IAllocator(cfg, lu.rpc, req)
  ial.Run(name, log_fn=lu.LogInfo)
  if not ial.success:
    raise _Failed(name, ial.info)
  uuids = []
  names = []
  for node_name in ial.result:
    (uuid, full) = ExpandNodeUuidAndName(cfg, None, node_name)
    uuids.append(uuid)
    names.append(full)
  lu.LogInfo("Selected nodes for instance %s via iallocator %s: %s",
             instance.name, name, utils.CommaJoin(names))
  return (uuids, names)


def InstanceGroups(cfg, inst_uuid, primary_only=False):
  """UUIDs of the node groups of the instance's nodes (sorted)."""
  instance = cfg.GetInstanceInfo(inst_uuid)
  if primary_only:
    nodes = [instance.primary_node]
  else:
    nodes = cfg.GetInstanceNodes(inst_uuid)
  return sorted(set(cfg.GetNodeInfo(n).group for n in nodes))


def DeclareGroupLocks(lu, level, primary_only=False):
  """Declare the group and node locks of an allocator-chosen node.

  At ``LEVEL_NODEGROUP``: the instance's groups, shared (computed before
  the nodes are locked, so checked again by :func:`CheckGroupLocks`).  At
  ``LEVEL_NODE``: every member node of the groups got.
  """
  if level == locking.LEVEL_NODEGROUP:
    lu.share_locks[locking.LEVEL_NODEGROUP] = 1
    lu.needed_locks[locking.LEVEL_NODEGROUP] = InstanceGroups(
      lu.cfg, lu.op.instance_uuid, primary_only=primary_only)
  elif level == locking.LEVEL_NODE:
    groups = set(lu.glm.list_owned(locking.LEVEL_NODEGROUP))
    lu.needed_locks[locking.LEVEL_NODE] = sorted(
      uuid for (uuid, node) in lu.cfg.GetAllNodesInfo().items()
      if node.group in groups)
    lu.recalculate_locks.pop(locking.LEVEL_NODE, None)


def CheckGroupLocks(lu, inst_uuid, primary_only=False):
  """Fail if the instance's node groups changed while locking.

  @raise errors.OpPrereqError: ECODE_STATE
  """
  owned = set(lu.glm.list_owned(locking.LEVEL_NODEGROUP))
  wanted = set(InstanceGroups(lu.cfg, inst_uuid, primary_only=primary_only))
  if not wanted.issubset(owned):
    raise errors.OpPrereqError("Instance %s's node groups changed since"
                               " locks were acquired, wanted '%s', have"
                               " '%s'; retry the operation" %
                               (lu.cfg.GetInstanceName(inst_uuid),
                                utils.CommaJoin(sorted(wanted)),
                                utils.CommaJoin(sorted(owned))),
                               errors.ECODE_STATE)


def ReleaseAllocLocks(lu, keep):
  """Release node and node resource locks except ``keep``, and the node
  allocation lock."""
  glm = lu.glm
  if glm is None:
    return
  for level in (locking.LEVEL_NODE, locking.LEVEL_NODE_RES):
    if not glm.is_owned(level):
      continue
    release = [n for n in glm.list_owned(level) if n not in set(keep)]
    if release:
      glm.release(level, release)
  if glm.is_owned(locking.LEVEL_NODE_ALLOC):
    glm.release(locking.LEVEL_NODE_ALLOC)
