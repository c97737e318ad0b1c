"""Functions run by ganeti-noded on behalf of the master, split by area.

Each public function here implements one node RPC procedure of
:mod:`ganeti.rpc.defs`; ``server.noded`` maps procedure names to them.
Functions return a JSON-serializable payload or raise :class:`RPCFail`
(reported to the caller as ``[false, message]``).  This package never
imports ``cmdlib`` or ``config``.
"""

import logging

from ganeti import errors


class RPCFail(Exception):
  """An RPC call failed in a way the caller should see as a message."""


def _Fail(msg: str, *args, exc: bool = False, log: bool = True):
  """Log ``msg % args`` and raise it as L{RPCFail}."""
  if args:
    msg = msg % args
  if log:
    if exc:
      logging.exception(msg)
    else:
      logging.error(msg)
  raise RPCFail(msg)


Fail = _Fail
QuitGanetiException = errors.QuitGanetiException
