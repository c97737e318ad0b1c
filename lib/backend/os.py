"""OS definitions (the OS API): discovery, validation, running scripts.

An OS is a directory named after it in the OS search path
(``pathutils.Get().OsSearchPath()``; first match wins).  See the
ganeti-os-interface(7) rules: ``ganeti_api_version`` must intersect
{10, 15, 20}; ``create``, ``import``, ``export``, ``rename`` are required
executables (plus ``verify`` for API 20); ``variants.list`` is optional;
``parameters.list`` is required for API 20.
"""

import errno
import logging
import os
import stat
import time

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import pathutils
from ganeti.backend import RPCFail, _Fail
from ganeti.backend import bdev
from ganeti.utils import process

OS_SCRIPT_CREATE = "create"
OS_SCRIPT_CREATE_UNTRUSTED = "create_untrusted"
OS_SCRIPT_IMPORT = "import"
OS_SCRIPT_EXPORT = "export"
OS_SCRIPT_RENAME = "rename"
OS_SCRIPT_VERIFY = "verify"
OS_API_FILE = "ganeti_api_version"
OS_VARIANTS_FILE = "variants.list"
OS_PARAMETERS_FILE = "parameters.list"
OS_VALIDATE_PARAMETERS = "parameters"
OS_VALIDATE_CALLS = frozenset([OS_VALIDATE_PARAMETERS])
HOOKS_PATH = "/sbin:/bin:/usr/sbin:/usr/bin"
_TAIL_LINES = 20
#: the disk parameter choosing kernel- or userspace access (Ganeti's names)
_LDP_ACCESS = "access"
_DISK_USERSPACE = "userspace"


class _OSError(Exception):
  """An OS directory is not a valid OS definition (message = diagnose)."""


def _ErrnoName(err):
  """``ENOENT`` and the like (Ganeti's utils.ErrnoOrStr)."""
  return errno.errorcode.get(err.errno, str(err)) if err.errno else str(err)


def _ReadLines(path):
  with open(path) as fh:
    return [line.strip() for line in fh.read().splitlines()]


def _OSOndiskAPIVersion(os_dir):
  """Return the API versions listed by the OS, or raise _OSError."""
  api_file = os.path.join(os_dir, OS_API_FILE)
  try:
    st = os.stat(api_file)
  except OSError as err:
    raise _OSError("Required file '%s' not found under path %s: %s" %
                   (OS_API_FILE, os_dir, err.strerror))
  if not stat.S_ISREG(st.st_mode):
    raise _OSError("File '%s' in %s is not a regular file" %
                   (OS_API_FILE, os_dir))
  try:
    versions = [int(v) for v in _ReadLines(api_file) if v]
  except (OSError, ValueError) as err:
    raise _OSError("Error while reading the API version file at %s: %s" %
                   (api_file, err))
  return versions


def _FindOSDir(name):
  for base in pathutils.Get().OsSearchPath():
    path = os.path.join(base, name)
    if os.path.isdir(path):
      return path
  return None


def _LoadOS(name, os_dir):
  """Build an L{objects.OS} from a directory, or raise _OSError."""
  api_versions = _OSOndiskAPIVersion(os_dir)
  common = set(api_versions) & constants.OS_API_VERSIONS
  if not common:
    raise _OSError("API version mismatch for path '%s': found %s, want %s."
                   % (os_dir, api_versions,
                      sorted(constants.OS_API_VERSIONS, reverse=True)))
  max_api = max(common)
  required = {OS_SCRIPT_CREATE: True, OS_SCRIPT_EXPORT: True,
              OS_SCRIPT_IMPORT: True, OS_SCRIPT_RENAME: True}
  if max_api >= constants.OS_API_V20:
    required[OS_SCRIPT_VERIFY] = True
  # 3.0: an OS may provide create_untrusted instead of (or besides) create
  create_path = os.path.join(os_dir, OS_SCRIPT_CREATE)
  untrusted_path = os.path.join(os_dir, OS_SCRIPT_CREATE_UNTRUSTED)
  has_untrusted = os.path.exists(untrusted_path)
  if has_untrusted and not os.path.exists(create_path):
    required[OS_SCRIPT_CREATE] = False
    required[OS_SCRIPT_CREATE_UNTRUSTED] = True
  files = {}
  for (script, needed) in required.items():
    path = os.path.join(os_dir, script)
    try:
      st = os.stat(path)
    except OSError as err:
      if needed:
        raise _OSError("File '%s' under path '%s' is missing (%s)" %
                       (script, os_dir, _ErrnoName(err)))
      files[script] = None
      continue
    if not stat.S_ISREG(st.st_mode):
      raise _OSError("File '%s' under path '%s' is not a regular file" %
                     (script, os_dir))
    if not st.st_mode & stat.S_IXUSR:
      raise _OSError("File '%s' under path '%s' is not executable" %
                     (script, os_dir))
    files[script] = path
  variants = []
  if max_api >= constants.OS_API_V15:
    vfile = os.path.join(os_dir, OS_VARIANTS_FILE)
    if os.path.exists(vfile):
      try:
        variants = [v for v in _ReadLines(vfile)
                    if v and not v.startswith("#")]
      except OSError as err:
        raise _OSError("Error while reading the OS variants file at %s: %s"
                       % (vfile, err))
      if not variants:
        raise _OSError("No supported os variant found in %s" % vfile)
  parameters = []
  if max_api >= constants.OS_API_V20:
    pfile = os.path.join(os_dir, OS_PARAMETERS_FILE)
    if not os.path.exists(pfile):
      raise _OSError("File '%s' under path '%s' is missing (ENOENT)" %
                     (OS_PARAMETERS_FILE, os_dir))
    try:
      lines = _ReadLines(pfile)
    except OSError as err:
      raise _OSError("Error while reading the OS parameters file at %s: %s"
                     % (pfile, err))
    for line in lines:
      if not line or line.startswith("#"):
        continue
      parts = line.split(None, 1)
      parameters.append([parts[0], parts[1] if len(parts) > 1 else ""])
  return objects.OS(name=name, path=os_dir, api_versions=api_versions,
                    create_script=files.get(OS_SCRIPT_CREATE),
                    create_script_untrusted=(untrusted_path if has_untrusted
                                             else None),
                    export_script=files.get(OS_SCRIPT_EXPORT),
                    import_script=files.get(OS_SCRIPT_IMPORT),
                    rename_script=files.get(OS_SCRIPT_RENAME),
                    verify_script=files.get(OS_SCRIPT_VERIFY),
                    supported_variants=variants,
                    supported_parameters=parameters,
                    trusted=files.get(OS_SCRIPT_CREATE) is not None)


def OSFromDisk(name):
  """Find and load OS ``name`` (a variant suffix is ignored).

  @raise RPCFail: not found or invalid
  """
  base = objects.OS.GetName(name)
  os_dir = _FindOSDir(base)
  if os_dir is None:
    _Fail("Directory for OS %s not found in search path" % base, log=False)
  try:
    return _LoadOS(base, os_dir)
  except _OSError as err:
    _Fail("Invalid OS '%s': %s", base, err, log=False)


def DiagnoseOS():
  """All OS directories of the search path, in search-path order.

  A name found in several search directories is reported for each; the
  first is the one in use, the master shows the others as hidden.
  @return: list of [name, path, status, diagnose, variants, parameters,
      api_versions, trusted]

  """
  result = []
  for base in pathutils.Get().OsSearchPath():
    try:
      names = sorted(n for n in os.listdir(base) if not n.startswith("."))
    except OSError:
      continue
    for name in names:
      os_dir = os.path.join(base, name)
      if not os.path.isdir(os_dir):
        continue
      try:
        inst_os = _LoadOS(name, os_dir)
      except _OSError as err:
        result.append([name, os_dir, False, str(err), [], [], [], False])
        continue
      result.append([name, os_dir, True, "", inst_os.supported_variants,
                     inst_os.supported_parameters, inst_os.api_versions,
                     inst_os.trusted])
  return result


def GetOS(name):
  """objects.OS dict of OS ``name``."""
  return OSFromDisk(name).ToDict()


def _ApiVersion(inst_os):
  return max(set(inst_os.api_versions) & constants.OS_API_VERSIONS)


def OSCoreEnv(os_name, inst_os, os_params, debug=0):
  """The environment common to all OS scripts (values are str)."""
  api_version = _ApiVersion(inst_os)
  env = {"OS_API_VERSION": "%d" % api_version,
         "OS_NAME": inst_os.name,
         "DEBUG_LEVEL": "%d" % int(debug),
         "PATH": HOOKS_PATH}
  env["OS_VARIANT"] = _EnvVariant(os_name, inst_os, api_version)
  for (pname, pvalue) in (os_params or {}).items():
    env["OSP_%s" % pname.upper().replace("-", "_")] = str(pvalue)
  return env


def _EnvVariant(os_name, inst_os, api_version):
  """``OS_VARIANT``: always set, empty below API 15 or without variants.

  The variant named in ``os_name`` (``os+variant``) wins; an OS that
  declares variants gets its first one when none is named.
  """
  if api_version < constants.OS_API_V15 or not inst_os.supported_variants:
    return ""
  return (objects.OS.GetVariant(os_name) or inst_os.supported_variants[0])


def InstanceOsParams(instance):
  """All OS parameters of an instance as the scripts see them.

  The public ones (already filled with the cluster defaults by the master)
  overlaid with the private ones; secret ones travel as the RPC's override
  and are merged by the caller.
  """
  params = dict(instance.osparams or {})
  params.update(instance.osparams_private or {})
  return params


def _DiskUri(instance, disk):
  """The userspace URI of a disk whose ``access`` disk parameter asks for it.

  @return: the URI, or None for kernel-space access (the default)
  """
  if (disk.params or {}).get(_LDP_ACCESS) != _DISK_USERSPACE:
    return None
  try:
    dev = bdev.FindDevice(disk)
  except errors.BlockDeviceError as err:
    _Fail("Cannot find disk %s: %s", disk.iv_name or disk.uuid, err)
  if dev is None:
    _Fail("Disk %s is not set up on this node", disk.iv_name or disk.uuid)
  return dev.GetUserspaceAccessUri(instance.hypervisor)


def _DiskPath(disk):
  return bdev.OpenDevice(disk).dev_path


def OSEnvironment(instance, inst_os, debug=0):
  """The full environment of an instance OS script (spec §8).

  @param instance: L{objects.Instance} with disks_info and filled params
  """
  env = OSCoreEnv(instance.os, inst_os, InstanceOsParams(instance),
                  debug=debug)
  hvp = instance.hvparams or {}
  env["INSTANCE_NAME"] = instance.name
  env["INSTANCE_OS"] = instance.os
  env["INSTANCE_UUID"] = instance.uuid or ""
  env["INSTANCE_CTIME"] = str(instance.ctime or "")
  env["INSTANCE_MTIME"] = str(instance.mtime or "")
  env["INSTANCE_PRIMARY_NODE"] = instance.primary_node or ""
  env["INSTANCE_SECONDARY_NODES"] = " ".join(instance.secondary_nodes or [])
  env["HYPERVISOR"] = instance.hypervisor or ""
  for (key, value) in (instance.beparams or {}).items():
    env["INSTANCE_BE_%s" % key] = str(value)
  for (key, value) in hvp.items():
    env["INSTANCE_HV_%s" % key] = str(value)
  disks = instance.disks_info or []
  env["DISK_COUNT"] = "%d" % len(disks)
  for (idx, disk) in enumerate(disks):
    try:
      path = _DiskPath(disk)
      uri = _DiskUri(instance, disk)
    except errors.BlockDeviceError as err:
      _Fail("Can't handle disk %d: %s", idx, err)
    if not os.path.exists(path):
      _Fail("Block device '%s' is not set up", path)
    env["DISK_%d_PATH" % idx] = path
    env["DISK_%d_ACCESS" % idx] = disk.mode or constants.DISK_RDWR
    env["DISK_%d_UUID" % idx] = disk.uuid or ""
    env["DISK_%d_SIZE" % idx] = str(disk.size)
    if uri:
      env["DISK_%d_URI" % idx] = uri
    if disk.name:
      env["DISK_%d_NAME" % idx] = disk.name
    if "disk_type" in hvp:
      env["DISK_%d_FRONTEND_TYPE" % idx] = str(hvp["disk_type"])
    if disk.dev_type in constants.DTS_FILEBASED:
      env["DISK_%d_BACKEND_TYPE" % idx] = "file:%s" % disk.logical_id[0]
    else:
      env["DISK_%d_BACKEND_TYPE" % idx] = "block"
  nics = instance.nics or []
  env["NIC_COUNT"] = "%d" % len(nics)
  for (idx, nic) in enumerate(nics):
    nicp = nic.nicparams or {}
    env["NIC_%d_MAC" % idx] = nic.mac or ""
    env["NIC_%d_UUID" % idx] = nic.uuid or ""
    if nic.name:
      env["NIC_%d_NAME" % idx] = nic.name
    if nic.ip:
      env["NIC_%d_IP" % idx] = nic.ip
    mode = nicp.get(constants.NIC_MODE, "")
    env["NIC_%d_MODE" % idx] = mode
    env["NIC_%d_LINK" % idx] = nicp.get(constants.NIC_LINK, "")
    if mode == constants.NIC_MODE_BRIDGED:
      env["NIC_%d_BRIDGE" % idx] = nicp.get(constants.NIC_LINK, "")
    if nic.netinfo:
      netinfo = nic.netinfo
      env["NIC_%d_NETWORK_NAME" % idx] = str(netinfo.get("name", ""))
      env["NIC_%d_NETWORK_UUID" % idx] = str(netinfo.get("uuid", ""))
      for key in ("network", "gateway", "network6", "gateway6",
                  "mac_prefix"):
        if netinfo.get(key):
          sub = {"network": "SUBNET", "network6": "SUBNET6"}.get(
            key, key.upper())
          env["NIC_%d_NETWORK_%s" % (idx, sub)] = str(netinfo[key])
      # always set for a NIC in a network, even when empty (as Ganeti does)
      env["NIC_%d_NETWORK_TAGS" % idx] = " ".join(netinfo.get("tags") or [])
    if "nic_type" in hvp:
      env["NIC_%d_FRONTEND_TYPE" % idx] = str(hvp["nic_type"])
  return env


def InstanceLogName(kind, os_name, instance_name, component=None):
  """Path of a new OS script log file (directory created)."""
  logdir = pathutils.Get().OS_LOG_DIR
  os.makedirs(logdir, 0o750, exist_ok=True)
  comp = "-%s" % component if component else ""
  base = "%s-%s-%s%s-%s.log" % (kind, os_name, instance_name, comp,
                                time.strftime("%Y-%m-%d_%H_%M_%S"))
  return os.path.join(logdir, base)


def TailFile(path, lines=_TAIL_LINES):
  try:
    with open(path, errors="replace") as fh:
      return fh.read().splitlines()[-lines:]
  except OSError:
    return []


_ToInstance = bdev.ToInstance


def InstanceOsAdd(instance_osp, reinstall, debug):
  """Run the OS create script for an instance.

  @param instance_osp: [instance dict, osparams override]
  @raise RPCFail: the script failed (message has the log's last 20 lines)
  """
  (inst_dict, osp_override) = instance_osp
  instance = _ToInstance(inst_dict)
  if osp_override:
    # secret (or temporary) parameters win over the stored private ones
    instance.osparams_private = dict(instance.osparams_private or {},
                                     **osp_override)
  inst_os = OSFromDisk(instance.os)
  env = OSEnvironment(instance, inst_os, debug)
  if reinstall:
    env["INSTANCE_REINSTALL"] = "1"
  _RunLoggedScript("create", _TrustedCreateScript(inst_os), env, inst_os,
                   InstanceLogName("add", instance.os, instance.name))
  return None


def _RunLoggedScript(what, script, env, inst_os, logfile):
  """Run an OS script (``what``: create, rename) in the OS's directory
  with exactly ``env``, its output going to ``logfile``.

  @raise RPCFail: the script failed (the message has the log's last
    lines)
  """
  result = process.RunCmd([script], env=env, reset_env=True,
                          cwd=inst_os.path, output=logfile)
  if result.failed:
    logging.error("os %s command '%s' returned error: %s, logfile: %s,"
                  " output: %s", what, result.cmd, result.fail_reason,
                  logfile, result.output)
    lines = TailFile(logfile)
    _Fail("OS %s script failed (%s), last lines in the log file:\n%s",
          what, result.fail_reason, "\n".join(lines), log=False)


def _TrustedCreateScript(inst_os):
  """The ``create`` script; untrusted OSes are refused.

  An OS with only ``create_untrusted`` (Ganeti 3.0) must be installed in
  a safe, virtualized environment (an install image and a helper
  instance), which this node does not provide; its script is never run
  as root here.
  @raise RPCFail: the OS is untrusted
  """
  if inst_os.create_script:
    return inst_os.create_script
  _Fail("OS '%s' is untrusted (it only has a %s script) and can only be"
        " installed in a safe environment, which is not supported",
        inst_os.name, OS_SCRIPT_CREATE_UNTRUSTED, log=False)


def RunRenameInstance(instance, old_name, debug):
  """Run the OS rename script of an instance (now named instance.name).

  The script gets the usual OS environment plus ``OLD_INSTANCE_NAME``.
  @raise RPCFail: the script failed (message has the log's last 20 lines)
  """
  instance = _ToInstance(instance)
  inst_os = OSFromDisk(instance.os)
  env = OSEnvironment(instance, inst_os, debug)
  env["OLD_INSTANCE_NAME"] = old_name
  _RunLoggedScript("rename", inst_os.rename_script, env, inst_os,
                   InstanceLogName("rename", instance.os,
                                   "%s-%s" % (old_name, instance.name)))
  return None


def ValidateOS(required, name, checks, params, force_variant=False):
  """Validate an OS and its parameters on this node.

  @return: True if valid, False if the OS is missing and not required
  @raise RPCFail: invalid
  """
  try:
    inst_os = OSFromDisk(name)
  except RPCFail:
    if required:
      raise
    return False
  checks = set(checks or [])
  unknown = checks - OS_VALIDATE_CALLS
  if unknown:
    _Fail("Unknown checks required for OS %s: %s", name, sorted(unknown))
  if not force_variant:
    CheckOSVariant(inst_os, name)
  if _ApiVersion(inst_os) < constants.OS_API_V20:
    return True
  if OS_VALIDATE_PARAMETERS in checks:
    CheckOSParameterNames(inst_os, params or {})
  env = OSCoreEnv(name, inst_os, params)
  result = process.RunCmd([inst_os.verify_script] + sorted(checks), env=env,
                          reset_env=True, cwd=inst_os.path)
  if result.failed:
    logging.error("os validate command '%s' returned error: %s, output: %s",
                  result.cmd, result.fail_reason, result.output)
    _Fail("OS validation script failed (%s), output: %s",
          result.fail_reason, result.output, log=False)
  return True


def CheckOSVariant(inst_os, name):
  """Check the variant part of ``name`` against what the OS declares.

  An OS without variants takes none; an OS with variants needs one of them.
  @raise RPCFail: with Ganeti's message
  """
  variant = objects.OS.GetVariant(name)
  if not inst_os.supported_variants:
    if variant:
      _Fail("OS '%s' doesn't support variants ('%s' passed)", inst_os.name,
            variant, log=False)
    return
  if not variant:
    _Fail("OS name '%s' must include a variant", name, log=False)
  if variant not in inst_os.supported_variants:
    _Fail("OS '%s' doesn't support variant '%s'", inst_os.name, variant,
          log=False)


def CheckOSParameterNames(inst_os, params):
  """Every parameter must be declared in the OS's ``parameters.list``.

  @raise RPCFail: naming the unknown parameters (sorted)
  """
  known = set(p[0] for p in inst_os.supported_parameters)
  bad = sorted(set(params) - known)
  if bad:
    _Fail("The following parameters are not supported by the OS %s: %s",
          inst_os.name, ", ".join(bad), log=False)
