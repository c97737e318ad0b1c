"""Tests for the DRBD node procedures (ganeti.backend.drbd)."""

import os

import pytest

from ganeti import backend
from ganeti import constants
from ganeti import objects
from ganeti import storage
from ganeti.backend import drbd as backend_drbd
from ganeti.backend import node as backend_node
from ganeti.rpc import defs
from ganeti.server import noded
from ganeti.storage import drbd
from ganeti.storage import drbd_node

import drbd_testlib

pytestmark = pytest.mark.unit

LHOST = "192.0.2.1"
RHOST = "192.0.2.2"
PARAMS = dict(constants.DISK_DT_DEFAULTS[constants.DT_DRBD8])
_CONNECT = ["drbdsetup", "connect"]


def _Disk(idx, minor=None, port=None):
  """The dict of DRBD disk ``idx`` as the master sends it to this node."""
  minor = idx if minor is None else minor
  port = 11000 + idx if port is None else port
  children = [
    objects.Disk(dev_type=constants.DT_PLAIN, size=1024,
                 logical_id=("xenvg", "d%d.data" % idx), params={}),
    objects.Disk(dev_type=constants.DT_PLAIN, size=128,
                 logical_id=("xenvg", "d%d.meta" % idx), params={}),
  ]
  dyn = {constants.DDP_LOCAL_IP: LHOST, constants.DDP_REMOTE_IP: RHOST,
         constants.DDP_LOCAL_MINOR: minor,
         constants.DDP_REMOTE_MINOR: minor + 10}
  for child in children:
    child.dynamic_params = dyn
  disk = objects.Disk(dev_type=constants.DT_DRBD8, size=1024,
                      logical_id=("pnode", "snode", port, minor, minor + 10,
                                  "secret%d" % idx),
                      children=children, params=PARAMS, dynamic_params=dyn,
                      uuid="disk-uuid-%d" % idx, iv_name="disk/%d" % idx)
  return disk.ToDict(include_dynamic_params=True)


@pytest.fixture
def fake(tmp_path, monkeypatch):
  f = drbd_testlib.FakeDrbd(tmp_path).Install(monkeypatch)
  for idx in range(3):
    f.AddDevice("/dev/xenvg/d%d.data" % idx, 1024)
    f.AddDevice("/dev/xenvg/d%d.meta" % idx, 128)
  plain = f.PlainClass()
  real = storage.GetDeviceClass
  monkeypatch.setattr(storage, "GetDeviceClass",
                      lambda dev_type: plain if dev_type == constants.DT_PLAIN
                      else real(dev_type))
  return f


def _Up(fake, idx, primary=False, peer=True):
  """Create and assemble disk ``idx`` here, the peer connected."""
  disk = objects.Disk.FromDict(_Disk(idx))
  children = [backend_drbd.FindDevice(c) for c in disk.children]
  drbd.DRBD8Dev.Create(disk.logical_id, children, disk.size, None,
                       disk.params, False, disk.dynamic_params)
  dev = backend_drbd.FindDevice(disk) or drbd.DRBD8Dev(
    disk.logical_id, children, disk.size, disk.params, disk.dynamic_params)
  dev.Assemble()
  if primary:
    dev.Open(force=True)
  if peer:
    fake.PeerConnects(idx, rdisk="UpToDate")
  fake.calls[:] = []
  return dev


def _Fails(fn, *args, match):
  with pytest.raises(backend.RPCFail, match=match):
    fn(*args)


def testFindDevice(fake):
  assert backend_drbd.FindDevice(objects.Disk.FromDict(_Disk(0))) is None
  dev = _Up(fake, 0)
  found = backend_drbd.FindDevice(objects.Disk.FromDict(_Disk(0)))
  assert isinstance(found, drbd.DRBD8Dev)
  assert found.dev_path == dev.dev_path == "/dev/drbd0"


def testDisconnectAndAttachNet(fake):
  _Up(fake, 0, primary=True)
  _Up(fake, 1, primary=True)
  disks = [_Disk(0), _Disk(1)]
  assert backend_drbd.DrbdDisconnectNet(disks) is None
  assert fake.Commands("drbdsetup", "disconnect") == [
    ["drbdsetup", "disconnect", "ipv4:192.0.2.1:11000",
     "ipv4:192.0.2.2:11000"],
    ["drbdsetup", "disconnect", "ipv4:192.0.2.1:11001",
     "ipv4:192.0.2.2:11001"]]
  assert [fake.minors[m].cs for m in (0, 1)] == ["StandAlone"] * 2

  # the peers answer a while after the connect
  fake.Later(3, lambda: fake.PeerConnects(0), after=_CONNECT + ["resource0"])
  fake.Later(5, lambda: fake.PeerConnects(1, sync=(50.0, 20)),
             after=_CONNECT + ["resource1"])
  assert backend_drbd.DrbdAttachNet(disks, "inst1", False) is None
  connects = fake.Commands("drbdsetup", "connect")
  assert [c[2] for c in connects] == ["resource0", "resource1"]
  assert all("--allow-two-primaries" not in c for c in connects)
  assert fake.Commands("drbdsetup", "primary") == []


def testAttachNetMultimaster(fake, vnode):
  _Up(fake, 0, primary=True)
  backend_drbd.DrbdDisconnectNet([_Disk(0)])
  fake.calls[:] = []
  # connected but still syncing is not enough for two primaries
  fake.Later(2, lambda: fake.PeerConnects(0, sync=(99.0, 1)), after=_CONNECT)
  fake.Later(6, lambda: fake.SyncDone(0), after=_CONNECT)
  backend_drbd.DrbdAttachNet([_Disk(0)], "inst1.example.com", True)
  connect = fake.Commands("drbdsetup", "connect")[0]
  assert "--allow-two-primaries" in connect
  assert connect[5:7] == ["--protocol", "C"]
  assert fake.Commands()[-1] == ["drbdsetup", "primary", "0"]
  link = os.path.join(vnode.DISK_LINKS_DIR, "inst1.example.com:0")
  assert os.readlink(link) == "/dev/drbd0"
  # a stale link is replaced
  os.remove(link)
  os.symlink("/dev/drbd9", link)
  backend_drbd._SymlinkBlockDev("inst1.example.com", "/dev/drbd0", 0)
  assert os.readlink(link) == "/dev/drbd0"


def testAttachNetReconnectsStandalone(fake):
  _Up(fake, 0)
  backend_drbd.DrbdDisconnectNet([_Disk(0)])
  fake.calls[:] = []

  def _Refused():
    fake._Disconnect(fake.minors[0])
  fake.Later(2, _Refused, after=_CONNECT)
  # by then the wait has seen StandAlone and connected again
  fake.Later(10, lambda: fake.PeerConnects(0), after=_CONNECT)
  backend_drbd.DrbdAttachNet([_Disk(0)], "inst1", False)
  assert len(fake.Commands("drbdsetup", "connect")) == 2


def testAttachNetTimeout(fake):
  _Up(fake, 0)
  backend_drbd.DrbdDisconnectNet([_Disk(0)])
  start = fake.clock
  _Fails(backend_drbd.DrbdAttachNet, [_Disk(0)], "inst1", False,
         match="Timeout in disk reconnecting")
  assert fake.clock - start >= backend_drbd.ATTACH_NET_TIMEOUT


def testAttachNetNotStandalone(fake):
  _Up(fake, 0)
  _Fails(backend_drbd.DrbdAttachNet, [_Disk(0)], "inst1", False,
         match="Can't change network configuration: drbd0: device is not"
         " standalone")


def testMissingDevice(fake):
  _Up(fake, 0)
  for (fn, args) in [(backend_drbd.DrbdDisconnectNet, ()),
                     (backend_drbd.DrbdAttachNet, ("inst1", False)),
                     (backend_drbd.DrbdWaitSync, ())]:
    _Fails(fn, [_Disk(0), _Disk(1)], *args, match="Can't find device disk/1")


def testBadDisk(fake):
  bad = _Disk(0)
  del bad["dynamic_params"]
  _Fails(backend_drbd.DrbdWaitSync, [bad],
         match="Can't find device disk/0: Invalid dynamic parameters")


def testDisconnectFails(fake):
  _Up(fake, 0)
  fake.FailOn("drbdsetup", "disconnect", output="busy")
  _Fails(backend_drbd.DrbdDisconnectNet, [_Disk(0)],
         match="Can't change network configuration to standalone mode:"
         " drbd0: can't shutdown network, even after multiple retries")


def testWaitSync(fake):
  _Up(fake, 0, primary=True)
  _Up(fake, 1, primary=True, peer=False)
  fake.PeerConnects(1, sync=(35.5, 11))
  disks = [_Disk(0), _Disk(1)]
  assert backend_drbd.DrbdWaitSync(disks) == [False, 35.5]
  fake.SyncDone(1)
  assert backend_drbd.DrbdWaitSync(disks) == [True, 100]
  fake._Disconnect(fake.minors[0])
  _Fails(backend_drbd.DrbdWaitSync, disks,
         match="DRBD device /dev/drbd0 is not in sync")


def testNeedsActivation(fake):
  _Up(fake, 0)
  _Up(fake, 1)
  backend_drbd.DrbdDisconnectNet([_Disk(1)])
  disks = [_Disk(0), _Disk(1), _Disk(2)]
  assert backend_drbd.DrbdNeedsActivation(disks) == ["disk-uuid-1",
                                                     "disk-uuid-2"]
  fake.minors[0].ldisk = "Diskless"
  fake.Write()
  assert backend_drbd.DrbdNeedsActivation(disks[:1]) == ["disk-uuid-0"]


def testHelper(fake, tmp_path, monkeypatch):
  assert backend_drbd.GetDrbdUsermodeHelper() == "/bin/true"
  monkeypatch.setattr(drbd_node, "USERMODE_HELPER_FILE",
                      str(tmp_path / "none"))
  _Fails(backend_drbd.GetDrbdUsermodeHelper,
         match="check if the module is loaded")


def testVerifyNode(fake, vnode, tmp_path, monkeypatch):
  _Up(fake, 0)
  what = {backend_drbd.NV_DRBDHELPER: "/bin/true",
          backend_drbd.NV_DRBDLIST: None, backend_drbd.NV_DRBDVERSION: None}
  result = backend_node.VerifyNode(what, "cluster", {})
  assert result == {"drbd-helper": [True, "/bin/true"], "drbd-list": [0],
                    "drbd-version": "8.4.2 (api:1/proto:86-101)"}

  monkeypatch.setattr(drbd_node, "PROC_DRBD_FILE", str(tmp_path / "none"))
  monkeypatch.setattr(drbd_node, "USERMODE_HELPER_FILE",
                      str(tmp_path / "none"))
  result = backend_node.VerifyNode(what, "cluster", {})
  assert result["drbd-helper"][0] is False
  assert "module is loaded" in result["drbd-helper"][1]
  assert "module is loaded" in result["drbd-list"]
  assert "module is loaded" in result["drbd-version"]

  what[backend_drbd.NV_NONVMNODES] = ["node1"]
  assert backend_node.VerifyNode(what, "cluster", {}) == {}


def testNodedProcedures(fake):
  _Up(fake, 0)
  for name in ("drbd_disconnect_net", "drbd_attach_net", "drbd_wait_sync",
               "drbd_needs_activation", "drbd_helper"):
    assert name in noded.PROCEDURES and name in defs.CALLS_BY_NAME
  assert noded.ExecuteProcedure("drbd_helper", []) == [True, "/bin/true"]
  assert noded.ExecuteProcedure("drbd_wait_sync", [[_Disk(0)]]) == \
    [True, [True, 100]]
  assert noded.ExecuteProcedure("drbd_needs_activation",
                                [[_Disk(0), _Disk(2)]]) == \
    [True, ["disk-uuid-2"]]
  (ok, msg) = noded.ExecuteProcedure("drbd_wait_sync", [[_Disk(1)]])
  assert not ok and msg == "Can't find device disk/1"
