"""The iallocator backend: requests in, answers out (``doc/iallocator.rst``).

:func:`ParseRequest` reads the JSON document Ganeti hands an iallocator
plugin (cluster tags, node groups with their policy and networks, nodes
with their resources, instances, and the ``request`` of one of the types
``allocate``, ``relocate``, ``change-group``, ``node-evacuate``,
``multi-allocate``, ``allocate-secondary``) into a
:class:`~ganeti.htools.loader.ClusterData` plus a :class:`Request`.
Malformed input raises :class:`RequestError` with upstream hail's text
(the program prints ``Error: TEXT`` and exits 1); unknown names inside a
well-formed request are ordinary failed answers where upstream's are.

:func:`FormatResponse` writes the answer document
(``{"success":...,"info":...,"result":...}``) byte for byte as upstream's
hail does: keys in that order, no blanks, Text.JSON's string escapes.

The same parser serves the ``-I FILE`` option of the other programs
(:func:`LoadData`).
"""

import errno
import json
import math

from ganeti.htools import hail_model
from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY
from ganeti.htools.loader import ClusterData, Group
from ganeti.htools.node import Node

# request types (Ganeti's IALLOCATOR_MODE_*)
MODE_ALLOC = "allocate"
MODE_RELOC = "relocate"
MODE_CHG_GROUP = "change-group"
MODE_NODE_EVAC = "node-evacuate"
MODE_MULTI_ALLOC = "multi-allocate"
MODE_ALLOC_SECONDARY = "allocate-secondary"

# evacuation modes (wire value -> our name)
EVAC_PRIMARY = "primary-only"
EVAC_SECONDARY = "secondary-only"
EVAC_ALL = "all"
EVAC_MODES = (EVAC_PRIMARY, EVAC_SECONDARY, EVAC_ALL)

#: Static node memory assumed on KVM (hail's --static-kvm-node-memory)
DEFAULT_STATIC_KVM_NODE_MEMORY = 4096


class RequestError(Exception):
  """The request cannot be parsed; the message is upstream's text."""


class Request:
  """A parsed request: its type, the cluster and the type's arguments.

  ``inst``/``required_nodes``/``group_name``/``restrict_nodes`` for
  allocate; ``allocs`` ([(Instance, required_nodes, group_name)]) for
  multi-allocate; ``idx``/``required_nodes``/``exclude`` (node indices)
  for relocate; ``idxs`` and ``mode`` for node-evacuate; ``idxs`` and
  ``groups`` (group indices) for change-group; ``idx`` for
  allocate-secondary.
  """

  def __init__(self, kind, cdata, **kwargs):
    self.kind = kind
    self.cdata = cdata
    self.inst = None
    self.required_nodes = None
    self.group_name = None
    self.restrict_nodes = None
    self.allocs = []
    self.idx = None
    self.idxs = []
    self.exclude = []
    self.mode = None
    self.groups = []
    self.inst_spindles = []
    self.alloc_spindles = []
    #: the cluster is that of -t/--simulate, not the request's own
    self.replaced = False
    for (key, value) in kwargs.items():
      setattr(self, key, value)

  def IsAllocation(self):
    return self.kind in (MODE_ALLOC, MODE_MULTI_ALLOC)


# Haskell-style rendering and typed field access ------------------------------
def HsShowString(text):
  """A string as Haskell's ``show`` writes it."""
  out = ['"']
  for (pos, char) in enumerate(text):
    code = ord(char)
    if char == '"':
      out.append('\\"')
    elif char == "\\":
      out.append("\\\\")
    elif char == "\n":
      out.append("\\n")
    elif char == "\t":
      out.append("\\t")
    elif code < 0x20 or code >= 0x7f:
      out.append("\\%d" % code)
      nxt = text[pos + 1:pos + 2]
      if nxt.isdigit():
        out.append("\\&")
    else:
      out.append(char)
  out.append('"')
  return "".join(out)


def _HsShowList(items):
  return "[" + ",".join(HsShowString(i) for i in items) + "]"


class _Bad(Exception):
  """A value of the wrong type (the message is Text.JSON's)."""


def _AsInt(value):
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise _Bad("Unable to read Int")
  if isinstance(value, float):
    if not math.isfinite(value):
      raise _Bad("Unable to read Int")
    return int(round(value))
  return value


def _AsDouble(value):
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise _Bad("Unable to read Double")
  return float(value)


def _AsBool(value):
  if not isinstance(value, bool):
    raise _Bad("Unable to read Bool")
  return value


def _AsString(value):
  # Text.JSON reads a String from a string or from an array of
  # characters: the empty array is the empty string
  if isinstance(value, list):
    if all(isinstance(v, str) and len(v) == 1 for v in value):
      return "".join(value)
    raise _Bad("Unable to read Char")
  if not isinstance(value, str):
    raise _Bad("Unable to read String")
  return value


def _AsObject(value):
  if not isinstance(value, dict):
    raise _Bad("Unable to read JSObject")
  return value


def _ListOf(conv):
  def _Conv(value):
    if not isinstance(value, list):
      raise _Bad("Unable to read list")
    return [conv(v) for v in value]
  return _Conv


def _Enum(type_name, values):
  def _Conv(value):
    try:
      text = _AsString(value)
    except _Bad as err:
      raise _Bad("Can't parse value for '%s': %s" % (type_name, err))
    if text not in values:
      raise _Bad("Invalid string value for type %s: %s" %
                 (type_name, HsShowString(text)))
    return text
  return _Conv


_AsStringList = _ListOf(_AsString)


#: Ganeti's hypervisor names
HYPERVISORS = ("chroot", "fake", "kvm", "lxc", "xen-hvm", "xen-pvm")


def _AsHypervisor(value):
  try:
    text = _AsString(value)
  except _Bad as err:
    raise _Bad("Can't parse value for 'Hypervisor': %s" % err)
  if text not in HYPERVISORS:
    raise _Bad("Invalid string value for type Hypervisor: %s" %
               HsShowString(text))
  return text
_AsDiskTemplate = _Enum("DiskTemplate", T.DISK_TEMPLATES)
_AsAllocPolicy = _Enum("AllocPolicy", T.ALLOC_POLICIES)
_AsEvacMode = _Enum("EvacMode", EVAC_MODES)

_MISSING = object()


def _Object(value):
  """A JSON object read without a key (upstream's asJSObject)."""
  if not isinstance(value, dict):
    raise RequestError("not an object")
  return value


def _ObjectList(desc, obj, key):
  """The objects of an array field (upstream's toArray/asObjectList)."""
  value = _Get(desc, obj, key, lambda v: v)
  if not isinstance(value, list):
    raise RequestError("Invalid input, expected array but got %s" %
                       PrettyJSON(value))
  return [_Object(v) for v in value]


def _Get(desc, obj, key, conv, default=_MISSING):
  """``obj[key]`` converted, or RequestError in upstream's words."""
  prefix = "%s: " % desc if desc else ""
  if default is not _MISSING and obj.get(key) is None:
    # a null field is an absent one for the fields with a default
    return default
  if key not in obj:
    raise RequestError("%skey '%s' not found, object contains only %s" %
                       (prefix, key, _HsShowList(list(obj))))
  try:
    return conv(obj[key])
  except _Bad as err:
    raise RequestError("%skey '%s': %s" % (prefix, key, err))


def _Maybe(desc, obj, key, conv):
  """Like :func:`_Get` but None when the key is absent or null."""
  if obj.get(key) is None:
    return None
  return _Get(desc, obj, key, conv)


# Parsers of the document's parts ------------------------------------------
def _Field(data, key, conv):
  """A field of a Ganeti JSON object (errors as its JSON instance's)."""
  if key not in data:
    raise _Bad("key '%s' not found, object contains only %s" %
               (key, _HsShowList(list(data))))
  try:
    return conv(data[key])
  except _Bad as err:
    raise _Bad("Can't parse value for '%s': %s" % (key, err))


def _ISpecOf(value):
  data = _AsObject(value)
  return T.ISpec(*[_Field(data, key, _AsInt) for key in (
    "memory-size", "cpu-count", "disk-size", "disk-count", "nic-count",
    "spindle-use")])


def _MinMaxOf(value):
  data = _AsObject(value)
  return (_Field(data, "min", _ISpecOf), _Field(data, "max", _ISpecOf))


def _IPolicyOf(value):
  data = _AsObject(value)
  return T.IPolicy(_Field(data, "minmax", _ListOf(_MinMaxOf)),
                   _Field(data, "std", _ISpecOf),
                   _Field(data, "disk-templates", _ListOf(_AsDiskTemplate)),
                   _Field(data, "vcpu-ratio", _AsDouble),
                   _Field(data, "spindle-ratio", _AsDouble))


def _ParseGroup(uuid, data):
  desc = "invalid data for group '%s'" % uuid
  data = _Object(data)
  name = _Get(desc, data, "name", _AsString)
  apol = _Get(desc, data, "alloc_policy", _AsAllocPolicy)
  nets = _Get(desc, data, "networks", _AsStringList)
  ipol = _Get(desc, data, "ipolicy", _IPolicyOf)
  tags = _Get(desc, data, "tags", _AsStringList)
  return Group(name, uuid, apol, ipol, tags, nets)


def _ParseNode(groups_by_uuid, name, data, hypervisor, static_kvm_mem):
  desc = "invalid data for node '%s'" % name
  data = _Object(data)
  offline = _Get(desc, data, "offline", _AsBool)
  drained = _Get(desc, data, "drained", _AsBool)
  guuid = _Get(desc, data, "group", _AsString)
  vm_capable = _Maybe(desc, data, "vm_capable", _AsBool)
  if vm_capable is None:
    vm_capable = True
  gdx = groups_by_uuid.get(guuid)
  if gdx is None:
    raise RequestError("Unknown group '%s' for node %s" % (guuid, name))
  ndparams = _Object(_Get(desc, data, "ndparams", lambda v: v))
  tags = _Get(None, data, "tags", _AsStringList, [])
  excl = _Get(desc, ndparams, "exclusive_storage", _AsBool)
  live = not offline and vm_capable

  def _Live(key, conv, default):
    return _Get(desc, data, key, conv) if live else default

  if excl:
    sptotal = _Live("total_spindles", _AsInt, 0)
  else:
    sptotal = _Get(desc, ndparams, "spindle_count", _AsInt)
  spfree = _Live("free_spindles", _AsInt, 0)
  mtotal = _Live("total_memory", _AsDouble, 0.0)
  mnode = _Live("reserved_memory", _AsInt, 0)
  mfree = _Live("free_memory", _AsInt, 0)
  dtotal = _Live("total_disk", _AsDouble, 0.0)
  dfree = _Live("free_disk", _AsInt, 0)
  ctotal = _Live("total_cpus", _AsDouble, 0.0)
  cnos = _Live("reserved_cpus", _AsInt, 0)
  if hypervisor == "kvm" and static_kvm_mem > 0:
    mnode = static_kvm_mem
  node = Node(name, mtotal, mnode, mfree, dtotal, dfree, ctotal,
              not live or drained, sptotal, spfree, gdx, excl, n_cpu=cnos)
  node.drained = drained
  node.tags = list(tags)
  return node


class Nic:
  """A NIC of an instance: what the allocators look at (the network)."""

  __slots__ = ("mac", "ip", "mode", "link", "bridge", "network")

  def __init__(self, mac, ip, mode, link, bridge, network):
    self.mac = mac
    self.ip = ip
    self.mode = mode
    self.link = link
    self.bridge = bridge
    self.network = network


_NIC_MODES = {"bridged": "Bridged", "routed": "Routed",
              "openvswitch": "OpenVSwitch", "ext": None}


def _ParseNic(iname, data):
  def _Str(key):
    value = data.get(key)
    if value is None:
      return None
    try:
      return _AsString(value)
    except _Bad as err:
      raise RequestError("key '%s': %s" % (key, err))
  mac = _Str("mac")
  ip = _Str("ip")
  mode = _Str("mode")
  if mode is not None and mode not in _NIC_MODES:
    raise RequestError("invalid NIC mode in instance %s" % iname)
  return Nic(mac, ip, _NIC_MODES.get(mode), _Str("link"), _Str("bridge"),
             _Str("network"))


_ADMIN_STATES = {"up": T.ST_RUNNING, "down": T.ST_ADMIN_DOWN,
                 "offline": T.ST_ADMIN_OFFLINE}


def ParseBaseInstance(name, data):
  """The resources of an instance (cluster list or allocation request)."""
  return _ParseBase(name, data)[0]


def _ParseBase(name, data):
  """(Instance, per-disk spindles or None) of an instance's data."""
  desc = "invalid data for instance '%s'" % name
  disk = _Get(desc, data, "disk_space_total", _AsInt)
  jsdisks = _ObjectList(desc, data, "disks")
  sizes = [_Get(desc, d, "size", _AsInt) for d in jsdisks]
  spindles = [_Maybe(desc, d, "spindles", _AsInt) for d in jsdisks]
  mem = _Get(desc, data, "memory", _AsInt)
  vcpus = _Get(desc, data, "vcpus", _AsInt)
  tags = _Get(desc, data, "tags", _AsStringList)
  dtmpl = _Get(desc, data, "disk_template", _AsDiskTemplate)
  sp_use = _Get(desc, data, "spindle_use", _AsInt)
  nics = [_ParseNic(name, n) for n in _ObjectList(desc, data, "nics")]
  state = data.get("admin_state")
  # anything but a known state reads as "up", as upstream's mplus does
  state = _ADMIN_STATES.get(state, T.ST_RUNNING) if isinstance(state, str) \
    else T.ST_RUNNING
  forthcoming = data.get("forthcoming")
  if not isinstance(forthcoming, bool):
    forthcoming = False
  total_sp = None
  if spindles and all(s is not None for s in spindles):
    total_sp = sum(spindles)
  inst = Instance(name, mem, disk, vcpus, state, tags, True, 0, 0, dtmpl,
                  spindle_use=sp_use, disks=sizes, total_spindles=total_sp,
                  forthcoming=forthcoming)
  inst.nics = nics
  inst.disk_spindles = spindles
  return (inst, spindles)


def _ParseInstance(nodes_by_name, name, data):
  data = _Object(data)
  inst = ParseBaseInstance(name, data)
  nodes = _Get(None, data, "nodes", _ListOf(lambda v: v))
  if not nodes:
    raise RequestError("empty node list for instance %s" % name)

  def _Lookup(value):
    if not isinstance(value, str):
      raise RequestError("Wrong JSON type")
    node_name = value
    idx = nodes_by_name.get(node_name)
    if idx is None:
      raise RequestError("Unknown node '%s' for instance %s" %
                         (node_name, name))
    return idx

  inst.pnode = _Lookup(nodes[0])
  inst.snode = _Lookup(nodes[1]) if len(nodes) > 1 else NO_SECONDARY
  return inst


_TEMPLATE_SET = frozenset(T.DISK_TEMPLATES)


def _QuickInstance(nodes_by_name, name, data):
  """The instance of a plainly well-formed entry, else None.

  The fast path of :func:`_ParseInstance`: it accepts only exact shapes
  (ints, strings, lists and objects where those are due, known node
  names), for which the careful parser builds the same instance.  On
  anything else it returns None and the careful parser decides (and
  gives upstream's error text); only a NIC error, which comes after
  every field checked here, is raised from here.
  """
  if type(data) is not dict:
    return None
  get = data.get
  disk = get("disk_space_total")
  mem = get("memory")
  vcpus = get("vcpus")
  sp_use = get("spindle_use")
  if type(disk) is not int or type(mem) is not int or \
     type(vcpus) is not int or type(sp_use) is not int:
    return None
  jsdisks = get("disks")
  tags = get("tags")
  dtmpl = get("disk_template")
  nics = get("nics")
  nodes = get("nodes")
  if type(jsdisks) is not list or type(tags) is not list or \
     type(dtmpl) is not str or dtmpl not in _TEMPLATE_SET or \
     type(nics) is not list or type(nodes) is not list or not nodes:
    return None
  sizes = []
  disk_sp = []
  total_sp = 0
  for jsdisk in jsdisks:
    if type(jsdisk) is not dict:
      return None
    size = jsdisk.get("size")
    if type(size) is not int:
      return None
    sizes.append(size)
    spindles = jsdisk.get("spindles")
    disk_sp.append(spindles)
    if spindles is None:
      total_sp = None
    elif type(spindles) is not int:
      return None
    elif total_sp is not None:
      total_sp += spindles
  if not sizes:
    total_sp = None
  for tag in tags:
    if type(tag) is not str:
      return None
  pname = nodes[0]
  sname = nodes[1] if len(nodes) > 1 else None
  if type(pname) is not str or (sname is not None and type(sname) is not str):
    return None
  pdx = nodes_by_name.get(pname)
  sdx = NO_SECONDARY if sname is None else nodes_by_name.get(sname)
  if pdx is None or sdx is None:
    return None
  for nic in nics:
    if type(nic) is not dict:
      return None
  state = get("admin_state")
  state = _ADMIN_STATES.get(state, T.ST_RUNNING) if type(state) is str \
    else T.ST_RUNNING
  forthcoming = get("forthcoming")
  if type(forthcoming) is not bool:
    forthcoming = False
  inst = Instance(name, mem, disk, vcpus, state, tags, True, pdx, sdx, dtmpl,
                  spindle_use=sp_use, disks=sizes, total_spindles=total_sp,
                  forthcoming=forthcoming)
  inst.disk_spindles = disk_sp
  if nics:
    inst.nics = [_ParseNic(name, nic) for nic in nics]
  return inst


def _FindByName(items, name):
  """The unique item called ``name`` (Container.findByName)."""
  found = [item for item in items if item.name == name or
           getattr(item, "uuid", None) == name]
  if len(found) != 1:
    raise _LookupFailure("Wrong number of elems found with name %s" % name)
  return found[0]


def _FindAllByName(items, names):
  """[_FindByName(items, n) for n in names] through one index.

  For items without a uuid attribute (nodes, instances), whose names are
  unique (they are the keys of a JSON object).
  """
  index = dict((item.name, item) for item in items)
  found = []
  for name in names:
    item = index.get(name)
    if item is None:
      raise _LookupFailure("Wrong number of elems found with name %s" % name)
    found.append(item)
  return found


class _LookupFailure(RequestError):
  """A name in the request does not exist."""


def _UpdateNewInstance(ctags, inst):
  """Exclusion and desired-location tags of a to-be-allocated instance."""
  prefixes = loader.ExtractExTags(ctags)
  inst.excl_tags = [tag for tag in inst.all_tags
                    if any(tag.startswith(p) for p in prefixes)]
  inst.dsrd_loc_tags = loader.GetDesiredLocations(ctags, inst.all_tags)
  return inst


def _Decode(text):
  try:
    data = json.loads(text)
  except ValueError:
    raise RequestError("Parsing input IAllocator message: Invalid JSON: a"
                       " JSON text a serialized object or array at the top"
                       " level.")
  if not isinstance(data, dict):
    raise RequestError("Parsing input IAllocator message: Unable to read"
                       " JSObject")
  return data


def ParseRequest(text, static_kvm_mem=DEFAULT_STATIC_KVM_NODE_MEMORY):
  """Parse an iallocator document; returns (warnings, Request)."""
  doc = _Decode(text)
  desc = "invalid iallocator message"
  request = _Get(desc, doc, "request", _AsObject)
  groups = []
  for (uuid, gdata) in _Get(desc, doc, "nodegroups",
                            _AsObject).items():
    groups.append(_ParseGroup(uuid, gdata))
  loader.AssignIndices(groups)
  by_uuid = dict((g.uuid, g.idx) for g in groups)
  ndata = _Get(desc, doc, "nodes", _AsObject)
  # the hypervisor is known only later upstream, but it changes nothing
  # before the nodes are built; read it leniently here and strictly below
  hvs = doc.get("enabled_hypervisors")
  hypervisor = hvs[0] if isinstance(hvs, list) and hvs else None
  nodes = [_ParseNode(by_uuid, name, value, hypervisor, static_kvm_mem)
           for (name, value) in ndata.items()]
  loader.AssignIndices(nodes)
  by_name = dict((n.name, n.idx) for n in nodes)
  idata = _Get(desc, doc, "instances", _AsObject)
  instances = [_QuickInstance(by_name, name, value) or
               _ParseInstance(by_name, name, value)
               for (name, value) in idata.items()]
  loader.AssignIndices(instances)
  ctags = _Get(desc, doc, "cluster_tags", _AsStringList)
  _Get(desc, doc, "enabled_hypervisors", _ListOf(_AsHypervisor))
  cdata = ClusterData(groups, nodes, instances, list(ctags),
                      T.DefaultIPolicy())
  #: the nodes' hypervisor as upstream records it: the first enabled one
  cdata.hypervisor = hypervisor
  warnings = hail_model.PrepareRequestData(cdata, UpdateMissing)
  return (warnings, _ParseRequestDict(request, cdata))


def UpdateMissing(nodes, instances):
  """The unaccounted memory of every node; returns the warnings.

  Unlike the text backend's check, only running instances count as
  using memory: Ganeti reports the free memory of the hypervisor.
  """
  msgs = []
  for node in nodes:
    imem = sum(instances[i].mem for i in node.plist
               if instances[i].IsRunning() and not instances[i].forthcoming)
    idsk = sum(instances[i].dsk for i in node.plist + node.slist)
    loader.RecordMissing(node, imem, idsk, msgs)
  return msgs


def _IMEM(instances, node, running):
  return sum(instances[i].mem for i in node.plist
             if instances[i].UsesMemory())


def _ParseRequestDict(req, cdata):
  desc = "invalid request dict"
  kind = _Get(desc, req, "type", _AsString)
  ctags = cdata.tags
  if kind == MODE_ALLOC:
    name = _Get(desc, req, "name", _AsString)
    group_name = _Maybe(desc, req, "group_name", _AsString)
    restrict = _Maybe(desc, req, "restrict-to-nodes", _AsStringList)
    reqn = _Get(desc, req, "required_nodes", _AsInt)
    (inst, spindles) = _ParseBase(name, req)
    inst = _UpdateNewInstance(ctags, inst)
    return Request(kind, cdata, inst=inst, required_nodes=reqn,
                   group_name=group_name, restrict_nodes=restrict,
                   inst_spindles=spindles)
  if kind == MODE_RELOC:
    name = _Get(desc, req, "name", _AsString)
    idx = _LookupInstance(cdata.instances, name)
    reqn = _Get(desc, req, "required_nodes", _AsInt)
    ex_names = _Get(desc, req, "relocate_from", _AsStringList)
    exclude = [_FindByName(cdata.nodes, n).idx for n in ex_names]
    return Request(kind, cdata, idx=idx, required_nodes=reqn,
                   exclude=exclude)
  if kind == MODE_CHG_GROUP:
    names = _Get(desc, req, "instances", _AsStringList)
    idxs = [i.idx for i in _FindAllByName(cdata.instances, names)]
    uuids = _Get(desc, req, "target_groups", _AsStringList)
    gdxs = [_FindByName(cdata.groups, u).idx for u in uuids]
    return Request(kind, cdata, idxs=idxs, groups=gdxs)
  if kind == MODE_NODE_EVAC:
    names = _Get(desc, req, "instances", _AsStringList)
    idxs = [i.idx for i in _FindAllByName(cdata.instances, names)]
    mode = _Get(desc, req, "evac_mode", _AsEvacMode)
    return Request(kind, cdata, idxs=idxs, mode=mode)
  if kind == MODE_MULTI_ALLOC:
    allocs = []
    spindles = []
    group_name = _Maybe(desc, req, "group_name", _AsString)
    for ireq in _Get(desc, req, "instances", _ListOf(_AsObject)):
      name = _Get(desc, ireq, "name", _AsString)
      reqn = _Get(desc, ireq, "required_nodes", _AsInt)
      (inst, isp) = _ParseBase(name, ireq)
      allocs.append((_UpdateNewInstance(ctags, inst), reqn, group_name))
      spindles.append(isp)
    return Request(kind, cdata, allocs=allocs, alloc_spindles=spindles)
  if kind == MODE_ALLOC_SECONDARY:
    name = _Get(desc, req, "name", _AsString)
    idx = _LookupInstance(cdata.instances, name)
    return Request(kind, cdata, idx=idx)
  raise RequestError("Invalid request type '%s'" % kind)


def _LookupInstance(instances, name):
  for inst in instances:
    if inst.name == name:
      return inst.idx
  raise RequestError("Unknown instance '%s'" % name)


def LoadData(path, static_kvm_mem=DEFAULT_STATIC_KVM_NODE_MEMORY):
  """(warnings, ClusterData) of an iallocator request file (``-I FILE``)."""
  try:
    text = ReadInput(path)
  except InputError as err:
    raise RequestError(str(err))
  (warnings, req) = ParseRequest(text, static_kvm_mem)
  return (warnings, req.cdata)


class InputError(Exception):
  """The input file cannot be read (the text is the Haskell runtime's)."""


#: errno -> the Haskell runtime's description of a failed openFile
_IO_ERRORS = {
  errno.ENOENT: "does not exist (No such file or directory)",
  errno.EACCES: "permission denied (Permission denied)",
  errno.EISDIR: "inappropriate type (is a directory)",
}


def ReadInput(path):
  """The text of ``path`` ("-" for standard input); InputError if none."""
  import sys
  if path == "-":
    return sys.stdin.read()
  try:
    with open(path) as handle:
      return handle.read()
  except OSError as err:
    raise InputError("%s: openFile: %s" % (
      path, _IO_ERRORS.get(err.errno, err.strerror)))


# The answer -------------------------------------------------------------------
def _JsonString(text):
  """A string as Text.JSON encodes it."""
  out = ['"']
  for char in text:
    code = ord(char)
    if char == '"':
      out.append('\\"')
    elif char == "\\":
      out.append("\\\\")
    elif char == "\n":
      out.append("\\n")
    elif char == "\r":
      out.append("\\r")
    elif char == "\t":
      out.append("\\t")
    elif char == "\b":
      out.append("\\b")
    elif char == "\f":
      out.append("\\f")
    elif code < 0x20 or code > 0x7e:
      if code > 0xffff:
        code -= 0x10000
        out.append("\\u%04x\\u%04x" % (0xd800 + (code >> 10),
                                       0xdc00 + (code & 0x3ff)))
      else:
        out.append("\\u%04x" % code)
    else:
      out.append(char)
  out.append('"')
  return "".join(out)


class Obj:
  """An ordered JSON object (keys in the given order)."""

  def __init__(self, pairs):
    self.pairs = list(pairs)


def _PrettyString(text):
  out = ['"']
  for char in text:
    code = ord(char)
    if char == "\\":
      out.append("\\\\")
    elif char == '"':
      out.append('\\"')
    elif code < 0x20 or 0x7f <= code <= 0x9f:
      out.append("\\u%04x" % code)
    else:
      out.append(char)
  out.append('"')
  return "".join(out)


def PrettyJSON(value):
  """A JSON value as Text.JSON's pretty printer writes it in upstream's
  error messages: ``{"a": 1, "b": [1, 2]}``, integral numbers in full,
  others as Haskell shows a Double, other characters than controls
  unescaped."""
  if value is None:
    return "null"
  if value is True:
    return "true"
  if value is False:
    return "false"
  if isinstance(value, str):
    return _PrettyString(value)
  if isinstance(value, int):
    return "%d" % value
  if isinstance(value, float):
    if math.isfinite(value) and value == int(value):
      return "%d" % int(value)
    return metrics.HsShowDouble(value)
  if isinstance(value, dict):
    return "{%s}" % ", ".join("%s: %s" % (_PrettyString(k), PrettyJSON(v))
                              for (k, v) in value.items())
  return "[%s]" % ", ".join(PrettyJSON(v) for v in value)


def Encode(value):
  """Compact JSON of ``value`` as Text.JSON's encodeStrict writes it."""
  if value is None:
    return "null"
  if value is True:
    return "true"
  if value is False:
    return "false"
  if isinstance(value, str):
    return _JsonString(value)
  if isinstance(value, int):
    return str(value)
  if isinstance(value, float):
    return _EncodeFloat(value)
  if isinstance(value, Obj):
    return "{%s}" % ",".join("%s:%s" % (_JsonString(k), Encode(v))
                             for (k, v) in value.pairs)
  if isinstance(value, dict):
    return "{%s}" % ",".join("%s:%s" % (_JsonString(k), Encode(v))
                             for (k, v) in value.items())
  if isinstance(value, (list, tuple)):
    return "[%s]" % ",".join(Encode(v) for v in value)
  raise TypeError("cannot encode %r" % (value,))


def _EncodeFloat(value):
  if value == int(value) and abs(value) < 1e15:
    return "%d" % int(value)
  return repr(value)


def FormatResponse(success, info, result):
  """The answer document."""
  return Encode(Obj([("success", success), ("info", info),
                     ("result", result)]))
