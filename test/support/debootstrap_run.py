"""Install a ``file`` instance with ganeti-instance-debootstrap; check it.

Run by test/t/test_os_debootstrap.py as root inside a private mount
namespace (``unshare -m --propagation private``): it bind-mounts the
test's defaults file over /etc/default/ganeti-instance-debootstrap (so the
unmodified OS definition uses the test's suite, mirror and partitioning
without touching the host's configuration), starts a one-node virtual
cluster, adds ``-o debootstrap+default`` on a 1 GiB file disk, looks into
the disk image with debugfs for /etc/debian_version, removes the instance
and stops the cluster.  Prints one JSON line with what it found; exits
non-zero on any failure.

Usage: debootstrap_run.py <work dir> <defaults file>
"""

import glob
import json
import os
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[0:0] = [os.path.dirname(os.path.dirname(_HERE)), _HERE]

import vcluster  # noqa: E402

DEFAULTS_TARGET = "/etc/default/ganeti-instance-debootstrap"


def _Check(cluster, cmd, timeout=120):
  result = cluster.Run(cmd, timeout=timeout)
  if result.exit_code != 0:
    raise RuntimeError("command failed: %r" % result)
  return result.stdout


def _Debugfs(image, request):
  proc = subprocess.run(["debugfs", "-R", request, image],
                        capture_output=True, text=True, check=False)
  return proc.stdout


def Main(workdir, defaults):
  subprocess.run(["mount", "--bind", defaults, DEFAULTS_TARGET], check=True)
  cluster = vcluster.VirtualCluster(os.path.join(workdir, "vc"), nodes=1)
  report = {}
  cluster.Start()
  try:
    start = time.monotonic()
    _Check(cluster, "gnt-instance add -t file --disk 0:size=1G -n node1"
           " -o debootstrap+default -O filesystem=ext4 --no-start"
           " --no-name-check --no-ip-check deb1", timeout=1800)
    report["create_seconds"] = round(time.monotonic() - start, 1)
    images = glob.glob(os.path.join(
      cluster.NodeRoot(), "srv/ganeti/file-storage/deb1/*.disk0"))
    if len(images) != 1:
      raise RuntimeError("expected one disk image, found %s" % images)
    report["debian_version"] = _Debugfs(images[0],
                                        "cat /etc/debian_version").strip()
    report["hostname"] = _Debugfs(images[0], "cat /etc/hostname").strip()
    report["fstab_root"] = [
      line.split()[2] for line in
      _Debugfs(images[0], "cat /etc/fstab").splitlines()
      if line.startswith("UUID=")]
    # an essential package's binary (merged /usr: /bin is a symlink)
    report["has_dash"] = "Inode:" in _Debugfs(images[0],
                                              "stat /usr/bin/dash")
    logs = glob.glob(os.path.join(cluster.NodeRoot(),
                                  "var/log/ganeti/os/add-debootstrap+default-"
                                  "deb1-*.log"))
    report["logs"] = len(logs)
    _Check(cluster, "gnt-instance remove -f deb1")
    report["image_removed"] = not os.path.exists(images[0])
  finally:
    cluster.Stop()
  print(json.dumps(report))
  return 0


if __name__ == "__main__":
  sys.exit(Main(sys.argv[1], sys.argv[2]))
