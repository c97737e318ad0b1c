"""gnt-cluster renew-crypto: replace the cluster's keys and certificates.

The RAPI and SPICE certificates, the confd HMAC key and the cluster
domain secret are made (or read from the given files) here, on the
master, written there atomically and copied to every other online node
with the ``upload_file`` node RPC.  The local RAPI daemon is restarted
to serve its new certificate.  The cluster certificate (``server.pem``,
the node certificate every node shares) is renewed by the
OP_CLUSTER_RENEW_CRYPTO job, see ``cmdlib/cluster_crypto.py``.
"""

import binascii
import os

from OpenSSL import crypto

from ganeti import bootstrap
from ganeti import cli
from ganeti import constants
from ganeti import errors
from ganeti import opcodes
from ganeti import pathutils
from ganeti import ssconf
from ganeti.cli import ToStdout, ToStderr, SubmitOpCode
from ganeti.cli_opts import cli_option, FORCE_OPT, VERBOSE_OPT
from ganeti.rpc import node as rpc_node
from ganeti.utils import io
from ganeti.utils import x509

_CERT_MODE = 0o440
_SECRET_MODE = 0o400


def _Opt(name, dest, **kwargs):
  kwargs.setdefault("default", False if "action" in kwargs else None)
  return cli_option(name, dest=dest, **kwargs)


RENEW_CRYPTO_OPTS = [
  _Opt("--new-cluster-certificate", "new_cluster_cert", action="store_true",
       help="Generate a new cluster certificate"),
  _Opt("--new-node-certificates", "new_node_cert", action="store_true",
       help="Generate new node certificates (the shared cluster"
       " certificate)"),
  _Opt("--new-rapi-certificate", "new_rapi_cert", action="store_true",
       help="Generate a new self-signed RAPI certificate"),
  _Opt("--rapi-certificate", "rapi_cert", metavar="FILE",
       help="File containing new RAPI certificate"),
  _Opt("--new-spice-certificate", "new_spice_cert", action="store_true",
       help="Generate a new self-signed SPICE certificate"),
  _Opt("--spice-certificate", "spice_cert", metavar="FILE",
       help="File containing new SPICE certificate"),
  _Opt("--spice-ca-certificate", "spice_cacert", metavar="FILE",
       help="File containing the certificate of the CA which signed the"
       " SPICE certificate"),
  _Opt("--new-confd-hmac-key", "new_confd_hmac_key", action="store_true",
       help="Create a new HMAC key for the configuration daemon"),
  _Opt("--new-cluster-domain-secret", "new_cluster_domain_secret",
       action="store_true", help="Create a new cluster domain secret"),
  _Opt("--cluster-domain-secret", "cluster_domain_secret", metavar="FILE",
       help="Load new cluster domain secret from file"),
  _Opt("--new-ssh-keys", "new_ssh_keys", action="store_true",
       help="Renew the cluster's SSH key pairs"),
  _Opt("--ssh-key-type", "ssh_key_type",
       choices=["rsa", "dsa", "ecdsa"], help="Type of SSH key to generate"),
  _Opt("--ssh-key-bits", "ssh_key_bits", type="int",
       help="Length of the SSH keys to generate"),
  _Opt("--no-ssh-key-check", "ssh_key_check", action="store_false",
       help="Do not check the SSH key of the nodes"),
  FORCE_OPT, VERBOSE_OPT,
]


def _NewSecret():
  return binascii.hexlify(os.urandom(constants.CONFD_HMAC_KEY_LEN)) + b"\n"


def _NewCert():
  (key_pem, cert_pem) = x509.GenerateSelfSignedX509Cert(
    constants.X509_CERT_CN, constants.X509_CERT_DEFAULT_VALIDITY, 1)
  return key_pem + cert_pem


def _ReadPem(path, what, need_key):
  """Read a PEM file, checking it holds a certificate (and a key)."""
  try:
    data = io.ReadBinaryFile(path)
    crypto.load_certificate(crypto.FILETYPE_PEM, data)
    if need_key:
      crypto.load_privatekey(crypto.FILETYPE_PEM, data)
  except (OSError, crypto.Error) as err:
    raise errors.OpPrereqError("Can't load new %s from %s: %s" %
                               (what, path, err or "invalid PEM data"),
                               errors.ECODE_INVAL)
  return data


def _CheckOptions(opts):
  """Mutually exclusive options; None if fine, else the error text."""
  pairs = [
    (opts.new_rapi_cert, opts.rapi_cert, "--new-rapi-certificate",
     "--rapi-certificate"),
    (opts.new_spice_cert, opts.spice_cert or opts.spice_cacert,
     "--new-spice-certificate", "--spice-certificate"),
    (opts.new_cluster_domain_secret, opts.cluster_domain_secret,
     "--new-cluster-domain-secret", "--cluster-domain-secret"),
  ]
  for (new, given, new_opt, file_opt) in pairs:
    if new and given:
      return ("Only one of the %s and %s options can be specified." %
              (new_opt, file_opt))
  if bool(opts.spice_cert) != bool(opts.spice_cacert):
    return ("When using --spice-certificate, the --spice-ca-certificate"
            " option must be specified as well, and vice versa.")
  return None


def ComputeFiles(opts, paths=None):
  """[(local path, content, mode)] of the files to replace."""
  paths = paths or pathutils.Get()
  files = []
  if opts.new_rapi_cert:
    files.append((paths.RAPI_CERT_FILE, _NewCert(), _CERT_MODE))
  elif opts.rapi_cert:
    files.append((paths.RAPI_CERT_FILE,
                  _ReadPem(opts.rapi_cert, "RAPI certificate", True),
                  _CERT_MODE))
  if opts.new_spice_cert:
    cert = _NewCert()
    files.append((paths.SPICE_CERT_FILE, cert, _CERT_MODE))
    # a self-signed certificate is its own CA
    files.append((paths.SPICE_CACERT_FILE, cert, _CERT_MODE))
  elif opts.spice_cert:
    files.append((paths.SPICE_CERT_FILE,
                  _ReadPem(opts.spice_cert, "SPICE certificate", True),
                  _CERT_MODE))
    files.append((paths.SPICE_CACERT_FILE,
                  _ReadPem(opts.spice_cacert, "SPICE CA certificate",
                           False), _CERT_MODE))
  if opts.new_confd_hmac_key:
    files.append((paths.CONFD_HMAC_KEY, _NewSecret(), _SECRET_MODE))
  if opts.new_cluster_domain_secret:
    files.append((paths.CLUSTER_DOMAIN_SECRET_FILE, _NewSecret(),
                  _SECRET_MODE))
  elif opts.cluster_domain_secret:
    try:
      secret = io.ReadBinaryFile(opts.cluster_domain_secret).strip()
    except OSError as err:
      raise errors.OpPrereqError("Can't load new cluster domain secret from"
                                 " %s: %s" % (opts.cluster_domain_secret,
                                              err), errors.ECODE_INVAL)
    if not secret:
      raise errors.OpPrereqError("The cluster domain secret in %s is empty" %
                                 opts.cluster_domain_secret,
                                 errors.ECODE_INVAL)
    files.append((paths.CLUSTER_DOMAIN_SECRET_FILE, secret + b"\n",
                  _SECRET_MODE))
  return files


def DistributeFiles(files, verbose=False):
  """Write ``files`` here and on every other online node; warnings -> 1."""
  store = ssconf.SimpleStore()
  # the command runs on the master (GenericMain's master check)
  master = store.GetMasterNode()
  others = [n for n in store.GetOnlineNodeList() if n != master]
  failures = 0
  runner = rpc_node.RpcRunner()
  for (path, data, mode) in files:
    io.WriteFile(path, data=data, mode=mode)
    if verbose:
      ToStdout("Copying %s to %d node(s)", path, len(others))
    if not others:
      continue
    result = runner.call_upload_file(others, (path, data, mode))
    for (node, res) in sorted(result.items()):
      if res.fail_msg:
        failures += 1
        ToStderr("Copying file %s to node %s failed: %s", path, node,
                 res.fail_msg)
  return failures


def _RestartRapi():
  """Restart the local RAPI daemon (if it runs) for its new certificate."""
  try:
    bootstrap.RunDaemonUtil("check", constants.RAPI)
  except errors.OpExecError:
    return
  bootstrap.RunDaemonUtil("stop", constants.RAPI)
  bootstrap.RunDaemonUtil("start", constants.RAPI)


def RenewCrypto(opts, args):
  """Renew the cluster's certificates and keys (see the module doc)."""
  msg = _CheckOptions(opts)
  if msg:
    ToStderr(msg)
    return 1
  if not opts.force:
    usertext = ("Updating certificates now. Running \"gnt-cluster verify\""
                " is recommended after this operation.\nThis requires all"
                " daemons on all nodes to be restarted and may take some"
                " time. Continue?")
    if not cli.AskUser(usertext):
      return 1
  files = ComputeFiles(opts)
  failures = DistributeFiles(files, verbose=opts.verbose) if files else 0
  if any(path == pathutils.Get().RAPI_CERT_FILE for (path, _, _) in files):
    _RestartRapi()
  if opts.new_cluster_cert or opts.new_node_cert or opts.new_ssh_keys:
    op = opcodes.OpClusterRenewCrypto(
      node_certificates=bool(opts.new_cluster_cert or opts.new_node_cert),
      renew_ssh_keys=bool(opts.new_ssh_keys),
      ssh_key_type=opts.ssh_key_type, ssh_key_bits=opts.ssh_key_bits,
      verbose=bool(opts.verbose), debug=bool(opts.debug))
    SubmitOpCode(op, opts=opts)
  if failures:
    ToStderr("Some files could not be copied; run \"gnt-cluster"
             " renew-crypto\" again once the nodes are reachable")
    return 1
  ToStdout("All requested certificates and keys have been replaced."
           " Running \"gnt-cluster verify\" now is recommended.")
  return 0
