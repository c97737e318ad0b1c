"""The ``config.ini`` of an instance export (export format version 0).

Written by the node (``finalize_export``) next to the disk images in
``EXPORT_DIR/<instance>/``, read by the master when importing.  It is an
INI file (Python's ConfigParser) with the sections ``[export]``,
``[instance]``, ``[hypervisor]``, ``[backend]``, ``[os]`` and
``[os_private]``; None values are written as the text ``None``.
"""

import configparser
import io
import time

from ganeti import constants
from ganeti import errors

EXPORT_CONF_FILE = "config.ini"
INISECT_EXP = "export"
INISECT_INS = "instance"
INISECT_HYP = "hypervisor"
INISECT_BEP = "backend"
INISECT_OSP = "os"
INISECT_OSP_PRIVATE = "os_private"
SECTIONS = (INISECT_EXP, INISECT_INS, INISECT_HYP, INISECT_BEP, INISECT_OSP,
            INISECT_OSP_PRIVATE)

#: NIC parameters written per NIC (``nic<i>_<param>``)
NIC_PARAMS = ("mode", "link", "vlan")


def _NewParser():
  parser = configparser.ConfigParser(interpolation=None)
  parser.optionxform = str  # keep the case of parameter names
  return parser


def _Str(value):
  return "%s" % (value, )


def Build(instance, snap_disks, timestamp=None):
  """The config.ini text of an export.

  @param instance: dict of the instance as sent by the master
      (``objects.Instance.ToDict()`` with filled hv/be/os params, the
      ``disk_template`` and the primary node)
  @param snap_disks: per instance disk, the exported disk's dict
      (``iv_name``, ``logical_id`` whose second item is the image's file
      name, ``size``, ``name``) or False if that disk was not exported
  """
  parser = _NewParser()
  for section in SECTIONS:
    parser.add_section(section)
  beparams = instance.get("beparams") or {}
  parser.set(INISECT_EXP, "version", "%d" % constants.EXPORT_VERSION)
  parser.set(INISECT_EXP, "timestamp",
             "%d" % int(time.time() if timestamp is None else timestamp))
  parser.set(INISECT_EXP, "source", _Str(instance.get("primary_node")))
  parser.set(INISECT_EXP, "os", _Str(instance.get("os")))
  parser.set(INISECT_EXP, "compression", "none")
  ins = INISECT_INS
  parser.set(ins, "name", _Str(instance["name"]))
  parser.set(ins, "maxmem", _Str(beparams.get(constants.BE_MAXMEM)))
  parser.set(ins, "minmem", _Str(beparams.get(constants.BE_MINMEM)))
  # the old name of maxmem, for older importers
  parser.set(ins, "memory", _Str(beparams.get(constants.BE_MAXMEM)))
  parser.set(ins, "vcpus", _Str(beparams.get(constants.BE_VCPUS)))
  parser.set(ins, "disk_template", _Str(instance.get("disk_template")))
  parser.set(ins, "hypervisor", _Str(instance.get("hypervisor")))
  parser.set(ins, "tags", " ".join(sorted(instance.get("tags") or [])))
  nics = instance.get("nics") or []
  for (idx, nic) in enumerate(nics):
    nicparams = nic.get("nicparams") or {}
    parser.set(ins, "nic%d_mac" % idx, _Str(nic.get("mac")))
    parser.set(ins, "nic%d_ip" % idx, _Str(nic.get("ip")))
    parser.set(ins, "nic%d_network" % idx, _Str(nic.get("network")))
    parser.set(ins, "nic%d_name" % idx, _Str(nic.get("name")))
    for param in NIC_PARAMS:
      parser.set(ins, "nic%d_%s" % (idx, param),
                 _Str(nicparams.get(param)))
  parser.set(ins, "nic_count", "%d" % len(nics))
  disk_count = 0
  for (idx, disk) in enumerate(snap_disks):
    if not disk:
      continue
    disk_count += 1
    parser.set(ins, "disk%d_ivname" % idx, _Str(disk.get("iv_name")))
    parser.set(ins, "disk%d_dump" % idx, _Str(disk["logical_id"][1]))
    parser.set(ins, "disk%d_size" % idx, "%d" % int(disk["size"]))
    parser.set(ins, "disk%d_name" % idx, _Str(disk.get("name")))
  parser.set(ins, "disk_count", "%d" % disk_count)
  for (name, value) in sorted((instance.get("hvparams") or {}).items()):
    if name not in constants.HVS_GLOBAL:
      parser.set(INISECT_HYP, name, _Str(value))
  for (name, value) in sorted(beparams.items()):
    parser.set(INISECT_BEP, name, _Str(value))
  for (name, value) in sorted((instance.get("osparams") or {}).items()):
    parser.set(INISECT_OSP, name, _Str(value))
  for (name, value) in sorted((instance.get("osparams_private")
                               or {}).items()):
    parser.set(INISECT_OSP_PRIVATE, name, _Str(value))
  buf = io.StringIO()
  parser.write(buf)
  return buf.getvalue()


def Parse(text):
  """Parse config.ini text.

  @return: a ConfigParser
  @raise errors.OpPrereqError: not an export's config.ini
  """
  parser = _NewParser()
  try:
    parser.read_string(text)
  except configparser.Error as err:
    raise errors.OpPrereqError("Invalid export configuration: %s" % err,
                               errors.ECODE_INVAL)
  if not (parser.has_section(INISECT_EXP) and
          parser.has_section(INISECT_INS)):
    raise errors.OpPrereqError("Export info file doesn't have the required"
                               " fields", errors.ECODE_INVAL)
  version = parser.get(INISECT_EXP, "version", fallback=None)
  if version != "%d" % constants.EXPORT_VERSION:
    raise errors.OpPrereqError("Wrong export version %s (wanted %d)" %
                               (version, constants.EXPORT_VERSION),
                               errors.ECODE_ENVIRON)
  return parser


def GetValue(parser, section, key):
  """An option's value with the text ``None`` read as None (or missing)."""
  value = parser.get(section, key, fallback=None)
  if value is None or value == "None":
    return None
  return value


def GetDisks(parser):
  """[(dump file name or None, size MiB, name)] for each exported disk."""
  count = int(parser.get(INISECT_INS, "disk_count", fallback="0"))
  disks = []
  idx = 0
  while len(disks) < count and idx < constants.MAX_DISKS:
    if parser.has_option(INISECT_INS, "disk%d_size" % idx):
      disks.append((GetValue(parser, INISECT_INS, "disk%d_dump" % idx),
                    int(parser.get(INISECT_INS, "disk%d_size" % idx)),
                    GetValue(parser, INISECT_INS, "disk%d_name" % idx)))
    idx += 1
  return disks


def GetNics(parser):
  """One dict per exported NIC (mac, ip, network, name, mode, link, vlan;
  only the values that are set)."""
  count = int(parser.get(INISECT_INS, "nic_count", fallback="0"))
  nics = []
  for idx in range(count):
    nic = {}
    for key in ("mac", "ip", "network", "name") + NIC_PARAMS:
      value = GetValue(parser, INISECT_INS, "nic%d_%s" % (idx, key))
      if value is not None:
        nic[key] = value
    nics.append(nic)
  return nics


def GetSection(parser, section):
  """All options of a section as a dict (empty if the section is absent)."""
  if not parser.has_section(section):
    return {}
  return dict(parser.items(section))
