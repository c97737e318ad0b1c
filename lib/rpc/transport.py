"""Node RPC client transport: parallel HTTPS calls and their results.

``RpcClient.Call`` sends one procedure to many nodes at once (one thread
per extra target, the first target is served by the calling thread) over
persistent keep-alive connections, and returns one :class:`RpcResult` per
node.  Transport and remote failures never raise: they end up in
``RpcResult.fail_msg``.
"""

import logging
import threading

from ganeti import errors
from ganeti import http
from ganeti import serializer
from ganeti.http import client as http_client


class RpcResult:
  """The result of one RPC call on one node.

  @ivar data: the raw decoded answer (or None)
  @ivar call: the procedure name
  @ivar node: the node name
  @ivar offline: whether the node was skipped as offline
  @ivar fail_msg: None on success, else the error message
  @ivar payload: the payload of a successful call (None on failure)

  """

  def __init__(self, data=None, failed=False, offline=False, call=None,
               node=None):
    self.offline = offline
    self.call = call
    self.node = node
    if offline:
      self.fail_msg = "Node is marked offline"
      self.data = self.payload = None
    elif failed:
      self.fail_msg = self._EnsureErr(data)
      self.data = self.payload = None
    else:
      self.data = data
      if not isinstance(data, (list, tuple)) or len(data) != 2:
        self.fail_msg = ("RPC layer error: invalid result type (%s)" %
                         type(data).__name__)
        self.payload = None
      elif not data[0]:
        self.fail_msg = self._EnsureErr(data[1])
        self.payload = None
      else:
        self.fail_msg = None
        self.payload = data[1]
    for attr in ("call", "data", "fail_msg", "node", "offline", "payload"):
      assert hasattr(self, attr), "Missing attribute %s" % attr

  @classmethod
  def Offline(cls, node: str, call: str) -> "RpcResult":
    return cls(offline=True, node=node, call=call)

  @classmethod
  def Failed(cls, node: str, call: str, msg: str) -> "RpcResult":
    return cls(data=msg, failed=True, node=node, call=call)

  @staticmethod
  def _EnsureErr(val) -> str:
    if val:
      return str(val)
    return "No error information"

  def Raise(self, msg: str, prereq: bool = False, ecode=None) -> None:
    """Raise OpExecError (or OpPrereqError) if the call failed.

    The message is ``"<msg>: <fail_msg>"``.
    """
    if not self.fail_msg:
      return
    if not msg:
      msg = ("Call '%s' to node '%s' has failed: %s" %
             (self.call, self.node, self.fail_msg))
    else:
      msg = "%s: %s" % (msg, self.fail_msg)
    if prereq:
      args = (msg, ecode or errors.ECODE_ENVIRON)
      raise errors.OpPrereqError(*args)
    if ecode is not None:
      raise errors.OpExecError(msg, ecode)
    raise errors.OpExecError(msg)

  def Warn(self, msg: str, feedback_fn) -> None:
    """If the call failed, report ``"<msg>: <fail_msg>"`` as a warning."""
    if not self.fail_msg:
      return
    feedback_fn("Warning: %s: %s" % (msg, self.fail_msg))

  def __repr__(self):
    return ("<RpcResult %s@%s fail_msg=%r payload=%r>" %
            (self.call, self.node, self.fail_msg, self.payload))


class RpcClient:
  """Call node daemons over HTTPS with the cluster certificate.

  @param cert_file: the cluster certificate (key + cert PEM); None for
      plain HTTP (only for daemons started with --no-ssl)

  """

  def __init__(self, cert_file=None, key_file=None):
    if cert_file is not None:
      ctx = http.MakeClientContext(cert_file, key_file)
      digest = http.LoadCertDigest(cert_file)
      self._watcher = http.CertWatcher(cert_file, key_file)
    else:
      (ctx, digest) = (None, None)
      self._watcher = None
    self._pool = http_client.HttpClientPool(ctx, digest)
    self._watch_lock = threading.Lock()

  def _ReloadCert(self) -> None:
    """A replaced cluster certificate is used from the next call on."""
    if self._watcher is None:
      return
    with self._watch_lock:
      fresh = self._watcher.Check()
    if fresh is not None:
      self._pool.SetSsl(*fresh)

  def Close(self) -> None:
    self._pool.CloseAll()

  def _CallOne(self, procedure, node, target, body, read_timeout):
    (ip, port) = target
    try:
      (status, data) = self._pool.Request(ip, port, http.HTTP_POST,
                                          "/%s" % procedure, body,
                                          read_timeout)
    except http.HttpError as err:
      return RpcResult.Failed(node, procedure,
                              "Error while contacting node: %s" %
                              err.message)
    except Exception as err:  # transport failure of any kind
      logging.debug("RPC %s to %s (%s:%s) failed: %s", procedure, node, ip,
                    port, err)
      return RpcResult.Failed(node, procedure,
                              "Error connecting to node %s (%s:%s): %s" %
                              (node, ip, port, err or err.__class__.__name__))
    if status != http.HTTP_OK:
      text = data.decode("utf-8", "replace").strip()
      return RpcResult.Failed(node, procedure, "Error %s: %s" %
                              (status, text or http.RESPONSES.get(status)))
    try:
      decoded = serializer.LoadJson(data)
    except ValueError as err:
      return RpcResult.Failed(node, procedure,
                              "RPC layer error: can't decode answer: %s" %
                              err)
    return RpcResult(data=decoded, call=procedure, node=node)

  def Call(self, procedure: str, targets, body, read_timeout: float):
    """Call ``procedure`` on all targets in parallel.

    @param targets: {node_name: (ip, port)}; a target of None means the
        node is offline and yields L{RpcResult.Offline}
    @param body: the JSON request body (bytes) for all nodes, or a dict
        {node_name: bytes} for per-node bodies
    @param read_timeout: seconds to wait for each answer
    @return: {node_name: RpcResult}

    """
    self._ReloadCert()
    results = {}
    jobs = []
    for (node, target) in targets.items():
      if target is None:
        results[node] = RpcResult.Offline(node, procedure)
        continue
      nbody = body[node] if isinstance(body, dict) else body
      if isinstance(nbody, str):
        nbody = nbody.encode("utf-8")
      jobs.append((node, target, nbody))

    def _Run(node, target, nbody):
      results[node] = self._CallOne(procedure, node, target, nbody,
                                    read_timeout)

    threads = []
    for job in jobs[1:]:
      thr = threading.Thread(target=_Run, args=job, daemon=True,
                             name="rpc-%s" % job[0])
      thr.start()
      threads.append(thr)
    if jobs:
      _Run(*jobs[0])
    for thr in threads:
      thr.join()
    return results
