"""Adding disks to and removing disks from an existing instance.

Mixed into :class:`ganeti.config.ConfigWriter` (which owns ``_lock``,
``_config_data`` and ``_WriteConfig``).  The disks of an instance are the
top-level ``disks`` of the configuration, listed in order by the
instance's ``disks`` UUIDs; their ``iv_name`` follows the index
(``disk/0``, ``disk/1``...) and is renumbered after every change, as
Ganeti does.
"""

import time

from ganeti import errors


class InstanceDisksConfigMixin:
  """AddInstanceDisk and RemoveInstanceDisk."""

  def _InstanceForDisks(self, inst_uuid):
    inst = self._config_data.instances.get(inst_uuid)
    if inst is None:
      raise errors.ConfigurationError("Unknown instance '%s'" % inst_uuid)
    return inst

  def _RenumberDisks(self, inst, now):
    for (idx, disk_uuid) in enumerate(inst.disks):
      disk = self._config_data.disks[disk_uuid]
      iv_name = "disk/%d" % idx
      if disk.iv_name != iv_name:
        disk.iv_name = iv_name
        disk.serial_no = (disk.serial_no or 0) + 1
        disk.mtime = now

  def AddInstanceDisk(self, inst_uuid, disk, idx=None):
    """Add ``disk`` (an objects.Disk) to the instance at index ``idx``.

    @raise errors.ConfigurationError: unknown instance or disk UUID in use
    """
    with self._lock:
      inst = self._InstanceForDisks(inst_uuid)
      if disk.uuid in self._config_data.disks:
        raise errors.ConfigurationError("Disk UUID '%s' already in use" %
                                        disk.uuid)
      now = time.time()
      disk.serial_no = 1
      disk.ctime = disk.mtime = now
      self._config_data.disks[disk.uuid] = disk
      disks = list(inst.disks)
      disks.insert(len(disks) if idx is None else idx, disk.uuid)
      inst.disks = disks
      self._RenumberDisks(inst, now)
      inst.serial_no += 1
      inst.mtime = now
      self._config_data.cluster.serial_no += 1
      # the DRBD minors of the new disk are in the configuration now
      self.ReleaseDRBDMinors(inst_uuid)
      self._WriteConfig()

  def RemoveInstanceDisk(self, inst_uuid, disk_uuid):
    """Remove a disk from the instance and from the configuration.

    @raise errors.ConfigurationError: the disk is not the instance's
    """
    with self._lock:
      inst = self._InstanceForDisks(inst_uuid)
      if disk_uuid not in inst.disks:
        raise errors.ConfigurationError("Disk '%s' is not a disk of instance"
                                        " '%s'" % (disk_uuid, inst.name))
      now = time.time()
      inst.disks = [d for d in inst.disks if d != disk_uuid]
      self._config_data.disks.pop(disk_uuid, None)
      self._RenumberDisks(inst, now)
      inst.serial_no += 1
      inst.mtime = now
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()
