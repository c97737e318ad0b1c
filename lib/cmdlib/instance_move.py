"""Instance move (OpInstanceMove): copy the disks to another node.

The instance is shut down, its disks are created on the target node and
their data copied chunk by chunk over the node RPC channel
(``blockdev_read_chunk`` on the source, ``blockdev_write_chunk`` on the
target, see :mod:`ganeti.backend.disk_copy`), the target becomes the
primary node, the source disks are removed and the instance is started
again if it is marked up.  A failed copy removes what was created on the
target and leaves the instance where it was.
"""

import time

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import LogicalUnit, ExpandNodeUuidAndName
from ganeti.cmdlib import instance_disks as idisks
from ganeti.cmdlib import instance_move_utils as mu
from ganeti.cmdlib import instance_storage as ist
from ganeti.cmdlib import instance_utils as iu

#: Bytes per copy call
CHUNK_SIZE = 8 * 1024 * 1024
_PROGRESS_INTERVAL = 10
_MIB = 1024 * 1024


def CopyDisk(lu, disk, src_uuid, dst_uuid, feedback_fn, chunk_size=None):
  """Copy the data of ``disk`` from node ``src_uuid`` to ``dst_uuid``.

  The disk must exist on both nodes.  Zero chunks are not sent; on a
  file target they stay holes.

  @return: the number of bytes copied
  @raise errors.OpExecError: a read or write failed
  """
  if chunk_size is None:
    chunk_size = CHUNK_SIZE
  src_name = lu.cfg.GetNodeName(src_uuid)
  dst_name = lu.cfg.GetNodeName(dst_uuid)
  total = disk.size * _MIB
  sparse_target = disk.dev_type in constants.DTS_FILEBASED
  offset = 0
  start = last = time.monotonic()
  while offset < total:
    length = min(chunk_size, total - offset)
    res = lu.rpc.call_blockdev_read_chunk(src_uuid, disk, offset, length)
    res.Raise("Can't read %s at offset %d on node %s" %
              (disk.iv_name, offset, src_name))
    (size, nread, data) = res.payload
    if nread != length:
      raise errors.OpExecError("Short read of %s on node %s: %d bytes at"
                               " offset %d instead of %d (the device has %d"
                               " bytes)" % (disk.iv_name, src_name, nread,
                                            offset, length, size))
    if data is not None or not sparse_target:
      res = lu.rpc.call_blockdev_write_chunk(dst_uuid, disk, offset, length,
                                             data)
      res.Raise("Can't write %s at offset %d on node %s" %
                (disk.iv_name, offset, dst_name))
    offset += length
    now = time.monotonic()
    if now - last > _PROGRESS_INTERVAL and offset < total:
      feedback_fn("%s: %s of %s copied (%d%%)" %
                  (disk.iv_name, utils.FormatUnit(offset // _MIB, "h"),
                   utils.FormatUnit(disk.size, "h"), 100 * offset // total))
      last = now
  lu.LogInfo("Copied %s (%s) from %s to %s in %.1f seconds", disk.iv_name,
             utils.FormatUnit(disk.size, "h"), src_name, dst_name,
             time.monotonic() - start)
  return total


class LUInstanceMove(LogicalUnit):
  """Move an instance by copying its disks to another node."""
  HPATH = "instance-move"
  HTYPE = constants.HTYPE_INSTANCE
  REQ_BGL = False

  def CheckArguments(self):
    cluster = self.cfg.GetClusterInfo()
    tools = [constants.IEC_NONE] + list(cluster.compression_tools or [])
    if self.op.compress not in tools:
      raise errors.OpPrereqError("Compression tool '%s' is not among the"
                                 " enabled ones (%s)" %
                                 (self.op.compress, utils.CommaJoin(tools)),
                                 errors.ECODE_INVAL)

  def ExpandNames(self):
    self._ExpandAndLockInstance()
    (self.op.target_node_uuid, self.op.target_node) = ExpandNodeUuidAndName(
      self.cfg, self.op.target_node_uuid, self.op.target_node)
    self.needed_locks[locking.LEVEL_NODE] = [self.op.target_node_uuid]
    self.needed_locks[locking.LEVEL_NODE_RES] = []
    self.recalculate_locks[locking.LEVEL_NODE] = "append"

  def DeclareLocks(self, level):
    if level == locking.LEVEL_NODE:
      self._LockInstancesNodes(primary_only=True)
    elif level == locking.LEVEL_NODE_RES:
      self.needed_locks[locking.LEVEL_NODE_RES] = \
        list(self.needed_locks[locking.LEVEL_NODE])

  def BuildHooksEnv(self):
    env = {"TARGET_NODE": self.op.target_node,
           "SHUTDOWN_TIMEOUT": self.op.shutdown_timeout}
    env.update(iu.BuildInstanceHookEnv(self.cfg, self.instance))
    return env

  def BuildHooksNodes(self):
    nl = [self.cfg.GetMasterNode(), self.instance.primary_node,
          self.op.target_node_uuid]
    return (nl, nl)

  def CheckPrereq(self):
    instance = self.instance = self.cfg.GetInstanceInfo(self.op.instance_uuid)
    for (idx, disk) in enumerate(self.cfg.GetInstanceDisks(instance.uuid)):
      if disk.dev_type not in constants.DTS_COPYABLE:
        raise errors.OpPrereqError("Instance disk %d has disk type %s and is"
                                   " not suitable for copying" %
                                   (idx, disk.dev_type), errors.ECODE_STATE)
    target = self.cfg.GetNodeInfo(self.op.target_node_uuid)
    if target.uuid == instance.primary_node:
      raise errors.OpPrereqError("Instance %s is already on the node %s" %
                                 (instance.name, target.name),
                                 errors.ECODE_STATE)
    cluster = self.cfg.GetClusterInfo()
    bep = cluster.FillBE(instance)
    iu.CheckNodeOnline(self, target.uuid)
    iu.CheckNodeNotDrained(self, target.uuid)
    iu.CheckNodeVmCapable(self, target.uuid)
    mu.CheckTargetNodeIPolicy(self, instance, target,
                              ignore=self.op.ignore_ipolicy)
    if instance.admin_state == constants.ADMINST_UP:
      mu.CheckNodeFreeMemory(self, target.uuid, "failing over instance %s" %
                             instance.name, bep[constants.BE_MAXMEM],
                             instance.hypervisor,
                             cluster.hvparams.get(instance.hypervisor, {}))
    else:
      self.LogInfo("Not checking memory on the secondary node as instance"
                   " will not be started")

  def Exec(self, feedback_fn):
    instance = self.instance
    source = self.cfg.GetNodeInfo(instance.primary_node)
    target = self.cfg.GetNodeInfo(self.op.target_node_uuid)
    self.LogInfo("Shutting down instance %s on source node %s",
                 instance.name, source.name)
    res = self.rpc.call_instance_shutdown(source.uuid, instance,
                                          self.op.shutdown_timeout,
                                          self.op.reason)
    if self.op.ignore_consistency:
      res.Warn("Could not shutdown instance %s on node %s. Proceeding"
               " anyway. Please make sure node %s is down. Error details" %
               (instance.name, source.name, source.name), self.LogWarning)
    else:
      res.Raise("Could not shutdown instance %s on node %s" %
                (instance.name, source.name))
    disks = self.cfg.GetInstanceDisks(instance.uuid)
    if disks:
      idisks.ShutdownInstanceDisks(self, instance, ignore_primary=True)
    try:
      ist.CreateDisks(self, instance, disks, target_node_uuid=target.uuid)
    except errors.OpExecError:
      self.LogWarning("Device creation failed")
      raise
    try:
      for disk in disks:
        CopyDisk(self, disk, source.uuid, target.uuid, feedback_fn)
    except errors.OpExecError as err:
      self.LogWarning("Some disks failed to copy, aborting")
      ist.RemoveDisks(self, instance, disks, target_node_uuid=target.uuid)
      raise errors.OpExecError("Errors during disk copy: %s" % err)
    instance = self.cfg.GetInstanceInfo(instance.uuid)
    mu.SetInstancePrimary(self, instance, target.uuid, feedback_fn)
    instance = self.instance = self.cfg.GetInstanceInfo(instance.uuid)
    if disks:
      self.LogInfo("Removing the disks on the original node")
      ist.RemoveDisks(self, instance, disks, target_node_uuid=source.uuid)
    if instance.admin_state == constants.ADMINST_UP:
      self.LogInfo("Starting instance %s on node %s", instance.name,
                   target.name)
      (disks_ok, _) = idisks.AssembleInstanceDisks(self, instance,
                                                   ignore_secondaries=True)
      if not disks_ok:
        idisks.ShutdownInstanceDisks(self, instance)
        raise errors.OpExecError("Can't activate the instance's disks")
      instance = self.cfg.GetInstanceInfo(instance.uuid)
      res = self.rpc.call_instance_start(target.uuid, (instance, None, None),
                                         False, self.op.reason)
      if res.fail_msg:
        idisks.ShutdownInstanceDisks(self, instance)
        raise errors.OpExecError("Could not start instance %s on node %s: %s"
                                 % (instance.name, target.name, res.fail_msg))
