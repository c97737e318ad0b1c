"""Opcodes: the operations a job is made of, declared as parameter tables.

Each ``OpX`` class lists its parameters in ``OP_PARAMS`` as tuples
``(name, default, check, doc)``.  ``default`` is :data:`REQUIRED` for a
mandatory parameter, ``None`` for an optional one without a default, or a
value (callables are called to get fresh mutable defaults).  The same table
drives validation here, RAPI bodies, the CLI and the documentation.
"""

import re

from ganeti import constants
from ganeti import errors
from ganeti import ht
from ganeti import impexpd


class _Required:
  def __repr__(self):
    return "REQUIRED"


REQUIRED = _Required()

# Parameters shared by many opcodes --------------------------------------
PDryRun = ("dry_run", None, ht.TMaybeBool,
           "Run checks only, don't execute")
PDebugLevel = ("debug_level", None, ht.TMaybe(ht.TNonNegativeInt),
               "Debug level")
PPriority = ("priority", constants.OP_PRIO_DEFAULT,
             ht.TElemOf(range(constants.OP_PRIO_HIGHEST,
                              constants.OP_PRIO_LOWEST + 1)),
             "Opcode priority")
PDepends = ("depends", None, ht.TMaybe(ht.TListOf(ht.TJobDep)),
            "Job dependencies; a list of [job_id, [final statuses]]")
PComment = ("comment", None, ht.TMaybe(ht.TString),
            "Comment describing the purpose of the opcode")
PReason = ("reason", list, ht.TReasonTrail, "Reason trail")
BASE_PARAMS = [PDryRun, PDebugLevel, PPriority, PDepends, PComment, PReason]
_ALWAYS_SERIALIZED = frozenset(p[0] for p in BASE_PARAMS)

PForce = ("force", False, ht.TBool, "Whether to force the operation")
PInstanceName = ("instance_name", REQUIRED, ht.TNonEmptyString,
                 "Instance name")
PInstanceUuid = ("instance_uuid", None, ht.TMaybeString, "Instance UUID")
PNodeName = ("node_name", REQUIRED, ht.TNonEmptyString, "Node name")
PNodeUuid = ("node_uuid", None, ht.TMaybeString, "Node UUID")
PGroupName = ("group_name", REQUIRED, ht.TNonEmptyString, "Group name")
POutputFields = ("output_fields", REQUIRED, ht.TListOf(ht.TNonEmptyString),
                 "Selected output fields")
PShutdownTimeout = ("shutdown_timeout", constants.DEFAULT_SHUTDOWN_TIMEOUT,
                    ht.TNonNegativeInt,
                    "How long to wait for instance to shut down")
PIgnoreOfflineNodes = ("ignore_offline_nodes", False, ht.TBool,
                       "Whether to ignore offline nodes")
PUseLocking = ("use_locking", False, ht.TBool,
               "Whether to use synchronization")
PIgnoreIpolicy = ("ignore_ipolicy", False, ht.TBool,
                  "Whether to ignore ipolicy violations")
PNoRemember = ("no_remember", False, ht.TBool,
               "Do not remember the state change")
PNameCheck = ("name_check", True, ht.TBool, "Whether to check name")
PIpCheck = ("ip_check", True, ht.TBool,
            "Whether to ensure instance's IP address is inactive")
PForceVariant = ("force_variant", False, ht.TBool,
                 "Whether to force an unknown OS variant")
PWaitForSync = ("wait_for_sync", True, ht.TBool,
                "Whether to wait for the disk to synchronize")
PHvState = ("hv_state", None, ht.TMaybeDict, "Set hypervisor states")
PDiskState = ("disk_state", None, ht.TMaybeDict, "Set disk states")
PTagKind = ("kind", REQUIRED, ht.TElemOf(constants.VALID_TAG_TYPES),
            "Tag kind")
PTags = ("tags", REQUIRED, ht.TListOf(ht.TNonEmptyString), "List of tag names")
PTagName = ("name", None, ht.TMaybe(ht.TString),
            "Name of the object to retrieve tags from")
PVerifyCommon = [
  ("debug_simulate_errors", False, ht.TBool,
   "Whether to simulate errors (useful for debugging)"),
  ("error_codes", False, ht.TBool, "Error codes"),
  ("skip_checks", list, ht.TListOf(ht.TNonEmptyString), "Which checks to skip"),
  ("ignore_errors", list, ht.TListOf(ht.TNonEmptyString),
   "List of error codes that should be treated as warnings"),
  ("verbose", False, ht.TBool, "Verbose mode"),
]
PVerifyClutter = ("verify_clutter", False, ht.TBool,
                  "Whether to check for clutter in the 'authorized_keys' file")
_TQueryFilter = ht.TMaybe(ht.TList)

_SUMMARY_PREFIX = {
  "CLUSTER_": "C_",
  "GROUP_": "G_",
  "NODE_": "N_",
  "INSTANCE_": "I_",
}

#: Result of an opcode that only submits follow-up jobs
TJobIdListOnly = ht.WithDesc("JobIdListOnly")(
  lambda v: (isinstance(v, dict) and
             ht.TListOf(ht.TItems([ht.TBool, ht.TAny]))(v.get("jobs"))))
TJobResult = ht.TDict


def _NameToId(name: str) -> str:
  """OpInstanceStartup -> OP_INSTANCE_STARTUP."""
  if not name.startswith("Op"):
    return None
  return "OP_" + "_".join(p.upper() for p in
                          re.findall(r"[A-Z][a-z0-9]*", name[2:]))


class _AutoOpParamSlots(type):
  """Metaclass computing OP_ID and slots from the parameter table."""

  def __new__(mcs, name, bases, attrs):
    if "OP_ID" not in attrs:
      attrs["OP_ID"] = _NameToId(name)
    params = attrs.setdefault("OP_PARAMS", [])
    slots = [p[0] for p in params]
    attrs["__slots__"] = slots
    return type.__new__(mcs, name, bases, attrs)


class BaseOpCode(metaclass=_AutoOpParamSlots):
  """Base of all opcodes: a set of validated parameters."""

  OP_PARAMS = []

  def __init__(self, **kwargs):
    slots = self.GetAllSlots()
    for key, value in kwargs.items():
      if key not in slots:
        raise errors.OpPrereqError(
          "Parameter '%s' is not supported by %s" % (key, self.OP_ID),
          errors.ECODE_INVAL)
      setattr(self, key, value)

  @classmethod
  def GetAllParams(cls):
    result = []
    for parent in reversed(cls.__mro__):
      result.extend(getattr(parent, "OP_PARAMS", []))
    return result

  @classmethod
  def GetAllSlots(cls):
    cache = cls.__dict__.get("_all_slots")
    if cache is None:
      cache = frozenset(p[0] for p in cls.GetAllParams())
      type.__setattr__(cls, "_all_slots", cache)
    return cache

  def __getstate__(self):
    state = {}
    for name in self.GetAllSlots():
      if hasattr(self, name):
        value = getattr(self, name)
        if value is not None or name in _ALWAYS_SERIALIZED:
          state[name] = value
    return state

  def __setstate__(self, state):
    if not isinstance(state, dict):
      raise ValueError("Invalid data to __setstate__: expected dict, got %s" %
                       type(state))
    for name in self.GetAllSlots():
      if name not in state and hasattr(self, name):
        delattr(self, name)
    for name in state:
      setattr(self, name, state[name])

  def Validate(self, set_defaults: bool) -> None:
    """Check every parameter's type; fill in defaults if asked.

    Raises OpPrereqError (ECODE_INVAL) for a missing required parameter or a
    value of the wrong type.
    """
    for (attr_name, default, test, _) in self.GetAllParams():
      if not hasattr(self, attr_name) or getattr(self, attr_name) is None:
        if default is REQUIRED:
          raise errors.OpPrereqError("Required parameter '%s.%s' missing" %
                                     (self.OP_ID, attr_name),
                                     errors.ECODE_INVAL)
        if set_defaults and default is not None:
          setattr(self, attr_name, default() if callable(default)
                  else default)
        elif not hasattr(self, attr_name):
          if set_defaults:
            setattr(self, attr_name, None)
          continue
      value = getattr(self, attr_name)
      if value is None and default is not REQUIRED:
        continue
      if test is not None and not test(value):
        raise errors.OpPrereqError(
          "Parameter '%s.%s' fails validation: expected %s, got %r" %
          (self.OP_ID, attr_name, test, value), errors.ECODE_INVAL)


class OpCode(BaseOpCode):
  """An opcode that can be put in a job."""

  OP_PARAMS = BASE_PARAMS
  OP_DSC_FIELD = None
  OP_DSC_FORMATTER = None
  OP_RESULT = None
  WITH_LU = True

  def __getstate__(self):
    data = BaseOpCode.__getstate__(self)
    data["OP_ID"] = self.OP_ID
    return data

  @classmethod
  def LoadOpCode(cls, data):
    """Build an opcode from its wire dict (with OP_ID)."""
    if not isinstance(data, dict):
      raise ValueError("Invalid data to LoadOpCode (%s)" % type(data))
    if "OP_ID" not in data:
      raise ValueError("Invalid data to LoadOpcode, missing OP_ID")
    op_id = data["OP_ID"]
    op_class = OP_MAPPING.get(op_id)
    if op_class is None:
      raise errors.OpCodeUnknown("Unknown opcode %s" % op_id)
    op = op_class()
    new_data = dict(data)
    del new_data["OP_ID"]
    unknown = set(new_data) - op_class.GetAllSlots()
    if unknown:
      raise errors.OpPrereqError(
        "Unknown parameter(s) for %s: %s" % (op_id,
                                            ", ".join(sorted(unknown))),
        errors.ECODE_INVAL)
    op.__setstate__(new_data)
    return op

  def Summary(self) -> str:
    """OP_ID without 'OP_' plus the description field, e.g. X(inst1)."""
    txt = self.OP_ID[3:]
    field_name = self.OP_DSC_FIELD
    if field_name and getattr(self, field_name, None) is not None:
      field_value = getattr(self, field_name)
      if self.OP_DSC_FORMATTER is not None:
        field_value = self.OP_DSC_FORMATTER(field_value)
      elif isinstance(field_value, (list, tuple)):
        field_value = ",".join(str(i) for i in field_value)
      txt = "%s(%s)" % (txt, field_value)
    return txt

  def TinySummary(self) -> str:
    """OP_ID without 'OP_', with the family abbreviated: I_STARTUP."""
    assert self.OP_ID.startswith("OP_")
    text = self.OP_ID[3:]
    for (prefix, supplement) in _SUMMARY_PREFIX.items():
      if text.startswith(prefix):
        return supplement + text[len(prefix):]
    return text


# Cluster -----------------------------------------------------------------
class OpClusterPostInit(OpCode):
  OP_RESULT = ht.TBool


class OpClusterDestroy(OpCode):
  OP_RESULT = ht.TNonEmptyString


class OpClusterQuery(OpCode):
  OP_RESULT = ht.TDict


class OpClusterVerify(OpCode):
  OP_PARAMS = PVerifyCommon + [
    ("group_name", None, ht.TMaybeString, "Group name"),
    PVerifyClutter,
  ]
  OP_RESULT = TJobIdListOnly


class OpClusterVerifyConfig(OpCode):
  OP_PARAMS = PVerifyCommon[:2] + PVerifyCommon[3:]
  OP_RESULT = ht.TBool


class OpClusterVerifyGroup(OpCode):
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [PGroupName] + PVerifyCommon + [PVerifyClutter]
  OP_RESULT = ht.TBool


class OpClusterVerifyDisks(OpCode):
  OP_PARAMS = [("group_name", None, ht.TMaybeString, "Group name")]
  OP_RESULT = TJobIdListOnly


class OpGroupVerifyDisks(OpCode):
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [PGroupName]
  OP_RESULT = ht.TListOrTuple


class OpClusterActivateMasterIp(OpCode):
  OP_RESULT = ht.TNone


class OpClusterDeactivateMasterIp(OpCode):
  OP_RESULT = ht.TNone


class OpClusterConfigQuery(OpCode):
  OP_PARAMS = [POutputFields]
  OP_RESULT = ht.TListOf(ht.TAny)


DDM_ADD = constants.DDM_ADD
DDM_REMOVE = constants.DDM_REMOVE
DDMS_SIMPLE = constants.DDMS_SIMPLE

_TListMods = ht.TMaybe(ht.TListOf(ht.TItems([ht.TElemOf(DDMS_SIMPLE),
                                             ht.TNonEmptyString])))
_TMaybeDictOfDicts = ht.TMaybe(ht.TDictOf(ht.TNonEmptyString,
                                          ht.TMaybeDict))
_TUidRanges = ht.TMaybe(ht.TListOf(ht.TItems([ht.TInt, ht.TInt])))


class OpClusterSetParams(OpCode):
  """Change the parameters of the cluster (gnt-cluster/gnt-os modify)."""
  OP_PARAMS = [
    PForce, PHvState, PDiskState,
    ("vg_name", None, ht.TMaybe(ht.TString), "Volume group name"),
    ("enabled_hypervisors", None,
     ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled hypervisors"),
    ("hvparams", None, _TMaybeDictOfDicts,
     "Cluster-wide hypervisor parameter defaults, hypervisor-dependent"),
    ("beparams", None, ht.TMaybeDict,
     "Cluster-wide backend parameter defaults"),
    ("os_hvp", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, _TMaybeDictOfDicts)),
     "Cluster-wide per-OS hypervisor parameter defaults"),
    ("osparams", None, _TMaybeDictOfDicts,
     "Cluster-wide OS parameter defaults"),
    ("osparams_private_cluster", None, _TMaybeDictOfDicts,
     "Cluster-wide private OS parameter defaults"),
    ("diskparams", None, _TMaybeDictOfDicts,
     "Disk templates' parameter defaults"),
    ("candidate_pool_size", None, ht.TMaybe(ht.TPositiveInt),
     "Master candidate pool size"),
    ("max_running_jobs", None, ht.TMaybe(ht.TPositiveInt),
     "Maximal number of jobs to run simultaneously"),
    ("max_tracked_jobs", None, ht.TMaybe(ht.TPositiveInt),
     "Maximal number of jobs tracked in the job queue"),
    ("uid_pool", None, _TUidRanges,
     "Set UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive)"),
    ("add_uids", None, _TUidRanges,
     "Extend UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive)"),
    ("remove_uids", None, _TUidRanges,
     "Shrink UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive) to be removed"),
    ("maintain_node_health", None, ht.TMaybeBool,
     "Whether to automatically maintain node health"),
    ("prealloc_wipe_disks", None, ht.TMaybeBool,
     "Whether to wipe disks before allocating them to instances"),
    ("nicparams", None, ht.TMaybeDict, "Cluster-wide NIC parameter defaults"),
    ("ndparams", None, ht.TMaybeDict, "Cluster-wide node parameter defaults"),
    ("ipolicy", None, ht.TMaybeDict, "Cluster-wide ipolicy specs"),
    ("drbd_helper", None, ht.TMaybe(ht.TString), "DRBD helper program"),
    ("default_iallocator", None, ht.TMaybe(ht.TString),
     "Default iallocator for cluster"),
    ("default_iallocator_params", None, ht.TMaybeDict,
     "Default iallocator parameters for cluster"),
    ("mac_prefix", None, ht.TMaybeString,
     "Three-octet MAC address prefix of new instance NICs"),
    ("master_netdev", None, ht.TMaybe(ht.TString),
     "Master network device"),
    ("master_netmask", None, ht.TMaybe(ht.TNonNegativeInt),
     "Netmask of the master IP"),
    ("reserved_lvs", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of reserved LVs"),
    ("hidden_os", None, _TListMods,
     "Modify list of hidden operating systems: each modification must have"
     " two items, the operation and the OS name; the operation can be"
     " 'add' or 'remove'"),
    ("blacklisted_os", None, _TListMods,
     "Modify list of blacklisted operating systems: each modification must"
     " have two items, the operation and the OS name; the operation can be"
     " 'add' or 'remove'"),
    ("use_external_mip_script", None, ht.TMaybeBool,
     "Whether to use an external master IP address setup script"),
    ("enabled_disk_templates", None,
     ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled disk templates"),
    ("modify_etc_hosts", None, ht.TMaybeBool,
     "Whether the cluster can modify and keep in sync the /etc/hosts files"),
    ("file_storage_dir", None, ht.TMaybe(ht.TString),
     "Default file storage directory"),
    ("shared_file_storage_dir", None, ht.TMaybe(ht.TString),
     "Default shared file storage directory"),
    ("gluster_storage_dir", None, ht.TMaybe(ht.TString),
     "Default Gluster storage directory"),
    ("install_image", None, ht.TMaybe(ht.TString),
     "OS image for running OS scripts in a safe environment"),
    ("instance_communication_network", None, ht.TMaybe(ht.TString),
     "Network name for the instance communication network"),
    ("zeroing_image", None, ht.TMaybe(ht.TString),
     "Image for zeroing instance disks"),
    ("compression_tools", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled compression tools"),
    ("enabled_user_shutdown", None, ht.TMaybeBool,
     "Whether user shutdown is enabled cluster wide"),
    ("enabled_data_collectors", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, ht.TBool)),
     "Set the active data collectors"),
    ("data_collector_interval", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, ht.TInt)),
     "Sets the interval in that data collectors are run"),
  ]
  OP_RESULT = ht.TOr(ht.TNone, TJobIdListOnly)


# Queries -----------------------------------------------------------------
class OpQuery(OpCode):
  OP_DSC_FIELD = "what"
  OP_PARAMS = [
    ("what", REQUIRED, ht.TNonEmptyString, "Resource(s) to query for"),
    PUseLocking,
    ("fields", REQUIRED, ht.TListOf(ht.TNonEmptyString),
     "Requested fields"),
    ("qfilter", None, _TQueryFilter, "Query filter"),
  ]
  OP_RESULT = ht.TDict


class OpQueryFields(OpCode):
  OP_DSC_FIELD = "what"
  OP_PARAMS = [
    ("what", REQUIRED, ht.TNonEmptyString, "Resource(s) to query for"),
    ("fields", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "Requested fields; if not given, all are returned"),
  ]
  OP_RESULT = ht.TDict


class OpOsDiagnose(OpCode):
  OP_PARAMS = [
    POutputFields,
    ("names", list, ht.TListOf(ht.TNonEmptyString),
     "Which operating systems to diagnose"),
  ]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TAny))


# Tags --------------------------------------------------------------------
class OpTagsGet(OpCode):
  OP_DSC_FIELD = "name"
  OP_PARAMS = [PTagKind, PUseLocking, PTagName]
  OP_RESULT = ht.TListOf(ht.TNonEmptyString)


class OpTagsSearch(OpCode):
  OP_DSC_FIELD = "pattern"
  OP_PARAMS = [("pattern", REQUIRED, ht.TNonEmptyString,
                "Search pattern (regular expression)")]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TString))


class OpTagsSet(OpCode):
  OP_DSC_FIELD = "name"
  OP_PARAMS = [PTagKind, PTags, PTagName]
  OP_RESULT = ht.TNone


class OpTagsDel(OpCode):
  OP_DSC_FIELD = "name"
  OP_PARAMS = [PTagKind, PTags, PTagName]
  OP_RESULT = ht.TNone


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


# Exports -----------------------------------------------------------------
class OpBackupQuery(OpCode):
  OP_PARAMS = [
    PUseLocking,
    ("nodes", list, ht.TListOf(ht.TNonEmptyString),
     "Empty list to query all nodes, node names otherwise"),
  ]
  OP_RESULT = ht.TDict


class OpBackupPrepare(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("mode", REQUIRED, ht.TElemOf(impexpd.EXPORT_MODES), "Export mode"),
  ]
  OP_RESULT = ht.TMaybeDict


class OpBackupExport(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("compress", impexpd.IEC_NONE, ht.TElemOf(impexpd.IEC_ALL),
     "Compression mode to use for moves during backups/imports"),
    PShutdownTimeout,
    ("target_node", REQUIRED, ht.TOr(ht.TNonEmptyString, ht.TList),
     "Destination information, depends on export mode"),
    ("target_node_uuid", None, ht.TMaybeString, "Target node UUID (if local"
     " export)"),
    ("shutdown", True, ht.TBool, "Whether to shutdown instance before"
     " export"),
    ("remove_instance", False, ht.TBool,
     "Whether to remove instance after export"),
    ("ignore_remove_failures", False, ht.TBool,
     "Whether to ignore failures while removing instances"),
    ("mode", impexpd.EXPORT_MODE_LOCAL, ht.TElemOf(impexpd.EXPORT_MODES),
     "Export mode"),
    ("x509_key_name", None, ht.TMaybe(ht.TList),
     "Name of X509 key (remote export only)"),
    ("destination_x509_ca", None, ht.TMaybeString,
     "Destination X509 CA (remote export only)"),
    ("zero_free_space", False, ht.TBool,
     "Whether to zero the free space on the disks of the instance"),
    ("zeroing_timeout_fixed", None, ht.TMaybe(ht.TInt),
     "The fixed part of time to wait before declaring the zeroing"
     " operation to have failed"),
    ("zeroing_timeout_per_mib", None, ht.TMaybe(ht.TNumber),
     "The variable part of time to wait before declaring the zeroing"
     " operation to have failed, dependent on total size of disks"),
    ("long_sleep", False, ht.TBool,
     "Whether to allow long instance shutdowns during exports"),
  ]
  OP_RESULT = ht.TList


class OpBackupRemove(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [PInstanceName, PInstanceUuid]
  OP_RESULT = ht.TNone


# Test opcodes ------------------------------------------------------------
class OpTestDelay(OpCode):
  OP_DSC_FIELD = "duration"
  OP_DSC_FORMATTER = staticmethod(lambda v: "%s" % float(v))
  OP_PARAMS = [
    ("duration", REQUIRED, ht.TNumber, "Duration parameter for 'sleep'"),
    ("on_master", True, ht.TBool, "Whether to sleep on the master"),
    ("on_nodes", list, ht.TListOf(ht.TNonEmptyString),
     "List of nodes to run the test delay on"),
    ("on_node_uuids", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of node UUIDs to run the test delay on"),
    ("repeat", 0, ht.TNonNegativeInt,
     "Repeat the test delay this many times"),
    ("interruptible", False, ht.TBool,
     "Allows the opcode to be interrupted"),
    ("no_locks", True, ht.TBool, "Don't take locks during the delay"),
  ]
  OP_RESULT = ht.TNone


class OpTestJqueue(OpCode):
  OP_PARAMS = [
    ("notify_waitlock", False, ht.TBool,
     "'OpTestJQueue' only: notify on lock wait"),
    ("notify_exec", False, ht.TBool, "'OpTestJQueue' only: notify on exec"),
    ("log_messages", list, ht.TListOf(ht.TString),
     "'OpTestJQueue' only: log messages"),
    ("fail", False, ht.TBool, "'OpTestJQueue' only: fail the opcode"),
  ]


class OpTestAllocator(OpCode):
  """Build an iallocator input message and possibly run an allocator."""
  OP_DSC_FIELD = "iallocator"
  OP_PARAMS = [
    ("direction", REQUIRED,
     ht.TElemOf(constants.VALID_IALLOCATOR_DIRECTIONS),
     "'in' (show the input message) or 'out' (run the allocator)"),
    ("mode", REQUIRED, ht.TElemOf(constants.VALID_IALLOCATOR_MODES),
     "Request type"),
    ("name", REQUIRED, ht.TNonEmptyString, "Instance name"),
    ("nics", None, ht.TMaybeListOf(ht.TDictOf(
      ht.TElemOf([constants.INIC_MAC, constants.INIC_IP, "bridge"]),
      ht.TMaybeString)), "NICs (dicts of mac, ip, bridge)"),
    ("disks", None, ht.TMaybe(ht.TList), "Disks (dicts of size, mode)"),
    ("hypervisor", None, ht.TMaybeString, "Hypervisor"),
    ("iallocator", None, ht.TMaybeString, "Iallocator to run"),
    ("tags", list, ht.TListOf(ht.TNonEmptyString), "Instance tags"),
    ("memory", None, ht.TMaybe(ht.TNonNegativeInt), "Memory (MiB)"),
    ("vcpus", None, ht.TMaybe(ht.TNonNegativeInt), "Number of VCPUs"),
    ("os", None, ht.TMaybeString, "Operating system"),
    ("disk_template", None, ht.TMaybeString, "Disk template"),
    ("instances", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "Instances (change-group, node-evacuate)"),
    ("evac_mode", None, ht.TMaybe(ht.TElemOf(constants.NODE_EVAC_MODES)),
     "Node evacuation mode"),
    ("target_groups", None, ht.TMaybeListOf(ht.TNonEmptyString),
     "Target node groups (change-group)"),
    ("spindle_use", 1, ht.TNonNegativeInt, "Spindles used by the instance"),
    ("count", 1, ht.TNonNegativeInt, "Instances to place (multi-allocate)"),
    ("group_name", None, ht.TMaybeString, "Node group to allocate in"),
  ]


def _GetOpList():
  return [v for v in globals().values()
          if (isinstance(v, type) and issubclass(v, OpCode) and
              v is not OpCode and v.OP_ID)]


OP_MAPPING = dict((v.OP_ID, v) for v in _GetOpList())
