"""Checks shared by the master-failover tests, on any test cluster.

The cluster may be a :class:`vcluster.VirtualCluster` or a
:class:`netns_cluster.NetnsCluster`: what is used of it is ``NodeRoot``,
``Run`` and ``Check`` (both run a shell command line as on a node).

- :func:`CheckCandidatesInSync`: every online master candidate holds the
  master's ``config.data`` byte for byte, every other online node none,
  and every online node the master's ssconf files;
- :func:`QueueBehindLock`: a job holding a node's lock for a while and
  many short jobs queued behind it;
- :func:`FailOverTo`: a voted ``gnt-cluster master-failover`` run on the
  new master, checked through another node's view;
- :func:`CheckJobsSucceeded`: the (new) master finishes the given jobs,
  all with success, in its answers and in its job files.
"""

import os

from vcluster import WaitFor

from ganeti import constants
from ganeti import jqueue
from ganeti import luxi
from ganeti import opcodes
from ganeti import serializer

#: the job statuses a job never leaves
FINAL = frozenset(constants.JOBS_FINALIZED)


def ReadFile(path):
  """The bytes of ``path``, or None if there is no such file."""
  try:
    with open(path, "rb") as fh:
      return fh.read()
  except FileNotFoundError:
    return None


def DataDir(cluster, node):
  """Ganeti's data directory (/var/lib/ganeti) of ``node``."""
  return os.path.join(cluster.NodeRoot(node), "var/lib/ganeti")


def ReadConfig(cluster, node):
  """The bytes of ``node``'s config.data, or None if it has none."""
  return ReadFile(os.path.join(DataDir(cluster, node), "config.data"))


def ReadSsconf(cluster, node):
  """{ssconf file name: bytes} of ``node``."""
  ddir = DataDir(cluster, node)
  return dict((name, ReadFile(os.path.join(ddir, name)))
              for name in os.listdir(ddir) if name.startswith("ssconf_"))


def CheckCandidatesInSync(cluster, master, offline=()):
  """Assert that ``master``'s configuration reached the other nodes.

  ``master`` must be the master its own config.data and ssconf name;
  every node of that configuration not in ``offline`` must hold the
  same config.data if it is a master candidate (none otherwise), and the
  same ssconf files.  Returns the parsed configuration.
  """
  data = ReadConfig(cluster, master)
  cfg = serializer.LoadJson(data)
  assert cfg["nodes"][cfg["cluster"]["master_node"]]["name"] == master
  ssconf = ReadSsconf(cluster, master)
  assert ssconf["ssconf_master_node"] == ("%s\n" % master).encode()
  for node in cfg["nodes"].values():
    name = node["name"]
    if name in offline:
      continue
    if node["master_candidate"]:
      assert ReadConfig(cluster, name) == data, \
        "config.data of %s differs" % name
    else:
      assert ReadConfig(cluster, name) is None, "%s is no candidate" % name
    assert ReadSsconf(cluster, name) == ssconf, "ssconf of %s differs" % name
  return cfg


def MasterClient(cluster, node):
  """A LUXI client of the master daemon socket of ``node``."""
  return luxi.Client(address=os.path.join(
    cluster.NodeRoot(node), "var/run/ganeti/socket/ganeti-master"))


def QueueBehindLock(cluster, master, lock_node, count,
                    holds=(3.0, 10.0, 30.0)):
  """Submit jobs to ``master`` that are still pending when this returns.

  The first job holds ``lock_node``'s lock for a while (it is running
  when the others are submitted); ``count`` short delay jobs on the same
  node wait behind it.  When the blocker finished before the others were
  all submitted (a loaded machine), the jobs are left to finish and the
  next, longer hold of ``holds`` (seconds) is tried.  Returns all job
  ids, the blocker first.
  """
  cl = MasterClient(cluster, master)
  try:
    for hold in holds:
      # no_locks defaults to True (as upstream): these must take the lock
      blocker = cl.SubmitJob([opcodes.OpTestDelay(
        duration=hold, on_master=False, on_nodes=[lock_node],
        no_locks=False)])
      WaitFor(lambda: cl.QueryJobs([blocker], ["status"]) == [["running"]],
              timeout=30, what="the blocking job")
      submitted = cl.SubmitManyJobs([
        [opcodes.OpTestDelay(duration=0.01, on_master=False,
                             on_nodes=[lock_node], no_locks=False)]
        for _ in range(count)])
      assert all(ok for (ok, _) in submitted), submitted
      ids = [blocker] + [job_id for (_, job_id) in submitted]
      status = [s for (s, ) in cl.QueryJobs(ids, ["status"])]
      if status[0] == "running":
        # the lock holds them: none of the others has started
        assert set(status[1:]) <= {"queued", "waiting"}, status
        return ids
      WaitFor(lambda: all(s in FINAL for (s, ) in
                          cl.QueryJobs(ids, ["status"])),
              timeout=60 + hold, what="the jobs of a too short hold")
    raise AssertionError("the blocking job never outlasted the submission"
                         " of %d jobs" % count)
  finally:
    cl.Close()


def FailOverTo(cluster, new_master, witness):
  """``gnt-cluster master-failover`` on ``new_master``; it must succeed
  and ``witness`` (another node) must then name it the master."""
  result = cluster.Run("gnt-cluster master-failover", node=new_master)
  assert result.exit_code == 0, result
  assert cluster.Check("gnt-cluster getmaster",
                       node=witness).strip() == new_master


def CheckJobsSucceeded(cluster, master, ids, timeout=60):
  """Wait until ``master`` has finished the jobs ``ids``; assert that
  each succeeded, as the master answers and as its job files say."""
  cl = MasterClient(cluster, master)
  try:
    def _AllDone():
      return all(s in FINAL for (s, ) in cl.QueryJobs(ids, ["status"]))
    WaitFor(_AllDone, timeout=timeout, what="all jobs finished")
    assert [s for (s, ) in cl.QueryJobs(ids, ["status"])] == \
      ["success"] * len(ids)
  finally:
    cl.Close()
  qdir = os.path.join(DataDir(cluster, master), "queue")
  for job_id in ids:
    job = jqueue.QueuedJob.Load(
      ReadFile(os.path.join(qdir, "job-%d" % job_id)), writable=False)
    assert job.CalcStatus() == "success", "job %s" % job_id
