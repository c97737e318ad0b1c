"""hroller: graph colourings, relocation steps, errors, upstream diff.

The goldens (test_htools_programs.py) compare the whole program with
upstream on its test clusters; here are the pieces on small inputs and a
differential run against upstream's binary on random mixed clusters.
"""

import contextlib
import io
import os
import subprocess

import pytest

import htools_cases
import htools_mixcluster
from ganeti.htools import graph as G
from ganeti.htools import hroller
from ganeti.htools import loader
from ganeti.htools import text

UPSTREAM = os.path.join(htools_cases.UPSTREAM_BIN, "hroller")


def _Run(args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = hroller.Main(args)
  return (out.getvalue(), err.getvalue(), code)


def _Path(name):
  return os.path.join(htools_cases.DATA_DIR, name + ".data")


def test_graph_keeps_upstream_adjacency_order():
  graph = G.Graph(0, 3, [(0, 1), (1, 0), (0, 2), (0, 1), (2, 2)])
  assert graph.adj == {0: [1, 2, 1], 1: [0], 2: [2], 3: []}
  assert graph.Degree(0) == 3
  assert graph.Show() == "array (0,3) [(0,[1,2,1]),(1,[0]),(2,[2]),(3,[])]"


def test_colorings_on_a_path_and_a_star():
  # path 0-1-2-3: two colours whatever the order
  edges = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)]
  path = G.Graph(0, 3, edges)
  for (_, fn) in G.ALGORITHMS:
    cmap = fn(path)
    assert all(cmap[a] != cmap[b] for (a, b) in edges)
    assert len(G.ColorVertMap(cmap)) == 2
  # LF colours the highest degree first (ties: the higher index first)
  assert G.ColorLF(path) == {2: 0, 1: 1, 3: 1, 0: 0}
  assert G.ColorVertMap(G.ColorLF(path)) == [[0, 2], [1, 3]]
  # Dsatur starts with the highest degree too, then follows saturation
  assert G.ColorDsatur(path) == {2: 0, 3: 1, 1: 1, 0: 0}
  star = G.Graph(0, 3, [(0, 3), (3, 0), (1, 3), (3, 1), (2, 3), (3, 2)])
  assert G.ColorVertMap(G.ColorDcolor(star)) == [[3], [0, 1, 2]]


def test_stats_line():
  line = G.Stats([("LF", [[0], [1], [2]]), ("Dsatur", [[0, 1], [2]]),
                  ("Dcolor", [[0, 1], [2]])])
  assert line == ("Dcolor: 2 (2,1) TIE Dsatur: 2 (2,1) LOOSE"
                  " LF: 3 (1,1,1)")


def test_reboot_graph_links_primaries_sharing_a_secondary():
  cdata = text.LoadFile(_Path("hroller-online"))
  loader.MergeData(cdata)
  nodes = dict((n.idx, n) for n in cdata.nodes)
  insts = dict((i.idx, i) for i in cdata.instances)

  class Opts:
    offline_maintenance = False
  online = hroller.MakeGraph(Opts, nodes, nodes, insts)
  Opts.offline_maintenance = True
  offline = hroller.MakeGraph(Opts, nodes, nodes, insts)
  assert sum(map(len, online.adj.values())) > \
    sum(map(len, offline.adj.values()))
  assert hroller.MakeGraph(Opts, nodes, {}, insts) is None


def test_replace_secondary_keeps_upstream_record_quirk():
  cdata = text.LoadFile(_Path("hroller-full"))
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  nodes = dict((n.idx, n) for n in cdata.nodes)
  insts = dict((i.idx, i) for i in cdata.instances)
  # inst 0: primary node 0, secondary node 1; new secondary node 4
  (new_nodes, new_insts) = hroller.ReplaceSecondary((nodes, insts), 0, 4)
  assert new_insts[0].snode == 4
  assert 0 in new_nodes[4].slist
  # the old secondary's slot now holds the primary's record
  assert new_nodes[1].name == nodes[0].name
  with pytest.raises(hroller.Failed):
    hroller.ReplaceSecondary((nodes, insts), 0, 0)


def test_masters_and_groups(tmp_path):
  data = text.SerializeCluster(text.LoadFile(_Path("hroller-online")))
  nomaster = tmp_path / "nomaster.data"
  nomaster.write_text(data.replace("|M|", "|N|"))
  assert _Run(["-t", str(nomaster)]) == (
    "", "Error: No master node found (maybe not supported by"
    " backend).\n", 1)
  (out, err, code) = _Run(["-t", str(nomaster), "--force", "--no-headers"])
  assert code == 0 and out
  assert err == "Warning: No master node found (maybe not supported by" \
    " backend).\n"
  (_, err, code) = _Run(["-t", _Path("multiple-master")])
  assert code == 1 and err.startswith("Error: Found more than one master"
                                      " node: [\"")
  assert _Run(["-t", _Path("hroller-online"), "-G", "nosuch"]) == \
    ("", "Error: Cannot find target group.\n", 1)
  assert _Run(["-t", _Path("hroller-online"), "--node-tags", "nosuch"]) == \
    ("", "Error: Cannot create node graph\n", 1)


def test_master_is_rebooted_last():
  (out, _, code) = _Run(["-t", _Path("hroller-full"), "--no-headers"])
  assert code == 0
  assert out.splitlines()[-1].split(",")[-1] == "node-31"


def test_one_step_only_lists_one_node_per_line():
  (out, _, _) = _Run(["-t", _Path("hroller-nonredundant"),
                      "--one-step-only"])
  assert out.splitlines() == ["'First Reboot Group'", "node-01-002",
                              "node-01-003"]


needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


@needs_upstream
@pytest.mark.parametrize("args", [
  ["-v", "-v", "-v", "--print-moves"],
  ["--print-moves", "--full-evacuation"],
  ["--offline-maintenance", "--skip-non-redundant", "--print-moves"],
  ["--node-tags=rack:a", "-G", "group-0", "-O", "node-01",
   "--print-moves"],
])
def test_differential_against_upstream(tmp_path, args):
  for seed in range(12):
    path = tmp_path / ("mix-%d.data" % seed)
    path.write_text(htools_mixcluster.MixedCluster(seed))
    up = subprocess.run([UPSTREAM, "-t", str(path)] + args,
                        capture_output=True, text=True)
    assert _Run(["-t", str(path)] + args) == \
      (up.stdout, up.stderr, up.returncode), (seed, args)
