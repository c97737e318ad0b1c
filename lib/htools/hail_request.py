"""Building iallocator requests from cluster data (tests, benchmarks).

:func:`BuildRequest` writes the document Ganeti's master would hand an
iallocator for a :class:`~ganeti.htools.loader.ClusterData` (as loaded
from a text file, e.g. one written by ``gencluster``) and a request
dict; :func:`AllocateRequest` and friends build the request dicts.  The
document follows ``doc/iallocator.rst`` (version 2 of the protocol).
"""

import json

from ganeti.htools import types as T

_ADMIN_STATE = {T.ST_ADMIN_DOWN: "down", T.ST_ADMIN_OFFLINE: "offline",
                T.ST_USER_DOWN: "down"}


def _ISpec(spec):
  return {"memory-size": spec.mem_size, "cpu-count": spec.cpu_count,
          "disk-size": spec.disk_size, "disk-count": spec.disk_count,
          "nic-count": spec.nic_count, "spindle-use": spec.spindle_use}


def IPolicyDict(pol):
  return {"minmax": [{"min": _ISpec(mn), "max": _ISpec(mx)}
                     for (mn, mx) in pol.minmax],
          "std": _ISpec(pol.std), "disk-templates": list(pol.disk_templates),
          "vcpu-ratio": pol.vcpu_ratio, "spindle-ratio": pol.spindle_ratio}


def _Node(cdata, node):
  return {
    "total_memory": node.t_mem, "reserved_memory": node.n_mem,
    "free_memory": node.f_mem, "total_disk": node.t_dsk,
    "free_disk": node.f_dsk, "total_cpus": node.t_cpu,
    "reserved_cpus": node.n_cpu, "offline": node.offline,
    "drained": node.drained, "vm_capable": True,
    "group": cdata.groups[node.group].uuid, "tags": list(node.tags),
    "ndparams": {"spindle_count": node.t_spindles,
                 "exclusive_storage": node.excl_storage},
    "total_spindles": node.t_spindles, "free_spindles": node.f_spindles,
    "master_candidate": True, "master_capable": True,
  }


def _Disks(inst):
  sizes = inst.disks or [inst.dsk]
  return [{"size": size, "mode": "rw"} for size in sizes]


def InstanceDict(cdata, inst, with_nodes=True):
  data = {
    "memory": inst.mem, "vcpus": inst.vcpus, "disk_space_total": inst.dsk,
    "disks": _Disks(inst), "disk_template": inst.disk_template,
    "spindle_use": inst.spindle_use, "tags": list(inst.all_tags),
    "nics": [], "admin_state": _ADMIN_STATE.get(inst.run_st, "up"),
    "hypervisor": "xen-pvm", "os": "debian-image",
  }
  if with_nodes:
    nodes = [cdata.nodes[inst.pnode].name]
    if inst.snode >= 0:
      nodes.append(cdata.nodes[inst.snode].name)
    data["nodes"] = nodes
  return data


def BuildRequest(cdata, request, hypervisor="xen-pvm"):
  """The iallocator document (JSON text) for ``cdata`` and ``request``."""
  doc = {
    "version": 2,
    "cluster_name": "cluster",
    "cluster_tags": list(cdata.tags),
    "enabled_hypervisors": [hypervisor],
    "ipolicy": IPolicyDict(cdata.ipolicy),
    "nodegroups": dict((g.uuid, {"name": g.name,
                                 "alloc_policy": g.alloc_policy,
                                 "networks": list(g.networks),
                                 "tags": list(g.tags),
                                 "ipolicy": IPolicyDict(g.ipolicy)})
                       for g in cdata.groups),
    "nodes": dict((n.name, _Node(cdata, n)) for n in cdata.nodes),
    "instances": dict((i.name, InstanceDict(cdata, i))
                      for i in cdata.instances),
    "request": request,
  }
  return json.dumps(doc, indent=1)


def AllocateRequest(name, mem, disk, vcpus, template, nodes=None,
                    group=None):
  req = {"type": "allocate", "name": name, "memory": mem, "vcpus": vcpus,
         "disk_space_total": disk if template in T.LOCAL_STORAGE_TEMPLATES
         else 0, "disks": [{"size": disk, "mode": "rw"}],
         "disk_template": template, "spindle_use": 1, "tags": [],
         "nics": [], "os": "debian-image", "hypervisor": "xen-pvm",
         "required_nodes": nodes or (2 if template == T.DT_DRBD8 else 1)}
  if template == T.DT_DRBD8:
    req["disk_space_total"] = disk + 128
  if group is not None:
    req["group_name"] = group
  return req


def MultiAllocateRequest(allocs):
  return {"type": "multi-allocate", "instances": allocs}


def RelocateRequest(name, from_nodes):
  return {"type": "relocate", "name": name, "required_nodes": 1,
          "relocate_from": list(from_nodes)}


def NodeEvacRequest(names, mode):
  return {"type": "node-evacuate", "instances": list(names),
          "evac_mode": mode}


def ChangeGroupRequest(names, groups=()):
  return {"type": "change-group", "instances": list(names),
          "target_groups": list(groups)}
