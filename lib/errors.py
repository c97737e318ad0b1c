"""Ganeti exceptions.

Every error carries its arguments in ``args`` so that it can be encoded on
the wire as ``[ClassName, [args...]]`` (LUXI, job results) and re-raised on
the other side by :func:`MaybeRaise`.
"""

from ganeti import constants

ECODE_RESOLVER = constants.ECODE_RESOLVER
ECODE_NORES = constants.ECODE_NORES
ECODE_TEMP_NORES = constants.ECODE_TEMP_NORES
ECODE_INVAL = constants.ECODE_INVAL
ECODE_STATE = constants.ECODE_STATE
ECODE_NOENT = constants.ECODE_NOENT
ECODE_EXISTS = constants.ECODE_EXISTS
ECODE_NOTUNIQUE = constants.ECODE_NOTUNIQUE
ECODE_FAULT = constants.ECODE_FAULT
ECODE_ENVIRON = constants.ECODE_ENVIRON
ECODE_ALL = constants.ECODE_ALL


class GenericError(Exception):
  """Base exception for Ganeti."""


class LockError(GenericError):
  """Lock error exception."""


class PidFileLockError(LockError):
  """PID file is already locked by another process."""


class HypervisorError(GenericError):
  """Hypervisor-related exception."""


class HotplugError(HypervisorError):
  """Hotplug-related exception."""


class ProgrammerError(GenericError):
  """Programming-related error (a bug)."""


class BlockDeviceError(GenericError):
  """Block-device related exception."""


class CommandError(GenericError):
  """An external command failed."""


class ConfigurationError(GenericError):
  """The configuration is inconsistent or cannot be read."""


class ConfigVersionMismatch(ConfigurationError):
  """The configuration has an unsupported version."""


class AddressPoolError(GenericError):
  """Error in an address pool."""


class ReservationError(GenericError):
  """Error while reserving a resource."""


class RemoteError(GenericError):
  """Programming-related error on a remote call."""


class SignatureError(GenericError):
  """Signature verification failed."""


class ParameterError(GenericError):
  """A passed parameter to a command is invalid."""


class ResultValidationError(GenericError):
  """The result of an operation does not match its type."""


class OpPrereqError(GenericError):
  """Prerequisites for the operation are not met.

  The second argument, when present, is one of the ``ECODE_*`` strings.
  """


class OpExecError(GenericError):
  """Error during the execution of an opcode."""


class OpResultError(GenericError):
  """The result of an opcode does not match its declared type."""


class OpCodeUnknown(GenericError):
  """Unknown opcode submitted."""


class JobLost(GenericError):
  """Submitted job lost."""


class JobFileCorrupted(GenericError):
  """A job file could not be parsed."""


class ResolverError(GenericError):
  """Host name cannot be resolved."""


class HooksFailure(GenericError):
  """A generic hook failure (e.g. no response from a node)."""


class HooksAbort(HooksFailure):
  """A required (pre-phase) hook failed; args[0] lists (node, script, output)."""


class UnitParseError(GenericError):
  """A size with a unit could not be parsed."""


class ParseError(GenericError):
  """Generic parse error."""


class TypeEnforcementError(GenericError):
  """A value does not have the type its parameter requires."""


class X509CertError(GenericError):
  """Invalid X509 certificate."""


class TagError(GenericError):
  """Invalid tag."""


class CommandNotFound(GenericError):
  """Unknown CLI command (internal)."""


class InotifyError(GenericError):
  """Error while setting up an inotify watch."""


class QuitGanetiException(Exception):
  """Signal that Ganeti should quit: args are (shutdown_ok, message)."""


class JobQueueError(GenericError):
  """Job queue error."""


class JobQueueDrainError(JobQueueError):
  """The job queue is drained and accepts no new jobs."""


class JobQueueFull(JobQueueError):
  """The job queue holds too many jobs."""


class ConfdMagicError(GenericError):
  """A confd packet has a bad magic."""


class ConfdClientError(GenericError):
  """confd client error."""


class UdpDataSizeError(GenericError):
  """UDP payload too big."""


class NoCtypesError(GenericError):
  """ctypes is not available."""


class IPAddressError(GenericError):
  """Generic IP address error."""


class LuxiError(GenericError):
  """LUXI error."""


class QueryFilterParseError(ParseError):
  """A query filter could not be parsed."""

  def GetDetails(self):
    """The filter text, a caret under the offending column and the parser's
    message, as text lines (empty without the parser's exception)."""
    if len(self.args) < 2:
      return []
    inner = self.args[1]
    line = getattr(inner, "line", None)
    column = getattr(inner, "column", None)
    if line is None or column is None:
      return [str(inner)]
    return [str(line), (" " * (column - 1)) + "^", str(inner)]


class RapiTestResult(GenericError):
  """Special RAPI test result."""


class FileStoragePathError(GenericError):
  """A file storage path is not allowed."""


# LUXI transport errors (client side)
class ProtocolError(LuxiError):
  """Denotes an error in the LUXI protocol."""


class ConnectionClosedError(ProtocolError):
  """The connection was closed by the other side."""


class TimeoutError(ProtocolError):  # noqa: A001 - Ganeti's name
  """An operation timed out."""


class RequestError(ProtocolError):
  """The server refused or failed a request."""


class NoMasterError(ProtocolError):
  """The master daemon cannot be reached."""


class PermissionError(ProtocolError):  # noqa: A001 - Ganeti's name
  """The master socket cannot be opened for lack of permission."""


def GetErrorClass(name):
  """Return the error class named ``name``, or None if there is none."""
  item = globals().get(name, None)
  if (item is not None and isinstance(item, type) and
      issubclass(item, (GenericError, QuitGanetiException))):
    return item
  return None


def EncodeException(err):
  """Encode an exception as ``(ClassName, args)`` for the wire."""
  if isinstance(err, GenericError):
    return (err.__class__.__name__, list(err.args))
  return (OpExecError.__name__, [str(err)])


def GetEncodedError(result):
  """Decode a ``[ClassName, [args]]`` pair into (class, args) or None."""
  tb = None
  try:
    (name, args) = result
    tb = GetErrorClass(name)
  except (TypeError, ValueError):
    return None
  if tb is None:
    return None
  if not isinstance(args, (list, tuple)):
    args = (args,)
  return (tb, tuple(args))


def MaybeRaise(result):
  """If ``result`` is an encoded Ganeti error, raise it."""
  error = GetEncodedError(result)
  if error:
    (errcls, args) = error
    raise errcls(*args)
