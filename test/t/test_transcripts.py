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
  transcript.Run(fresh_cluster, blocks, os.path.basename(path))
