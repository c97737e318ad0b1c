"""A cluster whose nodes are network namespaces reached over real SSH.

Each node ``nodeI`` (I = 1..N, N >= 3 for the tests) is:

- a network namespace ``<prefix>-nodeI`` whose ``eth0`` (address
  ``198.51.100.(10+I)/24``) is a veth port of the bridge ``br0``, which
  lives in a namespace of its own (``<prefix>-net``), so the host's
  network is never touched;
- a root directory ``<basedir>/nodeI`` (``GANETI_ROOTDIR``-style: Ganeti's
  paths are taken below it) that holds, before Ganeti touches it, only
  what the machine itself would have: ``etc/ssh`` (the sshd configuration
  and host key) and ``root/.ssh`` (``authorized_keys``);
- its own ``sshd`` (``-f <root>/etc/ssh/sshd_config``), listening on the
  node's address, with its host key, PidFile (``<root>/var/run/sshd.pid``)
  and AuthorizedKeysFile (``<root>/root/.ssh/authorized_keys``) in the
  node's root.

Names resolve through ``<basedir>/hosts`` (the virtual-cluster hosts
file); the cluster name ``cluster`` is ``198.51.100.1``, configured on
the master's ``eth0``.  Commands run in a node's namespace with its
``GANETI_ROOTDIR``/``GANETI_HOSTNAME``, as an administrator's shell there.

API (for reuse, e.g. by a master-failover test)::

  reason = netns_cluster.Missing()       # None, or why it cannot run
  cl = netns_cluster.NetnsCluster(basedir, nodes=3)
  cl.Start()                # namespaces, roots, sshds (no Ganeti yet)
  cl.InitCluster()          # gnt-cluster init on node1 (the master) and
                            # authorize its root key on the other nodes
  cl.Run("gnt-node add node2", node="node1") -> Result (exit_code,
                            # stdout, stderr); Check() requires exit 0
  cl.Nodes / cl.master / cl.Ip(node) / cl.NodeRoot(node) / cl.Env(node)
  cl.Netns(node)            # the namespace name, for "ip netns exec"
  cl.MoveClusterIp(node)    # the cluster address onto another node
  cl.StopDaemons(node)      # SIGTERM (then SIGKILL) the Ganeti daemons
                            # of one node, by the PIDs in its pid files
  cl.Stop()                 # every daemon and sshd by PID, namespaces
                            # deleted; basedir removed unless keep=True

The module-scoped fixture ``nc`` in test/t/conftest.py gives such a
cluster, initialised; it skips with the reason from Missing().
``Result`` and ``WaitFor`` are vcluster's (re-exported here).
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
  sys.path.insert(0, _HERE)

from vcluster import Result, WaitFor  # noqa: E402,F401 (WaitFor: API)

from ganeti.tools import vcluster_setup  # noqa: E402
from ganeti.utils import process  # noqa: E402

SUBNET = "198.51.100"
CLUSTER_NAME = "cluster"
CLUSTER_IP = SUBNET + ".1"
SSHD = "/usr/sbin/sshd"


def Missing():
  """Why a namespace cluster cannot run here, or None."""
  if os.geteuid() != 0:
    return "needs root (network namespaces)"
  if not shutil.which("ip"):
    return "the 'ip' command (iproute2) is not installed"
  if not os.access(SSHD, os.X_OK):
    return ("sshd is not installed (Debian package openssh-server;"
            " 'make deps' installs it)")
  try:
    import paramiko  # noqa: F401 pylint: disable=W0611,C0415
  except ImportError:
    return "paramiko is not installed"
  name = "pgnprobe%d" % os.getpid()
  probe = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                         text=True, check=False)
  if probe.returncode != 0:
    return "'ip netns add' does not work here: %s" % probe.stderr.strip()
  subprocess.run(["ip", "netns", "del", name], capture_output=True,
                 check=False)
  return None


def _Ip(*args):
  proc = subprocess.run(["ip"] + list(args), capture_output=True, text=True,
                        check=False)
  if proc.returncode != 0:
    raise RuntimeError("ip %s failed: %s" % (" ".join(args),
                                             proc.stderr.strip()))


_SSHD_CONFIG = """\
# sshd of simulated node %(node)s (test/support/netns_cluster.py)
ListenAddress %(ip)s
Port 22
HostKey %(root)s/etc/ssh/ssh_host_rsa_key
PidFile %(root)s/var/run/sshd.pid
AuthorizedKeysFile %(root)s/root/.ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
UseDNS no
Subsystem sftp internal-sftp
"""


class NetnsCluster:
  """N nodes in network namespaces with their own sshd (see module doc)."""

  def __init__(self, basedir, nodes=3, prefix=None, keep=False):
    assert 1 <= nodes <= 200
    self.basedir = os.path.abspath(basedir)
    self.count = nodes
    self.prefix = prefix or "pgn%04x" % random.randint(0, 0xffff)
    self.Nodes = ["node%d" % (i + 1) for i in range(nodes)]
    self.master = self.Nodes[0]
    self.keep = keep
    self._sshd_pids = {}
    self._namespaces = []

  # -- layout ---------------------------------------------------------------
  def Netns(self, node):
    return "%s-%s" % (self.prefix, node)

  def Ip(self, node):
    return "%s.%d" % (SUBNET, 10 + self.Nodes.index(node) + 1)

  def NodeRoot(self, node=None):
    return os.path.join(self.basedir, node or self.master)

  def Env(self, node=None):
    env = vcluster_setup.NodeEnv(self.basedir, node or self.master)
    env.pop("FORCE_LUXI_SOCKET", None)
    env["LC_ALL"] = "C"
    return env

  # -- running ----------------------------------------------------------------
  def Run(self, cmd, node=None, stdin=None, timeout=120):
    """Run a shell command line on ``node`` (default: the master)."""
    argv = ["ip", "netns", "exec", self.Netns(node or self.master),
            "bash", "-c", cmd]
    # never the caller's terminal: gnt-node add would ask about host keys
    proc = subprocess.run(argv, env=self.Env(node), capture_output=True,
                          text=True, input=stdin or "", timeout=timeout,
                          check=False)
    return Result([cmd], proc)

  def Check(self, cmd, node=None, timeout=120):
    result = self.Run(cmd, node=node, timeout=timeout)
    if result.exit_code != 0:
      raise AssertionError("Command failed on %s: %r" %
                           (node or self.master, result))
    return result.stdout

  # -- set-up -----------------------------------------------------------------
  def Start(self):
    """Namespaces, node roots and sshds; no Ganeti yet."""
    os.makedirs(self.basedir, exist_ok=True)
    try:
      self._CreateNetwork()
      with open(os.path.join(self.basedir, "hosts"), "w") as fh:
        fh.write("%s %s\n" % (CLUSTER_IP, CLUSTER_NAME))
        for node in self.Nodes:
          fh.write("%s %s\n" % (self.Ip(node), node))
      os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
      for node in self.Nodes:
        self._PrepareRoot(node)
        self._StartSshd(node)
      for node in self.Nodes:
        WaitFor(lambda n=node: self._SshdAnswers(n), timeout=20,
                what="sshd of %s" % node)
    except BaseException:
      self.Stop()
      raise
    return self

  def _CreateNetwork(self):
    net = "%s-net" % self.prefix
    _Ip("netns", "add", net)
    self._namespaces.append(net)
    _Ip("-n", net, "link", "set", "lo", "up")
    _Ip("-n", net, "link", "add", "br0", "type", "bridge")
    _Ip("-n", net, "link", "set", "br0", "type", "bridge", "stp_state", "0",
        "forward_delay", "0")
    _Ip("-n", net, "link", "set", "br0", "up")
    for (idx, node) in enumerate(self.Nodes):
      ns = self.Netns(node)
      _Ip("netns", "add", ns)
      self._namespaces.append(ns)
      _Ip("-n", ns, "link", "set", "lo", "up")
      port = "vn%d" % (idx + 1)
      _Ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name",
          port, "netns", net)
      _Ip("-n", net, "link", "set", port, "master", "br0", "up")
      _Ip("-n", ns, "addr", "add", "%s/24" % self.Ip(node), "dev", "eth0")
      _Ip("-n", ns, "link", "set", "eth0", "up")

  def _PrepareRoot(self, node):
    root = self.NodeRoot(node)
    for sub in ("etc/ssh", "root/.ssh", "var/run", "var/log"):
      os.makedirs(os.path.join(root, sub), exist_ok=True)
    os.chmod(os.path.join(root, "root/.ssh"), 0o700)
    key = os.path.join(root, "etc/ssh/ssh_host_rsa_key")
    if not os.path.exists(key):
      subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N",
                      "", "-C", "root@%s" % node, "-f", key], check=True,
                     capture_output=True)
    with open(os.path.join(root, "etc/ssh/sshd_config"), "w") as fh:
      fh.write(_SSHD_CONFIG % {"node": node, "ip": self.Ip(node),
                               "root": root})

  def _StartSshd(self, node):
    root = self.NodeRoot(node)
    pid_file = os.path.join(root, "var/run/sshd.pid")
    subprocess.run(["ip", "netns", "exec", self.Netns(node), SSHD, "-f",
                    os.path.join(root, "etc/ssh/sshd_config"), "-E",
                    os.path.join(root, "var/log/sshd.log")], check=True,
                   capture_output=True)
    self._sshd_pids[node] = WaitFor(lambda: _ReadPid(pid_file), timeout=10,
                                    what="sshd pid file of %s" % node)

  def _SshdAnswers(self, node):
    proc = subprocess.run(
      ["ip", "netns", "exec", self.Netns(node), sys.executable, "-c",
       "import socket; socket.create_connection((%r, 22), 1).close()" %
       self.Ip(node)], capture_output=True, check=False)
    return proc.returncode == 0

  def InitCluster(self, extra_args=()):
    """``gnt-cluster init`` on the master, then the administrator's step
    of authorizing the master's root key on the other nodes."""
    _Ip("-n", self.Netns(self.master), "addr", "add", "%s/32" % CLUSTER_IP,
        "dev", "eth0")
    self.Check(" ".join(
      ["gnt-cluster", "init", "--enabled-hypervisors=fake",
       "--enabled-disk-templates=diskless", "--master-netdev=eth0",
       "--no-etc-hosts"] +
      list(extra_args) + [CLUSTER_NAME]), timeout=120)
    self.AuthorizeMasterKey()

  def AuthorizeMasterKey(self, nodes=None):
    """Append the master's root public key to other nodes' authorized_keys
    (what an administrator does before ``gnt-node add``)."""
    with open(os.path.join(self.NodeRoot(), "root/.ssh/id_rsa.pub")) as fh:
      pub = fh.read()
    for node in nodes or self.Nodes[1:]:
      auth = os.path.join(self.NodeRoot(node), "root/.ssh/authorized_keys")
      with open(auth, "a") as fh:
        fh.write(pub)
      os.chmod(auth, 0o600)

  def MoveClusterIp(self, node):
    """Move the cluster address to ``node``'s eth0."""
    for other in self.Nodes:
      subprocess.run(["ip", "-n", self.Netns(other), "addr", "del",
                      "%s/32" % CLUSTER_IP, "dev", "eth0"],
                     capture_output=True, check=False)
    _Ip("-n", self.Netns(node), "addr", "add", "%s/32" % CLUSTER_IP, "dev",
        "eth0")

  # -- tear-down --------------------------------------------------------------
  def DaemonPids(self, node):
    """{daemon: pid} from the node's Ganeti pid files."""
    run_dir = os.path.join(self.NodeRoot(node), "var/run/ganeti")
    pids = {}
    if os.path.isdir(run_dir):
      for fname in os.listdir(run_dir):
        if fname.endswith(".pid"):
          pid = _ReadPid(os.path.join(run_dir, fname))
          if pid:
            pids[fname[:-4]] = pid
    return pids

  def StopDaemons(self, node, timeout=10.0):
    """Stop the Ganeti daemons of ``node`` by PID (TERM, then KILL)."""
    pids = list(self.DaemonPids(node).values())
    _KillPids(pids, timeout)

  def Stop(self):
    for node in self.Nodes:
      self.StopDaemons(node)
    _KillPids([p for p in self._sshd_pids.values() if p], 5.0)
    self._sshd_pids = {}
    for ns in reversed(self._namespaces):
      subprocess.run(["ip", "netns", "del", ns], capture_output=True,
                     check=False)
    self._namespaces = []
    if not self.keep:
      shutil.rmtree(self.basedir, ignore_errors=True)


def _ReadPid(path):
  try:
    with open(path) as fh:
      return int(fh.read().strip())
  except (OSError, ValueError):
    return None


def _KillPids(pids, timeout):
  for pid in pids:
    try:
      os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
      pass
  deadline = time.monotonic() + timeout
  for pid in pids:
    while process.IsProcessAlive(pid) and time.monotonic() < deadline:
      time.sleep(0.05)
    if process.IsProcessAlive(pid):
      try:
        os.kill(pid, signal.SIGKILL)
      except ProcessLookupError:
        pass

