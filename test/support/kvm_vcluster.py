"""A virtual cluster whose instances boot the test guest under kvm (TCG).

Shared by the end-to-end kvm tests: :func:`Cluster` starts the cluster with
kvm enabled and the guest's kernel and initramfs as cluster-wide kvm
parameters (skipping the test with a reason when qemu, the guest's parts
or the noop OS are missing) and, on the way out, kills every qemu process
its instances left before stopping the daemons.
"""

import contextlib
import os
import signal

import pytest

import guest
import vcluster

from ganeti.hypervisor.hv_kvm import runtime
from ganeti.tools import vcluster_setup


def KvmDirs(cluster, node="node1"):
  """The kvm runtime directories of a virtual node."""
  return runtime.RuntimeDirs(os.path.join(
    cluster.NodeRoot(node), "var/run/ganeti/kvm-hypervisor"))


def KillLeftovers(cluster):
  """Kill the qemu processes of this cluster's instances (by pid files)."""
  for node in cluster.nodes:
    dirs = KvmDirs(cluster, node)
    for name in dirs.List():
      (_, pid, alive) = runtime.InstancePid(dirs, name)
      if alive:
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def Cluster(basedir, nodes, hypervisors, kernel_args):
  """Start the cluster; yield its :class:`vcluster.VirtualCluster`."""
  reason = guest.Available()
  if reason:
    pytest.skip(reason)
  if vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  (kernel, initrd) = guest.Guest()
  cluster = vcluster.VirtualCluster(basedir, nodes=nodes)
  hvparams = ("kvm:kvm_flag=disabled,kernel_path=%s,initrd_path=%s,"
              "root_path=,kernel_args=%s" % (kernel, initrd, kernel_args))
  try:
    vcluster_setup.Up(cluster.basedir, cluster.count, cluster.prefix,
                      extra_init_args=["--enabled-hypervisors=%s" %
                                       hypervisors, "-H", hvparams])
    yield cluster
  finally:
    KillLeftovers(cluster)
    cluster.Stop()
