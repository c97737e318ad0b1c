"""gnt-instance grow-disk, replace-disks and recreate-disks.

The command table here is merged into gnt-instance's ``commands``.
"""

from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import utils
from ganeti.cli import SubmitOrSend
from ganeti.cli_opts import (cli_option, ArgInstance, ArgUnknown,
                             SUBMIT_OPT, PRINT_JOBID_OPT, DRY_RUN_OPT,
                             PRIORITY_OPT, IGNORE_IPOLICY_OPT,
                             NODE_PLACEMENT_OPT, IALLOCATOR_OPT, DISK_OPT,
                             NEW_SECONDARY_OPT, EARLY_RELEASE_OPT)
from ganeti.client import disk_args

NWSYNC_OPT = cli_option("--no-wait-for-sync", dest="wait_for_sync",
                        default=True, action="store_false",
                        help="Don't wait for sync (DANGEROUS!)")
ABSOLUTE_OPT = cli_option("--absolute", dest="absolute",
                          action="store_true", default=False,
                          help="Marks the grow as absolute instead of the"
                          " (default) relative mode")
DISKIDX_OPT = cli_option("--disks", dest="disks", default=None,
                         help="Comma-separated list of disks indices to act"
                         " on (e.g. 0,2) (optional, defaults to all disks)")
ON_PRIMARY_OPT = cli_option("-p", "--on-primary", dest="on_primary",
                            default=False, action="store_true",
                            help="Replace the disk(s) on the primary node"
                            " (applies only to internally mirrored disk"
                            " templates, e.g. %s)" %
                            utils.CommaJoin(sorted(constants.DTS_INT_MIRROR)))
ON_SECONDARY_OPT = cli_option("-s", "--on-secondary", dest="on_secondary",
                              default=False, action="store_true",
                              help="Replace the disk(s) on the secondary"
                              " node (applies only to internally mirrored"
                              " disk templates, e.g. %s)" %
                              utils.CommaJoin(
                                sorted(constants.DTS_INT_MIRROR)))
AUTO_REPLACE_OPT = cli_option("-a", "--auto", dest="auto",
                              default=False, action="store_true",
                              help="Automatically replace faulty disks"
                              " (applies only to internally mirrored disk"
                              " templates, e.g. %s)" %
                              utils.CommaJoin(
                                sorted(constants.DTS_INT_MIRROR)))


def GrowDisk(opts, args):
  """gnt-instance grow-disk <instance> <disk> <amount>."""
  (instance, disk, amount) = args
  try:
    disk = int(disk)
  except (TypeError, ValueError) as err:
    raise errors.OpPrereqError("Invalid disk index: %s" % str(err),
                               errors.ECODE_INVAL)
  amount = disk_args.ParseGrowAmount(amount)
  op = opcodes.OpInstanceGrowDisk(instance_name=instance, disk=disk,
                                  amount=amount,
                                  wait_for_sync=opts.wait_for_sync,
                                  absolute=opts.absolute,
                                  ignore_ipolicy=opts.ignore_ipolicy)
  SubmitOrSend(op, opts)
  return 0


def ReplaceDisks(opts, args):
  """gnt-instance replace-disks {-p|-s|-a|-n NODE|-I NAME} <instance>."""
  new_2ndary = opts.dst_node
  iallocator = opts.iallocator
  if opts.disks is None:
    disks = []
  else:
    try:
      disks = [int(i) for i in opts.disks.split(",")]
    except (TypeError, ValueError) as err:
      raise errors.OpPrereqError("Invalid disk index passed: %s" % str(err),
                                 errors.ECODE_INVAL)
  cnt = [opts.on_primary, opts.on_secondary, opts.auto,
         new_2ndary is not None, iallocator is not None].count(True)
  if cnt != 1:
    raise errors.OpPrereqError("One and only one of the -p, -s, -a, -n and -I"
                               " options must be passed", errors.ECODE_INVAL)
  if opts.on_primary:
    mode = constants.REPLACE_DISK_PRI
  elif opts.on_secondary:
    mode = constants.REPLACE_DISK_SEC
  elif opts.auto:
    mode = constants.REPLACE_DISK_AUTO
    if disks:
      raise errors.OpPrereqError("Cannot specify disks when using automatic"
                                 " mode", errors.ECODE_INVAL)
  else:
    mode = constants.REPLACE_DISK_CHG
  op = opcodes.OpInstanceReplaceDisks(instance_name=args[0], disks=disks,
                                      remote_node=new_2ndary, mode=mode,
                                      iallocator=iallocator,
                                      early_release=opts.early_release,
                                      ignore_ipolicy=opts.ignore_ipolicy)
  SubmitOrSend(op, opts)
  return 0


def RecreateDisks(opts, args):
  """gnt-instance recreate-disks [--disk N[:size=..]] [-n nodes] <inst>."""
  disks = []
  for (didx, ddict) in opts.disks or []:
    try:
      didx = int(didx)
    except ValueError:
      raise errors.OpPrereqError("Invalid disk index passed: %s" % didx,
                                 errors.ECODE_INVAL)
    if not isinstance(ddict, dict):
      raise errors.OpPrereqError("Invalid disk/%d value: expected dict, got"
                                 " %s" % (didx, ddict), errors.ECODE_INVAL)
    ddict = disk_args.ParseDiskSizeParam(dict(ddict), index=didx)
    if constants.IDISK_SPINDLES in ddict:
      try:
        ddict[constants.IDISK_SPINDLES] = int(ddict[constants.IDISK_SPINDLES])
      except ValueError as err:
        raise errors.OpPrereqError("Invalid spindles for disk %d: %s" %
                                   (didx, err), errors.ECODE_INVAL)
    disks.append((didx, ddict))
  if opts.node:
    if opts.iallocator:
      raise errors.OpPrereqError("At most one of either --nodes or"
                                 " --iallocator can be passed",
                                 errors.ECODE_INVAL)
    (pnode, _, snode) = opts.node.partition(":")
    nodes = [pnode] + ([snode] if snode else [])
  else:
    nodes = []
  op = opcodes.OpInstanceRecreateDisks(instance_name=args[0], disks=disks,
                                       nodes=nodes,
                                       iallocator=opts.iallocator)
  SubmitOrSend(op, opts)
  return 0


_COMMON = [SUBMIT_OPT, PRINT_JOBID_OPT, DRY_RUN_OPT, PRIORITY_OPT]

commands = {
  "grow-disk": (
    GrowDisk,
    [ArgInstance(min=1, max=1), ArgUnknown(min=1, max=1),
     ArgUnknown(min=1, max=1)],
    _COMMON + [NWSYNC_OPT, ABSOLUTE_OPT, IGNORE_IPOLICY_OPT],
    "<instance> <disk> <size>", "Grow an instance's disk"),
  "replace-disks": (
    ReplaceDisks, [ArgInstance(min=1, max=1)],
    _COMMON + [DISKIDX_OPT, IALLOCATOR_OPT, NEW_SECONDARY_OPT,
               ON_PRIMARY_OPT, ON_SECONDARY_OPT, AUTO_REPLACE_OPT,
               IGNORE_IPOLICY_OPT, EARLY_RELEASE_OPT],
    "[-s|-p|-a|-n NODE|-I NAME] <instance>",
    "Replaces disks for the instance"),
  "recreate-disks": (
    RecreateDisks, [ArgInstance(min=1, max=1)],
    _COMMON + [DISK_OPT, NODE_PLACEMENT_OPT, IALLOCATOR_OPT],
    "[-f] <instance>", "Recreate an instance's disks"),
}
