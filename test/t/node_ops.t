# gnt-node migrate/failover/evacuate (diskless instances on the fake
# hypervisor), the storage commands on file storage, out-of-band power and
# health with the test OOB program, powercycle, tags, modify -s and
# --node-parameters
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst2 >/dev/null
# exit=0
$ gnt-node migrate node1
# exit=13
$ gnt-node migrate -f --non-live --migration-mode=live node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Only one of the --non-live and --migration-mode options can be passed
$ gnt-node migrate -f -n node2 node1
# exit=0
Submitted jobs {{num}}, {{num}}
Waiting for job {{num}} ...
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node2 to accept the instance
{{ts}} * migrating instance to node2
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
Waiting for job {{num}} ...
{{ts}} Migrating instance inst2
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node2 to accept the instance
{{ts}} * migrating instance to node2
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
All instances migrated successfully.
$ gnt-instance list -o name,pnode,status
# exit=0
Instance Primary_node Status
inst1    node2        running
inst2    node2        running
$ gnt-node migrate -f node1
# exit=0
No primary instances on node node1, exiting.
$ gnt-node failover node2
# exit=2
$ gnt-node failover -f node3
# exit=0
! No primary instances on node node3, exiting.
$ gnt-node failover -f -I pyganeti-simple node2
# exit=0
Submitted jobs {{num}}, {{num}}
Waiting for job {{num}} for inst1 ...
{{ts}}  - INFO: Selected nodes for instance inst1 via iallocator pyganeti-simple: {{*}}
{{ts}} Failover instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node {{*}}
{{ts}} * starting the instance on the target node {{*}}
Waiting for job {{num}} for inst2 ...
{{ts}}  - INFO: Selected nodes for instance inst2 via iallocator pyganeti-simple: {{*}}
{{ts}} Failover instance inst2
{{ts}} * checking disk consistency between source and target
{{ts}} * shutting down instance on source node
{{ts}} * deactivating the instance's disks on source node
{{ts}} * activating the instance's disks on target node {{*}}
{{ts}} * starting the instance on the target node {{*}}
All 2 instance(s) failed over successfully.
$ gnt-node list --no-headers -o name,pinst_cnt node2
# exit=0
node2 0
$ gnt-instance list --no-headers -o status
# exit=0
running
running
$ for i in inst1 inst2; do [ "$(gnt-instance list --no-headers -o pnode $i)" = node3 ] || gnt-instance migrate -f -n node3 $i >/dev/null || exit 1; done
# exit=0
$ gnt-node evacuate -f -p -s node3
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Only one of the --primary-only and --secondary-only options can be passed
$ gnt-node evacuate node3
# exit=13
$ gnt-node evacuate -f -n node1 node3
# exit=0
! New secondary node given (disabling iallocator), hence evacuating secondary instances only.
! No instances to evacuate on node(s) node3, exiting.
$ gnt-node evacuate -f -I pyganeti-simple -p node3
# exit=0
{{ts}}  - INFO: Evacuating instances from node 'node3': inst1, inst2
{{ts}}  - INFO: Instances to be moved: inst1 (to {{*}}), inst2 (to {{*}})
Submitted jobs {{num}}, {{num}}
Waiting for job {{num}} ...
{{ts}} Migrating instance inst1
...
{{ts}} * done
Waiting for job {{num}} ...
{{ts}} Migrating instance inst2
...
{{ts}} * done
All instances evacuated successfully.
$ gnt-node list --no-headers -o name,pinst_cnt,sinst_cnt node3
# exit=0
node3 0 0
$ gnt-node remove node3 && gnt-node list --no-headers -o name
# exit=0
node1
node2
$ gnt-node list-storage -t file
# exit=0
Node  Type Name                     {{*}}Size Used {{*}}Free Allocatable
node1 file /srv/ganeti/file-storage {{*}} Y
node2 file /srv/ganeti/file-storage {{*}} Y
$ gnt-node list-storage --no-headers --separator=: -o node,type,name,allocatable
# exit=0
node1:file:/srv/ganeti/file-storage:Y
node2:file:/srv/ganeti/file-storage:Y
$ gnt-node list-storage --separator=: -o size,used,free node2 | grep -c '^[0-9]*:[0-9]*:[0-9]*$'
# exit=0
1
$ gnt-node list-storage -o name,bogus
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown output fields selected: bogus
$ gnt-node list-storage -t lvm-pv
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! No disk template of storage type 'lvm-vg' is enabled in this cluster. Enabled disk templates are: file,diskless
$ gnt-node list-storage -t nosuchtype
# exit=2
! Usage
! =====
!   gnt-node list-storage [<node_name>...]
!
! gnt-node: error: option -t: invalid choice: 'nosuchtype' (choose from 'file', 'lvm-pv', 'lvm-vg', 'sharedfile')
$ gnt-node volumes | tail -n 1
# exit=0
Node PhysDev VG Name Size Instance
$ gnt-node volumes -o node,bogus
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown output fields selected: bogus
$ gnt-node modify-storage --allocatable=no node1 file /srv/ganeti/file-storage
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Storage units of type 'file' can not be modified
$ gnt-node modify-storage --allocatable=no node1 lvm-pv /dev/sdb1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! No disk template of storage type 'lvm-vg' is enabled in this cluster. Enabled disk templates are: file,diskless
$ gnt-node modify-storage node1 lvm-pv /dev/sdb1
# exit=0
! No changes to perform, exiting.
$ gnt-node modify-storage --allocatable=no node1 bogus x
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown storage type: bogus
$ gnt-node repair-storage node1 file /srv/ganeti/file-storage
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Storage units of type 'file' can not be repaired
$ gnt-node repair-storage node1 lvm-vg xenvg
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! No disk template of storage type 'lvm-vg' is enabled in this cluster. Enabled disk templates are: file,diskless
$ cp "$(dirname "$(command -v gnt-node)")/../test/data/oob/fake-oob" $GANETI_ROOTDIR/../fake-oob && gnt-node modify --node-parameters oob_program=$GANETI_ROOTDIR/../fake-oob node2
# exit=0
$ gnt-node list -o name,powered
# exit=0
Node  Powered
node1 -
node2 Y
$ gnt-node power status
# exit=1
Node  Status   
node1 (unavail)
node2 powered
$ gnt-node health node2
# exit=0
Node  Status  
node2 disk0=OK
      fan0=OK
$ echo '[["psu0", "OK"], ["psu1", "CRITICAL"]]' > $GANETI_ROOTDIR/fake-oob/node2.health && gnt-node health
# exit=1
{{ts}}  - WARNING: Item 'psu1' on node 'node2' has status 'CRITICAL'
Node  Status       
node1 (unavail)
node2 psu0=OK
      psu1=CRITICAL
$ gnt-node power bogus node2
# exit=1
! power subcommand bogus not supported.
$ gnt-node power off
# exit=1
! Please provide at least one node for this command
$ gnt-node power off node2
# exit=1
$ gnt-node power -f --ignore-status off node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Operating on the master node node1 is not allowed for power-off; it does not support out-of-band operations
$ gnt-node power -f --auto-promote off node2
# exit=0
Node  Status 
node2 invoked
$ gnt-node list -o name,offline,powered
# exit=0
Node  Offline Powered
node1 N       -
node2 Y       N
$ gnt-node info node1 node2 | grep -E 'Node name|offline|powered'
# exit=0
- Node name: node1
  offline: False
- Node name: node2
  offline: True
  powered: False
$ gnt-node power status node2
# exit=0
Node  Status   
node2 unpowered
$ gnt-node modify --offline=no node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Node node2 needs to be turned on before its offline status can be reset
$ gnt-node power on node2
# exit=0
Node  Status 
node2 invoked
$ gnt-node modify --offline=no node2
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
{{ts}}  - WARNING: Transitioning node from offline to online state without using re-add. Please make sure the node is healthy!
Modified node node2
 - master_candidate -> True
 - offline -> False
$ gnt-node list -o name,offline,powered,role
# exit=0
Node  Offline Powered Role
node1 N       -       M
node2 N       Y       C
$ gnt-node power -f cycle node2
# exit=0
Node  Status 
node2 invoked
$ gnt-node modify --node-powered=no node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Unable to change powered state for node node1 as it does not support out-of-band handling
$ gnt-node modify --node-powered=no node2 && gnt-node list --no-headers -o powered node2
# exit=0
N
$ echo 'the BMC is unreachable' > $GANETI_ROOTDIR/fake-oob/node2.fail && gnt-node power status node2
# exit=1
{{ts}}  - WARNING: Out-of-band RPC failed on node 'node2': {{*}}the BMC is unreachable
Node  Status  
node2 (nodata)
$ rm $GANETI_ROOTDIR/fake-oob/node2.fail && echo '{"powered": "maybe"}' > $GANETI_ROOTDIR/fake-oob/node2.garbage && gnt-node power status node2
# exit=1
{{ts}}  - WARNING: Payload returned by node 'node2' is not valid: Check of out-of-band payload failed due to power-status is expected to have a boolean 'powered' key
Node  Status  
node2 (nodata)
$ cat $GANETI_ROOTDIR/fake-oob/log
# exit=0
power-status node2
health node2
health node2
power-off node2
power-status node2
power-on node2
power-cycle node2
power-status node2
power-status node2
$ gnt-node powercycle node2
# exit=2
$ gnt-node powercycle --yes node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The node is the master and the force parameter was not set
$ gnt-node powercycle --yes node2
# exit=1
! Failure: command execution error:
! Failed to schedule the reboot: Powercycling a node of a virtual cluster is not possible (it would reboot the machine hosting all its nodes)
$ gnt-node add-tags node2 rack:a1 owner:ops
# exit=0
$ gnt-node list-tags node2
# exit=0
owner:ops
rack:a1
$ gnt-node remove-tags node2 rack:a1 && gnt-node list --no-headers -o name,tags
# exit=0
node1 
node2 owner:ops
$ gnt-node modify -s 127.0.0.300 node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Secondary IP (127.0.0.300) needs to be a valid IPv4 address
$ gnt-node modify -s "$(gnt-node list --no-headers -o pip node2 | cut -d. -f1-3).202" node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Changing the secondary ip on a single-homed cluster requires the --force option to be passed, and the target node to be the master
$ gnt-node modify -f -s "$(gnt-node list --no-headers -o pip node1 | cut -d. -f1-3).201" node1
# exit=0
{{ts}}  - WARNING: Transitioning from single-homed to multi-homed cluster; all nodes will require a secondary IP address
Modified node node1
 - secondary_ip -> {{*}}.201
$ gnt-node modify -s "$(gnt-node list --no-headers -o pip node1 | cut -d. -f1-3).201" node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: resource_not_unique, error details:
! Secondary IP {{*}}.201 is already used by node node1
$ gnt-node modify -s "$(gnt-node list --no-headers -o pip node2 | cut -d. -f1-3).202" node2
# exit=0
Modified node node2
 - secondary_ip -> {{*}}.202
$ gnt-node list --no-headers -o name,sip | sed 's/ .*\./ x./'
# exit=0
node1 x.201
node2 x.202
$ gnt-node modify --node-parameters exclusive_storage=true node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The following node parameters are global and cannot be customized at node level, please modify them at cluster or group level: exclusive_storage
$ gnt-node modify --node-parameters spindle_count=many node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid value for node parameter 'spindle_count': many is not a valid integer
$ gnt-node modify --node-parameters spindle_count=4,oob_program=default node2 && gnt-node list -o name,ndp/spindle_count,custom_ndparams
# exit=0
Node  SpindleCount CustomNodeParameters
node1            1 {}
node2            4 {'spindle_count': 4}
