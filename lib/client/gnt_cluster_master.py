"""gnt-cluster commands of the master role.

``master-failover`` runs locally on the candidate that takes over (no job:
see :mod:`ganeti.masterfailover`); ``redist-conf``,
``activate-master-ip`` and ``deactivate-master-ip`` are opcodes run by the
master daemon.
"""

from ganeti import cli
from ganeti import masterfailover
from ganeti import opcodes
from ganeti.cli import AskUser, GetClient, SubmitOpCode, ToStderr
from ganeti.cli_opts import (  # noqa: F401
  ARGS_NONE, CONFIRM_OPT, DRY_RUN_OPT, PRINT_JOBID_OPT, PRIORITY_OPT,
  SUBMIT_OPT, YES_DOIT_OPT, cli_option)

NOVOTING_OPT = cli_option(
  "--no-voting", dest="no_voting", default=False, action="store_true",
  help="Skip node agreement check (dangerous)")
IGNORE_OFFLINE_NODES_FAILOVER_OPT = cli_option(
  "--ignore-offline-nodes", dest="ignore_offline_nodes", default=False,
  action="store_true",
  help="Ignores offline nodes for master failover voting")

_NO_VOTING_TEXT = ("This will perform the failover even if most other nodes"
                   " are down, or if this node is outdated. This is dangerous"
                   " as it can lead to a non-consistent cluster. Check the"
                   " gnt-cluster(8) man page before proceeding. Continue?")
_DEACTIVATE_TEXT = ("This will disable the master IP. All the open"
                    " connections to the master IP will be closed. To reach"
                    " the master you will need to use its node IP."
                    " Continue?")


def MasterFailover(opts, args):
  """Make the current node the master (run on a master candidate)."""
  if opts.no_voting and not opts.yes_do_it:
    if not AskUser(_NO_VOTING_TEXT):
      return 1
  (rcode, msgs) = masterfailover.MasterFailover(
    no_voting=opts.no_voting,
    ignore_offline_nodes=opts.ignore_offline_nodes)
  for msg in msgs:
    ToStderr(msg)
  return rcode


def RedistributeConfig(opts, args):
  """Push config.data, ssconf and the cluster files to all nodes."""
  op = opcodes.OpClusterRedistConf()
  if opts.yes_do_it:
    # also works while the queue is drained (e.g. during an upgrade)
    cl = GetClient()
    cli.SetGenericOpcodeOpts([op], opts)
    job_id = cl.SubmitJobToDrainedQueue([op])
    if getattr(opts, "print_jobid", False):
      cli.ToStdout("%d", job_id)
    cli.PollJob(job_id, cl=cl)
  else:
    cli.SubmitOrSend(op, opts)
  return 0


def ActivateMasterIp(opts, args):
  """Bring the master IP up on the master node."""
  SubmitOpCode(opcodes.OpClusterActivateMasterIp(), opts=opts)
  return 0


def DeactivateMasterIp(opts, args):
  """Take the master IP down (asks first unless --yes)."""
  if not opts.confirm and not AskUser(_DEACTIVATE_TEXT):
    return 1
  SubmitOpCode(opcodes.OpClusterDeactivateMasterIp(), opts=opts)
  return 0


#: rows of gnt-cluster's command table
COMMANDS = {
  "master-failover": (
    MasterFailover, ARGS_NONE,
    [NOVOTING_OPT, YES_DOIT_OPT, IGNORE_OFFLINE_NODES_FAILOVER_OPT], "",
    "Makes the current node the master"),
  "redist-conf": (
    RedistributeConfig, ARGS_NONE,
    [SUBMIT_OPT, DRY_RUN_OPT, PRIORITY_OPT, YES_DOIT_OPT, PRINT_JOBID_OPT],
    "", "Forces a push of the configuration file and ssconf files to the"
    " nodes in the cluster"),
  "activate-master-ip": (ActivateMasterIp, ARGS_NONE, [], "",
                         "Activates the master IP"),
  "deactivate-master-ip": (DeactivateMasterIp, ARGS_NONE, [CONFIRM_OPT], "",
                           "Deactivates the master IP"),
}


# Master network options of gnt-cluster init/modify ---------------------------
USE_EXTERNAL_MIP_SCRIPT_OPT = cli_option(
  "--use-external-mip-script", dest="use_external_mip_script", type="bool",
  default=None, metavar="yes|no",
  help="Specify whether to run a user-provided script for the master IP"
  " address turnup and turndown operations")

#: the options gnt-cluster modify adds for the master network
MODIFY_OPTS = [
  cli_option("--master-netdev", dest="master_netdev", default=None,
             help="Specify the node interface (cluster-wide) on which the"
             " master IP address will be added (cluster init default: eth0)",
             metavar="NETDEV"),
  cli_option("--master-netmask", dest="master_netmask", type="int",
             default=None, metavar="NETMASK",
             help="Specify the netmask of the master IP"),
  USE_EXTERNAL_MIP_SCRIPT_OPT,
]


def SetMasterNetParams(op, opts):
  """Copy the master network options into an OpClusterSetParams.

  @return: whether any of them was given
  """
  given = False
  for name in ("master_netdev", "master_netmask", "use_external_mip_script"):
    value = getattr(opts, name, None)
    if value is not None:
      setattr(op, name, value)
      given = True
  return given
