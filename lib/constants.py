"""Wire-level constants shared by every part of Ganeti.

Only values that cross a process or file boundary live here (versions,
statuses, parameter names and defaults, exit codes).  Values private to one
module stay in that module.
"""

RELEASE_VERSION = "3.0.2"
VCS_VERSION = "(ganeti) version %s-pyganeti" % RELEASE_VERSION
_MAJOR, _MINOR = 3, 0


def BuildVersion(major: int, minor: int, revision: int = 0) -> int:
  """Ganeti's integer version encoding: 1000000*major + 10000*minor."""
  return 1000000 * major + 10000 * minor + revision


PROTOCOL_VERSION = BuildVersion(_MAJOR, _MINOR)
CONFIG_VERSION = BuildVersion(_MAJOR, _MINOR)
LUXI_VERSION = CONFIG_VERSION
OS_API_V10 = 10
OS_API_V15 = 15
OS_API_V20 = 20
OS_API_VERSIONS = frozenset([OS_API_V10, OS_API_V15, OS_API_V20])
EXPORT_VERSION = 0
RAPI_VERSION = 2
IALLOCATOR_VERSION = 2
HOOKS_VERSION = 2
JOB_QUEUE_VERSION = 1
CONFD_PROTOCOL_VERSION = 1

# Exit codes
EXIT_SUCCESS = 0
EXIT_FAILURE = 1
EXIT_NOTCLUSTER = 5
EXIT_NOTMASTER = 11
EXIT_NODESETUP_ERROR = 12
EXIT_CONFIRMATION = 13
EXIT_UNKNOWN_FIELD = 14

# Default ports
DEFAULT_NODED_PORT = 1811
DEFAULT_CONFD_PORT = 1814
DEFAULT_MOND_PORT = 1815
DEFAULT_RAPI_PORT = 5080

# Daemons
NODED = "ganeti-noded"
MASTERD = "ganeti-masterd"
RAPI = "ganeti-rapi"
CONFD = "ganeti-confd"
WATCHER = "ganeti-watcher"
DAEMONS_PORTS = {NODED: ("tcp", DEFAULT_NODED_PORT),
                 CONFD: ("udp", DEFAULT_CONFD_PORT),
                 RAPI: ("tcp", DEFAULT_RAPI_PORT)}
DAEMONS_LOGBASE = {NODED: "node-daemon", MASTERD: "master-daemon",
                   RAPI: "rapi-daemon", CONFD: "conf-daemon"}

# Error codes carried by OpPrereqError
ERRORS_ECODE_RESOLVER = "resolver_error"
ECODE_RESOLVER = ERRORS_ECODE_RESOLVER
ECODE_NORES = "insufficient_resources"
ECODE_TEMP_NORES = "temp_insufficient_resources"
ECODE_INVAL = "wrong_input"
ECODE_STATE = "wrong_state"
ECODE_NOENT = "unknown_entity"
ECODE_EXISTS = "already_exists"
ECODE_NOTUNIQUE = "resource_not_unique"
ECODE_FAULT = "internal_error"
ECODE_ENVIRON = "environment_error"
ECODE_ALL = frozenset([ECODE_RESOLVER, ECODE_NORES, ECODE_TEMP_NORES,
                       ECODE_INVAL, ECODE_STATE, ECODE_NOENT, ECODE_EXISTS,
                       ECODE_NOTUNIQUE, ECODE_FAULT, ECODE_ENVIRON])

# Job and opcode statuses
JOB_STATUS_QUEUED = "queued"
JOB_STATUS_WAITING = "waiting"
JOB_STATUS_CANCELING = "canceling"
JOB_STATUS_RUNNING = "running"
JOB_STATUS_CANCELED = "canceled"
JOB_STATUS_SUCCESS = "success"
JOB_STATUS_ERROR = "error"
JOBS_PENDING = frozenset([JOB_STATUS_QUEUED, JOB_STATUS_WAITING,
                          JOB_STATUS_CANCELING])
JOBS_FINALIZED = frozenset([JOB_STATUS_CANCELED, JOB_STATUS_SUCCESS,
                            JOB_STATUS_ERROR])
JOB_STATUS_ALL = JOBS_PENDING | JOBS_FINALIZED | frozenset([JOB_STATUS_RUNNING])
OP_STATUS_QUEUED = JOB_STATUS_QUEUED
OP_STATUS_WAITING = JOB_STATUS_WAITING
OP_STATUS_CANCELING = JOB_STATUS_CANCELING
OP_STATUS_RUNNING = JOB_STATUS_RUNNING
OP_STATUS_CANCELED = JOB_STATUS_CANCELED
OP_STATUS_SUCCESS = JOB_STATUS_SUCCESS
OP_STATUS_ERROR = JOB_STATUS_ERROR
OPS_FINALIZED = JOBS_FINALIZED

JOB_QUEUE_SIZE_HARD_LIMIT = 5000
JOB_QUEUE_ARCHIVE_DIRS = 10000
JOBQUEUE_THREADS = 25

# Job log entry types
ELOG_MESSAGE = "message"
ELOG_MESSAGE_LIST = "message-list"
ELOG_REMOTE_IMPORT = "remote-import"
ELOG_JQUEUE_TEST = "jqueue-test"
ELOG_DELAY_TEST = "delay-test"

# Priorities
OP_PRIO_LOWEST = 19
OP_PRIO_HIGHEST = -20
OP_PRIO_LOW = 10
OP_PRIO_NORMAL = 0
OP_PRIO_HIGH = -10
OP_PRIO_SUBMIT_VALID = frozenset([OP_PRIO_LOW, OP_PRIO_NORMAL, OP_PRIO_HIGH])
OP_PRIO_DEFAULT = OP_PRIO_NORMAL

# Simple list modifications (hidden/blacklisted OSes, ...)
DDM_ADD = "add"
DDM_REMOVE = "remove"
DDMS_SIMPLE = frozenset([DDM_ADD, DDM_REMOVE])

# Reason trail
OPCODE_REASON_SRC_CLIENT = "gnt:client"
OPCODE_REASON_SRC_NODED = "gnt:daemon:noded"
OPCODE_REASON_SRC_OPCODE = "gnt:opcode"
OPCODE_REASON_SRC_RLIB2 = "gnt:library:rlib2"
OPCODE_REASON_SRC_USER = "gnt:user"
OPCODE_REASON_SRC_WATCHER = "gnt:watcher"

# Hooks
HOOKS_PHASE_PRE = "pre"
HOOKS_PHASE_POST = "post"
HOOKS_NAME_CFGUPDATE = "config-update"
HOOKS_NAME_WATCHER = "watcher"
HKR_SKIP = 0
HKR_FAIL = 1
HKR_SUCCESS = 2
HTYPE_CLUSTER = "CLUSTER"
HTYPE_NODE = "NODE"
HTYPE_GROUP = "GROUP"
HTYPE_INSTANCE = "INSTANCE"
HTYPE_NETWORK = "NETWORK"

# Tags
TAG_CLUSTER = "cluster"
TAG_NODEGROUP = "nodegroup"
TAG_NODE = "node"
TAG_INSTANCE = "instance"
TAG_NETWORK = "network"
VALID_TAG_TYPES = frozenset([TAG_CLUSTER, TAG_NODEGROUP, TAG_NODE,
                             TAG_INSTANCE, TAG_NETWORK])
MAX_TAG_LEN = 128
MAX_TAGS_PER_OBJ = 4096

# Hypervisors
HT_XEN_PVM = "xen-pvm"
HT_FAKE = "fake"
HT_XEN_HVM = "xen-hvm"
HT_KVM = "kvm"
HT_CHROOT = "chroot"
HT_LXC = "lxc"

# Console kinds (objects.InstanceConsole.kind)
CONS_SSH = "ssh"
CONS_VNC = "vnc"
CONS_SPICE = "spice"
CONS_MESSAGE = "msg"
CONS_ALL = frozenset([CONS_SSH, CONS_VNC, CONS_SPICE, CONS_MESSAGE])

#: Hypervisors whose instances get a network port (VNC/SPICE display)
HTS_REQ_PORT = frozenset([HT_XEN_HVM, HT_KVM])
HYPER_TYPES = frozenset([HT_XEN_PVM, HT_FAKE, HT_XEN_HVM, HT_KVM, HT_CHROOT,
                         HT_LXC])

# Disk templates
DT_DISKLESS = "diskless"
DT_PLAIN = "plain"
DT_DRBD8 = "drbd"
DT_FILE = "file"
DT_SHARED_FILE = "sharedfile"
DT_BLOCK = "blockdev"
DT_RBD = "rbd"
DT_EXT = "ext"
DT_GLUSTER = "gluster"
DISK_TEMPLATES = frozenset([DT_DISKLESS, DT_PLAIN, DT_DRBD8, DT_FILE,
                            DT_SHARED_FILE, DT_BLOCK, DT_RBD, DT_EXT,
                            DT_GLUSTER])
# Order used when listing templates (Ganeti's preference order)
DISK_TEMPLATE_PREFERENCE = [DT_DRBD8, DT_PLAIN, DT_FILE, DT_SHARED_FILE,
                            DT_GLUSTER, DT_BLOCK, DT_RBD, DT_EXT, DT_DISKLESS]
DTS_FILEBASED = frozenset([DT_FILE, DT_SHARED_FILE, DT_GLUSTER])
DTS_INT_MIRROR = frozenset([DT_DRBD8])
DTS_EXT_MIRROR = frozenset([DT_DISKLESS, DT_SHARED_FILE, DT_BLOCK, DT_RBD,
                            DT_EXT, DT_GLUSTER])
DTS_MIRRORED = DTS_INT_MIRROR | DTS_EXT_MIRROR
DTS_NOT_LVM = frozenset([DT_DISKLESS, DT_FILE, DT_SHARED_FILE, DT_BLOCK,
                         DT_RBD, DT_EXT, DT_GLUSTER])
DTS_HAVE_ACCESS = frozenset([DT_PLAIN, DT_DRBD8, DT_RBD, DT_EXT, DT_GLUSTER])

# Storage types
ST_FILE = "file"
ST_SHARED_FILE = "sharedfile"
ST_GLUSTER = "gluster"
ST_LVM_PV = "lvm-pv"
ST_LVM_VG = "lvm-vg"
ST_DISKLESS = "diskless"
ST_BLOCK = "blockdev"
ST_RBD = "rados"
ST_EXT = "ext"
MAP_DISK_TEMPLATE_STORAGE_TYPE = {
  DT_FILE: ST_FILE, DT_SHARED_FILE: ST_SHARED_FILE, DT_GLUSTER: ST_GLUSTER,
  DT_PLAIN: ST_LVM_VG, DT_DRBD8: ST_LVM_VG, DT_DISKLESS: ST_DISKLESS,
  DT_BLOCK: ST_BLOCK, DT_RBD: ST_RBD, DT_EXT: ST_EXT}

# File drivers
FD_LOOP = "loop"
FD_BLKTAP = "blktap"
FD_BLKTAP2 = "blktap2"
FILE_DRIVER = frozenset([FD_LOOP, FD_BLKTAP, FD_BLKTAP2])
FD_DEFAULT = FD_LOOP

DISK_RDONLY = "ro"
DISK_RDWR = "rw"
DISK_ACCESS_SET = frozenset([DISK_RDONLY, DISK_RDWR])

# Instance admin states
ADMINST_UP = "up"
ADMINST_DOWN = "down"
ADMINST_OFFLINE = "offline"
ADMINST_ALL = frozenset([ADMINST_UP, ADMINST_DOWN, ADMINST_OFFLINE])
ADMIN_SOURCE = "admin"
USER_SOURCE = "user"

# Instance status as reported by queries
INSTST_RUNNING = "running"
INSTST_ADMINDOWN = "ADMIN_down"
INSTST_ADMINOFFLINE = "ADMIN_offline"
INSTST_NODEOFFLINE = "ERROR_nodeoffline"
INSTST_NODEDOWN = "ERROR_nodedown"
INSTST_WRONGNODE = "ERROR_wrongnode"
INSTST_ERRORUP = "ERROR_up"
INSTST_ERRORDOWN = "ERROR_down"
INSTST_USERDOWN = "USER_down"

# Instance create modes
INSTANCE_CREATE = "create"
INSTANCE_IMPORT = "import"
INSTANCE_REMOTE_IMPORT = "remote-import"
INSTANCE_CREATE_MODES = frozenset([INSTANCE_CREATE, INSTANCE_IMPORT,
                                   INSTANCE_REMOTE_IMPORT])

INSTANCE_REBOOT_SOFT = "soft"
INSTANCE_REBOOT_HARD = "hard"
INSTANCE_REBOOT_FULL = "full"
REBOOT_TYPES = frozenset([INSTANCE_REBOOT_SOFT, INSTANCE_REBOOT_HARD,
                          INSTANCE_REBOOT_FULL])
DEFAULT_SHUTDOWN_TIMEOUT = 120
# timeouts (seconds) of the helper VM used for instance communication
HELPER_VM_STARTUP = 5 * 60
HELPER_VM_SHUTDOWN = 2 * 60 * 60

# NIC
NIC_MODE_BRIDGED = "bridged"
NIC_MODE_ROUTED = "routed"
NIC_MODE_OVS = "openvswitch"
NIC_VALID_MODES = frozenset([NIC_MODE_BRIDGED, NIC_MODE_ROUTED, NIC_MODE_OVS])
NIC_MODE = "mode"
NIC_LINK = "link"
NIC_VLAN = "vlan"
VALUE_AUTO = "auto"
VALUE_GENERATE = "generate"
VALUE_NONE = "none"
#: The NIC "ip" value asking for an address from the network's pool
NIC_IP_POOL = "pool"
VALUE_DEFAULT = "default"

# Instance/disk parameter names used in opcodes
IDISK_SIZE = "size"
IDISK_SPINDLES = "spindles"
IDISK_MODE = "mode"
IDISK_ADOPT = "adopt"
IDISK_VG = "vg"
IDISK_METAVG = "metavg"
IDISK_PROVIDER = "provider"
IDISK_NAME = "name"
IDISK_ACCESS = "access"
IDISK_TYPE = "dev_type"
IDISK_PARAMS_TYPES = {IDISK_SIZE: "size", IDISK_SPINDLES: "int",
                      IDISK_MODE: "string", IDISK_ADOPT: "string",
                      IDISK_VG: "string", IDISK_METAVG: "string",
                      IDISK_PROVIDER: "string", IDISK_NAME: "maybe_string",
                      IDISK_ACCESS: "string", IDISK_TYPE: "string"}
INIC_MAC = "mac"
INIC_IP = "ip"
INIC_MODE = "mode"
INIC_LINK = "link"
INIC_NETWORK = "network"
INIC_NAME = "name"
INIC_VLAN = "vlan"
INIC_BRIDGE = "bridge"
INIC_PARAMS_TYPES = {INIC_IP: "maybe_string", INIC_LINK: "string",
                     INIC_MAC: "string", INIC_MODE: "string",
                     INIC_NETWORK: "maybe_string", INIC_NAME: "maybe_string",
                     INIC_VLAN: "maybe_string", INIC_BRIDGE: "maybe_string"}

# Parameter types (for ForceDictType)
VTYPE_STRING = "string"
VTYPE_MAYBE_STRING = "maybe-string"
VTYPE_BOOL = "bool"
VTYPE_SIZE = "size"
VTYPE_INT = "int"
VTYPE_FLOAT = "float"
ENFORCEABLE_TYPES = frozenset([VTYPE_STRING, VTYPE_MAYBE_STRING, VTYPE_BOOL,
                               VTYPE_SIZE, VTYPE_INT, VTYPE_FLOAT])

# Backend parameters
BE_MEMORY = "memory"
BE_MAXMEM = "maxmem"
BE_MINMEM = "minmem"
BE_VCPUS = "vcpus"
BE_AUTO_BALANCE = "auto_balance"
BE_ALWAYS_FAILOVER = "always_failover"
BE_SPINDLE_USE = "spindle_use"
BES_PARAMETER_TYPES = {BE_MAXMEM: VTYPE_SIZE, BE_MINMEM: VTYPE_SIZE,
                       BE_VCPUS: VTYPE_INT, BE_AUTO_BALANCE: VTYPE_BOOL,
                       BE_ALWAYS_FAILOVER: VTYPE_BOOL,
                       BE_SPINDLE_USE: VTYPE_INT}
BES_PARAMETER_COMPAT = {BE_MEMORY: VTYPE_SIZE}
BES_PARAMETER_COMPAT.update(BES_PARAMETER_TYPES)
BES_PARAMETERS = frozenset(BES_PARAMETER_TYPES)
BEC_DEFAULTS = {BE_MINMEM: 128, BE_MAXMEM: 128, BE_VCPUS: 1,
                BE_AUTO_BALANCE: True, BE_ALWAYS_FAILOVER: False,
                BE_SPINDLE_USE: 1}

# Node parameters
ND_OOB_PROGRAM = "oob_program"
ND_SPINDLE_COUNT = "spindle_count"
ND_EXCLUSIVE_STORAGE = "exclusive_storage"
ND_OVS = "ovs"
ND_OVS_NAME = "ovs_name"
ND_OVS_LINK = "ovs_link"
ND_SSH_PORT = "ssh_port"
ND_CPU_SPEED = "cpu_speed"
NDS_PARAMETER_TYPES = {ND_OOB_PROGRAM: VTYPE_STRING,
                       ND_SPINDLE_COUNT: VTYPE_INT,
                       ND_EXCLUSIVE_STORAGE: VTYPE_BOOL,
                       ND_OVS: VTYPE_BOOL, ND_OVS_NAME: VTYPE_MAYBE_STRING,
                       ND_OVS_LINK: VTYPE_MAYBE_STRING,
                       ND_SSH_PORT: VTYPE_INT, ND_CPU_SPEED: VTYPE_FLOAT}
NDC_DEFAULTS = {ND_OOB_PROGRAM: "", ND_SPINDLE_COUNT: 1,
                ND_EXCLUSIVE_STORAGE: False, ND_OVS: False,
                ND_OVS_NAME: "switch1", ND_OVS_LINK: "", ND_SSH_PORT: 22,
                ND_CPU_SPEED: 1.0}

# NIC parameters
NICS_PARAMETER_TYPES = {NIC_MODE: VTYPE_STRING, NIC_LINK: VTYPE_STRING,
                        NIC_VLAN: VTYPE_MAYBE_STRING}
DEFAULT_BRIDGE = "xen-br0"
NICC_DEFAULTS = {NIC_MODE: NIC_MODE_BRIDGED, NIC_LINK: DEFAULT_BRIDGE,
                 NIC_VLAN: ""}

# Disk parameters
DISK_DT_DEFAULTS = {
  DT_PLAIN: {"stripes": 1},
  DT_DRBD8: {"resync-rate": 61440, "data-stripes": 1, "meta-stripes": 1,
             "disk-barriers": "n", "meta-barriers": False,
             "metavg": "xenvg", "disk-custom": "", "net-custom": "",
             "protocol": "C", "dynamic-resync": False, "c-plan-ahead": 20,
             "c-fill-target": 0, "c-delay-target": 1, "c-max-rate": 61440,
             "c-min-rate": 4096},
  DT_DISKLESS: {},
  DT_FILE: {},
  DT_SHARED_FILE: {},
  DT_BLOCK: {},
  DT_RBD: {"pool": "rbd", "access": "kernelspace"},
  DT_EXT: {"access": "kernelspace"},
  DT_GLUSTER: {"host": "127.0.0.1", "port": 24007, "volume": "gv0",
               "access": "kernelspace"},
}

# Instance policy
ISPEC_MEM_SIZE = "memory-size"
ISPEC_CPU_COUNT = "cpu-count"
ISPEC_DISK_COUNT = "disk-count"
ISPEC_DISK_SIZE = "disk-size"
ISPEC_NIC_COUNT = "nic-count"
ISPEC_SPINDLE_USE = "spindle-use"
ISPECS_PARAMETERS = [ISPEC_CPU_COUNT, ISPEC_DISK_COUNT, ISPEC_DISK_SIZE,
                     ISPEC_MEM_SIZE, ISPEC_NIC_COUNT, ISPEC_SPINDLE_USE]
ISPECS_MINMAX = "minmax"
ISPECS_MIN = "min"
ISPECS_MAX = "max"
ISPECS_STD = "std"
IPOLICY_DTS = "disk-templates"
IPOLICY_VCPU_RATIO = "vcpu-ratio"
IPOLICY_SPINDLE_RATIO = "spindle-ratio"
IPOLICY_DEFAULTS = {
  ISPECS_MINMAX: [{
    ISPECS_MIN: {ISPEC_MEM_SIZE: 128, ISPEC_CPU_COUNT: 1,
                 ISPEC_DISK_COUNT: 1, ISPEC_DISK_SIZE: 1024,
                 ISPEC_NIC_COUNT: 1, ISPEC_SPINDLE_USE: 1},
    ISPECS_MAX: {ISPEC_MEM_SIZE: 32768, ISPEC_CPU_COUNT: 8,
                 ISPEC_DISK_COUNT: 16, ISPEC_DISK_SIZE: 1024 * 1024,
                 ISPEC_NIC_COUNT: 8, ISPEC_SPINDLE_USE: 12},
  }],
  ISPECS_STD: {ISPEC_MEM_SIZE: 128, ISPEC_CPU_COUNT: 1, ISPEC_DISK_COUNT: 1,
               ISPEC_DISK_SIZE: 1024, ISPEC_NIC_COUNT: 1,
               ISPEC_SPINDLE_USE: 1},
  IPOLICY_DTS: list(DISK_TEMPLATE_PREFERENCE),
  IPOLICY_VCPU_RATIO: 4.0,
  IPOLICY_SPINDLE_RATIO: 32.0,
}

# Hypervisor parameter defaults (3.0)
HVC_DEFAULTS = {
  HT_XEN_PVM: {
    "use_bootloader": False, "bootloader_path": "/usr/lib/xen/bin/pygrub",
    "bootloader_args": "", "kernel_path": "/boot/vmlinuz-3-xenU",
    "initrd_path": "", "root_path": "/dev/xvda1", "kernel_args": "ro",
    "migration_port": 8002, "migration_mode": "live",
    "blockdev_prefix": "sd", "reboot_behavior": "reboot",
    "cpu_mask": "all", "cpu_cap": 0, "cpu_weight": 256, "vif_script": "",
    "xen_cmd": "xl", "cpuid": "", "soundhw": "",
  },
  HT_XEN_HVM: {
    "boot_order": "cd", "cdrom_image_path": "", "nic_type": "rtl8139",
    "disk_type": "paravirtual", "vnc_bind_address": "0.0.0.0",
    "vnc_password_file": "/etc/ganeti/vnc-cluster-password", "acpi": True,
    "pae": True, "kernel_path": "/usr/lib/xen/boot/hvmloader",
    "device_model": "/usr/lib/xen/bin/qemu-dm", "migration_port": 8002,
    "migration_mode": "non-live", "use_localtime": False,
    "blockdev_prefix": "hd", "pci_pass": "", "reboot_behavior": "reboot",
    "cpu_mask": "all", "cpu_cap": 0, "cpu_weight": 256, "vif_type": "ioemu",
    "vif_script": "", "viridian": False, "xen_cmd": "xl", "cpuid": "",
    "soundhw": "",
  },
  HT_KVM: {
    "kvm_path": "/usr/bin/kvm", "kernel_path": "", "initrd_path": "",
    "kernel_args": "ro", "root_path": "/dev/vda1", "acpi": True,
    "serial_console": True, "serial_speed": 38400, "vnc_bind_address": "",
    "vnc_tls": False, "vnc_x509_path": "", "vnc_x509_verify": False,
    "vnc_password_file": "", "spice_bind": "", "spice_ip_version": 0,
    "spice_password_file": "", "spice_image_compression": "",
    "spice_jpeg_wan_compression": "", "spice_zlib_glz_wan_compression": "",
    "spice_streaming_video": "", "spice_playback_compression": True,
    "spice_use_tls": False, "spice_tls_ciphers": "HIGH:-DES:-3DES:-EXPORT:-DH",
    "spice_use_vdagent": True, "keymap": "", "cdrom_image_path": "",
    "cdrom2_image_path": "", "floppy_image_path": "", "boot_order": "disk",
    "nic_type": "paravirtual", "disk_type": "paravirtual",
    "cdrom_disk_type": "", "usb_mouse": "", "migration_port": 8102,
    "migration_bandwidth": 32, "migration_downtime": 30,
    "migration_mode": "live", "use_localtime": False, "disk_cache": "default",
    "disk_aio": "threads", "disk_discard": "default",
    "security_model": "none", "security_domain": "", "kvm_flag": "",
    "vhost_net": False, "virtio_net_queues": 1, "use_chroot": False,
    "use_guest_agent": False, "mem_path": "", "reboot_behavior": "reboot",
    "cpu_mask": "all", "cpu_type": "", "cpu_cores": 0, "cpu_threads": 0,
    "cpu_sockets": 0, "soundhw": "", "usb_devices": "", "vga": "",
    "kvm_extra": "", "machine_version": "", "migration_caps": "",
    "kvm_pci_reservations": 12, "scsi_controller_type": "lsi",
    "user_shutdown": False, "vnet_hdr": True,
  },
  HT_FAKE: {"migration_mode": "live"},
  HT_CHROOT: {"init_script": "/ganeti-chroot"},
  HT_LXC: {
    "cpu_mask": "", "devices": ",".join([
      "c 1:3 rw", "c 1:5 rw", "c 1:7 rw", "c 1:8 rw", "c 1:9 rw",
      "c 1:10 rw", "c 5:0 rw", "c 5:1 rw", "c 5:2 rw", "c 136:* rw"]),
    "drop_capabilities": "mac_override,sys_boot,sys_module,sys_time,sys_admin",
    "extra_cgroups": "", "extra_config": "", "num_ttys": 6,
    "startup_timeout": 30,
  },
}
HVS_GLOBAL = frozenset(["migration_port", "migration_bandwidth",
                        "migration_mode", "xen_cmd"])

# Cluster-wide defaults
DEFAULT_VG = "xenvg"
DEFAULT_MAC_PREFIX = "aa:00:00"
DEFAULT_FILE_STORAGE_DIR = "/srv/ganeti/file-storage"
DEFAULT_SHARED_FILE_STORAGE_DIR = "/srv/ganeti/shared-file-storage"
DEFAULT_GLUSTER_STORAGE_DIR = "/var/run/ganeti/gluster"
DEFAULT_MASTER_NETDEV = "lo"
MASTER_POOL_SIZE_DEFAULT = 10
INITIAL_NODE_GROUP_NAME = "default"
NODE_GROUP_DEFAULT_ALLOC_POLICY = "preferred"
ALLOC_POLICY_PREFERRED = "preferred"
ALLOC_POLICY_LAST_RESORT = "last_resort"
ALLOC_POLICY_UNALLOCABLE = "unallocable"
VALID_ALLOC_POLICIES = [ALLOC_POLICY_PREFERRED, ALLOC_POLICY_LAST_RESORT,
                        ALLOC_POLICY_UNALLOCABLE]
FIRST_DRBD_PORT = 11000
LAST_DRBD_PORT = 14999
DEFAULT_MAX_RUNNING_JOBS = 20
DEFAULT_MAX_TRACKED_JOBS = 25
DEFAULT_IALLOCATOR = "hail"
# iallocator plugins (doc/iallocator.rst); the search path is below the
# node root in a virtual cluster (pathutils.Paths.IAllocatorSearchPath)
IALLOCATOR_SEARCH_PATH = ["/usr/local/lib/ganeti/iallocators",
                          "/usr/lib/ganeti/iallocators"]
IALLOCATOR_BUILTIN = "pyganeti-simple"
DEFAULT_IALLOCATOR_SHORTCUT = "."
IALLOCATOR_DIR_IN = "in"
IALLOCATOR_DIR_OUT = "out"
VALID_IALLOCATOR_DIRECTIONS = frozenset([IALLOCATOR_DIR_IN,
                                         IALLOCATOR_DIR_OUT])
IALLOCATOR_MODE_ALLOC = "allocate"
IALLOCATOR_MODE_ALLOCATE_SECONDARY = "allocate-secondary"
IALLOCATOR_MODE_MULTI_ALLOC = "multi-allocate"
IALLOCATOR_MODE_RELOC = "relocate"
IALLOCATOR_MODE_CHG_GROUP = "change-group"
IALLOCATOR_MODE_NODE_EVAC = "node-evacuate"
VALID_IALLOCATOR_MODES = frozenset([
  IALLOCATOR_MODE_ALLOC, IALLOCATOR_MODE_ALLOCATE_SECONDARY,
  IALLOCATOR_MODE_MULTI_ALLOC, IALLOCATOR_MODE_RELOC,
  IALLOCATOR_MODE_CHG_GROUP, IALLOCATOR_MODE_NODE_EVAC])
NODE_EVAC_PRI = "primary-only"
NODE_EVAC_SEC = "secondary-only"
NODE_EVAC_ALL = "all"
NODE_EVAC_MODES = frozenset([NODE_EVAC_PRI, NODE_EVAC_SEC, NODE_EVAC_ALL])
IEC_ALL = ["gzip", "gzip-fast", "gzip-slow"]
SSHK_RSA = "rsa"
SSH_KEY_BITS = 2048
DATA_COLLECTORS = ["cpu-avg-load", "diskstats", "drbd", "inst-status-xen",
                   "lv", "xen-cpu-avg-load"]
DATA_COLLECTOR_INTERVAL = 5000000.0  # microseconds
OS_SEARCH_PATH = ["/srv/ganeti/os", "/usr/local/lib/ganeti/os",
                  "/usr/lib/ganeti/os", "/usr/share/ganeti/os"]
ES_SEARCH_PATH = ["/srv/ganeti/extstorage", "/usr/local/lib/ganeti/extstorage",
                  "/usr/lib/ganeti/extstorage",
                  "/usr/share/ganeti/extstorage"]
OS_VARIANT_SEP = "+"

# Per-node dynamic disk parameters the master adds to disk dicts in RPCs
# (key "dynamic_params"; DRBD: the node's and its peer's secondary IP and
# minor).  Children carry them too.
DDP_LOCAL_IP = "local-ip"
DDP_REMOTE_IP = "remote-ip"
DDP_LOCAL_MINOR = "local-minor"
DDP_REMOTE_MINOR = "remote-minor"

# Instance disks on the master (engineer "disks")
DRBD_META_SIZE = 128  # MiB
BLOCKDEV_DRIVER_MANUAL = "manual"
IDISK_PARAMS = frozenset(IDISK_PARAMS_TYPES)
DTS_GROWABLE = frozenset([DT_PLAIN, DT_DRBD8, DT_FILE, DT_SHARED_FILE,
                          DT_RBD, DT_EXT, DT_GLUSTER])
DTS_MAY_ADOPT = frozenset([DT_PLAIN, DT_BLOCK])
DTS_MUST_ADOPT = frozenset([DT_BLOCK])
DTS_NO_FREE_SPACE_CHECK = frozenset([DT_FILE, DT_SHARED_FILE, DT_RBD,
                                     DT_EXT, DT_GLUSTER, DT_BLOCK])
DTS_LVM = frozenset([DT_PLAIN, DT_DRBD8])
REPLACE_DISK_PRI = "replace_on_primary"
REPLACE_DISK_SEC = "replace_on_secondary"
REPLACE_DISK_CHG = "replace_new_secondary"
REPLACE_DISK_AUTO = "replace_auto"
REPLACE_MODES = frozenset([REPLACE_DISK_PRI, REPLACE_DISK_SEC,
                           REPLACE_DISK_CHG, REPLACE_DISK_AUTO])

# Node roles
NR_MASTER = "M"
NR_MCANDIDATE = "C"
NR_REGULAR = "R"
NR_DRAINED = "D"
NR_OFFLINE = "O"

# Hash of SSL certificates
X509_CERT_SIGN_DIGEST = "SHA256"
X509_CERT_CN = "ganeti.example.com"
X509_CERT_DEFAULT_VALIDITY = 1825  # days
RSA_KEY_BITS = 2048
SSL_CIPHERS = "HIGH:-DES:-3DES:-EXPORT:-DH"

# Misc
PRIMARY_IP_FAMILY_V4 = 2
PRIMARY_IP_FAMILY_V6 = 10
IP4_VERSION = 4
IP6_VERSION = 6
CONFD_HMAC_KEY_LEN = 20
MAX_DISKS = 16
MAX_NICS = 8
LOCK_ATTEMPTS_TIMEOUT = 1800  # 10*3600 / 20
LOCK_ATTEMPTS_MAXWAIT = 15.0
LOCK_ATTEMPTS_MINWAIT = 1.0
SSCONF_FILEPREFIX = "ssconf_"
SSCONF_MAX_SIZE = 128 * 1024
LUXI_DEF_CTMO = 10
LUXI_DEF_RWTO = 60
LUXI_WFJC_TIMEOUT = 29
LUXI_EOM = b"\x03"
NODE_MAX_CLOCK_SKEW = 150

# Hypervisor parameter names (kvm; Ganeti's HV_* names).  The values each
# takes are in ganeti.hypervisor.hv_kvm.kvm_constants.
HV_KVM_PATH = "kvm_path"
HV_KERNEL_PATH = "kernel_path"
HV_INITRD_PATH = "initrd_path"
HV_KERNEL_ARGS = "kernel_args"
HV_ROOT_PATH = "root_path"
HV_ACPI = "acpi"
HV_SERIAL_CONSOLE = "serial_console"
HV_SERIAL_SPEED = "serial_speed"
HV_VNC_BIND_ADDRESS = "vnc_bind_address"
HV_VNC_TLS = "vnc_tls"
HV_VNC_X509 = "vnc_x509_path"
HV_VNC_X509_VERIFY = "vnc_x509_verify"
HV_VNC_PASSWORD_FILE = "vnc_password_file"
HV_KVM_SPICE_BIND = "spice_bind"
HV_KVM_SPICE_IP_VERSION = "spice_ip_version"
HV_KVM_SPICE_PASSWORD_FILE = "spice_password_file"
HV_KVM_SPICE_LOSSLESS_IMG_COMPR = "spice_image_compression"
HV_KVM_SPICE_JPEG_IMG_COMPR = "spice_jpeg_wan_compression"
HV_KVM_SPICE_ZLIB_GLZ_IMG_COMPR = "spice_zlib_glz_wan_compression"
HV_KVM_SPICE_STREAMING_VIDEO_DETECTION = "spice_streaming_video"
HV_KVM_SPICE_AUDIO_COMPR = "spice_playback_compression"
HV_KVM_SPICE_USE_TLS = "spice_use_tls"
HV_KVM_SPICE_TLS_CIPHERS = "spice_tls_ciphers"
HV_KVM_SPICE_USE_VDAGENT = "spice_use_vdagent"
HV_KEYMAP = "keymap"
HV_CDROM_IMAGE_PATH = "cdrom_image_path"
HV_KVM_CDROM2_IMAGE_PATH = "cdrom2_image_path"
HV_KVM_FLOPPY_IMAGE_PATH = "floppy_image_path"
HV_BOOT_ORDER = "boot_order"
HV_NIC_TYPE = "nic_type"
HV_DISK_TYPE = "disk_type"
HV_KVM_CDROM_DISK_TYPE = "cdrom_disk_type"
HV_USB_MOUSE = "usb_mouse"
HV_MIGRATION_PORT = "migration_port"
HV_MIGRATION_BANDWIDTH = "migration_bandwidth"
HV_MIGRATION_DOWNTIME = "migration_downtime"
HV_MIGRATION_MODE = "migration_mode"
HV_KVM_MIGRATION_CAPS = "migration_caps"
HV_USE_LOCALTIME = "use_localtime"
HV_DISK_CACHE = "disk_cache"
HV_DISK_AIO = "disk_aio"
HV_DISK_DISCARD = "disk_discard"
HV_SECURITY_MODEL = "security_model"
HV_SECURITY_DOMAIN = "security_domain"
HV_KVM_FLAG = "kvm_flag"
HV_VHOST_NET = "vhost_net"
HV_VIRTIO_NET_QUEUES = "virtio_net_queues"
HV_KVM_USE_CHROOT = "use_chroot"
HV_KVM_USER_SHUTDOWN = "user_shutdown"
HV_KVM_USE_GUEST_AGENT = "use_guest_agent"
HV_MEM_PATH = "mem_path"
HV_REBOOT_BEHAVIOR = "reboot_behavior"
HV_CPU_MASK = "cpu_mask"
HV_CPU_TYPE = "cpu_type"
HV_CPU_CORES = "cpu_cores"
HV_CPU_THREADS = "cpu_threads"
HV_CPU_SOCKETS = "cpu_sockets"
HV_SOUNDHW = "soundhw"
HV_USB_DEVICES = "usb_devices"
HV_VGA = "vga"
HV_KVM_EXTRA = "kvm_extra"
HV_KVM_MACHINE_VERSION = "machine_version"
HV_KVM_PCI_RESERVATIONS = "kvm_pci_reservations"
HV_KVM_SCSI_CONTROLLER_TYPE = "scsi_controller_type"
HV_VNET_HDR = "vnet_hdr"
INSTANCE_REBOOT_ALLOWED = "reboot"
INSTANCE_REBOOT_EXIT = "exit"
# Instance modify, failover, migrate, move (engineer "instops")
DDM_MODIFY = "modify"
DDM_ATTACH = "attach"
DDM_DETACH = "detach"
DDMS_VALUES = frozenset([DDM_ADD, DDM_REMOVE, DDM_MODIFY, DDM_ATTACH,
                         DDM_DETACH])
HT_MIGRATION_LIVE = "live"
HT_MIGRATION_NONLIVE = "non-live"
HT_MIGRATION_MODES = frozenset([HT_MIGRATION_LIVE, HT_MIGRATION_NONLIVE])
HV_MIGRATION_COMPLETED = "completed"
HV_MIGRATION_ACTIVE = "active"
HV_MIGRATION_FAILED = "failed"
HV_MIGRATION_CANCELLED = "cancelled"
HV_MIGRATION_VALID_STATUSES = frozenset([
  HV_MIGRATION_COMPLETED, HV_MIGRATION_ACTIVE, HV_MIGRATION_FAILED,
  HV_MIGRATION_CANCELLED])
HV_MIGRATION_FAILED_STATUSES = frozenset([HV_MIGRATION_FAILED,
                                          HV_MIGRATION_CANCELLED])
# disk templates whose data "move" copies node to node (Ganeti's)
DTS_COPYABLE = frozenset([DT_FILE, DT_PLAIN])
# hypervisors able to hotplug devices
HVS_HOTPLUG = frozenset([HT_KVM])
# hotplug_device: device kinds and actions (Ganeti's values)
HOTPLUG_TARGET_DISK = "disk"
HOTPLUG_TARGET_NIC = "nic"
HOTPLUG_ALL_TARGETS = frozenset([HOTPLUG_TARGET_DISK, HOTPLUG_TARGET_NIC])
HOTPLUG_ACTION_ADD = "hotadd"
HOTPLUG_ACTION_REMOVE = "hotremove"
HOTPLUG_ACTION_MODIFY = "hotmod"
HOTPLUG_ALL_ACTIONS = frozenset([HOTPLUG_ACTION_ADD, HOTPLUG_ACTION_REMOVE,
                                 HOTPLUG_ACTION_MODIFY])
IEC_NONE = "none"

# LXC hypervisor (hv_lxc): hvparam names (cpu_mask is HV_CPU_MASK above)
# and LXC's container states
HV_LXC_DEVICES = "devices"
HV_LXC_DROP_CAPABILITIES = "drop_capabilities"
HV_LXC_EXTRA_CGROUPS = "extra_cgroups"
HV_LXC_EXTRA_CONFIG = "extra_config"
HV_LXC_NUM_TTYS = "num_ttys"
HV_LXC_STARTUP_TIMEOUT = "startup_timeout"
LXC_STATE_RUNNING = "RUNNING"
LXC_STATE_STOPPED = "STOPPED"
LXC_STATE_FROZEN = "FROZEN"
