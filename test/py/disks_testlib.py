"""Fakes for the instance-disk tests: a scripted node transport.

The context is the one of test_mcpu (real ConfigWriter on a copy of the
3.0 fixture, real lock manager, real RpcRunner encoders); the transport
answers each procedure through a handler ``fn(node_name, args)`` returning
``(success, payload)``, and records every call with the decoded arguments
(per-node bodies included).
"""

import os
import shutil
import threading

from ganeti import config
from ganeti import constants
from ganeti import mcpu
from ganeti import serializer
from ganeti.rpc import defs
from ganeti.rpc import transport

import test_mcpu

N1 = test_mcpu.N1
N2 = test_mcpu.N2
N3 = test_mcpu.N3
N1_NAME = test_mcpu.N1_NAME
N2_NAME = test_mcpu.N2_NAME
N3_NAME = test_mcpu.N3_NAME

VG_FREE = 100 * 1024


def _DefaultHandlers():
  lvm_info = [{"type": constants.ST_LVM_VG, "name": "xenvg",
               "storage_free": VG_FREE, "storage_size": 2 * VG_FREE}]
  return {
    "hooks_runner": lambda node, args: (True, []),
    "instance_info": lambda node, args: (True, {}),
    "instance_list": lambda node, args: (True, []),
    "os_validate": lambda node, args: (True, True),
    "os_get": lambda node, args: (True, {"name": args[0],
                                         "supported_variants": []}),
    "node_info": lambda node, args: (True, ["bootid", lvm_info, [{}]]),
    "blockdev_create": lambda node, args: (True, args[0]["logical_id"]),
    "blockdev_assemble": lambda node, args: (True, ["/dev/fake/%s" %
                                                    args[0]["uuid"], None,
                                                    None]),
    "blockdev_getmirrorstatus": lambda node, args: (
      True, [[True, {"sync_percent": None, "is_degraded": False,
                     "ldisk_status": 1, "estimated_time": None}]
             for _ in args[0]]),
    "blockdev_find": lambda node, args: (
      True, {"dev_path": "/dev/x", "is_degraded": False, "ldisk_status": 1,
             "sync_percent": None, "estimated_time": None}),
    "vg_list": lambda node, args: (True, {"xenvg": VG_FREE}),
  }


class ScriptedTransport:
  """Answers RPCs with handlers; unknown procedures succeed with None."""

  def __init__(self):
    self.calls = []
    self.handlers = _DefaultHandlers()
    self.lock = threading.Lock()

  def Call(self, name, targets, body, timeout):
    results = {}
    with self.lock:
      for node in targets:
        nbody = body[node] if isinstance(body, dict) else body
        args = serializer.LoadJson(nbody)
        self.calls.append((name, node, args))
        handler = self.handlers.get(name)
        (ok, payload) = handler(node, args) if handler else (True, None)
        if ok:
          data = [True, payload]
        else:
          data = [False, payload]
        results[node] = transport.RpcResult(data=data, call=name, node=node)
    return results

  def Close(self):
    pass

  def Find(self, name):
    return [c for c in self.calls if c[0] == name]

  def Names(self):
    return [c[0] for c in self.calls if c[0] != "hooks_runner"]


class ExtraRpcs:
  """Registers procedures other branches add to the RPC table, if absent.

  grow-disk and replace-disks call blockdev_grow, blockdev_rename,
  blockdev_addchildren/removechildren and drbd_*; the node side of those
  is built elsewhere, so the tests declare what they need (with Ganeti's
  argument lists) and remove it again.
  """

  _EXTRA = [
    ("blockdev_grow", False, defs.TMO_NORMAL,
     [("cf_bdev", defs.ED_SINGLE_DISK_DICT_DP), ("amount", None),
      ("dryrun", None), ("backingstore", None), ("es_flag", None)], ""),
    ("blockdev_rename", False, defs.TMO_NORMAL,
     [("devlist", defs.ED_BLOCKDEV_RENAME)], ""),
    ("blockdev_addchildren", False, defs.TMO_NORMAL,
     [("bdev", defs.ED_SINGLE_DISK_DICT_DP),
      ("ndevs", defs.ED_DISKS_DICT_DP)], ""),
    ("blockdev_removechildren", False, defs.TMO_NORMAL,
     [("bdev", defs.ED_SINGLE_DISK_DICT_DP),
      ("ndevs", defs.ED_DISKS_DICT_DP)], ""),
    ("drbd_disconnect_net", True, defs.TMO_NORMAL,
     [("disks", defs.ED_DISKS_DICT_DP)], ""),
    ("drbd_attach_net", True, defs.TMO_NORMAL,
     [("disks", defs.ED_DISKS_DICT_DP), ("instance_name", None),
      ("multimaster", None)], ""),
    ("vg_list", True, defs.TMO_URGENT, [], ""),
  ]

  def __enter__(self):
    from ganeti.rpc import node as rpc_node
    self.added = []
    for entry in self._EXTRA:
      name = entry[0]
      if name in defs.CALLS_BY_NAME:
        continue
      defs.CALLS_BY_NAME[name] = entry
      setattr(rpc_node.RpcRunner, "call_%s" % name,
              rpc_node._MakeCall(name))
      self.added.append(name)
    return self

  def __exit__(self, *args):
    from ganeti.rpc import node as rpc_node
    for name in self.added:
      del defs.CALLS_BY_NAME[name]
      delattr(rpc_node.RpcRunner, "call_%s" % name)


def MakeContext(tmp_path):
  path = str(tmp_path / "config.data")
  shutil.copy(os.path.join(test_mcpu.DATA, "cluster_config_3.0.json"), path)
  os.chmod(path, 0o640)
  cfg = config.ConfigWriter(cfg_file=path)
  ctx = test_mcpu.FakeContext(cfg)
  ctx.transport = ScriptedTransport()
  ctx.rpc._client = ctx.transport
  return ctx


def Exec(ctx, op, cbs=None, ec_id=1):
  if cbs is None:
    cbs = test_mcpu.Callbacks()
  return mcpu.Processor(ctx, ec_id).ExecOpCode(op, cbs)


def FeedbackLines(cbs):
  return [args[-1] if isinstance(args[-1], str) else str(args)
          for args in cbs.feedback]


class FakeLU:
  """Just enough of an LU for the layout functions (cfg, proc, logs)."""

  def __init__(self, cfg, rpc=None, ec_id=7):
    self.cfg = cfg
    self.rpc = rpc
    self.logs = []
    ec = ec_id

    class _Proc:
      def GetECId(self):
        return ec
    self.proc = _Proc()

  def LogInfo(self, msg, *args):
    self.logs.append(("info", msg % args if args else msg))

  def LogWarning(self, msg, *args, **kwargs):
    self.logs.append(("warning", msg % args if args else msg))
