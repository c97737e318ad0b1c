"""hbal on a live virtual cluster: the LUXI backend (-L) and -X.

Three sharedfile instances crowd node1; ``hbal -L -X`` must read the
cluster over LUXI, find failover-to-any moves and execute them as
migration jobs, after which the instances are spread and a second run
finds nothing to do.
"""

import re

import pytest

pytestmark = pytest.mark.cluster


def _Primaries(cluster):
  out = cluster.Check("gnt-instance list --no-headers -o name,pnode")
  return dict(line.split() for line in out.splitlines())


def test_hbal_luxi_and_exec(fresh_cluster):
  c = fresh_cluster
  c.Check("gnt-cluster modify --enabled-disk-templates"
          " file,sharedfile,diskless")
  for name in ("s1", "s2", "s3"):
    c.Check("gnt-instance add -n node1 -t sharedfile -s 1G -B memory=512M"
            " -o noop --no-name-check --no-ip-check --ignore-ipolicy %s" %
            name)
  assert set(_Primaries(c).values()) == {"node1"}
  plan = c.Run("hbal -L -C")
  assert plan.exit_code == 0, plan
  assert "Loaded 3 nodes, 3 instances" in plan.stdout
  moves = re.findall(r"a=fa:(node\d)", plan.stdout)
  assert moves, plan.stdout
  assert "gnt-instance migrate -f -n" in plan.stdout
  done = c.Run("hbal -L -X")
  assert done.exit_code == 0, done
  assert "Executing jobset for instances" in done.stdout
  assert "Got job IDs" in done.stdout
  after = _Primaries(c)
  assert len(set(after.values())) > 1, after
  again = c.Run("hbal -L")
  assert again.exit_code == 0, again
  score = re.search(r"Initial score: ([\d.]+)", again.stdout).group(1)
  first = re.search(r"Initial score: ([\d.]+)", plan.stdout).group(1)
  assert float(score) < float(first)


def test_hbal_luxi_bad_socket(tmp_path):
  import subprocess
  import sys
  res = subprocess.run([sys.executable, "-m", "ganeti.htools.hbal",
                        "-L%s" % (tmp_path / "nosocket")],
                       capture_output=True, text=True)
  assert res.returncode == 1
  assert "Cannot query the cluster over LUXI" in res.stderr
