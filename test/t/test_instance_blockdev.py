"""A blockdev instance adopting a real (loop) block device, end to end.

Needs root: a loop device is set up on a scratch file and given a
persistent-looking name below /dev/disk/ (the only place the master
adopts from); both are removed afterwards.
"""

import os
import shutil
import subprocess
import uuid

import pytest

import vcluster

pytestmark = [pytest.mark.cluster, pytest.mark.root]

SIZE_MIB = 64


def _Run(argv):
  return subprocess.run(argv, capture_output=True, text=True, check=False)


@pytest.fixture
def loop_device(tmp_path):
  if os.geteuid() != 0 or shutil.which("losetup") is None:
    pytest.skip("needs root and losetup for loop devices")
  backing = tmp_path / "disk.img"
  with open(backing, "wb") as fh:
    fh.truncate(SIZE_MIB * 1024 * 1024)
  res = _Run(["losetup", "--find", "--show", str(backing)])
  if res.returncode != 0:
    pytest.skip("losetup can't set up loop devices here: %s" % res.stderr)
  device = res.stdout.strip()
  made_dir = not os.path.isdir("/dev/disk")
  link = "/dev/disk/pyganeti-test-%s" % uuid.uuid4().hex[:8]
  try:
    os.makedirs("/dev/disk", exist_ok=True)
    os.symlink(device, link)
    yield (link, device)
  finally:
    if os.path.islink(link):
      os.unlink(link)
    if made_dir:
      try:
        os.rmdir("/dev/disk")
      except OSError:
        pass
    _Run(["losetup", "-d", device])


@pytest.mark.skipif(vcluster.FindOs("noop") is None,
                    reason=vcluster.NOOP_MISSING)
def test_blockdev_adoption(fresh_cluster, loop_device):
  (link, device) = loop_device
  cluster = fresh_cluster
  cluster.Check("gnt-cluster modify --enabled-disk-templates"
                " file,diskless,blockdev")
  # without adoption the template is refused
  res = cluster.Run("gnt-instance add -n node1 -t blockdev -s 1G -o noop"
                    " --no-name-check --no-ip-check --ignore-ipolicy b0")
  assert res.exit_code == 1
  assert res.stderr.endswith("Disk template blockdev requires disk adoption,"
                             " but no 'adopt' parameter given\n"), res
  # a device outside /dev/disk/ is refused
  res = cluster.Run("gnt-instance add -n node1 -t blockdev --disk 0:adopt=%s"
                    " -o noop --no-name-check --no-ip-check --ignore-ipolicy"
                    " b0" % device)
  assert res.exit_code == 1
  assert ("Device node(s) %s lie outside /dev/disk/ and cannot be adopted"
          % device) in res.stderr, res
  out = cluster.Check("gnt-instance add -n node1 -t blockdev"
                      " --disk 0:adopt=%s -o noop --no-name-check"
                      " --no-ip-check --ignore-ipolicy --no-start b1" % link)
  assert "* creating instance disks..." not in out
  assert "adding instance b1 to cluster config" in out
  assert cluster.Check("gnt-instance list --no-headers"
                       " -o name,disk_template,disk.sizes b1").split() == \
    ["b1", "blockdev", str(SIZE_MIB)]
  info = cluster.Check("gnt-instance info b1")
  assert "logical_id: ['manual', '%s']" % link in info
  assert "- disk/0: blockdev, size %dM" % SIZE_MIB in info
  act = cluster.Check("gnt-instance activate-disks b1")
  assert act.startswith("node1:disk/0:"), act
  cluster.Check("gnt-instance deactivate-disks b1")
  # removing the instance leaves the adopted device alone
  cluster.Check("gnt-instance remove -f b1")
  assert os.path.exists(link)
  assert _Run(["blockdev", "--getsize64", device]).stdout.strip() == \
    str(SIZE_MIB * 1024 * 1024)
  assert cluster.Check("gnt-instance list --no-headers -o name") == ""
