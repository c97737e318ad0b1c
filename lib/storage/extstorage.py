"""ExtStorage providers (dev_type ``ext``): disks handled by external scripts.

A provider is a directory named after it in the ExtStorage search path
(``constants.ES_SEARCH_PATH``, below the node root in a virtual cluster)
holding the executables ``create``, ``attach``, ``detach``, ``remove``,
``grow``, ``setinfo`` and ``verify``, optionally ``snapshot``, ``open`` and
``close``, and the text file ``parameters.list`` (see
ganeti-extstorage-interface(7)).

A disk's logical id is ``(provider, vol_name)``.  Scripts run in the
provider directory with a clean environment: ``PATH``, ``VOL_NAME``, one
``EXTP_<PARAM>`` per disk parameter and the per-action variables
(``VOL_SIZE``, ``VOL_NEW_SIZE``, ``VOL_METADATA``, ``VOL_CNAME``,
``VOL_UUID``, ``VOL_SNAPSHOT_NAME``, ``VOL_SNAPSHOT_SIZE``,
``VOL_OPEN_EXCLUSIVE``); in a virtual cluster also ``GANETI_ROOTDIR`` and
``GANETI_HOSTNAME`` so a provider can keep its data per cluster.  The
output of every action but ``attach`` goes to
``$LOG_DIR/extstorage/<action>-<provider>-<vol>-<time>.log``; a failure
reports the last 20 lines.

As in Ganeti, attaching runs ``attach`` (which must be idempotent): its
first output line is the device path (may be empty for userspace-only
access), further lines ``<hypervisor>:<uri>``.  The path must be a block
device, or a regular file (this project's file-backed provider without
loop devices).
"""

import logging
import os
import re
import stat
import time

from ganeti import errors
from ganeti import pathutils
from ganeti import vcluster
from ganeti.storage import base

ES_ACTION_CREATE = "create"
ES_ACTION_REMOVE = "remove"
ES_ACTION_GROW = "grow"
ES_ACTION_ATTACH = "attach"
ES_ACTION_DETACH = "detach"
ES_ACTION_SETINFO = "setinfo"
ES_ACTION_VERIFY = "verify"
ES_ACTION_SNAPSHOT = "snapshot"
ES_ACTION_OPEN = "open"
ES_ACTION_CLOSE = "close"

ES_SCRIPTS_REQUIRED = (ES_ACTION_CREATE, ES_ACTION_REMOVE, ES_ACTION_GROW,
                       ES_ACTION_ATTACH, ES_ACTION_DETACH, ES_ACTION_SETINFO,
                       ES_ACTION_VERIFY)
ES_SCRIPTS_OPTIONAL = (ES_ACTION_SNAPSHOT, ES_ACTION_OPEN, ES_ACTION_CLOSE)
ES_SCRIPTS = ES_SCRIPTS_REQUIRED + ES_SCRIPTS_OPTIONAL
ES_PARAMETERS_FILE = "parameters.list"

_TAIL_LINES = 20


class ExtStorageProvider:
  """A provider found on disk.

  @ivar name: provider name
  @ivar path: its directory
  @ivar scripts: action -> script path (None for a missing optional one)
  @ivar supported_parameters: list of ``[name, description]``
  """

  def __init__(self, name, path, scripts, supported_parameters):
    self.name = name
    self.path = path
    self.scripts = scripts
    self.supported_parameters = supported_parameters


def _ProviderDir(name: str, search_path=None):
  if search_path is None:
    search_path = pathutils.Get().EsSearchPath()
  for sdir in search_path:
    path = os.path.join(sdir, name)
    if os.path.isdir(path):
      return path
  return None


def LoadProvider(name: str, path: str = None):
  """Load provider ``name`` (from ``path`` or the search path).

  @return: ``(True, ExtStorageProvider)`` or ``(False, diagnose message)``
  """
  if not name or "/" in name or name in (".", ".."):
    return (False, "Invalid ExtStorage provider name '%s'" % name)
  if path is None:
    path = _ProviderDir(name)
    if path is None:
      return (False, "Directory for External Storage Provider %s not"
              " found in search path" % name)
  scripts = {}
  for action in ES_SCRIPTS:
    script = os.path.join(path, action)
    try:
      st = os.stat(script)
    except OSError as err:
      if action in ES_SCRIPTS_OPTIONAL:
        scripts[action] = None
        continue
      return (False, "'%s' script missing (%s)" % (action, err.strerror))
    if not stat.S_ISREG(st.st_mode):
      return (False, "'%s' is not a regular file" % action)
    if not st.st_mode & stat.S_IXUSR:
      return (False, "'%s' is not executable" % action)
    scripts[action] = script
  params_file = os.path.join(path, ES_PARAMETERS_FILE)
  try:
    with open(params_file) as fh:
      lines = fh.read().splitlines()
  except OSError as err:
    return (False, "Error while reading the EXT parameters file at %s: %s" %
            (params_file, err.strerror))
  params = []
  for line in lines:
    line = line.strip()
    if not line:
      continue
    parts = line.split(None, 1)
    params.append([parts[0], parts[1].strip() if len(parts) > 1 else ""])
  return (True, ExtStorageProvider(name, path, scripts, params))


def DiagnoseProviders(search_path=None) -> list:
  """All providers in the search path (first directory wins per name).

  @return: list of ``[name, path, status, diagnose, parameters]``
  """
  if search_path is None:
    search_path = pathutils.Get().EsSearchPath()
  result = []
  seen = set()
  for sdir in search_path:
    try:
      names = sorted(os.listdir(sdir))
    except OSError:
      continue
    for name in names:
      path = os.path.join(sdir, name)
      if name in seen or not os.path.isdir(path):
        continue
      seen.add(name)
      (ok, prov) = LoadProvider(name, path)
      if ok:
        result.append([name, path, True, "", prov.supported_parameters])
      else:
        result.append([name, path, False, prov, []])
  return result


def BuildEnvironment(vol_name, ext_params, size=None, grow=None,
                     metadata=None, name=None, uuid=None, snap_name=None,
                     snap_size=None, exclusive=None) -> dict:
  """The variables of one script run (PATH is added by RunCmd)."""
  env = {"VOL_NAME": vol_name}
  for (pname, pvalue) in (ext_params or {}).items():
    env["EXTP_%s" % pname.upper()] = str(pvalue)
  optional = [("VOL_SIZE", size), ("VOL_NEW_SIZE", grow),
              ("VOL_METADATA", metadata), ("VOL_CNAME", name),
              ("VOL_UUID", uuid), ("VOL_SNAPSHOT_NAME", snap_name),
              ("VOL_SNAPSHOT_SIZE", snap_size),
              ("VOL_OPEN_EXCLUSIVE", exclusive)]
  for (key, value) in optional:
    if value is not None:
      env[key] = str(value)
  (rootdir, hostname) = vcluster.GetEnv()
  if rootdir:
    env[vcluster.ENV_ROOTDIR] = rootdir
    env[vcluster.ENV_HOSTNAME] = hostname
  return env


def _LogFileName(action, provider, vol_name):
  logdir = os.path.join(pathutils.Get().LOG_DIR, "extstorage")
  os.makedirs(logdir, 0o750, exist_ok=True)
  stamp = time.strftime("%Y-%m-%d_%H_%M_%S", time.localtime())
  return os.path.join(logdir, "%s-%s-%s-%s_%06d.log" %
                      (action, provider, vol_name.replace("/", "_"), stamp,
                       int(time.time() * 1e6) % 1000000))


def _Tail(path, lines=_TAIL_LINES):
  try:
    with open(path, errors="replace") as fh:
      return fh.read().splitlines()[-lines:]
  except OSError as err:
    return ["(can't read %s: %s)" % (path, err)]


def RunAction(action, unique_id, ext_params, **kwargs):
  """Run the provider script of ``action`` for volume ``unique_id``.

  @return: the script's stdout for ``attach``, else None (also when an
    optional script is missing: the action is skipped)
  @raise errors.BlockDeviceError: provider invalid or the script failed
  """
  (provider, vol_name) = unique_id
  (ok, prov) = LoadProvider(provider)
  if not ok:
    base.ThrowError("%s", prov)
  if action not in ES_SCRIPTS:
    base.ThrowError("Action '%s' doesn't result in a valid ExtStorage"
                    " script", action)
  script = prov.scripts.get(action)
  if not script:
    logging.info("Optional action '%s' is not supported by provider '%s',"
                 " skipping", action, provider)
    return None
  env = BuildEnvironment(vol_name, ext_params, **kwargs)
  logfile = None
  if action != ES_ACTION_ATTACH:
    logfile = _LogFileName(action, provider, vol_name)
  result = base.RunCmd([script], env=env, reset_env=True, cwd=prov.path,
                       output=logfile)
  if result.failed:
    if logfile:
      lines = _Tail(logfile)
    else:
      lines = result.output.splitlines()[-_TAIL_LINES:]
    base.ThrowError("External storage's %s script failed (%s), last lines"
                    " of output:\n%s", action, result.fail_reason,
                    "\n".join(lines))
  if action == ES_ACTION_ATTACH:
    return result.stdout
  return None


def _SanitizeMetadata(text):
  text = re.sub("^[^A-Za-z0-9_+.]", "_", text)
  return re.sub("[^-A-Za-z0-9_+.]", "_", text)


class ExtStorageDevice(base.BlockDev):
  """A volume of an ExtStorage provider."""

  def __init__(self, unique_id, children, size, params, dyn_params=None,
               **kwargs):
    (provider, vol_name) = base.CheckLogicalId(unique_id, 2, "ext")
    super().__init__((provider, vol_name), children, size, params,
                     dyn_params, **kwargs)
    self.driver = provider
    self.vol_name = vol_name
    self.name = kwargs.get("name")
    self.uuid = kwargs.get("uuid")
    self.uris = []
    self.Attach()

  def _Run(self, action, **kwargs):
    return RunAction(action, self.unique_id, self.params, name=self.name,
                     uuid=self.uuid, **kwargs)

  @classmethod
  def Create(cls, unique_id, children, size, spindles, params, excl_stor,
             dyn_params, **kwargs):
    """Run ``create`` with ``VOL_SIZE``, then attach; if attaching fails,
    ``remove`` the new volume again."""
    if excl_stor:
      base.ThrowError("ExtStorage device requested with exclusive_storage")
    unique_id = base.CheckLogicalId(unique_id, 2, "ext")
    ids = {"name": kwargs.get("name"), "uuid": kwargs.get("uuid")}
    RunAction(ES_ACTION_CREATE, unique_id, params, size=int(size), **ids)
    try:
      return cls(unique_id, children, size, params, dyn_params, **kwargs)
    except errors.BlockDeviceError:
      # don't leave a volume behind that nobody knows about
      try:
        RunAction(ES_ACTION_REMOVE, unique_id, params, **ids)
      except errors.BlockDeviceError as err:
        logging.error("Can't remove volume %s after a failed attach: %s",
                      unique_id[1], err)
      raise

  def Attach(self, **kwargs) -> bool:
    """Run ``attach``; parse the device path and the userspace URIs.

    @raise errors.BlockDeviceError: the provider or its script fails
    """
    self.attached = False
    output = self._Run(ES_ACTION_ATTACH) or ""
    lines = output.splitlines()
    path = lines[0].strip() if lines else ""
    self.uris = [line.strip() for line in lines[1:] if line.strip()]
    if not path:
      self.dev_path = None
      if not self.uris:
        logging.error("ExtStorage volume %s: neither a block device nor a"
                      " userspace URI is available", self.vol_name)
        return False
      self.attached = True
      return True
    self.dev_path = path
    try:
      st = os.stat(path)
    except OSError as err:
      logging.error("Error stat()'ing %s: %s", path, err)
      return False
    if stat.S_ISBLK(st.st_mode):
      self.major = os.major(st.st_rdev)
      self.minor = os.minor(st.st_rdev)
    elif not stat.S_ISREG(st.st_mode):
      logging.error("%s is neither a block device nor a file", path)
      return False
    self.attached = True
    return True

  def Assemble(self) -> None:
    """Attaching did it; attach again if it was detached since."""
    if not self.attached and not self.Attach():
      base.ThrowError("Can't attach to ExtStorage volume %s", self.vol_name)

  def Shutdown(self) -> None:
    """Run ``detach``."""
    self._Run(ES_ACTION_DETACH)
    self.attached = False
    self.minor = None
    self.dev_path = None

  def Remove(self) -> None:
    """Run ``remove`` (the provider detaches first if it must)."""
    self._Run(ES_ACTION_REMOVE)
    self.attached = False

  def Rename(self, new_id) -> None:
    """Nothing: volumes keep their names (as in Ganeti)."""

  def Open(self, force: bool = False, exclusive: bool = True) -> None:
    """Run the optional ``open`` with ``VOL_OPEN_EXCLUSIVE``."""
    self._Run(ES_ACTION_OPEN, exclusive=exclusive)

  def Close(self) -> None:
    """Run the optional ``close``."""
    self._Run(ES_ACTION_CLOSE)

  def Grow(self, amount: int, dryrun: bool, backingstore: bool,
           excl_stor: bool) -> None:
    """Run ``grow`` with ``VOL_SIZE`` and ``VOL_NEW_SIZE``."""
    if not backingstore:
      return
    if not self.attached and not self.Attach():
      base.ThrowError("Can't attach to extstorage device during Grow()")
    if dryrun:
      return
    new_size = int(self.size) + int(amount)
    self._Run(ES_ACTION_GROW, size=int(self.size), grow=new_size)
    self.size = new_size

  def SetInfo(self, text: str) -> None:
    """Run ``setinfo`` with ``VOL_METADATA``."""
    self._Run(ES_ACTION_SETINFO, metadata=_SanitizeMetadata(text or ""))

  def Snapshot(self, snap_name=None, snap_size=None):
    """Run the optional ``snapshot``; return ``(provider, snap_name)``.

    @raise errors.BlockDeviceError: the provider has no snapshot script
    """
    if snap_name is None:
      snap_name = self.vol_name + ".snap"
    if snap_size is None:
      snap_size = self.size
    (ok, prov) = LoadProvider(self.driver)
    if ok and not prov.scripts.get(ES_ACTION_SNAPSHOT):
      base.ThrowError("ExtStorage provider %s does not support snapshots",
                      self.driver)
    self._Run(ES_ACTION_SNAPSHOT, snap_name=snap_name, snap_size=snap_size)
    return (self.driver, snap_name)

  def GetActualSize(self) -> int:
    if self.dev_path and os.path.isfile(self.dev_path):
      return os.stat(self.dev_path).st_size
    return super().GetActualSize()

  def GetUserspaceAccessUri(self, hypervisor: str) -> str:
    """The ``<hypervisor>:<uri>`` line attach printed for ``hypervisor``."""
    prefix = hypervisor + ":"
    for uri in self.uris:
      if uri.startswith(prefix):
        return uri[len(prefix):]
    base.ThrowError("Userspace access is not supported by the '%s'"
                    " ExtStorage provider for the '%s' hypervisor",
                    self.driver, hypervisor)
