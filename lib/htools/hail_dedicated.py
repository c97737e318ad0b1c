"""Allocation on dedicated clusters: the lost-allocations metric.

A request is *dedicated* when every node uses exclusive storage or lies
outside the groups the allocation may use (the named group, or all
allocable groups).  There hail does not minimise the cluster score: for
each candidate it counts, per minimal instance spec of the node's policy
(largest disk first), how many such instances the node could still take
before and after the placement; the metric is (the list of losses, the
free disk left), compared lexicographically, and printed the way
Haskell's ``show`` prints it: ``([0,0,1],20490)``.  No capacity checks.
"""

from ganeti.htools import hail_alloc
from ganeti.htools import iallocator as IA
from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY


def IsDedicated(cdata, group_name):
  if group_name is None:
    groups = set(g.idx for g in cdata.groups
                 if g.alloc_policy != T.ALLOC_UNALLOCABLE)
  else:
    groups = set(g.idx for g in cdata.groups if g.name == group_name)
  return all(n.excl_storage or n.group not in groups for n in cdata.nodes)


def IsDedicatedRequest(req):
  if req.kind == IA.MODE_ALLOC:
    return IsDedicated(req.cdata, req.group_name)
  if req.kind == IA.MODE_MULTI_ALLOC:
    gname = req.allocs[0][2] if req.allocs else None
    return IsDedicated(req.cdata, gname)
  return False


def _TestInstances(ipol):
  specs = sorted((mn for (mn, _) in ipol.minmax), key=lambda s: -s.disk_size)
  return [Instance("minimalspecinstance", s.mem_size, s.disk_size,
                   s.cpu_count, T.ST_RUNNING, [], False, NO_SECONDARY,
                   NO_SECONDARY, T.DT_PLAIN, spindle_use=s.spindle_use,
                   disks=[], total_spindles=0) for s in specs]


def _Capacity(test, node):
  count = 0
  while True:
    try:
      node = node.AddPri(test)
    except T.MoveFailure:
      return count
    count += 1


def _Vector(tests, node):
  return [_Capacity(t, node) for t in tests]


def _Lost(opts, tests, inst, node):
  before = _Vector(tests, node)
  new = node.AddPri(inst, force=opts.ignore_soft_errors)
  after = _Vector(tests, new)
  return ([b - a for (b, a) in zip(before, after)], new.f_dsk, new)


def ShowMetric(metric):
  (lost, dsk) = metric
  return "([%s],%d)" % (",".join(str(v) for v in lost), dsk)


def _Policy(inst, node):
  fail = inst.MatchesPolicy(node.ipolicy, node.excl_storage)
  if fail is not None:
    raise T.MoveFailure(fail)


def _OnSingle(opts, nodes, inst, pdx):
  pnode = nodes[pdx]
  tests = _TestInstances(pnode.ipolicy)
  _Policy(inst, pnode)
  (lost, dsk, new_p) = _Lost(opts, tests, inst, pnode)
  new_inst = inst.Copy()
  (new_inst.pnode, new_inst.snode) = (pdx, NO_SECONDARY)
  return ({pdx: new_p}, new_inst, [new_p], (lost, dsk))


def _OnPair(opts, nodes, inst, pdx, sdx):
  pnode = nodes[pdx]
  snode = nodes[sdx]
  tests = _TestInstances(pnode.ipolicy)
  new_inst = inst.Copy()
  (new_inst.pnode, new_inst.snode) = (pdx, sdx)
  _Policy(inst, pnode)
  (lost_p, dsk_p, new_p) = _Lost(opts, tests, new_inst, pnode)
  new_s = snode.AddSec(new_inst, pdx)
  lost_s = [b - a for (b, a) in zip(_Vector(tests, snode),
                                    _Vector(tests, new_s))]
  return ({pdx: new_p, sdx: new_s}, new_inst, [new_p, new_s],
          ([a + b for (a, b) in zip(lost_p, lost_s)], dsk_p + new_s.f_dsk))


def _Fold(tries, nodes):
  """concatAllocs over placements: the metric minimum, ties: the newer."""
  sol = hail_alloc.AllocSolution()
  for fn in tries:
    try:
      (changed, new_inst, inodes, metric) = fn()
    except T.MoveFailure as err:
      sol.failures.insert(0, err.mode)
      continue
    sol.allocs += 1
    if sol.solution is None or not sol.solution.metric < metric:
      new_nodes = dict(nodes)
      new_nodes.update(changed)
      sol.solution = hail_alloc.Element(new_nodes, new_inst, inodes, metric)
  return sol


def FindAllocation(opts, groups, nodes, gdx, inst, count):
  """(AllocSolution, log lines) of ``inst`` in group ``gdx``."""
  grp = groups[gdx]
  view = dict((n.idx, n) for n in nodes if n.group == gdx)
  if not hail_alloc.HasRequiredNetworks(grp, inst):
    raise hail_alloc.AllocError("The group %s is not connected to a network"
                                " required by instance %s" %
                                (grp.name, inst.name))
  (kind, items) = hail_alloc.GenAllocNodes(opts, groups, list(view.values()),
                                           count)
  inst = inst.Copy()
  if kind == "pairs":
    if not items:
      raise hail_alloc.AllocError("Not enough online nodes")
    total = hail_alloc.AllocSolution()
    for (pdx, sdxs) in items:
      part = _Fold([lambda p=pdx, s=sdx: _OnPair(opts, view, inst, p, s)
                    for sdx in sdxs], view)
      total = hail_alloc.AllocSolution(
        part.failures + total.failures, total.allocs + part.allocs,
        _Better(total.solution, part.solution))
    sol = total
  else:
    if not items:
      raise hail_alloc.AllocError("No online nodes")
    sol = _Fold([lambda p=pdx: _OnSingle(opts, view, inst, p)
                 for pdx in items], view)
  hail_alloc.Annotate(sol, ShowMetric)
  return (sol, hail_alloc.SolutionDescription(grp, sol))


def _Better(old, new):
  if old is None:
    return new
  if new is None:
    return old
  return old if old.metric < new.metric else new


def FindMGAllocation(opts, groups, nodes, instances, inst, count):
  sols = []
  msgs = []
  for (gdx, _, _) in hail_alloc.SplitCluster(nodes, instances):
    grp = groups[gdx]
    try:
      (sol, _) = FindAllocation(opts, groups, nodes, gdx, inst, count)
      result = sol
    except hail_alloc.AllocError as err:
      result = str(err)
    sols.append((grp, result))
    msgs.extend(hail_alloc.SolutionDescription(grp, result))
  good = hail_alloc._SortMG(sols)  # pylint: disable=protected-access
  if not good:
    raise hail_alloc.AllocError(", ".join(msgs))
  (grp, sol) = good[0]
  sol.log = ["Selected group: %s" % grp.name] + msgs
  return sol


def _Allocate(opts, req):
  from ganeti.htools import hail
  cdata = req.cdata
  aopts = hail.AlgOptions(opts, req)
  if req.group_name is not None:
    grp = hail_alloc.FindGroupByName(cdata.groups, req.group_name)
    (sol, msgs) = FindAllocation(aopts, cdata.groups, cdata.nodes, grp.idx,
                                 req.inst, req.required_nodes)
    sol.log = msgs
  else:
    sol = FindMGAllocation(aopts, cdata.groups, cdata.nodes, cdata.instances,
                           req.inst, req.required_nodes)
  return hail._FormatAllocate(cdata, sol)  # pylint: disable=protected-access


def _MultiAllocate(opts, req):
  from ganeti.htools import hail
  cdata = req.cdata
  aopts = hail.AlgOptions(opts)
  nodes = cdata.nodes
  insts = list(cdata.instances)
  results = []
  for (inst, count, gname) in req.allocs:
    if gname is None:
      sol = FindMGAllocation(aopts, cdata.groups, nodes, insts, inst, count)
    else:
      grp = hail_alloc.FindGroupByName(cdata.groups, gname)
      # upstream places named-group instances on the initial nodes
      (sol, _) = FindAllocation(aopts, cdata.groups, cdata.nodes, grp.idx,
                                inst, count)
    if sol.solution is not None:
      nodes = hail_alloc.MergeNodes(nodes, sol.solution.nodes)
      new_inst = sol.solution.inst.Copy()
      new_inst.idx = len(insts)
      insts = insts + [new_inst]
    results.append((inst, sol))
  return hail.FormatMultiAlloc(nodes, insts, results)


HANDLERS = {
  IA.MODE_ALLOC: _Allocate,
  IA.MODE_MULTI_ALLOC: _MultiAllocate,
}
