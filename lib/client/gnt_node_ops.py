"""gnt-node evacuate, failover, migrate, volumes, the storage commands,
power, health and powercycle.

Their rows are appended to ``gnt_node.commands`` (:data:`COMMANDS`).
"""

from ganeti import cli
from ganeti import constants
from ganeti import errors
from ganeti import oob
from ganeti import opcodes
from ganeti import qfields
from ganeti import storage_fields as sf
from ganeti import utils
from ganeti.cli import (ToStdout, ToStderr, SubmitOpCode, SubmitOrSend,
                        GetClient, AskUser, JobExecutor, GenerateTable)
from ganeti.cli_opts import (cli_option, ArgNode, ArgChoice, ArgFile,
                             ARGS_ONE_NODE, ARGS_MANY_NODES, FORCE_OPT,
                             SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT,
                             DRY_RUN_OPT, NOHDR_OPT, SEP_OPT, USEUNITS_OPT,
                             FIELDS_OPT, IGNORE_IPOLICY_OPT, CONFIRM_OPT,
                             AUTO_PROMOTE_OPT, IALLOCATOR_OPT,
                             NEW_SECONDARY_OPT, EARLY_RELEASE_OPT,
                             IGNORE_CONSIST_OPT, DST_NODE_OPT,
                             OOB_TIMEOUT_OPT)
from ganeti.client.gnt_instance_move import MigrationMode

_SUBMIT_OPTS = [SUBMIT_OPT, PRINT_JOBID_OPT]

#: default fields of gnt-node volumes
_LIST_VOL_DEF_FIELDS = ["node", "phys", "vg", "name", "size", "instance"]
_LIST_VOL_HEADERS = {"node": "Node", "phys": "PhysDev", "vg": "VG",
                     "name": "Name", "size": "Size", "instance": "Instance"}

#: default fields (and headers) of gnt-node list-storage
_LIST_STOR_DEF_FIELDS = [sf.SF_NODE, sf.SF_TYPE, sf.SF_NAME, sf.SF_SIZE,
                         sf.SF_USED, sf.SF_FREE, sf.SF_ALLOCATABLE]
_LIST_STOR_HEADERS = {sf.SF_NODE: "Node", sf.SF_TYPE: "Type",
                      sf.SF_NAME: "Name", sf.SF_SIZE: "Size",
                      sf.SF_USED: "Used", sf.SF_FREE: "Free",
                      sf.SF_ALLOCATABLE: "Allocatable"}
_STOR_UNIT_FIELDS = [sf.SF_SIZE, sf.SF_USED, sf.SF_FREE]

_LIST_POWER_COMMANDS = ["on", "off", "cycle", "status"]
_OOB_COMMAND_ASK = frozenset([oob.OOB_POWER_OFF, oob.OOB_POWER_CYCLE])

_REPAIRABLE_STORAGE_TYPES = sorted(
  st for (st, ops) in sf.VALID_STORAGE_OPERATIONS.items()
  if sf.SO_FIX_CONSISTENCY in ops)
_MODIFIABLE_STORAGE_TYPES = sorted(sf.MODIFIABLE_STORAGE_FIELDS)

STORAGE_TYPE_OPT = cli_option(
  "-t", "--storage-type", dest="user_storage_type",
  choices=list(sf.USER_STORAGE_TYPES), default=None,
  metavar="STORAGE_TYPE",
  help="Storage type (%s)" % utils.CommaJoin(sf.USER_STORAGE_TYPES))
PRIMARY_ONLY_OPT = cli_option(
  "-p", "--primary-only", dest="primary_only", default=False,
  action="store_true", help="Evacuate primary instances only")
SECONDARY_ONLY_OPT = cli_option(
  "-s", "--secondary-only", dest="secondary_only", default=False,
  action="store_true", help="Evacuate secondary instances only (applies"
  " only to internally mirrored disk templates, e.g. using DRBD)")
IGNORE_SOFT_ERRORS_OPT = cli_option(
  "--ignore-soft-errors", dest="ignore_soft_errors", action="store_true",
  default=False, help="Tell htools to ignore any soft errors like N+1"
  " violations")
NONLIVE_OPT = cli_option(
  "--non-live", dest="live", default=True, action="store_false",
  help="Do a non-live migration (this usually means freeze the instance,"
  " save the state, transfer and only then resume running on the"
  " secondary node)")
MIGRATION_MODE_OPT = cli_option(
  "--migration-mode", dest="migration_mode", default=None,
  choices=sorted(constants.HT_MIGRATION_MODES),
  help="Override default migration mode (choose either live or non-live")
NORUNTIME_CHGS_OPT = cli_option(
  "--no-runtime-changes", dest="allow_runtime_chgs", default=True,
  action="store_false", help="Don't allow runtime changes")
ALLOCATABLE_OPT = cli_option(
  "--allocatable", dest="allocatable", choices=["yes", "no"], default=None,
  metavar="yes|no", help="Set the allocatable flag on a volume")
POWER_DELAY_OPT = cli_option(
  "--power-delay", dest="power_delay", type="float",
  default=oob.OOB_POWER_DELAY,
  help="Time in seconds to wait between power-ons")
IGNORE_STATUS_OPT = cli_option(
  "--ignore-status", default=False, action="store_true",
  dest="ignore_status",
  help="Ignore the Node(s) offline status (potentially DANGEROUS)")
#: gnt-node modify --node-powered (used by gnt_node's modify row)
NODE_POWERED_OPT = cli_option(
  "--node-powered", default=None, type="bool", metavar="yes|no",
  dest="node_powered", help="Specify if the SoR for node is powered")


def ConvertStorageType(user_storage_type):
  """The storage type named on the command line.

  @raise errors.OpPrereqError: not a storage type of the storage commands
  """
  if user_storage_type not in sf.USER_STORAGE_TYPES:
    raise errors.OpPrereqError("Unknown storage type: %s" %
                               user_storage_type, errors.ECODE_INVAL)
  return user_storage_type


def ConfirmOperation(names, list_type, text, extra=""):
  """Ask whether to run ``text`` on ``names`` (listed unless > 20)."""
  count = len(names)
  msg = ("The %s will operate on %d %s.\n%sDo you want to continue?" %
         (text, count, list_type, extra))
  affected = ("\nAffected %s:\n" % list_type +
              "\n".join("  %s" % name for name in names))
  choices = [("y", True, "Yes, execute the %s" % text),
             ("n", False, "No, abort the %s" % text)]
  if count > 20:
    choices.insert(1, ("v", "v", "View the list of affected %s" % list_type))
    question = msg
  else:
    question = msg + affected
  choice = AskUser(question, choices)
  if choice == "v":
    choices.pop(1)
    choice = AskUser(msg + affected, choices)
  return choice


def _RunJobsOf(op, opts, success_msg, failure_fmt):
  """Submit ``op`` (a node opcode whose result names the per-instance
  jobs it submitted, as OP_NODE_EVACUATE and OP_NODE_MIGRATE) and wait
  for those jobs.

  Prints ``success_msg`` and returns EXIT_SUCCESS when all of them
  succeeded; prints ``failure_fmt`` with the count of failed jobs and
  returns EXIT_FAILURE otherwise.
  """
  cl = GetClient()
  result = SubmitOrSend(op, opts, cl=cl)
  jex = JobExecutor(cl=cl, opts=opts)
  for (status, job_id) in result["jobs"]:
    jex.AddJobId(None, status, job_id)
  bad_cnt = len([row for row in jex.GetResults() if not row[0]])
  if bad_cnt == 0:
    ToStdout(success_msg)
    return constants.EXIT_SUCCESS
  ToStdout(failure_fmt, bad_cnt)
  return constants.EXIT_FAILURE


def _NodeInstances(names, fields):
  """Query node fields (an unknown node fails as in Ganeti)."""
  cl = GetClient()
  return cl.QueryNodes(names=names, fields=fields, use_locking=False)


def _ConfirmedPrimaries(opts, args, say_none, question):
  """The primary instances of the node ``args[0]``, nice-sorted, that
  the user agreed to act on (``question(names)``; --force skips it).

  Returns [] when the node has none (after telling so with ``say_none``,
  ToStdout or ToStderr), None when the user declined.
  """
  ((node, pinst), ) = _NodeInstances(args, ["name", "pinst_list"])
  if not pinst:
    say_none("No primary instances on node %s, exiting." % node)
    return []
  pinst = utils.NiceSort(pinst)
  if not (opts.force or AskUser(question(pinst))):
    return None
  return pinst


def EvacuateNode(opts, args):
  """Relocate the primary and/or secondary instances of a node."""
  if opts.dst_node is not None:
    ToStderr("New secondary node given (disabling iallocator), hence"
             " evacuating secondary instances only.")
    opts.secondary_only = True
    opts.primary_only = False
  if opts.secondary_only and opts.primary_only:
    raise errors.OpPrereqError("Only one of the --primary-only and"
                               " --secondary-only options can be passed",
                               errors.ECODE_INVAL)
  elif opts.primary_only:
    mode = constants.NODE_EVAC_PRI
  elif opts.secondary_only:
    mode = constants.NODE_EVAC_SEC
  else:
    mode = constants.NODE_EVAC_ALL
  fields = []
  if not opts.secondary_only:
    fields.append("pinst_list")
  if not opts.primary_only:
    fields.append("sinst_list")
  instances = set()
  for row in _NodeInstances(args, fields):
    for names in row:
      instances.update(names or [])
  if not instances:
    ToStderr("No instances to evacuate on node(s) %s, exiting.",
             utils.CommaJoin(args))
    return constants.EXIT_SUCCESS
  if not (opts.force or
          AskUser("Relocate instance(s) %s from node(s) %s?" %
                  (utils.CommaJoin(utils.NiceSort(instances)),
                   utils.CommaJoin(args)))):
    return constants.EXIT_CONFIRMATION
  op = opcodes.OpNodeEvacuate(node_name=args[0], mode=mode,
                              remote_node=opts.dst_node,
                              iallocator=opts.iallocator,
                              early_release=opts.early_release,
                              ignore_soft_errors=opts.ignore_soft_errors)
  return _RunJobsOf(op, opts, "All instances evacuated successfully.",
                    "There were %s errors during the evacuation.")


def FailoverNode(opts, args):
  """Fail over every primary instance of a node (one job each)."""
  pinst = _ConfirmedPrimaries(
    opts, args, ToStderr,
    lambda names: "Fail over instance(s) %s?" %
    ",".join("'%s'" % n for n in names))
  if pinst is None:
    return 2
  if not pinst:
    return 0
  cl = GetClient()
  jex = JobExecutor(cl=cl, opts=opts)
  for iname in pinst:
    op = opcodes.OpInstanceFailover(
      instance_name=iname, ignore_consistency=opts.ignore_consistency,
      iallocator=opts.iallocator)
    jex.QueueJob(iname, op)
  results = jex.GetResults()
  bad_cnt = len([row for row in results if not row[0]])
  if bad_cnt == 0:
    ToStdout("All %d instance(s) failed over successfully.", len(results))
  else:
    ToStdout("There were errors during the failover:\n"
             "%d error(s) out of %d instance(s).", bad_cnt, len(results))
  return 0


def MigrateNode(opts, args):
  """Migrate every primary instance of a node (OP_NODE_MIGRATE's jobs)."""
  pinst = _ConfirmedPrimaries(
    opts, args, ToStdout,
    lambda names: "Migrate instance(s) %s?" % utils.CommaJoin(names))
  if pinst is None:
    return constants.EXIT_CONFIRMATION
  if not pinst:
    return 0
  op = opcodes.OpNodeMigrate(node_name=args[0], mode=MigrationMode(opts),
                             iallocator=opts.iallocator,
                             target_node=opts.dst_node,
                             allow_runtime_changes=opts.allow_runtime_chgs,
                             ignore_ipolicy=opts.ignore_ipolicy)
  return _RunJobsOf(op, opts, "All instances migrated successfully.",
                    "There were %s errors during the node migration.")


def PowercycleNode(opts, args):
  """Hard-reboot a node through its node daemon."""
  node = args[0]
  if (not opts.confirm and
      not AskUser("Are you sure you want to hard powercycle node %s?" %
                  node)):
    return 2
  op = opcodes.OpNodePowercycle(node_name=node, force=opts.force)
  result = SubmitOrSend(op, opts)
  if result:
    ToStderr(result)
  return 0


def _OobStatusText(command, status, payload):
  if status != qfields.RS_NORMAL:
    return qfields.RSS_DESCRIPTION[status][0]
  if command == oob.OOB_POWER_STATUS:
    return "powered" if payload[oob.OOB_POWER_STATUS_POWERED] else \
      "unpowered"
  return "invoked"


def _PrintNodeStatus(opts, data, errs):
  """Print the [node, status] rows of an out-of-band command as a table
  ("Node", "Status"); EXIT_FAILURE if ``errs`` (the count of failed
  nodes), else EXIT_SUCCESS."""
  headers = None if opts.no_headers else {"node": "Node",
                                          "status": "Status"}
  for line in GenerateTable(separator=opts.separator, headers=headers,
                            fields=["node", "status"], data=data):
    ToStdout(line)
  return constants.EXIT_FAILURE if errs else constants.EXIT_SUCCESS


def PowerNode(opts, args):
  """gnt-node power on|off|cycle|status [nodes...] (out-of-band)."""
  command = args.pop(0)
  if command not in _LIST_POWER_COMMANDS:
    ToStderr("power subcommand %s not supported." % command)
    return constants.EXIT_FAILURE
  oob_command = "power-%s" % command
  if oob_command in _OOB_COMMAND_ASK:
    if not args:
      ToStderr("Please provide at least one node for this command")
      return constants.EXIT_FAILURE
    if not opts.force and not ConfirmOperation(args, "nodes",
                                               "power %s" % command):
      return constants.EXIT_FAILURE
  ops = []
  if not opts.ignore_status and oob_command == oob.OOB_POWER_OFF:
    for node in args:
      ops.append(opcodes.OpNodeSetParams(node_name=node, offline=True,
                                         auto_promote=opts.auto_promote))
  ops.append(opcodes.OpOobCommand(node_names=args, command=oob_command,
                                  ignore_status=opts.ignore_status,
                                  timeout=opts.oob_timeout,
                                  power_delay=opts.power_delay))
  cli.SetGenericOpcodeOpts(ops, opts)
  cl = GetClient()
  job_id = cli.SendJob(ops, cl=cl)
  result = cli.PollJob(job_id, cl=cl)[-1]
  errs = 0
  data = []
  for ((_, node_name), (status, payload)) in result:
    if status != qfields.RS_NORMAL:
      errs += 1
    data.append([node_name, _OobStatusText(oob_command, status, payload)])
  return _PrintNodeStatus(opts, data, errs)


def Health(opts, args):
  """gnt-node health [nodes...]: the OOB program's health items."""
  op = opcodes.OpOobCommand(node_names=args, command=oob.OOB_HEALTH,
                            timeout=opts.oob_timeout)
  result = SubmitOpCode(op, opts=opts)
  errs = 0
  data = []
  for ((_, node_name), (status, payload)) in result:
    if status == qfields.RS_NORMAL and payload:
      data.append([node_name, "%s=%s" % tuple(payload[0])])
      for (item, istatus) in payload[1:]:
        data.append(["", "%s=%s" % (item, istatus)])
    elif status == qfields.RS_NORMAL:
      data.append([node_name, ""])
    else:
      errs += 1
      data.append([node_name, qfields.RSS_DESCRIPTION[status][0]])
  return _PrintNodeStatus(opts, data, errs)


def ListVolumes(opts, args):
  """gnt-node volumes: the LVs of the nodes and their instances."""
  selected = cli.ParseFields(opts.output, _LIST_VOL_DEF_FIELDS)
  op = opcodes.OpNodeQueryvols(nodes=args, output_fields=selected)
  output = SubmitOpCode(op, opts=opts)
  headers = None if opts.no_headers else _LIST_VOL_HEADERS
  for line in GenerateTable(separator=opts.separator, headers=headers,
                            fields=selected, unitfields=["size"],
                            numfields=["size"], data=output,
                            units=opts.units):
    ToStdout(line)
  return 0


def ListStorage(opts, args):
  """gnt-node list-storage: the storage units of one type."""
  selected = cli.ParseFields(opts.output, _LIST_STOR_DEF_FIELDS)
  op = opcodes.OpNodeQueryStorage(nodes=args,
                                  storage_type=opts.user_storage_type,
                                  output_fields=selected)
  output = SubmitOpCode(op, opts=opts)
  headers = None if opts.no_headers else _LIST_STOR_HEADERS
  rows = []
  for row in output:
    new = []
    for (field, val) in zip(selected, row):
      if field == sf.SF_ALLOCATABLE:
        val = "Y" if val else "N"
      new.append(val)
    rows.append(new)
  for line in GenerateTable(separator=opts.separator, headers=headers,
                            fields=selected, unitfields=_STOR_UNIT_FIELDS,
                            numfields=_STOR_UNIT_FIELDS, data=rows,
                            units=opts.units):
    ToStdout(line)
  return 0


def ModifyStorage(opts, args):
  """gnt-node modify-storage <node> <type> <name>."""
  (node_name, user_storage_type, volume_name) = args
  storage_type = ConvertStorageType(user_storage_type)
  changes = {}
  if opts.allocatable is not None:
    changes[sf.SF_ALLOCATABLE] = opts.allocatable == "yes"
  if not changes:
    ToStderr("No changes to perform, exiting.")
    return 0
  op = opcodes.OpNodeModifyStorage(node_name=node_name,
                                   storage_type=storage_type,
                                   name=volume_name, changes=changes)
  SubmitOrSend(op, opts)
  return 0


def RepairStorage(opts, args):
  """gnt-node repair-storage <node> <type> <name>."""
  (node_name, user_storage_type, volume_name) = args
  storage_type = ConvertStorageType(user_storage_type)
  op = opcodes.OpRepairNodeStorage(node_name=node_name,
                                   storage_type=storage_type,
                                   name=volume_name,
                                   ignore_consistency=opts.ignore_consistency)
  SubmitOrSend(op, opts)
  return 0


COMMANDS = {
  "evacuate": (
    EvacuateNode, ARGS_ONE_NODE,
    [FORCE_OPT, IALLOCATOR_OPT, IGNORE_SOFT_ERRORS_OPT, NEW_SECONDARY_OPT,
     EARLY_RELEASE_OPT, PRIORITY_OPT, PRIMARY_ONLY_OPT,
     SECONDARY_ONLY_OPT] + _SUBMIT_OPTS,
    "[-f] {-I <iallocator> | -n <dst>} [-p | -s] [options...] <node>",
    "Relocate the primary and/or secondary instances from a node"),
  "failover": (
    FailoverNode, ARGS_ONE_NODE,
    [FORCE_OPT, IGNORE_CONSIST_OPT, IALLOCATOR_OPT, PRIORITY_OPT],
    "[-f] <node>",
    "Stops the primary instances on a node and start them on their"
    " secondary node (only for instances with drbd disk template)"),
  "migrate": (
    MigrateNode, ARGS_ONE_NODE,
    [FORCE_OPT, NONLIVE_OPT, MIGRATION_MODE_OPT, DST_NODE_OPT,
     IALLOCATOR_OPT, PRIORITY_OPT, IGNORE_IPOLICY_OPT,
     NORUNTIME_CHGS_OPT] + _SUBMIT_OPTS,
    "[-f] <node>",
    "Migrate all the primary instance on a node away from it"
    " (only for instances of type drbd)"),
  "powercycle": (
    PowercycleNode, ARGS_ONE_NODE,
    [FORCE_OPT, CONFIRM_OPT, DRY_RUN_OPT, PRIORITY_OPT] + _SUBMIT_OPTS,
    "<node_name>", "Tries to forcefully powercycle a node"),
  "power": (
    PowerNode,
    [ArgChoice(min=1, max=1, choices=_LIST_POWER_COMMANDS), ArgNode()],
    _SUBMIT_OPTS +
    [AUTO_PROMOTE_OPT, PRIORITY_OPT, IGNORE_STATUS_OPT, FORCE_OPT,
     NOHDR_OPT, SEP_OPT, OOB_TIMEOUT_OPT, POWER_DELAY_OPT],
    "on|off|cycle|status [nodes...]",
    "Change power state of node by calling out-of-band helper."),
  "volumes": (
    ListVolumes, [ArgNode()],
    [NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT, PRIORITY_OPT],
    "[<node_name>...]", "List logical volumes on node(s)"),
  "list-storage": (
    ListStorage, ARGS_MANY_NODES,
    [NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT, STORAGE_TYPE_OPT,
     PRIORITY_OPT],
    "[<node_name>...]", "List physical volumes on node(s). The available"
    " fields are (see the man page for details): %s." %
    utils.CommaJoin(_LIST_STOR_HEADERS)),
  "modify-storage": (
    ModifyStorage,
    [ArgNode(min=1, max=1),
     ArgChoice(min=1, max=1, choices=_MODIFIABLE_STORAGE_TYPES),
     ArgFile(min=1, max=1)],
    [ALLOCATABLE_OPT, DRY_RUN_OPT, PRIORITY_OPT] + _SUBMIT_OPTS,
    "<node_name> <storage_type> <name>", "Modify storage volume on a node"),
  "repair-storage": (
    RepairStorage,
    [ArgNode(min=1, max=1),
     ArgChoice(min=1, max=1, choices=_REPAIRABLE_STORAGE_TYPES),
     ArgFile(min=1, max=1)],
    [IGNORE_CONSIST_OPT, DRY_RUN_OPT, PRIORITY_OPT] + _SUBMIT_OPTS,
    "<node_name> <storage_type> <name>",
    "Repairs a storage volume on a node"),
  "health": (
    Health, ARGS_MANY_NODES,
    [NOHDR_OPT, SEP_OPT, PRIORITY_OPT, OOB_TIMEOUT_OPT],
    "[<node_name>...]", "List health of node(s) using out-of-band"),
}
