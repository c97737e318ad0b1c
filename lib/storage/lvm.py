"""LVM command lines and output parsers (pure functions).

The builders return argv lists for ``lvcreate``, ``lvremove``, ``lvs``,
``vgs``, ``pvs``, ``vgreduce`` and friends; the parsers turn their output
(as produced with the options the builders use) into Python values. Nothing
here runs a command.
"""

import re

from ganeti import errors

#: separator used in the reports we ask for
SEP = "|"

#: options common to the vgs/pvs reports (sizes in MiB, no unit suffix)
REPORT_OPTS = ["--noheadings", "--nosuffix", "--units=m", "--unbuffered",
               "--separator=%s" % SEP]

LV_LIST_FIELDS = ["vg_name", "lv_name", "lv_size", "lv_attr"]
NODE_VOLUMES_FIELDS = ["lv_name", "lv_size", "devices", "vg_name"]
VG_FIELDS = ["vg_name", "vg_free", "vg_attr", "vg_size", "pv_count"]
PV_FIELDS = ["pv_name", "vg_name", "pv_free", "pv_attr", "pv_size"]
LV_ATTACH_FIELDS = ["lv_attr", "lv_kernel_major", "lv_kernel_minor",
                    "vg_extent_size", "stripes", "devices"]

#: fields and separator of the full per-segment LV report (Haskell monitor)
LV_FULL_FIELDS = [
  "lv_uuid", "lv_name", "lv_attr", "lv_major", "lv_minor",
  "lv_kernel_major", "lv_kernel_minor", "lv_size", "seg_count", "lv_tags",
  "modules", "vg_uuid", "vg_name", "segtype", "seg_start", "seg_start_pe",
  "seg_size", "seg_tags", "seg_pe_ranges", "devices",
]
LV_FULL_SEP = ";"

_INT_FIELDS = frozenset([
  "lv_major", "lv_minor", "lv_kernel_major", "lv_kernel_minor", "seg_count",
  "seg_start_pe", "stripes", "pv_count", "lv_count", "snap_count",
])
_FLOAT_FIELDS = frozenset([
  "lv_size", "vg_size", "vg_free", "pv_size", "pv_free", "vg_extent_size",
  "seg_start", "seg_size",
])

_VALID_NAME_RE = re.compile(r"^[a-zA-Z0-9+_.-]*$")
_INVALID_NAMES = frozenset([".", "..", "snapshot", "pvmove"])
_INVALID_SUBSTRINGS = ("_mlog", "_mimage")

# diagnostics printed by LVM when PVs are gone
MISSING_PV_MSG = "Couldn't find device with uuid"
_MISSING_PV_RE = re.compile(r"Couldn't find device with uuid '?([^'\s]+?)'?\.?$")
_VG_NOT_FOUND_RE = re.compile(r"Volume group \"?([^\"\s]+)\"? not found")
VGREDUCE_OK_MSG = "Wrote out consistent volume group"
VGREDUCE_NEED_FORCE_MSG = "vgreduce --removemissing --force"


def CheckName(name: str) -> None:
  """Check a VG or LV name against lvm(8)'s rules.

  @raise errors.BlockDeviceError: empty, bad characters, reserved name or
    reserved substring
  """
  if (not name or not _VALID_NAME_RE.match(name) or name in _INVALID_NAMES
      or name.startswith("-")):
    raise errors.BlockDeviceError("Invalid LVM name '%s'" % name)
  for sub in _INVALID_SUBSTRINGS:
    if sub in name:
      raise errors.BlockDeviceError("LVM name '%s' contains the reserved"
                                    " substring '%s'" % (name, sub))


def DevPath(vg: str, lv: str) -> str:
  """The device path ``/dev/<vg>/<lv>``."""
  return "/dev/%s/%s" % (vg, lv)


# ---------------------------------------------------------------------------
# Command builders

def BuildLvCreateCmd(vg: str, lv: str, size_mb: int, stripes: int = 1,
                     pvs=None, wipe_signatures=None,
                     assume_yes: bool = False) -> list:
  """``lvcreate [--yes] [-Wy|-Wn] -L<size>m -n<lv> -i<stripes> <vg> [pvs]``.

  @param wipe_signatures: None leaves ``-W`` out, True/False give ``-Wy`` /
    ``-Wn``
  @raise errors.BlockDeviceError: invalid names, size or stripes
  """
  CheckName(vg)
  CheckName(lv)
  if int(size_mb) <= 0 or int(stripes) < 1:
    raise errors.BlockDeviceError("Invalid LV size %s or stripes %s" %
                                  (size_mb, stripes))
  cmd = ["lvcreate"]
  if assume_yes:
    cmd.append("--yes")
  if wipe_signatures is not None:
    cmd.append("-Wy" if wipe_signatures else "-Wn")
  cmd.extend(["-L%dm" % int(size_mb), "-n%s" % lv, "-i%d" % int(stripes),
              vg])
  cmd.extend(pvs or [])
  return cmd


def BuildLvSnapshotCmd(dev_path: str, snap_name: str, size_mb: int) -> list:
  """``lvcreate -L<size>m -s -n<snap> <dev>``."""
  CheckName(snap_name)
  return ["lvcreate", "-L%dm" % int(size_mb), "-s", "-n%s" % snap_name,
          dev_path]


def BuildLvRemoveCmd(vg: str, lv: str) -> list:
  """``lvremove -f <vg>/<lv>``."""
  CheckName(vg)
  CheckName(lv)
  return ["lvremove", "-f", "%s/%s" % (vg, lv)]


def BuildLvRenameCmd(vg: str, old: str, new: str) -> list:
  """``lvrename <vg> <old> <new>``."""
  for name in (vg, old, new):
    CheckName(name)
  return ["lvrename", vg, old, new]


def BuildLvChangeActiveCmd(dev_path: str, active: bool) -> list:
  """``lvchange -ay <dev>`` or ``lvchange -an <dev>``."""
  return ["lvchange", "-ay" if active else "-an", dev_path]


def BuildLvTagsCmd(dev_path: str, add=(), remove=()) -> list:
  """``lvchange [--addtag T]... [--deltag T]... <dev>``."""
  cmd = ["lvchange"]
  for tag in add:
    cmd.extend(["--addtag", tag])
  for tag in remove:
    cmd.extend(["--deltag", tag])
  return cmd + [dev_path]


def BuildLvGrowCmd(dev_path: str, amount_mb: int, pvs=None,
                   program: str = "lvextend") -> list:
  """``lvextend -L +<amount>m <dev> [pvs]`` (or ``lvresize``).

  @raise errors.BlockDeviceError: non-positive amount or unknown program
  """
  if program not in ("lvextend", "lvresize"):
    raise errors.BlockDeviceError("Unknown LV grow program '%s'" % program)
  if int(amount_mb) <= 0:
    raise errors.BlockDeviceError("Invalid grow amount %s" % amount_mb)
  return [program, "-L", "+%dm" % int(amount_mb), dev_path] + list(pvs or [])


def BuildLvsCmd(fields, names=(), units: str = "m",
                separator: str = SEP) -> list:
  """``lvs --noheadings --units=<u> --nosuffix --separator=<s> -o<f,...>``."""
  return (["lvs", "--noheadings", "--units=%s" % units, "--nosuffix",
           "--separator=%s" % separator, "-o%s" % ",".join(fields)]
          + list(names))


def BuildLvListCmd(vgs=()) -> list:
  """The ``lv_list`` report: vg, name, size (MiB) and attributes."""
  return BuildLvsCmd(LV_LIST_FIELDS, vgs)


def BuildLvAttachCmd(dev_path: str) -> list:
  """The report used when attaching an LV (sizes in KiB)."""
  return BuildLvsCmd(LV_ATTACH_FIELDS, [dev_path], units="k")


def BuildLvFullCmd() -> list:
  """The per-segment report parsed by L{ParseLvFull} (sizes in bytes)."""
  return ["lvs", "--noheadings", "--units", "B", "--separator", LV_FULL_SEP,
          "-o", ",".join(LV_FULL_FIELDS)]


def BuildVgsCmd(fields=None, vgs=()) -> list:
  """``vgs <REPORT_OPTS> -o<fields> [vgs]``."""
  return (["vgs"] + REPORT_OPTS + ["-o%s" % ",".join(fields or VG_FIELDS)]
          + list(vgs))


def BuildPvsCmd(fields=None, pvs=()) -> list:
  """``pvs <REPORT_OPTS> -o<fields> [pvs]``."""
  return (["pvs"] + REPORT_OPTS + ["-o%s" % ",".join(fields or PV_FIELDS)]
          + list(pvs))


def BuildVgReduceMissingCmd(vg: str, force: bool = False) -> list:
  """``vgreduce --removemissing [--force] <vg>``."""
  CheckName(vg)
  return ["vgreduce", "--removemissing"] + (["--force"] if force else []) + \
    [vg]


def BuildVgCheckCmd(vg: str) -> list:
  """``vgs --noheadings --nosuffix <vg>``, run after vgreduce."""
  return ["vgs", "--noheadings", "--nosuffix", vg]


# ---------------------------------------------------------------------------
# Parsers

def _ConvertField(field, value):
  if field in _INT_FIELDS:
    conv = int
  elif field in _FLOAT_FIELDS:
    conv = float
  else:
    return value
  text = value.strip()
  if text[-1:].isalpha():
    text = text[:-1]  # unit suffix ("B") when --nosuffix was not given
  try:
    return conv(text)
  except ValueError:
    raise errors.BlockDeviceError("Invalid value '%s' for LVM field %s" %
                                  (value, field))


def ParseReport(output: str, fields, separator: str = SEP) -> list:
  """Parse an LVM report with ``--noheadings`` and an explicit field list.

  Empty lines are skipped; leading blanks are removed. Numeric fields
  (sizes, counts, kernel numbers) are converted to float/int.

  @return: list of dicts field -> value
  @raise errors.BlockDeviceError: a line has the wrong number of fields or
    a bad number
  """
  rows = []
  for line in output.splitlines():
    line = line.strip()
    if not line:
      continue
    values = line.split(separator)
    if len(values) != len(fields):
      raise errors.BlockDeviceError("Can't parse LVM output line '%s':"
                                    " expected %d fields, got %d" %
                                    (line, len(fields), len(values)))
    rows.append(dict((f, _ConvertField(f, v))
                     for (f, v) in zip(fields, values)))
  return rows


class LvAttr:
  """The flags of an ``lv_attr`` string such as ``-wi-ao----``.

  Attributes: ``volume_type`` (char 0), ``permissions`` (char 1),
  ``virtual`` (type ``v``), ``inactive`` (state char 4 is ``-``), ``online``
  (device char 5 is ``o``, i.e. open), ``raw``.
  """

  def __init__(self, attr: str):
    attr = attr.strip()
    if len(attr) < 6:
      raise errors.BlockDeviceError("Invalid LV attributes '%s'" % attr)
    self.raw = attr
    self.volume_type = attr[0]
    self.permissions = attr[1]
    self.virtual = attr[0] == "v"
    self.inactive = attr[4] == "-"
    self.online = attr[5] == "o"


def ParseLvList(output: str) -> dict:
  """Parse the L{BuildLvListCmd} report.

  @return: dict ``"vg/lv"`` -> (size in MiB, inactive, online); virtual
    LVs are skipped
  @raise errors.BlockDeviceError: unparsable line
  """
  result = {}
  for row in ParseReport(output, LV_LIST_FIELDS):
    attr = LvAttr(row["lv_attr"])
    if attr.virtual:
      continue
    result["%s/%s" % (row["vg_name"], row["lv_name"])] = \
      (row["lv_size"], attr.inactive, attr.online)
  return result


def SplitDevices(devices: str) -> list:
  """``/dev/sda5(0),/dev/sdb1(16)`` -> ``["/dev/sda5", "/dev/sdb1"]``."""
  result = []
  for dev in devices.split(","):
    dev = dev.strip()
    if dev:
      result.append(dev.split("(", 1)[0])
  return result


def ParseNodeVolumes(output: str) -> list:
  """Parse the ``node_volumes`` report (L{NODE_VOLUMES_FIELDS}).

  @return: list of dicts with ``name``, ``size`` (MiB), ``dev`` (list of
    PV paths) and ``vg``
  """
  return [{"name": row["lv_name"], "size": row["lv_size"],
           "dev": SplitDevices(row["devices"]), "vg": row["vg_name"]}
          for row in ParseReport(output, NODE_VOLUMES_FIELDS)]


def ParseLvAttach(output: str) -> dict:
  """Parse the L{BuildLvAttachCmd} report; the last line counts.

  @return: dict with ``attr`` (L{LvAttr}), ``major``, ``minor``,
    ``extent_size`` (KiB), ``stripes``, ``devices`` (list of PVs)
  @raise errors.BlockDeviceError: no output or unparsable
  """
  rows = ParseReport(output, LV_ATTACH_FIELDS)
  if not rows:
    raise errors.BlockDeviceError("No data from lvs")
  row = rows[-1]
  return {"attr": LvAttr(row["lv_attr"]), "major": row["lv_kernel_major"],
          "minor": row["lv_kernel_minor"],
          "extent_size": row["vg_extent_size"], "stripes": row["stripes"],
          "devices": SplitDevices(row["devices"])}


def ParseLvFull(output: str) -> list:
  """Parse the L{BuildLvFullCmd} report (one row per segment)."""
  return ParseReport(output, LV_FULL_FIELDS, separator=LV_FULL_SEP)


def ParseVgs(output: str, fields=None) -> list:
  """Parse a L{BuildVgsCmd} report, skipping VGs whose attr starts with r.

  @return: list of dicts with ``name``, ``size``, ``free`` (MiB),
    ``pv_count`` (when asked for), ``attr`` and ``partial``
  """
  result = []
  for row in ParseReport(output, fields or VG_FIELDS):
    attr = row.get("vg_attr", "")
    if attr.startswith("r"):
      continue
    info = {"name": row["vg_name"], "size": row.get("vg_size"),
            "free": row.get("vg_free"), "attr": attr,
            "partial": len(attr) > 3 and attr[3] == "p"}
    if "pv_count" in row:
      info["pv_count"] = row["pv_count"]
    result.append(info)
  return result


def ParsePvs(output: str, fields=None) -> list:
  """Parse a L{BuildPvsCmd} report, skipping non-allocatable PVs.

  @return: list of dicts with ``name``, ``vg``, ``size``, ``free`` (MiB)
    and ``attr``
  """
  result = []
  for row in ParseReport(output, fields or PV_FIELDS):
    attr = row.get("pv_attr", "")
    if not attr.startswith("a"):
      continue
    result.append({"name": row["pv_name"], "vg": row.get("vg_name"),
                   "size": row.get("pv_size"), "free": row.get("pv_free"),
                   "attr": attr})
  return result


def FindMissingPvs(output: str) -> list:
  """The UUIDs from ``Couldn't find device with uuid`` lines, in order,
  without duplicates (the 2.02.02 form quotes them, 2.02.66 does not)."""
  result = []
  for line in output.splitlines():
    m = _MISSING_PV_RE.search(line.strip())
    if m and m.group(1) not in result:
      result.append(m.group(1))
  return result


class VgCheckResult:
  """What ``vgs --noheadings --nosuffix <vg>`` said after vgreduce.

  Attributes: ``missing_pvs`` (UUIDs), ``not_found`` (VG names reported as
  not found), ``vgs`` (list of dicts of the default columns: ``name``,
  ``pv_count``, ``lv_count``, ``snap_count``, ``attr``, ``size``, ``free``
  as printed) and ``consistent``: the command succeeded, no PV is missing
  and no VG is missing.
  """

  def __init__(self, output: str, failed: bool = False):
    self.missing_pvs = FindMissingPvs(output)
    self.not_found = []
    self.vgs = []
    for line in output.splitlines():
      m = _VG_NOT_FOUND_RE.search(line)
      if m:
        self.not_found.append(m.group(1))
        continue
      parts = line.split()
      if len(parts) == 7 and all(p.isdigit() for p in parts[1:4]):
        self.vgs.append({"name": parts[0], "pv_count": int(parts[1]),
                         "lv_count": int(parts[2]),
                         "snap_count": int(parts[3]), "attr": parts[4],
                         "size": parts[5], "free": parts[6]})
    self.consistent = not (failed or self.missing_pvs or self.not_found or
                           MISSING_PV_MSG in output)


def VgReduceSucceeded(output: str) -> bool:
  """Whether ``vgreduce --removemissing`` made the VG consistent.

  Its exit code is not reliable (old versions fail on success), so only
  the output counts: the "Wrote out consistent volume group" message must
  be there and newer LVM must not ask for ``--force``.
  """
  return VGREDUCE_OK_MSG in output and VGREDUCE_NEED_FORCE_MSG not in output


def VgReduceNeedsForce(output: str) -> bool:
  """Whether vgreduce must be re-run with ``--force`` (see above)."""
  return not VgReduceSucceeded(output)
