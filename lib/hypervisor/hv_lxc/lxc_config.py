"""LXC container configuration and lxc-* output parsing (pure functions).

Nothing here touches the node: the driver (``hv_lxc``) gathers the facts of
the node (cgroup layout, paths) and passes them in, so every function can be
tested table-style.  Config key names are those of LXC 4 and 5 (``lxc.uts.name``,
``lxc.rootfs.path``, ``lxc.net.N.*``, ``lxc.cgroup.*`` / ``lxc.cgroup2.*``).
"""

import re

from ganeti import constants
from ganeti import errors
from ganeti.hypervisor import hv_base

# cgroup layouts of a node (which lxc.cgroup* keys the container limits use)
CGROUP_V1 = 1
CGROUP_V2 = 2

# Pseudo terminals of a container (devpts instance of its own)
PTY_MAX = 255

# Always-mounted kernel file systems of a container
MOUNT_AUTO = "proc:mixed sys:ro cgroup:mixed"

_DEVICE_RE = re.compile(r"^([abc])\s+(\d+|\*):(\d+|\*)\s+([rwm]+)$")
_DEVICE_ALL_RE = re.compile(r"^a$")
_CAPABILITY_RE = re.compile(r"^[a-z_]+$")
_EXTRA_CONFIG_RE = re.compile(r"^lxc\.[a-z0-9_.]+\s*=")
_MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")


def ParseCpuMask(mask: str):
  """CPU numbers of a single CPU mask (``"0-2,5"`` -> ``[0, 1, 2, 5]``).

  ``""`` and ``"all"`` mean no pinning and give ``[]``.  Per-VCPU masks
  (``"1:2"``) are not possible for containers.

  @raise errors.HypervisorError: malformed mask
  """
  mask = (mask or "").strip()
  if mask in ("", "all"):
    return []
  if ":" in mask:
    raise errors.HypervisorError("Invalid CPU mask '%s': LXC containers take"
                                 " a single mask, not one per VCPU" % mask)
  return hv_base.ParseCpuMask(mask)


def IsValidCpuMask(mask: str) -> bool:
  try:
    ParseCpuMask(mask)
  except errors.HypervisorError:
    return False
  return True


def SplitList(value: str):
  """Non-empty, stripped items of a comma-separated hvparam value."""
  return [item.strip() for item in (value or "").split(",") if item.strip()]


def IsValidDeviceList(value: str) -> bool:
  """Whether every item is a cgroup device rule (``c 1:3 rw``, ``a``)."""
  return all(_DEVICE_RE.match(item) or _DEVICE_ALL_RE.match(item)
             for item in SplitList(value))


def IsValidCapabilityList(value: str) -> bool:
  """Whether every item looks like a capability name (``sys_admin``)."""
  return all(_CAPABILITY_RE.match(item) for item in SplitList(value))


def IsValidExtraConfig(value: str) -> bool:
  """Whether every item is an ``lxc.key = value`` line."""
  return all(_EXTRA_CONFIG_RE.match(item) for item in SplitList(value))


def _CgroupKey(cgroup_version: int, v1_name: str, v2_name: str) -> str:
  if cgroup_version == CGROUP_V2:
    return "lxc.cgroup2.%s" % v2_name
  return "lxc.cgroup.%s" % v1_name


def _NicLines(nics):
  """Config lines of the NICs: veth pairs on their bridges."""
  out = []
  for (idx, nic) in enumerate(nics or []):
    nicparams = nic.nicparams or {}
    mode = nicparams.get(constants.NIC_MODE)
    link = nicparams.get(constants.NIC_LINK)
    if mode != constants.NIC_MODE_BRIDGED:
      raise errors.HypervisorError("LXC hypervisor only supports bridged mode"
                                   " (NIC %d has mode %s)" % (idx, mode))
    if not link:
      raise errors.HypervisorError("NIC %d has no bridge (link) set" % idx)
    mac = (nic.mac or "").lower()
    if not _MAC_RE.match(mac):
      raise errors.HypervisorError("NIC %d has an invalid MAC address '%s'" %
                                   (idx, nic.mac))
    prefix = "lxc.net.%d" % idx
    out.extend([
      "# NIC %d" % idx,
      "%s.type = veth" % prefix,
      "%s.link = %s" % (prefix, link),
      "%s.hwaddr = %s" % (prefix, mac),
      "%s.name = eth%d" % (prefix, idx),
      "%s.flags = up" % prefix,
    ])
  return out


def BuildConfig(instance, rootfs_dir: str, console_log: str,
                cgroup_version: int = CGROUP_V1,
                swap_limit: bool = False) -> str:
  """The text of an instance's LXC configuration file.

  @param instance: ``objects.Instance`` with filled hvparams and beparams
  @param rootfs_dir: directory holding the container's root file system
      (the mounted disk, or the disk itself when it is a directory)
  @param console_log: file receiving the container's console output
  @param cgroup_version: L{CGROUP_V1} or L{CGROUP_V2}, the node's layout
  @param swap_limit: whether the node can limit memory plus swap (the
      memory.memsw / memory.swap files exist); swap is then forbidden
  @raise errors.HypervisorError: the instance can't be a container as
      configured (mask/VCPU mismatch, unsupported NIC mode)
  """
  hvp = instance.hvparams
  bep = instance.beparams
  out = [
    "# LXC configuration of instance %s, written by Ganeti" % instance.name,
    "lxc.uts.name = %s" % instance.name,
    "lxc.rootfs.path = dir:%s" % rootfs_dir,
    "lxc.mount.auto = %s" % MOUNT_AUTO,
    "lxc.autodev = 1",
    "lxc.pty.max = %d" % PTY_MAX,
  ]
  num_ttys = int(hvp.get(constants.HV_LXC_NUM_TTYS) or 0)
  if num_ttys > 0:
    out.append("lxc.tty.max = %d" % num_ttys)
  out.append("lxc.console.logfile = %s" % console_log)

  # CPUs: the mask must name exactly as many CPUs as the instance has VCPUs
  cpu_mask = hvp.get(constants.HV_CPU_MASK) or ""
  cpus = ParseCpuMask(cpu_mask)
  if cpus:
    vcpus = int(bep[constants.BE_VCPUS])
    if len(cpus) != vcpus:
      raise errors.HypervisorError("Number of VCPUs (%d) doesn't match the"
                                   " number of CPUs in the cpu_mask (%d)" %
                                   (vcpus, len(cpus)))
    out.append("%s = %s" % (_CgroupKey(cgroup_version, "cpuset.cpus",
                                       "cpuset.cpus"),
                            ",".join(str(c) for c in cpus)))

  # Memory: maxmem is a hard limit
  maxmem = int(bep[constants.BE_MAXMEM])
  if cgroup_version == CGROUP_V2:
    out.append("lxc.cgroup2.memory.max = %d" % (maxmem * 1024 * 1024))
    if swap_limit:
      out.append("lxc.cgroup2.memory.swap.max = 0")
  else:
    out.append("lxc.cgroup.memory.limit_in_bytes = %dM" % maxmem)
    if swap_limit:
      out.append("lxc.cgroup.memory.memsw.limit_in_bytes = %dM" % maxmem)

  # Devices: deny everything but the allow-list
  out.append("%s = a" % _CgroupKey(cgroup_version, "devices.deny",
                                   "devices.deny"))
  allow_key = _CgroupKey(cgroup_version, "devices.allow", "devices.allow")
  for rule in SplitList(hvp.get(constants.HV_LXC_DEVICES)):
    out.append("%s = %s" % (allow_key, rule))

  out.extend(_NicLines(instance.nics))

  for cap in SplitList(hvp.get(constants.HV_LXC_DROP_CAPABILITIES)):
    out.append("lxc.cap.drop = %s" % cap)

  extra = SplitList(hvp.get(constants.HV_LXC_EXTRA_CONFIG))
  if extra:
    out.append("# User defined configuration (extra_config)")
    out.extend(extra)
  return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Parsers of lxc-* outputs

def ParseLxcLs(text: str):
  """Container names of ``lxc-ls`` output (whitespace separated)."""
  return text.split()


def ParseLxcInfo(text: str):
  """``lxc-info`` output as {key: value} (``State``, ``PID``, ...).

  Keys are as printed ("CPU use", "Memory use"); values are stripped.
  Lines without a colon are ignored.
  """
  result = {}
  for line in text.splitlines():
    (key, sep, value) = line.partition(":")
    if sep and key.strip():
      result[key.strip()] = value.strip()
  return result


def ParseLxcVersion(text: str):
  """(major, minor, micro) of ``lxc-start --version`` output (``5.0.2``).

  @raise errors.HypervisorError: not a version
  """
  match = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", text or "")
  if not match:
    raise errors.HypervisorError("Can't parse LXC version from '%s'" %
                                 (text or "").strip())
  return tuple(int(g or 0) for g in match.groups())


def ParseMemoryLimit(text: str):
  """A cgroup memory limit file's value in MiB, or None when unlimited.

  cgroup v1 reports a huge number for "no limit", v2 the word ``max``.
  """
  value = text.strip()
  if value in ("", "max"):
    return None
  limit = int(value)
  if limit >= 1 << 60:
    return None
  return limit // (1024 * 1024)


def ParseCgroupCpuList(text: str):
  """CPU numbers of a cpuset.cpus file (``0-3,6``)."""
  return ParseCpuMask(text.strip())


def ParseProcCgroups(text: str):
  """Names of the enabled cgroup v1 controllers in /proc/cgroups."""
  result = []
  for line in text.splitlines():
    fields = line.split()
    if not fields or fields[0].startswith("#"):
      continue
    if len(fields) >= 4 and fields[3] == "1":
      result.append(fields[0])
  return result


def ParseMounts(text: str):
  """(mount point, fs type, options) of /proc/mounts lines."""
  result = []
  for line in text.splitlines():
    fields = line.split()
    if len(fields) >= 4:
      mpoint = fields[1].replace("\\040", " ")
      result.append((mpoint, fields[2], fields[3].split(",")))
  return result
