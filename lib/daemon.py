"""Generic daemon plumbing shared by ganeti-noded, ganeti-masterd, ...

Usage (the whole contract)::

  def CheckFn(options, args):        # validate; may sys.exit(code)
  def PrepareFn(options, args):      # runs in the daemon process after
    return state                     # daemonizing, pidfile and logging;
                                     # exceptions are reported to the
                                     # starting process (exit code 1)
  def ExecFn(options, args, state):  # main loop; return to exit 0

  parser = optparse.OptionParser(usage="%prog [-f] [-d]",
                                 version="%prog " + constants.RELEASE_VERSION)
  parser.add_option(...)             # daemon specific options
  daemon.GenericMain(constants.MASTERD, parser, CheckFn, PrepareFn, ExecFn,
                     multithreaded=True)

GenericMain adds ``-f/--foreground``, ``-d/--debug`` and
``--syslog={no,yes,only}``; for daemons with a port in
``constants.DAEMONS_PORTS`` also ``-p/--port`` (default: /etc/services
entry or the default port) and ``-b/--bind`` (default ``0.0.0.0``, or
``::`` when ssconf says the primary IP family is IPv6); when
``default_ssl_cert`` is given also ``--no-ssl``, ``-K/--ssl-key`` and
``-C/--ssl-cert`` (``options.ssl`` is then True unless --no-ssl).

Unless ``-f``, the process daemonizes (python-daemon) and the starting
process exits only once PrepareFn has succeeded (0) or failed (1, with the
error on stderr).  The PID file ``$RUN_DIR/<daemon>.pid`` is opened 0600
without truncation, exclusively flock'ed (a running daemon makes the start
fail), and holds ``"<pid>\\n"``; it is removed at exit.  Logging goes to
``$LOG_DIR/<logbase>.log`` with Ganeti's line format (reopened after
rotation).  SIGTERM/SIGINT handling is up to ExecFn (see
:func:`SetupSignalHandlers`).
"""

import errno
import fcntl
import logging
import logging.handlers
import os
import signal
import sys

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import pathutils


def _LogFormat(program, multithreaded, debug):
  fmt = "%(asctime)s: " + program + " pid=%(process)d"
  if multithreaded:
    fmt += "/%(threadName)s"
  if debug:
    fmt += " %(module)s:%(lineno)s"
  return fmt + " %(levelname)s %(message)s"


def SetupLogging(logfile, program, debug=False, stderr_logging=False,
                 multithreaded=False, syslog="no"):
  """Configure the root logger for a daemon."""
  root = logging.getLogger("")
  root.setLevel(logging.NOTSET)
  for handler in list(root.handlers):
    root.removeHandler(handler)
    handler.close()
  formatter = logging.Formatter(_LogFormat(program, multithreaded, debug))
  level = logging.DEBUG if debug else logging.INFO
  if stderr_logging:
    sh = logging.StreamHandler()
    sh.setFormatter(formatter)
    sh.setLevel(level)
    root.addHandler(sh)
  if syslog in ("yes", "only"):
    try:
      slh = logging.handlers.SysLogHandler("/dev/log")
      slh.setFormatter(logging.Formatter(program + " pid=%(process)d"
                                         " %(levelname)s %(message)s"))
      slh.setLevel(level)
      root.addHandler(slh)
    except OSError as err:
      if syslog == "only":
        raise
      sys.stderr.write("Can't use syslog: %s\n" % err)
  if syslog != "only":
    os.makedirs(os.path.dirname(logfile), exist_ok=True)
    fh = logging.handlers.WatchedFileHandler(logfile)
    os.chmod(logfile, 0o600)
    fh.setFormatter(formatter)
    fh.setLevel(level)
    root.addHandler(fh)


def WritePidFile(pidfile):
  """Lock and write the PID file; return its descriptor (keep it open).

  @raise errors.PidFileLockError: another process holds the lock
  """
  os.makedirs(os.path.dirname(pidfile), exist_ok=True)
  fd = os.open(pidfile, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except OSError as err:
    os.close(fd)
    if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
      raise errors.PidFileLockError("Lock on pid file %s is held by another"
                                    " process" % pidfile)
    raise
  os.ftruncate(fd, 0)
  os.write(fd, b"%d\n" % os.getpid())
  return fd


def ReadPidFile(pidfile):
  """The PID in a pid file, or 0."""
  try:
    with open(pidfile) as fh:
      return int(fh.read().strip() or 0)
  except (OSError, ValueError):
    return 0


def SetupSignalHandlers(fn, signals=(signal.SIGTERM, signal.SIGINT)):
  """Call ``fn(signum, frame)`` on the given signals."""
  for signum in signals:
    signal.signal(signum, fn)


def _AddOptions(parser, daemon_name, default_ssl_cert, default_ssl_key):
  parser.add_option("-f", "--foreground", dest="fork", default=True,
                    action="store_false", help="Don't detach from the"
                    " current terminal")
  parser.add_option("-d", "--debug", dest="debug", default=False,
                    action="store_true", help="Enable some debug messages")
  parser.add_option("--syslog", dest="syslog", default="no",
                    choices=["no", "yes", "only"],
                    help="Enable logging to syslog (no, yes, only)")
  if daemon_name in constants.DAEMONS_PORTS:
    parser.add_option("-p", "--port", dest="port", type="int",
                      default=None, help="Network port")
    parser.add_option("-b", "--bind", dest="bind_address", default=None,
                      metavar="ADDRESS", help="Bind address")
    parser.add_option("-i", "--interface", dest="interface", default=None,
                      help="Bind to the address of this interface")
  if default_ssl_cert is not None:
    parser.add_option("--no-ssl", dest="ssl", default=True,
                      action="store_false", help="Do not secure HTTP"
                      " protocol with SSL")
    parser.add_option("-K", "--ssl-key", dest="ssl_key",
                      default=default_ssl_key, type="string",
                      help="SSL key path")
    parser.add_option("-C", "--ssl-cert", dest="ssl_cert",
                      default=default_ssl_cert, type="string",
                      help="SSL certificate path")


def _DefaultBind():
  from ganeti import ssconf
  try:
    family = ssconf.SimpleStore().GetPrimaryIPFamily()
  except errors.ConfigurationError:
    family = constants.PRIMARY_IP_FAMILY_V4
  return "::" if family == constants.PRIMARY_IP_FAMILY_V6 else "0.0.0.0"


def _Detach(pidfile):
  """Daemonize; return a write fd to report startup errors on.

  The original process waits on the pipe and exits 0 (nothing written) or
  1 (prints what was written).
  """
  import daemon as pydaemon
  (rfd, wfd) = os.pipe()
  pid = os.fork()
  if pid != 0:
    os.close(wfd)
    chunks = []
    while True:
      data = os.read(rfd, 4096)
      if not data:
        break
      chunks.append(data)
    try:
      os.waitpid(pid, 0)
    except ChildProcessError:
      pass
    msg = b"".join(chunks).decode("utf-8", "replace")
    if msg:
      sys.stderr.write("Error when starting daemon process: %r\n" % msg)
      os._exit(constants.EXIT_FAILURE)
    os._exit(constants.EXIT_SUCCESS)
  os.close(rfd)
  ctx = pydaemon.DaemonContext(working_directory="/", umask=0o077,
                               files_preserve=[wfd], detach_process=True,
                               prevent_core=False)
  ctx.open()
  return wfd


def GenericMain(daemon_name, optionparser, check_fn, prepare_fn, exec_fn,
                multithreaded=False, default_ssl_cert=None,
                default_ssl_key=None):
  """Run a daemon (see the module docstring for the contract)."""
  _AddOptions(optionparser, daemon_name, default_ssl_cert, default_ssl_key)
  (options, args) = optionparser.parse_args()
  if daemon_name in constants.DAEMONS_PORTS:
    if options.port is None:
      options.port = netutils.GetDaemonPort(daemon_name)
    if options.bind_address is None:
      options.bind_address = _DefaultBind()
  if default_ssl_cert is not None and options.ssl:
    if not options.ssl_key or not options.ssl_cert:
      print("SSL key and certificate files are needed", file=sys.stderr)
      sys.exit(constants.EXIT_FAILURE)
    for fname in (options.ssl_key, options.ssl_cert):
      if not os.path.exists(fname):
        print("Need key and certificate to use ssl (missing %s)" % fname,
              file=sys.stderr)
        sys.exit(constants.EXIT_FAILURE)
  if check_fn is not None:
    check_fn(options, args)
  paths = pathutils.Get()
  wfd = None
  if options.fork:
    wfd = _Detach(paths.DaemonPidFile(daemon_name))
  pidfile = paths.DaemonPidFile(daemon_name)
  pid_fd = None
  try:
    try:
      pid_fd = WritePidFile(pidfile)
      logbase = constants.DAEMONS_LOGBASE.get(daemon_name, daemon_name)
      SetupLogging(paths.GetLogFilename(logbase), daemon_name,
                   debug=options.debug, stderr_logging=not options.fork,
                   multithreaded=multithreaded, syslog=options.syslog)
      logging.info("%s daemon startup", daemon_name)
      prep_results = prepare_fn(options, args) if prepare_fn else None
    except Exception as err:
      if wfd is not None:
        os.write(wfd, str(err).encode("utf-8") or b"error")
        os.close(wfd)
      else:
        sys.stderr.write("%s\n" % err)
      logging.exception("Failed to start %s", daemon_name)
      sys.exit(constants.EXIT_FAILURE)
    if wfd is not None:
      os.close(wfd)
      wfd = None
    exec_fn(options, args, prep_results)
  finally:
    if pid_fd is not None and ReadPidFile(pidfile) == os.getpid():
      try:
        os.unlink(pidfile)
      except OSError:
        pass
      os.close(pid_fd)
    logging.info("%s daemon exiting", daemon_name)
