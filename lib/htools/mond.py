"""Dynamic CPU load from the monitoring daemons (``--mond``).

With ``--mond=yes`` hbal and hinfo ask every node's monitoring daemon
(MonD, plain HTTP on port 1815) for the report of one data collector,
``GET /1/report/<category>/<collector>`` with the category "default" for
the uncategorised CPU collectors, one node after the other, and use the
answers as the nodes' and instances' dynamic CPU utilisation before
balancing.  ``--mond-data=FILE`` replaces the network: the file holds
what the daemons would answer, a JSON list of ``{"node": NAME,
"reports": [REPORT, ...]}`` (a node's last entry counts, and in it the
first report of the collector's name).

The collectors, as upstream's:

- ``cpu-avg-load`` (the default): the report's ``data`` is ``{"cpu_number":
  N, "cpus": [LOAD, ...], "cpu_total": LOAD}``; the node's CPU load
  becomes ``cpu_total`` and each of its primary instances gets the share
  of its vcpus among the node's used cpus;
- ``xen-cpu-avg-load`` (``--mond-xen`` instead): ``data`` maps instance
  names to their load; every instance of the cluster must have one
  (first answer wins), a node's load is the sum of its primaries'.

No collector runs with ``--ignore-dynu``.  A collector whose answer is
missing on some node (no report, unusable data, a node that cannot be
reached: "Failed to contact ...") is ignored with a warning on stderr;
with ``--exit-on-missing-mond-data`` the program then stops ("Not all
required data available", exit code 1).  A file that cannot be parsed
stops it with upstream's message.
"""

import http.client
import math
import sys

from ganeti.htools import cli
from ganeti.htools import mond_json as J
from ganeti.htools import text as htext
from ganeti.htools import types as T

#: the port MonD listens on (upstream's fixed default; tests change it)
MOND_PORT = 1815

#: the MonD API version in the report URLs
MOND_API_VERSION = 1

#: seconds to wait for a connection (curl's default; no limit afterwards)
CONNECT_TIMEOUT = 300

#: the version string of the built-in collectors
BUILTIN_VERSION = "B"

#: the category names a report may carry
CATEGORIES = ("hypervisor", "storage", "daemon", "instance")

#: the fields of a report, sorted (upstream's "allowed" list)
_REPORT_FIELDS = sorted(["name", "version", "format_version", "timestamp",
                         "category", "kind", "data"])

CPU_LOAD_NAME = "cpu-avg-load"
XEN_CPU_LOAD_NAME = "xen-cpu-avg-load"


class MondError(cli.UsageError):
  """Stops the program: "Error: MESSAGE", exit code 1."""


class Report:
  """One data collector report (upstream's DCReport)."""

  __slots__ = ("name", "version", "format_version", "timestamp", "category",
               "kind", "data")

  def __init__(self, name, version, format_version, timestamp, category,
               kind, data):
    self.name = name
    self.version = version
    self.format_version = format_version
    self.timestamp = timestamp
    self.category = category
    self.kind = kind
    self.data = data


def _ReadVersion(value):
  if not isinstance(value, str):
    raise J.ReadError("Invalid JSON value %s for type DCVersion" %
                      J.ShowValue(value))
  return value


def _ReadCategory(value):
  if value is None:
    return None
  if not isinstance(value, str):
    raise J.ReadError("Invalid JSON value %s for type DCCategory" %
                      J.ShowValue(value))
  if value not in CATEGORIES:
    raise J.ReadError("Invalid category name %s for type DCCategory" % value)
  return value


def _ReadKind(value):
  """0 (performance) or 1 (status)."""
  if not isinstance(value, J.fractions.Fraction):
    raise J.ReadError("Invalid JSON value %s for type DCKind" %
                      J.ShowValue(value))
  if value.denominator != 1:
    raise J.ReadError("Invalid JSON value %s for type DCKind" %
                      J.ShowRational(value))
  kind = J.WrapInt(value.numerator)
  if kind not in (0, 1):
    raise J.ReadError("Invalid JSON value %d for type DCKind" % kind)
  return kind


def _ReadFields(obj, fields, optional=()):
  """Read the ``fields`` [(name, reader)] of a JSON object in order, as
  upstream's generated readers do; then refuse unknown keys."""
  obj = J.ReadObject(obj)
  keys = obj.Keys()
  values = []
  for (name, reader) in fields:
    if name not in keys:
      if name in optional:
        values.append(None)
        continue
      raise J.ReadError("key '%s' not found, object contains only %s" %
                        (name, J.ShowStrings(keys)))
    try:
      values.append(reader(obj.Get(name)))
    except J.ReadError as err:
      raise J.ReadError("Can't parse value for '%s': %s" % (name, err))
  allowed = set(name for (name, _) in fields)
  extra = sorted(set(keys) - allowed)
  if extra:
    raise J.ReadError("Superfluous dictionary keys: %s, but only %s"
                      " allowed." % (J.ShowStrings(extra),
                                     J.ShowStrings(sorted(allowed))))
  return values


def ParseReport(value):
  """A :class:`Report` from a decoded JSON value; J.ReadError if bad."""
  return Report(*_ReadFields(value, [
    ("name", J.ReadString), ("version", _ReadVersion),
    ("format_version", J.ReadInt), ("timestamp", J.ReadInteger),
    ("category", _ReadCategory), ("kind", _ReadKind),
    ("data", lambda v: v)], optional=("category",)))


def _Field(obj, key, what, reader):
  """A node entry's field, errors annotated as upstream's."""
  if key not in obj.Keys():
    raise MondError("can't parse MonD data: %s: key '%s' not found, object"
                    " contains only %s" % (what, key,
                                           J.ShowStrings(obj.Keys())))
  try:
    return reader(obj.Get(key))
  except J.ReadError as err:
    raise MondError("can't parse MonD data: %s: key '%s': %s" %
                    (what, key, err))


def ParseMonDData(text):
  """The ``--mond-data`` contents: [(node name, [Report, ...])].

  Raises :class:`MondError` with upstream's message on bad contents.
  """
  try:
    entries = J.ReadList(J.Decode(text), J.ReadObject)
  except (J.JSONError, J.ReadError) as err:
    raise MondError("can't parse MonD data: Parsing MonD's answer: %s" % err)
  result = []
  for entry in entries:
    node = _Field(entry, "node", "Parsing node's name", J.ReadString)
    reports = _Field(entry, "reports", "Parsing node's reports",
                     lambda v: J.ReadList(v, ParseReport))
    result.append((node, reports))
  return result


def ReadMonDFile(path):
  """Read and parse a ``--mond-data`` file: {node name: [Report, ...]}.

  A file that cannot be read stops the program as upstream's does
  (``PROGRAM: PATH: openFile: ...``, :class:`cli.Exit`).
  """
  try:
    with open(path, "rb") as handle:
      raw = handle.read()
  except OSError as err:
    raise cli.Exit("%%(program)s: %s: openFile: %s\n" %
                   (path, htext.IOErrorText(err)), cli.EXIT_FAILURE)
  try:
    text = raw.decode("utf-8")
  except UnicodeDecodeError:
    raise cli.Exit("%%(program)s: %s: hGetContents: invalid argument"
                   " (invalid byte sequence)\n" % path, cli.EXIT_FAILURE)
  return dict(ParseMonDData(text))


# The collectors -------------------------------------------------------------
def _FDiv(num, den):
  """Float division as Haskell's Double does it (no exception)."""
  if den == 0:
    if num == 0 or math.isnan(num):
      return float("nan")
    return math.copysign(float("inf"), num)
  return num / den


def _CpuLoadData(data):
  """``cpu_total`` of a cpu-avg-load report's data, or None if unusable."""
  try:
    (_, _, total) = _ReadFields(data, [
      ("cpu_number", J.ReadInt),
      ("cpus", lambda v: J.ReadList(v, J.ReadDouble)),
      ("cpu_total", J.ReadDouble)])
  except J.ReadError:
    return None
  return total


def _UseNodeTotalCpu(answers, nodes, instances):
  """cpu-avg-load: node load = cpu_total; instances get their vcpus'
  share of it."""
  for (node, total) in answers:
    old = node.util_load
    node.util_load = T.DynUtil(total, old.mem, old.dsk, old.net)
  for (node, total) in answers:
    for inst in instances:
      if inst.pnode == node.idx:
        share = _FDiv(total, float(node.u_cpu)) * inst.vcpus
        old = inst.util
        inst.util = T.DynUtil(share, old.mem, old.dsk, old.net)
  return None


def _XenCpuData(data):
  """{instance: load} of a xen-cpu-avg-load report, or None if unusable."""
  if not isinstance(data, J.JSObject):
    return None
  result = {}
  try:
    for (name, value) in data:
      result[name] = J.ReadDouble(value)
  except J.ReadError:
    return None
  return result


def _UseInstanceCpu(answers, nodes, instances):
  """xen-cpu-avg-load: instance loads as reported, nodes the sum of their
  primaries'; an error text if some instance has no load."""
  usage = {}
  for (_, loads) in answers:
    for (name, value) in loads.items():
      usage.setdefault(name, value)
  missing = sorted(set(i.name for i in instances) - set(usage))
  if missing:
    return "No CPU information available for %s" % J.ShowStrings(missing)
  for inst in instances:
    old = inst.util
    inst.util = T.DynUtil(usage[inst.name], old.mem, old.dsk, old.net)
  for node in nodes:
    old = node.util_load
    total = sum(instances[idx].util.cpu for idx in node.plist)
    node.util_load = T.DynUtil(total, old.mem, old.dsk, old.net)
  return None


class Collector:
  """A data collector: its name and category (None: "default"), how its
  report's data is read (None if unusable) and how the answers of all
  nodes are applied (an error text, or None)."""

  def __init__(self, name, category, read, use):
    self.name = name
    self.category = category
    self.read = read
    self.use = use


TOTAL_CPU = Collector(CPU_LOAD_NAME, None, _CpuLoadData, _UseNodeTotalCpu)
XEN_CPU = Collector(XEN_CPU_LOAD_NAME, None, _XenCpuData, _UseInstanceCpu)


def Collectors(opts):
  """The collectors the options ask for."""
  if getattr(opts, "ignore_dynu", False):
    return []
  if getattr(opts, "mond_xen", False):
    return [XEN_CPU]
  return [TOTAL_CPU]


# Querying -------------------------------------------------------------------
def _Warn(msg):
  sys.stdout.flush()
  sys.stderr.write(msg + "\n")


def ReportPath(collector):
  """The URL path of a collector's report on a MonD."""
  return "/%d/report/%s/%s" % (MOND_API_VERSION,
                               collector.category or "default",
                               collector.name)


def HttpGet(host, port, path):
  """GET ``path`` from ``host:port``: the body (str) or None when the
  node cannot be reached or answers an HTTP error (>= 400)."""
  conn = http.client.HTTPConnection(host, port, timeout=CONNECT_TIMEOUT)
  try:
    conn.connect()
    conn.sock.settimeout(None)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.putheader("Accept", "*/*")
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    if resp.status >= 400:
      return None
    return body.decode("latin-1")
  except (OSError, http.client.HTTPException, UnicodeError):
    return None
  finally:
    conn.close()


def FetchReport(collector, node_name):
  """Ask a node's MonD for a collector's report: a Report, or None
  (with a warning if the node did not answer)."""
  body = HttpGet(node_name, MOND_PORT, ReportPath(collector))
  if body is None:
    _Warn("Failed to contact node's %s MonD for DC %s" %
          (node_name, collector.name))
    return None
  try:
    return ParseReport(J.Decode(body))
  except (J.JSONError, J.ReadError):
    return None


def _FromFile(collector, node_name, data):
  for report in data.get(node_name, ()):
    if report.name == collector.name:
      return report
  return None


def QueryAll(cdata, opts):
  """Apply every collector's answers to ``cdata`` (in place); True if
  every collector had a usable answer from every node."""
  data = None
  if getattr(opts, "mond_data", None) is not None:
    data = ReadMonDFile(opts.mond_data)
  complete = True
  for collector in Collectors(opts):
    answers = []
    for node in cdata.nodes:
      if data is None:
        report = FetchReport(collector, node.name)
      else:
        report = _FromFile(collector, node.name, data)
      value = collector.read(report.data) if report is not None else None
      if value is not None:
        answers.append((node, value))
    if len(answers) != len(cdata.nodes):
      _Warn("Didn't receive an answer by all MonDs, %s's data will be"
            " ignored." % collector.name)
      complete = False
      continue
    error = collector.use(answers, cdata.nodes, cdata.instances)
    if error is not None:
      _Warn(error)
      complete = False
  return complete


def LoadMonDData(cdata, opts):
  """The loader's step for ``--mond``: query (or read ``--mond-data``)
  and apply; stop (MondError) if data is missing and
  ``--exit-on-missing-mond-data`` was given."""
  if getattr(opts, "mond", None) != "yes":
    return
  complete = QueryAll(cdata, opts)
  if getattr(opts, "mond_exit_missing", False) and not complete:
    raise MondError("Not all required data available")
