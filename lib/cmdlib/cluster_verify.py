"""Cluster verification: OP_CLUSTER_VERIFY spawns one config job and one job
per node group; each reports problems as ERROR/WARNING lines with Ganeti's
error codes (``--error-codes`` gives the parseable form)."""

import time

from ganeti import constants
from ganeti import locking
from ganeti import opcodes
from ganeti import pathutils
from ganeti import utils
from ganeti import vcluster
from ganeti.cmdlib.base import LogicalUnit, NoHooksLU, ResultWithJobs
from ganeti.cmdlib import instance_utils as iu

TCLUSTER = "cluster"
TNODE = "node"
TINSTANCE = "instance"
TGROUP = "group"

ETYPE_ERROR = "ERROR"
ETYPE_WARNING = "WARNING"

# (object type, code, description)
ECLUSTERCFG = (TCLUSTER, "ECLUSTERCFG", "Cluster configuration")
ECLUSTERCERT = (TCLUSTER, "ECLUSTERCERT", "Cluster certificate files")
ECLUSTERFILECHECK = (TCLUSTER, "ECLUSTERFILECHECK",
                     "Cluster configuration files check")
ECLUSTERDANGLINGNODES = (TNODE, "ECLUSTERDANGLINGNODES",
                         "Some nodes belong to non-existing groups")
ECLUSTERDANGLINGINST = (TNODE, "ECLUSTERDANGLINGINST",
                        "Some instances have a non-existing primary node")
EINSTANCEDOWN = (TINSTANCE, "EINSTANCEDOWN", "Instance not running")
EINSTANCEWRONGNODE = (TINSTANCE, "EINSTANCEWRONGNODE",
                      "Instance running on the wrong node")
EINSTANCELAYOUT = (TINSTANCE, "EINSTANCELAYOUT", "Instance layout")
EINSTANCEPOLICY = (TINSTANCE, "EINSTANCEPOLICY",
                   "Instance does not meet policy")
ENODEDRBD = (TNODE, "ENODEDRBD", "DRBD status")
ENODEFILECHECK = (TNODE, "ENODEFILECHECK", "File check")
ENODEHOOKS = (TNODE, "ENODEHOOKS", "Hooks results")
ENODEHV = (TNODE, "ENODEHV", "Hypervisor check")
ENODENET = (TNODE, "ENODENET", "Network check")
ENODEOS = (TNODE, "ENODEOS", "OS check")
ENODEORPHANINSTANCE = (TNODE, "ENODEORPHANINSTANCE", "Orphan instance")
ENODERPC = (TNODE, "ENODERPC", "Node RPC communication")
ENODESETUP = (TNODE, "ENODESETUP", "Node setup")
ENODETIME = (TNODE, "ENODETIME", "Node time")
ENODEVERSION = (TNODE, "ENODEVERSION", "Node version")
ENODEN1 = (TNODE, "ENODEN1", "Not enough memory for N+1")
ENODEUSERSCRIPTS = (TNODE, "ENODEUSERSCRIPTS", "User scripts")
ENODEFILESTORAGEPATHS = (TNODE, "ENODEFILESTORAGEPATHS",
                         "File storage paths")

ALL_ECODES = [v for k, v in list(globals().items())
              if k.startswith("E") and isinstance(v, tuple) and len(v) == 3]


class _VerifyErrors:
  """Mixin: report errors the way Ganeti's verify does."""

  def _ErrorIf(self, cond, ecode, item, msg, *args, **kwargs):
    if not cond:
      return
    ltype = kwargs.get("code", ETYPE_ERROR)
    (itype, etxt, _) = ecode
    if etxt in self.op.ignore_errors:
      ltype = ETYPE_WARNING
    if args:
      msg = msg % args
    if self.op.error_codes:
      msg = "%s:%s:%s:%s:%s" % (ltype, etxt, itype, item, msg)
    else:
      if item:
        item = " " + item
      else:
        item = ""
      msg = "%s: %s%s: %s" % (ltype, itype, item, msg)
    self._feedback_fn("  - %s" % msg)
    if ltype == ETYPE_ERROR:
      self.bad = True


class LUClusterVerify(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    jobs = []
    if self.op.group_name:
      groups = [self.cfg.LookupNodeGroup(self.op.group_name)]
      depends_fn = lambda: None  # noqa: E731
    else:
      groups = sorted(self.cfg.GetAllNodeGroupsInfo())
      jobs.append([opcodes.OpClusterVerifyConfig(
        ignore_errors=self.op.ignore_errors,
        error_codes=self.op.error_codes, verbose=self.op.verbose,
        debug_simulate_errors=self.op.debug_simulate_errors)])
      depends_fn = lambda: [(-len(jobs), [])]  # noqa: E731
    for group in groups:
      jobs.append([opcodes.OpClusterVerifyGroup(
        group_name=group, ignore_errors=self.op.ignore_errors,
        depends=depends_fn(), error_codes=self.op.error_codes,
        verbose=self.op.verbose, skip_checks=self.op.skip_checks,
        debug_simulate_errors=self.op.debug_simulate_errors)])
    return ResultWithJobs(jobs)


class LUClusterVerifyConfig(NoHooksLU, _VerifyErrors):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def Exec(self, feedback_fn):
    self.bad = False
    self._feedback_fn = feedback_fn
    feedback_fn("* Verifying cluster config")
    for msg in self.cfg.VerifyConfig():
      self._ErrorIf(True, ECLUSTERCFG, None, msg)
    feedback_fn("* Verifying cluster certificate files")
    paths = pathutils.Get()
    for cert in (paths.NODED_CERT_FILE, paths.RAPI_CERT_FILE):
      (errcode, msg) = _VerifyCertificate(cert)
      if errcode is not None:
        self._ErrorIf(True, ECLUSTERCERT, None, msg, code=errcode)
    feedback_fn("* Verifying hypervisor parameters")
    cluster = self.cfg.GetClusterInfo()
    self._VerifyHVP(GetAllHypervisorParameters(
      cluster, self.cfg.GetAllInstancesInfo().values()))
    feedback_fn("* Verifying all nodes belong to an existing group")
    groups = self.cfg.GetAllNodeGroupsInfo()
    dangling = [n.name for n in self.cfg.GetAllNodesInfo().values()
                if n.group not in groups]
    self._ErrorIf(dangling, ECLUSTERDANGLINGNODES, None,
                  "the following nodes (and their instances) belong to a non"
                  " existing group: %s", utils.CommaJoin(dangling))
    nodes = self.cfg.GetAllNodesInfo()
    dangling_inst = [i.name for i in self.cfg.GetAllInstancesInfo().values()
                     if i.primary_node not in nodes]
    self._ErrorIf(dangling_inst, ECLUSTERDANGLINGINST, None,
                  "the following instances have a non-existing primary-node:"
                  " %s", utils.CommaJoin(dangling_inst))
    return not self.bad

  def _VerifyHVP(self, hvp_data):
    """Report parameter names a hypervisor does not have (ECLUSTERCFG).

    Ganeti runs the hypervisor classes' syntax check here; cmdlib cannot
    reach them (DESIGN.md section 2), so this checks the names (with the
    messages of Ganeti's type and syntax checks) and the nodes check the
    values (``hvparms`` of node_verify, reported as ENODEHV).  Ganeti's
    message names the source and the hypervisor the other way round.
    """
    known = set()
    for defaults in constants.HVC_DEFAULTS.values():
      known.update(defaults)
    for (source, hv_name, hv_params) in hvp_data:
      own = constants.HVC_DEFAULTS.get(hv_name, {})
      for key in sorted(hv_params):
        if key not in known:
          err = "Unknown parameter '%s'" % key
        elif key not in own:
          err = "Parameter '%s' is not supported" % key
        else:
          continue
        self._ErrorIf(True, ECLUSTERCFG, None,
                      "hypervisor %s parameters syntax check (source %s):"
                      " %s", source, hv_name, err)
        break


def GetAllHypervisorParameters(cluster, instances):
  """[source, hypervisor, full parameters] for every set in use.

  The sources are ``cluster`` (each enabled hypervisor), ``os NAME`` (an
  OS's overrides on top of the cluster values) and ``instance NAME`` (an
  instance with parameters of its own, fully filled); only enabled
  hypervisors are listed.
  """
  enabled = list(cluster.enabled_hypervisors)
  data = [["cluster", hv, cluster.GetHVDefaults(hv)] for hv in enabled]
  for os_name in sorted(cluster.os_hvp or {}):
    for (hv, params) in sorted(cluster.os_hvp[os_name].items()):
      if params and hv in enabled:
        data.append(["os %s" % os_name, hv,
                     cluster.GetHVDefaults(hv, os_name=os_name)])
  for inst in sorted(instances, key=lambda i: utils.NiceSortKey(i.name)):
    if inst.hvparams and inst.hypervisor in enabled:
      data.append(["instance %s" % inst.name, inst.hypervisor,
                   cluster.FillHV(inst)])
  return data


def _Answered(res):
  return (res is not None and not res.fail_msg and
          isinstance(res.payload, dict))


def _VerifyCertificate(path):
  """Return (None, None) if fine, else (ETYPE, message)."""
  try:
    from OpenSSL import crypto
    cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                   utils.ReadBinaryFile(path))
  except OSError as err:
    return (ETYPE_ERROR, "Failed to load X509 certificate %s: %s" %
            (path, err))
  except Exception as err:  # pylint: disable=broad-except
    return (ETYPE_ERROR, "Failed to load X509 certificate %s: %s" %
            (path, err))
  if cert.has_expired():
    return (ETYPE_ERROR, "While verifying %s: certificate has expired" %
            path)
  return (None, None)


class LUClusterVerifyGroup(LogicalUnit, _VerifyErrors):
  HPATH = "cluster-verify"
  HTYPE = constants.HTYPE_CLUSTER
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.needed_locks = {}
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def BuildHooksEnv(self):
    env = {"CLUSTER_TAGS": " ".join(self.cfg.GetClusterInfo().GetTags())}
    for node in self.my_nodes:
      env["NODE_TAGS_%s" % node.name] = " ".join(node.GetTags())
    return env

  def BuildHooksNodes(self):
    return ([], [n.uuid for n in self.my_nodes])

  def CheckPrereq(self):
    self.group = self.cfg.GetNodeGroup(self.group_uuid)
    self.my_nodes = sorted((n for n in self.cfg.GetAllNodesInfo().values()
                            if n.group == self.group_uuid),
                           key=lambda n: utils.NiceSortKey(n.name))
    node_uuids = set(n.uuid for n in self.my_nodes)
    self.my_instances = sorted(
      (i for i in self.cfg.GetAllInstancesInfo().values()
       if i.primary_node in node_uuids),
      key=lambda i: utils.NiceSortKey(i.name))

  def Exec(self, feedback_fn):
    self.bad = False
    self._feedback_fn = feedback_fn
    cluster = self.cfg.GetClusterInfo()
    feedback_fn("* Verifying group '%s'" % self.group.name)
    online = [n for n in self.my_nodes if not n.offline]
    feedback_fn("* Gathering data (%d nodes)" % len(online))
    paths = pathutils.Get()
    files = [paths.CLUSTER_CONF_FILE, paths.NODED_CERT_FILE,
             paths.RAPI_CERT_FILE, paths.CONFD_HMAC_KEY,
             paths.CLUSTER_DOMAIN_SECRET_FILE]
    all_nodes = self.cfg.GetAllNodesInfo()
    checks = {
      "version": None,
      "filelist": [vcluster.MakeVirtualPath(f) for f in files],
      "nodelist": dict((n.name, n.primary_ip) for n in all_nodes.values()
                       if not n.offline),
      "hypervisor": list(cluster.enabled_hypervisors),
      "instancelist": list(cluster.enabled_hypervisors),
      "node-net-test": [(n.name, n.primary_ip, n.secondary_ip)
                        for n in all_nodes.values() if not n.offline],
      "nodesetup": None,
      "time": None,
      "hvparms": GetAllHypervisorParameters(
        cluster, self.cfg.GetAllInstancesInfo().values()),
    }
    hvparams = dict((hv, cluster.hvparams.get(hv, {}))
                    for hv in cluster.enabled_hypervisors)
    start = time.time()
    results = self.rpc.call_node_verify([n.uuid for n in online], checks,
                                        cluster.cluster_name, hvparams)
    end = time.time()
    feedback_fn("* Gathering information about nodes (%d nodes)" %
                len(online))
    feedback_fn("* Gathering disk information (%d nodes)" % len(online))
    # nodes that did not answer are reported once (ENODERPC), not again
    # for every file and instance they hold
    answered = [n for n in online if _Answered(results.get(n.uuid))]
    feedback_fn("* Verifying configuration file consistency")
    self._VerifyFiles(answered, results, files)
    feedback_fn("* Verifying node status")
    running = {}
    for node in online:
      self._VerifyNode(node, results.get(node.uuid), start, end, running)
    self.unreachable = set(n.uuid for n in online) - \
      set(n.uuid for n in answered)
    feedback_fn("* Verifying instance status")
    non_redundant = 0
    for inst in self.my_instances:
      self._VerifyInstance(inst, running, cluster)
      if self.cfg.GetInstanceDiskTemplate(inst.uuid) not in \
          constants.DTS_MIRRORED or not \
          self.cfg.GetInstanceSecondaryNodes(inst.uuid):
        non_redundant += 1
    feedback_fn("* Verifying orphan volumes")
    feedback_fn("* Verifying N+1 Memory redundancy")
    feedback_fn("* Other Notes")
    if non_redundant:
      feedback_fn("  - NOTICE: %d non-redundant instance(s) found." %
                  non_redundant)
    return not self.bad

  def _VerifyFiles(self, online, results, files):
    master = self.cfg.GetMasterNode()
    candidates = set(n.uuid for n in online
                     if n.master_candidate or n.uuid == master)
    sums = {}
    for node in online:
      res = results.get(node.uuid)
      if res is None or res.fail_msg or not isinstance(res.payload, dict):
        continue
      for vname, checksum in (res.payload.get("filelist") or {}).items():
        fname = vcluster.LocalizeVirtualPath(vname) \
          if vname.startswith(vcluster.VIRT_PATH_PREFIX) else vname
        sums.setdefault(fname, {}).setdefault(checksum, []).append(node.name)
    rootdir = vcluster.GetEnv()[0]
    for fname in files:
      variants = sums.get(fname, {})
      shown = fname[len(rootdir):] if rootdir else fname
      is_cfg = fname == pathutils.Get().CLUSTER_CONF_FILE
      have = set(n for names in variants.values() for n in names)
      if is_cfg:
        expected = set(self.cfg.GetNodeName(u) for u in candidates)
      else:
        expected = set(n.name for n in online)
      missing = sorted(expected - have)
      optional = fname not in (pathutils.Get().CLUSTER_CONF_FILE,
                               pathutils.Get().NODED_CERT_FILE)
      if not optional or have:
        self._ErrorIf(missing, ECLUSTERFILECHECK, None,
                      "File %s is missing from node(s) %s", shown,
                      utils.CommaJoin(missing))
      self._ErrorIf(len(variants) > 1, ECLUSTERFILECHECK, None,
                    "File %s found with %s different checksums (%s)", shown,
                    len(variants),
                    "; ".join("variant %d on %s" % (idx + 1,
                                                    utils.CommaJoin(v))
                              for idx, v in enumerate(variants.values())))

  def _VerifyNode(self, node, res, start, end, running):
    name = node.name
    if res is None or res.fail_msg:
      self._ErrorIf(True, ENODERPC, name,
                    "while contacting node: %s",
                    res.fail_msg if res is not None else "no result")
      return
    data = res.payload
    if not isinstance(data, dict):
      self._ErrorIf(True, ENODERPC, name, "invalid reply from node")
      return
    version = data.get("version")
    self._ErrorIf(not version or version[0] != constants.PROTOCOL_VERSION,
                  ENODEVERSION, name,
                  "incompatible protocol versions: master %s, node %s",
                  constants.PROTOCOL_VERSION,
                  version[0] if version else None)
    for hv, msg in (data.get("hypervisor") or {}).items():
      self._ErrorIf(msg, ENODEHV, name, "hypervisor %s verify failure: '%s'",
                    hv, msg)
    hvp_result = data.get("hvparms")
    if node.vm_capable and isinstance(hvp_result, list):
      for (source, hv, msg) in hvp_result:
        self._ErrorIf(True, ENODEHV, name, "hypervisor %s parameter verify"
                      " failure (source %s): %s", hv, source, msg)
    failed = data.get("nodelist") or {}
    for other, msg in sorted(failed.items()):
      self._ErrorIf(True, ENODENET, name,
                    "ssh communication with node '%s': %s", other, msg)
    net = data.get("node-net-test") or {}
    for other, msg in sorted(net.items()):
      self._ErrorIf(True, ENODENET, name, "tcp communication with node"
                    " '%s': %s", other, msg)
    ntime = data.get("time")
    if ntime:
      ntime_merged = utils.MergeTime(ntime)
      skew = constants.NODE_MAX_CLOCK_SKEW
      if ntime_merged < start - skew or ntime_merged > end + skew:
        self._ErrorIf(True, ENODETIME, name, "Node time diverges by at"
                      " least %.1fs from master node time",
                      abs(ntime_merged - start))
    for msg in data.get("nodesetup") or []:
      self._ErrorIf(True, ENODESETUP, name, "node setup error: %s", msg)
    instances = data.get("instancelist")
    if isinstance(instances, list):
      for iname in utils.NiceSort(instances):
        running.setdefault(iname, set()).add(node.uuid)
        inst = self.cfg.GetInstanceInfoByName(iname)
        if inst is None:
          self._ErrorIf(True, ENODEORPHANINSTANCE, name,
                        "node is running unknown instance %s", iname)
        elif inst.primary_node != node.uuid:
          self._ErrorIf(True, EINSTANCEWRONGNODE, inst.name,
                        "instance should not run on node %s", name)
    elif instances is not None:
      self._ErrorIf(True, ENODEHV, name, "hypervisor error: %s", instances)

  def _VerifyInstance(self, inst, running, cluster):
    pnode = self.cfg.GetNodeInfo(inst.primary_node)
    if pnode.offline or pnode.uuid in self.unreachable:
      return
    on_nodes = running.get(inst.name, set())
    if inst.admin_state == constants.ADMINST_UP:
      self._ErrorIf(inst.primary_node not in on_nodes, EINSTANCEDOWN,
                    inst.name, "instance not running on its primary node %s",
                    pnode.name)
    group = self.cfg.GetNodeGroup(pnode.group)
    ipolicy = cluster.SimpleFillIPolicy(group.ipolicy or {})
    bep = cluster.FillBE(inst)
    disks = self.cfg.GetInstanceDisks(inst.uuid)
    viol = iu.ComputeIPolicySpecViolation(
      ipolicy, bep[constants.BE_MAXMEM], bep[constants.BE_VCPUS],
      len(disks), len(inst.nics), [d.size for d in disks],
      bep[constants.BE_SPINDLE_USE],
      self.cfg.GetInstanceDiskTemplate(inst.uuid))
    for msg in viol:
      self._ErrorIf(True, EINSTANCEPOLICY, inst.name, msg,
                    code=ETYPE_WARNING)

  def HooksCallBack(self, phase, hooks_results, feedback_fn, lu_result):
    if phase != constants.HOOKS_PHASE_POST:
      return lu_result
    feedback_fn("* Hooks Results")
    for node_name, res in sorted((hooks_results or {}).items()):
      if res.offline:
        continue
      if res.fail_msg:
        self._ErrorIf(True, ENODEHOOKS, node_name,
                      "Communication failure in hooks execution: %s",
                      res.fail_msg)
        lu_result = False
        continue
      for script, hkr, output in res.payload:
        if hkr == constants.HKR_FAIL:
          self._ErrorIf(True, ENODEHOOKS, node_name,
                        "Script %s failed, output:", script)
          feedback_fn("%s" % "\n".join("      %s" % line
                                       for line in output.splitlines()))
          lu_result = False
    return lu_result and not self.bad


class LUClusterVerifyDisks(NoHooksLU):
  REQ_BGL = False

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    if self.op.group_name:
      groups = [self.cfg.LookupNodeGroup(self.op.group_name)]
    else:
      groups = sorted(self.cfg.GetAllNodeGroupsInfo())
    return ResultWithJobs([[opcodes.OpGroupVerifyDisks(group_name=g)]
                           for g in groups])


class LUGroupVerifyDisks(NoHooksLU):
  """Report instances whose disks need activation (none for file/diskless
  templates with active disks)."""
  REQ_BGL = False

  def ExpandNames(self):
    self.group_uuid = self.cfg.LookupNodeGroup(self.op.group_name)
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    res_nodes = {}
    res_missing = {}
    needs_activation = []
    for inst in self.cfg.GetAllInstancesInfo().values():
      pnode = self.cfg.GetNodeInfo(inst.primary_node)
      if pnode is None or pnode.group != self.group_uuid:
        continue
      disks = self.cfg.GetInstanceDisks(inst.uuid)
      if not disks or not inst.disks_active:
        continue
      result = self.rpc.call_blockdev_getmirrorstatus(inst.primary_node,
                                                      disks)
      if result.fail_msg:
        res_nodes[pnode.name] = result.fail_msg
        continue
      for (ok, _status) in result.payload:
        if not ok:
          needs_activation.append(inst.name)
          break
    return (res_nodes, sorted(set(needs_activation)), res_missing)

