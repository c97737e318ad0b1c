"""Preparing a node to join the cluster (the SSH part of gnt-node add).

The master sends the cluster certificate to the new node, which stores it
and starts its node daemon; then the master waits for the daemon to answer.
"""

from ganeti import errors
from ganeti import netutils
from ganeti import pathutils
from ganeti import serializer
from ganeti import ssh
from ganeti import utils

_NODED_WAIT = 30.0


def PrepareNodeJoin(node, cl=None):
  """Give ``node`` the cluster certificate and start its node daemon."""
  (cluster_name, ) = cl.QueryConfigValues(["cluster_name"])
  hostname = netutils.GetHostname(name=node)
  data = {
    "cluster_name": cluster_name,
    "node_daemon_certificate":
      utils.ReadFile(pathutils.Get().NODED_CERT_FILE),
  }
  runner = ssh.SshRunner(cluster_name)
  result = runner.RunPython(hostname.name, hostname.ip,
                            "ganeti.tools.prepare_node_join",
                            serializer.DumpJson(data).decode("utf-8"))
  if result.failed:
    raise errors.OpExecError("Command prepare-node-join failed on %s: %s" %
                             (hostname.name, result.output.strip()))
  from ganeti import bootstrap
  bootstrap.WaitForNoded(hostname.name, hostname.ip, timeout=_NODED_WAIT)


