"""LUs for tags, test opcodes and the OS diagnose opcode."""

import re
import time

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti.cmdlib.base import NoHooksLU, ExpandNodeUuidAndName


class _TagsLU(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}
    kind = self.op.kind
    if kind == constants.TAG_NODE:
      (self.node_uuid, _) = ExpandNodeUuidAndName(self.cfg, None,
                                                  self.op.name)
      self.needed_locks[locking.LEVEL_NODE] = [self.node_uuid]
    elif kind == constants.TAG_INSTANCE:
      (uuid, name) = self.cfg.ExpandInstanceName(self.op.name)
      if uuid is None:
        raise errors.OpPrereqError("Instance '%s' not known" % self.op.name,
                                   errors.ECODE_NOENT)
      self.op.name = name
      self.needed_locks[locking.LEVEL_INSTANCE] = [name]

  def CheckPrereq(self):
    target = self.cfg.GetTagTarget(self.op.kind, self.op.name)
    if target is None:
      raise errors.OpPrereqError("Object '%s' of kind %s not known" %
                                 (self.op.name, self.op.kind),
                                 errors.ECODE_NOENT)
    self.target = target


class LUTagsGet(_TagsLU):
  def ExpandNames(self):
    _TagsLU.ExpandNames(self)
    # only a read: shared locks (setting and deleting tags is exclusive)
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def Exec(self, feedback_fn):
    return sorted(self.target.GetTags())


class LUTagsSet(_TagsLU):
  def CheckPrereq(self):
    _TagsLU.CheckPrereq(self)
    for tag in self.op.tags:
      try:
        self.target.ValidateTag(tag)
      except errors.TagError as err:
        raise errors.OpPrereqError(str(err), errors.ECODE_INVAL)
    if len(self.target.GetTags()) + len(self.op.tags) > \
        constants.MAX_TAGS_PER_OBJ:
      raise errors.TagError("Too many tags")

  def Exec(self, feedback_fn):
    for tag in self.op.tags:
      self.target.AddTag(tag)
    self.cfg.Update(self.target, feedback_fn)


class LUTagsDel(_TagsLU):
  def CheckPrereq(self):
    _TagsLU.CheckPrereq(self)
    diff = set(self.op.tags) - self.target.GetTags()
    if diff:
      raise errors.OpPrereqError("Tag(s) %s not found" %
                                 ", ".join("'%s'" % t for t in sorted(diff)),
                                 errors.ECODE_NOENT)

  def Exec(self, feedback_fn):
    for tag in self.op.tags:
      self.target.RemoveTag(tag)
    self.cfg.Update(self.target, feedback_fn)


class LUTagsSearch(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def CheckPrereq(self):
    try:
      self.re = re.compile(self.op.pattern)
    except re.error as err:
      raise errors.OpPrereqError("Invalid search pattern '%s': %s" %
                                 (self.op.pattern, err), errors.ECODE_INVAL)

  def Exec(self, feedback_fn):
    cfg = self.cfg
    tgts = [("/cluster", cfg.GetClusterInfo())]
    tgts.extend(("/instances/%s" % i.name, i)
                for i in cfg.GetAllInstancesInfo().values())
    tgts.extend(("/nodes/%s" % n.name, n)
                for n in cfg.GetAllNodesInfo().values())
    results = []
    for path, target in tgts:
      for tag in sorted(target.GetTags()):
        if self.re.search(tag):
          results.append((path, tag))
    return results


class LUTestDelay(NoHooksLU):
  """Sleep on the master and/or nodes, for testing."""
  REQ_BGL = False

  def CheckArguments(self):
    if self.op.duration <= 0 and not self.op.repeat:
      raise errors.OpPrereqError("Duration must be greater than zero")

  def ExpandNames(self):
    self.needed_locks = {}
    self.op.on_node_uuids = []
    for name in self.op.on_nodes:
      (uuid, _) = ExpandNodeUuidAndName(self.cfg, None, name)
      self.op.on_node_uuids.append(uuid)
    if self.op.on_node_uuids and not self.op.no_locks:
      self.needed_locks[locking.LEVEL_NODE] = self.op.on_node_uuids

  def _DelayOnce(self):
    if self.op.on_master:
      time.sleep(self.op.duration)
    if self.op.on_node_uuids:
      result = self.rpc.call_test_delay(self.op.on_node_uuids,
                                        self.op.duration)
      for node_uuid, node_result in result.items():
        node_result.Raise("Failure during rpc call to node %s" %
                          self.cfg.GetNodeName(node_uuid))

  def Exec(self, feedback_fn):
    if self.op.repeat == 0:
      self._DelayOnce()
    else:
      top_value = self.op.repeat - 1
      for i in range(self.op.repeat):
        self.LogInfo("Test delay iteration %d/%d", i, top_value)
        self._DelayOnce()


class LUTestJqueue(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    for msg in self.op.log_messages:
      feedback_fn(constants.ELOG_JQUEUE_TEST, msg)
    if self.op.fail:
      raise errors.OpExecError("Opcode failure was requested")
    return True


class LUOsDiagnose(NoHooksLU):
  """Diagnose OSes on all nodes (used by gnt-os list/diagnose)."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.DiagnoseOS(self.cfg, self.rpc, self.op.output_fields,
                                  self.op.names)
