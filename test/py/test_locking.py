"""Tests for ganeti.locking.

Threads are synchronised with events, barriers and the locks' own
``test_notify`` hooks; nothing sleeps for a fixed time.  Every thread a test
starts is joined by that test (see :class:`_Threads`).
"""

import random
import threading
import time

import pytest

from ganeti import errors
from ganeti import locking

pytestmark = pytest.mark.unit

DEADLINE = 5.0


def _WaitUntil(predicate, timeout=DEADLINE):
  """Wait until ``predicate()`` is true, failing the test after ``timeout``.

  Used only where no event can be hooked in (e.g. a thread blocked inside
  ``LockSet.add``); polls the condition, with a hard deadline.

  """
  deadline = time.monotonic() + timeout
  while not predicate():
    assert time.monotonic() < deadline, "condition not reached in time"
    time.sleep(0.001)


class _Threads:
  """Start helper threads and join them all (re-raising their failures)."""

  def __init__(self):
    self._threads = []
    self.errors = []

  def Start(self, fn, *args, name=None, **kwargs):
    def _Run():
      try:
        fn(*args, **kwargs)
      except BaseException as err:  # reported by JoinAll
        self.errors.append(err)
    thread = threading.Thread(target=_Run, name=name, daemon=True)
    self._threads.append(thread)
    thread.start()
    return thread

  def JoinAll(self, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    for thread in self._threads:
      thread.join(max(0.0, deadline - time.monotonic()))
      assert not thread.is_alive(), "thread %s did not finish" % thread.name
    if self.errors:
      raise self.errors[0]


@pytest.fixture
def threads():
  helper = _Threads()
  yield helper
  helper.JoinAll()


def _StartWaiter(threads, lock, name, order, shared=0, priority=None,
                 hold=None):
  """Start a thread that acquires ``lock``, records ``name`` and releases.

  Returns once the thread is queued on the lock.  ``hold`` (an event) makes
  the thread keep the lock until it is set.

  """
  queued = threading.Event()

  def _Fn():
    assert lock.acquire(shared=shared, priority=priority,
                        test_notify=queued.set)
    order.append(name)
    if hold is not None:
      assert hold.wait(DEADLINE)
    lock.release()

  threads.Start(_Fn, name=name)
  assert queued.wait(DEADLINE)


# SharedLock


def testSharedLockModes():
  lock = locking.SharedLock("l")
  assert not lock.is_owned()
  assert lock.acquire(shared=1)
  assert lock.is_owned() and lock.is_owned(shared=1)
  assert not lock.is_owned(shared=0)
  lock.release()
  assert lock.acquire()
  assert lock.is_owned(shared=0) and not lock.is_owned(shared=1)
  with pytest.raises(AssertionError):
    lock.acquire()
  lock.release()
  with pytest.raises(AssertionError):
    lock.release()


def testSharedExcludesExclusive(threads):
  lock = locking.SharedLock("l")
  results = []
  assert lock.acquire(shared=1)

  def _Other():
    results.append(lock.acquire(shared=1, timeout=0))
    lock.release()
    results.append(lock.acquire(shared=0, timeout=0))
  threads.Start(_Other)
  threads.JoinAll()
  assert results == [True, False]
  lock.release()
  assert lock.acquire(timeout=0)
  lock.release()


def testExclusiveExcludesAll(threads):
  lock = locking.SharedLock("l")
  results = []
  assert lock.acquire()

  def _Other():
    results.append(lock.acquire(shared=1, timeout=0))
    results.append(lock.acquire(shared=0, timeout=0))
    start = time.monotonic()
    results.append(lock.acquire(shared=1, timeout=0.05))
    results.append(time.monotonic() - start >= 0.04)
  threads.Start(_Other)
  threads.JoinAll()
  assert results == [False, False, False, True]
  assert lock._count_pending() == 0
  lock.release()


def testPriorityOrder(threads):
  lock = locking.SharedLock("l")
  order = []
  assert lock.acquire()
  for (name, prio) in [("low", 10), ("normal", 0), ("low2", 10),
                       ("high", -10), ("highest", -20)]:
    _StartWaiter(threads, lock, name, order, priority=prio)
  info = lock.GetLockInfo([locking.LQ_PENDING])[0][3]
  assert [names for (_, names) in info] == [["highest"], ["high"], ["normal"],
                                            ["low"], ["low2"]]
  lock.release()
  threads.JoinAll()
  assert order == ["highest", "high", "normal", "low", "low2"]


def testFifoWithinPriority(threads):
  lock = locking.SharedLock("l")
  order = []
  assert lock.acquire()
  names = ["w%d" % i for i in range(8)]
  for name in names:
    _StartWaiter(threads, lock, name, order, priority=5)
  lock.release()
  threads.JoinAll()
  assert order == names


def testSharedWaitersGrantedTogether(threads):
  lock = locking.SharedLock("l")
  barrier = threading.Barrier(4, timeout=DEADLINE)
  order = []
  assert lock.acquire()

  def _Sharer(name, queued):
    assert lock.acquire(shared=1, test_notify=queued.set)
    order.append(name)
    barrier.wait()  # only passes if all three hold the lock at once
    lock.release()

  for name in ["s1", "s2", "s3"]:
    queued = threading.Event()
    threads.Start(_Sharer, name, queued, name=name)
    assert queued.wait(DEADLINE)
  pending = lock.GetLockInfo([locking.LQ_PENDING])[0][3]
  assert pending == [["shared", ["s1", "s2", "s3"]]]
  lock.release()
  barrier.wait()
  threads.JoinAll()
  assert sorted(order) == ["s1", "s2", "s3"]


def testSharedGroupsAtHeadCascade(threads):
  # shared at prio -5 and shared at prio 0 are both at the head: both run
  lock = locking.SharedLock("l")
  barrier = threading.Barrier(3, timeout=DEADLINE)
  assert lock.acquire()

  def _Sharer(prio, queued):
    assert lock.acquire(shared=1, priority=prio, test_notify=queued.set)
    barrier.wait()
    lock.release()

  for prio in [0, -5]:
    queued = threading.Event()
    threads.Start(_Sharer, prio, queued)
    assert queued.wait(DEADLINE)
  lock.release()
  barrier.wait()
  threads.JoinAll()


def testExclusiveWaiterBlocksLaterSharers(threads):
  lock = locking.SharedLock("l")
  order = []
  results = []
  assert lock.acquire(shared=1)
  _StartWaiter(threads, lock, "excl", order, shared=0, priority=0)

  def _LateSharers():
    # same (or less urgent) priority: queues behind the exclusive waiter
    results.append(lock.acquire(shared=1, timeout=0))
    results.append(lock.acquire(shared=1, timeout=0, priority=3))
    # more urgent: overtakes it, being compatible with the current sharer
    results.append(lock.acquire(shared=1, timeout=0, priority=-5))
    lock.release()
    # exclusive and more urgent: still incompatible with the sharer
    results.append(lock.acquire(shared=0, timeout=0, priority=-20))
  thread = threads.Start(_LateSharers)
  thread.join(DEADLINE)
  assert not thread.is_alive()
  assert results == [False, False, True, False]
  assert order == []
  lock.release()
  threads.JoinAll()
  assert order == ["excl"]


def testTimedOutExclusiveUnblocksSharers(threads):
  lock = locking.SharedLock("l")
  order = []
  results = []
  assert lock.acquire(shared=1)
  excl_queued = threading.Event()

  def _Excl():
    results.append(lock.acquire(timeout=0.1, test_notify=excl_queued.set))
  threads.Start(_Excl)
  assert excl_queued.wait(DEADLINE)
  # a sharer queued behind the exclusive waiter
  _StartWaiter(threads, lock, "sharer", order, shared=1)
  # once the exclusive request times out, the sharer joins us
  threads.JoinAll()
  assert results == [False]
  assert order == ["sharer"]
  assert lock._count_pending() == 0
  lock.release()


def testDowngrade(threads):
  lock = locking.SharedLock("l")
  barrier = threading.Barrier(2, timeout=DEADLINE)
  assert lock.acquire()
  queued = threading.Event()

  def _Sharer():
    assert lock.acquire(shared=1, test_notify=queued.set)
    barrier.wait()
    lock.release()
  threads.Start(_Sharer)
  assert queued.wait(DEADLINE)
  assert lock.downgrade()
  assert lock.is_owned(shared=1)
  barrier.wait()  # sharer holds the lock while we still do
  threads.JoinAll()
  assert lock.downgrade()  # already shared: no-op
  lock.release()
  with pytest.raises(AssertionError):
    lock.downgrade()


def testDelete(threads):
  lock = locking.SharedLock("l")
  results = []
  assert lock.acquire()
  queued = threading.Event()

  def _Waiter():
    try:
      lock.acquire(shared=1, test_notify=queued.set)
    except errors.LockError:
      results.append("deleted")
  threads.Start(_Waiter)
  assert queued.wait(DEADLINE)
  assert lock.delete()
  threads.JoinAll()
  assert results == ["deleted"]
  assert not lock.is_owned()
  with pytest.raises(errors.LockError):
    lock.acquire()
  with pytest.raises(errors.LockError):
    lock.acquire(timeout=0)
  with pytest.raises(errors.LockError):
    lock.delete()
  info = lock.GetLockInfo([locking.LQ_MODE, locking.LQ_OWNER,
                           locking.LQ_PENDING])
  assert info == [("l", "deleted", None, [])]


def testDeleteWaitsAndTimesOut(threads):
  lock = locking.SharedLock("l")
  results = []
  held = threading.Event()
  done = threading.Event()

  def _Holder():
    assert lock.acquire(shared=1)
    held.set()
    assert done.wait(DEADLINE)
    lock.release()
  threads.Start(_Holder)
  assert held.wait(DEADLINE)
  assert lock.delete(timeout=0) is False
  assert lock.delete(timeout=0.02) is False
  assert lock._count_pending() == 0

  def _Deleter():
    results.append(lock.delete())
  threads.Start(_Deleter)
  # delete() has no test hook: wait for its queued exclusive request
  _WaitUntil(lambda: lock._count_pending() == 1)
  done.set()
  threads.JoinAll()
  assert results == [True]
  with pytest.raises(errors.LockError):
    lock.acquire(shared=1)


def testDeleteWhileShared():
  lock = locking.SharedLock("l")
  assert lock.acquire(shared=1)
  with pytest.raises(AssertionError):
    lock.delete()
  lock.release()


def testGetLockInfo(threads):
  lock = locking.SharedLock("inst/x")
  all_fields = [locking.LQ_MODE, locking.LQ_OWNER, locking.LQ_PENDING]
  assert lock.GetLockInfo(all_fields) == [("inst/x", None, None, [])]
  assert lock.GetLockInfo([]) == [("inst/x", None, None, None)]
  held = threading.Event()
  done = threading.Event()

  def _Holder():
    assert lock.acquire(shared=1)
    held.set()
    assert done.wait(DEADLINE)
    lock.release()
  threads.Start(_Holder, name="job2")
  assert held.wait(DEADLINE)
  assert lock.acquire(shared=1)  # as MainThread
  order = []
  _StartWaiter(threads, lock, "job10", order, shared=0)
  _StartWaiter(threads, lock, "job3", order, shared=1, priority=5)
  _StartWaiter(threads, lock, "job4", order, shared=1, priority=5)
  assert lock.GetLockInfo(all_fields) == [
    ("inst/x", "shared", ["MainThread", "job2"],
     [["exclusive", ["job10"]], ["shared", ["job3", "job4"]]]),
    ]
  lock.release()
  done.set()
  threads.JoinAll()
  assert order[0] == "job10"


# LockSet


def _MakeSet(names=("a", "b", "c", "d")):
  return locking.LockSet(list(names), "test")


def testLockSetBasics():
  ls = _MakeSet()
  assert ls._names() == {"a", "b", "c", "d"}
  assert ls.acquire(["c", "a"]) == {"a", "c"}
  assert ls.is_owned() and not ls.owning_all()
  assert ls.list_owned() == {"a", "c"}
  assert ls.check_owned(["a", "c"]) and ls.check_owned("a", shared=0)
  assert not ls.check_owned(["a", "c"], shared=1)
  assert not ls.check_owned(["a", "b"])
  with pytest.raises(AssertionError):
    ls.acquire(["b"])
  ls.release(["a"])
  assert ls.list_owned() == {"c"}
  with pytest.raises(AssertionError):
    ls.release(["a"])
  ls.release()
  assert not ls.is_owned()
  assert ls.acquire("b", shared=1) == {"b"}
  assert ls.check_owned("b", shared=1)
  ls.release()


def testLockSetUnknownName():
  ls = _MakeSet()
  with pytest.raises(errors.LockError):
    ls.acquire(["a", "zzz"])
  assert not ls.is_owned()
  assert ls.acquire(["a"]) == {"a"}
  ls.release()


def testLockSetSortedOrder(threads):
  ls = _MakeSet()
  held = threading.Event()
  done = threading.Event()
  blocked = []

  def _Holder():
    assert ls.acquire(["b"]) == {"b"}
    held.set()
    assert done.wait(DEADLINE)
    ls.release()
  threads.Start(_Holder, name="holder")
  assert held.wait(DEADLINE)
  waiting = threading.Event()

  def _Notify(name):
    blocked.append(name)
    waiting.set()

  def _Acquirer():
    assert ls.acquire(["d", "b", "a", "c"], test_notify=_Notify) == \
      {"a", "b", "c", "d"}
    ls.release()
  threads.Start(_Acquirer, name="acq")
  assert waiting.wait(DEADLINE)
  rows = dict((row[0], row[2]) for row in
              ls._lockdict["a"].GetLockInfo([locking.LQ_OWNER]) +
              ls._lockdict["c"].GetLockInfo([locking.LQ_OWNER]) +
              ls._lockdict["d"].GetLockInfo([locking.LQ_OWNER]))
  # blocked on "b": "a" already taken, "c" and "d" not yet
  assert blocked == ["b"]
  assert rows == {"test/a": ["acq"], "test/c": None, "test/d": None}
  done.set()
  threads.JoinAll()


def testLockSetTimeoutReleasesPartial(threads):
  ls = _MakeSet()
  held = threading.Event()
  done = threading.Event()
  results = []

  def _Holder():
    assert ls.acquire(["c"])
    held.set()
    assert done.wait(DEADLINE)
    ls.release()
  threads.Start(_Holder)
  assert held.wait(DEADLINE)
  assert ls.acquire(["a", "b", "c"], timeout=0.05) is None
  assert not ls.is_owned()
  assert ls.acquire(["a", "b", "c"], timeout=0) is None
  assert ls.acquire(locking.ALL_SET, timeout=0.02) is None
  assert not ls.is_owned() and not ls.owning_all()

  def _Other():
    results.append(ls.acquire(["a", "b"], timeout=0))
    ls.release()
  threads.Start(_Other)
  done.set()
  threads.JoinAll()
  assert results == [{"a", "b"}]


def testLockSetOpportunistic(threads):
  ls = _MakeSet()
  held = threading.Event()
  done = threading.Event()

  def _Holder():
    assert ls.acquire(["b", "d"])
    held.set()
    assert done.wait(DEADLINE)
    ls.release()
  threads.Start(_Holder)
  assert held.wait(DEADLINE)
  assert ls.acquire(["a", "b", "c"], opportunistic=True) == {"a", "c"}
  ls.release()
  assert ls.acquire(locking.ALL_SET, opportunistic=True) == {"a", "c"}
  assert ls.owning_all()
  ls.release()
  with pytest.raises(errors.LockError):
    ls.acquire(["a", "nope"], opportunistic=True)
  assert not ls.is_owned()
  done.set()
  threads.JoinAll()


def testLockSetAllSetEmpty():
  ls = locking.LockSet([], "empty")
  assert ls.acquire(locking.ALL_SET) == set()
  assert ls.is_owned() and ls.owning_all()
  ls.add(["x"], acquired=True)
  assert ls.list_owned() == {"x"}
  ls.release()
  assert not ls.is_owned()


def testLockSetAllSetBlocksAdd(threads):
  ls = _MakeSet()
  assert ls.acquire(locking.ALL_SET, shared=1) == {"a", "b", "c", "d"}
  assert ls.owning_all()
  with pytest.raises(AssertionError):
    ls.add(["x"])  # the whole set is held only shared
  added = threading.Event()

  def _Adder():
    ls.add(["e"])
    added.set()
  threads.Start(_Adder, name="adder")
  setlock = ls._lock
  _WaitUntil(lambda: setlock._count_pending() == 1)
  assert not added.is_set()
  assert "e" not in ls._names()
  ls.release()
  threads.JoinAll()
  assert added.is_set()
  assert ls._names() == {"a", "b", "c", "d", "e"}


def testLockSetAllSetExclusiveAdd():
  ls = _MakeSet(["a"])
  assert ls.acquire(locking.ALL_SET) == {"a"}
  assert ls.add(["b"], acquired=True, shared=1)
  assert ls.list_owned() == {"a", "b"}
  assert ls.check_owned("b", shared=1)
  with pytest.raises(errors.LockError):
    ls.add(["a"])
  ls.downgrade(["a"])
  assert ls._lock.is_owned(shared=1)
  ls.release()
  ls.acquire(["a"])
  with pytest.raises(AssertionError):
    ls.add(["z"])  # partially owned
  ls.release()


def testLockSetRemove(threads):
  ls = _MakeSet()
  held = threading.Event()
  done = threading.Event()
  removed = []
  errs = []

  def _Holder():
    assert ls.acquire(["b"], shared=1)
    held.set()
    assert done.wait(DEADLINE)
    ls.release()
  threads.Start(_Holder)
  assert held.wait(DEADLINE)

  def _Remover():
    removed.append(ls.remove(["b", "nope"]))
  threads.Start(_Remover)
  # remove() waits for the holder of "b" (no test hook: watch its queue)
  _WaitUntil(lambda: ls._lockdict["b"]._count_pending() == 1)
  assert removed == []
  queued = threading.Event()

  def _Waiter():
    try:
      ls.acquire(["a", "b"], test_notify=lambda _: queued.set())
    except errors.LockError:
      errs.append(ls.is_owned())
  threads.Start(_Waiter)
  assert queued.wait(DEADLINE)
  done.set()
  threads.JoinAll()
  assert removed == [["b"]]
  assert errs == [False]  # failed, and gave "a" back
  assert ls._names() == {"a", "c", "d"}
  assert ls.acquire(locking.ALL_SET) == {"a", "c", "d"}
  ls.release()


def testLockSetRemoveOwned():
  ls = _MakeSet()
  ls.acquire(["a", "b"])
  with pytest.raises(AssertionError):
    ls.remove(["c"])
  assert ls.remove(["a"]) == ["a"]
  assert ls.list_owned() == {"b"}
  assert ls._names() == {"b", "c", "d"}
  ls.release()
  assert ls.remove("c") == ["c"]
  assert ls.remove("c") == []
  with pytest.raises(errors.LockError):
    ls.acquire(["c"])


def testLockSetDowngrade():
  ls = _MakeSet()
  assert ls.acquire(locking.ALL_SET)
  ls.downgrade(["a"])
  assert ls.check_owned("a", shared=1)
  assert ls._lock.is_owned(shared=0)
  ls.downgrade()
  assert ls.check_owned(["a", "b", "c", "d"], shared=1)
  assert ls._lock.is_owned(shared=1)
  ls.release()


# GanetiLockManager


@pytest.fixture
def glm():
  return locking.GanetiLockManager(
    nodes=["n-uuid1", "n-uuid2"], nodegroups=["g-uuid"],
    instances=["inst1", "inst2", "inst10"], networks=["net-uuid"])


def testLevelConstants():
  assert locking.LEVELS == list(range(7))
  assert locking.LEVEL_NAMES == {
    0: "cluster", 1: "instance", 2: "node-alloc", 3: "nodegroup", 4: "node",
    5: "node-res", 6: "network"}
  assert locking.LEVELS_MOD == frozenset([1, 3, 4, 5, 6])
  assert locking.ALL_SET is None
  assert (locking.BGL, locking.NAL) == ("BGL", "NAL")


def testManagerNames(glm):
  assert glm._names(locking.LEVEL_CLUSTER) == {"BGL"}
  assert glm._names(locking.LEVEL_NODE_ALLOC) == {"NAL"}
  assert glm._names(locking.LEVEL_NODE) == {"n-uuid1", "n-uuid2"}
  assert glm._names(locking.LEVEL_NODE_RES) == {"n-uuid1", "n-uuid2"}
  assert glm._names(locking.LEVEL_INSTANCE) == {"inst1", "inst2", "inst10"}
  assert glm._names(locking.LEVEL_NETWORK) == {"net-uuid"}


def testManagerNeedsBGL(glm):
  with pytest.raises(AssertionError):
    glm.acquire(locking.LEVEL_INSTANCE, ["inst1"])
  with pytest.raises(AssertionError):
    glm.add(locking.LEVEL_INSTANCE, ["inst3"])
  assert glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=1) == {"BGL"}
  assert glm.check_owned(locking.LEVEL_CLUSTER, locking.BGL, shared=1)
  assert glm.acquire(locking.LEVEL_INSTANCE, ["inst1"]) == {"inst1"}
  with pytest.raises(AssertionError):
    glm.release(locking.LEVEL_CLUSTER)  # instance level still held
  glm.release(locking.LEVEL_INSTANCE)
  glm.release(locking.LEVEL_CLUSTER)
  assert not glm.is_owned(locking.LEVEL_CLUSTER)


def testManagerLevelOrder(glm):
  glm.acquire(locking.LEVEL_CLUSTER, locking.ALL_SET, shared=1)
  assert glm.acquire(locking.LEVEL_NODE, ["n-uuid2"]) == {"n-uuid2"}
  for level in [locking.LEVEL_INSTANCE, locking.LEVEL_NODE_ALLOC,
                locking.LEVEL_NODEGROUP]:
    with pytest.raises(AssertionError):
      glm.acquire(level, locking.ALL_SET)
  with pytest.raises(AssertionError):
    glm.acquire(locking.LEVEL_NODE, ["n-uuid1"])  # same level twice
  with pytest.raises(AssertionError):
    glm.add(locking.LEVEL_INSTANCE, ["inst3"])
  with pytest.raises(AssertionError):
    glm.remove(locking.LEVEL_NODEGROUP, ["g-uuid"])
  assert glm.acquire(locking.LEVEL_NODE_RES, locking.ALL_SET,
                     shared=1) == {"n-uuid1", "n-uuid2"}
  assert glm.owning_all(locking.LEVEL_NODE_RES)
  assert not glm.owning_all(locking.LEVEL_NODE)
  glm.release(locking.LEVEL_NODE_RES)
  glm.release(locking.LEVEL_NODE)
  assert glm.acquire(locking.LEVEL_INSTANCE, ["inst2"]) == {"inst2"}
  assert glm.list_owned(locking.LEVEL_INSTANCE) == {"inst2"}
  glm.downgrade(locking.LEVEL_INSTANCE)
  assert glm.check_owned(locking.LEVEL_INSTANCE, ["inst2"], shared=1)
  glm.release(locking.LEVEL_INSTANCE)
  glm.release(locking.LEVEL_CLUSTER)
  with pytest.raises(AssertionError):
    glm.acquire(99, ["x"])


def testManagerAddRemove(glm):
  glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL])
  with pytest.raises(AssertionError):
    glm.add(locking.LEVEL_CLUSTER, ["other"])
  with pytest.raises(AssertionError):
    glm.add(locking.LEVEL_NODE_ALLOC, ["other"])
  glm.add(locking.LEVEL_INSTANCE, ["inst3"], acquired=1)
  assert glm.list_owned(locking.LEVEL_INSTANCE) == {"inst3"}
  assert glm.remove(locking.LEVEL_INSTANCE, ["inst3"]) == ["inst3"]
  assert not glm.is_owned(locking.LEVEL_INSTANCE)
  assert "inst3" not in glm._names(locking.LEVEL_INSTANCE)
  glm.add(locking.LEVEL_NODE, ["n-uuid3"])
  assert glm.remove(locking.LEVEL_NETWORK, ["net-uuid"]) == ["net-uuid"]
  glm.release(locking.LEVEL_CLUSTER)


def testQueryLocks(glm, threads):
  fields = ["name", "mode", "owner", "pending"]
  result = glm.QueryLocks(fields)
  assert [f["name"] for f in result["fields"]] == fields
  assert result["fields"][0] == {"name": "name", "title": "Name",
                                 "kind": "text", "doc": "Lock name"}
  assert [f["kind"] for f in result["fields"]] == \
    ["text", "other", "other", "other"]
  assert all(set(f) == {"name", "title", "kind", "doc"}
             for f in result["fields"])
  names = [row[0][1] for row in result["data"]]
  assert "cluster/BGL" in names and "instance/inst1" in names
  assert "node/n-uuid1" in names and "node-alloc/NAL" in names
  assert "instance/[lockset]" in names
  assert names.index("instance/inst2") < names.index("instance/inst10")
  assert all(row == [[0, name], [0, None], [0, None], [0, []]]
             for (name, row) in zip(names, result["data"]))

  held = threading.Event()
  done = threading.Event()

  def _Job():
    glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=1)
    glm.acquire(locking.LEVEL_INSTANCE, ["inst1"])
    held.set()
    assert done.wait(DEADLINE)
    glm.release(locking.LEVEL_INSTANCE)
    glm.release(locking.LEVEL_CLUSTER)
  threads.Start(_Job, name="Job17")
  assert held.wait(DEADLINE)
  queued = threading.Event()

  def _Waiter():
    glm.acquire(locking.LEVEL_CLUSTER, [locking.BGL], shared=1)
    lock = glm._keyring[locking.LEVEL_INSTANCE]
    assert lock.acquire(["inst1"], shared=1,
                        test_notify=lambda _: queued.set())
    lock.release()
    glm.release(locking.LEVEL_CLUSTER)
  threads.Start(_Waiter, name="Job18")
  assert queued.wait(DEADLINE)
  data = dict((row[0][1], row[1:]) for row in
              glm.QueryLocks(fields)["data"])
  assert data["cluster/BGL"] == [[0, "shared"], [0, ["Job17", "Job18"]],
                                 [0, []]]
  assert data["instance/inst1"] == [[0, "exclusive"], [0, ["Job17"]],
                                    [0, [["shared", ["Job18"]]]]]
  assert data["instance/inst2"] == [[0, None], [0, None], [0, []]]
  rows = glm.QueryLocks(["name", "bogus"])
  assert rows["fields"][1]["kind"] == "unknown"
  assert rows["data"][0][1] == [1, None]
  info = glm.GetLockInfo([locking.LQ_MODE])
  assert ("instance/inst1", "exclusive", None, None) in info
  done.set()
  threads.JoinAll()


def testQueryLocksExtraProvider(glm):
  class _Provider:
    def GetLockInfo(self, requested):
      return [("job/42", None, None, [["exclusive", ["Job43"]]])]
  provider = _Provider()
  glm.AddToLockMonitor(provider)
  data = glm.QueryLocks(["name", "pending"])["data"]
  assert [[0, "job/42"], [0, [["exclusive", ["Job43"]]]]] in data


# Stress


def testStressMutualExclusion(threads):
  names = ["l%d" % i for i in range(6)]
  ls = locking.LockSet(names, "stress")
  state_lock = threading.Lock()
  state = dict((name, [0, 0]) for name in names)  # [exclusive, shared]
  violations = []
  stop_at = time.monotonic() + 1.0
  counts = []

  def _Check(subset, shared, delta):
    with state_lock:
      for name in subset:
        entry = state[name]
        entry[1 if shared else 0] += delta
        if entry[0] > 1 or (entry[0] and entry[1]):
          violations.append((name, list(entry)))

  def _Worker(seed):
    rnd = random.Random(seed)
    done = 0
    while time.monotonic() < stop_at and done < 1500:
      subset = rnd.sample(names, rnd.randint(1, 3))
      shared = rnd.random() < 0.4
      prio = rnd.choice([-10, 0, 10])
      timeout = rnd.choice([None, None, 0, 0.01])
      if rnd.random() < 0.1:
        got = ls.acquire(locking.ALL_SET, shared=shared, priority=prio,
                         timeout=timeout)
      else:
        got = ls.acquire(subset, shared=shared, priority=prio,
                         timeout=timeout)
      if got is None:
        assert not ls.is_owned()
        continue
      _Check(got, shared, 1)
      time.sleep(0)  # yield while holding, to let others try to overlap
      _Check(got, shared, -1)
      ls.release()
      done += 1
    counts.append(done)

  for seed in range(10):
    threads.Start(_Worker, seed, name="stress%d" % seed)
  threads.JoinAll(timeout=10)
  assert not violations
  assert len(counts) == 10 and sum(counts) > 0
  assert all(entry == [0, 0] for entry in state.values())
