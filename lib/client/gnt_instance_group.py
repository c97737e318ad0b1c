"""gnt-instance change-group: move an instance to another node group."""

from ganeti import constants
from ganeti import opcodes
from ganeti.cli import ToStdout, SubmitOpCode, GetClient
from ganeti.cli_opts import ArgInstance, SUBMIT_OPT, PRIORITY_OPT
from ganeti.client import group_opts as go


def ChangeGroup(opts, args):
  """OP_INSTANCE_CHANGE_GROUP, then wait for the jobs it submitted."""
  (instance_name, ) = args
  cl = GetClient()
  op = opcodes.OpInstanceChangeGroup(instance_name=instance_name,
                                     iallocator=opts.iallocator,
                                     target_groups=opts.to,
                                     early_release=opts.early_release)
  result = SubmitOpCode(op, cl=cl, opts=opts)
  bad_cnt = go.WaitForChildJobs(cl, opts, result)
  if bad_cnt == 0:
    ToStdout("Instance '%s' changed group successfully.", instance_name)
    return constants.EXIT_SUCCESS
  ToStdout("There were %s errors while changing group of instance '%s'.",
           bad_cnt, instance_name)
  return constants.EXIT_FAILURE


#: The command table row of gnt-instance
CHANGE_GROUP_CMD = (
  ChangeGroup, [ArgInstance(min=1, max=1)],
  [go.TO_GROUP_OPT, go.IALLOCATOR_OPT, go.EARLY_RELEASE_OPT, PRIORITY_OPT,
   SUBMIT_OPT],
  "[-I <iallocator>] [--to <group>]", "Change group of instance")
