"""Masking of private and secret OS parameters outside the configuration.

Opcodes carry three private-ish fields: ``osparams_private`` and
``osparams_secret`` (dicts of parameter -> value, on the instance
opcodes) and ``osparams_private_cluster`` (dict of OS -> dict, on
``OP_CLUSTER_SET_PARAMS``).  Their values travel in clear over LUXI, RAPI
and node RPC (all authenticated), private ones are kept in
``config.data``, but none is ever written to a job file or returned by a
job query: there each value reads ``<redacted>`` (Ganeti's
``constants.REDACTED``).  A job that is read back from its file (a master
restart re-queues queued jobs) therefore has lost them; running it fails
with Ganeti's "Please re-submit secret parameters to job." rather than
installing with the mask as a value.
"""

import copy

from ganeti import errors

#: what a masked value reads (Ganeti's constants.REDACTED)
REDACTED = "<redacted>"

#: opcode fields holding {parameter: value}
PARAM_FIELDS = ("osparams_private", "osparams_secret")
#: opcode fields holding {os name: {parameter: value}}
CLUSTER_PARAM_FIELDS = ("osparams_private_cluster",)


def _MaskDict(params):
  return dict((key, REDACTED) for key in params)


def RedactOpState(state):
  """A copy of an opcode's ``__getstate__`` dict with masked values.

  The input is not changed; fields that are absent or None stay so.
  """
  if not any(state.get(f) for f in PARAM_FIELDS + CLUSTER_PARAM_FIELDS):
    return state
  result = copy.copy(state)
  for field in PARAM_FIELDS:
    if isinstance(result.get(field), dict):
      result[field] = _MaskDict(result[field])
  for field in CLUSTER_PARAM_FIELDS:
    if isinstance(result.get(field), dict):
      result[field] = dict((os_name, _MaskDict(params or {}))
                           for (os_name, params) in result[field].items())
  return result


def CheckNotRedacted(op):
  """Refuse to run an opcode whose secret or private values were masked.

  @raise errors.OpPrereqError: ECODE_INVAL, with Ganeti's message
  """
  values = []
  for field in PARAM_FIELDS:
    values.extend((getattr(op, field, None) or {}).values())
  for field in CLUSTER_PARAM_FIELDS:
    for params in (getattr(op, field, None) or {}).values():
      values.extend((params or {}).values())
  if REDACTED in values:
    raise errors.OpPrereqError("Please re-submit secret parameters to job.",
                               errors.ECODE_INVAL)


def WithMaskedPrivate(public, private):
  """Public parameters plus the private ones, their values masked.

  What ``gnt-instance info`` shows as an instance's OS parameters.
  """
  result = dict(public or {})
  result.update(_MaskDict(private or {}))
  return result
