"""Closed value sets of the kvm hypervisor parameters (Ganeti's HT_*).

The parameter names are ``constants.HV_*``; their defaults are
``constants.HVC_DEFAULTS[constants.HT_KVM]``.
"""

from ganeti import constants

# boot_order
HT_BO_FLOPPY = "floppy"
HT_BO_CDROM = "cdrom"
HT_BO_DISK = "disk"
HT_BO_NETWORK = "network"
HT_KVM_VALID_BO_TYPES = frozenset([HT_BO_FLOPPY, HT_BO_CDROM, HT_BO_DISK,
                                   HT_BO_NETWORK])
# qemu's -boot letter of each boot_order
BOOT_MAP = {HT_BO_FLOPPY: "a", HT_BO_CDROM: "d", HT_BO_DISK: "c",
            HT_BO_NETWORK: "n"}

# nic_type (paravirtual = virtio-net-pci)
HT_NIC_RTL8139 = "rtl8139"
HT_NIC_NE2K_ISA = "ne2k_isa"
HT_NIC_NE2K_PCI = "ne2k_pci"
HT_NIC_I82551 = "i82551"
HT_NIC_I85557B = "i82557b"
HT_NIC_I8259ER = "i82559er"
HT_NIC_PCNET = "pcnet"
HT_NIC_E1000 = "e1000"
HT_NIC_PARAVIRTUAL = "paravirtual"
HT_KVM_VALID_NIC_TYPES = frozenset([
  HT_NIC_RTL8139, HT_NIC_NE2K_ISA, HT_NIC_NE2K_PCI, HT_NIC_I82551,
  HT_NIC_I85557B, HT_NIC_I8259ER, HT_NIC_PCNET, HT_NIC_E1000,
  HT_NIC_PARAVIRTUAL])

# disk_type
HT_DISK_PARAVIRTUAL = "paravirtual"
HT_DISK_IDE = "ide"
HT_DISK_SCSI = "scsi"
HT_DISK_SD = "sd"
HT_DISK_MTD = "mtd"
HT_DISK_PFLASH = "pflash"
HT_DISK_SCSI_BLOCK = "scsi-block"
HT_DISK_SCSI_GENERIC = "scsi-generic"
HT_DISK_SCSI_HD = "scsi-hd"
HT_DISK_SCSI_CD = "scsi-cd"
HT_SCSI_DEVICE_TYPES = frozenset([HT_DISK_SCSI_BLOCK, HT_DISK_SCSI_GENERIC,
                                  HT_DISK_SCSI_HD, HT_DISK_SCSI_CD])
HT_KVM_VALID_DISK_TYPES = frozenset([
  HT_DISK_PARAVIRTUAL, HT_DISK_IDE, HT_DISK_SCSI, HT_DISK_SD, HT_DISK_MTD,
  HT_DISK_PFLASH]) | HT_SCSI_DEVICE_TYPES

# scsi_controller_type
HT_SCSI_CONTROLLER_LSI = "lsi"
HT_SCSI_CONTROLLER_VIRTIO = "virtio-scsi-pci"
HT_SCSI_CONTROLLER_MEGASAS = "megasas"
HT_KVM_VALID_SCSI_CONTROLLER_TYPES = frozenset([
  HT_SCSI_CONTROLLER_LSI, HT_SCSI_CONTROLLER_VIRTIO,
  HT_SCSI_CONTROLLER_MEGASAS])

# disk_cache, disk_aio, disk_discard
HT_CACHE_DEFAULT = "default"
HT_CACHE_NONE = "none"
HT_CACHE_WTHROUGH = "writethrough"
HT_CACHE_WBACK = "writeback"
HT_VALID_CACHE_TYPES = frozenset([HT_CACHE_DEFAULT, HT_CACHE_NONE,
                                  HT_CACHE_WTHROUGH, HT_CACHE_WBACK])
HT_KVM_AIO_THREADS = "threads"
HT_KVM_AIO_NATIVE = "native"
HT_KVM_VALID_AIO_TYPES = frozenset([HT_KVM_AIO_THREADS, HT_KVM_AIO_NATIVE])
HT_DISCARD_DEFAULT = "default"
HT_DISCARD_IGNORE = "ignore"
HT_DISCARD_UNMAP = "unmap"
HT_VALID_DISCARD_TYPES = frozenset([HT_DISCARD_DEFAULT, HT_DISCARD_IGNORE,
                                    HT_DISCARD_UNMAP])

# usb_mouse
HT_MOUSE_MOUSE = "mouse"
HT_MOUSE_TABLET = "tablet"
HT_KVM_VALID_MOUSE_TYPES = frozenset([HT_MOUSE_MOUSE, HT_MOUSE_TABLET])

# security_model
HT_SM_NONE = "none"
HT_SM_USER = "user"
HT_SM_POOL = "pool"
HT_KVM_VALID_SM_TYPES = frozenset([HT_SM_NONE, HT_SM_USER, HT_SM_POOL])

# kvm_flag
HT_KVM_ENABLED = "enabled"
HT_KVM_DISABLED = "disabled"
HT_KVM_FLAG_VALUES = frozenset([HT_KVM_ENABLED, HT_KVM_DISABLED])

# migration_mode
HT_MIGRATION_LIVE = "live"
HT_MIGRATION_NONLIVE = "non-live"
HT_MIGRATION_MODES = frozenset([HT_MIGRATION_LIVE, HT_MIGRATION_NONLIVE])

# spice
HT_KVM_SPICE_LOSSLESS_IMG_COMPR_ALL = frozenset([
  "auto_glz", "auto_lz", "glz", "lz", "off", "quic"])
HT_KVM_SPICE_VALID_LOSSY_IMG_COMPR_OPTIONS = frozenset([
  "always", "auto", "never"])
HT_KVM_SPICE_VALID_VIDEO_STREAM_DETECTION_OPTIONS = frozenset([
  "all", "filter", "off"])
VALID_IP_VERSIONS = frozenset([0, 4, 6])

# reboot_behavior
REBOOT_BEHAVIORS = frozenset([constants.INSTANCE_REBOOT_ALLOWED,
                              constants.INSTANCE_REBOOT_EXIT])

# cpu_mask
CPU_PINNING_ALL = "all"

# virtio_net_queues
MAX_NET_QUEUES = 32

# VNC: the display number is the TCP port minus this
VNC_BASE_PORT = 5900

# NIC and disk device driver names used by qemu
NIC_PARAVIRTUAL_DEVICE = "virtio-net-pci"
DISK_PARAVIRTUAL_DEVICE = "virtio-blk-pci"

# The serial console command Ganeti gives for "gnt-instance console"
SOCAT_PATH = "/usr/bin/socat"
SOCAT_ESCAPE_CODE = "0x1d"

# Seconds StopInstance waits for an ACPI shutdown when no timeout is given
DEFAULT_SHUTDOWN_TIMEOUT = 120
