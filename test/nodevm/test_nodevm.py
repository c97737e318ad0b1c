"""A cluster whose nodes are qemu guests: real LVM and DRBD kernels.

The guests node2 and node3 run this checkout's ganeti-noded as real nodes
(no root directory); the master node1 is a virtual node on the host.
"""

import pytest

from ganeti import constants

pytestmark = [pytest.mark.qemu, pytest.mark.root, pytest.mark.slow,
              pytest.mark.cluster]

GUESTS = ("node2", "node3")


def _Rows(output):
  return [line.split() for line in output.splitlines() if line.strip()]


@pytest.mark.parametrize("name", GUESTS)
def test_guest_kernel_has_lvm_and_drbd(nodevm_cluster, name):
  sh = nodevm_cluster.Guest(name)
  assert sh.Check("hostname") == name
  assert sh.Check("head -n1 /proc/drbd").startswith("version: 8.4")
  assert sh.Check("cat /sys/module/drbd/parameters/usermode_helper") == \
    "/bin/true"
  assert "Driver version" in sh.Check("dmsetup version")
  (vg, pv) = sh.Check("vgs --noheadings -o vg_name,pv_name").split()
  assert (vg, pv) == ("xenvg", "/dev/vdb")


@pytest.mark.parametrize("name", GUESTS)
def test_guest_noded_answers(nodevm_cluster, name):
  (fail, payload) = nodevm_cluster.CallRpc("version", name)
  assert fail is None
  assert payload == constants.PROTOCOL_VERSION
  # the daemon is this checkout's, from the read-only code share
  sh = nodevm_cluster.Guest(name)
  pid = sh.Check("cat /var/run/ganeti/ganeti-noded.pid")
  cmdline = sh.Check("tr '\\0' ' ' < /proc/%s/cmdline" % pid)
  assert "/opt/pyganeti/daemons/ganeti-noded" in cmdline


def test_cluster_lists_guest_nodes_with_their_vg(nodevm_cluster):
  out = nodevm_cluster.Check("gnt-node list --no-headers --units=m"
                             " -o name,dtotal,dfree,pinst_cnt")
  rows = dict((row[0], row[1:]) for row in _Rows(out))
  assert sorted(rows) == ["node1", "node2", "node3"]
  for name in GUESTS:
    vg = nodevm_cluster.Guest(name).Check(
      "vgs --noheadings --nosuffix --units=m -o vg_size,vg_free xenvg")
    (size, free) = [int(float(v)) for v in vg.split()]
    assert rows[name] == [str(size), str(free), "0"], (name, rows, vg)
    assert size > 1900


@pytest.mark.parametrize("name", GUESTS)
def test_guest_received_cluster_files(nodevm_cluster, name):
  """ssconf (and, for candidates, config.data) reached the real nodes."""
  sh = nodevm_cluster.Guest(name)
  assert sh.Check("cat /var/lib/ganeti/ssconf_cluster_name") == "cluster"
  assert sh.Check("cat /var/lib/ganeti/ssconf_master_node") == "node1"
  nodes = sh.Check("cat /var/lib/ganeti/ssconf_node_list").split()
  assert sorted(nodes) == ["node1", "node2", "node3"]
  out = nodevm_cluster.Check("gnt-node list --no-headers -o name,"
                             "master_candidate %s" % name)
  if out.split()[1] == "Y":
    sh.Check("test -s /var/lib/ganeti/config.data")


def test_guests_reach_master_and_each_other(nodevm_cluster):
  # by name, through the /etc/hosts the test wrote: the cluster IP, the
  # master node and the other guest
  for (name, peer) in (("node2", "node3"), ("node3", "node2")):
    nodevm_cluster.Guest(name).Check(
      "for h in cluster node1 %s; do ping -c1 -W5 $h >/dev/null || exit 1;"
      " done" % peer)
