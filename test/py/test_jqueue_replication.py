"""Tests of the background (coalescing) job queue replication."""

import threading

import pytest
from jqueue_testlib import FakeProcessor, FakeRpc, Op, WaitFinal

from ganeti import jqueue, pathutils
from ganeti.jqueue import storage

pytestmark = pytest.mark.unit

TARGETS = {"node2": "192.0.2.2", "node3": "192.0.2.3"}


class GatedRpc(FakeRpc):
  """FakeRpc whose calls block while ``gate`` is clear."""

  def __init__(self):
    FakeRpc.__init__(self)
    self.gate = threading.Event()
    self.gate.set()

  def _Call(self, name, targets, *args):
    assert self.gate.wait(30)
    return FakeRpc._Call(self, name, targets, *args)

  def call_jobqueue_purge(self, targets):
    return self._Call("purge", targets)

  def PerNode(self, node):
    with self.lock:
      return [c[:1] + c[2:] for c in self.calls if node in c[1]]


@pytest.fixture
def rep():
  rpc = GatedRpc()
  replicator = storage.AsyncReplicator(rpc, lambda: dict(TARGETS))
  yield (rpc, replicator)
  assert replicator.Stop(10)


def testOneCallPerTargetInOrder(rep):
  (rpc, replicator) = rep
  replicator.UpdateFile("/q/job-1", b"a")
  replicator.RenameFiles([("/q/job-1", "/q/archive/0/job-1")])
  replicator.SetDrainFlag(True)
  assert replicator.Flush(10)
  for node in TARGETS:
    calls = rpc.PerNode(node)
    assert [c[0] for c in calls] == ["update", "rename", "drain"]
    assert calls[0][1:] == ("/q/job-1", b"a")
  # each call went to exactly one node
  assert all(len(c[1]) == 1 for c in rpc.calls)


def testLatestContentWinsAndMovesToEnd(rep):
  (rpc, replicator) = rep
  rpc.gate.clear()
  replicator.UpdateFile("/q/blocker", b"0")  # taken by the senders
  replicator.UpdateFile("/q/job-1", b"v1")
  replicator.UpdateFile("/q/job-2", b"v1")
  replicator.UpdateFile("/q/job-1", b"v2")
  replicator.UpdateFile("/q/job-1", b"v3")
  rpc.gate.set()
  assert replicator.Flush(10)
  for node in TARGETS:
    sent = [c[1:] for c in rpc.PerNode(node)]
    assert sent[1:] == [("/q/job-2", b"v1"), ("/q/job-1", b"v3")]


def testSyncNodePurgesFirst(rep):
  (rpc, replicator) = rep
  replicator.SyncNode("node4", "192.0.2.4",
                      iter([("/q/serial", b"2\n"), ("/q/job-2", b"x")]),
                      False)
  assert replicator.Flush(10)
  assert [c[0] for c in rpc.PerNode("node4")] == ["purge", "update",
                                                  "update", "drain"]
  assert rpc.PerNode("node2") == []


def testStopSendsPending(rep):
  (rpc, replicator) = rep
  for idx in range(20):
    replicator.UpdateFile("/q/job-%d" % idx, b"x")
  assert replicator.Stop(10)
  assert len(rpc.PerNode("node2")) == 20
  replicator.UpdateFile("/q/job-99", b"x")  # after stop: dropped, logged
  assert len(rpc.PerNode("node2")) == 20


@pytest.fixture
def env(tmp_path, monkeypatch):
  monkeypatch.setenv("GANETI_ROOTDIR", str(tmp_path / "node1"))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1")
  return pathutils.Get()


def _Files(env, job_ids):
  result = {}
  for job_id in job_ids:
    with open("%s/job-%d" % (env.QUEUE_DIR, job_id), "rb") as fh:
      result["%s/job-%d" % (env.QUEUE_DIR, job_id)] = fh.read()
  return result


def _LastSent(rpc, node):
  last = {}
  for call in rpc.PerNode(node):
    if call[0] == "update":
      last[call[1]] = call[2]
  return last


def testQueueReplicasEqualMaster(env):
  """Candidates end with exactly the master's job files; restart resyncs."""
  rpc = GatedRpc()
  proc = FakeProcessor()
  q = jqueue.JobQueue(proc.Factory, rpc=rpc,
                      get_replication_targets=lambda: dict(TARGETS),
                      num_workers=5, async_replication=True)
  ids = [job_id for (_, job_id) in
         q.SubmitManyJobs([[Op(), Op()] for _ in range(30)])]
  for job_id in ids:
    assert WaitFinal(q, job_id) == "success"
  assert q.Shutdown(10)
  files = _Files(env, ids)
  for node in TARGETS:
    sent = _LastSent(rpc, node)
    assert sent.pop(env.JOB_QUEUE_SERIAL_FILE) == b"30\n"
    assert sent == files
  # A new master pushes the whole queue again
  rpc.calls = []
  q = jqueue.JobQueue(proc.Factory, rpc=rpc,
                      get_replication_targets=lambda: dict(TARGETS),
                      num_workers=5, async_replication=True)
  assert q.Shutdown(10)
  for node in TARGETS:
    sent = _LastSent(rpc, node)
    del sent[env.JOB_QUEUE_SERIAL_FILE]
    assert sent == files
