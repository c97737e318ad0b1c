"""Every instance query field and gnt-instance info on a real cluster.

``gnt-instance list-fields`` must print exactly Ganeti 3.0.2's golden
output; ``gnt-instance list`` must answer every field for diskless and
file instances, running or not; ``gnt-instance info`` must show the
sections of the golden outputs (values that depend on the cluster, such
as UUIDs, times, MAC addresses and names, normalised).
"""

import os
import re

import pytest

import vcluster

pytestmark = [pytest.mark.transcript, pytest.mark.cluster]

_GOLDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data", "golden")

_ADD = "gnt-instance add --no-name-check --no-ip-check -o noop "


def _Golden(name):
  """The output lines of a golden file (without its command and exit)."""
  with open(os.path.join(_GOLDEN, name)) as fh:
    lines = fh.read().split("\n")
  assert lines[0].startswith("$ ") and lines[1] == "# exit=0"
  return lines[2:]


def _Normalise(text, names):
  text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                r"[0-9a-f]{12}", "UUID", text)
  text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME", text)
  text = re.sub(r"aa:00:00(:[0-9a-f]{2}){3}", "MAC", text)
  text = re.sub(r"link: \S+", "link: LINK", text)
  text = re.sub(r"Serial number: \d+", "Serial number: N", text)
  text = re.sub(r"on primary: \S*/srv/", "on primary: /srv/", text)
  for (real, generic) in names:
    text = text.replace(real, generic)
  return text


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
  if vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  vc = vcluster.VirtualCluster(str(tmp_path_factory.mktemp("vc") / "vc"),
                               nodes=3)
  vc.Start()
  try:
    vc.Check(_ADD + "-n node1 -t diskless inst1")
    vc.Check(_ADD + "-n node2 -t file -s 1G inst2")
    vc.Check(_ADD + "-n node1 -t diskless --no-start inst3")
    yield vc
  finally:
    vc.Stop()


def testListFieldsGolden(cluster):
  result = cluster.Run("gnt-instance list-fields")
  assert result.exit_code == 0 and result.stderr == ""
  assert result.stdout == "\n".join(_Golden("41-instance-list-fields.out"))


def testEveryField(cluster):
  fields = [line.split()[0] for line in
            _Golden("41-instance-list-fields.out")[1:] if line]
  result = cluster.Run("gnt-instance list --no-headers --separator='|'"
                       " -o %s" % ",".join(fields))
  assert result.exit_code == 0, result
  assert result.stderr == ""
  rows = dict((row.split("|")[fields.index("name")], row.split("|"))
              for row in result.stdout.splitlines())
  assert sorted(rows) == ["inst1", "inst2", "inst3"]

  def value(inst, field):
    row = rows[inst]
    assert len(row) == len(fields)
    return row[fields.index(field)]
  assert value("inst1", "status") == "running"
  assert value("inst3", "status") == "ADMIN_down"
  assert value("inst1", "console") == (
    "{'instance': 'inst1', 'kind': 'msg', 'message': 'Console not"
    " available for fake hypervisor'}")
  assert value("inst3", "console") == "-"
  assert value("inst2", "disk_template") == "file"
  assert value("inst2", "disk.count") == "1"
  assert value("inst2", "disk.size/0") == "1024"
  assert value("inst2", "sda_size") == "1024"
  assert value("inst2", "sdb_size") == "-"
  assert value("inst2", "disk_usage") == "1024"
  assert value("inst1", "disk_usage") == "0"
  # lists of the "gnt-instance list" override: items joined by ","
  assert value("inst1", "disk.sizes") == ""
  assert value("inst1", "disk.spindles") == "[]"
  assert value("inst2", "pnode") == "node2"
  assert value("inst1", "oper_ram") == "128"
  assert value("inst3", "oper_ram") == "-"
  assert value("inst1", "oper_state") == "Y"
  assert value("inst3", "oper_state") == "N"
  assert value("inst1", "be/maxmem") == "128"
  assert value("inst1", "nic.count") == "1"
  assert value("inst1", "nic.mode/0") == "bridged"
  assert value("inst1", "nic.mode/1") == "-"
  assert re.match(r"^aa:00:00(:[0-9a-f]{2}){3}$", value("inst1", "mac"))
  assert value("inst1", "pnode.group") == "default"


def testStatusField(cluster):
  result = cluster.Run("gnt-instance list -o name,status,oper_state,"
                       "admin_state")
  assert result.stdout.splitlines() == [
    "Instance Status     Running InstanceState",
    "inst1    running    Y       up",
    "inst2    running    Y       up",
    "inst3    ADMIN_down N       down"]


@pytest.mark.parametrize("inst,golden,names", [
  ("inst1", "32-instance-info.out",
   [("inst1.example.test", "inst1"), ("node1.example.test", "node1")]),
  ("inst2", "33-instance-info-file.out",
   [("inst2.example.test", "inst2"), ("node1.example.test", "node2")]),
])
def testInfoGolden(cluster, inst, golden, names):
  result = cluster.Run("gnt-instance info %s" % inst)
  assert result.exit_code == 0 and result.stderr == ""
  assert _Normalise(result.stdout, []) == \
    _Normalise("\n".join(_Golden(golden)), names)
