"""ExtStorage disks through real node daemons of a virtual cluster.

The pyganeti-file provider is linked into every node root by
vcluster-setup and keeps its volumes in the cluster directory, so a volume
created on one node is usable on the other, like shared storage.  The
calls go over HTTPS with the cluster certificate, as the master sends
them.
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import vcluster  # noqa: E402

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

_CALLER = """
import json, sys
from ganeti import pathutils, serializer
from ganeti.rpc import transport
client = transport.RpcClient(pathutils.Get().NODED_CERT_FILE)
out = []
for (ip, proc, args) in json.load(sys.stdin):
  res = client.Call(proc, {"n": (ip, 1811)}, serializer.DumpJson(args),
                    60)["n"]
  out.append([res.fail_msg, res.payload])
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def cluster():
  tmp = tempfile.mkdtemp(prefix="pyganeti-storage-vc-")
  vc = vcluster.VirtualCluster(os.path.join(tmp, "vc"), nodes=2)
  vc.Start()
  try:
    yield vc
  finally:
    vc.Stop()


def _Calls(vc, calls):
  """Run ``[(node index, procedure, args)]``; return [[fail_msg, payload]]."""
  wire = [[vcluster.vcluster_setup.NodeIp(vc.prefix, idx), proc, args]
          for (idx, proc, args) in calls]
  env = vc.Env()
  env["PYTHONPATH"] = vcluster.TOP
  proc = subprocess.run([sys.executable, "-c", _CALLER], env=env,
                        input=json.dumps(wire), capture_output=True,
                        text=True, timeout=120, check=False)
  assert proc.returncode == 0, proc.stderr
  return json.loads(proc.stdout)


def testExtDiskAcrossNodes(cluster):
  vol = "7d1c0e9a-0000-4000-8000-000000000001.ext.disk0"
  disk = {"dev_type": "ext", "logical_id": ["pyganeti-file", vol],
          "size": 4, "iv_name": "disk/0", "uuid": "u1",
          "params": {"access": "kernelspace", "loop": "no"}}
  data_dir = os.path.join(cluster.basedir, "extstorage-data",
                          "pyganeti-file")
  vol_file = os.path.join(data_dir, vol + ".img")
  inst = {"name": "inst1", "hypervisor": "fake"}
  results = _Calls(cluster, [
    (0, "blockdev_create", [disk, 4, "inst1", True, "originstname+inst1",
                            False]),
    (0, "blockdev_assemble", [disk, inst, True, 0]),
    (0, "blockdev_shutdown", [disk]),
    (1, "blockdev_assemble", [disk, inst, True, 0]),
    (1, "blockdev_grow", [disk, 4, False, True, False]),
    (0, "blockdev_getdimensions", [[disk]]),
    (0, "node_info", [[["ext", "pyganeti-file", []],
                       ["file", "/srv/ganeti/file-storage", []]], []]),
  ])
  assert [r[0] for r in results] == [None] * len(results), results
  assert results[0][1] == ["pyganeti-file", vol]
  (path, link, uri) = results[1][1]
  assert path == vol_file and uri is None
  assert link == os.path.join(cluster.NodeRoot("node1"),
                              "var/run/ganeti/instance-disks/inst1:0")
  assert os.readlink(link) == vol_file
  assert results[3][1][0] == vol_file  # the other node sees the volume
  assert results[5][1] == [[8 << 20, None]]
  with open(os.path.join(data_dir, vol + ".meta")) as fh:
    assert fh.read() == "originstname+inst1\n"
  (_, storage, _) = results[6][1]
  assert storage[0]["storage_size"] is None
  assert storage[1]["type"] == "file" and storage[1]["storage_size"] > 0
  results = _Calls(cluster, [(1, "blockdev_remove", [disk]),
                             (0, "blockdev_find", [disk])])
  assert results[0] == [None, None]
  assert not os.path.exists(vol_file)
  assert results[1][0] and "does not exist" in results[1][0]


def testSharedFileDiskAcrossNodes(cluster):
  sdir = "/srv/ganeti/shared-file-storage/inst2"
  disk = {"dev_type": "sharedfile", "logical_id": ["loop", sdir + "/disk0"],
          "size": 2, "iv_name": "disk/0", "params": {}}
  inst = {"name": "inst2", "hypervisor": "fake"}
  shared = os.path.join(cluster.basedir, "shared-storage") + disk[
    "logical_id"][1]
  results = _Calls(cluster, [
    (0, "file_storage_dir_create", [sdir]),
    (0, "blockdev_create", [disk, 2, "inst2", True, "", False]),
    (1, "blockdev_assemble", [disk, inst, True, 0]),
    (1, "blockdev_remove", [disk]),
    (0, "blockdev_find", [disk]),
    (1, "file_storage_dir_remove", [sdir]),
  ])
  assert [r[0] for r in results] == [None] * len(results), results
  assert results[2][1][0] == shared
  assert results[4][1] is None
  assert not os.path.exists(os.path.dirname(shared))
