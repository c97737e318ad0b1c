"""Bringing instance disks up and down, and waiting for mirrors to sync.

Mirrored (DRBD) disks are assembled in two passes, as Ganeti does: first
on every node in secondary mode, then on the primary in primary mode, so
that the peers have had a chance to connect before one side becomes
primary.  Non-mirrored disks live on the primary node only.
"""

import logging
import time

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.cmdlib import instance_storage as ist

#: the clock and sleep WaitForSync uses (tests replace them)
_time = time

#: local disk status "okay" (Ganeti's LDS_OKAY)
LDS_OKAY = 1


def FormatSeconds(secs):
  """``1d 2h 3m 4s`` style duration, leading zero units left out."""
  secs = int(round(secs))
  parts = []
  if secs > 0:
    for (unit, length) in (("d", 86400), ("h", 3600), ("m", 60)):
      (count, secs) = divmod(secs, length)
      if count or parts:
        parts.append("%d%s" % (count, unit))
  parts.append("%ds" % secs)
  return " ".join(parts)


def _SelectDisks(lu, instance, disks):
  all_disks = lu.cfg.GetInstanceDisks(instance.uuid)
  if disks is None:
    return all_disks
  uuids = set(d.uuid for d in all_disks)
  if not set(d.uuid for d in disks).issubset(uuids):
    raise errors.ProgrammerError("Can only act on disks belonging to the"
                                 " target instance")
  return disks


def _NoSize(disk):
  copy = disk.Copy() if hasattr(disk, "Copy") else \
    disk.__class__.FromDict(disk.ToDict())
  copy.size = None
  for child in copy.children or []:
    child.size = None
  return copy


def AssembleInstanceDisks(lu, instance, disks=None, ignore_secondaries=False,
                          ignore_size=False):
  """Assemble the disks on all the instance's nodes.

  @return: (disks_ok, [(primary node name, iv_name, device path)])

  """
  if disks is None:
    # marked first, so the watcher does not shut them down meanwhile
    lu.cfg.MarkInstanceDisksActive(instance.uuid)
  disks = _SelectDisks(lu, instance, disks)
  pnode = instance.primary_node
  disks_ok = True
  # first pass: every node, secondary mode
  for (idx, inst_disk) in enumerate(disks):
    for (node_uuid, node_disk) in ist.ComputeNodeTree(inst_disk, pnode):
      if node_uuid == pnode and \
          inst_disk.dev_type not in constants.DTS_INT_MIRROR:
        continue
      if ignore_size:
        node_disk = _NoSize(node_disk)
      result = lu.rpc.call_blockdev_assemble(node_uuid, node_disk, instance,
                                             False, idx)
      if result.fail_msg:
        is_offline_secondary = node_uuid != pnode and result.offline
        lu.LogWarning("Could not prepare block device %s on node %s"
                      " (is_primary=False, pass=1): %s", inst_disk.iv_name,
                      lu.cfg.GetNodeName(node_uuid), result.fail_msg)
        if not (ignore_secondaries or is_offline_secondary):
          disks_ok = False
  # second pass: the primary only
  device_info = []
  for (idx, inst_disk) in enumerate(disks):
    dev_path = None
    node_disk = _NoSize(inst_disk) if ignore_size else inst_disk
    result = lu.rpc.call_blockdev_assemble(pnode, node_disk, instance, True,
                                           idx)
    if result.fail_msg:
      lu.LogWarning("Could not prepare block device %s on node %s"
                    " (is_primary=True, pass=2): %s", inst_disk.iv_name,
                    lu.cfg.GetNodeName(pnode), result.fail_msg)
      disks_ok = False
    else:
      payload = result.payload
      dev_path = payload[0] if isinstance(payload, (list, tuple)) \
        else payload
    device_info.append((lu.cfg.GetNodeName(pnode), inst_disk.iv_name,
                        dev_path))
  if not disks_ok:
    lu.cfg.MarkInstanceDisksInactive(instance.uuid)
  return (disks_ok, device_info)


def ShutdownInstanceDisks(lu, instance, disks=None, ignore_primary=False):
  """Shut the disks down on all nodes; False if a needed node failed.

  Failures on the primary count unless ``ignore_primary``; failures on
  secondaries count unless the node is offline.
  """
  all_result = True
  if disks is None:
    lu.cfg.MarkInstanceDisksInactive(instance.uuid)
  disks = _SelectDisks(lu, instance, disks)
  pnode = instance.primary_node
  for disk in disks:
    for (node_uuid, top_disk) in ist.ComputeNodeTree(disk, pnode):
      result = lu.rpc.call_blockdev_shutdown(node_uuid, top_disk)
      if result.fail_msg:
        lu.LogWarning("Could not shutdown block device %s on node %s: %s",
                      disk.iv_name, lu.cfg.GetNodeName(node_uuid),
                      result.fail_msg)
        if ((node_uuid == pnode and not ignore_primary) or
            (node_uuid != pnode and not result.offline)):
          all_result = False
  return all_result


def StartInstanceDisks(lu, instance, force=None):
  """Assemble all disks or fail with "Disk consistency error"."""
  (disks_ok, _) = AssembleInstanceDisks(lu, instance,
                                        ignore_secondaries=bool(force))
  if not disks_ok:
    ShutdownInstanceDisks(lu, instance)
    if force is not None and not force:
      lu.LogWarning("", hint=("If the message above refers to a secondary"
                              " node, you can retry the operation using"
                              " '--force'"))
    raise errors.OpExecError("Disk consistency error")


def _Status(value):
  """A BlockDevStatus-like dict from an RPC payload entry (or None)."""
  if value is None:
    return None
  if isinstance(value, (list, tuple)) and len(value) == 2 and \
      isinstance(value[0], bool):
    (success, status) = value
    return status if success and isinstance(status, dict) else None
  if isinstance(value, dict):
    return value
  if hasattr(value, "ToDict"):
    return value.ToDict()
  return None


def WaitForSync(lu, instance, disks=None, oneshot=False):
  """Poll the primary until the mirrors are in sync; False if degraded.

  Each poll logs one line per disk still syncing:
  ``- device disk/0: 35.50% done, 11s remaining (estimated)``.
  """
  all_disks = lu.cfg.GetInstanceDisks(instance.uuid)
  if not all_disks or (disks is not None and not disks):
    return True
  disks = _SelectDisks(lu, instance, disks)
  if not oneshot:
    lu.LogInfo("Waiting for instance %s to sync disks", instance.name)
  node_uuid = instance.primary_node
  node_name = lu.cfg.GetNodeName(node_uuid)
  retries = 0
  degr_retries = ist.DEGRADED_RETRIES
  while True:
    max_time = 0
    done = True
    cumul_degraded = False
    rstats = lu.rpc.call_blockdev_getmirrorstatus(node_uuid, disks)
    if rstats.fail_msg:
      lu.LogWarning("Can't get any data from node %s: %s", node_name,
                    rstats.fail_msg)
      retries += 1
      if retries >= ist.SYNC_RETRIES:
        raise errors.RemoteError("Can't contact node %s for mirror data,"
                                 " aborting." % node_name)
      _time.sleep(ist.SYNC_RETRY_DELAY)
      continue
    retries = 0
    for (disk, value) in zip(disks, rstats.payload or []):
      mstat = _Status(value)
      if mstat is None:
        lu.LogWarning("Can't compute data for node %s/%s", node_name,
                      disk.iv_name)
        continue
      sync_percent = mstat.get("sync_percent")
      cumul_degraded = (cumul_degraded or
                        (mstat.get("is_degraded") and sync_percent is None))
      if sync_percent is not None:
        done = False
        est = mstat.get("estimated_time")
        if est is not None:
          rem_time = "%s remaining (estimated)" % FormatSeconds(est)
          max_time = est
        else:
          rem_time = "no time estimate"
        lu.LogInfo("- device %s: %5.2f%% done, %s", disk.iv_name,
                   sync_percent, rem_time)
    if (done or oneshot) and cumul_degraded and degr_retries > 0:
      logging.info("Degraded disks found, %d retries left", degr_retries)
      degr_retries -= 1
      _time.sleep(1)
      continue
    if done or oneshot:
      break
    _time.sleep(max(1, min(60, max_time)))
  if done:
    lu.LogInfo("Instance %s's disks are in sync", instance.name)
  return not cumul_degraded



def CheckDiskConsistency(lu, instance, dev, node_uuid, on_primary,
                         ldisk=False):
  """True if the device (and its children) on the node are not degraded.

  With ``ldisk`` only the local storage status counts.
  """
  result = True
  if on_primary or dev.dev_type in (constants.DT_DRBD8, constants.DT_PLAIN):
    rstats = lu.rpc.call_blockdev_find(node_uuid, dev)
    if rstats.fail_msg:
      lu.LogWarning("Can't find disk on node %s: %s",
                    lu.cfg.GetNodeName(node_uuid), rstats.fail_msg)
      result = False
    elif not rstats.payload:
      lu.LogWarning("Can't find disk on node %s",
                    lu.cfg.GetNodeName(node_uuid))
      result = False
    elif ldisk:
      result = rstats.payload.get("ldisk_status") == LDS_OKAY
    else:
      result = not rstats.payload.get("is_degraded")
  for child in dev.children or []:
    result = result and CheckDiskConsistency(lu, instance, child, node_uuid,
                                             on_primary)
  return result


#: the largest piece wiped by one RPC (MiB) and the share of a disk
MAX_WIPE_CHUNK = 1024
MIN_WIPE_CHUNK_PERCENT = 10


def WipeDisks(lu, instance, disks=None):
  """Zero the instance's disks on the primary (mirrors paused meanwhile).

  @param disks: [(index, disk, offset in MiB)]; default all, from 0
  """
  node_uuid = instance.primary_node
  node_name = lu.cfg.GetNodeName(node_uuid)
  if disks is None:
    disks = [(idx, disk, 0) for (idx, disk) in
             enumerate(lu.cfg.GetInstanceDisks(instance.uuid))]
  devs = [disk for (_, disk, _) in disks]
  logging.info("Pausing synchronization of disks of instance '%s'",
               instance.name)
  result = lu.rpc.call_blockdev_pause_resume_sync(node_uuid, devs, True)
  result.Raise("Failed to pause disk synchronization on node '%s'" %
               node_name)
  for (idx, success) in enumerate(result.payload or []):
    if not (success[0] if isinstance(success, (list, tuple)) else success):
      logging.warning("Pausing synchronization of disk %s of instance '%s'"
                      " failed", idx, instance.name)
  try:
    for (idx, device, offset) in disks:
      chunk = int(min(MAX_WIPE_CHUNK,
                      device.size / 100.0 * MIN_WIPE_CHUNK_PERCENT)) or 1
      size = device.size
      last_output = 0
      start_time = _time.time()
      if offset == 0:
        info_text = ""
      else:
        info_text = (" (from %s to %s)" %
                     (utils.FormatUnit(offset, "h"),
                      utils.FormatUnit(size, "h")))
      lu.LogInfo("* Wiping disk %s%s", idx, info_text)
      while offset < size:
        wipe_size = min(chunk, size - offset)
        result = lu.rpc.call_blockdev_wipe(node_uuid, device, offset,
                                           wipe_size)
        result.Raise("Could not wipe disk %d at offset %d for size %d" %
                     (idx, offset, wipe_size))
        now = _time.time()
        offset += wipe_size
        if now - last_output >= 60:
          eta = (size - offset) * (now - start_time) / float(offset)
          lu.LogInfo(" - done: %.1f%% ETA: %s",
                     offset / float(size) * 100, FormatSeconds(eta))
          last_output = now
  finally:
    logging.info("Resuming synchronization of disks for instance '%s'",
                 instance.name)
    result = lu.rpc.call_blockdev_pause_resume_sync(node_uuid, devs, False)
    if result.fail_msg:
      lu.LogWarning("Failed to resume disk synchronization on node '%s': %s",
                    node_name, result.fail_msg)
    else:
      for (idx, success) in enumerate(result.payload or []):
        if not (success[0] if isinstance(success, (list, tuple))
                else success):
          lu.LogWarning("Resuming synchronization of disk %s of instance"
                        " '%s' failed", idx, instance.name)
