"""LUClusterSetParams: changing cluster-wide parameters.

Used by ``gnt-cluster modify`` and ``gnt-os modify``.  Everything is
checked in ``CheckPrereq`` against copies of the current values; ``Exec``
installs the new values and writes the configuration once.
"""

import copy
import re

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import objects
from ganeti import opcodes
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit
from ganeti.cmdlib import iallocator
from ganeti.cmdlib import hv_params as hvp_check
from ganeti.cmdlib import cluster_master
from ganeti.cmdlib import cluster_params_extra as extra_params


#: Parameters of the opcode this LU applies
_SUPPORTED = frozenset([
  "force", "enabled_hypervisors", "hvparams", "beparams", "os_hvp",
  "osparams", "candidate_pool_size", "maintain_node_health",
  "prealloc_wipe_disks", "nicparams", "ndparams", "default_iallocator",
  "mac_prefix", "hidden_os", "blacklisted_os", "modify_etc_hosts",
  "max_running_jobs", "max_tracked_jobs", "enabled_disk_templates",
  "osparams_private_cluster",
  # master network (ganeti.cmdlib.cluster_master)
  "master_netdev", "master_netmask", "use_external_mip_script",
]) | extra_params.SUPPORTED

_MAC_PREFIX_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){2}$")

_BOOL_TRUE = frozenset(["true", "yes", "y", "1", "on"])
_BOOL_FALSE = frozenset(["false", "no", "n", "0", "off", "", "none"])


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def _BadValue(what, key, value, kind):
  return _Inval("Invalid value for %s parameter '%s': %s is not a valid %s" %
                (what, key, value, kind))


def _HvParamTypes(hv_name):
  """Value types of a hypervisor's parameters, derived from its defaults."""
  types = {}
  for (key, default) in constants.HVC_DEFAULTS[hv_name].items():
    if isinstance(default, bool):
      types[key] = constants.VTYPE_BOOL
    elif isinstance(default, int):
      types[key] = constants.VTYPE_INT
    elif isinstance(default, float):
      types[key] = constants.VTYPE_FLOAT
    else:
      types[key] = constants.VTYPE_STRING
  return types


def _ConvertValue(what, key, value, vtype):
  """Convert ``value`` to ``vtype`` like Ganeti's ForceDictType."""
  if vtype == constants.VTYPE_MAYBE_STRING:
    if value is None or value == constants.VALUE_NONE:
      return None
    if isinstance(value, str):
      return value
  elif vtype == constants.VTYPE_STRING:
    if isinstance(value, str):
      return value
  elif vtype == constants.VTYPE_BOOL:
    if isinstance(value, bool):
      return value
    if isinstance(value, str) and value.lower() in _BOOL_TRUE:
      return True
    if isinstance(value, str) and value.lower() in _BOOL_FALSE:
      return False
    raise _BadValue(what, key, value, "boolean")
  elif vtype == constants.VTYPE_SIZE:
    if isinstance(value, int) and not isinstance(value, bool):
      return value
    try:
      return utils.ParseUnit(str(value))
    except errors.UnitParseError as err:
      raise _BadValue(what, key, value, "size (%s)" % err)
  elif vtype == constants.VTYPE_INT:
    if not isinstance(value, bool):
      try:
        return int(value)
      except (TypeError, ValueError):
        pass
    raise _BadValue(what, key, value, "integer")
  elif vtype == constants.VTYPE_FLOAT:
    if not isinstance(value, bool):
      try:
        return float(value)
      except (TypeError, ValueError):
        pass
    raise _BadValue(what, key, value, "float")
  raise _BadValue(what, key, value, vtype)


def ForceParamTypes(what, params, types, allow_reset=False):
  """Check the names of ``params`` and convert their values in place.

  @param what: description of the parameter family, for error messages
  @param types: {name: VTYPE_*} of the accepted names
  @param allow_reset: accept ``None`` and ``"default"`` (removal markers)

  """
  if not isinstance(params, dict):
    raise _Inval("Invalid %s parameters: expected a dictionary, got %r" %
                 (what, params))
  unknown = sorted(set(params) - set(types))
  if unknown:
    raise _Inval("Unknown %s parameter(s): %s" %
                 (what, utils.CommaJoin(unknown)))
  for key, value in params.items():
    if allow_reset and (value is None or value == constants.VALUE_DEFAULT):
      continue
    params[key] = _ConvertValue(what, key, value, types[key])


def GetUpdatedParams(old_params, update_dict, use_default=True,
                     use_none=False):
  """Return ``old_params`` updated with ``update_dict``.

  A value of ``"default"`` (if ``use_default``) or ``None`` (if
  ``use_none``) removes the key instead of setting it.

  """
  params_copy = copy.deepcopy(old_params)
  for key, val in update_dict.items():
    if ((use_default and val == constants.VALUE_DEFAULT) or
        (use_none and val is None)):
      params_copy.pop(key, None)
    else:
      params_copy[key] = val
  return params_copy


def _CheckHvName(hv_name, what):
  if hv_name not in constants.HYPER_TYPES:
    raise _Inval("Unknown hypervisor '%s' in %s; valid hypervisors are: %s" %
                 (hv_name, what,
                  utils.CommaJoin(sorted(constants.HYPER_TYPES))))


def _ApplyListMods(mods, lst, desc, feedback_fn):
  """Apply [(DDM_ADD|DDM_REMOVE, name), ...] to ``lst`` in place."""
  for (action, name) in mods:
    if action == constants.DDM_ADD:
      if name in lst:
        feedback_fn("OS %s already in %s, ignoring" % (name, desc))
      else:
        lst.append(name)
    elif action == constants.DDM_REMOVE:
      if name in lst:
        lst.remove(name)
      else:
        feedback_fn("OS %s not found in %s, ignoring" % (name, desc))
    else:
      raise errors.ProgrammerError("Invalid modification '%s'" % action)


class LUClusterSetParams(LogicalUnit):
  """Change the parameters of the cluster."""
  HPATH = "cluster-modify"
  HTYPE = constants.HTYPE_CLUSTER

  def CheckArguments(self):
    unsupported = sorted(
      name for (name, _, _, _) in self.op.GetAllParams()
      if name not in _SUPPORTED and
      name not in [p[0] for p in opcodes.BASE_PARAMS] and
      getattr(self.op, name, None) is not None)
    if unsupported:
      raise _Inval("Changing %s is not supported yet" %
                   utils.CommaJoin(unsupported))
    if self.op.mac_prefix is not None:
      prefix = self.op.mac_prefix.lower()
      if not _MAC_PREFIX_RE.match(prefix):
        raise _Inval("Invalid MAC address prefix given: '%s'" %
                     self.op.mac_prefix)
      self.op.mac_prefix = prefix
    if self.op.enabled_hypervisors is not None:
      if not self.op.enabled_hypervisors:
        raise _Inval("Enabled hypervisors list must contain at least one"
                     " member")
      invalid = [hv for hv in self.op.enabled_hypervisors
                 if hv not in constants.HYPER_TYPES]
      if invalid:
        raise _Inval("Enabled hypervisors contains invalid entries: %s" %
                     utils.CommaJoin(invalid))
      if len(set(self.op.enabled_hypervisors)) != \
          len(self.op.enabled_hypervisors):
        raise _Inval("Enabled hypervisors list contains duplicates")
    if self.op.default_iallocator and "/" in self.op.default_iallocator:
      raise _Inval("Invalid default iallocator script '%s' specified: only"
                   " a name is accepted" % self.op.default_iallocator)
    if self.op.beparams:
      ForceParamTypes("backend", self.op.beparams,
                      constants.BES_PARAMETER_COMPAT)
      if constants.BE_MEMORY in self.op.beparams:
        mem = self.op.beparams.pop(constants.BE_MEMORY)
        self.op.beparams.setdefault(constants.BE_MAXMEM, mem)
        self.op.beparams.setdefault(constants.BE_MINMEM, mem)
    if self.op.nicparams:
      ForceParamTypes("NIC", self.op.nicparams,
                      constants.NICS_PARAMETER_TYPES)
    if self.op.ndparams:
      ForceParamTypes("node", self.op.ndparams,
                      constants.NDS_PARAMETER_TYPES)
    if self.op.hvparams:
      for hv_name, hv_dict in self.op.hvparams.items():
        _CheckHvName(hv_name, "hypervisor parameters")
        ForceParamTypes("%s hypervisor" % hv_name, hv_dict or {},
                        _HvParamTypes(hv_name))
    if self.op.os_hvp:
      for os_name, hvs in self.op.os_hvp.items():
        if hvs is None:
          continue
        for hv_name, hv_dict in hvs.items():
          _CheckHvName(hv_name, "hypervisor parameters of OS %s" % os_name)
          if hv_dict is not None:
            ForceParamTypes("%s hypervisor" % hv_name, hv_dict,
                            _HvParamTypes(hv_name), allow_reset=True)
    if self.op.osparams:
      for os_name, osp in self.op.osparams.items():
        for key, val in (osp or {}).items():
          if val is not None and not isinstance(val, str):
            raise _Inval("OS parameter '%s' of OS %s must be a string, not"
                         " %r" % (key, os_name, val))
    extra_params.CheckArguments(
      self.op, self.cfg.GetClusterInfo().primary_ip_family)

  def ExpandNames(self):
    self.needed_locks = {
      locking.LEVEL_NODE: locking.ALL_SET,
      locking.LEVEL_INSTANCE: locking.ALL_SET,
      locking.LEVEL_NODEGROUP: locking.ALL_SET,
    }
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def BuildHooksEnv(self):
    return {
      "OP_TARGET": self.cfg.GetClusterName(),
      "NEW_VG_NAME": self.op.vg_name,
    }

  def BuildHooksNodes(self):
    mn = self.cfg.GetMasterNode()
    return ([mn], [mn])

  def _CheckNewHvParams(self):
    """Validate changed hypervisor parameters on every node.

    As Ganeti: a hypervisor's parameters are checked when they change
    (enabled or not) or when it is in the new list of enabled
    hypervisors; each OS's overrides of ``os_hvp`` on top of the new
    cluster values.
    """
    op = self.op
    nodes = list(self.cfg.GetAllNodesInfo())
    for hv_name in sorted(self.new_hvparams):
      if hv_name in (op.hvparams or {}) or \
          hv_name in (op.enabled_hypervisors or []):
        hvp_check.CheckHVParams(self, nodes, hv_name,
                                self.new_hvparams[hv_name])
    if op.os_hvp:
      for os_name in sorted(op.os_hvp):
        for (hv_name, hv_dict) in self.new_os_hvp.get(os_name, {}).items():
          hvp_check.CheckHVParams(
            self, nodes, hv_name,
            objects.FillDict(self.new_hvparams.get(hv_name, {}), hv_dict))

  def CheckPrereq(self):
    cluster = self.cluster = self.cfg.GetClusterInfo()
    op = self.op
    cluster_master.CheckMasterNetworkChange(self)

    self.new_enabled_hvs = (list(op.enabled_hypervisors)
                            if op.enabled_hypervisors is not None
                            else list(cluster.enabled_hypervisors))

    # cluster hvparams: plain update of each hypervisor's dictionary
    self.new_hvparams = copy.deepcopy(cluster.hvparams)
    for hv_name in self.new_enabled_hvs:
      self.new_hvparams.setdefault(
        hv_name, copy.deepcopy(constants.HVC_DEFAULTS[hv_name]))
    if op.hvparams:
      for hv_name, hv_dict in op.hvparams.items():
        self.new_hvparams.setdefault(hv_name, {}).update(hv_dict or {})

    # per-OS hypervisor parameters
    self.new_os_hvp = copy.deepcopy(cluster.os_hvp)
    if op.os_hvp:
      for os_name, hvs in op.os_hvp.items():
        if hvs is None:
          self.new_os_hvp.pop(os_name, None)
          continue
        os_entry = self.new_os_hvp.setdefault(os_name, {})
        for hv_name, hv_dict in hvs.items():
          if hv_dict is None:
            os_entry.pop(hv_name, None)
            continue
          new = GetUpdatedParams(os_entry.get(hv_name, {}), hv_dict,
                                 use_default=True, use_none=True)
          if new:
            os_entry[hv_name] = new
          else:
            os_entry.pop(hv_name, None)
        if not os_entry:
          del self.new_os_hvp[os_name]

    self._CheckNewHvParams()

    # per-OS parameters
    self.new_osp = copy.deepcopy(cluster.osparams)
    if op.osparams:
      for os_name, osp in op.osparams.items():
        if osp is None:
          self.new_osp.pop(os_name, None)
          continue
        new = GetUpdatedParams(self.new_osp.get(os_name, {}), osp,
                               use_default=True, use_none=True)
        if new:
          self.new_osp[os_name] = new
        else:
          self.new_osp.pop(os_name, None)

    self._CheckOsParams()

    self.new_beparams = None
    if op.beparams:
      self.new_beparams = objects.FillDict(
        cluster.beparams.get(constants.VALUE_DEFAULT, {}), op.beparams)
      minmem = self.new_beparams.get(constants.BE_MINMEM)
      maxmem = self.new_beparams.get(constants.BE_MAXMEM)
      if minmem is not None and maxmem is not None and minmem > maxmem:
        raise _Inval("Minimum memory (%s) is greater than maximum memory"
                     " (%s)" % (minmem, maxmem))

    self.new_nicparams = None
    if op.nicparams:
      self.new_nicparams = objects.FillDict(
        cluster.nicparams.get(constants.VALUE_DEFAULT, {}), op.nicparams)
      mode = self.new_nicparams.get(constants.NIC_MODE)
      if mode not in constants.NIC_VALID_MODES:
        raise _Inval("Invalid NIC mode '%s'; valid modes are: %s" %
                     (mode, utils.CommaJoin(sorted(
                       constants.NIC_VALID_MODES))))
      if (mode == constants.NIC_MODE_BRIDGED and
          not self.new_nicparams.get(constants.NIC_LINK)):
        raise _Inval("Missing bridged NIC link")

    self.new_ndparams = None
    if op.ndparams:
      self.new_ndparams = objects.FillDict(cluster.ndparams, op.ndparams)

    self.new_hidden_os = list(cluster.hidden_os or [])
    self.new_blacklisted_os = list(cluster.blacklisted_os or [])
    self._CheckEnabledDiskTemplates()
    if op.default_iallocator:
      iallocator.CheckAllocatorName(op.default_iallocator)
    extra_params.CheckPrereq(
      self, list(op.enabled_disk_templates)
      if op.enabled_disk_templates is not None
      else list(cluster.enabled_disk_templates))

  def _CheckEnabledDiskTemplates(self):
    """New enabled disk templates: valid, and none in use is disabled."""
    templates = self.op.enabled_disk_templates
    if templates is None:
      return
    if not templates:
      raise _Inval("Cannot disable all disk templates")
    invalid = [t for t in templates if t not in constants.DISK_TEMPLATES]
    if invalid:
      raise _Inval("Invalid disk template(s): %s" %
                   utils.CommaJoin(invalid))
    for disabled in set(self.cluster.enabled_disk_templates) - \
        set(templates):
      for inst_uuid in self.cfg.GetInstanceList():
        if self.cfg.GetInstanceDiskTemplate(inst_uuid) == disabled:
          raise errors.OpPrereqError("Cannot disable disk template '%s',"
                                     " because there is at least one"
                                     " instance using it." % disabled,
                                     errors.ECODE_STATE)

  def _CheckOsParams(self):
    """Private per-OS defaults; the verify script of changed OSes."""
    from ganeti.cmdlib import os_params  # pylint: disable=C0415
    op = self.op
    cluster = self.cluster
    self.new_osp_private = os_params.UpdateClusterOsParams(
      cluster.osparams_private_cluster or {}, op.osparams_private_cluster)
    changed = set(op.osparams or {}) | set(op.osparams_private_cluster or {})
    os_params.CheckClusterOsParams(
      self, cluster,
      dict((n, p) for (n, p) in self.new_osp.items() if n in changed),
      dict((n, p) for (n, p) in self.new_osp_private.items()
           if n in changed))

  def Exec(self, feedback_fn):
    cluster = self.cluster
    op = self.op
    if op.enabled_hypervisors is not None or op.hvparams:
      cluster.hvparams = self.new_hvparams
      cluster.enabled_hypervisors = self.new_enabled_hvs
    if op.os_hvp is not None:
      cluster.os_hvp = self.new_os_hvp
    if op.osparams is not None:
      cluster.osparams = self.new_osp
    if op.osparams_private_cluster is not None:
      cluster.osparams_private_cluster = self.new_osp_private
    if self.new_beparams is not None:
      cluster.beparams[constants.VALUE_DEFAULT] = self.new_beparams
    if self.new_nicparams is not None:
      cluster.nicparams[constants.VALUE_DEFAULT] = self.new_nicparams
    if self.new_ndparams is not None:
      cluster.ndparams = self.new_ndparams
    if op.hidden_os:
      _ApplyListMods(op.hidden_os, self.new_hidden_os, "hidden OS list",
                     feedback_fn)
      cluster.hidden_os = self.new_hidden_os
    if op.blacklisted_os:
      _ApplyListMods(op.blacklisted_os, self.new_blacklisted_os,
                     "blacklisted OS list", feedback_fn)
      cluster.blacklisted_os = self.new_blacklisted_os
    for attr in ("candidate_pool_size", "maintain_node_health",
                 "prealloc_wipe_disks", "modify_etc_hosts", "mac_prefix",
                 "max_running_jobs", "max_tracked_jobs"):
      value = getattr(op, attr)
      if value is not None:
        setattr(cluster, attr, value)
    if op.default_iallocator is not None:
      cluster.default_iallocator = op.default_iallocator
    if op.enabled_disk_templates is not None:
      cluster.enabled_disk_templates = list(op.enabled_disk_templates)
    cluster_master.PrepareMasterNetworkChange(self, feedback_fn)
    extra_params.Apply(self, cluster, feedback_fn)

    self.cfg.Update(cluster, feedback_fn)
    cluster_master.FinishMasterNetworkChange(self, feedback_fn)

    if op.candidate_pool_size is not None:
      promoted = self.cfg.MaintainCandidatePool([])
      if promoted:
        from ganeti.cmdlib.node import _DistributeAncillaryFiles
        self.LogInfo("Promoted nodes to master candidate role: %s",
                     utils.CommaJoin(sorted(n.name for n in promoted)))
        for node in promoted:
          _DistributeAncillaryFiles(self, [node.uuid])
          if self.context is not None:
            self.context.ReplicateQueueTo(node)
    return None
