"""hroller: rolling-maintenance reboot groups (``man/hroller.rst``).

Builds the graph of nodes that must not be rebooted together (the two
nodes of a DRBD instance; without ``--offline-maintenance`` also the
primaries of instances sharing a secondary), colours it with upstream's
three greedy algorithms and keeps the smallest colouring.  Unless
``--ignore-non-redundant``, each colour class is split further so that
the non-redundant instances of every node of a group can be moved to
other nodes of its node group at the same time; ``--full-evacuation``
also migrates the DRBD instances away and moves their secondaries.
Groups are printed largest first, the master node last; ``--print-moves``
shows where instances go.  Output and exit codes are upstream's,
including the way its secondary replacement reuses the primary node's
record (which shows in ``--print-moves --full-evacuation``).
"""

import sys

from ganeti.htools import cli
from ganeti.htools import graph as G
from ganeti.htools import hbal
from ganeti.htools import hcheck
from ganeti.htools import types as T

PROGRAM = "hroller"

OPTIONS = [
  cli.O_LUXI, cli.O_RAPI, cli.O_TEXT, cli.O_IALLOC, cli.O_OFFLINE,
  cli.O_OFFLINE_MAINTENANCE, cli.O_VERBOSE, cli.O_QUIET, cli.O_NO_HEADERS,
  cli.O_NODE_TAGS, cli.O_SAVE, cli.O_GROUP, cli.O_PRINT_MOVES,
  cli.O_FULL_EVACUATION, cli.O_SKIP_NON_REDUNDANT, cli.O_IGNORE_NON_REDUNDANT,
  cli.O_FORCE, cli.O_ONE_STEP_ONLY, cli.O_STATIC_KVM_NODE_MEMORY,
  cli.O_VERSION, cli.O_HELP, cli.O_HELP_COMPLETION,
]


class Failed(Exception):
  """A relocation step found no way (upstream's ``Bad``)."""


# Configurations are (nodes, instances): dicts from index to object ------
def _AddTwo(nodes, key1, val1, key2, val2):
  """Upstream's addTwo: the first pair wins if the keys are equal."""
  new = dict(nodes)
  new[key2] = val2
  new[key1] = val1
  return new


def _HasSecondary(inst):
  return inst.HasSecondary()


def MoveInstance(conf, idx, new_ndx):
  """Move the non-redundant instance ``idx`` to node ``new_ndx``."""
  (nodes, insts) = conf
  inst = insts[idx]
  old_ndx = inst.pnode
  try:
    new_node = nodes[new_ndx].AddPri(inst, force=True)
  except T.MoveFailure:
    raise Failed()
  old_node = nodes[old_ndx].RemovePri(inst)
  new_inst = inst.Copy()
  new_inst.pnode = new_ndx
  new_insts = dict(insts)
  new_insts[idx] = new_inst
  return (_AddTwo(nodes, old_ndx, old_node, new_ndx, new_node), new_insts)


def _FirstWorking(fn, conf, idx, targets):
  for ndx in targets:
    try:
      return fn(conf, idx, ndx)
    except Failed:
      continue
  raise Failed()


def LocateInstances(idxs, targets, conf):
  """Move every instance of ``idxs`` to the first target accepting it."""
  for idx in idxs:
    conf = _FirstWorking(MoveInstance, conf, idx, targets)
  return conf


def NonRedundant(conf, ndx):
  (nodes, insts) = conf
  return [i for i in nodes[ndx].plist if not _HasSecondary(insts[i])]


def Primaries(conf, ndx):
  (nodes, insts) = conf
  return [i for i in nodes[ndx].plist if _HasSecondary(insts[i])]


def Secondaries(conf, ndx):
  return list(conf[0][ndx].slist)


def GreedyClear(get_insts, relocate, ndxs, targets, conf):
  """The nodes of ``ndxs`` that can be cleared together, and the result.

  Each node in turn is cleared (its instances relocated to the other
  targets of its node group) if possible, and then no longer a target.
  """
  cleared = []
  for ndx in ndxs:
    others = list(targets)
    if ndx in others:
      others.remove(ndx)
    grp = conf[0][ndx].group
    same = [t for t in others if conf[0][t].group == grp]
    try:
      conf = relocate(get_insts(conf, ndx), same, conf)
    except Failed:
      continue
    cleared.append(ndx)
    targets = others
  return (cleared, conf)


def PartitionNodes(get_insts, relocate, ndxs, targets, conf):
  """Split ``ndxs`` into groups cleared at once, each from ``conf``."""
  result = []
  while ndxs:
    (grp, new_conf) = GreedyClear(get_insts, relocate, ndxs, targets, conf)
    if not grp:
      raise Failed()
    result.append((grp, new_conf))
    ndxs = _Minus(ndxs, grp)
  return result


def _Minus(items, removed):
  """Haskell's ``\\\\``: drop one occurrence of each removed element."""
  rest = list(items)
  for item in removed:
    if item in rest:
      rest.remove(item)
  return rest


def Migrate(conf, idx):
  """Swap the primary and secondary of the DRBD instance ``idx``."""
  (nodes, insts) = conf
  inst = insts[idx]
  (pdx, sdx) = (inst.pnode, inst.snode)
  pnode = nodes[pdx].RemovePri(inst)
  snode = nodes[sdx].RemoveSec(inst)
  try:
    new_s = snode.AddPri(inst, force=True)
    new_p = pnode.AddSec(inst, sdx, force=True)
  except T.MoveFailure:
    raise Failed()
  new_inst = inst.Copy()
  new_inst.pnode = sdx
  new_inst.snode = pdx
  new_insts = dict(insts)
  new_insts[idx] = new_inst
  return (_AddTwo(nodes, pdx, new_p, sdx, new_s), new_insts)


def MigrateOffNodes(group):
  (ndxs, conf) = group
  idxs = [i for ndx in ndxs for i in Primaries(conf, ndx)]
  for idx in idxs:
    conf = Migrate(conf, idx)
  return (ndxs, conf)


def ReplaceSecondary(conf, idx, new_ndx):
  """Give instance ``idx`` the secondary ``new_ndx``, as upstream does.

  Upstream takes the record to update at the old secondary's index from
  the primary node (removing the instance there as a secondary), so the
  old secondary's index then holds a copy of the primary's record.
  """
  (nodes, insts) = conf
  inst = insts[idx]
  old_ndx = inst.snode
  pdx = inst.pnode
  if pdx == new_ndx:
    raise Failed()
  try:
    new_sec = nodes[new_ndx].AddSec(inst, pdx, force=True)
  except T.MoveFailure:
    raise Failed()
  old_sec = nodes[pdx].RemoveSec(inst)
  new_inst = inst.Copy()
  new_inst.snode = new_ndx
  new_insts = dict(insts)
  new_insts[idx] = new_inst
  return (_AddTwo(nodes, old_ndx, old_sec, new_ndx, new_sec), new_insts)


def FindSecondaries(idxs, targets, conf):
  for idx in idxs:
    conf = _FirstWorking(ReplaceSecondary, conf, idx, targets)
  return conf


def MakeGraph(opts, all_nodes, members, insts):
  """The reboot graph of ``members`` (``{idx: Node}``), or None if empty."""
  if not members:
    return None
  edges = []
  for idx in sorted(insts):
    inst = insts[idx]
    if _HasSecondary(inst):
      edges.extend([(inst.pnode, inst.snode), (inst.snode, inst.pnode)])
  if not opts.offline_maintenance:
    shared = []
    seen = set(edges)
    for ndx in sorted(all_nodes):
      prims = [insts[i].pnode for i in all_nodes[ndx].slist]
      for a in prims:
        for b in prims:
          if (a, b) not in seen:
            seen.add((a, b))
            shared.append((a, b))
    edges = edges + shared
  edges = [(a, b) for (a, b) in edges if a in members and b in members]
  return G.Graph(min(members), max(members), edges)


def GetMoves(ini, fin):
  """[(instance, new primary node, new secondary node or None)]."""
  (_, ini_insts) = ini
  (fin_nodes, fin_insts) = fin
  result = []
  for idx in sorted(ini_insts):
    inst = ini_insts[idx]
    new = fin_insts[idx]
    has_sec = _HasSecondary(inst)
    if not (inst.pnode != new.pnode or
            (has_sec and inst.snode != new.snode)):
      continue
    if new.pnode == inst.snode and new.snode == inst.pnode:
      continue
    result.append((new, fin_nodes[new.pnode],
                   fin_nodes[new.snode] if has_sec else None))
  return result


def MasterLast(groups):
  """Groups without the master first; the master last in its group."""
  split = [([n for n in nodes if not n.is_master],
            [n for n in nodes if n.is_master], extra)
           for (nodes, extra) in groups]
  ordered = [g for g in split if not g[1]] + [g for g in split if g[1]]
  return [(a + b, extra) for (a, b, extra) in ordered]


def _FindGroup(cdata, name):
  for grp in cdata.groups:
    if name in (grp.name, grp.uuid):
      return grp
  return None


def Run(opts):
  if opts.args:
    raise hbal.Abort("This program doesn't take any arguments.")
  verbose = opts.verbosity
  cdata = hcheck.LoadData(opts)
  masters = [n.name for n in cdata.nodes if n.is_master]
  if not masters:
    msg = "No master node found (maybe not supported by backend)."
    if not opts.force:
      raise hbal.Abort(msg)
    sys.stderr.write("Warning: %s\n" % msg)
  elif len(masters) > 1:
    raise hbal.Abort("Found more than one master node: [%s]" %
                     ",".join('"%s"' % n for n in masters))
  offline = hcheck.OfflineNames(opts, cdata)
  hbal.SaveData(opts.save, "original", "before hroller run", cdata)
  hcheck.SetNodeStatus(opts, cdata, offline)
  wanted = None
  if opts.group is not None:
    wanted = _FindGroup(cdata, opts.group)
    if wanted is None:
      raise hbal.Abort("Cannot find target group.")
  all_nodes = dict((n.idx, n) for n in cdata.nodes)
  insts = dict((i.idx, i) for i in cdata.instances)
  conf = (all_nodes, insts)
  tags = opts.node_tags
  members = {}
  for (ndx, node) in all_nodes.items():
    if node.offline:
      continue
    if opts.skip_non_redundant and NonRedundant(conf, ndx):
      continue
    if tags is not None and not set(node.tags) & set(tags):
      continue
    if wanted is not None and node.group != wanted.idx:
      continue
    members[ndx] = node
  ngraph = MakeGraph(opts, all_nodes, members, insts)
  if ngraph is None:
    raise hbal.Abort("Cannot create node graph")
  if verbose > 2:
    sys.stdout.write("Node Graph: %s\n" % ngraph.Show())
  colorings = [(name, G.ColorVertMap(fn(ngraph)))
               for (name, fn) in G.ALGORITHMS]
  smallest = colorings[0][1]
  for (_, classes) in colorings[1:]:
    if len(classes) < len(smallest):
      smallest = classes
  targets = [n.idx for n in cdata.nodes if not n.offline]
  if opts.ignore_non_redundant:
    groups = [(cls, conf) for cls in smallest]
  else:
    try:
      groups = [part for cls in smallest
                for part in PartitionNodes(NonRedundant, LocateInstances,
                                           cls, targets, conf)]
    except Failed:
      raise hbal.Abort("Not enough capacity to move non-redundant"
                       " instances")
  if opts.full_evacuation:
    try:
      groups = [MigrateOffNodes(g) for g in groups]
    except Failed:
      raise hbal.Abort("Failed to migrate instances off nodes")
    try:
      groups = [part for (cls, gconf) in groups
                for part in PartitionNodes(Secondaries, FindSecondaries,
                                           cls, targets, gconf)]
    except Failed:
      raise hbal.Abort("Not enough capacity to move secondaries")
  shown = [([members[n] for n in cls if n in members], gconf)
           for (cls, gconf) in groups]
  shown.sort(key=lambda g: -len(g[0]))
  shown = MasterLast(shown)
  if verbose > 1:
    sys.stdout.write(G.Stats(colorings) + "\n")
  out = []
  for (nodes, gconf) in shown:
    moves = [(inst.name, pnode.name, snode.name if snode else None)
             for (inst, pnode, snode) in GetMoves(conf, gconf)]
    out.append(([n.name for n in nodes], moves))
  if opts.one_step_only:
    if not opts.no_headers:
      sys.stdout.write("'First Reboot Group'\n")
    if out:
      _ShowGroup(opts, out[0], True)
  else:
    if not opts.no_headers:
      sys.stdout.write("'Node Reboot Groups'\n")
    for item in out:
      _ShowGroup(opts, item, False)
  return cli.EXIT_SUCCESS


def _ShowGroup(opts, item, one_per_line):
  (names, moves) = item
  if one_per_line:
    for name in names:
      sys.stdout.write(name + "\n")
  else:
    sys.stdout.write(",".join(names) + "\n")
  if opts.print_moves:
    for (iname, pname, sname) in moves:
      if sname is None:
        sys.stdout.write("  %s %s\n" % (iname, pname))
      else:
        sys.stdout.write("  %s %s %s\n" % (iname, pname, sname))


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, Run, argv)


if __name__ == "__main__":
  sys.exit(Main())
