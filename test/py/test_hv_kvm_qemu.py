"""The kvm hypervisor driver against real qemu (software emulation, TCG).

The guest is Debian's kernel with a busybox initramfs (test/support/guest.py)
that prints a marker on the serial console and powers off on the ACPI power
button.  Skipped with the reason when qemu or busybox-static is missing.
"""

import os
import subprocess
import sys
import time

import pytest

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti.hypervisor import GetHypervisor
from ganeti.hypervisor.hv_kvm import qmp
from ganeti.hypervisor.hv_kvm import runtime

import kvm_testlib as T

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))
import guest  # noqa: E402
from serial import SerialReader  # noqa: E402

pytestmark = [pytest.mark.qemu, pytest.mark.slow]

BOOT_TIMEOUT = 90


@pytest.fixture(scope="module")
def guest_files():
  reason = guest.Available()
  if reason:
    pytest.skip(reason)
  return guest.Guest()


@pytest.fixture
def hv(vnode, guest_files):
  """The kvm driver acting as virtual node1; kills what is left."""
  hyper = GetHypervisor(constants.HT_KVM)
  yield hyper
  for name in hyper.ListInstances():
    hyper.StopInstance(None, force=True, name=name)
    hyper.CleanupInstance(name)


def _Instance(guest_files, name="inst1.example.com", nics=None, **hvkw):
  (kernel, initrd) = guest_files
  hvp = T.HvParams(kernel_path=kernel, initrd_path=initrd,
                   kvm_flag="disabled", root_path="",
                   kernel_args="quiet panic=-1")
  hvp.update(hvkw)
  return T.Instance(hvparams=hvp, name=name, nics=nics)


def _Boot(hv, inst, paused=False, block_devices=()):
  t0 = time.monotonic()
  hv.StartInstance(inst, list(block_devices), paused)
  reader = SerialReader(hv.dirs.Ctrl(inst.name, "serial"))
  return (reader, t0)


def test_start_info_reboot_stop(hv, guest_files):
  inst = _Instance(guest_files)
  (reader, t0) = _Boot(hv, inst)
  end = reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  boot_time = time.monotonic() - t0
  assert guest.MARKER in reader.text
  print("guest boot to marker: %.2fs" % boot_time)
  assert hv.ListInstances() == [inst.name]
  info = hv.GetInstanceInfo(inst.name)
  (name, pid, memory, vcpus, state, _) = info
  assert (name, memory, vcpus, state) == (inst.name, 128, 1, "running")
  assert [i[0] for i in hv.GetAllInstancesInfo()] == [inst.name]
  # software emulation, as kvm_flag=disabled asks
  argv = runtime.ProcessCmdline(pid)
  assert argv[argv.index("-machine") + 1].endswith(",accel=tcg")
  kvm_state = qmp.Execute(hv.dirs.Ctrl(inst.name, "qmp"), "query-kvm")
  assert kvm_state["enabled"] is False
  # the runtime file describes the running machine
  (cmd, nics, hvp, disks) = runtime.LoadRuntime(
    runtime.ReadRuntime(hv.dirs, inst.name))
  assert cmd == argv[:len(cmd)] and nics == [] and disks == []
  assert hvp["kvm_flag"] == "disabled"

  # reboot: a new qemu from the same runtime, the marker again
  hv.RebootInstance(inst)
  reader2 = SerialReader(hv.dirs.Ctrl(inst.name, "serial"))
  reader2.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  new_pid = hv.GetInstanceInfo(inst.name)[1]
  assert new_pid != pid
  assert reader.WaitClosed(10)
  assert end > 0

  # stop: the guest hears the power button and powers off
  t1 = time.monotonic()
  hv.StopInstance(inst, timeout=60)
  print("ACPI shutdown: %.2fs" % (time.monotonic() - t1))
  reader2.WaitFor(guest.SHUTDOWN_MARKER, 10)
  assert hv.ListInstances() == []
  assert hv.GetInstanceInfo(inst.name) is None
  hv.CleanupInstance(inst.name)
  assert os.listdir(hv.dirs.ctrl_dir) == []
  assert not os.path.exists(hv.dirs.RuntimeFile(inst.name))


def test_paused_start_then_kill_after_timeout(hv, guest_files):
  inst = _Instance(guest_files, name="paused1")
  hv.StartInstance(inst, [], True)
  assert hv.GetInstanceInfo(inst.name)[4] == "paused"
  # a paused guest cannot react to the power button: killed after 1s
  t0 = time.monotonic()
  hv.StopInstance(inst, timeout=1)
  assert 1 <= time.monotonic() - t0 < 30
  assert hv.ListInstances() == []
  hv.CleanupInstance(inst.name)


def test_force_stop_and_acpi_off(hv, guest_files):
  inst = _Instance(guest_files, name="force1", acpi=False)
  (reader, _) = _Boot(hv, inst)
  reader.WaitFor(guest.MARKER, BOOT_TIMEOUT)
  with pytest.raises(errors.HypervisorError, match="already running"):
    hv.StartInstance(inst, [], False)
  # acpi off: stopping kills at once
  hv.StopInstance(inst)
  assert hv.ListInstances() == []
  with pytest.raises(errors.HypervisorError, match="not running"):
    hv.RebootInstance(inst)


def test_file_disk_attached(hv, guest_files, tmp_path):
  image = tmp_path / "disk0.img"
  subprocess.run(["truncate", "-s", "16M", str(image)], check=True)
  inst = _Instance(guest_files, name="disk1", disk_cache="writeback")
  disk = T.Disk()
  hv.StartInstance(inst, [(disk, str(image), None)], False)
  blocks = qmp.Execute(hv.dirs.Ctrl(inst.name, "qmp"), "query-block")
  devid = "disk-9f5c5bd4-6f60-480b"
  (block,) = [b for b in blocks if b.get("device") == devid or
              b.get("qdev", "").endswith(devid)]
  assert block["inserted"]["file"] == str(image)
  assert block["inserted"]["cache"]["writeback"] is True
  hv.StopInstance(inst, force=True)
  hv.CleanupInstance(inst.name)


def test_failed_start_leaves_nothing(hv, guest_files):
  inst = _Instance(guest_files, name="bad1", kvm_extra="-no-such-option")
  with pytest.raises(errors.HypervisorError,
                     match="Failed to start instance bad1.*no-such-option"):
    hv.StartInstance(inst, [], False)
  assert hv.ListInstances() == []
  assert not os.path.exists(hv.dirs.RuntimeFile(inst.name))
  assert not os.path.exists(hv.dirs.PidFile(inst.name))
  # a missing disk image: qemu's own error
  inst = _Instance(guest_files, name="bad2")
  with pytest.raises(errors.HypervisorError, match="bad2"):
    hv.StartInstance(inst, [(T.Disk(), "/nonexistent/disk", None)], False)
  assert hv.ListInstances() == []


def test_node_info_verify_console(hv, guest_files):
  info = hv.GetNodeInfo({"kvm_path": "/usr/bin/qemu-system-x86_64"})
  assert info["memory_total"] > 0 and info["cpu_total"] >= 1
  assert info["hv_version"][0] >= 2
  assert hv.Verify({"kvm_path": "/usr/bin/qemu-system-x86_64"}) in (
    None, "The socat binary ('/usr/bin/socat') does not exist")
  assert "does not exist" in hv.Verify({"kvm_path": "/nonexistent/kvm"})
  inst = _Instance(guest_files, name="cons1")
  node = objects.Node(name="node1.example.com")
  console = hv.GetInstanceConsole(inst, node)
  assert console == {
    "instance": "cons1", "kind": "ssh", "host": "node1.example.com",
    "user": "root",
    "command": ["/usr/bin/socat", "STDIO,raw,echo=0,escape=0x1d",
                "UNIX-CONNECT:%s" % hv.dirs.Ctrl("cons1", "serial")]}
  inst.hvparams.update(serial_console=False, vnc_bind_address="0.0.0.0")
  inst.network_port = 5902
  assert hv.GetInstanceConsole(inst, node) == {
    "instance": "cons1", "kind": "vnc", "host": "node1.example.com",
    "port": 5902, "display": 2}


def test_balloon_and_cpu_pinning(hv, guest_files):
  inst = _Instance(guest_files, name="pin1", cpu_mask="0")
  inst.beparams["maxmem"] = 256
  hv.StartInstance(inst, [], False)
  conn_path = hv.dirs.Ctrl(inst.name, "qmp")
  (cpu,) = qmp.Execute(conn_path, "query-cpus-fast")
  assert os.sched_getaffinity(cpu["thread-id"]) == {0}
  assert hv.GetInstanceInfo(inst.name)[2] == 256
  hv.BalloonInstanceMemory(inst, 200)
  hv.StopInstance(inst, force=True)
  hv.CleanupInstance(inst.name)


@pytest.mark.root
@pytest.mark.parametrize("mode", ["bridged", "routed"])
def test_nic_in_own_netns(guest_files, tmp_path, mode):
  """A NIC's tap configured by kvm-ifup; the guest pings the host side.

  Runs in a network namespace of its own (198.51.100.0/24 only).
  """
  import shutil
  if os.geteuid() != 0:
    pytest.skip("needs root (network namespace, tap devices)")
  if not shutil.which("unshare") or not os.path.exists("/dev/net/tun"):
    pytest.skip("needs unshare(1) and /dev/net/tun")
  script = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "support", "kvm_netns_check.py")
  result = subprocess.run(["unshare", "--net", sys.executable, script,
                           str(tmp_path / "node1"), mode],
                          capture_output=True, text=True, timeout=180,
                          check=False)
  assert result.returncode == 0 and result.stdout.strip() == "OK", \
    "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr)


def _FreePort():
  import socket
  sock = socket.socket()
  sock.bind(("127.0.0.1", 0))
  port = sock.getsockname()[1]
  sock.close()
  return port


def test_live_migration_between_two_nodes(guest_files, tmp_path):
  """Two virtual nodes' drivers on this host; qemu migrates over loopback."""
  from ganeti.hypervisor.hv_kvm import KVMHypervisor
  src = KVMHypervisor(dirs=runtime.RuntimeDirs(str(tmp_path / "n1")))
  dst = KVMHypervisor(dirs=runtime.RuntimeDirs(str(tmp_path / "n2")))
  inst = _Instance(guest_files, name="mig1", migration_port=_FreePort(),
                   migration_downtime=100)
  try:
    src.StartInstance(inst, [], False)
    SerialReader(src.dirs.Ctrl("mig1", "serial")).WaitFor(
      guest.READY_MARKER, BOOT_TIMEOUT)
    info = src.MigrationInfo(inst)
    dst.AcceptInstance(inst, info, "127.0.0.1")
    # the target runs with its own node's paths, paused for the memory
    dst_pid = dst.GetInstanceInfo("mig1")[1]
    argv = runtime.ProcessCmdline(dst_pid)
    assert argv[argv.index("-pidfile") + 1] == dst.dirs.PidFile("mig1")
    assert argv[-2:] == ["-incoming",
                         "tcp:127.0.0.1:%d" % inst.hvparams["migration_port"]]
    t0 = time.monotonic()
    src.MigrateInstance("cluster", inst, "127.0.0.1", True)
    deadline = time.monotonic() + 60
    while True:
      status = src.GetMigrationStatus(inst)
      state = getattr(status, "status", None) or status["status"]
      if state != "active":
        break
      assert time.monotonic() < deadline, "migration did not finish"
      time.sleep(0.05)
    assert state == "completed"
    print("live migration: %.2fs" % (time.monotonic() - t0))
    dst.FinalizeMigrationDst(inst, info, True)
    src.FinalizeMigrationSource(inst, True, True)
    assert src.ListInstances() == [] and dst.ListInstances() == ["mig1"]
    assert dst.GetInstanceInfo("mig1")[4] == "running"
    (cmd, _, _, _) = runtime.LoadRuntime(runtime.ReadRuntime(dst.dirs,
                                                             "mig1"))
    assert cmd[cmd.index("-pidfile") + 1] == dst.dirs.PidFile("mig1")
    # the guest lives on: it still hears the power button
    reader = SerialReader(dst.dirs.Ctrl("mig1", "serial"))
    dst.StopInstance(inst, timeout=30)
    reader.WaitFor(guest.SHUTDOWN_MARKER, 10)
  finally:
    for hv in (src, dst):
      for name in hv.ListInstances():
        hv.StopInstance(None, force=True, name=name)


def test_disk_hotplug(hv, guest_files, tmp_path):
  """A disk added to and removed from a running guest (ACPI PCI hotplug)."""
  images = []
  for idx in range(2):
    image = tmp_path / ("disk%d.img" % idx)
    subprocess.run(["truncate", "-s", "8M", str(image)], check=True)
    images.append(str(image))
  inst = _Instance(guest_files, name="hot1")
  boot_disk = T.Disk()
  (reader, _) = _Boot(hv, inst, block_devices=[(boot_disk, images[0],
                                                None)])
  reader.WaitFor(guest.READY_MARKER, BOOT_TIMEOUT)
  qmp_path = hv.dirs.Ctrl(inst.name, "qmp")
  hv.HotplugSupported(inst)
  new_disk = T.Disk(uuid="2d0c4b1e-aaaa-4bbb-8ccc-1234567890ab")
  hv.HotAddDevice(inst, "disk", new_disk, (images[1], None), 1)
  nodes = qmp.Execute(qmp_path, "query-named-block-nodes")
  assert any(n.get("node-name") == "disk-2d0c4b1e-aaaa-4bbb" and
             n["file"] == images[1] for n in nodes)
  (_, _, _, disks) = runtime.LoadRuntime(runtime.ReadRuntime(hv.dirs,
                                                             inst.name))
  assert [d[1] for d in disks] == images
  # the boot disk goes too: the guest releases both
  hv.HotDelDevice(inst, "disk", new_disk, None, 1)
  hv.HotDelDevice(inst, "disk", boot_disk, None, 0)
  blocks = qmp.Execute(qmp_path, "query-block")
  assert not [b for b in blocks if b.get("inserted", {}).get("file") in
              images]
  (_, _, _, disks) = runtime.LoadRuntime(runtime.ReadRuntime(hv.dirs,
                                                             inst.name))
  assert disks == []
  with pytest.raises(errors.HotplugError, match="modification"):
    hv.HotModDevice(inst, "disk", new_disk, None, 0)
  hv.StopInstance(inst, force=True)
  with pytest.raises(errors.HotplugError, match="not running"):
    hv.HotplugSupported(inst)
  hv.CleanupInstance(inst.name)


def _ProcessUid(pid):
  with open("/proc/%d/status" % pid) as fh:
    for line in fh:
      if line.startswith("Uid:"):
        return int(line.split()[1])
  raise AssertionError("no Uid in /proc/%d/status" % pid)


def test_security_models(hv, guest_files, vnode):
  """qemu drops root for the user of security_domain, or a pool uid."""
  import pwd
  if os.geteuid() != 0:
    pytest.skip("needs root (qemu -runas)")
  try:
    nobody = pwd.getpwnam("nobody").pw_uid
  except KeyError:
    pytest.skip("no user 'nobody' here")
  inst = _Instance(guest_files, name="user1", security_model="user",
                   security_domain="nobody")
  hv.StartInstance(inst, [], False)
  (_, pid, _, _, state, _) = hv.GetInstanceInfo(inst.name)
  assert _ProcessUid(pid) == nobody and state == "running"
  hv.StopInstance(inst, force=True)
  hv.CleanupInstance(inst.name)
  # the pool model takes uids from ssconf uid_pool
  with open(vnode.SsconfFile("uid_pool"), "w") as fh:
    fh.write("63990-63991\n")
  pool1 = _Instance(guest_files, name="pool1", security_model="pool")
  pool2 = _Instance(guest_files, name="pool2", security_model="pool")
  hv.StartInstance(pool1, [], False)
  hv.StartInstance(pool2, [], False)
  uids = {_ProcessUid(hv.GetInstanceInfo(n)[1]) for n in ("pool1", "pool2")}
  assert uids == {63990, 63991}
  pool3 = _Instance(guest_files, name="pool3", security_model="pool")
  with pytest.raises(errors.HypervisorError, match="No free uid"):
    hv.StartInstance(pool3, [], False)
  assert "pool3" not in hv.ListInstances()
  for inst in (pool1, pool2):
    hv.StopInstance(inst, force=True)
    hv.CleanupInstance(inst.name)
  assert os.listdir(hv.dirs.uid_dir) == []


def test_user_shutdown(hv, guest_files):
  """With user_shutdown a guest's own poweroff leaves state "shutdown"."""
  inst = _Instance(guest_files, name="ushut1", user_shutdown=True,
                   kernel_args="quiet panic=-1 guest=poweroff")
  (reader, _) = _Boot(hv, inst)
  reader.WaitFor(guest.MARKER, BOOT_TIMEOUT)

  def _State():
    info = hv.GetInstanceInfo(inst.name)
    return info is not None and info[4] == "shutdown"
  deadline = time.monotonic() + 30
  while not _State():
    assert time.monotonic() < deadline, "no user shutdown seen"
    time.sleep(0.05)
  # starting it again replaces the stopped qemu
  hv.StartInstance(inst, [], False)
  SerialReader(hv.dirs.Ctrl(inst.name, "serial")).WaitFor(guest.MARKER,
                                                          BOOT_TIMEOUT)
  deadline = time.monotonic() + 30
  while not _State():
    assert time.monotonic() < deadline, "no user shutdown seen"
    time.sleep(0.05)
  # a stop of a shut down guest does not wait for ACPI
  t0 = time.monotonic()
  hv.StopInstance(inst, timeout=60)
  assert time.monotonic() - t0 < 10
  assert hv.ListInstances() == []
  hv.CleanupInstance(inst.name)


def test_vnc_with_password(hv, guest_files, tmp_path):
  """qemu's VNC server on the instance's port, password set over QMP."""
  import socket
  port = _FreePort()
  while port <= 5900:
    port = _FreePort()
  pwfile = tmp_path / "vnc-password"
  pwfile.write_text("s3cret\n")
  inst = _Instance(guest_files, name="vnc1", vnc_bind_address="127.0.0.1",
                   vnc_password_file=str(pwfile))
  inst.network_port = port
  hv.StartInstance(inst, [], False)
  sock = socket.create_connection(("127.0.0.1", port), timeout=10)
  try:
    assert sock.recv(12) == b"RFB 003.008\n"
    sock.sendall(b"RFB 003.008\n")
    # security types offered: 2 (VNC authentication) only, as a password
    # is set
    data = sock.recv(16)
    assert data[0] >= 1 and 2 in data[1:1 + data[0]]
  finally:
    sock.close()
  vnc = qmp.Execute(hv.dirs.Ctrl(inst.name, "qmp"), "query-vnc")
  assert vnc["enabled"] and vnc["service"] == str(port)
  assert vnc["auth"] == "vnc"
  hv.StopInstance(inst, force=True)
  hv.CleanupInstance(inst.name)


def test_spice(hv, guest_files):
  port = _FreePort()
  inst = _Instance(guest_files, name="spice1", spice_bind="127.0.0.1",
                   spice_ip_version=4, spice_image_compression="lz")
  inst.network_port = port
  hv.StartInstance(inst, [], False)
  spice = qmp.Execute(hv.dirs.Ctrl(inst.name, "qmp"), "query-spice")
  assert spice["enabled"] and spice["port"] == port
  assert spice["host"] == "127.0.0.1" and spice["auth"] == "none"
  assert spice["mouse-mode"] in ("client", "server")
  hv.StopInstance(inst, force=True)
  hv.CleanupInstance(inst.name)
