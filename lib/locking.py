"""The Ganeti locking library.

Three layers, each built on the one below:

- :class:`SharedLock`: one lock that is held either exclusively by one thread
  or shared by many.  Waiters queue in priority order (a lower number is more
  urgent, Ganeti's opcode priorities run from -20 to 19) and first come,
  first served inside one priority.  Ownership is per thread.
- :class:`LockSet`: a named set of shared locks, acquired in sorted name
  order so that two sets of requests can never deadlock each other.  An
  internal set-level lock lets a caller take "everything" (``ALL_SET``) and
  keep the membership stable while it does.
- :class:`GanetiLockManager`: one lock set per locking level, with the level
  ordering rules of Ganeti's processor (the BGL first, then levels in
  increasing order).

:class:`ganeti.lockmonitor.LockMonitor` (re-exported here) answers the lock
query.  The schedule of lock acquisition timeouts belongs to the job queue
(:class:`ganeti.jqueue.execution.TimeoutStrategy`).

Misuse by the caller (acquiring twice, releasing what is not held, breaking
the level order) raises ``AssertionError`` explicitly, so that it also fires
under ``python -O``; the processor reports those as internal errors, as
Ganeti does.  Conditions that can legitimately arise from concurrency
(acquiring a lock that was removed, unknown names) raise
:class:`errors.LockError`.
"""

import collections
import threading
import time

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.lockmonitor import (LQ_MODE, LQ_OWNER, LQ_PENDING,  # noqa: F401
                                LOCK_FIELDS, LockMonitor)

_EXCLUSIVE_TEXT = "exclusive"
_SHARED_TEXT = "shared"
_DELETED_TEXT = "deleted"


def _Assert(condition, message):
  """Raise ``AssertionError(message)`` unless ``condition`` holds.

  Unlike the ``assert`` statement this is not removed by ``python -O``.

  """
  if not condition:
    raise AssertionError(message)


def _CheckTimeout(timeout):
  _Assert(timeout is None or timeout >= 0,
          "Timeout must be None or a non-negative number, got %r" % timeout)


class _RunningTimeout:
  """A deadline shared by several consecutive waits.

  ``Remaining()`` returns None for an unbounded timeout, otherwise the time
  left, never below zero (so a late wait degrades to a single try).

  """
  def __init__(self, timeout, _time_fn=time.monotonic):
    self._time_fn = _time_fn
    if timeout is None:
      self._deadline = None
    else:
      self._deadline = _time_fn() + timeout

  def Remaining(self):
    if self._deadline is None:
      return None
    return max(0.0, self._deadline - self._time_fn())


class _PendingGroup:
  """Threads waiting together for one grant of a :class:`SharedLock`.

  An exclusive group has exactly one waiter; a shared group collects the
  shared requests that queued one after the other at the same priority, and
  all of them are granted at once.

  """
  __slots__ = ("shared", "waiters", "cond", "granted")

  def __init__(self, shared, mutex):
    self.shared = shared
    self.waiters = []
    self.cond = threading.Condition(mutex)
    self.granted = False


class SharedLock:
  """A shared/exclusive lock with priority-ordered, fair waiters.

  Contract:

  - at any moment the lock has either no owner, one exclusive owner or any
    number of shared owners; ownership belongs to the acquiring thread;
  - a request is granted at once only if it is compatible with the current
    owners and no queued request would go before it (a queued request of the
    same or a more urgent priority);
  - otherwise it waits in the queue: by priority, then in arrival order; when
    the head of the queue becomes compatible it is granted, and a run of
    shared groups at the head is granted together;
  - waiting uses one condition per waiter group; there is no polling.

  """
  def __init__(self, name, monitor=None):
    """Create a free lock called ``name``; register it with ``monitor``."""
    self.name = name
    self._mutex = threading.Lock()
    self._owners = {}  # thread -> True if shared
    self._pending = {}  # priority -> deque of _PendingGroup
    self._deleted = False
    if monitor is not None:
      monitor.RegisterLock(self)

  def __repr__(self):
    return "<%s %r>" % (self.__class__.__name__, self.name)

  # Internal helpers; all expect self._mutex to be held

  def _Compatible(self, shared):
    if not self._owners:
      return True
    return shared and all(self._owners.values())

  def _HasPendingBefore(self, priority):
    return any(prio <= priority and groups
               for (prio, groups) in self._pending.items())

  def _HeadGroup(self):
    """Return (priority, group) of the queue head, or (None, None)."""
    active = [prio for (prio, groups) in self._pending.items() if groups]
    if not active:
      return (None, None)
    prio = min(active)
    return (prio, self._pending[prio][0])

  def _GrantPending(self):
    """Hand the lock to waiting groups from the head while compatible."""
    while True:
      (prio, group) = self._HeadGroup()
      if group is None or not self._Compatible(group.shared):
        return
      self._pending[prio].popleft()
      if not self._pending[prio]:
        del self._pending[prio]
      for thread in group.waiters:
        self._owners[thread] = group.shared
      group.granted = True
      group.cond.notify_all()

  def _Enqueue(self, shared, priority, thread):
    groups = self._pending.setdefault(priority, collections.deque())
    if shared and groups and groups[-1].shared:
      group = groups[-1]
    else:
      group = _PendingGroup(shared, self._mutex)
      groups.append(group)
    group.waiters.append(thread)
    return group

  def _Dequeue(self, group, priority, thread):
    group.waiters.remove(thread)
    if not group.waiters:
      groups = self._pending.get(priority)
      if groups is not None and group in groups:
        groups.remove(group)
        if not groups:
          del self._pending[priority]

  def _CheckNotDeleted(self):
    if self._deleted:
      raise errors.LockError("Deleted lock %s" % self.name)

  def _AcquireLocked(self, shared, timeout, priority, test_notify):
    self._CheckNotDeleted()
    me = threading.current_thread()
    _Assert(me not in self._owners,
            "Lock %s: double acquire by %s" % (self.name, me.name))
    if self._Compatible(shared) and not self._HasPendingBefore(priority):
      self._owners[me] = shared
      return True
    if timeout is not None and timeout <= 0:
      return False

    group = self._Enqueue(shared, priority, me)
    if callable(test_notify):
      test_notify()
    deadline = _RunningTimeout(timeout)
    while not (group.granted or self._deleted):
      remaining = deadline.Remaining()
      if remaining is not None and remaining <= 0:
        break
      group.cond.wait(remaining)

    if group.granted:
      return True
    if self._deleted:
      raise errors.LockError("Deleted lock %s" % self.name)
    # Timed out: leave the queue; the waiter we blocked may be free now
    self._Dequeue(group, priority, me)
    self._GrantPending()
    return False

  # Public API

  def acquire(self, shared=0, timeout=None, priority=None, test_notify=None):
    """Acquire the lock.

    @param shared: 1 for shared mode, 0 for exclusive
    @param timeout: seconds to wait; None blocks, 0 tries exactly once
    @param priority: lower is more urgent; None means the default (0)
    @param test_notify: unit-test hook, called (with the lock's internal
      mutex held) once the request has been queued and is about to block
    @return: True if acquired, False on timeout
    @raise errors.LockError: the lock was deleted before or while waiting

    """
    _CheckTimeout(timeout)
    if priority is None:
      priority = constants.OP_PRIO_DEFAULT
    with self._mutex:
      return self._AcquireLocked(bool(shared), timeout, priority, test_notify)

  def release(self):
    """Release the lock held by the current thread (any mode)."""
    me = threading.current_thread()
    with self._mutex:
      _Assert(me in self._owners,
              "Lock %s: release by non-owner %s" % (self.name, me.name))
      del self._owners[me]
      self._GrantPending()

  def downgrade(self):
    """Change the current thread's exclusive ownership to shared.

    Queued shared requests at the head of the queue are granted at once.
    Downgrading a lock already held shared does nothing.

    @return: True

    """
    me = threading.current_thread()
    with self._mutex:
      _Assert(me in self._owners,
              "Lock %s: downgrade by non-owner %s" % (self.name, me.name))
      if not self._owners[me]:
        self._owners[me] = True
        self._GrantPending()
    return True

  def delete(self, timeout=None, priority=None):
    """Delete the lock, acquiring it exclusively first if not yet owned.

    On success the lock has no owner any more; every queued and every later
    acquire (and delete) raises :class:`errors.LockError`.

    @return: True if deleted, False if the exclusive acquire timed out
    @raise errors.LockError: the lock was already deleted

    """
    _CheckTimeout(timeout)
    if priority is None:
      priority = constants.OP_PRIO_DEFAULT
    me = threading.current_thread()
    with self._mutex:
      self._CheckNotDeleted()
      _Assert(not self._owners.get(me, False),
              "Lock %s: cannot delete while holding it shared" % self.name)
      if me not in self._owners:
        if not self._AcquireLocked(False, timeout, priority, None):
          return False
      self._deleted = True
      self._owners.clear()
      for groups in self._pending.values():
        for group in groups:
          group.cond.notify_all()
      self._pending.clear()
      return True

  def is_owned(self, shared=-1):
    """Whether the current thread owns the lock.

    @param shared: -1 in any mode, 0 exclusively, 1 shared

    """
    me = threading.current_thread()
    with self._mutex:
      if me not in self._owners:
        return False
      return shared < 0 or self._owners[me] == bool(shared)

  def _count_pending(self):
    """Number of queued waiter groups (for tests)."""
    with self._mutex:
      return sum(len(groups) for groups in self._pending.values())

  def GetLockInfo(self, requested):
    """Report this lock for the lock query.

    @param requested: collection of ``LQ_*`` values; unrequested data is None
    @return: a list with one tuple ``(name, mode, owners, pending)``: mode is
      "exclusive", "shared", "deleted" or None (free); owners a sorted list
      of thread names or None; pending a list of ``[mode, [thread names]]``
      in queue order

    """
    mode = owners = pending = None
    with self._mutex:
      if LQ_MODE in requested:
        if self._deleted:
          mode = _DELETED_TEXT
        elif not self._owners:
          mode = None
        elif all(self._owners.values()):
          mode = _SHARED_TEXT
        else:
          mode = _EXCLUSIVE_TEXT
      if LQ_OWNER in requested and self._owners:
        owners = utils.NiceSort(t.name for t in self._owners)
      if LQ_PENDING in requested:
        pending = []
        for prio in sorted(self._pending):
          for group in self._pending[prio]:
            text = _SHARED_TEXT if group.shared else _EXCLUSIVE_TEXT
            pending.append([text,
                            utils.NiceSort(t.name for t in group.waiters)])
    return [(self.name, mode, owners, pending)]


#: Pass as ``names`` to acquire every lock of a set (or level)
ALL_SET = None

_LOCKSET_LOCK_NAME = "[lockset]"


class _AcquireTimeout(Exception):
  """Internal: one lock of a set could not be acquired in time."""


class LockSet:
  """A set of :class:`SharedLock` objects addressed by name.

  Members are always acquired in sorted name order.  The internal set-level
  lock (reported as ``<name>/[lockset]``) is taken by ``acquire(ALL_SET)``
  (in the requested mode) and exclusively by :meth:`add`, so that holding
  the whole set blocks additions.  Removal deletes each member lock, so it
  waits for that member's holders.

  """
  def __init__(self, members, name, monitor=None):
    """Create a set called ``name`` with one free lock per member name."""
    _Assert(name, "Lock set needs a name")
    self.name = name
    self._monitor = monitor
    self._lock = SharedLock(self._LockName(_LOCKSET_LOCK_NAME),
                            monitor=monitor)
    self._dict_lock = threading.Lock()
    self._lockdict = {}
    self._owned = {}  # thread -> set of owned member names
    for mname in members:
      self._lockdict[mname] = SharedLock(self._LockName(mname),
                                         monitor=monitor)

  def _LockName(self, mname):
    return "%s/%s" % (self.name, mname)

  @staticmethod
  def _NameList(names):
    if isinstance(names, str):
      return [names]
    return list(names)

  def _GetLock(self, mname):
    with self._dict_lock:
      return self._lockdict.get(mname)

  def _AddOwned(self, mname):
    me = threading.current_thread()
    with self._dict_lock:
      self._owned.setdefault(me, set()).add(mname)

  def _DelOwned(self, mname):
    me = threading.current_thread()
    with self._dict_lock:
      owned = self._owned.get(me)
      if owned is not None:
        owned.discard(mname)
        if not owned:
          del self._owned[me]

  def _names(self):
    """Return a copy of the current member names (a set)."""
    with self._dict_lock:
      return set(self._lockdict)

  def list_owned(self):
    """Return the set of member names owned by the current thread."""
    with self._dict_lock:
      return set(self._owned.get(threading.current_thread(), ()))

  def is_owned(self):
    """Whether the current thread owns any member or the whole set."""
    return bool(self.list_owned()) or self._lock.is_owned()

  def owning_all(self):
    """Whether the current thread acquired the whole set (``ALL_SET``)."""
    return self._lock.is_owned()

  def check_owned(self, names, shared=-1):
    """Whether all ``names`` are owned, in mode ``shared`` (-1: any)."""
    names = self._NameList(names)
    if not self.list_owned().issuperset(names):
      return False
    return all(self._lockdict[n].is_owned(shared=shared) for n in names)

  def acquire(self, names, timeout=None, shared=0, priority=None,
              opportunistic=False, test_notify=None):
    """Acquire member locks.

    @param names: a name, a list of names, or ``ALL_SET`` for every current
      member plus the set-level lock (which blocks :meth:`add`)
    @param timeout: seconds for the whole operation; None blocks
    @param opportunistic: try each member once (timeout 0) and keep what was
      free; only the set-level lock waits for ``timeout``
    @param test_notify: unit-test hook, called as ``test_notify(name)`` when
      waiting for member ``name`` is about to block
    @return: the set of acquired names, or None on timeout (then nothing of
      this call is held any more)
    @raise errors.LockError: an explicitly requested name does not exist or
      was removed while waiting (nothing of this call is held any more)

    """
    _CheckTimeout(timeout)
    _Assert(not self.is_owned(),
            "Cannot acquire locks in the same set (%s) twice" % self.name)
    running = _RunningTimeout(timeout)
    if opportunistic:
      member_timeout_fn = lambda: 0
    else:
      member_timeout_fn = running.Remaining

    if names is not ALL_SET:
      return self._AcquireMembers(self._NameList(names), True, opportunistic,
                                  shared, priority, member_timeout_fn,
                                  test_notify)

    if not self._lock.acquire(shared=shared, timeout=running.Remaining(),
                              priority=priority):
      return None
    result = None
    try:
      result = self._AcquireMembers(self._names(), False, opportunistic,
                                    shared, priority, member_timeout_fn,
                                    test_notify)
    finally:
      if result is None:
        self._lock.release()
    return result

  def _AcquireMembers(self, names, explicit, opportunistic, shared,
                      priority, timeout_fn, test_notify):
    """Acquire ``names`` in sorted order.

    Unknown names are an error if they were given ``explicit``ly; a member
    removed while waiting is an error only for an explicit, non-opportunistic
    request; a member that is not free in time aborts the whole call (None)
    unless ``opportunistic``.

    """
    wanted = []
    for mname in sorted(set(names)):
      lock = self._GetLock(mname)
      if lock is None:
        if explicit:
          raise errors.LockError("Lock '%s' not found in set '%s'" %
                                 (mname, self.name))
        continue
      wanted.append((mname, lock))

    acquired = set()
    try:
      for (mname, lock) in wanted:
        notify_fn = None
        if callable(test_notify):
          notify_fn = lambda mname=mname: test_notify(mname)
        try:
          ok = lock.acquire(shared=shared, timeout=timeout_fn(),
                            priority=priority, test_notify=notify_fn)
        except errors.LockError:
          if opportunistic or not explicit:
            continue
          raise errors.LockError("Lock '%s' in set '%s' was removed" %
                                 (mname, self.name))
        if not ok:
          if opportunistic:
            continue
          raise _AcquireTimeout()
        self._AddOwned(mname)
        acquired.add(mname)
    except _AcquireTimeout:
      self._ReleaseMembers(acquired)
      return None
    except BaseException:
      self._ReleaseMembers(acquired)
      raise
    return acquired

  def _ReleaseMembers(self, names):
    for mname in names:
      self._lockdict[mname].release()
      self._DelOwned(mname)

  def _OwnedNames(self, what, names):
    """(every owned member, the owned members ``names`` selects: all of
    them for None) for the operation ``what``; asserts that this thread
    owns the set and each of ``names``."""
    _Assert(self.is_owned(),
            "%s() on lock set %s while not owner" % (what, self.name))
    owned = self.list_owned()
    if names is None:
      return (owned, owned)
    names = set(self._NameList(names))
    _Assert(owned.issuperset(names),
            "%s() on unheld resources %s" % (what, names - owned))
    return (owned, names)

  def release(self, names=None):
    """Release ``names`` (default: everything owned in this set).

    Releasing anything also releases the set-level lock, since the caller
    no longer holds the whole set.

    """
    (_, names) = self._OwnedNames("release", names)
    if self._lock.is_owned():
      self._lock.release()
    self._ReleaseMembers(names)

  def downgrade(self, names=None):
    """Downgrade owned members (default: all) from exclusive to shared.

    The set-level lock is downgraded too once no member is held exclusively.

    """
    (owned, names) = self._OwnedNames("downgrade", names)
    for mname in names:
      self._lockdict[mname].downgrade()
    if (self._lock.is_owned(shared=0) and
        not any(self._lockdict[n].is_owned(shared=0) for n in owned)):
      self._lock.downgrade()
    return True

  def add(self, names, acquired=False, shared=0):
    """Add new members, optionally already acquired by the caller.

    Takes the set-level lock exclusively unless the caller already owns it
    exclusively, so it waits while anybody holds the whole set.

    @raise errors.LockError: a name is already a member
    @return: True

    """
    names = self._NameList(names)
    _Assert(not self.is_owned() or self._lock.is_owned(shared=0),
            "Cannot add locks to set %s while owning it partially or"
            " shared" % self.name)
    release_setlock = not self._lock.is_owned()
    if release_setlock:
      self._lock.acquire()
    try:
      with self._dict_lock:
        existing = set(self._lockdict).intersection(names)
        if existing:
          raise errors.LockError("Duplicate add(%s) on lock set %s" %
                                 (utils.CommaJoin(sorted(existing)),
                                  self.name))
        new = [(n, SharedLock(self._LockName(n), monitor=self._monitor))
               for n in names]
        for (mname, lock) in new:
          if acquired:
            lock.acquire(shared=shared)
            self._owned.setdefault(threading.current_thread(),
                                   set()).add(mname)
          self._lockdict[mname] = lock
    finally:
      if release_setlock:
        self._lock.release()
    return True

  def remove(self, names):
    """Remove members, deleting their locks.

    The caller must own either none of this set or a superset of ``names``
    (exclusively).  Deleting waits for other holders; their queued and later
    acquires fail with :class:`errors.LockError`.

    @return: the list of names this call removed (names that were not
      members, or were removed concurrently, are left out)

    """
    names = self._NameList(names)
    _Assert(not self.is_owned() or self.list_owned().issuperset(names),
            "remove() on set %s needs all of %s owned, or nothing" %
            (self.name, names))
    removed = []
    for mname in names:
      lock = self._GetLock(mname)
      try:
        if lock is None or not lock.delete():
          continue
      except errors.LockError:
        continue
      with self._dict_lock:
        if self._lockdict.get(mname) is lock:
          del self._lockdict[mname]
      self._DelOwned(mname)
      if self._monitor is not None:
        self._monitor.UnregisterLock(lock)
      removed.append(mname)
    return removed


# Locking levels, in acquisition order
LEVEL_CLUSTER = 0
LEVEL_INSTANCE = 1
LEVEL_NODE_ALLOC = 2
LEVEL_NODEGROUP = 3
LEVEL_NODE = 4
LEVEL_NODE_RES = 5
LEVEL_NETWORK = 6

LEVELS = [LEVEL_CLUSTER, LEVEL_INSTANCE, LEVEL_NODE_ALLOC, LEVEL_NODEGROUP,
          LEVEL_NODE, LEVEL_NODE_RES, LEVEL_NETWORK]

#: Levels whose lock sets can grow and shrink
LEVELS_MOD = frozenset([LEVEL_NODE_RES, LEVEL_NODE, LEVEL_NODEGROUP,
                        LEVEL_INSTANCE, LEVEL_NETWORK])

LEVEL_NAMES = {
  LEVEL_CLUSTER: "cluster",
  LEVEL_INSTANCE: "instance",
  LEVEL_NODE_ALLOC: "node-alloc",
  LEVEL_NODEGROUP: "nodegroup",
  LEVEL_NODE: "node",
  LEVEL_NODE_RES: "node-res",
  LEVEL_NETWORK: "network",
  }

#: The Big Ganeti Lock, the only member of the cluster level
BGL = "BGL"
#: The node allocation lock, the only member of the node-alloc level
NAL = "NAL"


class GanetiLockManager:
  """All of the master's operation locks, one :class:`LockSet` per level.

  Rules enforced (``AssertionError`` when broken):

  - the BGL must be owned (in any mode) before any other level is acquired,
    added to or removed from;
  - a level cannot be acquired, added to or removed from while owning locks
    at a higher level; a level cannot be acquired twice;
  - the BGL cannot be released while owning locks at other levels;
  - only the levels in ``LEVELS_MOD`` can be added to or removed from.

  """
  def __init__(self, nodes, nodegroups, instances, networks):
    """Create the levels from the given member names (node and group UUIDs,
    instance names, network UUIDs)."""
    self._monitor = LockMonitor()
    members = {
      LEVEL_CLUSTER: [BGL],
      LEVEL_INSTANCE: instances,
      LEVEL_NODE_ALLOC: [NAL],
      LEVEL_NODEGROUP: nodegroups,
      LEVEL_NODE: nodes,
      LEVEL_NODE_RES: nodes,
      LEVEL_NETWORK: networks,
      }
    self._keyring = dict(
      (level, LockSet(members[level] or [], LEVEL_NAMES[level],
                      monitor=self._monitor))
      for level in LEVELS)

  def _Set(self, level):
    _Assert(level in self._keyring, "Invalid locking level %r" % (level, ))
    return self._keyring[level]

  def _UpperOwned(self, level):
    return any(self._keyring[lvl].is_owned() for lvl in LEVELS
               if lvl > level)

  def _BGLOwned(self):
    return self._keyring[LEVEL_CLUSTER].is_owned()

  def _CheckModifiable(self, level, action):
    _Assert(level in LEVELS_MOD,
            "Invalid or immutable level %r for %s" % (level, action))
    _Assert(self._BGLOwned(),
            "You must own the Big Ganeti Lock before %s" % action)
    _Assert(not self._UpperOwned(level),
            "Cannot %s at level %s while owning locks at a greater level" %
            (action, LEVEL_NAMES[level]))

  def AddToLockMonitor(self, provider):
    """Let ``provider`` (with ``GetLockInfo``) appear in the lock query."""
    self._monitor.RegisterLock(provider)

  def QueryLocks(self, fields):
    """Answer the lock query; see :meth:`LockMonitor.QueryLocks`."""
    return self._monitor.QueryLocks(fields)

  def GetLockInfo(self, requested):
    """All locks' ``(name, mode, owners, pending)`` rows, sorted by name."""
    return self._monitor.GetLockInfo(requested)

  def _names(self, level):
    """Current member names of ``level`` (a set)."""
    return self._Set(level)._names()

  def is_owned(self, level):
    """Whether the current thread owns any lock at ``level``."""
    return self._Set(level).is_owned()

  def list_owned(self, level):
    """The set of names the current thread owns at ``level``."""
    return self._Set(level).list_owned()

  def check_owned(self, level, names, shared=-1):
    """Whether all ``names`` at ``level`` are owned in mode ``shared``."""
    return self._Set(level).check_owned(names, shared=shared)

  def owning_all(self, level):
    """Whether the current thread holds the whole of ``level``."""
    return self._Set(level).owning_all()

  def acquire(self, level, names, timeout=None, shared=0, priority=None,
              opportunistic=False):
    """Acquire ``names`` (or ``ALL_SET``) at ``level``.

    @return: the set of acquired names, or None on timeout
    @see: :meth:`LockSet.acquire`

    """
    lockset = self._Set(level)
    _Assert(level == LEVEL_CLUSTER or self._BGLOwned(),
            "You must own the Big Ganeti Lock before acquiring any other")
    _Assert(not self._UpperOwned(level),
            "Cannot acquire locks at level %s while owning some at a greater"
            " one" % LEVEL_NAMES[level])
    return lockset.acquire(names, timeout=timeout, shared=shared,
                           priority=priority, opportunistic=opportunistic)

  def release(self, level, names=None):
    """Release ``names`` (default: all owned) at ``level``."""
    lockset = self._Set(level)
    _Assert(level != LEVEL_CLUSTER or not self._UpperOwned(LEVEL_CLUSTER),
            "Cannot release the Big Ganeti Lock while holding something at"
            " other levels")
    return lockset.release(names)

  def downgrade(self, level, names=None):
    """Downgrade owned locks at ``level`` to shared mode."""
    return self._Set(level).downgrade(names)

  def add(self, level, names, acquired=0, shared=0):
    """Add locks at a modifiable ``level``; see :meth:`LockSet.add`."""
    self._Set(level)
    self._CheckModifiable(level, "adding locks")
    return self._keyring[level].add(names, acquired=acquired, shared=shared)

  def remove(self, level, names):
    """Remove locks at a modifiable ``level``; see :meth:`LockSet.remove`."""
    self._Set(level)
    self._CheckModifiable(level, "removing locks")
    return self._keyring[level].remove(names)
