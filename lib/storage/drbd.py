"""DRBD 8.4 devices on this node (``dev_type`` ``drbd``).

A DRBD disk is a pair of devices, one on each of the instance's two nodes,
mirrored over the network.  :class:`DRBD8Dev` handles *this* node's half:
it never talks to the peer; the master drives both halves.

Identity (see :class:`ganeti.storage.base.BlockDev`):

* ``unique_id`` is the disk's ``logical_id``: ``(pnode_uuid, snode_uuid,
  port, pnode_minor, snode_minor, secret)``; both ends use the same port;
* ``children`` are the data and the meta LV, already attached (empty for
  a diskless half, e.g. while replacing disks);
* ``dyn_params`` hold this node's view: ``constants.DDP_LOCAL_IP`` /
  ``DDP_REMOTE_IP`` (secondary IPs) and ``DDP_LOCAL_MINOR`` /
  ``DDP_REMOTE_MINOR``.

Every minor lives in a resource of its own (``resource<minor>``) and is
configured with ``drbdsetup``/``drbdmeta`` in the 8.4 syntax built by
:mod:`ganeti.storage.drbd_cmd`; state is read from ``/proc/drbd`` and
``drbdsetup show`` and parsed by :mod:`ganeti.storage.drbd_info`.  Older
DRBD versions (8.3 syntax) are refused.

Commands run through ``base.RunCmd``; what concerns DRBD on the node as a
whole (the kernel's files, minors, meta data, waits) is in
:mod:`ganeti.storage.drbd_node`.
"""

import logging

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import objects
from ganeti.storage import base
from ganeti.storage import drbd_cmd
from ganeti.storage import drbd_info
from ganeti.storage import drbd_node

#: DRBD's block device major number
DRBD_MAJOR = 147
#: the HMAC algorithm authenticating the peers with the shared secret
DRBD_HMAC_ALG = "md5"
#: the protocol used while both nodes may be primary (live migration)
DRBD_MIGRATION_NET_PROTOCOL = "C"
#: the disk parameter giving the replication protocol
LDP_PROTOCOL = "protocol"

#: seconds to wait for ``drbdsetup show`` to report a new connection
NET_CONFIG_TIMEOUT = 10.0
#: seconds to wait for a device to go StandAlone after ``disconnect``
NET_RECONFIG_TIMEOUT = 60.0


def _NetFamily(minor, lhost, rhost) -> str:
  """``ipv4`` or ``ipv6`` for a pair of addresses of the same family."""
  if netutils.IsValidIP6(lhost):
    if not netutils.IsValidIP6(rhost):
      base.ThrowError("drbd%d: can't connect ip %s to ip %s", minor, lhost,
                      rhost)
    return "ipv6"
  if netutils.IsValidIP4(lhost):
    if not netutils.IsValidIP4(rhost):
      base.ThrowError("drbd%d: can't connect ip %s to ip %s", minor, lhost,
                      rhost)
    return "ipv4"
  base.ThrowError("drbd%d: Invalid ip %s", minor, lhost)


def FillParams(params) -> dict:
  """The DRBD disk parameters with Ganeti's defaults for missing ones."""
  filled = dict(constants.DISK_DT_DEFAULTS[constants.DT_DRBD8])
  filled.update(params or {})
  return filled


class DRBD8Dev(base.BlockDev):
  """This node's half of a DRBD 8.4 device (see the module docstring).

  ``attached`` means the device's minor is configured in the kernel (in
  ``/proc/drbd`` and not ``Unconfigured``); whether that configuration is
  the expected one (disks and peer as ``drbdsetup show`` reports them) is
  checked, and repaired where possible, by :meth:`Assemble`.
  """

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    children = list(children or [])
    if None in children:
      children = []
    if len(children) not in (0, 2):
      base.ThrowError("Invalid configuration data for a DRBD device: %d"
                      " children (needs a data and a meta device)",
                      len(children))
    if unique_id is None or len(unique_id) != 6:
      base.ThrowError("Invalid configuration data for a DRBD device: logical"
                      " id %s", unique_id)
    dyn_params = dict(dyn_params or {})
    missing = [key for key in (constants.DDP_LOCAL_IP, constants.DDP_REMOTE_IP,
                               constants.DDP_LOCAL_MINOR,
                               constants.DDP_REMOTE_MINOR)
               if key not in dyn_params]
    if missing:
      base.ThrowError("Invalid dynamic parameters for a DRBD device, missing"
                      " %s", ", ".join(missing))
    self._lhost = dyn_params[constants.DDP_LOCAL_IP]
    self._rhost = dyn_params[constants.DDP_REMOTE_IP]
    self._lport = self._rport = unique_id[2]
    self._aminor = dyn_params[constants.DDP_LOCAL_MINOR]
    self._secret = unique_id[5]
    if not isinstance(self._aminor, int) or self._aminor < 0:
      base.ThrowError("Invalid DRBD minor %r", self._aminor)
    if (self._lhost is not None and self._lhost == self._rhost and
        self._lport == self._rport):
      base.ThrowError("Invalid configuration data, same local/remote %s:%s",
                      self._lhost, self._lport)
    if children and not drbd_node.CanReadDevice(children[1].dev_path):
      logging.info("drbd%s: Ignoring unreadable meta device %s",
                   self._aminor, children[1].dev_path)
      children = []
    super().__init__(unique_id, children, size, FillParams(params),
                     dyn_params, **kwargs)
    drbd_node.CheckVersion(drbd_node.GetProcInfo())
    self.major = DRBD_MAJOR
    self.Attach()

  # Helpers -------------------------------------------------------------
  def _SetFromMinor(self, minor):
    """Record ``minor`` (or None) as our configured minor."""
    self.minor = minor
    self.dev_path = drbd_cmd.DevPath(minor) if minor is not None else None
    self.attached = minor is not None

  def _NetInfo(self):
    return (self._lhost, self._lport, self._rhost, self._rport)

  def _HasNetInfo(self):
    return None not in self._NetInfo()

  def _GetShowInfo(self, minor) -> dict:
    """``drbdsetup show`` parsed; empty when the minor is not configured."""
    result = base.RunCmd(drbd_cmd.BuildShowCmd(minor))
    if result.failed:
      logging.info("drbd%d: can't display the drbd config: %s - %s", minor,
                   result.fail_reason, result.output.strip())
      return {}
    return drbd_info.ParseShowOutput(result.stdout)

  def _MatchesLocal(self, info) -> bool:
    """Whether the local disks in ``info`` are our children (or none)."""
    if self._children:
      (data, meta) = self._children
      return (info.get("local_dev") == data.dev_path and
              info.get("meta_dev") == meta.dev_path and
              info.get("meta_index", 0) == 0)
    return "local_dev" not in info and "meta_dev" not in info

  def _MatchesNet(self, info) -> bool:
    """Whether the addresses in ``info`` are ours (or none when we have
    no network data)."""
    if not self._HasNetInfo():
      return "local_addr" not in info and "remote_addr" not in info
    return (info.get("local_addr") == (self._lhost, self._lport) and
            info.get("remote_addr") == (self._rhost, self._rport))

  def _AssembleLocal(self, minor, data_dev, meta_dev, size, new=True):
    """Attach the local disks to ``minor``, creating the minor and its
    resource first if ``new``."""
    cmds = drbd_cmd.BuildLocalInitCmds(minor, data_dev, meta_dev, size,
                                       self.params)
    if not new:
      cmds = cmds[len(drbd_cmd.BuildNewMinorCmds(minor)):]
    for cmd in cmds:
      result = base.RunCmd(cmd)
      if result.failed:
        base.ThrowError("drbd%d: can't attach local disk: %s", minor,
                        result.output.strip() or result.fail_reason)

  def _SetMinorSyncParams(self, minor, params) -> list:
    """Apply the resync parameters to ``minor``; return error messages."""
    try:
      cmd = drbd_cmd.BuildSyncParamsCmd(minor, FillParams(params))
    except errors.BlockDeviceError as err:
      return [str(err)]
    result = base.RunCmd(cmd)
    if result.failed:
      msg = ("Can't change syncer rate: %s - %s" %
             (result.fail_reason, result.output.strip()))
      logging.error(msg)
      return [msg]
    return []

  def _AssembleNet(self, minor, dual_pri=False):
    """Connect ``minor`` to the peer and wait until DRBD reports it.

    The sync parameters are set before connecting: DRBD sends them to the
    peer while connecting, and setting them later can race with that.
    """
    (lhost, lport, rhost, rport) = self._NetInfo()
    if dual_pri:
      protocol = DRBD_MIGRATION_NET_PROTOCOL
    else:
      protocol = self.params[LDP_PROTOCOL]
    sync_errors = self._SetMinorSyncParams(minor, self.params)
    if sync_errors:
      base.ThrowError("drbd%d: can't set the synchronization parameters: %s",
                      minor, ", ".join(sync_errors))
    family = _NetFamily(minor, lhost, rhost)
    cmd = drbd_cmd.BuildNetInitCmd(minor, family, lhost, lport, rhost, rport,
                                   protocol, dual_pri, DRBD_HMAC_ALG,
                                   self._secret, self.params)
    result = base.RunCmd(cmd)
    if result.failed:
      base.ThrowError("drbd%d: can't setup network: %s - %s", minor,
                      result.fail_reason, result.output.strip())

    def _Configured():
      info = self._GetShowInfo(minor)
      return (info.get("local_addr") == (lhost, lport) and
              info.get("remote_addr") == (rhost, rport))
    try:
      drbd_node.WaitFor(_Configured, NET_CONFIG_TIMEOUT)
    except drbd_node.WaitTimeout:
      base.ThrowError("drbd%d: timeout while configuring network", minor)

  def _ShutdownLocal(self, minor):
    """Detach the local disks (I/O continues from the peer)."""
    base.RunOrFail(drbd_cmd.BuildDetachCmd(minor),
                   "drbd%d: can't detach local disk" % minor)

  def _ShutdownNet(self, minor, laddr=None, raddr=None):
    """Disconnect from the peer.

    DRBD 8.4 names a connection by its two addresses: ours by default, or
    ``laddr``/``raddr`` ((host, port) as ``drbdsetup show`` reports them)
    to drop a connection configured with other ones.
    """
    (lhost, lport) = laddr or (self._lhost, self._lport)
    (rhost, rport) = raddr or (self._rhost, self._rport)
    family = _NetFamily(minor, lhost, rhost)
    base.RunOrFail(drbd_cmd.BuildDisconnectCmd(family, lhost, lport, rhost,
                                               rport),
                   "drbd%d: can't shutdown network" % minor)

  def _RequireMinor(self, what):
    if self.minor is None and not self.Attach():
      base.ThrowError("drbd%d: can't Attach() in %s", self._aminor, what)

  # Life cycle ----------------------------------------------------------
  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """Initialise the meta data of a new DRBD device; return it.

    DRBD devices are not created as such, only assembled: this checks the
    minor is free on this node, checks the meta LV's size and writes fresh
    meta data on it.

    @raise errors.BlockDeviceError: wrong children or parameters, minor in
      use, meta device unusable, a command failed
    """
    children = list(children or [])
    if len(children) != 2 or None in children:
      base.ThrowError("Invalid setup for the drbd device: needs a data and a"
                      " meta device")
    if excl_stor:
      base.ThrowError("DRBD device requested with exclusive_storage")
    dyn_params = dyn_params or {}
    if constants.DDP_LOCAL_MINOR not in dyn_params:
      base.ThrowError("Invalid dynamic parameters for drbd device: %s",
                      dyn_params)
    aminor = dyn_params[constants.DDP_LOCAL_MINOR]
    info = drbd_node.GetProcInfo()
    drbd_node.CheckVersion(info)
    if info.HasMinorStatus(aminor) and info.GetMinorStatus(aminor).is_in_use:
      base.ThrowError("drbd%d: minor is already in use at Create() time",
                      aminor)
    meta = children[1]
    meta.Assemble()
    if not meta.Attach():
      base.ThrowError("drbd%d: can't attach to meta device '%s'", aminor,
                      meta)
    drbd_node.CheckMetaSize(meta.dev_path)
    drbd_node.InitMeta(aminor, meta.dev_path)
    return cls(unique_id, children, size, params, dyn_params, **kwargs)

  def Attach(self, **kwargs) -> bool:
    """Look for our minor among the configured ones in ``/proc/drbd``."""
    minor = self._aminor if self._aminor in drbd_node.GetUsedDevs() else None
    self._SetFromMinor(minor)
    return self.attached

  def Assemble(self) -> None:
    """Bring the device up: local disks, network, sync parameters.

    An unconfigured minor is set up from scratch; a configured one is
    compared with ``drbdsetup show`` and the missing half (disks or
    network) added, or a wrong peer replaced.
    """
    self.Attach()
    if self.minor is None:
      self._FastAssemble()
    else:
      self._SlowAssemble()
    sync_errors = self.SetSyncParams(self.params)
    if sync_errors:
      base.ThrowError("drbd%d: can't set the synchronization parameters: %s",
                      self.minor, ", ".join(sync_errors))

  def _FastAssemble(self):
    """Set up an unconfigured minor; undo everything if a step fails."""
    minor = self._aminor
    try:
      self._FastAssembleSteps(minor)
    except errors.BlockDeviceError:
      if minor in drbd_node.GetUsedDevs():
        try:
          drbd_node.ShutdownAll(minor)
        except errors.BlockDeviceError as err:
          logging.error("drbd%d: can't clean up after a failed assemble:"
                        " %s", minor, err)
      raise
    self._SetFromMinor(minor)

  def _FastAssembleSteps(self, minor):
    if self._children:
      self._AssembleLocal(minor, self._children[0].dev_path,
                          self._children[1].dev_path, self.size)
    elif self._HasNetInfo():
      # diskless: the minor must exist before it can connect
      for cmd in drbd_cmd.BuildNewMinorCmds(minor):
        base.RunOrFail(cmd, "drbd%d: can't create the device" % minor)
    if self._HasNetInfo():
      self._AssembleNet(minor)

  def _SlowAssemble(self):
    minor = self._aminor
    info = self._GetShowInfo(minor)
    match_l = self._MatchesLocal(info)
    match_r = self._MatchesNet(info)
    if match_l and match_r:
      pass
    elif match_l and "local_addr" not in info:
      # our disks, no network yet
      self._AssembleNet(minor)
      if not self._MatchesNet(self._GetShowInfo(minor)):
        base.ThrowError("drbd%d: network attach successful, but 'drbdsetup"
                        " show' disagrees", minor)
    elif match_r and "local_dev" not in info and self._children:
      # our peer, no local disks yet
      self._AssembleLocal(minor, self._children[0].dev_path,
                          self._children[1].dev_path, self.size, new=False)
      if not self._MatchesLocal(self._GetShowInfo(minor)):
        base.ThrowError("drbd%d: disk attach successful, but 'drbdsetup"
                        " show' disagrees", minor)
    elif match_l and "local_dev" in info and "local_addr" in info:
      # our disks connected to a wrong peer: we own the minor, so
      # reconnect it to the right one
      try:
        self._ShutdownNet(minor, info["local_addr"], info.get("remote_addr"))
      except errors.BlockDeviceError as err:
        base.ThrowError("drbd%d: device has correct local storage, wrong"
                        " remote peer and is unable to disconnect in order"
                        " to attach to the correct peer: %s", minor, err)
      if self._HasNetInfo():
        self._AssembleNet(minor)
      if not self._MatchesNet(self._GetShowInfo(minor)):
        base.ThrowError("drbd%d: network attach successful, but 'drbdsetup"
                        " show' disagrees", minor)
    else:
      self._SetFromMinor(None)
      base.ThrowError("drbd%d: cannot activate, unknown or unhandled reason"
                      " (configured with disk %s, meta %s, addresses %s ->"
                      " %s)", minor, info.get("local_dev"),
                      info.get("meta_dev"), info.get("local_addr"),
                      info.get("remote_addr"))
    self._SetFromMinor(minor)

  def Shutdown(self) -> None:
    """Tear the device down (``drbdsetup down``); nothing if unconfigured."""
    if self.minor is None and not self.Attach():
      logging.info("drbd%d: not attached during Shutdown()", self._aminor)
      return
    try:
      drbd_node.ShutdownAll(self.minor)
    finally:
      self._SetFromMinor(None)

  def Remove(self) -> None:
    """Shut the device down; the data lives on the children."""
    self.Shutdown()

  def Open(self, force: bool = False, exclusive: bool = True) -> None:
    """Make this node primary (``force`` only right after creation, when
    neither side has up-to-date data)."""
    self._RequireMinor("Open()")
    base.RunOrFail(drbd_cmd.BuildPrimaryCmd(self.minor, force),
                   "drbd%d: can't make drbd device primary" % self.minor)

  def Close(self) -> None:
    """Make this node secondary; fails while the device is in use."""
    self._RequireMinor("Close()")
    base.RunOrFail(drbd_cmd.BuildSecondaryCmd(self.minor),
                   "drbd%d: can't switch drbd device to secondary" %
                   self.minor)

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """Grow the data child, then (``backingstore`` False) DRBD itself.

    The master calls this twice: with ``backingstore`` True to grow the
    LVs on both nodes, then with False to resize DRBD over them.
    """
    if self.minor is None:
      base.ThrowError("drbd%d: Grow called while not attached", self._aminor)
    if len(self._children) != 2:
      base.ThrowError("drbd%d: cannot grow diskless device", self.minor)
    self._children[0].Grow(amount, dryrun, backingstore, excl_stor)
    if dryrun or backingstore:
      return
    new_size = int(self.size) + int(amount)
    base.RunOrFail(drbd_cmd.BuildResizeCmd(self.minor, new_size),
                   "drbd%d: resize failed" % self.minor)
    self.size = new_size

  def AddChildren(self, devices) -> None:
    """Attach new local disks (data, meta) to a diskless device."""
    if self.minor is None:
      base.ThrowError("drbd%d: can't attach to drbd8 during AddChildren",
                      self._aminor)
    if len(devices) != 2 or None in devices:
      base.ThrowError("drbd%d: need two devices for AddChildren", self.minor)
    if "local_dev" in self._GetShowInfo(self.minor):
      base.ThrowError("drbd%d: already attached to a local disk", self.minor)
    (data, meta) = devices
    if data.dev_path is None or meta.dev_path is None:
      base.ThrowError("drbd%d: children not ready during AddChildren",
                      self.minor)
    data.Open()
    meta.Open()
    drbd_node.CheckMetaSize(meta.dev_path)
    # the minor must be one DRBD does not use: take the lowest free one
    drbd_node.InitMeta(drbd_node.FindUnusedMinor(), meta.dev_path)
    self._AssembleLocal(self.minor, data.dev_path, meta.dev_path, self.size,
                        new=False)
    self._children = list(devices)

  def RemoveChildren(self, devices) -> None:
    """Detach the local disks; ``devices`` are the paths expected."""
    if self.minor is None:
      base.ThrowError("drbd%d: can't attach to drbd8 during RemoveChildren",
                      self._aminor)
    if "local_dev" not in self._GetShowInfo(self.minor):
      return
    if len(self._children) != 2:
      base.ThrowError("drbd%d: we don't have two children: %s", self.minor,
                      self._children)
    if len(devices) != 2:
      base.ThrowError("drbd%d: we need two children in RemoveChildren",
                      self.minor)
    for (child, path) in zip(self._children, devices):
      if path != child.dev_path:
        base.ThrowError("drbd%d: mismatch in local storage (%s != %s) in"
                        " RemoveChildren", self.minor, path, child.dev_path)
    self._ShutdownLocal(self.minor)
    self._children = []

  # Network -------------------------------------------------------------
  def DisconnectNet(self) -> None:
    """Disconnect from the peer and wait until the device is StandAlone.

    A disconnect can get lost when the peer disconnects at the same time,
    so it is repeated while waiting (up to ``NET_RECONFIG_TIMEOUT``).
    """
    if self.minor is None:
      base.ThrowError("drbd%d: disk not attached in re-attach net",
                      self._aminor)
    if not self._HasNetInfo():
      base.ThrowError("drbd%d: DRBD disk missing network info in"
                      " DisconnectNet()", self.minor)
    state = {"ever_disconnected": False}

    def _TryDisconnect():
      try:
        self._ShutdownNet(self.minor)
        state["ever_disconnected"] = True
      except errors.BlockDeviceError as err:
        logging.info("drbd%d: disconnect failed, will retry: %s",
                     self.minor, err)

    def _Standalone():
      if self.GetProcStatus().is_standalone:
        return True
      _TryDisconnect()
      return False

    _TryDisconnect()
    try:
      drbd_node.WaitFor(_Standalone, NET_RECONFIG_TIMEOUT, delay=0.1, factor=1.5,
               max_delay=2.0)
    except drbd_node.WaitTimeout:
      if state["ever_disconnected"]:
        base.ThrowError("drbd%d: device did not react to the 'disconnect'"
                        " command in a timely manner", self.minor)
      base.ThrowError("drbd%d: can't shutdown network, even after multiple"
                      " retries", self.minor)

  def AttachNet(self, multimaster: bool) -> None:
    """Reconnect a StandAlone device, in dual-primary mode if
    ``multimaster``."""
    if self.minor is None:
      base.ThrowError("drbd%d: device not attached in AttachNet",
                      self._aminor)
    if not self._HasNetInfo():
      base.ThrowError("drbd%d: missing network info in AttachNet()",
                      self.minor)
    if not self.GetProcStatus().is_standalone:
      base.ThrowError("drbd%d: device is not standalone in AttachNet",
                      self.minor)
    self._AssembleNet(self.minor, dual_pri=multimaster)

  # Status and sync -----------------------------------------------------
  def GetProcStatus(self) -> drbd_info.DRBD8Status:
    """Our entry of ``/proc/drbd``."""
    if self.minor is None:
      base.ThrowError("drbd%d: GetStats() called while not attached",
                      self._aminor)
    info = drbd_node.GetProcInfo()
    if not info.HasMinorStatus(self.minor):
      base.ThrowError("drbd%d: can't find myself in /proc", self.minor)
    return info.GetMinorStatus(self.minor)

  def GetSyncStatus(self) -> objects.BlockDevStatus:
    """Sync progress and health from ``/proc/drbd``.

    ``sync_percent`` is None when no resync runs; ``estimated_time`` is
    the ``finish:`` time in seconds (None if unknown); degraded means not
    connected or local disk not UpToDate; ``ldisk_status`` is OKAY for an
    UpToDate disk, FAULTY without a disk, UNKNOWN otherwise.
    """
    self._RequireMinor("GetSyncStatus")
    stats = self.GetProcStatus()
    if stats.is_disk_uptodate:
      ldisk_status = base.LDS_OKAY
    elif stats.is_diskless:
      ldisk_status = base.LDS_FAULTY
    else:
      ldisk_status = base.LDS_UNKNOWN
    return objects.BlockDevStatus(
      dev_path=self.dev_path, major=self.major, minor=self.minor,
      sync_percent=stats.sync_percent, estimated_time=stats.est_time,
      is_degraded=not stats.is_connected or not stats.is_disk_uptodate,
      ldisk_status=ldisk_status)

  def SetSyncParams(self, params) -> list:
    """Apply resync parameters to the children and to the device."""
    if self.minor is None:
      err = "Not attached during SetSyncParams"
      logging.info(err)
      return [err]
    result = super().SetSyncParams(params)
    result.extend(self._SetMinorSyncParams(self.minor, params))
    return result

  def PauseResumeSync(self, pause: bool) -> bool:
    """Pause or resume the resync; True if it worked here and below."""
    if self.minor is None:
      logging.info("Not attached during PauseSync")
      return False
    children_ok = super().PauseResumeSync(pause)
    if pause:
      cmd = drbd_cmd.BuildPauseSyncCmd(self.minor)
    else:
      cmd = drbd_cmd.BuildResumeSyncCmd(self.minor)
    result = base.RunCmd(cmd)
    if result.failed:
      logging.error("Can't %s: %s - %s", " ".join(cmd), result.fail_reason,
                    result.output.strip())
    return not result.failed and children_ok

  # Sizes ---------------------------------------------------------------
  def GetActualSize(self) -> int:
    """The DRBD device's size in bytes."""
    self._RequireMinor("GetActualSize")
    return drbd_node.GetDeviceBytes(self.dev_path)
