"""Out-of-band LUs (gnt-node power/health) and node powercycle.

``OP_OOB_COMMAND`` runs the node's ``oob_program`` (a node parameter) on
the master through the ``run_oob`` RPC, checks the answer and records the
power state in the configuration (``powered``).  ``OP_NODE_POWERCYCLE``
asks a node daemon to hard-reboot its node.
"""

import logging
import time

from ganeti import errors
from ganeti import locking
from ganeti import oob
from ganeti import qfields
from ganeti import constants
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU, ExpandNodeUuidAndName
from ganeti.cmdlib.node_storage import GetWantedNodes


def SupportsOob(cfg, node):
  """The node's OOB program (its filled ``oob_program``), or None."""
  cluster = cfg.GetClusterInfo()
  group = cfg.GetNodeGroup(node.group)
  if group is not None:
    ndparams = cluster.FillND(node, group)
  else:
    ndparams = cluster.SimpleFillND(node.ndparams or {})
  return ndparams.get(constants.ND_OOB_PROGRAM) or None


class LUOobCommand(NoHooksLU):
  """Run an out-of-band command for nodes; one result row per node.

  The result is a list, sorted by node name, of
  ``[[RS_NORMAL, node name], [status, payload]]`` where status is
  ``RS_NORMAL`` (payload: the decoded answer), ``RS_UNAVAIL`` (no OOB
  program) or ``RS_NODATA`` (the program failed or answered badly).
  """
  REQ_BGL = False
  _sleep_fn = staticmethod(time.sleep)

  def ExpandNames(self):
    if self.op.node_names:
      (self.op.node_uuids, self.op.node_names) = \
        GetWantedNodes(self.cfg, self.op.node_names)
      lock_node_uuids = self.op.node_uuids
    else:
      lock_node_uuids = locking.ALL_SET
    self.needed_locks = {locking.LEVEL_NODE: lock_node_uuids}
    self.share_locks[locking.LEVEL_NODE_ALLOC] = 1
    if not self.op.node_names:
      self.needed_locks[locking.LEVEL_NODE_ALLOC] = locking.ALL_SET

  def CheckPrereq(self):
    self.nodes = []
    self.master_node_uuid = self.cfg.GetMasterNode()
    master = self.cfg.GetNodeInfo(self.master_node_uuid)
    if self.op.node_uuids:
      if (self.op.command in oob.SKIP_MASTER and
          master.uuid in self.op.node_uuids):
        handler = SupportsOob(self.cfg, master)
        if handler:
          extra = ("run '%s %s %s' if you want to operate on the master"
                   " regardless" % (handler, self.op.command, master.name))
        else:
          extra = "it does not support out-of-band operations"
        raise errors.OpPrereqError("Operating on the master node %s is not"
                                   " allowed for %s; %s" %
                                   (master.name, self.op.command, extra),
                                   errors.ECODE_INVAL)
    else:
      self.op.node_uuids = self.cfg.GetNodeList()
      if self.op.command in oob.SKIP_MASTER:
        self.op.node_uuids.remove(master.uuid)
    for node_uuid in self.op.node_uuids:
      node = self.cfg.GetNodeInfo(node_uuid)
      if node is None:
        raise errors.OpPrereqError("Node %s not found" % node_uuid,
                                   errors.ECODE_NOENT)
      self.nodes.append(node)
      if (not self.op.ignore_status and
          self.op.command == oob.OOB_POWER_OFF and not node.offline):
        raise errors.OpPrereqError("Cannot power off node %s because it is"
                                   " not marked offline" % node.name,
                                   errors.ECODE_STATE)

  def _RunOne(self, node, oob_program, feedback_fn):
    """(status, payload) of one node; updates its recorded power state."""
    logging.info("Executing out-of-band command '%s' using '%s' on %s",
                 self.op.command, oob_program, node.name)
    result = self.rpc.call_run_oob(self.master_node_uuid, oob_program,
                                   self.op.command, node.name,
                                   self.op.timeout)
    if result.fail_msg:
      self.LogWarning("Out-of-band RPC failed on node '%s': %s",
                      node.name, result.fail_msg)
      return (qfields.RS_NODATA, None)
    try:
      payload = oob.ParseOutput(result.payload)
      oob.CheckPayload(self.op.command, payload)
    except errors.OpExecError as err:
      self.LogWarning("Payload returned by node '%s' is not valid: %s",
                      node.name, err)
      return (qfields.RS_NODATA, None)
    if self.op.command == oob.OOB_HEALTH:
      for (item, status) in payload:
        if status in (oob.OOB_STATUS_WARNING, oob.OOB_STATUS_CRITICAL):
          self.LogWarning("Item '%s' on node '%s' has status '%s'",
                          item, node.name, status)
    elif self.op.command == oob.OOB_POWER_STATUS:
      powered = payload[oob.OOB_POWER_STATUS_POWERED]
      if powered != node.powered:
        logging.warning("Recorded power state (%s) of node '%s' does not"
                        " match actual power state (%s)", node.powered,
                        node.name, powered)
    if self.op.command in (oob.OOB_POWER_ON, oob.OOB_POWER_OFF):
      node.powered = self.op.command == oob.OOB_POWER_ON
      self.cfg.Update(node, feedback_fn)
    return (qfields.RS_NORMAL, payload)

  def Exec(self, feedback_fn):
    ret = []
    nodes = utils.NiceSort(self.nodes, key=lambda n: n.name)
    for (idx, node) in enumerate(nodes):
      entry = [[qfields.RS_NORMAL, node.name]]
      ret.append(entry)
      oob_program = SupportsOob(self.cfg, node)
      if not oob_program:
        entry.append([qfields.RS_UNAVAIL, None])
        continue
      (status, payload) = self._RunOne(node, oob_program, feedback_fn)
      entry.append([status, payload])
      if (status == qfields.RS_NORMAL and
          self.op.command == oob.OOB_POWER_ON and idx < len(nodes) - 1):
        self._sleep_fn(self.op.power_delay)
    return ret


class LUNodePowercycle(NoHooksLU):
  """Ask a node daemon to hard-reboot its node (takes no locks: this is
  the last resort for a broken node)."""
  REQ_BGL = False

  def CheckArguments(self):
    (self.op.node_uuid, self.op.node_name) = \
      ExpandNodeUuidAndName(self.cfg, self.op.node_uuid, self.op.node_name)
    if self.op.node_uuid == self.cfg.GetMasterNode() and not self.op.force:
      raise errors.OpPrereqError("The node is the master and the force"
                                 " parameter was not set",
                                 errors.ECODE_INVAL)

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    hv_name = self.cfg.GetHypervisorType()
    hvparams = self.cfg.GetClusterInfo().hvparams.get(hv_name, {})
    result = self.rpc.call_node_powercycle(self.op.node_uuid, hv_name,
                                           hvparams)
    result.Raise("Failed to schedule the reboot")
    return result.payload
