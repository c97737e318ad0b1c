"""Tests for ganeti.backend.impexp and ganeti.backend.export on a virtual
node: export directory handling and transfers through real helpers."""

import os
import time

import pytest

from ganeti import backend
from ganeti import impexpd
from ganeti.backend import export
from ganeti.backend import impexp
from ganeti.backend import os as bos
from ganeti.impexpd import exportcfg
from ganeti.utils import x509

pytestmark = pytest.mark.unit

_OS_SCRIPTS = {
  "create": "#!/bin/sh\nexit 0\n",
  "rename": "#!/bin/sh\nexit 0\n",
  "export": "#!/bin/sh\nenv > \"$EXPORT_DEVICE.env\"\ncat \"$EXPORT_DEVICE\"\n",
  "import": "#!/bin/sh\nenv > \"$IMPORT_DEVICE.env\"\n"
            "dd of=\"$IMPORT_DEVICE\" conv=notrunc 2>/dev/null\n",
}


_FS_DIR = "/srv/ganeti/file-storage"


@pytest.fixture
def node(vnode):
  x509.GenerateSelfSignedSslCert(vnode.NODED_CERT_FILE)
  with open(vnode.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("%s\n" % _FS_DIR)
  os.makedirs(vnode.Prefix(_FS_DIR))
  os_dir = os.path.join(vnode.OsSearchPath()[0], "copyos")
  os.makedirs(os_dir)
  with open(os.path.join(os_dir, "ganeti_api_version"), "w") as fh:
    fh.write("10\n")
  for (name, text) in _OS_SCRIPTS.items():
    path = os.path.join(os_dir, name)
    with open(path, "w") as fh:
      fh.write(text)
    os.chmod(path, 0o755)
  return vnode


def _Instance(vnode, disk_path, size=1):
  return {"name": "inst1", "uuid": "i-uuid", "os": "copyos",
          "primary_node": "n-uuid", "hypervisor": "fake",
          "hvparams": {}, "beparams": {"maxmem": 128, "minmem": 128,
                                       "vcpus": 1},
          "osparams": {}, "osparams_private": {}, "nics": [],
          "disk_template": "file", "tags": [],
          "disks_info": [{"dev_type": "file", "size": size,
                          "logical_id": ["loop", disk_path],
                          "iv_name": "disk/0", "uuid": "d-uuid",
                          "mode": "rw"}]}


def test_export_path(vnode):
  exp_dir = vnode.EXPORT_DIR
  assert impexp.ExportPath("/srv/ganeti/export/x/y") == exp_dir + "/x/y"
  assert impexp.ExportPath("x/y") == exp_dir + "/x/y"
  assert impexp.ExportPath(exp_dir + "/x") == exp_dir + "/x"
  for bad in ("/etc/passwd", "/srv/ganeti/export", "../../etc/shadow",
              "/srv/ganeti/export/../os/x"):
    with pytest.raises(backend.RPCFail, match="not under exports"):
      impexp.ExportPath(bad)


def test_finalize_list_info_remove(vnode):
  assert export.ListExports() == []
  new = os.path.join(vnode.EXPORT_DIR, "inst1.new")
  os.makedirs(new)
  with open(os.path.join(new, "d0.img"), "wb") as fh:
    fh.write(b"data")
  inst = {"name": "inst1", "os": "noop", "primary_node": "n-uuid",
          "beparams": {"maxmem": 128}, "nics": []}
  snaps = [{"iv_name": "disk/0", "logical_id": ["loop", "d0.img"],
            "size": 1}]
  with pytest.raises(backend.RPCFail, match="missing"):
    export.FinalizeExport(inst, [{"iv_name": "disk/0", "size": 1,
                                  "logical_id": ["loop", "nosuch.img"]}])
  # an older export of the same instance is replaced
  os.makedirs(os.path.join(vnode.EXPORT_DIR, "inst1", "old"))
  export.FinalizeExport(inst, snaps)
  assert not os.path.exists(new)
  final = os.path.join(vnode.EXPORT_DIR, "inst1")
  assert sorted(os.listdir(final)) == ["config.ini", "d0.img"]
  assert export.ListExports() == ["inst1"]
  text = export.ExportInfo("/srv/ganeti/export/inst1")
  cfg = exportcfg.Parse(text)
  assert exportcfg.GetDisks(cfg) == [("d0.img", 1, None)]
  with pytest.raises(backend.RPCFail, match="Can't read export"):
    export.ExportInfo("/srv/ganeti/export/nosuch")
  export.RemoveExport("inst1")
  assert export.ListExports() == []
  with pytest.raises(backend.RPCFail, match="does not exist"):
    export.RemoveExport("inst1")
  for bad in ("", "..", "a/b"):
    with pytest.raises(backend.RPCFail, match="Invalid export name"):
      export.RemoveExport(bad)


def test_script_spec_environment(node):
  disk = node.Prefix(_FS_DIR + "/disk0")
  with open(disk, "wb") as fh:
    fh.write(b"\0" * 1024)
  inst = bos._ToInstance(_Instance(node, _FS_DIR + "/disk0"))
  spec = impexp._IoSpec(impexpd.IEM_EXPORT, inst, "disk/0",
                        impexpd.IEIO_SCRIPT, [inst.disks_info[0], 0])
  assert spec["kind"] == "script"
  assert spec["argv"][0].endswith("/copyos/export")
  env = spec["env"]
  assert env["EXPORT_DEVICE"] == disk and env["EXPORT_INDEX"] == "0"
  assert env["DISK_0_PATH"] == disk and env["INSTANCE_NAME"] == "inst1"
  assert "IMPORT_DEVICE" not in env
  assert os.path.basename(spec["log"]).startswith(
    "export-copyos-inst1-disk_0-")
  spec = impexp._IoSpec(impexpd.IEM_IMPORT, inst, "disk/0",
                        impexpd.IEIO_SCRIPT, [inst.disks_info[0], 0])
  assert spec["env"]["IMPORT_DEVICE"] == disk
  assert spec["env"]["IMPORT_INDEX"] == "0"
  assert spec["argv"][0].endswith("/copyos/import")
  with pytest.raises(backend.RPCFail, match="Invalid import/export I/O"):
    impexp._IoSpec(impexpd.IEM_IMPORT, inst, "x", "tape", [])
  with pytest.raises(backend.RPCFail, match="does not exist"):
    impexp._IoSpec(impexpd.IEM_EXPORT, inst, "x", impexpd.IEIO_FILE,
                   ["/srv/ganeti/export/inst1/none"])


def _WaitEnd(names):
  deadline = time.monotonic() + 30
  while time.monotonic() < deadline:
    statuses = impexp.GetStatus(names)
    if all(s is not None and s["exit_status"] is not None
           for s in statuses):
      return statuses
    time.sleep(0.05)
  raise AssertionError("transfers did not end: %s" % statuses)


def _Listening(name):
  deadline = time.monotonic() + 30
  while time.monotonic() < deadline:
    (status, ) = impexp.GetStatus([name])
    if status and status.get("listen_port"):
      return status["listen_port"]
    time.sleep(0.02)
  raise AssertionError("importer never listened")


def test_disk_to_file_and_back(node):
  """Export a disk through the OS script into a file, import it back."""
  data = os.urandom(1024 * 1024)
  with open(node.Prefix(_FS_DIR + "/disk0"), "wb") as fh:
    fh.write(data)
  inst = _Instance(node, _FS_DIR + "/disk0")
  opts = {"compress": "gzip", "magic": "m1", "bind": "127.0.0.1",
          "connect_timeout": 10}
  dump = "/srv/ganeti/export/inst1.new/disk0.img"
  imp = impexp.StartImport(opts, inst, "disk/0", ["file", [dump]])
  assert imp.startswith("import-inst1-disk_0-")
  port = _Listening(imp)
  exp = impexp.StartExport(opts, "127.0.0.1", port, inst, "disk/0",
                           ["script", [inst["disks_info"][0], 0]])
  statuses = _WaitEnd([exp, imp])
  assert [s["exit_status"] for s in statuses] == [0, 0], statuses
  with open(node.EXPORT_DIR + "/inst1.new/disk0.img", "rb") as fh:
    assert fh.read() == data
  for name in (exp, imp):
    impexp.Cleanup(name)
  assert impexp.GetStatus([exp, imp]) == [None, None]
  # and back into a second (zeroed) disk through the import script
  with open(node.Prefix(_FS_DIR + "/disk1"), "wb") as fh:
    fh.write(b"\0" * len(data))
  inst2 = _Instance(node, _FS_DIR + "/disk1")
  imp = impexp.StartImport(opts, inst2, "disk/0",
                           ["script", [inst2["disks_info"][0], 0]])
  exp = impexp.StartExport(opts, "127.0.0.1", _Listening(imp), inst2,
                           "disk/0", ["file", [dump]])
  statuses = _WaitEnd([exp, imp])
  assert [s["exit_status"] for s in statuses] == [0, 0], statuses
  with open(node.Prefix(_FS_DIR + "/disk1"), "rb") as fh:
    assert fh.read() == data
  with open(node.Prefix(_FS_DIR + "/disk1.env")) as fh:
    assert "IMPORT_INDEX=0\n" in fh.read()
  for name in (exp, imp):
    impexp.Cleanup(name)


def test_abort_and_cleanup(node):
  inst = _Instance(node, _FS_DIR + "/disk0")
  imp = impexp.StartImport({"bind": "127.0.0.1"}, inst, "disk/0",
                           ["file", ["/srv/ganeti/export/x/y"]])
  _Listening(imp)
  impexp.Abort(imp)
  (status, ) = _WaitEnd([imp])
  assert status["exit_status"] == 1
  assert "aborted by signal 15" in status["error_message"]
  impexp.Cleanup(imp)
  assert not os.path.exists(os.path.join(node.IMPORT_EXPORT_DIR, imp))


def test_bad_arguments(node):
  inst = _Instance(node, _FS_DIR + "/disk0")
  with pytest.raises(backend.RPCFail, match="Invalid compression"):
    impexp.StartImport({"compress": "lzma"}, inst, "d", ["file", ["x/y"]])
  with pytest.raises(backend.RPCFail, match="Invalid magic"):
    impexp.StartImport({"magic": "a b"}, inst, "d", ["file", ["x/y"]])
  with pytest.raises(backend.RPCFail, match="not under exports"):
    impexp.StartImport({}, inst, "d", ["file", ["/etc/x"]])
  with pytest.raises(backend.RPCFail, match="needs a destination"):
    impexp.StartExport({}, None, None, inst, "d", ["file", ["x/y"]])
  with pytest.raises(backend.RPCFail, match="Invalid import/export name"):
    impexp.GetStatus(["../../etc"])
  # failed starts leave no status directory behind
  assert os.listdir(node.IMPORT_EXPORT_DIR) == []
