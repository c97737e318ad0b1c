"""gnt-os: operating system definitions."""

from ganeti import constants
from ganeti import cli
from ganeti import opcodes
from ganeti import utils
from ganeti.cli import ToStdout, ToStderr, SubmitOpCode, SubmitOrSend
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614


def ListOS(opts, args):
  """One row per valid, visible OS and per OS+variant."""
  op = opcodes.OpOsDiagnose(output_fields=["name", "variants", "valid",
                                           "hidden", "blacklisted"],
                            names=[])
  result = SubmitOpCode(op, opts=opts)
  if result is None:
    return 1
  names = []
  for (name, variants, valid, hidden, blacklisted) in result:
    if not valid or hidden or blacklisted:
      continue
    if variants:
      names.extend("%s+%s" % (name, v) for v in variants)
    else:
      names.append(name)
  names = utils.NiceSort(names)
  rows = [[n] for n in names]
  headers = None if opts.no_headers else {"name": "Name"}
  for line in cli.GenerateTable(headers, ["name"], None, rows):
    ToStdout(line)
  return 0


def DiagnoseOS(opts, args):
  """Per-OS, per-node validity report."""
  op = opcodes.OpOsDiagnose(output_fields=["name", "valid", "variants",
                                           "node_status", "hidden",
                                           "blacklisted"], names=[])
  result = SubmitOpCode(op, opts=opts)
  if result is None:
    return 1
  has_bad = False
  for (os_name, _, os_variants, node_data, hidden, blacklisted) in result:
    nodes_valid = {}
    nodes_bad = {}
    nodes_hidden = {}
    for node_name, node_info in node_data.items():
      nodes_hidden[node_name] = []
      if node_info:
        (fo_path, fo_status, fo_msg, fo_variants, fo_params,
         fo_api) = node_info[0][:6]
        fo_trusted = node_info.pop(0)[6:7] != [False]
        fo_msg = "%s (path: %s)" % (_OsStatus(fo_status, fo_msg), fo_path)
        if fo_api:
          max_os_api = max(fo_api)
          fo_msg += " [API versions: %s]" % utils.CommaJoin(
            str(v) for v in fo_api)
        else:
          max_os_api = 0
          fo_msg += " [no API versions declared]"
        if max_os_api >= 15:
          if fo_variants:
            fo_msg += " [variants: %s]" % utils.CommaJoin(fo_variants)
          else:
            fo_msg += " [no variants]"
        if max_os_api >= 20:
          if fo_params:
            fo_msg += " [parameters: %s]" % utils.CommaJoin(
              [p[0] for p in fo_params])
          else:
            fo_msg += " [no parameters]"
        fo_msg += " [trusted]" if fo_trusted else " [untrusted]"
        if fo_status:
          nodes_valid[node_name] = fo_msg
        else:
          nodes_bad[node_name] = fo_msg
        for (hpath, hstatus, hmsg) in (e[:3] for e in node_info):
          nodes_hidden[node_name].append("    [hidden] path: %s, status: %s" %
                                         (hpath, _OsStatus(hstatus, hmsg)))
      else:
        nodes_bad[node_name] = "OS not found"
    if nodes_valid and not nodes_bad:
      status = "valid"
    elif not nodes_valid and nodes_bad:
      status = "invalid"
      has_bad = True
    else:
      status = "partial valid"
      has_bad = True
    st_msg = "OS: %s [global status: %s]" % (os_name, status)
    if hidden:
      st_msg += " [hidden]"
    if blacklisted:
      st_msg += " [blacklisted]"
    ToStdout(st_msg)
    if os_variants:
      ToStdout("  Variants: [%s]" % utils.CommaJoin(os_variants))
    for node_name in utils.NiceSort(list(nodes_valid) + list(nodes_bad)):
      msg = nodes_valid.get(node_name) or nodes_bad.get(node_name)
      ToStdout("  Node: %s, status: %s", node_name, msg)
      for line in nodes_hidden[node_name]:
        ToStdout(line)
    ToStdout("")
  return int(has_bad)


def _ClusterOsSettings():
  """(os_hvp, osparams) of the cluster, for ``gnt-os info``."""
  cl = cli.GetClient()
  info = cl.QueryClusterInfo()
  return (info.get("os_hvp") or {}, info.get("osparams") or {})


def _FormatParams(params):
  return utils.CommaJoin("%s=%s" % (k, cli.FormatParamValue(v))
                         for (k, v) in sorted(params.items()))


def ShowOSInfo(opts, args):
  """Detailed information about the OSes (all, or those named in args)."""
  op = opcodes.OpOsDiagnose(output_fields=["name", "valid", "variants",
                                           "parameters", "api_versions",
                                           "blacklisted", "hidden"],
                            names=[])
  result = SubmitOpCode(op, opts=opts)
  if not result:
    ToStderr("Can't get the OS list")
    return 1
  (os_hvp, osparams) = _ClusterOsSettings()
  wanted = list(args)
  for (name, valid, variants, parameters, api_versions, blk, hid) in result:
    if wanted:
      if name not in wanted:
        continue
      wanted.remove(name)
    ToStdout("%s:", name)
    ToStdout("  - valid: %s", valid)
    ToStdout("  - hidden: %s", hid)
    ToStdout("  - blacklisted: %s", blk)
    if valid:
      ToStdout("  - API versions:")
      for version in sorted(api_versions):
        ToStdout("    - %s", version)
      ToStdout("  - variants:")
      for vname in variants:
        ToStdout("    - %s", vname)
      ToStdout("  - parameters:")
      for (pname, pdesc) in parameters:
        ToStdout("    - %s: %s", pname, pdesc)
    # cluster-level settings for this OS (not printed when there are none)
    if os_hvp.get(name):
      ToStdout("  - hypervisor parameters:")
      for hv_name in sorted(os_hvp[name]):
        ToStdout("    - %s: %s", hv_name, _FormatParams(os_hvp[name][hv_name]))
    if osparams.get(name):
      ToStdout("  - OS parameters: %s", _FormatParams(osparams[name]))
    ToStdout("")
  for name in wanted:
    ToStdout("%s: ", name)
    ToStdout("")
  return 0


def ModifyOS(opts, args):
  """Change the cluster's settings for one OS (it need not exist yet)."""
  os_name = args[0]
  os_hvp = {os_name: dict(opts.hvparams)} if opts.hvparams else None
  osp = {os_name: opts.osparams} if opts.osparams else None
  osp_private = ({os_name: opts.osparams_private}
                 if opts.osparams_private else None)
  ohid = None
  if opts.hidden is not None:
    ohid = [(constants.DDM_ADD if opts.hidden else constants.DDM_REMOVE,
             os_name)]
  oblk = None
  if opts.blacklisted is not None:
    oblk = [(constants.DDM_ADD if opts.blacklisted else constants.DDM_REMOVE,
             os_name)]
  if not (os_hvp or osp or osp_private or ohid or oblk):
    ToStderr("At least one of OS parameters or hypervisor parameters"
             " must be passed")
    return 1
  op = opcodes.OpClusterSetParams(os_hvp=os_hvp, osparams=osp,
                                  osparams_private_cluster=osp_private,
                                  hidden_os=ohid, blacklisted_os=oblk)
  SubmitOrSend(op, opts)
  return 0


def _OsStatus(status, diagnose):
  if status:
    return "valid"
  return "invalid - %s" % diagnose


_HVLIST_OPT = cli_option("-H", "--hypervisor-parameters", dest="hvparams",
                         default=[], action="append", type="identkeyval",
                         help="Hypervisor and hypervisor options, in the"
                         " format hypervisor:option=value,option=value,...")
_HID_OS_OPT = cli_option("--hidden", dest="hidden", type="bool",
                         default=None, metavar="yes|no",
                         help="Sets the hidden flag on the OS")
_BLK_OS_OPT = cli_option("--blacklisted", dest="blacklisted", type="bool",
                         default=None, metavar="yes|no",
                         help="Sets the blacklisted flag on the OS")

commands = {
  "list": (ListOS, ARGS_NONE, [NOHDR_OPT, PRIORITY_OPT], "",
           "Lists all valid operating systems on the cluster"),
  "diagnose": (DiagnoseOS, ARGS_NONE, [PRIORITY_OPT], "",
               "Diagnose all operating systems"),
  "info": (ShowOSInfo, [ArgOs()], [PRIORITY_OPT], "",
           "Show detailed information about operating systems"),
  "modify": (ModifyOS, ARGS_ONE_OS,
             [_HVLIST_OPT, OSPARAMS_OPT, OSPARAMS_PRIVATE_OPT, DRY_RUN_OPT,
              PRIORITY_OPT,
              _HID_OS_OPT, _BLK_OS_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
             "", "Modify the OS parameters"),
}

aliases = {"show": "info"}


def Main():
  return cli.GenericMain(commands, aliases=aliases)
