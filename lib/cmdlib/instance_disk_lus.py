"""LUs changing an instance's disks: grow-disk, recreate-disks."""

import logging

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_ops
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu


def NodeRpc(lu, name):
  """``lu.rpc.call_<name>``; an OpExecError if this master lacks it."""
  method = getattr(lu.rpc, "call_%s" % name, None)
  if method is None:
    raise errors.OpExecError("The node RPC '%s' is not available" % name)
  return method


def FindDisk(cfg, instance, idx):
  """The instance's disk number ``idx``.

  @raise errors.OpPrereqError: bad index
  """
  disks = cfg.GetInstanceDisks(instance.uuid)
  try:
    idx = int(idx)
  except (TypeError, ValueError) as err:
    raise errors.OpPrereqError("Invalid disk index: '%s'" % str(err),
                               errors.ECODE_INVAL)
  if idx < 0 or idx >= len(disks):
    raise errors.OpPrereqError("Invalid disk index: %d (instace has disks"
                               " numbered from 0 to %d)" %
                               (idx, len(disks) - 1), errors.ECODE_INVAL)
  return disks[idx]


def ReleaseNodeLocks(lu, level, keep=None):
  """Release the locks of ``level`` except those in ``keep``."""
  owned = lu.glm.list_owned(level)
  if not owned:
    return
  if keep is None:
    lu.glm.release(level)
    return
  release = [name for name in owned if name not in set(keep)]
  if release:
    lu.glm.release(level, names=release)


def _ComputeGrowth(disk, amount):
  """{vg: MiB} an LVM-backed disk needs to grow by ``amount``."""
  if disk.dev_type == constants.DT_PLAIN:
    return {disk.logical_id[0]: amount}
  if disk.dev_type == constants.DT_DRBD8 and disk.children:
    return _ComputeGrowth(disk.children[0], amount)
  return {}


def _RecordGrow(disk, amount):
  """Add ``amount`` MiB to the disk and the storage below it."""
  disk.size += amount
  if disk.dev_type == constants.DT_DRBD8 and disk.children:
    _RecordGrow(disk.children[0], amount)


class _DiskLU(LogicalUnit):
  """Locks the instance, then its nodes and node resources."""
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    self.needed_locks[locking.LEVEL_NODE] = []
    self.needed_locks[locking.LEVEL_NODE_RES] = []
    self.recalculate_locks[locking.LEVEL_NODE] = "replace"
    self.recalculate_locks[locking.LEVEL_NODE_RES] = "replace"

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes()
    elif level == locking.LEVEL_NODE_RES:
      self.needed_locks[locking.LEVEL_NODE_RES] = \
        list(self.needed_locks[locking.LEVEL_NODE])
      self.recalculate_locks.pop(locking.LEVEL_NODE_RES, None)

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()] + \
      list(self.cfg.GetInstanceNodes(self.instance.uuid))
    return (nl, nl)


class LUInstanceGrowDisk(_DiskLU):
  """Grow one disk: dry run on all nodes, then the storage, then the top."""
  HPATH = "disk-grow"

  def BuildHooksEnv(self):
    env = {"DISK": self.op.disk, "AMOUNT": self.op.amount,
           "ABSOLUTE": self.op.absolute}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def CheckPrereq(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    instance = self.instance
    node_uuids = list(self.cfg.GetInstanceNodes(instance.uuid))
    for node_uuid in node_uuids:
      iu.CheckNodeOnline(self, node_uuid)
    self.node_es_flags = dict((n, ist.ExclusiveStorage(self.cfg, n))
                              for n in node_uuids)
    template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    if template not in constants.DTS_GROWABLE:
      raise errors.OpPrereqError("Instance's disk layout does not support"
                                 " growing", errors.ECODE_INVAL)
    self.disk = FindDisk(self.cfg, instance, self.op.disk)
    if self.op.absolute:
      self.target = self.op.amount
      self.delta = self.target - self.disk.size
      if self.delta < 0:
        raise errors.OpPrereqError("Requested size (%s) is smaller than"
                                   " current disk size (%s)" %
                                   (utils.FormatUnit(self.target, "h"),
                                    utils.FormatUnit(self.disk.size, "h")),
                                   errors.ECODE_STATE)
    else:
      self.delta = self.op.amount
      self.target = self.disk.size + self.delta
    if (template not in constants.DTS_NO_FREE_SPACE_CHECK and
        not any(self.node_es_flags.values())):
      ist.CheckNodesFreeDiskPerVG(self, node_uuids,
                                  _ComputeGrowth(self.disk, self.delta))

  def Exec(self, feedback_fn):
    instance = self.instance
    disk = self.disk
    node_uuids = list(self.cfg.GetInstanceNodes(instance.uuid))
    (disks_ok, _) = idisks.AssembleInstanceDisks(self, instance,
                                                 disks=[disk])
    if not disks_ok:
      raise errors.OpExecError("Cannot activate block device to grow")
    feedback_fn("Growing disk %s of instance '%s' by %s to %s" %
                (self.op.disk, instance.name,
                 utils.FormatUnit(self.delta, "h"),
                 utils.FormatUnit(self.target, "h")))
    grow = NodeRpc(self, "blockdev_grow")
    wipe_disks = self.cfg.GetClusterInfo().prealloc_wipe_disks
    # first a dry run everywhere, so that nothing grows if one node can't
    for node_uuid in node_uuids:
      result = grow(node_uuid, disk, self.delta, True, True,
                    self.node_es_flags[node_uuid])
      result.Raise("Dry-run grow request failed to node %s" %
                   self.cfg.GetNodeName(node_uuid))
    old_disk_size = None
    if wipe_disks:
      old_disk_size = self._CurrentSize(instance, disk)
    # the backing storage on every node, then the device on the primary
    for node_uuid in node_uuids:
      result = grow(node_uuid, disk, self.delta, False, True,
                    self.node_es_flags[node_uuid])
      result.Raise("Grow request failed to node %s" %
                   self.cfg.GetNodeName(node_uuid))
    pnode = instance.primary_node
    result = grow(pnode, disk, self.delta, False, False,
                  self.node_es_flags[pnode])
    result.Raise("Grow request failed to node %s" %
                 self.cfg.GetNodeName(pnode))
    _RecordGrow(disk, self.delta)
    self.cfg.Update(disk, feedback_fn)
    ReleaseNodeLocks(self, locking.LEVEL_NODE)
    instance = self.cfg.GetInstanceInfo(instance.uuid)
    if wipe_disks:
      # only the new space
      idisks.WipeDisks(self, instance,
                       disks=[(self.op.disk, disk, old_disk_size)])
    if self.op.wait_for_sync:
      if not idisks.WaitForSync(self, instance, disks=[disk]):
        self.LogWarning("Disk syncing has not returned a good status; check"
                        " the instance")
      if not instance.disks_active:
        instance_ops.CheckInstanceState(self, instance,
                                        instance_ops.INSTANCE_DOWN,
                                        msg="cannot shutdown disks")
        idisks.ShutdownInstanceDisks(self, instance, disks=[disk])
    elif not instance.disks_active:
      self.LogWarning("Not shutting down the disk even if the instance is"
                      " not supposed to be running because no wait for"
                      " sync mode was requested")


  def _CurrentSize(self, instance, disk):
    """The disk's size on the primary in MiB (rounded up, with a warning,
    so that no existing data is overwritten)."""
    pnode = instance.primary_node
    result = NodeRpc(self, "blockdev_getdimensions")(pnode, [disk])
    result.Raise("Failed to retrieve disk size from node '%s'" %
                 self.cfg.GetNodeName(pnode))
    (dims,) = result.payload
    if dims is None:
      raise errors.OpExecError("Failed to retrieve disk size from primary"
                               " node '%s'" % self.cfg.GetNodeName(pnode))
    (mib, remainder) = divmod(dims[0], 1024 * 1024)
    if remainder:
      self.LogWarning("Disk size is not an even multiple of 1 MiB; rounding"
                      " up to not overwrite existing data (%s bytes will not"
                      " be wiped)", (1024 * 1024) - remainder)
      mib += 1
    return mib


class LUInstanceRecreateDisks(_DiskLU):
  """Recreate missing disks, optionally on new nodes or with new sizes."""
  HPATH = "instance-recreate-disks"
  _MODIFYABLE = frozenset([constants.IDISK_SIZE, constants.IDISK_MODE,
                           constants.IDISK_SPINDLES])

  def CheckArguments(self):
    disks = self.op.disks
    if disks and isinstance(disks[0], int):
      # the deprecated form: a list of indices
      self.op.disks = [(idx, {}) for idx in sorted(frozenset(disks))]
    else:
      self.op.disks = [(idx, params or {}) for (idx, params) in disks]
    seen = set()
    dups = set()
    for (idx, _) in self.op.disks:
      if idx in seen:
        dups.add(idx)
      seen.add(idx)
    if dups:
      raise errors.OpPrereqError("Some disks have been specified more than"
                                 " once: %s" %
                                 utils.CommaJoin(sorted(dups)),
                                 errors.ECODE_INVAL)
    if self.op.iallocator and self.op.nodes:
      raise errors.OpPrereqError("Give either the iallocator or the new"
                                 " nodes, not both", errors.ECODE_INVAL)
    for (idx, params) in self.op.disks:
      unsupported = frozenset(params) - self._MODIFYABLE
      if unsupported:
        raise errors.OpPrereqError("Parameters for disk %s try to change"
                                   " unmodifyable parameter(s): %s" %
                                   (idx, utils.CommaJoin(sorted(unsupported))),
                                   errors.ECODE_INVAL)
      if constants.IDISK_SIZE in params:
        try:
          params[constants.IDISK_SIZE] = int(params[constants.IDISK_SIZE])
        except (TypeError, ValueError):
          raise errors.OpPrereqError("Invalid disk size '%s'" %
                                     params[constants.IDISK_SIZE],
                                     errors.ECODE_INVAL)

  def ExpandNames(self):
    _DiskLU.ExpandNames(self)
    if self.op.iallocator:
      raise errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                                 " iallocators are not supported yet; please"
                                 " give the nodes with -n" %
                                 self.op.iallocator, errors.ECODE_NORES)
    if self.op.nodes:
      uuids = []
      names = []
      for name in self.op.nodes:
        (uuid, full) = ExpandNodeUuidAndName(self.cfg, None, name)
        uuids.append(uuid)
        names.append(full)
      (self.op.node_uuids, self.op.nodes) = (uuids, names)
      self.needed_locks[locking.LEVEL_NODE] = list(uuids)
      self.recalculate_locks[locking.LEVEL_NODE] = "append"

  def BuildHooksEnv(self):
    return iu.BuildInstanceHookEnv(self.cfg, self.instance)

  def CheckPrereq(self):
    instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    all_nodes = list(self.cfg.GetInstanceNodes(instance.uuid))
    template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    if self.op.node_uuids:
      if len(self.op.node_uuids) != len(all_nodes):
        raise errors.OpPrereqError("Instance %s currently has %d nodes, but"
                                   " %d replacement nodes were specified" %
                                   (instance.name, len(all_nodes),
                                    len(self.op.node_uuids)),
                                   errors.ECODE_INVAL)
      if len(set(self.op.node_uuids)) != len(self.op.node_uuids):
        raise errors.OpPrereqError("The new nodes of instance %s must be"
                                   " distinct" % instance.name,
                                   errors.ECODE_INVAL)
      primary_node = self.op.node_uuids[0]
    else:
      primary_node = instance.primary_node
    iu.CheckNodeOnline(self, primary_node)
    if template == constants.DT_DISKLESS:
      raise errors.OpPrereqError("Instance '%s' has no disks" %
                                 self.op.instance_name, errors.ECODE_INVAL)
    old_pnode = self.cfg.GetNodeInfo(instance.primary_node)
    if not (self.op.node_uuids and old_pnode.offline):
      instance_ops.CheckInstanceState(self, instance,
                                      instance_ops.INSTANCE_NOT_RUNNING,
                                      msg="cannot recreate disks")
    ndisks = len(self.cfg.GetInstanceDisks(instance.uuid))
    if self.op.disks:
      self.disks = dict(self.op.disks)
    else:
      self.disks = dict((idx, {}) for idx in range(ndisks))
    maxidx = max(self.disks)
    if maxidx >= ndisks:
      raise errors.OpPrereqError("Invalid disk index '%s'" % maxidx,
                                 errors.ECODE_INVAL)
    if self.op.node_uuids and sorted(self.disks) != list(range(ndisks)):
      raise errors.OpPrereqError("Can't recreate disks partially and"
                                 " change the nodes at the same time",
                                 errors.ECODE_INVAL)
    self.instance = instance
    node_uuids = self.op.node_uuids or all_nodes
    excl_stor = any(ist.ExclusiveStorage(self.cfg, n) for n in node_uuids)
    for params in self.disks.values():
      ist.CheckSpindlesExclusiveStorage(params, excl_stor, False)

  def Exec(self, feedback_fn):
    """Create the disks from changed copies; the configuration is only
    changed once every disk was created."""
    instance = self.instance
    disks = self.cfg.GetInstanceDisks(instance.uuid)
    node_uuids = self.op.node_uuids
    to_skip = []
    new_disks = []
    for (idx, disk) in enumerate(disks):
      new = disk.Copy()
      new_disks.append(new)
      if idx not in self.disks:
        to_skip.append(idx)
        continue
      if node_uuids and disk.dev_type == constants.DT_DRBD8:
        (_, _, old_port, _, _, old_secret) = disk.logical_id
        minors = self.cfg.AllocateDRBDMinor(node_uuids, instance.uuid,
                                            self.proc.GetECId())
        new.logical_id = (node_uuids[0], node_uuids[1], old_port,
                          minors[0], minors[1], old_secret)
      if node_uuids:
        new.nodes = list(node_uuids) \
          if disk.dev_type == constants.DT_DRBD8 else [node_uuids[0]]
      changes = self.disks[idx]
      for (key, attr) in ((constants.IDISK_SIZE, "size"),
                          (constants.IDISK_MODE, "mode"),
                          (constants.IDISK_SPINDLES, "spindles")):
        if changes.get(key) is not None:
          setattr(new, attr, changes[key])
      if changes.get(constants.IDISK_SIZE) is not None and \
          new.dev_type == constants.DT_DRBD8 and new.children:
        new.children[0].size = changes[constants.IDISK_SIZE]
    target = instance.Copy()
    if node_uuids:
      target.primary_node = node_uuids[0]
      self.LogWarning("Changing the instance's nodes, you will have to"
                      " remove any disks left on the older nodes manually")
    try:
      created = ist.CreateDisks(self, target, new_disks, to_skip=to_skip)
      if self.cfg.GetClusterInfo().prealloc_wipe_disks:
        try:
          idisks.WipeDisks(self, target,
                           disks=[(idx, new, 0)
                                  for (idx, new) in enumerate(new_disks)
                                  if idx not in to_skip])
        except errors.OpExecError:
          logging.warning("Wiping disks for instance '%s' failed",
                          instance.name)
          ist.UndoCreateDisks(self, created, target)
          raise
    except Exception:
      self.cfg.ReleaseDRBDMinors(instance.uuid)
      raise
    for (idx, (disk, new)) in enumerate(zip(disks, new_disks)):
      if idx in to_skip:
        continue
      for attr in ("logical_id", "nodes", "size", "mode", "spindles",
                   "children"):
        setattr(disk, attr, getattr(new, attr))
      self.cfg.Update(disk, feedback_fn)
    if node_uuids:
      instance.primary_node = node_uuids[0]
      self.cfg.Update(instance, feedback_fn)
    # the new minors are in the configuration now
    self.cfg.ReleaseDRBDMinors(instance.uuid)
