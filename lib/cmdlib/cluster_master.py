"""Cluster LUs of the master role: redistribution of the configuration.

``OP_CLUSTER_REDIST_CONF`` rewrites config.data (bumping the serials), which
pushes it to every online master candidate and the ssconf files to every
online node, then copies the ancillary cluster files (certificates, keys,
RAPI users, known_hosts, /etc/hosts when the cluster manages it and, when
enabled, the external master IP setup script) from the master to every
other online node.
"""

import os

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import pathutils
from ganeti import vcluster
from ganeti.cmdlib.base import NoHooksLU


def AncillaryFiles(cluster):
  """The master's files every node gets on redist-conf (existing only)."""
  paths = pathutils.Get()
  files = [paths.SSH_KNOWN_HOSTS_FILE, paths.RAPI_CERT_FILE,
           paths.SPICE_CERT_FILE, paths.SPICE_CACERT_FILE,
           paths.RAPI_USERS_FILE, paths.CONFD_HMAC_KEY,
           paths.CLUSTER_DOMAIN_SECRET_FILE,
           paths.CONF_DIR + "/vnc-cluster-password"]
  if cluster.use_external_mip_script:
    files.append(paths.EXTERNAL_MASTER_SETUP_SCRIPT)
  if cluster.modify_etc_hosts and not vcluster.IsVirtual():
    files.append(pathutils.ETC_HOSTS)
  return [f for f in files if os.path.isfile(f)]


class LUClusterRedistConf(NoHooksLU):
  """Force the push of config.data, ssconf and the ancillary files."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {locking.LEVEL_NODE: locking.ALL_SET}
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def Exec(self, feedback_fn):
    cluster = self.cfg.GetClusterInfo()
    self.cfg.Update(cluster, feedback_fn)
    master = self.cfg.GetMasterNode()
    targets = [uuid for uuid in self.cfg.GetOnlineNodeList()
               if uuid != master]
    if not targets:
      return None
    for fname in AncillaryFiles(cluster):
      result = self.rpc.call_upload_file(targets, fname)
      for (node_uuid, res) in result.items():
        if res.fail_msg:
          self.LogWarning("Copy of file %s to node %s failed: %s", fname,
                          self.cfg.GetNodeName(node_uuid), res.fail_msg)
    return None


# Master network parameters of OP_CLUSTER_SET_PARAMS -------------------------
def _CheckMasterNetmask(cfg, netmask):
  family = cfg.GetClusterInfo().primary_ip_family
  bits = 128 if family == constants.PRIMARY_IP_FAMILY_V6 else 32
  if not 0 < netmask <= bits:
    raise errors.OpPrereqError("CIDR netmask (%s) not valid for IPv%s " %
                               (netmask, 6 if bits == 128 else 4),
                               errors.ECODE_INVAL)


def CheckMasterNetworkChange(lu):
  """CheckPrereq part: the new netmask fits the cluster's IP family."""
  if lu.op.master_netmask is not None:
    _CheckMasterNetmask(lu.cfg, lu.op.master_netmask)
  if lu.op.master_netdev is not None and lu.op.master_netdev == "":
    raise errors.OpPrereqError("Master network device can't be empty",
                               errors.ECODE_INVAL)


def PrepareMasterNetworkChange(lu, feedback_fn):
  """Before the config write of LUClusterSetParams: master_netdev (the IP
  goes down on the old device), master_netmask (changed on the master
  node) and use_external_mip_script."""
  op = lu.op
  cfg = lu.cfg
  cluster = cfg.GetClusterInfo()
  lu.master_netdev_changed = bool(op.master_netdev and
                                  op.master_netdev != cluster.master_netdev)
  if lu.master_netdev_changed:
    params = cfg.GetMasterNetworkParameters()
    feedback_fn("Shutting down master ip on the current netdev (%s)" %
                cluster.master_netdev)
    result = lu.rpc.call_node_deactivate_master_ip(
      params["uuid"], params, cluster.use_external_mip_script)
    if not getattr(op, "force", False):
      result.Raise("Could not disable the master ip")
    elif result.fail_msg:
      feedback_fn("Could not disable the master ip (continuing anyway): %s" %
                  result.fail_msg)
    feedback_fn("Changing master_netdev from %s to %s" %
                (params["netdev"], op.master_netdev))
    cluster.master_netdev = op.master_netdev
  if op.master_netmask is not None and \
      op.master_netmask != cluster.master_netmask:
    params = cfg.GetMasterNetworkParameters()
    feedback_fn("Changing master IP netmask to %s" % op.master_netmask)
    result = lu.rpc.call_node_change_master_netmask(
      params["uuid"], params["netmask"], op.master_netmask, params["ip"],
      params["netdev"])
    if result.fail_msg:
      lu.LogWarning("Could not change the master IP netmask: %s",
                    result.fail_msg)
    cluster.master_netmask = op.master_netmask
  if op.use_external_mip_script is not None:
    cluster.use_external_mip_script = op.use_external_mip_script


def FinishMasterNetworkChange(lu, feedback_fn):
  """After the config write: bring the master IP up on the new device."""
  if not getattr(lu, "master_netdev_changed", False):
    return
  params = lu.cfg.GetMasterNetworkParameters()
  feedback_fn("Starting the master ip on the new master netdev (%s)" %
              params["netdev"])
  result = lu.rpc.call_node_activate_master_ip(
    params["uuid"], params, lu.cfg.GetClusterInfo().use_external_mip_script)
  if result.fail_msg:
    lu.LogWarning("Could not re-enable the master ip on the master, please"
                  " restart manually: %s", result.fail_msg)
