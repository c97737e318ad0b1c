"""DRBD resources kept in the configuration: minors, ports, secrets.

Mixed into :class:`ganeti.config.ConfigWriter` (which owns ``_lock``,
``_config_data`` and ``_WriteConfig``).

* Minors are per node: a new DRBD disk gets the lowest minor not used on
  that node by any disk in the configuration nor by a temporary
  reservation.  Reservations are held per execution context (job) and
  instance, and dropped when the disks reach the configuration
  (:meth:`ReleaseDRBDMinors`) or when the job ends
  (``ReleaseTemporary(ec_id)``).
* Ports come from the cluster's ``tcpudp_port_pool`` first (lowest port),
  else ``highest_used_port + 1`` inside FIRST_DRBD_PORT..LAST_DRBD_PORT;
  the change is written to the configuration at once, as Ganeti does.
* Secrets are 20 random bytes in hex, unique in the cluster.
"""

import binascii
import os

from ganeti import constants
from ganeti import errors

#: bytes of randomness in a DRBD shared secret (40 hex characters)
DRBD_SECRET_BYTES = 20


def DiskOwners(config_data):
  """Map disk UUID -> instance UUID over all instances of a ConfigData."""
  owners = {}
  for inst in config_data.instances.values():
    for disk_uuid in inst.disks or []:
      owners[disk_uuid] = inst.uuid
  return owners


def _DRBDDisks(disk):
  """The DRBD devices in a disk tree (the disk itself and its children)."""
  found = []
  if disk.dev_type == constants.DT_DRBD8 and disk.logical_id:
    found.append(disk)
  for child in disk.children or []:
    found.extend(_DRBDDisks(child))
  return found


def ComputeDRBDMap(config_data, reservations=None):
  """Minors in use per node.

  @param reservations: {(node_uuid, minor): (ec_id, instance_uuid)}
  @return: ({node_uuid: {minor: instance_uuid}}, duplicates) where
      duplicates lists (node_uuid, minor, instance_a, instance_b) for every
      minor claimed twice; every node of the cluster has an entry

  """
  used = dict((uuid, {}) for uuid in config_data.nodes)
  duplicates = []

  def _Add(node_uuid, minor, inst_uuid):
    ndata = used.setdefault(node_uuid, {})
    if minor in ndata and ndata[minor] != inst_uuid:
      duplicates.append((node_uuid, minor, ndata[minor], inst_uuid))
    else:
      ndata[minor] = inst_uuid

  owners = DiskOwners(config_data)
  for (disk_uuid, disk) in sorted(config_data.disks.items()):
    inst_uuid = owners.get(disk_uuid)
    for drbd in _DRBDDisks(disk):
      (node_a, node_b, _, minor_a, minor_b) = tuple(drbd.logical_id)[:5]
      _Add(node_a, minor_a, inst_uuid)
      _Add(node_b, minor_b, inst_uuid)
  for ((node_uuid, minor), (_, inst_uuid)) in sorted(
      (reservations or {}).items()):
    _Add(node_uuid, minor, inst_uuid)
  return (used, duplicates)


def _LowestFree(used_minors):
  """The lowest non-negative integer not in used_minors."""
  minor = 0
  for value in sorted(used_minors):
    if value != minor:
      break
    minor += 1
  return minor


class DRBDConfigMixin:
  """DRBD minor/port/secret allocation for the ConfigWriter."""

  def _InitDRBD(self):
    # (node_uuid, minor) -> (ec_id, instance_uuid)
    self._temporary_drbds = {}
    # secret -> ec_id
    self._temporary_secrets = {}

  def ComputeDRBDMap(self):
    """{node_uuid: {minor: instance_uuid}} including reservations."""
    with self._lock:
      return ComputeDRBDMap(self._config_data, self._temporary_drbds)[0]

  def AllocateDRBDMinor(self, node_uuids, inst_uuid, ec_id=None):
    """Reserve one minor per entry of node_uuids (a node may repeat).

    @return: the minors, in the order of node_uuids

    """
    with self._lock:
      (used, duplicates) = ComputeDRBDMap(self._config_data,
                                          self._temporary_drbds)
      if duplicates:
        raise errors.ConfigurationError("Duplicate DRBD ports detected: %s" %
                                        str(duplicates))
      result = []
      for node_uuid in node_uuids:
        if node_uuid not in self._config_data.nodes:
          raise errors.ConfigurationError("Unknown node '%s' for DRBD minor"
                                          " allocation" % node_uuid)
        ndata = used.setdefault(node_uuid, {})
        minor = _LowestFree(ndata)
        ndata[minor] = inst_uuid
        self._temporary_drbds[(node_uuid, minor)] = (ec_id, inst_uuid)
        result.append(minor)
      return result

  def ReleaseDRBDMinors(self, inst_uuid, ec_id=None):
    """Drop the reservations of an instance (of one job if ec_id given)."""
    with self._lock:
      for (key, (res_ec, res_inst)) in list(self._temporary_drbds.items()):
        if res_inst == inst_uuid and (ec_id is None or res_ec == ec_id):
          del self._temporary_drbds[key]

  def _ReleaseDRBDTemporary(self, ec_id):
    """Drop the reservations of a job (all of them if ec_id is None)."""
    for (key, (res_ec, _)) in list(self._temporary_drbds.items()):
      if ec_id is None or res_ec == ec_id:
        del self._temporary_drbds[key]
    for (secret, res_ec) in list(self._temporary_secrets.items()):
      if ec_id is None or res_ec == ec_id:
        del self._temporary_secrets[secret]

  def AllocatePort(self):
    """Take a TCP/UDP port for a DRBD device; written to the config."""
    with self._lock:
      cluster = self._config_data.cluster
      pool = list(cluster.tcpudp_port_pool or [])
      if pool:
        port = min(pool)
        pool.remove(port)
        cluster.tcpudp_port_pool = pool
      else:
        port = max(cluster.highest_used_port or 0,
                   constants.FIRST_DRBD_PORT - 1) + 1
        if port > constants.LAST_DRBD_PORT:
          raise errors.ConfigurationError("The highest used port is greater"
                                          " than %s. Aborting." %
                                          constants.LAST_DRBD_PORT)
        cluster.highest_used_port = port
      self._WriteConfig()
      return port

  def ReturnPorts(self, ports):
    """Give ports back to the pool (disks that never reached the config)."""
    with self._lock:
      cluster = self._config_data.cluster
      pool = list(cluster.tcpudp_port_pool or [])
      changed = False
      for port in ports:
        if port is not None and port not in pool:
          pool.append(port)
          changed = True
      if changed:
        cluster.tcpudp_port_pool = pool
        self._WriteConfig()

  def _AllSecrets(self):
    secrets = set(self._temporary_secrets)
    for disk in self._config_data.disks.values():
      for drbd in _DRBDDisks(disk):
        if len(drbd.logical_id) >= 6:
          secrets.add(drbd.logical_id[5])
    return secrets

  def GenerateDRBDSecret(self, ec_id=None):
    """A new shared secret (hex), unique in the cluster, reserved."""
    with self._lock:
      existing = self._AllSecrets()
      while True:
        secret = binascii.hexlify(os.urandom(DRBD_SECRET_BYTES)).decode()
        if secret not in existing:
          self._temporary_secrets[secret] = ec_id
          return secret


def VerifyDRBD(config_data):
  """Configuration problems of DRBD disks (duplicate minors and ports)."""
  result = []
  (_, duplicates) = ComputeDRBDMap(config_data)
  for (node_uuid, minor, inst_a, inst_b) in duplicates:
    node = config_data.nodes.get(node_uuid)
    result.append("DRBD minor %d on node %s is assigned twice to instances"
                  " %s and %s" % (minor, node.name if node else node_uuid,
                                  _InstName(config_data, inst_a),
                                  _InstName(config_data, inst_b)))
  ports = {}
  owners = DiskOwners(config_data)
  for (disk_uuid, disk) in sorted(config_data.disks.items()):
    for drbd in _DRBDDisks(disk):
      port = drbd.logical_id[2]
      if port is None:
        continue
      ports.setdefault(port, []).append(
        "%s/%s" % (_InstName(config_data, owners.get(disk_uuid)),
                   drbd.iv_name or disk_uuid))
  for port in sorted(ports):
    if len(ports[port]) > 1:
      result.append("tcp/udp port %s has duplicates: %s" %
                    (port, ", ".join(ports[port])))
  return result


def _InstName(config_data, inst_uuid):
  inst = config_data.instances.get(inst_uuid) if inst_uuid else None
  return inst.name if inst is not None else str(inst_uuid)
