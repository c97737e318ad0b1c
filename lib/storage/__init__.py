"""Block device (storage) types available on this node, by dev_type.

Each type is a :class:`ganeti.storage.base.BlockDev` subclass in its own
module, imported on first use; a type whose module is not there raises
:class:`ganeti.errors.BlockDeviceError` ("not supported").
"""

import importlib

from ganeti import constants
from ganeti import errors

#: dev_type -> (module, class name)
DEV_MAP = {
  constants.DT_PLAIN: ("ganeti.storage.logical_volume", "LogicalVolume"),
  constants.DT_DRBD8: ("ganeti.storage.drbd", "DRBD8Dev"),
  constants.DT_FILE: ("ganeti.storage.filestorage", "FileStorage"),
  constants.DT_SHARED_FILE: ("ganeti.storage.filestorage", "FileStorage"),
  constants.DT_BLOCK: ("ganeti.storage.blockdev", "PersistentBlockDevice"),
  constants.DT_RBD: ("ganeti.storage.rbd", "RADOSBlockDevice"),
  constants.DT_EXT: ("ganeti.storage.extstorage", "ExtStorageDevice"),
}


def GetDeviceClass(dev_type: str):
  """The class handling ``dev_type``.

  @raise errors.BlockDeviceError: unsupported type
  """
  unsupported = errors.BlockDeviceError("Disk type '%s' is not supported on"
                                        " this node" % dev_type)
  if dev_type not in DEV_MAP:
    raise unsupported
  (modname, clsname) = DEV_MAP[dev_type]
  try:
    module = importlib.import_module(modname)
  except ModuleNotFoundError as err:
    if err.name != modname:
      raise
    raise unsupported
  return getattr(module, clsname)
