"""The ``Disks:`` part of ``gnt-instance info``.

Works on the disk dicts of OP_INSTANCE_QUERY_DATA (see
:mod:`ganeti.masterquery_disks`); each disk becomes the list of
``(key, value)`` pairs that ``PrintGenericInfo`` prints, children nested
under ``child devices``.
"""

from ganeti import constants
from ganeti import utils

#: local disk status values (Ganeti's LDS_*)
_LDS_UNKNOWN = 2
_LDS_FAULTY = 3


def _Roman(value, roman):
  """The value as printed (roman numerals are not supported: as is)."""
  return value


def _FormatStatus(dev_type, status, roman):
  """One ``on primary``/``on secondary`` value."""
  if not status:
    return "not active"
  (path, major, minor, syncp, estt, degr, ldisk_status) = status
  txt = "%s (%s:%s)" % (path,
                        "N/A" if major is None else _Roman(major, roman),
                        "N/A" if minor is None else _Roman(minor, roman))
  if dev_type == constants.DT_DRBD8:
    if syncp is not None:
      sync_text = "*RECOVERING* %5.2f%%," % syncp
      if estt:
        sync_text += " ETA %ss" % _Roman(estt, roman)
      else:
        sync_text += " ETA unknown"
    else:
      sync_text = "in sync"
    degr_text = "*DEGRADED*" if degr else "ok"
    if ldisk_status == _LDS_FAULTY:
      ldisk_text = " *MISSING DISK*"
    elif ldisk_status == _LDS_UNKNOWN:
      ldisk_text = " *UNCERTAIN STATE*"
    else:
      ldisk_text = ""
    txt += " %s, status %s%s" % (sync_text, degr_text, ldisk_text)
  elif dev_type == constants.DT_PLAIN and ldisk_status == _LDS_FAULTY:
    txt += " *FAILED* (failed drive?)"
  return txt


def _LogicalIdLines(dev, roman):
  """The logical id: one value, or DRBD's four lines."""
  if dev["dev_type"] == constants.DT_DRBD8 and dev.get("drbd_info"):
    info = dev["drbd_info"]
    return [("nodeA", "%s, minor=%s" % (info["primary_node"],
                                        _Roman(info["primary_minor"],
                                               roman))),
            ("nodeB", "%s, minor=%s" % (info["secondary_node"],
                                        _Roman(info["secondary_minor"],
                                               roman))),
            ("port", str(_Roman(info["port"], roman))),
            ("auth key", str(info["secret"]))]
  logical_id = dev["logical_id"]
  if dev["dev_type"] == constants.DT_PLAIN and len(logical_id) == 2:
    return [("logical_id", "%s/%s" % tuple(logical_id))]
  return [("logical_id", str(logical_id))]


def FormatBlockDevInfo(idx, top_level, dev, roman=False):
  """The ``(key, value)`` list describing one disk (or child device)."""
  if top_level:
    txt = dev["iv_name"] if dev.get("iv_name") is not None \
      else "disk %s" % _Roman(idx, roman)
  else:
    txt = "child %s" % _Roman(idx, roman)
  if isinstance(dev["size"], int):
    nice_size = utils.FormatUnit(dev["size"], "h")
  else:
    nice_size = str(dev["size"])
  data = [(txt, "%s, size %s" % (dev["dev_type"], nice_size))]
  if top_level:
    if dev.get("spindles") is not None:
      data.append(("spindles", dev["spindles"]))
    data.append(("access mode", dev["mode"]))
  if dev.get("logical_id") is not None:
    data.extend(_LogicalIdLines(dev, roman))
  if dev.get("pstatus"):
    data.append(("on primary", _FormatStatus(dev["dev_type"],
                                             dev["pstatus"], roman)))
  if dev.get("sstatus"):
    data.append(("on secondary", _FormatStatus(dev["dev_type"],
                                               dev["sstatus"], roman)))
  data.append(("name", str(dev.get("name"))))
  data.append(("UUID", dev["uuid"]))
  if dev.get("children"):
    data.append(("child devices", [
      FormatBlockDevInfo(c_idx, False, child, roman)
      for (c_idx, child) in enumerate(dev["children"])]))
  return data
