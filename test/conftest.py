"""Test configuration: import ``ganeti`` straight from the checkout."""

import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOP not in sys.path:
  sys.path.insert(0, TOP)
os.environ.setdefault("PYGANETI_TOP", TOP)
