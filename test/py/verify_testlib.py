"""Scripted node answers for the cluster verify tests: a healthy answer
to every check the master asks, which each test then spoils."""

import time

from ganeti import constants
from ganeti.cmdlib.cluster_verify.instance_checks import DiskVolumes

import disks_testlib as dt
import test_mcpu

HV = constants.HT_XEN_PVM

#: what the xen hypervisor of the 3.0 fixture runs, per node name
RUNNING = {
  dt.N1_NAME: ["instance1.example.com"],
  dt.N2_NAME: ["instance3.example.com"],
  dt.N3_NAME: ["instance2.example.com"],
}


def NodeVolumes(cfg):
  """{node name: {"vg/lv": [size, inactive, online]}} the instances own."""
  vols = {}
  for inst in cfg.GetAllInstancesInfo().values():
    nodes = cfg.GetInstanceNodes(inst.uuid)
    for disk in cfg.GetInstanceDisks(inst.uuid):
      for (node, lvs) in DiskVolumes(disk, nodes).items():
        for lv in lvs:
          vols.setdefault(cfg.GetNodeName(node), {})[lv] = [1024, False,
                                                            True]
  return vols


def DrbdMinors(cfg):
  """{node name: [minors]} the configuration expects in use."""
  return dict((cfg.GetNodeName(node), sorted(minors))
              for (node, minors) in cfg.ComputeDRBDMap().items())


def HealthyAnswer(ctx, node, checks, running=None):
  """The node_verify payload of a healthy ``node`` for ``checks``."""
  running = running if running is not None else RUNNING
  cfg = ctx.cfg
  answer = {
    "version": [constants.PROTOCOL_VERSION, constants.RELEASE_VERSION],
    "hypervisor": dict((hv, None) for hv in checks.get("hypervisor", [])),
    "instancelist": list(running.get(node, [])),
    "nodesetup": [], "hvparms": [],
    "filelist": dict((f, "0" * 40) for f in checks.get("filelist", [])),
    "nodelist": {}, "node-net-test": {}, "master-ip": True,
    "time": list(_Now()),
    "oslist": [], "user-scripts": [],
    "oob-paths": [None] * len(checks.get("oob-paths", [])),
    "file-storage-paths": [], "file-storage-path": None,
    "shared-file-storage-path": None,
    "hvinfo": {"memory_free": 4096, "memory_total": 8192},
    "vglist": {"xenvg": 102400},
    "lvlist": NodeVolumes(cfg).get(node, {}),
    "pvlist": [{"name": "/dev/sda3", "vg": "xenvg", "size": 102400,
                "free": 50000}],
    "drbd-list": DrbdMinors(cfg).get(node, []),
    "drbd-helper": [True, checks.get("drbd-helper")],
    "drbd-version": "8.4.11",
    "bridges": [],
  }
  return dict((k, v) for (k, v) in answer.items() if k in checks)


def _Now():
  now = time.time()
  return (int(now), int((now - int(now)) * 1000000))


def Script(ctx, running=None, spoil=None, mirror=None):
  """Answer node_verify healthily, then apply ``spoil(node, answer)``;
  ``mirror(node, disks)`` may replace the blockdev_getmirrorstatus
  answer (default: every disk fine)."""

  def verify(node, args):
    answer = HealthyAnswer(ctx, node, args[0], running=running)
    if spoil is not None:
      result = spoil(node, answer)
      if result is not None:
        return result
    return (True, answer)

  def mirrorstatus(node, args):
    disks = args[0]
    if mirror is not None:
      return mirror(node, disks)
    return (True, [[True, {"is_degraded": False, "ldisk_status": 1}]
                   for _ in disks])

  ctx.transport.handlers["node_verify"] = verify
  ctx.transport.handlers["blockdev_getmirrorstatus"] = mirrorstatus


def VerifyGroup(ctx, notices=False, **kwargs):
  """(result, problem lines) of OP_CLUSTER_VERIFY_GROUP on "default"."""
  from ganeti import opcodes  # pylint: disable=C0415
  cbs = test_mcpu.Callbacks()
  result = dt.Exec(ctx, opcodes.OpClusterVerifyGroup(group_name="default",
                                                     **kwargs), cbs)
  lines = [line for line in dt.FeedbackLines(cbs) if line.startswith("  - ")]
  if not notices:
    lines = [line for line in lines if "NOTICE" not in line]
  return (result, lines)
