"""Configuration objects in Ganeti 3.0's schema.

Each object declares its attributes in ``__slots__``; attributes that are
``None`` are omitted when serialized, exactly as Ganeti does, so that a
``config.data`` of a real 3.0 cluster loads and saves unchanged.
"""

import copy
import time

from ganeti import constants
from ganeti import errors

_TIMESTAMPS = ["ctime", "mtime"]
_UUID = ["uuid"]


def _UniqueNames(*names):
  """The names in order, without repetitions."""
  result = []
  for name in names:
    if name not in result:
      result.append(name)
  return result


def FillDict(defaults_dict, custom_dict, skip_keys=None):
  """Return ``defaults_dict`` updated with ``custom_dict`` (deep-copied)."""
  ret_dict = copy.deepcopy(defaults_dict)
  ret_dict.update(custom_dict)
  if skip_keys:
    for k in skip_keys:
      ret_dict.pop(k, None)
  return ret_dict


def FillIPolicy(default_ipolicy, custom_ipolicy):
  """Fill an instance policy with defaults (minmax/std replaced whole)."""
  ret_dict = copy.deepcopy(custom_ipolicy)
  for key in default_ipolicy:
    if key not in ret_dict:
      ret_dict[key] = copy.deepcopy(default_ipolicy[key])
    elif key == constants.ISPECS_STD:
      ret_dict[key] = FillDict(default_ipolicy[key], ret_dict[key])
  return ret_dict


def FillDiskParams(default_dparams, custom_dparams, skip_keys=None):
  return dict((dt, FillDict(default_dparams.get(dt, {}),
                            custom_dparams.get(dt, {}), skip_keys=skip_keys))
              for dt in constants.DISK_TEMPLATES)


def UpgradeGroupedParams(target, defaults):
  if target is None:
    target = {constants.VALUE_DEFAULT: defaults}
  else:
    for group in target:
      target[group] = FillDict(defaults, target[group])
  return target


class ConfigObject:
  """A generic config object: attributes in __slots__, dict round trip."""

  __slots__ = []

  def __init__(self, **kwargs):
    for k, v in kwargs.items():
      setattr(self, k, v)

  def __getattr__(self, name):
    if name not in self._all_slots():
      raise AttributeError("Invalid object attribute %s.%s" %
                           (type(self).__name__, name))
    return None

  def __setstate__(self, state):
    slots = self._all_slots()
    for name in state:
      if name in slots:
        setattr(self, name, state[name])

  @classmethod
  def _all_slots(cls):
    slots = cls.__dict__.get("_slot_cache")
    if slots is None:
      slots = []
      for parent in reversed(cls.__mro__):
        slots.extend(getattr(parent, "__slots__", []))
      slots = frozenset(slots)
      type.__setattr__(cls, "_slot_cache", slots)
    return slots

  @classmethod
  def _ordered_slots(cls):
    res = []
    for parent in cls.__mro__:
      for s in getattr(parent, "__slots__", []):
        if s not in res:
          res.append(s)
    return res

  def ToDict(self, _with_private=False):
    result = {}
    for name in self._ordered_slots():
      value = getattr(self, name, None)
      if value is not None:
        result[name] = value
    return result

  __getstate__ = ToDict

  @classmethod
  def FromDict(cls, val):
    if not isinstance(val, dict):
      raise errors.ConfigurationError("Invalid object passed to FromDict:"
                                      " expected dict, got %s" % type(val))
    slots = cls._all_slots()
    obj = cls(**dict((k, v) for k, v in val.items() if k in slots))
    return obj

  def Copy(self):
    return self.__class__.FromDict(copy.deepcopy(self.ToDict()))

  def __repr__(self):
    return repr(self.ToDict())

  def UpgradeConfig(self):
    """Fill in attributes that older configs lack."""


class TaggableObject(ConfigObject):
  __slots__ = ["tags"]

  def GetTags(self):
    tags = getattr(self, "tags", None)
    if tags is None:
      tags = self.tags = set()
    elif isinstance(tags, list):
      tags = self.tags = set(tags)
    return tags

  @staticmethod
  def ValidateTag(tag):
    if not isinstance(tag, str):
      raise errors.TagError("Invalid tag type (not a string)")
    if len(tag) > constants.MAX_TAG_LEN:
      raise errors.TagError("Tag too long (>%d characters)" %
                            constants.MAX_TAG_LEN)
    if not tag:
      raise errors.TagError("Tags cannot be empty")
    import re
    if not re.match(r"^[\w.+*/:@-]+$", tag):
      raise errors.TagError("Tag contains invalid characters")

  def AddTag(self, tag):
    self.ValidateTag(tag)
    tags = self.GetTags()
    if len(tags) >= constants.MAX_TAGS_PER_OBJ:
      raise errors.TagError("Too many tags")
    tags.add(tag)

  def RemoveTag(self, tag):
    self.ValidateTag(tag)
    tags = self.GetTags()
    try:
      tags.remove(tag)
    except KeyError:
      raise errors.TagError("Tag not found")

  def ToDict(self, _with_private=False):
    bo = super().ToDict()
    tags = bo.get("tags")
    if isinstance(tags, set):
      bo["tags"] = sorted(tags)
    return bo

  @classmethod
  def FromDict(cls, val):
    obj = super().FromDict(val)
    if hasattr(obj, "tags") and isinstance(obj.tags, list):
      obj.tags = set(obj.tags)
    return obj


class NIC(ConfigObject):
  __slots__ = ["name", "mac", "ip", "network", "nicparams", "netinfo",
               "pci", "hvinfo"] + _UUID

  @classmethod
  def CheckParameterSyntax(cls, nicparams):
    mode = nicparams[constants.NIC_MODE]
    if mode not in constants.NIC_VALID_MODES:
      raise errors.ConfigurationError("Invalid NIC mode '%s'" % mode)
    if mode == constants.NIC_MODE_BRIDGED and not nicparams[constants.NIC_LINK]:
      raise errors.ConfigurationError("Missing bridged NIC link")


class Disk(ConfigObject):
  __slots__ = ["forthcoming", "name", "dev_type", "logical_id", "children",
               "nodes", "iv_name", "size", "mode", "params", "spindles",
               "pci", "hvinfo", "serial_no", "dynamic_params"] + \
              _UUID + _TIMESTAMPS

  def ToDict(self, include_dynamic_params=False, _with_private=False):
    bo = super().ToDict()
    if not include_dynamic_params:
      bo.pop("dynamic_params", None)
    if self.children:
      bo["children"] = [c.ToDict(include_dynamic_params)
                        if isinstance(c, Disk) else c for c in self.children]
    if isinstance(bo.get("logical_id"), tuple):
      bo["logical_id"] = list(bo["logical_id"])
    return bo

  @classmethod
  def FromDict(cls, val):
    obj = super().FromDict(val)
    if obj.children:
      obj.children = [Disk.FromDict(c) for c in obj.children]
    if obj.logical_id and isinstance(obj.logical_id, list):
      obj.logical_id = tuple(obj.logical_id)
    return obj

  def GetNodes(self, node_uuid=None):
    return list(self.nodes or [])

  def StaticDevPath(self):
    if self.dev_type in (constants.DT_FILE, constants.DT_SHARED_FILE,
                         constants.DT_GLUSTER):
      return self.logical_id[1]
    if self.dev_type == constants.DT_PLAIN:
      return "/dev/%s/%s" % (self.logical_id[0], self.logical_id[1])
    if self.dev_type == constants.DT_BLOCK:
      return self.logical_id[1]
    return None

  def __str__(self):
    return "<Disk %s %s size=%s>" % (self.dev_type, self.logical_id, self.size)


class Instance(TaggableObject):
  __slots__ = ["forthcoming", "name", "primary_node", "secondary_nodes",
               "os", "hypervisor", "hvparams", "beparams", "osparams",
               "osparams_private", "admin_state", "admin_state_source",
               "nics", "disks", "disks_info", "disk_template",
               "disks_active", "network_port", "serial_no"] + \
              _TIMESTAMPS + _UUID

  def ToDict(self, _with_private=False):
    bo = super().ToDict()
    if self.nics is not None:
      bo["nics"] = [n.ToDict() if isinstance(n, NIC) else n for n in self.nics]
    if self.disks_info is not None:
      bo["disks_info"] = [d.ToDict() if isinstance(d, Disk) else d
                          for d in self.disks_info]
    return bo

  @classmethod
  def FromDict(cls, val):
    obj = super().FromDict(val)
    if obj.nics:
      obj.nics = [NIC.FromDict(n) for n in obj.nics]
    if obj.disks_info:
      obj.disks_info = [Disk.FromDict(d) for d in obj.disks_info]
    return obj

  def UpgradeConfig(self):
    if self.nics is None:
      self.nics = []
    if self.disks is None:
      self.disks = []
    for attr in ("hvparams", "beparams", "osparams", "osparams_private"):
      if getattr(self, attr) is None:
        setattr(self, attr, {})
    if self.disks_active is None:
      self.disks_active = self.admin_state == constants.ADMINST_UP
    if self.admin_state_source is None:
      self.admin_state_source = constants.ADMIN_SOURCE
    if self.beparams and constants.BE_MEMORY in self.beparams:
      mem = self.beparams.pop(constants.BE_MEMORY)
      self.beparams.setdefault(constants.BE_MAXMEM, mem)
      self.beparams.setdefault(constants.BE_MINMEM, mem)


class OS(ConfigObject):
  """An OS definition found on a node."""
  __slots__ = ["name", "path", "api_versions", "create_script",
               "create_script_untrusted", "export_script", "import_script",
               "rename_script", "verify_script", "supported_variants",
               "supported_parameters", "trusted"]
  VARIANT_DELIM = constants.OS_VARIANT_SEP

  @classmethod
  def SplitNameVariant(cls, name):
    nv = name.split(cls.VARIANT_DELIM, 1)
    if len(nv) == 1:
      nv.append("")
    return nv

  @classmethod
  def GetName(cls, name):
    return cls.SplitNameVariant(name)[0]

  @classmethod
  def GetVariant(cls, name):
    return cls.SplitNameVariant(name)[1]


class Node(TaggableObject):
  __slots__ = ["name", "primary_ip", "secondary_ip", "serial_no",
               "master_candidate", "offline", "drained", "group",
               "master_capable", "vm_capable", "ndparams", "powered",
               "hv_state", "hv_state_static", "disk_state",
               "disk_state_static"] + _TIMESTAMPS + _UUID

  def UpgradeConfig(self):
    if self.master_capable is None:
      self.master_capable = True
    if self.vm_capable is None:
      self.vm_capable = True
    if self.ndparams is None:
      self.ndparams = {}
    if self.powered is None:
      self.powered = True


class NodeGroup(TaggableObject):
  __slots__ = ["name", "members", "ndparams", "diskparams", "ipolicy",
               "serial_no", "hv_state_static", "disk_state_static",
               "alloc_policy", "networks"] + _TIMESTAMPS + _UUID

  def ToDict(self, _with_private=False):
    mydict = super().ToDict()
    mydict.pop("members", None)
    return mydict

  @classmethod
  def FromDict(cls, val):
    obj = super().FromDict(val)
    obj.members = []
    return obj

  def UpgradeConfig(self):
    if self.ndparams is None:
      self.ndparams = {}
    if self.serial_no is None:
      self.serial_no = 1
    if self.alloc_policy is None:
      self.alloc_policy = constants.ALLOC_POLICY_PREFERRED
    if self.mtime is None:
      self.mtime = time.time()
    if self.diskparams is None:
      self.diskparams = {}
    if self.ipolicy is None:
      self.ipolicy = {}
    if self.networks is None:
      self.networks = {}


class Network(TaggableObject):
  __slots__ = ["name", "serial_no", "mac_prefix", "network", "network6",
               "gateway", "gateway6", "reservations",
               "ext_reservations"] + _TIMESTAMPS + _UUID


class Filter(ConfigObject):
  __slots__ = ["watermark", "priority", "predicates", "action",
               "reason_trail", "serial_no"] + _UUID


class Cluster(TaggableObject):
  __slots__ = ["serial_no", "rsahostkeypub", "dsahostkeypub",
               "highest_used_port", "tcpudp_port_pool", "mac_prefix",
               "volume_group_name", "reserved_lvs", "drbd_usermode_helper",
               "default_bridge", "default_hypervisor", "master_node",
               "master_ip", "master_netdev", "master_netmask",
               "use_external_mip_script", "cluster_name",
               "file_storage_dir", "shared_file_storage_dir",
               "gluster_storage_dir", "enabled_hypervisors", "hvparams",
               "ipolicy", "os_hvp", "beparams", "osparams",
               "osparams_private_cluster", "nicparams", "ndparams",
               "diskparams", "candidate_pool_size", "modify_etc_hosts",
               "modify_ssh_setup", "maintain_node_health", "uid_pool",
               "default_iallocator", "default_iallocator_params",
               "hidden_os", "blacklisted_os", "primary_ip_family",
               "prealloc_wipe_disks", "hv_state_static",
               "disk_state_static", "enabled_disk_templates",
               "candidate_certs", "max_running_jobs", "max_tracked_jobs",
               "install_image", "instance_communication_network",
               "zeroing_image", "compression_tools", "enabled_user_shutdown",
               "data_collectors", "ssh_key_type",
               "ssh_key_bits"] + _TIMESTAMPS + _UUID

  def UpgradeConfig(self):
    if self.hvparams is None:
      self.hvparams = copy.deepcopy(constants.HVC_DEFAULTS)
    else:
      for hypervisor in constants.HYPER_TYPES:
        self.hvparams[hypervisor] = FillDict(
          constants.HVC_DEFAULTS[hypervisor],
          self.hvparams.get(hypervisor, {}))
    if self.os_hvp is None:
      self.os_hvp = {}
    if self.osparams is None:
      self.osparams = {}
    if self.osparams_private_cluster is None:
      self.osparams_private_cluster = {}
    self.ndparams = FillDict(constants.NDC_DEFAULTS, self.ndparams or {})
    self.beparams = UpgradeGroupedParams(self.beparams,
                                         constants.BEC_DEFAULTS)
    for beparams_group in self.beparams:
      bp = self.beparams[beparams_group]
      if constants.BE_MEMORY in bp:
        mem = bp.pop(constants.BE_MEMORY)
        bp.setdefault(constants.BE_MAXMEM, mem)
        bp.setdefault(constants.BE_MINMEM, mem)
    self.nicparams = UpgradeGroupedParams(self.nicparams,
                                          constants.NICC_DEFAULTS)
    if self.diskparams is None:
      self.diskparams = copy.deepcopy(constants.DISK_DT_DEFAULTS)
    else:
      self.diskparams = FillDiskParams(constants.DISK_DT_DEFAULTS,
                                       self.diskparams)
    if self.ipolicy is None:
      self.ipolicy = copy.deepcopy(constants.IPOLICY_DEFAULTS)
    for attr, default in [
        ("candidate_certs", {}), ("hidden_os", []), ("blacklisted_os", []),
        ("reserved_lvs", []), ("uid_pool", []), ("tcpudp_port_pool", []),
        ("default_iallocator_params", {}), ("hv_state_static", {}),
        ("disk_state_static", {}), ("enabled_disk_templates", []),
        ("compression_tools", list(constants.IEC_ALL)),
        ("max_running_jobs", constants.DEFAULT_MAX_RUNNING_JOBS),
        ("max_tracked_jobs", constants.DEFAULT_MAX_TRACKED_JOBS),
        ("install_image", ""), ("instance_communication_network", ""),
        ("zeroing_image", ""), ("enabled_user_shutdown", False),
        ("modify_etc_hosts", True), ("modify_ssh_setup", True),
        ("maintain_node_health", False), ("prealloc_wipe_disks", False),
        ("use_external_mip_script", False),
        ("primary_ip_family", constants.PRIMARY_IP_FAMILY_V4),
        ("gluster_storage_dir", ""), ("ssh_key_type", constants.SSHK_RSA),
        ("ssh_key_bits", constants.SSH_KEY_BITS)]:
      if getattr(self, attr) is None:
        setattr(self, attr, copy.deepcopy(default))
    if self.data_collectors is None:
      self.data_collectors = dict(
        (name, {"active": True,
                "interval": constants.DATA_COLLECTOR_INTERVAL})
        for name in constants.DATA_COLLECTORS)

  @property
  def primary_hypervisor(self):
    return self.enabled_hypervisors[0]

  # Parameter filling ----------------------------------------------------
  def GetHVDefaults(self, hypervisor, os_name=None, skip_keys=None):
    """Cluster hvparams of ``hypervisor``, overridden by the OS-specific
    ones (os_hvp) of ``os_name`` (its name without variant first)."""
    base = self.hvparams.get(hypervisor, {})
    if os_name:
      for name in _UniqueNames(OS.GetName(os_name), os_name):
        base = FillDict(base, self.os_hvp.get(name, {}).get(hypervisor, {}))
    return FillDict({}, base, skip_keys=skip_keys)

  def FillHV(self, instance, skip_globals=False):
    skip_keys = constants.HVS_GLOBAL if skip_globals else None
    return FillDict(self.GetHVDefaults(instance.hypervisor, instance.os,
                                       skip_keys),
                    instance.hvparams, skip_keys=skip_keys)

  def SimpleFillHV(self, hv_name, os_name, hvparams, skip_globals=False):
    skip_keys = constants.HVS_GLOBAL if skip_globals else None
    return FillDict(self.GetHVDefaults(hv_name, os_name, skip_keys),
                    hvparams, skip_keys=skip_keys)

  def SimpleFillBE(self, beparams):
    return FillDict(self.beparams.get(constants.VALUE_DEFAULT, {}), beparams)

  def FillBE(self, instance):
    return self.SimpleFillBE(instance.beparams)

  def SimpleFillNIC(self, nicparams):
    return FillDict(self.nicparams.get(constants.VALUE_DEFAULT, {}),
                    nicparams)

  def SimpleFillOS(self, os_name, os_params, os_params_private=None):
    name_only = OS.GetName(os_name)
    defp = self.osparams.get(name_only, {})
    result = FillDict(defp, self.osparams.get(os_name, {}))
    result = FillDict(result, os_params or {})
    if os_params_private:
      result = FillDict(result, os_params_private)
    return result

  def SimpleFillND(self, ndparams):
    return FillDict(self.ndparams, ndparams)

  def FillND(self, node, nodegroup):
    return self.SimpleFillND(FillDict(nodegroup.ndparams or {},
                                      node.ndparams or {}))

  def SimpleFillIPolicy(self, ipolicy):
    return FillIPolicy(self.ipolicy, ipolicy)

  def SimpleFillDP(self, diskparams):
    return FillDiskParams(self.diskparams, diskparams)


class ConfigData(ConfigObject):
  """The whole config.data document."""
  __slots__ = ["version", "cluster", "nodes", "nodegroups", "instances",
               "networks", "disks", "filters", "serial_no"] + _TIMESTAMPS

  _CONTAINERS = [("nodes", Node), ("nodegroups", NodeGroup),
                 ("instances", Instance), ("networks", Network),
                 ("disks", Disk), ("filters", Filter)]

  def ToDict(self, _with_private=False):
    mydict = super().ToDict()
    mydict["cluster"] = self.cluster.ToDict()
    for key, _ in self._CONTAINERS:
      mydict[key] = dict((k, v.ToDict()) for k, v in
                         (getattr(self, key) or {}).items())
    return mydict

  @classmethod
  def FromDict(cls, val):
    obj = super().FromDict(val)
    obj.cluster = Cluster.FromDict(obj.cluster)
    for key, objcls in cls._CONTAINERS:
      container = getattr(obj, key) or {}
      setattr(obj, key, dict((k, objcls.FromDict(v))
                             for k, v in container.items()))
    return obj

  def UpgradeConfig(self):
    self.cluster.UpgradeConfig()
    for key, _ in self._CONTAINERS:
      container = getattr(self, key)
      if container is None:
        container = {}
        setattr(self, key, container)
      for item in container.values():
        item.UpgradeConfig()


class BlockDevStatus(ConfigObject):
  __slots__ = ["dev_path", "major", "minor", "sync_percent",
               "estimated_time", "is_degraded", "ldisk_status"]


class QueryFieldDefinition(ConfigObject):
  __slots__ = ["name", "title", "kind", "doc"]


class QueryResponse(ConfigObject):
  __slots__ = ["fields", "data"]

  def ToDict(self, _with_private=False):
    return {"fields": [f.ToDict() if isinstance(f, ConfigObject) else f
                       for f in self.fields],
            "data": self.data}

  @classmethod
  def FromDict(cls, val):
    return cls(fields=[QueryFieldDefinition.FromDict(f)
                       for f in val["fields"]],
               data=val["data"])


class QueryFieldsResponse(ConfigObject):
  __slots__ = ["fields"]

  def ToDict(self, _with_private=False):
    return {"fields": [f.ToDict() if isinstance(f, ConfigObject) else f
                       for f in self.fields]}

  @classmethod
  def FromDict(cls, val):
    return cls(fields=[QueryFieldDefinition.FromDict(f)
                       for f in val["fields"]])
