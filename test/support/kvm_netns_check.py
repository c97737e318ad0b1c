"""Run inside a fresh network namespace (``unshare --net``): a kvm NIC.

Usage: kvm_netns_check.py ROOTDIR MODE (bridged or routed)

Starts a guest with one NIC through the kvm driver: its tap is configured
by kvm-ifup (attached to bridge br-kvmt, or routed with proxy ARP); the
guest pings 198.51.100.1 and prints a marker.  Everything (bridge, tap,
addresses in 198.51.100.0/24) lives in the namespace this process was
started in, and goes with it.  Exits 0 and prints "OK" on success.
"""

import os
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_TOP = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, _TOP)
sys.path.insert(0, _HERE)

import guest  # noqa: E402
from serial import SerialReader  # noqa: E402

HOST_IP = "198.51.100.1"
GUEST_IP = "198.51.100.2"
BRIDGE = "br-kvmt"


def _Ip(*args):
  subprocess.run(["ip"] + list(args), check=True)


def _Links():
  return subprocess.run(["ip", "-o", "link", "show"], capture_output=True,
                        text=True, check=True).stdout


def _HotplugNic(hv, inst, objects):
  """Plug a second NIC in (its tap joins the bridge), then out again."""
  from ganeti.hypervisor.hv_kvm import qmp
  nic = objects.NIC(mac="aa:00:00:12:34:57", ip=None, name=None,
                    network=None, nicparams={"mode": "bridged",
                                             "link": BRIDGE},
                    uuid="77d8e1f0-1234-4c3d-9e8f-a0b1c2d3e4f5")
  hv.HotAddDevice(inst, "nic", nic, None, 1)
  with open(os.path.join(hv.dirs.NicDir(inst.name), "1")) as fh:
    tap = fh.read().strip()
  links = _Links()
  line = [ln for ln in links.splitlines() if " %s:" % tap in ln]
  assert line and "master %s" % BRIDGE in line[0], links
  qmp_path = hv.dirs.Ctrl(inst.name, "qmp")
  devices = qmp.Execute(qmp_path, "qom-list", {"path": "/machine/peripheral"})
  assert "nic-77d8e1f0-1234-4c3d" in [d["name"] for d in devices]
  hv.HotDelDevice(inst, "nic", nic, None, 1)
  devices = qmp.Execute(qmp_path, "qom-list", {"path": "/machine/peripheral"})
  assert "nic-77d8e1f0-1234-4c3d" not in [d["name"] for d in devices]
  assert " %s:" % tap not in _Links()


def main():
  (rootdir, mode) = sys.argv[1:3]
  os.environ["GANETI_ROOTDIR"] = rootdir
  os.environ["GANETI_HOSTNAME"] = "node1"
  from ganeti import constants
  from ganeti import objects
  from ganeti.hypervisor import GetHypervisor
  _Ip("link", "set", "lo", "up")
  if mode == "bridged":
    _Ip("link", "add", BRIDGE, "type", "bridge")
    _Ip("addr", "add", HOST_IP + "/24", "dev", BRIDGE)
    _Ip("link", "set", BRIDGE, "up")
    nicparams = {"mode": "bridged", "link": BRIDGE}
  else:
    # the host side's address (no dummy interfaces here: on lo)
    _Ip("addr", "add", HOST_IP + "/32", "dev", "lo")
    nicparams = {"mode": "routed", "link": ""}
  (kernel, initrd) = guest.Guest()
  hvp = dict(constants.HVC_DEFAULTS[constants.HT_KVM],
             kernel_path=kernel, initrd_path=initrd, kvm_flag="disabled",
             root_path="", kernel_args="quiet panic=-1 guest=net ip=%s/24"
             " peer=%s" % (GUEST_IP, HOST_IP))
  nic = objects.NIC(mac="aa:00:00:12:34:56", ip=GUEST_IP, name="eth0",
                    network=None, nicparams=nicparams,
                    uuid="5e1e0b7a-6c1e-4a8f-9a57-0d2f7a8f0c11")
  inst = objects.Instance(name="net1", uuid="1d6e9c2a-7d6c-4a0e-8f1e-1f2"
                          "a3b4c5d6e", hypervisor="kvm", hvparams=hvp,
                          beparams={"maxmem": 128, "vcpus": 1}, nics=[nic],
                          disks_info=[], network_port=None, tags=["t1"])
  hv = GetHypervisor(constants.HT_KVM)
  hv.StartInstance(inst, [], False)
  try:
    reader = SerialReader(hv.dirs.Ctrl(inst.name, "serial"))
    with open(os.path.join(hv.dirs.NicDir(inst.name), "0")) as fh:
      tap = fh.read().strip()
    links = _Links()
    if mode == "bridged":
      assert "%s:" % tap in links and "master %s" % BRIDGE in links, links
    else:
      routes = subprocess.run(["ip", "route", "show", GUEST_IP],
                              capture_output=True, text=True,
                              check=True).stdout
      assert "dev %s" % tap in routes, routes
    reader.WaitFor(guest.READY_MARKER, 90)
    assert guest.NET_OK_MARKER in reader.text, reader.text
    if mode == "bridged":
      _HotplugNic(hv, inst, objects)
    hv.StopInstance(inst, timeout=30)
    hv.CleanupInstance(inst.name)
    assert "%s:" % tap not in _Links()
  finally:
    for name in hv.ListInstances():
      hv.StopInstance(None, force=True, name=name)
  print("OK")
  return 0


if __name__ == "__main__":
  sys.exit(main())
