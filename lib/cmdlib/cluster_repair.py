"""LUClusterRepairDiskSizes: fix recorded disk sizes from the real ones.

Each disk is asked for its dimensions on its instance's primary node
(``blockdev_getdimensions``: bytes and spindles).  A recorded size that
differs from the real size (in MiB, rounded down) is corrected in the
configuration; for DRBD disks a data child recorded smaller than its
parent is grown to the parent's size.  Disks that give no answer are
reported and left alone.  The result lists every change as
``(instance name, disk index, "size" or "spindles", new value)``.
"""

from ganeti import constants
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU, ExpandInstanceUuidAndName


def EnsureChildSizes(disk):
  """Grow a DRBD disk's data child to the parent's size; True if changed.

  The metadata child (the second) is never touched.
  """
  if disk.dev_type != constants.DT_DRBD8 or not disk.children:
    return False
  data = disk.children[0]
  if data.size < disk.size:
    data.size = disk.size
    return True
  return False


class LUClusterRepairDiskSizes(NoHooksLU):
  """Verify the disk sizes of (some or all) instances and fix them."""
  REQ_BGL = False

  def ExpandNames(self):
    if self.op.instances:
      self.wanted_names = []
      for name in self.op.instances:
        (_, full_name) = ExpandInstanceUuidAndName(self.cfg, None, name)
        self.wanted_names.append(full_name)
      self.needed_locks = {locking.LEVEL_INSTANCE: self.wanted_names}
    else:
      self.wanted_names = None
      self.needed_locks = {locking.LEVEL_INSTANCE: locking.ALL_SET}
    self.needed_locks[locking.LEVEL_NODE_RES] = locking.ALL_SET
    self.share_locks = {locking.LEVEL_INSTANCE: 0,
                        locking.LEVEL_NODE_RES: 1}

  def CheckPrereq(self):
    cfg = self.cfg
    if self.wanted_names is None:
      names = [cfg.GetInstanceInfo(u).name for u in cfg.GetInstanceList()]
    else:
      names = self.wanted_names
    self.wanted_instances = [cfg.GetInstanceInfoByName(n)
                             for n in utils.NiceSort(names)]

  def _FixDisk(self, instance, idx, disk, dims, changed):
    name = instance.name
    if dims is None:
      self.LogWarning("Disk %d of instance %s did not return size"
                      " information, ignoring", idx, name)
      return
    if not isinstance(dims, (list, tuple)) or len(dims) != 2 or \
        not isinstance(dims[0], int):
      self.LogWarning("Disk %d of instance %s did not return valid size"
                      " information, ignoring", idx, name)
      return
    (size, spindles) = dims
    size = size >> 20
    updated = False
    if size != disk.size:
      self.LogInfo("Disk %d of instance %s has mismatched size,"
                   " correcting: recorded %d, actual %d", idx, name,
                   disk.size, size)
      disk.size = size
      updated = True
      changed.append((name, idx, "size", size))
    if EnsureChildSizes(disk):
      self.LogInfo("Child disk of disk %d of instance %s has a smaller"
                   " recorded size than its parent, fixing", idx, name)
      updated = True
      changed.append((name, idx, "size", size))
    node = self.cfg.GetNodeInfo(instance.primary_node)
    es = self.cfg.GetClusterInfo().SimpleFillND(
      node.ndparams or {}).get(constants.ND_EXCLUSIVE_STORAGE)
    if es and spindles is not None and spindles != disk.spindles:
      self.LogInfo("Disk %d of instance %s has mismatched spindles,"
                   " correcting: recorded %s, actual %s", idx, name,
                   disk.spindles, spindles)
      disk.spindles = spindles
      updated = True
      changed.append((name, idx, "spindles", spindles))
    if updated:
      self.cfg.Update(disk, self.feedback_fn)

  def Exec(self, feedback_fn):
    self.feedback_fn = feedback_fn
    changed = []
    per_node = {}
    for instance in self.wanted_instances:
      per_node.setdefault(instance.primary_node, []).append(instance)
    for (node_uuid, instances) in per_node.items():
      node_name = self.cfg.GetNodeName(node_uuid)
      for instance in instances:
        disks = self.cfg.GetInstanceDisks(instance.uuid)
        if not disks:
          continue
        result = self.rpc.call_blockdev_getdimensions(node_uuid, disks)
        if result.fail_msg:
          self.LogWarning("Failure in blockdev_getdimensions call to node"
                          " %s, ignoring", node_name)
          continue
        dims = result.payload or []
        if len(dims) != len(disks):
          self.LogWarning("Invalid result from node %s: %s", node_name,
                          dims)
          continue
        for (idx, (disk, dim)) in enumerate(zip(disks, dims)):
          self._FixDisk(instance, idx, disk, dim, changed)
    return changed
