"""RAPI resources of networks."""

from ganeti.rapi import baserlib

#: Fields of /2/networks?bulk=1 and /2/networks/[name]
NET_FIELDS = ["ctime", "external_reservations", "free_count", "gateway",
              "gateway6", "group_list", "inst_list", "mac_prefix", "map",
              "mtime", "name", "network", "network6", "reserved_count",
              "serial_no", "tags", "uuid"]


class _NetworkResource(baserlib.NamedResource):
  NAME_PARAM = "network_name"


class R_2_networks(baserlib.QueryListResource):
  GET_DOC = "Networks: [{name, uri}] or, with ?bulk=1, full network objects."
  LIST_URI = ("/2/networks/%s", "name")
  BULK_FIELDS = NET_FIELDS
  QUERY_KIND = "network"
  LUXI_QUERY = "QueryNetworks"
  POST_OPCODE = "OP_NETWORK_ADD"
  POST_RENAME = {"name": "network_name"}


class R_2_networks_name(baserlib.QueryItemResource, _NetworkResource):
  GET_DOC = "One network (the bulk fields)."
  BULK_FIELDS = NET_FIELDS
  QUERY_KIND = "network"
  LUXI_QUERY = "QueryNetworks"
  DELETE_OPCODE = "OP_NETWORK_REMOVE"


class R_2_networks_name_modify(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_SET_PARAMS"


class R_2_networks_name_connect(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_CONNECT"


class R_2_networks_name_disconnect(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_DISCONNECT"


class R_2_networks_name_rename(_NetworkResource):
  PUT_OPCODE = "OP_NETWORK_RENAME"
