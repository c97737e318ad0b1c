"""Node group LUs: add, remove, rename, modify, assign nodes.

Evacuation (which moves instances through the iallocator) lives in
:mod:`ganeti.cmdlib.group_evacuate`.  All checks happen in ``CheckPrereq``
against copies; ``Exec`` writes the configuration once, so a failure never
leaves a half-changed group.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, NoHooksLU, ExpandNodeUuidAndName
from ganeti.cmdlib import group_params as gp
from ganeti.cmdlib import instance_move_utils as mu
from ganeti.config.groups import NewNodeGroup


def GroupInstanceViolations(cfg, ipolicy, group_uuid):
  """Names of the instances of a group violating ``ipolicy`` (sorted)."""
  bad = []
  for inst_uuid in cfg.GetNodeGroupInstances(group_uuid, primary_only=True):
    instance = cfg.GetInstanceInfo(inst_uuid)
    if mu.ComputeInstanceViolation(cfg, ipolicy, instance):
      bad.append(instance.name)
  return utils.NiceSort(bad)


class _GroupLU(LogicalUnit):
  """An LU acting on the existing group ``op.group_name`` (locked)."""
  HTYPE = constants.HTYPE_GROUP
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.needed_locks = {locking.LEVEL_NODEGROUP: [self.group_uuid]}

  def BuildHooksEnv(self):
    return {"GROUP_NAME": self.op.group_name}

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    nodes = [master] + [n for n in self.cfg.GetNodeGroupMembers(
      self.group_uuid) if n != master]
    return ([master], nodes)


class LUGroupAdd(LogicalUnit):
  """Create an empty node group."""
  HPATH = "group-add"
  HTYPE = constants.HTYPE_GROUP
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.GenerateUniqueID(self.proc.GetECId())
    self.needed_locks = {}
    self.add_locks[locking.LEVEL_NODEGROUP] = self.group_uuid

  def CheckPrereq(self):
    existing = self.cfg.GetNodeGroupInfoByName(self.op.group_name)
    if existing is not None:
      raise errors.OpPrereqError("Desired group name '%s' already exists as"
                                 " a node group (UUID: %s)" %
                                 (self.op.group_name, existing.uuid),
                                 errors.ECODE_EXISTS)
    cluster = self.cfg.GetClusterInfo()
    self.ndparams = gp.UpdateNdParams({}, self.op.ndparams or {})
    self.diskparams = gp.UpdateDiskParams({}, self.op.diskparams or {})
    self.hv_state = gp.MergeHvState({}, self.op.hv_state or {})
    self.disk_state = gp.MergeDiskState({}, self.op.disk_state or {})
    if self.op.ipolicy:
      self.ipolicy = gp.GetUpdatedIPolicy({}, self.op.ipolicy,
                                          group_policy=True)
      gp.CheckFullIPolicy(cluster, self.ipolicy)
    else:
      self.ipolicy = {}

  def BuildHooksEnv(self):
    return {"GROUP_NAME": self.op.group_name}

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    return ([master], [master])

  def Exec(self, feedback_fn):
    group = NewNodeGroup(self.op.group_name, uuid=self.group_uuid,
                         alloc_policy=self.op.alloc_policy,
                         ndparams=self.ndparams, diskparams=self.diskparams,
                         ipolicy=self.ipolicy, hv_state=self.hv_state,
                         disk_state=self.disk_state)
    self.cfg.AddNodeGroup(group, self.proc.GetECId(), check_uuid=False)
    # the lock stays: the group exists now
    del self.remove_locks[locking.LEVEL_NODEGROUP]


class LUGroupRemove(_GroupLU):
  """Remove an empty node group (never the last one)."""
  HPATH = "group-remove"

  def CheckPrereq(self):
    members = self.cfg.GetNodeGroupMembers(self.group_uuid)
    if members:
      raise errors.OpPrereqError("Group '%s' not empty, has the following"
                                 " node(s): %s" %
                                 (self.op.group_name, utils.CommaJoin(
                                   self.cfg.GetNodeNames(members))),
                                 errors.ECODE_STATE)
    if len(self.cfg.GetAllNodeGroupsInfo()) == 1:
      raise errors.OpPrereqError("Group '%s' is the only group, cannot be"
                                 " removed" % self.op.group_name,
                                 errors.ECODE_STATE)

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    return ([master], [master])

  def Exec(self, feedback_fn):
    try:
      self.cfg.RemoveNodeGroup(self.group_uuid)
    except errors.ConfigurationError:
      raise errors.OpExecError("Group '%s' with UUID %s disappeared" %
                               (self.op.group_name, self.group_uuid))
    self.remove_locks[locking.LEVEL_NODEGROUP] = self.group_uuid


class LUGroupRename(_GroupLU):
  """Give a node group a new name."""
  HPATH = "group-rename"

  def CheckPrereq(self):
    other = self.cfg.GetNodeGroupInfoByName(self.op.new_name)
    if other is not None:
      raise errors.OpPrereqError("Desired new name '%s' clashes with existing"
                                 " node group %s (UUID: %s)" %
                                 (self.op.new_name, other.name, other.uuid),
                                 errors.ECODE_EXISTS)

  def BuildHooksEnv(self):
    return {"OLD_NAME": self.op.group_name, "NEW_NAME": self.op.new_name}

  def Exec(self, feedback_fn):
    if self.cfg.GetNodeGroup(self.group_uuid) is None:
      raise errors.OpExecError("Could not retrieve group '%s' (UUID: %s)" %
                               (self.op.group_name, self.group_uuid))
    self.cfg.RenameNodeGroup(self.group_uuid, self.op.new_name)
    return self.op.new_name


class LUGroupSetParams(_GroupLU):
  """Change the parameters of a node group."""
  HPATH = "group-modify"

  def CheckArguments(self):
    changes = [self.op.ndparams, self.op.diskparams, self.op.alloc_policy,
               self.op.hv_state, self.op.disk_state, self.op.ipolicy]
    if changes.count(None) == len(changes):
      raise errors.OpPrereqError("Please pass at least one modification",
                                 errors.ECODE_INVAL)

  def ExpandNames(self):
    _GroupLU.ExpandNames(self)
    self.share_locks[locking.LEVEL_INSTANCE] = 1
    self.needed_locks[locking.LEVEL_INSTANCE] = []

  def DeclareLocks(self, level):
    if level == locking.LEVEL_INSTANCE:
      # the instances whose policy check reads the group
      self.needed_locks[locking.LEVEL_INSTANCE] = \
        self.cfg.GetInstanceNames(self.cfg.GetNodeGroupInstances(
          self.group_uuid))

  def CheckPrereq(self):
    group = self.cfg.GetNodeGroup(self.group_uuid)
    if group is None:
      raise errors.OpExecError("Could not retrieve group '%s' (UUID: %s)" %
                               (self.op.group_name, self.group_uuid))
    self.group = group
    cluster = self.cfg.GetClusterInfo()
    op = self.op
    if op.ndparams:
      self.new_ndparams = gp.UpdateNdParams(group.ndparams, op.ndparams)
    if op.diskparams:
      self.new_diskparams = gp.UpdateDiskParams(group.diskparams,
                                                op.diskparams)
    if op.hv_state:
      self.new_hv_state = gp.MergeHvState(group.hv_state_static,
                                          op.hv_state)
    if op.disk_state:
      self.new_disk_state = gp.MergeDiskState(group.disk_state_static,
                                              op.disk_state)
    if op.ipolicy:
      self.new_ipolicy = gp.GetUpdatedIPolicy(group.ipolicy, op.ipolicy,
                                              group_policy=True)
      gp.CheckFullIPolicy(cluster, self.new_ipolicy)
      full = cluster.SimpleFillIPolicy(self.new_ipolicy)
      old_bad = set(GroupInstanceViolations(
        self.cfg, cluster.SimpleFillIPolicy(group.ipolicy or {}),
        self.group_uuid))
      new_bad = [n for n in GroupInstanceViolations(self.cfg, full,
                                                    self.group_uuid)
                 if n not in old_bad]
      if new_bad:
        self.LogWarning("After the ipolicy change the following instances"
                        " violate them: %s", utils.CommaJoin(new_bad))

  def BuildHooksEnv(self):
    return {"GROUP_NAME": self.op.group_name,
            "NEW_ALLOC_POLICY": self.op.alloc_policy}

  def Exec(self, feedback_fn):
    group = self.group
    result = []
    if self.op.ndparams:
      group.ndparams = self.new_ndparams
      result.append(("ndparams", str(group.ndparams)))
    if self.op.diskparams:
      group.diskparams = self.new_diskparams
      result.append(("diskparams", str(group.diskparams)))
    if self.op.alloc_policy:
      group.alloc_policy = self.op.alloc_policy
    if self.op.hv_state:
      group.hv_state_static = self.new_hv_state
    if self.op.disk_state:
      group.disk_state_static = self.new_disk_state
    if self.op.ipolicy:
      group.ipolicy = self.new_ipolicy
    self.cfg.Update(group, feedback_fn)
    return result


def SplitInstances(cfg, changes):
  """Mirrored instances split across groups by moving nodes.

  @param changes: [(node uuid, new group uuid)]
  @return: (UUIDs newly split, UUIDs already split and still split)
  """
  nodes = cfg.GetAllNodesInfo()
  moved = dict((n, g) for (n, g) in changes if nodes[n].group != g)
  new_split = []
  still_split = []
  for (inst_uuid, _) in sorted(cfg.GetAllInstancesInfo().items()):
    if cfg.GetInstanceDiskTemplate(inst_uuid) not in \
        constants.DTS_INT_MIRROR:
      continue
    inst_nodes = cfg.GetInstanceNodes(inst_uuid)
    before = len(set(nodes[n].group for n in inst_nodes)) > 1
    after = len(set(moved.get(n, nodes[n].group) for n in inst_nodes)) > 1
    if after and not before:
      new_split.append(inst_uuid)
    elif after and before:
      still_split.append(inst_uuid)
  return (new_split, still_split)


class LUGroupAssignNodes(NoHooksLU):
  """Move nodes into a group (refusing to split mirrored instances)."""
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    pairs = [ExpandNodeUuidAndName(self.cfg, None, name)
             for name in self.op.nodes]
    self.op.node_uuids = [u for (u, _) in pairs]
    self.op.nodes = [n for (_, n) in pairs]
    self.needed_locks = {
      # the nodes' current groups change too; lock all groups
      locking.LEVEL_NODEGROUP: locking.ALL_SET,
      locking.LEVEL_INSTANCE: locking.ALL_SET,
      locking.LEVEL_NODE: list(self.op.node_uuids),
    }
    self.share_locks[locking.LEVEL_INSTANCE] = 1

  def CheckPrereq(self):
    changes = [(n, self.group_uuid) for n in self.op.node_uuids]
    (new_split, still_split) = SplitInstances(self.cfg, changes)
    if new_split:
      names = utils.CommaJoin(utils.NiceSort(
        self.cfg.GetInstanceNames(new_split)))
      if not self.op.force:
        raise errors.OpExecError("The following instances get split by this"
                                 " change and --force was not given: %s" %
                                 names)
      self.LogWarning("This operation will split the following instances:"
                      " %s", names)
      if still_split:
        self.LogWarning("In addition, these already-split instances"
                        " continue to be split across groups: %s",
                        utils.CommaJoin(utils.NiceSort(
                          self.cfg.GetInstanceNames(still_split))))

  def Exec(self, feedback_fn):
    self.cfg.AssignGroupNodes([(n, self.group_uuid)
                               for n in self.op.node_uuids])
