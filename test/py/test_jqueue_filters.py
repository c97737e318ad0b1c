"""Job filter rules: checks, predicates, decisions and the job queue."""

import threading

import pytest

from ganeti import errors
from ganeti import objects
from ganeti import opcodes
from ganeti.jqueue import filters

from jqueue_testlib import Gate, Op, WaitFinal, WaitStatus
from test_jqueue import env, h  # noqa: F401 pylint: disable=W0611

pytestmark = pytest.mark.unit


class _FakeOp:
  def __init__(self, op):
    self.input = op


class _FakeJob:
  def __init__(self, job_id, *ops):
    self.id = job_id
    self.ops = [_FakeOp(op) for op in ops]


def _Rule(uuid="u1", priority=0, predicates=None, action="REJECT",
          watermark=10):
  return objects.Filter(uuid=uuid, priority=priority,
                        predicates=predicates or [], action=action,
                        watermark=watermark, reason_trail=[])


_DELAY = opcodes.OpTestDelay(duration=1.0, reason=[["gnt:user", "pink bunny",
                                                     5]])
_TAGS = opcodes.OpTagsGet(kind="cluster")


@pytest.mark.parametrize(("pred", "job", "expected"), [
  (["jobid", [">", "id", "watermark"]], _FakeJob(11, _TAGS), True),
  (["jobid", [">", "id", "watermark"]], _FakeJob(10, _TAGS), False),
  (["jobid", ["==", "id", 3]], _FakeJob(3, _TAGS), True),
  (["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]], _FakeJob(1, _TAGS, _DELAY),
   True),
  (["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]], _FakeJob(1, _TAGS), False),
  (["opcode", [">", "duration", 0.5]], _FakeJob(1, _TAGS, _DELAY), True),
  (["opcode", ["=", "nosuchparam", 1]], _FakeJob(1, _DELAY), False),
  (["reason", ["=~", "reason", "bunny"]], _FakeJob(1, _TAGS, _DELAY), True),
  (["reason", ["=", "source", "gnt:watcher"]], _FakeJob(1, _DELAY), False),
  (["reason", ["<", "timestamp", 6]], _FakeJob(1, _DELAY), True),
  ])
def testPredicates(pred, job, expected):
  assert filters.Matches(_Rule(predicates=[pred]), job) is expected


def testDecideOrderAndContinue():
  job = _FakeJob(5, _DELAY)
  rules = [_Rule("b", priority=1, action="PAUSE"),
           _Rule("a", priority=0, action="CONTINUE"),
           _Rule("c", priority=1, action="REJECT", watermark=3),
           _Rule("d", priority=0, action="ACCEPT",
                 predicates=[["jobid", ["==", "id", 6]]])]
  # "a" continues, "d" does not match, "c" (older watermark) beats "b"
  assert filters.Decide(rules, job) == (rules[2], "REJECT")
  assert filters.Decide([], job) == (None, "ACCEPT")
  assert filters.Decide([_Rule(action="CONTINUE")], job) == (None, "ACCEPT")


@pytest.mark.parametrize(("text", "action"), [
  ("ACCEPT", "ACCEPT"), ("PAUSE", "PAUSE"), ("REJECT", "REJECT"),
  ("CONTINUE", "CONTINUE"), ("RATE_LIMIT 3", ["RATE_LIMIT", 3]),
  ])
def testParseAction(text, action):
  assert filters.ParseAction(text) == action


@pytest.mark.parametrize("text", ["accept", "RATE_LIMIT", "RATE_LIMIT 0",
                                  "RATE_LIMIT x", "DROP", ""])
def testParseActionErrors(text):
  with pytest.raises(errors.OpPrereqError, match="Invalid filter action"):
    filters.ParseAction(text)


def testMakeRuleChecks():
  rule = filters.MakeRule("u", 2, [["jobid", [">", "id", "watermark"]]],
                          ["RATE_LIMIT", 2], [("gnt:user", "x", 1)], 7)
  assert (rule.uuid, rule.priority, rule.watermark, rule.action,
          rule.reason_trail) == ("u", 2, 7, ["RATE_LIMIT", 2],
                                 [["gnt:user", "x", 1]])
  bad = [
    (-1, [], "ACCEPT", [], "priority"),
    (True, [], "ACCEPT", [], "priority"),
    (0, [["nosuch", ["?", "id"]]], "ACCEPT", [], "Invalid filter predicate"),
    (0, [["jobid", ["==", "name", 1]]], "ACCEPT", [], "Unknown field"),
    (0, [["opcode", "x"]], "ACCEPT", [], "Invalid filter in predicate"),
    (0, "x", "ACCEPT", [], "must be a list"),
    (0, [], ["RATE_LIMIT", -1], [], "Invalid filter action"),
    (0, [], "ACCEPT", [("a", "b")], "reason trail"),
    ]
  for (prio, preds, action, reason, msg) in bad:
    with pytest.raises(errors.OpPrereqError, match=msg):
      filters.MakeRule("u", prio, preds, action, reason, 0)


def testGateRateLimit():
  rules = [_Rule(action=["RATE_LIMIT", 2],
                 predicates=[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]])]
  gate = filters.FilterGate(lambda: rules)
  jobs = [_FakeJob(i, _DELAY) for i in range(1, 4)]
  assert [gate.Check(j) for j in jobs] == ["ACCEPT", "ACCEPT", "PAUSE"]
  assert gate.Check(_FakeJob(9, _TAGS)) == "ACCEPT"  # rule does not match
  assert gate.Check(jobs[0]) == "ACCEPT"  # already started
  assert gate.JobEnded(1) == [3]
  assert gate.Check(jobs[2]) == "ACCEPT"
  assert gate.TakeHeld() == []


def _Rules(rules):
  lock = threading.Lock()

  def get():
    with lock:
      return list(rules)
  return get


def test_queue_reject_pause_rate_limit(env, h):  # noqa: F811
  rules = []
  started = {}
  release = Gate()
  default = h.proc.behaviour

  def behaviour(job_id, op, cbs, timeout, priority):
    if getattr(op, "notify_exec", False):
      started.setdefault(job_id, Gate()).Open()
      release.Wait()
    return default(job_id, op, cbs, timeout, priority)
  h.proc.behaviour = behaviour
  q = h.Start(filter_source=_Rules(rules))
  # REJECT: jobs with a failing opcode are canceled
  rules.append(_Rule("r", action="REJECT",
                     predicates=[["opcode", ["?", "fail"]]]))
  rejected = q.SubmitJob([Op(fail=True)])
  assert WaitFinal(q, rejected) == "canceled"
  # PAUSE: new jobs stay queued until the rule goes
  rules[:] = [_Rule("p", action="PAUSE", watermark=q.GetLastJobId(),
                    predicates=[["jobid", [">", "id", "watermark"]]])]
  paused = q.SubmitJob([Op()])
  WaitStatus(q, paused, ["queued"])
  assert not WaitFinalQuick(q, paused)
  rules[:] = []
  q.FiltersChanged()
  assert WaitFinal(q, paused) == "success"
  # RATE_LIMIT 1: one job running, the next starts when it ends
  rules[:] = [_Rule("l", action=["RATE_LIMIT", 1],
                    predicates=[["opcode", ["?", "notify_exec"]]])]
  first = q.SubmitJob([Op(notify_exec=True)])
  second = q.SubmitJob([Op(notify_exec=True)])
  other = q.SubmitJob([Op()])
  assert WaitFinal(q, other) == "success"
  started.setdefault(first, Gate()).Wait()
  assert q.QueryJobs([second], ["status"])[0] == ["queued"]
  release.Open()
  assert WaitFinal(q, first) == "success"
  assert WaitFinal(q, second) == "success"
  assert GetLastJobIdIs(q, other)


def WaitFinalQuick(q, job_id):
  """Whether the job ends within a short time (it must not, here)."""
  try:
    WaitFinal(q, job_id, timeout=0.3)
  except AssertionError:
    return False
  return True


def GetLastJobIdIs(q, job_id):
  return q.GetLastJobId() == job_id
