"""harep: the auto-repair tool (``man/harep.rst``).

One run, as upstream's harep does it, on the cluster behind the master's
LUXI socket:

1. read every instance's repair state from its pending/result tags
   (:func:`autorepair.InitialState`);
2. for each pending repair whose jobs are all finished, record the
   outcome: a ``result:...:success`` or ``result:...:failure`` tag
   replaces the pending one;
3. for each healthy instance found broken (:func:`autorepair.DetectBroken`)
   whose policy allows the repair, submit the repair job and tag the
   instance ``pending:...``; if its policy is too weak, tag it
   ``result:...:enoperm``; if repairs are suspended or not enabled, say so;
4. print how many instances are in each state.

With ``--dry-run`` nothing is submitted nor tagged: the jobs and tag
changes are only printed.
"""

import sys
import time
import uuid as uuid_module

from ganeti.htools import autorepair as AR
from ganeti.htools import cli
from ganeti.htools import loader

PROGRAM = "harep"

#: the default --job-delay (seconds)
DEFAULT_JOB_DELAY = 10.0

OPTIONS = [
  cli.O_LUXI, cli.O_JOB_DELAY, cli.O_REASON, cli.O_DRY_RUN, cli.O_VERSION,
  cli.O_HELP, cli.O_HELP_COMPLETION,
]

_FINAL_JOB_STATES = frozenset(["canceled", "success", "error"])


class Abort(Exception):
  """Stop with "Error: MESSAGE" on stderr and exit code 1."""


def _Out(text):
  sys.stdout.write(text)


def VersionLine():
  return cli.VersionLine(PROGRAM)


def Usage():
  return cli.Usage(PROGRAM, OPTIONS)


class Harep:
  """One harep run against a LUXI client.

  ``client`` answers SubmitJob, QueryJobs and WaitForJobChange like
  :class:`ganeti.luxi.Client`; ``clock`` gives the time (seconds) and
  ``new_uuid`` the repair task ids, so that tests can fix both.

  """

  def __init__(self, client, dry_run=False, delay=DEFAULT_JOB_DELAY,
               reason=None, clock=time.time, new_uuid=None):
    self.client = client
    self.dry_run = dry_run
    self.delay = delay
    self.reason = reason
    self.clock = clock
    self.new_uuid = new_uuid or (lambda: str(uuid_module.uuid4()))

  # Jobs --------------------------------------------------------------------
  def _Annotate(self, ops):
    """The opcodes with harep's comment and reason trail."""
    stamp = int(self.clock() * 1e6) * 1000
    reason = self.reason or "%s called" % VersionLine()
    result = []
    for op in ops:
      op = dict(op)
      op["comment"] = "automated repairs by %s" % VersionLine()
      op["reason"] = [[PROGRAM, reason, stamp]]
      result.append(op)
    return result

  def _Submit(self, ops):
    """Submit one job; its id (an int)."""
    from ganeti import errors
    try:
      job_id = self.client.SubmitJob(self._Annotate(ops))
    except (errors.GenericError, OSError) as err:
      raise Abort("Job submission error: %s" % err)
    return int(job_id)

  def _WaitForJob(self, job_id):
    prev_info = None
    prev_serial = None
    while True:
      result = self.client.WaitForJobChange(job_id, ["status"], prev_info,
                                            prev_serial)
      if result is None:
        raise Abort("Checking job status: job %s not found" % job_id)
      (prev_info, log_entries) = result
      if log_entries:
        prev_serial = max(entry[0] for entry in log_entries)
      if prev_info[0] in _FINAL_JOB_STATES:
        return prev_info[0]

  def _RunAndWait(self, ops):
    """Run one job to its end; Abort unless it succeeded."""
    job_id = self._Submit(ops)
    status = self._WaitForJob(job_id)
    if status != "success":
      raise Abort("The following jobs failed: %d=>%s" % (job_id, status))

  def JobStatuses(self, job_ids):
    from ganeti import errors
    try:
      rows = self.client.QueryJobs(list(job_ids), ["status"])
    except (errors.GenericError, OSError) as err:
      raise Abort("could not check job status: %s" % err)
    statuses = []
    for (job_id, row) in zip(job_ids, rows):
      if row is None:
        raise Abort("could not check job status: job %s not found" % job_id)
      statuses.append(row[0])
    return statuses

  # Steps -------------------------------------------------------------------
  def CommitChange(self, state):
    """Add the tag of the state's data, remove the superseded tags."""
    name = state.inst.name
    if state.data is not None:
      tag = state.data.tag
      _Out(">>> Adding the following tag to %s:\n%s\n" %
           (name, AR.ShowString(tag)))
      if not self.dry_run:
        self._RunAndWait([{"OP_ID": "OP_TAGS_SET", "kind": "instance",
                           "tags": [tag], "name": name}])
    if state.remove:
      _Out(">>> Removing the following tags from %s:\n%s" %
           (name, "".join(AR.ShowString(t) + "\n" for t in state.remove)))
      if not self.dry_run:
        self._RunAndWait([{"OP_ID": "OP_TAGS_DEL", "kind": "instance",
                           "tags": list(state.remove), "name": name}])
    return AR.InstanceState(state.inst, state.state, state.data)

  def ProcessPending(self, state):
    """Record the outcome of a pending repair whose jobs have ended."""
    if state.state != AR.ST_PENDING:
      return state
    statuses = self.JobStatuses(state.data.jobs)
    new = AR.FinishPending(state, statuses, self.clock())
    if new is None:
      return state
    _Out("Moving %s from %s to %s\n" % (state.inst.name,
                                         AR.ShowString(state.state),
                                         AR.ShowString(new.state)))
    return self.CommitChange(new)

  def DoRepair(self, state, policy, repair):
    """Repair a broken healthy instance if its policy allows it."""
    (rtype, ops) = repair
    name = state.inst.name
    if policy.kind != AR.POL_ENABLED:
      _Out("Not repairing %s because it's in state %s\n" %
           (name, policy.Show()))
      return state
    if AR.TypeRank(rtype) > AR.TypeRank(policy.rtype):
      data = AR.RepairData(rtype, self.new_uuid(), int(self.clock()), [],
                           AR.AR_ENOPERM).UpdateTag()
      _Out("Not performing a repair of type %s on %s because only repairs"
           " up to %s are allowed\n" % (AR.ShowType(rtype), name,
                                         AR.ShowType(policy.rtype)))
      return self.CommitChange(state.MoveTo(AR.ST_NEEDS_REPAIR, data))
    _Out("Executing %s repair on %s\n" % (AR.ShowType(rtype), name))
    if self.delay > 0:
      ops = [AR.TestDelayOp(self.delay)] + list(ops)
    task = self.new_uuid()
    stamp = int(self.clock())
    if self.dry_run:
      _Out("jobs: %s\n" % AR.ShowJson([ops]))
      jobs = []
    else:
      jobs = [self._Submit(ops)]
    data = AR.RepairData(rtype, task, stamp, jobs).UpdateTag()
    return self.CommitChange(state.MoveTo(AR.ST_PENDING, data))

  def Run(self, cdata):
    """The whole run on loaded cluster data; the final states."""
    now = self.clock()
    policies = AR.InstancePolicies(cdata, now)
    try:
      states = [AR.InitialState(inst) for inst in cdata.instances]
    except AR.TagError as err:
      raise Abort("when parsing auto-repair tags: %s" % err)
    states = [self.ProcessPending(s) for s in states]
    repairs = [AR.DetectBroken(cdata.nodes, s.inst) for s in states]
    done = []
    for (state, repair) in zip(states, repairs):
      if repair is not None and state.state == AR.ST_HEALTHY:
        state = self.DoRepair(state, policies[state.inst.name], repair)
      done.append(state)
    return done


def FormatCounts(states):
  counts = {}
  for state in states:
    counts[state.state] = counts.get(state.state, 0) + 1
  lines = ["---------------------", "Instance status count",
           "---------------------"]
  lines.extend("%s: %d" % (name, counts[name]) for name in sorted(counts))
  return "\n".join(lines) + "\n"


def LoadCluster(socket_path):
  """(ClusterData, warnings) of the cluster, as htools' LUXI loader."""
  from ganeti.htools import luxi_backend
  cdata = luxi_backend.LoadData(socket_path)
  loader.MergeData(cdata)
  warnings = loader.CheckData(cdata.nodes, cdata.instances)
  return (cdata, warnings)


def ParseJobDelay(value):
  if value is None:
    return DEFAULT_JOB_DELAY
  delay = AR.ParseDouble(value)
  if delay is None:
    raise cli.UsageError("job delay: cannot parse string '%s'" % value)
  return delay


def Run(opts, client=None):
  if opts.args:
    raise Abort("this program doesn't take any arguments.")
  socket_path = opts.luxi or None
  (cdata, warnings) = LoadCluster(socket_path)
  cli.PrintWarnings(warnings)
  if client is None:
    from ganeti import luxi
    client = luxi.Client(address=socket_path)
  tool = Harep(client, dry_run=opts.dry_run, delay=opts.job_delay,
               reason=opts.reason)
  from ganeti import errors
  try:
    states = tool.Run(cdata)
  except (errors.GenericError, OSError) as err:
    raise Abort("Talking to the master failed: %s" % err)
  _Out(FormatCounts(states))
  return cli.EXIT_SUCCESS


def Main(argv=None):
  if argv is None:
    argv = sys.argv[1:]
  try:
    opts = cli.ParseArgs(OPTIONS, argv)
  except cli.UsageError as err:
    sys.stderr.write("Command line error: %s\n\n%s" % (err, Usage()))
    return 2
  try:
    opts.job_delay = ParseJobDelay(opts.job_delay)
  except cli.UsageError as err:
    sys.stderr.write("Error while parsing command line arguments:\n%s\n" %
                     err)
    return cli.EXIT_FAILURE
  if opts.help_completion:
    _Out(cli.Completion(OPTIONS))
    return cli.EXIT_SUCCESS
  if opts.help:
    _Out(Usage())
    return cli.EXIT_SUCCESS
  if opts.version:
    _Out(cli.Version(PROGRAM))
    return cli.EXIT_SUCCESS
  try:
    return Run(opts)
  except Abort as err:
    sys.stderr.write("Error: %s\n" % err)
  except loader.LoaderError as err:
    sys.stderr.write("Error: failed to load data, aborting: %s\n" % err)
  return cli.EXIT_FAILURE


if __name__ == "__main__":
  sys.exit(Main())
