"""IPv4 address pools of networks (``gnt-network``).

A network's addresses are tracked by two bitmaps stored in the
configuration as strings of ``0``/``1`` (one character per address of the
subnet, the network address first): C{reservations} for addresses given to
instance NICs and C{ext_reservations} for addresses used outside Ganeti
(the network and broadcast addresses, the gateway, node IPs, addresses the
administrator reserved). An address is free when neither bit is set.

Usage::

  pool = network.AddressPool(net)     # net: objects.Network
  ip = pool.GetFreeAddress()
  pool.Reserve(ip)                     # writes net.reservations
"""

import ipaddress

from ganeti import errors

#: Largest IPv4 network supported (number of addresses)
IPV4_NETWORK_MAX_SIZE = 2 ** 16

#: Smallest IPv4 network supported (number of addresses, a /30)
IPV4_NETWORK_MIN_SIZE = 4


def ParseNetwork(text):
  """The C{ipaddress.IPv4Network} of a subnet text such as 192.0.2.0/24.

  @raise errors.OpPrereqError: for an invalid subnet or one of an
    unsupported size

  """
  try:
    net = ipaddress.IPv4Network(text, strict=False)
  except (ValueError, TypeError) as err:
    raise errors.OpPrereqError("Invalid network '%s': %s" % (text, err),
                               errors.ECODE_INVAL)
  if net.num_addresses > IPV4_NETWORK_MAX_SIZE:
    raise errors.OpPrereqError("A big network with %s host(s) is currently"
                               " not supported, please specify at most a"
                               " /%s network" %
                               (net.num_addresses - 2, 16),
                               errors.ECODE_INVAL)
  if net.num_addresses < IPV4_NETWORK_MIN_SIZE:
    raise errors.OpPrereqError("A network with only %s host(s) is too"
                               " small, please specify at least a /30"
                               " network" % (net.num_addresses - 2),
                               errors.ECODE_INVAL)
  return net


def _Bits(text, size):
  text = (text or "")[:size].ljust(size, "0")
  return bytearray(1 if c == "1" else 0 for c in text)


def _Text(bits):
  return "".join("1" if b else "0" for b in bits)


class AddressPool:
  """The address pool of one L{objects.Network}; changes write back.

  Every mutating method updates the network object's C{reservations} or
  C{ext_reservations} string at once, so that the caller only has to write
  the configuration.

  """

  def __init__(self, net):
    self.net = net
    self.network = ipaddress.IPv4Network(net.network, strict=False)
    self.size = self.network.num_addresses
    self._reserved = _Bits(net.reservations, self.size)
    self._external = _Bits(net.ext_reservations, self.size)

  @classmethod
  def InitializeNetwork(cls, net):
    """Start a new network's pool.

    The network and broadcast addresses and the gateway become external
    reservations.

    """
    net.reservations = "0" * ipaddress.IPv4Network(
      net.network, strict=False).num_addresses
    net.ext_reservations = net.reservations
    pool = cls(net)
    pool.Reserve(pool.network[0], external=True)
    pool.Reserve(pool.network[-1], external=True)
    if net.gateway:
      pool.Reserve(net.gateway, external=True)
    return pool

  def _Write(self):
    self.net.reservations = _Text(self._reserved)
    self.net.ext_reservations = _Text(self._external)

  def _Index(self, address):
    try:
      addr = ipaddress.IPv4Address(str(address))
    except ValueError as err:
      raise errors.AddressPoolError("Invalid IP address '%s': %s" %
                                    (address, err))
    if addr not in self.network:
      raise errors.AddressPoolError("%s does not contain %s" %
                                    (self.network, address))
    return int(addr) - int(self.network.network_address)

  def Contains(self, address):
    """Whether an address belongs to the subnet (False if invalid)."""
    try:
      return ipaddress.IPv4Address(str(address)) in self.network
    except ValueError:
      return False

  def IsReserved(self, address, external=False):
    """Whether an address is reserved (by an instance, or externally)."""
    idx = self._Index(address)
    if external:
      return bool(self._external[idx])
    return bool(self._reserved[idx] or self._external[idx])

  def Reserve(self, address, external=False):
    """Mark an address as used.

    @raise errors.AddressPoolError: if it is outside the network or
      already reserved

    """
    idx = self._Index(address)
    if self._reserved[idx] or self._external[idx]:
      kind = "externally " if self._external[idx] else ""
      raise errors.AddressPoolError("IP address '%s' already %sreserved" %
                                    (address, kind))
    if external:
      self._external[idx] = 1
    else:
      self._reserved[idx] = 1
    self._Write()

  def Release(self, address, external=False):
    """Mark an address as free again.

    @raise errors.AddressPoolError: if it is outside the network or not
      reserved in the given way

    """
    idx = self._Index(address)
    bits = self._external if external else self._reserved
    if not bits[idx]:
      raise errors.AddressPoolError("IP address '%s' is not %sreserved" %
                                    (address,
                                     "externally " if external else ""))
    bits[idx] = 0
    self._Write()

  def SetReserved(self, addresses):
    """Make exactly the given addresses (those inside the network) the
    instance reservations."""
    self._reserved = bytearray(self.size)
    for address in addresses:
      if self.Contains(address):
        self._reserved[self._Index(address)] = 1
    self._Write()

  def GetFreeAddress(self):
    """The first free address (as text).

    @raise errors.AddressPoolError: if the network is full

    """
    for idx in range(self.size):
      if not (self._reserved[idx] or self._external[idx]):
        return str(self.network[idx])
    raise errors.AddressPoolError("%s is full" % self.network)

  def GetFreeCount(self):
    return sum(1 for (r, e) in zip(self._reserved, self._external)
               if not (r or e))

  def GetReservedCount(self):
    return self.size - self.GetFreeCount()

  def GetMap(self):
    """One character per address: ``X`` reserved, ``.`` free."""
    return "".join("X" if (r or e) else "."
                   for (r, e) in zip(self._reserved, self._external))

  def GetExternalReservations(self):
    """The externally reserved addresses, as texts in address order."""
    return [str(self.network[idx]) for idx in range(self.size)
            if self._external[idx]]


def CheckGateway(net, gateway):
  """Check that a gateway address lies in a subnet (C{ipaddress} network).

  @raise errors.OpPrereqError: if it does not or is not an address

  """
  try:
    addr = ipaddress.IPv4Address(gateway)
  except ValueError:
    raise errors.OpPrereqError("Invalid gateway '%s'" % gateway,
                               errors.ECODE_INVAL)
  if addr not in net:
    raise errors.OpPrereqError("Gateway '%s' is not in network %s" %
                               (gateway, net), errors.ECODE_INVAL)


def CheckIPv6(network6=None, gateway6=None):
  """Check the IPv6 subnet and gateway texts (either may be None).

  @raise errors.OpPrereqError: for an invalid value

  """
  net6 = None
  if network6 is not None:
    try:
      net6 = ipaddress.IPv6Network(network6, strict=False)
    except ValueError as err:
      raise errors.OpPrereqError("Invalid IPv6 network '%s': %s" %
                                 (network6, err), errors.ECODE_INVAL)
  if gateway6 is not None:
    try:
      addr6 = ipaddress.IPv6Address(gateway6)
    except ValueError:
      raise errors.OpPrereqError("Invalid IPv6 gateway '%s'" % gateway6,
                                 errors.ECODE_INVAL)
    if net6 is not None and addr6 not in net6:
      raise errors.OpPrereqError("IPv6 gateway '%s' is not in network %s" %
                                 (gateway6, network6), errors.ECODE_INVAL)


def NormalizeMacPrefix(prefix):
  """A three-octet MAC prefix in lower case ``aa:bb:cc``.

  @raise errors.OpPrereqError: for anything else

  """
  parts = prefix.split(":") if isinstance(prefix, str) else []
  if len(parts) != 3 or not all(
      len(p) == 2 and all(c in "0123456789abcdefABCDEF" for c in p)
      for p in parts):
    raise errors.OpPrereqError("Invalid MAC address prefix '%s'" % prefix,
                               errors.ECODE_INVAL)
  return prefix.lower()
