"""Node side of hotplug_device and hotplug_supported.

The instance runs on this node; the hypervisor does the work through its
``VerifyHotplugSupport``/``HotplugSupported`` checks and its
``HotAddDevice``/``HotDelDevice``/``HotModDevice`` methods.
"""

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti import objects
from ganeti.backend import _Fail


def _Instance(inst):
  if isinstance(inst, objects.Instance):
    return inst
  return objects.Instance.FromDict(inst)


def _Hypervisor(instance):
  try:
    return hypervisor.GetHypervisor(instance.hypervisor)
  except errors.HypervisorError as err:
    _Fail("Hotplug is not supported: %s", err)


def HotplugDevice(instance, action, dev_type, device, extra, seq):
  """Hotplug ``device`` (a disk or NIC dict) into/out of the instance.

  @param action: one of constants.HOTPLUG_ALL_ACTIONS
  @param dev_type: one of constants.HOTPLUG_ALL_TARGETS
  @param extra: [link, uri] of an added disk (from blockdev_assemble),
    else None
  @param seq: the device's index in the instance
  @raise RPCFail: "Hotplug is not supported: ..." or the hypervisor's error
  """
  instance = _Instance(instance)
  if dev_type not in constants.HOTPLUG_ALL_TARGETS:
    _Fail("Unknown hotplug device type '%s'", dev_type)
  if action not in constants.HOTPLUG_ALL_ACTIONS:
    _Fail("Unknown hotplug action '%s'", action)
  hyper = _Hypervisor(instance)
  try:
    hyper.VerifyHotplugSupport(instance, action, dev_type)
  except errors.HotplugError as err:
    _Fail("Hotplug is not supported: %s", err)
  if dev_type == constants.HOTPLUG_TARGET_DISK:
    device = objects.Disk.FromDict(device)
  else:
    device = objects.NIC.FromDict(device)
  if extra is not None:
    extra = tuple(extra)
  fn = {constants.HOTPLUG_ACTION_ADD: hyper.HotAddDevice,
        constants.HOTPLUG_ACTION_REMOVE: hyper.HotDelDevice,
        constants.HOTPLUG_ACTION_MODIFY: hyper.HotModDevice}[action]
  try:
    return fn(instance, dev_type, device, extra, seq)
  except errors.HotplugError as err:
    _Fail("Hotplug failed: %s", err)


def HotplugSupported(instance):
  """Fail unless the running instance's hypervisor can hotplug.

  @raise RPCFail: "Hotplug is not supported: <reason>"
  """
  instance = _Instance(instance)
  hyper = _Hypervisor(instance)
  try:
    hyper.HotplugSupported(instance)
  except errors.HotplugError as err:
    _Fail("Hotplug is not supported: %s", err)
