"""The master's answers to queries: config plus live data from the nodes.

Queries run in the LUXI request thread without locks (as in Ganeti 2.x):
they read the in-memory configuration and, only when the requested fields
need it, ask the nodes over RPC (in parallel) for live data.
"""

import inspect
import logging
import os

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import osparams
from ganeti import pathutils
from ganeti import query
from ganeti import masterquery_net
from ganeti import utils
from ganeti import vcluster

_NAMEFIELDS = {
  query.QR_INSTANCE: "name", query.QR_NODE: "name", query.QR_GROUP: "name",
  query.QR_OS: "name", query.QR_JOB: "id", query.QR_LOCK: "name",
  query.QR_CLUSTER: None, query.QR_EXTSTORAGE: "name",
  query.QR_EXPORT: None,
  query.QR_NETWORK: "name", query.QR_FILTER: "uuid",
}


def _FieldsFor(what):
  fields = query.ALL_FIELDS.get(what)
  if fields is None:
    raise errors.OpPrereqError("Resource type '%s' unknown" % what,
                               errors.ECODE_INVAL)
  return fields


def QueryFields(what, fields):
  return query.QueryFields(_FieldsFor(what), fields).ToDict()


def Query(context, what, fields, qfilter):
  """LUXI ``Query``: {"fields": [...], "data": [[[status, value]...]...]}."""
  fielddefs = _FieldsFor(what)
  namefield = _NAMEFIELDS.get(what)
  if what == query.QR_LOCK:
    return context.glm.QueryLocks(fields)
  q = query.Query(fielddefs, fields, qfilter=qfilter, namefield=namefield)
  ctx = _BuildContext(context, what, q)
  return query.GetQueryResponse(
    q, ctx, sort_by_name=not _KeepRequestedOrder(what, q)).ToDict()


def OldStyleQuery(context, what, names, fields, use_locking):
  if use_locking:
    raise errors.OpPrereqError("Sync queries are not allowed",
                               errors.ECODE_INVAL)
  fielddefs = _FieldsFor(what)
  namefield = _NAMEFIELDS[what]
  qfilter = None
  if names:
    qfilter = ["|"] + [["=", namefield, n] for n in names]
  q = query.Query(fielddefs, fields, qfilter=qfilter, namefield=namefield)
  ctx = _BuildContext(context, what, q)
  if names:
    _CheckNamesExist(ctx, what, names)
  return q.OldStyleQuery(ctx,
                         sort_by_name=not _KeepRequestedOrder(what, q))


def _CheckNamesExist(ctx, what, names):
  known = set()
  for item in ctx:
    known.add(getattr(item, "name", None))
  missing = [n for n in names if n not in known]
  if missing:
    raise errors.OpPrereqError("%s '%s' not known" %
                               (what.capitalize(), missing[0]),
                               errors.ECODE_NOENT)


def _BuildContext(context, what, q):
  cfg = context.cfg
  wanted = q.RequestedData()
  names = q.RequestedNames()
  if what == query.QR_INSTANCE:
    return _InstanceContext(cfg, context.rpc, wanted, names)
  if what == query.QR_NODE:
    return _NodeContext(cfg, context.rpc, wanted, names)
  if what == query.QR_GROUP:
    return _GroupContext(cfg, wanted)
  if what == query.QR_JOB:
    job_ids = None
    if names:
      job_ids = [int(n) for n in names]
    return query.JobQueryData(context.jqueue.GetJobsForQuery(job_ids))
  if what == query.QR_OS:
    return _OsContext(cfg, context.rpc)
  if what == query.QR_EXPORT:
    return ExportContext(cfg, context.rpc)
  if what == query.QR_CLUSTER:
    return query.ClusterQueryData(cfg.GetClusterInfo(),
                                  cfg.GetAllNodesInfo(),
                                  context.jqueue.QueryDrainFlag(),
                                  _WatcherPause())
  if what == query.QR_NETWORK:
    return masterquery_net.NetworkContext(cfg, names)
  if what == query.QR_FILTER:
    return masterquery_net.FilterContext(cfg, names)
  raise errors.OpPrereqError("Resource type '%s' can not be queried yet" %
                             what, errors.ECODE_INVAL)


def _WatcherPause():
  """Until when the watcher is paused (the master's pause file)."""
  from ganeti.utils import pausefile  # pylint: disable=C0415
  return pausefile.ReadWatcherPauseFile(pathutils.Get().WATCHER_PAUSEFILE)


def _SelectByName(items, names, kind):
  """The items named in C{names}, in that order (as Ganeti 3.0's luxid).

  @raise errors.OpPrereqError: for a name that is not known

  """
  if not names:
    return list(items)
  by_name = dict((i.name, i) for i in items)
  result = []
  for name in names:
    if name not in by_name:
      raise errors.OpPrereqError("%s name %s not found" % (kind, name),
                                 errors.ECODE_NOENT)
    result.append(by_name[name])
  return result


def _KeepRequestedOrder(what, q):
  """Whether rows keep the order of the requested names (no sorting)."""
  return bool(q.RequestedNames()) and what in (query.QR_INSTANCE,
                                               query.QR_NODE)


def _InstanceContext(cfg, rpc, wanted, names):
  cluster = cfg.GetClusterInfo()
  instances = _SelectByName(cfg.GetAllInstancesInfo().values(), names,
                            "Instance")
  nodes = cfg.GetAllNodesInfo()
  offline = [u for u, n in nodes.items() if n.offline]
  live_data = {}
  bad_nodes = []
  wrongnode = []
  # the console of an instance is known only while it runs
  if (query.IQ_LIVE in wanted or query.IQ_CONSOLES in wanted) and instances:
    pnodes = sorted(set(i.primary_node for i in instances) - set(offline))
    hvs = list(cluster.enabled_hypervisors)
    hvparams = dict((hv, cluster.hvparams.get(hv, {})) for hv in hvs)
    results = rpc.call_all_instances_info(pnodes, hvs, hvparams)
    by_name = dict((i.name, i) for i in instances)
    for node_uuid, res in results.items():
      if res.offline or res.fail_msg:
        bad_nodes.append(node_uuid)
        if res.fail_msg:
          logging.warning("Can't get instance data from node %s: %s",
                          node_uuid, res.fail_msg)
        continue
      for iname, info in (res.payload or {}).items():
        inst = by_name.get(iname)
        if inst is None:
          continue
        if inst.primary_node == node_uuid:
          live_data[inst.uuid] = info
        else:
          wrongnode.append(inst.uuid)
  disk_usage = None
  if query.IQ_DISKUSAGE in wanted:
    from ganeti.cmdlib.iallocator_data import ComputeDiskSize
    disk_usage = dict(
      (i.uuid, ComputeDiskSize(cfg.GetInstanceDiskTemplate(i.uuid),
                               [{constants.IDISK_SIZE: d.size}
                                for d in cfg.GetInstanceDisks(i.uuid)]))
      for i in instances)
  console = None
  if query.IQ_CONSOLES in wanted:
    console = dict((i.uuid, InstanceConsole(cfg, i)) for i in instances
                   if i.uuid in live_data)
  return query.InstanceQueryData(
    instances, cluster, disk_usage=disk_usage, offline_node_uuids=offline,
    bad_node_uuids=bad_nodes, live_data=live_data, wrongnode_inst=wrongnode,
    console=console, nodes=nodes, groups=cfg.GetAllNodeGroupsInfo(),
    networks=dict(cfg.GetConfigData().networks), disks=cfg.GetAllDisksInfo())


def InstanceConsole(cfg, instance):
  """The console description (a dict) of a running instance, or None.

  The hypervisor class describes it (``GetInstanceConsole``, a class
  method computing it from the instance and its filled parameters, as in
  Ganeti); hypervisors that can't, or aren't available, give None.
  """
  from ganeti import hypervisor
  try:
    hv_class = hypervisor.GetHypervisorClass(instance.hypervisor)
  except errors.HypervisorError:
    return None
  static = inspect.getattr_static(hv_class, "GetInstanceConsole", None)
  if static is None:
    return None
  if isinstance(static, (classmethod, staticmethod)):
    describe = hv_class.GetInstanceConsole
  else:
    # computed by an instance of the driver (its paths are this node's)
    describe = hv_class().GetInstanceConsole
  cluster = cfg.GetClusterInfo()
  node = cfg.GetNodeInfo(instance.primary_node)
  group = cfg.GetNodeGroup(node.group) if node is not None else None
  console = describe(instance, node, group, cluster.FillHV(instance),
                     cluster.FillBE(instance))
  if console and console.get("command") and vcluster.IsVirtual() and \
      node is not None:
    # A virtual node's files live below its own root: the paths the
    # master computed below its root name the primary node's instead
    master_root = vcluster.GetEnv()[0]
    node_root = os.path.join(vcluster.GetBaseDir(), node.name)
    console["command"] = [arg.replace(master_root + "/", node_root + "/")
                          for arg in console["command"]]
  return console


def _StorageUnit(cluster):
  """The storage unit reported as dtotal/dfree (first enabled template)."""
  for dt in cluster.enabled_disk_templates:
    if dt in constants.DTS_FILEBASED:
      return [constants.MAP_DISK_TEMPLATE_STORAGE_TYPE[dt],
              cluster.file_storage_dir if dt == constants.DT_FILE
              else cluster.shared_file_storage_dir, []]
    if dt in (constants.DT_PLAIN, constants.DT_DRBD8):
      return [constants.ST_LVM_VG, cluster.volume_group_name, []]
  return None


def NodeLiveData(cfg, rpc, node_uuids):
  """node UUID -> live dict (mtotal, mfree, dtotal, ...) for answering
  nodes."""
  cluster = cfg.GetClusterInfo()
  unit = _StorageUnit(cluster)
  hv = cluster.enabled_hypervisors[0]
  results = rpc.call_node_info(node_uuids, [unit] if unit else [],
                               [[hv, cluster.hvparams.get(hv, {})]])
  live = {}
  for node_uuid, res in results.items():
    if res.offline or res.fail_msg:
      continue
    (bootid, storage, hvinfo) = res.payload
    data = {"bootid": bootid}
    if hvinfo:
      h = hvinfo[0]
      data.update({"mtotal": h.get("memory_total"),
                   "mfree": h.get("memory_free"),
                   "mnode": h.get("memory_dom0"),
                   "ctotal": h.get("cpu_total"),
                   "cnodes": h.get("cpu_nodes"),
                   "csockets": h.get("cpu_sockets"),
                   "cnos": h.get("cpu_dom0")})
    if storage:
      s = storage[0]
      data.update({"dtotal": s.get("storage_size"),
                   "dfree": s.get("storage_free"),
                   "sptotal": s.get("spindles_total", 0),
                   "spfree": s.get("spindles_free", 0)})
    live[node_uuid] = data
  return live


def _NodeContext(cfg, rpc, wanted, names):
  nodes = _SelectByName(cfg.GetAllNodesInfo().values(), names, "Node")
  live = {}
  if query.NQ_LIVE in wanted:
    online = [n.uuid for n in nodes if not n.offline]
    if online:
      live = NodeLiveData(cfg, rpc, online)
  node_to_primary = dict((n.uuid, set()) for n in nodes)
  node_to_secondary = dict((n.uuid, set()) for n in nodes)
  inst_names = {}
  if query.NQ_INST in wanted:
    for inst in cfg.GetAllInstancesInfo().values():
      inst_names[inst.uuid] = inst.name
      if inst.primary_node in node_to_primary:
        node_to_primary[inst.primary_node].add(inst.uuid)
      for snode in cfg.GetInstanceSecondaryNodes(inst.uuid):
        if snode in node_to_secondary:
          node_to_secondary[snode].add(inst.uuid)
  return query.NodeQueryData(nodes, live, cfg.GetMasterNode(),
                             node_to_primary, node_to_secondary, inst_names,
                             cfg.GetAllNodeGroupsInfo(),
                             _NodeOobSupport(cfg, nodes, wanted),
                             cfg.GetClusterInfo())


def _NodeOobSupport(cfg, nodes, wanted):
  """node UUID -> whether the node has an OOB program (NQ_OOB)."""
  if query.NQ_OOB not in wanted:
    return {}
  cluster = cfg.GetClusterInfo()
  groups = cfg.GetAllNodeGroupsInfo()
  result = {}
  for node in nodes:
    group = groups.get(node.group)
    ndparams = cluster.FillND(node, group) if group is not None else \
      cluster.SimpleFillND(node.ndparams or {})
    result[node.uuid] = bool(ndparams.get(constants.ND_OOB_PROGRAM))
  return result


def _GroupContext(cfg, wanted):
  groups = cfg.GetAllNodeGroupsInfo()
  group_to_nodes = dict((u, []) for u in groups)
  group_to_instances = dict((u, []) for u in groups)
  nodes = cfg.GetAllNodesInfo()
  for node in nodes.values():
    group_to_nodes.setdefault(node.group, []).append(node.name)
  for inst in cfg.GetAllInstancesInfo().values():
    node = nodes.get(inst.primary_node)
    if node is not None:
      group_to_instances.setdefault(node.group, []).append(inst.name)
  return query.GroupQueryData(cfg.GetClusterInfo(), groups.values(),
                              group_to_nodes, group_to_instances,
                              want_diskparams=query.GQ_DISKPARAMS in wanted)


def DiagnoseOSRaw(cfg, rpc):
  """{os name: {node name: [(path, status, diagnose, variants, params,
  api_versions, trusted), ...]}} from every online vm-capable node."""
  nodes = [n for n in cfg.GetAllNodesInfo().values()
           if not n.offline and n.vm_capable]
  results = rpc.call_os_diagnose([n.uuid for n in nodes])
  all_os = {}
  for node in nodes:
    res = results.get(node.uuid)
    if res is None or res.fail_msg or not res.payload:
      continue
    for entry in res.payload:
      (name, path, status, diagnose, variants, params, api_versions) = \
        entry[:7]
      trusted = entry[7] if len(entry) > 7 else True
      # variants and API versions stay in the order of the OS's files
      # (gnt-os diagnose prints them so)
      all_os.setdefault(name, {}).setdefault(node.uuid, []).append(
        (path, status, diagnose, list(variants or []),
         [tuple(p) for p in params or []], list(api_versions or []),
         trusted))
  return (nodes, all_os)


def _OsContext(cfg, rpc):
  cluster = cfg.GetClusterInfo()
  (nodes, all_os) = DiagnoseOSRaw(cfg, rpc)
  node_uuids = [n.uuid for n in nodes]
  result = []
  for name, per_node in sorted(all_os.items()):
    valid = True
    variants = None
    parameters = None
    api_versions = None
    trusted = True
    node_status = {}
    for node_uuid in node_uuids:
      entries = per_node.get(node_uuid)
      node_status[node_uuid] = [
        [e[0], e[1], e[2], list(e[3]), e[4], list(e[5]), e[6]]
        for e in entries or []]
      if not entries or not entries[0][1]:
        valid = False
        continue
      (_, _, _, nvar, nparams, napi, ntrusted) = entries[0]
      nvar = set(nvar)
      napi = set(napi)
      variants = nvar if variants is None else variants & nvar
      pset = set(nparams)
      parameters = pset if parameters is None else parameters & pset
      api_versions = napi if api_versions is None else api_versions & napi
      trusted = trusted and ntrusted
    result.append(query.OsInfo(
      name, valid, name in cluster.hidden_os, name in cluster.blacklisted_os,
      utils.NiceSort(variants or []), sorted(api_versions or []),
      sorted(parameters or []), node_status, trusted=trusted))
  return result


def ExportList(cfg, rpc, node_uuids=None):
  """{node name: sorted export names, or None if the node failed}."""
  if node_uuids is None:
    node_uuids = cfg.GetNodeList()
  answers = rpc.call_export_list(node_uuids)
  result = {}
  for node_uuid in node_uuids:
    res = answers[node_uuid]
    name = cfg.GetNodeName(node_uuid)
    result[name] = None if res.fail_msg else sorted(res.payload or [])
  return result


def ExportContext(cfg, rpc):
  """Query(export) items: (node name, export name or None on failure)."""
  items = []
  for (node, exports) in ExportList(cfg, rpc).items():
    if exports is None:
      items.append((node, None))
    else:
      items.extend((node, name) for name in exports)
  return items


def DiagnoseOS(cfg, rpc, output_fields, names):
  """OP_OS_DIAGNOSE: old-style rows for the requested OS fields."""
  q = query.Query(query.OS_FIELDS, output_fields, namefield="name")
  ctx = _OsContext(cfg, rpc)
  if names:
    ctx = [o for o in ctx if o.name in names]
  return q.OldStyleQuery(ctx)


def ClusterInfo(cfg):
  """The data of ``gnt-cluster info`` (LUXI QueryClusterInfo)."""
  import platform
  cluster = cfg.GetClusterInfo()
  os_hvp = {}
  for os_name, hv_dict in cluster.os_hvp.items():
    os_hvp[os_name] = {}
    for hv_name, hv_params in hv_dict.items():
      if hv_name in cluster.enabled_hypervisors:
        os_hvp[os_name][hv_name] = hv_params
  return {
    "software_version": constants.RELEASE_VERSION,
    "protocol_version": constants.PROTOCOL_VERSION,
    "config_version": constants.CONFIG_VERSION,
    "os_api_version": max(constants.OS_API_VERSIONS),
    "export_version": constants.EXPORT_VERSION,
    "vcs_version": constants.VCS_VERSION,
    "architecture": ("%ss" % platform.architecture()[0], platform.machine()),
    "name": cluster.cluster_name,
    "master": cfg.GetMasterNodeName(),
    "default_hypervisor": cluster.primary_hypervisor,
    "enabled_hypervisors": cluster.enabled_hypervisors,
    "hvparams": dict((hv, cluster.hvparams[hv])
                     for hv in cluster.enabled_hypervisors),
    "os_hvp": os_hvp,
    "beparams": cluster.beparams,
    "osparams": cluster.osparams,
    "ipolicy": cluster.ipolicy,
    "nicparams": cluster.nicparams,
    "ndparams": cluster.ndparams,
    "diskparams": cluster.diskparams,
    "candidate_pool_size": cluster.candidate_pool_size,
    "max_running_jobs": cluster.max_running_jobs,
    "max_tracked_jobs": cluster.max_tracked_jobs,
    "mac_prefix": cluster.mac_prefix,
    "master_netdev": cluster.master_netdev,
    "master_netmask": cluster.master_netmask,
    "use_external_mip_script": cluster.use_external_mip_script,
    "volume_group_name": cluster.volume_group_name,
    "drbd_usermode_helper": cluster.drbd_usermode_helper,
    "file_storage_dir": cluster.file_storage_dir,
    "shared_file_storage_dir": cluster.shared_file_storage_dir,
    "gluster_storage_dir": cluster.gluster_storage_dir,
    "maintain_node_health": cluster.maintain_node_health,
    "ctime": cluster.ctime,
    "mtime": cluster.mtime,
    "uuid": cluster.uuid,
    "tags": sorted(cluster.GetTags()),
    "uid_pool": cluster.uid_pool,
    "default_iallocator": cluster.default_iallocator,
    "default_iallocator_params": cluster.default_iallocator_params,
    "reserved_lvs": cluster.reserved_lvs,
    "primary_ip_version": 6 if cluster.primary_ip_family ==
    constants.PRIMARY_IP_FAMILY_V6 else 4,
    "prealloc_wipe_disks": cluster.prealloc_wipe_disks,
    "hidden_os": cluster.hidden_os,
    "blacklisted_os": cluster.blacklisted_os,
    "enabled_disk_templates": cluster.enabled_disk_templates,
    "install_image": cluster.install_image,
    "instance_communication_network":
      cluster.instance_communication_network,
    "zeroing_image": cluster.zeroing_image,
    "compression_tools": cluster.compression_tools,
    "enabled_user_shutdown": cluster.enabled_user_shutdown,
    "modify_etc_hosts": cluster.modify_etc_hosts,
    "modify_ssh_setup": cluster.modify_ssh_setup,
    "ssh_key_type": cluster.ssh_key_type,
    "ssh_key_bits": cluster.ssh_key_bits,
    "data_collectors": cluster.data_collectors,
    "os_search_path": list(constants.OS_SEARCH_PATH),
    "es_search_path": list(constants.ES_SEARCH_PATH),
  }


def ConfigValues(cfg, context, fields):
  """LUXI QueryConfigValues."""
  import os
  values = []
  for field in fields:
    if field == "cluster_name":
      values.append(cfg.GetClusterName())
    elif field == "master_node":
      values.append(cfg.GetMasterNodeName())
    elif field == "drain_flag":
      values.append(os.path.exists(pathutils.Get().JOB_QUEUE_DRAIN_FILE))
    elif field == "watcher_pause":
      values.append(_WatcherPause())
    elif field == "volume_group_name":
      values.append(cfg.GetClusterInfo().volume_group_name)
    else:
      raise errors.ParameterError(field)
  return values


def InstanceQueryData(cfg, rpc, inst_uuids, static):
  """OP_INSTANCE_QUERY_DATA: {name: detailed dict} for gnt-instance info."""
  from ganeti import masterquery_disks
  cluster = cfg.GetClusterInfo()
  result = {}
  for uuid in inst_uuids:
    inst = cfg.GetInstanceInfo(uuid)
    pnode = cfg.GetNodeInfo(inst.primary_node)
    run_state = None
    if not static:
      if pnode.offline:
        run_state = None
      else:
        res = rpc.call_instance_info(inst.primary_node, inst.name,
                                     inst.hypervisor, cluster.FillHV(inst))
        res.Raise("Error checking node %s" % pnode.name)
        run_state = "up" if res.payload else "down"
    disk_info = [masterquery_disks.ComputeDiskStatus(
                   cfg, rpc, inst, None, disk, static or pnode.offline)
                 for disk in cfg.GetInstanceDisks(uuid)]
    group = cfg.GetNodeGroup(pnode.group)
    result[inst.name] = {
      "name": inst.name, "config_state": inst.admin_state,
      "run_state": run_state, "pnode": pnode.name,
      "pnode_group_uuid": group.uuid, "pnode_group_name": group.name,
      "snodes": cfg.GetNodeNames(cfg.GetInstanceSecondaryNodes(uuid)),
      "snodes_group_uuids": [], "snodes_group_names": [],
      "os": inst.os, "nics": [_NicInfo(cluster, n) for n in inst.nics],
      "disk_template": cfg.GetInstanceDiskTemplate(uuid),
      "disks": disk_info, "hypervisor": inst.hypervisor,
      "network_port": inst.network_port,
      "hv_instance": inst.hvparams, "hv_actual": cluster.FillHV(inst,
                                                                 True),
      "be_instance": inst.beparams, "be_actual": cluster.FillBE(inst),
      "os_instance": osparams.WithMaskedPrivate(inst.osparams,
                                                inst.osparams_private),
      "os_actual": osparams.WithMaskedPrivate(
        cluster.SimpleFillOS(inst.os, inst.osparams),
        objects.FillDict(cluster.osparams_private_cluster.get(
          objects.OS.GetName(inst.os)) or {}, inst.osparams_private or {})),
      "serial_no": inst.serial_no, "mtime": inst.mtime,
      "ctime": inst.ctime, "uuid": inst.uuid,
    }
  return result


def _NicInfo(cluster, nic):
  params = cluster.SimpleFillNIC(nic.nicparams or {})
  return (nic.name, nic.uuid, nic.ip, nic.mac, params.get("mode"),
          params.get("link"), params.get("vlan"), nic.network, None)


