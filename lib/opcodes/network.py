"""Opcodes of the network family."""

from ganeti import constants  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
