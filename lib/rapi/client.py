"""Client for Ganeti's remote API (RAPI, HTTPS on port 5080, version 2).

Usage::

  from ganeti.rapi import client
  cl = client.GanetiRapiClient("master.example.com", username="jack",
                               password="abc123")
  job_id = cl.StartupInstance("inst1.example.com")
  cl.WaitForJobCompletion(job_id)

The public API (L{GanetiRapiClient}, its methods and their signatures,
the module constants, L{GanetiApiError} with its C{code}) is that of
Ganeti's own ``ganeti.rapi.client``. The transport is the standard
library's (see L{ganeti.rapi.client_base}); the constructor keeps
C{curl_config_fn} and C{curl_factory}. The client modules import nothing
else from Ganeti.
"""

import base64
import json
import logging
import socket
from urllib.parse import urlencode

from ganeti.rapi.client_base import *  # noqa: F401,F403
from ganeti.rapi.client_base import (  # noqa: F401
  _REQ_DATA_VERSION_FIELD, _QPARAM_DRY_RUN, _QPARAM_FORCE,
  _INST_CREATE_REQV1, _INST_REINSTALL_REQV1, _NODE_MIGRATE_REQV1,
  _NODE_EVAC_RES1, _EncodeQueryValue, Error, GanetiApiError,
  HttpsTransport, TransportOptions, GANETI_RAPI_PORT, HTTP_APP_JSON,
  HTTP_OK)
from ganeti.rapi import client_methods as _methods


class GanetiRapiClient(_methods.ClusterMethods, _methods.InstanceMethods,
                       _methods.JobNodeMethods, _methods.GroupNetMethods):
  """A client for one cluster's RAPI server."""

  USER_AGENT = "Ganeti RAPI Client"

  def __init__(self, host, port=GANETI_RAPI_PORT, username=None,
               password=None, logger=logging, curl_config_fn=None,
               curl_factory=None):
    """Set up the client (no request is sent yet).

    @param host: the master's name or address (IPv6 addresses allowed)
    @param username: for HTTP basic authentication, with C{password}
    @raise Error: a password without a user name or the reverse

    """
    self._username = username
    self._password = password
    self._logger = logger
    self._curl_config_fn = curl_config_fn
    self._curl_factory = curl_factory
    try:
      socket.inet_pton(socket.AF_INET6, host)
      address = "[%s]:%s" % (host, port)
    except (socket.error, TypeError):
      address = "%s:%s" % (host, port)
    self._base_url = "https://%s" % address
    if username is not None:
      if password is None:
        raise Error("Password not specified")
    elif password:
      raise Error("Specified password without username")

  def _Headers(self):
    headers = {"Accept": HTTP_APP_JSON, "Content-type": HTTP_APP_JSON,
               "User-Agent": self.USER_AGENT}
    if self._username is not None:
      token = base64.b64encode(("%s:%s" % (self._username, self._password))
                               .encode("utf-8")).decode("ascii")
      headers["Authorization"] = "Basic %s" % token
    return headers

  def _SendRequest(self, method, path, query, content):
    """Send a request and decode the JSON answer.

    @param query: list of (name, value) pairs or None
    @param content: the body (encoded as JSON) or None
    @raise GanetiApiError: for a non-200 answer (C{code} = HTTP status)

    """
    assert path.startswith("/")
    body = b""
    if content is not None:
      body = json.dumps(content, sort_keys=True).encode("utf-8")
    url = self._base_url + path
    if query:
      url += "?" + urlencode([_EncodeQueryValue(n, v) for (n, v) in query])
    self._logger.debug("Sending request %s %s (content=%r)", method, url,
                       body)
    options = TransportOptions()
    if self._curl_config_fn:
      self._curl_config_fn(options, self._logger)
    transport = (self._curl_factory or HttpsTransport)()
    (status, data) = transport.Perform(method, url, self._Headers(), body,
                                       options)
    response = None
    if data:
      try:
        response = json.loads(data)
      except ValueError:
        response = data.decode("utf-8", "replace")
    if status != HTTP_OK:
      if isinstance(response, dict):
        msg = "%s %s: %s" % (response.get("code"), response.get("message"),
                             response.get("explain"))
      else:
        msg = str(response)
      raise GanetiApiError(msg, code=status)
    return response

  @staticmethod
  def _UpdateWithKwargs(base, **kwargs):
    """Add keyword arguments (all but dry_run) to a body of required
    fields; a keyword repeating a required field is an error."""
    conflicts = set(kwargs) & set(base)
    if conflicts:
      raise GanetiApiError("Required fields can not be specified as"
                           " keywords: %s" % ", ".join(sorted(conflicts)))
    base.update((key, value) for (key, value) in kwargs.items()
                if key != "dry_run")

