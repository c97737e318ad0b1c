"""prepare-node-join: run on a node joining the cluster (via SSH).

Reads one JSON object on stdin (upstream's prepare-node-join and
node-daemon-setup documents in one, see doc/design-node-add.rst and
doc/ssh.rst):

``cluster_name`` (required)
  refused if this node already belongs to another cluster (its
  ``ssconf_cluster_name`` differs)
``node_daemon_certificate`` (required)
  server.pem (key and certificate); refused if this node holds a
  different cluster certificate and a configuration (a full member of
  another cluster)
``ssh_host_key``, ``ssh_root_key``
  lists of ``[variant, private, public]``: the cluster's SSH host keys
  replace the node's (its sshd is told to reload them), root's key pair
  is installed and authorized
``rapi_certificate``, ``confd_hmac_key``, ``cluster_domain_secret``,
``spice_certificate``, ``spice_ca_certificate``, ``known_hosts``
  written to their Ganeti paths
``ssconf``
  ssconf names (without ``ssconf_``) and values, written as ssconf files
``start_node_daemon``
  start (restart) the node daemon; default true

Everything is checked before the first file is written.
"""

import os
import signal
import sys
import time

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import serializer
from ganeti import utils

#: optional file entries: (data key, Paths attribute, mode)
_FILES = (
  ("rapi_certificate", "RAPI_CERT_FILE", 0o440),
  ("confd_hmac_key", "CONFD_HMAC_KEY", 0o400),
  ("cluster_domain_secret", "CLUSTER_DOMAIN_SECRET_FILE", 0o400),
  ("spice_certificate", "SPICE_CERT_FILE", 0o440),
  ("spice_ca_certificate", "SPICE_CACERT_FILE", 0o440),
  ("known_hosts", "SSH_KNOWN_HOSTS_FILE", 0o644),
)


def _VerifyCertificate(pem):
  from OpenSSL import crypto
  try:
    crypto.load_privatekey(crypto.FILETYPE_PEM, pem)
    crypto.load_certificate(crypto.FILETYPE_PEM, pem)
  except crypto.Error as err:
    raise errors.X509CertError("Invalid node daemon certificate: %s" % err)


def _CertPart(pem):
  marker = "-----BEGIN CERTIFICATE-----"
  return pem[pem.find(marker):].strip() if marker in pem else pem.strip()


def _WaitForPortFree(timeout=30.0):
  """Wait until no node daemon listens on our address any more.

  A node daemon that was told to leave the cluster stops on its own,
  shortly after answering; a new one can only bind once it is gone.
  """
  from ganeti import netutils
  myself = netutils.Hostname()
  port = netutils.GetDaemonPort(constants.NODED)
  deadline = time.monotonic() + timeout
  while netutils.TcpPing(myself.ip, port, timeout=0.5,
                         live_port_needed=True):
    if time.monotonic() > deadline:
      raise errors.OpExecError("A node daemon still listens on %s:%s" %
                               (myself.ip, port))
    time.sleep(0.05)


def _CheckKeyList(data, name):
  keys = data.get(name) or []
  if not isinstance(keys, list) or \
      not all(isinstance(k, list) and len(k) == 3 and
              all(isinstance(v, str) for v in k) for k in keys):
    raise errors.ParseError("%s must be a list of [type, private, public]" %
                            name)
  return keys


def _CheckInput(data, paths):
  """Validate the document against this node; change nothing."""
  if not isinstance(data, dict):
    raise errors.ParseError("Input must be a JSON object")
  cluster_name = data.get("cluster_name")
  if not cluster_name or not isinstance(cluster_name, str):
    raise errors.ParseError("Missing cluster_name")
  pem = data.get("node_daemon_certificate")
  if not pem:
    raise errors.ParseError("Missing node_daemon_certificate")
  _VerifyCertificate(pem)
  local_name_file = paths.SsconfFile("cluster_name")
  if os.path.exists(local_name_file):
    local = utils.ReadFile(local_name_file).strip()
    if local and local != cluster_name:
      raise errors.OpPrereqError("Node is already part of cluster '%s'" %
                                 local, errors.ECODE_STATE)
  if os.path.exists(paths.CLUSTER_CONF_FILE) and \
      os.path.exists(paths.NODED_CERT_FILE) and \
      _CertPart(utils.ReadFile(paths.NODED_CERT_FILE)) != _CertPart(pem):
    raise errors.OpPrereqError("Node is already part of a cluster (%s"
                               " exists) with another certificate" %
                               paths.CLUSTER_CONF_FILE, errors.ECODE_STATE)
  for (key, _, _) in _FILES:
    if data.get(key) is not None and not isinstance(data[key], str):
      raise errors.ParseError("%s must be a string" % key)
  ssconf_values = data.get("ssconf") or {}
  if not isinstance(ssconf_values, dict) or \
      not all(isinstance(k, str) and isinstance(v, str)
              for (k, v) in ssconf_values.items()):
    raise errors.ParseError("ssconf must map names to strings")
  from ganeti import ssconf
  ssconf.WriteSsconfFiles(ssconf_values, paths=paths, dry_run=True)
  return (_CheckKeyList(data, "ssh_host_key"),
          _CheckKeyList(data, "ssh_root_key"), ssconf_values)


def _ReloadSshd(paths):
  """Make this node's sshd load new host keys (SIGHUP: it re-executes)."""
  try:
    pid = int(utils.ReadFile(paths.SSHD_PID_FILE).strip())
  except (OSError, ValueError):
    return False
  try:
    os.kill(pid, signal.SIGHUP)
  except OSError:
    return False
  return True


def Main():
  try:
    data = serializer.LoadJson(sys.stdin.read())
    paths = pathutils.Get()
    (host_keys, root_keys, ssconf_values) = _CheckInput(data, paths)
    from ganeti import bootstrap
    from ganeti import ssh_keys
    bootstrap.EnsureDirs(paths)
    if os.path.exists(paths.NODED_CERT_FILE):
      os.chmod(paths.NODED_CERT_FILE, 0o600)
    utils.WriteFile(paths.NODED_CERT_FILE,
                    data=data["node_daemon_certificate"], mode=0o440)
    for (key, attr, mode) in _FILES:
      if data.get(key) is not None:
        target = getattr(paths, attr)
        if os.path.exists(target):
          os.chmod(target, 0o600)
        utils.WriteFile(target, data=data[key], mode=mode)
    if ssconf_values:
      from ganeti import ssconf
      ssconf.WriteSsconfFiles(ssconf_values, paths=paths)
    if root_keys:
      ssh_keys.WriteRootKey(paths, root_keys)
    if host_keys:
      ssh_keys.WriteHostKeys(paths, host_keys)
      _ReloadSshd(paths)
    if data.get("start_node_daemon", True):
      bootstrap.RunDaemonUtil("stop", constants.NODED)
      _WaitForPortFree()
      bootstrap.RunDaemonUtil("start", constants.NODED)
  except (errors.GenericError, ValueError, OSError) as err:
    sys.stderr.write("prepare-node-join: %s\n" % err)
    return constants.EXIT_FAILURE
  return constants.EXIT_SUCCESS


if __name__ == "__main__":
  sys.exit(Main())
