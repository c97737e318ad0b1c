"""Running iallocator plugins on the master (RPC ``iallocator_runner``).

An iallocator is an executable found by name in the iallocator search
path (``constants.IALLOCATOR_SEARCH_PATH``, below the node root in a
virtual cluster).  It is run with one argument, the name of a file holding
the JSON input message, and answers on its standard output (see
``doc/iallocator.rst``).  This module only runs the program: building the
input and checking the answer is the master's job.
"""

import os
import tempfile

from ganeti import pathutils
from ganeti.backend import _Fail
from ganeti.utils import process

#: How long an allocator may run before it is killed (seconds); below the
#: RPC's read timeout so that the master gets a clear message
ALLOCATOR_TIMEOUT = 10 * 60

#: The failure message when no script of that name exists; the master
#: (``cmdlib.iallocator.NOT_FOUND_MSG``, same text) recognises it to fall
#: back to the built-in allocator for the default name "hail"
NOT_FOUND_MSG = "iallocator module '%s' not found in the search path"


def FindIAllocator(name, search_path=None):
  """Path of the executable allocator ``name``, or None.

  Only a plain file name is accepted (no directories), and the first
  directory of the search path holding an executable file of that name
  wins.
  """
  if not name or "/" in name or name in (".", ".."):
    return None
  if search_path is None:
    search_path = pathutils.Get().IAllocatorSearchPath()
  for directory in search_path:
    path = os.path.join(directory, name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
      return path
  return None


def RunIAllocator(name, idata, search_path=None):
  """Run allocator ``name`` on the input message text ``idata``.

  The input goes to a private temporary file ``ganeti-iallocator.XXXX``
  that is removed afterwards.

  @return: the allocator's standard output (the answer, unparsed)
  @raise RPCFail: no such allocator, or it failed (non-zero exit); the
      message then includes its output

  """
  script = FindIAllocator(name, search_path=search_path)
  if script is None:
    _Fail(NOT_FOUND_MSG, name)
  if isinstance(idata, str):
    idata = idata.encode("utf-8")
  (fd, fin_name) = tempfile.mkstemp(prefix="ganeti-iallocator.")
  try:
    with os.fdopen(fd, "wb") as fh:
      fh.write(idata)
    result = process.RunCmd([script, fin_name], timeout=ALLOCATOR_TIMEOUT)
  finally:
    os.unlink(fin_name)
  if result.failed:
    _Fail("iallocator module '%s' failed: %s, output '%s'", name,
          result.fail_reason, (result.stdout + result.stderr).strip())
  return result.stdout
