"""Disk changes of gnt-instance modify: add, remove, modify (mode, name).

:class:`DiskChanges` checks the whole list against a simulation of the
instance's disks in ``CheckPrereq`` (indices, counts, sizes, free space,
state) and applies it in ``Exec``: a new disk is generated for the
instance's template, created on its nodes and only then added to the
configuration; a removed disk is removed from its nodes (failures are
warnings) and from the configuration.  Attaching and detaching disks is
not supported.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_mods as im
from ganeti.cmdlib import instance_ops
from ganeti.cmdlib import instance_storage as ist

_ADD_KEYS = frozenset([constants.IDISK_SIZE, constants.IDISK_MODE,
                       constants.IDISK_NAME, constants.IDISK_VG,
                       constants.IDISK_METAVG, constants.IDISK_SPINDLES,
                       constants.IDISK_PROVIDER])


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def VerifyDiskModification(op, params):
  """Check one disk change's parameters (no cluster state)."""
  if op == constants.DDM_ADD:
    if constants.IDISK_SIZE not in params:
      raise _Inval("Required disk parameter '%s' missing" %
                   constants.IDISK_SIZE)
    unknown = sorted(set(params) - _ADD_KEYS)
    if unknown and constants.IDISK_PROVIDER not in params:
      raise _Inval("Unknown disk parameter(s): %s" %
                   utils.CommaJoin(unknown))
    if constants.IDISK_ADOPT in params:
      raise _Inval("Disk adoption is not supported when adding a disk")
  elif op in (constants.DDM_ATTACH, constants.DDM_DETACH):
    raise _Inval("Attaching and detaching disks is not supported yet")
  im.VerifyDiskModification(op, params)


class _NewDisk:
  """Placeholder of a disk to be added, in the simulated disk list."""

  def __init__(self, params):
    self.params = params
    self.name = params.get(constants.IDISK_NAME)
    self.uuid = None
    self.size = params[constants.IDISK_SIZE]


class DiskChanges:
  """Check (constructor) and apply (:meth:`Apply`) the disk changes."""

  def __init__(self, lu, instance, mods):
    self.lu = lu
    self.cfg = lu.cfg
    self.instance = instance
    self.mods = []
    self.template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    if self.template == constants.DT_DISKLESS:
      raise _Inval("Disk operations not supported for diskless instances")
    disks = list(self.cfg.GetInstanceDisks(instance.uuid))
    self._names = dict((d.uuid, d.name) for d in disks)
    vg = self.cfg.GetClusterInfo().volume_group_name
    removes = False
    for (op, identifier, params) in mods:
      if op == constants.DDM_ADD:
        idx = im.AddIndex(identifier, len(disks), "disk")
        params = ist.ComputeDisks([params], self.template, vg)[0]
        disks.insert(idx, _NewDisk(params))
        self.mods.append((op, idx, params))
      else:
        (idx, disk) = im.GetItemFromContainer(identifier, "disk", disks)
        if isinstance(disk, _NewDisk):
          raise _Inval("Disk %s is added by this operation and cannot be"
                       " changed in the same one" % identifier)
        if op == constants.DDM_REMOVE:
          removes = True
          del disks[idx]
        elif constants.IDISK_NAME in params:
          self._names[disk.uuid] = params[constants.IDISK_NAME]
        self.mods.append((op, disk, params))
    if len(disks) > constants.MAX_DISKS:
      raise errors.OpPrereqError("Instance has too many disks (%d), cannot"
                                 " add more" % constants.MAX_DISKS,
                                 errors.ECODE_STATE)
    if not disks:
      raise _Inval("Cannot remove the last disk of an instance")
    names = [n for n in (self._names.get(d.uuid, d.name) for d in disks)
             if n]
    if len(names) != len(set(names)):
      raise errors.OpPrereqError("Duplicate disk names: an instance can not"
                                 " have two disks with the same name",
                                 errors.ECODE_NOTUNIQUE)
    if removes and not lu.op.hotplug:
      instance_ops.CheckInstanceState(lu, instance,
                                      [constants.ADMINST_DOWN,
                                       constants.ADMINST_OFFLINE],
                                      msg="can't remove volumes")
    new = [d.params for d in disks if isinstance(d, _NewDisk)]
    if new:
      nodes = self.cfg.GetInstanceNodes(instance.uuid)
      ist.CheckNodesFreeDiskPerVG(
        lu, nodes, ist.ComputeDiskSizePerVG(self.template, new))
    self.sizes = [d.size for d in disks]
    self.count = len(disks)

  # Exec ------------------------------------------------------------------
  def _FileStorage(self, disks):
    if self.template not in constants.DTS_FILEBASED or not disks:
      return (None, None)
    (driver, path) = disks[0].logical_id[:2]
    return (os.path.dirname(path), driver)

  def _Add(self, idx, params, feedback_fn):
    lu = self.lu
    inst = self.cfg.GetInstanceInfo(self.instance.uuid)
    disks = self.cfg.GetInstanceDisks(inst.uuid)
    (fdir, fdriver) = self._FileStorage(disks)
    group = self.cfg.GetNodeGroup(
      self.cfg.GetNodeInfo(inst.primary_node).group)
    dparams = self.cfg.GetClusterInfo().SimpleFillDP(
      group.diskparams or {}).get(self.template, {})
    lu.allocated_ports = []
    try:
      (disk, ) = ist.GenerateDiskTemplate(
        lu, self.template, inst.uuid, inst.primary_node,
        self.cfg.GetInstanceSecondaryNodes(inst.uuid), [params], fdir,
        fdriver, idx, feedback_fn, dparams)
      ist.CreateDisks(lu, inst, [disk], file_storage_dir=fdir)
    except Exception:
      self.cfg.ReleaseDRBDMinors(inst.uuid)
      self.cfg.ReturnPorts(lu.allocated_ports)
      raise
    self.cfg.AddInstanceDisk(inst.uuid, disk, idx)
    changes = [("disk/%d" % idx, "add:size=%s,mode=%s" % (disk.size,
                                                          disk.mode))]
    if lu.op.hotplug:
      changes.extend(self._HotAdd(disk, idx))
    return changes

  def _HotAdd(self, disk, idx):
    """Assemble the new disk on the primary node and hotplug it."""
    lu = self.lu
    inst = lu.instance = self.cfg.GetInstanceInfo(self.instance.uuid)
    res = lu.rpc.call_blockdev_assemble(inst.primary_node, disk, inst, True,
                                        idx)
    if res.fail_msg:
      lu.LogWarning("Can't assemble newly created disk %d: %s", idx,
                    res.fail_msg)
      return [("disk/%d" % idx, "assemble:failed")]
    (_, link_name, uri) = res.payload
    return [("disk/%d" % idx, lu.HotplugDevice(
      constants.HOTPLUG_ACTION_ADD, constants.HOTPLUG_TARGET_DISK, disk,
      [link_name, uri], idx))]

  def _Remove(self, disk):
    inst = self.cfg.GetInstanceInfo(self.instance.uuid)
    idx = inst.disks.index(disk.uuid)
    hotmsg = None
    if self.lu.op.hotplug:
      self.lu.instance = inst
      hotmsg = self.lu.HotplugDevice(constants.HOTPLUG_ACTION_REMOVE,
                                     constants.HOTPLUG_TARGET_DISK, disk,
                                     None, idx)
      for (node_uuid, ndisk) in ist.ComputeNodeTree(disk, inst.primary_node):
        res = self.lu.rpc.call_blockdev_shutdown(node_uuid, ndisk)
        if res.fail_msg:
          self.lu.LogWarning("Could not shutdown disk/%d on node '%s': %s",
                             idx, self.cfg.GetNodeName(node_uuid),
                             res.fail_msg)
    for (node_uuid, ndisk) in ist.ComputeNodeTree(disk, inst.primary_node):
      res = self.lu.rpc.call_blockdev_remove(node_uuid, ndisk)
      if res.fail_msg:
        self.lu.LogWarning("Could not remove disk/%d on node '%s': %s,"
                           " continuing anyway", idx,
                           self.cfg.GetNodeName(node_uuid), res.fail_msg)
    if disk.dev_type == constants.DT_DRBD8 and disk.logical_id[2]:
      self.cfg.ReturnPorts([disk.logical_id[2]])
    self.cfg.RemoveInstanceDisk(inst.uuid, disk.uuid)
    changes = [("disk/%d" % idx, "remove")]
    if hotmsg:
      changes.append(("disk/%d" % idx, hotmsg))
    return changes

  def _Modify(self, disk, params, feedback_fn):
    inst = self.cfg.GetInstanceInfo(self.instance.uuid)
    idx = inst.disks.index(disk.uuid)
    changes = []
    for key in (constants.IDISK_MODE, constants.IDISK_NAME):
      if key in params:
        setattr(disk, key, params[key])
        changes.append(("disk.%s/%d" % (key, idx), params[key]))
    self.cfg.Update(disk, feedback_fn)
    return changes

  def Apply(self, feedback_fn):
    """Apply the changes in order; return the change descriptions."""
    changes = []
    added = False
    for (op, target, params) in self.mods:
      if op == constants.DDM_ADD:
        changes.extend(self._Add(target, params, feedback_fn))
        added = True
      elif op == constants.DDM_REMOVE:
        changes.extend(self._Remove(target))
      else:
        changes.extend(self._Modify(target, params, feedback_fn))
    inst = self.cfg.GetInstanceInfo(self.instance.uuid)
    if (added and self.lu.op.wait_for_sync and
        self.template in constants.DTS_INT_MIRROR and inst.disks_active):
      if not idisks.WaitForSync(self.lu, inst):
        self.lu.LogWarning("Some disks of the instance are degraded")
    return changes
