"""Command line options and formatting shared by gnt-group and gnt-instance.

* the group parameter options (``--alloc-policy``, ``-D``,
  ``--hypervisor-state``, ``--disk-state``, ``--ipolicy-*``) and
  :func:`IPolicyFromOpts`, which turns them into an ``ipolicy`` dict for
  OP_GROUP_ADD / OP_GROUP_SET_PARAMS (at group level "default" removes a
  value so that it is inherited from the cluster);
* :func:`FormatPolicyInfo`, the "Instance policy" part of ``info``;
* the evacuation options (``--to``, ``-I``, ``--early-release``) and
  :func:`WaitForChildJobs`, which waits for the jobs an evacuation or
  change-group opcode submitted.
"""

from ganeti import constants
from ganeti import errors
from ganeti import utils
from ganeti.cli import (JobExecutor, FormatParamsDictInfo,
                        FormatParamValue)
from ganeti.cli_opts import (cli_option, DISK_PARAMS_OPT,  # noqa: F401
                             IALLOCATOR_OPT, EARLY_RELEASE_OPT)

ALLOC_POLICY_OPT = cli_option(
  "--alloc-policy", dest="alloc_policy", choices=constants.VALID_ALLOC_POLICIES,
  metavar="<policy>", default=None,
  help="Set the instance allocation policy for this node group"
  " (one of %s)" % ", ".join(constants.VALID_ALLOC_POLICIES))
HV_STATE_OPT = cli_option(
  "--hypervisor-state", dest="hv_state", type="identkeyval",
  action="append", default=[],
  help="Specify hypervisor states (hypervisor:key=value,...)")
DISK_STATE_OPT = cli_option(
  "--disk-state", dest="disk_state", type="identkeyval", action="append",
  default=[],
  help="Specify disk states (storage-type/name:key=value,...)")
IPOLICY_BOUNDS_SPECS_OPT = cli_option(
  "--ipolicy-bounds-specs", dest="ipolicy_bounds_specs", default=None,
  metavar="<specs>",
  help="Complete instance specs limits (min:k=v,.../max:k=v,...[//...])")
IPOLICY_DISK_TEMPLATES_OPT = cli_option(
  "--ipolicy-disk-templates", dest="ipolicy_disk_templates", default=None,
  metavar="<templates>", help="Comma-separated list of enabled disk"
  " templates")
IPOLICY_VCPU_RATIO_OPT = cli_option(
  "--ipolicy-vcpu-ratio", dest="ipolicy_vcpu_ratio", default=None,
  metavar="<ratio>", help="The maximum allowed vcpu-to-cpu ratio")
IPOLICY_SPINDLE_RATIO_OPT = cli_option(
  "--ipolicy-spindle-ratio", dest="ipolicy_spindle_ratio", default=None,
  metavar="<ratio>", help="The maximum allowed instances to spindle ratio")
GROUP_PARAM_OPTS = [ALLOC_POLICY_OPT, DISK_PARAMS_OPT, HV_STATE_OPT,
                    DISK_STATE_OPT, IPOLICY_BOUNDS_SPECS_OPT,
                    IPOLICY_DISK_TEMPLATES_OPT, IPOLICY_VCPU_RATIO_OPT,
                    IPOLICY_SPINDLE_RATIO_OPT]

TO_GROUP_OPT = cli_option(
  "--to", dest="to", metavar="<group>", action="append", default=None,
  help="Group(s) to which the instances are moved (can be repeated)")
SEQUENTIAL_OPT = cli_option(
  "--sequential", dest="sequential", default=False, action="store_true",
  help="Execute all resulting jobs sequentially")
FORCE_FAILOVER_OPT = cli_option(
  "--force-failover", dest="force_failover", default=False,
  action="store_true", help="Fail over instances instead of migrating them")

_SIZE_SPECS = frozenset([constants.ISPEC_MEM_SIZE, constants.ISPEC_DISK_SIZE])


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def _IsDefault(value):
  return value == constants.VALUE_DEFAULT


def _ParseSpec(text, what):
  """'k=v,k=v' of one instance spec (sizes may carry units)."""
  spec = {}
  for item in utils.UnescapeAndSplit(text, sep=","):
    if "=" not in item:
      raise _Inval("Invalid instance spec '%s' in %s: missing value" %
                   (item, what))
    (key, value) = item.split("=", 1)
    if key not in constants.ISPECS_PARAMETERS:
      raise _Inval("Invalid instance spec parameter '%s' in %s" % (key, what))
    try:
      if key in _SIZE_SPECS:
        spec[key] = utils.ParseUnit(value)
      else:
        spec[key] = int(value)
    except (ValueError, errors.UnitParseError) as err:
      raise _Inval("Invalid value '%s' for %s in %s: %s" %
                   (value, key, what, err))
  return spec


def ParseBoundsSpecs(text):
  """'min:k=v,.../max:k=v,...[//min:.../max:...]' to a minmax list."""
  result = []
  for pair_text in text.split("//"):
    pair = {}
    for part in pair_text.split("/"):
      if ":" not in part:
        raise _Inval("Invalid instance specs '%s': expected min:... and"
                     " max:..." % part)
      (ident, rest) = part.split(":", 1)
      if ident not in (constants.ISPECS_MIN, constants.ISPECS_MAX):
        raise _Inval("Invalid instance specs key '%s': expected 'min' or"
                     " 'max'" % ident)
      if ident in pair:
        raise _Inval("Duplicate '%s' in instance specs" % ident)
      pair[ident] = _ParseSpec(rest, "--ipolicy-bounds-specs")
    result.append(pair)
  return result


def IPolicyFromOpts(opts, group_ipolicy=True):
  """The ipolicy dict given by the --ipolicy-* options (None: none given).

  At group level "default" resets a value (the group inherits it).
  """
  ipolicy = {}
  bounds = opts.ipolicy_bounds_specs
  if bounds is not None:
    if _IsDefault(bounds) and group_ipolicy:
      ipolicy[constants.ISPECS_MINMAX] = constants.VALUE_DEFAULT
    else:
      ipolicy[constants.ISPECS_MINMAX] = ParseBoundsSpecs(bounds)
  dts = opts.ipolicy_disk_templates
  if dts is not None:
    if _IsDefault(dts) and group_ipolicy:
      ipolicy[constants.IPOLICY_DTS] = constants.VALUE_DEFAULT
    else:
      ipolicy[constants.IPOLICY_DTS] = [t for t in dts.split(",") if t]
  for (key, value) in ((constants.IPOLICY_VCPU_RATIO,
                        opts.ipolicy_vcpu_ratio),
                       (constants.IPOLICY_SPINDLE_RATIO,
                        opts.ipolicy_spindle_ratio)):
    if value is None:
      continue
    if _IsDefault(value) and group_ipolicy:
      ipolicy[key] = constants.VALUE_DEFAULT
      continue
    try:
      ipolicy[key] = float(value)
    except ValueError:
      raise _Inval("Invalid value '%s' for --ipolicy-%s: not a number" %
                   (value, key))
  return ipolicy or None


def DiskParamsFromOpts(opts):
  """{template: {param: value}} of the -D options (None: none given)."""
  result = {}
  for (template, params) in opts.diskparams or []:
    if not params:
      raise _Inval("Missing disk parameters for template %s" % template)
    result.setdefault(template, {}).update(params)
  return result or None


def HvStateFromOpts(opts):
  result = {}
  for (hv_name, params) in opts.hv_state or []:
    result.setdefault(hv_name, {}).update(params or {})
  return result or None


def DiskStateFromOpts(opts):
  """{storage type: {name: params}} of 'type/name:k=v' disk states."""
  result = {}
  for (ident, params) in opts.disk_state or []:
    if "/" not in ident:
      raise _Inval("Invalid disk state '%s': expected storage-type/name" %
                   ident)
    (stype, name) = ident.split("/", 1)
    result.setdefault(stype, {}).setdefault(name, {}).update(params or {})
  return result or None


def FormatPolicyInfo(custom_ipolicy, eff_ipolicy, iscluster=False):
  """The 'Instance policy' info entries; inherited values show as
  'default (value)'."""
  custom_minmax = custom_ipolicy.get(constants.ISPECS_MINMAX)
  minmax_out = []
  for (idx, minmax) in enumerate(eff_ipolicy.get(constants.ISPECS_MINMAX,
                                                 [])):
    entry = []
    for key in (constants.ISPECS_MIN, constants.ISPECS_MAX):
      custom = minmax[key] if custom_minmax else {}
      entry.append(("%s/%s" % (key, idx),
                    FormatParamsDictInfo(custom, minmax[key])))
    minmax_out.append(entry)
  result = [("bounds specs", minmax_out)]
  if iscluster:
    std = eff_ipolicy.get(constants.ISPECS_STD, {})
    result.append(("std", FormatParamsDictInfo(std, std)))
  dts = utils.CommaJoin(eff_ipolicy.get(constants.IPOLICY_DTS, []))
  if constants.IPOLICY_DTS not in custom_ipolicy and not iscluster:
    dts = "default (%s)" % dts
  result.append(("allowed disk templates", dts))
  for key in (constants.IPOLICY_SPINDLE_RATIO, constants.IPOLICY_VCPU_RATIO):
    value = FormatParamValue(eff_ipolicy.get(key))
    if key not in custom_ipolicy and not iscluster:
      value = "default (%s)" % value
    result.append((key, value))
  return result


def WaitForChildJobs(cl, opts, result):
  """Wait for the jobs an opcode submitted; return the number that
  failed."""
  jobs = (result or {}).get("jobs") or []
  if not jobs:
    return 0
  jex = JobExecutor(cl=cl, opts=opts)
  for (status, job_id) in jobs:
    jex.AddJobId(None, status, job_id)
  results = jex.GetResults()
  return len([row for row in results if not row[0]])
