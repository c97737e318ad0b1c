# gnt-group: add, list, info, modify, rename, assign-nodes, evacuate, remove,
# tags, list-fields; gnt-instance change-group; parameter inheritance
$ gnt-group list-fields name node_cnt alloc_policy
# exit=0
Name         Type   Title       Description
name         Text   Group       Group name
node_cnt     Number Nodes       Number of nodes
alloc_policy Text   AllocPolicy Allocation policy for group
$ gnt-group add --alloc-policy last_resort --node-parameters spindle_count=2 -D drbd:resync-rate=1000 rack1
# exit=0
$ gnt-group add rack1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Desired group name 'rack1' already exists as a node group (UUID: {{uuid}})
$ gnt-group add -D drbd:nosuch=1 rack9
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! While verify diskparams options: Unknown disk parameter(s): nosuch
$ gnt-group add --node-parameters nosuch=1 rack9
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown node parameter(s): nosuch
$ gnt-group list
# exit=0
Group   Nodes Instances AllocPolicy NDParams
default     3         0 preferred   oob_program=, spindle_count=1, exclusive_storage=False, ovs=False, ovs_name=switch1, ovs_link=, ssh_port=22, cpu_speed=1
rack1       0         0 last_resort oob_program=, spindle_count=2, exclusive_storage=False, ovs=False, ovs_name=switch1, ovs_link=, ssh_port=22, cpu_speed=1
$ gnt-group assign-nodes rack1 node3
# exit=0
$ gnt-group assign-nodes rack1 nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-group list --no-headers -o name,node_cnt,node_list
# exit=0
default 2 node1,node2
rack1   1 node3
$ gnt-node list -o name,group,ndp/spindle_count,ndp/ssh_port
# exit=0
Node  Group   SpindleCount ndp/ssh_port
node1 default            1           22
node2 default            1           22
node3 rack1              2           22
$ gnt-group info rack1 | sed -n '/Node parameters/,/Disk parameters/p;/resync-rate/p'
# exit=0
  Node parameters: 
    cpu_speed: default (1)
    exclusive_storage: default (False)
    oob_program: default ()
    ovs: default (False)
    ovs_link: default ()
    ovs_name: default (switch1)
    spindle_count: 2
    ssh_port: default (22)
  Disk parameters: 
      resync-rate: 1000
$ gnt-group modify rack1
# exit=1
! Please give at least one of the parameters.
$ gnt-group modify --node-parameters spindle_count=default,ssh_port=2222 rack1
# exit=0
Modified node group rack1
 - ndparams -> {'ssh_port': 2222}
$ gnt-node list -o name,ndp/spindle_count,ndp/ssh_port node3
# exit=0
Node  SpindleCount ndp/ssh_port
node3            1         2222
$ gnt-group modify --alloc-policy preferred --ipolicy-vcpu-ratio 2 --ipolicy-disk-templates diskless,file --ipolicy-bounds-specs min:memory-size=64,cpu-count=1,disk-count=0,disk-size=0,nic-count=0,spindle-use=1/max:memory-size=256M,cpu-count=2,disk-count=2,disk-size=2G,nic-count=2,spindle-use=2 rack1
# exit=0
$ gnt-group info rack1 | sed -n '/Instance policy/,$p'
# exit=0
  Instance policy: 
    bounds specs: 
      - min/0: 
          cpu-count: 1
          disk-count: 0
          disk-size: 0
          memory-size: 64
          nic-count: 0
          spindle-use: 1
        max/0: 
          cpu-count: 2
          disk-count: 2
          disk-size: 2048
          memory-size: 256
          nic-count: 2
          spindle-use: 2
    allowed disk templates: diskless, file
    spindle-ratio: default (32)
    vcpu-ratio: 2
$ gnt-group show-ispecs-cmd rack1
# exit=0
gnt-group modify --ipolicy-bounds-specs min:cpu-count=1,disk-count=0,disk-size=0,memory-size=64,nic-count=0,spindle-use=1/max:cpu-count=2,disk-count=2,disk-size=2048,memory-size=256,nic-count=2,spindle-use=2 --ipolicy-disk-templates diskless,file --ipolicy-vcpu-ratio 2.0 rack1
$ gnt-group modify --ipolicy-bounds-specs min:memory-size=512/max:memory-size=256 rack1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid instance policy: missing instance specs parameters in min spec: cpu-count, disk-count, disk-size, nic-count, spindle-use
$ gnt-group modify --ipolicy-disk-templates nosuch rack1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid instance policy: invalid disk template specified: nosuch
$ gnt-instance add -n node3 -t diskless -B maxmem=512 -o noop --no-name-check --no-ip-check big1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance allocation to group {{uuid}} (rack1) violates policy: memory-size value 512 is not in range [64, 256]
$ gnt-instance add -n node3 -t diskless -B maxmem=512 --ignore-ipolicy -o noop --no-name-check --no-ip-check big1 >/dev/null
# exit=0
$ gnt-instance remove -f big1 >/dev/null
# exit=0
$ gnt-group rename rack1 default
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Desired new name 'default' clashes with existing node group default (UUID: {{uuid}})
$ gnt-group rename rack1 rack2
# exit=0
$ gnt-group add-tags rack2 row:a power:b
# exit=0
$ gnt-group list-tags rack2
# exit=0
power:b
row:a
$ gnt-group remove-tags rack2 power:b
# exit=0
$ gnt-group list -o name,tags
# exit=0
Group   Tags
default []
rack2   ['row:a']
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance change-group -I pyganeti-simple --to rack2 inst1
# exit=0
{{ts}}  - INFO: Instances to be moved: inst1 (to rack2)
{{ts}}  - INFO: Iallocator returned 1 job(s) for changing group of instance 'inst1'
Submitted jobs {{num}}
Waiting for job {{num}} ...
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node3 to accept the instance
{{ts}} * migrating instance to node3
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
Instance 'inst1' changed group successfully.
$ gnt-instance list -o name,pnode,pnode.group,status
# exit=0
Instance Primary_node PrimaryNodeGroup Status
inst1    node3        rack2            running
$ gnt-instance change-group --to rack2 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Can't use group(s) '{{uuid}}' as targets, they are used by the instance 'inst1'
$ gnt-instance change-group --to nosuch inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node group 'nosuch' not found
$ gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check --no-start inst2 >/dev/null
# exit=0
$ gnt-instance change-group -I pyganeti-simple inst2
# exit=1
{{ts}}  - WARNING: Unable to evacuate instances inst2 (Instance inst2 has disk template file and can't be moved)
! Failure: command execution error:
! Unable to evacuate instances inst2 (Instance inst2 has disk template file and can't be moved)
$ gnt-instance remove -f inst2 >/dev/null
# exit=0
$ gnt-group remove rack2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Group 'rack2' not empty, has the following node(s): node3
$ gnt-group evacuate --to rack2 rack2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Group to be evacuated ({{uuid}}) can not be used as a target group (targets are {{uuid}})
$ gnt-group evacuate -I pyganeti-simple rack2
# exit=0
{{ts}}  - INFO: Instances to be moved: inst1 (to default)
{{ts}}  - INFO: Iallocator returned 1 job(s) for evacuating node group rack2
Submitted jobs {{num}}
Waiting for job {{num}} ...
{{ts}} Migrating instance inst1
{{ts}} * checking disk consistency between source and target
{{ts}} * preparing node1 to accept the instance
{{ts}} * migrating instance to node1
{{ts}} * starting memory transfer
{{ts}} * memory transfer complete
{{ts}} * done
All instances evacuated successfully.
$ gnt-group list -o name,pinst_cnt,pinst_list
# exit=0
Group   Instances InstanceList
default         1 inst1
rack2           0 
$ gnt-group modify --alloc-policy unallocable default
# exit=0
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check inst3 >/dev/null
# exit=0
$ gnt-instance list -o name,pnode,pnode.group inst3
# exit=0
Instance Primary_node PrimaryNodeGroup
inst3    node3        rack2
$ gnt-group modify --alloc-policy unallocable rack2
# exit=0
$ gnt-instance add -I pyganeti-simple -t diskless -o noop --no-name-check --no-ip-check inst4 >/dev/null
# exit=1
! Failure: prerequisites not met for this operation:
! error type: insufficient_resources, error details:
! Can't compute nodes using iallocator 'pyganeti-simple': Request failed: No node group can take instances
$ gnt-instance remove -f inst3 >/dev/null
# exit=0
$ gnt-group modify --alloc-policy preferred default
# exit=0
$ gnt-group assign-nodes default node3
# exit=0
$ gnt-group remove rack2
# exit=0
$ gnt-group remove default
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Group 'default' not empty, has the following node(s): node1, node2, node3
$ gnt-group info nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Group 'nosuch' not known
$ gnt-group list
# exit=0
Group   Nodes Instances AllocPolicy NDParams
default     3         1 preferred   oob_program=, spindle_count=1, exclusive_storage=False, ovs=False, ovs_name=switch1, ovs_link=, ssh_port=22, cpu_speed=1
