"""The master's side of node RPC: ``RpcRunner.call_<procedure>``.

Methods are generated from :data:`ganeti.rpc.defs.CALLS`.  A single-node
call takes the node first and returns one ``RpcResult``; a multi-node call
takes a list of nodes and returns ``{node: RpcResult}``.  Nodes may be
given by UUID or by name; results are keyed by what the caller passed.
Offline nodes are not contacted (they get a synthetic failed result),
except for ``version``.  Passing ``{name: ip}`` instead of nodes calls those
addresses directly (single-node procedures too) and returns a dict keyed by
name.
"""

import base64
import zlib

from ganeti import constants
from ganeti import netutils
from ganeti import objects
from ganeti import pathutils
from ganeti import serializer
from ganeti import vcluster
from ganeti.rpc import defs
from ganeti.rpc import disks as _disks
from ganeti.rpc import transport

_COMPRESS_THRESHOLD = 512

#: encoders whose output depends on the node the call goes to (disk dicts
#: carry per-node dynamic parameters, see ganeti.rpc.disks)
NODE_DEPENDENT_ENCODERS = frozenset([
  defs.ED_INST_DICT, defs.ED_INST_DICT_HVP_BEP_DP, defs.ED_INST_DICT_OSP_DP,
  defs.ED_DISKS_DICT_DP, defs.ED_SINGLE_DISK_DICT_DP,
  defs.ED_BLOCKDEV_RENAME, defs.ED_IMPEXP_IO, defs.ED_DEVICE_DICT])


def EncodeCompressed(data):
  if isinstance(data, str):
    data = data.encode("utf-8")
  if len(data) < _COMPRESS_THRESHOLD:
    return [0, data.decode("utf-8")]
  return [1, base64.b64encode(zlib.compress(data, 3)).decode("ascii")]


class _Resolver:
  """Resolve node UUIDs/names to (name, ip, offline) via the config."""

  def __init__(self, cfg):
    self._cfg = cfg

  def __call__(self, node):
    cfg = self._cfg
    if cfg is not None:
      info = cfg.GetNodeInfo(node) or cfg.GetNodeInfoByName(node)
      if info is not None:
        return (info.name, info.primary_ip, info.offline)
    return (node, netutils.GetHostname(name=node).ip, False)


class RpcRunner:
  """Node RPC client bound to a configuration (or to none, for bootstrap)."""

  def __init__(self, cfg=None, port=None, resolver=None):
    self._cfg = cfg
    self._port = port or netutils.GetDaemonPort(constants.NODED)
    self._resolver = resolver or _Resolver(cfg)
    self._client = transport.RpcClient(pathutils.Get().NODED_CERT_FILE)

  def _InstDict(self, instance, node=None):
    cfg = self._cfg
    cluster = cfg.GetClusterInfo()
    idict = instance.ToDict()
    idict["hvparams"] = cluster.FillHV(instance)
    idict["beparams"] = cluster.FillBE(instance)
    idict["osparams"] = cluster.SimpleFillOS(instance.os, instance.osparams)
    # private parameters: the cluster's private defaults for the OS (unless
    # the instance sets the parameter publicly), then the instance's own
    idict["osparams_private"] = objects.FillDict(
      objects.FillDict(cluster.osparams_private_cluster.get(
        objects.OS.GetName(instance.os)) or {},
        cluster.osparams_private_cluster.get(instance.os) or {},
        skip_keys=list(instance.osparams or {})),
      instance.osparams_private or {})
    disks = cfg.GetInstanceDisks(instance.uuid)
    idict["disks_info"] = [self._DiskDict(d, node) for d in disks]
    idict["disk_template"] = cfg.GetInstanceDiskTemplate(instance.uuid)
    idict["secondary_nodes"] = cfg.GetNodeNames(
      cfg.GetInstanceSecondaryNodes(instance.uuid))
    for nic in idict.get("nics", []):
      nic["nicparams"] = cluster.SimpleFillNIC(nic.get("nicparams") or {})
    return idict

  def _NodeUuid(self, node):
    """The UUID of a node given by UUID or name (None if unknown)."""
    cfg = self._cfg
    if cfg is None or node is None:
      return None
    info = cfg.GetNodeInfo(node) or cfg.GetNodeInfoByName(node)
    return info.uuid if info is not None else None

  def _DiskDict(self, disk, node=None):
    """A disk's wire dict for ``node`` (filled and dynamic params)."""
    return _disks.EncodeDisk(self._cfg, disk, self._NodeUuid(node))

  def _Encode(self, encoder, value, node=None):
    if encoder is None:
      return value
    if encoder == defs.ED_OBJECT_DICT:
      return value.ToDict() if hasattr(value, "ToDict") else value
    if encoder == defs.ED_OBJECT_DICT_LIST:
      return [v.ToDict() if hasattr(v, "ToDict") else v for v in value]
    if encoder == defs.ED_INST_DICT:
      return self._InstDict(value, node)
    if encoder == defs.ED_INST_DICT_HVP_BEP_DP:
      (inst, hvp, bep) = value
      return [self._InstDict(inst, node), hvp or {}, bep or {}]
    if encoder == defs.ED_INST_DICT_OSP_DP:
      (inst, osp) = value
      return [self._InstDict(inst, node), osp or {}]
    if encoder in (defs.ED_DISKS_DICT_DP,):
      return [self._DiskDict(d, node) for d in value]
    if encoder == defs.ED_SINGLE_DISK_DICT_DP:
      return self._DiskDict(value, node)
    if encoder == defs.ED_DEVICE_DICT:
      if isinstance(value, objects.Disk):
        return self._DiskDict(value, node)
      return value.ToDict()
    if encoder == defs.ED_BLOCKDEV_RENAME:
      return [[self._DiskDict(disk, node), list(new_id)]
              for (disk, new_id) in value]
    if encoder == defs.ED_COMPRESS:
      return EncodeCompressed(value)
    if encoder == defs.ED_QUEUE_PATH:
      return vcluster.MakeVirtualPath(value)
    if encoder == defs.ED_FILE_DETAILS:
      return self._FileDetails(value)
    if encoder == defs.ED_IMPEXP_IO:
      (ieio, ieioargs) = value
      return [ieio, [self._DiskDict(a, node) if hasattr(a, "ToDict") else a
                     for a in ieioargs]]
    if encoder == defs.ED_FINALIZE_EXPORT_DISKS:
      return [self._DiskDict(d) if d else False for d in value]
    raise AssertionError("Unknown encoder %s" % encoder)

  @staticmethod
  def _FileDetails(path):
    import grp
    import os
    import pwd
    import time
    if isinstance(path, (tuple, list)):
      # (local path, content, mode): upload content not (yet) in the file
      (path, data, mode) = path
      now = time.time()
      return [vcluster.MakeVirtualPath(path), EncodeCompressed(data),
              mode, "", "", now, now]
    st = os.stat(path)
    with open(path, "rb") as fh:
      data = fh.read()
    try:
      owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
      owner = str(st.st_uid)
    try:
      group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
      group = str(st.st_gid)
    return [vcluster.MakeVirtualPath(path), EncodeCompressed(data),
            st.st_mode & 0o7777, owner, group, st.st_atime, st.st_mtime]

  # Calling -------------------------------------------------------------
  def _Call(self, name, nodes, timeout, encoded_args, encode_fn=None):
    """Call ``name`` on ``nodes``.

    ``encoded_args`` is the argument list for every node, unless
    ``encode_fn(node)`` is given: then each node gets its own arguments
    (disk dicts with that node's dynamic parameters).
    """
    targets = {}
    keys = {}
    results = {}
    bodies = {}
    for node in nodes:
      (node_name, ip, offline) = self._resolver(node)
      if offline and name != "version":
        results[node] = transport.RpcResult.Offline(node_name, name)
        continue
      # the transport names nodes in its messages: use names, not UUIDs
      targets[node_name] = (ip, self._port)
      keys[node_name] = node
      if encode_fn is not None:
        bodies[node_name] = serializer.DumpJson(encode_fn(node))
    if encode_fn is None or len(set(bodies.values())) <= 1:
      body = (list(bodies.values())[0] if bodies
              else serializer.DumpJson(encoded_args))
    else:
      body = bodies
    if targets:
      for (node_name, result) in self._client.Call(name, targets, body,
                                                   timeout).items():
        results[keys[node_name]] = result
    return results

  def CallProcedure(self, name, nodes, *args):
    (_, multi, tmo, argdefs, _) = defs.CALLS_BY_NAME[name]
    if len(args) != len(argdefs):
      raise TypeError("%s takes %d arguments, %d given" %
                      (name, len(argdefs), len(args)))
    timeout = tmo(args) if callable(tmo) else tmo
    if (not isinstance(nodes, dict) and self._cfg is not None and
        any(enc in NODE_DEPENDENT_ENCODERS for (_, enc) in argdefs)):
      def _EncodeFor(node):
        return [self._Encode(enc, value, node)
                for ((_, enc), value) in zip(argdefs, args)]
      if multi:
        return self._Call(name, list(nodes), timeout, None, _EncodeFor)
      return self._Call(name, [nodes], timeout, None, _EncodeFor)[nodes]
    encoded = [self._Encode(enc, value)
               for ((_, enc), value) in zip(argdefs, args)]
    if isinstance(nodes, dict):
      # explicit addresses ({name: ip}), e.g. job queue replication:
      # no config lookup, results always keyed by name
      body = serializer.DumpJson(encoded)
      return self._client.Call(name, dict((n, (ip, self._port))
                                          for n, ip in nodes.items()),
                               body, timeout)
    if multi:
      return self._Call(name, list(nodes), timeout, encoded)
    return self._Call(name, [nodes], timeout, encoded)[nodes]

  def CallProcedureByAddress(self, name, node_name, ip, *args):
    """Call a single-node procedure on a node given by name and address
    (for nodes that are not, or no longer, in the configuration)."""
    (_, multi, tmo, argdefs, _) = defs.CALLS_BY_NAME[name]
    assert not multi
    uuid = self._NodeUuid(node_name)
    encoded = [self._Encode(enc, value, uuid)
               for ((_, enc), value) in zip(argdefs, args)]
    timeout = tmo(args) if callable(tmo) else tmo
    body = serializer.DumpJson(encoded)
    return self._client.Call(name, {node_name: (ip, self._port)}, body,
                             timeout)[node_name]

  def Close(self):
    self._client.Close()


def _MakeCall(name):
  def call(self, node_or_nodes, *args):
    return self.CallProcedure(name, node_or_nodes, *args)
  call.__name__ = "call_%s" % name
  call.__doc__ = defs.CALLS_BY_NAME[name][4]
  return call


for _call in defs.CALLS:
  setattr(RpcRunner, "call_%s" % _call[0], _MakeCall(_call[0]))
