"""Cluster bootstrap: ``gnt-cluster init`` and the local part of destroy.

Init runs on the future master without any daemon: it creates the
certificates, the configuration and the ssconf files, starts the node
daemon and the master daemon; the CLI then submits OP_CLUSTER_POST_INIT.
"""

import copy
import logging
import os
import subprocess
import time

from ganeti import constants
from ganeti import errors
from ganeti import hypervisor
from ganeti import netutils
from ganeti import objects
from ganeti import pathutils
from ganeti import ssconf
from ganeti import utils
from ganeti.config import ConfigWriter
from ganeti.config.ssconfvalues import ComputeSsconfValues
from ganeti.utils import x509

_DAEMON_WAIT = 30.0


def DaemonUtil():
  """Path of daemon-util (installed beside the daemons)."""
  here = os.path.dirname(os.path.abspath(__file__))
  candidates = [os.path.join(os.path.dirname(here), "daemons",
                             "daemon-util")]
  for path in os.environ.get("PATH", "").split(os.pathsep):
    candidates.append(os.path.join(path, "daemon-util"))
  for cand in candidates:
    if os.access(cand, os.X_OK):
      return cand
  raise errors.OpExecError("Cannot find daemon-util")


def RunDaemonUtil(*args):
  result = subprocess.run([DaemonUtil()] + list(args), capture_output=True,
                          text=True, check=False)
  if result.returncode != 0:
    raise errors.OpExecError("daemon-util %s failed (exit %s): %s" %
                             (" ".join(args), result.returncode,
                              (result.stderr or result.stdout).strip()))
  return result


def EnsureDirs(paths=None):
  """Create the node's directories with Ganeti's modes."""
  if paths is None:
    paths = pathutils.Get()
  utils.EnsureDirs([
    (paths.DATA_DIR, 0o755), (paths.CONF_DIR, 0o755),
    (paths.HOOKS_BASE_DIR, 0o755),
    (paths.QUEUE_DIR, 0o750), (paths.JOB_QUEUE_ARCHIVE_DIR, 0o750),
    (paths.RUN_DIR, 0o775), (paths.SOCKET_DIR, 0o770),
    (paths.LOG_DIR, 0o770), (paths.OS_LOG_DIR, 0o750),
    (paths.BDEV_CACHE_DIR, 0o755), (paths.DISK_LINKS_DIR, 0o755),
    (paths.IMPORT_EXPORT_DIR, 0o755), (paths.CRYPTO_KEYS_DIR, 0o700),
    (paths.LOCK_DIR, 0o755), (os.path.dirname(paths.RAPI_USERS_FILE),
                               0o750),
  ])


def GenerateClusterCrypto(paths=None):
  """Create server.pem, rapi.pem, hmac.key and cluster-domain-secret."""
  if paths is None:
    paths = pathutils.Get()
  x509.GenerateSelfSignedSslCert(paths.NODED_CERT_FILE)
  os.chmod(paths.NODED_CERT_FILE, 0o440)
  x509.GenerateSelfSignedSslCert(paths.RAPI_CERT_FILE)
  os.chmod(paths.RAPI_CERT_FILE, 0o440)
  x509.GenerateHmacKey(paths.CONFD_HMAC_KEY)
  x509.GenerateHmacKey(paths.CLUSTER_DOMAIN_SECRET_FILE)


def WaitForNoded(node_name, ip, timeout=_DAEMON_WAIT):
  """Wait until the node daemon answers on its port."""
  port = netutils.GetDaemonPort(constants.NODED)
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    if netutils.TcpPing(ip, port, timeout=1, live_port_needed=True):
      return
    time.sleep(0.05)
  raise errors.OpExecError("Node daemon on %s didn't answer queries within"
                           " %s seconds" % (node_name, timeout))


def WaitForMasterd(timeout=_DAEMON_WAIT):
  from ganeti import luxi
  deadline = time.monotonic() + timeout
  last_err = None
  while time.monotonic() < deadline:
    try:
      cl = luxi.Client()
      cl.QueryClusterInfo()
      cl.Close()
      return
    except (errors.NoMasterError, errors.TimeoutError,
            errors.ConnectionClosedError, OSError) as err:
      last_err = err
      time.sleep(0.05)
  raise errors.OpExecError("Master daemon didn't answer queries within %s"
                           " seconds: %s" % (timeout, last_err))


def _CheckInitHvParams(enabled_hypervisors, full_hvparams):
  """Check the new cluster's hypervisor parameters on this (master) node.

  Every hypervisor's parameters get the syntax check, as in Ganeti (those
  whose code is not installed here are skipped unless enabled); the enabled
  hypervisors' parameters are also validated on this node, which is the
  only node of the cluster yet (noded is not running, so this is done
  locally rather than through the ``hypervisor_validate_params`` RPC).

  @raise errors.HypervisorError: a parameter is wrong
  """
  for hv_name in sorted(full_hvparams):
    try:
      hv_class = hypervisor.GetHypervisorClass(hv_name)
    except errors.HypervisorError:
      if hv_name in enabled_hypervisors:
        raise
      continue
    hv_class.CheckParameterSyntax(full_hvparams[hv_name])
    if hv_name in enabled_hypervisors:
      hv_class().ValidateParameters(full_hvparams[hv_name])


def InitCluster(cluster_name, mac_prefix=None, master_netmask=None,
                master_netdev=None, file_storage_dir=None,
                shared_file_storage_dir=None, enabled_hypervisors=None,
                hvparams=None, beparams=None, nicparams=None, ndparams=None,
                diskparams=None, ipolicy=None, candidate_pool_size=None,
                modify_etc_hosts=True, modify_ssh_setup=True,
                maintain_node_health=False, drbd_helper=None,
                uid_pool=None, default_iallocator=None,
                primary_ip_version=None, prealloc_wipe_disks=False,
                use_external_mip_script=False, vg_name=None,
                secondary_ip=None, enabled_disk_templates=None):
  """Initialise a new cluster with this node as its master."""
  paths = pathutils.Get()
  if os.path.exists(paths.CLUSTER_CONF_FILE):
    raise errors.OpPrereqError("Cluster is already initialised",
                               errors.ECODE_STATE)
  hostname = netutils.GetHostname()
  if hostname.ip.startswith("127.") and not \
      os.environ.get("GANETI_ROOTDIR"):
    raise errors.OpPrereqError("This host's IP (%s) resolves to a loopback"
                               " address. Please fix DNS or %s." %
                               (hostname.ip, pathutils.ETC_HOSTS),
                               errors.ECODE_ENVIRON)
  clustername = netutils.GetHostname(name=cluster_name)
  if default_iallocator:
    # this node becomes the master: its search path is the one used
    from ganeti.cmdlib import iallocator  # pylint: disable=C0415
    iallocator.CheckAllocatorName(default_iallocator)
  enabled_hypervisors = enabled_hypervisors or [constants.HT_KVM]
  for hv in enabled_hypervisors:
    if hv not in constants.HYPER_TYPES:
      raise errors.OpPrereqError("Invalid hypervisor '%s'" % hv,
                                 errors.ECODE_INVAL)
  if enabled_disk_templates is None:
    enabled_disk_templates = [constants.DT_DRBD8, constants.DT_PLAIN]
  for dt in enabled_disk_templates:
    if dt not in constants.DISK_TEMPLATES:
      raise errors.OpPrereqError("Invalid disk template '%s'" % dt,
                                 errors.ECODE_INVAL)
  if file_storage_dir is None:
    file_storage_dir = constants.DEFAULT_FILE_STORAGE_DIR
  if shared_file_storage_dir is None:
    shared_file_storage_dir = constants.DEFAULT_SHARED_FILE_STORAGE_DIR
  EnsureDirs(paths)
  if constants.DT_FILE in enabled_disk_templates:
    _CheckFileStoragePath(paths, file_storage_dir)
  GenerateClusterCrypto(paths)
  rsahostkeypub = _InitSsh(paths, clustername.name, hostname.name,
                           modify_ssh_setup)
  now = time.time()
  full_hvparams = copy.deepcopy(constants.HVC_DEFAULTS)
  for hv, params in (hvparams or {}).items():
    full_hvparams[hv].update(params)
  _CheckInitHvParams(enabled_hypervisors, full_hvparams)
  full_ipolicy = copy.deepcopy(constants.IPOLICY_DEFAULTS)
  full_ipolicy[constants.IPOLICY_DTS] = list(enabled_disk_templates)
  if ipolicy:
    full_ipolicy.update(ipolicy)
  group_uuid = utils.NewUUID()
  node_uuid = utils.NewUUID()
  cluster = objects.Cluster(
    serial_no=1, rsahostkeypub=rsahostkeypub, dsahostkeypub="",
    highest_used_port=(constants.FIRST_DRBD_PORT - 1),
    mac_prefix=mac_prefix or constants.DEFAULT_MAC_PREFIX,
    volume_group_name=vg_name, tcpudp_port_pool=[],
    master_node=node_uuid, master_ip=clustername.ip,
    master_netmask=master_netmask or 32,
    master_netdev=master_netdev or constants.DEFAULT_MASTER_NETDEV,
    cluster_name=clustername.name, file_storage_dir=file_storage_dir,
    shared_file_storage_dir=shared_file_storage_dir,
    gluster_storage_dir=constants.DEFAULT_GLUSTER_STORAGE_DIR,
    enabled_hypervisors=enabled_hypervisors, hvparams=full_hvparams,
    beparams={constants.VALUE_DEFAULT: objects.FillDict(
      constants.BEC_DEFAULTS, beparams or {})},
    nicparams={constants.VALUE_DEFAULT: objects.FillDict(
      constants.NICC_DEFAULTS, nicparams or {})},
    ndparams=objects.FillDict(constants.NDC_DEFAULTS, ndparams or {}),
    diskparams=objects.FillDiskParams(constants.DISK_DT_DEFAULTS,
                                      diskparams or {}),
    ipolicy=full_ipolicy, os_hvp={}, osparams={},
    osparams_private_cluster={},
    candidate_pool_size=candidate_pool_size or
    constants.MASTER_POOL_SIZE_DEFAULT,
    modify_etc_hosts=modify_etc_hosts, modify_ssh_setup=modify_ssh_setup,
    maintain_node_health=maintain_node_health,
    drbd_usermode_helper=drbd_helper, uid_pool=uid_pool or [],
    default_iallocator=default_iallocator or constants.DEFAULT_IALLOCATOR,
    default_iallocator_params={},
    primary_ip_family=constants.PRIMARY_IP_FAMILY_V6
    if primary_ip_version == 6 else constants.PRIMARY_IP_FAMILY_V4,
    prealloc_wipe_disks=prealloc_wipe_disks,
    use_external_mip_script=use_external_mip_script,
    enabled_disk_templates=list(enabled_disk_templates),
    hidden_os=[], blacklisted_os=[], reserved_lvs=[],
    candidate_certs={}, ctime=now, mtime=now, uuid=utils.NewUUID(),
    tags=set())
  cluster.UpgradeConfig()
  master_node = objects.Node(
    name=hostname.name, primary_ip=hostname.ip,
    secondary_ip=secondary_ip or hostname.ip, serial_no=1,
    master_candidate=True, offline=False, drained=False, group=group_uuid,
    master_capable=True, vm_capable=True, ndparams={}, powered=True,
    ctime=now, mtime=now, uuid=node_uuid, tags=set())
  group = objects.NodeGroup(
    name=constants.INITIAL_NODE_GROUP_NAME, uuid=group_uuid, ndparams={},
    diskparams={}, ipolicy={}, serial_no=1, alloc_policy=
    constants.ALLOC_POLICY_PREFERRED, networks={}, ctime=now, mtime=now,
    tags=set())
  config_data = objects.ConfigData(
    version=constants.CONFIG_VERSION, cluster=cluster,
    nodes={node_uuid: master_node}, nodegroups={group_uuid: group},
    instances={}, networks={}, disks={}, filters={}, serial_no=1,
    ctime=now, mtime=now)
  ConfigWriter.WriteInitialConfig(paths.CLUSTER_CONF_FILE, config_data)
  ssconf.WriteSsconfFiles(ComputeSsconfValues(config_data))
  RunDaemonUtil("start", constants.NODED)
  WaitForNoded(hostname.name, hostname.ip)
  RunDaemonUtil("start-master")
  WaitForMasterd()
  return hostname.name


def _InitSsh(paths, cluster_name, node_name, modify_ssh_setup):
  """SSH set-up of a new cluster (see L{ssh_keys}); the RSA host key.

  Root gets a key pair authorized for itself unless C{--no-ssh-init};
  the master's RSA host key, if it has one, becomes the cluster's and
  goes into Ganeti's known_hosts file.
  """
  from ganeti import ssh_keys  # pylint: disable=C0415
  if modify_ssh_setup:
    ssh_keys.InitSshSetup(paths, constants.SSH_KEY_BITS,
                          "root@%s" % node_name)
  host_key = ssh_keys.GetRsaHostKey(paths)
  if host_key:
    ssh_keys.WriteKnownHosts(paths, cluster_name, host_key)
  return host_key


def _CheckFileStoragePath(paths, file_storage_dir):
  """The file storage dir must be allowed in file-storage-paths; a fresh
  node gets it added (as the Debian package does for the default)."""
  allowed = []
  if os.path.exists(paths.FILE_STORAGE_PATHS_FILE):
    allowed = [line.strip() for line in
               utils.ReadFile(paths.FILE_STORAGE_PATHS_FILE).splitlines()
               if line.strip() and not line.strip().startswith("#")]
  if not any(pathutils.IsBelowDir(a, file_storage_dir) for a in allowed):
    raise errors.OpPrereqError(
      "The file storage directory '%s' is not allowed by %s; add it there"
      " first" % (file_storage_dir, paths.FILE_STORAGE_PATHS_FILE),
      errors.ECODE_ENVIRON)
  os.makedirs(paths.Prefix(file_storage_dir), 0o750, exist_ok=True)


def FinalizeClusterDestroy(master_name):
  """After OP_CLUSTER_DESTROY: stop the master and remove cluster files."""
  paths = pathutils.Get()
  try:
    RunDaemonUtil("stop-master")
  except errors.OpExecError as err:
    logging.warning("Could not stop the master daemon: %s", err)
  for fname in [paths.CLUSTER_CONF_FILE, paths.RAPI_CERT_FILE,
                paths.CONFD_HMAC_KEY, paths.CLUSTER_DOMAIN_SECRET_FILE,
                paths.SPICE_CERT_FILE, paths.SPICE_CACERT_FILE,
                paths.RAPI_USERS_FILE, paths.WATCHER_PAUSEFILE]:
    utils.RemoveFile(fname)
  for fname in os.listdir(paths.DATA_DIR):
    if fname.startswith(constants.SSCONF_FILEPREFIX):
      utils.RemoveFile(os.path.join(paths.DATA_DIR, fname))
  _PurgeQueue(paths)
  try:
    RunDaemonUtil("stop", constants.NODED)
  except errors.OpExecError as err:
    logging.warning("Could not stop the node daemon: %s", err)
  utils.RemoveFile(paths.NODED_CERT_FILE)


def _PurgeQueue(paths):
  import shutil
  if os.path.isdir(paths.QUEUE_DIR):
    for fname in os.listdir(paths.QUEUE_DIR):
      full = os.path.join(paths.QUEUE_DIR, fname)
      if os.path.isdir(full):
        shutil.rmtree(full)
      else:
        utils.RemoveFile(full)
