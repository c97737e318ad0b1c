"""Client side of gnt-cluster modify/renew-crypto; CertWatcher."""

import optparse
import os

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import http
from ganeti import pathutils
from ganeti.cli_ipolicy import IPOLICY_OPTS, IPolicyFromOpts, ParseBoundsSpecs
from ganeti.client import gnt_cluster_admin
from ganeti.client import gnt_cluster_crypto
from ganeti.utils import x509

pytestmark = pytest.mark.unit


def _Parse(opts_list, argv):
  parser = optparse.OptionParser(option_list=list(opts_list))
  (opts, _) = parser.parse_args(argv)
  return opts


def testBoundsSpecs():
  assert ParseBoundsSpecs("min:cpu-count=1,memory-size=1G/max:cpu-count=4"
                          "//min:cpu-count=8/max:cpu-count=16") == [
    {"min": {"cpu-count": "1", "memory-size": "1G"},
     "max": {"cpu-count": "4"}},
    {"min": {"cpu-count": "8"}, "max": {"cpu-count": "16"}}]
  with pytest.raises(errors.OpPrereqError):
    ParseBoundsSpecs("min:cpu-count=1")
  with pytest.raises(errors.ParameterError):
    ParseBoundsSpecs("low:cpu-count=1/max:cpu-count=2")


def testIPolicyFromOpts():
  opts = _Parse(IPOLICY_OPTS, [
    "--ipolicy-std-specs", "memory-size=256", "--ipolicy-vcpu-ratio", "2.5",
    "--ipolicy-disk-templates", "plain,file"])
  assert IPolicyFromOpts(opts) == {
    "std": {"memory-size": "256"}, "vcpu-ratio": 2.5,
    "disk-templates": ["plain", "file"]}
  assert IPolicyFromOpts(_Parse(IPOLICY_OPTS, [])) is None
  # legacy split options change single values of the current policy
  opts = _Parse(IPOLICY_OPTS, ["--specs-mem-size", "min=64,std=100",
                               "--specs-nic-count", "max=2"])
  new = IPolicyFromOpts(opts, constants.IPOLICY_DEFAULTS)
  (minmax, ) = new["minmax"]
  assert minmax["min"]["memory-size"] == "64"
  assert minmax["max"]["nic-count"] == "2"
  assert minmax["max"]["cpu-count"] == 8
  assert new["std"] == {"memory-size": "100"}
  assert constants.IPOLICY_DEFAULTS["minmax"][0]["min"]["memory-size"] == 128
  opts = _Parse(IPOLICY_OPTS, ["--specs-mem-size", "min=64",
                               "--ipolicy-std-specs", "cpu-count=1"])
  with pytest.raises(errors.ParameterError):
    IPolicyFromOpts(opts)


def testModifyHelpers():
  assert gnt_cluster_admin._DiskState(  # pylint: disable=W0212
    [("lvm-vg/xenvg", {"disk_total": "10"})]) == \
    {"lvm-vg": {"xenvg": {"disk_total": "10"}}}
  with pytest.raises(errors.OpPrereqError):
    gnt_cluster_admin._DiskState([("xenvg", {})])  # pylint: disable=W0212
  assert gnt_cluster_admin._Intervals(  # pylint: disable=W0212
    {"lv": "2.5"}) == {"lv": 2500000}


def _CryptoOpts(argv):
  return _Parse(gnt_cluster_crypto.RENEW_CRYPTO_OPTS, argv)


def testRenewCryptoOptionConflicts():
  check = gnt_cluster_crypto._CheckOptions  # pylint: disable=W0212
  assert check(_CryptoOpts(["--new-rapi-certificate"])) is None
  assert "--new-rapi-certificate and --rapi-certificate" in check(
    _CryptoOpts(["--new-rapi-certificate", "--rapi-certificate", "x"]))
  assert "--spice-ca-certificate" in check(
    _CryptoOpts(["--spice-certificate", "x"]))
  assert "--new-cluster-domain-secret and --cluster-domain-secret" in check(
    _CryptoOpts(["--new-cluster-domain-secret", "--cluster-domain-secret",
                 "f"]))


def testRenewCryptoFiles(tmp_path):
  paths = pathutils.Paths(str(tmp_path))
  cert = str(tmp_path / "given.pem")
  x509.GenerateSelfSignedSslCert(cert, mode=0o600)
  secret = tmp_path / "secret"
  secret.write_text("abc\n\n")
  files = gnt_cluster_crypto.ComputeFiles(_CryptoOpts([
    "--rapi-certificate", cert, "--new-spice-certificate",
    "--new-confd-hmac-key", "--cluster-domain-secret", str(secret)]), paths)
  by_path = dict((p, (d, m)) for (p, d, m) in files)
  with open(cert, "rb") as fh:
    assert by_path[paths.RAPI_CERT_FILE] == (fh.read(), 0o440)
  assert by_path[paths.SPICE_CERT_FILE] == by_path[paths.SPICE_CACERT_FILE]
  assert len(by_path[paths.CONFD_HMAC_KEY][0]) == 41
  assert by_path[paths.CLUSTER_DOMAIN_SECRET_FILE] == (b"abc\n", 0o400)
  bad = tmp_path / "bad.pem"
  bad.write_text("not a certificate")
  with pytest.raises(errors.OpPrereqError) as err:
    gnt_cluster_crypto.ComputeFiles(
      _CryptoOpts(["--rapi-certificate", str(bad)]), paths)
  assert err.value.args[0].startswith("Can't load new RAPI certificate")


def testCertWatcher(tmp_path):
  cert = str(tmp_path / "server.pem")
  x509.GenerateSelfSignedSslCert(cert, mode=0o600)
  old_digest = http.LoadCertDigest(cert)
  watcher = http.CertWatcher(cert)
  assert watcher.Check() is None
  x509.GenerateSelfSignedSslCert(cert, mode=0o600)
  fresh = watcher.Check()
  assert fresh is not None
  (ctx, digest) = fresh
  assert digest == http.LoadCertDigest(cert) != old_digest
  assert watcher.Check() is None
  # a broken replacement keeps the previous context
  with open(cert + ".new", "w") as fh:
    fh.write("garbage")
  os.rename(cert + ".new", cert)
  assert watcher.Check() is None
