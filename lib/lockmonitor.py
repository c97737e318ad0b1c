"""The lock monitor: collects lock information and answers the lock query.

The lock query (``gnt-debug locks``, LUXI ``QueryLocks``) reports one row
per lock with its name, mode, owners and pending requests.  Rows come from
providers registered with a :class:`LockMonitor`: every
:class:`ganeti.locking.SharedLock` created with a monitor, and any other
object reporting lock-like state (e.g. jobs waiting for dependencies, shown
as ``job/<id>``).
"""

import threading
import weakref

from ganeti import utils

#: Data a lock can report in :meth:`SharedLock.GetLockInfo` (the name is
#: always reported)
LQ_MODE = 1
LQ_OWNER = 2
LQ_PENDING = 3

#: Query field kinds and result statuses (values as on the wire)
QFT_TEXT = "text"
QFT_OTHER = "other"
QFT_UNKNOWN = "unknown"
RS_NORMAL = 0
RS_UNKNOWN = 1

#: The lock query's fields: name -> (title, kind, doc, data needed)
LOCK_FIELDS = {
  "name": ("Name", QFT_TEXT, "Lock name", None),
  "mode": ("Mode", QFT_OTHER,
           "Mode in which the lock is currently acquired"
           " (exclusive or shared)", LQ_MODE),
  "owner": ("Owner", QFT_OTHER, "Current lock owner(s)", LQ_OWNER),
  "pending": ("Pending", QFT_OTHER, "Threads waiting for the lock",
              LQ_PENDING),
  }


class LockMonitor:
  """Registry of lock information providers, answering the lock query.

  A provider is any object with ``GetLockInfo(requested)`` returning a list
  of ``(name, mode, owners, pending)`` tuples (shared locks, or e.g. the job
  queue's dependency manager reporting ``job/<id>`` entries).  Providers are
  held by weak reference.

  """
  def __init__(self):
    self._lock = threading.Lock()
    self._providers = weakref.WeakSet()

  def RegisterLock(self, provider):
    with self._lock:
      self._providers.add(provider)

  def UnregisterLock(self, provider):
    with self._lock:
      self._providers.discard(provider)

  def GetLockInfo(self, requested):
    """Collect the rows of all providers, sorted by lock name."""
    with self._lock:
      providers = list(self._providers)
    rows = []
    for provider in providers:
      rows.extend(provider.GetLockInfo(requested))
    return utils.NiceSort(rows, key=lambda row: row[0])

  def QueryLocks(self, fields):
    """Answer the lock query.

    @param fields: list of field names ("name", "mode", "owner", "pending")
    @return: ``{"fields": [fielddef...], "data": [row...]}``; a fielddef is
      ``{"name", "title", "kind", "doc"}``; a row has one ``[status, value]``
      per field (unknown fields: kind "unknown", status 1, value None)

    """
    fdefs = []
    requested = set()
    for fname in fields:
      if fname in LOCK_FIELDS:
        (title, kind, doc, lq) = LOCK_FIELDS[fname]
        if lq is not None:
          requested.add(lq)
      else:
        (title, kind, doc) = (fname, QFT_UNKNOWN,
                              "Unknown field '%s'" % fname)
      fdefs.append({"name": fname, "title": title, "kind": kind, "doc": doc})

    column = {"name": 0, "mode": 1, "owner": 2, "pending": 3}
    data = []
    for row in self.GetLockInfo(requested):
      data.append([[RS_NORMAL, row[column[f]]] if f in column
                   else [RS_UNKNOWN, None] for f in fields])
    return {"fields": fdefs, "data": data}
