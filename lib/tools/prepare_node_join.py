"""prepare-node-join: run on a node joining the cluster (via SSH).

Reads a JSON document on stdin with ``cluster_name`` and
``node_daemon_certificate`` (server.pem: key and certificate), refuses to
overwrite the certificate of another cluster's node, stores it and starts
the node daemon.
"""

import os
import sys
import time

from ganeti import constants
from ganeti import errors
from ganeti import pathutils
from ganeti import serializer
from ganeti import utils


def _VerifyCertificate(pem):
  from OpenSSL import crypto
  try:
    crypto.load_privatekey(crypto.FILETYPE_PEM, pem)
    crypto.load_certificate(crypto.FILETYPE_PEM, pem)
  except crypto.Error as err:
    raise errors.X509CertError("Invalid node daemon certificate: %s" % err)


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


def Main():
  try:
    data = serializer.LoadJson(sys.stdin.read())
    if not isinstance(data, dict):
      raise errors.ParseError("Input must be a JSON object")
    pem = data.get("node_daemon_certificate")
    if not pem:
      raise errors.ParseError("Missing node_daemon_certificate")
    _VerifyCertificate(pem)
    paths = pathutils.Get()
    if os.path.exists(paths.CLUSTER_CONF_FILE):
      raise errors.OpPrereqError("Node is already part of a cluster (%s"
                                 " exists)" % paths.CLUSTER_CONF_FILE)
    from ganeti import bootstrap
    bootstrap.EnsureDirs(paths)
    if os.path.exists(paths.NODED_CERT_FILE):
      os.chmod(paths.NODED_CERT_FILE, 0o600)
    utils.WriteFile(paths.NODED_CERT_FILE, data=pem, mode=0o440)
    bootstrap.RunDaemonUtil("stop", constants.NODED)
    _WaitForPortFree()
    bootstrap.RunDaemonUtil("start", constants.NODED)
  except (errors.GenericError, ValueError) as err:
    sys.stderr.write("prepare-node-join: %s\n" % err)
    return constants.EXIT_FAILURE
  return constants.EXIT_SUCCESS


if __name__ == "__main__":
  sys.exit(Main())
