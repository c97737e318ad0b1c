# hcheck and hroller over LUXI (-L) on a fresh 3-node virtual cluster
# (node1 is the master); the load warnings depend on the host's disks and
# go to /dev/null
$ gnt-cluster modify --enabled-disk-templates file,sharedfile,diskless
# exit=0
$ gnt-instance add -n node1 -t sharedfile -s 1G -B memory=512M -o noop --no-name-check --no-ip-check --ignore-ipolicy s1 >/dev/null
# exit=0
$ gnt-instance add -n node2 -t file -s 1G -B memory=256M -o noop --no-name-check --no-ip-check --ignore-ipolicy f1 >/dev/null
# exit=0
$ gnt-node add-tags node3 rack:b
# exit=0
$ hcheck -L 2>/dev/null
# exit=0
No need to rebalance cluster, no problems found.

Statistics for group default initially
    Nodes not N+1 happy: 0
    Nodes with conflicting instances: 0
    Instances having the primary node offline: 0
    Instances having a secondary node offline: 0
    Nodes not directly evacuateable: 0
    Group score: {{num}}

Cluster statistics initially
    Nodes not N+1 happy: 0
    Nodes with conflicting instances: 0
    Instances having the primary node offline: 0
    Instances having a secondary node offline: 0
    Nodes not directly evacuateable: 0
    Cluster is not healthy: False
$ hcheck -L --machine-readable --no-simulation -O node3 2>/dev/null
# exit=0
HCHECK_GROUP_UUID_0='{{uuid}}'
HCHECK_INIT_GROUP_0_N1_FAIL=0
HCHECK_INIT_GROUP_0_CONFLICT_TAGS=0
HCHECK_INIT_GROUP_0_OFFLINE_PRI=0
HCHECK_INIT_GROUP_0_OFFLINE_SEC=1
HCHECK_INIT_GROUP_0_GN1_FAIL=0
HCHECK_INIT_GROUP_0_SCORE={{num}}
HCHECK_INIT_CLUSTER_N1_FAIL=0
HCHECK_INIT_CLUSTER_CONFLICT_TAGS=0
HCHECK_INIT_CLUSTER_OFFLINE_PRI=0
HCHECK_INIT_CLUSTER_OFFLINE_SEC=1
HCHECK_INIT_CLUSTER_GN1_FAIL=0
HCHECK_INIT_CLUSTER_NEED_REBALANCE=1
HCHECK_FINAL_GROUP_0_N1_FAIL=0
HCHECK_FINAL_GROUP_0_CONFLICT_TAGS=0
HCHECK_FINAL_GROUP_0_OFFLINE_PRI=0
HCHECK_FINAL_GROUP_0_OFFLINE_SEC=1
HCHECK_FINAL_GROUP_0_GN1_FAIL=0
HCHECK_FINAL_GROUP_0_SCORE={{num}}
HCHECK_FINAL_CLUSTER_N1_FAIL=0
HCHECK_FINAL_CLUSTER_CONFLICT_TAGS=0
HCHECK_FINAL_CLUSTER_OFFLINE_PRI=0
HCHECK_FINAL_CLUSTER_OFFLINE_SEC=1
HCHECK_FINAL_CLUSTER_GN1_FAIL=0
HCHECK_FINAL_CLUSTER_NEED_REBALANCE=1
HCHECK_OK=1
$ hcheck -L -O nosuch
# exit=1
! ...
! Error: wrong node name(s) set as offline: nosuch
!
$ hroller -L --print-moves -v -v -v 2>/dev/null
# exit=0
Node Graph: array (0,2) [(0,[]),(1,[]),(2,[])]
Dcolor: 1 (3) TIE Dsatur: 1 (3) TIE LF: 1 (3)
'Node Reboot Groups'
node3
node2,node1
  f1 node3
  s1 node3
$ hroller -L --node-tags rack:b --no-headers 2>/dev/null
# exit=0
node3
$ hroller -L --skip-non-redundant --one-step-only 2>/dev/null
# exit=0
'First Reboot Group'
node3
