"""Virtual cluster support: several nodes on one machine.

A process acts as virtual node ``X`` when both ``GANETI_ROOTDIR=<base>/X``
and ``GANETI_HOSTNAME=X`` are set.  Paths under the local state and
configuration directories are then prefixed with the node root, and paths
sent over RPC are "virtualized" (root stripped, marker prepended) so that
the receiving node can re-root them.
"""

import os

from ganeti import errors

ENV_ROOTDIR = "GANETI_ROOTDIR"
ENV_HOSTNAME = "GANETI_HOSTNAME"
VIRT_PATH_PREFIX = "/###-VIRTUAL-PATH-###,"


def GetEnv(env=None):
  """Return (rootdir, hostname) from the environment, validated.

  Both are empty strings outside a virtual cluster.
  """
  if env is None:
    env = os.environ
  rootdir = env.get(ENV_ROOTDIR, "")
  hostname = env.get(ENV_HOSTNAME, "")
  if bool(rootdir) != bool(hostname):
    raise errors.ProgrammerError("Both %s and %s must be set for a virtual"
                                 " cluster" % (ENV_ROOTDIR, ENV_HOSTNAME))
  if rootdir:
    if not os.path.isabs(rootdir):
      raise errors.ProgrammerError("%s must be absolute: %r" %
                                   (ENV_ROOTDIR, rootdir))
    rootdir = os.path.normpath(rootdir)
    if os.path.basename(rootdir) != hostname:
      raise errors.ProgrammerError("Last component of %s (%r) must equal %s"
                                   " (%r)" % (ENV_ROOTDIR, rootdir,
                                              ENV_HOSTNAME, hostname))
  return (rootdir, hostname)


def IsVirtual(env=None) -> bool:
  return bool(GetEnv(env)[0])


def GetBaseDir(env=None) -> str:
  """The cluster base directory (parent of the node roots), or ''."""
  rootdir = GetEnv(env)[0]
  return os.path.dirname(rootdir) if rootdir else ""


def AddNodePrefix(path: str, rootdir: str = None) -> str:
  if rootdir is None:
    rootdir = GetEnv()[0]
  if not rootdir:
    return path
  assert os.path.isabs(path), "Path %r must be absolute" % path
  return os.path.normpath(rootdir + path)


def MakeVirtualPath(path: str, rootdir: str = None) -> str:
  """Strip the node root from ``path`` and mark it as virtual."""
  if rootdir is None:
    rootdir = GetEnv()[0]
  if not rootdir:
    return path
  if path != rootdir and not path.startswith(rootdir + "/"):
    raise errors.ProgrammerError("Path %r is not below node root %r" %
                                 (path, rootdir))
  return VIRT_PATH_PREFIX + path[len(rootdir):]


def LocalizeVirtualPath(path: str, rootdir: str = None) -> str:
  """Inverse of :func:`MakeVirtualPath` on the receiving node.

  A node that is not virtual (a real machine in a cluster whose master is
  a virtual node) takes a virtual path relative to its own ``/``.
  """
  if rootdir is None:
    rootdir = GetEnv()[0]
  if not rootdir:
    if path.startswith(VIRT_PATH_PREFIX):
      path = path[len(VIRT_PATH_PREFIX):]
      if not os.path.isabs(path):
        raise errors.ProgrammerError("Virtual path %r is not absolute" %
                                     path)
      return os.path.normpath(path)
    return path
  if not path.startswith(VIRT_PATH_PREFIX):
    raise errors.ProgrammerError("Path %r is not virtual" % path)
  return AddNodePrefix(path[len(VIRT_PATH_PREFIX):], rootdir)
