"""Requests as upstream's hail prints them at higher verbosity (``-v``).

Haskell's ``show`` of upstream's request types: ``Allocate (Instance
{...}) (AllocDetails 2 Nothing) Nothing``, ``Relocate 0 1 [3]``,
``NodeEvacuate [4] ChangeAll`` and so on, with the instance record of a
request's new instance.
"""

from ganeti.htools import iallocator as IA
from ganeti.htools.iallocator import HsShowString

_DT = {"diskless": "DTDiskless", "file": "DTFile",
       "sharedfile": "DTSharedFile", "plain": "DTPlain", "blockdev": "DTBlock",
       "drbd": "DTDrbd8", "rbd": "DTRbd", "ext": "DTExt",
       "gluster": "DTGluster"}
_RUN = {"running": "Running", "ERROR_up": "ErrorUp",
        "ERROR_down": "ErrorDown", "ERROR_nodedown": "NodeDown",
        "ERROR_nodeoffline": "NodeOffline", "ADMIN_down": "StatusDown",
        "ADMIN_offline": "StatusOffline", "ERROR_wrongnode": "WrongNode",
        "USER_down": "UserDown"}
_EVAC = {IA.EVAC_PRIMARY: "ChangePrimary", IA.EVAC_SECONDARY:
         "ChangeSecondary", IA.EVAC_ALL: "ChangeAll"}


def _Maybe(value, show, nested=True):
  if value is None:
    return "Nothing"
  text = "Just %s" % show(value)
  return "(%s)" % text if nested else text


def _List(items, show):
  return "[%s]" % ",".join(show(i) for i in items)


def _Double(value):
  return repr(float(value))


def ShowNic(nic):
  return ("Nic {mac = %s, ip = %s, mode = %s, link = %s, bridge = %s,"
          " network = %s}" % tuple(
            _Maybe(v, HsShowString, nested=False) if k != "mode" else
            _Maybe(v, str, nested=False)
            for (k, v) in (("mac", nic.mac), ("ip", nic.ip),
                           ("mode", nic.mode), ("link", nic.link),
                           ("bridge", nic.bridge),
                           ("network", nic.network))))


def ShowInstance(inst, spindles):
  """The Instance record of a request's instance (idx -1, nodes 0)."""
  disks = _List(list(zip(inst.disks, spindles)), lambda d: (
    "Disk {dskSize = %d, dskSpindles = %s}" %
    (d[0], _Maybe(d[1], str, nested=False))))
  util = inst.util
  return (
    "Instance {name = %s, alias = %s, mem = %d, dsk = %d, disks = %s,"
    " vcpus = %d, runSt = %s, pNode = 0, sNode = 0, idx = -1,"
    " util = DynUtil {cpuWeight = %s, memWeight = %s, dskWeight = %s,"
    " netWeight = %s}, movable = %s, autoBalance = True, diskTemplate = %s,"
    " spindleUse = %d, allTags = %s, exclTags = %s, dsrdLocTags = fromList"
    " %s, locationScore = 0, arPolicy = ArNotEnabled, nics = %s,"
    " forthcoming = %s}" %
    (HsShowString(inst.name), HsShowString(inst.name), inst.mem, inst.dsk,
     disks, inst.vcpus, _RUN[inst.run_st], _Double(util.cpu),
     _Double(util.mem), _Double(util.dsk), _Double(util.net),
     inst.movable, _DT[inst.disk_template], inst.spindle_use,
     _List(inst.all_tags, HsShowString), _List(inst.excl_tags, HsShowString),
     _List(sorted(inst.dsrd_loc_tags), HsShowString),
     _List(inst.nics, ShowNic), inst.forthcoming))


def _Details(count, group, nested):
  text = "AllocDetails %d %s" % (count, _Maybe(group, HsShowString))
  return "(%s)" % text if nested else text


def ShowRequest(req):
  """The request as upstream's ``show`` prints it."""
  kind = req.kind
  if kind == IA.MODE_ALLOC:
    return "Allocate (%s) %s %s" % (
      ShowInstance(req.inst, req.inst_spindles),
      _Details(req.required_nodes, req.group_name, True),
      _Maybe(req.restrict_nodes, lambda v: _List(v, HsShowString)))
  if kind == IA.MODE_MULTI_ALLOC:
    return "MultiAllocate [%s]" % ",".join(
      "(%s,%s)" % (ShowInstance(inst, sp), _Details(count, group, False))
      for ((inst, count, group), sp) in zip(req.allocs, req.alloc_spindles))
  if kind == IA.MODE_RELOC:
    return "Relocate %d %d %s" % (req.idx, req.required_nodes,
                                  _List(req.exclude, str))
  if kind == IA.MODE_CHG_GROUP:
    return "ChangeGroup %s %s" % (_List(req.idxs, str),
                                  _List(req.groups, str))
  if kind == IA.MODE_NODE_EVAC:
    return "NodeEvacuate %s %s" % (_List(req.idxs, str), _EVAC[req.mode])
  return "AllocateSecondary %d" % req.idx
