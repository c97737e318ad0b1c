"""Simple configuration store: the ``ssconf_<key>`` files of every node.

The master writes these small files (through the ``write_ssconf_files``
RPC) so that every node knows the essential cluster facts without reading
``config.data``.  Format: one value per file, lists joined with newlines,
a trailing newline unless the value is empty.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import pathutils
from ganeti.utils import filelock
from ganeti.utils import io

SS_CLUSTER_NAME = "cluster_name"
SS_CLUSTER_TAGS = "cluster_tags"
SS_FILE_STORAGE_DIR = "file_storage_dir"
SS_SHARED_FILE_STORAGE_DIR = "shared_file_storage_dir"
SS_GLUSTER_STORAGE_DIR = "gluster_storage_dir"
SS_MASTER_CANDIDATES = "master_candidates"
SS_MASTER_CANDIDATES_IPS = "master_candidates_ips"
SS_MASTER_CANDIDATES_CERTS = "master_candidates_certs"
SS_MASTER_IP = "master_ip"
SS_MASTER_NETDEV = "master_netdev"
SS_MASTER_NETMASK = "master_netmask"
SS_MASTER_NODE = "master_node"
SS_NODE_LIST = "node_list"
SS_NODE_PRIMARY_IPS = "node_primary_ips"
SS_NODE_SECONDARY_IPS = "node_secondary_ips"
SS_NODE_VM_CAPABLE = "node_vm_capable"
SS_OFFLINE_NODES = "offline_nodes"
SS_ONLINE_NODES = "online_nodes"
SS_PRIMARY_IP_FAMILY = "primary_ip_family"
SS_INSTANCE_LIST = "instance_list"
SS_RELEASE_VERSION = "release_version"
SS_HYPERVISOR_LIST = "hypervisor_list"
SS_MAINTAIN_NODE_HEALTH = "maintain_node_health"
SS_UID_POOL = "uid_pool"
SS_NODEGROUPS = "nodegroups"
SS_NETWORKS = "networks"
SS_ENABLED_USER_SHUTDOWN = "enabled_user_shutdown"
SS_SSH_PORTS = "ssh_ports"
SS_HVPARAMS_PREF = "hvparams_"

SS_HVPARAMS_XEN_PVM = SS_HVPARAMS_PREF + constants.HT_XEN_PVM
SS_HVPARAMS_XEN_FAKE = SS_HVPARAMS_PREF + constants.HT_FAKE
SS_HVPARAMS_XEN_HVM = SS_HVPARAMS_PREF + constants.HT_XEN_HVM
SS_HVPARAMS_XEN_KVM = SS_HVPARAMS_PREF + constants.HT_KVM
SS_HVPARAMS_XEN_CHROOT = SS_HVPARAMS_PREF + constants.HT_CHROOT
SS_HVPARAMS_XEN_LXC = SS_HVPARAMS_PREF + constants.HT_LXC

SSCONF_KEYS = frozenset([
  SS_CLUSTER_NAME, SS_CLUSTER_TAGS, SS_FILE_STORAGE_DIR,
  SS_SHARED_FILE_STORAGE_DIR, SS_GLUSTER_STORAGE_DIR, SS_MASTER_CANDIDATES,
  SS_MASTER_CANDIDATES_IPS, SS_MASTER_CANDIDATES_CERTS, SS_MASTER_IP,
  SS_MASTER_NETDEV, SS_MASTER_NETMASK, SS_MASTER_NODE, SS_NODE_LIST,
  SS_NODE_PRIMARY_IPS, SS_NODE_SECONDARY_IPS, SS_NODE_VM_CAPABLE,
  SS_OFFLINE_NODES, SS_ONLINE_NODES, SS_PRIMARY_IP_FAMILY, SS_INSTANCE_LIST,
  SS_RELEASE_VERSION, SS_HYPERVISOR_LIST, SS_MAINTAIN_NODE_HEALTH,
  SS_UID_POOL, SS_NODEGROUPS, SS_NETWORKS, SS_ENABLED_USER_SHUTDOWN,
  SS_SSH_PORTS,
  ] + [SS_HVPARAMS_PREF + hv for hv in constants.HYPER_TYPES])

_MAX_SIZE = constants.SSCONF_MAX_SIZE
SSCONF_LOCK_TIMEOUT = 10


class SimpleStore:
  """Read access to the ssconf files of this node.

  @param paths: a L{pathutils.Paths} (default: this process's node,
      resolved at call time)

  """

  def __init__(self, paths=None):
    self._paths = paths

  def _Paths(self):
    return self._paths or pathutils.Get()

  def KeyToFilename(self, key: str) -> str:
    if key not in SSCONF_KEYS:
      raise errors.ProgrammerError("Invalid key requested from SSConf: '%s'"
                                   % str(key))
    return self._Paths().SsconfFile(key)

  def _ReadFile(self, key: str, default=None) -> str:
    """Read one value (trailing newline stripped).

    @raise errors.ConfigurationError: the file is missing and no default
    """
    filename = self.KeyToFilename(key)
    try:
      with open(filename) as fh:
        data = fh.read(_MAX_SIZE)
    except EnvironmentError as err:
      if default is not None:
        return default
      raise errors.ConfigurationError("Can't read ssconf file %s: %s" %
                                      (filename, str(err)))
    return data.rstrip("\n")

  def _ReadList(self, key: str, default=None):
    data = self._ReadFile(key, default=default)
    return [line for line in data.splitlines() if line]

  def ReadAll(self):
    """All present ssconf values as {key: value}."""
    values = {}
    for key in SSCONF_KEYS:
      try:
        values[key] = self._ReadFile(key)
      except errors.ConfigurationError:
        pass
    return values

  def WriteFiles(self, values, dry_run: bool = False) -> None:
    WriteSsconfFiles(values, paths=self._Paths(), dry_run=dry_run)

  def GetFileList(self):
    return [self.KeyToFilename(key) for key in SSCONF_KEYS]

  def GetClusterName(self) -> str:
    return self._ReadFile(SS_CLUSTER_NAME)

  def GetFileStorageDir(self) -> str:
    return self._ReadFile(SS_FILE_STORAGE_DIR)

  def GetSharedFileStorageDir(self) -> str:
    return self._ReadFile(SS_SHARED_FILE_STORAGE_DIR)

  def GetGlusterStorageDir(self) -> str:
    return self._ReadFile(SS_GLUSTER_STORAGE_DIR)

  def GetMasterCandidates(self):
    return self._ReadList(SS_MASTER_CANDIDATES)

  def GetMasterCandidatesIPList(self):
    return self._ReadList(SS_MASTER_CANDIDATES_IPS)

  def GetMasterCandidatesCertMap(self):
    return dict(line.split("=", 1)
                for line in self._ReadList(SS_MASTER_CANDIDATES_CERTS, ""))

  def GetMasterIP(self) -> str:
    return self._ReadFile(SS_MASTER_IP)

  def GetMasterNetdev(self) -> str:
    return self._ReadFile(SS_MASTER_NETDEV)

  def GetMasterNetmask(self) -> int:
    value = self._ReadFile(SS_MASTER_NETMASK)
    try:
      return int(value)
    except (ValueError, TypeError) as err:
      raise errors.ConfigurationError("Error while trying to parse the"
                                      " master netmask: %s" % err)

  def GetMasterNode(self) -> str:
    return self._ReadFile(SS_MASTER_NODE)

  def GetNodeList(self):
    return self._ReadList(SS_NODE_LIST)

  def GetOnlineNodeList(self):
    return self._ReadList(SS_ONLINE_NODES)

  def GetOfflineNodeList(self):
    return self._ReadList(SS_OFFLINE_NODES)

  def GetNodePrimaryIPList(self):
    """Lines ``"name ip"``."""
    return self._ReadList(SS_NODE_PRIMARY_IPS)

  def GetNodeSecondaryIPList(self):
    return self._ReadList(SS_NODE_SECONDARY_IPS)

  def GetNodesVmCapable(self):
    result = {}
    for line in self._ReadList(SS_NODE_VM_CAPABLE, ""):
      (name, value) = line.split("=", 1)
      result[name] = (value == "True")
    return result

  def GetNodegroupList(self):
    """Lines ``"uuid name"``."""
    return self._ReadList(SS_NODEGROUPS)

  def GetNetworkList(self):
    return self._ReadList(SS_NETWORKS)

  def GetClusterTags(self):
    return self._ReadList(SS_CLUSTER_TAGS)

  def GetHypervisorList(self):
    return self._ReadList(SS_HYPERVISOR_LIST)

  def GetHvparamsForHypervisor(self, hvname: str):
    """Parse ``hvparams_<hv>`` (lines ``key=value``) into a dict of str."""
    result = {}
    for line in self._ReadList(SS_HVPARAMS_PREF + hvname):
      (key, value) = line.split("=", 1)
      result[key] = value
    return result

  GetHvparams = GetHvparamsForHypervisor

  def GetHvparamsAll(self):
    return dict((hv, self.GetHvparamsForHypervisor(hv))
                for hv in constants.HYPER_TYPES)

  def GetMaintainNodeHealth(self) -> bool:
    return self._ReadFile(SS_MAINTAIN_NODE_HEALTH) == "True"

  def GetUidPool(self):
    return self._ReadList(SS_UID_POOL, "")

  def GetPrimaryIPFamily(self) -> int:
    value = self._ReadFile(SS_PRIMARY_IP_FAMILY)
    try:
      return int(value)
    except (ValueError, TypeError) as err:
      raise errors.ConfigurationError("Error while trying to parse primary"
                                      " IP family: %s" % err)

  def GetInstanceList(self):
    return self._ReadList(SS_INSTANCE_LIST)

  def GetReleaseVersion(self) -> str:
    return self._ReadFile(SS_RELEASE_VERSION)

  def GetEnabledUserShutdown(self) -> bool:
    return self._ReadFile(SS_ENABLED_USER_SHUTDOWN) == "True"

  def GetSshPortMap(self):
    return dict((n, int(p)) for (n, p) in
                (line.split("=", 1)
                 for line in self._ReadList(SS_SSH_PORTS, "")))


def WriteSsconfFiles(values, paths=None, dry_run: bool = False) -> None:
  """Write ssconf files (mode 0444) under the ssconf lock.

  @param values: {key: str value}; unknown keys raise ProgrammerError
  @param paths: L{pathutils.Paths} of the target node (default: current)
  @raise errors.LockError: the lock was not obtained within 10 s

  """
  if paths is None:
    paths = pathutils.Get()
  for (key, value) in values.items():
    if key not in SSCONF_KEYS:
      raise errors.ProgrammerError("Invalid ssconf key '%s'" % key)
    if not isinstance(value, str):
      raise errors.ProgrammerError("ssconf value for '%s' must be a string"
                                   % key)
    if len(value) > _MAX_SIZE:
      raise errors.ConfigurationError("ssconf value for '%s' is too large" %
                                      key)
  if dry_run:
    return
  os.makedirs(os.path.dirname(paths.SSCONF_LOCK_FILE), exist_ok=True)
  os.makedirs(paths.DATA_DIR, exist_ok=True)
  with filelock.FileLock.Open(paths.SSCONF_LOCK_FILE) as lock:
    lock.Exclusive(timeout=SSCONF_LOCK_TIMEOUT)
    for (key, value) in values.items():
      if value and not value.endswith("\n"):
        value += "\n"
      io.WriteFile(paths.SsconfFile(key), data=value, mode=0o444)


def GetMasterAndMyself(ss=None):
  """Return (master node name, this host's name).

  @raise errors.ConfigurationError: ssconf_master_node is missing
  """
  if ss is None:
    ss = SimpleStore()
  return (ss.GetMasterNode(), netutils.Hostname.GetSysName())


def CheckMaster(debug: bool = False, ss=None) -> None:
  """Exit with EXIT_NOTMASTER (11) unless this node is the master."""
  import sys
  try:
    (master, myself) = GetMasterAndMyself(ss)
  except errors.ConfigurationError as err:
    print("Cluster configuration incomplete: '%s'" % str(err))
    sys.exit(constants.EXIT_NODESETUP_ERROR)
  if master != myself:
    if debug:
      sys.stderr.write("Not master, exiting.\n")
    sys.exit(constants.EXIT_NOTMASTER)
