"""Minimal HTTP/1.1 over TLS for node RPC (server and client).

Authentication model (Ganeti's): every node holds the same cluster
certificate (``server.pem``: key plus self-signed certificate).  Both ends
present it, both use it as their only CA, and both additionally require the
peer's certificate to be byte-identical in digest to their own.
"""

import hashlib
import logging
import os
import ssl

from ganeti import constants
from ganeti import errors

HTTP_OK = 200
HTTP_BAD_REQUEST = 400
HTTP_NOT_FOUND = 404
HTTP_INTERNAL_SERVER_ERROR = 500
HTTP_POST = "POST"
HTTP_CONTENT_TYPE = "Content-Type"
HTTP_APP_JSON = "application/json"

RESPONSES = {200: "OK", 400: "Bad Request", 401: "Unauthorized",
             403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
             411: "Length Required", 413: "Request Entity Too Large",
             415: "Unsupported Media Type",
             500: "Internal Server Error", 501: "Not Implemented",
             502: "Bad Gateway", 503: "Service Unavailable",
             504: "Gateway Timeout"}


class HttpError(errors.GenericError):
  """An HTTP-level error with a status code."""

  def __init__(self, code: int, message: str = ""):
    super().__init__(code, message)
    self.code = code
    self.message = message


def LoadCertDigest(cert_file: str) -> bytes:
  """SHA256 digest of the DER form of the first certificate in a PEM file."""
  with open(cert_file, "r") as fh:
    pem = fh.read()
  start = pem.find("-----BEGIN CERTIFICATE-----")
  end = pem.find("-----END CERTIFICATE-----")
  if start < 0 or end < 0:
    raise errors.X509CertError(cert_file, "No certificate found")
  der = ssl.PEM_cert_to_DER_cert(pem[start:end + 25])
  return hashlib.sha256(der).digest()


def _BaseContext(ctx: ssl.SSLContext, cert_file: str, key_file: str):
  ctx.minimum_version = ssl.TLSVersion.TLSv1_2
  ctx.set_ciphers(constants.SSL_CIPHERS)
  ctx.load_cert_chain(cert_file, key_file)
  ctx.load_verify_locations(cafile=cert_file)
  ctx.verify_mode = ssl.CERT_REQUIRED
  return ctx


def MakeServerContext(cert_file: str, key_file: str = None):
  """TLS server context requiring a client certificate signed by ours."""
  return _BaseContext(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), cert_file,
                      key_file or cert_file)


def MakeClientContext(cert_file: str, key_file: str = None):
  """TLS client context presenting and trusting only ``cert_file``."""
  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
  ctx.check_hostname = False
  return _BaseContext(ctx, cert_file, key_file or cert_file)


class CertWatcher:
  """Notice when a certificate file is replaced (``renew-crypto``).

  L{Check} returns ``(ssl_ctx, digest)`` freshly built by ``make_ctx``
  when the file changed (inode, size or modification time) since the
  last build, else None.  A file that can't be read or parsed keeps the
  previous context (the error is logged).
  """

  def __init__(self, cert_file: str, key_file: str = None, make_ctx=None):
    self._cert = cert_file
    self._key = key_file or cert_file
    self._make = make_ctx or MakeClientContext
    self._stamp = self._Stamp()

  def _Stamp(self):
    try:
      st = os.stat(self._cert)
    except OSError:
      return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)

  def Check(self):
    stamp = self._Stamp()
    if stamp is None or stamp == self._stamp:
      return None
    try:
      result = (self._make(self._cert, self._key),
                LoadCertDigest(self._cert))
    except (OSError, ssl.SSLError, errors.GenericError) as err:
      logging.error("Can't load the new certificate %s: %s", self._cert,
                    err)
      return None
    self._stamp = stamp
    logging.info("Certificate %s changed, using the new one", self._cert)
    return result


def VerifyPeer(sslsock: ssl.SSLSocket, expected_digest: bytes) -> None:
  """Reject the peer unless its certificate equals ours (by digest).

  @raise HttpError: (403) the peer presented another certificate
  """
  der = sslsock.getpeercert(binary_form=True)
  if der is None or hashlib.sha256(der).digest() != expected_digest:
    raise HttpError(403, "Peer certificate does not match the cluster"
                    " certificate")
