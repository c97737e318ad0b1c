"""The htools on a live virtual cluster over RAPI (-m, hscan) and LUXI.

Uses the session's RAPI cluster (conftest.py); the module adds two
instances of its own (one running, one stopped) and removes them at the
end.  hscan over RAPI must save the cluster as it is; the four RAPI
documents of the cluster, read once, must give the same output and files
in pyganeti's and upstream's hscan and hbal (where the binaries are
installed: our ganeti-rapi's answers parsed by upstream's parser); the
file hscan -L writes must plan the same in hsqueeze as -L itself.
"""

import os
import subprocess

import pytest

from ganeti.htools import rapi_backend
from ganeti.htools import text

pytestmark = [pytest.mark.cluster]

UPSTREAM = "/usr/lib/ganeti/3.0/usr/bin"
_INSTANCES = ("hscan-i1", "hscan-i2")

needs_upstream = pytest.mark.skipif(
  not os.path.exists(os.path.join(UPSTREAM, "hscan")),
  reason="upstream htools (Debian ganeti-htools-3.0) not installed")


def _RapiHost(vc):
  with open(os.path.join(vc.basedir, "env")) as handle:
    for line in handle:
      if line.startswith("export RAPI_HOST="):
        return line.strip().partition("=")[2]
  raise AssertionError("no RAPI_HOST in the cluster's env")


@pytest.fixture(scope="module")
def cluster(rapi_vcluster):
  c = rapi_vcluster
  c.Check("gnt-instance add -n node1 -t file -s 1G -B memory=256M -o noop"
          " --no-name-check --no-ip-check --ignore-ipolicy %s" %
          _INSTANCES[0])
  c.Check("gnt-instance add -n node2 -t file -s 1G -B memory=128M -o noop"
          " --no-name-check --no-ip-check --ignore-ipolicy --no-start %s" %
          _INSTANCES[1])
  try:
    yield c
  finally:
    for name in _INSTANCES:
      c.Run("gnt-instance remove -f %s" % name)


def test_hscan_over_rapi(cluster, tmp_path):
  host = _RapiHost(cluster)
  res = cluster.Run("hscan -d %s %s" % (tmp_path, host))
  assert res.exit_code == 0, res
  (header, line) = res.stdout.splitlines()
  assert header.split() == ["Name", "Nodes", "Inst", "BNode", "BInst",
                            "t_mem", "f_mem", "t_disk", "f_disk", "Score"]
  assert line.split()[0] == host
  data = (tmp_path / (host + ".data")).read_text()
  cdata = text.ParseData(data)
  names = cluster.Check("gnt-node list --no-headers -o name").split()
  assert [n.name for n in cdata.nodes] == names
  assert [n.name for n in cdata.nodes if n.is_master] == ["node1"]
  insts = dict((i.name, i) for i in cdata.instances)
  assert line.split()[1:3] == [str(len(names)), str(len(insts))]
  assert (insts["hscan-i1"].mem, insts["hscan-i1"].run_st) == \
    (256, "running")
  assert (insts["hscan-i2"].mem, insts["hscan-i2"].run_st,
          insts["hscan-i2"].disk_template) == (128, "ADMIN_down", "file")
  hbal = cluster.Run("hbal -m %s" % host)
  assert hbal.exit_code == 0, hbal
  assert "Loaded %d nodes, %d instances" % (len(names), len(insts)) in \
    hbal.stdout


@needs_upstream
def test_our_rapi_answers_in_upstream_tools(cluster, tmp_path):
  host = _RapiHost(cluster)
  docs = tmp_path / "docs"
  docs.mkdir()
  base = rapi_backend.FormatHost(host)
  for (name, resource) in rapi_backend.RESOURCES:
    (docs / (name + ".json")).write_text(rapi_backend.GetUrl(base +
                                                             resource))
  url = "file://%s" % docs
  outputs = []
  for (which, hscan) in (("ours", "hscan"),
                         ("up", os.path.join(UPSTREAM, "hscan"))):
    outdir = tmp_path / which
    outdir.mkdir()
    res = cluster.Run("%s -p -d %s %s" % (hscan, outdir, url))
    assert res.exit_code == 0, res
    data = (outdir / (url.replace("/", "_") + ".data")).read_text()
    hbal = cluster.Run("%s -m %s -C -v -v" % (
      "hbal" if which == "ours" else os.path.join(UPSTREAM, "hbal"), url))
    outputs.append((res.stdout, res.stderr, data, hbal.stdout, hbal.stderr,
                    hbal.exit_code))
  assert outputs[0] == outputs[1]
  # upstream's hbal speaks to our ganeti-rapi itself (HTTPS, port 5080)
  live = subprocess.run([os.path.join(UPSTREAM, "hbal"), "-m", host],
                        capture_output=True, text=True, timeout=120)
  assert live.returncode == 0, live.stderr
  assert "Loaded " in live.stdout


def test_hscan_luxi_and_hsqueeze(cluster, tmp_path):
  res = cluster.Run("hscan --no-headers -d %s -L" % tmp_path)
  assert res.exit_code == 0, res
  assert res.stdout.split()[0] == "LOCAL"
  saved = tmp_path / "LOCAL.data"
  cdata = text.ParseData(saved.read_text())
  assert set(_INSTANCES) <= set(i.name for i in cdata.instances)
  live = cluster.Run("hsqueeze -L -v -v -C")
  assert live.exit_code == 0, live
  assert live.stdout.startswith("Offline candidates: ")
  from_file = cluster.Run("hsqueeze -t %s -v -v -C" % saved)
  assert from_file.exit_code == 0, from_file
  assert from_file.stdout == live.stdout
