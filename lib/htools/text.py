"""The htools text backend: cluster state files (``-t FILE``, ``-S FILE``).

Format (``man/htools.rst``; spec/interface.md §6.2): sections separated by
one empty line -- groups, nodes, instances, cluster tags and (optional)
instance policies; columns separated by ``|``, lists by ``,``.  Shorter
node and instance lines of older versions are accepted and padded with
the defaults upstream uses.
"""

from ganeti.htools import types as T
from ganeti.htools.instance import Instance, NO_SECONDARY
from ganeti.htools.loader import ClusterData, Group, LoaderError
from ganeti.htools.loader import AssignIndices
from ganeti.htools.node import Node


def _CommaSplit(text):
  return text.split(",") if text else []


def _Int(owner, value):
  try:
    return int(value)
  except ValueError:
    raise LoaderError("Failed to convert '%s' for %s" % (value, owner))


def _Float(owner, value):
  try:
    return float(value)
  except ValueError:
    raise LoaderError("Failed to convert '%s' for %s" % (value, owner))


def _YesNo(owner, value):
  if value == "Y":
    return True
  if value == "N":
    return False
  raise LoaderError("Invalid value '%s' for %s" % (value, owner))


def _Sections(text):
  lines = text.split("\n")
  if lines and lines[-1] == "":
    lines.pop()
  sections = [[]]
  for line in lines:
    if line == "":
      sections.append([])
    else:
      sections[-1].append(line)
  return sections


def _LoadGroup(fields):
  if len(fields) == 4:
    fields = fields + [""]
  if len(fields) != 5:
    raise LoaderError("Invalid/incomplete group data: '%s'" % "|".join(fields))
  (name, uuid, apol, tags, nets) = fields
  if apol not in T.ALLOC_POLICIES:
    raise LoaderError("Invalid alloc policy '%s' for group %s" % (apol, name))
  return Group(name, uuid, apol, T.DefaultIPolicy(), _CommaSplit(tags),
               _CommaSplit(nets))


_NODE_DEFAULTS = ["1", "", "N", "0", "1", "1.0"]


def _LoadNode(groups_by_uuid, fields):
  if not 9 <= len(fields) <= 15:
    raise LoaderError("Invalid/incomplete node data: '%s'" % "|".join(fields))
  fields = fields + _NODE_DEFAULTS[len(fields) - 9:]
  (name, tm, nm, fm, td, fd, tc, fo, gu, spindles, tags, excl, fsp, ncpu,
   speed) = fields
  gdx = groups_by_uuid.get(gu)
  if gdx is None:
    raise LoaderError("Unknown group '%s' for node %s" % (gu, name))
  excl_stor = _YesNo(name, excl)
  if "?" in (tm, nm, fm, td, fd, tc):
    node = Node(name, 0, 0, 0, 0, 0, 0, True, 0, 0, gdx, False)
  else:
    node = Node(name, _Float(name, tm), _Int(name, nm), _Int(name, fm),
                _Float(name, td), _Int(name, fd), _Float(name, tc), fo == "Y",
                _Int(name, spindles), _Int(name, fsp), gdx, excl_stor,
                n_cpu=_Int(name, ncpu))
    node.is_master = fo == "M"
  node.tags = _CommaSplit(tags)
  node.t_cpu_speed = _Float(name, speed)
  return node


_INST_DEFAULTS = ["1", "-", "N"]


def _LoadInstance(nodes_by_name, fields):
  if not 10 <= len(fields) <= 13:
    raise LoaderError("Invalid/incomplete instance data: '%s'" %
                      "|".join(fields))
  fields = fields + _INST_DEFAULTS[len(fields) - 10:]
  (name, mem, dsk, vcpus, status, auto_bal, pnode, snode, dt, tags, su,
   spindles, forth) = fields
  pidx = nodes_by_name.get(pnode)
  if pidx is None:
    raise LoaderError("Unknown node '%s' for instance %s" % (pnode, name))
  if snode:
    sidx = nodes_by_name.get(snode)
    if sidx is None:
      raise LoaderError("Unknown node '%s' for instance %s" % (snode, name))
  else:
    sidx = NO_SECONDARY
  if status not in T.INSTANCE_STATUSES:
    raise LoaderError("Invalid instance status '%s' for instance %s" %
                      (status, name))
  if auto_bal not in ("Y", "N"):
    raise LoaderError("Invalid auto_balance value '%s' for instance %s" %
                      (auto_bal, name))
  if dt not in T.DISK_TEMPLATES:
    raise LoaderError("Instance %s: invalid disk template '%s'" % (name, dt))
  if sidx == pidx:
    raise LoaderError("Instance %s has same primary and secondary node - %s"
                      % (name, pnode))
  vdsk = _Int(name, dsk)
  total_spindles = None if spindles == "-" else _Int(name, spindles)
  inst = Instance(name, _Int(name, mem), vdsk, _Int(name, vcpus), status,
                  _CommaSplit(tags), auto_bal == "Y", pidx, sidx, dt,
                  spindle_use=_Int(name, su), disks=[vdsk],
                  total_spindles=total_spindles,
                  forthcoming=_YesNo(name, forth))
  # one disk of the whole size with all the spindles, as upstream reads it
  inst.disk_spindles = [total_spindles]
  return inst


def _LoadISpec(owner, text):
  values = text.split(",")
  if len(values) != 6:
    raise LoaderError("Invalid ispec data for %s: %s" % (owner, values))
  names = ("memsize", "cpucount", "disksize", "diskcount", "niccount",
           "spindleuse")
  return T.ISpec(*[_Int("%s/%s" % (owner, n), v)
                   for (n, v) in zip(names, values)])


def _LoadIPolicy(fields):
  if len(fields) != 6:
    raise LoaderError("Invalid ipolicy data: '%s'" % "|".join(fields))
  (owner, std, minmax, dts, vcpu, spindle) = fields
  stdspec = _LoadISpec(owner + "/stdspec", std)
  specs = minmax.split(";")
  if len(specs) % 2:
    raise LoaderError("Invalid ipolicy minmax data for %s" % owner)
  pairs = []
  for pos in range(0, len(specs), 2):
    pairs.append((_LoadISpec(owner + "/minspec", specs[pos]),
                  _LoadISpec(owner + "/maxspec", specs[pos + 1])))
  templates = _CommaSplit(dts)
  for tmpl in templates:
    if tmpl not in T.DISK_TEMPLATES:
      raise LoaderError("Invalid disk template '%s' in ipolicy of %s" %
                        (tmpl, owner))
  return (owner, T.IPolicy(pairs, stdspec, templates,
                           _Float(owner + "/vcpu_ratio", vcpu),
                           _Float(owner + "/spindle_ratio", spindle)))


def ParseData(text):
  """Parse a text-backend document into a ClusterData."""
  sections = _Sections(text)
  if len(sections) == 4:
    sections.append([])
  if len(sections) < 5:
    raise LoaderError("Invalid format of the input file: %d sections"
                      " instead of 4 or more" % len(sections))
  # as upstream, sections after the fifth are ignored
  (glines, nlines, ilines, ctags, plines) = sections[:5]
  groups = AssignIndices([_LoadGroup(line.split("|")) for line in glines])
  by_uuid = dict((g.uuid, g.idx) for g in groups)
  nodes = AssignIndices([_LoadNode(by_uuid, line.split("|"))
                         for line in nlines])
  by_name = dict((n.name, n.idx) for n in nodes)
  instances = AssignIndices([_LoadInstance(by_name, line.split("|"))
                             for line in ilines])
  cpol = T.DefaultIPolicy()
  groups_by_name = dict((g.name, g) for g in groups)
  for line in plines:
    (owner, pol) = _LoadIPolicy(line.split("|"))
    if owner == "":
      cpol = pol
    else:
      grp = groups_by_name.get(owner)
      if grp is None:
        raise LoaderError("Unknown group name '%s'" % owner)
      grp.ipolicy = pol
  return ClusterData(groups, nodes, instances, list(ctags), cpol)


def IOErrorText(err):
  """How Haskell shows an OSError's kind and reason."""
  import errno
  kinds = {errno.ENOENT: "does not exist", errno.EACCES: "permission denied",
           errno.EPERM: "permission denied",
           errno.EISDIR: "inappropriate type", errno.ENOTDIR: "does not exist",
           errno.EMFILE: "resource exhausted",
           errno.ELOOP: "invalid argument"}
  reason = err.strerror or ""
  if err.errno == errno.EISDIR:
    reason = "is a directory"
  return "%s (%s)" % (kinds.get(err.errno, "failed"), reason)


def LoadFile(path):
  try:
    with open(path) as handle:
      text = handle.read()
  except OSError as err:
    raise LoaderError("%s: openFile: %s" % (path, IOErrorText(err)))
  return ParseData(text)


# Serialisation ---------------------------------------------------------------
def _FormatFloat0(value):
  return "%.0f" % value


def SerializeNode(groups, node):
  flag = "Y" if node.offline else ("M" if node.is_master else "N")
  return "|".join([
    node.name, _FormatFloat0(node.t_mem), str(node.n_mem), str(node.f_mem),
    _FormatFloat0(node.t_dsk), str(node.f_dsk), _FormatFloat0(node.t_cpu),
    flag, groups[node.group].uuid, str(node.t_spindles), ",".join(node.tags),
    "Y" if node.excl_storage else "N", str(node.f_spindles),
    str(node.n_cpu), _HaskellDouble(node.t_cpu_speed)])


def SerializeInstance(nodes, inst):
  snode = "" if inst.snode == NO_SECONDARY else nodes[inst.snode].name
  spindles = "-" if inst.total_spindles is None else str(inst.total_spindles)
  return "|".join([
    inst.name, str(inst.mem), str(inst.dsk), str(inst.vcpus), inst.run_st,
    "Y" if inst.auto_balance else "N", nodes[inst.pnode].name, snode,
    inst.disk_template, ",".join(inst.all_tags), str(inst.spindle_use),
    spindles, "Y" if inst.forthcoming else "N"])


def _SerializeISpec(spec):
  return ",".join(str(v) for v in spec.AsTuple())


def _HaskellDouble(value):
  """A float as Haskell's ``show`` prints it (4.0, 32.0, 0.1)."""
  return repr(float(value))


def SerializeIPolicy(owner, pol):
  minmax = ";".join("%s;%s" % (_SerializeISpec(mn), _SerializeISpec(mx))
                    for (mn, mx) in pol.minmax)
  return "|".join([owner, _SerializeISpec(pol.std), minmax,
                   ",".join(pol.disk_templates), _HaskellDouble(pol.vcpu_ratio),
                   _HaskellDouble(pol.spindle_ratio)])


def SerializeCluster(cdata):
  """The text-backend document for a ClusterData."""
  glines = ["%s|%s|%s|%s|%s" % (g.name, g.uuid, g.alloc_policy,
                                ",".join(g.tags), ",".join(g.networks))
            for g in cdata.groups]
  nlines = [SerializeNode(cdata.groups, n) for n in cdata.nodes]
  # by index: the document may hold a part of the cluster (one group)
  by_idx = dict((n.idx, n) for n in cdata.nodes)
  ilines = [SerializeInstance(by_idx, i) for i in cdata.instances]
  plines = [SerializeIPolicy("", cdata.ipolicy)]
  plines.extend(SerializeIPolicy(g.name, g.ipolicy) for g in cdata.groups)
  parts = []
  for lines in (glines, nlines, ilines, list(cdata.tags), plines):
    parts.append("".join(line + "\n" for line in lines))
  return "\n".join(parts)
