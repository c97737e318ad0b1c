"""ganeti-watcher: keep instances in their configured state (run by cron).

On every node it makes sure the node daemon runs and runs the ``watcher``
hooks; on the master it also makes sure the master daemon runs, archives
old jobs and starts one child per node group (``--node-group``), which
restarts instances that should run and do not (at most :data:`MAXTRIES`
times), re-activates the disks of instances whose secondary node
rebooted, and activates the disks that OP_GROUP_VERIFY_DISKS reports
offline.  See ganeti-watcher(8).
"""

import logging
import optparse
import os
import subprocess
import sys
import time

from ganeti import cli
from ganeti import constants
from ganeti import daemon
from ganeti import errors
from ganeti import opcodes
from ganeti import pathutils
from ganeti import query
from ganeti import ssconf
from ganeti import utils
from ganeti.utils import filelock
from ganeti.utils import pausefile
from ganeti.utils import process
from ganeti.watcher import state as wstate

#: restarts attempted before an instance is given up
MAXTRIES = 5

#: default age (seconds) of the jobs archived by each run
DEFAULT_JOB_AGE = 6 * 3600

#: seconds between the start of two group children
CHILD_SPAWN_DELAY = 1.0

INSTST_RUNNING = "running"
INSTST_ERRORDOWN = "ERROR_down"
INSTST_NODEDOWN = "ERROR_nodedown"
INSTST_NODEOFFLINE = "ERROR_nodeoffline"

#: states in which the watcher restarts an instance
BAD_STATES = frozenset([INSTST_ERRORDOWN])
#: states the watcher cannot help (the node is down or offline)
HELPLESS_STATES = frozenset([INSTST_NODEDOWN, INSTST_NODEOFFLINE])

_INSTANCE_FIELDS = ["name", "status", "disks_active", "snodes",
                    "pnode.group.uuid", "snodes.group.uuid"]
_NODE_FIELDS = ["name", "bootid", "offline"]


class NotMasterError(errors.GenericError):
  """This node is not the master (or the master daemon is unreachable)."""


class Instance:
  """What the watcher knows about an instance."""

  def __init__(self, name, status, disks_active, snodes):
    self.name = name
    self.status = status
    self.disks_active = disks_active
    self.snodes = snodes

  def Restart(self, cl):
    op = opcodes.OpInstanceStartup(instance_name=self.name, force=False)
    op.reason = [(constants.OPCODE_REASON_SRC_WATCHER,
                  "Restarting instance %s" % self.name, utils.TimestampNs())]
    _SubmitAndWait(cl, [op])

  def ActivateDisks(self, cl):
    op = opcodes.OpInstanceActivateDisks(instance_name=self.name)
    op.reason = [(constants.OPCODE_REASON_SRC_WATCHER,
                  "Activating disks of instance %s" % self.name,
                  utils.TimestampNs())]
    _SubmitAndWait(cl, [op])


class Node:
  """What the watcher knows about a node."""

  def __init__(self, name, bootid, offline, secondaries):
    self.name = name
    self.bootid = bootid
    self.offline = offline
    self.secondaries = secondaries


class _LogReporter:
  """Job poll reporter that only logs (the watcher prints nothing)."""

  def ReportLogMessage(self, job_id, serial, timestamp, log_type, log_msg):
    logging.debug("Job %s: %s", job_id, log_msg)

  def ReportNotChanged(self, job_id, status):
    pass


def _SubmitAndWait(cl, ops):
  """Submit ``ops`` as one job, wait for it; its opcode results."""
  job_id = cl.SubmitJob(ops)
  return cli.GenericPollJob(job_id, cl, _LogReporter())


# -- the per-group part ------------------------------------------------------
def _QueryValues(response):
  """The rows of a query response, values only (None for no data)."""
  return [[value if status == query.RS_NORMAL else None
           for (status, value) in row] for row in response["data"]]


def GetGroupData(cl, uuid):
  """({name: Instance}, {name: Node}) of one group, in one job of two
  queries; instances split over several groups are left out."""
  qfilter = ["|", ["=", "pnode.group.uuid", uuid],
             ["=[]", "snodes.group.uuid", uuid]]
  ops = [opcodes.OpQuery(what=query.QR_INSTANCE, fields=_INSTANCE_FIELDS,
                         qfilter=qfilter, use_locking=True,
                         priority=constants.OP_PRIO_LOW),
         opcodes.OpQuery(what=query.QR_NODE, fields=_NODE_FIELDS,
                         qfilter=["=", "group.uuid", uuid],
                         use_locking=True, priority=constants.OP_PRIO_LOW)]
  (raw_instances, raw_nodes) = _SubmitAndWait(cl, ops)
  secondaries = {}
  instances = {}
  for (name, status, disks_active, snodes, pgroup, sgroups) in \
      _QueryValues(raw_instances):
    if set([pgroup] + list(sgroups or [])) != set([uuid]):
      logging.error("Ignoring split instance '%s', primary group %s,"
                    " secondary groups %s", name, pgroup,
                    utils.CommaJoin(sgroups or []))
      continue
    instances[name] = Instance(name, status, disks_active, snodes or [])
    for snode in snodes or []:
      secondaries.setdefault(snode, set()).add(name)
  nodes = dict((name, Node(name, bootid, offline,
                           secondaries.get(name, set())))
               for (name, bootid, offline) in _QueryValues(raw_nodes))
  return (instances, nodes)


def CheckInstances(cl, notepad, instances):
  """Restart the instances that should run and do not; the names of those
  restarted."""
  started = set()
  for inst in sorted(instances.values(), key=lambda i: i.name):
    if inst.status in BAD_STATES:
      count = notepad.NumberOfRestartAttempts(inst.name)
      if count > MAXTRIES:
        logging.warning("Not restarting instance '%s', retries exhausted",
                        inst.name)
        continue
      if count == MAXTRIES:
        notepad.RecordRestartAttempt(inst.name)
        logging.error("Could not restart instance '%s' after %s attempts,"
                      " giving up", inst.name, MAXTRIES)
        continue
      try:
        logging.info("Restarting instance '%s' (attempt #%s)", inst.name,
                     count + 1)
        inst.Restart(cl)
      except Exception:  # pylint: disable=broad-except
        logging.exception("Error while restarting instance '%s'", inst.name)
      else:
        started.add(inst.name)
      notepad.RecordRestartAttempt(inst.name)
    elif notepad.NumberOfRestartAttempts(inst.name):
      notepad.RemoveInstance(inst.name)
      if inst.status not in HELPLESS_STATES:
        logging.info("Restart of instance '%s' succeeded", inst.name)
  return started


def CheckDisks(cl, notepad, nodes, instances, started):
  """Re-activate the disks of instances with a secondary on a node that
  rebooted since the last run (its boot id changed)."""
  check_nodes = []
  for node in nodes.values():
    old = notepad.GetNodeBootID(node.name)
    if not node.bootid:
      if not node.offline:
        logging.warning("Node '%s' didn't return boot ID, ignoring",
                        node.name)
      continue
    if old != node.bootid:
      check_nodes.append(node)
  for node in check_nodes:
    for name in sorted(node.secondaries):
      inst = instances.get(name)
      if inst is None:
        logging.info("Can't find instance '%s', maybe it was ignored", name)
        continue
      if not inst.disks_active:
        logging.info("Skipping disk activation for instance with not"
                     " activated disks '%s'", name)
        continue
      if name in started:
        logging.debug("Skipping disk activation for instance '%s' as it"
                      " was already started", name)
        continue
      try:
        logging.info("Activating disks for instance '%s'", name)
        inst.ActivateDisks(cl)
      except Exception:  # pylint: disable=broad-except
        logging.exception("Error while activating disks for instance '%s'",
                          name)
  for node in check_nodes:
    notepad.SetNodeBootID(node.name, node.bootid)


def VerifyDisks(cl, uuid, nodes, instances):
  """Activate the disks OP_GROUP_VERIFY_DISKS reports offline, except of
  instances the watcher cannot help."""
  op = opcodes.OpGroupVerifyDisks(group_name=uuid,
                                  priority=constants.OP_PRIO_LOW)
  ((_, offline, _), ) = _SubmitAndWait(cl, [op])
  if not offline:
    logging.debug("Verify-disks reported no offline disks, nothing to do")
    return
  ops = []
  for name in offline:
    inst = instances.get(name)
    if inst is None:
      logging.info("Can't find instance '%s', maybe it was ignored", name)
      continue
    if inst.status in HELPLESS_STATES or \
        any(nodes[s].offline for s in inst.snodes if s in nodes):
      logging.info("Skipping instance '%s' because it is in a helpless"
                   " state or has offline secondaries", name)
      continue
    logging.info("Activating disks for instance '%s'", name)
    ops.append(opcodes.OpInstanceActivateDisks(instance_name=name))
  if ops:
    try:
      _SubmitAndWait(cl, ops)
    except Exception:  # pylint: disable=broad-except
      logging.exception("Error while activating disks")


def GroupWatcher(cl, uuid, paths=None):
  """The per-group run; returns an exit code."""
  paths = paths or pathutils.Get()
  notepad = wstate.WatcherState.Open(paths.WATCHER_GROUP_STATE_FILE % uuid)
  try:
    (instances, nodes) = GetGroupData(cl, uuid)
    wstate.WriteInstanceStatus(
      paths.WATCHER_GROUP_INSTANCE_STATUS_FILE % uuid,
      [(i.name, i.status) for i in instances.values()])
    _MergeStatusFiles(paths)
    started = CheckInstances(cl, notepad, instances)
    CheckDisks(cl, notepad, nodes, instances, started)
    VerifyDisks(cl, uuid, nodes, instances)
    notepad.Save()
  finally:
    notepad.Close()
  return constants.EXIT_SUCCESS


def _MergeStatusFiles(paths):
  prefix = paths.WATCHER_GROUP_INSTANCE_STATUS_FILE.split("%s")
  (head, tail) = (prefix[0], prefix[1])
  dirname = os.path.dirname(head)
  sources = [os.path.join(dirname, f) for f in sorted(os.listdir(dirname))
             if os.path.join(dirname, f).startswith(head) and
             f.endswith(tail)]
  wstate.MergeInstanceStatus(paths.INSTANCE_STATUS_FILE, sources,
                             paths.INSTANCE_STATUS_FILE + ".lock")


# -- the global part ---------------------------------------------------------
def _FindDaemonProgram(name):
  """Path of daemon program ``name`` (daemons/ of this checkout, else
  $PATH), or None."""
  top = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.realpath(__file__))))
  candidates = [os.path.join(top, "daemons", name)]
  candidates += [os.path.join(p, name)
                 for p in os.environ.get("PATH", "").split(os.pathsep)]
  for cand in candidates:
    if os.access(cand, os.X_OK):
      return cand
  return None


def _DaemonUtil(*args):
  """Run daemon-util; its exit code."""
  prog = _FindDaemonProgram("daemon-util")
  if prog is None:
    logging.error("Cannot find daemon-util")
    return constants.EXIT_FAILURE
  result = subprocess.run([prog] + list(args), capture_output=True,
                          text=True, check=False)
  if result.returncode:
    logging.error("daemon-util %s failed: %s", " ".join(args),
                  (result.stderr or result.stdout).strip())
  return result.returncode


def EnsureDaemon(name):
  """Start daemon ``name`` if it does not run."""
  return _DaemonUtil("check-and-start", name) == 0


def RunWatcherHooks(paths=None):
  """Run the scripts of the hooks/watcher directory; results are logged."""
  paths = paths or pathutils.Get()
  hooks_dir = os.path.join(paths.HOOKS_BASE_DIR, constants.HOOKS_NAME_WATCHER)
  if not os.path.isdir(hooks_dir):
    return
  env = {"PATH": "/sbin:/bin:/usr/sbin:/usr/bin",
         "GANETI_DATA_DIR": paths.DATA_DIR}
  for (name, status, runresult) in process.RunParts(hooks_dir, env=env,
                                                    reset_env=True):
    if status == process.RUNPARTS_SKIP:
      logging.debug("Watcher hook %s: skipped", name)
    elif status == process.RUNPARTS_ERR:
      logging.warning("Watcher hook %s: error %s", name, runresult)
    elif runresult.failed:
      logging.warning("Watcher hook %s: failed (exit code %s) (output: %s)",
                      name, runresult.exit_code, runresult.output)
    else:
      logging.debug("Watcher hook %s: success (output: %s)", name,
                    runresult.output)


def _GetMasterClient():
  """A LUXI client on the master; starts the master daemon once if it is
  not answering.

  @raise NotMasterError: this node is not the master
  """
  (master, myself) = ssconf.GetMasterAndMyself()
  if master != myself:
    raise NotMasterError("This is not the master node")
  try:
    return cli.GetClient()
  except (errors.NoMasterError, errors.OpPrereqError) as err:
    logging.warning("Master daemon unreachable (%s), starting it", err)
  if not EnsureDaemon(constants.MASTERD):
    raise errors.GenericError("Can't start the master daemon")
  deadline = time.monotonic() + 30
  while True:
    try:
      return cli.GetClient()
    except (errors.NoMasterError, errors.OpPrereqError):
      if time.monotonic() > deadline:
        raise errors.GenericError("Master daemon does not answer")
      time.sleep(0.2)


def _SpawnGroupChildren(opts, groups):
  """Start one child per group (CHILD_SPAWN_DELAY apart); their
  processes."""
  script = os.path.realpath(sys.argv[0])
  args = [sys.executable, script, "--ignore-pause"]
  if opts.debug:
    args.append("--debug")
  children = []
  for (idx, uuid) in enumerate(sorted(groups)):
    if idx:
      time.sleep(CHILD_SPAWN_DELAY)
    logging.debug("Spawning child for group %s", uuid)
    children.append(subprocess.Popen(args + ["--node-group", uuid],
                                     close_fds=True))
  return children


def GlobalWatcher(opts):
  """The part that runs on every node; returns an exit code."""
  paths = pathutils.Get()
  EnsureDaemon(constants.NODED)
  RunWatcherHooks(paths)
  try:
    cl = _GetMasterClient()
  except NotMasterError:
    logging.debug("Not on master, exiting")
    return constants.EXIT_SUCCESS
  if _FindDaemonProgram(constants.RAPI):
    EnsureDaemon(constants.RAPI)
  try:
    (archived, left) = cl.AutoArchiveJobs(opts.job_age)
    logging.debug("Archived %s jobs, left %s", archived, left)
  except errors.GenericError as err:
    logging.error("Can't archive jobs: %s", err)
  groups = [row[0] for row in cl.QueryGroups([], ["uuid"], False)]
  children = _SpawnGroupChildren(opts, groups)
  status = constants.EXIT_SUCCESS
  if opts.wait_children:
    for child in children:
      if child.wait() != 0:
        logging.error("Child for a group failed with exit code %s",
                      child.returncode)
        status = constants.EXIT_FAILURE
  return status


def ParseOptions(argv=None):
  parser = optparse.OptionParser(
    description="Keep instances in their configured state",
    usage="%prog [-d] [-A AGE] [--ignore-pause] [--wait-children]")
  parser.add_option("-d", "--debug", dest="debug", action="store_true",
                    default=False, help="Enable debug messages")
  parser.add_option("-A", "--job-age", dest="job_age", type="string",
                    default=str(DEFAULT_JOB_AGE),
                    help="Autoarchive jobs older than this age (default"
                    " 6 hours)")
  parser.add_option("--ignore-pause", dest="ignore_pause",
                    action="store_true", default=False,
                    help="Ignore cluster pause setting")
  parser.add_option("--wait-children", dest="wait_children",
                    action="store_true", default=False,
                    help="Wait for child processes")
  parser.add_option("--no-wait-children", dest="wait_children",
                    action="store_false", help="Don't wait for child"
                    " processes")
  parser.add_option("--node-group", dest="nodegroup", default="",
                    help="The UUID of the node group to watch (used by"
                    " the watcher itself)")
  (opts, args) = parser.parse_args(argv)
  if args:
    parser.error("No arguments expected")
  from ganeti.client import gnt_cluster_watcher  # pylint: disable=C0415
  try:
    opts.job_age = gnt_cluster_watcher.ParseTimespec(opts.job_age)
  except errors.OpPrereqError as err:
    parser.error(str(err.args[0]))
  return opts


def Main(argv=None):
  opts = ParseOptions(argv)
  paths = pathutils.Get()
  daemon.SetupLogging(paths.LOG_WATCHER, sys.argv[0], debug=opts.debug,
                      stderr_logging=opts.debug)
  if not opts.ignore_pause:
    until = pausefile.ReadWatcherPauseFile(paths.WATCHER_PAUSEFILE)
    if until is not None:
      logging.debug("Pause has been set until %s, exiting",
                    time.ctime(until))
      return constants.EXIT_SUCCESS
  # cluster-stopping commands hold this lock exclusively
  lock = filelock.FileLock.Open(paths.WATCHER_LOCK_FILE)
  try:
    try:
      lock.Shared(timeout=0)
    except errors.LockError:
      logging.debug("Can't acquire the watcher lock, exiting")
      return constants.EXIT_SUCCESS
    try:
      if opts.nodegroup:
        (master, myself) = ssconf.GetMasterAndMyself()
        if master != myself:
          return constants.EXIT_NOTMASTER
        return GroupWatcher(cli.GetClient(), opts.nodegroup, paths)
      return GlobalWatcher(opts)
    except errors.ResolverError as err:
      logging.error("Cannot resolve hostname '%s', exiting", err.args[0])
      return constants.EXIT_NODESETUP_ERROR
    except errors.ConfigurationError as err:
      logging.error("Cluster configuration incomplete: %s", err)
      return constants.EXIT_NODESETUP_ERROR
    except errors.JobQueueFull:
      logging.error("Job queue is full, can't query cluster state")
      return constants.EXIT_FAILURE
    except errors.JobQueueDrainError:
      logging.error("Job queue is drained, can't maintain cluster state")
      return constants.EXIT_FAILURE
    except (errors.GenericError, OSError) as err:
      logging.exception("Watcher failed: %s", err)
      return constants.EXIT_FAILURE
  finally:
    lock.Close()
