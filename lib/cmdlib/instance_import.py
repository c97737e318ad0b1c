"""Instance creation in import mode (``gnt-backup import``).

``LUInstanceCreate`` calls into this module at three points when
``op.mode`` is ``import``:

* :func:`CheckArguments` (first thing in its ``CheckArguments``): finds the
  export (``src_node``/``src_path``, or every node's export list when no
  source node is given), reads its ``config.ini`` and fills in what the
  opcode left out: OS, disk template, disks, NICs, hypervisor, backend,
  hypervisor and OS parameters.  The user's values always win;
* :func:`ExpandNames`: adds the source node to the node locks;
* :func:`ImportDisks` (instead of running the OS create script): streams
  every disk image from the source node into the new disks through the
  OS ``import`` script.  If any disk fails, the new instance and its disks
  are removed again and the job fails.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import impexpd
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.backup import CLUSTER_EXPORT_DIR
from ganeti.cmdlib.base import ExpandNodeUuidAndName
from ganeti.cmdlib import impexp_transfer
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu
from ganeti.impexpd import exportcfg


def _FindExport(lu, src_path):
  """The node holding export ``src_path`` (a name), searching all nodes."""
  answers = lu.rpc.call_export_list(lu.cfg.GetNodeList())
  for node_uuid in sorted(answers, key=lu.cfg.GetNodeName):
    res = answers[node_uuid]
    if res.fail_msg:
      continue
    if src_path in (res.payload or []):
      return node_uuid
  raise errors.OpPrereqError("No export found for relative path %s" %
                             src_path, errors.ECODE_NOENT)


def _ToBool(value):
  if isinstance(value, bool):
    return value
  text = str(value).strip().lower()
  if text in ("true", "yes", "1", "y"):
    return True
  if text in ("false", "no", "0", "n"):
    return False
  raise ValueError("not a boolean: %r" % value)


def _ConvertBe(name, value):
  vtype = constants.BES_PARAMETER_TYPES.get(name)
  if vtype == constants.VTYPE_BOOL:
    return _ToBool(value)
  if vtype == constants.VTYPE_SIZE:
    return utils.ParseUnit(str(value))
  if vtype == constants.VTYPE_INT:
    return int(value)
  return value


def _ConvertLike(default, value):
  """``value`` (text from config.ini) as the type of ``default``."""
  if value == "None":
    return None
  if isinstance(default, bool):
    return _ToBool(value)
  if isinstance(default, int):
    return int(value)
  if isinstance(default, float):
    return float(value)
  return value


def _FillParams(lu, einfo):
  op = lu.op
  cluster = lu.cfg.GetClusterInfo()
  for (name, value) in exportcfg.GetSection(einfo,
                                            exportcfg.INISECT_BEP).items():
    if name in op.beparams or name not in constants.BES_PARAMETERS:
      continue
    try:
      op.beparams[name] = _ConvertBe(name, value)
    except (ValueError, errors.UnitParseError) as err:
      raise errors.OpPrereqError("Invalid value '%s' of backend parameter"
                                 " '%s' in the export: %s" %
                                 (value, name, err), errors.ECODE_INVAL)
  exp_hv = exportcfg.GetValue(einfo, exportcfg.INISECT_INS, "hypervisor")
  if op.hypervisor is None and exp_hv in cluster.enabled_hypervisors:
    op.hypervisor = exp_hv
  hv_name = op.hypervisor or cluster.enabled_hypervisors[0]
  if hv_name == exp_hv:
    defaults = cluster.hvparams.get(hv_name, {})
    for (name, value) in exportcfg.GetSection(
        einfo, exportcfg.INISECT_HYP).items():
      if name in op.hvparams or name not in defaults or \
          name in constants.HVS_GLOBAL:
        continue
      try:
        op.hvparams[name] = _ConvertLike(defaults[name], value)
      except ValueError as err:
        raise errors.OpPrereqError("Invalid value '%s' of hypervisor"
                                   " parameter '%s' in the export: %s" %
                                   (value, name, err), errors.ECODE_INVAL)
  for (name, value) in exportcfg.GetSection(einfo,
                                            exportcfg.INISECT_OSP).items():
    op.osparams.setdefault(name, value)
  for (name, value) in exportcfg.GetSection(
      einfo, exportcfg.INISECT_OSP_PRIVATE).items():
    op.osparams_private.setdefault(name, value)


def _FillDisksAndNics(lu, einfo):
  op = lu.op
  exp_disks = exportcfg.GetDisks(einfo)
  if op.disk_template is None:
    template = exportcfg.GetValue(einfo, exportcfg.INISECT_INS,
                                  "disk_template")
    if template is None:
      raise errors.OpPrereqError("No disk template specified and the export"
                                 " is missing the disk_template"
                                 " information", errors.ECODE_INVAL)
    if template not in constants.DISK_TEMPLATES:
      raise errors.OpPrereqError("Disk template specified in configuration"
                                 " file is not one of the allowed values:"
                                 " %s" % ", ".join(
                                   sorted(constants.DISK_TEMPLATES)),
                                 errors.ECODE_INVAL)
    op.disk_template = template
  if not op.disks:
    disks = []
    for (_, size, name) in exp_disks:
      ddict = {constants.IDISK_SIZE: size}
      if name is not None:
        ddict[constants.IDISK_NAME] = name
      disks.append(ddict)
    if not disks and op.disk_template != constants.DT_DISKLESS:
      raise errors.OpPrereqError("No disk info specified and the export is"
                                 " missing the disk information",
                                 errors.ECODE_INVAL)
    op.disks = disks
  if len(op.disks) < len(exp_disks):
    raise errors.OpPrereqError("Not enough disks to import. (instance: %d,"
                               " export: %d)" % (len(op.disks),
                                                 len(exp_disks)),
                               errors.ECODE_INVAL)
  for (idx, (_, size, _)) in enumerate(exp_disks):
    try:
      wanted = int(op.disks[idx].get(constants.IDISK_SIZE))
    except (TypeError, ValueError):
      continue  # reported by the common disk checks
    if wanted < size:
      raise errors.OpPrereqError("Disk %d (%s) is smaller than the exported"
                                 " disk (%s)" %
                                 (idx, utils.FormatUnit(wanted, "h"),
                                  utils.FormatUnit(size, "h")),
                                 errors.ECODE_INVAL)
  exp_nics = exportcfg.GetNics(einfo)
  if not op.nics:
    nics = []
    for nic in exp_nics:
      ndict = dict((key, value) for (key, value) in nic.items()
                   if key != "network")
      nics.append(ndict)
    op.nics = nics
  else:
    # "auto" (or no) MAC of a given NIC: the exported NIC's MAC
    for (idx, nic) in enumerate(op.nics):
      mac = nic.get(constants.INIC_MAC, constants.VALUE_AUTO)
      if mac == constants.VALUE_AUTO and idx < len(exp_nics) and \
          exp_nics[idx].get("mac"):
        nic[constants.INIC_MAC] = exp_nics[idx]["mac"]
  lu.src_images = []
  for idx in range(len(op.disks)):
    dump = exp_disks[idx][0] if idx < len(exp_disks) else None
    lu.src_images.append("%s/%s" % (op.src_path, dump) if dump else None)


def _CheckMacs(lu):
  """MAC addresses taken from the export must be free in the cluster."""
  used = set()
  for inst in lu.cfg.GetAllInstancesInfo().values():
    used.update(nic.mac for nic in inst.nics)
  for nic in lu.op.nics:
    mac = nic.get(constants.INIC_MAC)
    if mac not in (None, constants.VALUE_AUTO, constants.VALUE_GENERATE) \
        and mac in used:
      raise errors.OpPrereqError("MAC address %s already in use in cluster"
                                 % mac, errors.ECODE_NOTUNIQUE)


def CheckArguments(lu):
  """Locate and read the export; fill the opcode's missing values."""
  op = lu.op
  if op.identify_defaults:
    raise errors.OpPrereqError("Identifying default parameters on import"
                               " is not supported yet", errors.ECODE_INVAL)
  if op.src_path is None:
    op.src_path = op.instance_name
  if op.src_node is None and op.src_node_uuid is None:
    if os.path.isabs(op.src_path):
      raise errors.OpPrereqError("Importing an instance from a path"
                                 " requires a source node option",
                                 errors.ECODE_INVAL)
    op.src_node_uuid = _FindExport(lu, op.src_path)
    op.src_node = lu.cfg.GetNodeName(op.src_node_uuid)
  else:
    (op.src_node_uuid, op.src_node) = ExpandNodeUuidAndName(
      lu.cfg, op.src_node_uuid, op.src_node)
  if not os.path.isabs(op.src_path):
    op.src_path = "%s/%s" % (CLUSTER_EXPORT_DIR, op.src_path)
  op.src_path = os.path.normpath(op.src_path)
  if op.compress not in impexpd.IEC_ALL:
    raise errors.OpPrereqError("Compression method '%s' is not one of %s" %
                               (op.compress,
                                ", ".join(sorted(impexpd.IEC_ALL))),
                               errors.ECODE_INVAL)
  iu.CheckNodeOnline(lu, op.src_node_uuid)
  result = lu.rpc.call_export_info(op.src_node_uuid, op.src_path)
  result.Raise("No export or invalid export found in dir %s" % op.src_path)
  einfo = exportcfg.Parse(result.payload)
  if op.os_type is None:
    op.os_type = exportcfg.GetValue(einfo, exportcfg.INISECT_EXP, "os")
  _FillDisksAndNics(lu, einfo)
  _FillParams(lu, einfo)
  _CheckMacs(lu)


def ExpandNames(lu):
  """Lock the source node too (after the primary node's locks are set)."""
  for level in (locking.LEVEL_NODE, ):
    nodes = lu.needed_locks.setdefault(level, [])
    if lu.op.src_node_uuid not in nodes:
      nodes.append(lu.op.src_node_uuid)


def BuildHooksEnv(lu, env):
  """The import part of the instance-add hook environment."""
  env["SRC_NODE"] = lu.op.src_node
  env["SRC_PATH"] = lu.op.src_path
  env["SRC_IMAGES"] = ",".join(i for i in lu.src_images if i)


def _Undo(lu, instance):
  """Remove the instance that could not be imported, and its disks."""
  iu.ShutdownInstanceDisks(lu, instance, ignore_failures=True)
  disks = lu.cfg.GetInstanceDisks(instance.uuid)
  # drops the instance's disk links on the node as well
  result = lu.rpc.call_blockdev_close(instance.primary_node, instance.name,
                                      disks)
  if result.fail_msg:
    lu.LogWarning("Could not close the disks of instance %s: %s",
                  instance.name, result.fail_msg)
  ist.RemoveDisks(lu, instance)
  lu.cfg.RemoveInstance(instance.uuid)
  lu.remove_locks[locking.LEVEL_INSTANCE] = instance.name


def ImportDisks(lu, feedback_fn, instance):
  """Copy the export's disk images into the new instance's disks.

  @raise errors.OpExecError: a disk failed (the instance is removed)
  """
  op = lu.op
  disks = lu.cfg.GetInstanceDisks(instance.uuid)
  if not disks:
    return
  feedback_fn("* running the instance OS import scripts...")
  iu.StartInstanceDisks(lu, instance)
  transfers = []
  for (idx, disk) in enumerate(disks):
    image = lu.src_images[idx] if idx < len(lu.src_images) else None
    if not image:
      transfers.append(None)
      continue
    transfers.append(impexp_transfer.DiskTransfer(
      "disk/%d" % idx, impexpd.IEIO_FILE, [image], impexpd.IEIO_SCRIPT,
      [disk, idx]))
  pnode = lu.cfg.GetNodeInfo(instance.primary_node)
  results = impexp_transfer.TransferInstanceData(
    lu, feedback_fn, op.src_node_uuid, pnode.uuid, pnode.secondary_ip,
    op.compress, instance, transfers)
  failed = [str(idx) for (idx, (dt, ok)) in enumerate(zip(transfers,
                                                          results))
            if dt is not None and not ok]
  if failed:
    _Undo(lu, instance)
    raise errors.OpExecError("Some disks for instance %s on node %s were not"
                             " imported successfully (disk(s) %s); the"
                             " instance was removed" %
                             (instance.name, pnode.name, ", ".join(failed)))
  if not op.start:
    iu.ShutdownInstanceDisks(lu, instance)
