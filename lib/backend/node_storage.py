"""Node daemon: changing and repairing storage units.

``storage_modify`` (lvm-pv: the allocatable flag, through ``pvchange``)
and ``storage_execute`` (lvm-vg: ``fix-consistency``, through ``vgreduce
--removemissing``).  Listing is in :mod:`ganeti.backend.storage_units`.
Command lines are built and outputs judged by pure functions (here and in
:mod:`ganeti.storage.lvm`), tested against recorded LVM outputs.
"""

from ganeti import errors
from ganeti import storage_fields
from ganeti.backend import _Fail
from ganeti.storage import base as bdev_base
from ganeti.storage import lvm


def BuildPvChangeCmd(pv_name: str, allocatable: bool) -> list:
  """``pvchange --allocatable y|n <pv>``."""
  return ["pvchange", "--allocatable", "y" if allocatable else "n",
          pv_name]


def ModifyCommands(su_name, name, changes):
  """The commands applying ``changes`` to the storage unit ``name``.

  @raise ValueError: a change that type doesn't support (the message says
      which)
  """
  modifiable = storage_fields.MODIFIABLE_STORAGE_FIELDS.get(su_name)
  if modifiable is None:
    raise ValueError("Storage units of type '%s' can not be modified" %
                     su_name)
  unknown = sorted(set(changes) - modifiable)
  if unknown:
    raise ValueError("The following fields can not be modified for storage"
                     " units of type '%s': %r" % (su_name, unknown))
  if not name:
    raise ValueError("A storage unit name is required")
  cmds = []
  if storage_fields.SF_ALLOCATABLE in changes:
    value = changes[storage_fields.SF_ALLOCATABLE]
    if not isinstance(value, bool):
      raise ValueError("Field '%s' needs a boolean, got %r" %
                       (storage_fields.SF_ALLOCATABLE, value))
    cmds.append(BuildPvChangeCmd(name, value))
  return cmds


def ModifyStorage(su_name, su_args, name, changes):
  """Apply ``changes`` (``{field: value}``) to one storage unit."""
  try:
    cmds = ModifyCommands(su_name, name, changes or {})
  except ValueError as err:
    _Fail("%s", err)
  for cmd in cmds:
    result = bdev_base.RunCmd(cmd)
    if result.failed:
      _Fail("Failed to modify storage unit '%s' (%s): %s - %s", name,
            " ".join(cmd), result.fail_reason, result.output)


def _FixVgConsistency(vg_name, run_fn):
  """Remove the missing PVs of a VG; fail if it stays inconsistent.

  vgreduce's exit code is not trusted (old LVM fails on success): its
  output decides whether a ``--force`` run is needed, and a final ``vgs``
  decides the outcome.
  """
  result = run_fn(lvm.BuildVgReduceMissingCmd(vg_name))
  output = result.output
  if lvm.VgReduceNeedsForce(output):
    result = run_fn(lvm.BuildVgReduceMissingCmd(vg_name, force=True))
    output = "%s\n%s" % (output, result.output)
  check = run_fn(lvm.BuildVgCheckCmd(vg_name))
  if not lvm.VgCheckResult(check.output, failed=check.failed).consistent:
    _Fail("Volume group '%s' still not consistent, 'vgreduce' output: %r,"
          " 'vgs' output: %r", vg_name, output, check.output)


def ExecuteStorageOp(su_name, su_args, name, op):
  """Run the storage operation ``op`` on the storage unit ``name``."""
  valid = storage_fields.VALID_STORAGE_OPERATIONS.get(su_name, frozenset())
  if op not in valid:
    _Fail("Operation '%s' is not supported on storage units of type '%s'",
          op, su_name)
  if not name:
    _Fail("A storage unit name is required")
  if op == storage_fields.SO_FIX_CONSISTENCY:
    try:
      lvm.CheckName(name)
    except errors.BlockDeviceError as err:
      _Fail("%s", err)
    _FixVgConsistency(name, bdev_base.RunCmd)
