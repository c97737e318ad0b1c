"""The Ganeti remote API (RAPI): the ``ganeti-rapi`` daemon's resources.

Layout: :mod:`connector` holds the one URI table (path template to
resource class) that the daemon routes with and the OpenAPI generator
(:mod:`openapi`) describes; :mod:`baserlib` the request machinery (method
dispatch, body checks against the opcode tables, job submission, error
mapping); ``rlib2_*`` the version-2 resources, one module per family;
:mod:`auth` the users file.
"""

#: User option: may modify (implies read)
RAPI_ACCESS_WRITE = "write"
#: User option: may read the resources that need an authenticated user
RAPI_ACCESS_READ = "read"
RAPI_ACCESS_ALL = frozenset([RAPI_ACCESS_WRITE, RAPI_ACCESS_READ])

#: HTTP Basic authentication realm
RAPI_REALM = "Ganeti Remote API"
