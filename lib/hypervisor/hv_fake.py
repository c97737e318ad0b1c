"""The fake hypervisor: instances are state files, nothing runs.

Each running instance is a JSON file ``$RUN_DIR/fake-hypervisor/<name>``
holding its memory, vcpus and start time.  State lives on disk because
ganeti-noded serves every connection in its own process.
"""

import os
import time

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import serializer
from ganeti.hypervisor import hv_base
from ganeti.utils import io

STATE_RUNNING = "running"
STATE_PAUSED = "paused"


class FakeHypervisor(hv_base.BaseHypervisor):
  """Fake hypervisor for tests and virtual clusters."""
  CAN_MIGRATE = True
  PARAMETERS = {
    "migration_mode": hv_base.ParamInSet(True, ["live", "non-live"]),
  }

  @staticmethod
  def _Dir() -> str:
    return pathutils.Get().FAKE_HV_DIR

  @classmethod
  def _File(cls, name: str) -> str:
    if "/" in name or name in (".", ".."):
      raise errors.HypervisorError("Invalid instance name '%s'" % name)
    return os.path.join(cls._Dir(), name)

  @classmethod
  def _Read(cls, name: str):
    try:
      return serializer.LoadJson(io.ReadFile(cls._File(name)))
    except FileNotFoundError:
      return None
    except ValueError as err:
      raise errors.HypervisorError("Corrupt state of instance %s: %s" %
                                   (name, err))

  @classmethod
  def _InfoTuple(cls, name: str, data):
    return (name, 0, int(data["memory"]), int(data["vcpus"]),
            data.get("state", STATE_RUNNING),
            max(0.0, time.time() - data.get("start", time.time())))

  def ListInstances(self, hvparams=None):
    try:
      return sorted(n for n in os.listdir(self._Dir())
                    if not n.startswith("."))
    except FileNotFoundError:
      return []

  def GetInstanceInfo(self, instance_name, hvparams=None):
    data = self._Read(instance_name)
    if data is None:
      return None
    return self._InfoTuple(instance_name, data)

  def GetAllInstancesInfo(self, hvparams=None):
    result = []
    for name in self.ListInstances():
      data = self._Read(name)
      if data is not None:
        result.append(self._InfoTuple(name, data))
    return result

  def StartInstance(self, instance, block_devices, startup_paused):
    """Record the instance as running.

    @raise errors.HypervisorError: it is already running
    """
    if self._Read(instance.name) is not None:
      raise errors.HypervisorError("Failed to start instance %s: %s" %
                                   (instance.name, "already running"))
    data = {"memory": self._StartupMemory(instance),
            "vcpus": int((instance.beparams or {}).get(constants.BE_VCPUS,
                                                       1)),
            "state": STATE_PAUSED if startup_paused else STATE_RUNNING,
            "start": time.time(),
            "disks": [path for (_, path, _) in block_devices]}
    os.makedirs(self._Dir(), exist_ok=True)
    io.WriteFile(self._File(instance.name), data=serializer.DumpJson(data))

  def StopInstance(self, instance, force=False, retry=False, name=None,
                   timeout=None):
    if name is None:
      name = instance.name
    if self._Read(name) is None:
      raise errors.HypervisorError("Failed to stop instance %s: %s" %
                                   (name, "not running"))
    io.RemoveFile(self._File(name))

  def RebootInstance(self, instance):
    data = self._Read(instance.name)
    if data is None:
      raise errors.HypervisorError("Failed to reboot instance %s: not"
                                   " running" % instance.name)
    data["start"] = time.time()
    io.WriteFile(self._File(instance.name), data=serializer.DumpJson(data))

  def BalloonInstanceMemory(self, instance, mem):
    data = self._Read(instance.name)
    if data is None:
      raise errors.HypervisorError("Instance %s is not running" %
                                   instance.name)
    data["memory"] = int(mem)
    io.WriteFile(self._File(instance.name), data=serializer.DumpJson(data))

  def GetNodeInfo(self, hvparams=None):
    """Host memory/CPU, with the fake instances' memory counted as used."""
    result = hv_base.GetLinuxNodeInfo()
    used = sum(info[2] for info in self.GetAllInstancesInfo())
    result["memory_free"] = max(0, result["memory_free"] - used)
    result["hv_version"] = (0, 0)
    return result

  def _StartupMemory(self, instance):
    """maxmem, but no more than the node has free (and at least minmem)."""
    beparams = instance.beparams or {}
    maxmem = int(beparams.get(constants.BE_MAXMEM,
                              beparams.get(constants.BE_MEMORY, 128)))
    minmem = int(beparams.get(constants.BE_MINMEM, maxmem))
    free = self.GetNodeInfo()["memory_free"]
    return max(minmem, min(maxmem, free))

  @classmethod
  def GetInstanceConsole(cls, instance, primary_node, node_group, hvparams,
                         beparams):
    """The console of a fake instance: a message only (as Ganeti's)."""
    return {"instance": instance.name, "kind": constants.CONS_MESSAGE,
            "message": "Console not available for fake hypervisor"}

  def Verify(self, hvparams=None):
    """The state directory must be usable."""
    fdir = self._Dir()
    try:
      os.makedirs(fdir, exist_ok=True)
    except OSError as err:
      return "Can't create fake hypervisor directory %s: %s" % (fdir, err)
    if not os.access(fdir, os.W_OK):
      return "Fake hypervisor directory %s is not writable" % fdir
    return None

  def PowercycleNode(self, hvparams=None):
    raise errors.HypervisorError("Powercycle not supported by the fake"
                                 " hypervisor")

  # Migration: the state file moves from the source node to the target.
  # The master relays the state text (MigrationInfo on the source, then
  # AcceptInstance on the target, kept as a hidden ".incoming-" file);
  # MigrateInstance records the transfer in a hidden ".migration-" file on
  # the source (a non-live migration freezes the source copy); the two
  # finalize calls then make the target copy the running one and drop the
  # source copy, or undo.  The state, including the start time, is carried
  # over: a migrated instance keeps running, it is not rebooted.
  @classmethod
  def _AuxFile(cls, kind: str, name: str) -> str:
    cls._File(name)  # name check
    return os.path.join(cls._Dir(), ".%s-%s" % (kind, name))

  @classmethod
  def _ReadAux(cls, kind: str, name: str):
    try:
      return serializer.LoadJson(io.ReadFile(cls._AuxFile(kind, name)))
    except FileNotFoundError:
      return None

  @classmethod
  def _Write(cls, name: str, data, kind=None) -> None:
    os.makedirs(cls._Dir(), exist_ok=True)
    path = cls._File(name) if kind is None else cls._AuxFile(kind, name)
    io.WriteFile(path, data=serializer.DumpJson(data))

  def MigrationInfo(self, instance):
    """The state of the running instance, as JSON text.

    @raise errors.HypervisorError: the instance is not running here
    """
    data = self._Read(instance.name)
    if data is None:
      raise errors.HypervisorError("Instance %s is not running" %
                                   instance.name)
    return serializer.DumpJson(data).decode("utf-8")

  def AcceptInstance(self, instance, info, target):
    """Keep the incoming state until FinalizeMigrationDst."""
    if self._Read(instance.name) is not None:
      raise errors.HypervisorError("Instance %s is already running on this"
                                   " node" % instance.name)
    try:
      data = serializer.LoadJson(info)
    except (TypeError, ValueError) as err:
      raise errors.HypervisorError("Invalid migration information for"
                                   " instance %s: %s" % (instance.name, err))
    if not isinstance(data, dict) or "memory" not in data:
      raise errors.HypervisorError("Invalid migration information for"
                                   " instance %s" % instance.name)
    self._Write(instance.name, data, kind="incoming")

  def MigrateInstance(self, cluster_name, instance, target, live):
    """Send the instance; non-live freezes it first.  Completes at once."""
    data = self._Read(instance.name)
    if data is None:
      raise errors.HypervisorError("Instance %s is not running" %
                                   instance.name)
    if not live:
      data["frozen"] = True
      self._Write(instance.name, data)
    self._Write(instance.name, {
      "status": constants.HV_MIGRATION_COMPLETED, "target": target,
      "live": bool(live), "transferred_ram": int(data["memory"]),
      "total_ram": int(data["memory"])}, kind="migration")

  def GetMigrationStatus(self, instance):
    status = self._ReadAux("migration", instance.name)
    if status is None:
      return hv_base.MigrationStatus(constants.HV_MIGRATION_FAILED)
    return hv_base.MigrationStatus(status["status"],
                                   status.get("transferred_ram"),
                                   status.get("total_ram"))

  def FinalizeMigrationSource(self, instance, success, live):
    """Success: the source copy goes away.  Failure: it runs on."""
    io.RemoveFile(self._AuxFile("migration", instance.name))
    if success:
      io.RemoveFile(self._File(instance.name))
      return
    data = self._Read(instance.name)
    if data is not None and data.pop("frozen", None):
      self._Write(instance.name, data)

  def FinalizeMigrationDst(self, instance, info, success):
    """Success: the received state becomes the running instance."""
    incoming = self._AuxFile("incoming", instance.name)
    if not success:
      io.RemoveFile(incoming)
      return
    data = self._ReadAux("incoming", instance.name)
    if data is None:
      raise errors.HypervisorError("No incoming migration of instance %s" %
                                   instance.name)
    data.pop("frozen", None)
    self._Write(instance.name, data)
    io.RemoveFile(incoming)
