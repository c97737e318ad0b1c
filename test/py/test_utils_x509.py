"""Tests for ganeti.utils.x509."""

import os
import stat

import pytest
from OpenSSL import crypto

from ganeti.utils import x509

pytestmark = pytest.mark.unit


def test_self_signed_cert(tmp_path):
  path = str(tmp_path / "server.pem")
  x509.GenerateSelfSignedSslCert(path)
  data = open(path, "rb").read()
  assert data.index(b"PRIVATE KEY") < data.index(b"BEGIN CERTIFICATE")
  cert = crypto.load_certificate(crypto.FILETYPE_PEM, data)
  key = crypto.load_privatekey(crypto.FILETYPE_PEM, data)
  assert key.bits() == 2048
  assert cert.get_subject().CN == "ganeti.example.com"
  assert cert.get_serial_number() == 1
  assert cert.get_signature_algorithm() == b"sha256WithRSAEncryption"
  assert stat.S_IMODE(os.stat(path).st_mode) == 0o400
  dig = x509.GetCertificateDigest(path)
  assert len(dig.split(":")) == 20
  assert dig == x509.GetCertificateDigest(path)
  other = str(tmp_path / "rapi.pem")
  x509.GenerateSelfSignedSslCert(other, serial_no=5, common_name="x")
  assert x509.GetCertificateDigest(other) != dig
  exp = x509.GetCertificateExpiry(path)
  import time
  assert 1824 * 86400 < exp - time.time() < 1826 * 86400


def test_hmac_key(tmp_path):
  path = str(tmp_path / "hmac.key")
  x509.GenerateHmacKey(path)
  data = open(path).read()
  assert len(data) == 41 and data.endswith("\n")
  int(data, 16)
  assert stat.S_IMODE(os.stat(path).st_mode) == 0o400
