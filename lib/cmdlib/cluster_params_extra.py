"""The storage, network, policy and misc options of LUClusterSetParams.

LUClusterSetParams (cluster_params.py) calls, in its own phases:

* L{CheckArguments}(op): syntax and types, no configuration access;
* L{CheckPrereq}(lu): computes the new values into ``lu.extra`` (a dict
  of cluster attribute -> new value) and checks them against the
  configuration and, over RPC, the nodes; changes nothing;
* L{Apply}(lu, cluster, feedback_fn): installs ``lu.extra`` into the
  cluster object before the single configuration write.

Parameters handled here: uid_pool/add_uids/remove_uids, reserved_lvs,
vg_name, drbd_helper, diskparams, ipolicy, hv_state, disk_state,
master_netdev, master_netmask, use_external_mip_script, file,
shared-file and gluster storage directories, install_image, zeroing_image,
instance_communication_network, compression_tools, enabled_user_shutdown,
default_iallocator_params, enabled_data_collectors and
data_collector_interval.
"""

import copy
import os
import re

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import uidpool
from ganeti import utils
from ganeti.cmdlib import cluster_ipolicy
from ganeti.cmdlib import instance_utils

#: Opcode parameters this module handles
SUPPORTED = frozenset([
  "uid_pool", "add_uids", "remove_uids", "reserved_lvs", "vg_name",
  "drbd_helper", "diskparams", "ipolicy", "hv_state", "disk_state",
  "master_netdev", "master_netmask", "use_external_mip_script",
  "file_storage_dir", "shared_file_storage_dir", "gluster_storage_dir",
  "install_image", "zeroing_image", "instance_communication_network",
  "compression_tools", "enabled_user_shutdown",
  "default_iallocator_params", "enabled_data_collectors",
  "data_collector_interval",
])

#: hv_state keys (``--hypervisor-state hv:key=val``); all integers
HVST_PARAMETERS = ("mem_total", "mem_node", "mem_hv", "cpu_total",
                   "cpu_node")
#: disk_state keys (``--disk-state type/name:key=val``); all integers
DSS_PARAMETERS = ("disk_total", "disk_reserved", "disk_overhead")

_LVM_TEMPLATES = frozenset([constants.DT_PLAIN, constants.DT_DRBD8])
_STORAGE_TYPES = frozenset([
  constants.ST_FILE, constants.ST_SHARED_FILE, constants.ST_GLUSTER,
  constants.ST_LVM_PV, constants.ST_LVM_VG, constants.ST_DISKLESS,
  constants.ST_BLOCK, constants.ST_RBD, constants.ST_EXT])
_IEC_GZIP = "gzip"
_DISK_ACCESS_MODES = ("kernelspace", "userspace")
_COMPRESSION_TOOL_RE = re.compile(r"^[-_a-zA-Z0-9]+$")

#: (opcode parameter, cluster attribute, disk template needing it)
_STORAGE_DIRS = [
  ("file_storage_dir", "file_storage_dir", constants.DT_FILE),
  ("shared_file_storage_dir", "shared_file_storage_dir",
   constants.DT_SHARED_FILE),
  ("gluster_storage_dir", "gluster_storage_dir", constants.DT_GLUSTER),
]

#: Plain values stored as they are: (opcode parameter, cluster attribute)
_PLAIN = [
  ("master_netdev", "master_netdev"),
  ("use_external_mip_script", "use_external_mip_script"),
  ("install_image", "install_image"),
  ("zeroing_image", "zeroing_image"),
  ("instance_communication_network", "instance_communication_network"),
  ("enabled_user_shutdown", "enabled_user_shutdown"),
]


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def DiskParamTypes(template):
  """{name: python type} of a disk template's parameters (from defaults)."""
  return dict((key, type(val)) for (key, val) in
              constants.DISK_DT_DEFAULTS.get(template, {}).items())


def _ConvertTyped(what, key, value, vtype):
  if vtype is bool:
    if isinstance(value, bool):
      return value
    low = str(value).lower()
    if low in ("true", "yes", "y", "1", "on"):
      return True
    if low in ("false", "no", "n", "0", "off"):
      return False
    raise _Inval("Invalid value for %s parameter '%s': %s is not a valid"
                 " boolean" % (what, key, value))
  if vtype in (int, float):
    if isinstance(value, bool):
      raise _Inval("Invalid value for %s parameter '%s': %s is not a valid"
                   " %s" % (what, key, value, vtype.__name__))
    try:
      return vtype(value)
    except (TypeError, ValueError):
      raise _Inval("Invalid value for %s parameter '%s': %s is not a valid"
                   " %s" % (what, key, value,
                            "integer" if vtype is int else "float"))
  if not isinstance(value, str):
    raise _Inval("Invalid value for %s parameter '%s': %r is not a string" %
                 (what, key, value))
  return value


def CheckDiskParams(diskparams):
  """Check and convert ``{template: {key: value}}`` in place."""
  for (template, params) in diskparams.items():
    if template not in constants.DISK_TEMPLATES:
      raise _Inval("Invalid disk template '%s' in disk parameters; valid"
                   " templates are: %s" %
                   (template, utils.CommaJoin(constants.DISK_TEMPLATES)))
    if params is None:
      continue
    if not isinstance(params, dict):
      raise _Inval("Invalid disk parameters of template %s: expected a"
                   " dictionary" % template)
    types = DiskParamTypes(template)
    unknown = sorted(set(params) - set(types))
    if unknown:
      raise _Inval("Unknown %s disk parameter(s): %s" %
                   (template, utils.CommaJoin(unknown)))
    for (key, val) in params.items():
      params[key] = _ConvertTyped("%s disk" % template, key, val,
                                  types[key])
    access = params.get("access")
    if access is not None and access not in _DISK_ACCESS_MODES:
      raise _Inval("Invalid value of '%s:access': '%s'; valid values are"
                   " kernelspace, userspace" % (template, access))


def _CheckIntDict(what, params, keys):
  if not isinstance(params, dict):
    raise _Inval("Invalid %s: expected a dictionary, got %r" %
                 (what, params))
  unknown = sorted(set(params) - set(keys))
  if unknown:
    raise _Inval("Unknown %s parameter(s): %s" %
                 (what, utils.CommaJoin(unknown)))
  for (key, val) in params.items():
    params[key] = _ConvertTyped(what, key, val, int)
    if params[key] < 0:
      raise _Inval("Invalid value for %s parameter '%s': %s is negative" %
                   (what, key, val))


def CheckHvState(hv_state):
  """Check ``{hypervisor: {key: int}}`` in place."""
  for (hv_name, params) in hv_state.items():
    if hv_name not in constants.HYPER_TYPES:
      raise _Inval("Unknown hypervisor '%s' in hypervisor state; valid"
                   " hypervisors are: %s" %
                   (hv_name, utils.CommaJoin(sorted(constants.HYPER_TYPES))))
    _CheckIntDict("hypervisor state", params, HVST_PARAMETERS)


def CheckDiskState(disk_state):
  """Check ``{storage type: {name: {key: int}}}`` in place."""
  for (stype, units) in disk_state.items():
    if stype not in _STORAGE_TYPES:
      raise _Inval("Invalid storage type '%s' in disk state; valid types"
                   " are: %s" %
                   (stype, utils.CommaJoin(sorted(_STORAGE_TYPES))))
    if not isinstance(units, dict):
      raise _Inval("Invalid disk state of storage type %s: expected"
                   " {name: {parameter: value}}" % stype)
    for (name, params) in units.items():
      _CheckIntDict("disk state", params, DSS_PARAMETERS)


def _MergeNested(old, new, depth):
  """Merge ``new`` into a copy of ``old``, ``depth`` levels deep."""
  result = copy.deepcopy(old or {})
  for (key, val) in new.items():
    if depth == 1:
      result[key] = objects.FillDict(result.get(key, {}), val)
    else:
      result[key] = _MergeNested(result.get(key, {}), val, depth - 1)
  return result


def CheckCompressionTools(tools):
  """The tools must be valid program names and include gzip."""
  bad = [t for t in tools if not _COMPRESSION_TOOL_RE.match(t)]
  if bad:
    raise _Inval("Invalid compression tool name(s): %s" %
                 utils.CommaJoin(bad))
  if _IEC_GZIP not in tools:
    raise _Inval("For compatibility reasons, the %s utility must be present"
                 " in the list of compression tools" % _IEC_GZIP)


def CheckArguments(op, primary_ip_family):
  """Syntax checks of the parameters of this module (see module doc)."""
  for name in ("uid_pool", "add_uids", "remove_uids"):
    value = getattr(op, name)
    if value is not None:
      value = [tuple(r) for r in value]
      uidpool.CheckUidPool(value)
      setattr(op, name, value)
  # master_netdev/master_netmask are checked by cluster_master (with
  # Ganeti's messages), which also moves the live master IP
  if op.diskparams:
    CheckDiskParams(op.diskparams)
  if op.hv_state:
    CheckHvState(op.hv_state)
  if op.disk_state:
    CheckDiskState(op.disk_state)
  if op.compression_tools is not None:
    CheckCompressionTools(op.compression_tools)
  for (param, _, _) in _STORAGE_DIRS:
    value = getattr(op, param)
    if value and not os.path.isabs(value):
      raise _Inval("The %s must be an absolute path, not '%s'" %
                   (param.replace("_", " "), value))
  if op.drbd_helper and not os.path.isabs(op.drbd_helper):
    raise _Inval("The DRBD usermode helper must be an absolute path, not"
                 " '%s'" % op.drbd_helper)
  if op.enabled_data_collectors:
    _CheckCollectorNames(op.enabled_data_collectors)
  if op.data_collector_interval:
    _CheckCollectorNames(op.data_collector_interval)
    for (name, val) in op.data_collector_interval.items():
      if val <= 0:
        raise _Inval("Invalid interval %s for data collector %s: it must"
                     " be positive" % (val, name))


def _CheckCollectorNames(names):
  bad = sorted(set(names) - set(constants.DATA_COLLECTORS))
  if bad:
    raise _Inval("Invalid data collector(s): %s; valid collectors are: %s" %
                 (utils.CommaJoin(bad),
                  utils.CommaJoin(constants.DATA_COLLECTORS)))


def _VmNodes(lu):
  return [n.uuid for n in lu.cfg.GetAllNodesInfo().values()
          if n.vm_capable and not n.offline]


def _CheckVgName(lu, vg_name, enabled_templates):
  if vg_name == "":
    used = sorted(_LVM_TEMPLATES & set(enabled_templates))
    if used:
      raise errors.OpPrereqError(
        "Cannot unset the volume group name while lvm-based disk templates"
        " are enabled: %s" % utils.CommaJoin(used), errors.ECODE_INVAL)
    return
  results = lu.rpc.call_vg_list(_VmNodes(lu))
  for (node_uuid, res) in sorted(results.items(),
                                 key=lambda i: lu.cfg.GetNodeName(i[0])):
    node = lu.cfg.GetNodeName(node_uuid)
    if res.offline:
      continue
    res.Raise("Error while gathering data on node %s (you may need to use"
              " --force)" % node, prereq=True, ecode=errors.ECODE_ENVIRON)
    if vg_name not in (res.payload or {}):
      raise errors.OpPrereqError("Error on node '%s': volume group '%s'"
                                 " missing" % (node, vg_name),
                                 errors.ECODE_ENVIRON)


def _CheckDrbdHelper(lu, helper, enabled_templates):
  if helper == "":
    if constants.DT_DRBD8 in enabled_templates:
      raise errors.OpPrereqError("Cannot disable drbd helper while DRBD is"
                                 " enabled.", errors.ECODE_STATE)
    return
  if constants.DT_DRBD8 not in enabled_templates:
    return
  results = lu.rpc.call_drbd_helper(_VmNodes(lu))
  for (node_uuid, res) in sorted(results.items(),
                                 key=lambda i: lu.cfg.GetNodeName(i[0])):
    node = lu.cfg.GetNodeName(node_uuid)
    if res.offline:
      continue
    res.Raise("Error checking drbd helper on node '%s'" % node, prereq=True,
              ecode=errors.ECODE_ENVIRON)
    if res.payload != helper:
      raise errors.OpPrereqError("Error on node '%s': drbd helper is %s" %
                                 (node, res.payload), errors.ECODE_ENVIRON)


def _InstanceViolations(lu, ipolicy):
  """Names of instances whose specs violate ``ipolicy``."""
  cfg = lu.cfg
  cluster = cfg.GetClusterInfo()
  bad = []
  for inst in cfg.GetAllInstancesInfo().values():
    bep = cluster.FillBE(inst)
    disks = cfg.GetInstanceDisks(inst.uuid)
    viol = instance_utils.ComputeIPolicySpecViolation(
      ipolicy, bep.get(constants.BE_MAXMEM), bep.get(constants.BE_VCPUS),
      len(disks), len(inst.nics or []), [d.size for d in disks],
      bep.get(constants.BE_SPINDLE_USE),
      cfg.GetInstanceDiskTemplate(inst.uuid))
    if viol:
      bad.append(inst.name)
  return utils.NiceSort(bad)


def CheckPrereq(lu, enabled_templates):
  """Compute ``lu.extra`` and check it (see the module doc)."""
  op = lu.op
  cluster = lu.cfg.GetClusterInfo()
  extra = lu.extra = {}
  lu.extra_warnings = []

  if op.uid_pool is not None:
    extra["uid_pool"] = list(op.uid_pool)
  if op.add_uids is not None or op.remove_uids is not None:
    pool = list(extra.get("uid_pool", [tuple(r) for r in cluster.uid_pool]))
    if op.add_uids:
      uidpool.AddToUidPool(pool, op.add_uids)
    if op.remove_uids:
      uidpool.RemoveFromUidPool(pool, op.remove_uids)
    extra["uid_pool"] = pool
  if "uid_pool" in extra:
    extra["uid_pool"] = [list(r) for r in extra["uid_pool"]]

  if op.reserved_lvs is not None:
    extra["reserved_lvs"] = list(op.reserved_lvs)

  if op.vg_name is not None:
    _CheckVgName(lu, op.vg_name, enabled_templates)
    extra["volume_group_name"] = op.vg_name or None

  if op.drbd_helper is not None:
    _CheckDrbdHelper(lu, op.drbd_helper, enabled_templates)
    extra["drbd_usermode_helper"] = op.drbd_helper or None

  for (param, attr, template) in _STORAGE_DIRS:
    value = getattr(op, param)
    if value is None:
      continue
    if value == "" and template in enabled_templates:
      raise errors.OpPrereqError(
        "Unsetting the '%s' storage directory while having '%s' storage"
        " enabled is not permitted." % (template, template),
        errors.ECODE_INVAL)
    if value and template not in enabled_templates:
      lu.extra_warnings.append(
        "Specified a %s storage directory, although %s storage is not"
        " enabled." % (template, template))
    extra[attr] = value

  if op.diskparams:
    new_dp = copy.deepcopy(cluster.diskparams)
    for (template, params) in op.diskparams.items():
      new_dp[template] = objects.FillDict(new_dp.get(template, {}),
                                          params or {})
    extra["diskparams"] = new_dp

  if op.ipolicy:
    new_ipol = cluster_ipolicy.GetUpdatedIPolicy(cluster.ipolicy, op.ipolicy)
    extra["ipolicy"] = new_ipol
  if op.ipolicy:
    # (Ganeti also checks the unchanged policy when only the enabled
    # templates change; we don't, so that a template can be disabled
    # without first editing the policy)
    cluster_ipolicy.CheckIPolicyVsDiskTemplates(new_ipol, enabled_templates)
    bad = _InstanceViolations(lu, new_ipol)
    if bad:
      lu.extra_warnings.append(
        "After the ipolicy change the following instances violate them: %s"
        % utils.CommaJoin(bad))

  if op.hv_state:
    extra["hv_state_static"] = _MergeNested(cluster.hv_state_static,
                                            op.hv_state, 1)
  if op.disk_state:
    extra["disk_state_static"] = _MergeNested(cluster.disk_state_static,
                                              op.disk_state, 2)
  if op.master_netmask is not None:
    extra["master_netmask"] = op.master_netmask
  for (param, attr) in _PLAIN:
    value = getattr(op, param)
    if value is not None:
      extra[attr] = value
  if op.instance_communication_network:
    net_names = [n.name for n in
                 lu.cfg.GetConfigData().networks.values()]
    if op.instance_communication_network not in net_names:
      lu.extra_warnings.append(
        "The instance communication network '%s' does not exist yet;"
        " create it with gnt-network add" %
        op.instance_communication_network)
  if op.compression_tools is not None:
    extra["compression_tools"] = list(op.compression_tools)
  if op.default_iallocator_params is not None:
    extra["default_iallocator_params"] = dict(op.default_iallocator_params)
  if op.enabled_data_collectors or op.data_collector_interval:
    dcs = copy.deepcopy(cluster.data_collectors)
    for (name, active) in (op.enabled_data_collectors or {}).items():
      dcs.setdefault(name, {})["active"] = active
    for (name, interval) in (op.data_collector_interval or {}).items():
      dcs.setdefault(name, {})["interval"] = interval
    extra["data_collectors"] = dcs


def Apply(lu, cluster, feedback_fn):
  """Install ``lu.extra`` into ``cluster`` (no configuration write)."""
  for msg in lu.extra_warnings:
    lu.LogWarning(msg)
  for (attr, value) in lu.extra.items():
    setattr(cluster, attr, value)
