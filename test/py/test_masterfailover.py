"""Master voting, master-failover checks, master-ip-setup and its backend."""

import optparse
import os
import stat

import pytest

from ganeti import errors
from ganeti import masterfailover as mf
from ganeti import pathutils
from ganeti import vcluster
from ganeti.backend import RPCFail
from ganeti.backend import master as bmaster
from ganeti.client import gnt_cluster
from ganeti.client import gnt_cluster_master as gcm
from ganeti.tools import master_ip_setup as mis

pytestmark = pytest.mark.unit


# Vote counting and the two verdicts ----------------------------------------
@pytest.mark.parametrize("answers,expected", [
  ({}, []),
  ({"n2": "n1", "n3": "n1"}, [("n1", 2)]),
  ({"n2": "n1", "n3": None}, [("n1", 1), (None, 1)]),
  ({"n2": None, "n3": None, "n4": "n1"}, [(None, 2), ("n1", 1)]),
  ({"n2": "a", "n3": "b"}, [("b", 1), ("a", 1)]),
])
def testCountVotes(answers, expected):
  assert mf.CountVotes(answers) == expected


@pytest.mark.parametrize("votes,verdict,text", [
  ([], True, "No other node"),
  ([(None, 2), ("me", 1)], None, "did not answer"),
  ([("other", 2), ("me", 1)], False, "top-voted node is other with 2 out"
   " of 3 votes"),
  ([("me", 1), ("other", 1), (None, 1)], False, "1 votes for, 2 votes"
   " against"),
  ([("me", 1), (None, 1)], True, "1 of 2"),
  ([("me", 2), ("x", 1)], True, "2 of 3"),
])
def testDecideMasterdStart(votes, verdict, text):
  (got, msg) = mf.DecideMasterdStart(votes, "me")
  assert got is verdict
  assert text in msg


def testCheckFailoverVotes():
  mf.CheckFailoverVotes([], "n1")
  mf.CheckFailoverVotes([("n1", 2), (None, 1)], "n1")
  with pytest.raises(errors.OpPrereqError) as err:
    mf.CheckFailoverVotes([(None, 2), ("n1", 1)], "n1")
  assert err.value.args == ("Cluster is inconsistent, most nodes did not"
                            " respond.", errors.ECODE_ENVIRON)
  with pytest.raises(errors.OpPrereqError) as err:
    mf.CheckFailoverVotes([("n3", 2)], "n1")
  assert "I believe the master is n1 but the other nodes voted n3" in \
    err.value.args[0]
  assert err.value.args[1] == errors.ECODE_STATE


class _Res:
  def __init__(self, payload=None, fail_msg=None):
    (self.payload, self.fail_msg) = (payload, fail_msg)


class _Runner:
  def __init__(self, answers):
    self.answers = answers
    self.asked = None

  def call_master_info(self, nodes):
    self.asked = list(nodes)
    return dict((n, self.answers[n]) for n in nodes)


def testGatherMasterVotesSkipsMyselfAndCountsFailures():
  runner = _Runner({"n1": _Res(["lo", "ip", "n1", 2, 32]),
                    "n3": _Res(fail_msg="Node is marked offline")})
  votes = mf.GatherMasterVotes(["n1", "n2", "n3"], runner, myself="n2")
  assert runner.asked == ["n1", "n3"]
  assert votes == [("n1", 1), (None, 1)]
  assert mf.GatherMasterVotes(["n2"], runner, myself="n2") == []


def testCheckAgreementRetriesThenAborts(monkeypatch):
  class _Cfg:
    def __init__(self, offline):
      pass

    def GetNodeList(self):
      return ["u1", "u2"]

    def GetNodeNames(self, uuids):
      return ["n1", "n2"]

  class _R(_Runner):
    def Close(self):
      pass
  runner = _R({"n2": _Res(fail_msg="connection refused")})
  monkeypatch.setattr(mf.config, "ConfigWriter", _Cfg)
  monkeypatch.setattr(mf.rpc_node, "RpcRunner", lambda cfg: runner)
  monkeypatch.setattr(mf.netutils.Hostname, "GetSysName",
                      staticmethod(lambda: "n1"))
  sleeps = []
  assert mf.CheckAgreement(3, 7, sleeps.append) is False
  assert sleeps == [7, 7]
  runner.answers["n2"] = _Res(["lo", "ip", "n1", 2, 32])
  assert mf.CheckAgreement(3, 7, sleeps.append) is True


class _Store:
  def __init__(self, master, candidates):
    (self.master, self.candidates) = (master, candidates)

  def GetMasterCandidates(self):
    return self.candidates


def testFailoverPrereqs():
  with pytest.raises(errors.OpPrereqError) as err:
    mf._CheckPrereq(_Store("n1", ["n1", "n2"]), "n1", "n1")
  assert "n1 is already the master" in err.value.args[0]
  with pytest.raises(errors.OpPrereqError) as err:
    mf._CheckPrereq(_Store("n1", ["n1", "n2", "n4"]), "n1", "n3")
  assert err.value.args[0].endswith("Current list of master candidates"
                                    " is:\nn2\nn4")
  assert err.value.args[1] == errors.ECODE_STATE
  mf._CheckPrereq(_Store("n1", ["n1", "n2"]), "n1", "n2")


# Client: confirmations -----------------------------------------------------
def testClientConfirmations(monkeypatch):
  asked = []
  monkeypatch.setattr(gcm, "AskUser", lambda text: asked.append(text) or
                      False)
  monkeypatch.setattr(gcm, "SubmitOpCode", lambda op, opts=None:
                      pytest.fail("must not submit"))
  monkeypatch.setattr(gcm.masterfailover, "MasterFailover",
                      lambda **kw: pytest.fail("must not fail over"))
  opts = optparse.Values(dict(confirm=False, no_voting=True,
                              yes_do_it=False, ignore_offline_nodes=False))
  assert gcm.DeactivateMasterIp(opts, []) == 1
  assert gcm.MasterFailover(opts, []) == 1
  assert "disable the master IP" in asked[0]
  assert "even if most other nodes are down" in asked[1]
  for name in gcm.COMMANDS:
    assert gnt_cluster.commands[name] is gcm.COMMANDS[name]


def testClientFailoverReportsWarnings(monkeypatch, capsys):
  monkeypatch.setattr(gcm.masterfailover, "MasterFailover",
                      lambda **kw: (0, ["Could not disable the master IP"]))
  opts = optparse.Values(dict(no_voting=True, yes_do_it=True,
                              ignore_offline_nodes=False))
  assert gcm.MasterFailover(opts, []) == 0
  assert "Could not disable the master IP" in capsys.readouterr().err


# master-ip-setup ------------------------------------------------------------
_ENV = {"MASTER_NETDEV": "lo", "MASTER_IP": "127.0.9.1",
        "MASTER_NETMASK": "32", "CLUSTER_IP_VERSION": "4"}


def testReadEnv():
  assert mis.ReadEnv(_ENV) == {"netdev": "lo", "ip": "127.0.9.1",
                               "netmask": 32, "version": 4}
  for (key, value, text) in [("MASTER_IP", "", "Missing"),
                             ("MASTER_IP", "x", "Invalid master IP"),
                             ("CLUSTER_IP_VERSION", "6", "does not match"),
                             ("MASTER_NETMASK", "33", "Invalid netmask")]:
    with pytest.raises(mis.SetupError) as err:
      mis.ReadEnv(dict(_ENV, **{key: value}))
    assert text in str(err.value)


def testParseDeviceAddresses():
  out = ("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
         "1: lo    inet6 ::1/128 scope host \\       valid_lft forever\n"
         "2: eth0    inet 198.51.100.5/24 brd 198.51.100.255 scope global"
         " eth0:0\n")
  assert mis.ParseDeviceAddresses(out) == {"127.0.0.1", "::1",
                                           "198.51.100.5"}


def testLoopbackOnLoChangesNothing(capsys, monkeypatch):
  monkeypatch.setattr(mis.process, "RunCmd",
                      lambda *a, **kw: pytest.fail("must not run %s" % a))
  assert mis.Main(["start"], _ENV) == 0
  assert "always local" in capsys.readouterr().out
  assert mis.Main(["stop"], _ENV) == 0
  assert mis.Main(["restart"], _ENV) == 1
  assert mis.Main(["start"], {}) == 1
  assert "Missing environment" in capsys.readouterr().err


class _Cmd:
  def __init__(self, stdout="", failed=False):
    (self.stdout, self.failed, self.output) = (stdout, failed, stdout)


def testStartAndStopOnARealDevice(monkeypatch):
  params = {"netdev": "eth9", "ip": "198.51.100.7", "netmask": 24,
            "version": 4}
  runs = []
  state = {"addrs": ""}

  def _Run(argv, **kwargs):
    runs.append(argv)
    if argv[:3] == ["ip", "-o", "address"]:
      return _Cmd(state["addrs"])
    return _Cmd()
  monkeypatch.setattr(mis.process, "RunCmd", _Run)
  monkeypatch.setattr(mis.shutil, "which", lambda name: None)
  monkeypatch.setattr(mis.netutils, "TcpPing", lambda *a, **kw: False)
  assert "activated" in mis.Start(params)
  assert runs[-1] == ["ip", "address", "add", "198.51.100.7/24", "dev",
                      "eth9", "label", "eth9:0"]
  assert "not configured" in mis.Stop(params)
  state["addrs"] = "3: eth9    inet 198.51.100.7/24 scope global eth9:0\n"
  assert "already configured" in mis.Start(params)
  assert "removed" in mis.Stop(params)
  assert runs[-1] == ["ip", "address", "del", "198.51.100.7/24", "dev",
                      "eth9"]
  state["addrs"] = ""
  monkeypatch.setattr(mis.netutils, "TcpPing", lambda *a, **kw: True)
  with pytest.raises(mis.SetupError) as err:
    mis.Start(params)
  assert "configured on another machine" in str(err.value)


# backend: script choice, environment, state file ---------------------------
@pytest.fixture
def node_root(tmp_path, monkeypatch):
  root = tmp_path / "node1"
  root.mkdir()
  monkeypatch.setenv(vcluster.ENV_ROOTDIR, str(root))
  monkeypatch.setenv(vcluster.ENV_HOSTNAME, "node1")
  return root


_PARAMS = {"uuid": "u1", "ip": "127.0.9.1", "netmask": 32, "netdev": "lo",
           "ip_family": 2}


def testBackendDefaultScript(node_root):
  assert bmaster.DefaultSetupScript().endswith("/tools/master-ip-setup")
  bmaster.ActivateMasterIp(_PARAMS, False)
  state = node_root / "var/run/ganeti/master-ip-state"
  assert state.read_text() == "127.0.9.1\n"
  bmaster.DeactivateMasterIp(_PARAMS, False)
  assert not state.exists()
  with pytest.raises(RPCFail) as err:
    bmaster.ActivateMasterIp(dict(_PARAMS, netdev="eth0", ip="198.51.100.1"),
                             False)
  assert "must be a loopback address on device lo" in str(err.value)


def testBackendExternalScript(node_root):
  script = pathutils.Get().EXTERNAL_MASTER_SETUP_SCRIPT
  with pytest.raises(RPCFail) as err:
    bmaster.ActivateMasterIp(_PARAMS, True)
  assert "missing or not executable" in str(err.value)
  os.makedirs(os.path.dirname(script))
  log = node_root / "mip.log"
  with open(script, "w") as fh:
    fh.write("#!/bin/sh\necho \"$1 $MASTER_NETDEV $MASTER_IP $MASTER_NETMASK"
             " $CLUSTER_IP_VERSION $GANETI_HOSTNAME\" >> %s\n"
             "[ \"$1\" = start ] || { echo no way; exit 3; }\n" % log)
  os.chmod(script, stat.S_IRWXU)
  bmaster.ActivateMasterIp(_PARAMS, True)
  with pytest.raises(RPCFail) as err:
    bmaster.DeactivateMasterIp(_PARAMS, True)
  assert str(err.value) == ("Failed to stop the master IP. Script return"
                            " value: 3, output: 'no way'")
  assert log.read_text().splitlines() == ["start lo 127.0.9.1 32 4 node1",
                                          "stop lo 127.0.9.1 32 4 node1"]


def testChangeMasterNetmask(node_root):
  assert bmaster.ChangeMasterNetmask(32, 32, "127.0.9.1", "lo") is None
  assert bmaster.ChangeMasterNetmask(32, 24, "127.0.9.1", "lo") is None
  with pytest.raises(RPCFail) as err:
    bmaster.ChangeMasterNetmask(24, 25, "198.51.100.250", "eth0")
  assert "not up" in str(err.value)


def testInOwnNetns(tmp_path, monkeypatch, node_root):
  """Named network namespaces are told apart by inode (as ``ip netns
  identify``); the host's network keeps the loopback-only rule."""
  netns = tmp_path / "netns"
  assert not bmaster.InOwnNetns(str(netns))
  netns.mkdir()
  (netns / "other").write_text("")
  assert not bmaster.InOwnNetns(str(netns))
  (netns / "mine").symlink_to("/proc/self/ns/net")
  assert bmaster.InOwnNetns(str(netns))
  eth0 = dict(_PARAMS, netdev="eth0", ip="198.51.100.1")
  monkeypatch.setattr(bmaster, "InOwnNetns", lambda: False)
  with pytest.raises(RPCFail):
    bmaster.CheckVirtualParams(eth0, False)
  monkeypatch.setattr(bmaster, "InOwnNetns", lambda: True)
  bmaster.CheckVirtualParams(eth0, False)
