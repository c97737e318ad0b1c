"""ganeti.rapi.client.GanetiRapiClient end to end against the ganeti-rapi
daemon of a real virtual cluster.

The cluster is the session's RAPI cluster (``rapi_vcluster`` in
conftest.py, shared with test_rapi.py); every object a test creates has a
``rapic-`` name and is removed again by that test.  The client verifies
the daemon's certificate against the cluster's rapi.pem.
"""

import hashlib
import os

import pytest

from ganeti.rapi import client

pytestmark = [pytest.mark.cluster]

_INST = "rapic-inst1"
_POLLS = 600  # WaitForJobCompletion polls, _PERIOD apart: 60 s at most
_PERIOD = 0.1


def _Env(cluster):
  env = {}
  with open(os.path.join(cluster.basedir, "env")) as fh:
    for line in fh:
      if line.startswith("export RAPI_"):
        (name, _, value) = line[len("export "):].strip().partition("=")
        env[name] = value
  return env


def _Client(cluster, username=True, password=None):
  """A client verifying the cluster's certificate; ``username=True``
  stands for the read-write user of DIR/env, None for anonymous."""
  env = _Env(cluster)
  if username is True:
    (username, password) = (env["RAPI_USER"], env["RAPI_PASSWORD"])
  cafile = os.path.join(cluster.NodeRoot(), "var/lib/ganeti/rapi.pem")
  return client.GanetiRapiClient(
    env["RAPI_HOST"], port=int(env["RAPI_PORT"]), username=username,
    password=password, curl_config_fn=client.GenericCurlConfig(
      cafile=cafile, timeout=60))


@pytest.fixture(scope="module")
def cl(rapi_vcluster):
  return _Client(rapi_vcluster)


def _Run(cl, job_id):
  """Wait for ``job_id`` through the client; require success."""
  assert isinstance(job_id, int), job_id
  done = cl.WaitForJobCompletion(job_id, period=_PERIOD, retries=_POLLS)
  status = cl.GetJobStatus(job_id)
  assert done, status
  assert status["status"] == "success"
  return status


def testReadOnlyCalls(cl):
  assert cl.GetVersion() == 2
  assert client.INST_CREATE_REQV1 in cl.GetFeatures()
  info = cl.GetInfo()
  assert info["master"] == "node1" and info["name"] == "cluster"
  assert "noop" in cl.GetOperatingSystems()
  assert cl.GetNodes() == ["node1", "node2"]
  bulk = cl.GetNodes(bulk=True)
  assert [n["name"] for n in bulk] == ["node1", "node2"]
  assert cl.GetNode("node1")["role"] == "M"
  assert cl.GetNodeRole("node1") == "master"
  assert "default" in cl.GetGroups()
  (default, ) = [g for g in cl.GetGroups(bulk=True)
                 if g["name"] == "default"]
  assert set(default["node_list"]) == {"node1", "node2"}
  assert isinstance(cl.GetNetworks(), list)
  fields = cl.QueryFields("network", fields=["name", "map"])
  assert [f["name"] for f in fields["fields"]] == ["name", "map"]
  res = cl.Query("node", ["name", "master"], qfilter=["=", "name", "node1"])
  assert [[v for (_, v) in row] for row in res["data"]] == [["node1", True]]
  assert [f["name"] for f in res["fields"]] == ["name", "master"]


def testErrors(rapi_vcluster, cl):
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetInstance("nosuch.example.test")
  assert err.value.code == 404
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetJobStatus(999999)
  assert err.value.code == 404
  anonymous = _Client(rapi_vcluster, username=None)
  assert anonymous.GetVersion() == 2  # reading needs no user
  with pytest.raises(client.GanetiApiError) as err:
    anonymous.AddClusterTags(["rapic-never"])
  assert err.value.code == 401
  env = _Env(rapi_vcluster)
  with pytest.raises(client.GanetiApiError) as err:
    _Client(rapi_vcluster, env["RAPI_USER"], "wrong").AddClusterTags(["x"])
  assert err.value.code == 401
  users = os.path.join(rapi_vcluster.NodeRoot(), "var/lib/ganeti/rapi/users")
  with open(users) as fh:
    content = fh.read()
  ha1 = hashlib.md5(b"rapic-ro:Ganeti Remote API:ropw").hexdigest()
  with open(users, "a") as fh:
    fh.write("rapic-ro {HA1}%s read\n" % ha1)
  try:
    reader = _Client(rapi_vcluster, "rapic-ro", "ropw")
    assert reader.GetNodes() == ["node1", "node2"]
    with pytest.raises(client.GanetiApiError) as err:
      reader.AddClusterTags(["rapic-never"])
    assert err.value.code == 403
  finally:
    with open(users, "w") as fh:
      fh.write(content)
  assert "rapic-never" not in cl.GetClusterTags()
  # a job on a missing instance is accepted and then fails
  job_id = cl.ModifyInstance("nosuch.example.test", beparams={"maxmem": 128})
  assert not cl.WaitForJobCompletion(job_id, period=_PERIOD, retries=_POLLS)
  status = cl.GetJobStatus(job_id)
  assert status["status"] == "error"
  assert "nosuch.example.test" in str(status["opresult"])
  with pytest.raises(client.CertificateError):
    # verifying against the system's CAs fails on the cluster's own
    # self-signed certificate
    env = _Env(rapi_vcluster)
    client.GanetiRapiClient(
      env["RAPI_HOST"], port=int(env["RAPI_PORT"]),
      curl_config_fn=client.GenericCurlConfig(
        use_curl_cabundle=True)).GetVersion()


def testInstanceLifecycle(cl):
  job_id = cl.CreateInstance("create", _INST, "diskless", [], [{}],
                             os="noop", pnode="node1", name_check=False,
                             ip_check=False)
  status = _Run(cl, job_id)
  assert status["ops"][0]["OP_ID"] == "OP_INSTANCE_CREATE"
  assert job_id in cl.GetJobs()
  try:
    assert _INST in cl.GetInstances()
    (inst, ) = [i for i in cl.GetInstances(bulk=True) if i["name"] == _INST]
    assert inst["pnode"] == "node1" and inst["disk_template"] == "diskless"
    assert inst["oper_state"] is True

    _Run(cl, cl.ModifyInstance(_INST, beparams={"maxmem": 192,
                                                "minmem": 192}))
    assert cl.GetInstance(_INST)["beparams"]["maxmem"] == 192

    _Run(cl, cl.ShutdownInstance(_INST, timeout=10))
    assert cl.GetInstance(_INST)["oper_state"] is False
    _Run(cl, cl.StartupInstance(_INST))
    assert cl.GetInstance(_INST)["oper_state"] is True

    status = _Run(cl, cl.MigrateInstance(_INST, mode="live",
                                         target_node="node2"))
    assert status["ops"][0]["OP_ID"] == "OP_INSTANCE_MIGRATE"
    inst = cl.GetInstance(_INST)
    assert inst["pnode"] == "node2" and inst["oper_state"] is True

    _Run(cl, cl.AddInstanceTags(_INST, ["web", "prod"]))
    assert cl.GetInstanceTags(_INST) == ["prod", "web"]
    _Run(cl, cl.DeleteInstanceTags(_INST, ["prod"]))
    assert cl.GetInstanceTags(_INST) == ["web"]

    # a job watched through /wait ends as GetJobStatus says
    job_id = cl.RebootInstance(_INST, reboot_type="soft")
    info = cl.WaitForJobChange(job_id, ["status"], None, None)
    assert info is None or info["job_info"][0] in (
      "queued", "waiting", "running", "success")
    assert _Run(cl, job_id)["ops"][0]["reboot_type"] == "soft"
  finally:
    status = _Run(cl, cl.DeleteInstance(_INST))
  assert status["ops"][0]["OP_ID"] == "OP_INSTANCE_REMOVE"
  assert _INST not in cl.GetInstances()
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetInstance(_INST)
  assert err.value.code == 404


def testMultiAllocWithAllocator(cl):
  """InstancesMultiAlloc: the allocator places both instances, one
  creation job each."""
  names = ["rapic-m1", "rapic-m2"]
  insts = [cl.InstanceAllocation("create", name, "diskless", [], [{}],
                                 os="noop", name_check=False, ip_check=False,
                                 start=False) for name in names]
  status = _Run(cl, cl.InstancesMultiAlloc(insts, iallocator="hail"))
  result = status["opresult"][0]
  try:
    assert sorted(result["allocatable"]) == names and result["failed"] == []
    for (ok, job_id) in result["jobs"]:
      assert ok
      assert _Run(cl, job_id)["ops"][0]["OP_ID"] == "OP_INSTANCE_CREATE"
    for inst in cl.GetInstances(bulk=True):
      if inst["name"] in names:
        assert inst["pnode"] in ("node1", "node2")
  finally:
    for name in names:
      if name in cl.GetInstances():
        _Run(cl, cl.DeleteInstance(name))
  assert not set(names) & set(cl.GetInstances())


def testGroups(cl):
  _Run(cl, cl.CreateGroup("rapic-g1", alloc_policy="last_resort"))
  try:
    assert "rapic-g1" in cl.GetGroups()
    group = cl.GetGroup("rapic-g1")
    assert group["alloc_policy"] == "last_resort"
    assert group["node_cnt"] == 0 and group["node_list"] == []
    _Run(cl, cl.ModifyGroup("rapic-g1", alloc_policy="preferred"))
    assert cl.GetGroup("rapic-g1")["alloc_policy"] == "preferred"
    _Run(cl, cl.AddGroupTags("rapic-g1", ["g"]))
    assert cl.GetGroupTags("rapic-g1") == ["g"]
  finally:
    _Run(cl, cl.DeleteGroup("rapic-g1"))
  assert "rapic-g1" not in cl.GetGroups()
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetGroup("rapic-g1")
  assert err.value.code == 404


def testNetworks(cl):
  _Run(cl, cl.CreateNetwork("rapic-net1", "198.51.100.16/28",
                            gateway="198.51.100.17", tags="n"))
  try:
    assert "rapic-net1" in cl.GetNetworks()
    net = cl.GetNetwork("rapic-net1")
    assert net["network"] == "198.51.100.16/28"
    assert net["gateway"] == "198.51.100.17"
    assert cl.GetNetworkTags("rapic-net1") == ["n"]
    (bulk, ) = [n for n in cl.GetNetworks(bulk=True)
                if n["name"] == "rapic-net1"]
    assert bulk["free_count"] == net["free_count"]
  finally:
    _Run(cl, cl.DeleteNetwork("rapic-net1"))
  assert "rapic-net1" not in cl.GetNetworks()


def testClusterTags(cl):
  _Run(cl, cl.AddClusterTags(["rapic-c1", "rapic-c2"]))
  try:
    assert {"rapic-c1", "rapic-c2"} <= set(cl.GetClusterTags())
    res = cl.Query("instance", ["name"], qfilter=["=", "pnode", "node9"])
    assert res["data"] == []
  finally:
    _Run(cl, cl.DeleteClusterTags(["rapic-c1", "rapic-c2"]))
  assert not {"rapic-c1", "rapic-c2"} & set(cl.GetClusterTags())
