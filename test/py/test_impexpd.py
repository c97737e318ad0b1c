"""Tests for ganeti.impexpd: config.ini, helper options, status, transfers.

The transfer tests run two real helper processes on 127.0.0.1 with a
freshly generated certificate, as the node daemon does.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import impexpd
from ganeti.impexpd import daemon
from ganeti.impexpd import exportcfg
from ganeti.impexpd import stream
from ganeti.utils import x509

pytestmark = pytest.mark.unit

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
HELPER = os.path.join(TOP, "daemons", "import-export")

_INSTANCE = {
  "name": "inst1.example.com", "os": "debootstrap+default",
  "primary_node": "8e1a5d0c-0000-4000-8000-000000000001",
  "hypervisor": "kvm", "disk_template": "plain",
  "tags": ["b", "a"],
  "beparams": {"maxmem": 512, "minmem": 256, "vcpus": 2,
               "auto_balance": True, "always_failover": False,
               "spindle_use": 1},
  "hvparams": {"kernel_path": "/boot/vmlinuz", "acpi": True,
               "migration_port": 8102},
  "osparams": {"filesystem": "ext4"},
  "osparams_private": {"secret": "s3"},
  "nics": [{"mac": "aa:00:00:11:22:33", "ip": None, "network": None,
            "name": "eth0", "nicparams": {"mode": "bridged",
                                          "link": "br0", "vlan": ""}},
           {"mac": "aa:00:00:11:22:34", "ip": "192.0.2.7", "network": None,
            "name": None, "nicparams": {"mode": "routed",
                                        "link": "rt", "vlan": ""}}],
}
_SNAPS = [{"iv_name": "disk/0", "logical_id": ["xenvg", "u1.disk0.snap"],
           "size": 1024, "name": "root"},
          False,
          {"iv_name": "disk/2", "logical_id": ["xenvg", "u3.disk2.snap"],
           "size": 10, "name": None}]


# config.ini ------------------------------------------------------------
def test_config_round_trip():
  text = exportcfg.Build(_INSTANCE, _SNAPS, timestamp=1234567890)
  cfg = exportcfg.Parse(text)
  assert cfg.get("export", "version") == "0"
  assert cfg.get("export", "timestamp") == "1234567890"
  assert cfg.get("export", "source") == _INSTANCE["primary_node"]
  assert cfg.get("export", "os") == "debootstrap+default"
  assert cfg.get("export", "compression") == "none"
  assert cfg.get("instance", "name") == "inst1.example.com"
  assert cfg.get("instance", "maxmem") == "512"
  assert cfg.get("instance", "memory") == "512"
  assert cfg.get("instance", "minmem") == "256"
  assert cfg.get("instance", "tags") == "a b"
  assert cfg.get("instance", "disk_count") == "2"
  assert exportcfg.GetDisks(cfg) == [("u1.disk0.snap", 1024, "root"),
                                     ("u3.disk2.snap", 10, None)]
  assert not cfg.has_option("instance", "disk1_size")
  assert cfg.get("instance", "disk2_name") == "None"
  assert exportcfg.GetNics(cfg) == [
    {"mac": "aa:00:00:11:22:33", "name": "eth0", "mode": "bridged",
     "link": "br0", "vlan": ""},
    {"mac": "aa:00:00:11:22:34", "ip": "192.0.2.7", "mode": "routed",
     "link": "rt", "vlan": ""}]
  # cluster-global hypervisor parameters are not exported
  assert exportcfg.GetSection(cfg, "hypervisor") == {
    "acpi": "True", "kernel_path": "/boot/vmlinuz"}
  assert exportcfg.GetSection(cfg, "backend")["auto_balance"] == "True"
  assert exportcfg.GetSection(cfg, "os") == {"filesystem": "ext4"}
  assert exportcfg.GetSection(cfg, "os_private") == {"secret": "s3"}
  assert exportcfg.GetSection(cfg, "nosuch") == {}


def test_config_reads_upstream_sample():
  """The shape of upstream's test/data/ovfdata/config.ini."""
  text = ("[export]\nversion = 0\nos = lenny-image\n\n[instance]\n"
          "name = ganeti-test-xen\ndisk_count = 1\ndisk0_dump = rawdisk.raw\n"
          "disk0_ivname = disk/0\ndisk0_size = 0\nnic_count = 1\n"
          "nic0_mac = aa:00:00:d8:2c:1e\nnic0_ip = None\nnic0_link = br0\n"
          "nic0_mode = routed\nnic0_network = test\n\n[backend]\n"
          "auto_balance = False\nvcpus = 1\nmemory = 512\n")
  cfg = exportcfg.Parse(text)
  assert exportcfg.GetDisks(cfg) == [("rawdisk.raw", 0, None)]
  assert exportcfg.GetNics(cfg) == [{"mac": "aa:00:00:d8:2c:1e",
                                     "network": "test", "mode": "routed",
                                     "link": "br0"}]


@pytest.mark.parametrize("text,msg", [
  ("[instance]\nname = x\n", "doesn't have the required fields"),
  ("[export]\nversion = 1\n[instance]\n", "Wrong export version 1"),
  ("not an ini file", "Invalid export configuration"),
])
def test_config_rejects(text, msg):
  with pytest.raises(errors.OpPrereqError, match=msg):
    exportcfg.Parse(text)


# options, status ---------------------------------------------------------
@pytest.mark.parametrize("argv,msg", [
  (["st"], "Expected a status file and a mode"),
  (["st", "sideways", "--key=k", "--cert=c", "--ca=a", "--io-spec=s"],
   "Invalid mode"),
  (["st", "import", "--cert=c", "--ca=a", "--io-spec=s"],
   "--key is required"),
  (["st", "export", "--key=k", "--cert=c", "--ca=a", "--io-spec=s"],
   "Export needs --host and --port"),
  (["st", "import", "--key=k", "--cert=c", "--ca=a", "--io-spec=s",
    "--host=h"], "Import does not take"),
  (["st", "import", "--key=k", "--cert=c", "--ca=a", "--io-spec=s",
    "--magic=a b"], "Invalid magic"),
])
def test_parse_args_errors(argv, msg):
  with pytest.raises(stream.TransferError, match=msg):
    daemon.ParseArgs(argv)


def test_parse_args():
  (opts, status, mode) = daemon.ParseArgs(
    ["st", "export", "--key=k", "--cert=c", "--ca=a", "--io-spec=s",
     "--host=127.0.0.1", "--port=1234", "--compress=gzip-fast",
     "--magic=m-1", "--expected-size=7", "--connect-timeout=3"])
  assert (status, mode) == ("st", "export")
  assert (opts.host, opts.port, opts.compress, opts.magic,
          opts.expected_size, opts.connect_timeout) == \
    ("127.0.0.1", 1234, "gzip-fast", "m-1", 7, 3)


def test_status_file(tmp_path):
  path = str(tmp_path / "status")
  assert impexpd.ReadStatus(path) is None
  status = impexpd.Status(path)
  for i in range(30):
    status.AddOutput("line %d" % i)
  status.Set(listen_port=4242, connected=True)
  status.Write()
  data = impexpd.ReadStatus(path)
  assert sorted(data) == sorted(impexpd.STATUS_KEYS)
  assert data["listen_port"] == 4242 and data["connected"] is True
  assert data["recent_output"] == ["line %d" % i for i in range(10, 30)]
  assert data["exit_status"] is None
  with pytest.raises(KeyError):
    status.Set(bogus=1)


def test_progress_fields(tmp_path):
  status = impexpd.Status(str(tmp_path / "status"))
  progress = daemon._Progress(status, expected_bytes=100 * 1024 * 1024)
  progress._start = time.monotonic() - 2.0
  progress.Update(50 * 1024 * 1024, force=True)
  data = status.data
  assert data["progress_mbytes"] == 50
  assert data["progress_percent"] == 50
  assert 20 <= data["progress_throughput"] <= 25
  assert 1 <= data["progress_eta"] <= 3


@pytest.mark.parametrize("status,text", [
  ({"progress_mbytes": None}, None),
  ({"progress_mbytes": 3}, "disk/0 sent 3 MiB"),
  ({"progress_mbytes": 120, "progress_throughput": 45.25,
    "progress_percent": 12, "progress_eta": 22},
   "disk/0 sent 120 MiB (45.2 MiB/s, 12%, ETA 22s)"),
])
def test_format_progress(status, text):
  assert impexpd.FormatProgress("disk/0", status) == text


def test_frames_and_compression():
  comp = stream.MakeCompressor(impexpd.IEC_GZIP)
  data = os.urandom(1000) * 50
  packed = comp.Process(data) + comp.Flush()
  assert len(packed) < len(data)
  decomp = stream.MakeDecompressor(impexpd.IEC_GZIP)
  assert decomp.Process(packed) + decomp.Flush() == data
  truncated = stream.MakeDecompressor(impexpd.IEC_GZIP)
  truncated.Process(packed[:-10])
  with pytest.raises(stream.TransferError, match="truncated"):
    truncated.Flush()
  assert stream.EncodeFrame(b"abc") == b"\x00\x00\x00\x03abc"
  assert stream.MagicLine("xy") == b"M=xy\n"
  assert stream.MagicLine(None) == b"M=\n"


# real transfers between two helpers ----------------------------------------
@pytest.fixture(scope="module")
def cert(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("cert") / "server.pem")
  x509.GenerateSelfSignedSslCert(path)
  return path


def _Spec(tmp_path, name, spec):
  path = str(tmp_path / name)
  with open(path, "w") as fh:
    json.dump(spec, fh)
  return path


def _WaitStatus(path, key, timeout=20):
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    data = impexpd.ReadStatus(path)
    if data and data.get(key) is not None:
      return data
    time.sleep(0.02)
  raise AssertionError("status %s never got %s" % (path, key))


def _Transfer(tmp_path, cert, src_spec, dst_spec, imp_args=(), exp_args=(),
              ca=None):
  """Run importer and exporter; return both final status dicts."""
  common = ["--key=%s" % cert, "--cert=%s" % cert, "--ca=%s" % (ca or cert)]
  ist = str(tmp_path / "import.status")
  est = str(tmp_path / "export.status")
  imp = subprocess.Popen(
    [sys.executable, HELPER, ist, "import", "--bind=127.0.0.1",
     "--listen-timeout=20",
     "--io-spec=%s" % _Spec(tmp_path, "dst.json", dst_spec)] + common +
    list(imp_args), stderr=subprocess.PIPE)
  try:
    port = _WaitStatus(ist, "listen_port")["listen_port"]
    exp = subprocess.run(
      [sys.executable, HELPER, est, "export", "--host=127.0.0.1",
       "--port=%d" % port, "--connect-timeout=10",
       "--io-spec=%s" % _Spec(tmp_path, "src.json", src_spec)] + common +
      list(exp_args), stderr=subprocess.PIPE, timeout=60, check=False)
    imp.wait(60)
  finally:
    if imp.poll() is None:
      imp.kill()
      imp.wait()
    imp.stderr.close()
  return (impexpd.ReadStatus(ist), impexpd.ReadStatus(est), exp.returncode,
          imp.returncode)


def test_transfer_raw_to_file_gzip(tmp_path, cert):
  data = os.urandom(3 * 1024 * 1024 + 17)
  src = tmp_path / "disk.img"
  src.write_bytes(data + b"tail-beyond-the-disk-size")
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert,
    {"kind": "raw", "path": str(src), "size": 3},
    {"kind": "file", "path": str(tmp_path / "out.img")},
    imp_args=["--compress=gzip", "--magic=abc"],
    exp_args=["--compress=gzip", "--magic=abc", "--expected-size=3"])
  assert (erc, irc) == (0, 0), (est, ist)
  # a raw disk is read up to its size only
  assert (tmp_path / "out.img").read_bytes() == data[:3 * 1024 * 1024]
  assert est["exit_status"] == 0 and ist["exit_status"] == 0
  assert est["connected"] and ist["connected"]
  assert est["progress_mbytes"] == 3 and est["progress_percent"] == 100


def test_transfer_scripts(tmp_path, cert):
  """An export script (announcing its size) feeds an import script."""
  data = os.urandom(200000)
  src = tmp_path / "src.bin"
  src.write_bytes(data)
  dst = tmp_path / "dst.bin"
  dst.write_bytes(b"\0" * 300000)
  exp_script = tmp_path / "export"
  exp_script.write_text("#!/bin/bash\nstat -c %s \"$EXPORT_DEVICE\""
                        " >&$EXP_SIZE_FD\ncat \"$EXPORT_DEVICE\"\n"
                        "echo exported >&2\n")
  imp_script = tmp_path / "import"
  imp_script.write_text("#!/bin/sh\ndd of=\"$IMPORT_DEVICE\" conv=notrunc"
                        " 2>/dev/null\necho imported\n")
  for script in (exp_script, imp_script):
    script.chmod(0o755)
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert,
    {"kind": "script", "argv": [str(exp_script)],
     "env": {"EXPORT_DEVICE": str(src), "PATH": "/bin:/usr/bin"},
     "cwd": str(tmp_path), "log": str(tmp_path / "export.log")},
    {"kind": "script", "argv": [str(imp_script)],
     "env": {"IMPORT_DEVICE": str(dst), "PATH": "/bin:/usr/bin"},
     "cwd": str(tmp_path), "log": str(tmp_path / "import.log")})
  assert (erc, irc) == (0, 0), (est, ist)
  assert dst.read_bytes() == data + b"\0" * 100000
  assert (tmp_path / "export.log").read_text() == "exported\n"
  assert (tmp_path / "import.log").read_text() == "imported\n"
  assert est["progress_percent"] == 100


def test_transfer_export_script_fails(tmp_path, cert):
  script = tmp_path / "export"
  script.write_text("#!/bin/sh\necho some data\necho broken disk >&2\n"
                    "exit 5\n")
  script.chmod(0o755)
  out = tmp_path / "out.img"
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert,
    {"kind": "script", "argv": [str(script)], "env": {},
     "log": str(tmp_path / "export.log")},
    {"kind": "file", "path": str(out)})
  assert erc == constants.EXIT_FAILURE and irc == constants.EXIT_FAILURE
  assert "Export script exited with exit code 5" in est["error_message"]
  assert "broken disk" in est["error_message"]
  # the importer never took the partial data for a complete stream
  assert "Connection closed before the end" in ist["error_message"]


def test_transfer_import_fails(tmp_path, cert):
  src = tmp_path / "src.img"
  src.write_bytes(os.urandom(2 * 1024 * 1024))
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert, {"kind": "file", "path": str(src)},
    {"kind": "raw", "path": str(tmp_path / "missing" / "disk")})
  assert (erc, irc) == (1, 1)
  assert "Can't open" in ist["error_message"]
  assert "Import side failed: Can't open" in est["error_message"]


def test_transfer_magic_mismatch(tmp_path, cert):
  src = tmp_path / "src.img"
  src.write_bytes(b"x" * 1000)
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert, {"kind": "file", "path": str(src)},
    {"kind": "file", "path": str(tmp_path / "out")},
    imp_args=["--magic=one"], exp_args=["--magic=two"])
  assert (erc, irc) == (1, 1)
  assert "Magic value mismatch" in ist["error_message"]
  assert not (tmp_path / "out").exists()


def test_transfer_rejects_other_certificate(tmp_path, cert):
  other = str(tmp_path / "other.pem")
  x509.GenerateSelfSignedSslCert(other)
  src = tmp_path / "src.img"
  src.write_bytes(b"x" * 1000)
  (ist, est, erc, irc) = _Transfer(
    tmp_path, cert, {"kind": "file", "path": str(src)},
    {"kind": "file", "path": str(tmp_path / "out")}, ca=other)
  assert (erc, irc) == (1, 1)
  assert "TLS handshake" in est["error_message"] or \
    "certificate" in est["error_message"]
  assert not (tmp_path / "out").exists()


def test_listen_timeout(tmp_path, cert):
  ist = str(tmp_path / "import.status")
  result = subprocess.run(
    [sys.executable, HELPER, ist, "import", "--bind=127.0.0.1",
     "--listen-timeout=1", "--key=%s" % cert, "--cert=%s" % cert,
     "--ca=%s" % cert, "--io-spec=%s" % _Spec(
       tmp_path, "dst.json", {"kind": "file",
                              "path": str(tmp_path / "o")})],
    stderr=subprocess.PIPE, timeout=30, check=False)
  assert result.returncode == 1
  data = impexpd.ReadStatus(ist)
  assert data["exit_status"] == 1
  assert data["error_message"] == "No connection within 1 seconds"
  assert data["listen_port"]
