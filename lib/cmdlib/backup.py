"""Backup LUs: prepare, export, remove and query instance exports.

A local export writes each disk's data, as produced by the instance OS's
``export`` script, into ``EXPORT_DIR/<instance>.new/`` on the target node
and then has the node write ``config.ini`` and move the directory to
``EXPORT_DIR/<instance>/`` (``finalize_export``).  Disks whose type can be
snapshotted (``blockdev_snapshot``) are exported from a snapshot, so the
instance only stops for the snapshot; the others are exported from the
disk itself while the instance is shut down.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import impexpd
from ganeti import locking
from ganeti import objects
from ganeti import pathutils
from ganeti.cmdlib.base import (LogicalUnit, NoHooksLU,
                                ExpandNodeUuidAndName)
from ganeti.cmdlib import impexp_transfer
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu

#: the export directory as a cluster path (nodes re-root it)
CLUSTER_EXPORT_DIR = pathutils.Paths().EXPORT_DIR
#: disk templates whose disks are exported from a snapshot
DTS_SNAPSHOT_CAPABLE = frozenset([constants.DT_PLAIN, constants.DT_DRBD8,
                                  constants.DT_EXT])


def ExportList(lu, node_uuids):
  """{node uuid: list of export names, or None if the node failed}."""
  result = {}
  answers = lu.rpc.call_export_list(node_uuids)
  for node_uuid in node_uuids:
    res = answers[node_uuid]
    if res.fail_msg:
      lu.LogWarning("Failed to query node %s (continuing): %s",
                    lu.cfg.GetNodeName(node_uuid), res.fail_msg)
      result[node_uuid] = None
    else:
      result[node_uuid] = list(res.payload or [])
  return result


class LUBackupPrepare(NoHooksLU):
  """Prepare an instance for an export (only remote exports need that)."""
  REQ_BGL = False

  def ExpandNames(self):
    self._ExpandAndLockInstance()

  def CheckPrereq(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    iu.CheckNodeOnline(self, self.instance.primary_node)

  def Exec(self, feedback_fn):
    if self.op.mode == impexpd.EXPORT_MODE_LOCAL:
      return None
    raise errors.OpPrereqError("Remote (inter-cluster) exports are not"
                               " supported yet", errors.ECODE_INVAL)


class LUBackupExport(LogicalUnit):
  """Export an instance to a node's export directory."""
  HPATH = "instance-export"
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def CheckArguments(self):
    op = self.op
    if op.mode != impexpd.EXPORT_MODE_LOCAL:
      raise errors.OpPrereqError("Remote (inter-cluster) exports are not"
                                 " supported yet", errors.ECODE_INVAL)
    if op.compress not in impexpd.IEC_ALL:
      raise errors.OpPrereqError("Compression method '%s' is not one of %s"
                                 % (op.compress,
                                    ", ".join(sorted(impexpd.IEC_ALL))),
                                 errors.ECODE_INVAL)
    if op.remove_instance and not op.shutdown:
      raise errors.OpPrereqError("Can not remove instance without shutting"
                                 " it down before", errors.ECODE_INVAL)
    if op.zero_free_space:
      raise errors.OpPrereqError("Zeroing free space is not supported yet",
                                 errors.ECODE_INVAL)

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    (self.op.target_node_uuid, self.op.target_node) = ExpandNodeUuidAndName(
      self.cfg, self.op.target_node_uuid, self.op.target_node)
    # all nodes: old exports of the instance on other nodes are removed
    self.needed_locks[locking.LEVEL_NODE] = locking.ALL_SET

  def BuildHooksEnv(self):
    env = {"EXPORT_MODE": self.op.mode,
           "EXPORT_NODE": self.op.target_node,
           "EXPORT_DO_SHUTDOWN": self.op.shutdown,
           "SHUTDOWN_TIMEOUT": self.op.shutdown_timeout,
           "REMOVE_INSTANCE": str(bool(self.op.remove_instance))}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode(), self.instance.primary_node,
          self.op.target_node_uuid]
    return (nl, nl)

  def CheckPrereq(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    assert self.instance is not None
    instance = self.instance
    iu.CheckNodeOnline(self, instance.primary_node)
    self.dst_node = self.cfg.GetNodeInfo(self.op.target_node_uuid)
    iu.CheckNodeOnline(self, self.dst_node.uuid)
    iu.CheckNodeNotDrained(self, self.dst_node.uuid)
    self.disks = self.cfg.GetInstanceDisks(instance.uuid)
    self.template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    self.snapshot = (self.template in DTS_SNAPSHOT_CAPABLE and
                     hasattr(self.rpc, "call_blockdev_snapshot"))
    self.was_running = instance.admin_state == constants.ADMINST_UP
    if self.was_running and not self.op.shutdown and not self.snapshot \
        and self.disks:
      raise errors.OpPrereqError("Instance %s is running and its disks"
                                 " (template %s) can't be snapshotted; it"
                                 " must be shut down for the export" %
                                 (instance.name, self.template),
                                 errors.ECODE_STATE)
    if not instance.os:
      raise errors.OpPrereqError("Instance %s has no OS; it can't be"
                                 " exported" % instance.name,
                                 errors.ECODE_STATE)

  # Steps -------------------------------------------------------------
  def _Shutdown(self, feedback_fn):
    instance = self.instance
    feedback_fn("Shutting down instance %s" % instance.name)
    result = self.rpc.call_instance_shutdown(instance.primary_node, instance,
                                             self.op.shutdown_timeout,
                                             self.op.reason)
    result.Raise("Could not shutdown instance %s on node %s" %
                 (instance.name,
                  self.cfg.GetNodeName(instance.primary_node)))

  def _Restart(self, feedback_fn):
    instance = self.instance
    feedback_fn("Starting instance %s" % instance.name)
    result = self.rpc.call_instance_start(instance.primary_node,
                                          (instance, None, None), False,
                                          self.op.reason)
    if result.fail_msg:
      iu.ShutdownInstanceDisks(self, instance)
      result.Raise("Could not start instance")

  def _Snapshots(self, feedback_fn):
    """Per disk, the disk to read from (a snapshot or the disk itself)."""
    instance = self.instance
    node = instance.primary_node
    sources = []
    for (idx, disk) in enumerate(self.disks):
      if not self.snapshot:
        sources.append(disk)
        continue
      feedback_fn("Creating a snapshot of disk/%s on node %s" %
                  (idx, self.cfg.GetNodeName(node)))
      result = self.rpc.call_blockdev_snapshot(node, disk)
      msg = result.fail_msg
      if not msg and not (isinstance(result.payload, (list, tuple)) and
                          len(result.payload) == 2):
        msg = "invalid snapshot id %r" % (result.payload, )
      if msg:
        self.LogWarning("Could not snapshot disk/%s on node %s: %s", idx,
                        self.cfg.GetNodeName(node), msg)
        sources.append(None)
        continue
      snap_type = (constants.DT_EXT if disk.dev_type == constants.DT_EXT
                   else constants.DT_PLAIN)
      sources.append(objects.Disk(
        dev_type=snap_type, size=disk.size,
        logical_id=tuple(result.payload), iv_name=disk.iv_name,
        name=disk.name, mode=disk.mode, params={}, nodes=[node],
        uuid=disk.uuid))
    return sources

  def _RemoveSnapshots(self, sources):
    if not self.snapshot:
      return
    node = self.instance.primary_node
    for (idx, snap) in enumerate(sources):
      if snap is None:
        continue
      self.LogInfo("Removing snapshot of disk/%s on node %s", idx,
                   self.cfg.GetNodeName(node))
      result = self.rpc.call_blockdev_remove(node, snap)
      if result.fail_msg:
        self.LogWarning("Could not remove snapshot of disk/%s on node %s:"
                        " %s", idx, self.cfg.GetNodeName(node),
                        result.fail_msg)

  def _DumpName(self, idx, source):
    """The image's file name: the snapshot's name (as Ganeti's LV
    snapshots ``<uuid>.disk<N>.snap``), else the disk file's name."""
    if self.snapshot:
      return os.path.basename(str(source.logical_id[1]))
    if source.dev_type in constants.DTS_FILEBASED:
      return os.path.basename(source.logical_id[1])
    return "%s.disk%d" % (source.uuid, idx)

  def _Transfer(self, feedback_fn, sources):
    instance = self.instance
    new_dir = "%s/%s.new" % (CLUSTER_EXPORT_DIR, instance.name)
    transfers = []
    dumps = []
    for (idx, source) in enumerate(sources):
      if source is None:
        transfers.append(None)
        dumps.append(None)
        continue
      dump = self._DumpName(idx, source)
      dumps.append(dump)
      transfers.append(impexp_transfer.DiskTransfer(
        "disk/%d" % idx, impexpd.IEIO_SCRIPT, [source, idx],
        impexpd.IEIO_FILE, ["%s/%s" % (new_dir, dump)]))
    results = impexp_transfer.TransferInstanceData(
      self, feedback_fn, instance.primary_node, self.dst_node.uuid,
      self.dst_node.secondary_ip, self.op.compress, instance, transfers)
    snap_disks = []
    for (idx, (ok, dump)) in enumerate(zip(results, dumps)):
      if not ok:
        snap_disks.append(False)
        continue
      disk = self.disks[idx]
      # only iv_name, logical_id[1] (the image), size and name matter
      dump_type = (disk.dev_type if disk.dev_type in constants.DTS_FILEBASED
                   else constants.DT_PLAIN)
      snap_disks.append(objects.Disk(
        dev_type=dump_type, size=disk.size,
        logical_id=(disk.logical_id[0], dump), iv_name=disk.iv_name,
        name=disk.name, mode=disk.mode, params={}, uuid=disk.uuid))
    return (results, snap_disks)

  def _Finalize(self, feedback_fn, results, snap_disks):
    """Finalize the export; None if it was dropped for failed disks."""
    instance = self.instance
    dst = self.dst_node
    if results and not all(results):
      result = self.rpc.call_export_remove(dst.uuid,
                                           "%s.new" % instance.name)
      if result.fail_msg:
        self.LogWarning("Could not remove the unfinished export on node"
                        " %s: %s", dst.name, result.fail_msg)
      return None
    feedback_fn("Finalizing export on %s" % dst.name)
    result = self.rpc.call_finalize_export(dst.uuid, instance, snap_disks)
    if result.fail_msg:
      self.LogWarning("Could not finalize export for instance %s on node"
                      " %s: %s", instance.name, dst.name, result.fail_msg)
      self.rpc.call_export_remove(dst.uuid, "%s.new" % instance.name)
      return False
    return True

  def _RemoveOldExports(self, feedback_fn):
    others = [n for n in self.cfg.GetNodeList()
              if n != self.dst_node.uuid]
    if not others:
      return
    exports = ExportList(self, others)
    name = self.instance.name
    if any(name in (names or []) for names in exports.values()):
      feedback_fn("Removing old exports for instance %s" % name)
    for (node_uuid, names) in exports.items():
      if names and name in names:
        result = self.rpc.call_export_remove(node_uuid, name)
        if result.fail_msg:
          self.LogWarning("Could not remove older export for instance %s"
                          " on node %s: %s", name,
                          self.cfg.GetNodeName(node_uuid), result.fail_msg)

  def _RemoveInstance(self, feedback_fn):
    instance = self.instance
    feedback_fn("Removing instance %s" % instance.name)
    if not ist.RemoveDisks(self, instance,
                           ignore_failures=self.op.ignore_remove_failures):
      raise errors.OpExecError("Could not remove instance %s's disks" %
                               instance.name)
    self.cfg.RemoveInstance(instance.uuid)
    self.remove_locks[locking.LEVEL_INSTANCE] = instance.name

  def Exec(self, feedback_fn):
    instance = self.instance
    stopped = False
    if self.op.shutdown and self.was_running:
      self._Shutdown(feedback_fn)
      stopped = True
    activated = False
    if self.disks and not instance.disks_active:
      feedback_fn("Activating disks for %s" % instance.name)
      iu.StartInstanceDisks(self, instance)
      activated = True
    results = []
    snap_disks = []
    finished = False
    try:
      sources = self._Snapshots(feedback_fn)
      try:
        restart = stopped and not self.op.remove_instance
        if restart and self.snapshot:
          self._Restart(feedback_fn)
          restart = False
        (results, snap_disks) = self._Transfer(feedback_fn, sources)
        if restart:
          self._Restart(feedback_fn)
      finally:
        self._RemoveSnapshots(sources)
      finished = self._Finalize(feedback_fn, results, snap_disks)
    finally:
      if activated and not self.was_running:
        feedback_fn("Deactivating disks for %s" % instance.name)
        iu.ShutdownInstanceDisks(self, instance)
    if not (finished and all(results)):
      failures = []
      if finished is False:
        failures.append("export finalization")
      bad = [str(i) for (i, ok) in enumerate(results) if not ok]
      if bad:
        failures.append("disk export: disk(s) %s" % ", ".join(bad))
      raise errors.OpExecError("Export failed, errors in %s" %
                               ", ".join(failures))
    self._RemoveOldExports(feedback_fn)
    if self.op.remove_instance:
      self._RemoveInstance(feedback_fn)
    return [True, results]


class LUBackupRemove(NoHooksLU):
  """Remove an instance's exports from every node."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET}

  def Exec(self, feedback_fn):
    (_, inst_name) = self.cfg.ExpandInstanceName(self.op.instance_name)
    # an unknown instance may be a removed one: use the name as given
    fqdn_warn = not inst_name
    if not inst_name:
      inst_name = self.op.instance_name
    found = False
    exports = ExportList(self, self.cfg.GetNodeList())
    for (node_uuid, names) in exports.items():
      if not names or inst_name not in names:
        continue
      found = True
      result = self.rpc.call_export_remove(node_uuid, inst_name)
      if result.fail_msg:
        self.LogWarning("Could not remove export for instance %s on node"
                        " %s: %s", inst_name,
                        self.cfg.GetNodeName(node_uuid), result.fail_msg)
    if fqdn_warn and not found:
      feedback_fn("Export not found. If trying to remove an export"
                  " belonging to a deleted instance please use its Fully"
                  " Qualified Domain Name.")


class LUBackupQuery(NoHooksLU):
  """{node name: export names, or False if the node failed}."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}
    if self.op.nodes:
      self.node_uuids = [ExpandNodeUuidAndName(self.cfg, None, name)[0]
                         for name in self.op.nodes]
    else:
      self.node_uuids = self.cfg.GetNodeList()
    if self.op.use_locking:
      self.needed_locks[locking.LEVEL_NODE] = list(self.node_uuids)
      self.share_locks[locking.LEVEL_NODE] = 1

  def Exec(self, feedback_fn):
    result = {}
    for (node_uuid, names) in ExportList(self, self.node_uuids).items():
      node_name = self.cfg.GetNodeName(node_uuid)
      result[node_name] = False if names is None else names
    return result
