"""ExtStorage: the interface against recording providers, and the project's
pyganeti-file provider for real."""

import os
import shutil
import subprocess

import pytest

from ganeti import errors
from ganeti.storage import base
from ganeti.storage import extstorage

pytestmark = pytest.mark.unit

_TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
PROVIDER_SRC = os.path.join(_TOP, "share", "extstorage", "pyganeti-file")
VOL = "0f9a4c3e-1111-2222-3333-444455556666.ext.disk0"


def _EsDir(vnode):
  path = vnode.EsSearchPath()[0]
  os.makedirs(path, exist_ok=True)
  return path


def _MakeRecorder(vnode, name="rec", attach_output="", skip=(),
                  failing=(), mode=0o755):
  """A provider whose scripts record their environment and directory."""
  pdir = os.path.join(_EsDir(vnode), name)
  os.makedirs(pdir)
  record = os.path.join(pdir, "record")
  os.makedirs(record)
  for action in extstorage.ES_SCRIPTS:
    if action in skip:
      continue
    body = "#!/bin/sh\nenv | sort > %s/%s.env\npwd > %s/%s.cwd\n" % (
      record, action, record, action)
    if action == "attach":
      body += "printf '%s'\n" % attach_output.replace("\n", "\\n")
    if action in failing:
      body += "".join("echo line%d\n" % i for i in range(30))
      body += "echo broken >&2\nexit 3\n"
    path = os.path.join(pdir, action)
    with open(path, "w") as fh:
      fh.write(body)
    os.chmod(path, mode)
  with open(os.path.join(pdir, "parameters.list"), "w") as fh:
    fh.write("fromsnap Snapshot to start from\nnas_ip\tThe NAS address\n")
  return (pdir, record)


def _Env(record, action):
  with open(os.path.join(record, action + ".env")) as fh:
    return dict(line.split("=", 1) for line in fh.read().splitlines()
                if "=" in line)


def testEnvironmentAndUris(vnode, tmp_path):
  dev_file = tmp_path / "vol.img"
  dev_file.write_bytes(b"\0" * 4096)
  (pdir, record) = _MakeRecorder(
    vnode, attach_output="%s\nkvm:rbd:pool/vol\nxen:vbd:x\n" % dev_file)
  params = {"fromsnap": "snap1", "access": "userspace"}
  dev = extstorage.ExtStorageDevice.Create(
    ("rec", VOL), None, 100, None, params, False, {}, name="disk0",
    uuid="d-uuid")
  env = _Env(record, "create")
  assert env["VOL_NAME"] == VOL and env["VOL_SIZE"] == "100"
  assert env["EXTP_FROMSNAP"] == "snap1" and env["EXTP_ACCESS"] == "userspace"
  assert (env["VOL_CNAME"], env["VOL_UUID"]) == ("disk0", "d-uuid")
  assert env["GANETI_ROOTDIR"] == vnode.rootdir
  assert "HOME" not in env and "VOL_NEW_SIZE" not in env
  with open(os.path.join(record, "create.cwd")) as fh:
    assert fh.read().strip() == os.path.realpath(pdir)
  assert dev.attached and dev.dev_path == str(dev_file)
  assert dev.GetUserspaceAccessUri("kvm") == "rbd:pool/vol"
  with pytest.raises(errors.BlockDeviceError, match="lxc"):
    dev.GetUserspaceAccessUri("lxc")
  assert dev.GetActualSize() == 4096
  dev.Grow(50, True, True, False)
  assert not os.path.exists(os.path.join(record, "grow.env"))
  dev.Grow(50, False, True, False)
  env = _Env(record, "grow")
  assert (env["VOL_SIZE"], env["VOL_NEW_SIZE"]) == ("100", "150")
  dev.SetInfo("originstname+inst1.example.com")
  assert _Env(record, "setinfo")["VOL_METADATA"] == \
    "originstname+inst1.example.com"
  dev.Open(exclusive=False)
  assert _Env(record, "open")["VOL_OPEN_EXCLUSIVE"] == "False"
  dev.Close()
  assert dev.Snapshot() == ("rec", VOL + ".snap")
  env = _Env(record, "snapshot")
  assert (env["VOL_SNAPSHOT_NAME"], env["VOL_SNAPSHOT_SIZE"]) == \
    (VOL + ".snap", "150")
  dev.Shutdown()
  assert os.path.exists(os.path.join(record, "detach.env"))
  dev.Remove()
  assert os.path.exists(os.path.join(record, "remove.env"))
  logs = os.listdir(os.path.join(vnode.LOG_DIR, "extstorage"))
  assert any(name.startswith("create-rec-%s-" % VOL) for name in logs)
  assert not any(name.startswith("attach-") for name in logs)


def testUserspaceOnlyAndOptional(vnode):
  (_, record) = _MakeRecorder(vnode, attach_output="\nkvm:gluster://h/v\n",
                              skip=("open", "close", "snapshot"))
  dev = extstorage.ExtStorageDevice(("rec", VOL), None, 10, {})
  assert dev.attached and dev.dev_path is None
  dev.Open()
  dev.Close()  # optional scripts missing: skipped
  assert not os.path.exists(os.path.join(record, "open.env"))
  with pytest.raises(errors.BlockDeviceError, match="does not support"):
    dev.Snapshot()


def testNothingToAttach(vnode):
  _MakeRecorder(vnode, attach_output="")
  assert not extstorage.ExtStorageDevice(("rec", VOL), None, 10, {}).attached
  _MakeRecorder(vnode, name="rec2", attach_output="/nonexistent/dev\n")
  assert not extstorage.ExtStorageDevice(("rec2", VOL), None, 10,
                                         {}).attached


def testScriptFailure(vnode):
  _MakeRecorder(vnode, failing=("create", "attach"))
  with pytest.raises(errors.BlockDeviceError) as err:
    extstorage.ExtStorageDevice.Create(("rec", VOL), None, 1, None, {},
                                       False, {})
  msg = str(err.value)
  assert "create script failed (exited with exit code 3)" in msg
  assert "line29" in msg and "broken" in msg and "line9\n" not in msg
  with pytest.raises(errors.BlockDeviceError, match="attach script failed"):
    extstorage.ExtStorageDevice(("rec", VOL), None, 1, {})


def testCreateUndoneWhenAttachFails(vnode):
  (_, record) = _MakeRecorder(vnode, failing=("attach",))
  with pytest.raises(errors.BlockDeviceError, match="attach script failed"):
    extstorage.ExtStorageDevice.Create(("rec", VOL), None, 1, None, {},
                                       False, {})
  assert _Env(record, "remove")["VOL_NAME"] == VOL


def testBrokenProviders(vnode):
  with pytest.raises(errors.BlockDeviceError, match="not found in search"):
    extstorage.ExtStorageDevice(("missing", VOL), None, 1, {})
  _MakeRecorder(vnode, name="nogrow", skip=("grow",))
  (ok, msg) = extstorage.LoadProvider("nogrow")
  assert not ok and "'grow' script missing" in msg
  _MakeRecorder(vnode, name="noexec", mode=0o644)
  (ok, msg) = extstorage.LoadProvider("noexec")
  assert not ok and "not executable" in msg
  (pdir, _) = _MakeRecorder(vnode, name="noparams")
  os.unlink(os.path.join(pdir, "parameters.list"))
  (ok, msg) = extstorage.LoadProvider("noparams")
  assert not ok and "EXT parameters file" in msg
  _MakeRecorder(vnode, name="good")
  (ok, prov) = extstorage.LoadProvider("good")
  assert ok and prov.supported_parameters == [
    ["fromsnap", "Snapshot to start from"], ["nas_ip", "The NAS address"]]
  diag = dict((row[0], row) for row in extstorage.DiagnoseProviders())
  assert diag["good"][2] is True and diag["nogrow"][2] is False
  assert not extstorage.LoadProvider("../x")[0]
  with pytest.raises(errors.BlockDeviceError, match="exclusive_storage"):
    extstorage.ExtStorageDevice.Create(("good", VOL), None, 1, None, {},
                                       True, {})


# The project's own provider ------------------------------------------------

@pytest.fixture
def pyganeti_file(vnode):
  os.symlink(PROVIDER_SRC, os.path.join(_EsDir(vnode), "pyganeti-file"))
  return os.path.join(os.path.dirname(vnode.rootdir), "extstorage-data",
                      "pyganeti-file")


def testProviderIsValid(vnode, pyganeti_file):
  (ok, prov) = extstorage.LoadProvider("pyganeti-file")
  assert ok, prov
  assert [p[0] for p in prov.supported_parameters] == ["dir", "loop"]
  assert all(prov.scripts[a] for a in extstorage.ES_SCRIPTS)


def testProviderFiles(vnode, pyganeti_file):
  params = {"loop": "no"}
  lid = ("pyganeti-file", VOL)
  dev = extstorage.ExtStorageDevice.Create(lid, None, 4, None, params,
                                           False, {})
  vol = os.path.join(pyganeti_file, VOL + ".img")
  assert dev.attached and dev.dev_path == vol
  assert os.stat(vol).st_size == 4 * base.MIB
  with pytest.raises(errors.BlockDeviceError, match="already exists"):
    extstorage.ExtStorageDevice.Create(lid, None, 4, None, params, False, {})
  dev.Grow(2, False, True, False)
  assert dev.GetActualSize() == 6 * base.MIB
  dev.SetInfo("originstname+inst1")
  with open(os.path.join(pyganeti_file, VOL + ".meta")) as fh:
    assert fh.read() == "originstname+inst1\n"
  assert dev.Snapshot() == ("pyganeti-file", VOL + ".snap")
  assert os.path.exists(os.path.join(pyganeti_file, VOL + ".snap.img"))
  dev.Open()
  dev.Close()
  dev.Shutdown()
  dev.Remove()
  assert not os.path.exists(vol)
  dev.Remove()  # idempotent
  with pytest.raises(errors.BlockDeviceError, match="does not exist"):
    extstorage.ExtStorageDevice(lid, None, 4, params)
  with pytest.raises(errors.BlockDeviceError, match="loop parameter"):
    extstorage.ExtStorageDevice.Create(lid, None, 4, None, {"loop": "maybe"},
                                       False, {})
  with pytest.raises(errors.BlockDeviceError, match="absolute"):
    extstorage.ExtStorageDevice.Create(lid, None, 4, None, {"dir": "rel"},
                                       False, {})


def testProviderOwnDir(vnode, pyganeti_file, tmp_path):
  params = {"loop": "no", "dir": str(tmp_path / "vols")}
  dev = extstorage.ExtStorageDevice.Create(("pyganeti-file", VOL), None, 1,
                                           None, params, False, {})
  assert dev.dev_path == str(tmp_path / "vols" / (VOL + ".img"))
  dev.Remove()


@pytest.mark.root
def testProviderLoopDevices(vnode, pyganeti_file):
  if os.geteuid() != 0 or not shutil.which("losetup"):
    pytest.skip("needs root and losetup for loop devices")
  lid = ("pyganeti-file", VOL)
  params = {"loop": "yes"}
  try:
    dev = extstorage.ExtStorageDevice.Create(lid, None, 8, None, params,
                                             False, {})
  except errors.BlockDeviceError as err:
    if "losetup" in str(err):
      pytest.skip("losetup can't set up loop devices here: %s" % err)
    raise
  try:
    assert dev.dev_path.startswith("/dev/loop") and dev.major is not None
    again = extstorage.ExtStorageDevice(lid, None, 8, params)
    assert again.dev_path == dev.dev_path  # attach is idempotent
    assert dev.GetActualSize() == 8 * base.MIB
    dev.Grow(8, False, True, False)
    assert dev.GetActualSize() == 16 * base.MIB  # capacity refreshed
    loop = dev.dev_path
    dev.Shutdown()
    out = subprocess.run(["losetup", "-j", os.path.join(
      pyganeti_file, VOL + ".img")], capture_output=True, text=True).stdout
    assert loop + ":" not in out
    dev = extstorage.ExtStorageDevice(lid, None, 16, params)
    assert dev.attached
  finally:
    extstorage.ExtStorageDevice(lid, None, 16, params).Remove()
  assert not os.path.exists(os.path.join(pyganeti_file, VOL + ".img"))
