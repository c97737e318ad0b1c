# gnt-cluster modify (storage, uid pool, ipolicy, parameters), rename,
# renew-crypto, repair-disk-sizes and epo on a fresh 3-node virtual cluster
$ gnt-cluster modify --uid-pool 1000-1999,3000 --add-uids 4000-4010 --reserved-lvs 'xenvg/keep,.*/swap' -D drbd:resync-rate=1024,dynamic-resync=yes --node-parameters spindle_count=3 --hypervisor-state fake:mem_total=1024 --disk-state lvm-vg/xenvg:disk_total=100 --master-netmask 24 --user-shutdown yes --compression-tools gzip,lzop
# exit=0
{{ts}} Changing master IP netmask to 24
$ gnt-cluster info | grep -E 'uid pool|reserved volumes|resync-rate|dynamic-resync|spindle_count|master netmask|user shutdown|- lzop'
# exit=0
  master netmask: 24
  lvm reserved volumes: xenvg/keep, .*/swap
  uid pool: 1000-1999, 3000, 4000-4010
    - lzop
  enabled user shutdown: True
  spindle_count: 3
    dynamic-resync: True
    resync-rate: 1024
$ gnt-cluster modify --remove-uids 3000
# exit=0
$ gnt-cluster modify --remove-uids 7
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! User-id range to be removed is not found in the current user-id pool: 7
$ gnt-cluster modify --uid-pool 20-10
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Lower user-id range boundary value (20) is larger than the higher boundary value (10)
$ gnt-cluster info | grep 'uid pool'
# exit=0
  uid pool: 1000-1999, 4000-4010
$ gnt-cluster modify -D drbd:bogus=1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown drbd disk parameter(s): bogus
$ gnt-cluster modify --compression-tools lzop
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! For compatibility reasons, the gzip utility must be present in the list of compression tools
$ gnt-cluster modify --file-storage-dir=
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unsetting the 'file' storage directory while having 'file' storage enabled is not permitted.
$ gnt-cluster modify --vg-name xenvg
# exit=1
! Failure: prerequisites not met for this operation:
! error type: environment_error, error details:
! Error {{*}}
$ gnt-instance add -n node2 -t file -s 1G -o noop --no-name-check --no-ip-check inst1 >/dev/null
# exit=0
$ gnt-instance add -n node1 -t file --disk 0:size=1G --disk 1:size=1G -o noop --no-name-check --no-ip-check --no-start inst2 >/dev/null
# exit=0
$ gnt-cluster modify --ipolicy-std-specs memory-size=256 --ipolicy-vcpu-ratio 2 --ipolicy-spindle-ratio 16 --ipolicy-bounds-specs min:memory-size=64,cpu-count=1,disk-count=1,disk-size=512,nic-count=0,spindle-use=1/max:memory-size=4096,cpu-count=4,disk-count=4,disk-size=10240,nic-count=4,spindle-use=4
# exit=0
$ gnt-cluster info | sed -n '/^Instance policy/,/^Data collectors/p'
# exit=0
Instance policy - limits for instances: 
  bounds specs: 
    - max/0: 
        cpu-count: 4
        disk-count: 4
        disk-size: 10240
        memory-size: 4096
        nic-count: 4
        spindle-use: 4
      min/0: 
        cpu-count: 1
        disk-count: 1
        disk-size: 512
        memory-size: 64
        nic-count: 0
        spindle-use: 1
  std: 
    cpu-count: 1
    disk-count: 1
    disk-size: 1024
    memory-size: 256
    nic-count: 1
    spindle-use: 1
  allowed disk templates: file, diskless
  spindle-ratio: 16
  vcpu-ratio: 2
Data collectors: 
$ gnt-cluster modify --specs-mem-size min=1024,max=8192,std=2048
# exit=0
{{ts}}  - WARNING: After the ipolicy change the following instances violate them: inst1, inst2
$ gnt-cluster modify --ipolicy-std-specs memory-size=100000
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid std value 100000 for memory-size: it is outside every min/max range
$ gnt-cluster modify --ipolicy-disk-templates file,plain
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The following disk template are allowed by the ipolicy, but not enabled on the cluster: plain
$ gnt-cluster repair-disk-sizes
# exit=0
$ truncate -s 1536M $GANETI_ROOTDIR/../node2/srv/ganeti/file-storage/inst1/*.disk0 && truncate -s 2G $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.disk1
# exit=0
$ gnt-cluster repair-disk-sizes inst2
# exit=0
{{ts}}  - INFO: Disk 1 of instance inst2 has mismatched size, correcting: recorded 1024, actual 2048
$ gnt-cluster repair-disk-sizes
# exit=0
{{ts}}  - INFO: Disk 0 of instance inst1 has mismatched size, correcting: recorded 1024, actual 1536
$ gnt-instance list -o name,disk.sizes
# exit=0
Instance Disk_sizes
inst1    1536
inst2    1024,2048
$ gnt-cluster repair-disk-sizes nosuch
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Instance 'nosuch' not known
$ echo "$(sed -n 's/\.1 cluster$/.2/p' $GANETI_ROOTDIR/../hosts) cluster2" >> $GANETI_ROOTDIR/../hosts
# exit=0
$ gnt-cluster rename cluster2
# exit=1
$ gnt-cluster rename -f cluster2
# exit=0
Cluster renamed from 'cluster' to 'cluster2'
$node3$ cat $GANETI_ROOTDIR/var/lib/ganeti/ssconf_cluster_name; sed 's/.*\.//' $GANETI_ROOTDIR/var/lib/ganeti/ssconf_master_ip
# exit=0
cluster2
2
$ gnt-cluster rename -f cluster2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Neither the name nor the IP address of the cluster has changed
$ gnt-cluster rename -f cluster
# exit=0
Cluster renamed from 'cluster2' to 'cluster'
$ gnt-cluster getmaster; gnt-cluster info | head -1
# exit=0
node1
Cluster name: cluster
$ gnt-cluster renew-crypto -f --new-rapi-certificate --rapi-certificate /nonexistent
# exit=1
! Only one of the --new-rapi-certificate and --rapi-certificate options can be specified.
$ md5sum $GANETI_ROOTDIR/var/lib/ganeti/server.pem | cut -d' ' -f1 > /tmp/$$.old; gnt-cluster renew-crypto -f --new-cluster-certificate --new-rapi-certificate --new-confd-hmac-key --new-cluster-domain-secret --new-spice-certificate
# exit=0
All requested certificates and keys have been replaced. Running "gnt-cluster verify" now is recommended.
$node3$ cmp -s $GANETI_ROOTDIR/var/lib/ganeti/server.pem $GANETI_ROOTDIR/../node1/var/lib/ganeti/server.pem && cmp -s $GANETI_ROOTDIR/var/lib/ganeti/rapi.pem $GANETI_ROOTDIR/../node1/var/lib/ganeti/rapi.pem && cmp -s $GANETI_ROOTDIR/var/lib/ganeti/hmac.key $GANETI_ROOTDIR/../node1/var/lib/ganeti/hmac.key && echo same
# exit=0
same
$ gnt-node list -o name,mtotal | head -2
# exit=0
Node  MTotal
node1 {{*}}
$ gnt-cluster epo node2
# exit=1
Node node2 does not support out-of-band handling, it can not be handled in a fully automated manner
$ gnt-cluster epo -f node1
# exit=1
! node1 is the master node, please do a master-failover to another node not affected by the EPO or use --all if you intend to shutdown the whole cluster
$ gnt-cluster epo -f --all node1
# exit=1
! Arguments in combination with --all are not allowed
$ gnt-cluster epo -f --all
# exit=0
Node node1 does not support out-of-band handling, it can not be handled in a fully automated manner
Node node2 does not support out-of-band handling, it can not be handled in a fully automated manner
Node node3 does not support out-of-band handling, it can not be handled in a fully automated manner
Submit shutdown of instance inst1
Submit shutdown of instance inst2
Submitted jobs {{num}}, {{num}}
Waiting for job {{num}} for inst1 ...
Waiting for job {{num}} for inst2 ...
All instances have been stopped successfully
$ gnt-instance list -o name,status,admin_state
# exit=0
Instance Status     InstanceState
inst1    ERROR_down up
inst2    ADMIN_down down
$ gnt-cluster epo -f --on --all
# exit=0
Node node2 does not support out-of-band handling, it can not be handled in a fully automated manner
Node node3 does not support out-of-band handling, it can not be handled in a fully automated manner
Waiting until all nodes are available again
Submit startup of instance inst1
Submit startup of instance inst2
Submitted jobs {{num}}, {{num}}
Waiting for job {{num}} for inst1 ...
Waiting for job {{num}} for inst2 ...
All instances have been started successfully
$ gnt-instance list -o name,status,admin_state
# exit=0
Instance Status   InstanceState
inst1    running  up
inst2    ERROR_up down
