"""Start and drive a real virtual cluster from tests.

Each cluster gets its own directory and its own loopback /24 (127.0.X.0),
chosen so that no other process listens on its node daemon addresses.
Commands run with the master's (or a node's) environment, exactly as an
administrator's shell after sourcing ``DIR/env``.
"""

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
if TOP not in sys.path:
  sys.path.insert(0, TOP)

from ganeti.tools import vcluster_setup  # noqa: E402

NODED_PORT = 1811


def _PortFree(ip, port):
  sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  sock.settimeout(0.2)
  try:
    return sock.connect_ex((ip, port)) != 0
  finally:
    sock.close()


def FindOs(name):
  """Path of an installed OS definition (Ganeti's OS search path), or None."""
  from ganeti import constants
  for base in constants.OS_SEARCH_PATH:
    path = os.path.join(base, name)
    if os.path.isdir(path):
      return path
  return None


#: pyganeti's own test OS definitions (test/data/os; see its README)
TEST_OS_DIR = os.path.join(TOP, "test", "data", "os")
TEST_OSES = ("test-api10", "test-api15", "test-api20")


def InstallTestOSes(root, names=TEST_OSES):
  """Copy the test OS definitions into ``/srv/ganeti/os`` below ``root``.

  ``root`` is a node's root directory (or "" for the real one); the
  scripts are copied as files, so the node sees ordinary OS directories.
  """
  import shutil
  from ganeti import constants
  target = root + constants.OS_SEARCH_PATH[0]
  os.makedirs(target, exist_ok=True)
  for name in names:
    dest = os.path.join(target, name)
    if not os.path.exists(dest):
      shutil.copytree(os.path.join(TEST_OS_DIR, name), dest)


NOOP_MISSING = ("the 'noop' OS definition is not installed (Debian package"
                " ganeti-os-noop; 'make check' installs it as root)")


def PickPrefix():
  """A 127.0.X prefix whose node addresses are unused."""
  for _ in range(200):
    prefix = "127.0.%d" % random.randint(100, 250)
    if all(_PortFree("%s.%d" % (prefix, 10 + i), NODED_PORT)
           for i in range(8)):
      return prefix
  raise RuntimeError("No free loopback prefix found")


class Result:
  def __init__(self, argv, proc):
    self.argv = argv
    self.exit_code = proc.returncode
    self.stdout = proc.stdout
    self.stderr = proc.stderr

  def __repr__(self):
    return "<%s exit=%s\nstdout=%s\nstderr=%s>" % (
      " ".join(self.argv), self.exit_code, self.stdout, self.stderr)


class VirtualCluster:
  """A running virtual cluster below ``basedir``."""

  def __init__(self, basedir, nodes=3, prefix=None):
    self.basedir = os.path.abspath(basedir)
    self.count = nodes
    self.prefix = prefix or PickPrefix()
    self.nodes = vcluster_setup.NodeNames(nodes)
    self.master = self.nodes[0]

  def Start(self):
    vcluster_setup.Up(self.basedir, self.count, self.prefix)
    return self

  def Stop(self):
    vcluster_setup.Down(self.basedir)

  def InstallTestOSes(self, names=TEST_OSES):
    """Install the test OS definitions on every node of the cluster."""
    for node in self.nodes:
      InstallTestOSes(self.NodeRoot(node), names)

  def Env(self, node=None):
    env = vcluster_setup.NodeEnv(self.basedir, node or self.master)
    env.pop("FORCE_LUXI_SOCKET", None)
    env["LC_ALL"] = "C"
    return env

  def NodeRoot(self, node=None):
    return os.path.join(self.basedir, node or self.master)

  def Run(self, cmd, node=None, stdin=None, timeout=120):
    """Run a shell command line as on ``node`` (default: the master)."""
    argv = ["bash", "-c", cmd]
    proc = subprocess.run(argv, env=self.Env(node), capture_output=True,
                          text=True, input=stdin, timeout=timeout,
                          check=False)
    return Result([cmd], proc)

  def Check(self, cmd, node=None):
    """Run and require exit code 0; return stdout."""
    result = self.Run(cmd, node=node)
    if result.exit_code != 0:
      raise AssertionError("Command failed: %r" % result)
    return result.stdout

  def PidFile(self, daemon, node=None):
    return os.path.join(self.NodeRoot(node), "var/run/ganeti",
                        "%s.pid" % daemon)

  def DaemonPid(self, daemon, node=None):
    try:
      with open(self.PidFile(daemon, node)) as fh:
        return int(fh.read().strip())
    except (OSError, ValueError):
      return None


def WaitFor(fn, timeout=30.0, interval=0.05, what="condition"):
  """Wait until ``fn()`` returns a true value; return it."""
  deadline = time.monotonic() + timeout
  while True:
    value = fn()
    if value:
      return value
    if time.monotonic() > deadline:
      raise AssertionError("Timed out waiting for %s" % what)
    time.sleep(interval)


def PidFileFree(pidfile):
  """Whether the daemon of ``pidfile`` has exited: nobody holds its lock
  on the file any more.  (The thread group leader of a killed
  multi-threaded process can be a zombie while other threads still hold
  its files, so the PID alone does not tell.)"""
  import fcntl
  fd = os.open(pidfile, os.O_RDONLY)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except BlockingIOError:
    return False
  finally:
    os.close(fd)
  return True


@contextlib.contextmanager
def Running(prefix, nodes=3):
  """A new virtual cluster of ``nodes`` nodes in a temporary directory
  (named after ``prefix``), stopped and removed when the block ends."""
  tmp = tempfile.mkdtemp(prefix=prefix)
  try:
    cluster = VirtualCluster(os.path.join(tmp, "vc"), nodes=nodes).Start()
    try:
      yield cluster
    finally:
      cluster.Stop()
  finally:
    shutil.rmtree(tmp, ignore_errors=True)
