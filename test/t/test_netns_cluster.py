"""End to end: a 3-node cluster of network namespaces reached over SSH.

One cluster for the module (conftest.py's ``nc``): node1 is
initialised, node2 and node3 join over real SSH from roots that hold
nothing of Ganeti; then ``gnt-cluster command``/``copyfile`` run over
SSH, an offline node with its daemons stopped does not block the others,
and the node comes back with ``gnt-node add --readd``.  The tests run in
file order and build on each other.  Skipped (with the reason) when not
root, without ``ip netns``, sshd or paramiko.
"""

import os

import pytest
import vcluster

pytestmark = [pytest.mark.cluster, pytest.mark.root]

SEP = "-" * 48


def _Read(path):
  with open(path) as fh:
    return fh.read()


def _Data(nc, node, name):
  return os.path.join(nc.NodeRoot(node), "var/lib/ganeti", name)


def testAddNodesOverSsh(nc):
  for node in ("node2", "node3"):
    assert not os.path.exists(os.path.join(nc.NodeRoot(node), "var/lib"))
    assert not os.path.exists(os.path.join(nc.NodeRoot(node), "etc/ganeti"))
  # the new node's host key is not known yet: strict checking refuses it
  # and nothing is written there
  result = nc.Run("gnt-node add node2")
  assert result.exit_code == 1, result
  assert "Host key verification failed" in result.stderr
  assert not os.path.exists(os.path.join(nc.NodeRoot("node2"), "var/lib"))
  nc.Check("gnt-node add --no-ssh-key-check node2")
  nc.Check("gnt-node add --no-ssh-key-check --master-capable=no"
           " -g default node3")
  master_ssh = os.path.join(nc.NodeRoot(), "etc/ssh")
  for node in ("node2", "node3"):
    for name in ("server.pem", "rapi.pem", "hmac.key",
                 "cluster-domain-secret", "known_hosts",
                 "ssconf_cluster_name"):
      assert _Read(_Data(nc, node, name)) == _Read(_Data(nc, "node1", name))
    # the cluster's host key replaced the node's; root's key is shared and
    # authorized
    root = nc.NodeRoot(node)
    assert _Read(os.path.join(root, "etc/ssh/ssh_host_rsa_key.pub")) == \
      _Read(os.path.join(master_ssh, "ssh_host_rsa_key.pub"))
    pub = _Read(os.path.join(nc.NodeRoot(), "root/.ssh/id_rsa.pub"))
    assert _Read(os.path.join(root, "root/.ssh/id_rsa.pub")) == pub
    assert pub.strip() in _Read(os.path.join(root,
                                             "root/.ssh/authorized_keys"))
  assert _Read(_Data(nc, "node1", "known_hosts")).startswith("cluster ssh-rsa ")


def testNodeList(nc):
  out = nc.Check("gnt-node list --no-headers --separator=: -o"
                 " name,pip,master_candidate,master_capable,vm_capable,"
                 "group")
  assert out.splitlines() == [
    "node1:198.51.100.11:Y:Y:Y:default",
    "node2:198.51.100.12:Y:Y:Y:default",
    "node3:198.51.100.13:N:N:Y:default",
  ]
  # the files the join copied are what verify expects on every node
  result = nc.Run("gnt-cluster verify")
  assert result.exit_code == 0, result
  assert "ERROR" not in result.stdout and "WARNING" not in result.stdout


#: the node's own address, as seen inside its namespace
_ADDR_CMD = "'ip -4 -o addr show dev eth0 | awk \"{print \\$4}\" | head -1'"


def testCommandAllNodes(nc):
  """Every node runs the command in its own namespace; master last."""
  out = nc.Check("gnt-cluster command " + _ADDR_CMD)
  assert out.splitlines() == [
    SEP, "node: node2", "198.51.100.12/24", "", "return code = 0",
    SEP, "node: node3", "198.51.100.13/24", "", "return code = 0",
    SEP, "node: node1", "198.51.100.11/24", "", "return code = 0",
  ]


def testCommandSubset(nc):
  out = nc.Check("gnt-cluster command -M -n node3 -n node2"
                 " 'echo $GANETI_HOSTNAME; exit 3'")
  assert out.splitlines() == [
    SEP, "node2: node2", "return code = 3",
    SEP, "node3: node3", "return code = 3",
  ]
  out = nc.Check("gnt-cluster command --failure-only"
                 " 'test $GANETI_HOSTNAME != node3'")
  assert out.splitlines() == [SEP, "node: node3", "", "return code = 1"]
  result = nc.Run("gnt-cluster command -g nosuchgroup true")
  assert result.exit_code == 1
  assert "Node group 'nosuchgroup' not found" in result.stderr


def testCopyFile(nc):
  src = os.path.join(nc.NodeRoot(), "etc", "pyganeti-copy.txt")
  with open(src, "w") as fh:
    fh.write("copied over ssh\n")
  os.chmod(src, 0o640)
  nc.Check("gnt-cluster copyfile -n node2 %s" % src)
  target = lambda node: os.path.join(nc.NodeRoot(node), "etc",
                                     "pyganeti-copy.txt")
  assert _Read(target("node2")) == "copied over ssh\n"
  assert os.stat(target("node2")).st_mode & 0o777 == 0o640
  assert not os.path.exists(target("node3"))
  nc.Check("gnt-cluster copyfile %s" % src)
  assert _Read(target("node3")) == "copied over ssh\n"
  result = nc.Run("gnt-cluster copyfile /etc/no-such-file")
  assert result.exit_code == 1
  assert "No such filename" in result.stderr


def testOfflineNodeDoesNotBlock(nc):
  for node in nc.Nodes:
    vcluster.InstallTestOSes(nc.NodeRoot(node), ["test-api20"])
  nc.Check("gnt-node modify -O yes node3")
  nc.StopDaemons("node3")
  assert not nc.DaemonPids("node3") or not any(
    os.path.exists("/proc/%d" % p) for p in nc.DaemonPids("node3").values())
  nc.Check("gnt-instance add -n node2 -t diskless -o test-api20+default"
           " --no-name-check --no-ip-check --no-start inst1", timeout=120)
  out = nc.Check("gnt-instance list --no-headers -o name,pnode")
  assert out.split() == ["inst1", "node2"]
  result = nc.Run("gnt-cluster command true")
  assert result.exit_code == 0
  assert "Note: skipping offline node(s): node3" in result.stderr
  assert "node: node3" not in result.stdout
  nc.Check("gnt-instance remove -f inst1")


def testReaddNode(nc):
  # node3 carries the cluster's host key now: strict checking accepts it
  nc.Check("gnt-node add --readd node3")
  out = nc.Check("gnt-node list --no-headers --separator=: -o name,offline"
                 " node3")
  assert out.strip() == "node3:N"
  assert nc.DaemonPids("node3")
  out = nc.Check("gnt-cluster command -n node3 'echo $GANETI_HOSTNAME'")
  assert out.splitlines() == [SEP, "node: node3", "node3", "",
                              "return code = 0"]


def testRemoveAndAddAgain(nc):
  """A removed node loses the cluster's files and root's key (and its
  authorization); once authorized again it joins with strict checking,
  as it still has the cluster's host key."""
  root = nc.NodeRoot("node3")
  nc.Check("gnt-node remove node3")
  vcluster.WaitFor(lambda: not os.path.exists(
    _Data(nc, "node3", "server.pem")), what="node3 to leave")
  assert not os.path.exists(os.path.join(root, "root/.ssh/id_rsa"))
  pub = _Read(os.path.join(nc.NodeRoot(), "root/.ssh/id_rsa.pub"))
  assert pub.split()[1] not in _Read(os.path.join(
    root, "root/.ssh/authorized_keys"))
  result = nc.Run("gnt-node add node3")
  assert result.exit_code == 1 and "Authentication failed" in result.stderr
  nc.AuthorizeMasterKey(["node3"])
  nc.Check("gnt-node add node3")
  out = nc.Check("gnt-node list --no-headers -o name")
  assert out.split() == ["node1", "node2", "node3"]
