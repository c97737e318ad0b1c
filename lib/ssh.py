"""Running commands on other nodes as root over SSH (paramiko).

How a node is reached (the rule, see doc/ssh.rst):

- In a virtual cluster (``GANETI_ROOTDIR``/``GANETI_HOSTNAME`` set) whose
  target node's address is configured on this host (the loopback virtual
  cluster: every node is this machine), the command runs locally with the
  target node's ``GANETI_ROOTDIR``/``GANETI_HOSTNAME``, exactly what
  Ganeti's SSH wrapper exports before the remote command.
- Otherwise the command runs over SSH as ``root`` (paramiko), with root's
  key of this node (``SSH_ROOT_DIR/id_rsa``, rooted like every other
  path).  A virtual node still exports the target's root directory and
  host name before the command (Ganeti's virtual cluster convention), so
  that nodes in network namespaces sharing one file system work.

Host keys are checked as Ganeti's ``ssh`` options do: with the cluster key
(``use_cluster_key``, the default) the server must present the key stored
for the host key alias *cluster name* in Ganeti's ``known_hosts`` file;
without it (the first contact of ``gnt-node add``) the key must be known
under the host's name or address in root's own ``known_hosts``, unless
``strict_host_check`` is off (``--no-ssh-key-check``), in which case a new
key is accepted and recorded there.  With ``ask_key`` and a terminal on
standard input an unknown key is shown and accepted only if the user
answers "yes" (OpenSSH's ``StrictHostKeyChecking=ask``).
"""

import logging
import os
import select
import shlex
import shutil
import socket
import subprocess
import sys
import time

from ganeti import errors
from ganeti import netutils
from ganeti import pathutils
from ganeti import vcluster

#: exit code reported when the SSH connection itself failed (as ssh(1))
SSH_FAILURE_EXIT = 255
_CONNECT_TIMEOUT = 10.0
#: root's private key files, in the order they are tried
_KEY_NAMES = ("id_rsa", "id_ecdsa", "id_ed25519", "id_dsa")
#: host key algorithms that a known_hosts key type stands for
_ALGOS_OF_TYPE = {
  "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
}


class SshResult:
  def __init__(self, exit_code, stdout, stderr, fail_reason=None):
    self.exit_code = exit_code
    self.stdout = stdout
    self.stderr = stderr
    self.failed = exit_code != 0
    self.output = stdout + stderr
    self.fail_reason = fail_reason or ("exited with exit code %s" %
                                       exit_code)


def _LocalPythonPath():
  """Make the running ganeti package importable by a child Python."""
  here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  current = os.environ.get("PYTHONPATH")
  return here if not current else here + os.pathsep + current


def GetRootKeyFiles(paths=None):
  """(private key, public key, authorized_keys) of root on this node."""
  if paths is None:
    paths = pathutils.Get()
  base = paths.SSH_ROOT_DIR
  return (os.path.join(base, "id_rsa"), os.path.join(base, "id_rsa.pub"),
          os.path.join(base, "authorized_keys"))


def IsLocalTarget(address):
  """Whether a node at ``address`` is reached without SSH.

  True only inside a virtual cluster for an address configured on this
  host; a real cluster always goes through SSH.
  """
  return bool(vcluster.IsVirtual() and address and
              netutils.IsLocalAddress(address))


def ExchangeNodeRoot(node, path):
  """``path`` of this node as seen on virtual node ``node``.

  Outside a virtual cluster paths are the same on every node.
  """
  (rootdir, _) = vcluster.GetEnv()
  if not rootdir:
    return path
  if path == rootdir or path.startswith(rootdir + "/"):
    path = path[len(rootdir):] or "/"
  return vcluster.AddNodePrefix(path, os.path.join(
    os.path.dirname(rootdir), node))


def RemoteEnvPrefix(node):
  """The shell prefix that makes a remote command act as virtual ``node``.

  Ganeti's virtual-cluster convention (export the node's root directory
  and host name); the nodes of a virtual cluster share this machine's
  installation, so this interpreter's and the package's program
  directories come first in ``PATH``.
  """
  base = vcluster.GetBaseDir()
  if not base:
    return ""
  top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  bindirs = [os.path.dirname(sys.executable)]
  bindirs.extend(os.path.join(top, d) for d in ("scripts", "daemons",
                                                "tools")
                 if os.path.isdir(os.path.join(top, d)))
  return "export %s=%s; export %s=%s; export PATH=%s:$PATH; " % (
    vcluster.ENV_ROOTDIR, shlex.quote(os.path.join(base, node)),
    vcluster.ENV_HOSTNAME, shlex.quote(node),
    shlex.quote(os.pathsep.join(bindirs)))


def ReadKnownHosts(path):
  """{host name or alias: [(key type, base64 key)]} from a known_hosts."""
  result = {}
  try:
    with open(path) as fh:
      lines = fh.read().splitlines()
  except FileNotFoundError:
    return result
  for line in lines:
    parts = line.split()
    if len(parts) < 3 or parts[0].startswith("#") or \
        parts[0].startswith("@"):
      continue
    for name in parts[0].split(","):
      result.setdefault(name, []).append((parts[1], parts[2]))
  return result


def _AddKnownHost(path, names, key):
  os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
  with open(path, "a") as fh:
    fh.write("%s %s %s\n" % (",".join(names), key.get_name(),
                             key.get_base64()))


def _LoadPrivateKey(key_file):
  import paramiko
  candidates = [key_file] if key_file else \
    [os.path.join(pathutils.Get().SSH_ROOT_DIR, n) for n in _KEY_NAMES]
  for path in candidates:
    if os.path.exists(path):
      try:
        return paramiko.PKey.from_path(path)
      except (paramiko.SSHException, OSError, ValueError) as err:
        raise errors.OpExecError("Cannot load SSH key %s: %s" % (path, err))
  raise errors.OpExecError("No SSH key for root found (looked for %s)" %
                           ", ".join(candidates))


class _HostKeyMismatch(Exception):
  pass


def KeyFingerprint(key):
  """OpenSSH's SHA256 fingerprint of a paramiko key."""
  import base64
  import hashlib
  digest = hashlib.sha256(key.asbytes()).digest()
  return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def AskHostKey(name, address, key, stream_in, stream_out):
  """Show an unknown host key and ask whether to accept it (as ssh(1))."""
  name_of_type = {"ssh-rsa": "RSA", "ssh-dss": "DSA", "ssh-ed25519":
                  "ED25519"}
  kind = name_of_type.get(key.get_name(), "ECDSA" if key.get_name()
                          .startswith("ecdsa-") else key.get_name())
  stream_out.write("The authenticity of host '%s (%s)' can't be"
                   " established.\n%s key fingerprint is %s.\n"
                   "Are you sure you want to continue connecting"
                   " (yes/no)? " % (name, address, kind, KeyFingerprint(key)))
  stream_out.flush()
  while True:
    answer = stream_in.readline()
    if not answer:
      return False
    answer = answer.strip().lower()
    if answer in ("yes", "no"):
      return answer == "yes"
    stream_out.write("Please type 'yes' or 'no': ")
    stream_out.flush()


class SshRunner:
  """Runs commands and copies files to nodes, as root."""

  def __init__(self, cluster_name, port=22, key_file=None):
    self.cluster_name = cluster_name
    self.port = port
    self.key_file = key_file

  # -- running ------------------------------------------------------------
  def Run(self, node, address, command, stdin_data="", timeout=120,
          use_cluster_key=True, strict_host_check=True, port=None,
          ask_key=False):
    """Run the shell command line ``command`` as root on ``node``.

    @return: an L{SshResult}; a failed connection gives exit code 255 and
      the reason on stderr, as ssh(1) does

    """
    if IsLocalTarget(address):
      return self._RunLocal(node, ["bash", "-c", command], stdin_data,
                            timeout)
    return self._RunRemote(node, address, RemoteEnvPrefix(node) + command,
                           stdin_data, timeout, use_cluster_key,
                           strict_host_check, port or self.port, ask_key)

  def RunPython(self, node, address, module, stdin_data, timeout=120,
                **kwargs):
    """Run ``python3 -m <module>`` on a node, feeding it stdin_data.

    A virtual node runs this process's interpreter and package (the nodes
    share this machine's file system); a real one its own ``python3``.
    """
    if IsLocalTarget(address):
      return self._RunLocal(node, [sys.executable, "-m", module],
                            stdin_data, timeout)
    if vcluster.IsVirtual():
      command = "PYTHONPATH=%s %s -m %s" % (
        shlex.quote(_LocalPythonPath()), shlex.quote(sys.executable),
        module)
    else:
      command = "python3 -m %s" % module
    return self._RunRemote(node, address, RemoteEnvPrefix(node) + command,
                           stdin_data, timeout,
                           kwargs.get("use_cluster_key", True),
                           kwargs.get("strict_host_check", True),
                           kwargs.get("port") or self.port,
                           kwargs.get("ask_key", False))

  def _RunLocal(self, node, argv, stdin_data, timeout):
    base = vcluster.GetBaseDir()
    env = dict(os.environ)
    env[vcluster.ENV_ROOTDIR] = os.path.join(base, node)
    env[vcluster.ENV_HOSTNAME] = node
    env["PYTHONPATH"] = _LocalPythonPath()
    try:
      proc = subprocess.run(argv, input=stdin_data, capture_output=True,
                            text=True, env=env, timeout=timeout,
                            check=False)
    except subprocess.TimeoutExpired:
      return SshResult(SSH_FAILURE_EXIT, "", "Command timed out after %s"
                       " seconds\n" % timeout, fail_reason="timeout")
    return SshResult(proc.returncode, proc.stdout, proc.stderr)

  def _Connect(self, node, address, use_cluster_key, strict_host_check,
               port, ask_key=False):
    """An authenticated paramiko transport to ``address``."""
    import paramiko
    paths = pathutils.Get()
    if use_cluster_key:
      known_file = paths.SSH_KNOWN_HOSTS_FILE
      names = [self.cluster_name]
    else:
      known_file = os.path.join(paths.SSH_ROOT_DIR, "known_hosts")
      names = [node, address]
      if port != 22:
        names = ["[%s]:%d" % (n, port) for n in names]
    known = ReadKnownHosts(known_file)
    expected = [k for n in names for k in known.get(n, [])]
    if not use_cluster_key:
      # a node that already carries the cluster's host key (a re-added
      # node) is trusted as every cluster node is
      expected.extend(ReadKnownHosts(paths.SSH_KNOWN_HOSTS_FILE).get(
        self.cluster_name, []))
    sock = socket.create_connection((address, port),
                                    timeout=_CONNECT_TIMEOUT)
    transport = paramiko.Transport(sock)
    try:
      options = transport.get_security_options()
      wanted = [a for (ktype, _) in expected
                for a in _ALGOS_OF_TYPE.get(ktype, (ktype, ))]
      supported = list(options.key_types)
      options.key_types = ([a for a in wanted if a in supported] +
                           [a for a in supported if a not in wanted])
      transport.start_client(timeout=_CONNECT_TIMEOUT)
      key = transport.get_remote_server_key()
      offered = (key.get_name(), key.get_base64())
      if offered not in expected:
        if expected and strict_host_check:
          raise _HostKeyMismatch("Host key for %s (%s) differs from the"
                                 " one in %s" % (names[0], address,
                                                 known_file))
        if strict_host_check and not (
            ask_key and sys.stdin.isatty() and
            AskHostKey(names[0], address, key, sys.stdin, sys.stderr)):
          raise _HostKeyMismatch("No host key for %s (%s) in %s" %
                                 (names[0], address, known_file))
        if expected:
          logging.warning("Host key of %s changed; accepting it as host"
                          " key checking is off", address)
        else:
          _AddKnownHost(known_file, names, key)
      transport.auth_publickey("root", _LoadPrivateKey(self.key_file))
      return transport
    except BaseException:
      transport.close()
      raise

  def _RunRemote(self, node, address, command, stdin_data, timeout,
                 use_cluster_key, strict_host_check, port, ask_key=False):
    import paramiko
    try:
      transport = self._Connect(node, address, use_cluster_key,
                                strict_host_check, port, ask_key)
    except _HostKeyMismatch as err:
      return SshResult(SSH_FAILURE_EXIT, "", "Host key verification failed:"
                       " %s\n" % err, fail_reason=str(err))
    except (paramiko.SSHException, OSError, EOFError) as err:
      msg = "ssh: connect to host %s port %s: %s" % (address, port,
                                                     err or "failed")
      return SshResult(SSH_FAILURE_EXIT, "", msg + "\n", fail_reason=msg)
    try:
      return self._Exec(transport, command, stdin_data, timeout)
    finally:
      transport.close()

  @staticmethod
  def _Exec(transport, command, stdin_data, timeout):
    chan = transport.open_session(timeout=_CONNECT_TIMEOUT)
    chan.exec_command(command)
    if stdin_data:
      chan.sendall(stdin_data.encode("utf-8"))
    chan.shutdown_write()
    out, err = [], []
    deadline = time.monotonic() + timeout
    while True:
      while chan.recv_ready():
        out.append(chan.recv(65536))
      while chan.recv_stderr_ready():
        err.append(chan.recv_stderr(65536))
      if chan.exit_status_ready() and not chan.recv_ready() and \
          not chan.recv_stderr_ready():
        break
      if time.monotonic() > deadline:
        chan.close()
        return SshResult(SSH_FAILURE_EXIT, b"".join(out).decode(
          "utf-8", "replace"), "Command timed out after %s seconds\n" %
          timeout, fail_reason="timeout")
      select.select([chan], [], [], 0.2)
    code = chan.recv_exit_status()
    return SshResult(code, b"".join(out).decode("utf-8", "replace"),
                     b"".join(err).decode("utf-8", "replace"))

  # -- copying ------------------------------------------------------------
  def CopyFileToNode(self, node, address, filename, port=None):
    """Copy ``filename`` to the same path on ``node`` (as ``scp -p``).

    @return: True on success; failures are logged

    """
    target = ExchangeNodeRoot(node, filename)
    if not os.path.isfile(filename):
      logging.error("File %s does not exist or is not a file", filename)
      return False
    if IsLocalTarget(address):
      if os.path.abspath(target) == os.path.abspath(filename):
        return True
      try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(filename, target)
      except OSError as err:
        logging.error("Copy of %s to node %s failed: %s", filename, node,
                      err)
        return False
      return True
    import paramiko
    try:
      transport = self._Connect(node, address, True, True,
                                port or self.port)
    except (_HostKeyMismatch, paramiko.SSHException, OSError,
            EOFError) as err:
      logging.error("Copy of %s to node %s failed: %s", filename, node, err)
      return False
    try:
      sftp = paramiko.SFTPClient.from_transport(transport)
      st = os.stat(filename)
      sftp.put(filename, target)
      sftp.chmod(target, st.st_mode & 0o7777)
      sftp.utime(target, (st.st_atime, st.st_mtime))
      sftp.close()
      return True
    except (paramiko.SSHException, OSError) as err:
      logging.error("Copy of %s to node %s failed: %s", filename, node, err)
      return False
    finally:
      transport.close()


def BuildInteractiveCmd(cluster_name, host, user, command, port=None):
  """The argv that runs ``command`` (a list) on ``host`` with a terminal.

  As Ganeti's console connection: OpenSSH with the cluster's known hosts
  file, batch mode, no escape character and a forced tty.  In a virtual
  cluster every node is this machine, so the command itself is returned.
  """
  if vcluster.IsVirtual():
    return list(command)
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
