"""hcheck: cluster health check (``man/hcheck.rst``).

Checks every node group -- nodes failing N+1, nodes with conflicting
primary instances (exclusion tags), instances on offline nodes, nodes
that cannot be evacuated at once (global N+1, unless
``--no-capacity-checks``) -- and the cluster as a whole.  If any check
fails (and ``--no-simulation`` is not given), simulates a rebalance of
each group with hbal's algorithm and reports the checks again; the exit
code is 1 when the cluster needs a rebalance.  ``--machine-readable``
prints shell assignments (``HCHECK_...``).  Output and exit codes are
upstream's, including its quirks (the final ``NEED_REBALANCE`` repeats
the initial answer; ``OFFLINE_SEC`` counts the offline nodes).

Upstream stops with an internal error when an instance's secondary node
is in another group and the global N+1 check needs it; this program
stops at the same point of the output with the same message.
"""

import sys

from ganeti.htools import balance
from ganeti.htools import cli
from ganeti.htools import globaln1
from ganeti.htools import hbal
from ganeti.htools import loader
from ganeti.htools import metrics

PROGRAM = "hcheck"

OPTIONS = [
  cli.O_TEXT, cli.O_NO_DISK_MOVES, cli.O_DYNU_FILE, cli.O_IGNORE_DYNU,
  cli.O_EVAC_MODE, cli.O_EXCLUDE_INSTS, cli.O_EXCL_TAGS, cli.O_IALLOC,
  cli.O_NO_INST_MOVES, cli.O_LUXI, cli.O_MACHINE_READABLE, cli.O_MAX_CPU,
  cli.O_MAX_LENGTH, cli.O_MIN_DISK, cli.O_MIN_GAIN, cli.O_MIN_GAIN_LIMIT,
  cli.O_MIN_SCORE, cli.O_IGNORE_SOFT, cli.O_NO_SIMULATION, cli.O_OFFLINE,
  cli.O_QUIET, cli.O_RAPI, cli.O_SELECT_INSTS, cli.O_NO_CAPACITY_CHECKS,
  cli.O_VERBOSE, cli.O_VERSION, cli.O_HELP, cli.O_HELP_COMPLETION,
]

PREFIX = "HCHECK"

#: (machine-readable key, description) shown per group and per cluster
_COMMON = [
  ("N1_FAIL", "Nodes not N+1 happy"),
  ("CONFLICT_TAGS", "Nodes with conflicting instances"),
  ("OFFLINE_PRI", "Instances having the primary node offline"),
  ("OFFLINE_SEC", "Instances having a secondary node offline"),
]
_GN1 = ("GN1_FAIL", "Nodes not directly evacuateable")
_GROUP_EXTRA = ("SCORE", "Group score")
_CLUSTER_EXTRA = ("NEED_REBALANCE", "Cluster is not healthy")

INITIAL = "initial"
REBALANCED = "rebalanced"

_CRASH_TEXT = ("%s: IntMap.!: key %d is not an element of the map\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at libraries/containers/containers/src/Data/"
               "IntMap/Internal.hs:619:17 in containers-0.6.4.1:"
               "Data.IntMap.Internal\n")


class Crash(Exception):
  """Upstream's internal error: node ``key`` missing from a group's map."""

  def __init__(self, key):
    Exception.__init__(self, key)
    self.key = key


class LazyBool:
  """The rebalance flag, computed only when printed (it may crash)."""

  def __init__(self, machine, need):
    self.machine = machine
    self.need = need


def Force(value):
  """A statistic's text; raises :class:`Crash` for a failed one."""
  if isinstance(value, globaln1.MissingNode):
    raise Crash(value.key)
  if isinstance(value, LazyBool):
    return _Bool(value.machine, value.need())
  return value


def EnsureQuoted(value):
  """Quote a shell value unless it is only alphanumerics and dots."""
  if all(c.isalnum() or c == "." for c in value):
    return value
  return "'%s'" % value


def PrintKeys(pairs):
  """``HCHECK_KEY=value`` lines; values are forced one line at a time."""
  for (key, value) in pairs:
    text = Force(value)
    sys.stdout.write("%s_%s=%s\n" % (PREFIX, key.upper(), EnsureQuoted(text)))


def Fields(opts, extra):
  fields = list(_COMMON)
  if not opts.no_capacity_checks:
    fields.append(_GN1)
  return fields + [extra]


class GroupStats:
  """The checks of one group: values in :func:`Fields` order, the score.

  A global N+1 value may be a :class:`~ganeti.htools.globaln1.MissingNode`
  standing for upstream's crash when that value is used.
  """

  def __init__(self, group, score, values):
    self.group = group
    self.score = score
    self.values = values


def GroupChecks(opts, group, nodes, instances):
  """The :class:`GroupStats` of a group (``{idx: Node}``, ``{idx: Inst}``)."""
  nlist = [nodes[k] for k in sorted(nodes)]
  ilist = [instances[k] for k in sorted(instances)]
  offline = [n for n in nlist if n.offline]
  (bad_nodes, _) = hbal.ComputeBadItems(nlist, ilist)
  values = [len(bad_nodes),
            sum(1 for n in nlist if n.ConflictingPrimaries() > 0),
            sum(len(n.plist) for n in offline),
            len(offline)]
  if not opts.no_capacity_checks:
    try:
      values.append(globaln1.CountNotEvacuable(nodes, instances))
    except globaln1.MissingNode as err:
      values.append(err)
  return GroupStats(group, metrics.CompCV(nlist), values)


def ClusterValues(groups_stats):
  """Per-column sums over the groups (lazy failures stay in place)."""
  if not groups_stats:
    return []
  result = []
  for column in zip(*[g.values for g in groups_stats]):
    failed = [v for v in column if isinstance(v, globaln1.MissingNode)]
    result.append(failed[0] if failed else sum(column))
  return result


def NeedsRebalance(values):
  return sum(Force(v) for v in values) > 0


def _PhaseKey(phase):
  return "INIT" if phase == INITIAL else "FINAL"


def _PhaseDescr(phase):
  return "initially" if phase == INITIAL else "after rebalancing"


def _Bool(machine, value):
  if machine:
    return "1" if value else "0"
  return "True" if value else "False"


def PrintStats(opts, machine, level, phase, values, extra):
  """Print one block of statistics; ``level`` is None for the cluster.

  ``values`` pair with the fields as far as both go (an empty cluster
  has only the final flag, shown against the first field, as upstream).
  """
  fields = Fields(opts, extra)
  pairs = list(zip(fields, values))
  if machine:
    if level is None:
      keys = ["%s_CLUSTER_%s" % (_PhaseKey(phase), f[0]) for (f, _) in pairs]
    else:
      keys = ["%s_GROUP_%s_%s" % (_PhaseKey(phase), level, f[0])
              for (f, _) in pairs]
    PrintKeys(zip(keys, [v for (_, v) in pairs]))
    return
  if opts.verbosity < 1:
    return
  if level is None:
    head = "Cluster statistics %s\n" % _PhaseDescr(phase)
  else:
    head = "Statistics for group %s %s\n" % (level, _PhaseDescr(phase))
  sys.stdout.write("\n" + head)
  for ((_, descr), value) in pairs:
    sys.stdout.write("    %s: %s\n" % (descr, Force(value)))


def PrintGroupStats(opts, machine, phase, stats):
  level = "%d" % stats.group.idx if machine else stats.group.name
  values = ["%d" % v if isinstance(v, int) else v for v in stats.values]
  if isinstance(stats.score, globaln1.MissingNode):
    values.append(stats.score)
  else:
    values.append(metrics.Format8(stats.score))
  PrintStats(opts, machine, level, phase, values, _GROUP_EXTRA)


def PrintClusterStats(opts, machine, phase, values, need):
  """``need`` is a callable: the flag is only computed when printed."""
  shown = ["%d" % v if isinstance(v, int) else v for v in values]
  fields = Fields(opts, _CLUSTER_EXTRA)
  if len(shown) < len(fields):
    shown.append(LazyBool(machine, need))
  PrintStats(opts, machine, None, phase, shown, _CLUSTER_EXTRA)


def _AlgorithmOptions(opts):
  kwargs = {}
  if opts.min_gain is not None:
    kwargs["min_gain"] = opts.min_gain
  if opts.min_gain_limit is not None:
    kwargs["min_gain_limit"] = opts.min_gain_limit
  return balance.Options(disk_moves=not opts.no_disk_moves,
                         instance_moves=not opts.no_instance_moves,
                         evac_mode=opts.evac_mode,
                         ignore_soft_errors=opts.ignore_soft_errors,
                         **kwargs)


def SimulateGroup(opts, nodes, instances):
  """Rebalance one group as hbal would; returns the new (nodes, insts)."""
  nlist = [nodes[k] for k in sorted(nodes)]
  ini_cv = metrics.CompCV(nlist)
  min_score = opts.min_score if opts.min_score is not None else \
    hbal.DEFAULT_MIN_SCORE
  min_cv = min_score + hbal.OptimalCVScore(nlist)
  if ini_cv < min_cv:
    return (nodes, instances)
  table = balance.Table(dict(nodes), dict(instances), ini_cv, [])
  max_rounds = opts.max_length if opts.max_length is not None else -1
  fin = balance.Iterate(_AlgorithmOptions(opts), table, max_rounds, min_cv)
  return (fin.nodes, fin.instances)


def LoadData(opts):
  """Load the cluster as upstream's loadExternalData (``-O`` not applied).

  Warnings go to stderr unless the verbosity is 0.
  """
  offline = list(getattr(opts, "offline", []))
  opts.offline = []
  try:
    (cdata, warnings) = cli.LoadExternalData(opts)
  finally:
    opts.offline = offline
  if opts.verbosity != 0:
    cli.PrintWarnings(warnings)
  return cdata


def OfflineNames(opts, cdata):
  """The names of the ``-O`` nodes; unknown names stop the program."""
  offline = getattr(opts, "offline", [])
  names = [n.name for n in cdata.nodes]
  found = [(n, loader.LookupName(names, n)) for n in offline]
  wrong = [n for (n, res) in found if res is None]
  if wrong:
    # upstream keeps the -O names last first
    raise hbal.Abort("wrong node name(s) set as offline: %s\n" %
                     ",".join(reversed(wrong)))
  return set(res for (_, res) in found)


def SetNodeStatus(opts, cdata, names=None):
  """Mark the ``-O`` nodes (or the given ``names``) offline."""
  if names is None:
    names = OfflineNames(opts, cdata)
  for node in cdata.nodes:
    if node.name in names:
      node.offline = True


def _Split(cdata):
  result = []
  for (gdx, gnodes, ginsts) in hbal.SplitCluster(cdata.nodes,
                                                 cdata.instances):
    result.append((cdata.groups[gdx],
                   dict((n.idx, n) for n in gnodes),
                   dict((i.idx, i) for i in ginsts)))
  return result


def Run(opts):
  machine = cli.MachineReadable(opts)
  if machine is None:
    return cli.EXIT_FAILURE
  if opts.args:
    raise hbal.Abort("This program doesn't take any arguments.")
  verbose = opts.verbosity
  nosim = opts.no_simulation
  cdata = LoadData(opts)
  SetNodeStatus(opts, cdata)
  split = _Split(cdata)
  if machine:
    PrintKeys(("GROUP_UUID_%d" % g.idx, g.uuid) for g in cdata.groups)
  stats = [GroupChecks(opts, g, n, i) for (g, n, i) in split]
  cvalues = ClusterValues(stats)

  def _Need():
    return NeedsRebalance(cvalues)

  if verbose >= 1 and not machine:
    if nosim:
      sys.stdout.write("Running in no-simulation mode.\n")
    elif _Need():
      sys.stdout.write("Cluster needs rebalancing.\n")
    else:
      sys.stdout.write("No need to rebalance cluster, no problems found.\n")
  for gstats in stats:
    PrintGroupStats(opts, machine, INITIAL, gstats)
  PrintClusterStats(opts, machine, INITIAL, cvalues, _Need)
  simulate = not nosim and _Need()
  if simulate or machine:
    fin_stats = []
    for (grp, nodes, insts) in split:
      if simulate:
        try:
          (nodes, insts) = SimulateGroup(opts, nodes, insts)
        except KeyError as err:
          missing = globaln1.MissingNode(err.args[0])
          fin_stats.append(GroupStats(grp, missing, [missing] * 5))
          continue
      fin_stats.append(GroupChecks(opts, grp, nodes, insts))
    for gstats in fin_stats:
      PrintGroupStats(opts, machine, REBALANCED, gstats)
    PrintClusterStats(opts, machine, REBALANCED, ClusterValues(fin_stats),
                      _Need)
  if machine:
    PrintKeys([("OK", "1")])
  if not (nosim or not _Need()):
    return cli.EXIT_FAILURE
  return cli.EXIT_SUCCESS


def _RunGuarded(opts):
  """Run, turning upstream's internal error into its message and code."""
  try:
    return Run(opts)
  except Crash as err:
    sys.stdout.flush()
    sys.stderr.write(_CRASH_TEXT % (PROGRAM, err.key))
    return cli.EXIT_FAILURE


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, _RunGuarded, argv)


if __name__ == "__main__":
  sys.exit(Main())
