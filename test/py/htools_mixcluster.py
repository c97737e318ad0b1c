"""Random mixed clusters for the hcheck/hroller differential tests.

``MixedCluster(seed)`` returns the htools text of a cluster with one to
three node groups of different sizes, one master node, node tags
(``rack:a``/``rack:b``), and instances of every kind the two programs
treat differently: DRBD (both nodes in one group), plain and file
(non-redundant), blockdev (not movable), sharedfile, rbd and
diskless (movable without a secondary), some
of them offline or not auto-balanced.  Memory is tight on some nodes so
that N+1 and evacuation checks fail now and then.  The same seed always
gives the same text.
"""

import random

_TEMPLATES = ("drbd", "drbd", "drbd", "drbd", "plain", "file", "sharedfile",
              "rbd", "diskless", "blockdev")
_STATES = ("running",)


def MixedCluster(seed):
  rng = random.Random(seed)
  ngroups = rng.randint(1, 3)
  groups = [("group-%d" % g, "uuid-%d" % g) for g in range(ngroups)]
  nodes = []
  for (gname, guuid) in groups:
    for _ in range(rng.randint(2, 6)):
      nodes.append(["node-%02d" % len(nodes), guuid,
                    rng.choice((8192, 16384, 32768)),
                    rng.choice(("rack:a", "rack:b", ""))])
  master = rng.randrange(len(nodes))
  free = dict((n[0], n[2] - 1024) for n in nodes)
  ilines = []
  for num in range(rng.randint(len(nodes), 4 * len(nodes))):
    tmpl = rng.choice(_TEMPLATES)
    mem = rng.choice((512, 1024, 2048, 4096))
    pnode = rng.choice(nodes)
    snode = ""
    if tmpl == "drbd":
      peers = [n for n in nodes if n[1] == pnode[1] and n is not pnode]
      if not peers:
        tmpl = "plain"
      else:
        snode = rng.choice(peers)[0]
    if free[pnode[0]] < mem:
      continue
    free[pnode[0]] -= mem
    ilines.append("inst-%03d|%d|10240|1|%s|%s|%s|%s|%s||1" %
                  (num, mem, rng.choice(_STATES),
                   rng.choice(("Y", "Y", "Y", "N")), pnode[0], snode, tmpl))
  nlines = ["%s|%d|1024|%d|1048576|%d|16|%s|%s|1|%s" %
            (name, mem, free[name], 1048576 - 20480 * len(ilines) //
             len(nodes), "M" if i == master else "N", guuid, tags)
            for (i, (name, guuid, mem, tags)) in enumerate(nodes)]
  glines = ["%s|%s|preferred||" % g for g in groups]
  policy = ("128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|"
            "drbd,plain,file,sharedfile,rbd,diskless,blockdev|4.0|32.0")
  return "\n".join([
    "\n".join(glines) + "\n",
    "\n".join(nlines) + "\n",
    "\n".join(ilines) + "\n",
    "",
    "|" + policy + "\n" +
    "".join("%s|%s\n" % (g[0], policy) for g in groups),
  ])
