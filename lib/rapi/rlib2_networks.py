"""RAPI resources of networks."""

from ganeti.rapi import baserlib

#: Fields of /2/networks?bulk=1 and /2/networks/[name]
NET_FIELDS = ["ctime", "external_reservations", "free_count", "gateway",
              "gateway6", "group_list", "inst_list", "mac_prefix", "map",
              "mtime", "name", "network", "network6", "reserved_count",
              "serial_no", "tags", "uuid"]


class _NetworkResource(baserlib.ResourceBase):
  def GetStatic(self):
    return {"network_name": self.items[0]}

  def _Input(self):
    return (self.request_body, self.GetStatic())

  GetPutOpInput = _Input
  GetPostOpInput = _Input
  GetDeleteOpInput = _Input


class R_2_networks(baserlib.ResourceBase):
  LIST_URI = ("/2/networks/%s", "name")
  BULK_FIELDS = NET_FIELDS
  QUERY_KIND = "network"
  POST_OPCODE = "OP_NETWORK_ADD"
  POST_RENAME = {"name": "network_name"}

  def GET(self):
    """Networks: [{name, uri}] or, with ?bulk=1, full network objects."""
    if self.useBulk():
      rows = self.LuxiQuery("QueryNetworks", [], NET_FIELDS)
      return baserlib.MapBulkFields(rows, NET_FIELDS)
    rows = self.LuxiQuery("QueryNetworks", [], ["name"])
    return baserlib.BuildUriList([r[0] for r in rows], "/2/networks/%s")


class R_2_networks_name(_NetworkResource):
  BULK_FIELDS = NET_FIELDS
  QUERY_KIND = "network"
  DELETE_OPCODE = "OP_NETWORK_REMOVE"

  def GET(self):
    """One network (the bulk fields)."""
    row = self.QueryItem("QueryNetworks", self.items[0], NET_FIELDS,
                         self.useLocking())
    return baserlib.MapFields(NET_FIELDS, row)


class R_2_networks_name_modify(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_SET_PARAMS"


class R_2_networks_name_connect(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_CONNECT"


class R_2_networks_name_disconnect(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_DISCONNECT"


class R_2_networks_name_rename(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_RENAME"
