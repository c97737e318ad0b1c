"""The htools simulation backend (``--simulate=SPEC``, man/htools.rst).

Each SPEC describes one node group of an empty cluster as
``alloc_policy,num_nodes,disk,ram,cpu[,spindles[,exclusive_storage]]``:

* ``alloc_policy``: ``preferred``, ``last_resort``, ``unallocable`` or
  their abbreviations ``p``, ``a``, ``u``;
* ``num_nodes``, ``cpu``, ``spindles`` (default 1): integers as Haskell's
  ``read`` accepts them (surrounding parentheses, leading blanks, ``-``,
  ``0x``/``0o`` literals);
* ``disk``, ``ram``: an integer with an optional unit (``m``/``g``/``t``,
  ``MiB``/``GiB``/``TiB`` binary, ``M``/``G``/``T``, ``MB``/``GB``/``TB``
  decimal), in MiB;
* ``exclusive_storage`` (default ``False``): ``True`` or ``False``.

The N-th SPEC counted from the LAST one given (upstream's order) makes
group ``group-NN`` (uuid
``fake-uuid-NN``, no tags nor networks, the default instance policy) with
nodes ``node-NN-MMM``: all their memory and disk free, one cpu reserved
for the node, no free spindles, online; ``node-01-001`` is the master.
The cluster has no instances, no tags and the default instance policy.
Malformed specs raise :class:`~ganeti.htools.loader.LoaderError` with
upstream's messages.
"""

import re

from ganeti.htools import types as T
from ganeti.htools.loader import AssignIndices, ClusterData, Group
from ganeti.htools.loader import LoaderError
from ganeti.htools.node import Node

_POLICY_ABBREV = {"p": T.ALLOC_PREFERRED, "a": T.ALLOC_LAST_RESORT,
                  "u": T.ALLOC_UNALLOCABLE}

_SPACES = " \t\n\r\f\v"
_DEC_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_HEX_NUMBER = re.compile(r"0[xX]([0-9a-fA-F]+)")
_OCT_NUMBER = re.compile(r"0[oO]([0-7]+)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_']*")


class _NoParse(Exception):
  """The text does not start with a value of the wanted type."""


def _ReadInt(text):
  """An integer token at the start of ``text`` (after blanks).

  Returns (value, rest).  Decimal numbers with a fraction or exponent are
  not integers (Haskell's ``read`` rejects them, it does not stop before).
  """
  text = text.lstrip(_SPACES)
  negative = False
  if text.startswith("-"):
    negative = True
    text = text[1:].lstrip(_SPACES)
  for (regex, base) in ((_HEX_NUMBER, 16), (_OCT_NUMBER, 8)):
    match = regex.match(text)
    if match:
      value = int(match.group(1), base)
      break
  else:
    match = _DEC_NUMBER.match(text)
    if not match or match.group(1) or match.group(2):
      raise _NoParse()
    value = int(match.group(0))
  return (-value if negative else value, text[match.end():])


def _ReadBool(text):
  text = text.lstrip(_SPACES)
  match = _IDENT.match(text)
  if not match or match.group(0) not in ("True", "False"):
    raise _NoParse()
  return (match.group(0) == "True", text[match.end():])


def _Reads(reader, text):
  """Haskell's ``reads``: a value, optionally in parentheses, and the rest."""
  stripped = text.lstrip(_SPACES)
  if stripped.startswith("("):
    (value, rest) = _Reads(reader, stripped[1:])
    rest = rest.lstrip(_SPACES)
    if not rest.startswith(")"):
      raise _NoParse()
    return (value, rest[1:])
  return reader(text)


def TryRead(what, reader, text):
  """A whole-string value (upstream's ``tryRead``) or a LoaderError."""
  try:
    (value, rest) = _Reads(reader, text)
  except _NoParse:
    raise LoaderError("%s: cannot parse string '%s'" % (what, text))
  if rest:
    raise LoaderError("%s: leftover characters when parsing '%s': '%s'" %
                      (what, text, rest))
  return value


_BINARY = {"m": 1, "MIB": 1, "g": 1024, "GIB": 1024, "t": 1024 * 1024,
           "TIB": 1024 * 1024}
# decimal units as (numerator, denominator) of their size in MiB
_DECIMAL = {"M": (1000 ** 2, 1024 ** 2), "MB": (1000 ** 2, 1024 ** 2),
            "G": (1000 ** 3, 1024 ** 2), "GB": (1000 ** 3, 1024 ** 2),
            "T": (1000 ** 4, 1024 ** 2), "TB": (1000 ** 4, 1024 ** 2)}


def ParseUnit(text):
  """A size in MiB from an integer and an optional unit (upstream's rules).

  The unit may follow blanks; ``m``, ``g``, ``t`` and their ``MiB``...
  spellings (any case) are binary, ``M``, ``G``, ``T`` and ``MB``...
  (any case) decimal; the result is truncated towards zero.
  """
  try:
    (value, rest) = _Reads(_ReadInt, text)
  except _NoParse:
    raise LoaderError("Can't parse string '%s'" % text)
  unit = rest.lstrip(" ")
  upper = unit.upper()
  if not unit:
    return value
  if unit in ("m", "g", "t") or upper in ("MIB", "GIB", "TIB"):
    return value * _BINARY.get(unit, _BINARY.get(upper))
  if unit in ("M", "G", "T") or upper in ("MB", "GB", "TB"):
    (num, den) = _DECIMAL.get(unit, _DECIMAL.get(upper))
    scaled = abs(value) * num // den
    return -scaled if value < 0 else scaled
  raise LoaderError("Unknown unit '%s'" % unit)


def _AllocPolicy(text):
  if text in T.ALLOC_POLICIES:
    return text
  if text in _POLICY_ABBREV:
    return _POLICY_ABBREV[text]
  raise LoaderError("Invalid string value for type AllocPolicy: \"%s\";"
                    " Cannot parse AllocPolicy abbreviation '%s'" %
                    (text, text))


def _Annotate(what, func, text):
  try:
    return func(text)
  except LoaderError as err:
    raise LoaderError("%s: %s" % (what, err))


def ParseSpec(spec):
  """One group spec as (policy, nodes, disk, mem, cpu, spindles, excl)."""
  fields = spec.split(",") if spec else []
  if len(fields) == 5:
    fields.append("1")
  if len(fields) == 6:
    fields.append("False")
  if len(fields) != 7:
    raise LoaderError("Invalid cluster specification, expected 6"
                      " comma-separated sections (allocation policy, node"
                      " count, disk size, memory size, number of CPUs,"
                      " spindles) but got %d: '%s'" % (len(fields), spec))
  (apol, count, disk, mem, cpu, spindles, excl) = fields
  return (_AllocPolicy(apol),
          TryRead("node count", _ReadInt, count),
          _Annotate("disk size", ParseUnit, disk),
          _Annotate("memory size", ParseUnit, mem),
          TryRead("cpu count", _ReadInt, cpu),
          TryRead("spindles", _ReadInt, spindles),
          TryRead("exclusive storage", _ReadBool, excl))


def _MakeGroup(number, spec):
  """The group and nodes of the ``number``-th spec (numbered from 1)."""
  (apol, count, disk, mem, cpu, spindles, excl) = ParseSpec(spec)
  group = Group("group-%02d" % number, "fake-uuid-%02d" % number, apol,
                T.DefaultIPolicy(), [])
  nodes = []
  for idx in range(1, count + 1):
    node = Node("node-%02d-%03d" % (number, idx), mem, 0, mem, disk, disk,
                cpu, False, spindles, 0, number - 1, excl, n_cpu=1)
    node.is_master = number == 1 and idx == 1
    nodes.append(node)
  return (group, nodes)


def LoadData(specs):
  """The simulated cluster (:class:`ClusterData`) of the ``--simulate`` specs.

  ``specs`` is in command line order; as upstream (whose option parser
  stacks the values), the LAST spec becomes ``group-01`` and is checked
  first.
  """
  groups = []
  nodes = []
  for (number, spec) in enumerate(reversed(specs), 1):
    (group, gnodes) = _MakeGroup(number, spec)
    groups.append(group)
    nodes.extend(gnodes)
  return ClusterData(AssignIndices(groups), AssignIndices(nodes), [], [],
                     T.DefaultIPolicy())
