"""Instance LUs: create, remove, startup, shutdown, reboot, query data."""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import netutils
from ganeti import objects
from ganeti import utils
from ganeti.cmdlib.base import (LogicalUnit, NoHooksLU,
                                ExpandNodeUuidAndName)
from ganeti.cmdlib import network_nics
from ganeti.cmdlib import allocator
from ganeti.cmdlib import instance_import
from ganeti.cmdlib import hv_params as hvp_check
from ganeti.cmdlib import instance_utils as iu
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import os_params


class LUInstanceCreate(LogicalUnit):
  HPATH = "instance-add"
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def CheckArguments(self):
    op = self.op
    # Ganeti fills these in (the job file shows them)
    if op.helper_startup_timeout is None:
      op.helper_startup_timeout = constants.HELPER_VM_STARTUP
    if op.helper_shutdown_timeout is None:
      op.helper_shutdown_timeout = constants.HELPER_VM_SHUTDOWN
    if op.mode == constants.INSTANCE_IMPORT:
      instance_import.CheckArguments(self)
    elif op.mode != constants.INSTANCE_CREATE:
      raise errors.OpPrereqError("Instance import is not supported yet"
                                 " (mode '%s')" % op.mode,
                                 errors.ECODE_INVAL)
    if op.no_install and op.start:
      self.LogInfo("No-installation mode selected, disabling startup")
      op.start = False
    if op.ip_check and not op.name_check:
      raise errors.OpPrereqError("Cannot do IP address check without a name"
                                 " check", errors.ECODE_INVAL)
    if op.name_check:
      self.hostname = netutils.GetHostname(name=op.instance_name)
      op.instance_name = self.hostname.name
    if op.disk_template is None:
      # as Ganeti: the first enabled disk template is the default
      op.disk_template = self.cfg.GetClusterInfo().enabled_disk_templates[0]
    if op.disk_template == constants.DT_DISKLESS and op.disks:
      raise errors.OpPrereqError("Diskless instances cannot have disks",
                                 errors.ECODE_INVAL)
    if op.disk_template != constants.DT_DISKLESS and not op.disks:
      raise errors.OpPrereqError("No disks specified", errors.ECODE_INVAL)
    self.adopt_disks = ist.CheckAdoption(op.disks, op.disk_template,
                                         op.iallocator, op.mode)
    if not op.file_driver and op.disk_template in constants.DTS_FILEBASED:
      op.file_driver = constants.FD_LOOP
    self.disks = ist.ComputeDisks(
      op.disks, op.disk_template,
      self.cfg.GetClusterInfo().volume_group_name)
    self.disk_sizes = [d[constants.IDISK_SIZE] for d in self.disks]
    if len(op.nics) > constants.MAX_NICS:
      raise errors.OpPrereqError("Too many NICs", errors.ECODE_INVAL)
    if len(op.disks) > constants.MAX_DISKS:
      raise errors.OpPrereqError("Too many disks", errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {}
    if self.cfg.GetInstanceInfoByName(self.op.instance_name) is not None:
      raise errors.OpPrereqError("Instance '%s' is already in the cluster" %
                                 self.op.instance_name, errors.ECODE_EXISTS)
    self.add_locks[locking.LEVEL_INSTANCE] = self.op.instance_name
    if allocator.ExpandInstanceCreateNames(self):
      return
    (self.op.pnode_uuid, self.op.pnode) = ExpandNodeUuidAndName(
      self.cfg, self.op.pnode_uuid, self.op.pnode)
    nodelist = [self.op.pnode_uuid]
    if self.op.snode is not None:
      (self.op.snode_uuid, self.op.snode) = ExpandNodeUuidAndName(
        self.cfg, self.op.snode_uuid, self.op.snode)
      nodelist.append(self.op.snode_uuid)
    self.needed_locks[locking.LEVEL_NODE] = list(nodelist)
    self.needed_locks[locking.LEVEL_NODE_RES] = list(nodelist)
    if self.op.mode == constants.INSTANCE_IMPORT:
      instance_import.ExpandNames(self)

  def DeclareLocks(self, level):
    allocator.DeclareInstanceCreateLocks(self, level)

  def BuildHooksEnv(self):
    op = self.op
    env = {"ADD_MODE": op.mode, "INSTANCE_NAME": op.instance_name,
           "OP_TARGET": op.instance_name,
           "INSTANCE_PRIMARY": op.pnode,
           "INSTANCE_SECONDARY": " ".join(self.cfg.GetNodeNames(
             self.secondaries)),
           "INSTANCE_OS_TYPE": op.os_type or "",
           "INSTANCE_STATUS": constants.ADMINST_UP if op.start
           else constants.ADMINST_DOWN,
           "INSTANCE_DISK_TEMPLATE": op.disk_template,
           "INSTANCE_HYPERVISOR": self.hv_name,
           "INSTANCE_DISK_COUNT": len(op.disks),
           "INSTANCE_NIC_COUNT": len(op.nics)}
    for key, value in self.be_full.items():
      env["INSTANCE_BE_%s" % key] = value
    for idx, disk in enumerate(self.disks):
      env["INSTANCE_DISK%d_SIZE" % idx] = disk[constants.IDISK_SIZE]
      env["INSTANCE_DISK%d_MODE" % idx] = disk[constants.IDISK_MODE]
      env["INSTANCE_DISK%d_NAME" % idx] = disk[constants.IDISK_NAME] or ""
    if op.mode == constants.INSTANCE_IMPORT:
      instance_import.BuildHooksEnv(self, env)
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode(), self.op.pnode_uuid] + self.secondaries
    return (nl, nl)

  def CheckPrereq(self):
    allocator.RunInstanceCreateAllocator(self)
    op = self.op
    cluster = self.cfg.GetClusterInfo()
    self.hv_name = op.hypervisor or cluster.enabled_hypervisors[0]
    op.hypervisor = self.hv_name
    if self.hv_name not in cluster.enabled_hypervisors:
      raise errors.OpPrereqError("Selected hypervisor (%s) not enabled in the"
                                 " cluster (%s)" %
                                 (self.hv_name,
                                  ",".join(cluster.enabled_hypervisors)),
                                 errors.ECODE_STATE)
    if op.disk_template not in cluster.enabled_disk_templates:
      raise errors.OpPrereqError("Disk template '%s' is not enabled in"
                                 " cluster. Enabled disk templates are: %s" %
                                 (op.disk_template,
                                  ",".join(cluster.enabled_disk_templates)))
    if not op.os_type:
      raise errors.OpPrereqError("No guest OS or OS image specified",
                                 errors.ECODE_INVAL)
    beparams = dict(op.beparams)
    if constants.BE_MEMORY in beparams:
      mem = beparams.pop(constants.BE_MEMORY)
      beparams.setdefault(constants.BE_MAXMEM, mem)
      beparams.setdefault(constants.BE_MINMEM, mem)
    for key in beparams:
      if key not in constants.BES_PARAMETERS:
        raise errors.OpPrereqError("Invalid backend parameter '%s'" % key,
                                   errors.ECODE_INVAL)
    self.beparams = beparams
    self.be_full = cluster.SimpleFillBE(beparams)
    hv_defaults = cluster.hvparams.get(self.hv_name, {})
    for key in op.hvparams:
      if key not in hv_defaults:
        raise errors.OpPrereqError("Invalid hypervisor parameter '%s'" % key,
                                   errors.ECODE_INVAL)
    pnode = self.cfg.GetNodeInfo(op.pnode_uuid)
    iu.CheckNodeOnline(self, pnode.uuid)
    iu.CheckNodeNotDrained(self, pnode.uuid)
    iu.CheckNodeVmCapable(self, pnode.uuid)
    self.pnode = pnode
    self._CheckSecondary(pnode)
    hv_nodes = [pnode.uuid]
    if op.disk_template in constants.DTS_INT_MIRROR and op.snode_uuid:
      hv_nodes.append(op.snode_uuid)
    hvp_check.CheckHVParams(self, hv_nodes, self.hv_name,
                            cluster.SimpleFillHV(self.hv_name, op.os_type,
                                                 op.hvparams))
    self.instance_file_storage_dir = ist.CalculateFileStorageDir(
      self.cfg, op.disk_template, op.file_storage_dir, op.instance_name)
    self._CheckStorage(pnode)
    group = self.cfg.GetNodeGroup(pnode.group)
    ipolicy = cluster.SimpleFillIPolicy(group.ipolicy or {})
    if not op.ignore_ipolicy:
      viol = iu.ComputeIPolicySpecViolation(
        ipolicy, self.be_full[constants.BE_MAXMEM],
        self.be_full[constants.BE_VCPUS], len(op.disks), len(op.nics),
        self.disk_sizes, self.be_full[constants.BE_SPINDLE_USE],
        op.disk_template)
      if viol:
        raise errors.OpPrereqError("Instance allocation to group %s (%s)"
                                   " violates policy: %s" %
                                   (group.uuid, group.name,
                                    utils.CommaJoin(viol)),
                                   errors.ECODE_INVAL)
    os_params.CheckOSNotBlacklisted(cluster, op.os_type)
    if not op.no_install or op.disk_template == constants.DT_DISKLESS:
      iu.CheckOSImage(self, pnode.uuid, op.os_type, op.force_variant)
      os_params.CheckOSParams(self, True, [pnode.uuid], op.os_type,
                              os_params.FillOsParams(
                                cluster, op.os_type, op.osparams,
                                op.osparams_private, op.osparams_secret),
                              op.force_variant)
    self.nics = []
    for nic in op.nics:
      net_uuid = None
      if network_nics.NicNetworkName(nic) is not None:
        (net_uuid, params, ip) = network_nics.PrepareNetworkNic(
          self, nic, pnode, conflicts_check=op.conflicts_check)
      else:
        params = {}
        for key in (constants.INIC_MODE, constants.INIC_LINK,
                    constants.INIC_VLAN):
          if nic.get(key) is not None:
            params[key] = nic[key]
        ip = network_nics.CheckNicIp(nic, None)
      mode = cluster.SimpleFillNIC(params)[constants.NIC_MODE]
      if mode not in constants.NIC_VALID_MODES:
        raise errors.OpPrereqError("Invalid NIC mode '%s'" % mode,
                                   errors.ECODE_INVAL)
      mac = nic.get(constants.INIC_MAC, constants.VALUE_AUTO)
      if mac in (constants.VALUE_AUTO, constants.VALUE_GENERATE, None):
        mac = self.cfg.GenerateMAC(net_uuid)
      self.nics.append(objects.NIC(mac=mac, ip=ip,
                                   name=nic.get(constants.INIC_NAME),
                                   network=net_uuid, nicparams=params,
                                   uuid=self.cfg.GenerateUniqueID()))

  def _CheckSecondary(self, pnode):
    """Check the secondary node of a mirrored template; set secondaries."""
    op = self.op
    self.secondaries = []
    if op.disk_template in constants.DTS_INT_MIRROR:
      if op.snode_uuid is None:
        raise errors.OpPrereqError("The networked disk templates need"
                                   " a mirror node", errors.ECODE_INVAL)
      if op.snode_uuid == pnode.uuid:
        raise errors.OpPrereqError("The secondary node cannot be the"
                                   " primary node", errors.ECODE_INVAL)
      iu.CheckNodeOnline(self, op.snode_uuid)
      iu.CheckNodeNotDrained(self, op.snode_uuid)
      iu.CheckNodeVmCapable(self, op.snode_uuid)
      self.secondaries.append(op.snode_uuid)
      snode = self.cfg.GetNodeInfo(op.snode_uuid)
      if pnode.group != snode.group:
        self.LogWarning("The primary and secondary nodes are in two"
                        " different node groups; the disk parameters"
                        " from the first disk's node group will be"
                        " used")
    elif op.snode_uuid is not None:
      self.LogWarning("Secondary node will be ignored on non-mirrored disk"
                      " template")
      op.snode_uuid = None
      op.snode = None

  def _CheckStorage(self, pnode):
    """Exclusive storage, free space and adoption checks."""
    op = self.op
    nodes = [pnode.uuid] + self.secondaries
    excl_stor = any(ist.ExclusiveStorage(self.cfg, n) for n in nodes)
    if excl_stor and op.disk_template == constants.DT_DRBD8:
      raise errors.OpPrereqError("Disk template %s not supported with"
                                 " exclusive storage" % op.disk_template,
                                 errors.ECODE_STATE)
    for disk in self.disks:
      ist.CheckSpindlesExclusiveStorage(disk, excl_stor, True)
    if self.adopt_disks:
      ist.CheckAdoptedDisks(self, pnode, self.disks, op.disk_template)
    else:
      ist.CheckNodesFreeDiskPerVG(
        self, nodes, ist.ComputeDiskSizePerVG(op.disk_template, self.disks))
    self.disk_sizes = [d[constants.IDISK_SIZE] for d in self.disks]

  def _RemoveDegradedDisks(self, feedback_fn, instance, disk_abort=False):
    """Wait for the mirrors; remove the instance if they are degraded (or
    if ``disk_abort`` says an earlier step failed)."""
    disks = self.cfg.GetInstanceDisks(instance.uuid)
    if disk_abort:
      pass
    elif self.op.wait_for_sync:
      disk_abort = not idisks.WaitForSync(self, instance)
    elif any(d.dev_type in constants.DTS_INT_MIRROR for d in disks):
      feedback_fn("* checking mirrors status")
      disk_abort = not idisks.WaitForSync(self, instance, oneshot=True)
    else:
      disk_abort = False
    if disk_abort:
      ist.RemoveDisks(self, instance)
      self.cfg.RemoveInstance(instance.uuid)
      self.remove_locks[locking.LEVEL_INSTANCE] = instance.name
      raise errors.OpExecError("There are some degraded disks for"
                               " this instance")

  def Exec(self, feedback_fn):
    op = self.op
    instance_uuid = self.cfg.GenerateUniqueID(self.proc.GetECId())
    group = self.cfg.GetNodeGroup(self.pnode.group)
    full_dparams = self.cfg.GetClusterInfo().SimpleFillDP(
      group.diskparams or {}).get(op.disk_template, {})
    self.allocated_ports = []
    try:
      disks = ist.GenerateDiskTemplate(
        self, op.disk_template, instance_uuid, self.pnode.uuid,
        self.secondaries, self.disks, self.instance_file_storage_dir,
        op.file_driver, 0, feedback_fn, full_dparams)
    except Exception:
      self.cfg.ReleaseDRBDMinors(instance_uuid)
      self.cfg.ReturnPorts(self.allocated_ports)
      raise
    network_port = None
    if self.hv_name in constants.HTS_REQ_PORT:
      # VNC/SPICE display port, from the same pool as DRBD's
      network_port = self.cfg.AllocatePort()
      self.allocated_ports.append(network_port)
    instance = objects.Instance(
      name=op.instance_name, uuid=instance_uuid, os=op.os_type,
      primary_node=self.pnode.uuid, nics=self.nics, disks=[],
      hypervisor=self.hv_name, hvparams=dict(op.hvparams),
      beparams=self.beparams, osparams=dict(op.osparams),
      osparams_private=dict(op.osparams_private),
      admin_state=constants.ADMINST_DOWN,
      admin_state_source=constants.ADMIN_SOURCE, disks_active=False,
      network_port=network_port, tags=set(op.tags))
    try:
      if self.adopt_disks:
        ist.AdoptDisks(self, instance, disks, self.disks)
      else:
        feedback_fn("* creating instance disks...")
        try:
          ist.CreateDisks(self, instance, disks,
                          file_storage_dir=self.instance_file_storage_dir)
        except errors.OpExecError:
          self.LogWarning("Device creation failed")
          raise
    except Exception:
      self.cfg.ReleaseDRBDMinors(instance_uuid)
      self.cfg.ReturnPorts(self.allocated_ports)
      if disks and disks[0].dev_type in constants.DTS_FILEBASED and \
          not self.adopt_disks:
        self.rpc.call_file_storage_dir_remove(self.pnode.uuid,
                                              self.instance_file_storage_dir)
      raise
    feedback_fn("adding instance %s to cluster config" % op.instance_name)
    self.cfg.AddInstance(instance, disks, self.proc.GetECId())
    # the instance exists now: keep the lock added for it
    del self.remove_locks[locking.LEVEL_INSTANCE]
    feedback_fn("adding disks to cluster config")
    instance = self.cfg.GetInstanceInfo(instance_uuid)
    if disks:
      disk_abort = False
      if not self.adopt_disks and \
          self.cfg.GetClusterInfo().prealloc_wipe_disks:
        feedback_fn("* wiping instance disks...")
        try:
          idisks.WipeDisks(self, instance)
        except errors.OpExecError as err:
          self.LogWarning("Wiping instance disks failed (%s)", err)
          disk_abort = True
      # as Ganeti: once after wiping, once after imaging the disks
      self._RemoveDegradedDisks(feedback_fn, instance, disk_abort)
      self._RemoveDegradedDisks(feedback_fn, instance)
    if op.mode == constants.INSTANCE_IMPORT:
      instance_import.ImportDisks(self, feedback_fn, instance)
    elif disks and not op.no_install:
      feedback_fn("* running the instance OS create scripts...")
      idisks.StartInstanceDisks(self, instance)
      try:
        result = self.rpc.call_instance_os_add(
          self.pnode.uuid, (instance, op.osparams_secret or {}), False,
          op.debug_level)
        result.Raise("Could not add os for instance %s on node %s" %
                     (instance.name, self.pnode.name))
      finally:
        if not op.start:
          idisks.ShutdownInstanceDisks(self, instance)
    if op.start:
      instance = self.cfg.MarkInstanceUp(instance.uuid)
      feedback_fn("* starting instance...")
      if disks and not instance.disks_active:
        idisks.StartInstanceDisks(self, instance)
      result = self.rpc.call_instance_start(self.pnode.uuid,
                                            (instance, None, None), False,
                                            op.reason)
      result.Raise("Could not start instance")
    return self.cfg.GetNodeNames(self.cfg.GetInstanceNodes(instance.uuid))


class _InstanceOpLU(LogicalUnit):
  """Common expansion/locking of LUs acting on one existing instance."""
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    self.needed_locks[locking.LEVEL_NODE] = []
    self.recalculate_locks[locking.LEVEL_NODE] = "replace"

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes(primary_only=True)

  def CheckPrereq(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    assert self.instance is not None

  def BuildHooksEnv(self):
    return iu.BuildInstanceHookEnv(self.cfg, self.instance)

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()] + \
      self.cfg.GetInstanceNodes(self.instance.uuid)
    return (nl, nl)


class LUInstanceStartup(_InstanceOpLU):
  HPATH = "instance-start"

  def BuildHooksEnv(self):
    env = {"FORCE": self.op.force}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def CheckPrereq(self):
    _InstanceOpLU.CheckPrereq(self)
    if self.instance.admin_state == constants.ADMINST_OFFLINE:
      raise errors.OpPrereqError("Instance '%s' is marked to be offline" %
                                 self.instance.name, errors.ECODE_STATE)
    iu.CheckNodeOnline(self, self.instance.primary_node)

  def Exec(self, feedback_fn):
    instance = self.instance
    if not self.op.no_remember:
      instance = self.cfg.MarkInstanceUp(instance.uuid)
    info = self.rpc.call_instance_info(
      instance.primary_node, instance.name, instance.hypervisor,
      self.cfg.GetClusterInfo().FillHV(instance))
    info.Raise("Error checking node %s" %
               self.cfg.GetNodeName(instance.primary_node))
    if info.payload:
      self.LogInfo("Instance %s is already running", instance.name)
      return
    iu.StartInstanceDisks(self, instance)
    result = self.rpc.call_instance_start(
      instance.primary_node, (instance, self.op.hvparams, self.op.beparams),
      self.op.startup_paused, self.op.reason)
    if result.fail_msg:
      iu.ShutdownInstanceDisks(self, instance)
      result.Raise("Could not start instance")


class LUInstanceShutdown(_InstanceOpLU):
  HPATH = "instance-stop"

  def BuildHooksEnv(self):
    env = {"TIMEOUT": self.op.timeout}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def CheckPrereq(self):
    _InstanceOpLU.CheckPrereq(self)
    if self.instance.admin_state == constants.ADMINST_OFFLINE and \
        not self.op.force:
      raise errors.OpPrereqError("Instance '%s' is marked to be offline" %
                                 self.instance.name, errors.ECODE_STATE)

  def Exec(self, feedback_fn):
    instance = self.instance
    if not self.op.no_remember:
      if self.op.admin_state_source == constants.USER_SOURCE:
        self.cfg.MarkInstanceUserDown(instance.uuid)
      else:
        self.cfg.MarkInstanceDown(instance.uuid)
    node = self.cfg.GetNodeInfo(instance.primary_node)
    if node.offline:
      if not self.op.ignore_offline_nodes:
        self.LogWarning("Primary node offline, marked instance as stopped")
      return
    result = self.rpc.call_instance_shutdown(instance.primary_node, instance,
                                             self.op.timeout, self.op.reason)
    if result.fail_msg:
      self.LogWarning("Could not shutdown instance: %s", result.fail_msg)
    iu.ShutdownInstanceDisks(self, instance)


class LUInstanceReboot(_InstanceOpLU):
  HPATH = "instance-reboot"

  def BuildHooksEnv(self):
    env = {"IGNORE_SECONDARIES": self.op.ignore_secondaries,
           "REBOOT_TYPE": self.op.reboot_type,
           "SHUTDOWN_TIMEOUT": self.op.shutdown_timeout}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def CheckPrereq(self):
    _InstanceOpLU.CheckPrereq(self)
    iu.CheckNodeOnline(self, self.instance.primary_node)

  def Exec(self, feedback_fn):
    instance = self.instance
    node_uuid = instance.primary_node
    info = self.rpc.call_instance_info(
      node_uuid, instance.name, instance.hypervisor,
      self.cfg.GetClusterInfo().FillHV(instance))
    info.Raise("Error checking node %s" % self.cfg.GetNodeName(node_uuid))
    running = bool(info.payload)
    if running and self.op.reboot_type in (constants.INSTANCE_REBOOT_SOFT,
                                           constants.INSTANCE_REBOOT_HARD):
      result = self.rpc.call_instance_reboot(node_uuid, instance,
                                             self.op.reboot_type,
                                             self.op.shutdown_timeout,
                                             self.op.reason)
      result.Raise("Could not reboot instance")
    else:
      if running:
        result = self.rpc.call_instance_shutdown(node_uuid, instance,
                                                 self.op.shutdown_timeout,
                                                 self.op.reason)
        result.Raise("Could not shutdown instance for full reboot")
        iu.ShutdownInstanceDisks(self, instance)
      else:
        self.LogInfo("Instance %s was already stopped, starting now",
                     instance.name)
      iu.StartInstanceDisks(self, instance)
      result = self.rpc.call_instance_start(node_uuid, (instance, None, None),
                                            False, self.op.reason)
      if result.fail_msg:
        iu.ShutdownInstanceDisks(self, instance)
        result.Raise("Could not start instance for full reboot")
    self.cfg.MarkInstanceUp(instance.uuid)


class LUInstanceRemove(_InstanceOpLU):
  HPATH = "instance-remove"

  def ExpandNames(self):
    _InstanceOpLU.ExpandNames(self)
    self.needed_locks[locking.LEVEL_NODE_RES] = []
    self.recalculate_locks[locking.LEVEL_NODE_RES] = "replace"

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes()
    elif level == locking.LEVEL_NODE_RES:
      self.needed_locks[locking.LEVEL_NODE_RES] = \
        list(self.needed_locks[locking.LEVEL_NODE])
      del self.recalculate_locks[locking.LEVEL_NODE_RES]

  def BuildHooksEnv(self):
    env = {"SHUTDOWN_TIMEOUT": self.op.shutdown_timeout}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()]
    nl_post = list(self.cfg.GetInstanceNodes(self.instance.uuid)) + nl
    return (nl, nl_post)

  def Exec(self, feedback_fn):
    instance = self.instance
    pnode = instance.primary_node
    self.LogInfo("Shutting down instance %s on node %s", instance.name,
                 self.cfg.GetNodeName(pnode))
    result = self.rpc.call_instance_shutdown(pnode, instance,
                                             self.op.shutdown_timeout,
                                             self.op.reason)
    if result.fail_msg:
      if self.op.ignore_failures:
        feedback_fn("Warning: can't shutdown instance: %s" % result.fail_msg)
      else:
        raise errors.OpExecError("Could not shutdown instance %s on node %s:"
                                 " %s" % (instance.name,
                                          self.cfg.GetNodeName(pnode),
                                          result.fail_msg))
    if not ist.RemoveDisks(self, instance,
                           ignore_failures=self.op.ignore_failures):
      raise errors.OpExecError("Can't remove instance's disks")
    self.LogInfo("Removing instance %s out of cluster config", instance.name)
    self.cfg.RemoveInstance(instance.uuid)
    self.remove_locks[locking.LEVEL_INSTANCE] = instance.name


class LUInstanceQueryData(NoHooksLU):
  """Detailed instance information for gnt-instance info."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}
    if self.op.instances:
      self.wanted = []
      for name in self.op.instances:
        (uuid, _) = self.cfg.ExpandInstanceName(name)
        if uuid is None:
          raise errors.OpPrereqError("Instance '%s' not known" % name,
                                     errors.ECODE_NOENT)
        self.wanted.append(uuid)
    else:
      self.wanted = self.cfg.GetInstanceList()

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.InstanceQueryData(self.cfg, self.rpc, self.wanted,
                                         self.op.static)
