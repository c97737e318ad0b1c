"""Opcode machinery and the parameters shared by every opcode family.

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
    from ganeti.opcodes import OP_MAPPING
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
