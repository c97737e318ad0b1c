"""The backup LUs and import-mode instance creation, run through the
processor against a real config with a fake node RPC transport."""

import pytest

from ganeti import errors
from ganeti import opcodes
from ganeti.impexpd import exportcfg

from test_mcpu import (ctx, _Exec, Callbacks,  # noqa: F401 pylint: disable=W0611
                       N1_NAME, N2_NAME, N3_NAME)

pytestmark = pytest.mark.unit

_DONE = {"exit_status": 0, "listen_port": 40000, "connected": True,
         "progress_mbytes": 1280, "progress_throughput": 100.0,
         "progress_percent": 100, "progress_eta": 0, "error_message": None,
         "recent_output": []}


def _Fakes(ctx, status=None):  # noqa: F811
  payloads = ctx.transport.payloads
  payloads["impexp_status"] = [status or _DONE]
  payloads["import_start"] = "import-x"
  payloads["export_start"] = "export-x"


def _Feedback(cbs):
  return [str(f[-1]) for f in cbs.feedback]


def testQuery(ctx):  # noqa: F811
  ctx.transport.payloads["export_list"] = ["a", "b"]
  result = _Exec(ctx, opcodes.OpBackupQuery(nodes=["node2.example.com"]))
  assert result == {N2_NAME: ["a", "b"]}
  result = _Exec(ctx, opcodes.OpBackupQuery())
  assert sorted(result) == sorted([N1_NAME, N2_NAME, N3_NAME])
  with pytest.raises(errors.OpPrereqError, match="not known"):
    _Exec(ctx, opcodes.OpBackupQuery(nodes=["nosuch"]))


def testRemove(ctx):  # noqa: F811
  ctx.transport.payloads["export_list"] = ["instance1.example.com"]
  _Exec(ctx, opcodes.OpBackupRemove(instance_name="instance1"))
  removed = sorted(c[1] for c in ctx.transport.Find("export_remove"))
  assert removed == sorted([N1_NAME, N2_NAME, N3_NAME])
  assert all(c[2] == ["instance1.example.com"]
             for c in ctx.transport.Find("export_remove"))
  cbs = Callbacks()
  ctx.transport.payloads["export_list"] = []
  _Exec(ctx, opcodes.OpBackupRemove(instance_name="gone.example.com"), cbs)
  assert any("Export not found" in m for m in _Feedback(cbs))


@pytest.mark.parametrize("kwargs,msg", [
  ({"mode": "remote"}, "Remote"),
  ({"shutdown": False, "remove_instance": True},
   "Can not remove instance without shutting it down"),
  ({"zero_free_space": True}, "Zeroing"),
])
def testExportPrereqs(ctx, kwargs, msg):  # noqa: F811
  op = opcodes.OpBackupExport(instance_name="instance1",
                              target_node="node3", **kwargs)
  with pytest.raises(errors.OpPrereqError, match=msg):
    _Exec(ctx, op)
  assert not ctx.transport.Find("import_start")


def testExport(ctx):  # noqa: F811
  _Fakes(ctx)
  ctx.transport.payloads["export_list"] = ["instance1.example.com"]
  ctx.transport.payloads["blockdev_snapshot"] = ["xenvg", "lv0.snap"]
  cbs = Callbacks()
  result = _Exec(ctx, opcodes.OpBackupExport(
    instance_name="instance1", target_node="node3",
    compress="gzip"), cbs)
  assert result == [True, [True]]
  names = ctx.transport.Names()
  # shut down only for the snapshot, which is exported and then removed
  assert names.index("instance_shutdown") < \
    names.index("blockdev_snapshot") < names.index("instance_start") < \
    names.index("import_start") < names.index("export_start") < \
    names.index("blockdev_remove") < names.index("finalize_export")
  (_, node, args) = ctx.transport.Find("import_start")[0]
  assert node == N3_NAME
  (opts, inst, component, (ieio, ieioargs)) = args
  assert opts["compress"] == "gzip" and opts["bind"] == "198.51.100.84"
  assert inst["name"] == "instance1.example.com"
  assert component == "disk/0" and ieio == "file"
  assert ieioargs == ["/srv/ganeti/export/instance1.example.com.new/"
                      "lv0.snap"]
  (_, node, args) = ctx.transport.Find("export_start")[0]
  assert node == N1_NAME
  assert args[1:3] == ["198.51.100.84", 40000]
  assert args[5][0] == "script" and args[5][1][1] == 0
  assert args[5][1][0]["dev_type"] == "plain"
  assert args[5][1][0]["logical_id"] == ["xenvg", "lv0.snap"]
  (_, node, args) = ctx.transport.Find("blockdev_remove")[0]
  assert node == N1_NAME and args[0]["logical_id"] == ["xenvg", "lv0.snap"]
  (_, node, args) = ctx.transport.Find("finalize_export")[0]
  assert node == N3_NAME
  assert args[1][0]["logical_id"][1] == "lv0.snap"
  assert args[1][0]["size"] == 1024
  # both helpers cleaned up; the old exports elsewhere removed
  assert len(ctx.transport.Find("impexp_cleanup")) == 2
  assert sorted(c[1] for c in ctx.transport.Find("export_remove")) == \
    sorted([N1_NAME, N2_NAME])
  feedback = _Feedback(cbs)
  assert "Shutting down instance instance1.example.com" in feedback
  assert "Creating a snapshot of disk/0 on node %s" % N1_NAME in feedback
  assert "disk/0 sent 1280 MiB (100.0 MiB/s, 100%, ETA 0s)" in feedback
  assert "Finalizing export on %s" % N3_NAME in feedback


def testExportWithoutShutdown(ctx):  # noqa: F811
  _Fakes(ctx)
  ctx.transport.payloads["blockdev_snapshot"] = ["xenvg", "lv0.snap"]
  _Exec(ctx, opcodes.OpBackupExport(instance_name="instance1",
                                    target_node="node3", shutdown=False))
  names = ctx.transport.Names()
  assert "instance_shutdown" not in names
  assert "instance_start" not in names
  assert "finalize_export" in names


def testExportSnapshotFails(ctx):  # noqa: F811
  _Fakes(ctx)
  ctx.transport.payloads["blockdev_snapshot"] = None
  with pytest.raises(errors.OpExecError,
                     match=r"errors in disk export: disk\(s\) 0"):
    _Exec(ctx, opcodes.OpBackupExport(instance_name="instance1",
                                      target_node="node3"))
  assert "import_start" not in ctx.transport.Names()
  assert ctx.transport.Find("instance_start")


def testExportFailure(ctx):  # noqa: F811
  _Fakes(ctx, dict(_DONE, exit_status=1, error_message="disk on fire"))
  ctx.transport.payloads["blockdev_snapshot"] = ["xenvg", "lv0.snap"]
  with pytest.raises(errors.OpExecError,
                     match=r"errors in disk export: disk\(s\) 0"):
    _Exec(ctx, opcodes.OpBackupExport(instance_name="instance1",
                                      target_node="node3"))
  assert not ctx.transport.Find("finalize_export")
  removed = ctx.transport.Find("export_remove")
  assert [(c[1], c[2]) for c in removed] == \
    [(N3_NAME, ["instance1.example.com.new"])]
  # the instance was started again
  assert ctx.transport.Find("instance_start")


def _ExportText(**override):
  inst = {"name": "old.example.com", "os": "debian-image",
          "primary_node": "x", "hypervisor": "xen-pvm",
          "disk_template": "plain",
          "beparams": {"maxmem": 256, "minmem": 128, "vcpus": 2,
                       "auto_balance": False},
          "hvparams": {"kernel_path": "/boot/other", "migration_port": 1},
          "osparams": {"dhcp": "yes"}, "osparams_private": {},
          "nics": [{"mac": "aa:00:00:00:00:01", "ip": None,
                    "network": None, "name": None,
                    "nicparams": {"mode": "bridged", "link": "br7",
                                  "vlan": ""}}]}
  inst.update(override)
  snaps = [{"iv_name": "disk/0", "logical_id": ["xenvg", "d0.snap"],
            "size": 2048, "name": None}]
  return exportcfg.Build(inst, snaps)


def _FileStorage(ctx):  # noqa: F811
  ctx.cfg.GetClusterInfo().file_storage_dir = "/srv/ganeti/file-storage"


def _ImportOp(**kwargs):
  params = dict(instance_name="new.example.com", mode="import", disks=[],
                nics=[], pnode="node2", src_node="node3", src_path="old",
                disk_template="file", name_check=False, ip_check=False,
                start=False,
                ignore_ipolicy=True)
  params.update(kwargs)
  return opcodes.OpInstanceCreate(**params)


def testImport(ctx):  # noqa: F811
  _Fakes(ctx)
  _FileStorage(ctx)
  ctx.transport.payloads["export_info"] = _ExportText()
  ctx.transport.payloads["os_get"] = {"supported_variants": []}
  cbs = Callbacks()
  op = _ImportOp(beparams={"vcpus": 4})
  _Exec(ctx, op, cbs)
  inst = ctx.cfg.GetInstanceInfoByName("new.example.com")
  assert inst.os == "debian-image"
  # user values win, the rest comes from the export, with proper types
  assert inst.beparams == {"vcpus": 4, "maxmem": 256, "minmem": 128,
                           "auto_balance": False}
  assert inst.hvparams == {"kernel_path": "/boot/other"}
  assert inst.osparams == {"dhcp": "yes"}
  assert [n.mac for n in inst.nics] == ["aa:00:00:00:00:01"]
  assert inst.nics[0].nicparams == {"mode": "bridged", "link": "br7",
                                    "vlan": ""}
  disks = ctx.cfg.GetInstanceDisks(inst.uuid)
  assert [d.size for d in disks] == [2048]
  (_, node, args) = ctx.transport.Find("export_info")[0]
  assert node == N3_NAME and args == ["/srv/ganeti/export/old"]
  (_, node, args) = ctx.transport.Find("export_start")[0]
  assert node == N3_NAME
  assert args[5] == ["file", ["/srv/ganeti/export/old/d0.snap"]]
  (_, node, args) = ctx.transport.Find("import_start")[0]
  assert node == N2_NAME and args[3][0] == "script"
  assert "instance_os_add" not in ctx.transport.Names()
  assert "* running the instance OS import scripts..." in _Feedback(cbs)


@pytest.mark.parametrize("kwargs,text,msg", [
  ({"disks": [{"size": 1024}]}, None,
   r"Disk 0 \(1.0G\) is smaller than the exported disk \(2.0G\)"),
  ({}, _ExportText(nics=[{"mac": "aa:bb:cc:b2:6e:0b", "nicparams": {}}]),
   "MAC address aa:bb:cc:b2:6e:0b already in use"),
  ({"disk_template": None}, _ExportText(disk_template="tape"),
   "not one of the allowed values"),
  ({"src_node": None, "src_path": "/abs"}, None,
   "requires a source node"),
])
def testImportPrereqs(ctx, kwargs, text, msg):  # noqa: F811
  _Fakes(ctx)
  ctx.transport.payloads["export_info"] = text or _ExportText()
  with pytest.raises(errors.OpPrereqError, match=msg):
    _Exec(ctx, _ImportOp(**kwargs))
  assert ctx.cfg.GetInstanceInfoByName("new.example.com") is None


def testImportSearchesNodes(ctx):  # noqa: F811
  ctx.transport.payloads["export_list"] = []
  with pytest.raises(errors.OpPrereqError,
                     match="No export found for relative path old"):
    _Exec(ctx, _ImportOp(src_node=None))


def testImportFailureRemovesInstance(ctx):  # noqa: F811
  _Fakes(ctx, dict(_DONE, exit_status=1, error_message="no space"))
  _FileStorage(ctx)
  ctx.transport.payloads["export_info"] = _ExportText()
  ctx.transport.payloads["os_get"] = {"supported_variants": []}
  with pytest.raises(errors.OpExecError,
                     match="were not imported successfully"):
    _Exec(ctx, _ImportOp())
  assert ctx.cfg.GetInstanceInfoByName("new.example.com") is None
  assert ctx.transport.Find("blockdev_remove")
  assert ctx.transport.Find("file_storage_dir_remove")
