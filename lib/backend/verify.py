"""The node_verify checks beyond those of :mod:`ganeti.backend.node`:
the node's own setup (procfs, sysfs), out-of-band helpers and LVM.

Each check runs only when its key is in the ``what`` dict of the RPC and
fills its answer into ``result`` under the same key (Ganeti's ``NV_*``
names); a failing check becomes an error value in its answer, never an
RPC failure, so one broken check cannot hide the others.
"""

import logging
import os
import stat

from ganeti import errors
from ganeti import vcluster
from ganeti.storage import logical_volume

NV_NODESETUP = "nodesetup"      # any -> [error messages]
NV_OOB_PATHS = "oob-paths"      # [paths] -> [None | error], one per path
NV_VGLIST = "vglist"            # any -> {vg: size MiB} | error string
NV_LVLIST = "lvlist"            # vg -> {"vg/lv": [size, inactive, online]}
                                # | error string
NV_PVLIST = "pvlist"            # [vgs] -> [{"name", "vg", "size", "free"}]

#: where the node setup check looks (tests point these elsewhere)
PROC_DIR = "/proc"
SYS_DIR = "/sys"


def NodeSetupErrors(proc_dir=None, sys_dir=None):
  """The problems of this node's setup that Ganeti needs working: procfs
  (sysrq for forced reboots) and sysfs (block devices, network links)."""
  proc_dir = proc_dir or PROC_DIR
  sys_dir = sys_dir or SYS_DIR
  errs = []
  if not (os.path.isdir(os.path.join(proc_dir, "sys")) and
          os.path.isfile(os.path.join(proc_dir, "sysrq-trigger"))):
    errs.append("The procfs filesystem doesn't seem to be mounted under"
                " /proc, missing required directory /proc/sys and the file"
                " /proc/sysrq-trigger")
  if not (os.path.isdir(os.path.join(sys_dir, "block")) and
          os.path.isdir(os.path.join(sys_dir, "class", "net"))):
    errs.append("The sysfs filesytem doesn't seem to be mounted under /sys,"
                " missing required directories /sys/block and"
                " /sys/class/net")
  return errs


def CheckOobHelper(path):
  """None if ``path`` is an executable regular file, else the problem."""
  try:
    st = os.stat(path)
  except OSError as err:
    return "error stating out of band helper: %s" % err
  if not stat.S_ISREG(st.st_mode):
    return "out of band helper %s is not a file" % path
  if not stat.S_IMODE(st.st_mode) & stat.S_IXUSR:
    return "out of band helper %s is not executable" % path
  return None


def _LvmOrError(fn):
  try:
    return fn()
  except (errors.GenericError, OSError) as err:
    # (a failing or missing LVM tool: OpExecError from RunCmd)
    logging.warning("LVM check failed: %s", err)
    return str(err)


def VerifyNodeMore(what, result):
  """Fill the checks of this module asked for in ``what`` into ``result``.
  """
  if NV_NODESETUP in what:
    # the nodes of a virtual cluster are directories on one host: the
    # kernel interfaces are the host's, not theirs, and are not reported
    # for each of them
    result[NV_NODESETUP] = ([] if vcluster.GetEnv()[0]
                            else NodeSetupErrors())
  if NV_OOB_PATHS in what:
    result[NV_OOB_PATHS] = [CheckOobHelper(p) for p in what[NV_OOB_PATHS]]
  if NV_VGLIST in what:
    result[NV_VGLIST] = _LvmOrError(logical_volume.ListVolumeGroups)
  if NV_LVLIST in what and what[NV_LVLIST]:
    vg = what[NV_LVLIST]
    result[NV_LVLIST] = _LvmOrError(
      lambda: logical_volume.GetVolumeList(vg))
  if NV_PVLIST in what:
    vgs = what[NV_PVLIST] or None
    pvs = _LvmOrError(lambda: logical_volume.GetPVInfo(
      vg_names=vgs, filter_allocatable=False))
    if isinstance(pvs, list):
      pvs = [dict((k, pv[k]) for k in ("name", "vg", "size", "free"))
             for pv in pvs]
    result[NV_PVLIST] = pvs
