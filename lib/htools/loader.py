"""Cluster data as the backends deliver it, and its preparation.

Every backend (text file, LUXI, RAPI, iallocator request) produces a
:class:`ClusterData`: groups, nodes and instances indexed by position,
cluster tags and the cluster instance policy.  :func:`MergeData` then
derives what the algorithms need, as Ganeti's htools do: dynamic
utilisation, exclusion tags (cluster tags ``htools:iextags:PREFIX``),
location tags (``htools:nlocation:PREFIX``), desired locations
(``htools:desiredlocation:PREFIX``), migration restrictions
(``htools:migration:PREFIX`` and ``htools:allowmigration:A::B``), the
node/instance cross references, N+1 peers, the group policies and the
shortened display names.
"""

from ganeti.htools import types as T
from ganeti.htools.instance import NO_SECONDARY

EX_TAGS_PREFIX = "htools:iextags:"
MIGRATION_PREFIX = "htools:migration:"
ALLOW_MIGRATION_PREFIX = "htools:allowmigration:"
LOCATION_PREFIX = "htools:nlocation:"
DESIRED_LOCATION_PREFIX = "htools:desiredlocation:"
STANDBY_PREFIX = "htools:standby:"


class LoaderError(Exception):
  """The cluster data is inconsistent or malformed."""


class Group:
  __slots__ = ("name", "uuid", "idx", "alloc_policy", "ipolicy", "tags",
               "networks")

  def __init__(self, name, uuid, alloc_policy, ipolicy, tags, networks=()):
    self.name = name
    self.uuid = uuid
    self.idx = -1
    self.alloc_policy = alloc_policy
    self.ipolicy = ipolicy
    self.tags = list(tags)
    self.networks = list(networks)

  def IsAllocable(self):
    return self.alloc_policy != T.ALLOC_UNALLOCABLE


class ClusterData:
  """Groups, nodes and instances (lists, position = index), tags, policy."""

  def __init__(self, groups, nodes, instances, tags, ipolicy):
    #: ``-O`` names that matched no node (see cli.CheckOfflineNames)
    self.wrong_offline = []
    #: the nodes' hypervisor (iallocator requests: the first enabled one)
    self.hypervisor = None
    self.groups = groups
    self.nodes = nodes
    self.instances = instances
    self.tags = tags
    self.ipolicy = ipolicy

  def Copy(self):
    return ClusterData(list(self.groups), [n.Copy() for n in self.nodes],
                       [i.Copy() for i in self.instances], list(self.tags),
                       self.ipolicy)


def AssignIndices(items):
  for (idx, item) in enumerate(items):
    item.idx = idx
  return items


def _GetTags(prefix, ctags, tags):
  """Tags among ``tags`` that start with ``P:`` for a cluster tag prefix+P."""
  prefixes = [ctag[len(prefix):] + ":" for ctag in ctags
              if ctag.startswith(prefix)]
  return frozenset(tag for p in prefixes for tag in tags if tag.startswith(p))


def GetLocations(ctags, ntags):
  return _GetTags(LOCATION_PREFIX, ctags, ntags)


def GetDesiredLocations(ctags, itags):
  return _GetTags(DESIRED_LOCATION_PREFIX, ctags, itags)


def GetMigRestrictions(ctags, ntags):
  return _GetTags(MIGRATION_PREFIX, ctags, ntags)


def _AllowedMigrations(ctags):
  pairs = []
  for tag in ctags:
    if not tag.startswith(ALLOW_MIGRATION_PREFIX):
      continue
    rest = tag[len(ALLOW_MIGRATION_PREFIX):]
    pos = rest.find("::")
    if pos < 0:
      continue
    (src, dst) = (rest[:pos], rest[pos + 2:])
    if "::" in dst:
      continue
    pairs.append((src, dst))
  return pairs


def GetRecvMigRestrictions(ctags, ntags):
  migs = _AllowedMigrations(ctags)
  result = set()
  for tag in GetMigRestrictions(ctags, ntags):
    result.add(tag)
    result.update(src for (src, dst) in migs if dst == tag)
  return frozenset(result)


def ExtractExTags(ctags):
  return [tag[len(EX_TAGS_PREFIX):] for tag in ctags
          if tag.startswith(EX_TAGS_PREFIX) and tag != EX_TAGS_PREFIX]


def LongestDomain(names):
  """The longest common suffix starting with a dot of all names."""
  if not names:
    return ""
  first = names[0]
  others = names[1:]
  best = ""
  for pos in range(len(first) - 1, -1, -1):
    if first[pos] != ".":
      continue
    suffix = first[pos:]
    if all(name.endswith(suffix) for name in others):
      best = suffix
  return best


def _ComputeAlias(suffix, obj):
  if suffix and obj.name.endswith(suffix):
    obj.alias = obj.name[:-len(suffix)]
  else:
    obj.alias = obj.name


def LookupName(names, name):
  """Resolve ``name`` as Ganeti's htools do: exact, else a unique prefix."""
  if name in names:
    return name
  matches = [n for n in names if n == name or n.startswith(name + ".")]
  if len(matches) == 1:
    return matches[0]
  return None


def _InstanceGroupOk(nodes, inst):
  groups = set(nodes[idx].group for idx in inst.AllNodes()
               if idx != NO_SECONDARY)
  return len(groups) == 1


def MergeData(cdata, util_data=(), extags=(), selinsts=(), exinsts=()):
  """Prepare loaded cluster data for the algorithms (in place, returned).

  ``util_data`` is a list of (instance name, DynUtil); unknown names are
  skipped as upstream does.  Unknown names in ``selinsts``/``exinsts``
  raise :class:`LoaderError`.
  """
  nodes = cdata.nodes
  instances = cdata.instances
  ctags = cdata.tags
  by_name = dict((inst.name, inst) for inst in instances)
  for (name, util) in util_data:
    inst = by_name.get(name)
    if inst is not None:
      inst.util = util
  allextags = list(extags) + ExtractExTags(ctags)
  inst_names = [inst.name for inst in instances]
  sel = [LookupName(inst_names, n) for n in selinsts]
  exc = [LookupName(inst_names, n) for n in exinsts]
  unknown = [n for (n, r) in zip(list(selinsts) + list(exinsts), sel + exc)
             if r is None]
  if unknown:
    raise LoaderError("Unknown instance(s): %s" %
                      ", ".join(repr(n) for n in unknown))
  suffix = LongestDomain([n.name for n in nodes] + inst_names)
  for inst in instances:
    if inst.name in exc or (sel and inst.name not in sel):
      inst.movable = False
    inst.excl_tags = [tag for tag in inst.all_tags
                      if any(tag.startswith(p) for p in allextags)]
    inst.dsrd_loc_tags = GetDesiredLocations(ctags, inst.all_tags)
    _ComputeAlias(suffix, inst)
  for node in nodes:
    node.location_tags = GetLocations(ctags, node.tags)
  for inst in instances:
    pnode = nodes[inst.pnode]
    if inst.snode != NO_SECONDARY:
      snode = nodes[inst.snode]
      inst.location_score = len(pnode.location_tags & snode.location_tags)
    else:
      inst.location_score = 0
  for inst in instances:
    nodes[inst.pnode].SetPri(inst)
    if inst.snode != NO_SECONDARY:
      nodes[inst.snode].SetSec(inst)
  for node in nodes:
    node.BuildPeers(instances)
    node.SetPolicy(cdata.groups[node.group].ipolicy)
    _ComputeAlias(suffix, node)
    node.mig_tags = GetMigRestrictions(ctags, node.tags)
    node.rmig_tags = GetRecvMigRestrictions(ctags, node.tags)
  for inst in instances:
    if not _InstanceGroupOk(nodes, inst):
      inst.movable = False
  return cdata


def RecordMissing(node, imem, idsk, msgs):
  """Record on ``node`` the memory its instances (``imem`` MiB running,
  ``idsk`` MiB of disk) do not explain; a warning goes first into
  ``msgs`` when more than 512 MiB of memory or 1 GiB of disk is
  missing."""
  delta_mem = int(node.t_mem) - node.n_mem - node.f_mem - imem
  delta_dsk = int(node.t_dsk) - node.f_dsk - idsk
  node.SetXmem(delta_mem, imem)
  if delta_mem > 512 or delta_dsk > 1024:
    msgs.insert(0, "node %s is missing %d MB ram and %d GB disk" %
                (node.name, delta_mem, delta_dsk // 1024))


def CheckData(nodes, instances):
  """Compute the unaccounted memory of every node; return the warnings."""
  msgs = []
  for node in nodes:
    imem = sum(instances[i].mem for i in node.plist
               if instances[i].UsesMemory())
    idsk = sum(instances[i].dsk for i in node.plist + node.slist)
    RecordMissing(node, imem, idsk, msgs)
  return msgs
