"""LUClusterRename, LUClusterRepairDiskSizes and LUClusterRenewCrypto."""

import os

import pytest

from ganeti import errors
from ganeti import netutils
from ganeti import opcodes
from ganeti import pathutils
from ganeti.cmdlib import cluster_repair
from ganeti.cmdlib import cluster_rename
from ganeti import backend
from ganeti.backend import crypto as backend_crypto
from ganeti.backend import jstore
from ganeti.rpc import node as rpc_node
from ganeti.utils import x509

from test_mcpu import ctx, _Exec, Callbacks, N1_NAME  # noqa: F401

pytestmark = pytest.mark.unit


class _Host:
  def __init__(self, name, ip):
    self.name = name
    self.ip = ip


@pytest.fixture
def resolver(monkeypatch):
  hosts = {}

  def _Get(name=None, family=None):
    if name not in hosts:
      raise errors.ResolverError(name, 0, "Failure: can't resolve hostname"
                                 " '%s'" % name)
    return _Host(*hosts[name])
  monkeypatch.setattr(netutils, "GetHostname", _Get)
  pings = []
  monkeypatch.setattr(cluster_rename.netutils, "TcpPing",
                      lambda ip, port, **kw: pings.append(ip) or False)
  return hosts


def testRename(ctx, resolver):  # noqa: F811
  resolver["new"] = ("new.example.com", "192.0.2.99")
  result = _Exec(ctx, opcodes.OpClusterRename(name="new"))
  assert result == "new.example.com"
  cluster = ctx.cfg.GetClusterInfo()
  assert (cluster.cluster_name, cluster.master_ip) == \
    ("new.example.com", "192.0.2.99")
  names = ctx.transport.Names()
  down = names.index("node_deactivate_master_ip")
  up = names.index("node_activate_master_ip")
  assert down < up
  # the IP is taken down at the old address and brought up at the new one
  assert ctx.transport.Find("node_deactivate_master_ip")[0][2][0]["ip"] == \
    "192.0.2.87"
  assert ctx.transport.Find("node_activate_master_ip")[0][2][0]["ip"] == \
    "192.0.2.99"
  values = ctx.cfg.GetSsconfValues()
  assert values["cluster_name"] == "new.example.com"
  assert values["master_ip"] == "192.0.2.99"


def testRenameErrors(ctx, resolver, monkeypatch):  # noqa: F811
  resolver["same"] = ("cluster.name.example.com", "192.0.2.87")
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterRename(name="same"))
  assert err.value.args == ("Neither the name nor the IP address of the"
                            " cluster has changed", errors.ECODE_INVAL)
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterRename(name="nosuch"))
  assert err.value.args[1] == errors.ECODE_RESOLVER
  resolver["taken"] = ("taken.example.com", "192.0.2.5")
  monkeypatch.setattr(cluster_rename.netutils, "TcpPing",
                      lambda ip, port, **kw: True)
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterRename(name="taken"))
  assert err.value.args == ("The given cluster IP address (192.0.2.5) is"
                            " reachable", errors.ECODE_NOTUNIQUE)
  assert ctx.cfg.GetWriteCount() == 0
  assert "node_deactivate_master_ip" not in ctx.transport.Names()


def testRepairDiskSizes(ctx):  # noqa: F811
  # every disk reports 2 GiB: all three are corrected
  ctx.transport.payloads["blockdev_getdimensions"] = [[2048 << 20, 1]]
  cbs = Callbacks()
  result = _Exec(ctx, opcodes.OpClusterRepairDiskSizes(), cbs)
  assert sorted(result) == [
    ("instance1.example.com", 0, "size", 2048),
    ("instance1.example.com", 0, "size", 2048),  # and its DRBD data child
    ("instance2.example.com", 0, "size", 2048),
    ("instance3.example.com", 0, "size", 2048)]
  for inst in ctx.cfg.GetAllInstancesInfo().values():
    (disk, ) = ctx.cfg.GetInstanceDisks(inst.uuid)
    assert disk.size == 2048
  msgs = [str(f) for f in cbs.feedback]
  assert any("Disk 0 of instance instance2.example.com has mismatched size,"
             " correcting: recorded 102400, actual 2048" in m for m in msgs)
  # now all in sync: nothing to do
  assert _Exec(ctx, opcodes.OpClusterRepairDiskSizes(
    instances=["instance2.example.com"])) == []


def testRepairDiskSizesNoAnswer(ctx):  # noqa: F811
  ctx.transport.payloads["blockdev_getdimensions"] = [None]
  cbs = Callbacks()
  assert _Exec(ctx, opcodes.OpClusterRepairDiskSizes(
    instances=["instance3.example.com"]), cbs) == []
  assert any("did not return size information, ignoring" in str(f)
             for f in cbs.feedback)
  assert ctx.cfg.GetWriteCount() == 0
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterRepairDiskSizes(instances=["nosuch"]))
  assert err.value.args[1] == errors.ECODE_NOENT


def testEnsureChildSizes():
  from ganeti import objects  # pylint: disable=C0415
  data = objects.Disk(dev_type="plain", size=10)
  meta = objects.Disk(dev_type="plain", size=128)
  drbd = objects.Disk(dev_type="drbd", size=20, children=[data, meta])
  assert cluster_repair.EnsureChildSizes(drbd)
  assert (data.size, meta.size) == (20, 128)
  assert not cluster_repair.EnsureChildSizes(drbd)


def testRenewClusterCertificate(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterRenewCrypto(node_certificates=True))
  calls = ctx.transport.Find("node_replace_cluster_cert")
  targets = [node for (_, node, _) in calls]
  # every node gets it, the master last
  assert sorted(targets) == sorted(["node1.example.com", "node2.example.com",
                                    "node3.example.com"])
  assert targets[-1] == N1_NAME
  (pem, ) = set(jstore.DecodeCompressed(args[0]) for (_, _, args) in calls)
  assert b"PRIVATE KEY" in pem and b"BEGIN CERTIFICATE" in pem
  backend_crypto.CheckCertificatePem(pem)
  assert ctx.transport.Names()[-1] == "version"
  assert "upload_file" not in ctx.transport.Names()


def testReplaceClusterCertBackend(tmp_path, monkeypatch):
  paths = pathutils.Paths(str(tmp_path))
  monkeypatch.setattr(pathutils, "Get", lambda: paths)
  os.makedirs(os.path.dirname(paths.NODED_CERT_FILE))
  (key, cert) = x509.GenerateSelfSignedX509Cert("x", 1, 1)
  backend_crypto.ReplaceClusterCert(rpc_node.EncodeCompressed(key + cert))
  with open(paths.NODED_CERT_FILE, "rb") as fh:
    assert fh.read() == key + cert
  assert os.stat(paths.NODED_CERT_FILE).st_mode & 0o777 == 0o440
  (other_key, _) = x509.GenerateSelfSignedX509Cert("x", 1, 1)
  for bad in (b"garbage", cert, other_key + cert):
    with pytest.raises(backend.RPCFail):
      backend_crypto.ReplaceClusterCert(rpc_node.EncodeCompressed(bad))
  with open(paths.NODED_CERT_FILE, "rb") as fh:
    assert fh.read() == key + cert


def testRenewNothing(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpClusterRenewCrypto())
  assert "upload_file" not in ctx.transport.Names()


def testRenewSshKeysRefused(ctx):  # noqa: F811
  with pytest.raises(errors.OpPrereqError):
    _Exec(ctx, opcodes.OpClusterRenewCrypto(renew_ssh_keys=True))
