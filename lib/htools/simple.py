"""pyganeti-simple: the built-in iallocator.

A small, deterministic allocator answering every request type of the
iallocator protocol version 2 (``doc/iallocator.rst``) from the input
message alone.  It is what the master uses when the cluster's allocator
is ``pyganeti-simple``, or ``hail`` while no ``hail`` program is installed
(see ``doc/iallocator.rst`` in this project).  It also runs as a plugin
program: ``Main()`` reads the input file named on the command line and
prints the answer.

Rules (the contract the tests check):

* a node can take instances when it is online, not drained, vm_capable and
  the input carries its resource data; its group's ``alloc_policy`` must
  not be ``unallocable``; groups whose policy is ``preferred`` are tried
  before ``last_resort`` ones;
* the instance must fit the group's instance policy (disk template
  allowed, specs within one ``minmax`` range) and, on the primary, the
  node's free memory, its free disk (templates with node-local storage:
  plain, drbd, file) and the ``vcpu-ratio`` of the policy;
* a DRBD secondary is another node of the primary's group with enough free
  disk and free memory (to take the instance over on failover);
* among the nodes that fit, the least loaded one wins: the lowest share of
  its memory given to primary instances, then the fewest instances, then
  the node name (so that answers do not depend on noise in live data);
* several placements in one request (multi-allocate, evacuations) are made
  one after the other, each seeing the resources the previous ones took.
"""

import copy
import sys

from ganeti import constants
from ganeti import serializer

NAME = constants.IALLOCATOR_BUILTIN

#: Extra space the DRBD metadata takes per disk (MiB)
DRBD_META_SIZE = 128

#: Templates whose disks use the nodes' own storage
_LOCAL_STORAGE = frozenset([constants.DT_PLAIN, constants.DT_DRBD8,
                            constants.DT_FILE])

_POLICY_ORDER = [constants.ALLOC_POLICY_PREFERRED,
                 constants.ALLOC_POLICY_LAST_RESORT]

OP_MIGRATE = "OP_INSTANCE_MIGRATE"
OP_REPLACE_DISKS = "OP_INSTANCE_REPLACE_DISKS"
REPLACE_NEW_SECONDARY = "replace_new_secondary"

# Failure reasons (counted per node in the failure message)
FAIL_MEM = "FailMem"
FAIL_DISK = "FailDisk"
FAIL_CPU = "FailCPU"
FAIL_NO_SECONDARY = "FailNoSecondary"


class AllocatorError(Exception):
  """The input message is malformed."""


class _Node:
  """What the allocator knows of one node (updated as it places)."""

  def __init__(self, name, data):
    self.name = name
    self.group = data.get("group")
    self.usable = (not data.get("offline") and not data.get("drained") and
                   data.get("vm_capable", True) and
                   data.get("total_memory") is not None)
    self.total_mem = data.get("total_memory") or 0
    self.free_mem = data.get("free_memory") or 0
    self.total_disk = data.get("total_disk") or 0
    self.free_disk = data.get("free_disk") or 0
    self.total_cpus = data.get("total_cpus")
    self.pri_mem = data.get("i_pri_memory")
    self.pri_vcpus = 0
    self.count = 0

  def LoadKey(self):
    """Sort key of a primary node: least loaded first."""
    share = (float(self.pri_mem) / self.total_mem) if self.total_mem else 1.0
    return (share, self.count, self.name)

  def SecondaryKey(self):
    """Sort key of a secondary node: fewest instances first."""
    return (self.count, self.LoadKey())


class _Cluster:
  """The allocator's model of the input message."""

  def __init__(self, data):
    if not isinstance(data, dict):
      raise AllocatorError("The input message is not a JSON object")
    for key in ("nodes", "nodegroups", "instances", "request"):
      if not isinstance(data.get(key), dict):
        raise AllocatorError("Missing or invalid '%s' in the input" % key)
    self.ipolicy = data.get("ipolicy") or {}
    self.groups = dict(data["nodegroups"])
    self.nodes = dict((name, _Node(name, nd))
                      for (name, nd) in data["nodes"].items())
    # evacuations record the moves they plan: work on a copy
    self.instances = copy.deepcopy(data["instances"])
    # a node's group missing from "nodegroups": a preferred group using
    # the cluster's instance policy
    for node in self.nodes.values():
      if node.group not in self.groups:
        self.groups[node.group] = {"name": node.group}
    compute_mem = dict((n.name, n.pri_mem is None)
                       for n in self.nodes.values())
    for node in self.nodes.values():
      if node.pri_mem is None:
        node.pri_mem = 0
    for inst in self.instances.values():
      inodes = inst.get("nodes") or []
      for (idx, name) in enumerate(inodes):
        node = self.nodes.get(name)
        if node is None:
          continue
        node.count += 1
        if idx == 0:
          node.pri_vcpus += inst.get("vcpus", 0)
          if compute_mem[name]:
            node.pri_mem += inst.get("memory", 0)

  def GroupName(self, uuid):
    return (self.groups.get(uuid) or {}).get("name", uuid)

  def GroupPolicy(self, uuid):
    group = self.groups.get(uuid) or {}
    return group.get("alloc_policy", constants.ALLOC_POLICY_PREFERRED)

  def GroupIPolicy(self, uuid):
    return (self.groups.get(uuid) or {}).get("ipolicy") or self.ipolicy

  def GroupNodes(self, uuid):
    return sorted((n for n in self.nodes.values() if n.group == uuid),
                  key=lambda n: n.name)

  def AllocableGroups(self, wanted=None):
    """Group UUIDs by preference class: [[preferred...], [last_resort...]]."""
    result = []
    for policy in _POLICY_ORDER:
      uuids = sorted((u for u in self.groups
                      if self.GroupPolicy(u) == policy and
                      (wanted is None or u in wanted)),
                     key=self.GroupName)
      result.append(uuids)
    return result


class _Spec:
  """The resources one instance needs."""

  def __init__(self, data, required_nodes=None):
    try:
      self.name = data["name"] if "name" in data else None
      self.template = data.get("disk_template", constants.DT_DISKLESS)
      self.memory = int(data.get("memory", 0))
      self.vcpus = int(data.get("vcpus", 1))
      self.spindle_use = data.get("spindle_use", 1)
      self.disks = [int(d["size"]) for d in data.get("disks") or []]
      self.nics = len(data.get("nics") or [])
      total = data.get("disk_space_total")
      self.disk_space = int(total) if total is not None else \
        _DiskSpace(self.template, self.disks)
    except (KeyError, TypeError, ValueError) as err:
      raise AllocatorError("Invalid instance specification: %s" % err)
    if required_nodes is None:
      required_nodes = data.get("required_nodes")
    if required_nodes is None:
      required_nodes = 2 if self.template in constants.DTS_INT_MIRROR else 1
    self.required_nodes = required_nodes

  def LocalDisk(self):
    """Disk space needed on each node holding the disks (MiB)."""
    if self.template in _LOCAL_STORAGE:
      return self.disk_space
    return 0


def _DiskSpace(template, sizes):
  if template in (constants.DT_DISKLESS, constants.DT_BLOCK):
    return 0
  if template == constants.DT_DRBD8:
    return sum(s + DRBD_META_SIZE for s in sizes)
  return sum(sizes)


def PolicyViolations(ipolicy, spec):
  """Texts of the instance policy violations of ``spec`` (empty: fits)."""
  result = []
  allowed = ipolicy.get(constants.IPOLICY_DTS)
  if allowed is not None and spec.template not in allowed:
    result.append("disk template %s not allowed" % spec.template)
  checks = [(constants.ISPEC_MEM_SIZE, spec.memory),
            (constants.ISPEC_CPU_COUNT, spec.vcpus),
            (constants.ISPEC_NIC_COUNT, spec.nics),
            (constants.ISPEC_SPINDLE_USE, spec.spindle_use)]
  if spec.template != constants.DT_DISKLESS:
    checks.append((constants.ISPEC_DISK_COUNT, len(spec.disks)))
    checks.extend((constants.ISPEC_DISK_SIZE, size) for size in spec.disks)
  best = None
  for minmax in ipolicy.get(constants.ISPECS_MINMAX) or [{}]:
    lows = minmax.get(constants.ISPECS_MIN, {})
    highs = minmax.get(constants.ISPECS_MAX, {})
    errs = ["%s %s not in [%s, %s]" % (name, value, lows[name], highs[name])
            for (name, value) in checks
            if name in lows and name in highs and
            not lows[name] <= value <= highs[name]]
    if best is None or len(errs) < len(best):
      best = errs
  return result + (best or [])


def _PrimaryFailure(node, spec, ipolicy):
  """Why ``node`` can't be the primary of ``spec`` (None: it can)."""
  if node.free_mem < spec.memory:
    return FAIL_MEM
  if node.free_disk < spec.LocalDisk():
    return FAIL_DISK
  ratio = ipolicy.get(constants.IPOLICY_VCPU_RATIO)
  if node.total_cpus and ratio and \
      node.pri_vcpus + spec.vcpus > node.total_cpus * ratio:
    return FAIL_CPU
  return None


def _SecondaryFailure(node, spec):
  if node.free_disk < spec.LocalDisk():
    return FAIL_DISK
  if node.free_mem < spec.memory:
    return FAIL_MEM
  return None


def _Commit(cluster, spec, names):
  """Account for ``spec`` placed on ``names`` (primary first)."""
  for (idx, name) in enumerate(names):
    node = cluster.nodes.get(name)
    if node is None:
      continue
    node.count += 1
    node.free_disk -= spec.LocalDisk()
    if idx == 0:
      node.free_mem -= spec.memory
      node.pri_mem += spec.memory
      node.pri_vcpus += spec.vcpus


def _Release(cluster, spec, names):
  """Undo the accounting of ``spec`` on ``names`` (primary first)."""
  for (idx, name) in enumerate(names):
    node = cluster.nodes.get(name)
    if node is None:
      continue
    node.count -= 1
    node.free_disk += spec.LocalDisk()
    if idx == 0:
      node.free_mem += spec.memory
      node.pri_mem -= spec.memory
      node.pri_vcpus -= spec.vcpus


def _PlaceInGroup(cluster, uuid, spec, exclude=(), fixed_primary=None):
  """Best node list for ``spec`` in group ``uuid``.

  @return: (node names or None, {reason: count})
  """
  ipolicy = cluster.GroupIPolicy(uuid)
  candidates = [n for n in cluster.GroupNodes(uuid)
                if n.usable and n.name not in exclude]
  reasons = {}
  if fixed_primary is not None:
    primaries = [cluster.nodes[fixed_primary]]
  else:
    primaries = []
    for node in candidates:
      why = _PrimaryFailure(node, spec, ipolicy)
      if why:
        reasons[why] = reasons.get(why, 0) + 1
      else:
        primaries.append(node)
    primaries.sort(key=_Node.LoadKey)
  if spec.required_nodes < 2:
    if primaries:
      return ([primaries[0].name], reasons)
    return (None, reasons)
  sec_reasons = {}
  for primary in primaries:
    secondaries = []
    for node in candidates:
      if node.name == primary.name:
        continue
      why = _SecondaryFailure(node, spec)
      if why:
        sec_reasons[why] = sec_reasons.get(why, 0) + 1
      else:
        secondaries.append(node)
    if secondaries:
      best = min(secondaries, key=_Node.SecondaryKey)
      return ([primary.name, best.name], reasons)
  if primaries:
    reasons[FAIL_NO_SECONDARY] = len(primaries)
  return (None, reasons)


def _FormatReasons(cluster, uuid, reasons, violations):
  head = "Group %s (%s): " % (cluster.GroupName(uuid),
                              cluster.GroupPolicy(uuid))
  if violations:
    return head + "instance violates the policy: %s" % ", ".join(violations)
  if not any(n.usable for n in cluster.GroupNodes(uuid)):
    return head + "no online, undrained and vm_capable nodes"
  text = ", ".join("%s: %d" % (key, reasons[key]) for key in sorted(reasons))
  return head + ("No valid allocation solutions, failure reasons: %s" %
                 (text or "not enough nodes"))


def _Place(cluster, spec, groups=None, exclude=(), fixed_primary=None):
  """Place ``spec`` in the best allowed group.

  @return: (node names or None, failure text, group uuid)
  """
  failures = []
  for uuids in cluster.AllocableGroups(groups):
    best = None
    for uuid in uuids:
      if not cluster.GroupNodes(uuid):
        continue
      violations = PolicyViolations(cluster.GroupIPolicy(uuid), spec)
      if violations:
        failures.append(_FormatReasons(cluster, uuid, {}, violations))
        continue
      (names, reasons) = _PlaceInGroup(cluster, uuid, spec, exclude=exclude,
                                       fixed_primary=fixed_primary)
      if names is None:
        failures.append(_FormatReasons(cluster, uuid, reasons, []))
        continue
      key = cluster.nodes[names[0]].LoadKey()
      if best is None or key < best[0]:
        best = (key, names, uuid)
    if best is not None:
      return (best[1], None, best[2])
  if not failures:
    failures.append("No node group can take instances")
  return (None, "; ".join(failures), None)


def _Answer(success, info, result):
  return {"success": success, "info": info, "result": result}


def _Allocate(cluster, request):
  spec = _Spec(request)
  groups = None
  if request.get("group_name"):
    groups = [u for u in cluster.groups
              if cluster.GroupName(u) == request["group_name"]]
  exclude = ()
  if request.get("restrict-to-nodes"):
    exclude = frozenset(cluster.nodes) - frozenset(request["restrict-to-nodes"])
  (names, why, _) = _Place(cluster, spec, groups=groups, exclude=exclude)
  if names is None:
    return _Answer(False, "Request failed: %s" % why, [])
  return _Answer(True, "Request successful: Selected group: %s, Nodes: %s" %
                 (cluster.GroupName(cluster.nodes[names[0]].group),
                  " ".join(names)), names)


def _MultiAllocate(cluster, request):
  done = []
  failed = []
  for req in request.get("instances") or []:
    spec = _Spec(req)
    (names, _, _) = _Place(cluster, spec)
    if names is None:
      failed.append(spec.name)
    else:
      _Commit(cluster, spec, names)
      done.append([spec.name, names])
  return _Answer(True, "Allocated %d instances, %d failed" %
                 (len(done), len(failed)), [done, failed])


def _Instance(cluster, name):
  inst = cluster.instances.get(name)
  if inst is None:
    raise AllocatorError("Instance '%s' not found in the input" % name)
  return inst


def _Relocate(cluster, request):
  inst = _Instance(cluster, request.get("name"))
  spec = _Spec(inst, required_nodes=1)
  nodes = inst.get("nodes") or []
  group = cluster.nodes[nodes[0]].group if nodes and \
    nodes[0] in cluster.nodes else None
  relocate_from = request.get("relocate_from") or []
  # the new node takes the role of the node it replaces
  is_primary = bool(nodes) and relocate_from[:1] == nodes[:1]
  candidates = [n for n in cluster.GroupNodes(group)
                if n.usable and n.name not in nodes]
  ok = []
  reasons = {}
  for node in candidates:
    if is_primary:
      why = _PrimaryFailure(node, spec, cluster.GroupIPolicy(group))
    else:
      why = _SecondaryFailure(node, spec)
    if why:
      reasons[why] = reasons.get(why, 0) + 1
    else:
      ok.append(node)
  if not ok:
    return _Answer(False, "Request failed: %s" %
                   _FormatReasons(cluster, group, reasons, []), [])
  key = _Node.LoadKey if is_primary else _Node.SecondaryKey
  best = min(ok, key=key)
  return _Answer(True, "Request successful: node %s" % best.name,
                 [best.name])


def _AllocateSecondary(cluster, request):
  inst = _Instance(cluster, request.get("name"))
  spec = _Spec(dict(inst, disk_template=constants.DT_DRBD8,
                    disk_space_total=None), required_nodes=2)
  nodes = inst.get("nodes") or []
  if not nodes or nodes[0] not in cluster.nodes:
    return _Answer(False, "Instance %s has no known primary node" %
                   spec.name, None)
  primary = cluster.nodes[nodes[0]]
  # the primary holds the instance already: only the secondary is new
  (names, reasons) = _PlaceInGroup(cluster, primary.group, spec,
                                   exclude=nodes[1:],
                                   fixed_primary=primary.name)
  if names is None:
    return _Answer(False, "Request failed: %s" %
                   _FormatReasons(cluster, primary.group, reasons, []), None)
  return _Answer(True, "Request successful: secondary %s" % names[1],
                 names[1])


def _MigrateOp(name, target=None):
  return {"OP_ID": OP_MIGRATE, "instance_name": name,
          "target_node": target, "allow_failover": True, "cleanup": False}


def _ReplaceOp(name, node):
  return {"OP_ID": OP_REPLACE_DISKS, "instance_name": name,
          "mode": REPLACE_NEW_SECONDARY, "remote_node": node, "disks": [],
          "early_release": False}


def _MoveInstance(cluster, name, mode, groups):
  """Plan the move of one instance off its node(s).

  @param mode: one of constants.NODE_EVAC_MODES
  @param groups: target group uuids, or None for the instance's own group
  @return: (new nodes, target group uuid, opcode list) or a failure text
  """
  inst = _Instance(cluster, name)
  template = inst.get("disk_template")
  nodes = list(inst.get("nodes") or [])
  if not nodes or nodes[0] not in cluster.nodes:
    return "Instance %s has no known primary node" % name
  spec = _Spec(inst)
  own_group = cluster.nodes[nodes[0]].group
  own = [own_group]
  _Release(cluster, spec, nodes)
  if template in constants.DTS_INT_MIRROR and len(nodes) == 2:
    if groups is None and mode == constants.NODE_EVAC_PRI:
      target = cluster.nodes.get(nodes[1])
      if target is None or not target.usable or \
          target.free_mem < spec.memory:
        _Commit(cluster, spec, nodes)
        return "Not enough memory on secondary node %s" % nodes[1]
      result = ([nodes[1], nodes[0]], own_group, [_MigrateOp(name)])
    elif groups is None and mode == constants.NODE_EVAC_SEC:
      (new, reasons) = _PlaceInGroup(cluster, own_group, spec,
                                     exclude=nodes[1:],
                                     fixed_primary=nodes[0])
      if new is None:
        _Commit(cluster, spec, nodes)
        return _FormatReasons(cluster, own_group, reasons, [])
      result = (new, own_group, [_ReplaceOp(name, new[1])])
    else:
      (new, why, group) = _Place(cluster, spec,
                                 groups=own if groups is None else groups,
                                 exclude=nodes)
      if new is None:
        _Commit(cluster, spec, nodes)
        return why
      result = (new, group, [_ReplaceOp(name, new[0]), _MigrateOp(name),
                             _ReplaceOp(name, new[1])])
  elif template in constants.DTS_EXT_MIRROR:
    if groups is None and mode == constants.NODE_EVAC_SEC:
      _Commit(cluster, spec, nodes)
      return "Instance %s has no secondary node to evacuate" % name
    one = _Spec(inst, required_nodes=1)
    (new, why, group) = _Place(cluster, one,
                               groups=own if groups is None else groups,
                               exclude=nodes)
    if new is None:
      _Commit(cluster, spec, nodes)
      return why
    result = (new, group, [_MigrateOp(name, new[0])])
  else:
    _Commit(cluster, spec, nodes)
    return "Instance %s has disk template %s and can't be moved" % \
      (name, template)
  _Commit(cluster, spec, result[0])
  inst["nodes"] = result[0]
  return result


def _Evacuate(cluster, request, mode, groups_fn):
  moved = []
  failed = []
  jobs = []
  names = request.get("instances")
  if not isinstance(names, list):
    raise AllocatorError("Missing or invalid 'instances' in the request")
  for name in names:
    outcome = _MoveInstance(cluster, name, mode, groups_fn(name))
    if isinstance(outcome, str):
      failed.append([name, outcome])
    else:
      (new, group, ops) = outcome
      moved.append([name, cluster.GroupName(group), new])
      jobs.append(ops)
  return _Answer(True, "Request successful: %d instances moved, %d failed" %
                 (len(moved), len(failed)), [moved, failed, jobs])


def _NodeEvacuate(cluster, request):
  mode = request.get("evac_mode")
  if mode not in constants.NODE_EVAC_MODES:
    raise AllocatorError("Invalid evacuation mode '%s'" % mode)
  return _Evacuate(cluster, request, mode, lambda name: None)


def _ChangeGroup(cluster, request):
  targets = request.get("target_groups") or []

  def groups_fn(name):
    inst = _Instance(cluster, name)
    nodes = inst.get("nodes") or []
    current = cluster.nodes[nodes[0]].group if nodes and \
      nodes[0] in cluster.nodes else None
    return [u for u in (targets or cluster.groups) if u != current]
  return _Evacuate(cluster, request, constants.NODE_EVAC_ALL, groups_fn)


_HANDLERS = {
  constants.IALLOCATOR_MODE_ALLOC: _Allocate,
  constants.IALLOCATOR_MODE_MULTI_ALLOC: _MultiAllocate,
  constants.IALLOCATOR_MODE_RELOC: _Relocate,
  constants.IALLOCATOR_MODE_ALLOCATE_SECONDARY: _AllocateSecondary,
  constants.IALLOCATOR_MODE_NODE_EVAC: _NodeEvacuate,
  constants.IALLOCATOR_MODE_CHG_GROUP: _ChangeGroup,
  }


def Allocate(data):
  """Answer the iallocator input message ``data`` (a parsed dict).

  @return: the answer dict ``{"success", "info", "result"}``
  @raise AllocatorError: malformed input

  """
  cluster = _Cluster(data)
  rtype = data["request"].get("type")
  handler = _HANDLERS.get(rtype)
  if handler is None:
    raise AllocatorError("Unknown request type '%s'" % rtype)
  return handler(cluster, data["request"])


def AllocateText(text):
  """Like L{Allocate}, from and to JSON text."""
  try:
    data = serializer.LoadJson(text)
  except ValueError as err:
    raise AllocatorError("Can't parse the input message: %s" % err)
  return serializer.DumpJson(Allocate(data)).decode("utf-8")


def Main(argv=None):
  """Plugin entry point: ``pyganeti-simple INPUT_FILE``."""
  argv = sys.argv if argv is None else argv
  if len(argv) != 2:
    sys.stderr.write("Usage: %s INPUT_FILE\n" % NAME)
    return 1
  try:
    with open(argv[1]) as fh:
      text = fh.read()
    sys.stdout.write(AllocateText(text) + "\n")
  except (OSError, AllocatorError) as err:
    sys.stderr.write("%s: %s\n" % (NAME, err))
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(Main())
