"""The cluster configuration: ``config.data`` and everything derived from it.

:class:`ConfigWriter` is the single owner of ``config.data`` in the master
daemon.  Reads come from the in-memory copy; every change goes through a
method that verifies, bumps serial numbers, writes the file atomically and
distributes it (and, when the cluster serial changed, the ssconf files).
"""

import fcntl
import logging
import os
import random
import re
import threading
import time

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import pathutils
from ganeti import serializer
from ganeti import utils
from ganeti.config import drbd as _drbd
from ganeti.config import groups as _groups
from ganeti.config import instance_disks as _instance_disks
from ganeti.config import networks as _networks
from ganeti.config import verify as _verify
from ganeti.config.ssconfvalues import ComputeSsconfValues


def _Locked(fn):
  """Run a ConfigWriter method under the config lock (readers that iterate
  over the containers must not see them change under their feet)."""
  def wrapper(self, *args, **kwargs):
    with self._lock:
      return fn(self, *args, **kwargs)
  wrapper.__name__ = fn.__name__
  wrapper.__doc__ = fn.__doc__
  return wrapper


def LoadConfigData(path):
  """Read and parse a config.data file into objects.ConfigData."""
  try:
    raw = utils.ReadFile(path)
  except OSError as err:
    raise errors.ConfigurationError("Cannot read config file %s: %s" %
                                    (path, err))
  try:
    data = objects.ConfigData.FromDict(serializer.LoadJson(raw))
  except Exception as err:
    raise errors.ConfigurationError(err)
  if data.version != constants.CONFIG_VERSION:
    raise errors.ConfigVersionMismatch(constants.CONFIG_VERSION,
                                       data.version)
  data.UpgradeConfig()
  return data


def _MatchNameComponentIgnoreCase(key, name_list):
  """Ganeti's MatchNameComponent, case-insensitive.

  ``key`` matches a name equal to it or starting with ``key + "."``; an
  exact (case-insensitive) match wins over prefix matches; ambiguity gives
  None.
  """
  if key in name_list:
    return key
  name_re = re.compile(r"^%s(\..*)?$" % re.escape(key), re.IGNORECASE)
  names_filtered = []
  string_matches = []
  for name in name_list:
    if name_re.match(name) is not None:
      names_filtered.append(name)
      if key.upper() == name.upper():
        string_matches.append(name)
  if len(string_matches) == 1:
    return string_matches[0]
  if len(names_filtered) == 1:
    return names_filtered[0]
  return None


class ConfigWriter(_drbd.DRBDConfigMixin,
                   _instance_disks.InstanceDisksConfigMixin,
                   _groups.GroupsConfigMixin,
                   _networks.NetworksConfigMixin):
  """Owner of the cluster configuration.

  ``distribute_fn(config_bytes, ssconf_values_or_None)`` is called after
  every successful write (outside the lock order constraints of the file)
  so that the master can push config.data to master candidates and the
  ssconf files to online nodes; it returns nothing and must not raise.
  """

  def __init__(self, cfg_file=None, offline=False, distribute_fn=None,
               my_hostname=None):
    self._lock = threading.RLock()
    self._cfg_file = cfg_file or pathutils.Get().CLUSTER_CONF_FILE
    self._offline = offline
    self._distribute_fn = distribute_fn
    self._my_hostname = my_hostname
    self._temporary_ids = set()
    self._temporary_macs = set()
    self._InitDRBD()
    self._last_cluster_serial = -1
    self._file_id = None
    self._write_count = 0
    self._OpenConfig()

  # Loading / writing --------------------------------------------------
  def _OpenConfig(self):
    self._config_data = LoadConfigData(self._cfg_file)
    st = os.stat(self._cfg_file)
    self._file_id = (st.st_dev, st.st_ino, st.st_mtime)
    self._last_cluster_serial = self._config_data.cluster.serial_no

  def SetDistributeFn(self, fn):
    self._distribute_fn = fn

  def GetWriteCount(self):
    return self._write_count

  def _WriteConfig(self, feedback_fn=None, force_ssconf=False):
    """Verify, bump the serial, write atomically and distribute."""
    errs = self._UnlockedVerifyConfig()
    for err in errs:
      logging.error("Configuration error: %s", err)
    data = self._config_data
    (old_serial, old_mtime) = (data.serial_no, data.mtime)
    data.serial_no = (data.serial_no or 0) + 1
    data.mtime = time.time()
    try:
      txt = serializer.DumpJson(data.ToDict())
      self._SafeWrite(txt)
    except Exception:
      (data.serial_no, data.mtime) = (old_serial, old_mtime)
      raise
    self._write_count += 1
    ssconf = None
    if force_ssconf or self._last_cluster_serial < data.cluster.serial_no:
      ssconf = self._UnlockedGetSsconfValues()
      self._last_cluster_serial = data.cluster.serial_no
    if self._distribute_fn is not None and not self._offline:
      self._distribute_fn(txt, ssconf)

  def _SafeWrite(self, txt):
    path = self._cfg_file
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o640)
    try:
      fcntl.flock(fd, fcntl.LOCK_EX)
      st = os.fstat(fd)
      if self._file_id is not None:
        (dev, ino, mtime) = self._file_id
        if (st.st_dev, st.st_ino) != (dev, ino) or st.st_mtime > mtime:
          raise errors.ConfigurationError("Configuration file %s modified"
                                          " since last write" % path)
      utils.WriteFile(path, data=txt, mode=0o640)
      st = os.stat(path)
      self._file_id = (st.st_dev, st.st_ino, st.st_mtime)
    finally:
      os.close(fd)

  @staticmethod
  def WriteInitialConfig(path, config_data):
    """Write a brand new config.data (cluster init)."""
    utils.WriteFile(path, data=serializer.DumpJson(config_data.ToDict()),
                    mode=0o640)

  def DistributeConfig(self, feedback_fn=None):
    """Re-distribute config.data and ssconf (redist-conf)."""
    with self._lock:
      self._WriteConfig(feedback_fn, force_ssconf=True)

  # Verification ------------------------------------------------------
  def _UnlockedVerifyConfig(self):
    return (_verify.VerifyConfigData(self._config_data) +
            _drbd.VerifyDRBD(self._config_data))

  def VerifyConfig(self):
    with self._lock:
      return self._UnlockedVerifyConfig()

  # Cluster -----------------------------------------------------------
  def GetClusterInfo(self):
    return self._config_data.cluster

  def GetClusterName(self):
    return self._config_data.cluster.cluster_name

  def GetMasterNode(self):
    return self._config_data.cluster.master_node

  def GetMasterNodeName(self):
    return self._config_data.nodes[self.GetMasterNode()].name

  def GetMasterNodeInfo(self):
    return self._config_data.nodes[self.GetMasterNode()]

  def GetMasterIP(self):
    return self._config_data.cluster.master_ip

  def GetHypervisorType(self):
    return self._config_data.cluster.enabled_hypervisors[0]

  def GetFileStorageDir(self):
    return self._config_data.cluster.file_storage_dir

  def GetConfigSerial(self):
    return self._config_data.serial_no

  def GetMasterNetworkParameters(self):
    cluster = self._config_data.cluster
    return {"uuid": cluster.master_node, "ip": cluster.master_ip,
            "netmask": cluster.master_netmask,
            "netdev": cluster.master_netdev,
            "ip_family": cluster.primary_ip_family}

  def GetSsconfValues(self):
    with self._lock:
      return self._UnlockedGetSsconfValues()

  def _UnlockedGetSsconfValues(self):
    return ComputeSsconfValues(self._config_data)

  def GenerateUniqueID(self, ec_id=None):
    with self._lock:
      while True:
        new = utils.NewUUID()
        if new not in self._temporary_ids and not self._IsUuidUsed(new):
          self._temporary_ids.add(new)
          return new

  def _IsUuidUsed(self, uuid):
    d = self._config_data
    return (uuid in d.nodes or uuid in d.instances or uuid in d.nodegroups
            or uuid in d.disks or uuid in d.networks or
            uuid == d.cluster.uuid)

  def GenerateMAC(self, net_uuid=None, ec_id=None):
    with self._lock:
      prefix = self._config_data.cluster.mac_prefix
      net = self._config_data.networks.get(net_uuid) if net_uuid else None
      if net is not None and net.mac_prefix:
        prefix = net.mac_prefix
      existing = set(self._temporary_macs)
      for inst in self._config_data.instances.values():
        for nic in inst.nics:
          existing.add(nic.mac)
      for _ in range(64):
        mac = "%s:%02x:%02x:%02x" % (prefix, random.randrange(256),
                                     random.randrange(256),
                                     random.randrange(256))
        if mac not in existing:
          self._temporary_macs.add(mac)
          return mac
      raise errors.ConfigurationError("Can't generate unique MAC")

  def ReleaseTemporary(self, ec_id=None):
    """Drop the reservations made while running a job.

    DRBD minors and secrets are reserved per execution context: only those
    of ``ec_id`` go (all of them when it is None).
    """
    with self._lock:
      self._temporary_ids.clear()
      self._temporary_macs.clear()
      self._ReleaseIpTemporary()
      self._ReleaseDRBDTemporary(ec_id)

  def Update(self, target, feedback_fn=None):
    """Write back an object that was modified in place."""
    with self._lock:
      d = self._config_data
      if isinstance(target, objects.Cluster):
        test = target is d.cluster
      elif isinstance(target, objects.Node):
        test = d.nodes.get(target.uuid) is target
      elif isinstance(target, objects.Instance):
        test = d.instances.get(target.uuid) is target
      elif isinstance(target, objects.NodeGroup):
        test = d.nodegroups.get(target.uuid) is target
      elif isinstance(target, objects.Disk):
        test = d.disks.get(target.uuid) is target
      elif isinstance(target, objects.Network):
        test = d.networks.get(target.uuid) is target
      else:
        raise errors.ProgrammerError("Invalid object type (%s) passed to"
                                     " ConfigWriter.Update" % type(target))
      if not test:
        raise errors.ConfigurationError("Configuration updated since object"
                                        " has been read or unknown object")
      now = time.time()
      target.serial_no = (target.serial_no or 0) + 1
      target.mtime = now
      if isinstance(target, objects.Instance):
        self._SyncNicReservations()
      if isinstance(target, objects.Node):
        # node changes (roles, IPs) show in ssconf: bump the cluster serial
        # so that the ssconf files are pushed; instance updates do not
        d.cluster.serial_no += 1
        d.cluster.mtime = now
      self._WriteConfig(feedback_fn)

  # Node groups -------------------------------------------------------
  def GetNodeGroup(self, uuid):
    return self._config_data.nodegroups.get(uuid)

  @_Locked
  def GetAllNodeGroupsInfo(self):
    return dict(self._config_data.nodegroups)

  @_Locked
  def LookupNodeGroup(self, target):
    """Group name or UUID (None = the only/default group) to UUID."""
    groups = self._config_data.nodegroups
    if target is None:
      if len(groups) != 1:
        raise errors.OpPrereqError("More than one node group exists. Target"
                                   " group must be specified explicitly.",
                                   errors.ECODE_INVAL)
      return list(groups)[0]
    if target in groups:
      return target
    for uuid, group in groups.items():
      if group.name == target:
        return uuid
    raise errors.OpPrereqError("Node group '%s' not found" % target,
                               errors.ECODE_NOENT)

  @_Locked
  def GetNodeInfo(self, node_uuid):
    return self._config_data.nodes.get(node_uuid)

  @_Locked
  def GetNodeInfoByName(self, name):
    for node in self._config_data.nodes.values():
      if node.name == name:
        return node
    return None

  def GetNodeName(self, node_uuid):
    node = self._config_data.nodes.get(node_uuid)
    return node.name if node else node_uuid

  def GetNodeNames(self, uuids):
    return [self.GetNodeName(u) for u in uuids]

  @_Locked
  def GetAllNodesInfo(self):
    return dict(self._config_data.nodes)

  @_Locked
  def GetNodeList(self):
    return list(self._config_data.nodes)

  @_Locked
  def GetOnlineNodeList(self):
    return [u for u, n in self._config_data.nodes.items() if not n.offline]

  @_Locked
  def GetVmCapableNodeList(self):
    return [u for u, n in self._config_data.nodes.items() if n.vm_capable]

  @_Locked
  def ExpandNodeName(self, short_name):
    """Return (uuid, name) for a node name, UUID or unique name prefix."""
    nodes = self._config_data.nodes
    if short_name in nodes:
      return (short_name, nodes[short_name].name)
    names = dict((n.name, u) for u, n in nodes.items())
    match = _MatchNameComponentIgnoreCase(short_name, list(names))
    if match is None:
      return (None, None)
    return (names[match], match)

  @_Locked
  def GetMasterCandidateStats(self, exceptions=None):
    """(current candidates, desired, possible) as Ganeti computes them."""
    mc_now = mc_should = mc_max = 0
    for node in self._config_data.nodes.values():
      if exceptions and node.uuid in exceptions:
        continue
      if not (node.offline or node.drained) and node.master_capable:
        mc_max += 1
      if node.master_candidate:
        mc_now += 1
    mc_should = min(mc_max, self._config_data.cluster.candidate_pool_size)
    return (mc_now, mc_should, mc_max)

  def MaintainCandidatePool(self, exception_node_uuids):
    """Promote nodes until the pool is full; return the promoted nodes."""
    with self._lock:
      mc_now, mc_max, _ = self.GetMasterCandidateStats(exception_node_uuids)
      mod_list = []
      if mc_now < mc_max:
        for node in sorted(self._config_data.nodes.values(),
                           key=lambda n: n.name):
          if mc_now >= mc_max:
            break
          if (node.master_candidate or node.offline or node.drained or
              node.uuid in exception_node_uuids or not node.master_capable):
            continue
          mod_list.append(node)
          node.master_candidate = True
          node.serial_no += 1
          mc_now += 1
        if mod_list:
          self._config_data.cluster.serial_no += 1
          self._WriteConfig()
      return mod_list

  def AddNode(self, node, ec_id=None):
    with self._lock:
      if node.uuid in self._config_data.nodes:
        raise errors.ConfigurationError("Node '%s' already exists" %
                                        node.name)
      node.serial_no = 1
      node.ctime = node.mtime = time.time()
      self._config_data.nodes[node.uuid] = node
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def RemoveNode(self, node_uuid):
    with self._lock:
      if node_uuid not in self._config_data.nodes:
        raise errors.ConfigurationError("Unknown node '%s'" % node_uuid)
      del self._config_data.nodes[node_uuid]
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  @_Locked
  def GetNodeInstances(self, node_uuid):
    """(primary instance uuids, secondary instance uuids) of a node."""
    pri, sec = [], []
    for inst in self._config_data.instances.values():
      if inst.primary_node == node_uuid:
        pri.append(inst.uuid)
      elif node_uuid in self._UnlockedGetInstanceNodes(inst)[1:]:
        sec.append(inst.uuid)
    return (pri, sec)

  # Instances ---------------------------------------------------------
  def GetInstanceInfo(self, inst_uuid):
    return self._config_data.instances.get(inst_uuid)

  @_Locked
  def GetInstanceInfoByName(self, name):
    for inst in self._config_data.instances.values():
      if inst.name == name:
        return inst
    return None

  def GetInstanceName(self, inst_uuid):
    inst = self._config_data.instances.get(inst_uuid)
    return inst.name if inst else inst_uuid

  @_Locked
  def GetAllInstancesInfo(self):
    return dict(self._config_data.instances)

  @_Locked
  def GetInstanceList(self):
    return list(self._config_data.instances)

  def GetInstanceNames(self, uuids):
    return [self.GetInstanceName(u) for u in uuids]

  @_Locked
  def ExpandInstanceName(self, short_name):
    insts = self._config_data.instances
    if short_name in insts:
      return (short_name, insts[short_name].name)
    names = dict((i.name, u) for u, i in insts.items())
    match = _MatchNameComponentIgnoreCase(short_name, list(names))
    if match is None:
      return (None, None)
    return (names[match], match)

  @_Locked
  def GetInstanceDisks(self, inst_uuid):
    inst = self._config_data.instances[inst_uuid]
    return [self._config_data.disks[d] for d in inst.disks]

  @_Locked
  def GetAllDisksInfo(self):
    return dict(self._config_data.disks)

  def GetInstanceDiskTemplate(self, inst_uuid):
    disks = self.GetInstanceDisks(inst_uuid)
    if not disks:
      return constants.DT_DISKLESS
    return disks[0].dev_type

  def _UnlockedGetInstanceNodes(self, inst):
    nodes = [inst.primary_node]
    for disk_uuid in inst.disks:
      disk = self._config_data.disks.get(disk_uuid)
      if disk is not None:
        for n in disk.nodes or []:
          if n not in nodes:
            nodes.append(n)
    return nodes

  @_Locked
  def GetInstanceNodes(self, inst_uuid):
    return self._UnlockedGetInstanceNodes(
      self._config_data.instances[inst_uuid])

  def GetInstanceSecondaryNodes(self, inst_uuid):
    return self.GetInstanceNodes(inst_uuid)[1:]

  def AddInstance(self, instance, disks, ec_id=None):
    """Add a new instance and its disks (objects.Disk list)."""
    with self._lock:
      if self.GetInstanceInfoByName(instance.name) is not None:
        raise errors.ConfigurationError("Instance '%s' already exists" %
                                        instance.name)
      now = time.time()
      for idx, disk in enumerate(disks):
        disk.serial_no = 1
        disk.ctime = disk.mtime = now
        if disk.iv_name is None:
          disk.iv_name = "disk/%d" % idx
        self._config_data.disks[disk.uuid] = disk
      instance.disks = [d.uuid for d in disks]
      instance.serial_no = 1
      instance.ctime = instance.mtime = now
      self._config_data.instances[instance.uuid] = instance
      self._ReserveNicIps(instance)
      self._config_data.cluster.serial_no += 1
      # the minors are in the configuration now
      self.ReleaseDRBDMinors(instance.uuid)
      self._WriteConfig()

  def RemoveInstance(self, inst_uuid):
    with self._lock:
      inst = self._config_data.instances.pop(inst_uuid, None)
      if inst is None:
        raise errors.ConfigurationError("Unknown instance '%s'" % inst_uuid)
      for disk_uuid in inst.disks:
        self._config_data.disks.pop(disk_uuid, None)
      self._ReleaseNicIps(inst)
      if inst.network_port is not None:
        # the instance's console/VNC port goes back to the pool
        cluster = self._config_data.cluster
        pool = list(cluster.tcpudp_port_pool or [])
        if inst.network_port not in pool:
          pool.append(inst.network_port)
        cluster.tcpudp_port_pool = pool
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def RenameInstance(self, inst_uuid, new_name):
    """Rename an instance; file disks move to a directory named after it.

    The disks' paths become ``<storage dir>/<new_name>/<file name>``, as
    Ganeti does (the node side directory is renamed by the caller).
    """
    with self._lock:
      inst = self._config_data.instances.get(inst_uuid)
      if inst is None:
        raise errors.ConfigurationError("Unknown instance '%s'" % inst_uuid)
      inst.name = new_name
      now = time.time()
      for disk_uuid in inst.disks:
        disk = self._config_data.disks[disk_uuid]
        if disk.dev_type in constants.DTS_FILEBASED:
          (driver, path) = disk.logical_id[:2]
          base = os.path.dirname(os.path.dirname(path))
          disk.logical_id = (driver, os.path.join(base, new_name,
                                                  os.path.basename(path)))
          disk.serial_no = (disk.serial_no or 0) + 1
          disk.mtime = now
      inst.serial_no += 1
      inst.mtime = now
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def _SetInstanceStatus(self, inst_uuid, status, disks_active,
                         admin_state_source):
    with self._lock:
      inst = self._config_data.instances.get(inst_uuid)
      if inst is None:
        raise errors.ConfigurationError("Unknown instance '%s'" % inst_uuid)
      changed = False
      if status is not None and inst.admin_state != status:
        inst.admin_state = status
        changed = True
      if disks_active is not None and inst.disks_active != disks_active:
        inst.disks_active = disks_active
        changed = True
      if (admin_state_source is not None and
          inst.admin_state_source != admin_state_source):
        inst.admin_state_source = admin_state_source
        changed = True
      if changed:
        inst.serial_no += 1
        inst.mtime = time.time()
        self._WriteConfig()
      return inst

  def MarkInstanceUp(self, inst_uuid):
    return self._SetInstanceStatus(inst_uuid, constants.ADMINST_UP, True,
                                   constants.ADMIN_SOURCE)

  def MarkInstanceDown(self, inst_uuid):
    return self._SetInstanceStatus(inst_uuid, constants.ADMINST_DOWN, None,
                                   constants.ADMIN_SOURCE)

  def MarkInstanceUserDown(self, inst_uuid):
    return self._SetInstanceStatus(inst_uuid, constants.ADMINST_DOWN, None,
                                   constants.USER_SOURCE)

  def MarkInstanceDisksActive(self, inst_uuid):
    return self._SetInstanceStatus(inst_uuid, None, True, None)

  def MarkInstanceDisksInactive(self, inst_uuid):
    return self._SetInstanceStatus(inst_uuid, None, False, None)

  # Tags objects lookup -------------------------------------------------
  @_Locked
  def GetTagTarget(self, kind, name):
    if kind == constants.TAG_CLUSTER:
      return self._config_data.cluster
    if kind == constants.TAG_NODE:
      (uuid, _) = self.ExpandNodeName(name)
      return self._config_data.nodes.get(uuid) if uuid else None
    if kind == constants.TAG_INSTANCE:
      (uuid, _) = self.ExpandInstanceName(name)
      return self._config_data.instances.get(uuid) if uuid else None
    if kind == constants.TAG_NODEGROUP:
      for group in self._config_data.nodegroups.values():
        if name in (group.name, group.uuid):
          return group
      return None
    if kind == constants.TAG_NETWORK:
      for net in self._config_data.networks.values():
        if name in (net.name, net.uuid):
          return net
      return None
    raise errors.ProgrammerError("Unknown tag kind %s" % kind)

  def GetConfigData(self):
    """The raw ConfigData object (read-only use)."""
    return self._config_data

  def Lock(self):
    return self._lock
