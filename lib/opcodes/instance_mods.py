"""Opcodes that modify or move instances."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


# Instance modify, failover, migrate, move --------------------------------
#: A NIC/disk modification: [action, identifier, params] or the 2.3 form
#: [action-or-index, params]
_TSetParamsMod = ht.TOr(
  ht.TItems([ht.TOr(ht.TElemOf(constants.DDMS_VALUES), ht.TInt,
                    ht.TNonEmptyString), ht.TDict]),
  ht.TItems([ht.TElemOf(constants.DDMS_VALUES),
             ht.TOr(ht.TInt, ht.TNonEmptyString), ht.TDict]))
_TSetParamsModList = ht.TListOf(ht.TAnd(ht.TListOrTuple, _TSetParamsMod))
PMigrationMode = ("mode", None,
                  ht.TMaybe(ht.TElemOf(constants.HT_MIGRATION_MODES)),
                  "Migration type (live/non-live)")
PMigrationLive = ("live", None, ht.TMaybeBool,
                  "Obsolete 'live' migration mode (do not use)")
PAllowRuntimeChanges = ("allow_runtime_changes", True, ht.TBool,
                        "Allow runtime changes (eg. memory ballooning)")
PIAllocator = ("iallocator", None, ht.TMaybeString,
               "Iallocator for deciding the target node for shared-storage"
               " instances")
PMigrationTargetNode = ("target_node", None, ht.TMaybeString,
                        "Target node for shared-storage instances")
PMigrationTargetNodeUuid = ("target_node_uuid", None, ht.TMaybeString,
                            "Target node UUID for shared-storage instances")
PIgnoreConsistency = ("ignore_consistency", False, ht.TBool,
                      "Whether to ignore disk consistency")


class OpInstanceSetParams(OpCode):
  """Change the parameters of an instance (gnt-instance modify)."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PForce, PForceVariant, PIgnoreIpolicy,
    ("nics", list, _TSetParamsModList,
     "List of NIC changes: [action, identifier, params], action one of"
     " 'add', 'remove', 'modify'"),
    ("disks", list, _TSetParamsModList,
     "List of disk changes: [action, identifier, params], action one of"
     " 'add', 'remove', 'modify', 'attach', 'detach'"),
    ("beparams", dict, ht.TDict, "Changed backend parameters"),
    ("runtime_mem", None, ht.TMaybe(ht.TPositiveInt),
     "New runtime memory"),
    ("hvparams", dict, ht.TDict, "Changed hypervisor parameters"),
    ("disk_template", None,
     ht.TMaybe(ht.TElemOf(constants.DISK_TEMPLATES)),
     "Disk template for instance"),
    ("ext_params", dict, ht.TDict,
     "List of ExtStorage parameters for a disk template conversion"),
    ("file_driver", None, ht.TMaybe(ht.TElemOf(constants.FILE_DRIVER)),
     "Driver for file-backed disks"),
    ("file_storage_dir", None, ht.TMaybeString,
     "Directory for storing file-backed disks"),
    ("pnode", None, ht.TMaybeString, "New primary node"),
    ("pnode_uuid", None, ht.TMaybeString, "New primary node UUID"),
    ("remote_node", None, ht.TMaybeString,
     "Secondary node (used when changing disk template)"),
    ("remote_node_uuid", None, ht.TMaybeString,
     "Secondary node UUID (used when changing disk template)"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for deciding the secondary node of a template change"),
    ("os_name", None, ht.TMaybeString,
     "Change the instance's OS without reinstalling the instance"),
    ("osparams", None, ht.TMaybeDict, "Per-instance OS parameters"),
    ("osparams_private", None, ht.TMaybeDict,
     "Per-instance private OS parameters"),
    PWaitForSync,
    ("offline", None, ht.TMaybeBool, "Whether to mark instance as offline"),
    ("conflicts_check", True, ht.TBool, "Check for conflicting IPs"),
    ("hotplug", False, ht.TBool, "Whether to hotplug devices"),
    ("hotplug_if_possible", False, ht.TBool,
     "Whether to hotplug devices if possible"),
    ("instance_communication", None, ht.TMaybeBool,
     "Enable or disable the communication mechanism for an instance"),
  ]
  OP_RESULT = ht.TListOf(ht.TItems([ht.TNonEmptyString, ht.TAny]))


class OpInstanceFailover(OpCode):
  """Fail over an instance to another node (stop, switch, start)."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PShutdownTimeout, PIgnoreConsistency,
    PMigrationTargetNode, PMigrationTargetNodeUuid, PIgnoreIpolicy,
    ("cleanup", False, ht.TBool,
     "Whether a previously failed failover should be cleaned up"),
    PIAllocator,
  ]
  OP_RESULT = ht.TNone


class OpInstanceMigrate(OpCode):
  """Migrate an instance to another node without a reboot."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PMigrationMode, PMigrationLive,
    PMigrationTargetNode, PMigrationTargetNodeUuid, PAllowRuntimeChanges,
    PIgnoreIpolicy,
    ("cleanup", False, ht.TBool,
     "Whether a previously failed migration should be cleaned up"),
    PIAllocator,
    ("allow_failover", False, ht.TBool,
     "Whether we can fallback to failover if migration is not possible"),
    ("ignore_hvversions", False, ht.TBool,
     "Whether to ignore the hypervisor version mismatch between source"
     " and target"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceMove(OpCode):
  """Move an instance by copying its disks to another node."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PShutdownTimeout, PIgnoreIpolicy,
    ("target_node", REQUIRED, ht.TNonEmptyString, "Target node"),
    ("target_node_uuid", None, ht.TMaybeString, "Target node UUID"),
    ("compress", "none", ht.TString, "Compression mode to use during move"),
    PIgnoreConsistency,
  ]
  OP_RESULT = ht.TNone


class OpInstanceQueryData(OpCode):
  OP_PARAMS = [
    PUseLocking,
    ("instances", list, ht.TListOf(ht.TNonEmptyString),
     "Instance names"),
    ("static", False, ht.TBool,
     "Whether to only return configuration data without querying nodes"),
  ]
  OP_RESULT = ht.TDict


class OpInstanceChangeGroup(OpCode):
  """Move an instance to another node group."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("early_release", False, ht.TBool,
     "Whether to release locks as soon as possible"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for computing solution"),
    ("target_groups", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "Destination group names or UUIDs"),
  ]
  OP_RESULT = TJobIdListOnly
