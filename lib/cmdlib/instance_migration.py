"""Instance failover and migration: OpInstanceFailover, OpInstanceMigrate.

Both LUs share :class:`_Migrater`, which decides the target node and the
mode (Ganeti's rules: a DRBD instance goes to its secondary node; an
externally mirrored one -- diskless, sharedfile, blockdev, rbd, ext,
gluster -- to the node given with ``target_node`` or computed by an
iallocator; plain and file instances can only be moved) and then runs a
failover (shutdown, switch primary, start) or a migration (through the
hypervisor's migration RPCs, the instance keeps running).
"""

import logging
import time

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_move_utils as mu
from ganeti.cmdlib import instance_utils as iu

_MIGRATION_POLL_INTERVAL = 1
_MIGRATION_FEEDBACK_INTERVAL = 10
_MIGRATION_TIMEOUT = 3600
_DRBD_SYNC_POLL_INTERVAL = 2
#: node procedures a DRBD migration needs (dual-primary switching)
_DRBD_MIGRATION_RPCS = ("blockdev_close", "drbd_disconnect_net",
                        "drbd_attach_net", "drbd_wait_sync")


def _ExpandNamesForMigration(lu):
  if lu.op.target_node is not None:
    (lu.op.target_node_uuid, lu.op.target_node) = ExpandNodeUuidAndName(
      lu.cfg, lu.op.target_node_uuid, lu.op.target_node)
  lu.needed_locks[locking.LEVEL_NODE] = []
  lu.recalculate_locks[locking.LEVEL_NODE] = "replace"
  lu.needed_locks[locking.LEVEL_NODE_RES] = []
  lu.recalculate_locks[locking.LEVEL_NODE_RES] = "replace"


def _DeclareLocksForMigration(lu, level):
  if level == locking.LEVEL_NODE:
    instance = lu.cfg.GetInstanceInfo(lu.op.instance_uuid)
    template = lu.cfg.GetInstanceDiskTemplate(instance.uuid)
    if template in constants.DTS_EXT_MIRROR:
      if lu.op.target_node_uuid is None:
        # the iallocator may choose any node
        lu.needed_locks[locking.LEVEL_NODE] = locking.ALL_SET
      else:
        lu.needed_locks[locking.LEVEL_NODE] = \
          utils.UniqueSequence([instance.primary_node,
                                lu.op.target_node_uuid])
      del lu.recalculate_locks[locking.LEVEL_NODE]
    else:
      lu._LockInstancesNodes()
  elif level == locking.LEVEL_NODE_RES:
    nodes = lu.needed_locks[locking.LEVEL_NODE]
    lu.needed_locks[locking.LEVEL_NODE_RES] = \
      nodes if nodes is locking.ALL_SET else list(nodes)
    del lu.recalculate_locks[locking.LEVEL_NODE_RES]


class _Migrater:
  """Failover/migration of one instance (Ganeti's TLMigrateInstance).

  @ivar failover: True for a failover (possibly decided in CheckPrereq:
      always_failover, or allow_failover with the instance down)
  @ivar live: whether a migration is live
  @ivar target_node_uuid: the node the instance goes to

  """

  def __init__(self, lu, cleanup, failover, fallback, ignore_consistency,
               shutdown_timeout, ignore_ipolicy, allow_runtime_changes,
               ignore_hvversions):
    self.lu = lu
    self.cfg = lu.cfg
    self.rpc = lu.rpc
    self.cleanup = cleanup
    self.failover = failover
    self.fallback = fallback
    self.ignore_consistency = ignore_consistency
    self.shutdown_timeout = shutdown_timeout
    self.ignore_ipolicy = ignore_ipolicy
    self.allow_runtime_changes = allow_runtime_changes
    self.ignore_hvversions = ignore_hvversions
    self.live = False
    self.target_node_uuid = None
    self.current_mem = None
    self.tgt_free_mem = None
    self.instance = None
    self.feedback_fn = None

  # Checks ----------------------------------------------------------------
  def CheckPrereq(self):
    lu = self.lu
    op = lu.op
    cfg = self.cfg
    instance = self.instance = cfg.GetInstanceInfo(op.instance_uuid)
    cluster = cfg.GetClusterInfo()
    if (not self.cleanup and not self.failover and self.fallback and
        instance.admin_state != constants.ADMINST_UP):
      lu.LogInfo("Instance is marked down or offline, fallback allowed,"
                 " switching to failover")
      self.failover = True
    disks = cfg.GetInstanceDisks(instance.uuid)
    template = cfg.GetInstanceDiskTemplate(instance.uuid)
    invalid = utils.UniqueSequence(d.dev_type for d in disks
                                   if d.dev_type not in
                                   constants.DTS_MIRRORED)
    if invalid:
      raise errors.OpPrereqError("Instance's disk layout '%s' does not allow"
                                 " %s" % (utils.CommaJoin(invalid),
                                          "failovers" if self.failover
                                          else "migrations"),
                                 errors.ECODE_STATE)
    if template in constants.DTS_EXT_MIRROR:
      mu.CheckIAllocatorOrNode(lu, "iallocator", "target_node")
      if op.iallocator:
        mu.RefuseIAllocator(op.iallocator)
      self.target_node_uuid = op.target_node_uuid
      if self.target_node_uuid == instance.primary_node:
        raise errors.OpPrereqError("Cannot migrate instance %s to its primary"
                                   " (%s)" % (instance.name,
                                              cfg.GetNodeName(
                                                instance.primary_node)),
                                   errors.ECODE_STATE)
    else:
      snodes = cfg.GetInstanceSecondaryNodes(instance.uuid)
      if not snodes:
        raise errors.ConfigurationError("No secondary node but using %s disk"
                                        " template" % template)
      self.target_node_uuid = snodes[0]
      if op.iallocator or (op.target_node_uuid and
                           op.target_node_uuid != self.target_node_uuid):
        raise errors.OpPrereqError("Instances with disk template %s cannot"
                                   " be %s to arbitrary nodes (neither an"
                                   " iallocator nor a target node can be"
                                   " passed)" %
                                   (template, "failed over" if self.failover
                                    else "migrated"), errors.ECODE_INVAL)
    target = cfg.GetNodeInfo(self.target_node_uuid)
    mu.CheckTargetNodeIPolicy(lu, instance, target,
                              ignore=self.ignore_ipolicy)
    bep = cluster.FillBE(instance)
    hvparams = cluster.hvparams.get(instance.hypervisor, {})
    if (not self.cleanup and
        (not self.failover or instance.admin_state == constants.ADMINST_UP)):
      self.tgt_free_mem = mu.CheckNodeFreeMemory(
        lu, self.target_node_uuid, "migrating instance %s" % instance.name,
        bep[constants.BE_MINMEM], instance.hypervisor, hvparams)
    else:
      lu.LogInfo("Not checking memory on the secondary node as instance will"
                 " not be started")
    if (not self.cleanup and not self.failover and
        bep[constants.BE_ALWAYS_FAILOVER]):
      lu.LogInfo("Instance configured to always failover; fallback to"
                 " failover")
      self.failover = True
    if not self.cleanup:
      iu.CheckNodeOnline(lu, self.target_node_uuid)
      iu.CheckNodeNotDrained(lu, self.target_node_uuid)
      if not self.failover:
        result = self.rpc.call_instance_migratable(instance.primary_node,
                                                   instance)
        if result.fail_msg and self.fallback:
          lu.LogInfo("Can't migrate, instance offline, fallback to"
                     " failover")
          self.failover = True
        else:
          result.Raise("Can't migrate, please use failover", prereq=True,
                       ecode=errors.ECODE_STATE)
    if not self.failover:
      if template in constants.DTS_INT_MIRROR and \
          not all(hasattr(self.rpc, "call_%s" % name)
                  for name in _DRBD_MIGRATION_RPCS):
        raise errors.OpPrereqError("Migration of DRBD instances needs the"
                                   " DRBD network RPCs, which this node"
                                   " daemon does not offer yet; use"
                                   " failover", errors.ECODE_STATE)
      if op.live is not None and op.mode is not None:
        raise errors.OpPrereqError("Only one of the 'live' and 'mode'"
                                   " parameters are accepted",
                                   errors.ECODE_INVAL)
      if op.live is not None:
        op.mode = (constants.HT_MIGRATION_LIVE if op.live
                   else constants.HT_MIGRATION_NONLIVE)
        op.live = None
      elif op.mode is None:
        op.mode = cluster.FillHV(instance).get(constants.HV_MIGRATION_MODE,
                                               constants.HT_MIGRATION_LIVE)
      self.live = op.mode == constants.HT_MIGRATION_LIVE
    else:
      self.live = False
    if not (self.failover or self.cleanup):
      remote = self.rpc.call_instance_info(instance.primary_node,
                                           instance.name, instance.hypervisor,
                                           hvparams)
      remote.Raise("Error checking instance on node %s" %
                   cfg.GetNodeName(instance.primary_node), prereq=True)
      if remote.payload:
        self.current_mem = int(remote.payload["memory"])

  # Execution ---------------------------------------------------------------
  def Exec(self, feedback_fn):
    self.feedback_fn = feedback_fn
    if self.failover:
      feedback_fn("Failover instance %s" % self.instance.name)
      self._ExecFailover()
    else:
      feedback_fn("Migrating instance %s" % self.instance.name)
      if self.cleanup:
        self._ExecCleanup()
      else:
        self._ExecMigration()

  def _NodeIp(self, node_uuid):
    node = self.cfg.GetNodeInfo(node_uuid)
    return node.secondary_ip or node.primary_ip

  def _CheckConsistency(self, on_failover):
    primary = self.cfg.GetNodeInfo(self.instance.primary_node)
    for (idx, disk) in enumerate(self.cfg.GetInstanceDisks(
        self.instance.uuid)):
      if idisks.CheckDiskConsistency(self.lu, self.instance, disk,
                                     self.target_node_uuid, False):
        continue
      if not on_failover:
        raise errors.OpExecError("Disk %s is degraded or not fully"
                                 " synchronized on target node, aborting"
                                 " migration" % idx)
      if primary.offline:
        self.feedback_fn("Node %s is offline, ignoring degraded disk %s on"
                         " target node %s" %
                         (primary.name, idx,
                          self.cfg.GetNodeName(self.target_node_uuid)))
      elif not self.ignore_consistency:
        raise errors.OpExecError("Disk %s is degraded on target node,"
                                 " aborting failover" % idx)

  def _ExecFailover(self):
    lu = self.lu
    instance = self.instance
    fb = self.feedback_fn
    primary = self.cfg.GetNodeInfo(instance.primary_node)
    source_uuid = instance.primary_node
    target_name = self.cfg.GetNodeName(self.target_node_uuid)
    if self.cfg.GetInstanceDisks(instance.uuid):
      disks_active = instance.disks_active
    else:
      # a diskless instance's disks count as active while it runs
      disks_active = instance.admin_state == constants.ADMINST_UP
    if disks_active:
      fb("* checking disk consistency between source and target")
      self._CheckConsistency(True)
    else:
      fb("* not checking disk consistency as instance is not running")
    fb("* shutting down instance on source node")
    logging.info("Shutting down instance %s on node %s", instance.name,
                 primary.name)
    result = self.rpc.call_instance_shutdown(source_uuid, instance,
                                             self.shutdown_timeout,
                                             lu.op.reason)
    if result.fail_msg:
      if self.ignore_consistency or primary.offline:
        lu.LogWarning("Could not shutdown instance %s on node %s,"
                      " proceeding anyway; please make sure node %s is down;"
                      " error details: %s", instance.name, primary.name,
                      primary.name, result.fail_msg)
      else:
        raise errors.OpExecError("Could not shutdown instance %s on node %s:"
                                 " %s" % (instance.name, primary.name,
                                          result.fail_msg))
    fb("* deactivating the instance's disks on source node")
    if not idisks.ShutdownInstanceDisks(lu, instance, ignore_primary=True):
      raise errors.OpExecError("Can't shut down the instance's disks")
    instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    mu.SetInstancePrimary(lu, instance, self.target_node_uuid, fb)
    instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    if instance.admin_state != constants.ADMINST_UP:
      return
    fb("* activating the instance's disks on target node %s" % target_name)
    logging.info("Starting instance %s on node %s", instance.name,
                 target_name)
    (disks_ok, _) = idisks.AssembleInstanceDisks(lu, instance,
                                                 ignore_secondaries=True)
    if not disks_ok:
      idisks.ShutdownInstanceDisks(lu, instance)
      raise errors.OpExecError("Can't activate the instance's disks")
    fb("* starting the instance on the target node %s" % target_name)
    instance = self.cfg.GetInstanceInfo(instance.uuid)
    result = self.rpc.call_instance_start(self.target_node_uuid,
                                          (instance, None, None), False,
                                          lu.op.reason)
    if result.fail_msg:
      idisks.ShutdownInstanceDisks(lu, instance)
      raise errors.OpExecError("Could not start instance %s on node %s: %s" %
                               (instance.name, target_name, result.fail_msg))

  def _CheckHvVersions(self, source_uuid):
    cluster = self.cfg.GetClusterInfo()
    hvspecs = [(self.instance.hypervisor,
                cluster.hvparams.get(self.instance.hypervisor, {}))]
    nodes = [source_uuid, self.target_node_uuid]
    info = self.rpc.call_node_info(nodes, None, hvspecs)
    versions = []
    for node in nodes:
      res = info[node]
      res.Raise("Unable to retrieve node information from node '%s'" %
                self.cfg.GetNodeName(node))
      versions.append(res.payload[2][0].get("hv_version"))
    if versions[0] != versions[1]:
      msg = ("Hypervisor version mismatch between source (%s) and target"
             " (%s) node" % tuple(versions))
      if self.ignore_hvversions:
        self.lu.LogWarning(msg)
      else:
        raise errors.OpExecError(msg)

  def _Abort(self, source_uuid, migration_info, what, msg):
    """Undo both sides after a failed step; raise the failure."""
    logging.error("Instance migration failed: %s", msg)
    self.feedback_fn("%s failed, aborting" % what)
    instance = self.instance
    res = self.rpc.call_instance_finalize_migration_dst(
      self.target_node_uuid, instance, migration_info, False)
    if res.fail_msg:
      logging.error("Aborting migration failed on target node %s: %s",
                    self.cfg.GetNodeName(self.target_node_uuid),
                    res.fail_msg)
    res = self.rpc.call_instance_finalize_migration_src(
      source_uuid, instance, False, self.live)
    if res.fail_msg:
      logging.error("Aborting migration failed on source node %s: %s",
                    self.cfg.GetNodeName(source_uuid), res.fail_msg)
    self._RevertDiskStatus([source_uuid, self.target_node_uuid])
    raise errors.OpExecError("Could not %s instance %s: %s" %
                             ("pre-migrate" if what == "Pre-migration"
                              else "migrate", instance.name, msg))

  # DRBD: dual-primary switching around a migration ------------------------
  def _IsDrbd(self):
    return (self.cfg.GetInstanceDiskTemplate(self.instance.uuid) in
            constants.DTS_INT_MIRROR)

  def _EnsureSecondary(self, node_uuid):
    """Demote the disks on a node to secondary."""
    name = self.cfg.GetNodeName(node_uuid)
    self.feedback_fn("* switching node %s to secondary mode" % name)
    result = self.rpc.call_blockdev_close(
      node_uuid, self.instance.name,
      self.cfg.GetInstanceDisks(self.instance.uuid))
    result.Raise("Cannot change disk to secondary on node %s" % name)

  def _GoStandalone(self, nodes):
    self.feedback_fn("* changing into standalone mode")
    result = self.rpc.call_drbd_disconnect_net(
      nodes, self.cfg.GetInstanceDisks(self.instance.uuid))
    for (node_uuid, nres) in result.items():
      nres.Raise("Cannot disconnect disks node %s" %
                 self.cfg.GetNodeName(node_uuid))

  def _GoReconnect(self, nodes, multimaster):
    self.feedback_fn("* changing disks into %s mode" %
                     ("dual-master" if multimaster else "single-master"))
    result = self.rpc.call_drbd_attach_net(
      nodes, self.cfg.GetInstanceDisks(self.instance.uuid),
      self.instance.name, multimaster)
    for (node_uuid, nres) in result.items():
      nres.Raise("Cannot change disks config on node %s" %
                 self.cfg.GetNodeName(node_uuid))

  def _WaitUntilSync(self, nodes):
    self.feedback_fn("* wait until resync is done")
    deadline = time.monotonic() + _MIGRATION_TIMEOUT
    while True:
      result = self.rpc.call_drbd_wait_sync(
        nodes, self.cfg.GetInstanceDisks(self.instance.uuid))
      all_done = True
      min_percent = 100
      for (node_uuid, nres) in result.items():
        nres.Raise("Cannot resync disks on node %s" %
                   self.cfg.GetNodeName(node_uuid))
        (node_done, node_percent) = nres.payload
        all_done = all_done and node_done
        if node_percent is not None:
          min_percent = min(min_percent, node_percent)
      if all_done:
        return
      if time.monotonic() > deadline:
        raise errors.OpExecError("Disks of instance %s did not sync within"
                                 " %d seconds" % (self.instance.name,
                                                  _MIGRATION_TIMEOUT))
      if min_percent < 100:
        self.feedback_fn("   - progress: %.1f%%" % min_percent)
      time.sleep(_DRBD_SYNC_POLL_INTERVAL)

  def _RevertDiskStatus(self, nodes):
    """After a failed migration: back to single-master on the source."""
    if not self._IsDrbd():
      return
    try:
      self._EnsureSecondary(self.target_node_uuid)
      self._GoStandalone(nodes)
      self._GoReconnect(nodes, False)
      self._WaitUntilSync(nodes)
    except errors.OpExecError as err:
      self.lu.LogWarning("Migration failed and I can't reconnect the drives,"
                         " please try to recover the instance manually;"
                         " error '%s'" % str(err))

  def _ExecMigration(self):
    instance = self.instance
    fb = self.feedback_fn
    source_uuid = instance.primary_node
    target_name = self.cfg.GetNodeName(self.target_node_uuid)
    self._CheckHvVersions(source_uuid)
    fb("* checking disk consistency between source and target")
    self._CheckConsistency(False)
    if self.current_mem is not None and self.tgt_free_mem is not None and \
        self.current_mem > self.tgt_free_mem:
      if not self.allow_runtime_changes:
        raise errors.OpExecError("Memory ballooning not allowed and not"
                                 " enough free memory to fit instance %s on"
                                 " target node %s (have %dMB, need %dMB)" %
                                 (instance.name, target_name,
                                  self.tgt_free_mem, self.current_mem))
      fb("* setting instance memory to %s" % self.tgt_free_mem)
      res = self.rpc.call_instance_balloon_memory(source_uuid, instance,
                                                  self.tgt_free_mem)
      res.Raise("Cannot modify instance runtime memory")
    result = self.rpc.call_migration_info(source_uuid, instance)
    if result.fail_msg:
      msg = ("Failed fetching source migration information from %s: %s" %
             (self.cfg.GetNodeName(source_uuid), result.fail_msg))
      logging.error(msg)
      raise errors.OpExecError(msg)
    migration_info = result.payload
    nodes = [source_uuid, self.target_node_uuid]
    if self._IsDrbd():
      self._EnsureSecondary(self.target_node_uuid)
      self._GoStandalone(nodes)
      self._GoReconnect(nodes, True)
      self._WaitUntilSync(nodes)
    fb("* preparing %s to accept the instance" % target_name)
    result = self.rpc.call_accept_instance(self.target_node_uuid, instance,
                                           migration_info,
                                           self._NodeIp(
                                             self.target_node_uuid))
    if result.fail_msg:
      self._Abort(source_uuid, migration_info, "Pre-migration",
                  result.fail_msg)
    fb("* migrating instance to %s" % target_name)
    result = self.rpc.call_instance_migrate(
      source_uuid, self.cfg.GetClusterName(), instance,
      self._NodeIp(self.target_node_uuid), self.live)
    if result.fail_msg:
      self._Abort(source_uuid, migration_info, "Migration", result.fail_msg)
    fb("* starting memory transfer")
    last_feedback = time.monotonic()
    deadline = time.monotonic() + _MIGRATION_TIMEOUT
    while True:
      result = self.rpc.call_instance_get_migration_status(source_uuid,
                                                           instance)
      status = result.payload or {}
      if (result.fail_msg or
          status.get("status") in constants.HV_MIGRATION_FAILED_STATUSES):
        self._Abort(source_uuid, migration_info, "Migration",
                    result.fail_msg or "hypervisor returned failure")
      if status.get("status") != constants.HV_MIGRATION_ACTIVE:
        fb("* memory transfer complete")
        break
      if time.monotonic() > deadline:
        self._Abort(source_uuid, migration_info, "Migration",
                    "timed out after %d seconds" % _MIGRATION_TIMEOUT)
      if (time.monotonic() - last_feedback > _MIGRATION_FEEDBACK_INTERVAL and
          status.get("transferred_ram") is not None and
          status.get("total_ram")):
        fb("* memory transfer progress: %.2f %%" %
           (100.0 * status["transferred_ram"] / status["total_ram"]))
        last_feedback = time.monotonic()
      time.sleep(_MIGRATION_POLL_INTERVAL)
    result = self.rpc.call_instance_finalize_migration_src(
      source_uuid, instance, True, self.live)
    if result.fail_msg:
      logging.error("Instance migration succeeded, but finalization failed"
                    " on the source node: %s", result.fail_msg)
      raise errors.OpExecError("Could not finalize instance migration: %s" %
                               result.fail_msg)
    mu.SetInstancePrimary(self.lu, instance, self.target_node_uuid, fb)
    instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    result = self.rpc.call_instance_finalize_migration_dst(
      self.target_node_uuid, instance, migration_info, True)
    if result.fail_msg:
      logging.error("Instance migration succeeded, but finalization failed"
                    " on the target node: %s", result.fail_msg)
      raise errors.OpExecError("Could not finalize instance migration: %s" %
                               result.fail_msg)
    if self._IsDrbd():
      self._EnsureSecondary(source_uuid)
      self._WaitUntilSync(nodes)
      self._GoStandalone(nodes)
      self._GoReconnect(nodes, False)
      self._WaitUntilSync(nodes)
    if self.cfg.GetInstanceDiskTemplate(instance.uuid) in (constants.DT_RBD,
                                                           constants.DT_EXT):
      # shared volumes stay mapped on the source otherwise
      fb("* unmapping instance's disks from %s" %
         self.cfg.GetNodeName(source_uuid))
      for disk in self.cfg.GetInstanceDisks(instance.uuid):
        res = self.rpc.call_blockdev_shutdown(source_uuid, disk)
        if res.fail_msg:
          self.lu.LogWarning("Could not shutdown block device %s on node"
                             " %s: %s", disk.iv_name,
                             self.cfg.GetNodeName(source_uuid),
                             res.fail_msg)
    fb("* done")

  def _ExecCleanup(self):
    """Find out where the instance runs after a failed migration."""
    instance = self.instance
    fb = self.feedback_fn
    source_uuid = instance.primary_node
    source_name = self.cfg.GetNodeName(source_uuid)
    target_name = self.cfg.GetNodeName(self.target_node_uuid)
    fb("* checking where the instance actually runs (if this hangs, the"
       " hypervisor might be in a bad state)")
    hvparams = self.cfg.GetClusterInfo().hvparams
    nodes = [source_uuid, self.target_node_uuid]
    lists = self.rpc.call_instance_list(nodes, [instance.hypervisor],
                                        hvparams)
    for node in nodes:
      lists[node].Raise("Can't contact node %s" %
                        self.cfg.GetNodeName(node))
    on_source = instance.name in lists[source_uuid].payload
    on_target = instance.name in lists[self.target_node_uuid].payload
    if on_source and on_target:
      raise errors.OpExecError("Instance seems to be running on two nodes,"
                               " or the hypervisor is confused; you will have"
                               " to ensure manually that it runs only on one"
                               " and restart this operation")
    if not (on_source or on_target):
      raise errors.OpExecError("Instance does not seem to be running at all;"
                               " in this case it's safer to repair by"
                               " running 'gnt-instance stop' to ensure disk"
                               " shutdown, and then restarting it")
    if on_target:
      fb("* instance running on secondary node (%s), updating config" %
         target_name)
      mu.SetInstancePrimary(self.lu, instance, self.target_node_uuid, fb)
      demoted = source_uuid
    else:
      fb("* instance confirmed to be running on its primary node (%s)" %
         source_name)
      demoted = self.target_node_uuid
    if self._IsDrbd():
      self._EnsureSecondary(demoted)
      try:
        self._WaitUntilSync(nodes)
      except errors.OpExecError:
        # a StandAlone device cannot sync: reconnecting follows anyway
        pass
      self._GoStandalone(nodes)
      self._GoReconnect(nodes, False)
      self._WaitUntilSync(nodes)
    fb("* done")


class _MigrationLUBase(LogicalUnit):
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    _ExpandNamesForMigration(self)
    self._migrater = self._MakeMigrater()

  def DeclareLocks(self, level):
    _DeclareLocksForMigration(self, level)

  def CheckPrereq(self):
    self._migrater.CheckPrereq()

  def Exec(self, feedback_fn):
    self._migrater.Exec(feedback_fn)


class LUInstanceFailover(_MigrationLUBase):
  """Stop the instance, make the target its primary, start it there."""
  HPATH = "instance-failover"

  def CheckArguments(self):
    if self.op.cleanup:
      raise errors.OpPrereqError("Cleanup is not applicable to failover;"
                                 " use 'gnt-instance migrate --cleanup' after"
                                 " a failed migration", errors.ECODE_INVAL)

  def _MakeMigrater(self):
    return _Migrater(self, False, True, False, self.op.ignore_consistency,
                     self.op.shutdown_timeout, self.op.ignore_ipolicy, True,
                     True)

  def BuildHooksEnv(self):
    mig = self._migrater
    env = {"IGNORE_CONSISTENCY": self.op.ignore_consistency,
           "SHUTDOWN_TIMEOUT": self.op.shutdown_timeout,
           "FAILOVER_CLEANUP": self.op.cleanup}
    env.update(mu.MigrationHookEnv(self, mig.instance, mig.target_node_uuid))
    env.update(iu.BuildInstanceHookEnv(self.cfg, mig.instance))
    return env

  def BuildHooksNodes(self):
    instance = self._migrater.instance
    nl = ([self.cfg.GetMasterNode()] +
          list(self.cfg.GetInstanceSecondaryNodes(instance.uuid)) +
          [self._migrater.target_node_uuid])
    return (nl, nl + [instance.primary_node])


class LUInstanceMigrate(_MigrationLUBase):
  """Move a running instance to the target without stopping it."""
  HPATH = "instance-migrate"

  def _MakeMigrater(self):
    return _Migrater(self, self.op.cleanup, False, self.op.allow_failover,
                     False, constants.DEFAULT_SHUTDOWN_TIMEOUT,
                     self.op.ignore_ipolicy, self.op.allow_runtime_changes,
                     self.op.ignore_hvversions)

  def BuildHooksEnv(self):
    mig = self._migrater
    env = iu.BuildInstanceHookEnv(self.cfg, mig.instance)
    env.update({"MIGRATE_LIVE": mig.live,
                "MIGRATE_CLEANUP": self.op.cleanup,
                "ALLOW_RUNTIME_CHANGES": self.op.allow_runtime_changes})
    env.update(mu.MigrationHookEnv(self, mig.instance, mig.target_node_uuid))
    return env

  def BuildHooksNodes(self):
    instance = self._migrater.instance
    nl = ([self.cfg.GetMasterNode(), instance.primary_node] +
          list(self.cfg.GetInstanceSecondaryNodes(instance.uuid)) +
          [self._migrater.target_node_uuid])
    return (nl, nl)
