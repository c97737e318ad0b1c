"""Tests for the DRBD 8 status and ``drbdsetup show`` parsers."""

import os

import pytest

from ganeti import errors
from ganeti.storage import drbd_info

pytestmark = pytest.mark.unit

_DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def _Read(name):
  with open(os.path.join(_DATA, name)) as fh:
    return fh.read()


def _Info(name):
  return drbd_info.DRBD8Info.FromText(_Read(name))


@pytest.mark.parametrize(("name", "version", "text"), [
  ("proc_drbd8.txt", {"k_major": 8, "k_minor": 0, "k_point": 12,
                      "api": 86, "proto": 86}, "8.0.12 (api:86/proto:86)"),
  ("proc_drbd83.txt", {"k_major": 8, "k_minor": 3, "k_point": 1, "api": 88,
                       "proto": 86, "proto2": "89"},
   "8.3.1 (api:88/proto:86-89)"),
  ("proc_drbd83_sync_want.txt", {"k_major": 8, "k_minor": 3, "k_point": 11,
                                 "api": 88, "proto": 86, "proto2": "96"},
   "8.3.11 (api:88/proto:86-96)"),
  ("proc_drbd84.txt", {"k_major": 8, "k_minor": 4, "k_point": 2, "api": 1,
                       "proto": 86, "proto2": "101"},
   "8.4.2 (api:1/proto:86-101)"),
])
def testVersion(name, version, text):
  info = _Info(name)
  assert info.GetVersion() == version
  assert info.GetVersionString() == text
  assert info.UsesNewSyntax() == (version["k_minor"] >= 4)


@pytest.mark.parametrize("line", [
  "version: 8.2.7.1 (api:86/proto:86-88)",
])
def testVersionWithFix(line):
  v = drbd_info.ParseVersion(line)
  assert v["k_fix"] == "1" and v["k_point"] == 7
  assert drbd_info.FormatVersion(v) == line[len("version: "):]


def testEmptyVersion():
  text = _Read("proc_drbd80-emptyversion.txt")
  with pytest.raises(errors.BlockDeviceError):
    drbd_info.DRBD8Info.FromText(text)
  minors, joined = drbd_info.JoinLinesPerMinor(text.splitlines())
  assert minors == [0, 1, 2, 5, 6]
  assert drbd_info.DRBD8Status(joined[0]).is_connected
  with pytest.raises(errors.BlockDeviceError):
    drbd_info.DRBD8Info.FromText("")


@pytest.mark.parametrize(("name", "minors", "used"), [
  ("proc_drbd8.txt", [0, 1, 2, 4, 5, 6, 7, 8], [0, 1, 4, 5, 6, 7, 8]),
  ("proc_drbd80-emptyline.txt", [0, 1, 2, 5, 6], [0]),
  ("proc_drbd83.txt", [0, 1, 2, 4, 5, 6, 7, 8], [0, 1, 4, 5, 6, 7, 8]),
  ("proc_drbd83_sync.txt", [0, 1, 2, 3, 4], [0, 1, 3, 4]),
  ("proc_drbd83_sync_want.txt", [0, 1, 2, 3], [0]),
  ("proc_drbd84.txt", [0, 1, 2, 4, 6, 8], [0, 1, 4, 6, 8]),
  ("proc_drbd84_emptyfirst.txt", [1, 2, 4, 6, 8], [1, 4, 6, 8]),
  ("proc_drbd84_sync.txt", [0, 3, 5], [0, 5]),
])
def testMinors(name, minors, used):
  info = _Info(name)
  assert info.GetMinors() == minors
  assert info.GetUsedMinors() == used
  assert not info.HasMinorStatus(99)
  with pytest.raises(errors.BlockDeviceError):
    info.GetMinorStatus(99)


# (cstatus, lrole, rrole, ldisk, rdisk) per minor, same in 8.0/8.3/8.4 files
_COMMON = {
  0: ("Connected", "Primary", "Secondary", "UpToDate", "UpToDate"),
  1: ("Connected", "Secondary", "Primary", "UpToDate", "UpToDate"),
  2: ("Unconfigured", None, None, None, None),
  4: ("WFConnection", "Primary", "Unknown", "UpToDate", "DUnknown"),
  5: ("Connected", "Primary", "Secondary", "UpToDate", "Diskless"),
  6: ("Connected", "Secondary", "Primary", "Diskless", "UpToDate"),
  7: ("WFConnection", "Secondary", "Unknown", "UpToDate", "DUnknown"),
  8: ("StandAlone", "Secondary", "Unknown", "UpToDate", "DUnknown"),
}


@pytest.mark.parametrize("name", ["proc_drbd8.txt", "proc_drbd83.txt",
                                  "proc_drbd84.txt"])
def testStates(name):
  info = _Info(name)
  for minor in info.GetMinors():
    st = info.GetMinorStatus(minor)
    assert st.minor == minor
    assert (st.cstatus, st.lrole, st.rrole, st.ldisk, st.rdisk) == \
      _COMMON[minor], minor
    assert st.peer_disk == st.rdisk
    assert not st.is_in_resync
    assert st.sync_percent is None and st.est_time is None


def testStatusBooleans():
  info = _Info("proc_drbd8.txt")
  s0, s2, s4, s5, s6, s8 = [info.GetMinorStatus(m) for m in (0, 2, 4, 5, 6,
                                                             8)]
  assert s0.is_connected and s0.is_primary and s0.peer_secondary
  assert s0.is_disk_uptodate and s0.peer_disk_uptodate and s0.is_in_use
  assert not (s0.is_diskless or s0.both_primary or s0.is_standalone)
  assert s2.is_unconfigured and not s2.is_in_use and not s2.is_primary
  assert s4.is_wfconn and not s4.is_connected and s4.peer_disk == "DUnknown"
  assert s5.peer_disk == "Diskless" and not s5.peer_disk_uptodate
  assert s6.is_diskless and s6.is_secondary and s6.peer_primary
  assert s8.is_standalone and s8.is_secondary


@pytest.mark.parametrize(("name", "minor", "cs", "roles", "disks", "pct",
                          "est"), [
  ("proc_drbd83_sync.txt", 3, "SyncTarget", ("Primary", "Secondary"),
   ("Inconsistent", "UpToDate"), 34.9, 5),
  ("proc_drbd83_sync_krnl2.6.39.txt", 3, "SyncSource",
   ("Primary", "Secondary"), ("UpToDate", "Inconsistent"), 2.4, 248),
  ("proc_drbd83_sync_want.txt", 0, "SyncTarget", ("Secondary", "Primary"),
   ("Inconsistent", "UpToDate"), 44.4, 8),
  ("proc_drbd84_sync.txt", 5, "SyncSource", ("Secondary", "Secondary"),
   ("UpToDate", "Inconsistent"), 68.5, 5),
])
def testSync(name, minor, cs, roles, disks, pct, est):
  st = _Info(name).GetMinorStatus(minor)
  assert st.cstatus == cs
  assert (st.lrole, st.rrole) == roles
  assert (st.ldisk, st.rdisk) == disks
  assert st.is_in_resync and st.is_in_use and not st.is_connected
  assert st.sync_percent == pct
  assert st.est_time == est


def testSyncOthersNot():
  info = _Info("proc_drbd84_sync.txt")
  st = info.GetMinorStatus(0)
  assert st.is_standalone and st.is_primary and not st.is_in_resync
  assert st.sync_percent is None
  assert info.GetMinorStatus(5).both_secondary


def testResyncWithoutProgress():
  st = drbd_info.DRBD8Status(" 7: cs:PausedSyncS ro:Primary/Secondary"
                             " ds:UpToDate/Inconsistent C r---")
  assert st.is_in_resync and st.sync_percent == 0 and st.est_time is None


@pytest.mark.parametrize("line", [
  "",
  "garbage",
  " 1: cs:Connected",
  " x: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C",
])
def testBadStatus(line):
  with pytest.raises(errors.BlockDeviceError):
    drbd_info.DRBD8Status(line)


def testUsermodeHelper():
  assert drbd_info.ParseUsermodeHelper(
    _Read("sys_drbd_usermode_helper.txt")) == "/bin/true"
  with pytest.raises(errors.BlockDeviceError):
    drbd_info.ParseUsermodeHelper(" \n")


_DATA_DEV = "/dev/xenvg/test.data"
_META_DEV = "/dev/xenvg/test.meta"


@pytest.mark.parametrize(("name", "expected"), [
  ("bdev-drbd-8.0.txt", {
    "minor": 63, "local_dev": _DATA_DEV, "meta_dev": _META_DEV,
    "meta_index": 0, "local_addr": ("192.0.2.1", 11000),
    "remote_addr": ("192.0.2.2", 11000), "protocol": "A"}),
  ("bdev-drbd-8.3.txt", {
    "minor": 0, "local_dev": _DATA_DEV, "meta_dev": _META_DEV,
    "meta_index": 0, "local_addr": ("192.0.2.1", 11000),
    "remote_addr": ("192.0.2.2", 11000), "protocol": "C"}),
  ("bdev-drbd-8.4.txt", {
    "minor": 0, "local_dev": _DATA_DEV, "meta_dev": _META_DEV,
    "meta_index": 0, "local_addr": ("192.0.2.1", 11000),
    "remote_addr": ("192.0.2.2", 11000)}),
  ("bdev-drbd-8.4-no-disk-params.txt", {
    "minor": 0, "local_dev": _DATA_DEV, "meta_dev": _META_DEV,
    "local_addr": ("192.0.2.1", 11000),
    "remote_addr": ("192.0.2.2", 11000)}),
  ("bdev-drbd-disk.txt", {
    "minor": 58, "local_dev": _DATA_DEV, "meta_dev": _META_DEV,
    "meta_index": 0}),
  ("bdev-drbd-net-ip4.txt", {
    "minor": 59, "local_addr": ("192.0.2.1", 11002),
    "remote_addr": ("192.0.2.2", 11002), "protocol": "C"}),
  ("bdev-drbd-net-ip6.txt", {
    "minor": 0, "local_addr": ("2001:db8:65::1", 11048),
    "remote_addr": ("2001:db8:66::1", 11048), "protocol": "C"}),
])
def testShow(name, expected):
  assert drbd_info.ParseShowOutput(_Read(name)) == expected


def testShowEmpty():
  assert drbd_info.ParseShowOutput("") == {}
  assert drbd_info.ParseShowOutput("\n") == {}


def testShowTreeKeepsValues():
  nodes = drbd_info.ParseShowTree(_Read("bdev-drbd-net-ip6.txt"))
  net = nodes[0]
  assert net.name == "net"
  secret = [n for n in net.children if n.name == "shared-secret"]
  assert secret[0].values == ["a6526cb6118297c9c82c7003924e236ceac0d867"]
  timeout = [n for n in net.children if n.name == "timeout"]
  assert timeout[0].values == ["60"]


@pytest.mark.parametrize("text", [
  "disk {",
  "disk { size 0s; }}",
  "_this_host { address 192.0.2.1; }",
  "_this_host { device foo; }",
  '_this_host { meta-disk "/dev/m" [ x ]; }',
  "{ }",
  "protocol C",
])
def testShowBad(text):
  with pytest.raises(errors.BlockDeviceError):
    drbd_info.ParseShowOutput(text)


@pytest.mark.parametrize(("values", "expected"), [
  (["192.0.2.1:11000"], ("192.0.2.1", 11000)),
  (["ipv4", "192.0.2.1:11000"], ("192.0.2.1", 11000)),
  (["ipv6", "[2001:db8::1]:11001"], ("2001:db8::1", 11001)),
])
def testParseAddress(values, expected):
  assert drbd_info.ParseAddress(values) == expected
