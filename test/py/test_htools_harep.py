"""harep: auto-repair tags, policies, the repair state machine, the CLI.

The decisions run on model clusters built as the LUXI backend builds
them; the jobs go to a fake LUXI client that applies tag opcodes to the
model, so that several harep runs follow one instance from healthy to
pending to a result, as upstream's harep does.
"""

import contextlib
import io
import os
import time

import pytest

from ganeti import constants
from ganeti.htools import autorepair as AR
from ganeti.htools import harep
from ganeti.htools import luxi_backend

P = AR.TAG_PREFIX
NOW = 1700000000


# Model clusters ------------------------------------------------------------
def _Cluster(instances, ctags=(), gtags=(), offline=()):
  """Two groups: g1 (node1-3) and g2 (node4); ``instances`` are tuples
  (name, template, pnode, snode or None, tags)."""
  groups = [{"uuid": "u-g1", "name": "g1", "tags": list(gtags)},
            {"uuid": "u-g2", "name": "g2", "tags": []}]
  nodes = []
  for idx in range(1, 5):
    name = "node%d" % idx
    nodes.append({"name": name, "mtotal": 4096, "mnode": 512,
                  "mfree": 3000, "dtotal": 100000, "dfree": 90000,
                  "ctotal": 4, "cnos": 1, "offline": name in offline,
                  "drained": False, "vm_capable": True,
                  "group.uuid": "u-g2" if idx == 4 else "u-g1", "tags": []})
  insts = []
  for (name, template, pnode, snode, tags) in instances:
    insts.append({"name": name, "disk_usage": 1024, "be/maxmem": 128,
                  "be/vcpus": 1, "status": "ADMIN_down", "pnode": pnode,
                  "snodes": [snode] if snode else [], "tags": list(tags),
                  "disk_template": template, "disk.sizes": [1024]})
  return luxi_backend.BuildClusterData(groups, nodes, insts, list(ctags),
                                       None)


class FakeClient:
  """A LUXI client: job ids from 100, tag opcodes applied to ``tags``
  (instance name -> list), job statuses from ``status`` (default
  success)."""

  def __init__(self, tags):
    self.tags = tags
    self.jobs = {}
    self.status = {}
    self.next_id = 100

  def SubmitJob(self, ops):
    job_id = self.next_id
    self.next_id += 1
    self.jobs[job_id] = ops
    for op in ops:
      if op["OP_ID"] == "OP_TAGS_SET":
        self.tags[op["name"]].extend(op["tags"])
      elif op["OP_ID"] == "OP_TAGS_DEL":
        for tag in op["tags"]:
          self.tags[op["name"]].remove(tag)
    return job_id

  def QueryJobs(self, ids, fields):
    assert fields == ["status"]
    return [[self.status.get(i, "success")] if i in self.jobs or
             i in self.status else None for i in ids]

  def WaitForJobChange(self, job_id, fields, prev_info, prev_serial):
    return ([self.status.get(job_id, "success")], [])

  def RepairJobs(self):
    return [(i, ops) for (i, ops) in sorted(self.jobs.items())
            if ops[0]["OP_ID"] not in ("OP_TAGS_SET", "OP_TAGS_DEL")]


class Clock:
  def __init__(self, now=NOW):
    self.now = now

  def __call__(self):
    return self.now


class Scenario:
  """A cluster whose instance tags live in a fake client across runs."""

  def __init__(self, instances, **kwargs):
    self.spec = instances
    self.kwargs = kwargs
    self.tags = dict((i[0], list(i[4])) for i in instances)
    self.client = FakeClient(self.tags)
    self.clock = Clock()
    self.uuids = iter("task%d" % i for i in range(1, 100))

  def Run(self, **kwargs):
    cdata = _Cluster([(n, t, p, s, self.tags[n])
                      for (n, t, p, s, _) in self.spec], **self.kwargs)
    tool = harep.Harep(self.client, clock=self.clock,
                       new_uuid=lambda: next(self.uuids), **kwargs)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
      states = tool.Run(cdata)
      harep._Out(harep.FormatCounts(states))
    return (dict((s.inst.name, s.state) for s in states), out.getvalue())


# Tags ----------------------------------------------------------------------
@pytest.mark.parametrize("tag,expected", [
  (P + "pending:failover:u1:100:7", ("failover", "u1", 100, [7], None)),
  (P + "pending:migrate:u1:100:7+8", ("migrate", "u1", 100, [7, 8], None)),
  (P + "pending:fix-storage:u1:100:", ("fix-storage", "u1", 100, [], None)),
  (P + "result:reinstall:u2:5:success:3",
   ("reinstall", "u2", 5, [3], "success")),
  (P + "result:reinstall:u2:5:enoperm:", ("reinstall", "u2", 5, [], "enoperm")),
  (P + "result:failover:u2:-5:failure:1", ("failover", "u2", -5, [1],
                                            "failure")),
])
def test_parse_tag(tag, expected):
  data = AR.ParseTag(tag)
  assert (data.rtype, data.uuid, data.timestamp, data.jobs,
          data.result) == expected
  assert data.tag == tag
  assert data.UpdateTag().tag == tag


@pytest.mark.parametrize("tag", [
  "other", P + "failover", P + "suspend:", P + "pending:failover:u1:100",
  P + "pending:nosuch:u1:100:7", P + "pending:failover:u1:x:7",
  P + "pending:failover:u1:100:7+x", P + "pending:failover:u1:100:-7",
  P + "pending:failover:u1:100:7:8", P + "result:failover:u1:100:ok:7",
  P + "result:failover:u1:100:7", P + "pending:", P + "result:",
])
def test_parse_tag_ignores_others_and_malformed(tag):
  assert AR.ParseTag(tag) is None


def test_update_tag_writes_pending_then_result():
  data = AR.RepairData("failover", "abc", 1234, [5, 6])
  assert data.UpdateTag().tag == P + "pending:failover:abc:1234:5+6"
  done = data.Copy(result="success", timestamp=2000).UpdateTag()
  assert done.tag == P + "result:failover:abc:2000:success:5+6"


# Policies --------------------------------------------------------------------
@pytest.mark.parametrize("tags,expected", [
  ([], None),
  (["foo", P + "nosuch", P + "pending:failover:u:1:2"], None),
  ([P + "reinstall", P + "failover"], AR.Policy(AR.POL_ENABLED, "failover")),
  ([P + "migrate", P + "fix-storage"],
   AR.Policy(AR.POL_ENABLED, "fix-storage")),
  ([P + "reinstall", P + "suspend:"], AR.Policy(AR.POL_SUSPENDED)),
  ([P + "suspend:%d" % (NOW + 10), P + "suspend:%d" % (NOW + 99),
    P + "suspend:"], AR.Policy(AR.POL_SUSPENDED)),
  ([P + "suspend:%d" % (NOW + 10), P + "suspend:%d" % (NOW + 99),
    P + "failover"], AR.Policy(AR.POL_SUSPENDED, until=NOW + 99)),
  ([P + "suspend:%d" % (NOW - 1), P + "suspend:%d" % NOW,
    P + "suspend:soon", P + "failover"],
   AR.Policy(AR.POL_ENABLED, "failover")),
  ([P + "suspend:%d" % (NOW - 1)], None),
])
def test_policy_from_tags(tags, expected):
  assert AR.PolicyFromTags(tags, NOW) == expected


def test_policies_nearest_object_wins():
  cdata = _Cluster([("i1", "drbd", "node1", "node2", [P + "reinstall"]),
                    ("i2", "drbd", "node1", "node2", []),
                    ("i3", "plain", "node4", None, []),
                    ("i4", "plain", "node4", None, [P + "suspend:"])],
                   ctags=[P + "migrate"], gtags=[P + "suspend:"])
  pols = AR.InstancePolicies(cdata, NOW)
  assert pols["i1"] == AR.Policy(AR.POL_ENABLED, "reinstall")
  assert pols["i2"] == AR.Policy(AR.POL_SUSPENDED)  # group g1
  assert pols["i3"] == AR.Policy(AR.POL_ENABLED, "migrate")  # cluster
  assert pols["i4"] == AR.Policy(AR.POL_SUSPENDED)
  bare = _Cluster([("i1", "plain", "node1", None, [])])
  assert AR.InstancePolicies(bare, NOW)["i1"] == AR.NOT_ENABLED


def test_policy_show(monkeypatch):
  monkeypatch.setenv("TZ", "UTC")
  time.tzset()
  try:
    until = AR.Policy(AR.POL_SUSPENDED, until=1896178000).Show()
    assert until == "ArSuspended (Until Fri Feb  1 12:06:40 UTC 2030)"
  finally:
    monkeypatch.delenv("TZ")
    time.tzset()
  assert AR.Policy(AR.POL_SUSPENDED).Show() == "ArSuspended Forever"
  assert AR.NOT_ENABLED.Show() == "ArNotEnabled"
  assert AR.Policy(AR.POL_ENABLED, "migrate").Show() == "ArEnabled ArMigrate"


# Initial states ----------------------------------------------------------------
def _State(tags):
  cdata = _Cluster([("i1", "drbd", "node1", "node2", tags)])
  return AR.InitialState(cdata.instances[0])


def test_initial_state_without_tags_is_healthy():
  state = _State([P + "failover", "other"])
  assert (state.state, state.data, state.remove) == (AR.ST_HEALTHY, None, [])


@pytest.mark.parametrize("result,expected", [
  (None, AR.ST_PENDING), ("success", AR.ST_HEALTHY),
  ("enoperm", AR.ST_HEALTHY), ("failure", AR.ST_FAILED)])
def test_initial_state_of_one_task(result, expected):
  tag = AR.RepairData("failover", "u1", 10, [1], result).UpdateTag().tag
  state = _State([tag])
  assert state.state == expected
  assert state.data.tag == tag
  assert state.remove == []


def test_initial_state_newest_task_wins_older_tags_removed():
  old = P + "result:failover:u1:10:success:1"
  new = P + "pending:failover:u2:20:2"
  state = _State([new, old])
  assert (state.state, state.data.tag, state.remove) == \
    (AR.ST_PENDING, new, [old])


def test_initial_state_result_beats_pending_of_same_task():
  pending = P + "pending:failover:u1:10:1"
  result = P + "result:failover:u1:30:success:1"
  failure = P + "result:failover:u1:20:failure:1"
  assert _State([pending, result]).data.tag == result
  assert _State([result, failure, pending]).data.tag == failure


def test_initial_state_earliest_failure_wins():
  failure = P + "result:failover:u1:10:failure:1"
  later = P + "pending:failover:u2:20:2"
  state = _State([later, failure])
  assert (state.state, state.data.tag) == (AR.ST_FAILED, failure)


def test_initial_state_two_pending_tasks_are_an_error():
  with pytest.raises(AR.TagError) as err:
    _State([P + "pending:migrate:u1:100:5", P + "pending:migrate:u2:200:6"])
  assert str(err.value) == (
    "An unfinished repair was found in instance i1: found tag"
    " \"%spending:migrate:u2:200:6\", but older pending tag"
    " \"%spending:migrate:u1:100:5\"exists." % (P, P))


@pytest.mark.parametrize("statuses,expected", [
  (["success", "success"], AR.AR_SUCCESS), (["success", "error"],
                                            AR.AR_FAILURE),
  (["canceled"], AR.AR_FAILURE), (["success", "running"], None),
  (["queued"], None), (["waiting"], None), (["canceling"], None),
  ([], AR.AR_SUCCESS)])
def test_jobs_outcome(statuses, expected):
  assert AR.JobsOutcome(statuses) == expected


# Detection -----------------------------------------------------------------------
@pytest.mark.parametrize("template,snode,offline,expected", [
  ("drbd", "node2", ("node1", "node2"), "reinstall"),
  ("drbd", "node2", ("node1",), "failover"),
  ("drbd", "node2", ("node2",), "fix-storage"),
  ("drbd", "node2", ("node3",), None),
  ("plain", None, ("node1",), "reinstall"),
  ("plain", None, ("node2",), None),
  ("file", None, ("node1",), None),
  ("diskless", None, ("node1",), None),
  ("sharedfile", None, ("node1",), None),
])
def test_detect_broken(template, snode, offline, expected):
  cdata = _Cluster([("i1", template, "node1", snode, [])], offline=offline)
  found = AR.DetectBroken(cdata.nodes, cdata.instances[0])
  assert (found and found[0]) == expected


def test_repair_opcodes():
  cdata = _Cluster([("i1", "drbd", "node1", "node2", [])],
                   offline=("node1", "node2"))
  (_, ops) = AR.DetectBroken(cdata.nodes, cdata.instances[0])
  assert AR.ShowJson(ops) == (
    '[{"OP_ID":"OP_INSTANCE_RECREATE_DISKS","instance_name":"i1",'
    '"disks":[],"nodes":[],"iallocator":"hail"},{"OP_ID":'
    '"OP_INSTANCE_REINSTALL","instance_name":"i1","force_variant":false}]')
  cdata.nodes[1].offline = False
  (_, ops) = AR.DetectBroken(cdata.nodes, cdata.instances[0])
  assert AR.ShowJson(ops) == (
    '[{"OP_ID":"OP_INSTANCE_FAILOVER","instance_name":"i1",'
    '"shutdown_timeout":120,"ignore_consistency":false,'
    '"ignore_ipolicy":false,"cleanup":false}]')
  cdata.nodes[0].offline = False
  cdata.nodes[1].offline = True
  (_, ops) = AR.DetectBroken(cdata.nodes, cdata.instances[0])
  assert AR.ShowJson(ops) == (
    '[{"OP_ID":"OP_INSTANCE_REPLACE_DISKS","instance_name":"i1",'
    '"early_release":false,"ignore_ipolicy":false,'
    '"mode":"replace_new_secondary","disks":[],"iallocator":"hail"}]')


@pytest.mark.parametrize("value,text", [
  (10.0, "10"), (2.5, "2.5"), (0.001, "1.0e-3"), (0.05, "5.0e-2"),
  (0.1, "0.1"), (1.5e7, "15000000"), (123456789.5, "1.234567895e8"),
  (-0.5, "-0.5")])
def test_show_json_numbers_as_haskell(value, text):
  assert AR.ShowJson(value) == text
  assert AR.ShowDouble(1.5e7) == "1.5e7"
  assert AR.ShowDouble(10.0) == "10.0"


def test_show_string_and_double_parsing():
  assert AR.ShowString('a"b\\c') == '"a\\"b\\\\c"'
  assert AR.ParseDouble("2.5") == 2.5
  assert AR.ParseDouble("-1") == -1.0
  assert AR.ParseDouble("1e3") == 1000.0
  for bad in ("abc", ".5", "5.", "", "1_0", "nan"):
    assert AR.ParseDouble(bad) is None


# The state machine over several runs ---------------------------------------------
FAILOVER_SPEC = [("i1", "drbd", "node1", "node2", [P + "failover"]),
                 ("i2", "drbd", "node1", "node3", [P + "suspend:"]),
                 ("i3", "plain", "node1", None, []),
                 ("i4", "file", "node3", None, [])]


def test_repair_lifecycle_none_pending_result():
  sc = Scenario(FAILOVER_SPEC, ctags=[P + "fix-storage"],
                offline=("node1",))
  (states, out) = sc.Run(reason="node1 died")
  pending = P + "pending:failover:task1:%d:100" % NOW
  enoperm = P + "result:reinstall:task2:%d:enoperm:" % NOW
  assert out == (
    "Executing ArFailover repair on i1\n"
    ">>> Adding the following tag to i1:\n\"%s\"\n"
    "Not repairing i2 because it's in state ArSuspended Forever\n"
    "Not performing a repair of type ArReinstall on i3 because only"
    " repairs up to ArFixStorage are allowed\n"
    ">>> Adding the following tag to i3:\n\"%s\"\n"
    "---------------------\nInstance status count\n"
    "---------------------\n"
    "Healthy: 2\nNeeds repair: 1\nPending repair: 1\n" % (pending, enoperm))
  assert states == {"i1": AR.ST_PENDING, "i2": AR.ST_HEALTHY,
                    "i3": AR.ST_NEEDS_REPAIR, "i4": AR.ST_HEALTHY}
  assert sc.tags["i1"] == [P + "failover", pending]
  assert sc.tags["i2"] == [P + "suspend:"]
  [(job_id, ops)] = sc.client.RepairJobs()
  assert job_id == 100
  assert [op["OP_ID"] for op in ops] == ["OP_TEST_DELAY",
                                         "OP_INSTANCE_FAILOVER"]
  assert ops[0]["duration"] == 10.0 and ops[0]["on_master"] is True
  for op in ops:
    assert op["comment"] == ("automated repairs by harep %s" %
                             constants.VCS_VERSION)
    assert op["reason"] == [["harep", "node1 died", NOW * 10 ** 9]]
  # the jobs still run: nothing changes
  sc.client.status[100] = "running"
  sc.clock.now += 60
  (states, out) = sc.Run()
  assert states["i1"] == AR.ST_PENDING
  assert "i1" not in out
  assert sc.tags["i1"] == [P + "failover", pending]
  # the jobs succeeded: the pending tag becomes a success result and,
  # the primary still being offline, a new repair starts
  sc.client.status[100] = "success"
  (states, out) = sc.Run(delay=0)
  success = P + "result:failover:task1:%d:success:100" % (NOW + 60)
  pending2 = P + "pending:failover:task4:%d:" % (NOW + 60)
  assert out.startswith(
    "Moving i1 from \"Pending repair\" to \"Healthy\"\n"
    ">>> Adding the following tag to i1:\n\"%s\"\n"
    ">>> Removing the following tags from i1:\n\"%s\"\n"
    "Executing ArFailover repair on i1\n"
    ">>> Adding the following tag to i1:\n\"%s"
    % (success, pending, pending2))
  [_, (job2, ops2)] = sc.client.RepairJobs()
  assert [op["OP_ID"] for op in ops2] == ["OP_INSTANCE_FAILOVER"]
  assert ops2[0]["reason"][0][1] == ("harep %s called" %
                                     constants.VCS_VERSION)
  assert sc.tags["i1"] == [P + "failover", pending2 + "%d" % job2]
  # the second repair fails: the instance stays in "Failure"
  sc.client.status[job2] = "error"
  (states, out) = sc.Run()
  failure = P + "result:failover:task4:%d:failure:%d" % (NOW + 60, job2)
  assert "Moving i1 from \"Pending repair\" to \"Failure\"\n" in out
  assert sc.tags["i1"] == [P + "failover", failure]
  assert states["i1"] == AR.ST_FAILED
  jobs_before = len(sc.client.jobs)
  (states, out) = sc.Run()
  assert states["i1"] == AR.ST_FAILED and "i1" not in out
  assert "Failure: 1\n" in out
  # i3's enoperm result is replaced by a new one at each run
  assert len(sc.tags["i3"]) == 1 and ":enoperm:" in sc.tags["i3"][0]
  assert len(sc.client.RepairJobs()) == 2
  assert len(sc.client.jobs) > jobs_before


def test_dry_run_submits_and_tags_nothing():
  sc = Scenario(FAILOVER_SPEC[:1], offline=("node1",))
  sc.tags["i1"].append(P + "result:failover:old:5:success:1")
  (states, out) = sc.Run(dry_run=True, delay=2.5)
  assert out.splitlines()[:7] == [
    "Executing ArFailover repair on i1",
    'jobs: [[{"OP_ID":"OP_TEST_DELAY","duration":2.5,"on_master":true,'
    '"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":false},'
    '{"OP_ID":"OP_INSTANCE_FAILOVER","instance_name":"i1",'
    '"shutdown_timeout":120,"ignore_consistency":false,'
    '"ignore_ipolicy":false,"cleanup":false}]]',
    ">>> Adding the following tag to i1:",
    '"%spending:failover:task1:%d:"' % (P, NOW),
    ">>> Removing the following tags from i1:",
    '"%sresult:failover:old:5:success:1"' % P,
    "---------------------"]
  assert states == {"i1": AR.ST_PENDING}
  assert sc.client.jobs == {}
  assert sc.tags["i1"] == [P + "failover",
                           P + "result:failover:old:5:success:1"]


#: upstream harep 3.0.2's --dry-run output on a live cluster with these
#: tags (node2 and node3 offline; the group enables migrate, the cluster
#: reinstall), with the new task's uuid and the times put back
UPSTREAM_MIXED = """\
Moving p1 from "Pending repair" to "Healthy"
>>> Adding the following tag to p1:
"ganeti:watcher:autorepair:result:reinstall:p:NOW:success:3+4"
>>> Removing the following tags from p1:
"ganeti:watcher:autorepair:pending:reinstall:p:10:3+4"
"ganeti:watcher:autorepair:result:reinstall:q:5:success:2"
Executing ArFixStorage repair on d2
jobs: [[{"OP_ID":"OP_TEST_DELAY","duration":10,"on_master":true,\
"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":false},\
{"OP_ID":"OP_INSTANCE_REPLACE_DISKS","instance_name":"d2",\
"early_release":false,"ignore_ipolicy":false,"mode":"replace_new_secondary",\
"disks":[],"iallocator":"hail"}]]
>>> Adding the following tag to d2:
"ganeti:watcher:autorepair:pending:fix-storage:task1:NOW:"
>>> Removing the following tags from d2:
"ganeti:watcher:autorepair:result:fix-storage:r:5:enoperm:"
Not repairing p1 because it's in state ArSuspended (Until Sat Nov 20 \
17:46:39 UTC 2286)
---------------------
Instance status count
---------------------
Failure: 1
Healthy: 2
Pending repair: 1
"""


def test_mixed_tags_as_upstream(monkeypatch):
  sc = Scenario([
    ("d1", "drbd", "node2", "node3",
     [P + "result:failover:zz:100:success:3", P + "result:failover:aa:50:"
      "enoperm:", P + "result:failover:zz:90:failure:3",
      P + "pending:failover:zz:95:3"]),
    ("d2", "drbd", "node1", "node2",
     [P + "result:fix-storage:r:5:enoperm:", P + "fix-storage"]),
    ("inst1", "file", "node1", None, []),
    ("p1", "plain", "node2", None,
     [P + "pending:reinstall:p:10:3+4", P + "result:reinstall:q:5:success:2",
      P + "suspend:1000", P + "suspend:9999999999"])],
    ctags=[P + "reinstall"], gtags=[P + "migrate"],
    offline=("node2", "node3"))
  sc.client.status.update({3: "success", 4: "success"})
  monkeypatch.setenv("TZ", "UTC")
  time.tzset()
  try:
    (_, out) = sc.Run(dry_run=True)
  finally:
    monkeypatch.delenv("TZ")
    time.tzset()
  assert out == UPSTREAM_MIXED.replace("NOW", "%d" % NOW)


def test_dry_run_still_reads_pending_jobs():
  sc = Scenario([("i1", "drbd", "node1", "node2",
                  [P + "pending:migrate:u:7:3"])])
  sc.client.status[3] = "error"
  (states, out) = sc.Run(dry_run=True)
  assert out.startswith("Moving i1 from \"Pending repair\" to \"Failure\"\n")
  assert sc.tags["i1"] == [P + "pending:migrate:u:7:3"]


def test_unknown_pending_job_aborts():
  sc = Scenario([("i1", "drbd", "node1", "node2",
                  [P + "pending:migrate:u:7:999"])])
  with pytest.raises(harep.Abort) as err:
    sc.Run()
  assert str(err.value).startswith("could not check job status:")


def test_failed_tag_job_aborts():
  sc = Scenario(FAILOVER_SPEC[:1], offline=("node1",))
  sc.client.status[101] = "error"  # the tag job after the repair job
  with pytest.raises(harep.Abort) as err:
    sc.Run()
  assert str(err.value) == "The following jobs failed: 101=>error"


def test_bad_tags_abort_the_run():
  sc = Scenario([("i1", "drbd", "node1", "node2",
                  [P + "pending:migrate:u1:1:5", P + "pending:migrate:u2:2:6"])])
  with pytest.raises(harep.Abort) as err:
    sc.Run()
  assert str(err.value).startswith("when parsing auto-repair tags: An"
                                   " unfinished repair was found in"
                                   " instance i1")


# The command line ------------------------------------------------------------------
def _Main(args, monkeypatch=None, cdata=None, client=None):
  if cdata is not None:
    monkeypatch.setattr(harep, "LoadCluster", lambda path: (cdata, []))
    real_run = harep.Run
    monkeypatch.setattr(harep, "Run",
                        lambda opts: real_run(opts, client=client))
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = harep.Main(args)
  return (code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("args,message", [
  (["-t", "x"], "Command line error: unrecognized option `-t'\n\n"),
  (["--bogus"], "Command line error: unrecognized option `--bogus'\n\n"),
  (["--job-delay"], "Command line error: option `--job-delay' requires an"
   " argument SECONDS\n\n"),
  (["--dry-run=1"], "Command line error: option `--dry-run' doesn't allow"
   " an argument\n\n"),
])
def test_command_line_errors(args, message):
  (code, out, err) = _Main(args)
  assert code == 2 and out == ""
  assert err == message + harep.Usage()


def test_bad_job_delay_and_arguments():
  assert _Main(["--job-delay=abc"]) == (
    1, "", "Error while parsing command line arguments:\n"
    "job delay: cannot parse string 'abc'\n")
  assert _Main(["foo"]) == (
    1, "", "Error: this program doesn't take any arguments.\n")


def test_help_lists_the_options():
  (code, out, err) = _Main(["--help"])
  assert code == 0 and err == ""
  lines = out.splitlines()
  assert lines[1] == "Usage: harep [OPTION...]"
  assert lines[2].startswith("  -L[SOCKET]  --luxi[=SOCKET]      collect")
  assert lines[3] == ("              --job-delay=SECONDS  insert this much"
                      " delay before the execution of repair jobs to allow"
                      " the tool to continue processing instances")
  assert lines[5] == ("              --dry-run            do not execute any"
                      " commands and just report what would be done")


def test_help_completion_as_upstream():
  assert _Main(["--help-completion"]) == (0, (
    "-L,--luxi file\n--job-delay float\n--reason none\n--dry-run none\n"
    "-V,--version none\n-h,--help none\n--help-completion none\n"), "")
  (_, out, _) = _Main(["-h"])
  assert out.splitlines()[-1] == ("              --help-completion    show"
                                  " completion info")


def test_bad_socket(tmp_path):
  (code, out, err) = _Main(["-L%s" % (tmp_path / "nosocket")])
  assert code == 1 and out == ""
  assert err.startswith("Error: failed to load data, aborting: Cannot query"
                        " the cluster over LUXI")


def test_main_runs_and_counts(monkeypatch):
  cdata = _Cluster([("i1", "drbd", "node1", "node2", [P + "failover"])],
                   offline=("node1",))
  client = FakeClient({"i1": cdata.instances[0].all_tags})
  (code, out, err) = _Main(["--job-delay=0"], monkeypatch, cdata, client)
  assert (code, err) == (0, "")
  assert out.startswith("Executing ArFailover repair on i1\n")
  assert out.endswith("Pending repair: 1\n")
  [(_, ops)] = client.RepairJobs()
  assert [op["OP_ID"] for op in ops] == ["OP_INSTANCE_FAILOVER"]


def test_master_failing_mid_run(monkeypatch):
  from ganeti import errors
  cdata = _Cluster([("i1", "drbd", "node1", "node2", [P + "failover"])],
                   offline=("node1",))

  class _Broken(FakeClient):
    def WaitForJobChange(self, *args):
      raise errors.ProtocolError("connection reset")

  client = _Broken({"i1": cdata.instances[0].all_tags})
  (code, out, err) = _Main([], monkeypatch, cdata, client)
  assert code == 1
  assert out.startswith("Executing ArFailover repair on i1\n")
  assert err == "Error: Talking to the master failed: connection reset\n"


def test_script_is_a_copy_of_hbals():
  top = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
  with open(os.path.join(top, "scripts", "hbal")) as handle:
    hbal_text = handle.read()
  with open(os.path.join(top, "scripts", "harep")) as handle:
    assert handle.read() == hbal_text.replace("hbal", "harep")
