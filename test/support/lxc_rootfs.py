"""A tiny busybox root file system for real LXC containers in tests.

Its init (busybox init) appends a line to ``/tmp/marker`` at every boot
(with the hostname, and the MAC address of eth0 when it has one), runs
``/etc/ganeti-test-boot`` if present, then sleeps until the container is
stopped; Ctrl-Alt-Del (what ``lxc-stop --reboot`` sends) reboots it.
"""

import os
import shutil
import subprocess

APPLETS = ["sh", "ip", "ping", "sleep", "cat", "echo", "mount", "hostname",
           "ls", "reboot", "poweroff", "halt", "sync", "test"]

INITTAB = """\
::sysinit:/bin/sh /etc/ganeti-test-init
::respawn:/bin/sleep 3600
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/echo CONTAINER-DOWN
"""

INIT_SCRIPT = """\
mac=$(cat /sys/class/net/eth0/address 2>/dev/null || echo none)
echo "UP $(hostname) $mac" >> /tmp/marker
[ -f /etc/ganeti-test-boot ] && /bin/sh /etc/ganeti-test-boot
echo CONTAINER-UP
"""


def FindStaticBusybox():
  """Path of a statically linked busybox, or None."""
  path = shutil.which("busybox")
  if not path:
    return None
  with open(path, "rb") as fh:
    head = fh.read(8192)
  if b"ld-linux" in head or b"/lib/ld-" in head:
    return None
  return path


def MissingForContainers():
  """Why real containers can't run here, or None."""
  if os.geteuid() != 0:
    return "needs root"
  for cmd in ("lxc-start", "lxc-stop", "lxc-ls", "lxc-info", "lxc-wait"):
    if not shutil.which(cmd):
      return "LXC is not installed (%s missing; Debian package lxc)" % cmd
  if not FindStaticBusybox():
    return "no static busybox (Debian package busybox-static)"
  return None


def MakeRootfs(root, boot_script=None):
  """Populate directory ``root`` with the busybox system."""
  for sub in ("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root",
              "var/lib/ganeti"):
    os.makedirs(os.path.join(root, sub), exist_ok=True)
  shutil.copy(FindStaticBusybox(), os.path.join(root, "bin", "busybox"))
  for applet in APPLETS:
    os.symlink("busybox", os.path.join(root, "bin", applet))
  for applet in ("init", "reboot"):
    os.symlink("../bin/busybox", os.path.join(root, "sbin", applet))
  with open(os.path.join(root, "etc", "inittab"), "w") as fh:
    fh.write(INITTAB)
  with open(os.path.join(root, "etc", "ganeti-test-init"), "w") as fh:
    fh.write(INIT_SCRIPT)
  if boot_script:
    with open(os.path.join(root, "etc", "ganeti-test-boot"), "w") as fh:
      fh.write(boot_script)
  return root


def _Check(argv, **kwargs):
  proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
  if proc.returncode != 0:
    raise RuntimeError("%s failed: %s" % (argv[0], proc.stderr))


def MakeImage(path, root, size_mb=16, partitioned=False):
  """An ext2 file system image at ``path`` holding directory ``root``.

  With ``partitioned``, the image gets an MBR partition table whose one
  partition (from 1 MiB) holds the file system.

  @raise RuntimeError: mke2fs or sfdisk can't build it
  """
  fs_path = path + ".fs" if partitioned else path
  with open(fs_path, "wb") as fh:
    fh.truncate(size_mb * 1024 * 1024)
  _Check(["mke2fs", "-q", "-F", "-t", "ext2", "-d", root, fs_path])
  if partitioned:
    with open(path, "wb") as fh:
      fh.truncate((size_mb + 2) * 1024 * 1024)
    _Check(["sfdisk", "-q", path], input="start=2048, size=%d, type=83\n" %
           (size_mb * 2048))
    with open(fs_path, "rb") as src, open(path, "r+b") as dst:
      dst.seek(1024 * 1024)
      shutil.copyfileobj(src, dst)
    os.unlink(fs_path)
  return path
