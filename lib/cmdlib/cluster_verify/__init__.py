"""Cluster verification (``gnt-cluster verify`` and ``verify-disks``).

OP_CLUSTER_VERIFY spawns one config job (:mod:`.config`) and one job per
node group (:mod:`.group`, with :mod:`.node_checks` and
:mod:`.instance_checks`); each reports problems as ERROR/WARNING lines with
Ganeti's error codes (:mod:`.ecodes`; ``--error-codes`` gives the
parseable form).  :mod:`.disks` holds the disk verification LUs.
"""

from ganeti.cmdlib.cluster_verify.config import (  # noqa: F401
  LUClusterVerify, LUClusterVerifyConfig, GetAllHypervisorParameters,
  VerifyCertificate)
from ganeti.cmdlib.cluster_verify.disks import (  # noqa: F401
  LUClusterVerifyDisks, LUGroupVerifyDisks)
from ganeti.cmdlib.cluster_verify.ecodes import (  # noqa: F401
  ALL_ECODES, ETYPE_ERROR, ETYPE_WARNING)
from ganeti.cmdlib.cluster_verify.group import (  # noqa: F401
  LUClusterVerifyGroup)
