"""ganeti-instance-debootstrap, unmodified, installs a real Debian system.

Needs root, the Debian package ganeti-instance-debootstrap (with
debootstrap), loop devices, debugfs, unshare and a reachable Debian
mirror; skipped with the reason when any is missing.  The OS definition
reads /etc/default/ganeti-instance-debootstrap: the test bind-mounts its
own version over it in a private mount namespace (suite = the host's,
mirror = $PYGANETI_DEBIAN_MIRROR or deb.debian.org, no partition table
since kpartx needs device-mapper, which hosts here lack).  The package's
cache (/var/cache/ganeti-instance-debootstrap) is kept, so only the first
run pays for debootstrap itself.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.root, pytest.mark.cluster]

_OS_DIR = "/usr/share/ganeti/os/debootstrap"
_DEFAULTS = "/etc/default/ganeti-instance-debootstrap"
_HELPER = os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support", "debootstrap_run.py")


def _Suite():
  with open("/etc/os-release") as fh:
    for line in fh:
      if line.startswith("VERSION_CODENAME="):
        return line.split("=", 1)[1].strip().strip('"')
  return None


def _MissingRequirement(mirror, suite):
  """Why the test cannot run here, or None."""
  if os.geteuid() != 0:
    return "needs root"
  if not os.path.isdir(_OS_DIR) or not os.path.isfile(_DEFAULTS):
    return "the Debian package ganeti-instance-debootstrap is not installed"
  for tool in ("debootstrap", "debugfs", "unshare", "losetup", "mke2fs"):
    if shutil.which(tool) is None and \
        not os.path.exists(os.path.join("/usr/sbin", tool)):
      return "%s is not installed" % tool
  if subprocess.run(["losetup", "-f"], capture_output=True,
                    check=False).returncode != 0:
    return "no free loop device"
  if subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                    capture_output=True, check=False).returncode != 0:
    return "cannot create a private mount namespace (unshare -m)"
  if not suite:
    return "cannot tell the host's Debian suite from /etc/os-release"
  try:
    urllib.request.urlopen("%s/dists/%s/Release" % (mirror, suite),
                           timeout=15).close()
  except OSError as err:
    return "Debian mirror %s not reachable: %s" % (mirror, err)
  return None


def test_debootstrap_file_instance(tmp_path):
  mirror = os.environ.get("PYGANETI_DEBIAN_MIRROR",
                          "http://deb.debian.org/debian").rstrip("/")
  suite = _Suite()
  reason = _MissingRequirement(mirror, suite)
  if reason:
    pytest.skip(reason)
  defaults = tmp_path / "ganeti-instance-debootstrap"
  defaults.write_text("# written by pyganeti's test_os_debootstrap.py\n"
                      "SUITE=%s\nMIRROR=%s\nPARTITION_STYLE=none\n"
                      "GENERATE_CACHE=yes\nCLEAN_CACHE=14\n" % (suite, mirror))
  env = dict(os.environ, LC_ALL="C")
  # a short base dir: the cluster's Unix sockets live below it
  workdir = tempfile.mkdtemp(prefix="pyg-deb-")
  try:
    proc = subprocess.run(
      ["unshare", "-m", "--propagation", "private", sys.executable, _HELPER,
       workdir, str(defaults)],
      capture_output=True, text=True, env=env, timeout=2400, check=False)
  finally:
    shutil.rmtree(workdir, ignore_errors=True)
  assert proc.returncode == 0, "helper failed:\n%s\n%s" % (proc.stdout,
                                                            proc.stderr)
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  # a Debian root file system: /etc/debian_version like "12.11"
  assert report["debian_version"][:1].isdigit(), report
  assert report["hostname"] == "deb1"
  assert report["fstab_root"] == ["ext4"]
  assert report["has_dash"]
  assert report["logs"] == 1
  assert report["image_removed"]
  print("debootstrap create took %ss" % report["create_seconds"])
