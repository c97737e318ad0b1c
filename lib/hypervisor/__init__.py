"""Registry of hypervisor classes.

Only hypervisors whose module is present are available; asking for another
raises :class:`ganeti.errors.HypervisorError`.
"""

import importlib

from ganeti import constants
from ganeti import errors

_HV_MODULES = {
  constants.HT_FAKE: ("ganeti.hypervisor.hv_fake", "FakeHypervisor"),
  constants.HT_KVM: ("ganeti.hypervisor.hv_kvm", "KVMHypervisor"),
  constants.HT_XEN_PVM: ("ganeti.hypervisor.hv_xen", "XenPvmHypervisor"),
  constants.HT_XEN_HVM: ("ganeti.hypervisor.hv_xen", "XenHvmHypervisor"),
  constants.HT_CHROOT: ("ganeti.hypervisor.hv_chroot", "ChrootManager"),
  constants.HT_LXC: ("ganeti.hypervisor.hv_lxc", "LXCHypervisor"),
}


def GetHypervisorClass(ht_kind: str):
  """The class implementing hypervisor ``ht_kind``.

  @raise errors.HypervisorError: unknown or unavailable hypervisor
  """
  if ht_kind not in _HV_MODULES:
    raise errors.HypervisorError("Unknown hypervisor type '%s'" % ht_kind)
  (modname, clsname) = _HV_MODULES[ht_kind]
  try:
    mod = importlib.import_module(modname)
  except ImportError as err:
    if err.name != modname:
      raise
    raise errors.HypervisorError("Hypervisor '%s' is not available on this"
                                 " node" % ht_kind)
  return getattr(mod, clsname)


def GetHypervisor(ht_kind: str):
  """A new instance of hypervisor ``ht_kind``."""
  return GetHypervisorClass(ht_kind)()
