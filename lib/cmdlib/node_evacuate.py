"""Node evacuation and migration LUs: they compute the moves and return
them as follow-up jobs (``ResultWithJobs``), one per instance.

* evacuate (``OP_NODE_EVACUATE``): with ``remote_node`` one
  ``OP_INSTANCE_REPLACE_DISKS`` (new secondary) job per secondary
  instance; with an iallocator the allocator's ``node-evacuate`` answer
  (its jobs of opcodes) for the primary, secondary or all instances;
* migrate (``OP_NODE_MIGRATE``): one ``OP_INSTANCE_MIGRATE`` job per
  primary instance.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import opcodes
from ganeti import utils
from ganeti.cmdlib import iallocator
from ganeti.cmdlib.base import (LogicalUnit, NoHooksLU, ResultWithJobs,
                                ExpandNodeUuidAndName)
from ganeti.cmdlib.group_evacuate import LoadNodeEvacResult
from ganeti.cmdlib.instance_move_utils import CheckIAllocatorOrNode


def NodeInstances(cfg, node_uuid, mode):
  """The instances of a node an evacuation in ``mode`` moves.

  ``primary-only``: those with the node as primary; ``secondary-only``:
  those with it as a secondary; ``all``: both.  Sorted by name.
  """
  result = []
  for inst in cfg.GetAllInstancesInfo().values():
    nodes = cfg.GetInstanceNodes(inst.uuid)
    is_pri = inst.primary_node == node_uuid
    is_sec = node_uuid in nodes[1:]
    if ((mode == constants.NODE_EVAC_PRI and is_pri) or
        (mode == constants.NODE_EVAC_SEC and is_sec) or
        (mode == constants.NODE_EVAC_ALL and (is_pri or is_sec))):
      result.append(inst)
  return sorted(result, key=lambda i: utils.NiceSortKey(i.name))


def NewSecondaryJobs(instance_names, remote_node, early_release):
  """One replace-disks (change secondary) job per instance."""
  return [[opcodes.OpInstanceReplaceDisks(
            instance_name=name, remote_node=remote_node, disks=[],
            mode=constants.REPLACE_DISK_CHG, early_release=early_release)]
          for name in instance_names]


class LUNodeEvacuate(NoHooksLU):
  """Move the primary and/or secondary instances off a node."""
  REQ_BGL = False

  def CheckArguments(self):
    CheckIAllocatorOrNode(self, "iallocator", "remote_node")

  def ExpandNames(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    if self.op.remote_node is not None:
      (self.op.remote_node_uuid, self.op.remote_node) = \
        ExpandNodeUuidAndName(self.cfg, self.op.remote_node_uuid,
                              self.op.remote_node)
      if self.op.node_uuid == self.op.remote_node_uuid:
        raise errors.OpPrereqError("Can not use evacuated node as a new"
                                   " secondary node", errors.ECODE_INVAL)
      if self.op.mode != constants.NODE_EVAC_SEC:
        raise errors.OpPrereqError("Without the use of an iallocator only"
                                   " secondary instances can be evacuated",
                                   errors.ECODE_INVAL)
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.needed_locks = {locking.LEVEL_INSTANCE: [],
                         locking.LEVEL_NODEGROUP: [],
                         locking.LEVEL_NODE: []}
    self.lock_nodes = self._DetermineNodes()

  def _DetermineNodes(self):
    """The node and its possible targets (its group's nodes, or the new
    secondary)."""
    if self.op.remote_node_uuid is not None:
      return set([self.op.node_uuid, self.op.remote_node_uuid])
    group = self.cfg.GetNodeInfo(self.op.node_uuid).group
    return set([self.op.node_uuid]) | set(
      n.uuid for n in self.cfg.GetAllNodesInfo().values() if n.group == group)

  def _GroupsOf(self, node_uuids):
    return set(self.cfg.GetNodeInfo(u).group for u in node_uuids)

  def DeclareLocks(self, level):
    if level == locking.LEVEL_INSTANCE:
      self.needed_locks[level] = [
        i.name for i in NodeInstances(self.cfg, self.op.node_uuid,
                                      self.op.mode)]
    elif level == locking.LEVEL_NODEGROUP:
      self.needed_locks[level] = list(self._GroupsOf(self.lock_nodes))
    elif level == locking.LEVEL_NODE:
      self.needed_locks[level] = list(self.lock_nodes)

  def CheckPrereq(self):
    owned_nodes = set(self.glm.list_owned(locking.LEVEL_NODE)) \
      if self.glm is not None else set(self.lock_nodes)
    need_nodes = self._DetermineNodes()
    if not owned_nodes.issuperset(need_nodes):
      raise errors.OpPrereqError(
        "Nodes in same group as '%s' changed since locks were acquired,"
        " current nodes are '%s', used to be '%s'; retry the operation" %
        (self.op.node_name, utils.CommaJoin(sorted(need_nodes)),
         utils.CommaJoin(sorted(owned_nodes))), errors.ECODE_STATE)
    self.instances = NodeInstances(self.cfg, self.op.node_uuid, self.op.mode)
    self.instance_names = [i.name for i in self.instances]
    if self.glm is not None:
      owned = set(self.glm.list_owned(locking.LEVEL_INSTANCE))
      if set(self.instance_names) != owned:
        raise errors.OpExecError(
          "Instances on node '%s' changed since locks were acquired, current"
          " instances are '%s', used to be '%s'; retry the operation" %
          (self.op.node_name, utils.CommaJoin(self.instance_names),
           utils.CommaJoin(sorted(owned))))
    if self.instance_names:
      self.LogInfo("Evacuating instances from node '%s': %s",
                   self.op.node_name, utils.CommaJoin(self.instance_names))
    else:
      self.LogInfo("No instances to evacuate from node '%s'",
                   self.op.node_name)
    if self.op.remote_node is not None:
      for inst in self.instances:
        if inst.primary_node == self.op.remote_node_uuid:
          raise errors.OpPrereqError("Node %s is the primary node of"
                                     " instance %s, cannot use it as"
                                     " secondary" %
                                     (self.op.remote_node, inst.name),
                                     errors.ECODE_INVAL)

  def _RunAllocator(self):
    req = iallocator.IAReqNodeEvac(evac_mode=self.op.mode,
                                   instances=list(self.instance_names))
    ial = iallocator.IAllocator(self.cfg, self.rpc, req)
    ial.Run(self.op.iallocator, log_fn=self.LogInfo)
    if not ial.success:
      raise errors.OpPrereqError("Can't compute node evacuation using"
                                 " iallocator '%s': %s" %
                                 (self.op.iallocator, ial.info),
                                 errors.ECODE_NORES)
    return ial.result

  def Exec(self, feedback_fn):
    if not self.instance_names:
      jobs = []
    elif self.op.iallocator is not None:
      jobs = LoadNodeEvacResult(self, self._RunAllocator(),
                                self.op.early_release, True)
    else:
      jobs = NewSecondaryJobs(self.instance_names, self.op.remote_node,
                              self.op.early_release)
    return ResultWithJobs(jobs)


def MigrateJobs(op, instances):
  """One ``OP_INSTANCE_MIGRATE`` job per instance, with the node
  migration's options."""
  return [[opcodes.OpInstanceMigrate(
            instance_name=inst.name, mode=op.mode, live=op.live,
            iallocator=op.iallocator, target_node=op.target_node,
            allow_runtime_changes=op.allow_runtime_changes,
            ignore_ipolicy=op.ignore_ipolicy)]
          for inst in instances]


class LUNodeMigrate(LogicalUnit):
  """Migrate all the primary instances of a node away from it."""
  HPATH = "node-migrate"
  HTYPE = constants.HTYPE_NODE
  REQ_BGL = False

  def ExpandNames(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.needed_locks = {locking.LEVEL_NODE: [self.op.node_uuid]}

  def BuildHooksEnv(self):
    return {"NODE_NAME": self.op.node_name,
            "ALLOW_RUNTIME_CHANGES": self.op.allow_runtime_changes}

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()]
    return (nl, nl)

  def Exec(self, feedback_fn):
    instances = NodeInstances(self.cfg, self.op.node_uuid,
                              constants.NODE_EVAC_PRI)
    return ResultWithJobs(MigrateJobs(self.op, instances))
