"""The RAPI backend of the htools (``-m CLUSTER``): a remote cluster.

Reads ``/2/groups?bulk=1``, ``/2/nodes?bulk=1``, ``/2/instances?bulk=1``
and ``/2/info`` of a cluster's remote API and builds the same
:class:`~ganeti.htools.loader.ClusterData` as the other backends, the
way upstream's htools do:

- ``CLUSTER`` without a colon means ``https://CLUSTER:5080``; anything
  with a colon is taken as the URL's start as given (without a scheme,
  plain ``http``, as libcurl guesses it); ``file://DIR`` reads
  ``groups.json``, ``nodes.json``, ``instances.json`` and ``info.json``
  from the directory ``DIR`` instead (the test data layout);
- no credentials are sent (the read-only resources need none) and the
  server certificate is not verified; connecting may take 15 seconds and
  every request 60 seconds at most;
- the HTTP status is not looked at: an error answer fails when its body
  is parsed, as with upstream.

Every failure raises :class:`~ganeti.htools.loader.LoaderError` with
upstream's message.
"""

import errno
import http.client
import json
import os
import socket
import ssl
import urllib.parse

from ganeti.htools import loader
from ganeti.htools import luxi_backend
from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY
from ganeti.htools.loader import ClusterData, Group, LoaderError
from ganeti.htools.node import Node

FILE_PREFIX = "file://"
DEFAULT_RAPI_PORT = 5080
CONNECT_TIMEOUT = 15
QUERY_TIMEOUT = 60

#: the group UUID of nodes that do not report one (upstream's default)
DEFAULT_GROUP_ID = "00000000-0000-0000-0000-000000000000"

#: (resource or file name, what upstream calls its data when parsing)
RESOURCES = [
  ("groups", "/2/groups?bulk=1"),
  ("nodes", "/2/nodes?bulk=1"),
  ("instances", "/2/instances?bulk=1"),
  ("info", "/2/info"),
]

_MISSING = object()


class _Failed:
  """A resource that could not be read (its error, reported when used)."""

  def __init__(self, message):
    self.message = message


def FormatHost(master):
  """The URL prefix for ``-m master`` (upstream's formatHost)."""
  if ":" in master:
    return master
  return "https://%s:%d" % (master, DEFAULT_RAPI_PORT)


def _CurlName(err):
  """The libcurl error code name upstream reports for a Python error."""
  if isinstance(err, socket.gaierror):
    return "CurlCouldntResolveHost"
  if isinstance(err, (socket.timeout, TimeoutError)):
    return "CurlOperationTimeout"
  if isinstance(err, ssl.SSLError):
    return "CurlSSLConnectError"
  if isinstance(err, ConnectionRefusedError) or \
      getattr(err, "errno", None) in (errno.ECONNREFUSED, errno.EHOSTUNREACH,
                                      errno.ENETUNREACH):
    return "CurlCouldntConnect"
  if isinstance(err, http.client.HTTPException):
    return "CurlGotNothing"
  return "CurlRecvError"


def GetUrl(url):
  """The body of ``url`` (http or https, certificate not checked).

  @raise LoaderError: upstream's "Curl error for 'URL', error CODE"

  """
  def _Fail(code):
    raise LoaderError("Curl error for '%s', error %s" % (url, code))
  (scheme, sep, _) = url.partition("://")
  target = url if sep else "http://" + url
  if not sep:
    scheme = "http"
  scheme = scheme.lower()
  if scheme not in ("http", "https"):
    _Fail("CurlUnsupportedProtocol")
  parts = urllib.parse.urlsplit(target)
  try:
    host = parts.hostname
    port = parts.port
  except ValueError:
    _Fail("CurlURLMalformat")
  if not host:
    _Fail("CurlURLMalformat")
  path = parts.path or "/"
  if parts.query:
    path += "?" + parts.query
  try:
    if scheme == "https":
      ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
      ctx.check_hostname = False
      ctx.verify_mode = ssl.CERT_NONE
      conn = http.client.HTTPSConnection(host, port, timeout=CONNECT_TIMEOUT,
                                         context=ctx)
    else:
      conn = http.client.HTTPConnection(host, port, timeout=CONNECT_TIMEOUT)
    try:
      conn.connect()
      conn.sock.settimeout(QUERY_TIMEOUT)
      conn.request("GET", path, headers={"Accept": "*/*"})
      response = conn.getresponse()
      body = response.read()
    finally:
      conn.close()
  except (OSError, http.client.HTTPException) as err:
    _Fail(_CurlName(err))
  return body.decode("utf-8", "replace")


IO_KINDS = {
  errno.ENOENT: "does not exist",
  errno.EACCES: "permission denied",
  errno.EPERM: "permission denied",
  errno.EISDIR: "inappropriate type",
  errno.ENOTDIR: "does not exist",
}


def ReadFile(path):
  """A file's text; errors worded as Haskell's readFile words them."""
  try:
    with open(path) as handle:
      return handle.read()
  except OSError as err:
    kind = IO_KINDS.get(err.errno, "failed")
    raise LoaderError("%s: openFile: %s (%s)" % (path, kind, err.strerror))


def ReadData(source):
  """The four raw documents (text or :class:`_Failed`) for ``source``."""
  result = []
  if source.startswith(FILE_PREFIX):
    directory = source[len(FILE_PREFIX):]
    fetch = [(lambda n=name: ReadFile(os.path.join(directory, n + ".json")))
             for (name, _) in RESOURCES]
  else:
    base = FormatHost(source)
    fetch = [(lambda r=res: GetUrl(base + r)) for (_, res) in RESOURCES]
  for func in fetch:
    try:
      result.append(func())
    except LoaderError as err:
      result.append(_Failed(str(err)))
  return result


# Parsing ---------------------------------------------------------------------
def _Body(body):
  if isinstance(body, _Failed):
    raise LoaderError(body.message)
  return body


def _LoadArray(what, body):
  try:
    data = json.loads(_Body(body))
  except ValueError as err:
    raise LoaderError("%s: Invalid JSON: %s" % (what, err))
  if not isinstance(data, list):
    raise LoaderError("%s: Unable to read list" % what)
  for item in data:
    if not isinstance(item, dict):
      raise LoaderError("%s: Unable to read JSObject" % what)
  return data


def _Get(owner, obj, key, kind=None, default=_MISSING):
  """``obj[key]`` converted to ``kind``; ``default`` for missing/null.

  Without a default, a missing key is upstream's "key 'K' not found".
  """
  value = obj.get(key, _MISSING) if isinstance(obj, dict) else _MISSING
  if value is _MISSING or (value is None and default is not _MISSING):
    if default is not _MISSING:
      return default
    raise LoaderError("%s: key '%s' not found, object contains only %s" %
                      (owner, key, json.dumps(list(obj) if isinstance(
                        obj, dict) else [], separators=(",", ":"))))
  if kind is None:
    return value
  try:
    return kind(value)
  except (TypeError, ValueError):
    raise LoaderError("%s: key '%s': Unable to read %s" %
                      (owner, key, getattr(kind, "type_name", "value")))


def _Bool(value):
  if not isinstance(value, bool):
    raise ValueError(value)
  return value


def _Int(value):
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise ValueError(value)
  return int(round(value))


def _Double(value):
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise ValueError(value)
  return float(value)


def _Str(value):
  if not isinstance(value, str):
    raise ValueError(value)
  return value


def _StrList(value):
  if not isinstance(value, list) or \
      not all(isinstance(v, str) for v in value):
    raise ValueError(value)
  return list(value)


def _Dict(value):
  if not isinstance(value, dict):
    raise ValueError(value)
  return value


def _Choice(choices, type_name):
  def _Check(value):
    if value not in choices:
      raise ValueError(value)
    return value
  _Check.type_name = type_name
  return _Check


# the type names in upstream's messages ("key 'cnos': Unable to read Int")
for (_func, _name) in [(_Bool, "Bool"), (_Int, "Int"), (_Double, "Double"),
                       (_Str, "String"), (_StrList, "list"),
                       (_Dict, "JSObject")]:
  _func.type_name = _name


def ParseGroup(obj):
  name = _Get("Parsing new group", obj, "name", _Str)
  owner = "Group '%s'" % name
  uuid = _Get(owner, obj, "uuid", _Str)
  apol = _Get(owner, obj, "alloc_policy", _Choice(T.ALLOC_POLICIES, "AllocPolicy"))
  ipol = luxi_backend.ParseIPolicy(_Get(owner, obj, "ipolicy", _Dict))
  tags = _Get(owner, obj, "tags", _StrList)
  return Group(name, uuid, apol, ipol, tags, [])


def ParseNode(groups_by_uuid, obj):
  name = _Get("Parsing new node", obj, "name", _Str)
  owner = "Node '%s', error while parsing data" % name
  offline = _Get(owner, obj, "offline", _Bool)
  drained = _Get(owner, obj, "drained", _Bool)
  vm_capable = _Get(owner, obj, "vm_capable", _Bool, default=True)
  ndparams = _Get(owner, obj, "ndparams", _Dict)
  excl = _Get(owner, ndparams, "exclusive_storage", _Bool)
  guuid = _Get(owner, obj, "group.uuid", _Str, default=DEFAULT_GROUP_ID)
  gdx = groups_by_uuid.get(guuid)
  if gdx is None:
    raise LoaderError("Unknown group '%s' for node %s" % (guuid, name))
  live = not offline and vm_capable

  def _Live(key, kind, dflt, optional=False):
    if not live:
      return dflt
    if optional:
      return _Get(owner, obj, key, kind, default=dflt)
    return _Get(owner, obj, key, kind)

  if excl:
    sptotal = _Live("sptotal", _Int, 0)
  else:
    sptotal = _Get(owner, ndparams, "spindle_count", _Int)
  spfree = _Live("spfree", _Int, 0, optional=True)
  mtotal = _Live("mtotal", _Double, 0.0)
  mnode = _Live("mnode", _Int, 0)
  mfree = _Live("mfree", _Int, 0)
  dtotal = _Live("dtotal", _Double, 0.0, optional=True)
  dfree = _Live("dfree", _Int, 0, optional=True)
  ctotal = _Live("ctotal", _Double, 0.0)
  cnos = _Live("cnos", _Int, 0)
  tags = _Get(owner, obj, "tags", _StrList)
  node = Node(name, mtotal, mnode, mfree, dtotal, dfree, ctotal,
              not live or drained, sptotal, spfree, gdx, excl, n_cpu=cnos)
  node.tags = tags
  return node


def _LookupNode(nodes_by_name, iname, nname):
  idx = nodes_by_name.get(nname)
  if idx is None:
    raise LoaderError("Unknown node '%s' for instance %s" % (nname, iname))
  return idx


def _MaybeIntList(value):
  if not isinstance(value, list):
    raise ValueError(value)
  return [None if v is None else _Int(v) for v in value]


def _IntList(value):
  if not isinstance(value, list):
    raise ValueError(value)
  return [_Int(v) for v in value]


_MaybeIntList.type_name = "list"
_IntList.type_name = "list"


def ParseInstance(nodes_by_name, obj):
  name = _Get("Parsing new instance", obj, "name", _Str)
  owner = "Instance '%s', error while parsing data" % name
  disk = _Get(owner, obj, "disk_usage", _Int)
  dsizes = _Get(owner, obj, "disk.sizes", _IntList)
  dspindles = _Get(owner, obj, "disk.spindles", _MaybeIntList)
  beparams = _Get(owner, obj, "beparams", _Dict)
  oper_ram = _Get(owner, obj, "oper_ram")
  if isinstance(oper_ram, (int, float)) and not isinstance(oper_ram, bool):
    mem = int(round(oper_ram))
  elif "memory" in beparams:
    mem = _Get(owner, beparams, "memory", _Int)
  else:
    mem = _Get(owner, beparams, "maxmem", _Int)
  vcpus = _Get(owner, beparams, "vcpus", _Int)
  pnode = _LookupNode(nodes_by_name, name, _Get(owner, obj, "pnode", _Str))
  snodes = _Get(owner, obj, "snodes", _StrList)
  snode = _LookupNode(nodes_by_name, name, snodes[0]) if snodes else \
    NO_SECONDARY
  status = _Get(owner, obj, "status", _Choice(T.INSTANCE_STATUSES, "InstanceStatus"))
  tags = _Get(owner, obj, "tags", _StrList)
  auto_balance = _Get(owner, beparams, "auto_balance", _Bool)
  dtemplate = _Get(owner, obj, "disk_template", _Choice(T.DISK_TEMPLATES, "DiskTemplate"))
  spindle_use = _Get(owner, beparams, "spindle_use", _Int)
  try:
    forthcoming = _Get(owner, obj, "forthcoming", _Bool)
  except LoaderError:
    forthcoming = False
  pairs = list(zip(dsizes, dspindles))
  if all(sp is not None for (_, sp) in pairs):
    total_spindles = sum(sp for (_, sp) in pairs)
  else:
    total_spindles = None
  return Instance(name, mem, disk, vcpus, status, tags, auto_balance, pnode,
                  snode, dtemplate, spindle_use=spindle_use,
                  disks=[size for (size, _) in pairs],
                  total_spindles=total_spindles, forthcoming=forthcoming)


def ParseCluster(body):
  """(tags, ipolicy, master name) from the /2/info document."""
  owner = "Parsing cluster data"
  try:
    info = json.loads(_Body(body))
  except ValueError as err:
    raise LoaderError("Parsing cluster info: Invalid JSON: %s" % err)
  if not isinstance(info, dict):
    raise LoaderError("Parsing cluster info: Unable to read JSObject")
  master = _Get(owner, info, "master", _Str)
  tags = _Get(owner, info, "tags", _StrList)
  ipol = luxi_backend.ParseIPolicy(_Get(owner, info, "ipolicy", _Dict))
  _Get(owner, info, "default_hypervisor", _Str)
  return (tags, ipol, master)


def ParseData(bodies):
  """ClusterData from the four raw documents (groups, nodes, instances,
  info; each a string or a failure), checked in that order."""
  (gbody, nbody, ibody, cbody) = bodies
  groups = loader.AssignIndices([ParseGroup(g) for g in
                                 _LoadArray("Parsing group data", gbody)])
  by_uuid = dict((g.uuid, g.idx) for g in groups)
  nodes = loader.AssignIndices([ParseNode(by_uuid, n) for n in
                                _LoadArray("Parsing node data", nbody)])
  by_name = dict((n.name, n.idx) for n in nodes)
  insts = loader.AssignIndices([ParseInstance(by_name, i) for i in
                                _LoadArray("Parsing instance data", ibody)])
  (tags, ipol, master) = ParseCluster(cbody)
  if master not in by_name:
    raise LoaderError("Master node %s unknown" % master)
  nodes[by_name[master]].is_master = True
  return ClusterData(groups, nodes, insts, tags, ipol)


def LoadData(source):
  """ClusterData of the cluster at ``source`` (``-m`` argument)."""
  return ParseData(ReadData(source))
