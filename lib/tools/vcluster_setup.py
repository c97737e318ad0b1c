"""vcluster-setup: a virtual Ganeti cluster on this machine.

``up`` creates one root directory per node below DIR, gives each node its
own loopback address (names in ``DIR/hosts``), initialises the cluster on
the first node (which starts its node and master daemons) and adds the
other nodes (each gets its own node daemon).  ``down`` stops every daemon
of every node below DIR.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

from ganeti import constants
from ganeti import pathutils
from ganeti import vcluster
from ganeti.utils import process

_TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
_DEFAULT_PREFIX = "127.0.1"
_CLUSTER_NAME = "cluster"
_NODE_ARGS = "--no-mlock"


def _BinDirs():
  """Directories holding gnt-*, daemons and tools (checkout or install)."""
  dirs = []
  if os.path.isdir(os.path.join(_TOP, "scripts")) and \
      os.path.exists(os.path.join(_TOP, "ganeti")):
    dirs = [os.path.join(_TOP, d) for d in ("scripts", "daemons", "tools")]
  else:
    dirs = [os.path.dirname(os.path.abspath(sys.argv[0]))]
  return dirs


def NodeNames(count):
  return ["node%d" % (i + 1) for i in range(count)]


def NodeIp(prefix, idx):
  return "%s.%d" % (prefix, 10 + idx)


def NodeEnv(basedir, node, base_env=None):
  env = dict(os.environ if base_env is None else base_env)
  env[vcluster.ENV_ROOTDIR] = os.path.join(basedir, node)
  env[vcluster.ENV_HOSTNAME] = node
  env["PATH"] = os.pathsep.join(_BinDirs() + [env.get("PATH", "")])
  return env


def _WriteEnvFile(path, basedir, node):
  lines = ["# Source this file to act as virtual node %s" % node,
           "export %s=%s" % (vcluster.ENV_ROOTDIR,
                             os.path.join(basedir, node)),
           "export %s=%s" % (vcluster.ENV_HOSTNAME, node),
           "export PATH=%s:$PATH" % os.pathsep.join(_BinDirs())]
  with open(path, "w") as fh:
    fh.write("\n".join(lines) + "\n")


def _LinkOsDefinitions(root):
  """Make the host's OS definitions visible in the node's OS search path."""
  for search_dir in constants.OS_SEARCH_PATH:
    if not os.path.isdir(search_dir):
      continue
    target_dir = root + search_dir
    os.makedirs(target_dir, exist_ok=True)
    for name in os.listdir(search_dir):
      link = os.path.join(target_dir, name)
      if not os.path.lexists(link):
        os.symlink(os.path.join(search_dir, name), link)


def _LinkExtStorageProviders(root):
  """Make the ExtStorage providers (the checkout's share/extstorage and the
  host's search path) visible in the node's ExtStorage search path."""
  own = os.path.join(_TOP, "share", "extstorage")
  sources = [(constants.ES_SEARCH_PATH[0], own)]
  sources.extend((d, d) for d in constants.ES_SEARCH_PATH)
  for (search_dir, source_dir) in sources:
    if not os.path.isdir(source_dir):
      continue
    target_dir = root + search_dir
    os.makedirs(target_dir, exist_ok=True)
    for name in os.listdir(source_dir):
      link = os.path.join(target_dir, name)
      if not os.path.lexists(link):
        os.symlink(os.path.join(source_dir, name), link)


def _PrepareNode(basedir, node, ip, file_storage_dir):
  from ganeti import bootstrap
  root = os.path.join(basedir, node)
  paths = pathutils.Paths(root)
  bootstrap.EnsureDirs(paths)
  os.makedirs(os.path.dirname(paths.DEFAULT_FILE), exist_ok=True)
  with open(paths.DEFAULT_FILE, "w") as fh:
    fh.write("NODED_ARGS='%s -b %s'\nRAPI_ARGS='-b %s'\n"
             "CONFD_ARGS='-b %s'\n" % (_NODE_ARGS, ip, ip, ip))
  with open(paths.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("%s\n%s\n" % (file_storage_dir,
                           constants.DEFAULT_SHARED_FILE_STORAGE_DIR))
  os.makedirs(root + file_storage_dir, exist_ok=True)
  _LinkOsDefinitions(root)
  _LinkExtStorageProviders(root)
  node_env_dir = os.path.join(basedir, "nodes", node)
  os.makedirs(node_env_dir, exist_ok=True)
  _WriteEnvFile(os.path.join(node_env_dir, "env"), basedir, node)


def _Run(argv, env):
  proc = subprocess.run(argv, env=env, capture_output=True, text=True,
                        check=False)
  if proc.returncode != 0:
    raise RuntimeError("%s failed (exit %s):\n%s%s" %
                       (" ".join(argv), proc.returncode, proc.stdout,
                        proc.stderr))
  return proc.stdout


def Up(basedir, count, prefix, extra_init_args=()):
  basedir = os.path.abspath(basedir)
  if os.path.exists(os.path.join(basedir, "env")):
    raise RuntimeError("%s already holds a virtual cluster; run 'down'"
                       " first or use another directory" % basedir)
  os.makedirs(basedir, exist_ok=True)
  nodes = NodeNames(count)
  with open(os.path.join(basedir, "hosts"), "w") as fh:
    fh.write("%s.1 %s\n" % (prefix, _CLUSTER_NAME))
    for idx, node in enumerate(nodes):
      fh.write("%s %s\n" % (NodeIp(prefix, idx), node))
  with open(os.path.join(basedir, "nodes.list"), "w") as fh:
    fh.write("\n".join(nodes) + "\n")
  fsdir = constants.DEFAULT_FILE_STORAGE_DIR
  for idx, node in enumerate(nodes):
    _PrepareNode(basedir, node, NodeIp(prefix, idx), fsdir)
  _WriteEnvFile(os.path.join(basedir, "env"), basedir, nodes[0])
  master_env = NodeEnv(basedir, nodes[0])
  _Run(["gnt-cluster", "init", "--enabled-hypervisors=fake",
        "--enabled-disk-templates=file,diskless", "--master-netdev=lo",
        "--no-etc-hosts", "--no-ssh-init",
        "--file-storage-dir=%s" % fsdir] + list(extra_init_args) +
       [_CLUSTER_NAME], master_env)
  for node in nodes[1:]:
    _Run(["gnt-node", "add", node], master_env)
  _SetupRapi(basedir, nodes, NodeIp(prefix, 0))
  return nodes


#: The read-write RAPI user of a virtual cluster
RAPI_USER = "rapi"


def _SetupRapi(basedir, nodes, master_ip):
  """Give ganeti-rapi one read-write user (random password) and name the
  endpoint and that user in DIR/env (RAPI_HOST, RAPI_PORT, RAPI_USER,
  RAPI_PASSWORD).  The users file goes to every node, as Ganeti
  distributes it, so a new master after a failover knows the user too;
  the running ganeti-rapi re-reads a changed users file."""
  import secrets
  password = secrets.token_hex(12)
  for node in nodes:
    users_file = pathutils.Paths(os.path.join(basedir,
                                              node)).RAPI_USERS_FILE
    os.makedirs(os.path.dirname(users_file), exist_ok=True)
    fd = os.open(users_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w") as fh:
      fh.write("# written by vcluster-setup\n%s %s write\n" %
               (RAPI_USER, password))
  with open(os.path.join(basedir, "env"), "a") as fh:
    fh.write("export RAPI_HOST=%s\nexport RAPI_PORT=%d\n"
             "export RAPI_USER=%s\nexport RAPI_PASSWORD=%s\n" %
             (master_ip, constants.DEFAULT_RAPI_PORT, RAPI_USER, password))


def _PidsOf(root):
  run_dir = pathutils.Paths(root).RUN_DIR
  pids = []
  if not os.path.isdir(run_dir):
    return pids
  for fname in os.listdir(run_dir):
    if fname.endswith(".pid"):
      try:
        with open(os.path.join(run_dir, fname)) as fh:
          pids.append(int(fh.read().strip()))
      except (OSError, ValueError):
        pass
  return pids


def Down(basedir):
  basedir = os.path.abspath(basedir)
  nodes_file = os.path.join(basedir, "nodes.list")
  if not os.path.exists(nodes_file):
    return []
  with open(nodes_file) as fh:
    nodes = [line.strip() for line in fh if line.strip()]
  # the nodes are independent: stop them all at once
  stoppers = [subprocess.Popen(["daemon-util", "stop-all"],
                               env=NodeEnv(basedir, node),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
              for node in nodes]
  for proc in stoppers:
    proc.wait()
  deadline = time.monotonic() + 10
  for node in nodes:
    for pid in _PidsOf(os.path.join(basedir, node)):
      while process.IsProcessAlive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
      if process.IsProcessAlive(pid):
        os.kill(pid, signal.SIGKILL)
  os.unlink(os.path.join(basedir, "env"))
  os.unlink(nodes_file)
  return nodes


def Main():
  parser = argparse.ArgumentParser(
    prog="vcluster-setup",
    description="Run a virtual Ganeti cluster on this machine")
  sub = parser.add_subparsers(dest="action", required=True)
  up = sub.add_parser("up", help="create and start a virtual cluster")
  up.add_argument("--nodes", type=int, default=3)
  up.add_argument("--dir", required=True)
  up.add_argument("--ip-prefix", default=_DEFAULT_PREFIX,
                  help="first three octets of the loopback addresses")
  up.add_argument("--clean", action="store_true",
                  help="remove DIR's previous content first")
  down = sub.add_parser("down", help="stop every daemon of the cluster")
  down.add_argument("--dir", required=True)
  down.add_argument("--purge", action="store_true",
                    help="also remove the directory")
  opts = parser.parse_args()
  if opts.action == "up":
    if opts.nodes < 1:
      parser.error("--nodes must be at least 1")
    if opts.clean and os.path.isdir(opts.dir):
      Down(opts.dir)
      shutil.rmtree(opts.dir)
    try:
      nodes = Up(opts.dir, opts.nodes, opts.ip_prefix)
    except RuntimeError as err:
      sys.stderr.write("vcluster-setup: %s\n" % err)
      return 1
    print("Virtual cluster '%s' up with nodes %s; run '. %s/env' to use it" %
          (_CLUSTER_NAME, ", ".join(nodes), os.path.abspath(opts.dir)))
    return 0
  stopped = Down(opts.dir)
  if opts.purge and os.path.isdir(opts.dir):
    shutil.rmtree(opts.dir)
  if stopped:
    print("Stopped virtual nodes %s" % ", ".join(stopped))
  return 0
