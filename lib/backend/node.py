"""Node-level procedures: version, master role, node info and verify."""

import hashlib
import logging
import os
import shutil
import sys
import time

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti import netutils
from ganeti import pathutils
from ganeti import ssconf
from ganeti import vcluster
from ganeti.backend import RPCFail, _Fail
from ganeti.backend import drbd as backend_drbd
from ganeti.backend import jstore
from ganeti.backend import master as _master
from ganeti.backend import os as backend_os
from ganeti.backend import storage_units as _storage_units
from ganeti.backend import verify as backend_verify
from ganeti.storage import filestorage
from ganeti.utils import process
from ganeti.utils import x509

# node_verify check names (Ganeti's NV_* values) and result shapes:
NV_VERSION = "version"            # -> [protocol_version, release_version]
NV_FILELIST = "filelist"          # [paths] -> {path: sha1 hex} (existing)
NV_NODELIST = "nodelist"          # {name: ip|[ip, port]} -> {name: error}
NV_NODENETTEST = "node-net-test"  # [[name, pip, sip]] -> {name: error}
NV_MASTERIP = "master-ip"         # [master_name, ip] -> bool
NV_HYPERVISOR = "hypervisor"      # [hv] -> {hv: None | error}
NV_HVPARAMS = "hvparms"           # [[source, hv, params]] -> [[src, hv, err]]
NV_INSTANCELIST = "instancelist"  # [hv] -> [names]
NV_HVINFO = "hvinfo"              # hv -> node info dict of the hypervisor
NV_OSLIST = "oslist"              # any -> os_diagnose rows
NV_BRIDGES = "bridges"            # [bridges] -> [missing]
NV_TIME = "time"                  # any -> [seconds, microseconds]
NV_NODESETUP = "nodesetup"        # any -> [errors]
NV_USERSCRIPTS = "user-scripts"   # [paths] -> [not executable]
NV_FILE_STORAGE_PATHS = "file-storage-paths"   # any -> [wrong paths]
NV_FILE_STORAGE_PATH = "file-storage-path"     # dir -> None | error
NV_SHARED_FILE_STORAGE_PATH = "shared-file-storage-path"  # same
NV_CLIENT_CERT = "client-cert"    # any -> [0, sha1 digest] | [1, error]

def GetVersion():
  return constants.PROTOCOL_VERSION


def GetMasterInfo():
  """[netdev, ip, master_name, ip_family, netmask] from ssconf."""
  try:
    ss = ssconf.SimpleStore()
    return [ss.GetMasterNetdev(), ss.GetMasterIP(), ss.GetMasterNode(),
            ss.GetPrimaryIPFamily(), ss.GetMasterNetmask()]
  except errors.ConfigurationError as err:
    _Fail("Cluster configuration incomplete: %s", err, exc=False)


def _GetBootId():
  try:
    with open("/proc/sys/kernel/random/boot_id") as fh:
      return fh.read().strip()
  except OSError as err:
    _Fail("Can't read boot id: %s", err)


def _StorageInfo(su):
  return _storage_units.GetStorageSpaceInfo(su)


def GetNodeInfo(storage_units, hv_specs):
  """[bootid, [storage dicts], [hypervisor node info dicts]]."""
  storage = [_StorageInfo(su) for su in storage_units or []]
  hvinfo = []
  for (hv_name, hvparams) in hv_specs or []:
    try:
      hvinfo.append(hypervisor.GetHypervisor(hv_name).GetNodeInfo(
        hvparams=hvparams))
    except errors.HypervisorError as err:
      _Fail("Error getting hypervisor %s info: %s", hv_name, err)
  return [_GetBootId(), storage, hvinfo]


def _LocalizeMaybeVirtual(path):
  if path.startswith(vcluster.VIRT_PATH_PREFIX):
    return vcluster.LocalizeVirtualPath(path)
  return path


def _Sha1File(path):
  h = hashlib.sha1()
  with open(path, "rb") as fh:
    for chunk in iter(lambda: fh.read(65536), b""):
      h.update(chunk)
  return h.hexdigest()


def _VerifyNodeList(nodes):
  """Check TCP reachability of other nodes' noded: {name: error}."""
  port = netutils.GetDaemonPort(constants.NODED)
  my_name = netutils.Hostname.GetSysName()
  if isinstance(nodes, (list, tuple)):
    ips = {}
    try:
      for line in ssconf.SimpleStore().GetNodePrimaryIPList():
        (name, ip) = line.split()
        ips[name] = ip
    except errors.ConfigurationError:
      pass
    nodes = dict((n, ips.get(n, n)) for n in nodes)
  failed = {}
  for (name, target) in nodes.items():
    if name == my_name:
      continue
    if isinstance(target, (list, tuple)):
      (ip, nport) = target
    else:
      (ip, nport) = (target, port)
    if not netutils.TcpPing(ip, nport, timeout=5, live_port_needed=True):
      failed[name] = "TCP connection to %s:%s failed" % (ip, nport)
  return failed


def _VerifyNetTest(nodes):
  port = netutils.GetDaemonPort(constants.NODED)
  my_name = netutils.Hostname.GetSysName()
  failed = {}
  for (name, pip, sip) in nodes:
    if name == my_name:
      continue
    bad = []
    if not netutils.TcpPing(pip, port, timeout=5, live_port_needed=True):
      bad.append("primary")
    if sip != pip and not netutils.TcpPing(sip, port, timeout=5,
                                           live_port_needed=True):
      bad.append("secondary")
    if bad:
      failed[name] = "failure using the %s interface(s)" % " and ".join(bad)
  return failed


def _HvOrError(name, fn):
  try:
    return fn(hypervisor.GetHypervisor(name))
  except errors.HypervisorError as err:
    return "Error while checking hypervisor %s: %s" % (name, err)


def VerifyNode(what, cluster_name, all_hvparams):
  """Run the checks named in ``what`` (see the NV_* names above)."""
  result = {}
  all_hvparams = all_hvparams or {}
  paths = pathutils.Get()
  if NV_VERSION in what:
    result[NV_VERSION] = [constants.PROTOCOL_VERSION,
                          constants.RELEASE_VERSION]
  if NV_FILELIST in what:
    files = {}
    for vpath in what[NV_FILELIST]:
      path = _LocalizeMaybeVirtual(vpath)
      if os.path.isfile(path):
        files[vpath] = _Sha1File(path)
    result[NV_FILELIST] = files
  if NV_NODELIST in what:
    result[NV_NODELIST] = _VerifyNodeList(what[NV_NODELIST])
  if NV_NODENETTEST in what:
    result[NV_NODENETTEST] = _VerifyNetTest(what[NV_NODENETTEST])
  if NV_MASTERIP in what:
    (master_name, master_ip) = what[NV_MASTERIP]
    if master_name == netutils.Hostname.GetSysName():
      result[NV_MASTERIP] = netutils.IsLocalAddress(master_ip)
    else:
      result[NV_MASTERIP] = netutils.TcpPing(
        master_ip, netutils.GetDaemonPort(constants.NODED), timeout=5)
  if NV_HYPERVISOR in what:
    result[NV_HYPERVISOR] = dict(
      (hv, _HvOrError(hv, lambda h, hv=hv: h.Verify(all_hvparams.get(hv))))
      for hv in what[NV_HYPERVISOR])
  for key in (NV_HVPARAMS, "hvparams"):
    if key in what:
      bad = []
      for (source, hv_name, hvparams) in what[key]:
        try:
          hypervisor.GetHypervisor(hv_name).ValidateParameters(hvparams)
        except errors.HypervisorError as err:
          bad.append([source, hv_name, str(err)])
      result[key] = bad
  if NV_INSTANCELIST in what:
    names = []
    for hv in what[NV_INSTANCELIST]:
      try:
        names.extend(hypervisor.GetHypervisor(hv).ListInstances(
          all_hvparams.get(hv)))
      except errors.HypervisorError as err:
        names = "Error while listing instances: %s" % err
        break
    result[NV_INSTANCELIST] = names
  if NV_HVINFO in what:
    hv = what[NV_HVINFO]
    result[NV_HVINFO] = _HvOrError(
      hv, lambda h: h.GetNodeInfo(all_hvparams.get(hv)))
  for key in (NV_OSLIST, "os"):
    if key in what:
      result[key] = backend_os.DiagnoseOS()
  if NV_BRIDGES in what:
    result[NV_BRIDGES] = [b for b in what[NV_BRIDGES] if not _BridgeExists(b)]
  if NV_TIME in what:
    now = time.time()
    result[NV_TIME] = [int(now), int((now - int(now)) * 1000000)]
  if NV_USERSCRIPTS in what:
    result[NV_USERSCRIPTS] = [
      s for s in what[NV_USERSCRIPTS]
      if not process.IsExecutable(_LocalizeMaybeVirtual(s))]
  if NV_FILE_STORAGE_PATHS in what:
    result[NV_FILE_STORAGE_PATHS] = filestorage.ComputeWrongFileStoragePaths(
      filestorage.LoadAllowedFileStoragePaths())
  for key in (NV_FILE_STORAGE_PATH, NV_SHARED_FILE_STORAGE_PATH):
    if key in what:
      try:
        filestorage.CheckFileStoragePathAcceptance(what[key])
        result[key] = None
      except errors.FileStoragePathError as err:
        result[key] = str(err)
  if NV_CLIENT_CERT in what:
    try:
      result[NV_CLIENT_CERT] = [0, x509.GetCertificateDigest(
        paths.NODED_CERT_FILE)]
    except errors.X509CertError as err:
      result[NV_CLIENT_CERT] = [1, str(err.args[-1])]
  backend_drbd.VerifyNodeDrbd(what, result)
  backend_verify.VerifyNodeMore(what, result)
  return result


def _BridgeExists(name):
  return os.path.isdir("/sys/class/net/%s/bridge" % name)


def BridgesExist(bridges_list):
  missing = [b for b in bridges_list if not _BridgeExists(b)]
  if missing:
    _Fail("Missing bridges %s", ", ".join(missing))
  return None


def NodeHasIpAddress(address):
  return netutils.IsLocalAddress(address)


def TestDelay(duration):
  """Sleep for ``duration`` seconds."""
  if duration < 0:
    _Fail("Invalid sleep duration %s", duration)
  time.sleep(duration)
  return None


# Master role

def _FindDaemonUtil():
  """daemon-util beside the running executable, else from PATH."""
  candidates = [os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])),
                             "daemon-util")]
  top = os.environ.get("PYGANETI_TOP")
  if top:
    candidates.append(os.path.join(top, "daemons", "daemon-util"))
  for path in candidates:
    if process.IsExecutable(path):
      return path
  found = shutil.which("daemon-util")
  if found:
    return found
  for path in (pathutils.PKGLIBDIR + "/daemon-util",):
    if process.IsExecutable(path):
      return path
  _Fail("Can't find daemon-util")


def StartMasterDaemons(no_voting):
  """Run ``daemon-util start-master``."""
  env = {}
  if no_voting:
    env["EXTRA_MASTERD_ARGS"] = "--no-voting --yes-do-it"
  result = process.RunCmd([_FindDaemonUtil(), "start-master"], env=env)
  if result.failed:
    _Fail("Can't start Ganeti master: %s", result.output)
  return None


def StopMasterDaemons():
  result = process.RunCmd([_FindDaemonUtil(), "stop-master"])
  if result.failed:
    _Fail("Could not stop Ganeti master, command %s had exitcode %s and"
          " error %s", result.cmd, result.exit_code, result.output)
  return None


# The master IP procedures live in ganeti.backend.master (the setup
# script); noded's table names them here.
ActivateMasterIp = _master.ActivateMasterIp
DeactivateMasterIp = _master.DeactivateMasterIp


def DemoteFromMC():
  """Remove config.data (backed up) from a former master candidate."""
  try:
    (master, myself) = ssconf.GetMasterAndMyself()
  except errors.ConfigurationError as err:
    _Fail("Cluster configuration incomplete: %s", err)
  if master == myself:
    _Fail("ssconf status shows I'm the master node, will not demote")
  cfg = pathutils.Get().CLUSTER_CONF_FILE
  if os.path.isfile(cfg):
    backup = "%s.backup-%s" % (cfg, time.strftime("%Y-%m-%d_%H_%M_%S"))
    shutil.copy2(cfg, backup)
    os.unlink(cfg)
  return None


def _RemoveRootSshKey(paths):
  """As Ganeti: root's cluster key pair goes, and so does its entry in
  authorized_keys (see doc/ssh.rst)."""
  from ganeti import ssh
  from ganeti import ssh_keys
  (priv, pub, auth) = ssh.GetRootKeyFiles(paths)
  try:
    if os.path.exists(pub):
      with open(pub) as fh:
        ssh_keys.RemoveAuthorizedKey(auth, fh.read())
    for path in (priv, pub):
      if os.path.exists(path):
        os.unlink(path)
  except OSError as err:
    logging.warning("Error while removing root's SSH key: %s", err)


def LeaveCluster(modify_ssh_setup):
  """Remove all cluster data from this node, then stop the node daemon.

  @raise errors.QuitGanetiException: always (noded answers
      [True, "Shutdown scheduled"] and then terminates)
  """
  paths = pathutils.Get()
  for fname in os.listdir(paths.DATA_DIR) if os.path.isdir(paths.DATA_DIR) \
      else []:
    if fname.startswith(constants.SSCONF_FILEPREFIX) or \
       fname.startswith("config.data"):
      os.unlink(os.path.join(paths.DATA_DIR, fname))
  try:
    jstore.JobQueuePurge()
  except RPCFail as err:
    logging.warning("Could not purge the job queue: %s", err)
  for path in (paths.CONFD_HMAC_KEY, paths.RAPI_CERT_FILE,
               paths.SPICE_CERT_FILE, paths.SPICE_CACERT_FILE,
               paths.NODED_CERT_FILE, paths.NODED_CLIENT_CERT_FILE,
               paths.CLUSTER_DOMAIN_SECRET_FILE, paths.SSH_KNOWN_HOSTS_FILE,
               paths.RAPI_USERS_FILE):
    try:
      os.unlink(path)
    except FileNotFoundError:
      pass
  if modify_ssh_setup:
    _RemoveRootSshKey(paths)
  logging.info("Node left the cluster (modify_ssh_setup=%s)",
               modify_ssh_setup)
  raise errors.QuitGanetiException(True, "Shutdown scheduled")
