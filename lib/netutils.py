"""Network helpers: host names, name resolution, addresses, TCP ping.

In a virtual cluster (see L{ganeti.vcluster}) the local host name is
C{GANETI_HOSTNAME}, and names are first looked up in the cluster's own hosts
file C{<cluster base dir>/hosts} (C{/etc/hosts} format), so that virtual
nodes need no entries in the system's C{/etc/hosts}.
"""

import errno
import ipaddress
import os
import socket

from ganeti import constants
from ganeti import errors
from ganeti import vcluster

VCLUSTER_HOSTS_FILE = "hosts"


def _ParseHostsFile(path: str):
  """Return a list of (ip, [names]) from an /etc/hosts style file."""
  entries = []
  try:
    with open(path) as fh:
      for line in fh:
        line = line.split("#", 1)[0].split()
        if len(line) >= 2:
          entries.append((line[0], line[1:]))
  except FileNotFoundError:
    pass
  return entries


def _LookupClusterHosts(name: str):
  """Look ``name`` up in the virtual cluster's hosts file.

  @return: (canonical name, [aliases], [ips]) or None

  """
  base = vcluster.GetBaseDir()
  if not base:
    return None
  for (ip, names) in _ParseHostsFile(os.path.join(base, VCLUSTER_HOSTS_FILE)):
    if name in names:
      return (names[0], names[1:], [ip])
  return None


def _ResolveSystem(name: str, family=None):
  try:
    if family in (None, socket.AF_INET):
      try:
        return socket.gethostbyname_ex(name)
      except (socket.gaierror, socket.herror):
        if family == socket.AF_INET:
          raise
    infos = socket.getaddrinfo(name, None, family or socket.AF_UNSPEC,
                               socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
  except (socket.gaierror, socket.herror, socket.error) as err:
    raise errors.ResolverError(name, getattr(err, "errno", None) or 0,
                               "Failure: can't resolve hostname '%s'" % name)
  canon = infos[0][3] or name
  return (canon, [], [i[4][0] for i in infos])


def GetHostname(name: str = None, family=None) -> "Hostname":
  """Resolve a name (default: this host) to a L{Hostname}."""
  return Hostname(name=name, family=family)


class Hostname:
  """A resolved host name.

  @ivar name: the canonical (fully qualified) name
  @ivar ip: the first address
  @ivar aliases: alias names
  @ivar ipaddrs: all addresses

  """

  def __init__(self, name: str = None, family=None):
    if name is None:
      name = self.GetSysName()
    (self.name, self.aliases, self.ipaddrs) = self.GetIP(name, family)
    self.ip = self.ipaddrs[0]

  @staticmethod
  def GetSysName() -> str:
    """This host's name: GANETI_HOSTNAME in a virtual cluster, else FQDN."""
    (_, hostname) = vcluster.GetEnv()
    if hostname:
      return hostname
    return socket.getfqdn()

  @staticmethod
  def GetIP(name: str, family=None):
    """Resolve ``name``; return (canonical name, aliases, [ips]).

    @raise errors.ResolverError: the name can't be resolved

    """
    found = _LookupClusterHosts(name)
    if found is not None:
      return found
    try:
      (canon, aliases, ips) = _ResolveSystem(name, family)
    except UnicodeError:
      raise errors.ResolverError(name, 0,
                                 "Failure: can't resolve hostname '%s'" % name)
    if not ips:
      raise errors.ResolverError(name, 0,
                                 "Failure: can't resolve hostname '%s'" % name)
    return (canon, aliases, ips)


def IsValidIP4(address: str) -> bool:
  try:
    ipaddress.IPv4Address(address)
    return True
  except ValueError:
    return False


def IsValidIP6(address: str) -> bool:
  try:
    ipaddress.IPv6Address(address)
    return True
  except ValueError:
    return False


def IsValidIP(address: str) -> bool:
  return IsValidIP4(address) or IsValidIP6(address)


class IPAddress:
  """Small helpers about IP addresses (Ganeti names)."""

  @staticmethod
  def IsValid(address: str) -> bool:
    return IsValidIP(address)

  @staticmethod
  def GetAddressFamily(address: str) -> int:
    if IsValidIP4(address):
      return socket.AF_INET
    if IsValidIP6(address):
      return socket.AF_INET6
    raise errors.IPAddressError("Invalid address '%s'" % address)

  @staticmethod
  def GetVersionFromAddressFamily(family: int) -> int:
    return {socket.AF_INET: constants.IP4_VERSION,
            socket.AF_INET6: constants.IP6_VERSION}[family]

  @staticmethod
  def IsLoopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


def GetLocalAddresses():
  """All addresses configured on this host's interfaces (v4 and v6)."""
  addrs = set()
  try:
    with open("/proc/net/fib_trie") as fh:
      prev = None
      for line in fh:
        parts = line.split()
        if parts and parts[0] == "/32" and "host" in parts and prev:
          addrs.add(prev)
        if len(parts) == 2 and parts[0] in ("|--", "+--"):
          prev = parts[1]
  except OSError:
    pass
  try:
    with open("/proc/net/if_inet6") as fh:
      for line in fh:
        raw = line.split()[0]
        addrs.add(str(ipaddress.IPv6Address(int(raw, 16))))
  except OSError:
    pass
  return addrs


def IsLocalAddress(address: str) -> bool:
  """Whether ``address`` is configured on this host.

  Falls back to trying to bind a socket to it.
  """
  if address in GetLocalAddresses():
    return True
  try:
    family = IPAddress.GetAddressFamily(address)
  except errors.IPAddressError:
    return False
  sock = socket.socket(family, socket.SOCK_DGRAM)
  try:
    sock.bind((address, 0))
    return True
  except OSError:
    return False
  finally:
    sock.close()


def TcpPing(target: str, port: int, timeout: float = 10,
            live_port_needed: bool = False, source: str = None) -> bool:
  """Try a TCP connection to target:port.

  @param live_port_needed: if False, a refused connection (the host is up
      but nothing listens) also counts as success
  @param source: local address to bind to, if any
  @return: True if the host answered

  """
  family = socket.AF_INET6 if IsValidIP6(target) else socket.AF_INET
  sock = socket.socket(family, socket.SOCK_STREAM)
  try:
    if source is not None:
      try:
        sock.bind((source, 0))
      except OSError as err:
        if err.errno == errno.EADDRNOTAVAIL:
          return False
        raise
    sock.settimeout(timeout)
    try:
      sock.connect((target, port))
      return True
    except socket.timeout:
      return False
    except OSError as err:
      return (not live_port_needed) and err.errno == errno.ECONNREFUSED
  finally:
    sock.close()


def GetDaemonPort(daemon_name: str) -> int:
  """The port of a daemon from /etc/services, or its default."""
  (proto, default) = constants.DAEMONS_PORTS[daemon_name]
  try:
    return socket.getservbyname(daemon_name, proto)
  except OSError:
    return default
