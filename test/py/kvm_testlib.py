"""Shared helpers of the kvm hypervisor tests."""

import os

from ganeti import constants
from ganeti import objects
from ganeti.hypervisor.hv_kvm import caps as kvm_caps

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data", "kvm")

INST_UUID = "003fc157-66a8-4e6d-8b7e-ec4f69751396"
NIC_UUID = "7c079136-2573-4112-82d0-0d3d2aa90d8f"
DISK_UUID = "9f5c5bd4-6f60-480b-acdc-9bb1a4b7df79"


def ReadData(name):
  with open(os.path.join(DATA, name)) as fh:
    return fh.read()


def Caps72():
  """The capabilities of the recorded Debian qemu 7.2."""
  return kvm_caps.QemuCaps.FromOutputs(
    ReadData("qemu_7.2_version.txt"), ReadData("qemu_7.2_help.txt"),
    ReadData("qemu_7.2_machine_help.txt"),
    ReadData("qemu_7.2_device_help.txt"))


def HvParams(**kwargs):
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_KVM])
  hvp.update(kwargs)
  return hvp


def Instance(hvparams=None, nics=None, network_port=None, vcpus=1,
             maxmem=128, name="inst1.example.com"):
  return objects.Instance(
    name=name, uuid=INST_UUID, hypervisor=constants.HT_KVM,
    hvparams=hvparams or HvParams(), beparams={"maxmem": maxmem,
                                                "vcpus": vcpus},
    nics=nics or [], disks_info=[], network_port=network_port, tags=[])


def Nic(mac="aa:00:00:bf:2f:16", mode="bridged", link="br0", ip=None):
  return objects.NIC(mac=mac, ip=ip, name=None, network=None,
                     nicparams={"mode": mode, "link": link},
                     uuid=NIC_UUID)


def Disk(mode="rw", uuid=DISK_UUID):
  return objects.Disk(dev_type="file", size=1024, mode=mode, uuid=uuid,
                      logical_id=["loop", "/srv/x.disk0"], iv_name="disk/0",
                      params={})
