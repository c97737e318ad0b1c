"""The cluster's SSH keys: root's key pair, authorized_keys, host keys.

What Ganeti does with SSH, and so do we (see doc/ssh.rst):

- ``gnt-cluster init`` (unless ``--no-ssh-init``) makes sure root has a
  key pair (``SSH_ROOT_DIR/id_rsa``) and authorizes its public key in
  root's ``authorized_keys``.
- The master's SSH host keys become the cluster's: the RSA public key is
  stored in the configuration (``cluster.rsahostkeypub``) and in Ganeti's
  ``known_hosts`` file as ``<cluster name> ssh-rsa <key>``; every node
  that joins gets the same host keys, so one entry (used with the cluster
  name as host key alias) verifies all nodes.
- A joining node gets root's key pair and its ``authorized_keys`` entry,
  so every node can reach every other as root.
"""

import os

from ganeti import errors
from ganeti import utils

#: host key variants, by the name used in prepare-node-join's data
HOST_KEY_TYPES = ("rsa", "dsa", "ecdsa", "ed25519")


def HostKeyFiles(paths, kind):
  """(private, public) host key files of one variant."""
  priv = os.path.join(paths.SSH_CONFIG_DIR, "ssh_host_%s_key" % kind)
  return (priv, priv + ".pub")


def ReadHostKeys(paths):
  """[(variant, private PEM, public line)] of this node's host keys."""
  result = []
  for kind in HOST_KEY_TYPES:
    (priv, pub) = HostKeyFiles(paths, kind)
    if os.path.exists(priv) and os.path.exists(pub):
      result.append((kind, utils.ReadFile(priv), utils.ReadFile(pub)))
  return result


def WriteHostKeys(paths, keys):
  """Install host keys given as [(variant, private, public)]."""
  for (kind, priv_data, pub_data) in keys:
    if kind not in HOST_KEY_TYPES:
      raise errors.ParseError("Unknown SSH host key type '%s'" % kind)
    (priv, pub) = HostKeyFiles(paths, kind)
    os.makedirs(paths.SSH_CONFIG_DIR, exist_ok=True)
    utils.WriteFile(priv, data=priv_data, mode=0o600)
    utils.WriteFile(pub, data=pub_data, mode=0o644)


def GetRsaHostKey(paths):
  """The base64 part of this node's RSA host key, or "" if it has none."""
  (_, pub) = HostKeyFiles(paths, "rsa")
  try:
    fields = utils.ReadFile(pub).split()
  except FileNotFoundError:
    return ""
  return fields[1] if len(fields) >= 2 else ""


def FormatKnownHosts(cluster_name, rsa_key):
  """Ganeti's known_hosts content for the cluster host key."""
  return "%s ssh-rsa %s\n" % (cluster_name, rsa_key)


def WriteKnownHosts(paths, cluster_name, rsa_key):
  utils.WriteFile(paths.SSH_KNOWN_HOSTS_FILE,
                  data=FormatKnownHosts(cluster_name, rsa_key), mode=0o644)


def _UserFiles(paths):
  from ganeti import ssh  # pylint: disable=C0415
  return ssh.GetRootKeyFiles(paths)


def AddAuthorizedKey(auth_file, pub_line):
  """Add a public key line to an authorized_keys file, once."""
  key = pub_line.strip()
  fields = key.split()
  os.makedirs(os.path.dirname(auth_file), mode=0o700, exist_ok=True)
  try:
    existing = utils.ReadFile(auth_file).splitlines()
  except FileNotFoundError:
    existing = []
  for line in existing:
    if line.split()[:2] == fields[:2]:
      return False
  existing.append(key)
  utils.WriteFile(auth_file, data="\n".join(existing) + "\n", mode=0o600)
  return True


def RemoveAuthorizedKey(auth_file, pub_line):
  """Remove a public key (type and key compared) from authorized_keys."""
  fields = pub_line.split()[:2]
  try:
    existing = utils.ReadFile(auth_file).splitlines()
  except FileNotFoundError:
    return False
  kept = [line for line in existing if line.split()[:2] != fields]
  if len(kept) == len(existing):
    return False
  utils.WriteFile(auth_file, data="".join(line + "\n" for line in kept),
                  mode=0o600)
  return True


def GenerateRootKey(paths, bits, comment):
  """Create root's RSA key pair (private key in OpenSSH's PEM form)."""
  import paramiko
  (priv, pub, _) = _UserFiles(paths)
  os.makedirs(paths.SSH_ROOT_DIR, mode=0o700, exist_ok=True)
  key = paramiko.RSAKey.generate(bits)
  key.write_private_key_file(priv)
  os.chmod(priv, 0o600)
  utils.WriteFile(pub, data="ssh-rsa %s %s\n" % (key.get_base64(), comment),
                  mode=0o644)


def ReadRootKey(paths):
  """[("rsa", private, public)] of root's key pair, or [] if it has none."""
  (priv, pub, _) = _UserFiles(paths)
  if not (os.path.exists(priv) and os.path.exists(pub)):
    return []
  return [("rsa", utils.ReadFile(priv), utils.ReadFile(pub))]


def WriteRootKey(paths, keys):
  """Install root's key pair(s) and authorize their public keys."""
  (_, _, auth) = _UserFiles(paths)
  for (kind, priv_data, pub_data) in keys:
    if kind not in HOST_KEY_TYPES:
      raise errors.ParseError("Unknown SSH key type '%s'" % kind)
    priv = os.path.join(paths.SSH_ROOT_DIR, "id_%s" % kind)
    os.makedirs(paths.SSH_ROOT_DIR, mode=0o700, exist_ok=True)
    utils.WriteFile(priv, data=priv_data, mode=0o600)
    utils.WriteFile(priv + ".pub", data=pub_data, mode=0o644)
    AddAuthorizedKey(auth, pub_data)


def InitSshSetup(paths, bits, comment):
  """Root's key pair for a new cluster (created if missing), authorized."""
  (priv, pub, auth) = _UserFiles(paths)
  if not (os.path.exists(priv) and os.path.exists(pub)):
    GenerateRootKey(paths, bits, comment)
  AddAuthorizedKey(auth, utils.ReadFile(pub))
