"""In-memory jobs and opcodes of the job queue, and their file format.

A job is a list of opcodes run strictly in sequence.  Its status is never
stored: it is computed from the opcode statuses (:func:`CalcJobStatus`).
The serialized form is the Ganeti 2.x job file (``queue/job-<id>``):

  {"id": int, "ops": [{"input", "status", "result", "log",
   "start_timestamp", "exec_timestamp", "end_timestamp", "priority"}...],
   "received_timestamp", "start_timestamp", "end_timestamp"}

Timestamps are ``[seconds, microseconds]`` pairs (``utils.SplitTime``); log
entries are ``[serial, timestamp, type, message]``.

Concurrency contract: every field of a :class:`QueuedJob` is guarded by
``job.lock``.  The queue mutates a job and writes its file while holding
that lock, so anything that reads a job under its lock only ever sees a
state that is already on disk.
"""

import threading
import time

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import osparams
from ganeti import serializer
from ganeti import utils

#: Result stored in opcodes canceled by CancelJob
CANCEL_RESULT = "Job canceled by request"

#: Fields accepted by :meth:`QueuedJob.GetInfo` (and QueryJobs)
JOB_FIELDS = frozenset([
  "id", "status", "priority", "archived", "ops", "opresult", "opstatus",
  "oplog", "opstart", "opexec", "opend", "oppriority", "summary",
  "received_ts", "start_ts", "end_ts",
])


def EncodeOpError(err):
  """Encode an exception as an opcode result ``[ClassName, [args]]``.

  Non-Ganeti exceptions become ``OpExecError(str(err))``.
  """
  if isinstance(err, errors.GenericError):
    to_encode = err
  else:
    to_encode = errors.OpExecError(str(err))
  return list(errors.EncodeException(to_encode))


def CalcJobStatus(op_statuses):
  """Compute a job's status from the statuses of its opcodes, in order.

  All ``success`` gives ``success``; otherwise the walk from the first
  opcode lets ``waiting``/``running`` set the status and stops at the first
  ``canceling``, ``error`` or ``canceled``.  Nothing matched: ``queued``.
  """
  op_statuses = list(op_statuses)
  if op_statuses and all(s == constants.OP_STATUS_SUCCESS
                         for s in op_statuses):
    return constants.JOB_STATUS_SUCCESS
  status = constants.JOB_STATUS_QUEUED
  for op_status in op_statuses:
    if op_status in (constants.OP_STATUS_WAITING,
                     constants.OP_STATUS_RUNNING):
      status = op_status
    elif op_status in (constants.OP_STATUS_CANCELING,
                       constants.OP_STATUS_ERROR,
                       constants.OP_STATUS_CANCELED):
      return op_status
  return status


def Now():
  """The current time as a ``(sec, usec)`` pair."""
  return utils.SplitTime(time.time())


def _TsOrNone(value):
  return None if value is None else tuple(value)


def _TsToJson(value):
  return None if value is None else list(value)


class QueuedOpCode:
  """One opcode of a job, with its execution state.

  ``input`` is the opcode object; its ``__getstate__`` is what the job file
  stores (the LU may fill defaults into it while running).
  """

  __slots__ = ["input", "status", "result", "log", "priority",
               "start_timestamp", "exec_timestamp", "end_timestamp"]

  def __init__(self, op):
    self.input = op
    self.status = constants.OP_STATUS_QUEUED
    self.result = None
    self.log = []
    self.start_timestamp = None
    self.exec_timestamp = None
    self.end_timestamp = None
    self.priority = getattr(op, "priority", constants.OP_PRIO_DEFAULT)
    if self.priority is None:
      self.priority = constants.OP_PRIO_DEFAULT

  @classmethod
  def Restore(cls, state):
    """Build an opcode from its job-file dict (raises on bad data)."""
    obj = cls.__new__(cls)
    obj.input = opcodes.OpCode.LoadOpCode(state["input"])
    obj.status = state["status"]
    if obj.status not in constants.JOB_STATUS_ALL:
      raise ValueError("Invalid opcode status %r" % (obj.status, ))
    obj.result = state["result"]
    obj.log = [tuple(e) for e in state["log"]]
    obj.start_timestamp = _TsOrNone(state.get("start_timestamp"))
    obj.exec_timestamp = _TsOrNone(state.get("exec_timestamp"))
    obj.end_timestamp = _TsOrNone(state.get("end_timestamp"))
    obj.priority = state.get("priority", constants.OP_PRIO_DEFAULT)
    return obj

  def Serialize(self):
    """The job-file dict of this opcode (keys in Ganeti's order)."""
    return {
      "input": osparams.RedactOpState(self.input.__getstate__()),
      "status": self.status,
      "result": self.result,
      "log": [[s, list(ts), t, m] for (s, ts, t, m) in self.log],
      "start_timestamp": _TsToJson(self.start_timestamp),
      "exec_timestamp": _TsToJson(self.exec_timestamp),
      "end_timestamp": _TsToJson(self.end_timestamp),
      "priority": self.priority,
    }


class QueuedJob:
  """A job: its opcodes plus job-level timestamps and runtime state.

  Attributes read by the query framework: ``id``, ``ops`` (list of
  :class:`QueuedOpCode`), ``received_timestamp``, ``start_timestamp``,
  ``end_timestamp``, ``archived``; methods :meth:`CalcStatus`,
  :meth:`CalcPriority`, :meth:`GetInfo`, :meth:`GetLogEntries`.

  ``writable`` is False for jobs loaded read-only (queries, archived
  jobs); such objects must never be written back.
  """

  def __init__(self, job_id, ops, writable=True, archived=False):
    if not ops:
      raise errors.OpPrereqError("A job needs at least one opcode",
                                 errors.ECODE_INVAL)
    self.id = int(job_id)
    self.ops = [QueuedOpCode(op) for op in ops]
    self.log_serial = 0
    self.received_timestamp = Now()
    self.start_timestamp = None
    self.end_timestamp = None
    self.writable = writable
    self.archived = archived
    self._InitRuntime()

  def _InitRuntime(self):
    # Guards every field; see the module docstring
    self.lock = threading.RLock()
    # Execution context of the current opcode (lock timeout strategy);
    # lives only in memory and is dropped when the opcode changes
    self.opctx = None

  def __repr__(self):
    return "<QueuedJob %s %s>" % (self.id, self.CalcStatus())

  @classmethod
  def Restore(cls, state, writable=True, archived=False):
    """Build a job from its job-file dict; raises on malformed data."""
    obj = cls.__new__(cls)
    obj.id = int(state["id"])
    obj.ops = [QueuedOpCode.Restore(s) for s in state["ops"]]
    if not obj.ops:
      raise ValueError("Job %s has no opcodes" % obj.id)
    obj.received_timestamp = _TsOrNone(state.get("received_timestamp"))
    obj.start_timestamp = _TsOrNone(state.get("start_timestamp"))
    obj.end_timestamp = _TsOrNone(state.get("end_timestamp"))
    obj.writable = writable
    obj.archived = archived
    obj.log_serial = max([0] + [e[0] for op in obj.ops for e in op.log])
    obj._InitRuntime()
    return obj

  @classmethod
  def Load(cls, data, writable=True, archived=False):
    """Parse job-file bytes; raises JobFileCorrupted on any problem."""
    try:
      return cls.Restore(serializer.LoadJson(data), writable=writable,
                         archived=archived)
    except Exception as err:  # any parse/shape error means corruption
      raise errors.JobFileCorrupted(str(err)) from err

  def Serialize(self):
    """The job-file dict (keys in Ganeti's order)."""
    return {
      "id": self.id,
      "ops": [op.Serialize() for op in self.ops],
      "received_timestamp": _TsToJson(self.received_timestamp),
      "start_timestamp": _TsToJson(self.start_timestamp),
      "end_timestamp": _TsToJson(self.end_timestamp),
    }

  def Dump(self):
    """The job file content: Ganeti JSON bytes with a trailing newline."""
    return serializer.DumpJson(self.Serialize())

  def CalcStatus(self):
    return CalcJobStatus(op.status for op in self.ops)

  def CalcPriority(self):
    """Minimum priority of the unfinished opcodes, or the default."""
    prios = [op.priority for op in self.ops
             if op.status not in constants.OPS_FINALIZED]
    return min(prios) if prios else constants.OP_PRIO_DEFAULT

  def IsFinalized(self):
    return self.CalcStatus() in constants.JOBS_FINALIZED

  def GetLogEntries(self, newer_than):
    """Log entries (as lists) with a serial greater than ``newer_than``."""
    serial = -1 if newer_than is None else newer_than
    return [[e[0], list(e[1]), e[2], e[3]]
            for op in self.ops for e in op.log if e[0] > serial]

  def AddLogEntry(self, op, log_type, message):
    """Append a log entry to ``op`` with the next job-wide serial."""
    self.log_serial += 1
    op.log.append((self.log_serial, Now(), log_type, message))

  def MarkUnfinishedOps(self, status, result):
    """Set status and result of every opcode not yet finalized."""
    for op in self.ops:
      if op.status not in constants.OPS_FINALIZED:
        op.status = status
        op.result = result

  def Finalize(self):
    """Record the job's end; required once every opcode is finalized."""
    self.end_timestamp = Now()
    self.opctx = None

  def Cancel(self):
    """Cancel the job if still possible; returns ``(success, message)``.

    Queued: canceled at once and finalized.  Waiting: marked canceling, the
    worker finishes the cancelation.  Otherwise refused.  The caller writes
    the job file on success.
    """
    status = self.CalcStatus()
    if status == constants.JOB_STATUS_QUEUED:
      self.MarkUnfinishedOps(constants.OP_STATUS_CANCELED, CANCEL_RESULT)
      self.Finalize()
      return (True, "Job %s canceled" % self.id)
    if status == constants.JOB_STATUS_WAITING:
      self.MarkUnfinishedOps(constants.OP_STATUS_CANCELING, None)
      return (True, "Job %s will be canceled" % self.id)
    return (False, "Job %s is no longer waiting in the queue" % self.id)

  def ChangePriority(self, priority):
    """Set the priority of the queued and waiting opcodes.

    Returns ``(success, message)``; the caller writes the file on success.
    """
    status = self.CalcStatus()
    if status in constants.JOBS_FINALIZED:
      return (False, "Job %s is finished" % self.id)
    if status == constants.JOB_STATUS_CANCELING:
      return (False, "Job %s is cancelling" % self.id)
    changed = False
    for op in self.ops:
      if op.status in (constants.OP_STATUS_QUEUED,
                       constants.OP_STATUS_WAITING):
        op.priority = priority
        changed = True
    if not changed:
      return (False, "Job %s had no pending opcodes" % self.id)
    self.opctx = None
    return (True, "Priorities of pending opcodes for job %s have been"
            " changed to %s" % (self.id, priority))

  def GetInfo(self, fields):
    """Values of the job query ``fields`` (unknown → OpPrereqError)."""
    row = []
    for fname in fields:
      if fname == "id":
        row.append(self.id)
      elif fname == "status":
        row.append(self.CalcStatus())
      elif fname == "priority":
        row.append(self.CalcPriority())
      elif fname == "archived":
        row.append(self.archived)
      elif fname == "ops":
        row.append([osparams.RedactOpState(op.input.__getstate__())
                    for op in self.ops])
      elif fname == "opresult":
        row.append([op.result for op in self.ops])
      elif fname == "opstatus":
        row.append([op.status for op in self.ops])
      elif fname == "oplog":
        row.append([[[s, list(ts), t, m] for (s, ts, t, m) in op.log]
                    for op in self.ops])
      elif fname == "opstart":
        row.append([_TsToJson(op.start_timestamp) for op in self.ops])
      elif fname == "opexec":
        row.append([_TsToJson(op.exec_timestamp) for op in self.ops])
      elif fname == "opend":
        row.append([_TsToJson(op.end_timestamp) for op in self.ops])
      elif fname == "oppriority":
        row.append([op.priority for op in self.ops])
      elif fname == "summary":
        row.append([op.input.Summary() for op in self.ops])
      elif fname == "received_ts":
        row.append(_TsToJson(self.received_timestamp))
      elif fname == "start_ts":
        row.append(_TsToJson(self.start_timestamp))
      elif fname == "end_ts":
        row.append(_TsToJson(self.end_timestamp))
      else:
        raise errors.OpPrereqError("Unknown job field '%s'" % fname,
                                   errors.ECODE_INVAL)
    return row
