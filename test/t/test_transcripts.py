"""Run every ``*.t`` transcript against a fresh 3-node virtual cluster."""

import glob
import os

import pytest

import transcript
import vcluster

pytestmark = [pytest.mark.transcript, pytest.mark.cluster]

_HERE = os.path.dirname(os.path.abspath(__file__))
_FILES = sorted(glob.glob(os.path.join(_HERE, "*.t")))


@pytest.mark.parametrize("path", _FILES, ids=[os.path.basename(f)
                                              for f in _FILES])
def test_transcript(path, fresh_cluster):
  with open(path) as fh:
    text = fh.read()
  if "-o noop" in text and vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  if "# setup: test-os" in text:
    fresh_cluster.InstallTestOSes()
  blocks = transcript.Parse(text)
  assert blocks, "empty transcript"
  for block in blocks:
    result = fresh_cluster.Run(block.command, node=block.node)
    where = "%s:%d: $ %s" % (os.path.basename(path), block.lineno,
                             block.command)
    assert result.exit_code == block.exit_code, \
      "%s\nexit %s != %s\nstdout:\n%s\nstderr:\n%s" % (
        where, result.exit_code, block.exit_code, result.stdout,
        result.stderr)
    assert transcript.Matches(block.stdout, result.stdout), \
      "%s\nstdout differs; expected:\n%s\ngot:\n%s\nstderr:\n%s" % (
        where, "\n".join(block.stdout), result.stdout, result.stderr)
    assert transcript.Matches(block.stderr, result.stderr), \
      "%s\nstderr differs; expected:\n%s\ngot:\n%s" % (
        where, "\n".join(block.stderr), result.stderr)
