"""The per-node checks of a group verification: the node_verify answer of
one node against the configuration.

:class:`NodeImage` is what the master learnt about one node (what runs
there, its free memory, its volumes); :class:`NodeChecks` is a mixin of
the group LU (it needs ``self.cfg``, ``self.op`` and the
:class:`~ganeti.cmdlib.cluster_verify.ecodes.VerifyErrors` reporting).
Every method reports with Ganeti's codes and messages.
"""

from ganeti import constants
from ganeti import utils
from ganeti import vcluster
from ganeti.cmdlib.cluster_verify import ecodes
from ganeti.cmdlib.cluster_verify.ecodes import ETYPE_WARNING

# the node_verify keys (Ganeti's NV_* values; the node side is
# ganeti.backend.node, ganeti.backend.drbd and ganeti.backend.verify)
NV_BRIDGES = "bridges"
NV_DRBDHELPER = "drbd-helper"
NV_DRBDLIST = "drbd-list"
NV_DRBDVERSION = "drbd-version"
NV_FILELIST = "filelist"
NV_FILE_STORAGE_PATH = "file-storage-path"
NV_FILE_STORAGE_PATHS = "file-storage-paths"
NV_HVINFO = "hvinfo"
NV_HVPARAMS = "hvparms"
NV_HYPERVISOR = "hypervisor"
NV_INSTANCELIST = "instancelist"
NV_LVLIST = "lvlist"
NV_MASTERIP = "master-ip"
NV_NODELIST = "nodelist"
NV_NODENETTEST = "node-net-test"
NV_NODESETUP = "nodesetup"
NV_NONVMNODES = "nonvmnodes"
NV_OOB_PATHS = "oob-paths"
NV_OSLIST = "oslist"
NV_PVLIST = "pvlist"
NV_SHARED_FILE_STORAGE_PATH = "shared-file-storage-path"
NV_TIME = "time"
NV_USERSCRIPTS = "user-scripts"
NV_VERSION = "version"
NV_VGLIST = "vglist"

#: a volume group smaller than this (MiB) is reported
MIN_VG_SIZE = 20480


def _ShownPath(path):
  """A node's path as the user knows it (without a virtual node root)."""
  if path.startswith(vcluster.VIRT_PATH_PREFIX):
    return path[len(vcluster.VIRT_PATH_PREFIX):] or "/"
  return path


class NodeImage:
  """What verification learnt about one node.

  ``instances`` are the names the hypervisor runs there; ``pinst`` and
  ``sinst`` the uuids of the instances having it as primary / secondary;
  ``sbp`` maps a primary node uuid to the uuids of the instances whose
  secondary this node is; ``foreign`` marks a node of another group (a
  secondary of one of ours), whose answers are not asked here; ``volumes`` is ``{"vg/lv": info}`` or None when
  unknown; ``mfree`` the free memory (MiB) or None.
  """

  def __init__(self, uuid=None, name=None, offline=False, vm_capable=True):
    self.uuid = uuid
    self.name = name
    self.offline = offline
    self.vm_capable = vm_capable
    self.rpc_fail = False
    self.hyp_fail = False
    self.lvm_fail = False
    self.ghost = False
    self.foreign = False  # in another group: known, not checked here
    self.instances = []
    self.pinst = []
    self.sinst = []
    self.sbp = {}
    self.volumes = None
    self.mfree = None
    self.oslist = None


class NodeChecks:
  """Mixin: checks of one node's node_verify answer."""

  def _VerifyNodeRpc(self, nimg, res):
    """False (and ENODERPC) if the node did not give a usable answer."""
    if res is None or res.fail_msg:
      self._Error(ecodes.ENODERPC, nimg.name, "while contacting node: %s",
                  res.fail_msg if res is not None else "no result")
      nimg.rpc_fail = True
      return False
    if not isinstance(res.payload, dict):
      self._Error(ecodes.ENODERPC, nimg.name, "invalid reply from node")
      nimg.rpc_fail = True
      return False
    return True

  def _VerifyNodeVersion(self, name, data):
    version = data.get(NV_VERSION)
    if not (isinstance(version, (list, tuple)) and len(version) == 2):
      self._Error(ecodes.ENODERPC, name,
                  "connection to node returned invalid data")
      return False
    self._ErrorIf(version[0] != constants.PROTOCOL_VERSION,
                  ecodes.ENODEVERSION, name,
                  "incompatible protocol versions: master %s, node %s",
                  constants.PROTOCOL_VERSION, version[0])
    if version[0] != constants.PROTOCOL_VERSION:
      return False
    self._ErrorIf(version[1] != constants.RELEASE_VERSION,
                  ecodes.ENODEVERSION, name,
                  "software version mismatch: master %s, node %s",
                  constants.RELEASE_VERSION, version[1], code=ETYPE_WARNING)
    return True

  def _VerifyNodeHypervisor(self, node, data):
    for (hv, msg) in sorted((data.get(NV_HYPERVISOR) or {}).items()):
      self._ErrorIf(msg, ecodes.ENODEHV, node.name,
                    "hypervisor %s verify failure: '%s'", hv, msg)
    hvp_result = data.get(NV_HVPARAMS)
    if node.vm_capable and isinstance(hvp_result, list):
      for (source, hv, msg) in hvp_result:
        self._Error(ecodes.ENODEHV, node.name, "hypervisor %s parameter"
                    " verify failure (source %s): %s", hv, source, msg)

  def _VerifyNodeNetwork(self, node, data, master_uuid):
    name = node.name
    if NV_NODELIST not in data:
      self._Error(ecodes.ENODESSH, name,
                  "node hasn't returned node ssh connectivity data")
    else:
      for (other, msg) in sorted((data[NV_NODELIST] or {}).items()):
        self._Error(ecodes.ENODESSH, name,
                    "ssh communication with node '%s': %s", other, msg)
    if NV_NODENETTEST not in data:
      self._Error(ecodes.ENODENET, name,
                  "node hasn't returned node tcp connectivity data")
    else:
      for (other, msg) in sorted((data[NV_NODENETTEST] or {}).items()):
        self._Error(ecodes.ENODENET, name,
                    "tcp communication with node '%s': %s", other, msg)
    if NV_MASTERIP in data and not data[NV_MASTERIP]:
      if node.uuid == master_uuid:
        msg = "the master node cannot reach the master IP (not configured?)"
      else:
        msg = "cannot reach the master IP"
      self._Error(ecodes.ENODENET, name, msg)
    missing = data.get(NV_BRIDGES)
    if missing:
      self._Error(ecodes.ENODENET, name, "missing bridges: %s",
                  utils.CommaJoin(sorted(missing)))

  def _VerifyNodeTime(self, name, data, start, end):
    ntime = data.get(NV_TIME)
    if ntime is None:
      return
    try:
      merged = utils.MergeTime(ntime)
    except (ValueError, TypeError):
      self._Error(ecodes.ENODETIME, name, "Node returned invalid time")
      return
    skew = constants.NODE_MAX_CLOCK_SKEW
    if merged < start - skew:
      diff = "%.01fs" % abs(start - merged)
    elif merged > end + skew:
      diff = "%.01fs" % abs(merged - end)
    else:
      return
    self._Error(ecodes.ENODETIME, name, "Node time diverges by at least %s"
                " from master node time", diff)

  def _VerifyNodeSetup(self, name, data):
    for msg in data.get(NV_NODESETUP) or []:
      self._Error(ecodes.ENODESETUP, name, "node setup error: %s", msg)

  def _VerifyNodeUserScripts(self, name, data):
    if NV_USERSCRIPTS not in data:
      self._Error(ecodes.ENODEUSERSCRIPTS, name,
                  "node hasn't returned user scripts data")
      return
    broken = [_ShownPath(p) for p in data[NV_USERSCRIPTS] or []]
    self._ErrorIf(broken, ecodes.ENODEUSERSCRIPTS, name,
                  "User scripts not present or not executable: %s",
                  utils.CommaJoin(sorted(broken or [])))

  def _VerifyNodeOob(self, name, data):
    for msg in data.get(NV_OOB_PATHS) or []:
      self._ErrorIf(msg is not None, ecodes.ENODEOOBPATH, name, "%s", msg)

  def _VerifyNodeFileStorage(self, name, data, is_master):
    if is_master:
      bad = data.get(NV_FILE_STORAGE_PATHS)
      self._ErrorIf(bad, ecodes.ENODEFILESTORAGEPATHS, name,
                    "Found forbidden file storage paths: %s",
                    utils.CommaJoin(bad or []))
    for (key, ecode, template) in (
        (NV_FILE_STORAGE_PATH, ecodes.ENODEFILESTORAGEPATHUNUSABLE,
         constants.DT_FILE),
        (NV_SHARED_FILE_STORAGE_PATH,
         ecodes.ENODESHAREDFILESTORAGEPATHUNUSABLE,
         constants.DT_SHARED_FILE)):
      msg = data.get(key)
      self._ErrorIf(msg, ecode, name, "The configured %s storage path is"
                    " unusable: %s", template, msg)

  def _VerifyNodeLvm(self, nimg, data, vg_name):
    """Volume group presence and size, PV names; fills ``nimg.volumes``."""
    if not vg_name:
      return
    name = nimg.name
    vglist = data.get(NV_VGLIST)
    if not isinstance(vglist, dict):
      self._Error(ecodes.ENODELVM, name, "unable to check volume groups")
      nimg.lvm_fail = True
    elif vg_name not in vglist:
      self._Error(ecodes.ENODELVM, name, "volume group '%s' missing",
                  vg_name)
      nimg.lvm_fail = True
    elif vglist[vg_name] < MIN_VG_SIZE:
      self._Error(ecodes.ENODELVM, name, "volume group %s too small (%s MiB"
                  " required, %d MiB found)", vg_name, MIN_VG_SIZE,
                  vglist[vg_name])
    pvlist = data.get(NV_PVLIST)
    if isinstance(pvlist, list):
      for pv in pvlist:
        self._ErrorIf(":" in pv["name"], ecodes.ENODELVM, name,
                      "Invalid character ':' in PV '%s' of VG '%s'",
                      pv["name"], pv["vg"])
    elif pvlist is not None:
      self._Error(ecodes.ENODELVM, name, "Can't get PV list from node")
    lvlist = data.get(NV_LVLIST)
    if isinstance(lvlist, dict):
      nimg.volumes = lvlist
    elif lvlist is not None:
      self._Error(ecodes.ENODELVM, name, "LVM problem on node: %s",
                  utils.SafeEncode(str(lvlist)))
      nimg.lvm_fail = True

  def _VerifyNodeDrbd(self, nimg, data, drbd_helper, drbd_map):
    """The usermode helper and the DRBD minors against the configuration
    (``drbd_map``: {minor: (instance name, must be active)})."""
    name = nimg.name
    if drbd_helper:
      status = data.get(NV_DRBDHELPER)
      if not (isinstance(status, (list, tuple)) and len(status) == 2):
        self._Error(ecodes.ENODEDRBDHELPER, name,
                    "no drbd usermode helper returned")
      elif not status[0]:
        self._Error(ecodes.ENODEDRBDHELPER, name,
                    "drbd usermode helper check unsuccessful: %s",
                    status[1])
      elif status[1] != drbd_helper:
        self._Error(ecodes.ENODEDRBDHELPER, name,
                    "wrong drbd usermode helper: %s", status[1])
    used = data.get(NV_DRBDLIST)
    if used is None:
      return
    if not isinstance(used, list):
      self._Error(ecodes.ENODEDRBD, name,
                  "cannot parse drbd status file: %s", used)
      return
    for (minor, (iname, must_exist)) in sorted(drbd_map.items()):
      self._ErrorIf(must_exist and minor not in used, ecodes.ENODEDRBD,
                    name, "drbd minor %d of instance %s is not active",
                    minor, iname)
    for minor in sorted(used):
      self._ErrorIf(minor not in drbd_map, ecodes.ENODEDRBD, name,
                    "unallocated drbd minor %d is in use", minor)

  def _VerifyGroupDrbdVersion(self, answers):
    """A DRBD version that differs within the group (warning per node)."""
    versions = dict((name, data[NV_DRBDVERSION])
                    for (name, data) in answers
                    if isinstance(data.get(NV_DRBDVERSION), str))
    if len(set(versions.values())) > 1:
      for (name, version) in sorted(versions.items()):
        self._Error(ecodes.ENODEDRBDVERSION, name, "DRBD version mismatch:"
                    " %s", version, code=ETYPE_WARNING)

  def _VerifyNodeOs(self, nimg, data, reference):
    """The node's OS definitions: broken or shadowed ones, and those that
    differ from the ``reference`` node's (a NodeImage, or None when this
    node is the reference)."""
    rows = data.get(NV_OSLIST)
    if not isinstance(rows, list):
      self._ErrorIf(NV_OSLIST in data, ecodes.ENODEOS, nimg.name,
                    "node hasn't returned valid OS data")
      return
    oses = {}
    for (os_name, path, status, diagnose, variants, params,
         api) in (row[:7] for row in rows):
      oses.setdefault(os_name, []).append(
        (path, status, diagnose, set(variants), set(tuple(p) for p in
                                                    params), set(api)))
    nimg.oslist = oses
    for (os_name, entries) in sorted(oses.items()):
      (path, status, diagnose, variants, params, api) = entries[0]
      self._ErrorIf(not status, ecodes.ENODEOS, nimg.name,
                    "Invalid OS %s (located at %s): %s", os_name, path,
                    diagnose)
      self._ErrorIf(len(entries) > 1, ecodes.ENODEOS, nimg.name,
                    "OS '%s' has multiple entries (first one shadows the"
                    " rest): %s", os_name,
                    utils.CommaJoin([e[0] for e in entries]))
    if reference is None or reference.oslist is None:
      return
    ref = reference.oslist
    for (os_name, entries) in sorted(oses.items()):
      if os_name not in ref:
        self._Error(ecodes.ENODEOS, nimg.name, "Extra OS %s not present on"
                    " reference node (%s)", os_name, reference.name)
        continue
      (_, status, _, variants, params, api) = entries[0]
      (_, r_status, _, r_variants, r_params, r_api) = ref[os_name][0]
      if not (status and r_status):
        continue
      for (kind, mine, theirs) in (("API version", api, r_api),
                                   ("variants list", variants, r_variants),
                                   ("parameters", params, r_params)):
        self._ErrorIf(mine != theirs, ecodes.ENODEOS, nimg.name,
                      "OS %s for %s differs from reference node %s:"
                      " [%s] vs. [%s]", kind, os_name, reference.name,
                      utils.CommaJoin(sorted(str(x) for x in mine)),
                      utils.CommaJoin(sorted(str(x) for x in theirs)))
    missing = sorted(set(ref) - set(oses))
    self._ErrorIf(missing, ecodes.ENODEOS, nimg.name, "OSes present on"
                  " reference node %s but missing on this node: %s",
                  reference.name, utils.CommaJoin(missing))

  def _UpdateNodeInstances(self, nimg, data):
    instances = data.get(NV_INSTANCELIST)
    if isinstance(instances, list):
      nimg.instances = utils.NiceSort(instances)
    else:
      if instances is not None:
        self._Error(ecodes.ENODEHV, nimg.name, "hypervisor error: %s",
                    instances)
      nimg.hyp_fail = True

  def _UpdateNodeInfo(self, nimg, data):
    info = data.get(NV_HVINFO)
    if isinstance(info, dict):
      try:
        nimg.mfree = int(info["memory_free"])
      except (KeyError, ValueError, TypeError):
        self._Error(ecodes.ENODERPC, nimg.name,
                    "node returned invalid nodeinfo, check hypervisor")
    elif info is not None:
      self._Error(ecodes.ENODEHV, nimg.name, "rpc call to node failed"
                  " (hvinfo): %s", info)
