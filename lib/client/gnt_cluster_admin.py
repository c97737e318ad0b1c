"""gnt-cluster modify, rename, renew-crypto, repair-disk-sizes and epo.

The option tables and command functions live here; gnt_cluster.py lists
them in its ``commands`` table.
"""


from ganeti import cli
from ganeti import errors
from ganeti import opcodes
from ganeti import uidpool
from ganeti.cli import ToStdout, ToStderr, SubmitOpCode, GetClient
from ganeti.cli_ipolicy import IPOLICY_OPTS, IPolicyFromOpts
from ganeti.cli_opts import (cli_option, FORCE_OPT, DRY_RUN_OPT, PRIORITY_OPT,
                             DISK_PARAMS_OPT)
from ganeti.client.gnt_cluster_master import USE_EXTERNAL_MIP_SCRIPT_OPT

# Options of modify not shared with init ---------------------------------
MODIFY_EXTRA_OPTS = [
  cli_option("--vg-name", dest="vg_name", default=None,
             help="Specify the volume group name (an empty string"
             " disables it)"),
  cli_option("--drbd-usermode-helper", dest="drbd_helper", default=None,
             help="Specify a DRBD usermode helper (an empty string"
             " disables it)"),
  cli_option("--uid-pool", dest="uid_pool", default=None,
             help="A list of user-ids or user-id ranges separated by"
             " commas"),
  cli_option("--add-uids", dest="add_uids", default=None,
             help="A list of user-ids or user-id ranges separated by"
             " commas, to be added to the user-id pool"),
  cli_option("--remove-uids", dest="remove_uids", default=None,
             help="A list of user-ids or user-id ranges separated by"
             " commas, to be removed from the user-id pool"),
  cli_option("--reserved-lvs", dest="reserved_lvs", default=None,
             help="A comma-separated list of reserved logical volumes"
             " names, that will be ignored by cluster verify"),
  cli_option("--master-netdev", dest="master_netdev", default=None,
             help="Specify the node interface (cluster-wide) on which the"
             " master IP address will be added"),
  cli_option("--master-netmask", dest="master_netmask", type="int",
             default=None, metavar="NETMASK",
             help="Specify the netmask of the master IP"),
  USE_EXTERNAL_MIP_SCRIPT_OPT,
  cli_option("--file-storage-dir", dest="file_storage_dir", default=None,
             help="Specify the default directory (cluster-wide) for"
             " storing the file-based disks"),
  cli_option("--shared-file-storage-dir", dest="shared_file_storage_dir",
             default=None, help="Specify the default directory"
             " (cluster-wide) for storing the shared file-based disks"),
  DISK_PARAMS_OPT,
  cli_option("--hypervisor-state", dest="hv_state", default=[],
             action="append", type="identkeyval",
             help="Specify hypervisor state information"),
  cli_option("--disk-state", dest="disk_state", default=[],
             action="append", type="identkeyval",
             help="Specify disk state information"),
  cli_option("--user-shutdown", dest="enabled_user_shutdown", type="bool",
             default=None, metavar="yes|no",
             help="Whether user shutdown is enabled"),
  cli_option("--install-image", dest="install_image", default=None,
             help="The OS image to use for running the OS scripts safely"),
  cli_option("--zeroing-image", dest="zeroing_image", default=None,
             help="The OS image to use to zero instance disks"),
  cli_option("--instance-communication-network",
             dest="instance_communication_network", default=None,
             help="Set the network name for instance communication"),
  cli_option("--compression-tools", dest="compression_tools", type="list",
             default=None,
             help="Enabled compression tools for instance transfer"),
  cli_option("--default-iallocator-params",
             dest="default_iallocator_params", type="keyval", default={},
             help="Default parameters of the default instance allocator"),
  cli_option("--enabled-data-collectors", dest="enabled_data_collectors",
             type="keyval", default={},
             help="Deactivate or reactivate data collectors"
             " (collector=bool,...)"),
  cli_option("--data-collector-interval", dest="data_collector_interval",
             type="keyval", default={},
             help="Set the interval of data collectors in seconds"
             " (collector=seconds,...)"),
] + IPOLICY_OPTS


def _ParseUids(value):
  return None if value is None else uidpool.ParseUidPool(value)


def _BoolValue(name, value):
  if isinstance(value, bool):
    return value
  low = str(value).lower()
  if low in ("true", "yes", "1", "on"):
    return True
  if low in ("false", "no", "0", "off"):
    return False
  raise errors.OpPrereqError("Invalid value '%s' for data collector %s:"
                             " expected a boolean" % (value, name),
                             errors.ECODE_INVAL)


def _Intervals(values):
  result = {}
  for (name, secs) in values.items():
    try:
      result[name] = int(float(secs) * 1000000)
    except (TypeError, ValueError):
      raise errors.OpPrereqError("Invalid interval '%s' for data collector"
                                 " %s: expected seconds" % (secs, name),
                                 errors.ECODE_INVAL)
  return result


def _Groups(items, what):
  """identkeyval list -> dict; a ``no_``/``-`` prefix is refused."""
  result = {}
  for (ident, params) in items or []:
    if not isinstance(params, dict):
      raise errors.OpPrereqError("Cannot remove the %s of %s here" %
                                 (what, ident), errors.ECODE_INVAL)
    result[ident] = params
  return result or None


def _DiskState(items):
  """``type/name:key=val`` -> {type: {name: {key: val}}}."""
  flat = _Groups(items, "disk state")
  if not flat:
    return None
  result = {}
  for (key, params) in flat.items():
    if "/" not in key:
      raise errors.OpPrereqError("Invalid disk state '%s': expected"
                                 " storage-type/name" % key,
                                 errors.ECODE_INVAL)
    (stype, name) = key.split("/", 1)
    result.setdefault(stype, {})[name] = params
  return result


def SetClusterParams(opts, args):
  """Change cluster-wide parameters (OP_CLUSTER_SET_PARAMS)."""
  hvlist = None
  if opts.enabled_hypervisors is not None:
    hvlist = [hv for hv in opts.enabled_hypervisors.split(",") if hv]
  hvparams = dict(opts.hvparams) if opts.hvparams else None
  for (hv_name, hv_params) in (hvparams or {}).items():
    if not isinstance(hv_params, dict):
      ToStderr("Cannot remove the parameters of hypervisor %s", hv_name)
      return 1
  current_ipolicy = None
  if any(getattr(opts, o.dest, None) for o in IPOLICY_OPTS
         if o.dest.startswith("ispecs_")):
    current_ipolicy = GetClient().QueryClusterInfo()["ipolicy"]
  reserved_lvs = None
  if opts.reserved_lvs is not None:
    reserved_lvs = [lv for lv in opts.reserved_lvs.split(",") if lv]
  op = opcodes.OpClusterSetParams(
    force=opts.force,
    enabled_hypervisors=hvlist,
    hvparams=hvparams,
    beparams=opts.beparams or None,
    nicparams=opts.nicparams or None,
    ndparams=opts.ndparams or None,
    diskparams=_Groups(opts.diskparams, "disk parameters"),
    candidate_pool_size=opts.candidate_pool_size,
    max_running_jobs=opts.max_running_jobs,
    max_tracked_jobs=opts.max_tracked_jobs,
    mac_prefix=opts.mac_prefix,
    maintain_node_health=opts.maintain_node_health,
    prealloc_wipe_disks=opts.prealloc_wipe_disks,
    modify_etc_hosts=opts.modify_etc_hosts,
    default_iallocator=opts.default_iallocator,
    default_iallocator_params=opts.default_iallocator_params or None,
    enabled_disk_templates=(
      [t for t in opts.enabled_disk_templates.split(",") if t]
      if opts.enabled_disk_templates is not None else None),
    vg_name=opts.vg_name,
    drbd_helper=opts.drbd_helper,
    uid_pool=_ParseUids(opts.uid_pool),
    add_uids=_ParseUids(opts.add_uids),
    remove_uids=_ParseUids(opts.remove_uids),
    reserved_lvs=reserved_lvs,
    master_netdev=opts.master_netdev,
    master_netmask=opts.master_netmask,
    use_external_mip_script=opts.use_external_mip_script,
    file_storage_dir=opts.file_storage_dir,
    shared_file_storage_dir=opts.shared_file_storage_dir,
    hv_state=_Groups(opts.hv_state, "hypervisor state"),
    disk_state=_DiskState(opts.disk_state),
    ipolicy=IPolicyFromOpts(opts, current_ipolicy),
    enabled_user_shutdown=opts.enabled_user_shutdown,
    install_image=opts.install_image,
    zeroing_image=opts.zeroing_image,
    instance_communication_network=opts.instance_communication_network,
    compression_tools=opts.compression_tools,
    enabled_data_collectors=dict(
      (k, _BoolValue(k, v))
      for (k, v) in opts.enabled_data_collectors.items()) or None,
    data_collector_interval=_Intervals(opts.data_collector_interval) or None,
  )
  ignored = set(p[0] for p in opcodes.BASE_PARAMS) | set(["force"])
  if all(getattr(op, name, None) is None
         for (name, _, _, _) in op.GetAllParams() if name not in ignored):
    ToStderr("Please give at least one of the parameters.")
    return 1
  cli.SubmitOrSend(op, opts)
  return 0


# rename -----------------------------------------------------------------
def RenameCluster(opts, args):
  """Rename the cluster (OP_CLUSTER_RENAME), after confirmation."""
  cl = GetClient()
  (cluster_name, ) = cl.QueryConfigValues(["cluster_name"])
  new_name = args[0]
  if not opts.force:
    usertext = ("This will rename the cluster from '%s' to '%s'. If you are"
                " connected over the network to the cluster name, the"
                " operation is very dangerous as the IP address will be"
                " removed from the node and the change may not go through."
                " Continue?" % (cluster_name, new_name))
    if not cli.AskUser(usertext):
      return 1
  op = opcodes.OpClusterRename(name=new_name)
  result = SubmitOpCode(op, opts=opts, cl=cl)
  if result:
    ToStdout("Cluster renamed from '%s' to '%s'", cluster_name, result)
  return 0


RENAME_OPTS = [FORCE_OPT, DRY_RUN_OPT]


# repair-disk-sizes ------------------------------------------------------
def RepairDiskSizes(opts, args):
  """Fix the recorded disk sizes (OP_CLUSTER_REPAIR_DISK_SIZES)."""
  op = opcodes.OpClusterRepairDiskSizes(instances=args)
  SubmitOpCode(op, opts=opts)
  return 0


REPAIR_OPTS = [DRY_RUN_OPT, PRIORITY_OPT]
