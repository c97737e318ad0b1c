# Tearing a cluster down: remove the other nodes, then destroy it
$ gnt-cluster destroy --yes-do-it
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! There are still 2 node(s) in this cluster.
$ gnt-node remove node2 && gnt-node remove node3
# exit=0
$node2$ daemon-util check ganeti-noded; echo $?
# exit=0
1
$node2$ ls $GANETI_ROOTDIR/var/lib/ganeti | grep -c -e config.data -e ssconf -e server.pem
# exit=1
0
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check inst1 > /dev/null
# exit=0
$ gnt-cluster destroy --yes-do-it
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! There are still 1 instance(s) in this cluster.
$ gnt-instance remove -f inst1 > /dev/null
# exit=0
$ gnt-cluster destroy --yes-do-it
# exit=0
$ daemon-util check ganeti-masterd; echo $?
# exit=0
1
$ daemon-util check ganeti-noded; echo $?
# exit=0
1
$ ls $GANETI_ROOTDIR/var/lib/ganeti | grep -c -e config.data -e ssconf -e server.pem -e job-
# exit=1
0
$ gnt-cluster getmaster
# exit=2
! Corrupt configuration file: Can't read ssconf file {{*}}/var/lib/ganeti/ssconf_master_node: [Errno 2] No such file or directory: '{{*}}/var/lib/ganeti/ssconf_master_node'
! Aborting.
$ gnt-node list
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Cluster not initialized or this machine is not part of a cluster
