"""``drbdsetup``/``drbdmeta`` command lines for the DRBD 8.4 syntax.

Every function returns an argv list (or a list of them) and runs nothing.
Each DRBD minor gets a resource of its own, named ``resource<minor>``.
Disk parameters are the DRBD disk-template params of Ganeti
(``constants.DISK_DT_DEFAULTS[DT_DRBD8]``), keyed by the names below.
"""

import shlex

from ganeti import errors

# disk parameter names
LDP_RESYNC_RATE = "resync-rate"
LDP_BARRIERS = "disk-barriers"
LDP_NO_META_FLUSH = "meta-barriers"
LDP_DISK_CUSTOM = "disk-custom"
LDP_NET_CUSTOM = "net-custom"
LDP_DYNAMIC_RESYNC = "dynamic-resync"
LDP_PLAN_AHEAD = "c-plan-ahead"
LDP_FILL_TARGET = "c-fill-target"
LDP_DELAY_TARGET = "c-delay-target"
LDP_MAX_RATE = "c-max-rate"
LDP_MIN_RATE = "c-min-rate"

# letters of the disk-barriers parameter
DRBD_B_NONE = "n"
DRBD_B_DISK_BARRIERS = "b"
DRBD_B_DISK_DRAIN = "d"
DRBD_B_DISK_FLUSH = "f"

#: the meta-data size Ganeti gives every DRBD disk, in MiB
DRBD_META_SIZE = 128

_DISABLE_DISK_OPTION = "--disk-barrier=no"
_DISABLE_DRAIN_OPTION = "--disk-drain=no"
_DISABLE_FLUSH_OPTION = "--disk-flushes=no"
_DISABLE_META_FLUSH_OPTION = "--md-flushes=no"


def DevPath(minor: int) -> str:
  """``/dev/drbd<minor>``."""
  return "/dev/drbd%d" % minor


def ResourceName(minor: int) -> str:
  """The resource holding ``minor``: ``resource<minor>``."""
  return "resource%d" % minor


def ComputeBarrierArgs(disabled_barriers: str, disable_meta_flush) -> list:
  """The options disabling barriers, drains and flushes.

  @param disabled_barriers: the ``disk-barriers`` letters: ``n`` alone
    (disable nothing) or any non-empty combination of ``b`` (barriers),
    ``d`` (drain) and ``f`` (flushes)
  @param disable_meta_flush: the ``meta-barriers`` parameter
  @return: options in the order meta flushes, flushes, drain, barriers
  @raise errors.BlockDeviceError: invalid letter set
  """
  letters = frozenset(disabled_barriers)
  valid = frozenset([DRBD_B_DISK_BARRIERS, DRBD_B_DISK_DRAIN,
                     DRBD_B_DISK_FLUSH])
  if not (letters == frozenset([DRBD_B_NONE]) or
          (letters and letters <= valid)):
    raise errors.BlockDeviceError("%s is not a valid option set for DRBD"
                                  " barriers" % disabled_barriers)
  args = []
  if disable_meta_flush:
    args.append(_DISABLE_META_FLUSH_OPTION)
  if DRBD_B_DISK_FLUSH in letters:
    args.append(_DISABLE_FLUSH_OPTION)
  if DRBD_B_DISK_DRAIN in letters:
    args.append(_DISABLE_DRAIN_OPTION)
  if DRBD_B_DISK_BARRIERS in letters:
    args.append(_DISABLE_DISK_OPTION)
  return args


def BuildShowCmd(minor: int) -> list:
  """``drbdsetup show <minor>``."""
  return ["drbdsetup", "show", str(minor)]


def BuildWipeMetaCmd(meta_dev: str, size_mb: int = DRBD_META_SIZE) -> list:
  """Zero the start of the meta device with direct I/O."""
  return ["dd", "if=/dev/zero", "of=%s" % meta_dev, "bs=1048576",
          "count=%d" % size_mb, "oflag=direct"]


def BuildInitMetaCmd(minor: int, meta_dev: str) -> list:
  """``drbdmeta --force /dev/drbdN v08 <meta> flex-external create-md``."""
  return ["drbdmeta", "--force", DevPath(minor), "v08", meta_dev,
          "flex-external", "create-md"]


def BuildLocalInitCmds(minor: int, data_dev: str, meta_dev: str,
                       size_mb, params: dict) -> list:
  """The commands attaching the local disks, in the order to run them.

  1. ``drbdsetup new-resource resourceN``;
  2. ``drbdsetup new-minor resourceN N 0`` (volume 0);
  3. ``drbdmeta /dev/drbdN v08 <meta> flex-external apply-al`` (the
     activity log must be applied before attaching);
  4. ``drbdsetup attach N <data> <meta> flexible --on-io-error=detach
     [--size <S>m] [barrier options] [disk-custom words]``.

  @param size_mb: the size to use, or 0/None for the whole data device
  @param params: needs ``disk-barriers``, ``meta-barriers`` and
    ``disk-custom`` (split like a shell would)
  @raise errors.BlockDeviceError: invalid barrier parameters
  """
  attach = ["drbdsetup", "attach", str(minor), data_dev, meta_dev,
            "flexible", "--on-io-error=detach"]
  if size_mb:
    attach.extend(["--size", "%sm" % size_mb])
  attach.extend(ComputeBarrierArgs(params[LDP_BARRIERS],
                                   params[LDP_NO_META_FLUSH]))
  if params.get(LDP_DISK_CUSTOM):
    attach.extend(shlex.split(params[LDP_DISK_CUSTOM]))
  return BuildNewMinorCmds(minor) + [
    ["drbdmeta", DevPath(minor), "v08", meta_dev, "flex-external",
     "apply-al"],
    attach,
  ]


def BuildNewMinorCmds(minor: int) -> list:
  """The commands creating ``minor`` (volume 0 of its own resource).

  ``drbdsetup new-resource resourceN`` and ``drbdsetup new-minor
  resourceN N 0``.
  """
  resource = ResourceName(minor)
  return [
    ["drbdsetup", "new-resource", resource],
    ["drbdsetup", "new-minor", resource, str(minor), "0"],
  ]


def FormatAddress(family: str, host: str, port: int) -> str:
  """``<family>:<host>:<port>`` as ``drbdsetup`` takes it."""
  return "%s:%s:%s" % (family, host, port)


def BuildNetInitCmd(minor: int, family: str, lhost: str, lport: int,
                    rhost: str, rport: int, protocol: str, dual_pri: bool,
                    hmac, secret, params: dict) -> list:
  """``drbdsetup connect resourceN <local> <remote> ...``.

  Always ``--protocol <p> --after-sb-0pri discard-zero-changes
  --after-sb-1pri consensus``; then ``--allow-two-primaries`` if
  ``dual_pri``; ``--cram-hmac-alg <hmac> --shared-secret <secret>`` when
  both are given; finally the words of the ``net-custom`` parameter.
  """
  args = ["drbdsetup", "connect", ResourceName(minor),
          FormatAddress(family, lhost, lport),
          FormatAddress(family, rhost, rport),
          "--protocol", protocol,
          "--after-sb-0pri", "discard-zero-changes",
          "--after-sb-1pri", "consensus"]
  if dual_pri:
    args.append("--allow-two-primaries")
  if hmac and secret:
    args.extend(["--cram-hmac-alg", hmac, "--shared-secret", secret])
  if params.get(LDP_NET_CUSTOM):
    args.extend(shlex.split(params[LDP_NET_CUSTOM]))
  return args


def BuildSyncParamsCmd(minor: int, params: dict) -> list:
  """``drbdsetup disk-options N`` with the resync speed parameters.

  With ``dynamic-resync`` the five ``--c-*`` options (plan-ahead,
  fill-target, delay-target, max-rate, min-rate) are given, otherwise
  ``--resync-rate <rate>``.

  @raise errors.BlockDeviceError: dynamic resync with ``c-plan-ahead`` 0,
    which would silently disable the dynamic controller
  """
  args = ["drbdsetup", "disk-options", str(minor)]
  if params.get(LDP_DYNAMIC_RESYNC):
    if int(params[LDP_PLAN_AHEAD]) == 0:
      raise errors.BlockDeviceError(
        "A value of 0 for c-plan-ahead disables the dynamic sync speed"
        " controller at DRBD level; set dynamic-resync to False instead")
    for name in (LDP_PLAN_AHEAD, LDP_FILL_TARGET, LDP_DELAY_TARGET,
                 LDP_MAX_RATE, LDP_MIN_RATE):
      args.extend(["--%s" % name, str(params[name])])
  else:
    args.extend(["--resync-rate", "%d" % int(params[LDP_RESYNC_RATE])])
  return args


def BuildPauseSyncCmd(minor: int) -> list:
  """``drbdsetup pause-sync N``."""
  return ["drbdsetup", "pause-sync", str(minor)]


def BuildResumeSyncCmd(minor: int) -> list:
  """``drbdsetup resume-sync N``."""
  return ["drbdsetup", "resume-sync", str(minor)]


def BuildPrimaryCmd(minor: int, force: bool = False) -> list:
  """``drbdsetup primary N [--force]``."""
  return ["drbdsetup", "primary", str(minor)] + (["--force"] if force
                                                 else [])


def BuildSecondaryCmd(minor: int) -> list:
  """``drbdsetup secondary N``."""
  return ["drbdsetup", "secondary", str(minor)]


def BuildDetachCmd(minor: int) -> list:
  """``drbdsetup detach N``."""
  return ["drbdsetup", "detach", str(minor)]


def BuildDisconnectCmd(family: str, lhost: str, lport: int, rhost: str,
                       rport: int) -> list:
  """``drbdsetup disconnect <local> <remote>`` (8.4 names the connection
  by its two addresses)."""
  return ["drbdsetup", "disconnect", FormatAddress(family, lhost, lport),
          FormatAddress(family, rhost, rport)]


def BuildDownCmd(minor: int) -> list:
  """``drbdsetup down resourceN``."""
  return ["drbdsetup", "down", ResourceName(minor)]


def BuildResizeCmd(minor: int, size_mb: int) -> list:
  """``drbdsetup resize N --size <S>m``."""
  return ["drbdsetup", "resize", str(minor), "--size", "%dm" % int(size_mb)]
