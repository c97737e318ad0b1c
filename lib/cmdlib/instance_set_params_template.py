"""Disk template conversions of gnt-instance modify: plain <-> drbd.

plain -> drbd: the DRBD disks are generated around the existing LVs; the
missing volumes (meta on the primary, data and meta on the new secondary)
are created, the original LVs are renamed to the data volumes' names,
the DRBD devices are created on both nodes, the configuration gets the new
disks and the mirrors are left to sync.  If the DRBD devices can't be
created, the LVs get their old names back.

drbd -> plain: the data volumes on the primary become the instance's
disks; the secondary's volumes and the metadata volumes are removed.

Other conversions are refused.
"""

from ganeti import constants
from ganeti import errors
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_move_utils as mu
from ganeti.cmdlib import instance_ops
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu

#: the conversions implemented
CONVERSIONS = frozenset([(constants.DT_PLAIN, constants.DT_DRBD8),
                         (constants.DT_DRBD8, constants.DT_PLAIN)])


def CheckArguments(lu):
  """Opcode-level checks of a template change (no cluster state)."""
  op = lu.op
  if not op.disk_template:
    return
  if op.disks:
    raise errors.OpPrereqError("Disk template conversion and other disk"
                               " changes not supported at the same time",
                               errors.ECODE_INVAL)
  if op.disk_template in constants.DTS_INT_MIRROR:
    if op.remote_node is None:
      raise errors.OpPrereqError("Changing the disk template to a mirrored"
                                 " one requires specifying a secondary"
                                 " node", errors.ECODE_INVAL)
  elif op.remote_node:
    lu.LogWarning("Changing the disk template to a non-mirrored one,"
                  " the secondary node will be ignored")
    op.remote_node = None
  if op.iallocator or op.ext_params or op.file_driver or \
      op.file_storage_dir:
    raise errors.OpPrereqError("The iallocator, ext-params, file driver and"
                               " file storage directory options are only"
                               " used by conversions to ext and file-based"
                               " templates, which are not supported yet",
                               errors.ECODE_INVAL)


def CheckPrereq(lu, instance):
  """Cluster-state checks of a template change."""
  op = lu.op
  cfg = lu.cfg
  cluster = cfg.GetClusterInfo()
  old = cfg.GetInstanceDiskTemplate(instance.uuid)
  if old == op.disk_template:
    raise errors.OpPrereqError("Instance already has disk template %s" %
                               old, errors.ECODE_INVAL)
  if op.disk_template not in cluster.enabled_disk_templates:
    raise errors.OpPrereqError("Disk template '%s' is not enabled for this"
                               " cluster." % op.disk_template,
                               errors.ECODE_STATE)
  if (old, op.disk_template) not in CONVERSIONS:
    raise errors.OpPrereqError("Unsupported disk template conversion from"
                               " %s to %s" % (old, op.disk_template),
                               errors.ECODE_INVAL)
  instance_ops.CheckInstanceState(lu, instance, [constants.ADMINST_DOWN,
                                                 constants.ADMINST_OFFLINE],
                                  msg="cannot change disk template")
  pnode_uuid = instance.primary_node
  group = cfg.GetNodeGroup(cfg.GetNodeInfo(pnode_uuid).group)
  ipolicy = cluster.SimpleFillIPolicy(group.ipolicy or {})
  if (op.disk_template not in ipolicy.get(constants.IPOLICY_DTS, []) and
      not op.ignore_ipolicy):
    raise errors.OpPrereqError("Disk template %s is not allowed by the"
                               " instance policy of node group %s" %
                               (op.disk_template, group.name),
                               errors.ECODE_INVAL)
  if op.disk_template not in constants.DTS_INT_MIRROR:
    return
  snode_uuid = op.remote_node_uuid
  if snode_uuid == pnode_uuid:
    raise errors.OpPrereqError("Given new secondary node %s is the same as"
                               " the primary node of the instance" %
                               op.remote_node, errors.ECODE_STATE)
  iu.CheckNodeOnline(lu, snode_uuid)
  iu.CheckNodeNotDrained(lu, snode_uuid)
  iu.CheckNodeVmCapable(lu, snode_uuid)
  snode = cfg.GetNodeInfo(snode_uuid)
  mu.CheckTargetNodeIPolicy(lu, instance, snode, ignore=op.ignore_ipolicy)
  if snode.group != group.uuid:
    lu.LogWarning("The primary and secondary nodes are in two different node"
                  " groups; the disk parameters from the first disk's node"
                  " group will be used")
  if any(ist.ExclusiveStorage(cfg, n) for n in (pnode_uuid, snode_uuid)):
    raise errors.OpPrereqError("Disk template %s not supported with"
                               " exclusive storage" % op.disk_template,
                               errors.ECODE_STATE)
  disks = [{constants.IDISK_SIZE: d.size,
            constants.IDISK_VG: d.logical_id[0]}
           for d in cfg.GetInstanceDisks(instance.uuid)]
  ist.CheckNodesFreeDiskPerVG(
    lu, [snode_uuid], ist.ComputeDiskSizePerVG(op.disk_template, disks))


def _ReplaceDisks(cfg, instance, old_disks, new_disks):
  for disk in old_disks:
    cfg.RemoveInstanceDisk(instance.uuid, disk.uuid)
  for (idx, disk) in enumerate(new_disks):
    cfg.AddInstanceDisk(instance.uuid, disk, idx)


def _PlainToDrbd(lu, instance, feedback_fn):
  cfg = lu.cfg
  pnode_uuid = instance.primary_node
  snode_uuid = lu.op.remote_node_uuid
  old_disks = cfg.GetInstanceDisks(instance.uuid)
  disk_info = [{constants.IDISK_SIZE: d.size, constants.IDISK_MODE: d.mode,
                constants.IDISK_VG: d.logical_id[0],
                constants.IDISK_NAME: d.name} for d in old_disks]
  group = cfg.GetNodeGroup(cfg.GetNodeInfo(pnode_uuid).group)
  dparams = cfg.GetClusterInfo().SimpleFillDP(
    group.diskparams or {}).get(constants.DT_DRBD8, {})
  lu.allocated_ports = []
  try:
    new_disks = ist.GenerateDiskTemplate(
      lu, constants.DT_DRBD8, instance.uuid, pnode_uuid, [snode_uuid],
      disk_info, None, None, 0, feedback_fn, dparams)
  except Exception:
    cfg.ReleaseDRBDMinors(instance.uuid)
    cfg.ReturnPorts(lu.allocated_ports)
    raise
  info = ist.InstanceInfoText(instance)
  created = []
  try:
    feedback_fn("Creating additional volumes...")
    for disk in new_disks:
      meta = disk.children[1]
      ist.CreateSingleBlockDev(lu, pnode_uuid, instance, meta, info, True,
                               False)
      created.append((pnode_uuid, meta))
      for child in disk.children:
        ist.CreateSingleBlockDev(lu, snode_uuid, instance, child, info, True,
                                 False)
        created.append((snode_uuid, child))
    feedback_fn("Renaming original volumes...")
    rename = [(o, n.children[0].logical_id)
              for (o, n) in zip(old_disks, new_disks)]
    lu.rpc.call_blockdev_rename(pnode_uuid, rename).Raise(
      "Failed to rename original LVs")
  except errors.OpExecError:
    ist.UndoCreateDisks(lu, created, instance)
    cfg.ReleaseDRBDMinors(instance.uuid)
    cfg.ReturnPorts(lu.allocated_ports)
    raise
  feedback_fn("Initializing DRBD devices...")
  try:
    for disk in new_disks:
      for node_uuid in (pnode_uuid, snode_uuid):
        ist.CreateSingleBlockDev(lu, node_uuid, instance, disk, info,
                                 node_uuid == pnode_uuid, False)
  except errors.GenericError as err:
    feedback_fn("Initializing of DRBD devices failed; renaming back original"
                " volumes...")
    back = [(n.children[0], o.logical_id)
            for (n, o) in zip(new_disks, old_disks)]
    lu.rpc.call_blockdev_rename(pnode_uuid, back).Raise(
      "Failed to rename LVs back after error %s" % str(err))
    ist.UndoCreateDisks(lu, created, instance)
    cfg.ReleaseDRBDMinors(instance.uuid)
    cfg.ReturnPorts(lu.allocated_ports)
    raise
  _ReplaceDisks(cfg, instance, old_disks, new_disks)
  instance = cfg.GetInstanceInfo(instance.uuid)
  if not idisks.WaitForSync(lu, instance, oneshot=not lu.op.wait_for_sync):
    raise errors.OpExecError("There are some degraded disks for this"
                             " instance, please cleanup manually")


def _DrbdToPlain(lu, instance, feedback_fn):
  cfg = lu.cfg
  pnode_uuid = instance.primary_node
  (snode_uuid, ) = cfg.GetInstanceSecondaryNodes(instance.uuid)
  feedback_fn("Converting disk template from 'drbd' to 'plain'")
  old_disks = cfg.GetInstanceDisks(instance.uuid)
  new_disks = []
  for disk in old_disks:
    child = disk.children[0].Copy()
    child.size = disk.size
    child.mode = disk.mode
    child.name = disk.name
    child.nodes = [pnode_uuid]
    child.iv_name = disk.iv_name
    if not child.uuid:
      child.uuid = cfg.GenerateUniqueID(lu.proc.GetECId())
    new_disks.append(child)
  # RemoveDisks returns the DRBD ports to the pool
  _ReplaceDisks(cfg, instance, old_disks, new_disks)
  instance = cfg.GetInstanceInfo(instance.uuid)
  feedback_fn("Removing volumes on the secondary node...")
  ist.RemoveDisks(lu, instance, disks=old_disks, target_node_uuid=snode_uuid)
  feedback_fn("Removing unneeded volumes on the primary node...")
  ist.RemoveDisks(lu, instance, disks=[d.children[1] for d in old_disks],
                  target_node_uuid=pnode_uuid)


def Convert(lu, instance, feedback_fn):
  """Run the conversion; return the change description."""
  old = lu.cfg.GetInstanceDiskTemplate(instance.uuid)
  if old == constants.DT_PLAIN:
    _PlainToDrbd(lu, instance, feedback_fn)
  else:
    _DrbdToPlain(lu, instance, feedback_fn)
  return [("disk_template", lu.op.disk_template)]
