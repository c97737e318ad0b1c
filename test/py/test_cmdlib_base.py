"""Tests for the name expansion helpers of ganeti.cmdlib.base."""

import pytest

from ganeti import errors
from ganeti.cmdlib import base

pytestmark = pytest.mark.unit


class _FakeCfg:
  """ExpandInstanceName/ExpandNodeName over {short name: (uuid, full)}."""

  def __init__(self, instances, nodes):
    self._instances = instances
    self._nodes = nodes

  def ExpandInstanceName(self, name):
    return self._instances.get(name, (None, None))

  def ExpandNodeName(self, name):
    return self._nodes.get(name, (None, None))


_CFG = _FakeCfg({"inst1": ("iu1", "inst1.example.com")},
                {"node1": ("nu1", "node1.example.com")})


@pytest.mark.parametrize("fn, name, uuid, kind", [
  (base.ExpandInstanceUuidAndName, "inst1", "iu1", "instance"),
  (base.ExpandNodeUuidAndName, "node1", "nu1", "node"),
])
def testExpand(fn, name, uuid, kind):
  full = "%s.example.com" % name
  assert fn(_CFG, None, name) == (uuid, full)
  assert fn(_CFG, uuid, name) == (uuid, full)
  with pytest.raises(errors.OpPrereqError) as exc:
    fn(_CFG, None, "nosuch")
  assert exc.value.args == ("%s 'nosuch' not known" % kind.capitalize(),
                            errors.ECODE_NOENT)
  with pytest.raises(errors.OpPrereqError) as exc:
    fn(_CFG, "other", name)
  assert exc.value.args == (
    "The %ss UUID '%s' does not match the expected UUID 'other' for %s"
    " '%s'" % (kind, uuid, kind, full), errors.ECODE_NOTUNIQUE)
