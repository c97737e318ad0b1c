"""Tests for the query engine and the field tables."""

import os

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import query

import qgolden

pytestmark = pytest.mark.unit


def _Run(resource, fields, qfilter=None, ctx=None, namefield="name"):
  q = query.Query(query.ALL_FIELDS[resource], fields, qfilter=qfilter,
                  namefield=namefield)
  return q.Query(ctx)


def _Names(qfilter):
  rows = _Run("instance", ["name"], qfilter, qgolden.MakeInstanceData())
  return [row[0][1].split(".")[0] for row in rows]


@pytest.mark.parametrize(("resource", "count"), [
  ("instance", 292), ("node", 46), ("group", 25), ("job", 16), ("os", 11),
  ("export", 2), ("network", 19), ("filter", 6), ("lock", 4),
  ("cluster", 16), ("extstorage", 4)])
def testFieldCounts(resource, count):
  assert len(query.ALL_FIELDS[resource]) == count


@pytest.mark.parametrize(("qfilter", "names"), [
  (None, ["inst1", "inst2", "inst3", "inst4", "inst5"]),
  (["==", "admin_state", "down"], ["inst4"]),
  (["=", "admin_state", "down"], ["inst4"]),
  (["!=", "admin_state", "down"], ["inst1", "inst2", "inst3", "inst5"]),
  (["==", "name", "inst2"], ["inst2"]),
  (["==", "name", "INST2.example.com"], ["inst2"]),
  (["==", "name", "inst"], []),
  (["=~", "name", "[35]"], ["inst3", "inst5"]),
  (["?", "oper_state"], ["inst1", "inst2", "inst3", "inst5"]),
  (["!", ["?", "admin_up"]], ["inst4"]),
  (["&", ["?", "admin_up"], [">", "disk.count", 0]], ["inst2", "inst3"]),
  (["|", ["==", "name", "inst4"], ["<", "be/maxmem", 200]],
   ["inst1", "inst2", "inst3", "inst4", "inst5"]),
  ([">=", "be/memory", 256], ["inst4"]),
  (["=[]", "disk.sizes", 100], ["inst3"]),
  (["=[]", "nic.modes", "bridged"], ["inst1", "inst2", "inst3", "inst4",
                                     "inst5"]),
  (["==", "oper_ram", 128], ["inst1", "inst2", "inst3", "inst5"]),
  (["==", "disk.size/0", 1024], ["inst2"]),
  ])
def testInstanceFilter(qfilter, names):
  assert _Names(qfilter) == names


@pytest.mark.parametrize(("qfilter", "exc"), [
  (["==", "nosuch", 1], errors.ParameterError),
  (["??", "name"], errors.ParameterError),
  ([], errors.ParameterError),
  ("name", errors.ParameterError),
  (["=~", "name", "("], errors.ParameterError),
  (["==", "name"], errors.ParameterError),
  (["!", ["?", "a"], ["?", "b"]], errors.ParameterError),
  ])
def testFilterErrors(qfilter, exc):
  with pytest.raises(exc):
    query.Query(query.INSTANCE_FIELDS, ["name"], qfilter=qfilter)


def testFilterTooDeep():
  qfilter = ["?", "name"]
  for _ in range(12):
    qfilter = ["!", qfilter]
  with pytest.raises(errors.ParameterError):
    query.Query(query.INSTANCE_FIELDS, ["name"], qfilter=qfilter)


@pytest.mark.parametrize(("qfilter", "names"), [
  (None, None),
  (["|", ["==", "name", "a"], ["=", "name", "b"], ["==", "name", "a"]],
   ["a", "b"]),
  (["==", "name", "a"], ["a"]),
  (["|", ["==", "name", "a"], ["==", "os", "b"]], None),
  (["=~", "name", "a"], None),
  (["&", ["==", "name", "a"]], None),
  ])
def testRequestedNames(qfilter, names):
  q = query.Query(query.INSTANCE_FIELDS, ["name"], qfilter=qfilter,
                  namefield="name")
  assert q.RequestedNames() == names


def testRequestedData():
  q = query.Query(query.INSTANCE_FIELDS, ["name", "pnode"],
                  qfilter=["?", "oper_state"])
  assert q.RequestedData() == frozenset([query.IQ_CONFIG, query.IQ_NODES,
                                         query.IQ_LIVE])
  q = query.Query(query.NODE_FIELDS, ["name", "mfree", "pinst_cnt"])
  assert q.RequestedData() == frozenset([query.NQ_CONFIG, query.NQ_LIVE,
                                         query.NQ_INST])


def testUnknownField():
  q = query.Query(query.INSTANCE_FIELDS, ["name", "nosuchfield"])
  fdef = q.GetFields()[1]
  assert fdef.ToDict() == {"name": "nosuchfield", "title": "nosuchfield",
                           "kind": "unknown",
                           "doc": "Unknown field 'nosuchfield'"}
  rows = q.Query(qgolden.MakeInstanceData())
  assert rows[0] == [[0, "inst1.example.com"], [1, None]]
  with pytest.raises(errors.OpPrereqError) as exc:
    q.OldStyleQuery(qgolden.MakeInstanceData())
  assert exc.value.args[1] == errors.ECODE_INVAL


def testOldStyleQuery():
  q = query.Query(query.INSTANCE_FIELDS, ["name", "oper_ram"])
  rows = q.OldStyleQuery(qgolden.MakeInstanceData())
  assert rows[3] == ["inst4.example.com", None]
  assert rows[0] == ["inst1.example.com", 128]


def testQueryFields():
  resp = query.QueryFields(query.JOB_FIELDS, None)
  assert [f.name for f in resp.fields][:3] == ["archived", "end_ts", "id"]
  resp = query.QueryFields(query.JOB_FIELDS, ["id", "bogus"])
  assert resp.ToDict()["fields"][1]["kind"] == "unknown"


def _Status(admin_state, live, pnode_offline=False, pnode_bad=False,
            wrongnode=False):
  ctx = qgolden.MakeInstanceData()
  inst = ctx.instances[0]
  inst.admin_state = admin_state
  ctx.live_data = {inst.uuid: live} if live is not None else {}
  if pnode_offline:
    ctx.offline_node_uuids = frozenset([inst.primary_node])
  if pnode_bad:
    ctx.bad_node_uuids = frozenset([inst.primary_node])
  if wrongnode:
    ctx.wrongnode_inst = frozenset([inst.uuid])
  q = query.Query(query.INSTANCE_FIELDS, ["status", "oper_state",
                                          "oper_ram"])
  return q.Query(ctx)[0]


_RUN = {"memory": 512, "vcpus": 1, "state": "running", "time": 1}
_USERDOWN = {"memory": 512, "vcpus": 1, "state": "shutdown", "time": 1}


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
  (("up", _RUN), {}, [[0, "running"], [0, True], [0, 512]]),
  (("down", None), {}, [[0, "ADMIN_down"], [0, False], [3, None]]),
  (("offline", None), {}, [[0, "ADMIN_offline"], [0, False], [3, None]]),
  (("up", None), {}, [[0, "ERROR_down"], [0, False], [3, None]]),
  (("down", _RUN), {}, [[0, "ERROR_up"], [0, True], [0, 512]]),
  (("up", _USERDOWN), {}, [[0, "USER_down"], [0, True], [0, 512]]),
  (("down", _USERDOWN), {}, [[0, "ADMIN_down"], [0, True], [0, 512]]),
  (("up", _RUN), {"wrongnode": True},
   [[0, "ERROR_wrongnode"], [0, True], [0, 512]]),
  (("up", _RUN), {"pnode_bad": True},
   [[0, "ERROR_nodedown"], [2, None], [2, None]]),
  (("up", _RUN), {"pnode_offline": True},
   [[0, "ERROR_nodeoffline"], [2, None], [2, None]]),
  ])
def testInstanceStatus(args, kwargs, expected):
  assert _Status(*args, **kwargs) == expected


def testInstanceFieldValues():
  ctx = qgolden.MakeInstanceData()
  fields = ["disk.sizes", "disk.size/0", "disk.size/1", "sda_size",
            "nic.macs", "nic.links", "nic.bridges", "nic.ip/0", "bridge",
            "nic.mode/1", "snodes", "pnode.group", "be/vcpus", "vcpus",
            "hv/acpi", "disk_template", "tags", "disk_usage", "console",
            "custom_beparams"]
  row = query.Query(query.INSTANCE_FIELDS, fields).Query(ctx)[3]
  assert row == [
    [0, []], [3, None], [3, None], [3, None], [0, ["aa:00:00:00:00:03"]],
    [0, ["gnt-br0"]], [0, ["gnt-br0"]], [3, None], [0, "gnt-br0"],
    [3, None], [0, []], [0, "default"], [0, 2], [0, 2], [3, None],
    [0, "diskless"], [0, []], [0, 0], [3, None],
    [0, {"maxmem": 256, "minmem": 256, "vcpus": 2}]]
  row = query.Query(query.INSTANCE_FIELDS, ["disk.sizes", "disk.size/0",
                                            "sda_size", "disk.uuid/0",
                                            "disk.name/0"]).Query(ctx)[1]
  assert row == [[0, [1024]], [0, 1024], [0, 1024], [0, "disk-1-0"],
                 [3, None]]


@pytest.mark.parametrize(("attrs", "master", "role"), [
  ({}, True, "M"),
  ({"master_candidate": True}, False, "C"),
  ({"master_candidate": False, "drained": True}, False, "D"),
  ({"master_candidate": False, "offline": True}, False, "O"),
  ({"master_candidate": False}, False, "R"),
  ])
def testNodeRole(attrs, master, role):
  ctx = qgolden.MakeNodeData()
  node = ctx.nodes[0]
  for (key, value) in attrs.items():
    setattr(node, key, value)
  if not master:
    ctx.master_uuid = "other"
  assert _Run("node", ["role", "master"], ctx=ctx)[0] == \
    [[0, role], [0, master]]


def testNodeLiveStatuses():
  fields = ["mfree", "bootid", "powered", "pinst_list", "group",
            "ndp/ssh_port", "ndparams"]
  ctx = qgolden.MakeNodeData(instances=2)
  row = _Run("node", fields, ctx=ctx)[0]
  assert row[:6] == [[0, 23040], [0, "b00t"], [3, None],
                     [0, ["inst1.example.com", "inst2.example.com"]],
                     [0, "default"], [0, 22]]
  assert row[6][1]["ovs_name"] == "switch1"
  ctx.live_data = {}
  assert _Run("node", ["mfree"], ctx=ctx)[0] == [[2, None]]
  ctx.nodes[0].offline = True
  assert _Run("node", ["mfree"], ctx=ctx)[0] == [[4, None]]
  ctx.nodes[0].offline = False
  ctx.nodes[0].vm_capable = False
  assert _Run("node", ["mfree"], ctx=ctx)[0] == [[3, None]]


def testJobQuery():
  ctx = qgolden.MakeJobData()
  ctx.jobs.append((99, None))
  q = query.Query(query.JOB_FIELDS, ["id", "status", "received_ts"],
                  qfilter=["|", ["==", "id", "5"], ["==", "id", 99],
                           ["<", "received_ts", 1795319854]],
                  namefield="id")
  assert q.RequestedNames() is None
  assert q.Query(ctx, sort_by_name=False) == [
    [[0, 1], [0, "success"], [0, [1795319853, 911711]]],
    [[0, 5], [0, "error"], [0, [1795319859, 923266]]],
    [[0, 99], [3, None], [3, None]]]
  q = query.Query(query.JOB_FIELDS, ["id"], namefield="id",
                  qfilter=["|", ["==", "id", 3], ["==", "id", 1]])
  assert q.RequestedNames() == [3, 1]
  assert q.Query(ctx) == [[[0, 1]], [[0, 3]]]


def testGroupQuery():
  row = _Run("group", ["name", "node_list", "pinst_cnt", "ndp/cpu_speed",
                       "custom_ndparams", "serial_no"],
             ctx=qgolden.MakeGroupData())[0]
  assert row == [[0, "default"], [0, ["node1.example.com"]], [0, 5],
                 [0, 1], [0, {}], [0, 1]]


def testOtherResources():
  os_info = query.OsInfo("noop", True, False, False, ["a"], [20], [],
                         {"node1": []})
  assert _Run("os", ["name", "valid", "variants", "api_versions"],
              ctx=[os_info]) == [[[0, "noop"], [0, True], [0, ["a"]],
                                  [0, [20]]]]
  cluster = qgolden.MakeCluster()
  ctx = query.ClusterQueryData(cluster, {qgolden.NODE_UUID:
                                         qgolden.MakeNode()}, True, None)
  assert _Run("cluster", ["cluster_name", "master_node", "drain_flag",
                          "watcher_pause", "software_version"],
              ctx=ctx, namefield=None) == [
    [[0, "cluster.example.com"], [0, "node1.example.com"], [0, True],
     [3, None], [0, constants.RELEASE_VERSION]]]
  net = objects.Network(name="net1", uuid="n1", network="192.0.2.0/30",
                        reservations="1000", ext_reservations="0001",
                        serial_no=1, tags=set())
  nctx = query.NetworkQueryData([net], {"n1": [["default", "bridged",
                                                "br0", ""]]}, {})
  assert _Run("network", ["name", "free_count", "reserved_count", "map",
                          "external_reservations", "group_cnt", "gateway"],
              ctx=nctx) == [[[0, "net1"], [0, 2], [0, 2], [0, "X..X"],
                             [0, "192.0.2.3"], [0, 1], [3, None]]]
  assert _Run("export", ["node", "export"],
              ctx=[("n2", "b"), ("n1", None)], namefield="node") == [
    [[0, "n1"], [3, None]], [[0, "n2"], [0, "b"]]]
  assert _Run("lock", ["name", "mode", "owner", "pending"],
              ctx=[("cluster/BGL", "shared", ["job/1"], [])]) == [
    [[0, "cluster/BGL"], [0, "shared"], [0, ["job/1"]], [0, []]]]


def testFieldCatalogue():
  """Every field of Ganeti 3.0.2 with its type and title (the catalogue of
  test/data/query-fields-3.0.2.tsv); no other fields but instance ones."""
  path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                      "query-fields-3.0.2.tsv")
  expected = {}
  with open(path) as fh:
    for line in fh:
      if line.startswith("#") or not line.strip():
        continue
      (kind, name, kind_type, title) = line.rstrip("\n").split("\t")
      expected.setdefault(kind, {})[name] = (kind_type, title)
  assert sorted(expected) == sorted(query.ALL_FIELDS)
  for (kind, fields) in expected.items():
    table = query.ALL_FIELDS[kind]
    got = dict((name, (table[name][0].kind, table[name][0].title))
               for name in fields if name in table)
    assert got == fields, kind
    if kind != "instance":
      assert sorted(table) == sorted(fields), kind
