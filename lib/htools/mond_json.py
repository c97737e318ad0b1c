"""JSON as the MonD data readers of upstream's htools see it.

Upstream decodes the ``--mond-data`` file and MonD's answers with
Haskell's Text.JSON; its error messages (part of what hbal prints) and
its value model differ from Python's json module.  This module decodes
the same texts, gives the same messages, and shows values as Haskell's
``show`` does (some of upstream's errors quote a value that way).

Values: ``None`` (JSNull), ``bool`` (JSBool), :class:`fractions.Fraction`
(JSRational, every number), ``str`` (JSString), ``list`` (JSArray) and
:class:`JSObject` (a list of (key, value) pairs in the text's order,
duplicates kept; lookups take the first).
"""

import fractions

#: how many characters of the rest of the text a parse error quotes
_CONTEXT = 8

#: what Haskell's isSpace accepts between tokens (its Latin-1 part)
_SPACE = " \t\n\r\f\v\xa0"


class JSONError(Exception):
  """A text that does not decode; the message is Text.JSON's."""


class JSObject(list):
  """A JSON object: (key, value) pairs, in order."""

  def Get(self, key):
    """The first value under ``key``; KeyError if there is none."""
    for (name, value) in self:
      if name == key:
        return value
    raise KeyError(key)

  def Keys(self):
    return [name for (name, _) in self]


def _Context(text, pos):
  return text[pos:pos + _CONTEXT]


def _SkipSpace(text, pos):
  while pos < len(text) and text[pos] in _SPACE:
    pos += 1
  return pos


class _Parser:
  def __init__(self, text):
    self.text = text

  def Fail(self, msg):
    raise JSONError(msg)

  def Value(self, pos):
    text = self.text
    char = text[pos] if pos < len(text) else ""
    if char == '"':
      return self.String(pos)
    if char == "[":
      return self.Array(pos)
    if char == "{":
      return self.Object(pos)
    if char in ("t", "f"):
      if text.startswith("true", pos):
        return (True, pos + 4)
      if text.startswith("false", pos):
        return (False, pos + 5)
      self.Fail("Unable to parse JSON Bool: " + _Context(text, pos))
    if char.isdigit() and char.isascii() or char == "-":
      return self.Number(pos)
    if text.startswith("null", pos):
      return (None, pos + 4)
    self.Fail("Malformed JSON: invalid token in this context " +
              _Context(text, pos))

  def String(self, pos):
    text = self.text
    if pos >= len(text) or text[pos] != '"':
      self.Fail("Malformed JSON: expecting string: " + _Context(text, pos))
    pos += 1
    chars = []
    escapes = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t",
               "f": "\f", "b": "\b", "/": "/"}
    while True:
      if pos >= len(text):
        self.Fail("Unable to parse JSON String: unterminated String: ")
      char = text[pos]
      if char == "\\" and pos + 1 < len(text):
        esc = text[pos + 1]
        if esc in escapes:
          chars.append(escapes[esc])
          pos += 2
        elif esc == "u":
          digits = text[pos + 2:pos + 6]
          if len(digits) < 4:
            self.Fail("Unable to parse JSON String: invalid hex: " +
                      _Context(text, pos + 2))
          valid = len(digits) - len(digits.lstrip("0123456789abcdefABCDEF"))
          if valid < 4:
            # upstream quotes the shown result of its readHex
            shown = "[]" if not valid else "[(%d,%s)]" % (
              int(digits[:valid], 16), ShowString(digits[valid:]))
            self.Fail("Unable to parse JSON String: invalid hex: " +
                      shown[:_CONTEXT])
          chars.append(chr(int(digits, 16)))
          pos += 6
        else:
          self.Fail("Unable to parse JSON String: invalid escape char: " +
                    ShowChar(esc))
      elif char == '"':
        return ("".join(chars), pos + 1)
      elif char < "\x20":
        self.Fail("Illegal unescaped character in string: " +
                  _Context(text, pos))
      else:
        chars.append(char)
        pos += 1

  def Number(self, pos):
    text = self.text
    sign = 1
    if text[pos] == "-":
      sign = -1
      pos += 1
    if pos >= len(text) or not (text[pos].isascii() and text[pos].isdigit()):
      self.Fail("Unable to parse JSON Rational: " + _Context(text, pos + 1))
    if text[pos] == "0":
      value = fractions.Fraction(0)
      pos += 1
    else:
      start = pos
      while pos < len(text) and text[pos].isascii() and text[pos].isdigit():
        pos += 1
      value = fractions.Fraction(int(text[start:pos]))
    if pos < len(text) and text[pos] == ".":
      start = pos + 1
      end = start
      while end < len(text) and text[end].isascii() and text[end].isdigit():
        end += 1
      if end == start:
        # "1." is 1, the dot is dropped
        return (sign * value, start)
      value += fractions.Fraction(int(text[start:end]), 10 ** (end - start))
      pos = end
    if pos < len(text) and text[pos] in "eE":
      pos += 1
      negative = False
      if pos < len(text) and text[pos] in "+-":
        negative = text[pos] == "-"
        pos += 1
      start = pos
      while pos < len(text) and text[pos].isascii() and text[pos].isdigit():
        pos += 1
      if pos == start:
        self.Fail("Unable to parse JSON exponential: " +
                  _Context(text, start))
      scale = fractions.Fraction(10) ** int(text[start:pos])
      value = value / scale if negative else value * scale
    return (sign * value, pos)

  def Array(self, pos):
    text = self.text
    pos = _SkipSpace(text, pos + 1)
    items = []
    if pos < len(text) and text[pos] == "]":
      return (items, _SkipSpace(text, pos + 1))
    while True:
      (value, after) = self.Value(pos)
      items.append(value)
      pos = _SkipSpace(text, after)
      char = text[pos] if pos < len(text) else ""
      if char == ",":
        pos = _SkipSpace(text, pos + 1)
      elif char == "]":
        return (items, _SkipSpace(text, pos + 1))
      else:
        self.Fail("Unable to parse JSON array: unterminated array: " +
                  _Context(text, after))

  def Object(self, pos):
    text = self.text
    pos = _SkipSpace(text, pos + 1)
    pairs = JSObject()
    if pos < len(text) and text[pos] == "}":
      return (pairs, _SkipSpace(text, pos + 1))
    while True:
      (key, after) = self.String(pos)
      pos = _SkipSpace(text, after)
      if pos >= len(text) or text[pos] != ":":
        self.Fail("Malformed JSON labelled field: " + _Context(text, after))
      (value, after) = self.Value(_SkipSpace(text, pos + 1))
      pairs.append((key, value))
      pos = _SkipSpace(text, after)
      char = text[pos] if pos < len(text) else ""
      if char == ",":
        pos = _SkipSpace(text, pos + 1)
      elif char == "}":
        return (pairs, _SkipSpace(text, pos + 1))
      else:
        self.Fail("Unable to parse JSON object: unterminated sequence: " +
                  _Context(text, after))


def Decode(text):
  """Decode a JSON text whose top level is an array or an object
  (Text.JSON's decodeStrict); :class:`JSONError` on bad input."""
  parser = _Parser(text)
  if not text or text[0] not in "[{":
    parser.Fail("Invalid JSON: a JSON text a serialized object or array at"
                " the top level.")
  (value, pos) = parser.Value(0)
  if pos < len(text):
    parser.Fail("Invalid tokens at end of JSON string: " +
                ShowString(text[pos:pos + 10]))
  return value


# Haskell's show ------------------------------------------------------------
_CONTROL_NAMES = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a", "b",
                  "t", "n", "v", "f", "r", "SO", "SI", "DLE", "DC1", "DC2",
                  "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
                  "ESC", "FS", "GS", "RS", "US"]


def _ShowLitChar(char, following):
  """One character inside a shown string; ``following`` is the next
  character (Haskell adds ``\\&`` where an escape would run on)."""
  code = ord(char)
  if char == "\\":
    return "\\\\"
  if code >= 127:
    if code == 127:
      return "\\DEL"
    text = "\\%d" % code
    if following.isascii() and following.isdigit():
      text += "\\&"
    return text
  if code < 32:
    text = "\\" + _CONTROL_NAMES[code]
    if char == "\x0e" and following == "H":
      text += "\\&"
    return text
  return char


def ShowString(value):
  """A string as Haskell's ``show`` prints it."""
  parts = []
  for (pos, char) in enumerate(value):
    following = value[pos + 1] if pos + 1 < len(value) else ""
    parts.append('\\"' if char == '"' else _ShowLitChar(char, following))
  return '"%s"' % "".join(parts)


def ShowChar(char):
  """A character as Haskell's ``show`` prints it."""
  if char == "'":
    return "'\\''"
  return "'%s'" % _ShowLitChar(char, "")


def ShowInteger(value, prec=0):
  """An Integer at precedence ``prec`` (negative ones in parentheses
  above 6)."""
  if value < 0 and prec > 6:
    return "(%d)" % value
  return "%d" % value


def ShowRational(value, prec=0):
  """A Rational as ``show`` prints it (``3 % 2``)."""
  text = "%s %% %s" % (ShowInteger(value.numerator, 8),
                       ShowInteger(value.denominator, 8))
  return "(%s)" % text if prec > 7 else text


def ShowValue(value, prec=0):
  """A JSON value as ``show`` prints Text.JSON's JSValue."""
  if value is None:
    text = "JSNull"
    return text
  if isinstance(value, bool):
    text = "JSBool %s" % ("True" if value else "False")
  elif isinstance(value, fractions.Fraction):
    text = "JSRational False %s" % ShowRational(value, 11)
  elif isinstance(value, str):
    text = "JSString (JSONString {fromJSString = %s})" % ShowString(value)
  elif isinstance(value, JSObject):
    text = "JSObject (JSONObject {fromJSObject = [%s]})" % ",".join(
      "(%s,%s)" % (ShowString(k), ShowValue(v)) for (k, v) in value)
  else:
    text = "JSArray [%s]" % ",".join(ShowValue(v) for v in value)
  return "(%s)" % text if prec > 10 else text


def ShowStrings(values):
  """A list of strings as ``show`` prints it."""
  return "[%s]" % ",".join(ShowString(v) for v in values)


# Reading values as Text.JSON's instances do ---------------------------------
class ReadError(Exception):
  """A value of the wrong type (the message is upstream's)."""


def ReadString(value):
  """A String; as Haskell's, also a list of one-character strings."""
  if isinstance(value, list) and not isinstance(value, JSObject):
    if not all(isinstance(v, str) and len(v) == 1 for v in value):
      raise ReadError("Unable to read Char")
    return "".join(value)
  if not isinstance(value, str):
    raise ReadError("Unable to read String")
  return value


def _Round(value):
  return int(round(value))


def ReadInt(value):
  """An Int: a number, rounded as Haskell's round, wrapped to 64 bits."""
  if not isinstance(value, fractions.Fraction):
    raise ReadError("Unable to read Int")
  return WrapInt(_Round(value))


def WrapInt(number):
  return ((number + 2 ** 63) % 2 ** 64) - 2 ** 63


def ReadInteger(value):
  if not isinstance(value, fractions.Fraction):
    raise ReadError("Unable to read Integer")
  return _Round(value)


def ReadDouble(value):
  if not isinstance(value, fractions.Fraction):
    raise ReadError("Unable to read Double")
  try:
    return float(value)
  except OverflowError:
    return float("inf") if value > 0 else float("-inf")


def ReadList(value, item=None):
  if not isinstance(value, list) or isinstance(value, JSObject):
    raise ReadError("Unable to read list")
  return [item(v) for v in value] if item else list(value)


def ReadObject(value):
  if not isinstance(value, JSObject):
    raise ReadError("Unable to read JSObject")
  return value
