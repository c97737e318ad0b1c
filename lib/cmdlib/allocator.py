"""Iallocator use in logical units: node choice at creation, the test LU.

:func:`ExpandInstanceCreateNames` and :func:`RunInstanceCreateAllocator`
are the two calls ``LUInstanceCreate`` makes (from ``ExpandNames`` and at
the start of ``CheckPrereq``) to let an allocator choose the instance's
nodes; :class:`LUTestAllocator` serves ``OP_TEST_ALLOCATOR``
(``gnt-debug iallocator``).
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib import iallocator
from ganeti.cmdlib.base import (NoHooksLU, ExpandNodeUuidAndName,
                                ExpandInstanceUuidAndName)


def CheckIAllocatorOrNode(lu, iallocator_slot, node_slot):
  """Make sure exactly one of an allocator and a node is chosen.

  Neither given (or the allocator "."): the cluster's default allocator.
  """
  node = getattr(lu.op, node_slot, None)
  ialloc = getattr(lu.op, iallocator_slot, None)
  if node == []:
    node = None
  if node is not None and ialloc is not None:
    raise errors.OpPrereqError("Do not specify both, iallocator and node",
                               errors.ECODE_INVAL)
  if (node is None and ialloc is None) or \
      ialloc == constants.DEFAULT_IALLOCATOR_SHORTCUT:
    default = lu.cfg.GetClusterInfo().default_iallocator
    if not default:
      raise errors.OpPrereqError("No iallocator or %s given and no"
                                 " cluster-wide default iallocator found;"
                                 " please specify either an iallocator or a"
                                 " %s" % (node_slot, node_slot),
                                 errors.ECODE_INVAL)
    setattr(lu.op, iallocator_slot, default)


def ExpandInstanceCreateNames(lu):
  """Declare the node locks of an instance creation using an allocator.

  @return: True if an allocator chooses the nodes (all node locks and the
      node allocation lock are then declared), False if the caller must
      lock the nodes given in the opcode

  """
  CheckIAllocatorOrNode(lu, "iallocator", "pnode")
  if lu.op.iallocator is None:
    return False
  for level in (locking.LEVEL_NODE, locking.LEVEL_NODE_RES,
                locking.LEVEL_NODE_ALLOC):
    lu.needed_locks[level] = locking.ALL_SET
  if lu.op.opportunistic_locking:
    lu.opportunistic_locks[locking.LEVEL_NODE] = True
    lu.opportunistic_locks[locking.LEVEL_NODE_RES] = True
  return True


def DeclareInstanceCreateLocks(lu, level):
  """With opportunistic locking, lock the resources of the nodes got.

  The node locks were acquired opportunistically (whatever was free);
  the node resource locks must be those of the same nodes.
  """
  if level == locking.LEVEL_NODE_RES and lu.op.iallocator is not None and \
      lu.op.opportunistic_locking and lu.glm is not None:
    lu.needed_locks[locking.LEVEL_NODE_RES] = \
      sorted(lu.glm.list_owned(locking.LEVEL_NODE))


def _FilledBeParams(cluster, beparams):
  beparams = dict(beparams or {})
  if constants.BE_MEMORY in beparams:
    mem = beparams.pop(constants.BE_MEMORY)
    beparams.setdefault(constants.BE_MAXMEM, mem)
    beparams.setdefault(constants.BE_MINMEM, mem)
  return cluster.SimpleFillBE(dict((k, v) for (k, v) in beparams.items()
                                   if k in constants.BES_PARAMETERS))


def _NicRequests(cluster, nics):
  result = []
  for nic in nics:
    params = dict((key, nic[key]) for key in (constants.INIC_MODE,
                                              constants.INIC_LINK)
                  if nic.get(key) is not None)
    filled = cluster.SimpleFillNIC(params)
    entry = {"mac": nic.get(constants.INIC_MAC, constants.VALUE_AUTO),
             "ip": nic.get(constants.INIC_IP),
             "mode": filled[constants.NIC_MODE],
             "link": filled[constants.NIC_LINK]}
    if filled[constants.NIC_MODE] == constants.NIC_MODE_BRIDGED:
      entry["bridge"] = filled[constants.NIC_LINK]
    result.append(entry)
  return result


def _DiskRequests(disks):
  result = []
  for disk in disks:
    try:
      size = int(disk[constants.IDISK_SIZE])
    except (KeyError, TypeError, ValueError):
      raise errors.OpPrereqError("Invalid disk size '%s'" %
                                 disk.get(constants.IDISK_SIZE),
                                 errors.ECODE_INVAL)
    entry = {constants.IDISK_SIZE: size,
             constants.IDISK_MODE: disk.get(constants.IDISK_MODE,
                                            constants.DISK_RDWR)}
    if disk.get(constants.IDISK_SPINDLES) is not None:
      entry[constants.IDISK_SPINDLES] = disk[constants.IDISK_SPINDLES]
    result.append(entry)
  return result


def _ReleaseUnneeded(lu, keep):
  glm = lu.glm
  for level in (locking.LEVEL_NODE, locking.LEVEL_NODE_RES):
    if glm is None or not glm.is_owned(level):
      continue
    release = glm.list_owned(level) - set(keep)
    if release:
      glm.release(level, list(release))
  if glm is not None and glm.is_owned(locking.LEVEL_NODE_ALLOC):
    glm.release(locking.LEVEL_NODE_ALLOC)


def RunInstanceCreateAllocator(lu):
  """Let the allocator choose the nodes of the instance being created.

  Sets ``op.pnode``/``op.pnode_uuid`` (and ``op.snode``/``op.snode_uuid``
  for internally mirrored templates), logs the choice and releases the
  other node locks.  Does nothing when no allocator was selected.

  @raise errors.OpPrereqError: the allocator found no placement
      (ECODE_NORES; ECODE_TEMP_NORES with opportunistic locking)

  """
  op = lu.op
  if op.iallocator is None or op.pnode_uuid:
    return
  cluster = lu.cfg.GetClusterInfo()
  be_full = _FilledBeParams(cluster, op.beparams)
  hv_name = op.hypervisor or cluster.enabled_hypervisors[0]
  req = iallocator.IAReqInstanceAlloc(
    name=op.instance_name, disk_template=op.disk_template,
    group_name=getattr(op, "group_name", None), tags=list(op.tags or []),
    os=op.os_type, vcpus=be_full[constants.BE_VCPUS],
    memory=be_full[constants.BE_MAXMEM],
    spindle_use=be_full[constants.BE_SPINDLE_USE],
    disks=_DiskRequests(op.disks), nics=_NicRequests(cluster, op.nics),
    hypervisor=hv_name)
  whitelist = None
  if op.opportunistic_locking and lu.glm is not None:
    whitelist = lu.glm.list_owned(locking.LEVEL_NODE)
  ial = iallocator.IAllocator(lu.cfg, lu.rpc, req, node_whitelist=whitelist)
  ial.Run(op.iallocator, log_fn=lu.LogInfo)
  if not ial.success:
    ecode = errors.ECODE_TEMP_NORES if op.opportunistic_locking else \
      errors.ECODE_NORES
    raise errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                               " %s" % (op.iallocator, ial.info), ecode)
  (op.pnode_uuid, op.pnode) = ExpandNodeUuidAndName(lu.cfg, None,
                                                    ial.result[0])
  lu.LogInfo("Selected nodes for instance %s via iallocator %s: %s",
             op.instance_name, op.iallocator, utils.CommaJoin(ial.result))
  keep = [op.pnode_uuid]
  if req.RequiredNodes() == 2:
    (op.snode_uuid, op.snode) = ExpandNodeUuidAndName(lu.cfg, None,
                                                      ial.result[1])
    keep.append(op.snode_uuid)
  if op.mode == constants.INSTANCE_IMPORT and op.src_node_uuid:
    # the export is read from its node
    keep.append(op.src_node_uuid)
  _ReleaseUnneeded(lu, keep)


def _DiskSpecs(disks):
  """Check and copy OP_TEST_ALLOCATOR's disk dicts."""
  result = []
  for row in disks or []:
    if (not isinstance(row, dict) or
        not isinstance(row.get(constants.IDISK_SIZE), int) or
        row.get(constants.IDISK_MODE) not in constants.DISK_ACCESS_SET):
      raise errors.OpPrereqError("Invalid contents of the 'disks'"
                                 " parameter", errors.ECODE_INVAL)
    result.append(dict(row))
  return result


class LUTestAllocator(NoHooksLU):
  """Show an iallocator input message, or run an allocator on it.

  Returns the input message text (direction "in") or the allocator's
  unvalidated answer text (direction "out").
  """
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def CheckPrereq(self):
    op = self.op
    if op.mode in (constants.IALLOCATOR_MODE_ALLOC,
                   constants.IALLOCATOR_MODE_MULTI_ALLOC):
      (_, iname) = self.cfg.ExpandInstanceName(op.name)
      if iname is not None:
        raise errors.OpPrereqError("Instance '%s' already in the cluster" %
                                   iname, errors.ECODE_EXISTS)
      self.disks = _DiskSpecs(op.disks)
      if op.hypervisor is None:
        op.hypervisor = self.cfg.GetHypervisorType()
      if op.disk_template is None:
        # as for instance creation: the first enabled template
        op.disk_template = \
          self.cfg.GetClusterInfo().enabled_disk_templates[0]
    elif op.mode in (constants.IALLOCATOR_MODE_RELOC,
                     constants.IALLOCATOR_MODE_ALLOCATE_SECONDARY):
      (self.inst_uuid, op.name) = ExpandInstanceUuidAndName(self.cfg, None,
                                                            op.name)
      self.relocate_from = list(
        self.cfg.GetInstanceSecondaryNodes(self.inst_uuid))
    elif op.mode in (constants.IALLOCATOR_MODE_CHG_GROUP,
                     constants.IALLOCATOR_MODE_NODE_EVAC):
      if not op.instances:
        raise errors.OpPrereqError("Missing instances", errors.ECODE_INVAL)
      op.instances = [ExpandInstanceUuidAndName(self.cfg, None, name)[1]
                      for name in op.instances]
      self.target_groups = [self._GroupUuid(g)
                            for g in op.target_groups or []]
    else:
      raise errors.OpPrereqError("Invalid test allocator mode '%s'" %
                                 op.mode, errors.ECODE_INVAL)
    if op.direction == constants.IALLOCATOR_DIR_OUT and op.iallocator is None:
      raise errors.OpPrereqError("Missing allocator name", errors.ECODE_INVAL)

  def _GroupUuid(self, name):
    groups = self.cfg.GetAllNodeGroupsInfo()
    if name in groups:
      return name
    for (uuid, group) in groups.items():
      if group.name == name:
        return uuid
    raise errors.OpPrereqError("Node group '%s' not found" % name,
                               errors.ECODE_NOENT)

  def _AllocRequest(self, name):
    op = self.op
    return iallocator.IAReqInstanceAlloc(
      name=name, memory=op.memory, disks=self.disks,
      disk_template=op.disk_template, group_name=op.group_name, os=op.os,
      tags=op.tags, nics=op.nics or [], vcpus=op.vcpus,
      spindle_use=op.spindle_use, hypervisor=op.hypervisor)

  def _Request(self):
    op = self.op
    mode = op.mode
    if mode == constants.IALLOCATOR_MODE_ALLOC:
      return self._AllocRequest(op.name)
    if mode == constants.IALLOCATOR_MODE_MULTI_ALLOC:
      return iallocator.IAReqMultiInstanceAlloc(
        instances=[self._AllocRequest("%s%s" % (op.name, idx))
                   for idx in range(op.count)])
    if mode == constants.IALLOCATOR_MODE_RELOC:
      return iallocator.IAReqRelocate(
        inst_uuid=self.inst_uuid,
        relocate_from_node_uuids=self.relocate_from)
    if mode == constants.IALLOCATOR_MODE_ALLOCATE_SECONDARY:
      return iallocator.IAReqInstanceAllocateSecondary(name=op.name)
    if mode == constants.IALLOCATOR_MODE_CHG_GROUP:
      return iallocator.IAReqGroupChange(
        instances=op.instances,
        target_groups=self.target_groups)
    return iallocator.IAReqNodeEvac(instances=op.instances,
                                    evac_mode=op.evac_mode)

  def Exec(self, feedback_fn):
    ial = iallocator.IAllocator(self.cfg, self.rpc, self._Request())
    if self.op.direction == constants.IALLOCATOR_DIR_IN:
      return ial.in_text
    ial.Run(self.op.iallocator, validate=False, log_fn=self.LogInfo)
    return ial.out_text
