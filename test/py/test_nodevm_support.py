"""The node-VM support code that runs without qemu (test/support/nodevm)."""

import lzma
import os
import socket
import subprocess
import sys
import threading

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

from nodevm import cluster  # noqa: E402
from nodevm import images  # noqa: E402
from nodevm import netns  # noqa: E402
from nodevm import qemu  # noqa: E402

pytestmark = pytest.mark.unit


class _ShellServer:
  """A unix socket whose one connection is a real ``sh`` (like ttyS1)."""

  def __init__(self, path):
    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self.sock.bind(path)
    self.sock.listen(1)
    self.proc = None
    self.thread = threading.Thread(target=self._Serve, daemon=True)
    self.thread.start()

  def _Serve(self):
    (conn, _) = self.sock.accept()
    self.proc = subprocess.Popen(["sh"], stdin=conn.fileno(),
                                 stdout=conn.fileno(), stderr=conn.fileno())
    conn.close()

  def Stop(self):
    self.thread.join(10)
    if self.proc is not None:
      self.proc.kill()
      self.proc.wait()
    self.sock.close()


@pytest.fixture
def shell(tmp_path):
  path = str(tmp_path / "ctl")
  server = _ShellServer(path)
  sh = qemu.GuestShell(path, timeout=10)
  try:
    yield sh
  finally:
    sh.Close()
    server.Stop()


def testRunOutputAndStatus(shell):
  assert shell.Run("echo hello; echo world") == (0, "hello\nworld")
  assert shell.Run("echo oops >&2; exit_code() { return 3; }; exit_code",
                   check=False) == (3, "oops")
  # the next command is not confused by the previous one's output
  assert shell.Check("printf 'no newline'") == "no newline"


def testRunFailureRaises(shell):
  with pytest.raises(qemu.GuestError, match="exit 1"):
    shell.Run("false")


def testRunTimeout(shell):
  with pytest.raises(qemu.GuestError, match="timed out"):
    shell.Run("sleep 3", timeout=0.3)


def testRunRefusesOverlongCommands(shell):
  with pytest.raises(qemu.GuestError, match="too long"):
    shell.Run("echo " + "x" * 5000)


def testWriteFileInChunks(shell, tmp_path):
  data = bytes(range(256)) * 40     # 10 KiB, every byte value
  target = tmp_path / "out.bin"
  shell.WriteFile(str(target), data, mode=0o600)
  assert target.read_bytes() == data
  assert oct(target.stat().st_mode & 0o777) == "0o600"
  assert not os.path.exists(str(target) + ".nodevm-tmp")


def testExtractVmlinux(tmp_path):
  elf = b"\x7fELF" + os.urandom(3000)
  bzimage = tmp_path / "vmlinuz"
  bzimage.write_bytes(b"MZ setup code" + b"\0" * 100 +
                      lzma.compress(elf, format=lzma.FORMAT_XZ))
  images._ExtractVmlinux(str(bzimage), str(tmp_path / "vmlinux"))
  assert (tmp_path / "vmlinux").read_bytes() == elf


def testExtractVmlinuxWithoutPayload(tmp_path):
  (tmp_path / "vmlinuz").write_bytes(b"MZ nothing compressed here")
  with pytest.raises(images.BuildError, match="no XZ payload"):
    images._ExtractVmlinux(str(tmp_path / "vmlinuz"),
                           str(tmp_path / "vmlinux"))


def testHashCoversEveryInput():
  base = images._Hash("1", "pkg", "ver")
  assert base == images._Hash("1", "pkg", "ver")
  assert base != images._Hash("1", "pkg", "ver2")
  # parts are separated: moving a boundary changes the hash
  assert images._Hash("ab", "c") != images._Hash("a", "bc")


def testPruneKeepsCurrentAndFresh(tmp_path):
  cache = str(tmp_path)
  for name in ("kernel-old", "kernel-new", "node-root-cur.raw",
               "root.leftover", "initramfs-x.cpio.gz.tmp", "build.log"):
    path = os.path.join(cache, name)
    if name.startswith(("kernel-", "root.")):
      os.mkdir(path)
    else:
      open(path, "w").close()
  old = 10 * 86400
  os.utime(os.path.join(cache, "kernel-old"), (0, 0))
  os.utime(os.path.join(cache, "node-root-cur.raw"), (old, old))
  images._Prune(cache, (os.path.join(cache, "node-root-cur.raw"), ))
  assert sorted(os.listdir(cache)) == ["build.log", "kernel-new",
                                       "node-root-cur.raw"]


@pytest.mark.root
def testCleanupStaleNamespaces():
  reason = netns.Available()
  if reason:
    pytest.skip(reason)
  dead = subprocess.Popen(["true"])
  dead.wait()
  stale = "nodevm-%d-beef" % dead.pid
  alive = "nodevm-%d-cafe" % os.getpid()
  subprocess.run(["ip", "netns", "add", stale], check=True)
  subprocess.run(["ip", "netns", "add", alive], check=True)
  sleeper = subprocess.Popen(["ip", "netns", "exec", stale, "sleep", "60"])
  try:
    netns.CleanupStale()
    sleeper.wait(timeout=10)    # killed with its namespace's owner gone
    names = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True, check=True).stdout
    assert stale not in names
    assert alive in names       # its owner (this process) is alive
  finally:
    if sleeper.poll() is None:
      sleeper.kill()
      sleeper.wait()
    for name in (stale, alive):
      subprocess.run(["ip", "netns", "del", name], capture_output=True,
                     check=False)


def testMissingProgramsAreTheSkipReason(monkeypatch):
  if os.geteuid() != 0:
    pytest.skip("the root check comes first")
  monkeypatch.setattr(qemu, "QEMU", "qemu-system-pyganeti-missing")
  reason = cluster.MissingRequirements()
  assert reason.startswith("missing programs: qemu-system-pyganeti-missing")
  assert "qemu-system-x86" in reason     # names the Debian package
