"""The gnt-* commands' shared options and the shared disk-size parser.

* every command's -I/--iallocator is the one cli_opts.IALLOCATOR_OPT;
* no two distinct option objects of the command tables are identical copies
  (same flags, dest, default, action, type, metavar, help, choices): an
  option used by several commands is defined once;
* client.disk_args parses sizes like the CLI always did (units, rounding)
  and rejects bad ones with the exact Ganeti error texts, also when reached
  through gnt-instance add / recreate-disks / modify / grow-disk.
"""

import importlib
import optparse
import pkgutil

import pytest

from ganeti import cli
from ganeti import cli_opts
from ganeti import constants
from ganeti import errors
import ganeti.client
from ganeti.client import disk_args
from ganeti.client import gnt_instance
from ganeti.client import gnt_instance_disks
from ganeti.client import gnt_instance_move

pytestmark = pytest.mark.unit


def _CommandTables():
  """Yield (module name, command, option list) of every gnt-* command."""
  for info in sorted(pkgutil.iter_modules(ganeti.client.__path__),
                     key=lambda i: i.name):
    mod = importlib.import_module("ganeti.client." + info.name)
    for table in (getattr(mod, "commands", None),
                  getattr(mod, "COMMANDS", None)):
      for (cmd, row) in sorted((table or {}).items()):
        yield (info.name, cmd, row[2])


def _Signature(opt):
  return tuple(repr(v) for v in (
    opt._short_opts, opt._long_opts, opt.dest, opt.default, opt.action,
    opt.type, opt.metavar, opt.help, opt.choices, opt.const, opt.callback))


def testCommandTablesFound():
  modules = set(name for (name, _, _) in _CommandTables())
  # the tables the walk below relies on really are found
  assert {"gnt_instance", "gnt_instance_disks", "gnt_instance_move",
          "gnt_node_ops", "gnt_group", "gnt_debug", "gnt_backup"} <= modules


def testEveryIallocatorOptionIsTheSharedOne():
  users = []
  for (mod, cmd, opts) in _CommandTables():
    for opt in opts:
      if "--iallocator" in opt._long_opts or "-I" in opt._short_opts:
        if "--iallocator" not in opt._long_opts:
          continue  # -I of another meaning (e.g. --ignore-errors)
        assert opt is cli_opts.IALLOCATOR_OPT, (mod, cmd)
        users.append("%s %s" % (mod, cmd))
  # the commands of the brief (and their tables merged elsewhere) use it
  for expected in ["gnt_instance add", "gnt_instance recreate-disks",
                   "gnt_instance replace-disks", "gnt_instance failover",
                   "gnt_instance migrate", "gnt_instance change-group",
                   "gnt_backup import", "gnt_debug iallocator",
                   "gnt_group evacuate", "gnt_node evacuate",
                   "gnt_node failover", "gnt_node migrate"]:
    assert expected in users


def testIallocatorOptionText():
  opt = cli_opts.IALLOCATOR_OPT
  assert opt._short_opts == ["-I"] and opt._long_opts == ["--iallocator"]
  assert (opt.dest, opt.default, opt.metavar) == ("iallocator", None,
                                                  "<NAME>")
  # upstream's help text (lib/cli_opts.py IALLOCATOR_OPT of Ganeti 3.0)
  assert opt.help == ("Select nodes for the instance automatically using"
                      " the <NAME> iallocator plugin")
  parser = optparse.OptionParser(option_list=[opt])
  assert parser.parse_args(["-I", "hail"])[0].iallocator == "hail"
  assert parser.parse_args(["--iallocator=hail"])[0].iallocator == "hail"
  assert parser.parse_args([])[0].iallocator is None


def testNoIdenticalCopiesOfAnOption():
  by_sig = {}
  for (mod, cmd, opts) in _CommandTables():
    for opt in opts:
      by_sig.setdefault(_Signature(opt), {})[id(opt)] = "%s %s" % (mod, cmd)
  copies = dict((sig[1], sorted(objs.values()))  # long names -> commands
                for (sig, objs) in by_sig.items() if len(objs) > 1)
  assert not copies


# disk_args -------------------------------------------------------------------
@pytest.mark.parametrize("value,mib", [
  ("512", 512), (512, 512), ("10G", 10240), ("10g", 10240),
  ("10GiB", 10240), ("1.5g", 1536), ("1T", 1024 * 1024), ("2048m", 2048),
  ("2048MB", 2048), ("513", 516), ("0.1", 4), (" 8 ", 8),
])
def testParseDiskSizeGood(value, mib):
  assert disk_args.ParseDiskSize(value) == mib
  assert disk_args.ParseDiskSize(value, index=3) == mib
  assert disk_args.ParseGrowAmount(value) == mib


@pytest.mark.parametrize("value,reason", [
  ("x", "Invalid format"), ("", "Invalid format"), ("-1", "Invalid format"),
  ("10Q", "Unknown unit: Q"), ("1 kb", "Unknown unit: kb"),
])
def testParseDiskSizeBad(value, reason):
  with pytest.raises(errors.OpPrereqError) as err:
    disk_args.ParseDiskSize(value, index=2)
  assert err.value.args == ("Invalid disk size for disk 2: %s" % reason,
                            errors.ECODE_INVAL)
  with pytest.raises(errors.OpPrereqError) as err:
    disk_args.ParseDiskSize(value)
  assert err.value.args == ("Invalid disk size: %s" % reason,
                            errors.ECODE_INVAL)
  with pytest.raises(errors.OpPrereqError) as err:
    disk_args.ParseGrowAmount(value)
  assert err.value.args == ("Can't parse the given amount '%s'" % value,
                            errors.ECODE_INVAL)


def testParseDiskSizeParam():
  params = {constants.IDISK_SIZE: "1G", constants.IDISK_MODE: "rw"}
  assert disk_args.ParseDiskSizeParam(params, index=0) is params
  assert params == {constants.IDISK_SIZE: 1024, constants.IDISK_MODE: "rw"}
  other = {constants.IDISK_MODE: "ro"}
  assert disk_args.ParseDiskSizeParam(other) == {constants.IDISK_MODE: "ro"}
  with pytest.raises(errors.OpPrereqError, match="for disk 4: Invalid"):
    disk_args.ParseDiskSizeParam({constants.IDISK_SIZE: "big"}, index=4)


# the commands that parse disk sizes ---------------------------------------
def _Opts(cmd_opts, argv):
  parser = optparse.OptionParser(option_list=list(cmd_opts))
  return parser.parse_args(argv)


def _CliError(fn, *args):
  """Run fn(*args); return the exit code and text the CLI shows for it."""
  with pytest.raises(errors.OpPrereqError) as err:
    fn(*args)
  return cli.FormatError(err.value)


def _NoSubmit(*_, **__):
  raise AssertionError("a bad size must fail before anything is submitted")


@pytest.fixture
def no_submit(monkeypatch):
  for mod in (gnt_instance, gnt_instance_disks, gnt_instance_move):
    monkeypatch.setattr(mod, "SubmitOrSend", _NoSubmit)


def testAddDiskSizes(no_submit):
  opts = _Opts(gnt_instance._ADD_OPTS,  # pylint: disable=W0212
               ["--disk", "0:size=10G", "--disk", "1:size=513,mode=ro"])[0]
  assert gnt_instance._ParseDisks(opts) == [  # pylint: disable=W0212
    {constants.IDISK_SIZE: 10240},
    {constants.IDISK_SIZE: 516, constants.IDISK_MODE: "ro"}]
  opts = _Opts(gnt_instance._ADD_OPTS,  # pylint: disable=W0212
               ["--disk", "0:size=1G", "--disk", "1:size=1Q"])[0]
  assert _CliError(gnt_instance._ParseDisks, opts) == (  # pylint: disable=W0212
    1, "Failure: prerequisites not met for this operation:\n"
    "error type: wrong_input, error details:\n"
    "Invalid disk size for disk 1: Unknown unit: Q")


def testRecreateDisksBadSize(no_submit):
  cmd = gnt_instance_disks.commands["recreate-disks"]
  (opts, args) = _Opts(cmd[2], ["--disk", "1:size=zz", "inst1"])
  assert _CliError(cmd[0], opts, args) == (
    1, "Failure: prerequisites not met for this operation:\n"
    "error type: wrong_input, error details:\n"
    "Invalid disk size for disk 1: Invalid format")


def testModifyBadSize(no_submit):
  cmd = gnt_instance_move.COMMANDS["modify"]
  (opts, args) = _Opts(cmd[2], ["--disk", "add:size=zz", "inst1"])
  assert _CliError(cmd[0], opts, args) == (
    1, "Failure: prerequisites not met for this operation:\n"
    "error type: wrong_input, error details:\n"
    "Invalid disk size: Invalid format")


def testGrowDiskBadAmount(no_submit):
  cmd = gnt_instance_disks.commands["grow-disk"]
  (opts, args) = _Opts(cmd[2], ["inst1", "0", "xx"])
  assert _CliError(cmd[0], opts, args) == (
    1, "Failure: prerequisites not met for this operation:\n"
    "error type: wrong_input, error details:\n"
    "Can't parse the given amount 'xx'")


def testAppendKeepsTheSharedDefault():
  # --disk is one object in add and recreate-disks: parsing one command
  # must not leave its values in the other's default
  for _ in range(2):
    (opts, _) = _Opts([cli_opts.DISK_OPT], ["--disk", "0:size=1G",
                                            "--disk", "1:size=2G"])
    assert opts.disks == [("0", {"size": "1G"}), ("1", {"size": "2G"})]
  assert cli_opts.DISK_OPT.default == []
  assert _Opts([cli_opts.DISK_OPT], [])[0].disks == []
  # a None default still becomes a list
  opt = cli_opts.cli_option("--x", dest="x", action="append", default=None)
  assert _Opts([opt], ["--x", "a", "--x", "b"])[0].x == ["a", "b"]
