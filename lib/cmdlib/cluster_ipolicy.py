"""Instance policies (ipolicy): merging a change and checking the result.

An ipolicy is ``{"minmax": [{"min": spec, "max": spec}, ...], "std": spec,
"disk-templates": [...], "vcpu-ratio": float, "spindle-ratio": float}``
with specs keyed by ``constants.ISPECS_PARAMETERS``.  At cluster level
every key must end up set; a change replaces ``minmax`` and the lists
whole and merges ``std`` key by key.
"""

import copy

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import utils

_RATIOS = (constants.IPOLICY_VCPU_RATIO, constants.IPOLICY_SPINDLE_RATIO)
_ALL_KEYS = frozenset([constants.ISPECS_MINMAX, constants.ISPECS_STD,
                       constants.IPOLICY_DTS]) | frozenset(_RATIOS)


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def _CheckSpec(spec, what, full):
  """Check one spec dict; converts values to int in place."""
  if not isinstance(spec, dict):
    raise _Inval("Invalid %s specification: expected a dictionary, got %r" %
                 (what, spec))
  unknown = sorted(set(spec) - set(constants.ISPECS_PARAMETERS))
  if unknown:
    raise _Inval("Invalid keys in %s specification: %s" %
                 (what, utils.CommaJoin(unknown)))
  if full:
    missing = sorted(set(constants.ISPECS_PARAMETERS) - set(spec))
    if missing:
      raise _Inval("Missing instance specification parameters for %s: %s" %
                   (what, utils.CommaJoin(missing)))
  for (key, val) in spec.items():
    if isinstance(val, bool):
      raise _Inval("Invalid value for %s %s: %r is not an integer" %
                   (what, key, val))
    try:
      if key in (constants.ISPEC_MEM_SIZE, constants.ISPEC_DISK_SIZE) and \
          isinstance(val, str):
        spec[key] = utils.ParseUnit(val)
      else:
        spec[key] = int(val)
    except (ValueError, TypeError, errors.UnitParseError):
      raise _Inval("Invalid value for %s %s: %r is not an integer" %
                   (what, key, val))
    if spec[key] < 0:
      raise _Inval("Invalid value for %s %s: %s is negative" %
                   (what, key, spec[key]))


def _CheckMinMax(minmax):
  if not isinstance(minmax, list) or not minmax:
    raise _Inval("Invalid instance policy bounds: expected a non-empty list"
                 " of min/max specifications")
  for (idx, pair) in enumerate(minmax):
    if not isinstance(pair, dict) or \
        set(pair) != set([constants.ISPECS_MIN, constants.ISPECS_MAX]):
      raise _Inval("Invalid instance policy bounds %d: both 'min' and 'max'"
                   " specifications are required" % idx)
    _CheckSpec(pair[constants.ISPECS_MIN], "min/%d" % idx, True)
    _CheckSpec(pair[constants.ISPECS_MAX], "max/%d" % idx, True)
    for key in constants.ISPECS_PARAMETERS:
      low = pair[constants.ISPECS_MIN][key]
      high = pair[constants.ISPECS_MAX][key]
      if low > high:
        raise _Inval("Invalid specification of min/max values for %s:"
                     " %s/%s" % (key, low, high))


def CheckIPolicy(ipolicy):
  """Check a complete (cluster-level) ipolicy; normalises values in place.

  @raise errors.OpPrereqError: (ECODE_INVAL) unknown keys, bad values,
      min above max, std outside every min/max range, unknown templates
  """
  unknown = sorted(set(ipolicy) - _ALL_KEYS)
  if unknown:
    raise _Inval("Invalid keys in ipolicy: %s" % utils.CommaJoin(unknown))
  _CheckMinMax(ipolicy[constants.ISPECS_MINMAX])
  std = ipolicy[constants.ISPECS_STD]
  _CheckSpec(std, "std", True)
  for key in constants.ISPECS_PARAMETERS:
    inside = [mm for mm in ipolicy[constants.ISPECS_MINMAX]
              if mm[constants.ISPECS_MIN][key] <= std[key] <=
              mm[constants.ISPECS_MAX][key]]
    if not inside:
      raise _Inval("Invalid std value %s for %s: it is outside every"
                   " min/max range" % (std[key], key))
  dts = ipolicy[constants.IPOLICY_DTS]
  if not isinstance(dts, list):
    raise _Inval("Invalid ipolicy disk templates: expected a list")
  bad = [dt for dt in dts if dt not in constants.DISK_TEMPLATES]
  if bad:
    raise _Inval("Invalid disk template(s) in the instance policy: %s" %
                 utils.CommaJoin(bad))
  for key in _RATIOS:
    val = ipolicy[key]
    try:
      val = float(val)
    except (TypeError, ValueError):
      raise _Inval("Invalid value for ipolicy parameter %s: %r is not a"
                   " number" % (key, ipolicy[key]))
    if isinstance(ipolicy[key], bool) or val <= 0:
      raise _Inval("Invalid value for ipolicy parameter %s: %s must be a"
                   " positive number" % (key, ipolicy[key]))
    ipolicy[key] = val


def GetUpdatedIPolicy(old_ipolicy, changes):
  """The cluster ipolicy ``old_ipolicy`` with ``changes`` applied.

  ``minmax``, ``disk-templates`` and the ratios replace the old values;
  ``std`` is merged key by key.  The result is checked with
  L{CheckIPolicy}; nothing is modified in place.
  """
  if not isinstance(changes, dict):
    raise _Inval("Invalid ipolicy: expected a dictionary, got %r" % changes)
  new = copy.deepcopy(old_ipolicy)
  for (key, val) in copy.deepcopy(changes).items():
    if key not in _ALL_KEYS:
      raise _Inval("Invalid keys in ipolicy: %s" % key)
    if val is None or val == constants.VALUE_DEFAULT:
      raise _Inval("Can't unset ipolicy attribute '%s' at cluster level" %
                   key)
    if key == constants.ISPECS_STD:
      _CheckSpec(val, "std", False)
      new[key] = objects.FillDict(new.get(key, {}), val)
    else:
      new[key] = val
  new = objects.FillIPolicy(constants.IPOLICY_DEFAULTS, new)
  CheckIPolicy(new)
  return new


def CheckIPolicyVsDiskTemplates(ipolicy, enabled_disk_templates):
  """Every template the policy allows must be enabled on the cluster."""
  not_enabled = [dt for dt in ipolicy.get(constants.IPOLICY_DTS, [])
                 if dt not in enabled_disk_templates]
  if not_enabled:
    raise _Inval("The following disk template are allowed by the ipolicy,"
                 " but not enabled on the cluster: %s" %
                 utils.CommaJoin(not_enabled))
