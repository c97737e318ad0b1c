"""LUInstanceChangeGroup: move one instance to another node group.

The iallocator (request "change-group") chooses the target nodes; its
opcode lists are submitted as jobs, so this LU changes no configuration.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ResultWithJobs
from ganeti.cmdlib import iallocator
from ganeti.cmdlib.group_evacuate import (LoadNodeEvacResult,
                                          ResolveTargetGroups)
from ganeti.cmdlib.instance_utils import BuildInstanceHookEnv


class LUInstanceChangeGroup(LogicalUnit):
  HPATH = "instance-change-group"
  HTYPE = constants.HTYPE_INSTANCE

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    self.req_target_uuids = ResolveTargetGroups(self.cfg,
                                                self.op.target_groups)
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.needed_locks[locking.LEVEL_NODEGROUP] = locking.ALL_SET
    self.needed_locks[locking.LEVEL_NODE] = locking.ALL_SET

  def CheckPrereq(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    inst_groups = self.cfg.GetInstanceNodeGroups(self.op.instance_uuid)
    if self.req_target_uuids:
      targets = set(self.req_target_uuids)
    else:
      targets = set(self.cfg.GetAllNodeGroupsInfo()) - inst_groups
    conflicting = targets & inst_groups
    if conflicting:
      raise errors.OpPrereqError("Can't use group(s) '%s' as targets, they"
                                 " are used by the instance '%s'" %
                                 (utils.CommaJoin(sorted(conflicting)),
                                  self.op.instance_name),
                                 errors.ECODE_INVAL)
    if not targets:
      raise errors.OpPrereqError("There are no possible target groups",
                                 errors.ECODE_INVAL)
    self.target_uuids = sorted(targets)

  def BuildHooksEnv(self):
    env = {"TARGET_GROUPS": " ".join(self.target_uuids)}
    env.update(BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    return ([master], [master])

  def Exec(self, feedback_fn):
    name = iallocator.ResolveName(self.cfg, self.op.iallocator)
    req = iallocator.IAReqGroupChange(instances=[self.op.instance_name],
                                      target_groups=self.target_uuids)
    ial = iallocator.IAllocator(self.cfg, self.rpc, req)
    ial.Run(name, log_fn=self.LogInfo)
    if not ial.success:
      raise errors.OpPrereqError("Can't compute solution for changing group"
                                 " of instance '%s' using iallocator '%s':"
                                 " %s" % (self.op.instance_name, name,
                                          ial.info), errors.ECODE_NORES)
    jobs = LoadNodeEvacResult(self, ial.result, self.op.early_release, False)
    self.LogInfo("Iallocator returned %s job(s) for changing group of"
                 " instance '%s'", len(jobs), self.op.instance_name)
    return ResultWithJobs(jobs)
