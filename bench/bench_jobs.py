#!/usr/bin/env python3
"""Job throughput: trivial OP_TEST_DELAY jobs submitted and followed over
LUXI by several client threads, end to end (submit, run, persist,
replicate, WaitForJobChange), on a private 3-node virtual cluster.

Usage: bench/bench_jobs.py [--jobs N] [--clients C] [--target JOBS_PER_S]

Exit code 0 when every job succeeded and the rate met the target (1 when
a check failed, 2 when only the target was missed).
"""

import argparse
import itertools
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

from ganeti import jqueue  # noqa: E402
from ganeti import opcodes  # noqa: E402

_WARMUP_JOBS = 20


def _RunClients(cluster, count, clients):
  """Run ``count`` jobs from ``clients`` threads; returns (ids, seconds)."""
  counter = itertools.count()
  ids = []
  errors = []
  lock = threading.Lock()
  start_barrier = threading.Barrier(clients + 1)

  def _Worker():
    cl = common.Client(cluster)
    try:
      start_barrier.wait()
      while next(counter) < count:
        job_id = cl.SubmitJob([opcodes.OpTestDelay(duration=0.001)])
        status = common.WaitJob(cl, job_id)
        with lock:
          ids.append((job_id, status))
    except Exception as err:  # reported by the main thread
      with lock:
        errors.append(err)
    finally:
      cl.Close()

  threads = [threading.Thread(target=_Worker, name="bench%d" % i)
             for i in range(clients)]
  for thread in threads:
    thread.start()
  start_barrier.wait()
  start = time.monotonic()
  for thread in threads:
    thread.join()
  elapsed = time.monotonic() - start
  if errors:
    raise RuntimeError("Client errors: %s" % errors[:3])
  return (ids, elapsed)


def _CheckJobFiles(cluster, ids):
  """Every job file (master and candidates) shows the final success."""
  problems = []

  def _FileProblems(node):
    found = []
    qdir = common.QueueDir(cluster, node)
    for job_id in ids:
      path = os.path.join(qdir, "job-%d" % job_id)
      try:
        with open(path, encoding="utf-8") as fh:
          data = json.load(fh)
      except (OSError, ValueError) as err:
        found.append("%s: job %d: %s" % (node, job_id, err))
        continue
      job = jqueue.QueuedJob.Load(json.dumps(data).encode(), writable=False)
      if job.CalcStatus() != "success" or data.get("end_timestamp") is None:
        found.append("%s: job %d file shows %s" %
                     (node, job_id, job.CalcStatus()))
    return found

  problems.extend(_FileProblems(cluster.master))
  # Replication to the candidates completes right after the master's own
  # write (which is what wakes the waiters): allow it a deadline.
  for node in cluster.nodes[1:]:
    try:
      common.vcluster.WaitFor(lambda n=node: not _FileProblems(n),
                              timeout=30, what="job files on %s" % node)
    except AssertionError:
      problems.extend(_FileProblems(node)[:5])
  return problems


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--jobs", type=int, default=1000)
  parser.add_argument("--clients", type=int, default=8)
  parser.add_argument("--target", type=float, default=100.0,
                      help="jobs/s expected (default 100)")
  parser.add_argument("--keep", action="store_true",
                      help="keep the cluster directory")
  opts = parser.parse_args()

  with common.Cluster(keep=opts.keep) as cluster:
    _RunClients(cluster, _WARMUP_JOBS, min(opts.clients, 4))
    (results, elapsed) = _RunClients(cluster, opts.jobs, opts.clients)
    ids = sorted(job_id for (job_id, _) in results)
    bad = [(job_id, st) for (job_id, st) in results if st != "success"]
    rate = len(results) / elapsed
    print("jobs: %d, clients: %d, elapsed: %.2f s, %.1f jobs/s"
          " (%.1f ms per job per client)" %
          (len(results), opts.clients, elapsed, rate,
           1000.0 * elapsed * opts.clients / max(1, len(results))))
    cl = common.Client(cluster)
    statuses = cl.QueryJobs(ids, ["status"])
    cl.Close()
    bad.extend((job_id, st) for (job_id, st) in zip(ids, statuses)
               if st != ["success"])
    problems = _CheckJobFiles(cluster, ids)
  ok = len(results) == opts.jobs and not bad and not problems
  for (job_id, status) in bad[:10]:
    print("job %s: %s" % (job_id, status))
  for problem in problems[:10]:
    print(problem)
  print("checks: %s (all %d jobs success, job files final on all 3 nodes)"
        % ("OK" if ok else "FAILED", opts.jobs))
  if not ok:
    return 1
  if rate < opts.target:
    print("below target of %.0f jobs/s" % opts.target)
    return 2
  return 0


if __name__ == "__main__":
  sys.exit(main())
