"""rapi-get: send one request to ganeti-rapi and print the JSON answer.

The endpoint and the credentials come from the environment a virtual
cluster's ``DIR/env`` sets (``RAPI_HOST``, ``RAPI_PORT``, ``RAPI_USER``,
``RAPI_PASSWORD``) or from options.  The server certificate is not
verified unless ``--ca`` names a file to verify it against (for example
the cluster's ``rapi.pem``).  Exit code 0 for a 2xx answer, 1 otherwise.
"""

import argparse
import base64
import http.client
import json
import os
import ssl


def Request(host, port, method, path, body=None, user=None, password=None,
            cafile=None, timeout=60):
  """One HTTPS request; returns (status, decoded JSON or raw text)."""
  if cafile:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
  else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
  conn = http.client.HTTPSConnection(host, port, context=ctx,
                                     timeout=timeout)
  headers = {}
  if user is not None:
    token = base64.b64encode(("%s:%s" % (user, password or ""))
                             .encode("utf-8")).decode("ascii")
    headers["Authorization"] = "Basic %s" % token
  data = None
  if body is not None:
    data = json.dumps(body).encode("utf-8")
    headers["Content-Type"] = "application/json"
  try:
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    raw = resp.read().decode("utf-8")
  finally:
    conn.close()
  try:
    return (resp.status, json.loads(raw))
  except ValueError:
    return (resp.status, raw)


def Main():
  parser = argparse.ArgumentParser(prog="rapi-get", description=__doc__
                                   .splitlines()[0])
  parser.add_argument("path", help="resource path, e.g. /2/info")
  parser.add_argument("-X", "--method", default="GET")
  parser.add_argument("-d", "--data", help="JSON request body")
  parser.add_argument("--host", default=os.environ.get("RAPI_HOST",
                                                       "localhost"))
  parser.add_argument("--port", type=int,
                      default=int(os.environ.get("RAPI_PORT", "5080")))
  parser.add_argument("--user", default=os.environ.get("RAPI_USER"))
  parser.add_argument("--password", default=os.environ.get("RAPI_PASSWORD"))
  parser.add_argument("--ca", help="verify the server against this PEM")
  opts = parser.parse_args()
  body = json.loads(opts.data) if opts.data else None
  (status, answer) = Request(opts.host, opts.port, opts.method.upper(),
                             opts.path, body, opts.user, opts.password,
                             opts.ca)
  print(json.dumps(answer, indent=2, sort_keys=True))
  return 0 if 200 <= status < 300 else 1
