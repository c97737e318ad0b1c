"""test/support/vcluster.py: loopback prefixes of parallel test workers."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))

import vcluster  # noqa: E402


def _Range(monkeypatch, worker, count):
  for (name, value) in (("PYTEST_XDIST_WORKER", worker),
                        ("PYTEST_XDIST_WORKER_COUNT", count)):
    if value is None:
      monkeypatch.delenv(name, raising=False)
    else:
      monkeypatch.setenv(name, value)
  return vcluster._PrefixRange()


def testWholeRangeWithoutXdist(monkeypatch):
  assert _Range(monkeypatch, None, None) == (100, 250)
  assert _Range(monkeypatch, "gw0", "1") == (100, 250)


def testWorkersGetDisjointSlices(monkeypatch):
  slices = [_Range(monkeypatch, "gw%d" % i, "3") for i in range(3)]
  assert slices == [(100, 149), (150, 199), (200, 249)]
  two = [_Range(monkeypatch, "gw%d" % i, "2") for i in range(2)]
  assert two == [(100, 174), (175, 249)]


def testOddValuesFallBackToWholeRange(monkeypatch):
  assert _Range(monkeypatch, "gwx", "2") == (100, 250)
  assert _Range(monkeypatch, "gw5", "2") == (100, 250)
  assert _Range(monkeypatch, "gw0", "100") == (100, 250)


def testPickPrefixStaysInSlice(monkeypatch):
  monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
  monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
  monkeypatch.setattr(vcluster, "_PortFree", lambda ip, port: True)
  for _ in range(50):
    third = int(vcluster.PickPrefix().split(".")[2])
    assert 175 <= third <= 249
