"""RAPI resources of node groups."""

from ganeti.rapi import baserlib

#: Fields of /2/groups?bulk=1 and /2/groups/[name]
G_FIELDS = ["alloc_policy", "ctime", "custom_diskparams", "custom_ipolicy",
            "custom_ndparams", "diskparams", "ipolicy", "mtime", "name",
            "ndparams", "node_cnt", "node_list", "serial_no", "tags", "uuid"]


class _GroupResource(baserlib.NamedResource):
  NAME_PARAM = "group_name"


class R_2_groups(baserlib.QueryListResource):
  GET_DOC = "Node groups: [{name, uri}] or, with ?bulk=1, full group objects."
  LIST_URI = ("/2/groups/%s", "name")
  BULK_FIELDS = G_FIELDS
  QUERY_KIND = "group"
  LUXI_QUERY = "QueryGroups"
  POST_OPCODE = "OP_GROUP_ADD"
  POST_RENAME = {"name": "group_name"}


class R_2_groups_name(baserlib.QueryItemResource, _GroupResource):
  GET_DOC = "One node group (the bulk fields)."
  BULK_FIELDS = G_FIELDS
  QUERY_KIND = "group"
  LUXI_QUERY = "QueryGroups"
  DELETE_OPCODE = "OP_GROUP_REMOVE"


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
