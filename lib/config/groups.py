"""Node groups in the configuration: membership and parameter inheritance.

Mixed into :class:`ganeti.config.ConfigWriter` (which owns ``_lock``,
``_config_data`` and ``_WriteConfig``).

Parameter inheritance is Ganeti's:

* node parameters: cluster ``ndparams`` <- group ``ndparams`` <- node
  ``ndparams`` (:meth:`GroupsConfigMixin.GetNdParams`);
* disk parameters: cluster ``diskparams`` <- group ``diskparams``, per disk
  template (:meth:`GroupsConfigMixin.GetGroupDiskParams`);
* instance policy: cluster ``ipolicy`` <- group ``ipolicy`` where the group
  replaces ``minmax`` whole and ``std`` key by key
  (:meth:`GroupsConfigMixin.GetGroupIPolicy`).

Every consumer (LUs, queries, ssconf, the iallocator input) must use these
helpers (or the objects.Cluster Fill* functions they wrap) rather than read
one level only.
"""

import time

from ganeti import constants
from ganeti import errors
from ganeti import objects
from ganeti import utils


class GroupsConfigMixin:
  """Node group accessors and modifiers of the ConfigWriter."""

  # Reading ---------------------------------------------------------------
  def GetNodeGroupInfoByName(self, name):
    """The group object called ``name`` (exact match), or None."""
    with self._lock:
      for group in self._config_data.nodegroups.values():
        if group.name == name:
          return group
      return None

  def GetNodeGroupMembers(self, group_uuid):
    """UUIDs of the nodes of a group (nice-sorted by name)."""
    with self._lock:
      nodes = [n for n in self._config_data.nodes.values()
               if n.group == group_uuid]
      return [n.uuid for n in utils.NiceSort(nodes, key=lambda n: n.name)]

  def GetNodeGroupInstances(self, group_uuid, primary_only=False):
    """UUIDs of the instances with a node in the group.

    @param primary_only: only those whose primary node is in the group
    """
    with self._lock:
      members = set(n.uuid for n in self._config_data.nodes.values()
                    if n.group == group_uuid)
      result = []
      for inst in self._config_data.instances.values():
        if primary_only:
          nodes = [inst.primary_node]
        else:
          nodes = self._UnlockedGetInstanceNodes(inst)
        if members.intersection(nodes):
          result.append(inst.uuid)
      return result

  def GetInstanceNodeGroups(self, inst_uuid, primary_only=False):
    """The group UUIDs of an instance's nodes (a frozenset)."""
    with self._lock:
      inst = self._config_data.instances.get(inst_uuid)
      if inst is None:
        raise errors.ConfigurationError("Unknown instance '%s'" % inst_uuid)
      if primary_only:
        nodes = [inst.primary_node]
      else:
        nodes = self._UnlockedGetInstanceNodes(inst)
      return frozenset(self._config_data.nodes[n].group for n in nodes
                       if n in self._config_data.nodes)

  def GetNdParams(self, node):
    """The node's filled node parameters (cluster <- group <- node)."""
    with self._lock:
      group = self._config_data.nodegroups.get(node.group)
      return FillNdParams(self._config_data.cluster, group, node)

  def GetNdGroupParams(self, group):
    """A group's filled node parameters (cluster <- group)."""
    return self._config_data.cluster.SimpleFillND(group.ndparams or {})

  def GetGroupDiskParams(self, group):
    """A group's filled disk parameters, per disk template."""
    return self._config_data.cluster.SimpleFillDP(group.diskparams or {})

  def GetGroupIPolicy(self, group):
    """A group's filled instance policy."""
    return self._config_data.cluster.SimpleFillIPolicy(group.ipolicy or {})

  # Writing ---------------------------------------------------------------
  def AddNodeGroup(self, group, ec_id=None, check_uuid=True):
    """Add a new node group (name must be unused; ECODE_EXISTS)."""
    with self._lock:
      if self.GetNodeGroupInfoByName(group.name) is not None:
        raise errors.OpPrereqError("Desired group name '%s' already exists"
                                   " as a node group (UUID: %s)" %
                                   (group.name,
                                    self.GetNodeGroupInfoByName(
                                      group.name).uuid),
                                   errors.ECODE_EXISTS)
      if not group.uuid or (check_uuid and self._IsUuidUsed(group.uuid)):
        group.uuid = self.GenerateUniqueID(ec_id)
      now = time.time()
      group.serial_no = 1
      group.ctime = group.mtime = now
      group.members = []
      group.UpgradeConfig()
      self._config_data.nodegroups[group.uuid] = group
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def RemoveNodeGroup(self, group_uuid):
    """Remove an (empty) group; ConfigurationError if unknown."""
    with self._lock:
      if group_uuid not in self._config_data.nodegroups:
        raise errors.ConfigurationError("Unknown node group '%s'" %
                                        group_uuid)
      if self.GetNodeGroupMembers(group_uuid):
        raise errors.ConfigurationError("Node group '%s' still has nodes" %
                                        group_uuid)
      del self._config_data.nodegroups[group_uuid]
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def RenameNodeGroup(self, group_uuid, new_name):
    """Give a group a new (unused) name."""
    with self._lock:
      group = self._config_data.nodegroups.get(group_uuid)
      if group is None:
        raise errors.ConfigurationError("Unknown node group '%s'" %
                                        group_uuid)
      other = self.GetNodeGroupInfoByName(new_name)
      if other is not None and other.uuid != group_uuid:
        raise errors.ConfigurationError("Node group name '%s' is in use" %
                                        new_name)
      group.name = new_name
      group.serial_no = (group.serial_no or 0) + 1
      group.mtime = time.time()
      self._config_data.cluster.serial_no += 1
      self._WriteConfig()

  def AssignGroupNodes(self, mods):
    """Move nodes between groups: ``mods`` is [(node uuid, group uuid)].

    The whole change is checked first and written once; the serial numbers
    of the nodes and of both groups are bumped.
    """
    with self._lock:
      data = self._config_data
      for (node_uuid, group_uuid) in mods:
        if node_uuid not in data.nodes:
          raise errors.ConfigurationError("Unknown node '%s'" % node_uuid)
        if group_uuid not in data.nodegroups:
          raise errors.ConfigurationError("Unknown node group '%s'" %
                                          group_uuid)
      now = time.time()
      touched = set()
      for (node_uuid, group_uuid) in mods:
        node = data.nodes[node_uuid]
        if node.group == group_uuid:
          continue
        touched.update([node.group, group_uuid])
        node.group = group_uuid
        node.serial_no = (node.serial_no or 0) + 1
        node.mtime = now
      for group_uuid in touched:
        group = data.nodegroups.get(group_uuid)
        if group is not None:
          group.serial_no = (group.serial_no or 0) + 1
          group.mtime = now
      data.cluster.serial_no += 1
      self._WriteConfig()


def FillNdParams(cluster, group, node):
  """Node parameters of ``node`` filled from its group and the cluster.

  ``group`` may be None (a node whose group is unknown gets the cluster
  values under its own).
  """
  if group is None:
    return cluster.SimpleFillND(node.ndparams or {})
  return cluster.FillND(node, group)


def NewNodeGroup(name, alloc_policy=None, ndparams=None, diskparams=None,
                 ipolicy=None, hv_state=None, disk_state=None, uuid=None):
  """A NodeGroup object as LUGroupAdd stores it (defaults filled)."""
  return objects.NodeGroup(
    name=name, uuid=uuid, members=[],
    alloc_policy=alloc_policy or constants.ALLOC_POLICY_PREFERRED,
    ndparams=ndparams or {}, diskparams=diskparams or {},
    ipolicy=ipolicy or {}, hv_state_static=hv_state or {},
    disk_state_static=disk_state or {}, networks={}, tags=set())
