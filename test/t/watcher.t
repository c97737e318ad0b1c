# gnt-cluster watcher pause/continue/info, and one ganeti-watcher run
# restarting an instance that is marked up but does not run
$ gnt-cluster watcher info
# exit=0
The watcher is not paused.
$ gnt-cluster watcher pause
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Missing pause duration
$ gnt-cluster watcher pause 1x
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid time specification '1x'
$ gnt-cluster watcher pause 1h
# exit=0
The watcher is paused until {{*}}.
$ gnt-cluster watcher info
# exit=0
The watcher is paused until {{*}}.
$ cat $GANETI_ROOTDIR/../node3/var/lib/ganeti/watcher.pause | grep -c '^[0-9]*$'
# exit=0
1
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ rm $GANETI_ROOTDIR/../node2/var/run/ganeti/fake-hypervisor/inst1
# exit=0
$ ganeti-watcher --wait-children
# exit=0
$ gnt-instance list -o name,status
# exit=0
Instance Status
inst1    ERROR_down
$ gnt-cluster watcher continue
# exit=0
The watcher is no longer paused.
$ gnt-cluster watcher info
# exit=0
The watcher is not paused.
$ test -e $GANETI_ROOTDIR/../node3/var/lib/ganeti/watcher.pause
# exit=1
$ ganeti-watcher --wait-children
# exit=0
$ gnt-instance list -o name,status
# exit=0
Instance Status
inst1    running
$ cat $GANETI_ROOTDIR/var/lib/ganeti/watcher.*.data | grep -o '"inst1": {"restart_count": 1'
# exit=0
"inst1": {"restart_count": 1
$ cat $GANETI_ROOTDIR/var/run/ganeti/instance-status
# exit=0
inst1 ERROR_down
$ ganeti-watcher --wait-children
# exit=0
$ cat $GANETI_ROOTDIR/var/lib/ganeti/watcher.*.data | grep -c restart_count
# exit=1
0
$ cat $GANETI_ROOTDIR/var/run/ganeti/instance-status
# exit=0
inst1 running
$node3$ daemon-util stop ganeti-noded
# exit=0
$node3$ daemon-util check ganeti-noded
# exit=1
$ mkdir -p $GANETI_ROOTDIR/../node3/etc/ganeti/hooks/watcher && printf '#!/bin/sh\necho ran > $GANETI_DATA_DIR/../watcher-hook.out\n' > $GANETI_ROOTDIR/../node3/etc/ganeti/hooks/watcher/10-record && chmod +x $GANETI_ROOTDIR/../node3/etc/ganeti/hooks/watcher/10-record
# exit=0
$node3$ ganeti-watcher
# exit=0
$node3$ daemon-util check ganeti-noded
# exit=0
$ cat $GANETI_ROOTDIR/../node3/var/lib/watcher-hook.out
# exit=0
ran
