"""Query data of networks and job filter rules (config only, no RPC)."""

from ganeti import constants
from ganeti import errors
from ganeti import query
from ganeti import utils
from ganeti.jqueue import filters as jfilters


def _CheckNames(kind, known, names):
  """Ganeti's error for a requested name that is not known."""
  for name in names or []:
    if name not in known:
      raise errors.OpPrereqError("%s name %s not found" % (kind, name),
                                 errors.ECODE_NOENT)


def NetworkContext(cfg, names=None):
  """The L{query.NetworkQueryData} of all networks.

  @param names: names a name filter asks for: each must exist
  @raise errors.OpPrereqError: for an unknown name

  """
  networks = cfg.GetAllNetworksInfo()
  _CheckNames("Network", set(n.name for n in networks.values()), names)
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
  (priority, watermark, UUID), the order in which the job queue applies them."""

  def __init__(self, filters):
    self.filters = sorted(filters, key=lambda f: (f.priority, f.watermark,
                                                  f.uuid))

  def __iter__(self):
    return iter(self.filters)


def FilterContext(cfg, names=None):
  """The L{FilterQueryData} of all rules (each requested UUID must exist)."""
  rules = cfg.GetAllFilters()
  _CheckNames("Filter", rules, names)
  return FilterQueryData(rules.values())


def QueryFilters(cfg, uuids, fields):
  """LUXI QueryFilters: rows of plain values, in the rules' order.

  @raise errors.OpPrereqError: for an unknown UUID or field

  """
  q = query.Query(query.FILTER_FIELDS, fields)
  ctx = FilterContext(cfg)
  if uuids:
    known = dict((rule.uuid, rule) for rule in ctx)
    for uuid in uuids:
      if uuid not in known:
        raise errors.OpPrereqError("Filter rule '%s' not found" % uuid,
                                   errors.ECODE_NOENT)
    ctx = FilterQueryData([known[uuid] for uuid in uuids])
  return q.OldStyleQuery(ctx, sort_by_name=False)


def ReplaceFilter(cfg, jqueue, uuid, priority, predicates, action, reason):
  """LUXI ReplaceFilter: add (C{uuid} None) or replace a rule.

  The rule's watermark is the highest job id at this moment; the queue
  re-examines the jobs it holds. Returns the rule's UUID.

  """
  if uuid is None:
    uuid = utils.NewUUID()
  rule = jfilters.MakeRule(uuid, priority, predicates, action, reason,
                           jqueue.GetLastJobId())
  cfg.SetFilter(rule)
  jqueue.FiltersChanged()
  return uuid
