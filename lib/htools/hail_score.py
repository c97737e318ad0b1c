"""Scorers of states a few nodes away from a scored one (hail's moves).

hail's evacuations score every target of every moved instance on the
state the previous moves left, and the moves of one instance share all
their changed nodes but the target.  :func:`Derive` turns the
:class:`~ganeti.htools.scoring.Scorer` of a state into the Scorer of the
state with some nodes replaced, updating its running sums by the changed
nodes' values instead of going over every node again; its exact
statistics are recomputed (:meth:`Scorer.ExactScore` is unchanged), its
fast scores agree with a fresh Scorer's up to rounding, far inside the
tie window in which candidates are compared exactly.

:class:`ScorerCache` keeps one Scorer per node group for a request and
finds the changed nodes by identity (nodes are never changed once built).
"""

import math

from ganeti.htools import metrics
from ganeti.htools import scoring

_STDDEV = [pos for (pos, kind) in enumerate(metrics.KINDS)
           if kind == metrics.STAT_STDDEV]
_SUM = [pos for (pos, kind) in enumerate(metrics.KINDS)
        if kind == metrics.STAT_SUM]
_MAP = metrics.MAP_INDEX
_ONLINE = metrics.ONLINE


def Derive(scorer, changed):
  """The Scorer of ``scorer``'s state with ``changed`` ({idx: Node} of
  its view) replaced, or None where a fresh one must be built (values
  that are not finite, offline flags that changed)."""
  if not scorer.finite or all(scorer.offline):
    return None
  values_of = scorer.values_of
  offline = scorer.offline
  values = list(scorer.values)
  s1 = list(scorer.s1)
  s2 = list(scorer.s2)
  shift = scorer.shift
  tagmap = scorer.tagmap
  for (idx, node) in changed.items():
    pos = scorer.pos[idx]
    if node.offline != offline[pos]:
      return None
    old = values[pos]
    new = values_of(node)
    online = not offline[pos]
    for comp in _STDDEV:
      if _ONLINE[comp] != online:
        continue
      (a, b) = (old[comp], new[comp])
      if a == b:
        continue
      if not math.isfinite(b):
        return None
      s1[comp] += b - a
      s2[comp] += (b - shift[comp]) ** 2 - (a - shift[comp]) ** 2
    for comp in _SUM:
      if _ONLINE[comp] != online:
        continue
      if old[comp] != new[comp]:
        if not math.isfinite(new[comp]):
          return None
        s1[comp] += new[comp] - old[comp]
    if online and old[_MAP] is not new[_MAP] and old[_MAP] != new[_MAP]:
      if tagmap is scorer.tagmap:
        tagmap = dict(tagmap)
      for (key, cnt) in old[_MAP].items():
        tagmap[key] = tagmap.get(key, 0) - cnt
      for (key, cnt) in new[_MAP].items():
        tagmap[key] = tagmap.get(key, 0) + cnt
    values[pos] = new
  derived = object.__new__(_Derived)
  derived.values_of = values_of
  derived.pos = scorer.pos
  derived.offline = offline
  derived.values = values
  derived.stats = None
  # metrics._MapValue of the online nodes' maps, from the merged counts
  derived.map_value = float(sum(cnt - 1 for cnt in tagmap.values()
                                if cnt > 0))
  derived.count = scorer.count
  derived.shift = shift
  derived.s1 = s1
  derived.s2 = s2
  derived.finite = True
  derived.tagmap = tagmap
  return derived


class _Derived(scoring.Scorer):
  """A derived Scorer; its exact statistics are computed when asked for
  (the fast scores need only the tag-pair component, ``map_value``)."""

  @property
  def exact_stats(self):
    if self.stats is None:
      self.stats = metrics.StatsFromValues(self.offline, self.values)
    return self.stats

  @property
  def score(self):
    return metrics.ScoreFromStats(self.exact_stats)


class ScorerCache:
  """Scorers of node views ({idx: Node}) of one request, by group.

  ``Get(key, view)`` returns a Scorer of ``view``: the one of the last
  view under ``key`` derived by the nodes that differ (by identity), or
  a fresh one.
  """

  #: beyond this many changed nodes a fresh Scorer is as cheap
  MAX_CHANGED = 16

  def __init__(self, values_of=None):
    self.values_of = values_of
    self.last = {}

  def Get(self, key, view):
    entry = self.last.get(key)
    scorer = None
    if entry is not None and list(entry[0]) == list(view):
      (old_view, old_scorer) = entry
      changed = dict((idx, node) for (idx, node) in view.items()
                     if node is not old_view[idx])
      if not changed:
        scorer = old_scorer
      elif len(changed) <= self.MAX_CHANGED:
        scorer = Derive(old_scorer, changed)
    if scorer is None:
      scorer = scoring.Scorer(view, self.values_of)
    self.last[key] = (view, scorer)
    return scorer


_SUM_SET = frozenset(_SUM)
_WEIGHTS = metrics.WEIGHTS


def _StdDevOf(s1, s2, count):
  if count == 0:
    return math.nan
  mean = s1 / count
  var = s2 / count - mean * mean
  return math.sqrt(var) if var > 0 else 0.0


def _Components(scorer):
  """The component values of the scorer's own state (from its sums)."""
  comps = getattr(scorer, "hail_components", None)
  if comps is None:
    comps = []
    for pos in range(metrics.COUNT):
      if pos == _MAP:
        comps.append(scorer.map_value)
      elif pos in _SUM_SET:
        comps.append(scorer.s1[pos])
      else:
        comps.append(_StdDevOf(scorer.s1[pos], scorer.s2[pos],
                               scorer.count[pos]))
    scorer.hail_components = comps
  return comps


def ScoreOne(scorer, idx, new):
  """``scorer.Score({idx: node})`` from the node's NodeValues ``new``.

  Only the components whose value changes are recomputed.  None where
  the fast score cannot be had this way (scorers of non-finite values,
  a changed tag-pair map, non-finite new values): the caller scores the
  node itself.
  """
  if not scorer.finite:
    return None
  pos = scorer.pos[idx]
  old = scorer.values[pos]
  if old[_MAP] is not new[_MAP] and old[_MAP] != new[_MAP]:
    return None
  online = not scorer.offline[pos]
  base = _Components(scorer)
  total = 0.0
  for comp in range(metrics.COUNT):
    value = base[comp]
    if comp != _MAP and _ONLINE[comp] == online:
      (a, b) = (old[comp], new[comp])
      if a != b:
        if not math.isfinite(b):
          return None
        if comp in _SUM_SET:
          value = scorer.s1[comp] + (b - a)
        else:
          shift = scorer.shift[comp]
          value = _StdDevOf(scorer.s1[comp] + (b - a),
                            scorer.s2[comp] + (b - shift) ** 2 -
                            (a - shift) ** 2, scorer.count[comp])
    total += value * _WEIGHTS[comp]
  return total


class OneNodeScores:
  """Fast scores of a scorer's state with one node's values replaced.

  For the many candidates of one primary: each replaces one secondary,
  whose new values differ from its old ones in the same components for
  every primary but the ``varying`` ones.  The change of the others is
  kept per node in ``static`` (a dict that Scorers derived from one
  another may share: their shifts and the secondaries' old values are
  the same), so a score costs a few components instead of all.  Totals
  are the scorer's own plus the changes, equal to ``Score`` up to
  rounding.
  """

  def __init__(self, scorer, varying, static):
    self.scorer = scorer
    self.varying = tuple(varying)
    self.static = static
    self.base = _Components(scorer)
    total = 0.0
    for (value, weight) in zip(self.base, _WEIGHTS):
      total += value * weight
    self.total = total

  def _Static(self, idx, new):
    scorer = self.scorer
    pos = scorer.pos[idx]
    old = scorer.values[pos]
    online = not scorer.offline[pos]
    if old[_MAP] is not new[_MAP] and old[_MAP] != new[_MAP]:
      return False
    deltas = []
    for comp in range(metrics.COUNT):
      if comp == _MAP or comp in self.varying or _ONLINE[comp] != online:
        continue
      (a, b) = (old[comp], new[comp])
      if a == b:
        continue
      if not math.isfinite(b):
        return False
      deltas.append((comp,) + self._Deltas(comp, a, b))
    return (pos, online, deltas)

  def _Deltas(self, comp, a, b):
    if comp in _SUM_SET:
      return (b - a, None)
    shift = self.scorer.shift[comp]
    return (b - a, (b - shift) ** 2 - (a - shift) ** 2)

  def Score(self, idx, new):
    """The fast score, or None where it cannot be had this way."""
    if not self.scorer.finite:
      return None
    entry = self.static.get(idx)
    if entry is None:
      entry = self._Static(idx, new)
      self.static[idx] = entry
    if entry is False:
      return None
    (pos, online, deltas) = entry
    old = self.scorer.values[pos]
    changes = list(deltas)
    for comp in self.varying:
      if _ONLINE[comp] != online:
        continue
      (a, b) = (old[comp], new[comp])
      if a != b:
        if not math.isfinite(b):
          return None
        changes.append((comp,) + self._Deltas(comp, a, b))
    # _Change of each, inline
    scorer = self.scorer
    (s1, s2, count, base) = (scorer.s1, scorer.s2, scorer.count, self.base)
    total = self.total
    for (comp, d1, d2) in changes:
      if d2 is None:
        value = s1[comp] + d1
      else:
        num = count[comp]
        if num == 0:
          value = math.nan
        else:
          mean = (s1[comp] + d1) / num
          var = (s2[comp] + d2) / num - mean * mean
          value = math.sqrt(var) if var > 0 else 0.0
      total += (value - base[comp]) * _WEIGHTS[comp]
    return total
