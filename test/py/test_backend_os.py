"""Tests for ganeti.backend.os with a synthetic API-20 OS and noop."""

import os
import shutil

import pytest

from ganeti import backend
from ganeti.backend import os as bos

pytestmark = pytest.mark.unit

# the Debian package ganeti-os-noop (make deps installs it)
NOOP = "/usr/share/ganeti/os/noop"

_CREATE = """#!/bin/sh
env | sort > "$DISK_0_PATH.env"
echo "creating $INSTANCE_NAME"
[ -n "$FAIL" ] && { echo "boom"; exit 3; }
exit ${OSP_EXIT_CODE:-0}
"""


def _MakeOS(base, name="synth", api="20\n15\n", variants="v1\nv2\n",
            params="exit_code the exit code\n"):
  d = os.path.join(base, name)
  os.makedirs(d)
  for script in ("create", "import", "export", "rename", "verify"):
    with open(os.path.join(d, script), "w") as fh:
      fh.write(_CREATE if script == "create" else
               "#!/bin/sh\n[ \"$OSP_EXIT_CODE\" = bad ] && exit 1\nexit 0\n")
    os.chmod(os.path.join(d, script), 0o755)
  with open(os.path.join(d, "ganeti_api_version"), "w") as fh:
    fh.write(api)
  if variants is not None:
    with open(os.path.join(d, "variants.list"), "w") as fh:
      fh.write(variants)
  if params is not None:
    with open(os.path.join(d, "parameters.list"), "w") as fh:
      fh.write(params)
  return d


def test_diagnose(vnode):
  base = vnode.OsSearchPath()[0]
  _MakeOS(base)
  _MakeOS(base, "old", api="5\n")
  bad = _MakeOS(base, "noverify")
  os.unlink(os.path.join(bad, "verify"))
  if os.path.isdir(NOOP):
    shutil.copytree(NOOP, os.path.join(base, "noop"))
  res = dict((r[0], r) for r in bos.DiagnoseOS())
  assert res["synth"][2:] == [True, "", ["v1", "v2"],
                              [["exit_code", "the exit code"]], [20, 15],
                              True]
  assert res["old"][2] is False and "API version mismatch" in res["old"][3]
  assert res["noverify"][2] is False and "verify" in res["noverify"][3]
  if os.path.isdir(NOOP):
    assert res["noop"][2:] == [True, "", [], [], [5, 10], True]
  osd = bos.GetOS("synth+v2")
  assert osd["name"] == "synth" and osd["verify_script"].endswith("verify")
  with pytest.raises(backend.RPCFail):
    bos.GetOS("missing")


def _Inst(vnode, osname, osparams=None):
  disk_path = "/srv/ganeti/file-storage/i1/disk0"
  local = vnode.Prefix(disk_path)
  os.makedirs(os.path.dirname(local), exist_ok=True)
  open(local, "w").close()
  with open(vnode.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("/srv/ganeti/file-storage\n")
  return ({"name": "i1", "os": osname, "hypervisor": "fake", "uuid": "u1",
           "primary_node": "node1", "secondary_nodes": [],
           "beparams": {"maxmem": 128}, "hvparams": {},
           "osparams": osparams or {},
           "nics": [{"mac": "aa:00:00:11:22:33", "uuid": "n1",
                     "nicparams": {"mode": "bridged", "link": "br0"}}],
           "disks_info": [{"dev_type": "file", "size": 10, "mode": "rw",
                           "uuid": "d1", "logical_id": ["loop",
                                                        disk_path]}]},
          local)


def test_create_env_and_log(vnode):
  _MakeOS(vnode.OsSearchPath()[0])
  (inst, local) = _Inst(vnode, "synth+v2", {"exit_code": "0"})
  assert bos.InstanceOsAdd([inst, {}], True, 1) is None
  env = dict(line.split("=", 1) for line in
             open(local + ".env").read().splitlines() if "=" in line)
  assert env["OS_API_VERSION"] == "20"
  assert env["OS_NAME"] == "synth" and env["OS_VARIANT"] == "v2"
  assert env["OSP_EXIT_CODE"] == "0"
  assert env["DISK_COUNT"] == "1" and env["DISK_0_PATH"] == local
  assert env["DISK_0_BACKEND_TYPE"] == "file:loop"
  assert env["NIC_0_BRIDGE"] == "br0" and env["NIC_COUNT"] == "1"
  assert env["INSTANCE_REINSTALL"] == "1" and env["DEBUG_LEVEL"] == "1"
  assert env["PATH"] == "/sbin:/bin:/usr/sbin:/usr/bin"
  assert "HOME" not in env
  logs = os.listdir(vnode.OS_LOG_DIR)
  # the log is named after the instance's OS as given (with its variant)
  assert len(logs) == 1 and logs[0].startswith("add-synth+v2-i1-")


def test_create_failure_has_log_tail(vnode):
  _MakeOS(vnode.OsSearchPath()[0])
  (inst, _) = _Inst(vnode, "synth+v1", {"exit_code": "4"})
  with pytest.raises(backend.RPCFail) as exc:
    bos.InstanceOsAdd([inst, {}], False, 0)
  msg = str(exc.value)
  assert msg.startswith("OS create script failed (exited with exit code 4)")
  assert "creating i1" in msg


def test_rename_env_log_and_failure(vnode):
  base = vnode.OsSearchPath()[0]
  osdir = _MakeOS(base)
  with open(os.path.join(osdir, "rename"), "w") as fh:
    fh.write("#!/bin/sh\necho \"from $OLD_INSTANCE_NAME to"
             " $INSTANCE_NAME\"\n[ \"$OSP_EXIT_CODE\" = bad ] && exit 5\n"
             "exit 0\n")
  (inst, _) = _Inst(vnode, "synth+v1", {"exit_code": "0"})
  assert bos.RunRenameInstance(inst, "i0", 0) is None
  logs = os.listdir(vnode.OS_LOG_DIR)
  assert len(logs) == 1 and logs[0].startswith("rename-synth+v1-i0-i1-")
  with open(os.path.join(vnode.OS_LOG_DIR, logs[0])) as fh:
    assert "from i0 to i1" in fh.read()
  (inst, _) = _Inst(vnode, "synth+v1", {"exit_code": "bad"})
  with pytest.raises(backend.RPCFail) as exc:
    bos.RunRenameInstance(inst, "i0", 0)
  msg = str(exc.value)
  assert msg.startswith("OS rename script failed (exited with exit code 5),"
                        " last lines in the log file:\n")
  assert "from i0 to i1" in msg


def test_validate(vnode):
  _MakeOS(vnode.OsSearchPath()[0])
  assert bos.ValidateOS(True, "synth+v1", ["parameters"],
                        {"exit_code": "1"}) is True
  with pytest.raises(backend.RPCFail, match="not supported"):
    bos.ValidateOS(True, "synth+v1", ["parameters"], {"nope": "1"})
  with pytest.raises(backend.RPCFail, match="validation script failed"):
    bos.ValidateOS(True, "synth+v1", ["parameters"], {"exit_code": "bad"})
  with pytest.raises(backend.RPCFail, match="variant"):
    bos.ValidateOS(True, "synth+v9", [], {})
  assert bos.ValidateOS(False, "missing", [], {}) is False


def test_noop_create(vnode):
  if not os.path.isdir(NOOP):
    pytest.skip("noop OS not available")
  shutil.copytree(NOOP, os.path.join(vnode.OsSearchPath()[-1], "noop"))
  (inst, _) = _Inst(vnode, "noop")
  assert bos.InstanceOsAdd([inst, {}], False, 0) is None
