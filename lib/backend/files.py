"""Config distribution: upload_file and write_ssconf_files."""

import grp
import logging
import os
import pwd

from ganeti import errors
from ganeti import hypervisor
from ganeti import pathutils
from ganeti import ssconf
from ganeti import vcluster
from ganeti.backend import _Fail
from ganeti.backend import jstore
from ganeti.utils import io


def GetAllowedUploadFiles(hypervisors=None):
  """The local paths upload_file may write (spec §3.2).

  ``file-storage-paths`` is deliberately not in the list.
  """
  paths = pathutils.Get()
  allowed = set([
    paths.CLUSTER_CONF_FILE,
    paths.SSH_KNOWN_HOSTS_FILE,
    paths.CONF_DIR + "/vnc-cluster-password",
    paths.RAPI_CERT_FILE,
    paths.SPICE_CERT_FILE,
    paths.SPICE_CACERT_FILE,
    paths.RAPI_USERS_FILE,
    paths.CONFD_HMAC_KEY,
    paths.CLUSTER_DOMAIN_SECRET_FILE,
    ])
  if not vcluster.IsVirtual():
    allowed.add(pathutils.ETC_HOSTS)
  for hv_name in hypervisors or []:
    try:
      hv_class = hypervisor.GetHypervisorClass(hv_name)
    except errors.HypervisorError:
      continue
    (files, opt) = hv_class.GetAncillaryFiles()
    allowed.update(paths.Prefix(f) for f in list(files) + list(opt))
  return frozenset(allowed)


def _LocalizeUploadPath(file_name):
  if file_name == pathutils.ETC_HOSTS:
    return file_name
  try:
    return vcluster.LocalizeVirtualPath(file_name)
  except errors.ProgrammerError as err:
    _Fail("Invalid file name: %s", err)


def _ResolveOwner(user, group):
  try:
    uid = pwd.getpwnam(user).pw_uid if user else -1
    gid = grp.getgrnam(group).gr_gid if group else -1
  except KeyError as err:
    _Fail("Unknown user or group: %s", err)
  if os.geteuid() != 0:
    # An unprivileged (virtual cluster) node can't chown; keep our ids
    if (uid, gid) != (-1, -1):
      logging.debug("Not root, not changing owner to %s:%s", user, group)
    return (-1, -1)
  return (uid, gid)


def UploadFile(file_details):
  """Write an allowed file atomically.

  @param file_details: [virtual_path, [enc, data], mode, owner_user,
      group, atime, mtime]
  @raise RPCFail: the path is not allowed or the write failed
  """
  try:
    (file_name, content, mode, uname, gname, atime, mtime) = file_details
  except (TypeError, ValueError):
    _Fail("Invalid upload_file arguments")
  path = _LocalizeUploadPath(file_name)
  try:
    hvs = ssconf.SimpleStore().GetHypervisorList()
  except errors.ConfigurationError:
    hvs = []
  if not os.path.isabs(path) or \
     os.path.normpath(path) not in GetAllowedUploadFiles(hvs):
    _Fail("Filename passed to UploadFile not in allowed upload targets:"
          " '%s'", file_name)
  data = jstore.DecodeCompressed(content)
  (uid, gid) = _ResolveOwner(uname, gname)
  try:
    io.WriteFile(path, data=data, mode=mode, uid=uid, gid=gid,
                 atime=atime, mtime=mtime, mkdir_mode=0o750)
  except OSError as err:
    _Fail("Can't write %s: %s", file_name, err)
  return None


def WriteSsconfFiles(values):
  """Write ssconf files from {key: value}."""
  try:
    ssconf.WriteSsconfFiles(values)
  except (errors.ProgrammerError, errors.ConfigurationError,
          errors.LockError) as err:
    _Fail("Can't write ssconf files: %s", err)
  return None
