"""Master IP handling on a node: the master-ip-setup script and its hooks.

``node_activate_master_ip`` / ``node_deactivate_master_ip`` run the setup
script with ``start`` / ``stop`` between the ``master-ip-turnup`` /
``master-ip-turndown`` local hooks.  The script is pyganeti's own
``tools/master-ip-setup`` unless the cluster uses an external one
(``use_external_mip_script``: ``/etc/ganeti/scripts/master-ip-setup``,
below the node root in a virtual cluster).  Its environment is exactly
``MASTER_NETDEV``, ``MASTER_IP``, ``MASTER_NETMASK`` and
``CLUSTER_IP_VERSION`` (plus ``PATH``, and the virtual-cluster variables
when the node is virtual, so that a script can find its node root).

A successful start records the address in ``$RUN_DIR/master-ip-state``; a
stop removes that file.  In a virtual cluster only a loopback address on
``lo`` is accepted with the default script, so the host's interfaces are
never changed -- unless the node runs in a network namespace of its own
(the namespace test cluster), whose interfaces belong to the node alone.
"""

import os
import shutil
import sys

from ganeti import constants
from ganeti import netutils
from ganeti import pathutils
from ganeti import vcluster
from ganeti.backend import _Fail
from ganeti.backend import hooks
from ganeti.utils import process

#: where an installed pyganeti keeps its default script
DEFAULT_MASTER_SETUP_SCRIPT = pathutils.PKGLIBDIR + "/tools/master-ip-setup"
MASTER_IP_STATE = "master-ip-state"
_TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.realpath(__file__))))


def MasterIpEnv(params):
  """The setup script's (and the hooks') variables for ``params``."""
  family = params.get("ip_family", constants.PRIMARY_IP_FAMILY_V4)
  version = (constants.IP6_VERSION
             if family == constants.PRIMARY_IP_FAMILY_V6
             else constants.IP4_VERSION)
  return {"MASTER_NETDEV": params["netdev"], "MASTER_IP": params["ip"],
          "MASTER_NETMASK": str(params["netmask"]),
          "CLUSTER_IP_VERSION": str(version)}


def DefaultSetupScript():
  """The default master-ip-setup: the checkout's tools/, else the one
  installed beside the running daemon or on PATH, else Ganeti's place."""
  for path in (os.path.join(_TOP, "tools", "master-ip-setup"),
               os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])),
                            "master-ip-setup"),
               shutil.which("master-ip-setup")):
    if path and process.IsExecutable(path):
      return path
  return DEFAULT_MASTER_SETUP_SCRIPT


def SetupScript(use_external_mip_script):
  if use_external_mip_script:
    return pathutils.Get().EXTERNAL_MASTER_SETUP_SCRIPT
  return DefaultSetupScript()


def StateFile():
  return os.path.join(pathutils.Get().RUN_DIR, MASTER_IP_STATE)


#: where iproute2 keeps its named network namespaces
NETNS_RUN_DIR = "/run/netns"


def InOwnNetns(netns_dir=NETNS_RUN_DIR):
  """Whether this process runs in a named network namespace (one of
  ``ip netns``'s), whose interfaces are then not the host's.

  Compared by inode with the files in ``netns_dir``, as ``ip netns
  identify`` does (init's own namespace is often not readable).
  """
  try:
    mine = os.stat("/proc/self/ns/net")
    names = os.listdir(netns_dir)
  except OSError:
    return False
  for name in names:
    try:
      other = os.stat(os.path.join(netns_dir, name))
    except OSError:
      continue
    if (other.st_dev, other.st_ino) == (mine.st_dev, mine.st_ino):
      return True
  return False


def _RestrictedVirtual():
  """A virtual node sharing the host's network: hands off its interfaces."""
  return vcluster.IsVirtual() and not InOwnNetns()


def CheckVirtualParams(params, use_external_mip_script):
  """In a virtual cluster the default script may only see lo/loopback
  (except in a network namespace of the node's own)."""
  if not _RestrictedVirtual() or use_external_mip_script:
    return
  if params["netdev"] != "lo" or \
      not netutils.IPAddress.IsLoopback(params["ip"]):
    _Fail("In a virtual cluster the master IP must be a loopback address on"
          " device lo (got %s on %s)", params["ip"], params["netdev"])


def RunMasterSetupScript(params, action, use_external_mip_script):
  """Run the setup script with ``action``; raise RPCFail if it fails."""
  script = SetupScript(use_external_mip_script)
  if not process.IsExecutable(script):
    _Fail("Master IP setup script %s is missing or not executable", script)
  env = MasterIpEnv(params)
  (rootdir, hostname) = vcluster.GetEnv()
  if rootdir:
    env[vcluster.ENV_ROOTDIR] = rootdir
    env[vcluster.ENV_HOSTNAME] = hostname
  result = process.RunCmd([script, action], env=env, reset_env=True)
  if result.failed:
    _Fail("Failed to %s the master IP. Script return value: %s, output:"
          " '%s'", action, result.exit_code, result.output.strip())


def ActivateMasterIp(master_params, use_external_mip_script):
  """Bring the master IP up here (``master-ip-turnup`` hooks around)."""
  params = dict(master_params)
  CheckVirtualParams(params, use_external_mip_script)

  def _Action():
    RunMasterSetupScript(params, "start", use_external_mip_script)
    state = StateFile()
    os.makedirs(os.path.dirname(state), exist_ok=True)
    with open(state, "w") as fh:
      fh.write("%s\n" % params["ip"])
  hooks.RunLocalHooks("master-ip-turnup", MasterIpEnv(params), _Action)
  return None


def DeactivateMasterIp(master_params, use_external_mip_script):
  """Take the master IP down here (``master-ip-turndown`` hooks around)."""
  params = dict(master_params)
  CheckVirtualParams(params, use_external_mip_script)

  def _Action():
    RunMasterSetupScript(params, "stop", use_external_mip_script)
    try:
      os.unlink(StateFile())
    except FileNotFoundError:
      pass
  hooks.RunLocalHooks("master-ip-turndown", MasterIpEnv(params), _Action)
  return None


def ChangeMasterNetmask(old_netmask, netmask, master_ip, master_netdev):
  """Re-add the (active) master IP with a new prefix length.

  A loopback address on ``lo`` only needs to be local: nothing changes.
  """
  if old_netmask == netmask:
    return None
  if not netutils.IsLocalAddress(master_ip):
    _Fail("The master IP address is not up, not attempting to change its"
          " netmask")
  if master_netdev == "lo" and netutils.IPAddress.IsLoopback(master_ip):
    return None
  if _RestrictedVirtual():
    _Fail("In a virtual cluster the master IP must be a loopback address on"
          " device lo")
  result = process.RunCmd(["ip", "address", "add", "%s/%s" %
                           (master_ip, netmask), "dev", master_netdev,
                           "label", "%s:0" % master_netdev])
  if result.failed:
    _Fail("Could not set the new netmask on the master IP address: %s",
          result.output.strip())
  result = process.RunCmd(["ip", "address", "del", "%s/%s" %
                           (master_ip, old_netmask), "dev", master_netdev,
                           "label", "%s:0" % master_netdev])
  if result.failed:
    _Fail("Could not bring down the master IP address with the old"
          " netmask: %s", result.output.strip())
  return None
