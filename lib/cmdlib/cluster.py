"""Cluster-wide LUs: post-init, destroy, query, master IP, config query."""


from ganeti import constants
from ganeti import errors
from ganeti.cmdlib.base import LogicalUnit, NoHooksLU


class LUClusterPostInit(LogicalUnit):
  HPATH = "cluster-init"
  HTYPE = constants.HTYPE_CLUSTER

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.cfg.GetClusterName()}

  def BuildHooksNodes(self):
    return ([], [self.cfg.GetMasterNode()])

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    return True


class LUClusterDestroy(LogicalUnit):
  HPATH = "cluster-destroy"
  HTYPE = constants.HTYPE_CLUSTER

  def BuildHooksEnv(self):
    return {"OP_TARGET": self.cfg.GetClusterName()}

  def BuildHooksNodes(self):
    return ([], [])

  def ExpandNames(self):
    self.needed_locks = {}

  def CheckPrereq(self):
    master = self.cfg.GetMasterNode()
    nodelist = self.cfg.GetNodeList()
    if len(nodelist) != 1 or nodelist[0] != master:
      raise errors.OpPrereqError("There are still %d node(s) in"
                                 " this cluster." % (len(nodelist) - 1),
                                 errors.ECODE_INVAL)
    instancelist = self.cfg.GetInstanceList()
    if instancelist:
      raise errors.OpPrereqError("There are still %d instance(s) in"
                                 " this cluster." % len(instancelist),
                                 errors.ECODE_INVAL)

  def Exec(self, feedback_fn):
    master_params = self.cfg.GetMasterNetworkParameters()
    result = self.rpc.call_node_deactivate_master_ip(
      master_params["uuid"], master_params,
      self.cfg.GetClusterInfo().use_external_mip_script)
    result.Warn("Error disabling the master IP address", self.LogWarning)
    return master_params["uuid"]


class LUClusterQuery(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.ClusterInfo(self.cfg)


class LUClusterConfigQuery(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.ConfigValues(self.cfg, self.context,
                                    self.op.output_fields)


class _MasterIpLU(NoHooksLU):
  def ExpandNames(self):
    self.needed_locks = {}

  def _Call(self, fn, what):
    master_params = self.cfg.GetMasterNetworkParameters()
    ems = self.cfg.GetClusterInfo().use_external_mip_script
    result = fn(master_params["uuid"], master_params, ems)
    result.Raise("Could not %s the master IP" % what)


class LUClusterActivateMasterIp(_MasterIpLU):
  def Exec(self, feedback_fn):
    self._Call(self.rpc.call_node_activate_master_ip, "activate")


class LUClusterDeactivateMasterIp(_MasterIpLU):
  def Exec(self, feedback_fn):
    self._Call(self.rpc.call_node_deactivate_master_ip, "deactivate")


class LUQuery(NoHooksLU):
  """Generic query through the opcode path (used by RAPI and tests)."""
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.Query(self.context, self.op.what, self.op.fields,
                             self.op.qfilter)


class LUQueryFields(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    from ganeti import masterquery
    return masterquery.QueryFields(self.op.what, self.op.fields)

