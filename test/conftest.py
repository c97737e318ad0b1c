"""Test configuration: import ``ganeti`` straight from the checkout."""

import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOP not in sys.path:
  sys.path.insert(0, TOP)
os.environ.setdefault("PYGANETI_TOP", TOP)


# Running in parallel (pytest-xdist, "make check" uses -n 2 --dist loadgroup):
# every virtual cluster has its own directory and its own loopback prefix
# (disjoint per worker, see vcluster.PickPrefix), so cluster tests run side
# by side.  Tests that use machine-wide resources (qemu guests, network
# namespaces and their 198.51.100.0/24 addresses, loop devices, LXC, root-only
# kernel state, the session-wide node-VM cluster) must not run concurrently
# with each other: every module that mentions one of them is put in the
# "system" group, which xdist runs on one worker, one test after the other.
_SYSTEM_WORDS = ("netns", "qemu", "losetup", "geteuid", "nodevm", "lxc",
                 "unshare", "mark.root", "198.51.100")
_SYSTEM_GROUP = "system"
_module_is_system = {}


def _IsSystemModule(path):
  """Whether the test module at ``path`` touches machine-wide resources."""
  path = str(path)
  if path not in _module_is_system:
    try:
      with open(path, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    except OSError:
      text = ""
    _module_is_system[path] = (
      os.sep + "nodevm" + os.sep in path or
      any(word in text for word in _SYSTEM_WORDS))
  return _module_is_system[path]


def pytest_collection_modifyitems(config, items):
  import pytest
  for item in items:
    if _IsSystemModule(item.path):
      item.add_marker(pytest.mark.xdist_group(_SYSTEM_GROUP))
