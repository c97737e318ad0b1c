"""Xen hypervisor parameters: names, allowed values and check tuples.

The check tuples follow ``hv_base`` (required, syntax check, message,
node check, message).  Defaults live in ``constants.HVC_DEFAULTS``; the
tables here list exactly the same names, which a unit test enforces.
"""

import ipaddress
import os

from ganeti import constants
from ganeti import errors
from ganeti.hypervisor import hv_base

# Parameter names (Ganeti's HV_* values)
BOOTLOADER_ARGS = "bootloader_args"
BOOTLOADER_PATH = "bootloader_path"
USE_BOOTLOADER = "use_bootloader"
KERNEL_PATH = "kernel_path"
INITRD_PATH = "initrd_path"
ROOT_PATH = "root_path"
KERNEL_ARGS = "kernel_args"
MIGRATION_PORT = "migration_port"
MIGRATION_MODE = "migration_mode"
BLOCKDEV_PREFIX = "blockdev_prefix"
REBOOT_BEHAVIOR = "reboot_behavior"
CPU_MASK = "cpu_mask"
CPU_CAP = "cpu_cap"
CPU_WEIGHT = "cpu_weight"
VIF_SCRIPT = "vif_script"
XEN_CMD = "xen_cmd"
CPUID = "cpuid"
SOUNDHW = "soundhw"
BOOT_ORDER = "boot_order"
CDROM_IMAGE_PATH = "cdrom_image_path"
NIC_TYPE = "nic_type"
DISK_TYPE = "disk_type"
VNC_BIND_ADDRESS = "vnc_bind_address"
VNC_PASSWORD_FILE = "vnc_password_file"
ACPI = "acpi"
PAE = "pae"
DEVICE_MODEL = "device_model"
USE_LOCALTIME = "use_localtime"
PASSTHROUGH = "pci_pass"
VIF_TYPE = "vif_type"
VIRIDIAN = "viridian"

# Values
XEN_CMD_XM = "xm"
XEN_CMD_XL = "xl"
XEN_COMMANDS = frozenset([XEN_CMD_XM, XEN_CMD_XL])
MIGRATION_LIVE = "live"
MIGRATION_NONLIVE = "non-live"
MIGRATION_MODES = frozenset([MIGRATION_LIVE, MIGRATION_NONLIVE])
REBOOT_ALLOWED = "reboot"
REBOOT_EXIT = "exit"
REBOOT_BEHAVIORS = frozenset([REBOOT_ALLOWED, REBOOT_EXIT])
NIC_RTL8139 = "rtl8139"
NIC_NE2K_PCI = "ne2k_pci"
NIC_NE2K_ISA = "ne2k_isa"
NIC_I82551 = "i82551"
NIC_I82557B = "i82557b"
NIC_I82559ER = "i82559er"
NIC_PCNET = "pcnet"
NIC_E1000 = "e1000"
NIC_PARAVIRTUAL = "paravirtual"
HVM_VALID_NIC_TYPES = frozenset([NIC_RTL8139, NIC_NE2K_PCI, NIC_NE2K_ISA,
                                 NIC_I82551, NIC_I82557B, NIC_I82559ER,
                                 NIC_PCNET, NIC_E1000, NIC_PARAVIRTUAL])
DISK_PARAVIRTUAL = "paravirtual"
DISK_IOEMU = "ioemu"
HVM_VALID_DISK_TYPES = frozenset([DISK_PARAVIRTUAL, DISK_IOEMU])
VIF_IOEMU = "ioemu"
VIF_VIF = "vif"
HVM_VALID_VIF_TYPES = frozenset([VIF_IOEMU, VIF_VIF])
#: "all" in a cpu mask part
CPU_PINNING_ALL = "all"
#: what "all" becomes in a per-vCPU list of a Xen config file
CPU_PINNING_ALL_XEN = "0-63"
VNC_BASE_PORT = 5900
VNC_DEFAULT_BIND_ADDRESS = "0.0.0.0"


def ParseCpuMask(mask: str):
  """CPU numbers of one cpu mask part: "0-2,5" -> [0, 1, 2, 5].

  ``"all"`` (or an empty part) gives ``None``: no pinning.

  @raise errors.HypervisorError: malformed mask
  """
  return hv_base.ParseCpuMask(mask) or None


def ParseMultiCpuMask(mask: str):
  """Per-vCPU masks separated by ":": a list of ParseCpuMask results."""
  return [ParseCpuMask(part) for part in mask.split(":")]


def _CpuMaskOk(mask):
  try:
    ParseMultiCpuMask(mask)
  except errors.HypervisorError:
    return False
  return True


def _AbsPath(path):
  return os.path.isabs(path)


_ABS_PATH_CHECK = (False, _AbsPath, "must be an absolute path", None, None)
_OPT_DIR_CHECK = (False, _AbsPath, "must be an absolute path",
                  os.path.isdir, "not found or not a directory")
_MULTI_CPU_MASK_CHECK = (False, _CpuMaskOk, "CPU mask definition is not"
                         " valid", None, None)
_NET_PORT_CHECK = (True, lambda x: 0 < x < 65536, "invalid port number",
                   None, None)
_NONNEGATIVE_INT_CHECK = (False, lambda x: x >= 0, "cannot be negative",
                          None, None)
_CPU_CAP_CHECK = (False, lambda x: 0 <= x <= 100 * 64,
                  "should be between 0 and %d" % (100 * 64), None, None)
_CPU_WEIGHT_CHECK = (False, lambda x: 0 < x < 65536,
                     "should be between 1 and 65535", None, None)


def _IsIpAddress(value):
  try:
    ipaddress.ip_address(value)
  except ValueError:
    return False
  return True


_VNC_BIND_CHECK = (False, _IsIpAddress, "must be a valid IP address",
                   None, None)

_COMMON = {
  MIGRATION_PORT: _NET_PORT_CHECK,
  BLOCKDEV_PREFIX: hv_base.NO_CHECK,
  REBOOT_BEHAVIOR: hv_base.ParamInSet(True, REBOOT_BEHAVIORS),
  CPU_MASK: _MULTI_CPU_MASK_CHECK,
  CPU_CAP: _CPU_CAP_CHECK,
  CPU_WEIGHT: _CPU_WEIGHT_CHECK,
  VIF_SCRIPT: hv_base.OPT_FILE_CHECK,
  XEN_CMD: hv_base.ParamInSet(True, XEN_COMMANDS),
  CPUID: hv_base.NO_CHECK,
  SOUNDHW: hv_base.NO_CHECK,
}

PVM_PARAMETERS = dict(_COMMON, **{
  USE_BOOTLOADER: hv_base.NO_CHECK,
  BOOTLOADER_PATH: hv_base.OPT_FILE_CHECK,
  BOOTLOADER_ARGS: hv_base.NO_CHECK,
  KERNEL_PATH: hv_base.REQ_FILE_CHECK,
  INITRD_PATH: hv_base.OPT_FILE_CHECK,
  ROOT_PATH: hv_base.NO_CHECK,
  KERNEL_ARGS: hv_base.NO_CHECK,
  MIGRATION_MODE: hv_base.ParamInSet(True, MIGRATION_MODES),
})

HVM_PARAMETERS = dict(_COMMON, **{
  ACPI: hv_base.NO_CHECK,
  BOOT_ORDER: (True, lambda x: bool(x) and x.strip("acdn") == "",
               "Invalid boot order specified, must be one or more of"
               " [acdn]", None, None),
  CDROM_IMAGE_PATH: hv_base.OPT_FILE_CHECK,
  DISK_TYPE: hv_base.ParamInSet(True, HVM_VALID_DISK_TYPES),
  NIC_TYPE: hv_base.ParamInSet(True, HVM_VALID_NIC_TYPES),
  PAE: hv_base.NO_CHECK,
  VNC_BIND_ADDRESS: _VNC_BIND_CHECK,
  KERNEL_PATH: hv_base.REQ_FILE_CHECK,
  DEVICE_MODEL: hv_base.REQ_FILE_CHECK,
  VNC_PASSWORD_FILE: hv_base.REQ_FILE_CHECK,
  MIGRATION_MODE: hv_base.ParamInSet(True, MIGRATION_MODES),
  USE_LOCALTIME: hv_base.NO_CHECK,
  PASSTHROUGH: hv_base.NO_CHECK,
  VIF_TYPE: hv_base.ParamInSet(False, HVM_VALID_VIF_TYPES),
  VIRIDIAN: hv_base.NO_CHECK,
})


def CheckPvmExtra(hvparams):
  """Cross-parameter rules of xen-pvm (pure).

  @raise errors.HypervisorError: a rule is broken
  """
  if hvparams.get(USE_BOOTLOADER):
    if not hvparams.get(BOOTLOADER_PATH):
      raise errors.HypervisorError("Need a boot loader path when booting"
                                   " with a boot loader")
  elif not hvparams.get(KERNEL_PATH):
    raise errors.HypervisorError("Need a kernel when booting without a boot"
                                 " loader")


def Defaults(hv_name):
  """A copy of Ganeti's defaults of xen-pvm or xen-hvm."""
  return dict(constants.HVC_DEFAULTS[hv_name])
