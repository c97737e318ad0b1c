# gnt-instance on a fresh 3-node virtual cluster (node1 is the master)
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance inst1 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance add -n node1 -t file -s 100M -o noop --no-name-check --no-ip-check inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance allocation to group {{uuid}} (default) violates policy: disk-size/0 value 100 is not in range [1024, 1048576]
$ gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check inst2
# exit=0
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
$ gnt-instance add -n node2 -t file -s 100M --ignore-ipolicy -o noop --no-name-check --no-ip-check inst3
# exit=0
{{ts}} * disk 0, size 100M
{{ts}} * creating instance disks...
{{ts}} adding instance inst3 to cluster config
{{ts}} adding disks to cluster config
{{ts}}  - INFO: Waiting for instance inst3 to sync disks
{{ts}}  - INFO: Instance inst3's disks are in sync
{{ts}}  - INFO: Waiting for instance inst3 to sync disks
{{ts}}  - INFO: Instance inst3's disks are in sync
{{ts}} * running the instance OS create scripts...
{{ts}} * starting instance...
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check --no-start -B memory=256M,vcpus=2 inst4
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance inst4 to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check --submit inst5
# exit=0
! JobID: 9
$ gnt-job watch 9
# exit=0
Output from job 9 follows
-------------------------
{{ts}} * creating instance disks...
{{ts}} adding instance inst5 to cluster config
{{ts}} adding disks to cluster config
{{ts}} * starting instance...
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check --dry-run inst6
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-instance add -n nosuch -t diskless -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-instance add -n node1 -t diskless -o nosuchos --no-name-check --no-ip-check bad2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS 'nosuchos' not in supported OS list for node node1: Directory for OS nosuchos not found in search path
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Instance 'inst1' is already in the cluster
$ gnt-instance add -n node1 -o noop --no-name-check --no-ip-check bad3
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! No disk information specified
$ gnt-instance add -n node1 -t plain -s 1G -o noop --no-name-check --no-ip-check bad4
# exit=1
! Failure: prerequisites not met for this operation:
! Disk template 'plain' is not enabled in cluster. Enabled disk templates are: file,diskless
$ gnt-instance add -n node1 -t diskless -s 1G -o noop --no-name-check --no-ip-check bad5
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Diskless instance but disk information passed
$ gnt-instance add -n node1 -t file -o noop --no-name-check --no-ip-check bad6
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! No disk information specified
$ gnt-instance add -n node1 -t diskless --no-name-check --no-ip-check bad7
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! No guest OS or OS image specified
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check
# exit=1
! Error: Command add expects 1 argument(s)
$ gnt-instance list
# exit=0
Instance Hypervisor OS   Primary_node Status     Memory
inst1    fake       noop node1        running      128M
inst2    fake       noop node1        running      128M
inst3    fake       noop node2        running      128M
inst4    fake       noop node1        ADMIN_down      -
inst5    fake       noop node1        running      128M
$ gnt-instance list -o name,status,oper_ram --no-headers --separator=:
# exit=0
inst1:running:128
inst2:running:128
inst3:running:128
inst4:ADMIN_down:-
inst5:running:128
$ gnt-instance list -o name,pnode,disk_template,os,admin_state,oper_state,be/memory,be/vcpus,disk.count,disk.sizes,nic.count,nic.modes
# exit=0
Instance Primary_node Disk_template OS   InstanceState Running ConfigMaxMem ConfigVCPUs Disks Disk_sizes NICs NIC_modes
inst1    node1        diskless      noop up            Y               128M           1     0               1 bridged
inst2    node1        file          noop up            Y               128M           1     1 1024          1 bridged
inst3    node2        file          noop up            Y               128M           1     1 100           1 bridged
inst4    node1        diskless      noop down          N               256M           2     0               1 bridged
inst5    node1        diskless      noop up            Y               128M           1     0               1 bridged
$ gnt-instance list -o +disk_template
# exit=0
Instance Hypervisor OS   Primary_node Status     Memory Disk_template
inst1    fake       noop node1        running      128M diskless
inst2    fake       noop node1        running      128M file
inst3    fake       noop node2        running      128M file
inst4    fake       noop node1        ADMIN_down      - diskless
inst5    fake       noop node1        running      128M diskless
$ gnt-instance list --units=m -o name,be/memory
# exit=0
Instance ConfigMaxMem
inst1             128
inst2             128
inst3             128
inst4             256
inst5             128
$ gnt-instance list -F 'admin_state == "up"' -o name,status
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Exactly one argument must be given as a filter
$ gnt-instance list -o name,status -F 'admin_state == "up"'
# exit=0
Instance Status
inst1    running
inst2    running
inst3    running
inst5    running
$ gnt-instance list -o name,status -F 'pnode == "node2" or disk_template == "diskless"'
# exit=0
Instance Status
inst1    running
inst3    running
inst4    ADMIN_down
inst5    running
$ gnt-instance list --no-headers -o name inst1 inst2
# exit=0
inst1
inst2
$ gnt-instance list --no-headers -o name inst3 inst1
# exit=0
inst3
inst1
$ gnt-instance list nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance list -o name,nosuchfield
# exit=14
Instance nosuchfield
inst1    ??
inst2    ??
inst3    ??
inst4    ??
inst5    ??
! Warning: Queried for unknown fields nosuchfield
$ gnt-instance list-fields name status oper_ram
# exit=0
Name     Type         Title    Description
name     Text         Instance Instance name
status   Text         Status   Instance status; "running" if instance is set to be running and actually is, "ADMIN_down" if instance is stopped and is not running, "ERROR_wrongnode" if instance running, but not on its designated primary node, "ERROR_up" if instance should be stopped, but is actually running, "ERROR_down" if instance should run, but doesn't, "ERROR_nodedown" if instance's primary node is down, "ERROR_nodeoffline" if instance's primary node is marked offline, "ADMIN_offline" if instance is offline and does not use dynamic resources
oper_ram Storage size Memory   Actual memory usage as seen by hypervisor
$ gnt-instance list-fields --no-headers --separator=: name pnode
# exit=0
name:Text:Instance:Instance name
pnode:Text:Primary_node:Primary node
$ gnt-instance list-fields nosuchfield
# exit=14
Name        Type    Title       Description
nosuchfield Unknown nosuchfield Unknown field 'nosuchfield'
! Warning: Queried for unknown fields nosuchfield
$ gnt-instance info
# exit=1
! No instance selected. Please pass in --all if you want to query all instances.
! Note that this can take a long time on a big cluster.
$ gnt-instance info nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance info inst1
# exit=0
- Instance name: inst1
  UUID: {{uuid}}
  Serial number: 2
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: diskless
  Disks: 
$ gnt-instance info -s inst4
# exit=0
- Instance name: inst4
  UUID: {{uuid}}
  Serial number: 1
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be down
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: 256
    memory: default (256)
    minmem: 256
    spindle_use: default (1)
    vcpus: 2
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: diskless
  Disks: 
$ gnt-instance info inst3
# exit=0
- Instance name: inst3
  UUID: {{uuid}}
  Serial number: 3
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node2
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: file
  Disks: 
    - disk/0: file, size 100M
      access mode: rw
      logical_id: ['loop', '/srv/ganeti/file-storage/inst3/{{uuid}}.file.disk0']
      on primary: {{*}}/node2/srv/ganeti/file-storage/inst3/{{uuid}}.file.disk0 (N/A:N/A)
      name: None
      UUID: {{uuid}}
$ gnt-instance info --all
# exit=0
- Instance name: inst1
  UUID: {{uuid}}
  Serial number: 2
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: diskless
  Disks: 
- Instance name: inst2
  UUID: {{uuid}}
  Serial number: 3
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: file
  Disks: 
    - disk/0: file, size 1.0G
      access mode: rw
      logical_id: ['loop', '/srv/ganeti/file-storage/inst2/{{uuid}}.file.disk0']
      on primary: {{*}}/node1/srv/ganeti/file-storage/inst2/{{uuid}}.file.disk0 (N/A:N/A)
      name: None
      UUID: {{uuid}}
- Instance name: inst3
  UUID: {{uuid}}
  Serial number: 3
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node2
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: file
  Disks: 
    - disk/0: file, size 100M
      access mode: rw
      logical_id: ['loop', '/srv/ganeti/file-storage/inst3/{{uuid}}.file.disk0']
      on primary: {{*}}/node2/srv/ganeti/file-storage/inst3/{{uuid}}.file.disk0 (N/A:N/A)
      name: None
      UUID: {{uuid}}
- Instance name: inst4
  UUID: {{uuid}}
  Serial number: 1
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be down, actual state is down
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: 256
    memory: default (256)
    minmem: 256
    spindle_use: default (1)
    vcpus: 2
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: diskless
  Disks: 
- Instance name: inst5
  UUID: {{uuid}}
  Serial number: 2
  Creation time: {{time}}
  Modification time: {{time}}
  State: configured to be up, actual state is up
  Nodes: 
    - primary: node1
      group: default (UUID {{uuid}})
    - secondaries: 
  Operating system: noop
  Operating system parameters: 
  Allocated network port: None
  Hypervisor: fake
  Hypervisor parameters: 
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: default (128)
    memory: default (128)
    minmem: default (128)
    spindle_use: default (1)
    vcpus: default (1)
  NICs: 
    - nic/0: 
      MAC: {{mac}}
      IP: None
      mode: bridged
      link: {{*}}
      vlan: 
      network: None
      UUID: {{uuid}}
      name: None
  Disk template: diskless
  Disks: 
$ gnt-instance shutdown inst1
# exit=0
Waiting for job 21 for inst1 ...
$ gnt-instance list -o name,status inst1
# exit=0
Instance Status
inst1    ADMIN_down
$ gnt-instance shutdown inst1
# exit=0
Waiting for job 22 for inst1 ...
$ gnt-instance startup inst1
# exit=0
Waiting for job 23 for inst1 ...
$ gnt-instance list -o name,status inst1
# exit=0
Instance Status
inst1    running
$ gnt-instance reboot inst1
# exit=0
Waiting for job 24 for inst1 ...
$ gnt-instance reboot --type=hard inst1
# exit=0
Waiting for job 25 for inst1 ...
$ gnt-instance reboot --type=full inst1
# exit=0
Waiting for job 26 for inst1 ...
$ gnt-instance reboot --type=bogus inst1
# exit=2
! Usage
! =====
!   gnt-instance reboot <instance>
!
! gnt-instance: error: option --type: invalid choice: 'bogus' (choose from 'full', 'hard', 'soft')
$ gnt-instance reboot inst4
# exit=0
Waiting for job 27 for inst4 ...
{{ts}}  - INFO: Instance inst4 was already stopped, starting now
$ gnt-instance shutdown --submit inst4
# exit=0
28: inst4
$ gnt-instance startup nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance shutdown
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! No instance names passed
$ gnt-instance add-tags inst1 web prod
# exit=0
$ gnt-instance list-tags inst1
# exit=0
prod
web
$ gnt-instance list -o name,tags inst1 inst2
# exit=0
Instance Tags
inst1    prod,web
inst2    
$ gnt-instance remove-tags inst1 prod
# exit=0
$ gnt-instance list-tags inst1
# exit=0
web
$ gnt-instance remove-tags inst1 nosuchtag
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Tag(s) 'nosuchtag' not found
$ gnt-instance add-tags nosuch web
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance list-tags nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance remove nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance remove -f nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance remove inst5 < /dev/null
# exit=1
$ gnt-instance remove -f inst5
# exit=0
{{ts}}  - INFO: Shutting down instance inst5 on node node1
{{ts}}  - INFO: Removing block devices for instance inst5
{{ts}}  - INFO: Removing instance inst5 out of cluster config
$ gnt-instance remove -f --dry-run inst4
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-instance list -o name,status
# exit=0
Instance Status
inst1    running
inst2    running
inst3    running
inst4    ADMIN_down
$ gnt-job list
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
 3 success NODE_ADD(node3)
 4 success INSTANCE_CREATE(inst1)
 5 error   INSTANCE_CREATE(inst2)
 6 success INSTANCE_CREATE(inst2)
 7 success INSTANCE_CREATE(inst3)
 8 success INSTANCE_CREATE(inst4)
 9 success INSTANCE_CREATE(inst5)
10 success INSTANCE_CREATE(inst6)
11 error   INSTANCE_CREATE(bad1)
12 error   INSTANCE_CREATE(bad2)
13 error   INSTANCE_CREATE(inst1)
14 error   INSTANCE_CREATE(bad4)
15 error   INSTANCE_CREATE(bad7)
16 error   INSTANCE_QUERY_DATA
17 success INSTANCE_QUERY_DATA
18 success INSTANCE_QUERY_DATA
19 success INSTANCE_QUERY_DATA
20 success INSTANCE_QUERY_DATA
21 success INSTANCE_SHUTDOWN(inst1)
22 success INSTANCE_SHUTDOWN(inst1)
23 success INSTANCE_STARTUP(inst1)
24 success INSTANCE_REBOOT(inst1)
25 success INSTANCE_REBOOT(inst1)
26 success INSTANCE_REBOOT(inst1)
27 success INSTANCE_REBOOT(inst4)
28 success INSTANCE_SHUTDOWN(inst4)
29 success TAGS_SET(inst1)
30 success TAGS_DEL(inst1)
31 error   TAGS_DEL(inst1)
32 error   TAGS_SET(nosuch)
33 error   INSTANCE_REMOVE(nosuch)
34 success INSTANCE_REMOVE(inst5)
35 success INSTANCE_REMOVE(inst4)
