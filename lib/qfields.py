"""Query field primitives and the field tables of the smaller object kinds.

A field table maps a field name to a tuple ``(fdef, datakind, flags,
getter)``:

  - ``fdef``: an L{objects.QueryFieldDefinition} (name, title, kind, doc);
  - ``datakind``: which data the master has to collect for the field (one
    of the ``*Q_*`` constants of the object kind, e.g. L{NQ_LIVE});
  - ``flags``: ``QFF_*`` bits changing how the filter compares values;
  - ``getter``: ``fn(ctx, item)`` returning the value, or one of the
    sentinels L{FS_UNKNOWN}, L{FS_NODATA}, L{FS_UNAVAIL}, L{FS_OFFLINE}
    for an abnormal result status.

The instance table lives in L{ganeti.qfields_instance}, the node group
table in L{ganeti.qfields_group}; the query engine
and the data containers in L{ganeti.query}.

"""

import platform

from ganeti import constants
from ganeti import objects
from ganeti import utils

# Field kinds
QFT_UNKNOWN = "unknown"
QFT_TEXT = "text"
QFT_BOOL = "bool"
QFT_NUMBER = "number"
QFT_NUMBER_FLOAT = "float"
QFT_UNIT = "unit"
QFT_TIMESTAMP = "timestamp"
QFT_OTHER = "other"
QFT_ALL = frozenset([QFT_UNKNOWN, QFT_TEXT, QFT_BOOL, QFT_NUMBER,
                     QFT_NUMBER_FLOAT, QFT_UNIT, QFT_TIMESTAMP, QFT_OTHER])

# Result statuses
RS_NORMAL = 0
RS_UNKNOWN = 1
RS_NODATA = 2
RS_UNAVAIL = 3
RS_OFFLINE = 4
RS_ALL = frozenset([RS_NORMAL, RS_UNKNOWN, RS_NODATA, RS_UNAVAIL, RS_OFFLINE])

#: Terse and verbose texts of the abnormal statuses (CLI rendering)
RSS_DESCRIPTION = {
  RS_UNKNOWN: ("(unknown)", "??"),
  RS_NODATA: ("(nodata)", "?"),
  RS_OFFLINE: ("(offline)", "*"),
  RS_UNAVAIL: ("(unavail)", "-"),
  }

# Resources
QR_CLUSTER = "cluster"
QR_INSTANCE = "instance"
QR_NODE = "node"
QR_LOCK = "lock"
QR_GROUP = "group"
QR_OS = "os"
QR_JOB = "job"
QR_EXPORT = "export"
QR_NETWORK = "network"
QR_EXTSTORAGE = "extstorage"
QR_FILTER = "filter"

# Field flags
QFF_HOSTNAME = 0x01       # "==" matches the first name components
QFF_IP_ADDRESS = 0x02
QFF_JOB_ID = 0x04         # values compared as integer job ids
QFF_SPLIT_TIMESTAMP = 0x08  # value is [seconds, microseconds]
QFF_ALL = QFF_HOSTNAME | QFF_IP_ADDRESS | QFF_JOB_ID | QFF_SPLIT_TIMESTAMP


class _FieldStatus:
  """A sentinel returned by getters for an abnormal result status."""

  __slots__ = ["status"]

  def __init__(self, status):
    self.status = status

  def __repr__(self):
    return "<FieldStatus %s>" % self.status


FS_UNKNOWN = _FieldStatus(RS_UNKNOWN)
FS_NODATA = _FieldStatus(RS_NODATA)
FS_UNAVAIL = _FieldStatus(RS_UNAVAIL)
FS_OFFLINE = _FieldStatus(RS_OFFLINE)

# Data kinds, per object kind; the master collects only what is requested
(CQ_CONFIG, CQ_QUEUE_DRAINED, CQ_WATCHER_PAUSE) = range(100, 103)
(NQ_CONFIG, NQ_INST, NQ_LIVE, NQ_GROUP, NQ_OOB) = range(1, 6)
(IQ_CONFIG, IQ_LIVE, IQ_DISKUSAGE, IQ_CONSOLES, IQ_NODES,
 IQ_NETWORKS) = range(100, 106)
(GQ_CONFIG, GQ_NODE, GQ_INST, GQ_DISKPARAMS) = range(200, 204)
(LQ_MODE, LQ_OWNER, LQ_PENDING) = range(10, 13)
(JQ_ARCHIVED, ) = range(300, 301)
(OSQ_CONFIG, ) = range(400, 401)
(EXQ_CONFIG, ) = range(500, 501)
(NETQ_CONFIG, NETQ_GROUP, NETQ_STATS, NETQ_INST) = range(600, 604)
(ESQ_CONFIG, ) = range(700, 701)
(FQ_CONFIG, ) = range(800, 801)

#: Parameter value type to field kind
VTYPE_TO_QFT = {
  constants.VTYPE_STRING: QFT_OTHER,
  constants.VTYPE_MAYBE_STRING: QFT_OTHER,
  constants.VTYPE_BOOL: QFT_BOOL,
  constants.VTYPE_SIZE: QFT_UNIT,
  constants.VTYPE_INT: QFT_NUMBER,
  constants.VTYPE_FLOAT: QFT_NUMBER_FLOAT,
  }

#: Column titles of node parameters (others are titled "ndp/<name>")
NDS_PARAMETER_TITLES = {
  constants.ND_OOB_PROGRAM: "OutOfBandProgram",
  constants.ND_SPINDLE_COUNT: "SpindleCount",
  constants.ND_EXCLUSIVE_STORAGE: "ExclusiveStorage",
  constants.ND_OVS: "OpenvSwitch",
  constants.ND_OVS_NAME: "OpenvSwitchName",
  constants.ND_OVS_LINK: "OpenvSwitchLink",
  }


def MakeField(name, title, kind, doc):
  """Build a field definition object."""
  return objects.QueryFieldDefinition(name=name, title=title, kind=kind,
                                      doc=doc)


def BuildFieldMap(fields):
  """Turn a list of field tuples into a dict keyed by field name."""
  result = {}
  for field in fields:
    (fdef, _, flags, fn) = field
    assert fdef.name not in result, "Duplicate field '%s'" % fdef.name
    assert fdef.kind in QFT_ALL and fdef.kind != QFT_UNKNOWN
    assert callable(fn) and not flags & ~QFF_ALL
    result[fdef.name] = field
  return result


def GetItemAttr(attr):
  """Getter returning an attribute of the item."""
  return lambda _, item: getattr(item, attr)


def GetItemMaybeAttr(attr):
  """Getter returning an attribute, or FS_UNAVAIL when it is None."""
  def fn(_, item):
    value = getattr(item, attr)
    if value is None:
      return FS_UNAVAIL
    return value
  return fn


def GetTags(_, item):
  """The tags of an item, sorted."""
  return sorted(item.GetTags())


def GetItemTimestampFields(datatype):
  """The ctime and mtime fields."""
  return [
    (MakeField("ctime", "CTime", QFT_TIMESTAMP, "Creation timestamp"),
     datatype, 0, GetItemMaybeAttr("ctime")),
    (MakeField("mtime", "MTime", QFT_TIMESTAMP, "Modification timestamp"),
     datatype, 0, GetItemMaybeAttr("mtime")),
    ]


def GetTagsField(datatype):
  return (MakeField("tags", "Tags", QFT_OTHER, "Tags"), datatype, 0, GetTags)


def GetNdParamFields(datatype, getter):
  """``ndp/<name>`` fields; C{getter(ctx, item)} returns the merged dict."""
  def _Make(name):
    def fn(ctx, item):
      params = getter(ctx, item)
      if params is FS_UNAVAIL or name not in params:
        return FS_UNAVAIL
      return params[name]
    return fn
  return [(MakeField("ndp/%s" % name,
                     NDS_PARAMETER_TITLES.get(name, "ndp/%s" % name),
                     VTYPE_TO_QFT[kind],
                     "The \"%s\" node parameter" % name),
           datatype, 0, _Make(name))
          for (name, kind) in constants.NDS_PARAMETER_TYPES.items()]


# Node fields -------------------------------------------------------------

_NODE_LIVE_FIELDS = [
  ("bootid", "BootID", QFT_TEXT, "Random UUID renewed for each system"
   " reboot, can be used for detecting reboots by tracking changes"),
  ("cnodes", "CNodes", QFT_NUMBER, "Number of NUMA domains on node (if"
   " exported by hypervisor)"),
  ("cnos", "CNOs", QFT_NUMBER, "Number of logical processors used by the"
   " node OS (dom0 for Xen)"),
  ("csockets", "CSockets", QFT_NUMBER, "Number of physical CPU sockets (if"
   " exported by hypervisor)"),
  ("ctotal", "CTotal", QFT_NUMBER, "Number of logical processors"),
  ("dfree", "DFree", QFT_UNIT, "Available storage space on storage unit"),
  ("dtotal", "DTotal", QFT_UNIT, "Total storage space on storage unit for"
   " instance disk allocation"),
  ("spfree", "SpFree", QFT_NUMBER, "Available spindles in volume group"
   " (exclusive storage only)"),
  ("sptotal", "SpTotal", QFT_NUMBER, "Total spindles in volume group"
   " (exclusive storage only)"),
  ("mfree", "MFree", QFT_UNIT, "Memory available for instance"
   " allocations"),
  ("mnode", "MNode", QFT_UNIT, "Amount of memory used by node (dom0 for"
   " Xen)"),
  ("mtotal", "MTotal", QFT_UNIT, "Total amount of memory of physical"
   " machine"),
  ]

_NODE_ROLE_DOC = ("Node role; \"%s\" for master, \"%s\" for master"
                  " candidate, \"%s\" for regular, \"%s\" for drained,"
                  " \"%s\" for offline" %
                  (constants.NR_MASTER, constants.NR_MCANDIDATE,
                   constants.NR_REGULAR, constants.NR_DRAINED,
                   constants.NR_OFFLINE))


def GetNodeRole(node, master_uuid):
  """The one-letter role of a node (M, C, D, O or R)."""
  if node.uuid == master_uuid:
    return constants.NR_MASTER
  if node.master_candidate:
    return constants.NR_MCANDIDATE
  if node.drained:
    return constants.NR_DRAINED
  if node.offline:
    return constants.NR_OFFLINE
  return constants.NR_REGULAR


def _GetNodeLive(name, kind):
  def fn(ctx, node):
    if node.offline:
      return FS_OFFLINE
    if not node.vm_capable:
      return FS_UNAVAIL
    live = (ctx.live_data or {}).get(node.uuid)
    if not live:
      return FS_NODATA
    if name not in live or live[name] is None:
      return FS_UNAVAIL
    value = live[name]
    if kind == QFT_TEXT:
      return value
    try:
      return int(value)
    except (TypeError, ValueError):
      return FS_UNAVAIL
  return fn


def _GetNodeGroupObj(ctx, node):
  return (ctx.groups or {}).get(node.group)


def _GetNodeGroupName(ctx, node):
  group = _GetNodeGroupObj(ctx, node)
  if group is None:
    return FS_UNAVAIL
  return group.name


def _GetNodeNdParams(ctx, node):
  group = _GetNodeGroupObj(ctx, node)
  if group is None or ctx.cluster is None:
    return FS_UNAVAIL
  return ctx.cluster.FillND(node, group)


def _GetNodeInstList(attr):
  def fn(ctx, node):
    uuids = getattr(ctx, attr).get(node.uuid, [])
    return utils.NiceSort([ctx.inst_uuid_to_inst_name.get(u, u)
                           for u in uuids])
  return fn


def _GetNodePower(ctx, node):
  if (ctx.oob_support or {}).get(node.uuid):
    return node.powered
  return FS_UNAVAIL


def _GetNodeState(attr):
  def fn(_, node):
    value = getattr(node, attr)
    if value is None:
      return FS_UNAVAIL
    return value
  return fn


def BuildNodeFields():
  """The node field table (46 fields)."""
  fields = [
    (MakeField("name", "Node", QFT_TEXT, "Node name"),
     NQ_CONFIG, QFF_HOSTNAME, GetItemAttr("name")),
    (MakeField("pip", "PrimaryIP", QFT_TEXT, "Primary IP address"),
     NQ_CONFIG, 0, GetItemAttr("primary_ip")),
    (MakeField("sip", "SecondaryIP", QFT_TEXT, "Secondary IP address"),
     NQ_CONFIG, 0, GetItemAttr("secondary_ip")),
    (MakeField("master", "IsMaster", QFT_BOOL, "Whether node is master"),
     NQ_CONFIG, 0, lambda ctx, node: node.uuid == ctx.master_uuid),
    (MakeField("group", "Group", QFT_TEXT, "Node group"),
     NQ_GROUP, 0, _GetNodeGroupName),
    (MakeField("group.uuid", "GroupUUID", QFT_TEXT, "UUID of node group"),
     NQ_CONFIG, 0, GetItemAttr("group")),
    (MakeField("ndparams", "NodeParameters", QFT_OTHER,
               "Merged node parameters"),
     NQ_GROUP, 0, _GetNodeNdParams),
    (MakeField("custom_ndparams", "CustomNodeParameters", QFT_OTHER,
               "Custom node parameters"),
     NQ_GROUP, 0, lambda _, node: node.ndparams or {}),
    (MakeField("drained", "Drained", QFT_BOOL, "Whether node is drained"),
     NQ_CONFIG, 0, lambda _, node: bool(node.drained)),
    (MakeField("master_candidate", "MasterC", QFT_BOOL,
               "Whether node is a master candidate"),
     NQ_CONFIG, 0, lambda _, node: bool(node.master_candidate)),
    (MakeField("master_capable", "MasterCapable", QFT_BOOL,
               "Whether node can become a master candidate"),
     NQ_CONFIG, 0, lambda _, node: bool(node.master_capable)),
    (MakeField("offline", "Offline", QFT_BOOL,
               "Whether node is marked offline"),
     NQ_CONFIG, 0, lambda _, node: bool(node.offline)),
    (MakeField("vm_capable", "VMCapable", QFT_BOOL,
               "Whether node can host instances"),
     NQ_CONFIG, 0, lambda _, node: bool(node.vm_capable)),
    (MakeField("serial_no", "SerialNo", QFT_NUMBER, "Node object serial"
               " number, incremented on each modification"),
     NQ_CONFIG, 0, GetItemAttr("serial_no")),
    (MakeField("uuid", "UUID", QFT_TEXT, "Node UUID"),
     NQ_CONFIG, 0, GetItemAttr("uuid")),
    (MakeField("role", "Role", QFT_TEXT, _NODE_ROLE_DOC),
     NQ_CONFIG, 0, lambda ctx, node: GetNodeRole(node, ctx.master_uuid)),
    (MakeField("powered", "Powered", QFT_BOOL,
               "Whether node is thought to be powered on"),
     NQ_OOB, 0, _GetNodePower),
    (MakeField("hv_state", "HypervisorState", QFT_OTHER,
               "Hypervisor state"),
     NQ_CONFIG, 0, _GetNodeState("hv_state")),
    (MakeField("disk_state", "DiskState", QFT_OTHER, "Disk state"),
     NQ_CONFIG, 0, _GetNodeState("disk_state")),
    (MakeField("pinst_cnt", "Pinst", QFT_NUMBER,
               "Number of instances with this node as primary"),
     NQ_INST, 0, lambda ctx, node: len(ctx.node_to_primary.get(node.uuid,
                                                               []))),
    (MakeField("sinst_cnt", "Sinst", QFT_NUMBER,
               "Number of instances with this node as secondary"),
     NQ_INST, 0, lambda ctx, node: len(ctx.node_to_secondary.get(node.uuid,
                                                                 []))),
    (MakeField("pinst_list", "PriInstances", QFT_OTHER,
               "List of instances with this node as primary"),
     NQ_INST, 0, _GetNodeInstList("node_to_primary")),
    (MakeField("sinst_list", "SecInstances", QFT_OTHER,
               "List of instances with this node as secondary"),
     NQ_INST, 0, _GetNodeInstList("node_to_secondary")),
    GetTagsField(NQ_CONFIG),
    ]
  fields.extend(GetNdParamFields(NQ_GROUP, _GetNodeNdParams))
  fields.extend((MakeField(name, title, kind, doc), NQ_LIVE, 0,
                 _GetNodeLive(name, kind))
                for (name, title, kind, doc) in _NODE_LIVE_FIELDS)
  fields.extend(GetItemTimestampFields(NQ_CONFIG))
  return BuildFieldMap(fields)


# Group fields: see ganeti.qfields_group


# Job fields --------------------------------------------------------------

def _JobGetter(fn):
  """Wrap a job getter: items are (job_id, job); job None → unavailable."""
  def wrapper(_, item):
    (_, job) = item
    if job is None:
      return FS_UNAVAIL
    return fn(job)
  return wrapper


def _TimestampValue(value):
  if value is None:
    return None
  return list(value)


def _OpSummary(op):
  inp = op.input
  if hasattr(inp, "Summary"):
    return inp.Summary()
  data = inp.__getstate__() if hasattr(inp, "__getstate__") else inp
  text = data.get("OP_ID", "")
  if text.startswith("OP_"):
    text = text[3:]
  return text


def _PerOpcode(fn):
  return _JobGetter(lambda job: [fn(op) for op in job.ops])


def BuildJobFields():
  """The job field table (16 fields)."""
  fields = [
    (MakeField("id", "ID", QFT_NUMBER, "Job ID"),
     None, QFF_JOB_ID, lambda _, item: item[0]),
    (MakeField("status", "Status", QFT_TEXT, "Job status"),
     None, 0, _JobGetter(lambda job: job.CalcStatus())),
    (MakeField("priority", "Priority", QFT_NUMBER,
               "Current job priority (%s to %s)" %
               (constants.OP_PRIO_LOWEST, constants.OP_PRIO_HIGHEST)),
     None, 0, _JobGetter(lambda job: job.CalcPriority())),
    (MakeField("archived", "Archived", QFT_BOOL, "Whether job is archived"),
     JQ_ARCHIVED, 0, _JobGetter(lambda job: bool(job.archived))),
    (MakeField("ops", "OpCodes", QFT_OTHER, "List of all opcodes"),
     None, 0, _PerOpcode(lambda op: op.input.__getstate__())),
    (MakeField("opresult", "OpCode_result", QFT_OTHER,
               "List of opcodes results"),
     None, 0, _PerOpcode(lambda op: op.result)),
    (MakeField("opstatus", "OpCode_status", QFT_OTHER,
               "List of opcodes status"),
     None, 0, _PerOpcode(lambda op: op.status)),
    (MakeField("oplog", "OpCode_log", QFT_OTHER, "List of opcode output"
               " logs"),
     None, 0, _PerOpcode(lambda op: op.log)),
    (MakeField("opstart", "OpCode_start", QFT_OTHER, "List of opcode start"
               " timestamps (before acquiring locks)"),
     None, 0, _PerOpcode(lambda op: _TimestampValue(op.start_timestamp))),
    (MakeField("opexec", "OpCode_exec", QFT_OTHER, "List of opcode"
               " execution start timestamps (after acquiring locks)"),
     None, 0, _PerOpcode(lambda op: _TimestampValue(op.exec_timestamp))),
    (MakeField("opend", "OpCode_end", QFT_OTHER, "List of opcode"
               " execution end timestamps"),
     None, 0, _PerOpcode(lambda op: _TimestampValue(op.end_timestamp))),
    (MakeField("oppriority", "OpCode_prio", QFT_OTHER,
               "List of opcode priorities"),
     None, 0, _PerOpcode(lambda op: op.priority)),
    (MakeField("summary", "Summary", QFT_OTHER,
               "List of per-opcode summaries"),
     None, 0, _PerOpcode(_OpSummary)),
    ]
  for (name, attr, title, what) in [
      ("received_ts", "received_timestamp", "Received",
       "Timestamp of when job was received"),
      ("start_ts", "start_timestamp", "Start", "Timestamp of job start"),
      ("end_ts", "end_timestamp", "End", "Timestamp of job end"),
      ]:
    fields.append(
      (MakeField(name, title, QFT_OTHER, "%s (tuple containing seconds and"
                 " microseconds)" % what),
       None, QFF_SPLIT_TIMESTAMP,
       _JobGetter(lambda job, attr=attr:
                  _TimestampValue(getattr(job, attr)))))
  return BuildFieldMap(fields)


# OS fields ---------------------------------------------------------------

def BuildOsFields():
  """The OS field table; items are L{ganeti.query.OsInfo} objects."""
  fields = [
    (MakeField("name", "Name", QFT_TEXT, "Operating system name"),
     OSQ_CONFIG, 0, GetItemAttr("name")),
    (MakeField("valid", "Valid", QFT_BOOL,
               "Whether operating system definition is valid"),
     OSQ_CONFIG, 0, GetItemAttr("valid")),
    (MakeField("hidden", "Hidden", QFT_BOOL,
               "Whether operating system is hidden"),
     OSQ_CONFIG, 0, GetItemAttr("hidden")),
    (MakeField("blacklisted", "Blacklisted", QFT_BOOL,
               "Whether operating system is blacklisted"),
     OSQ_CONFIG, 0, GetItemAttr("blacklisted")),
    (MakeField("variants", "Variants", QFT_OTHER,
               "Operating system variants"),
     OSQ_CONFIG, 0, lambda _, os: utils.NiceSort(os.variants or [])),
    (MakeField("api_versions", "ApiVersions", QFT_OTHER,
               "Operating system API versions"),
     OSQ_CONFIG, 0, lambda _, os: sorted(os.api_versions or [])),
    (MakeField("parameters", "Parameters", QFT_OTHER,
               "Operating system parameters"),
     OSQ_CONFIG, 0, lambda _, os: [list(p) for p in
                                   utils.NiceSort(os.parameters or [],
                                                  key=lambda p: p[0])]),
    (MakeField("node_status", "NodeStatus", QFT_OTHER, "Status from node"),
     OSQ_CONFIG, 0, GetItemAttr("node_status")),
    (MakeField("os_hvp", "OsHypervisorParams", QFT_OTHER,
               "Operating system specific hypervisor parameters"),
     OSQ_CONFIG, 0, lambda _, os: os.os_hvp or {}),
    (MakeField("osparams", "OsParameters", QFT_OTHER,
               "Operating system specific parameters"),
     OSQ_CONFIG, 0, lambda _, os: os.osparams or {}),
    (MakeField("trusted", "Trusted", QFT_BOOL,
               "Whether this OS is trusted"),
     OSQ_CONFIG, 0, lambda _, os: bool(os.trusted)),
    ]
  return BuildFieldMap(fields)


# ExtStorage, export, lock, filter fields ---------------------------------

def BuildExtStorageFields():
  """ExtStorage providers; items are L{ganeti.query.ExtStorageInfo}."""
  return BuildFieldMap([
    (MakeField("name", "Name", QFT_TEXT, "ExtStorage provider name"),
     ESQ_CONFIG, 0, GetItemAttr("name")),
    (MakeField("node_status", "NodeStatus", QFT_OTHER, "Status from node"),
     ESQ_CONFIG, 0, GetItemAttr("node_status")),
    (MakeField("nodegroup_status", "NodegroupStatus", QFT_OTHER,
               "Overall Nodegroup status"),
     ESQ_CONFIG, 0, GetItemAttr("nodegroup_status")),
    (MakeField("parameters", "Parameters", QFT_OTHER,
               "ExtStorage provider parameters"),
     ESQ_CONFIG, 0, lambda _, es: [list(p) for p in es.parameters or []]),
    ])


def _ExportGetter(idx):
  def fn(_, item):
    value = item[idx]
    if value is None:
      return FS_UNAVAIL
    return value
  return fn


def BuildExportFields():
  """Exports; items are (node name, export name or None on failure)."""
  return BuildFieldMap([
    (MakeField("node", "Node", QFT_TEXT, "Node name"),
     EXQ_CONFIG, QFF_HOSTNAME, lambda _, item: item[0]),
    (MakeField("export", "Export", QFT_TEXT, "Export name"),
     EXQ_CONFIG, 0, _ExportGetter(1)),
    ])


def BuildLockFields():
  """Locks; items are (name, mode, owners, pending) tuples."""
  return BuildFieldMap([
    (MakeField("name", "Name", QFT_TEXT, "Lock name"),
     None, 0, lambda _, item: item[0]),
    (MakeField("mode", "Mode", QFT_OTHER, "Mode in which the lock is"
               " currently acquired (exclusive or shared)"),
     LQ_MODE, 0, lambda _, item: item[1]),
    (MakeField("owner", "Owner", QFT_OTHER, "Current lock owner(s)"),
     LQ_OWNER, 0, lambda _, item: item[2]),
    (MakeField("pending", "Pending", QFT_OTHER,
               "Threads waiting for the lock"),
     LQ_PENDING, 0, lambda _, item: item[3]),
    ])


def BuildFilterFields():
  """Job filter rules; items are L{objects.Filter}."""
  return BuildFieldMap([
    (MakeField("uuid", "UUID", QFT_TEXT, "UUID"),
     FQ_CONFIG, 0, GetItemAttr("uuid")),
    (MakeField("watermark", "Watermark", QFT_NUMBER, "Highest job ID used"
               " as of when the filter was added"),
     FQ_CONFIG, 0, GetItemAttr("watermark")),
    (MakeField("priority", "Priority", QFT_NUMBER, "Filter priority"),
     FQ_CONFIG, 0, GetItemAttr("priority")),
    (MakeField("predicates", "Predicates", QFT_OTHER,
               "List of filter predicates"),
     FQ_CONFIG, 0, GetItemAttr("predicates")),
    (MakeField("action", "Action", QFT_OTHER, "Filter action"),
     FQ_CONFIG, 0, GetItemAttr("action")),
    (MakeField("reason_trail", "ReasonTrail", QFT_OTHER,
               "Reason why this filter was added"),
     FQ_CONFIG, 0, GetItemAttr("reason_trail")),
    ])


# Cluster fields ----------------------------------------------------------

def _GetClusterMaster(ctx, cluster):
  node = (ctx.nodes or {}).get(cluster.master_node)
  if node is None:
    return cluster.master_node
  return node.name


def _GetWatcherPause(ctx, _):
  if ctx.watcher_pause is None:
    return FS_UNAVAIL
  return ctx.watcher_pause


def BuildClusterFields():
  """Cluster fields; the single item is the L{objects.Cluster}."""
  fields = [
    (MakeField("cluster_name", "Name", QFT_TEXT, "Cluster name"),
     CQ_CONFIG, QFF_HOSTNAME, GetItemAttr("cluster_name")),
    (MakeField("name", "Name", QFT_TEXT, "Cluster name"),
     CQ_CONFIG, QFF_HOSTNAME, GetItemAttr("cluster_name")),
    (MakeField("volume_group_name", "VgName", QFT_TEXT,
               "LVM volume group name"),
     CQ_CONFIG, 0, GetItemAttr("volume_group_name")),
    (MakeField("master_node", "Master", QFT_TEXT, "Master node name"),
     CQ_CONFIG, QFF_HOSTNAME, _GetClusterMaster),
    (MakeField("architecture", "ArchInfo", QFT_OTHER,
               "Architecture information"),
     CQ_CONFIG, 0, lambda *_: [platform.architecture()[0],
                               platform.machine()]),
    (MakeField("drain_flag", "QueueDrained", QFT_BOOL,
               "Whether job queue is drained"),
     CQ_QUEUE_DRAINED, 0, lambda ctx, _: bool(ctx.drain_flag)),
    (MakeField("watcher_pause", "WatcherPause", QFT_TIMESTAMP,
               "Until when watcher is paused"),
     CQ_WATCHER_PAUSE, 0, _GetWatcherPause),
    (MakeField("software_version", "SoftwareVersion", QFT_TEXT,
               "Software version"),
     CQ_CONFIG, 0, lambda *_: constants.RELEASE_VERSION),
    (MakeField("protocol_version", "ProtocolVersion", QFT_NUMBER,
               "RPC protocol version"),
     CQ_CONFIG, 0, lambda *_: constants.PROTOCOL_VERSION),
    (MakeField("config_version", "ConfigVersion", QFT_NUMBER,
               "Configuration format version"),
     CQ_CONFIG, 0, lambda *_: constants.CONFIG_VERSION),
    (MakeField("os_api_version", "OsApiVersion", QFT_NUMBER,
               "API version for OS template scripts"),
     CQ_CONFIG, 0, lambda *_: max(constants.OS_API_VERSIONS)),
    (MakeField("export_version", "ExportVersion", QFT_NUMBER,
               "Import/export file format version"),
     CQ_CONFIG, 0, lambda *_: constants.EXPORT_VERSION),
    (MakeField("vcs_version", "VCSVersion", QFT_TEXT, "VCS version"),
     CQ_CONFIG, 0, lambda *_: constants.VCS_VERSION),
    GetTagsField(CQ_CONFIG),
    ]
  fields.extend(GetItemTimestampFields(CQ_CONFIG))
  return BuildFieldMap(fields)


# Network fields ----------------------------------------------------------

def _GetNetworkStat(kind):
  def fn(_, net):
    if not net.network:
      return FS_UNAVAIL
    from ganeti import network  # pylint: disable=C0415
    pool = network.AddressPool(net)
    if kind == "free_count":
      return pool.GetFreeCount()
    if kind == "reserved_count":
      return pool.GetReservedCount()
    if kind == "map":
      return pool.GetMap()
    return ", ".join(pool.GetExternalReservations())
  return fn


def BuildNetworkFields():
  """Network fields; items are L{objects.Network}."""
  fields = [
    (MakeField("name", "Network", QFT_TEXT, "Name"),
     NETQ_CONFIG, 0, GetItemAttr("name")),
    (MakeField("network", "Subnet", QFT_TEXT, "IPv4 subnet"),
     NETQ_CONFIG, 0, GetItemAttr("network")),
    (MakeField("gateway", "Gateway", QFT_OTHER, "IPv4 gateway"),
     NETQ_CONFIG, 0, GetItemMaybeAttr("gateway")),
    (MakeField("network6", "IPv6Subnet", QFT_OTHER, "IPv6 subnet"),
     NETQ_CONFIG, 0, GetItemMaybeAttr("network6")),
    (MakeField("gateway6", "IPv6Gateway", QFT_OTHER, "IPv6 gateway"),
     NETQ_CONFIG, 0, GetItemMaybeAttr("gateway6")),
    (MakeField("mac_prefix", "MacPrefix", QFT_OTHER, "MAC address prefix"),
     NETQ_CONFIG, 0, GetItemMaybeAttr("mac_prefix")),
    (MakeField("serial_no", "SerialNo", QFT_NUMBER, "Network object serial"
               " number, incremented on each modification"),
     NETQ_CONFIG, 0, GetItemAttr("serial_no")),
    (MakeField("uuid", "UUID", QFT_TEXT, "Network UUID"),
     NETQ_CONFIG, 0, GetItemAttr("uuid")),
    (MakeField("free_count", "FreeCount", QFT_NUMBER,
               "Number of available addresses"),
     NETQ_STATS, 0, _GetNetworkStat("free_count")),
    (MakeField("reserved_count", "ReservedCount", QFT_NUMBER,
               "Number of reserved addresses"),
     NETQ_STATS, 0, _GetNetworkStat("reserved_count")),
    (MakeField("map", "Map", QFT_TEXT, "Actual mapping"),
     NETQ_STATS, 0, _GetNetworkStat("map")),
    (MakeField("external_reservations", "ExternalReservations", QFT_TEXT,
               "External reservations"),
     NETQ_STATS, 0, _GetNetworkStat("external_reservations")),
    (MakeField("group_cnt", "NodeGroups", QFT_NUMBER,
               "Number of nodegroups"),
     NETQ_GROUP, 0, lambda ctx, net: len(ctx.network_to_groups.get(
       net.uuid, []))),
    (MakeField("group_list", "GroupList", QFT_OTHER, "List of nodegroups"
               " (group name, NIC mode, NIC link, NIC VLAN)"),
     NETQ_GROUP, 0, lambda ctx, net: [list(g) for g in
                                      ctx.network_to_groups.get(net.uuid,
                                                                [])]),
    (MakeField("inst_cnt", "Instances", QFT_NUMBER, "Number of instances"),
     NETQ_INST, 0, lambda ctx, net: len(ctx.network_to_instances.get(
       net.uuid, []))),
    (MakeField("inst_list", "InstanceList", QFT_OTHER, "List of instances"),
     NETQ_INST, 0, lambda ctx, net: utils.NiceSort(
       ctx.network_to_instances.get(net.uuid, []))),
    GetTagsField(NETQ_CONFIG),
    ]
  fields.extend(GetItemTimestampFields(NETQ_CONFIG))
  return BuildFieldMap(fields)
