# Instance disks: file, sharedfile and ext instances through their whole life
# (the virtual nodes share one directory for sharedfile disks)
# (add, info, list, activate/deactivate, grow, recreate, remove), and bad
# input that must leave nothing behind
$ gnt-cluster modify --enabled-disk-templates file,sharedfile,diskless,drbd,ext
# exit=0
$ gnt-instance add -n node1 -t file --disk 0:size=1G --disk 1:size=1G,mode=ro,name=data -o noop --no-name-check --no-ip-check --no-start f1
# exit=0
{{ts}} * disk 0, size 1.0G
{{ts}} * disk 1, size 1.0G
{{ts}} * creating instance disks...
{{ts}} adding instance f1 to cluster config
{{ts}} adding disks to cluster config
{{ts}}  - INFO: Waiting for instance f1 to sync disks
{{ts}}  - INFO: Instance f1's disks are in sync
{{ts}}  - INFO: Waiting for instance f1 to sync disks
{{ts}}  - INFO: Instance f1's disks are in sync
{{ts}} * running the instance OS create scripts...
$ gnt-instance list -o name,disk_template,disk.sizes,disk.count
# exit=0
Instance Disk_template Disk_sizes Disks
f1       file          1024,1024      2
$ gnt-instance info f1 | sed -n '/Disk template/,$p'
# exit=0
  Disk template: file
  Disks: 
    - disk/0: file, size 1.0G
      access mode: rw
      logical_id: ['loop', '/srv/ganeti/file-storage/f1/{{uuid}}.file.disk0']
      on primary: {{*}}/node1/srv/ganeti/file-storage/f1/{{uuid}}.file.disk0 (N/A:N/A)
      name: None
      UUID: {{uuid}}
    - disk/1: file, size 1.0G
      access mode: ro
      logical_id: ['loop', '/srv/ganeti/file-storage/f1/{{uuid}}.file.disk1']
      on primary: {{*}}/node1/srv/ganeti/file-storage/f1/{{uuid}}.file.disk1 (N/A:N/A)
      name: data
      UUID: {{uuid}}
$ stat -c %s $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk0 $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk1
# exit=0
1073741824
1073741824
$ gnt-instance activate-disks f1
# exit=0
node1:disk/0:{{*}}/node1/srv/ganeti/file-storage/f1/{{uuid}}.file.disk0
node1:disk/1:{{*}}/node1/srv/ganeti/file-storage/f1/{{uuid}}.file.disk1
$ gnt-instance deactivate-disks f1
# exit=0
$ gnt-instance grow-disk f1 0 1G
# exit=0
{{ts}} Growing disk 0 of instance 'f1' by 1.0G to 2.0G
{{ts}}  - INFO: Waiting for instance f1 to sync disks
{{ts}}  - INFO: Instance f1's disks are in sync
$ gnt-instance grow-disk --absolute f1 1 1536M
# exit=0
{{ts}} Growing disk 1 of instance 'f1' by 512M to 1.5G
{{ts}}  - INFO: Waiting for instance f1 to sync disks
{{ts}}  - INFO: Instance f1's disks are in sync
$ stat -c %s $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk0 $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk1
# exit=0
2147483648
1610612736
$ gnt-instance list -o name,disk.sizes f1
# exit=0
Instance Disk_sizes
f1       2048,1536
$ gnt-instance grow-disk --absolute f1 1 512M
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Requested size (512M) is smaller than current disk size (1.5G)
$ gnt-instance grow-disk f1 5 1G
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid disk index: 5 (instace has disks numbered from 0 to 1)
$ gnt-instance grow-disk f1 0 xx
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Can't parse the given amount 'xx'
$ rm $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk1
# exit=0
$ gnt-instance recreate-disks --disk 1:size=2G f1
# exit=0
$ gnt-instance list -o name,disk.sizes f1
# exit=0
Instance Disk_sizes
f1       2048,2048
$ stat -c %s $GANETI_ROOTDIR/srv/ganeti/file-storage/f1/*.file.disk1
# exit=0
2147483648
$ gnt-instance recreate-disks --disk 0:size=3G f1
# exit=1
! Failure: command execution error:
! Can't create block device <Disk file ('loop', '/srv/ganeti/file-storage/f1/{{uuid}}.file.disk0') size=3072> on node node1 for instance f1: Can't create block device: File already existing: /srv/ganeti/file-storage/f1/{{uuid}}.file.disk0
$ gnt-instance list -o name,disk.sizes f1
# exit=0
Instance Disk_sizes
f1       2048,2048
$ gnt-instance recreate-disks --disk 0:vg=xenvg f1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Parameters for disk 0 try to change unmodifyable parameter(s): vg
$ gnt-instance replace-disks -p f1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Can only run replace disks for DRBD8-based instances
$ gnt-instance replace-disks f1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! One and only one of the -p, -s, -a, -n and -I options must be passed
$ gnt-instance remove -f f1
# exit=0
{{ts}}  - INFO: Shutting down instance f1 on node node1
{{ts}}  - INFO: Removing block devices for instance f1
{{ts}}  - INFO: Removing instance f1 out of cluster config
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ gnt-instance add -n node1 -t drbd -s 1G -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The networked disk templates need a mirror node
$ gnt-instance add -n node1:nosuch -t drbd -s 1G -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-instance add -n node1:node1 -t drbd -s 1G -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! The secondary node cannot be the primary node
$ gnt-instance add -n node1 -t plain -s 1G -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! Disk template 'plain' is not enabled in cluster. Enabled disk templates are: file,sharedfile,diskless,drbd,ext
$ gnt-instance add -n node1 -t file --disk 0:size=abc -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid disk size for disk 0: Invalid format
$ gnt-instance add -n node1 -t file --disk 0:size=1G,mode=rx -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid disk access mode 'rx'
$ gnt-instance add -n node1 -t ext -s 1G -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Missing provider for template 'ext'
$ gnt-instance add -n node1 -t file --disk 0:adopt=/dev/null -o noop --no-name-check --no-ip-check bad1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Disk adoption is not supported for the 'file' disk template
$ gnt-instance add -n node1 -t file --disk 0:size=1G --disk 1:size=100000T --ignore-ipolicy -o noop --no-name-check --no-ip-check bad2
# exit=1
{{ts}} * disk 0, size 1.0G
{{ts}} * disk 1, size 100000.0T
{{ts}} * creating instance disks...
{{ts}}  - WARNING: Device creation failed
! Failure: command execution error:
! Can't create block device <Disk file ('loop', '/srv/ganeti/file-storage/bad2/{{uuid}}.file.disk1') size=104857600000> on node node1 for instance bad2: Can't create block device: Error in file creation: [Errno 27] File too large
$ ls $GANETI_ROOTDIR/srv/ganeti/file-storage
# exit=0
$ touch $GANETI_ROOTDIR/srv/ganeti/file-storage/bad3
# exit=0
$ gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check bad3
# exit=1
{{ts}} * disk 0, size 1.0G
{{ts}} * creating instance disks...
{{ts}}  - WARNING: Device creation failed
! Failure: command execution error:
! Failed to create directory '/srv/ganeti/file-storage/bad3' on node node1: Cannot create file storage directory '/srv/ganeti/file-storage/bad3': The path '/srv/ganeti/file-storage/bad3' exists but is not a directory
$ rm $GANETI_ROOTDIR/srv/ganeti/file-storage/bad3
# exit=0
$ gnt-instance list --no-headers
# exit=0
$ gnt-instance add -n node2 -t sharedfile -s 1G -o noop --no-name-check --no-ip-check --no-start s1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance allocation to group {{uuid}} (default) violates policy: Disk template sharedfile is not allowed (allowed templates: file, diskless)
$ gnt-instance add -n node2:node3 -t sharedfile -s 1G -o noop --no-name-check --no-ip-check --no-start --ignore-ipolicy s1
# exit=0
{{ts}}  - WARNING: Secondary node will be ignored on non-mirrored disk template
{{ts}} * disk 0, size 1.0G
{{ts}} * creating instance disks...
{{ts}} adding instance s1 to cluster config
{{ts}} adding disks to cluster config
{{ts}}  - INFO: Waiting for instance s1 to sync disks
{{ts}}  - INFO: Instance s1's disks are in sync
{{ts}}  - INFO: Waiting for instance s1 to sync disks
{{ts}}  - INFO: Instance s1's disks are in sync
{{ts}} * running the instance OS create scripts...
$ gnt-instance info s1 | sed -n '/Disk template/,/UUID/p'
# exit=0
  Disk template: sharedfile
  Disks: 
    - disk/0: sharedfile, size 1.0G
      access mode: rw
      logical_id: ['loop', '/srv/ganeti/shared-file-storage/s1/{{uuid}}.sharedfile.disk0']
      on primary: {{*}}/shared-storage/srv/ganeti/shared-file-storage/s1/{{uuid}}.sharedfile.disk0 (N/A:N/A)
      name: None
      UUID: {{uuid}}
$ gnt-instance list -o name,pnode,snodes,disk_template,disk.sizes s1
# exit=0
Instance Primary_node Secondary_Nodes Disk_template Disk_sizes
s1       node2                        sharedfile    1024
$ gnt-instance grow-disk --absolute s1 0 1536M
# exit=0
{{ts}} Growing disk 0 of instance 's1' by 512M to 1.5G
{{ts}}  - INFO: Waiting for instance s1 to sync disks
{{ts}}  - INFO: Instance s1's disks are in sync
$node3$ stat -c %s $GANETI_ROOTDIR/../shared-storage/srv/ganeti/shared-file-storage/s1/*.sharedfile.disk0
# exit=0
1610612736
$ gnt-instance remove -f s1
# exit=0
{{ts}}  - INFO: Shutting down instance s1 on node node2
{{ts}}  - INFO: Removing block devices for instance s1
{{ts}}  - INFO: Removing instance s1 out of cluster config
$ ls $GANETI_ROOTDIR/../shared-storage/srv/ganeti/shared-file-storage
# exit=0
$ gnt-instance add -n node1 -t diskless -o noop --no-name-check --no-ip-check --no-start d1
# exit=0
{{ts}} * creating instance disks...
{{ts}} adding instance d1 to cluster config
{{ts}} adding disks to cluster config
$ gnt-instance grow-disk d1 0 1G
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance's disk layout does not support growing
$ gnt-instance recreate-disks d1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Instance 'd1' has no disks
$ gnt-cluster modify --enabled-disk-templates file,sharedfile,drbd
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Cannot disable disk template 'diskless', because there is at least one instance using it.
$ gnt-cluster verify --error-codes
# exit=0
...
$ gnt-instance add -n node1 -t ext --disk 0:size=1G,provider=pyganeti-file,loop=no -o noop --no-name-check --no-ip-check --no-start --ignore-ipolicy e1
# exit=0
{{ts}} * disk 0, size 1.0G
{{ts}} * creating instance disks...
{{ts}} adding instance e1 to cluster config
{{ts}} adding disks to cluster config
{{ts}}  - INFO: Waiting for instance e1 to sync disks
{{ts}}  - INFO: Instance e1's disks are in sync
{{ts}}  - INFO: Waiting for instance e1 to sync disks
{{ts}}  - INFO: Instance e1's disks are in sync
{{ts}} * running the instance OS create scripts...
$ gnt-instance info e1 | sed -n '/Disk template/,/UUID/p'
# exit=0
  Disk template: ext
  Disks: 
    - disk/0: ext, size 1.0G
      access mode: rw
      logical_id: ['pyganeti-file', '{{uuid}}.ext.disk0']
      on primary: {{*}}/extstorage-data/pyganeti-file/{{uuid}}.ext.disk0.img (N/A:N/A)
      name: None
      UUID: {{uuid}}
$ gnt-instance grow-disk e1 0 1G
# exit=0
{{ts}} Growing disk 0 of instance 'e1' by 1.0G to 2.0G
{{ts}}  - INFO: Waiting for instance e1 to sync disks
{{ts}}  - INFO: Instance e1's disks are in sync
$ stat -c %s $GANETI_ROOTDIR/../extstorage-data/pyganeti-file/*.ext.disk0.img
# exit=0
2147483648
$ gnt-instance list -o name,disk_template,disk.sizes e1
# exit=0
Instance Disk_template Disk_sizes
e1       ext           2048
$ gnt-instance remove -f e1
# exit=0
{{ts}}  - INFO: Shutting down instance e1 on node node1
{{ts}}  - INFO: Removing block devices for instance e1
{{ts}}  - INFO: Removing instance e1 out of cluster config
$ ls $GANETI_ROOTDIR/../extstorage-data/pyganeti-file
# exit=0
$ gnt-instance add -n node1 -t ext --disk 0:size=1G,provider=nosuchprovider -o noop --no-name-check --no-ip-check --no-start --ignore-ipolicy e2
# exit=1
{{ts}} * disk 0, size 1.0G
{{ts}} * creating instance disks...
{{ts}}  - WARNING: Device creation failed
! Failure: command execution error:
! Can't create block device <Disk ext ('nosuchprovider', '{{uuid}}.ext.disk0') size=1024> on node node1 for instance e2: Can't create block device: Directory for External Storage Provider nosuchprovider not found in search path
$ gnt-instance list --no-headers -o name
# exit=0
d1
