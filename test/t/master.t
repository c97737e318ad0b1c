# The master role on a fresh 3-node virtual cluster (node1 is the master):
# getmaster, master-ping, redist-conf, the master IP commands and
# master-failover with its refusals (see also test_master_failover.py)
$ gnt-cluster getmaster
# exit=0
node1
$ gnt-cluster master-ping
# exit=0
$ gnt-cluster redist-conf
# exit=0
$ gnt-cluster redist-conf --yes-do-it
# exit=0
$ gnt-cluster deactivate-master-ip --yes
# exit=0
$ test -e $GANETI_ROOTDIR/var/run/ganeti/master-ip-state || echo down
# exit=0
down
$ gnt-cluster activate-master-ip
# exit=0
$ cat $GANETI_ROOTDIR/var/run/ganeti/master-ip-state
# exit=0
{{*}}.1
$ gnt-cluster master-failover
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! This commands must be run on the node where you want the new master to be. node1 is already the master
$node2$ gnt-cluster master-failover
# exit=0
$node3$ gnt-cluster getmaster
# exit=0
node2
$ gnt-cluster master-ping
# exit=1
$node2$ gnt-cluster master-ping
# exit=0
$node2$ gnt-node list -o name,role
# exit=0
Node  Role
node1 C
node2 M
node3 C
$node2$ test -e $GANETI_ROOTDIR/var/run/ganeti/master-ip-state && echo up
# exit=0
up
$ test -e $GANETI_ROOTDIR/var/run/ganeti/master-ip-state || echo down
# exit=0
down
$node2$ gnt-node modify -C no node3
# exit=0
Modified node node3
 - master_candidate -> False
$node3$ gnt-cluster master-failover --no-voting --yes-do-it
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! This node is not among the nodes marked as master candidates. Only these nodes can become masters. Current list of master candidates is:
! node1
$ gnt-cluster master-failover --no-voting --yes-do-it
# exit=0
$ gnt-node modify -C yes node3
# exit=0
Modified node node3
 - master_candidate -> True
$ gnt-node list -o name,role
# exit=0
Node  Role
node1 M
node2 C
node3 C
$ gnt-cluster redist-conf --submit
# exit=0
! JobID: {{num}}
