"""Moving instances out of node groups through the iallocator.

:class:`LUGroupEvacuate` (gnt-group evacuate) asks the allocator, in
"change-group" mode, to place every instance of a group in other groups;
the answer's opcode lists become jobs (:func:`LoadNodeEvacResult`), so the
LU itself changes no configuration.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import opcodes
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ResultWithJobs
from ganeti.cmdlib import iallocator


def _SetEarlyRelease(early_release, op):
  """Set ``early_release`` on opcodes that have it (others unchanged)."""
  if "early_release" in op.GetAllSlots():
    op.early_release = early_release
  return op


def LoadNodeEvacResult(lu, alloc_result, early_release, use_nodes):
  """Turn an evacuation answer [moved, failed, jobs] into opcode lists.

  @param use_nodes: log the destination nodes (else the group)
  @raise errors.OpExecError: the allocator could not move some instance
  """
  (moved, failed, jobs) = alloc_result
  if failed:
    reasons = utils.CommaJoin("%s (%s)" % (name, reason)
                              for (name, reason) in failed)
    lu.LogWarning("Unable to evacuate instances %s", reasons)
    raise errors.OpExecError("Unable to evacuate instances %s" % reasons)
  if moved:
    lu.LogInfo("Instances to be moved: %s", utils.CommaJoin(
      "%s (to %s)" % (name, utils.CommaJoin(nodes) if use_nodes else group)
      for (name, group, nodes) in moved))
  return [[_SetEarlyRelease(early_release, opcodes.OpCode.LoadOpCode(op))
           for op in ops] for ops in jobs]


def ResolveTargetGroups(cfg, names):
  """Group UUIDs of the ``--to`` names (None: none given)."""
  if not names:
    return []
  return utils.UniqueSequence([cfg.LookupNodeGroup(n) for n in names])


def _FailoverInstead(op):
  """A migration turned into a failover (evacuate --force-failover)."""
  if isinstance(op, opcodes.OpInstanceMigrate):
    return opcodes.OpInstanceFailover(
      instance_name=op.instance_name,
      target_node=getattr(op, "target_node", None),
      ignore_consistency=False)
  return op


class LUGroupEvacuate(LogicalUnit):
  """Move all instances of a group to other groups (jobs)."""
  HPATH = "group-evacuate"
  HTYPE = constants.HTYPE_GROUP

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.req_target_uuids = ResolveTargetGroups(self.cfg,
                                                self.op.target_groups)
    if self.group_uuid in self.req_target_uuids:
      raise errors.OpPrereqError("Group to be evacuated (%s) can not be used"
                                 " as a target group (targets are %s)" %
                                 (self.group_uuid,
                                  utils.CommaJoin(self.req_target_uuids)),
                                 errors.ECODE_INVAL)
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.needed_locks = {locking.LEVEL_NODEGROUP: locking.ALL_SET,
                         locking.LEVEL_INSTANCE: locking.ALL_SET,
                         locking.LEVEL_NODE: locking.ALL_SET}

  def CheckPrereq(self):
    if self.req_target_uuids:
      self.target_uuids = list(self.req_target_uuids)
    else:
      self.target_uuids = sorted(u for u in self.cfg.GetAllNodeGroupsInfo()
                                 if u != self.group_uuid)
    if not self.target_uuids:
      raise errors.OpPrereqError("There are no possible target groups",
                                 errors.ECODE_INVAL)
    self.instances = utils.NiceSort(self.cfg.GetInstanceNames(
      self.cfg.GetNodeGroupInstances(self.group_uuid)))

  def BuildHooksEnv(self):
    return {"GROUP_NAME": self.op.group_name,
            "GROUP_TARGET_GROUPS": " ".join(self.target_uuids)}

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    members = [n for n in self.cfg.GetNodeGroupMembers(self.group_uuid)
               if n != master]
    return ([master], [master] + members)

  def Exec(self, feedback_fn):
    if not self.instances:
      self.LogInfo("No instances to evacuate from node group %s",
                   self.op.group_name)
      return ResultWithJobs([])
    name = iallocator.ResolveName(self.cfg, self.op.iallocator)
    req = iallocator.IAReqGroupChange(instances=self.instances,
                                      target_groups=self.target_uuids)
    ial = iallocator.IAllocator(self.cfg, self.rpc, req)
    ial.Run(name, log_fn=self.LogInfo)
    if not ial.success:
      raise errors.OpPrereqError("Can't compute group evacuation using"
                                 " iallocator '%s': %s" % (name, ial.info),
                                 errors.ECODE_NORES)
    jobs = LoadNodeEvacResult(self, ial.result, self.op.early_release, False)
    self.LogInfo("Iallocator returned %s job(s) for evacuating node group"
                 " %s", len(jobs), self.op.group_name)
    if self.op.force_failover:
      jobs = [[_FailoverInstead(op) for op in ops] for ops in jobs]
    if self.op.sequential:
      for idx in range(1, len(jobs)):
        jobs[idx][0].depends = [[-1, [constants.JOB_STATUS_SUCCESS]]]
    return ResultWithJobs(jobs)
