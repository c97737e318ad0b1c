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
  """:func:`AllocGlobalN1` for allocation elements on one base state."""

  def __init__(self, opts, nodes, instances):
    self.nodes = nodes
    self.instances = instances
    self.checker = hail_n1.Checker(nodes, instances,
                                   order=_Checked(opts, nodes))

  def __call__(self, elem):
    from ganeti.htools import alloc
    changed = [node.idx for node in elem.new_nodes]
    return self.checker.Redundant(
      lambda: alloc.ExtractNl(self.nodes, self.instances, elem),
      alloc.UpdateIl(self.instances, elem), changed)


def AllocGlobalN1(opts, nodes, instances, elem):
  """Whether the allocation element leaves the cluster redundant."""
  return AllocChecker(opts, nodes, instances)(elem)
