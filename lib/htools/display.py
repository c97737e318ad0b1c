"""Text output shared by the htools programs: tables, node and instance lists.

Tables are printed as upstream's ``printTable``: every line starts with a
space, columns are joined by one space, numeric columns right-aligned and
the others left-aligned to the widest cell.
"""

from ganeti.htools.instance import NO_SECONDARY


def FormatTable(header, rows, isnum, prefix=""):
  table = [header] + rows
  widths = [max(len(row[i]) for row in table) for i in range(len(header))]
  lines = []
  for row in table:
    cells = []
    for (i, cell) in enumerate(row):
      if isnum[i]:
        cells.append(cell.rjust(widths[i]))
      else:
        cells.append(cell.ljust(widths[i]))
    lines.append(prefix + " " + " ".join(cells))
  return lines


def _Status(node):
  if node.offline:
    return "-"
  if node.fail_n1:
    return "*"
  return " "


def _Fixed(fmt, value):
  """``fmt % value``, but NaN and infinities as Haskell's printf shows them
  ("NaN", "Infinity", "-Infinity", padded to the format's width)."""
  if value != value or value in (float("inf"), float("-inf")):
    width = int(fmt[1:].split(".")[0] or 0)
    word = "NaN" if value != value else \
      ("Infinity" if value > 0 else "-Infinity")
    return word.rjust(width)
  return fmt % value


# field: (header, numeric, formatter)
NODE_FIELDS = {
  "idx": ("Index", True, lambda n: "%4d" % n.idx),
  "name": ("Name", False, lambda n: n.alias),
  "fqdn": ("Name", False, lambda n: n.name),
  "status": ("F", False, _Status),
  "tmem": ("t_mem", True, lambda n: "%5.0f" % n.t_mem),
  "nmem": ("n_mem", True, lambda n: "%5d" % n.n_mem),
  "xmem": ("x_mem", True, lambda n: "%5d" % n.x_mem),
  "fmem": ("f_mem", True, lambda n: "%5d" % n.f_mem),
  "umem": ("u_mem", True, lambda n: "%5d" % n.UnallocatedMem()),
  "amem": ("a_mem", True, lambda n: "%5d" % n.AvailMem()),
  "imem": ("i_mem", True, lambda n: "%5d" % n.i_mem),
  "rmem": ("r_mem", True, lambda n: "%5d" % n.r_mem),
  "tdsk": ("t_dsk", True, lambda n: "%5.0f" % (n.t_dsk / 1024)),
  "fdsk": ("f_dsk", True, lambda n: "%5d" % (n.f_dsk // 1024)),
  "tcpu": ("pcpu", True, lambda n: "%4.0f" % n.t_cpu),
  "ucpu": ("vcpu", True, lambda n: "%4d" % n.u_cpu),
  "pcnt": ("pcnt", True, lambda n: "%3d" % len(n.plist)),
  "scnt": ("scnt", True, lambda n: "%3d" % len(n.slist)),
  "plist": ("primaries", True, lambda n: "[%s]" % ",".join(
    str(i) for i in n.plist)),
  "slist": ("secondaries", True, lambda n: "[%s]" % ",".join(
    str(i) for i in n.slist)),
  "pfmem": ("p_fmem", True, lambda n: _Fixed("%6.4f", n.p_mem)),
  "pfdsk": ("p_fdsk", True, lambda n: _Fixed("%6.4f", n.p_dsk)),
  "rcpu": ("r_cpu", True, lambda n: _Fixed("%5.2f", n.p_cpu)),
  "cload": ("lCpu", True, lambda n: "%5.3f" % n.util_load.cpu),
  "mload": ("lMem", True, lambda n: "%5.3f" % n.util_load.mem),
  "dload": ("lDsk", True, lambda n: "%5.3f" % n.util_load.dsk),
  "nload": ("lNet", True, lambda n: "%5.3f" % n.util_load.net),
  "ptags": ("PrimaryTags", False, lambda n: ",".join(
    "%s=%d" % (k, v) for (k, v) in sorted(n.p_tags.items()))),
  "peermap": ("PeerMap", False, lambda n: "[%s]" % ",".join(
    "(%d,%d)" % item for item in n.peers.items())),
  "spindle_count": ("NodeSpindles", True, lambda n: str(n.t_spindles)),
  "hi_spindles": ("MaxSpindles", True, lambda n: repr(float(n.hi_spindles))),
  "inst_spindles": ("InstSpindles", True,
                    lambda n: repr(float(n.inst_spindles))),
}

DEFAULT_NODE_FIELDS = [
  "status", "name", "tmem", "nmem", "imem", "xmem", "fmem", "umem", "rmem",
  "tdsk", "fdsk", "tcpu", "ucpu", "pcnt", "scnt", "pfmem", "pfdsk", "rcpu",
  "cload", "mload", "dload", "nload"]


def ParseNodeFields(spec):
  """The field list of a -p argument ("" = defaults, "+a,b" = extend)."""
  if not spec:
    return list(DEFAULT_NODE_FIELDS)
  fields = spec.split(",")
  if fields[0].startswith("+"):
    fields[0] = fields[0][1:]
    return list(DEFAULT_NODE_FIELDS) + [f for f in fields if f]
  return fields


def PrintNodes(nodes, fields):
  header = []
  isnum = []
  for field in fields:
    (title, num, _) = NODE_FIELDS.get(field, ("<unknown field>", False,
                                              None))
    header.append(title)
    isnum.append(num)
  rows = []
  for node in sorted(nodes, key=lambda n: n.idx):
    row = []
    for field in fields:
      spec = NODE_FIELDS.get(field)
      row.append(spec[2](node) if spec else "<unknown field>")
    rows.append(row)
  return FormatTable(header, rows, isnum)


def PrintInstances(nodes, instances):
  header = ["F", "Name", "Pri_node", "Sec_node", "Auto_bal", "vcpu", "mem",
            "dsk", "lCpu", "lMem", "lDsk", "lNet"]
  isnum = [False] * 5 + [True] * 7
  rows = []
  for inst in sorted(instances, key=lambda i: i.idx):
    sec = "" if inst.snode == NO_SECONDARY else nodes[inst.snode].name
    util = inst.util
    rows.append(["R" if inst.IsRunning() else " ", inst.name,
                 nodes[inst.pnode].name, sec,
                 "Y" if inst.auto_balance else "N", "%3d" % inst.vcpus,
                 "%5d" % inst.mem, "%5d" % (inst.dsk // 1024),
                 "%5.3f" % util.cpu, "%5.3f" % util.mem, "%5.3f" % util.dsk,
                 "%5.3f" % util.net])
  return FormatTable(header, rows, isnum)
