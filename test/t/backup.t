# gnt-backup: export, list, import, remove (file disks, noop OS)
$ gnt-instance add -n node1 -t file -s 16M --ignore-ipolicy -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-backup list
# exit=0
Node Export
$ gnt-backup export inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Target node must be specified
$ gnt-backup export -n node2 nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-backup export -n node2 --noshutdown inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance inst1 is running and its disks (template file) can't be snapshotted; it must be shut down for the export
$ gnt-backup export -n node2 --noshutdown --remove-instance inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Can not remove instance without shutting it down before
$ gnt-backup export -n node2 inst1
# exit=0
{{ts}} Shutting down instance inst1
{{ts}} Exporting disk/0 from node1 to node2
{{ts}} disk/0 is now listening, starting export
{{ts}} disk/0 is sending data on node1
...
{{ts}} disk/0 sent 16 MiB ({{*}}
{{ts}} Starting instance inst1
{{ts}} Finalizing export on node2
$ gnt-instance list -o name,status inst1
# exit=0
Instance Status
inst1    running
$ gnt-backup list
# exit=0
Node  Export
node2 inst1
$ gnt-backup list --node node1 --no-headers
# exit=0
$ gnt-backup list -o export,node --no-headers --node node2
# exit=0
inst1 node2
$ gnt-backup list-fields
# exit=0
Name   Type Title  Description
export Text Export Export name
node   Text Node   Node name
$ ls $GANETI_ROOTDIR/../node2/srv/ganeti/export/inst1 | sed 's/^[0-9a-f-]*\.file/UUID.file/' | LC_ALL=C sort
# exit=0
UUID.file.disk0
config.ini
$ sed -n '/^\[export\]/,/^$/p' $GANETI_ROOTDIR/../node2/srv/ganeti/export/inst1/config.ini | grep -v -e timestamp -e '^$'
# exit=0
[export]
version = 0
source = {{uuid}}
os = noop
compression = none
$ grep -E '^(name|disk_template|disk_count|disk0_size|nic_count|hypervisor|maxmem) ' $GANETI_ROOTDIR/../node2/srv/ganeti/export/inst1/config.ini
# exit=0
name = inst1
maxmem = 128
disk_template = file
hypervisor = fake
nic_count = 1
disk0_size = 16
disk_count = 1
maxmem = 128
$ ls $GANETI_ROOTDIR/../node2/var/run/ganeti/import-export $GANETI_ROOTDIR/var/run/ganeti/import-export
# exit=0
{{*}}:

{{*}}:
$ gnt-backup import -n node3 --src-node node2 --src-dir nosuch --no-name-check --no-ip-check inst2
# exit=1
! Failure: command execution error:
! No export or invalid export found in dir /srv/ganeti/export/nosuch: Can't read export information from '/srv/ganeti/export/nosuch/config.ini': No such file or directory
$ gnt-backup import -n node3 --src-dir nosuch --no-name-check --no-ip-check inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! No export found for relative path nosuch
$ gnt-backup import -n node3 --src-dir inst1 --no-name-check --no-ip-check --ignore-ipolicy inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: resource_not_unique, error details:
! MAC address {{mac}} already in use in cluster
$ gnt-backup import -n node3 --src-dir inst1 --disk 0:size=8M --net 0:mac=generate --no-name-check --no-ip-check --ignore-ipolicy inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Disk 0 (8M) is smaller than the exported disk (16M)
$ gnt-backup import -n node3 --src-dir inst1 --net 0:mac=generate --no-name-check --no-ip-check --ignore-ipolicy inst2
# exit=0
{{ts}} * disk 0, size 16M
{{ts}} * creating instance disks...
{{ts}} adding instance inst2 to cluster config
{{ts}} adding disks to cluster config
...
{{ts}} * running the instance OS import scripts...
{{ts}} Exporting disk/0 from node2 to node3
{{ts}} disk/0 is now listening, starting export
{{ts}} disk/0 is sending data on node2
...
{{ts}} disk/0 sent 16 MiB ({{*}}
$ gnt-instance list -o name,pnode,status,disk_template,disk.sizes,be/maxmem inst2
# exit=0
Instance Primary_node Status     Disk_template Disk_sizes ConfigMaxMem
inst2    node3        ADMIN_down file          16                 128M
$ ls $GANETI_ROOTDIR/../node3/var/log/ganeti/os | sed 's/-[0-9_-]*\.log$//'
# exit=0
import-noop-inst2-disk_0
$ ls $GANETI_ROOTDIR/var/log/ganeti/os | sed 's/-[0-9_-]*\.log$//' | sort
# exit=0
add-noop-inst1
export-noop-inst1-disk_0
$ gnt-backup export -n node1 inst1 | tail -2
# exit=0
{{ts}} Finalizing export on node1
{{ts}} Removing old exports for instance inst1
$ gnt-backup list
# exit=0
Node  Export
node1 inst1
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check --no-start inst3 >/dev/null
# exit=0
$ gnt-backup export -n node3 inst3
# exit=0
{{ts}} Finalizing export on node3
$ gnt-backup import -n node1 --src-dir inst3 --net 0:mac=generate --no-name-check --no-ip-check inst4
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance inst4 to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance list -o name,pnode,status,disk_template inst4
# exit=0
Instance Primary_node Status     Disk_template
inst4    node1        ADMIN_down diskless
$ gnt-backup import -I pyganeti-simple --src-dir inst3 --net 0:mac=generate --no-name-check --no-ip-check inst5 | grep -o 'Selected nodes for instance inst5 via iallocator pyganeti-simple: node[0-9]'
# exit=0
Selected nodes for instance inst5 via iallocator pyganeti-simple: node{{num}}
$ gnt-instance list --no-headers -o disk_template,status inst5
# exit=0
diskless ADMIN_down
$ gnt-instance remove -f inst5 >/dev/null
# exit=0
$ gnt-backup remove inst3
# exit=0
$ gnt-backup export -n node3 --remove-instance inst1
# exit=0
...
{{ts}} Finalizing export on node3
{{ts}} Removing old exports for instance inst1
{{ts}} Removing instance inst1
{{ts}}  - INFO: Removing block devices for instance inst1
$ gnt-backup list
# exit=0
Node  Export
node3 inst1
$ gnt-instance list --no-headers -o name
# exit=0
inst2
inst3
inst4
$ gnt-backup remove inst1
# exit=0
$ gnt-backup list --no-headers
# exit=0
$ gnt-backup remove inst1
# exit=0
{{ts}} Export not found. If trying to remove an export belonging to a deleted instance please use its Fully Qualified Domain Name.
