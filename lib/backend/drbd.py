"""DRBD node procedures: network reconfiguration, sync waits, the helper.

The master uses these around live migration and disk replacement: it
disconnects both halves (``drbd_disconnect_net``), reconnects them, in
dual-primary mode for a migration (``drbd_attach_net``), polls until the
resync is over (``drbd_wait_sync``) and asks which disks need to be
re-activated (``drbd_needs_activation``).  ``drbd_helper`` and the DRBD
part of ``node_verify`` report the node's DRBD setup.

Disks arrive as ``objects.Disk.ToDict()`` dicts carrying this node's
``dynamic_params`` (children included); a disk whose device is not
configured here is an error for every procedure but
``drbd_needs_activation``.
"""

import logging

from ganeti import errors
from ganeti import netutils
from ganeti.backend import _Fail
from ganeti.backend import bdev
from ganeti.storage import drbd
from ganeti.storage import drbd_node

# node_verify check names (Ganeti's NV_* values) and result shapes:
NV_DRBDHELPER = "drbd-helper"    # helper -> [True, helper] | [False, error]
NV_DRBDLIST = "drbd-list"        # any -> [used minors] | error
NV_DRBDVERSION = "drbd-version"  # any -> version string | error
NV_NONVMNODES = "nonvmnodes"     # [names]: nodes that run no instances

#: how long drbd_attach_net waits for the devices to connect, in seconds
ATTACH_NET_TIMEOUT = 2 * 60

#: separator between instance name and disk index in disk symlink names


_ToDisk = bdev.ToDisk


def _DiskName(disk):
  return disk.iv_name or disk.uuid or str(disk)


def _FindDisks(disks):
  """The attached DRBD devices of ``disks``, in order; fails on a missing
  one."""
  devices = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      dev = bdev.FindDevice(disk)
    except errors.BlockDeviceError as err:
      _Fail("Can't find device %s: %s", _DiskName(disk), err)
    if dev is None:
      _Fail("Can't find device %s", _DiskName(disk))
    if not isinstance(dev, drbd.DRBD8Dev):
      _Fail("Device %s is not a DRBD device", _DiskName(disk))
    devices.append(dev)
  return devices


def DrbdDisconnectNet(disks):
  """Disconnect every disk from its peer (StandAlone mode)."""
  for dev in _FindDisks(disks):
    try:
      dev.DisconnectNet()
    except errors.BlockDeviceError as err:
      _Fail("Can't change network configuration to standalone mode: %s",
            err, exc=True)
  return None


def DrbdAttachNet(disks, instance_name, multimaster):
  """Reconnect StandAlone disks to their peers and wait until connected.

  With ``multimaster`` (live migration) the disks are connected in
  dual-primary mode, their ``<instance>:<idx>`` symlinks are (re)made,
  the wait lasts until both disks are UpToDate (promoting a node whose
  disk is still Outdated would break the connection) and this node is
  made primary at the end.  Otherwise a running resync counts as
  connected.  A disk that drops back to StandAlone while waiting (its peer
  was not configured yet) is reconnected.
  """
  devices = _FindDisks(disks)
  if multimaster:
    for (idx, dev) in enumerate(devices):
      try:
        bdev.SymlinkBlockDev(instance_name, dev.dev_path, idx)
      except EnvironmentError as err:
        _Fail("Can't create symlink: %s", err)
  for dev in devices:
    try:
      dev.AttachNet(multimaster)
    except errors.BlockDeviceError as err:
      _Fail("Can't change network configuration: %s", err)

  def _AllConnected():
    all_connected = True
    for dev in devices:
      stats = dev.GetProcStatus()
      if multimaster:
        ok = (stats.is_connected and stats.is_disk_uptodate and
              stats.peer_disk_uptodate)
      else:
        ok = stats.is_connected or stats.is_in_resync
      all_connected = all_connected and ok
      if stats.is_standalone:
        dev.AttachNet(multimaster)
    return all_connected

  try:
    drbd_node.WaitFor(_AllConnected, ATTACH_NET_TIMEOUT, delay=0.1, factor=1.5,
                 max_delay=5.0)
  except drbd_node.WaitTimeout:
    _Fail("Timeout in disk reconnecting")
  except errors.BlockDeviceError as err:
    _Fail("Can't change network configuration: %s", err)
  if multimaster:
    for dev in devices:
      try:
        dev.Open()
      except errors.BlockDeviceError as err:
        _Fail("Can't change to primary mode: %s", err)
  return None


def DrbdWaitSync(disks):
  """One look at the resync: ``[all_done, lowest sync percent]``.

  The master calls this repeatedly until all_done.  A disk that is
  neither connected nor resyncing is an error: it would never finish.
  """
  min_resync = 100
  alldone = True
  for dev in _FindDisks(disks):
    try:
      stats = dev.GetProcStatus()
    except errors.BlockDeviceError as err:
      _Fail("Can't get the status of %s: %s", dev.dev_path, err)
    if not (stats.is_connected or stats.is_in_resync):
      _Fail("DRBD device %s is not in sync: stats=%s", dev.dev_path, stats)
    alldone = alldone and not stats.is_in_resync
    if stats.sync_percent is not None:
      min_resync = min(min_resync, stats.sync_percent)
  return [alldone, min_resync]


def DrbdNeedsActivation(disks):
  """The UUIDs of the disks that are not configured here, StandAlone or
  diskless (and need ``activate-disks``)."""
  faulty = []
  for ddict in disks:
    disk = _ToDisk(ddict)
    try:
      dev = bdev.FindDevice(disk)
    except errors.BlockDeviceError as err:
      _Fail("Can't check device %s: %s", _DiskName(disk), err)
    if dev is None:
      faulty.append(disk.uuid)
      continue
    try:
      stats = dev.GetProcStatus()
    except errors.BlockDeviceError as err:
      _Fail("Can't get the status of %s: %s", dev.dev_path, err)
    if stats.is_standalone or stats.is_diskless:
      faulty.append(disk.uuid)
  return faulty


def GetDrbdUsermodeHelper():
  """The DRBD usermode helper of this node's kernel module."""
  try:
    return drbd_node.GetUsermodeHelper()
  except errors.BlockDeviceError as err:
    _Fail(str(err))


def VerifyNodeDrbd(what, result):
  """Fill the DRBD checks of ``node_verify`` asked for in ``what`` into
  ``result``; nodes listed as not vm-capable are not checked."""
  if netutils.Hostname.GetSysName() in (what.get(NV_NONVMNODES) or []):
    return
  if NV_DRBDVERSION in what:
    try:
      result[NV_DRBDVERSION] = drbd_node.GetVersionString()
    except errors.BlockDeviceError as err:
      logging.warning("Can't get DRBD version: %s", err)
      result[NV_DRBDVERSION] = str(err)
  if NV_DRBDLIST in what:
    try:
      result[NV_DRBDLIST] = drbd_node.GetUsedDevs()
    except errors.BlockDeviceError as err:
      logging.warning("Can't get used minors list: %s", err)
      result[NV_DRBDLIST] = str(err)
  if NV_DRBDHELPER in what:
    try:
      result[NV_DRBDHELPER] = [True, drbd_node.GetUsermodeHelper()]
    except errors.BlockDeviceError as err:
      logging.error("Can't get DRBD usermode helper: %s", err)
      result[NV_DRBDHELPER] = [False, str(err)]
