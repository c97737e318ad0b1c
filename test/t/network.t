# gnt-network: networks, address pools, node group connections and instance NICs on networks (fresh 3-node cluster)
$ gnt-network list
# exit=0
Network Subnet Gateway MacPrefix GroupList Tags
$ gnt-network add net1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The --network option must be given
$ gnt-network add --network=198.51.100.0/28 --gateway=198.51.100.1 --add-reserved-ips=198.51.100.5,198.51.100.6 --tags=blue,green net1
# exit=0
$ gnt-network add --network=198.51.100.0/28 net1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Network 'net1' already defined
$ gnt-network add --network=198.51.100.0/33 net2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Parameter 'OP_NETWORK_ADD.network' fails validation: expected IPv4Network, got '198.51.100.0/33'
$ gnt-network add --network=198.51.100.16/28 --gateway=198.51.100.1 net2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Gateway '198.51.100.1' is not in network 198.51.100.16/28
$ gnt-network add --network=198.51.100.0/8 net2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! A big network with 16777214 host(s) is currently not supported, please specify at most a /16 network
$ gnt-network add --network=198.51.100.64/26 -m aa:00:01 --network6=2001:db8::/64 --gateway6=2001:db8::1 net2
# exit=0
$ gnt-network list
# exit=0
Network Subnet           Gateway      MacPrefix GroupList Tags
net1    198.51.100.0/28  198.51.100.1 -                   blue,green
net2    198.51.100.64/26 -            aa:00:01            
$ gnt-network list --no-headers --separator=: -o name,free_count,reserved_count,map,external_reservations
# exit=0
net1:11:5:XX...XX........X:198.51.100.0, 198.51.100.1, 198.51.100.5, 198.51.100.6, 198.51.100.15
net2:62:2:X..............................................................X:198.51.100.64, 198.51.100.127
$ gnt-network list -o name,network6,gateway6,mac_prefix net2
# exit=0
Network IPv6Subnet    IPv6Gateway MacPrefix
net2    2001:db8::/64 2001:db8::1 aa:00:01
$ gnt-network list -o name,nosuch
# exit=14
Network nosuch
net1    ??
net2    ??
! Warning: Queried for unknown fields nosuch
$ gnt-network list-tags net1
# exit=0
blue
green
$ gnt-network add-tags net1 red
# exit=0
$ gnt-network list-tags net1
# exit=0
blue
green
red
$ gnt-network remove-tags net1 blue
# exit=0
$ gnt-network list -o name,tags -F '"red" in tags'
# exit=0
Network Tags
net1    green,red
$ gnt-network info net1
# exit=0
Network name: net1
UUID: {{uuid}}
Serial number: 3
  Subnet: 198.51.100.0/28
  Gateway: 198.51.100.1
  IPv6 Subnet: None
  IPv6 Gateway: None
  Mac Prefix: None
  Size: 16
  Free: 11 (68.75%)
  Usage map:
       0 XX...XX........X                                                 63
         (X) used    (.) free
  externally reserved IPs:
    198.51.100.0, 198.51.100.1, 198.51.100.5, 198.51.100.6,
    198.51.100.15
  not connected to any node group
  not used by any instances
$ gnt-network info nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Network name nosuch not found
$ gnt-network list net1 nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Network name nosuch not found
$ gnt-network list --no-headers -o name 'net*'
# exit=0
net1
net2
$ gnt-network modify net1
# exit=1
! Please give at least one of the parameters.
$ gnt-network modify --gateway=198.51.100.2 --add-reserved-ips=198.51.100.9 net1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Cannot modify gateway and reserved ips at once
$ gnt-network modify --gateway=198.51.100.2 net1
# exit=0
$ gnt-network modify --add-reserved-ips=198.51.100.9 --remove-reserved-ips=198.51.100.5,198.51.100.2 net1
# exit=0
{{ts}}  - WARNING: Cannot unreserve Gateway's IP
$ gnt-network modify --mac-prefix=none --gateway=none net2
# exit=0
$ gnt-network list -o name,gateway,mac_prefix,map
# exit=0
Network Gateway      MacPrefix Map
net1    198.51.100.2 -         X.X...X..X.....X
net2    -            -         X..............................................................X
$ gnt-network connect -N mode=bridged,link=br100 net1
# exit=0
$ gnt-network connect net1 default
# exit=0
{{ts}}  - WARNING: Network 'net1' is already mapped to group 'default'
$ gnt-network list -o name,group_cnt,group_list
# exit=0
Network NodeGroups GroupList
net1             1 default (bridged, br100, )
net2             0 
$ gnt-network remove net1
# exit=1
{{ts}}  - WARNING: Network 'net1' is connected to the following node groups: default
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Network still connected
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 --net 0:network=net1,ip=pool inst1.example.test
# exit=0
{{ts}}  - INFO: Chose IP 198.51.100.1 from network net1
{{ts}} * creating instance disks...
{{ts}} adding instance inst1.example.test to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 --net 0:network=net1,ip=198.51.100.4 inst2.example.test
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance inst2.example.test to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 --net 0:network=net1,ip=198.51.100.4 inst3.example.test
# exit=1
! Failure: prerequisites not met for this operation:
! error type: resource_not_unique, error details:
! IP address 198.51.100.4 already in use or does not belong to network net1
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 --net 0:network=net2,ip=pool inst3.example.test
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! No netparams found for network net2. Probably not connected to node's node1 nodegroup
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 --net 0:ip=pool inst3.example.test
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! if ip=pool, parameter network must be passed
$ gnt-instance list -o name,nic.ips,nic.links,nic.modes,nic.network.name/0
# exit=0
Instance           NIC_IPs      NIC_links NIC_modes NicNetworkName/0
inst1.example.test 198.51.100.1 br100     bridged   net1
inst2.example.test 198.51.100.4 br100     bridged   net1
$ gnt-network list -o name,inst_cnt,inst_list,free_count,map
# exit=0
Network Instances InstanceList                          FreeCount Map
net1            2 inst1.example.test,inst2.example.test         9 XXX.X.X..X.....X
net2            0                                              62 X..............................................................X
$ gnt-network info net1
# exit=0
Network name: net1
UUID: {{uuid}}
Serial number: 5
  Subnet: 198.51.100.0/28
  Gateway: 198.51.100.2
  IPv6 Subnet: None
  IPv6 Gateway: None
  Mac Prefix: None
  Size: 16
  Free: 9 (56.25%)
  Usage map:
       0 XXX.X.X..X.....X                                                 63
         (X) used    (.) free
  externally reserved IPs:
    198.51.100.0, 198.51.100.2, 198.51.100.6, 198.51.100.9,
    198.51.100.15
  connected to node groups:
    default (mode:bridged link:br100 vlan:)
  used by 2 instances:
    inst1.example.test: 0:198.51.100.1
    inst2.example.test: 0:198.51.100.4
$ gnt-network disconnect net1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Network 'net1' is used by instances of node group 'default': inst1.example.test, inst2.example.test
$ gnt-instance remove -f inst1.example.test
# exit=0
{{ts}}  - INFO: Shutting down instance inst1.example.test on node node1
{{ts}}  - INFO: Removing block devices for instance inst1.example.test
{{ts}}  - INFO: Removing instance inst1.example.test out of cluster config
$ gnt-instance remove -f inst2.example.test
# exit=0
{{ts}}  - INFO: Shutting down instance inst2.example.test on node node1
{{ts}}  - INFO: Removing block devices for instance inst2.example.test
{{ts}}  - INFO: Removing instance inst2.example.test out of cluster config
$ gnt-network list -o name,inst_cnt,map net1
# exit=0
Network Instances Map
net1            0 X.X...X..X.....X
$ gnt-network disconnect net1
# exit=0
$ gnt-network disconnect net1
# exit=0
{{ts}}  - WARNING: Network 'net1' is not mapped to group 'default'
$ gnt-network list -o name,group_list net1
# exit=0
Network GroupList
net1    
$ gnt-network remove --dry-run net1
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-network remove net1
# exit=0
$ gnt-network remove net2
# exit=0
$ gnt-network list
# exit=0
Network Subnet Gateway MacPrefix GroupList Tags
$ gnt-network add --network=198.51.100.0/29 net3 && gnt-network connect -N mode=routed,link=rt0 net3
# exit=0
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 inst4.example.test > /dev/null
# exit=0
$ gnt-instance modify --net add:network=net3,ip=pool inst4.example.test
# exit=0
{{ts}}  - INFO: Chose IP 198.51.100.1 from network net3
Modified instance inst4.example.test
 - nic.1 -> add:mac={{mac}},ip=198.51.100.1,mode=routed,link=rt0,network=net3
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance modify --net 0:network=net3,ip=198.51.100.1 inst4.example.test
# exit=1
! Failure: prerequisites not met for this operation:
! error type: resource_not_unique, error details:
! IP address 198.51.100.1 already in use or does not belong to network net3
$ gnt-instance modify --net 1:ip=198.51.100.4 inst4.example.test
# exit=0
Modified instance inst4.example.test
 - nic.ip/1 -> 198.51.100.4
Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by ganeti; restarting from within the instance will not be enough.
$ gnt-instance list -o name,nic.ips,nic.modes,nic.links,nic.network.name/1
# exit=0
Instance           NIC_IPs           NIC_modes      NIC_links   NicNetworkName/1
inst4.example.test None,198.51.100.4 bridged,routed xen-br0,rt0 net3
$ gnt-network list -o name,map,inst_list
# exit=0
Network Map      InstanceList
net3    X...X..X inst4.example.test
$ gnt-instance modify --net 1:remove inst4.example.test > /dev/null
# exit=0
$ gnt-network list -o name,map
# exit=0
Network Map
net3    X......X
$ gnt-instance remove -f inst4.example.test > /dev/null
# exit=0
$ gnt-network list -o name,map,inst_cnt
# exit=0
Network Map      Instances
net3    X......X         0
$ gnt-network disconnect net3 && gnt-network remove net3
# exit=0
