"""gnt-cluster: cluster-wide administration."""


from ganeti import cli
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import ssconf
from ganeti import uidpool
from ganeti import utils
from ganeti.cli import (ToStdout, ToStderr, SubmitOpCode, GetClient)
from ganeti.client import gnt_cluster_watcher
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.client import gnt_cluster_master
from ganeti.client import gnt_cluster_admin
from ganeti.client import gnt_cluster_crypto
from ganeti.client import gnt_cluster_epo


def InitCluster(opts, args):
  """Initialise a new cluster with this node as master."""
  enabled_hvs = (opts.enabled_hypervisors.split(",")
                 if opts.enabled_hypervisors else None)
  templates = (opts.enabled_disk_templates.split(",")
               if opts.enabled_disk_templates else None)
  hvparams = dict(opts.hvparams or [])
  from ganeti import bootstrap  # pylint: disable=C0415
  bootstrap.InitCluster(
    cluster_name=args[0], mac_prefix=opts.mac_prefix,
    master_netmask=opts.master_netmask, master_netdev=opts.master_netdev,
    file_storage_dir=opts.file_storage_dir,
    shared_file_storage_dir=opts.shared_file_storage_dir,
    enabled_hypervisors=enabled_hvs, hvparams=hvparams,
    beparams=opts.beparams, nicparams=opts.nicparams,
    ndparams=opts.ndparams, candidate_pool_size=opts.candidate_pool_size,
    modify_etc_hosts=opts.modify_etc_hosts,
    maintain_node_health=opts.maintain_node_health,
    default_iallocator=opts.default_iallocator,
    vg_name=opts.vg_name, secondary_ip=opts.secondary_ip,
    enabled_disk_templates=templates,
    use_external_mip_script=bool(opts.use_external_mip_script))
  op = opcodes.OpClusterPostInit()
  SubmitOpCode(op, opts=opts)
  return 0


def DestroyCluster(opts, args):
  if not opts.yes_do_it:
    ToStderr("Destroying a cluster is irreversible. If you really want"
             " destroy this cluster, supply the --yes-do-it option.")
    return 1
  op = opcodes.OpClusterDestroy()
  master_uuid = SubmitOpCode(op, opts=opts)
  from ganeti import bootstrap  # pylint: disable=C0415
  bootstrap.FinalizeClusterDestroy(master_uuid)
  return 0


def ShowClusterVersion(opts, args):
  cl = GetClient()
  result = cl.QueryClusterInfo()
  ToStdout("Software version: %s", result["software_version"])
  ToStdout("Internode protocol: %s", result["protocol_version"])
  ToStdout("Configuration format: %s", result["config_version"])
  ToStdout("OS api version: %s", result["os_api_version"])
  ToStdout("Export interface: %s", result["export_version"])
  ToStdout("VCS version: %s", result["vcs_version"])
  return 0


def ShowClusterMaster(opts, args):
  ToStdout("%s", ssconf.SimpleStore().GetMasterNode())
  return 0


def MasterPing(opts, args):
  try:
    cl = GetClient()
    cl.QueryClusterInfo()
    return 0
  except Exception:  # pylint: disable=broad-except
    return 1


def _FormatGroupedParams(paramsdict, roman=False):
  ret = {}
  for (item, val) in paramsdict.items():
    if isinstance(val, dict):
      ret[item] = _FormatGroupedParams(val, roman=roman)
    else:
      ret[item] = cli.FormatParamValue(val)
  return ret


def _FormatDataCollectors(info):
  ret = {}
  for name, params in info.get("data_collectors", {}).items():
    ret[name] = {"active": str(params.get("active")),
                 "interval": "%.3fs" % (params.get("interval", 0) / 1e6)}
  return ret


def ShowClusterConfig(opts, args):
  cl = GetClient()
  result = cl.QueryClusterInfo()
  tags = utils.CommaJoin(result["tags"]) if result["tags"] else "(none)"
  reserved = utils.CommaJoin(result["reserved_lvs"]) \
    if result["reserved_lvs"] else "(none)"
  ipolicy = result["ipolicy"]
  minmax = [{"%s/%d" % (key, idx): _FormatGroupedParams(spec)
             for key, spec in sorted(mm.items())}
            for idx, mm in enumerate(ipolicy.get("minmax", []))]
  ipol = [
    ("bounds specs", [_Pairs(m) for m in minmax]),
    ("std", _FormatGroupedParams(ipolicy.get("std", {}))),
    ("allowed disk templates",
     utils.CommaJoin(ipolicy.get("disk-templates", []))),
    ("spindle-ratio", _Num(ipolicy.get("spindle-ratio"))),
    ("vcpu-ratio", _Num(ipolicy.get("vcpu-ratio"))),
  ]
  info = [
    ("Cluster name", result["name"]),
    ("Cluster UUID", result["uuid"]),
    ("Creation time", utils.FormatTime(result["ctime"])),
    ("Modification time", utils.FormatTime(result["mtime"])),
    ("Master node", result["master"]),
    ("Architecture (this node)",
     "%s (%s)" % (result["architecture"][0], result["architecture"][1])),
    ("Tags", tags),
    ("Default hypervisor", result["default_hypervisor"]),
    ("Enabled hypervisors", utils.CommaJoin(result["enabled_hypervisors"])),
    ("Hypervisor parameters", _FormatGroupedParams(result["hvparams"])),
    ("OS-specific hypervisor parameters",
     _FormatGroupedParams(result["os_hvp"])),
    ("OS parameters", _FormatGroupedParams(result["osparams"])),
    ("Hidden OSes", utils.CommaJoin(result["hidden_os"])),
    ("Blacklisted OSes", utils.CommaJoin(result["blacklisted_os"])),
    ("Cluster parameters", [
      ("candidate pool size", str(result["candidate_pool_size"])),
      ("maximal number of jobs running simultaneously",
       str(result["max_running_jobs"])),
      ("maximal number of jobs simultaneously tracked by the scheduler",
       str(result["max_tracked_jobs"])),
      ("mac prefix", result["mac_prefix"]),
      ("master netdev", result["master_netdev"]),
      ("master netmask", str(result["master_netmask"])),
      ("use external master IP address setup script",
       str(result["use_external_mip_script"])),
      ("lvm volume group", str(result["volume_group_name"])),
      ("lvm reserved volumes", reserved),
      ("drbd usermode helper", str(result["drbd_usermode_helper"])),
      ("file storage path", result["file_storage_dir"]),
      ("shared file storage path", result["shared_file_storage_dir"]),
      ("gluster storage path", result["gluster_storage_dir"]),
      ("maintenance of node health", str(result["maintain_node_health"])),
      ("uid pool", uidpool.FormatUidPool(result["uid_pool"])),
      ("default instance allocator", result["default_iallocator"]),
      ("default instance allocator parameters",
       _FormatGroupedParams(result["default_iallocator_params"])),
      ("primary ip version", str(result["primary_ip_version"])),
      ("preallocation wipe disks", str(result["prealloc_wipe_disks"])),
      ("OS search path", utils.CommaJoin(result["os_search_path"])),
      ("ExtStorage Providers search path",
       utils.CommaJoin(result["es_search_path"])),
      ("enabled disk templates",
       utils.CommaJoin(result["enabled_disk_templates"])),
      ("install image", result["install_image"]),
      ("instance communication network",
       result["instance_communication_network"]),
      ("zeroing image", result["zeroing_image"]),
      ("compression tools", result["compression_tools"]),
      ("enabled user shutdown", str(result["enabled_user_shutdown"])),
      ("modify ssh setup", str(result["modify_ssh_setup"])),
      ("ssh_key_type", result["ssh_key_type"]),
      ("ssh_key_bits", str(result["ssh_key_bits"])),
    ]),
    ("Default node parameters", _FormatGroupedParams(result["ndparams"])),
    ("Default instance parameters",
     _FormatGroupedParams(result["beparams"])),
    ("Default nic parameters", _FormatGroupedParams(result["nicparams"])),
    ("Default disk parameters", _FormatGroupedParams(result["diskparams"])),
    ("Instance policy - limits for instances", ipol),
    ("Data collectors", _FormatDataCollectors(result)),
  ]
  cli.PrintGenericInfo(info)
  return 0


def _Pairs(d):
  return sorted(d.items())


def _Num(value):
  if isinstance(value, float) and value == int(value):
    return str(int(value))
  return str(value)


def VerifyCluster(opts, args):
  skip_checks = []
  if opts.skip_nplusone_mem:
    skip_checks.append("nplusone_mem")
  cl = GetClient()
  op = opcodes.OpClusterVerify(verbose=opts.verbose,
                               error_codes=opts.error_codes,
                               debug_simulate_errors=opts.simulate_errors,
                               skip_checks=skip_checks,
                               ignore_errors=opts.ignore_errors,
                               group_name=opts.nodegroup)
  result = SubmitOpCode(op, cl=cl, opts=opts)
  jex = cli.JobExecutor(cl=cl, opts=opts)
  for (status, job_id) in result["jobs"]:
    jex.AddJobId(None, status, job_id)
  results = jex.GetResults()
  bad_jobs = sum(1 for (job_success, _) in results if not job_success)
  bad_results = sum(1 for (_, op_res) in results
                    if not (op_res and op_res[0]))
  if bad_jobs == 0 and bad_results == 0:
    return constants.EXIT_SUCCESS
  return constants.EXIT_FAILURE


def VerifyDisks(opts, args):
  cl = GetClient()
  op = opcodes.OpClusterVerifyDisks(group_name=opts.nodegroup)
  result = SubmitOpCode(op, cl=cl, opts=opts)
  jex = cli.JobExecutor(cl=cl, opts=opts)
  for (status, job_id) in result["jobs"]:
    jex.AddJobId(None, status, job_id)
  retcode = constants.EXIT_SUCCESS
  for (status, result) in jex.GetResults():
    if not status:
      ToStdout("Job failed: %s", result)
      retcode = constants.EXIT_FAILURE
      continue
    ((bad_nodes, instances, missing), ) = result
    for node, text in bad_nodes.items():
      ToStdout("Error gathering data on node %s: %s", node,
               utils.SafeEncode(text[-400:]))
      retcode = constants.EXIT_FAILURE
      ToStdout("You need to fix these nodes first before fixing instances")
    for iname in instances:
      if iname in missing:
        continue
      op = opcodes.OpInstanceActivateDisks(instance_name=iname)
      try:
        ToStdout("Activating disks for instance '%s'", iname)
        SubmitOpCode(op, opts=opts, cl=cl)
      except errors.GenericError as err:
        (nret, msg) = cli.FormatError(err)
        retcode |= nret
        ToStderr("Error activating disks for instance %s: %s", iname, msg)
    if missing:
      for (iname, ival) in missing.items():
        if all(node in bad_nodes for (node, _) in ival):
          ToStdout("Instance %s cannot be verified as it lives on broken"
                   " nodes", iname)
          continue
        ToStdout("Instance %s has missing logical volumes:", iname)
        for (node, vol) in sorted(ival):
          if node in bad_nodes:
            ToStdout("\tbroken node %s /dev/%s", node, vol)
          else:
            ToStdout("\t%s /dev/%s", node, vol)
      ToStdout("You need to replace or recreate disks for all the above"
               " instances if this message persists after fixing broken"
               " nodes.")
      retcode = constants.EXIT_FAILURE
    elif not instances:
      ToStdout("No disks need to be activated.")
  return retcode


def QueueOps(opts, args):
  command = args[0]
  cl = GetClient()
  if command in ("drain", "undrain"):
    cl.SetQueueDrainFlag(command == "drain")
  elif command == "info":
    (drained, ) = cl.QueryConfigValues(["drain_flag"])
    ToStdout("The drain flag is %s", "set" if drained else "unset")
  else:
    ToStderr("Command queue: Unknown operation '%s'", command)
    return 1
  return 0


def SearchTags(opts, args):
  op = opcodes.OpTagsSearch(pattern=args[0])
  result = SubmitOpCode(op, opts=opts)
  for path, tag in sorted(result):
    ToStdout("%s %s", path, tag)
  return 0 if result else 1


# Options shared by init and modify
_ENABLED_HV_OPT = cli_option(
  "--enabled-hypervisors", dest="enabled_hypervisors", default=None,
  help="Comma-separated list of hypervisors")
_HVLIST_OPT = cli_option(
  "-H", "--hypervisor-parameters", dest="hvparams", default=[],
  action="append", type="identkeyval",
  help="Hypervisor and hypervisor options")
_CP_SIZE_OPT = cli_option(
  "-C", "--candidate-pool-size", dest="candidate_pool_size", type="int",
  default=None, help="Master candidate pool size")
_MAC_PREFIX_OPT = cli_option(
  "-m", "--mac-prefix", dest="mac_prefix", default=None,
  help="Three byte MAC prefix")
_DEFAULT_IALLOCATOR_OPT = cli_option(
  "-I", "--default-iallocator", dest="default_iallocator", default=None,
  help="Default instance allocator")
_ENABLED_DISK_TEMPLATES_OPT = cli_option(
  "--enabled-disk-templates", dest="enabled_disk_templates", default=None,
  help="Comma-separated list of disk templates")

_INIT_OPTS = [
  _ENABLED_HV_OPT,
  _ENABLED_DISK_TEMPLATES_OPT,
  _HVLIST_OPT,
  BACKEND_OPT,
  NIC_PARAMS_OPT,
  NODE_PARAMS_OPT,
  _CP_SIZE_OPT,
  _MAC_PREFIX_OPT,
  cli_option("--master-netdev", dest="master_netdev", default=None,
             help="Master network device"),
  cli_option("--master-netmask", dest="master_netmask", type="int",
             default=None, help="Master IP netmask (CIDR length)"),
  cli_option("--file-storage-dir", dest="file_storage_dir", default=None,
             help="Directory for file-based instance disks"),
  cli_option("--shared-file-storage-dir", dest="shared_file_storage_dir",
             default=None, help="Directory for shared file disks"),
  cli_option("--no-etc-hosts", dest="modify_etc_hosts", default=True,
             action="store_false", help="Don't modify /etc/hosts"),
  cli_option("--no-ssh-init", dest="modify_ssh_setup", default=True,
             action="store_false", help="Don't initialize SSH keys"),
  cli_option("--maintain-node-health", dest="maintain_node_health",
             type="bool", default=False, metavar="yes|no",
             help="Configure the cluster to automatically maintain node"
             " health"),
  _DEFAULT_IALLOCATOR_OPT,
  cli_option("--vg-name", dest="vg_name", default=None,
             help="LVM volume group"),
  SECONDARY_IP_OPT,
  gnt_cluster_master.USE_EXTERNAL_MIP_SCRIPT_OPT,
]
_MODIFY_OPTS = [
  FORCE_OPT,
  _ENABLED_HV_OPT,
  _ENABLED_DISK_TEMPLATES_OPT,
  _HVLIST_OPT,
  BACKEND_OPT,
  NIC_PARAMS_OPT,
  NODE_PARAMS_OPT,
  _CP_SIZE_OPT,
  cli_option("--max-running-jobs", dest="max_running_jobs", type="int",
             default=None,
             help="The maximal number of jobs running in parallel"),
  cli_option("--max-tracked-jobs", dest="max_tracked_jobs", type="int",
             default=None,
             help="The maximal number of jobs tracked by the scheduler"),
  _MAC_PREFIX_OPT,
  cli_option("--maintain-node-health", dest="maintain_node_health",
             type="bool", default=None, metavar="yes|no",
             help="Configure the cluster to automatically maintain node"
             " health"),
  cli_option("--prealloc-wipe-disks", dest="prealloc_wipe_disks",
             type="bool", default=None, metavar="yes|no",
             help="Wipe disks prior to instance creation"),
  cli_option("--modify-etc-hosts", dest="modify_etc_hosts", type="bool",
             default=None, metavar="yes|no",
             help="Whether the cluster manages /etc/hosts"),
  _DEFAULT_IALLOCATOR_OPT,
  DRY_RUN_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT,
] + gnt_cluster_admin.MODIFY_EXTRA_OPTS
(ListTags, AddTags, RemoveTags) = cli.TagCommands(constants.TAG_CLUSTER)

commands = {
  "init": (InitCluster, [ArgHost(min=1, max=1)], _INIT_OPTS,
           "[opts...] <cluster_name>", "Initialises a new cluster"),
  "destroy": (DestroyCluster, ARGS_NONE, [YES_DOIT_OPT], "",
              "Destroy cluster"),
  "version": (ShowClusterVersion, ARGS_NONE, [], "",
              "Show the cluster version"),
  "getmaster": (ShowClusterMaster, ARGS_NONE, [], "",
                "Show the master node name"),
  "master-ping": (MasterPing, ARGS_NONE, [], "",
                  "Check whether the master daemon answers"),
  "modify": (gnt_cluster_admin.SetClusterParams, ARGS_NONE, _MODIFY_OPTS,
             "[opts...]",
             "Alters the parameters of the cluster"),
  "info": (ShowClusterConfig, ARGS_NONE, [ROMAN_OPT], "[--roman]",
           "Show cluster configuration"),
  "verify": (VerifyCluster, ARGS_NONE,
             [VERBOSE_OPT, cli_option("--debug-simulate-errors",
                                      dest="simulate_errors", default=False,
                                      action="store_true",
                                      help="Simulate errors"),
              ERROR_CODES_OPT, NONPLUS1_OPT, DRY_RUN_OPT, PRIORITY_OPT,
              NODEGROUP_OPT, IGNORE_ERRORS_OPT],
             "", "Does a check on the cluster configuration"),
  "verify-disks": (VerifyDisks, ARGS_NONE, [PRIORITY_OPT, NODEGROUP_OPT],
                   "", "Does a check on the cluster disk status"),
  "queue": (QueueOps, [ArgChoice(min=1, max=1,
                                 choices=["drain", "undrain", "info"])],
            [], "drain|undrain|info", "Change queue properties"),
  "list-tags": (ListTags, ARGS_NONE, [], "", "List the tags of the cluster"),
  "add-tags": (AddTags, [ArgUnknown()], [TAG_SRC_OPT, PRIORITY_OPT,
                                         SUBMIT_OPT, PRINT_JOBID_OPT],
               "tag...", "Add tags to the cluster"),
  "remove-tags": (RemoveTags, [ArgUnknown()], [TAG_SRC_OPT, PRIORITY_OPT,
                                               SUBMIT_OPT, PRINT_JOBID_OPT],
                  "tag...", "Remove tags from the cluster"),
  "search-tags": (SearchTags, [ArgUnknown(min=1, max=1)], [PRIORITY_OPT],
                  "", "Searches the tags on all objects on the cluster for"
                  " a given pattern (regex)"),
  # master role (ganeti.client.gnt_cluster_master)
  "master-failover": gnt_cluster_master.COMMANDS["master-failover"],
  "redist-conf": gnt_cluster_master.COMMANDS["redist-conf"],
  "activate-master-ip": gnt_cluster_master.COMMANDS["activate-master-ip"],
  "deactivate-master-ip":
    gnt_cluster_master.COMMANDS["deactivate-master-ip"],
  "rename": (gnt_cluster_admin.RenameCluster, [ArgHost(min=1, max=1)],
             gnt_cluster_admin.RENAME_OPTS, "<new_name>",
             "Renames the cluster"),
  "renew-crypto": (gnt_cluster_crypto.RenewCrypto, ARGS_NONE,
                   gnt_cluster_crypto.RENEW_CRYPTO_OPTS, "[opts...]",
                   "Renews cluster certificates, keys and secrets"),
  "repair-disk-sizes": (gnt_cluster_admin.RepairDiskSizes,
                        [ArgInstance()], gnt_cluster_admin.REPAIR_OPTS,
                        "[<instance-name>...]",
                        "Updates mismatches in recorded disk sizes"),
  "epo": (gnt_cluster_epo.Epo, [ArgUnknown()], gnt_cluster_epo.EPO_OPTS,
          "[opts...] [args]", "Performs an emergency power-off on given"
          " args"),
  "watcher": gnt_cluster_watcher.COMMAND,
}
# sshnode: command and copyfile (over SSH), at the end of the table
from ganeti.client import gnt_cluster_ssh  # noqa: E402
commands.update(gnt_cluster_ssh.COMMANDS)

aliases = {"show": "info", "masterfailover": "master-failover"}


def Main():
  return cli.GenericMain(commands, aliases=aliases)


