"""Tests for the DRBD 8.4 command line builders."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti.storage import drbd_cmd

pytestmark = pytest.mark.unit

_DEFAULTS = constants.DISK_DT_DEFAULTS[constants.DT_DRBD8]


def _Params(**kwargs):
  params = dict(_DEFAULTS)
  params.update(dict((k.replace("_", "-"), v) for (k, v) in kwargs.items()))
  return params


@pytest.mark.parametrize(("barriers", "meta", "expected"), [
  ("n", False, []),
  ("n", True, ["--md-flushes=no"]),
  ("b", False, ["--disk-barrier=no"]),
  ("d", False, ["--disk-drain=no"]),
  ("f", False, ["--disk-flushes=no"]),
  ("bd", False, ["--disk-drain=no", "--disk-barrier=no"]),
  ("bdf", True, ["--md-flushes=no", "--disk-flushes=no", "--disk-drain=no",
                 "--disk-barrier=no"]),
  ("fb", False, ["--disk-flushes=no", "--disk-barrier=no"]),
])
def testBarrierArgs(barriers, meta, expected):
  assert drbd_cmd.ComputeBarrierArgs(barriers, meta) == expected


@pytest.mark.parametrize("barriers", ["", "nb", "x", "bx", "nn b"])
def testBarrierArgsBad(barriers):
  with pytest.raises(errors.BlockDeviceError):
    drbd_cmd.ComputeBarrierArgs(barriers, False)


def testLocalInitDefaults():
  assert drbd_cmd.BuildLocalInitCmds(3, "/dev/xenvg/d", "/dev/xenvg/m", 1024,
                                     _Params()) == [
    ["drbdsetup", "new-resource", "resource3"],
    ["drbdsetup", "new-minor", "resource3", "3", "0"],
    ["drbdmeta", "/dev/drbd3", "v08", "/dev/xenvg/m", "flex-external",
     "apply-al"],
    ["drbdsetup", "attach", "3", "/dev/xenvg/d", "/dev/xenvg/m", "flexible",
     "--on-io-error=detach", "--size", "1024m"],
  ]


def testLocalInitCustom():
  params = _Params(disk_barriers="bf", meta_barriers=True,
                   disk_custom="--al-extents 3389 --c-delay-target '5 0'")
  cmds = drbd_cmd.BuildLocalInitCmds(0, "/dev/d", "/dev/m", None, params)
  assert cmds[-1] == [
    "drbdsetup", "attach", "0", "/dev/d", "/dev/m", "flexible",
    "--on-io-error=detach", "--md-flushes=no", "--disk-flushes=no",
    "--disk-barrier=no", "--al-extents", "3389", "--c-delay-target", "5 0"]


def testLocalInitBadBarriers():
  with pytest.raises(errors.BlockDeviceError):
    drbd_cmd.BuildLocalInitCmds(0, "/dev/d", "/dev/m", 1,
                                _Params(disk_barriers="q"))


@pytest.mark.parametrize(("kwargs", "params", "expected"), [
  ({"dual_pri": False, "hmac": "md5", "secret": "s3cr3t"}, {},
   ["drbdsetup", "connect", "resource7", "ipv4:192.0.2.1:11000",
    "ipv4:192.0.2.2:11000", "--protocol", "C",
    "--after-sb-0pri", "discard-zero-changes", "--after-sb-1pri",
    "consensus", "--cram-hmac-alg", "md5", "--shared-secret", "s3cr3t"]),
  ({"dual_pri": True, "hmac": "md5", "secret": "s3cr3t"},
   {"net_custom": "--ping-timeout 10 --timeout '60'"},
   ["drbdsetup", "connect", "resource7", "ipv4:192.0.2.1:11000",
    "ipv4:192.0.2.2:11000", "--protocol", "C",
    "--after-sb-0pri", "discard-zero-changes", "--after-sb-1pri",
    "consensus", "--allow-two-primaries", "--cram-hmac-alg", "md5",
    "--shared-secret", "s3cr3t", "--ping-timeout", "10", "--timeout", "60"]),
  ({"dual_pri": False, "hmac": "md5", "secret": ""}, {},
   ["drbdsetup", "connect", "resource7", "ipv4:192.0.2.1:11000",
    "ipv4:192.0.2.2:11000", "--protocol", "C",
    "--after-sb-0pri", "discard-zero-changes", "--after-sb-1pri",
    "consensus"]),
])
def testNetInit(kwargs, params, expected):
  assert drbd_cmd.BuildNetInitCmd(
    7, "ipv4", "192.0.2.1", 11000, "192.0.2.2", 11000, "C",
    params=_Params(**params), **kwargs) == expected


@pytest.mark.parametrize(("params", "expected"), [
  ({}, ["drbdsetup", "disk-options", "2", "--resync-rate", "61440"]),
  ({"resync_rate": 1024},
   ["drbdsetup", "disk-options", "2", "--resync-rate", "1024"]),
  ({"dynamic_resync": True},
   ["drbdsetup", "disk-options", "2", "--c-plan-ahead", "20",
    "--c-fill-target", "0", "--c-delay-target", "1", "--c-max-rate",
    "61440", "--c-min-rate", "4096"]),
])
def testSyncParams(params, expected):
  assert drbd_cmd.BuildSyncParamsCmd(2, _Params(**params)) == expected


def testSyncParamsPlanAheadZero():
  with pytest.raises(errors.BlockDeviceError):
    drbd_cmd.BuildSyncParamsCmd(2, _Params(dynamic_resync=True,
                                           c_plan_ahead=0))


@pytest.mark.parametrize(("cmd", "expected"), [
  (drbd_cmd.BuildShowCmd(4), ["drbdsetup", "show", "4"]),
  (drbd_cmd.BuildInitMetaCmd(4, "/dev/xenvg/m"),
   ["drbdmeta", "--force", "/dev/drbd4", "v08", "/dev/xenvg/m",
    "flex-external", "create-md"]),
  (drbd_cmd.BuildWipeMetaCmd("/dev/xenvg/m"),
   ["dd", "if=/dev/zero", "of=/dev/xenvg/m", "bs=1048576", "count=128",
    "oflag=direct"]),
  (drbd_cmd.BuildPrimaryCmd(4), ["drbdsetup", "primary", "4"]),
  (drbd_cmd.BuildPrimaryCmd(4, force=True),
   ["drbdsetup", "primary", "4", "--force"]),
  (drbd_cmd.BuildSecondaryCmd(4), ["drbdsetup", "secondary", "4"]),
  (drbd_cmd.BuildDetachCmd(4), ["drbdsetup", "detach", "4"]),
  (drbd_cmd.BuildDisconnectCmd("ipv6", "2001:db8::1", 11001, "2001:db8::2",
                               11001),
   ["drbdsetup", "disconnect", "ipv6:2001:db8::1:11001",
    "ipv6:2001:db8::2:11001"]),
  (drbd_cmd.BuildDownCmd(4), ["drbdsetup", "down", "resource4"]),
  (drbd_cmd.BuildResizeCmd(4, 2048),
   ["drbdsetup", "resize", "4", "--size", "2048m"]),
  (drbd_cmd.BuildPauseSyncCmd(4), ["drbdsetup", "pause-sync", "4"]),
  (drbd_cmd.BuildResumeSyncCmd(4), ["drbdsetup", "resume-sync", "4"]),
])
def testSimpleCommands(cmd, expected):
  assert cmd == expected
