"""Xen domain configuration files, built by pure functions.

Every function here takes plain values (an ``objects.Instance``, its filled
hvparams, the block devices) and returns text or text fragments; nothing
reads or writes files, so the exact output is tested table-style.  The
format is the one ``xl create`` (and ``xm create``) reads: ``key = value``
lines with Python-like quoting.
"""

import string

from ganeti import constants
from ganeti import errors
from ganeti.hypervisor.hv_xen import params as P

#: Suffixes of guest disk names (``sda``, ``sdb``, ...)
DISK_LETTERS = string.ascii_lowercase

#: xl/xm disk driver prefix of each file driver
FILE_DRIVER_MAP = {
  constants.FD_LOOP: "file",
  constants.FD_BLKTAP: "tap:aio",
  constants.FD_BLKTAP2: "tap2:tapdisk:aio",
}


def CpuPinningLine(cpu_mask: str):
  """The ``cpu``/``cpus`` line for a cpu_mask hvparam, or None.

  One part that is "all": no line (the domain may run anywhere).  One part
  with CPUs: all vCPUs share that set (``cpu = "0,1"``).  Several parts
  separated by ":": one set per vCPU (``cpus = [ "0", "0-63" ]``), "all"
  standing for every CPU.

  @raise errors.HypervisorError: malformed mask
  """
  masks = P.ParseMultiCpuMask(cpu_mask or P.CPU_PINNING_ALL)
  if len(masks) == 1:
    if masks[0] is None:
      return None
    return 'cpu = "%s"' % ",".join(map(str, masks[0]))
  parts = []
  for mask in masks:
    if mask is None:
      parts.append('"%s"' % P.CPU_PINNING_ALL_XEN)
    else:
      parts.append('"%s"' % ",".join(map(str, mask)))
  return "cpus = [ %s ]" % ", ".join(parts)


def DiskLines(block_devices, blockdev_prefix: str, disk_type=None):
  """The quoted entries of the ``disk`` list.

  @param block_devices: [(disk object, path, uri), ...] in instance order
  @param blockdev_prefix: guest name prefix ("sd" gives sda, sdb, ...)
  @param disk_type: HVM only: "ioemu" names the devices ``ioemu:hdX``
  @raise errors.HypervisorError: more disks than letters
  """
  if len(block_devices) > len(DISK_LETTERS):
    raise errors.HypervisorError("Too many disks")
  result = []
  for (letter, (disk, path, _)) in zip(DISK_LETTERS, block_devices):
    devname = blockdev_prefix + letter
    if disk_type == P.DISK_IOEMU:
      devname = "ioemu:" + devname
    mode = "w" if disk.mode == constants.DISK_RDWR else "r"
    if disk.dev_type in constants.DTS_FILEBASED:
      driver = (disk.logical_id or [constants.FD_DEFAULT])[0]
      if driver not in FILE_DRIVER_MAP:
        raise errors.HypervisorError("Unknown file driver '%s' of disk %s" %
                                     (driver, path))
      prefix = FILE_DRIVER_MAP[driver]
    else:
      prefix = "phy"
    result.append("'%s:%s,%s,%s'" % (prefix, path, devname, mode))
  return result


def _NicTypeSuffix(hvparams):
  """The type/model part of HVM vif entries ("" for PVM)."""
  nic_type = hvparams.get(P.NIC_TYPE)
  vif_type = hvparams.get(P.VIF_TYPE)
  if nic_type is None and vif_type is None:
    return ""
  if nic_type is None:
    return ", type=%s" % vif_type if vif_type else ""
  if nic_type == P.NIC_PARAVIRTUAL:
    return ", type=paravirtualized"
  # the model is only honoured by emulated (ioemu) interfaces
  return ", model=%s, type=%s" % (nic_type, P.VIF_IOEMU)


def VifLines(nics, hvparams):
  """The quoted entries of the ``vif`` list.

  Each NIC gives ``mac=...`` (plus the HVM model/type), ``ip=...`` when it
  has an address, ``bridge=...`` in bridged and openvswitch mode (the
  openvswitch link followed by its VLAN spec) and ``script=...`` when the
  vif_script hvparam is set.  Routed NICs get no bridge.
  """
  suffix = _NicTypeSuffix(hvparams)
  result = []
  for nic in nics:
    nicparams = nic.nicparams or {}
    args = [("mac", "%s%s" % (nic.mac, suffix))]
    if nic.ip is not None:
      args.append(("ip", nic.ip))
    mode = nicparams.get(constants.NIC_MODE)
    if mode == constants.NIC_MODE_BRIDGED:
      args.append(("bridge", nicparams.get(constants.NIC_LINK)))
    elif mode == constants.NIC_MODE_OVS:
      args.append(("bridge", "%s%s" % (nicparams.get(constants.NIC_LINK),
                                       nicparams.get(constants.NIC_VLAN) or
                                       "")))
    if hvparams.get(P.VIF_SCRIPT):
      args.append(("script", hvparams[P.VIF_SCRIPT]))
    result.append("'%s'" % ", ".join("%s=%s" % kv for kv in args))
  return result


def _CommonHead(instance, hvparams, startup_memory):
  """Memory, vCPU and scheduler lines shared by PVM and HVM."""
  bep = instance.beparams
  lines = ["memory = %d" % startup_memory,
           "maxmem = %d" % bep[constants.BE_MAXMEM],
           "vcpus = %d" % bep[constants.BE_VCPUS]]
  pinning = CpuPinningLine(hvparams.get(P.CPU_MASK))
  if pinning:
    lines.append(pinning)
  if hvparams.get(P.CPU_CAP):
    lines.append("cpu_cap=%d" % hvparams[P.CPU_CAP])
  if hvparams.get(P.CPU_WEIGHT):
    lines.append("cpu_weight=%d" % hvparams[P.CPU_WEIGHT])
  return lines


def _CommonTail(hvparams):
  """Life cycle actions and the cpuid line."""
  if hvparams.get(P.REBOOT_BEHAVIOR, P.REBOOT_ALLOWED) == P.REBOOT_ALLOWED:
    on_reboot = "restart"
  else:
    on_reboot = "destroy"
  lines = ["on_poweroff = 'destroy'",
           "on_reboot = '%s'" % on_reboot,
           "on_crash = 'restart'"]
  if hvparams.get(P.CPUID):
    lines.append("cpuid = %s" % hvparams[P.CPUID])
  return lines


def PvmConfig(instance, hvparams, block_devices, startup_memory):
  """The configuration file of a paravirtual (xen-pvm) domain.

  @param startup_memory: MiB the domain starts with
  @raise errors.HypervisorError: inconsistent parameters
  """
  lines = []
  if hvparams[P.USE_BOOTLOADER]:
    if not hvparams.get(P.BOOTLOADER_PATH):
      raise errors.HypervisorError("Bootloader enabled, but missing"
                                   " bootloader path")
    lines.append("bootloader = '%s'" % hvparams[P.BOOTLOADER_PATH])
    if hvparams.get(P.BOOTLOADER_ARGS):
      lines.append("bootargs = '%s'" % hvparams[P.BOOTLOADER_ARGS])
  else:
    lines.append("kernel = '%s'" % hvparams[P.KERNEL_PATH])
    if hvparams.get(P.INITRD_PATH):
      lines.append("ramdisk = '%s'" % hvparams[P.INITRD_PATH])
  lines.extend(_CommonHead(instance, hvparams, startup_memory))
  lines.append("name = '%s'" % instance.name)
  lines.append("vif = [%s]" % ",".join(VifLines(instance.nics or [],
                                                hvparams)))
  lines.append("disk = [%s]" % ",".join(
    DiskLines(block_devices, hvparams[P.BLOCKDEV_PREFIX])))
  if hvparams.get(P.ROOT_PATH):
    lines.append("root = '%s'" % hvparams[P.ROOT_PATH])
  if hvparams.get(P.SOUNDHW):
    lines.append("soundhw = '%s'" % hvparams[P.SOUNDHW])
  lines.extend(_CommonTail(hvparams))
  lines.append("extra = '%s'" % hvparams.get(P.KERNEL_ARGS, ""))
  return "\n".join(lines) + "\n"


def _VncLines(instance, hvparams, vnc_password):
  bind = hvparams.get(P.VNC_BIND_ADDRESS) or P.VNC_DEFAULT_BIND_ADDRESS
  lines = ["vnc = 1", "vnclisten = '%s'" % bind]
  port = instance.network_port or 0
  if port > P.VNC_BASE_PORT:
    lines.append("vncdisplay = %s" % (port - P.VNC_BASE_PORT))
    lines.append("vncunused = 0")
  else:
    lines.append("# vncdisplay = 1")
    lines.append("vncunused = 1")
  if vnc_password is not None:
    lines.append("vncpasswd = '%s'" % vnc_password.rstrip())
  return lines


def HvmConfig(instance, hvparams, block_devices, startup_memory,
              vnc_password):
  """The configuration file of a fully virtualized (xen-hvm) domain.

  @param vnc_password: contents of the vnc_password_file (None: no
      password line)
  @raise errors.HypervisorError: inconsistent parameters
  """
  lines = ["kernel = '%s'" % hvparams[P.KERNEL_PATH], "builder = 'hvm'"]
  lines.extend(_CommonHead(instance, hvparams, startup_memory))
  lines.append("pae = %d" % int(bool(hvparams[P.PAE])))
  lines.append("acpi = %d" % int(bool(hvparams[P.ACPI])))
  lines.append("viridian = %d" % int(bool(hvparams.get(P.VIRIDIAN))))
  lines.append("apic = 1")
  lines.append("device_model = '%s'" % hvparams[P.DEVICE_MODEL])
  lines.append("boot = '%s'" % hvparams[P.BOOT_ORDER])
  lines.extend(["sdl = 0", "usb = 1", "usbdevice = 'tablet'"])
  lines.extend(_VncLines(instance, hvparams, vnc_password))
  lines.append("serial = 'pty'")
  if hvparams.get(P.USE_LOCALTIME):
    lines.append("localtime = 1")
  if hvparams.get(P.SOUNDHW):
    lines.append("soundhw = '%s'" % hvparams[P.SOUNDHW])
  lines.append("name = '%s'" % instance.name)
  lines.append("vif = [%s]" % ",".join(VifLines(instance.nics or [],
                                                hvparams)))
  disks = DiskLines(block_devices, hvparams[P.BLOCKDEV_PREFIX],
                    disk_type=hvparams.get(P.DISK_TYPE))
  if hvparams.get(P.CDROM_IMAGE_PATH):
    disks.append("'file:%s,hdc:cdrom,r'" % hvparams[P.CDROM_IMAGE_PATH])
  lines.append("disk = [%s]" % ",".join(disks))
  if hvparams.get(P.PASSTHROUGH):
    lines.append("pci = [%s]" % ", ".join(
      "'%s'" % dev for dev in hvparams[P.PASSTHROUGH].split(";")))
  lines.extend(_CommonTail(hvparams))
  return "\n".join(lines) + "\n"
