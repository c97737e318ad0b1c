"""The node VMs' network: a bridge inside a network namespace of our own.

The namespace holds a bridge ``br0`` (no STP, no forwarding delay) with the
master's address on it, and one tap per guest.  Nothing touches the host's
own namespace, and the only addresses are in 198.51.100.0/24 (TEST-NET-2).
Deleting the namespace removes the bridge and the taps with it.
"""

import os
import random
import signal
import subprocess

SUBNET = "198.51.100"
PREFIX_LEN = 24


class NetnsError(Exception):
  pass


def _Ip(*args, check=True):
  proc = subprocess.run(["ip"] + list(args), capture_output=True, text=True,
                        check=False)
  if check and proc.returncode != 0:
    raise NetnsError("ip %s failed: %s" % (" ".join(args),
                                          proc.stderr.strip()))
  return proc


def Available():
  """None if namespaces, bridges and taps work here, else the reason."""
  if os.geteuid() != 0:
    return "needs root (network namespaces, bridges, taps)"
  if not os.path.exists("/dev/net/tun"):
    return "no /dev/net/tun (tap devices)"
  probe = "nodevm-probe-%d" % os.getpid()
  proc = _Ip("netns", "add", probe, check=False)
  if proc.returncode != 0:
    return "can't create network namespaces: %s" % proc.stderr.strip()
  try:
    proc = _Ip("-n", probe, "link", "add", "br0", "type", "bridge",
               check=False)
    if proc.returncode != 0:
      return "can't create bridges: %s" % proc.stderr.strip()
    proc = _Ip("-n", probe, "tuntap", "add", "dev", "tap0", "mode", "tap",
               check=False)
    if proc.returncode != 0:
      return "can't create tap devices: %s" % proc.stderr.strip()
  finally:
    _Ip("netns", "del", probe, check=False)
  return None


_NAME_PREFIX = "nodevm-"


def _Alive(pid):
  try:
    os.kill(pid, 0)
  except ProcessLookupError:
    return False
  except PermissionError:
    return True
  return True


def CleanupStale():
  """Remove namespaces that test sessions which died left behind.

  A namespace is named ``nodevm-<pid of its owner>-<random>``; one whose
  owner is gone is stale.  The processes still inside it (the guests'
  qemu and the master's daemons, which that session started) are ended
  first, then the namespace is deleted.

  @return: the names of the namespaces removed
  """
  proc = _Ip("netns", "list", check=False)
  removed = []
  for line in proc.stdout.splitlines():
    name = line.split()[0] if line.strip() else ""
    parts = name.split("-")
    if not (name.startswith(_NAME_PREFIX) and len(parts) == 3 and
            parts[1].isdigit()):
      continue
    if _Alive(int(parts[1])):
      continue
    pids = _Ip("netns", "pids", name, check=False).stdout.split()
    for pid in pids:
      try:
        os.kill(int(pid), signal.SIGKILL)
      except (ProcessLookupError, ValueError):
        pass
    _Ip("netns", "del", name, check=False)
    removed.append(name)
  return removed


class BridgeNetns:
  """A namespace ``name`` with bridge br0 carrying ``SUBNET.<host_id>``,
  and the cluster IP ``SUBNET.1`` on its loopback device."""

  def __init__(self, name=None, host_id=10):
    self.name = name or "%s%d-%04x" % (_NAME_PREFIX, os.getpid(),
                                       random.randrange(1 << 16))
    self.host_ip = "%s.%d" % (SUBNET, host_id)
    self.cluster_ip = "%s.1" % SUBNET
    self.taps = []
    self.created = False

  def Create(self):
    _Ip("netns", "add", self.name)
    self.created = True
    _Ip("-n", self.name, "link", "set", "lo", "up")
    # the cluster IP: a virtual master only checks that it is local (as
    # 127.0.X.1 always is in a loopback virtual cluster)
    _Ip("-n", self.name, "addr", "add", "%s/32" % self.cluster_ip, "dev",
        "lo")
    _Ip("-n", self.name, "link", "add", "br0", "type", "bridge")
    _Ip("-n", self.name, "link", "set", "br0", "type", "bridge",
        "stp_state", "0", "forward_delay", "0")
    _Ip("-n", self.name, "addr", "add",
        "%s/%d" % (self.host_ip, PREFIX_LEN), "dev", "br0")
    _Ip("-n", self.name, "link", "set", "br0", "up")
    return self

  def AddTap(self, tap):
    _Ip("-n", self.name, "tuntap", "add", "dev", tap, "mode", "tap")
    _Ip("-n", self.name, "link", "set", tap, "master", "br0", "up")
    self.taps.append(tap)
    return tap

  def Exec(self, argv):
    """``argv`` prefixed to run inside the namespace."""
    return ["ip", "netns", "exec", self.name] + list(argv)

  def Delete(self):
    """Remove the namespace (and with it the bridge and taps)."""
    if self.created:
      _Ip("netns", "del", self.name, check=False)
      self.created = False
