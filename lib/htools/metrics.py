"""The cluster score: weighted statistics over per-node values.

The components, their weights and statistics are Ganeti 3.0's htools ones
(``hbal -v -v -v`` prints the same table).  Standard deviations are
population ones over the online nodes; the two ``offline_*`` counts are
sums over the offline nodes; ``location_exclusion_score`` counts, over all
(location tag, exclusion tag) pairs, the instances beyond the first.

:func:`ComputeStats` evaluates the statistics the way upstream does --
sequential sums in node order, a two-pass variance -- so that printed
scores agree to the last digit.  :class:`ScoreState` keeps running sums
that give the score of a changed cluster from the changed nodes alone;
the balancer uses it to rank candidate moves quickly and falls back to
:func:`ComputeStats` to break near-ties exactly as upstream would.
"""

import decimal
import math

#: (name, weight, kind, for online nodes?) in upstream's order
STAT_SUM = "sum"
STAT_STDDEV = "stddev"
STAT_MAP = "map"

COMPONENTS = [
  ("free_mem_cv", 0.5, STAT_STDDEV, True),
  ("free_disk_cv", 0.5, STAT_STDDEV, True),
  ("n1_cnt", 1.0, STAT_SUM, True),
  ("reserved_mem_cv", 1.0, STAT_STDDEV, True),
  ("offline_all_cnt", 4.0, STAT_SUM, False),
  ("offline_pri_cnt", 16.0, STAT_SUM, False),
  ("vcpu_ratio_cv", 0.5, STAT_STDDEV, True),
  ("cpu_load_cv", 1.0, STAT_STDDEV, True),
  ("mem_load_cv", 1.0, STAT_STDDEV, True),
  ("disk_load_cv", 1.0, STAT_STDDEV, True),
  ("net_load_cv", 1.0, STAT_STDDEV, True),
  ("pri_tags_score", 2.0, STAT_SUM, True),
  ("spindles_cv", 0.5, STAT_STDDEV, True),
  ("free_mem_cv_forth", 0.5, STAT_STDDEV, True),
  ("free_disk_cv_forth", 0.5, STAT_STDDEV, True),
  ("vcpu_ratio_cv_forth", 0.5, STAT_STDDEV, True),
  ("spindles_cv_forth", 0.5, STAT_STDDEV, True),
  ("location_score", 1.0, STAT_SUM, True),
  ("location_exclusion_score", 1.0, STAT_MAP, True),
  ("reserved_mem_rtotal", 0.25, STAT_SUM, True),
]

NAMES = [c[0] for c in COMPONENTS]
WEIGHTS = [c[1] for c in COMPONENTS]
KINDS = [c[2] for c in COMPONENTS]
ONLINE = [c[3] for c in COMPONENTS]
MAP_INDEX = NAMES.index("location_exclusion_score")
COUNT = len(COMPONENTS)


def _Ratio(num, den):
  if den == 0:
    if num == 0 or math.isnan(num):
      return math.nan
    return math.copysign(math.inf, num)
  return num / den


def NodeValues(node):
  """The per-node values of every component, in COMPONENTS order."""
  n1 = float(len(node.slist) + len(node.plist)) if node.fail_n1 else 0.0
  ipri = float(len(node.plist))
  isec = float(len(node.slist))
  load = node.util_load
  pool = node.util_pool
  return (
    node.p_mem, node.p_dsk, n1, node.p_rem, ipri + isec, ipri,
    _Ratio(node.p_cpu, node.t_cpu_speed),
    _Ratio(load.cpu, pool.cpu), _Ratio(load.mem, pool.mem),
    _Ratio(load.dsk, pool.dsk), _Ratio(load.net, pool.net),
    float(node.ConflictingPrimaries()),
    _Ratio(node.inst_spindles, node.hi_spindles),
    node.p_mem_forth, node.p_dsk_forth, _Ratio(node.p_cpu_forth, node.t_cpu_speed),
    _Ratio(node.inst_spindles_forth, node.hi_spindles),
    float(node.location_score),
    node.instance_map,
    node.p_rem,
  )


def _StdDev(values):
  count = 0.0
  total = 0.0
  for x in values:
    count += 1.0
    total += x
  if count == 0:
    return math.nan
  mean = total / count
  nvar = 0.0
  for x in values:
    d = x - mean
    nvar += d * d
  return math.sqrt(nvar / count)


def _Sum(values):
  total = 0.0
  for x in values:
    total += x
  return total


def _MapValue(maps):
  merged = {}
  for m in maps:
    for (key, count) in m.items():
      merged[key] = merged.get(key, 0) + count
  return float(sum(merged.values()) - len(merged))


def ComputeStats(nodes, values=None):
  """The list of component values for a node list (upstream's arithmetic).

  ``values`` may give the precomputed NodeValues of each node.
  """
  if values is None:
    values = [NodeValues(n) for n in nodes]
  return StatsFromValues([n.offline for n in nodes], values)


def StatsFromValues(offline_flags, values):
  """ComputeStats from the nodes' offline flags and NodeValues."""
  online = [v for (off, v) in zip(offline_flags, values) if not off]
  offline = [v for (off, v) in zip(offline_flags, values) if off]
  if not online:
    # upstream zips the components with the transposed online values:
    # without online nodes there are no components at all (score 0)
    return []
  result = []
  for (pos, kind) in enumerate(KINDS):
    rows = online if ONLINE[pos] else offline
    column = [row[pos] for row in rows]
    if kind == STAT_STDDEV:
      result.append(_StdDev(column))
    elif kind == STAT_SUM:
      result.append(_Sum(column))
    else:
      result.append(_MapValue(column))
  return result


def ScoreFromStats(stats):
  total = 0.0
  for (weight, value) in zip(WEIGHTS, stats):
    total += value * weight
  return total


def CompCV(nodes):
  """The cluster score of a node list."""
  return ScoreFromStats(ComputeStats(nodes))


_HS_CONTEXT = decimal.Context(prec=1000)


def HsFixed(value, digits):
  """``value`` as Haskell's printf "%.<digits>f" prints a Double: the
  shortest decimal digits that read back as the value, rounded half to
  even (where C's printf rounds the exact binary value), NaN, Infinity.
  """
  if math.isnan(value):
    return "NaN"
  if math.isinf(value):
    return "Infinity" if value > 0 else "-Infinity"
  exact = decimal.Decimal(repr(float(value)))
  return "{:f}".format(exact.quantize(decimal.Decimal(1).scaleb(-digits),
                                      rounding=decimal.ROUND_HALF_EVEN,
                                      context=_HS_CONTEXT))


def HsShowDouble(value):
  """``value`` as Haskell's ``show`` prints a Double: the shortest digits
  that read back as the value, fixed notation from 0.1 up to 10^7
  (``0.25``, ``1377280.0``), exponent notation elsewhere
  (``3.906846137411104e-3``, ``1.0e7``); ``NaN``, ``Infinity``.
  """
  value = float(value)
  if math.isnan(value):
    return "NaN"
  if math.isinf(value):
    return "Infinity" if value > 0 else "-Infinity"
  if value < 0 or (value == 0 and math.copysign(1.0, value) < 0):
    return "-" + HsShowDouble(-value)
  if value == 0:
    return "0.0"
  (_, digits, exponent) = decimal.Decimal(repr(value)).normalize(
    context=_HS_CONTEXT).as_tuple()
  digits = "".join(str(d) for d in digits)
  # value = 0.<digits> * 10^point, as Haskell's floatToDigits returns it
  point = exponent + len(digits)
  if 0 <= point <= 7:
    if point == 0:
      return "0." + digits
    whole = digits[:point].ljust(point, "0")
    return "%s.%s" % (whole, digits[point:] or "0")
  return "%s.%se%d" % (digits[0], digits[1:] or "0", point - 1)


def Format8(value):
  """A float as Haskell's printf "%.8f" prints it."""
  return HsFixed(value, 8)


def FormatStats(prefix, stats):
  """The component table as ``hbal -v -v -v`` prints it."""
  rows = [["Field", "Value", "Weight"]]
  for (name, weight, value) in zip(NAMES, WEIGHTS, stats):
    rows.append([name, Format8(value), "x%.2f" % weight])
  widths = [max(len(r[i]) for r in rows) for i in range(3)]
  lines = []
  for (num, row) in enumerate(rows):
    cells = [row[0].ljust(widths[0])]
    for i in (1, 2):
      # the header's first column is left-aligned, the numbers right-aligned
      cells.append(row[i].rjust(widths[i]))
    del num
    lines.append(prefix + " ".join(cells))
  return "\n".join(lines)
