"""hail's fast paths give exactly what the careful ones give.

The request parser builds the instances of plainly well-formed entries
without its per-field checks (iallocator._QuickInstance), and
ganeti.htools.hail_model prepares the model in one pass instead of
loader.MergeData's per-instance node updates.  These tests parse every
upstream request and generated requests with tags of every htools kind
both ways and compare every slot of every node and instance.
"""

import json
import math
import random

import pytest

import htools_cases
from ganeti.htools import gencluster
from ganeti.htools import hail_model
from ganeti.htools import hail_request as R
from ganeti.htools import iallocator as IA
from ganeti.htools import loader
from ganeti.htools import text
from ganeti.htools.loader import Group

pytestmark = pytest.mark.unit


def _Careful(cdata, update_missing):
  loader.MergeData(cdata)
  return update_missing(cdata.nodes, cdata.instances)


def _Same(a, b, where):
  """Deep equality of model values (slots objects, containers, floats)."""
  if isinstance(a, float) and isinstance(b, float):
    assert (a == b) or (math.isnan(a) and math.isnan(b)), where
    return
  assert type(a) is type(b), where
  if isinstance(a, (list, tuple)):
    assert len(a) == len(b), where
    for (pos, (x, y)) in enumerate(zip(a, b)):
      _Same(x, y, "%s[%d]" % (where, pos))
  elif isinstance(a, dict):
    assert list(a) == list(b), where
    for key in a:
      _Same(a[key], b[key], "%s[%r]" % (where, key))
  elif hasattr(type(a), "__slots__"):
    for slot in type(a).__slots__:
      _Same(getattr(a, slot, None), getattr(b, slot, None),
            "%s.%s" % (where, slot))
  elif hasattr(a, "__dict__") and not isinstance(a, type):
    _Same(vars(a), vars(b), where)
  else:
    assert a == b, (where, a, b)


def _Parse(body):
  try:
    return IA.ParseRequest(body)
  except IA.RequestError as err:
    return str(err)


def _Compare(body, monkeypatch):
  fast = _Parse(body)
  with monkeypatch.context() as patch:
    patch.setattr(IA, "_QuickInstance", lambda *_: None)
    patch.setattr(hail_model, "PrepareRequestData", _Careful)
    careful = _Parse(body)
  if isinstance(fast, str) or isinstance(careful, str):
    assert fast == careful
    return
  (fwarn, freq) = fast
  (cwarn, creq) = careful
  assert fwarn == cwarn
  for what in ("nodes", "instances", "groups", "tags"):
    _Same(getattr(freq.cdata, what), getattr(creq.cdata, what), what)
  _Same(vars(freq), vars(creq), "request")


@pytest.mark.parametrize("name,path", htools_cases.RequestFiles())
def test_upstream_requests(name, path, monkeypatch):
  with open(path) as handle:
    _Compare(handle.read(), monkeypatch)


def TaggedCluster(seed, groups=2, nodes=12, insts=60):
  """A generated cluster with tags of every htools kind, dotted names,
  stopped and offline instances, offline nodes, several groups."""
  rng = random.Random(seed)
  cdata = text.ParseData(gencluster.GenerateCluster(nodes, insts, seed=seed))
  for gdx in range(1, groups):
    grp = Group("group%d" % gdx, "uuid-group-%d" % (gdx + 1), "preferred",
                cdata.groups[0].ipolicy, [], [])
    grp.idx = gdx
    cdata.groups.append(grp)
  cdata.tags = ["htools:iextags:service", "htools:nlocation:rack",
                "htools:desiredlocation:rack", "htools:migration:hv",
                "htools:allowmigration:hv:a::hv:b"]
  for node in cdata.nodes:
    node.name += ".example.com"
    node.group = node.idx * groups // nodes
    node.tags = ["rack:r%d" % rng.randrange(3), "hv:%s" % rng.choice("ab")]
    node.offline = rng.random() < 0.1
  for inst in cdata.instances:
    inst.name += ".example.com"
    inst.all_tags = rng.sample(["service:web", "service:db", "rack:r1",
                                "other"], rng.randrange(3))
    draw = rng.random()
    if draw < 0.15:
      (inst.disk_template, inst.snode) = ("plain", -1)
    elif draw < 0.25:
      (inst.disk_template, inst.snode) = ("sharedfile", -1)
    elif draw < 0.35:
      inst.run_st = "ADMIN_down"
    elif draw < 0.4:
      inst.run_st = "ADMIN_offline"
  return cdata


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tagged_generated_requests(seed, monkeypatch):
  cdata = TaggedCluster(seed)
  names = [i.name for i in cdata.instances[:5]]
  for req in (R.AllocateRequest("new1", 1024, 10240, 1, "drbd"),
              R.NodeEvacRequest(names, "all")):
    _Compare(R.BuildRequest(cdata, req), monkeypatch)


def test_odd_shapes_take_the_careful_path(monkeypatch):
  """Floats for ints, character lists for strings, spindles, NICs and
  forthcoming instances: the fast path hands them on, same result."""
  cdata = TaggedCluster(4, groups=1, nodes=6, insts=20)
  doc = json.loads(R.BuildRequest(cdata, R.NodeEvacRequest(
    [cdata.instances[0].name], "all")))
  insts = list(doc["instances"].values())
  insts[0]["memory"] = 1024.0
  insts[1]["tags"] = [["a", "b"]]
  insts[2]["disks"][0]["spindles"] = 2
  insts[3]["nics"] = [{"mac": "aa:00:00:00:00:01", "ip": None,
                       "mode": "bridged", "link": "br0", "network": "net1"}]
  insts[4]["admin_state"] = 7
  insts[5]["nodes"] = insts[5]["nodes"] + ["spare"]
  _Compare(json.dumps(doc), monkeypatch)
  insts[6]["forthcoming"] = True
  _Compare(json.dumps(doc), monkeypatch)
