"""The instance query field table (292 fields).

Getters take ``(ctx, instance)`` where ``ctx`` is a
L{ganeti.query.InstanceQueryData} and ``instance`` an L{objects.Instance}.

"""

from ganeti import constants
from ganeti import utils
from ganeti.qfields import (
  MakeField, BuildFieldMap, GetItemAttr, GetTagsField,
  GetItemTimestampFields, VTYPE_TO_QFT,
  QFT_TEXT, QFT_BOOL, QFT_NUMBER, QFT_UNIT, QFT_OTHER,
  QFF_HOSTNAME, FS_NODATA, FS_UNAVAIL,
  IQ_CONFIG, IQ_LIVE, IQ_DISKUSAGE, IQ_CONSOLES, IQ_NODES, IQ_NETWORKS)

#: Hypervisor parameters with their field kind letter (B bool, N number,
#: O other) and legacy column title (empty: "hv/<name>")
_HV_FIELDS = """
acpi:B:ACPI blockdev_prefix:O: boot_order:O:Boot_order
bootloader_args:O: bootloader_path:O: cdrom2_image_path:O:
cdrom_disk_type:O: cdrom_image_path:O:CDROM_image_path cpu_cap:N:
cpu_cores:N: cpu_mask:O: cpu_sockets:N: cpu_threads:N:
cpu_type:O:cpu_type cpu_weight:N: cpuid:O: device_model:O: devices:O:
disk_aio:O: disk_cache:O: disk_discard:O: disk_type:O:Disk_type
drop_capabilities:O: extra_cgroups:O: extra_config:O:
floppy_image_path:O: init_script:O: initrd_path:O:Initrd_path
kernel_args:O: kernel_path:O:Kernel_path keymap:O: kvm_extra:O:
kvm_flag:O: kvm_path:O: kvm_pci_reservations:N: machine_version:O:
mem_path:O: migration_caps:O: migration_downtime:N:
nic_type:O:NIC_type num_ttys:N: pae:B:PAE pci_pass:O:pci_pass
reboot_behavior:O: root_path:O: scsi_controller_type:O:
security_domain:O: security_model:O: serial_console:B:
serial_speed:N: soundhw:O: spice_bind:O: spice_image_compression:O:
spice_ip_version:N: spice_jpeg_wan_compression:O:
spice_password_file:O: spice_playback_compression:B:
spice_streaming_video:O: spice_tls_ciphers:O: spice_use_tls:B:
spice_use_vdagent:B: spice_zlib_glz_wan_compression:O:
startup_timeout:N: usb_devices:O: usb_mouse:O: use_bootloader:B:
use_chroot:B: use_guest_agent:B: use_localtime:B: user_shutdown:B:
vga:O: vhost_net:B: vif_script:O: vif_type:O: viridian:B:
virtio_net_queues:N: vnc_bind_address:O:VNC_bind_address
vnc_password_file:O: vnc_tls:B: vnc_x509_path:O: vnc_x509_verify:B:
vnet_hdr:B:
"""

_HV_KINDS = {"B": QFT_BOOL, "N": QFT_NUMBER, "O": QFT_OTHER}

#: Legacy column titles of backend parameters
_BE_TITLES = {
  constants.BE_AUTO_BALANCE: "Auto_balance",
  constants.BE_MAXMEM: "ConfigMaxMem",
  constants.BE_MINMEM: "ConfigMinMem",
  constants.BE_VCPUS: "ConfigVCPUs",
  }

_STATUS_DOC = (
  "Instance status; \"%s\" if instance is set to be running and actually"
  " is, \"%s\" if instance is stopped and is not running, \"%s\" if"
  " instance running, but not on its designated primary node, \"%s\" if"
  " instance should be stopped, but is actually running, \"%s\" if"
  " instance should run, but doesn't, \"%s\" if instance's primary node is"
  " down, \"%s\" if instance's primary node is marked offline, \"%s\" if"
  " instance is offline and does not use dynamic resources" %
  (constants.INSTST_RUNNING, constants.INSTST_ADMINDOWN,
   constants.INSTST_WRONGNODE, constants.INSTST_ERRORUP,
   constants.INSTST_ERRORDOWN, constants.INSTST_NODEDOWN,
   constants.INSTST_NODEOFFLINE, constants.INSTST_ADMINOFFLINE))

#: Hypervisor states (live data "state") meaning "shut down by the user"
USER_SHUTDOWN_STATES = frozenset(["shutdown", constants.INSTST_USERDOWN])


def _HvFields():
  result = []
  for entry in _HV_FIELDS.split():
    (name, kind, title) = entry.split(":")
    result.append((name, _HV_KINDS[kind], title or "hv/%s" % name))
  return result


# Value helpers -------------------------------------------------------------

def _Disks(ctx, inst):
  return ctx.GetInstanceDisks(inst)


def _NicParams(ctx, inst):
  return [ctx.cluster.SimpleFillNIC(nic.nicparams or {})
          for nic in inst.nics or []]


def _NodeName(ctx, node_uuid):
  node = (ctx.nodes or {}).get(node_uuid)
  if node is None:
    return None
  return node.name


def _NodeGroup(ctx, node_uuid):
  node = (ctx.nodes or {}).get(node_uuid)
  if node is None:
    return None
  return (ctx.groups or {}).get(node.group)


def _GetPnodeGroup(attr):
  def fn(ctx, inst):
    group = _NodeGroup(ctx, inst.primary_node)
    if group is None:
      return FS_UNAVAIL
    return getattr(group, attr)
  return fn


def _GetSnodesGroup(attr):
  def fn(ctx, inst):
    result = []
    for uuid in ctx.GetInstanceSecondaryNodes(inst):
      group = _NodeGroup(ctx, uuid)
      result.append(None if group is None else getattr(group, attr))
    return result
  return fn


def _GetOperState(ctx, inst):
  if (inst.primary_node in ctx.bad_node_uuids or
      inst.primary_node in ctx.offline_node_uuids):
    return FS_NODATA
  return bool(ctx.live_data.get(inst.uuid))


def _GetLive(name):
  """Live value from the hypervisor; stopped instances: unavailable."""
  def fn(ctx, inst):
    if (inst.primary_node in ctx.bad_node_uuids or
        inst.primary_node in ctx.offline_node_uuids):
      # "no data" rather than "offline": the instance itself is not offline
      return FS_NODATA
    data = ctx.live_data.get(inst.uuid)
    if data and data.get(name) is not None:
      return data[name]
    return FS_UNAVAIL
  return fn


def ComputeInstanceStatus(ctx, inst):
  """The "status" value of an instance (running, ADMIN_down, ...)."""
  if inst.primary_node in ctx.offline_node_uuids:
    return constants.INSTST_NODEOFFLINE
  if inst.primary_node in ctx.bad_node_uuids:
    return constants.INSTST_NODEDOWN
  live = ctx.live_data.get(inst.uuid)
  if live:
    if inst.uuid in ctx.wrongnode_inst:
      return constants.INSTST_WRONGNODE
    if live.get("state") in USER_SHUTDOWN_STATES:
      if inst.admin_state == constants.ADMINST_UP:
        return constants.INSTST_USERDOWN
      return constants.INSTST_ADMINDOWN
    if inst.admin_state == constants.ADMINST_UP:
      return constants.INSTST_RUNNING
    return constants.INSTST_ERRORUP
  if inst.admin_state == constants.ADMINST_UP:
    return constants.INSTST_ERRORDOWN
  if inst.admin_state == constants.ADMINST_DOWN:
    return constants.INSTST_ADMINDOWN
  return constants.INSTST_ADMINOFFLINE


def _GetConsole(ctx, inst):
  console = (ctx.console or {}).get(inst.uuid)
  if console is None:
    return FS_UNAVAIL
  return console


def _GetDiskUsage(ctx, inst):
  usage = (ctx.disk_usage or {}).get(inst.uuid)
  if usage is None:
    return 0
  return usage


def _GetDiskTemplate(ctx, inst):
  if inst.disk_template:
    return inst.disk_template
  disks = _Disks(ctx, inst)
  if not disks:
    return constants.DT_DISKLESS
  return disks[0].dev_type


def _GetHvParam(name):
  def fn(ctx, inst):
    return ctx.cluster.FillHV(inst, skip_globals=True).get(name, FS_UNAVAIL)
  return fn


def _GetBeParam(name):
  def fn(ctx, inst):
    return ctx.cluster.FillBE(inst).get(name, FS_UNAVAIL)
  return fn


def _MaybeUnavail(value):
  if value is None:
    return FS_UNAVAIL
  return value


def _NetworkName(ctx, net_uuid):
  net = (ctx.networks or {}).get(net_uuid)
  if net is None:
    return None
  return net.name


def _IndexedDisk(index, fn):
  def getter(ctx, inst):
    disks = _Disks(ctx, inst)
    if index < len(disks):
      return fn(disks[index])
    return FS_UNAVAIL
  return getter


def _IndexedNic(index, fn):
  def getter(ctx, inst):
    nics = inst.nics or []
    if index < len(nics):
      return fn(ctx, nics[index],
                ctx.cluster.SimpleFillNIC(nics[index].nicparams or {}))
    return FS_UNAVAIL
  return getter


def _NicBridge(nicp):
  if nicp.get(constants.NIC_MODE) == constants.NIC_MODE_BRIDGED:
    return nicp.get(constants.NIC_LINK)
  return None


#: Per-NIC values: (name, title, list field, list title, list doc, doc,
#: fn(ctx, nic, filled nicparams))
_NIC_VALUES = [
  ("mac", "NicMAC", "nic.macs", "NIC_MACs",
   "List containing each network interface's MAC address",
   "MAC address", lambda ctx, nic, nicp: nic.mac),
  ("ip", "NicIP", "nic.ips", "NIC_IPs",
   "List containing each network interface's IP address",
   "IP address", lambda ctx, nic, nicp: nic.ip),
  ("mode", "NicMode", "nic.modes", "NIC_modes",
   "List containing each network interface's mode",
   "Mode", lambda ctx, nic, nicp: nicp.get(constants.NIC_MODE)),
  ("link", "NicLink", "nic.links", "NIC_links",
   "List containing each network interface's link",
   "Link", lambda ctx, nic, nicp: nicp.get(constants.NIC_LINK)),
  ("vlan", "NicVLAN", "nic.vlans", "NIC_VLANs",
   "List containing each network interface's VLAN",
   "VLAN", lambda ctx, nic, nicp: nicp.get(constants.NIC_VLAN)),
  ("network", "NicNetwork", "nic.networks", "NIC_networks",
   "List containing each interface's network",
   "Network", lambda ctx, nic, nicp: nic.network),
  ("network.name", "NicNetworkName", "nic.networks.names",
   "NIC_networks_names",
   "List containing the name of each interface's network",
   "Network name", lambda ctx, nic, nicp: _NetworkName(ctx, nic.network)),
  ("bridge", "NicBridge", "nic.bridges", "NIC_bridges",
   "List containing each network interface's bridge",
   "Bridge", lambda ctx, nic, nicp: _NicBridge(nicp)),
  ("name", "NicName", "nic.names", "NIC_Names",
   "List containing each network interface's name",
   "Name address", lambda ctx, nic, nicp: nic.name),
  ("uuid", "NicUUID", "nic.uuids", "NIC_UUIDs",
   "List containing each network interface's UUID",
   "UUID address", lambda ctx, nic, nicp: nic.uuid),
  ]

#: Per-disk values: (name, title, kind, list field, list title, list doc,
#: doc, fn(disk))
_DISK_VALUES = [
  ("size", "Disk", QFT_UNIT, "disk.sizes", "Disk_sizes",
   "List of disk sizes", "Disk size", lambda d: d.size),
  ("spindles", "DiskSpindles", QFT_NUMBER, "disk.spindles",
   "Disk_spindles", "List of disk spindles", "Spindles",
   lambda d: d.spindles),
  ("name", "DiskName", QFT_TEXT, "disk.names", "Disk_names",
   "List of disk names", "Name", lambda d: d.name),
  ("uuid", "DiskUUID", QFT_TEXT, "disk.uuids", "Disk_UUIDs",
   "List of disk UUIDs", "UUID", lambda d: d.uuid),
  ]


def _DiskFields():
  fields = [
    (MakeField("disk.count", "Disks", QFT_NUMBER, "Number of disks"),
     IQ_CONFIG, 0, lambda ctx, inst: len(inst.disks or [])),
    ]
  for (name, title, kind, lname, ltitle, ldoc, doc, fn) in _DISK_VALUES:
    fields.append((MakeField(lname, ltitle, QFT_OTHER, ldoc), IQ_CONFIG, 0,
                   lambda ctx, inst, fn=fn: [fn(d)
                                             for d in _Disks(ctx, inst)]))
    for index in range(constants.MAX_DISKS):
      fields.append((MakeField("disk.%s/%d" % (name, index),
                               "%s/%d" % (title, index), kind,
                               "%s of %s disk" %
                               (doc, utils.FormatOrdinal(index + 1))),
                     IQ_CONFIG, 0,
                     _IndexedDisk(index, lambda d, fn=fn:
                                  _MaybeUnavail(fn(d)))))
  for (alias, index) in [("sda_size", 0), ("sdb_size", 1)]:
    fields.append((MakeField(alias, "Disk/%d" % index, QFT_UNIT,
                             "Disk size of %s disk" %
                             utils.FormatOrdinal(index + 1)),
                   IQ_CONFIG, 0, _IndexedDisk(index, lambda d: d.size)))
  return fields


def _NicFields():
  fields = [
    (MakeField("nic.count", "NICs", QFT_NUMBER,
               "Number of network interfaces"),
     IQ_CONFIG, 0, lambda ctx, inst: len(inst.nics or [])),
    (MakeField("custom_nicparams", "CustomNicParameters", QFT_OTHER,
               "Custom network interface parameters"),
     IQ_CONFIG, 0, lambda ctx, inst: [nic.nicparams or {}
                                      for nic in inst.nics or []]),
    ]
  for (name, title, lname, ltitle, ldoc, doc, fn) in _NIC_VALUES:
    datakind = IQ_NETWORKS if name == "network.name" else IQ_CONFIG
    fields.append(
      (MakeField(lname, ltitle, QFT_OTHER, ldoc), datakind, 0,
       lambda ctx, inst, fn=fn: [
         fn(ctx, nic, nicp)
         for (nic, nicp) in zip(inst.nics or [], _NicParams(ctx, inst))]))
    for index in range(constants.MAX_NICS):
      fields.append(
        (MakeField("nic.%s/%d" % (name, index), "%s/%d" % (title, index),
                   QFT_TEXT, "%s of %s network interface" %
                   (doc, utils.FormatOrdinal(index + 1))),
         datakind, 0,
         _IndexedNic(index, lambda ctx, nic, nicp, fn=fn:
                     _MaybeUnavail(fn(ctx, nic, nicp)))))
  for (alias, name) in [("mac", "mac"), ("ip", "ip"), ("bridge", "bridge"),
                        ("nic_mode", "mode"), ("nic_link", "link"),
                        ("nic_network", "network")]:
    (_, title, _, _, _, doc, fn) = [v for v in _NIC_VALUES
                                    if v[0] == name][0]
    fields.append(
      (MakeField(alias, "%s/0" % title, QFT_TEXT,
                 "%s of 1st network interface" % doc),
       IQ_CONFIG, 0, _IndexedNic(0, lambda ctx, nic, nicp, fn=fn:
                                 _MaybeUnavail(fn(ctx, nic, nicp)))))
  return fields


def _ParamFields():
  fields = [
    (MakeField("hvparams", "HypervisorParameters", QFT_OTHER,
               "Hypervisor parameters (merged)"),
     IQ_CONFIG, 0,
     lambda ctx, inst: ctx.cluster.FillHV(inst, skip_globals=True)),
    (MakeField("custom_hvparams", "CustomHypervisorParameters", QFT_OTHER,
               "Custom hypervisor parameters"),
     IQ_CONFIG, 0, lambda ctx, inst: inst.hvparams or {}),
    (MakeField("beparams", "BackendParameters", QFT_OTHER,
               "Backend parameters (merged)"),
     IQ_CONFIG, 0, lambda ctx, inst: ctx.cluster.FillBE(inst)),
    (MakeField("custom_beparams", "CustomBackendParameters", QFT_OTHER,
               "Custom backend parameters"),
     IQ_CONFIG, 0, lambda ctx, inst: inst.beparams or {}),
    (MakeField("osparams", "OpSysParameters", QFT_OTHER,
               "Operating system parameters (merged)"),
     IQ_CONFIG, 0, lambda ctx, inst: ctx.cluster.SimpleFillOS(
       inst.os, inst.osparams or {})),
    (MakeField("custom_osparams", "CustomOpSysParameters", QFT_OTHER,
               "Custom operating system parameters"),
     IQ_CONFIG, 0, lambda ctx, inst: inst.osparams or {}),
    ]
  for (name, kind, title) in _HvFields():
    fields.append((MakeField("hv/%s" % name, title, kind,
                             "The \"%s\" hypervisor parameter" % name),
                   IQ_CONFIG, 0, _GetHvParam(name)))
  for (name, vtype) in constants.BES_PARAMETER_TYPES.items():
    fields.append((MakeField("be/%s" % name,
                             _BE_TITLES.get(name, "be/%s" % name),
                             VTYPE_TO_QFT[vtype],
                             "The \"%s\" backend parameter" % name),
                   IQ_CONFIG, 0, _GetBeParam(name)))
  # Legacy aliases
  fields.append((MakeField("be/memory", _BE_TITLES[constants.BE_MAXMEM],
                           QFT_UNIT, "The \"%s\" backend parameter" %
                           constants.BE_MAXMEM),
                 IQ_CONFIG, 0, _GetBeParam(constants.BE_MAXMEM)))
  fields.append((MakeField("vcpus", _BE_TITLES[constants.BE_VCPUS],
                           QFT_NUMBER, "The \"%s\" backend parameter" %
                           constants.BE_VCPUS),
                 IQ_CONFIG, 0, _GetBeParam(constants.BE_VCPUS)))
  return fields


def BuildInstanceFields():
  """The instance field table."""
  fields = [
    (MakeField("name", "Instance", QFT_TEXT, "Instance name"),
     IQ_CONFIG, QFF_HOSTNAME, GetItemAttr("name")),
    (MakeField("uuid", "UUID", QFT_TEXT, "Instance UUID"),
     IQ_CONFIG, 0, GetItemAttr("uuid")),
    (MakeField("os", "OS", QFT_TEXT, "Operating system"),
     IQ_CONFIG, 0, GetItemAttr("os")),
    (MakeField("hypervisor", "Hypervisor", QFT_TEXT, "Hypervisor name"),
     IQ_CONFIG, 0, GetItemAttr("hypervisor")),
    (MakeField("pnode", "Primary_node", QFT_TEXT, "Primary node"),
     IQ_NODES, QFF_HOSTNAME,
     lambda ctx, inst: _NodeName(ctx, inst.primary_node)),
    (MakeField("pnode.group", "PrimaryNodeGroup", QFT_TEXT,
               "Primary node's group"),
     IQ_NODES, 0, _GetPnodeGroup("name")),
    (MakeField("pnode.group.uuid", "PrimaryNodeGroupUUID", QFT_TEXT,
               "Primary node's group UUID"),
     IQ_NODES, 0, _GetPnodeGroup("uuid")),
    (MakeField("snodes", "Secondary_Nodes", QFT_OTHER,
               "Secondary nodes; usually this will just be one node"),
     IQ_NODES, 0, lambda ctx, inst: [
       _NodeName(ctx, uuid)
       for uuid in ctx.GetInstanceSecondaryNodes(inst)]),
    (MakeField("snodes.group", "SecondaryNodesGroups", QFT_OTHER,
               "Node groups of secondary nodes"),
     IQ_NODES, 0, _GetSnodesGroup("name")),
    (MakeField("snodes.group.uuid", "SecondaryNodesGroupsUUID", QFT_OTHER,
               "Node group UUIDs of secondary nodes"),
     IQ_NODES, 0, _GetSnodesGroup("uuid")),
    (MakeField("admin_state", "InstanceState", QFT_TEXT,
               "Desired state of instance"),
     IQ_CONFIG, 0, GetItemAttr("admin_state")),
    (MakeField("admin_state_source", "InstanceStateSource", QFT_TEXT,
               "Who last changed the desired state of the instance"),
     IQ_CONFIG, 0, GetItemAttr("admin_state_source")),
    (MakeField("admin_up", "Autostart", QFT_BOOL,
               "Desired state of instance"),
     IQ_CONFIG, 0,
     lambda ctx, inst: inst.admin_state == constants.ADMINST_UP),
    (MakeField("disks_active", "DisksActive", QFT_BOOL,
               "Desired state of instance disks"),
     IQ_CONFIG, 0, lambda ctx, inst: bool(inst.disks_active)),
    (MakeField("forthcoming", "Forthcoming", QFT_BOOL,
               "whether the Instance is forthcoming"),
     IQ_CONFIG, 0, lambda ctx, inst: bool(inst.forthcoming)),
    (MakeField("disk_template", "Disk_template", QFT_TEXT,
               "Instance disk template"),
     IQ_CONFIG, 0, _GetDiskTemplate),
    (MakeField("network_port", "Network_port", QFT_OTHER,
               "Instance network port if available (e.g. for VNC"
               " console)"),
     IQ_CONFIG, 0, GetItemAttr("network_port")),
    (MakeField("serial_no", "SerialNo", QFT_NUMBER, "Instance object"
               " serial number, incremented on each modification"),
     IQ_CONFIG, 0, GetItemAttr("serial_no")),
    (MakeField("oper_state", "Running", QFT_BOOL,
               "Actual state of instance"),
     IQ_LIVE, 0, _GetOperState),
    (MakeField("oper_ram", "Memory", QFT_UNIT,
               "Actual memory usage as seen by hypervisor"),
     IQ_LIVE, 0, _GetLive("memory")),
    (MakeField("oper_vcpus", "VCPUs", QFT_NUMBER,
               "Actual number of VCPUs as seen by hypervisor"),
     IQ_LIVE, 0, _GetLive("vcpus")),
    (MakeField("status", "Status", QFT_TEXT, _STATUS_DOC),
     IQ_LIVE, 0, ComputeInstanceStatus),
    (MakeField("console", "Console", QFT_OTHER,
               "Instance console information"),
     IQ_CONSOLES, 0, _GetConsole),
    (MakeField("disk_usage", "DiskUsage", QFT_UNIT, "Total disk space used"
               " by instance on each of its nodes; this is not the disk"
               " size visible to the instance, but the usage on the node"),
     IQ_DISKUSAGE, 0, _GetDiskUsage),
    GetTagsField(IQ_CONFIG),
    ]
  fields.extend(_ParamFields())
  fields.extend(_DiskFields())
  fields.extend(_NicFields())
  fields.extend(GetItemTimestampFields(IQ_CONFIG))
  return BuildFieldMap(fields)
