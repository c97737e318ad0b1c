"""lib/ssh.py, lib/ssh_keys.py, prepare-node-join's checks and the output
of gnt-cluster command/copyfile (with a fake runner).

The paramiko path against a real sshd (in a network namespace) is in
``testParamikoHostKeyChecking``, skipped when namespaces are not usable.
"""

import io
import json
import optparse
import os
import sys
import tempfile

import pytest

from ganeti import errors
from ganeti import pathutils
from ganeti import serializer
from ganeti import ssh
from ganeti import ssh_keys
from ganeti.client import gnt_cluster_ssh
from ganeti.tools import prepare_node_join

pytestmark = pytest.mark.unit

SUPPORT = os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support")


def testRemoteEnvPrefix(vnode):
  prefix = ssh.RemoteEnvPrefix("node2")
  base = os.path.dirname(vnode.rootdir)
  assert prefix.startswith("export GANETI_ROOTDIR=%s/node2; export"
                           " GANETI_HOSTNAME=node2; export PATH=" % base)
  assert os.path.dirname(sys.executable) in prefix


def testRemoteEnvPrefixRealCluster(monkeypatch):
  monkeypatch.delenv("GANETI_ROOTDIR", raising=False)
  monkeypatch.delenv("GANETI_HOSTNAME", raising=False)
  assert ssh.RemoteEnvPrefix("node2") == ""
  assert ssh.ExchangeNodeRoot("node2", "/etc/motd") == "/etc/motd"
  assert not ssh.IsLocalTarget("127.0.0.1")


def testExchangeNodeRoot(vnode):
  base = os.path.dirname(vnode.rootdir)
  assert ssh.ExchangeNodeRoot("node2", vnode.rootdir + "/etc/x") == \
    base + "/node2/etc/x"
  assert ssh.ExchangeNodeRoot("node2", "/tmp/y") == base + "/node2/tmp/y"


def testIsLocalTarget(vnode):
  assert ssh.IsLocalTarget("127.0.0.1")
  # TEST-NET-2: never configured here
  assert not ssh.IsLocalTarget("198.51.100.250")


def testReadKnownHosts(tmp_path):
  path = tmp_path / "known_hosts"
  path.write_text("# comment\ncluster ssh-rsa AAAA1\n"
                  "node2,198.51.100.12 ssh-ed25519 AAAA2\n"
                  "@cert-authority * ssh-rsa AAAA3\nbroken\n")
  assert ssh.ReadKnownHosts(str(path)) == {
    "cluster": [("ssh-rsa", "AAAA1")],
    "node2": [("ssh-ed25519", "AAAA2")],
    "198.51.100.12": [("ssh-ed25519", "AAAA2")],
  }
  assert ssh.ReadKnownHosts(str(tmp_path / "missing")) == {}


def testAuthorizedKeys(tmp_path):
  auth = str(tmp_path / "ssh" / "authorized_keys")
  assert ssh_keys.AddAuthorizedKey(auth, "ssh-rsa AAAA root@node1\n")
  assert not ssh_keys.AddAuthorizedKey(auth, "ssh-rsa AAAA other-comment")
  assert ssh_keys.AddAuthorizedKey(auth, "ssh-rsa BBBB root@node2")
  assert open(auth).read() == ("ssh-rsa AAAA root@node1\n"
                               "ssh-rsa BBBB root@node2\n")
  assert os.stat(auth).st_mode & 0o777 == 0o600
  assert ssh_keys.RemoveAuthorizedKey(auth, "ssh-rsa AAAA")
  assert not ssh_keys.RemoveAuthorizedKey(auth, "ssh-rsa AAAA")
  assert open(auth).read() == "ssh-rsa BBBB root@node2\n"


def testInitSshSetupAndKnownHosts(vnode):
  ssh_keys.InitSshSetup(vnode, 1024, "root@node1")
  (priv, pub, auth) = ssh.GetRootKeyFiles(vnode)
  assert priv == os.path.join(vnode.rootdir, "root/.ssh/id_rsa")
  line = open(pub).read()
  assert line.startswith("ssh-rsa ") and line.strip().endswith("root@node1")
  assert open(auth).read().strip() == line.strip()
  # a second run keeps the key and does not duplicate the entry
  ssh_keys.InitSshSetup(vnode, 1024, "root@node1")
  assert open(pub).read() == line
  assert open(auth).read().count("ssh-rsa") == 1
  assert ssh_keys.ReadRootKey(vnode)[0][0] == "rsa"
  assert ssh_keys.GetRsaHostKey(vnode) == ""
  ssh_keys.WriteHostKeys(vnode, [("rsa", "PRIVATE\n", "ssh-rsa HOSTKEY c\n")])
  assert ssh_keys.GetRsaHostKey(vnode) == "HOSTKEY"
  assert os.stat(os.path.join(vnode.SSH_CONFIG_DIR, "ssh_host_rsa_key")) \
    .st_mode & 0o777 == 0o600
  ssh_keys.WriteKnownHosts(vnode, "cluster", "HOSTKEY")
  assert open(vnode.SSH_KNOWN_HOSTS_FILE).read() == \
    "cluster ssh-rsa HOSTKEY\n"
  with pytest.raises(errors.ParseError):
    ssh_keys.WriteHostKeys(vnode, [("rsa1", "x", "y")])


def testAskHostKey():
  import paramiko  # pylint: disable=C0415
  key = paramiko.RSAKey.generate(1024)
  fpr = ssh.KeyFingerprint(key)
  assert fpr.startswith("SHA256:") and not fpr.endswith("=")
  assert len(fpr) == len("SHA256:") + 43
  out = io.StringIO()
  assert ssh.AskHostKey("node2", "198.51.100.12", key,
                        io.StringIO("maybe\nyes\n"), out)
  assert out.getvalue() == (
    "The authenticity of host 'node2 (198.51.100.12)' can't be"
    " established.\nRSA key fingerprint is %s.\nAre you sure you want to"
    " continue connecting (yes/no)? Please type 'yes' or 'no': " % fpr)
  assert not ssh.AskHostKey("node2", "x", key, io.StringIO("no\n"),
                            io.StringIO())
  assert not ssh.AskHostKey("node2", "x", key, io.StringIO(""),
                            io.StringIO())


# -- prepare-node-join --------------------------------------------------------
def _Join(monkeypatch, data):
  monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data)))
  err = io.StringIO()
  monkeypatch.setattr(sys, "stderr", err)
  return (prepare_node_join.Main(), err.getvalue())


def testJoinChecksBeforeWriting(vnode, monkeypatch, cluster_cert,
                                other_cert):
  cert = open(cluster_cert).read()
  (code, err) = _Join(monkeypatch, {"node_daemon_certificate": cert})
  assert code == 1 and "Missing cluster_name" in err
  (code, err) = _Join(monkeypatch, {"cluster_name": "c",
                                    "node_daemon_certificate": "garbage"})
  assert code == 1 and "Invalid node daemon certificate" in err
  (code, err) = _Join(monkeypatch, {
    "cluster_name": "c", "node_daemon_certificate": cert,
    "ssh_host_key": [["rsa", "only two"]]})
  assert code == 1 and "ssh_host_key must be a list" in err
  (code, err) = _Join(monkeypatch, {
    "cluster_name": "c", "node_daemon_certificate": cert,
    "ssconf": {"no_such_key": "x"}})
  assert code == 1 and "Invalid ssconf key" in err
  assert not os.path.exists(vnode.NODED_CERT_FILE)
  # a member of another cluster is refused
  with open(vnode.SsconfFile("cluster_name"), "w") as fh:
    fh.write("othercluster\n")
  (code, err) = _Join(monkeypatch, {"cluster_name": "c",
                                    "node_daemon_certificate": cert})
  assert code == 1 and "already part of cluster 'othercluster'" in err
  os.unlink(vnode.SsconfFile("cluster_name"))
  with open(vnode.NODED_CERT_FILE, "w") as fh:
    fh.write(open(other_cert).read())
  with open(vnode.CLUSTER_CONF_FILE, "w") as fh:
    fh.write("{}")
  (code, err) = _Join(monkeypatch, {"cluster_name": "c",
                                    "node_daemon_certificate": cert})
  assert code == 1 and "with another certificate" in err
  assert open(vnode.NODED_CERT_FILE).read() == open(other_cert).read()


def testJoinWritesFiles(vnode, monkeypatch, cluster_cert):
  cert = open(cluster_cert).read()
  data = {"cluster_name": "cluster", "node_daemon_certificate": cert,
          "rapi_certificate": cert, "confd_hmac_key": "abc\n",
          "cluster_domain_secret": "def\n",
          "known_hosts": "cluster ssh-rsa KEY\n",
          "ssconf": {"cluster_name": "cluster", "master_node": "node1"},
          "ssh_root_key": [["rsa", "PRIV\n", "ssh-rsa ROOT root@node1\n"]],
          "ssh_host_key": [["rsa", "HPRIV\n", "ssh-rsa HOST x\n"]],
          "start_node_daemon": False}
  (code, err) = _Join(monkeypatch, data)
  assert (code, err) == (0, "")
  assert open(vnode.NODED_CERT_FILE).read() == cert
  assert os.stat(vnode.NODED_CERT_FILE).st_mode & 0o777 == 0o440
  assert open(vnode.CONFD_HMAC_KEY).read() == "abc\n"
  assert os.stat(vnode.CONFD_HMAC_KEY).st_mode & 0o777 == 0o400
  assert open(vnode.SSH_KNOWN_HOSTS_FILE).read() == "cluster ssh-rsa KEY\n"
  assert open(vnode.SsconfFile("master_node")).read().strip() == "node1"
  (_, pub, auth) = ssh.GetRootKeyFiles(vnode)
  assert open(pub).read() == "ssh-rsa ROOT root@node1\n"
  assert "ssh-rsa ROOT" in open(auth).read()
  assert ssh_keys.GetRsaHostKey(vnode) == "HOST"
  # the same cluster again (a re-added node) is fine
  assert _Join(monkeypatch, data) == (0, "")


# -- gnt-cluster command / copyfile -------------------------------------------
class _Client:
  NODES = [
    # name, offline, pip, sip, master, group, group.uuid, ndp/ssh_port
    ["node10", False, "198.51.100.20", "198.51.101.20", False, "default",
     "u1", 22],
    ["node1", False, "198.51.100.11", "198.51.101.11", True, "default",
     "u1", 22],
    ["node2", False, "198.51.100.12", "198.51.101.12", False, "other",
     "u2", 2222],
    ["node3", True, "198.51.100.13", "198.51.101.13", False, "default",
     "u1", 22],
  ]

  def QueryNodes(self, names, fields, use_locking):
    assert fields[:5] == ["name", "offline", "pip", "sip", "master"]
    rows = [r for r in self.NODES if not names or r[0] in names]
    return [list(r) for r in rows]

  def QueryGroups(self, names, fields, use_locking):
    return [["default", "u1"], ["other", "u2"]]

  def QueryConfigValues(self, fields):
    assert fields == ["cluster_name"]
    return ["cluster"]


class _Runner:
  calls = []

  def __init__(self, cluster_name):
    assert cluster_name == "cluster"

  def Run(self, node, address, command, port=None):
    self.calls.append((node, address, command, port))
    code = 2 if node == "node2" else 0
    return ssh.SshResult(code, "out of %s\nline2\n" % node, "")

  def CopyFileToNode(self, node, address, filename, port=None):
    self.calls.append((node, address, filename, port))
    return node != "node2"


@pytest.fixture
def fakes(monkeypatch):
  monkeypatch.setattr(gnt_cluster_ssh, "GetClient", _Client)
  monkeypatch.setattr(gnt_cluster_ssh.ssh, "SshRunner", _Runner)
  _Runner.calls = []
  return _Runner.calls


def _Opts(**kwargs):
  values = dict(nodes=[], nodegroup=None, show_machine_names=False,
                failure_only=False, use_replication_network=False)
  values.update(kwargs)
  return optparse.Values(values)


def testCommandOutput(fakes, capsys):
  assert gnt_cluster_ssh.RunClusterCommand(_Opts(), ["uptime", "-p"]) == 0
  (out, err) = capsys.readouterr()
  assert err == "Note: skipping offline node(s): node3\n"
  # nicely sorted, the master last
  assert [c[0] for c in fakes] == ["node2", "node10", "node1"]
  assert fakes[0] == ("node2", "198.51.100.12", "uptime -p", 2222)
  assert out.splitlines()[:6] == [
    "-" * 48, "node: node2", "out of node2", "line2", "",
    "return code = 2"]


def testCommandMachineNamesFailureOnly(fakes, capsys):
  gnt_cluster_ssh.RunClusterCommand(
    _Opts(show_machine_names=True, failure_only=True, nodes=["node1",
                                                             "node2"]),
    ["true"])
  (out, err) = capsys.readouterr()
  assert err == ""
  assert out.splitlines() == ["-" * 48, "node2: out of node2",
                              "node2: line2", "return code = 2"]


def testCommandGroup(fakes, capsys):
  gnt_cluster_ssh.RunClusterCommand(_Opts(nodegroup="u2"), ["true"])
  assert [c[0] for c in fakes] == ["node2"]
  with pytest.raises(errors.OpPrereqError) as exc:
    gnt_cluster_ssh.RunClusterCommand(_Opts(nodegroup="nosuch"), ["true"])
  assert exc.value.args[1] == errors.ECODE_NOENT


def testCopyFile(fakes, capsys, tmp_path):
  src = tmp_path / "f"
  src.write_text("x")
  assert gnt_cluster_ssh.ClusterCopyFile(
    _Opts(use_replication_network=True), [str(src)]) == 0
  (_, err) = capsys.readouterr()
  # not to the master, not to the offline node, by the secondary address
  assert [(c[0], c[1]) for c in fakes] == [("node2", "198.51.101.12"),
                                           ("node10", "198.51.101.20")]
  assert err.splitlines() == [
    "Note: skipping offline node(s): node3",
    "Copy of file %s to node 198.51.101.12:2222 failed" % src]
  with pytest.raises(errors.OpPrereqError) as exc:
    gnt_cluster_ssh.ClusterCopyFile(_Opts(), [str(tmp_path / "nosuch")])
  assert exc.value.args == ("No such filename '%s'" % (tmp_path / "nosuch"),
                            errors.ECODE_INVAL)


# -- paramiko against a real sshd -------------------------------------------
_CLIENT_SCRIPT = """
import json, sys
from ganeti import ssh
args = json.loads(sys.argv[1])
runner = ssh.SshRunner("cluster")
r = runner.Run(args["node"], args["ip"], args["cmd"],
               use_cluster_key=args["cluster_key"],
               strict_host_check=args["strict"])
print(json.dumps([r.exit_code, r.stdout, r.stderr]))
"""


@pytest.mark.root
def testParamikoHostKeyChecking():
  """node1 reaches node2's sshd: unknown, accepted, wrong cluster key."""
  sys.path.insert(0, SUPPORT)
  import netns_cluster  # pylint: disable=C0415
  reason = netns_cluster.Missing()
  if reason:
    pytest.skip("network namespaces: %s" % reason)
  tmp = tempfile.mkdtemp(prefix="pyganeti-ssh-")
  nc = netns_cluster.NetnsCluster(os.path.join(tmp, "nc"), nodes=2)
  nc.Start()
  try:
    paths1 = pathutils.Paths(nc.NodeRoot("node1"))
    ssh_keys.InitSshSetup(paths1, 1024, "root@node1")
    nc.AuthorizeMasterKey()

    def _Run(cmd, cluster_key=False, strict=True):
      doc = json.dumps({"node": "node2", "ip": nc.Ip("node2"), "cmd": cmd,
                        "cluster_key": cluster_key, "strict": strict})
      out = nc.Check("PYTHONPATH=%s %s -c %s %s" % (
        _Quote(os.path.dirname(os.path.dirname(SUPPORT))), sys.executable,
        _Quote(_CLIENT_SCRIPT), _Quote(doc)), node="node1")
      return serializer.LoadJson(out)

    (code, _, err) = _Run("true")
    assert code == 255 and "No host key for node2" in err
    (code, out, _) = _Run("echo $GANETI_HOSTNAME; exit 4", strict=False)
    assert (code, out) == (4, "node2\n")
    known = ssh.ReadKnownHosts(os.path.join(paths1.SSH_ROOT_DIR,
                                            "known_hosts"))
    assert known["node2"] == known[nc.Ip("node2")]
    # now known: strict checking passes
    assert _Run("true")[0] == 0
    # the cluster key alias with a key that is not node2's
    os.makedirs(paths1.DATA_DIR)
    ssh_keys.WriteKnownHosts(paths1, "cluster", "AAAAB3NzaC1yc2EAAAADAQAB")
    (code, _, err) = _Run("true", cluster_key=True)
    assert code == 255 and "differs from the one in" in err
    # the right cluster key (node2's own host key, as after a join)
    ssh_keys.WriteKnownHosts(paths1, "cluster", ssh_keys.GetRsaHostKey(
      pathutils.Paths(nc.NodeRoot("node2"))))
    assert _Run("true", cluster_key=True)[0] == 0
  finally:
    nc.Stop()
    os.rmdir(tmp)


def _Quote(text):
  import shlex  # pylint: disable=C0415
  return shlex.quote(text)

