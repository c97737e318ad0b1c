"""One node VM: a qemu (TCG) process and the shell that controls it.

The guest's first serial port (its console) goes to a log file, the second
is a root shell on a unix socket (:class:`GuestShell`), QMP is on another
unix socket.  Every wait has a deadline; the process is ended only by the
code that started it, by its own PID.
"""

import base64
import os
import random
import re
import shlex
import signal
import socket
import subprocess
import time

QEMU = "qemu-system-x86_64"


class GuestError(Exception):
  """A command in the guest failed, or the guest did not answer in time."""


def _Connect(path, timeout):
  deadline = time.monotonic() + timeout
  while True:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
      sock.connect(path)
      return sock
    except OSError:
      sock.close()
      if time.monotonic() > deadline:
        raise GuestError("Can't connect to %s within %ss" % (path, timeout))
      time.sleep(0.05)


class GuestShell:
  """Run shell commands in a guest through a shell on a serial socket.

  Each command is followed by a ``printf`` of a unique end marker with its
  exit status; :meth:`Run` reads until that marker.  A serial tty holds
  at most 4 KiB of pending input, so commands stay short (see
  :meth:`WriteFile`, which sends data in bounded chunks).
  """

  _MAX_CMD = 2048

  def __init__(self, path, timeout=60.0):
    self.sock = _Connect(path, timeout)
    self.count = 0
    # markers unique to this connection: output a previous connection
    # left unread can't be taken for ours
    self.session = "%08x" % random.getrandbits(32)
    self.buf = b""
    # wake the shell, then silence echo and prompts
    self.Run("stty -echo -onlcr; PS1=''; PS2=''", timeout=timeout)

  def Close(self):
    try:
      self.sock.close()
    except OSError:
      pass

  def Run(self, cmd, timeout=120.0, check=True):
    """Run ``cmd``; return (exit status, output).

    @raise GuestError: the command failed (with C{check}) or timed out
    """
    if len(cmd) > self._MAX_CMD:
      raise GuestError("Command too long for the serial shell (%d bytes)" %
                       len(cmd))
    self.count += 1
    tag = "__NODEVM_END_%s_%d__" % (self.session, self.count)
    self.sock.sendall(("%s\nprintf '\\n%s %%s\\n' $?\n" %
                       (cmd, tag)).encode("utf-8"))
    pattern = re.compile(rb"\n" + tag.encode() + rb" (\d+)\r?\n")
    deadline = time.monotonic() + timeout
    while True:
      match = pattern.search(self.buf)
      if match:
        break
      remaining = deadline - time.monotonic()
      if remaining <= 0:
        raise GuestError("Guest command timed out after %ss: %s; output so"
                         " far: %r" % (timeout, cmd, self.buf[-500:]))
      self.sock.settimeout(min(1.0, remaining))
      try:
        data = self.sock.recv(65536)
      except socket.timeout:
        continue
      if not data:
        raise GuestError("Control channel closed while running: %s" % cmd)
      self.buf += data
    out = self.buf[:match.start()].decode("utf-8", "replace")
    self.buf = self.buf[match.end():]
    out = out.replace("\r", "")
    # a line the tty echoed before "stty -echo" took effect
    lines = [line for line in out.split("\n")
             if line.strip() not in (cmd.strip(),)
             and not line.startswith("printf '\\n__NODEVM_END_")]
    out = "\n".join(lines).strip("\n")
    status = int(match.group(1))
    if check and status != 0:
      raise GuestError("Guest command failed (exit %d): %s\n%s" %
                       (status, cmd, out[-2000:]))
    return (status, out)

  def Check(self, cmd, timeout=120.0):
    """Run ``cmd``, require exit status 0, return its output."""
    return self.Run(cmd, timeout=timeout, check=True)[1]

  def WriteFile(self, path, data, mode=0o644):
    """Write ``data`` (bytes or str) to ``path`` in the guest."""
    if isinstance(data, str):
      data = data.encode("utf-8")
    encoded = base64.b64encode(data).decode("ascii")
    tmp = "%s.nodevm-tmp" % path
    qtmp = shlex.quote(tmp)
    self.Check(": > %s" % qtmp)
    chunk = 1500
    for start in range(0, len(encoded), chunk):
      self.Check("printf %%s %s >> %s" % (encoded[start:start + chunk], qtmp))
    self.Check("base64 -d < %s > %s && rm -f %s && chmod %o %s" %
               (qtmp, shlex.quote(path), qtmp, mode, shlex.quote(path)))


class NodeVm:
  """A qemu guest acting as one cluster node."""

  def __init__(self, workdir, name, images, ip_cidr, mac, netns, tap,
               code_dir=None, mem=512, pv_size=8 << 30):
    self.workdir = workdir
    self.name = name
    self.images = images
    self.ip_cidr = ip_cidr
    self.ip = ip_cidr.split("/")[0]
    self.mac = mac
    self.netns = netns
    self.tap = tap
    self.code_dir = code_dir
    self.mem = mem
    self.pv_size = pv_size
    base = os.path.join(workdir, name)
    self.root_disk = base + "-root.qcow2"
    self.pv_disk = base + "-pv.raw"
    self.console_log = base + ".console"
    self.control_sock = base + ".ctl"
    self.qmp_sock = base + ".qmp"
    self.stderr_log = base + ".stderr"
    self.proc = None
    self.pid = None
    self.shell = None
    self.started = None
    self.boot_time = None

  def _Argv(self):
    append = ("console=ttyS0 quiet panic=-1 nodevm.rinit=/sbin/nodevm-init"
              " nodevm.name=%s nodevm.ip=%s" % (self.name, self.ip_cidr))
    argv = [QEMU, "-name", self.name, "-accel", "tcg", "-m", str(self.mem),
            "-nodefaults", "-display", "none", "-no-reboot",
            "-rtc", "base=utc",
            "-kernel", self.images.kernel, "-initrd", self.images.initramfs,
            "-drive", "file=%s,format=qcow2,if=virtio" % self.root_disk,
            "-drive", "file=%s,format=raw,if=virtio,cache=unsafe" %
            self.pv_disk,
            "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" %
            self.tap,
            "-device", "virtio-net-pci,netdev=n0,mac=%s" % self.mac,
            "-chardev", "file,id=con,path=%s" % self.console_log,
            "-serial", "chardev:con",
            "-chardev", "socket,id=ctl,path=%s,server=on,wait=off" %
            self.control_sock,
            "-serial", "chardev:ctl",
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp_sock]
    if self.code_dir:
      append += " nodevm.code=pyganeti"
      argv += ["-fsdev", "local,id=code,path=%s,security_model=none,"
               "readonly=on" % self.code_dir,
               "-device", "virtio-9p-pci,fsdev=code,mount_tag=pyganeti"]
    argv += ["-append", append]
    return ["ip", "netns", "exec", self.netns] + argv

  def Start(self):
    """Create the disks and start qemu (returns at once)."""
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b",
                    self.images.root, "-F", "raw", self.root_disk],
                   check=True, capture_output=True)
    with open(self.pv_disk, "wb") as fh:
      fh.truncate(self.pv_size)
    for path in (self.console_log, self.control_sock, self.qmp_sock):
      if os.path.exists(path):
        os.unlink(path)
    self.started = time.monotonic()
    with open(self.stderr_log, "w") as err:
      self.proc = subprocess.Popen(self._Argv(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err)

  def Console(self):
    try:
      with open(self.console_log, "rb") as fh:
        return fh.read().decode("utf-8", "replace")
    except FileNotFoundError:
      return ""

  def WaitUp(self, timeout=180.0):
    """Wait for the guest's ready marker and open its control shell."""
    deadline = time.monotonic() + timeout
    while "NODEVM-UP" not in self.Console():
      if self.proc.poll() is not None:
        with open(self.stderr_log) as fh:
          err = fh.read()[-1000:]
        raise GuestError("%s: qemu exited (%s): %s\nconsole: %s" % (
          self.name, self.proc.returncode, err, self.Console()[-1500:]))
      if time.monotonic() > deadline:
        raise GuestError("%s did not come up within %ss; console: %s" % (
          self.name, timeout, self.Console()[-1500:]))
      time.sleep(0.05)
    self.boot_time = time.monotonic() - self.started
    self.shell = GuestShell(self.control_sock,
                            timeout=max(5.0, deadline - time.monotonic()))
    return self.shell

  def Pid(self):
    return self.proc.pid if self.proc is not None else self.pid

  def _IsOurQemu(self, pid):
    """Whether ``pid`` is still the qemu this object started."""
    try:
      with open("/proc/%d/cmdline" % pid, "rb") as fh:
        argv = fh.read().split(b"\0")
    except OSError:
      return False
    return (argv[:1] == [QEMU.encode()] and
            self.control_sock.encode() in b" ".join(argv))

  def Stop(self, timeout=10.0):
    """End this qemu (started by us) by its PID; wait for it."""
    if self.shell is not None:
      self.shell.Close()
      self.shell = None
    if self.proc is not None:
      if self.proc.poll() is not None:
        return
      self.proc.terminate()
      try:
        self.proc.wait(timeout=timeout)
      except subprocess.TimeoutExpired:
        self.proc.kill()
        self.proc.wait(timeout=timeout)
      return
    # started by an earlier process (see cluster.NodeVmCluster.Load)
    pid = self.pid
    if pid is None or not self._IsOurQemu(pid):
      return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while self._IsOurQemu(pid):
      if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
      time.sleep(0.05)

  def Attach(self, pid, timeout=30.0):
    """Take over a running guest (by its qemu PID) and open its shell."""
    self.pid = pid
    if not self._IsOurQemu(pid):
      raise GuestError("%s: qemu %s is not running" % (self.name, pid))
    self.shell = GuestShell(self.control_sock, timeout=timeout)
    return self.shell
