"""Master voting and master failover (run on a master candidate).

Voting: every node is asked over the ``master_info`` RPC who it believes
the master is (its ssconf ``master_node``).  Each node gives one vote; a
node that does not answer votes ``None``.  :func:`CountVotes` orders the
result by votes, then by name (``None`` last on ties), as Ganeti does.

* ``gnt-cluster master-failover`` (:func:`MasterFailover`) runs on the
  candidate that is to become master, without the master's job queue: it
  checks that this node is a candidate and (unless ``no_voting``) that the
  nodes agree with its own idea of the current master, writes
  ``master_node`` into the configuration (which bumps the serials and
  distributes config.data to the candidates and the ssconf files to the
  online nodes), turns the master IP off and stops the master daemons on
  the old master (only warnings if it is unreachable) and starts the
  master daemons here, which activate the master IP.
* ganeti-masterd at start-up (:func:`CheckAgreement`) requires that the
  top-voted node is itself and that it has at least as many votes as all
  other answers (including non-answers) together.
"""

import logging
import time

from ganeti import config
from ganeti import constants
from ganeti import errors
from ganeti import luxi
from ganeti import netutils
from ganeti import pathutils
from ganeti import ssconf
from ganeti.rpc import node as rpc_node

#: masterd start-up: attempts and pause when most nodes don't answer
VOTING_RETRIES = 6
VOTING_INTERVAL = 10
#: seconds master-failover waits for the old master IP to go away and for
#: the new master daemon to answer
IP_DOWN_TIMEOUT = 30
MASTERD_UP_TIMEOUT = 60


def CountVotes(answers):
  """Turn ``{node: voted master name or None}`` into a sorted vote list.

  @return: list of ``(master name or None, votes)``, most votes first;
      ties are broken by name (descending), ``None`` after any name
  """
  votes = {}
  for voted in answers.values():
    votes[voted] = votes.get(voted, 0) + 1
  return sorted(votes.items(),
                key=lambda kv: (kv[1], kv[0] is not None, kv[0] or ""),
                reverse=True)


def GatherMasterVotes(node_names, runner, myself=None):
  """Ask ``node_names`` (except ourselves) who the master is.

  @return: a vote list as :func:`CountVotes` gives (empty if no other node)
  """
  if myself is None:
    myself = netutils.Hostname.GetSysName()
  nodes = [n for n in node_names if n != myself]
  if not nodes:
    return []
  answers = {}
  for (node, res) in runner.call_master_info(nodes).items():
    if res.fail_msg or not res.payload:
      logging.warning("Error contacting node %s: %s", node,
                      res.fail_msg or "empty answer")
      answers[node] = None
    else:
      answers[node] = res.payload[2]
  return CountVotes(answers)


def DecideMasterdStart(vote_list, myself):
  """masterd's verdict on a vote list.

  @return: ``(verdict, message)`` with verdict ``True`` (start), ``False``
      (refuse) or ``None`` (most nodes did not answer: ask again)
  """
  if not vote_list:
    return (True, "No other node to ask")
  (top_node, top_votes) = vote_list[0]
  if top_node is None:
    return (None, "Most nodes did not answer the master voting")
  all_votes = sum(v for (_, v) in vote_list)
  if top_node != myself:
    return (False, "It seems we are not the master (top-voted node is %s"
            " with %d out of %d votes)" % (top_node, top_votes, all_votes))
  if top_votes < all_votes - top_votes:
    return (False, "It seems we are not the master (%d votes for, %d votes"
            " against)" % (top_votes, all_votes - top_votes))
  return (True, "%d of %d votes for us" % (top_votes, all_votes))


def CheckAgreement(retries=None, interval=None, sleep_fn=time.sleep):
  """masterd start-up voting; True if this node may start as master."""
  retries = VOTING_RETRIES if retries is None else retries
  interval = VOTING_INTERVAL if interval is None else interval
  myself = netutils.Hostname.GetSysName()
  cfg = config.ConfigWriter(offline=True)
  names = cfg.GetNodeNames(cfg.GetNodeList())
  runner = rpc_node.RpcRunner(cfg)
  try:
    for attempt in range(retries):
      (verdict, msg) = DecideMasterdStart(
        GatherMasterVotes(names, runner, myself), myself)
      if verdict is not None:
        if not verdict:
          logging.critical("%s", msg)
        return verdict
      if attempt + 1 < retries:
        logging.warning("%s, retrying in %s seconds", msg, interval)
        sleep_fn(interval)
  finally:
    runner.Close()
  logging.critical("Cluster inconsistent, most of the nodes didn't answer"
                   " after multiple retries. Aborting startup")
  logging.critical("Use the --no-voting option if you understand what"
                   " effects it has on the cluster state")
  return False


def CheckFailoverVotes(vote_list, old_master):
  """master-failover's check of the votes (raises OpPrereqError)."""
  if not vote_list:
    return
  voted_master = vote_list[0][0]
  if voted_master is None:
    raise errors.OpPrereqError("Cluster is inconsistent, most nodes did"
                               " not respond.", errors.ECODE_ENVIRON)
  if voted_master != old_master:
    raise errors.OpPrereqError("I have a wrong configuration, I believe the"
                               " master is %s but the other nodes voted %s."
                               " Please resync the configuration of this"
                               " node." % (old_master, voted_master),
                               errors.ECODE_STATE)


def DistributeConfig(cfg, runner, ssconf_values):
  """Push config.data to the other online candidates and, if given, the
  ssconf values to every online node (the master's distribute_fn).

  Failures are logged, never raised: a node that missed a copy gets the
  next one (or ``gnt-cluster redist-conf``).
  """
  master = cfg.GetMasterNode()
  nodes = cfg.GetAllNodesInfo()
  cfg_file = pathutils.Get().CLUSTER_CONF_FILE
  candidates = [u for (u, n) in nodes.items()
                if n.master_candidate and not n.offline and u != master]
  if candidates:
    for (uuid, res) in runner.call_upload_file(candidates, cfg_file).items():
      if res.fail_msg:
        logging.error("Copy of file %s to node %s failed: %s", cfg_file,
                      cfg.GetNodeName(uuid), res.fail_msg)
  if ssconf_values is not None:
    online = [u for (u, n) in nodes.items() if not n.offline]
    result = runner.call_write_ssconf_files(online, ssconf_values)
    for (uuid, res) in result.items():
      if res.fail_msg:
        logging.error("Error while writing ssconf files to node %s: %s",
                      cfg.GetNodeName(uuid), res.fail_msg)


def _CheckPrereq(ss, old_master, new_master):
  if old_master == new_master:
    raise errors.OpPrereqError("This commands must be run on the node where"
                               " you want the new master to be. %s is"
                               " already the master" % old_master,
                               errors.ECODE_INVAL)
  mc_list = ss.GetMasterCandidates()
  if new_master not in mc_list:
    others = [name for name in mc_list if name != old_master]
    raise errors.OpPrereqError("This node is not among the nodes marked as"
                               " master candidates. Only these nodes can"
                               " become masters. Current list of master"
                               " candidates is:\n%s" % "\n".join(others),
                               errors.ECODE_STATE)


def _WaitFor(fn, timeout, interval=0.2):
  deadline = time.monotonic() + timeout
  while True:
    if fn():
      return True
    if time.monotonic() >= deadline:
      return False
    time.sleep(interval)


def _MasterdAnswers():
  try:
    cl = luxi.Client(address=pathutils.Get().MASTER_SOCKET)
    try:
      cl.QueryClusterInfo()
    finally:
      cl.Close()
    return True
  except Exception:  # pylint: disable=broad-except
    return False


def MasterFailover(no_voting=False, ignore_offline_nodes=False):
  """Make this master candidate the master.

  @return: ``(exit code, [warning messages])``
  @raise errors.OpPrereqError: this node can't take over (already master,
      not a candidate, or the voting disagrees)
  """
  ss = ssconf.SimpleStore()
  (old_master, new_master) = ssconf.GetMasterAndMyself(ss)
  _CheckPrereq(ss, old_master, new_master)
  warnings = []
  cfg = config.ConfigWriter(my_hostname=new_master)
  runner = rpc_node.RpcRunner(cfg)
  try:
    if not no_voting:
      names = ss.GetNodeList()
      if ignore_offline_nodes:
        offline = set(ss.GetOfflineNodeList())
        names = [n for n in names if n not in offline]
      CheckFailoverVotes(GatherMasterVotes(names, runner, new_master),
                         old_master)
    old_node = cfg.GetNodeInfoByName(old_master)
    new_node = cfg.GetNodeInfoByName(new_master)
    if old_node is None:
      raise errors.OpPrereqError("Could not find old master node '%s' in"
                                 " cluster configuration." % old_master,
                                 errors.ECODE_NOENT)
    if new_node is None:
      raise errors.OpPrereqError("Could not find this node (%s) in the"
                                 " cluster configuration" % new_master,
                                 errors.ECODE_NOENT)
    logging.info("Setting master to %s, old master: %s", new_master,
                 old_master)
    cfg.SetDistributeFn(lambda _txt, values:
                        DistributeConfig(cfg, runner, values))
    cluster = cfg.GetClusterInfo()
    cluster.master_node = new_node.uuid
    try:
      cfg.Update(cluster)
    except errors.ConfigurationError as err:
      logging.error("Error while trying to set the new master: %s", err)
      return (1, warnings)
    # the old master's copy of config.data was replaced above, so an old
    # master daemon still running can no longer write it; now stop it
    params = dict(cfg.GetMasterNetworkParameters(), uuid=old_node.uuid)
    ems = cluster.use_external_mip_script
    logging.info("Stopping the master daemon on node %s", old_master)
    res = runner.call_node_deactivate_master_ip(old_node.uuid, params, ems)
    if res.fail_msg:
      warnings.append("Could not disable the master IP: %s" % res.fail_msg)
    res = runner.call_node_stop_master(old_node.uuid)
    if res.fail_msg:
      warnings.append("Could not disable the master role on the old master"
                      " %s, please disable manually: %s" %
                      (old_master, res.fail_msg))
    for msg in warnings:
      logging.warning("%s", msg)
    master_ip = cfg.GetMasterIP()
    noded_port = netutils.GetDaemonPort(constants.NODED)
    # a loopback master IP on lo (virtual cluster) is local on every node
    loopback = (params["netdev"] == "lo" and
                netutils.IPAddress.IsLoopback(master_ip))
    if not loopback and not _WaitFor(
        lambda: not netutils.TcpPing(master_ip, noded_port, timeout=1),
        IP_DOWN_TIMEOUT):
      warnings.append("The master IP is still reachable after %s seconds,"
                      " continuing but activating the master IP on the"
                      " current node will probably fail" % IP_DOWN_TIMEOUT)
    logging.info("Starting the master daemons on the new master")
    res = runner.call_node_start_master_daemons(new_node.uuid, no_voting)
    if res.fail_msg:
      logging.error("Could not start the master role on the new master %s,"
                    " please check: %s", new_master, res.fail_msg)
      warnings.append("Could not start the master role on the new master"
                      " %s, please check: %s" % (new_master, res.fail_msg))
      return (1, warnings)
    if not _WaitFor(_MasterdAnswers, MASTERD_UP_TIMEOUT):
      warnings.append("The master daemon on %s does not answer after %s"
                      " seconds" % (new_master, MASTERD_UP_TIMEOUT))
      return (1, warnings)
  finally:
    runner.Close()
  logging.info("Master failed over from %s to %s", old_master, new_master)
  return (0, warnings)
