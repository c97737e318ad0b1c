"""The LUXI backend of the htools (``-L [SOCKET]``): a live cluster.

Queries groups, nodes and instances over the master's LUXI socket with
the fields upstream's htools ask for, and builds the same
:class:`~ganeti.htools.loader.ClusterData` as the text backend.  Fields
the master does not know (older or newer servers) take htools' defaults.
"""

from ganeti.htools import loader
from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY
from ganeti.htools.loader import ClusterData, Group, LoaderError
from ganeti.htools.node import Node

NODE_FIELDS = ["name", "mtotal", "mnode", "mfree", "dtotal", "dfree",
               "ctotal", "cnos", "offline", "drained", "vm_capable",
               "ndp/spindle_count", "group.uuid", "tags",
               "ndp/exclusive_storage", "sptotal", "spfree", "ndp/cpu_speed",
               "master"]
INSTANCE_FIELDS = ["name", "disk_usage", "be/maxmem", "be/vcpus", "status",
                   "pnode", "snodes", "tags", "oper_ram", "be/auto_balance",
                   "disk_template", "be/spindle_use", "disk.sizes",
                   "disk.spindles", "forthcoming"]
GROUP_FIELDS = ["uuid", "name", "alloc_policy", "ipolicy", "tags", "networks"]

_RS_NORMAL = 0


def _Query(cl, what, fields):
  """Rows of {field: value or None} for the fields the master knows."""
  known = cl.QueryFields(what, fields)
  names = []
  for fdef in known["fields"]:
    if fdef.get("kind") != "unknown":
      names.append(fdef["name"])
  if "name" not in names and what != "group":
    raise LoaderError("The master does not report %s names" % what)
  result = cl.Query(what, names, None)
  rows = []
  for row in result["data"]:
    values = {}
    for (name, (status, value)) in zip(names, row):
      values[name] = value if status == _RS_NORMAL else None
    rows.append(values)
  return rows


def _Num(value, default=0):
  return default if value is None else value


def _ISpec(data, default):
  if not isinstance(data, dict):
    return default
  return T.ISpec(data.get("memory-size", default.mem_size),
                 data.get("cpu-count", default.cpu_count),
                 data.get("disk-size", default.disk_size),
                 data.get("disk-count", default.disk_count),
                 data.get("nic-count", default.nic_count),
                 data.get("spindle-use", default.spindle_use))


def ParseIPolicy(data):
  """An IPolicy from Ganeti's ipolicy dict (cluster, group or iallocator)."""
  default = T.DefaultIPolicy()
  if not isinstance(data, dict):
    return default
  minmax = []
  for pair in data.get("minmax") or []:
    minmax.append((_ISpec(pair.get("min"), default.minmax[0][0]),
                   _ISpec(pair.get("max"), default.minmax[0][1])))
  return T.IPolicy(minmax or default.minmax,
                   _ISpec(data.get("std"), default.std),
                   list(data.get("disk-templates") or default.disk_templates),
                   float(data.get("vcpu-ratio", default.vcpu_ratio)),
                   float(data.get("spindle-ratio", default.spindle_ratio)))


def BuildClusterData(group_rows, node_rows, inst_rows, ctags, cpol):
  groups = []
  for row in group_rows:
    groups.append(Group(row["name"], row["uuid"],
                        row.get("alloc_policy") or T.ALLOC_PREFERRED,
                        ParseIPolicy(row.get("ipolicy")),
                        row.get("tags") or [], row.get("networks") or []))
  loader.AssignIndices(groups)
  by_uuid = dict((g.uuid, g.idx) for g in groups)
  nodes = []
  for row in node_rows:
    gdx = by_uuid.get(row.get("group.uuid"))
    if gdx is None:
      raise LoaderError("Unknown group '%s' for node %s" %
                        (row.get("group.uuid"), row["name"]))
    offline = bool(row.get("offline")) or bool(row.get("drained")) or \
      row.get("vm_capable") is False
    data = [row.get(f) for f in ("mtotal", "mnode", "mfree", "dtotal",
                                 "dfree", "ctotal")]
    excl = bool(row.get("ndp/exclusive_storage"))
    if offline or any(v is None for v in data):
      node = Node(row["name"], 0, 0, 0, 0, 0, 0, True, 0, 0, gdx, False)
    else:
      spindles = row.get("sptotal") if excl else row.get("ndp/spindle_count")
      node = Node(row["name"], data[0], data[1], data[2], data[3], data[4],
                  data[5], False, _Num(spindles, 1), _Num(row.get("spfree")),
                  gdx, excl, n_cpu=_Num(row.get("cnos"), 1))
      node.is_master = bool(row.get("master"))
    node.tags = list(row.get("tags") or [])
    node.t_cpu_speed = float(_Num(row.get("ndp/cpu_speed"), 1.0))
    nodes.append(node)
  loader.AssignIndices(nodes)
  by_name = dict((n.name, n.idx) for n in nodes)
  instances = []
  for row in inst_rows:
    name = row["name"]
    pnode = by_name.get(row.get("pnode"))
    if pnode is None:
      raise LoaderError("Unknown node '%s' for instance %s" %
                        (row.get("pnode"), name))
    snodes = row.get("snodes") or []
    snode = by_name.get(snodes[0]) if snodes else NO_SECONDARY
    if snode is None:
      raise LoaderError("Unknown node '%s' for instance %s" %
                        (snodes[0], name))
    sizes = row.get("disk.sizes") or []
    spindles = row.get("disk.spindles")
    total_sp = None
    if spindles and all(s is not None for s in spindles):
      total_sp = sum(spindles)
    status = row.get("status") or T.ST_ADMIN_DOWN
    if status not in T.INSTANCE_STATUSES:
      status = T.ST_ERROR_DOWN
    inst = Instance(name, _Num(row.get("be/maxmem")),
                    _Num(row.get("disk_usage")), _Num(row.get("be/vcpus"), 1),
                    status, row.get("tags") or [],
                    row.get("be/auto_balance") is not False, pnode, snode,
                    row.get("disk_template") or T.DT_DISKLESS,
                    spindle_use=_Num(row.get("be/spindle_use"), 1),
                    disks=list(sizes), total_spindles=total_sp,
                    forthcoming=bool(row.get("forthcoming")))
    instances.append(inst)
  loader.AssignIndices(instances)
  return ClusterData(groups, nodes, instances, list(ctags), cpol)


def LoadData(socket_path=None):
  """ClusterData of the cluster whose master listens on ``socket_path``."""
  from ganeti import errors
  from ganeti import luxi
  try:
    cl = luxi.Client(address=socket_path) if socket_path else luxi.Client()
    groups = _Query(cl, "group", GROUP_FIELDS)
    nodes = _Query(cl, "node", NODE_FIELDS)
    insts = _Query(cl, "instance", INSTANCE_FIELDS)
    info = cl.QueryClusterInfo()
  except (errors.GenericError, OSError) as err:
    raise LoaderError("Cannot query the cluster over LUXI: %s" % err)
  return BuildClusterData(groups, nodes, insts, info.get("tags") or [],
                          ParseIPolicy(info.get("ipolicy")))
