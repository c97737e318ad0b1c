"""Cluster LUs of the master role: redistribution of the configuration.

``OP_CLUSTER_REDIST_CONF`` rewrites config.data (bumping the serials), which
pushes it to every online master candidate and the ssconf files to every
online node, then copies the ancillary cluster files (certificates, keys,
RAPI users, known_hosts and, when enabled, the external master IP setup
script) from the master to every other online node.
"""

import os

from ganeti import locking
from ganeti import pathutils
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
