"""Cluster resource statistics and value formats of hspace.

:func:`TotalResources` sums the resources of a node container as
upstream's ``Cluster.totalResources`` (free, available, used memory,
disk, spindles and cpus, totals, the score and the instance count);
:func:`AllocationDelta` splits them into used, newly allocated and
unallocatable parts.  :func:`HaskellShow` prints a float as Haskell's
``show`` does and :func:`EnsureQuoted` quotes shell values as upstream.
"""

from ganeti.htools import metrics


class CStats:
  __slots__ = ("fmem", "fdsk", "fspn", "amem", "adsk", "acpu", "mmem",
               "mdsk", "mcpu", "imem", "idsk", "ispn", "icpu", "tmem",
               "tdsk", "tspn", "tcpu", "vcpu", "ncpu", "xmem", "nmem",
               "score", "ninst")

  def __init__(self):
    for name in self.__slots__:
      setattr(self, name, 0)
    self.tmem = 0.0
    self.tdsk = 0.0
    self.tspn = 0.0
    self.tcpu = 0.0
    self.ncpu = 0.0
    self.score = 0.0


def NodeFreeMem(node):
  """The free memory upstream's statistics use (after allocations)."""
  return node.UnallocatedMem()


def TotalResources(nodes):
  """CStats of a node container ({idx: Node} or a list)."""
  if isinstance(nodes, dict):
    nodes = list(nodes.values())
  cs = CStats()
  for node in nodes:
    fmem = NodeFreeMem(node)
    amem = max(0, fmem - node.r_mem)
    adsk = node.AvailDisk()
    acpu = node.AvailCpu()
    cs.fmem += fmem
    cs.fdsk += node.f_dsk
    cs.fspn += node.f_spindles
    cs.amem += amem
    cs.adsk += adsk
    cs.acpu += acpu
    cs.mmem = max(cs.mmem, amem)
    cs.mdsk = max(cs.mdsk, adsk)
    cs.mcpu = max(cs.mcpu, acpu)
    cs.imem += node.i_mem
    cs.idsk += int(node.t_dsk) - node.f_dsk
    cs.ispn += node.t_spindles - node.f_spindles
    cs.icpu += node.u_cpu
    cs.tmem += node.t_mem
    cs.tdsk += node.t_dsk
    cs.tspn += float(node.t_spindles)
    cs.tcpu += node.t_cpu
    cs.vcpu += node.hi_cpu
    cs.ncpu += node.u_cpu / node.ipolicy.vcpu_ratio
    cs.xmem += node.x_mem
    cs.nmem += node.n_mem
    cs.ninst += len(node.plist)
  cs.score = metrics.CompCV(nodes)
  return cs


class AllocInfo:
  __slots__ = ("vcpus", "ncpus", "mem", "disk", "spn")

  def __init__(self, vcpus, ncpus, mem, disk, spn):
    self.vcpus = vcpus
    self.ncpus = ncpus
    self.mem = mem
    self.disk = disk
    self.spn = spn


def AllocationDelta(cini, cfin):
  """(used, allocated, unallocatable) AllocInfo, as upstream computes."""
  rini = AllocInfo(cini.icpu, cini.ncpu, cini.imem, cini.idsk, cini.ispn)
  rfin = AllocInfo(cfin.icpu - cini.icpu, cfin.ncpu - cini.ncpu,
                   cfin.imem - cini.imem, cfin.idsk - cini.idsk,
                   cfin.ispn - cini.ispn)
  runa = AllocInfo(cfin.vcpu - cfin.icpu, cfin.tcpu - cfin.ncpu,
                   int(cfin.tmem) - cfin.imem, int(cfin.tdsk) - cfin.idsk,
                   int(cfin.tspn) - cfin.ispn)
  return (rini, rfin, runa)


def HaskellShow(value):
  """A float as Haskell's ``show`` prints it (1.0, 0.5, 5.0e-2, 1.0e7)."""
  value = float(value)
  if value != value:
    return "NaN"
  if value in (float("inf"), float("-inf")):
    return "Infinity" if value > 0 else "-Infinity"
  if value == 0:
    return "-0.0" if str(value).startswith("-") else "0.0"
  sign = "-" if value < 0 else ""
  mag = abs(value)
  digits = repr(mag)
  # the shortest round-trip digits and the decimal exponent
  (mant, _, exp) = ("%r" % mag).partition("e")
  if "e" in digits:
    exp10 = int(exp)
    mant_digits = mant.replace(".", "")
    point = 1 + exp10
  else:
    (ipart, _, fpart) = digits.partition(".")
    if ipart != "0":
      mant_digits = ipart + fpart
      point = len(ipart)
    else:
      stripped = fpart.lstrip("0")
      point = -(len(fpart) - len(stripped))
      mant_digits = stripped
  mant_digits = mant_digits.lstrip("0").rstrip("0") or "0"
  if 0.1 <= mag < 1e7:
    if point <= 0:
      text = "0." + "0" * (-point) + mant_digits
    elif point >= len(mant_digits):
      text = mant_digits + "0" * (point - len(mant_digits)) + ".0"
    else:
      text = mant_digits[:point] + "." + mant_digits[point:]
    return sign + text
  rest = mant_digits[1:] or "0"
  return "%s%s.%se%d" % (sign, mant_digits[0], rest, point - 1)


def EnsureQuoted(value):
  if all(c.isalnum() or c == "." for c in value):
    return value
  return "'" + value + "'"
