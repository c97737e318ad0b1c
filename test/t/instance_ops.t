# gnt-instance reinstall, rename, activate-disks, deactivate-disks, console
$ gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check --no-start inst2 >/dev/null
# exit=0
$ gnt-instance reinstall inst1
# exit=1
$ gnt-instance reinstall -f inst1
# exit=1
Waiting for job {{num}} for inst1 ...
! Job {{num}} for inst1 has failed: Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst1' is marked to be up, cannot reinstall
$ gnt-instance reinstall -f nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance name nosuch not found
$ gnt-instance reinstall -f inst2
# exit=1
Waiting for job {{num}} for inst2 ...
! Job {{num}} for inst2 has failed: Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance 'inst2' has no disks
$ gnt-instance console inst1
# exit=0
Console not available for fake hypervisor
$ gnt-instance console --show-cmd inst1
# exit=0
Console not available for fake hypervisor
$ gnt-instance console inst2
# exit=1
! Failure: command execution error:
! Instance inst2 is not running (state ADMIN_down)
$ gnt-instance console nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance deactivate-disks inst1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst1' is marked to be up, cannot shutdown disks
$ gnt-instance rename --no-name-check --no-ip-check inst1 inst9
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Instance 'inst1' is marked to be up, cannot rename
$ gnt-instance stop inst1
# exit=0
Waiting for job {{num}} for inst1 ...
$ gnt-instance reinstall -f inst1
# exit=0
Waiting for job {{num}} for inst1 ...
{{ts}} Running the instance OS create scripts...
$ gnt-instance reinstall -f -o nosuchos inst1
# exit=1
Waiting for job {{num}} for inst1 ...
! Job {{num}} for inst1 has failed: Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS 'nosuchos' not in supported OS list for node node1: Directory for OS nosuchos not found in search path
$ gnt-instance reinstall -f -o noop -O foo=bar inst1
# exit=0
Waiting for job {{num}} for inst1 ...
{{ts}} Changing OS scripts to 'noop'...
{{ts}} Running the instance OS create scripts...
$ ls $GANETI_ROOTDIR/var/log/ganeti/os | sed 's/-[0-9_-]*\.log$//' | sort -u
# exit=0
add-noop-inst1
$ gnt-instance rename --no-name-check inst1 inst9
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! IP address check requires a name check
$ gnt-instance rename --no-name-check --no-ip-check inst1 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: already_exists, error details:
! Instance 'inst2' is already in the cluster
$ gnt-instance rename --no-name-check --no-ip-check nosuch inst5
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance rename --no-name-check --no-ip-check inst1 inst1new
# exit=0
Instance 'inst1' renamed to 'inst1new'
$ gnt-instance rename --no-name-check --no-ip-check inst2 inst2new
# exit=0
Instance 'inst2' renamed to 'inst2new'
$ ls $GANETI_ROOTDIR/var/log/ganeti/os | grep rename | sed 's/-[0-9_-]*\.log$//'
# exit=0
rename-noop-inst1-inst1new
rename-noop-inst2-inst2new
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
inst1new
$ gnt-instance list -o name,status,disk_template,disks_active
# exit=0
Instance Status     Disk_template DisksActive
inst1new ADMIN_down file          N
inst2new ADMIN_down diskless      N
$ gnt-instance info inst1new | grep -e 'Instance name' -e logical_id
# exit=0
- Instance name: inst1new
      logical_id: ['loop', '/srv/ganeti/file-storage/inst1new/{{*}}.file.disk0']
$ gnt-instance activate-disks nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ gnt-instance activate-disks inst1new
# exit=0
node1:disk/0:{{*}}/srv/ganeti/file-storage/inst1new/{{*}}.file.disk0
$ gnt-instance activate-disks --wait-for-sync --ignore-size inst1new
# exit=0
{{ts}}  - INFO: Waiting for instance inst1new to sync disks
{{ts}}  - INFO: Instance inst1new's disks are in sync
node1:disk/0:{{*}}/srv/ganeti/file-storage/inst1new/{{*}}.file.disk0
$ gnt-instance list -o name,disks_active inst1new
# exit=0
Instance DisksActive
inst1new Y
$ gnt-instance deactivate-disks inst1new
# exit=0
$ gnt-instance list -o name,disks_active inst1new
# exit=0
Instance DisksActive
inst1new N
$ gnt-instance start inst1new
# exit=0
Waiting for job {{num}} for inst1new ...
$ gnt-instance deactivate-disks -f inst1new
# exit=0
$ gnt-instance list -o name,status,disks_active
# exit=0
Instance Status     DisksActive
inst1new running    N
inst2new ADMIN_down N
$ gnt-instance remove -f inst1new
# exit=0
{{ts}}  - INFO: Shutting down instance inst1new on node node1
{{ts}}  - INFO: Removing block devices for instance inst1new
{{ts}}  - INFO: Removing instance inst1new out of cluster config
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ gnt-instance list -o name
# exit=0
Instance
inst2new
