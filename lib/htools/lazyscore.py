"""Lazy scoring of the balancer's candidate slots, with certified bounds.

After a step only the slots touching the changed nodes have new deltas
(see :mod:`ganeti.htools.search`); every other slot keeps its deltas but
its score still moves, because the cluster's means and variances did.
Rescoring millions of unchanged slots at every step is what made big
clusters slow.  Instead, each slot keeps a *lower bound* of its score
relative to the current cluster score, and only the slots whose bound
reaches the best score found so far are rescored.

The bound.  Relative to the cluster, a slot's score is, per standard
deviation component, ``sqrt(V + a) - sqrt(V)`` (``V`` the cluster's
variance, ``a`` what the move adds to it), plus sum and map terms that
do not change while the slot's deltas do not.  When the cluster goes from
``(V, m)`` to ``(V', m')``, ``a`` moves by at most ``e = 2 |m' - m| D / n``
(``D`` the largest sum of deltas of any slot) and the relative term by at
most ``G(|a|) + e / (2 sqrt(lowest variance))``, where
``G(r) = max |(sqrt(V' + x) - sqrt(V')) - (sqrt(V + x) - sqrt(V))|`` over
``|x| <= r`` (the expression is monotonic in ``x``, so the ends suffice).
``G`` grows with ``r``; slots are put in buckets of ``max |a| / U`` (``U``
the variances at the last full evaluation, on a doubling grid) and each
step adds, per bucket, the bound of the bucket's upper end to a running
total.  A slot's bound is its last relative score minus what its bucket's
total grew by since.  Slots with small ``a`` -- the good moves on a big
cluster -- drift by second-order amounts, so few are rescored per step.

When more than half the slots had to be rescored, the next step
rescores all of them (which also tightens ``U``, the ``a`` range and
``D``).
"""

import numpy

#: bucket b > 0 holds slots with max |a| / U <= _GRID[b]
_NBUCKETS = 64
_GRID = numpy.concatenate([[0.0], 1e-12 * 2.0 ** numpy.arange(_NBUCKETS - 1)])
#: rounding slack added to every step's bound
SLACK = 1e-12


class LazyScores:
  """Lower bounds of the relative fast scores of a search's slots."""

  def __init__(self, nslots):
    self.nslots = nslots
    self.lb0 = numpy.full(max(nslots, 1), numpy.inf)
    self.ch0 = numpy.zeros(max(nslots, 1))
    self.bucket = numpy.zeros(max(nslots, 1), dtype=numpy.int8)
    self.cum = numpy.zeros(_NBUCKETS)
    self.stats = None
    self.unit = None
    self.dmax = None
    self.e_cum = None
    self.full_next = True
    self.live = numpy.zeros(0, dtype=numpy.int64)
    self.in_live = numpy.zeros(max(nslots, 1), dtype=bool)
    self.pending = []

  def Reset(self):
    self.full_next = True

  def _Bounds(self, old, new):
    """Per-bucket bound of the relative-score change from old to new."""
    (var0, mean0, count) = old
    (var1, mean1, _) = new
    e = 2.0 * numpy.abs(mean1 - mean0) * self.dmax / count
    self.e_cum = self.e_cum + e
    lo = numpy.minimum(var0, var1)
    # |a| bounds per bucket and component (the grid end, plus the drift)
    radius = _GRID[:, None] * self.unit[None, :] + self.e_cum[None, :]
    s0 = numpy.sqrt(var0)
    s1 = numpy.sqrt(var1)
    with numpy.errstate(invalid="ignore", divide="ignore"):
      g = numpy.zeros_like(radius)
      # a >= -V for every real candidate: the lower end stops there
      for x in (-numpy.minimum(radius, lo[None, :]), radius):
        val = numpy.abs((numpy.sqrt(numpy.maximum(var1 + x, 0.0)) - s1) -
                        (numpy.sqrt(numpy.maximum(var0 + x, 0.0)) - s0))
        g = numpy.maximum(g, val)
      # what the mean shift does to a itself
      floor = lo[None, :] - radius - e[None, :]
      t1 = numpy.where(floor > 0, e[None, :] / (2.0 * numpy.sqrt(floor)),
                       numpy.sqrt(e)[None, :])
      t1 = numpy.minimum(t1, numpy.sqrt(e)[None, :])
    bound = g + t1
    # the last bucket also holds anything beyond the grid
    sat = numpy.abs(s1 - s0) + numpy.sqrt(numpy.abs(var1 - var0) + e) + \
      numpy.sqrt(e)
    bound[-1] = numpy.maximum(bound[-1], sat)
    bound = numpy.where(numpy.isfinite(bound), bound, numpy.inf)
    return bound @ self.weights + SLACK

  def Start(self, stats, weights):
    """Begin a step: ``stats`` is (variances, means, counts) of the std
    components, ``weights`` their weights.  Returns whether every slot
    must be evaluated (the caller then calls :meth:`Full`)."""
    self.weights = weights
    if self.full_next or self.stats is None:
      self.stats = stats
      return True
    self.cum = self.cum + self._Bounds(self.stats, stats)
    self.stats = stats
    if not numpy.isfinite(self.cum).all():
      return True
    return False

  def _Record(self, slots, rel, var, d1abs):
    self.lb0[slots] = rel
    (var0, _, _) = self.stats
    with numpy.errstate(divide="ignore", invalid="ignore"):
      amag = (numpy.abs(var - var0[None, :]) / self.unit[None, :]).max(
        axis=1) if var.shape[1] else numpy.zeros(len(slots))
    amag = numpy.where(numpy.isfinite(amag), amag, numpy.inf)
    pos = numpy.searchsorted(_GRID, amag, side="left")
    pos = numpy.minimum(pos, _NBUCKETS - 1).astype(numpy.int8)
    self.bucket[slots] = pos
    self.ch0[slots] = self.cum[pos]
    if d1abs.size:
      self.dmax = numpy.maximum(self.dmax, d1abs.max(axis=0))

  def Full(self, slots, rel, var, d1abs):
    """Record a full evaluation (``slots``: every slot that is scored;
    ``rel`` their relative scores, ``var`` their variances and ``d1abs``
    the absolute sums of their deltas, per standard deviation
    component)."""
    (var0, _, _) = self.stats
    self.unit = numpy.where(var0 > 0, var0, 1.0)
    self.dmax = numpy.zeros_like(var0)
    self.e_cum = numpy.zeros_like(var0)
    self.cum = numpy.zeros(_NBUCKETS)
    self.lb0[:] = numpy.inf
    self._Record(slots, rel, var, d1abs)
    self.live = numpy.asarray(slots, dtype=numpy.int64)
    self.in_live[:] = False
    self.in_live[self.live] = True
    self.pending = []
    self.full_next = False

  def Record(self, slots, rel, var, d1abs):
    """Record fresh relative scores of some slots (see :meth:`Full`)."""
    self._Record(slots, rel, var, d1abs)
    self.pending.append(numpy.asarray(slots, dtype=numpy.int64))

  def Invalidate(self, slots):
    self.lb0[slots] = numpy.inf

  def Live(self):
    """The slots that may have a finite bound (sorted), a superset."""
    if self.pending:
      new = numpy.concatenate(self.pending)
      self.pending = []
      new = new[~self.in_live[new]]
      if new.size:
        self.in_live[new] = True
        self.live = numpy.nonzero(self.in_live)[0]
    return self.live

  def CurrentAt(self, slots):
    """The current lower bounds of ``slots`` (inf: not scored)."""
    return self.lb0[slots] - (self.cum[self.bucket[slots]] - self.ch0[slots])
