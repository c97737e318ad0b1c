"""Fast scoring of a cluster in which a few nodes changed.

:class:`Scorer` holds, for one cluster state, every node's component
values and per component the running sums the statistics are made of
(count, sum and sum of squares around the current mean for standard
deviations; plain sums; the merged tag-pair map).  The score of the state
with some nodes replaced then costs a few operations per changed node.
Its result can differ from upstream's sequential arithmetic in the last
bits, so :meth:`Scorer.ExactScore` recomputes a candidate the way
:func:`~ganeti.htools.metrics.ComputeStats` does; the balancer uses it for
the candidates within :data:`TIE_WINDOW` of the best one.
"""

import math

from ganeti.htools import metrics

#: Candidates whose fast scores are this close are compared exactly
TIE_WINDOW = 1e-9
#: The same for pair placements, which upstream scores with its
#: incremental statistics (:meth:`Scorer.PairScore`): those can be off
#: the exact score by about the square root of the rounding error of a
#: variance near zero (1e-8 a component)
PAIR_TIE_WINDOW = 1e-6

_STDDEV = [pos for (pos, kind) in enumerate(metrics.KINDS)
           if kind == metrics.STAT_STDDEV]
_SUM = [pos for (pos, kind) in enumerate(metrics.KINDS)
        if kind == metrics.STAT_SUM]
_MAP = metrics.MAP_INDEX
_W = metrics.WEIGHTS
_ONLINE = metrics.ONLINE


class Scorer:
  def __init__(self, nodes, values_of=None):
    """``nodes``: {index: Node} in index order.

    ``values_of`` gives a node's metrics.NodeValues (default: that
    function; callers that score many states sharing nodes may pass a
    cached one).
    """
    self.values_of = values_of = values_of or metrics.NodeValues
    self.pos = dict((idx, p) for (p, idx) in enumerate(nodes))
    nodes = list(nodes.values())
    self.offline = [n.offline for n in nodes]
    self.values = [values_of(n) for n in nodes]
    self.exact_stats = metrics.StatsFromValues(self.offline, self.values)
    self.score = metrics.ScoreFromStats(self.exact_stats)
    # the tag-pair component, the one fast scores take from exact_stats
    self.map_value = self.exact_stats[_MAP] if self.exact_stats else None
    # per component: count, shift (mean), sum and sum of squares of x-shift
    self.count = [0.0] * metrics.COUNT
    self.shift = [0.0] * metrics.COUNT
    self.s1 = [0.0] * metrics.COUNT
    self.s2 = [0.0] * metrics.COUNT
    self.finite = True
    for pos in _STDDEV + _SUM:
      column = [v[pos] for (off, v) in zip(self.offline, self.values)
                if off != _ONLINE[pos]]
      count = float(len(column))
      self.count[pos] = count
      if not all(math.isfinite(x) for x in column):
        self.finite = False
        continue
      shift = (sum(column) / count) if count and pos in _STDDEV else 0.0
      self.shift[pos] = shift
      self.s1[pos] = sum(x - shift for x in column)
      self.s2[pos] = sum((x - shift) ** 2 for x in column)
    merged = {}
    for (off, v) in zip(self.offline, self.values):
      if off:
        continue
      for (key, cnt) in v[_MAP].items():
        merged[key] = merged.get(key, 0) + cnt
    self.tagmap = merged

  def Score(self, changed):
    """Fast score with the nodes in ``changed`` ({idx: Node}) replaced."""
    if not self.finite:
      return self.ExactScore(changed)
    s1 = list(self.s1)
    s2 = list(self.s2)
    map_delta = None
    for (idx, node) in changed.items():
      pos = self.pos[idx]
      old = self.values[pos]
      new = self.values_of(node)
      online = not self.offline[pos]
      for comp in _STDDEV:
        if _ONLINE[comp] != online:
          continue
        (a, b) = (old[comp], new[comp])
        if a == b:
          continue
        if not math.isfinite(b):
          return self.ExactScore(changed)
        shift = self.shift[comp]
        s1[comp] += b - a
        s2[comp] += (b - shift) ** 2 - (a - shift) ** 2
      for comp in _SUM:
        if _ONLINE[comp] != online:
          continue
        if old[comp] != new[comp]:
          s1[comp] += new[comp] - old[comp]
      if online and old[_MAP] is not new[_MAP] and old[_MAP] != new[_MAP]:
        if map_delta is None:
          map_delta = {}
        for (key, cnt) in old[_MAP].items():
          map_delta[key] = map_delta.get(key, 0) - cnt
        for (key, cnt) in new[_MAP].items():
          map_delta[key] = map_delta.get(key, 0) + cnt
    total = 0.0
    for pos in range(metrics.COUNT):
      if pos == _MAP:
        value = self.map_value
        if map_delta:
          value += _MapDelta(self.tagmap, map_delta)
      elif pos in _SUM_SET:
        value = s1[pos]
      else:
        count = self.count[pos]
        if count == 0:
          value = math.nan
        else:
          mean = s1[pos] / count
          var = s2[pos] / count - mean * mean
          value = math.sqrt(var) if var > 0 else 0.0
      total += value * _W[pos]
    return total

  def _UpdateBase(self):
    """Upstream's statistics of the state (its ``calculate``): per
    standard-deviation component (count, sum, variance), per sum the
    sum, the merged tag-pair map."""
    base = getattr(self, "_update_base", None)
    if base is None:
      online = [v for (off, v) in zip(self.offline, self.values) if not off]
      offline = [v for (off, v) in zip(self.offline, self.values) if off]
      base = []
      for (pos, kind) in enumerate(metrics.KINDS):
        column = [row[pos] for row in (online if _ONLINE[pos] else offline)]
        if kind == metrics.STAT_STDDEV:
          (count, total) = (0.0, 0.0)
          for x in column:
            count += 1.0
            total += x
          mean = total / count if count else math.nan
          nvar = 0.0
          for x in column:
            d = x - mean
            nvar += d * d
          base.append((count, total, nvar / count if count else math.nan))
        elif kind == metrics.STAT_SUM:
          total = 0.0
          for x in column:
            total += x
          base.append(total)
        else:
          merged = {}
          for m in column:
            for (key, cnt) in m.items():
              merged[key] = merged.get(key, 0) + cnt
          base.append(merged)
      self._update_base = base
    return base

  def PairScore(self, changed):
    """The score upstream gives a placement on a pair of nodes: its
    statistics of this state updated by each changed node in turn
    (``changed``: {idx: Node}, primary first), with its formulas
    (variance kept and updated, not recomputed; sums updated by the
    difference; tag-pair counts that drop to zero still counted)."""
    if not self.exact_stats:
      return self.ExactScore(changed)
    stats = list(self._UpdateBase())
    for (idx, node) in changed.items():
      pos = self.pos[idx]
      if self.offline[pos]:
        continue
      old = self.values[pos]
      new = self.values_of(node)
      for comp in range(metrics.COUNT):
        if not _ONLINE[comp]:
          continue
        (x, x2) = (old[comp], new[comp])
        kind = metrics.KINDS[comp]
        if kind == metrics.STAT_STDDEV:
          (count, total, var) = stats[comp]
          ds = x2 - x
          dss = x2 * x2 - x * x
          dnnvar = (count * dss - 2 * total * ds) - ds * ds
          stats[comp] = (count, total + ds,
                         max(0.0, var + dnnvar / (count * count)))
        elif kind == metrics.STAT_SUM:
          stats[comp] = stats[comp] + x2 - x
        elif x is not x2 and x != x2:
          merged = dict(stats[comp])
          for (key, cnt) in x.items():
            # Data.Map.unionWith (-): a key only on the right keeps its value
            merged[key] = merged[key] - cnt if key in merged else cnt
          for (key, cnt) in x2.items():
            merged[key] = merged.get(key, 0) + cnt
          stats[comp] = merged
    total = 0.0
    for (comp, kind) in enumerate(metrics.KINDS):
      stat = stats[comp]
      if kind == metrics.STAT_STDDEV:
        value = math.sqrt(stat[2]) if stat[2] == stat[2] else math.nan
      elif kind == metrics.STAT_SUM:
        value = stat
      else:
        value = float(sum(stat.values()) - len(stat))
      total += value * _W[comp]
    return total

  def ExactScore(self, changed):
    values = list(self.values)
    for (idx, node) in changed.items():
      values[self.pos[idx]] = self.values_of(node)
    return metrics.ScoreFromStats(metrics.StatsFromValues(self.offline,
                                                          values))


_SUM_SET = frozenset(_SUM)


def _MapDelta(base, delta):
  """Change of sum(N-1 over keys with N>0) when counts change by delta."""
  change = 0
  for (key, d) in delta.items():
    if d == 0:
      continue
    before = base.get(key, 0)
    after = before + d
    change += (after - 1 if after > 0 else 0) - (before - 1 if before > 0
                                                  else 0)
  return float(change)
