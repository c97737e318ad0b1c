"""The Xen toolstack (xl, or xm): argv builders, output parsers, runner.

Argv builders and parsers are pure.  Every command goes through
:func:`RunXen`, which calls the module-level :data:`runner` (by default
``utils.process.RunCmd``); tests replace ``runner`` with a fake that
replays recorded outputs and records the argv.
"""

from ganeti import errors
from ganeti.hypervisor.hv_xen import params as P
from ganeti.utils import process

#: name of the control domain in ``xl list``
DOM0_NAME = "Domain-0"
#: ssh command xl migrate uses to reach the target (root, the cluster's
#: known_hosts file, host key alias = cluster name); formatted with
#: (known_hosts path, cluster name)
XL_SSH_CMD = ("ssh -l root -oGlobalKnownHostsFile=%s"
              " -oUserKnownHostsFile=/dev/null -oCheckHostIp=no"
              " -oStrictHostKeyChecking=yes -oHostKeyAlias=%s")

# Instance states derived from the six xl state flags
STATE_RUNNING = "running"
STATE_PAUSED = "paused"
STATE_SHUTDOWN = "shutdown"
STATE_DYING = "dying"

#: the replaceable command runner: runner(argv, timeout=None) -> RunResult
runner = process.RunCmd


def XenCommand(hvparams) -> str:
  """The toolstack binary from the xen_cmd hvparam (default xl).

  @raise errors.HypervisorError: not xl or xm
  """
  cmd = (hvparams or {}).get(P.XEN_CMD) or P.XEN_CMD_XL
  if cmd not in P.XEN_COMMANDS:
    raise errors.HypervisorError("Invalid Xen command '%s' (valid: %s)" %
                                 (cmd, ", ".join(sorted(P.XEN_COMMANDS))))
  return cmd


def RunXen(hvparams, args, timeout=None):
  """Run ``<xen_cmd> args...`` through :data:`runner`; the RunResult.

  @raise errors.HypervisorError: the toolstack could not be run at all
  """
  argv = [XenCommand(hvparams)] + list(args)
  try:
    if timeout is None:
      return runner(argv)
    return runner(argv, timeout=timeout)
  except errors.OpExecError as err:
    raise errors.HypervisorError(str(err))


def CreateArgs(config_file, startup_paused):
  args = ["create"]
  if startup_paused:
    args.append("-p")
  args.append(config_file)
  return args


def ShutdownArgs(name):
  """Clean shutdown, waiting (-w) until the domain is gone."""
  return ["shutdown", "-w", name]


def DestroyArgs(name):
  return ["destroy", name]


def RebootArgs(name):
  return ["reboot", name]


def MemSetArgs(name, mem_mib):
  return ["mem-set", name, "%dm" % mem_mib]


def ConsoleArgv(xen_cmd, name):
  """The argv the console command runs on the node."""
  return [xen_cmd, "console", name]


def MigrateArgs(xen_cmd, name, target, port, live, cluster_name,
                known_hosts, config_file):
  """Arguments of ``migrate`` for the toolstack.

  xl sends the domain over ssh (``-s``) with the configuration file given
  by ``-C``; there is no port and no non-live mode.  xm talks to xend's
  relocation server on ``port`` (``-p``) and migrates live with ``-l``.
  """
  if xen_cmd == P.XEN_CMD_XL:
    return ["migrate", "-s", XL_SSH_CMD % (known_hosts, cluster_name),
            "-C", config_file, name, target]
  args = ["migrate", "-p", "%d" % port]
  if live:
    args.append("-l")
  return args + [name, target]


def StateFromFlags(flags: str) -> str:
  """One of STATE_* from an xl state column like ``-b----``.

  The six positions are r(unning) b(locked) p(aused) s(hutdown)
  c(rashed) d(ying); a crashed or dying domain is on its way out.

  @raise errors.HypervisorError: not a state column
  """
  if len(flags) != 6 or any(c not in "-rbpscd" for c in flags):
    raise errors.HypervisorError("Unknown Xen instance state '%s'" % flags)
  if "c" in flags or "d" in flags:
    return STATE_DYING
  if "s" in flags:
    return STATE_SHUTDOWN
  if "p" in flags:
    return STATE_PAUSED
  return STATE_RUNNING


def ParseXlList(text: str, include_node=False):
  """Parse ``xl list``: [(name, id, memory MiB, vcpus, state, cpu seconds)].

  Dying and crashed domains (e.g. ``(null)`` left over) are skipped, and
  so is Domain-0 unless ``include_node``.

  @raise errors.HypervisorError: a line does not parse
  """
  result = []
  lines = text.splitlines()
  for line in lines[1:]:
    if not line.strip():
      continue
    fields = line.split()
    if len(fields) != 6:
      raise errors.HypervisorError("Can't parse instance list, line: %s" %
                                   line)
    try:
      entry = (fields[0], int(fields[1]), int(fields[2]), int(fields[3]),
               StateFromFlags(fields[4]), float(fields[5]))
    except ValueError as err:
      raise errors.HypervisorError("Can't parse instance list, line: %s,"
                                   " error: %s" % (line, err))
    if entry[4] == STATE_DYING:
      continue
    if entry[0] == DOM0_NAME and not include_node:
      continue
    result.append(entry)
  return result


def ParseXlInfo(text: str):
  """Node facts from ``xl info``.

  @return: dict with memory_total, memory_free, cpu_total, cpu_nodes,
      cpu_sockets, cpu_cores, cpu_threads (when present) and hv_version
  """
  raw = {}
  for line in text.splitlines():
    (key, sep, value) = line.partition(":")
    if sep:
      raw[key.strip()] = value.strip()
  result = {}

  def _Int(key):
    try:
      return int(raw[key])
    except (KeyError, ValueError):
      return None

  for (ours, theirs) in [("memory_total", "total_memory"),
                         ("memory_free", "free_memory"),
                         ("cpu_total", "nr_cpus"),
                         ("cpu_nodes", "nr_nodes"),
                         ("cpu_cores", "cores_per_socket"),
                         ("cpu_threads", "threads_per_core")]:
    value = _Int(theirs)
    if value is not None:
      result[ours] = value
  if "cpu_total" in result and result.get("cpu_cores") and \
      result.get("cpu_threads") and result.get("cpu_nodes"):
    result["cpu_sockets"] = max(1, result["cpu_total"] //
                                (result["cpu_cores"] *
                                 result["cpu_threads"] *
                                 result["cpu_nodes"]))
  major = _Int("xen_major")
  minor = _Int("xen_minor")
  if major is not None and minor is not None:
    result["hv_version"] = (major, minor)
  return result


def _ParseUptime(text: str) -> int:
  """Seconds from ``[N days, ]H:MM:SS`` (or ``N day, ...``, or MM:SS)."""
  days = 0
  rest = text.strip()
  if "," in rest:
    (day_part, rest) = rest.split(",", 1)
    days = int(day_part.split()[0])
  parts = [int(p) for p in rest.strip().split(":")]
  seconds = 0
  for part in parts:
    seconds = seconds * 60 + part
  return days * 86400 + seconds


def ParseXlUptime(text: str):
  """Parse ``xl uptime``: {name: (domain id, uptime seconds)}.

  @raise errors.HypervisorError: a line does not parse
  """
  result = {}
  for line in text.splitlines()[1:]:
    if not line.strip():
      continue
    fields = line.split(None, 2)
    try:
      result[fields[0]] = (int(fields[1]), _ParseUptime(fields[2]))
    except (IndexError, ValueError) as err:
      raise errors.HypervisorError("Can't parse uptime line '%s': %s" %
                                   (line, err))
  return result
