"""Global N+1 redundancy, as upstream's htools check it for allocations.

A cluster state is *redundant* when every node (every online node with
``accept_existing``; nodes of ``opts.capacity_ignore_groups`` never) can
be evacuated: its DRBD primaries failed over to their secondaries, its
freely movable instances (diskless, shared or external storage) moved
to another node of its group (the best-scored failover), and its other
instances (plain, file, blockdev) recreated, largest memory first, each on the best-scored other node of
the group with soft errors ignored.  :func:`AllocGlobalN1` is the
predicate :func:`ganeti.htools.alloc.TryAlloc` applies to allocation
candidates with ``opts.capacity``.
"""

from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import types as T


class _Fail(Exception):
  pass


class MissingNode(Exception):
  """An instance's node is outside the container being checked.

  Upstream's check then stops the program with Haskell's IntMap error;
  ``key`` is the missing node index.
  """

  def __init__(self, key):
    Exception.__init__(self, key)
    self.key = key


def _Failover(nodes, instances, idx):
  inst = instances[idx]
  for ndx in (inst.pnode, inst.snode):
    if ndx not in nodes:
      raise MissingNode(ndx)
  try:
    (changed, new_inst, _, _) = M.ApplyMove(nodes, inst, M.Move(M.FAILOVER),
                                             force=True)
  except T.MoveFailure:
    raise _Fail()
  nodes = dict(nodes)
  nodes.update(changed)
  instances = dict(instances)
  instances[idx] = new_inst
  return (nodes, instances)


def _EvacExternal(nodes, instances, idx, targets):
  """Move an externally mirrored instance to the best other node."""
  inst = instances[idx]
  best = None
  for tdx in targets:
    if tdx == inst.pnode:
      continue
    try:
      (changed, new_inst, _, _) = M.ApplyMove(
        nodes, inst, M.Move(M.FAILOVER_TO_ANY, tdx), force=True)
    except T.MoveFailure:
      continue
    new_nodes = dict(nodes)
    new_nodes.update(changed)
    score = metrics.CompCV(list(new_nodes.values()))
    if best is None or score < best[0]:
      best = (score, new_nodes, new_inst)
  if best is None:
    raise _Fail()
  instances = dict(instances)
  instances[idx] = best[2]
  return (best[1], instances)


def _Recreate(nodes, instances, inst, targets):
  """Place a copy of ``inst`` on the best of ``targets`` (soft ignored)."""
  from ganeti.htools import alloc
  opts = alloc.AllocOptions(ignore_soft_errors=True, capacity=False)
  sol = alloc.Allocator(opts).TryAlloc(nodes, instances, inst,
                                       alloc.AllocNodes(False, targets)) \
    if targets else None
  if sol is None or sol.solution is None:
    raise _Fail()
  elem = sol.solution
  return (alloc.ExtractNl(nodes, instances, elem),
          alloc.UpdateIl(instances, elem))


#: results of CanEvacuateNode for nodes with DRBD primaries only, by the
#: node and the nodes of its instances (node objects are never changed,
#: only replaced, so their identity pins the state)
_DRBD_CACHE = {}
_DRBD_CACHE_MAX = 200000


def CanEvacuateNode(nodes, instances, node):
  """Whether every instance with primary ``node`` can leave it."""
  key = None
  if all(instances[i].disk_template == T.DT_DRBD8 for i in node.plist):
    try:
      key = (node,) + tuple((instances[i], nodes[instances[i].snode])
                            for i in node.plist)
    except KeyError:
      key = None
    if key is not None:
      cached = _DRBD_CACHE.get(key)
      if cached is not None:
        return cached[0]
  result = _CanEvacuateNode(nodes, instances, node)
  if key is not None:
    if len(_DRBD_CACHE) > _DRBD_CACHE_MAX:
      _DRBD_CACHE.clear()
    _DRBD_CACHE[key] = (result,)
  return result


def _CanEvacuateNode(nodes, instances, node):
  drbd = []
  others = []
  for idx in node.plist:
    if instances[idx].disk_template == T.DT_DRBD8:
      drbd.append(idx)
    else:
      others.append(idx)
  shared = [i for i in others
            if instances[i].disk_template in T.FREELY_MOVABLE_TEMPLATES]
  fixed = [i for i in others
           if instances[i].disk_template not in T.FREELY_MOVABLE_TEMPLATES]
  try:
    for idx in drbd:
      (nodes, instances) = _Failover(nodes, instances, idx)
    escape = [n.idx for n in nodes.values()
              if n.group == node.group and n.idx != node.idx]
    for idx in shared:
      (nodes, instances) = _EvacExternal(nodes, instances, idx, escape)
    recreate = sorted((instances[i] for i in fixed), key=lambda i: -i.mem)
    for inst in recreate:
      (nodes, instances) = _Recreate(nodes, instances, inst, escape)
  except _Fail:
    return False
  return True


def Redundant(opts, nodes, instances):
  """Whether the cluster state is globally N+1 redundant."""
  ignore = opts.capacity_ignore_groups
  for node in nodes.values():
    if opts.accept_existing and node.offline:
      continue
    if node.group in ignore:
      continue
    if not CanEvacuateNode(nodes, instances, node):
      return False
  return True


def AllocGlobalN1(opts, nodes, instances, elem):
  """Whether the allocation element leaves the cluster redundant."""
  from ganeti.htools import alloc
  new_il = alloc.UpdateIl(instances, elem)
  new_nl = alloc.ExtractNl(nodes, instances, elem)
  return Redundant(opts, new_nl, new_il)
