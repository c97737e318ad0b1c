"""Opcodes of the network family."""

import ipaddress

from ganeti import constants  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403


def _IsAddr(cls):
  def fn(value):
    try:
      cls(value)
    except (ValueError, TypeError):
      return False
    return isinstance(value, str)
  return fn


def _IsNet(cls):
  def fn(value):
    try:
      cls(value, strict=False)
    except (ValueError, TypeError):
      return False
    return isinstance(value, str)
  return fn


_TIpAddress4 = ht.WithDesc("IPv4Address")(_IsAddr(ipaddress.IPv4Address))
_TIpAddress6 = ht.WithDesc("IPv6Address")(_IsAddr(ipaddress.IPv6Address))
_TIpNetwork4 = ht.WithDesc("IPv4Network")(_IsNet(ipaddress.IPv4Network))
_TIpNetwork6 = ht.WithDesc("IPv6Network")(_IsNet(ipaddress.IPv6Network))
_TMaybeAddr4List = ht.TMaybe(ht.TListOf(_TIpAddress4))


def _TMaybeValueNone(check):
  """None, the string "none" (reset to unset) or a value passing check."""
  return ht.TMaybe(ht.TOr(ht.TElemOf([constants.VALUE_NONE]), check))


PNetworkName = ("network_name", REQUIRED, ht.TNonEmptyString, "Network name")


class OpNetworkAdd(OpCode):
  """Add an IP network to the cluster."""
  OP_DSC_FIELD = "network_name"
  OP_PARAMS = [
    PNetworkName,
    ("network", REQUIRED, _TIpNetwork4, "IPv4 subnet"),
    ("gateway", None, ht.TMaybe(_TIpAddress4), "IPv4 gateway"),
    ("network6", None, ht.TMaybe(_TIpNetwork6), "IPv6 subnet"),
    ("gateway6", None, ht.TMaybe(_TIpAddress6), "IPv6 gateway"),
    ("mac_prefix", None, ht.TMaybeString,
     "MAC address prefix that overrides cluster one"),
    ("add_reserved_ips", None, _TMaybeAddr4List,
     "Which IP addresses to reserve"),
    ("conflicts_check", True, ht.TBool,
     "Whether to check for conflicting IP addresses"),
    ("tags", list, ht.TListOf(ht.TNonEmptyString), "Network tags"),
    ]
  OP_RESULT = ht.TNone


class OpNetworkRemove(OpCode):
  """Remove an existing network from the cluster."""
  OP_DSC_FIELD = "network_name"
  OP_PARAMS = [PNetworkName, PForce]
  OP_RESULT = ht.TNone


class OpNetworkSetParams(OpCode):
  """Modify the gateways, MAC prefix and reservations of a network."""
  OP_DSC_FIELD = "network_name"
  OP_PARAMS = [
    PNetworkName,
    ("gateway", None, _TMaybeValueNone(_TIpAddress4), "IPv4 gateway"),
    ("network6", None, _TMaybeValueNone(_TIpNetwork6), "IPv6 subnet"),
    ("gateway6", None, _TMaybeValueNone(_TIpAddress6), "IPv6 gateway"),
    ("mac_prefix", None, _TMaybeValueNone(ht.TString),
     "MAC address prefix that overrides cluster one"),
    ("add_reserved_ips", None, _TMaybeAddr4List,
     "Which external IP addresses to reserve"),
    ("remove_reserved_ips", None, _TMaybeAddr4List,
     "Which external IP addresses to release"),
    ]
  OP_RESULT = ht.TNone


class OpNetworkConnect(OpCode):
  """Connect a network to a node group."""
  OP_DSC_FIELD = "network_name"
  OP_PARAMS = [
    PGroupName,
    PNetworkName,
    ("network_mode", REQUIRED, ht.TElemOf(constants.NIC_VALID_MODES),
     "Connectivity mode"),
    ("network_link", REQUIRED, ht.TString, "Connectivity link"),
    ("network_vlan", "", ht.TString, "Connectivity vlan"),
    ("conflicts_check", True, ht.TBool,
     "Whether to check for conflicting IP addresses"),
    ]
  OP_RESULT = ht.TNone


class OpNetworkDisconnect(OpCode):
  """Disconnect a network from a node group."""
  OP_DSC_FIELD = "network_name"
  OP_PARAMS = [PGroupName, PNetworkName]
  OP_RESULT = ht.TNone
