"""gnt-backup: instance exports and imports."""

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import impexpd
from ganeti import opcodes
from ganeti import qlang
from ganeti.cli import SubmitOrSend, GetClient
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.client import gnt_instance

_LIST_DEF_FIELDS = ["node", "export"]

#: gnt-instance add options that gnt-backup import shares (by dest)
_SHARED_IMPORT_DESTS = frozenset([
  "disk_template", "disks", "sd_size", "nics", "no_nics", "node",
  "iallocator", "beparams", "hypervisor", "osparams", "file_storage_dir",
  "file_driver", "ip_check", "name_check", "conflicts_check",
  "wait_for_sync", "tags", "ignore_ipolicy", "nodegroup", "dry_run",
  "priority", "submit_only", "print_jobid"])


def PrintExportList(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  qfilter = qlang.MakeSimpleFilter("node", opts.nodes)
  return cli_query.GenericList("export", selected, None, opts.units,
                               opts.separator, not opts.no_headers,
                               cl=GetClient(), verbose=opts.verbose,
                               qfilter=qfilter)


def ListExportFields(opts, args):
  return cli_query.GenericListFields("export", args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def ExportInstance(opts, args):
  if not opts.node:
    raise errors.OpPrereqError("Target node must be specified",
                               errors.ECODE_INVAL)
  op = opcodes.OpBackupExport(
    instance_name=args[0], target_node=opts.node,
    compress=opts.transport_compression, shutdown=opts.shutdown,
    shutdown_timeout=opts.shutdown_timeout,
    remove_instance=opts.remove_instance,
    ignore_remove_failures=opts.ignore_remove_failures)
  SubmitOrSend(op, opts)
  return 0


def ImportInstance(opts, args):
  """Create an instance from an export (OP_INSTANCE_CREATE, mode import)."""
  if opts.disk_template == constants.DT_DISKLESS and \
      (opts.disks or opts.sd_size is not None):
    raise errors.OpPrereqError("Diskless instance but disk information"
                               " passed", errors.ECODE_INVAL)
  if opts.disks or opts.sd_size is not None:
    disks = gnt_instance._ParseDisks(opts)  # pylint: disable=W0212
  else:
    disks = []
  if opts.nics or opts.no_nics:
    nics = gnt_instance._ParseNics(opts)  # pylint: disable=W0212
  else:
    nics = []  # the export's NICs
  pnode = snode = None
  if opts.node:
    (pnode, _, snode) = opts.node.partition(":")
    snode = snode or None
  (hypervisor, hvparams) = (None, {})
  if opts.hypervisor:
    (hypervisor, hvparams) = opts.hypervisor
  op = opcodes.OpInstanceCreate(
    instance_name=args[0], disks=disks, disk_template=opts.disk_template,
    nics=nics, conflicts_check=opts.conflicts_check, pnode=pnode,
    snode=snode, ip_check=opts.ip_check, name_check=opts.name_check,
    wait_for_sync=opts.wait_for_sync,
    file_storage_dir=opts.file_storage_dir, file_driver=opts.file_driver,
    iallocator=opts.iallocator, hypervisor=hypervisor, hvparams=hvparams,
    beparams=gnt_instance.ParseBeparams(opts.beparams), osparams=opts.osparams,
    mode=constants.INSTANCE_IMPORT, os_type=None, force_variant=False,
    start=False, no_install=None, src_node=opts.src_node,
    src_path=opts.src_dir, compress=opts.compress,
    identify_defaults=False, ignore_ipolicy=opts.ignore_ipolicy,
    tags=list(opts.tags.split(",")) if opts.tags else [])
  SubmitOrSend(op, opts)
  return 0


def RemoveExport(opts, args):
  op = opcodes.OpBackupRemove(instance_name=args[0])
  SubmitOrSend(op, opts)
  return 0


_COMPRESS_HELP = ("Compression mode to use during the data transfer (%s)" %
                  ", ".join(sorted(impexpd.IEC_ALL)))

_EXPORT_OPTS = [
  FORCE_OPT,
  SINGLE_NODE_OPT,
  cli_option("--transport-compression", dest="transport_compression",
             default=impexpd.IEC_NONE, choices=sorted(impexpd.IEC_ALL),
             help=_COMPRESS_HELP),
  cli_option("--noshutdown", dest="shutdown", action="store_false",
             default=True, help="Don't shutdown the instance (unsafe)"),
  SHUTDOWN_TIMEOUT_OPT,
  cli_option("--remove-instance", dest="remove_instance",
             action="store_true", default=False,
             help="Remove the instance from the cluster"),
  cli_option("--ignore-remove-failures", dest="ignore_remove_failures",
             action="store_true", default=False,
             help="Remove the instance from the cluster configuration even"
             " if there are failures during the removal process"),
  SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT, DRY_RUN_OPT,
]

_IMPORT_OPTS = [opt for opt in gnt_instance._ADD_OPTS  # pylint: disable=W0212
                if opt.dest in _SHARED_IMPORT_DESTS] + [
  cli_option("--src-node", dest="src_node", default=None,
             help="Source node", metavar="<node>"),
  cli_option("--src-dir", dest="src_dir", default=None,
             help="Source directory"),
  cli_option("--compress", dest="compress", default=impexpd.IEC_NONE,
             choices=sorted(impexpd.IEC_ALL), help=_COMPRESS_HELP),
]

commands = {
  "list": (PrintExportList, ARGS_NONE,
           [NODE_LIST_OPT, NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT,
            VERBOSE_OPT],
           "", "Lists instance exports available in the ganeti cluster"),
  "list-fields": (ListExportFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[fields...]", "Lists all available fields for exports"),
  "export": (ExportInstance, ARGS_ONE_INSTANCE, _EXPORT_OPTS,
             "-n <target_node> [opts...] <name>",
             "Exports an instance to an image"),
  "import": (ImportInstance, [ArgHost(min=1, max=1)], _IMPORT_OPTS,
             "[...] -t disk-type -n node[:secondary-node] <name>",
             "Imports an instance from an exported image"),
  "remove": (RemoveExport, [ArgUnknown(min=1, max=1)],
             [SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT, DRY_RUN_OPT],
             "<name>", "Remove exports of named instance from the"
             " filesystem."),
}


def Main():
  return cli.GenericMain(commands)
