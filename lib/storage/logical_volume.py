"""LVM logical volumes (dev_type ``plain``) and the node's LVM reports.

The logical id of a plain disk is ``(vg_name, lv_name)``; the device lives
at ``/dev/<vg>/<lv>``.  Command lines come from :mod:`ganeti.storage.lvm`
where a builder exists; every command runs through :func:`base.RunCmd`.

Module functions answer the LVM RPCs: :func:`GetVolumeList` (``lv_list``),
:func:`ListVolumeGroups` (``vg_list``), :func:`GetNodeVolumes`
(``node_volumes``), :func:`GetVGInfo` and :func:`GetVgSpindlesInfo`
(``node_info`` storage units ``lvm-vg``/``lvm-pv``).
"""

import logging
import re

from ganeti import objects
from ganeti.storage import base
from ganeti.storage import lvm

#: disk parameter: wanted number of stripes
LDP_STRIPES = "stripes"

#: maximum length of an LVM tag
_MAX_TAG_LEN = 128


def _Run(cmd):
  return base.RunCmd(cmd)


# ---------------------------------------------------------------------------
# Volume group and physical volume information

def GetPVInfo(vg_names=None, filter_allocatable: bool = True) -> list:
  """The physical volumes, optionally only those of ``vg_names``.

  @return: list of dicts (see L{lvm.ParsePvs}) sorted by free space,
    largest first; non-allocatable PVs are left out unless
    ``filter_allocatable`` is False
  @raise errors.BlockDeviceError: pvs fails or prints garbage
  """
  result = base.RunOrFail(lvm.BuildPvsCmd(), "Can't get the PV information")
  if filter_allocatable:
    pvs = lvm.ParsePvs(result.stdout)
  else:
    pvs = [{"name": r["pv_name"], "vg": r["vg_name"], "size": r["pv_size"],
            "free": r["pv_free"], "attr": r["pv_attr"]}
           for r in lvm.ParseReport(result.stdout, lvm.PV_FIELDS)]
  if vg_names is not None:
    pvs = [pv for pv in pvs if pv["vg"] in vg_names]
  pvs.sort(key=lambda pv: pv["free"], reverse=True)
  return pvs


def _IsEmptyPv(pv) -> bool:
  return pv["free"] == pv["size"]


def _ExclusiveStorageVgFree(vg_name: str) -> int:
  """Free space of a VG under exclusive storage: only empty PVs count."""
  pvs = GetPVInfo([vg_name])
  if not pvs:
    return 0
  pv_size = max(pv["size"] for pv in pvs)
  return int(pv_size * len([pv for pv in pvs if _IsEmptyPv(pv)]))


def GetVGInfo(vg_names, excl_stor: bool = False) -> list:
  """``[(free MiB, size MiB, name)]`` for the existing VGs in ``vg_names``.

  VGs that ``vgs`` does not know are left out (the caller reports them
  as missing); with exclusive storage the free space counts only empty
  PVs.

  @raise errors.BlockDeviceError: vgs prints garbage
  """
  result = base.RunCmd(lvm.BuildVgsCmd(lvm.VG_FIELDS))
  if result.failed:
    logging.error("vgs failed: %s", result.output)
    return []
  wanted = set(vg_names)
  data = []
  for vg in lvm.ParseVgs(result.stdout):
    if vg["name"] not in wanted:
      continue
    free = vg["free"]
    if excl_stor:
      free = _ExclusiveStorageVgFree(vg["name"])
    data.append((free, vg["size"], vg["name"]))
  return data


def GetVgSpindlesInfo(vg_name: str):
  """``(free spindles, total spindles)``: empty PVs and all PVs of a VG."""
  pvs = GetPVInfo([vg_name])
  return (len([pv for pv in pvs if _IsEmptyPv(pv)]), len(pvs))


def ListVolumeGroups() -> dict:
  """``{vg name: size in MiB}`` (the ``vg_list`` RPC).

  @raise errors.BlockDeviceError: vgs fails
  """
  result = base.RunOrFail(["vgs", "--noheadings", "--units=m", "--nosuffix",
                           "-ovg_name,vg_size"], "Can't list volume groups")
  vgs = {}
  for line in result.stdout.splitlines():
    parts = line.split()
    if len(parts) != 2:
      logging.warning("Strange line in the output from vgs: %r", line)
      continue
    try:
      vgs[parts[0]] = int(round(float(parts[1]), 0))
    except ValueError:
      base.ThrowError("Invalid size '%s' in vgs output", parts[1])
  return vgs


def GetVolumeList(vg_names) -> dict:
  """``{"vg/lv": [size MiB, inactive, online]}`` (the ``lv_list`` RPC).

  @param vg_names: a VG name, a list of them, or None for all
  @raise errors.BlockDeviceError: lvs fails or prints garbage
  """
  if isinstance(vg_names, str):
    vg_names = [vg_names]
  result = base.RunCmd(lvm.BuildLvListCmd(vg_names or []))
  if result.failed:
    base.ThrowError("Failed to list logical volumes, lvs output: %s",
                    result.output)
  return dict((k, list(v)) for (k, v) in
              lvm.ParseLvList(result.stdout).items())


def GetNodeVolumes() -> list:
  """One dict per (LV, PV) pair (the ``node_volumes`` RPC).

  Keys: ``name``, ``size`` (MiB, as printed by lvs), ``dev`` (the PV
  path) and ``vg``.

  @raise errors.BlockDeviceError: lvs fails
  """
  result = base.RunCmd(lvm.BuildLvsCmd(lvm.NODE_VOLUMES_FIELDS))
  if result.failed:
    base.ThrowError("Failed to list logical volumes, lvs output: %s",
                    result.output)
  volumes = []
  for line in result.stdout.splitlines():
    if line.count(lvm.SEP) < 3:
      if line.strip():
        logging.warning("Strange line in the output from lvs: %r", line)
      continue
    (name, size, devices, vg) = [v.strip() for v in line.split(lvm.SEP)][:4]
    for dev in lvm.SplitDevices(devices) or [""]:
      volumes.append({"name": name, "size": size, "dev": dev, "vg": vg})
  return volumes


def SanitizeTag(text: str) -> str:
  """Turn ``text`` into a valid LVM tag (bad characters become ``_``)."""
  text = re.sub("^[^A-Za-z0-9_+.]", "_", text)
  text = re.sub("[^-A-Za-z0-9_+.]", "_", text)
  return text[:_MAX_TAG_LEN]


# ---------------------------------------------------------------------------
# The device

class LogicalVolume(base.BlockDev):
  """An LVM logical volume ``(vg, lv)``."""

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    (vg, lv) = base.CheckLogicalId(unique_id, 2, "LVM")
    lvm.CheckName(vg)
    lvm.CheckName(lv)
    super().__init__((vg, lv), children, size, params, dyn_params, **kwargs)
    self._vg_name = vg
    self._lv_name = lv
    self.dev_path = lvm.DevPath(vg, lv)
    self._degraded = True
    self.pe_size = None
    self.stripe_count = None
    self.pv_names = []
    self.Attach()

  # Creation --------------------------------------------------------------
  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """Create the LV with as many stripes as wanted and possible.

    Without exclusive storage the stripes are at most the number of
    PVs, and ``lvcreate`` is retried with fewer stripes down to one.
    With exclusive storage ``spindles`` empty PVs are used.

    @raise errors.BlockDeviceError: bad id, no PVs, not enough space or
      every lvcreate failed
    """
    (vg, lv) = base.CheckLogicalId(unique_id, 2, "LVM")
    lvm.CheckName(vg)
    lvm.CheckName(lv)
    size = int(size)
    pvs = GetPVInfo([vg])
    if not pvs:
      if excl_stor:
        base.ThrowError("No (empty) PVs found in volume group %s", vg)
      base.ThrowError("Can't compute PV info for vg %s", vg)
    pvlist = [pv["name"] for pv in pvs]
    if [name for name in pvlist if ":" in name]:
      base.ThrowError("Some of your PVs have the invalid character ':' in"
                      " their name, this is not supported - please filter"
                      " them out in lvm.conf using either 'filter' or"
                      " 'preferred_names'")
    desired = int((params or {}).get(LDP_STRIPES, 1) or 1)
    if excl_stor:
      if spindles is None:
        base.ThrowError("Unspecified number of spindles: this is required"
                        " when exclusive storage is enabled, try running"
                        " gnt-cluster repair-disk-sizes")
      empty = [pv for pv in pvs if _IsEmptyPv(pv)]
      if len(empty) < int(spindles):
        base.ThrowError("Requested number of spindles (%s) is not available"
                        " in volume group %s (%s empty PVs)", spindles, vg,
                        len(empty))
      pvlist = [pv["name"] for pv in empty[:int(spindles)]]
      if sum(pv["free"] for pv in empty[:int(spindles)]) < size:
        base.ThrowError("Not enough free space: required %s, available %s",
                        size, sum(pv["free"] for pv in empty[:int(spindles)]))
      stripes = len(pvlist)
    else:
      free = sum(pv["free"] for pv in pvs)
      if free < size:
        base.ThrowError("Not enough free space: required %s, available %s",
                        size, free)
      stripes = min(len(pvlist), desired)
    result = None
    for nstripes in range(stripes, 0, -1):
      result = _Run(lvm.BuildLvCreateCmd(vg, lv, size, stripes=nstripes,
                                         pvs=pvlist))
      if not result.failed:
        break
      if excl_stor:
        break  # the stripes are the spindles: no fallback
    if result is None or result.failed:
      base.ThrowError("LV create failed (%s): %s",
                      result.fail_reason if result else "no stripes",
                      result.output if result else "")
    return cls((vg, lv), children, size, params, dyn_params, **kwargs)

  # Life cycle ------------------------------------------------------------
  def Attach(self, **kwargs) -> bool:
    """Look the LV up with lvs; False (not an error) when it is missing."""
    self.attached = False
    result = _Run(lvm.BuildLvAttachCmd(self.dev_path))
    if result.failed:
      logging.debug("Can't find LV %s: %s, %s", self.dev_path,
                    result.fail_reason, result.output)
      return False
    try:
      info = lvm.ParseLvAttach(result.stdout)
    except Exception as err:  # BlockDeviceError or bad attributes
      logging.error("Can't parse lvs output for %s: %s", self.dev_path, err)
      return False
    self.major = info["major"]
    self.minor = info["minor"]
    self.pe_size = info["extent_size"]
    self.stripe_count = info["stripes"]
    self._degraded = info["attr"].virtual
    self.pv_names = info["devices"]
    self.attached = True
    return True

  def Assemble(self) -> None:
    """Activate the LV (``lvchange -ay``)."""
    base.RunOrFail(lvm.BuildLvChangeActiveCmd(self.dev_path, True),
                   "Can't activate lv %s" % self.dev_path)
    self.Attach()

  def Shutdown(self) -> None:
    """Nothing: LVs stay active, as in Ganeti."""

  def Remove(self) -> None:
    """``lvremove -f``; a missing LV is fine."""
    if not self.attached and not self.Attach():
      return
    base.RunOrFail(lvm.BuildLvRemoveCmd(self._vg_name, self._lv_name),
                   "Can't lvremove %s" % self.dev_path)
    self.attached = False

  def Rename(self, new_id) -> None:
    """``lvrename`` inside the same VG."""
    (new_vg, new_lv) = base.CheckLogicalId(new_id, 2, "LVM")
    if new_vg != self._vg_name:
      base.ThrowError("Can't move a logical volume across volume groups"
                      " (from %s to to %s)", self._vg_name, new_vg)
    base.RunOrFail(lvm.BuildLvRenameCmd(self._vg_name, self._lv_name,
                                        new_lv),
                   "Failed to rename the logical volume")
    self._lv_name = new_lv
    self.unique_id = (new_vg, new_lv)
    self.dev_path = lvm.DevPath(new_vg, new_lv)

  # Status ----------------------------------------------------------------
  def GetSyncStatus(self) -> objects.BlockDevStatus:
    """A virtual (PV-less) LV is degraded and its local disk faulty."""
    degraded = bool(self._degraded)
    return objects.BlockDevStatus(
      dev_path=self.dev_path, major=self.major, minor=self.minor,
      sync_percent=None, estimated_time=None, is_degraded=degraded,
      ldisk_status=base.LDS_FAULTY if degraded else base.LDS_OKAY)

  def GetActualSpindles(self):
    """The number of PVs the LV uses."""
    if not self.attached:
      return None
    return len(self.pv_names)

  # Changes ---------------------------------------------------------------
  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """``lvextend -L +<KiB>k`` rounded up to whole stripes.

    Only for the backing-storage pass; tries the ``contiguous``,
    ``cling`` and ``normal`` allocation policies in turn.
    """
    if not backingstore:
      return
    if self.pe_size is None or self.stripe_count is None:
      if not self.Attach():
        base.ThrowError("Can't attach to LV during Grow()")
    full_stripe = int(self.pe_size) * int(self.stripe_count)
    amount_kb = int(amount) * 1024
    if full_stripe:
      rest = amount_kb % full_stripe
      if rest:
        amount_kb += full_stripe - rest
    cmd = ["lvextend", "-L", "+%dk" % amount_kb]
    if dryrun:
      cmd.append("--test")
    pvs = []
    if excl_stor:
      pvs = [pv["name"] for pv in GetPVInfo([self._vg_name])
             if _IsEmptyPv(pv)]
    result = None
    for policy in ("contiguous", "cling", "normal"):
      result = _Run(cmd + ["--alloc", policy, self.dev_path] + pvs)
      if not result.failed:
        return
    base.ThrowError("Can't grow LV %s: %s", self.dev_path, result.output)

  def Snapshot(self, snap_name=None, snap_size=None):
    """Snapshot LV ``<lv>.snap`` (an old one is removed first).

    @return: the snapshot's logical id ``(vg, snap_name)``
    """
    if snap_name is None:
      snap_name = self._lv_name + ".snap"
    if snap_size is None:
      snap_size = self.size
    old = LogicalVolume((self._vg_name, snap_name), None, snap_size,
                        self.params)
    try:
      old.Remove()
    except Exception as err:  # an old snapshot must not block a new one
      logging.warning("Can't remove old snapshot %s: %s", snap_name, err)
    info = GetVGInfo([self._vg_name])
    if not info:
      base.ThrowError("Can't compute VG info for vg %s", self._vg_name)
    free = int(info[0][0])
    if free < int(snap_size):
      base.ThrowError("Not enough free space: required %s, available %s",
                      snap_size, free)
    base.RunOrFail(lvm.BuildLvSnapshotCmd(self.dev_path, snap_name,
                                          snap_size),
                   "Can't create snapshot %s of %s" % (snap_name,
                                                        self.dev_path))
    return (self._vg_name, snap_name)

  def _GetTags(self) -> list:
    result = base.RunOrFail(["lvs", "--noheadings", "-otags", self.dev_path],
                            "Can't read the tags of %s" % self.dev_path)
    return [t for t in result.stdout.strip().split(",") if t.strip()]

  def SetInfo(self, text: str) -> None:
    """Replace the LV's tags by one tag made from ``text``."""
    for tag in self._GetTags():
      base.RunOrFail(lvm.BuildLvTagsCmd(self.dev_path, remove=[tag.strip()]),
                     "Can't remove tag %s from %s" % (tag, self.dev_path))
    if not text:
      return
    base.RunOrFail(lvm.BuildLvTagsCmd(self.dev_path,
                                      add=[SanitizeTag(text)]),
                   "Can't tag %s" % self.dev_path)
