"""RAPI resources of node groups."""

from ganeti.rapi import baserlib

#: Fields of /2/groups?bulk=1 and /2/groups/[name]
G_FIELDS = ["alloc_policy", "ctime", "custom_diskparams", "custom_ipolicy",
            "custom_ndparams", "diskparams", "ipolicy", "mtime", "name",
            "ndparams", "node_cnt", "node_list", "serial_no", "tags", "uuid"]


class _GroupResource(baserlib.ResourceBase):
  def GetStatic(self):
    return {"group_name": self.items[0]}

  def _Input(self):
    return (self.request_body, self.GetStatic())

  GetPutOpInput = _Input
  GetPostOpInput = _Input
  GetDeleteOpInput = _Input


class R_2_groups(baserlib.ResourceBase):
  LIST_URI = ("/2/groups/%s", "name")
  BULK_FIELDS = G_FIELDS
  QUERY_KIND = "group"
  POST_OPCODE = "OP_GROUP_ADD"
  POST_RENAME = {"name": "group_name"}

  def GET(self):
    """Node groups: [{name, uri}] or, with ?bulk=1, full group objects."""
    if self.useBulk():
      rows = self.LuxiQuery("QueryGroups", [], G_FIELDS)
      return baserlib.MapBulkFields(rows, G_FIELDS)
    rows = self.LuxiQuery("QueryGroups", [], ["name"])
    return baserlib.BuildUriList([r[0] for r in rows], "/2/groups/%s")


class R_2_groups_name(_GroupResource):
  BULK_FIELDS = G_FIELDS
  QUERY_KIND = "group"
  DELETE_OPCODE = "OP_GROUP_REMOVE"

  def GET(self):
    """One node group (the bulk fields)."""
    row = self.QueryItem("QueryGroups", self.items[0], G_FIELDS,
                         self.useLocking())
    return baserlib.MapFields(G_FIELDS, row)


class R_2_groups_name_modify(_GroupResource):
  PUT_OPCODE = "OP_GROUP_SET_PARAMS"
  PUT_RENAME = {"custom_ndparams": "ndparams",
                "custom_ipolicy": "ipolicy",
                "custom_diskparams": "diskparams"}


class R_2_groups_name_rename(_GroupResource):
  PUT_OPCODE = "OP_GROUP_RENAME"


class R_2_groups_name_assign_nodes(_GroupResource):
  PUT_OPCODE = "OP_GROUP_ASSIGN_NODES"
  PUT_QUERY = ("force", "dry-run")

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["force"] = self.useForce()
    return (self.request_body, static)
