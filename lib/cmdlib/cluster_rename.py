"""LUClusterRename: a new cluster name and, with it, a new master IP.

The new name is resolved like every host name (in a virtual cluster via
its own hosts file); its address becomes the master IP.  The master IP is
taken down before the configuration changes and brought up again
afterwards, at the new address; the ssconf files (cluster name, master
IP) are rewritten on every node by the configuration write.
"""

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import netutils
from ganeti import vcluster
from ganeti.cmdlib.base import LogicalUnit


class LUClusterRename(LogicalUnit):
  """Rename the cluster."""
  HPATH = "cluster-rename"
  HTYPE = constants.HTYPE_CLUSTER

  def ExpandNames(self):
    self.needed_locks = {
      locking.LEVEL_NODE: locking.ALL_SET,
      locking.LEVEL_INSTANCE: locking.ALL_SET,
      locking.LEVEL_NODEGROUP: locking.ALL_SET,
    }
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)
    self.share_locks[locking.LEVEL_NODE] = 0

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.cfg.GetClusterName(),
            "NEW_NAME": self.op.name}

  def BuildHooksNodes(self):
    return ([self.cfg.GetMasterNode()], self.cfg.GetNodeList())

  def CheckPrereq(self):
    try:
      hostname = netutils.GetHostname(name=self.op.name)
    except errors.ResolverError as err:
      raise errors.OpPrereqError("The given name (%s) does not resolve: %s" %
                                 (self.op.name, err.args[-1]),
                                 errors.ECODE_RESOLVER)
    new_name = hostname.name
    self.ip = new_ip = hostname.ip
    old_name = self.cfg.GetClusterName()
    old_ip = self.cfg.GetMasterIP()
    if new_name == old_name and new_ip == old_ip:
      raise errors.OpPrereqError("Neither the name nor the IP address of"
                                 " the cluster has changed",
                                 errors.ECODE_INVAL)
    if new_ip != old_ip:
      # on loopback every address accepts or refuses: only a listening
      # node daemon shows that the address is taken
      if netutils.TcpPing(new_ip, netutils.GetDaemonPort(constants.NODED),
                          live_port_needed=vcluster.IsVirtual()):
        raise errors.OpPrereqError("The given cluster IP address (%s) is"
                                   " reachable" % new_ip,
                                   errors.ECODE_NOTUNIQUE)
    self.op.name = new_name

  def Exec(self, feedback_fn):
    cluster = self.cfg.GetClusterInfo()
    master_params = self.cfg.GetMasterNetworkParameters()
    ems = cluster.use_external_mip_script
    result = self.rpc.call_node_deactivate_master_ip(
      master_params["uuid"], master_params, ems)
    result.Raise("Could not disable the master role")
    try:
      cluster.cluster_name = self.op.name
      cluster.master_ip = self.ip
      self.cfg.Update(cluster, feedback_fn)
    finally:
      master_params = self.cfg.GetMasterNetworkParameters()
      result = self.rpc.call_node_activate_master_ip(
        master_params["uuid"], master_params, ems)
      if result.fail_msg:
        self.LogWarning("Could not re-enable the master role on the master,"
                        " please restart manually: %s", result.fail_msg)
    return self.op.name
