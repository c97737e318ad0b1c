"""Pure builders of the qemu command line, in Ganeti's order.

Two stages, as Ganeti's KVM driver:

- :func:`BuildBaseCommand` makes the part saved in the runtime file (it
  depends only on the instance, its hvparams and the qemu binary);
- :func:`BuildExecArgs` adds what depends on this start: ``-S``, the user
  to run as, the keymap, the NICs (as already opened tap fds), QMP, the
  disks and ``-incoming`` on a migration target.

Nothing here touches the system: the qemu capabilities come in as a
:class:`ganeti.hypervisor.hv_kvm.caps.QemuCaps`, the paths as a
:class:`ganeti.hypervisor.hv_kvm.runtime.RuntimeDirs`.
"""

import os

from ganeti import constants as C
from ganeti import errors
from ganeti.hypervisor.hv_kvm import kvm_constants as K

# qemu device of each nic_type other than paravirtual
_NIC_DEVICES = {
  K.HT_NIC_RTL8139: "rtl8139", K.HT_NIC_NE2K_ISA: "ne2k_isa",
  K.HT_NIC_NE2K_PCI: "ne2k_pci", K.HT_NIC_I82551: "i82551",
  K.HT_NIC_I85557B: "i82557b", K.HT_NIC_I8259ER: "i82559er",
  K.HT_NIC_PCNET: "pcnet", K.HT_NIC_E1000: "e1000",
  K.HT_NIC_PARAVIRTUAL: K.NIC_PARAVIRTUAL_DEVICE,
}


def _Modern(caps):
  """qemu >= 6.0 wants ``server=on,wait=off`` instead of ``server,nowait``."""
  return caps.version_tuple >= (6, 0)


# sun_path holds 108 bytes with the terminating NUL
UNIX_PATH_MAX = 107


def SocketPath(path):
  """``path``, or its base name when it is too long for a unix socket.

  qemu runs in the directory of its control sockets (all in ``ctrl/``), so
  the relative name reaches the same file.
  """
  if len(path.encode("utf-8")) > UNIX_PATH_MAX:
    return os.path.basename(path)
  return path


def UnixServer(caps, path):
  """A unix socket chardev spec qemu listens on without waiting."""
  path = SocketPath(path)
  if _Modern(caps):
    return "unix:%s,server=on,wait=off" % path
  return "unix:%s,server,nowait" % path


def DeviceId(kind, uuid):
  """Ganeti's qemu device id: ``<kind>-<first 3 groups of the uuid>``."""
  if not uuid:
    raise errors.HypervisorError("A %s without a UUID cannot be given to"
                                 " qemu" % kind)
  return "%s-%s" % (kind, "-".join(uuid.split("-")[:3]))


def _Smp(instance, hvp):
  smp = ["%d" % int(instance.beparams[C.BE_VCPUS])]
  for (param, name) in ((C.HV_CPU_CORES, "cores"),
                        (C.HV_CPU_THREADS, "threads"),
                        (C.HV_CPU_SOCKETS, "sockets")):
    if hvp.get(param):
      smp.append("%s=%d" % (name, int(hvp[param])))
  return ",".join(smp)


def _MachineArgs(hvp, caps):
  """-machine with the accelerator (or -M plus -enable/-disable-kvm)."""
  mversion = hvp[C.HV_KVM_MACHINE_VERSION] or caps.default_machine
  flag = hvp[C.HV_KVM_FLAG]
  if caps.HasOption("machine"):
    if not mversion:
      raise errors.HypervisorError("No machine version given and qemu has"
                                   " no default machine")
    spec = mversion
    if flag == K.HT_KVM_ENABLED:
      spec += ",accel=kvm"
    elif flag == K.HT_KVM_DISABLED:
      spec += ",accel=tcg"
    return ["-machine", spec]
  args = ["-M", mversion] if mversion else []
  if flag == K.HT_KVM_ENABLED and caps.HasOption("enable-kvm"):
    args.append("-enable-kvm")
  elif flag == K.HT_KVM_DISABLED and caps.HasOption("disable-kvm"):
    args.append("-disable-kvm")
  return args


def _DriveCacheOpts(hvp):
  opts = ""
  cache = hvp[C.HV_DISK_CACHE]
  if cache != K.HT_CACHE_DEFAULT:
    opts += ",cache=%s" % cache
  aio = hvp.get(C.HV_DISK_AIO)
  if aio and aio != K.HT_KVM_AIO_THREADS:
    opts += ",aio=%s" % aio
  discard = hvp.get(C.HV_DISK_DISCARD)
  if discard and discard != K.HT_DISCARD_DEFAULT:
    opts += ",discard=%s" % discard
  return opts


def _CdromArgs(image, disk_type, boot):
  """A -drive for a cdrom image (an URL is passed as is)."""
  opts = "file=%s,format=raw,media=cdrom" % image
  if disk_type and disk_type != K.HT_DISK_PARAVIRTUAL:
    opts += ",if=%s" % disk_type
  elif disk_type == K.HT_DISK_PARAVIRTUAL:
    opts += ",if=virtio"
  else:
    opts += ",if=ide"
  args = []
  if boot:
    args.extend(["-boot", "d"])
  args.extend(["-drive", opts])
  return args


def _VncArgs(instance, hvp, caps, dirs):
  """-vnc (and the TLS credentials object) for vnc_bind_address."""
  bind = hvp[C.HV_VNC_BIND_ADDRESS]
  args = []
  if bind.startswith("/"):
    # a directory: qemu listens on a unix socket in it
    return ["-vnc", "unix:%s" % SocketPath("%s/%s.vnc" % (bind,
                                                          instance.name))]
  port = instance.network_port
  if not port or port <= K.VNC_BASE_PORT:
    raise errors.HypervisorError("Network port %s is not a valid VNC display"
                                 " (must be above %d)" %
                                 (port, K.VNC_BASE_PORT))
  display = port - K.VNC_BASE_PORT
  if bind == "0.0.0.0":
    vnc = ":%d" % display
  elif ":" in bind:
    vnc = "[%s]:%d" % (bind, display)
  else:
    vnc = "%s:%d" % (bind, display)
  if hvp[C.HV_VNC_TLS]:
    if _Modern(caps):
      obj = "tls-creds-x509,id=vnctls0,endpoint=server"
      if hvp[C.HV_VNC_X509]:
        obj += ",dir=%s" % hvp[C.HV_VNC_X509]
      obj += ",verify-peer=%s" % ("on" if hvp[C.HV_VNC_X509_VERIFY]
                                  else "off")
      args.extend(["-object", obj])
      vnc += ",tls-creds=vnctls0"
    else:
      vnc += ",tls"
      if hvp[C.HV_VNC_X509_VERIFY]:
        vnc += ",x509verify=%s" % hvp[C.HV_VNC_X509]
      elif hvp[C.HV_VNC_X509]:
        vnc += ",x509=%s" % hvp[C.HV_VNC_X509]
  if hvp[C.HV_VNC_PASSWORD_FILE]:
    vnc += ",password=on" if _Modern(caps) else ",password"
  args.extend(["-vnc", vnc])
  return args


def _SpiceArgs(instance, hvp, spice_address):
  """-spice and the vdagent channel."""
  opts = ["addr=%s" % spice_address]
  port = instance.network_port
  if hvp[C.HV_KVM_SPICE_USE_TLS]:
    opts.append("tls-port=%s" % port)
    if hvp[C.HV_KVM_SPICE_TLS_CIPHERS]:
      opts.append("tls-ciphers=%s" % hvp[C.HV_KVM_SPICE_TLS_CIPHERS])
  else:
    opts.append("port=%s" % port)
  version = hvp[C.HV_KVM_SPICE_IP_VERSION]
  if version == 4:
    opts.append("ipv4=on")
  elif version == 6:
    opts.append("ipv6=on")
  if not hvp[C.HV_KVM_SPICE_PASSWORD_FILE]:
    opts.append("disable-ticketing=on")
  for (param, name) in ((C.HV_KVM_SPICE_LOSSLESS_IMG_COMPR,
                         "image-compression"),
                        (C.HV_KVM_SPICE_JPEG_IMG_COMPR,
                         "jpeg-wan-compression"),
                        (C.HV_KVM_SPICE_ZLIB_GLZ_IMG_COMPR,
                         "zlib-glz-wan-compression"),
                        (C.HV_KVM_SPICE_STREAMING_VIDEO_DETECTION,
                         "streaming-video")):
    if hvp[param]:
      opts.append("%s=%s" % (name, hvp[param]))
  if not hvp[C.HV_KVM_SPICE_AUDIO_COMPR]:
    opts.append("playback-compression=off")
  if not hvp[C.HV_KVM_SPICE_USE_VDAGENT]:
    opts.append("agent-mouse=off")
  args = ["-spice", ",".join(opts)]
  if hvp[C.HV_KVM_SPICE_USE_VDAGENT]:
    args.extend(["-device", "virtio-serial-pci,id=spice",
                 "-device", "virtserialport,chardev=spicechannel0,"
                 "name=com.redhat.spice.0",
                 "-chardev", "spicevmc,id=spicechannel0,name=vdagent"])
  return args


def BuildBaseCommand(instance, hvp, caps, dirs, spice_address=None):
  """The saved part of the qemu argv (a list of strings).

  @param instance: objects.Instance (name, uuid, beparams, network_port)
  @param hvp: the instance's filled kvm hvparams
  @param caps: QemuCaps of hvp's kvm_path
  @param dirs: RuntimeDirs
  @param spice_address: the address spice_bind resolves to on this node
      (an interface name is resolved by the caller)
  @raise errors.HypervisorError: a parameter this qemu cannot honour
  """
  name = instance.name
  cmd = [hvp[C.HV_KVM_PATH], "-name", name,
         "-m", "%d" % int(instance.beparams[C.BE_MAXMEM]),
         "-smp", _Smp(instance, hvp),
         "-pidfile", dirs.PidFile(name)]
  if hvp[C.HV_SOUNDHW]:
    if caps.HasOption("soundhw"):
      cmd.extend(["-soundhw", hvp[C.HV_SOUNDHW]])
    else:
      cmd.extend(["-device", hvp[C.HV_SOUNDHW]])
  if caps.HasDevice("virtio-balloon-pci"):
    cmd.extend(["-device", "virtio-balloon-pci,id=balloon"])
  elif caps.HasOption("balloon"):
    cmd.extend(["-balloon", "virtio"])
  cmd.append("-daemonize")
  if not hvp[C.HV_ACPI]:
    cmd.append("-no-acpi")
  if hvp[C.HV_REBOOT_BEHAVIOR] == C.INSTANCE_REBOOT_EXIT:
    cmd.append("-no-reboot")
  if hvp.get(C.HV_KVM_USER_SHUTDOWN):
    # a guest that powers itself off stays as a stopped qemu, so that the
    # shutdown is seen as the user's (state "shutdown", USER_down)
    cmd.append("-no-shutdown")
  cmd.extend(_MachineArgs(hvp, caps))

  kernel_path = hvp[C.HV_KERNEL_PATH]
  boot_order = hvp[C.HV_BOOT_ORDER]
  if kernel_path:
    boot_disk = boot_cdrom = boot_floppy = boot_network = False
  else:
    boot_disk = boot_order == K.HT_BO_DISK
    boot_cdrom = boot_order == K.HT_BO_CDROM
    boot_floppy = boot_order == K.HT_BO_FLOPPY
    boot_network = boot_order == K.HT_BO_NETWORK
  if boot_network:
    cmd.extend(["-boot", "n"])
  if boot_disk:
    cmd.extend(["-boot", "c"])
  cdrom_type = hvp.get(C.HV_KVM_CDROM_DISK_TYPE) or ""
  if hvp[C.HV_CDROM_IMAGE_PATH]:
    cmd.extend(_CdromArgs(hvp[C.HV_CDROM_IMAGE_PATH], cdrom_type,
                          boot_cdrom))
  if hvp.get(C.HV_KVM_CDROM2_IMAGE_PATH):
    cmd.extend(_CdromArgs(hvp[C.HV_KVM_CDROM2_IMAGE_PATH], cdrom_type,
                          False))
  floppy = hvp.get(C.HV_KVM_FLOPPY_IMAGE_PATH)
  if floppy:
    if boot_floppy:
      cmd.extend(["-boot", "a"])
    cmd.extend(["-drive", "file=%s,format=raw,media=disk,if=floppy" %
                floppy])
  if kernel_path:
    cmd.extend(["-kernel", kernel_path])
    if hvp[C.HV_INITRD_PATH]:
      cmd.extend(["-initrd", hvp[C.HV_INITRD_PATH]])
    append = []
    if hvp[C.HV_ROOT_PATH]:
      append.append("root=%s" % hvp[C.HV_ROOT_PATH])
    if hvp[C.HV_KERNEL_ARGS]:
      append.append(hvp[C.HV_KERNEL_ARGS])
    if hvp[C.HV_SERIAL_CONSOLE]:
      append.append("console=ttyS0,%s" % hvp[C.HV_SERIAL_SPEED])
    cmd.extend(["-append", " ".join(append)])
  if hvp[C.HV_MEM_PATH]:
    cmd.extend(["-mem-path", hvp[C.HV_MEM_PATH], "-mem-prealloc"])
  cmd.extend(["-monitor", UnixServer(caps, dirs.Ctrl(name, "monitor"))])
  if hvp[C.HV_SERIAL_CONSOLE]:
    cmd.extend(["-serial", UnixServer(caps, dirs.Ctrl(name, "serial"))])
  else:
    cmd.extend(["-serial", "none"])

  mouse = hvp[C.HV_USB_MOUSE]
  usb_devices = [d for d in (hvp.get(C.HV_USB_DEVICES) or "").split(",")
                 if d]
  if mouse or usb_devices:
    cmd.append("-usb")
  if mouse:
    if caps.HasOption("usbdevice"):
      cmd.extend(["-usbdevice", mouse])
    else:
      cmd.extend(["-device", "usb-%s" % mouse])
  for dev in usb_devices:
    if caps.HasOption("usbdevice"):
      cmd.extend(["-usbdevice", dev])
    else:
      cmd.extend(["-device", dev])

  if hvp[C.HV_VNC_BIND_ADDRESS]:
    cmd.extend(_VncArgs(instance, hvp, caps, dirs))
  elif hvp[C.HV_KVM_SPICE_BIND]:
    cmd.extend(_SpiceArgs(instance, hvp,
                          spice_address or hvp[C.HV_KVM_SPICE_BIND]))
  elif caps.HasOption("display"):
    cmd.extend(["-display", "none"])
  else:
    cmd.append("-nographic")

  if hvp[C.HV_USE_LOCALTIME]:
    if caps.HasOption("localtime"):
      cmd.append("-localtime")
    else:
      cmd.extend(["-rtc", "base=localtime"])
  if hvp[C.HV_KVM_USE_CHROOT]:
    cmd.extend(["-chroot", dirs.ChrootDir(name)])
  if hvp[C.HV_CPU_TYPE]:
    cmd.extend(["-cpu", hvp[C.HV_CPU_TYPE]])
  if hvp[C.HV_VGA]:
    cmd.extend(["-vga", hvp[C.HV_VGA]])
  if hvp.get(C.HV_KVM_USE_GUEST_AGENT):
    qga = SocketPath(dirs.Ctrl(name, "qga"))
    cmd.extend(["-chardev", "socket,path=%s,server=on,wait=off,id=qga0" % qga
                if _Modern(caps) else
                "socket,path=%s,server,nowait,id=qga0" % qga,
                "-device", "virtio-serial",
                "-device", "virtserialport,chardev=qga0,"
                "name=org.qemu.guest_agent.0"])
  if caps.HasOption("uuid") and instance.uuid:
    cmd.extend(["-uuid", instance.uuid])
  if hvp[C.HV_KVM_EXTRA]:
    cmd.extend(hvp[C.HV_KVM_EXTRA].split(" "))
  return [str(arg) for arg in cmd if arg != ""]


def NicArgs(nics, tap_fds, hvp, caps):
  """-netdev/-device pairs (or -net none) for NICs and their tap fds.

  @param nics: objects.NIC list
  @param tap_fds: one list of fds per NIC (several with multiqueue)
  """
  if not nics:
    return ["-net", "none"]
  nic_type = hvp[C.HV_NIC_TYPE]
  driver = _NIC_DEVICES[nic_type]
  args = []
  for (seq, (nic, fds)) in enumerate(zip(nics, tap_fds)):
    devid = DeviceId("nic", nic.uuid) if nic.uuid else "nic%d" % seq
    if caps.HasOption("netdev"):
      if len(fds) > 1:
        tap = "tap,id=%s,fds=%s" % (devid, ":".join(str(fd) for fd in fds))
      else:
        tap = "tap,id=%s,fd=%d" % (devid, fds[0])
      if nic_type == K.HT_NIC_PARAVIRTUAL:
        if hvp[C.HV_VHOST_NET]:
          tap += ",vhost=on"
      args.extend(["-netdev", tap])
      dev = "%s,netdev=%s,mac=%s,id=%s" % (driver, devid, nic.mac, devid)
      if len(fds) > 1 and nic_type == K.HT_NIC_PARAVIRTUAL:
        dev += ",mq=on,vectors=%d" % (2 * len(fds) + 2)
      args.extend(["-device", dev])
    else:
      args.extend(["-net", "nic,vlan=%d,macaddr=%s,model=%s" %
                   (seq, nic.mac, "virtio" if nic_type ==
                    K.HT_NIC_PARAVIRTUAL else nic_type),
                   "-net", "tap,vlan=%d,fd=%d" % (seq, fds[0])])
  return args


def DiskArgs(block_devices, hvp, caps):
  """-drive (and -device) arguments for (Disk, link, uri) triples.

  @raise errors.HypervisorError: a read-only disk (qemu gets no such mode)
  """
  disk_type = hvp[C.HV_DISK_TYPE]
  cache_opts = _DriveCacheOpts(hvp)
  boot_disk = not hvp[C.HV_KERNEL_PATH] and \
    hvp[C.HV_BOOT_ORDER] == K.HT_BO_DISK
  args = []
  scsi_controller_added = False
  for (idx, (disk, link, uri)) in enumerate(block_devices):
    if disk.mode != C.DISK_RDWR:
      raise errors.HypervisorError("Instance has read-only disks which"
                                   " are not supported by KVM")
    path = uri or link
    devid = DeviceId("disk", disk.uuid) if disk.uuid else "disk%d" % idx
    drive = "file=%s,format=raw" % path
    bootindex = ",bootindex=0" if boot_disk and idx == 0 else ""
    if disk_type == K.HT_DISK_PARAVIRTUAL and \
        caps.HasDevice(K.DISK_PARAVIRTUAL_DEVICE):
      args.extend(["-drive", "%s,if=none,id=%s%s" % (drive, devid,
                                                     cache_opts),
                   "-device", "%s,drive=%s,id=%s%s" %
                   (K.DISK_PARAVIRTUAL_DEVICE, devid, devid, bootindex)])
    elif disk_type in K.HT_SCSI_DEVICE_TYPES:
      if not scsi_controller_added:
        args.extend(["-device", "%s,id=scsi" %
                     hvp[C.HV_KVM_SCSI_CONTROLLER_TYPE]])
        scsi_controller_added = True
      args.extend(["-drive", "%s,if=none,id=%s%s" % (drive, devid,
                                                     cache_opts),
                   "-device", "%s,drive=%s,id=%s,bus=scsi.0%s" %
                   (disk_type, devid, devid, bootindex)])
    else:
      iface = "virtio" if disk_type == K.HT_DISK_PARAVIRTUAL else disk_type
      boot = ""
      if boot_disk and idx == 0 and caps.HasOption("drive-boot") and \
          disk_type != K.HT_DISK_IDE:
        boot = ",boot=on"
      args.extend(["-drive", "%s,if=%s%s%s" % (drive, iface, boot,
                                               cache_opts)])
  return args


def BuildExecArgs(instance, hvp, caps, dirs, nics, tap_fds, block_devices,
                  incoming=None, run_as=None):
  """What is added to the saved argv when qemu is started.

  @param incoming: (address, port) when this is a migration target
  @param run_as: user name or uid for -runas (security model)
  """
  args = []
  if not incoming:
    args.append("-S")
  if run_as is not None:
    args.extend(["-runas", str(run_as)])
  if hvp[C.HV_KEYMAP]:
    args.extend(["-k", hvp[C.HV_KEYMAP]])
  args.extend(NicArgs(nics, tap_fds, hvp, caps))
  if not caps.HasOption("qmp"):
    raise errors.HypervisorError("This qemu (%s) has no QMP support" %
                                 caps.version)
  args.extend(["-qmp", UnixServer(caps, dirs.Ctrl(instance.name, "qmp"))])
  args.extend(DiskArgs(block_devices, hvp, caps))
  if incoming:
    (address, port) = incoming
    if ":" in address:
      address = "[%s]" % address
    args.extend(["-incoming", "tcp:%s:%d" % (address, port)])
  return args


def RelocateCommand(argv, name, dirs, caps):
  """A saved argv with its node-local paths set to this node's ``dirs``.

  The runtime file of another node (a migration source; in a virtual
  cluster each node has its own root) names that node's pid file, control
  sockets and chroot; the same machine started here uses ours.
  """
  result = list(argv)
  for (idx, arg) in enumerate(result[:-1]):
    value = result[idx + 1]
    if arg == "-pidfile":
      result[idx + 1] = dirs.PidFile(name)
    elif arg == "-chroot":
      result[idx + 1] = dirs.ChrootDir(name)
    elif arg in ("-monitor", "-serial") and value.startswith("unix:"):
      kind = "monitor" if arg == "-monitor" else "serial"
      result[idx + 1] = UnixServer(caps, dirs.Ctrl(name, kind))
  return result
