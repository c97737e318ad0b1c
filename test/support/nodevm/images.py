"""Build (and cache) what a node VM boots: kernel, initramfs, root image.

Everything comes from Debian's archive through the ordinary clients
(``apt-get download`` for the kernel package, ``debootstrap`` for the root
file system).  Each artifact lives in the cache directory under a name that
is a hash of all its inputs (this module's recipe, the guest scripts, the
package list, the kernel package's version), so a changed input builds a
new one and an unchanged one is reused across test sessions.  Builds are
serialised by a lock file, so concurrent test sessions share one build.

Contract of :func:`Ensure`: returns an :class:`Images` whose three paths
exist and are complete (each is written under a temporary name and renamed
when done), or raises :class:`BuildError` with the tail of the failing
command's output.
"""

import fcntl
import hashlib
import lzma
import os
import shlex
import shutil
import subprocess
import tempfile
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_GUEST = os.path.join(_HERE, "guest")

#: bumped whenever a recipe below changes in a way the hashes can't see
RECIPE_VERSION = "1"

DEFAULT_CACHE = "/var/tmp/pyganeti-nodevm"
ENV_CACHE = "PYGANETI_NODEVM_CACHE"
ENV_MIRROR = "PYGANETI_NODEVM_MIRROR"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
KERNEL_META = "linux-image-amd64"

#: Debian packages of the node root image (no recommends): storage tools
#: and the Python 3 modules our node daemon imports (see requirements.txt;
#: paramiko is only used by the master's SSH runner)
ROOT_PACKAGES = (
  "lvm2", "drbd-utils", "iproute2", "kmod", "procps", "util-linux",
  "iputils-ping", "python3", "python3-openssl", "python3-simplejson",
  "python3-pyparsing", "python3-pyinotify", "python3-daemon",
  "ganeti-os-noop",
)

#: kernel modules (with their dependencies) the initramfs needs to mount
#: the root disk
INITRAMFS_MODULES = ("virtio_pci", "virtio_blk", "crc32c_generic", "ext4")

#: kernel modules the running node needs
ROOT_MODULES = INITRAMFS_MODULES + (
  "virtio_net", "dm-mod", "dm-snapshot", "dm-mirror", "drbd", "loop",
  "9p", "9pnet_virtio")

ROOT_IMAGE_SIZE = "1G"


class BuildError(Exception):
  """A build step failed."""


class Images:
  """Paths of a complete set of boot artifacts."""

  def __init__(self, kernel, initramfs, root, kver):
    self.kernel = kernel          # uncompressed vmlinux (PVH boot)
    self.initramfs = initramfs    # gzip'd newc cpio
    self.root = root              # raw ext4 image (use qcow2 overlays)
    self.kver = kver

  def __repr__(self):
    return "<Images kernel=%s initramfs=%s root=%s>" % (
      self.kernel, self.initramfs, self.root)


def CacheDir():
  return os.environ.get(ENV_CACHE) or DEFAULT_CACHE


def Mirror():
  return os.environ.get(ENV_MIRROR) or DEFAULT_MIRROR


def MissingTools():
  """Host programs the build needs that are not installed (names)."""
  needed = ["apt-get", "apt-cache", "dpkg", "depmod", "modprobe",
            "debootstrap", "mkfs.ext4", "busybox", "cpio", "gzip"]
  missing = [t for t in needed if shutil.which(t) is None]
  # cpio: we use busybox's applet when the real one is absent
  if "cpio" in missing and shutil.which("busybox"):
    missing.remove("cpio")
  return missing


def _Run(argv, log, cwd=None, env=None, stdin=None):
  """Run a build command, appending its output to ``log``."""
  with open(log, "a") as fh:
    fh.write("$ %s\n" % " ".join(argv))
    fh.flush()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=fh,
                          stderr=subprocess.STDOUT, input=stdin,
                          check=False)
  if proc.returncode != 0:
    with open(log) as fh:
      tail = fh.read()[-2000:]
    raise BuildError("%s failed (exit %s); log %s:\n%s" %
                     (" ".join(argv), proc.returncode, log, tail))


def _Output(argv):
  proc = subprocess.run(argv, capture_output=True, text=True, check=False)
  if proc.returncode != 0:
    raise BuildError("%s failed (exit %s): %s" % (
      " ".join(argv), proc.returncode, proc.stderr.strip()[-500:]))
  return proc.stdout


def _Hash(*parts):
  digest = hashlib.sha256()
  for part in parts:
    if isinstance(part, str):
      part = part.encode("utf-8")
    digest.update(part)
    digest.update(b"\0")
  return digest.hexdigest()[:16]


def _FileText(path):
  with open(path, "rb") as fh:
    return fh.read()


def ResolveKernel(update=True):
  """(package name, version) of Debian's current amd64 kernel image.

  Without package lists (a fresh machine) runs ``apt-get update`` once.
  """
  try:
    return _ResolveKernel()
  except BuildError:
    if not update:
      raise
    _Output(["apt-get", "-qq", "update"])
    return _ResolveKernel()


def _ResolveKernel():
  out = _Output(["apt-cache", "depends", KERNEL_META])
  pkg = None
  for line in out.splitlines():
    words = line.split()
    if len(words) == 2 and words[0] == "Depends:" and \
        words[1].startswith("linux-image-") and words[1][12:13].isdigit():
      pkg = words[1]
      break
  if pkg is None:
    raise BuildError("Can't resolve %s to a kernel package (run apt-get"
                     " update?)" % KERNEL_META)
  version = None
  for line in _Output(["apt-cache", "policy", pkg]).splitlines():
    line = line.strip()
    if line.startswith("Candidate:"):
      version = line.split(None, 1)[1]
  if not version or version == "(none)":
    raise BuildError("No installable version of %s" % pkg)
  return (pkg, version)


def _ExtractVmlinux(bzimage, out):
  """Cut the XZ payload out of a Debian bzImage: an ELF qemu boots (PVH)."""
  data = _FileText(bzimage)
  start = data.find(b"\xfd7zXZ\x00")
  if start < 0:
    raise BuildError("%s holds no XZ payload" % bzimage)
  elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
  if not elf.startswith(b"\x7fELF"):
    raise BuildError("%s: payload is not an ELF kernel" % bzimage)
  with open(out, "wb") as fh:
    fh.write(elf)


def BuildKernel(cache, log):
  """Download and unpack the kernel package; return its directory.

  The directory holds ``vmlinux``, ``kver`` and ``root/lib/modules/<kver>``
  (with modules.dep).
  """
  (pkg, version) = ResolveKernel()
  kdir = os.path.join(cache, "kernel-%s" % _Hash(RECIPE_VERSION, pkg,
                                                  version))
  if os.path.exists(os.path.join(kdir, "vmlinux")):
    return kdir
  tmp = tempfile.mkdtemp(prefix="kernel.", dir=cache)
  try:
    os.chmod(tmp, 0o755)   # apt's sandbox user must be able to write here
    _Run(["apt-get", "download", "%s=%s" % (pkg, version)], log, cwd=tmp)
    debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
    if len(debs) != 1:
      raise BuildError("apt-get download left %r" % debs)
    _Run(["dpkg-deb", "-x", os.path.join(tmp, debs[0]),
          os.path.join(tmp, "root")], log)
    os.unlink(os.path.join(tmp, debs[0]))
    kver = pkg[len("linux-image-"):]
    _Run(["depmod", "-b", os.path.join(tmp, "root"), kver], log)
    _ExtractVmlinux(os.path.join(tmp, "root", "boot", "vmlinuz-%s" % kver),
                    os.path.join(tmp, "vmlinux"))
    with open(os.path.join(tmp, "kver"), "w") as fh:
      fh.write(kver + "\n")
    os.rename(tmp, kdir)
  except BaseException:
    shutil.rmtree(tmp, ignore_errors=True)
    raise
  return kdir


def _KernelVersion(kdir):
  with open(os.path.join(kdir, "kver")) as fh:
    return fh.read().strip()


def ModuleFiles(kdir, modules):
  """Module files (paths below ``kdir/root``) for ``modules`` + deps."""
  kver = _KernelVersion(kdir)
  modroot = os.path.join(kdir, "root")
  files = []
  for name in modules:
    out = _Output(["modprobe", "-d", modroot, "-S", kver, "--show-depends",
                   name])
    for line in out.splitlines():
      words = line.split()
      if len(words) >= 2 and words[0] == "insmod":
        rel = os.path.relpath(words[1], modroot)
        if rel not in files:
          files.append(rel)
  return files


def _CopyModules(kdir, modules, dest):
  kver = _KernelVersion(kdir)
  modroot = os.path.join(kdir, "root")
  for rel in ModuleFiles(kdir, modules):
    target = os.path.join(dest, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(os.path.join(modroot, rel), target)
  moddir = os.path.join(modroot, "lib", "modules", kver)
  destdir = os.path.join(dest, "lib", "modules", kver)
  os.makedirs(destdir, exist_ok=True)
  for fname in os.listdir(moddir):
    if fname.startswith("modules."):
      shutil.copy2(os.path.join(moddir, fname), destdir)


def _StaticBusybox():
  path = shutil.which("busybox")
  if path is None:
    raise BuildError("busybox is not installed (Debian: busybox-static)")
  out = subprocess.run(["ldd", path], capture_output=True, text=True,
                       check=False)
  if "not a dynamic" not in out.stdout + out.stderr:
    raise BuildError("%s is not static (Debian: busybox-static)" % path)
  return path


def BuildInitramfs(cache, kdir, log):
  init = os.path.join(_GUEST, "initramfs-init")
  busybox = _StaticBusybox()
  key = _Hash(RECIPE_VERSION, os.path.basename(kdir), _FileText(init),
              _FileText(busybox), " ".join(INITRAMFS_MODULES))
  out = os.path.join(cache, "initramfs-%s.cpio.gz" % key)
  if os.path.exists(out):
    return out
  work = tempfile.mkdtemp(prefix="initramfs.", dir=cache)
  try:
    for sub in ("bin", "dev", "proc", "sys", "tmp", "newroot"):
      os.makedirs(os.path.join(work, sub))
    shutil.copy2(busybox, os.path.join(work, "bin", "busybox"))
    shutil.copy2(init, os.path.join(work, "init"))
    os.chmod(os.path.join(work, "init"), 0o755)
    _CopyModules(kdir, INITRAMFS_MODULES, work)
    names = subprocess.run(["find", "."], cwd=work, capture_output=True,
                           check=True).stdout
    tmp_out = out + ".tmp"
    with open(tmp_out, "wb") as fh:
      cpio = subprocess.Popen([busybox, "cpio", "-o", "-H", "newc"],
                              cwd=work, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
      gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=fh)
      cpio.stdout.close()
      cpio.stdin.write(names)
      cpio.stdin.close()
      if cpio.wait() != 0 or gz.wait() != 0:
        raise BuildError("building the initramfs archive failed")
    os.rename(tmp_out, out)
  finally:
    shutil.rmtree(work, ignore_errors=True)
  return out


def _LvmNoUdev(root):
  """No udev in the node VMs: LVM must create its device nodes itself."""
  path = os.path.join(root, "etc", "lvm", "lvm.conf")
  with open(path) as fh:
    text = fh.read()
  text = text.replace("# udev_sync = 1", "udev_sync = 0")
  text = text.replace("# udev_rules = 1", "udev_rules = 0")
  if "udev_sync = 0" not in text or "udev_rules = 0" not in text:
    raise BuildError("Can't turn off udev in %s" % path)
  with open(path, "w") as fh:
    fh.write(text)


def _AppendFile(log, path):
  try:
    with open(path) as src, open(log, "a") as dst:
      dst.write(src.read())
  except OSError:
    pass


def _AptInstall(root, packages, log):
  """apt-get install in the chroot, in a private mount namespace.

  /proc and /dev are bind-mounted only inside that namespace, so they
  vanish with it even if the build is killed.  A policy-rc.d keeps
  package scripts from starting services.
  """
  policy = os.path.join(root, "usr", "sbin", "policy-rc.d")
  with open(policy, "w") as fh:
    fh.write("#!/bin/sh\nexit 101\n")
  os.chmod(policy, 0o755)
  shutil.copy2("/etc/resolv.conf", os.path.join(root, "etc", "resolv.conf"))
  script = (
    "mount --bind /proc {r}/proc && mount --bind /dev {r}/dev &&"
    " chroot {r} apt-get -q update &&"
    " DEBIAN_FRONTEND=noninteractive chroot {r} apt-get install -y -q"
    " --no-install-recommends {pkgs}").format(
      r=shlex.quote(root), pkgs=" ".join(packages))
  try:
    _Run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
          script], log)
  finally:
    os.unlink(policy)
    os.unlink(os.path.join(root, "etc", "resolv.conf"))


_PRUNE = ("usr/share/doc", "usr/share/man", "usr/share/locale",
          "usr/share/info", "var/cache/apt/archives", "var/lib/apt/lists")


def BuildRoot(cache, kdir, log):
  """The node root image: debootstrap minbase + packages + modules."""
  init = os.path.join(_GUEST, "node-init")
  key = _Hash(RECIPE_VERSION, os.path.basename(kdir), SUITE, Mirror(),
              " ".join(ROOT_PACKAGES), " ".join(ROOT_MODULES),
              _FileText(init), ROOT_IMAGE_SIZE)
  out = os.path.join(cache, "node-root-%s.raw" % key)
  if os.path.exists(out):
    return out
  work = tempfile.mkdtemp(prefix="root.", dir=cache)
  root = os.path.join(work, "root")
  try:
    # debootstrap's own resolver can't follow virtual packages (e.g.
    # python3-cryptography's): bootstrap minbase, then let apt install
    try:
      _Run(["debootstrap", "--variant=minbase", SUITE, root, Mirror()], log)
    except BuildError:
      _AppendFile(log, os.path.join(root, "debootstrap", "debootstrap.log"))
      raise
    _AptInstall(root, ROOT_PACKAGES, log)
    for rel in _PRUNE:
      path = os.path.join(root, rel)
      if os.path.isdir(path):
        shutil.rmtree(path)
        os.makedirs(path)
    _LvmNoUdev(root)
    _CopyModules(kdir, ROOT_MODULES, root)
    target = os.path.join(root, "sbin", "nodevm-init")
    shutil.copy2(init, target)
    os.chmod(target, 0o755)
    with open(os.path.join(root, "etc", "hostname"), "w") as fh:
      fh.write("nodevm\n")
    tmp_out = out + ".tmp"
    _Run(["mkfs.ext4", "-q", "-F", "-L", "nodevm", "-d", root, tmp_out,
          ROOT_IMAGE_SIZE], log)
    os.rename(tmp_out, out)
  finally:
    shutil.rmtree(work, ignore_errors=True)
  return out


class _CacheLock:
  """An exclusive lock on the cache directory (waits for other builds)."""

  def __init__(self, cache):
    self.path = os.path.join(cache, ".lock")
    self.fh = None

  def __enter__(self):
    self.fh = open(self.path, "a")
    fcntl.flock(self.fh, fcntl.LOCK_EX)
    return self

  def __exit__(self, *exc):
    fcntl.flock(self.fh, fcntl.LOCK_UN)
    self.fh.close()


#: artifacts nobody used for this long are removed from the cache
PRUNE_AGE = 3 * 86400
_ARTIFACTS = ("kernel-", "initramfs-", "node-root-")
_TEMPS = ("kernel.", "initramfs.", "root.")


def _Prune(cache, current, temps_only=False):
  """Remove stale cache entries; mark ``current`` as just used.

  Called with the cache lock held, so no build is running: every
  temporary entry is left over from a killed build.
  """
  now = time.time()
  for path in current:
    os.utime(path, (now, now))
  for fname in os.listdir(cache):
    path = os.path.join(cache, fname)
    if path in current:
      continue
    stale = (fname.startswith(_TEMPS) or fname.endswith(".tmp") or
             (not temps_only and fname.startswith(_ARTIFACTS) and
              now - os.path.getmtime(path) > PRUNE_AGE))
    if not stale:
      continue
    if os.path.isdir(path):
      shutil.rmtree(path, ignore_errors=True)
    else:
      os.unlink(path)


def Ensure(cache=None, log=None):
  """Build whatever is missing; return the :class:`Images`.

  @param cache: cache directory (default: :func:`CacheDir`)
  @param log: build log file (default: ``cache/build.log``)
  """
  cache = os.path.abspath(cache or CacheDir())
  os.makedirs(cache, exist_ok=True)
  log = log or os.path.join(cache, "build.log")
  with _CacheLock(cache):
    if os.path.exists(log) and os.path.getsize(log) > (1 << 20):
      os.truncate(log, 0)
    start = time.monotonic()
    _Prune(cache, (), temps_only=True)
    kdir = BuildKernel(cache, log)
    initramfs = BuildInitramfs(cache, kdir, log)
    root = BuildRoot(cache, kdir, log)
    Ensure.last_duration = time.monotonic() - start
    _Prune(cache, (kdir, initramfs, root))
  return Images(os.path.join(kdir, "vmlinux"), initramfs, root,
                _KernelVersion(kdir))


Ensure.last_duration = None
