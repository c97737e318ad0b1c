"""LUXI: the protocol between clients and the master daemon.

A message is a JSON document (Ganeti's serializer format, so it ends with
``\\n``) followed by the byte ``0x03``.  Requests are ``{"method", "args",
"version"}``; responses ``{"success", "result"}``, where a failed result is
an encoded exception ``[ClassName, [args]]``.
"""

import errno
import socket
import time

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import serializer

KEY_METHOD = "method"
KEY_ARGS = "args"
KEY_SUCCESS = "success"
KEY_RESULT = "result"
KEY_VERSION = "version"

REQ_SUBMIT_JOB = "SubmitJob"
REQ_SUBMIT_JOB_TO_DRAINED_QUEUE = "SubmitJobToDrainedQueue"
REQ_SUBMIT_MANY_JOBS = "SubmitManyJobs"
REQ_WAIT_FOR_JOB_CHANGE = "WaitForJobChange"
REQ_CANCEL_JOB = "CancelJob"
REQ_CHANGE_JOB_PRIORITY = "ChangeJobPriority"
REQ_ARCHIVE_JOB = "ArchiveJob"
REQ_AUTO_ARCHIVE_JOBS = "AutoArchiveJobs"
REQ_QUERY = "Query"
REQ_QUERY_FIELDS = "QueryFields"
REQ_QUERY_JOBS = "QueryJobs"
REQ_QUERY_INSTANCES = "QueryInstances"
REQ_QUERY_NODES = "QueryNodes"
REQ_QUERY_GROUPS = "QueryGroups"
REQ_QUERY_NETWORKS = "QueryNetworks"
REQ_QUERY_EXPORTS = "QueryExports"
REQ_QUERY_CONFIG_VALUES = "QueryConfigValues"
REQ_QUERY_CLUSTER_INFO = "QueryClusterInfo"
REQ_QUERY_TAGS = "QueryTags"
REQ_SET_DRAIN_FLAG = "SetDrainFlag"
REQ_SET_WATCHER_PAUSE = "SetWatcherPause"
REQ_QUERY_FILTERS = "QueryFilters"
REQ_REPLACE_FILTER = "ReplaceFilter"
REQ_DELETE_FILTER = "DeleteFilter"

REQ_ALL = frozenset([
  REQ_SUBMIT_JOB, REQ_SUBMIT_JOB_TO_DRAINED_QUEUE, REQ_SUBMIT_MANY_JOBS,
  REQ_WAIT_FOR_JOB_CHANGE, REQ_CANCEL_JOB, REQ_CHANGE_JOB_PRIORITY,
  REQ_ARCHIVE_JOB, REQ_AUTO_ARCHIVE_JOBS, REQ_QUERY, REQ_QUERY_FIELDS,
  REQ_QUERY_JOBS, REQ_QUERY_INSTANCES, REQ_QUERY_NODES, REQ_QUERY_GROUPS,
  REQ_QUERY_NETWORKS, REQ_QUERY_EXPORTS, REQ_QUERY_CONFIG_VALUES,
  REQ_QUERY_CLUSTER_INFO, REQ_QUERY_TAGS, REQ_SET_DRAIN_FLAG,
  REQ_SET_WATCHER_PAUSE, REQ_QUERY_FILTERS, REQ_REPLACE_FILTER,
  REQ_DELETE_FILTER])

DEF_CTMO = constants.LUXI_DEF_CTMO
DEF_RWTO = constants.LUXI_DEF_RWTO
WFJC_TIMEOUT = constants.LUXI_WFJC_TIMEOUT
EOM = constants.LUXI_EOM


def FormatRequest(method, args, version=None) -> bytes:
  request = {KEY_METHOD: method, KEY_ARGS: args}
  if version is not None:
    request[KEY_VERSION] = version
  return serializer.DumpJson(request)


def ParseRequest(msg):
  """Parse a request; raise ProtocolError if it is malformed."""
  try:
    request = serializer.LoadJson(msg)
  except ValueError as err:
    raise errors.ProtocolError("Invalid LUXI request (parsing error): %s" %
                               err)
  if not isinstance(request, dict):
    raise errors.ProtocolError("Invalid LUXI request (not a dict)")
  method = request.get(KEY_METHOD)
  args = request.get(KEY_ARGS)
  version = request.get(KEY_VERSION)
  if method is None or args is None:
    raise errors.ProtocolError("Invalid LUXI request (no method or"
                               " arguments)")
  return (method, args, version)


def FormatResponse(success, result, version=None) -> bytes:
  response = {KEY_SUCCESS: success, KEY_RESULT: result}
  if version is not None:
    response[KEY_VERSION] = version
  return serializer.DumpJson(response)


def ParseResponse(msg):
  try:
    data = serializer.LoadJson(msg)
  except ValueError as err:
    raise errors.ProtocolError("Error while deserializing response: %s" % err)
  if not (isinstance(data, dict) and KEY_SUCCESS in data and
          KEY_RESULT in data):
    raise errors.ProtocolError("Invalid response from server: %r" % data)
  return (data[KEY_SUCCESS], data[KEY_RESULT], data.get(KEY_VERSION))


class Transport:
  """A stream connection to the master socket with ETX framing."""

  def __init__(self, address, timeouts=None):
    self.address = address
    if timeouts is None:
      self._ctimeout, self._rwtimeout = DEF_CTMO, DEF_RWTO
    else:
      self._ctimeout, self._rwtimeout = timeouts
    self._buffer = b""
    self._msgs = []
    self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
      self._Connect()
    except Exception:
      self.socket.close()
      self.socket = None
      raise
    self.socket.settimeout(self._rwtimeout)

  def _Connect(self):
    deadline = time.monotonic() + self._ctimeout
    while True:
      self.socket.settimeout(max(0.1, deadline - time.monotonic()))
      try:
        self.socket.connect(self.address)
        return
      except socket.timeout as err:
        raise errors.TimeoutError("Connect timed out: %s" % err)
      except OSError as err:
        if err.errno in (errno.ENOENT, errno.ECONNREFUSED):
          raise errors.NoMasterError(self.address)
        if err.errno in (errno.EPERM, errno.EACCES):
          raise errors.PermissionError(self.address)
        if err.errno == errno.EAGAIN and time.monotonic() < deadline:
          time.sleep(0.1)
          continue
        raise

  def Send(self, msg: bytes):
    if EOM in msg:
      raise errors.ProtocolError("Message terminator found in payload")
    try:
      self.socket.sendall(msg + EOM)
    except socket.timeout as err:
      raise errors.TimeoutError("Sending timeout: %s" % err)

  def Recv(self) -> bytes:
    deadline = time.monotonic() + 2 * self._rwtimeout
    while not self._msgs:
      if time.monotonic() > deadline:
        raise errors.TimeoutError("Receive timeout")
      try:
        data = self.socket.recv(65536)
      except socket.timeout as err:
        raise errors.TimeoutError("Receive timeout: %s" % err)
      except OSError as err:
        if err.args and err.args[0] in (errno.EAGAIN, errno.EINTR):
          continue
        raise
      if not data:
        raise errors.ConnectionClosedError("Connection closed while reading")
      new_msgs = (self._buffer + data).split(EOM)
      self._buffer = new_msgs.pop()
      self._msgs.extend(new_msgs)
    return self._msgs.pop(0)

  def Call(self, msg: bytes) -> bytes:
    self.Send(msg)
    return self.Recv()

  def Close(self):
    if self.socket is not None:
      self.socket.close()
      self.socket = None


class Client:
  """LUXI client: one method per LUXI request."""

  def __init__(self, address=None, timeouts=None):
    if address is None:
      address = pathutils.Get().MASTER_SOCKET
    self.address = address
    self.timeouts = timeouts
    self.transport = None

  def _InitTransport(self):
    if self.transport is None:
      self.transport = Transport(self.address, timeouts=self.timeouts)

  def Close(self):
    if self.transport is not None:
      self.transport.Close()
      self.transport = None

  def CallMethod(self, method, args):
    self._InitTransport()
    request = FormatRequest(method, args, version=constants.LUXI_VERSION)
    try:
      reply = self.transport.Call(request)
    except Exception:
      self.Close()
      raise
    (success, result, version) = ParseResponse(reply)
    if version is not None and version != constants.LUXI_VERSION:
      raise errors.LuxiError("LUXI version mismatch, server %s, client %s" %
                             (version, constants.LUXI_VERSION))
    if not success:
      errors.MaybeRaise(result)
      raise errors.RequestError(result)
    return result

  # Jobs
  def SubmitJob(self, ops):
    return self.CallMethod(REQ_SUBMIT_JOB, [[_OpToDict(op) for op in ops]])

  def SubmitJobToDrainedQueue(self, ops):
    return self.CallMethod(REQ_SUBMIT_JOB_TO_DRAINED_QUEUE,
                           [[_OpToDict(op) for op in ops]])

  def SubmitManyJobs(self, jobs):
    return self.CallMethod(REQ_SUBMIT_MANY_JOBS,
                           [[[_OpToDict(op) for op in ops] for ops in jobs]])

  def CancelJob(self, job_id):
    return self.CallMethod(REQ_CANCEL_JOB, [job_id])

  def ChangeJobPriority(self, job_id, priority):
    return self.CallMethod(REQ_CHANGE_JOB_PRIORITY, [job_id, priority])

  def ArchiveJob(self, job_id):
    return self.CallMethod(REQ_ARCHIVE_JOB, [job_id])

  def AutoArchiveJobs(self, age):
    timeout = (DEF_RWTO - 1) // 2
    return self.CallMethod(REQ_AUTO_ARCHIVE_JOBS, [age, timeout])

  def WaitForJobChangeOnce(self, job_id, fields, prev_job_info,
                           prev_log_serial, timeout=WFJC_TIMEOUT):
    timeout = min(timeout, WFJC_TIMEOUT)
    return self.CallMethod(REQ_WAIT_FOR_JOB_CHANGE,
                           [job_id, fields, prev_job_info, prev_log_serial,
                            timeout])

  def WaitForJobChange(self, job_id, fields, prev_job_info, prev_log_serial):
    while True:
      result = self.WaitForJobChangeOnce(job_id, fields, prev_job_info,
                                         prev_log_serial)
      if result != "nochange":
        return result

  def QueryJobs(self, job_ids, fields):
    return self.CallMethod(REQ_QUERY_JOBS, [job_ids, fields])

  # Queries
  def Query(self, what, fields, qfilter):
    return self.CallMethod(REQ_QUERY, [what, fields, qfilter])

  def QueryFields(self, what, fields):
    return self.CallMethod(REQ_QUERY_FIELDS, [what, fields])

  def QueryInstances(self, names, fields, use_locking):
    return self.CallMethod(REQ_QUERY_INSTANCES, [names, fields, use_locking])

  def QueryNodes(self, names, fields, use_locking):
    return self.CallMethod(REQ_QUERY_NODES, [names, fields, use_locking])

  def QueryGroups(self, names, fields, use_locking):
    return self.CallMethod(REQ_QUERY_GROUPS, [names, fields, use_locking])

  def QueryNetworks(self, names, fields, use_locking):
    return self.CallMethod(REQ_QUERY_NETWORKS, [names, fields, use_locking])

  def QueryFilters(self, uuids, fields):
    return self.CallMethod(REQ_QUERY_FILTERS, [uuids, fields])

  def ReplaceFilter(self, uuid, priority, predicates, action, reason):
    """Add (uuid None) or replace a job filter rule; returns its UUID."""
    return self.CallMethod(REQ_REPLACE_FILTER,
                           [uuid, priority, predicates, action, reason])

  def DeleteFilter(self, uuid):
    return self.CallMethod(REQ_DELETE_FILTER, [uuid])

  def QueryExports(self, nodes, use_locking):
    return self.CallMethod(REQ_QUERY_EXPORTS, [nodes, use_locking])

  def QueryClusterInfo(self):
    return self.CallMethod(REQ_QUERY_CLUSTER_INFO, [])

  def QueryConfigValues(self, fields):
    return self.CallMethod(REQ_QUERY_CONFIG_VALUES, [fields])

  def QueryTags(self, kind, name):
    return self.CallMethod(REQ_QUERY_TAGS, [kind, name])

  def SetQueueDrainFlag(self, drain_flag):
    return self.CallMethod(REQ_SET_DRAIN_FLAG, [drain_flag])

  def SetWatcherPause(self, until):
    return self.CallMethod(REQ_SET_WATCHER_PAUSE, [until])


def _OpToDict(op):
  if isinstance(op, dict):
    return op
  return op.__getstate__()
