"""Instance migration procedures, through the hypervisor interface.

The master drives a live migration as: ``instance_migratable`` and
``migration_info`` on the source, ``accept_instance`` on the target,
``instance_migrate`` on the source, ``instance_get_migration_status`` on
the source until the status is no longer active, then
``instance_finalize_migration_src`` (source) and
``instance_finalize_migration_dst`` (target).  Each function here is one
of these procedures; instances arrive as RPC dicts.  Ballooning the
memory of a running instance (``instance_balloon_memory``, used by
``gnt-instance modify -m`` and before a migration to a node with less
free memory) is here too.
"""

import logging

from ganeti import constants
from ganeti import errors
from ganeti.backend import _Fail
from ganeti.backend import bdev
from ganeti.backend import instance as backend_instance


def _HvFor(inst_dict):
  instance = backend_instance._ToInstance(inst_dict)
  return (instance, backend_instance._GetHv(instance.hypervisor))


def GetInstanceMigratable(instance):
  """Fail unless the instance runs here (a migration needs it running)."""
  (instance, hyper) = _HvFor(instance)
  if instance.name not in hyper.ListInstances(hvparams=instance.hvparams):
    _Fail("Instance %s is not running", instance.name)
  return None


def MigrationInfo(instance):
  """The hypervisor's migration information of the instance (text)."""
  (instance, hyper) = _HvFor(instance)
  try:
    return hyper.MigrationInfo(instance)
  except errors.HypervisorError as err:
    _Fail("Failed to fetch migration information: %s", err, exc=True)


def _ExtMirrored(instance):
  return any(bdev._ToDisk(d).dev_type in constants.DTS_EXT_MIRROR
             for d in instance.disks_info or [])


def AcceptInstance(instance, info, target):
  """Target side: prepare to receive the instance.

  Disks of externally mirrored templates are not active on the target:
  they are linked here (and the links removed again on failure).
  """
  (instance, hyper) = _HvFor(instance)
  if _ExtMirrored(instance):
    try:
      bdev.GatherAndLinkBlockDevs(instance)
    except errors.BlockDeviceError as err:
      _Fail("Block device error: %s", err, exc=True)
  try:
    hyper.AcceptInstance(instance, info, target)
  except errors.HypervisorError as err:
    if _ExtMirrored(instance):
      bdev.RemoveBlockDevLinks(instance.name, instance.disks_info)
    _Fail("Failed to accept instance: %s", err, exc=True)
  return None


def FinalizeMigrationDst(instance, info, success):
  """Target side: make the received instance run (or drop it)."""
  (instance, hyper) = _HvFor(instance)
  try:
    hyper.FinalizeMigrationDst(instance, info, success)
  except errors.HypervisorError as err:
    _Fail("Failed to finalize migration on the target node: %s", err,
          exc=True)
  return None


def MigrateInstance(cluster_name, instance, target, live):
  """Source side: start the transfer to the node at address ``target``."""
  (instance, hyper) = _HvFor(instance)
  logging.info("Migrating instance %s to %s (live=%s)", instance.name,
               target, live)
  try:
    hyper.MigrateInstance(cluster_name, instance, target, live)
  except errors.HypervisorError as err:
    _Fail("Failed to migrate instance: %s", err, exc=True)
  return None


def FinalizeMigrationSource(instance, success, live):
  """Source side: drop the source copy (success) or let it run on."""
  (instance, hyper) = _HvFor(instance)
  try:
    hyper.FinalizeMigrationSource(instance, success, live)
  except errors.HypervisorError as err:
    _Fail("Failed to finalize the migration on the source node: %s", err,
          exc=True)
  return None


def GetMigrationStatus(instance):
  """Source side: {"status", "transferred_ram", "total_ram"}."""
  (instance, hyper) = _HvFor(instance)
  try:
    return hyper.GetMigrationStatus(instance).ToDict()
  except errors.HypervisorError as err:
    _Fail("Failed to get migration status: %s", err, exc=True)


def InstanceBalloonMemory(instance, memory):
  """Set the runtime memory of a running instance (nothing if stopped)."""
  (instance, hyper) = _HvFor(instance)
  if instance.name not in hyper.ListInstances(hvparams=instance.hvparams):
    logging.info("Instance %s is not running, cannot balloon",
                 instance.name)
    return None
  try:
    hyper.BalloonInstanceMemory(instance, memory)
  except errors.HypervisorError as err:
    _Fail("Failed to balloon instance memory: %s", err, exc=True)
  return None
