"""Iterative and tiered allocation (upstream's iterateAlloc/tieredAlloc).

:func:`IterateAlloc` places copies of one instance (named ``new-N``,
indices after the existing instances) until one does not fit or the
limit is reached; :func:`TieredAlloc` then shrinks the instance along
the resource that failed most (memory by 64 MiB, disk by 256 MiB per
disk, one vcpu, one spindle) and goes on, as upstream's hspace does.

Both return an :class:`AllocResult`: the failure statistics of the last
attempt (``[(FailMode, count)]`` in FailMode order), the final node and
instance containers and the placed instances, newest first.

With capacity checks, non-DRBD allocations are first tried in big
steps without them, kept when the result is globally N+1 redundant, as
upstream does (DRBD allocations never use capacity checks there).
"""

from ganeti.htools import alloc
from ganeti.htools import alloc_n1
from ganeti.htools import types as T

UNIT_MEM = 64
UNIT_DSK = 256
UNIT_CPU = 1
UNIT_SPINDLE = 1


class AllocResult:
  def __init__(self, failstats, nodes, instances, placed):
    self.failstats = failstats
    self.nodes = nodes
    self.instances = instances
    self.placed = placed


def _Step(allocator, opts, nodes, instances, limit, newinst, alloc_nodes,
          placed):
  """upstream's iterateAllocSmallStep (iteratively)."""
  placed = list(placed)
  nodes = dict(nodes)
  instances = dict(instances)
  if newinst.disk_template == T.DT_DRBD8:
    opts = opts.Copy(capacity=False)
  allocator.opts = opts
  while True:
    newidx = len(instances)
    inst = newinst.Copy()
    inst.name = "new-%d" % len(placed)
    inst.alias = inst.name
    inst.idx = newidx
    sol = allocator.TryAlloc(nodes, instances, inst, alloc_nodes)
    failstats = alloc.CollapseFailures(sol.failures)
    elem = sol.solution
    if elem is None or limit == 0:
      return AllocResult(failstats, nodes, instances, placed)
    nodes = elem.nodes
    instances[newidx] = elem.inst
    placed.insert(0, elem.inst)
    if limit is not None:
      limit -= 1


def GuessBigstepSize(nodes, inst):
  nodes = list(nodes.values())
  if not nodes:
    return 20
  unused = sum(n.f_mem for n in nodes)
  reserved = round(max(n.t_mem for n in nodes))
  guess = (unused - reserved) // inst.mem - len(nodes)
  return 20 if guess < 20 else guess


def IterateAlloc(opts, nodes, instances, limit, newinst, alloc_nodes,
                 placed=(), allocator=None, huge=True):
  """Place copies of ``newinst`` while they fit (``limit``: None or N)."""
  if allocator is None:
    allocator = alloc.Allocator(opts)
  if not opts.capacity or newinst.disk_template == T.DT_DRBD8:
    # DRBD: the small steps never check capacity, whatever the big
    # steps find, so the result is the plain iteration's
    return _Step(allocator, opts, nodes, instances, limit, newinst,
                 alloc_nodes, placed)
  while True:
    size = GuessBigstepSize(nodes, newinst) if huge else 10
    if limit is None:
      (step_limit, new_limit) = (size, None)
    else:
      (step_limit, new_limit) = (min(size, limit), max(0, limit - size))
    res = _Step(allocator, opts.Copy(capacity=False), nodes, instances,
                step_limit, newinst, alloc_nodes, placed)
    if alloc_n1.Redundant(opts, res.nodes, res.instances):
      if new_limit == 0 or len(res.placed) == len(placed):
        return res
      (nodes, instances, limit, placed) = (res.nodes, res.instances,
                                           new_limit, res.placed)
      continue
    if huge:
      huge = False
      continue
    return _Step(allocator, opts, nodes, instances, limit, newinst,
                 alloc_nodes, placed)


# Tiered allocation -------------------------------------------------------
def ShrinkByType(inst, mode):
  """A copy of ``inst`` one unit smaller in ``mode``'s resource, or None."""
  if mode == T.FailMode.FailMem:
    value = inst.mem - UNIT_MEM
    if value < UNIT_MEM:
      return None
    new = inst.Copy()
    new.mem = value
    return new
  if mode == T.FailMode.FailDisk:
    disks = [d - UNIT_DSK for d in inst.disks]
    if any(d < UNIT_DSK for d in disks):
      return None
    new = inst.Copy()
    new.disks = disks
    new.dsk = inst.dsk - len(inst.disks) * UNIT_DSK
    return new
  if mode == T.FailMode.FailCPU:
    value = inst.vcpus - UNIT_CPU
    if value < UNIT_CPU:
      return None
    new = inst.Copy()
    new.vcpus = value
    return new
  if mode == T.FailMode.FailSpindles:
    if len(inst.disks) != 1 or inst.total_spindles is None:
      return None
    value = inst.total_spindles - UNIT_SPINDLE
    if value < UNIT_SPINDLE:
      return None
    new = inst.Copy()
    new.total_spindles = value
    return new
  return None


def SpecOf(inst):
  """(mem, dsk, cpu, spindles) as upstream's specOf."""
  spn = inst.total_spindles if (len(inst.disks) == 1 and
                                inst.total_spindles is not None) else 0
  return (inst.mem, inst.dsk, inst.vcpus, spn)


class _Shrinks:
  """The lazy list of ever smaller instances along one resource."""

  def __init__(self, inst, mode):
    self.items = [inst]
    self.mode = mode
    self.done = False

  def Get(self, pos):
    """Item ``pos``; as upstream's iterateOk, an item is only part of
    the list when it can be shrunk further."""
    while len(self.items) <= pos + 1 and not self.done:
      nxt = ShrinkByType(self.items[-1], self.mode)
      if nxt is None:
        self.done = True
      else:
        self.items.append(nxt)
    return self.items[pos] if pos + 1 < len(self.items) else None

  def Length(self, at_most):
    """min(length, at_most), computing as few items as needed."""
    self.Get(at_most)
    return min(len(self.items) - (1 if self.done else 0), at_most)


class _AllocFn:
  """tryAlloc on a fixed cluster state, memoised per instance spec."""

  def __init__(self, opts, nodes, instances, alloc_nodes):
    self.opts = opts
    self.nodes = nodes
    self.instances = instances
    self.alloc_nodes = alloc_nodes
    self.allocator = alloc.Allocator(opts)
    self.memo = {}

  def __call__(self, inst):
    key = _SpecKey(inst)
    sol = self.memo.get(key)
    if sol is None:
      try:
        sol = self.allocator.TryAlloc(self.nodes, self.instances, inst,
                                      self.alloc_nodes)
      except alloc.AllocError:
        sol = alloc.AllocSolution()
      self.memo[key] = sol
    return sol


def _SpecKey(inst):
  return (inst.mem, inst.dsk, tuple(inst.disks), inst.vcpus,
          inst.total_spindles)


def _SufficesShrinking(alloc_fn, inst, mode, walks):
  """The first size along ``mode`` (from ``inst`` itself) that fits,
  walking only while ``mode`` is among the failures; or None.

  ``walks`` memoises, per (mode, spec), the answer of a walk starting
  there: a walk passing through a spec gives that spec's answer.
  """
  shrinks = _Shrinks(inst, mode)
  pos = 0
  seen = []
  found = None
  while True:
    item = shrinks.Get(pos)
    if item is None:
      break
    key = (mode, _SpecKey(item))
    if key in walks:
      found = walks[key]
      break
    seen.append(key)
    sol = alloc_fn(item)
    if sol.solution is not None:
      found = item
      break
    if mode not in sol.failures:
      break
    pos += 1
  for key in seen:
    walks[key] = found
  return found


def TieredAlloc(opts, nodes, instances, limit, newinst, alloc_nodes,
                placed=()):
  """Allocate ``newinst`` while it fits, then ever smaller ones.

  After each tier, the instance is shrunk by one unit along the
  failure mode with the most failures (ties: the later mode in
  FailMode order); a mode no resource stands for (FailN1, FailTags...)
  ends that path.  When the shrunk tier places nothing, the modes are
  tried from the most failures down (ties reversed), each shrunk until
  the instance fits while that mode still shows among the failures; the
  first fitting size is the next tier.  ``limit`` counts every instance
  placed so far, the earlier tiers' included, as upstream's does.
  """
  allocator = alloc.Allocator(opts)
  # upstream recurses once per one-unit shrink (thousands of levels for
  # disk); here each pending frame is a tier whose smaller continuation
  # is running: (its result, its instance, the limit left, its modes)
  pending = []
  # along one search path the cluster only grows, so the number of
  # placed instances pins the state: caches per count, shared by frames
  caches = {}
  current = (nodes, instances, limit, newinst, placed)
  while current is not None:
    (nodes, instances, limit, newinst, placed) = current
    res = IterateAlloc(opts, nodes, instances, limit, newinst, alloc_nodes,
                       placed, allocator)
    count = len(res.placed)
    new_limit = None if limit is None else limit - count
    current = None
    if limit is None or limit > count:
      # stable ascending sort by count: the last mode failed most
      modes = [mode for (mode, _) in
               sorted(res.failstats, key=lambda fc: fc[1])]
      smaller = ShrinkByType(newinst, modes[-1])
      if smaller is not None:
        pending.append((res, newinst, new_limit, modes))
        current = (res.nodes, res.instances, new_limit, smaller, res.placed)
        continue
      big = _BigStep(opts, alloc_nodes, res, newinst, modes, caches)
      if big is not None:
        current = (res.nodes, res.instances, new_limit, big, res.placed)
        continue
    result = res
    while pending and current is None:
      (fres, finst, flimit, fmodes) = pending.pop()
      if len(result.placed) > len(fres.placed):
        continue
      big = _BigStep(opts, alloc_nodes, fres, finst, fmodes, caches)
      if big is not None:
        current = (fres.nodes, fres.instances, flimit, big, fres.placed)
      else:
        result = fres
  return result


def _BigStep(opts, alloc_nodes, res, inst, modes, caches):
  """The first size, trying the modes from the most failing one, that
  shrinking ``inst`` along one resource alone makes fit (or None)."""
  cache = caches.get(len(res.placed))
  if cache is None:
    cache = (_AllocFn(opts, res.nodes, res.instances, alloc_nodes), {})
    caches[len(res.placed)] = cache
  (alloc_fn, walks) = cache
  for mode in reversed(modes):
    big = _SufficesShrinking(alloc_fn, inst, mode, walks)
    if big is not None:
      return big
  return None


def TieredSpecMap(placed):
  """[(spec, count)] of consecutive equal specs, oldest first."""
  result = []
  for inst in reversed(placed):
    spec = SpecOf(inst)
    if result and result[-1][0] == spec:
      result[-1] = (spec, result[-1][1] + 1)
    else:
      result.append((spec, 1))
  return result
