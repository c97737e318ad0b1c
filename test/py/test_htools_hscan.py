"""hscan: summary lines, the saved files, failures, LOCAL over LUXI.

The RAPI side reads upstream's test cluster from its directory
(``file://DIR``); the saved file must load back into the programs and
give what loading over RAPI gives (as upstream's shell tests check), and
hscan's output and files must be upstream's (checked against the binary
where it is installed).
"""

import contextlib
import io
import os
import subprocess

import pytest

import htools_cases
from ganeti.htools import hinfo
from ganeti.htools import hscan
from ganeti.htools import text

pytestmark = pytest.mark.unit

RAPI_URL = "file://" + os.path.join(htools_cases.DATA_DIR, "rapi")
UPSTREAM = os.path.join(htools_cases.UPSTREAM_BIN, "hscan")

needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")

#: upstream hscan's line for its test cluster (after the name column)
FIXTURE_LINE = "    4    11     0     0 131052 126115   5380   5369 13.83255238"


def _Run(main, args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(args)
  return {"out": out.getvalue(), "err": err.getvalue(), "rc": code}


def test_fix_slash():
  assert hscan.FixSlash("https://c:5080/x") == "https:__c:5080_x"
  assert hscan.FixSlash("cluster1") == "cluster1"


def test_scan_writes_the_file_and_line(tmp_path):
  got = _Run(hscan.Main, ["-d", str(tmp_path), RAPI_URL])
  nlen = len(RAPI_URL)
  assert got == {"rc": 0, "err": "", "out": (
    "%-*s Nodes  Inst BNode BInst  t_mem  f_mem t_disk f_disk      Score\n"
    "%s %s\n" % (nlen, "Name", RAPI_URL, FIXTURE_LINE))}
  saved = tmp_path / (hscan.FixSlash(RAPI_URL) + ".data")
  from ganeti.htools import rapi_backend
  assert saved.read_text() == \
    text.SerializeCluster(rapi_backend.LoadData(RAPI_URL))


def test_saved_file_loads_like_rapi(tmp_path):
  """hinfo on the saved file says what hinfo over RAPI says."""
  _Run(hscan.Main, ["--no-headers", "-d", str(tmp_path), RAPI_URL])
  saved = str(tmp_path / (hscan.FixSlash(RAPI_URL) + ".data"))
  args = ["-v", "-v", "-p", "--print-instances"]
  assert _Run(hinfo.Main, ["-t", saved] + args) == \
    _Run(hinfo.Main, ["-m", RAPI_URL] + args)


def test_failures_and_print_nodes(tmp_path):
  bad = "file://%s/missing" % tmp_path
  got = _Run(hscan.Main, ["--no-headers", "-p", "-d", str(tmp_path), bad,
                          RAPI_URL])
  assert got["rc"] == hscan.EXIT_SCAN_FAILED
  lines = got["out"].split("\n")
  assert lines[:4] == [
    "", "Error for %s: failed to load data. Details:" % bad,
    "%s/missing/groups.json: openFile: does not exist (No such file or"
    " directory)" % tmp_path,
    "%-*s %s" % (len(bad), RAPI_URL, FIXTURE_LINE)]
  assert lines[4].startswith(" F Name  t_mem n_mem")
  assert lines[5].startswith("   node1 32763  1017")
  assert os.listdir(tmp_path) == [hscan.FixSlash(RAPI_URL) + ".data"]


def test_unwritable_directory(tmp_path):
  got = _Run(hscan.Main, ["--no-headers", "-d", str(tmp_path / "no"),
                          RAPI_URL])
  assert got["rc"] == 1
  assert got["err"] == ("hscan: %s/no/%s.data: openFile: does not exist (No"
                        " such file or directory)\n" %
                        (tmp_path, hscan.FixSlash(RAPI_URL)))


def test_local_cluster_over_luxi(tmp_path, monkeypatch):
  from ganeti.htools import luxi_backend
  from ganeti.htools import rapi_backend
  seen = []

  def _Load(socket_path=None):
    seen.append(socket_path)
    return rapi_backend.LoadData(RAPI_URL)
  monkeypatch.setattr(luxi_backend, "LoadData", _Load)
  got = _Run(hscan.Main, ["-d", str(tmp_path), "-L/some/socket"])
  assert got["out"] == ("Name  Nodes  Inst BNode BInst  t_mem  f_mem t_disk"
                        " f_disk      Score\nLOCAL %s\n" % FIXTURE_LINE)
  assert got["rc"] == 0 and seen == ["/some/socket"]
  assert (tmp_path / "LOCAL.data").exists()

  def _Fail(socket_path=None):
    from ganeti.htools import loader
    raise loader.LoaderError("Cannot query the cluster over LUXI: down")
  monkeypatch.setattr(luxi_backend, "LoadData", _Fail)
  got = _Run(hscan.Main, ["--no-headers", "-d", str(tmp_path)])
  assert got == {"rc": 2, "err": "", "out": (
    "\nError for LOCAL: failed to load data. Details:\nCannot query the"
    " cluster over LUXI: down\n")}


def test_local_cluster_without_master(tmp_path):
  got = _Run(hscan.Main, ["--no-headers", "-d", str(tmp_path),
                          "-L%s/nosocket" % tmp_path])
  assert got["rc"] == 1 and got["out"] == ""
  assert got["err"].startswith("hscan: Cannot query the cluster over LUXI")
  assert os.listdir(tmp_path) == []


@needs_upstream
@pytest.mark.parametrize("args,with_bad", [
  (["-p"], False), (["--no-headers", "-p+tags,name"], False), ([], True),
])
def test_matches_upstream(tmp_path, args, with_bad):
  ours = tmp_path / "ours"
  theirs = tmp_path / "theirs"
  ours.mkdir()
  theirs.mkdir()
  clusters = [RAPI_URL]
  if with_bad:
    clusters.insert(0, "file://%s/missing" % tmp_path)
  got = _Run(hscan.Main, ["-d", str(ours)] + args + clusters)
  up = subprocess.run([UPSTREAM, "-d", str(theirs)] + args + clusters,
                      capture_output=True, text=True)
  assert got == {"out": up.stdout, "err": up.stderr, "rc": up.returncode}
  assert sorted(os.listdir(ours)) == sorted(os.listdir(theirs))
  for name in os.listdir(ours):
    assert (ours / name).read_text() == (theirs / name).read_text()
