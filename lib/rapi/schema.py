"""JSON Schema descriptions of the opcode type checks (:mod:`ganeti.ht`).

A check describes itself through its text (``str(check)``): the basic
checks have fixed names (``NonEmptyString``, ``Integer`` ...) and the
combinators compose them (``Maybe(x)``, ``ListOf(x)``, ``Or(a, b)``,
``OneOf('a', 'b')``, ``DictOf(k, v)``, ``Items(a, b)``, ``String matching
're'``).  :func:`CheckSchema` parses that text into a JSON Schema (draft
2020-12, as OpenAPI 3.1 uses); a check it does not know becomes an
unconstrained schema carrying the text as its description.  Nothing here
changes how a check validates.
"""

import ast

#: The basic checks by name
_BASIC = {
  "None": {"type": "null"},
  "Any": {},
  "Boolean": {"type": "boolean"},
  "Integer": {"type": "integer"},
  "Float": {"type": "number"},
  "Number": {"type": "number"},
  "String": {"type": "string"},
  "List": {"type": "array"},
  "Tuple": {"type": "array"},
  "ListOrTuple": {"type": "array"},
  "Dictionary": {"type": "object"},
  "NonEmptyString": {"type": "string", "minLength": 1},
  "NonNegativeInt": {"type": "integer", "minimum": 0},
  "PositiveInt": {"type": "integer", "minimum": 1},
  "NonNegativeNumber": {"type": "number", "minimum": 0},
  "PositiveNumber": {"type": "number", "exclusiveMinimum": 0},
  "RelativeJobId": {"type": "integer", "maximum": -1},
  "JobIdListOnly": {"type": "object", "properties": {
    "jobs": {"type": "array"}}},
  # OP_INSTANCE_MULTI_ALLOC: its instances (create opcode bodies) and result
  "OpInstanceCreate": {"type": "object"},
  "MultiAllocResult": {"type": "object", "properties": {
    "jobs": {"type": "array"},
    "allocatable": {"type": "array", "items": {"type": "string"}},
    "failed": {"type": "array", "items": {"type": "string"}}}},
  # the address checks of the network opcodes (lib/opcodes/network.py)
  "IPv4Address": {"type": "string", "format": "ipv4"},
  "IPv6Address": {"type": "string", "format": "ipv6"},
  "IPv4Network": {"type": "string", "pattern": r"^[0-9.]+(/[0-9]+)?$"},
  "IPv6Network": {"type": "string", "pattern": r"^[0-9A-Fa-f:.]+(/[0-9]+)?$"},
}

_MATCHING = "String matching "


def _Unquoted(text, start=0):
  """(index, char) of each character of ``text`` from ``start`` that is
  not inside a quoted string (nor one of its quotes); a backslash in a
  string escapes the next character."""
  quote = None
  idx = start
  while idx < len(text):
    char = text[idx]
    if quote:
      if char == "\\":
        idx += 2
        continue
      if char == quote:
        quote = None
    elif char in "'\"":
      quote = char
    else:
      yield (idx, char)
    idx += 1


def _FindClose(text, start):
  """Index of the ")" closing the "(" at ``start`` (quotes respected)."""
  depth = 0
  for (idx, char) in _Unquoted(text, start):
    if char == "(":
      depth += 1
    elif char == ")":
      depth -= 1
      if depth == 0:
        return idx
  raise ValueError("Unbalanced parentheses in %r" % text)


def _SplitArgs(text):
  """Split "a, b(c, d), 'e, f'" at its top-level commas."""
  parts = []
  (depth, start) = (0, 0)
  for (idx, char) in _Unquoted(text):
    if char in "([":
      depth += 1
    elif char in ")]":
      depth -= 1
    elif char == "," and depth == 0:
      parts.append(text[start:idx].strip())
      start = idx + 1
  if text[start:].strip():
    parts.append(text[start:].strip())
  return parts


def _Parse(text):
  text = text.strip()
  if text in _BASIC:
    return dict(_BASIC[text])
  if text.startswith(_MATCHING):
    pattern = ast.literal_eval(text[len(_MATCHING):])
    return {"type": "string", "pattern": pattern}
  paren = text.find("(")
  if paren < 0 or not text.endswith(")") or \
      _FindClose(text, paren) != len(text) - 1:
    raise ValueError("Unknown check %r" % text)
  (name, inner) = (text[:paren], text[paren + 1:-1])
  if name == "OneOf":
    values = ast.literal_eval("[%s]" % inner)
    return {"enum": sorted(values, key=lambda v: (str(type(v)), v))}
  args = [_Parse(a) for a in _SplitArgs(inner)]
  if name == "Maybe" and len(args) == 1:
    return _Nullable(args[0])
  if name == "ListOf" and len(args) == 1:
    return {"type": "array", "items": args[0]}
  if name == "DictOf" and len(args) == 2:
    return {"type": "object", "additionalProperties": args[1]}
  if name == "Or":
    return {"anyOf": args}
  if name == "And":
    return {"allOf": args}
  if name == "Items":
    return {"type": "array", "prefixItems": args, "minItems": len(args),
            "maxItems": len(args)}
  raise ValueError("Unknown check %r" % text)


def _Nullable(schema):
  if set(schema) == {"type"} and isinstance(schema["type"], str):
    return {"type": [schema["type"], "null"]}
  return {"anyOf": [schema, {"type": "null"}]}


def CheckSchema(check):
  """The JSON Schema of an ``ht`` check (None: any value)."""
  if check is None:
    return {}
  text = str(check)
  try:
    return _Parse(text)
  except (ValueError, SyntaxError):
    return {"description": "Values accepted by the check %s" % text}


def ParamSchema(param):
  """Schema of one opcode parameter ``(name, default, check, doc)``."""
  (_, default, check, doc) = param
  result = CheckSchema(check)
  if doc:
    result = dict(result)
    result["description"] = doc
  if default is not None and not callable(default) and \
      type(default).__name__ != "_Required":
    if isinstance(default, (str, int, float, bool, list, dict)):
      result["default"] = default
  return result


def OpcodeBodySchema(opcls, exclude=(), rename=None):
  """Schema of a request body filling ``opcls``.

  @param exclude: parameter names the resource sets itself
  @param rename: {alias: opcode name} accepted in the body as well
  """
  props = {}
  required = []
  from ganeti.opcodes import REQUIRED
  for param in opcls.GetAllParams():
    name = param[0]
    if name in exclude:
      continue
    props[name] = ParamSchema(param)
    if param[1] is REQUIRED:
      required.append(name)
  for (alias, name) in (rename or {}).items():
    if name in props:
      props[alias] = dict(props[name])
      props[alias]["description"] = "Alias of %s" % name
      if name in required:
        required.remove(name)
  result = {"type": "object", "properties": props,
            "additionalProperties": False}
  if required:
    result["required"] = sorted(required)
  return result
