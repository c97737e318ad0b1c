"""The node side of hypervisor_validate_params."""

import pytest

from ganeti import constants
from ganeti.backend import RPCFail
from ganeti.backend import hv_params

pytestmark = pytest.mark.unit


def testFakeGoodParameters():
  assert hv_params.ValidateHVParams(
    constants.HT_FAKE, dict(constants.HVC_DEFAULTS[constants.HT_FAKE])) \
    is None


def testSyntaxErrors():
  with pytest.raises(RPCFail) as err:
    hv_params.ValidateHVParams(constants.HT_FAKE,
                               {"migration_mode": "sideways"})
  assert str(err.value).startswith(
    "Parameter 'migration_mode' fails syntax check: ")
  assert "(current value: 'sideways')" in str(err.value)
  with pytest.raises(RPCFail) as err:
    hv_params.ValidateHVParams(constants.HT_FAKE,
                               {"migration_mode": "live", "bogus": "1"})
  assert str(err.value) == "Parameter 'bogus' is not supported"


def testKvmValidationOnTheNode(tmp_path):
  params = dict(constants.HVC_DEFAULTS[constants.HT_KVM])
  params["kernel_path"] = str(tmp_path / "nosuch-kernel")
  with pytest.raises(RPCFail) as err:
    hv_params.ValidateHVParams(constants.HT_KVM, params)
  assert "kernel_path" in str(err.value)
  assert "fails validation" in str(err.value)


def testUnknownHypervisor():
  with pytest.raises(RPCFail) as err:
    hv_params.ValidateHVParams("nosuch", {})
  assert str(err.value) == "Unknown hypervisor type 'nosuch'"
