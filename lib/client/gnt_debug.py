"""gnt-debug: debugging helpers."""

from ganeti import cli
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import utils
from ganeti.cli import SubmitOrSend
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614


def Delay(opts, args):
  """Sleep for a while on the master and/or nodes (OP_TEST_DELAY)."""
  try:
    delay = float(args[0])
  except (TypeError, ValueError):
    cli.ToStderr("Invalid duration '%s'", args[0])
    return 1
  op = opcodes.OpTestDelay(duration=delay, on_master=opts.on_master,
                           on_nodes=opts.on_nodes, repeat=opts.repeat,
                           interruptible=opts.interruptible,
                           no_locks=opts.no_locks)
  SubmitOrSend(op, opts)
  return 0


def TestAllocator(opts, args):
  """Show an iallocator input message or an allocator's answer
  (OP_TEST_ALLOCATOR)."""
  try:
    disks = [{constants.IDISK_SIZE: utils.ParseUnit(val),
              constants.IDISK_MODE: constants.DISK_RDWR}
             for val in opts.disks.split(",")]
  except errors.UnitParseError as err:
    cli.ToStderr("Invalid disks parameter '%s': %s", opts.disks, err)
    return 1
  nics = []
  for spec in opts.nics.split(","):
    values = (spec.split("/") + [None, None, None])[:3]
    (mac, ip, bridge) = [v or None for v in values]
    # the iallocator protocol calls the NIC link "bridge"
    nics.append({constants.INIC_MAC: mac, constants.INIC_IP: ip,
                 "bridge": bridge})
  tags = opts.tags.split(",") if opts.tags else []
  op = opcodes.OpTestAllocator(
    mode=opts.mode, name=args[0], instances=args, memory=opts.memory,
    disks=disks, disk_template=opts.disk_template, nics=nics, os=opts.os,
    vcpus=opts.vcpus, tags=tags, direction=opts.direction,
    iallocator=opts.iallocator, evac_mode=opts.evac_mode,
    target_groups=opts.target_groups or [], spindle_use=opts.spindle_use,
    count=opts.count)
  result = cli.SubmitOpCode(op, opts=opts)
  cli.ToStdout("%s", result)
  return 0


def _SortedChoices(values):
  return sorted(values)


commands = {
  "delay": (Delay, [ArgUnknown(min=1, max=1)],
            [cli_option("--no-master", dest="on_master", default=True,
                        action="store_false",
                        help="Do not sleep in the master code"),
             cli_option("-n", dest="on_nodes", default=[],
                        action="append", help="Select nodes to sleep on"),
             cli_option("-r", "--repeat", type="int", default=0,
                        dest="repeat",
                        help="Number of times to repeat the sleep"),
             cli_option("-i", "--interruptible", default=False,
                        dest="interruptible", action="store_true",
                        help="Allows the opcode to be interrupted"),
             cli_option("-l", "--no-locks", default=False, dest="no_locks",
                        action="store_true",
                        help="Don't take locks while sleeping"),
             DRY_RUN_OPT, PRIORITY_OPT, SUBMIT_OPT, PRINT_JOBID_OPT],
            "[opts...] <duration>", "Executes a TestDelay OpCode"),
  "iallocator": (
    TestAllocator, [ArgUnknown(min=1)],
    [cli_option("--dir", dest="direction",
                default=constants.IALLOCATOR_DIR_IN,
                choices=_SortedChoices(constants.VALID_IALLOCATOR_DIRECTIONS),
                help="Show allocator input (in) or allocator results (out)"),
     IALLOCATOR_OPT,
     cli_option("-m", "--mode", default=constants.IALLOCATOR_MODE_RELOC,
                choices=_SortedChoices(constants.VALID_IALLOCATOR_MODES),
                help="Request mode (one of %s)" % utils.CommaJoin(
                  _SortedChoices(constants.VALID_IALLOCATOR_MODES))),
     cli_option("--memory", default=128, type="unit",
                help="Memory size for the instance (MiB)"),
     cli_option("--disks", default="4096,4096",
                help="Comma separated list of disk sizes (MiB)"),
     cli_option("-t", "--disk-template", dest="disk_template",
                default=None, help="Disk template"),
     cli_option("--nics", default="00:11:22:33:44:55",
                help="Comma separated list of nics, each nic definition is"
                " of form mac/ip/bridge, if missing values are replace by"
                " None"),
     OS_OPT,
     cli_option("-p", "--vcpus", default=1, type="int",
                help="Select number of VCPUs for the instance"),
     cli_option("--tags", default=None,
                help="Comma separated list of tags"),
     cli_option("--evac-mode", default=constants.NODE_EVAC_ALL,
                choices=_SortedChoices(constants.NODE_EVAC_MODES),
                help="Node evacuation mode (one of %s)" % utils.CommaJoin(
                  _SortedChoices(constants.NODE_EVAC_MODES))),
     cli_option("--target-groups", help="Target groups for relocation",
                default=[], action="append"),
     cli_option("--spindle-use", help="How many spindles to use",
                default=1, type="int"),
     cli_option("--count", help="How many instances to allocate",
                default=2, type="int"),
     DRY_RUN_OPT, PRIORITY_OPT],
    "{opts...} <instance>", "Executes a TestAllocator OpCode"),
}

aliases = {"allocator": "iallocator"}


def Main():
  return cli.GenericMain(commands, aliases=aliases)
