"""Requests as upstream's hail prints them at higher verbosity (``-v``).

Haskell's ``show`` of upstream's request types: ``Allocate (Instance
{...}) (AllocDetails 2 Nothing) Nothing``, ``Relocate 0 1 [3]``,
``NodeEvacuate [4] ChangeAll`` and so on, with the instance record of a
request's new instance.
"""

from ganeti.htools import cli
from ganeti.htools import iallocator as IA
from ganeti.htools import metrics
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


def _Arg(text):
  """A shown value as a constructor's argument: negative numbers in
  parentheses, as Haskell's showsPrec 11 writes them."""
  return "(%s)" % text if text.startswith("-") else text


def _Maybe(value, show, nested=True):
  if value is None:
    return "Nothing"
  text = "Just %s" % _Arg(show(value))
  return "(%s)" % text if nested else text


def _List(items, show):
  return "[%s]" % ",".join(show(i) for i in items)


def _Double(value):
  return metrics.HsShowDouble(value)


def ShowNic(nic):
  return ("Nic {mac = %s, ip = %s, mode = %s, link = %s, bridge = %s,"
          " network = %s}" % tuple(
            _Maybe(v, HsShowString, nested=False) if k != "mode" else
            _Maybe(v, str, nested=False)
            for (k, v) in (("mac", nic.mac), ("ip", nic.ip),
                           ("mode", nic.mode), ("link", nic.link),
                           ("bridge", nic.bridge),
                           ("network", nic.network))))


def _Disks(inst, spindles):
  if spindles is None:
    spindles = inst.disk_spindles
  if spindles is None:
    spindles = [None] * len(inst.disks)
  return _List(list(zip(inst.disks, spindles)), lambda d: (
    "Disk {dskSize = %d, dskSpindles = %s}" %
    (d[0], _Maybe(d[1], str, nested=False))))


def _Util(util):
  return ("DynUtil {cpuWeight = %s, memWeight = %s, dskWeight = %s,"
          " netWeight = %s}" % (_Double(util.cpu), _Double(util.mem),
                                _Double(util.dsk), _Double(util.net)))


def _StrSet(items):
  return "fromList %s" % _List(sorted(items), HsShowString)


def ShowInstance(inst, spindles=None):
  """Upstream's Instance record (a request's instance: idx -1, nodes 0).

  arPolicy is ArNotEnabled as loading leaves it (harep reads the
  auto-repair tags on its own).
  """
  return (
    "Instance {name = %s, alias = %s, mem = %d, dsk = %d, disks = %s,"
    " vcpus = %d, runSt = %s, pNode = %d, sNode = %d, idx = %d,"
    " util = %s, movable = %s, autoBalance = %s, diskTemplate = %s,"
    " spindleUse = %d, allTags = %s, exclTags = %s, dsrdLocTags = %s,"
    " locationScore = %d, arPolicy = ArNotEnabled, nics = %s,"
    " forthcoming = %s}" %
    (HsShowString(inst.name), HsShowString(inst.alias), inst.mem, inst.dsk,
     _Disks(inst, spindles), inst.vcpus, _RUN[inst.run_st], inst.pnode,
     inst.snode, inst.idx, _Util(inst.util), inst.movable,
     inst.auto_balance, _DT[inst.disk_template], inst.spindle_use,
     _List(inst.all_tags, HsShowString), _List(inst.excl_tags, HsShowString),
     _StrSet(inst.dsrd_loc_tags), inst.location_score,
     _List(inst.nics, ShowNic), inst.forthcoming))


_HV = {"kvm": "Kvm", "xen-pvm": "XenPvm", "xen-hvm": "XenHvm",
       "chroot": "Chroot", "lxc": "Lxc", "fake": "Fake"}


def ShowNode(node, hypervisor):
  """Upstream's Node record of a node of the model, as loaded.

  failN1Forth, rMemForth and pRemForth keep the values upstream's node
  constructor gives them (True, 0, 0.0): loading never sets them (only
  placements of forthcoming instances would), and the model here does
  not keep them.
  """
  peers = _List(node.peers.items(), lambda p: "(%d,%d)" % p)
  p_tags = "fromList %s" % _List(
    sorted(node.p_tags.items()),
    lambda t: "(%s,%d)" % (HsShowString(t[0]), t[1]))
  imap = "fromList %s" % _List(
    sorted(node.instance_map.items()),
    lambda t: "((%s,%s),%d)" % (HsShowString(t[0][0]),
                                HsShowString(t[0][1]), t[1]))
  ilist = lambda items: _List(items, str)  # noqa: E731
  dbl = _Double
  return (
    "Node {name = %s, alias = %s, tMem = %s, nMem = %d, iMem = %d,"
    " fMem = %d, fMemForth = %d, xMem = %d, tDsk = %s, fDsk = %d,"
    " fDskForth = %d, tCpu = %s, tCpuSpeed = %s, nCpu = %d, uCpu = %d,"
    " uCpuForth = %d, tSpindles = %d, fSpindles = %d, fSpindlesForth = %d,"
    " pList = %s, pListForth = %s, sList = %s, sListForth = %s, idx = %d,"
    " peers = %s, failN1 = %s, failN1Forth = True, rMem = %d,"
    " rMemForth = 0, pMem = %s, pMemForth = %s, pDsk = %s, pDskForth = %s,"
    " pRem = %s, pRemForth = 0.0, pCpu = %s, pCpuForth = %s, mDsk = %s,"
    " loDsk = %d, hiCpu = %d, hiSpindles = %s, instSpindles = %s,"
    " instSpindlesForth = %s, offline = %s, isMaster = %s, nTags = %s,"
    " utilPool = %s, utilLoad = %s, utilLoadForth = %s, pTags = %s,"
    " group = %d, iPolicy = %s, exclStorage = %s, migTags = %s,"
    " rmigTags = %s, locationTags = %s, locationScore = %d,"
    " instanceMap = %s, hypervisor = %s}" %
    (HsShowString(node.name), HsShowString(node.alias), dbl(node.t_mem),
     node.n_mem, node.i_mem, node.f_mem, node.f_mem_forth, node.x_mem,
     dbl(node.t_dsk), node.f_dsk, node.f_dsk_forth, dbl(node.t_cpu),
     dbl(node.t_cpu_speed), node.n_cpu, node.u_cpu, node.u_cpu_forth,
     node.t_spindles, node.f_spindles, node.f_spindles_forth,
     ilist(node.plist), ilist(node.plist_forth), ilist(node.slist),
     ilist(node.slist_forth), node.idx, peers, node.fail_n1, node.r_mem,
     dbl(node.p_mem), dbl(node.p_mem_forth), dbl(node.p_dsk),
     dbl(node.p_dsk_forth), dbl(node.p_rem), dbl(node.p_cpu),
     dbl(node.p_cpu_forth), dbl(node.m_dsk), node.lo_dsk, node.hi_cpu,
     dbl(node.hi_spindles), dbl(node.inst_spindles),
     dbl(node.inst_spindles_forth), node.offline, node.is_master,
     _List(node.tags, HsShowString), _Util(node.util_pool),
     _Util(node.util_load), _Util(node.util_load_forth), p_tags, node.group,
     cli.ShowIPolicy(node.ipolicy), node.excl_storage,
     _StrSet(node.mig_tags), _StrSet(node.rmig_tags),
     _StrSet(node.location_tags), node.location_score, imap,
     _Maybe(_HV.get(hypervisor), str, nested=False)))


def _Map(items, show):
  return "fromList %s" % _List(items, lambda i: "(%d,%s)" % (i.idx, show(i)))


def ShowClusterData(cdata, hypervisor):
  """The request's cluster as upstream prints it (``hail -v -v``)."""
  from ganeti.htools import hail_alloc
  return (
    "ClusterData {cdGroups = %s, cdNodes = %s, cdInstances = %s,"
    " cdTags = %s, cdIPolicy = %s}" %
    (_Map(cdata.groups, hail_alloc.ShowGroup),
     _Map(cdata.nodes, lambda n: ShowNode(n, hypervisor)),
     _Map(cdata.instances, ShowInstance),
     _List(cdata.tags, HsShowString), cli.ShowIPolicy(cdata.ipolicy)))


def _Details(count, group, nested):
  text = "AllocDetails %s %s" % (_Arg(str(count)),
                                 _Maybe(group, HsShowString))
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
    return "Relocate %d %s %s" % (req.idx, _Arg(str(req.required_nodes)),
                                  _List(req.exclude, str))
  if kind == IA.MODE_CHG_GROUP:
    return "ChangeGroup %s %s" % (_List(req.idxs, str),
                                  _List(req.groups, str))
  if kind == IA.MODE_NODE_EVAC:
    return "NodeEvacuate %s %s" % (_List(req.idxs, str), _EVAC[req.mode])
  return "AllocateSecondary %d" % req.idx
