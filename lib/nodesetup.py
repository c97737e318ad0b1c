"""Preparing a node to join the cluster (the SSH part of gnt-node add).

The master gathers what a node needs before its node daemon can serve
the cluster -- the cluster certificate, the RAPI certificate, the confd
HMAC key, the cluster domain secret, the SPICE certificates (if any),
Ganeti's known_hosts, the ssconf files, the cluster's SSH host keys and
root's key pair -- and sends it in one JSON document to
``ganeti.tools.prepare_node_join`` on the node over one SSH connection;
the node stores it and starts its node daemon, and the master waits for
the daemon to answer.  The first contact does not use the cluster host
key (the node does not have it yet): its key must be known to root, or
``--no-ssh-key-check`` accepts it.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import pathutils
from ganeti import serializer
from ganeti import ssh
from ganeti import ssh_keys
from ganeti import utils

_NODED_WAIT = 30.0

#: (document key, Paths attribute) of the optional files sent to the node
_FILES = (
  ("rapi_certificate", "RAPI_CERT_FILE"),
  ("confd_hmac_key", "CONFD_HMAC_KEY"),
  ("cluster_domain_secret", "CLUSTER_DOMAIN_SECRET_FILE"),
  ("spice_certificate", "SPICE_CERT_FILE"),
  ("spice_ca_certificate", "SPICE_CACERT_FILE"),
  ("known_hosts", "SSH_KNOWN_HOSTS_FILE"),
)


def _ReadSsconf(paths):
  """This (master) node's ssconf files, {name without prefix: value}."""
  values = {}
  for fname in sorted(os.listdir(paths.DATA_DIR)):
    if fname.startswith("ssconf_"):
      values[fname[len("ssconf_"):]] = \
        utils.ReadFile(os.path.join(paths.DATA_DIR, fname))
  return values


def BuildJoinData(cluster_name, modify_ssh_setup=True, paths=None):
  """The prepare-node-join document for a new node (see the tool)."""
  if paths is None:
    paths = pathutils.Get()
  data = {
    "cluster_name": cluster_name,
    "node_daemon_certificate": utils.ReadFile(paths.NODED_CERT_FILE),
    "ssconf": _ReadSsconf(paths),
    "start_node_daemon": True,
  }
  for (key, attr) in _FILES:
    fname = getattr(paths, attr)
    if os.path.exists(fname):
      data[key] = utils.ReadFile(fname)
  if modify_ssh_setup:
    data["ssh_host_key"] = [list(k) for k in ssh_keys.ReadHostKeys(paths)]
    data["ssh_root_key"] = [list(k) for k in ssh_keys.ReadRootKey(paths)]
  return data


def GetNewNodeSshPort(cl, node, readd, group, ndparams):
  """The SSH port of a node being added: ``ssh_port`` of its node
  parameters (``--node-parameters``), else of its node entry (readd) or
  of its node group (the given one, or the only one), else 22."""
  if ndparams and ndparams.get(constants.ND_SSH_PORT) is not None:
    return int(ndparams[constants.ND_SSH_PORT])
  try:
    if readd:
      rows = cl.QueryNodes([node], ["ndp/ssh_port"], False)
    else:
      rows = cl.QueryGroups([group] if group else [], ["ndp/ssh_port"],
                            False)
      if len(rows) != 1:
        rows = []
  except errors.OpPrereqError:
    rows = []
  if rows and rows[0][0]:
    return int(rows[0][0])
  return 22


def PrepareNodeJoin(node, cl=None, ssh_key_check=True, port=None):
  """Set ``node`` up over SSH and start its node daemon.

  @param ssh_key_check: False accepts an unknown (or changed) host key
  @raise errors.OpExecError: the SSH command failed or noded did not
    answer in time

  """
  info = cl.QueryClusterInfo()
  cluster_name = info["name"]
  modify_ssh_setup = info.get("modify_ssh_setup", True)
  hostname = netutils.GetHostname(name=node)
  data = BuildJoinData(cluster_name, modify_ssh_setup is not False)
  runner = ssh.SshRunner(cluster_name)
  result = runner.RunPython(hostname.name, hostname.ip,
                            "ganeti.tools.prepare_node_join",
                            serializer.DumpJson(data).decode("utf-8"),
                            use_cluster_key=False,
                            strict_host_check=ssh_key_check,
                            ask_key=ssh_key_check, port=port)
  if result.failed:
    raise errors.OpExecError("Command prepare-node-join failed on %s: %s" %
                             (hostname.name, result.output.strip()))
  from ganeti import bootstrap
  bootstrap.WaitForNoded(hostname.name, hostname.ip, timeout=_NODED_WAIT)
