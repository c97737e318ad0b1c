"""daemons/daemon-util stop: a daemon that exited is stopped, zombie or not.

An exited daemon stays a zombie until its parent reaps it; on some systems
init does that only every few seconds.  'daemon-util stop' must return as
soon as the daemon has exited, and must not mistake the zombie for a daemon
that ignores SIGTERM (which it would SIGKILL after 30 s).
"""

import fcntl
import os
import signal
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
DAEMON_UTIL = os.path.join(TOP, "daemons", "daemon-util")


def _StartFakeDaemon(root, name):
  """Fork a child that holds the pid file lock and exits on SIGTERM.

  The caller (this test) does not reap it, so after SIGTERM it is a zombie.
  Returns the child's PID once its pid file is written.
  """
  run_dir = os.path.join(root, "var", "run", "ganeti")
  os.makedirs(run_dir, exist_ok=True)
  pidfile = os.path.join(run_dir, "%s.pid" % name)
  (rfd, wfd) = os.pipe()
  pid = os.fork()
  if pid == 0:
    try:
      os.close(rfd)
      fd = os.open(pidfile, os.O_RDWR | os.O_CREAT, 0o600)
      fcntl.flock(fd, fcntl.LOCK_EX)
      os.write(fd, b"%d\n" % os.getpid())
      signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
      os.write(wfd, b"ready")
      os.close(wfd)
      while True:
        signal.pause()
    finally:
      os._exit(1)
  os.close(wfd)
  with os.fdopen(rfd, "rb") as fh:
    assert fh.read() == b"ready"
  return pid


def _State(pid):
  with open("/proc/%d/stat" % pid) as fh:
    return fh.read().rsplit(")", 1)[1].split()[0]


def testStopReturnsWhenDaemonIsZombie(tmp_path):
  root = str(tmp_path)
  pid = _StartFakeDaemon(root, "ganeti-noded")
  env = dict(os.environ, GANETI_ROOTDIR=root, GANETI_HOSTNAME="node1")
  try:
    start = time.monotonic()
    proc = subprocess.run(["bash", DAEMON_UTIL, "stop", "ganeti-noded"],
                          env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc
    assert "did not stop" not in proc.stderr
    # it exited on SIGTERM and nobody has reaped it yet
    assert _State(pid) == "Z"
    assert elapsed < 10, elapsed
  finally:
    try:
      os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
      pass
    (_, status) = os.waitpid(pid, 0)
  assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def testStopLeavesOtherDaemonsAlone(tmp_path):
  root = str(tmp_path)
  pid = _StartFakeDaemon(root, "ganeti-masterd")
  env = dict(os.environ, GANETI_ROOTDIR=root, GANETI_HOSTNAME="node1")
  try:
    proc = subprocess.run(["bash", DAEMON_UTIL, "stop", "ganeti-noded"],
                          env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc
    assert _State(pid) in ("S", "R")
  finally:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)


if __name__ == "__main__":
  sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", __file__]))
