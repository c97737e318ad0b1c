"""Instance NICs on networks: NIC parameters and IPs from address pools.

A NIC created with ``network=NAME`` takes its mode, link and VLAN from the
network's connection to the primary node's group, and its IP from the
network's pool: ``ip=pool`` picks the first free address, an explicit
address must be free.  The address is reserved for the job (temporary
reservation in the configuration) and becomes permanent when the instance
is added to the configuration.
"""

import ipaddress

from ganeti import constants
from ganeti import errors


def NicNetworkName(nic):
  """The network named in an opcode NIC dict, or None ("none" too)."""
  net = nic.get(constants.INIC_NETWORK)
  if net is None or (isinstance(net, str) and
                     net.lower() == constants.VALUE_NONE):
    return None
  return net


def CheckNicIp(nic, net_name):
  """The IP of an opcode NIC dict: None, "pool" or a checked address.

  @raise errors.OpPrereqError: for "pool" without a network, or an invalid
    address

  """
  ip = nic.get(constants.INIC_IP)
  if ip is None or ip.lower() == constants.VALUE_NONE:
    return None
  if ip.lower() == constants.NIC_IP_POOL:
    if net_name is None:
      raise errors.OpPrereqError("if ip=pool, parameter network must be"
                                 " passed", errors.ECODE_INVAL)
    return constants.NIC_IP_POOL
  try:
    ipaddress.ip_address(ip)
  except ValueError:
    raise errors.OpPrereqError("Invalid IP address '%s'" % ip,
                               errors.ECODE_INVAL)
  return ip


def PrepareNetworkNic(lu, nic, pnode, conflicts_check=True):
  """(network UUID, nicparams, ip) of an opcode NIC dict with a network.

  @raise errors.OpPrereqError: mode/link given together with a network,
    unknown network, network not connected to the primary node's group,
    pool full, address taken or outside the network

  """
  name = NicNetworkName(nic)
  if nic.get(constants.INIC_MODE) or nic.get(constants.INIC_LINK):
    raise errors.OpPrereqError("If network is given, no mode or link is"
                               " allowed to be passed", errors.ECODE_INVAL)
  net_uuid = lu.cfg.LookupNetwork(name)
  net = lu.cfg.GetNetwork(net_uuid)
  params = lu.cfg.GetGroupNetParams(net_uuid, pnode.uuid)
  if params is None:
    raise errors.OpPrereqError("No netparams found for network %s. Probably"
                               " not connected to node's %s nodegroup" %
                               (net.name, pnode.name), errors.ECODE_INVAL)
  ip = CheckNicIp(nic, name)
  if ip == constants.NIC_IP_POOL:
    try:
      ip = lu.cfg.GenerateIp(net_uuid)
    except errors.AddressPoolError:
      raise errors.OpPrereqError("Unable to get a free IP from the address"
                                 " pool", errors.ECODE_STATE)
    lu.LogInfo("Chose IP %s from network %s", ip, net.name)
  elif ip is not None:
    try:
      lu.cfg.ReserveIp(net_uuid, ip, check=conflicts_check)
    except errors.AddressPoolError:
      raise errors.OpPrereqError("IP address %s already in use or does not"
                                 " belong to network %s" % (ip, net.name),
                                 errors.ECODE_NOTUNIQUE)
  return (net_uuid, params, ip)
