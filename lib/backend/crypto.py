"""Replacing the cluster certificate of a node (renew-crypto).

The cluster certificate (``server.pem``) is not on the ``upload_file``
allow-list: it has its own procedure, which checks the new PEM data
before it replaces the file.  The node daemon picks the new file up for
its next connections by itself (``http.CertWatcher``).
"""

from OpenSSL import crypto

from ganeti import pathutils
from ganeti.backend import _Fail
from ganeti.backend import jstore
from ganeti.utils import io

#: Mode of server.pem
CERT_MODE = 0o440


def CheckCertificatePem(data: bytes) -> None:
  """The data must hold a private key and a certificate that matches it.

  @raise RPCFail: otherwise
  """
  try:
    key = crypto.load_privatekey(crypto.FILETYPE_PEM, data)
    cert = crypto.load_certificate(crypto.FILETYPE_PEM, data)
  except crypto.Error as err:
    _Fail("Invalid cluster certificate: %s", err or "no key or certificate")
  pub_cert = crypto.dump_publickey(crypto.FILETYPE_PEM, cert.get_pubkey())
  pub_key = crypto.dump_publickey(crypto.FILETYPE_PEM, key)
  if pub_cert != pub_key:
    _Fail("Invalid cluster certificate: the key does not match the"
          " certificate")


def ReplaceClusterCert(content):
  """Write a new server.pem atomically.

  @param content: ``[encoding, data]`` (see L{jstore.DecodeCompressed})
      of the key plus certificate PEM
  """
  data = jstore.DecodeCompressed(content)
  if isinstance(data, str):
    data = data.encode("ascii")
  CheckCertificatePem(data)
  try:
    io.WriteFile(pathutils.Get().NODED_CERT_FILE, data=data, mode=CERT_MODE)
  except OSError as err:
    _Fail("Can't write the cluster certificate: %s", err)
  return None
