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

Skipped (with the reason) when the namespace cluster can't run here.
"""

import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import netns_cluster  # noqa: E402

from ganeti import constants  # noqa: E402
from ganeti import jqueue  # noqa: E402
from ganeti import luxi  # noqa: E402
from ganeti import opcodes  # noqa: E402
from ganeti import serializer  # noqa: E402

pytestmark = [pytest.mark.cluster, pytest.mark.root]

FINAL = set(constants.JOBS_FINALIZED)
CLUSTER_IP = netns_cluster.CLUSTER_IP


@pytest.fixture(scope="module")
def nc():
  reason = netns_cluster.Missing()
  if reason:
    pytest.skip("network namespace cluster: %s" % reason)
  tmp = tempfile.mkdtemp(prefix="pyganeti-nf-")
  cluster = netns_cluster.NetnsCluster(os.path.join(tmp, "nc"), nodes=3)
  cluster.Start()
  try:
    cluster.InitCluster()
    yield cluster
  finally:
    cluster.Stop()
    os.rmdir(tmp)


def _Read(path):
  try:
    with open(path, "rb") as fh:
      return fh.read()
  except FileNotFoundError:
    return None


def _DataDir(nc, node):
  return os.path.join(nc.NodeRoot(node), "var/lib/ganeti")


def _Ssconf(nc, node):
  ddir = _DataDir(nc, node)
  return dict((name, _Read(os.path.join(ddir, name)))
              for name in os.listdir(ddir) if name.startswith("ssconf_"))


def _AssertInSync(nc, master, offline=()):
  """Every online candidate has the master's config.data, every online
  node the master's ssconf files."""
  data = _Read(os.path.join(_DataDir(nc, master), "config.data"))
  cfg = serializer.LoadJson(data)
  assert cfg["nodes"][cfg["cluster"]["master_node"]]["name"] == master
  ssconf = _Ssconf(nc, master)
  assert ssconf["ssconf_master_node"] == ("%s\n" % master).encode()
  for node in cfg["nodes"].values():
    name = node["name"]
    if name in offline:
      continue
    if node["master_candidate"]:
      assert _Read(os.path.join(_DataDir(nc, name), "config.data")) == \
        data, "config.data of %s differs" % name
    assert _Ssconf(nc, name) == ssconf, "ssconf of %s differs" % name
  return cfg


def _HasClusterIp(nc, node):
  proc = nc.Run("ip -4 -o addr show dev eth0", node=node)
  assert proc.exit_code == 0, proc
  return (" %s/" % CLUSTER_IP) in proc.stdout


def _AssertMaster(nc, master):
  """All online nodes name ``master``, it runs jobs, and only its
  namespace carries the cluster address (which answers on noded's port)."""
  for node in nc.Nodes:
    assert _Read(os.path.join(_DataDir(nc, node), "ssconf_master_node")) \
      == ("%s\n" % master).encode(), node
  nc.Check("gnt-debug delay --no-master 0.01", node=master)
  # masterd brings the address up in the background once it serves
  want = [n == master for n in nc.Nodes]
  netns_cluster.WaitFor(lambda: [_HasClusterIp(nc, n) for n in nc.Nodes]
                        == want, timeout=30,
                        what="the cluster address on %s only" % master)
  other = [n for n in nc.Nodes if n != master][0]
  nc.Check("python3 -c 'import socket; socket.create_connection((\"%s\","
           " 1811), 5).close()'" % CLUSTER_IP, node=other)


def _Client(nc, node):
  return luxi.Client(address=os.path.join(
    nc.NodeRoot(node), "var/run/ganeti/socket/ganeti-master"))


def testJoinAndSync(nc):
  nc.Check("gnt-node add --no-ssh-key-check node2")
  nc.Check("gnt-node add --no-ssh-key-check node3")
  out = nc.Check("gnt-node list --no-headers --separator=: -o"
                 " name,pip,master_candidate")
  assert out.split() == ["node1:198.51.100.11:Y", "node2:198.51.100.12:Y",
                         "node3:198.51.100.13:Y"]
  _AssertInSync(nc, "node1")
  for cmd in ["gnt-cluster add-tags nf-tag",
              "gnt-node add-tags node2 nf-node-tag",
              "gnt-node modify -C no node3",
              "gnt-node modify -C yes node3",
              "gnt-group add nfgroup",
              "gnt-group assign-nodes nfgroup node3"]:
    nc.Check(cmd)
    _AssertInSync(nc, "node1")
  cfg = _AssertInSync(nc, "node1")
  groups = dict((g["uuid"], g["name"]) for g in cfg["nodegroups"].values())
  assert dict((n["name"], groups[n["group"]]) for n in
              cfg["nodes"].values()) == {
    "node1": "default", "node2": "default", "node3": "nfgroup"}
  nc.Check("gnt-group assign-nodes default node3")
  nc.Check("gnt-group remove nfgroup")
  _AssertInSync(nc, "node1")
  _AssertMaster(nc, "node1")


def testFailoverWithQueuedJobs(nc):
  cl = _Client(nc, "node1")
  # one job holds node3's lock for a while; the others wait behind it
  blocker = cl.SubmitJob([opcodes.OpTestDelay(duration=3.0, on_master=False,
                                              on_nodes=["node3"])])
  netns_cluster.WaitFor(lambda: cl.QueryJobs([blocker], ["status"]) ==
                        [["running"]], timeout=30, what="the blocking job")
  submitted = cl.SubmitManyJobs([
    [opcodes.OpTestDelay(duration=0.01, on_master=False, on_nodes=["node3"])]
    for _ in range(15)])
  assert all(ok for (ok, _) in submitted), submitted
  ids = [blocker] + [job_id for (_, job_id) in submitted]
  status = [s for (s, ) in cl.QueryJobs(ids, ["status"])]
  assert not FINAL.intersection(status), status
  cl.Close()
  result = nc.Run("gnt-cluster master-failover", node="node2")
  assert result.exit_code == 0, result
  assert nc.Check("gnt-cluster getmaster", node="node3").strip() == "node2"
  cl = _Client(nc, "node2")
  try:
    def _AllDone():
      return all(s in FINAL for (s, ) in cl.QueryJobs(ids, ["status"]))
    netns_cluster.WaitFor(_AllDone, timeout=60, what="all jobs finished")
    assert [s for (s, ) in cl.QueryJobs(ids, ["status"])] == \
      ["success"] * len(ids)
  finally:
    cl.Close()
  qdir = os.path.join(_DataDir(nc, "node2"), "queue")
  for job_id in ids:
    job = jqueue.QueuedJob.Load(_Read(os.path.join(qdir, "job-%d" % job_id)),
                                writable=False)
    assert job.CalcStatus() == "success"
  _AssertMaster(nc, "node2")
  _AssertInSync(nc, "node2")


def _DropClusterIp(nc, node):
  netns_cluster.subprocess.run(
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
  _AssertInSync(nc, "node1")
  # with every node answering, voted failovers work both ways
  nc.Check("gnt-cluster master-failover", node="node2")
  _AssertMaster(nc, "node2")
  nc.Check("gnt-cluster master-failover", node="node1")
  _AssertMaster(nc, "node1")
  _AssertInSync(nc, "node1")


def testGroupsEndToEnd(nc):
  nc.Check("gnt-group add --alloc-policy=last_resort nfg1")
  nc.Check("gnt-group assign-nodes nfg1 node2 node3")
  out = nc.Check("gnt-group list --no-headers --separator=: -o"
                 " name,node_cnt,alloc_policy")
  assert out.split() == ["default:1:preferred", "nfg1:2:last_resort"]
  _AssertInSync(nc, "node1")
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
  _AssertInSync(nc, "node1")


def testOfflineNodeDoesNotBlock(nc):
  nc.Check("gnt-node modify -O yes node3")
  nc.StopDaemons("node3")
  for cmd in ["gnt-debug delay --no-master -n node2 0.01",
              "gnt-cluster add-tags nf-offline", "gnt-node list",
              "gnt-group add nfoff", "gnt-group remove nfoff",
              "gnt-cluster redist-conf"]:
    nc.Check(cmd)
  _AssertInSync(nc, "node1", offline=["node3"])
  # node3 neither answers nor is asked; node1 and node2 decide
  nc.Check("gnt-cluster master-failover", node="node2")
  nc.Check("gnt-debug delay --no-master 0.01", node="node2")
  _AssertInSync(nc, "node2", offline=["node3"])
  netns_cluster.WaitFor(lambda: _HasClusterIp(nc, "node2") and
                        not _HasClusterIp(nc, "node1"), timeout=30,
                        what="the cluster address on node2")
