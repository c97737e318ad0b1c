"""SIGKILL of the master daemon with a busy job queue, then a restart.

Ganeti's restart rules (internals §4.6): opcodes found running (or
canceling) are failed with "Unclean master daemon shutdown", queued and
waiting jobs run again; no job id is lost, the serial file and
config.data stay intact, and the candidates end with the master's job
files.
"""

import json
import os
import signal

import pytest
import vcluster

from ganeti import constants
from ganeti import jqueue
from ganeti import luxi
from ganeti import opcodes

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

FINAL = set(constants.JOBS_FINALIZED)
NUM_JOBS = 50
CREATED = ["kill%d" % i for i in range(1, 5)]


def _Jobs():
  """50 jobs: long delays that fill the 25 workers, then short delays
  (some on the other nodes) and a few diskless instance creations."""
  jobs = []
  for idx in range(30):
    jobs.append([opcodes.OpTestDelay(
      duration=2.0, on_nodes=(["node2", "node3"] if idx % 5 == 0 else []))])
  durations = [0.01, 0.05, 0.1, 0.3, 0.5]
  for idx in range(NUM_JOBS - 30 - len(CREATED)):
    jobs.append([opcodes.OpTestDelay(
      duration=durations[idx % len(durations)],
      on_nodes=(["node2"] if idx % 3 == 0 else []))])
  for (idx, name) in enumerate(CREATED):
    jobs.append([opcodes.OpInstanceCreate(
      instance_name=name, disks=[], disk_template="diskless", mode="create",
      nics=[{}], os_type="noop", pnode="node%d" % (idx % 3 + 1),
      name_check=False, ip_check=False, conflicts_check=False,
      wait_for_sync=False, start=False)])
  return jobs


def _Client(cluster):
  return luxi.Client(address=os.path.join(
    cluster.NodeRoot(), "var/run/ganeti/socket/ganeti-master"))


def _QueueDir(cluster, node=None):
  return os.path.join(cluster.NodeRoot(node), "var/lib/ganeti/queue")


def _JobFile(cluster, job_id, node=None):
  """Content of a job file in the queue or the archive, or None."""
  qdir = _QueueDir(cluster, node)
  for path in (os.path.join(qdir, "job-%d" % job_id),
               os.path.join(qdir, "archive", str(job_id // 10000),
                            "job-%d" % job_id)):
    try:
      with open(path, "rb") as fh:
        return fh.read()
    except FileNotFoundError:
      continue
  return None


def _DiskStatus(cluster, job_id):
  return jqueue.QueuedJob.Load(_JobFile(cluster, job_id),
                               writable=False).CalcStatus()


def _WaitFinal(cl, job_id):
  prev = None
  while True:
    res = cl.WaitForJobChangeOnce(job_id, ["status"], prev, None)
    assert res is not None, "job %s lost" % job_id
    if res == "nochange":
      continue
    (prev, _) = res
    if prev[0] in FINAL:
      return prev[0]


@pytest.mark.skipif(vcluster.FindOs("noop") is None,
                    reason=vcluster.NOOP_MISSING)
def test_masterd_sigkill_restart(fresh_cluster):
  cluster = fresh_cluster
  cl = _Client(cluster)
  submitted = cl.SubmitManyJobs(_Jobs())
  assert all(ok for (ok, _) in submitted), submitted
  ids = [job_id for (_, job_id) in submitted]
  creates = dict(zip(ids[-len(CREATED):], CREATED))

  def _Busy():
    status = [s for (s, ) in cl.QueryJobs(ids, ["status"])]
    return (status.count("running") >= 5 and
            status.count("queued") >= 5)
  vcluster.WaitFor(_Busy, timeout=60, what="running and queued jobs")

  pid = cluster.DaemonPid("ganeti-masterd")
  assert pid
  os.kill(pid, signal.SIGKILL)
  cl.Close()
  pidfile = cluster.PidFile("ganeti-masterd")
  vcluster.WaitFor(lambda: vcluster.PidFileFree(pidfile), timeout=30,
                   what="masterd death")

  # What the dead master left on disk decides each job's fate
  at_kill = dict((job_id, _DiskStatus(cluster, job_id)) for job_id in ids)
  assert "running" in at_kill.values()
  assert "queued" in at_kill.values()

  started = cluster.Run("daemon-util start-master")
  assert started.exit_code == 0, started
  cl = _Client(cluster)
  try:
    vcluster.WaitFor(lambda: cluster.DaemonPid("ganeti-masterd") not in
                     (None, pid), timeout=30, what="new masterd")
  except AssertionError:
    log = os.path.join(cluster.NodeRoot(), "var/log/ganeti",
                       "master-daemon.log")
    with open(log) as fh:
      tail = fh.readlines()[-20:]
    raise AssertionError("masterd did not restart; daemon-util said %r;"
                         " log tail:\n%s" % (started, "".join(tail)))
  final = dict((job_id, _WaitFinal(cl, job_id)) for job_id in ids)

  results = dict(zip(ids, cl.QueryJobs(ids, ["status", "opresult"])))
  for job_id in ids:
    (status, opresult) = results[job_id]
    assert status == final[job_id]
    if at_kill[job_id] in ("running", "canceling"):
      assert status == "error", (job_id, at_kill[job_id], opresult)
      assert "Unclean master daemon shutdown" in json.dumps(opresult)
    elif at_kill[job_id] in ("queued", "waiting", "success"):
      assert status == "success", (job_id, at_kill[job_id], opresult)
    else:
      assert at_kill[job_id] in FINAL

  # No job lost: every file present and final, on disk too
  for job_id in ids:
    assert _DiskStatus(cluster, job_id) == final[job_id]
  with open(os.path.join(_QueueDir(cluster), "serial")) as fh:
    serial = fh.read()
  assert serial.endswith("\n") and int(serial) >= max(ids)

  # config.data intact, successful creations present exactly once
  cfg_path = os.path.join(cluster.NodeRoot(), "var/lib/ganeti/config.data")
  with open(cfg_path) as fh:
    cfg = json.load(fh)
  assert cfg["version"] == 3000000
  assert isinstance(cfg["serial_no"], int) and cfg["serial_no"] > 0
  names = [inst["name"] for inst in cfg["instances"].values()]
  assert len(names) == len(set(names))
  for (job_id, name) in creates.items():
    if final[job_id] == "success":
      assert names.count(name) == 1
  assert cluster.Run("gnt-cluster verify").exit_code == 0

  # Candidates hold the master's final job files and config
  def _Replicated():
    for node in cluster.nodes[1:]:
      for job_id in ids:
        if _JobFile(cluster, job_id, node) != _JobFile(cluster, job_id):
          return False
    return True
  vcluster.WaitFor(_Replicated, timeout=60, what="replicated job files")
  for node in cluster.nodes[1:]:
    with open(os.path.join(cluster.NodeRoot(node),
                           "var/lib/ganeti/config.data")) as fh:
      assert json.load(fh)["serial_no"] == cfg["serial_no"]
  cl.Close()
