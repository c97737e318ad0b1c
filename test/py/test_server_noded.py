"""Integration tests: a real ganeti-noded process on a virtual node."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from ganeti import constants
from ganeti import serializer
from ganeti import vcluster
from ganeti.backend import jstore
from ganeti.rpc import transport

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
NODED = os.path.join(TOP, "daemons", "ganeti-noded")
NOOP = "/tmp/noop/usr/share/ganeti/os/noop"


def _FreePort(ip):
  s = socket.socket()
  s.bind((ip, 0))
  port = s.getsockname()[1]
  s.close()
  return port


def _WaitFor(fn, timeout=15.0):
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    value = fn()
    if value:
      return value
    time.sleep(0.02)
  raise AssertionError("Condition not met within %ss" % timeout)


def _Listening(ip, port):
  try:
    socket.create_connection((ip, port), 0.5).close()
    return True
  except OSError:
    return False


class _Node:
  def __init__(self, base, name, ip):
    self.name = name
    self.ip = ip
    self.root = os.path.join(base, name)
    self.env = dict(os.environ, GANETI_ROOTDIR=self.root,
                    GANETI_HOSTNAME=name)
    self.data = os.path.join(self.root, "var/lib/ganeti")
    self.cert = os.path.join(self.data, "server.pem")
    self.port = _FreePort(ip)
    self.proc = None

  def Start(self, foreground=True):
    args = [sys.executable, NODED, "--no-mlock", "-b", self.ip, "-p",
            str(self.port)]
    if foreground:
      args.insert(2, "-f")
    self.proc = subprocess.Popen(args, env=self.env,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    _WaitFor(lambda: _Listening(self.ip, self.port))

  def Stop(self):
    if self.proc is not None and self.proc.poll() is None:
      self.proc.send_signal(signal.SIGTERM)
      self.proc.wait(30)


@pytest.fixture
def cluster(tmp_path, cluster_cert):
  nodes = []
  for (i, name) in enumerate(["node1", "node2"]):
    node = _Node(str(tmp_path), name, "127.0.0.%d" % (11 + i))
    os.makedirs(node.data)
    shutil.copy(cluster_cert, node.cert)
    os.makedirs(os.path.join(node.root, "etc/ganeti"))
    nodes.append(node)
  for node in nodes:
    node.Start()
  with open(os.path.join(str(tmp_path), "hosts"), "w") as fh:
    for node in nodes:
      fh.write("%s %s\n" % (node.ip, node.name))
  yield nodes
  for node in nodes:
    node.Stop()


def _Call(client, nodes, proc, *args, timeout=60):
  tgts = dict((n.name, (n.ip, n.port)) for n in nodes)
  return client.Call(proc, tgts, serializer.DumpJson(list(args)), timeout)


def test_version_and_errors(cluster, cluster_cert):
  cl = transport.RpcClient(cluster_cert)
  res = _Call(cl, cluster, "version")
  for node in cluster:
    assert res[node.name].payload == constants.PROTOCOL_VERSION
  res = _Call(cl, cluster[:1], "master_info")["node1"]
  assert res.fail_msg.startswith("Cluster configuration incomplete")
  res = _Call(cl, cluster[:1], "test_delay", "x")["node1"]
  assert res.fail_msg.startswith("Error while executing backend function")
  res = _Call(cl, cluster[:1], "test_delay")["node1"]
  assert "expects 1 arguments" in res.fail_msg
  res = _Call(cl, cluster[:1], "no_such_call")["node1"]
  assert "404" in res.fail_msg


def test_ssconf_master_info_and_verify(cluster, cluster_cert):
  cl = transport.RpcClient(cluster_cert)
  values = {"master_netdev": "lo", "master_ip": "127.0.0.11",
            "master_node": "node1", "primary_ip_family": "2",
            "master_netmask": "32", "cluster_name": "cluster",
            "node_primary_ips": "node1 127.0.0.11\nnode2 127.0.0.12"}
  res = _Call(cl, cluster, "write_ssconf_files", values)
  assert all(r.fail_msg is None for r in res.values())
  res = _Call(cl, cluster, "master_info")
  assert res["node2"].payload == ["lo", "127.0.0.11", "node1", 2, 32]
  nodelist = dict((n.name, [n.ip, n.port]) for n in cluster)
  nodelist["node3"] = ["127.0.0.13", _FreePort("127.0.0.13")]
  checks = {"version": None, "nodelist": nodelist,
            "hypervisor": ["fake"], "instancelist": ["fake"],
            "filelist": [vcluster.MakeVirtualPath(cluster[0].cert,
                                                  cluster[0].root)],
            "oslist": None, "time": None, "hvinfo": "fake"}
  res = _Call(cl, cluster, "node_verify", checks, "cluster", {})
  pay = res["node2"].payload
  assert pay["version"] == [constants.PROTOCOL_VERSION,
                            constants.RELEASE_VERSION]
  assert list(pay["nodelist"]) == ["node3"]
  assert pay["hypervisor"] == {"fake": None}
  assert pay["instancelist"] == []
  assert len(list(pay["filelist"].values())[0]) == 40
  assert pay["hvinfo"]["memory_total"] > 0
  res = _Call(cl, cluster[:1], "node_activate_master_ip",
              {"ip": "127.0.0.11", "netmask": 32, "netdev": "lo",
               "ip_family": 2}, False)["node1"]
  assert res.fail_msg is None, res.fail_msg


def test_instance_lifecycle_with_noop(cluster, cluster_cert):
  if not os.path.isdir(NOOP):
    pytest.skip("noop OS not available")
  node = cluster[0]
  osdir = os.path.join(node.root, "srv/ganeti/os")
  os.makedirs(osdir)
  shutil.copytree(NOOP, os.path.join(osdir, "noop"), symlinks=True)
  with open(os.path.join(node.root, "etc/ganeti/file-storage-paths"),
            "w") as fh:
    fh.write("/srv/ganeti/file-storage\n")
  cl = transport.RpcClient(cluster_cert)
  res = _Call(cl, [node], "os_diagnose")["node1"]
  assert res.payload[0][:4] == ["noop", os.path.join(osdir, "noop"), True,
                                ""]
  disk = {"dev_type": "file", "logical_id": ["loop",
          "/srv/ganeti/file-storage/inst1/disk0"], "size": 16,
          "mode": "rw", "uuid": "d-uuid", "iv_name": "disk/0"}
  res = _Call(cl, [node], "file_storage_dir_create",
              "/srv/ganeti/file-storage/inst1")["node1"]
  assert res.fail_msg is None, res.fail_msg
  res = _Call(cl, [node], "blockdev_create", disk, 16, "inst1", True,
              "inst1", False)["node1"]
  assert res.fail_msg is None, res.fail_msg
  path = os.path.join(node.root, "srv/ganeti/file-storage/inst1/disk0")
  assert os.path.getsize(path) == 16 * 1024 * 1024
  inst = {"name": "inst1", "os": "noop", "hypervisor": "fake",
          "uuid": "i-uuid", "primary_node": "n-uuid",
          "beparams": {"maxmem": 256, "minmem": 256, "vcpus": 2},
          "hvparams": {"migration_mode": "live"}, "osparams": {},
          "nics": [], "disks": ["d-uuid"], "disks_info": [disk],
          "disk_template": "file"}
  res = _Call(cl, [node], "instance_os_add", [inst, {}], False, 0)["node1"]
  assert res.fail_msg is None, res.fail_msg
  logs = os.listdir(os.path.join(node.root, "var/log/ganeti/os"))
  assert logs and logs[0].startswith("add-noop-inst1-")
  res = _Call(cl, [node], "instance_start", [inst, {}, {}], False,
              ["x"])["node1"]
  assert res.fail_msg is None, res.fail_msg
  res = _Call(cl, [node], "instance_info", "inst1", "fake", {})["node1"]
  assert res.payload["memory"] == 256 and res.payload["vcpus"] == 2
  res = _Call(cl, cluster, "instance_list", ["fake"], {})
  assert res["node1"].payload == ["inst1"] and res["node2"].payload == []
  res = _Call(cl, [node], "instance_reboot", inst, "full", 10, [])["node1"]
  assert res.fail_msg is None, res.fail_msg
  res = _Call(cl, [node], "instance_shutdown", inst, 10, [])["node1"]
  assert res.fail_msg is None
  assert _Call(cl, [node], "instance_info", "inst1", "fake",
               {})["node1"].payload == {}
  res = _Call(cl, [node], "blockdev_remove", disk)["node1"]
  assert res.fail_msg is None and not os.path.exists(path)
  res = _Call(cl, [node], "file_storage_dir_remove",
              "/srv/ganeti/file-storage/inst1")["node1"]
  assert res.fail_msg is None


def test_jobqueue_and_upload(cluster, cluster_cert):
  cl = transport.RpcClient(cluster_cert)
  node = cluster[1]
  qdir = os.path.join(node.data, "queue")
  vpath = lambda p: vcluster.MakeVirtualPath(os.path.join(qdir, p),
                                             node.root)
  content = jstore.EncodeCompressed(b"x" * 2000)
  res = _Call(cl, [node], "jobqueue_update", vpath("job-1"), content)
  assert res["node2"].fail_msg is None, res["node2"].fail_msg
  assert open(os.path.join(qdir, "job-1"), "rb").read() == b"x" * 2000
  start = time.monotonic()
  for i in range(200):
    res = _Call(cl, [node], "jobqueue_update", vpath("job-%d" % i),
                [0, "{}"])
  rate = 200 / (time.monotonic() - start)
  assert rate > 100, rate
  res = _Call(cl, [node], "jobqueue_rename",
              [[vpath("job-1"), vpath("archive/0/job-1")]])["node2"]
  assert res.fail_msg is None
  assert os.path.exists(os.path.join(qdir, "archive/0/job-1"))
  res = _Call(cl, [node], "jobqueue_update",
              vcluster.MakeVirtualPath(node.cert, node.root), [0, ""])
  assert "does not belong" in res["node2"].fail_msg
  res = _Call(cl, [node], "jobqueue_purge")["node2"]
  assert res.fail_msg is None and os.listdir(qdir) == ["lock"]
  rpath = vcluster.MakeVirtualPath(os.path.join(node.data, "rapi.pem"),
                                   node.root)
  res = _Call(cl, [node], "upload_file",
              [rpath, [0, "data"], 0o400, None, None, 1000, 2000])["node2"]
  assert res.fail_msg is None, res.fail_msg
  st = os.stat(os.path.join(node.data, "rapi.pem"))
  assert (st.st_mode & 0o777, st.st_mtime) == (0o400, 2000)
  fsp = vcluster.MakeVirtualPath(
    os.path.join(node.root, "etc/ganeti/file-storage-paths"), node.root)
  res = _Call(cl, [node], "upload_file",
              [fsp, [0, "/"], 0o644, None, None, 0, 0])["node2"]
  assert "not in allowed upload targets" in res.fail_msg


def test_leave_cluster_stops_daemon(cluster, cluster_cert):
  cl = transport.RpcClient(cluster_cert)
  node = cluster[1]
  res = _Call(cl, [node], "node_leave_cluster", False)["node2"]
  assert res.payload == "Shutdown scheduled"
  assert node.proc.wait(30) == 0
  assert not os.path.exists(node.cert)


def test_daemonize_pidfile(tmp_path, cluster_cert):
  node = _Node(str(tmp_path), "node9", "127.0.0.19")
  os.makedirs(node.data)
  shutil.copy(cluster_cert, node.cert)
  args = [sys.executable, NODED, "--no-mlock", "-b", node.ip, "-p",
          str(node.port)]
  assert subprocess.call(args, env=node.env) == 0
  pidfile = os.path.join(node.root, "var/run/ganeti/ganeti-noded.pid")
  pid = _WaitFor(lambda: os.path.exists(pidfile) and
                 int(open(pidfile).read() or 0))
  try:
    assert open(pidfile).read() == "%d\n" % pid
    assert os.stat(pidfile).st_mode & 0o777 == 0o600
    _WaitFor(lambda: _Listening(node.ip, node.port))
    # A second instance fails because of the pid file lock
    assert subprocess.call(args, env=node.env,
                           stderr=subprocess.DEVNULL) != 0
    log = os.path.join(node.root, "var/log/ganeti/node-daemon.log")
    assert " ganeti-noded pid=%d INFO " % pid in open(log).read()
  finally:
    os.kill(pid, signal.SIGTERM)
  _WaitFor(lambda: not os.path.exists(pidfile))
