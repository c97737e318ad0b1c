"""The kvm hvparam check table and the checks that span parameters.

:data:`PARAMETERS` has one ``(required, check_fn, check_msg, validate_fn,
validate_msg)`` tuple per hvparam, as ``hv_base.BaseHypervisor`` expects:
the check runs on the master (pure), the validation on the node (it may
look at files).
"""

import os
import pwd
import re
import socket

from ganeti import constants as C
from ganeti import errors
from ganeti.hypervisor import hv_base
from ganeti.hypervisor.hv_kvm import kvm_constants as K

# The number of PCI slots qemu's i440fx bus offers (Ganeti's QEMU_PCI_SLOTS)
QEMU_PCI_SLOTS = 32

_DIR_CHECK = (os.path.isabs, "must be an absolute path",
              os.path.isdir, "not found or not a directory")
OPT_DIR_CHECK = (False,) + _DIR_CHECK


def _IsFileOrUrl(value):
  return bool(re.match(r"^(https?|ftp)://", value)) or os.path.isabs(value)


def _FileOrUrlExists(value):
  return bool(re.match(r"^(https?|ftp)://", value)) or os.path.isfile(value)


OPT_FILE_OR_URL_CHECK = (False, _IsFileOrUrl,
                         "must be an absolute path or a URL",
                         _FileOrUrlExists, "not found or not a file")


def _IsInt(value):
  return isinstance(value, int) and not isinstance(value, bool)


REQ_NET_PORT_CHECK = (True, lambda x: _IsInt(x) and 0 < x < 65536,
                      "invalid port number", None, None)
REQ_NONNEGATIVE_INT_CHECK = (True, lambda x: _IsInt(x) and x >= 0,
                             "expected a non-negative integer", None, None)
OPT_NONNEGATIVE_INT_CHECK = (False,) + REQ_NONNEGATIVE_INT_CHECK[1:]
OPT_VIRTIO_NET_QUEUES_CHECK = (
  False, lambda x: _IsInt(x) and 0 < x <= K.MAX_NET_QUEUES,
  "invalid number of queues (1 to %d)" % K.MAX_NET_QUEUES, None, None)


ParseCpuMask = hv_base.ParseCpuMask
ParseMultiCpuMask = hv_base.ParseMultiCpuMask


def _CpuMaskOk(mask):
  try:
    ParseMultiCpuMask(mask)
  except errors.HypervisorError:
    return False
  return True


OPT_MULTI_CPU_MASK_CHECK = (False, _CpuMaskOk,
                            "must be 'all', a CPU list or one per vCPU"
                            " separated by ':'", None, None)


def _Set(required, values):
  return hv_base.ParamInSet(required, values)


PARAMETERS = {
  C.HV_KVM_PATH: hv_base.REQ_FILE_CHECK,
  C.HV_KERNEL_PATH: hv_base.OPT_FILE_CHECK,
  C.HV_INITRD_PATH: hv_base.OPT_FILE_CHECK,
  C.HV_ROOT_PATH: hv_base.NO_CHECK,
  C.HV_KERNEL_ARGS: hv_base.NO_CHECK,
  C.HV_ACPI: hv_base.NO_CHECK,
  C.HV_SERIAL_CONSOLE: hv_base.NO_CHECK,
  C.HV_SERIAL_SPEED: hv_base.NO_CHECK,
  C.HV_VNC_BIND_ADDRESS: hv_base.NO_CHECK,
  C.HV_VNC_TLS: hv_base.NO_CHECK,
  C.HV_VNC_X509: OPT_DIR_CHECK,
  C.HV_VNC_X509_VERIFY: hv_base.NO_CHECK,
  C.HV_VNC_PASSWORD_FILE: hv_base.OPT_FILE_CHECK,
  C.HV_KVM_SPICE_BIND: hv_base.NO_CHECK,
  C.HV_KVM_SPICE_IP_VERSION:
    (False, lambda x: x in K.VALID_IP_VERSIONS,
     "The SPICE IP version should be 4 or 6", None, None),
  C.HV_KVM_SPICE_PASSWORD_FILE: hv_base.OPT_FILE_CHECK,
  C.HV_KVM_SPICE_LOSSLESS_IMG_COMPR:
    _Set(False, K.HT_KVM_SPICE_LOSSLESS_IMG_COMPR_ALL),
  C.HV_KVM_SPICE_JPEG_IMG_COMPR:
    _Set(False, K.HT_KVM_SPICE_VALID_LOSSY_IMG_COMPR_OPTIONS),
  C.HV_KVM_SPICE_ZLIB_GLZ_IMG_COMPR:
    _Set(False, K.HT_KVM_SPICE_VALID_LOSSY_IMG_COMPR_OPTIONS),
  C.HV_KVM_SPICE_STREAMING_VIDEO_DETECTION:
    _Set(False, K.HT_KVM_SPICE_VALID_VIDEO_STREAM_DETECTION_OPTIONS),
  C.HV_KVM_SPICE_AUDIO_COMPR: hv_base.NO_CHECK,
  C.HV_KVM_SPICE_USE_TLS: hv_base.NO_CHECK,
  C.HV_KVM_SPICE_TLS_CIPHERS: hv_base.NO_CHECK,
  C.HV_KVM_SPICE_USE_VDAGENT: hv_base.NO_CHECK,
  C.HV_KEYMAP: hv_base.NO_CHECK,
  C.HV_KVM_FLOPPY_IMAGE_PATH: hv_base.OPT_FILE_CHECK,
  C.HV_CDROM_IMAGE_PATH: OPT_FILE_OR_URL_CHECK,
  C.HV_KVM_CDROM2_IMAGE_PATH: OPT_FILE_OR_URL_CHECK,
  C.HV_BOOT_ORDER: _Set(True, K.HT_KVM_VALID_BO_TYPES),
  C.HV_NIC_TYPE: _Set(True, K.HT_KVM_VALID_NIC_TYPES),
  C.HV_DISK_TYPE: _Set(True, K.HT_KVM_VALID_DISK_TYPES),
  C.HV_KVM_CDROM_DISK_TYPE: _Set(False, K.HT_KVM_VALID_DISK_TYPES),
  C.HV_USB_MOUSE: _Set(False, K.HT_KVM_VALID_MOUSE_TYPES),
  C.HV_MIGRATION_PORT: REQ_NET_PORT_CHECK,
  C.HV_MIGRATION_BANDWIDTH: REQ_NONNEGATIVE_INT_CHECK,
  C.HV_MIGRATION_DOWNTIME: REQ_NONNEGATIVE_INT_CHECK,
  C.HV_MIGRATION_MODE: _Set(True, K.HT_MIGRATION_MODES),
  C.HV_KVM_MIGRATION_CAPS: hv_base.NO_CHECK,
  C.HV_USE_LOCALTIME: hv_base.NO_CHECK,
  C.HV_DISK_CACHE: _Set(True, K.HT_VALID_CACHE_TYPES),
  C.HV_DISK_AIO: _Set(False, K.HT_KVM_VALID_AIO_TYPES),
  C.HV_DISK_DISCARD: _Set(False, K.HT_VALID_DISCARD_TYPES),
  C.HV_SECURITY_MODEL: _Set(True, K.HT_KVM_VALID_SM_TYPES),
  C.HV_SECURITY_DOMAIN: hv_base.NO_CHECK,
  C.HV_KVM_FLAG: _Set(False, K.HT_KVM_FLAG_VALUES),
  C.HV_VHOST_NET: hv_base.NO_CHECK,
  C.HV_VIRTIO_NET_QUEUES: OPT_VIRTIO_NET_QUEUES_CHECK,
  C.HV_KVM_USE_CHROOT: hv_base.NO_CHECK,
  C.HV_KVM_USER_SHUTDOWN: hv_base.NO_CHECK,
  C.HV_KVM_USE_GUEST_AGENT: hv_base.NO_CHECK,
  C.HV_MEM_PATH: OPT_DIR_CHECK,
  C.HV_REBOOT_BEHAVIOR: _Set(True, K.REBOOT_BEHAVIORS),
  C.HV_CPU_MASK: OPT_MULTI_CPU_MASK_CHECK,
  C.HV_CPU_TYPE: hv_base.NO_CHECK,
  C.HV_CPU_CORES: OPT_NONNEGATIVE_INT_CHECK,
  C.HV_CPU_THREADS: OPT_NONNEGATIVE_INT_CHECK,
  C.HV_CPU_SOCKETS: OPT_NONNEGATIVE_INT_CHECK,
  C.HV_SOUNDHW: hv_base.NO_CHECK,
  C.HV_USB_DEVICES: hv_base.NO_CHECK,
  C.HV_VGA: hv_base.NO_CHECK,
  C.HV_KVM_EXTRA: hv_base.NO_CHECK,
  C.HV_KVM_MACHINE_VERSION: hv_base.NO_CHECK,
  C.HV_KVM_PCI_RESERVATIONS:
    (False, lambda x: _IsInt(x) and 0 <= x <= QEMU_PCI_SLOTS,
     "The number of PCI slots managed by QEMU (max: %s)" % QEMU_PCI_SLOTS,
     None, None),
  C.HV_KVM_SCSI_CONTROLLER_TYPE:
    _Set(True, K.HT_KVM_VALID_SCSI_CONTROLLER_TYPES),
  C.HV_VNET_HDR: hv_base.NO_CHECK,
}

_SPICE_ADDITIONAL_PARAMS = frozenset([
  C.HV_KVM_SPICE_IP_VERSION, C.HV_KVM_SPICE_PASSWORD_FILE,
  C.HV_KVM_SPICE_LOSSLESS_IMG_COMPR, C.HV_KVM_SPICE_JPEG_IMG_COMPR,
  C.HV_KVM_SPICE_ZLIB_GLZ_IMG_COMPR,
  C.HV_KVM_SPICE_STREAMING_VIDEO_DETECTION, C.HV_KVM_SPICE_USE_TLS])


def IsInterface(name):
  """Whether ``name`` is a network interface in this network namespace."""
  try:
    socket.if_nametoindex(name)
  except OSError:
    return False
  return True


def _IsIp(value):
  from ganeti import netutils
  return netutils.IPAddress.IsValid(value)


def CheckCrossParameters(hvparams):
  """The checks between kvm hvparams (pure; after the per-key checks).

  @raise errors.HypervisorError: an inconsistent combination
  """
  if (hvparams[C.HV_VNC_X509_VERIFY] or hvparams[C.HV_VNC_X509]) and \
      not hvparams[C.HV_VNC_TLS]:
    raise errors.HypervisorError("%s must be enabled if %s or %s are set" %
                                 (C.HV_VNC_TLS, C.HV_VNC_X509,
                                  C.HV_VNC_X509_VERIFY))
  if hvparams[C.HV_VNC_X509_VERIFY] and not hvparams[C.HV_VNC_X509]:
    raise errors.HypervisorError("%s requires %s" % (C.HV_VNC_X509_VERIFY,
                                                     C.HV_VNC_X509))
  if hvparams[C.HV_SERIAL_CONSOLE]:
    speed = hvparams[C.HV_SERIAL_SPEED]
    if not _IsInt(speed) or speed <= 0:
      raise errors.HypervisorError("Invalid serial speed '%s'" % (speed,))
  boot_order = hvparams[C.HV_BOOT_ORDER]
  if boot_order == K.HT_BO_CDROM and not hvparams[C.HV_CDROM_IMAGE_PATH]:
    raise errors.HypervisorError("Cannot boot from cdrom without an"
                                 " ISO path")
  if boot_order == K.HT_BO_FLOPPY and \
      not hvparams[C.HV_KVM_FLOPPY_IMAGE_PATH]:
    raise errors.HypervisorError("Cannot boot from floppy without a"
                                 " floppy image path")
  model = hvparams[C.HV_SECURITY_MODEL]
  if model == K.HT_SM_USER:
    if not hvparams[C.HV_SECURITY_DOMAIN]:
      raise errors.HypervisorError("A security domain (user to run kvm as)"
                                   " must be specified")
  elif hvparams[C.HV_SECURITY_DOMAIN]:
    raise errors.HypervisorError("Cannot have a security domain when the"
                                 " security model is 'none' or 'pool'")
  spice_bind = hvparams[C.HV_KVM_SPICE_BIND]
  if spice_bind:
    ip_version = hvparams[C.HV_KVM_SPICE_IP_VERSION]
    if ip_version and _IsIp(spice_bind):
      from ganeti import netutils
      if netutils.IPAddress.GetVersionFromAddressFamily(
          netutils.IPAddress.GetAddressFamily(spice_bind)) != ip_version:
        raise errors.HypervisorError("SPICE: Got an IP address (%s) of a"
                                     " different version than the one"
                                     " specified (%s)" %
                                     (spice_bind, ip_version))
  else:
    for param in sorted(_SPICE_ADDITIONAL_PARAMS):
      if hvparams[param]:
        raise errors.HypervisorError("SPICE: %s requires %s to be set" %
                                     (param, C.HV_KVM_SPICE_BIND))
  caps = hvparams.get(C.HV_KVM_MIGRATION_CAPS)
  if caps and not re.match(r"^[a-z0-9_-]+(:[a-z0-9_-]+)*$", caps):
    raise errors.HypervisorError("Invalid migration capabilities '%s': use"
                                 " names separated by ':'" % caps)
  cpu_mask = hvparams[C.HV_CPU_MASK]
  if cpu_mask and ":" in cpu_mask and \
      any(not part for part in cpu_mask.split(":")):
    raise errors.HypervisorError("Empty part in CPU mask '%s'" % cpu_mask)


def ValidateOnNode(hvparams):
  """The checks of kvm hvparams that look at this node.

  @raise errors.HypervisorError: a parameter cannot work here
  """
  if hvparams[C.HV_SECURITY_MODEL] == K.HT_SM_USER:
    try:
      pwd.getpwnam(hvparams[C.HV_SECURITY_DOMAIN])
    except KeyError:
      raise errors.HypervisorError("Unknown security domain user %s" %
                                   hvparams[C.HV_SECURITY_DOMAIN])
  vnc_bind = hvparams[C.HV_VNC_BIND_ADDRESS]
  if vnc_bind and not _IsIp(vnc_bind) and \
      not os.path.isabs(vnc_bind) and \
      not IsInterface(vnc_bind):
    raise errors.HypervisorError("VNC: The %s parameter must be either a"
                                 " valid IP address, an absolute path or a"
                                 " network interface name (got '%s')" %
                                 (C.HV_VNC_BIND_ADDRESS, vnc_bind))
  spice_bind = hvparams[C.HV_KVM_SPICE_BIND]
  if spice_bind and not _IsIp(spice_bind) and \
      not IsInterface(spice_bind):
    raise errors.HypervisorError("SPICE: The %s parameter must be either a"
                                 " valid IP address or a network interface"
                                 " name (got '%s')" %
                                 (C.HV_KVM_SPICE_BIND, spice_bind))
