"""The cluster part of the iallocator input message (protocol version 2).

:func:`BuildInput` puts together the keys every request carries
(``version``, ``cluster_name``, ``cluster_tags``, ``enabled_hypervisors``,
``ipolicy``, ``nodegroups``, ``nodes``, ``instances``) around a request
dict, as ``doc/iallocator.rst`` describes them.  Node resources come from
the ``node_info`` and ``all_instances_info`` RPCs of online, undrained,
vm_capable nodes; the other nodes carry only their static data.
"""

from ganeti import constants
from ganeti.htools import simple

#: Extra space the DRBD metadata takes per disk (MiB)
DRBD_META_SIZE = simple.DRBD_META_SIZE


def ComputeDiskSize(disk_template, disks):
  """Node disk space (MiB) the disks of an instance use on each node.

  @param disks: list of dicts with at least ``size``
  """
  sizes = [int(d[constants.IDISK_SIZE]) for d in disks]
  if disk_template in (constants.DT_DISKLESS, constants.DT_BLOCK):
    return 0
  if disk_template == constants.DT_DRBD8:
    return sum(size + DRBD_META_SIZE for size in sizes)
  return sum(sizes)


def _StorageUnit(cluster, disk_template):
  """The [type, key, params] storage unit whose space the nodes report.

  The unit of the request's template when it has node storage, else the
  one of the first enabled template that has (as ``gnt-node list`` shows).
  """
  templates = [disk_template] if disk_template else []
  templates += list(cluster.enabled_disk_templates)
  for template in templates:
    if template == constants.DT_FILE:
      return [constants.ST_FILE, cluster.file_storage_dir, []]
    if template == constants.DT_SHARED_FILE:
      return [constants.ST_SHARED_FILE, cluster.shared_file_storage_dir, []]
    if template in (constants.DT_PLAIN, constants.DT_DRBD8):
      return [constants.ST_LVM_VG, cluster.volume_group_name, []]
  return None


def ComputeDynamicNodeData(cfg, rpc_runner, node_uuids, hypervisor,
                           disk_template):
  """node UUID -> resource dict (the input's dynamic node keys).

  Free memory is the hypervisor's, minus what stopped instances would need
  to run (their maxmem) and what running ones may still grow to.  Nodes
  whose RPC fails are left out (they then look like offline nodes).
  """
  if not node_uuids:
    return {}
  cluster = cfg.GetClusterInfo()
  unit = _StorageUnit(cluster, disk_template)
  hvparams = cluster.hvparams.get(hypervisor, {})
  infos = rpc_runner.call_node_info(node_uuids, [unit] if unit else [],
                                    [[hypervisor, hvparams]])
  running = rpc_runner.call_all_instances_info(node_uuids, [hypervisor],
                                               {hypervisor: hvparams})
  instances = cfg.GetAllInstancesInfo().values()
  result = {}
  for uuid in node_uuids:
    res = infos.get(uuid)
    if res is None or res.offline or res.fail_msg:
      continue
    if not isinstance(res.payload, (list, tuple)) or len(res.payload) != 3:
      continue
    (_, storage, hvinfo) = res.payload
    hv = hvinfo[0] if hvinfo else {}
    disk = storage[0] if storage else {}
    live = running.get(uuid)
    live = (live.payload if live is not None and not live.fail_msg and
            not live.offline else None) or {}
    mem_free = int(hv.get("memory_free") or 0)
    pri_mem = 0
    pri_up_mem = 0
    for inst in instances:
      if inst.primary_node != uuid:
        continue
      maxmem = cluster.FillBE(inst)[constants.BE_MAXMEM]
      pri_mem += maxmem
      used = int((live.get(inst.name) or {}).get("memory") or 0)
      mem_free -= max(0, maxmem - used)
      if inst.admin_state == constants.ADMINST_UP:
        pri_up_mem += maxmem
    result[uuid] = {
      "total_memory": int(hv.get("memory_total") or 0),
      "reserved_memory": int(hv.get("memory_dom0") or 0),
      "free_memory": mem_free,
      "total_disk": int(disk.get("storage_size") or 0),
      "free_disk": int(disk.get("storage_free") or 0),
      "total_spindles": int(disk.get("spindles_total") or 0),
      "free_spindles": int(disk.get("spindles_free") or 0),
      "total_cpus": int(hv.get("cpu_total") or 0),
      "reserved_cpus": int(hv.get("cpu_dom0") or 0),
      "i_pri_memory": pri_mem,
      "i_pri_up_memory": pri_up_mem,
      }
  return result


def _NodeGroupData(cfg):
  cluster = cfg.GetClusterInfo()
  return dict((uuid, {
    "name": group.name,
    "alloc_policy": group.alloc_policy,
    "networks": sorted(group.networks or {}),
    "ipolicy": cluster.SimpleFillIPolicy(group.ipolicy or {}),
    "tags": sorted(group.GetTags()),
    }) for (uuid, group) in cfg.GetAllNodeGroupsInfo().items())


def _NodeData(cfg, dynamic, whitelist):
  cluster = cfg.GetClusterInfo()
  groups = cfg.GetAllNodeGroupsInfo()
  result = {}
  for node in cfg.GetAllNodesInfo().values():
    group = groups.get(node.group)
    ndparams = cluster.FillND(node, group) if group is not None else \
      cluster.SimpleFillND(node.ndparams or {})
    data = {
      "tags": sorted(node.GetTags()),
      "primary_ip": node.primary_ip,
      "secondary_ip": node.secondary_ip,
      "offline": bool(node.offline) or (whitelist is not None and
                                        node.uuid not in whitelist),
      "drained": bool(node.drained),
      "master_candidate": bool(node.master_candidate),
      "group": node.group,
      "master_capable": bool(node.master_capable),
      "vm_capable": bool(node.vm_capable),
      "ndparams": ndparams,
      }
    data.update(dynamic.get(node.uuid, {}))
    result[node.name] = data
  return result


def _InstanceData(cfg):
  cluster = cfg.GetClusterInfo()
  result = {}
  for inst in cfg.GetAllInstancesInfo().values():
    bep = cluster.FillBE(inst)
    nics = []
    for nic in inst.nics or []:
      params = cluster.SimpleFillNIC(nic.nicparams or {})
      entry = {"mac": nic.mac, "ip": nic.ip,
               "mode": params[constants.NIC_MODE],
               "link": params[constants.NIC_LINK]}
      if params[constants.NIC_MODE] == constants.NIC_MODE_BRIDGED:
        entry["bridge"] = params[constants.NIC_LINK]
      nics.append(entry)
    disks = [{constants.IDISK_SIZE: d.size, constants.IDISK_MODE: d.mode,
              constants.IDISK_SPINDLES: d.spindles}
             for d in cfg.GetInstanceDisks(inst.uuid)]
    template = cfg.GetInstanceDiskTemplate(inst.uuid)
    nodes = [cfg.GetNodeName(inst.primary_node)] + \
      cfg.GetNodeNames(cfg.GetInstanceSecondaryNodes(inst.uuid))
    result[inst.name] = {
      "tags": sorted(inst.GetTags()),
      "admin_state": inst.admin_state,
      "admin_state_source": inst.admin_state_source,
      "vcpus": bep[constants.BE_VCPUS],
      "memory": bep[constants.BE_MAXMEM],
      "spindle_use": bep[constants.BE_SPINDLE_USE],
      "os": inst.os,
      "nodes": nodes,
      "nics": nics,
      "disks": disks,
      "disk_template": template,
      "disks_active": bool(inst.disks_active),
      "hypervisor": inst.hypervisor,
      "disk_space_total": ComputeDiskSize(template, disks),
      }
  return result


def BuildInput(cfg, rpc_runner, request, hypervisor, disk_template,
               live_data=None, node_whitelist=None):
  """The complete input message (a dict) for ``request``.

  @param live_data: replaces L{ComputeDynamicNodeData} (same signature)
  @param node_whitelist: node UUIDs the allocator may use (None: all);
      the others are marked offline and carry no resource data
  """
  cluster = cfg.GetClusterInfo()
  wanted = [n.uuid for n in cfg.GetAllNodesInfo().values()
            if not n.offline and not n.drained and n.vm_capable and
            (node_whitelist is None or n.uuid in node_whitelist)]
  fn = live_data or ComputeDynamicNodeData
  dynamic = fn(cfg, rpc_runner, wanted, hypervisor, disk_template)
  return {
    "version": constants.IALLOCATOR_VERSION,
    "cluster_name": cluster.cluster_name,
    "cluster_tags": sorted(cluster.GetTags()),
    "enabled_hypervisors": list(cluster.enabled_hypervisors),
    "ipolicy": cluster.SimpleFillIPolicy({}),
    "nodegroups": _NodeGroupData(cfg),
    "nodes": _NodeData(cfg, dynamic, node_whitelist),
    "instances": _InstanceData(cfg),
    "request": request,
    }
