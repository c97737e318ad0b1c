"""gnt-cluster epo: emergency power-off (and back on) of nodes.

Off: every instance with a node among the targets is shut down (without
remembering the stop), then the nodes that have an out-of-band helper
are powered off with OP_OOB_COMMAND.  On (``--on``): the nodes are
powered on through OOB, and once every target node's daemon answers the
instances are started again (without remembering).  Nodes without OOB
support are reported and left alone; they count as reachable when their
node daemon answers.  The master can only be part of an off operation
with ``--all``.
"""

import itertools
import time

from ganeti import cli
from ganeti import constants
from ganeti import netutils
from ganeti import opcodes
from ganeti.cli import ToStdout, ToStderr, GetClient
from ganeti.cli_opts import (cli_option, FORCE_OPT, OOB_TIMEOUT_OPT,
                             SHUTDOWN_TIMEOUT_OPT)

#: Seconds to wait for the node daemons of powered-on nodes
EPO_REACHABLE_TIMEOUT = 15 * 60
_OOB_POWER_ON = "power-on"
_OOB_POWER_OFF = "power-off"
_OOB_POWER_DELAY = 2.0
#: query result status "normal" (the data is valid)
_RS_NORMAL = 0

EPO_OPTS = [
  FORCE_OPT,
  cli_option("--groups", dest="groups", action="store_true", default=False,
             help="Arguments are node groups instead of nodes"),
  cli_option("--all", dest="show_all", action="store_true", default=False,
             help="Act on all nodes (the whole cluster)"),
  cli_option("--on", dest="on", action="store_true", default=False,
             help="Recover from an EPO"),
  OOB_TIMEOUT_OPT,
  SHUTDOWN_TIMEOUT_OPT,
  cli_option("--power-delay", dest="power_delay", type="float",
             default=_OOB_POWER_DELAY,
             help="Time in seconds to wait between powering on nodes"),
]


def _OobPower(opts, node_list, power):
  """Power nodes on or off through OP_OOB_COMMAND; True on success."""
  op_class = opcodes.OP_MAPPING.get("OP_OOB_COMMAND")
  if op_class is None:
    ToStderr("Out-of-band power management is not available: cannot power"
             " %s %s", "on" if power else "off", ", ".join(node_list))
    return False
  command = _OOB_POWER_ON if power else _OOB_POWER_OFF
  op = op_class(node_names=node_list, command=command, ignore_status=True,
                timeout=opts.oob_timeout, power_delay=opts.power_delay)
  result = cli.SubmitOpCode(op, opts=opts)
  errs = 0
  for node_result in result:
    (node_tuple, data_tuple) = node_result
    (_, node_name) = node_tuple
    (data_status, _) = data_tuple
    if data_status != _RS_NORMAL:
      errs += 1
      ToStderr("Unable to power %s node %s", "on" if power else "off",
               node_name)
  return errs == 0


def _InstanceStart(opts, inst_list, start):
  """Start or stop instances (no_remember); True if all jobs succeeded."""
  if not inst_list:
    return True
  if start:
    opcls = opcodes.OpInstanceStartup
    text_submit, text_success, text_failed = ("startup", "started",
                                              "starting")
    extra = {}
  else:
    opcls = opcodes.OpInstanceShutdown
    text_submit, text_success, text_failed = ("shutdown", "stopped",
                                              "stopping")
    extra = {"timeout": opts.shutdown_timeout}
  jex = cli.JobExecutor(opts=opts)
  for inst in sorted(inst_list):
    ToStdout("Submit %s of instance %s", text_submit, inst)
    jex.QueueJob(inst, opcls(instance_name=inst, no_remember=True, **extra))
  results = jex.GetResults()
  bad = sum(1 for (success, _) in results if not success)
  if bad:
    ToStderr("There were errors while %s instances:\n%d error(s) out of %d"
             " instance(s)", text_failed, bad, len(inst_list))
    return False
  ToStdout("All instances have been %s successfully", text_success)
  return True


def _Reachable(ips):
  port = netutils.GetDaemonPort(constants.NODED)
  return set(node for (node, ip) in ips.items()
             if netutils.TcpPing(ip, port, timeout=1, live_port_needed=True))


def _WaitReachable(node_ips, timeout=EPO_REACHABLE_TIMEOUT, interval=1.0):
  """Wait until every node daemon answers; the reachable set at the end."""
  deadline = time.monotonic() + timeout
  while True:
    up = _Reachable(node_ips)
    if up == set(node_ips) or time.monotonic() >= deadline:
      return up
    time.sleep(interval)


def _EpoOn(opts, all_nodes, node_list, inst_map, node_ips):
  if node_list and not _OobPower(opts, node_list, True):
    ToStderr("Not all nodes seem to get back up, investigate and start"
             " manually if needed")
  ToStdout("Waiting until all nodes are available again")
  up = _WaitReachable(dict((n, node_ips[n]) for n in all_nodes
                           if n in node_ips))
  startable = [inst for (inst, nodes) in inst_map.items() if nodes <= up]
  if not _InstanceStart(opts, startable, True) or \
      len(startable) != len(inst_map):
    ToStderr("Please investigate and start stopped instances manually")
    return constants.EXIT_FAILURE
  return constants.EXIT_SUCCESS


def _EpoOff(opts, node_list, inst_map):
  if not _InstanceStart(opts, list(inst_map), False):
    ToStderr("Please investigate and stop instances manually before"
             " continuing")
    return constants.EXIT_FAILURE
  if not node_list:
    return constants.EXIT_SUCCESS
  if _OobPower(opts, node_list, False):
    return constants.EXIT_SUCCESS
  return constants.EXIT_FAILURE


def _Confirm(names, list_type, text):
  return cli.AskUser("The %s will operate on %d %s.\nDo you want to"
                     " continue?" % (text, len(names), list_type))


def Epo(opts, args):
  """EPO: shut down instances and power off nodes, or the reverse."""
  if opts.groups and opts.show_all:
    ToStderr("Only one of --groups or --all are allowed")
    return constants.EXIT_FAILURE
  if args and opts.show_all:
    ToStderr("Arguments in combination with --all are not allowed")
    return constants.EXIT_FAILURE
  cl = GetClient()
  if opts.groups:
    node_query = list(itertools.chain(
      *[row[0] for row in cl.QueryGroups(args, ["node_list"], False)]))
  else:
    node_query = args
  result = cl.QueryNodes(node_query, ["name", "master", "pinst_list",
                                      "sinst_list", "powered", "offline",
                                      "pip"], False)
  all_nodes = [row[0] for row in result]
  node_ips = dict((row[0], row[6]) for row in result)
  node_list = []
  inst_map = {}
  for (node, master, pinsts, sinsts, powered, offline, _) in result:
    if not offline:
      for inst in (pinsts or []) + (sinsts or []):
        inst_map.setdefault(inst, set()).add(node)
    if master and opts.on:
      # the command runs on the master: it is up already
      continue
    if master and not opts.show_all:
      ToStderr("%s is the master node, please do a master-failover to"
               " another node not affected by the EPO or use --all if you"
               " intend to shutdown the whole cluster", node)
      return constants.EXIT_FAILURE
    if powered is None:
      ToStdout("Node %s does not support out-of-band handling, it can not"
               " be handled in a fully automated manner", node)
    elif powered == opts.on:
      ToStdout("Node %s is already in desired power state, skipping", node)
    elif not offline or powered:
      node_list.append(node)
  if not (opts.force or _Confirm(all_nodes, "nodes", "epo")):
    return constants.EXIT_FAILURE
  if opts.on:
    return _EpoOn(opts, all_nodes, node_list, inst_map, node_ips)
  return _EpoOff(opts, node_list, inst_map)
