"""gnt-os: operating system definitions."""

from ganeti import cli
from ganeti import opcodes
from ganeti import utils
from ganeti.cli import ToStdout, SubmitOpCode
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
         fo_api) = node_info.pop(0)
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
        fo_msg += " [trusted]"
        if fo_status:
          nodes_valid[node_name] = fo_msg
        else:
          nodes_bad[node_name] = fo_msg
        for hpath, hstatus, hmsg, _, _, _ in node_info:
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


def _OsStatus(status, diagnose):
  if status:
    return "valid"
  return "invalid - %s" % diagnose


commands = {
  "list": (ListOS, ARGS_NONE, [NOHDR_OPT, PRIORITY_OPT], "",
           "Lists all valid operating systems on the cluster"),
  "diagnose": (DiagnoseOS, ARGS_NONE, [PRIORITY_OPT], "",
               "Diagnose all operating systems"),
}


def Main():
  return cli.GenericMain(commands)
