"""Opcodes for tags and the test opcodes."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


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
