"""The out-of-band (OOB) interface: commands, answers and their checks.

An OOB program is an executable named by the ``oob_program`` node
parameter.  The master runs it as ``<program> <command> <node name>``; it
prints nothing (power-on/off/cycle) or a JSON document (power-status: an
object with the boolean ``powered``; health: a list of ``[item, status]``
pairs) and exits 0 on success.  See doc/oob.rst.
"""

from ganeti import errors
from ganeti import serializer
from ganeti import utils

OOB_POWER_ON = "power-on"
OOB_POWER_OFF = "power-off"
OOB_POWER_CYCLE = "power-cycle"
OOB_POWER_STATUS = "power-status"
OOB_HEALTH = "health"
OOB_COMMANDS = frozenset([OOB_POWER_ON, OOB_POWER_OFF, OOB_POWER_CYCLE,
                          OOB_POWER_STATUS, OOB_HEALTH])

#: key of the power-status answer
OOB_POWER_STATUS_POWERED = "powered"

#: default timeout of one OOB program run (seconds)
OOB_TIMEOUT = 60
#: default delay between powering on two nodes (seconds)
OOB_POWER_DELAY = 2.0

OOB_STATUS_OK = "OK"
OOB_STATUS_WARNING = "WARNING"
OOB_STATUS_CRITICAL = "CRITICAL"
OOB_STATUS_UNKNOWN = "UNKNOWN"
OOB_STATUSES = frozenset([OOB_STATUS_OK, OOB_STATUS_WARNING,
                          OOB_STATUS_CRITICAL, OOB_STATUS_UNKNOWN])

#: commands that never run on the master node unless asked for by name
SKIP_MASTER = frozenset([OOB_POWER_OFF, OOB_POWER_CYCLE])


def CheckPayload(command, payload):
  """Check the decoded answer of an OOB program for ``command``.

  @raise errors.OpExecError: the answer has the wrong shape for the
      command (power-on/off/cycle: none; power-status: an object; health:
      a list of [item, known status] pairs)
  """
  errs = []
  if command == OOB_HEALTH:
    if not isinstance(payload, list):
      errs.append("command 'health' is expected to return a list but got"
                  " %s" % type(payload).__name__)
    else:
      for entry in payload:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 2):
          errs.append("health entry %r is not an [item, status] pair" %
                      (entry,))
          continue
        (item, status) = entry
        if status not in OOB_STATUSES:
          errs.append("health item '%s' has invalid status '%s'" %
                      (item, status))
  elif command == OOB_POWER_STATUS:
    if not isinstance(payload, dict):
      errs.append("power-status is expected to return a dict but got %s" %
                  type(payload).__name__)
    elif not isinstance(payload.get(OOB_POWER_STATUS_POWERED), bool):
      errs.append("power-status is expected to have a boolean '%s' key" %
                  OOB_POWER_STATUS_POWERED)
  elif command in (OOB_POWER_ON, OOB_POWER_OFF, OOB_POWER_CYCLE):
    if payload is not None:
      errs.append("%s is expected to not return payload but got '%s'" %
                  (command, payload))
  if errs:
    raise errors.OpExecError("Check of out-of-band payload failed due to %s"
                             % utils.CommaJoin(errs))


def ParseOutput(text):
  """Decode an OOB program's standard output: None when it printed
  nothing, else its JSON document.

  @raise errors.OpExecError: the output is not JSON
  """
  if text is None or not text.strip():
    return None
  try:
    return serializer.LoadJson(text)
  except ValueError as err:
    raise errors.OpExecError("Can't parse out-of-band output %r: %s" %
                             (text, err))
