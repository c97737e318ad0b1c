"""JSON serialization in Ganeti's wire format.

Ganeti writes JSON with simplejson's default separators (``", "`` and
``": "``), strips trailing blanks and appends a newline.  Every file and
message format (job files, config.data, LUXI, node RPC) uses this.
"""

import re

import simplejson

_RE_EOLSP = re.compile(r"[ \t]+$", re.MULTILINE)

_encoder = simplejson.JSONEncoder(sort_keys=False)
_sorted_encoder = simplejson.JSONEncoder(sort_keys=True)
_decoder = simplejson.JSONDecoder()


def DumpJson(data, sort_keys: bool = False) -> bytes:
  """Serialize ``data`` to JSON bytes, newline terminated."""
  enc = _sorted_encoder if sort_keys else _encoder
  txt = enc.encode(data)
  if "\n" in txt:
    txt = _RE_EOLSP.sub("", txt)
  if not txt.endswith("\n"):
    txt += "\n"
  return txt.encode("utf-8")


def LoadJson(data):
  """Parse JSON text or bytes."""
  if isinstance(data, bytes):
    data = data.decode("utf-8")
  return _decoder.decode(data)


Dump = DumpJson
Load = LoadJson
