"""hbal against upstream's answers on upstream's htools test clusters.

The golden files (test/data/htools/golden, written by tools/htools-golden
from Debian's ganeti-htools-3.0) hold upstream hbal's stdout, stderr and
exit code for every test cluster and option set; pyganeti's hbal must
print the same bytes.  Where the upstream binaries are installed, the
same comparison also runs on generated clusters.
"""

import contextlib
import importlib
import io
import json
import os
import shutil
import subprocess

import pytest

import htools_cases
from ganeti.htools import balance
from ganeti.htools import gencluster
from ganeti.htools import loader
from ganeti.htools import text

UPSTREAM_HBAL = os.path.join(htools_cases.UPSTREAM_BIN, "hbal")


def _Main(program):
  """The Main() of ganeti.htools.<program>."""
  return importlib.import_module("ganeti.htools." + program).Main


def _Golden():
  cases = []
  for (program, pcases) in htools_cases.PROGRAMS.items():
    for case in pcases:
      with open(htools_cases.GoldenFile(case, program)) as handle:
        answers = json.load(handle)
      for (name, path) in htools_cases.DataFiles():
        why = getattr(htools_cases, "KNOWN_DIFFERENCES", {}).get(
          (program, case, name))
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        cases.append(pytest.param(program, case, path, answers[name],
                                  id="%s-%s-%s" % (program, case, name),
                                  marks=marks))
  return cases


def RunProgram(program, args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = _Main(program)(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def RunHbal(args):
  return RunProgram("hbal", args)


@pytest.mark.parametrize("program,case,path,expected", _Golden())
def test_matches_upstream(program, case, path, expected):
  got = RunProgram(program, ["-t", path] +
                   htools_cases.PROGRAMS[program][case])
  assert got == expected


def _Plain(path, **kwargs):
  cdata = text.LoadFile(path)
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  table = balance.InitialTable(cdata.nodes, cdata.instances)
  return table


@pytest.mark.parametrize("name", ["hbal-evac", "hbal-location-1",
                                  "hbal-soft-errors", "n1-failure",
                                  "hbal-excl-tags", "hbal-migration-1"])
def test_incremental_search_equals_plain_search(name):
  path = os.path.join(htools_cases.DATA_DIR, name + ".data")
  opts = balance.Options()
  fast = balance.Iterate(opts, _Plain(path), -1, 1e-9, incremental=True)
  slow = balance.Iterate(opts, _Plain(path), -1, 1e-9, incremental=False)
  assert [(p.idx, p.pnode, p.snode, p.move) for p in fast.placements] == \
    [(p.idx, p.pnode, p.snode, p.move) for p in slow.placements]
  assert fast.score == slow.score


def test_incremental_search_on_generated_cluster(tmp_path):
  path = tmp_path / "gen.data"
  path.write_text(gencluster.GenerateCluster(10, 60, seed=7))
  opts = balance.Options()
  fast = balance.Iterate(opts, _Plain(str(path)), 15, 1e-9)
  slow = balance.Iterate(opts, _Plain(str(path)), 15, 1e-9,
                         incremental=False)
  assert len(fast.placements) == 15
  assert [(p.idx, p.move) for p in fast.placements] == \
    [(p.idx, p.move) for p in slow.placements]


def test_text_backend_roundtrip_is_stable():
  for (_, path) in htools_cases.DataFiles():
    try:
      cdata = text.LoadFile(path)
    except loader.LoaderError:
      continue
    once = text.SerializeCluster(cdata)
    assert text.SerializeCluster(text.ParseData(once)) == once


def test_bad_input_errors():
  bad = os.path.join(htools_cases.DATA_DIR, "invalid-node.data")
  got = RunHbal(["-t", bad])
  assert got["rc"] == 1
  assert "Unknown node 'no-such-node' for instance new-0" in got["err"]
  assert RunHbal(["-t", "/nonexistent/file"])["rc"] == 1
  got = RunHbal(["--no-such-option"])
  assert got["rc"] == 2 and got["err"].startswith(
    "Command line error: unrecognized option `--no-such-option'\n\n"
    "hbal (ganeti) version ")
  assert RunHbal(["-t", bad, "extra"])["rc"] == 1


needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM_HBAL),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


@needs_upstream
@pytest.mark.parametrize("nodes,instances,seed,args", [
  (8, 40, 1, ["-C"]),
  (12, 80, 2, ["-l", "20"]),
  (6, 30, 3, ["--no-instance-moves"]),
  (10, 50, 4, ["-S", "SAVE"]),
])
def test_differential_against_upstream(tmp_path, nodes, instances, seed,
                                       args):
  data = tmp_path / "cluster.data"
  data.write_text(gencluster.GenerateCluster(nodes, instances, seed=seed))
  up_args = [a.replace("SAVE", str(tmp_path / "up")) for a in args]
  our_args = [a.replace("SAVE", str(tmp_path / "ours")) for a in args]
  up = subprocess.run([UPSTREAM_HBAL, "-t", str(data)] + up_args,
                      capture_output=True, text=True)
  ours = RunHbal(["-t", str(data)] + our_args)
  assert ours["rc"] == up.returncode
  assert ours["out"] == up.stdout
  assert ours["err"].replace("ours", "up") == up.stderr
  if "-S" in args:
    for suffix in ("original", "balanced"):
      assert (tmp_path / ("ours." + suffix)).read_text() == \
        (tmp_path / ("up." + suffix)).read_text()


def test_upstream_binary_path_documented():
  # the oracle lives where Debian puts it; tools/htools-golden uses it too
  assert htools_cases.UPSTREAM_BIN == "/usr/lib/ganeti/3.0/usr/bin"
  assert shutil.which("python3")


def test_fast_scores_equal_exact_scores():
  """Every candidate's fast score is its exact score (within the window).

  Checked after each step of a balancing run, so that stale or wrongly
  shared own/target parts of the incremental search cannot hide.
  """
  import numpy
  from ganeti.htools import moves as M
  from ganeti.htools import scoring
  from ganeti.htools import search
  cdata = text.ParseData(gencluster.GenerateCluster(7, 42, seed=11))
  loader.MergeData(cdata)
  loader.CheckData(cdata.nodes, cdata.instances)
  opts = balance.Options()
  table = balance.InitialTable(cdata.nodes, cdata.instances)
  srch = search.Search(opts, table)
  changed = frozenset()
  checked = 0
  for _ in range(6):
    srch._SetTable(table, changed)
    slots = numpy.nonzero(srch.c_valid & ~srch.c_exact)[0]
    fast = srch._FastScores(srch.c_d1, srch.c_dsq, slots)
    scorer = scoring.Scorer(table.nodes)
    for slot in slots.tolist():
      inst = table.instances[srch.slot_inst[slot]]
      target = srch.slot_target[slot]
      move = M.Move(srch.kinds[slot], None if target < 0 else target)
      (nodes, _, _, _) = M.ApplyMove(table.nodes, inst, move)
      assert abs(scorer.ExactScore(nodes) - fast[slot]) < 1e-9, \
        (inst.name, move)
      checked += 1
    new = balance._FastStep(opts, table, srch, frozenset())
    if new is None:
      break
    (table, changed) = (new, new.changed)
    srch.table = None  # _FastStep already refreshed; start over cleanly
    srch = search.Search(opts, table)
    changed = frozenset()
  assert checked > 1000


def test_failover_from_offline_primary_forces_the_secondary(tmp_path):
  """Failing over from an offline primary adds the old primary as the new
  secondary even where it would break a soft limit (upstream 3.0.2's
  Failover move): here both instances leave offline node-03."""
  import htools_mixcluster
  path = tmp_path / "mix61.data"
  path.write_text(htools_mixcluster.MixedCluster(61))
  args = ["-t", str(path), "-G", "group-1", "-O", "node-01", "-O",
          "node-03", "-C"]
  got = RunHbal(args)
  assert got["rc"] == 0
  assert "1. inst-012 node-03:node-04 => node-04:node-03" in got["out"]
  assert "2. inst-016 node-03:node-04 => node-04:node-03" in got["out"]
  assert "Solution length=2\n" in got["out"]
  if os.path.exists(UPSTREAM_HBAL):
    up = subprocess.run([UPSTREAM_HBAL] + args, capture_output=True,
                        text=True)
    assert got == {"out": up.stdout, "err": up.stderr, "rc": up.returncode}


@pytest.mark.parametrize("program", ["hbal", "hinfo"])
def test_wrong_offline_names(program):
  path = os.path.join(htools_cases.DATA_DIR, "n1-failure.data")
  args = ["-t", path, "-v", "-v", "-v", "-O", "nosuch", "-O", "other"]
  got = RunProgram(program, args)
  assert got["rc"] == 1
  assert got["err"].endswith(
    "Error: wrong node name(s) set as offline: other,nosuch\n\n")
  assert "Loaded cluster tags: " in got["out"]
  binary = os.path.join(htools_cases.UPSTREAM_BIN, program)
  if os.path.exists(binary):
    up = subprocess.run([binary] + args, capture_output=True, text=True)
    assert got == {"out": up.stdout, "err": up.stderr, "rc": up.returncode}


def test_save_with_group_holds_only_that_group(tmp_path):
  import htools_mixcluster
  path = tmp_path / "mix61.data"
  path.write_text(htools_mixcluster.MixedCluster(61))
  got = RunHbal(["-t", str(path), "-G", "group-1", "-S",
                 str(tmp_path / "ours")])
  assert got["rc"] == 0
  orig = text.LoadFile(str(tmp_path / "ours.original"))
  bal = text.LoadFile(str(tmp_path / "ours.balanced"))
  assert len(orig.nodes) == 5
  assert [n.name for n in bal.nodes] == ["node-03", "node-04"]
  assert all(i.pnode in (0, 1) for i in bal.instances)
  if os.path.exists(UPSTREAM_HBAL):
    subprocess.run([UPSTREAM_HBAL, "-t", str(path), "-G", "group-1", "-S",
                    str(tmp_path / "up")], capture_output=True, check=True)
    for suffix in ("original", "balanced"):
      assert (tmp_path / ("ours." + suffix)).read_text() == \
        (tmp_path / ("up." + suffix)).read_text()


def test_closed_stdout_ends_quietly():
  """A reader that goes away (``hbal ... | head``) ends the program with
  exit code 1 and no traceback."""
  script = os.path.join(htools_cases.TOP, "scripts", "hbal")
  path = os.path.join(htools_cases.DATA_DIR, "hbal-evac.data")
  proc = subprocess.Popen([script, "-t", path, "-C"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
  proc.stdout.close()  # before the program (still importing) writes
  err = proc.stderr.read().decode()
  assert proc.wait(timeout=60) == 1
  assert "Traceback" not in err


#: the programs whose --help still lists fewer options than upstream's
_HELP_DIFFERS = set()


@pytest.mark.parametrize("program", ["hbal", "hspace", "hcheck", "hinfo",
                                     "hroller", "hscan", "hsqueeze",
                                     "harep"])
def test_help_as_upstream(program):
  from ganeti import constants
  from ganeti import pathutils
  got = RunProgram(program, ["--help"])
  assert got["rc"] == 0 and got["err"] == ""
  (first, rest) = got["out"].split("\n", 1)
  # the first line names the build, ours the project's version
  assert first == "%s %s" % (program, constants.VCS_VERSION)
  assert rest.startswith("Usage: %s [OPTION...]\n" % program)
  assert RunProgram(program, ["-V"])["out"].startswith(first + "\n")
  binary = os.path.join(htools_cases.UPSTREAM_BIN, program)
  if program in _HELP_DIFFERS or not os.path.exists(binary):
    return
  up = subprocess.run([binary, "--help"], capture_output=True, text=True)
  # -L's default socket is each implementation's own
  up_rest = up.stdout.split("\n", 1)[1].replace(
    "/var/run/ganeti/socket/ganeti-query", pathutils.Get().MASTER_SOCKET)
  assert rest == up_rest
  up = subprocess.run([binary, "--help-completion"], capture_output=True,
                      text=True)
  assert RunProgram(program, ["--help-completion"])["out"] == up.stdout


@pytest.mark.parametrize("value,digits,text", [
  # the shortest digits 0.623546875 are a tie: up to the even digit (C's
  # printf rounds the binary value, just below it, down)
  (0.623546875, 8, "0.62354688"),
  (0.125, 2, "0.12"),             # a tie, the even digit stays
  (0.135, 2, "0.14"),             # digits 0.135: up to the even digit
  (3631.07836028, 8, "3631.07836028"),
  (1e-12, 8, "0.00000000"),
  (-0.0, 8, "-0.00000000"),
  (float("nan"), 8, "NaN"),
  (float("inf"), 8, "Infinity"),
  (float("-inf"), 2, "-Infinity"),
])
def test_haskell_fixed_format(value, digits, text):
  from ganeti.htools import metrics
  assert metrics.HsFixed(value, digits) == text


def test_percentages_round_as_upstream(tmp_path):
  # 100 MiB of 80000 used: 0.125 %, printed as upstream's " 0.12%"
  path = tmp_path / "tie.data"
  policy = ("128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|"
            "plain|4.0|32.0")
  path.write_text(
    "group-01|uuid-1|preferred||\n\n"
    "nodeA|80000|0|79900|1000|900|4|N|uuid-1|1\n\n"
    "instA1|100|100|1|running|Y|nodeA||plain||1\n\n"
    "|%s\ngroup-01|%s\n" % (policy, policy))
  args = ["-t", str(path), "--disk-template", "plain"]
  got = RunProgram("hspace", args)
  assert "  - memory usage efficiency:  0.12%\n" in got["out"]
  binary = os.path.join(htools_cases.UPSTREAM_BIN, "hspace")
  if os.path.exists(binary):
    up = subprocess.run([binary] + args, capture_output=True, text=True)
    assert got == {"out": up.stdout, "err": up.stderr, "rc": up.returncode}


@pytest.mark.parametrize("program,args", [
  ("hbal", ["-l", "abc"]), ("hbal", ["--max-cpu=abc"]),
  ("hbal", ["--max-cpu=0"]), ("hbal", ["-e", "x"]), ("hbal", ["-g", "1,5"]),
  ("hbal", ["--min-gain-limit=-"]), ("hbal", ["--min-disk=.5"]),
  ("hbal", ["--priority=abc"]), ("hbal", ["-l", "0x10"]),
  ("hbal", ["-l", " 7 "]), ("hbal", ["--max-cpu=Infinity"]),
  ("hbal", ["--max-cpu=inf"]), ("hbal", ["-l", "abc", "--bogus"]),
  ("hbal", ["-l"]), ("hbal", ["--print-instances=x"]),
  ("hbal", ["--static-kvm-node-memory=1.5"]),
  ("hspace", ["--spindle-use=1.5"]), ("hspace", ["--disk-template=foo"]),
  ("hspace", ["--standard-alloc=abc"]), ("hspace", ["--tiered-alloc=1,2"]),
  ("hspace", ["--machine-readable=maybe"]),
  ("hsqueeze", ["--minimal-resources=abc"]),
  ("hsqueeze", ["--target-resources=x"]), ("hcheck", ["--bogus"]),
  ("hroller", ["-Z"]), ("hinfo", ["--mond=maybe"]),
])
def test_option_errors_as_upstream(program, args):
  # values that do not parse: "Error while parsing command line
  # arguments:" and exit 1; unknown options and missing arguments:
  # "Command line error:" with the usage and exit 2, which wins
  from ganeti import pathutils
  args = args + ["-t", "/nonexistent/file"]
  got = RunProgram(program, args)
  assert got["rc"] in (1, 2)
  binary = os.path.join(htools_cases.UPSTREAM_BIN, program)
  if not os.path.exists(binary):
    return
  up = subprocess.run([binary] + args, capture_output=True, text=True)
  # the usage's version line and -L socket are each implementation's own
  want = up.stderr.replace(
    "%s (ganeti) version 3.0.2-3" % program,
    "%s (ganeti) version 3.0.2-pyganeti" % program).replace(
    "/var/run/ganeti/socket/ganeti-query", pathutils.Get().MASTER_SOCKET)
  assert (got["out"], got["err"], got["rc"]) == (up.stdout, want,
                                                 up.returncode)
