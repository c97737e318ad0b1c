"""Networks and job filter rules in the configuration.

Mixed into :class:`ganeti.config.ConfigWriter` (which owns ``_lock``,
``_config_data`` and ``_WriteConfig``).  Networks are keyed by UUID in
``networks``; node groups map connected network UUIDs to their NIC
parameters (``{"mode", "link", "vlan"}``); instance NICs name their
network by UUID and take their IP address from its pool.  Filter rules
are keyed by UUID in ``filters``.
"""

import time

from ganeti import errors
from ganeti import network as _network


class NetworksConfigMixin:
  """Network and filter accessors of the ConfigWriter."""

  # Networks --------------------------------------------------------------
  def GetNetwork(self, net_uuid):
    """The L{objects.Network} of a UUID, or None."""
    with self._lock:
      return self._config_data.networks.get(net_uuid)

  def GetAllNetworksInfo(self):
    """A dict network UUID → L{objects.Network}."""
    with self._lock:
      return dict(self._config_data.networks)

  def GetNetworkList(self):
    with self._lock:
      return list(self._config_data.networks)

  def LookupNetwork(self, target):
    """The UUID of a network given by name or UUID.

    @raise errors.OpPrereqError: if there is no such network (ECODE_NOENT)

    """
    with self._lock:
      nets = self._config_data.networks
      if target in nets:
        return target
      for (uuid, net) in nets.items():
        if net.name == target:
          return uuid
    raise errors.OpPrereqError("Network '%s' not found" % target,
                               errors.ECODE_NOENT)

  def AddNetwork(self, net, ec_id=None):
    """Add a new network (its uuid, name and pool already set)."""
    with self._lock:
      for other in self._config_data.networks.values():
        if other.name == net.name:
          raise errors.ConfigurationError("Network '%s' already exists" %
                                          net.name)
      if net.uuid in self._config_data.networks:
        raise errors.ConfigurationError("Network UUID '%s' in use" %
                                        net.uuid)
      net.serial_no = 1
      net.ctime = net.mtime = time.time()
      self._config_data.networks[net.uuid] = net
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def RemoveNetwork(self, net_uuid):
    with self._lock:
      if net_uuid not in self._config_data.networks:
        raise errors.ConfigurationError("Unknown network '%s'" % net_uuid)
      del self._config_data.networks[net_uuid]
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def GetGroupsOfNetwork(self, net_uuid):
    """The node groups connected to a network, as {group UUID: nicparams}."""
    with self._lock:
      return dict((uuid, dict(group.networks[net_uuid]))
                  for (uuid, group) in self._config_data.nodegroups.items()
                  if net_uuid in (group.networks or {}))

  def GetGroupNetParams(self, net_uuid, node_uuid):
    """The NIC parameters of a network in a node's group, or None."""
    with self._lock:
      node = self._config_data.nodes.get(node_uuid)
      if node is None:
        return None
      group = self._config_data.nodegroups.get(node.group)
      if group is None:
        return None
      params = (group.networks or {}).get(net_uuid)
      return dict(params) if params is not None else None

  def GetInstancesOfNetwork(self, net_uuid):
    """Names of the instances with a NIC in a network."""
    with self._lock:
      return [inst.name for inst in self._config_data.instances.values()
              if any(nic.network == net_uuid for nic in inst.nics)]

  def _TemporaryIps(self):
    """The (network UUID, address) pairs reserved by running jobs."""
    ips = getattr(self, "_temporary_ips", None)
    if ips is None:
      ips = self._temporary_ips = set()
    return ips

  def _ReleaseIpTemporary(self):
    self._TemporaryIps().clear()

  def GenerateIp(self, net_uuid):
    """Pick a free address of a network and reserve it for the job.

    @raise errors.AddressPoolError: if the network has no free address

    """
    with self._lock:
      net = self._config_data.networks[net_uuid]
      pool = _network.AddressPool(net)
      taken = self._TemporaryIps()
      for ip in pool.network:
        ip = str(ip)
        if not pool.IsReserved(ip) and (net_uuid, ip) not in taken:
          taken.add((net_uuid, ip))
          return ip
      raise errors.AddressPoolError("%s is full" % net.network)

  def ReserveIp(self, net_uuid, ip, check=True):
    """Reserve a given address of a network for the job.

    With C{check}, an address reserved (by an instance or externally) or
    taken by another job is an error; without, only one of another job.

    @raise errors.AddressPoolError: if it is taken or not in the network

    """
    with self._lock:
      net = self._config_data.networks[net_uuid]
      pool = _network.AddressPool(net)
      if not pool.Contains(ip):
        raise errors.AddressPoolError("%s does not contain %s" %
                                      (net.network, ip))
      taken = self._TemporaryIps()
      if (net_uuid, ip) in taken or (check and pool.IsReserved(ip)):
        raise errors.AddressPoolError("IP address '%s' already reserved" %
                                      ip)
      taken.add((net_uuid, ip))

  def _NicPools(self, inst):
    """(NIC, its network's address pool) of each of ``inst``'s NICs that
    has an IP on a known network."""
    for nic in inst.nics:
      net = self._config_data.networks.get(nic.network) if nic.network \
        else None
      if net is not None and nic.ip:
        yield (nic, _network.AddressPool(net))

  def _ReserveNicIps(self, inst):
    """Take the IPs of an instance's networked NICs from their pools.

    Called under the lock before the instance is written; an address
    already taken is an error (the LU checked it beforehand).

    """
    for (nic, pool) in self._NicPools(inst):
      if pool.Contains(nic.ip) and not pool.IsReserved(nic.ip):
        pool.Reserve(nic.ip)

  def _SyncNicReservations(self):
    """Make every network's instance reservations the IPs of the NICs on
    it (after an instance's NICs changed)."""
    wanted = dict((uuid, []) for uuid in self._config_data.networks)
    for inst in self._config_data.instances.values():
      for nic in inst.nics:
        if nic.network in wanted and nic.ip:
          wanted[nic.network].append(nic.ip)
    for (uuid, ips) in wanted.items():
      net = self._config_data.networks[uuid]
      pool = _network.AddressPool(net)
      old = net.reservations
      pool.SetReserved(ips)
      if net.reservations != old:
        net.serial_no = (net.serial_no or 0) + 1

  def _ReleaseNicIps(self, inst):
    """Give the IPs of a removed instance's networked NICs back."""
    for (nic, pool) in self._NicPools(inst):
      try:
        pool.Release(nic.ip)
      except errors.AddressPoolError:
        pass

  # Filter rules ----------------------------------------------------------
  def GetAllFilters(self):
    """A dict filter UUID → L{objects.Filter}."""
    with self._lock:
      return dict(self._config_data.filters or {})

  def SetFilter(self, rule):
    """Add or replace a filter rule (keyed by its UUID)."""
    with self._lock:
      filters = self._config_data.filters
      old = filters.get(rule.uuid)
      rule.serial_no = (old.serial_no if old else 0) + 1
      filters[rule.uuid] = rule
      self._WriteConfig()

  def RemoveFilter(self, uuid):
    """Delete a filter rule.

    @raise errors.OpPrereqError: if there is no such rule

    """
    with self._lock:
      if uuid not in self._config_data.filters:
        raise errors.OpPrereqError("Filter rule '%s' not found" % uuid,
                                   errors.ECODE_NOENT)
      del self._config_data.filters[uuid]
      self._WriteConfig()
