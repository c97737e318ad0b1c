"""The processor: runs one opcode through its logical unit's lifecycle.

``Processor.ExecOpCode`` takes the Big Ganeti Lock (exclusive for LUs with
``REQ_BGL``), expands names, acquires the LU's locks level by level (in
level order, honouring timeouts and the job's priority), checks
prerequisites, runs the pre hooks, executes, runs the post hooks and
releases everything.
"""

import logging
import time

from ganeti import constants
from ganeti import errors
from ganeti import hooksmaster
from ganeti import locking
from ganeti import opcodes
from ganeti import osparams
from ganeti.cmdlib import base as cmdlib_base
from ganeti.jqueue.execution import LockAcquireTimeout


def _LUNameForOpName(opname: str) -> str:
  return "LU" + opname[2:]


_LU_MAP = None


def _GetLUMap():
  """Map opcode classes to their LU classes (every LU module imported)."""
  global _LU_MAP  # pylint: disable=global-statement
  if _LU_MAP is None:
    from ganeti import cmdlib
    lumap = {}
    for op in opcodes.OP_MAPPING.values():
      lu = getattr(cmdlib, _LUNameForOpName(op.__name__), None)
      if lu is not None:
        lumap[op] = lu
    _LU_MAP = lumap
  return _LU_MAP


class OpExecCbBase:
  """Callbacks from the processor to the job queue (default: no-ops)."""

  def NotifyStart(self):
    pass

  def Feedback(self, *args):
    pass

  def CurrentPriority(self):
    return None

  def SubmitManyJobs(self, jobs):
    raise NotImplementedError

  def CheckCancel(self):
    pass


class Processor:
  """Execute one opcode at a time on behalf of a job."""

  def __init__(self, context, ec_id, enable_locks=True):
    self.context = context
    self._ec_id = ec_id
    self._cbs = None
    self.rpc = context.rpc
    self.hmclass = hooksmaster.HooksMaster
    self._enable_locks = enable_locks

  def _CheckLocksEnabled(self):
    if not self._enable_locks:
      raise errors.ProgrammerError("Attempted to use disabled locks")

  def _AcquireLocks(self, level, names, shared, opportunistic, timeout):
    self._CheckLocksEnabled()
    if self._cbs:
      priority = self._cbs.CurrentPriority()
    else:
      priority = None
    if priority is None:
      priority = constants.OP_PRIO_DEFAULT
    if names == locking.ALL_SET:
      if opportunistic:
        expand_fns = {
          locking.LEVEL_CLUSTER: (lambda: [locking.BGL]),
          locking.LEVEL_INSTANCE: self.context.cfg.GetInstanceList,
          locking.LEVEL_NODEGROUP: self.context.cfg.GetAllNodeGroupsInfo,
          locking.LEVEL_NODE: self.context.cfg.GetNodeList,
          locking.LEVEL_NODE_RES: self.context.cfg.GetNodeList,
        }
        names = list(expand_fns[level]())
    acquired = self.context.glm.acquire(level, names, shared=shared,
                                        timeout=timeout, priority=priority,
                                        opportunistic=opportunistic)
    if acquired is None:
      raise LockAcquireTimeout()
    return acquired

  def _ExecLU(self, lu):
    write_count = self.context.cfg.GetWriteCount()
    lu.CheckPrereq()
    hm = self.BuildHooksManager(lu)
    h_results = hm.RunPhase(constants.HOOKS_PHASE_PRE)
    lu.HooksCallBack(constants.HOOKS_PHASE_PRE, h_results, self.Log, None)
    if getattr(lu.op, "dry_run", False):
      self.LogInfo("dry-run mode requested, not actually executing"
                   " the operation")
      return lu.dry_run_result
    result = lu.Exec(self.Log)
    if isinstance(result, cmdlib_base.ResultWithJobs):
      result = self._ProcessResult(result)
    h_results = hm.RunPhase(constants.HOOKS_PHASE_POST)
    result = lu.HooksCallBack(constants.HOOKS_PHASE_POST, h_results,
                              self.Log, result)
    if write_count != self.context.cfg.GetWriteCount():
      hm.RunConfigUpdate()
    return result

  def _ProcessResult(self, result):
    op = self._op
    for ops in result.jobs:
      for child in ops:
        if getattr(child, "priority", None) is None:
          child.priority = op.priority
        if getattr(child, "comment", None) is None:
          child.comment = "Submitted by %s" % op.OP_ID
        child.reason = (list(getattr(op, "reason", None) or []) +
                        list(getattr(child, "reason", None) or []))
    job_submission = self._cbs.SubmitManyJobs(result.jobs)
    ret = dict(result.other)
    ret["jobs"] = job_submission
    return ret

  def BuildHooksManager(self, lu):
    return self.hmclass.BuildFromLu(lu.rpc.call_hooks_runner, lu)

  def _LockAndExecLU(self, lu, level, calc_timeout):
    adding_locks = level in lu.add_locks
    acquiring_locks = level in lu.needed_locks
    if level not in locking.LEVELS:
      if self._cbs:
        self._cbs.NotifyStart()
      try:
        result = self._ExecLU(lu)
      except AssertionError as err:
        logging.exception("Detected AssertionError")
        raise errors.OpExecError("Internal assertion error: please report"
                                 " this as a bug.\nError message: '%s'" %
                                 str(err))
      return result
    if adding_locks and acquiring_locks:
      raise errors.ProgrammerError("Can't declare locks to acquire when"
                                   " adding others")
    if adding_locks or acquiring_locks:
      self._CheckLocksEnabled()
      lu.DeclareLocks(level)
      share = lu.share_locks[level]
      opportunistic = lu.opportunistic_locks[level]
      try:
        if adding_locks:
          needed_locks = lu.add_locks[level]
          if isinstance(needed_locks, str):
            needed_locks = [needed_locks]
          try:
            self.context.glm.add(level, needed_locks, acquired=1,
                                 shared=share)
          except errors.LockError:
            logging.exception("Detected lock error in level %s for locks"
                              " %s, shared=%s", level, needed_locks, share)
            raise errors.OpPrereqError(
              "Couldn't add locks (%s), most likely because of another"
              " job who added them first" % needed_locks,
              errors.ECODE_NOTUNIQUE)
          # removed again after execution unless the LU takes them over
          lu.remove_locks[level] = needed_locks
        else:
          needed_locks = lu.needed_locks[level]
          if isinstance(needed_locks, str):
            needed_locks = [needed_locks]
          self._AcquireLocks(level, needed_locks, share, opportunistic,
                             calc_timeout())
        try:
          result = self._LockAndExecLU(lu, level + 1, calc_timeout)
        finally:
          if level in lu.remove_locks:
            self.context.glm.remove(level, lu.remove_locks[level])
      finally:
        if self.context.glm.is_owned(level):
          self.context.glm.release(level)
    else:
      result = self._LockAndExecLU(lu, level + 1, calc_timeout)
    return result

  def ExecOpCode(self, op, cbs, timeout=None, priority=None):
    """Run ``op``; raise LockAcquireTimeout if locks are not available."""
    if not isinstance(op, opcodes.OpCode):
      raise errors.ProgrammerError("Non-opcode instance passed to"
                                   " ExecOpcode (%s)" % type(op))
    lu_class = _GetLUMap().get(op.__class__)
    if lu_class is None:
      raise errors.OpCodeUnknown("Unknown opcode")
    osparams.CheckNotRedacted(op)
    if timeout is None:
      calc_timeout = lambda: None  # noqa: E731
    else:
      deadline = time.monotonic() + timeout
      calc_timeout = lambda: max(0.0, deadline - time.monotonic())  # noqa
    self._cbs = cbs
    self._op = op
    try:
      if self._enable_locks:
        self._AcquireLocks(locking.LEVEL_CLUSTER, [locking.BGL],
                           not lu_class.REQ_BGL, False, calc_timeout())
      elif lu_class.REQ_BGL:
        raise errors.ProgrammerError("Opcode '%s' requires BGL, but locks"
                                     " are disabled" % op.OP_ID)
      try:
        lu = lu_class(self, op, self.context, self.context.cfg, self.rpc)
        lu.ExpandNames()
        assert lu.needed_locks is not None, "needed_locks not set by LU"
        try:
          result = self._LockAndExecLU(lu, locking.LEVEL_CLUSTER + 1,
                                       calc_timeout)
        finally:
          self.context.cfg.ReleaseTemporary(self._ec_id)
      finally:
        if self._enable_locks:
          self.context.glm.release(locking.LEVEL_CLUSTER)
    finally:
      self._cbs = None
    if not (getattr(op, "dry_run", False) or op.OP_RESULT is None or
            op.OP_RESULT(result)):
      logging.error("Expected opcode result matching %s, got %r",
                    op.OP_RESULT, result)
    return result

  # Feedback ------------------------------------------------------------
  def Log(self, *args):
    logging.debug("Step %d/%d %s", 0, 0, args)
    if self._cbs:
      self._cbs.Feedback(*args)

  def LogStep(self, current, total, message):
    self.Log("STEP %d/%d %s" % (current, total, message))

  def LogWarning(self, message, *args, **kwargs):
    assert not kwargs or (len(kwargs) == 1 and "hint" in kwargs), \
      "Invalid keyword arguments for LogWarning (%s)" % str(kwargs)
    if args:
      message = message % tuple(args)
    if message:
      logging.warning(message)
      self.Log(" - WARNING: %s" % message)
    if "hint" in kwargs:
      self.Log("      Hint: %s" % kwargs["hint"])

  def LogInfo(self, message, *args):
    if args:
      message = message % tuple(args)
    logging.info(message)
    self.Log(" - INFO: %s" % message)

  def GetECId(self):
    return self._ec_id
