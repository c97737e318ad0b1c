"""Instance procedures, through the hypervisor registry.

Instance info dicts (``instance_info``, ``all_instances_info``) have the
keys ``memory`` (MiB), ``vcpus``, ``state`` (hypervisor specific string)
and ``time`` (seconds of CPU/run time).
"""

import logging

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti.backend import RPCFail, _Fail
from ganeti.backend import bdev


def _GetHv(name):
  try:
    return hypervisor.GetHypervisor(name)
  except errors.HypervisorError as err:
    _Fail("Hypervisor error: %s", err)


_ToInstance = bdev.ToInstance


def _InfoDict(info):
  (_, _, memory, vcpus, state, times) = info
  return {"memory": memory, "vcpus": vcpus, "state": state, "time": times}


def GetInstanceInfo(instance, hname, hvparams=None):
  """Info dict of a running instance, or {} if it is not running."""
  try:
    info = _GetHv(hname).GetInstanceInfo(instance, hvparams=hvparams)
  except errors.HypervisorError as err:
    _Fail("Error getting instance info: %s", err)
  return _InfoDict(info) if info is not None else {}


def GetAllInstancesInfo(hypervisor_list, all_hvparams):
  """{name: info dict} of all running instances of the hypervisors."""
  output = {}
  for hname in hypervisor_list:
    hvparams = (all_hvparams or {}).get(hname)
    try:
      infos = _GetHv(hname).GetAllInstancesInfo(hvparams=hvparams)
    except errors.HypervisorError as err:
      _Fail("Error enumerating instances (hypervisor %s): %s", hname, err)
    for info in infos:
      if info[0] in output:
        _Fail("Instance %s is running twice with different parameters",
              info[0])
      output[info[0]] = _InfoDict(info)
  return output


def GetInstanceList(hypervisor_list, all_hvparams=None):
  """Sorted names of running instances of the given hypervisors."""
  results = []
  for hname in hypervisor_list:
    hvparams = (all_hvparams or {}).get(hname)
    try:
      results.extend(_GetHv(hname).ListInstances(hvparams=hvparams))
    except errors.HypervisorError as err:
      _Fail("Error enumerating instances (hypervisor %s): %s", hname, err)
  return sorted(results)


def _BlockDevices(instance):
  """(disk, link path, uri) for each disk, which must be assembled."""
  try:
    return bdev.GatherAndLinkBlockDevs(instance)
  except errors.BlockDeviceError as err:
    _Fail("Cannot start instance %s: %s", instance.name, err)


def StartInstance(instance_hvp_bep, startup_paused, reason=None):
  """Start an instance.

  @param instance_hvp_bep: [instance dict, hvparams override,
      beparams override]
  """
  (inst_dict, hvp, bep) = instance_hvp_bep
  instance = _ToInstance(inst_dict)
  if hvp:
    instance.hvparams = dict(instance.hvparams or {}, **hvp)
  if bep:
    instance.beparams = dict(instance.beparams or {}, **bep)
  hyper = _GetHv(instance.hypervisor)
  if instance.name in hyper.ListInstances(hvparams=instance.hvparams):
    logging.info("Instance %s already running, not starting",
                 instance.name)
    return None
  block_devices = _BlockDevices(instance)
  try:
    hyper.StartInstance(instance, block_devices, startup_paused)
  except errors.HypervisorError as err:
    _Fail("Hypervisor error: %s", err, exc=True)
  logging.info("Started instance %s (reason: %s)", instance.name, reason)
  return None


def InstanceShutdown(instance, timeout, reason=None):
  """Stop an instance; an already stopped one is fine."""
  instance = _ToInstance(instance)
  hyper = _GetHv(instance.hypervisor)
  if instance.name not in hyper.ListInstances(hvparams=instance.hvparams):
    logging.info("Instance %s not running, doing nothing", instance.name)
    return None
  try:
    hyper.StopInstance(instance, timeout=timeout)
  except errors.HypervisorError as err:
    # as Ganeti: a clean stop that fails is followed by a forced one
    logging.warning("Failed to soft stop instance %s: %s", instance.name,
                    err)
  if instance.name in hyper.ListInstances(hvparams=instance.hvparams):
    try:
      hyper.StopInstance(instance, force=True)
    except errors.HypervisorError as err:
      _Fail("Failed to force stop instance '%s': %s", instance.name, err)
    if instance.name in hyper.ListInstances(hvparams=instance.hvparams):
      _Fail("Could not shutdown instance '%s' even by destroy",
            instance.name)
  try:
    hyper.CleanupInstance(instance.name)
  except errors.HypervisorError as err:
    logging.warning("Failed to clean up instance %s: %s", instance.name, err)
  bdev.RemoveBlockDevLinks(instance.name, instance.disks_info or [])
  logging.info("Stopped instance %s (reason: %s)", instance.name, reason)
  return None


def InstanceReboot(instance, reboot_type, shutdown_timeout, reason=None):
  """Reboot an instance (soft, hard or full)."""
  instance = _ToInstance(instance)
  hyper = _GetHv(instance.hypervisor)
  if instance.name not in hyper.ListInstances(hvparams=instance.hvparams):
    _Fail("Cannot reboot instance %s that is not running", instance.name)
  if reboot_type == constants.INSTANCE_REBOOT_SOFT:
    try:
      hyper.RebootInstance(instance)
    except errors.HypervisorError as err:
      _Fail("Failed to soft reboot instance '%s': %s", instance.name, err)
  elif reboot_type == constants.INSTANCE_REBOOT_HARD:
    # the instance is stopped and started again by the hypervisor layer
    # (not rebooted from inside), as Ganeti does
    try:
      InstanceShutdown(instance, shutdown_timeout, reason)
      StartInstance([instance, {}, {}], False, reason)
    except RPCFail as err:
      _Fail("Failed to hard reboot instance '%s': %s", instance.name, err)
  elif reboot_type == constants.INSTANCE_REBOOT_FULL:
    InstanceShutdown(instance, shutdown_timeout, reason)
    StartInstance([instance, {}, {}], False, reason)
  else:
    _Fail("Invalid reboot_type received: '%s'", reboot_type)
  return None
