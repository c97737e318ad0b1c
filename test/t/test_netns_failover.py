"""Master failover and node groups on a 3-node network-namespace cluster.

One cluster for the module (test/support/netns_cluster.py): every node
is a network namespace with an address in 198.51.100.0/24, its own root
directory and its own sshd; node2 and node3 join over real SSH.  The
tests run in file order and build on each other (the master moves):

- after every change (tags, node modify, group add/assign-nodes) each
  online candidate holds the master's config.data byte for byte and every
  online node the same ssconf files;
- ``gnt-cluster master-failover`` on node2 while jobs wait behind a lock:
  none is lost, the new master finishes them all, the job files say
  success, and the cluster address 198.51.100.1 moves to node2's eth0;
- node2's daemons are killed outright; node1 takes over with
  ``--no-voting``; once node2 is back, voted failovers work both ways;
- gnt-group add/assign-nodes/rename/remove end to end;
- an offline node with its daemons stopped blocks no job.

The cluster is conftest.py's ``nc`` fixture; skipped (with the reason) when
the namespace cluster can't run here.
"""

import os
import subprocess

import pytest
import netns_cluster
from failover_checks import CheckCandidatesInSync
from failover_checks import CheckJobsSucceeded
from failover_checks import DataDir
from failover_checks import FailOverTo
from failover_checks import QueueBehindLock
from failover_checks import ReadFile
from vcluster import WaitFor

pytestmark = [pytest.mark.cluster, pytest.mark.root]

CLUSTER_IP = netns_cluster.CLUSTER_IP


def _HasClusterIp(nc, node):
  proc = nc.Run("ip -4 -o addr show dev eth0", node=node)
  assert proc.exit_code == 0, proc
  return (" %s/" % CLUSTER_IP) in proc.stdout


def _AssertMaster(nc, master):
  """All online nodes name ``master``, it runs jobs, and only its
  namespace carries the cluster address (which answers on noded's port)."""
  for node in nc.Nodes:
    assert ReadFile(os.path.join(DataDir(nc, node), "ssconf_master_node")) \
      == ("%s\n" % master).encode(), node
  nc.Check("gnt-debug delay --no-master 0.01", node=master)
  # masterd brings the address up in the background once it serves
  want = [n == master for n in nc.Nodes]
  WaitFor(lambda: [_HasClusterIp(nc, n) for n in nc.Nodes] == want,
          timeout=30, what="the cluster address on %s only" % master)
  other = [n for n in nc.Nodes if n != master][0]
  nc.Check("python3 -c 'import socket; socket.create_connection((\"%s\","
           " 1811), 5).close()'" % CLUSTER_IP, node=other)


def testJoinAndSync(nc):
  nc.Check("gnt-node add --no-ssh-key-check node2")
  nc.Check("gnt-node add --no-ssh-key-check node3")
  out = nc.Check("gnt-node list --no-headers --separator=: -o"
                 " name,pip,master_candidate")
  assert out.split() == ["node1:198.51.100.11:Y", "node2:198.51.100.12:Y",
                         "node3:198.51.100.13:Y"]
  CheckCandidatesInSync(nc, "node1")
  for cmd in ["gnt-cluster add-tags nf-tag",
              "gnt-node add-tags node2 nf-node-tag",
              "gnt-node modify -C no node3",
              "gnt-node modify -C yes node3",
              "gnt-group add nfgroup",
              "gnt-group assign-nodes nfgroup node3"]:
    nc.Check(cmd)
    CheckCandidatesInSync(nc, "node1")
  cfg = CheckCandidatesInSync(nc, "node1")
  groups = dict((g["uuid"], g["name"]) for g in cfg["nodegroups"].values())
  assert dict((n["name"], groups[n["group"]]) for n in
              cfg["nodes"].values()) == {
    "node1": "default", "node2": "default", "node3": "nfgroup"}
  nc.Check("gnt-group assign-nodes default node3")
  nc.Check("gnt-group remove nfgroup")
  CheckCandidatesInSync(nc, "node1")
  _AssertMaster(nc, "node1")


def testFailoverWithQueuedJobs(nc):
  # one job holds node3's lock for a while; the others wait behind it
  ids = QueueBehindLock(nc, "node1", "node3", 15)
  FailOverTo(nc, "node2", witness="node3")
  CheckJobsSucceeded(nc, "node2", ids)
  _AssertMaster(nc, "node2")
  CheckCandidatesInSync(nc, "node2")


def _DropClusterIp(nc, node):
  subprocess.run(
    ["ip", "-n", nc.Netns(node), "addr", "del", "%s/32" % CLUSTER_IP, "dev",
     "eth0"], check=True, capture_output=True)


def testKilledMasterFailover(nc):
  # node2 dies: its daemons are killed, its addresses gone with it
  nc.StopDaemons("node2")
  _DropClusterIp(nc, "node2")
  assert nc.Run("gnt-cluster master-ping", node="node2").exit_code != 0
  result = nc.Run("gnt-cluster master-failover --no-voting --yes-do-it",
                  node="node1")
  assert result.exit_code == 0, result
  assert "Could not disable the master role on the old master node2" in \
    result.stderr
  # node2 reboots (/var/run is lost) and its node daemon starts
  os.unlink(os.path.join(nc.NodeRoot("node2"),
                         "var/run/ganeti/master-ip-state"))
  nc.Check("daemon-util start ganeti-noded", node="node2")
  nc.Check("gnt-cluster redist-conf")
  _AssertMaster(nc, "node1")
  CheckCandidatesInSync(nc, "node1")
  # with every node answering, voted failovers work both ways
  nc.Check("gnt-cluster master-failover", node="node2")
  _AssertMaster(nc, "node2")
  nc.Check("gnt-cluster master-failover", node="node1")
  _AssertMaster(nc, "node1")
  CheckCandidatesInSync(nc, "node1")


def testGroupsEndToEnd(nc):
  nc.Check("gnt-group add --alloc-policy=last_resort nfg1")
  nc.Check("gnt-group assign-nodes nfg1 node2 node3")
  out = nc.Check("gnt-group list --no-headers --separator=: -o"
                 " name,node_cnt,alloc_policy")
  assert out.split() == ["default:1:preferred", "nfg1:2:last_resort"]
  CheckCandidatesInSync(nc, "node1")
  nc.Check("gnt-group rename nfg1 nfg2")
  out = nc.Check("gnt-node list --no-headers --separator=: -o name,group")
  assert out.split() == ["node1:default", "node2:nfg2", "node3:nfg2"]
  result = nc.Run("gnt-group remove nfg2")
  assert result.exit_code == 1, result
  assert "Group 'nfg2' not empty, has the following node(s): node2, node3" \
    in result.stderr, result
  nc.Check("gnt-group assign-nodes default node2 node3")
  nc.Check("gnt-group remove nfg2")
  out = nc.Check("gnt-group list --no-headers -o name")
  assert out.split() == ["default"]
  CheckCandidatesInSync(nc, "node1")


def testOfflineNodeDoesNotBlock(nc):
  nc.Check("gnt-node modify -O yes node3")
  nc.StopDaemons("node3")
  for cmd in ["gnt-debug delay --no-master -n node2 0.01",
              "gnt-cluster add-tags nf-offline", "gnt-node list",
              "gnt-group add nfoff", "gnt-group remove nfoff",
              "gnt-cluster redist-conf"]:
    nc.Check(cmd)
  CheckCandidatesInSync(nc, "node1", offline=["node3"])
  # node3 neither answers nor is asked; node1 and node2 decide
  nc.Check("gnt-cluster master-failover", node="node2")
  nc.Check("gnt-debug delay --no-master 0.01", node="node2")
  CheckCandidatesInSync(nc, "node2", offline=["node3"])
  WaitFor(lambda: _HasClusterIp(nc, "node2") and
          not _HasClusterIp(nc, "node1"), timeout=30,
          what="the cluster address on node2")
