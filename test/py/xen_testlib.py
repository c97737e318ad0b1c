"""Helpers of the Xen tests: test data, instances, a fake xl."""

import os

from ganeti import constants
from ganeti import objects
from ganeti.utils import process

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
  __file__))), "data", "xen")


def ReadData(name):
  with open(os.path.join(DATA_DIR, name)) as fh:
    return fh.read()


def MakeInstance(name="inst1.example.com", hv=constants.HT_XEN_PVM,
                 hvparams=None, maxmem=512, minmem=256, vcpus=2, nics=None,
                 network_port=None):
  hvp = dict(constants.HVC_DEFAULTS[hv])
  hvp.update(hvparams or {})
  if nics is None:
    nics = [objects.NIC(mac="aa:00:00:11:22:33", ip=None,
                        nicparams={"mode": "bridged", "link": "xen-br0",
                                   "vlan": ""})]
  return objects.Instance(name=name, hypervisor=hv, hvparams=hvp,
                          beparams={"maxmem": maxmem, "minmem": minmem,
                                    "vcpus": vcpus},
                          nics=nics, network_port=network_port)


def Disk(dev_type=constants.DT_PLAIN, mode=constants.DISK_RDWR,
         logical_id=None):
  return objects.Disk(dev_type=dev_type, mode=mode,
                      logical_id=logical_id or ("xenvg", "disk0"), size=1024)


class FakeXl:
  """Stands in for xl: answers from a table, records every argv.

  ``answers`` maps a subcommand (argv[1]) to a list of (exit code, stdout,
  stderr) consumed in order (the last one repeats).
  """

  def __init__(self, answers=None):
    self.calls = []
    self.answers = dict(answers or {})

  def Set(self, sub, *results):
    self.answers[sub] = list(results)

  def __call__(self, argv, timeout=None):
    self.calls.append((list(argv), timeout))
    queue = self.answers.get(argv[1])
    if not queue:
      return process.RunResult(1, None, "", "unexpected command %s" % argv,
                               " ".join(argv))
    (rc, out, err) = queue[0] if len(queue) == 1 else queue.pop(0)
    return process.RunResult(rc, None, out, err, " ".join(argv))

  def Argvs(self, sub=None):
    return [argv for (argv, _) in self.calls
            if sub is None or argv[1] == sub]


LIST_HEADER = ("Name                                        ID   Mem VCPUs"
               "      State   Time(s)\n")
DOM0_LINE = ("Domain-0                                     0  1023     1"
             "     r----- 154706.1\n")


def ListOutput(*domains):
  """xl list text: Domain-0 plus (name, id, mem, vcpus, state, time)."""
  lines = [LIST_HEADER, DOM0_LINE]
  for (name, domid, mem, vcpus, state, cpu) in domains:
    lines.append("%-40s %5d %5d %5d     %s %8.1f\n" %
                 (name, domid, mem, vcpus, state, cpu))
  return "".join(lines)
