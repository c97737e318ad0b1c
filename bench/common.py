"""Shared helpers of the benchmarks: a private virtual cluster."""

import contextlib
import os
import shutil
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _sub in ("", os.path.join("test", "support")):
  _path = os.path.join(TOP, _sub) if _sub else TOP
  if _path not in sys.path:
    sys.path.insert(0, _path)

import vcluster  # noqa: E402  (test/support/vcluster.py)

from ganeti import constants  # noqa: E402
from ganeti import luxi  # noqa: E402

FINAL = frozenset(constants.JOBS_FINALIZED)


@contextlib.contextmanager
def Cluster(nodes=3, keep=False, init_args=None):
  """A fresh virtual cluster in a temporary directory, stopped on exit.

  @param init_args: extra ``gnt-cluster init`` arguments (a list)
  """
  tmp = tempfile.mkdtemp(prefix="pyganeti-bench-")
  cluster = vcluster.VirtualCluster(os.path.join(tmp, "vc"), nodes=nodes,
                                    prefix=vcluster.PickPrefix())
  start = time.monotonic()
  if init_args:
    vcluster.vcluster_setup.Up(cluster.basedir, cluster.count,
                               cluster.prefix, extra_init_args=init_args)
  else:
    cluster.Start()
  print("cluster up in %.1f s (%s, prefix %s)" %
        (time.monotonic() - start, cluster.basedir, cluster.prefix))
  try:
    yield cluster
  finally:
    cluster.Stop()
    if not keep:
      shutil.rmtree(tmp, ignore_errors=True)


def MasterSocket(cluster):
  return os.path.join(cluster.NodeRoot(), "var/run/ganeti/socket",
                      "ganeti-master")


def Client(cluster):
  return luxi.Client(address=MasterSocket(cluster))


def WaitJob(cl, job_id):
  """Follow a job with WaitForJobChange until it is finalized."""
  prev = None
  while True:
    res = cl.WaitForJobChangeOnce(job_id, ["status"], prev, None)
    if res is None:
      raise RuntimeError("Job %s lost" % job_id)
    if res == "nochange":
      continue
    (prev, _) = res
    if prev[0] in FINAL:
      return prev[0]


def QueueDir(cluster, node=None):
  return os.path.join(cluster.NodeRoot(node), "var/lib/ganeti/queue")


def Stats(values):
  values = sorted(values)
  mid = len(values) // 2
  median = (values[mid] if len(values) % 2
            else (values[mid - 1] + values[mid]) / 2)
  return (values[0], median)
