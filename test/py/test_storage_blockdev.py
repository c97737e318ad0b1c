"""PersistentBlockDevice: path rules, and adoption of a real loop device."""

import os
import shutil
import subprocess

import pytest

from ganeti import errors
from ganeti.backend import bdev as backend_bdev
from ganeti import backend
from ganeti.storage import blockdev

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("path", ["/dev/disk/by-id/wwn-0x5000",
                                  "/dev/disk/by-path/pci-0000:00:1f.2"])
def testAdoptablePaths(path):
  blockdev.CheckAdoptablePath(path)


@pytest.mark.parametrize("path", ["/dev/sda", "/dev/disk/../sda",
                                  "/dev/disk", "disk/by-id/x", "/tmp/x"])
def testNotAdoptablePaths(path):
  with pytest.raises(errors.BlockDeviceError, match="cannot be adopted"):
    blockdev.CheckAdoptablePath(path)


def testNodePathRules(tmp_path):
  with pytest.raises(errors.BlockDeviceError, match="lies outside /dev/"):
    blockdev.PersistentBlockDevice(("manual", str(tmp_path)), None, 1, {})
  with pytest.raises(errors.BlockDeviceError, match="must be absolute"):
    blockdev.PersistentBlockDevice(("manual", "dev/sda"), None, 1, {})
  with pytest.raises(errors.BlockDeviceError, match="invalid type"):
    blockdev.PersistentBlockDevice(("auto", "/dev/null"), None, 1, {})
  # /dev/null is below /dev but not a block device: not attached
  dev = blockdev.PersistentBlockDevice(("manual", "/dev/null"), None, 1, {})
  assert not dev.attached
  with pytest.raises(errors.BlockDeviceError, match="Can't find"):
    dev.Assemble()
  with pytest.raises(errors.BlockDeviceError, match="Can't find"):
    blockdev.PersistentBlockDevice.Create(("manual", "/dev/null"), None, 1,
                                          None, {}, False, {})
  with pytest.raises(errors.BlockDeviceError, match="exclusive_storage"):
    blockdev.PersistentBlockDevice.Create(("manual", "/dev/null"), None, 1,
                                          None, {}, True, {})
  with pytest.raises(errors.BlockDeviceError, match="Importing"):
    dev.Import()
  with pytest.raises(errors.BlockDeviceError, match="Rename"):
    dev.Rename(("manual", "/dev/sda"))


@pytest.fixture
def loopdev(tmp_path):
  """A real 16 MiB loop device (needs root and losetup)."""
  if os.geteuid() != 0 or not shutil.which("losetup"):
    pytest.skip("needs root and losetup to set up a loop device")
  backing = tmp_path / "backing.img"
  with open(backing, "wb") as fh:
    fh.truncate(16 << 20)
  proc = subprocess.run(["losetup", "--find", "--show", str(backing)],
                        capture_output=True, text=True, check=False)
  if proc.returncode != 0:
    pytest.skip("losetup can't set up a loop device here: %s" % proc.stderr)
  dev = proc.stdout.strip()
  try:
    yield dev
  finally:
    subprocess.run(["losetup", "-d", dev], check=False)


@pytest.mark.root
def testRealLoopDevice(loopdev, tmp_path, vnode):
  link = tmp_path / "by-id-link"
  os.symlink(loopdev, link)
  disk = {"dev_type": "blockdev", "size": 16, "uuid": "d1",
          "logical_id": ["manual", str(link)], "params": {}}
  # "create" adopts the existing device
  assert backend_bdev.BlockdevCreate(disk, 16, "inst1", True, "x", False) \
    == ["manual", str(link)]
  (path, link_name, uri) = backend_bdev.BlockdevAssemble(
    disk, {"name": "inst1"}, True, 0)
  assert (path, uri) == (str(link), None)
  assert os.readlink(link_name) == str(link)
  st = os.stat(loopdev)
  status = backend_bdev.BlockdevFind(disk)
  assert (status["major"], status["minor"]) == (os.major(st.st_rdev),
                                                os.minor(st.st_rdev))
  assert backend_bdev.BlockdevGetdimensions([disk]) == [[16 << 20, None]]
  assert backend_bdev.BlockdevGetmirrorstatus([disk])[0][0] is True
  from ganeti.backend import storage_units
  assert storage_units.GetBlockDevSizes([loopdev, "/dev/null", "/etc/x"]) \
    == {loopdev: 16}
  with pytest.raises(backend.RPCFail, match="Grow is not supported"):
    backend_bdev.BlockdevGrow(disk, 1, False, True, False)
  backend_bdev.BlockdevShutdown(disk)
  backend_bdev.BlockdevClose("inst1", [disk])
  assert not os.path.lexists(link_name)
  backend_bdev.BlockdevRemove(disk)
  # adopted devices are released, never destroyed
  assert os.path.exists(loopdev)
  assert backend_bdev.BlockdevFind(disk) is not None
