"""hinfo: cluster information (``man/hinfo.rst``).

Prints what the htools see of the cluster: counts, split instances, the
N+1 state of every node group, optionally the node and instance tables,
and the score components of the whole cluster.  Changes nothing.
"""

import sys

from ganeti.htools import cli
from ganeti.htools import display
from ganeti.htools import hbal
from ganeti.htools import loader
from ganeti.htools import metrics

PROGRAM = "hinfo"

OPTIONS = [
  cli.O_PRINT_NODES, cli.O_PRINT_INSTS, cli.O_TEXT, cli.O_RAPI, cli.O_LUXI,
  cli.O_IALLOC, cli.O_VERBOSE, cli.O_QUIET, cli.O_OFFLINE, cli.O_IGNORE_DYNU,
  cli.O_MOND, cli.O_MOND_DATA, cli.O_STATIC_KVM_NODE_MEMORY, cli.O_VERSION, cli.O_HELP,
  cli.O_HELP_COMPLETION,
]


def _Plural(count, one, many):
  return one if count == 1 else many


def Run(opts):
  if opts.args:
    raise hbal.Abort("This program doesn't take any arguments.")
  verbose = opts.verbosity
  (cdata, warnings) = cli.LoadExternalData(opts,
                                           defer_offline_check=True)
  if verbose >= 1:
    cli.PrintWarnings(warnings)
  out = sys.stdout.write
  out("Loaded cluster tags: %s\n" % ",".join(cdata.tags))
  if verbose > 2:
    out("Loaded cluster ipolicy: %s\n" % cli.ShowIPolicy(cdata.ipolicy))
  sys.stdout.flush()
  cli.CheckOfflineNames(cdata)
  nodes = cdata.nodes
  insts = cdata.instances
  if not insts and verbose > 1:
    out("Cluster is empty.\n")
  out("Loaded %d %s, %d %s, %d %s\n" % (
    len(nodes), _Plural(len(nodes), "node", "nodes"),
    len(insts), _Plural(len(insts), "instance", "instances"),
    len(cdata.groups), _Plural(len(cdata.groups), "node group",
                               "node groups")))
  suffix = loader.LongestDomain([n.name for n in nodes] +
                                [i.name for i in insts])
  if suffix and verbose > 2:
    out("Note: Stripping common suffix of '%s' from names\n" % suffix)
  split = hbal.SplitInstances(nodes, insts)
  if split:
    out("Found instances belonging to multiple node groups:\n")
    sys.stdout.flush()
    for inst in split:
      sys.stderr.write("  %s\n" % inst.name)
  elif verbose > 1:
    out("No split instances found\n")
  rows = []
  happy = True
  for (gdx, gnodes, ginsts) in hbal.SplitCluster(nodes, insts):
    (bad_nodes, bad_insts) = hbal.ComputeBadItems(gnodes, ginsts)
    happy = happy and not bad_nodes
    rows.append([cdata.groups[gdx].name, "%d" % len(gnodes),
                 "%d" % len(ginsts), "%d" % len(bad_nodes),
                 "%d" % len(bad_insts), "True" if not bad_nodes else "False",
                 metrics.Format8(metrics.CompCV(gnodes))])
  if verbose > 1:
    out("Node group information:\n")
    for line in display.FormatTable(
        ["Group", "Nodes", "Instances", "Bad_Nodes", "Bad_Instances", "N+1",
         "Score"], rows, [False, True, True, True, True, False, True],
        prefix="  "):
      out(line + "\n")
  out("Cluster is N+1 %s\n" % ("happy" if happy else "unhappy"))
  hbal.PrintInsts(opts.print_instances, "Instances", nodes, insts)
  hbal.PrintNodes(opts.print_nodes, "Cluster", nodes)
  stats = metrics.ComputeStats(nodes)
  out("Cluster coefficients:\n%s\n" % metrics.FormatStats("   ", stats))
  out("Cluster score: %s\n" % metrics.Format8(metrics.ScoreFromStats(stats)))
  return cli.EXIT_SUCCESS


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, Run, argv)


if __name__ == "__main__":
  sys.exit(Main())
