"""hscan: scan clusters and save their state as text-backend files.

For every cluster named on the command line (read over RAPI, see
:mod:`ganeti.htools.rapi_backend`), or for the local cluster over LUXI
when none is named (``LOCAL``, optionally ``-L SOCKET``), hscan prints one
summary line (node and instance counts, N+1 failures, memory and disk
totals, the cluster score; ``-p`` adds the node table) and writes the
cluster as loaded to ``DIR/NAME.data`` (``-d DIR``, default the current
directory; slashes in NAME become underscores).  A cluster that cannot be
read is reported in place of its line and makes the exit code 2; the
other clusters are still scanned.  Output is upstream's, byte for byte.
"""

import os
import sys

from ganeti.htools import cli
from ganeti.htools import display
from ganeti.htools import hbal
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import text

PROGRAM = "hscan"

OPTIONS = [
  cli.O_PRINT_NODES, cli.O_OUTPUT_DIR, cli.O_LUXI, cli.O_VERBOSE,
  cli.O_NO_HEADERS, cli.O_STATIC_KVM_NODE_MEMORY, cli.O_VERSION, cli.O_HELP,
  cli.O_HELP_COMPLETION,
]

#: the name of the cluster scanned over LUXI
LOCAL = "LOCAL"

#: exit code when some cluster could not be scanned
EXIT_SCAN_FAILED = 2


class FatalError(Exception):
  """A data file cannot be written or the master daemon cannot be
  reached: the program stops (exit code 1), as upstream's does."""


def _NoMaster(err):
  from ganeti import errors
  return isinstance(err.__context__, errors.NoMasterError)


def FixSlash(name):
  """The file name for a cluster name: slashes become underscores."""
  return name.replace("/", "_")


def SummaryLine(nodes, instances):
  """The one-line cluster summary (without the name column)."""
  (bad_nodes, bad_insts) = hbal.ComputeBadItems(nodes, instances)
  t_mem = sum(n.t_mem for n in nodes)
  f_mem = sum(n.f_mem for n in nodes)
  t_dsk = sum(n.t_dsk for n in nodes)
  f_dsk = sum(n.f_dsk for n in nodes)
  return "%5d %5d %5d %5d %6.0f %6d %6.0f %6d %s" % (
    len(nodes), len(instances), len(bad_nodes), len(bad_insts), t_mem,
    f_mem, t_dsk / 1024, f_dsk // 1024,
    metrics.Format8(metrics.CompCV(nodes)))


def Header(nlen):
  return "%-*s %5s %5s %5s %5s %6s %6s %6s %6s %10s" % (
    nlen, "Name", "Nodes", "Inst", "BNode", "BInst", "t_mem", "f_mem",
    "t_disk", "f_disk", "Score")


def _Load(name, opts):
  if name == LOCAL and not opts.args:
    from ganeti.htools import luxi_backend
    return luxi_backend.LoadData(opts.luxi or None)
  from ganeti.htools import rapi_backend
  return rapi_backend.LoadData(name)


def ScanCluster(name, nlen, opts):
  """Scan one cluster: print its line, write its file; True if it worked."""
  out = sys.stdout.write
  try:
    cdata = _Load(name, opts)
  except loader.LoaderError as err:
    if _NoMaster(err):
      # as upstream, not reaching the master daemon ends the program
      raise FatalError(str(err))
    out("\nError for %s: failed to load data. Details:\n%s\n" % (name, err))
    return False
  # the file holds the cluster as loaded, the summary the prepared data
  serialized = text.SerializeCluster(cdata)
  try:
    loader.MergeData(cdata)
  except loader.LoaderError as err:
    out("\nError for %s: failed to process data. Details:\n%s\n" %
        (name, err))
    return False
  loader.CheckData(cdata.nodes, cdata.instances)
  out("%-*s " % (nlen, name))
  sys.stdout.flush()
  out(SummaryLine(cdata.nodes, cdata.instances) + "\n")
  if opts.print_nodes is not None:
    out("".join(line + "\n" for line in display.PrintNodes(
      cdata.nodes, display.ParseNodeFields(opts.print_nodes))))
  sys.stdout.flush()
  path = os.path.join(opts.output_dir or ".", FixSlash(name)) + ".data"
  try:
    with open(path, "w") as handle:
      handle.write(serialized)
  except OSError as err:
    raise FatalError("%s: openFile: %s (%s)" % (
      path, _IoKind(err), err.strerror))
  return True


def _IoKind(err):
  from ganeti.htools import rapi_backend
  return rapi_backend.IO_KINDS.get(err.errno, "failed")


def Run(opts):
  clusters = list(opts.args)
  nlen = max(len(c) for c in clusters) if clusters else len(LOCAL)
  if not opts.no_headers:
    sys.stdout.write(Header(nlen) + "\n")
  names = clusters or [LOCAL]
  try:
    results = [ScanCluster(name, nlen, opts) for name in names]
  except FatalError as err:
    sys.stdout.flush()
    sys.stderr.write("%s: %s\n" % (PROGRAM, err))
    return cli.EXIT_FAILURE
  if not all(results):
    return EXIT_SCAN_FAILED
  return cli.EXIT_SUCCESS


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, Run, argv, arguments="host 0 none")


if __name__ == "__main__":
  sys.exit(Main())
