"""Master candidates and master failover on one 3-node virtual cluster.

The tests run in order on the same cluster (the master moves around):
candidates hold the master's config.data byte for byte after every change
and ssconf matches on all online nodes; a failover while 20+ jobs wait
loses none; a SIGKILLed master daemon is replaced by ``--no-voting``, a
dead master node by a voted failover; a node whose ssconf wrongly names
it master is outvoted; the external master IP script moves with the
master; an offline node (its daemon stopped) blocks nothing.
"""

import os
import signal

import pytest
import vcluster
from failover_checks import CheckCandidatesInSync
from failover_checks import CheckJobsSucceeded
from failover_checks import DataDir
from failover_checks import FailOverTo
from failover_checks import MasterClient
from failover_checks import QueueBehindLock
from failover_checks import ReadFile

from ganeti import constants
from ganeti import opcodes

pytestmark = [pytest.mark.cluster]


@pytest.fixture(scope="module")
def cluster():
  with vcluster.Running("pyganeti-mf-", nodes=3) as vc:
    vc.InstallTestOSes(["test-api20"])
    yield vc


def _Master(vc, node="node1"):
  return vc.Check("gnt-cluster getmaster", node=node).strip()


def _KillMasterd(vc, node):
  pid = vc.DaemonPid("ganeti-masterd", node)
  assert pid
  os.kill(pid, signal.SIGKILL)
  vcluster.WaitFor(lambda: vcluster.PidFileFree(
                     vc.PidFile("ganeti-masterd", node)), timeout=30,
                   what="masterd of %s gone" % node)


def _AssertMasterWorks(vc, master):
  """All nodes name ``master`` (what getmaster prints), it runs jobs and
  only it has the master IP up."""
  for node in vc.nodes:
    assert ReadFile(os.path.join(DataDir(vc, node), "ssconf_master_node")) \
      == ("%s\n" % master).encode()
  vc.Check("gnt-debug delay --no-master 0.01", node=master)
  states = [os.path.exists(os.path.join(vc.NodeRoot(n),
                                        "var/run/ganeti/master-ip-state"))
            for n in vc.nodes]
  assert states == [n == master for n in vc.nodes]


def test_candidates_follow_every_change(cluster):
  vc = cluster
  CheckCandidatesInSync(vc, "node1")
  steps = [
    "gnt-cluster add-tags mf-tag",
    "gnt-node add-tags node2 mf-node-tag",
    "gnt-instance add -t diskless -o test-api20+default -n node2 --no-name-check"
    " --no-ip-check --no-start mf-inst1",
    "gnt-node modify -C no node3",
    "gnt-node modify -C yes node3",
    "gnt-cluster redist-conf",
  ]
  for cmd in steps:
    vc.Check(cmd)
    CheckCandidatesInSync(vc, "node1")
  # the demoted node kept a backup only; the promoted one got the queue too
  assert os.listdir(os.path.join(DataDir(vc, "node3"), "queue"))


def test_failover_with_queued_jobs(cluster):
  vc = cluster
  # one job holds node3's lock for a while; the others wait behind it
  ids = QueueBehindLock(vc, "node1", "node3", 22)
  FailOverTo(vc, "node2", witness="node3")
  CheckJobsSucceeded(vc, "node2", ids)
  # the job id serial came along with the queue
  cl = MasterClient(vc, "node2")
  try:
    assert int(cl.SubmitJob([opcodes.OpTestDelay(duration=0.01)])) > \
      max(int(i) for i in ids)
  finally:
    cl.Close()
  _AssertMasterWorks(vc, "node2")
  CheckCandidatesInSync(vc, "node2")


def test_killed_master_failover(cluster):
  vc = cluster
  _KillMasterd(vc, "node2")
  assert vc.Run("gnt-cluster master-ping", node="node2").exit_code == 1
  result = vc.Run("gnt-cluster master-failover --no-voting --yes-do-it",
                  node="node3")
  assert result.exit_code == 0, result
  _AssertMasterWorks(vc, "node3")
  CheckCandidatesInSync(vc, "node3")
  # the whole master node dies (master and node daemon): a voted failover
  # still works (node2 answers, node3 is silent); the old master's part
  # only gives warnings
  _KillMasterd(vc, "node3")
  noded = vc.DaemonPid("ganeti-noded", "node3")
  os.kill(noded, signal.SIGKILL)
  vcluster.WaitFor(lambda: not _Alive(noded), timeout=30,
                   what="node3 noded gone")
  result = vc.Run("gnt-cluster master-failover", node="node1")
  assert result.exit_code == 0, result
  assert "Could not disable the master IP" in result.stderr
  assert "Could not disable the master role on the old master node3" in \
    result.stderr
  # node3 "reboots" (/var/run is lost) and gets the current configuration
  os.unlink(os.path.join(vc.NodeRoot("node3"),
                         "var/run/ganeti/master-ip-state"))
  vc.Check("daemon-util start ganeti-noded", node="node3")
  vc.Check("gnt-cluster redist-conf")
  _AssertMasterWorks(vc, "node1")
  vc.Check("gnt-instance list mf-inst1")
  CheckCandidatesInSync(vc, "node1")


def test_masterd_refuses_when_outvoted(cluster):
  """A node whose ssconf wrongly names it master loses the vote."""
  vc = cluster
  ssconf = os.path.join(DataDir(vc, "node2"), "ssconf_master_node")
  saved = ReadFile(ssconf)
  os.chmod(ssconf, 0o644)
  with open(ssconf, "w") as fh:
    fh.write("node2\n")
  try:
    result = vc.Run("ganeti-masterd -f", node="node2", timeout=60)
  finally:
    with open(ssconf, "wb") as fh:
      fh.write(saved)
  assert result.exit_code == 1, result
  # the start-up checks run before logging is set up: stderr
  assert "It seems we are not the master (top-voted node is node1 with 2" \
    " out of 2 votes)" in result.stderr
  assert vc.Run("ganeti-masterd -f", node="node2").exit_code == \
    constants.EXIT_NOTMASTER


_MIP_SCRIPT = """#!/bin/sh
echo "$1 $GANETI_HOSTNAME $MASTER_NETDEV $MASTER_IP $MASTER_NETMASK" \
  "$CLUSTER_IP_VERSION" >> %s
"""


def test_external_mip_script_follows_failover(cluster):
  vc = cluster
  log = os.path.join(vc.basedir, "mip.log")
  script = os.path.join(vc.NodeRoot("node1"),
                        "etc/ganeti/scripts/master-ip-setup")
  os.makedirs(os.path.dirname(script))
  with open(script, "w") as fh:
    fh.write(_MIP_SCRIPT % log)
  os.chmod(script, 0o755)
  vc.Check("gnt-cluster modify --use-external-mip-script yes")
  # redist-conf hands the script to the other nodes
  vc.Check("gnt-cluster redist-conf")
  for node in ("node2", "node3"):
    assert ReadFile(os.path.join(vc.NodeRoot(node),
                              "etc/ganeti/scripts/master-ip-setup")) == \
      ReadFile(script)
  failed = vc.Run("gnt-cluster modify --master-netmask 33")
  assert failed.exit_code == 1
  assert "CIDR netmask (33) not valid for IPv4" in failed.stderr
  vc.Check("gnt-cluster modify --master-netmask 24")
  assert "master netmask: 24" in vc.Check("gnt-cluster info")
  result = vc.Run("gnt-cluster master-failover", node="node2")
  assert result.exit_code == 0, result
  ip = "%s.1" % vc.prefix
  with open(log) as fh:
    assert fh.read().splitlines() == [
      "stop node1 lo %s 24 4" % ip, "start node2 lo %s 24 4" % ip]
  result = vc.Run("gnt-cluster master-failover")
  assert result.exit_code == 0, result
  vc.Check("gnt-cluster modify --use-external-mip-script no"
           " --master-netmask 32")
  _AssertMasterWorks(vc, "node1")


def test_offline_node_does_not_block(cluster):
  vc = cluster
  vc.Check("gnt-node modify -O yes node3")
  pid = vc.DaemonPid("ganeti-noded", "node3")
  os.kill(pid, signal.SIGTERM)
  vcluster.WaitFor(lambda: not _Alive(pid), timeout=30,
                   what="node3 noded gone")
  for cmd in ["gnt-debug delay --no-master -n node2 0.01",
              "gnt-cluster add-tags mf-offline", "gnt-node list",
              "gnt-instance list", "gnt-cluster redist-conf"]:
    vc.Check(cmd)
  CheckCandidatesInSync(vc, "node1", offline=["node3"])
  # node3 neither answers nor is asked; node1 and node2 decide
  result = vc.Run("gnt-cluster master-failover", node="node2")
  assert result.exit_code == 0, result
  assert _Master(vc, "node1") == "node2"
  vc.Check("gnt-debug delay --no-master 0.01", node="node2")
  CheckCandidatesInSync(vc, "node2", offline=["node3"])


def _Alive(pid):
  try:
    os.kill(pid, 0)
  except ProcessLookupError:
    return False
  return True
