"""hspace: the cluster capacity estimator (``man/hspace.rst``).

Loads the cluster, then allocates, on a copy, as many instances as fit:
first the tiered allocation (the policy's maximum specs, shrunk along
the resource that runs out), then the standard allocation (copies of
the policy's standard spec), and reports both, in the human or the
``--machine-readable`` (``HTS_*`` shell variables) form, byte for byte
as upstream's hspace.
"""

import sys

from ganeti.htools import alloc
from ganeti.htools import alloc_iter
from ganeti.htools import alloc_n1
from ganeti.htools import cli
from ganeti.htools import hbal
from ganeti.htools import hspace_stats as S
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import types as T
from ganeti.htools.instance import Instance
from ganeti.htools.instance import NO_SECONDARY

PROGRAM = "hspace"

OPTIONS = [
  cli.O_PRINT_NODES, cli.O_TEXT, cli.O_DISK_TEMPLATE, cli.O_SPINDLE_USE,
  cli.O_NODE_SIM, cli.O_RAPI, cli.O_LUXI, cli.O_IALLOC, cli.O_VERBOSE,
  cli.O_QUIET, cli.O_INDEPENDENT_GROUPS, cli.O_ACCEPT_EXISTING,
  cli.O_OFFLINE, cli.O_NO_CAPACITY_CHECKS, cli.O_MACHINE_READABLE,
  cli.O_MAX_CPU, cli.O_MAX_LENGTH, cli.O_MIN_DISK, cli.O_STD_SPEC,
  cli.O_TIERED_SPEC, cli.O_SAVE, cli.O_STATIC_KVM_NODE_MEMORY,
  cli.O_VERSION, cli.O_HELP, cli.O_HELP_COMPLETION,
]

Abort = hbal.Abort

_INTMAP_ERROR = (
  "IntMap.!: key %d is not an element of the map\n"
  "CallStack (from HasCallStack):\n"
  "  error, called at libraries/containers/containers/src/Data/IntMap/"
  "Internal.hs:619:17 in containers-0.6.4.1:Data.IntMap.Internal")


class HaskellError(Exception):
  """upstream dies with a runtime error: "hspace: MESSAGE", exit code 1."""

_SPEC_PREFIX = {"normal": "SPEC", "tiered": "TSPEC_INI"}
_SPEC_DESCR = {"normal": "Standard (fixed-size)",
               "tiered": "Tiered (initial size)"}
_SPEC_NAME = {"normal": "Standard", "tiered": "Tiered"}


def _Out(msg=""):
  sys.stdout.write(msg + "\n")


def _Err(msg=""):
  sys.stderr.write(msg + "\n")


def _PrintKeys(pairs):
  for (key, value) in pairs:
    _Out("HTS_%s=%s" % (key.upper(), S.EnsureQuoted(value)))


def _Eff(num, den):
  return float(num) / den if den else (float("nan") if num == 0 else
                                        float("inf"))


def _StatsData(cs):
  return [
    ("SCORE", metrics.Format8(cs.score)),
    ("INST_CNT", "%d" % cs.ninst),
    ("MEM_FREE", "%d" % cs.fmem),
    ("MEM_AVAIL", "%d" % cs.amem),
    ("MEM_RESVD", "%d" % (cs.fmem - cs.amem)),
    ("MEM_INST", "%d" % cs.imem),
    ("MEM_OVERHEAD", "%d" % (cs.xmem + cs.nmem)),
    ("MEM_EFF", metrics.Format8(_Eff(cs.imem, cs.tmem))),
    ("DSK_FREE", "%d" % cs.fdsk),
    ("DSK_AVAIL", "%d" % cs.adsk),
    ("DSK_RESVD", "%d" % (cs.fdsk - cs.adsk)),
    ("DSK_INST", "%d" % cs.idsk),
    ("DSK_EFF", metrics.Format8(_Eff(cs.idsk, cs.tdsk))),
    ("SPN_FREE", "%d" % cs.fspn),
    ("SPN_INST", "%d" % cs.ispn),
    ("SPN_EFF", metrics.Format8(_Eff(cs.ispn, cs.tspn))),
    ("CPU_INST", "%d" % cs.icpu),
    ("CPU_EFF", metrics.Format8(_Eff(cs.icpu, float(cs.vcpu)))),
    ("MNODE_MEM_AVAIL", "%d" % cs.mmem),
    ("MNODE_DSK_AVAIL", "%d" % cs.mdsk),
  ]


def _PhaseStats(kind, cs):
  return [("%s_%s" % (kind, key), value) for (key, value) in _StatsData(cs)]


def _SpecData(spec, with_spn):
  (mem, dsk, cpu, spn) = spec
  data = [("MEM", "%d" % mem), ("DSK", "%d" % dsk), ("CPU", "%d" % cpu)]
  if with_spn:
    data.append(("SPN", "%d" % spn))
  return data


def _ClusterData(cs, with_spn):
  data = [("MEM", "%.0f" % cs.tmem), ("DSK", "%.0f" % cs.tdsk),
          ("CPU", "%.0f" % cs.tcpu), ("VCPU", "%d" % cs.vcpu)]
  if with_spn:
    data.append(("SPN", "%.0f" % cs.tspn))
  return data


def _FormatResources(data):
  return ", ".join("%s %s" % (key, value) for (key, value) in data)


def _ExclStorage(nodes):
  return any(n.excl_storage for n in nodes.values())


def _FailureReason(reasons):
  return reasons[0][0].value


def _SortReasons(reasons):
  return sorted(reasons, key=lambda r: -r[1])


def _PrintClusterEff(cs, with_spn):
  fmt = [("memory", _Eff(cs.imem, cs.tmem)), ("disk", _Eff(cs.idsk, cs.tdsk)),
         ("vcpu", _Eff(cs.icpu, float(cs.vcpu)))]
  if with_spn:
    fmt.append(("spindles", _Eff(cs.ispn, cs.tspn)))
  width = max(len(name) for (name, _) in fmt)
  for (name, value) in fmt:
    _Out("  - %*s usage efficiency: %5s%%" % (
      width, name, metrics.HsFixed(value * 100, 2)))


def _PrintFRScores(ini_nodes, fin_nodes, reasons):
  _Out("  - most likely failure reason: %s" % _FailureReason(reasons))
  _Out("  - initial cluster score: %s" %
       metrics.Format8(metrics.CompCV(list(ini_nodes.values()))))
  _Out("  -   final cluster score: %s" %
       metrics.Format8(metrics.CompCV(list(fin_nodes.values()))))
  _PrintClusterEff(S.TotalResources(fin_nodes), _ExclStorage(fin_nodes))


def _FormatRSpec(name, info):
  return [("KM_%s_CPU" % name, "%d" % info.vcpus),
          ("KM_%s_NPU" % name, S.HaskellShow(info.ncpus)),
          ("KM_%s_MEM" % name, "%d" % info.mem),
          ("KM_%s_DSK" % name, "%d" % info.disk),
          ("KM_%s_SPN" % name, "%d" % info.spn)]


def _PrintAllocationMap(verbose, msg, nodes, placed):
  if verbose <= 1:
    return
  _Err(msg + " map")
  excl = _ExclStorage(nodes)
  rows = []
  for inst in reversed(placed):
    sec = "" if inst.snode == NO_SECONDARY else nodes[inst.snode].name
    if excl:
      spn = "?" if inst.total_spindles is None else str(inst.total_spindles)
    else:
      spn = ""
    rows.append([inst.name, nodes[inst.pnode].name, sec, str(inst.mem),
                 str(inst.dsk), str(inst.vcpus), spn])
  if not rows:
    return
  isnum = [False, False, False, True, True, True, True]
  widths = [max(len(r[i]) for r in rows) for i in range(7)]
  for row in rows:
    cells = [cell.rjust(widths[i]) if isnum[i] else cell.ljust(widths[i])
             for (i, cell) in enumerate(row)]
    _Err(" " + " ".join(cells))


def _PrintISpec(machine, spec, kind, template, with_spn):
  if machine:
    prefix = _SPEC_PREFIX[kind]
    _PrintKeys([("%s_%s" % (prefix, k), v)
                for (k, v) in _SpecData(spec, True)])
    _PrintKeys([("%s_RQN" % prefix,
                 "%d" % (2 if template == T.DT_DRBD8 else 1))])
    _PrintKeys([("%s_DISK_TEMPLATE" % prefix, template)])
  else:
    _Out("%s instance spec is:\n  %s, using disk template '%s'." %
         (_SPEC_DESCR[kind], _FormatResources(_SpecData(spec, with_spn)),
          template))


def _ToClusterData(cdata, nodes, instances):
  return loader.ClusterData(cdata.groups, [nodes[k] for k in sorted(nodes)],
                            [instances[k] for k in sorted(instances)],
                            cdata.tags, cdata.ipolicy)


def _RunAllocation(opts, cdata, stopped, result_fn, spec, template, kind):
  if stopped is not None:
    res = stopped
  else:
    try:
      res = result_fn()
    except alloc.AllocError as err:
      raise Abort("failure during allocation: %s" % err)
  name = _SPEC_NAME[kind]
  descr = name + " allocation"
  _PrintISpec(opts.machine_readable, spec, kind, template,
              _ExclStorage(res.nodes))
  _PrintAllocationMap(opts.verbosity, descr, res.nodes, res.placed)
  hbal.PrintNodes(opts.print_nodes, descr, list(res.nodes.values()))
  hbal.SaveData(opts.save, name.lower(), "after " + descr.lower(),
                _ToClusterData(cdata, res.nodes, res.instances))
  return (_SortReasons(res.failstats), res.nodes, len(res.placed),
          alloc_iter.TieredSpecMap(res.placed))


def _InstFromSpec(spec, template, su):
  (mem, dsk, cpu, spn) = spec
  inst = Instance("new", mem, dsk, cpu, T.ST_RUNNING, [], True, NO_SECONDARY,
                  NO_SECONDARY, template, spindle_use=su, disks=[dsk],
                  total_spindles=spn)
  return inst


def _RSpecFromISpec(ispec):
  return (ispec.mem_size, ispec.disk_size, ispec.cpu_count, ispec.spindle_use)


def _PrintCluster(machine, cs, node_count, with_spn):
  if machine:
    _PrintKeys([("CLUSTER_" + k, v) for (k, v) in _ClusterData(cs, True)])
    _PrintKeys([("CLUSTER_NODES", "%d" % node_count)])
    _PrintKeys(_PhaseStats("INI", cs))
  else:
    _Out("The cluster has %d nodes and the following resources:\n  %s." %
         (node_count, _FormatResources(_ClusterData(cs, with_spn))))
    _Out("There are %s initial instances on the cluster." %
         (str(cs.ninst) if cs.ninst > 0 else "no"))


def _ShowNames(names):
  return "[%s]" % ",".join('"%s"' % n for n in names)


def Run(opts):
  if opts.args:
    raise Abort("This program doesn't take any arguments.")
  verbose = opts.verbosity
  machine = cli.MachineReadable(opts)
  if machine is None:
    return cli.EXIT_FAILURE
  opts.machine_readable = machine
  (cdata, warnings) = cli.LoadExternalData(opts)
  if verbose >= 1:
    cli.PrintWarnings(warnings)
  ipol = cdata.ipolicy
  if not ipol.disk_templates:
    raise Abort("null list of disk templates received from cluster")
  groups = list(cdata.groups)
  nodes = dict((n.idx, n) for n in cdata.nodes)
  instances = dict((i.idx, i) for i in cdata.instances)
  num_instances = len(instances)
  template = opts.disk_template or ipol.disk_templates[0]
  req_nodes = 2 if template == T.DT_DRBD8 else 1
  suffix = loader.LongestDomain([n.name for n in cdata.nodes] +
                                [i.name for i in cdata.instances])
  su = opts.spindle_use if opts.spindle_use is not None else \
    ipol.std.spindle_use
  if suffix and verbose > 1:
    _Err("Note: Stripping common suffix of '%s' from names" % suffix)
  hbal.PrintNodes(opts.print_nodes, "Initial cluster", cdata.nodes)
  if verbose > 2:
    _Err("Initial coefficients: overall %s\n%s" %
         (metrics.Format8(metrics.CompCV(cdata.nodes)),
          metrics.FormatStats("   ", metrics.ComputeStats(cdata.nodes))))
  excl = _ExclStorage(nodes)
  _PrintCluster(machine, S.TotalResources(nodes), len(nodes), excl)
  algo = alloc.AllocOptions(capacity=not opts.no_capacity_checks,
                            accept_existing=opts.accept_existing)
  bad_nodes = [n for n in nodes.values() if not n.offline and n.fail_n1]
  # upstream evaluates the group redundancy lazily: only when printed or
  # used (and then dies on instances split across groups)
  bad_groups = []
  if verbose > 3 or opts.independent_groups:
    try:
      bad_groups = [g.idx for g in groups
                    if not alloc_n1.Redundant(
                      algo, dict((k, n) for (k, n) in nodes.items()
                                 if n.group == g.idx), instances)]
    except alloc_n1.MissingNode as err:
      if verbose > 3 and bad_nodes:
        _Err("Bad nodes: %s" % _ShowNames(n.name for n in bad_nodes))
      raise HaskellError(_INTMAP_ERROR % err.key)
  if verbose > 3 and bad_nodes:
    _Err("Bad nodes: %s" % _ShowNames(n.name for n in bad_nodes))
  if verbose > 3 and bad_groups:
    _Err("Bad groups: %s" % _ShowNames(groups[g].name for g in bad_groups))
  unalloc = set()
  if not opts.accept_existing:
    unalloc.update(n.group for n in bad_nodes)
  if opts.independent_groups:
    unalloc.update(bad_groups)
    algo = algo.Copy(capacity_ignore_groups=bad_groups)
  galloc = [_WithPolicy(g, T.ALLOC_UNALLOCABLE) if g.idx in unalloc else g
            for g in groups]
  remaining = any(g.IsAllocable() for g in galloc)
  if opts.accept_existing or (opts.independent_groups and remaining) or \
     not bad_nodes:
    stopped = None
  else:
    stopped = alloc_iter.AllocResult([(T.FailMode.FailN1, 1)], nodes,
                                     instances, [])
  limit = None if opts.max_length in (None, -1) else opts.max_length
  try:
    alloc_nodes = alloc.GenAllocNodes(galloc, nodes, req_nodes, True, algo)
  except alloc.AllocError as err:
    raise Abort("failure during allocation: %s" % err)
  if verbose > 3:
    _Err("Allocatable nodes: %r" % alloc_nodes)
  if opts.tiered_spec is not None:
    tspecs = [opts.tiered_spec]
  else:
    tspecs = [_RSpecFromISpec(mx) for (_, mx) in ipol.minmax]
  if not tspecs:
    raise Abort("Empty list of specs received from the cluster")
  tinsts = [_InstFromSpec(ts, template, su) for ts in tspecs]

  def _Tiered():
    res = alloc_iter.AllocResult([], nodes, instances, [])
    for tinst in tinsts:
      count = len(res.placed)
      if limit is not None and limit <= count:
        continue
      new_limit = None if limit is None else limit - count
      res = alloc_iter.TieredAlloc(algo, res.nodes, res.instances, new_limit,
                                   tinst, alloc_nodes, res.placed)
    return res
  (treason, trl_nodes, _, spec_map) = _RunAllocation(
    opts, cdata, stopped, _Tiered, tspecs[0], template, "tiered")
  _PrintTiered(machine, spec_map, nodes, trl_nodes, treason)
  ispec = opts.std_spec if opts.std_spec is not None else \
    _RSpecFromISpec(ipol.std)
  (sreason, fin_nodes, allocs, _) = _RunAllocation(
    opts, cdata, stopped,
    lambda: alloc_iter.IterateAlloc(algo, nodes, instances, limit,
                                    _InstFromSpec(ispec, template, su),
                                    alloc_nodes),
    ispec, template, "normal")
  _PrintResults(machine, nodes, fin_nodes, num_instances, allocs, sreason)
  if machine:
    _PrintKeys([("OK", "1")])
  return cli.EXIT_SUCCESS


def _WithPolicy(group, policy):
  new = loader.Group(group.name, group.uuid, policy, group.ipolicy,
                     group.tags, group.networks)
  new.idx = group.idx
  return new


def _PrintTiered(machine, spec_map, ini_nodes, trl_nodes, reasons):
  if machine:
    _PrintKeys(_PhaseStats("TRL", S.TotalResources(trl_nodes)))
    _PrintKeys([("TSPEC", " ".join("%d,%d,%d,%d=%d" % (spec + (cnt,))
                                    for (spec, cnt) in spec_map))])
    (rini, ralo, runa) = S.AllocationDelta(S.TotalResources(ini_nodes),
                                           S.TotalResources(trl_nodes))
    _PrintKeys(_FormatRSpec("USED", rini))
    _PrintKeys(_FormatRSpec("POOL", ralo))
    _PrintKeys(_FormatRSpec("UNAV", runa))
    return
  _Out("Tiered allocation results:")
  with_spn = _ExclStorage(ini_nodes)
  if not spec_map:
    _Out("  - no instances allocated")
  for (spec, cnt) in spec_map:
    _Out("  - %3d instances of spec %s" %
         (cnt, _FormatResources(_SpecData(spec, with_spn))))
  _PrintFRScores(ini_nodes, trl_nodes, reasons)


def _PrintResults(machine, ini_nodes, fin_nodes, num_instances, allocs,
                  reasons):
  if not machine:
    _Out("Normal (fixed-size) allocation results:")
    _Out("  - %3d instances allocated" % allocs)
    _PrintFRScores(ini_nodes, fin_nodes, reasons)
    return
  fin_stats = S.TotalResources(fin_nodes)
  fin_instances = num_instances + allocs
  if fin_instances != fin_stats.ninst:
    raise Abort("internal inconsistency, allocated (%d) != counted (%d)\n" %
                (fin_instances, fin_stats.ninst))
  if not reasons:
    raise Abort("Internal error, no failure reasons?!")
  _PrintKeys(_PhaseStats("FIN", fin_stats))
  _PrintKeys([("ALLOC_USAGE", metrics.Format8(
                _Eff(num_instances, float(fin_instances)))),
              ("ALLOC_INSTANCES", "%d" % allocs),
              ("ALLOC_FAIL_REASON", reasons[0][0].value.upper())])
  _PrintKeys([("ALLOC_%s_CNT" % mode.value.upper(), "%d" % cnt)
              for (mode, cnt) in reasons])


def _Run(opts):
  try:
    return Run(opts)
  except HaskellError as err:
    sys.stdout.flush()
    _Err("%s: %s" % (PROGRAM, err))
    return cli.EXIT_FAILURE


def Main(argv=None):
  return hbal.RunProgram(PROGRAM, OPTIONS, _Run, argv)


if __name__ == "__main__":
  sys.exit(Main())
