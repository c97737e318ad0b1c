"""iallocator transcripts on a real 3-node virtual cluster.

Before the transcript runs, the test allocator plugin of
``test/support/iallocators`` is installed in the master's iallocator search
path (below its node root), and a spare copy is left in
``$GANETI_ROOTDIR/usr/share/pyganeti-test/`` for the transcript to install
under other names (such as ``hail``).
"""

import os
import shutil

import pytest

import transcript
import vcluster

pytestmark = [pytest.mark.transcript, pytest.mark.cluster]

_HERE = os.path.dirname(os.path.abspath(__file__))
_SCRIPTS = os.path.join(os.path.dirname(_HERE), "support", "iallocators")
_TRANSCRIPT = os.path.join(_HERE, "ialloc", "iallocator.t")


def _Install(cluster, name, directory):
  target = os.path.join(cluster.NodeRoot(), directory.lstrip("/"))
  os.makedirs(target, exist_ok=True)
  path = os.path.join(target, name)
  shutil.copy(os.path.join(_SCRIPTS, name), path)
  os.chmod(path, 0o755)


def test_iallocator_transcript(fresh_cluster):
  if vcluster.FindOs("noop") is None:
    pytest.skip(vcluster.NOOP_MISSING)
  _Install(fresh_cluster, "pyganeti-test-alloc",
           "/usr/lib/ganeti/iallocators")
  _Install(fresh_cluster, "pyganeti-test-alloc", "/usr/share/pyganeti-test")
  with open(_TRANSCRIPT) as fh:
    blocks = transcript.Parse(fh.read())
  transcript.Run(fresh_cluster, blocks, "ialloc/iallocator.t")
