"""The query filter language.

Text filters (``gnt-* list -F``, a single positional argument that looks
like a filter) are parsed with pyparsing into the wire form used by LUXI and
RAPI: nested lists whose first element is an operator, e.g.
``["&", ["==", "admin_state", "up"], ["?", "oper_state"]]``.

Grammar (operator precedence from loose to tight: ``or``, ``and``,
``not``)::

  expr      := expr "or" expr | expr "and" expr | "not" expr
             | "(" expr ")" | test
  test      := field OP value            (OP: == = != < <= > >=)
             | field "=~" regex | field "!~" regex
             | field "=*" string | field "!*" string     (DNS-name globs)
             | value "in" field | value "not" "in" field
             | field                                     (boolean test)
  value     := quoted string | integer
  regex     := ["m"] DELIM text DELIM [flags] (DELIM one of / # ^ |;
                                                flags among i and s)

pyparsing is imported only when a filter text is parsed: importing it
takes longer than a whole ``gnt-instance list`` otherwise does.
"""

import re
import string


from ganeti import errors

OP_OR = "|"
OP_AND = "&"
OP_NOT = "!"
OP_TRUE = "?"
OP_EQUAL = "=="
OP_EQUAL_LEGACY = "="
OP_NOT_EQUAL = "!="
OP_LT = "<"
OP_LE = "<="
OP_GT = ">"
OP_GE = ">="
OP_REGEXP = "=~"
OP_CONTAINS = "=[]"

#: Characters that make a lone argument a filter rather than a name
FILTER_DETECTION_CHARS = frozenset("()=/!~'\"\\<>" + string.whitespace)

#: Characters that make a name a DNS-style glob
GLOB_DETECTION_CHARS = frozenset("*?")

#: Delimiters accepted around a regular expression (``m/.../``)
_KNOWN_REGEXP_DELIM = "/#^|"

#: Regular expression flags accepted after the closing delimiter
_KNOWN_REGEXP_FLAGS = {"i": re.I, "s": re.S}

_BINOPS = {
  "==": OP_EQUAL,
  "=": OP_EQUAL,  # legacy
  "!=": OP_NOT_EQUAL,
  "<": OP_LT,
  "<=": OP_LE,
  ">": OP_GT,
  ">=": OP_GE,
  }


def DnsNameGlobPattern(pattern: str) -> str:
  """Turn a DNS-name glob (``inst*``, ``node?.example``) into a regex.

  ``*`` matches any run of characters except the dot, ``?`` a single
  character except the dot; matching starts at the leftmost name component
  and any further domain components are accepted.

  """
  escaped = re.escape(pattern)
  escaped = escaped.replace("\\*", "[^.]*").replace("\\?", "[^.]")
  return "^%s(\\..*)?$" % escaped


def _ConvertRegexp(_, loc, toks):
  """Parse action: check a regex and its flags, return the pattern text."""
  import pyparsing as pyp  # pylint: disable=C0415
  (regexp, flags) = toks[0]
  unknown = frozenset(flags) - frozenset(_KNOWN_REGEXP_FLAGS)
  if unknown:
    raise pyp.ParseFatalException("", loc,
                                  "Unknown regular expression flags: '%s'" %
                                  "".join(sorted(unknown)))
  cflags = 0
  for flag in flags:
    cflags |= _KNOWN_REGEXP_FLAGS[flag]
  try:
    re.compile(regexp, cflags)
  except re.error as err:
    raise pyp.ParseFatalException("", loc,
                                  "Invalid regular expression (%s)" % err)
  if flags:
    return ["(?%s)%s" % ("".join(sorted(set(flags))), regexp)]
  return [regexp]


def _BuildGrammar():
  """Build the pyparsing grammar producing wire-form filters."""
  import pyparsing as pyp  # pylint: disable=C0415
  field_name = pyp.Word(pyp.alphas, pyp.alphanums + "_/.")

  quoted_string = pyp.quoted_string.copy().set_parse_action(
    lambda toks: [_Unquote(toks[0])])
  number = pyp.Combine(pyp.Optional(pyp.Word("-+", exact=1)) +
                       pyp.Word(pyp.nums))
  number.set_parse_action(lambda toks: [int(toks[0])])
  value = quoted_string | number

  # Regular expressions: m/.../flags
  regexp_body = pyp.MatchFirst([
    pyp.QuotedString(quoteChar=delim, escChar="\\", unquoteResults=True)
    for delim in _KNOWN_REGEXP_DELIM])
  regexp_flags = pyp.Optional(pyp.Regex(r"[a-zA-Z]+").leave_whitespace(),
                              default="")
  regexp = pyp.Group(pyp.Optional(pyp.Suppress(pyp.Literal("m"))) +
                     regexp_body.leave_whitespace() +
                     regexp_flags).set_parse_action(_ConvertRegexp)

  kw_not = pyp.Keyword("not")
  kw_in = pyp.Keyword("in")
  kw_and = pyp.Keyword("and")
  kw_or = pyp.Keyword("or")
  keyword = kw_not | kw_in | kw_and | kw_or
  field = ~keyword + field_name

  binop = pyp.one_of(list(_BINOPS))
  binop_cond = (field + binop + value).set_parse_action(
    lambda toks: [[_BINOPS[toks[1]], toks[0], toks[2]]])

  re_cond = (field + pyp.one_of(["=~", "!~"]) + regexp)
  re_cond.set_parse_action(_MakeRegexpCond)

  glob_cond = (field + pyp.one_of(["=*", "!*"]) + quoted_string)
  glob_cond.set_parse_action(_MakeGlobCond)

  in_cond = (value + kw_in + field).set_parse_action(
    lambda toks: [[OP_CONTAINS, toks[2], toks[0]]])
  not_in_cond = (value + kw_not + kw_in + field).set_parse_action(
    lambda toks: [[OP_NOT, [OP_CONTAINS, toks[3], toks[0]]]])

  bool_cond = field.copy().set_parse_action(
    lambda toks: [[OP_TRUE, toks[0]]])

  condition = (re_cond | glob_cond | binop_cond | not_in_cond | in_cond |
               bool_cond)

  expr = pyp.infix_notation(condition, [
    (kw_not, 1, pyp.OpAssoc.RIGHT, _MakeNot),
    (kw_and, 2, pyp.OpAssoc.LEFT, _MakeLogic(OP_AND)),
    (kw_or, 2, pyp.OpAssoc.LEFT, _MakeLogic(OP_OR)),
    ])
  return pyp.StringStart() + expr + pyp.StringEnd()


def _Unquote(text):
  """Remove the quotes around a quoted string, resolving escapes."""
  quote = text[0]
  body = text[1:-1]
  return body.replace("\\" + quote, quote).replace("\\\\", "\\")


def _MakeRegexpCond(toks):
  (field, op, pattern) = toks
  cond = [OP_REGEXP, field, pattern]
  if op == "!~":
    return [[OP_NOT, cond]]
  return [cond]


def _MakeGlobCond(toks):
  (field, op, glob) = toks
  cond = [OP_REGEXP, field, DnsNameGlobPattern(glob)]
  if op == "!*":
    return [[OP_NOT, cond]]
  return [cond]


def _MakeNot(toks):
  (_, operand) = toks[0]
  return [[OP_NOT, operand]]


def _MakeLogic(op):
  """Return a parse action flattening ``a OP b OP c`` into ``[op, a, b, c]``."""
  def fn(toks):
    return [[op] + list(toks[0][::2])]
  return fn


_GRAMMAR = None


def _GetGrammar():
  global _GRAMMAR  # pylint: disable=W0603
  if _GRAMMAR is None:
    _GRAMMAR = _BuildGrammar()
  return _GRAMMAR


def _ToPlain(value):
  """Convert pyparsing results into plain nested filter lists.

  Every filter node is a list starting with its operator (a string);
  pyparsing versions differ in how many list levels they wrap around the
  results of parse actions, so lists holding just one list are unwrapped.
  """
  import pyparsing as pyp  # pylint: disable=C0415
  if isinstance(value, pyp.ParseResults):
    value = value.as_list()
  if isinstance(value, list):
    while len(value) == 1 and isinstance(value[0], (list, pyp.ParseResults)):
      value = value[0]
      if isinstance(value, pyp.ParseResults):
        value = value.as_list()
    return [_ToPlain(v) for v in value]
  return value


def ParseFilter(text, parser=None):
  """Parse a query filter text into its wire form.

  @raise errors.QueryFilterParseError: on a syntax error; its arguments are
    a message and the pyparsing exception (with line and column)

  """
  import pyparsing as pyp  # pylint: disable=C0415
  if parser is None:
    parser = _GetGrammar()
  try:
    result = parser.parse_string(text, parse_all=True)
  except pyp.ParseBaseException as err:
    raise errors.QueryFilterParseError("Failed to parse query filter"
                                       " '%s': %s" % (text, err), err)
  return _ToPlain(result[0])


def MakeSimpleFilter(namefield, values):
  """Build an "any of these names" filter, or None for no names."""
  if values:
    return [OP_OR] + [[OP_EQUAL, namefield, i] for i in values]
  return None


def _CheckFilter(text):
  """Whether a lone argument looks like a filter expression."""
  return bool(frozenset(text) & FILTER_DETECTION_CHARS)


def _CheckGlobbing(text):
  """Whether a name is a DNS-name glob."""
  return bool(frozenset(text) & GLOB_DETECTION_CHARS)


def _MakeFilterPart(namefield, text, isnumeric=False):
  """Filter for one name argument (exact, glob or numeric)."""
  if isnumeric:
    try:
      number = int(text)
    except (TypeError, ValueError) as err:
      raise errors.OpPrereqError("Invalid job ID passed: %s" % str(err),
                                 errors.ECODE_INVAL)
    return [OP_EQUAL, namefield, number]
  if _CheckGlobbing(text):
    return [OP_REGEXP, namefield, DnsNameGlobPattern(text)]
  return [OP_EQUAL, namefield, text]


def MakeFilter(args, force_filter, namefield=None, isnumeric=False):
  """Build a query filter from command line arguments.

  A single argument that contains whitespace or one of the characters of
  L{FILTER_DETECTION_CHARS} is parsed as a filter, as is the argument given
  together with C{force_filter} (``-F``), which requires exactly one
  argument. Otherwise the arguments are names (globs where they contain
  ``*`` or ``?``; integers if C{isnumeric}), combined with "or".

  @return: the wire-form filter, or None when there are no arguments

  """
  if namefield is None:
    namefield = "name"
  if force_filter or (args and len(args) == 1 and _CheckFilter(args[0])):
    if not args or len(args) != 1:
      raise errors.OpPrereqError("Exactly one argument must be given as a"
                                 " filter", errors.ECODE_INVAL)
    return ParseFilter(args[0])
  if args:
    return [OP_OR] + [_MakeFilterPart(namefield, i, isnumeric=isnumeric)
                      for i in args]
  return None
