"""Opcodes of the export/import family."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti import impexpd  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


# Exports -----------------------------------------------------------------
class OpBackupQuery(OpCode):
  OP_PARAMS = [
    PUseLocking,
    ("nodes", list, ht.TListOf(ht.TNonEmptyString),
     "Empty list to query all nodes, node names otherwise"),
  ]
  OP_RESULT = ht.TDict


class OpBackupPrepare(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("mode", REQUIRED, ht.TElemOf(impexpd.EXPORT_MODES), "Export mode"),
  ]
  OP_RESULT = ht.TMaybeDict


class OpBackupExport(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [
    PInstanceName, PInstanceUuid,
    ("compress", impexpd.IEC_NONE, ht.TElemOf(impexpd.IEC_ALL),
     "Compression mode to use for moves during backups/imports"),
    PShutdownTimeout,
    ("target_node", REQUIRED, ht.TOr(ht.TNonEmptyString, ht.TList),
     "Destination information, depends on export mode"),
    ("target_node_uuid", None, ht.TMaybeString, "Target node UUID (if local"
     " export)"),
    ("shutdown", True, ht.TBool, "Whether to shutdown instance before"
     " export"),
    ("remove_instance", False, ht.TBool,
     "Whether to remove instance after export"),
    ("ignore_remove_failures", False, ht.TBool,
     "Whether to ignore failures while removing instances"),
    ("mode", impexpd.EXPORT_MODE_LOCAL, ht.TElemOf(impexpd.EXPORT_MODES),
     "Export mode"),
    ("x509_key_name", None, ht.TMaybe(ht.TList),
     "Name of X509 key (remote export only)"),
    ("destination_x509_ca", None, ht.TMaybeString,
     "Destination X509 CA (remote export only)"),
    ("zero_free_space", False, ht.TBool,
     "Whether to zero the free space on the disks of the instance"),
    ("zeroing_timeout_fixed", None, ht.TMaybe(ht.TInt),
     "The fixed part of time to wait before declaring the zeroing"
     " operation to have failed"),
    ("zeroing_timeout_per_mib", None, ht.TMaybe(ht.TNumber),
     "The variable part of time to wait before declaring the zeroing"
     " operation to have failed, dependent on total size of disks"),
    ("long_sleep", False, ht.TBool,
     "Whether to allow long instance shutdowns during exports"),
  ]
  OP_RESULT = ht.TList


class OpBackupRemove(OpCode):
  OP_DSC_FIELD = "instance_name"
  OP_PARAMS = [PInstanceName, PInstanceUuid]
  OP_RESULT = ht.TNone
