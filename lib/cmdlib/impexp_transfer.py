"""Master side of disk transfers between two nodes (export and import).

For every disk, the destination node starts an importer
(``import_start``), which listens on a port of the destination address;
once the port is known the source node starts an exporter
(``export_start``) that connects to it.  All disks of a call are
transferred at the same time.  The helpers are watched through
``impexp_status`` until they end; their progress goes to the job log.  A
transfer that fails on one side is aborted on the other; every helper is
cleaned up (``impexp_cleanup``) whatever happens.
"""

import logging
import os
import time

from ganeti import impexpd

#: seconds the importer may take to report its port
LISTEN_REPORT_TIMEOUT = 60
#: seconds without any progress after which a transfer is aborted
PROGRESS_TIMEOUT = 3600
#: seconds between progress lines in the job log
PROGRESS_INTERVAL = 5.0
_POLL_MIN = 0.05
_POLL_MAX = 1.0

_SENDING = "sending"
_RECEIVING = "receiving"


class DiskTransfer:
  """One disk's transfer: a named source and destination I/O pair.

  @param name: shown in the job log (e.g. ``disk/0``)
  @param src_io, src_ioargs: the exporter's data source (``impexpd.IEIO_*``
      and its arguments)
  @param dest_io, dest_ioargs: the importer's data sink
  """

  def __init__(self, name, src_io, src_ioargs, dest_io, dest_ioargs):
    self.name = name
    self.src_io = src_io
    self.src_ioargs = src_ioargs
    self.dest_io = dest_io
    self.dest_ioargs = dest_ioargs


class _State:
  """The running state of one L{DiskTransfer}."""

  def __init__(self, dt, opts):
    self.dt = dt
    self.opts = opts
    self.imp_name = None
    self.exp_name = None
    self.port = None
    self.ends = {}
    self.error = None
    self.listen_deadline = time.monotonic() + LISTEN_REPORT_TIMEOUT
    self.last_report = time.monotonic()
    self.last_progress = (None, time.monotonic())

  def Done(self):
    return self.error is not None or len(self.ends) == 2


class _Poller:
  """Growing poll intervals, from a fraction of a second up to one."""

  def __init__(self):
    self._delay = _POLL_MIN

  def Wait(self):
    time.sleep(self._delay)
    self._delay = min(_POLL_MAX, self._delay * 1.5)


class _Transfers:
  """All transfers of one L{TransferInstanceData} call."""

  def __init__(self, lu, feedback_fn, src_node_uuid, dest_node_uuid,
               dest_ip, compress, instance):
    self.lu = lu
    self.feedback_fn = feedback_fn
    self.src = src_node_uuid
    self.dest = dest_node_uuid
    self.dest_ip = dest_ip
    self.compress = compress
    self.instance = instance
    self._magic = os.urandom(12).hex()
    self.opts = {"key_name": None, "ca_pem": None, "compress": compress,
                 "magic": None,
                 "ipv6": ":" in (dest_ip or ""),
                 "connect_timeout": impexpd.DEFAULT_CONNECT_TIMEOUT,
                 "bind": dest_ip}

  def Opts(self, idx):
    """The options of transfer ``idx``: each has its own magic."""
    return dict(self.opts, magic="%s-%d" % (self._magic, idx))

  def _Name(self, node_uuid):
    return self.lu.cfg.GetNodeName(node_uuid)

  def _Status(self, node_uuid, name):
    """A helper's status dict, or a synthetic failed one."""
    result = self.lu.rpc.call_impexp_status(node_uuid, [name])
    if result.fail_msg:
      return {"exit_status": -1,
              "error_message": "Can't query the transfer's status on node"
              " %s: %s" % (self._Name(node_uuid), result.fail_msg)}
    status = (result.payload or [None])[0]
    if status is None:
      return {"exit_status": -1,
              "error_message": "Transfer %s is unknown on node %s" %
              (name, self._Name(node_uuid))}
    return status

  def Start(self, st):
    """Start the importer of a transfer."""
    dt = st.dt
    result = self.lu.rpc.call_import_start(self.dest, st.opts,
                                           self.instance, dt.name,
                                           (dt.dest_io, dt.dest_ioargs))
    if result.fail_msg:
      st.error = "Can't start the import on node %s: %s" % (
        self._Name(self.dest), result.fail_msg)
    else:
      st.imp_name = result.payload

  def _CheckListening(self, st):
    """Start the exporter once the importer listens."""
    status = self._Status(self.dest, st.imp_name)
    if status.get("listen_port") and not status.get("exit_status"):
      st.port = status["listen_port"]
    elif status.get("exit_status") is not None:
      st.error = "import on node %s: %s" % (
        self._Name(self.dest),
        status.get("error_message") or "ended before listening")
      return
    elif time.monotonic() > st.listen_deadline:
      st.error = ("import on node %s: no port reported within %d seconds" %
                  (self._Name(self.dest), LISTEN_REPORT_TIMEOUT))
      return
    else:
      return
    dt = st.dt
    self.feedback_fn("%s is now listening, starting export" % dt.name)
    result = self.lu.rpc.call_export_start(self.src, st.opts, self.dest_ip,
                                           st.port, self.instance, dt.name,
                                           (dt.src_io, dt.src_ioargs))
    if result.fail_msg:
      self.lu.rpc.call_impexp_abort(self.dest, st.imp_name)
      st.error = "Can't start the export on node %s: %s" % (
        self._Name(self.src), result.fail_msg)
      return
    st.exp_name = result.payload
    self.feedback_fn("%s is sending data on %s" % (dt.name,
                                                   self._Name(self.src)))

  def _Progress(self, st, status):
    now = time.monotonic()
    mbytes = status.get("progress_mbytes")
    if mbytes != st.last_progress[0]:
      st.last_progress = (mbytes, now)
    elif now - st.last_progress[1] > PROGRESS_TIMEOUT:
      self.lu.rpc.call_impexp_abort(self.src, st.exp_name)
      self.lu.rpc.call_impexp_abort(self.dest, st.imp_name)
    if now - st.last_report >= PROGRESS_INTERVAL:
      line = impexpd.FormatProgress(st.dt.name, status)
      if line:
        self.feedback_fn(line)
      st.last_report = now

  def _CheckRunning(self, st):
    sides = [(_SENDING, self.src, st.exp_name),
             (_RECEIVING, self.dest, st.imp_name)]
    for (what, node_uuid, name) in sides:
      if what in st.ends:
        continue
      status = self._Status(node_uuid, name)
      if status.get("exit_status") is None:
        if what == _SENDING:
          self._Progress(st, status)
        continue
      st.ends[what] = status
      if status["exit_status"] == 0:
        self.feedback_fn("%s finished %s data" % (st.dt.name, what))
        continue
      for (other, other_node, other_name) in sides:
        if other != what and other not in st.ends:
          self.lu.rpc.call_impexp_abort(other_node, other_name)
    if len(st.ends) == 2:
      self._Finish(st)

  def _Finish(self, st):
    final = st.ends[_SENDING]
    if final.get("exit_status") == 0:
      line = impexpd.FormatProgress(st.dt.name, final)
      if line:
        self.feedback_fn(line)
    errs = []
    for what in (_SENDING, _RECEIVING):
      status = st.ends[what]
      if status.get("exit_status") != 0:
        errs.append("%s: %s" % ("export" if what == _SENDING else "import",
                                status.get("error_message") or "failed"))
    if errs:
      st.error = "; ".join(errs)

  def Poll(self, st):
    if st.exp_name is None:
      self._CheckListening(st)
    else:
      self._CheckRunning(st)

  def Cleanup(self, st):
    for (node_uuid, name) in ((self.src, st.exp_name),
                              (self.dest, st.imp_name)):
      if name is None:
        continue
      result = self.lu.rpc.call_impexp_cleanup(node_uuid, name)
      if result.fail_msg:
        self.lu.LogWarning("Can't clean up transfer %s on node %s: %s",
                           name, self._Name(node_uuid), result.fail_msg)


def TransferInstanceData(lu, feedback_fn, src_node_uuid, dest_node_uuid,
                         dest_ip, compress, instance, transfers):
  """Run the transfers, all at the same time.

  @param dest_ip: the address the importers listen on and the exporters
      connect to (the destination's secondary IP)
  @param transfers: list of L{DiskTransfer} (None entries are skipped)
  @return: list of booleans, one per transfer (None entries give False)
  """
  run = _Transfers(lu, feedback_fn, src_node_uuid, dest_node_uuid, dest_ip,
                   compress, instance)
  states = []
  try:
    for (idx, dt) in enumerate(transfers):
      if dt is None:
        states.append(None)
        continue
      feedback_fn("Exporting %s from %s to %s" %
                  (dt.name, lu.cfg.GetNodeName(src_node_uuid),
                   lu.cfg.GetNodeName(dest_node_uuid)))
      st = _State(dt, run.Opts(idx))
      states.append(st)
      run.Start(st)
    poller = _Poller()
    while True:
      active = [st for st in states if st is not None and not st.Done()]
      if not active:
        break
      for st in active:
        run.Poll(st)
      if any(not st.Done() for st in active):
        poller.Wait()
  finally:
    for st in states:
      if st is not None:
        run.Cleanup(st)
  results = []
  for st in states:
    if st is None:
      results.append(False)
    elif st.error:
      logging.error("Transfer of %s failed: %s", st.dt.name, st.error)
      lu.LogWarning("%s failed: %s", st.dt.name, st.error)
      results.append(False)
    else:
      results.append(True)
  return results
