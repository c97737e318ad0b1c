"""qemu capability parsers on recorded outputs of real qemu builds."""

import pytest

from ganeti import errors
from ganeti.hypervisor.hv_kvm import caps

import kvm_testlib as T

pytestmark = pytest.mark.unit


def test_version():
  assert caps.ParseVersion(T.ReadData("qemu_7.2_version.txt")) == \
    ("7.2.22", (7, 2, 22))
  assert caps.ParseVersion(T.ReadData("kvm_1.1.2_help.txt")) == \
    ("1.1.2", (1, 1, 2))
  assert caps.ParseVersion("QEMU PC emulator version 0.12.5 (qemu-kvm)") == \
    ("0.12.5", (0, 12, 5))
  assert caps.ParseVersion("QEMU emulator version 8.0 (x)") == \
    ("8.0", (8, 0, 0))
  with pytest.raises(errors.HypervisorError, match="version"):
    caps.ParseVersion("no such thing")


def test_machines():
  (default, names) = caps.ParseMachines(T.ReadData("qemu_7.2_machine_help.txt"))
  assert default == "pc-i440fx-7.2"
  assert "pc" in names and "pc-q35-7.2" in names and "microvm" in names
  assert "Supported" not in names
  (default, names) = caps.ParseMachines(T.ReadData("kvm_6.0.0_machine.txt"))
  assert default == "pc-i440fx-impish"
  assert caps.ParseMachines("Supported machines are:\npc  PC\n") == \
    (None, ["pc"])


def test_devices():
  devices = caps.ParseDevices(T.ReadData("qemu_7.2_device_help.txt"))
  for dev in ("virtio-net-pci", "virtio-blk-pci", "virtio-balloon-pci",
              "e1000", "virtio-scsi-pci", "scsi-hd", "usb-tablet"):
    assert dev in devices
  assert "Network" not in devices


def test_help_options():
  new = caps.ParseHelpOptions(T.ReadData("qemu_7.2_help.txt"))
  assert {"machine", "accel", "netdev", "qmp", "spice", "uuid", "display",
          "daemonize", "enable-kvm", "rtc", "usbdevice"} <= new
  # removed from modern qemu
  assert not {"balloon", "soundhw", "localtime", "disable-kvm",
              "drive-boot"} & new
  old = caps.ParseHelpOptions(T.ReadData("kvm_0.12.5_help.txt"))
  assert {"balloon", "netdev", "drive-boot", "qmp"} <= old
  assert "machine" not in old and "display" not in old


def test_from_outputs():
  c = T.Caps72()
  assert c.version == "7.2.22"
  assert c.default_machine == "pc-i440fx-7.2"
  assert c.HasDevice("virtio-blk-pci") and c.HasOption("qmp")
  assert not c.HasOption("balloon")


@pytest.mark.qemu
def test_get_caps_real_binary():
  import shutil
  path = shutil.which("qemu-system-x86_64")
  if not path:
    pytest.skip("qemu-system-x86_64 is not installed")
  c = caps.GetCaps(path)
  assert c.version_tuple >= (2, 0)
  assert c.HasOption("qmp") and c.default_machine
  assert caps.GetCaps(path) is c  # cached


def test_get_caps_missing_binary(tmp_path):
  with pytest.raises(errors.HypervisorError, match="Cannot find"):
    caps.GetCaps(str(tmp_path / "nope"))
  broken = tmp_path / "kvm"
  broken.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
  broken.chmod(0o755)
  with pytest.raises(errors.HypervisorError, match="exit code 3"):
    caps.GetCaps(str(broken))
