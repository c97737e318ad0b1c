"""The auto-repair model of harep (``man/harep.rst``): tags and states.

Pure logic, no I/O: the auto-repair tags (``ganeti:watcher:autorepair:*``),
the repair policy an instance inherits from its own, its node group's or
the cluster's tags, the repair state read from the pending/result tags
(healthy, needs repair, pending repair, failure), the detection of broken
instances and the opcodes of their repairs.  ``harep.py`` drives it over
LUXI.

Repair types are ordered from the least to the most destructive
(``fix-storage`` < ``migrate`` < ``failover`` < ``reinstall``); results
from the weakest to the strongest (``enoperm`` < ``success`` <
``failure``), as upstream orders them.
"""

import json
import re
import time

from ganeti.htools import metrics
from ganeti.htools import types as T

TAG_PREFIX = "ganeti:watcher:autorepair:"
TAG_ENABLED = TAG_PREFIX
TAG_PENDING = TAG_PREFIX + "pending:"
TAG_RESULT = TAG_PREFIX + "result:"
TAG_SUSPENDED = TAG_PREFIX + "suspend:"

AR_FIX_STORAGE = "fix-storage"
AR_MIGRATE = "migrate"
AR_FAILOVER = "failover"
AR_REINSTALL = "reinstall"
#: repair types, least destructive first
REPAIR_TYPES = (AR_FIX_STORAGE, AR_MIGRATE, AR_FAILOVER, AR_REINSTALL)
_TYPE_SHOW = {AR_FIX_STORAGE: "ArFixStorage", AR_MIGRATE: "ArMigrate",
              AR_FAILOVER: "ArFailover", AR_REINSTALL: "ArReinstall"}

AR_ENOPERM = "enoperm"
AR_SUCCESS = "success"
AR_FAILURE = "failure"
#: repair results, weakest first (a stronger result wins in a task)
REPAIR_RESULTS = (AR_ENOPERM, AR_SUCCESS, AR_FAILURE)

# Repair states (the names harep prints and counts)
ST_HEALTHY = "Healthy"
ST_FAILED = "Failure"
ST_PENDING = "Pending repair"
ST_NEEDS_REPAIR = "Needs repair"

# Repair policies
POL_ENABLED = "enabled"
POL_SUSPENDED = "suspended"
POL_NOT_ENABLED = "not-enabled"

#: the job states in which a job is not finished yet
_UNFINISHED_JOB_STATES = frozenset(["queued", "waiting", "canceling",
                                    "running"])

_INT_RE = re.compile(r"^-?[0-9]+$")
_JOB_ID_RE = re.compile(r"^[0-9]+$")
_DOUBLE_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")

#: the default shutdown timeout of failover opcodes (seconds)
DEFAULT_SHUTDOWN_TIMEOUT = 120
#: the iallocator the repair opcodes name
REPAIR_IALLOCATOR = "hail"


class TagError(Exception):
  """The auto-repair tags of an instance contradict each other."""


def TypeRank(rtype):
  return REPAIR_TYPES.index(rtype)


def ShowType(rtype):
  """A repair type as upstream prints it (``ArFailover``)."""
  return _TYPE_SHOW[rtype]


def ShowString(value):
  """A string as Haskell's ``show`` prints it (double-quoted, escaped)."""
  out = []
  for char in value:
    if char in "\"\\":
      out.append("\\" + char)
    elif " " <= char <= "~":
      out.append(char)
    else:
      out.append("\\%d" % ord(char))
  return "\"%s\"" % "".join(out)


def ShowClockTime(seconds):
  """A timestamp as Haskell's ``show`` of a ClockTime (local time)."""
  return time.strftime("%a %b %e %H:%M:%S %Z %Y", time.localtime(seconds))


def ParseDouble(text):
  """A number as Haskell's ``read`` of a Double accepts it, or None."""
  if not _DOUBLE_RE.match(text):
    return None
  return float(text)


def _Split(text, sep):
  """Upstream's sepSplit: like str.split, but "" gives no fields."""
  return text.split(sep) if text else []


# Repair data and states --------------------------------------------------
class RepairData:
  """One repair task as one tag records it.

  ``result`` is None for a pending repair; ``tag`` is the tag the data
  was read from or, after :meth:`UpdateTag`, the tag that records it.

  """

  def __init__(self, rtype, uuid, timestamp, jobs, result=None, tag=""):
    self.rtype = rtype
    self.uuid = uuid
    self.timestamp = timestamp
    self.jobs = list(jobs)
    self.result = result
    self.tag = tag

  def Copy(self, **changes):
    new = RepairData(self.rtype, self.uuid, self.timestamp, self.jobs,
                     self.result, self.tag)
    for (name, value) in changes.items():
      setattr(new, name, value)
    return new

  def SortKey(self):
    """(result rank, time): pending first, then enoperm, success, failure."""
    rank = -1 if self.result is None else REPAIR_RESULTS.index(self.result)
    return (rank, self.timestamp)

  def UpdateTag(self):
    """A copy whose tag records this data (pending or result tag)."""
    fields = [self.rtype, self.uuid, "%d" % int(self.timestamp)]
    if self.result is None:
      prefix = TAG_PENDING
    else:
      prefix = TAG_RESULT
      fields.append(self.result)
    fields.append("+".join("%d" % int(j) for j in self.jobs))
    return self.Copy(tag=prefix + ":".join(fields))

  def __eq__(self, other):
    return isinstance(other, RepairData) and \
      self.__dict__ == other.__dict__

  def __repr__(self):
    return "<RepairData %s>" % self.tag


def ParseTag(tag):
  """The RepairData of a pending or result tag; None for other tags.

  Malformed auto-repair tags (unknown type or result, bad time or job
  id, wrong number of fields) are ignored, as upstream ignores them.

  """
  if tag.startswith(TAG_PENDING):
    fields = _Split(tag[len(TAG_PENDING):], ":")
    if len(fields) != 4:
      return None
    (rtype, uuid, stamp, jobs) = fields
    result = None
  elif tag.startswith(TAG_RESULT):
    fields = _Split(tag[len(TAG_RESULT):], ":")
    if len(fields) != 5:
      return None
    (rtype, uuid, stamp, result, jobs) = fields
    if result not in REPAIR_RESULTS:
      return None
  else:
    return None
  if rtype not in REPAIR_TYPES or not _INT_RE.match(stamp):
    return None
  job_ids = _Split(jobs, "+")
  if not all(_JOB_ID_RE.match(j) for j in job_ids):
    return None
  return RepairData(rtype, uuid, int(stamp), [int(j) for j in job_ids],
                    result, tag)


class InstanceState:
  """An instance, its repair state and the tags to remove from it.

  ``data`` is the RepairData of the state (None only for a healthy
  instance never repaired); ``remove`` the tags of superseded states.

  """

  def __init__(self, inst, state=ST_HEALTHY, data=None, remove=None):
    self.inst = inst
    self.state = state
    self.data = data
    self.remove = list(remove or [])

  def RemoveCurrent(self):
    """The tags to remove, plus the tag of the current state, if any."""
    if self.data is not None:
      return [self.data.tag] + self.remove
    return list(self.remove)

  def MoveTo(self, state, data):
    """The state after replacing the current one by ``state``."""
    return InstanceState(self.inst, state, data, self.RemoveCurrent())


def _StateOfData(data):
  if data.result in (AR_SUCCESS, AR_ENOPERM):
    return ST_HEALTHY
  if data.result == AR_FAILURE:
    return ST_FAILED
  return ST_PENDING


def InitialState(inst):
  """The repair state of an instance from its pending and result tags.

  The tags are grouped by repair task (uuid); the tasks are taken from
  the oldest to the newest and in each task the strongest tag counts
  (a result over a pending one, failure over success over enoperm, then
  the newest).  The earliest failure always wins; a task found after a
  pending one is an error (:class:`TagError`); otherwise the newest task
  gives the state and the older tasks' tags are to be removed.

  """
  records = [d for d in (ParseTag(t) for t in inst.all_tags) if d is not None]
  records.sort(key=lambda d: d.uuid)
  groups = []
  for data in records:
    if groups and groups[-1][0].uuid == data.uuid:
      groups[-1].append(data)
    else:
      groups.append([data])
  groups.sort(key=lambda g: min(d.timestamp for d in g))
  state = InstanceState(inst)
  for group in groups:
    newest = sorted(group, key=RepairData.SortKey)[-1]
    if state.state == ST_FAILED:
      continue
    if state.state == ST_PENDING:
      raise TagError("An unfinished repair was found in instance %s: found"
                     " tag %s, but older pending tag %sexists." %
                     (inst.name, ShowString(newest.tag),
                      ShowString(state.data.tag)))
    state = state.MoveTo(_StateOfData(newest), newest)
  return state


def JobsOutcome(statuses):
  """None while a job is unfinished, else the result of the repair."""
  if any(s in _UNFINISHED_JOB_STATES for s in statuses):
    return None
  if all(s == "success" for s in statuses):
    return AR_SUCCESS
  return AR_FAILURE


def FinishPending(state, statuses, now):
  """The state after a pending repair whose jobs have these statuses.

  Returns None while the jobs run; else the healthy or failed state
  with a result tag dated ``now`` (the pending tag is to be removed).

  """
  outcome = JobsOutcome(statuses)
  if outcome is None:
    return None
  data = state.data.Copy(result=outcome, timestamp=int(now)).UpdateTag()
  new = ST_HEALTHY if outcome == AR_SUCCESS else ST_FAILED
  return state.MoveTo(new, data)


# Policies ----------------------------------------------------------------
class Policy:
  """An auto-repair policy: enabled up to a type, suspended, or neither.

  ``until`` of a suspended policy is None for "forever".

  """

  def __init__(self, kind, rtype=None, until=None):
    self.kind = kind
    self.rtype = rtype
    self.until = until

  def __eq__(self, other):
    return isinstance(other, Policy) and self.__dict__ == other.__dict__

  def __repr__(self):
    return "<Policy %s>" % self.Show()

  def Show(self):
    """The policy as upstream prints it (``ArSuspended Forever``)."""
    if self.kind == POL_ENABLED:
      return "ArEnabled %s" % ShowType(self.rtype)
    if self.kind == POL_SUSPENDED:
      if self.until is None:
        return "ArSuspended Forever"
      return "ArSuspended (Until %s)" % ShowClockTime(self.until)
    return "ArNotEnabled"


NOT_ENABLED = Policy(POL_NOT_ENABLED)


def PolicyFromTags(tags, now):
  """The policy set by one object's tags, or None if they set none.

  A ``suspend:`` tag without a time suspends forever, one with a future
  time until the latest such time (past times are ignored); otherwise
  the least destructive enabled type counts.

  """
  enabled = []
  suspended = []
  for tag in tags:
    if tag.startswith(TAG_SUSPENDED):
      suspended.append(tag[len(TAG_SUSPENDED):])
    if tag.startswith(TAG_ENABLED) and tag[len(TAG_ENABLED):] in REPAIR_TYPES:
      enabled.append(tag[len(TAG_ENABLED):])
  if "" in suspended:
    return Policy(POL_SUSPENDED)
  future = [int(s) for s in suspended if _INT_RE.match(s) and int(s) > now]
  if future:
    return Policy(POL_SUSPENDED, until=max(future))
  if enabled:
    return Policy(POL_ENABLED, rtype=min(enabled, key=TypeRank))
  return None


def InstancePolicies(cdata, now):
  """{instance name: Policy}: the instance's tags, else its primary
  node's group's, else the cluster's; "not enabled" without any."""
  cpol = PolicyFromTags(cdata.tags, now) or NOT_ENABLED
  gpols = [PolicyFromTags(g.tags, now) or cpol for g in cdata.groups]
  result = {}
  for inst in cdata.instances:
    group = cdata.nodes[inst.pnode].group
    result[inst.name] = (PolicyFromTags(inst.all_tags, now) or
                         gpols[group])
  return result


# Detection and repair opcodes --------------------------------------------
def TestDelayOp(duration):
  return {"OP_ID": "OP_TEST_DELAY", "duration": duration, "on_master": True,
          "on_nodes": [], "repeat": 0, "interruptible": False,
          "no_locks": False}


def _RecreateAndReinstall(name):
  return [{"OP_ID": "OP_INSTANCE_RECREATE_DISKS", "instance_name": name,
           "disks": [], "nodes": [], "iallocator": REPAIR_IALLOCATOR},
          {"OP_ID": "OP_INSTANCE_REINSTALL", "instance_name": name,
           "force_variant": False}]


def _Failover(name):
  return [{"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": name,
           "shutdown_timeout": DEFAULT_SHUTDOWN_TIMEOUT,
           "ignore_consistency": False, "ignore_ipolicy": False,
           "cleanup": False}]


def _ReplaceSecondary(name):
  return [{"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": name,
           "early_release": False, "ignore_ipolicy": False,
           "mode": "replace_new_secondary", "disks": [],
           "iallocator": REPAIR_IALLOCATOR}]


def DetectBroken(nodes, inst):
  """(repair type, opcode dicts) for a broken instance, or None.

  Only DRBD and plain instances are checked, against their nodes'
  offline flag (offline, drained or not vm_capable): DRBD with both
  nodes down is reinstalled, with the primary down failed over, with the
  secondary down given a new secondary; plain with its node down is
  recreated and reinstalled.

  """
  name = inst.name
  off_pri = nodes[inst.pnode].offline
  if inst.disk_template == T.DT_DRBD8:
    off_sec = nodes[inst.snode].offline
    if off_pri and off_sec:
      return (AR_REINSTALL, _RecreateAndReinstall(name))
    if off_pri:
      return (AR_FAILOVER, _Failover(name))
    if off_sec:
      return (AR_FIX_STORAGE, _ReplaceSecondary(name))
    return None
  if inst.disk_template == T.DT_PLAIN and off_pri:
    return (AR_REINSTALL, _RecreateAndReinstall(name))
  return None


def ShowJson(value):
  """Compact JSON as upstream's encoder writes it (key order kept;
  whole numbers without a fraction, other doubles as Haskell shows)."""
  if value is True:
    return "true"
  if value is False:
    return "false"
  if value is None:
    return "null"
  if isinstance(value, float):
    if value == int(value):
      return "%d" % int(value)
    return ShowDouble(value)
  if isinstance(value, int):
    return "%d" % value
  if isinstance(value, str):
    return json.dumps(value)
  if isinstance(value, dict):
    return "{%s}" % ",".join("%s:%s" % (ShowJson(k), ShowJson(v))
                             for (k, v) in value.items())
  return "[%s]" % ",".join(ShowJson(v) for v in value)


#: a Double as Haskell's ``show`` prints it (0.5, 1.0e-3, 1.5e7)
ShowDouble = metrics.HsShowDouble
