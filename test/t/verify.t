# gnt-cluster verify reporting real problems, and hooks
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-cluster verify | grep -e ' - ' -e '^Submitted'
# exit=0
Submitted jobs 6, 7
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ rm $GANETI_ROOTDIR/../node2/var/run/ganeti/fake-hypervisor/inst1
# exit=0
$ gnt-instance list -o name,status
# exit=0
Instance Status
inst1    ERROR_down
$ gnt-cluster verify | grep -e ' - '
# exit=0
{{ts}}   - ERROR: instance inst1: instance not running on its primary node node2
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster verify >/dev/null
# exit=1
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - ERROR:EINSTANCEDOWN:instance:inst1:instance not running on its primary node node2
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster verify -I EINSTANCEDOWN | grep -e ' - '
# exit=0
{{ts}}   - WARNING: instance inst1: instance not running on its primary node node2
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster verify -I EINSTANCEDOWN >/dev/null
# exit=0
$ gnt-instance startup inst1 >/dev/null
# exit=0
$ echo corrupt >> $GANETI_ROOTDIR/../node3/var/lib/ganeti/config.data
# exit=0
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - ERROR:ECLUSTERFILECHECK:cluster:None:File /var/lib/ganeti/config.data found with 2 different checksums (variant 1 on node1, node2; variant 2 on node3)
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster add-tags redistribute >/dev/null
# exit=0
$ gnt-cluster verify | grep -e ' - '
# exit=0
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ mkdir -p $GANETI_ROOTDIR/etc/ganeti/hooks/instance-stop-pre.d && printf '#!/bin/sh\necho "stopping $GANETI_INSTANCE_NAME is not allowed"\nexit 1\n' > $GANETI_ROOTDIR/etc/ganeti/hooks/instance-stop-pre.d/10-deny && chmod +x $GANETI_ROOTDIR/etc/ganeti/hooks/instance-stop-pre.d/10-deny
# exit=0
$ gnt-instance shutdown inst1
# exit=1
Waiting for job 31 for inst1 ...
! Job 31 for inst1 has failed: Failure: hooks execution failed:
!   node: node1, script: instance-stop-pre.d/10-deny, output: stopping inst1 is not allowed
$ gnt-instance list -o name,status
# exit=0
Instance Status
inst1    running
$ rm $GANETI_ROOTDIR/etc/ganeti/hooks/instance-stop-pre.d/10-deny
# exit=0
$ mkdir -p $GANETI_ROOTDIR/../node2/etc/ganeti/hooks/instance-stop-post.d && printf '#!/bin/sh\nenv | grep -e ^GANETI_HOOKS -e ^GANETI_OP_CODE -e ^GANETI_INSTANCE_NAME -e ^GANETI_POST_INSTANCE_STATUS | sort > /tmp/.pyganeti-hook-$GANETI_CLUSTER-$$\nmv /tmp/.pyganeti-hook-$GANETI_CLUSTER-$$ $GANETI_DATA_DIR/../hook.out\n' > $GANETI_ROOTDIR/../node2/etc/ganeti/hooks/instance-stop-post.d/20-record && chmod +x $GANETI_ROOTDIR/../node2/etc/ganeti/hooks/instance-stop-post.d/20-record
# exit=0
$ gnt-instance shutdown inst1
# exit=0
Waiting for job 32 for inst1 ...
$ cat $GANETI_ROOTDIR/../node2/var/lib/hook.out
# exit=0
GANETI_HOOKS_PATH=instance-stop
GANETI_HOOKS_PHASE=post
GANETI_HOOKS_VERSION=2
GANETI_INSTANCE_NAME=inst1
GANETI_OP_CODE=OP_INSTANCE_SHUTDOWN
GANETI_POST_INSTANCE_STATUS=down
$node3$ daemon-util stop ganeti-noded
# exit=0
$ gnt-node list -o name,mfree,pinst_cnt
# exit=0
Node  MFree Pinst
node1 {{*}}
node2 {{*}}
node3     ?     0
$ gnt-cluster verify --error-codes | grep -e ENODERPC -e ECLUSTERFILE
# exit=0
{{ts}}   - ERROR:ENODERPC:node:node3:while contacting node: Error connecting to node node3 ({{*}}:1811): [Errno 111] Connection refused
$ gnt-cluster verify > /dev/null
# exit=1
$node3$ daemon-util start ganeti-noded
# exit=0
