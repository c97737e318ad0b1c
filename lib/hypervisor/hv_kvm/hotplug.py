"""Hotplug of disks and NICs into a running kvm instance, over QMP.

A disk becomes a ``blockdev-add`` node plus a ``device_add`` of the disk
device; a NIC a tap (its fd passed with ``getfd``), a ``netdev_add`` and a
``device_add``.  Device ids follow Ganeti's scheme
(``cmdline.DeviceId``), so devices present at boot can be removed too.
The runtime file is updated, so that a reboot or migration keeps them.
Removal waits for the guest to release the device (``DEVICE_DELETED``).
"""

import os

from ganeti import constants as C
from ganeti import errors
from ganeti.hypervisor.hv_kvm import cmdline
from ganeti.hypervisor.hv_kvm import kvm_constants as K
from ganeti.hypervisor.hv_kvm import netdev
from ganeti.hypervisor.hv_kvm import qmp
from ganeti.hypervisor.hv_kvm import runtime

TARGET_DISK = "disk"
TARGET_NIC = "nic"
ACTION_ADD = "hotadd"
ACTION_REMOVE = "hotremove"
ACTION_MODIFY = "hotmod"

# qemu releases an unplugged PCI device once the guest acknowledges it
_UNPLUG_TIMEOUT = 30
# the first qemu whose QMP has blockdev-add in this form
_MIN_VERSION = (2, 9)


def CheckSupported(caps, hvp, dev_type, action):
  """Raise unless this device kind and action can be hotplugged.

  @raise errors.HotplugError: not supported (as Ganeti's message)
  """
  if caps.version_tuple < _MIN_VERSION:
    raise errors.HotplugError("Hotplug is not supported for qemu %s" %
                              caps.version)
  if dev_type == TARGET_DISK:
    if action == ACTION_MODIFY:
      raise errors.HotplugError("Disk modification is not supported")
    if hvp[C.HV_DISK_TYPE] != K.HT_DISK_PARAVIRTUAL:
      raise errors.HotplugError("Disk hotplug needs disk_type paravirtual")
  elif dev_type == TARGET_NIC:
    if hvp[C.HV_NIC_TYPE] != K.HT_NIC_PARAVIRTUAL:
      raise errors.HotplugError("NIC hotplug needs nic_type paravirtual")
  else:
    raise errors.HotplugError("Unknown device kind '%s'" % dev_type)


def _Load(dirs, name):
  return runtime.LoadRuntime(runtime.ReadRuntime(dirs, name))


def _Save(dirs, name, kvm_cmd, nics, hvp, disks):
  runtime.WriteRuntime(dirs, name, runtime.SerializeRuntime(kvm_cmd, nics,
                                                            hvp, disks))


def AddDisk(dirs, instance, disk, link, uri, seq):
  """Attach ``disk`` (at ``link`` or ``uri``) as the instance's disk seq."""
  if disk.mode != C.DISK_RDWR:
    raise errors.HotplugError("Read-only disks are not supported by KVM")
  (kvm_cmd, nics, hvp, disks) = _Load(dirs, instance.name)
  devid = cmdline.DeviceId("disk", disk.uuid)
  node = {"driver": "raw", "node-name": devid,
          "file": {"driver": "host_device" if (link or "").startswith("/dev/")
                   else "file", "filename": uri or link}}
  if hvp[C.HV_DISK_CACHE] in (K.HT_CACHE_NONE,):
    node["cache"] = {"direct": True}
  with qmp.QmpConnection(dirs.Ctrl(instance.name, "qmp")) as conn:
    conn.Execute("blockdev-add", node)
    try:
      conn.Execute("device_add", {"driver": K.DISK_PARAVIRTUAL_DEVICE,
                                  "drive": devid, "id": devid})
    except qmp.QmpError:
      conn.Execute("blockdev-del", {"node-name": devid})
      raise
  disks.insert(min(seq, len(disks)), (disk, link, uri))
  _Save(dirs, instance.name, kvm_cmd, nics, hvp, disks)


def _Unplug(conn, devid):
  conn.Execute("device_del", {"id": devid})
  event = conn.WaitForEvent("DEVICE_DELETED", _UNPLUG_TIMEOUT)
  while event is not None and \
      (event.get("data") or {}).get("device") != devid:
    event = conn.WaitForEvent("DEVICE_DELETED", _UNPLUG_TIMEOUT)
  if event is None:
    raise errors.HotplugError("The guest did not release device %s in %ds" %
                              (devid, _UNPLUG_TIMEOUT))


def RemoveDisk(dirs, instance, disk):
  (kvm_cmd, nics, hvp, disks) = _Load(dirs, instance.name)
  devid = cmdline.DeviceId("disk", disk.uuid)
  with qmp.QmpConnection(dirs.Ctrl(instance.name, "qmp")) as conn:
    _Unplug(conn, devid)
    # a hot-added disk is a blockdev node; a boot-time -drive goes with
    # its device
    nodes = conn.Execute("query-named-block-nodes")
    if any(n.get("node-name") == devid for n in nodes):
      conn.Execute("blockdev-del", {"node-name": devid})
  disks = [d for d in disks if d[0].uuid != disk.uuid]
  _Save(dirs, instance.name, kvm_cmd, nics, hvp, disks)


def AddNic(dirs, instance, nic, seq):
  """Plug ``nic`` in: a new tap, configured by kvm-ifup."""
  (kvm_cmd, nics, hvp, disks) = _Load(dirs, instance.name)
  devid = cmdline.DeviceId("nic", nic.uuid)
  (tap, fds) = netdev.OpenTap(vnet_hdr=hvp[C.HV_VNET_HDR])
  try:
    with qmp.QmpConnection(dirs.Ctrl(instance.name, "qmp")) as conn:
      conn.Execute("getfd", {"fdname": devid}, fds=fds)
      args = {"type": "tap", "id": devid, "fd": devid}
      if hvp[C.HV_VHOST_NET]:
        args["vhost"] = True
      conn.Execute("netdev_add", args)
      try:
        conn.Execute("device_add", {"driver": K.NIC_PARAVIRTUAL_DEVICE,
                                    "netdev": devid, "mac": nic.mac,
                                    "id": devid})
      except qmp.QmpError:
        conn.Execute("netdev_del", {"id": devid})
        raise
  finally:
    for fd in fds:
      os.close(fd)
  nic_dir = dirs.NicDir(instance.name)
  os.makedirs(nic_dir, exist_ok=True)
  with open(os.path.join(nic_dir, str(seq)), "w") as fh:
    fh.write(tap)
  netdev.ConfigureNic(instance, nic, seq, tap)
  nics.insert(min(seq, len(nics)), nic)
  _Save(dirs, instance.name, kvm_cmd, nics, hvp, disks)


def RemoveNic(dirs, instance, nic, seq):
  (kvm_cmd, nics, hvp, disks) = _Load(dirs, instance.name)
  devid = cmdline.DeviceId("nic", nic.uuid)
  with qmp.QmpConnection(dirs.Ctrl(instance.name, "qmp")) as conn:
    _Unplug(conn, devid)
    conn.Execute("netdev_del", {"id": devid})
  try:
    os.unlink(os.path.join(dirs.NicDir(instance.name), str(seq)))
  except FileNotFoundError:
    pass
  nics = [n for n in nics if n.uuid != nic.uuid]
  _Save(dirs, instance.name, kvm_cmd, nics, hvp, disks)


def ModifyNic(dirs, instance, nic, seq):
  """Re-run kvm-ifup for a NIC whose parameters changed."""
  (kvm_cmd, nics, hvp, disks) = _Load(dirs, instance.name)
  try:
    with open(os.path.join(dirs.NicDir(instance.name), str(seq))) as fh:
      tap = fh.read().strip()
  except OSError as err:
    raise errors.HotplugError("No tap known for NIC %d: %s" % (seq, err))
  netdev.ConfigureNic(instance, nic, seq, tap)
  nics = [nic if n.uuid == nic.uuid else n for n in nics]
  _Save(dirs, instance.name, kvm_cmd, nics, hvp, disks)
