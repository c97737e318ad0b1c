"""A cluster whose nodes are qemu guests, with the master on the host.

Layout (all below ``workdir``)::

  vc/node1/...        the master's node root (a virtual-cluster node:
                      GANETI_ROOTDIR, its daemons run in the namespace)
  vc/hosts            names the master resolves (cluster, node1, guests)
  nodeN-root.qcow2    guest root: overlay on the cached root image
  nodeN-pv.raw        guest's second disk: LVM PV of VG ``xenvg``
  nodeN.console       guest console log; nodeN.ctl: its control shell

Network: namespace :class:`netns.BridgeNetns` with the master at
198.51.100.10 on the bridge (cluster IP .1 on its ``lo``), guests at .11,
.12, ... on taps.  The guests run this checkout's ``ganeti-noded``, shared
read-only over virtio-9p at /opt/pyganeti, as real nodes (no root dir).

A guest joins exactly as ``gnt-node add`` prepares a node: the master's
``prepare-node-join`` document (cluster name and node daemon certificate)
goes to ``ganeti.tools.prepare_node_join`` on the node, over the control
shell instead of SSH; then the master runs ``gnt-node add --no-node-setup``.
"""

import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from nodevm import images as nv_images
from nodevm import netns
from nodevm import qemu

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__)))))
if TOP not in sys.path:
  sys.path.insert(0, TOP)

from ganeti import serializer  # noqa: E402
from ganeti.tools import vcluster_setup  # noqa: E402

GUEST_CODE_DIR = "/opt/pyganeti"
VG_NAME = "xenvg"
CLUSTER_NAME = "cluster"
MASTER = "node1"
DISK_TEMPLATES = "plain,drbd,file,diskless"


class Result:
  def __init__(self, cmd, proc):
    self.cmd = cmd
    self.exit_code = proc.returncode
    self.stdout = proc.stdout
    self.stderr = proc.stderr

  def __repr__(self):
    return "<%s exit=%s\nstdout=%s\nstderr=%s>" % (
      self.cmd, self.exit_code, self.stdout, self.stderr)


def MissingRequirements():
  """None if node VMs can run here, else why not (for pytest.skip)."""
  if sys.platform != "linux":
    return "node VMs need Linux"
  if os.geteuid() != 0:
    return "node VMs need root (network namespaces, taps)"
  tools = [t for t in (qemu.QEMU, "qemu-img") if shutil.which(t) is None]
  tools += nv_images.MissingTools()
  if tools:
    return ("missing programs: %s (Debian: qemu-system-x86 qemu-utils"
            " debootstrap e2fsprogs busybox-static kmod)" % " ".join(tools))
  return netns.Available()


class NodeVmCluster:
  """A master on the host and ``guests`` qemu nodes, in one namespace."""

  def __init__(self, workdir=None, guests=2, mem=512, keep=False,
               netns_name=None):
    self.workdir = os.path.abspath(workdir or tempfile.mkdtemp(
      prefix="pyganeti-nodevm-"))
    self.basedir = os.path.join(self.workdir, "vc")
    self.guest_count = guests
    self.mem = mem
    self.keep = keep
    self.netns_name = netns_name
    self.net = None
    self.vms = {}
    self.images = None
    self.timings = {}

  # -- names and addresses ------------------------------------------------
  @property
  def guest_names(self):
    return ["node%d" % (i + 2) for i in range(self.guest_count)]

  @staticmethod
  def GuestIp(idx):
    return "%s.%d" % (netns.SUBNET, 11 + idx)

  def _HostsLines(self):
    lines = ["%s.1 %s" % (netns.SUBNET, CLUSTER_NAME),
             "%s.10 %s" % (netns.SUBNET, MASTER)]
    lines += ["%s %s" % (self.GuestIp(i), name)
              for (i, name) in enumerate(self.guest_names)]
    return lines

  # -- lifecycle ----------------------------------------------------------
  def Start(self):
    """Build/boot everything and form the cluster; Stop() on failure."""
    try:
      self._Start()
    except BaseException:
      self.Stop()
      raise
    return self

  def _Start(self):
    t0 = time.monotonic()
    self.images = nv_images.Ensure()
    self.timings["images"] = time.monotonic() - t0
    os.makedirs(self.workdir, exist_ok=True)
    netns.CleanupStale()
    self.net = netns.BridgeNetns(name=self.netns_name).Create()
    for (idx, name) in enumerate(self.guest_names):
      tap = self.net.AddTap("tap%d" % idx)
      vm = qemu.NodeVm(self.workdir, name, self.images,
                       "%s/%d" % (self.GuestIp(idx), netns.PREFIX_LEN),
                       "52:54:00:c6:33:%02x" % (11 + idx), self.net.name,
                       tap, code_dir=TOP, mem=self.mem)
      vm.Start()
      self.vms[name] = vm
    self.Save()
    # the master's init runs while the guests boot
    t0 = time.monotonic()
    self._InitMaster()
    self.timings["master_init"] = time.monotonic() - t0
    # each guest: boot, set up, take the certificate and start its node
    # daemon, all guests at once; then the master adds them one by one
    with concurrent.futures.ThreadPoolExecutor(len(self.vms)) as pool:
      for future in [pool.submit(self._BringUpGuest, vm)
                     for vm in self.vms.values()]:
        future.result()
    self.timings["boot"] = max(vm.boot_time for vm in self.vms.values())
    t0 = time.monotonic()
    for name in self.guest_names:
      self.Check("gnt-node add --no-node-setup %s" % shlex.quote(name),
                 timeout=180)
    self.timings["node_add"] = time.monotonic() - t0

  def _BringUpGuest(self, vm):
    vm.WaitUp()
    self._PrepareGuest(vm)
    self.PrepareJoin(vm.name)

  def _InitMaster(self):
    """``gnt-cluster init`` of node1, inside the namespace."""
    init_args = ["--master-netdev=lo", "--vg-name=%s" % VG_NAME,
                 "--enabled-disk-templates=%s" % DISK_TEMPLATES]
    code = ("import sys; sys.path.insert(0, %r);"
            " from ganeti.tools import vcluster_setup;"
            " vcluster_setup.Up(%r, 1, %r, extra_init_args=%r)" %
            (TOP, self.basedir, netns.SUBNET, init_args))
    env = self.Env()
    for var in ("GANETI_ROOTDIR", "GANETI_HOSTNAME"):
      env.pop(var)
    proc = subprocess.run(self.net.Exec([sys.executable, "-c", code]),
                          env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
      raise RuntimeError("Master setup failed:\n%s%s" % (proc.stdout,
                                                          proc.stderr))
    with open(os.path.join(self.basedir, "hosts"), "w") as fh:
      fh.write("\n".join(self._HostsLines()) + "\n")

  def _PrepareGuest(self, vm):
    """Clock, names, the VG and the node daemon's defaults in a guest."""
    sh = vm.shell
    sh.Check("date -u -s @%d >/dev/null" % int(time.time()))
    sh.WriteFile("/etc/hosts", "127.0.0.1 localhost\n" +
                 "\n".join(self._HostsLines()) + "\n")
    sh.Check("pvcreate -q /dev/vdb && vgcreate -q %s /dev/vdb" % VG_NAME,
             timeout=120)
    sh.Check("mkdir -p /etc/default /var/log/ganeti /var/lib/ganeti")
    sh.WriteFile("/etc/default/ganeti",
                 "NODED_ARGS='--no-mlock -b %s'\n" % vm.ip)

  def _GuestPython(self, module, args=""):
    return ("cd / && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=%s python3 -m %s %s"
            % (GUEST_CODE_DIR, module, args))

  def JoinNode(self, name):
    """prepare-node-join over the control shell, then ``gnt-node add``."""
    self.PrepareJoin(name)
    self.Check("gnt-node add --no-node-setup %s" % shlex.quote(name),
               timeout=180)

  def PrepareJoin(self, name):
    """What ``gnt-node add`` does over SSH, over the control shell: give
    the node the cluster certificate and start its node daemon."""
    vm = self.vms[name]
    cert_file = os.path.join(self.basedir, MASTER, "var/lib/ganeti",
                             "server.pem")
    with open(cert_file) as fh:
      cert = fh.read()
    doc = serializer.DumpJson({"cluster_name": CLUSTER_NAME,
                               "node_daemon_certificate": cert})
    vm.shell.WriteFile("/tmp/node-join.json", doc, mode=0o600)
    vm.shell.Check(self._GuestPython("ganeti.tools.prepare_node_join") +
                   " < /tmp/node-join.json && rm -f /tmp/node-join.json",
                   timeout=120)

  # -- state, for use across processes (by hand) -------------------------
  STATE_FILE = "nodevm.json"

  def Save(self):
    """Record what Stop() needs in ``workdir/nodevm.json``."""
    state = {"netns": self.net.name, "guests": self.guest_count,
             "mem": self.mem,
             "pids": dict((name, vm.Pid()) for (name, vm) in self.vms.items()),
             "images": [self.images.kernel, self.images.initramfs,
                        self.images.root, self.images.kver]}
    with open(os.path.join(self.workdir, self.STATE_FILE), "w") as fh:
      fh.write(serializer.DumpJson(state).decode("utf-8"))

  @classmethod
  def Load(cls, workdir, shells=True):
    """The cluster a previous process started and saved in ``workdir``."""
    with open(os.path.join(workdir, cls.STATE_FILE)) as fh:
      state = serializer.LoadJson(fh.read())
    self = cls(workdir=workdir, guests=state["guests"], mem=state["mem"],
               keep=True)
    self.images = nv_images.Images(*state["images"])
    self.net = netns.BridgeNetns(name=state["netns"])
    self.net.created = True
    for (idx, name) in enumerate(self.guest_names):
      vm = qemu.NodeVm(self.workdir, name, self.images,
                       "%s/%d" % (self.GuestIp(idx), netns.PREFIX_LEN),
                       None, self.net.name, None, code_dir=TOP)
      if shells:
        vm.Attach(state["pids"][name])
      else:
        vm.pid = state["pids"][name]
      self.vms[name] = vm
    return self

  def Stop(self):
    """Stop daemons and guests, delete the namespace; idempotent."""
    errors = []
    if os.path.exists(os.path.join(self.basedir, "nodes.list")):
      try:
        vcluster_setup.Down(self.basedir)
      except Exception as err:  # keep cleaning up
        errors.append("master: %s" % err)
    for vm in self.vms.values():
      try:
        vm.Stop()
      except Exception as err:
        errors.append("%s: %s" % (vm.name, err))
    if self.net is not None:
      self.net.Delete()
    if not self.keep:
      shutil.rmtree(self.workdir, ignore_errors=True)
    if errors:
      raise RuntimeError("Cleanup errors: %s" % "; ".join(errors))

  # -- commands -----------------------------------------------------------
  def Env(self):
    """The master's environment (as after sourcing ``vc/env``).

    The Python running the tests comes first in PATH, so that the
    scripts' ``python3`` is the one with the project's dependencies.
    """
    base = dict(os.environ)
    base["PATH"] = os.pathsep.join([os.path.dirname(sys.executable),
                                    base.get("PATH", "")])
    env = vcluster_setup.NodeEnv(self.basedir, MASTER, base_env=base)
    env["LC_ALL"] = "C"
    env.pop("FORCE_LUXI_SOCKET", None)
    return env

  def Run(self, cmd, timeout=300):
    """Run a shell command line on the master (inside the namespace)."""
    proc = subprocess.run(self.net.Exec(["bash", "-c", cmd]),
                          env=self.Env(), capture_output=True, text=True,
                          timeout=timeout, check=False)
    return Result(cmd, proc)

  def Check(self, cmd, timeout=300):
    result = self.Run(cmd, timeout=timeout)
    if result.exit_code != 0:
      raise AssertionError("Command failed: %r" % result)
    return result.stdout

  def Guest(self, name):
    """The control shell of guest ``name``."""
    return self.vms[name].shell

  def CollectLogs(self, lines=2000):
    """Copy the guests' Ganeti logs into the work directory (post-mortem).

    @return: the work directory
    """
    for (name, vm) in self.vms.items():
      if vm.shell is None:
        continue
      try:
        (_, out) = vm.shell.Run("tail -n %d /var/log/ganeti/node-daemon.log"
                                % lines, check=False, timeout=60)
      except qemu.GuestError as err:
        out = "(can't read the log: %s)" % err
      with open(os.path.join(self.workdir, "%s-node-daemon.log" % name),
                "w") as fh:
        fh.write(out + "\n")
    return self.workdir

  def GuestLog(self, name, log="node-daemon.log"):
    """The tail of a Ganeti log file in a guest (for failure reports)."""
    (_, out) = self.vms[name].shell.Run(
      "tail -n 60 /var/log/ganeti/%s 2>&1" % log, check=False)
    return out

  def CallRpc(self, procedure, node, *args, timeout=120):
    """Call a node RPC procedure from the master, as masterd would.

    @return: (fail_msg, payload) of the node's answer
    """
    addresses = dict(line.split()[::-1] for line in self._HostsLines())
    ip = addresses[node]
    code = ("import sys, json; sys.path.insert(0, %r)\n"
            "from ganeti.rpc import defs\n"
            "from ganeti.rpc.node import RpcRunner\n"
            "(name, node, ip, args) = json.load(sys.stdin)\n"
            "if defs.CALLS_BY_NAME[name][1]:\n"
            "  res = RpcRunner().CallProcedure(name, {node: ip}, *args)[node]\n"
            "else:\n"
            "  res = RpcRunner().CallProcedureByAddress(name, node, ip, *args)\n"
            "json.dump([res.fail_msg, res.payload], sys.stdout)\n" % TOP)
    proc = subprocess.run(
      self.net.Exec([sys.executable, "-c", code]), env=self.Env(),
      input=serializer.DumpJson([procedure, node, ip, list(args)]).decode(),
      capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
      raise AssertionError("RPC %s to %s failed to run:\n%s" %
                           (procedure, node, proc.stderr))
    return tuple(serializer.LoadJson(proc.stdout))
