"""hv_base.GetLinuxNodeInfo: the node facts every Linux hypervisor reports."""

from ganeti.hypervisor import hv_base

_MEMINFO = """MemTotal:        8000000 kB
MemFree:         1000000 kB
Buffers:          200000 kB
Cached:          2800000 kB
SwapTotal:             0 kB
"""

_CPUINFO = "".join(
  "processor\t: %d\nmodel name\t: Test CPU\nphysical id\t: %d\n\n"
  % (num, num // 2) for num in range(4))


def test_linux_node_info(tmp_path):
  (tmp_path / "meminfo").write_text(_MEMINFO)
  (tmp_path / "cpuinfo").write_text(_CPUINFO)
  info = hv_base.GetLinuxNodeInfo(str(tmp_path / "meminfo"),
                                  str(tmp_path / "cpuinfo"))
  assert info["cpu_total"] == 4
  assert info["cpu_sockets"] == 2
  # outside Xen the host OS may use every cpu: htools' "cnos" field
  assert info["cpu_dom0"] == 4
  assert info["cpu_nodes"] == 1
  assert info["memory_total"] == 8000000 // 1024
  assert info["memory_free"] == 3905
  assert info["memory_dom0"] == info["memory_total"] - info["memory_free"]
