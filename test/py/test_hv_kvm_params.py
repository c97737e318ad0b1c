"""kvm hvparam checks (syntax on the master, validation on the node)."""

import pytest

from ganeti import constants
from ganeti import errors
from ganeti.hypervisor import GetHypervisorClass
from ganeti.hypervisor.hv_kvm import params

import kvm_testlib as T

pytestmark = pytest.mark.unit

KVM = GetHypervisorClass(constants.HT_KVM)


def test_every_parameter_has_a_check_and_default():
  assert set(KVM.PARAMETERS) == set(constants.HVC_DEFAULTS[constants.HT_KVM])
  assert len(KVM.PARAMETERS) == 65


def test_defaults_pass():
  KVM.CheckParameterSyntax(T.HvParams())


@pytest.mark.parametrize("changes, message", [
  ({"boot_order": "usb"}, "boot_order"),
  ({"nic_type": "virtio"}, "nic_type"),
  ({"disk_type": "nvme"}, "disk_type"),
  ({"disk_cache": "unsafe"}, "disk_cache"),
  ({"kvm_flag": "maybe"}, "kvm_flag"),
  ({"security_model": "selinux"}, "security_model"),
  ({"migration_port": 70000}, "migration_port"),
  ({"migration_bandwidth": -1}, "migration_bandwidth"),
  ({"virtio_net_queues": 33}, "virtio_net_queues"),
  ({"kvm_pci_reservations": 40}, "kvm_pci_reservations"),
  ({"cpu_mask": "0-x"}, "cpu_mask"),
  ({"kernel_path": "vmlinuz"}, "absolute path"),
  ({"kvm_path": ""}, "required"),
  ({"security_model": "user"}, "security domain"),
  ({"security_domain": "nobody"}, "Cannot have a security domain"),
  ({"boot_order": "cdrom"}, "without an ISO path"),
  ({"boot_order": "floppy"}, "floppy image"),
  ({"vnc_x509_path": "/etc/x509"}, "vnc_tls must be enabled"),
  ({"vnc_tls": True, "vnc_x509_verify": True}, "requires vnc_x509_path"),
  ({"spice_use_tls": True}, "requires spice_bind"),
  ({"spice_bind": "::1", "spice_ip_version": 4}, "different version"),
  ({"migration_caps": "x y"}, "migration capabilities"),
  ({"serial_speed": 0}, "serial speed"),
  ({"unknown_param": 1}, "not supported"),
])
def test_bad_combinations(changes, message):
  with pytest.raises(errors.HypervisorError, match=message):
    KVM.CheckParameterSyntax(T.HvParams(**changes))


def test_missing_parameter():
  hvp = T.HvParams()
  del hvp["acpi"]
  with pytest.raises(errors.HypervisorError, match="missing"):
    KVM.CheckParameterSyntax(hvp)


@pytest.mark.parametrize("changes", [
  {"kvm_flag": "disabled", "kernel_path": "/boot/vmlinuz"},
  {"cpu_mask": "0-1,3"}, {"cpu_mask": "0:1:2-3"},
  {"security_model": "user", "security_domain": "nobody"},
  {"spice_bind": "127.0.0.1", "spice_ip_version": 4,
   "spice_use_tls": True},
  {"boot_order": "cdrom", "cdrom_image_path": "http://x/y.iso"},
  {"migration_caps": "xbzrle:auto-converge"},
])
def test_good_combinations(changes):
  KVM.CheckParameterSyntax(T.HvParams(**changes))


def test_cpu_mask_parsing():
  assert params.ParseCpuMask("all") == []
  assert params.ParseCpuMask("0-2,5") == [0, 1, 2, 5]
  assert params.ParseMultiCpuMask("0:1-2:all") == [[0], [1, 2], []]
  for bad in ("2-1", "-1", "a"):
    with pytest.raises(errors.HypervisorError):
      params.ParseCpuMask(bad)


def test_validate_on_node(tmp_path):
  hv = KVM()
  kvm = tmp_path / "kvm"
  kvm.write_text("")
  hvp = T.HvParams(kvm_path=str(kvm), kernel_path=str(tmp_path / "none"))
  with pytest.raises(errors.HypervisorError, match="kernel_path fails"
                     "|Parameter 'kernel_path'"):
    hv.ValidateParameters(hvp)
  hvp = T.HvParams(security_model="user",
                   security_domain="no-such-user-here")
  with pytest.raises(errors.HypervisorError, match="Unknown security"):
    params.ValidateOnNode(hvp)
  with pytest.raises(errors.HypervisorError, match="VNC"):
    params.ValidateOnNode(T.HvParams(vnc_bind_address="nosuchif0"))
  params.ValidateOnNode(T.HvParams(vnc_bind_address="lo"))
  params.ValidateOnNode(T.HvParams(vnc_bind_address="127.0.0.1"))
