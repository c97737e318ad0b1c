"""Cluster nodes in qemu guests, for tests of real LVM and DRBD.

The host kernel of the test machines has neither device-mapper nor DRBD; a
qemu (TCG) guest running Debian's kernel has both.  This package builds the
guests' boot artifacts (:mod:`nodevm.images`), runs guests
(:mod:`nodevm.qemu`) on a bridge in a network namespace
(:mod:`nodevm.netns`), and forms a cluster of them with a master on the
host (:mod:`nodevm.cluster`).  See doc/nodevm.rst; by hand::

  python3 test/support/nodevm up --dir /tmp/nvc
  python3 test/support/nodevm run --dir /tmp/nvc gnt-node list
  python3 test/support/nodevm down --dir /tmp/nvc
"""
