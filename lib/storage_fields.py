"""Storage-unit fields and operations of the node storage commands.

Shared by ``gnt-node volumes/list-storage/modify-storage/repair-storage``
(client), their logical units and the node daemon's storage functions, so
all three agree on the wire names (Ganeti's ``SF_*``/``VF_*``/``SO_*``).
"""

from ganeti import constants

#: every storage type (Ganeti's VALID_STORAGE_TYPES)
VALID_STORAGE_TYPES = frozenset([
  constants.ST_FILE, constants.ST_SHARED_FILE, constants.ST_GLUSTER,
  constants.ST_LVM_PV, constants.ST_LVM_VG, constants.ST_DISKLESS,
  constants.ST_BLOCK, constants.ST_RBD, constants.ST_EXT])

# storage_list fields
SF_NODE = "node"
SF_TYPE = "type"
SF_NAME = "name"
SF_SIZE = "size"
SF_USED = "used"
SF_FREE = "free"
SF_ALLOCATABLE = "allocatable"
VALID_STORAGE_FIELDS = frozenset([SF_NODE, SF_TYPE, SF_NAME, SF_SIZE,
                                  SF_USED, SF_FREE, SF_ALLOCATABLE])

# node_volumes fields (gnt-node volumes)
VF_NODE = "node"
VF_PHYS = "phys"
VF_VG = "vg"
VF_NAME = "name"
VF_SIZE = "size"
VF_INSTANCE = "instance"
VF_DEV = "dev"
VALID_VOLUME_FIELDS = (VF_NODE, VF_PHYS, VF_VG, VF_NAME, VF_SIZE,
                       VF_INSTANCE)

#: the storage operation of repair-storage
SO_FIX_CONSISTENCY = "fix-consistency"

#: fields that modify-storage may change, per storage type
MODIFIABLE_STORAGE_FIELDS = {
  constants.ST_LVM_PV: frozenset([SF_ALLOCATABLE]),
}

#: operations repair-storage may run, per storage type
VALID_STORAGE_OPERATIONS = {
  constants.ST_LVM_VG: frozenset([SO_FIX_CONSISTENCY]),
}

#: storage types whose units the nodes can list (storage_list)
STS_REPORT_NODE_STORAGE = (constants.ST_FILE, constants.ST_LVM_PV,
                           constants.ST_LVM_VG, constants.ST_SHARED_FILE)

#: the names of --storage-type / the storage-type argument
USER_STORAGE_TYPES = (constants.ST_FILE, constants.ST_LVM_PV,
                      constants.ST_LVM_VG, constants.ST_SHARED_FILE)
