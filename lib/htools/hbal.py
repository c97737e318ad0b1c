"""hbal: the cluster balancer (``man/hbal.rst``).

Loads the cluster from one backend, selects one node group, and moves
instances one step at a time, each step the move that lowers the cluster
score most, until no move gains enough; prints the moves, optionally the
gnt-instance commands (``-C``), the node and instance tables (``-p``,
``--print-instances``), saves the states (``-S``) and executes the moves
as jobs through LUXI (``-X``).  Output and exit codes are upstream's.
"""

import os
import sys

from ganeti.htools import balance
from ganeti.htools import cli
from ganeti.htools import display
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import moves as M
from ganeti.htools import text
from ganeti.htools.instance import NO_SECONDARY

PROGRAM = "hbal"

OPTIONS = [
  cli.O_PRINT_NODES, cli.O_PRINT_INSTS, cli.O_PRINT_COMMANDS, cli.O_TEXT,
  cli.O_EVAC_MODE, cli.O_RESTRICTED_MIGRATION, cli.O_RAPI, cli.O_LUXI,
  cli.O_IALLOC, cli.O_EXEC, cli.O_FIRST_JOB_GROUP, cli.O_REASON,
  cli.O_GROUP, cli.O_MAX_LENGTH, cli.O_VERBOSE, cli.O_QUIET, cli.O_OFFLINE,
  cli.O_STATIC_KVM_NODE_MEMORY, cli.O_MIN_SCORE, cli.O_MAX_CPU, cli.O_MIN_DISK, cli.O_MIN_GAIN,
  cli.O_MIN_GAIN_LIMIT, cli.O_NO_DISK_MOVES, cli.O_SELECT_INSTS,
  cli.O_NO_INST_MOVES, cli.O_IGNORE_SOFT, cli.O_DYNU_FILE, cli.O_IGNORE_DYNU,
  cli.O_MOND, cli.O_MOND_DATA, cli.O_MOND_EXIT_MISSING, cli.O_MOND_XEN,
  cli.O_EXCL_TAGS, cli.O_EXCLUDE_INSTS, cli.O_SAVE, cli.O_PRIORITY,
  cli.O_VERSION, cli.O_HELP, cli.O_HELP_COMPLETION,
]

#: hbal's default minimum score (-e)
DEFAULT_MIN_SCORE = 1e-9


class Abort(Exception):
  """Stop with a message on stderr ("Error: ...") and exit code 1."""


def _Out(msg=""):
  sys.stdout.write(msg + "\n")


def _Err(msg=""):
  sys.stderr.write(msg + "\n")


def HaskellG(value):
  """Haskell printf "%.6g": fixed between 0.1 and 10^7, else exponent."""
  if value != 0 and (abs(value) < 0.1 or abs(value) >= 1e7):
    return cli.HaskellExp(value)
  return metrics.HsFixed(value, 6)


def SplitCluster(nodes, instances):
  """[(group index, node list, instance list)] by group, in group order."""
  groups = {}
  for node in nodes:
    groups.setdefault(node.group, []).append(node)
  result = []
  for gdx in sorted(groups):
    members = set(n.idx for n in groups[gdx])
    insts = [i for i in instances if i.pnode in members]
    result.append((gdx, groups[gdx], insts))
  return result


def SplitInstances(nodes, instances):
  return [i for i in instances
          if len(set(nodes[n].group for n in i.AllNodes()
                     if n != NO_SECONDARY)) > 1]


def ComputeBadItems(nodes, instances):
  bad_nodes = [n for n in nodes if n.fail_n1 and not n.offline]
  bad_idx = set()
  for node in bad_nodes:
    bad_idx.update(node.plist)
    bad_idx.update(node.slist)
  return (bad_nodes, [i for i in instances if i.idx in bad_idx])


def OptimalCVScore(nodes):
  if len(nodes) <= 1:
    return 0.0
  mems = [n.t_mem for n in nodes]
  total = sum(mems)
  total_less = total - max(mems)
  if not total_less > 0:
    return 0.0
  drbd = float(sum(sum(n.peers.values()) for n in nodes))
  usage = drbd / total
  usage_less = drbd / total_less
  return metrics.WEIGHTS[metrics.NAMES.index("reserved_mem_rtotal")] * \
    (usage_less - usage)


def SolutionLine(nodes, instances, nmlen, imlen, plc, pos):
  inst = instances[plc.idx]
  npri = nodes[plc.pnode].alias
  nsec = nodes[plc.snode].alias if plc.snode != NO_SECONDARY else ""
  opri = nodes[inst.pnode].alias
  (moves, cmds) = M.DescribeMove(inst, plc.move, npri, nsec)
  ostr = opri if inst.snode == NO_SECONDARY else \
    "%s:%s" % (opri, nodes[inst.snode].alias)
  nstr = npri if plc.snode == NO_SECONDARY else "%s:%s" % (npri, nsec)
  pmlen = 2 * nmlen + 1
  line = "  %3d. %-*s %-*s => %-*s %12s a=%s" % (
    pos, imlen, inst.alias, pmlen, ostr, pmlen, nstr,
    metrics.Format8(plc.score), moves)
  return (line, cmds)


def InvolvedNodes(instances, plc):
  inst = instances[plc.idx]
  result = []
  for idx in [plc.pnode, plc.snode] + inst.AllNodes():
    if idx >= 0 and idx not in result:
      result.append(idx)
  return result


def SplitJobs(jobs):
  """Group moves (given oldest first) into jobsets on disjoint nodes.

  As upstream, the grouping is decided from the newest move backwards:
  a move joins the jobset after it when it touches none of that jobset's
  nodes so far.
  """
  jobsets = []
  touched = set()
  for job in reversed(jobs):
    nodes = set(job[0])
    if jobsets and not (nodes & touched):
      jobsets[0].insert(0, job)
      touched |= nodes
    else:
      jobsets.insert(0, [job])
      touched = nodes
  return jobsets


def FormatCmds(jobsets):
  lines = []
  for (jsn, jobset) in enumerate(jobsets, 1):
    for (sn, job) in enumerate(jobset, 1):
      if sn == 1:
        lines.extend(["", "echo jobset %d, %d jobs" % (jsn, len(jobset))])
      lines.append("  echo job %d/%d" % (jsn, sn))
      lines.append("  check")
      lines.extend("  gnt-instance " + cmd for cmd in job[3])
  return lines


_SCRIPT_HEADER = """#!/bin/sh

# Auto-generated script for executing cluster rebalancing

# To stop, touch the file /tmp/stop-htools

set -e

check() {
  if [ -f /tmp/stop-htools ]; then
    echo 'Stop requested, exiting'
    exit 0
  fi
}

"""


def SaveCommands(msg, dest, lines):
  if dest is None:
    return
  if dest == "-":
    _Out()
    _Out(msg)
    for line in lines:
      if line != "  check":
        _Out("  " + line)
    return
  with open(dest, "w") as handle:
    handle.write(_SCRIPT_HEADER + "".join(line + "\n" for line in lines))
  _Out("The commands have been written to file '%s'" % dest)


def SaveData(dest, suffix, what, cdata):
  if dest is None:
    return
  path = "%s.%s" % (dest, suffix)
  with open(path, "w") as handle:
    handle.write(text.SerializeCluster(cdata))
  _Err("The cluster state %s has been written to file '%s'" % (what, path))


def PrintInsts(show, when, nodes, instances):
  if show:
    sys.stderr.write("\n%s instance map:\n" % when +
                     "".join(line + "\n" for line in
                             display.PrintInstances(nodes, instances)))


def PrintNodes(fields, when, nodes):
  if fields is not None:
    _Err("\n%s status:\n" % when +
         "".join(line + "\n"
                 for line in display.PrintNodes(nodes,
                                                display.ParseNodeFields(
                                                  fields))))


def SelectGroup(opts, cdata, nodes, instances):
  groups = SplitCluster(nodes, instances)
  if len(groups) > 1 and opts.group is None:
    _Err("Found multiple node groups:")
    for (gdx, _, _) in groups:
      _Err("  " + cdata.groups[gdx].name)
    raise Abort("Aborting.")
  if opts.group is None:
    if not groups:
      raise Abort("No groups found by splitCluster?!")
    (gdx, gnodes, ginsts) = groups[0]
    return (cdata.groups[gdx].name, gnodes, ginsts)
  grp = [g for g in cdata.groups if opts.group in (g.name, g.uuid)]
  if not grp:
    _Err("Node group %s not found. Node group list is:" % opts.group)
    for g in cdata.groups:
      _Err("  " + g.name)
    raise Abort("Aborting.")
  for (gdx, gnodes, ginsts) in groups:
    if gdx == grp[0].idx:
      return (grp[0].name, gnodes, ginsts)
  return (grp[0].name, [], [])


def CheckGroup(opts, gname, nodes, instances):
  _Out("Group size %d nodes, %d instances" % (len(nodes), len(instances)))
  _Out("Selected node group: " + gname)
  (bad_nodes, bad_insts) = ComputeBadItems(nodes, instances)
  if opts.verbosity >= 1:
    _Out("Initial check done: %d bad nodes, %d bad instances." %
         (len(bad_nodes), len(bad_insts)))
  bad = set(id(n) for n in bad_nodes)
  others = [n for n in nodes if id(n) not in bad]
  policy_bad = [n for n in others if _PolicyBad(n)]
  if opts.verbosity > 4:
    _Out("Bad nodes: %s" % _ShowList(n.name for n in bad_nodes))
    _Out("N+1 happy nodes: %s" % _ShowList(n.name for n in others))
    _Out("Node policy status: [%s]" % ",".join(
      '("%s",%s)' % (n.name, _PolicyHealth(n)) for n in others))
  if bad_nodes:
    _Out("Cluster is not N+1 happy, continuing but no guarantee that the"
         " cluster will end N+1 happy.")
  if policy_bad:
    _Out("The cluster contains %d policy-violating nodes." % len(policy_bad))
    if opts.ignore_soft_errors:
      _Out("Continuing, ignoring soft errors.")
    else:
      _Out("Continuing, but the set of moves might be too restricted;"
           " consider using the --ignore-soft-errors option.")


def _PolicyHealth(node):
  """Upstream's Node.getPolicyHealth, as Haskell shows it."""
  if node.inst_spindles > node.hi_spindles:
    return "Bad FailDisk"
  if node.p_cpu > node.ipolicy.vcpu_ratio:
    return "Bad FailCPU"
  return "Ok ()"


def _PolicyBad(node):
  return _PolicyHealth(node) != "Ok ()"


def _ShowList(names):
  return "[%s]" % ",".join('"%s"' % n for n in names)


def _AlgorithmOptions(opts):
  kwargs = {}
  if opts.min_gain is not None:
    kwargs["min_gain"] = opts.min_gain
  if opts.min_gain_limit is not None:
    kwargs["min_gain_limit"] = opts.min_gain_limit
  return balance.Options(disk_moves=not opts.no_disk_moves,
                         instance_moves=not opts.no_instance_moves,
                         evac_mode=opts.evac_mode,
                         restricted_migration=opts.restricted_migration,
                         ignore_soft_errors=opts.ignore_soft_errors,
                         **kwargs)


def Run(opts):
  if opts.args:
    raise Abort("This program doesn't take any arguments.")
  verbose = opts.verbosity
  (cdata, warnings) = cli.LoadExternalData(opts,
                                           defer_offline_check=True)
  if verbose >= 1:
    cli.PrintWarnings(warnings)
  if verbose > 1:
    _Out("Loaded cluster tags: " + ",".join(cdata.tags))
    _Out("Loaded cluster ipolicy: " + cli.ShowIPolicy(cdata.ipolicy))
  sys.stdout.flush()
  cli.CheckOfflineNames(cdata)
  all_nodes = cdata.nodes
  all_insts = cdata.instances
  if not all_insts:
    _Out("Cluster is empty, exiting.")
    return cli.EXIT_SUCCESS
  split = SplitInstances(all_nodes, all_insts)
  if split and verbose > 1:
    _Err("Found instances belonging to multiple node groups:")
    for inst in split:
      _Err("  " + inst.name)
    _Err("These instances will not be moved.")
  _Out("Loaded %d nodes, %d instances" % (len(all_nodes), len(all_insts)))
  suffix = loader.LongestDomain([n.name for n in all_nodes] +
                                [i.name for i in all_insts])
  if suffix and verbose > 1:
    _Out("Note: Stripping common suffix of '%s' from names" % suffix)
  SaveData(opts.save, "original", "before balancing", cdata)
  (gname, nodes, instances) = SelectGroup(opts, cdata, all_nodes, all_insts)
  CheckGroup(opts, gname, nodes, instances)
  PrintInsts(opts.print_instances, "Initial", all_nodes, instances)
  PrintNodes(opts.print_nodes, "Initial cluster", nodes)
  ini_stats = metrics.ComputeStats(nodes)
  ini_cv = metrics.ScoreFromStats(ini_stats)
  opt_cv = OptimalCVScore(nodes)
  min_cv = opts.min_score if opts.min_score is not None else \
    DEFAULT_MIN_SCORE
  if verbose > 2:
    _Out("Initial coefficients: overall %s" % metrics.Format8(ini_cv))
    _Out(metrics.FormatStats("   ", ini_stats))
  else:
    _Out("Initial score: %s" % metrics.Format8(ini_cv))
  if ini_cv - opt_cv < min_cv:
    _Out("Cluster is already well balanced (initial score %s,\n"
         "optimum score due to N+1 reservations %s,\nminimum score %s).\n"
         "Nothing to do, exiting" % (HaskellG(ini_cv), HaskellG(opt_cv),
                                     HaskellG(min_cv)))
    return cli.EXIT_SUCCESS
  _Out("Trying to minimize the CV...")
  imlen = max(len(i.alias) for i in instances) if instances else 0
  nmlen = max(len(n.alias) for n in nodes) if nodes else 0
  table = balance.Table(dict((n.idx, n) for n in nodes),
                        dict((i.idx, i) for i in instances), ini_cv, [])
  jobs = []
  algo = _AlgorithmOptions(opts)
  max_rounds = opts.max_length if opts.max_length is not None else -1

  def _Step(old, new):
    plc = new.placements[-1]
    (line, cmds) = SolutionLine(old.nodes, old.instances, nmlen, imlen, plc,
                                len(new.placements))
    jobs.append((InvolvedNodes(old.instances, plc), plc.idx, plc.move,
                 cmds))
    _Out(line)
    sys.stdout.flush()

  fin = balance.Iterate(algo, table, max_rounds, opt_cv + min_cv,
                        callback=_Step)
  fin_nodes = list(fin.nodes.values())
  if not fin.placements:
    _Out("No solution found")
  elif verbose > 2:
    _Out("Final coefficients:   overall %s" % metrics.Format8(fin.score))
    _Out(metrics.FormatStats("   ", metrics.ComputeStats(fin_nodes)))
  else:
    _Out("Cluster score improved from %s to %s" % (metrics.Format8(ini_cv),
                                                   metrics.Format8(fin.score)))
  if verbose >= 1:
    _Out("Solution length=%d" % len(fin.placements))
  jobsets = SplitJobs(jobs)
  if opts.first_job_group:
    jobsets = jobsets[:1]
  SaveCommands("First set of jobs:" if opts.first_job_group else
               "Commands to run to reach the above solution:",
               opts.print_commands, FormatCmds(jobsets))
  all_fin_nodes = [fin.nodes.get(n.idx, n) for n in all_nodes]
  # as upstream, the balanced state holds only the balanced group
  fin_cdata = loader.ClusterData(
    cdata.groups, [fin.nodes.get(n.idx, n) for n in nodes],
    [fin.instances.get(i.idx, i) for i in instances], cdata.tags,
    cdata.ipolicy)
  SaveData(opts.save, "balanced", "after balancing", fin_cdata)
  fin_insts = list(fin.instances.values())
  PrintInsts(opts.print_instances, "Final", all_fin_nodes, fin_insts)
  PrintNodes(opts.print_nodes, "Final cluster", fin_nodes)
  if verbose > 3:
    _Out("Original: mem=%d disk=%d" % _Totals(nodes))
    _Out("Final:    mem=%d disk=%d" % _Totals(fin_nodes))
  if opts.execute and fin.placements:
    if opts.luxi is None:
      raise Abort("Execution of commands possible only on LUXI")
    from ganeti.htools import execute
    try:
      execute.ExecuteJobsets(opts, all_fin_nodes, all_insts, jobsets)
    except execute.ExecError as err:
      raise Abort(str(err))
  return cli.EXIT_SUCCESS


def _Totals(nodes):
  mem = sum(n.UnallocatedMem() for n in nodes)
  dsk = sum(n.f_dsk for n in nodes)
  return (mem, dsk)


def RunProgram(program, options, run, argv=None, arguments=None):
  """Parse the options of an htools program and run it; the exit code.

  ``arguments``: the --help-completion line on the program's arguments.
  """
  if argv is None:
    argv = sys.argv[1:]
  try:
    opts = cli.ParseArgs(options, argv)
  except cli.Exit as err:
    sys.stderr.write(err.text % {"program": program})
    return err.code
  except cli.ParseError as err:
    _Err("Error while parsing command line arguments:\n%s" % err)
    return cli.EXIT_FAILURE
  except cli.UsageError as err:
    sys.stderr.write("Command line error: %s\n\n%s" %
                     (err, cli.Usage(program, options)))
    return cli.EXIT_USAGE
  code = cli.HandleCommon(program, options, opts, arguments)
  if code is not None:
    return code
  try:
    return run(opts)
  except cli.Exit as err:
    sys.stderr.write(err.text % {"program": program})
    return err.code
  except (Abort, cli.UsageError) as err:
    _Err("Error: %s" % err)
    return cli.EXIT_FAILURE
  except loader.LoaderError as err:
    _Err("Error: failed to load data, aborting: %s" % err)
    return cli.EXIT_FAILURE
  except BrokenPipeError:
    # the reader went away (e.g. "| head"): stop quietly with exit 1, as
    # upstream's programs end on a closed stdout; later flushes are muted
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return cli.EXIT_FAILURE


def Main(argv=None):
  return RunProgram(PROGRAM, OPTIONS, Run, argv)


if __name__ == "__main__":
  sys.exit(Main())
