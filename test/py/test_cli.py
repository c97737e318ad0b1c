"""cli: error formatting, generic info output, argument and option parsing."""

import logging
import os
import sys

import pytest

from ganeti import cli
from ganeti import cli_opts
from ganeti import constants
from ganeti import errors
from ganeti import utils

pytestmark = pytest.mark.unit

GOLDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data", "golden")


# FormatError (interface.md §8.2) --------------------------------------------
@pytest.mark.parametrize("err,code,text", [
  (errors.OpPrereqError("Instance 'a' not known", errors.ECODE_NOENT), 1,
   "Failure: prerequisites not met for this operation:\n"
   "error type: unknown_entity, error details:\n"
   "Instance 'a' not known"),
  (errors.OpPrereqError("Something is wrong"), 1,
   "Failure: prerequisites not met for this operation:\n"
   "Something is wrong"),
  (errors.OpExecError("Could not start instance"), 1,
   "Failure: command execution error:\nCould not start instance"),
  (errors.OpExecError("partial failure (opcode 1): boom"), 1,
   "Failure: command execution error:\npartial failure (opcode 1): boom"),
  (errors.HooksAbort([("node1", "instance-start-pre.d/10-x", "no way"),
                      ("node2", "instance-start-pre.d/20-y", "")]), 1,
   "Failure: hooks execution failed:\n"
   "  node: node1, script: instance-start-pre.d/10-x, output: no way\n"
   "  node: node2, script: instance-start-pre.d/20-y (no output)"),
  (errors.HooksFailure("Communication Failure"), 1,
   "Failure: hooks general failure: Communication Failure"),
  (errors.ResolverError("unknown.invalid", 1, "Name or service not known"), 1,
   "Failure: can't resolve hostname 'unknown.invalid'"),
  (errors.TagError("Tag too long"), 1,
   "Failure: invalid tag(s) given:\nTag too long"),
  (errors.JobQueueDrainError("drained"), 1,
   "Failure: the job queue is marked for drain and doesn't accept new"
   " requests"),
  (errors.JobQueueFull(), 1,
   "Failure: the job queue is full and doesn't accept new job submissions"
   " until old jobs are archived"),
  (errors.TypeEnforcementError("Unknown parameter 'x'"), 1,
   "Parameter Error: Unknown parameter 'x'"),
  (errors.ParameterError("foo"), 1,
   "Failure: unknown/wrong parameter name 'foo'"),
  (errors.ConfigurationError("bad serial"), 2,
   "Corrupt configuration file: bad serial\nAborting."),
  (errors.ConfigVersionMismatch(3000000, 2100000), 2,
   "Corrupt configuration file: (3000000, 2100000)\nAborting."),
  (errors.NoMasterError("/some/other/socket"), 1,
   "Cannot communicate with socket '/some/other/socket'.\n"
   "Is the process running and listening for connections?"),
  (errors.TimeoutError("Receive timeout"), 1,
   "Timeout while talking to the master daemon. Jobs might have been"
   " submitted and will continue to run even if the call timed out. Useful"
   " commands in this situation are \"gnt-job list\", \"gnt-job cancel\""
   " and \"gnt-job watch\". Error:\nReceive timeout"),
  (errors.PermissionError("/var/run/ganeti/socket/ganeti-master"), 1,
   "It seems you don't have permissions to connect to the master daemon.\n"
   "Please retry as a different user."),
  (errors.ProtocolError("Invalid response"), 1,
   "Unhandled protocol error while talking to the master daemon:\n"
   "Invalid response"),
  (errors.ConnectionClosedError("Connection closed while reading"), 1,
   "Unhandled protocol error while talking to the master daemon:\n"
   "Connection closed while reading"),
  (errors.RequestError("Caught exception: boom"), 1,
   "Unhandled protocol error while talking to the master daemon:\n"
   "Caught exception: boom"),
  (errors.JobLost("Job with id 7 lost"), 1,
   "Error checking job status: Job with id 7 lost"),
  (errors.ProgrammerError("oops"), 1, "Unhandled Ganeti error: oops"),
  (errors.OpCodeUnknown("Unknown opcode"), 1,
   "Unhandled Ganeti error: Unknown opcode"),
  (cli.JobSubmittedException(17), 0, "JobID: 17"),
  (ValueError("bad value"), 1, "Unhandled exception: bad value"),
  (KeyError("k"), 1, "Unhandled exception: 'k'"),
])
def testFormatError(err, code, text):
  assert cli.FormatError(err) == (code, text)


def testFormatErrorNoMasterSocket(vnode):
  err = errors.NoMasterError(vnode.MASTER_SOCKET)
  assert cli.FormatError(err) == (
    1, "Cannot communicate with the master daemon.\n"
    "Is the process running and listening for connections?")


def testFormatErrorOwnHostname(monkeypatch):
  monkeypatch.setattr(cli, "_GetSysName", lambda: "node1.example.com")
  assert cli.FormatError(errors.ResolverError("node1.example.com", 1, "x")) \
    == (1, "Failure: can't resolve my own hostname ('node1.example.com')")


def testFormatErrorQueryFilter():
  err = errors.QueryFilterParseError("Can't parse input", None)
  (code, text) = cli.FormatError(err)
  assert code == 1
  assert text.startswith("Error while parsing query filter: Can't parse"
                         " input")


# PrintGenericInfo --------------------------------------------------------
def _Golden(name):
  with open(os.path.join(GOLDEN, name)) as fd:
    lines = fd.read().splitlines()
  # transcript header: "$ command" and "# exit=N"
  assert lines[0].startswith("$ ") and lines[1].startswith("# exit=")
  return "\n".join(lines[2:]) + "\n"


def _PrintInfo(capsys, data):
  cli.PrintGenericInfo(data)
  (out, err) = capsys.readouterr()
  assert err == ""
  return out


def testPrintGenericInfoNodeGolden(capsys):
  ndparams = {"cpu_speed": 1, "exclusive_storage": False, "oob_program": "",
              "ovs": False, "ovs_link": "", "ovs_name": "switch1",
              "spindle_count": 1, "ssh_port": 22}
  data = [[
    ("Node name", "node1.example.test"),
    ("primary ip", "198.51.100.10"),
    ("secondary ip", "198.51.100.10"),
    ("master candidate", True),
    ("drained", False),
    ("offline", False),
    ("master_capable", True),
    ("vm_capable", True),
    ("primary for instances",
     ["inst%d.example.test" % i for i in range(1, 6)]),
    ("secondary for instances", []),
    ("node parameters", cli.FormatParamsDictInfo({}, ndparams)),
  ]]
  assert _PrintInfo(capsys, data) == _Golden("23-node-info.out")


def testPrintGenericInfoInstanceGoldenFragment(capsys):
  beparams = {"always_failover": False, "auto_balance": True, "maxmem": 128,
              "memory": 128, "minmem": 128, "spindle_use": 1, "vcpus": 1}
  data = [[
    ("Instance name", "inst1.example.test"),
    ("UUID", "f395a70d-e976-48ce-bf44-e7fe82f4ecd2"),
    ("Serial number", 5),
    ("Creation time", "2026-11-22 03:57:42"),
    ("Modification time", "2026-11-22 03:57:50"),
    ("State", "configured to be up, actual state is up"),
    ("Nodes", [
      [("primary", "node1.example.test"),
       ("group", "default (UUID 30b12938-33a6-49b7-b636-94f6cf1766a2)")],
      [("secondaries", [])],
    ]),
    ("Operating system", "noop"),
    ("Operating system parameters", {}),
    ("Allocated network port", None),
    ("Hypervisor", "fake"),
    ("Hypervisor parameters", {}),
    ("Back-end parameters", cli.FormatParamsDictInfo({}, beparams)),
    ("NICs", [
      [("nic/0", ""),
       ("MAC", "aa:00:00:0e:c9:23"),
       ("IP", None),
       ("mode", "bridged"),
       ("link", "gnt-br0"),
       ("vlan", ""),
       ("network", None),
       ("UUID", "901331ee-fb2a-4a89-8db1-9f2ec2927d1d"),
       ("name", None)],
    ]),
    ("Disk template", "diskless"),
    ("Disks", []),
  ]]
  assert _PrintInfo(capsys, data) == _Golden("32-instance-info.out")


@pytest.mark.parametrize("data,text", [
  ("plain", "plain\n"),
  ({}, "\n"),
  ([], "\n"),
  ({"b": 1, "a": {"y": "2", "x": "1"}}, "a: \n  x: 1\n  y: 2\nb: 1\n"),
  ([("b", 1), ("a", [])], "b: 1\na: \n"),
  (["x", "y"], "- x\n- y\n"),
  ({"k": ["x", {"z": 1}]}, "k: \n  - x\n  - z: 1\n"),
  ({"k": [[("a", 1), ("b", 2)], [("c", 3)]]},
   "k: \n  - a: 1\n    b: 2\n  - c: 3\n"),
  ({"k": {}}, "k: \n"),
])
def testPrintGenericInfoShapes(capsys, data, text):
  # PrintGenericInfo strips trailing newlines, then ToStdout adds one
  assert _PrintInfo(capsys, data) == text.rstrip("\n") + "\n"


def testFormatParamsDictInfo():
  assert cli.FormatParamsDictInfo({"a": 5}, {"a": 5, "b": False}) == \
    {"a": "5", "b": "default (False)"}
  assert cli.FormatParamsDictInfo(
    {"kvm": {"acpi": True}}, {"kvm": {"acpi": True, "vga": ""}}) == \
    {"kvm": {"acpi": "True", "vga": "default ()"}}


# Argument count errors -------------------------------------------------------
@pytest.mark.parametrize("args_def,args,ok,err", [
  (cli.ARGS_NONE, [], True, ""),
  (cli.ARGS_NONE, ["x"], False, "Error: Command cmd expects no arguments\n"),
  (cli.ARGS_ONE_INSTANCE, ["a"], True, ""),
  (cli.ARGS_ONE_INSTANCE, [], False,
   "Error: Command cmd expects 1 argument(s)\n"),
  (cli.ARGS_ONE_INSTANCE, ["a", "b"], False,
   "Error: Command cmd expects 1 argument(s)\n"),
  (cli.ARGS_MANY_INSTANCES, [], True, ""),
  (cli.ARGS_MANY_INSTANCES, ["a", "b", "c"], True, ""),
  ([cli_opts.ArgNode(min=1, max=1), cli_opts.ArgUnknown(min=1)], ["n"],
   False, "Error: Command cmd expects at least 2 argument(s)\n"),
  ([cli_opts.ArgNode(min=1, max=1), cli_opts.ArgUnknown(min=1)],
   ["n", "t1", "t2"], True, ""),
  ([cli_opts.ArgUnknown(min=0, max=2)], ["a", "b", "c"], False,
   "Error: Command cmd expects only 2 argument(s)\n"),
  ([cli_opts.ArgUnknown(min=1, max=2)], [], False,
   "Error: Command cmd expects at least 1 argument(s)\n"),
])
def testCheckArguments(capsys, args_def, args, ok, err):
  assert cli.CheckArguments("cmd", args_def, args) is ok
  (out, stderr) = capsys.readouterr()
  assert out == ""
  assert stderr == err


def testCheckArgumentsBadSpec():
  with pytest.raises(cli_opts.ArgSpecError):
    cli.CheckArguments("cmd", [cli_opts.ArgUnknown(), cli_opts.ArgNode()],
                       [])


# GenericMain -------------------------------------------------------------------
@pytest.fixture
def mainenv(vnode, monkeypatch):
  """Run GenericMain in a virtual node; restore the root logger after."""
  root = logging.getLogger("")
  (handlers, level) = (list(root.handlers), root.level)
  yield vnode
  for handler in list(root.handlers):
    if handler not in handlers:
      root.removeHandler(handler)
      handler.close()
  for handler in handlers:
    if handler not in root.handlers:
      root.addHandler(handler)
  root.setLevel(level)


def _Cmd(opts, args):
  sys.stdout.write("ran %s %s\n" % (sorted(
    (k, v) for (k, v) in vars(opts).items()
    if k in ("beparams", "hvparams", "flag", "size")), args))
  return 0


def _Fail(opts, args):
  raise errors.OpPrereqError("Instance '%s' not known" % args[0],
                             errors.ECODE_NOENT)


_OPTS = [
  cli_opts.cli_option("-B", dest="beparams", type="keyval", default={}),
  cli_opts.cli_option("-H", dest="hvparams", type="identkeyval",
                      default=None),
  cli_opts.cli_option("--flag", dest="flag", type="bool", default=None),
  cli_opts.cli_option("-s", dest="size", type="unit", default=None),
]

COMMANDS = {
  "run": (_Cmd, cli.ARGS_MANY_INSTANCES, _OPTS, "[opts] <instance>...",
          "Runs the test command on some instances"),
  "one": (_Cmd, cli.ARGS_ONE_INSTANCE, [], "<instance>", "Takes one"),
  "fail": (_Fail, cli.ARGS_ONE_INSTANCE, [], "<instance>", "Fails"),
}


def _Main(monkeypatch, capsys, *argv):
  monkeypatch.setattr(sys, "argv", ["gnt-test"] + list(argv))
  try:
    code = cli.GenericMain(COMMANDS)
  except SystemExit as err:
    code = ("exit", err.code)
  (out, err) = capsys.readouterr()
  return (code, out, err)


_USAGE = """Usage: gnt-test {command} [options...] [argument...]
gnt-test <command> --help to see details, or man gnt-test

Commands:
 fail - Fails
 one  - Takes one
 run  - Runs the test command on some instances

"""


def testMainNoCommand(mainenv, monkeypatch, capsys):
  assert _Main(monkeypatch, capsys) == (1, _USAGE, "")


def testMainHelp(mainenv, monkeypatch, capsys):
  assert _Main(monkeypatch, capsys, "--help") == (0, _USAGE, "")


def testMainUnknownCommand(mainenv, monkeypatch, capsys):
  assert _Main(monkeypatch, capsys, "nosuch") == (1, _USAGE, "")


def testMainVersion(mainenv, monkeypatch, capsys):
  (code, out, err) = _Main(monkeypatch, capsys, "--version")
  assert code == 0
  assert out == "gnt-test (ganeti %s) %s\n" % (constants.VCS_VERSION,
                                               constants.RELEASE_VERSION)


def testMainUsageWrapsLongHelp(mainenv, monkeypatch, capsys):
  commands = {"cmd": (_Cmd, [], [], "", " ".join(["word"] * 30))}
  monkeypatch.setattr(sys, "argv", ["gnt-test"])
  assert cli.GenericMain(commands) == 1
  out = capsys.readouterr()[0].splitlines()
  assert out[4].startswith(" cmd - word")
  assert out[5].startswith("       word")
  # like Ganeti, the description (not the line) is wrapped at 80 - mlen
  assert all(len(line) <= len(" cmd - ") + 80 - 3 for line in out)
  assert out[-1] == ""


def testMainBadOption(mainenv, monkeypatch, capsys):
  (code, out, err) = _Main(monkeypatch, capsys, "run", "--bogus")
  assert code == ("exit", 2)
  assert "gnt-test: error: no such option: --bogus" in err
  assert err.startswith("Usage\n=====\n  gnt-test run [opts] <instance>...")


def testMainSubcommandHelp(mainenv, monkeypatch, capsys):
  (code, out, err) = _Main(monkeypatch, capsys, "run", "--help")
  assert code == ("exit", 0)
  assert out.startswith("Usage\n=====\n")
  assert "Options\n=======" in out


@pytest.mark.parametrize("argv,err", [
  (["one"], "Error: Command one expects 1 argument(s)\n"),
  (["one", "a", "b"], "Error: Command one expects 1 argument(s)\n"),
])
def testMainArgumentCount(mainenv, monkeypatch, capsys, argv, err):
  assert _Main(monkeypatch, capsys, *argv) == (1, "", err)


def testMainRuns(mainenv, monkeypatch, capsys):
  (code, out, err) = _Main(monkeypatch, capsys, "run", "-B",
                           "memory=512,no_auto_balance,-vcpus",
                           "-H", "kvm:kernel_args=ro\\,quiet,acpi",
                           "--flag", "yes", "-s", "1.5g", "inst1")
  assert (code, err) == (0, "")
  assert out == ("ran [('beparams', {'memory': '512', 'auto_balance': False,"
                 " 'vcpus': None}), ('flag', True), ('hvparams', ('kvm',"
                 " {'kernel_args': 'ro,quiet', 'acpi': True})),"
                 " ('size', 1536)] ['inst1']\n")


def testMainInterspersedArgsDisabled(mainenv, monkeypatch, capsys):
  (code, out, _) = _Main(monkeypatch, capsys, "run", "inst1", "-B", "a=1")
  assert code == 0
  assert out.endswith("['inst1', '-B', 'a=1']\n")


def testMainGanetiError(mainenv, monkeypatch, capsys):
  assert _Main(monkeypatch, capsys, "fail", "inst9") == (
    1, "", "Failure: prerequisites not met for this operation:\n"
    "error type: unknown_entity, error details:\n"
    "Instance 'inst9' not known\n")
  with open(mainenv.LOG_COMMANDS) as fd:
    log = fd.read()
  assert "Command line: gnt-test fail inst9" in log


@pytest.mark.parametrize("argv,err", [
  (["run", "-B", "a=1,a=2", "x"],
   "Failure: unknown/wrong parameter name 'Duplicate key 'a' in option"
   " -B'\n"),
  (["run", "--flag", "maybe", "x"],
   "Failure: unknown/wrong parameter name 'Invalid boolean value"
   " 'maybe''\n"),
  (["run", "-H", "no_kvm:acpi", "x"],
   "Failure: unknown/wrong parameter name 'Cannot pass options when"
   " removing parameter groups: no_kvm:acpi'\n"),
])
def testMainOptionValueParameterError(mainenv, monkeypatch, capsys, argv,
                                      err):
  assert _Main(monkeypatch, capsys, *argv) == (1, "", err)


def testMainBadUnit(mainenv, monkeypatch, capsys):
  (code, _, err) = _Main(monkeypatch, capsys, "run", "-s", "12x", "i")
  assert code == ("exit", 2)
  assert "error: option -s: Unknown unit: x" in err


# key=value parsing -------------------------------------------------------------
def _KeyVal(value):
  return cli_opts._CheckKeyVal(None, "-B", value)


def _IdentKeyVal(value):
  return cli_opts._CheckIdentKeyVal(None, "-H", value)


@pytest.mark.parametrize("value,result", [
  ("", {}),
  ("a=1", {"a": "1"}),
  ("a=1,b=two", {"a": "1", "b": "two"}),
  ("a=b=c", {"a": "b=c"}),
  ("a=", {"a": ""}),
  ("flag", {"flag": True}),
  ("no_flag", {"flag": False}),
  ("-flag", {"flag": None}),
  ("kernel_args=ro\\,quiet", {"kernel_args": "ro,quiet"}),
  ("a=x\\\\,b=y", {"a": "x\\", "b": "y"}),
  ("a=1,no_b,-c,d", {"a": "1", "b": False, "c": None, "d": True}),
])
def testKeyVal(value, result):
  assert _KeyVal(value) == result


def testKeyValDuplicate():
  with pytest.raises(errors.ParameterError, match="Duplicate key 'a'"):
    _KeyVal("a=1,a=2")
  with pytest.raises(errors.ParameterError, match="Duplicate key 'a'"):
    _KeyVal("a=1,no_a")


@pytest.mark.parametrize("value,result", [
  ("kvm", ("kvm", {})),
  ("kvm:", ("kvm", {})),
  ("kvm:acpi=false,kernel_path=", ("kvm", {"acpi": "false",
                                           "kernel_path": ""})),
  ("xen-pvm:root_path=/dev/sda1,no_use_bootloader",
   ("xen-pvm", {"root_path": "/dev/sda1", "use_bootloader": False})),
  ("no_kvm", ("kvm", False)),
  ("-kvm", ("kvm", None)),
  ("0:size=10G", ("0", {"size": "10G"})),
  ("-1:add,size=1G", ("-1", {"add": True, "size": "1G"})),
  ("a:b=c\\,d", ("a", {"b": "c,d"})),
])
def testIdentKeyVal(value, result):
  assert _IdentKeyVal(value) == result


@pytest.mark.parametrize("value", ["no_kvm:acpi", "-kvm:acpi=1"])
def testIdentKeyValRemoveWithOptions(value):
  with pytest.raises(errors.ParameterError,
                     match="Cannot pass options when removing"):
    _IdentKeyVal(value)


@pytest.mark.parametrize("text,result", [
  ("a,b", ["a", "b"]),
  ("a\\,b", ["a,b"]),
  ("a\\\\,b", ["a\\", "b"]),
  ("a\\", ["a\\"]),
  ("", [""]),
  ("a,,b", ["a", "", "b"]),
])
def testUnescapeAndSplit(text, result):
  assert utils.UnescapeAndSplit(text) == result


# ParseUnit ---------------------------------------------------------------------
@pytest.mark.parametrize("text,mib", [
  ("1", 4), ("4", 4), ("5", 8), ("7.1", 8), ("8", 8), ("0", 0),
  ("1m", 4), ("1MB", 4), ("1MiB", 4), ("100M", 100), ("101", 104),
  ("1g", 1024), ("1G", 1024), ("1GB", 1024), ("1GiB", 1024),
  ("0.5g", 512), ("1.1g", 1128), ("0.001g", 4), ("1.5G", 1536),
  ("1t", 1048576), ("1TiB", 1048576), ("0.5 t", 524288),
  ("1024 m", 1024), (1024, 1024), (3.2, 4),
])
def testParseUnit(text, mib):
  assert utils.ParseUnit(text) == mib


@pytest.mark.parametrize("text", ["", "-1", "1 x", "g", "1kb", "1e3",
                                  "one", "1g2"])
def testParseUnitInvalid(text):
  with pytest.raises(errors.UnitParseError):
    utils.ParseUnit(text)
