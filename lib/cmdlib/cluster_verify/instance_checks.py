"""The instance-level checks of a group verification: where instances run,
their layout and policy, their disks' status, orphan volumes and N+1
memory redundancy.

A mixin of the group LU (needs ``self.cfg``, ``self.op`` and the
reporting of :class:`~ganeti.cmdlib.cluster_verify.ecodes.VerifyErrors`);
the node facts come from :class:`~ganeti.cmdlib.cluster_verify.
node_checks.NodeImage` objects keyed by node uuid.
"""

import re

from ganeti import constants
from ganeti import utils
from ganeti.cmdlib import instance_utils as iu
from ganeti.cmdlib.cluster_verify import ecodes
from ganeti.cmdlib.cluster_verify.ecodes import ETYPE_WARNING

#: local disk status "faulty" (Ganeti's LDS_FAULTY)
LDS_FAULTY = 3


def DiskVolumes(disk, node_uuids):
  """{node uuid: ["vg/lv", ...]} of the LVM volumes under ``disk``.

  A plain disk lives on its own nodes (or ``node_uuids[0]``, the primary);
  the children of a DRBD disk live on both of its nodes.
  """
  result = {}
  if disk.dev_type == constants.DT_PLAIN and disk.logical_id:
    nodes = list(disk.nodes or []) or node_uuids[:1]
    for node in nodes:
      result.setdefault(node, []).append("%s/%s" % tuple(disk.logical_id[:2]))
  elif disk.dev_type == constants.DT_DRBD8:
    nodes = list(disk.logical_id[:2]) if disk.logical_id else node_uuids
    for child in disk.children or []:
      if child.dev_type == constants.DT_PLAIN and child.logical_id:
        for node in nodes:
          result.setdefault(node, []).append(
            "%s/%s" % tuple(child.logical_id[:2]))
  return result


class InstanceChecks:
  """Mixin: checks of the instances of the group."""

  def _VerifyInstance(self, inst, node_image, disk_status, cluster):
    """Report an instance's problems.

    ``disk_status``: {node uuid: [(success, status dict or error)]} for
    the instance's disks on that node (nodes that did not answer are
    absent).
    """
    pnode_uuid = inst.primary_node
    pimg = node_image.get(pnode_uuid)
    pnode = self.cfg.GetNodeInfo(pnode_uuid)
    node_uuids = self.cfg.GetInstanceNodes(inst.uuid)
    snode_uuids = node_uuids[1:]
    if inst.admin_state == constants.ADMINST_UP and pimg is not None and \
        not (pimg.offline or pimg.rpc_fail or pimg.hyp_fail):
      self._ErrorIf(inst.name not in pimg.instances, ecodes.EINSTANCEDOWN,
                    inst.name, "instance not running on its primary node %s",
                    pnode.name)
    offline_nodes = [self.cfg.GetNodeName(u) for u in node_uuids
                     if node_image.get(u) is not None and
                     node_image[u].offline]
    self._ErrorIf(inst.admin_state == constants.ADMINST_UP and offline_nodes,
                  ecodes.EINSTANCEBADNODE, inst.name,
                  "instance is marked as running and lives on offline node"
                  " %s", utils.CommaJoin(offline_nodes))
    ghosts = [u for u in node_uuids if self.cfg.GetNodeInfo(u) is None]
    self._ErrorIf(ghosts, ecodes.EINSTANCEBADNODE, inst.name,
                  "instance lives on ghost node %s", utils.CommaJoin(ghosts))
    template = self.cfg.GetInstanceDiskTemplate(inst.uuid)
    if template in constants.DTS_INT_MIRROR:
      self._ErrorIf(len(snode_uuids) > 1, ecodes.EINSTANCELAYOUT, inst.name,
                    "instance has multiple secondary nodes: %s",
                    utils.CommaJoin(self.cfg.GetNodeName(u)
                                    for u in snode_uuids))
      groups = set(self.cfg.GetNodeInfo(u).group for u in node_uuids
                   if self.cfg.GetNodeInfo(u) is not None)
      if len(groups) > 1:
        names = ["%s (group %s)" % (self.cfg.GetNodeName(u),
                                    self.cfg.GetNodeGroup(
                                      self.cfg.GetNodeInfo(u).group).name)
                 for u in node_uuids]
        self._Error(ecodes.EINSTANCESPLITGROUPS, inst.name,
                    "instance has primary and secondary nodes in different"
                    " groups: %s, this is not recommended",
                    utils.CommaJoin(names), code=ETYPE_WARNING)
    self._VerifyInstancePolicy(inst, pnode, cluster)
    self._VerifyInstanceDisks(inst, node_image, disk_status)

  def _VerifyInstancePolicy(self, inst, pnode, cluster):
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
      self._Error(ecodes.EINSTANCEPOLICY, inst.name, msg, code=ETYPE_WARNING)

  def _VerifyInstanceDisks(self, inst, node_image, disk_status):
    """Missing LVs, disks whose status cannot be read, faulty disks."""
    disks = self.cfg.GetInstanceDisks(inst.uuid)
    node_uuids = self.cfg.GetInstanceNodes(inst.uuid)
    for disk in disks:
      for (node, lvs) in sorted(DiskVolumes(disk, node_uuids).items()):
        nimg = node_image.get(node)
        if nimg is None or nimg.offline or nimg.rpc_fail or \
            nimg.lvm_fail or nimg.volumes is None:
          continue
        for lv in lvs:
          self._ErrorIf(lv not in nimg.volumes, ecodes.EINSTANCEMISSINGDISK,
                        inst.name, "volume %s missing on node %s", lv,
                        nimg.name)
    if not inst.disks_active:
      return
    for (node, statuses) in sorted(
        disk_status.items(),
        key=lambda x: utils.NiceSortKey(self.cfg.GetNodeName(x[0]))):
      nimg = node_image.get(node)
      bad_snode = node != inst.primary_node and nimg is not None and \
        (nimg.offline or nimg.rpc_fail)
      name = self.cfg.GetNodeName(node)
      for (idx, (success, status)) in enumerate(statuses):
        self._ErrorIf(not success and not bad_snode,
                      ecodes.EINSTANCEFAULTYDISK, inst.name,
                      "couldn't retrieve status for disk/%s on %s: %s",
                      idx, name, status)
        self._ErrorIf(success and isinstance(status, dict) and
                      status.get("ldisk_status") == LDS_FAULTY,
                      ecodes.EINSTANCEFAULTYDISK, inst.name,
                      "disk/%s on %s is faulty", idx, name)

  def _VerifyOrphanVolumes(self, node_image, reserved_lvs, node_vols):
    """LVs on the nodes that no instance owns (``node_vols``: {node uuid:
    set of "vg/lv"} of all instances) and that are not reserved."""
    patterns = [re.compile("^%s$" % r) for r in reserved_lvs or []]
    for (uuid, nimg) in sorted(node_image.items(),
                               key=lambda x: utils.NiceSortKey(x[1].name)):
      if nimg.offline or nimg.rpc_fail or nimg.lvm_fail or \
          nimg.volumes is None:
        continue
      for lv in sorted(nimg.volumes):
        if lv in node_vols.get(uuid, ()) or \
            any(p.match(lv) for p in patterns):
          continue
        self._Error(ecodes.ENODEORPHANLV, nimg.name, "volume %s is unknown",
                    lv)

  def _VerifyNPlusOneMemory(self, node_image, cluster):
    """Every node must be able to start the auto-balanced instances whose
    secondary it is, should their primary fail (free memory against the
    sum of their minimum memory, per primary)."""
    for (uuid, nimg) in sorted(node_image.items(),
                               key=lambda x: utils.NiceSortKey(x[1].name)):
      node = self.cfg.GetNodeInfo(uuid)
      if nimg.offline or nimg.mfree is None or not node.vm_capable:
        continue
      for (prinode, inst_uuids) in sorted(nimg.sbp.items()):
        needed = 0
        for inst_uuid in inst_uuids:
          bep = cluster.FillBE(self.cfg.GetInstanceInfo(inst_uuid))
          if bep[constants.BE_AUTO_BALANCE]:
            needed += bep[constants.BE_MINMEM]
        self._ErrorIf(nimg.mfree < needed, ecodes.ENODEN1, nimg.name,
                      "not enough memory to accomodate instance failovers"
                      " should node %s fail (%dMiB needed, %dMiB available)",
                      self.cfg.GetNodeName(prinode), needed, nimg.mfree)
