"""gnt-cluster verify's checks against scripted node answers.

The 3.0 fixture has LVM and DRBD enabled (volume group xenvg, helper
/bin/true): instance1 (drbd, node1 and node3, minor 0 on both), instance2
(plain, node3) and instance3 (plain, node2), all xen-pvm, up, 128 MiB.
Each test spoils one answer of a healthy cluster and checks the exact
lines.
"""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import opcodes

import disks_testlib as dt
import test_mcpu
import verify_testlib as vt

pytestmark = pytest.mark.unit


@pytest.fixture
def ctx(tmp_path):
  return dt.MakeContext(tmp_path)


def _Spoil(ctx, node_name, fn, **kwargs):
  def spoil(node, answer):
    if node == node_name:
      return fn(answer)
    return None
  vt.Script(ctx, spoil=spoil, **kwargs)


def testHealthy(ctx):
  vt.Script(ctx)
  (ok, lines) = vt.VerifyGroup(ctx, notices=True)
  assert lines == ["  - NOTICE: 2 non-redundant instance(s) found."]
  assert ok is True


N1 = dt.N1_NAME
N2 = dt.N2_NAME
N3 = dt.N3_NAME
I1_LV = "xenvg/5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_data"
I2_LV = "xenvg/3e559cd7-1024-4294-a923-a9fd13182b2f.disk0"


def _Set(key, value):
  def fn(answer):
    answer[key] = value
  return fn


def _Lines(ctx, node, key, value, **kwargs):
  _Spoil(ctx, node, _Set(key, value))
  return vt.VerifyGroup(ctx, **kwargs)


def testNodeTimeSkew(ctx):
  (ok, lines) = _Lines(ctx, N2, "time", [1000, 0], error_codes=True)
  assert not ok
  assert len(lines) == 1
  assert lines[0].startswith("  - ERROR:ENODETIME:node:node2.example.com:"
                             "Node time diverges by at least ")
  assert lines[0].endswith("s from master node time")
  (_, lines) = _Lines(ctx, N2, "time", "garbage")
  assert lines == ["  - ERROR: node node2.example.com: Node returned invalid"
                   " time"]


def testProtocolAndReleaseVersion(ctx):
  (ok, lines) = _Lines(ctx, N3, "version", [1, constants.RELEASE_VERSION])
  assert not ok
  assert lines == ["  - ERROR: node node3.example.com: incompatible protocol"
                   " versions: master %s, node 1" %
                   constants.PROTOCOL_VERSION]
  (ok, lines) = _Lines(ctx, N3, "version",
                       [constants.PROTOCOL_VERSION, "2.16.0"])
  assert ok
  assert lines == ["  - WARNING: node node3.example.com: software version"
                   " mismatch: master %s, node 2.16.0" %
                   constants.RELEASE_VERSION]


def testRpcFailureReportedOnce(ctx):
  _Spoil(ctx, N2, lambda answer: (False, "Connection refused"))
  (ok, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert not ok
  assert lines == ["  - ERROR:ENODERPC:node:node2.example.com:while"
                   " contacting node: Connection refused"]


def testNodeSetupAndUserScripts(ctx):
  def fn(answer):
    answer["nodesetup"] = ["The procfs filesystem doesn't seem to be"
                           " mounted"]
    answer["user-scripts"] = ["/etc/ganeti/scripts/master-ip-setup"]
  _Spoil(ctx, N1, fn)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines == [
    "  - ERROR:ENODESETUP:node:node1.example.com:node setup error: The"
    " procfs filesystem doesn't seem to be mounted",
    "  - ERROR:ENODEUSERSCRIPTS:node:node1.example.com:User scripts not"
    " present or not executable: /etc/ganeti/scripts/master-ip-setup"]


def testIgnoredCodeIsAWarning(ctx):
  (ok, lines) = _Lines(ctx, N1, "nodesetup", ["broken"],
                       ignore_errors=["ENODESETUP"])
  assert ok
  assert lines == ["  - WARNING: node node1.example.com: node setup error:"
                   " broken"]


def testUnknownIgnoredCode(ctx):
  vt.Script(ctx)
  with pytest.raises(errors.OpPrereqError, match="ENOPE"):
    vt.VerifyGroup(ctx, ignore_errors=["ENOPE"])
  with pytest.raises(errors.OpPrereqError, match="Unknown check"):
    vt.VerifyGroup(ctx, skip_checks=["bogus"])


def testNetwork(ctx):
  def fn(answer):
    answer["nodelist"] = {N3: "TCP connection to 192.0.2.3:1811 failed"}
    answer["node-net-test"] = {N3: "failure using the primary interface(s)"}
    answer["master-ip"] = False
  _Spoil(ctx, N1, fn)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines == [
    "  - ERROR:ENODESSH:node:node1.example.com:ssh communication with node"
    " 'node3.example.com': TCP connection to 192.0.2.3:1811 failed",
    "  - ERROR:ENODENET:node:node1.example.com:tcp communication with node"
    " 'node3.example.com': failure using the primary interface(s)",
    "  - ERROR:ENODENET:node:node1.example.com:the master node cannot reach"
    " the master IP (not configured?)"]
  # a missing answer, not an empty one
  def drop(answer):
    del answer["nodelist"]
  _Spoil(ctx, N2, drop)
  (_, lines) = vt.VerifyGroup(ctx)
  assert lines == ["  - ERROR: node node2.example.com: node hasn't returned"
                   " node ssh connectivity data"]


def testOobPathsAndFileStorage(ctx):
  def fn(answer):
    answer["oob-paths"] = ["out of band helper /x is not executable"]
    answer["file-storage-paths"] = ["/usr/lib/ganeti"]
    answer["file-storage-path"] = "Path /srv/x is not allowed"
  ctx.cfg.GetNodeInfo(test_mcpu.N1).ndparams = {"oob_program": "/x"}
  _Spoil(ctx, N1, fn)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  (_, _, args) = ctx.transport.Find("node_verify")[0]
  assert args[0]["oob-paths"] == ["/x"]
  assert lines == [
    "  - ERROR:ENODEOOBPATH:node:node1.example.com:out of band helper /x is"
    " not executable",
    "  - ERROR:ENODEFILESTORAGEPATHS:node:node1.example.com:Found forbidden"
    " file storage paths: /usr/lib/ganeti",
    "  - ERROR:ENODEFILESTORAGEPATHUNUSABLE:node:node1.example.com:The"
    " configured file storage path is unusable: Path /srv/x is not"
    " allowed"]


def testLvm(ctx):
  (ok, lines) = _Lines(ctx, N2, "vglist", {"othervg": 50000})
  assert not ok
  assert lines == ["  - ERROR: node node2.example.com: volume group 'xenvg'"
                   " missing"]
  (_, lines) = _Lines(ctx, N2, "vglist", {"xenvg": 1000})
  assert lines == ["  - ERROR: node node2.example.com: volume group xenvg"
                   " too small (20480 MiB required, 1000 MiB found)"]
  (_, lines) = _Lines(ctx, N2, "pvlist", [{"name": "/dev/a:b", "vg": "xenvg",
                                           "size": 1, "free": 1}])
  assert lines == ["  - ERROR: node node2.example.com: Invalid character ':'"
                   " in PV '/dev/a:b' of VG 'xenvg'"]


def testMissingAndOrphanVolumes(ctx):
  def fn(answer):
    del answer["lvlist"][I2_LV]
    answer["lvlist"]["xenvg/stray"] = [1024, False, True]
    answer["lvlist"]["xenvg/keep-me"] = [1024, False, True]
  ctx.cfg.GetClusterInfo().reserved_lvs = ["xenvg/keep-.*"]
  _Spoil(ctx, N3, fn)
  (ok, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert not ok
  assert lines == [
    "  - ERROR:EINSTANCEMISSINGDISK:instance:instance2.example.com:volume"
    " %s missing on node node3.example.com" % I2_LV,
    "  - ERROR:ENODEORPHANLV:node:node3.example.com:volume xenvg/stray is"
    " unknown"]


def testDrbd(ctx):
  def fn(answer):
    answer["drbd-list"] = [5]
    answer["drbd-helper"] = [True, "/sbin/drbdadm"]
  _Spoil(ctx, N3, fn)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines == [
    "  - ERROR:ENODEDRBDHELPER:node:node3.example.com:wrong drbd usermode"
    " helper: /sbin/drbdadm",
    "  - ERROR:ENODEDRBD:node:node3.example.com:drbd minor 0 of instance"
    " instance1.example.com is not active",
    "  - ERROR:ENODEDRBD:node:node3.example.com:unallocated drbd minor 5 is"
    " in use"]
  (_, lines) = _Lines(ctx, N1, "drbd-helper", [False, "no module"])
  assert lines == ["  - ERROR: node node1.example.com: drbd usermode helper"
                   " check unsuccessful: no module"]
  (ok, lines) = _Lines(ctx, N1, "drbd-version", "8.3.0")
  assert ok
  assert lines == [
    "  - WARNING: node node1.example.com: DRBD version mismatch: 8.3.0",
    "  - WARNING: node node2.example.com: DRBD version mismatch: 8.4.11",
    "  - WARNING: node node3.example.com: DRBD version mismatch: 8.4.11"]


def testNPlusOneMemory(ctx):
  (ok, lines) = _Lines(ctx, N3, "hvinfo", {"memory_free": 100})
  assert not ok
  assert lines == [
    "  - ERROR: node node3.example.com: not enough memory to accomodate"
    " instance failovers should node node1.example.com fail (128MiB"
    " needed, 100MiB available)"]
  (ok, lines) = _Lines(ctx, N3, "hvinfo", {"memory_free": 100},
                       skip_checks=["nplusone_mem"])
  assert (ok, lines) == (True, [])


def testDiskStatus(ctx):
  def mirror(node, disks):
    if node == N2:
      return (True, [[False, "Can't find device disk/0"]])
    if node == N3:
      return (False, "node3 is broken")
    return (True, [[True, {"is_degraded": False, "ldisk_status": 3}]
                   for _ in disks])
  vt.Script(ctx, mirror=mirror)
  (ok, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert not ok
  assert lines == [
    "  - ERROR:EINSTANCEFAULTYDISK:instance:instance1.example.com:disk/0 on"
    " node1.example.com is faulty",
    "  - ERROR:EINSTANCEFAULTYDISK:instance:instance1.example.com:couldn't"
    " retrieve status for disk/0 on node3.example.com: node3 is broken",
    "  - ERROR:EINSTANCEFAULTYDISK:instance:instance2.example.com:couldn't"
    " retrieve status for disk/0 on node3.example.com: node3 is broken",
    "  - ERROR:EINSTANCEFAULTYDISK:instance:instance3.example.com:couldn't"
    " retrieve status for disk/0 on node2.example.com: Can't find device"
    " disk/0"]


def testOfflineNodeWithRunningInstance(ctx):
  ctx.cfg.GetNodeInfo(test_mcpu.N3).offline = True
  vt.Script(ctx)
  (ok, lines) = vt.VerifyGroup(ctx, error_codes=True, notices=True)
  assert not ok
  assert lines == [
    "  - ERROR:EINSTANCEBADNODE:instance:instance1.example.com:instance is"
    " marked as running and lives on offline node node3.example.com",
    "  - ERROR:EINSTANCEBADNODE:instance:instance2.example.com:instance is"
    " marked as running and lives on offline node node3.example.com",
    "  - NOTICE: 2 non-redundant instance(s) found.",
    "  - NOTICE: 1 offline node(s) found."]


def testOsChecks(ctx):
  good = ["debian", "/srv/os/debian", True, "", ["a", "b"],
          [["p1", "doc"]], [20], True]

  def spoil(node, answer):
    if node == N1:
      answer["oslist"] = [good, ["broken", "/srv/os/broken", False,
                                 "missing create script", [], [], [], True]]
    elif node == N2:
      other = list(good)
      other[4] = ["a"]
      answer["oslist"] = [other, list(good)]
    else:
      answer["oslist"] = []
  vt.Script(ctx, spoil=spoil)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines == [
    "  - ERROR:ENODEOS:node:node1.example.com:Invalid OS broken (located at"
    " /srv/os/broken): missing create script",
    "  - ERROR:ENODEOS:node:node2.example.com:OS 'debian' has multiple"
    " entries (first one shadows the rest): /srv/os/debian, /srv/os/debian",
    "  - ERROR:ENODEOS:node:node2.example.com:OS variants list for debian"
    " differs from reference node node1.example.com: [a] vs. [a, b]",
    "  - ERROR:ENODEOS:node:node2.example.com:OSes present on reference node"
    " node1.example.com but missing on this node: broken",
    "  - ERROR:ENODEOS:node:node3.example.com:OSes present on reference node"
    " node1.example.com but missing on this node: broken, debian"]


def testFiles(ctx):
  def spoil(node, answer):
    if node == N2:
      answer["filelist"] = dict((f, "1" * 40) for f in answer["filelist"])
    if node == N3:
      del answer["filelist"]
  vt.Script(ctx, spoil=spoil)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines[0] == ("  - ERROR:ENODEFILECHECK:node:node3.example.com:Node"
                      " did not return file checksum data")
  (_, _, args) = ctx.transport.Find("node_verify")[0]
  assert len(lines) == 1 + len(args[0]["filelist"])
  for line in lines[1:]:
    assert line.startswith("  - ERROR:ECLUSTERFILECHECK:cluster:None:File ")
    assert line.endswith("found with 2 different checksums (variant 1 on"
                         " node1.example.com; variant 2 on"
                         " node2.example.com)")


def testSimulatedErrors(ctx):
  vt.Script(ctx)
  (ok, lines) = vt.VerifyGroup(ctx, debug_simulate_errors=True)
  assert not ok
  assert len(lines) > 10
  assert all(line.startswith(("  - ERROR: ", "  - WARNING: "))
             for line in lines)


def testGroupVerifyDisks(ctx):
  def lv_list(node, args):
    vols = vt.NodeVolumes(ctx.cfg).get(node, {})
    if node == N3:
      del vols[I2_LV]
    if node == N1:
      vols[I1_LV] = [1024, True, False]
    return (True, vols)
  ctx.transport.handlers["lv_list"] = lv_list
  ctx.transport.handlers["drbd_needs_activation"] = \
    lambda node, args: (True, [])
  result = dt.Exec(ctx, opcodes.OpGroupVerifyDisks(group_name="default"))
  assert result == ({}, ["instance1.example.com"],
                    {"instance2.example.com": [[N3, I2_LV]]})
  ctx.transport.handlers["lv_list"] = \
    lambda node, args: (False, "lvs failed") if node == N2 else \
    (True, vt.NodeVolumes(ctx.cfg).get(node, {}))
  ctx.transport.handlers["drbd_needs_activation"] = \
    lambda node, args: (True, ["disk-uuid"] if node == N3 else [])
  result = dt.Exec(ctx, opcodes.OpGroupVerifyDisks(group_name="default"))
  assert result == ({N2: "lvs failed"}, ["instance1.example.com"], {})


def testSplitGroupsAndLayout(ctx):
  from ganeti import objects  # pylint: disable=C0415
  data = ctx.cfg.GetConfigData()
  other = objects.NodeGroup(name="other", uuid="other-uuid", members=[],
                            ndparams={}, ipolicy={}, diskparams={},
                            networks={}, alloc_policy="preferred")
  data.nodegroups["other-uuid"] = other
  ctx.cfg.GetNodeInfo(test_mcpu.N3).group = "other-uuid"
  vt.Script(ctx)
  (_, lines) = vt.VerifyGroup(ctx, error_codes=True)
  assert lines == [
    "  - WARNING:EINSTANCESPLITGROUPS:instance:instance1.example.com:"
    "instance has primary and secondary nodes in different groups:"
    " node1.example.com (group default), node3.example.com (group other),"
    " this is not recommended"]
