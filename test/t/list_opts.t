# List options of the gnt-* list commands: -o/+field, --units, --separator, --no-headers, -v, names, globs and filters, unknown fields (exit 14)
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node1 -B maxmem=1536,minmem=512 inst1.example.test > /dev/null
# exit=0
$ gnt-instance add -t diskless -o noop --no-start --no-name-check --no-ip-check -n node2 --tags=web,db inst2.example.test > /dev/null
# exit=0
$ gnt-instance list -o name,oper_ram,status
# exit=0
Instance           Memory Status
inst1.example.test      - ADMIN_down
inst2.example.test      - ADMIN_down
$ gnt-instance list -v -o name,oper_ram,status
# exit=0
Instance              Memory Status
inst1.example.test (unavail) ADMIN_down
inst2.example.test (unavail) ADMIN_down
$ gnt-instance list -o +admin_state,tags
# exit=0
Instance           Hypervisor OS   Primary_node Status     Memory InstanceState Tags
inst1.example.test fake       noop node1        ADMIN_down      - down          
inst2.example.test fake       noop node2        ADMIN_down      - down          db,web
$ gnt-instance list --no-headers --separator=, -o name,be/maxmem,be/minmem
# exit=0
inst1.example.test,1536,512
inst2.example.test,128,128
$ gnt-instance list --units=g -o name,be/maxmem,be/minmem
# exit=0
Instance           ConfigMaxMem ConfigMinMem
inst1.example.test          1.5          0.5
inst2.example.test          0.1          0.1
$ gnt-instance list --units=h --separator=: -o name,be/maxmem
# exit=0
Instance:ConfigMaxMem
inst1.example.test:1.5G
inst2.example.test:128M
$ gnt-instance list --units=q -o name
# exit=2
! Usage
! =====
!   gnt-instance list [<instance>...]
! 
! gnt-instance: error: option --units: invalid choice: 'q' (choose from 'h', 'm', 'g', 't')
$ gnt-instance list -o name,bogus,pnode
# exit=14
Instance           bogus Primary_node
inst1.example.test ??    node1
inst2.example.test ??    node2
! Warning: Queried for unknown fields bogus
$ gnt-instance list-fields name bogus
# exit=14
Name  Type    Title    Description
name  Text    Instance Instance name
bogus Unknown bogus    Unknown field 'bogus'
! Warning: Queried for unknown fields bogus
$ gnt-instance list -o name 'inst*'
# exit=0
Instance
inst1.example.test
inst2.example.test
$ gnt-instance list -o name nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance list -o name,pnode 'pnode == "node2"'
# exit=0
Instance           Primary_node
inst2.example.test node2
$ gnt-instance list -o name 'name =~ /1/ or "db" in tags'
# exit=0
Instance
inst1.example.test
inst2.example.test
$ gnt-instance list -o name -F 'not "web" in tags'
# exit=0
Instance
inst1.example.test
$ gnt-instance list -o name -F 'be/maxmem > 1024'
# exit=0
Instance
inst1.example.test
$ gnt-instance list -o name 'name == '
# exit=1
! Error while parsing query filter: Failed to parse query filter 'name == ': Expected end of text, found '='  (at char 5), (line:1, col:6)
! name == 
!      ^
! Expected end of text, found '='  (at char 5), (line:1, col:6)
$ gnt-job list -o id,bogus 1
# exit=14
ID bogus
 1 ??
! Warning: Queried for unknown fields bogus
$ gnt-job list-fields id bogus
# exit=14
Name  Type    Title Description
id    Number  ID    Job ID
bogus Unknown bogus Unknown field 'bogus'
! Warning: Queried for unknown fields bogus
$ gnt-job list -o id 'id > 2'
# exit=0
ID
 3
 4
 5
$ gnt-backup list -o node,bogus
# exit=14
Node bogus
! Warning: Queried for unknown fields bogus
$ gnt-network list-fields name bogus
# exit=14
Name  Type    Title   Description
name  Text    Network Name
bogus Unknown bogus   Unknown field 'bogus'
! Warning: Queried for unknown fields bogus
$ gnt-filter list-fields uuid bogus
# exit=14
Name  Type    Title Description
uuid  Text    UUID  UUID
bogus Unknown bogus Unknown field 'bogus'
! Warning: Queried for unknown fields bogus
$ gnt-instance remove -f inst1.example.test > /dev/null
# exit=0
$ gnt-instance remove -f inst2.example.test > /dev/null
# exit=0
