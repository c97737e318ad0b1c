"""Node LUs: add, remove, modify (flags and roles)."""

import logging

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import netutils
from ganeti import objects
from ganeti import pathutils
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib import node_params


def _DistributeAncillaryFiles(lu, node_uuids, candidate=True):
  """Copy the cluster files a new node needs, as Ganeti's node add does.

  Every node gets the ancillary files the master has (RAPI certificate and
  users file, HMAC key, domain secret, ...: the files redist-conf
  copies); a master candidate also gets config.data.
  """
  from ganeti.cmdlib import cluster_master
  paths = pathutils.Get()
  files = cluster_master.AncillaryFiles(lu.cfg.GetClusterInfo())
  if candidate:
    files = [paths.CLUSTER_CONF_FILE] + files
  import os
  for fname in files:
    if not os.path.exists(fname):
      continue
    result = lu.rpc.call_upload_file(node_uuids, fname)
    for node_uuid, res in result.items():
      if res.fail_msg:
        lu.LogWarning("Copy of file %s to node %s failed: %s", fname,
                      lu.cfg.GetNodeName(node_uuid), res.fail_msg)


def _RedistSsconf(lu, node_uuids):
  values = lu.cfg.GetSsconfValues()
  result = lu.rpc.call_write_ssconf_files(node_uuids, values)
  for node_uuid, res in result.items():
    if res.fail_msg:
      lu.LogWarning("Could not write ssconf files on node %s: %s",
                    lu.cfg.GetNodeName(node_uuid), res.fail_msg)


class LUNodeAdd(LogicalUnit):
  HPATH = "node-add"
  HTYPE = constants.HTYPE_NODE

  def CheckArguments(self):
    self.primary_ip_family = self.cfg.GetClusterInfo().primary_ip_family
    self.hostname = netutils.GetHostname(name=self.op.node_name)
    self.op.node_name = self.hostname.name
    if self.op.readd and self.op.node_name == self.cfg.GetMasterNodeName():
      raise errors.OpPrereqError("Cannot readd the master node",
                                 errors.ECODE_STATE)
    if self.op.readd and self.op.group:
      raise errors.OpPrereqError("Cannot pass a node group when a node is"
                                 " being readded", errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET}

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.op.node_name, "NODE_NAME": self.op.node_name,
            "NODE_PIP": self.op.primary_ip, "NODE_SIP": self.op.secondary_ip,
            "MASTER_CAPABLE": str(self.op.master_capable),
            "VM_CAPABLE": str(self.op.vm_capable)}

  def BuildHooksNodes(self):
    hook_nodes = self.cfg.GetNodeList()
    existing = self.cfg.GetNodeInfoByName(self.op.node_name)
    if existing is not None:
      hook_nodes.remove(existing.uuid)
    return (hook_nodes, hook_nodes)

  def CheckPrereq(self):
    cfg = self.cfg
    node_name = self.hostname.name
    self.op.primary_ip = self.hostname.ip
    if self.op.secondary_ip is None:
      self.op.secondary_ip = self.op.primary_ip
    existing = cfg.GetNodeInfoByName(node_name)
    if not self.op.readd and existing is not None:
      raise errors.OpPrereqError("Node %s is already in the configuration" %
                                 node_name, errors.ECODE_EXISTS)
    if self.op.readd and existing is None:
      raise errors.OpPrereqError("Node %s is not in the configuration" %
                                 node_name, errors.ECODE_NOENT)
    for node in cfg.GetAllNodesInfo().values():
      if existing is not None and node.uuid == existing.uuid:
        continue
      if node.primary_ip in (self.op.primary_ip, self.op.secondary_ip) or \
          node.secondary_ip in (self.op.primary_ip, self.op.secondary_ip):
        raise errors.OpPrereqError("New node ip address(es) conflict with"
                                   " existing node %s" % node.name,
                                   errors.ECODE_NOTUNIQUE)
    if self.op.master_capable is None:
      self.op.master_capable = existing.master_capable if existing else True
    if self.op.vm_capable is None:
      self.op.vm_capable = existing.vm_capable if existing else True
    if self.op.readd:
      self.group_uuid = existing.group
    else:
      self.group_uuid = cfg.LookupNodeGroup(self.op.group)
    # the new node must answer with our protocol version
    result = self.rpc.call_version([node_name])[node_name]
    result.Raise("Can't get version information from node %s" % node_name,
                 prereq=True, ecode=errors.ECODE_ENVIRON)
    if result.payload != constants.PROTOCOL_VERSION:
      raise errors.OpPrereqError("Version mismatch master version %s,"
                                 " node version %s" %
                                 (constants.PROTOCOL_VERSION,
                                  result.payload), errors.ECODE_ENVIRON)
    if self.op.readd:
      self.new_node = existing
    else:
      self.new_node = objects.Node(
        name=node_name, primary_ip=self.op.primary_ip,
        secondary_ip=self.op.secondary_ip, master_candidate=False,
        offline=False, drained=False, group=self.group_uuid,
        ndparams=self.op.ndparams or {}, powered=True,
        master_capable=self.op.master_capable,
        vm_capable=self.op.vm_capable, uuid=cfg.GenerateUniqueID())
    mc_now, mc_should, _ = cfg.GetMasterCandidateStats()
    pool_size = cfg.GetClusterInfo().candidate_pool_size
    self.master_candidate = (self.op.master_capable and
                             mc_now < min(mc_should + 1, pool_size))

  def Exec(self, feedback_fn):
    node = self.new_node
    if self.op.readd:
      node.offline = False
      node.drained = False
      node.master_candidate = self.master_candidate
      node.master_capable = self.op.master_capable
      node.vm_capable = self.op.vm_capable
      self.cfg.Update(node, feedback_fn)
    else:
      node.master_candidate = self.master_candidate
      self.cfg.AddNode(node, self.proc.GetECId())
    if self.context is not None:
      self.context.AddNode(node)
    if node.master_candidate:
      self.LogInfo("Node will be a master candidate")
    _DistributeAncillaryFiles(self, [node.uuid], node.master_candidate)
    if node.master_candidate:
      if self.context is not None:
        self.context.ReplicateQueueTo(node)
    _RedistSsconf(self, [node.uuid])


class LUNodeRemove(LogicalUnit):
  HPATH = "node-remove"
  HTYPE = constants.HTYPE_NODE

  def ExpandNames(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    self.needed_locks = {locking.LEVEL_NODE: [self.op.node_uuid],
                         locking.LEVEL_NODE_RES: [self.op.node_uuid]}

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.op.node_name, "NODE_NAME": self.op.node_name}

  def BuildHooksNodes(self):
    all_nodes = self.cfg.GetNodeList()
    try:
      all_nodes.remove(self.op.node_uuid)
    except ValueError:
      pass
    return (all_nodes, all_nodes)

  def CheckPrereq(self):
    node = self.cfg.GetNodeInfo(self.op.node_uuid)
    if node.uuid == self.cfg.GetMasterNode():
      raise errors.OpPrereqError("Node is the master node, failover to"
                                 " another node is required",
                                 errors.ECODE_INVAL)
    for inst in self.cfg.GetAllInstancesInfo().values():
      if node.uuid in self.cfg.GetInstanceNodes(inst.uuid):
        raise errors.OpPrereqError("Instance %s is still running on the node,"
                                   " please remove first" % inst.name,
                                   errors.ECODE_INVAL)
    self.node = node

  def Exec(self, feedback_fn):
    node = self.node
    logging.info("Stopping the node daemon and removing configs from node"
                 " %s", node.name)
    was_candidate = node.master_candidate
    self.cfg.RemoveNode(node.uuid)
    self.remove_locks[locking.LEVEL_NODE] = [node.uuid]
    self.remove_locks[locking.LEVEL_NODE_RES] = [node.uuid]
    if was_candidate:
      for promoted in self.cfg.MaintainCandidatePool([]):
        _DistributeAncillaryFiles(self, [promoted.uuid])
        if self.context is not None:
          self.context.ReplicateQueueTo(promoted)
    result = self.rpc.CallProcedureByAddress(
      "node_leave_cluster", node.name, node.primary_ip,
      self.cfg.GetClusterInfo().modify_ssh_setup)
    if result.fail_msg:
      self.LogWarning("Errors encountered on the remote node while leaving"
                      " the cluster: %s", result.fail_msg)


class LUNodeSetParams(LogicalUnit):
  HPATH = "node-modify"
  HTYPE = constants.HTYPE_NODE

  def CheckArguments(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    all_mods = [self.op.offline, self.op.master_candidate, self.op.drained,
                self.op.master_capable, self.op.vm_capable,
                self.op.secondary_ip, self.op.ndparams, self.op.powered]
    if all_mods.count(None) == len(all_mods):
      raise errors.OpPrereqError("Please pass at least one modification",
                                 errors.ECODE_INVAL)
    if [self.op.offline, self.op.master_candidate,
        self.op.drained].count(True) > 1:
      raise errors.OpPrereqError("Can't set the node into more than one"
                                 " state at the same time",
                                 errors.ECODE_INVAL)
    self.might_demote = (self.op.master_candidate is False or
                         self.op.offline is True or
                         self.op.drained is True or
                         self.op.master_capable is False)
    node_params.CheckSecondaryIpArg(self.op.secondary_ip)
    self.lock_instances = self.op.secondary_ip is not None

  def ExpandNames(self):
    if self.op.auto_promote or self.might_demote:
      self.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET}
    else:
      self.needed_locks = {locking.LEVEL_NODE: [self.op.node_uuid]}
    if self.lock_instances:
      self.share_locks[locking.LEVEL_INSTANCE] = 1
      self.needed_locks[locking.LEVEL_INSTANCE] = sorted(
        inst.name for inst in node_params.SecondaryIpInstances(
          self.cfg, self.op.node_uuid))

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.op.node_name,
            "MASTER_CANDIDATE": str(self.op.master_candidate),
            "OFFLINE": str(self.op.offline), "DRAINED": str(self.op.drained),
            "MASTER_CAPABLE": str(self.op.master_capable),
            "VM_CAPABLE": str(self.op.vm_capable)}

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode(), self.op.node_uuid]
    return (nl, nl)

  _FLAGS = ("master_candidate", "drained", "offline")

  @staticmethod
  def _Role(flags):
    """The role name of a (master_candidate, drained, offline) triple."""
    (mc, drained, offline) = flags
    if offline:
      return "offline"
    if drained:
      return "drained"
    if mc:
      return "candidate"
    return "regular"

  _R2F = {"candidate": (True, False, False), "drained": (False, True, False),
          "offline": (False, False, True), "regular": (False, False, False)}

  def CheckPrereq(self):
    node = self.node = self.cfg.GetNodeInfo(self.op.node_uuid)
    if (node.uuid == self.cfg.GetMasterNode() and
        (self.op.master_candidate is not None or
         self.op.drained is not None or self.op.offline is not None or
         self.op.master_capable is False)):
      raise errors.OpPrereqError("The master role can be changed only via"
                                 " master-failover", errors.ECODE_INVAL)
    if self.op.master_candidate and not node.master_capable:
      raise errors.OpPrereqError("Node %s is not master capable, cannot make"
                                 " it a master candidate" % node.name,
                                 errors.ECODE_STATE)
    if self.op.vm_capable is False:
      (pri, sec) = self.cfg.GetNodeInstances(node.uuid)
      if pri or sec:
        raise errors.OpPrereqError("Node %s hosts instances, cannot unset"
                                   " vm_capable" % node.name,
                                   errors.ECODE_STATE)
    if node.master_candidate and self.might_demote and \
        not self.op.auto_promote:
      (mc_remaining, mc_should, _) = \
        self.cfg.GetMasterCandidateStats([node.uuid])
      if mc_remaining < mc_should:
        raise errors.OpPrereqError("Not enough master candidates, please"
                                   " pass auto promote option to allow"
                                   " promotion (--auto-promote or RAPI"
                                   " auto_promote=True)", errors.ECODE_STATE)
    if (self.op.master_candidate is True and
        ((node.offline and self.op.offline is not False) or
         (node.drained and self.op.drained is not False))):
      raise errors.OpPrereqError("Node '%s' is offline or drained, can't set"
                                 " it as master candidate" % node.name,
                                 errors.ECODE_STATE)
    for attr in self._FLAGS:
      if getattr(self.op, attr) is False and getattr(node, attr) is False:
        self.LogInfo("Ignoring request to unset flag %s, already unset", attr)
        setattr(self.op, attr, None)
    node_params.CheckPoweredChange(self, node)
    # leaving the drained/offline state (or becoming master capable) may
    # make the node a candidate again, if the pool needs one
    if (self.op.drained is False or self.op.offline is False or
        (self.op.master_capable and not node.master_capable)):
      (mc_now, mc_should, _) = self.cfg.GetMasterCandidateStats([node.uuid])
      pool_size = self.cfg.GetClusterInfo().candidate_pool_size
      if mc_now < min(mc_should + 1, pool_size):
        self.op.master_candidate = True
        self.LogInfo("Auto-promoting node to master candidate")
    if self.op.master_capable is False and node.master_candidate:
      self.LogInfo("Demoting from master candidate")
      self.op.master_candidate = False
    self.old_flags = tuple(getattr(node, attr) for attr in self._FLAGS)
    self.old_role = self._Role(self.old_flags)
    if self.op.master_candidate:
      self.new_role = "candidate"
    elif self.op.drained:
      self.new_role = "drained"
    elif self.op.offline:
      self.new_role = "offline"
    elif False in [getattr(self.op, attr) for attr in self._FLAGS]:
      self.new_role = "regular"
    else:
      self.new_role = self.old_role
    if self.old_role == "offline" and self.new_role != self.old_role:
      node_params.CheckLeavingOffline(self, node)
    if self.op.secondary_ip:
      affected = node_params.SecondaryIpInstances(self.cfg, node.uuid)
      if self.glm is not None:
        owned = set(self.glm.list_owned(locking.LEVEL_INSTANCE))
        missing = set(i.name for i in affected) - owned
        if missing:
          raise errors.OpPrereqError(
            "Instances affected by changing node %s's secondary IP address"
            " have changed since locks were acquired, wanted '%s', have"
            " '%s'; retry the operation" %
            (node.name, utils.CommaJoin(sorted(i.name for i in affected)),
             utils.CommaJoin(sorted(owned))), errors.ECODE_STATE)
      node_params.CheckSecondaryIpChange(self, node, self.op.secondary_ip,
                                         affected)
    self.new_ndparams = None
    if self.op.ndparams:
      self.new_ndparams = node_params.ComputeNewNdparams(node,
                                                         self.op.ndparams)

  def Exec(self, feedback_fn):
    node = self.node
    result = []
    if self.new_ndparams is not None:
      node.ndparams = self.new_ndparams
    if self.op.powered is not None:
      node.powered = self.op.powered
    for attr in ("master_capable", "vm_capable"):
      value = getattr(self.op, attr)
      if value is not None:
        setattr(node, attr, value)
        result.append((attr, str(value)))
    changed_mc = False
    if self.new_role != self.old_role:
      new_flags = self._R2F[self.new_role]
      for (old, new, desc) in zip(self.old_flags, new_flags, self._FLAGS):
        if old != new:
          result.append((desc, str(new)))
      changed_mc = self.old_flags[0] != new_flags[0]
      (node.master_candidate, node.drained, node.offline) = new_flags
    if self.op.secondary_ip:
      node.secondary_ip = self.op.secondary_ip
      result.append(("secondary_ip", self.op.secondary_ip))
    self.cfg.Update(node, feedback_fn)
    if changed_mc:
      if node.master_candidate:
        _DistributeAncillaryFiles(self, [node.uuid])
        if self.context is not None:
          self.context.ReplicateQueueTo(node)
      else:
        if not node.offline:
          res = self.rpc.call_node_demote_from_mc(node.uuid)
          if res.fail_msg:
            self.LogWarning("Node failed to demote itself: %s", res.fail_msg)
      if self.op.auto_promote:
        promoted = self.cfg.MaintainCandidatePool([node.uuid])
        if promoted:
          self.LogInfo("Promoted nodes to master candidate role: %s",
                       utils.CommaJoin(sorted(n.name for n in promoted)))
        for pnode in promoted:
          _DistributeAncillaryFiles(self, [pnode.uuid])
          if self.context is not None:
            self.context.ReplicateQueueTo(pnode)
    return result
