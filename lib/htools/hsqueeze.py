"""hsqueeze: dynamic power management of a cluster (``man/hsqueeze.rst``).

Suggests nodes to put into standby when the cluster has spare capacity,
and standby nodes to bring back when it has too little, as upstream's
hsqueeze does:

- candidates for standby are the online, non-master nodes that are no
  instance's secondary and whose primary instances all use external
  storage, those with the most primaries first; walking that list from
  its end, a node joins the set to put into standby if, with the set
  marked offline and the cluster balanced (hbal's algorithm, no minimum
  gain), every instance runs on an online node and every node could still
  take an instance of ``--target-resources`` times the policy's standard
  spec;
- candidates to bring back are the offline nodes tagged
  ``htools:standby:*``; if some node could not take an instance of
  ``--minimal-resources`` times the standard spec, the shortest prefix of
  them that (online, balanced) gives every node that room is chosen, or
  all of them.

Prints the plan, ``-C`` the commands (moves, ``gnt-node add-tags``,
``gnt-node power``), ``-S`` saves the states before and after, ``-X``
submits the jobs over LUXI.  Output and exit codes are upstream's.
"""

import math
import sys
import time

from ganeti.htools import balance
from ganeti.htools import cli
from ganeti.htools import execute
from ganeti.htools import hbal
from ganeti.htools import loader
from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY

PROGRAM = "hsqueeze"

OPTIONS = [
  cli.O_LUXI, cli.O_TEXT, cli.O_EXEC, cli.O_MIN_RESOURCES,
  cli.O_TARGET_RESOURCES, cli.O_SAVE, cli.O_PRINT_COMMANDS, cli.O_VERBOSE,
  cli.O_NO_HEADERS, cli.O_STATIC_KVM_NODE_MEMORY, cli.O_VERSION, cli.O_HELP,
  cli.O_HELP_COMPLETION,
]

#: upstream's defaults of --minimal-resources and --target-resources
DEFAULT_MIN_RESOURCES = 2.0
DEFAULT_TARGET_RESOURCES = 2.0

#: the tag hsqueeze puts on the nodes it sends to standby
STANDBY_AUTO = loader.STANDBY_PREFIX + "auto"


class Config:
  """A cluster configuration: nodes and instances by index."""

  def __init__(self, nodes, instances):
    self.nodes = nodes
    self.instances = instances


def OnlyExternal(conf, node):
  """Whether no primary instance of ``node`` uses local storage."""
  return not any(conf.instances[i].UsesLocalStorage() for i in node.plist)


def AllInstancesOnOnlineNodes(conf):
  return all(not conf.nodes[inst.pnode].offline
             for inst in conf.instances.values())


def AllNodesCapacityFor(inst, conf):
  """Whether every node (offline ones too) could take ``inst``."""
  for node in conf.nodes.values():
    try:
      node.AddPri(inst)
    except T.MoveFailure:
      return False
  return True


def Balance(conf):
  """(balanced Config, moves oldest first) with hbal's algorithm.

  Every step must lower the score (no minimum gain); a move is a tuple
  (involved node indices, instance index, move, gnt-instance commands).
  """
  table = balance.InitialTable(list(conf.nodes.values()),
                               list(conf.instances.values()))
  jobs = []

  def _Step(old, new):
    plc = new.placements[-1]
    (_, cmds) = hbal.SolutionLine(old.nodes, old.instances, 0, 0, plc,
                                  len(new.placements))
    jobs.append((hbal.InvolvedNodes(old.instances, plc), plc.idx, plc.move,
                 cmds))

  algo = balance.Options(min_gain=0.0, min_gain_limit=0.0)
  fin = balance.Iterate(algo, table, -1, -math.inf, callback=_Step)
  return (Config(fin.nodes, fin.instances), jobs)


def SetOffline(offline, conf, idxs):
  """A copy of ``conf`` with the nodes ``idxs`` marked (on|off)line."""
  nodes = dict(conf.nodes)
  for idx in idxs:
    node = nodes[idx].Copy()
    node.offline = offline
    nodes[idx] = node
  return Config(nodes, conf.instances)


def OnlineOfflineNodes(offline, idxs, conf):
  return Balance(SetOffline(offline, conf, idxs))


def CanOnlineOffline(offline, inst, conf, nodes):
  (fin, _) = OnlineOfflineNodes(offline, [n.idx for n in nodes], conf)
  return AllInstancesOnOnlineNodes(fin) and AllNodesCapacityFor(inst, fin)


def GreedyOfflineNodes(inst, conf, candidates):
  """The nodes that can go offline together, tried from the list's end."""
  chosen = []
  for node in reversed(candidates):
    if CanOnlineOffline(True, inst, conf, [node] + chosen):
      chosen.insert(0, node)
  return chosen


def TryOnline(inst, conf, candidates):
  """The shortest prefix of ``candidates`` that, online, gives room for
  ``inst`` on every node; None if even all of them do not."""
  for count in range(len(candidates) + 1):
    if CanOnlineOffline(False, inst, conf, candidates[:count]):
      return candidates[:count]
  return None


def InstanceFromSpec(name, factor, spec):
  """An instance of ``factor`` times ``spec`` (rounded down)."""
  return Instance(name, math.floor(factor * spec.mem_size), 0,
                  math.floor(factor * spec.cpu_count), T.ST_RUNNING, [],
                  False, NO_SECONDARY, NO_SECONDARY, T.DT_EXT,
                  spindle_use=math.floor(factor * spec.spindle_use),
                  disks=[], total_spindles=0)


def HasStandbyTag(node):
  return any(tag.startswith(loader.STANDBY_PREFIX) for tag in node.tags)


def _Lines(text):
  return text.splitlines()


def SaveCommands(msg, dest, text):
  """Print (``-C``) or write (``-CFILE``) the command text, as upstream."""
  if dest is None:
    return
  if dest == "-":
    hbal.SaveCommands(msg, dest, _Lines(text))
    return
  # the script is upstream's shell template followed by the text as is
  with open(dest, "w") as handle:
    handle.write(hbal._SCRIPT_HEADER + text)
  sys.stdout.write("The commands have been written to file '%s'\n" % dest)


def _Unlines(lines):
  return "".join(line + "\n" for line in lines)


def _MoveCommands(jobsets):
  return _Unlines(hbal.FormatCmds(jobsets))


def OfflineCommands(jobsets, nodes):
  return (_MoveCommands(jobsets) + "\necho Tagging Commands\n" +
          "".join("  gnt-node add-tags %s %s\n" % (n.alias, STANDBY_AUTO)
                  for n in nodes) +
          "\necho Power Commands\n" +
          "".join("  gnt-node power -f off %s\n" % n.alias for n in nodes))


def OnlineCommands(jobsets, nodes):
  return ("echo Power Commands\n" +
          "".join("  gnt-node power -f on %s\n" % n.alias for n in nodes) +
          _MoveCommands(jobsets))


def _FinalData(cdata, conf):
  nodes = [conf.nodes[n.idx] for n in cdata.nodes]
  insts = [conf.instances[i.idx] for i in cdata.instances]
  return loader.ClusterData(cdata.groups, nodes, insts, cdata.tags,
                            cdata.ipolicy)


# Executing (-X) ----------------------------------------------------------------
def _Annotate(ops, comment, now):
  trail = [["hsqueeze", "hsqueeze %s called" % cli.VERSION, int(now * 1e9)]]
  for op in ops:
    op["comment"] = "%s %s" % (comment, cli.VERSION)
    op["reason"] = list(trail)
  return ops


def MoveJobsets(nodes, instances, jobsets):
  """[(jobs, description)] for the moves, one entry per jobset."""
  result = []
  for jobset in jobsets:
    jobs = [execute.MoveToOpcodes(nodes, instances[job[1]], job[2])
            for job in jobset]
    for ops in jobs:
      for op in ops:
        op.pop("comment", None)
        op.pop("reason", None)
    result.append((jobs, "Moving instances %s" %
                   ", ".join(instances[job[1]].name for job in jobset)))
  return result


def TagJobsets(nodes):
  return [([[{"OP_ID": "OP_TAGS_SET", "kind": "node", "name": n.name,
              "tags": [STANDBY_AUTO]}]],
           "Tagging node %s with standby" % n.name) for n in nodes]


#: upstream's OOB timeout and power delay (the opcode's defaults)
OOB_TIMEOUT = 60
OOB_POWER_DELAY = 2.0


def PowerJobset(nodes, offline, command, what):
  """One job: mark the nodes (on|off)line, then the OOB power command."""
  ops = [{"OP_ID": "OP_NODE_SET_PARAMS", "node_name": n.name,
          "offline": offline, "force": False, "auto_promote": False}
         for n in nodes]
  ops.append({"OP_ID": "OP_OOB_COMMAND",
              "node_names": [n.name for n in nodes], "command": command,
              "timeout": OOB_TIMEOUT, "ignore_status": False,
              "power_delay": OOB_POWER_DELAY})
  return [([ops], what)]


def ExecuteJobsets(opts, comment, jobsets, client=None):
  """Submit the jobsets one after the other, each waited for.

  @raise hbal.Abort: upstream's "hsqueeze: ..." on a failure
  """
  if opts.luxi is None:
    raise hbal.Abort("%s: Execution of commands possible only on LUXI" %
                     PROGRAM)
  from ganeti import constants
  from ganeti import errors
  from ganeti import luxi
  now = time.time()
  try:
    cl = client or (luxi.Client(address=opts.luxi) if opts.luxi
                    else luxi.Client())
    for (jobs, descr) in jobsets:
      sys.stdout.write(descr + "\n")
      sys.stdout.flush()
      submitted = cl.SubmitManyJobs([_Annotate(ops, comment, now)
                                     for ops in jobs])
      ids = []
      for (ok, value) in submitted:
        if not ok:
          raise execute.ExecError("Job submission error: %s" % value)
        ids.append(str(value))
      sys.stdout.write("Got job IDs%s\n" % ",".join(ids))
      sys.stdout.flush()
      failed = []
      for job_id in ids:
        status = execute._WaitForJob(cl, job_id)  # pylint: disable=W0212
        if status != constants.JOB_STATUS_SUCCESS:
          failed.append((job_id, status))
      if failed:
        raise execute.ExecError(
          "Not all jobs completed successfully: [%s]\nAborting.\n" %
          ",".join("(JobId {fromJobId = %s},JOB_STATUS_%s)" %
                   (job_id, status.upper()) for (job_id, status) in failed))
  except (execute.ExecError, errors.GenericError, OSError) as err:
    raise hbal.Abort("%s: %s" % (PROGRAM, err))


# The program -------------------------------------------------------------------
def _Names(nodes):
  return ",".join(n.name for n in nodes)


def Run(opts):
  if opts.args:
    raise hbal.Abort("This program doesn't take any arguments.")
  out = sys.stdout.write
  verbose = opts.verbosity
  targetf = opts.target_resources
  if targetf is None:
    targetf = DEFAULT_TARGET_RESOURCES
  minf = opts.min_resources
  if minf is None:
    minf = DEFAULT_MIN_RESOURCES
  (cdata, warnings) = cli.LoadExternalData(opts)
  if verbose >= 1:
    cli.PrintWarnings(warnings)
  hbal.SaveData(opts.save, "original", "before hsqueeze run", cdata)
  nodes = cdata.nodes
  conf = Config(dict((n.idx, n) for n in nodes),
                dict((i.idx, i) for i in cdata.instances))
  off_cands = [n for n in nodes
               if not n.offline and not n.is_master and not n.slist and
               OnlyExternal(conf, n)]
  off_cands.sort(key=lambda n: -len(n.plist))
  on_cands = [n for n in nodes if n.offline and HasStandbyTag(n)]
  std = cdata.ipolicy.std
  target_inst = InstanceFromSpec("targetInstance", targetf, std)
  min_inst = InstanceFromSpec("targetInstance", minf, std)
  if verbose > 1:
    out("Offline candidates: %s\n" % _Names(off_cands))
    out("Online candidates: %s\n" % _Names(on_cands))
  if not AllNodesCapacityFor(min_inst, conf):
    to_online = TryOnline(min_inst, conf, on_cands)
    chosen = on_cands if to_online is None else to_online
    (fin, moves) = OnlineOfflineNodes(False, [n.idx for n in chosen], conf)
    jobsets = hbal.SplitJobs(moves)
    if not opts.no_headers:
      out("'Nodes to online'\n")
    out("".join(n.name + "\n" for n in chosen))
    if verbose > 1 and to_online is None:
      out("Onlining all nodes will not yield enough capacity\n")
    SaveCommands("Commands to run:", opts.print_commands,
                 OnlineCommands(jobsets, chosen))
    if opts.execute:
      ExecuteJobsets(opts, "expanding by %d nodes" % len(chosen),
                     PowerJobset(chosen, False, "power-on",
                                 "Powering on nodes") +
                     MoveJobsets(conf.nodes, conf.instances, jobsets))
    hbal.SaveData(opts.save, "squeezed", "after hsqueeze expansion",
                  _FinalData(cdata, fin))
    return cli.EXIT_SUCCESS
  to_offline = GreedyOfflineNodes(target_inst, conf, off_cands)
  if not to_offline:
    if not opts.no_headers:
      out("'No action'\n")
    SaveCommands("Commands to run:", opts.print_commands,
                 "echo Nothing to do")
    hbal.SaveData(opts.save, "squeezed", "after hsqueeze doing nothing",
                  cdata)
    return cli.EXIT_SUCCESS
  (fin, moves) = OnlineOfflineNodes(True, [n.idx for n in to_offline], conf)
  jobsets = hbal.SplitJobs(moves)
  if not opts.no_headers:
    out("'Nodes to offline'\n")
  out("".join(n.name + "\n" for n in to_offline))
  SaveCommands("Commands to run:", opts.print_commands,
               OfflineCommands(jobsets, to_offline))
  if opts.execute:
    ExecuteJobsets(opts, "condensing by %d nodes" % len(to_offline),
                   MoveJobsets(conf.nodes, conf.instances, jobsets) +
                   TagJobsets(to_offline) +
                   PowerJobset(to_offline, True, "power-off",
                               "Powering off nodes"))
  hbal.SaveData(opts.save, "squeezed", "after hsqueeze run",
                _FinalData(cdata, fin))
  return cli.EXIT_SUCCESS


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, Run, argv)


if __name__ == "__main__":
  sys.exit(Main())
