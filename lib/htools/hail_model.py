"""The cluster model of an iallocator request, prepared in one pass.

:func:`PrepareRequestData` does for a freshly parsed request what
:func:`ganeti.htools.loader.MergeData` (without utilisation data,
extra exclusion tags or instance selections) followed by
:func:`ganeti.htools.iallocator.UpdateMissing` do, and leaves every node
and instance in exactly the state those leave them in (the tests compare
every slot).  It is the hot part of hail's start: instead of one
``Node.SetPri``/``SetSec`` call per instance, with a copy of the
tag maps and a new utilisation record each, every node's lists, sums
and ratios are accumulated in one loop over the instances (in the same
order, so that the float sums agree) and stored once.

Requests with forthcoming instances take the general path (the
loader's), which the fast loop does not reproduce.
"""

from ganeti.htools import loader
from ganeti.htools import types as T
from ganeti.htools.instance import NO_SECONDARY
from ganeti.htools.node import _Div  # pylint: disable=protected-access


def PrepareRequestData(cdata, update_missing):
  """Prepare ``cdata`` (in place) and return the missing-resource warnings.

  ``update_missing(nodes, instances)`` is the request's accounting of
  unaccounted memory, called on the general path.
  """
  nodes = cdata.nodes
  instances = cdata.instances
  if any(inst.forthcoming for inst in instances):
    loader.MergeData(cdata)
    return update_missing(nodes, instances)
  ctags = cdata.tags
  suffix = _Suffix(nodes, instances)
  _InstanceTags(ctags, suffix, instances)
  for node in nodes:
    node.location_tags = loader.GetLocations(ctags, node.tags)
  if any(node.location_tags for node in nodes):
    for inst in instances:
      if inst.snode != NO_SECONDARY:
        inst.location_score = len(nodes[inst.pnode].location_tags &
                                  nodes[inst.snode].location_tags)
  _Attach(nodes, instances)
  groups = cdata.groups
  mig = any(tag.startswith(loader.MIGRATION_PREFIX) for tag in ctags)
  for node in nodes:
    node.BuildPeers(instances)
    node.SetPolicy(groups[node.group].ipolicy)
    if suffix and node.name.endswith(suffix):
      node.alias = node.name[:-len(suffix)]
    if mig:
      node.mig_tags = loader.GetMigRestrictions(ctags, node.tags)
      node.rmig_tags = loader.GetRecvMigRestrictions(ctags, node.tags)
  if len(groups) > 1:
    for inst in instances:
      # the nodes of Instance.AllNodes in more than one group
      if inst.snode != NO_SECONDARY and inst.disk_template == T.DT_DRBD8 \
         and nodes[inst.pnode].group != nodes[inst.snode].group:
        inst.movable = False
  return _Missing(nodes, instances)


def _Suffix(nodes, instances):
  """The common domain of all names (loader's LongestDomain, cheaply)."""
  names = [n.name for n in nodes] + [i.name for i in instances]
  if not names or "." not in names[0]:
    return ""
  return loader.LongestDomain(names)


def _InstanceTags(ctags, suffix, instances):
  """Exclusion tags, desired locations and aliases of the instances."""
  extags = loader.ExtractExTags(ctags)
  dprefix = loader.DESIRED_LOCATION_PREFIX
  desired = [t[len(dprefix):] + ":" for t in ctags if t.startswith(dprefix)]
  for inst in instances:
    tags = inst.all_tags
    if tags and extags:
      inst.excl_tags = [tag for tag in tags
                        if any(tag.startswith(p) for p in extags)]
    if tags and desired:
      inst.dsrd_loc_tags = frozenset(tag for p in desired for tag in tags
                                     if tag.startswith(p))
    if suffix and inst.name.endswith(suffix):
      inst.alias = inst.name[:-len(suffix)]


class _Acc:
  """One node's sums while the instances are attached."""

  __slots__ = ("pri", "sec", "ucpu", "lcpu", "lmem", "ldsk", "lnet",
               "isp", "loc", "imap", "ptags", "ucpu_f", "fcpu", "fmem",
               "fdsk", "fnet", "fmem_free", "isp_f", "sdsk", "sdsk_f")

  def __init__(self, node):
    self.pri = []
    self.sec = []
    self.ucpu = node.u_cpu
    (self.lcpu, self.lmem, self.ldsk, self.lnet) = _Util(node.util_load)
    (self.fcpu, self.fmem, self.fdsk, self.fnet) = \
      _Util(node.util_load_forth)
    self.isp = node.inst_spindles
    self.isp_f = node.inst_spindles_forth
    self.loc = node.location_score
    self.imap = None
    self.ptags = None
    self.ucpu_f = node.u_cpu_forth
    self.fmem_free = node.f_mem_forth


def _Util(util):
  return (util.cpu, util.mem, util.dsk, util.net)


_LOCAL = T.LOCAL_STORAGE_TEMPLATES
_NO_MEMORY = frozenset([T.ST_ERROR_DOWN, T.ST_ADMIN_DOWN, T.ST_ADMIN_OFFLINE,
                        T.ST_USER_DOWN])


def _Attach(nodes, instances):
  """Node.SetPri/SetSec of every instance, in instance order, at once."""
  accs = [_Acc(node) for node in nodes]
  excl = [node.excl_storage for node in nodes]
  locs = [bool(node.location_tags) for node in nodes]
  for inst in instances:
    idx = inst.idx
    pdx = inst.pnode
    acc = accs[pdx]
    local = inst.disk_template in _LOCAL
    util = inst.util
    # the primary (Node.SetPri, not forthcoming)
    acc.pri.append(idx)
    if inst.run_st != T.ST_ADMIN_OFFLINE:
      acc.ucpu += inst.vcpus
      acc.ucpu_f += inst.vcpus
    acc.lcpu += util.cpu
    acc.lmem += util.mem
    acc.ldsk += util.dsk
    acc.lnet += util.net
    acc.fcpu += util.cpu
    acc.fmem += util.mem
    acc.fdsk += util.dsk
    acc.fnet += util.net
    if not excl[pdx] and local:
      acc.isp += inst.spindle_use
      acc.isp_f += inst.spindle_use
    if inst.location_score or inst.dsrd_loc_tags:
      acc.loc += inst.location_score + nodes[pdx].DsrdLocScore(inst)
    if inst.excl_tags:
      if locs[pdx]:
        if acc.imap is None:
          acc.imap = dict(nodes[pdx].instance_map)
        for pair in nodes[pdx].LocExclPairs(inst):
          acc.imap[pair] = acc.imap.get(pair, 0) + 1
      if acc.ptags is None:
        acc.ptags = dict(nodes[pdx].p_tags)
      for tag in inst.excl_tags:
        acc.ptags[tag] = acc.ptags.get(tag, 0) + 1
    if inst.run_st in _NO_MEMORY:
      acc.fmem_free -= inst.mem
    sdx = inst.snode
    if sdx == NO_SECONDARY:
      continue
    # the secondary (Node.SetSec, not forthcoming)
    acc = accs[sdx]
    acc.sec.append(idx)
    acc.ldsk += util.dsk
    acc.fdsk += util.dsk
    if not excl[sdx] and local:
      acc.isp += inst.spindle_use
      acc.isp_f += inst.spindle_use
  for (node, acc) in zip(nodes, accs):
    if acc.pri:
      acc.pri.reverse()
      plist = tuple(acc.pri)
      node.plist = plist + node.plist
      node.plist_forth = plist + node.plist_forth
      node.u_cpu = acc.ucpu
      node.p_cpu = _Div(acc.ucpu, node.t_cpu)
      node.u_cpu_forth = acc.ucpu_f
      node.p_cpu_forth = _Div(acc.ucpu_f, node.t_cpu)
      node.location_score = acc.loc
      if acc.imap is not None:
        node.instance_map = acc.imap
      if acc.ptags is not None:
        node.p_tags = acc.ptags
      node.f_mem_forth = acc.fmem_free
      node.p_mem_forth = _Div(acc.fmem_free, node.t_mem)
    if acc.sec:
      acc.sec.reverse()
      slist = tuple(acc.sec)
      node.slist = slist + node.slist
      node.slist_forth = slist + node.slist_forth
    if acc.pri or acc.sec:
      node.util_load = T.DynUtil(acc.lcpu, acc.lmem, acc.ldsk, acc.lnet)
      node.util_load_forth = T.DynUtil(acc.fcpu, acc.fmem, acc.fdsk,
                                       acc.fnet)
      if not node.excl_storage:
        node.inst_spindles = acc.isp
        node.inst_spindles_forth = acc.isp_f
      else:
        node.inst_spindles = 0.0
        node.inst_spindles_forth = 0.0


def _Missing(nodes, instances):
  """iallocator.UpdateMissing on the prepared nodes (same warnings)."""
  msgs = []
  for node in nodes:
    imem = 0
    for idx in node.plist:
      inst = instances[idx]
      if inst.run_st == T.ST_RUNNING or inst.run_st == T.ST_ERROR_UP:
        imem += inst.mem
    idsk = 0
    for idx in node.plist:
      idsk += instances[idx].dsk
    for idx in node.slist:
      idsk += instances[idx].dsk
    loader.RecordMissing(node, imem, idsk, msgs)
  return msgs
