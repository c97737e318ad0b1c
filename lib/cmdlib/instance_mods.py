"""NIC and disk modification lists of OpInstanceSetParams.

A modification is ``(action, identifier, params)``: action ``add``,
``remove``, ``modify`` (disks also ``attach``, ``detach``); identifier an
index (``-1`` is the last item, or the end for ``add``), a name or a UUID.
The 2.3 form ``(add | remove | index, params)`` is upgraded first.  Here
the list is validated without the cluster (``CheckMods``) and applied to
a copy of the instance's items (``ApplyContainerMods``), recording the
change descriptions Ganeti returns (``nic.0``, ``nic.mac/1``, ``nic/2``).
"""

import copy
import re

from ganeti import constants
from ganeti import errors
from ganeti import netutils
from ganeti import objects
from ganeti.cmdlib.cluster_params import ForceParamTypes, GetUpdatedParams

_MAC_RE = re.compile(r"^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$", re.I)
_NIC_PARAM_KEYS = (constants.INIC_MODE, constants.INIC_LINK,
                   constants.INIC_VLAN)


def _Inval(msg):
  return errors.OpPrereqError(msg, errors.ECODE_INVAL)


def AddIndex(identifier, count, kind):
  """The index at which an ``add`` modification inserts into a list of
  ``count`` items of ``kind`` ("disk", "NIC"): ``identifier`` as an
  integer, -1 meaning the end.

  @raise errors.OpPrereqError: not an integer, negative other than -1,
    or beyond the end (ECODE_INVAL)
  """
  try:
    idx = int(identifier)
  except (TypeError, ValueError):
    raise _Inval("Only positive integer or -1 is accepted as identifier"
                 " for %s" % constants.DDM_ADD)
  if idx == -1:
    return count
  if idx < 0:
    raise _Inval("Not accepting negative indices other than -1")
  if idx > count:
    raise _Inval("Got %s index %s, but there are only %s" %
                 (kind, idx, count))
  return idx


def NormalizeAndValidateMac(mac):
  """Lower-case ``aa:bb:...`` form of a MAC address.

  @raise errors.OpPrereqError: not a MAC address
  """
  if not isinstance(mac, str) or not _MAC_RE.match(mac):
    raise _Inval("Invalid MAC address '%s'" % mac)
  return mac.lower().replace("-", ":")


def UpgradeMods(kind, mods):
  """Turn the 2.3 two-element form into three-element modifications."""
  if not mods or len(mods[0]) == 3:
    return [tuple(m) for m in mods]
  result = []
  addremove = 0
  for (op, params) in mods:
    if op in (constants.DDM_ADD, constants.DDM_REMOVE):
      result.append((op, -1, params))
      addremove += 1
      if addremove > 1:
        raise _Inval("Only one %s add or remove operation is supported at a"
                     " time" % kind)
    else:
      result.append((constants.DDM_MODIFY, op, params))
  return result


def VerifyNicModification(op, params):
  """Normalize the parameters of a NIC add/modify in place."""
  ip = params.get(constants.INIC_IP)
  name = params.get(constants.INIC_NAME)
  req_net = params.get(constants.INIC_NETWORK)
  if name is not None and name.lower() == constants.VALUE_NONE:
    params[constants.INIC_NAME] = None
  if req_net is not None:
    if req_net.lower() == constants.VALUE_NONE:
      params[constants.INIC_NETWORK] = None
    elif (params.get(constants.INIC_LINK) is not None or
          params.get(constants.INIC_MODE) is not None):
      raise _Inval("If network is given mode or link should not")
  if op == constants.DDM_ADD and params.get(constants.INIC_MAC) is None:
    params[constants.INIC_MAC] = constants.VALUE_AUTO
  if ip is not None:
    if ip.lower() == constants.VALUE_NONE:
      params[constants.INIC_IP] = None
    elif ip.lower() == "pool":
      if op == constants.DDM_ADD and req_net is None:
        raise _Inval("If ip=pool, parameter network cannot be none")
    elif not netutils.IPAddress.IsValid(ip):
      raise _Inval("Invalid IP address '%s'" % ip)
  if constants.INIC_MAC in params:
    mac = params[constants.INIC_MAC]
    if mac not in (constants.VALUE_AUTO, constants.VALUE_GENERATE):
      params[constants.INIC_MAC] = NormalizeAndValidateMac(mac)
    if op == constants.DDM_MODIFY and mac == constants.VALUE_AUTO:
      raise _Inval("'auto' is not a valid MAC address when modifying an"
                   " existing NIC")


def VerifyDiskModification(op, params):
  """Check the parameters of a disk modify (mode, name)."""
  if op == constants.DDM_MODIFY:
    if constants.IDISK_SIZE in params:
      raise _Inval("Disk size change not possible, use grow-disk")
    unknown = sorted(set(params) - set([constants.IDISK_MODE,
                                        constants.IDISK_NAME]))
    if unknown:
      raise _Inval("Disk modification doesn't support additional arbitrary"
                   " parameters: %s" % ", ".join(unknown))
  mode = params.get(constants.IDISK_MODE)
  if mode is not None and mode not in constants.DISK_ACCESS_SET:
    raise _Inval("Invalid disk access mode '%s'" % mode)
  name = params.get(constants.IDISK_NAME)
  if name is not None and name.lower() == constants.VALUE_NONE:
    params[constants.IDISK_NAME] = None


def CheckMods(kind, mods, key_types, item_fn):
  """Validate a modification list (no cluster state); return it upgraded."""
  mods = UpgradeMods(kind, mods)
  for (op, _, params) in mods:
    if not isinstance(params, dict):
      raise _Inval("Invalid %s parameters: %r" % (kind, params))
    if key_types:
      ForceParamTypes(kind, params, key_types)
    if op in (constants.DDM_REMOVE, constants.DDM_DETACH):
      if params:
        raise _Inval("No settings should be passed when removing a %s" %
                     kind)
    elif op in (constants.DDM_ADD, constants.DDM_MODIFY,
                constants.DDM_ATTACH):
      item_fn(op, params)
    else:
      raise _Inval("Invalid %s modification '%s'" % (kind, op))
  return mods


def GetItemFromContainer(identifier, kind, container):
  """(absolute index, item) of an index, name or UUID.

  @raise errors.OpPrereqError: no such item
  """
  try:
    idx = int(identifier)
  except (TypeError, ValueError):
    idx = None
  if idx is not None:
    if idx == -1:
      idx = len(container) - 1
    elif idx < 0:
      raise _Inval("Not accepting negative indices other than -1")
    if not 0 <= idx < len(container):
      raise _Inval("Got %s index %s, but there are only %s" %
                   (kind, identifier, len(container)))
    return (idx, container[idx])
  for (idx, item) in enumerate(container):
    if identifier in (item.uuid, item.name):
      return (idx, item)
  raise errors.OpPrereqError("Cannot find %s with identifier %s" %
                             (kind, identifier), errors.ECODE_NOENT)


def ApplyContainerMods(kind, container, chgdesc, mods, create_fn, modify_fn,
                       remove_fn=None):
  """Apply ``mods`` to the list ``container`` in place.

  ``create_fn(idx, params)`` returns ``(item, changes)``,
  ``modify_fn(idx, item, params)`` returns changes; changes are appended
  to ``chgdesc`` as (name, value) pairs.
  """
  for (op, identifier, params) in mods:
    if op == constants.DDM_ADD:
      idx = AddIndex(identifier, len(container), kind)
      (item, changes) = create_fn(idx, params)
      container.insert(idx, item)
      chgdesc.extend(changes)
    elif op in (constants.DDM_REMOVE, constants.DDM_MODIFY):
      (absidx, item) = GetItemFromContainer(identifier, kind, container)
      if op == constants.DDM_REMOVE:
        if remove_fn is not None:
          remove_fn(absidx, item)
        del container[absidx]
        chgdesc.append(("%s/%s" % (kind, absidx), "remove"))
      else:
        chgdesc.extend(modify_fn(absidx, item, params))
    else:
      raise _Inval("Operation '%s' on %ss is not supported" % (op, kind))


class NicChanges:
  """Compute the new NIC list of an instance (on copies of the NICs).

  @ivar nics: the new list of objects.NIC
  @ivar changes: the change descriptions

  """

  def __init__(self, lu, instance, mods):
    self.lu = lu
    self.cfg = lu.cfg
    self.cluster = lu.cfg.GetClusterInfo()
    self.instance = instance
    self.nics = [copy.deepcopy(n) for n in instance.nics]
    self.changes = []
    self._macs = set()
    ApplyContainerMods("nic", self.nics, self.changes, mods, self._Create,
                       self._Modify)
    if len(self.nics) > constants.MAX_NICS:
      raise errors.OpPrereqError("Instance has too many network interfaces"
                                 " (%d), cannot add more" % constants.MAX_NICS,
                                 errors.ECODE_STATE)
    names = [n.name for n in self.nics if n.name]
    if len(names) != len(set(names)):
      raise errors.OpPrereqError("Duplicate NIC names: an instance can not"
                                 " have two NICs with the same name",
                                 errors.ECODE_NOTUNIQUE)

  def _UsedMacs(self):
    used = set(self._macs)
    for inst in self.cfg.GetAllInstancesInfo().values():
      if inst.uuid != self.instance.uuid:
        used.update(n.mac for n in inst.nics)
    used.update(n.mac for n in self.nics)
    return used

  def _NewMac(self, mac, old=None):
    if mac in (constants.VALUE_AUTO, constants.VALUE_GENERATE):
      mac = self.cfg.GenerateMAC(None)
    elif mac != old and mac in self._UsedMacs():
      raise errors.OpPrereqError("MAC address %s already in use in cluster" %
                                 mac, errors.ECODE_NOTUNIQUE)
    self._macs.add(mac)
    return mac

  def _Network(self, params, old_uuid=None):
    """(network UUID or None, its NIC parameters in the primary node's
    group or None) of a NIC given the modification parameters."""
    if constants.INIC_NETWORK not in params:
      net_uuid = old_uuid
    elif params[constants.INIC_NETWORK] is None:
      return (None, None)
    else:
      net_uuid = self.cfg.LookupNetwork(params[constants.INIC_NETWORK])
    if net_uuid is None:
      return (None, None)
    netparams = self.cfg.GetGroupNetParams(net_uuid,
                                           self.instance.primary_node)
    if netparams is None:
      raise _Inval("No netparams found for network %s. Probably not"
                   " connected to node's %s nodegroup" %
                   (self.cfg.GetNetwork(net_uuid).name,
                    self.cfg.GetNodeName(self.instance.primary_node)))
    return (net_uuid, netparams)

  def _Params(self, old_params, params, netparams=None):
    """(new nicparams, filled) after checking mode and link.

    On a network, the parameters are the network's in the group.

    """
    if netparams is not None:
      new = dict(netparams)
      return (new, self.cluster.SimpleFillNIC(new), new != old_params)
    update = dict((k, params[k]) for k in _NIC_PARAM_KEYS if k in params)
    new = GetUpdatedParams(old_params or {}, update)
    filled = self.cluster.SimpleFillNIC(new)
    try:
      objects.NIC.CheckParameterSyntax(filled)
    except errors.ConfigurationError as err:
      raise _Inval("Invalid NIC parameters: %s" % err)
    return (new, filled, bool(update))

  def _Ip(self, net_uuid, ip, old_ip=None):
    """The IP of a NIC on a network: from the pool for "pool", else checked
    and reserved for the job (an unchanged address is kept as it is)."""
    if isinstance(ip, str) and ip.lower() == constants.NIC_IP_POOL:
      ip = constants.NIC_IP_POOL
    if ip is None or net_uuid is None:
      if ip == constants.NIC_IP_POOL:
        raise _Inval("If ip=pool, parameter network cannot be none")
      return ip
    name = self.cfg.GetNetwork(net_uuid).name
    if ip == constants.NIC_IP_POOL:
      try:
        ip = self.cfg.GenerateIp(net_uuid)
      except errors.AddressPoolError:
        raise errors.OpPrereqError("Unable to get a free IP from the"
                                   " address pool", errors.ECODE_STATE)
      self.lu.LogInfo("Chose IP %s from network %s", ip, name)
      return ip
    if ip == old_ip:
      return ip
    try:
      self.cfg.ReserveIp(net_uuid, ip,
                         check=getattr(self.lu.op, "conflicts_check", True))
    except errors.AddressPoolError:
      raise errors.OpPrereqError("IP address %s already in use or does not"
                                 " belong to network %s" % (ip, name),
                                 errors.ECODE_NOTUNIQUE)
    return ip

  def _NetName(self, net_uuid):
    return self.cfg.GetNetwork(net_uuid).name if net_uuid else None

  def _CheckRouted(self, filled, ip):
    if filled[constants.NIC_MODE] == constants.NIC_MODE_ROUTED and not ip:
      raise _Inval("Cannot set the NIC IP address to None on a routed NIC")

  def _Create(self, idx, params):
    (net_uuid, netparams) = self._Network(params)
    (new, filled, _) = self._Params({}, params, netparams)
    ip = self._Ip(net_uuid, params.get(constants.INIC_IP))
    self._CheckRouted(filled, ip)
    mac = params[constants.INIC_MAC]
    if mac in (constants.VALUE_AUTO, constants.VALUE_GENERATE):
      mac = self.cfg.GenerateMAC(net_uuid)
    mac = self._NewMac(mac)
    nic = objects.NIC(mac=mac, ip=ip, name=params.get(constants.INIC_NAME),
                      network=net_uuid, nicparams=new,
                      uuid=self.cfg.GenerateUniqueID())
    desc = ("add:mac=%s,ip=%s,mode=%s,link=%s,network=%s" %
            (mac, ip, filled[constants.NIC_MODE],
             filled[constants.NIC_LINK], self._NetName(net_uuid)))
    return (nic, [("nic.%d" % idx, desc)])

  def _Modify(self, idx, nic, params):
    (net_uuid, netparams) = self._Network(params, nic.network)
    (new, filled, changed) = self._Params(nic.nicparams, params, netparams)
    ip = params.get(constants.INIC_IP, nic.ip)
    if net_uuid != nic.network or ip != nic.ip:
      ip = self._Ip(net_uuid, ip,
                    old_ip=nic.ip if net_uuid == nic.network else None)
      if constants.INIC_IP in params or ip != nic.ip:
        params[constants.INIC_IP] = ip
    self._CheckRouted(filled, ip)
    changes = []
    if net_uuid != nic.network:
      nic.network = net_uuid
      changes.append(("nic.network/%d" % idx, self._NetName(net_uuid)))
    if constants.INIC_MAC in params:
      params[constants.INIC_MAC] = self._NewMac(params[constants.INIC_MAC],
                                                old=nic.mac)
    for key in (constants.INIC_MAC, constants.INIC_IP, constants.INIC_NAME):
      if key in params:
        changes.append(("nic.%s/%d" % (key, idx), params[key]))
        setattr(nic, key, params[key])
    if changed:
      nic.nicparams = new
      for key in sorted(filled):
        changes.append(("nic.%s/%d" % (key, idx), filled[key]))
    return changes
