"""Xen configuration files: exact text for several hvparam sets."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.hypervisor.hv_xen import config

import xen_testlib as T

pytestmark = pytest.mark.unit

PVM = constants.HT_XEN_PVM
HVM = constants.HT_XEN_HVM


def _Bdevs():
  return [(T.Disk(), "/var/run/ganeti/instance-disks/inst1:0", None),
          (T.Disk(mode=constants.DISK_RDONLY),
           "/var/run/ganeti/instance-disks/inst1:1", None)]


def testPvmDefaults():
  inst = T.MakeInstance()
  text = config.PvmConfig(inst, inst.hvparams, _Bdevs(), 512)
  assert text == """\
kernel = '/boot/vmlinuz-3-xenU'
memory = 512
maxmem = 512
vcpus = 2
cpu_weight=256
name = 'inst1.example.com'
vif = ['mac=aa:00:00:11:22:33, bridge=xen-br0']
disk = ['phy:/var/run/ganeti/instance-disks/inst1:0,sda,w','phy:/var/run/ganeti/instance-disks/inst1:1,sdb,r']
root = '/dev/xvda1'
on_poweroff = 'destroy'
on_reboot = 'restart'
on_crash = 'restart'
extra = 'ro'
"""


def testPvmBootloaderPinningAndMore():
  nics = [
    objects.NIC(mac="aa:00:00:00:00:01", ip="198.51.100.7",
                nicparams={"mode": "routed", "link": "rt1", "vlan": ""}),
    objects.NIC(mac="aa:00:00:00:00:02", ip=None,
                nicparams={"mode": "openvswitch", "link": "ovs0",
                           "vlan": ".100"}),
  ]
  inst = T.MakeInstance(nics=nics, vcpus=3, hvparams={
    "use_bootloader": True, "bootloader_args": "-q", "cpu_mask": "1:all:2-3",
    "cpu_cap": 50, "cpu_weight": 512, "blockdev_prefix": "xvd",
    "root_path": "", "reboot_behavior": "exit", "kernel_args": "ro quiet",
    "vif_script": "/etc/xen/scripts/vif-custom", "cpuid": "['host']"})
  bdevs = [(T.Disk(dev_type=constants.DT_FILE,
                   logical_id=(constants.FD_BLKTAP, "/srv/a")), "/srv/a",
            None)]
  text = config.PvmConfig(inst, inst.hvparams, bdevs, 400)
  assert text == """\
bootloader = '/usr/lib/xen/bin/pygrub'
bootargs = '-q'
memory = 400
maxmem = 512
vcpus = 3
cpus = [ "1", "0-63", "2,3" ]
cpu_cap=50
cpu_weight=512
name = 'inst1.example.com'
vif = ['mac=aa:00:00:00:00:01, ip=198.51.100.7, script=/etc/xen/scripts/vif-custom','mac=aa:00:00:00:00:02, bridge=ovs0.100, script=/etc/xen/scripts/vif-custom']
disk = ['tap:aio:/srv/a,xvda,w']
on_poweroff = 'destroy'
on_reboot = 'destroy'
on_crash = 'restart'
cpuid = ['host']
extra = 'ro quiet'
"""


def testPvmKernelInitrdNoNics():
  inst = T.MakeInstance(nics=[], hvparams={
    "kernel_path": "/boot/vmlinuz", "initrd_path": "/boot/initrd",
    "cpu_mask": "0-1,3", "cpu_weight": 0})
  text = config.PvmConfig(inst, inst.hvparams, [], 512)
  assert text.splitlines()[:6] == [
    "kernel = '/boot/vmlinuz'", "ramdisk = '/boot/initrd'", "memory = 512",
    "maxmem = 512", "vcpus = 2", 'cpu = "0,1,3"']
  assert "vif = []" in text and "disk = []" in text
  assert "cpu_weight" not in text


def testPvmBootloaderWithoutPath():
  inst = T.MakeInstance(hvparams={"use_bootloader": True,
                                  "bootloader_path": ""})
  with pytest.raises(errors.HypervisorError, match="bootloader path"):
    config.PvmConfig(inst, inst.hvparams, [], 512)


def testHvmDefaults():
  inst = T.MakeInstance(hv=HVM, network_port=5903)
  text = config.HvmConfig(inst, inst.hvparams, _Bdevs()[:1], 512, "secret\n")
  assert text == """\
kernel = '/usr/lib/xen/boot/hvmloader'
builder = 'hvm'
memory = 512
maxmem = 512
vcpus = 2
cpu_weight=256
pae = 1
acpi = 1
viridian = 0
apic = 1
device_model = '/usr/lib/xen/bin/qemu-dm'
boot = 'cd'
sdl = 0
usb = 1
usbdevice = 'tablet'
vnc = 1
vnclisten = '0.0.0.0'
vncdisplay = 3
vncunused = 0
vncpasswd = 'secret'
serial = 'pty'
name = 'inst1.example.com'
vif = ['mac=aa:00:00:11:22:33, model=rtl8139, type=ioemu, bridge=xen-br0']
disk = ['phy:/var/run/ganeti/instance-disks/inst1:0,hda,w']
on_poweroff = 'destroy'
on_reboot = 'restart'
on_crash = 'restart'
"""


def testHvmVariants():
  inst = T.MakeInstance(hv=HVM, hvparams={
    "acpi": False, "pae": False, "viridian": True, "use_localtime": True,
    "boot_order": "dc", "nic_type": "paravirtual", "disk_type": "ioemu",
    "cdrom_image_path": "/srv/iso/debian.iso", "vnc_bind_address": "",
    "pci_pass": "0000:03:00.0;0000:04:00.1", "soundhw": "es1370",
    "cpu_mask": "2"})
  text = config.HvmConfig(inst, inst.hvparams, _Bdevs(), 256, None)
  lines = text.splitlines()
  for line in ["pae = 0", "acpi = 0", "viridian = 1", "localtime = 1",
               "boot = 'dc'", 'cpu = "2"', "vnclisten = '0.0.0.0'",
               "# vncdisplay = 1", "vncunused = 1", "soundhw = 'es1370'",
               "vif = ['mac=aa:00:00:11:22:33, type=paravirtualized,"
               " bridge=xen-br0']",
               "disk = ['phy:/var/run/ganeti/instance-disks/inst1:0,"
               "ioemu:hda,w','phy:/var/run/ganeti/instance-disks/inst1:1,"
               "ioemu:hdb,r','file:/srv/iso/debian.iso,hdc:cdrom,r']",
               "pci = ['0000:03:00.0', '0000:04:00.1']"]:
    assert line in lines, line
  assert not any(line.startswith("vncpasswd") for line in lines)


@pytest.mark.parametrize("nic_type,vif_type,expected", [
  (None, None, ""), (None, "vif", ", type=vif"), (None, "", ""),
  ("paravirtual", "ioemu", ", type=paravirtualized"),
  ("e1000", "vif", ", model=e1000, type=ioemu"),
])
def testNicType(nic_type, vif_type, expected):
  nic = objects.NIC(mac="m", ip=None, nicparams={"mode": "routed"})
  hvp = {"vif_type": vif_type} if vif_type is not None else {}
  if nic_type is not None:
    hvp["nic_type"] = nic_type
  assert config.VifLines([nic], hvp) == ["'mac=m%s'" % expected]


@pytest.mark.parametrize("mask,line", [
  ("all", None), ("", None), ("0", 'cpu = "0"'),
  ("0-3", 'cpu = "0,1,2,3"'),
  ("1:2", 'cpus = [ "1", "2" ]'),
  ("0-1,4:all", 'cpus = [ "0,1,4", "0-63" ]'),
])
def testCpuPinning(mask, line):
  assert config.CpuPinningLine(mask) == line


@pytest.mark.parametrize("mask", ["a", "3-1", "1,,2", "-1"])
def testCpuPinningBad(mask):
  with pytest.raises(errors.HypervisorError):
    config.CpuPinningLine(mask)


def testDiskDrivers():
  bdevs = [(T.Disk(dev_type=constants.DT_FILE,
                   logical_id=(drv, "/f%d" % i)), "/f%d" % i, None)
           for (i, drv) in enumerate([constants.FD_LOOP, constants.FD_BLKTAP,
                                      constants.FD_BLKTAP2])]
  bdevs.append((T.Disk(dev_type=constants.DT_DRBD8), "/dev/drbd0", None))
  assert config.DiskLines(bdevs, "xvd") == [
    "'file:/f0,xvda,w'", "'tap:aio:/f1,xvdb,w'",
    "'tap2:tapdisk:aio:/f2,xvdc,w'", "'phy:/dev/drbd0,xvdd,w'"]


def testTooManyDisks():
  bdevs = [(T.Disk(), "/d%d" % i, None) for i in range(27)]
  with pytest.raises(errors.HypervisorError, match="Too many disks"):
    config.DiskLines(bdevs, "sd")
