"""Options and data loading shared by the htools programs.

Option syntax is upstream's (GNU getopt): short options take their
argument attached or as the next word, optional arguments (``-C[FILE]``,
``-p[FIELDS]``, ``-L[SOCKET]``) only attached, long options as
``--name=value`` or ``--name value``.
"""

import math
import re
import sys

from ganeti.htools import loader
from ganeti.htools import metrics
from ganeti.htools import text
from ganeti.htools import types as T

VERSION = "3.0.2"

EXIT_SUCCESS = 0
EXIT_FAILURE = 1
#: exit code of a command line upstream's option parser rejects
EXIT_USAGE = 2


class UsageError(Exception):
  """Bad command line (an unknown option, a missing argument...)."""


class ParseError(UsageError):
  """An option's value does not parse (upstream: "Error while parsing
  command line arguments:"); reported after every option was read."""


#: a number token as Haskell's lexer reads one
_HS_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|"
                        r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|Infinity|NaN)")


def _HsRead(text_value, is_int):
  """``text_value`` read as upstream's option parser does (Haskell's
  ``reads``: leading blanks skipped, one number token, nothing after it):
  (value, None) or (None, error text)."""
  word = text_value.lstrip(" \t\n\r\f\v")
  match = _HS_NUMBER.match(word)
  if match is None:
    return (None, "cannot parse string '%s'" % text_value)
  token = match.group(0)
  digits = token.lstrip("-")
  sign = -1 if token.startswith("-") else 1
  if digits[:2] in ("0x", "0X", "0o", "0O"):
    value = sign * int(digits, 16 if digits[1] in "xX" else 8)
  elif is_int:
    if not digits.isdigit():
      return (None, "cannot parse string '%s'" % text_value)
    value = int(token)
  elif digits == "Infinity":
    value = sign * math.inf
  else:
    value = float(token)
  rest = word[len(token):]
  if rest:
    return (None, "leftover characters when parsing '%s': '%s'" %
            (text_value, rest))
  return (value if is_int else float(value), None)


def Reader(name, is_int):
  """A converter reading a number, upstream's error naming ``name``."""
  def _Read(text_value):
    (value, error) = _HsRead(text_value, is_int)
    if error is not None:
      raise ParseError("%s: %s" % (name, error))
    return value
  return _Read


class Opt:
  """One option: names, argument kind (None, "req", "opt"), destination."""

  def __init__(self, short, long, arg, dest, help_text, metavar="",
               multi=False, convert=None, const=None):
    self.short = short
    self.long = long
    self.arg = arg
    self.dest = dest
    self.help = help_text
    self.metavar = metavar
    self.multi = multi
    self.convert = convert
    self.const = const


def _CommaList(text_value):
  return [v for v in text_value.split(",") if v]


def _MaxCpu(text_value):
  value = Reader("parsing max-cpu", False)(text_value)
  if not value > 0:
    raise ParseError("Invalid value of the max-cpu ratio, expected >0")
  return value


def _Priority(text_value):
  if text_value not in ("low", "normal", "high"):
    raise ParseError("Unknown priority '%s'" % text_value)
  return text_value


def _CommaList(text_value):
  return [v for v in text_value.split(",") if v]


# The options, by upstream's names -----------------------------------------
O_TEXT = Opt("t", "text-data", "req", "text_data", "the cluster data FILE",
             "FILE")
O_LUXI = Opt("L", "luxi", "opt", "luxi",
             "collect data via Luxi, optionally using the given SOCKET path",
             "SOCKET", const="")
O_RAPI = Opt("m", "master", "req", "rapi", "collect data via RAPI at the"
             " given ADDRESS", "ADDRESS")
O_IALLOC = Opt("I", "ialloc-src", "req", "ialloc_src",
               "Specify an iallocator spec as the cluster data source", "FILE")
O_EXEC = Opt("X", "exec", None, "execute",
             "execute the suggested moves via Luxi (only available when"
             " using it for data gathering)")
O_PRINT_COMMANDS = Opt("C", "print-commands", "opt", "print_commands",
                       "print the ganeti command list for reaching the"
                       " solution, if an argument is passed then write the"
                       " commands to a file named as such", "FILE",
                       const="-")
O_PRINT_NODES = Opt("p", "print-nodes", "opt", "print_nodes",
                    "print the final node list", "FIELDS", const="")
O_PRINT_INSTS = Opt(None, "print-instances", None, "print_instances",
                    "print the final instance map")
O_GROUP = Opt("G", "group", "req", "group", "the target node group (name or"
              " UUID)", "ID")
O_MAX_LENGTH = Opt("l", "max-length", "req", "max_length",
                   "cap the solution at this many balancing or allocation"
                   " rounds (useful for very unbalanced clusters or empty"
                   " clusters)", "N",
                   convert=Reader("max solution length", True))
O_VERBOSE = Opt("v", "verbose", None, "verbose", "increase the verbosity"
                " level")
O_QUIET = Opt("q", "quiet", None, "quiet", "decrease the verbosity level")
O_OFFLINE = Opt("O", "offline", "req", "offline", "set node as offline",
                "NODE", multi=True)
O_MIN_SCORE = Opt("e", "min-score", "req", "min_score", "mininum excess to"
                  " the N+1 limit to aim for", "EPSILON",
                  convert=Reader("min score", False))
O_MAX_CPU = Opt(None, "max-cpu", "req", "max_cpu", "maximum virtual-to-"
                "physical cpu ratio for nodes (from 0 upwards) [default read from"
                " cluster]", "RATIO", convert=_MaxCpu)
O_MIN_DISK = Opt(None, "min-disk", "req", "min_disk", "minimum free disk"
                 " space for nodes (between 0 and 1) [0]", "RATIO",
                 convert=Reader("min free disk space", False))
O_MIN_GAIN = Opt("g", "min-gain", "req", "min_gain", "minimum gain to aim"
                 " for in a balancing step before giving up", "DELTA",
                 convert=Reader("min gain", False))
O_MIN_GAIN_LIMIT = Opt(None, "min-gain-limit", "req", "min_gain_limit",
                       "minimum cluster score for which we start checking"
                       " the min-gain", "SCORE",
                       convert=Reader("min gain limit", False))
O_NO_DISK_MOVES = Opt(None, "no-disk-moves", None, "no_disk_moves",
                      "disallow disk moves from the list of allowed instance"
                      " changes, thus allowing only the 'cheap'"
                      " failover/migrate operations")
O_NO_INST_MOVES = Opt(None, "no-instance-moves", None, "no_instance_moves",
                      "disallow instance (primary node) moves from the list"
                      " of allowed, instance changes, thus allowing only"
                      " slower, but sometimes safer, drbd secondary changes")
O_EVAC_MODE = Opt("E", "evac-mode", None, "evac_mode",
                  "enable evacuation mode, where the algorithm only moves"
                  " instances away from offline and drained nodes")
O_RESTRICTED_MIGRATION = Opt(None, "restricted-migration", None,
                             "restricted_migration",
                             "disallow replace-primary moves (aka frf-moves);"
                             " in evacuation mode, this will ensure that the"
                             " only migrations are off the drained nodes")
O_SELECT_INSTS = Opt(None, "select-instances", "req", "select_instances",
                     "only select given instances for any moves", "INSTS",
                     convert=_CommaList)
O_EXCLUDE_INSTS = Opt(None, "exclude-instances", "req", "exclude_instances",
                      "exclude given instances from any moves", "INSTS",
                      convert=_CommaList)
O_EXCL_TAGS = Opt(None, "exclusion-tags", "req", "exclusion_tags",
                  "Enable instance exclusion based on given tag prefix",
                  "TAG,...", convert=_CommaList)
O_IGNORE_SOFT = Opt(None, "ignore-soft-errors", None, "ignore_soft_errors",
                    "Ignore any soft restrictions in balancing")
O_DYNU_FILE = Opt("U", "dynu-file", "req", "dynu_file", "Import dynamic"
                  " utilisation data from the given FILE", "FILE")
O_IGNORE_DYNU = Opt(None, "ignore-dynu", None, "ignore_dynu",
                    "Ignore any dynamic utilisation information")
O_SAVE = Opt("S", "save", "req", "save", "Save cluster state at the end of"
             " the processing to FILE", "FILE")
O_FIRST_JOB_GROUP = Opt(None, "first-job-group", None, "first_job_group",
                        "only execute the first group of jobs")
O_REASON = Opt(None, "reason", "req", "reason", "The reason to pass to the"
               " submitted jobs", "REASON")
O_PRIORITY = Opt(None, "priority", "req", "priority", "set the priority of"
                 " submitted jobs", "PRIO", convert=_Priority)
O_VERSION = Opt("V", "version", None, "version", "show the version of the"
                " program")
O_HELP = Opt("h", "help", None, "help", "show help")
# MonD (hbal, hinfo; see mond.py)


class Exit(Exception):
  """Stop the program: ``text`` on stderr as it is (``%(program)s`` is
  the program's name), exit code ``code``."""

  def __init__(self, text, code):
    Exception.__init__(self, text)
    self.text = text
    self.code = code


def YesNo(text_value):
  """A yes/no option argument; anything else stops with upstream's
  option parse error."""
  if text_value not in ("yes", "no"):
    raise ParseError("Invalid choice '%s', pass one of 'yes' or 'no'" %
                     text_value)
  return text_value


O_MOND = Opt(None, "mond", "opt", "mond", "pass either 'yes' or 'no' to"
             " query all monDs", "CHOICE", const="yes", convert=YesNo)
O_MOND_DATA = Opt(None, "mond-data", "req", "mond_data", "Import data"
                  " provided by MonDs from the given FILE", "FILE")
O_MOND_EXIT_MISSING = Opt(None, "exit-on-missing-mond-data", None,
                          "mond_exit_missing", "abort if the data available"
                          " from the monitoring daemons is incomplete")
O_MOND_XEN = Opt(None, "mond-xen", None, "mond_xen", "also consider"
                 " xen-specific collectors in MonD queries")
# hcheck and hroller
O_MACHINE_READABLE = Opt(None, "machine-readable", "opt", "machine_readable",
                         "enable machine readable output (pass either 'yes'"
                         " or 'no' to explicitly control the flag, or without"
                         " an argument defaults to yes)", "CHOICE",
                         const="yes")
O_NO_SIMULATION = Opt(None, "no-simulation", None, "no_simulation",
                      "do not perform rebalancing simulation")
O_NO_CAPACITY_CHECKS = Opt(None, "no-capacity-checks", None,
                           "no_capacity_checks", "disable capacity checks"
                           " (like global N+1 redundancy)")
O_OFFLINE_MAINTENANCE = Opt(None, "offline-maintenance", None,
                            "offline_maintenance", "Schedule offline"
                            " maintenance, i.e., pretend that all instance"
                            " are offline.")
O_NO_HEADERS = Opt(None, "no-headers", None, "no_headers",
                   "do not show a header line")
O_NODE_TAGS = Opt(None, "node-tags", "req", "node_tags", "Restrict to nodes"
                  " with the given tags", "TAG,...", convert=_CommaList)
O_PRINT_MOVES = Opt(None, "print-moves", None, "print_moves",
                    "print the moves of the instances")
O_FULL_EVACUATION = Opt(None, "full-evacuation", None, "full_evacuation",
                        "fully evacuate the nodes to be rebooted")
O_SKIP_NON_REDUNDANT = Opt(None, "skip-non-redundant", None,
                           "skip_non_redundant", "Skip nodes that host a"
                           " non-redundant instance")
O_IGNORE_NON_REDUNDANT = Opt(None, "ignore-non-redundant", None,
                             "ignore_non_redundant", "Pretend that there are"
                             " no non-redundant instances in the cluster")
O_FORCE = Opt("f", "force", None, "force", "force the execution of this"
              " program, even if warnings would otherwise prevent it")
O_ONE_STEP_ONLY = Opt(None, "one-step-only", None, "one_step_only",
                      "Only do the first step")
O_STATIC_KVM_NODE_MEMORY = Opt(None, "static-kvm-node-memory", "req",
                               "static_kvm_node_memory", "use static node"
                               " memory [in MB] on KVM instead of value"
                               " reported by hypervisor. Use 0 to take value"
                               " reported from hypervisor.", "N",
                               convert=Reader("static node memory", True))
O_JOB_DELAY = Opt(None, "job-delay", "req", "job_delay", "insert this much"
                  " delay before the execution of repair jobs to allow the"
                  " tool to continue processing instances", "SECONDS")
O_DRY_RUN = Opt(None, "dry-run", None, "dry_run", "do not execute any"
                " commands and just report what would be done")
O_HELP_COMPLETION = Opt(None, "help-completion", None, "help_completion",
                        "show completion info")
O_OUTPUT_DIR = Opt("d", "output-dir", "req", "output_dir",
                   "directory in which to write output files", "PATH")
O_MIN_RESOURCES = Opt(None, "minimal-resources", "req", "min_resources",
                      "minimal resources to be present on each in multiples"
                      " of the standard allocation for not onlining standby"
                      " nodes", "FACTOR",
                      convert=Reader("minimal resources", False))
O_TARGET_RESOURCES = Opt(None, "target-resources", "req", "target_resources",
                         "target resources to be left on each node after"
                         " squeezing in multiples of the standard"
                         " allocation", "FACTOR",
                         convert=Reader("target resources", False))


# hspace options ---------------------------------------------------------
def _DiskTemplate(text_value):
  if text_value not in T.DISK_TEMPLATES:
    raise ParseError("Invalid string value for type DiskTemplate: \"%s\"" %
                     text_value)
  return text_value


def MachineReadable(opts):
  """``--machine-readable[=yes|no]`` as a bool.

  Another value prints upstream's option parse error and gives None (the
  caller exits with EXIT_FAILURE).
  """
  value = opts.machine_readable
  if value not in (None, "yes", "no"):
    sys.stderr.write("Error while parsing command line arguments:\n"
                     "Invalid choice '%s', pass one of 'yes' or 'no'\n" %
                     value)
    return None
  return value == "yes"


_UNIT_SCALE = {"": 1, "m": 1, "M": 1000.0 * 1000 / 1024 / 1024,
               "g": 1024, "G": 1000.0 * 1000 * 1000 / 1024 / 1024,
               "t": 1024 * 1024,
               "T": 1000.0 * 1000 * 1000 * 1000 / 1024 / 1024}


def ParseUnit(text_value):
  """A size in MiB from "NUMBER[unit]" (m/g/t binary, M/G/T decimal)."""
  digits = text_value.rstrip("mMgGtTiIbB ")
  unit = text_value[len(digits):].strip()
  unit = {"mib": "m", "mb": "M", "gib": "g", "gb": "G", "tib": "t",
          "tb": "T"}.get(unit.lower() if len(unit) > 1 else unit, unit)
  if unit not in _UNIT_SCALE:
    raise ParseError("Unknown unit '%s'" % unit)
  try:
    number = float(digits) if "." in digits else int(digits)
  except ValueError:
    raise ParseError("Cannot parse '%s' as a number" % text_value)
  return int(number * _UNIT_SCALE[unit])


def _RSpec(descr):
  def _Parse(text_value):
    parts = text_value.split(",")
    if len(parts) < 3 or len(parts) > 4:
      raise ParseError("Invalid %s specification: '%s', expected"
                       " disk,ram,cpu" % (descr, text_value))
    dsk = ParseUnit(parts[0])
    ram = ParseUnit(parts[1])
    values = []
    for (what, word) in zip(("cpus", "spindles"), parts[2:]):
      try:
        values.append(int(word))
      except ValueError:
        raise ParseError("%s specs %s: Cannot parse '%s'" %
                         (descr, what, word))
    spn = values[1] if len(values) > 1 else 1
    return (ram, dsk, values[0], spn)
  return _Parse


O_DISK_TEMPLATE = Opt(None, "disk-template", "req", "disk_template",
                      "select the desired disk template", "TEMPLATE",
                      convert=_DiskTemplate)
O_SPINDLE_USE = Opt(None, "spindle-use", "req", "spindle_use",
                    "select how many virtual spindle instances use"
                    " [default read from cluster]", "SPINDLES",
                    convert=Reader("parsing spindle-use", True))
O_NODE_SIM = Opt(None, "simulate", "req", "node_sim",
                 "simulate an empty cluster, given as"
                 " 'alloc_policy,num_nodes,disk,ram,cpu'", "SPEC",
                 multi=True)
O_INDEPENDENT_GROUPS = Opt(None, "independent-groups", None,
                           "independent_groups",
                           "Consider groups independently")
O_ACCEPT_EXISTING = Opt(None, "accept-existing-errors", None,
                        "accept_existing", "Accept existing N+1"
                        " violations; just don't add new ones")
O_STD_SPEC = Opt(None, "standard-alloc", "req", "std_spec",
                 "enable standard specs allocation, given as"
                 " 'disk,ram,cpu'", "STDSPEC", convert=_RSpec("standard"))
O_TIERED_SPEC = Opt(None, "tiered-alloc", "req", "tiered_spec",
                    "enable tiered specs allocation, given as"
                    " 'disk,ram,cpu'", "TSPEC", convert=_RSpec("tiered"))


class Options:
  def __init__(self, table):
    for opt in table:
      if opt.multi:
        setattr(self, opt.dest, [])
      elif opt.arg is None:
        setattr(self, opt.dest, 0 if opt.dest in ("verbose", "quiet")
                else False)
      else:
        setattr(self, opt.dest, None)
    self.args = []

  @property
  def verbosity(self):
    return 1 + getattr(self, "verbose", 0) - getattr(self, "quiet", 0)


def ParseArgs(table, argv):
  """Parse ``argv`` (without the program name) against an option table."""
  opts = Options(table)
  by_short = dict((o.short, o) for o in table if o.short)
  by_long = dict((o.long, o) for o in table)
  args = list(argv)
  pos = 0

  errors = []

  def _Set(opt, value):
    if opt.arg is None:
      if opt.dest in ("verbose", "quiet"):
        setattr(opts, opt.dest, getattr(opts, opt.dest) + 1)
      else:
        setattr(opts, opt.dest, True)
      return
    if value is None:
      value = opt.const
    elif opt.convert is not None:
      try:
        value = opt.convert(value)
      except ParseError as err:
        # upstream reads every option first: a later unknown option wins
        errors.append(err)
        return
    if opt.multi:
      getattr(opts, opt.dest).append(value)
    else:
      setattr(opts, opt.dest, value)

  while pos < len(args):
    word = args[pos]
    pos += 1
    if word == "--":
      opts.args.extend(args[pos:])
      break
    if word.startswith("--"):
      (name, eq, value) = word[2:].partition("=")
      matches = [o for (n, o) in by_long.items() if n == name]
      if not matches:
        matches = [o for (n, o) in by_long.items() if n.startswith(name)]
      if len(matches) != 1:
        raise UsageError("unrecognized option `%s'" % word)
      opt = matches[0]
      if opt.arg is None:
        if eq:
          raise UsageError("option `--%s' doesn't allow an argument" %
                           opt.long)
        _Set(opt, None)
      elif opt.arg == "opt":
        _Set(opt, value if eq else None)
      else:
        if not eq:
          if pos >= len(args):
            raise UsageError("option `--%s' requires an argument %s" %
                             (opt.long, opt.metavar))
          value = args[pos]
          pos += 1
        _Set(opt, value)
    elif word.startswith("-") and len(word) > 1:
      chars = word[1:]
      while chars:
        ch = chars[0]
        chars = chars[1:]
        opt = by_short.get(ch)
        if opt is None:
          raise UsageError("unrecognized option `-%s'" % ch)
        if opt.arg is None:
          _Set(opt, None)
        elif opt.arg == "opt":
          _Set(opt, chars or None)
          chars = ""
        else:
          if chars:
            value = chars
            chars = ""
          else:
            if pos >= len(args):
              raise UsageError("option `-%s' requires an argument %s" %
                               (ch, opt.metavar))
            value = args[pos]
            pos += 1
          _Set(opt, value)
    else:
      opts.args.append(word)
  if errors:
    raise errors[0]
  return opts


def OptionColumns(opt):
  """(short, long) columns of an option in --help, as GNU getopt shows
  them (``-t FILE``, ``--text-data=FILE``, ``--luxi[=SOCKET]``)."""
  short = "-%s" % opt.short if opt.short else ""
  if opt.arg == "req":
    short += " %s" % opt.metavar if short else ""
    long = "--%s=%s" % (opt.long, opt.metavar)
  elif opt.arg == "opt":
    short += "[%s]" % opt.metavar if short else ""
    long = "--%s[=%s]" % (opt.long, opt.metavar)
  else:
    long = "--%s" % opt.long
  return (short, long)


#: what the shell completes for an option's argument (--help-completion),
#: by long option name; "none" for the others (upstream's kinds)
COMPLETIONS = {
  "text-data": "file", "master": "host", "luxi": "file",
  "ialloc-src": "file", "group": "onegroup", "max-length": "integer",
  "offline": "onenode", "static-kvm-node-memory": "integer",
  "min-score": "float", "max-cpu": "float", "min-disk": "float",
  "min-gain": "float", "min-gain-limit": "float",
  "select-instances": "manyinstances", "exclude-instances": "manyinstances",
  "dynu-file": "file", "mond": "choices=yes,no", "mond-data": "file",
  "exclusion-tags": "string", "priority": "choices=low,normal,high",
  "disk-template": "choices=diskless,file,sharedfile,plain,blockdev,drbd,"
                   "rbd,ext,gluster",
  "spindle-use": "float", "simulate": "string",
  "machine-readable": "choices=yes,no", "standard-alloc": "string",
  "tiered-alloc": "string", "node-tags": "string", "output-dir": "dir",
  "minimal-resources": "float", "target-resources": "float",
  "job-delay": "float", "restrict-allocation-to": "manynodes",
}


def VersionLine(program):
  """The first line of --version and --help, as upstream's."""
  from ganeti import constants
  return "%s %s" % (program, constants.VCS_VERSION)


def Version(program):
  """The --version text: the version line and the platform."""
  import platform
  return "%s\nrunning on %s %s\n" % (VersionLine(program),
                                      platform.system().lower(),
                                      platform.machine())


def Usage(program, table):
  """--help: the version line, then the options laid out as GNU getopt's
  usageInfo does (each column as wide as its widest entry)."""
  from ganeti import pathutils
  rows = []
  for opt in table:
    help_text = opt.help
    if opt.long == "luxi":
      help_text += " [%s]" % pathutils.Get().MASTER_SOCKET
    rows.append(OptionColumns(opt) + (help_text,))
  wshort = max(len(r[0]) for r in rows)
  wlong = max(len(r[1]) for r in rows)
  lines = [VersionLine(program), "Usage: %s [OPTION...]" % program]
  for (short, long, help_text) in rows:
    lines.append("  %s  %s  %s" % (short.ljust(wshort), long.ljust(wlong),
                                   help_text))
  return "\n".join(lines) + "\n"


def Completion(table, arguments=None):
  """--help-completion: each option's names and what its argument is,
  then ``arguments`` (the line on the program's arguments), if any."""
  lines = []
  for opt in table:
    names = "--%s" % opt.long
    if opt.short:
      names = "-%s,%s" % (opt.short, names)
    lines.append("%s %s" % (names, COMPLETIONS.get(opt.long, "none")
                            if opt.arg else "none"))
  if arguments:
    lines.append(arguments)
  return "\n".join(lines) + "\n"


def HandleCommon(program, table, opts, arguments=None):
  """Handle --help, --help-completion and --version; returns an exit code
  or None to go on."""
  if getattr(opts, "help_completion", False):
    sys.stdout.write(Completion(table, arguments))
    return EXIT_SUCCESS
  if getattr(opts, "help", False):
    sys.stdout.write(Usage(program, table))
    return EXIT_SUCCESS
  if getattr(opts, "version", False):
    sys.stdout.write(Version(program))
    return EXIT_SUCCESS
  return None


def LoadUtilFile(path, instances):
  """Parse a -U file: "name cpu mem disk net" per line."""
  try:
    with open(path) as handle:
      lines = handle.read().splitlines()
  except OSError as err:
    raise loader.LoaderError("Cannot read %s: %s" % (path, err.strerror))
  names = set(i.name for i in instances)
  result = []
  for line in lines:
    fields = line.split()
    if not fields:
      continue
    if len(fields) != 5:
      raise loader.LoaderError("Invalid utilisation line '%s'" % line)
    if fields[0] not in names:
      raise loader.LoaderError("Unknown instance '%s'" % fields[0])
    try:
      util = T.DynUtil(*[float(v) for v in fields[1:]])
    except ValueError:
      raise loader.LoaderError("Invalid utilisation line '%s'" % line)
    result.append((fields[0], util))
  return result


def LoadExternalData(opts, defer_offline_check=False):
  """Load the cluster from the selected backend and prepare it.

  Returns (ClusterData, warnings).  ``-O`` names that are not nodes stop
  the program (:class:`UsageError`); with ``defer_offline_check`` the
  caller does it with :func:`CheckOfflineNames` where upstream's program
  does (after its first output lines).
  """
  # as upstream: -I and --simulate may come with one other source, which
  # then wins (order: -m, -L, --simulate, -t, -I)
  sources = [s for s in (opts.text_data, getattr(opts, "rapi", None),
                         getattr(opts, "luxi", None))
             if s is not None]
  if len(sources) > 1:
    raise UsageError("Only one of the rapi, luxi, and data files options"
                     " should be given.")
  if getattr(opts, "rapi", None) is not None:
    from ganeti.htools import rapi_backend
    cdata = rapi_backend.LoadData(opts.rapi)
  elif getattr(opts, "luxi", None) is not None:
    from ganeti.htools import luxi_backend
    cdata = luxi_backend.LoadData(opts.luxi or None)
  elif getattr(opts, "node_sim", None):
    from ganeti.htools import simu_backend
    cdata = simu_backend.LoadData(opts.node_sim)
  elif opts.text_data is not None:
    cdata = text.LoadFile(opts.text_data)
  elif getattr(opts, "ialloc_src", None) is not None:
    from ganeti.htools import iallocator
    try:
      static = getattr(opts, "static_kvm_node_memory", None)
      (ia_warnings, cdata) = iallocator.LoadData(
        opts.ialloc_src, *([] if static is None else [static]))
    except iallocator.RequestError as err:
      raise loader.LoaderError(str(err))
    # upstream prints the request's own warnings, then merges once more
    PrintWarnings(ia_warnings)
  else:
    raise UsageError("No backend selected! Exiting.")
  util = []
  if getattr(opts, "dynu_file", None) and not getattr(opts, "ignore_dynu",
                                                      False):
    util = LoadUtilFile(opts.dynu_file, cdata.instances)
  if getattr(opts, "ignore_dynu", False):
    for inst in cdata.instances:
      inst.util = T.ZeroUtil()
  offline = getattr(opts, "offline", [])
  names = [n.name for n in cdata.nodes]
  unknown = [n for n in offline if loader.LookupName(names, n) is None]
  cdata.wrong_offline = unknown
  if not defer_offline_check:
    CheckOfflineNames(cdata)
  off_names = set(loader.LookupName(names, n) for n in offline)
  for node in cdata.nodes:
    if node.name in off_names:
      node.offline = True
  loader.MergeData(cdata, util, getattr(opts, "exclusion_tags", None) or (),
                   getattr(opts, "select_instances", None) or (),
                   getattr(opts, "exclude_instances", None) or ())
  if getattr(opts, "mond", None) == "yes":
    from ganeti.htools import mond
    mond.LoadMonDData(cdata, opts)
  for node in cdata.nodes:
    if getattr(opts, "max_cpu", None) is not None:
      node.SetMcpu(opts.max_cpu)
    if getattr(opts, "min_disk", None) is not None:
      node.SetMdsk(opts.min_disk)
  warnings = loader.CheckData(cdata.nodes, cdata.instances)
  return (cdata, warnings)


def CheckOfflineNames(cdata):
  """Stop (UsageError) if some ``-O`` names are not nodes of ``cdata``."""
  unknown = cdata.wrong_offline
  if unknown:
    # upstream's message (its list is kept last name first) and empty line
    raise UsageError("wrong node name(s) set as offline: %s\n" %
                     ",".join(reversed(unknown)))


def PrintWarnings(warnings):
  if warnings:
    sys.stderr.write("Warning: cluster has inconsistent data:\n")
    for msg in warnings:
      sys.stderr.write("  - %s\n" % msg)
    sys.stderr.write("\n")


def HaskellExp(value):
  """A float as Haskell's printf "%e" prints it (3.125000e-2)."""
  text_value = "%e" % value
  (mant, _, exp) = text_value.partition("e")
  return "%se%d" % (mant, int(exp))


def ShowIPolicy(pol):
  """The ipolicy as Haskell's ``show`` prints it (hbal -v -v)."""
  def _Spec(spec):
    return ("ISpec {iSpecMemorySize = %d, iSpecCpuCount = %d, iSpecDiskSize"
            " = %d, iSpecDiskCount = %d, iSpecNicCount = %d,"
            " iSpecSpindleUse = %d}" % spec.AsTuple())
  names = {"diskless": "DTDiskless", "file": "DTFile",
           "sharedfile": "DTSharedFile", "plain": "DTPlain",
           "blockdev": "DTBlock", "drbd": "DTDrbd8", "rbd": "DTRbd",
           "ext": "DTExt", "gluster": "DTGluster"}
  minmax = ",".join("MinMaxISpecs {minMaxISpecsMinSpec = %s,"
                     " minMaxISpecsMaxSpec = %s}" % (_Spec(a), _Spec(b))
                     for (a, b) in pol.minmax)
  return ("IPolicy {iPolicyMinMaxISpecs = [%s], iPolicyStdSpec = %s,"
          " iPolicyDiskTemplates = [%s], iPolicyVcpuRatio = %s,"
          " iPolicySpindleRatio = %s}" %
          (minmax, _Spec(pol.std),
           ",".join(names[t] for t in pol.disk_templates),
           metrics.HsShowDouble(pol.vcpu_ratio),
           metrics.HsShowDouble(pol.spindle_ratio)))
