"""Master side of disk transfers between two nodes (export and import).

For every disk, the destination node starts an importer
(``import_start``), which listens on a port of the destination address;
once the port is known the source node starts an exporter
(``export_start``) that connects to it.  Both helpers are watched through
``impexp_status`` until they end; their progress goes to the job log.  A
transfer that fails on one side is aborted on the other; both helpers are
always cleaned up (``impexp_cleanup``).
"""

import logging
import os
import time

from ganeti import errors
from ganeti import impexpd

#: seconds the importer may take to report its port
LISTEN_REPORT_TIMEOUT = 60
#: seconds without any progress after which a transfer is aborted
PROGRESS_TIMEOUT = 3600
#: seconds between progress lines in the job log
PROGRESS_INTERVAL = 5.0
_POLL_MIN = 0.05
_POLL_MAX = 1.0


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


def _Magic():
  return os.urandom(12).hex()


class _Poller:
  """Growing poll intervals, from a fraction of a second up to one."""

  def __init__(self):
    self._delay = _POLL_MIN

  def Wait(self):
    time.sleep(self._delay)
    self._delay = min(_POLL_MAX, self._delay * 1.5)


def _GetStatus(lu, node_uuid, name):
  """A transfer's status dict, or a synthetic failed one on RPC failure."""
  result = lu.rpc.call_impexp_status(node_uuid, [name])
  if result.fail_msg:
    return {"exit_status": -1,
            "error_message": "Can't query the transfer's status on node"
            " %s: %s" % (lu.cfg.GetNodeName(node_uuid), result.fail_msg)}
  status = (result.payload or [None])[0]
  if status is None:
    return {"exit_status": -1,
            "error_message": "Transfer %s is unknown on node %s" %
            (name, lu.cfg.GetNodeName(node_uuid))}
  return status


def _Cleanup(lu, node_uuid, name):
  if name is None:
    return
  result = lu.rpc.call_impexp_cleanup(node_uuid, name)
  if result.fail_msg:
    lu.LogWarning("Can't clean up transfer %s on node %s: %s", name,
                  lu.cfg.GetNodeName(node_uuid), result.fail_msg)


def _WaitForListen(lu, node_uuid, name):
  """The importer's port; raise OpExecError if it fails first."""
  deadline = time.monotonic() + LISTEN_REPORT_TIMEOUT
  poller = _Poller()
  while True:
    status = _GetStatus(lu, node_uuid, name)
    if status.get("listen_port") and not status.get("exit_status"):
      return status["listen_port"]
    if status.get("exit_status") is not None:
      raise errors.OpExecError(status.get("error_message") or
                               "Importer ended before listening")
    if time.monotonic() > deadline:
      raise errors.OpExecError("Importer on node %s did not report its"
                               " port within %d seconds" %
                               (lu.cfg.GetNodeName(node_uuid),
                                LISTEN_REPORT_TIMEOUT))
    poller.Wait()


def _WaitForEnd(lu, feedback_fn, dt, src_node_uuid, exp_name, dest_node_uuid,
                imp_name):
  """Watch both helpers until both ended; return an error text or None."""
  poller = _Poller()
  ends = {}
  last_report = time.monotonic()
  last_progress = (None, time.monotonic())
  sides = [("sending", src_node_uuid, exp_name),
           ("receiving", dest_node_uuid, imp_name)]
  while len(ends) < 2:
    for (what, node_uuid, name) in sides:
      if what in ends:
        continue
      status = _GetStatus(lu, node_uuid, name)
      if status.get("exit_status") is not None:
        ends[what] = status
        if status["exit_status"] == 0:
          feedback_fn("%s finished %s data" % (dt.name, what))
        else:
          other = [s for s in sides if s[0] != what][0]
          if other[0] not in ends:
            lu.rpc.call_impexp_abort(other[1], other[2])
      elif what == "sending":
        now = time.monotonic()
        mbytes = status.get("progress_mbytes")
        if mbytes != last_progress[0]:
          last_progress = (mbytes, now)
        elif now - last_progress[1] > PROGRESS_TIMEOUT:
          lu.rpc.call_impexp_abort(src_node_uuid, exp_name)
          lu.rpc.call_impexp_abort(dest_node_uuid, imp_name)
        if now - last_report >= PROGRESS_INTERVAL:
          line = impexpd.FormatProgress(dt.name, status)
          if line:
            feedback_fn(line)
          last_report = now
    if len(ends) < 2:
      poller.Wait()
  final = ends["sending"]
  if final.get("exit_status") == 0:
    line = impexpd.FormatProgress(dt.name, final)
    if line:
      feedback_fn(line)
  errs = []
  for what in ("sending", "receiving"):
    status = ends[what]
    if status.get("exit_status") != 0:
      errs.append("%s: %s" % ("export" if what == "sending" else "import",
                              status.get("error_message") or "failed"))
  return "; ".join(errs) or None


def _TransferOne(lu, feedback_fn, src_node_uuid, dest_node_uuid, dest_ip,
                 compress, instance, dt):
  opts = {"key_name": None, "ca_pem": None, "compress": compress,
          "magic": _Magic(), "ipv6": ":" in (dest_ip or ""),
          "connect_timeout": impexpd.DEFAULT_CONNECT_TIMEOUT,
          "bind": dest_ip}
  src_name = lu.cfg.GetNodeName(src_node_uuid)
  dest_name = lu.cfg.GetNodeName(dest_node_uuid)
  imp_name = exp_name = None
  try:
    result = lu.rpc.call_import_start(dest_node_uuid, opts, instance,
                                      dt.name, (dt.dest_io, dt.dest_ioargs))
    if result.fail_msg:
      return "Can't start the import on node %s: %s" % (dest_name,
                                                        result.fail_msg)
    imp_name = result.payload
    try:
      port = _WaitForListen(lu, dest_node_uuid, imp_name)
    except errors.OpExecError as err:
      return "import on node %s: %s" % (dest_name, err)
    feedback_fn("%s is now listening, starting export" % dt.name)
    result = lu.rpc.call_export_start(src_node_uuid, opts, dest_ip, port,
                                      instance, dt.name,
                                      (dt.src_io, dt.src_ioargs))
    if result.fail_msg:
      lu.rpc.call_impexp_abort(dest_node_uuid, imp_name)
      return "Can't start the export on node %s: %s" % (src_name,
                                                        result.fail_msg)
    exp_name = result.payload
    feedback_fn("%s is sending data on %s" % (dt.name, src_name))
    return _WaitForEnd(lu, feedback_fn, dt, src_node_uuid, exp_name,
                       dest_node_uuid, imp_name)
  finally:
    _Cleanup(lu, src_node_uuid, exp_name)
    _Cleanup(lu, dest_node_uuid, imp_name)


def TransferInstanceData(lu, feedback_fn, src_node_uuid, dest_node_uuid,
                         dest_ip, compress, instance, transfers):
  """Run the transfers one after the other.

  @param dest_ip: the address the importer listens on and the exporter
      connects to (the destination's secondary IP)
  @param transfers: list of L{DiskTransfer} (None entries are skipped)
  @return: list of booleans, one per transfer (None entries give False)
  """
  results = []
  for dt in transfers:
    if dt is None:
      results.append(False)
      continue
    feedback_fn("Transferring %s from %s to %s" %
                (dt.name, lu.cfg.GetNodeName(src_node_uuid),
                 lu.cfg.GetNodeName(dest_node_uuid)))
    error = _TransferOne(lu, feedback_fn, src_node_uuid, dest_node_uuid,
                         dest_ip, compress, instance, dt)
    if error:
      logging.error("Transfer of %s failed: %s", dt.name, error)
      lu.LogWarning("%s failed: %s", dt.name, error)
      results.append(False)
    else:
      results.append(True)
  return results
