"""replace-disks: new storage under a DRBD instance's mirrors.

Two procedures, as Ganeti has them, each logged as six steps:

* same nodes (``-p``, ``-s``, ``-a``): new LVs on the target node, the old
  ones detached from DRBD and renamed away, the new ones renamed to the
  old names and attached, resync, old LVs removed;
* new secondary (``-n``): new LVs and a standalone DRBD device on the new
  node, the old secondary shut down, the primary disconnected, the
  configuration switched to the new node, the primary reconnected,
  resync, the old secondary's storage removed.
"""

import logging
import time

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import objects
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_ops
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu
from ganeti.cmdlib.instance_disk_lus import NodeRpc, ReleaseNodeLocks

_STEPS_TOTAL = 6


class LUInstanceReplaceDisks(LogicalUnit):
  HPATH = "mirrors-replace"
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def CheckArguments(self):
    if self.op.mode == constants.REPLACE_DISK_CHG:
      if self.op.remote_node is None and self.op.iallocator is None:
        raise errors.OpPrereqError("When changing the secondary either an"
                                   " iallocator script must be used or the"
                                   " new node given", errors.ECODE_INVAL)
      if self.op.remote_node is not None and self.op.iallocator is not None:
        raise errors.OpPrereqError("Give either the iallocator or the new"
                                   " node, not both", errors.ECODE_INVAL)
    elif self.op.remote_node is not None or self.op.iallocator is not None:
      raise errors.OpPrereqError("The iallocator and new node options can"
                                 " only be used when changing the"
                                 " secondary node", errors.ECODE_INVAL)

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    if self.op.iallocator is not None:
      raise errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                                 " iallocators are not supported yet; please"
                                 " give the new node with -n" %
                                 self.op.iallocator, errors.ECODE_NORES)
    if self.op.remote_node is not None:
      (self.op.remote_node_uuid, self.op.remote_node) = \
        ExpandNodeUuidAndName(self.cfg, self.op.remote_node_uuid,
                              self.op.remote_node)
      # the new secondary is locked too: DRBD minors are found per node
      self.needed_locks[locking.LEVEL_NODE] = [self.op.remote_node_uuid]
      self.recalculate_locks[locking.LEVEL_NODE] = "append"
    else:
      self.needed_locks[locking.LEVEL_NODE] = []
      self.recalculate_locks[locking.LEVEL_NODE] = "replace"
    self.needed_locks[locking.LEVEL_NODE_RES] = []

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes()
    elif level == locking.LEVEL_NODE_RES:
      self.needed_locks[locking.LEVEL_NODE_RES] = \
        list(self.needed_locks[locking.LEVEL_NODE])

  def BuildHooksEnv(self):
    secondaries = self.cfg.GetInstanceSecondaryNodes(self.instance.uuid)
    env = {"MODE": self.op.mode, "NEW_SECONDARY": self.op.remote_node,
           "OLD_SECONDARY": self.cfg.GetNodeName(secondaries[0])
           if secondaries else None}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode(), self.instance.primary_node]
    if self.op.remote_node_uuid is not None:
      nl.append(self.op.remote_node_uuid)
    return (nl, nl)

  # Prerequisites -------------------------------------------------------
  def CheckPrereq(self):
    instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    self.instance = instance
    if self.cfg.GetInstanceDiskTemplate(instance.uuid) != \
        constants.DT_DRBD8:
      raise errors.OpPrereqError("Can only run replace disks for DRBD8-based"
                                 " instances", errors.ECODE_INVAL)
    secondaries = self.cfg.GetInstanceSecondaryNodes(instance.uuid)
    if len(secondaries) != 1:
      raise errors.OpPrereqError("The instance has a strange layout,"
                                 " expected one secondary but found %d" %
                                 len(secondaries), errors.ECODE_FAULT)
    secondary_uuid = secondaries[0]
    remote_uuid = self.op.remote_node_uuid
    self.new_node_uuid = None
    self.disks = list(self.op.disks)
    if remote_uuid is not None:
      if remote_uuid == instance.primary_node:
        raise errors.OpPrereqError("The specified node is the primary node"
                                   " of the instance", errors.ECODE_INVAL)
      if remote_uuid == secondary_uuid:
        raise errors.OpPrereqError("The specified node is already the"
                                   " secondary node of the instance",
                                   errors.ECODE_INVAL)
    if self.disks and self.op.mode in (constants.REPLACE_DISK_AUTO,
                                       constants.REPLACE_DISK_CHG):
      raise errors.OpPrereqError("Cannot specify disks to be replaced",
                                 errors.ECODE_INVAL)
    inst_disks = self.cfg.GetInstanceDisks(instance.uuid)
    mode = self.op.mode
    if mode == constants.REPLACE_DISK_AUTO:
      if not self._CheckDisksActivated():
        raise errors.OpPrereqError("Please run activate-disks on instance %s"
                                   " first" % instance.name,
                                   errors.ECODE_STATE)
      faulty_primary = self._FindFaultyDisks(instance.primary_node)
      faulty_secondary = self._FindFaultyDisks(secondary_uuid)
      if faulty_primary and faulty_secondary:
        raise errors.OpPrereqError("Instance %s has faulty disks on more than"
                                   " one node and can not be repaired"
                                   " automatically" % instance.name,
                                   errors.ECODE_STATE)
      if faulty_primary:
        self.disks = faulty_primary
        self.target_node_uuid = instance.primary_node
        self.other_node_uuid = secondary_uuid
      elif faulty_secondary:
        self.disks = faulty_secondary
        self.target_node_uuid = secondary_uuid
        self.other_node_uuid = instance.primary_node
      else:
        self.disks = []
        self.target_node_uuid = self.other_node_uuid = None
      check_nodes = [n for n in (self.target_node_uuid,
                                 self.other_node_uuid) if n]
    else:
      if mode == constants.REPLACE_DISK_PRI:
        self.target_node_uuid = instance.primary_node
        self.other_node_uuid = secondary_uuid
        check_nodes = [self.target_node_uuid, self.other_node_uuid]
      elif mode == constants.REPLACE_DISK_SEC:
        self.target_node_uuid = secondary_uuid
        self.other_node_uuid = instance.primary_node
        check_nodes = [self.target_node_uuid, self.other_node_uuid]
      else:
        self.new_node_uuid = remote_uuid
        self.other_node_uuid = instance.primary_node
        self.target_node_uuid = secondary_uuid
        check_nodes = [self.new_node_uuid, self.other_node_uuid]
        iu.CheckNodeNotDrained(self, remote_uuid)
        iu.CheckNodeVmCapable(self, remote_uuid)
        old_node = self.cfg.GetNodeInfo(secondary_uuid)
        if old_node.offline and not self.op.early_release:
          self.op.early_release = True
          self.LogInfo("Old secondary %s is offline, automatically enabling"
                       " early-release mode", old_node.name)
      if not self.disks:
        self.disks = list(range(len(inst_disks)))
    for node_uuid in check_nodes:
      iu.CheckNodeOnline(self, node_uuid)
    for idx in self.disks:
      if idx < 0 or idx >= len(inst_disks):
        raise errors.OpPrereqError("Invalid disk index: %d (instace has disks"
                                   " numbered from 0 to %d)" %
                                   (idx, len(inst_disks) - 1),
                                   errors.ECODE_INVAL)
    touched = set(n for n in (self.new_node_uuid, self.other_node_uuid,
                              self.target_node_uuid) if n is not None)
    ReleaseNodeLocks(self, locking.LEVEL_NODE, keep=touched)
    ReleaseNodeLocks(self, locking.LEVEL_NODE_RES, keep=touched)
    self.touched_nodes = touched

  def _CheckDisksActivated(self):
    for (idx, dev) in enumerate(self.cfg.GetInstanceDisks(
        self.instance.uuid)):
      for node_uuid in self.cfg.GetInstanceNodes(self.instance.uuid):
        self.LogInfo("Checking disk/%d on %s", idx,
                     self.cfg.GetNodeName(node_uuid))
        result = self.rpc.call_blockdev_find(node_uuid, dev)
        if result.offline:
          continue
        if result.fail_msg or not result.payload:
          return False
    return True

  def _FindFaultyDisks(self, node_uuid):
    """Indices of the disks whose local storage is faulty on the node."""
    disks = self.cfg.GetInstanceDisks(self.instance.uuid)
    result = self.rpc.call_blockdev_getmirrorstatus(node_uuid, disks)
    result.Raise("Failed to get disk status from node %s" %
                 self.cfg.GetNodeName(node_uuid), prereq=True,
                 ecode=errors.ECODE_ENVIRON)
    faulty = []
    for (idx, value) in enumerate(result.payload or []):
      status = idisks._Status(value)
      if status and status.get("ldisk_status") == LDS_FAULTY:
        faulty.append(idx)
    return faulty

  # Execution -------------------------------------------------------------
  def Exec(self, feedback_fn):
    instance = self.instance
    if not self.disks:
      feedback_fn("No disks need replacement for instance '%s'" %
                  instance.name)
      return
    feedback_fn("Replacing disk(s) %s for instance '%s'" %
                (utils.CommaJoin(self.disks), instance.name))
    feedback_fn("Current primary node: %s" %
                self.cfg.GetNodeName(instance.primary_node))
    feedback_fn("Current seconary node: %s" %
                utils.CommaJoin(self.cfg.GetNodeNames(
                  self.cfg.GetInstanceSecondaryNodes(instance.uuid))))
    activate_disks = not instance.disks_active
    if activate_disks:
      idisks.StartInstanceDisks(self, instance, True)
    try:
      if self.new_node_uuid is not None:
        self._ExecDrbd8Secondary(feedback_fn)
      else:
        self._ExecDrbd8DiskOnly(feedback_fn)
    finally:
      if activate_disks:
        instance = self.cfg.GetInstanceInfo(instance.uuid)
        instance_ops.CheckInstanceState(self, instance,
                                        instance_ops.INSTANCE_DOWN,
                                        msg="cannot shutdown disks")
        idisks.ShutdownInstanceDisks(self, instance)

  def _Disks(self):
    return self.cfg.GetInstanceDisks(self.instance.uuid)

  def _CheckVolumeGroup(self, node_uuids):
    self.LogInfo("Checking volume groups")
    vgname = self.cfg.GetClusterInfo().volume_group_name
    results = NodeRpc(self, "vg_list")(node_uuids)
    for node_uuid in node_uuids:
      res = results[node_uuid]
      res.Raise("Error checking node %s" % self.cfg.GetNodeName(node_uuid))
      if vgname not in (res.payload or {}):
        raise errors.OpExecError("Volume group '%s' not found on node %s" %
                                 (vgname, self.cfg.GetNodeName(node_uuid)))

  def _CheckDisksExistence(self, node_uuids):
    for (idx, dev) in enumerate(self._Disks()):
      if idx not in self.disks:
        continue
      for node_uuid in node_uuids:
        self.LogInfo("Checking disk/%d on %s", idx,
                     self.cfg.GetNodeName(node_uuid))
        result = self.rpc.call_blockdev_find(node_uuid, dev)
        msg = result.fail_msg
        if msg or not result.payload:
          if not msg:
            msg = "disk not found"
          if not self._CheckDisksActivated():
            extra_hint = ("\nDisks seem to be not properly activated. Try"
                          " running activate-disks on the instance before"
                          " using replace-disks.")
          else:
            extra_hint = ""
          raise errors.OpExecError("Can't find disk/%d on node %s: %s%s" %
                                   (idx, self.cfg.GetNodeName(node_uuid),
                                    msg, extra_hint))

  def _CheckDisksConsistency(self, node_uuid, on_primary, ldisk):
    for (idx, dev) in enumerate(self._Disks()):
      if idx not in self.disks:
        continue
      self.LogInfo("Checking disk/%d consistency on node %s" %
                   (idx, self.cfg.GetNodeName(node_uuid)))
      if not idisks.CheckDiskConsistency(self, self.instance, dev, node_uuid,
                                         on_primary, ldisk=ldisk):
        raise errors.OpExecError("Node %s has degraded storage, unsafe to"
                                 " replace disks for instance %s" %
                                 (self.cfg.GetNodeName(node_uuid),
                                  self.instance.name))

  def _CreateLVs(self, node_uuid, lvs):
    info = ist.InstanceInfoText(self.instance)
    excl_stor = ist.ExclusiveStorage(self.cfg, node_uuid)
    for new_lv in lvs:
      try:
        ist.CreateBlockDevInner(self, node_uuid, self.instance, new_lv, True,
                                info, False, excl_stor)
      except ist.DeviceCreationError as err:
        raise errors.OpExecError("Can't create block device: %s" % err)

  def _CreateNewStorage(self, node_uuid):
    """New data/meta LVs on the node for each disk to replace."""
    iv_names = {}
    for (idx, dev) in enumerate(self._Disks()):
      if idx not in self.disks:
        continue
      self.LogInfo("Adding storage on %s for disk/%d",
                   self.cfg.GetNodeName(node_uuid), idx)
      names = ist.GenerateUniqueNames(self, [".disk%d_%s" % (idx, suffix)
                                             for suffix in ("data", "meta")])
      (data_disk, meta_disk) = dev.children
      lv_data = objects.Disk(dev_type=constants.DT_PLAIN, size=dev.size,
                             logical_id=(data_disk.logical_id[0], names[0]),
                             params=data_disk.params)
      lv_meta = objects.Disk(dev_type=constants.DT_PLAIN,
                             size=constants.DRBD_META_SIZE,
                             logical_id=(meta_disk.logical_id[0], names[1]),
                             params=meta_disk.params)
      new_lvs = [lv_data, lv_meta]
      old_lvs = [child.Copy() for child in dev.children]
      iv_names[dev.iv_name] = (dev, old_lvs, new_lvs)
      self._CreateLVs(node_uuid, new_lvs)
    return iv_names

  def _CheckDevices(self, node_uuid, iv_names):
    for (name, (dev, _, _)) in sorted(iv_names.items()):
      result = self.rpc.call_blockdev_find(node_uuid, dev)
      msg = result.fail_msg
      if msg or not result.payload:
        raise errors.OpExecError("Can't find DRBD device %s: %s" %
                                 (name, msg or "disk not found"))
      if result.payload.get("is_degraded"):
        raise errors.OpExecError("DRBD device %s is degraded!" % name)

  def _RemoveOldStorage(self, node_uuid, iv_names):
    for (name, (_, old_lvs, _)) in sorted(iv_names.items()):
      self.LogInfo("Remove logical volumes for %s", name)
      for lv in old_lvs:
        msg = self.rpc.call_blockdev_remove(node_uuid, lv).fail_msg
        if msg:
          self.LogWarning("Can't remove old LV: %s", msg,
                          hint="remove unused LVs manually")

  def _FinishSteps(self, iv_names, remove_node):
    """Steps 5 and 6: resync and remove the old storage."""
    if self.op.early_release:
      self.LogStep(5, _STEPS_TOTAL, "Removing old storage")
      self._RemoveOldStorage(remove_node, iv_names)
      ReleaseNodeLocks(self, locking.LEVEL_NODE_RES)
    ReleaseNodeLocks(self, locking.LEVEL_NODE)
    self.LogStep(6 if self.op.early_release else 5, _STEPS_TOTAL,
                 "Sync devices")
    instance = self.cfg.GetInstanceInfo(self.instance.uuid)
    # the old devices are degraded: the combined result is not checked
    idisks.WaitForSync(self, instance)
    self._CheckDevices(instance.primary_node, iv_names)
    if not self.op.early_release:
      self.LogStep(6, _STEPS_TOTAL, "Removing old storage")
      self._RemoveOldStorage(remove_node, iv_names)

  def _ExecDrbd8DiskOnly(self, feedback_fn):
    target = self.target_node_uuid
    target_name = self.cfg.GetNodeName(target)
    self.LogStep(1, _STEPS_TOTAL, "Check device existence")
    self._CheckDisksExistence([self.other_node_uuid, target])
    self._CheckVolumeGroup([target, self.other_node_uuid])
    self.LogStep(2, _STEPS_TOTAL, "Check peer consistency")
    self._CheckDisksConsistency(
      self.other_node_uuid,
      self.other_node_uuid == self.instance.primary_node, False)
    self.LogStep(3, _STEPS_TOTAL, "Allocate new storage")
    iv_names = self._CreateNewStorage(target)
    self.LogStep(4, _STEPS_TOTAL, "Changing drbd configuration")
    for (dev, old_lvs, new_lvs) in iv_names.values():
      self.LogInfo("Detaching %s drbd from local storage", dev.iv_name)
      result = NodeRpc(self, "blockdev_removechildren")(target, dev, old_lvs)
      result.Raise("Can't detach drbd from local storage on node %s for"
                   " device %s" % (target_name, dev.iv_name))
      temp_suffix = int(time.time())

      def _RenamedAway(lv):
        return (lv.logical_id[0],
                lv.logical_id[1] + "_replaced-%s" % temp_suffix)

      rename_old = []
      for to_ren in old_lvs:
        result = self.rpc.call_blockdev_find(target, to_ren)
        if not result.fail_msg and result.payload:
          rename_old.append((to_ren, _RenamedAway(to_ren)))
      self.LogInfo("Renaming the old LVs on the target node")
      result = NodeRpc(self, "blockdev_rename")(target, rename_old)
      result.Raise("Can't rename old LVs on node %s" % target_name)
      self.LogInfo("Renaming the new LVs on the target node")
      rename_new = [(new, old.logical_id)
                    for (old, new) in zip(old_lvs, new_lvs)]
      result = NodeRpc(self, "blockdev_rename")(target, rename_new)
      result.Raise("Can't rename new LVs on node %s" % target_name)
      for (old, new) in zip(old_lvs, new_lvs):
        new.logical_id = old.logical_id
      for disk in old_lvs:
        disk.logical_id = _RenamedAway(disk)
      self.LogInfo("Adding new mirror component on %s", target_name)
      result = NodeRpc(self, "blockdev_addchildren")(target, dev, new_lvs)
      if result.fail_msg:
        for new_lv in new_lvs:
          msg2 = self.rpc.call_blockdev_remove(target, new_lv).fail_msg
          if msg2:
            self.LogWarning("Can't rollback device %s: %s", dev, msg2,
                            hint=("cleanup manually the unused logical"
                                  "volumes"))
        raise errors.OpExecError("Can't add local storage to drbd: %s" %
                                 result.fail_msg)
    self._FinishSteps(iv_names, target)

  def _ExecDrbd8Secondary(self, feedback_fn):
    instance = self.instance
    pnode = instance.primary_node
    new_node = self.new_node_uuid
    new_name = self.cfg.GetNodeName(new_node)
    disks = self._Disks()
    self.LogStep(1, _STEPS_TOTAL, "Check device existence")
    self._CheckDisksExistence([pnode])
    self._CheckVolumeGroup([pnode])
    self.LogStep(2, _STEPS_TOTAL, "Check peer consistency")
    self._CheckDisksConsistency(pnode, True, True)
    self.LogStep(3, _STEPS_TOTAL, "Allocate new storage")
    for (idx, dev) in enumerate(disks):
      self.LogInfo("Adding new local storage on %s for disk/%d" %
                   (new_name, idx))
      self._CreateLVs(new_node, dev.children)
    self.LogStep(4, _STEPS_TOTAL, "Changing drbd configuration")
    minors = self.cfg.AllocateDRBDMinor([new_node for _ in disks],
                                        instance.uuid, self.proc.GetECId())
    logging.debug("Allocated minors %r", minors)
    iv_names = {}
    info = ist.InstanceInfoText(instance)
    excl_stor = ist.ExclusiveStorage(self.cfg, new_node)
    for (idx, (dev, new_minor)) in enumerate(zip(disks, minors)):
      self.LogInfo("activating a new drbd on %s for disk/%d" %
                   (new_name, idx))
      (o_node1, o_node2, o_port, o_minor1, o_minor2, o_secret) = \
        dev.logical_id
      p_minor = o_minor1 if pnode == o_node1 else o_minor2
      new_alone_id = (pnode, new_node, None, p_minor, new_minor, o_secret)
      new_net_id = (pnode, new_node, o_port, p_minor, new_minor, o_secret)
      iv_names[dev.iv_name] = (dev, [c.Copy() for c in dev.children],
                               new_net_id)
      new_drbd = objects.Disk(dev_type=constants.DT_DRBD8,
                              logical_id=new_alone_id,
                              children=[c.Copy() for c in dev.children],
                              size=dev.size, params={},
                              nodes=[pnode, new_node], iv_name=dev.iv_name)
      try:
        ist.CreateSingleBlockDev(self, new_node, instance, new_drbd, info,
                                 False, excl_stor)
      except errors.GenericError:
        self.cfg.ReleaseDRBDMinors(instance.uuid)
        raise
    for (idx, dev) in enumerate(disks):
      self.LogInfo("Shutting down drbd for disk/%d on old node", idx)
      msg = self.rpc.call_blockdev_shutdown(self.target_node_uuid,
                                            dev).fail_msg
      if msg:
        self.LogWarning("Failed to shutdown drbd for disk/%d on old"
                        "node: %s" % (idx, msg),
                        hint=("Please cleanup this device manually as"
                              " soon as possible"))
    self.LogInfo("Detaching primary drbds from the network (=> standalone)")
    result = NodeRpc(self, "drbd_disconnect_net")([pnode], disks)[pnode]
    if result.fail_msg:
      self.cfg.ReleaseDRBDMinors(instance.uuid)
      raise errors.OpExecError("Can't detach the disks from the network on"
                               " old node: %s" % (result.fail_msg,))
    self.LogInfo("Updating instance configuration")
    for (dev, _, new_logical_id) in iv_names.values():
      dev.logical_id = new_logical_id
      dev.nodes = [pnode, new_node]
      self.cfg.Update(dev, feedback_fn)
    self.cfg.ReleaseDRBDMinors(instance.uuid)
    ReleaseNodeLocks(self, locking.LEVEL_NODE)
    self.LogInfo("Attaching primary drbds to new secondary"
                 " (standalone => connected)")
    disks = self._Disks()
    result = NodeRpc(self, "drbd_attach_net")([pnode, new_node], disks,
                                              instance.name, False)
    for (to_node, to_result) in result.items():
      if to_result.fail_msg:
        self.LogWarning("Can't attach drbd disks on node %s: %s",
                        self.cfg.GetNodeName(to_node), to_result.fail_msg,
                        hint=("please do a gnt-instance info to see the"
                              " status of disks"))
    self._FinishSteps(iv_names, self.target_node_uuid)


#: local disk status "faulty" (Ganeti's LDS_FAULTY)
LDS_FAULTY = 3
