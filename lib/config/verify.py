"""Consistency checks of a configuration (used before every write)."""

from ganeti import constants


def VerifyConfigData(data):
  """Return a list of human-readable problems found in an objects.ConfigData.

  The checks are structural: cross references between objects must
  resolve, names must be unique, and required values must be present.
  """
  result = []
  cluster = data.cluster
  if not cluster.enabled_hypervisors:
    result.append("enabled hypervisors list doesn't have any entries")
  invalid = set(cluster.enabled_hypervisors or []) - constants.HYPER_TYPES
  if invalid:
    result.append("enabled hypervisors contains invalid entries: %s" %
                  ", ".join(sorted(invalid)))
  if cluster.master_node not in data.nodes:
    result.append("cluster has invalid primary node '%s'" %
                  cluster.master_node)
  seen_names = {}
  for uuid, node in data.nodes.items():
    if node.uuid != uuid:
      result.append("node '%s' is indexed by wrong UUID '%s'" %
                    (node.name, uuid))
    if node.group not in data.nodegroups:
      result.append("node '%s' has invalid group '%s'" %
                    (node.name, node.group))
    if node.name in seen_names:
      result.append("duplicate node name '%s'" % node.name)
    seen_names[node.name] = uuid
    flags = [f for f in ("master_candidate", "drained", "offline")
             if getattr(node, f)]
    if len(flags) > 1:
      result.append("Node %s is in more than one state: %s" %
                    (node.name, ", ".join(flags)))
  seen_names = {}
  for uuid, inst in data.instances.items():
    if inst.uuid != uuid:
      result.append("instance '%s' is indexed by wrong UUID '%s'" %
                    (inst.name, uuid))
    if inst.primary_node not in data.nodes:
      result.append("instance '%s' has invalid primary node '%s'" %
                    (inst.name, inst.primary_node))
    for disk_uuid in inst.disks or []:
      if disk_uuid not in data.disks:
        result.append("instance '%s' has invalid disk '%s'" %
                      (inst.name, disk_uuid))
    if inst.name in seen_names:
      result.append("duplicate instance name '%s'" % inst.name)
    seen_names[inst.name] = uuid
    if inst.admin_state not in constants.ADMINST_ALL:
      result.append("instance '%s' has invalid admin state '%s'" %
                    (inst.name, inst.admin_state))
  used_disks = set()
  for inst in data.instances.values():
    used_disks.update(inst.disks or [])
  for disk_uuid in data.disks:
    if disk_uuid not in used_disks:
      result.append("disk '%s' is not attached to any instance" % disk_uuid)
  return result
