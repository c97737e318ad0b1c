"""ganeti-rapi: the remote API daemon (HTTPS, port 5080, master only).

Every connection is served by a forked child (:mod:`ganeti.http.server`).
A request is routed through :data:`ganeti.rapi.connector.URI_TABLE`,
authenticated against the users file when the resource's method needs it
(or always with ``--require-authentication``), then handled by its
resource class, which talks to the master daemon over LUXI.  Answers are
JSON; errors are Ganeti's ``{"code", "message", "explain"}`` bodies.
"""

import logging
import optparse
import signal
import ssl
import sys
import urllib.parse

from ganeti import constants
from ganeti import daemon
from ganeti import errors
from ganeti import pathutils
from ganeti import rapi
from ganeti import serializer
from ganeti import ssconf
from ganeti.http import server as http_server
from ganeti.rapi import auth
from ganeti.rapi import baserlib
from ganeti.rapi import connector

_SERVER_NAME = "ganeti-rapi"
_AUTH_HEADER = {"WWW-Authenticate": 'Basic realm="%s"' % rapi.RAPI_REALM}


class RapiHandler:
  """The HTTP handler: ``handler(method, path, headers, body)``.

  @param users: an L{auth.UsersFile} (or any object with ``Get(name)``)
  @param require_auth: every request needs an authenticated user
  @param client_factory: callable returning a LUXI client
  """

  def __init__(self, users, require_auth=False, client_factory=None):
    self.users = users
    self.require_auth = require_auth
    self.client_factory = client_factory

  def __call__(self, method, path, headers, body):
    try:
      result = self.Handle(method, path, headers, body)
      return (200, serializer.DumpJson(result))
    except baserlib.RapiError as err:
      if err.code >= 500:
        logging.warning("%s %s: %s %s", method, path, err.code, err.explain)
      return (err.code, err.Body(), err.headers)
    except Exception:  # every other error is an internal error
      logging.exception("Error while handling %s %s", method, path)
      err = baserlib.RapiError(500, "Internal error while handling the"
                               " request")
      return (err.code, err.Body())

  def Authenticate(self, headers, access):
    """The authenticated user, or None when none is needed.

    @raise baserlib.RapiError: 401 (no or wrong credentials), 403 (the
        user lacks every option in ``access``)
    """
    if not access and not self.require_auth:
      return None
    creds = auth.ParseBasicAuth(headers.get("authorization"))
    if creds is None:
      raise baserlib.RapiError(401, "Authentication required",
                               headers=_AUTH_HEADER)
    (username, password) = creds
    user = self.users.Get(username)
    if user is None or not auth.VerifyPassword(username, password,
                                               user.password):
      logging.info("Authentication of user '%s' failed", username)
      raise baserlib.RapiError(401, "Wrong username or password",
                               headers=_AUTH_HEADER)
    if access and not user.HasAccess(access):
      raise baserlib.RapiError(403, "User '%s' may not access this"
                               " resource" % username)
    return user

  def Handle(self, method, path, headers, body):
    """Route, authenticate and run one request; return the JSON answer."""
    split = urllib.parse.urlsplit(path)
    route = connector.Lookup(urllib.parse.unquote(split.path))
    if route is None:
      raise baserlib.HttpNotFound()
    (_, cls, items) = route
    method = method.upper()
    if method not in cls.GetMethods():
      raise baserlib.HttpNotImplemented("Method %s is unsupported for path"
                                        " %s" % (method, split.path))
    user = self.Authenticate(headers, cls.GetAccess(method))
    queryargs = urllib.parse.parse_qs(split.query, keep_blank_values=True)
    req_body = baserlib.DecodeBody(headers, body)
    resource = cls(items, queryargs, req_body, user=user,
                   client_factory=self.client_factory)
    resource._request_path = split.path
    return resource.Handle(method)


def MakeSslContext(cert_file, key_file=None, chain_file=None):
  """TLS server context for RAPI: our certificate, no client certificate."""
  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
  ctx.minimum_version = ssl.TLSVersion.TLSv1_2
  ctx.set_ciphers(constants.SSL_CIPHERS)
  ctx.load_cert_chain(cert_file, key_file or cert_file)
  if chain_file:
    ctx.load_verify_locations(cafile=chain_file)
  ctx.verify_mode = ssl.CERT_NONE
  return ctx


def CheckRapi(options, args):
  """Refuse extra arguments; exit 11 (not master) on other nodes."""
  if args:
    print("Usage: ganeti-rapi [-f] [-d] [-p port] [-b ADDRESS]",
          file=sys.stderr)
    sys.exit(constants.EXIT_FAILURE)
  try:
    (master, myself) = ssconf.GetMasterAndMyself(ssconf.SimpleStore())
  except errors.ConfigurationError as err:
    print("Cluster configuration incomplete: '%s'" % err, file=sys.stderr)
    sys.exit(constants.EXIT_NODESETUP_ERROR)
  if master != myself:
    print("Not master, exiting", file=sys.stderr)
    sys.exit(constants.EXIT_NOTMASTER)


def PrepRapi(options, args):
  """Load the users file, bind the socket, prepare TLS."""
  users = auth.UsersFile(pathutils.Get().RAPI_USERS_FILE)
  users.Reload()
  ctx = None
  if options.ssl:
    ctx = MakeSslContext(options.ssl_cert, options.ssl_key,
                         options.ssl_chain)
  handler = RapiHandler(users, require_auth=options.reqauth)
  server = http_server.ForkingHttpServer(
    options.bind_address, options.port, handler, ssl_ctx=ctx,
    max_children=options.max_clients, server_name=_SERVER_NAME)
  logging.info("Listening on %s:%s", *server.address)
  return (server, users)


def ExecRapi(options, args, prep):
  (server, users) = prep
  daemon.SetupSignalHandlers(server.Stop)

  def _OnHup(signum, frame):
    logging.info("SIGHUP: re-reading the users file")
    users.Reload()

  signal.signal(signal.SIGHUP, _OnHup)
  server.Serve()


def Main():
  parser = optparse.OptionParser(
    description="Ganeti Remote API",
    usage="%prog [-f] [-d] [-p port] [-b ADDRESS] [-i INTERFACE]",
    version="%%prog (ganeti) %s" % constants.RELEASE_VERSION)
  parser.add_option("--require-authentication", dest="reqauth",
                    default=False, action="store_true",
                    help="Disable anonymous HTTP requests and require"
                    " authentication")
  parser.add_option("--max-clients", dest="max_clients", default=20,
                    type="int", help="Number of simultaneous connections"
                    " accepted by ganeti-rapi")
  parser.add_option("--ssl-chain", dest="ssl_chain", default=None,
                    help="SSL certificate chain path")
  cert = pathutils.Get().RAPI_CERT_FILE
  daemon.GenericMain(constants.RAPI, parser, CheckRapi, PrepRapi, ExecRapi,
                     default_ssl_cert=cert, default_ssl_key=cert)
