"""Instance LUs: reinstall, rename, activate/deactivate disks, console."""

import logging
import os

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import netutils
from ganeti.cmdlib.base import LogicalUnit, NoHooksLU
from ganeti.cmdlib import instance_utils as iu
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import os_params

# admin states an operation accepts (Ganeti's INSTANCE_* lists)
INSTANCE_DOWN = [constants.ADMINST_DOWN]
INSTANCE_NOT_RUNNING = [constants.ADMINST_DOWN, constants.ADMINST_OFFLINE]

# The console of each hypervisor the master can describe without asking
# the node; the fake hypervisor has only a message.
def CheckInstanceState(lu, instance, req_states, msg=None):
  """Fail unless the instance's admin state is in req_states.

  When "up" is not acceptable, also ask the primary node whether the
  instance is running after all (as Ganeti does).
  """
  if msg is None:
    msg = ("can't use instance from outside %s states" %
           ", ".join(req_states))
  if instance.admin_state not in req_states:
    raise errors.OpPrereqError("Instance '%s' is marked to be %s, %s" %
                               (instance.name, instance.admin_state, msg),
                               errors.ECODE_STATE)
  if constants.ADMINST_UP in req_states:
    return
  pnode_uuid = instance.primary_node
  if lu.cfg.GetNodeInfo(pnode_uuid).offline:
    lu.LogWarning("Primary node offline, ignoring check that instance"
                  " is down")
    return
  all_hvparams = lu.cfg.GetClusterInfo().hvparams
  result = lu.rpc.call_instance_list([pnode_uuid], [instance.hypervisor],
                                     all_hvparams)[pnode_uuid]
  result.Raise("Can't contact node %s for instance information" %
               lu.cfg.GetNodeName(pnode_uuid), prereq=True,
               ecode=errors.ECODE_ENVIRON)
  if instance.name in result.payload:
    raise errors.OpPrereqError("Instance %s is running, %s" %
                               (instance.name, msg), errors.ECODE_STATE)


def AssembleInstanceDisks(lu, instance, ignore_size=False):
  """Assemble the disks on all nodes (see instance_disks)."""
  return idisks.AssembleInstanceDisks(lu, instance, ignore_size=ignore_size)


def WaitForSync(lu, instance):
  """Wait until the instance's disks are in sync; False if degraded."""
  return idisks.WaitForSync(lu, instance)


class _OneInstanceLU(LogicalUnit):
  """Locks one instance (and, if wanted, its nodes)."""
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False
  _LOCK_NODES = True

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    if self._LOCK_NODES:
      self.needed_locks[locking.LEVEL_NODE] = []
      self.recalculate_locks[locking.LEVEL_NODE] = "replace"

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE and self._LOCK_NODES:
      self._LockInstancesNodes()

  def _GetInstance(self):
    self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    assert self.instance is not None
    return self.instance

  def BuildHooksEnv(self):
    return iu.BuildInstanceHookEnv(self.cfg, self.instance)

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()] + \
      list(self.cfg.GetInstanceNodes(self.instance.uuid))
    return (nl, nl)


class LUInstanceReinstall(_OneInstanceLU):
  """Run the OS create script again (INSTANCE_REINSTALL=1)."""
  HPATH = "instance-reinstall"
  _LOCK_NODES = False

  def CheckPrereq(self):
    instance = self._GetInstance()
    iu.CheckNodeOnline(self, instance.primary_node,
                       "Instance primary node offline, cannot reinstall")
    if self.cfg.GetInstanceDiskTemplate(instance.uuid) == \
        constants.DT_DISKLESS:
      raise errors.OpPrereqError("Instance '%s' has no disks" %
                                 self.op.instance_name, errors.ECODE_INVAL)
    CheckInstanceState(self, instance, INSTANCE_DOWN, msg="cannot reinstall")
    if self.op.os_type is not None:
      iu.CheckOSImage(self, instance.primary_node, self.op.os_type,
                      self.op.force_variant)
    # the parameters given here apply to this reinstall only
    (public, private) = os_params.UpdateInstanceOsParams(instance, self.op)
    self.os_public = public
    self.os_private = private
    os_name = self.op.os_type or instance.os
    cluster = self.cfg.GetClusterInfo()
    self.os_inst = os_params.FillOsParams(cluster, os_name, public, private,
                                          self.op.osparams_secret)
    os_params.CheckOSParams(self, True,
                            list(self.cfg.GetInstanceNodes(instance.uuid)),
                            os_name, self.os_inst, self.op.force_variant)

  def Exec(self, feedback_fn):
    instance = self.instance
    if self.op.os_type is not None:
      feedback_fn("Changing OS scripts to '%s'..." % self.op.os_type)
      instance.os = self.op.os_type
      self.cfg.Update(instance, feedback_fn)
      instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    iu.StartInstanceDisks(self, instance)
    try:
      feedback_fn("Running the instance OS create scripts...")
      # this run's parameters, not saved in the configuration
      os_instance = instance.Copy()
      os_instance.osparams = self.os_public
      os_instance.osparams_private = self.os_private
      result = self.rpc.call_instance_os_add(
        instance.primary_node,
        (os_instance, dict(self.op.osparams_secret or {})), True,
        self.op.debug_level)
      result.Raise("Could not install OS for instance %s on node %s" %
                   (instance.name,
                    self.cfg.GetNodeName(instance.primary_node)))
    finally:
      iu.ShutdownInstanceDisks(self, instance)


class LUInstanceRename(_OneInstanceLU):
  """Rename an instance (config, lock, file storage dir, OS script)."""
  HPATH = "instance-rename"
  REQ_BGL = True
  _LOCK_NODES = False

  def CheckArguments(self):
    if self.op.ip_check and not self.op.name_check:
      raise errors.OpPrereqError("IP address check requires a name check",
                                 errors.ECODE_INVAL)

  def BuildHooksEnv(self):
    env = iu.BuildInstanceHookEnv(self.cfg, self.instance)
    env["INSTANCE_NEW_NAME"] = self.op.new_name
    return env

  def CheckPrereq(self):
    instance = self._GetInstance()
    cluster = self.cfg.GetClusterInfo()
    template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    if (template in constants.DTS_FILEBASED and
        self.op.new_name != instance.name and
        template not in cluster.enabled_disk_templates):
      raise errors.OpPrereqError("Cannot rename instance with disk template"
                                 " '%s': not enabled in the cluster" %
                                 template, errors.ECODE_STATE)
    iu.CheckNodeOnline(self, instance.primary_node)
    CheckInstanceState(self, instance, INSTANCE_NOT_RUNNING,
                       msg="cannot rename")
    new_name = self.op.new_name
    if self.op.name_check:
      hostname = netutils.GetHostname(name=new_name)
      if hostname.name != new_name:
        self.LogInfo("Resolved given name '%s' to '%s'", new_name,
                     hostname.name)
      if not (hostname.name == new_name or
              hostname.name.startswith(new_name + ".")):
        raise errors.OpPrereqError("Resolved hostname '%s' does not look the"
                                   " same as given hostname '%s'" %
                                   (hostname.name, new_name),
                                   errors.ECODE_INVAL)
      new_name = self.op.new_name = hostname.name
      if (self.op.ip_check and
          netutils.TcpPing(hostname.ip, constants.DEFAULT_NODED_PORT)):
        raise errors.OpPrereqError("IP %s of instance %s already in use" %
                                   (hostname.ip, new_name),
                                   errors.ECODE_NOTUNIQUE)
    if new_name != instance.name and \
        self.cfg.GetInstanceInfoByName(new_name) is not None:
      raise errors.OpPrereqError("Instance '%s' is already in the cluster" %
                                 new_name, errors.ECODE_EXISTS)

  def Exec(self, feedback_fn):
    instance = self.instance
    old_name = instance.name
    pnode = instance.primary_node
    disks = self.cfg.GetInstanceDisks(instance.uuid)
    old_dir = None
    if (disks and disks[0].dev_type in constants.DTS_FILEBASED and
        self.op.new_name != old_name):
      old_dir = os.path.dirname(disks[0].logical_id[1])
    self.cfg.RenameInstance(instance.uuid, self.op.new_name)
    # the lock follows the name (safe: we hold the Big Ganeti Lock)
    self.glm.remove(locking.LEVEL_INSTANCE, old_name)
    self.glm.add(locking.LEVEL_INSTANCE, self.op.new_name)
    renamed = self.cfg.GetInstanceInfo(instance.uuid)
    if old_dir is not None:
      new_dir = os.path.dirname(
        self.cfg.GetInstanceDisks(renamed.uuid)[0].logical_id[1])
      result = self.rpc.call_file_storage_dir_rename(pnode, old_dir, new_dir)
      result.Raise("Could not rename on node %s directory '%s' to '%s' (but"
                   " the instance has been renamed in Ganeti)" %
                   (self.cfg.GetNodeName(pnode), old_dir, new_dir))
    iu.StartInstanceDisks(self, renamed)
    renamed = self.cfg.GetInstanceInfo(renamed.uuid)
    try:
      result = self.rpc.call_instance_run_rename(pnode, renamed, old_name,
                                                 self.op.debug_level)
      if result.fail_msg:
        self.LogWarning("Could not run OS rename script for instance %s on"
                        " node %s (but the instance has been renamed in"
                        " Ganeti): %s", renamed.name,
                        self.cfg.GetNodeName(pnode), result.fail_msg)
    finally:
      iu.ShutdownInstanceDisks(self, renamed)
    return renamed.name


class _NoHooksInstanceLU(NoHooksLU):
  REQ_BGL = False

  ExpandNames = _OneInstanceLU.ExpandNames
  DeclareLocks = _OneInstanceLU.DeclareLocks
  _GetInstance = _OneInstanceLU._GetInstance
  _LOCK_NODES = True


class LUInstanceActivateDisks(_NoHooksInstanceLU):
  """Bring up the instance's disks; returns (node, iv_name, device)."""

  def CheckPrereq(self):
    instance = self._GetInstance()
    iu.CheckNodeOnline(self, instance.primary_node)

  def Exec(self, feedback_fn):
    (disks_ok, disks_info) = AssembleInstanceDisks(
      self, self.instance, ignore_size=self.op.ignore_size)
    if not disks_ok:
      raise errors.OpExecError("Cannot activate block devices")
    if self.op.wait_for_sync and not WaitForSync(self, self.instance):
      self.cfg.MarkInstanceDisksInactive(self.instance.uuid)
      raise errors.OpExecError("Some disks of the instance are degraded!")
    return disks_info


class LUInstanceDeactivateDisks(_NoHooksInstanceLU):
  """Shut down the instance's disks (refused while it runs, unless -f)."""

  def CheckPrereq(self):
    self._GetInstance()

  def Exec(self, feedback_fn):
    if not self.op.force:
      CheckInstanceState(self, self.instance, INSTANCE_DOWN,
                         msg="cannot shutdown disks")
    iu.ShutdownInstanceDisks(self, self.instance)
    self.cfg.MarkInstanceDisksInactive(self.instance.uuid)


class LUInstanceConsole(_NoHooksInstanceLU):
  """The console description of a running instance."""
  _LOCK_NODES = False

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def CheckPrereq(self):
    instance = self._GetInstance()
    iu.CheckNodeOnline(self, instance.primary_node)

  def Exec(self, feedback_fn):
    instance = self.instance
    node_uuid = instance.primary_node
    hvparams = self.cfg.GetClusterInfo().hvparams
    result = self.rpc.call_instance_list([node_uuid], [instance.hypervisor],
                                         hvparams)[node_uuid]
    result.Raise("Can't get node information from %s" %
                 self.cfg.GetNodeName(node_uuid))
    if instance.name not in result.payload:
      if instance.admin_state == constants.ADMINST_UP:
        state = constants.INSTST_ERRORDOWN
      elif instance.admin_state == constants.ADMINST_DOWN:
        state = constants.INSTST_ADMINDOWN
      else:
        state = constants.INSTST_ADMINOFFLINE
      raise errors.OpExecError("Instance %s is not running (state %s)" %
                               (instance.name, state))
    logging.debug("Connecting to console of %s on %s", instance.name,
                  self.cfg.GetNodeName(node_uuid))
    from ganeti import masterquery
    console = masterquery.InstanceConsole(self.cfg, instance)
    if console is None:
      raise errors.OpExecError("Console of hypervisor '%s' is not supported"
                               % instance.hypervisor)
    return console
