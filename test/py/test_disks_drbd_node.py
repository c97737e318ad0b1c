"""The master's DRBD disks against the real node-side code.

LUInstanceCreate and friends run against the processor fakes; the calls
to the primary node go, through the real RPC encoding (JSON included),
to the real backend procedures, which drive the real DRBD8Dev on a fake
DRBD node (``drbd_testlib``) with stand-in LVs.  This checks the contract
between the two sides: disk dicts, filled parameters and the per-node
dynamic parameters.
"""

import pytest

from ganeti import constants
from ganeti import opcodes
from ganeti import storage
from ganeti.backend import bdev
from ganeti.backend import bdev_children
from ganeti.cmdlib import instance_disks

import disks_testlib as dt
import drbd_testlib
import test_mcpu

pytestmark = pytest.mark.unit

_ROUTED = {
  "blockdev_addchildren": bdev_children.BlockdevAddchildren,
  "blockdev_removechildren": bdev_children.BlockdevRemovechildren,
  "blockdev_rename": bdev.BlockdevRename,
  "blockdev_create": bdev.BlockdevCreate,
  "blockdev_assemble": bdev.BlockdevAssemble,
  "blockdev_find": bdev.BlockdevFind,
  "blockdev_getmirrorstatus": bdev.BlockdevGetmirrorstatus,
  "blockdev_shutdown": bdev.BlockdevShutdown,
  "blockdev_remove": bdev.BlockdevRemove,
}


@pytest.fixture
def env(tmp_path, monkeypatch, vnode):
  fake = drbd_testlib.FakeDrbd(tmp_path).Install(monkeypatch)
  lv_class = fake.PlainClass()

  class _LV(lv_class):
    """Creating an LV makes it exist on the fake node."""

    @classmethod
    def Create(cls, unique_id, children, size, spindles, params, excl_stor,
               dyn_params, **kwargs):
      fake.AddDevice("/dev/%s/%s" % tuple(unique_id), size)
      return cls(unique_id, children, size, params)

    def Shutdown(self):
      pass

    def Remove(self):
      fake.device_bytes.pop(self.dev_path, None)

    def Rename(self, new_id):
      new_path = "/dev/%s/%s" % tuple(new_id)
      fake.device_bytes[new_path] = fake.device_bytes.pop(self.dev_path)
      self.dev_path = new_path
      self.unique_id = tuple(new_id)

  real = storage.GetDeviceClass
  monkeypatch.setattr(storage, "GetDeviceClass",
                      lambda dev_type: _LV if dev_type == constants.DT_PLAIN
                      else real(dev_type))
  ctx = dt.MakeContext(tmp_path)
  sleeps = []
  monkeypatch.setattr(instance_disks, "_time",
                      type("T", (), {"sleep": staticmethod(sleeps.append),
                                     "time": staticmethod(lambda: 0)}))
  seen = []

  def _Route(name, fn):
    default = ctx.transport.handlers.get(name)

    def _Handler(node, args):
      if node != dt.N1_NAME:
        return default(node, args) if default else (True, None)
      seen.append((name, args))
      payload = fn(*args)
      if name == "blockdev_create" and args[0]["dev_type"] == "drbd":
        # the (simulated) secondary answers at once, with good data
        minor = args[0]["dynamic_params"][constants.DDP_LOCAL_MINOR]
        fake.PeerConnects(minor, rdisk="UpToDate")
      if name == "blockdev_addchildren":
        # the new local disk resyncs from the peer at once
        fake.SyncDone(args[0]["dynamic_params"][constants.DDP_LOCAL_MINOR])
      return (True, payload)
    return _Handler
  for (name, fn) in _ROUTED.items():
    ctx.transport.handlers[name] = _Route(name, fn)
  return (ctx, fake, seen)


def testCreateActivateRemoveDrbd(env):
  (ctx, fake, seen) = env
  op = opcodes.OpInstanceCreate(
    instance_name="new1.example.com", disks=[{"size": 1024}],
    disk_template=constants.DT_DRBD8, nics=[],
    mode=constants.INSTANCE_CREATE, os_type="noop", pnode="node1",
    snode="node3", name_check=False, ip_check=False, start=False,
    ignore_ipolicy=True)
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, op, cbs)
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  (disk,) = ctx.cfg.GetInstanceDisks(inst.uuid)
  (_, _, port, pminor, _, secret) = disk.logical_id
  # the primary's DRBD device: minor 1 (instance1 has 0), meta data
  # created on the meta LV, connected to node3's secondary IP with the
  # instance's port and secret
  assert pminor == 1
  meta = "/dev/xenvg/%s" % disk.children[1].logical_id[1]
  assert fake.Commands("drbdmeta", "--force", "/dev/drbd1", "v08", meta,
                       "flex-external", "create-md")
  (connect,) = fake.Commands("drbdsetup", "connect")
  text = " ".join(connect)
  assert "ipv4:198.51.100.82:%d" % port in text
  assert "ipv4:198.51.100.84:%d" % port in text
  assert secret in text
  assert " - INFO: Instance new1.example.com's disks are in sync" in \
    dt.FeedbackLines(cbs)
  # activation finds the device on the primary
  ctx.transport.calls[:] = []
  result = dt.Exec(ctx, opcodes.OpInstanceActivateDisks(
    instance_name="new1.example.com"))
  assert result == [("node1.example.com", "disk/0", "/dev/drbd1")]
  # removal tears the device down and removes the LVs
  dt.Exec(ctx, opcodes.OpInstanceDeactivateDisks(
    instance_name="new1.example.com", force=True))
  dt.Exec(ctx, opcodes.OpInstanceRemove(instance_name="new1.example.com",
                                        ignore_failures=False))
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None
  assert not [p for p in fake.device_bytes if disk.children[0].logical_id[1]
              in p or disk.children[1].logical_id[1] in p]
  assert bdev.BlockdevFind(disk.ToDict() | {
    "dynamic_params": {constants.DDP_LOCAL_IP: "198.51.100.82",
                       constants.DDP_REMOTE_IP: "198.51.100.84",
                       constants.DDP_LOCAL_MINOR: 1,
                       constants.DDP_REMOTE_MINOR: 1}}) is None
  # every disk the primary got carried its dynamic parameters
  drbd_args = [args[0] for (name, args) in seen
               if args and isinstance(args[0], dict) and
               args[0].get("dev_type") == "drbd"]
  assert drbd_args
  assert all(d["dynamic_params"][constants.DDP_LOCAL_MINOR] == 1
             for d in drbd_args)


def testReplaceOnPrimary(env):
  (ctx, fake, seen) = env
  op = opcodes.OpInstanceCreate(
    instance_name="new1.example.com", disks=[{"size": 1024}],
    disk_template=constants.DT_DRBD8, nics=[],
    mode=constants.INSTANCE_CREATE, os_type="noop", pnode="node1",
    snode="node3", name_check=False, ip_check=False, start=False,
    ignore_ipolicy=True, no_install=True)
  dt.Exec(ctx, op)
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  (disk,) = ctx.cfg.GetInstanceDisks(inst.uuid)
  (data_lv, meta_lv) = ["/dev/xenvg/%s" % c.logical_id[1]
                        for c in disk.children]
  cbs = test_mcpu.Callbacks()
  dt.Exec(ctx, opcodes.OpInstanceReplaceDisks(
    instance_name="new1.example.com", mode=constants.REPLACE_DISK_PRI), cbs)
  lines = dt.FeedbackLines(cbs)
  assert "STEP 6/6 Removing old storage" in lines, lines
  # the LVs under the old names are the new ones; the old ones are gone
  assert data_lv in fake.device_bytes and meta_lv in fake.device_bytes
  assert not [p for p in fake.device_bytes if "_replaced-" in p]
  # DRBD detached its local disk and attached the new one
  assert fake.Commands("drbdsetup", "detach")
  assert len(fake.Commands("drbdsetup", "attach")) == 2
  (disk_after,) = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert disk_after.logical_id == disk.logical_id
