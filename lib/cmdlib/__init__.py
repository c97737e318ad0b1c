"""Logical units, one per opcode, grouped in family modules."""

from ganeti.cmdlib.base import ResultWithJobs, LogicalUnit, NoHooksLU  # noqa
from ganeti.cmdlib.cluster import (  # noqa: F401
  LUClusterPostInit, LUClusterDestroy, LUClusterQuery, LUClusterConfigQuery,
  LUClusterActivateMasterIp, LUClusterDeactivateMasterIp, LUQuery,
  LUQueryFields)
from ganeti.cmdlib.cluster_params import LUClusterSetParams  # noqa: F401
from ganeti.cmdlib.cluster_verify import (  # noqa: F401
  LUClusterVerify, LUClusterVerifyConfig, LUClusterVerifyGroup,
  LUClusterVerifyDisks, LUGroupVerifyDisks)
from ganeti.cmdlib.node import LUNodeAdd, LUNodeRemove, LUNodeSetParams  # noqa
from ganeti.cmdlib.instance import (  # noqa: F401
  LUInstanceCreate, LUInstanceStartup, LUInstanceShutdown, LUInstanceReboot,
  LUInstanceRemove, LUInstanceQueryData)
from ganeti.cmdlib.instance_ops import (  # noqa: F401
  LUInstanceReinstall, LUInstanceRename, LUInstanceActivateDisks,
  LUInstanceDeactivateDisks, LUInstanceConsole)
from ganeti.cmdlib.instance_set_params import LUInstanceSetParams  # noqa
from ganeti.cmdlib.instance_migration import (  # noqa: F401
  LUInstanceFailover, LUInstanceMigrate)
from ganeti.cmdlib.instance_move import LUInstanceMove  # noqa: F401
from ganeti.cmdlib.instance_disk_lus import (  # noqa: F401
  LUInstanceGrowDisk, LUInstanceRecreateDisks)
from ganeti.cmdlib.instance_replace import LUInstanceReplaceDisks  # noqa
from ganeti.cmdlib.network import (  # noqa: F401
  LUNetworkAdd, LUNetworkRemove, LUNetworkSetParams, LUNetworkConnect,
  LUNetworkDisconnect)
from ganeti.cmdlib.misc import (  # noqa: F401
  LUTagsGet, LUTagsSet, LUTagsDel, LUTagsSearch, LUTestDelay, LUTestJqueue,
  LUOsDiagnose)
from ganeti.cmdlib.allocator import LUTestAllocator  # noqa: F401
from ganeti.cmdlib.backup import (  # noqa: F401
  LUBackupPrepare, LUBackupExport, LUBackupRemove, LUBackupQuery)
from ganeti.cmdlib.node_evacuate import (  # noqa: F401
  LUNodeEvacuate, LUNodeMigrate)
from ganeti.cmdlib.node_storage import (  # noqa: F401
  LUNodeQueryvols, LUNodeQueryStorage, LUNodeModifyStorage,
  LURepairNodeStorage)
from ganeti.cmdlib.node_oob import LUOobCommand, LUNodePowercycle  # noqa
from ganeti.cmdlib.cluster_master import LUClusterRedistConf  # noqa: F401
from ganeti.cmdlib.group import (  # noqa: F401
  LUGroupAdd, LUGroupAssignNodes, LUGroupRemove, LUGroupRename,
  LUGroupSetParams)
from ganeti.cmdlib.group_evacuate import LUGroupEvacuate  # noqa: F401
from ganeti.cmdlib.instance_change_group import LUInstanceChangeGroup  # noqa
from ganeti.cmdlib.cluster_rename import LUClusterRename  # noqa: F401
from ganeti.cmdlib.cluster_crypto import LUClusterRenewCrypto  # noqa: F401
from ganeti.cmdlib.cluster_repair import LUClusterRepairDiskSizes  # noqa
from ganeti.cmdlib.instance_multi_alloc import LUInstanceMultiAlloc  # noqa
