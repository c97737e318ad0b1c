"""ganeti.rapi.client against the RAPI daemon of a real virtual cluster.

Skipped while the tree has no ``daemons/ganeti-rapi`` (the daemon is
developed separately) or when the cluster does not start it.
"""

import os
import tempfile

import pytest

import vcluster

from ganeti.rapi import client

pytestmark = [pytest.mark.cluster]

_RAPI_DAEMON = os.path.join(vcluster.TOP, "daemons", "ganeti-rapi")


@pytest.fixture(scope="module")
def rapi_cluster():
  if not os.path.exists(_RAPI_DAEMON):
    pytest.skip("daemons/ganeti-rapi is not in this tree yet: the RAPI"
                " daemon is written in parallel")
  tmp = tempfile.mkdtemp(prefix="pyganeti-rapi-")
  cluster = vcluster.VirtualCluster(os.path.join(tmp, "vc"), nodes=1)
  cluster.Start()
  try:
    try:
      vcluster.WaitFor(lambda: cluster.DaemonPid("ganeti-rapi") is not None,
                       timeout=20, what="ganeti-rapi running")
    except Exception:  # pylint: disable=W0703
      pytest.skip("the virtual cluster does not start ganeti-rapi")
    yield cluster
  finally:
    cluster.Stop()


def testReadOnlyCalls(rapi_cluster):
  cl = client.GanetiRapiClient("%s.10" % rapi_cluster.prefix)
  assert cl.GetVersion() == 2
  assert client.INST_CREATE_REQV1 in cl.GetFeatures()
  info = cl.GetInfo()
  assert info["master"]
  assert cl.GetInstances() == []
  assert cl.GetNetworks() == []
  fields = cl.QueryFields("network", fields=["name", "map"])
  assert [f["name"] for f in fields["fields"]] == ["name", "map"]
  with pytest.raises(client.GanetiApiError) as err:
    cl.GetInstance("nosuch.example.test")
  assert err.value.code == 404
