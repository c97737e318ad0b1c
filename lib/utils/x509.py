"""X509 certificates and secret keys of a cluster.

The cluster certificate (``server.pem``) and the RAPI certificate
(``rapi.pem``) are single PEM files holding the RSA private key first and
then a self-signed certificate.  Every node shares the same ``server.pem``;
nodes authenticate each other by comparing certificate digests.
"""

import binascii
import os
import time

from OpenSSL import crypto

from ganeti import constants
from ganeti import errors
from ganeti.utils import io


def GenerateSelfSignedX509Cert(common_name: str, validity_days: int,
                               serial_no: int):
  """Create a new RSA key and a self-signed certificate.

  @return: (key_pem, cert_pem) as bytes

  """
  key = crypto.PKey()
  key.generate_key(crypto.TYPE_RSA, constants.RSA_KEY_BITS)
  cert = crypto.X509()
  cert.set_version(2)
  cert.get_subject().CN = common_name
  cert.set_serial_number(serial_no)
  # Allow for some clock skew between nodes
  cert.gmtime_adj_notBefore(-30 * 60)
  cert.gmtime_adj_notAfter(validity_days * 24 * 60 * 60)
  cert.set_issuer(cert.get_subject())
  cert.set_pubkey(key)
  cert.sign(key, constants.X509_CERT_SIGN_DIGEST)
  return (crypto.dump_privatekey(crypto.FILETYPE_PEM, key),
          crypto.dump_certificate(crypto.FILETYPE_PEM, cert))


def GenerateSelfSignedSslCert(path: str, serial_no: int = 1,
                              common_name: str = constants.X509_CERT_CN,
                              validity_days: int =
                              constants.X509_CERT_DEFAULT_VALIDITY,
                              mode: int = 0o400):
  """Write a key plus self-signed certificate PEM file atomically.

  @return: (key_pem, cert_pem) as written

  """
  (key_pem, cert_pem) = GenerateSelfSignedX509Cert(common_name,
                                                   validity_days, serial_no)
  io.WriteFile(path, data=key_pem + cert_pem, mode=mode)
  return (key_pem, cert_pem)


def LoadCertificate(cert_path: str):
  """Load the (first) certificate of a PEM file."""
  try:
    data = io.ReadBinaryFile(cert_path)
  except OSError as err:
    raise errors.X509CertError(cert_path, "Can't read certificate: %s" % err)
  try:
    return crypto.load_certificate(crypto.FILETYPE_PEM, data)
  except crypto.Error as err:
    raise errors.X509CertError(cert_path, "Can't parse certificate: %s" % err)


def GetCertificateDigest(cert_path: str, digest: str = "sha1") -> str:
  """Digest of the certificate in ``cert_path`` as colon-separated hex.

  The format is OpenSSL's (``AB:CD:...``, upper case), as Ganeti stores it
  in ``candidate_certs``.

  """
  return LoadCertificate(cert_path).digest(digest).decode("ascii")


def GetCertificateDigestFromDer(der: bytes, digest: str = "sha1") -> str:
  """Same as L{GetCertificateDigest} for a DER-encoded certificate."""
  cert = crypto.load_certificate(crypto.FILETYPE_ASN1, der)
  return cert.digest(digest).decode("ascii")


def GenerateHmacKey(path: str) -> None:
  """Write a new HMAC key: 20 random bytes as hex plus newline, mode 0400."""
  key = binascii.hexlify(os.urandom(constants.CONFD_HMAC_KEY_LEN))
  io.WriteFile(path, data=key + b"\n", mode=0o400)


def GetCertificateExpiry(cert_path: str) -> float:
  """The certificate's notAfter as a UNIX timestamp."""
  cert = LoadCertificate(cert_path)
  na = cert.get_notAfter().decode("ascii")
  return time.mktime(time.strptime(na, "%Y%m%d%H%M%SZ")) - time.timezone
