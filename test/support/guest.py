"""A tiny bootable guest for the real-qemu tests: Debian's kernel plus a
busybox initramfs whose /init prints a marker on the serial console.

Everything is built on demand and cached in :func:`CacheDir` (env
``PYGANETI_GUEST_CACHE``, default ``/var/tmp/pyganeti-guest``):

- ``kernel/vmlinuz`` (the Debian bzImage) and ``kernel/vmlinux`` (its
  uncompressed ELF payload, which qemu boots through the PVH entry point,
  about twice as fast under TCG), from ``apt-get download`` of the image
  package that the ``linux-image-amd64`` meta package depends on;
- ``initramfs-<hash of /init>.cpio.gz``: busybox-static, the virtio,
  ACPI button and evdev modules, and /init.

The guest's /init reads ``guest=<mode>`` from the kernel command line:

- default: print :data:`MARKER`, then :data:`READY_MARKER` once the ACPI
  power button can be heard, and on a power button press (QMP
  ``system_powerdown``) print :data:`SHUTDOWN_MARKER` and power off;
- ``poweroff``: print the marker and power off at once;
- ``net`` (with ``ip=<cidr> peer=<address>``): configure eth0, ping the
  peer, print :data:`NET_OK_MARKER` or :data:`NET_FAIL_MARKER`, then wait
  for the power button as by default.

With ``tick=1`` on the kernel command line (any mode), a background loop
also prints ``TICK_MARKER uptime=<seconds>`` every second: a guest that
keeps running (live migration) goes on counting where it was.

Use :func:`Available` to skip tests with a clear reason.
"""

import fcntl
import gzip
import hashlib
import lzma
import os
import shutil
import subprocess
import tempfile

MARKER = "PYGANETI-GUEST-BOOTED"
READY_MARKER = "PYGANETI-GUEST-ACPI-READY"
SHUTDOWN_MARKER = "PYGANETI-GUEST-POWERDOWN"
NET_OK_MARKER = "PYGANETI-GUEST-NET-OK"
NET_FAIL_MARKER = "PYGANETI-GUEST-NET-FAIL"
TICK_MARKER = "PYGANETI-GUEST-TICK"

QEMU = "qemu-system-x86_64"
_MODULES = ["virtio_pci", "virtio_blk", "virtio_net", "button", "evdev"]


def CacheDir():
  path = os.environ.get("PYGANETI_GUEST_CACHE", "/var/tmp/pyganeti-guest")
  os.makedirs(path, exist_ok=True)
  return path


def _Busybox():
  """Path of a static busybox, or None."""
  path = shutil.which("busybox")
  if not path:
    return None
  out = subprocess.run(["ldd", path], capture_output=True, text=True,
                       check=False)
  if "not a dynamic" not in (out.stdout + out.stderr):
    return None
  return path


def Available():
  """None if a guest can be built and booted here, else the reason."""
  if not shutil.which(QEMU):
    return "%s is not installed (Debian package qemu-system-x86)" % QEMU
  if not _Busybox():
    return "a static busybox is missing (Debian package busybox-static)"
  for tool in ("apt-get", "dpkg", "depmod", "modprobe"):
    if not shutil.which(tool) and not os.path.exists("/sbin/" + tool):
      return "%s is missing (needed to fetch and unpack the kernel)" % tool
  return None


def _ImagePackage():
  out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                       capture_output=True, text=True, check=False).stdout
  if "Depends:" not in out and os.geteuid() == 0:
    # no package lists yet (a fresh machine): fetch them once
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         capture_output=True, text=True, check=True).stdout
  for line in out.splitlines():
    (key, _, value) = line.strip().partition(": ")
    if key == "Depends" and value.startswith("linux-image-") and \
        value[len("linux-image-")].isdigit():
      return value
  raise RuntimeError("Cannot resolve the package linux-image-amd64 depends"
                     " on (run apt-get update)")


def _Decompress(bzimage, out):
  """Cut the XZ payload out of Debian's bzImage (an ELF vmlinux)."""
  with open(bzimage, "rb") as fh:
    data = fh.read()
  start = data.find(b"\xfd7zXZ\x00")
  if start < 0:
    raise RuntimeError("%s has no XZ payload" % bzimage)
  elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
  with open(out + ".tmp", "wb") as fh:
    fh.write(elf)
  os.rename(out + ".tmp", out)


def Kernel():
  """(vmlinuz, vmlinux, kernel version, module root), fetched once."""
  kdir = os.path.join(CacheDir(), "kernel")
  verfile = os.path.join(kdir, "kver")
  vmlinuz = os.path.join(kdir, "vmlinuz")
  vmlinux = os.path.join(kdir, "vmlinux")
  root = os.path.join(kdir, "root")
  if os.path.exists(verfile) and os.path.exists(vmlinux):
    with open(verfile) as fh:
      kver = fh.read().strip()
    return (vmlinuz, vmlinux, kver, root)
  pkg = _ImagePackage()
  kver = pkg[len("linux-image-"):]
  shutil.rmtree(kdir, ignore_errors=True)
  os.makedirs(kdir)
  tmp = tempfile.mkdtemp(prefix="kernel-", dir=CacheDir())
  try:
    os.chmod(tmp, 0o755)  # apt's sandbox user must be able to write there
    subprocess.run(["apt-get", "download", "-q", pkg], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    (deb,) = [f for f in os.listdir(tmp) if f.endswith(".deb")]
    subprocess.run(["dpkg", "-x", os.path.join(tmp, deb), root], check=True)
  finally:
    shutil.rmtree(tmp, ignore_errors=True)
  shutil.copy(os.path.join(root, "boot", "vmlinuz-" + kver), vmlinuz)
  subprocess.run(["depmod", "-b", root, kver], check=True)
  _Decompress(vmlinuz, vmlinux)
  with open(verfile, "w") as fh:
    fh.write(kver + "\n")
  return (vmlinuz, vmlinux, kver, root)


# The guest's /init.  The ACPI power button (QMP system_powerdown) reaches
# it as a key event on the "Power Button" input device (modules button and
# evdev); reading one event from that device is the shutdown request.
_INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo /bin/modprobe > /proc/sys/kernel/modprobe
exec </dev/console >/dev/console 2>&1
arg() { for w in $(cat /proc/cmdline); do case "$w" in "$1"=*) echo "${w#*=}";; esac; done; }
for m in %(modules)s; do modprobe "$m" 2>/dev/null; done
echo "%(marker)s mode=$(arg guest) uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ "$(arg tick)" = 1 ]; then
  (while true; do echo "%(tick)s uptime=$(cut -d' ' -f1 /proc/uptime)"; sleep 1; done) &
fi
case "$(arg guest)" in
  poweroff) sync; poweroff -f ;;
  net)
    for i in $(seq 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
    ip link set lo up; ip addr add "$(arg ip)" dev eth0; ip link set eth0 up
    if ping -c 3 -W 2 "$(arg peer)" >/dev/null 2>&1; then
      echo "%(net_ok)s"
    else
      echo "%(net_fail)s"
    fi
    ;;
esac
# wait for the ACPI power button (an input device named "Power Button")
for i in $(seq 50); do
  for ev in /sys/class/input/event*; do
    if grep -q "Power Button" "$ev/device/name" 2>/dev/null && \
        [ -c "/dev/input/${ev##*/}" ]; then
      exec 3<"/dev/input/${ev##*/}"
      echo "%(ready)s"
      dd bs=24 count=1 of=/dev/null <&3 2>/dev/null
      echo "%(shutdown)s"
      sync
      poweroff -f
    fi
  done
  sleep 0.1
done
echo "no power button found; sleeping"
while true; do sleep 3600; done
"""


def Initramfs():
  """Path of the cached busybox initramfs (built once)."""
  script = _INIT % {"modules": " ".join(_MODULES), "marker": MARKER,
                    "ready": READY_MARKER, "shutdown": SHUTDOWN_MARKER,
                    "net_ok": NET_OK_MARKER, "net_fail": NET_FAIL_MARKER,
                    "tick": TICK_MARKER}
  # a changed /init gets a new file
  digest = hashlib.sha256(script.encode()).hexdigest()[:12]
  out = os.path.join(CacheDir(), "initramfs-%s.cpio.gz" % digest)
  if os.path.exists(out):
    return out
  (_, _, kver, modroot) = Kernel()
  busybox = _Busybox()
  if not busybox:
    raise RuntimeError("a static busybox is needed (busybox-static)")
  work = tempfile.mkdtemp(prefix="initramfs-", dir=CacheDir())
  try:
    for sub in ("bin", "sbin", "dev", "proc", "sys", "tmp", "etc", "mnt"):
      os.makedirs(os.path.join(work, sub))
    shutil.copy(busybox, os.path.join(work, "bin", "busybox"))
    moddir = os.path.join("lib", "modules", kver)
    os.makedirs(os.path.join(work, moddir))
    for mod in _MODULES:
      deps = subprocess.run(["modprobe", "-d", modroot, "-S", kver,
                             "--show-depends", mod], capture_output=True,
                            text=True, check=True).stdout
      for line in deps.splitlines():
        fields = line.split()
        if fields and fields[0] == "insmod":
          rel = os.path.relpath(fields[1], modroot)
          os.makedirs(os.path.join(work, os.path.dirname(rel)),
                      exist_ok=True)
          shutil.copy(fields[1], os.path.join(work, rel))
    for name in ("modules.dep", "modules.alias", "modules.builtin",
                 "modules.order"):
      src = os.path.join(modroot, moddir, name)
      if os.path.exists(src):
        shutil.copy(src, os.path.join(work, moddir, name))
    init = os.path.join(work, "init")
    with open(init, "w") as fh:
      fh.write(script)
    os.chmod(init, 0o755)
    names = subprocess.run(["find", "."], cwd=work, capture_output=True,
                           check=True).stdout
    cpio = subprocess.run([busybox, "cpio", "-o", "-H", "newc"], cwd=work,
                          input=names, capture_output=True, check=True).stdout
    with gzip.open(out + ".tmp", "wb", compresslevel=1) as fh:
      fh.write(cpio)
    os.rename(out + ".tmp", out)
  finally:
    shutil.rmtree(work, ignore_errors=True)
  return out


def Guest():
  """(kernel, initrd) paths ready for qemu's -kernel/-initrd.

  Builds run under a lock of the cache directory: test runs of several
  checkouts may share it.
  """
  with open(os.path.join(CacheDir(), ".lock"), "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    (_, vmlinux, _, _) = Kernel()
    return (vmlinux, Initramfs())
