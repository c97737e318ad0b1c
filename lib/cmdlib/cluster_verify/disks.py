"""OP_CLUSTER_VERIFY_DISKS (one OP_GROUP_VERIFY_DISKS job per group) and
OP_GROUP_VERIFY_DISKS: which instances have disks that need activating."""

from ganeti import opcodes
from ganeti.cmdlib.base import NoHooksLU, ResultWithJobs


class LUClusterVerifyDisks(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    if self.op.group_name:
      groups = [self.cfg.LookupNodeGroup(self.op.group_name)]
    else:
      groups = sorted(self.cfg.GetAllNodeGroupsInfo())
    return ResultWithJobs([[opcodes.OpGroupVerifyDisks(group_name=g)]
                           for g in groups])


class LUGroupVerifyDisks(NoHooksLU):
  """Report instances whose disks need activation (none for file/diskless
  templates with active disks)."""
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    res_nodes = {}
    res_missing = {}
    needs_activation = []
    for inst in self.cfg.GetAllInstancesInfo().values():
      pnode = self.cfg.GetNodeInfo(inst.primary_node)
      if pnode is None or pnode.group != self.group_uuid:
        continue
      disks = self.cfg.GetInstanceDisks(inst.uuid)
      if not disks or not inst.disks_active:
        continue
      result = self.rpc.call_blockdev_getmirrorstatus(inst.primary_node,
                                                      disks)
      if result.fail_msg:
        res_nodes[pnode.name] = result.fail_msg
        continue
      for (ok, _status) in result.payload:
        if not ok:
          needs_activation.append(inst.name)
          break
    return (res_nodes, sorted(set(needs_activation)), res_missing)

