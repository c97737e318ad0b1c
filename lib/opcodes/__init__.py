"""Opcodes: the operations a job is made of, declared as parameter tables.

Each ``OpX`` class lists its parameters in ``OP_PARAMS`` as tuples
``(name, default, check, doc)``.  ``default`` is :data:`REQUIRED` for a
mandatory parameter, ``None`` for an optional one without a default, or a
value (callables are called to get fresh mutable defaults).  The same table
drives validation here, RAPI bodies, the CLI and the documentation.

The machinery lives in :mod:`ganeti.opcodes.base`; the opcodes themselves in
one module per family.  This package re-exports all of them, so callers use
``opcodes.OpInstanceCreate`` and ``opcodes.OP_MAPPING`` only.
"""

from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import _NameToId  # noqa: F401
from ganeti.opcodes.cluster import *  # noqa: F401,F403
from ganeti.opcodes.node import *  # noqa: F401,F403
from ganeti.opcodes.group import *  # noqa: F401,F403
from ganeti.opcodes.network import *  # noqa: F401,F403
from ganeti.opcodes.instance import *  # noqa: F401,F403
from ganeti.opcodes.instance_mods import *  # noqa: F401,F403
from ganeti.opcodes.backup import *  # noqa: F401,F403
from ganeti.opcodes.misc import *  # noqa: F401,F403


def _GetOpList():
  return [v for v in globals().values()
          if (isinstance(v, type) and issubclass(v, OpCode) and  # noqa: F405
              v is not OpCode and v.OP_ID)]  # noqa: F405


OP_MAPPING = dict((v.OP_ID, v) for v in _GetOpList())
