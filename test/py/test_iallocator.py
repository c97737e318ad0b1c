"""The iallocator framework: input messages, answers, running, the LUs."""

import json
import os
import stat
import threading

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import opcodes
from ganeti.backend import RPCFail
from ganeti.backend import iallocator as backend_ialloc
from ganeti.cmdlib import iallocator
from ganeti.rpc import transport

from test_mcpu import ctx, _Exec, Callbacks  # noqa: F401 pylint: disable=W0611
from test_mcpu import N1, N2, N3, N1_NAME, I1, I3

pytestmark = pytest.mark.unit

_NODE_INFO = ["boot-id",
              [{"type": "lvm-vg", "name": "xenvg", "storage_size": 100000,
                "storage_free": 60000}],
              [{"memory_total": 4096, "memory_free": 3000,
                "memory_dom0": 512, "cpu_total": 4, "cpu_dom0": 1}]]

_STATIC_NODE_KEYS = {"tags", "primary_ip", "secondary_ip", "offline",
                     "drained", "master_candidate", "group", "master_capable",
                     "vm_capable", "ndparams"}
_DYNAMIC_NODE_KEYS = {"total_memory", "reserved_memory", "free_memory",
                      "total_disk", "free_disk", "total_spindles",
                      "free_spindles", "total_cpus", "reserved_cpus",
                      "i_pri_memory", "i_pri_up_memory"}
_INSTANCE_KEYS = {"tags", "admin_state", "admin_state_source", "vcpus",
                  "memory", "spindle_use", "os", "nodes", "nics", "disks",
                  "disk_template", "disks_active", "hypervisor",
                  "disk_space_total"}


def _SetLive(ctx):  # noqa: F811
  ctx.transport.payloads["node_info"] = _NODE_INFO
  # only instance1 (primary node1, maxmem 128) runs, using 100 MiB
  ctx.transport.payloads["all_instances_info"] = {
    "instance1.example.com": {"memory": 100, "vcpus": 1, "state": "-b",
                              "time": 1.0}}


def _AllocReq(**kwargs):
  args = dict(name="new1.example.com", memory=256, vcpus=1,
              disk_template=constants.DT_PLAIN,
              disks=[{"size": 1024, "mode": "rw"}], os="noop",
              tags=["t1"], nics=[{"mac": "auto", "ip": None,
                                  "bridge": "br0"}],
              hypervisor=None)
  args.update(kwargs)
  return iallocator.IAReqInstanceAlloc(**args)


def testInputMessage(ctx):  # noqa: F811
  _SetLive(ctx)
  ial = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq())
  data = json.loads(ial.in_text)
  assert data == ial.in_data
  assert set(data) == {"version", "cluster_name", "cluster_tags",
                       "enabled_hypervisors", "ipolicy", "nodegroups",
                       "nodes", "instances", "request"}
  assert data["version"] == 2
  assert data["cluster_name"] == "cluster.name.example.com"
  assert data["cluster_tags"] == ["mytag"]
  assert data["enabled_hypervisors"] == ["xen-pvm"]
  assert set(data["ipolicy"]) >= {"minmax", "std", "disk-templates",
                                  "vcpu-ratio", "spindle-ratio"}
  groups = data["nodegroups"]
  assert sorted(g["name"] for g in groups.values()) == ["another", "default"]
  for group in groups.values():
    assert set(group) == {"name", "alloc_policy", "networks", "ipolicy",
                          "tags"}
  another = [g for g in groups.values() if g["name"] == "another"][0]
  assert another["ipolicy"]["vcpu-ratio"] == 3.14
  assert sorted(data["nodes"]) == ["node1.example.com", "node2.example.com",
                                   "node3.example.com"]
  for node in data["nodes"].values():
    assert set(node) == _STATIC_NODE_KEYS | _DYNAMIC_NODE_KEYS
    assert groups[node["group"]]["name"] == "default"
    assert node["total_memory"] == 4096 and node["total_disk"] == 100000
    assert node["free_disk"] == 60000 and node["total_cpus"] == 4
  nodes = data["nodes"]
  # instance1 runs below its maxmem: 28 MiB more are kept for it
  assert nodes["node1.example.com"]["free_memory"] == 3000 - 28
  assert nodes["node1.example.com"]["i_pri_memory"] == 128
  assert nodes["node1.example.com"]["i_pri_up_memory"] == 128
  # instance3 (node2) is not running: all its memory is kept
  assert nodes["node2.example.com"]["free_memory"] == 3000 - 128
  assert sorted(data["instances"]) == ["instance1.example.com",
                                       "instance2.example.com",
                                       "instance3.example.com"]
  inst1 = data["instances"]["instance1.example.com"]
  assert set(inst1) == _INSTANCE_KEYS
  assert inst1["nodes"] == ["node1.example.com", "node3.example.com"]
  assert inst1["disk_template"] == "drbd"
  assert inst1["disks"] == [{"size": 1024, "mode": "rw", "spindles": None}]
  assert inst1["disk_space_total"] == 1024 + 128
  assert inst1["memory"] == 128 and inst1["vcpus"] == 1
  assert inst1["nics"][0]["mac"] == "aa:bb:cc:b2:6e:0b"
  assert set(inst1["nics"][0]) >= {"mac", "ip", "mode", "link"}
  assert data["request"] == {
    "type": "allocate", "name": "new1.example.com", "disk_template": "plain",
    "tags": ["t1"], "os": "noop", "vcpus": 1, "memory": 256,
    "spindle_use": 1, "disks": [{"size": 1024, "mode": "rw"}],
    "disk_space_total": 1024,
    "nics": [{"mac": "auto", "ip": None, "bridge": "br0"}],
    "required_nodes": 1, "hypervisor": "xen-pvm"}
  # node data was asked for the request's storage and hypervisor
  (_, _, args) = ctx.transport.Find("node_info")[0]
  assert args == [[["lvm-vg", "xenvg", []]], [["xen-pvm", args[1][0][1]]]]


def testInputOfflineNodesHaveNoResources(ctx):  # noqa: F811
  _SetLive(ctx)
  node = ctx.cfg.GetNodeInfo(N1)
  node.offline = True
  ctx.cfg.Update(node, None)
  data = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq()).in_data
  assert set(data["nodes"][N1_NAME]) == _STATIC_NODE_KEYS
  assert data["nodes"][N1_NAME]["offline"] is True
  assert N1_NAME not in [c[1] for c in ctx.transport.Find("node_info")]


def testInputNodeWhitelist(ctx):  # noqa: F811
  _SetLive(ctx)
  data = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq(),
                               node_whitelist=[N1]).in_data
  assert data["nodes"][N1_NAME]["offline"] is False
  assert data["nodes"]["node2.example.com"]["offline"] is True


def _NoLive(cfg, rpc, uuids, hv, template):
  return {}


@pytest.mark.parametrize("req,wanted", [
  (lambda: _AllocReq(disk_template="drbd",
                     disks=[{"size": 1024, "mode": "rw"},
                            {"size": 2048, "mode": "rw"}]),
   {"required_nodes": 2, "disk_space_total": 1024 + 2048 + 2 * 128}),
  (lambda: _AllocReq(disk_template="diskless", disks=[]),
   {"required_nodes": 1, "disk_space_total": 0}),
  (lambda: _AllocReq(group_name="another"), {"group_name": "another"}),
])
def testAllocRequestVariants(ctx, req, wanted):  # noqa: F811
  data = iallocator.IAllocator(ctx.cfg, ctx.rpc, req(),
                               live_data=_NoLive).in_data
  for (key, value) in wanted.items():
    assert data["request"][key] == value


@pytest.mark.parametrize("req,wanted", [
  (lambda: iallocator.IAReqRelocate(inst_uuid=I1,
                                    relocate_from_node_uuids=[
                                      "41f9c238-173c-4120-9e41-04ad379b647a"]),
   {"type": "relocate", "name": "instance1.example.com",
    "disk_space_total": 1152, "required_nodes": 1,
    "relocate_from": ["node3.example.com"]}),
  (lambda: iallocator.IAReqNodeEvac(instances=["instance1.example.com"],
                                    evac_mode="secondary-only"),
   {"type": "node-evacuate", "instances": ["instance1.example.com"],
    "evac_mode": "secondary-only"}),
  (lambda: iallocator.IAReqGroupChange(instances=["instance3.example.com"],
                                       target_groups=["g-uuid"]),
   {"type": "change-group", "instances": ["instance3.example.com"],
    "target_groups": ["g-uuid"]}),
  (lambda: iallocator.IAReqInstanceAllocateSecondary(
    name="instance3.example.com"),
   {"type": "allocate-secondary", "name": "instance3.example.com"}),
])
def testOtherRequests(ctx, req, wanted):  # noqa: F811
  data = iallocator.IAllocator(ctx.cfg, ctx.rpc, req(),
                               live_data=_NoLive).in_data
  assert data["request"] == wanted


def testMultiAllocRequest(ctx):  # noqa: F811
  req = iallocator.IAReqMultiInstanceAlloc(
    instances=[_AllocReq(name="a"), _AllocReq(name="b")])
  data = iallocator.IAllocator(ctx.cfg, ctx.rpc, req,
                               live_data=_NoLive).in_data
  assert data["request"]["type"] == "multi-allocate"
  assert [r["name"] for r in data["request"]["instances"]] == ["a", "b"]
  assert "type" not in data["request"]["instances"][0]


def testRelocateNonMirrored(ctx):  # noqa: F811
  req = iallocator.IAReqRelocate(inst_uuid=I3, relocate_from_node_uuids=[])
  with pytest.raises(errors.OpPrereqError) as err:
    iallocator.IAllocator(ctx.cfg, ctx.rpc, req, live_data=_NoLive)
  assert err.value.args == ("Can't relocate non-mirrored instances",
                            errors.ECODE_INVAL)


# Answers ----------------------------------------------------------------------
def _Answer(ctx, req, text):  # noqa: F811
  ial = iallocator.IAllocator(ctx.cfg, ctx.rpc, req, live_data=_NoLive)
  ial.out_text = text
  ial._ValidateResult()
  return ial


def testValidAnswers(ctx):  # noqa: F811
  ial = _Answer(ctx, _AllocReq(), json.dumps(
    {"success": True, "info": "ok", "result": ["node2.example.com"]}))
  assert (ial.success, ial.info, ial.result) == \
    (True, "ok", ["node2.example.com"])
  # the old name of "result"
  ial = _Answer(ctx, _AllocReq(), json.dumps(
    {"success": True, "info": "", "nodes": ["node2.example.com"]}))
  assert ial.result == ["node2.example.com"]
  # a failed request need not have a valid result
  ial = _Answer(ctx, _AllocReq(), json.dumps(
    {"success": False, "info": "no", "result": "junk"}))
  assert ial.success is False and ial.info == "no"
  evac = iallocator.IAReqNodeEvac(instances=["instance1.example.com"],
                                  evac_mode="all")
  _Answer(ctx, evac, json.dumps({"success": True, "info": "", "result": [
    [["instance1.example.com", "default", ["node2.example.com"]]],
    [["instance3.example.com", None]],
    [[{"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "x"}]]]}))
  multi = iallocator.IAReqMultiInstanceAlloc(instances=[_AllocReq()])
  _Answer(ctx, multi, json.dumps({"success": True, "info": "", "result": [
    [["new1.example.com", ["node1.example.com"]]], ["other"]]}))


_RELOC = (lambda: iallocator.IAReqRelocate(
  inst_uuid=I1,
  relocate_from_node_uuids=["41f9c238-173c-4120-9e41-04ad379b647a"]))


@pytest.mark.parametrize("req,text,exc,msg", [
  (_AllocReq, "not json", errors.OpExecError,
   "Can't parse iallocator results: "),
  (_AllocReq, "[1, 2]", errors.OpExecError,
   "Can't parse iallocator results: not a dict"),
  (_AllocReq, '{"success": true, "result": []}', errors.OpExecError,
   "Can't parse iallocator results: missing key 'info'"),
  (_AllocReq, '{"success": true, "info": "", "result": "node1"}',
   errors.ResultValidationError, "iallocator returned invalid result"),
  (_AllocReq, '{"success": true, "info": "", "result": ["a", "b"]}',
   errors.ResultValidationError,
   "iallocator returned invalid number of nodes (2), required 1"),
  (_RELOC, '{"success": true, "info": "", "result": []}',
   errors.ResultValidationError,
   "iallocator returned invalid number of nodes (0), required 1"),
  (lambda: iallocator.IAReqNodeEvac(instances=["i"], evac_mode="all"),
   '{"success": true, "info": "", "result": [[], []]}',
   errors.ResultValidationError, "iallocator returned invalid result"),
  (lambda: iallocator.IAReqNodeEvac(instances=["i"], evac_mode="all"),
   '{"success": true, "info": "", "result": [[], [],'
   ' [[{"OP_ID": "OP_INSTANCE_REMOVE"}]]]}',
   errors.ResultValidationError, "iallocator returned invalid result"),
  (lambda: iallocator.IAReqMultiInstanceAlloc(instances=[_AllocReq()]),
   '{"success": true, "info": "", "result": [["x"], []]}',
   errors.ResultValidationError, "iallocator returned invalid result"),
])
def testInvalidAnswers(ctx, req, text, exc, msg):  # noqa: F811
  with pytest.raises(exc) as err:
    _Answer(ctx, req(), text)
  assert str(err.value.args[0]).startswith(msg)


def testRelocateAnswerOtherGroup(ctx):  # noqa: F811
  node = ctx.cfg.GetNodeInfo("2ae3d962-2dad-44f2-bdb1-85f77107f907")
  node.group = "6c0a8916-b719-45ad-95dd-82192b1e473f"  # "another"
  ctx.cfg.Update(node, None)
  with pytest.raises(errors.ResultValidationError) as err:
    _Answer(ctx, _RELOC(), json.dumps(
      {"success": True, "info": "", "result": ["node2.example.com"]}))
  assert err.value.args[0] == (
    "Groups of nodes returned by iallocator (another, default) differ from"
    " original groups (default)")


# Running ------------------------------------------------------------------
def testRunThroughRpc(ctx):  # noqa: F811
  answer = {"success": True, "info": "picked",
            "result": ["node2.example.com"]}
  ctx.transport.payloads["iallocator_runner"] = json.dumps(answer)
  ial = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq(),
                              live_data=_NoLive)
  ial.Run("my-alloc")
  assert (ial.success, ial.result, ial.used_name) == \
    (True, ["node2.example.com"], "my-alloc")
  [(_, node, args)] = ctx.transport.Find("iallocator_runner")
  assert node == N1_NAME  # the master
  assert args == ["my-alloc", ial.in_text]


class _FailingTransport:
  def __init__(self, inner, message):
    self.inner = inner
    self.message = message

  def Call(self, name, targets, body, timeout):
    if name != "iallocator_runner":
      return self.inner.Call(name, targets, body, timeout)
    return dict((node, transport.RpcResult(data=[False, self.message],
                                           call=name, node=node))
                for node in targets)

  def Close(self):
    pass


def testDefaultRunsOwnHail(ctx):  # noqa: F811
  """No "hail" program installed: pyganeti's hail answers, silently."""
  ctx.rpc._client = _FailingTransport(
    ctx.transport, iallocator.NOT_FOUND_MSG % "hail")
  logged = []
  ial = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq(),
                              live_data=lambda *a: dict(
                                (n, {"total_memory": 4096,
                                     "reserved_memory": 512,
                                     "free_memory": 3500,
                                     "total_disk": 500000,
                                     "free_disk": 400000, "total_cpus": 4,
                                     "reserved_cpus": 1,
                                     "total_spindles": 1,
                                     "free_spindles": 1,
                                     "i_pri_memory": 0,
                                     "i_pri_up_memory": 0})
                                for n in a[2]))
  ial.Run(".", log_fn=logged.append)
  assert ial.used_name == constants.DEFAULT_IALLOCATOR
  assert ial.success is True and len(ial.result) == 1, ial.info
  assert ial.info.startswith("Request successful: Selected group: default,")
  assert logged == []


@pytest.mark.parametrize("name,message", [
  ("other", iallocator.NOT_FOUND_MSG % "other"),
  ("hail", "iallocator module 'hail' failed: exited with exit code 1,"
   " output 'boom'"),
])
def testRunFailures(ctx, name, message):  # noqa: F811
  ctx.rpc._client = _FailingTransport(ctx.transport, message)
  ial = iallocator.IAllocator(ctx.cfg, ctx.rpc, _AllocReq(),
                              live_data=_NoLive)
  with pytest.raises(errors.OpExecError) as err:
    ial.Run(name)
  assert err.value.args[0] == ("Failure while running the iallocator"
                               " script: %s" % message)


def testNotFoundMessagesAgree():
  assert iallocator.NOT_FOUND_MSG == backend_ialloc.NOT_FOUND_MSG


# The node side ---------------------------------------------------------------
def _Script(directory, name, body):
  path = os.path.join(str(directory), name)
  with open(path, "w") as fh:
    fh.write("#!/bin/sh\n" + body)
  os.chmod(path, stat.S_IRWXU)
  return path


def testBackendRunsScript(tmp_path):
  first = tmp_path / "a"
  second = tmp_path / "b"
  first.mkdir()
  second.mkdir()
  _Script(second, "alloc", 'case "$1" in */ganeti-iallocator.*) ;;'
          ' *) exit 3;; esac\ncat "$1"; echo " seen"\n')
  out = backend_ialloc.RunIAllocator("alloc", '{"x": 1}',
                                     search_path=[str(first), str(second)])
  assert out == '{"x": 1} seen\n'
  # the first directory wins
  _Script(first, "alloc", "echo first\n")
  assert backend_ialloc.RunIAllocator(
    "alloc", "{}", search_path=[str(first), str(second)]) == "first\n"


def testBackendRemovesInputFile(tmp_path):
  _Script(tmp_path, "alloc", 'echo "$1"\n')
  out = backend_ialloc.RunIAllocator("alloc", "{}",
                                     search_path=[str(tmp_path)])
  assert not os.path.exists(out.strip())


@pytest.mark.parametrize("name", ["nosuch", "../alloc", "", "."])
def testBackendNotFound(tmp_path, name):
  _Script(tmp_path, "alloc", "echo hi\n")
  with pytest.raises(RPCFail) as err:
    backend_ialloc.RunIAllocator(name, "{}", search_path=[str(tmp_path)])
  assert str(err.value) == backend_ialloc.NOT_FOUND_MSG % name


def testBackendScriptFails(tmp_path):
  _Script(tmp_path, "alloc", "echo bad input; exit 2\n")
  with pytest.raises(RPCFail) as err:
    backend_ialloc.RunIAllocator("alloc", "{}", search_path=[str(tmp_path)])
  assert str(err.value) == ("iallocator module 'alloc' failed: exited with"
                            " exit code 2, output 'bad input'")


def testBackendNotExecutable(tmp_path):
  path = _Script(tmp_path, "alloc", "echo hi\n")
  os.chmod(path, 0o644)
  assert backend_ialloc.FindIAllocator("alloc", [str(tmp_path)]) is None


# The LUs ------------------------------------------------------------------
def _TestOp(**kwargs):
  args = dict(direction="in", mode="allocate", name="new9.example.com",
              nics=[{"mac": "00:11:22:33:44:55", "ip": None,
                     "bridge": None}],
              disks=[{"size": 1024, "mode": "rw"}], memory=128, vcpus=1,
              disk_template="plain", os="noop")
  args.update(kwargs)
  return opcodes.OpTestAllocator(**args)


def testTestAllocatorIn(ctx):  # noqa: F811
  _SetLive(ctx)
  text = _Exec(ctx, _TestOp())
  data = json.loads(text)
  assert data["request"]["type"] == "allocate"
  assert data["request"]["hypervisor"] == "xen-pvm"
  assert data["request"]["name"] == "new9.example.com"


def testTestAllocatorOutBuiltin(ctx):  # noqa: F811
  _SetLive(ctx)
  text = _Exec(ctx, _TestOp(direction="out",
                            iallocator=constants.IALLOCATOR_BUILTIN))
  answer = json.loads(text)
  assert answer["success"] is True
  # node2 and node3 lose 128 MiB to stopped instances: node1 is freest,
  # and all nodes have the same share of primary memory and instances
  assert answer["result"] == ["node1.example.com"]


def testTestAllocatorMultiAndRelocate(ctx):  # noqa: F811
  text = _Exec(ctx, _TestOp(mode="multi-allocate", count=3))
  names = [r["name"] for r in json.loads(text)["request"]["instances"]]
  assert names == ["new9.example.com0", "new9.example.com1",
                   "new9.example.com2"]
  text = _Exec(ctx, _TestOp(mode="relocate", name="instance1"))
  assert json.loads(text)["request"]["relocate_from"] == \
    ["node3.example.com"]
  text = _Exec(ctx, _TestOp(mode="change-group", name="instance1",
                            instances=["instance1", "instance3"],
                            target_groups=["another"]))
  request = json.loads(text)["request"]
  assert request["instances"] == ["instance1.example.com",
                                  "instance3.example.com"]
  assert request["target_groups"] == ["6c0a8916-b719-45ad-95dd-82192b1e473f"]


@pytest.mark.parametrize("kwargs,msg,code", [
  ({"name": "instance1.example.com"},
   "Instance 'instance1.example.com' already in the cluster",
   errors.ECODE_EXISTS),
  ({"disks": [{"size": "big", "mode": "rw"}]},
   "Invalid contents of the 'disks' parameter", errors.ECODE_INVAL),
  ({"direction": "out"}, "Missing allocator name", errors.ECODE_INVAL),
  ({"mode": "node-evacuate", "instances": []}, "Missing instances",
   errors.ECODE_INVAL),
  ({"mode": "relocate", "name": "nosuch"}, "Instance 'nosuch' not known",
   errors.ECODE_NOENT),
  ({"mode": "change-group", "instances": ["instance1"],
    "target_groups": ["nosuch"]}, "Node group 'nosuch' not found",
   errors.ECODE_NOENT),
])
def testTestAllocatorErrors(ctx, kwargs, msg, code):  # noqa: F811
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, _TestOp(**kwargs))
  assert err.value.args == (msg, code)


def _FileStorage(ctx):  # noqa: F811
  """The 3.0 fixture cluster has no file storage directory: give it one."""
  ctx.cfg.GetClusterInfo().file_storage_dir = "/srv/ganeti/file-storage"


def _CreateOp(**kwargs):
  args = dict(instance_name="new1.example.com", disk_template="file",
              disks=[{"size": 1024}], os_type="noop", name_check=False,
              ip_check=False, mode=constants.INSTANCE_CREATE, nics=[{}],
              iallocator=constants.IALLOCATOR_BUILTIN)
  args.update(kwargs)
  return opcodes.OpInstanceCreate(**args)


def testInstanceCreateWithAllocator(ctx):  # noqa: F811
  _SetLive(ctx)
  cbs = Callbacks()
  _FileStorage(ctx)
  result = _Exec(ctx, _CreateOp(), cbs)
  assert result == ["node1.example.com"]
  inst = ctx.cfg.GetInstanceInfoByName("new1.example.com")
  assert inst.primary_node == N1
  msgs = [str(f[-1]) for f in cbs.feedback]
  assert any("Selected nodes for instance new1.example.com via iallocator"
             " pyganeti-simple: node1.example.com" in m for m in msgs)


def testInstanceCreateDefaultAllocator(ctx):  # noqa: F811
  """No node and no allocator: the cluster's default ("hail", missing).

  pyganeti's hail answers; its capacity check needs room to re-create
  instance2's 100 GiB disk elsewhere, hence the bigger volume group.
  """
  _SetLive(ctx)
  ctx.transport.payloads["node_info"] = [
    _NODE_INFO[0], [dict(_NODE_INFO[1][0], storage_size=500000,
                         storage_free=400000)], _NODE_INFO[2]]
  ctx.rpc._client = _FailingTransport(
    ctx.transport, iallocator.NOT_FOUND_MSG % "hail")
  cbs = Callbacks()
  _FileStorage(ctx)
  _Exec(ctx, _CreateOp(iallocator=None), cbs)
  msgs = [str(f[-1]) for f in cbs.feedback]
  assert any("via iallocator hail: node1.example.com" in m for m in msgs)


def testInstanceCreateAllocatorFails(ctx):  # noqa: F811
  ctx.transport.payloads["node_info"] = [
    "boot-id", [], [{"memory_total": 4096, "memory_free": 64}]]
  writes = ctx.cfg.GetWriteCount()
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, _CreateOp())
  assert err.value.args == (
    "Can't compute nodes using iallocator 'pyganeti-simple': Request"
    " failed: Group default (preferred): No valid allocation solutions,"
    " failure reasons: FailMem: 3", errors.ECODE_NORES)
  assert ctx.cfg.GetWriteCount() == writes
  assert ctx.cfg.GetInstanceInfoByName("new1.example.com") is None
  assert not ctx.transport.Find("blockdev_create")


@pytest.mark.parametrize("kwargs,msg", [
  ({"pnode": "node1"}, "Do not specify both, iallocator and node"),
])
def testInstanceCreateNodeAndAllocator(ctx, kwargs, msg):  # noqa: F811
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, _CreateOp(**kwargs))
  assert err.value.args == (msg, errors.ECODE_INVAL)


def testInstanceCreateNoDefaultAllocator(ctx):  # noqa: F811
  cluster = ctx.cfg.GetClusterInfo()
  cluster.default_iallocator = ""
  ctx.cfg.Update(cluster, None)
  with pytest.raises(errors.OpPrereqError) as err:
    _Exec(ctx, _CreateOp(iallocator=None))
  assert err.value.args == (
    "No iallocator or pnode given and no cluster-wide default iallocator"
    " found; please specify either an iallocator or a pnode",
    errors.ECODE_INVAL)


def testInstanceCreateOpportunisticLocking(ctx):  # noqa: F811
  _SetLive(ctx)
  cbs = Callbacks()
  _FileStorage(ctx)
  result = _Exec(ctx, _CreateOp(opportunistic_locking=True), cbs)
  assert result == ["node1.example.com"]


def testInstanceCreateOpportunisticNoNodes(ctx):  # noqa: F811
  """Every node lock busy: nothing to allocate on, a temporary error."""
  _SetLive(ctx)
  held = threading.Event()
  done = threading.Event()

  def holder():
    ctx.glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=1)
    ctx.glm.acquire(locking.LEVEL_NODE, [N1, N2, N3])
    held.set()
    done.wait(30)
    ctx.glm.release(locking.LEVEL_NODE)
    ctx.glm.release(locking.LEVEL_CLUSTER)
  thread = threading.Thread(target=holder)
  thread.start()
  try:
    assert held.wait(30)
    with pytest.raises(errors.OpPrereqError) as err:
      _Exec(ctx, _CreateOp(opportunistic_locking=True))
    assert err.value.args[1] == errors.ECODE_TEMP_NORES, err.value.args
    assert err.value.args[0] == (
      "Can't compute nodes using iallocator 'pyganeti-simple': Request"
      " failed: Group default (preferred): no online, undrained and"
      " vm_capable nodes")
  finally:
    done.set()
    thread.join()
