"""Node-VM clusters by hand (see doc/nodevm.rst).

  python3 test/support/nodevm build
  python3 test/support/nodevm up --dir DIR [--guests N] [--mem MiB]
  python3 test/support/nodevm run --dir DIR COMMAND...      (on the master)
  python3 test/support/nodevm guest --dir DIR NODE COMMAND...
  python3 test/support/nodevm down --dir DIR [--purge]
"""

import argparse
import os
import random
import shlex
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))))

from nodevm import cluster as nv_cluster  # noqa: E402
from nodevm import images as nv_images  # noqa: E402


def _Command(words):
  return " ".join(shlex.quote(w) for w in words) if len(words) > 1 \
    else words[0]


def Main():
  parser = argparse.ArgumentParser(prog="nodevm", description=__doc__,
                                   formatter_class=argparse.
                                   RawDescriptionHelpFormatter)
  sub = parser.add_subparsers(dest="action", required=True)
  sub.add_parser("build", help="build (or find cached) boot artifacts")
  up = sub.add_parser("up", help="boot the guests and form the cluster")
  up.add_argument("--dir", required=True)
  up.add_argument("--guests", type=int, default=2)
  up.add_argument("--mem", type=int, default=512)
  run = sub.add_parser("run", help="run a command on the master")
  run.add_argument("--dir", required=True)
  run.add_argument("command", nargs=argparse.REMAINDER)
  guest = sub.add_parser("guest", help="run a command in a guest")
  guest.add_argument("--dir", required=True)
  guest.add_argument("node")
  guest.add_argument("command", nargs=argparse.REMAINDER)
  down = sub.add_parser("down", help="stop everything 'up' started")
  down.add_argument("--dir", required=True)
  down.add_argument("--purge", action="store_true",
                    help="also remove the directory")
  opts = parser.parse_args()
  if opts.action == "build":
    imgs = nv_images.Ensure()
    print("kernel %s\ninitramfs %s\nroot %s" % (imgs.kernel, imgs.initramfs,
                                                imgs.root))
    return 0
  if opts.action == "up":
    reason = nv_cluster.MissingRequirements()
    if reason:
      sys.stderr.write("nodevm: %s\n" % reason)
      return 1
    if os.path.exists(os.path.join(opts.dir,
                                   nv_cluster.NodeVmCluster.STATE_FILE)):
      sys.stderr.write("nodevm: %s already holds a cluster\n" % opts.dir)
      return 1
    # not named after our PID: this process exits, the cluster stays
    # (netns.CleanupStale leaves it alone)
    cl = nv_cluster.NodeVmCluster(
      workdir=opts.dir, guests=opts.guests, mem=opts.mem, keep=True,
      netns_name="nodevm-hand-%04x" % random.randrange(1 << 16)).Start()
    print("cluster up: master node1, guests %s; timings %s" % (
      ", ".join(cl.guest_names),
      ", ".join("%s %.1fs" % kv for kv in sorted(cl.timings.items()))))
    return 0
  if opts.action == "down":
    if os.path.exists(os.path.join(opts.dir,
                                   nv_cluster.NodeVmCluster.STATE_FILE)):
      nv_cluster.NodeVmCluster.Load(opts.dir, shells=False).Stop()
      os.unlink(os.path.join(opts.dir, nv_cluster.NodeVmCluster.STATE_FILE))
    if opts.purge:
      shutil.rmtree(opts.dir, ignore_errors=True)
    return 0
  cl = nv_cluster.NodeVmCluster.Load(opts.dir,
                                     shells=opts.action == "guest")
  if opts.action == "run":
    result = cl.Run(_Command(opts.command))
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.exit_code
  (status, out) = cl.Guest(opts.node).Run(_Command(opts.command),
                                          check=False)
  print(out)
  return status


if __name__ == "__main__":
  sys.exit(Main())
