"""What a qemu binary offers: parsed from ``-version``, ``-help``,
``-machine help`` and ``-device help``.

The parsers are pure (tested on recorded outputs of real qemu builds);
:func:`GetCaps` runs the binary and caches the result per path and
modification time, since noded asks for it on every start.
"""

import re
import subprocess
import threading

from ganeti import errors

_VERSION_RE = re.compile(r"version\s+(\d+)\.(\d+)(?:\.(\d+))?", re.I)
_MACHINE_LINE_RE = re.compile(r"^(\S+)\s+(.*)$")
_DEVICE_RE = re.compile(r'^name "([^"]+)"')


def ParseVersion(text):
  """(version string, (major, minor, micro)) from ``qemu -version``.

  @raise errors.HypervisorError: no version in the text
  """
  m = _VERSION_RE.search(text)
  if not m:
    raise errors.HypervisorError("Unable to parse the qemu version from"
                                 " '%s'" % text.strip()[:200])
  nums = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
  return (m.group(0).split()[-1], nums)


def ParseMachines(text):
  """(default machine, [machine names]) from ``qemu -machine help``.

  The default is the machine marked ``(default)``; when it is an alias
  target ("pc ... (alias of pc-i440fx-7.2)"), the versioned name is the
  one marked.  Returns (None, names) if none is marked.
  """
  default = None
  names = []
  for line in text.splitlines():
    m = _MACHINE_LINE_RE.match(line.strip())
    if not m or line.startswith("Supported machines"):
      continue
    names.append(m.group(1))
    if "(default)" in m.group(2) and default is None:
      default = m.group(1)
  return (default, names)


def ParseDevices(text):
  """The set of device names in ``qemu -device help``."""
  devices = set()
  for line in text.splitlines():
    m = _DEVICE_RE.match(line.strip())
    if m:
      devices.add(m.group(1))
  return devices


# Options looked for in ``qemu -help`` (each must start a help line)
_OPTIONS = ("machine", "accel", "enable-kvm", "disable-kvm", "netdev", "qmp",
            "spice", "uuid", "display", "balloon", "usbdevice", "soundhw",
            "localtime", "rtc", "chroot", "runas", "run-with", "daemonize",
            "no-acpi", "vga", "nographic", "mem-prealloc", "incoming")


def ParseHelpOptions(text):
  """The set of options (without dash) that ``qemu -help`` lists."""
  found = set()
  for line in text.splitlines():
    m = re.match(r"^-([a-z0-9-]+)", line)
    if m and m.group(1) in _OPTIONS:
      found.add(m.group(1))
  if re.search(r",boot=on\|off", text):
    found.add("drive-boot")
  if re.search(r"user can be numeric uid:gid", text):
    found.add("runas-uid-gid")
  return found


class QemuCaps:
  """The capabilities of one qemu binary (plain data)."""

  def __init__(self, version, version_tuple, default_machine, machines,
               devices, options):
    self.version = version
    self.version_tuple = tuple(version_tuple)
    self.default_machine = default_machine
    self.machines = list(machines)
    self.devices = set(devices)
    self.options = set(options)

  @classmethod
  def FromOutputs(cls, version_text, help_text, machine_text, device_text):
    (version, vtuple) = ParseVersion(version_text)
    (default, machines) = ParseMachines(machine_text)
    return cls(version, vtuple, default, machines, ParseDevices(device_text),
               ParseHelpOptions(help_text))

  def HasOption(self, name):
    return name in self.options

  def HasDevice(self, name):
    return name in self.devices


def _Run(argv):
  try:
    result = subprocess.run(argv, capture_output=True, text=True,
                            timeout=30, check=False,
                            stdin=subprocess.DEVNULL)
  except (OSError, subprocess.TimeoutExpired) as err:
    raise errors.HypervisorError("Unable to run %s: %s" %
                                 (" ".join(argv), err))
  if result.returncode != 0:
    raise errors.HypervisorError("Unable to get the output of %s: exit code"
                                 " %s, %s" % (" ".join(argv),
                                              result.returncode,
                                              result.stderr.strip()))
  return result.stdout + result.stderr


_cache = {}
_cache_lock = threading.Lock()


def GetCaps(kvm_path):
  """The capabilities of the qemu binary at ``kvm_path`` (cached).

  @raise errors.HypervisorError: the binary cannot be run
  """
  import os
  try:
    stamp = os.stat(kvm_path).st_mtime_ns
  except OSError as err:
    raise errors.HypervisorError("Cannot find the kvm binary %s: %s" %
                                 (kvm_path, err))
  key = (kvm_path, stamp)
  with _cache_lock:
    caps = _cache.get(key)
  if caps is not None:
    return caps
  caps = QemuCaps.FromOutputs(_Run([kvm_path, "-version"]),
                              _Run([kvm_path, "-help"]),
                              _Run([kvm_path, "-machine", "help"]),
                              _Run([kvm_path, "-device", "help"]))
  with _cache_lock:
    _cache[key] = caps
  return caps
