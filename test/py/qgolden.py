"""Synthetic objects mirroring the golden 3.0.2 cluster (one node, five
instances), and helpers to run a CLI-style query against them in-process."""

import os
import re

from ganeti import objects
from ganeti import query

GOLDEN = os.environ.get("PYGANETI_GOLDEN", os.path.join(
  os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
  "golden"))

#: The golden files were recorded on a cluster whose host names ended in
#: "example.com" and then rewritten to "example.test": column widths were
#: computed for the one character shorter names, so rows holding such names
#: are shifted right. We build the objects with the original domain and
#: apply the same rewrite to our output.
REAL_DOMAIN = "example.com"
GOLDEN_DOMAIN = "example.test"


def ToReal(text):
  return text.replace(GOLDEN_DOMAIN, REAL_DOMAIN)


def ToGolden(lines):
  return [line.replace(REAL_DOMAIN, GOLDEN_DOMAIN) for line in lines]

NODE_UUID = "8e1c5a8b-0000-4000-8000-000000000001"
GROUP_UUID = "30b12938-33a6-49b7-b636-94f6cf1766a2"


def ReadGolden(prefix):
  """(command, exit code, stdout lines, stderr lines) of a golden file."""
  names = [n for n in os.listdir(GOLDEN) if n.startswith(prefix + "-")]
  outname = [n for n in names if n.endswith(".out")][0]
  with open(os.path.join(GOLDEN, outname)) as fh:
    text = fh.read()
  lines = text.split("\n")
  assert lines[-1] == ""
  cmd = lines[0][2:]
  code = int(re.match(r"# exit=(\d+)", lines[1]).group(1))
  err = []
  errname = outname[:-4] + ".err"
  if errname in names:
    with open(os.path.join(GOLDEN, errname)) as fh:
      err = fh.read().split("\n")[:-1]
  return (cmd, code, lines[2:-1], err)


def MakeCluster():
  cluster = objects.Cluster(
    cluster_name="cluster.example.com", master_node=NODE_UUID,
    enabled_hypervisors=["fake", "kvm"], default_hypervisor="fake",
    ndparams={"oob_program": "", "spindle_count": 1,
              "exclusive_storage": False, "ovs": False,
              "ovs_name": "switch1", "ovs_link": "", "ssh_port": 22,
              "cpu_speed": 1},
    nicparams={"default": {"mode": "bridged", "link": "gnt-br0",
                           "vlan": ""}},
    beparams={"default": {"maxmem": 128, "minmem": 128, "vcpus": 1,
                          "auto_balance": True, "always_failover": False,
                          "spindle_use": 1}},
    ctime=1795319850.0, mtime=1795319850.0, tags=set())
  cluster.UpgradeConfig()
  return cluster


def MakeNode():
  return objects.Node(name="node1.example.com", uuid=NODE_UUID,
                      primary_ip="192.0.2.1", secondary_ip="192.0.2.1",
                      master_candidate=True, offline=False, drained=False,
                      group=GROUP_UUID, master_capable=True,
                      vm_capable=True, ndparams={}, powered=True,
                      serial_no=1, tags=set())


def MakeGroup():
  return objects.NodeGroup(name="default", uuid=GROUP_UUID,
                           alloc_policy="preferred", ndparams={},
                           diskparams={}, ipolicy={}, serial_no=1,
                           tags=set(), networks={})


#: (name, disk sizes, admin state, beparams, running)
_INSTANCES = [
  ("inst1.example.com", [], "up", {}, True),
  ("inst2.example.com", [1024], "up", {}, True),
  ("inst3.example.com", [100], "up", {}, True),
  ("inst4.example.com", [], "down", {"maxmem": 256, "minmem": 256,
                                      "vcpus": 2}, False),
  ("inst5.example.com", [], "up", {}, True),
  ]


def MakeInstanceData(extra=()):
  """An L{query.InstanceQueryData} for the golden cluster."""
  cluster = MakeCluster()
  node = MakeNode()
  group = MakeGroup()
  instances = []
  disks = {}
  live = {}
  for (idx, (name, sizes, state, bep, running)) in \
      enumerate(list(_INSTANCES) + list(extra)):
    uuid = "inst-uuid-%d" % idx
    disk_uuids = []
    for (didx, size) in enumerate(sizes):
      duuid = "disk-%d-%d" % (idx, didx)
      disks[duuid] = objects.Disk(uuid=duuid, dev_type="file", size=size,
                                  nodes=[NODE_UUID], iv_name="disk/%d" % didx,
                                  logical_id=("loop", "/srv/%s/d" % name))
      disk_uuids.append(duuid)
    inst = objects.Instance(
      name=name, uuid=uuid, primary_node=NODE_UUID, os="noop",
      hypervisor="fake", hvparams={}, beparams=dict(bep), osparams={},
      admin_state=state, admin_state_source="admin",
      nics=[objects.NIC(mac="aa:00:00:00:00:%02x" % idx, ip=None,
                        nicparams={}, uuid="nic-%d" % idx)],
      disks=disk_uuids,
      disk_template="file" if sizes else "diskless",
      disks_active=state == "up", serial_no=1, tags=set(),
      ctime=1795319861.0, mtime=1795319861.0)
    instances.append(inst)
    if running:
      live[uuid] = {"memory": 128, "vcpus": 1, "state": "running",
                    "time": 12}
  return query.InstanceQueryData(
    instances, cluster, disk_usage={}, offline_node_uuids=[],
    bad_node_uuids=[], live_data=live, wrongnode_inst=[], console={},
    nodes={NODE_UUID: node}, groups={GROUP_UUID: group}, networks={},
    disks=disks)


def MakeNodeData(instances=5):
  cluster = MakeCluster()
  node = MakeNode()
  live = {NODE_UUID: {"dtotal": 258048, "dfree": 79360, "mtotal": 24064,
                      "mnode": 126, "mfree": 23040, "ctotal": 4,
                      "cnodes": 1, "csockets": 1, "cnos": 1,
                      "bootid": "b00t", "spfree": 0, "sptotal": 0}}
  iuuids = ["inst-uuid-%d" % i for i in range(instances)]
  return query.NodeQueryData(
    [node], live, NODE_UUID, {NODE_UUID: iuuids}, {NODE_UUID: []},
    dict((u, "inst%d.example.com" % (i + 1)) for (i, u) in
         enumerate(iuuids)),
    {GROUP_UUID: MakeGroup()}, {NODE_UUID: False}, cluster)


def MakeGroupData():
  return query.GroupQueryData(
    MakeCluster(), [MakeGroup()], {GROUP_UUID: ["node1.example.com"]},
    {GROUP_UUID: ["inst%d.example.com" % i for i in range(1, 6)]})


class FakeOpInput:
  def __init__(self, summary):
    self.summary = summary

  def Summary(self):
    return self.summary

  def __getstate__(self):
    return {"OP_ID": "OP_" + self.summary.split("(")[0]}


class FakeOp:
  def __init__(self, summary, status, start, execs, end):
    self.input = FakeOpInput(summary)
    self.status = status
    self.result = None
    self.log = []
    self.priority = 0
    self.start_timestamp = start
    self.exec_timestamp = execs
    self.end_timestamp = end


class FakeJob:
  def __init__(self, status, summary, received, start, end):
    self.status = status
    self.ops = [FakeOp(summary, status, start, start, end)]
    self.received_timestamp = received
    self.start_timestamp = start
    self.end_timestamp = end
    self.archived = False

  def CalcStatus(self):
    return self.status

  def CalcPriority(self):
    return 0


def MakeJobData():
  """Jobs as in golden 40 (status, summary, timestamps)."""
  (_, _, lines, _) = ReadGolden("40")
  jobs = []
  for line in lines[1:]:
    m = re.match(r"\s*(\d+) (\w+)\s+0 (\S+)\s+\['\w+'\]\s+"
                 r"\[(\d+), (\d+)\]\s+\[(\d+), (\d+)\]\s+\[(\d+), (\d+)\]$",
                 line)
    assert m, line
    ts = [int(x) for x in m.groups()[3:]]
    jobs.append((int(m.group(1)),
                 FakeJob(m.group(2), ToReal(m.group(3)), ts[0:2], ts[2:4],
                         ts[4:6])))
  return query.JobQueryData(jobs)


class FakeClient:
  """Answers Query/QueryFields in-process, like the master would."""

  def __init__(self, contexts):
    self.contexts = contexts
    self.calls = []

  def Query(self, what, fields, qfilter):
    self.calls.append((what, fields, qfilter))
    q = query.Query(query.ALL_FIELDS[what], fields, qfilter=qfilter,
                    namefield=query.NAME_FIELDS[what])
    return query.GetQueryResponse(q, self.contexts[what],
                                  sort_by_name=what != "job").ToDict()

  def QueryFields(self, what, fields):
    return query.QueryFields(query.ALL_FIELDS[what], fields).ToDict()
