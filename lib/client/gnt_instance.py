"""gnt-instance: instance administration."""

import shlex
import subprocess

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import ssh
from ganeti import utils
from ganeti.cli import (ToStdout, ToStderr, SubmitOrSend, GetClient,
                        PrintGenericInfo, FormatParamsDictInfo)
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.client import disk_args
from ganeti.client import gnt_instance_group
from ganeti.client import gnt_instance_move
from ganeti.client import gnt_instance_disks
from ganeti.client import instance_disk_info

_LIST_DEF_FIELDS = ["name", "hypervisor", "os", "pnode", "status",
                    "oper_ram"]


def _ParseDisks(opts):
  if opts.disks and opts.sd_size is not None:
    raise errors.OpPrereqError("Please use either the '--disk' or '-s'"
                               " option", errors.ECODE_INVAL)
  if opts.sd_size is not None:
    return [{constants.IDISK_SIZE: opts.sd_size}]
  disks = []
  for (didx, ddict) in opts.disks:
    try:
      didx = int(didx)
    except ValueError:
      raise errors.OpPrereqError("Invalid disk index passed: %s" % didx,
                                 errors.ECODE_INVAL)
    if not isinstance(ddict, dict):
      raise errors.OpPrereqError("Invalid disk specification for disk %d" %
                                 didx, errors.ECODE_INVAL)
    ddict = dict(ddict)
    if constants.IDISK_ADOPT in ddict:
      if constants.IDISK_SIZE in ddict:
        raise errors.OpPrereqError("Only one of 'size' and 'adopt' allowed"
                                   " for disk %d" % didx, errors.ECODE_INVAL)
      ddict[constants.IDISK_SIZE] = 0
    else:
      disk_args.ParseDiskSizeParam(ddict, index=didx)
    while len(disks) <= didx:
      disks.append(None)
    disks[didx] = ddict
  if None in disks:
    raise errors.OpPrereqError("Missing disk definitions",
                               errors.ECODE_INVAL)
  return disks


def _ParseNics(opts):
  if opts.no_nics:
    if opts.nics:
      raise errors.OpPrereqError("Cannot specify both --no-nics and --net",
                                 errors.ECODE_INVAL)
    return []
  if not opts.nics:
    return [{}]
  nics = []
  for (nidx, ndict) in opts.nics:
    try:
      nidx = int(nidx)
    except ValueError:
      raise errors.OpPrereqError("Invalid NIC index passed: %s" % nidx,
                                 errors.ECODE_INVAL)
    while len(nics) <= nidx:
      nics.append({})
    nics[nidx] = dict(ndict or {})
  return nics


def ParseBeparams(beparams):
  """The -B values with sizes and numbers converted (Ganeti's client)."""
  beparams = dict(beparams)
  for key in (constants.BE_MAXMEM, constants.BE_MINMEM, constants.BE_MEMORY):
    if key in beparams:
      beparams[key] = utils.ParseUnit(beparams[key])
  for key in (constants.BE_VCPUS, constants.BE_SPINDLE_USE):
    if key in beparams:
      try:
        beparams[key] = int(beparams[key])
      except ValueError:
        raise errors.OpPrereqError("Invalid value for backend parameter"
                                   " '%s'" % key, errors.ECODE_INVAL)
  return beparams


def AddInstance(opts, args):
  instance = args[0]
  if opts.disk_template == constants.DT_DISKLESS:
    if opts.disks or opts.sd_size is not None:
      raise errors.OpPrereqError("Diskless instance but disk information"
                                 " passed", errors.ECODE_INVAL)
    disks = []
  else:
    if not opts.disks and opts.sd_size is None:
      raise errors.OpPrereqError("No disk information specified",
                                 errors.ECODE_INVAL)
    disks = _ParseDisks(opts)
  pnode = snode = None
  if opts.node:
    pnode, _, snode = opts.node.partition(":")
    snode = snode or None
  hypervisor = None
  hvparams = {}
  if opts.hypervisor:
    hypervisor, hvparams = opts.hypervisor
  beparams = ParseBeparams(opts.beparams)
  op = opcodes.OpInstanceCreate(
    instance_name=instance, disks=disks, disk_template=opts.disk_template,
    nics=_ParseNics(opts), conflicts_check=opts.conflicts_check,
    pnode=pnode, snode=snode, ip_check=opts.ip_check,
    name_check=opts.name_check, wait_for_sync=opts.wait_for_sync,
    file_storage_dir=opts.file_storage_dir, file_driver=opts.file_driver,
    iallocator=opts.iallocator, hypervisor=hypervisor, hvparams=hvparams,
    beparams=beparams, osparams=opts.osparams, mode=constants.INSTANCE_CREATE,
    osparams_private=opts.osparams_private,
    osparams_secret=opts.osparams_secret,
    os_type=opts.os, force_variant=opts.force_variant,
    start=opts.start, no_install=opts.no_install,
    identify_defaults=False, ignore_ipolicy=opts.ignore_ipolicy,
    tags=list(opts.tags.split(",")) if opts.tags else [])
  SubmitOrSend(op, opts)
  return 0


def ListInstances(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  return cli_query.GenericList(
    "instance", selected, args, opts.units, opts.separator,
    not opts.no_headers, cl=GetClient(),
    format_override=cli_query.INSTANCE_LIST_OVERRIDE, verbose=opts.verbose,
    force_filter=opts.force_filter)


def ListInstanceFields(opts, args):
  return cli_query.GenericListFields("instance", args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def _ExpandMultiNames(opts, args, cl):
  """The instances selected by name (default) — every one must exist."""
  if not args:
    raise errors.OpPrereqError("No instance names passed",
                               errors.ECODE_INVAL)
  result = cl.QueryInstances(args, ["name"], False)
  return [row[0] for row in result]


def GenericManyOps(operation, fn):
  """Run ``fn(name, opts)`` → opcode for each selected instance."""
  def realfn(opts, args):
    cl = GetClient()
    inames = _ExpandMultiNames(opts, args, cl)
    multi_on = len(inames) > 1
    jex = cli.JobExecutor(verbose=multi_on, cl=cl, opts=opts)
    for name in inames:
      op = fn(name, opts)
      jex.QueueJob(name, op)
    results = jex.WaitOrShow(not opts.submit_only)
    if all(status for (status, _) in results):
      return constants.EXIT_SUCCESS
    return constants.EXIT_FAILURE
  return realfn


def _StartupOp(name, opts):
  return opcodes.OpInstanceStartup(instance_name=name, force=opts.force,
                                   ignore_offline_nodes=opts.ignore_offline,
                                   no_remember=opts.no_remember,
                                   startup_paused=opts.startup_paused)


def _ShutdownOp(name, opts):
  return opcodes.OpInstanceShutdown(instance_name=name, force=opts.force,
                                    timeout=opts.timeout,
                                    ignore_offline_nodes=opts.ignore_offline,
                                    no_remember=opts.no_remember)


def _RebootOp(name, opts):
  return opcodes.OpInstanceReboot(instance_name=name,
                                  reboot_type=opts.reboot_type,
                                  ignore_secondaries=opts.ignore_secondaries,
                                  shutdown_timeout=opts.shutdown_timeout)


def _EnsureInstancesExist(client, names):
  """Fail unless all the named instances exist."""
  result = client.QueryInstances(names, ["name"], False)
  for orig_name, row in zip(names, result):
    if row[0] is None:
      raise errors.OpPrereqError("Instance '%s' does not exist" % orig_name,
                                 errors.ECODE_NOENT)


def RemoveInstance(opts, args):
  instance_name = args[0]
  force = opts.force
  cl = GetClient()
  if not force:
    _EnsureInstancesExist(cl, [instance_name])
    usertext = ("This will remove the volumes of the instance %s"
                " (including mirrors), thus removing all the data"
                " of the instance. Continue?") % instance_name
    if not cli.AskUser(usertext):
      return 1
  op = opcodes.OpInstanceRemove(instance_name=instance_name,
                                ignore_failures=opts.ignore_failures,
                                shutdown_timeout=opts.shutdown_timeout)
  SubmitOrSend(op, opts, cl=cl)
  return 0


def ReinstallInstance(opts, args):
  """Reinstall the OS of instances (one job each)."""
  cl = GetClient()
  inames = _ExpandMultiNames(opts, args, cl)
  if opts.os is not None:
    os_msg = "change the OS to '%s'" % opts.os
  else:
    os_msg = "keep the same OS"
  multi_on = len(inames) > 1
  if multi_on:
    if not opts.force_multi:
      usertext = ("Note: this will remove *all* data for the below"
                  " instances! It will %s.\nThe reinstall will operate on"
                  " %d instances.\n%s\nDo you want to continue?" %
                  (os_msg, len(inames),
                   "\n".join("  %s" % name for name in inames)))
      if not cli.AskUser(usertext):
        return 1
  elif not (opts.force or opts.force_multi):
    usertext = ("This will reinstall the instance '%s' (and %s) which"
                " removes all data. Continue?") % (inames[0], os_msg)
    if not cli.AskUser(usertext):
      return 1
  jex = cli.JobExecutor(verbose=multi_on, cl=cl, opts=opts)
  for name in inames:
    op = opcodes.OpInstanceReinstall(instance_name=name, os_type=opts.os,
                                     force_variant=opts.force_variant,
                                     osparams=opts.osparams,
                                     osparams_private=opts.osparams_private,
                                     osparams_secret=opts.osparams_secret)
    jex.QueueJob(name, op)
  results = jex.WaitOrShow(not opts.submit_only)
  if all(status for (status, _) in results):
    return constants.EXIT_SUCCESS
  return constants.EXIT_FAILURE


def RenameInstance(opts, args):
  op = opcodes.OpInstanceRename(instance_name=args[0], new_name=args[1],
                                ip_check=opts.ip_check,
                                name_check=opts.name_check)
  result = SubmitOrSend(op, opts)
  if result:
    ToStdout("Instance '%s' renamed to '%s'", args[0], result)
  return 0


def ActivateDisks(opts, args):
  op = opcodes.OpInstanceActivateDisks(instance_name=args[0],
                                       ignore_size=opts.ignore_size,
                                       wait_for_sync=opts.wait_for_sync)
  disks_info = SubmitOrSend(op, opts)
  for (host, iname, nname) in disks_info or []:
    ToStdout("%s:%s:%s", host, iname, nname)
  return 0


def DeactivateDisks(opts, args):
  op = opcodes.OpInstanceDeactivateDisks(instance_name=args[0],
                                         force=opts.force)
  SubmitOrSend(op, opts)
  return 0


def ConnectToInstanceConsole(opts, args):
  """Print (or, for the message kind, show) the instance's console."""
  op = opcodes.OpInstanceConsole(instance_name=args[0])
  console = cli.SubmitOpCode(op, opts=opts)
  kind = console.get("kind")
  if kind == constants.CONS_MESSAGE:
    ToStdout("%s", console["message"])
  elif kind == constants.CONS_VNC:
    ToStdout("Instance %s has VNC listening on %s:%s (display %s),"
             " URL <vnc://%s:%s/>", console["instance"], console["host"],
             console["port"], console["display"], console["host"],
             console["port"])
  elif kind == constants.CONS_SPICE:
    ToStdout("Instance %s has SPICE listening on %s:%s",
             console["instance"], console["host"], console["port"])
  elif kind == constants.CONS_SSH:
    cmd = ssh.BuildInteractiveCmd(cli.GetClient().QueryConfigValues(
      ["cluster_name"])[0], console["host"], console["user"],
      console["command"])
    if opts.show_command:
      ToStdout("%s", shlex.join(cmd))
    else:
      result = subprocess.run(cmd, check=False)
      if result.returncode != 0:
        raise errors.OpExecError("Connection to console of instance %s"
                                 " failed, exit code %s" %
                                 (console["instance"], result.returncode))
  else:
    raise errors.OpExecError("Console kind '%s' is not supported by this"
                             " client" % kind)
  return constants.EXIT_SUCCESS


def ShowInstanceConfig(opts, args):
  if not args and not opts.show_all:
    ToStderr("No instance selected. Please pass in --all if you want to"
             " query all instances.\nNote that this can take a long time"
             " on a big cluster.")
    return 1
  if args and opts.show_all:
    ToStderr("Cannot use --all if you specify instance names.")
    return 1
  op = opcodes.OpInstanceQueryData(instances=args, static=opts.static,
                                   use_locking=False)
  result = cli.SubmitOpCode(op, opts=opts)
  if not result:
    ToStdout("No instances.")
    return 1
  info = []
  for instance in result.values():
    if instance["run_state"] is None:
      run = "(node down)" if not opts.static else "unknown"
    else:
      run = instance["run_state"]
    if opts.static:
      state = "configured to be %s" % instance["config_state"]
    else:
      state = "configured to be %s, actual state is %s" % \
        (instance["config_state"], run)
    nics = []
    for idx, (name, uuid, ip, mac, mode, link, vlan, network,
              _) in enumerate(instance["nics"]):
      nics.append([
        ("nic/%d" % idx, ""), ("MAC", str(mac)), ("IP", str(ip)),
        ("mode", str(mode)), ("link", str(link)), ("vlan", str(vlan)),
        ("network", str(network)), ("UUID", str(uuid)),
        ("name", str(name))])
    disks = [instance_disk_info.FormatBlockDevInfo(idx, True, disk)
             for (idx, disk) in enumerate(instance["disks"])]
    be_actual = dict(instance["be_actual"])
    be_actual[constants.BE_MEMORY] = be_actual[constants.BE_MAXMEM]
    be_inst = dict(instance["be_instance"])
    info.append([
      ("Instance name", instance["name"]),
      ("UUID", instance["uuid"]),
      ("Serial number", str(instance["serial_no"])),
      ("Creation time", utils.FormatTime(instance["ctime"])),
      ("Modification time", utils.FormatTime(instance["mtime"])),
      ("State", state),
      ("Nodes", [
        [("primary", instance["pnode"]),
         ("group", "%s (UUID %s)" % (instance["pnode_group_name"],
                                     instance["pnode_group_uuid"]))],
        [("secondaries", ", ".join(instance["snodes"]))]]),
      ("Operating system", instance["os"]),
      ("Operating system parameters",
       FormatParamsDictInfo(instance["os_instance"],
                            instance["os_actual"])),
      ("Allocated network port", str(instance["network_port"])),
      ("Hypervisor", instance["hypervisor"]),
      ("Hypervisor parameters",
       FormatParamsDictInfo(instance["hv_instance"],
                            _HvFields(instance))),
      ("Back-end parameters", FormatParamsDictInfo(be_inst, be_actual)),
      ("NICs", nics),
      ("Disk template", instance["disk_template"]),
      ("Disks", disks),
    ])
  PrintGenericInfo(info)
  return 0


def _HvFields(instance):
  """Hypervisor parameters shown by info: those of the instance's
  hypervisor that are not cluster-wide (the fake one has none)."""
  return dict((k, v) for k, v in instance["hv_actual"].items()
              if k not in constants.HVS_GLOBAL)


_ADD_OPTS = [
  cli_option("-t", "--disk-template", dest="disk_template", default=None,
             help="Disk template (%s)" % ", ".join(
               constants.DISK_TEMPLATE_PREFERENCE)),
  DISK_OPT,
  cli_option("-s", "--os-size", dest="sd_size", type="unit", default=None,
             metavar="<size>", help="Disk size for a single-disk instance"),
  cli_option("--net", dest="nics", action="append", type="identkeyval",
             default=[], help="NIC parameters"),
  cli_option("--no-nics", dest="no_nics", default=False,
             action="store_true", help="Create an instance without NICs"),
  NODE_PLACEMENT_OPT,
  IALLOCATOR_OPT,
  OS_OPT,
  FORCE_VARIANT_OPT,
  BACKEND_OPT,
  cli_option("-H", "--hypervisor-parameters", dest="hypervisor",
             type="identkeyval", default=None,
             help="Hypervisor and hypervisor options"),
  OSPARAMS_OPT,
  OSPARAMS_PRIVATE_OPT, OSPARAMS_SECRET_OPT,
  cli_option("--file-storage-dir", dest="file_storage_dir", default=None,
             help="Relative path under default cluster-wide file storage"
             " dir to store file-based disks"),
  FILESTORE_DRIVER_OPT,
  cli_option("--no-start", dest="start", default=True, action="store_false",
             help="Don't start the instance after creation"),
  cli_option("--no-install", dest="no_install", default=False,
             action="store_true", help="Do not install the OS"),
  NOIPCHECK_OPT,
  IPCHECK_OPT,
  NONAMECHECK_OPT,
  NAMECHECK_OPT,
  NOCONFLICTSCHECK_OPT,
  cli_option("--no-wait-for-sync", dest="wait_for_sync", default=True,
             action="store_false", help="Don't wait for sync"),
  TAG_ADD_OPT,
  IGNORE_IPOLICY_OPT, NODEGROUP_OPT, DRY_RUN_OPT, PRIORITY_OPT, SUBMIT_OPT,
  PRINT_JOBID_OPT,
]

_MULTI_OPTS = [SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT, DRY_RUN_OPT]
(ListTags, AddTags, RemoveTags) = cli.TagCommands(constants.TAG_INSTANCE)

commands = {
  "add": (AddInstance, [ArgHost(min=1, max=1)], _ADD_OPTS,
          "[...] -t disk-type -n node[:secondary-node] -o os-type <name>",
          "Creates and adds a new instance to the cluster"),
  "list": (ListInstances, ARGS_MANY_INSTANCES,
           [NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT, VERBOSE_OPT,
            FORCE_FILTER_OPT],
           "[<instance>...]",
           "Lists the instances and their status. The available fields can"
           " be shown using the \"list-fields\" command (see the man page"
           " for details). The default field list is (in order): %s." %
           ", ".join(_LIST_DEF_FIELDS)),
  "list-fields": (ListInstanceFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[fields...]", "Lists all available fields for instances"),
  "info": (ShowInstanceConfig, ARGS_MANY_INSTANCES,
           [cli_option("-s", "--static", dest="static", action="store_true",
                       default=False, help="Only show configuration data,"
                       " not runtime data"),
            cli_option("--all", dest="show_all", default=False,
                       action="store_true", help="Show info on all"
                       " instances on the cluster")] + [ROMAN_OPT,
                                                       PRIORITY_OPT],
           "[-s] {--all | <instance>...}",
           "Show information on the specified instance(s)"),
  "remove": (RemoveInstance, ARGS_ONE_INSTANCE,
             [FORCE_OPT, SHUTDOWN_TIMEOUT_OPT,
              cli_option("--ignore-failures", dest="ignore_failures",
                         action="store_true", default=False,
                         help="Remove the instance from the cluster even if"
                         " the removal of the disks fails")] + _MULTI_OPTS,
             "[-f] <instance>", "Shuts down the instance and removes it"),
  "startup": (GenericManyOps("startup", _StartupOp), [ArgInstance()],
              [FORCE_OPT, IGNORE_OFFLINE_OPT, NO_REMEMBER_OPT,
               cli_option("--paused", dest="startup_paused",
                          action="store_true", default=False,
                          help="Pause instance at startup")] + _MULTI_OPTS,
              "<instance>", "Starts an instance"),
  "shutdown": (GenericManyOps("shutdown", _ShutdownOp), [ArgInstance()],
               [FORCE_OPT, IGNORE_OFFLINE_OPT, NO_REMEMBER_OPT,
                TIMEOUT_OPT] + _MULTI_OPTS,
               "<instance>", "Stops an instance"),
  "reboot": (GenericManyOps("reboot", _RebootOp), [ArgInstance()],
             [cli_option("-t", "--type", dest="reboot_type",
                         default=constants.INSTANCE_REBOOT_HARD,
                         choices=sorted(constants.REBOOT_TYPES),
                         help="Type of reboot: soft/hard/full"),
              cli_option("--ignore-secondaries", dest="ignore_secondaries",
                         default=False, action="store_true",
                         help="Ignore errors from secondaries"),
              SHUTDOWN_TIMEOUT_OPT] + _MULTI_OPTS,
             "<instance>", "Reboots an instance"),
  "reinstall": (ReinstallInstance, [ArgInstance()],
                [FORCE_OPT,
                 cli_option("--force-multiple", dest="force_multi",
                            action="store_true", default=False,
                            help="Do not ask for confirmation when more than"
                            " one instance is affected"),
                 cli_option("-o", "--os-type", dest="os", default=None,
                            help="Installs the instance with this OS",
                            metavar="<os>"),
                 FORCE_VARIANT_OPT,
                 OSPARAMS_OPT,
                 OSPARAMS_PRIVATE_OPT, OSPARAMS_SECRET_OPT] + _MULTI_OPTS,
                "[-f] <instance>", "Reinstall a stopped instance"),
  "rename": (RenameInstance,
             [ArgInstance(min=1, max=1), ArgHost(min=1, max=1)],
             [NOIPCHECK_OPT, IPCHECK_OPT, NONAMECHECK_OPT,
              NAMECHECK_OPT] + _MULTI_OPTS,
             "<instance> <new_name>", "Rename the instance"),
  "activate-disks": (ActivateDisks, ARGS_ONE_INSTANCE,
                     [SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT,
                      cli_option("--ignore-size", dest="ignore_size",
                                 default=False, action="store_true",
                                 help="Ignore current recorded size (useful"
                                 " for forcing activation when recorded size"
                                 " is wrong)"),
                      cli_option("--wait-for-sync", dest="wait_for_sync",
                                 default=False, action="store_true",
                                 help="Wait for disks to sync")],
                     "<instance>", "Activate an instance's disks"),
  "deactivate-disks": (DeactivateDisks, ARGS_ONE_INSTANCE,
                       [FORCE_OPT] + _MULTI_OPTS,
                       "[-f] <instance>", "Deactivate an instance's disks"),
  "console": (ConnectToInstanceConsole, ARGS_ONE_INSTANCE,
              [cli_option("--show-cmd", dest="show_command",
                          action="store_true", default=False,
                          help="Show command instead of executing it"),
               PRIORITY_OPT],
              "[--show-cmd] <instance>", "Opens a console on the specified"
              " instance"),
  "list-tags": (ListTags, ARGS_ONE_INSTANCE, [], "<instance_name>",
                "List the tags of the given instance"),
  "add-tags": (AddTags, [ArgInstance(min=1, max=1), ArgUnknown()],
               [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
               "<instance_name> tag...", "Add tags to the given instance"),
  "remove-tags": (RemoveTags, [ArgInstance(min=1, max=1), ArgUnknown()],
                  [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
                  "<instance_name> tag...",
                  "Remove tags from given instance"),
  "change-group": gnt_instance_group.CHANGE_GROUP_CMD,
}

# modify, failover, migrate, move
commands.update(gnt_instance_move.COMMANDS)
commands.update(gnt_instance_disks.commands)

aliases = {"start": "startup", "stop": "shutdown", "show": "info"}


def Main():
  return cli.GenericMain(commands, aliases=aliases,
                         env_override={"list": "GNT_INSTANCE_LIST"})

