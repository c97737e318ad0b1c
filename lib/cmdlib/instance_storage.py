"""Instance disks on the master: layout, creation, removal, activation.

Everything here talks to nodes through the ``blockdev_*`` RPCs and to the
configuration through the ConfigWriter; no node-side code is imported.

Layout per template (what :func:`GenerateDiskTemplate` builds; ``<u>`` is a
fresh UUID per disk, ``N`` the disk index):

========== ================================================================
plain      ``(vg, "<u>.diskN")``
drbd       ``(pnode, snode, port, pminor, sminor, secret)`` with children
           ``(vg, "<u>.diskN_data")`` and ``(metavg, "<u>.diskN_meta")``
           (DRBD_META_SIZE MiB)
file       ``(driver, "<dir>/<u>.file.diskN")``
sharedfile ``(driver, "<dir>/<u>.sharedfile.diskN")``
blockdev   ``("manual", <adopted device path>)``
rbd        ``("rbd", "<u>.rbd.diskN")``
ext        ``(provider, "<u>.ext.diskN")``
========== ================================================================
"""

import logging
import os

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import utils

_DISK_TEMPLATE_NAME_PREFIX = {
  constants.DT_PLAIN: "",
  constants.DT_RBD: ".rbd",
  constants.DT_EXT: ".ext",
  constants.DT_FILE: ".file",
  constants.DT_SHARED_FILE: ".sharedfile",
}

#: seconds between two polls of a node that did not answer (WaitForSync)
SYNC_RETRY_DELAY = 6
#: failed polls in a row before WaitForSync gives up
SYNC_RETRIES = 10
#: polls of a done-but-degraded mirror before believing it
DEGRADED_RETRIES = 10


class DeviceCreationError(errors.OpExecError):
  """Creating a device tree failed; ``created`` lists (node, disk) made."""

  def __init__(self, message, created):
    errors.OpExecError.__init__(self, message)
    self.created = list(created)


# Disk descriptions --------------------------------------------------------
def ComputeDisks(op_disks, disk_template, default_vg):
  """Normalise the opcode's disk dicts (sizes as ints, defaults filled).

  @raise errors.OpPrereqError: bad mode, size or provider

  """
  disks = []
  for disk in op_disks:
    mode = disk.get(constants.IDISK_MODE, constants.DISK_RDWR)
    if mode not in constants.DISK_ACCESS_SET:
      raise errors.OpPrereqError("Invalid disk access mode '%s'" % mode,
                                 errors.ECODE_INVAL)
    size = disk.get(constants.IDISK_SIZE, None)
    if size is None:
      raise errors.OpPrereqError("Missing disk size", errors.ECODE_INVAL)
    try:
      size = int(size)
    except (TypeError, ValueError):
      raise errors.OpPrereqError("Invalid disk size '%s'" % size,
                                 errors.ECODE_INVAL)
    if size < 0 or (size == 0 and
                    constants.IDISK_ADOPT not in disk):
      raise errors.OpPrereqError("Invalid disk size '%s'" % size,
                                 errors.ECODE_INVAL)
    ext_provider = disk.get(constants.IDISK_PROVIDER, None)
    if ext_provider and disk_template != constants.DT_EXT:
      raise errors.OpPrereqError("The '%s' option is only valid for the %s"
                                 " disk template, not %s" %
                                 (constants.IDISK_PROVIDER, constants.DT_EXT,
                                  disk_template), errors.ECODE_INVAL)
    name = disk.get(constants.IDISK_NAME, None)
    if name is not None and name.lower() == constants.VALUE_NONE:
      name = None
    new_disk = {
      constants.IDISK_SIZE: size,
      constants.IDISK_MODE: mode,
      constants.IDISK_VG: disk.get(constants.IDISK_VG, default_vg),
      constants.IDISK_NAME: name,
    }
    for key in (constants.IDISK_METAVG, constants.IDISK_ADOPT,
                constants.IDISK_SPINDLES):
      if key in disk:
        new_disk[key] = disk[key]
    spindles = new_disk.get(constants.IDISK_SPINDLES)
    if spindles is not None:
      try:
        new_disk[constants.IDISK_SPINDLES] = int(spindles)
      except (TypeError, ValueError):
        raise errors.OpPrereqError("Invalid disk spindles '%s'" % spindles,
                                   errors.ECODE_INVAL)
    if disk_template == constants.DT_EXT:
      if not ext_provider:
        raise errors.OpPrereqError("Missing provider for template '%s'" %
                                   constants.DT_EXT, errors.ECODE_INVAL)
      new_disk[constants.IDISK_PROVIDER] = ext_provider
      # anything else is an ExtStorage parameter for the provider
      for key in disk:
        if key not in constants.IDISK_PARAMS:
          new_disk[key] = disk[key]
    else:
      unknown = set(disk) - constants.IDISK_PARAMS
      if unknown:
        raise errors.OpPrereqError("Unknown disk parameter(s): %s" %
                                   utils.CommaJoin(sorted(unknown)),
                                   errors.ECODE_INVAL)
    disks.append(new_disk)
  return disks


def CheckAdoption(op_disks, disk_template, iallocator, mode):
  """Whether the disks are adopted; all or none of them must be.

  @raise errors.OpPrereqError: mixed adoption, or adoption not possible

  """
  has_adopt = any(constants.IDISK_ADOPT in d for d in op_disks)
  has_no_adopt = any(constants.IDISK_ADOPT not in d for d in op_disks)
  if has_adopt and has_no_adopt:
    raise errors.OpPrereqError("Either all disks are adopted or none is",
                               errors.ECODE_INVAL)
  if has_adopt:
    if disk_template not in constants.DTS_MAY_ADOPT:
      raise errors.OpPrereqError("Disk adoption is not supported for the"
                                 " '%s' disk template" % disk_template,
                                 errors.ECODE_INVAL)
    if iallocator is not None:
      raise errors.OpPrereqError("Disk adoption not allowed with an"
                                 " iallocator script", errors.ECODE_INVAL)
    if mode == constants.INSTANCE_IMPORT:
      raise errors.OpPrereqError("Disk adoption not allowed for"
                                 " instance import", errors.ECODE_INVAL)
  elif disk_template in constants.DTS_MUST_ADOPT:
    raise errors.OpPrereqError("Disk template %s requires disk adoption,"
                               " but no 'adopt' parameter given" %
                               disk_template, errors.ECODE_INVAL)
  return has_adopt


def ComputeDiskSizePerVG(disk_template, disks):
  """{vg: MiB needed} for the LVM-based templates, {} for the others."""
  if disk_template not in constants.DTS_LVM:
    return {}
  vgs = {}
  for disk in disks:
    size = disk[constants.IDISK_SIZE]
    data_vg = disk[constants.IDISK_VG]
    vgs[data_vg] = vgs.get(data_vg, 0) + size
    if disk_template == constants.DT_DRBD8:
      meta_vg = disk.get(constants.IDISK_METAVG) or data_vg
      vgs[meta_vg] = vgs.get(meta_vg, 0) + constants.DRBD_META_SIZE
  return vgs


def CheckNodesFreeDiskPerVG(lu, node_uuids, req_sizes):
  """Fail unless every node has the MiB asked for in each VG."""
  for (vg, requested) in sorted(req_sizes.items()):
    cluster = lu.cfg.GetClusterInfo()
    hvname = cluster.enabled_hypervisors[0]
    nodeinfo = lu.rpc.call_node_info(
      node_uuids, [[constants.ST_LVM_VG, vg, []]],
      [[hvname, cluster.hvparams.get(hvname, {})]])
    for node_uuid in node_uuids:
      node_name = lu.cfg.GetNodeName(node_uuid)
      info = nodeinfo[node_uuid]
      info.Raise("Cannot get current information from node %s" % node_name,
                 prereq=True, ecode=errors.ECODE_ENVIRON)
      (_, space_info, _) = info.payload
      vg_info = [s for s in space_info or []
                 if s.get("type") == constants.ST_LVM_VG]
      if not vg_info:
        raise errors.OpPrereqError("Can't retrieve storage information for"
                                   " LVM", errors.ECODE_ENVIRON)
      vg_free = vg_info[0].get("storage_free")
      if not isinstance(vg_free, int):
        raise errors.OpPrereqError("Can't compute free disk space on node"
                                   " %s for vg %s, result was '%s'" %
                                   (node_name, vg, vg_free),
                                   errors.ECODE_ENVIRON)
      if requested > vg_free:
        raise errors.OpPrereqError("Not enough disk space on target node %s"
                                   " vg %s: required %d MiB, available %d"
                                   " MiB" % (node_name, vg, requested,
                                             vg_free), errors.ECODE_NORES)


def CalculateFileStorageDir(cfg, disk_template, op_dir, instance_name):
  """The directory holding a file-based instance's disks (or None).

  @raise errors.OpPrereqError: the cluster has no directory for the type

  """
  if disk_template not in (constants.DT_FILE, constants.DT_SHARED_FILE):
    return None
  cluster = cfg.GetClusterInfo()
  if disk_template == constants.DT_FILE:
    base = cluster.file_storage_dir
  else:
    base = cluster.shared_file_storage_dir
  if not base:
    raise errors.OpPrereqError("Cluster file storage dir for %r storage type"
                               " not defined" % disk_template,
                               errors.ECODE_STATE)
  if op_dir:
    if os.path.isabs(op_dir):
      raise errors.OpPrereqError("File storage directory path not absolute",
                                 errors.ECODE_INVAL)
    base = os.path.join(base, op_dir)
  path = os.path.normpath(os.path.join(base, instance_name))
  root = os.path.normpath(cluster.file_storage_dir
                          if disk_template == constants.DT_FILE
                          else cluster.shared_file_storage_dir)
  if not path.startswith(root.rstrip("/") + "/"):
    raise errors.OpPrereqError("Invalid file storage directory '%s': not"
                               " below %s" % (op_dir, root),
                               errors.ECODE_INVAL)
  return path


def GenerateUniqueNames(lu, exts):
  """One ``<uuid><ext>`` name per extension."""
  return ["%s%s" % (lu.cfg.GenerateUniqueID(lu.proc.GetECId()), ext)
          for ext in exts]


def _GenerateDRBD8Branch(lu, primary_uuid, secondary_uuid, size, vgnames,
                         names, iv_name, p_minor, s_minor):
  port = lu.cfg.AllocatePort()
  lu.allocated_ports = getattr(lu, "allocated_ports", []) + [port]
  secret = lu.cfg.GenerateDRBDSecret(lu.proc.GetECId())
  ec_id = lu.proc.GetECId()
  dev_data = objects.Disk(dev_type=constants.DT_PLAIN, size=size,
                          logical_id=(vgnames[0], names[0]), params={},
                          uuid=lu.cfg.GenerateUniqueID(ec_id))
  dev_meta = objects.Disk(dev_type=constants.DT_PLAIN,
                          size=constants.DRBD_META_SIZE,
                          logical_id=(vgnames[1], names[1]), params={},
                          uuid=lu.cfg.GenerateUniqueID(ec_id))
  return objects.Disk(dev_type=constants.DT_DRBD8, size=size,
                      logical_id=(primary_uuid, secondary_uuid, port,
                                  p_minor, s_minor, secret),
                      children=[dev_data, dev_meta], iv_name=iv_name,
                      params={}, nodes=[primary_uuid, secondary_uuid],
                      uuid=lu.cfg.GenerateUniqueID(ec_id))


def GenerateDiskTemplate(lu, template_name, instance_uuid, primary_node_uuid,
                         secondary_node_uuids, disk_info, file_storage_dir,
                         file_driver, base_index, feedback_fn,
                         full_disk_params):
  """The objects.Disk list of an instance (not yet in the configuration).

  ``disk_info`` is the output of :func:`ComputeDisks`.  DRBD minors are
  reserved for ``instance_uuid`` (released when the instance is added to
  the configuration or the job ends); DRBD ports are taken from the
  configuration and recorded in ``lu.allocated_ports``.

  """
  vgname = lu.cfg.GetClusterInfo().volume_group_name
  disk_count = len(disk_info)
  disks = []
  if template_name == constants.DT_DISKLESS:
    return disks
  if template_name == constants.DT_DRBD8:
    if len(secondary_node_uuids) != 1:
      raise errors.ProgrammerError("Wrong template configuration")
    remote_node_uuid = secondary_node_uuids[0]
    minors = lu.cfg.AllocateDRBDMinor(
      [primary_node_uuid, remote_node_uuid] * disk_count, instance_uuid,
      lu.proc.GetECId())
    default_metavg = full_disk_params.get("metavg") or vgname
    names = []
    for lv_prefix in GenerateUniqueNames(lu, [".disk%d" % (base_index + i)
                                              for i in range(disk_count)]):
      names.append(lv_prefix + "_data")
      names.append(lv_prefix + "_meta")
    for (idx, disk) in enumerate(disk_info):
      disk_index = idx + base_index
      data_vg = disk.get(constants.IDISK_VG) or vgname
      meta_vg = disk.get(constants.IDISK_METAVG) or default_metavg
      size = disk[constants.IDISK_SIZE]
      feedback_fn("* disk %s, size %s" %
                  (disk_index, utils.FormatUnit(size, "h")))
      disk_dev = _GenerateDRBD8Branch(
        lu, primary_node_uuid, remote_node_uuid, size, [data_vg, meta_vg],
        names[idx * 2:idx * 2 + 2], "disk/%d" % disk_index,
        minors[idx * 2], minors[idx * 2 + 1])
      disk_dev.mode = disk[constants.IDISK_MODE]
      disk_dev.name = disk.get(constants.IDISK_NAME)
      disk_dev.spindles = disk.get(constants.IDISK_SPINDLES)
      disks.append(disk_dev)
    return disks

  if secondary_node_uuids:
    raise errors.ProgrammerError("Wrong template configuration")
  prefix = _DISK_TEMPLATE_NAME_PREFIX.get(template_name)
  names = None
  if prefix is not None:
    names = GenerateUniqueNames(lu, ["%s.disk%d" % (prefix, base_index + i)
                                     for i in range(disk_count)])

  def _LogicalId(idx, disk):
    if template_name == constants.DT_PLAIN:
      return (disk.get(constants.IDISK_VG) or vgname, names[idx])
    if template_name in (constants.DT_FILE, constants.DT_SHARED_FILE):
      return (file_driver, "%s/%s" % (file_storage_dir, names[idx]))
    if template_name == constants.DT_BLOCK:
      return (constants.BLOCKDEV_DRIVER_MANUAL, disk[constants.IDISK_ADOPT])
    if template_name == constants.DT_RBD:
      return ("rbd", names[idx])
    if template_name == constants.DT_EXT:
      return (disk[constants.IDISK_PROVIDER], names[idx])
    raise errors.ProgrammerError("Unknown disk template '%s'" %
                                 template_name)

  for (idx, disk) in enumerate(disk_info):
    params = {}
    if template_name == constants.DT_EXT:
      params[constants.IDISK_PROVIDER] = disk[constants.IDISK_PROVIDER]
      for key in disk:
        if key not in constants.IDISK_PARAMS:
          params[key] = disk[key]
    disk_index = idx + base_index
    size = disk[constants.IDISK_SIZE]
    feedback_fn("* disk %s, size %s" %
                (disk_index, utils.FormatUnit(size, "h")))
    disks.append(objects.Disk(
      dev_type=template_name, size=size, logical_id=_LogicalId(idx, disk),
      iv_name="disk/%d" % disk_index, mode=disk[constants.IDISK_MODE],
      params=params, spindles=disk.get(constants.IDISK_SPINDLES),
      name=disk.get(constants.IDISK_NAME), nodes=[primary_node_uuid],
      uuid=lu.cfg.GenerateUniqueID(lu.proc.GetECId())))
  return disks


# Node trees ---------------------------------------------------------------
def ComputeNodeTree(disk, primary_uuid):
  """[(node_uuid, disk)] of the nodes the top-level disk lives on."""
  if disk.dev_type == constants.DT_DRBD8 and disk.logical_id:
    (node_a, node_b) = disk.logical_id[:2]
    return [(node_a, disk), (node_b, disk)]
  return [(primary_uuid, disk)]


def _CreateOnSecondary(disk):
  return disk.dev_type in (constants.DT_DRBD8, constants.DT_PLAIN)


def _AssembleOnSecondary(disk):
  return disk.dev_type in (constants.DT_DRBD8, constants.DT_PLAIN)


def InstanceInfoText(instance):
  """The metadata attached to an instance's devices (LVM tags)."""
  return "originstname+%s" % instance.name


def ExclusiveStorage(cfg, node_uuid):
  """The node's effective exclusive_storage flag."""
  node = cfg.GetNodeInfo(node_uuid)
  if node is None:
    raise errors.OpPrereqError("Invalid node UUID %s" % node_uuid,
                               errors.ECODE_NOENT)
  ndparams = cfg.GetClusterInfo().FillND(node, cfg.GetNodeGroup(node.group))
  return bool(ndparams.get(constants.ND_EXCLUSIVE_STORAGE, False))


def CreateSingleBlockDev(lu, node_uuid, instance, device, info, force_open,
                         excl_stor):
  """Create one device (its children must exist already)."""
  result = lu.rpc.call_blockdev_create(node_uuid, device, device.size,
                                       instance.name, force_open, info,
                                       excl_stor)
  result.Raise("Can't create block device %s on node %s for instance %s" %
               (device, lu.cfg.GetNodeName(node_uuid), instance.name))


def CreateBlockDevInner(lu, node_uuid, instance, device, force_create, info,
                        force_open, excl_stor):
  """Create a device tree on one node, children first.

  A device is only created if ``force_create`` or it must exist on
  secondaries (DRBD, LVs); below such a device everything is created.

  @return: [(node_uuid, device)] created (a finished device stands for
      its children)
  @raise DeviceCreationError: with what was created before the failure

  """
  created = []
  try:
    if _CreateOnSecondary(device):
      force_create = True
    for child in device.children or []:
      created.extend(CreateBlockDevInner(lu, node_uuid, instance, child,
                                         force_create, info, force_open,
                                         excl_stor))
    if not force_create:
      return created
    CreateSingleBlockDev(lu, node_uuid, instance, device, info, force_open,
                         excl_stor)
    return [(node_uuid, device)]
  except DeviceCreationError as err:
    err.created.extend(created)
    raise
  except errors.OpExecError as err:
    raise DeviceCreationError(str(err), created)


def UndoCreateDisks(lu, disks_created, instance):
  """Remove what :func:`CreateDisks` created (warnings only)."""
  for (node_uuid, disk) in disks_created:
    result = lu.rpc.call_blockdev_remove(node_uuid, disk)
    if result.fail_msg:
      logging.warning("Failed to remove newly-created disk %s on node %s:"
                      " %s", disk, lu.cfg.GetNodeName(node_uuid),
                      result.fail_msg)
      lu.LogWarning("Failed to remove newly-created disk %s on node %s: %s",
                    disk, lu.cfg.GetNodeName(node_uuid), result.fail_msg)


def _InstanceNodes(lu, instance, disks):
  nodes = [instance.primary_node]
  for disk in disks:
    for (node_uuid, _) in ComputeNodeTree(disk, instance.primary_node):
      if node_uuid not in nodes:
        nodes.append(node_uuid)
  return nodes


def CreateDisks(lu, instance, disks, to_skip=None, target_node_uuid=None,
                file_storage_dir=None):
  """Create the instance's disks on all its nodes.

  On the primary node every device is created and opened; on the others
  only what must exist there (a DRBD device and its LVs).  If anything
  fails, everything created so far is removed again and OpExecError is
  raised.

  @return: [(node_uuid, disk)] created, for :func:`UndoCreateDisks`

  """
  info = InstanceInfoText(instance)
  if target_node_uuid is None:
    pnode_uuid = instance.primary_node
    all_node_uuids = _InstanceNodes(lu, instance, disks)
  else:
    pnode_uuid = target_node_uuid
    all_node_uuids = [pnode_uuid]
  if not disks:
    return []
  template = disks[0].dev_type
  cluster = lu.cfg.GetClusterInfo()
  if template not in cluster.enabled_disk_templates:
    raise errors.OpPrereqError("Disk template '%s' is not enabled in cluster."
                               " Enabled disk templates are: %s" %
                               (template,
                                ",".join(cluster.enabled_disk_templates)),
                               errors.ECODE_STATE)
  if template in constants.DTS_FILEBASED:
    if file_storage_dir is None:
      file_storage_dir = os.path.dirname(disks[0].logical_id[1])
    result = lu.rpc.call_file_storage_dir_create(pnode_uuid,
                                                 file_storage_dir)
    result.Raise("Failed to create directory '%s' on node %s" %
                 (file_storage_dir, lu.cfg.GetNodeName(pnode_uuid)))
  disks_created = []
  for (idx, device) in enumerate(disks):
    if to_skip and idx in to_skip:
      continue
    logging.info("Creating disk %s for instance '%s'", idx, instance.name)
    for node_uuid in all_node_uuids:
      f_create = node_uuid == pnode_uuid
      try:
        disks_created.extend(CreateBlockDevInner(
          lu, node_uuid, instance, device, f_create, info, f_create,
          ExclusiveStorage(lu.cfg, node_uuid)))
      except DeviceCreationError as err:
        logging.warning("Creating disk %s for instance '%s' failed", idx,
                        instance.name)
        disks_created.extend(err.created)
        UndoCreateDisks(lu, disks_created, instance)
        raise errors.OpExecError(str(err))
  return disks_created


def RemoveDisks(lu, instance, disks=None, target_node_uuid=None,
                ignore_failures=False):
  """Remove the instance's disks (and file storage directory).

  Errors are logged as warnings; with ``ignore_failures`` they do not
  count.  Returns True if everything was removed.

  """
  all_ok = True
  if disks is None:
    disks = lu.cfg.GetInstanceDisks(instance.uuid)
  lu.LogInfo("Removing block devices for instance %s", instance.name)
  for (idx, device) in enumerate(disks):
    if target_node_uuid:
      edata = [(target_node_uuid, device)]
    else:
      edata = ComputeNodeTree(device, instance.primary_node)
    for (node_uuid, disk) in edata:
      result = lu.rpc.call_blockdev_remove(node_uuid, disk)
      if result.fail_msg:
        lu.LogWarning("Could not remove disk %s on node %s, continuing"
                      " anyway: %s", idx, lu.cfg.GetNodeName(node_uuid),
                      result.fail_msg)
        if not (result.offline and node_uuid != instance.primary_node):
          all_ok = False
    if device.dev_type == constants.DT_DRBD8 and device.logical_id:
      port = device.logical_id[2]
      if port is not None:
        lu.cfg.ReturnPorts([port])
  if disks and disks[0].dev_type in constants.DTS_FILEBASED:
    file_storage_dir = os.path.dirname(disks[0].logical_id[1])
    pnode = target_node_uuid or instance.primary_node
    result = lu.rpc.call_file_storage_dir_remove(pnode, file_storage_dir)
    if result.fail_msg:
      lu.LogWarning("Could not remove directory '%s' on node %s: %s",
                    file_storage_dir, lu.cfg.GetNodeName(pnode),
                    result.fail_msg)
      all_ok = False
  return all_ok or ignore_failures


def CheckSpindlesExclusiveStorage(diskdict, es_flag, required):
  """Spindles only with exclusive storage (and then maybe required)."""
  spindles = diskdict.get(constants.IDISK_SPINDLES)
  if not es_flag and spindles is not None:
    raise errors.OpPrereqError("Spindles in instance disks cannot be"
                               " specified when exclusive storage is not"
                               " active", errors.ECODE_INVAL)
  if es_flag and required and spindles is None:
    raise errors.OpPrereqError("You must specify spindles in instance disks"
                               " when exclusive storage is active",
                               errors.ECODE_INVAL)


#: block devices may only be adopted from below this directory
ADOPTABLE_BLOCKDEV_ROOT = "/dev/disk/"


def _NodeRpc(lu, name):
  """The RPC method ``call_<name>``, or a prerequisite error."""
  method = getattr(lu.rpc, "call_%s" % name, None)
  if method is None:
    raise errors.OpPrereqError("The node RPC '%s' needed for disk adoption"
                               " is not available" % name,
                               errors.ECODE_ENVIRON)
  return method


def CheckAdoptedDisks(lu, pnode, disks, disk_template):
  """Check the devices to adopt exist; set the disk sizes from them."""
  if disk_template == constants.DT_PLAIN:
    all_lvs = set("%s/%s" % (d[constants.IDISK_VG], d[constants.IDISK_ADOPT])
                  for d in disks)
    if len(all_lvs) != len(disks):
      raise errors.OpPrereqError("Duplicate volume names given for adoption",
                                 errors.ECODE_INVAL)
    used = set()
    for disk in lu.cfg.GetAllDisksInfo().values():
      for dev in [disk] + list(disk.children or []):
        if dev.dev_type == constants.DT_PLAIN and dev.logical_id:
          used.add("%s/%s" % tuple(dev.logical_id[:2]))
    for lv_name in sorted(all_lvs & used):
      raise errors.OpPrereqError("LV named %s used by another instance" %
                                 lv_name, errors.ECODE_NOTUNIQUE)
    vg_names = _NodeRpc(lu, "vg_list")([pnode.uuid])[pnode.uuid]
    vg_names.Raise("Cannot get VG information from node %s" % pnode.name,
                   prereq=True)
    node_lvs = _NodeRpc(lu, "lv_list")([pnode.uuid],
                                       list(vg_names.payload))[pnode.uuid]
    node_lvs.Raise("Cannot get LV information from node %s" % pnode.name,
                   prereq=True)
    node_lvs = node_lvs.payload
    delta = all_lvs.difference(node_lvs)
    if delta:
      raise errors.OpPrereqError("Missing logical volume(s): %s" %
                                 utils.CommaJoin(sorted(delta)),
                                 errors.ECODE_INVAL)
    online_lvs = [lv for lv in sorted(all_lvs) if node_lvs[lv][2]]
    if online_lvs:
      raise errors.OpPrereqError("Online logical volumes found, cannot"
                                 " adopt: %s" % utils.CommaJoin(online_lvs),
                                 errors.ECODE_STATE)
    for disk in disks:
      disk[constants.IDISK_SIZE] = int(float(node_lvs[
        "%s/%s" % (disk[constants.IDISK_VG],
                   disk[constants.IDISK_ADOPT])][0]))
  elif disk_template == constants.DT_BLOCK:
    for disk in disks:
      disk[constants.IDISK_ADOPT] = os.path.abspath(
        disk[constants.IDISK_ADOPT])
    all_disks = set(d[constants.IDISK_ADOPT] for d in disks)
    if len(all_disks) != len(disks):
      raise errors.OpPrereqError("Duplicate disk names given for adoption",
                                 errors.ECODE_INVAL)
    baddisks = [d for d in sorted(all_disks)
                if not d.startswith(ADOPTABLE_BLOCKDEV_ROOT)]
    if baddisks:
      raise errors.OpPrereqError("Device node(s) %s lie outside %s and"
                                 " cannot be adopted" %
                                 (utils.CommaJoin(baddisks),
                                  ADOPTABLE_BLOCKDEV_ROOT),
                                 errors.ECODE_INVAL)
    node_disks = _NodeRpc(lu, "bdev_sizes")([pnode.uuid],
                                            sorted(all_disks))[pnode.uuid]
    node_disks.Raise("Cannot get block device information from node %s" %
                     pnode.name, prereq=True)
    sizes = node_disks.payload or {}
    delta = all_disks.difference(sizes)
    if delta:
      raise errors.OpPrereqError("Missing block device(s): %s" %
                                 utils.CommaJoin(sorted(delta)),
                                 errors.ECODE_INVAL)
    for disk in disks:
      disk[constants.IDISK_SIZE] = int(float(sizes[disk[
        constants.IDISK_ADOPT]]))


def AdoptDisks(lu, instance, disks, disk_info):
  """Take over existing devices: LVs are renamed to the generated names."""
  if disks and disks[0].dev_type == constants.DT_PLAIN:
    renames = []
    for (disk, info) in zip(disks, disk_info):
      old = disk.Copy()
      old.logical_id = (disk.logical_id[0], info[constants.IDISK_ADOPT])
      renames.append((old, disk.logical_id))
    result = lu.rpc.call_blockdev_rename(instance.primary_node, renames)
    result.Raise("Failed to rename adoped LVs")
