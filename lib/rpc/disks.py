"""How the master sends a disk to one node: filled parameters, dynamic ones.

A disk dict on the wire is ``objects.Disk.ToDict()`` with two changes:

* ``params``: the disk parameters of its template, filled from the cluster
  and the node group of the disk's first node, then the disk's own params
  (ExtStorage parameters live there).  The children of a DRBD disk (its
  data and meta LVs) get ``{"stripes": <data-stripes|meta-stripes>}``.
* ``dynamic_params``: what only makes sense on the receiving node.  For a
  DRBD disk sent to one of its two nodes: ``local-ip``/``remote-ip`` (the
  nodes' secondary IPs) and ``local-minor``/``remote-minor``, seen from
  the receiving node.  Sent to any other node, or for other disk types,
  ``{}``.  Children are encoded the same way.
"""

from ganeti import constants
from ganeti import errors

#: the LV parameter of a DRBD disk's children, and where it comes from
LDP_STRIPES = "stripes"
DRBD_DATA_STRIPES = "data-stripes"
DRBD_META_STRIPES = "meta-stripes"


def _FilledParams(cfg, dev_type, group_uuid, own):
  cluster = cfg.GetClusterInfo()
  params = dict(constants.DISK_DT_DEFAULTS.get(dev_type, {}))
  params.update((cluster.diskparams or {}).get(dev_type, {}))
  group = cfg.GetNodeGroup(group_uuid) if group_uuid else None
  if group is not None and group.diskparams:
    params.update(group.diskparams.get(dev_type, {}))
  params.update(own or {})
  return params


def _NodeSecondaryIp(cfg, node_uuid):
  node = cfg.GetNodeInfo(node_uuid)
  if node is None:
    raise errors.ConfigurationError("Can't find node %s for the DRBD"
                                    " dynamic parameters" % node_uuid)
  return node.secondary_ip or node.primary_ip


def DRBDDynamicParams(cfg, logical_id, target_uuid):
  """The dynamic parameters of a DRBD disk as seen from target_uuid."""
  (node_a, node_b, _, minor_a, minor_b) = tuple(logical_id)[:5]
  if target_uuid == node_a:
    (local, remote, lminor, rminor) = (node_a, node_b, minor_a, minor_b)
  elif target_uuid == node_b:
    (local, remote, lminor, rminor) = (node_b, node_a, minor_b, minor_a)
  else:
    return {}
  return {constants.DDP_LOCAL_IP: _NodeSecondaryIp(cfg, local),
          constants.DDP_REMOTE_IP: _NodeSecondaryIp(cfg, remote),
          constants.DDP_LOCAL_MINOR: lminor,
          constants.DDP_REMOTE_MINOR: rminor}


def _GroupOf(cfg, ddict, target_uuid):
  for node_uuid in list(ddict.get("nodes") or []) + [target_uuid]:
    node = cfg.GetNodeInfo(node_uuid) if node_uuid else None
    if node is not None:
      return node.group
  return None


def EncodeDisk(cfg, disk, target_uuid):
  """The wire dict of ``disk`` (objects.Disk or dict) for one node."""
  if hasattr(disk, "ToDict"):
    ddict = disk.ToDict()
  else:
    ddict = dict(disk)
  if cfg is None:
    return ddict
  return _Annotate(cfg, ddict, target_uuid, _GroupOf(cfg, ddict, target_uuid))


def _Annotate(cfg, ddict, target_uuid, group_uuid, child_params=None):
  dev_type = ddict.get("dev_type")
  if child_params is not None:
    ddict["params"] = dict(child_params, **(ddict.get("params") or {}))
  else:
    ddict["params"] = _FilledParams(cfg, dev_type, group_uuid,
                                    ddict.get("params"))
  if dev_type == constants.DT_DRBD8 and ddict.get("logical_id"):
    ddict["dynamic_params"] = DRBDDynamicParams(cfg, ddict["logical_id"],
                                                target_uuid)
  else:
    ddict["dynamic_params"] = {}
  children = ddict.get("children") or []
  if children:
    per_child = [None] * len(children)
    if dev_type == constants.DT_DRBD8:
      params = ddict["params"]
      per_child = [{LDP_STRIPES:
                    params.get(DRBD_DATA_STRIPES, 1)},
                   {LDP_STRIPES:
                    params.get(DRBD_META_STRIPES, 1)}]
      per_child += [None] * (len(children) - 2)
    ddict["children"] = [
      _Annotate(cfg, c.ToDict() if hasattr(c, "ToDict") else dict(c),
                target_uuid, group_uuid, child_params=cparams)
      for (c, cparams) in zip(children, per_child)]
  return ddict
