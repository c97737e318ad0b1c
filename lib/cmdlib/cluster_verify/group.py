"""OP_CLUSTER_VERIFY_GROUP: gather node_verify answers and the disks'
status from the nodes of one group, then run the node checks
(:mod:`.node_checks`), the file checks, the instance checks, orphan
volumes and N+1 memory (:mod:`.instance_checks`) and the post hooks.

The progress lines and their order are Ganeti's (golden
17-cluster-verify.out); problems are lines of :mod:`.ecodes`.
"""

import time

from ganeti import constants
from ganeti import locking
from ganeti import pathutils
from ganeti import utils
from ganeti import vcluster
from ganeti.cmdlib.base import LogicalUnit
from ganeti.cmdlib.cluster_verify import ecodes
from ganeti.cmdlib.cluster_verify import node_checks as nc
from ganeti.cmdlib.cluster_verify.config import (
  CheckVerifyArguments, GetAllHypervisorParameters)
from ganeti.cmdlib.cluster_verify.ecodes import VerifyErrors
from ganeti.cmdlib.cluster_verify.instance_checks import (
  DiskVolumes, InstanceChecks)
from ganeti.cmdlib.cluster_verify.node_checks import NodeChecks, NodeImage


def _Answered(res):
  return (res is not None and not res.fail_msg and
          isinstance(res.payload, dict))


def DistributedFiles(cluster):
  """([all files], {file: True if only on master candidates},
  set(optional files)) that every node (or candidate) must hold alike."""
  paths = pathutils.Get()
  files = [paths.CLUSTER_CONF_FILE, paths.NODED_CERT_FILE,
           paths.RAPI_CERT_FILE, paths.CONFD_HMAC_KEY,
           paths.CLUSTER_DOMAIN_SECRET_FILE, paths.RAPI_USERS_FILE]
  if cluster.modify_etc_hosts and not vcluster.GetEnv()[0]:
    files.append(pathutils.ETC_HOSTS)
  mc_only = {paths.CLUSTER_CONF_FILE: True}
  optional = set([paths.RAPI_CERT_FILE, paths.CONFD_HMAC_KEY,
                  paths.CLUSTER_DOMAIN_SECRET_FILE, paths.RAPI_USERS_FILE])
  return (files, mc_only, optional)


class LUClusterVerifyGroup(LogicalUnit, VerifyErrors, NodeChecks,
                           InstanceChecks):
  HPATH = "cluster-verify"
  HTYPE = constants.HTYPE_CLUSTER
  REQ_BGL = False

  def CheckArguments(self):
    CheckVerifyArguments(self.op)

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

  # -- gathering ---------------------------------------------------------
  def _NodeVerifyParams(self, cluster):
    """The node_verify ``what`` dict for this group."""
    all_nodes = self.cfg.GetAllNodesInfo()
    online_all = [n for n in all_nodes.values() if not n.offline]
    (files, _, _) = DistributedFiles(cluster)
    master = self.cfg.GetNodeInfo(self.cfg.GetMasterNode())
    templates = set(cluster.enabled_disk_templates or [])
    checks = {
      nc.NV_VERSION: None,
      nc.NV_FILELIST: [vcluster.MakeVirtualPath(f) for f in files],
      nc.NV_NODELIST: dict((n.name, n.primary_ip) for n in online_all),
      nc.NV_HYPERVISOR: list(cluster.enabled_hypervisors),
      nc.NV_INSTANCELIST: list(cluster.enabled_hypervisors),
      nc.NV_HVINFO: cluster.primary_hypervisor,
      nc.NV_NODENETTEST: [(n.name, n.primary_ip, n.secondary_ip)
                          for n in online_all],
      nc.NV_MASTERIP: (master.name, cluster.master_ip),
      nc.NV_NODESETUP: None,
      nc.NV_TIME: None,
      nc.NV_OSLIST: None,
      nc.NV_USERSCRIPTS: self._UserScripts(cluster),
      nc.NV_OOB_PATHS: self._OobPaths(cluster),
      nc.NV_NONVMNODES: [n.name for n in self.my_nodes if not n.vm_capable],
      nc.NV_FILE_STORAGE_PATHS: master.name,
    }
    if ecodes.VERIFY_HVPARAM_ASSESSMENT not in \
        (self.op.skip_checks or []):
      checks[nc.NV_HVPARAMS] = GetAllHypervisorParameters(
        cluster, self.cfg.GetAllInstancesInfo().values())
    if constants.DT_FILE in templates and cluster.file_storage_dir:
      checks[nc.NV_FILE_STORAGE_PATH] = cluster.file_storage_dir
    if constants.DT_SHARED_FILE in templates and \
        cluster.shared_file_storage_dir:
      checks[nc.NV_SHARED_FILE_STORAGE_PATH] = \
        cluster.shared_file_storage_dir
    if templates & constants.DTS_LVM and cluster.volume_group_name:
      checks[nc.NV_VGLIST] = None
      checks[nc.NV_LVLIST] = cluster.volume_group_name
      checks[nc.NV_PVLIST] = [cluster.volume_group_name]
    # the nodes of a virtual cluster share one kernel: its DRBD minors,
    # helper and version are the host's, not theirs
    if constants.DT_DRBD8 in templates and not vcluster.GetEnv()[0]:
      checks[nc.NV_DRBDLIST] = None
      checks[nc.NV_DRBDVERSION] = None
      if cluster.drbd_usermode_helper:
        checks[nc.NV_DRBDHELPER] = cluster.drbd_usermode_helper
    # the fake hypervisor plugs no NIC anywhere: its instances (and a
    # fake-only cluster's default link) need no bridge
    bridges = set()
    default_nic = cluster.SimpleFillNIC({})
    if cluster.primary_hypervisor != constants.HT_FAKE and \
        default_nic[constants.NIC_MODE] == constants.NIC_MODE_BRIDGED:
      bridges.add(default_nic[constants.NIC_LINK])
    for inst in self.my_instances:
      if inst.hypervisor == constants.HT_FAKE:
        continue
      for nic in inst.nics:
        params = cluster.SimpleFillNIC(nic.nicparams or {})
        if params[constants.NIC_MODE] == constants.NIC_MODE_BRIDGED:
          bridges.add(params[constants.NIC_LINK])
    if bridges:
      checks[nc.NV_BRIDGES] = sorted(bridges)
    return checks

  def _UserScripts(self, cluster):
    if cluster.use_external_mip_script:
      return [vcluster.MakeVirtualPath(
        pathutils.Get().EXTERNAL_MASTER_SETUP_SCRIPT)]
    return []

  def _OobPaths(self, cluster):
    paths = set()
    for node in self.my_nodes:
      prog = cluster.FillND(node, self.group).get(constants.ND_OOB_PROGRAM)
      if prog:
        paths.add(prog)
    return sorted(paths)

  def _BuildNodeImages(self):
    images = dict((n.uuid, NodeImage(uuid=n.uuid, name=n.name,
                                     offline=n.offline,
                                     vm_capable=n.vm_capable))
                  for n in self.my_nodes)
    for inst in self.my_instances:
      nodes = self.cfg.GetInstanceNodes(inst.uuid)
      for (idx, node) in enumerate(nodes):
        if node not in images:
          # a secondary in another group: known, but not checked here
          ninfo = self.cfg.GetNodeInfo(node)
          images[node] = NodeImage(uuid=node,
                                   name=self.cfg.GetNodeName(node),
                                   offline=bool(ninfo and ninfo.offline))
          images[node].ghost = ninfo is None
          images[node].foreign = True
        if idx == 0:
          images[node].pinst.append(inst.uuid)
        else:
          images[node].sinst.append(inst.uuid)
          images[node].sbp.setdefault(nodes[0], []).append(inst.uuid)
    return images

  def _CollectDiskStatus(self, online_uuids):
    """{instance uuid: {node uuid: [(success, status)]}} of the group's
    instances with disks, asked from the online nodes holding them (one
    call per node for all its disks)."""
    per_node = {}
    for inst in self.my_instances:
      if self.cfg.GetInstanceDiskTemplate(inst.uuid) == \
          constants.DT_DISKLESS:
        continue
      disks = self.cfg.GetInstanceDisks(inst.uuid)
      if not disks:
        continue
      for node in self.cfg.GetInstanceNodes(inst.uuid):
        if node in online_uuids:
          per_node.setdefault(node, []).append((inst.uuid, disks))
    status = {}
    for (node, entries) in sorted(per_node.items()):
      all_disks = [d for (_, disks) in entries for d in disks]
      res = self.rpc.call_blockdev_getmirrorstatus(node, all_disks)
      if res.fail_msg:
        answers = [(False, res.fail_msg)] * len(all_disks)
      elif not (isinstance(res.payload, list) and
                len(res.payload) == len(all_disks)):
        answers = [(False, "invalid reply from node")] * len(all_disks)
      else:
        answers = [tuple(e) for e in res.payload]
      for (inst_uuid, disks) in entries:
        status.setdefault(inst_uuid, {})[node] = answers[:len(disks)]
        answers = answers[len(disks):]
    return status

  # -- the run -------------------------------------------------------------
  def Exec(self, feedback_fn):
    self.bad = False
    self._feedback_fn = feedback_fn
    cluster = self.cfg.GetClusterInfo()
    feedback_fn("* Verifying group '%s'" % self.group.name)
    online = [n for n in self.my_nodes if not n.offline]
    feedback_fn("* Gathering data (%d nodes)" % len(online))
    checks = self._NodeVerifyParams(cluster)
    self._checks = checks
    hvparams = dict((hv, cluster.hvparams.get(hv, {}))
                    for hv in cluster.enabled_hypervisors)
    start = time.time()
    results = self.rpc.call_node_verify([n.uuid for n in online], checks,
                                        cluster.cluster_name, hvparams)
    end = time.time()
    feedback_fn("* Gathering information about nodes (%d nodes)" %
                len(online))
    images = self._BuildNodeImages()
    answered = [n for n in online if _Answered(results.get(n.uuid))]
    answered_uuids = set(n.uuid for n in answered)
    feedback_fn("* Gathering disk information (%d nodes)" % len(online))
    disk_status = self._CollectDiskStatus(answered_uuids)
    feedback_fn("* Verifying configuration file consistency")
    # nodes that did not answer are reported once (ENODERPC), not again
    # for every file and instance they hold
    self._VerifyFiles(answered, results, cluster)
    feedback_fn("* Verifying node status")
    master_uuid = self.cfg.GetMasterNode()
    drbd_maps = self._DrbdMaps()
    reference = None
    node_answers = []
    for node in online:
      nimg = images[node.uuid]
      res = results.get(node.uuid)
      if not self._VerifyNodeRpc(nimg, res):
        continue
      data = res.payload
      if not self._VerifyNodeVersion(node.name, data):
        nimg.rpc_fail = True
        continue
      node_answers.append((node.name, data))
      self._VerifyNode(node, nimg, data, start, end, master_uuid, cluster,
                       drbd_maps.get(node.uuid, {}))
      if node.vm_capable:
        self._VerifyNodeOs(nimg, data, reference)
        if reference is None and nimg.oslist is not None:
          reference = nimg
    self._VerifyGroupDrbdVersion(node_answers)
    feedback_fn("* Verifying instance status")
    counts = dict.fromkeys(("non_redundant", "non_balanced", "offline"), 0)
    for inst in self.my_instances:
      self._VerifyInstance(inst, images, disk_status.get(inst.uuid, {}),
                           cluster)
      self._CountInstance(inst, cluster, counts)
    feedback_fn("* Verifying orphan volumes")
    self._VerifyOrphanVolumes(
      dict((u, i) for (u, i) in images.items()
           if u in answered_uuids), cluster.reserved_lvs,
      self._InstanceVolumes())
    if ecodes.VERIFY_NPLUSONE_MEM not in (self.op.skip_checks or []):
      feedback_fn("* Verifying N+1 Memory redundancy")
      self._VerifyNPlusOneMemory(
        dict((u, i) for (u, i) in images.items() if u in answered_uuids),
        cluster)
    feedback_fn("* Other Notes")
    self._OtherNotes(feedback_fn, counts)
    return not self.bad

  def _VerifyNode(self, node, nimg, data, start, end, master_uuid, cluster,
                  drbd_map):
    name = node.name
    self._VerifyNodeHypervisor(node, data)
    self._VerifyNodeNetwork(node, data, master_uuid)
    self._VerifyNodeTime(name, data, start, end)
    self._VerifyNodeSetup(name, data)
    self._VerifyNodeUserScripts(name, data)
    self._VerifyNodeOob(name, data)
    self._VerifyNodeFileStorage(name, data, node.uuid == master_uuid)
    if node.vm_capable:
      asked = self._checks
      self._VerifyNodeLvm(nimg, data, cluster.volume_group_name
                          if nc.NV_VGLIST in asked else None)
      self._VerifyNodeDrbd(nimg, data, asked.get(nc.NV_DRBDHELPER),
                           drbd_map)
      self._UpdateNodeInstances(nimg, data)
      self._UpdateNodeInfo(nimg, data)
      for iname in nimg.instances:
        inst = self.cfg.GetInstanceInfoByName(iname)
        if inst is None:
          self._Error(ecodes.ENODEORPHANINSTANCE, name,
                      "node is running unknown instance %s", iname)
        elif inst.primary_node != node.uuid:
          self._Error(ecodes.EINSTANCEWRONGNODE, inst.name,
                      "instance should not run on node %s", name)

  def _DrbdMaps(self):
    """{node uuid: {minor: (instance name, must be active)}}."""
    result = {}
    for (node, minors) in self.cfg.ComputeDRBDMap().items():
      for (minor, inst_uuid) in minors.items():
        inst = self.cfg.GetInstanceInfo(inst_uuid)
        name = inst.name if inst else inst_uuid
        active = bool(inst and inst.disks_active)
        result.setdefault(node, {})[minor] = (name, active)
    return result

  def _InstanceVolumes(self):
    vols = {}
    for inst in self.cfg.GetAllInstancesInfo().values():
      nodes = self.cfg.GetInstanceNodes(inst.uuid)
      for disk in self.cfg.GetInstanceDisks(inst.uuid):
        for (node, lvs) in DiskVolumes(disk, nodes).items():
          vols.setdefault(node, set()).update(lvs)
    return vols

  def _CountInstance(self, inst, cluster, counts):
    if inst.admin_state == constants.ADMINST_OFFLINE:
      counts["offline"] += 1
    if self.cfg.GetInstanceDiskTemplate(inst.uuid) not in \
        constants.DTS_MIRRORED or not \
        self.cfg.GetInstanceSecondaryNodes(inst.uuid):
      counts["non_redundant"] += 1
    if not cluster.FillBE(inst)[constants.BE_AUTO_BALANCE]:
      counts["non_balanced"] += 1

  def _OtherNotes(self, feedback_fn, counts):
    for (key, text) in (("non_redundant", "non-redundant instance(s)"),
                        ("non_balanced", "non-auto-balanced instance(s)"),
                        ("offline", "offline instance(s)")):
      if counts[key]:
        feedback_fn("  - NOTICE: %d %s found." % (counts[key], text))
    n_offline = sum(1 for n in self.my_nodes if n.offline)
    if n_offline:
      feedback_fn("  - NOTICE: %d offline node(s) found." % n_offline)
    n_drained = sum(1 for n in self.my_nodes if n.drained)
    if n_drained:
      feedback_fn("  - NOTICE: %d drained node(s) found." % n_drained)

  def _VerifyFiles(self, online, results, cluster):
    """Each distributed file must exist with one checksum on the nodes
    that should have it (the configuration: master candidates only)."""
    (files, mc_only, optional) = DistributedFiles(cluster)
    master = self.cfg.GetMasterNode()
    sums = {}
    reporting = []
    for node in online:
      res = results.get(node.uuid)
      filelist = res.payload.get(nc.NV_FILELIST)
      if not isinstance(filelist, dict):
        self._Error(ecodes.ENODEFILECHECK, node.name,
                    "Node did not return file checksum data")
        continue
      reporting.append(node)
      for (vname, checksum) in filelist.items():
        fname = vcluster.LocalizeVirtualPath(vname) \
          if vname.startswith(vcluster.VIRT_PATH_PREFIX) else vname
        sums.setdefault(fname, {}).setdefault(checksum, []).append(node.name)
    candidates = set(n.uuid for n in reporting
                     if n.master_candidate or n.uuid == master)
    rootdir = vcluster.GetEnv()[0]
    for fname in files:
      variants = sums.get(fname, {})
      shown = fname[len(rootdir):] if rootdir and \
        fname.startswith(rootdir) else fname
      have = set(n for names in variants.values() for n in names)
      if mc_only.get(fname):
        expected = set(self.cfg.GetNodeName(u) for u in candidates)
        unexpected = sorted(have - expected)
        self._ErrorIf(unexpected, ecodes.ECLUSTERFILECHECK, None,
                      "File %s should not exist on node(s) %s", shown,
                      utils.CommaJoin(unexpected))
      else:
        expected = set(n.name for n in reporting)
      missing = sorted(expected - have)
      if fname not in optional or have:
        self._ErrorIf(missing, ecodes.ECLUSTERFILECHECK, None,
                      "File %s is missing from node(s) %s", shown,
                      utils.CommaJoin(missing))
      self._ErrorIf(len(variants) > 1, ecodes.ECLUSTERFILECHECK, None,
                    "File %s found with %s different checksums (%s)", shown,
                    len(variants),
                    "; ".join("variant %d on %s" % (idx + 1,
                                                    utils.CommaJoin(v))
                              for (idx, v) in enumerate(variants.values())))

  def HooksCallBack(self, phase, hooks_results, feedback_fn, lu_result):
    if phase != constants.HOOKS_PHASE_POST:
      return lu_result
    feedback_fn("* Hooks Results")
    for (node_name, res) in sorted((hooks_results or {}).items()):
      if res.offline:
        continue
      if res.fail_msg:
        self._Error(ecodes.ENODEHOOKS, node_name,
                    "Communication failure in hooks execution: %s",
                    res.fail_msg)
        lu_result = False
        continue
      for (script, hkr, output) in res.payload:
        if hkr == constants.HKR_FAIL:
          self._Error(ecodes.ENODEHOOKS, node_name,
                      "Script %s failed, output:", script)
          feedback_fn("%s" % "\n".join("      %s" % line
                                       for line in output.splitlines()))
          lu_result = False
    return lu_result and not self.bad
