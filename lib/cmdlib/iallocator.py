"""The iallocator framework on the master: requests, input, answers.

A request object (``IAReq*``, one per request type of
``doc/iallocator.rst``) knows its ``request`` dict and the shape of a valid
``result``.  :class:`IAllocator` builds the whole input message (protocol
version 2) from the configuration and the nodes' live data, runs the
allocator and checks its answer.

Allocators run on the master node through the ``iallocator_runner`` RPC
(the program is looked up in the master's iallocator search path), except
the built-in one, :data:`constants.IALLOCATOR_BUILTIN`, which runs in this
process (:mod:`ganeti.htools.simple`).  The cluster default
:data:`constants.DEFAULT_IALLOCATOR` ("hail") runs pyganeti's own hail
(:mod:`ganeti.htools.hail`) in this process when no program of that name
is installed.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import ht
from ganeti import pathutils
from ganeti import serializer
from ganeti import utils
from ganeti.cmdlib import iallocator_data
from ganeti.cmdlib.iallocator_data import ComputeDiskSize
from ganeti.htools import hail
from ganeti.htools import simple

#: The master's failure message for a missing program (same text as
#: ``backend.iallocator.NOT_FOUND_MSG``, which this layer must not import)
NOT_FOUND_MSG = "iallocator module '%s' not found in the search path"

_NEVAC_MOVED = ht.TListOf(ht.TAnd(ht.TListOrTuple, ht.TItems(
  [ht.TNonEmptyString, ht.TNonEmptyString, ht.TListOf(ht.TNonEmptyString)])))
_NEVAC_FAILED = ht.TListOf(ht.TAnd(ht.TListOrTuple, ht.TItems(
  [ht.TNonEmptyString, ht.TMaybe(ht.TString)])))
_NEVAC_JOB_OPS = frozenset(["OP_INSTANCE_FAILOVER", "OP_INSTANCE_MIGRATE",
                            "OP_INSTANCE_REPLACE_DISKS"])
_NEVAC_JOBS = ht.TListOf(ht.TListOf(ht.TAnd(
  ht.TDict, lambda op: op.get("OP_ID") in _NEVAC_JOB_OPS)))


def _IsLength(length):
  return lambda value: isinstance(value, (list, tuple)) and \
    len(value) == length


_NEVAC_RESULT = ht.TAnd(_IsLength(3),
                        ht.TItems([_NEVAC_MOVED, _NEVAC_FAILED, _NEVAC_JOBS]))
_MALLOC_RESULT = ht.TAnd(_IsLength(2), ht.TItems([
  ht.TListOf(ht.TAnd(_IsLength(2), ht.TItems(
    [ht.TNonEmptyString, ht.TListOf(ht.TNonEmptyString)]))),
  ht.TListOf(ht.TNonEmptyString)]))


class IARequestBase:
  """One request of the iallocator protocol."""
  MODE = None
  #: check of the "result" of a successful answer
  REQ_RESULT = ht.TList

  def __init__(self, **kwargs):
    for (key, value) in kwargs.items():
      setattr(self, key, value)

  def GetRequest(self, cfg):
    """The request dict (without "type")."""
    raise NotImplementedError

  def GetHypervisor(self, cfg):
    """The hypervisor whose node data the request needs."""
    return cfg.GetClusterInfo().enabled_hypervisors[0]

  def GetDiskTemplate(self, cfg):
    """The disk template whose storage the node data must show."""
    return None

  def ValidateResult(self, ia, result):
    """Raise ResultValidationError unless a successful answer fits."""
    if ia.success and not self.REQ_RESULT(result):
      raise errors.ResultValidationError(
        "iallocator returned invalid result, expected %s, got %s" %
        (self.REQ_RESULT, result))


class IAReqInstanceAlloc(IARequestBase):
  """Place a new instance (mode "allocate").

  Attributes: name, memory, spindle_use, disks (dicts with size and mode),
  disk_template, os, tags, nics (dicts with mac, ip, mode, link, bridge),
  vcpus, hypervisor, group_name (or None).
  """
  MODE = constants.IALLOCATOR_MODE_ALLOC

  def __init__(self, **kwargs):
    kwargs.setdefault("group_name", None)
    kwargs.setdefault("spindle_use", 1)
    IARequestBase.__init__(self, **kwargs)

  def RequiredNodes(self):
    if self.disk_template in constants.DTS_INT_MIRROR:
      return 2
    return 1

  def GetHypervisor(self, cfg):
    return self.hypervisor or IARequestBase.GetHypervisor(self, cfg)

  def GetDiskTemplate(self, cfg):
    return self.disk_template

  def GetRequest(self, cfg):
    request = {
      "name": self.name,
      "disk_template": self.disk_template,
      "tags": list(self.tags or []),
      "os": self.os,
      "vcpus": self.vcpus,
      "memory": self.memory,
      "spindle_use": self.spindle_use,
      "disks": [dict(d) for d in self.disks],
      "disk_space_total": ComputeDiskSize(self.disk_template, self.disks),
      "nics": [dict(n) for n in self.nics],
      "required_nodes": self.RequiredNodes(),
      "hypervisor": self.GetHypervisor(cfg),
      }
    if self.group_name:
      request["group_name"] = self.group_name
    return request

  def ValidateResult(self, ia, result):
    IARequestBase.ValidateResult(self, ia, result)
    if ia.success and len(result) != self.RequiredNodes():
      raise errors.ResultValidationError(
        "iallocator returned invalid number of nodes (%s), required %s" %
        (len(result), self.RequiredNodes()))


class IAReqInstanceAllocateSecondary(IARequestBase):
  """Choose a secondary node for an existing instance (attribute: name)."""
  MODE = constants.IALLOCATOR_MODE_ALLOCATE_SECONDARY
  REQ_RESULT = ht.TString

  def GetRequest(self, cfg):
    return {"name": self.name}


class IAReqMultiInstanceAlloc(IARequestBase):
  """Place several new instances (attribute: instances, IAReqInstanceAlloc
  objects)."""
  MODE = constants.IALLOCATOR_MODE_MULTI_ALLOC
  REQ_RESULT = _MALLOC_RESULT

  def GetHypervisor(self, cfg):
    if self.instances:
      return self.instances[0].GetHypervisor(cfg)
    return IARequestBase.GetHypervisor(self, cfg)

  def GetDiskTemplate(self, cfg):
    if self.instances:
      return self.instances[0].disk_template
    return None

  def GetRequest(self, cfg):
    return {"instances": [dict(req.GetRequest(cfg))
                          for req in self.instances]}


class IAReqRelocate(IARequestBase):
  """Move one node of a mirrored instance (attributes: inst_uuid,
  relocate_from_node_uuids)."""
  MODE = constants.IALLOCATOR_MODE_RELOC

  def _Instance(self, cfg):
    instance = cfg.GetInstanceInfo(self.inst_uuid)
    if instance is None:
      raise errors.ProgrammerError("Unknown instance '%s' passed to"
                                   " IAllocator" % self.inst_uuid)
    return instance

  def GetHypervisor(self, cfg):
    return self._Instance(cfg).hypervisor

  def GetDiskTemplate(self, cfg):
    return cfg.GetInstanceDiskTemplate(self.inst_uuid)

  def GetRequest(self, cfg):
    instance = self._Instance(cfg)
    template = cfg.GetInstanceDiskTemplate(instance.uuid)
    if template not in constants.DTS_MIRRORED:
      raise errors.OpPrereqError("Can't relocate non-mirrored instances",
                                 errors.ECODE_INVAL)
    secondaries = cfg.GetInstanceSecondaryNodes(instance.uuid)
    if template in constants.DTS_INT_MIRROR and len(secondaries) != 1:
      raise errors.OpPrereqError("Instance has not exactly one secondary"
                                 " node", errors.ECODE_STATE)
    disks = [{constants.IDISK_SIZE: d.size}
             for d in cfg.GetInstanceDisks(instance.uuid)]
    return {
      "name": instance.name,
      "disk_space_total": ComputeDiskSize(template, disks),
      "required_nodes": 1,
      "relocate_from": cfg.GetNodeNames(self.relocate_from_node_uuids),
      }

  def ValidateResult(self, ia, result):
    IARequestBase.ValidateResult(self, ia, result)
    if not ia.success:
      return
    if len(result) != 1:
      raise errors.ResultValidationError(
        "iallocator returned invalid number of nodes (%s), required 1" %
        len(result))
    instance = self._Instance(ia.cfg)
    node2group = dict((name, nd["group"])
                      for (name, nd) in ia.in_data["nodes"].items())
    groups = ia.in_data["nodegroups"]

    def to_groups(names):
      return sorted(set(groups.get(node2group.get(n), {}).get("name", n)
                        for n in names))
    primary = ia.cfg.GetNodeNames([instance.primary_node])
    request_groups = to_groups(
      ia.cfg.GetNodeNames(self.relocate_from_node_uuids) + primary)
    result_groups = to_groups(list(result) + primary)
    if not set(result_groups).issubset(request_groups):
      raise errors.ResultValidationError(
        "Groups of nodes returned by iallocator (%s) differ from original"
        " groups (%s)" % (utils.CommaJoin(result_groups),
                          utils.CommaJoin(request_groups)))


class IAReqNodeEvac(IARequestBase):
  """Evacuate instances off their nodes (attributes: instances (names),
  evac_mode)."""
  MODE = constants.IALLOCATOR_MODE_NODE_EVAC
  REQ_RESULT = _NEVAC_RESULT

  def GetRequest(self, cfg):
    return {"instances": list(self.instances),
            "evac_mode": self.evac_mode}


class IAReqGroupChange(IARequestBase):
  """Move instances to other node groups (attributes: instances (names),
  target_groups (UUIDs))."""
  MODE = constants.IALLOCATOR_MODE_CHG_GROUP
  REQ_RESULT = _NEVAC_RESULT

  def GetRequest(self, cfg):
    return {"instances": list(self.instances),
            "target_groups": list(self.target_groups)}


def _SearchPath():
  """The master's iallocator search path (this process runs there)."""
  return pathutils.Get().IAllocatorSearchPath()


def FindPlugin(name):
  """Path of the allocator program ``name`` on the master, or None.

  The rule of the master's ``iallocator_runner``: a plain name, found as
  an executable file in the first directory of the search path having it.
  """
  if not name or "/" in name or name in (".", ".."):
    return None
  for directory in _SearchPath():
    path = os.path.join(directory, name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
      return path
  return None


def CheckAllocatorName(name):
  """Fail unless ``name`` names an allocator the master can run.

  Accepted: the built-in allocator, the default name (which falls back
  to the built-in allocator when not installed), or a program in the
  master's iallocator search path.

  @raise errors.OpPrereqError: ECODE_INVAL
  """
  if name in (constants.IALLOCATOR_BUILTIN, constants.DEFAULT_IALLOCATOR):
    return
  if FindPlugin(name) is None:
    raise errors.OpPrereqError("Invalid default iallocator script '%s'"
                               " specified" % name, errors.ECODE_INVAL)


def ResolveName(cfg, name):
  """The allocator to run for ``name`` ("." and None: the default)."""
  if name in (None, constants.DEFAULT_IALLOCATOR_SHORTCUT):
    name = cfg.GetClusterInfo().default_iallocator
    if not name:
      raise errors.OpPrereqError("No default iallocator set in the cluster",
                                 errors.ECODE_INVAL)
  return name


class IAllocator:
  """One run of an allocator.

  After construction ``in_data``/``in_text`` hold the input message; after
  L{Run}, ``out_text`` the answer and (validated) ``success``, ``info``,
  ``result`` and ``out_data``.
  """

  def __init__(self, cfg, rpc_runner, req, live_data=None,
               node_whitelist=None):
    """Build the input message.

    @param node_whitelist: if given, the node UUIDs the allocator may use;
        the others are shown as offline (opportunistic locking)
    @param live_data: optional callable ``(cfg, rpc, node_uuids,
        hypervisor, disk_template)`` returning the dynamic node data (see
        L{ganeti.cmdlib.iallocator_data.ComputeDynamicNodeData}), for tests
    """
    self.cfg = cfg
    self.rpc = rpc_runner
    self.req = req
    self.in_text = None
    self.out_text = None
    self.success = None
    self.info = None
    self.result = None
    self.out_data = None
    self.used_name = None
    request = dict(req.GetRequest(cfg), type=req.MODE)
    self.in_data = iallocator_data.BuildInput(
      cfg, rpc_runner, request, req.GetHypervisor(cfg),
      req.GetDiskTemplate(cfg), live_data=live_data,
      node_whitelist=node_whitelist)
    self.in_text = serializer.DumpJson(self.in_data).decode("utf-8")

  def Run(self, name, validate=True, log_fn=None):
    """Run allocator ``name`` on the input message.

    @param validate: check the answer (set ``success``, ``info``,
        ``result``); without it only ``out_text`` is set
    @param log_fn: called with a message when the built-in allocator
        stands in for a missing default one
    @raise errors.OpExecError: the allocator could not run or its answer
        can't be parsed
    @raise errors.ResultValidationError: the answer has the wrong shape

    """
    name = ResolveName(self.cfg, name)
    if name == constants.IALLOCATOR_BUILTIN:
      self.out_text = self._RunBuiltin()
    else:
      result = self.rpc.call_iallocator_runner(self.cfg.GetMasterNode(), name,
                                               self.in_text)
      if result.fail_msg and name == constants.DEFAULT_IALLOCATOR and \
          not result.offline and result.fail_msg == NOT_FOUND_MSG % name:
        # no hail program installed: pyganeti's own hail answers
        self.out_text = self._RunHail()
      else:
        result.Raise("Failure while running the iallocator script")
        self.out_text = result.payload
    self.used_name = name
    if validate:
      self._ValidateResult()

  def _RunHail(self):
    """Answer with pyganeti's hail (L{ganeti.htools.hail}), in-process."""
    (code, out_text, err_text) = hail.Answer(self.in_text)
    if code != 0:
      raise errors.OpExecError("Failure while running the iallocator"
                               " script: %s" % err_text.strip())
    return out_text

  def _RunBuiltin(self):
    try:
      return simple.AllocateText(self.in_text)
    except simple.AllocatorError as err:
      raise errors.OpExecError("The built-in iallocator failed: %s" % err)

  def _ValidateResult(self):
    """Parse ``out_text`` and check it (sets success, info, result)."""
    try:
      rdict = serializer.LoadJson(self.out_text)
    except (ValueError, TypeError) as err:
      raise errors.OpExecError("Can't parse iallocator results: %s" % err)
    if not isinstance(rdict, dict):
      raise errors.OpExecError("Can't parse iallocator results: not a dict")
    # the protocol's older name of "result"
    if "nodes" in rdict and "result" not in rdict:
      rdict["result"] = rdict.pop("nodes")
    for key in ("success", "info", "result"):
      if key not in rdict:
        raise errors.OpExecError("Can't parse iallocator results:"
                                 " missing key '%s'" % key)
      setattr(self, key, rdict[key])
    self.req.ValidateResult(self, self.result)
    self.out_data = rdict
