"""The node side of verify (ganeti.backend.verify) and the certificate
check of OP_CLUSTER_VERIFY_CONFIG."""

import os

import pytest

from ganeti.backend import verify
from ganeti.cmdlib.cluster_verify import config as cv_config
from ganeti.utils import x509

pytestmark = pytest.mark.unit

DAY = 86400


def _Tree(tmp_path, proc=("sys", "sysrq-trigger"), sysfs=("block",
                                                           "class/net")):
  for name in proc:
    path = tmp_path / "proc" / name
    if name == "sysrq-trigger":
      path.parent.mkdir(parents=True, exist_ok=True)
      path.write_text("")
    else:
      path.mkdir(parents=True)
  for name in sysfs:
    (tmp_path / "sys" / name).mkdir(parents=True)
  return (str(tmp_path / "proc"), str(tmp_path / "sys"))


def testNodeSetupHealthy(tmp_path):
  assert verify.NodeSetupErrors(*_Tree(tmp_path)) == []


def testNodeSetupMissing(tmp_path):
  (proc, sysfs) = _Tree(tmp_path, proc=("sys", ), sysfs=("block", ))
  assert verify.NodeSetupErrors(proc, sysfs) == [
    "The procfs filesystem doesn't seem to be mounted under /proc, missing"
    " required directory /proc/sys and the file /proc/sysrq-trigger",
    "The sysfs filesytem doesn't seem to be mounted under /sys, missing"
    " required directories /sys/block and /sys/class/net"]


def testOobHelper(tmp_path):
  helper = tmp_path / "oob"
  helper.write_text("#!/bin/sh\n")
  os.chmod(helper, 0o644)
  assert verify.CheckOobHelper(str(helper)) == \
    "out of band helper %s is not executable" % helper
  os.chmod(helper, 0o755)
  assert verify.CheckOobHelper(str(helper)) is None
  assert verify.CheckOobHelper(str(tmp_path)) == \
    "out of band helper %s is not a file" % tmp_path
  assert verify.CheckOobHelper(str(tmp_path / "none")).startswith(
    "error stating out of band helper: [Errno 2] No such file or directory")


def testVerifyNodeMoreAnswersOnlyWhatIsAsked(tmp_path):
  helper = tmp_path / "oob"
  result = {}
  verify.VerifyNodeMore({"oob-paths": [str(helper)]}, result)
  assert list(result) == ["oob-paths"]
  assert result["oob-paths"][0].startswith("error stating")


@pytest.mark.parametrize("args,expected", [
  ((False, 0, 100 * DAY, 0), (None, None)),
  ((False, 0, 20 * DAY + 10, 0),
   ("WARNING", "Certificate expires in about 20 days")),
  ((False, 0, 3 * DAY + 10, 0),
   ("ERROR", "Certificate expires in about 3 days")),
  ((False, 10 * DAY, 100 * DAY, 0), ("WARNING", None)),
  ((True, None, None, 0), ("ERROR", "Certificate is expired")),
])
def testCertificateValidity(args, expected):
  (code, msg) = cv_config.CertificateValidity(*args)
  assert code == expected[0]
  if expected[1] is not None:
    assert msg == expected[1]
  elif code == "WARNING":
    assert msg.startswith("Certificate not yet valid (valid from ")


def testVerifyCertificateFile(tmp_path):
  path = str(tmp_path / "cert.pem")
  x509.GenerateSelfSignedSslCert(path, validity_days=365)
  assert cv_config.VerifyCertificate(path) == (None, None)
  (code, msg) = cv_config.VerifyCertificate(path, _now=365 * DAY * 2 +
                                            os.path.getmtime(path))
  assert code == "ERROR"
  # (pyOpenSSL's own expiry check uses the real clock)
  assert msg.startswith("While verifying %s: Certificate expires in about"
                        " -" % path)
  (code, msg) = cv_config.VerifyCertificate(str(tmp_path / "none"))
  assert code == "ERROR"
  assert msg.startswith("Failed to load X509 certificate %s" %
                        (tmp_path / "none"))


def testLvmToolsMissing(monkeypatch):
  from ganeti.storage import base  # pylint: disable=C0415
  from ganeti.utils import process  # pylint: disable=C0415

  def run(cmd, **kwargs):
    return process.RunCmd(["/nonexistent/%s" % cmd[0]] + cmd[1:], **kwargs)
  monkeypatch.setattr(base, "RunCmd", run)
  result = {}
  verify.VerifyNodeMore({"vglist": None, "lvlist": "xenvg",
                         "pvlist": ["xenvg"]}, result)
  assert sorted(result) == ["lvlist", "pvlist", "vglist"]
  assert result["vglist"].startswith("Can't execute '/nonexistent/vgs")
  assert all(isinstance(v, str) for v in result.values())
