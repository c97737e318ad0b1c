"""The node's export directory: list, describe, finalize and remove exports.

An export of instance ``X`` lives in ``EXPORT_DIR/X/`` (``config.ini`` and
one image per exported disk).  While an export runs, its images are
written into ``EXPORT_DIR/X.new/``; ``finalize_export`` writes the
``config.ini`` there and only then replaces ``X/`` by it, so an
interrupted export never damages the previous one.
"""

import os
import shutil

from ganeti import objects
from ganeti import pathutils
from ganeti.backend import _Fail
from ganeti.backend import impexp
from ganeti.impexpd import exportcfg
from ganeti.utils import io

NEW_SUFFIX = ".new"


def _ExportDir(name):
  """Local directory of export ``name`` (a plain directory name)."""
  if not name or "/" in name or name in (".", ".."):
    _Fail("Invalid export name '%s'", name)
  return os.path.join(pathutils.Get().EXPORT_DIR, name)


def ListExports():
  """``export_list``: the names in the export directory (sorted)."""
  export_dir = pathutils.Get().EXPORT_DIR
  if not os.path.isdir(export_dir):
    return []
  return sorted(name for name in os.listdir(export_dir)
                if not name.startswith(".") and
                os.path.isdir(os.path.join(export_dir, name)))


def ExportInfo(path):
  """``export_info``: the config.ini text of the export in ``path``.

  @param path: the export's directory (cluster path below the export
      directory, or a name relative to it)
  """
  local = impexp.ExportPath(path)
  cfile = os.path.join(local, exportcfg.EXPORT_CONF_FILE)
  try:
    text = io.ReadFile(cfile)
  except OSError as err:
    _Fail("Can't read export information from '%s': %s",
          os.path.join(path, exportcfg.EXPORT_CONF_FILE), err.strerror,
          log=False)
  try:
    exportcfg.Parse(text)
  except Exception as err:  # noqa: BLE001 -- any parse error is reported
    _Fail("Invalid export information in '%s': %s", path, err)
  return text


def RemoveExport(export):
  """``export_remove``: delete export ``export`` (its whole directory)."""
  target = _ExportDir(export)
  if not os.path.isdir(target):
    _Fail("Export %s does not exist on this node", export, log=False)
  try:
    shutil.rmtree(target)
  except OSError as err:
    _Fail("Error while removing the export: %s", err, exc=True)
  return None


def FinalizeExport(instance, snap_disks):
  """``finalize_export``: write config.ini, move ``X.new`` to ``X``.

  @param instance: instance dict (filled parameters)
  @param snap_disks: per disk, the exported disk's dict or False
  """
  if isinstance(instance, objects.Instance):
    instance = instance.ToDict()
  name = instance["name"]
  final = _ExportDir(name)
  new = _ExportDir(name + NEW_SUFFIX)
  disks = []
  for disk in snap_disks:
    if disk and isinstance(disk, objects.Disk):
      disk = disk.ToDict()
    if disk:
      dump = os.path.join(new, disk["logical_id"][1])
      if not os.path.isfile(dump):
        _Fail("Disk image '%s' of the export is missing",
              disk["logical_id"][1])
    disks.append(disk)
  os.makedirs(new, 0o750, exist_ok=True)
  text = exportcfg.Build(instance, disks)
  io.WriteFile(os.path.join(new, exportcfg.EXPORT_CONF_FILE), data=text)
  shutil.rmtree(final, ignore_errors=True)
  try:
    os.rename(new, final)
  except OSError as err:
    _Fail("Can't move the new export into place: %s", err)
  return None

