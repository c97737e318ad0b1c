"""The disk part of OP_INSTANCE_QUERY_DATA (``gnt-instance info``).

Each disk becomes a dict with its configuration, ``pstatus``/``sstatus``
(the device's status on the primary and, for DRBD, the secondary node, as
Ganeti's 7-item lists ``[dev_path, major, minor, sync_percent,
estimated_time, is_degraded, ldisk_status]``, or None when static, the
node is offline or the device is not found), ``drbd_info`` for DRBD
disks, and the same for its children.
"""

from ganeti import constants
from ganeti import errors

_STATUS_KEYS = ("dev_path", "major", "minor", "sync_percent",
                "estimated_time", "is_degraded", "ldisk_status")


def _BlockdevStatus(cfg, rpc, node_uuid, instance, dev, static):
  if static or not node_uuid:
    return None
  node = cfg.GetNodeInfo(node_uuid)
  if node is None or node.offline:
    return None
  result = rpc.call_blockdev_find(node_uuid, dev)
  if result.offline:
    return None
  result.Raise("Can't compute disk status for %s" % instance.name)
  status = result.payload
  if not status:
    return None
  if hasattr(status, "ToDict"):
    status = status.ToDict()
  return [status.get(key) for key in _STATUS_KEYS]


def ComputeDiskStatus(cfg, rpc, instance, snode_uuid, dev, static):
  """The info dict of a disk (and, recursively, of its children)."""
  drbd_info = None
  if dev.dev_type == constants.DT_DRBD8 and dev.logical_id:
    (node_a, node_b, port, minor_a, minor_b, secret) = dev.logical_id
    if instance.primary_node == node_a:
      snode_uuid = node_b
      (pminor, sminor) = (minor_a, minor_b)
    else:
      snode_uuid = node_a
      (pminor, sminor) = (minor_b, minor_a)
    drbd_info = {
      "primary_node": cfg.GetNodeName(instance.primary_node),
      "primary_minor": pminor,
      "secondary_node": cfg.GetNodeName(snode_uuid),
      "secondary_minor": sminor,
      "port": port,
      "secret": secret,
    }
  pstatus = _BlockdevStatus(cfg, rpc, instance.primary_node, instance, dev,
                            static)
  sstatus = None
  if dev.dev_type == constants.DT_DRBD8:
    try:
      sstatus = _BlockdevStatus(cfg, rpc, snode_uuid, instance, dev, static)
    except errors.OpExecError:
      sstatus = None
  children = [ComputeDiskStatus(cfg, rpc, instance, snode_uuid, child,
                                static)
              for child in dev.children or []]
  return {
    "iv_name": dev.iv_name,
    "dev_type": dev.dev_type,
    "logical_id": list(dev.logical_id) if dev.logical_id else None,
    "drbd_info": drbd_info,
    "pstatus": pstatus,
    "sstatus": sstatus,
    "children": children,
    "mode": dev.mode,
    "size": dev.size,
    "spindles": dev.spindles,
    "name": dev.name,
    "uuid": dev.uuid,
  }
