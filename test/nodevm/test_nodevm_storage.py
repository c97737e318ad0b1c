"""gnt-node's storage commands against the guests' real LVM: list-storage
(lvm-vg, lvm-pv), modify-storage (the allocatable flag) and volumes."""

import pytest

pytestmark = [pytest.mark.qemu, pytest.mark.root, pytest.mark.slow,
              pytest.mark.cluster]


def _Rows(output):
  return [line.split(":") for line in output.splitlines() if line.strip()]


def test_storage_commands_on_real_lvm(nodevm_cluster):
  cl = nodevm_cluster
  sh = cl.Guest("node2")
  vg = sh.Check("vgs --noheadings --nosuffix --units=m -o vg_size,vg_free"
                " xenvg").split()
  (size, free) = [int(round(float(v))) for v in vg]
  rows = _Rows(cl.Check("gnt-node list-storage -t lvm-vg --no-headers"
                        " --separator=: --units=m node2"))
  assert rows == [["node2", "lvm-vg", "xenvg", str(size), str(size - free),
                   str(free), "Y"]]
  out = cl.Check("gnt-node list-storage -t lvm-pv --no-headers"
                 " --separator=: -o node,name,allocatable node2 node3")
  assert _Rows(out) == [["node2", "/dev/vdb", "Y"], ["node3", "/dev/vdb", "Y"]]
  try:
    cl.Check("gnt-node modify-storage --allocatable=no node2 lvm-pv"
             " /dev/vdb")
    assert sh.Check("pvs --noheadings -o pv_attr /dev/vdb").strip()[0] != "a"
    out = cl.Check("gnt-node list-storage -t lvm-pv --no-headers"
                   " --separator=: -o name,allocatable node2")
    assert _Rows(out) == [["/dev/vdb", "N"]]
  finally:
    cl.Check("gnt-node modify-storage --allocatable=yes node2 lvm-pv"
             " /dev/vdb")
  assert sh.Check("pvs --noheadings -o pv_attr /dev/vdb").strip()[0] == "a"
  # volumes: an LV of no instance shows as an orphan ("-")
  sh.Check("lvcreate -L 8m -n orphan-test xenvg")
  try:
    out = cl.Check("gnt-node volumes --no-headers --separator=: --units=m"
                   " node2")
    assert ["node2", "/dev/vdb", "xenvg", "orphan-test", "8", "-"] in \
      _Rows(out)
  finally:
    sh.Check("lvremove -f xenvg/orphan-test")
  # repair of a consistent VG: vgreduce finds nothing to remove
  out = cl.Check("gnt-node repair-storage node2 lvm-vg xenvg")
  assert "Repairing storage unit 'xenvg' on node2 ..." in out
  assert sh.Check("vgs --noheadings -o vg_name xenvg").strip() == "xenvg"
