#!/usr/bin/env python3
"""Listing speed: wall time of the real ``gnt-instance list`` command on a
private 3-node virtual cluster holding 200 instances.

Usage: bench/bench_list.py [--instances N] [--runs R] [--target SECONDS]

The instances (diskless, OS ``noop``, inst1..instN spread over the three
nodes, every fourth one started) are created with one SubmitManyJobs
call.  The modules are byte-compiled first, as in any installation (this
environment may set PYTHONDONTWRITEBYTECODE).  Exit code 0 when the best
run met the target, 2 when it did not, 1 when a check failed.
"""

import argparse
import compileall
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

from ganeti import opcodes  # noqa: E402


def _CreateInstances(cluster, count):
  cl = common.Client(cluster)
  jobs = []
  for idx in range(1, count + 1):
    jobs.append([opcodes.OpInstanceCreate(
      instance_name="inst%d" % idx, disks=[], disk_template="diskless",
      mode="create", nics=[{}], os_type="noop",
      pnode=cluster.nodes[idx % len(cluster.nodes)], name_check=False,
      ip_check=False, conflicts_check=False, wait_for_sync=False,
      start=(idx % 4 == 0))])
  start = time.monotonic()
  submitted = cl.SubmitManyJobs(jobs)
  bad = [res for (ok, res) in submitted if not ok]
  if bad:
    raise RuntimeError("Submission failed: %s" % bad[:3])
  ids = [job_id for (_, job_id) in submitted]
  statuses = [common.WaitJob(cl, job_id) for job_id in ids]
  failed = [job_id for (job_id, st) in zip(ids, statuses) if st != "success"]
  if failed:
    raise RuntimeError("Instance creation jobs failed: %s" %
                       cl.QueryJobs(failed[:3], ["opresult"]))
  cl.Close()
  return time.monotonic() - start


def _ListCommand(cluster):
  """argv and environment of the real CLI, as an administrator runs it."""
  env = cluster.Env()
  # "#!/usr/bin/env python3" resolves to the interpreter running us
  env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable),
                                 env["PATH"]])
  script = os.path.join(common.TOP, "scripts", "gnt-instance")
  return ([script, "list"], env)


def _TimeList(argv, env):
  start = time.perf_counter()
  proc = subprocess.run(argv, env=env, capture_output=True, text=True,
                        check=False)
  elapsed = time.perf_counter() - start
  if proc.returncode != 0:
    raise RuntimeError("gnt-instance list failed: %s" % proc.stderr)
  return (elapsed, proc.stdout)


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--instances", type=int, default=200)
  parser.add_argument("--runs", type=int, default=10)
  parser.add_argument("--target", type=float, default=0.1,
                      help="seconds expected for the best run (default 0.1)")
  parser.add_argument("--keep", action="store_true",
                      help="keep the cluster directory")
  opts = parser.parse_args()

  compileall.compile_dir(os.path.join(common.TOP, "lib"), quiet=1)
  with common.Cluster(keep=opts.keep) as cluster:
    created = _CreateInstances(cluster, opts.instances)
    print("%d instances created in %.1f s" % (opts.instances, created))
    (argv, env) = _ListCommand(cluster)
    _TimeList(argv, env)  # warm the page cache
    times = []
    for _ in range(opts.runs):
      (elapsed, output) = _TimeList(argv, env)
      times.append(elapsed)
    lines = output.splitlines()
    names = {line.split()[0] for line in lines[1:]}
    running = sum(1 for line in lines[1:] if " running " in line)
    startup = min(_TimeList([sys.executable, "-c", "pass"], env)[0]
                  for _ in range(5))
  expected = {"inst%d" % i for i in range(1, opts.instances + 1)}
  ok = (lines and lines[0].split()[0] == "Instance" and names == expected
        and running == opts.instances // 4)
  (best, median) = common.Stats(times)
  print("gnt-instance list, %d instances (%d running), %d runs:"
        " best %.3f s, median %.3f s (bare interpreter start-up: %.3f s)"
        % (len(names), running, opts.runs, best, median, startup))
  print("checks: %s (every instance listed once, %d running)" %
        ("OK" if ok else "FAILED", running))
  if not ok:
    return 1
  if best >= opts.target:
    print("above target of %.2f s" % opts.target)
    return 2
  return 0


if __name__ == "__main__":
  sys.exit(main())
