"""Node graphs and the greedy colourings hroller uses.

A graph has vertices ``lo..hi`` (node indices; vertices without a node
simply have no edges) and, per vertex, the list of its neighbours with
repetitions and self loops kept, in the order upstream builds them (each
edge is put in front of its source's list).  Degrees count repetitions.

Colourings (upstream's three, same choices and tie-breaks):

* :func:`ColorLF` colours the vertices by decreasing degree (ties: the
  higher index first);
* :func:`ColorDsatur` repeatedly colours the vertex with the most
  distinct neighbour colours, then the highest degree;
* :func:`ColorDcolor` repeatedly colours the vertex with the most
  coloured neighbours (counted with repetitions), then the highest
  degree;

ties among dynamically chosen vertices go to the highest index; each
vertex gets the smallest colour none of its neighbours has.
"""


class Graph:
  """Vertices ``lo..hi`` and their neighbour lists."""

  def __init__(self, lo, hi, edges):
    self.lo = lo
    self.hi = hi
    self.adj = dict((v, []) for v in range(lo, hi + 1))
    for (src, dst) in edges:
      self.adj[src].insert(0, dst)

  def Vertices(self):
    return list(range(self.lo, self.hi + 1))

  def Degree(self, vertex):
    return len(self.adj[vertex])

  def Show(self):
    """The graph as Haskell's ``show`` prints an adjacency array."""
    return "array (%d,%d) [%s]" % (
      self.lo, self.hi,
      ",".join("(%d,[%s])" % (v, ",".join("%d" % n for n in self.adj[v]))
               for v in self.Vertices()))


def _ColorOf(graph, cmap, vertex):
  used = set(cmap[n] for n in graph.adj[vertex] if n in cmap)
  color = 0
  while color in used:
    color += 1
  return color


def ColorInOrder(graph, order):
  """Colour greedily, the last vertex of ``order`` first."""
  cmap = {}
  for vertex in reversed(order):
    cmap[vertex] = _ColorOf(graph, cmap, vertex)
  return cmap


def ColorLF(graph):
  by_degree = sorted(graph.Vertices(), key=graph.Degree)
  return ColorInOrder(graph, by_degree)


def _ColorDynamic(graph, keyfn):
  cmap = {}
  remaining = graph.Vertices()
  while remaining:
    best = None
    best_key = None
    for vertex in remaining:
      key = keyfn(graph, cmap, vertex)
      if best is None or not key < best_key:
        (best, best_key) = (vertex, key)
    cmap[best] = _ColorOf(graph, cmap, best)
    remaining.remove(best)
  return cmap


def _Saturation(graph, cmap, vertex):
  neigh = graph.adj[vertex]
  return (len(set(cmap[n] for n in neigh if n in cmap)), len(neigh))


def _ColorDegree(graph, cmap, vertex):
  neigh = graph.adj[vertex]
  return (sum(1 for n in neigh if n in cmap), len(neigh))


def ColorDsatur(graph):
  return _ColorDynamic(graph, _Saturation)


def ColorDcolor(graph):
  return _ColorDynamic(graph, _ColorDegree)


def ColorVertMap(cmap):
  """[vertices of colour 0, of colour 1, ...], each list ascending."""
  classes = {}
  for vertex in sorted(cmap):
    classes.setdefault(cmap[vertex], []).append(vertex)
  return [classes[c] for c in sorted(classes)]


#: upstream's algorithms, in its order (the first smallest one wins)
ALGORITHMS = [("LF", ColorLF), ("Dsatur", ColorDsatur),
              ("Dcolor", ColorDcolor)]


def Stats(colorings):
  """Upstream's comparison line of the colourings ``[(name, classes)]``."""
  by_size = sorted(colorings, key=lambda c: -len(c[1]))
  (old, text) = (0, "")
  for (name, classes) in reversed(by_size):
    stat = "%s: %d (%s)" % (name, len(classes),
                            ",".join("%d" % len(c) for c in classes))
    size = len(classes)
    if old == 0:
      text = stat
    elif old == size:
      text += " TIE " + stat
    else:
      text += " LOOSE " + stat
    old = size
  return text
