"""RAPI resources of nodes: list, info, role, evacuation, migration,
storage and power."""

from ganeti import constants
from ganeti import rapi
from ganeti.rapi import baserlib

#: Fields of /2/nodes?bulk=1 and /2/nodes/[name]
N_FIELDS = ["cnodes", "cnos", "csockets", "ctime", "ctotal", "dfree",
            "drained", "dtotal", "group.uuid", "master_candidate",
            "master_capable", "mfree", "mnode", "mtime", "mtotal", "name",
            "ndparams", "offline", "pinst_cnt", "pinst_list", "pip", "role",
            "serial_no", "sinst_cnt", "sinst_list", "sip", "spfree",
            "sptotal", "tags", "uuid", "vm_capable"]

NR_MASTER = "master"
NR_MCANDIDATE = "master-candidate"
NR_DRAINED = "drained"
NR_OFFLINE = "offline"
NR_REGULAR = "regular"

#: Node role letter (query field "role") to RAPI role string
NR_MAP = {
  constants.NR_MASTER: NR_MASTER,
  constants.NR_MCANDIDATE: NR_MCANDIDATE,
  constants.NR_DRAINED: NR_DRAINED,
  constants.NR_OFFLINE: NR_OFFLINE,
  constants.NR_REGULAR: NR_REGULAR,
}

_SF_ALLOCATABLE = "allocatable"


class _NodeResource(baserlib.NamedResource):
  NAME_PARAM = "node_name"


class R_2_nodes(baserlib.QueryListResource):
  GET_DOC = "Nodes: [{id, uri}] or, with ?bulk=1, full node objects."
  GET_QUERY = ("lock", )
  LIST_URI = ("/2/nodes/%s", "id")
  BULK_FIELDS = N_FIELDS
  QUERY_KIND = "node"
  LUXI_QUERY = "QueryNodes"


class R_2_nodes_name(baserlib.QueryItemResource, _NodeResource):
  GET_DOC = "One node (the bulk fields plus secondary_ip)."
  GET_QUERY = ("lock", )
  BULK_FIELDS = N_FIELDS
  QUERY_KIND = "node"
  LUXI_QUERY = "QueryNodes"

  def MapItem(self, item):
    item["secondary_ip"] = item["sip"]
    return item


class R_2_nodes_name_powercycle(_NodeResource):
  POST_OPCODE = "OP_NODE_POWERCYCLE"
  POST_QUERY = ("force", )

  def GetPostOpInput(self):
    static = self.GetStatic()
    static["force"] = self.useForce()
    return (self.request_body, static)


class R_2_nodes_name_role(_NodeResource):
  PUT_OPCODE = "OP_NODE_SET_PARAMS"
  PUT_QUERY = ("force", "auto-promote")
  PUT_BODY_ROLE = True

  def GET(self):
    """The node's role: master, master-candidate, regular, drained or
    offline."""
    (role, ) = self.QueryItem("QueryNodes", self.items[0], ["role"])
    return NR_MAP[role]

  def GetPutOpInput(self):
    role = self.request_body
    baserlib.CheckType(role, str, "Body contents")
    (candidate, offline, drained) = (None, None, None)
    if role == NR_REGULAR:
      (candidate, offline, drained) = (False, False, False)
    elif role == NR_MCANDIDATE:
      candidate = True
    elif role == NR_DRAINED:
      drained = True
    elif role == NR_OFFLINE:
      offline = True
    else:
      raise baserlib.HttpBadRequest("Can't set '%s' role" % role)
    static = self.GetStatic()
    static.update({"master_candidate": candidate, "offline": offline,
                   "drained": drained, "force": self.useForce(),
                   "auto_promote":
                     bool(self._checkIntVariable("auto-promote"))})
    return ({}, static)


class R_2_nodes_name_evacuate(_NodeResource):
  POST_OPCODE = "OP_NODE_EVACUATE"


class R_2_nodes_name_migrate(_NodeResource):
  POST_OPCODE = "OP_NODE_MIGRATE"
  POST_QUERY = ("live", "mode")

  def GetPostOpInput(self):
    queryargs = dict((k, v) for (k, v) in self.queryargs.items()
                     if k not in ("reason", "dry-run"))
    if queryargs:
      if "live" in queryargs and "mode" in queryargs:
        raise baserlib.HttpBadRequest("Only one of 'live' and 'mode' should"
                                      " be provided")
      if "live" in queryargs:
        if self._checkIntVariable("live", 1):
          mode = constants.HT_MIGRATION_LIVE
        else:
          mode = constants.HT_MIGRATION_NONLIVE
      else:
        mode = self._checkStringVariable("mode")
      data = {"mode": mode}
    else:
      data = self.request_body
    return (data, self.GetStatic())


class R_2_nodes_name_modify(_NodeResource):
  POST_OPCODE = "OP_NODE_SET_PARAMS"


class R_2_nodes_name_storage(_NodeResource):
  GET_ACCESS = [rapi.RAPI_ACCESS_WRITE]
  GET_OPCODE = "OP_NODE_QUERY_STORAGE"
  GET_QUERY = ("storage_type", "output_fields")

  def GetGetOpInput(self):
    storage_type = self._checkStringVariable("storage_type")
    output_fields = self._checkStringVariable("output_fields")
    if not output_fields:
      raise baserlib.HttpBadRequest("Missing the required 'output_fields'"
                                    " parameter")
    return ({}, {"nodes": [self.items[0]], "storage_type": storage_type,
                 "output_fields": output_fields.split(",")})


def _StorageTypeAndName(res):
  storage_type = res._checkStringVariable("storage_type")
  if not storage_type:
    raise baserlib.HttpBadRequest("Missing the required 'storage_type'"
                                  " parameter")
  name = res._checkStringVariable("name")
  if not name:
    raise baserlib.HttpBadRequest("Missing the required 'name' parameter")
  return (storage_type, name)


class R_2_nodes_name_storage_modify(_NodeResource):
  PUT_OPCODE = "OP_NODE_MODIFY_STORAGE"
  PUT_QUERY = ("storage_type", "name", "allocatable")

  def GetPutOpInput(self):
    (storage_type, name) = _StorageTypeAndName(self)
    changes = {}
    if "allocatable" in self.queryargs:
      changes[_SF_ALLOCATABLE] = \
        bool(self._checkIntVariable("allocatable", 1))
    static = self.GetStatic()
    static.update({"storage_type": storage_type, "name": name,
                   "changes": changes})
    return ({}, static)


class R_2_nodes_name_storage_repair(_NodeResource):
  PUT_OPCODE = "OP_REPAIR_NODE_STORAGE"
  PUT_QUERY = ("storage_type", "name")

  def GetPutOpInput(self):
    (storage_type, name) = _StorageTypeAndName(self)
    static = self.GetStatic()
    static.update({"storage_type": storage_type, "name": name})
    return ({}, static)
