"""Opcodes of the group family."""

from ganeti import constants  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403

# Node groups ---------------------------------------------------------------
PNodeGroupAllocPolicy = ("alloc_policy", None,
                         ht.TMaybe(ht.TElemOf(constants.VALID_ALLOC_POLICIES)),
                         "Instance allocation policy")
PGroupNodeParams = ("ndparams", None, ht.TMaybeDict,
                    "Default node parameters for group")
PDiskParams = ("diskparams", None,
               ht.TMaybe(ht.TDictOf(ht.TElemOf(constants.DISK_TEMPLATES),
                                    ht.TDict)),
               "Disk templates' parameter defaults")
PIpolicy = ("ipolicy", None, ht.TMaybeDict,
            "Group-wide instance policy specs")
PEarlyRelease = ("early_release", False, ht.TBool,
                 "Whether to release locks as soon as possible")
PGroupIAllocator = ("iallocator", None, ht.TMaybeString,
                    "Iallocator for computing the moves")
PTargetGroups = ("target_groups", None, ht.TMaybeListOf(ht.TNonEmptyString),
                 "Destination group names or UUIDs")


class OpGroupAdd(OpCode):
  """Add a node group to the cluster."""
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [
    PGroupName, PNodeGroupAllocPolicy, PGroupNodeParams, PDiskParams,
    PHvState, PDiskState, PIpolicy,
  ]
  OP_RESULT = ht.TNone


class OpGroupAssignNodes(OpCode):
  """Assign nodes to a node group."""
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [
    PGroupName, PForce,
    ("nodes", REQUIRED, ht.TListOf(ht.TNonEmptyString),
     "List of nodes to assign"),
    ("node_uuids", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "List of node UUIDs to assign"),
  ]
  OP_RESULT = ht.TNone


class OpGroupSetParams(OpCode):
  """Change the parameters of a node group."""
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [
    PGroupName, PNodeGroupAllocPolicy, PGroupNodeParams, PDiskParams,
    PHvState, PDiskState, PIpolicy,
  ]
  OP_RESULT = ht.TListOf(ht.TItems([ht.TNonEmptyString, ht.TAny]))


class OpGroupRemove(OpCode):
  """Remove a node group from the cluster."""
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [PGroupName]
  OP_RESULT = ht.TNone


class OpGroupRename(OpCode):
  """Rename a node group in the cluster."""
  OP_PARAMS = [
    PGroupName,
    ("new_name", REQUIRED, ht.TNonEmptyString, "New group name"),
  ]
  OP_RESULT = ht.TNonEmptyString


class OpGroupEvacuate(OpCode):
  """Evacuate a node group in the cluster."""
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [
    PGroupName, PEarlyRelease, PGroupIAllocator, PTargetGroups,
    ("sequential", False, ht.TBool, "Sequential job execution"),
    ("force_failover", False, ht.TBool,
     "Fail over instances instead of migrating them"),
  ]
  OP_RESULT = TJobIdListOnly  # noqa: F405
