"""Checking and updating the parameters a node group can carry.

Pure functions (no configuration access) shared by the group LUs:
instance policies (:func:`GetUpdatedIPolicy`, :func:`CheckIPolicySyntax`),
disk parameters (:func:`UpdateDiskParams`), node parameters
(:func:`UpdateNdParams`) and the static hypervisor and disk states
(:func:`MergeHvState`, :func:`MergeDiskState`).  Every function raises
errors.OpPrereqError (ECODE_INVAL) on bad input and never changes its
arguments.
"""

import copy

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.cmdlib.cluster_params import ForceParamTypes, GetUpdatedParams

#: Value types of the instance spec parameters
ISPECS_PARAMETER_TYPES = dict.fromkeys(constants.ISPECS_PARAMETERS,
                                       constants.VTYPE_INT)
#: Float-valued instance policy keys
IPOLICY_PARAMETERS = frozenset([constants.IPOLICY_VCPU_RATIO,
                                constants.IPOLICY_SPINDLE_RATIO])
#: Every key an instance policy may have
IPOLICY_ALL_KEYS = (frozenset([constants.ISPECS_MINMAX, constants.ISPECS_STD,
                               constants.IPOLICY_DTS]) | IPOLICY_PARAMETERS)
#: Keys of a static hypervisor state (per hypervisor)
HVST_PARAMETER_TYPES = dict.fromkeys(
  ["mem_total", "mem_node", "mem_hv", "cpu_total", "cpu_node"],
  constants.VTYPE_INT)
#: Keys of a static disk state (per storage type and name)
DSS_PARAMETER_TYPES = dict.fromkeys(
  ["disk_total", "disk_reserved", "disk_overhead"], constants.VTYPE_INT)
#: Storage types a disk state may be given for
DSS_STORAGE_TYPES = frozenset(["lvm-vg", "lvm-pv", "file", "sharedfile",
                               "gluster", "rbd", "ext", "diskless"])


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def _DiskParamTypes(template):
  """Value types of a disk template's parameters, from their defaults."""
  types = {}
  for (key, default) in constants.DISK_DT_DEFAULTS.get(template, {}).items():
    if isinstance(default, bool):
      types[key] = constants.VTYPE_BOOL
    elif isinstance(default, int):
      types[key] = constants.VTYPE_INT
    else:
      types[key] = constants.VTYPE_STRING
  return types


def _IsReset(value):
  return (not value or value == constants.VALUE_DEFAULT or
          value == [constants.VALUE_DEFAULT])


def CheckISpecSyntax(minmax, std=None):
  """Check one {min, max} pair (and optionally std between them)."""
  if not isinstance(minmax, dict):
    raise _Inval("Invalid instance policy: bounds must be dictionaries")
  missing = set([constants.ISPECS_MIN, constants.ISPECS_MAX]) - set(minmax)
  if missing:
    raise _Inval("Invalid instance policy: missing instance specification:"
                 " %s" % utils.CommaJoin(sorted(missing)))
  extra = set(minmax) - set([constants.ISPECS_MIN, constants.ISPECS_MAX])
  if extra:
    raise _Inval("Invalid instance policy: invalid instance specification"
                 " keys: %s" % utils.CommaJoin(sorted(extra)))
  for key in (constants.ISPECS_MIN, constants.ISPECS_MAX):
    spec = minmax[key]
    unknown = set(spec) - set(constants.ISPECS_PARAMETERS)
    if unknown:
      raise _Inval("Invalid instance policy: invalid keys in %s spec: %s" %
                   (key, utils.CommaJoin(sorted(unknown))))
    missing = set(constants.ISPECS_PARAMETERS) - set(spec)
    if missing:
      raise _Inval("Invalid instance policy: missing instance specs"
                   " parameters in %s spec: %s" %
                   (key, utils.CommaJoin(sorted(missing))))
  lo = minmax[constants.ISPECS_MIN]
  hi = minmax[constants.ISPECS_MAX]
  for name in constants.ISPECS_PARAMETERS:
    if lo[name] > hi[name]:
      raise _Inval("Invalid instance policy: invalid specification of"
                   " min/max values for %s: %s/%s" % (name, lo[name],
                                                      hi[name]))
    if std is not None and name in std and \
        not lo[name] <= std[name] <= hi[name]:
      raise _Inval("Invalid instance policy: invalid specification of"
                   " min/max/std values for %s: %s/%s/%s" %
                   (name, lo[name], hi[name], std[name]))


def CheckIPolicySyntax(ipolicy, check_std):
  """Check an instance policy; ``std`` is checked against the bounds
  only when ``check_std`` (cluster level).  Missing keys are fine (a group
  policy inherits them).
  """
  unknown = set(ipolicy) - IPOLICY_ALL_KEYS
  if unknown:
    raise _Inval("Invalid instance policy: invalid keys in ipolicy: %s" %
                 utils.CommaJoin(sorted(unknown)))
  std = ipolicy.get(constants.ISPECS_STD) if check_std else None
  if constants.ISPECS_MINMAX in ipolicy:
    minmax = ipolicy[constants.ISPECS_MINMAX]
    if not isinstance(minmax, list) or not minmax:
      raise _Inval("Invalid instance policy: empty minmax list")
    for pair in minmax:
      CheckISpecSyntax(pair, std)
  if constants.IPOLICY_DTS in ipolicy:
    bad = [t for t in ipolicy[constants.IPOLICY_DTS]
           if t not in constants.DISK_TEMPLATES]
    if bad:
      raise _Inval("Invalid instance policy: invalid disk template"
                   " specified: %s" % utils.CommaJoin(bad))
  for key in IPOLICY_PARAMETERS:
    if key in ipolicy:
      value = ipolicy[key]
      if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Inval("Invalid instance policy: invalid %s value (%r),"
                     " expected a number" % (key, value))
      if value <= 0:
        raise _Inval("Invalid instance policy: %s must be positive (%s)" %
                     (key, value))


def _ConvertMinMax(value):
  if not isinstance(value, list):
    raise _Inval("Invalid value for attribute '%s': expected a list" %
                 constants.ISPECS_MINMAX)
  result = []
  for pair in value:
    if not isinstance(pair, dict):
      raise _Inval("Invalid value for attribute '%s': expected a list of"
                   " dictionaries" % constants.ISPECS_MINMAX)
    new_pair = {}
    for (key, spec) in pair.items():
      spec = copy.deepcopy(spec)
      ForceParamTypes("instance spec", spec, ISPECS_PARAMETER_TYPES)
      new_pair[key] = spec
    result.append(new_pair)
  return result


def GetUpdatedIPolicy(old_ipolicy, new_ipolicy, group_policy=False):
  """Return ``old_ipolicy`` updated with ``new_ipolicy`` (checked).

  At group level an empty value or "default" removes the key (the group
  then inherits the cluster's); at cluster level that is an error.
  """
  ipolicy = copy.deepcopy(old_ipolicy or {})
  for (key, value) in new_ipolicy.items():
    if key not in IPOLICY_ALL_KEYS:
      raise _Inval("Invalid key in new ipolicy: %s" % key)
    if _IsReset(value):
      if group_policy:
        ipolicy.pop(key, None)
        continue
      raise _Inval("Can't unset ipolicy attribute '%s' at the cluster"
                   " level" % key)
    if key in IPOLICY_PARAMETERS:
      try:
        ipolicy[key] = float(value)
      except (TypeError, ValueError) as err:
        raise _Inval("Invalid value for attribute '%s': '%s', error: %s" %
                     (key, value, err))
    elif key == constants.ISPECS_MINMAX:
      ipolicy[key] = _ConvertMinMax(value)
    elif key == constants.ISPECS_STD:
      if group_policy:
        raise _Inval("%s cannot appear in group instance specs" % key)
      std = GetUpdatedParams(old_ipolicy.get(key, {}), value)
      ForceParamTypes("instance spec", std, ISPECS_PARAMETER_TYPES)
      ipolicy[key] = std
    else:
      ipolicy[key] = list(value)
  CheckIPolicySyntax(ipolicy, not group_policy)
  return ipolicy


def CheckFullIPolicy(cluster, group_ipolicy):
  """Check a group policy once filled from the cluster's."""
  if constants.ISPECS_STD in group_ipolicy:
    raise _Inval("%s cannot appear in group instance specs" %
                 constants.ISPECS_STD)
  CheckIPolicySyntax(cluster.SimpleFillIPolicy(group_ipolicy), False)


def UpdateNdParams(old, update):
  """Group node parameters ``old`` updated with ``update`` (checked)."""
  new = GetUpdatedParams(old or {}, update)
  ForceParamTypes("node", new, constants.NDS_PARAMETER_TYPES)
  return new


def UpdateDiskParams(old, update):
  """Group disk parameters ``old`` updated per template with ``update``.

  ``None`` or "default" as a value removes the parameter (inherit).
  """
  bad = sorted(set(update) - set(constants.DISK_TEMPLATES))
  if bad:
    raise _Inval("The following disk templates are not valid: %s" %
                 utils.CommaJoin(bad))
  new = copy.deepcopy(old or {})
  for (template, params) in update.items():
    if not isinstance(params, dict):
      raise _Inval("Invalid disk parameters for template %s: expected a"
                   " dictionary" % template)
    merged = GetUpdatedParams(new.get(template, {}), params, use_none=True)
    try:
      ForceParamTypes("disk", merged, _DiskParamTypes(template))
    except errors.OpPrereqError as err:
      raise _Inval("While verify diskparams options: %s" % err.args[0])
    new[template] = merged
  return new


def MergeHvState(old, update):
  """Static hypervisor states: {hypervisor: {mem_total: .., ...}}."""
  new = copy.deepcopy(old or {})
  for (hv_name, params) in update.items():
    if hv_name not in constants.HYPER_TYPES:
      raise _Inval("Invalid hypervisor '%s' in the hypervisor state" %
                   hv_name)
    merged = GetUpdatedParams(new.get(hv_name, {}), params or {})
    ForceParamTypes("hypervisor state", merged, HVST_PARAMETER_TYPES)
    new[hv_name] = merged
  return new


def MergeDiskState(old, update):
  """Static disk states: {storage type: {name: {disk_total: .., ...}}}."""
  new = copy.deepcopy(old or {})
  for (stype, by_name) in update.items():
    if stype not in DSS_STORAGE_TYPES:
      raise _Inval("Invalid storage type '%s' in the disk state" % stype)
    if not isinstance(by_name, dict):
      raise _Inval("Invalid disk state for storage type %s" % stype)
    target = new.setdefault(stype, {})
    for (name, params) in by_name.items():
      merged = GetUpdatedParams(target.get(name, {}), params or {})
      ForceParamTypes("disk state", merged, DSS_PARAMETER_TYPES)
      target[name] = merged
  return new
