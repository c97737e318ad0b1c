"""hsqueeze: the standby plan, its commands, saved states and jobs.

The plan on upstream's test clusters is compared byte for byte by the
HSQUEEZE_CASES goldens (test_htools_programs.py); here: the pieces of
the algorithm, -C FILE, -S, -X against a fake LUXI client (the opcodes
must be valid ones) and, where upstream's binary is installed, generated
clusters of externally mirrored instances.
"""

import contextlib
import io
import os
import random
import subprocess

import pytest

import htools_cases
from ganeti import opcodes
from ganeti.htools import hsqueeze
from ganeti.htools import loader
from ganeti.htools import text

pytestmark = pytest.mark.unit

UPSTREAM = os.path.join(htools_cases.UPSTREAM_BIN, "hsqueeze")
UNDER = os.path.join(htools_cases.DATA_DIR, "hsqueeze-underutilized.data")
OVER = os.path.join(htools_cases.DATA_DIR, "hsqueeze-overutilized.data")

needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


def _Run(args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = hsqueeze.Main(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def _Config(path):
  cdata = text.LoadFile(path)
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  conf = hsqueeze.Config(dict((n.idx, n) for n in cdata.nodes),
                         dict((i.idx, i) for i in cdata.instances))
  return (cdata, conf)


def test_spec_instance_rounds_down():
  from ganeti.htools import types as T
  spec = T.ISpec(128, 1, 1024, 1, 1, 1)
  inst = hsqueeze.InstanceFromSpec("x", 2.5, spec)
  assert (inst.mem, inst.vcpus, inst.spindle_use, inst.dsk,
          inst.disk_template, inst.total_spindles) == (320, 2, 2, 0, "ext", 0)


def test_offline_plan_pieces():
  (cdata, conf) = _Config(UNDER)
  by_name = dict((n.name, n) for n in cdata.nodes)
  target = hsqueeze.InstanceFromSpec("t", 2.0, cdata.ipolicy.std)
  assert hsqueeze.AllNodesCapacityFor(target, conf)
  cands = [by_name["node-01-00%d" % i] for i in (1, 2, 3, 4, 5)]
  chosen = hsqueeze.GreedyOfflineNodes(target, conf, cands)
  assert [n.name for n in chosen] == ["node-01-004", "node-01-005"]
  (fin, moves) = hsqueeze.OnlineOfflineNodes(True, [n.idx for n in chosen],
                                             conf)
  assert hsqueeze.AllInstancesOnOnlineNodes(fin)
  assert not hsqueeze.AllInstancesOnOnlineNodes(
    hsqueeze.SetOffline(True, conf, [n.idx for n in chosen]))
  assert [m[3] for m in moves] == [
    ["migrate -f -n node-01-002 inst-40"],
    ["migrate -f -n node-01-003 inst-50"]]
  # the original configuration is left alone
  assert not any(n.offline for n in conf.nodes.values())


def test_online_plan_needs_a_prefix():
  (cdata, conf) = _Config(OVER)
  std = cdata.ipolicy.std
  minimal = hsqueeze.InstanceFromSpec("m", 2.0, std)
  assert not hsqueeze.AllNodesCapacityFor(minimal, conf)
  cands = [n for n in cdata.nodes if n.offline and hsqueeze.HasStandbyTag(n)]
  got = hsqueeze.TryOnline(minimal, conf, cands)
  assert [n.name for n in got] == ["node-01-002", "node-01-004"]
  huge = hsqueeze.InstanceFromSpec("h", 1000.0, std)
  assert hsqueeze.TryOnline(huge, conf, cands) is None


def test_arguments_and_backend_errors():
  got = _Run(["-t", UNDER, "extra"])
  assert got == {"out": "", "rc": 1,
                 "err": "Error: This program doesn't take any arguments.\n"}
  got = _Run(["--no-headers"])
  assert got["rc"] == 1 and "No backend selected" in got["err"]


def test_exec_needs_luxi():
  got = _Run(["-t", UNDER, "-X"])
  assert got["rc"] == 1
  assert got["out"] == "'Nodes to offline'\nnode-01-004\nnode-01-005\n"
  assert got["err"] == ("Error: hsqueeze: Execution of commands possible"
                        " only on LUXI\n")


def test_command_file_and_saved_states(tmp_path):
  script = tmp_path / "cmds.sh"
  base = tmp_path / "state"
  got = _Run(["-t", UNDER, "-C%s" % script, "-S", str(base)])
  assert got["rc"] == 0
  assert got["out"] == ("'Nodes to offline'\nnode-01-004\nnode-01-005\n"
                        "The commands have been written to file '%s'\n" %
                        script)
  assert got["err"] == (
    "The cluster state before hsqueeze run has been written to file"
    " '%s.original'\nThe cluster state after hsqueeze run has been written"
    " to file '%s.squeezed'\n" % (base, base))
  body = script.read_text()
  assert body.startswith("#!/bin/sh\n")
  assert body.endswith(
    "\necho jobset 1, 2 jobs\n  echo job 1/1\n  check\n"
    "  gnt-instance migrate -f -n node-01-002 inst-40\n  echo job 1/2\n"
    "  check\n  gnt-instance migrate -f -n node-01-003 inst-50\n\n"
    "echo Tagging Commands\n"
    "  gnt-node add-tags node-01-004 htools:standby:auto\n"
    "  gnt-node add-tags node-01-005 htools:standby:auto\n\n"
    "echo Power Commands\n  gnt-node power -f off node-01-004\n"
    "  gnt-node power -f off node-01-005\n")
  squeezed = text.LoadFile("%s.squeezed" % base)
  assert [n.name for n in squeezed.nodes if n.offline] == \
    ["node-01-004", "node-01-005"]
  original = (tmp_path / "state.original").read_text()
  assert original == text.SerializeCluster(_Config(UNDER)[0])


def test_nothing_to_do_script_has_no_final_newline(tmp_path):
  script = tmp_path / "cmds.sh"
  path = os.path.join(htools_cases.DATA_DIR, "hbal-evac.data")
  got = _Run(["-t", path, "--no-headers", "-C%s" % script])
  assert got["rc"] == 0
  assert script.read_text().endswith("\n}\n\necho Nothing to do")


class _FakeLuxi:
  """Records submitted jobs; jobs of ``fail`` end in error."""

  def __init__(self, fail=()):
    self.jobs = []
    self.fail = set(fail)

  def SubmitManyJobs(self, jobs):
    result = []
    for ops in jobs:
      self.jobs.append(ops)
      result.append((True, len(self.jobs)))
    return result

  def WaitForJobChange(self, job_id, fields, prev_info, prev_serial):
    status = "error" if int(job_id) in self.fail else "success"
    return ([status], [])


def _ExecWith(monkeypatch, client, path, args):
  """hsqueeze -L ARGS, the cluster being ``path`` and the jobs going to
  ``client``."""
  from ganeti import luxi
  from ganeti.htools import luxi_backend
  monkeypatch.setattr(luxi, "Client", lambda address=None: client)
  monkeypatch.setattr(luxi_backend, "LoadData",
                      lambda socket_path=None: text.LoadFile(path))
  return _Run(args)


def _Valid(op):
  loaded = opcodes.OpCode.LoadOpCode(dict(op))
  loaded.Validate(True)
  return loaded


def test_exec_condense_jobs(monkeypatch):
  client = _FakeLuxi()
  got = _ExecWith(monkeypatch, client, UNDER, ["-X", "-L/nosocket"])
  assert got["rc"] == 0, got
  assert got["out"] == (
    "'Nodes to offline'\nnode-01-004\nnode-01-005\n"
    "Moving instances inst-40, inst-50\nGot job IDs1,2\n"
    "Tagging node node-01-004 with standby\nGot job IDs3\n"
    "Tagging node node-01-005 with standby\nGot job IDs4\n"
    "Powering off nodes\nGot job IDs5\n")
  ids = [[op["OP_ID"] for op in job] for job in client.jobs]
  assert ids == [["OP_INSTANCE_MIGRATE"], ["OP_INSTANCE_MIGRATE"],
                 ["OP_TAGS_SET"], ["OP_TAGS_SET"],
                 ["OP_NODE_SET_PARAMS", "OP_NODE_SET_PARAMS",
                  "OP_OOB_COMMAND"]]
  for job in client.jobs:
    for op in job:
      assert op["comment"] == "condensing by 2 nodes 3.0.2"
      assert op["reason"][0][:2] == ["hsqueeze", "hsqueeze 3.0.2 called"]
      _Valid(op)
  assert client.jobs[0][0]["target_node"] == "node-01-002"
  assert client.jobs[2][0]["tags"] == ["htools:standby:auto"]
  power = client.jobs[4]
  assert [op.get("offline") for op in power[:2]] == [True, True]
  assert (power[2]["command"], power[2]["node_names"]) == \
    ("power-off", ["node-01-004", "node-01-005"])


def test_exec_expand_jobs_and_failure(monkeypatch):
  client = _FakeLuxi()
  got = _ExecWith(monkeypatch, client, OVER, ["-X", "-L"])
  assert got["rc"] == 0, got
  assert got["out"].startswith("'Nodes to online'\nnode-01-002\nnode-01-004\n"
                               "Powering on nodes\nGot job IDs1\n"
                               "Moving instances ")
  first = client.jobs[0]
  assert [op["OP_ID"] for op in first] == \
    ["OP_NODE_SET_PARAMS", "OP_NODE_SET_PARAMS", "OP_OOB_COMMAND"]
  assert first[2]["command"] == "power-on"
  assert first[0]["offline"] is False
  assert first[0]["comment"] == "expanding by 2 nodes 3.0.2"
  for op in first:
    _Valid(op)
  failing = _FakeLuxi(fail=[1])
  got = _ExecWith(monkeypatch, failing, OVER, ["-X", "-L"])
  assert got["rc"] == 1
  assert got["err"] == (
    "Error: hsqueeze: Not all jobs completed successfully:"
    " [(JobId {fromJobId = 1},JOB_STATUS_ERROR)]\nAborting.\n\n")
  assert len(failing.jobs) == 1  # nothing after the failed jobset


def _ExtCluster(nodes, insts, seed, standby):
  """A cluster of mostly externally mirrored instances; the last
  ``standby`` nodes are offline and tagged for standby."""
  rnd = random.Random(seed)
  lines = ["default|fake-uuid-01|preferred||", ""]
  for num in range(nodes):
    spare = num >= nodes - standby
    flag = "Y" if spare else ("M" if num == 0 else "N")
    lines.append("node-%02d|4096|0|4096|102400|102400|8|%s|fake-uuid-01|1|"
                 "%s|N|0|1|1.0" % (num, flag,
                                   "htools:standby:auto" if spare else ""))
  lines.append("")
  for num in range(insts):
    pnode = rnd.randrange(nodes - standby)
    template = "plain" if rnd.random() < 0.1 else "ext"
    lines.append("inst-%03d|%d|0|%d|running|Y|node-%02d||%s||1|-|N" %
                 (num, rnd.choice([128, 256, 512]), rnd.choice([1, 2]),
                  pnode, template))
  lines.extend(["", "", "|256,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,"
                "16,8,12|plain,ext|4.0|32.0", ""])
  return "\n".join(lines)


@needs_upstream
@pytest.mark.parametrize("spec,args", [
  ((6, 20, 1, 0), ["-v", "-v", "-C"]),
  ((8, 40, 3, 2), ["--minimal-resources=3", "-v", "-v", "-C"]),
])
def test_generated_clusters_match_upstream(tmp_path, spec, args):
  path = tmp_path / "ext.data"
  path.write_text(_ExtCluster(*spec))
  up = subprocess.run([UPSTREAM, "-t", str(path)] + args,
                      capture_output=True, text=True)
  assert _Run(["-t", str(path)] + args) == \
    {"out": up.stdout, "err": up.stderr, "rc": up.returncode}
