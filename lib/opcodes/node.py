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
