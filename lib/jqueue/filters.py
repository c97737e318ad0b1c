"""Job filter rules (``gnt-filter``): checking them and applying them.

A rule (L{objects.Filter}) has a priority, a watermark (the highest job id
when it was added or replaced), a list of predicates and an action. Rules
are tried in order of (priority, watermark, UUID); the first rule whose
predicates all hold for a job and whose action is not CONTINUE decides:

  - ACCEPT: run the job; no further rules are looked at
  - PAUSE: the job stays queued (until the rules change)
  - REJECT: the job is canceled
  - [RATE_LIMIT, n]: the job stays queued while n or more started jobs
    match the same rule

A job no rule decides is accepted. Predicates are ``[name, filter]``
pairs, the filter in the query language's wire form:

  - ``jobid``: field ``id``; the string ``watermark`` in value positions
    stands for the rule's watermark
  - ``opcode``: ``OP_ID`` and the opcode's parameters; holds if one of the
    job's opcodes matches
  - ``reason``: ``source``, ``reason``, ``timestamp`` of reason trail
    entries; holds if an entry of one of the job's opcodes matches
"""

from ganeti import errors
from ganeti import objects
from ganeti import query
from ganeti.qfields import MakeField, QFT_OTHER

ACTION_ACCEPT = "ACCEPT"
ACTION_PAUSE = "PAUSE"
ACTION_REJECT = "REJECT"
ACTION_CONTINUE = "CONTINUE"
ACTION_RATE_LIMIT = "RATE_LIMIT"
SIMPLE_ACTIONS = frozenset([ACTION_ACCEPT, ACTION_PAUSE, ACTION_REJECT,
                            ACTION_CONTINUE])

PRED_JOBID = "jobid"
PRED_OPCODE = "opcode"
PRED_REASON = "reason"
PREDICATES = frozenset([PRED_JOBID, PRED_OPCODE, PRED_REASON])

_REASON_FIELDS = ("source", "reason", "timestamp")


def ParseAction(text):
  """An action from its command line text (``RATE_LIMIT n`` for a limit).

  @raise errors.OpPrereqError: for anything else

  """
  words = text.split()
  if len(words) == 1 and words[0] in SIMPLE_ACTIONS:
    return words[0]
  if len(words) == 2 and words[0] == ACTION_RATE_LIMIT:
    try:
      return CheckAction([ACTION_RATE_LIMIT, int(words[1])])
    except ValueError:
      pass
  raise errors.OpPrereqError("Invalid filter action '%s'; must be one of"
                             " ACCEPT, PAUSE, REJECT, CONTINUE or"
                             " RATE_LIMIT n" % text, errors.ECODE_INVAL)


def CheckAction(action):
  """Check an action (wire form); return it.

  @raise errors.OpPrereqError: if it is not valid

  """
  if isinstance(action, str) and action in SIMPLE_ACTIONS:
    return action
  if (isinstance(action, (list, tuple)) and len(action) == 2 and
      action[0] == ACTION_RATE_LIMIT and isinstance(action[1], int) and
      not isinstance(action[1], bool) and action[1] > 0):
    return [ACTION_RATE_LIMIT, action[1]]
  raise errors.OpPrereqError("Invalid filter action %r" % (action, ),
                             errors.ECODE_INVAL)


def MakeRule(uuid, priority, predicates, action, reason, watermark):
  """A checked L{objects.Filter} from the arguments of LUXI ReplaceFilter.

  @raise errors.OpPrereqError: for an invalid priority, predicate, action
    or reason trail

  """
  if isinstance(priority, bool) or not isinstance(priority, int) or \
      priority < 0:
    raise errors.OpPrereqError("Filter priority must be a non-negative"
                               " integer, not %r" % (priority, ),
                               errors.ECODE_INVAL)
  if not isinstance(reason, list) or not all(
      isinstance(entry, (list, tuple)) and len(entry) == 3
      for entry in reason):
    raise errors.OpPrereqError("Invalid reason trail %r" % (reason, ),
                               errors.ECODE_INVAL)
  return objects.Filter(uuid=uuid, priority=priority,
                        predicates=CheckPredicates(predicates),
                        action=CheckAction(action),
                        reason_trail=[list(e) for e in reason],
                        watermark=watermark)


def _Fields(names):
  """A query field table of plain dict items for the given names."""
  return dict((name, (MakeField(name, name, QFT_OTHER, name), None, 0,
                      lambda _, item, name=name: item.get(name)))
              for name in names)


def _SubstWatermark(qfilter, watermark):
  if isinstance(qfilter, list):
    return [_SubstWatermark(item, watermark) for item in qfilter]
  if qfilter == "watermark":
    return watermark
  return qfilter


def _Compile(qfilter, names):
  """The match function of a filter over dict items with these fields,
  or None if the filter uses another field."""
  try:
    return query._FilterCompiler(_Fields(names)).Compile(qfilter)
  except errors.ParameterError:
    return None


def CheckPredicates(predicates):
  """Check predicates (wire form); return them.

  @raise errors.OpPrereqError: unknown predicate or invalid filter

  """
  if not isinstance(predicates, list):
    raise errors.OpPrereqError("Filter predicates must be a list",
                               errors.ECODE_INVAL)
  for pred in predicates:
    if not (isinstance(pred, list) and len(pred) == 2 and
            pred[0] in PREDICATES):
      raise errors.OpPrereqError("Invalid filter predicate %r; predicates"
                                 " are [name, filter] with name one of %s" %
                                 (pred, ", ".join(sorted(PREDICATES))),
                                 errors.ECODE_INVAL)
    (name, qfilter) = pred
    fields = {PRED_JOBID: ["id"], PRED_REASON: list(_REASON_FIELDS)}
    if name in fields:
      try:
        query._FilterCompiler(_Fields(fields[name])).Compile(
          _SubstWatermark(qfilter, 0))
      except errors.ParameterError as err:
        raise errors.OpPrereqError("Invalid filter in predicate %r: %s" %
                                   (pred, err), errors.ECODE_INVAL)
    elif not isinstance(qfilter, list) or not qfilter:
      raise errors.OpPrereqError("Invalid filter in predicate %r" % (pred, ),
                                 errors.ECODE_INVAL)
  return predicates


def _OpDicts(job):
  result = []
  for op in job.ops:
    data = dict(op.input.__getstate__())
    data["OP_ID"] = op.input.OP_ID
    result.append(data)
  return result


def _Holds(pred, rule, job):
  (name, qfilter) = pred
  if name == PRED_JOBID:
    fn = _Compile(_SubstWatermark(qfilter, rule.watermark), ["id"])
    return fn is not None and fn(None, {"id": job.id})
  if name == PRED_OPCODE:
    for data in _OpDicts(job):
      fn = _Compile(qfilter, list(data))
      if fn is not None and fn(None, data):
        return True
    return False
  if name == PRED_REASON:
    fn = _Compile(qfilter, list(_REASON_FIELDS))
    if fn is None:
      return False
    for data in _OpDicts(job):
      for entry in data.get("reason") or []:
        if fn(None, dict(zip(_REASON_FIELDS, entry))):
          return True
    return False
  return False


def Matches(rule, job):
  """Whether all predicates of a rule hold for a job."""
  return all(_Holds(pred, rule, job) for pred in rule.predicates or [])


def SortRules(rules):
  return sorted(rules, key=lambda r: (r.priority, r.watermark, r.uuid))


def Decide(rules, job):
  """(rule, action) of the rule deciding about a job, (None, ACCEPT) if
  none does."""
  for rule in SortRules(rules):
    if rule.action == ACTION_CONTINUE or not Matches(rule, job):
      continue
    return (rule, rule.action)
  return (None, ACTION_ACCEPT)


class FilterGate:
  """Applies the rules when a queued job is about to start.

  @param get_rules: callable returning the current rules
  @ivar started: jobs let through and not finalized yet (for rate limits)
  @ivar held: jobs kept queued (paused or rate-limited), to retry when the
    rules change or a job ends

  """

  def __init__(self, get_rules):
    self._get_rules = get_rules
    self.started = {}
    self.held = set()

  def Check(self, job):
    """The action for a queued job: ACCEPT, PAUSE (hold) or REJECT.

    An accepted job is counted as started.

    """
    if job.id in self.started:
      return ACTION_ACCEPT
    rules = self._get_rules() if self._get_rules else []
    (rule, action) = Decide(rules, job)
    if isinstance(action, list):
      running = sum(1 for other in self.started.values()
                    if Matches(rule, other))
      action = ACTION_ACCEPT if running < action[1] else ACTION_PAUSE
    if action == ACTION_PAUSE:
      self.held.add(job.id)
    else:
      self.held.discard(job.id)
    if action == ACTION_ACCEPT:
      self.started[job.id] = job
    return action

  def JobEnded(self, job_id):
    """Forget a finalized job; return the held job ids to retry."""
    self.started.pop(job_id, None)
    return self.TakeHeld()

  def TakeHeld(self):
    held = sorted(self.held)
    self.held.clear()
    return held
