"""Opcodes of the node family."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


# Nodes -------------------------------------------------------------------
class OpNodeAdd(OpCode):
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    PNodeName, PHvState, PDiskState,
    ("primary_ip", None, ht.TMaybeString, "Primary IP address"),
    ("secondary_ip", None, ht.TMaybeString, "Secondary IP address"),
    ("readd", False, ht.TBool, "Whether node is re-added to cluster"),
    ("group", None, ht.TMaybeString, "Initial node group"),
    ("master_capable", None, ht.TMaybeBool,
     "Whether node can become master or master candidate"),
    ("vm_capable", None, ht.TMaybeBool,
     "Whether node can host instances"),
    ("ndparams", None, ht.TMaybeDict, "Node parameters"),
    ("node_setup", False, ht.TBool,
     "Whether to perform a SSH setup on the new node"),
  ]
  OP_RESULT = ht.TNone


class OpNodeRemove(OpCode):
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [PNodeName, PNodeUuid]
  OP_RESULT = ht.TNone


class OpNodeSetParams(OpCode):
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    PNodeName, PNodeUuid, PForce, PHvState, PDiskState,
    ("master_candidate", None, ht.TMaybeBool,
     "Whether the node should become a master candidate"),
    ("offline", None, ht.TMaybeBool,
     "Whether to mark the node offline"),
    ("drained", None, ht.TMaybeBool, "Whether to mark the node as drained"),
    ("auto_promote", False, ht.TBool,
     "Whether node(s) should be promoted to master candidate if necessary"),
    ("master_capable", None, ht.TMaybeBool,
     "Denote whether node can become master or master candidate"),
    ("vm_capable", None, ht.TMaybeBool,
     "Denote whether node can host instances"),
    ("secondary_ip", None, ht.TMaybeString,
     "Change node's secondary IP address"),
    ("ndparams", None, ht.TMaybeDict, "Set node parameters"),
    ("powered", None, ht.TMaybeBool,
     "Whether the node should be marked as powered"),
  ]
  OP_RESULT = ht.TListOf(ht.TItems([ht.TNonEmptyString, ht.TAny]))


# Node operations: evacuate, migrate, storage, out-of-band ----------------
from ganeti.opcodes.instance_mods import (  # noqa: E402
  PMigrationMode, PMigrationLive, PMigrationTargetNode,
  PMigrationTargetNodeUuid, PAllowRuntimeChanges, PIAllocator,
  PIgnoreConsistency)
from ganeti import oob  # noqa: E402
from ganeti import storage_fields  # noqa: E402

PStorageType = ("storage_type", REQUIRED,  # noqa: F405
                ht.TElemOf(storage_fields.VALID_STORAGE_TYPES), "Storage type")
PStorageName = ("name", None, ht.TMaybe(ht.TNonEmptyString),
                "Storage name")


class OpNodeEvacuate(OpCode):  # noqa: F405
  """Relocate the primary and/or secondary instances of a node."""
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    ("early_release", False, ht.TBool,
     "Whether to release locks as soon as possible"),
    PNodeName, PNodeUuid,  # noqa: F405
    ("remote_node", None, ht.TMaybeString, "New secondary node"),
    ("remote_node_uuid", None, ht.TMaybeString, "New secondary node UUID"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for computing the new nodes"),
    ("mode", REQUIRED,  # noqa: F405
     ht.TElemOf(constants.NODE_EVAC_MODES), "Node evacuation mode"),
    ("ignore_soft_errors", None, ht.TMaybeBool,
     "Ignore soft htools errors"),
  ]
  OP_RESULT = TJobIdListOnly  # noqa: F405


class OpNodeMigrate(OpCode):  # noqa: F405
  """Migrate all the primary instances of a node away from it."""
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    PNodeName, PNodeUuid, PMigrationMode, PMigrationLive,  # noqa: F405
    PMigrationTargetNode, PMigrationTargetNodeUuid, PAllowRuntimeChanges,
    PIgnoreIpolicy, PIAllocator,  # noqa: F405
  ]
  OP_RESULT = TJobIdListOnly  # noqa: F405


class OpNodeQueryvols(OpCode):  # noqa: F405
  """The logical volumes of nodes (gnt-node volumes)."""
  OP_PARAMS = [
    POutputFields,  # noqa: F405
    ("nodes", list, ht.TListOf(ht.TNonEmptyString),
     "Empty list to query all nodes, node names otherwise"),
  ]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TAny))


class OpNodeQueryStorage(OpCode):  # noqa: F405
  """The storage units of nodes (gnt-node list-storage)."""
  OP_PARAMS = [
    POutputFields,  # noqa: F405
    ("storage_type", None, ht.TMaybe(ht.TElemOf(storage_fields.VALID_STORAGE_TYPES)),
     "Storage type"),
    ("nodes", list, ht.TListOf(ht.TNonEmptyString),
     "Empty list to query all, list of names to query otherwise"),
    PStorageName,
  ]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TAny))


class OpNodeModifyStorage(OpCode):  # noqa: F405
  """Change a storage unit of a node (gnt-node modify-storage)."""
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    PNodeName, PNodeUuid, PStorageType, PStorageName,  # noqa: F405
    ("changes", REQUIRED, ht.TDict, "Requested changes"),  # noqa: F405
  ]
  OP_RESULT = ht.TNone


class OpRepairNodeStorage(OpCode):  # noqa: F405
  """Repair a storage unit of a node (gnt-node repair-storage)."""
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [
    PNodeName, PNodeUuid, PStorageType, PStorageName,  # noqa: F405
    PIgnoreConsistency,
  ]
  OP_RESULT = ht.TNone


class OpOobCommand(OpCode):  # noqa: F405
  """Run an out-of-band command on nodes (gnt-node power/health)."""
  OP_PARAMS = [
    ("node_names", list, ht.TListOf(ht.TNonEmptyString),
     "List of node names to run the OOB command against"),
    ("node_uuids", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "List of node UUIDs to run the OOB command against"),
    ("command", REQUIRED,  # noqa: F405
     ht.TElemOf(oob.OOB_COMMANDS),
     "OOB command to be run"),
    ("timeout", oob.OOB_TIMEOUT, ht.TInt,
     "Timeout before the OOB helper will be terminated"),
    ("ignore_status", False, ht.TBool,
     "Ignores the node offline status for power off"),
    ("power_delay", oob.OOB_POWER_DELAY, ht.TNonNegativeNumber,
     "Time in seconds to wait between powering on nodes"),
  ]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TAny))


class OpNodePowercycle(OpCode):  # noqa: F405
  """Hard-reboot a node through its node daemon."""
  OP_DSC_FIELD = "node_name"
  OP_PARAMS = [PNodeName, PNodeUuid, PForce]  # noqa: F405
  OP_RESULT = ht.TMaybeString
