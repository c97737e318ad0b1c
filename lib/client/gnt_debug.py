"""gnt-debug: debugging helpers."""

from ganeti import cli
from ganeti import opcodes
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
}


def Main():
  return cli.GenericMain(commands)
