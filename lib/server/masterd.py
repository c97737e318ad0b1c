"""ganeti-masterd: the master daemon (job queue, processor, config, LUXI).

Start-up follows Ganeti 2.x: the node must be the master per ssconf (else
exit 11), ``config.data`` must load, the other nodes are asked who the
master is (voting) unless ``--no-voting``, then the LUXI socket is opened,
the job queue recovered and the master IP activated.
"""

import logging
import optparse
import os
import signal
import sys
import threading
import time

from ganeti import config
from ganeti import constants
from ganeti import daemon
from ganeti import errors
from ganeti import jqueue
from ganeti import locking
from ganeti import luxi
from ganeti import masterfailover
from ganeti import masterquery
from ganeti import masterquery_net
from ganeti import mcpu
from ganeti import netutils
from ganeti import opcodes
from ganeti import pathutils
from ganeti import ssconf
from ganeti import utils
from ganeti.rpc import node as rpc_node
from ganeti.server import luxiserver

_VOTING_RETRIES = masterfailover.VOTING_RETRIES
_VOTING_INTERVAL = masterfailover.VOTING_INTERVAL


class GanetiContext:
  """Everything the master's components share: config, locks, RPC, queue."""

  def __init__(self, num_workers=constants.JOBQUEUE_THREADS):
    self.my_name = netutils.Hostname.GetSysName()
    self.cfg = config.ConfigWriter(my_hostname=self.my_name)
    self.rpc = rpc_node.RpcRunner(self.cfg)
    self.cfg.SetDistributeFn(self._DistributeConfig)
    self.glm = locking.GanetiLockManager(
      self.cfg.GetNodeList(), list(self.cfg.GetAllNodeGroupsInfo()),
      [i.name for i in self.cfg.GetAllInstancesInfo().values()],
      list(self.cfg.GetConfigData().networks))
    self.jqueue = jqueue.JobQueue(
      self._NewProcessor, rpc=self.rpc,
      get_replication_targets=self._ReplicationTargets,
      num_workers=num_workers, async_replication=True,
      filter_source=lambda: list(self.cfg.GetAllFilters().values()))

  def _NewProcessor(self, job_id):
    return mcpu.Processor(self, job_id)

  def _ReplicationTargets(self):
    """{name: ip} of the online master candidates except ourselves."""
    master = self.cfg.GetMasterNode()
    return dict((n.name, n.primary_ip)
                for n in self.cfg.GetAllNodesInfo().values()
                if n.master_candidate and not n.offline and n.uuid != master)

  def _DistributeConfig(self, _config_txt, ssconf_values):
    """Push config.data to candidates and ssconf to online nodes."""
    masterfailover.DistributeConfig(self.cfg, self.rpc, ssconf_values)

  # Called by LUs when nodes join, leave or change role
  def AddNode(self, node):
    """A new node joined: create its locks (the caller holds all node
    locks exclusively, as LUNodeAdd does)."""
    if node.uuid not in self.glm._names(locking.LEVEL_NODE):
      self.glm.add(locking.LEVEL_NODE, [node.uuid])
    if node.uuid not in self.glm._names(locking.LEVEL_NODE_RES):
      self.glm.add(locking.LEVEL_NODE_RES, [node.uuid])

  def ReplicateQueueTo(self, node):
    """Give a new master candidate a full copy of the job queue."""
    self.jqueue.AddNode(node.name, node.primary_ip)


class MasterRequestHandler:
  """Dispatch LUXI methods to the queue, the config and the queries."""

  def __init__(self, context):
    self.context = context

  def __call__(self, method, args):
    handler = getattr(self, "_Req" + method, None)
    if handler is None or method not in luxi.REQ_ALL:
      raise errors.ProtocolError("Unknown LUXI method '%s'" % method)
    return handler(*args)

  @staticmethod
  def _LoadOps(ops):
    return [opcodes.OpCode.LoadOpCode(op) for op in ops]

  def _ReqSubmitJob(self, ops):
    return self.context.jqueue.SubmitJob(self._LoadOps(ops))

  def _ReqSubmitJobToDrainedQueue(self, ops):
    return self.context.jqueue.SubmitJobToDrainedQueue(self._LoadOps(ops))

  def _ReqSubmitManyJobs(self, jobs):
    return self.context.jqueue.SubmitManyJobs([self._LoadOps(ops)
                                               for ops in jobs])

  def _ReqWaitForJobChange(self, job_id, fields, prev_job_info,
                           prev_log_serial, timeout):
    timeout = min(timeout, constants.LUXI_WFJC_TIMEOUT)
    return self.context.jqueue.WaitForJobChanges(int(job_id), fields,
                                                 prev_job_info,
                                                 prev_log_serial, timeout)

  def _ReqCancelJob(self, job_id):
    return self.context.jqueue.CancelJob(int(job_id))

  def _ReqChangeJobPriority(self, job_id, priority):
    return self.context.jqueue.ChangeJobPriority(int(job_id), priority)

  def _ReqArchiveJob(self, job_id):
    return self.context.jqueue.ArchiveJob(int(job_id))

  def _ReqAutoArchiveJobs(self, age, timeout):
    return self.context.jqueue.AutoArchiveJobs(age, timeout)

  def _ReqQueryJobs(self, job_ids, fields):
    return self.context.jqueue.QueryJobs(
      [int(j) for j in job_ids] if job_ids else None, fields)

  def _ReqQuery(self, what, fields, qfilter):
    return masterquery.Query(self.context, what, fields, qfilter)

  def _ReqQueryFields(self, what, fields):
    return masterquery.QueryFields(what, fields)

  def _ReqQueryInstances(self, names, fields, use_locking):
    return masterquery.OldStyleQuery(self.context, "instance", names,
                                     fields, use_locking)

  def _ReqQueryNodes(self, names, fields, use_locking):
    return masterquery.OldStyleQuery(self.context, "node", names, fields,
                                     use_locking)

  def _ReqQueryGroups(self, names, fields, use_locking):
    return masterquery.OldStyleQuery(self.context, "group", names, fields,
                                     use_locking)

  def _ReqQueryNetworks(self, names, fields, use_locking):
    return masterquery.OldStyleQuery(self.context, "network", names, fields,
                                     use_locking)

  def _ReqQueryFilters(self, uuids, fields):
    return masterquery_net.QueryFilters(self.context.cfg, uuids, fields)

  def _ReqReplaceFilter(self, uuid, priority, predicates, action, reason):
    return masterquery_net.ReplaceFilter(self.context.cfg,
                                         self.context.jqueue, uuid, priority,
                                         predicates, action, reason)

  def _ReqDeleteFilter(self, uuid):
    self.context.cfg.RemoveFilter(uuid)
    self.context.jqueue.FiltersChanged()

  def _ReqQueryClusterInfo(self):
    return masterquery.ClusterInfo(self.context.cfg)

  def _ReqQueryConfigValues(self, fields):
    return masterquery.ConfigValues(self.context.cfg, self.context, fields)

  def _ReqQueryTags(self, kind, name):
    target = self.context.cfg.GetTagTarget(kind, name)
    if target is None:
      # worded as Ganeti 3.0's luxid (Config.getItem)
      kind_name = {"node": "Node", "instance": "Instance",
                   "nodegroup": "NodeGroup",
                   "network": "Network"}.get(kind, kind)
      raise errors.OpPrereqError("%s name %s not found" % (kind_name, name),
                                 errors.ECODE_NOENT)
    return sorted(target.GetTags())

  def _ReqSetDrainFlag(self, drain_flag):
    self.context.jqueue.SetDrainFlag(drain_flag)
    return True

  def _ReqSetWatcherPause(self, until):
    """Pause the watcher on every node until ``until`` (None resumes)."""
    return SetWatcherPause(self.context, until)

  def _ReqQueryExports(self, nodes, use_locking):
    if use_locking:
      raise errors.OpPrereqError("Sync queries are not allowed",
                                 errors.ECODE_INVAL)
    cfg = self.context.cfg
    uuids = None
    if nodes:
      uuids = []
      for name in nodes:
        (uuid, _) = cfg.ExpandNodeName(name)
        if uuid is None:
          raise errors.OpPrereqError("Node '%s' not known" % name,
                                     errors.ECODE_NOENT)
        uuids.append(uuid)
    result = masterquery.ExportList(cfg, self.context.rpc, uuids)
    return dict((node, False if names is None else names)
                for (node, names) in result.items())


def SetWatcherPause(context, until):
  """Write the watcher pause (or remove it) on all nodes; returns until.

  @raise errors.GenericError: ``until`` lies in the past
  @raise errors.OpExecError: some online node failed
  """
  if until is not None:
    if not isinstance(until, (int, float)) or isinstance(until, bool):
      raise errors.GenericError("Duration must be numeric")
    if until < time.time():
      raise errors.GenericError("Unable to set pause end time in the past")
    logging.info("Received request to pause watcher until %s", until)
  else:
    logging.info("Received request to no longer pause watcher")
  cfg = context.cfg
  result = context.rpc.call_set_watcher_pause(cfg.GetNodeList(), until)
  failed = ["%s (%s)" % (cfg.GetNodeName(node), res.fail_msg)
            for (node, res) in sorted(result.items())
            if res.fail_msg and not res.offline]
  if failed:
    raise errors.OpExecError("Watcher pause was set where possible, but"
                             " failed on the following node(s): %s" %
                             utils.CommaJoin(failed))
  return until


def CheckMasterd(options, args):
  """Pre-daemonization checks: we must be the master with a valid config."""
  if args:
    print("Usage: %s [-f] [-d]" % sys.argv[0], file=sys.stderr)
    sys.exit(constants.EXIT_FAILURE)
  ss = ssconf.SimpleStore()
  try:
    (master, myself) = ssconf.GetMasterAndMyself(ss)
  except errors.ConfigurationError as err:
    print("Cluster configuration incomplete: '%s'" % str(err),
          file=sys.stderr)
    sys.exit(constants.EXIT_NODESETUP_ERROR)
  if master != myself:
    print("Not master, exiting", file=sys.stderr)
    sys.exit(constants.EXIT_NOTMASTER)
  try:
    config.LoadConfigData(pathutils.Get().CLUSTER_CONF_FILE)
  except errors.ConfigVersionMismatch as err:
    print("Configuration version mismatch (%s vs %s); run cfgupgrade" %
          err.args, file=sys.stderr)
    sys.exit(constants.EXIT_FAILURE)
  except errors.ConfigurationError as err:
    print("Cannot load configuration: %s" % err, file=sys.stderr)
    sys.exit(constants.EXIT_FAILURE)
  if options.no_voting:
    if not options.yes_do_it:
      sys.stdout.write("The 'no voting' option has been selected.\n"
                       "This is dangerous, please confirm by typing"
                       " uppercase 'yes': ")
      sys.stdout.flush()
      if sys.stdin.readline().strip() != "YES":
        print("Aborting.")
        sys.exit(constants.EXIT_FAILURE)
  elif not CheckAgreement():
    sys.exit(constants.EXIT_FAILURE)


def CheckAgreement():
  """Ask every node in the config who the master is (voting)."""
  return masterfailover.CheckAgreement(_VOTING_RETRIES, _VOTING_INTERVAL)


def PrepMasterd(options, args):
  """Create the context and the LUXI socket (after daemonizing)."""
  utils.EnsureDirs([(pathutils.Get().SOCKET_DIR, 0o770)])
  context = GanetiContext()
  server = luxiserver.LuxiServer(pathutils.Get().MASTER_SOCKET,
                                 MasterRequestHandler(context))
  return (context, server)


def ExecMasterd(options, args, prep_data):
  (context, server) = prep_data
  stop_lock = threading.Lock()
  state = {"signals": 0}

  def _HandleSignal(signum, frame):
    with stop_lock:
      state["signals"] += 1
      if state["signals"] > 1:
        logging.warning("Second termination signal, exiting at once")
        os._exit(constants.EXIT_FAILURE)  # pylint: disable=W0212
    threading.Thread(target=_Shutdown, name="Shutdown",
                     daemon=True).start()

  def _Shutdown():
    logging.info("Shutting down the master daemon")
    context.jqueue.PrepareShutdown()
    context.jqueue.Shutdown(timeout=60)
    server.Stop()

  signal.signal(signal.SIGTERM, _HandleSignal)
  signal.signal(signal.SIGINT, _HandleSignal)
  threading.Thread(target=_ActivateMasterIp, args=(context,),
                   name="MasterIp", daemon=True).start()
  try:
    server.Serve()
  finally:
    context.rpc.Close()
  logging.info("Master daemon stopped")


def _ActivateMasterIp(context):
  try:
    params = context.cfg.GetMasterNetworkParameters()
    ems = context.cfg.GetClusterInfo().use_external_mip_script
    result = context.rpc.call_node_activate_master_ip(params["uuid"], params,
                                                      ems)
    if result.fail_msg:
      logging.error("Can't activate master IP address: %s", result.fail_msg)
  except Exception:  # pylint: disable=broad-except
    logging.exception("Can't activate master IP address")


def Main():
  parser = optparse.OptionParser(description="Ganeti master daemon",
                                 usage="%prog [-f] [-d]",
                                 version="%%prog (ganeti) %s" %
                                 constants.RELEASE_VERSION)
  parser.add_option("--no-voting", dest="no_voting",
                    help="Do not check that the nodes agree on this node"
                    " being the master and start the daemon unconditionally",
                    default=False, action="store_true")
  parser.add_option("--yes-do-it", dest="yes_do_it",
                    help="Override interactive check for --no-voting",
                    default=False, action="store_true")
  daemon.GenericMain(constants.MASTERD, parser, CheckMasterd, PrepMasterd,
                     ExecMasterd, multithreaded=True)
