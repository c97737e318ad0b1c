"""Node storage LUs: volumes, list/modify/repair storage units.

The nodes do the work (RPCs ``node_volumes``, ``storage_list``,
``storage_modify``, ``storage_execute``); these LUs check the request
against the cluster (enabled storage types, modifiable fields, faulty
disks on the peer nodes) and shape the rows the client prints.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import storage_fields as sf
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU, ExpandNodeUuidAndName
from ganeti.cmdlib import instance_disks as idisks

#: the local-disk status of a faulty mirror half (Ganeti's LDS_FAULTY)
_LDS_FAULTY = 3


def CheckOutputFields(valid, selected):
  """Fail on a selected field that is not in ``valid``."""
  unknown = [f for f in selected if f not in valid]
  if unknown:
    raise errors.OpPrereqError("Unknown output fields selected: %s" %
                               ",".join(unknown), errors.ECODE_INVAL)


def GetWantedNodes(cfg, names):
  """(uuids, names) of the named nodes, in the given order."""
  pairs = [ExpandNodeUuidAndName(cfg, None, name) for name in names]
  return ([u for (u, _) in pairs], [n for (_, n) in pairs])


def _StorageTypesOfTemplates(templates):
  result = set()
  for dt in templates:
    st = constants.MAP_DISK_TEMPLATE_STORAGE_TYPE.get(dt)
    if st is not None:
      result.add(st)
  return result


def CheckStorageTypeEnabled(cluster, storage_type):
  """Fail unless a disk template of ``storage_type`` is enabled
  (``lvm-pv`` counts as ``lvm-vg``)."""
  if storage_type == constants.ST_LVM_PV:
    storage_type = constants.ST_LVM_VG
  if storage_type not in _StorageTypesOfTemplates(
      cluster.enabled_disk_templates):
    raise errors.OpPrereqError("No disk template of storage type '%s' is"
                               " enabled in this cluster. Enabled disk"
                               " templates are: %s" %
                               (storage_type,
                                ",".join(cluster.enabled_disk_templates)),
                               errors.ECODE_STATE)


def GetStorageTypeArgs(cfg, storage_type):
  """The ``su_args`` of ``storage_list``/``storage_modify``/...: the
  storage directories for the file types, nothing for the others."""
  cluster = cfg.GetClusterInfo()
  if storage_type == constants.ST_FILE:
    return [[cluster.file_storage_dir]]
  if storage_type == constants.ST_SHARED_FILE:
    paths = []
    if constants.DT_SHARED_FILE in cluster.enabled_disk_templates:
      paths.append(cluster.shared_file_storage_dir)
    if constants.DT_GLUSTER in cluster.enabled_disk_templates:
      paths.append(cluster.gluster_storage_dir)
    return [paths]
  return []


def _DiskLvs(disk, node_uuids):
  """[(node uuid, "vg/lv")] of an LV-backed disk and its children."""
  nodes = list(disk.nodes or node_uuids)
  result = []
  if disk.dev_type == constants.DT_PLAIN and disk.logical_id:
    result.extend((node, "%s/%s" % tuple(disk.logical_id[:2]))
                  for node in nodes)
  for child in disk.children or []:
    result.extend(_DiskLvs(child, nodes))
  return result


def MapInstanceLvsToNodes(cfg, instances):
  """``{(node uuid, "vg/lv"): instance}`` of the instances' LVs."""
  result = {}
  for inst in instances:
    nodes = cfg.GetInstanceNodes(inst.uuid)
    for disk in cfg.GetInstanceDisks(inst.uuid):
      for key in _DiskLvs(disk, nodes):
        result[key] = inst
  return result


def _LockNodes(lu, names):
  lu.share_locks = dict.fromkeys(locking.LEVELS, 1)
  if names:
    (uuids, _) = GetWantedNodes(lu.cfg, names)
    lu.needed_locks = {locking.LEVEL_NODE: uuids}
  else:
    lu.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET,
                       locking.LEVEL_NODE_ALLOC: locking.ALL_SET}


def _OwnedNodes(lu):
  if lu.glm is not None:
    return list(lu.glm.list_owned(locking.LEVEL_NODE))
  nodes = lu.needed_locks[locking.LEVEL_NODE]
  return lu.cfg.GetNodeList() if nodes is locking.ALL_SET else list(nodes)


class LUNodeQueryvols(NoHooksLU):
  """The logical volumes of nodes and the instances owning them."""
  REQ_BGL = False

  def CheckArguments(self):
    CheckOutputFields(sf.VALID_VOLUME_FIELDS, self.op.output_fields)

  def ExpandNames(self):
    _LockNodes(self, self.op.nodes)

  def Exec(self, feedback_fn):
    node_uuids = utils.NiceSort(_OwnedNodes(self),
                                key=self.cfg.GetNodeName)
    volumes = self.rpc.call_node_volumes(node_uuids)
    vol2inst = MapInstanceLvsToNodes(
      self.cfg, self.cfg.GetAllInstancesInfo().values())
    output = []
    for node_uuid in node_uuids:
      nresult = volumes[node_uuid]
      if nresult.offline:
        continue
      if nresult.fail_msg:
        self.LogWarning("Can't compute volume data on node %s: %s",
                        self.cfg.GetNodeName(node_uuid), nresult.fail_msg)
        continue
      for vol in sorted(nresult.payload, key=lambda v: v[sf.VF_DEV]):
        row = []
        for field in self.op.output_fields:
          if field == sf.VF_NODE:
            val = self.cfg.GetNodeName(node_uuid)
          elif field == sf.VF_PHYS:
            val = vol[sf.VF_DEV]
          elif field == sf.VF_VG:
            val = vol[sf.VF_VG]
          elif field == sf.VF_NAME:
            val = vol[sf.VF_NAME]
          elif field == sf.VF_SIZE:
            val = int(float(vol[sf.VF_SIZE]))
          else:
            inst = vol2inst.get((node_uuid, "%s/%s" %
                                 (vol[sf.VF_VG], vol[sf.VF_NAME])))
            val = inst.name if inst is not None else "-"
          row.append(str(val))
        output.append(row)
    return output


class LUNodeQueryStorage(NoHooksLU):
  """The storage units of one type on nodes."""
  REQ_BGL = False

  def CheckArguments(self):
    CheckOutputFields(sf.VALID_STORAGE_FIELDS, self.op.output_fields)

  def ExpandNames(self):
    _LockNodes(self, self.op.nodes)

  def _DefaultStorageType(self):
    """The storage type of the cluster's first enabled disk template."""
    templates = self.cfg.GetClusterInfo().enabled_disk_templates
    return constants.MAP_DISK_TEMPLATE_STORAGE_TYPE[templates[0]]

  def CheckPrereq(self):
    if self.op.storage_type:
      CheckStorageTypeEnabled(self.cfg.GetClusterInfo(), self.op.storage_type)
      self.storage_type = self.op.storage_type
    else:
      self.storage_type = self._DefaultStorageType()
      if self.storage_type not in sf.STS_REPORT_NODE_STORAGE:
        raise errors.OpPrereqError(
          "Storage reporting for storage type '%s' is not supported. Please"
          " use the --storage-type option to specify one of the supported"
          " storage types (%s) or set the default disk template to one that"
          " supports storage reporting." %
          (self.storage_type,
           utils.CommaJoin(sf.STS_REPORT_NODE_STORAGE)), errors.ECODE_INVAL)

  def Exec(self, feedback_fn):
    fields = [f for f in self.op.output_fields
              if f not in (sf.SF_NODE, sf.SF_TYPE)]
    if sf.SF_NAME not in fields:
      fields.insert(0, sf.SF_NAME)
    field_idx = dict((name, idx) for (idx, name) in enumerate(fields))
    name_idx = field_idx[sf.SF_NAME]
    st_args = GetStorageTypeArgs(self.cfg, self.storage_type)
    node_uuids = _OwnedNodes(self)
    data = self.rpc.call_storage_list(node_uuids, self.storage_type,
                                      st_args, self.op.name, fields)
    result = []
    for node_uuid in utils.NiceSort(node_uuids, key=self.cfg.GetNodeName):
      node_name = self.cfg.GetNodeName(node_uuid)
      nresult = data[node_uuid]
      if nresult.offline:
        continue
      if nresult.fail_msg:
        self.LogWarning("Can't get storage data from node %s: %s",
                        node_name, nresult.fail_msg)
        continue
      rows = dict((row[name_idx], row) for row in nresult.payload)
      for name in utils.NiceSort(rows.keys()):
        row = rows[name]
        out = []
        for field in self.op.output_fields:
          if field == sf.SF_NODE:
            out.append(node_name)
          elif field == sf.SF_TYPE:
            out.append(self.storage_type)
          else:
            out.append(row[field_idx[field]])
        result.append(out)
    return result


class LUNodeModifyStorage(NoHooksLU):
  """Change a storage unit of a node (lvm-pv: allocatable)."""
  REQ_BGL = False

  def CheckArguments(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    storage_type = self.op.storage_type
    modifiable = sf.MODIFIABLE_STORAGE_FIELDS.get(storage_type)
    if modifiable is None:
      raise errors.OpPrereqError("Storage units of type '%s' can not be"
                                 " modified" % storage_type,
                                 errors.ECODE_INVAL)
    diff = sorted(set(self.op.changes) - modifiable)
    if diff:
      raise errors.OpPrereqError("The following fields can not be modified"
                                 " for storage units of type '%s': %r" %
                                 (storage_type, diff), errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: [self.op.node_uuid]}

  def CheckPrereq(self):
    CheckStorageTypeEnabled(self.cfg.GetClusterInfo(), self.op.storage_type)

  def Exec(self, feedback_fn):
    st_args = GetStorageTypeArgs(self.cfg, self.op.storage_type)
    result = self.rpc.call_storage_modify(self.op.node_uuid,
                                          self.op.storage_type, st_args,
                                          self.op.name, self.op.changes)
    result.Raise("Failed to modify storage unit '%s' on %s" %
                 (self.op.name, self.op.node_name))


class LURepairNodeStorage(NoHooksLU):
  """Repair a storage unit of a node (lvm-vg: remove missing PVs)."""
  REQ_BGL = False

  def CheckArguments(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    if sf.SO_FIX_CONSISTENCY not in \
        sf.VALID_STORAGE_OPERATIONS.get(self.op.storage_type, ()):
      raise errors.OpPrereqError("Storage units of type '%s' can not be"
                                 " repaired" % self.op.storage_type,
                                 errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: [self.op.node_uuid]}

  def _HasFaultyDisks(self, instance, node_uuid):
    disks = self.cfg.GetInstanceDisks(instance.uuid)
    result = self.rpc.call_blockdev_getmirrorstatus(node_uuid, disks)
    result.Raise("Failed to get disk status from node %s" %
                 self.cfg.GetNodeName(node_uuid), prereq=True,
                 ecode=errors.ECODE_ENVIRON)
    for value in result.payload or []:
      status = idisks._Status(value)
      if status and status.get("ldisk_status") == _LDS_FAULTY:
        return True
    return False

  def _CheckFaultyDisks(self, instance, node_uuid):
    """Refuse (or with ignore_consistency warn) if the instance's disks
    are faulty on the peer node ``node_uuid``."""
    try:
      if self._HasFaultyDisks(instance, node_uuid):
        raise errors.OpPrereqError("Instance '%s' has faulty disks on"
                                   " node '%s'" %
                                   (instance.name,
                                    self.cfg.GetNodeName(node_uuid)),
                                   errors.ECODE_STATE)
    except errors.OpPrereqError as err:
      if self.op.ignore_consistency:
        self.LogWarning(str(err.args[0]))
      else:
        raise

  def CheckPrereq(self):
    CheckStorageTypeEnabled(self.cfg.GetClusterInfo(), self.op.storage_type)
    for inst in self.cfg.GetAllInstancesInfo().values():
      nodes = self.cfg.GetInstanceNodes(inst.uuid)
      if self.op.node_uuid not in nodes or not inst.disks_active:
        continue
      for peer in nodes:
        if peer != self.op.node_uuid:
          self._CheckFaultyDisks(inst, peer)

  def Exec(self, feedback_fn):
    feedback_fn("Repairing storage unit '%s' on %s ..." %
                (self.op.name, self.op.node_name))
    st_args = GetStorageTypeArgs(self.cfg, self.op.storage_type)
    result = self.rpc.call_storage_execute(self.op.node_uuid,
                                           self.op.storage_type, st_args,
                                           self.op.name,
                                           sf.SO_FIX_CONSISTENCY)
    result.Raise("Failed to repair storage unit '%s' on %s" %
                 (self.op.name, self.op.node_name))
