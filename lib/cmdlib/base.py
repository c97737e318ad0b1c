"""Base classes of logical units (LUs), one per opcode.

Lifecycle, driven by :mod:`ganeti.mcpu`: construction (``CheckArguments``),
``ExpandNames``, ``DeclareLocks`` per level, ``CheckPrereq`` (changes
nothing), pre hooks, ``Exec``, post hooks.
"""

from ganeti import errors
from ganeti import locking


LOCKS_REPLACE = "replace"
LOCKS_APPEND = "append"


class ResultWithJobs:
  """An LU result that asks the processor to submit follow-up jobs."""

  def __init__(self, jobs, **kwargs):
    self.jobs = jobs
    self.other = kwargs


class LogicalUnit:
  HPATH = None
  HTYPE = None
  REQ_BGL = True

  def __init__(self, processor, op, context, cfg, rpc_runner):
    self.proc = processor
    self.op = op
    self.cfg = cfg
    self.glm = context.glm if context is not None else None
    self.context = context
    self.rpc = rpc_runner
    self.needed_locks = None
    self.share_locks = dict.fromkeys(locking.LEVELS, 0)
    self.opportunistic_locks = dict.fromkeys(locking.LEVELS, False)
    self.add_locks = {}
    self.remove_locks = {}
    self.recalculate_locks = {}
    self.dry_run_result = None
    if getattr(op, "debug_level", None) is None:
      op.debug_level = 0
    self.LogWarning = processor.LogWarning
    self.LogInfo = processor.LogInfo
    self.LogStep = processor.LogStep
    self.op.Validate(True)
    self.CheckArguments()

  def CheckArguments(self):
    """Check syntactic validity of the opcode arguments (no cluster state)."""

  def ExpandNames(self):
    raise NotImplementedError

  def DeclareLocks(self, level):
    """Compute the names to lock at ``level`` (lower levels are held)."""

  def CheckPrereq(self):
    """Check the cluster state allows the operation; changes nothing."""

  def Exec(self, feedback_fn):
    raise NotImplementedError

  def BuildHooksEnv(self):
    raise NotImplementedError

  def BuildHooksNodes(self):
    raise NotImplementedError

  def HooksCallBack(self, phase, hook_results, feedback_fn, lu_result):
    return lu_result

  # Helpers -----------------------------------------------------------
  def _ExpandAndLockInstance(self):
    """Expand op.instance_name and lock it exclusively."""
    if self.needed_locks is None:
      self.needed_locks = {}
    (self.op.instance_uuid, self.op.instance_name) = \
      ExpandInstanceUuidAndName(self.cfg, getattr(self.op, "instance_uuid",
                                                  None),
                                self.op.instance_name)
    self.needed_locks[locking.LEVEL_INSTANCE] = self.op.instance_name

  def _LockInstancesNodes(self, primary_only=False,
                          level=locking.LEVEL_NODE):
    wanted_nodes = []
    locked_i = self.glm.list_owned(locking.LEVEL_INSTANCE)
    for _, instance in self.cfg.GetAllInstancesInfo().items():
      if instance.name not in locked_i:
        continue
      nodes = self.cfg.GetInstanceNodes(instance.uuid)
      wanted_nodes.append(instance.primary_node)
      if not primary_only:
        wanted_nodes.extend(nodes[1:])
    if self.recalculate_locks[level] == LOCKS_REPLACE:
      self.needed_locks[level] = wanted_nodes
    else:
      self.needed_locks[level].extend(wanted_nodes)
    del self.recalculate_locks[level]


class NoHooksLU(LogicalUnit):
  HPATH = None
  HTYPE = None

  def BuildHooksEnv(self):
    raise AssertionError("BuildHooksEnv called for NoHooksLU")

  def BuildHooksNodes(self):
    raise AssertionError("BuildHooksNodes called for NoHooksLU")


def _ExpandUuidAndName(expand_fn, kind, expected_uuid, name):
  """(uuid, full name) of the ``kind`` object ("instance", "node") that
  ``expand_fn`` finds for ``name``.

  @raise errors.OpPrereqError: no such object (ECODE_NOENT), or its uuid
    is not ``expected_uuid`` (when given; ECODE_NOTUNIQUE)
  """
  (uuid, full_name) = expand_fn(name)
  if uuid is None:
    raise errors.OpPrereqError("%s '%s' not known" % (kind.capitalize(), name),
                               errors.ECODE_NOENT)
  if expected_uuid is not None and uuid != expected_uuid:
    raise errors.OpPrereqError("The %ss UUID '%s' does not match the"
                               " expected UUID '%s' for %s '%s'" %
                               (kind, uuid, expected_uuid, kind, full_name),
                               errors.ECODE_NOTUNIQUE)
  return (uuid, full_name)


def ExpandInstanceUuidAndName(cfg, expected_uuid, name):
  """(uuid, full name) of the instance ``name`` (see _ExpandUuidAndName)."""
  return _ExpandUuidAndName(cfg.ExpandInstanceName, "instance",
                            expected_uuid, name)


def ExpandNodeUuidAndName(cfg, expected_uuid, name):
  """(uuid, full name) of the node ``name`` (see _ExpandUuidAndName)."""
  return _ExpandUuidAndName(cfg.ExpandNodeName, "node", expected_uuid, name)
