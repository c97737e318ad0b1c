"""Tap devices of kvm NICs and their set-up through ``kvm-ifup``.

Each NIC gets a tap opened here (its fd is inherited by qemu); once qemu
runs, ``kvm-ifup <tap>`` attaches the tap to the NIC's bridge (bridged
mode) or routes the NIC's IP to it (routed mode).  The script is
``/etc/ganeti/kvm-vif-bridge`` if that exists, else Ganeti's
``$PKGLIBDIR/kvm-ifup``, else the checkout's ``tools/kvm-ifup``.
"""

import fcntl
import os
import struct
import subprocess

from ganeti import constants as C
from ganeti import errors
from ganeti import pathutils

TUNSETIFF = 0x400454ca
TUNGETFEATURES = 0x800454cf
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_ONE_QUEUE = 0x2000
IFF_VNET_HDR = 0x4000
IFF_MULTI_QUEUE = 0x0100

# the checkout: lib/hypervisor/hv_kvm/netdev.py -> top
_TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.realpath(__file__)))))


def TapFlags(vnet_hdr=True, multiqueue=False):
  """The TUNSETIFF flags of a kvm tap (pure)."""
  flags = IFF_TAP | IFF_NO_PI | IFF_ONE_QUEUE
  if vnet_hdr:
    flags |= IFF_VNET_HDR
  if multiqueue:
    flags |= IFF_MULTI_QUEUE
  return flags


def _Features(fd):
  try:
    buf = fcntl.ioctl(fd, TUNGETFEATURES, struct.pack("I", 0))
  except OSError:
    return None
  return struct.unpack("I", buf)[0]


def OpenTap(vnet_hdr=True, queues=1, name=""):
  """Open a tap; return (its interface name, [fd per queue]).

  @raise errors.HypervisorError: /dev/net/tun unusable
  """
  fds = []
  ifname = name
  try:
    for _ in range(max(1, queues)):
      try:
        fd = os.open("/dev/net/tun", os.O_RDWR)
      except OSError as err:
        raise errors.HypervisorError("Failed to open /dev/net/tun: %s" % err)
      fds.append(fd)
      features = _Features(fd)
      use_vnet = vnet_hdr and (features is None or features & IFF_VNET_HDR)
      flags = TapFlags(bool(use_vnet), queues > 1)
      ifr = struct.pack("16sH", ifname.encode("ascii"), flags)
      try:
        res = fcntl.ioctl(fd, TUNSETIFF, ifr)
      except OSError as err:
        raise errors.HypervisorError("Failed to allocate a new TAP device:"
                                     " %s" % err)
      ifname = struct.unpack("16sH", res[:18])[0].rstrip(b"\0").decode()
  except errors.HypervisorError:
    for fd in fds:
      os.close(fd)
    raise
  return (ifname, fds)


def IfupScript():
  """The script that configures a tap, or None."""
  paths = pathutils.Get()
  candidates = [os.path.join(paths.CONF_DIR, "kvm-vif-bridge"),
                os.path.join(pathutils.PKGLIBDIR, "kvm-ifup"),
                os.path.join(_TOP, "tools", "kvm-ifup")]
  if os.environ.get("PYGANETI_TOP"):
    candidates.append(os.path.join(os.environ["PYGANETI_TOP"], "tools",
                                   "kvm-ifup"))
  for path in candidates:
    if os.path.isfile(path) and os.access(path, os.X_OK):
      return path
  return None


def IfupEnv(instance, nic, seq, tap):
  """The environment of kvm-ifup for NIC ``seq`` of ``instance`` (pure)."""
  nicparams = nic.nicparams or {}
  env = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "INSTANCE": instance.name,
    "MAC": nic.mac or "",
    "MODE": nicparams.get(C.NIC_MODE, ""),
    "INTERFACE": tap,
    "INTERFACE_INDEX": str(seq),
    "INTERFACE_UUID": nic.uuid or "",
    "TAGS": " ".join(sorted(instance.GetTags()
                            if hasattr(instance, "GetTags")
                            else (instance.tags or []))),
  }
  if nic.ip:
    env["IP"] = nic.ip
  if nic.name:
    env["INTERFACE_NAME"] = nic.name
  link = nicparams.get(C.NIC_LINK)
  if link:
    env["LINK"] = link
  vlan = nicparams.get(C.NIC_VLAN)
  if vlan:
    env["VLAN"] = vlan
  if nicparams.get(C.NIC_MODE) == C.NIC_MODE_BRIDGED and link:
    env["BRIDGE"] = link
  netinfo = getattr(nic, "netinfo", None) or {}
  for (key, value) in netinfo.items():
    if value is not None and key not in ("uuid", "serial_no", "ctime",
                                         "mtime", "tags", "name"):
      env["NETWORK_%s" % key.upper()] = str(value)
  if netinfo.get("name"):
    env["NETWORK_NAME"] = str(netinfo["name"])
  return env


def ConfigureNic(instance, nic, seq, tap):
  """Run kvm-ifup for one tap.

  @raise errors.HypervisorError: no script, or it failed
  """
  script = IfupScript()
  if script is None:
    raise errors.HypervisorError("No kvm-ifup script found to configure"
                                 " interface %s" % tap)
  env = IfupEnv(instance, nic, seq, tap)
  try:
    result = subprocess.run([script, tap], env=env, capture_output=True,
                            text=True, timeout=60, check=False,
                            stdin=subprocess.DEVNULL)
  except (OSError, subprocess.TimeoutExpired) as err:
    raise errors.HypervisorError("Failed to configure interface %s: %s" %
                                 (tap, err))
  if result.returncode != 0:
    raise errors.HypervisorError("Failed to configure interface %s: %s;"
                                 " output: %s" %
                                 (tap, "exit code %d" % result.returncode,
                                  (result.stdout + result.stderr).strip()))
