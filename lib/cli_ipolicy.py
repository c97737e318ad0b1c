"""Instance policy options of the CLI (``--ipolicy-*``, ``--specs-*``).

L{IPOLICY_OPTS} are the options; L{IPolicyFromOpts} turns the parsed
values into the ``ipolicy`` dict of an opcode (only the parts given).
The bounds syntax is ``min:k=v,...[/max:k=v,...]`` with several min/max
pairs separated by ``//``.
"""

import optparse

from ganeti import constants
from ganeti import errors
from ganeti.cli_opts import CliOption

#: legacy option suffix -> spec parameter
_SPLIT_SPECS = [
  ("mem-size", constants.ISPEC_MEM_SIZE),
  ("cpu-count", constants.ISPEC_CPU_COUNT),
  ("disk-count", constants.ISPEC_DISK_COUNT),
  ("disk-size", constants.ISPEC_DISK_SIZE),
  ("nic-count", constants.ISPEC_NIC_COUNT),
]


def _ParseSpecText(text, opt):
  spec = {}
  for elem in text.split(","):
    if not elem:
      continue
    if "=" not in elem:
      raise errors.ParameterError("Missing value for key '%s' in option %s"
                                  % (elem, opt))
    (key, val) = elem.split("=", 1)
    if key in spec:
      raise errors.ParameterError("Duplicate key '%s' in option %s" %
                                  (key, opt))
    spec[key] = val
  return spec


def ParseBoundsSpecs(value, opt="--ipolicy-bounds-specs"):
  """``min:a=1/max:a=2//min:...`` -> ``[{"min": {...}, "max": {...}}]``."""
  result = []
  for pair_text in value.split("//"):
    pair = {}
    for part in pair_text.split("/"):
      if ":" not in part:
        raise errors.ParameterError("Invalid instance specs in option %s:"
                                    " '%s' (expected min:... or max:...)" %
                                    (opt, part))
      (ident, rest) = part.split(":", 1)
      if ident not in (constants.ISPECS_MIN, constants.ISPECS_MAX):
        raise errors.ParameterError("Invalid key '%s' in option %s: only"
                                    " 'min' and 'max' are allowed" %
                                    (ident, opt))
      if ident in pair:
        raise errors.ParameterError("Duplicate key '%s' in option %s" %
                                    (ident, opt))
      pair[ident] = _ParseSpecText(rest, opt)
    if set(pair) != set([constants.ISPECS_MIN, constants.ISPECS_MAX]):
      raise errors.OpPrereqError("Both 'min' and 'max' specs are required"
                                 " in option %s" % opt, errors.ECODE_INVAL)
    result.append(pair)
  return result


def _CheckBounds(option, opt, value):
  return ParseBoundsSpecs(value, opt)


class _IPolicyOption(CliOption):
  TYPES = CliOption.TYPES + ("ispecbounds", "specdict", "ratio")
  TYPE_CHECKER = dict(CliOption.TYPE_CHECKER)
  TYPE_CHECKER["ispecbounds"] = _CheckBounds
  TYPE_CHECKER["specdict"] = lambda o, opt, v: _ParseSpecText(v, opt)
  TYPE_CHECKER["ratio"] = lambda o, opt, v: _Float(opt, v)


def _Float(opt, value):
  try:
    return float(value)
  except ValueError:
    raise optparse.OptionValueError("option %s: invalid floating-point value:"
                                    " %r" % (opt, value))


def _Opt(*args, **kwargs):
  kwargs.setdefault("default", None)
  return _IPolicyOption(*args, **kwargs)


IPOLICY_BOUNDS_SPECS_OPT = _Opt(
  "--ipolicy-bounds-specs", dest="ipolicy_bounds_specs", type="ispecbounds",
  help="Complete instance specs limits (min:k=v,.../max:k=v,...[//...])")
IPOLICY_STD_SPECS_OPT = _Opt(
  "--ipolicy-std-specs", dest="ipolicy_std_specs", type="specdict",
  help="Complete standard instance specs (k=v,...)")
IPOLICY_DISK_TEMPLATES_OPT = _Opt(
  "--ipolicy-disk-templates", dest="ipolicy_disk_templates", type="list",
  help="Comma-separated list of enabled disk templates")
IPOLICY_VCPU_RATIO_OPT = _Opt(
  "--ipolicy-vcpu-ratio", dest="ipolicy_vcpu_ratio", type="ratio",
  help="The maximum allowed vcpu-to-cpu ratio")
IPOLICY_SPINDLE_RATIO_OPT = _Opt(
  "--ipolicy-spindle-ratio", dest="ipolicy_spindle_ratio", type="ratio",
  help="The maximum allowed instances to spindle ratio")
SPLIT_SPECS_OPTS = [
  _Opt("--specs-%s" % suffix, dest="ispecs_%s" % suffix.replace("-", "_"),
       type="specdict", help="%s limits (min=..,max=..,std=..)" % name)
  for (suffix, name) in _SPLIT_SPECS]

IPOLICY_OPTS = [IPOLICY_BOUNDS_SPECS_OPT, IPOLICY_STD_SPECS_OPT,
                IPOLICY_DISK_TEMPLATES_OPT, IPOLICY_VCPU_RATIO_OPT,
                IPOLICY_SPINDLE_RATIO_OPT] + SPLIT_SPECS_OPTS


def IPolicyFromOpts(opts, current=None):
  """The ``ipolicy`` change requested by ``opts`` (None if none).

  The legacy ``--specs-*`` options change single values of the first
  min/max pair and of std, on top of ``current`` (the cluster's policy).
  @raise errors.ParameterError: both syntaxes used, or a bad legacy key
  """
  ipolicy = {}
  split = [(name, getattr(opts, "ispecs_%s" % suffix.replace("-", "_"),
                          None))
           for (suffix, name) in _SPLIT_SPECS]
  split = [(name, val) for (name, val) in split if val]
  if split and (opts.ipolicy_bounds_specs or opts.ipolicy_std_specs):
    raise errors.ParameterError("The --specs-* options cannot be combined"
                                " with --ipolicy-bounds-specs or"
                                " --ipolicy-std-specs")
  if opts.ipolicy_bounds_specs:
    ipolicy[constants.ISPECS_MINMAX] = opts.ipolicy_bounds_specs
  if opts.ipolicy_std_specs:
    ipolicy[constants.ISPECS_STD] = opts.ipolicy_std_specs
  if split:
    current = current or constants.IPOLICY_DEFAULTS
    minmax = [dict((k, dict(v)) for (k, v) in mm.items())
              for mm in current[constants.ISPECS_MINMAX]]
    std = {}
    for (name, values) in split:
      for (key, val) in values.items():
        if key == constants.ISPECS_STD:
          std[name] = val
        elif key in (constants.ISPECS_MIN, constants.ISPECS_MAX):
          minmax[0][key][name] = val
        else:
          raise errors.ParameterError("Invalid key '%s' in --specs-*: only"
                                      " min, max and std are allowed" % key)
    ipolicy[constants.ISPECS_MINMAX] = minmax
    if std:
      ipolicy[constants.ISPECS_STD] = std
  if opts.ipolicy_disk_templates is not None:
    ipolicy[constants.IPOLICY_DTS] = opts.ipolicy_disk_templates
  if opts.ipolicy_vcpu_ratio is not None:
    ipolicy[constants.IPOLICY_VCPU_RATIO] = opts.ipolicy_vcpu_ratio
  if opts.ipolicy_spindle_ratio is not None:
    ipolicy[constants.IPOLICY_SPINDLE_RATIO] = opts.ipolicy_spindle_ratio
  return ipolicy or None
