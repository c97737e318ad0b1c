"""Compute the ssconf values (``/var/lib/ganeti/ssconf_<key>``) from a config.

Lists are joined with newlines; the node writes each value with a trailing
newline unless it is empty.
"""

from ganeti import constants
from ganeti import utils
from ganeti.config.groups import FillNdParams


def _Join(items):
  return "\n".join(items)


def ComputeSsconfValues(data):
  """Return {key: text} for every ssconf key, from an objects.ConfigData."""
  cluster = data.cluster
  nodes = sorted(data.nodes.values(), key=lambda n: n.name)
  mcs = [n for n in nodes if n.master_candidate]
  master = data.nodes.get(cluster.master_node)
  instance_names = utils.NiceSort([i.name for i in data.instances.values()])
  values = {
    "cluster_name": cluster.cluster_name,
    "cluster_tags": _Join(sorted(cluster.GetTags())),
    "file_storage_dir": cluster.file_storage_dir or "",
    "shared_file_storage_dir": cluster.shared_file_storage_dir or "",
    "gluster_storage_dir": cluster.gluster_storage_dir or "",
    "master_candidates": _Join(n.name for n in mcs),
    "master_candidates_ips": _Join(n.primary_ip for n in mcs),
    "master_candidates_certs": _Join(
      "%s=%s" % (k, v) for k, v in sorted(cluster.candidate_certs.items())),
    "master_ip": cluster.master_ip or "",
    "master_netdev": cluster.master_netdev or "",
    "master_netmask": str(cluster.master_netmask),
    "master_node": master.name if master else "",
    "node_list": _Join(n.name for n in nodes),
    "node_primary_ips": _Join("%s %s" % (n.name, n.primary_ip)
                              for n in nodes),
    "node_secondary_ips": _Join("%s %s" % (n.name, n.secondary_ip)
                                for n in nodes),
    "node_vm_capable": _Join("%s=%s" % (n.name, n.vm_capable)
                             for n in nodes),
    "offline_nodes": _Join(n.name for n in nodes if n.offline),
    "online_nodes": _Join(n.name for n in nodes if not n.offline),
    "primary_ip_family": str(cluster.primary_ip_family),
    "instance_list": _Join(instance_names),
    "release_version": constants.RELEASE_VERSION,
    "hypervisor_list": _Join(cluster.enabled_hypervisors),
    "maintain_node_health": str(bool(cluster.maintain_node_health)),
    "uid_pool": _Join("%s-%s" % (a, b) if a != b else str(a)
                      for (a, b) in cluster.uid_pool or []),
    "nodegroups": _Join("%s %s" % (g.uuid, g.name) for g in
                        utils.NiceSort(data.nodegroups.values(),
                                       key=lambda g: g.name)),
    "networks": _Join("%s %s" % (n.uuid, n.name) for n in
                      utils.NiceSort(data.networks.values(),
                                     key=lambda n: n.name)),
    "enabled_user_shutdown": str(bool(cluster.enabled_user_shutdown)),
    "ssh_ports": _Join("%s=%s" % (n.name, FillNdParams(
      cluster, data.nodegroups.get(n.group), n).get(constants.ND_SSH_PORT,
                                                     22)) for n in nodes),
  }
  for hv in sorted(constants.HYPER_TYPES):
    params = cluster.hvparams.get(hv, {})
    values["hvparams_%s" % hv] = _Join("%s=%s" % (k, params[k])
                                       for k in sorted(params))
  return values
