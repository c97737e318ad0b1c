# gnt-cluster modify on a fresh 3-node virtual cluster (node1 is the master)
$ gnt-cluster info | grep -E 'candidate pool size|mac prefix|node health|wipe disks'
# exit=0
  candidate pool size: 10
  mac prefix: aa:00:00
  maintenance of node health: False
  preallocation wipe disks: False
$ gnt-cluster modify -C 5 -m AA:00:11 --maintain-node-health=yes --prealloc-wipe-disks=yes
# exit=0
$ gnt-cluster info | grep -E 'candidate pool size|mac prefix|node health|wipe disks'
# exit=0
  candidate pool size: 5
  mac prefix: aa:00:11
  maintenance of node health: True
  preallocation wipe disks: True
$ gnt-cluster modify -B maxmem=256M,vcpus=2 -N link=br0 --node-parameters spindle_count=2
# exit=0
$ gnt-cluster info | grep -E '^ +(maxmem|vcpus|link|spindle_count):'
# exit=0
  spindle_count: 2
    maxmem: 256
    vcpus: 2
    link: br0
$ gnt-cluster modify -H fake:migration_mode=non-live
# exit=0
$ gnt-cluster info | grep -A2 '^Hypervisor parameters'
# exit=0
Hypervisor parameters: 
  fake: 
    migration_mode: non-live
$ gnt-cluster modify --dry-run -C 3
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-cluster info | grep 'candidate pool size'
# exit=0
  candidate pool size: 5
$ gnt-cluster modify -C 0
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Parameter 'OP_CLUSTER_SET_PARAMS.candidate_pool_size' fails validation: expected Maybe(PositiveInt), got 0
$ gnt-cluster modify -C many 2>&1 | tail -1
# exit=0
gnt-cluster: error: option -C: invalid integer value: 'many'
$ gnt-cluster modify -m aa:bb
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid MAC address prefix given: 'aa:bb'
$ gnt-cluster modify --enabled-hypervisors=xen
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Enabled hypervisors contains invalid entries: xen
$ gnt-cluster modify -H fake:bogus=1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown fake hypervisor parameter(s): bogus
$ gnt-cluster modify -B vcpus=x
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid value for backend parameter 'vcpus': x is not a valid integer
$ gnt-cluster modify -B nosuch=1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown backend parameter(s): nosuch
$ gnt-cluster modify -N mode=bogus
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid NIC mode 'bogus'; valid modes are: bridged, openvswitch, routed
$ gnt-cluster modify
# exit=1
! Please give at least one of the parameters.
$ gnt-job list --no-headers | tail -1
# exit=0
{{*}}CLUSTER_SET_PARAMS
