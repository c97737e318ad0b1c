"""gnt-job: job queue inspection and control."""

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import qlang
from ganeti import utils
from ganeti.cli import ToStdout, ToStderr, GetClient, FormatTimestamp
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614

_LIST_DEF_FIELDS = ["id", "status", "summary"]


def _ParseJobIds(args):
  try:
    return [int(a) for a in args]
  except ValueError:
    raise errors.OpPrereqError("Invalid job ID passed", errors.ECODE_INVAL)


def ListJobs(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  if opts.archived and "archived" not in selected:
    selected.append("archived")
  qfilter = qlang.MakeSimpleFilter("status", opts.status_filter)
  cl = GetClient()
  return cli_query.GenericList(
    "job", selected, args, None, opts.separator, not opts.no_headers,
    cl=cl, format_override=cli_query.JOB_LIST_OVERRIDE,
    verbose=opts.verbose, force_filter=opts.force_filter, namefield="id",
    qfilter=qfilter, isnumeric=True)


def ListJobFields(opts, args):
  return cli_query.GenericListFields("job", args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def ArchiveJobs(opts, args):
  cl = GetClient()
  rcode = 0
  for job_id in args:
    if not cl.ArchiveJob(job_id):
      ToStderr("Failed to archive job with ID '%s'", job_id)
      rcode = 1
  return rcode


def AutoArchiveJobs(opts, args):
  cl = GetClient()
  age = args[0]
  if age == "all":
    age = -1
  else:
    age = _ParseTimespec(age)
  (archived_count, jobs_left) = cl.AutoArchiveJobs(age)
  ToStdout("Archived %s jobs, %s unchecked left", archived_count, jobs_left)
  return 0


def _ParseTimespec(value):
  suffixes = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
  if not value:
    raise errors.OpPrereqError("Empty time specification passed",
                               errors.ECODE_INVAL)
  mult = 1
  if value[-1] in suffixes:
    mult = suffixes[value[-1]]
    value = value[:-1]
  try:
    return int(value) * mult
  except ValueError:
    raise errors.OpPrereqError("Invalid time specification '%s'" % value,
                               errors.ECODE_INVAL)


def CancelJobs(opts, args):
  cl = GetClient()
  result = constants.EXIT_SUCCESS
  for job_id in args:
    (success, msg) = cl.CancelJob(job_id)
    if not success:
      result = constants.EXIT_FAILURE
    ToStdout(msg)
  return result


def ShowJobs(opts, args):
  """Detailed job information (gnt-job info)."""
  selected = ["id", "status", "ops", "opresult", "opstatus", "oplog",
              "opstart", "opexec", "opend", "received_ts", "start_ts",
              "end_ts"]
  qfilter = qlang.MakeSimpleFilter("id", _ParseJobIds(args))
  cl = GetClient()
  result = cl.Query("job", selected, qfilter)["data"]
  lines = []
  for entry in result:
    ((_, job_id), (rs_status, status), (_, ops), (_, opresult),
     (_, opstatus), (_, oplog), (_, opstart), (_, opexec), (_, opend),
     (_, recv_ts), (_, start_ts), (_, end_ts)) = entry
    if rs_status != 0:
      lines.append("- Job ID: %s" % job_id)
      lines.append("  Job not found")
      continue
    lines.extend(["- Job ID: %s" % job_id, "  Status: %s" % status])
    if recv_ts is not None:
      lines.append("  Received:         %s" % FormatTimestamp(recv_ts))
    else:
      lines.append("  Missing received timestamp (%s)" % str(recv_ts))
    lines.append("  Processing start: %s" % _FormatStep(start_ts, recv_ts))
    lines.append("  Processing end:   %s" % _FormatStep(end_ts, start_ts))
    if end_ts is not None and recv_ts is not None:
      lines.append("  Total processing time: %.6f seconds" %
                   (utils.MergeTime(end_ts) - utils.MergeTime(recv_ts)))
    else:
      lines.append("  Total processing time: N/A")
    lines.append("  Opcodes: ")
    for (opcode, result, status, log, s_ts, x_ts, e_ts) in \
        zip(ops, opresult, opstatus, oplog, opstart, opexec, opend):
      lines.append("    - Opcode: %s" % opcode["OP_ID"])
      lines.append("      Status: %s" % status)
      lines.append("      Processing start: %s" %
                   (FormatTimestamp(s_ts) if s_ts else "N/A"))
      lines.append("      Execution start:  %s" %
                   (FormatTimestamp(x_ts) if x_ts else "N/A"))
      lines.append("      Processing end:   %s" %
                   (FormatTimestamp(e_ts) if e_ts else "N/A"))
      lines.append("      Input fields: ")
      for key in utils.NiceSort(opcode.keys()):
        _FormatValue(lines, key, opcode[key], 8)
      if isinstance(result, (list, tuple)) or result is not None:
        lines.append("      Result: ")
        _FormatNested(lines, result, 8)
      else:
        lines.append("      No output data")
      lines.append("      Execution log: ")
      for serial, log_ts, log_type, log_msg in log:
        time_txt = FormatTimestamp(log_ts)
        encoded = _FormatLogContent(serial, log_type, log_msg)
        lines.append("        - Time: %s" % time_txt)
        lines.append("          Content: %s" % encoded)
  for line in lines:
    ToStdout(line)
  return 0


def _FormatStep(ts, prev_ts):
  """A job step's time stamp with the delta to the previous step."""
  if ts is None:
    return "unknown (%s)" % str(ts)
  if prev_ts is None:
    return FormatTimestamp(ts)
  return "%s (delta %.6fs)" % (FormatTimestamp(ts), utils.MergeTime(ts) -
                               utils.MergeTime(prev_ts))


def _FormatLogContent(serial, log_type, log_msg):
  if log_type == constants.ELOG_MESSAGE:
    return "[%s, %s, %s]" % (serial, log_type, log_msg)
  return "[%s, %s, %s]" % (serial, log_type, utils.SafeEncode(str(log_msg)))


def _FormatValue(lines, key, value, indent):
  pad = " " * indent
  if isinstance(value, (dict, list, tuple)):
    lines.append("%s%s: " % (pad, key))
    _FormatNested(lines, value, indent + 2)
  else:
    if isinstance(value, float) and value.is_integer():
      # Ganeti 3.0 stores jobs through Haskell's JSON, which writes an
      # integral float as an integer (duration 0.0 is shown as 0)
      value = int(value)
    lines.append("%s%s: %s" % (pad, key, value))


def _FormatNested(lines, value, indent):
  """Lists as '- item' lines, dicts as 'key: value' lines."""
  pad = " " * indent
  if isinstance(value, dict):
    for key in utils.NiceSort(value.keys()):
      _FormatValue(lines, key, value[key], indent)
  elif isinstance(value, (list, tuple)):
    for item in value:
      if isinstance(item, (list, tuple, dict)):
        if not item:
          lines.append("%s- " % pad)
          continue
        sub = []
        _FormatNested(sub, item, indent + 2)
        sub[0] = "%s- %s" % (pad, sub[0].lstrip())
        lines.extend(sub)
      else:
        lines.append("%s- %s" % (pad, item))
  else:
    lines.append("%s%s" % (pad, value))


def WatchJob(opts, args):
  job_id = args[0]
  msg = ("Output from job %s follows" % job_id)
  ToStdout(msg)
  ToStdout("-" * len(msg))
  retcode = 0
  try:
    cli.PollJob(job_id)
  except errors.GenericError as err:
    (retcode, job_result) = cli.FormatError(err)
    ToStderr("Job %s failed: %s", job_id, job_result)
  return retcode


def WaitJob(opts, args):
  """Wait for a job to finish, without printing its log."""
  job_id = args[0]
  retcode = 0
  try:
    cli.PollJob(job_id, feedback_fn=lambda _: None)
  except errors.GenericError as err:
    (retcode, job_result) = cli.FormatError(err)
    ToStderr("Job %s failed: %s", job_id, job_result)
  return retcode


_PENDING_OPT = cli_option("--pending", default=None,
                          action="store_const", dest="status_filter",
                          const=sorted(constants.JOBS_PENDING),
                          help="Select pending jobs only")
_RUNNING_OPT = cli_option("--running", default=None,
                          action="store_const", dest="status_filter",
                          const=[constants.JOB_STATUS_RUNNING],
                          help="Show running jobs only")
_ERROR_OPT = cli_option("--error", default=None, action="store_const",
                        dest="status_filter",
                        const=[constants.JOB_STATUS_ERROR],
                        help="Show failed jobs only")
_FINISHED_OPT = cli_option("--finished", default=None,
                           action="store_const", dest="status_filter",
                           const=sorted(constants.JOBS_FINALIZED),
                           help="Show finished jobs only")
_ARCHIVED_OPT = cli_option("--archived", dest="archived", default=False,
                           action="store_true",
                           help="Include archived jobs in list")

commands = {
  "list": (ListJobs, [ArgJobId()],
           [NOHDR_OPT, SEP_OPT, FIELDS_OPT, VERBOSE_OPT, FORCE_FILTER_OPT,
            _PENDING_OPT, _RUNNING_OPT, _ERROR_OPT, _FINISHED_OPT,
            _ARCHIVED_OPT],
           "[job_id ...]",
           "Lists the jobs and their status. The available fields can be"
           " shown using the \"list-fields\" command (see the man page for"
           " details). The default field list is (in order): %s." %
           ", ".join(_LIST_DEF_FIELDS)),
  "list-fields": (ListJobFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[fields...]", "Lists all available fields for jobs"),
  "archive": (ArchiveJobs, [ArgJobId(min=1)], [], "<job-id> [<job-id> ...]",
              "Archive specified jobs"),
  "autoarchive": (AutoArchiveJobs, [ArgSuggest(min=1, max=1)], [],
                  "<age>", "Auto archive jobs older than the given age"),
  "cancel": (CancelJobs, [ArgJobId(min=1)], [], "<job-id> [<job-id> ...]",
             "Cancel jobs"),
  "info": (ShowJobs, [ArgJobId(min=1)], [], "<job-id> [<job-id> ...]",
           "Show detailed information about the specified jobs"),
  "wait": (WaitJob, [ArgJobId(min=1, max=1)], [], "<job-id>",
           "Wait for a job to finish"),
  "watch": (WatchJob, [ArgJobId(min=1, max=1)], [], "<job-id>",
            "Follows a job and prints its output as it arrives"),
}


def Main():
  return cli.GenericMain(commands)
