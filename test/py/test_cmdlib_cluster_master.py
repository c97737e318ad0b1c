"""Role rules of gnt-node modify, redist-conf and the master network
parameters of gnt-cluster modify, against fake RPC (see test_mcpu)."""

import pytest
from test_mcpu import N1, N1_NAME, N2, N2_NAME, N3, N3_NAME, _Exec
from test_mcpu import ctx  # noqa: F401 pylint: disable=unused-import

from ganeti import errors
from ganeti import opcodes
from ganeti.cmdlib import cluster_master

pytestmark = pytest.mark.unit


def _SmallPool(ctx, size=2):  # noqa: F811
  """Pool size ``size``; node3 a regular node."""
  cluster = ctx.cfg.GetClusterInfo()
  cluster.candidate_pool_size = size
  ctx.cfg.Update(cluster)
  node3 = ctx.cfg.GetNodeInfo(N3)
  node3.master_candidate = False
  ctx.cfg.Update(node3)


def testDemotionNeedsAutoPromote(ctx):  # noqa: F811
  _SmallPool(ctx)
  writes = ctx.cfg.GetWriteCount()
  for flag in ("master_candidate", "offline", "drained"):
    value = flag != "master_candidate"
    with pytest.raises(errors.OpPrereqError) as err:
      _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                         **{flag: value}))
    assert err.value.args == (
      "Not enough master candidates, please pass auto promote option to"
      " allow promotion (--auto-promote or RAPI auto_promote=True)",
      errors.ECODE_STATE)
  assert ctx.cfg.GetWriteCount() == writes
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2", drained=True,
                                     auto_promote=True))
  assert not ctx.cfg.GetNodeInfo(N2).master_candidate
  assert ctx.cfg.GetNodeInfo(N3).master_candidate
  assert N3_NAME in ctx.replicated
  assert [c[1] for c in ctx.transport.Find("node_demote_from_mc")] == \
    [N2_NAME]


def testMasterCapableRules(ctx):  # noqa: F811
  result = _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                              master_capable=False))
  node = ctx.cfg.GetNodeInfo(N2)
  assert (node.master_capable, node.master_candidate) == (False, False)
  assert ("master_candidate", "False") in result
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node2",
                                       master_candidate=True))
  assert "not master capable" in err.value.args[0]
  with pytest.raises(errors.OpPrereqError, match="master-failover"):
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node1",
                                       master_capable=False))


def testDrainedCantBeCandidate(ctx):  # noqa: F811
  _Exec(ctx, opcodes.OpNodeSetParams(node_name="node3", drained=True))
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpNodeSetParams(node_name="node3",
                                       master_candidate=True))
  assert "is offline or drained, can't set it as master candidate" in \
    err.value.args[0]


def testRedistConf(ctx, tmp_path, monkeypatch):  # noqa: F811
  extra = tmp_path / "rapi.pem"
  extra.write_text("x")
  monkeypatch.setattr(cluster_master, "AncillaryFiles",
                      lambda cluster: [str(extra)])
  serial = ctx.cfg.GetClusterInfo().serial_no
  writes = ctx.cfg.GetWriteCount()
  _Exec(ctx, opcodes.OpClusterRedistConf())
  assert ctx.cfg.GetClusterInfo().serial_no == serial + 1
  assert ctx.cfg.GetWriteCount() == writes + 1
  uploads = ctx.transport.Find("upload_file")
  assert sorted(c[1] for c in uploads) == [N2_NAME, N3_NAME]
  assert all(c[2][0][0].endswith("rapi.pem") for c in uploads)


def testAncillaryFilesIncludeExternalScript(tmp_path, monkeypatch):
  root = tmp_path / "node1"
  root.mkdir()
  monkeypatch.setenv("GANETI_ROOTDIR", str(root))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1")
  script = root / "etc/ganeti/scripts/master-ip-setup"
  script.parent.mkdir(parents=True)
  script.write_text("#!/bin/sh\n")

  class _Cluster:
    use_external_mip_script = False
    modify_etc_hosts = True  # never /etc/hosts in a virtual cluster
  assert cluster_master.AncillaryFiles(_Cluster) == []
  _Cluster.use_external_mip_script = True
  assert cluster_master.AncillaryFiles(_Cluster) == [str(script)]


def testMasterNetmask(ctx):  # noqa: F811
  params = ctx.cfg.GetMasterNetworkParameters()
  writes = ctx.cfg.GetWriteCount()
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, opcodes.OpClusterSetParams(master_netmask=33))
  assert err.value.args == ("CIDR netmask (33) not valid for IPv4 ",
                            errors.ECODE_INVAL)
  assert ctx.cfg.GetWriteCount() == writes
  assert ctx.transport.Find("node_change_master_netmask") == []
  _Exec(ctx, opcodes.OpClusterSetParams(master_netmask=24))
  [call] = ctx.transport.Find("node_change_master_netmask")
  assert call[1] == N1_NAME
  assert call[2] == [params["netmask"], 24, params["ip"], params["netdev"]]
  assert ctx.cfg.GetClusterInfo().master_netmask == 24


def testMasterNetdevAndExternalScript(ctx):  # noqa: F811
  assert ctx.cfg.GetMasterNode() == N1
  _Exec(ctx, opcodes.OpClusterSetParams(master_netdev="eth7",
                                        use_external_mip_script=True))
  calls = [c for c in ctx.transport.calls if "master_ip" in c[0]]
  assert [(c[0], c[1], c[2][0]["netdev"], c[2][1]) for c in calls] == [
    ("node_deactivate_master_ip", N1_NAME, "eth0", False),
    ("node_activate_master_ip", N1_NAME, "eth7", True)]
  cluster = ctx.cfg.GetClusterInfo()
  assert (cluster.master_netdev, cluster.use_external_mip_script) == \
    ("eth7", True)
