"""LUInstanceMultiAlloc: create several instances at once.

The LU changes no configuration itself: it places the instances (with the
allocator's "multi-allocate" request when an iallocator is used, else on
the nodes each create opcode names) and submits one job per placeable
instance, each holding its OpInstanceCreate.  The result lists the jobs
and the names of the instances that were (``allocatable``) and were not
(``failed``) placed.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib import iallocator
from ganeti.cmdlib.allocator import (_DiskRequests, _FilledBeParams,
                                     _NicRequests)
from ganeti.cmdlib.base import NoHooksLU, ResultWithJobs

#: Keys of the LU's result besides "jobs"
ALLOCATABLE_KEY = "allocatable"
FAILED_KEY = "failed"


def _Get(op, name):
  """A parameter of a (not default-filled) create opcode, or None."""
  return getattr(op, name, None)


def _AllocRequest(cluster, op):
  """The allocator request placing the instance of create opcode ``op``."""
  be_full = _FilledBeParams(cluster, _Get(op, "beparams"))
  disk_template = _Get(op, "disk_template") or \
    cluster.enabled_disk_templates[0]
  return iallocator.IAReqInstanceAlloc(
    name=op.instance_name, disk_template=disk_template,
    group_name=_Get(op, "group_name"), tags=list(_Get(op, "tags") or []),
    os=op.os_type, vcpus=be_full[constants.BE_VCPUS],
    memory=be_full[constants.BE_MAXMEM],
    spindle_use=be_full[constants.BE_SPINDLE_USE],
    disks=_DiskRequests(op.disks), nics=_NicRequests(cluster, _Get(op, "nics") or []),
    hypervisor=_Get(op, "hypervisor") or cluster.enabled_hypervisors[0])


class LUInstanceMultiAlloc(NoHooksLU):
  REQ_BGL = False

  def CheckArguments(self):
    """Either every instance names its nodes or none does (then an
    allocator places them: the opcode's or the cluster default); the
    instances may not name an allocator; names are unique."""
    have_nodes = []
    for inst in self.op.instances:
      if _Get(inst, "iallocator") is not None:
        raise errors.OpPrereqError("iallocator are not allowed to be set on"
                                   " instance objects", errors.ECODE_INVAL)
      have_nodes.append(bool(_Get(inst, "pnode")))
      if _Get(inst, "disk_template") in constants.DTS_INT_MIRROR:
        have_nodes.append(bool(_Get(inst, "snode")))
    some = any(have_nodes)
    if some and not all(have_nodes):
      raise errors.OpPrereqError("There are instance objects providing"
                                 " pnode/snode while others do not",
                                 errors.ECODE_INVAL)
    if not some and self.op.iallocator is None:
      default = self.cfg.GetClusterInfo().default_iallocator
      if not default:
        raise errors.OpPrereqError(
          "No iallocator or nodes on the instances given and no"
          " cluster-wide default iallocator found; please specify either"
          " an iallocator or nodes on the instances or set a cluster-wide"
          " default iallocator", errors.ECODE_INVAL)
      self.op.iallocator = default
    if self.op.opportunistic_locking and not self.op.iallocator:
      raise errors.OpPrereqError("Opportunistic locking is only available in"
                                 " combination with an instance allocator",
                                 errors.ECODE_INVAL)
    names = [inst.instance_name for inst in self.op.instances]
    dups = sorted(set(n for n in names if names.count(n) > 1))
    if dups:
      raise errors.OpPrereqError("There are duplicate instance names: %s" %
                                 utils.CommaJoin(dups), errors.ECODE_INVAL)

  def ExpandNames(self):
    """Shared locks: all nodes with an allocator, else the named ones."""
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.needed_locks = {}
    if self.op.iallocator:
      self.needed_locks[locking.LEVEL_NODE] = locking.ALL_SET
      if self.op.opportunistic_locking:
        self.opportunistic_locks[locking.LEVEL_NODE] = True
      return
    uuids = set()
    for inst in self.op.instances:
      for name in (_Get(inst, "pnode"), _Get(inst, "snode")):
        if name:
          (uuid, _) = self.cfg.ExpandNodeName(name)
          if uuid is None:
            raise errors.OpPrereqError("Node '%s' not found" % name,
                                       errors.ECODE_NOENT)
          uuids.add(uuid)
    self.needed_locks[locking.LEVEL_NODE] = sorted(uuids)

  def CheckPrereq(self):
    for inst in self.op.instances:
      (uuid, _) = self.cfg.ExpandInstanceName(inst.instance_name)
      if uuid is not None:
        raise errors.OpPrereqError("Instance '%s' is already in the cluster"
                                   % inst.instance_name, errors.ECODE_EXISTS)

  def _Allocate(self):
    """Run the allocator; return (ops with their nodes set, failed)."""
    cluster = self.cfg.GetClusterInfo()
    name = iallocator.ResolveName(self.cfg, self.op.iallocator)
    req = iallocator.IAReqMultiInstanceAlloc(
      instances=[_AllocRequest(cluster, op) for op in self.op.instances])
    whitelist = None
    if self.op.opportunistic_locking and self.glm is not None:
      whitelist = self.glm.list_owned(locking.LEVEL_NODE)
    ial = iallocator.IAllocator(self.cfg, self.rpc, req,
                                node_whitelist=whitelist)
    ial.Run(name, log_fn=self.LogInfo)
    if not ial.success:
      raise errors.OpPrereqError("Can't compute nodes using iallocator '%s':"
                                 " %s" % (name, ial.info),
                                 errors.ECODE_NORES)
    (placed, failed) = ial.result
    by_name = dict((op.instance_name, op) for op in self.op.instances)
    ops = []
    for (inst_name, nodes) in placed:
      op = by_name[inst_name]
      op.iallocator = None
      op.pnode = nodes[0]
      op.snode = nodes[1] if len(nodes) > 1 else None
      ops.append(op)
    self.LogInfo("Iallocator %s placed %d instance(s), %d failed", name,
                 len(ops), len(failed))
    return (ops, list(failed))

  def Exec(self, feedback_fn):
    if self.op.iallocator:
      (ops, failed) = self._Allocate()
    else:
      (ops, failed) = (list(self.op.instances), [])
    return ResultWithJobs([[op] for op in ops],
                          **{ALLOCATABLE_KEY: [op.instance_name
                                               for op in ops],
                             FAILED_KEY: failed})
