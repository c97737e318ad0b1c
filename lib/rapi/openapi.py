"""The OpenAPI 3.1 description of RAPI, generated from the tables.

Nothing here is written per resource: paths and methods come from
:data:`ganeti.rapi.connector.URI_TABLE`; who may call a method from the
resource's ``<METHOD>_ACCESS``; request bodies of opcode-backed methods
from the opcode's parameter table (:mod:`ganeti.rapi.schema` turns the
``ht`` checks into JSON Schema), minus what the path and query set;
bodies of the other methods from the resource's ``<METHOD>_BODY``; the
objects of ``bulk=1`` lists and item GETs from the query field tables
(:data:`ganeti.query.ALL_FIELDS`) named by ``BULK_FIELDS``.

``make openapi`` writes the document to ``doc/rapi-openapi.json``;
``GET /2/openapi.json`` serves the same document.
"""

import re

from ganeti import constants
from ganeti import opcodes
from ganeti import query
from ganeti import rapi
from ganeti.rapi import connector
from ganeti.rapi import schema

OPENAPI_VERSION = "3.1.0"

#: Query argument -> (schema, description)
QUERY_ARGS = {
  "bulk": ({"type": "integer", "enum": [0, 1]},
           "1: return full objects instead of {id|name, uri} pairs"),
  "dry-run": ({"type": "integer", "enum": [0, 1]},
              "1: only check the request (the opcode's dry_run)"),
  "force": ({"type": "integer", "enum": [0, 1]}, "1: force the operation"),
  "lock": ({"type": "integer", "enum": [0, 1]}, "1: use locking"),
  "reason": ({"type": "string"}, "Reason added to the reason trail"),
  "tag": ({"type": "array", "items": {"type": "string"}},
          "A tag (repeat for several)"),
  "fields": ({"type": "string"}, "Comma-separated field names"),
  "static": ({"type": "integer", "enum": [0, 1]},
             "1: only static (configuration) data"),
  "type": ({"type": "string", "enum": sorted(constants.REBOOT_TYPES)},
           "Reboot type"),
  "ignore_secondaries": ({"type": "integer", "enum": [0, 1]},
                         "1: ignore errors on secondary nodes"),
  "no_remember": ({"type": "integer", "enum": [0, 1]},
                  "1: do not remember the state change"),
  "os": ({"type": "string"}, "OS (legacy form of the body)"),
  "nostartup": ({"type": "integer", "enum": [0, 1]},
                "1: do not start the instance (legacy form)"),
  "mode": ({"type": "string"}, "Mode"),
  "disks": ({"type": "string"}, "Comma-separated disk indices (legacy)"),
  "remote_node": ({"type": "string"}, "Remote (new secondary) node"),
  "iallocator": ({"type": "string"}, "Instance allocator"),
  "ignore_size": ({"type": "integer", "enum": [0, 1]},
                  "1: ignore the recorded disk sizes"),
  "auto-promote": ({"type": "integer", "enum": [0, 1]},
                   "1: promote other nodes to master candidate if needed"),
  "live": ({"type": "integer", "enum": [0, 1]},
           "1: live migration (legacy form of mode)"),
  "storage_type": ({"type": "string"}, "Storage type (file, lvm-pv,"
                   " lvm-vg)"),
  "output_fields": ({"type": "string"}, "Comma-separated storage fields"),
  "name": ({"type": "string"}, "Storage unit name"),
  "allocatable": ({"type": "integer", "enum": [0, 1]},
                  "Whether the storage unit is allocatable"),
}

#: Query field kind -> JSON Schema type
_KIND_TYPES = {
  "text": "string", "bool": "boolean", "number": "integer",
  "float": "number", "unit": "integer", "timestamp": "number",
}

_SIMPLE_TYPES = {
  "string": {"type": "string"}, "integer": {"type": "integer"},
  "boolean": {"type": "boolean"}, "list": {"type": "array"},
  "object": {"type": "object"}, "any": {},
}

_ERROR_SCHEMA = {
  "type": "object",
  "properties": {
    "code": {"type": "integer", "description": "HTTP status"},
    "message": {"type": "string", "description": "HTTP reason phrase"},
    "explain": {"type": "string", "description": "What went wrong"},
  },
  "required": ["code", "message", "explain"],
}

_ERRORS = {
  "400": "Invalid parameters or body",
  "401": "Authentication needed or failed",
  "403": "The user lacks the needed option",
  "404": "Unknown resource or item",
  "415": "The body is not application/json",
  "501": "Not implemented (method or opcode)",
  "502": "The master daemon is unreachable",
  "503": "Job queue full or drained",
  "504": "Timeout talking to the master daemon",
}


def OpenApiPath(template):
  """"/2/instances/[instance_name]" -> "/2/instances/{instance_name}"."""
  return re.sub(r"\[(\w+)\]", r"{\1}", template)


def FieldSchema(kind, field_name):
  """Schema of one query field's value (null when unavailable)."""
  fdef = query.ALL_FIELDS[kind][field_name][0]
  result = {"description": fdef.doc}
  json_type = _KIND_TYPES.get(fdef.kind)
  if json_type:
    result["type"] = [json_type, "null"]
  return result


def ObjectSchema(cls):
  """Schema of one item of ``cls`` (from its BULK_FIELDS)."""
  kind = getattr(cls, "QUERY_KIND", None)
  fields = getattr(cls, "BULK_FIELDS", None) or []
  props = {}
  for name in fields:
    if kind is not None and name in query.ALL_FIELDS.get(kind, {}):
      props[name] = FieldSchema(kind, name)
    else:
      props[name] = {}
  return {"type": "object", "properties": props}


def _ListSchema(cls):
  (_, key) = cls.LIST_URI
  pair = {"type": "object", "properties": {
    key: {"type": ["string", "integer"]}, "uri": {"type": "string"}},
    "required": [key, "uri"]}
  return {"anyOf": [{"type": "array", "items": pair},
                    {"type": "array", "items": ObjectSchema(cls)}]}


def SubmitsJob(cls, method):
  """Whether the method submits a job (and answers its id)."""
  return bool(getattr(cls, method + "_OPCODE", None) or
              getattr(cls, method + "_OPCODES", None) or
              (method in ("PUT", "DELETE") and
               getattr(cls, "TAG_LEVEL", None)))


def _ResponseSchema(cls, method):
  if SubmitsJob(cls, method):
    return {"type": "integer", "description": "Job id"}
  if method == "GET" and getattr(cls, "LIST_URI", None):
    return _ListSchema(cls)
  if method == "GET" and getattr(cls, "LIST_RESULT", None) == "names":
    return {"anyOf": [{"type": "array", "items": {"type": "string"}},
                      {"type": "array", "items": ObjectSchema(cls)}]}
  if method == "GET" and getattr(cls, "BULK_FIELDS", None):
    return ObjectSchema(cls)
  if method == "GET" and getattr(cls, "LIST_RESULT", None) == "tags":
    return {"type": "array", "items": {"type": "string"}}
  return {}


def _QueryParameters(cls, method, template):
  names = list(getattr(cls, method + "_QUERY", ()))
  if method == "GET" and getattr(cls, "LIST_URI", None):
    names.insert(0, "bulk")
  if getattr(cls, "TAG_LEVEL", None) and method in ("PUT", "DELETE"):
    names.append("tag")
  if method == "GET" and template.startswith("/2/query/"):
    names.append("fields")
  if SubmitsJob(cls, method):
    names.extend(["dry-run", "reason"])
  result = []
  for name in dict.fromkeys(names):
    (qschema, desc) = QUERY_ARGS[name]
    param = {"name": name, "in": "query", "required": False,
             "schema": qschema, "description": desc}
    if qschema.get("type") == "array":
      param["explode"] = True
    result.append(param)
  return result


def _RequestBody(cls, method, template):
  op_id = getattr(cls, method + "_OPCODE", None)
  body = None
  if op_id:
    opcls = opcodes.OP_MAPPING.get(op_id)
    if opcls is None:
      body = {"type": "object",
              "description": "%s not implemented in this tree" % op_id}
    else:
      exclude = set(connector.TemplateVariables(template))
      exclude.update(["reason"])
      body = schema.OpcodeBodySchema(opcls, exclude,
                                     getattr(cls, method + "_RENAME", None))
      for (name, (stype, desc)) in getattr(cls, method + "_EXTRA_BODY",
                                           {}).items():
        body["properties"][name] = dict(_SIMPLE_TYPES[stype],
                                        description=desc)
    if getattr(cls, method + "_BODY_ROLE", False):
      body = {"type": "string", "enum": ["drained", "master-candidate",
                                         "offline", "regular"]}
  elif getattr(cls, method + "_BODY", None):
    props = dict((name, dict(_SIMPLE_TYPES[stype], description=desc))
                 for (name, (stype, desc)) in
                 getattr(cls, method + "_BODY").items())
    body = {"type": "object", "properties": props}
  if body is None:
    return None
  return {"required": False,
          "content": {"application/json": {"schema": body}}}


def _Operation(cls, method, template):
  access = cls.GetAccess(method)
  op = {
    "operationId": "%s_%s" % (method.lower(), cls.__name__),
    "summary": cls.GetDoc(method),
    "x-ganeti-access": sorted(access),
    "security": ([{"basicAuth": []}] if access else
                 [{}, {"basicAuth": []}]),
    "responses": {"200": {"description": "Success", "content": {
      "application/json": {"schema": _ResponseSchema(cls, method)}}}},
  }
  op_id = getattr(cls, method + "_OPCODE", None)
  if op_id:
    op["x-ganeti-opcode"] = op_id
  for code in _ERRORS:
    op["responses"][code] = {"$ref": "#/components/responses/Error%s" %
                             code}
  params = _QueryParameters(cls, method, template)
  if params:
    op["parameters"] = params
  body = _RequestBody(cls, method, template)
  if body is not None:
    op["requestBody"] = body
  return op


def GetDocument():
  """The whole OpenAPI document (a JSON-able dict)."""
  paths = {}
  for (template, cls) in connector.URI_TABLE:
    item = {}
    variables = connector.TemplateVariables(template)
    if variables:
      item["parameters"] = [
        {"name": var, "in": "path", "required": True,
         "description": connector.VARIABLES[var][1],
         "schema": {"type": "string",
                    "pattern": "^(%s)$" % connector.VARIABLES[var][0]}}
        for var in variables]
    for method in cls.GetMethods():
      item[method.lower()] = _Operation(cls, method, template)
    paths[OpenApiPath(template)] = item
  responses = dict(
    ("Error%s" % code, {"description": desc, "content": {
      "application/json": {"schema": {"$ref":
                                      "#/components/schemas/Error"}}}})
    for (code, desc) in _ERRORS.items())
  return {
    "openapi": OPENAPI_VERSION,
    "info": {
      "title": "Ganeti remote API",
      "version": str(constants.RAPI_VERSION),
      "description": "The remote API of ganeti-rapi (pyganeti %s):"
                     " JSON over HTTPS, HTTP Basic authentication in the"
                     " realm \"%s\"." % (constants.RELEASE_VERSION,
                                         rapi.RAPI_REALM),
    },
    "servers": [{"url": "https://localhost:%d" %
                 constants.DEFAULT_RAPI_PORT}],
    "paths": paths,
    "components": {
      "schemas": {"Error": _ERROR_SCHEMA},
      "responses": responses,
      "securitySchemes": {"basicAuth": {"type": "http",
                                        "scheme": "basic"}},
    },
  }


def Main():
  """``make openapi``: write the document to argv[1] (or stdout) and, with
  a second argument, update the resource list of that rst file."""
  import sys
  from ganeti import serializer
  text = serializer.DumpJson(GetDocument(), sort_keys=True)
  if len(sys.argv) > 1:
    with open(sys.argv[1], "wb") as fh:
      fh.write(text)
  else:
    sys.stdout.buffer.write(text)
  if len(sys.argv) > 2:
    UpdateRapiDoc(sys.argv[2])
  return 0


#: Markers around the generated resource list in doc/rapi.rst
DOC_BEGIN = ".. BEGIN GENERATED RESOURCE LIST (make openapi)"
DOC_END = ".. END GENERATED RESOURCE LIST"

_ACCESS_TEXT = {
  (): "anonymous",
  (rapi.RAPI_ACCESS_WRITE, ): "user with write",
  (rapi.RAPI_ACCESS_READ, rapi.RAPI_ACCESS_WRITE): "user with read or write",
}


def ResourceListRst():
  """The reStructuredText list of every resource and method (the part of
  doc/rapi.rst generated from the URI table)."""
  lines = [DOC_BEGIN, ""]
  for (template, cls) in connector.URI_TABLE:
    lines.append("``%s``" % template)
    for method in cls.GetMethods():
      access = _ACCESS_TEXT.get(tuple(sorted(cls.GetAccess(method))),
                                ", ".join(cls.GetAccess(method)))
      text = "``%s`` (%s): %s" % (method, access, cls.GetDoc(method))
      query_args = [p["name"] for p in
                    _QueryParameters(cls, method, template)]
      if query_args:
        text += " Query: %s." % ", ".join("``%s``" % q for q in query_args)
      lines.append("  - %s" % text)
    lines.append("")
  lines.append(DOC_END)
  return "\n".join(lines) + "\n"


def UpdateRapiDoc(path):
  """Replace the generated part of ``path`` (doc/rapi.rst)."""
  with open(path) as fh:
    text = fh.read()
  start = text.index(DOC_BEGIN)
  end = text.index(DOC_END) + len(DOC_END) + 1
  with open(path, "w") as fh:
    fh.write(text[:start] + ResourceListRst() + text[end:])
