"""Constants, errors, transport and request helpers of the RAPI client.

See L{ganeti.rapi.client}, which re-exports the public names.

Client for Ganeti's remote API (RAPI, HTTPS on port 5080, version 2).

The public API (class L{GanetiRapiClient}, its methods and their
signatures, the module constants and L{GanetiApiError}) is that of
Ganeti's own ``ganeti.rapi.client``, so that existing tools keep working.
The transport uses the standard library (C{http.client} and C{ssl})
instead of pycURL; the constructor still takes C{curl_config_fn} and
C{curl_factory}:

  - C{curl_config_fn(options, logger)} is called for every request with a
    L{TransportOptions} object whose attributes (C{cafile}, C{capath},
    C{verify_peer}, C{verify_hostname}, C{connect_timeout}, C{timeout},
    C{proxy}, C{verbose}) it may change; L{GenericCurlConfig} builds such a
    function from keyword arguments, as Ganeti's does for pycURL.
  - C{curl_factory()} returns the transport: an object with a method
    C{Perform(method, url, headers, body, options)} returning
    C{(http_status, response_body_bytes)}; the default is
    L{HttpsTransport}.

Every method returns the decoded JSON answer (mostly a job id). A non-200
answer raises L{GanetiApiError} with the HTTP status in C{code}.

The client modules import nothing else from Ganeti.
"""

import http.client
import ssl
import time
import urllib.parse

GANETI_RAPI_PORT = 5080
GANETI_RAPI_VERSION = 2

HTTP_DELETE = "DELETE"
HTTP_GET = "GET"
HTTP_PUT = "PUT"
HTTP_POST = "POST"
HTTP_OK = 200
HTTP_NOT_FOUND = 404
HTTP_APP_JSON = "application/json"

REPLACE_DISK_PRI = "replace_on_primary"
REPLACE_DISK_SECONDARY = "replace_on_secondary"
REPLACE_DISK_CHG = "replace_new_secondary"
REPLACE_DISK_AUTO = "replace_auto"

NODE_EVAC_PRI = "primary-only"
NODE_EVAC_SEC = "secondary-only"
NODE_EVAC_ALL = "all"

NODE_ROLE_DRAINED = "drained"
NODE_ROLE_MASTER_CANDIDATE = "master-candidate"
NODE_ROLE_MASTER = "master"
NODE_ROLE_OFFLINE = "offline"
NODE_ROLE_REGULAR = "regular"

JOB_STATUS_QUEUED = "queued"
JOB_STATUS_WAITING = "waiting"
JOB_STATUS_CANCELING = "canceling"
JOB_STATUS_RUNNING = "running"
JOB_STATUS_CANCELED = "canceled"
JOB_STATUS_SUCCESS = "success"
JOB_STATUS_ERROR = "error"
JOB_STATUS_PENDING = frozenset([JOB_STATUS_QUEUED, JOB_STATUS_WAITING,
                                JOB_STATUS_CANCELING])
JOB_STATUS_FINALIZED = frozenset([JOB_STATUS_CANCELED, JOB_STATUS_SUCCESS,
                                  JOB_STATUS_ERROR])
JOB_STATUS_ALL = frozenset([JOB_STATUS_RUNNING]) | JOB_STATUS_PENDING | \
  JOB_STATUS_FINALIZED
#: Legacy name
JOB_STATUS_WAITLOCK = JOB_STATUS_WAITING

_REQ_DATA_VERSION_FIELD = "__version__"
_QPARAM_DRY_RUN = "dry-run"
_QPARAM_FORCE = "force"

#: Optional features a server announces in /2/features
INST_CREATE_REQV1 = "instance-create-reqv1"
INST_REINSTALL_REQV1 = "instance-reinstall-reqv1"
NODE_MIGRATE_REQV1 = "node-migrate-reqv1"
NODE_EVAC_RES1 = "node-evac-res1"
_INST_CREATE_REQV1 = INST_CREATE_REQV1
_INST_REINSTALL_REQV1 = INST_REINSTALL_REQV1
_NODE_MIGRATE_REQV1 = NODE_MIGRATE_REQV1
_NODE_EVAC_RES1 = NODE_EVAC_RES1

#: Error codes in the "explain" part of failed operations
ECODE_RESOLVER = "resolver_error"
ECODE_NORES = "insufficient_resources"
ECODE_TEMP_NORES = "temp_insufficient_resources"
ECODE_INVAL = "wrong_input"
ECODE_STATE = "wrong_state"
ECODE_NOENT = "unknown_entity"
ECODE_EXISTS = "already_exists"
ECODE_NOTUNIQUE = "resource_not_unique"
ECODE_FAULT = "internal_error"
ECODE_ENVIRON = "environment_error"
ECODE_ALL = frozenset([ECODE_RESOLVER, ECODE_NORES, ECODE_TEMP_NORES,
                       ECODE_INVAL, ECODE_STATE, ECODE_NOENT, ECODE_EXISTS,
                       ECODE_NOTUNIQUE, ECODE_FAULT, ECODE_ENVIRON])


class Error(Exception):
  """Base class of this module's errors."""


class GanetiApiError(Error):
  """An error answer of the server (C{code}: HTTP status) or a transport
  failure (C{code}: None or an OS error number)."""

  def __init__(self, msg, code=None):
    Error.__init__(self, msg)
    self.code = code


class CertificateError(GanetiApiError):
  """The server's certificate could not be verified."""


def EpochNano():
  """The current time in nanoseconds since the epoch."""
  return int(time.time() * 1000000000)


def UsesRapiClient(fn):
  """Decorator kept for compatibility (pycURL needed global set-up; the
  standard library transport does not)."""
  return fn


class TransportOptions:
  """Per-request transport settings (what pycURL options were upstream)."""

  def __init__(self):
    self.verbose = False
    self.cafile = None
    self.capath = None
    self.use_default_cas = False
    self.verify_peer = False
    self.verify_hostname = False
    self.connect_timeout = None
    self.timeout = None
    self.proxy = None


def GenericCurlConfig(verbose=False, use_signal=False,
                      use_curl_cabundle=False, cafile=None, capath=None,
                      proxy=None, verify_hostname=False,
                      connect_timeout=None, timeout=None):
  """A C{curl_config_fn} setting the given transport options.

  Certificates are verified when C{cafile}, C{capath} or
  C{use_curl_cabundle} (the system's CAs) is given.

  """
  if use_curl_cabundle and (cafile or capath):
    raise Error("Can not use default CA bundle when CA file or path is set")

  def _Config(options, logger):
    options.verbose = verbose
    options.verify_hostname = verify_hostname
    options.cafile = cafile
    options.capath = capath
    options.use_default_cas = use_curl_cabundle
    options.verify_peer = bool(cafile or capath or use_curl_cabundle)
    options.proxy = proxy
    options.connect_timeout = connect_timeout
    options.timeout = timeout
    logger.debug("RAPI transport options: %s", vars(options))
  return _Config


class HttpsTransport:
  """The default transport: one HTTPS connection per request."""

  def _Context(self, options):
    if not options.verify_peer:
      ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
      ctx.check_hostname = False
      ctx.verify_mode = ssl.CERT_NONE
      return ctx
    if options.use_default_cas:
      ctx = ssl.create_default_context()
    else:
      ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
      ctx.load_verify_locations(cafile=options.cafile, capath=options.capath)
    ctx.check_hostname = bool(options.verify_hostname)
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx

  def Perform(self, method, url, headers, body, options):
    """Send one request; return (HTTP status, body bytes).

    @raise CertificateError: the server certificate failed verification
    @raise GanetiApiError: connection or protocol failure

    """
    parts = urllib.parse.urlsplit(url)
    timeout = options.timeout or options.connect_timeout
    conn = http.client.HTTPSConnection(parts.hostname, parts.port,
                                       timeout=timeout,
                                       context=self._Context(options))
    if options.proxy:
      proxy = urllib.parse.urlsplit(options.proxy)
      conn = http.client.HTTPSConnection(proxy.hostname, proxy.port,
                                         timeout=timeout,
                                         context=self._Context(options))
      conn.set_tunnel(parts.hostname, parts.port)
    target = parts.path + ("?" + parts.query if parts.query else "")
    try:
      conn.request(method, target, body=body, headers=headers)
      resp = conn.getresponse()
      return (resp.status, resp.read())
    except ssl.SSLCertVerificationError as err:
      raise CertificateError("SSL certificate error %s" % err,
                             code=err.errno)
    except (OSError, http.client.HTTPException) as err:
      raise GanetiApiError(str(err), code=getattr(err, "errno", None))
    finally:
      conn.close()


def _EncodeQueryValue(name, value):
  if value is None:
    return (name, "")
  if isinstance(value, bool):
    return (name, int(value))
  if isinstance(value, (list, tuple, dict)):
    raise ValueError("Invalid query data type %r" % type(value).__name__)
  return (name, value)


class _Query(list):
  """Query arguments, a list of (name, value) pairs."""

  def AddIf(self, condition, name, value=1):
    if condition:
      self.append((name, value))
    return self

  def Reason(self, reason):
    return self.AddIf(reason, "reason", reason)

  def DryRun(self, dry_run):
    return self.AddIf(dry_run, _QPARAM_DRY_RUN)

  def Force(self, force):
    return self.AddIf(force, _QPARAM_FORCE)


def _Tags(tags, dry_run, reason):
  return _Query(("tag", t) for t in tags).DryRun(dry_run).Reason(reason)


def _Body(**items):
  """A request body with the items whose value is not None."""
  return dict((key, value) for (key, value) in items.items()
              if value is not None)


def _V(path, *args):
  """A version 2 resource path (arguments are quoted)."""
  return "/%d%s" % (GANETI_RAPI_VERSION,
                    path % tuple(urllib.parse.quote(str(a), safe="")
                                 for a in args))
