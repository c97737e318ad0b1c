"""gnt-cluster command and copyfile: running and copying over SSH.

Neither submits a job: the node list comes from a LUXI query, then each
selected online node is reached over SSH as root (see L{ssh}), one after
the other.  Offline nodes are skipped with a note on stderr.
"""

import os

from ganeti import errors
from ganeti import ssh
from ganeti import utils
from ganeti.cli import ToStdout, ToStderr, GetClient
from ganeti.cli_opts import (NODE_LIST_OPT, NODEGROUP_OPT, ArgCommand,
                             ArgFile, cli_option)

SHOW_MACHINE_OPT = cli_option("-M", "--show-machine-names", default=False,
                              action="store_true", dest="show_machine_names",
                              help="Show machine name for every line in"
                              " output")
FAILURE_ONLY_OPT = cli_option("--failure-only", default=False,
                              action="store_true", dest="failure_only",
                              help="Display only failures (exit code not"
                              " 0); the output of successful commands is"
                              " dropped")
USE_REPL_NET_OPT = cli_option("--use-replication-network",
                              dest="use_replication_network",
                              help="Whether to use the replication network"
                              " for talking to the nodes",
                              action="store_true", default=False)

_SEPARATOR = "-" * 48


def _NodeRows(cl, nodes, nodegroup):
  """[(name, offline, pip, sip, is master, ssh port)] in name order."""
  rows = cl.QueryNodes(names=nodes or [], fields=[
    "name", "offline", "pip", "sip", "master", "group", "group.uuid",
    "ndp/ssh_port"], use_locking=False)
  if nodegroup:
    rows = [r for r in rows if nodegroup in (r[5], r[6])]
    if not rows:
      groups = cl.QueryGroups([], ["name", "uuid"], False)
      if not any(nodegroup in tuple(g) for g in groups):
        raise errors.OpPrereqError("Node group '%s' not found" % nodegroup,
                                   errors.ECODE_NOENT)
  result = [(r[0], r[1], r[2], r[3], r[4], r[7] or 22) for r in rows]
  return sorted(result, key=lambda r: utils.NiceSortKey(r[0]))


def _OnlineNodes(rows):
  offline = [r[0] for r in rows if r[1]]
  if offline:
    ToStderr("Note: skipping offline node(s): %s" % ", ".join(offline))
  return [r for r in rows if not r[1]]


def RunClusterCommand(opts, args):
  """Run a command (all arguments joined by spaces) on the nodes.

  The master comes last; for every node a separator, the node's name and
  the output, then the exit code are printed.  The exit code of
  gnt-cluster is 0 whatever the commands return.
  """
  cl = GetClient()
  command = " ".join(args)
  rows = _OnlineNodes(_NodeRows(cl, opts.nodes, opts.nodegroup))
  (cluster_name, ) = cl.QueryConfigValues(["cluster_name"])
  masters = [r for r in rows if r[4]]
  rows = [r for r in rows if not r[4]] + masters
  srun = ssh.SshRunner(cluster_name)
  for (name, _, pip, _, _, port) in rows:
    result = srun.Run(name, pip, command, port=port)
    if opts.failure_only and result.exit_code == 0:
      continue
    ToStdout(_SEPARATOR)
    if opts.show_machine_names:
      for line in result.output.splitlines():
        ToStdout("%s: %s", name, line)
    else:
      ToStdout("node: %s", name)
      ToStdout("%s", result.output)
    ToStdout("return code = %s", result.exit_code)
  return 0


def ClusterCopyFile(opts, args):
  """Copy a file to the same path on every selected node but the master."""
  filename = os.path.abspath(args[0])
  if not os.path.exists(filename):
    raise errors.OpPrereqError("No such filename '%s'" % filename,
                               errors.ECODE_INVAL)
  cl = GetClient()
  (cluster_name, ) = cl.QueryConfigValues(["cluster_name"])
  rows = _OnlineNodes(_NodeRows(cl, opts.nodes, opts.nodegroup))
  srun = ssh.SshRunner(cluster_name)
  for (name, _, pip, sip, is_master, port) in rows:
    if is_master:
      continue
    address = sip if opts.use_replication_network else pip
    if not srun.CopyFileToNode(name, address, filename, port=port):
      ToStderr("Copy of file %s to node %s:%d failed", filename,
               sip if opts.use_replication_network else name, port)
  return 0


#: rows for gnt-cluster's commands table
COMMANDS = {
  "command": (RunClusterCommand, [ArgCommand(min=1)],
              [NODE_LIST_OPT, NODEGROUP_OPT, SHOW_MACHINE_OPT,
               FAILURE_ONLY_OPT],
              "[-n node...] <command>",
              "Runs a command on all (or only some) nodes"),
  "copyfile": (ClusterCopyFile, [ArgFile(min=1, max=1)],
               [NODE_LIST_OPT, USE_REPL_NET_OPT, NODEGROUP_OPT],
               "[-n node...] <filename>",
               "Copies a file to all (or only some) nodes"),
}
