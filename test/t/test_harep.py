"""harep on a live virtual cluster: the auto-repair tool end to end.

The host has no LVM nor DRBD, so the DRBD and plain instances harep
repairs are written into the master's config.data while the master is
stopped (they have no disks on the nodes).  node2 is then set offline:

- d1 (drbd node2:node3, tagged ``failover``) gets a failover job and a
  pending tag; once the job has ended, the next run replaces the pending
  tag by the job's result (failure here: the disks do not exist);
- p1 (plain on node2, repairs suspended) and d2 (drbd node1:node2,
  repairs not enabled) are left alone;
- ``--dry-run`` submits and tags nothing.

Where upstream's harep is installed and can read the cluster, its
``--dry-run`` decisions are compared with ours.
"""

import json
import os
import re
import subprocess
import time
import uuid

import pytest
import vcluster

from ganeti import luxi

pytestmark = pytest.mark.cluster

P = "ganeti:watcher:autorepair:"
UPSTREAM_HAREP = "/usr/lib/ganeti/3.0/usr/bin/harep"


def _Socket(cluster):
  return os.path.join(cluster.NodeRoot(), "var/run/ganeti/socket/ganeti-master")


def _InjectInstances(path, specs):
  """Add (name, template, pnode, snode) instances, admin down, without
  NICs, to a config.data (a DRBD disk over two LVs, or one LV)."""
  with open(path) as handle:
    cfg = json.load(handle)
  by_name = dict((node["name"], node_uuid)
                 for (node_uuid, node) in cfg["nodes"].items())
  now = time.time()

  def _Disk(dev_type, size, logical_id, nodes, children=None):
    disk = {"dev_type": dev_type, "logical_id": logical_id, "nodes": nodes,
            "iv_name": "disk/0", "size": size, "mode": "rw", "params": {},
            "serial_no": 1, "uuid": str(uuid.uuid4()), "ctime": now,
            "mtime": now}
    if children is not None:
      disk["children"] = children
    return disk

  for (idx, (name, template, pnode, snode)) in enumerate(specs):
    pri = by_name[pnode]
    if template == "drbd":
      sec = by_name[snode]
      data = _Disk("plain", 1024, ["xenvg", "%s.disk0_data" % name], [])
      meta = _Disk("plain", 128, ["xenvg", "%s.disk0_meta" % name], [])
      disk = _Disk("drbd", 1024, [pri, sec, 11100 + idx, idx, idx,
                                  "secret%d" % idx], [pri, sec],
                   children=[data, meta])
    else:
      disk = _Disk("plain", 1024, ["xenvg", "%s.disk0" % name], [pri])
    cfg["disks"][disk["uuid"]] = disk
    inst_uuid = str(uuid.uuid4())
    cfg["instances"][inst_uuid] = {
      "name": name, "primary_node": pri, "os": "noop", "hypervisor": "fake",
      "hvparams": {}, "beparams": {}, "osparams": {}, "osparams_private": {},
      "admin_state": "down", "admin_state_source": "admin", "nics": [],
      "disks": [disk["uuid"]], "disks_active": False, "serial_no": 1,
      "ctime": now, "mtime": now, "uuid": inst_uuid, "tags": []}
  cfg["serial_no"] += 1
  with open(path + ".new", "w") as handle:
    json.dump(cfg, handle, indent=1)
  os.rename(path + ".new", path)


def _LuxiUp(cluster):
  try:
    luxi.Client(address=_Socket(cluster)).QueryClusterInfo()
  except Exception:  # pylint: disable=broad-except
    return False
  return True


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
  vc = vcluster.VirtualCluster(str(tmp_path_factory.mktemp("harep-vc") /
                                   "vc"), nodes=3)
  vc.Start()
  try:
    vc.Check("gnt-cluster modify --enabled-disk-templates"
             " file,diskless,drbd,plain")
    vc.Check("daemon-util stop ganeti-masterd")
    _InjectInstances(os.path.join(vc.NodeRoot(), "var/lib/ganeti",
                                  "config.data"),
                     [("d1", "drbd", "node2", "node3"),
                      ("d2", "drbd", "node1", "node2"),
                      ("p1", "plain", "node2", None)])
    # the daemon keeps its inherited output open: do not capture it
    subprocess.run(["daemon-util", "start", "ganeti-masterd"], env=vc.Env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60, check=True)
    vcluster.WaitFor(lambda: _LuxiUp(vc), timeout=30, what="master up")
    vc.Check("gnt-instance add-tags d1 %sfailover" % P)
    vc.Check("gnt-instance add-tags p1 %sreinstall %ssuspend:" % (P, P))
    vc.Check("gnt-node modify -O yes node2")
    yield vc
  finally:
    vc.Stop()


def _Tags(cluster, name):
  return sorted(cluster.Check("gnt-instance list-tags %s" % name).split())


def _JobCount(cluster):
  return len(cluster.Check("gnt-job list --no-headers -o id").split())


def _Normalise(text):
  text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                r"[0-9a-f]{12}", "UUID", text)
  return re.sub(r":1[0-9]{9}:", ":TIME:", text)


def test_dry_run_changes_nothing(cluster):
  jobs = _JobCount(cluster)
  res = cluster.Run("harep -L --dry-run")
  assert res.exit_code == 0, res
  lines = res.stdout.splitlines()
  assert lines[0] == "Executing ArFailover repair on d1"
  assert lines[1] == (
    'jobs: [[{"OP_ID":"OP_TEST_DELAY","duration":10,"on_master":true,'
    '"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":false},'
    '{"OP_ID":"OP_INSTANCE_FAILOVER","instance_name":"d1",'
    '"shutdown_timeout":120,"ignore_consistency":false,'
    '"ignore_ipolicy":false,"cleanup":false}]]')
  assert lines[2] == ">>> Adding the following tag to d1:"
  assert re.match(r'^"%spending:failover:[0-9a-f-]{36}:\d+:"$' % P, lines[3])
  assert lines[4:] == [
    "Not repairing d2 because it's in state ArNotEnabled",
    "Not repairing p1 because it's in state ArSuspended Forever",
    "---------------------", "Instance status count",
    "---------------------", "Healthy: 2", "Pending repair: 1"]
  assert _Tags(cluster, "d1") == [P + "failover"]
  assert _JobCount(cluster) == jobs


def test_upstream_dry_run_agrees(cluster):
  if not os.path.exists(UPSTREAM_HAREP):
    pytest.skip("upstream harep not installed")
  sock = _Socket(cluster)
  upstream = subprocess.run([UPSTREAM_HAREP, "-L" + sock, "--dry-run",
                             "--job-delay=2.5"], capture_output=True,
                            text=True, env=cluster.Env(), cwd="/tmp")
  if "failed to load data" in upstream.stderr:
    pytest.skip("upstream harep cannot read this cluster: %s" %
                upstream.stderr.strip())
  ours = cluster.Run("harep -L%s --dry-run --job-delay=2.5" % sock)
  assert (ours.exit_code, _Normalise(ours.stdout)) == \
    (upstream.returncode, _Normalise(upstream.stdout))


def _JobDone(cluster, job_id):
  status = cluster.Check("gnt-job list --no-headers -o status %s" %
                         job_id).strip()
  return status if status in ("success", "error", "canceled") else None


def test_failover_repair_lifecycle(cluster):
  res = cluster.Run("harep -L --job-delay=1 --reason=node2-is-dead")
  assert res.exit_code == 0, res
  assert res.stdout.startswith("Executing ArFailover repair on d1\n"
                               ">>> Adding the following tag to d1:\n")
  assert "Not repairing p1 because it's in state ArSuspended Forever\n" \
    in res.stdout
  assert res.stdout.endswith("Healthy: 2\nPending repair: 1\n")
  [pending] = [t for t in _Tags(cluster, "d1") if t.startswith(P + "pending")]
  match = re.match(r"^%spending:failover:([0-9a-f-]{36}):(\d+):(\d+)$" % P,
                   pending)
  assert match, pending
  (task, job_id) = (match.group(1), match.group(3))
  info = cluster.Check("gnt-job info %s" % job_id)
  # the delay opcode lets the tag job pass before the repair takes locks
  assert info.index("OP_TEST_DELAY") < info.index("OP_INSTANCE_FAILOVER")
  assert "node2-is-dead" in info
  assert "automated repairs by harep" in info
  status = vcluster.WaitFor(lambda: _JobDone(cluster, job_id), timeout=60,
                            what="repair job %s done" % job_id)
  result = "success" if status == "success" else "failure"
  res = cluster.Run("harep -L --job-delay=0")
  assert res.exit_code == 0, res
  state = "Healthy" if result == "success" else "Failure"
  assert res.stdout.startswith(
    'Moving d1 from "Pending repair" to "%s"\n'
    ">>> Adding the following tag to d1:\n" % state)
  assert '>>> Removing the following tags from d1:\n"%s"\n' % pending \
    in res.stdout
  tags = _Tags(cluster, "d1")
  assert pending not in tags
  assert [t for t in tags if re.match(r"^%sresult:failover:%s:\d+:%s:%s$" %
                                      (P, task, result, job_id), t)], tags
  assert _Tags(cluster, "p1") == [P + "reinstall", P + "suspend:"]
  assert _Tags(cluster, "d2") == []
