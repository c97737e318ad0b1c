# gnt-cluster on a fresh 3-node virtual cluster (node1 is the master)
$ gnt-cluster getmaster
# exit=0
node1
$ gnt-cluster version
# exit=0
Software version: 3.0.2
Internode protocol: 3000000
Configuration format: 3000000
OS api version: 20
Export interface: 0
VCS version: (ganeti) version 3.0.2-pyganeti
$ gnt-cluster master-ping
# exit=0
$node2$ gnt-cluster master-ping
# exit=1
$node2$ gnt-cluster getmaster
# exit=0
node1
$ gnt-cluster info | head -12
# exit=0
Cluster name: cluster
Cluster UUID: {{uuid}}
Creation time: {{time}}
Modification time: {{time}}
Master node: node1
Architecture (this node): {{*}}
Tags: (none)
Default hypervisor: fake
Enabled hypervisors: fake
Hypervisor parameters: 
  fake: 
    migration_mode: live
$ gnt-cluster queue info
# exit=0
The drain flag is unset
$ gnt-cluster queue drain
# exit=0
$ gnt-cluster queue info
# exit=0
The drain flag is set
$ gnt-debug delay 0.01
# exit=1
! Failure: the job queue is marked for drain and doesn't accept new requests
$ gnt-cluster queue undrain
# exit=0
$ gnt-debug delay 0.01
# exit=0
$ gnt-cluster add-tags alpha beta
# exit=0
$ gnt-cluster list-tags
# exit=0
alpha
beta
$ gnt-cluster remove-tags alpha
# exit=0
$ gnt-cluster list-tags
# exit=0
beta
$ gnt-cluster remove-tags nosuchtag
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Tag(s) 'nosuchtag' not found
$ gnt-cluster add-tags 'bad tag'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Tag contains invalid characters
$ gnt-cluster verify
# exit=0
Submitted jobs 10, 11
Waiting for job 10 ...
{{ts}} * Verifying cluster config
{{ts}} * Verifying cluster certificate files
{{ts}} * Verifying hypervisor parameters
{{ts}} * Verifying all nodes belong to an existing group
Waiting for job 11 ...
{{ts}} * Verifying group 'default'
{{ts}} * Gathering data (3 nodes)
{{ts}} * Gathering information about nodes (3 nodes)
{{ts}} * Gathering disk information (3 nodes)
{{ts}} * Verifying configuration file consistency
{{ts}} * Verifying node status
{{ts}} * Verifying instance status
{{ts}} * Verifying orphan volumes
{{ts}} * Verifying N+1 Memory redundancy
{{ts}} * Other Notes
{{ts}} * Hooks Results
$ gnt-cluster verify-disks
# exit=0
Submitted jobs 13
Waiting for job 13 ...
No disks need to be activated.
$ gnt-cluster destroy
# exit=1
! Destroying a cluster is irreversible. If you really want destroy this cluster, supply the --yes-do-it option.
$ gnt-cluster
# exit=1
...
$ gnt-cluster nosuchcommand
# exit=1
...
$ gnt-cluster getmaster extra
# exit=1
! Error: Command getmaster expects no arguments
