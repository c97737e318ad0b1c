"""hail: the htools iallocator plugin (``man/hail.rst``).

Reads one iallocator request (``doc/iallocator.rst``; a file name or
``-`` for standard input), computes the answer and prints it as one line
of JSON: ``{"success":...,"info":...,"result":...}``.  Request types:
allocate (one or two nodes, in the best group, or in the group named by
the request), multi-allocate, relocate, change-group, node-evacuate and
allocate-secondary.  On clusters whose nodes all use exclusive storage,
allocations minimise the lost allocations instead of the cluster score
(upstream's "dedicated" allocation, :mod:`ganeti.htools.hail_dedicated`).

Exit code 0 whenever an answer was printed (failed requests included),
1 for unusable input (``Error: ...`` on stderr), as upstream's hail.
"""

import contextlib
import gc
import sys

from ganeti.htools import cli
from ganeti.htools import hail_alloc
from ganeti.htools import hail_evac
from ganeti.htools import hbal
from ganeti.htools import iallocator as IA
from ganeti.htools import loader
from ganeti.htools import simu_backend
from ganeti.htools import text

PROGRAM = "hail"


_NonNegInt = cli.Reader("static node memory", True)


# hail's own options (upstream's names and texts)
O_SIMULATE = cli.Opt(None, "simulate", "req", "simulate",
                     "simulate an empty cluster, given as"
                     " 'alloc_policy,num_nodes,disk,ram,cpu'", "SPEC",
                     multi=True)
O_NO_CAPACITY = cli.Opt(None, "no-capacity-checks", None,
                        "no_capacity_checks", "disable capacity checks (like"
                        " global N+1 redundancy)")
O_RESTRICT = cli.Opt(None, "restrict-allocation-to", "req", "restrict_to",
                     "Restrict allocations to the given set of nodes",
                     "NODE,...", convert=lambda v: [x for x in v.split(",")
                                                    if x])
O_STATIC_KVM = cli.Opt(None, "static-kvm-node-memory", "req",
                       "static_kvm_mem", "use static node memory [in MB] on"
                       " KVM instead of value reported by hypervisor. Use 0"
                       " to take value reported from hypervisor.", "N",
                       convert=_NonNegInt)
OPTIONS = [
  cli.O_PRINT_NODES, cli.O_SAVE, cli.O_TEXT, O_SIMULATE, cli.O_VERBOSE,
  cli.O_IGNORE_DYNU, cli.O_IGNORE_SOFT, O_NO_CAPACITY, O_RESTRICT,
  cli.O_MOND, cli.O_MOND_XEN, O_STATIC_KVM, cli.O_VERSION, cli.O_HELP,
  cli.O_HELP_COMPLETION,
]

def AlgOptions(opts, request=None):
  restrict = opts.restrict_to
  if restrict is None and request is not None:
    restrict = request.restrict_nodes
  return hail_alloc.Options(ignore_soft_errors=opts.ignore_soft_errors,
                            capacity=not opts.no_capacity_checks,
                            restrict_to_nodes=restrict)


# Processing ----------------------------------------------------------------
def _FormatAllocate(cdata, sol):
  info = ", ".join(sol.log)
  if sol.solution is None:
    raise hail_alloc.AllocError(info)
  elem = sol.solution
  nodes = hail_alloc.MergeNodes(cdata.nodes, elem.nodes) \
    if isinstance(elem.nodes, dict) else elem.nodes
  insts = list(cdata.instances) + [elem.inst]
  return (info, [n.name for n in elem.inodes], nodes, insts)


def _Allocate(opts, req):
  cdata = req.cdata
  aopts = AlgOptions(opts, req)
  if req.group_name is None:
    sol = hail_alloc.TryMGAlloc(aopts, cdata.groups, cdata.nodes,
                                cdata.instances, req.inst, req.required_nodes)
  else:
    sol = hail_alloc.TryGroupAlloc(aopts, cdata.groups, cdata.nodes,
                                   cdata.instances, req.group_name, req.inst,
                                   req.required_nodes)
  return _FormatAllocate(cdata, sol)


def FormatMultiAlloc(nodes, insts, results):
  allocated = []
  failed = []
  for (inst, sol) in results:
    if sol.solution is not None:
      allocated.append([sol.solution.inst.name,
                        [n.name for n in sol.solution.inodes]])
    else:
      failed.append([inst.name, ", ".join(sol.log)])
  info = ("%d instances failed to allocate and %d were allocated"
          " successfully" % (len(failed), len(allocated)))
  return (info, [allocated, failed], nodes, insts)


def _MultiAllocate(opts, req):
  cdata = req.cdata
  aopts = AlgOptions(opts)
  nodes = cdata.nodes
  insts = list(cdata.instances)
  results = []
  for (inst, count, gname) in req.allocs:
    if gname is None:
      sol = hail_alloc.TryMGAlloc(aopts, cdata.groups, nodes, insts, inst,
                                  count)
    else:
      sol = hail_alloc.TryGroupAlloc(aopts, cdata.groups, nodes, insts, gname,
                                     inst, count)
    if sol.solution is not None:
      elem = sol.solution
      nodes = hail_alloc.MergeNodes(nodes, elem.nodes)
      new_inst = elem.inst.Copy()
      new_inst.idx = len(insts)
      insts = insts + [new_inst]
    results.append((inst, sol))
  return FormatMultiAlloc(nodes, insts, results)


def _Relocate(opts, req):
  cdata = req.cdata
  (nodes, insts, ndxs) = hail_evac.ProcessRelocate(
    AlgOptions(opts), cdata.groups, cdata.nodes, cdata.instances, req.idx,
    req.required_nodes, req.exclude)
  return ("success", [nodes[n].name for n in ndxs], nodes, insts)


def _NodeEvac(opts, req):
  cdata = req.cdata
  (nodes, insts, esol) = hail_evac.TryNodeEvac(
    AlgOptions(opts), cdata.groups, cdata.nodes, cdata.instances, req.mode,
    req.idxs)
  (info, result) = hail_evac.FormatEvac(cdata.groups, cdata.nodes,
                                        cdata.instances, esol)
  return (info, result, nodes, insts)


def _ChangeGroup(opts, req):
  cdata = req.cdata
  (nodes, insts, esol) = hail_evac.TryChangeGroup(
    AlgOptions(opts), cdata.groups, cdata.nodes, cdata.instances, req.groups,
    req.idxs)
  (info, result) = hail_evac.FormatEvac(cdata.groups, cdata.nodes,
                                        cdata.instances, esol)
  return (info, result, nodes, insts)


def _AllocateSecondary(opts, req):
  cdata = req.cdata
  inst = cdata.instances[req.idx]
  if inst.snode >= 0:
    raise hail_alloc.AllocError("Instance already has a secondary")
  pdx = inst.pnode
  nodes = list(cdata.nodes)
  nodes[pdx] = nodes[pdx].RemovePri(inst)
  new_inst = inst.Copy()
  new_inst.disk_template = "drbd"
  gdx = nodes[pdx].group
  sdxs = [n.idx for n in nodes if n.group == gdx and n.idx != pdx]
  sol = hail_alloc.TryAlloc(AlgOptions(opts), hail_alloc.NodeView(nodes),
                            cdata.instances, new_inst, ("pairs", [(pdx, sdxs)]))
  info = ", ".join(sol.log)
  if sol.solution is None:
    raise hail_alloc.AllocError(info)
  elem = sol.solution
  if len(elem.inodes) != 2:
    raise hail_alloc.AllocError("Internal error (not a DRBD allocation);"
                                " info was: " + info)
  new_nodes = hail_alloc.MergeNodes(nodes, elem.nodes)
  insts = list(cdata.instances)
  converted = elem.inst.Copy()
  converted.idx = req.idx
  insts[req.idx] = converted
  return (info, elem.inodes[1].name, new_nodes, insts)


_HANDLERS = {
  IA.MODE_ALLOC: _Allocate,
  IA.MODE_MULTI_ALLOC: _MultiAllocate,
  IA.MODE_RELOC: _Relocate,
  IA.MODE_NODE_EVAC: _NodeEvac,
  IA.MODE_CHG_GROUP: _ChangeGroup,
  IA.MODE_ALLOC_SECONDARY: _AllocateSecondary,
}


def ProcessRequest(opts, req):
  """(answer text, final nodes or None, final instances or None)."""
  from ganeti.htools import hail_dedicated
  handler = _HANDLERS[req.kind]
  if hail_dedicated.IsDedicatedRequest(req):
    handler = hail_dedicated.HANDLERS.get(req.kind, handler)
  try:
    (info, result, nodes, insts) = handler(opts, req)
  except (hail_alloc.AllocError, hail_evac.EvacError) as err:
    return (IA.FormatResponse(False, "Request failed: %s" % err, []), None,
            None)
  return (IA.FormatResponse(True, "Request successful: %s" % info, result),
          nodes, insts)


@contextlib.contextmanager
def NoCyclicGC():
  """Run the block without the cyclic garbage collector.

  A request builds tens of thousands of small objects and no reference
  cycles worth collecting; the collector's passes over them cost up to
  half of a run.  The previous state is restored afterwards.
  """
  enabled = gc.isenabled()
  gc.disable()
  try:
    yield
  finally:
    if enabled:
      gc.enable()


def Answer(text_data, argv_opts=None):
  """The answer to a request document (library use: masterd, tests).

  Returns (exit code, stdout text, stderr text); never raises for bad
  input.
  """
  with NoCyclicGC():
    return _Answer(text_data, argv_opts)


def _Answer(text_data, argv_opts):
  opts = cli.ParseArgs(OPTIONS, argv_opts or [])
  try:
    (warnings, req) = IA.ParseRequest(text_data, _StaticMem(opts))
  except IA.RequestError as err:
    return (cli.EXIT_FAILURE, "", "Error: %s\n" % err)
  (answer, _, _) = ProcessRequest(opts, req)
  return (cli.EXIT_SUCCESS, answer + "\n", _WarningText(warnings))


def _WarningText(warnings):
  if not warnings:
    return ""
  return ("Warning: cluster has inconsistent data:\n" +
          "".join("  - %s\n" % m for m in warnings) + "\n")


def _StaticMem(opts):
  if opts.static_kvm_mem is None:
    return IA.DEFAULT_STATIC_KVM_NODE_MEMORY
  return opts.static_kvm_mem


def _ReadRequest(opts):
  if not opts.args:
    raise hbal.Abort("This program needs an input file.")
  if len(opts.args) > 1:
    raise hbal.Abort("Only one argument is accepted (the input file)")
  try:
    text_data = IA.ReadInput(opts.args[0])
  except IA.InputError as err:
    # upstream dies of the uncaught exception: "hail: FILE: openFile: ..."
    raise _Died(str(err))
  try:
    (warnings, req) = IA.ParseRequest(text_data, _StaticMem(opts))
  except IA.RequestError as err:
    raise hbal.Abort(str(err))
  sys.stderr.write(_WarningText(warnings))
  if opts.simulate or opts.text_data is not None:
    # as upstream: the cluster of -t/--simulate replaces the request's
    if opts.simulate:
      cdata = simu_backend.LoadData(opts.simulate)
    else:
      cdata = text.LoadFile(opts.text_data)
    loader.MergeData(cdata)
    cli.PrintWarnings(loader.CheckData(cdata.nodes, cdata.instances))
    # checked by Run only after the verbose and -p output, where upstream
    # dies of its map lookup
    req.replaced = True
    req.cdata = cdata
  return req


def _CheckIndices(req, cdata):
  """Stop as upstream does when the request's instances, nodes or groups
  (indices into the request's own cluster) are not in the cluster that
  replaces it (-t/--simulate): upstream dies of its map lookup.  A
  relocation's excluded nodes are only compared with the instance's node
  before use, as upstream does."""
  for (values, container) in (
      ([req.idx] if req.idx is not None else [], cdata.instances),
      (req.idxs, cdata.instances),
      (getattr(req, "groups", None) or [], cdata.groups)):
    for idx in values:
      if not 0 <= idx < len(container):
        raise _Died("IntMap.!: key %d is not an element of the map" % idx)


def Run(opts):
  req = _ReadRequest(opts)
  cdata = req.cdata
  if opts.mond == "yes":
    # the nodes' MonDs (as hbal's --mond): CPU loads into the model
    from ganeti.htools import mond
    mond.QueryAll(cdata, opts)
  if opts.verbosity > 1:
    from ganeti.htools import hail_dedicated
    from ganeti.htools import hail_show
    sys.stderr.write("Received request: %s\n" % hail_show.ShowRequest(req))
    if opts.verbosity > 2:
      sys.stderr.write("Received cluster data: %s\n" %
                       hail_show.ShowClusterData(cdata, cdata.hypervisor))
    if hail_dedicated.IsDedicatedRequest(req):
      sys.stderr.write("Allocation on a dedicated cluster; using"
                       " lost-allocations metrics.\n")
  hbal.PrintNodes(opts.print_nodes, "Initial cluster", cdata.nodes)
  if opts.save:
    hbal.SaveData(opts.save, "pre-ialloc", "before iallocator run", cdata)
  if req.replaced:
    _CheckIndices(req, cdata)
  (answer, nodes, insts) = ProcessRequest(opts, req)
  sys.stdout.write(answer + "\n")
  if nodes is None:
    (nodes, insts) = (cdata.nodes, cdata.instances)
  hbal.PrintNodes(opts.print_nodes, "Final cluster", nodes)
  if opts.save:
    if req.kind == IA.MODE_ALLOC:
      # upstream files a newly allocated instance under its index (-1,
      # that of a fresh instance) and lists instances by key: it comes
      # first (multi-allocate appends them)
      old = len(cdata.instances)
      insts = list(insts[old:]) + list(insts[:old])
    final = loader.ClusterData(cdata.groups, nodes, insts, cdata.tags,
                               cdata.ipolicy)
    hbal.SaveData(opts.save, "post-ialloc", "after iallocator run", final)
  return cli.EXIT_SUCCESS


class _Died(Exception):
  """An error upstream does not catch: "hail: TEXT" on stderr, exit 1."""


def _Run(opts):
  try:
    with NoCyclicGC():
      return Run(opts)
  except _Died as err:
    sys.stderr.write("%s: %s\n" % (PROGRAM, err))
    return cli.EXIT_FAILURE


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, _Run, argv, arguments="file 1 1")


if __name__ == "__main__":
  sys.exit(Main())
