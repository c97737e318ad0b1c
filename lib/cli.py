"""Command line support shared by every ``gnt-*`` program.

Each program declares a ``commands`` table: ``name -> (function, argument
spec, options, usage, description)``.  :func:`GenericMain` parses the
command line, runs the function and turns any error into Ganeti's message
and exit code (:func:`FormatError`).
"""

import io
import logging
import optparse
import os
import sys
import textwrap
import time

from ganeti import constants
from ganeti import errors
from ganeti import luxi
from ganeti import opcodes
from ganeti import pathutils
from ganeti import utils
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.cli_opts import ArgSpecError, CheckArguments  # noqa: F401
from ganeti.cli_query import GenerateTable  # noqa: F401

_PRIORITY_NAMES = [("low", constants.OP_PRIO_LOW),
                   ("normal", constants.OP_PRIO_NORMAL),
                   ("high", constants.OP_PRIO_HIGH)]
_PRIONAME_TO_VALUE = dict(_PRIORITY_NAMES)


class JobSubmittedException(Exception):
  """Raised by SubmitOrSend after --submit: args[0] is the job id."""


class _ShowUsage(Exception):
  def __init__(self, exit_error):
    Exception.__init__(self)
    self.exit_error = exit_error


class _ShowVersion(Exception):
  pass


def ToStdout(txt, *args):
  _ToStream(sys.stdout, txt, *args)


def ToStderr(txt, *args):
  _ToStream(sys.stderr, txt, *args)


def _ToStream(stream, txt, *args):
  try:
    if args:
      stream.write(txt % args)
    else:
      stream.write(txt)
    stream.write("\n")
    stream.flush()
  except BrokenPipeError:
    pass


# Client --------------------------------------------------------------------
def GetClient():
  """A LUXI client connected to the master; clear errors if impossible."""
  address = os.environ.get("FORCE_LUXI_SOCKET")
  if address in (None, "master", "query"):
    address = pathutils.Get().MASTER_SOCKET
  try:
    client = luxi.Client(address=address)
    client._InitTransport()  # pylint: disable=W0212
    return client
  except errors.NoMasterError:
    from ganeti import ssconf
    ss = ssconf.SimpleStore()
    try:
      ss.GetMasterNode()
    except errors.ConfigurationError:
      raise errors.OpPrereqError("Cluster not initialized or this machine is"
                                 " not part of a cluster",
                                 errors.ECODE_INVAL)
    (master, myself) = ssconf.GetMasterAndMyself(ss=ss)
    if master != myself:
      raise errors.OpPrereqError("This is not the master node, please connect"
                                 " to node '%s' and rerun the command" %
                                 master, errors.ECODE_INVAL)
    raise


# Jobs ------------------------------------------------------------------------
def _FormatLogMessage(log_type, log_msg):
  if log_type == constants.ELOG_MESSAGE_LIST:
    return "\n".join(str(m) for m in log_msg)
  return str(log_msg)


class StdioJobPollReportCb:
  """Print job log entries with their time; report queue/lock waits once."""

  def __init__(self, feedback_fn=None):
    self.notified_queued = False
    self.notified_waitlock = False
    self.feedback_fn = feedback_fn

  def ReportLogMessage(self, job_id, serial, timestamp, log_type, log_msg):
    if self.feedback_fn is not None:
      self.feedback_fn((timestamp, log_type, log_msg))
      return
    ToStdout("%s %s", time.ctime(utils.MergeTime(timestamp)),
             _FormatLogMessage(log_type, log_msg))

  def ReportNotChanged(self, job_id, status):
    if status == constants.JOB_STATUS_QUEUED and not self.notified_queued:
      ToStderr("Job %s is waiting in queue", job_id)
      self.notified_queued = True
    elif status == constants.JOB_STATUS_WAITING and \
        not self.notified_waitlock:
      ToStderr("Job %s is trying to acquire all necessary locks", job_id)
      self.notified_waitlock = True


def GenericPollJob(job_id, cl, reporter):
  """Follow a job until it ends; return its opcode results or raise."""
  prev_job_info = None
  prev_logmsg_serial = None
  status = None
  while True:
    result = cl.WaitForJobChangeOnce(job_id, ["status"], prev_job_info,
                                     prev_logmsg_serial)
    if not result:
      raise errors.JobLost("Job with id %s lost" % job_id)
    if result == "nochange":
      reporter.ReportNotChanged(job_id, status)
      continue
    (job_info, log_entries) = result
    (status, ) = job_info
    if log_entries:
      for log_entry in log_entries:
        (serial, timestamp, log_type, message) = log_entry
        reporter.ReportLogMessage(job_id, serial, timestamp, log_type,
                                  message)
        prev_logmsg_serial = max(prev_logmsg_serial or 0, serial)
    elif status in (constants.JOB_STATUS_SUCCESS, constants.JOB_STATUS_ERROR,
                    constants.JOB_STATUS_CANCELING,
                    constants.JOB_STATUS_CANCELED):
      break
    prev_job_info = job_info
  jobs = cl.QueryJobs([job_id], ["status", "opstatus", "opresult"])
  if not jobs:
    raise errors.JobLost("Job with id %s lost" % job_id)
  status, opstatus, result = jobs[0]
  if status == constants.JOB_STATUS_SUCCESS:
    return result
  if status in (constants.JOB_STATUS_CANCELING, constants.JOB_STATUS_CANCELED):
    raise errors.OpExecError("Job was canceled")
  has_ok = False
  for idx, (status, msg) in enumerate(zip(opstatus, result)):
    if status == constants.OP_STATUS_SUCCESS:
      has_ok = True
    elif status == constants.OP_STATUS_ERROR:
      errors.MaybeRaise(msg)
      if has_ok:
        raise errors.OpExecError("partial failure (opcode %d): %s" %
                                 (idx, msg))
      raise errors.OpExecError(str(msg))
  raise errors.OpExecError(result)


def PollJob(job_id, cl=None, feedback_fn=None, reporter=None):
  if cl is None:
    cl = GetClient()
  if reporter is None:
    reporter = StdioJobPollReportCb(feedback_fn)
  return GenericPollJob(job_id, cl, reporter)


def SetGenericOpcodeOpts(opcode_list, options):
  """Copy the generic options (dry-run, debug, priority, reason) to ops."""
  if not options:
    return
  for op in opcode_list:
    op.debug_level = getattr(options, "debug", 0)
    if hasattr(options, "dry_run"):
      op.dry_run = options.dry_run
    if getattr(options, "priority", None) is not None:
      op.priority = options.priority
    op.reason = list(getattr(options, "reason_trail", None) or [])


def _InitReasonTrail(options, program, command):
  trail = []
  if getattr(options, "reason", None):
    trail.append((constants.OPCODE_REASON_SRC_USER, options.reason,
                  utils.TimestampNs()))
  trail.append(("%s:%s" % (constants.OPCODE_REASON_SRC_CLIENT, program),
                command, utils.TimestampNs()))
  options.reason_trail = trail


def SendJob(ops, cl=None):
  if cl is None:
    cl = GetClient()
  return cl.SubmitJob(ops)


def SubmitOpCode(op, cl=None, feedback_fn=None, opts=None, reporter=None):
  """Submit one opcode as a job, follow it and return its result."""
  if cl is None:
    cl = GetClient()
  SetGenericOpcodeOpts([op], opts)
  job_id = SendJob([op], cl=cl)
  if opts and getattr(opts, "print_jobid", False):
    ToStdout("%d", job_id)
  op_results = PollJob(job_id, cl=cl, feedback_fn=feedback_fn,
                       reporter=reporter)
  return op_results[0]


def SubmitOrSend(op, opts, cl=None, feedback_fn=None):
  """Submit and wait, or with --submit only submit and report the job id."""
  if opts and getattr(opts, "submit_only", False):
    SetGenericOpcodeOpts([op], opts)
    job_id = SendJob([op], cl=cl)
    if getattr(opts, "print_jobid", False):
      ToStdout("%d", job_id)
    raise JobSubmittedException(job_id)
  return SubmitOpCode(op, cl=cl, feedback_fn=feedback_fn, opts=opts)


class JobExecutor:
  """Submit several jobs, then wait for each ('Waiting for job N ...')."""

  def __init__(self, cl=None, verbose=True, opts=None, feedback_fn=None):
    self.queue = []
    self.cl = cl or GetClient()
    self.verbose = verbose
    self.jobs = []
    self.opts = opts
    self.feedback_fn = feedback_fn

  def QueueJob(self, name, *ops):
    SetGenericOpcodeOpts(ops, self.opts)
    self.queue.append((len(self.queue), name, ops))

  def AddJobId(self, name, status, job_id):
    """Track an already submitted job (e.g. a child job of an opcode)."""
    self.jobs.append((len(self.jobs), status, job_id, name))

  def SubmitPending(self):
    results = self.cl.SubmitManyJobs([ops for (_, _, ops) in self.queue])
    for ((idx, name, _), (status, data)) in zip(self.queue, results):
      self.jobs.append((idx, status, data, name))

  def GetResults(self):
    if not self.jobs:
      self.SubmitPending()
    if self.verbose:
      ok_jobs = [str(row[2]) for row in sorted(self.jobs) if row[1]]
      if ok_jobs:
        ToStdout("Submitted jobs %s", utils.CommaJoin(ok_jobs))
    results = []
    for (_, status, jid, name) in sorted(self.jobs):
      if not status:
        ToStderr("Failed to submit job%s: %s",
                 " for %s" % name if name else "", jid)
        results.append((False, jid))
        continue
      ToStdout("Waiting for job %s%s ...", jid,
               " for %s" % name if name else "")
      try:
        job_result = PollJob(jid, cl=self.cl, feedback_fn=self.feedback_fn)
        success = True
      except errors.JobLost as err:
        _, job_result = FormatError(err)
        ToStderr("Job %s%s has been archived, cannot check its result",
                 jid, " for %s" % name if name else "")
        success = False
      except (errors.GenericError, luxi.errors.ProtocolError) as err:
        _, job_result = FormatError(err)
        success = False
        ToStderr("Job %s%s has failed: %s", jid,
                 " for %s" % name if name else "", job_result)
      results.append((success, job_result))
    return results

  def WaitOrShow(self, wait):
    if wait:
      return self.GetResults()
    if not self.jobs:
      self.SubmitPending()
    for (_, status, result, name) in self.jobs:
      if status:
        ToStdout("%s: %s", result, name)
      else:
        ToStderr("Failure for %s: %s", name, result)
    return [row[1:3] for row in self.jobs]


# Errors --------------------------------------------------------------------
def FormatError(err):
  """Return (exit code, message) for an exception, in Ganeti's wording."""
  retcode = 1
  obuf = io.StringIO()
  msg = str(err)
  if isinstance(err, errors.ConfigurationError):
    txt = "Corrupt configuration file: %s" % msg
    logging.error(txt)
    obuf.write(txt + "\n")
    obuf.write("Aborting.")
    retcode = 2
  elif isinstance(err, errors.HooksAbort):
    obuf.write("Failure: hooks execution failed:\n")
    for node, script, out in err.args[0]:
      if out:
        obuf.write("  node: %s, script: %s, output: %s\n" %
                   (node, script, out))
      else:
        obuf.write("  node: %s, script: %s (no output)\n" % (node, script))
  elif isinstance(err, errors.HooksFailure):
    obuf.write("Failure: hooks general failure: %s" % msg)
  elif isinstance(err, errors.ResolverError):
    this_host = _GetSysName()
    if err.args and err.args[0] == this_host:
      msg = "Failure: can't resolve my own hostname ('%s')"
    else:
      msg = "Failure: can't resolve hostname '%s'"
    obuf.write(msg % (err.args[0] if err.args else ""))
  elif isinstance(err, errors.OpPrereqError):
    if len(err.args) == 2:
      obuf.write("Failure: prerequisites not met for this"
                 " operation:\nerror type: %s, error details:\n%s" %
                 (err.args[1], err.args[0]))
    else:
      obuf.write("Failure: prerequisites not met for this"
                 " operation:\n%s" % msg)
  elif isinstance(err, errors.OpExecError):
    obuf.write("Failure: command execution error:\n%s" % msg)
  elif isinstance(err, errors.TagError):
    obuf.write("Failure: invalid tag(s) given:\n%s" % msg)
  elif isinstance(err, errors.JobQueueDrainError):
    obuf.write("Failure: the job queue is marked for drain and doesn't"
               " accept new requests")
  elif isinstance(err, errors.JobQueueFull):
    obuf.write("Failure: the job queue is full and doesn't accept new"
               " job submissions until old jobs are archived")
  elif isinstance(err, errors.TypeEnforcementError):
    obuf.write("Parameter Error: %s" % msg)
  elif isinstance(err, errors.ParameterError):
    obuf.write("Failure: unknown/wrong parameter name '%s'" % msg)
  elif isinstance(err, errors.NoMasterError):
    if err.args and err.args[0] == pathutils.Get().MASTER_SOCKET:
      daemon = "the master daemon"
    elif err.args and err.args[0] == getattr(pathutils.Get(), "QUERY_SOCKET",
                                             None):
      daemon = "the config daemon"
    elif err.args:
      daemon = "socket '%s'" % str(err.args[0])
    else:
      daemon = "the master daemon"
    obuf.write("Cannot communicate with %s.\nIs the process running"
               " and listening for connections?" % daemon)
  elif isinstance(err, errors.TimeoutError):
    obuf.write("Timeout while talking to the master daemon. Jobs might have"
               " been submitted and will continue to run even if the call"
               " timed out. Useful commands in this situation are \"gnt-job"
               " list\", \"gnt-job cancel\" and \"gnt-job watch\". Error:\n")
    obuf.write(msg)
  elif isinstance(err, errors.PermissionError):
    obuf.write("It seems you don't have permissions to connect to the"
               " master daemon.\nPlease retry as a different user.")
  elif isinstance(err, errors.ProtocolError):
    obuf.write("Unhandled protocol error while talking to the master daemon:"
               "\n%s" % msg)
  elif isinstance(err, errors.JobLost):
    obuf.write("Error checking job status: %s" % msg)
  elif isinstance(err, errors.QueryFilterParseError):
    obuf.write("Error while parsing query filter: %s\n" % err.args[0])
    obuf.write("\n".join(err.GetDetails()))
  elif isinstance(err, errors.GenericError):
    obuf.write("Unhandled Ganeti error: %s" % msg)
  elif isinstance(err, JobSubmittedException):
    obuf.write("JobID: %s\n" % err.args[0])
    retcode = 0
  else:
    obuf.write("Unhandled exception: %s" % msg)
  return retcode, obuf.getvalue().rstrip("\n")


def _GetSysName():
  try:
    from ganeti import netutils
    return netutils.Hostname.GetSysName()
  except Exception:  # pylint: disable=broad-except
    return None


# Main ------------------------------------------------------------------------
_USAGE_WIDTH = 80


def _FormatUsage(binary, commands):
  buf = ["Usage: %s {command} [options...] [argument...]" % binary,
         "%s <command> --help to see details, or man %s" % (binary, binary),
         "", "Commands:"]
  mlen = min(60, max(len(c) for c in commands))
  for cmd in sorted(commands):
    help_lines = textwrap.wrap(commands[cmd][4], _USAGE_WIDTH - mlen) or [""]
    buf.append(" %-*s - %s" % (mlen, cmd, help_lines.pop(0)))
    for line in help_lines:
      buf.append(" %-*s   %s" % (mlen, "", line))
  buf.append("")
  return "\n".join(buf)


def _ParseArgs(binary, argv, commands, aliases, env_override):
  if len(argv) <= 1:
    ToStdout(_FormatUsage(binary, commands))
    raise _ShowUsage(exit_error=True)
  cmd = argv[1]
  if cmd in ("--version", "version") and cmd not in commands:
    ToStdout("%s (ganeti %s) %s", binary, constants.VCS_VERSION,
             constants.RELEASE_VERSION)
    raise _ShowVersion()
  if cmd == "--help":
    ToStdout(_FormatUsage(binary, commands))
    raise _ShowUsage(exit_error=False)
  if aliases and cmd in aliases:
    cmd = aliases[cmd]
  if cmd not in commands:
    ToStdout(_FormatUsage(binary, commands))
    raise _ShowUsage(exit_error=True)
  (func, args_def, parser_opts, usage, description) = commands[cmd]
  parser = optparse.OptionParser(
    option_list=list(parser_opts) + COMMON_OPTS,
    usage="%%prog %s %s" % (cmd, usage),
    description=description, formatter=TitledHelpFormatter(),
    prog=binary)
  parser.disable_interspersed_args()
  args = argv[2:]
  if env_override and cmd in env_override:
    env_args = os.environ.get(env_override[cmd], "").split()
    args = env_args + args
  (options, args) = parser.parse_args(args)
  if not CheckArguments(cmd, args_def, args):
    return (None, None, None, None)
  return (cmd, func, options, args)


def GenericMain(commands, override=None, aliases=None, env_override=None):
  """Run a gnt-* program; return its exit code."""
  binary = os.path.basename(sys.argv[0])
  if not binary.startswith("gnt-"):
    binary = "gnt-" + binary.split("_")[-1] if "gnt_" in binary else binary
  try:
    (cmd, func, options, args) = _ParseArgs(binary, sys.argv, commands,
                                            aliases, env_override)
  except _ShowVersion:
    return constants.EXIT_SUCCESS
  except _ShowUsage as err:
    return constants.EXIT_FAILURE if err.exit_error \
      else constants.EXIT_SUCCESS
  except errors.ParameterError as err:
    # raised by the option type checkers (keyval, bool, ...)
    (_, err_msg) = FormatError(err)
    ToStderr(err_msg)
    return constants.EXIT_FAILURE
  if func is None:
    return constants.EXIT_FAILURE
  if override is not None:
    for key, val in override.items():
      setattr(options, key, val)
  _SetupLogging(options, binary, cmd, args)
  _InitReasonTrail(options, binary, cmd)
  try:
    result = func(options, args)
  except (errors.GenericError, errors.ProtocolError,
          JobSubmittedException) as err:
    result, err_msg = FormatError(err)
    logging.exception("Error during command processing")
    ToStderr(err_msg)
  except KeyboardInterrupt:
    result = constants.EXIT_FAILURE
    ToStderr("Aborted. Note that if the operation created any jobs, they"
             " might have been submitted and will continue to run in the"
             " background.")
  except IOError as err:
    if err.errno == 32:
      result = constants.EXIT_FAILURE
    else:
      raise
  return result


def _SetupLogging(options, binary, cmd, args):
  """Log the command to commands.log; debug output to stderr with -d."""
  root = logging.getLogger("")
  root.setLevel(logging.DEBUG)
  for handler in list(root.handlers):
    root.removeHandler(handler)
  if getattr(options, "debug", 0):
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG)
    root.addHandler(handler)
  path = pathutils.Get().LOG_COMMANDS
  try:
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter(
      "%%(asctime)s: %s pid=%%(process)d %%(levelname)s %%(message)s" %
      binary))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    logging.info("Command line: %s %s %s", binary, cmd, " ".join(args))
  except OSError:
    pass


# Parameter parsing -----------------------------------------------------------
def ParseFields(selected, default):
  """'-o' handling: None → default; '+a,b' → default + [a, b]."""
  if selected is None:
    return default
  if selected.startswith("+"):
    return default + selected[1:].split(",")
  return selected.split(",")


def AskUser(text, choices=None):
  """Ask a yes/no question on the terminal; False without a terminal."""
  if choices is None:
    choices = [("y", True, "Perform the operation"),
               ("n", False, "Do not perform the operation")]
  try:
    f = open("/dev/tty", "r+")
  except OSError:
    return choices[-1][1]
  try:
    chars = [entry[0] for entry in choices]
    chars[-1] = "[%s]" % chars[-1]
    chars.append("?")
    maps = dict([(entry[0], entry[1]) for entry in choices])
    while True:
      f.write(text)
      f.write("\n")
      f.write("/".join(chars))
      f.write(": ")
      f.flush()
      line = f.readline(2).strip().lower()
      if line in maps:
        return maps[line]
      if not line:
        return choices[-1][1]
  finally:
    f.close()


def PrintGenericInfo(data):
  """Print nested info data (dicts, lists, (key, value) lists) as YAML-ish
  text, the format of ``gnt-* info``."""
  buf = io.StringIO()
  _SerializeGenericInfo(buf, data, 0)
  ToStdout(buf.getvalue().rstrip("\n"))


def _IsPairList(data):
  return (isinstance(data, list) and data and
          all(isinstance(i, tuple) and len(i) == 2 for i in data))


def _SerializeGenericInfo(buf, data, level, afterkey=False):
  baseind = "  "
  if isinstance(data, dict) or _IsPairList(data):
    items = sorted(data.items()) if isinstance(data, dict) else data
    if not items:
      buf.write("\n")
      return
    if afterkey:
      buf.write("\n")
      doindent = True
    else:
      doindent = False
    for (key, value) in items:
      if doindent:
        buf.write(baseind * level)
      else:
        doindent = True
      buf.write(str(key))
      buf.write(": ")
      _SerializeGenericInfo(buf, value, level + 1, afterkey=True)
  elif isinstance(data, (list, tuple)):
    if not data:
      buf.write("\n")
      return
    if afterkey:
      buf.write("\n")
      doindent = True
    else:
      doindent = False
    for item in data:
      if doindent:
        buf.write(baseind * level)
      else:
        doindent = True
      buf.write("-")
      buf.write(baseind[1:])
      _SerializeGenericInfo(buf, item, level + 1)
  else:
    buf.write(str(data))
    buf.write("\n")


def FormatParamValue(value):
  """A parameter value as info output shows it: whole floats as integers
  (``cpu_speed: 1``), everything else with str()."""
  if isinstance(value, float) and value.is_integer():
    return str(int(value))
  return str(value)


def FormatParamsDictInfo(param_dict, actual, roman=False):
  """Each parameter as 'value' or 'default (value)' if not customized."""
  ret = {}
  for (key, data) in actual.items():
    if isinstance(data, dict) and data:
      ret[key] = FormatParamsDictInfo(param_dict.get(key, {}), data, roman)
    elif key in param_dict:
      ret[key] = FormatParamValue(param_dict[key])
    else:
      ret[key] = "default (%s)" % FormatParamValue(data)
  return ret


def FormatTimestamp(ts):
  if not isinstance(ts, (tuple, list)) or len(ts) != 2:
    return "?"
  (sec, usecs) = ts
  return utils.FormatTime(sec, usecs=usecs)


def _ReadTags(opts, args):
  """Tags from the command line plus those of --from (one per line)."""
  tags = list(args)
  if opts.tags_source:
    src = sys.stdin if opts.tags_source == "-" else open(opts.tags_source)
    try:
      tags.extend(line.strip() for line in src if line.strip())
    finally:
      if src is not sys.stdin:
        src.close()
  if not tags:
    raise errors.OpPrereqError("No tags to be added/removed",
                               errors.ECODE_INVAL)
  return tags


def TagCommands(kind):
  """The list-tags, add-tags and remove-tags command functions for objects
  of ``kind``; the object name is the first argument, except for the
  cluster."""
  def _Split(args):
    if kind == constants.TAG_CLUSTER:
      return ("", args)
    return (args[0], args[1:])

  def ListTags(opts, args):
    (name, _) = _Split(args)
    for tag in sorted(GetClient().QueryTags(kind, name)):
      ToStdout(tag)
    return 0

  def AddTags(opts, args):
    (name, tags) = _Split(args)
    SubmitOrSend(opcodes.OpTagsSet(kind=kind, name=name,
                                   tags=_ReadTags(opts, tags)), opts)
    return 0

  def RemoveTags(opts, args):
    (name, tags) = _Split(args)
    SubmitOrSend(opcodes.OpTagsDel(kind=kind, name=name,
                                   tags=_ReadTags(opts, tags)), opts)
    return 0

  return (ListTags, AddTags, RemoveTags)

