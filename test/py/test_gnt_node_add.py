"""gnt-node add: the SSH-based node setup is skipped with --no-node-setup."""

import optparse

import pytest

from ganeti import errors
from ganeti import netutils
from ganeti import nodesetup
from ganeti.client import gnt_node

pytestmark = pytest.mark.unit


class _Host:
  def __init__(self, name):
    self.name = name
    self.ip = "198.51.100.11"


class _Client:
  def QueryNodes(self, names, fields, use_locking):
    raise errors.OpPrereqError("Node %s not known" % names[0],
                               errors.ECODE_NOENT)

  def QueryGroups(self, names, fields, use_locking):
    assert fields == ["ndp/ssh_port"]
    return [[22]]


def _Opts(node_setup):
  return optparse.Values(dict(
    readd=False, node_setup=node_setup, secondary_ip=None, nodegroup=None,
    vm_capable=None, master_capable=None, ndparams=None, ssh_key_check=True))


@pytest.fixture
def calls(monkeypatch):
  seen = {"prepared": [], "ops": []}
  monkeypatch.setattr(netutils, "GetHostname", lambda name: _Host(name))
  monkeypatch.setattr(gnt_node, "GetClient", _Client)
  monkeypatch.setattr(nodesetup, "PrepareNodeJoin",
                      lambda node, cl, **kw: seen["prepared"].append(node))
  monkeypatch.setattr(gnt_node, "SubmitOpCode",
                      lambda op, opts=None: seen["ops"].append(op))
  return seen


@pytest.mark.parametrize("node_setup", [True, False])
def testNodeSetup(calls, capsys, node_setup):
  assert gnt_node.AddNode(_Opts(node_setup), ["node2"]) == 0
  assert calls["prepared"] == (["node2"] if node_setup else [])
  (op, ) = calls["ops"]
  assert (op.OP_ID, op.node_name, op.node_setup) == \
    ("OP_NODE_ADD", "node2", node_setup)
  warned = "-- WARNING --" in capsys.readouterr().err
  assert warned == node_setup


class _PortClient:
  def QueryNodes(self, names, fields, use_locking):
    assert (names, fields) == (["node2"], ["ndp/ssh_port"])
    return [[2201]]

  def QueryGroups(self, names, fields, use_locking):
    groups = {"default": 22, "g2": 2202}
    return [[groups[n]] for n in (names or sorted(groups))]


def testNewNodeSshPort():
  cl = _PortClient()
  port = nodesetup.GetNewNodeSshPort
  assert port(cl, "node2", False, None, {"ssh_port": 2200}) == 2200
  assert port(cl, "node2", True, None, None) == 2201
  assert port(cl, "node2", False, "g2", {}) == 2202
  # two groups and none given: the default port
  assert port(cl, "node2", False, None, None) == 22
