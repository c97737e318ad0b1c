"""Running commands on other nodes as root over SSH (paramiko).

In a virtual cluster every node lives on this machine: the command runs
locally with the target node's ``GANETI_ROOTDIR``/``GANETI_HOSTNAME``,
exactly what Ganeti's SSH wrapper exports before the remote command.
"""

import os
import subprocess
import sys

from ganeti import errors
from ganeti import vcluster


class SshResult:
  def __init__(self, exit_code, stdout, stderr):
    self.exit_code = exit_code
    self.stdout = stdout
    self.stderr = stderr
    self.failed = exit_code != 0
    self.output = stdout + stderr
    self.fail_reason = "exited with exit code %s" % exit_code


def _LocalPythonPath():
  """Make the running ganeti package importable by a child Python."""
  here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  current = os.environ.get("PYTHONPATH")
  return here if not current else here + os.pathsep + current


class SshRunner:
  def __init__(self, cluster_name, port=22, key_file=None):
    self.cluster_name = cluster_name
    self.port = port
    self.key_file = key_file

  def RunPython(self, node, address, module, stdin_data, timeout=120):
    """Run ``python3 -m <module>`` on a node, feeding it stdin_data."""
    if vcluster.IsVirtual():
      base = vcluster.GetBaseDir()
      env = dict(os.environ)
      env[vcluster.ENV_ROOTDIR] = os.path.join(base, node)
      env[vcluster.ENV_HOSTNAME] = node
      env["PYTHONPATH"] = _LocalPythonPath()
      proc = subprocess.run([sys.executable, "-m", module],
                            input=stdin_data, capture_output=True,
                            text=True, env=env, timeout=timeout,
                            check=False)
      return SshResult(proc.returncode, proc.stdout, proc.stderr)
    return self._RunRemote(address, "python3 -m %s" % module, stdin_data,
                           timeout)

  def _RunRemote(self, address, command, stdin_data, timeout):
    import paramiko
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
      client.connect(address, port=self.port, username="root",
                     key_filename=self.key_file, timeout=timeout)
      (stdin, stdout, stderr) = client.exec_command(command, timeout=timeout)
      stdin.write(stdin_data)
      stdin.channel.shutdown_write()
      out = stdout.read().decode("utf-8", "replace")
      err = stderr.read().decode("utf-8", "replace")
      code = stdout.channel.recv_exit_status()
      return SshResult(code, out, err)
    except (paramiko.SSHException, OSError) as err:
      raise errors.OpExecError("SSH to %s failed: %s" % (address, err))
    finally:
      client.close()


def BuildInteractiveCmd(cluster_name, host, user, command, port=None):
  """The argv that runs ``command`` (a list) on ``host`` with a terminal.

  As Ganeti's console connection: OpenSSH with the cluster's known hosts
  file, batch mode, no escape character and a forced tty.  In a virtual
  cluster every node is this machine, so the command itself is returned.
  """
  if vcluster.IsVirtual():
    return list(command)
  import shlex
  from ganeti import pathutils
  known_hosts = pathutils.Get().SSH_KNOWN_HOSTS_FILE
  argv = ["ssh", "-oEscapeChar=none", "-oBatchMode=yes", "-l%s" % user,
          "-q", "-oUserKnownHostsFile=%s" % known_hosts,
          "-oGlobalKnownHostsFile=%s" % known_hosts,
          "-oCheckHostIp=no", "-oHashKnownHosts=no",
          "-oHostKeyAlias=%s" % cluster_name, "-tt"]
  if port:
    argv.append("-p%d" % port)
  argv.extend([host, shlex.join(command)])
  return argv
