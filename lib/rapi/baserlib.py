"""RAPI request machinery shared by every resource.

A resource is a class derived from :class:`ResourceBase`.  For each HTTP
method it either defines a handler method named after it (``GET``,
``PUT``, ``POST``, ``DELETE``) returning the JSON-able answer, or names an
opcode in ``<METHOD>_OPCODE`` (an ``OP_ID`` string, looked up in
``opcodes.OP_MAPPING`` at request time): the body (plus what the optional
``Get<Method>OpInput`` returns) then fills that opcode, the opcode's
parameter table validates it, and the answer is the id of the submitted
job.  An opcode missing from this tree answers 501.

``<METHOD>_ACCESS`` lists the user options one of which a request needs
(empty: anonymous allowed); ``<METHOD>_RENAME`` maps legacy body names to
opcode names; ``<METHOD>_DOC`` is a one-line description (for the docs
and the OpenAPI description).
"""

import json
import time

from ganeti import constants
from ganeti import errors
from ganeti import luxi
from ganeti import opcodes
from ganeti import rapi
from ganeti import serializer

HTTP_METHODS = ("GET", "PUT", "POST", "DELETE")

#: HTTP reason phrases of the statuses RAPI answers with
RESPONSES = {
  200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
  404: "Not Found", 405: "Method Not Allowed", 415: "Unsupported Media Type",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
  503: "Service Unavailable", 504: "Gateway Timeout",
}


class RapiError(Exception):
  """An error answer: HTTP status, explanation, extra response headers."""

  def __init__(self, code: int, explain: str = None, headers=None):
    super().__init__(code, explain)
    self.code = code
    self.explain = explain
    self.headers = headers or {}

  def Body(self) -> bytes:
    """Ganeti's error body: {"code", "message", "explain"}."""
    message = RESPONSES.get(self.code, "Error")
    return serializer.DumpJson({"code": self.code, "message": message,
                                "explain": self.explain or message})


def HttpBadRequest(explain=None):
  return RapiError(400, explain)


def HttpNotFound(explain=None):
  return RapiError(404, explain)


def HttpNotImplemented(explain=None):
  return RapiError(501, explain)


def _ErrMessage(err) -> str:
  """The message of a Ganeti error without its error code."""
  if isinstance(err, errors.GenericError) and err.args:
    return str(err.args[0])
  return str(err)


def CheckType(value, exptype, descr):
  """Require ``value`` to be of ``exptype``; 400 otherwise."""
  if not isinstance(value, exptype):
    raise HttpBadRequest("%s: Type is '%s', but '%s' is expected" %
                         (descr, type(value).__name__, exptype.__name__))
  return value


def CheckParameter(data, name, default=None, exptype=None):
  """A body parameter (400 if it is missing without default or mistyped)."""
  try:
    value = data[name]
  except KeyError:
    if default is not None:
      return default
    raise HttpBadRequest("Required parameter '%s' is missing" % name)
  if exptype is None:
    return value
  return CheckType(value, exptype, "'%s' parameter" % name)


def FillOpcode(opcls, body, static, rename=None):
  """Build and validate an opcode from a request body.

  @param body: the (dict) request body; unknown names, wrong types and
      missing required parameters give 400 "Invalid body parameters"
  @param static: parameters set by the resource (path items, query
      arguments); the body may not override them
  @param rename: {legacy name: opcode name} accepted in the body
  """
  if body is None:
    body = {}
  CheckType(body, dict, "Body contents")
  params = dict(body)
  for (old, new) in (rename or {}).items():
    if old in params and new in params:
      raise HttpBadRequest("Parameter '%s' was renamed to '%s', but either"
                           " can be specified" % (old, new))
    if old in params:
      params[new] = params.pop(old)
  if static:
    overwritten = sorted(set(params) & set(static))
    if overwritten:
      raise HttpBadRequest("Can't overwrite static parameters %r" %
                           overwritten)
    params.update(static)
  try:
    op = opcls(**params)
    op.Validate(False)
  except (errors.OpPrereqError, TypeError) as err:
    raise HttpBadRequest("Invalid body parameters: %s" % _ErrMessage(err))
  return op


def GetOpcodeClass(op_id):
  """The opcode class of ``op_id``; 501 if this tree lacks it."""
  opcls = opcodes.OP_MAPPING.get(op_id)
  if opcls is None:
    raise HttpNotImplemented("%s not implemented in this tree" % op_id)
  return opcls


def MapFields(names, data):
  """Zip a field list with a row: {name: value}."""
  return dict(zip(names, data))


def MapBulkFields(itemslist, fields):
  return [MapFields(fields, item) for item in itemslist]


def BuildUriList(ids, uri_format, uri_fields=("name", "uri")):
  """[{"name"|"id": x, "uri": "/2/.../x"}, ...] sorted by id."""
  (field_id, field_uri) = uri_fields
  return [{field_id: i, field_uri: uri_format % i}
          for i in sorted(ids, key=_SortKey)]


def _SortKey(value):
  if isinstance(value, int):
    return (0, value, "")
  return (1, 0, str(value))


def _TimestampNs():
  return int(time.time() * 1000000000)


def TranslateLuxiError(err):
  """Map a LUXI-side exception to the RapiError Ganeti answers with."""
  if isinstance(err, RapiError):
    return err
  if isinstance(err, errors.JobQueueFull):
    return RapiError(503, "Job queue is full, needs archiving")
  if isinstance(err, errors.JobQueueDrainError):
    return RapiError(503, "Job queue is drained, cannot submit")
  if isinstance(err, errors.NoMasterError):
    return RapiError(502, "Master seems to be unreachable: %s" % err)
  if isinstance(err, errors.PermissionError):
    return RapiError(500, "Internal error: no permission to connect to the"
                     " master daemon")
  if isinstance(err, errors.TimeoutError):
    return RapiError(504, "Timeout while talking to the master daemon: %s"
                     % err)
  if isinstance(err, errors.ProtocolError):
    text = _ErrMessage(err)
    if text.startswith("Unknown LUXI method"):
      return RapiError(501, "%s (not implemented by the master daemon of"
                       " this tree)" % text)
    return RapiError(502, text)
  if isinstance(err, errors.OpPrereqError):
    if _ErrMessage(err).endswith("can not be queried yet"):
      return RapiError(501, "%s (not implemented by the master daemon of"
                       " this tree)" % _ErrMessage(err))
    if len(err.args) >= 2 and err.args[1] == errors.ECODE_NOENT:
      return RapiError(404, _ErrMessage(err))
    return RapiError(400, _ErrMessage(err))
  if isinstance(err, (errors.OpCodeUnknown, errors.ParameterError,
                      errors.QueryFilterParseError)):
    return RapiError(400, _ErrMessage(err))
  if isinstance(err, errors.GenericError):
    return RapiError(500, "%s: %s" % (err.__class__.__name__,
                                      _ErrMessage(err)))
  return None


class ResourceBase:
  """Base of every resource (see the module docstring)."""

  GET_ACCESS = []
  PUT_ACCESS = [rapi.RAPI_ACCESS_WRITE]
  POST_ACCESS = [rapi.RAPI_ACCESS_WRITE]
  DELETE_ACCESS = [rapi.RAPI_ACCESS_WRITE]

  GET_OPCODE = None
  PUT_OPCODE = None
  POST_OPCODE = None
  DELETE_OPCODE = None

  GET_RENAME = None
  PUT_RENAME = None
  POST_RENAME = None
  DELETE_RENAME = None

  #: GET answers of list resources: (item uri template, id key) or None
  LIST_URI = None

  def __init__(self, items, queryargs, req_body, user=None,
               client_factory=None):
    """
    @param items: the path's variable parts, in order
    @param queryargs: {name: [value, ...]} of the query string
    @param req_body: the decoded JSON body (None without a body)
    @param user: the authenticated PasswordFileUser (or None)
    """
    self.items = items
    self.queryargs = queryargs
    self.request_body = req_body
    self.user = user
    self._client_factory = client_factory or luxi.Client
    self._client = None

  # Description ---------------------------------------------------------
  @classmethod
  def GetMethods(cls):
    """The HTTP methods this resource answers (sorted as HTTP_METHODS)."""
    return [m for m in HTTP_METHODS
            if callable(getattr(cls, m, None)) or
            getattr(cls, m + "_OPCODE", None)]

  @classmethod
  def GetAccess(cls, method):
    return getattr(cls, method + "_ACCESS", [rapi.RAPI_ACCESS_WRITE])

  @classmethod
  def GetDoc(cls, method):
    doc = getattr(cls, method + "_DOC", None)
    if doc:
      return doc
    fn = getattr(cls, method, None)
    if fn is not None and fn.__doc__:
      para = fn.__doc__.strip().split("\n\n")[0]
      return " ".join(line.strip() for line in para.splitlines())
    op_id = getattr(cls, method + "_OPCODE", None)
    if op_id:
      return "Submits %s; returns the job id." % op_id
    return ""

  # Dispatch ------------------------------------------------------------
  def Handle(self, method):
    """Run ``method``; return the JSON-able answer."""
    fn = getattr(self, method, None)
    try:
      if callable(fn):
        return fn()
      op_id = getattr(self, method + "_OPCODE", None)
      if op_id:
        return self._SubmitOpcode(method, op_id)
    finally:
      self.Close()
    raise HttpNotImplemented("Method %s is unsupported for path %s" %
                             (method, self._Path()))

  def _Path(self):
    return getattr(self, "_request_path", "?")

  def _SubmitOpcode(self, method, op_id):
    opcls = GetOpcodeClass(op_id)
    input_fn = getattr(self, "Get%sOpInput" % method.capitalize(), None)
    if input_fn is not None:
      (body, static) = input_fn()
    else:
      (body, static) = (self.request_body, {})
    op = self.FillOpcode(opcls, body, static,
                         getattr(self, method + "_RENAME", None))
    return self.SubmitJob([op])

  def FillOpcode(self, opcls, body, static, rename=None):
    """L{FillOpcode} plus the common static parameters (reason trail,
    ?dry-run)."""
    static = dict(static or {})
    static.update(self._CommonStatic(opcls))
    return FillOpcode(opcls, body, static, rename)

  def _CommonStatic(self, opcls):
    trail = []
    user_reason = self._checkStringVariable("reason", None)
    if user_reason:
      trail.append((constants.OPCODE_REASON_SRC_USER, user_reason,
                    _TimestampNs()))
    trail.append(("%s:%s" % (constants.OPCODE_REASON_SRC_RLIB2,
                             self.GetRapiOpName()), "", _TimestampNs()))
    result = {"reason": trail}
    if "dry-run" in self.queryargs and \
        (self.request_body is None or not isinstance(self.request_body,
                                                     dict) or
         "dry_run" not in self.request_body):
      result["dry_run"] = self.dryRun()
    return result

  def GetRapiOpName(self):
    name = self.__class__.__name__
    return name[4:] if name.startswith("R_2_") else name

  # LUXI ----------------------------------------------------------------
  def GetClient(self):
    if self._client is None:
      self._client = self._client_factory()
    return self._client

  def Close(self):
    if self._client is not None:
      self._client.Close()
      self._client = None

  def Luxi(self, method, *args):
    """Call a LUXI client method; map its errors to RAPI answers."""
    client = self.GetClient()
    fn = getattr(client, method, None)
    if fn is None:
      def fn(*fargs):
        return client.CallMethod(method, list(fargs))
    try:
      return fn(*args)
    except errors.GenericError as err:
      mapped = TranslateLuxiError(err)
      if mapped is None:
        raise
      raise mapped

  def SubmitJob(self, ops):
    """Submit one job; return its id as the master gives it (a number)."""
    return self.Luxi("SubmitJob", ops)

  def LuxiQuery(self, what, names, fields, use_locking=False):
    """An old-style query through the master (QueryInstances, ...)."""
    return self.Luxi(what, names, fields, use_locking)

  def QueryItem(self, what, name, fields, use_locking=False):
    """One item's row (404 if it is not known)."""
    result = self.LuxiQuery(what, [name], fields, use_locking)
    if not result:
      raise HttpNotFound()
    return result[0]

  # Query string ------------------------------------------------------
  def _checkIntVariable(self, name, default=0):
    values = self.queryargs.get(name)
    if not values:
      return default
    if len(values) != 1:
      raise HttpBadRequest("Parameter '%s' must be given once" % name)
    try:
      return int(values[0])
    except (ValueError, TypeError):
      raise HttpBadRequest("Invalid value for the %s parameter" % name)

  def _checkStringVariable(self, name, default=None):
    values = self.queryargs.get(name)
    if not values:
      return default
    return values[0]

  def useBulk(self):
    return bool(self._checkIntVariable("bulk"))

  def useLocking(self):
    return bool(self._checkIntVariable("lock"))

  def useForce(self):
    return bool(self._checkIntVariable("force"))

  def dryRun(self):
    return bool(self._checkIntVariable("dry-run"))

  def getBodyParameter(self, name, *args):
    """A body parameter (optional default as second argument)."""
    body = self.request_body
    if body is None:
      body = {}
    CheckType(body, dict, "Body contents")
    if args:
      return body.get(name, args[0])
    if name not in body:
      raise HttpBadRequest("Required parameter '%s' is missing" % name)
    return body[name]

  def BodyDict(self):
    body = self.request_body
    if body is None:
      return {}
    return dict(CheckType(body, dict, "Body contents"))


class NamedResource(ResourceBase):
  """A resource of one named object (``/2/<kind>s/<name>[/...]``).

  The path's first variable part is the object's name; the opcodes of
  PUT, POST and DELETE get it as the parameter ``NAME_PARAM`` (next to
  the body), unless a subclass overrides its ``Get<Method>OpInput``.
  """

  #: the opcode parameter naming the object ("node_name", ...)
  NAME_PARAM = None

  def GetStatic(self):
    """The opcode parameters the path gives: {NAME_PARAM: name}."""
    return {self.NAME_PARAM: self.items[0]}

  def _NamedOpInput(self):
    return (self.request_body, self.GetStatic())

  GetPutOpInput = _NamedOpInput
  GetPostOpInput = _NamedOpInput
  GetDeleteOpInput = _NamedOpInput


class QueryListResource(ResourceBase):
  """A collection (``/2/<kind>s``) whose GET lists its objects.

  GET answers ``[{key: name, "uri": uri}]`` (``LIST_URI`` gives the uri
  template and the key), sorted, or with ``?bulk=1`` one
  ``{field: value}`` dict of ``BULK_FIELDS`` per object, each passed
  through :meth:`MapItem`.  The objects come from the old-style LUXI
  query ``LUXI_QUERY`` ("QueryNodes", ...), with locking only when
  ``GET_QUERY`` names ``lock`` and the request asks for it.  ``GET_DOC``
  describes the answer.
  """

  LUXI_QUERY = None
  GET_QUERY = ()

  def MapItem(self, item):
    """One object of the bulk answer, as RAPI gives it (a hook)."""
    return item

  def GET(self):
    """The objects: [{name, uri}] or, with ?bulk=1, their fields."""
    locking = "lock" in self.GET_QUERY and self.useLocking()
    if self.useBulk():
      rows = self.LuxiQuery(self.LUXI_QUERY, [], self.BULK_FIELDS, locking)
      return [self.MapItem(item)
              for item in MapBulkFields(rows, self.BULK_FIELDS)]
    (uri_format, key) = self.LIST_URI
    rows = self.LuxiQuery(self.LUXI_QUERY, [], ["name"], locking)
    return BuildUriList([r[0] for r in rows], uri_format,
                        uri_fields=(key, "uri"))


class QueryItemResource(NamedResource):
  """One object (``/2/<kind>s/<name>``) whose GET answers its fields.

  GET answers the ``{field: value}`` dict of ``BULK_FIELDS`` from the
  LUXI query ``LUXI_QUERY`` (404 if the object is unknown; ``?lock=1``
  asks for locking), passed through :meth:`MapItem`.  ``GET_DOC``
  describes the answer.
  """

  LUXI_QUERY = None

  def MapItem(self, item):
    """The object as RAPI gives it (a hook)."""
    return item

  def GET(self):
    """The object's fields."""
    row = self.QueryItem(self.LUXI_QUERY, self.items[0], self.BULK_FIELDS,
                         self.useLocking())
    return self.MapItem(MapFields(self.BULK_FIELDS, row))


def DecodeBody(headers, body):
  """The JSON body of a request (None if empty); 415/400 as Ganeti."""
  if not body:
    return None
  ctype = headers.get("content-type", "").split(";")[0].strip().lower()
  if ctype != "application/json":
    raise RapiError(415, "Request body must be application/json")
  try:
    return serializer.LoadJson(body)
  except (ValueError, UnicodeDecodeError, json.JSONDecodeError):
    raise HttpBadRequest("Unable to parse JSON data")
