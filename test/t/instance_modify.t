# gnt-instance modify: -B, -H, -O, -o, --net, --disk, --offline/--online
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check --no-start inst2 >/dev/null
# exit=0
$ gnt-instance modify inst1
# exit=1
! Please give at least one of the parameters.
$ gnt-instance modify -B maxmem=256M,vcpus=2 inst1
# exit=0
Modified instance inst1
 - be/maxmem -> 256
 - be/vcpus -> 2
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify -B memory=192,spindle_use=2 inst1
# exit=0
Modified instance inst1
 - be/spindle_use -> 2
 - be/maxmem -> 192
 - be/minmem -> 192
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,be/maxmem,be/minmem,be/vcpus,be/spindle_use inst1
# exit=0
Instance ConfigMaxMem ConfigMinMem ConfigVCPUs be/spindle_use
inst1            192M         192M           2              2
$ gnt-instance info inst1 | sed -n '/Back-end parameters/,/NICs/p'
# exit=0
  Back-end parameters: 
    always_failover: default (False)
    auto_balance: default (True)
    maxmem: 192
    memory: default (192)
    minmem: 192
    spindle_use: 2
    vcpus: 2
  NICs: 
$ gnt-instance modify -B spindle_use=default,minmem=128 inst1
# exit=0
Modified instance inst1
 - be/spindle_use -> default
 - be/minmem -> 128
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,be/maxmem,be/minmem,be/spindle_use,custom_beparams inst1
# exit=0
Instance ConfigMaxMem ConfigMinMem be/spindle_use CustomBackendParameters
inst1            192M         128M              1 {'maxmem': 192, 'vcpus': 2, 'minmem': 128}
$ gnt-instance modify -m 160 inst1
# exit=0
Modified instance inst1
 - runtime_memory -> 160
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,oper_ram,be/maxmem inst1
# exit=0
Instance Memory ConfigMaxMem
inst1      160M         192M
$ gnt-instance modify -m 512 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance inst1 must have memory between 128 and 192 MB of memory unless --force is given
$ gnt-instance modify -m 256 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance inst2 is not running
$ gnt-instance modify -B minmem=512 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Minimum memory (512) cannot be greater than maximum memory (192) of instance inst1
$ gnt-instance modify -B vcpus=many inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid value for backend parameter 'vcpus': many is not a valid integer
$ gnt-instance modify -B nosuch=1 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown backend parameter(s): nosuch
$ gnt-instance modify -H migration_mode=non-live inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The following hypervisor parameters are global and cannot be customized at instance level, please modify them at cluster level: migration_mode
$ gnt-instance modify -H kernel_path=/boot/vmlinuz inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown fake hypervisor parameter(s): kernel_path
$ gnt-instance modify -O foo=bar,baz=1 inst1
# exit=0
Modified instance inst1
 - os/foo -> bar
 - os/baz -> 1
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify -O foo=default inst1
# exit=0
Modified instance inst1
 - os/foo -> default
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,osparams inst1
# exit=0
Instance OpSysParameters
inst1    {'baz': '1'}
$ gnt-instance modify -o nosuchos inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS 'nosuchos' not in supported OS list for node node1: Directory for OS nosuchos not found in search path
$ gnt-instance modify -o noop inst1
# exit=0
$ gnt-instance modify --net add:mac=aa:00:00:11:22:33,ip=192.0.2.10,name=eth1 inst1
# exit=0
Modified instance inst1
 - nic.1 -> add:mac=aa:00:00:11:22:33,ip=192.0.2.10,mode=bridged,link=xen-br0,network=None
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --net -1:add,link=br7 inst1
# exit=0
Modified instance inst1
 - nic.2 -> add:mac={{mac}},ip=None,mode=bridged,link=br7,network=None
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --net eth1:mode=routed,ip=192.0.2.11 inst1
# exit=0
Modified instance inst1
 - nic.ip/1 -> 192.0.2.11
 - nic.link/1 -> xen-br0
 - nic.mode/1 -> routed
 - nic.vlan/1 -> 
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,nic.count,nic.macs,nic.ips,nic.modes,nic.links inst1
# exit=0
Instance NICs NIC_MACs                                              NIC_IPs              NIC_modes              NIC_links
inst1       3 {{mac}},aa:00:00:11:22:33,{{mac}} None,192.0.2.11,None bridged,routed,bridged xen-br0,xen-br0,br7
$ gnt-instance modify --net 2:mac=generate inst1 | grep -c 'nic.mac/2'
# exit=0
1
$ gnt-instance modify --net 0:mac=aa:00:00:11:22:33 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: resource_not_unique, error details:
! MAC address aa:00:00:11:22:33 already in use in cluster
$ gnt-instance modify --net 0:mac=auto inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! 'auto' is not a valid MAC address when modifying an existing NIC
$ gnt-instance modify --net add:ip=300.1.2.3 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid IP address '300.1.2.3'
$ gnt-instance modify --net 1:mode=routed,ip=none inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Cannot set the NIC IP address to None on a routed NIC
$ gnt-instance modify --net 7:remove inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Got nic index 7, but there are only 3
$ gnt-instance modify --net nosuch:remove inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Cannot find nic with identifier nosuch
$ gnt-instance modify --net 1:remove,mac=aa:00:00:11:22:44 inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Not accepting parameters on removal/detach
$ gnt-instance modify --net eth1:remove inst1
# exit=0
Modified instance inst1
 - nic/1 -> remove
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --net remove inst1
# exit=0
Modified instance inst1
 - nic/1 -> remove
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,nic.count,nic.names inst1
# exit=0
Instance NICs NIC_Names
inst1       1 [None]
$ gnt-instance modify --hotplug --net add inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Hotplug is not possible: Hotplug is not supported by the fake hypervisor
$ gnt-instance modify --hotplug-if-possible --net add inst1
# exit=0
{{ts}}  - WARNING: Hotplug is not supported by the fake hypervisor
{{ts}}  - INFO: Modification will take place without hotplugging.
Modified instance inst1
 - nic.1 -> add:mac={{mac}},ip=None,mode=bridged,link=xen-br0,network=None
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --disk add:size=2G,name=extra inst2
# exit=0
{{ts}} * disk 1, size 2.0G
Modified instance inst2
 - disk/1 -> add:size=2048,mode=rw
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,disk.count,disk.sizes,disk.names inst2
# exit=0
Instance Disks Disk_sizes Disk_names
inst2        2 1024,2048  [None, 'extra']
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2 | sed 's/^[-0-9a-f]*//' | sort
# exit=0
.file.disk0
.file.disk1
$ gnt-instance modify --disk 0:add,size=10M inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance allocation to group {{uuid}} (default) violates policy: disk-size/0 value 12 is not in range [1024, 1048576]
$ gnt-instance modify --disk add:mode=rw inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Required disk parameter 'size' missing
$ gnt-instance modify --disk attach:name=foo inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Attaching and detaching disks is not supported yet
$ gnt-instance modify --disk add:size=1G inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Disk operations not supported for diskless instances
$ gnt-instance modify --disk extra:remove inst2
# exit=0
Modified instance inst2
 - disk/1 -> remove
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --disk remove inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Cannot remove the last disk of an instance
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2 | sed 's/^[-0-9a-f]*//'
# exit=0
.file.disk0
$ gnt-instance modify --disk 0:mode=ro,name=data inst2
# exit=0
Modified instance inst2
 - disk.mode/0 -> ro
 - disk.name/0 -> data
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance info inst2 | grep -e 'access mode' -e 'name: data'
# exit=0
      access mode: ro
      name: data
$ gnt-instance modify -t plain inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Disk template 'plain' is not enabled for this cluster.
$ gnt-instance modify -t drbd inst2
# exit=1
! Changing the disk template to a mirrored one requires specifying a secondary node
$ gnt-instance modify -t file inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance already has disk template file
$ gnt-instance modify -t diskless inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unsupported disk template conversion from file to diskless
$ gnt-instance modify --offline inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst1' is marked to be up, can't change to offline
$ gnt-instance modify --online inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst2' is marked to be down, can't change to online
$ gnt-instance modify --offline inst2
# exit=0
Modified instance inst2
 - admin_state -> offline
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,status,admin_state inst2
# exit=0
Instance Status        InstanceState
inst2    ADMIN_offline offline
$ gnt-instance start inst2
# exit=1
Waiting for job {{num}} for inst2 ...
! Job {{num}} for inst2 has failed: Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst2' is marked to be offline
$ gnt-instance modify --online inst2
# exit=0
Modified instance inst2
 - admin_state -> down
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,status,admin_state inst2
# exit=0
Instance Status     InstanceState
inst2    ADMIN_down down
$ gnt-instance modify --submit -B vcpus=3 inst1
# exit=0
! JobID: {{num}}
$ gnt-instance modify --dry-run -B vcpus=4 inst1
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-instance modify -B vcpus=1 nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
