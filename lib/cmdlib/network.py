"""Logical units of the network family (``gnt-network``).

The LUs run under the big Ganeti lock (exclusive), which serialises them
against every other configuration change: networks are small, rare
changes and this keeps the address pools consistent without finer locks.
"""

import ipaddress

from ganeti import constants
from ganeti import errors
from ganeti import network
from ganeti import objects
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit


def _NetworkHooksEnv(net):
  """The hooks environment describing a network (Ganeti's names)."""
  return {
    "NETWORK_NAME": net.name,
    "NETWORK_SUBNET": net.network or "",
    "NETWORK_GATEWAY": net.gateway or "",
    "NETWORK_SUBNET6": net.network6 or "",
    "NETWORK_GATEWAY6": net.gateway6 or "",
    "NETWORK_MAC_PREFIX": net.mac_prefix or "",
    "NETWORK_TAGS": " ".join(sorted(net.GetTags())),
    }


def _NoneOrValue(value):
  """The opcode's "none" string as None (unset), anything else as is."""
  if isinstance(value, str) and value.lower() == constants.VALUE_NONE:
    return None
  return value


def _Unique(items):
  """The items without repetitions, in order."""
  result = []
  for item in items:
    if item not in result:
      result.append(item)
  return result


class _NetworkLU(LogicalUnit):
  HTYPE = constants.HTYPE_NETWORK

  def ExpandNames(self):
    self.needed_locks = {}

  def _LookupNetwork(self):
    self.network_uuid = self.cfg.LookupNetwork(self.op.network_name)
    self.network = self.cfg.GetNetwork(self.network_uuid)

  def BuildHooksNodes(self):
    master = self.cfg.GetMasterNode()
    return ([master], [master])


class LUNetworkAdd(_NetworkLU):
  HPATH = "network-add"

  def CheckArguments(self):
    if self.op.mac_prefix:
      self.op.mac_prefix = network.NormalizeMacPrefix(self.op.mac_prefix)
    self.subnet = network.ParseNetwork(self.op.network)
    if self.op.gateway is not None:
      network.CheckGateway(self.subnet, self.op.gateway)
    network.CheckIPv6(self.op.network6, self.op.gateway6)
    for ip in self.op.add_reserved_ips or []:
      if ipaddress.IPv4Address(ip) not in self.subnet:
        raise errors.OpPrereqError("IP address '%s' is not in network %s" %
                                   (ip, self.subnet), errors.ECODE_INVAL)

  def CheckPrereq(self):
    try:
      self.cfg.LookupNetwork(self.op.network_name)
    except errors.OpPrereqError:
      pass
    else:
      raise errors.OpPrereqError("Network '%s' already defined" %
                                 self.op.network_name, errors.ECODE_EXISTS)
    net = self._NewNetwork(None)
    for tag in self.op.tags:
      try:
        net.ValidateTag(tag)
      except errors.TagError as err:
        raise errors.OpPrereqError(str(err), errors.ECODE_INVAL)

  def _NewNetwork(self, uuid):
    return objects.Network(name=self.op.network_name,
                           network=str(self.subnet),
                           gateway=self.op.gateway,
                           network6=self.op.network6,
                           gateway6=self.op.gateway6,
                           mac_prefix=self.op.mac_prefix, uuid=uuid,
                           tags=set(self.op.tags))

  def BuildHooksEnv(self):
    return _NetworkHooksEnv(self._NewNetwork(None))

  def Exec(self, feedback_fn):
    net = self._NewNetwork(self.cfg.GenerateUniqueID())
    pool = network.AddressPool.InitializeNetwork(net)
    for ip in self.op.add_reserved_ips or []:
      try:
        pool.Reserve(ip, external=True)
      except errors.AddressPoolError as err:
        raise errors.OpExecError("Cannot reserve IP address '%s': %s" %
                                 (ip, err))
    if self.op.conflicts_check:
      self._ReserveClusterIps(pool)
    self.cfg.AddNetwork(net)

  def _ReserveClusterIps(self, pool):
    """Reserve (externally) the node and master IPs inside the network."""
    for node in self.cfg.GetAllNodesInfo().values():
      for ip in _Unique([node.primary_ip, node.secondary_ip]):
        if ip and pool.Contains(ip) and not pool.IsReserved(ip):
          pool.Reserve(ip, external=True)
          self.LogInfo("Reserved IP address of node '%s' (%s)",
                       node.name, ip)
    master_ip = self.cfg.GetClusterInfo().master_ip
    if master_ip and pool.Contains(master_ip) and \
        not pool.IsReserved(master_ip):
      pool.Reserve(master_ip, external=True)
      self.LogInfo("Reserved cluster master IP address (%s)", master_ip)


class LUNetworkRemove(_NetworkLU):
  HPATH = "network-remove"

  def CheckPrereq(self):
    self._LookupNetwork()
    groups = self.cfg.GetGroupsOfNetwork(self.network_uuid)
    if groups:
      names = utils.NiceSort(self.cfg.GetNodeGroup(uuid).name
                             for uuid in groups)
      self.LogWarning("Network '%s' is connected to the following node"
                      " groups: %s" % (self.op.network_name,
                                       utils.CommaJoin(names)))
      raise errors.OpPrereqError("Network still connected",
                                 errors.ECODE_STATE)
    users = self.cfg.GetInstancesOfNetwork(self.network_uuid)
    if users:
      raise errors.OpPrereqError("Network '%s' is used by instances: %s" %
                                 (self.op.network_name,
                                  ", ".join(sorted(users))),
                                 errors.ECODE_STATE)

  def BuildHooksEnv(self):
    return {"NETWORK_NAME": self.op.network_name}

  def Exec(self, feedback_fn):
    self.cfg.RemoveNetwork(self.network_uuid)


class LUNetworkSetParams(_NetworkLU):
  HPATH = "network-modify"

  def CheckArguments(self):
    if (self.op.gateway and
        (self.op.add_reserved_ips or self.op.remove_reserved_ips)):
      raise errors.OpPrereqError("Cannot modify gateway and reserved ips"
                                 " at once", errors.ECODE_INVAL)

  def CheckPrereq(self):
    self._LookupNetwork()
    net = self.network
    subnet = ipaddress.IPv4Network(net.network)
    self.gateway = net.gateway
    if self.op.gateway is not None:
      self.gateway = _NoneOrValue(self.op.gateway)
      if self.gateway is not None:
        network.CheckGateway(subnet, self.gateway)
        pool = network.AddressPool(net)
        if self.gateway != net.gateway and pool.IsReserved(self.gateway):
          raise errors.OpPrereqError("Gateway IP address '%s' is already"
                                     " in use" % self.gateway,
                                     errors.ECODE_STATE)
    self.mac_prefix = net.mac_prefix
    if self.op.mac_prefix is not None:
      self.mac_prefix = _NoneOrValue(self.op.mac_prefix)
      if self.mac_prefix is not None:
        self.mac_prefix = network.NormalizeMacPrefix(self.mac_prefix)
    self.network6 = net.network6
    if self.op.network6 is not None:
      self.network6 = _NoneOrValue(self.op.network6)
    self.gateway6 = net.gateway6
    if self.op.gateway6 is not None:
      self.gateway6 = _NoneOrValue(self.op.gateway6)
    network.CheckIPv6(self.network6, self.gateway6)
    for ip in (self.op.add_reserved_ips or []) + \
        (self.op.remove_reserved_ips or []):
      if ipaddress.IPv4Address(ip) not in subnet:
        raise errors.OpPrereqError("IP address '%s' is not in network %s" %
                                   (ip, subnet), errors.ECODE_INVAL)

  def BuildHooksEnv(self):
    return _NetworkHooksEnv(self.network)

  def Exec(self, feedback_fn):
    net = self.network
    pool = network.AddressPool(net)
    if self.op.gateway is not None and self.gateway != net.gateway:
      if net.gateway is not None and pool.IsReserved(net.gateway,
                                                     external=True):
        pool.Release(net.gateway, external=True)
      if self.gateway is not None:
        pool.Reserve(self.gateway, external=True)
      net.gateway = self.gateway
    for ip in self.op.add_reserved_ips or []:
      try:
        pool.Reserve(ip, external=True)
      except errors.AddressPoolError as err:
        self.LogWarning("Cannot reserve IP address %s: %s", ip, err)
    for ip in self.op.remove_reserved_ips or []:
      if ip == net.gateway:
        self.LogWarning("Cannot unreserve Gateway's IP")
        continue
      try:
        pool.Release(ip, external=True)
      except errors.AddressPoolError as err:
        self.LogWarning("Cannot release IP address %s: %s", ip, err)
    net.mac_prefix = self.mac_prefix
    net.network6 = self.network6
    net.gateway6 = self.gateway6
    self.cfg.Update(net, feedback_fn)


def _ConflictingNics(cfg, group_uuid, test_fn):
  """(instance name, NIC index, IP) of the group's instances' NICs passing
  C{test_fn(nic)}."""
  result = []
  for inst in cfg.GetAllInstancesInfo().values():
    node = cfg.GetNodeInfo(inst.primary_node)
    if node is None or node.group != group_uuid:
      continue
    for (idx, nic) in enumerate(inst.nics):
      if test_fn(nic):
        result.append((inst.name, idx, nic.ip))
  return result


class _GroupNetworkLU(_NetworkLU):
  def _LookupBoth(self):
    self._LookupNetwork()
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.group = self.cfg.GetNodeGroup(self.group_uuid)

  def BuildHooksNodes(self):
    nodes = [n.uuid for n in self.cfg.GetAllNodesInfo().values()
             if n.group == self.group_uuid]
    return (nodes, nodes)


class LUNetworkConnect(_GroupNetworkLU):
  HPATH = "network-connect"

  def CheckPrereq(self):
    self._LookupBoth()
    self.connected = self.network_uuid in (self.group.networks or {})
    if self.connected:
      self.LogWarning("Network '%s' is already mapped to group '%s'" %
                      (self.op.network_name, self.group.name))
      return
    if self.op.network_mode == constants.NIC_MODE_BRIDGED and \
        not self.op.network_link:
      raise errors.OpPrereqError("A bridged network needs a link",
                                 errors.ECODE_INVAL)
    if self.op.conflicts_check:
      pool = network.AddressPool(self.network)
      conflicts = _ConflictingNics(
        self.cfg, self.group_uuid,
        lambda nic: nic.ip and nic.network != self.network_uuid and
        pool.Contains(nic.ip))
      if conflicts:
        self.LogWarning("IP addresses of the network '%s' are already in"
                        " use in node group '%s':" %
                        (self.op.network_name, self.group.name))
        for (name, idx, ip) in conflicts:
          self.LogWarning("  instance '%s', NIC %d: %s" % (name, idx, ip))
        raise errors.OpPrereqError("Conflicting IP addresses found; remove"
                                   " or modify the corresponding network"
                                   " interfaces", errors.ECODE_STATE)

  def BuildHooksEnv(self):
    env = _NetworkHooksEnv(self.network)
    env.update({"GROUP_NAME": self.group.name,
                "GROUP_NETWORK_MODE": self.op.network_mode,
                "GROUP_NETWORK_LINK": self.op.network_link,
                "GROUP_NETWORK_VLAN": self.op.network_vlan})
    return env

  def Exec(self, feedback_fn):
    if self.connected:
      return
    if self.group.networks is None:
      self.group.networks = {}
    self.group.networks[self.network_uuid] = {
      constants.NIC_MODE: self.op.network_mode,
      constants.NIC_LINK: self.op.network_link,
      constants.NIC_VLAN: self.op.network_vlan,
      }
    self.cfg.Update(self.group, feedback_fn)


class LUNetworkDisconnect(_GroupNetworkLU):
  HPATH = "network-disconnect"

  def CheckPrereq(self):
    self._LookupBoth()
    self.connected = self.network_uuid in (self.group.networks or {})
    if not self.connected:
      self.LogWarning("Network '%s' is not mapped to group '%s'" %
                      (self.op.network_name, self.group.name))
      return
    users = _ConflictingNics(self.cfg, self.group_uuid,
                             lambda nic: nic.network == self.network_uuid)
    if users:
      names = sorted(set(name for (name, _, _) in users))
      raise errors.OpPrereqError("Network '%s' is used by instances of node"
                                 " group '%s': %s" %
                                 (self.op.network_name, self.group.name,
                                  ", ".join(names)), errors.ECODE_STATE)

  def BuildHooksEnv(self):
    env = _NetworkHooksEnv(self.network)
    env["GROUP_NAME"] = self.group.name
    return env

  def Exec(self, feedback_fn):
    if not self.connected:
      return
    del self.group.networks[self.network_uuid]
    self.cfg.Update(self.group, feedback_fn)
