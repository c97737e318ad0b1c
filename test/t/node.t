# gnt-node on a fresh 3-node virtual cluster (node1 is the master)
$ gnt-node list -o name,role,master_candidate,pinst_cnt,sinst_cnt
# exit=0
Node  Role MasterC Pinst Sinst
node1 M    Y           0     0
node2 C    Y           0     0
node3 C    Y           0     0
$ gnt-node list
# exit=0
Node  DTotal DFree MTotal MNode MFree Pinst Sinst
node1 {{*}}
node2 {{*}}
node3 {{*}}
$ gnt-node list -o +role
# exit=0
Node  DTotal DFree MTotal MNode MFree Pinst Sinst Role
node1 {{*}}
node2 {{*}}
node3 {{*}}
$ gnt-node list -o name,role,+tags
# exit=14
Node  Role +tags
node1 M    ??
node2 C    ??
node3 C    ??
! Warning: Queried for unknown fields +tags
$ gnt-node list --no-headers --separator=: -o name,pinst_cnt,sinst_cnt,master_candidate,drained,offline,vm_capable,master_capable
# exit=0
node1:0:0:Y:N:N:Y:Y
node2:0:0:Y:N:N:Y:Y
node3:0:0:Y:N:N:Y:Y
$ gnt-node list --separator='|' -o name,pip,role
# exit=0
Node|PrimaryIP|Role
node1|{{*}}|M
node2|{{*}}|C
node3|{{*}}|C
$ gnt-node list --units=m --separator=: -o name,mtotal --no-headers
# exit=0
node1:{{num}}
node2:{{num}}
node3:{{num}}
$ gnt-node list -o name,nosuchfield
# exit=14
Node  nosuchfield
node1 ??
node2 ??
node3 ??
! Warning: Queried for unknown fields nosuchfield
$ gnt-node list -F 'role == "M"' -o name
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Exactly one argument must be given as a filter
$ gnt-node list -o name,role -F 'master_candidate and not master'
# exit=0
Node  Role
node2 C
node3 C
$ gnt-node list -o name node3 node1
# exit=0
Node
node3
node1
$ gnt-node list nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node name nosuch not found
$ gnt-node list-fields name role pinst_cnt
# exit=0
Name      Type   Title Description
name      Text   Node  Node name
role      Text   Role  Node role; "M" for master, "C" for master candidate, "R" for regular, "D" for drained, "O" for offline
pinst_cnt Number Pinst Number of instances with this node as primary
$ gnt-node list-fields --no-headers --separator=, name tags
# exit=0
name,Text,Node,Node name
tags,Custom,Tags,Tags
$ gnt-node list-fields nosuch
# exit=14
Name   Type    Title  Description
nosuch Unknown nosuch Unknown field 'nosuch'
! Warning: Queried for unknown fields nosuch
$ gnt-node list-fields
# exit=0
Name                  Type                  Title                Description
bootid                Text                  BootID               Random UUID renewed for each system reboot, can be used for detecting reboots by tracking changes
cnodes                Number                CNodes               Number of NUMA domains on node (if exported by hypervisor)
cnos                  Number                CNOs                 Number of logical processors used by the node OS (dom0 for Xen)
csockets              Number                CSockets             Number of physical CPU sockets (if exported by hypervisor)
ctime                 Timestamp             CTime                Creation timestamp
ctotal                Number                CTotal               Number of logical processors
custom_ndparams       Custom                CustomNodeParameters Custom node parameters
dfree                 Storage size          DFree                Available storage space on storage unit
disk_state            Custom                DiskState            Disk state
drained               Boolean               Drained              Whether node is drained
dtotal                Storage size          DTotal               Total storage space on storage unit for instance disk allocation
group                 Text                  Group                Node group
group.uuid            Text                  GroupUUID            UUID of node group
hv_state              Custom                HypervisorState      Hypervisor state
master                Boolean               IsMaster             Whether node is master
master_candidate      Boolean               MasterC              Whether node is a master candidate
master_capable        Boolean               MasterCapable        Whether node can become a master candidate
mfree                 Storage size          MFree                Memory available for instance allocations
mnode                 Storage size          MNode                Amount of memory used by node (dom0 for Xen)
mtime                 Timestamp             MTime                Modification timestamp
mtotal                Storage size          MTotal               Total amount of memory of physical machine
name                  Text                  Node                 Node name
ndp/cpu_speed         Floating-point number ndp/cpu_speed        The "cpu_speed" node parameter
ndp/exclusive_storage Boolean               ExclusiveStorage     The "exclusive_storage" node parameter
ndp/oob_program       Custom                OutOfBandProgram     The "oob_program" node parameter
ndp/ovs               Boolean               OpenvSwitch          The "ovs" node parameter
ndp/ovs_link          Custom                OpenvSwitchLink      The "ovs_link" node parameter
ndp/ovs_name          Custom                OpenvSwitchName      The "ovs_name" node parameter
ndp/spindle_count     Number                SpindleCount         The "spindle_count" node parameter
ndp/ssh_port          Number                ndp/ssh_port         The "ssh_port" node parameter
ndparams              Custom                NodeParameters       Merged node parameters
offline               Boolean               Offline              Whether node is marked offline
pinst_cnt             Number                Pinst                Number of instances with this node as primary
pinst_list            Custom                PriInstances         List of instances with this node as primary
pip                   Text                  PrimaryIP            Primary IP address
powered               Boolean               Powered              Whether node is thought to be powered on
role                  Text                  Role                 Node role; "M" for master, "C" for master candidate, "R" for regular, "D" for drained, "O" for offline
serial_no             Number                SerialNo             Node object serial number, incremented on each modification
sinst_cnt             Number                Sinst                Number of instances with this node as secondary
sinst_list            Custom                SecInstances         List of instances with this node as secondary
sip                   Text                  SecondaryIP          Secondary IP address
spfree                Number                SpFree               Available spindles in volume group (exclusive storage only)
sptotal               Number                SpTotal              Total spindles in volume group (exclusive storage only)
tags                  Custom                Tags                 Tags
uuid                  Text                  UUID                 Node UUID
vm_capable            Boolean               VMCapable            Whether node can host instances
$ gnt-node info node2
# exit=0
- Node name: node2
  primary ip: {{*}}
  secondary ip: {{*}}
  master candidate: True
  drained: False
  offline: False
  master_capable: True
  vm_capable: True
  primary for instances: 
  secondary for instances: 
  node parameters: 
    cpu_speed: default (1)
    exclusive_storage: default (False)
    oob_program: default ()
    ovs: default (False)
    ovs_link: default ()
    ovs_name: default (switch1)
    spindle_count: default (1)
    ssh_port: default (22)
$ gnt-node info
# exit=0
- Node name: node1
  primary ip: {{*}}
  secondary ip: {{*}}
  master candidate: True
  drained: False
  offline: False
  master_capable: True
  vm_capable: True
  primary for instances: 
  secondary for instances: 
  node parameters: 
    cpu_speed: default (1)
    exclusive_storage: default (False)
    oob_program: default ()
    ovs: default (False)
    ovs_link: default ()
    ovs_name: default (switch1)
    spindle_count: default (1)
    ssh_port: default (22)
- Node name: node2
  primary ip: {{*}}
  secondary ip: {{*}}
  master candidate: True
  drained: False
  offline: False
  master_capable: True
  vm_capable: True
  primary for instances: 
  secondary for instances: 
  node parameters: 
    cpu_speed: default (1)
    exclusive_storage: default (False)
    oob_program: default ()
    ovs: default (False)
    ovs_link: default ()
    ovs_name: default (switch1)
    spindle_count: default (1)
    ssh_port: default (22)
- Node name: node3
  primary ip: {{*}}
  secondary ip: {{*}}
  master candidate: True
  drained: False
  offline: False
  master_capable: True
  vm_capable: True
  primary for instances: 
  secondary for instances: 
  node parameters: 
    cpu_speed: default (1)
    exclusive_storage: default (False)
    oob_program: default ()
    ovs: default (False)
    ovs_link: default ()
    ovs_name: default (switch1)
    spindle_count: default (1)
    ssh_port: default (22)
$ gnt-node info nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node name nosuch not found
$ gnt-node modify node2
# exit=1
! Please give at least one of the parameters.
$ gnt-node modify --drained=yes node2
# exit=0
Modified node node2
 - master_candidate -> False
 - drained -> True
$ gnt-node list -o name,role,drained,master_candidate
# exit=0
Node  Role Drained MasterC
node1 M    N       Y
node2 D    Y       N
node3 C    N       Y
$ gnt-node modify --drained=no node2
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
Modified node node2
 - master_candidate -> True
 - drained -> False
$ gnt-node modify --drained=no node2
# exit=0
{{ts}}  - INFO: Ignoring request to unset flag drained, already unset
$ gnt-node modify --offline=yes node3
# exit=0
Modified node node3
 - master_candidate -> False
 - offline -> True
$ gnt-node list -o name,role,offline,mfree
# exit=0
Node  Role Offline MFree
node1 M    N {{*}}
node2 C    N {{*}}
node3 O    Y           *
$ gnt-node list -v -o name,role,offline,mfree
# exit=0
Node  Role Offline     MFree
node1 M    N {{*}}
node2 C    N {{*}}
node3 O    Y       (offline)
$ gnt-node modify --offline=no node3
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
{{ts}}  - WARNING: Transitioning node from offline to online state without using re-add. Please make sure the node is healthy!
Modified node node3
 - master_candidate -> True
 - offline -> False
$ gnt-node modify --master-candidate=no node3
# exit=0
Modified node node3
 - master_candidate -> False
$ gnt-node modify --master-candidate=yes node3
# exit=0
Modified node node3
 - master_candidate -> True
$ gnt-node modify --master-capable=no node2
# exit=0
{{ts}}  - INFO: Demoting from master candidate
Modified node node2
 - master_capable -> False
 - master_candidate -> False
$ gnt-node modify --master-capable=no --auto-promote node2
# exit=0
Modified node node2
 - master_capable -> False
$ gnt-node list -o name,role,master_capable
# exit=0
Node  Role MasterCapable
node1 M    Y
node2 R    N
node3 C    Y
$ gnt-node modify --master-capable=yes node2
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
Modified node node2
 - master_capable -> True
 - master_candidate -> True
$ gnt-node modify --vm-capable=no node3
# exit=0
Modified node node3
 - vm_capable -> False
$ gnt-node modify --vm-capable=yes node3
# exit=0
Modified node node3
 - vm_capable -> True
$ gnt-node modify --offline=yes node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The master role can be changed only via master-failover
$ gnt-node modify -C no node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The master role can be changed only via master-failover
$ gnt-node modify --drained=yes --offline=yes node3
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Can't set the node into more than one state at the same time
$ gnt-node modify --drained=maybe node3
# exit=1
! Failure: unknown/wrong parameter name 'Invalid boolean value 'maybe''
$ gnt-node modify --submit --drained=yes node3
# exit=0
! JobID: 19
$ gnt-job wait 19
# exit=0
$ gnt-node list -o name,role node3
# exit=0
Node  Role
node3 D
$ gnt-node modify --dry-run --drained=no node3
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-node list -o name,role node3
# exit=0
Node  Role
node3 D
$ gnt-node modify -D no node3
# exit=0
{{ts}}  - INFO: Auto-promoting node to master candidate
Modified node node3
 - master_candidate -> True
 - drained -> False
$ gnt-node modify --drained=yes nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-node add-tags node2 alpha beta
# exit=0
$ gnt-node list-tags node2
# exit=0
alpha
beta
$ gnt-node list -o name,tags
# exit=0
Node  Tags
node1 
node2 alpha,beta
node3 
$ gnt-node remove-tags node2 alpha
# exit=0
$ gnt-node list-tags node2
# exit=0
beta
$ gnt-node remove-tags node2 nosuchtag
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Tag(s) 'nosuchtag' not found
$ gnt-node add-tags node2 'bad tag'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Tag contains invalid characters
$ gnt-node add-tags nosuch alpha
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-node list-tags nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node name nosuch not found
$ gnt-node list-tags
# exit=1
! Error: Command list-tags expects 1 argument(s)
$ gnt-node remove node1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Node is the master node, failover to another node is required
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check --no-start inst1
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance inst1 to cluster config
{{ts}} adding disks to cluster config
$ gnt-node remove node2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance inst1 is still running on the node, please remove first
$ gnt-node remove nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-node add node2
# exit=1
! Node node2 already in the cluster (as node2) - please retry with '--readd'
$ gnt-node add --readd nosuch
# exit=1
! Failure: can't resolve hostname 'nosuch'
$ gnt-node add --readd cluster
# exit=1
! Node cluster not in the cluster - please retry without '--readd'
$ gnt-node add --readd node1
# exit=1
! Node node1 is the master, cannot readd
$ gnt-node remove --dry-run node3
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-node remove node3
# exit=0
$ gnt-node list -o name,role
# exit=0
Node  Role
node1 M
node2 C
$ gnt-node add node3
# exit=0
{{ts}}  - INFO: Node will be a master candidate
! -- WARNING -- 
! Performing this operation is going to replace the ssh daemon keypair
! on the target machine (node3) with the ones of the current one
! and grant full intra-cluster ssh root access to/from it
!
$ gnt-node list -o name,role
# exit=0
Node  Role
node1 M
node2 C
node3 C
$ gnt-job list -o id,status,summary
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
 3 success NODE_ADD(node3)
 4 success NODE_SET_PARAMS(node2)
 5 success NODE_SET_PARAMS(node2)
 6 success NODE_SET_PARAMS(node2)
 7 success NODE_SET_PARAMS(node3)
 8 success NODE_SET_PARAMS(node3)
 9 success NODE_SET_PARAMS(node3)
10 success NODE_SET_PARAMS(node3)
11 success NODE_SET_PARAMS(node2)
12 success NODE_SET_PARAMS(node2)
13 success NODE_SET_PARAMS(node2)
14 success NODE_SET_PARAMS(node3)
15 success NODE_SET_PARAMS(node3)
16 error   NODE_SET_PARAMS(node1)
17 error   NODE_SET_PARAMS(node1)
18 error   NODE_SET_PARAMS(node3)
19 success NODE_SET_PARAMS(node3)
20 success NODE_SET_PARAMS(node3)
21 success NODE_SET_PARAMS(node3)
22 error   NODE_SET_PARAMS(nosuch)
23 success TAGS_SET(node2)
24 success TAGS_DEL(node2)
25 error   TAGS_DEL(node2)
26 error   TAGS_SET(node2)
27 error   TAGS_SET(nosuch)
28 error   NODE_REMOVE(node1)
29 success INSTANCE_CREATE(inst1)
30 error   NODE_REMOVE(node2)
31 error   NODE_REMOVE(nosuch)
32 success NODE_REMOVE(node3)
33 success NODE_REMOVE(node3)
34 success NODE_ADD(node3)
