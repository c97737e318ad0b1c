"""Node daemon: out-of-band program runs and node powercycles."""

import logging
import os
import time

from ganeti import errors
from ganeti import hypervisor
from ganeti import vcluster
from ganeti.backend import _Fail
from ganeti.hypervisor import hv_base
from ganeti.utils import process

#: seconds between answering a powercycle request and doing it
POWERCYCLE_DELAY = 5


def BuildOobCommand(oob_program, command, node_name):
  """The argv of one OOB run: ``<program> <command> <node name>``."""
  return [oob_program, command, node_name]


def RunOob(oob_program, command, node_name, timeout):
  """Run the OOB program for ``node_name`` and return its standard output.

  The caller (the master) checks and decodes the output; a non-zero exit
  or a timeout is a failure carrying the program's output.
  """
  if not os.path.isabs(oob_program or ""):
    _Fail("OOB program '%s' is not an absolute path", oob_program)
  result = process.RunCmd(BuildOobCommand(oob_program, command, node_name),
                          timeout=timeout)
  if result.failed:
    _Fail("'%s' failed with reason '%s'; output: %s", result.cmd,
          result.fail_reason, result.output.strip())
  return result.stdout


def _PowercycleChild(hyper, hvparams, delay):
  """In the detached child: wait, then reboot (never returns)."""
  code = 0
  try:
    time.sleep(delay)
    hyper.PowercycleNode(hvparams=hvparams)
  except BaseException as err:  # the child must never get back to the server
    logging.error("Powercycle failed: %s", err)
    code = 1
  os._exit(code)


def PowercycleNode(hypervisor_type, hvparams):
  """Schedule a hard reboot of this node in L{POWERCYCLE_DELAY} seconds.

  The reboot is done by the hypervisor's ``PowercycleNode`` in a child
  process, so the answer reaches the master first.  Hypervisors that can't
  reboot the node fail here, before anything is scheduled; a node of a
  virtual cluster (one of several on this machine) refuses, as rebooting
  would take the whole machine down.
  """
  if vcluster.IsVirtual():
    _Fail("Powercycling a node of a virtual cluster is not possible (it"
          " would reboot the machine hosting all its nodes)")
  try:
    hyper = hypervisor.GetHypervisor(hypervisor_type)
  except errors.HypervisorError as err:
    _Fail("Can't powercycle the node: %s", err)
  if type(hyper).PowercycleNode is hv_base.BaseHypervisor.PowercycleNode:
    _Fail("Hypervisor %s does not support powercycling the node",
          hypervisor_type)
  try:
    pid = os.fork()
  except OSError as err:
    _Fail("Can't fork the powercycle helper: %s", err)
  if pid == 0:
    _PowercycleChild(hyper, hvparams, POWERCYCLE_DELAY)
  return "Reboot scheduled in %d seconds" % POWERCYCLE_DELAY
