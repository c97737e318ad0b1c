"""Node side of disk transfers: start, watch, abort and clean up helpers.

Each transfer runs one ``import-export`` helper process
(:mod:`ganeti.impexpd.daemon`) with its own status directory
``IMPORT_EXPORT_DIR/<mode>-<instance>-<component>-XXXXXX``; the directory's
base name is the transfer's name in the ``impexp_*`` RPCs.

The ``opts`` argument of ``import_start``/``export_start`` is a dict with
Ganeti's ImportExportOptions keys: ``key_name`` (None: the cluster
certificate), ``ca_pem`` (None: the cluster certificate), ``compress``,
``magic``, ``ipv6``, ``connect_timeout``; plus ``bind``, the address an
importer listens on (default: all addresses of its family).

The data end ``[ieio, ieioargs]`` is one of:

* ``["file", [path]]``: a file below the export directory (cluster path);
* ``["raw", [disk dict]]``: the disk itself;
* ``["script", [disk dict, index]]``: the instance OS's ``export`` or
  ``import`` script for that disk (``EXPORT_DEVICE``/``EXPORT_INDEX`` or
  ``IMPORT_DEVICE``/``IMPORT_INDEX`` added to the OS environment).
"""

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from ganeti import impexpd
from ganeti import pathutils
from ganeti import serializer
from ganeti import vcluster
from ganeti.backend import _Fail
from ganeti.backend import bdev
from ganeti.backend import os as backend_os
from ganeti.utils import io
from ganeti.utils import process

_SCRIPT_NAME = "import-export"
_NAME_RE = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9_.+]*$")
_KILL_WAIT = 10.0


def _FindHelper():
  """The ``import-export`` program: beside the node daemon, else installed."""
  candidates = [os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])),
                             _SCRIPT_NAME)]
  top = os.environ.get("PYGANETI_TOP")
  if top:
    candidates.append(os.path.join(top, "daemons", _SCRIPT_NAME))
  here = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(__file__))))
  candidates.append(os.path.join(here, "daemons", _SCRIPT_NAME))
  candidates.append(os.path.join(pathutils.PKGLIBDIR, _SCRIPT_NAME))
  for path in candidates:
    if os.path.isfile(path):
      return path
  _Fail("Can't find the %s helper", _SCRIPT_NAME)


def ExportPath(path):
  """Local path of ``path``, which must be below the export directory.

  ``path`` is a cluster path (or a virtual path from the master); a
  relative path is taken relative to the export directory.
  """
  if path.startswith(vcluster.VIRT_PATH_PREFIX):
    path = vcluster.LocalizeVirtualPath(path)
  export_dir = pathutils.Get().EXPORT_DIR
  rootdir = vcluster.GetEnv()[0]
  if not os.path.isabs(path):
    path = os.path.join(export_dir, path)
  elif rootdir and not pathutils.IsBelowDir(rootdir, path):
    path = vcluster.AddNodePrefix(path, rootdir)
  path = os.path.normpath(path)
  if path == export_dir or not pathutils.IsBelowDir(export_dir, path):
    _Fail("File '%s' is not under exports directory '%s'",
          _ClusterPath(path), _ClusterPath(export_dir))
  return path


def _ClusterPath(path):
  rootdir = vcluster.GetEnv()[0]
  if rootdir and pathutils.IsBelowDir(rootdir, path):
    return path[len(rootdir):] or "/"
  return path


_ToDisk = bdev.ToDisk


def _ScriptSpec(mode, instance, disk, idx, component):
  inst_os = backend_os.OSFromDisk(instance.os)
  env = backend_os.OSEnvironment(instance, inst_os)
  path = backend_os._DiskPath(disk)  # pylint: disable=W0212
  if mode == impexpd.IEM_IMPORT:
    env["IMPORT_DEVICE"] = path
    env["IMPORT_INDEX"] = str(idx)
    script = inst_os.import_script
  else:
    env["EXPORT_DEVICE"] = path
    env["EXPORT_INDEX"] = str(idx)
    script = inst_os.export_script
  log = backend_os.InstanceLogName(mode, inst_os.name, instance.name,
                                   _SafeComponent(component))
  return {"kind": impexpd.IEIO_SCRIPT, "argv": [script], "env": env,
          "cwd": inst_os.path, "log": log}


def _IoSpec(mode, instance, component, ieio, ieioargs):
  """The helper's I/O spec (see :mod:`ganeti.impexpd.stream`)."""
  if ieio == impexpd.IEIO_FILE:
    (path, ) = ieioargs
    path = ExportPath(path)
    if mode == impexpd.IEM_IMPORT:
      os.makedirs(os.path.dirname(path), 0o750, exist_ok=True)
    elif not os.path.isfile(path):
      _Fail("File '%s' does not exist", _ClusterPath(path))
    return {"kind": impexpd.IEIO_FILE, "path": path}
  if ieio == impexpd.IEIO_RAW_DISK:
    disk = _ToDisk(ieioargs[0])
    path = backend_os._DiskPath(disk)  # pylint: disable=W0212
    if not os.path.exists(path):
      _Fail("Disk '%s' is not set up", disk.iv_name or path)
    return {"kind": impexpd.IEIO_RAW_DISK, "path": path, "size": disk.size}
  if ieio == impexpd.IEIO_SCRIPT:
    (disk, idx) = ieioargs
    return _ScriptSpec(mode, instance, _ToDisk(disk), int(idx), component)
  _Fail("Invalid import/export I/O kind '%s'", ieio)


def _SafeComponent(component):
  return re.sub(r"[^A-Za-z0-9_.+-]", "_", str(component))


def _StartDaemon(mode, opts, host, port, instance, component, ieio,
                 ieioargs):
  if not isinstance(opts, dict):
    _Fail("Invalid import/export options %r", opts)
  instance = backend_os._ToInstance(instance)  # pylint: disable=W0212
  compress = opts.get("compress") or impexpd.IEC_NONE
  if compress not in impexpd.IEC_ALL:
    _Fail("Invalid compression '%s'", compress)
  magic = opts.get("magic")
  if not impexpd.CheckMagic(magic):
    _Fail("Invalid magic '%s'", magic)
  paths = pathutils.Get()
  if opts.get("key_name"):
    _Fail("Named X509 keys (inter-cluster transfers) are not supported")
  os.makedirs(paths.IMPORT_EXPORT_DIR, 0o755, exist_ok=True)
  prefix = "%s-%s-%s-" % (mode, instance.name, _SafeComponent(component))
  status_dir = tempfile.mkdtemp(prefix=prefix, dir=paths.IMPORT_EXPORT_DIR)
  try:
    spec = _IoSpec(mode, instance, component, ieio, ieioargs)
    ca_file = os.path.join(status_dir, impexpd.CA_FILE)
    if opts.get("ca_pem"):
      io.WriteFile(ca_file, data=opts["ca_pem"], mode=0o400)
    else:
      shutil.copyfile(paths.NODED_CERT_FILE, ca_file)
    spec_file = os.path.join(status_dir, impexpd.IO_SPEC_FILE)
    io.WriteFile(spec_file, data=serializer.DumpJson(spec), mode=0o600)
    status_file = os.path.join(status_dir, impexpd.STATUS_FILE)
    cmd = [sys.executable, _FindHelper(), status_file, mode,
           "--key=%s" % paths.NODED_CERT_FILE,
           "--cert=%s" % paths.NODED_CERT_FILE, "--ca=%s" % ca_file,
           "--compress=%s" % compress, "--io-spec=%s" % spec_file]
    cmd.append("--ipv6" if opts.get("ipv6") else "--ipv4")
    if magic:
      cmd.append("--magic=%s" % magic)
    if opts.get("connect_timeout"):
      cmd.append("--connect-timeout=%d" % int(opts["connect_timeout"]))
    size = _ExpectedSize(spec, ieio, ieioargs)
    if size is not None:
      cmd.append("--expected-size=%d" % size)
    if mode == impexpd.IEM_EXPORT:
      cmd.extend(["--host=%s" % host, "--port=%d" % int(port)])
    elif opts.get("bind"):
      cmd.append("--bind=%s" % opts["bind"])
    log = open(os.path.join(status_dir, impexpd.LOG_FILE), "ab")
    try:
      proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, close_fds=True,
                              start_new_session=True, cwd="/")
    except OSError as err:
      _Fail("Can't start the %s helper: %s", _SCRIPT_NAME, err)
    finally:
      log.close()
    io.WriteFile(os.path.join(status_dir, impexpd.PID_FILE),
                 data="%d\n" % proc.pid)
  except BaseException:
    shutil.rmtree(status_dir, ignore_errors=True)
    raise
  return os.path.basename(status_dir)


def _ExpectedSize(spec, ieio, ieioargs):
  """Expected size in MiB, if known before the transfer."""
  if spec["kind"] == impexpd.IEIO_RAW_DISK:
    return int(spec["size"])
  if spec["kind"] == impexpd.IEIO_FILE and os.path.isfile(spec["path"]):
    return (os.stat(spec["path"]).st_size + 1024 * 1024 - 1) // (1024 * 1024)
  if ieio == impexpd.IEIO_SCRIPT:
    disk = _ToDisk(ieioargs[0])
    return int(disk.size) if disk.size is not None else None
  return None


def StartImport(opts, instance, component, dest):
  """``import_start``: start an importer; returns the transfer name."""
  (ieio, ieioargs) = dest
  return _StartDaemon(impexpd.IEM_IMPORT, opts, None, None, instance,
                      component, ieio, ieioargs)


def StartExport(opts, host, port, instance, component, source):
  """``export_start``: start an exporter; returns the transfer name."""
  (ieio, ieioargs) = source
  if not host or not port:
    _Fail("Export needs a destination host and port")
  return _StartDaemon(impexpd.IEM_EXPORT, opts, host, port, instance,
                      component, ieio, ieioargs)


def _StatusDir(name):
  if not isinstance(name, str) or not _NAME_RE.match(name):
    _Fail("Invalid import/export name '%s'", name)
  return os.path.join(pathutils.Get().IMPORT_EXPORT_DIR, name)


def _ReadPid(status_dir):
  try:
    with open(os.path.join(status_dir, impexpd.PID_FILE)) as fh:
      return int(fh.read().strip())
  except (OSError, ValueError):
    return None


def GetStatus(names):
  """``impexp_status``: the status dict of each transfer, None if unknown.

  A helper that died without reporting an exit status is reported as
  failed.
  """
  result = []
  for name in names:
    status_dir = _StatusDir(name)
    if not os.path.isdir(status_dir):
      result.append(None)
      continue
    status = impexpd.ReadStatus(os.path.join(status_dir,
                                             impexpd.STATUS_FILE))
    pid = _ReadPid(status_dir)
    alive = pid is not None and process.IsProcessAlive(pid)
    if status is None:
      if alive:
        status = dict.fromkeys(impexpd.STATUS_KEYS)
        status.update({"recent_output": [], "connected": False})
      else:
        status = None
    if status is not None and status.get("exit_status") is None and \
        not alive:
      # re-read: the helper may have finished between the two reads
      status = impexpd.ReadStatus(os.path.join(status_dir,
                                               impexpd.STATUS_FILE)) or status
      if status.get("exit_status") is None:
        status["exit_status"] = -1
        status["error_message"] = ("The %s helper died unexpectedly" %
                                   _SCRIPT_NAME)
    if status is None:
      status = dict.fromkeys(impexpd.STATUS_KEYS)
      status.update({"recent_output": [], "connected": False,
                     "exit_status": -1,
                     "error_message": "The %s helper did not start" %
                     _SCRIPT_NAME})
    result.append(status)
  return result


def _Signal(pid, sig):
  try:
    os.kill(pid, sig)
  except OSError as err:
    if err.errno != errno.ESRCH:
      raise


def Abort(name):
  """``impexp_abort``: ask the helper to stop (SIGTERM)."""
  status_dir = _StatusDir(name)
  pid = _ReadPid(status_dir)
  if pid is not None and process.IsProcessAlive(pid):
    _Signal(pid, signal.SIGTERM)
  return None


def Cleanup(name):
  """``impexp_cleanup``: stop the helper if needed; remove its directory."""
  status_dir = _StatusDir(name)
  pid = _ReadPid(status_dir)
  if pid is not None and process.IsProcessAlive(pid):
    _Signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + _KILL_WAIT
    while process.IsProcessAlive(pid) and time.monotonic() < deadline:
      time.sleep(0.1)
    if process.IsProcessAlive(pid):
      _Signal(pid, signal.SIGKILL)
  shutil.rmtree(status_dir, ignore_errors=True)
  return None
