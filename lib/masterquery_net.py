"""Query data of networks and job filter rules (config only, no RPC)."""

from ganeti import constants
from ganeti import query


def NetworkContext(cfg):
  """The L{query.NetworkQueryData} of all networks."""
  networks = cfg.GetAllNetworksInfo()
  net_to_groups = dict((uuid, []) for uuid in networks)
  for group in cfg.GetAllNodeGroupsInfo().values():
    for (net_uuid, params) in (group.networks or {}).items():
      if net_uuid in net_to_groups:
        net_to_groups[net_uuid].append(
          [group.name, params.get(constants.NIC_MODE),
           params.get(constants.NIC_LINK),
           params.get(constants.NIC_VLAN, "")])
  net_to_instances = dict((uuid, []) for uuid in networks)
  for inst in cfg.GetAllInstancesInfo().values():
    for nic in inst.nics:
      if nic.network in net_to_instances and \
          inst.name not in net_to_instances[nic.network]:
        net_to_instances[nic.network].append(inst.name)
  for groups in net_to_groups.values():
    groups.sort(key=lambda g: g[0])
  return query.NetworkQueryData(networks.values(), net_to_groups,
                                net_to_instances)


class FilterQueryData:
  """Data for a filter query; iterating yields L{objects.Filter}s sorted by
  (priority, UUID), the order in which the job queue applies them."""

  def __init__(self, filters):
    self.filters = sorted(filters, key=lambda f: (f.priority, f.uuid))

  def __iter__(self):
    return iter(self.filters)


def FilterContext(cfg):
  return FilterQueryData(cfg.GetAllFilters().values())
