"""OP_CLUSTER_VERIFY_DISKS (one OP_GROUP_VERIFY_DISKS job per group) and
OP_GROUP_VERIFY_DISKS: which instances have disks that need activating.

The group result is Ganeti's triple ``(node errors {node name: message},
[instance names whose disks need activation], {instance name: [[node
name, "vg/lv"], ...] of missing logical volumes})``.
"""

from ganeti import constants
from ganeti import opcodes
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU, ResultWithJobs
from ganeti.cmdlib.cluster_verify.instance_checks import DiskVolumes


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
  """Report the instances of a group whose disks need activation.

  Only instances with active disks are looked at.  LVM volumes (plain
  disks and DRBD children) are checked in the nodes' ``lv_list``: a
  missing one is reported as missing, an inactive one asks for
  activation; the other disks are asked for their status on the primary
  node, and one that is not found asks for activation.
  """
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.needed_locks = {}

  def _GroupInstances(self):
    result = []
    for inst in self.cfg.GetAllInstancesInfo().values():
      pnode = self.cfg.GetNodeInfo(inst.primary_node)
      if pnode is None or pnode.group != self.group_uuid:
        continue
      if not self.cfg.GetInstanceDisks(inst.uuid) or not inst.disks_active:
        continue
      result.append(inst)
    return sorted(result, key=lambda i: utils.NiceSortKey(i.name))

  def Exec(self, feedback_fn):
    res_nodes = {}
    res_missing = {}
    needs_activation = set()
    instances = self._GroupInstances()
    # which LVs each node must have, and for which instance
    wanted = {}
    other = []
    for inst in instances:
      nodes = self.cfg.GetInstanceNodes(inst.uuid)
      has_lvs = False
      for disk in self.cfg.GetInstanceDisks(inst.uuid):
        for (node, lvs) in DiskVolumes(disk, nodes).items():
          has_lvs = True
          for lv in lvs:
            wanted.setdefault(node, {})[lv] = inst.name
      if not has_lvs:
        other.append(inst)
    vg_name = self.cfg.GetClusterInfo().volume_group_name
    for (node, lvs) in sorted(wanted.items()):
      ninfo = self.cfg.GetNodeInfo(node)
      if ninfo is None or ninfo.offline:
        continue
      result = self.rpc.call_lv_list([node], vg_name)[node]
      if result.fail_msg:
        res_nodes[ninfo.name] = result.fail_msg
        continue
      node_lvs = result.payload or {}
      for (lv, iname) in sorted(lvs.items()):
        info = node_lvs.get(lv)
        if info is None:
          res_missing.setdefault(iname, []).append([ninfo.name, lv])
        elif not info[2]:
          needs_activation.add(iname)
    for inst in other:
      pnode = self.cfg.GetNodeInfo(inst.primary_node)
      if pnode.offline:
        continue
      disks = self.cfg.GetInstanceDisks(inst.uuid)
      result = self.rpc.call_blockdev_getmirrorstatus(inst.primary_node,
                                                      disks)
      if result.fail_msg:
        res_nodes[pnode.name] = result.fail_msg
        continue
      if any(not ok for (ok, _) in result.payload or []):
        needs_activation.add(inst.name)
    for inst in instances:
      if self.cfg.GetInstanceDiskTemplate(inst.uuid) != constants.DT_DRBD8:
        continue
      disks = self.cfg.GetInstanceDisks(inst.uuid)
      for node in self.cfg.GetInstanceNodes(inst.uuid):
        ninfo = self.cfg.GetNodeInfo(node)
        if ninfo is None or ninfo.offline or ninfo.name in res_nodes:
          continue
        result = self.rpc.call_drbd_needs_activation(node, disks)
        if result.fail_msg:
          res_nodes[ninfo.name] = result.fail_msg
        elif result.payload:
          needs_activation.add(inst.name)
    needs_activation -= set(res_missing)
    return (res_nodes, utils.NiceSort(needs_activation), res_missing)
