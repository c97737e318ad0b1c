"""RAPI resources of instances: list, create, info and every action."""

from ganeti import ht
from ganeti import rapi
from ganeti.rapi import baserlib

#: Fields of /2/instances?bulk=1 and /2/instances/[name]
I_FIELDS = ["admin_state", "beparams", "ctime", "custom_beparams",
            "custom_hvparams", "custom_nicparams", "custom_osparams",
            "disk.names", "disk.sizes", "disk.spindles", "disk.uuids",
            "disk_template", "disk_usage", "hvparams", "mtime", "name",
            "network_port", "nic.bridges", "nic.ips", "nic.links",
            "nic.macs", "nic.modes", "nic.names", "nic.networks",
            "nic.networks.names", "nic.uuids", "oper_ram", "oper_state",
            "oper_vcpus", "os", "pnode", "serial_no", "snodes", "status",
            "tags", "uuid"]

#: Body key carrying the request data version of instance creation
REQ_DATA_VERSION = "__version__"
_CREATE_RENAME = {"os": "os_type", "name": "instance_name"}


def UpdateBeparams(inst):
  """Add the legacy ``memory`` key (= maxmem) to an instance's beparams."""
  beparams = inst.get("beparams")
  if isinstance(beparams, dict) and "maxmem" in beparams:
    beparams["memory"] = beparams["maxmem"]
  return inst


class _InstanceResource(baserlib.NamedResource):
  """An action on one instance: ``instance_name`` comes from the path."""
  NAME_PARAM = "instance_name"


class R_2_instances(baserlib.QueryListResource):
  GET_DOC = "Instances: [{id, uri}] or, with ?bulk=1, full instance objects."
  GET_QUERY = ("lock", )
  LIST_URI = ("/2/instances/%s", "id")
  BULK_FIELDS = I_FIELDS
  QUERY_KIND = "instance"
  LUXI_QUERY = "QueryInstances"
  POST_OPCODE = "OP_INSTANCE_CREATE"
  POST_RENAME = _CREATE_RENAME
  POST_EXTRA_BODY = {REQ_DATA_VERSION: ("integer",
                                        "Request data version (must be 1)")}

  def MapItem(self, item):
    return UpdateBeparams(item)

  def GetPostOpInput(self):
    body = self.BodyDict()
    version = body.pop(REQ_DATA_VERSION, 0)
    if version == 0:
      raise baserlib.HttpBadRequest("Instance creation request version 0"
                                    " is no longer supported")
    if version != 1:
      raise baserlib.HttpBadRequest("Unsupported request data version %s" %
                                    (version, ))
    return (body, {})


class R_2_instances_multi_alloc(baserlib.ResourceBase):
  POST_OPCODE = "OP_INSTANCE_MULTI_ALLOC"

  def GetPostOpInput(self):
    body = self.BodyDict()
    if "instances" not in body:
      raise baserlib.HttpBadRequest("Request is missing required"
                                    " 'instances' field in body")
    insts = baserlib.CheckType(body["instances"], list, "'instances'")
    create = baserlib.GetOpcodeClass("OP_INSTANCE_CREATE")
    body["instances"] = [baserlib.FillOpcode(create, i, {}, _CREATE_RENAME)
                         for i in insts]
    return (body, {})


class R_2_instances_name(baserlib.QueryItemResource, _InstanceResource):
  GET_DOC = "One instance (the bulk fields)."
  GET_QUERY = ("lock", )
  BULK_FIELDS = I_FIELDS
  QUERY_KIND = "instance"
  LUXI_QUERY = "QueryInstances"
  DELETE_OPCODE = "OP_INSTANCE_REMOVE"

  def MapItem(self, item):
    return UpdateBeparams(item)

  def GetDeleteOpInput(self):
    static = self.GetStatic()
    static["ignore_failures"] = False
    return (self.request_body, static)


class R_2_instances_name_info(_InstanceResource):
  GET_OPCODE = "OP_INSTANCE_QUERY_DATA"
  GET_QUERY = ("static", )

  def GetGetOpInput(self):
    return ({}, {"instances": [self.items[0]],
                 "static": bool(self._checkIntVariable("static", 0))})


class R_2_instances_name_reboot(_InstanceResource):
  POST_OPCODE = "OP_INSTANCE_REBOOT"
  POST_QUERY = ("type", "ignore_secondaries", "dry-run")

  def GetPostOpInput(self):
    static = self.GetStatic()
    static["reboot_type"] = self._checkStringVariable("type", "soft")
    static["ignore_secondaries"] = \
      bool(self._checkIntVariable("ignore_secondaries"))
    return (self.request_body, static)


class R_2_instances_name_startup(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_STARTUP"
  PUT_QUERY = ("force", "no_remember", "dry-run")

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["force"] = self.useForce()
    static["no_remember"] = bool(self._checkIntVariable("no_remember"))
    return (self.request_body, static)


class R_2_instances_name_shutdown(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_SHUTDOWN"
  PUT_QUERY = ("no_remember", "dry-run")

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["no_remember"] = bool(self._checkIntVariable("no_remember"))
    return (self.request_body, static)


class R_2_instances_name_reinstall(_InstanceResource):
  POST_QUERY = ("os", "nostartup")
  POST_BODY = {"os": ("string", "OS to install (required)"),
               "start": ("boolean", "Start the instance afterwards"
                         " (default true)"),
               "osparams": ("object", "OS parameters")}
  POST_OPCODES = ("OP_INSTANCE_SHUTDOWN", "OP_INSTANCE_REINSTALL",
                  "OP_INSTANCE_STARTUP")

  def POST(self):
    """Reinstall: one job of shutdown, reinstall (and startup unless
    start is false); returns the job id."""
    queryargs = dict((k, v) for (k, v) in self.queryargs.items()
                     if k not in ("reason", "dry-run"))
    if self.request_body:
      if queryargs:
        raise baserlib.HttpBadRequest("Can't combine query and body"
                                      " parameters")
      body = self.request_body
    elif queryargs:
      body = {"os": self._checkStringVariable("os"),
              "start": not self._checkIntVariable("nostartup")}
    else:
      body = {}
    baserlib.CheckType(body, dict, "Body contents")
    ostype = baserlib.CheckParameter(body, "os")
    start = baserlib.CheckParameter(body, "start", default=True,
                                    exptype=bool)
    osparams = body.get("osparams")
    name = self.items[0]
    ops = [self.FillOpcode(baserlib.GetOpcodeClass("OP_INSTANCE_SHUTDOWN"),
                           {}, {"instance_name": name}),
           self.FillOpcode(baserlib.GetOpcodeClass("OP_INSTANCE_REINSTALL"),
                           {}, {"instance_name": name, "os_type": ostype,
                                "osparams": osparams})]
    if start:
      ops.append(self.FillOpcode(
        baserlib.GetOpcodeClass("OP_INSTANCE_STARTUP"), {},
        {"instance_name": name, "force": False}))
    return self.SubmitJob(ops)


class R_2_instances_name_replace_disks(_InstanceResource):
  POST_OPCODE = "OP_INSTANCE_REPLACE_DISKS"
  POST_QUERY = ("mode", "disks", "remote_node", "iallocator")

  def GetPostOpInput(self):
    queryargs = dict((k, v) for (k, v) in self.queryargs.items()
                     if k not in ("reason", "dry-run"))
    if self.request_body:
      data = self.BodyDict()
    elif queryargs:
      data = {}
      for name in ("remote_node", "mode", "disks", "iallocator"):
        value = self._checkStringVariable(name)
        if value is not None:
          data[name] = value
    else:
      data = {}
    raw_disks = data.pop("disks", None)
    if raw_disks:
      if ht.TListOf(ht.TInt)(raw_disks):
        data["disks"] = raw_disks
      else:
        try:
          data["disks"] = [int(part) for part in raw_disks.split(",")]
        except (AttributeError, TypeError, ValueError) as err:
          raise baserlib.HttpBadRequest("Invalid disk index passed: %s" %
                                        err)
    return (data, self.GetStatic())


class R_2_instances_name_activate_disks(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_ACTIVATE_DISKS"
  PUT_QUERY = ("ignore_size", )

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["ignore_size"] = bool(self._checkIntVariable("ignore_size"))
    return (self.request_body, static)


class R_2_instances_name_deactivate_disks(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_DEACTIVATE_DISKS"
  PUT_QUERY = ("force", )

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["force"] = self.useForce()
    return (self.request_body, static)


class R_2_instances_name_recreate_disks(_InstanceResource):
  POST_OPCODE = "OP_INSTANCE_RECREATE_DISKS"


class R_2_instances_name_disk_grow(_InstanceResource):
  POST_OPCODE = "OP_INSTANCE_GROW_DISK"

  def GetPostOpInput(self):
    static = self.GetStatic()
    static["disk"] = int(self.items[1])
    return (self.request_body, static)


class R_2_instances_name_prepare_export(_InstanceResource):
  PUT_OPCODE = "OP_BACKUP_PREPARE"
  PUT_QUERY = ("mode", )

  def GetPutOpInput(self):
    static = self.GetStatic()
    static["mode"] = self._checkStringVariable("mode")
    return (self.request_body, static)


class R_2_instances_name_export(_InstanceResource):
  PUT_OPCODE = "OP_BACKUP_EXPORT"
  PUT_RENAME = {"destination": "target_node"}
  DELETE_OPCODE = "OP_BACKUP_REMOVE"


class R_2_instances_name_migrate(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_MIGRATE"


class R_2_instances_name_failover(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_FAILOVER"


class R_2_instances_name_rename(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_RENAME"


class R_2_instances_name_modify(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_SET_PARAMS"
  PUT_RENAME = {"custom_beparams": "beparams",
                "custom_hvparams": "hvparams"}


class R_2_instances_name_console(baserlib.ResourceBase):
  GET_ACCESS = [rapi.RAPI_ACCESS_WRITE, rapi.RAPI_ACCESS_READ]

  def GET(self):
    """Console information of a running instance (503 if stopped)."""
    (console, oper_state) = self.QueryItem(
      "QueryInstances", self.items[0], ["console", "oper_state"])
    if not oper_state or not isinstance(console, dict):
      raise baserlib.RapiError(503, "Instance console unavailable")
    return console


class R_2_instances_name_change_group(_InstanceResource):
  PUT_OPCODE = "OP_INSTANCE_CHANGE_GROUP"
