"""Global N+1 redundancy, as upstream's htools check it for allocations.

A cluster state is *redundant* when every node (every online node with
``accept_existing``; nodes of ``opts.capacity_ignore_groups`` never) can
be evacuated, as :mod:`ganeti.htools.hail_n1` decides it (upstream's
``GlobalN1.canEvacuateNode``).  :func:`AllocGlobalN1` is the predicate
:func:`ganeti.htools.alloc.TryAlloc` applies to allocation candidates
with ``opts.capacity``; :class:`AllocChecker` answers it for many
candidates on one base state, reusing the outcomes of the nodes a
candidate does not touch.
"""

from ganeti.htools import hail_n1
from ganeti.htools import types as T


class MissingNode(Exception):
  """An instance's node is outside the container being checked.

  Upstream's check then stops the program with Haskell's IntMap error;
  ``key`` is the missing node index.
  """

  def __init__(self, key):
    Exception.__init__(self, key)
    self.key = key


def _Checked(opts, nodes):
  """The indices of the nodes the redundancy check looks at, in order."""
  ignore = opts.capacity_ignore_groups
  return [idx for (idx, node) in nodes.items()
          if not (opts.accept_existing and node.offline) and
          node.group not in ignore]


def _CheckPresent(nodes, instances, node):
  """Raise MissingNode for a DRBD primary of ``node`` whose nodes are
  not all in ``nodes`` (upstream dies there while failing it over)."""
  for idx in node.plist:
    inst = instances[idx]
    if inst.disk_template != T.DT_DRBD8:
      continue
    for ndx in (inst.pnode, inst.snode):
      if ndx not in nodes:
        raise MissingNode(ndx)


def Redundant(opts, nodes, instances):
  """Whether the cluster state is globally N+1 redundant."""
  for idx in _Checked(opts, nodes):
    node = nodes[idx]
    _CheckPresent(nodes, instances, node)
    if not hail_n1.CanEvacuateNode(nodes, instances, node):
      return False
  return True


class AllocChecker:
  """:func:`AllocGlobalN1` for allocation elements on one base state.

  A node's DRBD failovers fall into groups, one per secondary: failing
  an instance over only changes its two nodes, and what the old primary
  checks (its free disk and spindles, which a failover leaves as they
  were) stays the same, so a group succeeds or fails on its own.  An
  allocation element changes its primary and secondary; only the groups
  of, or towards, those nodes need a new look, and the nodes with other
  (non-DRBD) instances whose group or failover targets include them.
  Everything else keeps its outcome in the base state; a base failure
  that an element leaves alone decides at once.  Base outcomes are
  computed once per base state, on first use.
  """

  def __init__(self, opts, nodes, instances):
    self.nodes = nodes
    self.instances = instances
    self.order = _Checked(opts, nodes)
    self._groups = None

  def _Prepare(self):
    """Base outcomes: {(x, t): ok} per failover group, {x: ok} per node
    with other instances, and the indexes the elements look up."""
    nodes = self.nodes
    instances = self.instances
    self.group_ok = {}
    self.by_sec = {}
    self.rest_ok = {}
    self.rest_deps = {}
    self.failing = []
    for xdx in self.order:
      node = nodes[xdx]
      _CheckPresent(nodes, instances, node)
      (groups, rest) = _Groups(instances, node)
      for (tdx, insts) in groups.items():
        ok = _GroupOk(nodes, insts)
        self.group_ok[(xdx, tdx)] = ok
        self.by_sec.setdefault(tdx, []).append(xdx)
        if not ok:
          self.failing.append(((xdx, tdx), frozenset([xdx, tdx])))
      if rest:
        ok = hail_n1.CanEvacuateNode(nodes, instances, node)
        deps = frozenset([n.idx for n in nodes.values()
                          if n.group == node.group] + list(groups))
        self.rest_ok[xdx] = ok
        self.rest_deps[xdx] = deps
        if not ok:
          self.failing.append((xdx, deps))
    self._groups = True

  def __call__(self, elem):
    from ganeti.htools import alloc
    if self._groups is None:
      self._Prepare()
    changed = frozenset(node.idx for node in elem.new_nodes)
    for (_, deps) in self.failing:
      if not deps & changed:
        return False
    new_nodes = alloc.ExtractNl(self.nodes, self.instances, elem)
    new_insts = alloc.UpdateIl(self.instances, elem)
    checked = set(self.order)
    # groups towards a changed node first: that node lost room
    for tdx in sorted(changed):
      for xdx in self.by_sec.get(tdx, ()):
        if xdx in changed:
          continue
        insts = [new_insts[i] for i in self.nodes[xdx].plist
                 if new_insts[i].disk_template == T.DT_DRBD8 and
                 new_insts[i].snode == tdx]
        if not _GroupOk(new_nodes, insts):
          return False
    for xdx in sorted(changed):
      if xdx not in checked:
        continue
      (groups, rest) = _Groups(new_insts, new_nodes[xdx])
      if rest:
        if not hail_n1.CanEvacuateNode(new_nodes, new_insts,
                                       new_nodes[xdx]):
          return False
        continue
      for insts in groups.values():
        if not _GroupOk(new_nodes, insts):
          return False
    for (xdx, deps) in self.rest_deps.items():
      if deps & changed and xdx not in changed:
        if not hail_n1.CanEvacuateNode(new_nodes, new_insts,
                                       new_nodes[xdx]):
          return False
    return True


def _Groups(instances, node):
  """({secondary: [DRBD primaries of node, in order]}, has other ones)."""
  groups = {}
  rest = False
  for idx in node.plist:
    inst = instances[idx]
    if inst.disk_template == T.DT_DRBD8:
      groups.setdefault(inst.snode, []).append(inst)
    else:
      rest = True
  return (groups, rest)


def _GroupOk(nodes, insts):
  """Whether the instances (one primary, one secondary) fail over in
  turn."""
  (after, _) = hail_n1._FailoverAll(nodes, insts)
  return after is not None


def AllocGlobalN1(opts, nodes, instances, elem):
  """Whether the allocation element leaves the cluster redundant."""
  return AllocChecker(opts, nodes, instances)(elem)
