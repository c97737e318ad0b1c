"""cmdlib.os_params: variants, blacklist, parameter merging and checks."""

import pytest

from ganeti import errors
from ganeti import objects
from ganeti.cmdlib import os_params

pytestmark = pytest.mark.unit


def _Cluster(**kwargs):
  kwargs.setdefault("osparams", {})
  kwargs.setdefault("osparams_private_cluster", {})
  kwargs.setdefault("blacklisted_os", [])
  return objects.Cluster(**kwargs)


_OS = {"name": "deb", "supported_variants": ["default", "min"]}
_OS_NOVAR = {"name": "noop", "supported_variants": []}


@pytest.mark.parametrize(("os_obj", "name", "error"), [
  (_OS, "deb+default", None),
  (_OS, "deb+min", None),
  (_OS, "deb", "OS name must include a variant"),
  (_OS, "deb+big", "Unsupported OS variant"),
  (_OS_NOVAR, "noop", None),
  (_OS_NOVAR, "noop+x", "OS 'noop' doesn't support variants ('x' passed)"),
])
def test_check_os_variant(os_obj, name, error):
  if error is None:
    os_params.CheckOSVariant(os_obj, name)
    return
  with pytest.raises(errors.OpPrereqError) as exc:
    os_params.CheckOSVariant(os_obj, name)
  assert exc.value.args == (error, errors.ECODE_INVAL)


@pytest.mark.parametrize(("blacklisted", "name", "refused"), [
  ([], "deb+default", False),
  (["deb"], "deb+default", True),
  (["deb+min"], "deb+default", False),
  (["deb+min"], "deb+min", True),
])
def test_blacklisted(blacklisted, name, refused):
  cluster = _Cluster(blacklisted_os=blacklisted)
  if refused:
    with pytest.raises(errors.OpPrereqError) as exc:
      os_params.CheckOSNotBlacklisted(cluster, name)
    assert exc.value.args == ("Guest OS '%s' is not allowed for"
                              " installation" % name, errors.ECODE_STATE)
  else:
    os_params.CheckOSNotBlacklisted(cluster, name)


def test_fill_os_params_precedence():
  cluster = _Cluster(
    osparams={"deb": {"a": "os", "b": "os", "c": "os"},
              "deb+min": {"b": "variant"}},
    osparams_private_cluster={"deb": {"c": "cluster-private"}})
  assert os_params.FillOsParams(cluster, "deb+min", {}) == \
    {"a": "os", "b": "variant", "c": "cluster-private"}
  assert os_params.FillOsParams(cluster, "deb+default", {"a": "pub"},
                                {"a": "priv", "d": "priv"},
                                {"d": "secret"}) == \
    {"a": "priv", "b": "os", "c": "cluster-private", "d": "secret"}
  # other OSes' settings do not leak in
  assert os_params.FillOsParams(cluster, "noop", None) == {}


def test_update_cluster_os_params():
  current = {"deb": {"a": "1", "b": "2"}, "noop": {"x": "y"}}
  new = os_params.UpdateClusterOsParams(
    current, {"deb": {"a": "default", "c": "3"}, "noop": {"x": None},
              "new": {"k": "v"}})
  assert new == {"deb": {"b": "2", "c": "3"}, "new": {"k": "v"}}
  assert current == {"deb": {"a": "1", "b": "2"}, "noop": {"x": "y"}}
  assert os_params.UpdateClusterOsParams(current, {"deb": None}) == \
    {"noop": {"x": "y"}}


class _Result:
  def __init__(self, fail_msg=None, payload=True):
    self.fail_msg = fail_msg
    self.payload = payload

  def Raise(self, msg, prereq=False, ecode=None):
    if self.fail_msg:
      raise errors.OpPrereqError("%s: %s" % (msg, self.fail_msg), ecode)


class _Rpc:
  def __init__(self, results):
    self.results = results
    self.calls = []

  def call_os_validate(self, nodes, required, name, checks, params, force):
    self.calls.append((list(nodes), required, name, checks, params, force))
    return dict((n, self.results[n]) for n in nodes)


class _Cfg:
  def __init__(self, vm_capable):
    self.vm_capable = vm_capable

  def GetNodeInfo(self, uuid):
    return objects.Node(name=uuid.upper(), uuid=uuid,
                        vm_capable=self.vm_capable[uuid])

  def GetNodeName(self, uuid):
    return uuid.upper()


class _LU:
  def __init__(self, results, vm_capable):
    self.rpc = _Rpc(results)
    self.cfg = _Cfg(vm_capable)
    self.infos = []

  def LogInfo(self, msg, *args):
    self.infos.append(msg % args)


def test_check_os_params_calls_vm_capable_nodes():
  lu = _LU({"n1": _Result(), "n2": _Result(payload=False)},
           {"n1": True, "n2": True, "n3": False})
  os_params.CheckOSParams(lu, False, ["n1", "n2", "n3"], "deb+min",
                          {"a": "1"}, False)
  assert lu.rpc.calls == [(["n1", "n2"], False, "deb+min", ["parameters"],
                           {"a": "1"}, False)]
  assert lu.infos == ["OS deb+min not found on node N2, validation skipped"]


def test_check_os_params_failure():
  lu = _LU({"n1": _Result("bad value")}, {"n1": True})
  with pytest.raises(errors.OpPrereqError) as exc:
    os_params.CheckOSParams(lu, True, ["n1"], "deb+min", {}, False)
  assert exc.value.args == ("OS Parameters validation failed on node N1:"
                            " bad value", errors.ECODE_INVAL)


def test_check_os_params_nothing_to_do():
  lu = _LU({}, {"n1": False})
  os_params.CheckOSParams(lu, True, ["n1"], "deb", {}, False)
  os_params.CheckOSParams(lu, True, ["n1"], None, {}, False)
  assert lu.rpc.calls == []


class _OsGetRpc:
  def __init__(self, payload, fail_msg=None):
    self.result = _Result(fail_msg, payload)
    self.calls = []

  def call_os_get(self, node, name):
    self.calls.append((node, name))
    return self.result


@pytest.mark.parametrize(("payload", "name", "force", "error"), [
  (dict(_OS, trusted=True), "deb+min", False, None),
  (dict(_OS, trusted=True), "deb", True, None),
  (dict(_OS, trusted=True), "deb", False, "OS name must include a variant"),
  (dict(_OS, trusted=False), "deb+min", False,
   "OS 'deb' is untrusted (it only has a create_untrusted script) and can"
   " only be installed in a safe environment, which is not supported"),
])
def test_check_node_has_os(payload, name, force, error):
  lu = _LU({}, {"n1": True})
  lu.rpc = _OsGetRpc(payload)
  if error is None:
    os_params.CheckNodeHasOS(lu, "n1", name, force)
  else:
    with pytest.raises(errors.OpPrereqError) as exc:
      os_params.CheckNodeHasOS(lu, "n1", name, force)
    assert exc.value.args[0] == error
  # the node is asked for the OS without its variant
  assert lu.rpc.calls == [("n1", "deb")]


def test_check_node_has_os_missing():
  lu = _LU({}, {"n1": True})
  lu.rpc = _OsGetRpc(None, "Directory for OS deb not found in search path")
  with pytest.raises(errors.OpPrereqError) as exc:
    os_params.CheckNodeHasOS(lu, "n1", "deb+min", False)
  assert exc.value.args == ("OS 'deb+min' not in supported OS list for node"
                            " N1: Directory for OS deb not found in search"
                            " path", errors.ECODE_INVAL)
