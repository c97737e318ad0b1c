"""Helpers shared by the instance LUs: hook environments, policies, disks."""

from ganeti import constants
from ganeti import errors
from ganeti import utils


def BuildInstanceHookEnv(cfg, instance, override=None):
  """The INSTANCE_* hook variables of an instance (without GANETI_)."""
  cluster = cfg.GetClusterInfo()
  bep = cluster.FillBE(instance)
  hvp = cluster.FillHV(instance)
  nodes = cfg.GetInstanceNodes(instance.uuid)
  disks = cfg.GetInstanceDisks(instance.uuid)
  env = {
    "OP_TARGET": instance.name,
    "INSTANCE_NAME": instance.name,
    "INSTANCE_PRIMARY": cfg.GetNodeName(instance.primary_node),
    "INSTANCE_SECONDARY": " ".join(cfg.GetNodeNames(nodes[1:])),
    "INSTANCE_OS_TYPE": instance.os,
    "INSTANCE_STATUS": instance.admin_state,
    "INSTANCE_MINMEM": bep[constants.BE_MINMEM],
    "INSTANCE_MAXMEM": bep[constants.BE_MAXMEM],
    "INSTANCE_MEMORY": bep[constants.BE_MAXMEM],
    "INSTANCE_VCPUS": bep[constants.BE_VCPUS],
    "INSTANCE_DISK_TEMPLATE": cfg.GetInstanceDiskTemplate(instance.uuid),
    "INSTANCE_HYPERVISOR": instance.hypervisor,
    "INSTANCE_TAGS": " ".join(sorted(instance.GetTags())),
    "INSTANCE_UUID": instance.uuid,
  }
  env["INSTANCE_NIC_COUNT"] = len(instance.nics)
  for idx, nic in enumerate(instance.nics):
    params = cluster.SimpleFillNIC(nic.nicparams or {})
    env["INSTANCE_NIC%d_NAME" % idx] = nic.name or ""
    env["INSTANCE_NIC%d_UUID" % idx] = nic.uuid
    env["INSTANCE_NIC%d_IP" % idx] = nic.ip or ""
    env["INSTANCE_NIC%d_MAC" % idx] = nic.mac
    env["INSTANCE_NIC%d_MODE" % idx] = params[constants.NIC_MODE]
    env["INSTANCE_NIC%d_LINK" % idx] = params[constants.NIC_LINK]
    env["INSTANCE_NIC%d_VLAN" % idx] = params.get(constants.NIC_VLAN, "")
    if params[constants.NIC_MODE] == constants.NIC_MODE_BRIDGED:
      env["INSTANCE_NIC%d_BRIDGE" % idx] = params[constants.NIC_LINK]
  env["INSTANCE_DISK_COUNT"] = len(disks)
  for idx, disk in enumerate(disks):
    env["INSTANCE_DISK%d_NAME" % idx] = disk.name or ""
    env["INSTANCE_DISK%d_UUID" % idx] = disk.uuid
    env["INSTANCE_DISK%d_SIZE" % idx] = disk.size
    env["INSTANCE_DISK%d_MODE" % idx] = disk.mode
  for key, value in bep.items():
    env["INSTANCE_BE_%s" % key] = value
  for key, value in hvp.items():
    env["INSTANCE_HV_%s" % key] = value
  if override:
    env.update(override)
  return env


def ComputeIPolicySpecViolation(ipolicy, mem_size, cpu_count, disk_count,
                                nic_count, disk_sizes, spindle_use,
                                disk_template):
  """Return the list of policy violations (texts) of an instance spec."""
  result = []
  if disk_template not in ipolicy.get(constants.IPOLICY_DTS, []):
    result.append("Disk template %s is not allowed (allowed templates:"
                  " %s)" % (disk_template,
                            utils.CommaJoin(ipolicy[constants.IPOLICY_DTS])))
  checks = [(constants.ISPEC_MEM_SIZE, "", mem_size),
            (constants.ISPEC_CPU_COUNT, "", cpu_count),
            (constants.ISPEC_NIC_COUNT, "", nic_count),
            (constants.ISPEC_SPINDLE_USE, "", spindle_use)]
  if disk_template != constants.DT_DISKLESS:
    checks.append((constants.ISPEC_DISK_COUNT, "", disk_count))
    checks.extend((constants.ISPEC_DISK_SIZE, "/%d" % idx, size)
                  for idx, size in enumerate(disk_sizes))
  best = None
  for minmax in ipolicy[constants.ISPECS_MINMAX]:
    errs = []
    for (name, qualifier, value) in checks:
      if value in (None, constants.VALUE_AUTO):
        continue
      lo = minmax[constants.ISPECS_MIN].get(name, value)
      hi = minmax[constants.ISPECS_MAX].get(name, value)
      if not lo <= value <= hi:
        errs.append("%s%s value %s is not in range [%s, %s]" %
                    (name, qualifier, value, lo, hi))
    if best is None or len(errs) < len(best):
      best = errs
  return result + (best or [])


def CheckNodeOnline(lu, node_uuid, msg=None):
  node = lu.cfg.GetNodeInfo(node_uuid)
  if msg is None:
    msg = "Can't use offline node"
  if node.offline:
    raise errors.OpPrereqError("%s: %s" % (msg, node.name),
                               errors.ECODE_STATE)


def CheckNodeNotDrained(lu, node_uuid):
  node = lu.cfg.GetNodeInfo(node_uuid)
  if node.drained:
    raise errors.OpPrereqError("Can't use drained node %s" % node.name,
                               errors.ECODE_STATE)


def CheckNodeVmCapable(lu, node_uuid):
  if not lu.cfg.GetNodeInfo(node_uuid).vm_capable:
    raise errors.OpPrereqError("Can't use non-vm_capable node %s" %
                               lu.cfg.GetNodeName(node_uuid),
                               errors.ECODE_STATE)


def CheckOSImage(lu, node_uuid, os_name, force_variant):
  """Check the OS exists and is valid on the node (and its variant)."""
  from ganeti.cmdlib import os_params  # pylint: disable=C0415
  os_params.CheckNodeHasOS(lu, node_uuid, os_name, force_variant)


def StartInstanceDisks(lu, instance, force=None):
  """Assemble the instance's disks on all its nodes (see instance_disks)."""
  from ganeti.cmdlib import instance_disks
  instance_disks.StartInstanceDisks(lu, instance, force)


def ShutdownInstanceDisks(lu, instance, ignore_failures=False):
  """Shut the instance's disks down on all nodes (see instance_disks)."""
  from ganeti.cmdlib import instance_disks
  return instance_disks.ShutdownInstanceDisks(lu, instance,
                                              ignore_primary=ignore_failures)
