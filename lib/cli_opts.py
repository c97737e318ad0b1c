"""Command line options and argument specifications of the gnt-* programs."""

import optparse

from ganeti import constants
from ganeti import errors
from ganeti import oob
from ganeti import utils


class ArgSpecError(Exception):
  pass


class _Argument:
  def __init__(self, min=0, max=None):  # pylint: disable=W0622
    self.min = min
    self.max = max


class ArgSuggest(_Argument):
  def __init__(self, min=0, max=None, choices=None):  # noqa: A002
    _Argument.__init__(self, min=min, max=max)
    self.choices = choices


class ArgChoice(ArgSuggest):
  pass


class ArgUnknown(_Argument):
  pass


class ArgInstance(_Argument):
  pass


class ArgNode(_Argument):
  pass


class ArgGroup(_Argument):
  pass


class ArgJobId(_Argument):
  pass


class ArgFile(_Argument):
  pass


class ArgCommand(_Argument):
  pass


class ArgHost(_Argument):
  pass


class ArgOs(_Argument):
  pass


class ArgField(_Argument):
  pass


ARGS_NONE = []
ARGS_MANY_INSTANCES = [ArgInstance()]
ARGS_MANY_NODES = [ArgNode()]
ARGS_MANY_GROUPS = [ArgGroup()]
ARGS_ONE_INSTANCE = [ArgInstance(min=1, max=1)]
ARGS_ONE_NODE = [ArgNode(min=1, max=1)]
ARGS_ONE_GROUP = [ArgGroup(min=1, max=1)]
ARGS_ONE_OS = [ArgOs(min=1, max=1)]


def CheckArguments(cmd, args_def, args):
  """Check the number of positional arguments; print Ganeti's error."""
  if args and not args_def:
    from ganeti.cli import ToStderr
    ToStderr("Error: Command %s expects no arguments", cmd)
    return False
  min_count = None
  max_count = None
  check_max = None
  last_idx = len(args_def) - 1
  for idx, arg in enumerate(args_def):
    if min_count is None:
      min_count = arg.min
    elif arg.min is not None:
      min_count += arg.min
    if max_count is None:
      max_count = arg.max
    elif arg.max is not None:
      max_count += arg.max
    if idx == last_idx:
      check_max = (arg.max is not None)
    elif arg.max is None:
      raise ArgSpecError("Only the last argument can have max=None")
  from ganeti.cli import ToStderr
  if check_max:
    if (min_count is not None and max_count is not None and
        min_count == max_count and len(args) != min_count):
      ToStderr("Error: Command %s expects %d argument(s)", cmd, min_count)
      return False
    if max_count is not None and len(args) > max_count:
      ToStderr("Error: Command %s expects only %d argument(s)",
               cmd, max_count)
      return False
  if min_count is not None and len(args) < min_count:
    ToStderr("Error: Command %s expects at least %d argument(s)",
             cmd, min_count)
    return False
  return True


def _SplitKeyVal(opt, data, parse_prefixes=True):
  kv_dict = {}
  if data:
    for elem in utils.UnescapeAndSplit(data, sep=","):
      if "=" in elem:
        key, val = elem.split("=", 1)
      elif parse_prefixes:
        if elem.startswith("no_"):
          key, val = elem[3:], False
        elif elem.startswith("-"):
          key, val = elem[1:], None
        else:
          key, val = elem, True
      else:
        raise errors.ParameterError("Missing value for key '%s' in option %s"
                                    % (elem, opt))
      if key in kv_dict:
        raise errors.ParameterError("Duplicate key '%s' in option %s" %
                                    (key, opt))
      kv_dict[key] = val
  return kv_dict


def _CheckIdentKeyVal(option, opt, value):
  """'ident:key=val,...' → (ident, {key: val}); 'no_ident' → (ident, False)."""
  if ":" not in value:
    ident, rest = value, ""
  else:
    ident, rest = value.split(":", 1)
  if ident.startswith("no_"):
    if rest:
      raise errors.ParameterError("Cannot pass options when removing"
                                  " parameter groups: %s" % value)
    return (ident[len("no_"):], False)
  if ident.startswith("-") and (len(ident) == 1 or not ident[1].isdigit()):
    # "-1:add,..." is a negative index, not a reset
    if rest:
      raise errors.ParameterError("Cannot pass options when removing"
                                  " parameter groups: %s" % value)
    return (ident[1:], None)
  return (ident, _SplitKeyVal(opt, rest))


def _CheckKeyVal(option, opt, value):
  return _SplitKeyVal(opt, value)


def _CheckUnit(option, opt, value):
  try:
    return utils.ParseUnit(value)
  except errors.UnitParseError as err:
    raise optparse.OptionValueError("option %s: %s" % (opt, err))


def _CheckBool(option, opt, value):
  value = value.lower()
  if value in ("false", "no"):
    return False
  if value in ("true", "yes"):
    return True
  raise errors.ParameterError("Invalid boolean value '%s'" % value)


def _CheckList(option, opt, value):
  return utils.UnescapeAndSplit(value) if value else []


class CliOption(optparse.Option):
  """optparse option with Ganeti's extra value types."""
  ATTRS = optparse.Option.ATTRS + ["completion_suggest"]
  TYPES = optparse.Option.TYPES + ("identkeyval", "keyval", "unit", "bool",
                                   "list", "maybefloat")
  TYPE_CHECKER = dict(optparse.Option.TYPE_CHECKER)
  TYPE_CHECKER["identkeyval"] = _CheckIdentKeyVal
  TYPE_CHECKER["keyval"] = _CheckKeyVal
  TYPE_CHECKER["unit"] = _CheckUnit
  TYPE_CHECKER["bool"] = _CheckBool
  TYPE_CHECKER["list"] = _CheckList
  TYPE_CHECKER["maybefloat"] = lambda o, opt, v: float(v)

  def take_action(self, action, dest, opt, value, values, parser):
    """optparse's actions, except that "append" builds a new list.

    optparse appends to the default list itself; an option object is shared
    by several commands (and parsed more than once in one process by the
    tests), so a default of [] must stay empty.

    """
    if action == "append":
      current = getattr(values, dest, None) or []
      setattr(values, dest, list(current) + [value])
      return 1
    return optparse.Option.take_action(self, action, dest, opt, value,
                                       values, parser)


cli_option = CliOption


class TitledHelpFormatter(optparse.TitledHelpFormatter):
  pass


def _PriorityOptionCb(option, _, value, parser):
  from ganeti.cli import _PRIONAME_TO_VALUE
  setattr(parser.values, option.dest, _PRIONAME_TO_VALUE[value])


DEBUG_OPT = cli_option("-d", "--debug", default=0, action="count",
                       help="Increase debugging level")
REASON_OPT = cli_option("--reason", default=None,
                        help="The reason for executing the command")
COMMON_OPTS = [DEBUG_OPT, REASON_OPT]

NOHDR_OPT = cli_option("--no-headers", default=False, action="store_true",
                       dest="no_headers",
                       help="Don't display column headers")
SEP_OPT = cli_option("--separator", default=None, action="store",
                     dest="separator",
                     help="Separator between output fields (defaults to one"
                     " space)")
USEUNITS_OPT = cli_option("--units", default=None, dest="units",
                          choices=("h", "m", "g", "t"),
                          help="Specify units for output (one of h/m/g/t)")
FIELDS_OPT = cli_option("-o", "--output", dest="output", action="store",
                        type="string", metavar="FIELDS",
                        help="Comma separated list of output fields")
FORCE_OPT = cli_option("-f", "--force", dest="force", action="store_true",
                       default=False, help="Force the operation")
CONFIRM_OPT = cli_option("--yes", dest="confirm", action="store_true",
                         default=False, help="Do not require confirmation")
IGNORE_OFFLINE_OPT = cli_option("--ignore-offline", dest="ignore_offline",
                                action="store_true", default=False,
                                help="Ignore offline nodes and do as much"
                                " as possible")
TAG_SRC_OPT = cli_option("--from", dest="tags_source", default=None,
                         help="File with tag names")
SUBMIT_OPT = cli_option("--submit", dest="submit_only", default=False,
                        action="store_true",
                        help="Submit the job and return the job ID, but"
                        " don't wait for the job to finish")
PRINT_JOBID_OPT = cli_option("--print-jobid", dest="print_jobid",
                             default=False, action="store_true",
                             help="Additionally print the job as first line"
                             " on stdout (for scripting).")
SYNC_OPT = cli_option("--sync", dest="do_locking", default=False,
                      action="store_true",
                      help="Grab locks while doing the queries in order to"
                      " ensure more consistent results")
DRY_RUN_OPT = cli_option("--dry-run", default=False, action="store_true",
                         help="Do not execute the operation, just run the"
                         " check steps and verify if it could be executed")
VERBOSE_OPT = cli_option("-v", "--verbose", default=False,
                         action="store_true", help="Increase the verbosity")
FORCE_FILTER_OPT = cli_option("-F", "--filter", dest="force_filter",
                              action="store_true", default=False,
                              help="Whether command argument should be"
                              " treated as filter")
PRIORITY_OPT = cli_option("--priority", default=None, dest="priority",
                          metavar="|".join(["low", "normal", "high"]),
                          choices=["low", "normal", "high"],
                          action="callback", type="choice",
                          callback=_PriorityOptionCb,
                          help="Priority for opcode processing")
YES_DOIT_OPT = cli_option("--yes-do-it", "--ya-rly", dest="yes_do_it",
                          help="Really do it", action="store_true",
                          default=False)
ROMAN_OPT = cli_option("--roman", dest="roman_integers", default=False,
                       action="store_true",
                       help="Use roman numbers for positive integers")
NONODE_SETUP_OPT = cli_option("--no-node-setup", default=True,
                              action="store_false", dest="node_setup",
                              help="Do not make initial node setup")
NODE_PLACEMENT_OPT = cli_option("-n", "--node", dest="node",
                                help="Target node and optional secondary"
                                " node", metavar="<pnode>[:<snode>]")
NODE_LIST_OPT = cli_option("-n", "--node", dest="nodes", default=[],
                           action="append", metavar="<node>",
                           help="Use only this node (can be used multiple"
                           " times, if not given defaults to all nodes)")
NODEGROUP_OPT = cli_option("-g", "--node-group", dest="nodegroup",
                           help="Node group (name or uuid)",
                           metavar="<nodegroup>", default=None, type="string")
SHUTDOWN_TIMEOUT_OPT = cli_option(
  "--shutdown-timeout", dest="shutdown_timeout", type="int",
  default=constants.DEFAULT_SHUTDOWN_TIMEOUT,
  help="Maximum time to wait for instance shutdown")
TIMEOUT_OPT = cli_option("--timeout", dest="timeout", type="int",
                         default=constants.DEFAULT_SHUTDOWN_TIMEOUT,
                         help="Maximum time to wait")
NO_REMEMBER_OPT = cli_option("--no-remember", dest="no_remember",
                             action="store_true", default=False,
                             help="Perform but do not record the change in"
                             " the configuration")
IGNORE_IPOLICY_OPT = cli_option("--ignore-ipolicy", dest="ignore_ipolicy",
                                action="store_true", default=False,
                                help="Ignore instance policy violations")
ERROR_CODES_OPT = cli_option("--error-codes", dest="error_codes",
                             help="Enable parseable error messages",
                             action="store_true", default=False)
IGNORE_ERRORS_OPT = cli_option("-I", "--ignore-errors", default=[],
                               action="append", dest="ignore_errors",
                               choices=None,
                               help="Error code to be ignored")
NONPLUS1_OPT = cli_option("--no-nplus1-mem", dest="skip_nplusone_mem",
                          help="Skip N+1 memory redundancy tests",
                          action="store_true", default=False)
DEBUG_SIMERR_OPT = cli_option("--debug-simulate-errors", default=False,
                              action="store_true",
                              help="Debugging option that makes the"
                              " operation treat most runtime checks as"
                              " failed")
AUTO_PROMOTE_OPT = cli_option("--auto-promote", dest="auto_promote",
                              default=False, action="store_true",
                              help="Automatically promote master candidates")
MC_OPT = cli_option("-C", "--master-candidate", dest="master_candidate",
                    type="bool", default=None, metavar="yes|no",
                    help="Set the master_candidate flag on the node")
OFFLINE_OPT = cli_option("-O", "--offline", dest="offline", metavar="yes|no",
                         type="bool", default=None,
                         help="Set the offline flag on the node")
DRAINED_OPT = cli_option("-D", "--drained", dest="drained", metavar="yes|no",
                         type="bool", default=None,
                         help="Set the drained flag on the node")
CAPAB_MASTER_OPT = cli_option("--master-capable", dest="master_capable",
                              type="bool", default=None, metavar="yes|no",
                              help="Set the master_capable flag on the node")
CAPAB_VM_OPT = cli_option("--vm-capable", dest="vm_capable", type="bool",
                          default=None, metavar="yes|no",
                          help="Set the vm_capable flag on the node")
NODE_PARAMS_OPT = cli_option("--node-parameters", dest="ndparams",
                             type="keyval", default={},
                             help="Node parameters")
SECONDARY_IP_OPT = cli_option("-s", "--secondary-ip", dest="secondary_ip",
                              help="Specify the secondary ip for the node",
                              metavar="ADDRESS", default=None)
READD_OPT = cli_option("--readd", dest="readd", default=False,
                       action="store_true", help="Readd old node after"
                       " replacing it")
NOSSH_KEYCHECK_OPT = cli_option("--no-ssh-key-check", dest="ssh_key_check",
                                default=True, action="store_false",
                                help="Disable SSH key fingerprint checking")
NODE_FORCE_JOIN_OPT = cli_option("--force-join", dest="force_join",
                                 default=False, action="store_true",
                                 help="Force the joining of a node")


# OS parameters (private and secret kinds; see cmdlib.os_params)
OSPARAMS_PRIVATE_OPT = cli_option("--os-parameters-private",
                                  dest="osparams_private", type="keyval",
                                  default={},
                                  help="Private OS parameters (stored, but"
                                  " never shown or logged)")
OSPARAMS_SECRET_OPT = cli_option("--os-parameters-secret",
                                 dest="osparams_secret", type="keyval",
                                 default={},
                                 help="Secret OS parameters (neither shown,"
                                 " logged nor stored; give them with every"
                                 " operation that needs them)")


# Options that several gnt-* commands share: one object each, so that the
# name, default, metavar and help text are the same everywhere they appear
# (lib/client/*.py import them; test_cli_shared_opts checks that no command
# defines its own copy of -I/--iallocator).
IALLOCATOR_OPT = cli_option("-I", "--iallocator", dest="iallocator",
                            metavar="<NAME>", default=None, type="string",
                            help="Select nodes for the instance automatically"
                            " using the <NAME> iallocator plugin")
BACKEND_OPT = cli_option("-B", "--backend-parameters", dest="beparams",
                         type="keyval", default={},
                         help="Backend parameters")
NIC_PARAMS_OPT = cli_option("-N", "--nic-parameters", dest="nicparams",
                            type="keyval", default={},
                            help="NIC parameters")
DISK_PARAMS_OPT = cli_option("-D", "--disk-parameters", dest="diskparams",
                             type="identkeyval", action="append", default=[],
                             help="Disk template parameters, in the format"
                             " template:option=value,option=value,...")
DISK_OPT = cli_option("--disk", dest="disks", action="append",
                      type="identkeyval", default=[],
                      help="Disk parameters")
OS_OPT = cli_option("-o", "--os-type", dest="os", default=None,
                    metavar="<os>", help="What OS to run")
FORCE_VARIANT_OPT = cli_option("--force-variant", dest="force_variant",
                               action="store_true", default=False,
                               help="Force an unknown variant")
OSPARAMS_OPT = cli_option("-O", "--os-parameters", dest="osparams",
                          type="keyval", default={}, help="OS parameters")
FILESTORE_DRIVER_OPT = cli_option("--file-driver", dest="file_driver",
                                  default=None,
                                  choices=sorted(constants.FILE_DRIVER),
                                  help="Driver to use for image files")
NOIPCHECK_OPT = cli_option("--no-ip-check", dest="ip_check", default=True,
                           action="store_false",
                           help="Don't check that the instance's IP is alive")
IPCHECK_OPT = cli_option("--ip-check", dest="ip_check", action="store_true",
                         help="Check that the instance's IP is alive")
NONAMECHECK_OPT = cli_option("--no-name-check", dest="name_check",
                             default=True, action="store_false",
                             help="Don't check that the instance's name is"
                             " resolvable")
NAMECHECK_OPT = cli_option("--name-check", dest="name_check",
                           action="store_true",
                           help="Check that the instance's name is"
                           " resolvable")
NOCONFLICTSCHECK_OPT = cli_option("--no-conflicts-check",
                                  dest="conflicts_check", default=True,
                                  action="store_false",
                                  help="Don't check for conflicting IPs")
TAG_ADD_OPT = cli_option("--tags", dest="tags", default=None,
                         help="Comma-separated list of instance tags")
EARLY_RELEASE_OPT = cli_option("--early-release", dest="early_release",
                               default=False, action="store_true",
                               help="Release the locks on the secondary"
                               " node(s) early")
NEW_SECONDARY_OPT = cli_option("-n", "--new-secondary", dest="dst_node",
                               metavar="NODE", default=None,
                               help="Specifies the new node for the"
                               " instance")
DST_NODE_OPT = cli_option("-n", "--target-node", dest="dst_node",
                          default=None, metavar="<node>",
                          help="Target node for shared-storage instances")
IGNORE_CONSIST_OPT = cli_option("--ignore-consistency",
                                dest="ignore_consistency",
                                action="store_true", default=False,
                                help="Ignore the consistency of the disks on"
                                " the secondary")
SINGLE_NODE_OPT = cli_option("-n", "--node", dest="node", default=None,
                             metavar="<node>", help="Target node")
OOB_TIMEOUT_OPT = cli_option("--oob-timeout", dest="oob_timeout", type="int",
                             default=oob.OOB_TIMEOUT,
                             help="Maximum time to wait for out-of-band"
                             " helper")
