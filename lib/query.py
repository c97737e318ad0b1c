"""The query engine behind ``gnt-* list``, ``list-fields`` and /2/query.

Usage on the master::

  q = query.Query(query.ALL_FIELDS[query.QR_INSTANCE], ["name", "status"],
                  qfilter=qfilter, namefield="name")
  q.RequestedData()    # e.g. {IQ_CONFIG, IQ_LIVE, IQ_NODES}: what to collect
  q.RequestedNames()   # names of a plain name filter, or None for all
  ctx = query.InstanceQueryData(...)   # filled by the master
  response = query.GetQueryResponse(q, ctx)   # objects.QueryResponse

Each row of the result is a list of ``[status, value]`` pairs, one per
requested field, status being one of the ``RS_*`` constants (value None
unless the status is L{RS_NORMAL}). Unknown field names give a field
definition of kind "unknown" and L{RS_UNKNOWN} values.

"""

import operator
import re

from ganeti import errors
from ganeti import objects
from ganeti import qlang
from ganeti import utils
from ganeti import qfields
from ganeti.qfields import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.qfields import (_FieldStatus, MakeField, QFT_UNKNOWN,
                            QFF_HOSTNAME, QFF_JOB_ID, QFF_SPLIT_TIMESTAMP,
                            RS_NORMAL, RS_UNKNOWN)
from ganeti import qfields_group
from ganeti import qfields_instance
from ganeti.qfields_instance import ComputeInstanceStatus  # noqa: F401

#: Maximum nesting depth of a filter
_MAX_FILTER_LEVELS = 10


# Data containers ---------------------------------------------------------

class InstanceQueryData:
  """Data for an instance query; iterating yields the instances.

  @ivar instances: list of L{objects.Instance}
  @ivar cluster: L{objects.Cluster} (parameter filling)
  @ivar disk_usage: instance UUID → MiB used on its nodes (IQ_DISKUSAGE)
  @ivar offline_node_uuids: node UUIDs marked offline
  @ivar bad_node_uuids: node UUIDs that did not answer (IQ_LIVE)
  @ivar live_data: instance UUID → {"memory": MiB, "vcpus": n,
    "state": hypervisor state, "time": seconds} for instances the
    hypervisor reports as existing on their primary node; a state of
    "shutdown" (or "USER_down") means shut down from inside the instance
  @ivar wrongnode_inst: UUIDs of instances running on a wrong node
  @ivar console: instance UUID → console dict or None (IQ_CONSOLES)
  @ivar nodes: node UUID → L{objects.Node} (IQ_NODES)
  @ivar groups: group UUID → L{objects.NodeGroup} (IQ_NODES)
  @ivar networks: network UUID → L{objects.Network} (IQ_NETWORKS)
  @ivar disks: disk UUID → L{objects.Disk} (instances list disk UUIDs)

  """

  def __init__(self, instances, cluster, disk_usage=None,
               offline_node_uuids=None, bad_node_uuids=None, live_data=None,
               wrongnode_inst=None, console=None, nodes=None, groups=None,
               networks=None, disks=None):
    self.instances = list(instances)
    self.cluster = cluster
    self.disk_usage = disk_usage or {}
    self.offline_node_uuids = frozenset(offline_node_uuids or [])
    self.bad_node_uuids = frozenset(bad_node_uuids or [])
    self.live_data = live_data or {}
    self.wrongnode_inst = frozenset(wrongnode_inst or [])
    self.console = console or {}
    self.nodes = nodes or {}
    self.groups = groups or {}
    self.networks = networks or {}
    self.disks = disks or {}

  def __iter__(self):
    return iter(self.instances)

  def GetInstanceDisks(self, inst):
    """The L{objects.Disk} objects of an instance, in order."""
    result = []
    for disk in inst.disks or []:
      if isinstance(disk, objects.Disk):
        result.append(disk)
      elif disk in self.disks:
        result.append(self.disks[disk])
    return result

  def GetInstanceSecondaryNodes(self, inst):
    """Secondary node UUIDs: all disk nodes other than the primary."""
    if inst.secondary_nodes:
      return list(inst.secondary_nodes)
    result = []
    for disk in self.GetInstanceDisks(inst):
      for node_uuid in disk.nodes or []:
        if node_uuid != inst.primary_node and node_uuid not in result:
          result.append(node_uuid)
    return result


class NodeQueryData:
  """Data for a node query; iterating yields the nodes.

  @ivar nodes: list of L{objects.Node}
  @ivar live_data: node UUID → {"mtotal", "mnode", "mfree", "dtotal",
    "dfree", "spfree", "sptotal", "ctotal", "cnos", "cnodes", "csockets",
    "bootid"} (NQ_LIVE); a node without an entry gives "no data"
  @ivar master_uuid: UUID of the master node
  @ivar node_to_primary: node UUID → instance UUIDs (NQ_INST)
  @ivar node_to_secondary: node UUID → instance UUIDs (NQ_INST)
  @ivar inst_uuid_to_inst_name: instance UUID → name (NQ_INST)
  @ivar groups: group UUID → L{objects.NodeGroup} (NQ_GROUP)
  @ivar oob_support: node UUID → bool, out-of-band support (NQ_OOB)
  @ivar cluster: L{objects.Cluster}

  """

  def __init__(self, nodes, live_data, master_uuid, node_to_primary,
               node_to_secondary, inst_uuid_to_inst_name, groups,
               oob_support, cluster):
    self.nodes = list(nodes)
    self.live_data = live_data or {}
    self.master_uuid = master_uuid
    self.node_to_primary = node_to_primary or {}
    self.node_to_secondary = node_to_secondary or {}
    self.inst_uuid_to_inst_name = inst_uuid_to_inst_name or {}
    self.groups = groups or {}
    self.oob_support = oob_support or {}
    self.cluster = cluster

  def __iter__(self):
    return iter(self.nodes)


class GroupQueryData:
  """Data for a node group query; iterating yields the groups.

  @ivar group_to_nodes: group UUID → node names (GQ_NODE)
  @ivar group_to_instances: group UUID → primary instance names (GQ_INST)

  """

  def __init__(self, cluster, groups, group_to_nodes, group_to_instances,
               want_diskparams=False):
    self.cluster = cluster
    self.groups = list(groups)
    self.group_to_nodes = group_to_nodes or {}
    self.group_to_instances = group_to_instances or {}
    self.want_diskparams = want_diskparams

  def __iter__(self):
    return iter(self.groups)


class JobQueryData:
  """Data for a job query; iterating yields ``(job_id, job)`` pairs.

  ``job`` is None for an unknown job (all fields but "id" unavailable);
  otherwise it provides C{CalcStatus()}, C{CalcPriority()},
  C{received_timestamp}, C{start_timestamp}, C{end_timestamp} (each
  ``[seconds, microseconds]`` or None), C{archived} (bool) and C{ops}: a
  list of opcodes with C{input} (the opcode; C{input.__getstate__()} gives
  its dict and C{input.Summary()} its summary), C{status}, C{result},
  C{log}, C{priority}, C{start_timestamp}, C{exec_timestamp},
  C{end_timestamp}.

  """

  def __init__(self, jobs):
    self.jobs = list(jobs)

  def __iter__(self):
    return iter(self.jobs)


class OsInfo:
  """One OS as seen across the nodes (item of an OS query)."""

  def __init__(self, name, valid, hidden, blacklisted, variants,
               api_versions, parameters, node_status, os_hvp=None,
               osparams=None, trusted=True):
    self.name = name
    self.valid = valid
    self.hidden = hidden
    self.blacklisted = blacklisted
    self.variants = variants          # names (without "os+")
    self.api_versions = api_versions  # ints
    self.parameters = parameters      # (name, description) pairs
    self.node_status = node_status    # node name → [[path, status, diag,
    self.os_hvp = os_hvp              # variants, params, api], ...]
    self.osparams = osparams
    self.trusted = trusted


class ExtStorageInfo:
  """One ExtStorage provider (item of an extstorage query)."""

  def __init__(self, name, node_status, nodegroup_status, parameters):
    self.name = name
    self.node_status = node_status
    self.nodegroup_status = nodegroup_status
    self.parameters = parameters


class ClusterQueryData:
  """Data for a cluster query; iterating yields the cluster object."""

  def __init__(self, cluster, nodes, drain_flag, watcher_pause):
    self.cluster = cluster
    self.nodes = nodes or {}
    self.drain_flag = drain_flag
    self.watcher_pause = watcher_pause

  def __iter__(self):
    return iter([self.cluster])


class NetworkQueryData:
  """Data for a network query; iterating yields the networks.

  @ivar network_to_groups: network UUID → list of
    [group name, NIC mode, NIC link, NIC vlan] (NETQ_GROUP)
  @ivar network_to_instances: network UUID → instance names (NETQ_INST)

  """

  def __init__(self, networks, network_to_groups, network_to_instances,
               stats=True):
    self.networks = list(networks)
    self.network_to_groups = network_to_groups or {}
    self.network_to_instances = network_to_instances or {}
    self.stats = stats

  def __iter__(self):
    return iter(self.networks)


# Filter compiler ---------------------------------------------------------

def _MatchHostname(lhs, rhs):
  """Hostname equality: exact or the first components (case-insensitive)."""
  if not isinstance(lhs, str) or not isinstance(rhs, str):
    return lhs == rhs
  if lhs == rhs:
    return True
  return re.match(r"^%s(\..*)?$" % re.escape(rhs), lhs, re.I) is not None


def _PrepareJobId(value):
  try:
    return int(value)
  except (ValueError, TypeError):
    raise errors.ParameterError("Invalid job ID '%s'" % (value, ))


def _PrepareSplitTimestamp(value):
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise errors.ParameterError("Timestamps must be numeric, got '%s'" %
                                (value, ))
  return value


def _SplitTimestampCmp(fn):
  def cmp(lhs, rhs):
    if lhs is None:
      return False
    return fn(utils.MergeTime(lhs), rhs)
  return cmp


def _PrepareRegex(value):
  try:
    return re.compile(value)
  except (re.error, TypeError) as err:
    raise errors.ParameterError("Invalid regex pattern (%s)" % err)


def _RegexSearch(lhs, rhs):
  return isinstance(lhs, str) and rhs.search(lhs) is not None


def _Contains(lhs, rhs):
  return isinstance(lhs, (list, tuple, set, frozenset, dict)) and rhs in lhs


def _Negate(fn):
  return lambda lhs, rhs: not fn(lhs, rhs)


_EQUALITY_CHECKS = [
  (QFF_HOSTNAME, _MatchHostname, None),
  (QFF_SPLIT_TIMESTAMP, _SplitTimestampCmp(operator.eq),
   _PrepareSplitTimestamp),
  (QFF_JOB_ID, operator.eq, _PrepareJobId),
  (None, operator.eq, None),
  ]


def _OrderChecks(fn):
  return [
    (QFF_SPLIT_TIMESTAMP, _SplitTimestampCmp(fn), _PrepareSplitTimestamp),
    (QFF_JOB_ID, fn, _PrepareJobId),
    (None, fn, None),
    ]


#: Binary operators: operator → [(field flag or None, fn(lhs, rhs),
#: value preparation fn or None)], first matching flag wins
_BINARY_OPS = {
  qlang.OP_EQUAL: _EQUALITY_CHECKS,
  qlang.OP_EQUAL_LEGACY: _EQUALITY_CHECKS,
  qlang.OP_NOT_EQUAL: [(flags, _Negate(fn), prep)
                       for (flags, fn, prep) in _EQUALITY_CHECKS],
  qlang.OP_LT: _OrderChecks(operator.lt),
  qlang.OP_LE: _OrderChecks(operator.le),
  qlang.OP_GT: _OrderChecks(operator.gt),
  qlang.OP_GE: _OrderChecks(operator.ge),
  qlang.OP_REGEXP: [(None, _RegexSearch, _PrepareRegex)],
  qlang.OP_CONTAINS: [(None, _Contains, None)],
  }

_LOGIC_OPS = {
  qlang.OP_OR: any,
  qlang.OP_AND: all,
  }


class _FilterCompiler:
  """Turn a wire-form filter into ``fn(ctx, item) -> bool``."""

  def __init__(self, fields):
    self._fields = fields
    self.used_fields = []

  def Compile(self, qfilter, level=0):
    if level >= _MAX_FILTER_LEVELS:
      raise errors.ParameterError("Only up to %s levels are allowed (filter"
                                  " nested too deep)" % _MAX_FILTER_LEVELS)
    if not isinstance(qfilter, (list, tuple)) or not qfilter:
      raise errors.ParameterError("Invalid filter on level %s" % level)
    op = qfilter[0]
    operands = list(qfilter[1:])
    if op in _LOGIC_OPS:
      fns = [self.Compile(sub, level + 1) for sub in operands]
      combine = _LOGIC_OPS[op]
      return lambda ctx, item: combine(fn(ctx, item) for fn in fns)
    if op == qlang.OP_NOT:
      if len(operands) != 1:
        raise errors.ParameterError("Operator '%s' takes exactly one"
                                    " operand" % op)
      fn = self.Compile(operands[0], level + 1)
      return lambda ctx, item: not fn(ctx, item)
    if op == qlang.OP_TRUE:
      if len(operands) != 1:
        raise errors.ParameterError("Operator '%s' takes exactly one"
                                    " operand" % op)
      (_, _, getter) = self._GetField(operands[0])
      return lambda ctx, item: _TestTrue(getter(ctx, item))
    if op in _BINARY_OPS:
      if len(operands) != 2:
        raise errors.ParameterError("Operator '%s' takes exactly two"
                                    " operands" % op)
      (name, value) = operands
      (_, flags, getter) = self._GetField(name)
      for (fflag, fn, prep) in _BINARY_OPS[op]:
        if fflag is None or fflag & flags:
          if prep is not None:
            value = prep(value)
          return _WrapBinary(fn, getter, value)
      raise errors.ProgrammerError("No comparison for operator '%s'" % op)
    raise errors.ParameterError("Unknown operator '%s'" % (op, ))

  def _GetField(self, name):
    if not isinstance(name, str) or name not in self._fields:
      raise errors.ParameterError("Unknown field '%s'" % (name, ))
    (fdef, datakind, flags, getter) = self._fields[name]
    self.used_fields.append((fdef, datakind))
    return (fdef, flags, getter)


def _TestTrue(value):
  if isinstance(value, _FieldStatus):
    return False
  return bool(value)


def _WrapBinary(fn, getter, value):
  def wrapper(ctx, item):
    lhs = getter(ctx, item)
    if isinstance(lhs, _FieldStatus):
      return False
    try:
      return bool(fn(lhs, value))
    except TypeError:
      return False
  return wrapper


def _ExtractNames(qfilter, namefield):
  """Names of a filter that only selects items by name, else None."""
  if not isinstance(qfilter, (list, tuple)) or not qfilter:
    return None
  op = qfilter[0]
  if op in (qlang.OP_EQUAL, qlang.OP_EQUAL_LEGACY) and len(qfilter) == 3:
    if qfilter[1] == namefield and isinstance(qfilter[2], (str, int)):
      return [qfilter[2]]
    return None
  if op == qlang.OP_OR:
    names = []
    for sub in qfilter[1:]:
      subnames = _ExtractNames(sub, namefield)
      if subnames is None:
        return None
      names.extend(subnames)
    return names
  return None


# The query ---------------------------------------------------------------

def _GetUnknownField(name):
  """A field definition for a name that no field has."""
  return (MakeField(name, name, QFT_UNKNOWN, "Unknown field '%s'" % name),
          None, 0, lambda *_: qfields.FS_UNKNOWN)


def GetQueryFields(fielddefs, selected):
  """The field tuples for the selected names (unknown ones included)."""
  return [fielddefs.get(name) or _GetUnknownField(name) for name in selected]


def _ProcessResult(value):
  if isinstance(value, _FieldStatus):
    return [value.status, None]
  return [RS_NORMAL, value]


class Query:
  """A compiled query: selected fields plus an optional filter."""

  def __init__(self, fieldlist, selected, qfilter=None, namefield=None):
    self._fieldlist = fieldlist
    self._fields = GetQueryFields(fieldlist, selected)
    self._namefield = namefield
    self._requested_names = None
    self._filter_fn = None
    self._filter_datakinds = frozenset()
    if namefield is not None and namefield not in fieldlist:
      raise errors.ProgrammerError("Unknown name field '%s'" % namefield)
    if qfilter is not None:
      compiler = _FilterCompiler(fieldlist)
      self._filter_fn = compiler.Compile(qfilter)
      self._filter_datakinds = frozenset(
        kind for (_, kind) in compiler.used_fields if kind is not None)
      if namefield is not None:
        names = _ExtractNames(qfilter, namefield)
        if names is not None:
          self._requested_names = utils.UniqueSequence(names)

  def RequestedNames(self):
    """Names selected by a plain name filter, or None for all items."""
    return self._requested_names

  def RequestedData(self):
    """The set of data kinds the fields and the filter need."""
    return frozenset(kind for (_, kind, _, _) in self._fields
                     if kind is not None) | self._filter_datakinds

  def GetFields(self):
    """The field definitions of the selected fields, in order."""
    return [fdef for (fdef, _, _, _) in self._fields]

  def _Rows(self, ctx, sort_by_name):
    rows = []
    name_getter = None
    if sort_by_name and self._namefield is not None:
      name_getter = self._fieldlist[self._namefield][3]
    for (idx, item) in enumerate(ctx):
      if self._filter_fn is not None and not self._filter_fn(ctx, item):
        continue
      row = [_ProcessResult(fn(ctx, item)) for (_, _, _, fn) in self._fields]
      if name_getter is not None:
        name = name_getter(ctx, item)
        key = utils.NiceSortKey(name) if isinstance(name, str) else name
        rows.append(((key, idx), row))
      else:
        rows.append(((idx, ), row))
    if name_getter is not None:
      rows.sort(key=lambda r: r[0])
    return [row for (_, row) in rows]

  def Query(self, ctx, sort_by_name=True):
    """Rows of ``[status, value]`` pairs for the items passing the filter.

    With C{sort_by_name} (and a name field), rows are sorted by name
    ("nice" order, node2 before node10); otherwise they keep C{ctx} order.

    """
    return self._Rows(ctx, sort_by_name)

  def OldStyleQuery(self, ctx, sort_by_name=True):
    """Rows of plain values (None for abnormal statuses).

    @raise errors.OpPrereqError: if unknown fields were selected

    """
    unknown = [fdef.name for fdef in self.GetFields()
               if fdef.kind == QFT_UNKNOWN]
    if unknown:
      raise errors.OpPrereqError("Unknown output fields selected: %s" %
                                 utils.CommaJoin(unknown),
                                 errors.ECODE_INVAL)
    return [[value for (_, value) in row]
            for row in self._Rows(ctx, sort_by_name)]


def GetQueryResponse(query, ctx, sort_by_name=True):
  """Run a query and wrap the result as L{objects.QueryResponse}."""
  return objects.QueryResponse(data=query.Query(ctx,
                                                sort_by_name=sort_by_name),
                               fields=query.GetFields())


def QueryFields(fielddefs, selected):
  """Definitions of the selected fields, or of all fields sorted by name.

  @rtype: L{objects.QueryFieldsResponse}

  """
  if selected is None:
    fdefs = utils.NiceSort([fdef for (fdef, _, _, _) in fielddefs.values()],
                           key=lambda fdef: fdef.name)
  else:
    fdefs = [fdef for (fdef, _, _, _) in GetQueryFields(fielddefs,
                                                        selected)]
  return objects.QueryFieldsResponse(fields=fdefs)


def GetAllFields(fielddefs):
  """All field definitions of a table, in table order."""
  return [fdef for (fdef, _, _, _) in fielddefs.values()]


def CountUnknownStatuses(response_data):
  """Number of RS_UNKNOWN cells in query result rows."""
  return sum(1 for row in response_data for (status, _) in row
             if status == RS_UNKNOWN)


NODE_FIELDS = qfields.BuildNodeFields()
INSTANCE_FIELDS = qfields_instance.BuildInstanceFields()
GROUP_FIELDS = qfields_group.BuildGroupFields()
JOB_FIELDS = qfields.BuildJobFields()
OS_FIELDS = qfields.BuildOsFields()
EXTSTORAGE_FIELDS = qfields.BuildExtStorageFields()
EXPORT_FIELDS = qfields.BuildExportFields()
LOCK_FIELDS = qfields.BuildLockFields()
CLUSTER_FIELDS = qfields.BuildClusterFields()
NETWORK_FIELDS = qfields.BuildNetworkFields()
FILTER_FIELDS = qfields.BuildFilterFields()

#: Resource name → field table
ALL_FIELDS = {
  qfields.QR_CLUSTER: CLUSTER_FIELDS,
  qfields.QR_INSTANCE: INSTANCE_FIELDS,
  qfields.QR_NODE: NODE_FIELDS,
  qfields.QR_GROUP: GROUP_FIELDS,
  qfields.QR_OS: OS_FIELDS,
  qfields.QR_EXTSTORAGE: EXTSTORAGE_FIELDS,
  qfields.QR_JOB: JOB_FIELDS,
  qfields.QR_EXPORT: EXPORT_FIELDS,
  qfields.QR_NETWORK: NETWORK_FIELDS,
  qfields.QR_LOCK: LOCK_FIELDS,
  qfields.QR_FILTER: FILTER_FIELDS,
  }

#: Resource name → name field (for RequestedNames and sorting)
NAME_FIELDS = {
  qfields.QR_CLUSTER: None,
  qfields.QR_INSTANCE: "name",
  qfields.QR_NODE: "name",
  qfields.QR_GROUP: "name",
  qfields.QR_OS: "name",
  qfields.QR_EXTSTORAGE: "name",
  qfields.QR_JOB: "id",
  qfields.QR_EXPORT: "node",
  qfields.QR_NETWORK: "name",
  qfields.QR_LOCK: "name",
  qfields.QR_FILTER: "uuid",
  }
