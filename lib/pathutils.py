"""File system paths of a Ganeti node, resolved through a rootable object.

Never import path constants at module level: call :func:`Get` when the path
is needed, so that a process (or a test) acting as a virtual node gets paths
below its node root.
"""

import os
import threading

from ganeti import vcluster

SYSCONFDIR = "/etc"
LOCALSTATEDIR = "/var"
# Not prefixed in a virtual cluster
PKGLIBDIR = "/usr/lib/ganeti"
ETC_HOSTS = "/etc/hosts"


class Paths:
  """All paths of one (possibly virtual) node."""

  def __init__(self, rootdir: str = ""):
    self.rootdir = rootdir
    r = (lambda p: vcluster.AddNodePrefix(p, rootdir)) if rootdir else \
        (lambda p: p)
    self._prefix = r
    self.CONF_DIR = r(SYSCONFDIR + "/ganeti")
    self.DEFAULT_FILE = r(SYSCONFDIR + "/default/ganeti")
    self.DATA_DIR = r(LOCALSTATEDIR + "/lib/ganeti")
    self.RUN_DIR = r(LOCALSTATEDIR + "/run/ganeti")
    self.LOG_DIR = r(LOCALSTATEDIR + "/log/ganeti")
    self.LOCK_DIR = r(LOCALSTATEDIR + "/lock")
    self.SOCKET_DIR = self.RUN_DIR + "/socket"
    self.MASTER_SOCKET = self.SOCKET_DIR + "/ganeti-master"
    self.QUEUE_DIR = self.DATA_DIR + "/queue"
    self.JOB_QUEUE_LOCK_FILE = self.QUEUE_DIR + "/lock"
    self.JOB_QUEUE_VERSION_FILE = self.QUEUE_DIR + "/version"
    self.JOB_QUEUE_SERIAL_FILE = self.QUEUE_DIR + "/serial"
    self.JOB_QUEUE_ARCHIVE_DIR = self.QUEUE_DIR + "/archive"
    self.JOB_QUEUE_DRAIN_FILE = self.QUEUE_DIR + "/drain"
    self.CLUSTER_CONF_FILE = self.DATA_DIR + "/config.data"
    self.NODED_CERT_FILE = self.DATA_DIR + "/server.pem"
    self.NODED_CLIENT_CERT_FILE = self.DATA_DIR + "/client.pem"
    self.RAPI_CERT_FILE = self.DATA_DIR + "/rapi.pem"
    self.CONFD_HMAC_KEY = self.DATA_DIR + "/hmac.key"
    self.CLUSTER_DOMAIN_SECRET_FILE = self.DATA_DIR + "/cluster-domain-secret"
    self.SPICE_CERT_FILE = self.DATA_DIR + "/spice.pem"
    self.SPICE_CACERT_FILE = self.DATA_DIR + "/spice-ca.pem"
    self.SSH_KNOWN_HOSTS_FILE = self.DATA_DIR + "/known_hosts"
    self.RAPI_USERS_FILE = self.DATA_DIR + "/rapi/users"
    self.WATCHER_PAUSEFILE = self.DATA_DIR + "/watcher.pause"
    self.WATCHER_GROUP_STATE_FILE = self.DATA_DIR + "/watcher.%s.data"
    self.WATCHER_GROUP_INSTANCE_STATUS_FILE = \
      self.DATA_DIR + "/watcher.%s.instance-status"
    self.INSTANCE_STATUS_FILE = self.RUN_DIR + "/instance-status"
    self.SSCONF_LOCK_FILE = self.LOCK_DIR + "/ganeti-ssconf.lock"
    self.BDEV_CACHE_DIR = self.RUN_DIR + "/bdev-cache"
    self.DISK_LINKS_DIR = self.RUN_DIR + "/instance-disks"
    self.IMPORT_EXPORT_DIR = self.RUN_DIR + "/import-export"
    self.CRYPTO_KEYS_DIR = self.RUN_DIR + "/crypto"
    self.UIDPOOL_LOCKDIR = self.RUN_DIR + "/uid-pool"
    self.LIVELOCK_DIR = self.RUN_DIR + "/livelocks"
    self.FAKE_HV_DIR = self.RUN_DIR + "/fake-hypervisor"
    self.HOOKS_BASE_DIR = self.CONF_DIR + "/hooks"
    self.FILE_STORAGE_PATHS_FILE = self.CONF_DIR + "/file-storage-paths"
    self.RESTRICTED_COMMANDS_DIR = self.CONF_DIR + "/restricted-commands"
    self.EXPORT_DIR = r("/srv/ganeti/export")
    self.OS_LOG_DIR = self.LOG_DIR + "/os"
    self.XEN_LOG_DIR = self.LOG_DIR + "/xen"
    self.CLEANER_LOG_DIR = self.LOG_DIR + "/cleaner"
    self.MASTER_CLEANER_LOG_DIR = self.LOG_DIR + "/master-cleaner"
    self.LOG_COMMANDS = self.LOG_DIR + "/commands.log"
    self.LOG_WATCHER = self.LOG_DIR + "/watcher.log"
    self.LOG_OS_DIR = self.OS_LOG_DIR
    self.LOG_BURNIN = self.LOG_DIR + "/burnin.log"
    self.BACKUP_DIR = self.DATA_DIR + "/backup"
    # SSH (sshnode): root's key pair and authorized_keys, the host keys and
    # Ganeti's public key list, rooted so that a node root holds its own
    self.SSH_ROOT_DIR = r("/root/.ssh")
    self.SSH_CONFIG_DIR = r("/etc/ssh")
    self.SSH_PUB_KEYS = self.DATA_DIR + "/ganeti_pub_keys"
    self.SSHD_PID_FILE = r(LOCALSTATEDIR + "/run/sshd.pid")
    # cluster verify and the watcher
    self.USER_SCRIPTS_DIR = self.CONF_DIR + "/scripts"
    self.EXTERNAL_MASTER_SETUP_SCRIPT = \
      self.USER_SCRIPTS_DIR + "/master-ip-setup"
    self.WATCHER_LOCK_FILE = self.LOCK_DIR + "/ganeti-watcher.lock"
    self.WATCHER_STATEFILE = self.DATA_DIR + "/watcher.data"

  def Prefix(self, path: str) -> str:
    """Prefix an absolute path with this node's root (if virtual)."""
    return self._prefix(path)

  def GetLogFilename(self, daemon_logbase: str) -> str:
    return "%s/%s.log" % (self.LOG_DIR, daemon_logbase)

  def DaemonPidFile(self, daemon: str) -> str:
    return "%s/%s.pid" % (self.RUN_DIR, daemon)

  def SsconfFile(self, key: str) -> str:
    return "%s/ssconf_%s" % (self.DATA_DIR, key)

  def OsSearchPath(self):
    """The OS search path, below the node root in a virtual cluster."""
    from ganeti import constants
    return [self._prefix(p) for p in constants.OS_SEARCH_PATH]

  def EsSearchPath(self):
    from ganeti import constants
    return [self._prefix(p) for p in constants.ES_SEARCH_PATH]

  def IAllocatorSearchPath(self):
    """The iallocator search path, below the node root if virtual."""
    from ganeti import constants
    return [self._prefix(p) for p in constants.IALLOCATOR_SEARCH_PATH]


_cache_lock = threading.Lock()
_cache = {}


def Get(env=None) -> Paths:
  """The paths of the node this process acts as (cached per root)."""
  rootdir = vcluster.GetEnv(env)[0]
  paths = _cache.get(rootdir)
  if paths is None:
    with _cache_lock:
      paths = _cache.setdefault(rootdir, Paths(rootdir))
  return paths


def IsBelowDir(root: str, other: str) -> bool:
  root = os.path.normpath(root)
  other = os.path.normpath(other)
  return other == root or other.startswith(root.rstrip("/") + "/")
