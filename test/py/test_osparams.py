"""Private and secret OS parameters: masking in job files and queries."""

import pytest

from ganeti import errors
from ganeti import jqueue
from ganeti import opcodes
from ganeti import osparams
from ganeti import pathutils

from jqueue_testlib import FakeProcessor, FakeRpc, WaitFinal

pytestmark = pytest.mark.unit

# (opcode state, expected masked state)
_REDACT = [
  ({"OP_ID": "OP_X", "osparams": {"a": "1"}},
   {"OP_ID": "OP_X", "osparams": {"a": "1"}}),
  ({"osparams_private": {"p": "v"}, "osparams_secret": {"s": "w"},
    "osparams": {"a": "1"}},
   {"osparams_private": {"p": "<redacted>"},
    "osparams_secret": {"s": "<redacted>"}, "osparams": {"a": "1"}}),
  ({"osparams_private": None, "osparams_secret": {}},
   {"osparams_private": None, "osparams_secret": {}}),
  ({"osparams_private_cluster": {"debootstrap": {"pw": "x"}, "noop": None}},
   {"osparams_private_cluster": {"debootstrap": {"pw": "<redacted>"},
                                 "noop": {}}}),
]


@pytest.mark.parametrize(("state", "expected"), _REDACT)
def test_redact_op_state(state, expected):
  before = repr(state)
  assert osparams.RedactOpState(state) == expected
  assert repr(state) == before, "input modified"


def _Create(**kwargs):
  return opcodes.OpInstanceCreate(
    instance_name="i1", mode="create", disks=[{"size": 16}], nics=[],
    disk_template="file", os_type="test-api20+default", **kwargs)


@pytest.mark.parametrize(("kwargs", "refused"), [
  ({}, False),
  ({"osparams_secret": {"pw": "x"}, "osparams_private": {"a": "b"}}, False),
  ({"osparams_secret": {"pw": "<redacted>"}}, True),
  ({"osparams_private": {"a": "<redacted>"}}, True),
  ({"osparams": {"a": "<redacted>"}}, False),
])
def test_check_not_redacted(kwargs, refused):
  op = _Create(**kwargs)
  if refused:
    with pytest.raises(errors.OpPrereqError,
                       match="Please re-submit secret parameters to job."):
      osparams.CheckNotRedacted(op)
  else:
    osparams.CheckNotRedacted(op)


def test_cluster_private_redacted_refused():
  op = opcodes.OpClusterSetParams(
    osparams_private_cluster={"noop": {"pw": "<redacted>"}})
  with pytest.raises(errors.OpPrereqError) as exc:
    osparams.CheckNotRedacted(op)
  assert exc.value.args[1] == errors.ECODE_INVAL


def test_with_masked_private():
  assert osparams.WithMaskedPrivate({"a": "1", "p": "old"}, {"p": "new"}) == \
    {"a": "1", "p": "<redacted>"}
  assert osparams.WithMaskedPrivate(None, None) == {}


@pytest.fixture
def queue(tmp_path, monkeypatch):
  monkeypatch.setenv("GANETI_ROOTDIR", str(tmp_path / "node1"))
  monkeypatch.setenv("GANETI_HOSTNAME", "node1")
  seen = []

  def behaviour(job_id, op, cbs, timeout, priority):
    cbs.NotifyStart()
    seen.append((dict(op.osparams_private), dict(op.osparams_secret)))
    return True

  proc = FakeProcessor(behaviour)
  rpc = FakeRpc()
  q = jqueue.JobQueue(proc.Factory, rpc=rpc,
                      get_replication_targets=lambda: {"node2": "192.0.2.2"},
                      num_workers=1)
  yield (q, seen, rpc)
  q.Shutdown(10)


def test_job_file_and_query_masked(queue):
  (q, seen, rpc) = queue
  op = _Create(osparams={"color": "red"},
               osparams_private={"password": "hunter2"},
               osparams_secret={"token": "s3cret"})
  job_id = q.SubmitJob([op])
  assert WaitFinal(q, job_id) == "success"
  # the job ran with the real values ...
  assert seen == [({"password": "hunter2"}, {"token": "s3cret"})]
  # ... but neither the job file nor its replicas nor queries hold them
  with open("%s/job-%s" % (pathutils.Get().QUEUE_DIR, job_id), "rb") as fh:
    content = fh.read()
  assert b"hunter2" not in content and b"s3cret" not in content
  assert b'"password": "<redacted>"' in content
  assert b'"token": "<redacted>"' in content
  assert b'"color": "red"' in content
  updates = rpc.Calls("update")
  assert updates
  for call in updates:
    assert b"hunter2" not in call[-1] and b"s3cret" not in call[-1]
  (ops, ) = q.QueryJobs([job_id], ["ops"])[0]
  assert ops[0]["osparams_private"] == {"password": "<redacted>"}
  assert ops[0]["osparams_secret"] == {"token": "<redacted>"}
  assert ops[0]["osparams"] == {"color": "red"}


def test_job_restored_from_file_is_refused():
  """A master restart re-reads queued jobs: their secrets are gone."""
  from ganeti import serializer
  from ganeti.jqueue import job as jjob
  job = jjob.QueuedJob(7, [_Create(osparams_secret={"pw": "s3cret"})])
  osparams.CheckNotRedacted(job.ops[0].input)
  restored = jjob.QueuedJob.Restore(serializer.LoadJson(job.Dump()))
  assert restored.ops[0].input.osparams_secret == {"pw": "<redacted>"}
  with pytest.raises(errors.OpPrereqError,
                     match="Please re-submit secret parameters to job."):
    osparams.CheckNotRedacted(restored.ops[0].input)
