"""A fake ``RunCmd`` for the storage unit tests.

:class:`FakeRunner` replaces :func:`ganeti.storage.base.RunCmd`: every call
must match the next expected argv (checked exactly), and gets the recorded
output and exit code that go with it.
"""

import os

from ganeti.storage import base
from ganeti.utils import process

DATA_DIR = os.path.join(os.path.dirname(__file__), "..", "data")


def ReadData(name):
  with open(os.path.join(DATA_DIR, name)) as fh:
    return fh.read()


class FakeRunner:
  """Replays ``(argv, stdout, exit_code[, stderr])`` in order."""

  def __init__(self, monkeypatch, expected=()):
    self.expected = list(expected)
    self.calls = []
    self.kwargs = []
    monkeypatch.setattr(base, "RunCmd", self)

  def Expect(self, argv, stdout="", exit_code=0, stderr=""):
    self.expected.append((list(argv), stdout, exit_code, stderr))
    return self

  def __call__(self, cmd, **kwargs):
    argv = [str(a) for a in cmd]
    self.calls.append(argv)
    self.kwargs.append(kwargs)
    assert self.expected, "unexpected command %r" % (argv,)
    (want, stdout, exit_code, stderr) = (list(self.expected.pop(0)) +
                                         [""])[:4]
    assert argv == list(want), "command %r, expected %r" % (argv, want)
    return process.RunResult(exit_code, None, stdout, stderr,
                             " ".join(argv))

  def Done(self):
    assert not self.expected, "commands not run: %r" % (self.expected,)
