"""master-ip-setup: bring the cluster's master IP address up or down.

Interface (as Ganeti's default script): ``master-ip-setup start|stop``
with the environment variables ``MASTER_NETDEV``, ``MASTER_IP``,
``MASTER_NETMASK`` (prefix length) and ``CLUSTER_IP_VERSION`` (4 or 6).
Exit code 0 on success, 1 on failure (message on stderr).

Rules:

* ``start``: nothing to do if the address is already on ``MASTER_NETDEV``;
  fails if another host answers on it; otherwise the address is added
  (IPv4 with the label ``<netdev>:0``) and neighbours are told (gratuitous
  ARP with ``arping`` or ``ndisc6`` for IPv6, when installed).
* ``stop``: the address is removed if present.
* A loopback address on ``lo`` (what a virtual cluster on one machine
  uses) is always local: both actions only report and change nothing, so
  the host's interfaces are never touched.
"""

import ipaddress
import os
import shutil
import sys

from ganeti import constants
from ganeti import netutils
from ganeti.utils import process

ACTIONS = ("start", "stop")
ENV_KEYS = ("MASTER_NETDEV", "MASTER_IP", "MASTER_NETMASK",
            "CLUSTER_IP_VERSION")


class SetupError(Exception):
  """The action failed; the message goes to stderr."""


def ReadEnv(env):
  """The validated parameters from ``env``.

  @return: dict with netdev, ip, netmask (int) and version (4 or 6)
  @raise SetupError: a variable is missing or malformed
  """
  missing = [k for k in ENV_KEYS if not env.get(k)]
  if missing:
    raise SetupError("Missing environment variable(s): %s" %
                     ", ".join(missing))
  try:
    addr = ipaddress.ip_address(env["MASTER_IP"])
  except ValueError:
    raise SetupError("Invalid master IP address '%s'" % env["MASTER_IP"])
  try:
    netmask = int(env["MASTER_NETMASK"])
    version = int(env["CLUSTER_IP_VERSION"])
  except ValueError:
    raise SetupError("MASTER_NETMASK and CLUSTER_IP_VERSION must be numbers")
  if version not in (constants.IP4_VERSION, constants.IP6_VERSION) or \
      version != addr.version:
    raise SetupError("CLUSTER_IP_VERSION %s does not match address %s" %
                     (version, addr))
  if not 0 <= netmask <= addr.max_prefixlen:
    raise SetupError("Invalid netmask %s for %s" % (netmask, addr))
  return {"netdev": env["MASTER_NETDEV"], "ip": str(addr),
          "netmask": netmask, "version": version}


def IsLoopbackOnLo(params):
  """A loopback address on ``lo``: always local, never configured."""
  return params["netdev"] == "lo" and netutils.IPAddress.IsLoopback(
    params["ip"])


def ParseDeviceAddresses(output):
  """Addresses (without prefix) in ``ip -o address show`` output."""
  result = set()
  for line in output.splitlines():
    parts = line.split()
    for (idx, word) in enumerate(parts[:-1]):
      if word in ("inet", "inet6"):
        result.add(str(ipaddress.ip_interface(parts[idx + 1]).ip))
  return result


def _DeviceAddresses(netdev):
  result = process.RunCmd(["ip", "-o", "address", "show", "dev", netdev])
  if result.failed:
    raise SetupError("Can't list the addresses of %s: %s" %
                     (netdev, result.output.strip()))
  return ParseDeviceAddresses(result.stdout)


def Start(params):
  """Bring the address up; returns the message to print."""
  if IsLoopbackOnLo(params):
    return ("Master IP address %s is a loopback address on lo, always"
            " local; nothing to do" % params["ip"])
  if params["ip"] in _DeviceAddresses(params["netdev"]):
    return ("Master IP address already configured on this machine."
            " Doing nothing.")
  if netutils.TcpPing(params["ip"], netutils.GetDaemonPort(constants.NODED),
                      timeout=2):
    raise SetupError("Error: master IP address configured on another"
                     " machine.")
  argv = ["ip", "address", "add", "%s/%s" % (params["ip"], params["netmask"]),
          "dev", params["netdev"]]
  if params["version"] == constants.IP4_VERSION:
    argv.extend(["label", "%s:0" % params["netdev"]])
  result = process.RunCmd(argv)
  if result.failed:
    raise SetupError("Error during the activation of the master IP address:"
                     " %s" % result.output.strip())
  if params["version"] == constants.IP4_VERSION and shutil.which("arping"):
    process.RunCmd(["arping", "-q", "-U", "-c", "3", "-I", params["netdev"],
                    "-s", params["ip"], params["ip"]])
  elif params["version"] == constants.IP6_VERSION and shutil.which("ndisc6"):
    process.RunCmd(["ndisc6", "-q", "-r", "3", params["ip"],
                    params["netdev"]])
  return "Master IP address %s activated on %s" % (params["ip"],
                                                   params["netdev"])


def Stop(params):
  """Take the address down; returns the message to print."""
  if IsLoopbackOnLo(params):
    return ("Master IP address %s is a loopback address on lo; nothing to"
            " do" % params["ip"])
  if params["ip"] not in _DeviceAddresses(params["netdev"]):
    return "Master IP address not configured on this machine"
  result = process.RunCmd(["ip", "address", "del", "%s/%s" %
                           (params["ip"], params["netmask"]), "dev",
                           params["netdev"]])
  if result.failed:
    raise SetupError("Error during the deactivation of the master IP"
                     " address: %s" % result.output.strip())
  return "Master IP address %s removed from %s" % (params["ip"],
                                                   params["netdev"])


def Main(argv=None, env=None):
  argv = sys.argv[1:] if argv is None else argv
  env = os.environ if env is None else env
  if len(argv) != 1 or argv[0] not in ACTIONS:
    sys.stderr.write("Usage: master-ip-setup start|stop\n")
    return 1
  try:
    params = ReadEnv(env)
    msg = (Start if argv[0] == "start" else Stop)(params)
  except SetupError as err:
    sys.stderr.write("%s\n" % err)
    return 1
  sys.stdout.write("%s\n" % msg)
  return 0
