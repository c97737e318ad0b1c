# hypervisor parameters checked on the nodes; verify's hypervisor checks
$ gnt-cluster modify -H fake:migration_mode=sideways
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node1: Parameter 'migration_mode' fails syntax check: The value must be one of: live, non-live (current value: 'sideways')
$ gnt-cluster info | grep migration_mode
# exit=0
    migration_mode: live
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check -H fake:bogus=1 inst9
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid hypervisor parameter 'bogus'
$ gnt-instance list --no-headers
# exit=0
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ mkdir -p $GANETI_ROOTDIR/../node3/var/run/ganeti/fake-hypervisor && cp $GANETI_ROOTDIR/../node2/var/run/ganeti/fake-hypervisor/inst1 $GANETI_ROOTDIR/../node3/var/run/ganeti/fake-hypervisor/inst1
# exit=0
$ cp $GANETI_ROOTDIR/../node2/var/run/ganeti/fake-hypervisor/inst1 $GANETI_ROOTDIR/../node3/var/run/ganeti/fake-hypervisor/ghost
# exit=0
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - ERROR:ENODEORPHANINSTANCE:node:node3:node is running unknown instance ghost
{{ts}}   - ERROR:EINSTANCEWRONGNODE:instance:inst1:instance should not run on node node3
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ rm $GANETI_ROOTDIR/../node3/var/run/ganeti/fake-hypervisor/inst1 $GANETI_ROOTDIR/../node3/var/run/ganeti/fake-hypervisor/ghost $GANETI_ROOTDIR/../node2/var/run/ganeti/fake-hypervisor/inst1
# exit=0
$ gnt-cluster verify | grep -e ' - '
# exit=0
{{ts}}   - ERROR: instance inst1: instance not running on its primary node node2
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster verify >/dev/null
# exit=1
$ gnt-instance startup inst1 >/dev/null
# exit=0
$ gnt-cluster verify | grep -e ' - '
# exit=0
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
