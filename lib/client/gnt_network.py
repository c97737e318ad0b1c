"""gnt-network: IP networks, their address pools and node group links."""

import textwrap

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import opcodes
from ganeti import qfields
from ganeti import qlang
from ganeti import utils
from ganeti.cli import SubmitOrSend, SubmitOpCode, GetClient, ToStdout, \
  ToStderr
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614

#: Default fields of "gnt-network list"
_LIST_DEF_FIELDS = ["name", "network", "gateway", "mac_prefix", "group_list",
                    "tags"]

#: Fields shown by "gnt-network info", in order
_INFO_FIELDS = ["name", "network", "gateway", "network6", "gateway6",
                "mac_prefix", "free_count", "reserved_count", "map",
                "group_list", "inst_list", "external_reservations",
                "serial_no", "uuid"]


def _FormatGroupList(groups):
  return utils.CommaJoin("%s (%s, %s, %s)" % tuple(group)
                         for group in groups)


#: Format overrides of "gnt-network list"
NETWORK_LIST_OVERRIDE = {
  "group_list": (_FormatGroupList, False),
  "inst_list": (cli_query.FormatListJoined, False),
  "tags": (cli_query.FormatListJoined, False),
  }


def _SplitIps(text):
  """The --add/remove-reserved-ips value as a list (None if not given)."""
  if text is None:
    return None
  if not text:
    return []
  return utils.UnescapeAndSplit(text, sep=",")


def AddNetwork(opts, args):
  (name, ) = args
  if opts.network is None:
    raise errors.OpPrereqError("The --network option must be given",
                               errors.ECODE_INVAL)
  tags = opts.tags.split(",") if opts.tags else []
  op = opcodes.OpNetworkAdd(network_name=name, network=opts.network,
                            gateway=opts.gateway, network6=opts.network6,
                            gateway6=opts.gateway6,
                            mac_prefix=opts.mac_prefix,
                            add_reserved_ips=_SplitIps(
                              opts.add_reserved_ips),
                            conflicts_check=opts.conflicts_check, tags=tags)
  SubmitOrSend(op, opts)
  return 0


def _GroupsOrAll(cl, groups):
  """The given group names, or the names of all node groups."""
  if groups:
    return list(groups)
  result = cl.Query(qfields.QR_GROUP, ["name"], None)
  rows = result["data"] if isinstance(result, dict) else result.data
  return [row[0][1] for row in rows]


def ConnectNetwork(opts, args):
  cl = GetClient()
  nicparams = objects.FillDict(constants.NICC_DEFAULTS, opts.nicparams)
  for group in _GroupsOrAll(cl, args[1:]):
    op = opcodes.OpNetworkConnect(
      group_name=group, network_name=args[0],
      network_mode=nicparams[constants.NIC_MODE],
      network_link=nicparams[constants.NIC_LINK],
      network_vlan=nicparams.get(constants.NIC_VLAN, ""),
      conflicts_check=opts.conflicts_check)
    SubmitOpCode(op, opts=opts, cl=cl)
  return 0


def DisconnectNetwork(opts, args):
  cl = GetClient()
  for group in _GroupsOrAll(cl, args[1:]):
    op = opcodes.OpNetworkDisconnect(group_name=group, network_name=args[0])
    SubmitOpCode(op, opts=opts, cl=cl)
  return 0


def ListNetworks(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  return cli_query.GenericList(
    qfields.QR_NETWORK, selected, args, opts.units, opts.separator,
    not opts.no_headers, cl=GetClient(),
    format_override=NETWORK_LIST_OVERRIDE, verbose=opts.verbose,
    force_filter=opts.force_filter)


def ListNetworkFields(opts, args):
  return cli_query.GenericListFields(qfields.QR_NETWORK, args,
                                     opts.separator, not opts.no_headers,
                                     cl=GetClient())


def _QueryRows(cl, resource, fields, qfilter):
  result = cl.Query(resource, fields, qfilter)
  rows = result["data"] if isinstance(result, dict) else result.data
  return [[value for (_, value) in row] for row in rows]


def FormatNetworkInfo(row, nic_info):
  """The lines of "gnt-network info" for one network.

  @param row: the values of L{_INFO_FIELDS}
  @param nic_info: instance name → [(nic index, ip, network uuid), ...]

  """
  (name, subnet, gateway, network6, gateway6, mac_prefix, free_count,
   reserved_count, mapping, group_list, instances, ext_res, serial,
   uuid) = row
  size = free_count + reserved_count
  lines = [
    "Network name: %s" % name,
    "UUID: %s" % uuid,
    "Serial number: %d" % serial,
    "  Subnet: %s" % subnet,
    "  Gateway: %s" % gateway,
    "  IPv6 Subnet: %s" % network6,
    "  IPv6 Gateway: %s" % gateway6,
    "  Mac Prefix: %s" % mac_prefix,
    "  Size: %d" % size,
    "  Free: %d (%.2f%%)" % (free_count, 100.0 * free_count / size),
    "  Usage map:",
    ]
  for (idx, start) in enumerate(range(0, len(mapping), 64)):
    chunk = mapping[start:start + 64]
    lines.append("     %s %s %d" % (str(idx * 64).rjust(3), chunk.ljust(64),
                                    idx * 64 + 63))
  lines.append("         (X) used    (.) free")
  if ext_res:
    lines.append("  externally reserved IPs:")
    lines.extend("    %s" % line for line in textwrap.wrap(ext_res, width=64))
  if group_list:
    lines.append("  connected to node groups:")
    lines.extend("    %s (mode:%s link:%s vlan:%s)" % tuple(group)
                 for group in group_list)
  else:
    lines.append("  not connected to any node group")
  if instances:
    lines.append("  used by %d instances:" % len(instances))
    for inst in instances:
      lines.append("    %s: %s" % (inst, ", ".join(
        "%d:%s" % (idx, ip) for (idx, ip, net) in nic_info.get(inst, [])
        if net == uuid)))
  else:
    lines.append("  not used by any instances")
  return lines


def ShowNetworkConfig(opts, args):
  cl = GetClient()
  qfilter = None
  if args:
    qfilter = qlang.MakeSimpleFilter("name", args)
  rows = _QueryRows(cl, qfields.QR_NETWORK, _INFO_FIELDS, qfilter)
  if args:
    found = set(row[0] for row in rows)
    for name in args:
      if name not in found:
        raise errors.OpPrereqError("Network '%s' not found" % name,
                                   errors.ECODE_NOENT)
  inst_names = sorted(set(i for row in rows for i in row[10] or []))
  nic_info = {}
  if inst_names:
    ifilter = qlang.MakeSimpleFilter("name", inst_names)
    for (name, ips, nets) in _QueryRows(cl, qfields.QR_INSTANCE,
                                        ["name", "nic.ips", "nic.networks"],
                                        ifilter):
      nic_info[name] = [(idx, ip, net)
                        for (idx, (ip, net)) in enumerate(zip(ips, nets))]
  for row in rows:
    for line in FormatNetworkInfo(row, nic_info):
      ToStdout("%s", line)
  return 0


def SetNetworkParams(opts, args):
  changes = {
    "gateway": opts.gateway,
    "add_reserved_ips": _SplitIps(opts.add_reserved_ips),
    "remove_reserved_ips": _SplitIps(opts.remove_reserved_ips),
    "mac_prefix": opts.mac_prefix,
    "gateway6": opts.gateway6,
    "network6": opts.network6,
    }
  if all(value is None for value in changes.values()):
    ToStderr("Please give at least one of the parameters.")
    return 1
  SubmitOrSend(opcodes.OpNetworkSetParams(network_name=args[0], **changes),
               opts)
  return 0


def RemoveNetwork(opts, args):
  (name, ) = args
  SubmitOrSend(opcodes.OpNetworkRemove(network_name=name, force=opts.force),
               opts)
  return 0


(ListTags, AddTags, RemoveTags) = cli.TagCommands(constants.TAG_NETWORK)

NETWORK_OPT = cli_option("--network", dest="network", default=None,
                         help="IP network in CIDR notation")
GATEWAY_OPT = cli_option("--gateway", dest="gateway", default=None,
                         help="IP address of the router (gateway)")
ADD_RESERVED_IPS_OPT = cli_option(
  "--add-reserved-ips", dest="add_reserved_ips", default=None,
  help="Comma-separated list of reserved IPs to add")
REMOVE_RESERVED_IPS_OPT = cli_option(
  "--remove-reserved-ips", dest="remove_reserved_ips", default=None,
  help="Comma-delimited list of reserved IPs to remove")
NETWORK6_OPT = cli_option("--network6", dest="network6", default=None,
                          help="IP network in CIDR notation")
GATEWAY6_OPT = cli_option("--gateway6", dest="gateway6", default=None,
                          help="IP6 address of the router (gateway)")
MAC_PREFIX_OPT = cli_option("-m", "--mac-prefix", dest="mac_prefix",
                            default=None,
                            help="Specify the mac prefix for the network")

_ONE_NETWORK = [ArgUnknown(min=1, max=1)]

commands = {
  "add": (AddNetwork, _ONE_NETWORK,
          [DRY_RUN_OPT, NETWORK_OPT, GATEWAY_OPT, ADD_RESERVED_IPS_OPT,
           MAC_PREFIX_OPT, NETWORK6_OPT, GATEWAY6_OPT, NOCONFLICTSCHECK_OPT,
           TAG_ADD_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
          "<network_name>", "Add a new IP network to the cluster"),
  "list": (ListNetworks, [ArgUnknown()],
           [NOHDR_OPT, SEP_OPT, USEUNITS_OPT, FIELDS_OPT, VERBOSE_OPT,
            FORCE_FILTER_OPT],
           "[<network_id>...]",
           "Lists the IP networks in the cluster. The available fields can"
           " be shown using the \"list-fields\" command (see the man page"
           " for details). The default list is (in order): %s." %
           utils.CommaJoin(_LIST_DEF_FIELDS)),
  "list-fields": (ListNetworkFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[fields...]", "Lists all available fields for networks"),
  "info": (ShowNetworkConfig, [ArgUnknown()], [], "[<network_name>...]",
           "Show information about the network(s)"),
  "modify": (SetNetworkParams, _ONE_NETWORK,
             [DRY_RUN_OPT, SUBMIT_OPT, PRINT_JOBID_OPT, ADD_RESERVED_IPS_OPT,
              REMOVE_RESERVED_IPS_OPT, GATEWAY_OPT, MAC_PREFIX_OPT,
              NETWORK6_OPT, GATEWAY6_OPT, PRIORITY_OPT],
             "<network_name>", "Alters the parameters of a network"),
  "connect": (ConnectNetwork, [ArgUnknown(min=1, max=1), ArgGroup()],
              [NOCONFLICTSCHECK_OPT, PRIORITY_OPT, NIC_PARAMS_OPT],
              "<network_name> [<node_group>...]",
              "Map a given network to the specified node group with given"
              " mode and link (netparams)"),
  "disconnect": (DisconnectNetwork, [ArgUnknown(min=1, max=1), ArgGroup()],
                 [PRIORITY_OPT], "<network_name> [<node_group>...]",
                 "Unmap a given network from a specified node group"),
  "remove": (RemoveNetwork, _ONE_NETWORK,
             [FORCE_OPT, DRY_RUN_OPT, SUBMIT_OPT, PRINT_JOBID_OPT,
              PRIORITY_OPT],
             "[--dry-run] <network_id>",
             "Remove an (empty) network from the cluster"),
  "list-tags": (ListTags, _ONE_NETWORK, [], "<network_name>",
                "List the tags of the given network"),
  "add-tags": (AddTags, [ArgUnknown(min=1, max=1), ArgUnknown()],
               [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
               "<network_name> tag...", "Add tags to the given network"),
  "remove-tags": (RemoveTags, [ArgUnknown(min=1, max=1), ArgUnknown()],
                  [TAG_SRC_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
                  "<network_name> tag...", "Remove tags from given network"),
}


def Main():
  return cli.GenericMain(commands)
