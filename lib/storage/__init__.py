"""Block device (storage) types available on this node, by dev_type.

Only file-based storage is implemented so far; other types raise
:class:`ganeti.errors.BlockDeviceError` ("not supported").
"""

from ganeti import constants
from ganeti import errors
from ganeti.storage import filestorage

DEV_MAP = {
  constants.DT_FILE: filestorage.FileStorage,
  constants.DT_SHARED_FILE: filestorage.FileStorage,
}


def GetDeviceClass(dev_type: str):
  """The class handling ``dev_type``.

  @raise errors.BlockDeviceError: unsupported type
  """
  try:
    return DEV_MAP[dev_type]
  except KeyError:
    raise errors.BlockDeviceError("Disk type '%s' is not supported on this"
                                  " node" % dev_type)
