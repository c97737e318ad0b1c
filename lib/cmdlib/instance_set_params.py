"""LUInstanceSetParams: gnt-instance modify.

Everything is computed in ``CheckPrereq`` on copies (new beparams,
hvparams, osparams, NIC list); ``Exec`` installs them with one config
update and returns the list of (parameter, new value) changes that
``gnt-instance modify`` prints.  Disks are added, removed and modified by
:mod:`ganeti.cmdlib.instance_set_params_disks`, the plain <-> drbd
template conversions are in :mod:`ganeti.cmdlib.instance_set_params_template`;
attaching/detaching disks and other conversions are refused (not
implemented yet).
"""

import copy

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import objects
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib.cluster_params import (ForceParamTypes, GetUpdatedParams,
                                          _HvParamTypes)
from ganeti.cmdlib import instance_mods as im
from ganeti.cmdlib import instance_move_utils as mu
from ganeti.cmdlib import instance_ops
from ganeti.cmdlib import instance_set_params_disks as spd
from ganeti.cmdlib import instance_set_params_template as tmpl
from ganeti.cmdlib import instance_utils as iu

_NIC_KEY_TYPES = {
  constants.INIC_IP: constants.VTYPE_MAYBE_STRING,
  constants.INIC_LINK: constants.VTYPE_STRING,
  constants.INIC_MAC: constants.VTYPE_STRING,
  constants.INIC_MODE: constants.VTYPE_STRING,
  constants.INIC_NETWORK: constants.VTYPE_MAYBE_STRING,
  constants.INIC_NAME: constants.VTYPE_MAYBE_STRING,
  constants.INIC_VLAN: constants.VTYPE_MAYBE_STRING,
}

#: admin states from which an instance may be marked offline
_CAN_CHANGE_INSTANCE_OFFLINE = [constants.ADMINST_DOWN,
                                constants.ADMINST_OFFLINE]

_OSP_VALIDATE_PARAMETERS = "parameters"


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def CheckParamsNotGlobal(params, glob_pars, kind, bad_levels, good_levels):
  """Refuse cluster-only parameters at a lower level."""
  used = sorted(set(glob_pars).intersection(params))
  if used:
    raise _Inval("The following %s parameters are global and cannot be"
                 " customized at %s level, please modify them at %s level:"
                 " %s" % (kind, bad_levels, good_levels,
                          utils.CommaJoin(used)))


def UpgradeBeParams(beparams):
  """Replace the pre-2.6 ``memory`` by ``maxmem`` and ``minmem``."""
  if constants.BE_MEMORY in beparams:
    mem = beparams.pop(constants.BE_MEMORY)
    beparams[constants.BE_MAXMEM] = mem
    beparams[constants.BE_MINMEM] = mem


class LUInstanceSetParams(LogicalUnit):
  """Modify an instance's parameters."""
  HPATH = "instance-modify"
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def CheckArguments(self):
    op = self.op
    if not (op.nics or op.disks or op.disk_template or op.hvparams or
            op.beparams or op.os_name or op.osparams or
            op.osparams_private or op.offline is not None or
            op.runtime_mem or op.pnode or
            op.instance_communication is not None):
      raise _Inval("No changes submitted")
    if op.hvparams:
      CheckParamsNotGlobal(op.hvparams, constants.HVS_GLOBAL, "hypervisor",
                           "instance", "cluster")
    if op.beparams:
      UpgradeBeParams(op.beparams)
      ForceParamTypes("backend", op.beparams, constants.BES_PARAMETER_TYPES,
                      allow_reset=True)
    op.nics = im.CheckMods("NIC", op.nics, _NIC_KEY_TYPES,
                           im.VerifyNicModification)
    op.disks = im.CheckMods("disk", op.disks, None,
                            spd.VerifyDiskModification)
    tmpl.CheckArguments(self)
    if op.pnode:
      raise _Inval("Setting a new primary node is not supported yet; use"
                   " 'gnt-instance move', 'failover' or 'migrate'")
    if op.instance_communication is not None:
      raise _Inval("Instance communication is not supported yet")
    if op.osparams_private:
      raise _Inval("Private OS parameters are not supported yet")
    if not op.disk_template and (op.remote_node or op.iallocator or
                                 op.ext_params or op.file_driver or
                                 op.file_storage_dir):
      raise _Inval("The remote node, iallocator, ext-params, file driver"
                   " and file storage directory options are only used with"
                   " a disk template conversion (-t)")

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    self.needed_locks[locking.LEVEL_NODE] = []
    self.recalculate_locks[locking.LEVEL_NODE] = "replace"
    self.needed_locks[locking.LEVEL_NODE_RES] = []

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes()
      if self.op.disk_template and self.op.remote_node:
        (self.op.remote_node_uuid, self.op.remote_node) = \
          ExpandNodeUuidAndName(self.cfg, self.op.remote_node_uuid,
                                self.op.remote_node)
        self.needed_locks[locking.LEVEL_NODE].append(
          self.op.remote_node_uuid)
    elif level == locking.LEVEL_NODE_RES:
      self.needed_locks[locking.LEVEL_NODE_RES] = \
        list(self.needed_locks[locking.LEVEL_NODE])

  # Checks ----------------------------------------------------------------
  def _CheckHotplug(self):
    op = self.op
    if not (op.hotplug or op.hotplug_if_possible):
      return
    hv = self.instance.hypervisor
    if hv in constants.HVS_HOTPLUG:
      fail = ("Hotplug of devices is not implemented for the %s hypervisor"
              " yet" % hv)
    else:
      fail = "Hotplug is not supported by the %s hypervisor" % hv
    if op.hotplug:
      raise errors.OpPrereqError("Hotplug is not possible: %s" % fail,
                                 errors.ECODE_STATE)
    self.LogWarning(fail)
    op.hotplug = False
    self.LogInfo("Modification will take place without hotplugging.")

  def _CheckBeParams(self, instance, cluster, pnode_uuid):
    op = self.op
    self.be_inst = GetUpdatedParams(instance.beparams or {}, op.beparams)
    self.be_new = cluster.SimpleFillBE(self.be_inst)
    be_old = cluster.FillBE(instance)
    if self.be_new[constants.BE_MINMEM] > self.be_new[constants.BE_MAXMEM]:
      raise _Inval("Minimum memory (%s) cannot be greater than maximum"
                   " memory (%s) of instance %s" %
                   (self.be_new[constants.BE_MINMEM],
                    self.be_new[constants.BE_MAXMEM], instance.name))
    if (constants.BE_MAXMEM in op.beparams and not op.force and
        self.be_new[constants.BE_MAXMEM] > be_old[constants.BE_MAXMEM]):
      self._CheckMemory(instance, cluster, pnode_uuid)

  def _CheckMemory(self, instance, cluster, pnode_uuid):
    """The primary node must fit the new maximum memory."""
    pname = self.cfg.GetNodeName(pnode_uuid)
    hvparams = cluster.hvparams.get(instance.hypervisor, {})
    info = self.rpc.call_instance_info(pnode_uuid, instance.name,
                                       instance.hypervisor, hvparams)
    ninfo = self.rpc.call_node_info([pnode_uuid], None,
                                    [(instance.hypervisor,
                                      hvparams)])[pnode_uuid]
    if ninfo.fail_msg:
      self.warn.append("Can't get info from primary node %s: %s" %
                       (pname, ninfo.fail_msg))
      return
    hvinfo = ninfo.payload[2][0]
    free = hvinfo.get("memory_free")
    if not isinstance(free, int):
      self.warn.append("Node data from primary node %s doesn't contain free"
                       " memory information" % pname)
    elif info.fail_msg:
      self.warn.append("Can't get instance runtime information: %s" %
                       info.fail_msg)
    else:
      current = int(info.payload["memory"]) if info.payload else 0
      missing = self.be_new[constants.BE_MAXMEM] - current - free
      if missing > 0:
        raise errors.OpPrereqError("This change will prevent the instance"
                                   " from starting, due to %d MB of memory"
                                   " missing on its primary node" % missing,
                                   errors.ECODE_NORES)

  def _CheckRuntimeMemory(self, instance, cluster, pnode_uuid):
    """The instance must run; the new memory fit minmem..maxmem."""
    op = self.op
    instance_ops.CheckInstanceState(self, instance,
                                    [constants.ADMINST_UP,
                                     constants.ADMINST_DOWN],
                                    msg="can't change runtime memory")
    hvparams = cluster.hvparams.get(instance.hypervisor, {})
    info = self.rpc.call_instance_info(pnode_uuid, instance.name,
                                       instance.hypervisor, hvparams)
    info.Raise("Error checking node %s" % self.cfg.GetNodeName(pnode_uuid))
    if not info.payload:
      raise errors.OpPrereqError("Instance %s is not running" %
                                 instance.name, errors.ECODE_STATE)
    minmem = self.be_new[constants.BE_MINMEM]
    maxmem = self.be_new[constants.BE_MAXMEM]
    if not op.force and not minmem <= op.runtime_mem <= maxmem:
      raise _Inval("Instance %s must have memory between %d and %d MB of"
                   " memory unless --force is given" %
                   (instance.name, minmem, maxmem))
    delta = op.runtime_mem - int(info.payload["memory"])
    if delta > 0:
      mu.CheckNodeFreeMemory(self, pnode_uuid, "ballooning memory for"
                             " instance %s" % instance.name, delta,
                             instance.hypervisor, hvparams)

  def _CheckHvParams(self, instance, cluster):
    op = self.op
    types = dict((k, v) for (k, v) in
                 _HvParamTypes(instance.hypervisor).items()
                 if k not in constants.HVS_GLOBAL)
    ForceParamTypes("%s hypervisor" % instance.hypervisor, op.hvparams,
                    types, allow_reset=True)
    self.hv_inst = GetUpdatedParams(instance.hvparams or {}, op.hvparams)
    self.hv_new = cluster.SimpleFillHV(instance.hypervisor, instance.os,
                                       self.hv_inst)

  def _CheckOs(self, instance, pnode_uuid, node_uuids):
    op = self.op
    instance_os = op.os_name or instance.os
    if op.os_name and not op.force:
      iu.CheckOSImage(self, pnode_uuid, op.os_name, op.force_variant)
    if op.osparams:
      self.os_inst = GetUpdatedParams(instance.osparams or {}, op.osparams)
      full = self.cfg.GetClusterInfo().SimpleFillOS(instance_os,
                                                    self.os_inst)
      results = self.rpc.call_os_validate(node_uuids, True, instance_os,
                                          [_OSP_VALIDATE_PARAMETERS], full,
                                          op.force_variant)
      for node in node_uuids:
        res = results[node]
        if res.offline:
          continue
        res.Raise("OS Parameters validation failed on node %s" %
                  self.cfg.GetNodeName(node), prereq=True,
                  ecode=errors.ECODE_INVAL)

  def _CheckIPolicy(self, instance, cluster, pnode_uuid):
    if self.op.ignore_ipolicy or not (self.op.beparams or
                                      self.disk_mods is not None):
      return
    group = self.cfg.GetNodeGroup(self.cfg.GetNodeInfo(pnode_uuid).group)
    ipolicy = cluster.SimpleFillIPolicy(group.ipolicy or {})
    if self.disk_mods is not None:
      sizes = self.disk_mods.sizes
    else:
      sizes = [d.size for d in self.cfg.GetInstanceDisks(instance.uuid)]
    template = self.cfg.GetInstanceDiskTemplate(instance.uuid)
    nics = len(self.new_nics if self.new_nics is not None
               else instance.nics)
    viol = []
    for mem in (self.be_new[constants.BE_MAXMEM],
                self.be_new[constants.BE_MINMEM]):
      viol.extend(v for v in iu.ComputeIPolicySpecViolation(
        ipolicy, mem, self.be_new[constants.BE_VCPUS], len(sizes), nics,
        sizes, self.be_new[constants.BE_SPINDLE_USE],
        template) if v not in viol)
    if viol:
      raise _Inval("Instance allocation to group %s (%s) violates policy:"
                   " %s" % (group.uuid, group.name, utils.CommaJoin(viol)))

  def CheckPrereq(self):
    op = self.op
    instance = self.instance = self.cfg.GetInstanceInfo(op.instance_uuid)
    cluster = self.cfg.GetClusterInfo()
    pnode_uuid = instance.primary_node
    node_uuids = list(self.cfg.GetInstanceNodes(instance.uuid))
    self.warn = []
    self._CheckHotplug()
    self.be_inst = self.be_new = None
    if op.beparams:
      self._CheckBeParams(instance, cluster, pnode_uuid)
    self.hv_inst = None
    if op.hvparams:
      self._CheckHvParams(instance, cluster)
    self.os_inst = None
    self._CheckOs(instance, pnode_uuid, node_uuids)
    if op.offline:
      instance_ops.CheckInstanceState(self, instance,
                                      _CAN_CHANGE_INSTANCE_OFFLINE,
                                      msg="can't change to offline")
    elif op.offline is not None:
      instance_ops.CheckInstanceState(self, instance,
                                      [constants.ADMINST_OFFLINE],
                                      msg="can't change to online")
    self.new_nics = None
    self.nic_changes = []
    if op.nics:
      nics = im.NicChanges(self, instance, op.nics)
      self.new_nics = nics.nics
      self.nic_changes = nics.changes
    if op.disk_template:
      tmpl.CheckPrereq(self, instance)
    self.disk_mods = None
    if op.disks:
      self.disk_mods = spd.DiskChanges(self, instance, op.disks)
    if self.be_new is None:
      self.be_new = cluster.FillBE(instance)
    if op.runtime_mem:
      self._CheckRuntimeMemory(instance, cluster, pnode_uuid)
    self._CheckIPolicy(instance, cluster, pnode_uuid)

  # Hooks ---------------------------------------------------------------
  def BuildHooksEnv(self):
    inst = objects.Instance.FromDict(copy.deepcopy(self.instance.ToDict()))
    if self.be_inst is not None:
      inst.beparams = self.be_inst
    if self.new_nics is not None:
      inst.nics = self.new_nics
    env = iu.BuildInstanceHookEnv(self.cfg, inst)
    if self.op.disk_template:
      env["NEW_DISK_TEMPLATE"] = self.op.disk_template
    if self.op.runtime_mem:
      env["RUNTIME_MEMORY"] = self.op.runtime_mem
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode()] + \
      list(self.cfg.GetInstanceNodes(self.instance.uuid))
    return (nl, nl)

  # Execution -------------------------------------------------------------
  def Exec(self, feedback_fn):
    op = self.op
    for warn in self.warn:
      feedback_fn("WARNING: %s" % warn)
    result = []
    instance = self.instance
    if op.runtime_mem:
      res = self.rpc.call_instance_balloon_memory(instance.primary_node,
                                                  instance, op.runtime_mem)
      res.Raise("Cannot modify instance runtime memory")
      result.append(("runtime_memory", op.runtime_mem))
    if op.disk_template:
      result.extend(tmpl.Convert(self, instance, feedback_fn))
      instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    if self.disk_mods is not None:
      result.extend(self.disk_mods.Apply(feedback_fn))
      instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    if self.new_nics is not None:
      instance.nics = self.new_nics
      result.extend(self.nic_changes)
    if op.hvparams:
      instance.hvparams = self.hv_inst
      result.extend(("hv/%s" % k, v) for (k, v) in op.hvparams.items())
    if op.beparams:
      instance.beparams = self.be_inst
      result.extend(("be/%s" % k, v) for (k, v) in op.beparams.items())
    if op.os_name:
      instance.os = op.os_name
    if op.osparams:
      instance.osparams = self.os_inst
      result.extend(("os/%s" % k, v) for (k, v) in op.osparams.items())
    if op.offline is not None:
      if op.offline:
        instance.admin_state = constants.ADMINST_OFFLINE
        instance.disks_active = False
        result.append(("admin_state", constants.ADMINST_OFFLINE))
      else:
        instance.admin_state = constants.ADMINST_DOWN
        result.append(("admin_state", constants.ADMINST_DOWN))
      instance.admin_state_source = constants.ADMIN_SOURCE
    self.cfg.Update(instance, feedback_fn)
    return result
