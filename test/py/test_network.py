"""Address pools of networks (lib/network.py) and their query fields."""

import os
import shutil

import pytest

from ganeti import config
from ganeti import errors
from ganeti import network
from ganeti import objects
from ganeti import query

pytestmark = pytest.mark.unit


def _Net(subnet="198.51.100.0/28", gateway="198.51.100.1"):
  net = objects.Network(name="net1", network=subnet, gateway=gateway,
                        uuid="u1", tags=set())
  network.AddressPool.InitializeNetwork(net)
  return net


def testInitializeReservesNetworkBroadcastGateway():
  net = _Net()
  assert net.reservations == "0" * 16
  assert net.ext_reservations == "11" + "0" * 13 + "1"
  pool = network.AddressPool(net)
  assert pool.GetExternalReservations() == [
    "198.51.100.0", "198.51.100.1", "198.51.100.15"]
  assert (pool.GetFreeCount(), pool.GetReservedCount()) == (13, 3)
  assert pool.GetMap() == "XX" + "." * 13 + "X"


def testReserveReleaseAndFree():
  net = _Net(gateway=None)
  pool = network.AddressPool(net)
  assert pool.GetFreeAddress() == "198.51.100.1"
  pool.Reserve("198.51.100.1")
  assert pool.IsReserved("198.51.100.1")
  assert not pool.IsReserved("198.51.100.1", external=True)
  assert net.reservations[1] == "1"
  assert pool.GetFreeAddress() == "198.51.100.2"
  with pytest.raises(errors.AddressPoolError, match="already reserved"):
    pool.Reserve("198.51.100.1", external=True)
  with pytest.raises(errors.AddressPoolError, match="not externally"):
    pool.Release("198.51.100.1", external=True)
  pool.Release("198.51.100.1")
  assert net.reservations == "0" * 16
  with pytest.raises(errors.AddressPoolError, match="does not contain"):
    pool.Reserve("198.51.100.16")
  with pytest.raises(errors.AddressPoolError, match="Invalid IP"):
    pool.IsReserved("nonsense")
  assert not pool.Contains("nonsense")
  assert pool.Contains("198.51.100.15")


def testFullPool():
  net = _Net(subnet="198.51.100.0/30", gateway="198.51.100.1")
  pool = network.AddressPool(net)
  pool.Reserve(pool.GetFreeAddress())
  with pytest.raises(errors.AddressPoolError, match="is full"):
    pool.GetFreeAddress()


def testShortReservationStringsArePadded():
  net = objects.Network(name="n", network="198.51.100.0/29",
                        reservations="1", ext_reservations=None)
  pool = network.AddressPool(net)
  assert pool.GetMap() == "X......."


@pytest.mark.parametrize(("text", "msg"), [
  ("198.51.100.0/33", "Invalid network"),
  ("10.0.0.0/8", "A big network"),
  ("198.51.100.0/31", "too small"),
  ])
def testParseNetworkErrors(text, msg):
  with pytest.raises(errors.OpPrereqError, match=msg) as err:
    network.ParseNetwork(text)
  assert err.value.args[1] == errors.ECODE_INVAL


def testChecks():
  subnet = network.ParseNetwork("198.51.100.5/24")
  assert str(subnet) == "198.51.100.0/24"
  network.CheckGateway(subnet, "198.51.100.1")
  with pytest.raises(errors.OpPrereqError, match="is not in network"):
    network.CheckGateway(subnet, "198.51.101.1")
  network.CheckIPv6("2001:db8::/64", "2001:db8::1")
  with pytest.raises(errors.OpPrereqError, match="IPv6 gateway"):
    network.CheckIPv6("2001:db8::/64", "2001:db9::1")
  assert network.NormalizeMacPrefix("AA:bb:0C") == "aa:bb:0c"
  for bad in ("aa:bb", "aa:bb:cc:dd", "zz:bb:cc", None):
    with pytest.raises(errors.OpPrereqError, match="MAC address prefix"):
      network.NormalizeMacPrefix(bad)


def testNetworkQueryFields():
  net = _Net()
  network.AddressPool(net).Reserve("198.51.100.2")
  ctx = query.NetworkQueryData(
    [net], {"u1": [["default", "bridged", "br0", ""]]},
    {"u1": ["inst2", "inst10", "inst1"]})
  q = query.Query(query.NETWORK_FIELDS,
                  ["name", "free_count", "reserved_count", "map",
                   "external_reservations", "group_cnt", "group_list",
                   "inst_cnt", "inst_list", "mac_prefix"])
  assert [v for (_, v) in q.Query(ctx)[0]] == [
    "net1", 12, 4, "XXX............X",
    "198.51.100.0, 198.51.100.1, 198.51.100.15", 1,
    [["default", "bridged", "br0", ""]], 3, ["inst1", "inst2", "inst10"],
    None]
  assert q.Query(ctx)[0][-1][0] == query.RS_UNAVAIL


# The networks of a ConfigWriter (lib/config/networks.py) -----------------

_NET = "99f0128a-1c84-44da-90b9-9581ea00c075"  # "a network", 203.0.113.0/24
_INST1 = "6c078d22-3eb6-4780-857d-81772e09eef1"


@pytest.fixture
def cfg(tmp_path):
  path = str(tmp_path / "config.data")
  shutil.copy(os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "data", "cluster_config_3.0.json"), path)
  return config.ConfigWriter(cfg_file=path, distribute_fn=lambda *_: None)


def testConfigLookupAndTemporaryIps(cfg):
  assert cfg.LookupNetwork("a network") == _NET
  assert cfg.LookupNetwork(_NET) == _NET
  with pytest.raises(errors.OpPrereqError, match="not found"):
    cfg.LookupNetwork("nosuch")
  assert cfg.GenerateIp(_NET) == "203.0.113.1"
  assert cfg.GenerateIp(_NET) == "203.0.113.2"  # .1 taken by the job
  cfg.ReserveIp(_NET, "203.0.113.7")
  with pytest.raises(errors.AddressPoolError, match="already reserved"):
    cfg.ReserveIp(_NET, "203.0.113.7", check=False)
  with pytest.raises(errors.AddressPoolError, match="already reserved"):
    cfg.ReserveIp(_NET, "203.0.113.0")  # network address
  cfg.ReserveIp(_NET, "203.0.113.0", check=False)
  with pytest.raises(errors.AddressPoolError, match="does not contain"):
    cfg.ReserveIp(_NET, "198.51.100.1")
  cfg.ReleaseTemporary()
  assert cfg.GenerateIp(_NET) == "203.0.113.1"


def testConfigNicReservationsFollowInstances(cfg):
  inst = cfg.GetInstanceInfo(_INST1)
  inst.nics[0].network = _NET
  inst.nics[0].ip = "203.0.113.9"
  cfg.Update(inst)
  net = cfg.GetNetwork(_NET)
  assert network.AddressPool(net).IsReserved("203.0.113.9")
  assert cfg.GetInstancesOfNetwork(_NET) == ["instance1.example.com"]
  assert net.ext_reservations[0] == "1" and net.ext_reservations[-1] == "1"
  inst.nics[0].ip = "203.0.113.10"
  cfg.Update(inst)
  pool = network.AddressPool(cfg.GetNetwork(_NET))
  assert not pool.IsReserved("203.0.113.9")
  assert pool.IsReserved("203.0.113.10")
  cfg.RemoveInstance(_INST1)
  assert network.AddressPool(cfg.GetNetwork(_NET)).GetReservedCount() == 2


def testConfigFilters(cfg):
  rule = objects.Filter(uuid="f1", priority=0, predicates=[],
                        action="REJECT", watermark=3, reason_trail=[])
  cfg.SetFilter(rule)
  assert cfg.GetAllFilters()["f1"].serial_no == 1
  cfg.SetFilter(objects.Filter(uuid="f1", priority=1, predicates=[],
                               action="ACCEPT", watermark=4,
                               reason_trail=[]))
  assert cfg.GetAllFilters()["f1"].serial_no == 2
  cfg.RemoveFilter("f1")
  assert cfg.GetAllFilters() == {}
  with pytest.raises(errors.OpPrereqError, match="not found"):
    cfg.RemoveFilter("f1")
