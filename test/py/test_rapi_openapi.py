"""Tests for the generated OpenAPI description (ganeti.rapi.openapi) and
the ht-check schemas (ganeti.rapi.schema)."""

import json
import os

import pytest

from ganeti import ht
from ganeti import opcodes
from ganeti.rapi import connector
from ganeti.rapi import openapi
from ganeti.rapi import schema

pytestmark = pytest.mark.unit

_TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
_DOC_FILE = os.path.join(_TOP, "doc", "rapi-openapi.json")


@pytest.fixture(scope="module")
def document():
  return openapi.GetDocument()


@pytest.mark.parametrize("check,expected", [
  (ht.TNonEmptyString, {"type": "string", "minLength": 1}),
  (ht.TMaybeBool, {"type": ["boolean", "null"]}),
  (ht.TListOf(ht.TNonNegativeInt),
   {"type": "array", "items": {"type": "integer", "minimum": 0}}),
  (ht.TElemOf(["b", "a, (x)"]), {"enum": ["a, (x)", "b"]}),
  (ht.TDictOf(ht.TString, ht.TInt),
   {"type": "object", "additionalProperties": {"type": "integer"}}),
  (ht.TItems([ht.TString, ht.TBool]),
   {"type": "array", "prefixItems": [{"type": "string"},
                                     {"type": "boolean"}],
    "minItems": 2, "maxItems": 2}),
  (ht.TOr(ht.TInt, ht.TRegex(r"^\d+$")),
   {"anyOf": [{"type": "integer"}, {"type": "string",
                                    "pattern": r"^\d+$"}]}),
  (ht.TMaybe(ht.TListOf(ht.TString)),
   {"anyOf": [{"type": "array", "items": {"type": "string"}},
              {"type": "null"}]}),
])
def test_check_schema(check, expected):
  assert schema.CheckSchema(check) == expected


def test_network_address_checks():
  """The network opcodes' address checks are strings of their family."""
  params = dict((p[0], p[2]) for p in
                opcodes.OP_MAPPING["OP_NETWORK_ADD"].GetAllParams())
  assert schema.CheckSchema(params["gateway"]) == {
    "anyOf": [{"type": "string", "format": "ipv4"}, {"type": "null"}]}
  jsonschema = pytest.importorskip("jsonschema")
  for (name, good, bad) in [("network", "198.51.100.0/28", 5),
                            ("network6", "2001:db8::/64", "x/y")]:
    validator = jsonschema.Draft202012Validator(
      schema.CheckSchema(params[name]))
    assert validator.is_valid(good) and not validator.is_valid(bad), name


def test_unknown_check_is_unconstrained():
  check = ht.WithDesc("Weird(thing")(lambda v: True)
  assert schema.CheckSchema(check) == {
    "description": "Values accepted by the check Weird(thing"}


def test_every_opcode_check_is_described():
  """All opcode parameter checks but custom WithDesc ones parse."""
  unknown = set()
  for opcls in opcodes.OP_MAPPING.values():
    for (name, _, check, _) in opcls.GetAllParams():
      result = schema.CheckSchema(check)
      if list(result) == ["description"]:
        unknown.add(str(check))
  assert len(unknown) <= 3, sorted(unknown)


def test_schemas_agree_with_checks():
  """Values the checks accept validate against their schema and vice
  versa, for every parameter of a few opcodes."""
  jsonschema = pytest.importorskip("jsonschema")
  samples = [None, True, 0, 3, -1, 1.5, "", "x", "12", [], [1], ["a"],
             {}, {"a": 1}, [[1, ["success"]]]]
  for op_id in ("OP_INSTANCE_CREATE", "OP_INSTANCE_REBOOT",
                "OP_CLUSTER_SET_PARAMS", "OP_NODE_SET_PARAMS"):
    for (name, _, check, _) in opcodes.OP_MAPPING[op_id].GetAllParams():
      sch = schema.CheckSchema(check)
      if list(sch) == ["description"]:
        continue
      validator = jsonschema.Draft202012Validator(sch)
      for value in samples:
        if isinstance(value, bool) and "enum" in sch:
          continue  # Python's True == 1 lets OneOf(1, ...) accept True
        try:
          accepted = bool(check(value))
        except TypeError:  # TElemOf with an unhashable value
          accepted = False
        assert accepted == validator.is_valid(value), \
          (op_id, name, str(check), value)


def test_document_validates(document):
  validator = pytest.importorskip("openapi_spec_validator")
  validator.validate(document)


def _Operations(doc):
  return sorted((path, method.upper())
                for (path, item) in doc["paths"].items()
                for method in item if method != "parameters")


def test_document_describes_every_route(document):
  served = sorted((openapi.OpenApiPath(t), m)
                  for (t, cls) in connector.URI_TABLE
                  for m in cls.GetMethods())
  assert _Operations(document) == served
  # opcode-backed methods carry their opcode and a body from its table
  op = document["paths"]["/2/instances/{instance_name}/reboot"]["post"]
  assert op["x-ganeti-opcode"] == "OP_INSTANCE_REBOOT"
  props = op["requestBody"]["content"]["application/json"]["schema"][
    "properties"]
  assert "shutdown_timeout" in props and "instance_name" not in props
  assert document["paths"]["/2/jobs/{job_id}/wait"]["get"][
    "security"] == [{"basicAuth": []}]


def test_bulk_schemas_come_from_field_tables(document):
  get = document["paths"]["/2/instances/{instance_name}"]["get"]
  props = get["responses"]["200"]["content"]["application/json"][
    "schema"]["properties"]
  assert props["oper_ram"]["type"] == ["integer", "null"]
  assert props["name"]["type"] == ["string", "null"]


def test_shipped_document_has_the_same_routes(document):
  """doc/rapi-openapi.json (``make openapi``) describes the same routes."""
  with open(_DOC_FILE) as fh:
    shipped = json.load(fh)
  assert _Operations(shipped) == _Operations(document), \
    "doc/rapi-openapi.json is stale: run 'make openapi'"


def test_rapi_doc_lists_every_resource():
  """doc/rapi.rst's resource list is the one the URI table gives."""
  with open(os.path.join(_TOP, "doc", "rapi.rst")) as fh:
    text = fh.read()
  start = text.index(openapi.DOC_BEGIN)
  end = text.index(openapi.DOC_END) + len(openapi.DOC_END) + 1
  assert text[start:end] == openapi.ResourceListRst(), \
    "doc/rapi.rst is stale: run 'make openapi'"
  for (template, _) in connector.URI_TABLE:
    assert "\n``%s``\n" % template in text
