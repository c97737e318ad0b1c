"""Opcodes of the instance family: create, remove, power, disks."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


# Instances ---------------------------------------------------------------
class OpInstanceCreate(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PForceVariant, PWaitForSync, PNameCheck, PIgnoreIpolicy,
    ("opportunistic_locking", False, ht.TBool,
     "Whether to employ opportunistic locking for nodes"),
    ("beparams", dict, ht.TDict, "Backend parameters for instance"),
    ("disks", REQUIRED, ht.TListOf(ht.TDict), "Disk descriptions"),
    ("disk_template", None,
     ht.TMaybe(ht.TElemOf(constants.DISK_TEMPLATES)), "Disk template"),
    ("group_name", None, ht.TMaybeString,
     "Optional group name for instance creation"),
    ("file_driver", None, ht.TMaybe(ht.TElemOf(constants.FILE_DRIVER)),
     "Driver for file-backed disks"),
    ("file_storage_dir", None, ht.TMaybeString,
     "Directory for storing file-backed disks"),
    ("hvparams", dict, ht.TDict,
     "Hypervisor parameters for instance, hypervisor-dependent"),
    ("hypervisor", None, ht.TMaybe(ht.TElemOf(constants.HYPER_TYPES)),
     "Selected hypervisor for an instance"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for deciding the target node"),
    ("identify_defaults", False, ht.TBool,
     "Reset instance parameters to default if equal"),
    PIpCheck,
    ("conflicts_check", True, ht.TBool,
     "Check for conflicting IPs"),
    ("mode", REQUIRED, ht.TElemOf(constants.INSTANCE_CREATE_MODES),
     "Instance creation mode"),
    ("nics", REQUIRED, ht.TListOf(ht.TDict), "List of NIC definitions"),
    ("no_install", None, ht.TMaybeBool,
     "Do not install the OS (will disable automatic start)"),
    ("osparams", dict, ht.TDict, "OS parameters for instance"),
    ("osparams_private", dict, ht.TDict,
     "Private OS parameters for instance"),
    ("osparams_secret", dict, ht.TDict, "Secret OS parameters for instance"),
    ("os_type", None, ht.TMaybeString, "Operating system"),
    ("pnode", None, ht.TMaybeString, "Primary node"),
    ("pnode_uuid", None, ht.TMaybeString, "Primary node UUID"),
    ("snode", None, ht.TMaybeString, "Secondary node"),
    ("snode_uuid", None, ht.TMaybeString, "Secondary node UUID"),
    ("source_handshake", None, ht.TMaybe(ht.TList),
     "Signed handshake from source (remote import only)"),
    ("source_instance_name", None, ht.TMaybeString,
     "Source instance name (remote import only)"),
    ("source_shutdown_timeout", constants.DEFAULT_SHUTDOWN_TIMEOUT,
     ht.TNonNegativeInt,
     "How long source instance was given to shut down"),
    ("source_x509_ca", None, ht.TMaybeString,
     "Source X509 CA in PEM format (remote import only)"),
    ("src_node", None, ht.TMaybeString, "Source node for import"),
    ("src_node_uuid", None, ht.TMaybeString, "Source node UUID for import"),
    ("src_path", None, ht.TMaybeString, "Source directory for import"),
    ("compress", "none", ht.TString, "Compression mode to use for moves"),
    ("start", True, ht.TBool, "Whether to start instance after creation"),
    ("forthcoming", False, ht.TBool,
     "Whether to only reserve resources"),
    ("commit", False, ht.TBool,
     "Commit the already reserved instance"),
    ("tags", list, ht.TListOf(ht.TNonEmptyString), "Instance tags"),
    ("instance_communication", False, ht.TBool,
     "Enable or disable the communication mechanism for an instance"),
    ("helper_startup_timeout", None, ht.TMaybe(ht.TInt),
     "Startup timeout for the helper VM"),
    ("helper_shutdown_timeout", None, ht.TMaybe(ht.TInt),
     "Shutdown timeout for the helper VM"),
  ]
  OP_RESULT = ht.TListOf(ht.TNonEmptyString)


class OpInstanceRemove(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PShutdownTimeout,
    ("ignore_failures", False, ht.TBool,
     "Whether to ignore failures during removal"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceStartup(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PForce, PIgnoreOfflineNodes,
    ("hvparams", dict, ht.TDict,
     "Temporary hypervisor parameters, hypervisor-dependent"),
    ("beparams", dict, ht.TDict, "Temporary backend parameters"),
    PNoRemember,
    ("startup_paused", False, ht.TBool, "Pause instance at startup"),
    PShutdownTimeout,
  ]
  OP_RESULT = ht.TNone


class OpInstanceShutdown(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PForce, PIgnoreOfflineNodes,
    ("timeout", constants.DEFAULT_SHUTDOWN_TIMEOUT, ht.TNonNegativeInt,
     "How long to wait for instance to shut down"),
    PNoRemember,
    ("admin_state_source", None, ht.TMaybe(
      ht.TElemOf([constants.ADMIN_SOURCE, constants.USER_SOURCE])),
     "Who last changed the instance admin state"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceReboot(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PShutdownTimeout,
    ("ignore_secondaries", False, ht.TBool,
     "Whether to start the instance even if secondary disks are failing"),
    ("reboot_type", REQUIRED, ht.TElemOf(constants.REBOOT_TYPES),
     "How to reboot the instance"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceReinstall(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PForceVariant,
    ("os_type", None, ht.TMaybeString, "Instance operating system"),
    ("osparams", None, ht.TMaybeDict, "Temporary OS parameters"),
    ("osparams_private", None, ht.TMaybeDict,
     "Private OS parameters for instance reinstalls"),
    ("osparams_secret", None, ht.TMaybeDict,
     "Secret OS parameters for instance reinstalls"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceRename(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("new_name", REQUIRED, ht.TNonEmptyString, "New instance name"),
    PNameCheck, PIpCheck,
  ]
  OP_RESULT = ht.TNonEmptyString


class OpInstanceActivateDisks(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("ignore_size", False, ht.TBool, "Whether to ignore recorded size"),
    ("wait_for_sync", False, ht.TBool,
     "Whether to wait for the disks to synchronize"),
  ]
  OP_RESULT = ht.TListOf(ht.TItems([ht.TNonEmptyString, ht.TNonEmptyString,
                                    ht.TAny]))


class OpInstanceDeactivateDisks(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [PInstanceName, PInstanceUuid, PForce]
  OP_RESULT = ht.TNone


class OpInstanceRecreateDisks(OpCode):
  """Recreate an instance's disks (all, or the given indices/changes)."""
  _TDiskChanges = ht.TAnd(
    ht.TListOrTuple, ht.TItems([ht.TNonNegativeInt, ht.TMaybeDict]),
    ht.WithDesc("Length2")(lambda v: len(v) == 2))
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("disks", list,
     ht.TOr(ht.TListOf(ht.TNonNegativeInt), ht.TListOf(_TDiskChanges)),
     "List of disk indexes (deprecated) or a list of tuples containing a"
     " disk index and a possibly empty dictionary with disk parameter"
     " changes"),
    ("nodes", list, ht.TListOf(ht.TNonEmptyString),
     "New instance nodes, if relocation is desired"),
    ("node_uuids", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "New instance node UUIDs, if relocation is desired"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for deciding new nodes"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceReplaceDisks(OpCode):
  """Replace the disks of a DRBD instance."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("early_release", False, ht.TBool,
     "Whether to release locks as soon as possible"),
    PIgnoreIpolicy,
    ("mode", REQUIRED, ht.TElemOf(constants.REPLACE_MODES),
     "Replacement mode"),
    ("disks", list, ht.TListOf(ht.TNonNegativeInt),
     "Disk indexes"),
    ("remote_node", None, ht.TMaybeString, "New secondary node"),
    ("remote_node_uuid", None, ht.TMaybeString, "New secondary node UUID"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator for deciding the new secondary node"),
  ]
  OP_RESULT = ht.TNone


class OpInstanceGrowDisk(OpCode):
  """Grow a disk of an instance."""
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid, PWaitForSync,
    ("disk", REQUIRED, ht.TInt, "Disk index"),
    ("amount", REQUIRED, ht.TNonNegativeInt,
     "Amount of disk space to add (megabytes)"),
    ("absolute", False, ht.TBool,
     "Whether the amount parameter is an absolute target or a relative"
     " one"),
    PIgnoreIpolicy,
  ]
  OP_RESULT = ht.TNone


class OpInstanceConsole(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [PInstanceName, PInstanceUuid]
  OP_RESULT = ht.TDict


#: Result of OP_INSTANCE_MULTI_ALLOC: the submitted jobs and the instance
#: names the allocator placed or could not place
_TMultiAllocResult = ht.WithDesc("MultiAllocResult")(
  lambda v: (TJobIdListOnly(v) and
             ht.TListOf(ht.TNonEmptyString)(v.get("allocatable")) and
             ht.TListOf(ht.TNonEmptyString)(v.get("failed"))))


class OpInstanceMultiAlloc(OpCode):
  """Create several instances, one job each, placed together.

  ``instances`` holds OpInstanceCreate opcodes (on the wire: their dicts
  with OP_ID, converted back on loading).
  """
  OP_PARAMS = [
    ("opportunistic_locking", False, ht.TBool,
     "Whether to employ opportunistic locking for nodes"),
    ("iallocator", None, ht.TMaybeString,
     "Iallocator used to allocate all the instances"),
    ("instances", list,
     ht.TListOf(ht.WithDesc("OpInstanceCreate")(
       lambda v: isinstance(v, OpInstanceCreate))),
     "List of instance create opcodes describing the instances to"
     " allocate"),
  ]
  OP_RESULT = _TMultiAllocResult

  def __getstate__(self):
    state = OpCode.__getstate__(self)
    if "instances" in state:
      state["instances"] = [inst.__getstate__()
                            if isinstance(inst, OpInstanceCreate) else inst
                            for inst in state["instances"]]
    return state

  def __setstate__(self, state):
    if isinstance(state, dict) and "instances" in state:
      state = dict(state)
      state["instances"] = [OpCode.LoadOpCode(inst)
                            if isinstance(inst, dict) else inst
                            for inst in state["instances"] or []]
    OpCode.__setstate__(self, state)
