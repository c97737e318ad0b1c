"""The simulation backend (``--simulate=SPEC``) of hspace and hail.

A table of specs (one and several groups, units, Haskell number syntax,
bad specs) is run through pyganeti's programs and, where Debian's
ganeti-htools-3.0 is installed, through upstream's binaries: stdout,
stderr and exit code must be the same bytes.  The unit tests below check
the built cluster and the parse errors without the binaries.
"""

import contextlib
import io
import os
import subprocess

import pytest

import htools_cases
from ganeti.htools import cli
from ganeti.htools import hail
from ganeti.htools import hspace
from ganeti.htools import loader
from ganeti.htools import simu_backend
from ganeti.htools import types as T

UPSTREAM_HSPACE = os.path.join(htools_cases.UPSTREAM_BIN, "hspace")
UPSTREAM_HAIL = os.path.join(os.path.dirname(htools_cases.UPSTREAM_BIN),
                             "lib", "ganeti", "iallocators", "hail")
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "data", "htools")

# (id, hspace arguments); every spec list is compared with upstream
HSPACE_CASES = [
  ("one-group", ["--simulate=p,3,100g,16g,4"]),
  ("spindles-excl", ["--simulate=p,3,100g,16g,4,2,True"]),
  ("decimal-units", ["--simulate=preferred,3,1TB,30GB,8", "-p"]),
  ("unit-spellings", ["--simulate=p,2,1 gib,2GiB,2", "--machine-readable"]),
  ("haskell-ints", ["--simulate=p,(3),0x40000, 0o40000,2"]),
  ("two-groups", ["--simulate=p,2,1t,32g,8", "--simulate=u,3,1t,64g,8",
                  "-p"]),
  ("three-groups-mr", ["--simulate=p,2,500g,8g,4",
                       "--simulate=p,2,1t,16g,8",
                       "--simulate=last_resort,1,1t,16g,8",
                       "--machine-readable"]),
  ("no-nodes", ["--simulate=p,0,1g,1g,1"]),
  ("negative", ["--simulate=p,3,-5,1,-1"]),
  ("offline", ["--simulate=p,3,1t,32g,8", "-O", "node-01-002", "-p"]),
  ("offline-unknown", ["--simulate=p,3,1t,32g,8", "-O", "nodex"]),
  ("sim-beats-text", ["--simulate=p,3,1,1,1", "-t",
                      os.path.join(FIXTURES, "common-suffix.data")]),
  ("empty", ["--simulate="]),
  ("short", ["--simulate=p,3"]),
  ("long", ["--simulate=p,3,1,1,1,1,1,1"]),
  ("bad-policy", ["--simulate=P,3,1,1,1"]),
  ("bad-count", ["--simulate=p,a,1,1,1"]),
  ("leftover", ["--simulate=p,3 ,1,1,1"]),
  ("fraction", ["--simulate=p,3,1.5g,1,1"]),
  ("bad-unit", ["--simulate=p,3,1q,1,1"]),
  ("unit-blank", ["--simulate=p,3,1g ,1,1"]),
  ("bad-mem", ["--simulate=p,3,1,,1"]),
  ("bad-cpu", ["--simulate=p,3,1,1,1e3"]),
  ("bad-spindles", ["--simulate=p,3,1,1,1,x"]),
  ("bad-excl", ["--simulate=p,3,1,1,1,1,true"]),
  ("last-checked-first", ["--simulate=x,2,1,1,1", "--simulate=p,3,1q,1,1"]),
]

needs_upstream = pytest.mark.skipif(
  not os.path.exists(UPSTREAM_HSPACE),
  reason="upstream's hspace (ganeti-htools-3.0) is not installed")


def _Ours(main, args):
  out = io.StringIO()
  err = io.StringIO()
  with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(args)
  return (out.getvalue(), err.getvalue(), code)


def _Upstream(binary, args):
  res = subprocess.run([binary] + args, capture_output=True, text=True,
                       timeout=60, check=False)
  return (res.stdout, res.stderr, res.returncode)


@needs_upstream
@pytest.mark.parametrize("args", [c[1] for c in HSPACE_CASES],
                         ids=[c[0] for c in HSPACE_CASES])
def test_hspace_matches_upstream(args):
  assert _Ours(hspace.Main, args) == _Upstream(UPSTREAM_HSPACE, args)


HAIL_CASES = [
  ("one-group", ["--simulate=p,3,100g,16g,4"]),
  ("two-groups", ["--simulate=p,2,1t,32g,8", "--simulate=u,3,1t,64g,8"]),
  ("bad-spec", ["--simulate=x,3"]),
]


@pytest.mark.skipif(not os.path.exists(UPSTREAM_HAIL),
                    reason="upstream's hail is not installed")
@pytest.mark.parametrize("args", [c[1] for c in HAIL_CASES],
                         ids=[c[0] for c in HAIL_CASES])
def test_hail_matches_upstream(args):
  args = args + [os.path.join(FIXTURES, "hail-alloc-drbd.json")]
  assert _Ours(hail.Main, args) == _Upstream(UPSTREAM_HAIL, args)


@pytest.mark.parametrize("request_name,key", [
  ("hail-reloc-drbd", 0), ("hail-node-evac", 4), ("hail-change-group", 0)])
def test_hail_request_instances_missing_from_simulated_cluster(request_name,
                                                              key):
  """The simulated cluster has no instances: upstream's hail dies of its
  map lookup (exit 1); ours says the same, without a traceback."""
  args = ["--simulate=p,3,1t,64g,8",
          os.path.join(FIXTURES, request_name + ".json")]
  (out, err, code) = _Ours(hail.Main, args)
  assert code == 1 and out == ""
  assert err.endswith("hail: IntMap.!: key %d is not an element of the"
                      " map\n" % key)
  if os.path.exists(UPSTREAM_HAIL):
    up = _Upstream(UPSTREAM_HAIL, args)
    assert up[2] == 1
    assert up[1].startswith(err)


# Without the binaries ------------------------------------------------------

def test_cluster_layout():
  cdata = simu_backend.LoadData(["p,2,100g,16G,4", "a,3,1t,8g,2,4,True"])
  assert [(g.name, g.uuid, g.alloc_policy, g.idx) for g in cdata.groups] == [
    ("group-01", "fake-uuid-01", T.ALLOC_LAST_RESORT, 0),
    ("group-02", "fake-uuid-02", T.ALLOC_PREFERRED, 1)]
  assert [n.name for n in cdata.nodes] == [
    "node-01-001", "node-01-002", "node-01-003", "node-02-001",
    "node-02-002"]
  assert [n.idx for n in cdata.nodes] == [0, 1, 2, 3, 4]
  assert [n.group for n in cdata.nodes] == [0, 0, 0, 1, 1]
  assert [n.is_master for n in cdata.nodes] == [True] + [False] * 4
  first = cdata.nodes[0]
  assert (first.t_mem, first.n_mem, first.f_mem) == (8192, 0, 8192)
  assert (first.t_dsk, first.f_dsk) == (1024 * 1024, 1024 * 1024)
  assert (first.t_cpu, first.n_cpu, first.t_spindles, first.f_spindles) == (
    2, 1, 4, 0)
  assert first.excl_storage and not first.offline
  last = cdata.nodes[-1]
  # 16G is decimal: 16 * 10^9 bytes, truncated to MiB
  assert (last.t_mem, last.t_dsk, last.t_cpu) == (15258, 102400, 4)
  assert (last.t_spindles, last.excl_storage) == (1, False)
  assert cdata.instances == [] and cdata.tags == []
  assert cdata.ipolicy.std == T.DefaultIPolicy().std


@pytest.mark.parametrize(("text", "mib"), [
  ("7", 7), ("2g", 2048), ("2 G", 1907), ("1t", 1048576), ("1TiB", 1048576),
  ("3MB", 2), ("(4)gb", 3814), ("-1g", -1024), ("-3M", -2), ("0x10", 16)])
def test_parse_unit(text, mib):
  assert simu_backend.ParseUnit(text) == mib


@pytest.mark.parametrize(("spec", "message"), [
  ("p,3", "Invalid cluster specification, expected 6 comma-separated"
   " sections (allocation policy, node count, disk size, memory size,"
   " number of CPUs, spindles) but got 2: 'p,3'"),
  ("", "but got 0: ''"),
  ("q,1,1,1,1", "Invalid string value for type AllocPolicy: \"q\"; Cannot"
   " parse AllocPolicy abbreviation 'q'"),
  ("p,3x,1,1,1", "node count: leftover characters when parsing '3x': 'x'"),
  ("p,1,1.5,1,1", "disk size: Can't parse string '1.5'"),
  ("p,1,1,2k,1", "memory size: Unknown unit 'k'"),
  ("p,1,1,1,-", "cpu count: cannot parse string '-'"),
  ("p,1,1,1,1,1,yes", "exclusive storage: cannot parse string 'yes'"),
])
def test_bad_specs(spec, message):
  with pytest.raises(loader.LoaderError) as err:
    simu_backend.LoadData([spec])
  assert message in str(err.value)


def _Opts(**kwargs):
  opts = cli.Options(hspace.OPTIONS)
  for (key, value) in kwargs.items():
    setattr(opts, key, value)
  return opts


def test_load_external_data_sources():
  text_file = os.path.join(FIXTURES, "common-suffix.data")
  (cdata, _) = cli.LoadExternalData(_Opts(node_sim=["p,4,1g,1g,1"],
                                          text_data=text_file))
  assert [n.name for n in cdata.nodes][-1] == "node-01-004"
  assert cdata.nodes[0].p_mem == 1.0  # MergeData ran
  with pytest.raises(cli.UsageError) as err:
    cli.LoadExternalData(_Opts(text_data=text_file, rapi="localhost"))
  assert str(err.value) == ("Only one of the rapi, luxi, and data files"
                            " options should be given.")


def test_hspace_runs_without_upstream():
  (out, err, code) = _Ours(hspace.Main, ["--simulate=p,2,10g,4g,2",
                                         "--machine-readable"])
  assert (err, code) == ("", 0)
  assert "HTS_INI_INST_CNT=0\n" in out
  assert "HTS_INI_MEM_FREE=8192\n" in out
  (out, err, code) = _Ours(hspace.Main, ["--simulate=p,2"])
  assert (out, code) == ("", 1)
  assert err.startswith("Error: failed to load data, aborting: Invalid"
                        " cluster specification")
