# gnt-os on a fresh 3-node virtual cluster (node1 is the master)
# (gnt-os diagnose ends with an empty line, hence the '(end)' marker)
$ gnt-os list
# exit=0
Name
noop
$ gnt-os list --no-headers
# exit=0
noop
$ gnt-os diagnose && echo '(end)'
# exit=0
OS: noop [global status: valid]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]

(end)
$ gnt-os list extra
# exit=1
! Error: Command list expects no arguments
$ gnt-job list
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
 3 success NODE_ADD(node3)
 4 success OS_DIAGNOSE
 5 success OS_DIAGNOSE
 6 success OS_DIAGNOSE
