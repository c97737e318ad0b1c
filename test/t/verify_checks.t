# gnt-cluster verify checks provoked on the virtual cluster: a missing
# disk file, an out-of-band helper that is not there, bad -I codes,
# --no-nplus1-mem; verify-disks activating what is needed
$ gnt-instance add -n node2 -t file --disk 0:size=1G -o noop --no-name-check --no-ip-check --ignore-ipolicy f1 >/dev/null
# exit=0
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ rm $GANETI_ROOTDIR/../node2/srv/ganeti/file-storage/f1/*.file.disk0
# exit=0
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - ERROR:EINSTANCEFAULTYDISK:instance:f1:couldn't retrieve status for disk/0 on node2: {{*}}
{{ts}}   - NOTICE: 1 non-redundant instance(s) found.
$ gnt-cluster verify -I EINSTANCEFAULTYDISK >/dev/null
# exit=0
$ gnt-cluster verify -I ENOSUCHCODE
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown error code(s) to ignore: ENOSUCHCODE
$ gnt-instance remove -f f1 >/dev/null
# exit=0
$ gnt-node modify --node-parameters oob_program=/nonexistent/oob node3 >/dev/null
# exit=0
$ gnt-cluster verify --error-codes | grep -e ' - '
# exit=0
{{ts}}   - ERROR:ENODEOOBPATH:node:node1:error stating out of band helper: [Errno 2] No such file or directory: '/nonexistent/oob'
{{ts}}   - ERROR:ENODEOOBPATH:node:node2:error stating out of band helper: [Errno 2] No such file or directory: '/nonexistent/oob'
{{ts}}   - ERROR:ENODEOOBPATH:node:node3:error stating out of band helper: [Errno 2] No such file or directory: '/nonexistent/oob'
$ gnt-node modify --node-parameters oob_program= node3 >/dev/null
# exit=0
$ gnt-cluster verify --no-nplus1-mem | grep -c 'N+1'
# exit=1
0
$ gnt-cluster verify | grep -c 'N+1'
# exit=0
1
$ gnt-cluster verify-disks
# exit=0
Submitted jobs {{*}}
Waiting for job {{*}} ...
No disks need to be activated.
