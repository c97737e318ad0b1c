# gnt-os on a fresh 3-node virtual cluster (node1 is the master)
# (gnt-os diagnose ends with an empty line, hence the '(end)' marker;
# the Debian OS definition debootstrap is filtered out where CI has it)
$ gnt-os list | grep -v '^debootstrap' | sed 's/ *$//'
# exit=0
Name
noop
$ gnt-os list --no-headers | grep -v '^debootstrap' | sed 's/ *$//'
# exit=0
noop
$ gnt-os diagnose | sed '/^OS: debootstrap/,/^$/d' && echo '(end)'
# exit=0
OS: noop [global status: valid]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/usr/share/ganeti/os/noop) [API versions: 5, 10] [trusted]

(end)
$ gnt-os list extra
# exit=1
! Error: Command list expects no arguments
$ gnt-os info noop && echo '(end)'
# exit=0
noop:
  - valid: True
  - hidden: False
  - blacklisted: False
  - API versions:
    - 5
    - 10
  - variants:
  - parameters:

(end)
$ gnt-os show nosuch && echo '(end)'
# exit=0
nosuch: 

(end)
$ gnt-os modify --hidden=yes noop
# exit=0
$ gnt-os list | grep -v '^debootstrap' | sed 's/ *$//'
# exit=0
Name
$ gnt-os diagnose | grep '^OS: noop'
# exit=0
OS: noop [global status: valid] [hidden]
$ gnt-os modify --hidden=yes noop
# exit=0
{{ts}} OS noop already in hidden OS list, ignoring
$ gnt-cluster info | grep 'Hidden OSes'
# exit=0
Hidden OSes: noop
$ gnt-os modify --hidden=no --blacklisted=yes noop
# exit=0
$ gnt-os list --no-headers | grep -v '^debootstrap' | sed 's/ *$//'
# exit=0
$ gnt-os diagnose | grep '^OS: noop'
# exit=0
OS: noop [global status: valid] [blacklisted]
$ gnt-os modify --blacklisted=no -H fake:migration_mode=non-live -O foo=bar noop
# exit=0
$ gnt-os list --no-headers | grep -v '^debootstrap' | sed 's/ *$//'
# exit=0
noop
$ gnt-os info noop && echo '(end)'
# exit=0
noop:
  - valid: True
  - hidden: False
  - blacklisted: False
  - API versions:
    - 5
    - 10
  - variants:
  - parameters:
  - hypervisor parameters:
    - fake: migration_mode=non-live
  - OS parameters: foo=bar

(end)
$ gnt-os modify -H fake:migration_mode=default -O foo=default noop
# exit=0
$ gnt-os info noop | grep -c parameters:
# exit=0
1
$ gnt-os modify -H fake:bogus=1 noop
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown fake hypervisor parameter(s): bogus
$ gnt-os modify -H nohv:a=1 noop
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unknown hypervisor 'nohv' in hypervisor parameters of OS noop; valid hypervisors are: chroot, fake, kvm, lxc, xen-hvm, xen-pvm
$ gnt-os modify noop
# exit=1
! At least one of OS parameters or hypervisor parameters must be passed
$ gnt-os modify
# exit=1
! Error: Command modify expects 1 argument(s)
$ gnt-os modify --hidden=maybe noop
# exit=1
! Failure: unknown/wrong parameter name 'Invalid boolean value 'maybe''
$ gnt-job list --no-headers | tail -4
# exit=0
{{*}}CLUSTER_SET_PARAMS
{{*}}OS_DIAGNOSE
{{*}}CLUSTER_SET_PARAMS
{{*}}CLUSTER_SET_PARAMS
