"""gnt-backup moves the data: disk contents survive export and import.

On a real 3-node virtual cluster: random data written into a file disk is
exported (gzip transport), found byte for byte in the export, imported
into a new instance on another node and found there again.  OS scripts
that fail make the job fail without leaving exports, instances, disks or
transfer helpers behind.

One cluster serves the module; after each test the ``c`` fixture removes
what the test made (instances, exports, hooks, OS definitions) and checks
that the cluster is as fresh as the next test needs.
"""

import glob
import hashlib
import os
import shutil
import subprocess

import pytest

import vcluster
from ganeti import cli
from ganeti import constants
from ganeti import luxi
from ganeti import opcodes

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

_ADD = ("gnt-instance add -t file -s 8M --ignore-ipolicy --no-name-check"
        " --no-ip-check")
_BAD_OS = "pyganeti-badio"
_HOOK_SCRIPT = "50-record"


@pytest.fixture(scope="module")
def _module_cluster():
  with vcluster.Running("pyganeti-bd-", nodes=3) as vc:
    yield vc


@pytest.fixture
def c(_module_cluster):
  """The module's cluster; the test's instances, exports, hook scripts
  and OS definitions are removed afterwards."""
  yield _module_cluster
  _Clean(_module_cluster)


def _Clean(cluster):
  """Remove every instance and export; remove the hooks and OSes tests
  install; check that nothing is left, transfer helpers included."""
  for name in cluster.Check("gnt-instance list --no-headers -o name").split():
    cluster.Check("gnt-instance remove -f %s" % name)
  cl = luxi.Client(address=os.path.join(
    cluster.NodeRoot(), "var/run/ganeti/socket/ganeti-master"))
  try:
    exports = set(name for names in cl.QueryExports([], False).values()
                  for name in names or [])
  finally:
    cl.Close()
  for name in sorted(exports):
    cluster.Check("gnt-backup remove %s" % name)
  for node in cluster.nodes:
    root = cluster.NodeRoot(node)
    shutil.rmtree(os.path.join(root, "srv/ganeti/os", _BAD_OS),
                  ignore_errors=True)
    for leftover in (glob.glob(os.path.join(root, "etc/ganeti/hooks", "*.d",
                                            _HOOK_SCRIPT)) +
                     glob.glob(os.path.join(root, "hook.env*"))):
      os.unlink(leftover)
    export_dir = _ExportDir(cluster, node)
    assert not os.path.isdir(export_dir) or os.listdir(export_dir) == [], \
      node
  assert cluster.Check("gnt-instance list --no-headers -o name") == ""
  assert _Helpers(cluster) == []


def _Sha(path):
  with open(path, "rb") as fh:
    return hashlib.sha256(fh.read()).hexdigest()


def _DiskFile(cluster, node, instance):
  paths = [p for p in glob.glob(os.path.join(cluster.NodeRoot(node), "**",
                                             instance, "*.file.disk0"),
                                recursive=True)
           if "/export/" not in p]
  assert len(paths) == 1, paths
  return paths[0]


def _ExportDir(cluster, node, name=""):
  return os.path.join(cluster.NodeRoot(node), "srv/ganeti/export", name)


def _Helpers(cluster):
  """Status directories of transfer helpers left on any node."""
  found = []
  for node in cluster.nodes:
    path = os.path.join(cluster.NodeRoot(node), "var/run/ganeti",
                        "import-export")
    if os.path.isdir(path):
      found.extend(os.listdir(path))
  return found


def _InstallBadOs(cluster):
  """An OS (API 10) whose export and import scripts fail."""
  scripts = {
    "create": "#!/bin/sh\nexit 0\n",
    "rename": "#!/bin/sh\nexit 0\n",
    "export": "#!/bin/sh\necho 'cannot read the disk' >&2\nexit 3\n",
    "import": "#!/bin/sh\nhead -c 1000 >/dev/null\n"
              "echo 'cannot write the disk' >&2\nexit 4\n",
  }
  for node in cluster.nodes:
    os_dir = os.path.join(cluster.NodeRoot(node), "srv/ganeti/os", _BAD_OS)
    os.makedirs(os_dir, exist_ok=True)
    with open(os.path.join(os_dir, "ganeti_api_version"), "w") as fh:
      fh.write("10\n")
    for (name, text) in scripts.items():
      path = os.path.join(os_dir, name)
      with open(path, "w") as fh:
        fh.write(text)
      os.chmod(path, 0o755)


def _RecordHooks(cluster, node, hdir):
  """A hook script on ``node`` writing its environment to the returned
  file."""
  root = cluster.NodeRoot(node)
  out = os.path.join(root, "hook.env")
  path = os.path.join(root, "etc/ganeti/hooks", hdir + ".d")
  os.makedirs(path, exist_ok=True)
  script = os.path.join(path, _HOOK_SCRIPT)
  with open(script, "w") as fh:
    fh.write("#!/bin/sh\nenv | grep ^GANETI_ > %s.tmp && mv %s.tmp %s\n" %
             (out, out, out))
  os.chmod(script, 0o755)
  return out


@pytest.mark.skipif(vcluster.FindOs("noop") is None,
                    reason=vcluster.NOOP_MISSING)
def test_export_import_keeps_data(c):
  hook_out = _RecordHooks(c, "node2", "instance-export-post")
  c.Check(_ADD + " -n node1 -o noop --no-start inst1")
  disk = _DiskFile(c, "node1", "inst1")
  with open(disk, "r+b") as fh:
    fh.write(os.urandom(8 * 1024 * 1024 - 4096))
  original = _Sha(disk)
  out = c.Check("gnt-backup export -n node2 --transport-compression gzip"
                " inst1")
  assert "disk/0 sent 8 MiB" in out
  dumps = glob.glob(os.path.join(_ExportDir(c, "node2", "inst1"),
                                 "*.file.disk0"))
  assert len(dumps) == 1
  assert _Sha(dumps[0]) == original
  # the export did not touch the instance's own disk
  assert _Sha(disk) == original
  with open(hook_out) as fh:
    env = dict(line.rstrip("\n").split("=", 1) for line in fh)
  assert env["GANETI_EXPORT_NODE"] == "node2"
  assert env["GANETI_EXPORT_MODE"] == "local"
  assert env["GANETI_EXPORT_DO_SHUTDOWN"] == "True"
  assert env["GANETI_REMOVE_INSTANCE"] == "False"
  assert env["GANETI_INSTANCE_NAME"] == "inst1"
  # the LUXI call and the opcode behind "gnt-backup list"
  cl = luxi.Client(address=os.path.join(
    c.NodeRoot(), "var/run/ganeti/socket/ganeti-master"))
  assert cl.QueryExports([], False) == {"node1": [], "node2": ["inst1"],
                                        "node3": []}
  assert cl.QueryExports(["node2"], False) == {"node2": ["inst1"]}
  job_id = cl.SubmitJob([opcodes.OpBackupQuery(nodes=["node2", "node3"])])
  assert cli.PollJob(job_id, cl=cl, feedback_fn=lambda _: None) == \
    [{"node2": ["inst1"], "node3": []}]
  c.Check("gnt-backup import -n node3 --src-node node2 --src-dir inst1"
          " --compress gzip --net 0:mac=generate --no-name-check"
          " --no-ip-check --ignore-ipolicy inst2")
  assert _Sha(_DiskFile(c, "node3", "inst2")) == original
  assert _Helpers(c) == []
  out = c.Check("gnt-instance list --no-headers -o name,pnode,status")
  assert out.split("\n")[:2] == ["inst1 node1 ADMIN_down",
                                 "inst2 node3 ADMIN_down"]


def test_failing_os_scripts_leave_nothing(c):
  _InstallBadOs(c)
  c.Check(_ADD + " -n node1 -o %s --no-start inst1" % _BAD_OS)
  result = c.Run("gnt-backup export -n node2 inst1")
  assert result.exit_code == 1, result
  assert "Export failed, errors in disk export: disk(s) 0" in result.stderr
  assert "cannot read the disk" in result.stdout
  assert os.listdir(_ExportDir(c, "node2")) == []
  assert c.Check("gnt-backup list --no-headers") == ""
  assert _Helpers(c) == []
  # the instance is intact and its disks are deactivated again
  out = c.Check("gnt-instance list --no-headers -o name,status,disk_usage")
  assert out.split()[:2] == ["inst1", "ADMIN_down"]
  # an export whose OS can't import: the new instance is removed again
  c.Check(_ADD + " -n node1 -o noop --no-start inst3")
  c.Check("gnt-backup export -n node2 inst3")
  cfg = os.path.join(_ExportDir(c, "node2", "inst3"), "config.ini")
  with open(cfg) as fh:
    text = fh.read()
  with open(cfg, "w") as fh:
    fh.write(text.replace("os = noop", "os = %s" % _BAD_OS))
  result = c.Run("gnt-backup import -n node3 --src-node node2 --src-dir"
                 " inst3 --net 0:mac=generate --no-name-check --no-ip-check"
                 " --ignore-ipolicy inst4")
  assert result.exit_code == 1, result
  assert "were not imported successfully" in result.stderr
  assert "cannot write the disk" in result.stdout
  names = c.Check("gnt-instance list --no-headers -o name").split()
  assert "inst4" not in names
  leftovers = glob.glob(os.path.join(c.NodeRoot("node3"), "**", "inst4*"),
                        recursive=True)
  assert [p for p in leftovers if "/log/" not in p] == []
  assert _Helpers(c) == []


def _MountSmallFs(path, size):
  """Mount a tmpfs of ``size`` on ``path``; False if that's not possible."""
  if os.geteuid() != 0:
    return False
  result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size,
                           "tmpfs", path], capture_output=True, check=False)
  return result.returncode == 0


@pytest.mark.root
@pytest.mark.skipif(vcluster.FindOs("noop") is None,
                    reason=vcluster.NOOP_MISSING)
def test_import_onto_full_node(c):
  """No room for the data: the import fails and leaves no instance."""
  c.Check(_ADD + " -n node1 -o noop --no-start inst1")
  with open(_DiskFile(c, "node1", "inst1"), "r+b") as fh:
    fh.write(os.urandom(8 * 1024 * 1024))
  c.Check("gnt-backup export -n node2 inst1")
  fsdir = os.path.join(c.NodeRoot("node3"),
                       constants.DEFAULT_FILE_STORAGE_DIR.lstrip("/"))
  if not _MountSmallFs(fsdir, "2M"):
    pytest.skip("can't mount a small tmpfs (needs root)")
  try:
    result = c.Run("gnt-backup import -n node3 --src-node node2"
                   " --net 0:mac=generate --no-name-check --no-ip-check"
                   " --ignore-ipolicy --src-dir inst1 inst2")
    assert result.exit_code == 1, result
    assert "were not imported successfully" in result.stderr
    assert "inst2" not in c.Check("gnt-instance list --no-headers -o name")
    assert os.listdir(fsdir) == []
    assert _Helpers(c) == []
  finally:
    subprocess.run(["umount", fsdir], check=False)


@pytest.mark.skipif(vcluster.FindOs("noop") is None,
                    reason=vcluster.NOOP_MISSING)
def test_two_disks_keep_their_order(c):
  """Each disk's data lands in the disk of the same index."""
  c.Check("gnt-instance add -t file --disk 0:size=4M --disk 1:size=8M"
          " --ignore-ipolicy --no-name-check --no-ip-check -n node1 -o noop"
          " --no-start inst1")
  hashes = []
  for idx in (0, 1):
    paths = glob.glob(os.path.join(c.NodeRoot("node1"), "**", "inst1",
                                   "*.file.disk%d" % idx), recursive=True)
    assert len(paths) == 1
    with open(paths[0], "r+b") as fh:
      fh.write(os.urandom((4 + 4 * idx) * 1024 * 1024))
    hashes.append(_Sha(paths[0]))
  c.Check("gnt-backup export -n node2 inst1")
  c.Check("gnt-backup import -n node3 --src-node node2 --src-dir inst1"
          " --net 0:mac=generate --no-name-check --no-ip-check"
          " --ignore-ipolicy inst2")
  for idx in (0, 1):
    (path, ) = glob.glob(os.path.join(c.NodeRoot("node3"), "**", "inst2",
                                      "*.file.disk%d" % idx), recursive=True)
    assert _Sha(path) == hashes[idx]
  out = c.Check("gnt-instance list --no-headers -o disk.count,disk.sizes"
                " inst2")
  assert out.split() == ["2", "4,8"]
