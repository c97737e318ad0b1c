"""CLI output of queries: tables, list and list-fields commands.

The functions take the LUXI query result (``{"fields": [...], "data":
[...]}`` or an L{objects.QueryResponse}) so that the CLI can call
``cl.Query(resource, fields, qfilter)`` and hand over the answer.

Rendering rules: without a separator, columns are padded to their widest
cell and joined by one space (text left-aligned, numbers and units
right-aligned, the last column not padded when left-aligned); with a
separator, cells are joined by it without padding. Units default to "h"
(human) without a separator and "m" with one.

"""

import sys

from ganeti import constants
from ganeti import objects
from ganeti import qlang
from ganeti import utils
from ganeti.qfields import (QFT_UNKNOWN, QFT_TEXT, QFT_BOOL, QFT_NUMBER,
                            QFT_NUMBER_FLOAT, QFT_UNIT, QFT_TIMESTAMP,
                            QFT_OTHER, RS_ALL, RS_NORMAL, RS_UNKNOWN,
                            RSS_DESCRIPTION)

# Overall statuses of a formatted query
QR_NORMAL = 0
QR_UNKNOWN = 1
QR_INCOMPLETE = 2

#: Names of field kinds shown by list-fields
QFT_NAMES = {
  QFT_UNKNOWN: "Unknown",
  QFT_TEXT: "Text",
  QFT_BOOL: "Boolean",
  QFT_NUMBER: "Number",
  QFT_NUMBER_FLOAT: "Floating-point number",
  QFT_UNIT: "Storage size",
  QFT_TIMESTAMP: "Timestamp",
  QFT_OTHER: "Custom",
  }


def FormatBool(value):
  """A boolean as "Y" or "N"."""
  if value:
    return "Y"
  return "N"


def FormatListJoined(value):
  """A list as its items joined by "," (the gnt-* list override)."""
  return ",".join(str(item) for item in value)


def FormatDictEmpty(value):
  """A dict as "k=v, k=v", or "(empty)" (gnt-group list ndparams)."""
  if not value:
    return "(empty)"
  return utils.CommaJoin("%s=%s" % (key, _DictValue(val))
                         for (key, val) in value.items())


def _DictValue(value):
  """Whole floats print as integers (``cpu_speed=1``, as Ganeti 3.0)."""
  if isinstance(value, float) and value.is_integer():
    return int(value)
  return value


_JOINED = (FormatListJoined, False)

#: Format overrides used by the gnt-* list commands
INSTANCE_LIST_OVERRIDE = dict.fromkeys(
  ["tags", "disk.sizes", "nic.macs", "nic.ips", "nic.modes", "nic.links",
   "nic.bridges", "nic.networks", "snodes", "snodes.group",
   "snodes.group.uuid"], _JOINED)
NODE_LIST_OVERRIDE = dict.fromkeys(["pinst_list", "sinst_list", "tags"],
                                   _JOINED)
GROUP_LIST_OVERRIDE = {
  "node_list": _JOINED,
  "pinst_list": _JOINED,
  "ndparams": (FormatDictEmpty, False),
  }
JOB_LIST_OVERRIDE = {
  "status": (str, False),
  "summary": _JOINED,
  }

_DEFAULT_FORMAT = {
  QFT_TEXT: (str, False),
  QFT_BOOL: (FormatBool, False),
  QFT_NUMBER: (str, True),
  QFT_NUMBER_FLOAT: (str, True),
  QFT_TIMESTAMP: (utils.FormatTime, False),
  QFT_OTHER: (str, False),
  QFT_UNKNOWN: (str, False),
  }


class TableColumn:
  """A table column: title, cell formatter and alignment."""

  def __init__(self, title, fn, align_right):
    self.title = title
    self.format = fn
    self.align_right = align_right


def FormatTable(rows, columns, header, separator):
  """Format rows (lists of raw cells) into lines of text.

  @param columns: list of L{TableColumn}
  @param header: whether to start with a row of column titles
  @param separator: None for aligned columns, else the cell separator

  """
  if header:
    data = [[col.title for col in columns]]
    widths = [len(col.title) for col in columns]
  else:
    data = []
    widths = [0 for _ in columns]
  for row in rows:
    assert len(row) == len(columns)
    cells = [col.format(value) for (value, col) in zip(row, columns)]
    if separator is None:
      widths = [max(w, len(cell)) for (w, cell) in zip(widths, cells)]
    data.append(cells)
  if separator is not None:
    return [separator.join(row) for row in data]
  if columns and not columns[-1].align_right:
    widths[-1] = 0
  lines = []
  for row in data:
    parts = []
    for (cell, col, width) in zip(row, columns, widths):
      if col.align_right:
        parts.append(cell.rjust(width))
      else:
        parts.append(cell.ljust(width))
    lines.append(" ".join(parts))
  return lines


def GenerateTable(headers, fields, separator, data, numfields=None,
                  unitfields=None, units=None):
  """Format a table of plain values (the pre-query2 list helper).

  @param headers: dict field → title, or None/empty for no header line
  @param fields: the field names, one per column
  @param data: rows of values (a None row prints "-" cells)
  @param numfields: fields aligned right
  @param unitfields: fields holding sizes in MiB, formatted with C{units}

  """
  if units is None:
    units = "m" if separator else "h"
  numfields = frozenset(numfields or [])
  unitfields = frozenset(unitfields or [])
  data = [None if row is None else list(row) for row in data]
  mlens = [0 for _ in fields]
  for row in data:
    if row is None:
      continue
    for (idx, val) in enumerate(row):
      if fields[idx] in unitfields:
        try:
          val = utils.FormatUnit(int(val), units)
        except (TypeError, ValueError):
          pass
      val = row[idx] = str(val)
      mlens[idx] = max(mlens[idx], len(val))

  def _Line(cells, widths):
    if separator is not None:
      return separator.join(cells)
    parts = []
    for (field, cell, width) in zip(fields, cells, widths):
      if field in numfields:
        parts.append(cell.rjust(width))
      else:
        parts.append(cell.ljust(width))
    return " ".join(parts)

  result = []
  if headers:
    titles = [headers.get(field, field) for field in fields]
    mlens = [max(w, len(t)) for (w, t) in zip(mlens, titles)]
    result.append(_Line(titles, mlens))
  if fields and fields[-1] not in numfields:
    mlens[-1] = 0
  for row in data:
    if row is None:
      row = ["-" for _ in fields]
    result.append(_Line(row, mlens))
  return result


def _GetColumnFormatter(fdef, override, unit):
  fmt = override.get(fdef.name)
  if fmt is not None:
    return fmt
  if fdef.kind == QFT_UNIT:
    return (lambda value: utils.FormatUnit(value, unit), True)
  if fdef.kind in _DEFAULT_FORMAT:
    return _DEFAULT_FORMAT[fdef.kind]
  raise NotImplementedError("Can't format column type '%s'" % fdef.kind)


def _MakeCellFormatter(fn, record_fn, verbose):
  def fmt(cell):
    (status, value) = cell
    record_fn(status)
    if status == RS_NORMAL:
      return fn(value)
    (verbose_text, terse_text) = RSS_DESCRIPTION[status]
    if verbose:
      return verbose_text
    return terse_text
  return fmt


def _ToResponse(result):
  if isinstance(result, objects.QueryResponse):
    return result
  return objects.QueryResponse.FromDict(result)


def _ToFieldDefs(fields):
  return [f if isinstance(f, objects.QueryFieldDefinition)
          else objects.QueryFieldDefinition.FromDict(f) for f in fields]


def GetUnknownFields(fdefs):
  """The field definitions of kind "unknown"."""
  return [fdef for fdef in _ToFieldDefs(fdefs) if fdef.kind == QFT_UNKNOWN]


def UnknownFieldsWarning(fdefs):
  """The stderr warning for unknown fields, or None if there are none."""
  unknown = GetUnknownFields(fdefs)
  if not unknown:
    return None
  return ("Warning: Queried for unknown fields %s" %
          utils.CommaJoin(fdef.name for fdef in unknown))


def FormatQueryResult(result, unit=None, format_override=None,
                      separator=None, header=False, verbose=False):
  """Format a query result as table lines.

  @param result: LUXI result dict or L{objects.QueryResponse}
  @param format_override: field name → (fn(value) → str, align_right)
  @return: (status, lines) with status L{QR_NORMAL}, L{QR_UNKNOWN} (unknown
    fields were queried: exit code 14) or L{QR_INCOMPLETE} (some cells
    were not normal)

  """
  result = _ToResponse(result)
  if unit is None:
    unit = "m" if separator else "h"
  if format_override is None:
    format_override = {}
  stats = dict.fromkeys(RS_ALL, 0)

  def _Record(status):
    if status in stats:
      stats[status] += 1

  columns = []
  for fdef in result.fields:
    (fn, align_right) = _GetColumnFormatter(fdef, format_override, unit)
    columns.append(TableColumn(fdef.title,
                               _MakeCellFormatter(fn, _Record, verbose),
                               align_right))
  lines = FormatTable(result.data, columns, header, separator)
  if stats[RS_UNKNOWN] or (not result.data and
                           GetUnknownFields(result.fields)):
    status = QR_UNKNOWN
  elif any(count for (key, count) in stats.items() if key != RS_NORMAL):
    status = QR_INCOMPLETE
  else:
    status = QR_NORMAL
  return (status, lines)


def _Write(stream, line):
  stream.write(line + "\n")


def GenericList(resource, fields, names, unit, separator, header, cl=None,
                format_override=None, verbose=False, force_filter=False,
                namefield=None, qfilter=None, isnumeric=False, out=None,
                err=None):
  """Run a query and print it, the body of every ``gnt-* list``.

  @param names: the command's positional arguments (names, globs or one
    filter text), combined with C{qfilter} by "and"
  @return: the exit code (0, or 14 for unknown fields)

  """
  out = out or sys.stdout
  err = err or sys.stderr
  if not names:
    names = None
  namefilter = qlang.MakeFilter(names, force_filter, namefield=namefield,
                                isnumeric=isnumeric)
  if qfilter is None:
    qfilter = namefilter
  elif namefilter is not None:
    qfilter = [qlang.OP_AND, namefilter, qfilter]
  if cl is None:
    raise ValueError("A LUXI client is required")
  response = cl.Query(resource, fields, qfilter)
  response = _ToResponse(response)
  warning = UnknownFieldsWarning(response.fields)
  if warning:
    _Write(err, warning)
  (status, lines) = FormatQueryResult(response, unit=unit,
                                      format_override=format_override,
                                      separator=separator, header=header,
                                      verbose=verbose)
  for line in lines:
    _Write(out, line)
  if status == QR_UNKNOWN:
    return constants.EXIT_UNKNOWN_FIELD
  return constants.EXIT_SUCCESS


def FormatListFields(fdefs, separator, header):
  """Lines of a list-fields table (Name, Type, Title, Description)."""
  columns = [
    TableColumn("Name", str, False),
    TableColumn("Type", lambda kind: QFT_NAMES.get(kind, kind), False),
    TableColumn("Title", str, False),
    TableColumn("Description", str, False),
    ]
  rows = [[fdef.name, fdef.kind, fdef.title, fdef.doc]
          for fdef in _ToFieldDefs(fdefs)]
  return FormatTable(rows, columns, header, separator)


def GenericListFields(resource, fields, separator, header, cl=None,
                      out=None, err=None):
  """Print the fields of a resource, the body of ``gnt-* list-fields``.

  @param fields: names to describe, or empty/None for all
  @return: the exit code (0, or 14 for unknown fields)

  """
  out = out or sys.stdout
  err = err or sys.stderr
  if cl is None:
    raise ValueError("A LUXI client is required")
  if not fields:
    fields = None
  response = cl.QueryFields(resource, fields)
  if isinstance(response, dict):
    fdefs = _ToFieldDefs(response["fields"])
  else:
    fdefs = _ToFieldDefs(response.fields)
  warning = UnknownFieldsWarning(fdefs)
  if warning:
    _Write(err, warning)
  for line in FormatListFields(fdefs, separator, header):
    _Write(out, line)
  if warning:
    return constants.EXIT_UNKNOWN_FIELD
  return constants.EXIT_SUCCESS
