# hypervisor parameters are checked by the nodes (xen-pvm, xen-hvm, chroot)
$ gnt-cluster modify -H xen-pvm:cpu_mask=1-x
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node1: Parameter 'cpu_mask' fails syntax check: CPU mask definition is not valid (current value: '1-x')
$ gnt-cluster modify -H xen-pvm:cpu_weight=heavy
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid value for xen-pvm hypervisor parameter 'cpu_weight': heavy is not a valid integer
$ gnt-cluster modify --enabled-hypervisors=fake,xen-pvm
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node1: Parameter 'kernel_path' fails validation: not found or not a file (current value: '/boot/vmlinuz-3-xenU')
$ gnt-cluster modify -H xen-hvm:boot_order=cz
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node1: Parameter 'boot_order' fails syntax check: Invalid boot order specified, must be one or more of [acdn] (current value: 'cz')
$ gnt-cluster modify -H chroot:init_script=ganeti-chroot
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node1: Parameter 'init_script' fails syntax check: must be an absolute normalized path (current value: 'ganeti-chroot')
$ gnt-cluster modify -H xen-pvm:kernel_path=/bin/sh,cpu_mask=0-1:all,cpu_weight=512
# exit=0
$ gnt-cluster modify --enabled-hypervisors=fake,xen-pvm
# exit=0
$ gnt-cluster info | grep -E '^ +(xen-pvm|kernel_path|cpu_mask|cpu_weight):'
# exit=0
  xen-pvm: 
    cpu_mask: 0-1:all
    cpu_weight: 512
    kernel_path: /bin/sh
$ gnt-cluster modify --enabled-hypervisors=fake,chroot
# exit=0
$ gnt-instance add -n node2 -t diskless -o noop --no-name-check --no-ip-check --no-start -H chroot:init_script=../init inst1
# exit=1
! Failure: command execution error:
! Hypervisor parameter validation failed on node node2: Parameter 'init_script' fails syntax check: must be an absolute normalized path (current value: '../init')
$ gnt-instance list --no-headers -o name
# exit=0
