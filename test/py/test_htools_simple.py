"""The built-in allocator (ganeti.htools.simple) on tables of node states."""

import copy
import glob
import json
import os

import pytest

from ganeti import constants
from ganeti.htools import simple

pytestmark = pytest.mark.unit

G1 = "uuid-g1"
G2 = "uuid-g2"

_IPOLICY = {
  "minmax": [{"min": {"memory-size": 128, "cpu-count": 1, "disk-count": 1,
                      "disk-size": 1024, "nic-count": 1, "spindle-use": 1},
              "max": {"memory-size": 32768, "cpu-count": 8,
                      "disk-count": 16, "disk-size": 1048576,
                      "nic-count": 8, "spindle-use": 12}}],
  "std": {"memory-size": 128, "cpu-count": 1, "disk-count": 1,
          "disk-size": 1024, "nic-count": 1, "spindle-use": 1},
  "disk-templates": ["drbd", "plain", "file", "diskless", "rbd"],
  "vcpu-ratio": 4.0, "spindle-ratio": 32.0}


def _Node(group=G1, mem=8192, disk=100000, cpus=4, pri_mem=0, **kwargs):
  data = {"tags": [], "primary_ip": "192.0.2.1", "secondary_ip": "192.0.2.1",
          "offline": False, "drained": False, "master_candidate": True,
          "group": group, "master_capable": True, "vm_capable": True,
          "ndparams": {}, "total_memory": 16384, "reserved_memory": 512,
          "free_memory": mem, "total_disk": 200000, "free_disk": disk,
          "total_spindles": 0, "free_spindles": 0, "total_cpus": cpus,
          "reserved_cpus": 0, "i_pri_memory": pri_mem, "i_pri_up_memory": 0}
  data.update(kwargs)
  if data["offline"] or data["drained"] or not data["vm_capable"]:
    for key in ("total_memory", "free_memory", "total_disk", "free_disk",
                "total_cpus", "i_pri_memory", "i_pri_up_memory"):
      del data[key]
  return data


def _Instance(nodes, template="drbd", memory=512, vcpus=1, disks=(1024,)):
  return {"tags": [], "admin_state": "up", "admin_state_source": "admin",
          "vcpus": vcpus, "memory": memory, "spindle_use": 1, "os": "noop",
          "nodes": list(nodes), "nics": [{"mac": "aa:00:00:00:00:01",
                                          "ip": None}],
          "disks": [{"size": s, "mode": "rw", "spindles": None}
                    for s in disks],
          "disk_template": template, "disks_active": True,
          "hypervisor": "kvm",
          "disk_space_total": sum(s + 128 for s in disks)
          if template == "drbd" else sum(disks)}


def _Input(nodes, request, instances=None, groups=None):
  if groups is None:
    groups = {G1: ("default", "preferred")}
  return {
    "version": 2, "cluster_name": "c", "cluster_tags": [],
    "enabled_hypervisors": ["kvm"], "ipolicy": _IPOLICY,
    "nodegroups": dict((u, {"name": n, "alloc_policy": p, "networks": [],
                            "ipolicy": _IPOLICY, "tags": []})
                       for (u, (n, p)) in groups.items()),
    "nodes": nodes, "instances": instances or {}, "request": request}


def _Alloc(template="plain", memory=1024, disks=(2048,), vcpus=1,
           name="new1", nics=1):
  disk_total = sum(disks) + (128 * len(disks) if template == "drbd" else 0)
  if template == "diskless":
    disk_total = 0
  return {"type": "allocate", "name": name, "disk_template": template,
          "tags": [], "os": "noop", "vcpus": vcpus, "memory": memory,
          "spindle_use": 1,
          "disks": [{"size": s, "mode": "rw"} for s in disks],
          "disk_space_total": disk_total,
          "nics": [{"mac": "auto", "ip": None, "bridge": "br0"}] * nics,
          "required_nodes": 2 if template == "drbd" else 1,
          "hypervisor": "kvm"}


@pytest.mark.parametrize("nodes,expected", [
  # the least loaded node (primary memory share) wins; ties: by name
  ({"n1": _Node(pri_mem=4096), "n2": _Node(pri_mem=1024),
    "n3": _Node(pri_mem=2048)}, ["n2"]),
  ({"n2": _Node(), "n1": _Node(), "n3": _Node()}, ["n1"]),
  # offline, drained and non-vm_capable nodes are never chosen
  ({"n1": _Node(offline=True), "n2": _Node(drained=True),
    "n3": _Node(vm_capable=False), "n4": _Node(pri_mem=8000)}, ["n4"]),
  # not enough free memory / disk
  ({"n1": _Node(mem=512), "n2": _Node(disk=1000), "n3": _Node(pri_mem=9000)},
   ["n3"]),
])
def testAllocatePlainChoice(nodes, expected):
  answer = simple.Allocate(_Input(nodes, _Alloc()))
  assert answer["success"] is True
  assert answer["result"] == expected


@pytest.mark.parametrize("nodes,reasons", [
  ({"n1": _Node(mem=512), "n2": _Node(mem=100)}, "FailMem: 2"),
  ({"n1": _Node(disk=10), "n2": _Node(mem=10)}, "FailDisk: 1, FailMem: 1"),
])
def testAllocateFailureReasons(nodes, reasons):
  answer = simple.Allocate(_Input(nodes, _Alloc()))
  assert answer == {
    "success": False, "result": [],
    "info": "Request failed: Group default (preferred): No valid allocation"
            " solutions, failure reasons: %s" % reasons}


def testAllocateNoUsableNode():
  nodes = {"n1": _Node(offline=True), "n2": _Node(drained=True)}
  answer = simple.Allocate(_Input(nodes, _Alloc()))
  assert not answer["success"]
  assert answer["info"] == ("Request failed: Group default (preferred): no"
                            " online, undrained and vm_capable nodes")


def testAllocateDiskIgnoredForDiskless():
  nodes = {"n1": _Node(disk=0)}
  answer = simple.Allocate(_Input(nodes, _Alloc("diskless", disks=())))
  assert answer["result"] == ["n1"]


def testAllocateCpuRatio():
  # 4 cpus * vcpu-ratio 4.0 = 16 vcpus; 15 already used on n1
  instances = {"big": _Instance(["n1"], template="plain", vcpus=15,
                                memory=128)}
  nodes = {"n1": _Node(), "n2": _Node(pri_mem=12000)}
  answer = simple.Allocate(_Input(nodes, _Alloc(vcpus=2), instances))
  assert answer["result"] == ["n2"]


def testAllocateDrbdPairs():
  nodes = {"n1": _Node(pri_mem=100), "n2": _Node(pri_mem=5000),
           "n3": _Node(pri_mem=6000)}
  answer = simple.Allocate(_Input(nodes, _Alloc("drbd")))
  assert answer["success"]
  (pnode, snode) = answer["result"]
  assert pnode == "n1" and snode != pnode
  # secondary: the node with the fewest instances
  instances = {"i1": _Instance(["n2", "n1"])}
  nodes["n2"]["i_pri_memory"] = 5000
  answer = simple.Allocate(_Input(nodes, _Alloc("drbd"), instances))
  assert answer["result"] == ["n1", "n3"]


def testAllocateDrbdNeedsTwoNodes():
  nodes = {"n1": _Node(), "n2": _Node(offline=True)}
  answer = simple.Allocate(_Input(nodes, _Alloc("drbd")))
  assert not answer["success"]
  assert "FailNoSecondary: 1" in answer["info"]


def testAllocateSecondaryInPrimaryGroup():
  groups = {G1: ("default", "preferred"), G2: ("other", "preferred")}
  nodes = {"n1": _Node(G1), "n2": _Node(G2), "n3": _Node(G2, pri_mem=9000)}
  answer = simple.Allocate(_Input(nodes, _Alloc("drbd"), groups=groups))
  assert answer["result"] == ["n2", "n3"]


@pytest.mark.parametrize("policies,expected", [
  (("preferred", "preferred"), ["b1"]),
  (("last_resort", "preferred"), ["b1"]),
  (("unallocable", "last_resort"), ["b1"]),
  (("preferred", "unallocable"), ["a1"]),
])
def testGroupAllocPolicy(policies, expected):
  groups = {G1: ("ga", policies[0]), G2: ("gb", policies[1])}
  # group B's node is less loaded: only the policies can make A win
  nodes = {"a1": _Node(G1, pri_mem=4000), "b1": _Node(G2)}
  answer = simple.Allocate(_Input(nodes, _Alloc(), groups=groups))
  assert answer["result"] == expected


def testGroupAllocPolicyFallsBackToLastResort():
  groups = {G1: ("ga", "preferred"), G2: ("gb", "last_resort")}
  nodes = {"a1": _Node(G1, mem=10), "b1": _Node(G2)}
  answer = simple.Allocate(_Input(nodes, _Alloc(), groups=groups))
  assert answer["result"] == ["b1"]


def testAllUnallocable():
  groups = {G1: ("ga", "unallocable")}
  answer = simple.Allocate(_Input({"a1": _Node(G1)}, _Alloc(),
                                  groups=groups))
  assert answer == {"success": False, "result": [],
                    "info": "Request failed: No node group can take"
                            " instances"}


@pytest.mark.parametrize("request_kwargs,text", [
  ({"memory": 64}, "memory-size 64 not in [128, 32768]"),
  ({"disks": (512,)}, "disk-size 512 not in [1024, 1048576]"),
  ({"nics": 0}, "nic-count 0 not in [1, 8]"),
  ({"template": "file", "vcpus": 9}, "cpu-count 9 not in [1, 8]"),
  ({"template": "sharedfile"}, "disk template sharedfile not allowed"),
])
def testInstancePolicy(request_kwargs, text):
  answer = simple.Allocate(_Input({"n1": _Node()}, _Alloc(**request_kwargs)))
  assert not answer["success"]
  assert answer["info"] == ("Request failed: Group default (preferred):"
                            " instance violates the policy: %s" % text)


def testMultiAllocateAccountsForEarlierPlacements():
  nodes = {"n1": _Node(mem=2500), "n2": _Node(mem=1500, pri_mem=1000)}
  request = {"type": "multi-allocate",
             "instances": [_Alloc(name="i%d" % i) for i in range(4)]}
  answer = simple.Allocate(_Input(nodes, request))
  assert answer["success"]
  # n1 (least loaded) takes i0, then n2 is less loaded, then n1 again
  assert answer["result"] == [[["i0", ["n1"]], ["i1", ["n2"]],
                               ["i2", ["n1"]]], ["i3"]]


def testRelocateSecondary():
  nodes = {"n1": _Node(), "n2": _Node(), "n3": _Node(disk=100),
           "n4": _Node()}
  instances = {"i1": _Instance(["n1", "n2"])}
  request = {"type": "relocate", "name": "i1", "disk_space_total": 1152,
             "required_nodes": 1, "relocate_from": ["n2"]}
  answer = simple.Allocate(_Input(nodes, request, instances))
  assert answer["result"] == ["n4"]


def testAllocateSecondary():
  nodes = {"n1": _Node(), "n2": _Node(drained=True), "n3": _Node()}
  instances = {"i1": _Instance(["n1"], template="plain")}
  request = {"type": "allocate-secondary", "name": "i1"}
  answer = simple.Allocate(_Input(nodes, request, instances))
  assert answer["success"] and answer["result"] == "n3"


@pytest.mark.parametrize("mode,nodes,ops", [
  ("primary-only", ["n2", "n1"], ["OP_INSTANCE_MIGRATE"]),
  ("secondary-only", ["n1", "n3"], ["OP_INSTANCE_REPLACE_DISKS"]),
  ("all", ["n3", "n4"], ["OP_INSTANCE_REPLACE_DISKS", "OP_INSTANCE_MIGRATE",
                         "OP_INSTANCE_REPLACE_DISKS"]),
])
def testNodeEvacuateDrbd(mode, nodes, ops):
  cluster = {"n1": _Node(), "n2": _Node(), "n3": _Node(), "n4": _Node()}
  instances = {"i1": _Instance(["n1", "n2"]),
               "p1": _Instance(["n1"], template="plain")}
  request = {"type": "node-evacuate", "instances": ["i1", "p1"],
             "evac_mode": mode}
  answer = simple.Allocate(_Input(cluster, request, instances))
  assert answer["success"]
  (moved, failed, jobs) = answer["result"]
  assert moved == [["i1", "default", nodes]]
  assert failed == [["p1", "Instance p1 has disk template plain and can't"
                     " be moved"]]
  assert [op["OP_ID"] for op in jobs[0]] == ops
  assert all(op["instance_name"] == "i1" for op in jobs[0])


def testNodeEvacuateSharedStorage():
  cluster = {"n1": _Node(), "n2": _Node(pri_mem=3000), "n3": _Node()}
  instances = {"r1": _Instance(["n1"], template="rbd")}
  request = {"type": "node-evacuate", "instances": ["r1"],
             "evac_mode": "all"}
  answer = simple.Allocate(_Input(cluster, request, instances))
  assert answer["result"] == [
    [["r1", "default", ["n3"]]], [],
    [[{"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "r1",
       "target_node": "n3", "allow_failover": True, "cleanup": False}]]]


def testChangeGroup():
  groups = {G1: ("default", "preferred"), G2: ("other", "preferred")}
  cluster = {"n1": _Node(G1), "n2": _Node(G1), "m1": _Node(G2),
             "m2": _Node(G2)}
  instances = {"i1": _Instance(["n1", "n2"])}
  request = {"type": "change-group", "instances": ["i1"],
             "target_groups": []}
  answer = simple.Allocate(_Input(cluster, request, instances,
                                  groups=groups))
  (moved, failed, jobs) = answer["result"]
  assert moved == [["i1", "other", ["m1", "m2"]]] and failed == []
  assert jobs[0][0]["remote_node"] == "m1"
  assert jobs[0][2]["remote_node"] == "m2"
  # the current group only: nothing to move to
  request["target_groups"] = [G1]
  answer = simple.Allocate(_Input(cluster, request, instances,
                                  groups=groups))
  assert answer["result"][0] == []
  assert answer["result"][1][0][0] == "i1"


@pytest.mark.parametrize("data,msg", [
  ([], "The input message is not a JSON object"),
  ({"nodes": {}}, "Missing or invalid 'nodegroups' in the input"),
  (_Input({}, {"type": "bogus"}), "Unknown request type 'bogus'"),
  (_Input({}, {"type": "relocate", "name": "nosuch"}),
   "Instance 'nosuch' not found in the input"),
])
def testMalformedInput(data, msg):
  with pytest.raises(simple.AllocatorError) as err:
    simple.Allocate(copy.deepcopy(data))
  assert str(err.value) == msg


def testMainAsPlugin(tmp_path, capsys):
  path = tmp_path / "in.json"
  path.write_text(json.dumps(_Input({"n1": _Node()}, _Alloc())))
  assert simple.Main(["pyganeti-simple", str(path)]) == 0
  answer = json.loads(capsys.readouterr().out)
  assert answer["result"] == ["n1"]
  path.write_text("{not json")
  assert simple.Main(["pyganeti-simple", str(path)]) == 1
  assert "Can't parse the input message" in capsys.readouterr().err
  assert simple.Main(["pyganeti-simple"]) == 1


_HAIL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__)))), "test", "data", "htools")


@pytest.mark.parametrize("path", sorted(glob.glob(
  os.path.join(_HAIL_DIR, "hail-*.json"))), ids=os.path.basename)
def testHailInputs(path):
  """Upstream's recorded hail inputs get an answer of the right shape."""
  with open(path) as fh:
    data = json.load(fh)
  try:
    answer = simple.Allocate(data)
  except simple.AllocatorError:
    assert "invalid" in os.path.basename(path)
    return
  assert set(answer) == {"success", "info", "result"}
  rtype = data["request"]["type"]
  if answer["success"] and rtype in (constants.IALLOCATOR_MODE_ALLOC,
                                     constants.IALLOCATOR_MODE_RELOC):
    assert len(answer["result"]) == data["request"]["required_nodes"]
    assert len(set(answer["result"])) == len(answer["result"])


def testInputNotModified():
  instances = {"i1": _Instance(["n1", "n2"])}
  data = _Input({"n1": _Node(), "n2": _Node(), "n3": _Node(group="nogroup")},
                {"type": "node-evacuate", "instances": ["i1"],
                 "evac_mode": "all"}, instances)
  before = copy.deepcopy(data)
  assert simple.Allocate(data)["success"]
  assert data == before
