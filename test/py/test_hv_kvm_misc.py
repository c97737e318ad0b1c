"""kvm helpers: kvm-ifup environment, tap flags, uid pool, hotplug checks."""

import os

import pytest

from ganeti import errors
from ganeti.hypervisor.hv_kvm import caps as kvm_caps
from ganeti.hypervisor.hv_kvm import hotplug
from ganeti.hypervisor.hv_kvm import netdev
from ganeti.hypervisor.hv_kvm import runtime
from ganeti.hypervisor.hv_kvm import uidpool

import kvm_testlib as T

pytestmark = pytest.mark.unit


def test_ifup_env():
  inst = T.Instance()
  inst.tags = ["b", "a"]
  nic = T.Nic(ip="192.0.2.9")
  nic.name = "eth0"
  nic.nicparams["vlan"] = ".100"
  env = netdev.IfupEnv(inst, nic, 0, "tap3")
  assert env["INSTANCE"] == "inst1.example.com"
  assert env["MAC"] == "aa:00:00:bf:2f:16"
  assert env["MODE"] == "bridged" and env["BRIDGE"] == "br0"
  assert env["LINK"] == "br0" and env["VLAN"] == ".100"
  assert env["INTERFACE"] == "tap3" and env["INTERFACE_INDEX"] == "0"
  assert env["INTERFACE_UUID"] == T.NIC_UUID
  assert env["INTERFACE_NAME"] == "eth0" and env["IP"] == "192.0.2.9"
  assert env["TAGS"] == "a b"
  routed = netdev.IfupEnv(inst, T.Nic(mode="routed", link="rt1"), 1, "tap4")
  assert "BRIDGE" not in routed and routed["LINK"] == "rt1"
  assert "IP" not in routed


def test_tap_flags():
  assert netdev.TapFlags() == (netdev.IFF_TAP | netdev.IFF_NO_PI |
                               netdev.IFF_ONE_QUEUE | netdev.IFF_VNET_HDR)
  assert netdev.TapFlags(vnet_hdr=False, multiqueue=True) & \
    netdev.IFF_MULTI_QUEUE
  assert not netdev.TapFlags(vnet_hdr=False) & netdev.IFF_VNET_HDR


def test_ifup_script_found():
  path = netdev.IfupScript()
  assert path is not None and os.access(path, os.X_OK)


def test_uid_pool(tmp_path):
  assert uidpool.ParseUidPool(["4000-4002", "5000"]) == [(4000, 4002),
                                                         (5000, 5000)]
  with pytest.raises(errors.HypervisorError):
    uidpool.ParseUidPool(["9-1"])
  dirs = runtime.RuntimeDirs(str(tmp_path))
  pool = [(64000, 64001)]
  first = uidpool.RequestUid(dirs, "i1", pool=pool)
  second = uidpool.RequestUid(dirs, "i2", pool=pool)
  assert {first, second} == {64000, 64001}
  with pytest.raises(errors.HypervisorError, match="No free uid"):
    uidpool.RequestUid(dirs, "i3", pool=pool)
  uidpool.ReleaseUid(dirs, "i1")
  assert uidpool.RequestUid(dirs, "i3", pool=pool) == first
  with pytest.raises(errors.HypervisorError, match="empty"):
    uidpool.RequestUid(dirs, "i4", pool=[])


def test_hotplug_support_checks():
  caps = T.Caps72()
  hotplug.CheckSupported(caps, T.HvParams(), "disk", "hotadd")
  hotplug.CheckSupported(caps, T.HvParams(), "nic", "hotmod")
  with pytest.raises(errors.HotplugError, match="modification"):
    hotplug.CheckSupported(caps, T.HvParams(), "disk", "hotmod")
  with pytest.raises(errors.HotplugError, match="disk_type"):
    hotplug.CheckSupported(caps, T.HvParams(disk_type="ide"), "disk",
                           "hotadd")
  with pytest.raises(errors.HotplugError, match="nic_type"):
    hotplug.CheckSupported(caps, T.HvParams(nic_type="e1000"), "nic",
                           "hotadd")
  old = kvm_caps.QemuCaps("1.1.2", (1, 1, 2), "pc", ["pc"], set(), set())
  with pytest.raises(errors.HotplugError, match="not supported"):
    hotplug.CheckSupported(old, T.HvParams(), "nic", "hotadd")
