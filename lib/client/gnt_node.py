"""gnt-node: node administration."""

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import qlang
from ganeti.cli import (ToStdout, ToStderr, SubmitOpCode, SubmitOrSend,
                        GetClient, PrintGenericInfo, FormatParamsDictInfo)
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.client import gnt_node_ops

_LIST_DEF_FIELDS = ["name", "dtotal", "dfree", "mtotal", "mnode", "mfree",
                    "pinst_cnt", "sinst_cnt"]


def AddNode(opts, args):
  """Add a node: prepare it (certificates, noded), then OP_NODE_ADD."""
  from ganeti import netutils
  from ganeti import nodesetup
  node = netutils.GetHostname(name=args[0]).name
  cl = GetClient()
  readd = opts.readd
  try:
    output = cl.QueryNodes(names=[node], fields=["name", "sip", "master"],
                           use_locking=False)
    node_exists, _, is_master = output[0]
  except (errors.OpPrereqError, IndexError):
    node_exists, is_master = None, False
  if readd:
    if not node_exists:
      ToStderr("Node %s not in the cluster - please retry without"
               " '--readd'", node)
      return 1
    if is_master:
      ToStderr("Node %s is the master, cannot readd", node)
      return 1
  else:
    if node_exists:
      ToStderr("Node %s already in the cluster (as %s) - please retry with"
               " '--readd'", node, node_exists)
      return 1
  if not readd and opts.node_setup:
    ToStderr("-- WARNING -- \n"
             "Performing this operation is going to replace the ssh daemon"
             " keypair\non the target machine (%s) with the ones of the"
             " current one\nand grant full intra-cluster ssh root access"
             " to/from it\n", node)
  if opts.node_setup:
    port = nodesetup.GetNewNodeSshPort(cl, node, readd, opts.nodegroup,
                                       opts.ndparams)
    nodesetup.PrepareNodeJoin(node, cl, ssh_key_check=opts.ssh_key_check,
                              port=port)
  op = opcodes.OpNodeAdd(node_name=node, secondary_ip=opts.secondary_ip,
                         readd=opts.readd, group=opts.nodegroup,
                         vm_capable=opts.vm_capable, ndparams=opts.ndparams,
                         master_capable=opts.master_capable,
                         node_setup=opts.node_setup)
  SubmitOpCode(op, opts=opts)
  return 0


def ListNodes(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  return cli_query.GenericList(
    constants_QR_NODE, selected, args, opts.units, opts.separator,
    not opts.no_headers, cl=GetClient(),
    format_override=cli_query.NODE_LIST_OVERRIDE, verbose=opts.verbose,
    force_filter=opts.force_filter)


constants_QR_NODE = "node"


def ListNodeFields(opts, args):
  return cli_query.GenericListFields("node", args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def ShowNodeConfig(opts, args):
  cl = GetClient()
  fields = ["name", "pip", "sip", "pinst_list", "sinst_list",
            "master_candidate", "drained", "offline", "master_capable",
            "vm_capable", "powered", "ndparams", "custom_ndparams"]
  qfilter = qlang.MakeSimpleFilter("name", args) if args else None
  result = cl.Query("node", fields, qfilter)
  rows = [[value for (_, value) in row] for row in result["data"]]
  if args:
    found = set(r[0] for r in rows)
    for name in args:
      if name not in found:
        raise errors.OpPrereqError("Node '%s' not known" % name,
                                   errors.ECODE_NOENT)
  data = []
  for (name, primary_ip, secondary_ip, pinst, sinst, is_mc, drained,
       offline, master_capable, vm_capable, powered, ndparams,
       ndparams_custom) in rows:
    info = [
      ("Node name", name),
      ("primary ip", primary_ip),
      ("secondary ip", secondary_ip),
      ("master candidate", is_mc),
      ("drained", drained),
      ("offline", offline),
    ]
    if powered is not None:
      info.append(("powered", powered))
    info.append(("master_capable", master_capable))
    info.append(("vm_capable", vm_capable))
    if vm_capable:
      info.append(("primary for instances", sorted(pinst)))
      info.append(("secondary for instances", sorted(sinst)))
    info.append(("node parameters",
                 FormatParamsDictInfo(ndparams_custom, ndparams)))
    data.append(info)
  PrintGenericInfo(data)
  return 0


def RemoveNode(opts, args):
  op = opcodes.OpNodeRemove(node_name=args[0])
  SubmitOpCode(op, opts=opts)
  return 0


def SetNodeParams(opts, args):
  all_changes = [opts.master_candidate, opts.drained, opts.offline,
                 opts.master_capable, opts.vm_capable, opts.secondary_ip,
                 opts.ndparams or None, opts.node_powered]
  if all_changes.count(None) == len(all_changes):
    ToStderr("Please give at least one of the parameters.")
    return 1
  op = opcodes.OpNodeSetParams(node_name=args[0],
                               master_candidate=opts.master_candidate,
                               offline=opts.offline, drained=opts.drained,
                               master_capable=opts.master_capable,
                               vm_capable=opts.vm_capable,
                               secondary_ip=opts.secondary_ip,
                               force=opts.force,
                               ndparams=opts.ndparams or None,
                               auto_promote=opts.auto_promote,
                               powered=opts.node_powered)
  result = SubmitOrSend(op, opts)
  if result:
    ToStdout("Modified node %s", args[0])
    for param, data in result:
      ToStdout(" - %-5s -> %s", param, data)
  return 0


(ListTags, AddTags, RemoveTags) = cli.TagCommands(constants.TAG_NODE)

commands = {
  "add": (AddNode, [ArgHost(min=1, max=1)],
          [SECONDARY_IP_OPT, READD_OPT, NOSSH_KEYCHECK_OPT,
           NODE_FORCE_JOIN_OPT, NONODE_SETUP_OPT, VERBOSE_OPT,
           NODEGROUP_OPT, PRIORITY_OPT, CAPAB_MASTER_OPT, CAPAB_VM_OPT,
           NODE_PARAMS_OPT],
          "[-s ip] [--readd] [--no-ssh-key-check] [--force-join]"
          " [--no-node-setup] [--verbose] [--network] <node_name>",
          "Add a node to the cluster"),
  "list": (ListNodes, ARGS_MANY_NODES,
           [NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT, VERBOSE_OPT,
            FORCE_FILTER_OPT],
           "[nodes...]", "Lists the nodes in the cluster. The available"
           " fields can be shown using the \"list-fields\" command (see the"
           " man page for details). The default field list is (in order):"
           " %s." % ", ".join(_LIST_DEF_FIELDS)),
  "list-fields": (ListNodeFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[fields...]", "Lists all available fields for nodes"),
  "info": (ShowNodeConfig, ARGS_MANY_NODES, [], "[<node_name>...]",
           "Show information about the node(s)"),
  "remove": (RemoveNode, ARGS_ONE_NODE, [DRY_RUN_OPT, PRIORITY_OPT],
             "<node_name>", "Removes a node from the cluster"),
  "modify": (SetNodeParams, ARGS_ONE_NODE,
             [FORCE_OPT, SUBMIT_OPT, PRINT_JOBID_OPT, MC_OPT, DRAINED_OPT,
              OFFLINE_OPT, CAPAB_MASTER_OPT, CAPAB_VM_OPT, SECONDARY_IP_OPT,
              AUTO_PROMOTE_OPT, DRY_RUN_OPT, PRIORITY_OPT, NODE_PARAMS_OPT,
              gnt_node_ops.NODE_POWERED_OPT],
             "<node_name>", "Alters the parameters of a node"),
  "list-tags": (ListTags, ARGS_ONE_NODE, [], "<node_name>",
                "List the tags of the given node"),
  "add-tags": (AddTags, [ArgNode(min=1, max=1), ArgUnknown()],
               [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
               "<node_name> tag...", "Add tags to the given node"),
  "remove-tags": (RemoveTags, [ArgNode(min=1, max=1), ArgUnknown()],
                  [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
                  "<node_name> tag...", "Remove tags from the given node"),
  **gnt_node_ops.COMMANDS,
}

aliases = {"show": "info"}


def Main():
  return cli.GenericMain(commands, aliases=aliases,
                         env_override={"list": "GNT_NODE_LIST"})
