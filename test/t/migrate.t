# gnt-instance migrate, failover and move on the fake hypervisor
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance add -n node1 -t file -s 128M --ignore-ipolicy -o noop --no-name-check --no-ip-check inst2 >/dev/null
# exit=0
$ grep -o '"start": [0-9.]*' $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor/inst1 > $GANETI_ROOTDIR/../inst1.start
# exit=0
$ gnt-instance migrate -f -n node2 inst1
# exit=0
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node2 to accept the instance
{{ts}} * migrating instance to node2
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
$ gnt-instance list -o name,pnode,snodes,status,oper_ram inst1
# exit=0
Instance Primary_node Secondary_Nodes Status  Memory
inst1    node2                        running   128M
$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
inst2
$node2$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
inst1
$node2$ grep -o '"start": [0-9.]*' $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor/inst1 | diff - $GANETI_ROOTDIR/../inst1.start && echo same uptime
# exit=0
same uptime
$ gnt-instance migrate -f --non-live -n node3 inst1
# exit=0
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node3 to accept the instance
{{ts}} * migrating instance to node3
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
$node3$ grep -o '"start": [0-9.]*' $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor/inst1 | diff - $GANETI_ROOTDIR/../inst1.start && echo same uptime
# exit=0
same uptime
$node2$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
$ gnt-instance migrate -f --cleanup -n node2 inst1
# exit=0
{{ts}}  - INFO: Not checking memory on the secondary node as instance will not be started
{{ts}} Migrating instance inst1
{{ts}} * checking where the instance actually runs (if this hangs, the hypervisor might be in a bad state)
{{ts}} * instance confirmed to be running on its primary node (node3)
{{ts}} * done
$ gnt-instance migrate -f -n node3 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Cannot migrate instance inst1 to its primary (node3)
$ gnt-instance migrate -f -n nosuch inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-instance migrate -f -I pyganeti-simple inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-simple: node2
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node2 to accept the instance
{{ts}} * migrating instance to node2
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node2        running
$ gnt-instance migrate -f -I nosuch-alloc inst1
# exit=1
! Failure: command execution error:
! Failure while running the iallocator script: iallocator module 'nosuch-alloc' not found in the search path
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node2        running
$ gnt-instance migrate -f --non-live --migration-mode=live -n node1 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Only one of the --non-live and --migration-mode options can be passed
$ gnt-instance migrate -f -n node1 nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance migrate -n node1 inst1
# exit=1
$ gnt-instance migrate -f inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance's disk layout 'file' does not allow migrations
$ gnt-instance failover -f inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance's disk layout 'file' does not allow failovers
$ gnt-instance failover -f -n node1 inst1
# exit=0
{{ts}} Failover instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node node1
{{ts}} * starting the instance on the target node node1
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node1        running
$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
inst1
inst2
$node3$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
$ gnt-instance failover -f --cleanup -n node2 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Cleanup is not applicable to failover; use 'gnt-instance migrate --cleanup' after a failed migration
$ gnt-instance failover -f -n node2 -I hail inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Specify either an iallocator (-I), or a target node (-n) but not both
$ gnt-instance stop inst1
# exit=0
Waiting for job {{num}} for inst1 ...
$ gnt-instance migrate -f -n node2 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Can't migrate, please use failover: Instance inst1 is not running
$ gnt-instance migrate -f --allow-failover -n node2 inst1
# exit=0
{{ts}}  - INFO: Instance is marked down or offline, fallback allowed, switching to failover
{{ts}}  - INFO: Not checking memory on the secondary node as instance will not be started
{{ts}} Failover instance inst1
{{ts}} * not checking disk consistency as instance is not running
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node2        ADMIN_down
$ gnt-instance start inst1
# exit=0
Waiting for job {{num}} for inst1 ...
$ gnt-instance modify -B always_failover=true inst1 >/dev/null
# exit=0
$ gnt-instance migrate -f -n node1 inst1
# exit=0
{{ts}}  - INFO: Instance configured to always failover; fallback to failover
{{ts}} Failover instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node node1
{{ts}} * starting the instance on the target node node1
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node1        running
$ printf 'pyganeti move test' | dd of=$(ls $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.file.disk0) bs=1 seek=5242880 conv=notrunc status=none
# exit=0
$ sha1sum $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.file.disk0 | cut -d' ' -f1
# exit=0
ea52032de0f81b183bc5fdd23e488057531e5bac
$ gnt-instance move -f -n node2 inst2
# exit=0
{{ts}}  - INFO: Shutting down instance inst2 on source node node1
{{ts}}  - INFO: Copied disk/0 (128M) from node1 to node2 in {{num}} seconds
{{ts}}  - INFO: Removing the disks on the original node
{{ts}}  - INFO: Removing block devices for instance inst2
{{ts}}  - INFO: Starting instance inst2 on node node2
$ gnt-instance list -o name,pnode,status,disk_template inst2
# exit=0
Instance Primary_node Status  Disk_template
inst2    node2        running file
$node2$ sha1sum $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.file.disk0 | cut -d' ' -f1
# exit=0
ea52032de0f81b183bc5fdd23e488057531e5bac
$node2$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor
# exit=0
inst2
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ gnt-instance info inst2 | grep -e 'primary:' -e logical_id
# exit=0
    - primary: node2
      logical_id: ['loop', '/srv/ganeti/file-storage/inst2/{{uuid}}.file.disk0']
      on primary: {{*}}/vc/node2/srv/ganeti/file-storage/inst2/{{uuid}}.file.disk0 (N/A:N/A)
$ gnt-instance move -f -n node2 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance inst2 is already on the node node2
$ gnt-instance move -f -n nosuch inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-instance move -f inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Required parameter 'OP_INSTANCE_MOVE.target_node' missing
$ gnt-instance move -f --compress=lzma -n node3 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Compression tool 'lzma' is not among the enabled ones (none, gzip, gzip-fast, gzip-slow)
$ gnt-instance stop inst2
# exit=0
Waiting for job {{num}} for inst2 ...
$ gnt-instance move -f -n node3 inst2
# exit=0
{{ts}}  - INFO: Not checking memory on the secondary node as instance will not be started
{{ts}}  - INFO: Shutting down instance inst2 on source node node2
{{ts}}  - INFO: Copied disk/0 (128M) from node2 to node3 in {{num}} seconds
{{ts}}  - INFO: Removing the disks on the original node
{{ts}}  - INFO: Removing block devices for instance inst2
$ gnt-instance list -o name,pnode,status inst2
# exit=0
Instance Primary_node Status
inst2    node3        ADMIN_down
$node3$ sha1sum $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.file.disk0 | cut -d' ' -f1
# exit=0
ea52032de0f81b183bc5fdd23e488057531e5bac
$node2$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ gnt-instance move -f -n node3 inst1
# exit=0
{{ts}}  - INFO: Shutting down instance inst1 on source node node1
{{ts}}  - INFO: Starting instance inst1 on node node3
$ gnt-instance list -o name,pnode,status
# exit=0
Instance Primary_node Status
inst1    node3        running
inst2    node3        ADMIN_down
