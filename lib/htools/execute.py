"""Executing balancing moves as jobs on a live cluster (hbal -X).

Each move becomes one job of one to three opcodes (migrate or failover,
replace-disks to a new secondary); the jobs of one jobset are submitted
together and waited for; the next jobset starts only when every job of
the previous one succeeded, as upstream's hbal does.
"""

import sys
import time

from ganeti.htools import moves as M

VERSION = "3.0.2"


class ExecError(Exception):
  """A job of the solution failed; the remaining jobsets were not run."""


def MoveToOpcodes(nodes, inst, move, reason=None, priority=None):
  """The opcode dicts of one move (upstream's iMoveToJob)."""
  name = inst.name

  def _Migrate(target=None):
    op = {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": name,
          "cleanup": False, "allow_failover": True,
          "ignore_hvversions": True, "ignore_ipolicy": False,
          "allow_runtime_changes": False}
    if target is not None:
      op["target_node"] = nodes[target].name
    return op

  def _Replace(node):
    return {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": name,
            "mode": "replace_new_secondary", "disks": [],
            "remote_node": nodes[node].name, "early_release": False,
            "ignore_ipolicy": False}

  kind = move.kind
  if kind == M.FAILOVER:
    ops = [_Migrate()]
  elif kind == M.FAILOVER_TO_ANY:
    ops = [_Migrate(move.target)]
  elif kind == M.REPLACE_PRIMARY:
    ops = [_Migrate(), _Replace(move.target), _Migrate()]
  elif kind == M.REPLACE_SECONDARY:
    ops = [_Replace(move.target)]
  elif kind == M.REPLACE_AND_FAILOVER:
    ops = [_Replace(move.target), _Migrate()]
  else:
    ops = [_Migrate(), _Replace(move.target)]
  now = time.time()
  trail = [["hbal", reason or "hbal %s called" % VERSION,
            int(now * 1e9)]]
  for op in ops:
    op["comment"] = "rebalancing via hbal %s" % VERSION
    op["reason"] = list(trail)
    if priority is not None:
      op["priority"] = priority
  return ops


_PRIORITIES = {"low": 10, "normal": 0, "high": -10}


def ExecuteJobsets(opts, nodes, instances, jobsets, client=None):
  """Run the jobsets (lists of (nodes, inst idx, move, cmds)) via LUXI."""
  from ganeti import constants
  from ganeti import luxi
  cl = client or (luxi.Client(address=opts.luxi) if opts.luxi
                  else luxi.Client())
  priority = None
  if opts.priority is not None:
    if opts.priority not in _PRIORITIES:
      raise ExecError("Unknown priority '%s'" % opts.priority)
    priority = _PRIORITIES[opts.priority]
  for jobset in jobsets:
    names = [instances[job[1]].name for job in jobset]
    sys.stdout.write("Executing jobset for instances %s\n" % ", ".join(names))
    jobs = [MoveToOpcodes(nodes, instances[job[1]], job[2],
                          reason=opts.reason, priority=priority)
            for job in jobset]
    submitted = cl.SubmitManyJobs(jobs)
    ids = []
    for (ok, value) in submitted:
      if not ok:
        raise ExecError("Submitting the job failed: %s" % value)
      ids.append(str(value))
    sys.stdout.write("Got job IDs %s\n" % ", ".join(ids))
    sys.stdout.flush()
    failed = []
    for job_id in ids:
      status = _WaitForJob(cl, job_id)
      if status != constants.JOB_STATUS_SUCCESS:
        failed.append((job_id, status))
    if failed:
      raise ExecError("Not all jobs completed successfully: %s" %
                      ", ".join("%s (%s)" % f for f in failed))


def _WaitForJob(cl, job_id):
  from ganeti import constants
  prev_info = None
  prev_serial = None
  final = frozenset(constants.JOBS_FINALIZED)
  while True:
    result = cl.WaitForJobChange(job_id, ["status"], prev_info, prev_serial)
    if result is None:
      raise ExecError("Job %s disappeared" % job_id)
    (prev_info, log_entries) = result
    if log_entries:
      prev_serial = max(entry[0] for entry in log_entries)
    if prev_info[0] in final:
      return prev_info[0]
