"""Running external commands."""

import logging
import os
import re
import signal
import stat
import subprocess

from ganeti import errors

_DEFAULT_PATH = "/sbin:/bin:/usr/sbin:/usr/bin"
_RUNPARTS_RE = re.compile(r"^[a-zA-Z0-9_-]+$")

RUNPARTS_SKIP = 0
RUNPARTS_RUN = 1
RUNPARTS_ERR = 2


class RunResult:
  """Result of a command run by L{RunCmd}.

  @ivar exit_code: the exit code, or None when killed by a signal
  @ivar signal: the signal number that killed the process, or None
  @ivar stdout, stderr: captured output (str); empty when logged to a file
  @ivar failed: True unless the command exited with code 0
  @ivar fail_reason: human-readable reason of the failure
  @ivar cmd: the command as a string

  """

  def __init__(self, exit_code, signal_, stdout, stderr, cmd,
               timeout_action=None, timeout=None):
    self.cmd = cmd
    self.exit_code = exit_code
    self.signal = signal_
    self.stdout = stdout
    self.stderr = stderr
    self.failed = (signal_ is not None or exit_code != 0)
    reasons = []
    if timeout_action:
      reasons.append("timeout after %ss: %s" % (timeout, timeout_action))
    if signal_ is not None:
      reasons.append("terminated by signal %s" % signal_)
    elif exit_code is not None and exit_code != 0:
      reasons.append("exited with exit code %s" % exit_code)
    self.fail_reason = ", ".join(reasons)
    if self.failed:
      logging.debug("Command '%s' failed (%s); output: %s", cmd,
                    self.fail_reason, self.output)

  @property
  def output(self) -> str:
    """stdout and stderr, concatenated."""
    return (self.stdout or "") + (self.stderr or "")


def _ResetEnv(env, reset_env):
  if reset_env:
    cmd_env = {"PATH": _DEFAULT_PATH}
  else:
    cmd_env = os.environ.copy()
    cmd_env["LC_ALL"] = "C"
  if env is not None:
    cmd_env.update(env)
  return cmd_env


def RunCmd(cmd, env=None, reset_env: bool = False, cwd: str = None,
           output: str = None, timeout: float = None, input_fd=None,
           interactive: bool = False) -> RunResult:
  """Run a command and return its result.

  @param cmd: argv list, or a string run through ``/bin/sh -c``
  @param env: variables added to the environment
  @param reset_env: start from a minimal environment (PATH only)
  @param cwd: working directory (default ``/``)
  @param output: if set, stdout+stderr are appended to this log file
      instead of being captured
  @param timeout: seconds after which the process is killed (SIGKILL);
      the result then has C{failed} set and a timeout C{fail_reason}
  @param input_fd: file object/descriptor for stdin (default /dev/null)
  @raise errors.OpExecError: the program could not be executed at all

  """
  if isinstance(cmd, str):
    strcmd = cmd
    argv = cmd
    shell = True
  else:
    argv = [str(a) for a in cmd]
    strcmd = " ".join(argv)
    shell = False
  if cwd is None:
    cwd = "/"
  cmd_env = _ResetEnv(env, reset_env)
  stdin = input_fd if input_fd is not None else subprocess.DEVNULL
  if interactive:
    stdin = None
  logfh = None
  try:
    if output is not None:
      logfh = open(output, "a")
      stdout_target = logfh
      stderr_target = subprocess.STDOUT
    else:
      stdout_target = subprocess.PIPE
      stderr_target = subprocess.PIPE
    try:
      proc = subprocess.Popen(argv, shell=shell, env=cmd_env, cwd=cwd,
                              stdin=stdin, stdout=stdout_target,
                              stderr=stderr_target, close_fds=True,
                              start_new_session=True)
    except OSError as err:
      raise errors.OpExecError("Can't execute '%s': %s" % (strcmd, err))
    timeout_action = None
    try:
      (out, err) = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
      timeout_action = "killed"
      try:
        os.killpg(proc.pid, signal.SIGKILL)
      except ProcessLookupError:
        pass
      (out, err) = proc.communicate()
  finally:
    if logfh is not None:
      logfh.close()
  rc = proc.returncode
  if rc < 0:
    (exit_code, sig) = (None, -rc)
  else:
    (exit_code, sig) = (rc, None)
  dec = (lambda b: b.decode("utf-8", "replace") if b else "")
  return RunResult(exit_code, sig, dec(out), dec(err), strcmd,
                   timeout_action, timeout)


def IsExecutable(path: str) -> bool:
  """Whether ``path`` is a regular file executable by its owner/us."""
  try:
    st = os.stat(path)
  except OSError:
    return False
  return stat.S_ISREG(st.st_mode) and os.access(path, os.X_OK)


def RunParts(dir_name: str, env=None, reset_env: bool = False):
  """Run all executable scripts of a directory, run-parts style.

  Scripts are run in sorted name order; names must match
  ``^[a-zA-Z0-9_-]+$`` and be executable, other entries are skipped.

  @return: list of (name, status, result) with status one of
      RUNPARTS_SKIP (result None), RUNPARTS_RUN (result a L{RunResult}) or
      RUNPARTS_ERR (result the error message)

  """
  rr = []
  try:
    names = sorted(os.listdir(dir_name))
  except OSError as err:
    logging.warning("RunParts: can't list %s: %s", dir_name, err)
    return rr
  for name in names:
    path = os.path.join(dir_name, name)
    if not (_RUNPARTS_RE.match(name) and IsExecutable(path)):
      rr.append((name, RUNPARTS_SKIP, None))
      continue
    try:
      result = RunCmd([path], env=env, reset_env=reset_env, cwd=dir_name)
    except errors.OpExecError as err:
      rr.append((name, RUNPARTS_ERR, str(err)))
    else:
      rr.append((name, RUNPARTS_RUN, result))
  return rr


def IsProcessAlive(pid) -> bool:
  """Whether a process with this PID exists (and is not a zombie).

  None or a non-positive PID (no pid file, an empty one) is no process.
  """
  if not pid or pid <= 0:
    return False
  try:
    with open("/proc/%d/status" % pid) as fh:
      for line in fh:
        if line.startswith("State:"):
          return "Z" not in line.split(":", 1)[1]
  except OSError:
    return False
  return True
