"""gnt-cluster epo against a fake master (query answers, jobs, OOB)."""

import optparse

import pytest

from ganeti import constants
from ganeti import opcodes
from ganeti.client import gnt_cluster_epo as epo

pytestmark = pytest.mark.unit


class _FakeClient:
  def __init__(self, rows):
    self.rows = rows

  def QueryNodes(self, names, fields, use_locking):
    return [r for r in self.rows if not names or r[0] in names]

  def QueryGroups(self, names, fields, use_locking):
    return [[[r[0] for r in self.rows]]]


class _FakeJex:
  jobs = []

  def __init__(self, opts=None):
    pass

  def QueueJob(self, name, op):
    _FakeJex.jobs.append(op)

  def GetResults(self):
    return [(True, None)]


class _FakeOob:
  def __init__(self, **kwargs):
    self.kwargs = kwargs


@pytest.fixture
def fake(monkeypatch):
  state = {"oob": []}
  rows = [
    # name, master, pinst, sinst, powered, offline, pip
    ["node1", True, ["i1"], [], None, False, "127.0.0.1"],
    ["node2", False, ["i2"], ["i1"], True, False, "127.0.0.2"],
    ["node3", False, [], [], False, False, "127.0.0.3"],
    ["node4", False, ["i3"], [], False, True, "127.0.0.4"],
  ]
  monkeypatch.setattr(epo, "GetClient", lambda: _FakeClient(rows))
  monkeypatch.setattr(epo.cli, "JobExecutor", _FakeJex)
  _FakeJex.jobs = []

  def _Submit(op, opts=None):
    state["oob"].append(op.kwargs)
    return [[[0, n], [0, None]] for n in op.kwargs["node_names"]]
  monkeypatch.setattr(epo.cli, "SubmitOpCode", _Submit)
  monkeypatch.setattr(epo, "_Reachable", lambda ips: set(ips))
  return state


def _Opts(argv):
  parser = optparse.OptionParser(option_list=list(epo.EPO_OPTS))
  return parser.parse_args(argv)


def testOffWithOob(fake, monkeypatch):
  monkeypatch.setitem(opcodes.OP_MAPPING, "OP_OOB_COMMAND", _FakeOob)
  (opts, args) = _Opts(["-f", "node2", "node3", "node4"])
  assert epo.Epo(opts, args) == constants.EXIT_SUCCESS
  # i1 has node2 as secondary: both instances go down
  assert sorted(op.instance_name for op in _FakeJex.jobs) == ["i1", "i2"]
  assert all(op.no_remember for op in _FakeJex.jobs)
  # node3 is already off, node4 offline (its instance is left alone)
  assert fake["oob"] == [{"node_names": ["node2"], "command": "power-off",
                          "ignore_status": True, "timeout": 60,
                          "power_delay": 2.0}]


def testOnWithOob(fake, monkeypatch):
  monkeypatch.setitem(opcodes.OP_MAPPING, "OP_OOB_COMMAND", _FakeOob)
  (opts, args) = _Opts(["-f", "--on", "--all"])
  assert epo.Epo(opts, args) == constants.EXIT_SUCCESS
  assert fake["oob"][0]["command"] == "power-on"
  # an offline node is not powered on (Ganeti's rule)
  assert fake["oob"][0]["node_names"] == ["node3"]
  assert sorted(op.instance_name for op in _FakeJex.jobs) == ["i1", "i2"]
  assert all(isinstance(op, opcodes.OpInstanceStartup)
             for op in _FakeJex.jobs)


def testOffWithoutOobOpcode(fake, monkeypatch):
  monkeypatch.delitem(opcodes.OP_MAPPING, "OP_OOB_COMMAND", raising=False)
  (opts, args) = _Opts(["-f", "node2"])
  assert epo.Epo(opts, args) == constants.EXIT_FAILURE
  assert sorted(op.instance_name for op in _FakeJex.jobs) == ["i1", "i2"]


def testMasterNeedsAll(fake):
  (opts, args) = _Opts(["-f", "node1"])
  assert epo.Epo(opts, args) == constants.EXIT_FAILURE
  assert _FakeJex.jobs == []
  (opts, args) = _Opts(["-f", "--groups", "--all"])
  assert epo.Epo(opts, args) == constants.EXIT_FAILURE
