"""The node side of hotplug_device and hotplug_supported."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.backend import RPCFail
from ganeti.backend import hotplug

pytestmark = pytest.mark.unit


def _InstDict(hv=constants.HT_KVM):
  return objects.Instance(name="inst1", hypervisor=hv, uuid="u-1",
                          nics=[], disks=[]).ToDict()


class _RecordingHv:
  def __init__(self, unsupported=None):
    self.calls = []
    self.unsupported = unsupported

  def HotplugSupported(self, instance):
    if self.unsupported:
      raise errors.HotplugError(self.unsupported)

  def VerifyHotplugSupport(self, instance, action, dev_type):
    if self.unsupported:
      raise errors.HotplugError(self.unsupported)

  def _Record(self, name):
    def fn(instance, dev_type, device, extra, seq):
      self.calls.append((name, instance.name, dev_type, device, extra, seq))
    return fn

  def __getattr__(self, name):
    if name.startswith("Hot"):
      return self._Record(name)
    raise AttributeError(name)


@pytest.fixture
def hv(monkeypatch):
  rec = _RecordingHv()
  monkeypatch.setattr(hotplug.hypervisor, "GetHypervisor", lambda name: rec)
  return rec


def testDispatch(hv):
  disk = objects.Disk(dev_type=constants.DT_FILE, size=1024, uuid="d-1",
                      logical_id=("loop", "/x"), mode="rw").ToDict()
  hotplug.HotplugDevice(_InstDict(), constants.HOTPLUG_ACTION_ADD,
                        constants.HOTPLUG_TARGET_DISK, disk, ["/l", None], 1)
  nic = objects.NIC(mac="aa:00:00:00:00:01", uuid="n-1").ToDict()
  hotplug.HotplugDevice(_InstDict(), constants.HOTPLUG_ACTION_REMOVE,
                        constants.HOTPLUG_TARGET_NIC, nic, None, 0)
  hotplug.HotplugDevice(_InstDict(), constants.HOTPLUG_ACTION_MODIFY,
                        constants.HOTPLUG_TARGET_NIC, nic, None, 2)
  assert [(c[0], c[1], c[2], c[4], c[5]) for c in hv.calls] == [
    ("HotAddDevice", "inst1", "disk", ("/l", None), 1),
    ("HotDelDevice", "inst1", "nic", None, 0),
    ("HotModDevice", "inst1", "nic", None, 2)]
  assert isinstance(hv.calls[0][3], objects.Disk)
  assert hv.calls[0][3].uuid == "d-1"
  assert isinstance(hv.calls[1][3], objects.NIC)


def testUnsupported(hv):
  hv.unsupported = "Disk hotplug needs disk_type paravirtual"
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugDevice(_InstDict(), constants.HOTPLUG_ACTION_ADD,
                          constants.HOTPLUG_TARGET_DISK, {}, None, 0)
  assert str(err.value) == ("Hotplug is not supported: Disk hotplug needs"
                            " disk_type paravirtual")
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugSupported(_InstDict())
  assert str(err.value).startswith("Hotplug is not supported: ")
  assert hv.calls == []


def testBadArguments(hv):
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugDevice(_InstDict(), "hotsomething",
                          constants.HOTPLUG_TARGET_NIC, {}, None, 0)
  assert str(err.value) == "Unknown hotplug action 'hotsomething'"
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugDevice(_InstDict(), constants.HOTPLUG_ACTION_ADD,
                          "cdrom", {}, None, 0)
  assert str(err.value) == "Unknown hotplug device type 'cdrom'"


def testFakeHypervisorCannotHotplug():
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugSupported(_InstDict(constants.HT_FAKE))
  assert str(err.value) == ("Hotplug is not supported: Hotplug is not"
                            " supported by this hypervisor")
  with pytest.raises(RPCFail) as err:
    hotplug.HotplugDevice(_InstDict(constants.HT_FAKE),
                          constants.HOTPLUG_ACTION_ADD,
                          constants.HOTPLUG_TARGET_NIC, {}, None, 0)
  assert str(err.value) == ("Hotplug is not supported: Hotplug is not"
                            " supported.")
