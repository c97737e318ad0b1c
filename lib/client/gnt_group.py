"""gnt-group: node group administration."""

import shlex

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import opcodes
from ganeti import utils
from ganeti.cli import (ToStdout, ToStderr, SubmitOpCode, SubmitOrSend,
                        GetClient, PrintGenericInfo, FormatParamsDictInfo)
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.client import group_opts as go

_LIST_DEF_FIELDS = ["name", "node_cnt", "pinst_cnt", "alloc_policy",
                    "ndparams"]

_MULTI = [SUBMIT_OPT, PRINT_JOBID_OPT, PRIORITY_OPT]  # noqa: F405


def _GroupParams(opts):
  return dict(alloc_policy=opts.alloc_policy,
              ndparams=opts.ndparams or None,
              diskparams=go.DiskParamsFromOpts(opts),
              hv_state=go.HvStateFromOpts(opts),
              disk_state=go.DiskStateFromOpts(opts),
              ipolicy=go.IPolicyFromOpts(opts))


def AddGroup(opts, args):
  """Create a node group (OP_GROUP_ADD)."""
  (group_name, ) = args
  op = opcodes.OpGroupAdd(group_name=group_name, **_GroupParams(opts))
  SubmitOrSend(op, opts)
  return 0


def AssignNodes(opts, args):
  """Move nodes into a group (OP_GROUP_ASSIGN_NODES)."""
  group_name = args[0]
  op = opcodes.OpGroupAssignNodes(group_name=group_name, nodes=args[1:],
                                  force=opts.force)
  SubmitOrSend(op, opts)
  return 0


def ListGroups(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  return cli_query.GenericList(
    "group", selected, args, None, opts.separator, not opts.no_headers,
    cl=GetClient(), format_override=cli_query.GROUP_LIST_OVERRIDE,
    verbose=opts.verbose, force_filter=opts.force_filter)


def ListGroupFields(opts, args):
  return cli_query.GenericListFields("group", args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def SetGroupParams(opts, args):
  """Change a group's parameters (OP_GROUP_SET_PARAMS)."""
  params = _GroupParams(opts)
  if list(params.values()).count(None) == len(params):
    ToStderr("Please give at least one of the parameters.")
    return 1
  op = opcodes.OpGroupSetParams(group_name=args[0], **params)
  result = SubmitOrSend(op, opts)
  if result:
    ToStdout("Modified node group %s", args[0])
    for (param, data) in result:
      ToStdout(" - %-5s -> %s", param, data)
  return 0


def RemoveGroup(opts, args):
  (group_name, ) = args
  SubmitOrSend(opcodes.OpGroupRemove(group_name=group_name), opts)
  return 0


def RenameGroup(opts, args):
  (group_name, new_name) = args
  SubmitOrSend(opcodes.OpGroupRename(group_name=group_name,
                                     new_name=new_name), opts)
  return 0


def EvacuateGroup(opts, args):
  """Move every instance out of a group (OP_GROUP_EVACUATE + its jobs)."""
  (group_name, ) = args
  cl = GetClient()
  op = opcodes.OpGroupEvacuate(group_name=group_name,
                               iallocator=opts.iallocator,
                               target_groups=opts.to,
                               early_release=opts.early_release,
                               sequential=opts.sequential,
                               force_failover=opts.force_failover)
  result = SubmitOpCode(op, cl=cl, opts=opts)
  bad_cnt = go.WaitForChildJobs(cl, opts, result)
  if bad_cnt == 0:
    ToStdout("All instances evacuated successfully.")
    return constants.EXIT_SUCCESS
  ToStdout("There were %s errors during the evacuation.", bad_cnt)
  return constants.EXIT_FAILURE


def GroupInfo(opts, args):
  """Show the parameters of groups: own values, inherited ones as
  'default (value)'."""
  cl = GetClient()
  selected = ["name", "ndparams", "custom_ndparams", "diskparams",
              "custom_diskparams", "ipolicy", "custom_ipolicy"]
  result = cl.QueryGroups(names=args, fields=selected, use_locking=False)
  data = []
  for (name, ndparams, custom_ndparams, diskparams, custom_diskparams,
       ipolicy, custom_ipolicy) in result:
    data.append([
      ("Node group", name),
      ("Node parameters", FormatParamsDictInfo(custom_ndparams, ndparams)),
      ("Disk parameters", FormatParamsDictInfo(custom_diskparams, diskparams)),
      ("Instance policy", go.FormatPolicyInfo(custom_ipolicy, ipolicy)),
    ])
  PrintGenericInfo(data)
  return 0


def _SpecsArg(minmax):
  return "//".join("/".join(
    "%s:%s" % (key, ",".join("%s=%s" % (k, pair[key][k])
                             for k in sorted(pair[key])))
    for key in (constants.ISPECS_MIN, constants.ISPECS_MAX))
    for pair in minmax)


def ShowIspecsCmd(opts, args):
  """Print the gnt-group modify command lines recreating the groups'
  instance policies."""
  cl = GetClient()
  field = "ipolicy" if opts.include_defaults else "custom_ipolicy"
  result = cl.QueryGroups(names=args, fields=["name", field],
                          use_locking=False)
  for (name, ipolicy) in result:
    parts = ["gnt-group modify"]
    if constants.ISPECS_MINMAX in ipolicy:
      parts.append("--ipolicy-bounds-specs %s" %
                   _SpecsArg(ipolicy[constants.ISPECS_MINMAX]))
    if constants.IPOLICY_DTS in ipolicy:
      parts.append("--ipolicy-disk-templates %s" %
                   ",".join(ipolicy[constants.IPOLICY_DTS]))
    for key in (constants.IPOLICY_VCPU_RATIO,
                constants.IPOLICY_SPINDLE_RATIO):
      if key in ipolicy:
        parts.append("--ipolicy-%s %s" % (key, ipolicy[key]))
    parts.append(shlex.quote(name))
    ToStdout(" ".join(parts))
  return 0


(ListTags, AddTags, RemoveTags) = cli.TagCommands(constants.TAG_NODEGROUP)

_GROUP_ARG = ArgGroup(min=1, max=1)  # noqa: F405

commands = {
  "add": (AddGroup, ARGS_ONE_GROUP,  # noqa: F405
          [DRY_RUN_OPT, NODE_PARAMS_OPT] + go.GROUP_PARAM_OPTS +  # noqa
          _MULTI,
          "<group_name>", "Add a new node group to the cluster"),
  "assign-nodes": (AssignNodes, [_GROUP_ARG, ArgNode(min=1)],  # noqa: F405
                   [DRY_RUN_OPT, FORCE_OPT] + _MULTI,  # noqa: F405
                   "<group_name> <node>...", "Assign nodes to a group"),
  "list": (ListGroups, ARGS_MANY_GROUPS,  # noqa: F405
           [NOHDR_OPT, SEP_OPT, FIELDS_OPT, VERBOSE_OPT,  # noqa: F405
            FORCE_FILTER_OPT],  # noqa: F405
           "[<group_name>...]", "Lists the node groups in the cluster. The"
           " available fields can be shown using the \"list-fields\""
           " command (see the man page for details). The default list is"
           " (in order): %s." % utils.CommaJoin(_LIST_DEF_FIELDS)),
  "list-fields": (ListGroupFields, [ArgUnknown()],  # noqa: F405
                  [NOHDR_OPT, SEP_OPT], "[fields...]",  # noqa: F405
                  "Lists all available fields for node groups"),
  "modify": (SetGroupParams, ARGS_ONE_GROUP,  # noqa: F405
             [DRY_RUN_OPT, NODE_PARAMS_OPT] + go.GROUP_PARAM_OPTS +  # noqa
             _MULTI,
             "<group_name>", "Alters the parameters of a node group"),
  "remove": (RemoveGroup, ARGS_ONE_GROUP,  # noqa: F405
             [DRY_RUN_OPT] + _MULTI,  # noqa: F405
             "[--dry-run] <group-name>",
             "Remove an (empty) node group from the cluster"),
  "rename": (RenameGroup, [_GROUP_ARG, ArgUnknown(min=1, max=1)],  # noqa
             [DRY_RUN_OPT] + _MULTI,  # noqa: F405
             "[--dry-run] <group-name> <new-name>", "Rename a node group"),
  "evacuate": (EvacuateGroup, [_GROUP_ARG],
               [go.TO_GROUP_OPT, go.IALLOCATOR_OPT, go.EARLY_RELEASE_OPT,
                go.SEQUENTIAL_OPT, go.FORCE_FAILOVER_OPT] + _MULTI,
               "[-I <iallocator>] [--to <group>] <group-name>",
               "Evacuate all instances within a group"),
  "list-tags": (ListTags, ARGS_ONE_GROUP, [],  # noqa: F405
                "<group-name>", "List the tags of the given group"),
  "add-tags": (AddTags, [_GROUP_ARG, ArgUnknown()],  # noqa: F405
               [TAG_SRC_OPT] + _MULTI,  # noqa: F405
               "<group-name> tag...", "Add tags to the given group"),
  "remove-tags": (RemoveTags, [_GROUP_ARG, ArgUnknown()],  # noqa: F405
                  [TAG_SRC_OPT] + _MULTI,  # noqa: F405
                  "<group-name> tag...", "Remove tags from the given group"),
  "info": (GroupInfo, ARGS_MANY_GROUPS, [],  # noqa: F405
           "[<group-name>...]", "Show group information"),
  "show-ispecs-cmd": (ShowIspecsCmd, ARGS_MANY_GROUPS,  # noqa: F405
                      [cli_option("--include-defaults",  # noqa: F405
                                  dest="include_defaults", default=False,
                                  action="store_true",
                                  help="Include cluster defaults")],
                      "[--include-defaults] [<group-name>...]",
                      "Show the command line to set instance specs"),
}


def Main():
  return cli.GenericMain(commands, env_override={"list": "GNT_GROUP_LIST"})
