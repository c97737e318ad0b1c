"""LUClusterRenewCrypto: a new cluster (node daemon) certificate.

Every node shares one certificate, ``server.pem``, with which node
daemons and the master authenticate each other.  Renewing it:

1. a new key and self-signed certificate are made in memory;
2. ``node_replace_cluster_cert`` (not on Ganeti's ``upload_file``
   allow-list) writes them atomically on every online node, the
   master's own node daemon last.  The daemons keep
   serving the connection they answer on with the old certificate;
3. every node daemon and the master's RPC client notice the replaced
   file and use the new certificate for their next connections (see
   ``http.CertWatcher``), so no daemon has to be restarted;
4. a ``version`` call to every node checks that they answer with the new
   certificate.

Offline nodes keep the old certificate; they have to be re-added
(``gnt-node add --readd``) once they are back.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU
from ganeti.utils import x509

class LUClusterRenewCrypto(NoHooksLU):
  """Renew the cluster certificate (and refuse what can't be renewed)."""

  def CheckArguments(self):
    if self.op.renew_ssh_keys:
      cluster = self.cfg.GetClusterInfo()
      if not cluster.modify_ssh_setup:
        raise errors.OpPrereqError("The cluster does not manage the SSH"
                                   " setup (modify_ssh_setup is off); SSH"
                                   " keys cannot be renewed",
                                   errors.ECODE_STATE)
      raise errors.OpPrereqError("Renewing the SSH keys is not supported by"
                                 " this version", errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET}
    self.share_locks = {locking.LEVEL_NODE: 1}

  def CheckPrereq(self):
    nodes = self.cfg.GetAllNodesInfo().values()
    self.online = [n.uuid for n in nodes if not n.offline]
    self.offline = utils.NiceSort([n.name for n in nodes if n.offline])

  def Exec(self, feedback_fn):
    if not self.op.node_certificates:
      return None
    master_uuid = self.cfg.GetMasterNode()
    (key_pem, cert_pem) = x509.GenerateSelfSignedX509Cert(
      constants.X509_CERT_CN, constants.X509_CERT_DEFAULT_VALIDITY, 1)
    if self.op.verbose:
      feedback_fn("Distributing the new cluster certificate to %d node(s)" %
                  len(self.online))
    # the master last: its RPC client switches once its file changed
    others = [u for u in self.online if u != master_uuid]
    failed = []
    for targets in (others, [master_uuid]):
      if not targets:
        continue
      result = self.rpc.call_node_replace_cluster_cert(targets,
                                                       key_pem + cert_pem)
      for (node_uuid, res) in result.items():
        if res.fail_msg:
          failed.append(self.cfg.GetNodeName(node_uuid))
          self.LogWarning("Copying the new cluster certificate to node %s"
                          " failed: %s", self.cfg.GetNodeName(node_uuid),
                          res.fail_msg)
      if master_uuid in targets and failed and \
          self.cfg.GetMasterNodeName() in failed:
        raise errors.OpExecError("Could not write the new cluster"
                                 " certificate on the master node")
    result = self.rpc.call_version(self.online)
    unreachable = utils.NiceSort(
      self.cfg.GetNodeName(u) for (u, res) in result.items()
      if res.fail_msg)
    if unreachable:
      self.LogWarning("Node(s) not answering with the new cluster"
                      " certificate: %s", utils.CommaJoin(unreachable))
    if self.offline:
      self.LogWarning("Offline node(s) keep the old certificate and must be"
                      " re-added: %s", utils.CommaJoin(self.offline))
    return None
