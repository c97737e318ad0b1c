"""The node group query field table (25 fields).

Getters take ``(ctx, group)`` where ``ctx`` is a
L{ganeti.query.GroupQueryData} and ``group`` an L{objects.NodeGroup}.
Parameters are shown both as the group's own values (``custom_*``) and as
filled from the cluster (the inheritance of L{ganeti.config.groups}).
"""

from ganeti import utils
from ganeti.qfields import (
  MakeField, BuildFieldMap, GetItemAttr, GetTagsField, GetNdParamFields,
  GetItemTimestampFields, QFT_TEXT, QFT_NUMBER, QFT_OTHER,
  GQ_CONFIG, GQ_NODE, GQ_INST, GQ_DISKPARAMS)


def _GetGroupNdParams(ctx, group):
  return ctx.cluster.SimpleFillND(group.ndparams or {})


def BuildGroupFields():
  """The node group field table (25 fields)."""
  fields = [
    (MakeField("name", "Group", QFT_TEXT, "Group name"),
     GQ_CONFIG, 0, GetItemAttr("name")),
    (MakeField("uuid", "UUID", QFT_TEXT, "Group UUID"),
     GQ_CONFIG, 0, GetItemAttr("uuid")),
    (MakeField("alloc_policy", "AllocPolicy", QFT_TEXT,
               "Allocation policy for group"),
     GQ_CONFIG, 0, GetItemAttr("alloc_policy")),
    (MakeField("serial_no", "SerialNo", QFT_NUMBER, "Group object serial"
               " number, incremented on each modification"),
     GQ_CONFIG, 0, GetItemAttr("serial_no")),
    (MakeField("node_cnt", "Nodes", QFT_NUMBER, "Number of nodes"),
     GQ_NODE, 0, lambda ctx, g: len(ctx.group_to_nodes.get(g.uuid, []))),
    (MakeField("node_list", "NodeList", QFT_OTHER, "List of nodes"),
     GQ_NODE, 0, lambda ctx, g: utils.NiceSort(
       ctx.group_to_nodes.get(g.uuid, []))),
    (MakeField("pinst_cnt", "Instances", QFT_NUMBER,
               "Number of primary instances"),
     GQ_INST, 0, lambda ctx, g: len(ctx.group_to_instances.get(g.uuid,
                                                               []))),
    (MakeField("pinst_list", "InstanceList", QFT_OTHER,
               "List of primary instances"),
     GQ_INST, 0, lambda ctx, g: utils.NiceSort(
       ctx.group_to_instances.get(g.uuid, []))),
    (MakeField("custom_ndparams", "CustomNDParams", QFT_OTHER,
               "Custom node parameters"),
     GQ_CONFIG, 0, lambda _, g: g.ndparams or {}),
    (MakeField("ndparams", "NDParams", QFT_OTHER, "Node parameters"),
     GQ_CONFIG, 0, _GetGroupNdParams),
    (MakeField("custom_ipolicy", "CustomInstancePolicy", QFT_OTHER,
               "Custom instance policy limitations"),
     GQ_CONFIG, 0, lambda _, g: g.ipolicy or {}),
    (MakeField("ipolicy", "InstancePolicy", QFT_OTHER,
               "Instance policy limitations (merged)"),
     GQ_CONFIG, 0, lambda ctx, g: ctx.cluster.SimpleFillIPolicy(
       g.ipolicy or {})),
    (MakeField("custom_diskparams", "CustomDiskParameters", QFT_OTHER,
               "Custom disk parameters"),
     GQ_DISKPARAMS, 0, lambda _, g: g.diskparams or {}),
    (MakeField("diskparams", "DiskParameters", QFT_OTHER,
               "Disk parameters (merged)"),
     GQ_DISKPARAMS, 0, lambda ctx, g: ctx.cluster.SimpleFillDP(
       g.diskparams or {})),
    GetTagsField(GQ_CONFIG),
    ]
  fields.extend(GetNdParamFields(GQ_CONFIG, _GetGroupNdParams))
  fields.extend(GetItemTimestampFields(GQ_CONFIG))
  return BuildFieldMap(fields)
