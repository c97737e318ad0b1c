"""hcheck: the checks, the global N+1 evacuation test, the output.

The byte-for-byte comparison with upstream on its test clusters is in
test_htools_programs.py (goldens); here: the building blocks on small
clusters, the error paths, and a differential run against upstream's
binary on random mixed clusters (multi-group, shared and non-redundant
instances) where it is installed.
"""

import contextlib
import io
import os
import subprocess

import pytest

import htools_cases
import htools_mixcluster
from ganeti.htools import globaln1
from ganeti.htools import hcheck
from ganeti.htools import loader
from ganeti.htools import text

UPSTREAM = os.path.join(htools_cases.UPSTREAM_BIN, "hcheck")

_POLICY = ("128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|"
           "drbd,plain,file,sharedfile,rbd|4.0|32.0")


def _Cluster(nodes, instances):
  """htools text of one group; nodes: (name, free mem), all 16 GiB."""
  nlines = "".join("%s|16384|0|%d|409600|409600|16|%s|uuid-1|1\n" %
                   (name, free, "M" if num == 0 else "N")
                   for (num, (name, free)) in enumerate(nodes))
  ilines = "".join("%s|%d|1024|1|running|Y|%s|%s|%s||1\n" % inst
                   for inst in instances)
  return ("group-1|uuid-1|preferred||\n\n" + nlines + "\n" + ilines +
          "\n\n|" + _POLICY + "\ngroup-1|" + _POLICY + "\n")


def _Load(data):
  cdata = text.ParseData(data)
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  return (dict((n.idx, n) for n in cdata.nodes),
          dict((i.idx, i) for i in cdata.instances))


def _Evacuable(data):
  (nodes, insts) = _Load(data)
  return dict((n.name, globaln1.CanEvacuateNode(nodes, insts, n))
              for n in nodes.values())


def _Run(args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = hcheck.Main(args)
  return (out.getvalue(), err.getvalue(), code)


def test_drbd_failover_needs_memory_on_the_secondary():
  # node-a's big instance cannot fail over to node-b (2 GiB free)
  data = _Cluster([("node-a", 4096), ("node-b", 2048)],
                  [("big", 8192, "node-a", "node-b", "drbd"),
                   ("small", 1024, "node-b", "node-a", "drbd")])
  assert _Evacuable(data) == {"node-a": False, "node-b": True}


def test_shared_instances_move_and_consume_capacity():
  # each rbd instance fits on node-b or node-c, but not both on one node
  data = _Cluster([("node-a", 8192), ("node-b", 5000), ("node-c", 5000)],
                  [("r1", 4096, "node-a", "", "rbd"),
                   ("r2", 4096, "node-a", "", "rbd")])
  assert _Evacuable(data)["node-a"] is True
  data = _Cluster([("node-a", 8192), ("node-b", 5000), ("node-c", 1000)],
                  [("r1", 4096, "node-a", "", "rbd"),
                   ("r2", 4096, "node-a", "", "rbd")])
  assert _Evacuable(data)["node-a"] is False


def test_non_movable_instances_must_fit_elsewhere():
  data = _Cluster([("node-a", 2048), ("node-b", 6144)],
                  [("p1", 12288, "node-a", "", "plain"),
                   ("p2", 1024, "node-b", "", "plain")])
  assert _Evacuable(data) == {"node-a": False, "node-b": True}


def test_recreate_picks_lowest_score_and_later_node_on_ties():
  data = _Cluster([("node-a", 8192), ("node-b", 8192), ("node-c", 8192)],
                  [("p1", 2048, "node-a", "", "plain")])
  (nodes, insts) = _Load(data)
  new = globaln1.Recreate(nodes, insts[0], [1, 2])
  # equal targets: the later one wins, as upstream's stable sort does
  assert new[2].plist == (0,) and new[1].plist == ()


def _WithDiskless(extra):
  """plain-n1-restriction.data plus 128 MiB diskless instances
  ``extra`` = [(name, node)]."""
  with open(os.path.join(htools_cases.DATA_DIR,
                         "plain-n1-restriction.data")) as fh:
    (head, rest) = fh.read().split("\n\n", 1)
    (nodes, rest) = rest.split("\n\n", 1)
    (insts, rest) = rest.split("\n\n", 1)
  lines = "".join("\n%s|128|1024|1|running|Y|%s||diskless||1|1|N" % e
                  for e in extra)
  return "\n\n".join([head, nodes, insts + lines, rest])


@pytest.mark.parametrize(("node", "failing"), [
  ("nodeA", 4), ("nodeB", 1), ("nodeC", 4), ("nodeD", 1)])
def test_diskless_instances_move_first(tmp_path, node, failing):
  # diskless instances move freely (upstream's diskTemplateMovable), so
  # they leave before the plain ones are re-created, to the best-scored
  # node: a third one on nodeA or nodeC leaves no room for the plain
  # instances of every node (these counts are upstream's)
  path = tmp_path / "state.data"
  path.write_text(_WithDiskless([("new-0", "nodeD"), ("new-1", "nodeB"),
                                 ("new-2", node)]))
  (out, _, code) = _Run(["-t", str(path), "--machine-readable"])
  assert code == 1  # the cluster needs rebalancing
  assert "HCHECK_INIT_CLUSTER_GN1_FAIL=%d\n" % failing in out
  if os.path.exists(UPSTREAM):
    up = subprocess.run([UPSTREAM, "-t", str(path), "--machine-readable"],
                        capture_output=True, text=True)
    assert (up.stdout, up.returncode) == (out, code)


def test_split_instance_is_a_missing_node():
  (nodes, insts) = _Load(_Cluster([("node-a", 8192), ("node-b", 8192)],
                                  [("d1", 1024, "node-a", "node-b",
                                    "drbd")]))
  del nodes[1]
  with pytest.raises(globaln1.MissingNode) as err:
    globaln1.CanEvacuateNode(nodes, insts, nodes[0])
  assert err.value.key == 1


def test_split_instances_crash_like_upstream():
  path = os.path.join(htools_cases.DATA_DIR, "hbal-split-insts.data")
  (out, err, code) = _Run(["-t", path, "--machine-readable"])
  assert code == 1
  assert out.endswith("HCHECK_INIT_GROUP_0_OFFLINE_SEC=0\n")
  assert err.startswith("hcheck: IntMap.!: key 7 is not an element")
  # without the capacity checks nothing needs node 7: a clean run
  assert _Run(["-t", path, "--no-capacity-checks"])[2] == 0


def test_shell_quoting():
  assert hcheck.EnsureQuoted("12.5") == "12.5"
  assert hcheck.EnsureQuoted("fake-uuid") == "'fake-uuid'"
  assert hcheck.EnsureQuoted("") == ""


def test_exit_codes_and_modes(tmp_path):
  path = tmp_path / "c.data"
  path.write_text(_Cluster([("node-a", 1024), ("node-b", 8192)],
                           [("big", 8192, "node-b", "node-a", "drbd")]))
  (out, _, code) = _Run(["-t", str(path)])
  assert code == 1 and out.startswith("Cluster needs rebalancing.\n")
  (out, _, code) = _Run(["-t", str(path), "--no-simulation"])
  assert code == 0 and "after rebalancing" not in out
  (out, _, code) = _Run(["-t", str(path), "-q"])
  assert (out, code) == ("", 1)
  (out, _, code) = _Run(["-t", str(path), "--machine-readable"])
  lines = out.splitlines()
  assert lines[0] == "HCHECK_GROUP_UUID_0='uuid-1'"
  assert "HCHECK_INIT_CLUSTER_NEED_REBALANCE=1" in lines
  assert lines[-1] == "HCHECK_OK=1"


def test_empty_cluster_shows_one_value():
  path = os.path.join(htools_cases.DATA_DIR, "empty-cluster.data")
  (out, _, code) = _Run(["-t", path])
  assert code == 0
  assert out.endswith("Cluster statistics initially\n"
                      "    Nodes not N+1 happy: False\n")


def test_bad_input(tmp_path):
  path = os.path.join(htools_cases.DATA_DIR, "n1-failure.data")
  (_, err, code) = _Run(["-t", path, "--machine-readable=maybe"])
  assert code == 1 and "Invalid choice 'maybe'" in err
  (_, err, code) = _Run(["-t", path, "-O", "nosuch1", "-O", "nosuch2"])
  assert (err, code) == ("Error: wrong node name(s) set as offline:"
                         " nosuch2,nosuch1\n\n", 1)
  (_, err, code) = _Run(["-t", path, "extra"])
  assert (err, code) == ("Error: This program doesn't take any"
                         " arguments.\n", 1)
  assert _Run(["-t", str(tmp_path / "missing.data")])[2] == 1


needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


@needs_upstream
@pytest.mark.parametrize("args", [
  [], ["--machine-readable"], ["-v", "-v", "--ignore-soft-errors"],
  ["--no-simulation", "-O", "node-01", "--machine-readable"],
  ["--no-instance-moves", "-E", "--max-cpu=1", "--min-disk=0.5"],
])
def test_differential_against_upstream(tmp_path, args):
  for seed in range(12):
    path = tmp_path / ("mix-%d.data" % seed)
    path.write_text(htools_mixcluster.MixedCluster(seed))
    up = subprocess.run([UPSTREAM, "-t", str(path)] + args,
                        capture_output=True, text=True)
    assert _Run(["-t", str(path)] + args) == \
      (up.stdout, up.stderr, up.returncode), (seed, args)


def test_text_sections_as_upstream(tmp_path):
  # more than five sections: the rest is ignored; fewer than four: error
  node = "n1|1024|0|512|100|50|4|M|u|1\n"
  many = tmp_path / "many.data"
  many.write_text("g|u|preferred||\n\n" + node + "\n\n\n\n\n\n\n")
  assert _Run(["-t", str(many), "--no-simulation", "-q"])[2] == 0
  few = tmp_path / "few.data"
  few.write_text("g|u|preferred||\n\n" + node)
  assert _Run(["-t", str(few)])[1] == (
    "Error: failed to load data, aborting: Invalid format of the input"
    " file: 2 sections instead of 4 or more\n")
