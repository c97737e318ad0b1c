"""Opcodes of the cluster family and the generic queries."""

from ganeti import constants  # noqa: F401
from ganeti import errors  # noqa: F401
from ganeti import ht  # noqa: F401
from ganeti.opcodes.base import *  # noqa: F401,F403
from ganeti.opcodes.base import (  # noqa: F401
  _TQueryFilter, _ALWAYS_SERIALIZED, _SUMMARY_PREFIX)


# Cluster -----------------------------------------------------------------
class OpClusterPostInit(OpCode):
  OP_RESULT = ht.TBool


class OpClusterDestroy(OpCode):
  OP_RESULT = ht.TNonEmptyString


class OpClusterQuery(OpCode):
  OP_RESULT = ht.TDict


class OpClusterVerify(OpCode):
  OP_PARAMS = PVerifyCommon + [
    ("group_name", None, ht.TMaybeString, "Group name"),
    PVerifyClutter,
  ]
  OP_RESULT = TJobIdListOnly


class OpClusterVerifyConfig(OpCode):
  OP_PARAMS = PVerifyCommon[:2] + PVerifyCommon[3:]
  OP_RESULT = ht.TBool


class OpClusterVerifyGroup(OpCode):
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [PGroupName] + PVerifyCommon + [PVerifyClutter]
  OP_RESULT = ht.TBool


class OpClusterVerifyDisks(OpCode):
  OP_PARAMS = [("group_name", None, ht.TMaybeString, "Group name")]
  OP_RESULT = TJobIdListOnly


class OpGroupVerifyDisks(OpCode):
  OP_DSC_FIELD = "group_name"
  OP_PARAMS = [PGroupName]
  OP_RESULT = ht.TListOrTuple


class OpClusterActivateMasterIp(OpCode):
  OP_RESULT = ht.TNone


class OpClusterDeactivateMasterIp(OpCode):
  OP_RESULT = ht.TNone


class OpClusterConfigQuery(OpCode):
  OP_PARAMS = [POutputFields]
  OP_RESULT = ht.TListOf(ht.TAny)


DDM_ADD = constants.DDM_ADD
DDM_REMOVE = constants.DDM_REMOVE
DDMS_SIMPLE = constants.DDMS_SIMPLE

_TListMods = ht.TMaybe(ht.TListOf(ht.TItems([ht.TElemOf(DDMS_SIMPLE),
                                             ht.TNonEmptyString])))
_TMaybeDictOfDicts = ht.TMaybe(ht.TDictOf(ht.TNonEmptyString,
                                          ht.TMaybeDict))
_TUidRanges = ht.TMaybe(ht.TListOf(ht.TItems([ht.TInt, ht.TInt])))


class OpClusterSetParams(OpCode):
  """Change the parameters of the cluster (gnt-cluster/gnt-os modify)."""
  OP_PARAMS = [
    PForce, PHvState, PDiskState,
    ("vg_name", None, ht.TMaybe(ht.TString), "Volume group name"),
    ("enabled_hypervisors", None,
     ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled hypervisors"),
    ("hvparams", None, _TMaybeDictOfDicts,
     "Cluster-wide hypervisor parameter defaults, hypervisor-dependent"),
    ("beparams", None, ht.TMaybeDict,
     "Cluster-wide backend parameter defaults"),
    ("os_hvp", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, _TMaybeDictOfDicts)),
     "Cluster-wide per-OS hypervisor parameter defaults"),
    ("osparams", None, _TMaybeDictOfDicts,
     "Cluster-wide OS parameter defaults"),
    ("osparams_private_cluster", None, _TMaybeDictOfDicts,
     "Cluster-wide private OS parameter defaults"),
    ("diskparams", None, _TMaybeDictOfDicts,
     "Disk templates' parameter defaults"),
    ("candidate_pool_size", None, ht.TMaybe(ht.TPositiveInt),
     "Master candidate pool size"),
    ("max_running_jobs", None, ht.TMaybe(ht.TPositiveInt),
     "Maximal number of jobs to run simultaneously"),
    ("max_tracked_jobs", None, ht.TMaybe(ht.TPositiveInt),
     "Maximal number of jobs tracked in the job queue"),
    ("uid_pool", None, _TUidRanges,
     "Set UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive)"),
    ("add_uids", None, _TUidRanges,
     "Extend UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive)"),
    ("remove_uids", None, _TUidRanges,
     "Shrink UID pool, must be list of lists describing UID ranges (two"
     " items, start and end inclusive) to be removed"),
    ("maintain_node_health", None, ht.TMaybeBool,
     "Whether to automatically maintain node health"),
    ("prealloc_wipe_disks", None, ht.TMaybeBool,
     "Whether to wipe disks before allocating them to instances"),
    ("nicparams", None, ht.TMaybeDict, "Cluster-wide NIC parameter defaults"),
    ("ndparams", None, ht.TMaybeDict, "Cluster-wide node parameter defaults"),
    ("ipolicy", None, ht.TMaybeDict, "Cluster-wide ipolicy specs"),
    ("drbd_helper", None, ht.TMaybe(ht.TString), "DRBD helper program"),
    ("default_iallocator", None, ht.TMaybe(ht.TString),
     "Default iallocator for cluster"),
    ("default_iallocator_params", None, ht.TMaybeDict,
     "Default iallocator parameters for cluster"),
    ("mac_prefix", None, ht.TMaybeString,
     "Three-octet MAC address prefix of new instance NICs"),
    ("master_netdev", None, ht.TMaybe(ht.TString),
     "Master network device"),
    ("master_netmask", None, ht.TMaybe(ht.TNonNegativeInt),
     "Netmask of the master IP"),
    ("reserved_lvs", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of reserved LVs"),
    ("hidden_os", None, _TListMods,
     "Modify list of hidden operating systems: each modification must have"
     " two items, the operation and the OS name; the operation can be"
     " 'add' or 'remove'"),
    ("blacklisted_os", None, _TListMods,
     "Modify list of blacklisted operating systems: each modification must"
     " have two items, the operation and the OS name; the operation can be"
     " 'add' or 'remove'"),
    ("use_external_mip_script", None, ht.TMaybeBool,
     "Whether to use an external master IP address setup script"),
    ("enabled_disk_templates", None,
     ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled disk templates"),
    ("modify_etc_hosts", None, ht.TMaybeBool,
     "Whether the cluster can modify and keep in sync the /etc/hosts files"),
    ("file_storage_dir", None, ht.TMaybe(ht.TString),
     "Default file storage directory"),
    ("shared_file_storage_dir", None, ht.TMaybe(ht.TString),
     "Default shared file storage directory"),
    ("gluster_storage_dir", None, ht.TMaybe(ht.TString),
     "Default Gluster storage directory"),
    ("install_image", None, ht.TMaybe(ht.TString),
     "OS image for running OS scripts in a safe environment"),
    ("instance_communication_network", None, ht.TMaybe(ht.TString),
     "Network name for the instance communication network"),
    ("zeroing_image", None, ht.TMaybe(ht.TString),
     "Image for zeroing instance disks"),
    ("compression_tools", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "List of enabled compression tools"),
    ("enabled_user_shutdown", None, ht.TMaybeBool,
     "Whether user shutdown is enabled cluster wide"),
    ("enabled_data_collectors", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, ht.TBool)),
     "Set the active data collectors"),
    ("data_collector_interval", None,
     ht.TMaybe(ht.TDictOf(ht.TNonEmptyString, ht.TInt)),
     "Sets the interval in that data collectors are run"),
  ]
  OP_RESULT = ht.TOr(ht.TNone, TJobIdListOnly)


# Queries -----------------------------------------------------------------
class OpQuery(OpCode):
  OP_DSC_FIELD = "what"
  OP_PARAMS = [
    ("what", REQUIRED, ht.TNonEmptyString, "Resource(s) to query for"),
    PUseLocking,
    ("fields", REQUIRED, ht.TListOf(ht.TNonEmptyString),
     "Requested fields"),
    ("qfilter", None, _TQueryFilter, "Query filter"),
  ]
  OP_RESULT = ht.TDict


class OpQueryFields(OpCode):
  OP_DSC_FIELD = "what"
  OP_PARAMS = [
    ("what", REQUIRED, ht.TNonEmptyString, "Resource(s) to query for"),
    ("fields", None, ht.TMaybe(ht.TListOf(ht.TNonEmptyString)),
     "Requested fields; if not given, all are returned"),
  ]
  OP_RESULT = ht.TDict


class OpOsDiagnose(OpCode):
  OP_PARAMS = [
    POutputFields,
    ("names", list, ht.TListOf(ht.TNonEmptyString),
     "Which operating systems to diagnose"),
  ]
  OP_RESULT = ht.TListOf(ht.TListOf(ht.TAny))


# Master role (gnt-cluster redist-conf) -----------------------------------
class OpClusterRedistConf(OpCode):
  """Force a full push of the cluster configuration and ancillary files."""
  OP_RESULT = ht.TNone
# Cluster administration (rename, renew-crypto, repair-disk-sizes) --------
class OpClusterRename(OpCode):
  """Rename the cluster (its name and, with it, its IP address)."""
  OP_DSC_FIELD = "name"
  OP_PARAMS = [
    ("name", REQUIRED, ht.TNonEmptyString, "New cluster name"),
  ]
  OP_RESULT = ht.TNonEmptyString


class OpClusterRenewCrypto(OpCode):
  """Renew the cluster's node certificates and SSH keys.

  The node certificate is the cluster certificate (server.pem) every
  node shares; ``node_certificates`` replaces it on all nodes.
  """
  OP_PARAMS = [
    ("node_certificates", False, ht.TBool, "Whether to renew node SSL"
     " certificates"),
    ("renew_ssh_keys", False, ht.TBool, "Whether to renew SSH keys"),
    ("ssh_key_type", None, ht.TMaybe(ht.TElemOf(["rsa", "dsa", "ecdsa"])),
     "The type of key to generate"),
    ("ssh_key_bits", None, ht.TMaybe(ht.TPositiveInt),
     "The number of bits of the key to generate"),
    ("verbose", False, ht.TBool, "Whether to print verbose information"),
    ("debug", False, ht.TBool, "Whether to print debugging information"),
  ]
  OP_RESULT = ht.TNone


class OpClusterRepairDiskSizes(OpCode):
  """Verify the disk sizes recorded in the configuration."""
  OP_DSC_FIELD = "instances"
  OP_PARAMS = [
    ("instances", list, ht.TListOf(ht.TNonEmptyString),
     "List of instances"),
  ]
  OP_RESULT = ht.TListOf(ht.TItems([ht.TNonEmptyString,
                                    ht.TNonNegativeInt,
                                    ht.TNonEmptyString,
                                    ht.TNonNegativeInt]))
