"""TransferInstanceData against a scripted fake node RPC."""

import pytest

from ganeti.cmdlib import impexp_transfer

pytestmark = pytest.mark.unit


class _Result:
  def __init__(self, payload=None, fail_msg=None):
    self.payload = payload
    self.fail_msg = fail_msg


class _Cfg:
  @staticmethod
  def GetNodeName(uuid):
    return "name-" + uuid


class _Rpc:
  """Helpers named after their component; each importer listens at once,
  each helper ends after two status polls (``fail`` components fail)."""

  def __init__(self, fail=()):
    self.calls = []
    self.fail = set(fail)
    self.polls = {}

  def call_import_start(self, node, opts, instance, component, dest):
    self.calls.append(("import_start", node, component, opts["magic"]))
    return _Result("imp-" + component)

  def call_export_start(self, node, opts, host, port, instance, component,
                        source):
    self.calls.append(("export_start", node, component, opts["magic"], host,
                       port))
    return _Result("exp-" + component)

  def call_impexp_status(self, node, names):
    (name, ) = names
    count = self.polls[name] = self.polls.get(name, 0) + 1
    status = {"listen_port": 1000, "exit_status": None,
              "progress_mbytes": count}
    component = name.split("-", 1)[1]
    if name.startswith("exp-") and count >= 2:
      failed = component in self.fail
      status.update(exit_status=1 if failed else 0,
                    error_message="boom" if failed else None)
    if name.startswith("imp-") and self.polls.get("exp-" + component, 0) >= 2:
      status.update(exit_status=0)
    return _Result([status])

  def call_impexp_abort(self, node, name):
    self.calls.append(("impexp_abort", node, name))
    return _Result()

  def call_impexp_cleanup(self, node, name):
    self.calls.append(("impexp_cleanup", node, name))
    return _Result()


class _LU:
  def __init__(self, rpc):
    self.rpc = rpc
    self.cfg = _Cfg()
    self.warnings = []

  def LogWarning(self, msg, *args):
    self.warnings.append(msg % args)


def _Run(rpc, names):
  lu = _LU(rpc)
  feedback = []
  transfers = [impexp_transfer.DiskTransfer(n, "file", ["/x"], "raw", [])
               if n else None for n in names]
  results = impexp_transfer.TransferInstanceData(
    lu, feedback.append, "src", "dst", "192.0.2.1", "none", object(),
    transfers)
  return (results, lu, feedback)


def test_parallel_transfers():
  rpc = _Rpc()
  (results, lu, feedback) = _Run(rpc, ["disk/0", None, "disk/2"])
  assert results == [True, False, True]
  kinds = [c[0] for c in rpc.calls]
  # both importers start before any exporter: the disks run in parallel
  assert kinds[:2] == ["import_start", "import_start"]
  exports = [c for c in rpc.calls if c[0] == "export_start"]
  assert [(c[1], c[4], c[5]) for c in exports] == \
    [("src", "192.0.2.1", 1000)] * 2
  # each transfer has its own magic
  magics = set(c[3] for c in rpc.calls if c[0] in ("import_start",
                                                    "export_start"))
  assert len(magics) == 2
  cleanups = sorted((c[1], c[2]) for c in rpc.calls
                    if c[0] == "impexp_cleanup")
  assert cleanups == [("dst", "imp-disk/0"), ("dst", "imp-disk/2"),
                      ("src", "exp-disk/0"), ("src", "exp-disk/2")]
  assert "Exporting disk/0 from name-src to name-dst" in feedback
  assert "disk/2 finished sending data" in feedback
  assert "disk/2 sent 2 MiB" in feedback
  assert lu.warnings == []


def test_failed_side_aborts_the_other():
  rpc = _Rpc(fail=["disk/1"])
  (results, lu, _) = _Run(rpc, ["disk/0", "disk/1"])
  assert results == [True, False]
  assert ("impexp_abort", "dst", "imp-disk/1") in rpc.calls
  assert lu.warnings == ["disk/1 failed: export: boom"]
  assert len([c for c in rpc.calls if c[0] == "impexp_cleanup"]) == 4
