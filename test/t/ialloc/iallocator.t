# iallocators on a fresh 3-node virtual cluster (node1 is the master);
# run by test/t/test_ialloc_cluster.py, which installs the test plugin
# pyganeti-test-alloc (test/support/iallocators) on the master.
# No "hail" program is installed at first: the default allocator is then
# pyganeti's own hail, run by the master (its choices on an empty cluster
# depend on the nodes' live data, so the first addition names the
# built-in allocator).  The steps: additions chosen by hail and by the
# built-in allocator
# (least loaded node; drained nodes skipped; instance policy), by the
# test plugin (its answer, the last node name, is used), failing
# allocators (nothing is created), gnt-debug iallocator (input message and
# answers), then an installed "hail" and a built-in cluster default;
# finally migrate and failover of a diskless instance with -I and with
# the cluster default (the relocate request: the built-in allocator and
# the test plugin, which picks the last free node by name) and
# gnt-cluster modify -I checking that the allocator exists.
$ gnt-cluster info | grep 'default instance allocator:'
# exit=0
  default instance allocator: hail
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-simple: node1
{{ts}} * creating instance disks...
{{ts}} adding instance inst1 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance add -I pyganeti-simple -t file -s 1G -o noop --no-name-check --no-ip-check inst2
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst2 via iallocator pyganeti-simple: node2
{{ts}} * disk 0, size 1.0G
{{ts}} * creating instance disks...
{{ts}} adding instance inst2 to cluster config
{{ts}} adding disks to cluster config
{{ts}}  - INFO: Waiting for instance inst2 to sync disks
{{ts}}  - INFO: Instance inst2's disks are in sync
{{ts}}  - INFO: Waiting for instance inst2 to sync disks
{{ts}}  - INFO: Instance inst2's disks are in sync
{{ts}} * running the instance OS create scripts...
{{ts}} * starting instance...
$ gnt-instance add -I . -t diskless -o noop --no-name-check --no-ip-check --no-start inst3
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst3 via iallocator hail: node3
{{ts}} * creating instance disks...
{{ts}} adding instance inst3 to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check -B memory=512M inst4
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst4 via iallocator pyganeti-simple: node1
{{ts}} * creating instance disks...
{{ts}} adding instance inst4 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check --dry-run inst5
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst5 via iallocator pyganeti-simple: node2
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-node modify -D yes node2
# exit=0
Modified node node2
 - master_candidate -> False
 - drained -> True
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check inst5
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst5 via iallocator pyganeti-simple: node3
{{ts}} * creating instance disks...
{{ts}} adding instance inst5 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-node modify -D no node2
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
Modified node node2
 - master_candidate -> True
 - drained -> False
$ gnt-instance add -I pyganeti-simple -t file -s 100M -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-simple': Request failed: Group default (preferred): instance violates the policy: disk-size 100 not in [1024, 1048576]
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check -B memory=1000000M bad2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-simple': Request failed: Group default (preferred): instance violates the policy: memory-size 1000000 not in [128, 32768]
$ gnt-instance add -n node1 -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check bad3
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Do not specify both, iallocator and node
$ gnt-instance add -I pyganeti-test-alloc -t diskless -o noop --no-name-check --no-ip-check inst6
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst6 via iallocator pyganeti-test-alloc: node3
{{ts}} * creating instance disks...
{{ts}} adding instance inst6 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance add -I pyganeti-test-alloc -t diskless -o noop --no-name-check --no-ip-check refuse1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-test-alloc': test allocator refuses refuse1
$ gnt-instance add -I pyganeti-test-alloc -t file -s 1G -o noop --no-name-check --no-ip-check crash1
# exit=1
! Failure: command execution error:
! Failure while running the iallocator script: iallocator module 'pyganeti-test-alloc' failed: exited with exit code 2, output 'crashing on purpose'
$ gnt-instance add -I pyganeti-test-alloc -t diskless -o noop --no-name-check --no-ip-check garbage1
# exit=1
! Failure: command execution error:
! Can't parse iallocator results: {{*}}
$ gnt-instance add -I pyganeti-test-alloc -t diskless -o noop --no-name-check --no-ip-check toomany1
# exit=1
! Unhandled Ganeti error: iallocator returned invalid number of nodes (2), required 1
$ gnt-instance add -I nosuch -t diskless -o noop --no-name-check --no-ip-check bad4
# exit=1
! Failure: command execution error:
! Failure while running the iallocator script: iallocator module 'nosuch' not found in the search path
$ gnt-instance list -o name,pnode,admin_state
# exit=0
Instance Primary_node InstanceState
inst1    node1        up
inst2    node2        up
inst3    node3        down
inst4    node1        up
inst5    node3        up
inst6    node3        up
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ ls $GANETI_ROOTDIR/../node2/srv/ganeti/file-storage
# exit=0
inst2
$ gnt-job list --no-headers -o status,summary | tail -n 9
# exit=0
error   INSTANCE_CREATE(bad1)
error   INSTANCE_CREATE(bad2)
error   INSTANCE_CREATE(bad3)
success INSTANCE_CREATE(inst6)
error   INSTANCE_CREATE(refuse1)
error   INSTANCE_CREATE(crash1)
error   INSTANCE_CREATE(garbage1)
error   INSTANCE_CREATE(toomany1)
error   INSTANCE_CREATE(bad4)
$ gnt-debug iallocator -m allocate -t file --disks 1G,2G --memory 256 -o noop --tags a,b new1 | python3 -c 'import json, sys; d = json.load(sys.stdin); print(sorted(d)); print(d["version"], d["cluster_name"], d["enabled_hypervisors"]); print(json.dumps(d["request"], sort_keys=True)); print(sorted(d["nodes"])); print(sorted(d["nodes"]["node1"])); print(sorted(d["instances"])); print(d["instances"]["inst2"]["disk_template"], d["instances"]["inst2"]["nodes"], d["instances"]["inst2"]["disks"])'
# exit=0
['cluster_name', 'cluster_tags', 'enabled_hypervisors', 'instances', 'ipolicy', 'nodegroups', 'nodes', 'request', 'version']
2 cluster ['fake']
{"disk_space_total": 3072, "disk_template": "file", "disks": [{"mode": "rw", "size": 1024}, {"mode": "rw", "size": 2048}], "hypervisor": "fake", "memory": 256, "name": "new1", "nics": [{"bridge": null, "ip": null, "mac": "00:11:22:33:44:55"}], "os": "noop", "required_nodes": 1, "spindle_use": 1, "tags": ["a", "b"], "type": "allocate", "vcpus": 1}
['node1', 'node2', 'node3']
['drained', 'free_disk', 'free_memory', 'free_spindles', 'group', 'i_pri_memory', 'i_pri_up_memory', 'master_candidate', 'master_capable', 'ndparams', 'offline', 'primary_ip', 'reserved_cpus', 'reserved_memory', 'secondary_ip', 'tags', 'total_cpus', 'total_disk', 'total_memory', 'total_spindles', 'vm_capable']
['inst1', 'inst2', 'inst3', 'inst4', 'inst5', 'inst6']
file ['node2'] [{'size': 1024, 'mode': 'rw', 'spindles': None}]
$ gnt-debug iallocator --dir out -I pyganeti-simple -m allocate -t diskless new1 && echo .
# exit=0
{"success": true, "info": "Request successful: Selected group: default, Nodes: node2", "result": ["node2"]}

.
$ gnt-debug allocator --dir out -I pyganeti-simple -m multi-allocate -t diskless --count 3 new && echo .
# exit=0
{"success": true, "info": "Allocated 3 instances, 0 failed", "result": [[["new0", ["node2"]], ["new1", ["node2"]], ["new2", ["node2"]]], []]}

.
$ gnt-debug iallocator --dir out -I pyganeti-simple -m node-evacuate --evac-mode primary-only inst1 inst2 && echo .
# exit=0
{"success": true, "info": "Request successful: 1 instances moved, 1 failed", "result": [[["inst1", "default", ["node2"]]], [["inst2", "Instance inst2 has disk template file and can't be moved"]], [[{"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": "inst1", "target_node": "node2", "allow_failover": true, "cleanup": false}]]]}

.
$ gnt-debug iallocator --dir out -I pyganeti-test-alloc -m change-group inst1 && echo .
# exit=0
{"success": true, "info": "nothing to do", "result": [[], [], []]}

.
$ gnt-debug iallocator --dir out -I pyganeti-test-alloc -m allocate -t diskless crash2
# exit=1
! Failure: command execution error:
! Failure while running the iallocator script: iallocator module 'pyganeti-test-alloc' failed: exited with exit code 2, output 'crashing on purpose'
$ gnt-debug iallocator --dir out -m allocate -t diskless new1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Missing allocator name
$ gnt-debug iallocator -m allocate -t diskless inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Instance 'inst1' already in the cluster
$ gnt-debug iallocator -m relocate nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-debug iallocator -m allocate --disks 1Q new1
# exit=1
! Invalid disks parameter '1Q': Unknown unit: Q
$ cp $GANETI_ROOTDIR/usr/share/pyganeti-test/pyganeti-test-alloc $GANETI_ROOTDIR/usr/lib/ganeti/iallocators/hail
# exit=0
$ gnt-instance add -t diskless -o noop --no-name-check --no-ip-check inst7
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst7 via iallocator hail: node3
{{ts}} * creating instance disks...
{{ts}} adding instance inst7 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-cluster modify -I pyganeti-simple
# exit=0
$ gnt-instance add -t diskless -o noop --no-name-check --no-ip-check inst8
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst8 via iallocator pyganeti-simple: node2
{{ts}} * creating instance disks...
{{ts}} adding instance inst8 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance migrate -f -I pyganeti-test-alloc inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-test-alloc: node3
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node3 to accept the instance
{{ts}} * migrating instance to node3
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node3        running
$ gnt-instance failover -f inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-simple: node2
{{ts}} Failover instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node node2
{{ts}} * starting the instance on the target node node2
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node2        running
$ gnt-instance migrate -f -I pyganeti-simple inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-simple: node1
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node1 to accept the instance
{{ts}} * migrating instance to node1
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check refuse1 >/dev/null
# exit=0
$ gnt-instance migrate -f -I pyganeti-test-alloc refuse1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-test-alloc': test allocator refuses to relocate refuse1
$ gnt-instance failover -f -I pyganeti-test-alloc refuse1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-test-alloc': test allocator refuses to relocate refuse1
$ gnt-instance list -o name,pnode,status refuse1
# exit=0
Instance Primary_node Status
refuse1  node1        running
$ gnt-cluster modify -I nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid default iallocator script 'nosuch' specified
$ gnt-cluster info | grep 'default instance allocator:'
# exit=0
  default instance allocator: pyganeti-simple
$ gnt-cluster modify -I pyganeti-test-alloc
# exit=0
$ gnt-instance failover -f inst1
# exit=0
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-test-alloc: node3
{{ts}} Failover instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node node3
{{ts}} * starting the instance on the target node node3
$ gnt-instance list -o name,pnode,status inst1
# exit=0
Instance Primary_node Status
inst1    node3        running
$node3$ ls $GANETI_ROOTDIR/var/run/ganeti/fake-hypervisor | grep -x inst1
# exit=0
inst1
