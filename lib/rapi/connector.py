"""The RAPI URI table: path template -> resource class.

This table is the single truth about which paths exist: the daemon routes
with it, :mod:`ganeti.rapi.openapi` describes it and ``doc/rapi.rst`` is
checked against it.  A template's ``[name]`` parts are path variables;
:data:`VARIABLES` gives the pattern each one matches.
"""

import re

from ganeti.rapi import rlib2_cluster as cl
from ganeti.rapi import rlib2_groups as grp
from ganeti.rapi import rlib2_instances as inst
from ganeti.rapi import rlib2_jobs as jobs
from ganeti.rapi import rlib2_networks as net
from ganeti.rapi import rlib2_nodes as nodes
from ganeti.rapi import rlib2_tags as tags

_NAME = r"[\w\._-]+"

#: Path variable -> (regular expression, description)
VARIABLES = {
  "instance_name": (_NAME, "Instance name"),
  "node_name": (_NAME, "Node name"),
  "group_name": (_NAME, "Node group name"),
  "network_name": (_NAME, "Network name"),
  "job_id": (r"\d+", "Job id"),
  "disk_index": (r"\d+", "Disk index"),
  "filter_uuid": (r"[a-fA-F0-9-]+", "Filter rule UUID"),
  "resource": ("|".join(cl.QR_VIA_RAPI), "Query resource (one of %s)" %
               ", ".join(cl.QR_VIA_RAPI)),
}

#: (path template, resource class), in documentation order
URI_TABLE = [
  ("/", cl.R_root),
  ("/version", cl.R_version),
  ("/2", cl.R_2),
  ("/2/info", cl.R_2_info),
  ("/2/features", cl.R_2_features),
  ("/2/openapi.json", cl.R_2_openapi),
  ("/2/modify", cl.R_2_cluster_modify),
  ("/2/redistribute-config", cl.R_2_redist_config),
  ("/2/tags", tags.R_2_tags),
  ("/2/os", cl.R_2_os),
  ("/2/filters", cl.R_2_filters),
  ("/2/filters/[filter_uuid]", cl.R_2_filters_uuid),
  ("/2/query/[resource]", cl.R_2_query),
  ("/2/query/[resource]/fields", cl.R_2_query_fields),
  ("/2/instances", inst.R_2_instances),
  ("/2/instances-multi-alloc", inst.R_2_instances_multi_alloc),
  ("/2/instances/[instance_name]", inst.R_2_instances_name),
  ("/2/instances/[instance_name]/info", inst.R_2_instances_name_info),
  ("/2/instances/[instance_name]/reboot", inst.R_2_instances_name_reboot),
  ("/2/instances/[instance_name]/shutdown",
   inst.R_2_instances_name_shutdown),
  ("/2/instances/[instance_name]/startup", inst.R_2_instances_name_startup),
  ("/2/instances/[instance_name]/reinstall",
   inst.R_2_instances_name_reinstall),
  ("/2/instances/[instance_name]/replace-disks",
   inst.R_2_instances_name_replace_disks),
  ("/2/instances/[instance_name]/activate-disks",
   inst.R_2_instances_name_activate_disks),
  ("/2/instances/[instance_name]/deactivate-disks",
   inst.R_2_instances_name_deactivate_disks),
  ("/2/instances/[instance_name]/recreate-disks",
   inst.R_2_instances_name_recreate_disks),
  ("/2/instances/[instance_name]/disk/[disk_index]/grow",
   inst.R_2_instances_name_disk_grow),
  ("/2/instances/[instance_name]/prepare-export",
   inst.R_2_instances_name_prepare_export),
  ("/2/instances/[instance_name]/export", inst.R_2_instances_name_export),
  ("/2/instances/[instance_name]/migrate", inst.R_2_instances_name_migrate),
  ("/2/instances/[instance_name]/failover",
   inst.R_2_instances_name_failover),
  ("/2/instances/[instance_name]/rename", inst.R_2_instances_name_rename),
  ("/2/instances/[instance_name]/modify", inst.R_2_instances_name_modify),
  ("/2/instances/[instance_name]/console", inst.R_2_instances_name_console),
  ("/2/instances/[instance_name]/change-group",
   inst.R_2_instances_name_change_group),
  ("/2/instances/[instance_name]/tags", tags.R_2_instances_name_tags),
  ("/2/jobs", jobs.R_2_jobs),
  ("/2/jobs/[job_id]", jobs.R_2_jobs_id),
  ("/2/jobs/[job_id]/wait", jobs.R_2_jobs_id_wait),
  ("/2/nodes", nodes.R_2_nodes),
  ("/2/nodes/[node_name]", nodes.R_2_nodes_name),
  ("/2/nodes/[node_name]/powercycle", nodes.R_2_nodes_name_powercycle),
  ("/2/nodes/[node_name]/role", nodes.R_2_nodes_name_role),
  ("/2/nodes/[node_name]/evacuate", nodes.R_2_nodes_name_evacuate),
  ("/2/nodes/[node_name]/migrate", nodes.R_2_nodes_name_migrate),
  ("/2/nodes/[node_name]/modify", nodes.R_2_nodes_name_modify),
  ("/2/nodes/[node_name]/storage", nodes.R_2_nodes_name_storage),
  ("/2/nodes/[node_name]/storage/modify",
   nodes.R_2_nodes_name_storage_modify),
  ("/2/nodes/[node_name]/storage/repair",
   nodes.R_2_nodes_name_storage_repair),
  ("/2/nodes/[node_name]/tags", tags.R_2_nodes_name_tags),
  ("/2/groups", grp.R_2_groups),
  ("/2/groups/[group_name]", grp.R_2_groups_name),
  ("/2/groups/[group_name]/modify", grp.R_2_groups_name_modify),
  ("/2/groups/[group_name]/rename", grp.R_2_groups_name_rename),
  ("/2/groups/[group_name]/assign-nodes", grp.R_2_groups_name_assign_nodes),
  ("/2/groups/[group_name]/tags", tags.R_2_groups_name_tags),
  ("/2/networks", net.R_2_networks),
  ("/2/networks/[network_name]", net.R_2_networks_name),
  ("/2/networks/[network_name]/modify", net.R_2_networks_name_modify),
  ("/2/networks/[network_name]/connect", net.R_2_networks_name_connect),
  ("/2/networks/[network_name]/disconnect",
   net.R_2_networks_name_disconnect),
  ("/2/networks/[network_name]/rename", net.R_2_networks_name_rename),
  ("/2/networks/[network_name]/tags", tags.R_2_networks_name_tags),
]

_VAR_RE = re.compile(r"\[(\w+)\]")


def TemplateVariables(template):
  """The variable names of a path template, in order."""
  return _VAR_RE.findall(template)


def _Compile(template):
  parts = []
  pos = 0
  for match in _VAR_RE.finditer(template):
    parts.append(re.escape(template[pos:match.start()]))
    parts.append("(%s)" % VARIABLES[match.group(1)][0])
    pos = match.end()
  parts.append(re.escape(template[pos:]))
  return re.compile("^%s$" % "".join(parts))


_EXACT = dict((t, cls) for (t, cls) in URI_TABLE if "[" not in t)
_PATTERNS = [(_Compile(t), t, cls) for (t, cls) in URI_TABLE if "[" in t]


def Lookup(path):
  """Route a path: (template, resource class, [items]) or None.

  A trailing slash is ignored (except for ``/``).
  """
  if len(path) > 1 and path.endswith("/"):
    path = path.rstrip("/") or "/"
  cls = _EXACT.get(path)
  if cls is not None:
    return (path, cls, [])
  for (rx, template, cls) in _PATTERNS:
    match = rx.match(path)
    if match:
      return (template, cls, list(match.groups()))
  return None
