"""Virtual paths between virtual and real nodes (lib/vcluster.py)."""

import pytest

from ganeti import errors
from ganeti import vcluster

pytestmark = pytest.mark.unit

P = vcluster.VIRT_PATH_PREFIX


@pytest.mark.parametrize("path, rootdir, expected", [
  ("/vc/node1/var/lib/ganeti/config.data", "/vc/node1",
   P + "/var/lib/ganeti/config.data"),
  ("/vc/node1", "/vc/node1", P),
  ("/etc/hosts", "", "/etc/hosts"),
])
def testMakeVirtualPath(path, rootdir, expected):
  assert vcluster.MakeVirtualPath(path, rootdir) == expected


def testMakeVirtualPathOutsideRoot():
  with pytest.raises(errors.ProgrammerError):
    vcluster.MakeVirtualPath("/elsewhere/x", "/vc/node1")


@pytest.mark.parametrize("path, rootdir, expected", [
  # a virtual node re-roots the path below its own root
  (P + "/var/lib/ganeti/ssconf_x", "/vc/node2",
   "/vc/node2/var/lib/ganeti/ssconf_x"),
  # a real node (no root) takes it relative to its own /
  (P + "/var/lib/ganeti/ssconf_x", "", "/var/lib/ganeti/ssconf_x"),
  (P + "/var/lib/ganeti/../ganeti/queue/job-1", "",
   "/var/lib/ganeti/queue/job-1"),
  # plain paths between real nodes are unchanged
  ("/var/lib/ganeti/config.data", "", "/var/lib/ganeti/config.data"),
])
def testLocalizeVirtualPath(path, rootdir, expected):
  assert vcluster.LocalizeVirtualPath(path, rootdir) == expected


def testLocalizeNeedsVirtualPathOnVirtualNode():
  with pytest.raises(errors.ProgrammerError):
    vcluster.LocalizeVirtualPath("/var/lib/ganeti/x", "/vc/node2")


def testLocalizeRejectsRelativeVirtualPathOnRealNode():
  with pytest.raises(errors.ProgrammerError):
    vcluster.LocalizeVirtualPath(P + "var/lib/x", "")


def testRoundTripBetweenVirtualMasterAndRealNode():
  virt = vcluster.MakeVirtualPath("/vc/node1/var/lib/ganeti/queue/job-7",
                                  "/vc/node1")
  assert vcluster.LocalizeVirtualPath(virt, "") == \
    "/var/lib/ganeti/queue/job-7"
