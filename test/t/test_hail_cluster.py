"""pyganeti's hail as the cluster's default allocator, on a live cluster.

One 4-node virtual cluster (two node groups of two nodes) for the whole
module; no ``hail`` program is installed, so the master answers "hail"
with ganeti.htools.hail.  Sharedfile instances (externally mirrored, the
kind hail moves on this machine, which has no DRBD): creation with -I
hail and with the default allocator, migration without a target node
(a relocate request), node evacuation and change-group.  The master's
own input message (gnt-debug iallocator) is also answered by upstream's
hail where it is installed, and the answers must be equal.
"""

import json
import os
import re
import subprocess

import pytest

import vcluster

pytestmark = [pytest.mark.cluster]

UPSTREAM_HAIL = "/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail"
_ADD = ("gnt-instance add %s -t sharedfile -s 1G -B memory=256M -o noop"
        " --no-name-check --no-ip-check %s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
  if vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  vc = vcluster.VirtualCluster(str(tmp_path_factory.mktemp("hail-vc") /
                                   "vc"), nodes=4)
  vc.Start()
  try:
    vc.Check("gnt-cluster modify --enabled-disk-templates"
             " sharedfile,file,diskless --ipolicy-disk-templates"
             " sharedfile,file,diskless")
    vc.Check("gnt-group add g2")
    vc.Check("gnt-group assign-nodes g2 node3 node4")
    yield vc
  finally:
    vc.Stop()


def _Placement(vc):
  out = vc.Check("gnt-instance list --no-headers -o name,pnode,pnode.group")
  return dict((f[0], (f[1], f[2])) for f in
              (line.split() for line in out.splitlines()))


def _Selected(result, name):
  match = re.search(r"Selected nodes for instance %s via iallocator"
                    r" (\S+): (\S+)" % name, result.stdout)
  assert match, result
  return match.groups()


def test_add_with_hail_and_default(cluster):
  res = cluster.Run(_ADD % ("-I hail", "s1"))
  assert res.exit_code == 0, res
  assert "No iallocator" not in res.stdout
  (alloc, node) = _Selected(res, "s1")
  assert alloc == "hail" and node in ("node1", "node2", "node3", "node4")
  res = cluster.Run(_ADD % ("", "s2"))
  assert res.exit_code == 0, res
  (alloc, node2) = _Selected(res, "s2")
  assert alloc == "hail"
  res = cluster.Run(_ADD % ("-I hail", "s3"))
  assert res.exit_code == 0, res
  placed = _Placement(cluster)
  assert set(placed) == {"s1", "s2", "s3"}


def test_migrate_relocates_within_the_group(cluster):
  (before, group) = _Placement(cluster)["s1"]
  res = cluster.Run("gnt-instance migrate -f s1")
  assert res.exit_code == 0, res
  (alloc, node) = _Selected(res, "s1")
  assert alloc == "hail" and node != before
  assert _Placement(cluster)["s1"] == (node, group)


def test_node_evacuate(cluster):
  (node, group) = _Placement(cluster)["s2"]
  res = cluster.Run("gnt-node evacuate -f -p -I hail %s" % node)
  assert res.exit_code == 0, res
  assert "All instances evacuated successfully." in res.stdout
  after = _Placement(cluster)
  assert all(pnode != node for (pnode, _) in after.values())
  assert after["s2"][1] == group


def test_change_group(cluster):
  (_, group) = _Placement(cluster)["s3"]
  target = "g2" if group == "default" else "default"
  res = cluster.Run("gnt-instance change-group --to %s s3" % target)
  assert res.exit_code == 0, res
  assert "changed group successfully" in res.stdout
  assert _Placement(cluster)["s3"][1] == target


def test_failed_allocation_reports_hails_reasons(cluster):
  res = cluster.Run("gnt-instance add -I hail -t sharedfile -s 1G"
                    " -B memory=64G --ignore-ipolicy -o noop --no-name-check"
                    " --no-ip-check big")
  assert res.exit_code == 1, res
  assert "Can't compute nodes using iallocator 'hail': Request failed:" \
    in res.stderr
  assert "FailMem" in res.stderr
  assert "big" not in _Placement(cluster)


@pytest.mark.skipif(not os.path.exists(UPSTREAM_HAIL),
                    reason="upstream hail not installed")
def test_masters_input_answered_like_upstream(cluster, tmp_path):
  res = cluster.Run("gnt-debug iallocator --dir in -m allocate -t sharedfile"
                    " --disks 1024 --memory 512 -o noop probe1")
  assert res.exit_code == 0, res
  text = res.stdout[res.stdout.index("{"):]
  json.loads(text)
  path = tmp_path / "in.json"
  path.write_text(text)
  from ganeti.htools import hail
  (code, out, err) = hail.Answer(text)
  up = subprocess.run([UPSTREAM_HAIL, str(path)], capture_output=True,
                      text=True)
  assert (code, out, err) == (up.returncode, up.stdout, up.stderr)
  assert json.loads(out)["success"] is True
