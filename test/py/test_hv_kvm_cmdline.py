"""The qemu argv builder of the kvm hypervisor: hvparams -> exact argv."""

import pytest

from ganeti import errors
from ganeti.hypervisor.hv_kvm import caps as kvm_caps
from ganeti.hypervisor.hv_kvm import cmdline
from ganeti.hypervisor.hv_kvm import runtime

import kvm_testlib as T

pytestmark = pytest.mark.unit

BASE = "/run/kvm"
NAME = "inst1.example.com"
CTRL = BASE + "/ctrl/" + NAME
PIDFILE = BASE + "/pid/" + NAME


@pytest.fixture
def dirs():
  return runtime.RuntimeDirs(BASE)


def _Head(machine="pc-i440fx-7.2", smp="1", mem="128"):
  return ["/usr/bin/kvm", "-name", NAME, "-m", mem, "-smp", smp,
          "-pidfile", PIDFILE, "-device", "virtio-balloon-pci,id=balloon",
          "-daemonize"]


def _Tail(serial=True):
  tail = ["-monitor", "unix:%s.monitor,server=on,wait=off" % CTRL]
  if serial:
    tail += ["-serial", "unix:%s.serial,server=on,wait=off" % CTRL]
  else:
    tail += ["-serial", "none"]
  return tail


def _Build(dirs, caps=None, spice=None, **kw):
  inst_kw = {k: kw.pop(k) for k in ("vcpus", "network_port", "maxmem")
             if k in kw}
  hvp = T.HvParams(**kw)
  inst = T.Instance(hvparams=hvp, **inst_kw)
  return cmdline.BuildBaseCommand(inst, hvp, caps or T.Caps72(), dirs,
                                  spice)


UUID = ["-uuid", T.INST_UUID]


@pytest.mark.parametrize("hvp, middle, after", [
  # defaults: disk boot, qemu's default accelerator, no display
  ({}, ["-machine", "pc-i440fx-7.2", "-boot", "c"],
   ["-display", "none"] + UUID),
  # TCG (kvm_flag disabled), kernel boot with serial console arguments
  ({"kvm_flag": "disabled", "kernel_path": "/boot/vmlinuz",
    "initrd_path": "/boot/initrd", "kernel_args": "ro quiet"},
   ["-machine", "pc-i440fx-7.2,accel=tcg", "-kernel", "/boot/vmlinuz",
    "-initrd", "/boot/initrd",
    "-append", "root=/dev/vda1 ro quiet console=ttyS0,38400"],
   ["-display", "none"] + UUID),
  ({"kvm_flag": "enabled", "machine_version": "pc-q35-7.2",
    "kernel_path": "/k", "root_path": "", "serial_speed": 115200},
   ["-machine", "pc-q35-7.2,accel=kvm", "-kernel", "/k",
    "-append", "ro console=ttyS0,115200"],
   ["-display", "none"] + UUID),
  # boot orders
  ({"boot_order": "network"}, ["-machine", "pc-i440fx-7.2", "-boot", "n"],
   ["-display", "none"] + UUID),
  ({"boot_order": "cdrom", "cdrom_image_path": "/iso/d.iso"},
   ["-machine", "pc-i440fx-7.2", "-boot", "d", "-drive",
    "file=/iso/d.iso,format=raw,media=cdrom,if=ide"],
   ["-display", "none"] + UUID),
  ({"cdrom_image_path": "/a.iso", "cdrom2_image_path": "/b.iso",
    "cdrom_disk_type": "paravirtual"},
   ["-machine", "pc-i440fx-7.2", "-boot", "c",
    "-drive", "file=/a.iso,format=raw,media=cdrom,if=virtio",
    "-drive", "file=/b.iso,format=raw,media=cdrom,if=virtio"],
   ["-display", "none"] + UUID),
  ({"boot_order": "floppy", "floppy_image_path": "/f.img"},
   ["-machine", "pc-i440fx-7.2", "-boot", "a",
    "-drive", "file=/f.img,format=raw,media=disk,if=floppy"],
   ["-display", "none"] + UUID),
  # memory backing, acpi, reboot behaviour come before/after the machine
  ({"mem_path": "/hugepages"},
   ["-machine", "pc-i440fx-7.2", "-boot", "c",
    "-mem-path", "/hugepages", "-mem-prealloc"],
   ["-display", "none"] + UUID),
  # usb, localtime, cpu, vga, extra
  ({"usb_mouse": "tablet", "usb_devices": "usb-kbd,usb-tablet"},
   ["-machine", "pc-i440fx-7.2", "-boot", "c"],
   None),
  ({"use_localtime": True, "cpu_type": "qemu64", "vga": "std",
    "kvm_extra": "-no-hpet -global a.b=c"},
   ["-machine", "pc-i440fx-7.2", "-boot", "c"],
   ["-display", "none", "-rtc", "base=localtime", "-cpu", "qemu64",
    "-vga", "std"] + UUID + ["-no-hpet", "-global", "a.b=c"]),
])
def test_base_command(dirs, hvp, middle, after):
  argv = _Build(dirs, **hvp)
  if after is None:  # the usb case, checked as a whole
    assert argv == _Head() + middle + _Tail() + [
      "-usb", "-usbdevice", "tablet", "-usbdevice", "usb-kbd",
      "-usbdevice", "usb-tablet", "-display", "none"] + UUID
  else:
    assert argv == _Head() + middle + _Tail() + after


def test_acpi_reboot_smp(dirs):
  argv = _Build(dirs, acpi=False, reboot_behavior="exit", cpu_cores=2,
                cpu_threads=1, cpu_sockets=1, vcpus=2, maxmem=512,
                serial_console=False)
  assert argv == (
    ["/usr/bin/kvm", "-name", NAME, "-m", "512", "-smp",
     "2,cores=2,threads=1,sockets=1", "-pidfile", PIDFILE,
     "-device", "virtio-balloon-pci,id=balloon", "-daemonize", "-no-acpi",
     "-no-reboot", "-machine", "pc-i440fx-7.2", "-boot", "c"] +
    _Tail(serial=False) + ["-display", "none"] + UUID)


def test_vnc(dirs):
  argv = _Build(dirs, vnc_bind_address="0.0.0.0", network_port=5901)
  assert argv[-4:] == ["-vnc", ":1"] + UUID
  argv = _Build(dirs, vnc_bind_address="127.0.0.1", network_port=5905,
                vnc_password_file="/etc/pw")
  assert argv[-4:] == ["-vnc", "127.0.0.1:5,password=on"] + UUID
  argv = _Build(dirs, vnc_bind_address="127.0.0.1", network_port=5905,
                vnc_tls=True, vnc_x509_path="/etc/x509",
                vnc_x509_verify=True)
  assert argv[-6:] == [
    "-object", "tls-creds-x509,id=vnctls0,endpoint=server,dir=/etc/x509,"
    "verify-peer=on", "-vnc", "127.0.0.1:5,tls-creds=vnctls0"] + UUID
  argv = _Build(dirs, vnc_bind_address="/var/run/vnc")
  assert argv[-4:] == ["-vnc", "unix:/var/run/vnc/%s.vnc" % NAME] + UUID
  with pytest.raises(errors.HypervisorError, match="VNC display"):
    _Build(dirs, vnc_bind_address="0.0.0.0", network_port=None)


def test_vnc_old_qemu(dirs):
  caps = kvm_caps.QemuCaps("1.1.2", (1, 1, 2), "pc-1.1", ["pc-1.1"],
                           set(), kvm_caps.ParseHelpOptions(
                             T.ReadData("kvm_1.1.2_help.txt")))
  argv = _Build(dirs, caps=caps, vnc_bind_address="0.0.0.0",
                network_port=6000, vnc_tls=True, vnc_x509_path="/x")
  assert "-balloon" in argv and argv[argv.index("-balloon") + 1] == "virtio"
  assert argv[argv.index("-vnc") + 1] == ":100,tls,x509=/x"
  assert argv[argv.index("-monitor") + 1] == \
    "unix:%s.monitor,server,nowait" % CTRL


def test_spice(dirs):
  argv = _Build(dirs, spice_bind="192.0.2.1", network_port=11000,
                spice_ip_version=4, spice_image_compression="lz",
                spice_playback_compression=False)
  idx = argv.index("-spice")
  assert argv[idx:idx + 2] == [
    "-spice", "addr=192.0.2.1,port=11000,ipv4=on,disable-ticketing=on,"
    "image-compression=lz,playback-compression=off"]
  assert argv[idx + 2:idx + 8] == [
    "-device", "virtio-serial-pci,id=spice",
    "-device", "virtserialport,chardev=spicechannel0,"
    "name=com.redhat.spice.0",
    "-chardev", "spicevmc,id=spicechannel0,name=vdagent"]
  assert "-display" not in argv


def test_old_qemu_without_machine_option(dirs):
  caps = kvm_caps.QemuCaps("0.12.5", (0, 12, 5), "pc", ["pc"], set(),
                           kvm_caps.ParseHelpOptions(
                             T.ReadData("kvm_0.12.5_help.txt")))
  argv = _Build(dirs, caps=caps, kvm_flag="enabled")
  idx = argv.index("-M")
  assert argv[idx:idx + 3] == ["-M", "pc", "-enable-kvm"]
  assert "-nographic" in argv and "-display" not in argv


def test_chroot_and_soundhw(dirs):
  argv = _Build(dirs, use_chroot=True, soundhw="AC97")
  assert argv[argv.index("-chroot") + 1] == BASE + "/chroot/" + NAME
  # qemu 7.2 has no -soundhw: the sound card is a device
  assert argv[7:11] == ["-pidfile", PIDFILE, "-device", "AC97"]


def test_exec_args(dirs):
  caps = T.Caps72()
  hvp = T.HvParams(disk_cache="none", disk_aio="native", vhost_net=True,
                   keymap="de")
  inst = T.Instance(hvparams=hvp)
  args = cmdline.BuildExecArgs(inst, hvp, caps, dirs, [T.Nic()], [[7]],
                               [(T.Disk(), "/dev/loop0", None)],
                               run_as="nobody")
  assert args == [
    "-S", "-runas", "nobody", "-k", "de",
    "-netdev", "tap,id=nic-7c079136-2573-4112,fd=7,vhost=on",
    "-device", "virtio-net-pci,netdev=nic-7c079136-2573-4112,"
    "mac=aa:00:00:bf:2f:16,id=nic-7c079136-2573-4112",
    "-qmp", "unix:%s.qmp,server=on,wait=off" % CTRL,
    "-drive", "file=/dev/loop0,format=raw,if=none,"
    "id=disk-9f5c5bd4-6f60-480b,cache=none,aio=native",
    "-device", "virtio-blk-pci,drive=disk-9f5c5bd4-6f60-480b,"
    "id=disk-9f5c5bd4-6f60-480b,bootindex=0"]


def test_exec_args_incoming_no_nics(dirs):
  hvp = T.HvParams(kernel_path="/k", disk_type="ide", nic_type="e1000")
  inst = T.Instance(hvparams=hvp)
  args = cmdline.BuildExecArgs(inst, hvp, T.Caps72(), dirs, [], [],
                               [(T.Disk(), "/dev/loop0", "rbd:pool/x")],
                               incoming=("192.0.2.5", 8102))
  assert args == ["-net", "none",
                  "-qmp", "unix:%s.qmp,server=on,wait=off" % CTRL,
                  "-drive", "file=rbd:pool/x,format=raw,if=ide",
                  "-incoming", "tcp:192.0.2.5:8102"]


def test_exec_args_nic_types_and_multiqueue(dirs):
  hvp = T.HvParams(nic_type="e1000")
  inst = T.Instance(hvparams=hvp)
  args = cmdline.NicArgs([T.Nic()], [[9]], hvp, T.Caps72())
  assert args == ["-netdev", "tap,id=nic-7c079136-2573-4112,fd=9",
                  "-device", "e1000,netdev=nic-7c079136-2573-4112,"
                  "mac=aa:00:00:bf:2f:16,id=nic-7c079136-2573-4112"]
  hvp = T.HvParams(virtio_net_queues=2)
  args = cmdline.NicArgs([T.Nic()], [[9, 10]], hvp, T.Caps72())
  assert args[1] == "tap,id=nic-7c079136-2573-4112,fds=9:10"
  assert args[3].endswith(",mq=on,vectors=6")
  del inst


def test_scsi_disks(dirs):
  hvp = T.HvParams(disk_type="scsi-hd",
                   scsi_controller_type="virtio-scsi-pci")
  args = cmdline.DiskArgs([(T.Disk(), "/dev/a", None),
                           (T.Disk(uuid="11111111-2222-3333-4444-5"),
                            "/dev/b", None)], hvp, T.Caps72())
  assert args == [
    "-device", "virtio-scsi-pci,id=scsi",
    "-drive", "file=/dev/a,format=raw,if=none,id=disk-9f5c5bd4-6f60-480b",
    "-device", "scsi-hd,drive=disk-9f5c5bd4-6f60-480b,"
    "id=disk-9f5c5bd4-6f60-480b,bus=scsi.0,bootindex=0",
    "-drive", "file=/dev/b,format=raw,if=none,id=disk-11111111-2222-3333",
    "-device", "scsi-hd,drive=disk-11111111-2222-3333,"
    "id=disk-11111111-2222-3333,bus=scsi.0"]


def test_readonly_disk_rejected(dirs):
  with pytest.raises(errors.HypervisorError, match="read-only"):
    cmdline.DiskArgs([(T.Disk(mode="ro"), "/dev/a", None)], T.HvParams(),
                     T.Caps72())


def test_no_qmp_rejected(dirs):
  caps = kvm_caps.QemuCaps("0.9.1", (0, 9, 1), "pc", ["pc"], set(), set())
  hvp = T.HvParams()
  with pytest.raises(errors.HypervisorError, match="QMP"):
    cmdline.BuildExecArgs(T.Instance(hvparams=hvp), hvp, caps, dirs, [], [],
                          [])


def test_device_id():
  assert cmdline.DeviceId("nic", T.INST_UUID) == "nic-003fc157-66a8-4e6d"
  with pytest.raises(errors.HypervisorError):
    cmdline.DeviceId("disk", None)


def test_relocate_command(dirs):
  other = runtime.RuntimeDirs("/other/node2/kvm")
  argv = _Build(other, use_chroot=True)
  moved = cmdline.RelocateCommand(argv, NAME, dirs, T.Caps72())
  assert moved == _Build(dirs, use_chroot=True)
  assert moved != argv
