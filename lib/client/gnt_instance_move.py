"""gnt-instance modify, failover, migrate and move.

The command table entries (:data:`COMMANDS`) are merged into
``gnt_instance.commands``.
"""

from ganeti import cli
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti.cli import ToStdout, ToStderr, SubmitOrSend, GetClient
from ganeti.cli_opts import (cli_option, ArgInstance, FORCE_OPT,
                             SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT,
                             DRY_RUN_OPT, SHUTDOWN_TIMEOUT_OPT,
                             IGNORE_IPOLICY_OPT, IALLOCATOR_OPT,
                             IGNORE_CONSIST_OPT, DST_NODE_OPT, BACKEND_OPT,
                             FORCE_VARIANT_OPT, OSPARAMS_OPT,
                             NOCONFLICTSCHECK_OPT, FILESTORE_DRIVER_OPT,
                             SINGLE_NODE_OPT)
from ganeti.client import disk_args

_ARGS_ONE_INSTANCE = [ArgInstance(min=1, max=1)]
_MISSING = object()
_MODIFY_OPS = (constants.DDM_ADD, constants.DDM_ATTACH, constants.DDM_REMOVE,
               constants.DDM_DETACH, constants.DDM_MODIFY)


def _EnsureInstanceExists(cl, name):
  if cl.QueryInstances([name], ["name"], False)[0][0] is None:
    raise errors.OpPrereqError("Instance '%s' does not exist" % name,
                               errors.ECODE_NOENT)


def _CheckTargetChoice(opts):
  """Failover and migrate take an iallocator (-I) or a target node (-n),
  not both.

  @raise errors.OpPrereqError: both were given
  """
  if opts.iallocator and opts.dst_node:
    raise errors.OpPrereqError("Specify either an iallocator (-I), or a"
                               " target node (-n) but not both",
                               errors.ECODE_INVAL)


def MigrationMode(opts):
  """The migration mode that --non-live (``opts.live``) and
  --migration-mode ask for (None: the hypervisor's default).

  @raise errors.OpPrereqError: both options were given
  """
  if not opts.live and opts.migration_mode is not None:
    raise errors.OpPrereqError("Only one of the --non-live and"
                               " --migration-mode options can be passed",
                               errors.ECODE_INVAL)
  if not opts.live:
    return constants.HT_MIGRATION_NONLIVE
  return opts.migration_mode


def ConvertNicDiskModifications(mods):
  """``--net``/``--disk`` values to [(action, identifier, params)].

  ``add``/``remove`` alone act on the last item; ``N:add,...``,
  ``ID:remove`` and ``ID:modify,...`` (the default action) name the item.
  """
  result = []
  for (identifier, params) in mods:
    params = dict(params or {})
    if identifier in (constants.DDM_ADD, constants.DDM_ATTACH,
                      constants.DDM_REMOVE, constants.DDM_DETACH):
      action = identifier
      identifier = -1
    else:
      action = constants.DDM_MODIFY
      found = []
      for name in _MODIFY_OPS:
        if params.pop(name, _MISSING) is not _MISSING:
          found.append(name)
      if len(found) > 1:
        raise errors.OpPrereqError("Cannot do more than one of the following"
                                   " operations at the same time: %s" %
                                   ", ".join(_MODIFY_OPS),
                                   errors.ECODE_INVAL)
      if found:
        action = found[0]
    if action in (constants.DDM_REMOVE, constants.DDM_DETACH) and params:
      raise errors.OpPrereqError("Not accepting parameters on"
                                 " removal/detach", errors.ECODE_INVAL)
    result.append((action, identifier, params))
  return result


def _ParseDiskSizes(mods):
  for (_, _, params) in mods:
    disk_args.ParseDiskSizeParam(params)
  return mods


def _DefaultValues(params):
  for (key, value) in params.items():
    if isinstance(value, str) and value.lower() == constants.VALUE_DEFAULT:
      params[key] = constants.VALUE_DEFAULT


def SetInstanceParams(opts, args):
  """Modify an instance; print the changes."""
  if not (opts.nics or opts.disks or opts.disk_template or opts.hvparams or
          opts.beparams or opts.os or opts.osparams or
          opts.osparams_private or opts.offline_inst or opts.online_inst or
          opts.runtime_mem or opts.new_primary_node or
          opts.instance_communication is not None):
    ToStderr("Please give at least one of the parameters.")
    return 1
  _DefaultValues(opts.beparams)
  _DefaultValues(opts.hvparams)
  nics = ConvertNicDiskModifications(opts.nics)
  disks = _ParseDiskSizes(ConvertNicDiskModifications(opts.disks))
  if (opts.disk_template and
      opts.disk_template in constants.DTS_INT_MIRROR and not opts.node):
    ToStderr("Changing the disk template to a mirrored one requires"
             " specifying a secondary node")
    return 1
  if opts.offline_inst:
    offline = True
  elif opts.online_inst:
    offline = False
  else:
    offline = None
  op = opcodes.OpInstanceSetParams(
    instance_name=args[0], nics=nics, disks=disks, hotplug=opts.hotplug,
    hotplug_if_possible=opts.hotplug_if_possible,
    disk_template=opts.disk_template, ext_params=opts.ext_params,
    file_driver=opts.file_driver, file_storage_dir=opts.file_storage_dir,
    remote_node=opts.node, pnode=opts.new_primary_node,
    hvparams=opts.hvparams, beparams=opts.beparams,
    runtime_mem=opts.runtime_mem, os_name=opts.os, osparams=opts.osparams,
    osparams_private=opts.osparams_private or None,
    force_variant=opts.force_variant, force=opts.force,
    wait_for_sync=opts.wait_for_sync, offline=offline,
    conflicts_check=opts.conflicts_check,
    ignore_ipolicy=opts.ignore_ipolicy,
    instance_communication=opts.instance_communication)
  result = SubmitOrSend(op, opts)
  if result:
    ToStdout("Modified instance %s", args[0])
    for (param, data) in result:
      ToStdout(" - %-5s -> %s", param, data)
    ToStdout("Please don't forget that most parameters take effect"
             " only at the next (re)start of the instance initiated by"
             " ganeti; restarting from within the instance will"
             " not be enough.")
    if opts.hvparams:
      ToStdout("Note that changing hypervisor parameters without performing"
               " a restart might lead to a crash while performing a live"
               " migration. This will be addressed in future Ganeti"
               " versions.")
  return 0


def FailoverInstance(opts, args):
  """Fail over an instance (asks for confirmation unless -f)."""
  cl = GetClient()
  name = args[0]
  _CheckTargetChoice(opts)
  if not opts.force:
    _EnsureInstanceExists(cl, name)
    if not cli.AskUser("Failover will happen to image %s. This requires a"
                       " shutdown of the instance. Continue?" % name):
      return 1
  op = opcodes.OpInstanceFailover(
    instance_name=name, ignore_consistency=opts.ignore_consistency,
    shutdown_timeout=opts.shutdown_timeout, iallocator=opts.iallocator,
    target_node=opts.dst_node, ignore_ipolicy=opts.ignore_ipolicy,
    cleanup=opts.cleanup)
  SubmitOrSend(op, opts, cl=cl)
  return 0


def MigrateInstance(opts, args):
  """Migrate an instance (asks for confirmation unless -f)."""
  cl = GetClient()
  name = args[0]
  _CheckTargetChoice(opts)
  if not opts.force:
    _EnsureInstanceExists(cl, name)
    if opts.cleanup:
      text = ("Instance %s will be recovered from a failed migration. Note"
              " that the migration procedure (including cleanup)" % name)
    else:
      text = "Instance %s will be migrated. Note that migration" % name
    text += (" might impact the instance if anything goes wrong (e.g. due"
             " to bugs in the hypervisor). Continue?")
    if not cli.AskUser(text):
      return 1
  mode = MigrationMode(opts)
  op = opcodes.OpInstanceMigrate(
    instance_name=name, mode=mode, cleanup=opts.cleanup,
    iallocator=opts.iallocator, target_node=opts.dst_node,
    allow_failover=opts.allow_failover,
    allow_runtime_changes=opts.allow_runtime_chgs,
    ignore_ipolicy=opts.ignore_ipolicy,
    ignore_hvversions=opts.ignore_hvversions)
  SubmitOrSend(op, opts, cl=cl)
  return 0


def MoveInstance(opts, args):
  """Move an instance to another node by copying its disks."""
  cl = GetClient()
  name = args[0]
  if not opts.force:
    if not cli.AskUser("Instance %s will be moved. This requires a shutdown"
                       " of the instance. Continue?" % name):
      return 1
  op = opcodes.OpInstanceMove(
    instance_name=name, target_node=opts.node, compress=opts.compress,
    shutdown_timeout=opts.shutdown_timeout,
    ignore_consistency=opts.ignore_consistency,
    ignore_ipolicy=opts.ignore_ipolicy)
  SubmitOrSend(op, opts, cl=cl)
  return 0


_COMMON = [SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT, DRY_RUN_OPT]
_CLEANUP_OPT = cli_option(
  "--cleanup", dest="cleanup", default=False, action="store_true",
  help="Recover from a failed migration instead of migrating: find the"
  " node the instance runs on, record it and reconnect the disks")

_MODIFY_OPTS = [
  BACKEND_OPT,
  cli_option("-H", "--hypervisor-parameters", dest="hvparams",
             type="keyval", default={}, help="Hypervisor parameters"),
  cli_option("--disk", dest="disks", action="append", type="identkeyval",
             default=[], help="Disk changes"),
  cli_option("--net", dest="nics", action="append", type="identkeyval",
             default=[], help="NIC changes"),
  cli_option("-t", "--disk-template", dest="disk_template", default=None,
             help="Convert the instance to this disk template"),
  cli_option("-n", "--node", dest="node", default=None,
             help="New secondary node (for a conversion to drbd)"),
  cli_option("-o", "--os-type", dest="os", default=None, metavar="<os>",
             help="Change the instance's OS (without reinstalling)"),
  FORCE_VARIANT_OPT,
  OSPARAMS_OPT,
  cli_option("--os-parameters-private", dest="osparams_private",
             type="keyval", default={}, help="Private OS parameters"),
  FORCE_OPT,
  cli_option("--offline", dest="offline_inst", action="store_true",
             default=False, help="Turn off the instance (mark it offline)"),
  cli_option("--online", dest="online_inst", action="store_true",
             default=False, help="Turn on the instance (mark it down)"),
  IGNORE_IPOLICY_OPT,
  cli_option("-m", "--runtime-memory", dest="runtime_mem", type="unit",
             default=None, help="New runtime memory"),
  NOCONFLICTSCHECK_OPT,
  cli_option("--new-primary", dest="new_primary_node", default=None,
             help="Set the new primary node (the disks must have been"
             " moved already)"),
  cli_option("--hotplug", dest="hotplug", action="store_true",
             default=False, help="Hotplug supported devices (NICs and"
             " Disks)"),
  cli_option("--hotplug-if-possible", dest="hotplug_if_possible",
             action="store_true", default=False,
             help="Hotplug devices in case hotplug is supported"),
  cli_option("-c", "--communication", dest="instance_communication",
             type="bool", default=None, metavar="yes|no",
             help="Enable or disable the instance communication mechanism"),
  cli_option("-e", "--ext-params", dest="ext_params", type="keyval",
             default={}, help="ExtStorage parameters (for a conversion to"
             " ext)"),
  FILESTORE_DRIVER_OPT,
  cli_option("--file-storage-dir", dest="file_storage_dir", default=None,
             help="Directory for file-based disks"),
  cli_option("--no-wait-for-sync", dest="wait_for_sync", default=True,
             action="store_false", help="Don't wait for sync (DRBD only)"),
] + _COMMON

COMMANDS = {
  "modify": (SetInstanceParams, _ARGS_ONE_INSTANCE, _MODIFY_OPTS,
             "<instance>", "Alters the parameters of an instance"),
  "failover": (FailoverInstance, _ARGS_ONE_INSTANCE,
               [FORCE_OPT, IGNORE_CONSIST_OPT, SHUTDOWN_TIMEOUT_OPT,
                DST_NODE_OPT, IALLOCATOR_OPT, IGNORE_IPOLICY_OPT,
                _CLEANUP_OPT] + _COMMON,
               "[-f] <instance>", "Stops the instance, changes its primary"
               " node and (if it was originally running) starts it on the"
               " new node (the secondary for mirrored instances or any node"
               " for shared storage)."),
  "migrate": (MigrateInstance, _ARGS_ONE_INSTANCE,
              [FORCE_OPT,
               cli_option("--non-live", dest="live", default=True,
                          action="store_false",
                          help="Freeze the instance during the transfer"
                          " instead of migrating it live (same as"
                          " --migration-mode=non-live)"),
               cli_option("--migration-mode", dest="migration_mode",
                          default=None,
                          choices=sorted(constants.HT_MIGRATION_MODES),
                          help="Migration mode, live or non-live (default:"
                          " the hypervisor's migration_mode parameter)"),
               _CLEANUP_OPT, DST_NODE_OPT, IALLOCATOR_OPT,
               cli_option("--allow-failover", dest="allow_failover",
                          action="store_true", default=False,
                          help="Fail over instead when the instance cannot"
                          " be migrated (e.g. it is stopped)"),
               IGNORE_IPOLICY_OPT,
               cli_option("--ignore-hvversions", dest="ignore_hvversions",
                          action="store_true", default=False,
                          help="Ignore incompatible hypervisor versions"),
               cli_option("--no-runtime-changes", dest="allow_runtime_chgs",
                          default=True, action="store_false",
                          help="Do not change the instance at runtime (e.g."
                          " balloon its memory) to make it fit the target")] + _COMMON,
              "[-f] <instance>", "Migrate instance to its secondary node"
              " (only for mirrored instances)"),
  "move": (MoveInstance, _ARGS_ONE_INSTANCE,
           [FORCE_OPT,
            SINGLE_NODE_OPT,
            cli_option("--compress", dest="compress", default="none",
                       help="Compression mode to use for the move"),
            SHUTDOWN_TIMEOUT_OPT, IGNORE_CONSIST_OPT,
            IGNORE_IPOLICY_OPT] + _COMMON,
           "[-f] <instance>", "Move instance to an arbitrary node (only for"
           " instances of type file and lv)"),
}
