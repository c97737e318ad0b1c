#!/usr/bin/env python3
"""hail benchmark: iallocator requests on the generated 200-node cluster.

Builds iallocator requests (ganeti.htools.hail_request) from the
deterministic clusters of ganeti.htools.gencluster -- 200 nodes with 4000
DRBD instances (the cluster of bench_htools.py, nearly full) and 200
nodes with 2000 -- and times pyganeti's hail on them, whole runs from the
request text to the answer (parsing included), against Debian's
ganeti-htools-3.0 hail when it is installed; the answers must be equal.

``--healthy`` adds a DRBD allocation on 200 nodes with 1000 instances,
a cluster that stays N+1 redundant: every one of the 39800 pairs is a
good placement (not part of the target; hail's hardest common case).

The target is the issue's: every request in under a tenth of the 2.5 s
the issue measured for upstream (``TARGET``); the ratio to upstream's
time measured in the same run is printed too.  Exit codes: 0 when the
target is met, 2 when it is missed, 1 when the answers differ.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)

from ganeti.htools import gencluster  # noqa: E402
from ganeti.htools import hail  # noqa: E402
from ganeti.htools import hail_request as R  # noqa: E402
from ganeti.htools import text  # noqa: E402

UPSTREAM = "/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail"

#: seconds: a tenth of upstream's 2.5 s stated in the issue
TARGET = 0.25


def _Requests(cdata):
  names = [i.name for i in cdata.instances[:20]]
  return [
    ("allocate drbd", R.AllocateRequest("new1", 2048, 20480, 2, "drbd")),
    ("allocate plain", R.AllocateRequest("new1", 2048, 20480, 2, "plain")),
    ("node-evacuate 20", R.NodeEvacRequest(names, "secondary-only")),
    # both nodes of each instance change: every pair of target nodes
    ("node-evacuate 20 all", R.NodeEvacRequest(names, "all")),
  ]


def _Ours(body, repeat):
  best = None
  for _ in range(repeat):
    start = time.monotonic()
    (code, out, _) = hail.Answer(body)
    secs = time.monotonic() - start
    best = secs if best is None else min(best, secs)
  return (best, code, out)


def _Upstream(path):
  start = time.monotonic()
  res = subprocess.run([UPSTREAM, path], capture_output=True, text=True)
  return (time.monotonic() - start, res.returncode, res.stdout)


def Main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--repeat", type=int, default=1,
                      help="runs of ours per request (the best counts)")
  parser.add_argument("--no-upstream", action="store_true",
                      help="do not run upstream's hail")
  parser.add_argument("--healthy", action="store_true",
                      help="also allocate on a healthy 200-node cluster")
  opts = parser.parse_args()
  tmp = tempfile.mkdtemp(prefix="pyganeti-bench-hail-")
  failed = False
  missed = False
  tenth = []
  clusters = [(200, 4000, True), (200, 2000, True)]
  if opts.healthy:
    clusters.append((200, 1000, False))
  for (nodes, insts, target) in clusters:
    cdata = text.ParseData(gencluster.GenerateCluster(nodes, insts))
    reqs = _Requests(cdata) if target else _Requests(cdata)[:1]
    for (what, req) in reqs:
      body = R.BuildRequest(cdata, req)
      path = os.path.join(tmp, "req.json")
      with open(path, "w") as handle:
        handle.write(body)
      (secs, code, out) = _Ours(body, opts.repeat)
      line = "hail %s, %d nodes/%d instances: %.3f s" % (what, nodes, insts,
                                                         secs)
      if not opts.no_upstream and os.path.exists(UPSTREAM):
        (usecs, ucode, uout) = _Upstream(path)
        line += "; upstream %.3f s (x%.2f)" % (usecs, secs / usecs)
        if (code, out) != (ucode, uout):
          line += "; ANSWERS DIFFER"
          failed = True
        if target:
          tenth.append(secs <= usecs / 10)
      if target and secs > TARGET:
        missed = True
      print(line)
      print("  " + out.strip()[:150])
  print("target (%.2f s per request): %s" % (TARGET,
                                            "missed" if missed else "met"))
  if tenth:
    print("a tenth of upstream's time measured here: %d of %d requests" %
          (sum(tenth), len(tenth)))
  return 1 if failed else (2 if missed else 0)


if __name__ == "__main__":
  sys.exit(Main())
