# setup: test-os
# The OS API (ganeti-os-interface(7)) with pyganeti's test OS definitions
# (test/data/os: test-api10, test-api15, test-api20) on a fresh 3-node
# virtual cluster.  Instance creation output belongs to gnt-instance and is
# dropped here; what the OS scripts got is read back from their log files
# ($L) and the disks.  Covered: list/diagnose/info, the environment per
# API version, variants (and --force-variant), the verify script on add,
# reinstall and gnt-os modify, private parameters (in config.data only,
# masked in job files and info) and secret ones (stored nowhere), the
# last 20 log lines of a failing create script, rename, cluster-wide
# (private) defaults, blacklisted and hidden OSes.
$ gnt-os list --no-headers | grep test-api
# exit=0
test-api10
test-api15+alpha
test-api15+beta
test-api20+default
test-api20+minimal
$ gnt-os diagnose | sed -n '/^OS: test-api20/,/^$/p'; echo '(end)'
# exit=0
OS: test-api20 [global status: valid]
  Variants: [default, minimal]
  Node: {{uuid}}, status: valid (path: {{*}}/srv/ganeti/os/test-api20) [API versions: 20, 15, 10] [variants: default, minimal] [parameters: color, fail, password] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/srv/ganeti/os/test-api20) [API versions: 20, 15, 10] [variants: default, minimal] [parameters: color, fail, password] [trusted]
  Node: {{uuid}}, status: valid (path: {{*}}/srv/ganeti/os/test-api20) [API versions: 20, 15, 10] [variants: default, minimal] [parameters: color, fail, password] [trusted]

(end)
$ gnt-os diagnose | grep -A1 '^OS: test-api1'
# exit=0
OS: test-api10 [global status: valid]
  Node: {{uuid}}, status: valid (path: {{*}}/srv/ganeti/os/test-api10) [API versions: 10] [trusted]
--
OS: test-api15 [global status: valid]
  Variants: [alpha, beta]
$ gnt-os info test-api15 test-api20 && echo '(end)'
# exit=0
test-api15:
  - valid: True
  - hidden: False
  - blacklisted: False
  - API versions:
    - 10
    - 15
  - variants:
    - alpha
    - beta
  - parameters:

test-api20:
  - valid: True
  - hidden: False
  - blacklisted: False
  - API versions:
    - 10
    - 15
    - 20
  - variants:
    - default
    - minimal
  - parameters:
    - color: The colour of the instance: red, green or blue
    - fail: yes makes the create script fail (after 30 lines of output)
    - password: A password; the create script logs only its digest

(end)
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+minimal -O color=red --os-parameters-private password=hunter2 --os-parameters-secret fail=no inst1 >/dev/null
# exit=0
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; grep -h '^create:\|^OS_\|^OSP_\|^INSTANCE_OS=\|^DISK_COUNT' $L/add-test-api20+minimal-inst1-*.log
# exit=0
create: inst1 os=test-api20 variant=minimal api=20 reinstall=0
DISK_COUNT=1
INSTANCE_OS=test-api20+minimal
OSP_COLOR=red
OSP_FAIL=no
OS_API_VERSION=20
OS_NAME=test-api20
OS_VARIANT=minimal
OSP_PASSWORD sha1=f3bbbd66a63d4bf1747940578ec3d0103530e21d
$ head -1 $GANETI_ROOTDIR/srv/ganeti/file-storage/inst1/*.disk0
# exit=0
pyganeti-test-os inst1 minimal disk 0
$ cd $GANETI_ROOTDIR/..; grep -rl hunter2 */var/lib/ganeti */var/log/ganeti | sort
# exit=0
node1/var/lib/ganeti/config.data
node2/var/lib/ganeti/config.data
node3/var/lib/ganeti/config.data
$ cd $GANETI_ROOTDIR/..; grep -rl 'fail": "no' */var/lib/ganeti || echo nowhere
# exit=0
nowhere
$ gnt-job info $(gnt-job list --no-headers -o id | tail -1) | grep -A1 'osparams_\(private\|secret\):'
# exit=0
        osparams_private: 
          password: <redacted>
        osparams_secret: 
          fail: <redacted>
$ gnt-instance info inst1 | grep -A2 '^  Operating system parameters:'
# exit=0
  Operating system parameters: 
    color: red
    password: <redacted>
$ gnt-instance reinstall -f -O color=blue --os-parameters-secret password=Zq9secretPW inst1 >/dev/null
# exit=0
$ cd $GANETI_ROOTDIR/..; grep -rl Zq9secretPW */var/lib/ganeti */var/log/ganeti || echo nowhere
# exit=0
nowhere
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; cat $L/add-test-api20+minimal-inst1-* | grep '^create:\|^OSP_' | tail -3
# exit=0
create: inst1 os=test-api20 variant=minimal api=20 reinstall=1
OSP_COLOR=blue
OSP_PASSWORD sha1=6d2b794c581b6da59798b6f6bbcee4bcc3dd7cae
$ gnt-instance info inst1 | grep -A2 '^  Operating system parameters:'
# exit=0
  Operating system parameters: 
    color: red
    password: <redacted>
$ gnt-instance reinstall -f -O color=default inst1 >/dev/null
# exit=0
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; cat $L/add-test-api20+minimal-inst1-* | grep '^create:\|^OSP_' | tail -2
# exit=0
create: inst1 os=test-api20 variant=minimal api=20 reinstall=1
OSP_PASSWORD sha1=f3bbbd66a63d4bf1747940578ec3d0103530e21d
$ gnt-instance reinstall -f -O color=pink inst1
# exit=1
Waiting for job {{num}} for inst1 ...
! Job {{num}} for inst1 has failed: Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS Parameters validation failed on node node1: OS validation script failed (exited with exit code 1), output: Invalid value 'pink' for the color parameter
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+minimal -O color=pink inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS Parameters validation failed on node node1: OS validation script failed (exited with exit code 1), output: Invalid value 'pink' for the color parameter
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+default -O shape=round,size=2 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS Parameters validation failed on node node1: The following parameters are not supported by the OS test-api20: shape, size
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20 inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS name must include a variant
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+huge inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Unsupported OS variant
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api10+x inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS 'test-api10' doesn't support variants ('x' passed)
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o nosuch inst2
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS 'nosuch' not in supported OS list for node node1: Directory for OS nosuch not found in search path
$ gnt-instance list --no-headers -o name
# exit=0
inst1
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+huge --force-variant inst2 >/dev/null
# exit=0
$ head -1 $GANETI_ROOTDIR/srv/ganeti/file-storage/inst2/*.disk0
# exit=0
pyganeti-test-os inst2 huge disk 0
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api10 -O anything=goes inst3 >/dev/null && gnt-instance add $A -o test-api15 --force-variant inst4 >/dev/null
# exit=0
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; grep -h '^create:\|^OSP_' $L/add-test-api10-inst3-*.log $L/add-test-api15-inst4-*.log
# exit=0
create: inst3 os=test-api10 variant= api=10 reinstall=0
OSP_ANYTHING=goes
create: inst4 os=test-api15 variant=alpha api=15 reinstall=0
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+default -O fail=yes inst5 >/dev/null
# exit=1
! Failure: command execution error:
! Could not add os for instance inst5 on node node1: OS create script failed (exited with exit code 1), last lines in the log file:
! failure line 11
! failure line 12
! failure line 13
! failure line 14
! failure line 15
! failure line 16
! failure line 17
! failure line 18
! failure line 19
! failure line 20
! failure line 21
! failure line 22
! failure line 23
! failure line 24
! failure line 25
! failure line 26
! failure line 27
! failure line 28
! failure line 29
! failure line 30
$ gnt-instance remove -f inst5 >/dev/null
# exit=0
$ gnt-instance rename --no-ip-check --no-name-check inst3 inst6 >/dev/null
# exit=0
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; grep -h '^rename:\|^OLD_INSTANCE_NAME\|^INSTANCE_NAME' $L/rename-test-api10-inst3-inst6-*.log
# exit=0
rename: inst3 -> inst6
INSTANCE_NAME=inst6
OLD_INSTANCE_NAME=inst3
$ gnt-os modify -O color=pink test-api20
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! OS Parameters validation failed on node node1: OS validation script failed (exited with exit code 1), output: Invalid value 'pink' for the color parameter
$ gnt-os modify -O color=green --os-parameters-private password=fromcluster -H fake:migration_mode=non-live test-api20
# exit=0
$ gnt-os info test-api20 | tail -4 && echo '(end)'
# exit=0
  - hypervisor parameters:
    - fake: migration_mode=non-live
  - OS parameters: color=green

(end)
$ gnt-cluster info | grep -c fromcluster
# exit=1
0
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api20+default inst7 >/dev/null
# exit=0
$ L=$GANETI_ROOTDIR/var/log/ganeti/os; grep -h '^OSP_\|^INSTANCE_HV_migration' $L/add-test-api20+default-inst7-*.log
# exit=0
INSTANCE_HV_migration_mode=non-live
OSP_COLOR=green
OSP_PASSWORD sha1=a408ffa5320d08f1af7a64d7432fad37f848e6ee
$ gnt-os modify -O color=default --os-parameters-private password=default test-api20
# exit=0
$ gnt-os modify -O color=red nosuch
# exit=0
{{ts}}  - INFO: OS nosuch not found on node node1, validation skipped
$ gnt-os modify --blacklisted=yes test-api15
# exit=0
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api15+beta inst8
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_state, error details:
! Guest OS 'test-api15+beta' is not allowed for installation
$ gnt-instance reinstall -f --force-variant inst4 >/dev/null
# exit=0
$ gnt-os modify --blacklisted=no --hidden=yes test-api15
# exit=0
$ gnt-os list --no-headers | grep test-api15 || echo none
# exit=0
none
$ A='-t file --disk 0:size=16M --ignore-ipolicy -n node1 --no-start --no-name-check --no-ip-check'; gnt-instance add $A -o test-api15+beta inst8 >/dev/null
# exit=0
$ D=$GANETI_ROOTDIR/usr/local/lib/ganeti/os; mkdir -p $D && cp -r $GANETI_ROOTDIR/srv/ganeti/os/test-api10 $D/ && rm $D/test-api10/create; gnt-os diagnose | grep -B1 '\[hidden\] path'
# exit=0
  Node: {{uuid}}, status: valid (path: {{*}}/srv/ganeti/os/test-api10) [API versions: 10] [trusted]
    [hidden] path: {{*}}/usr/local/lib/ganeti/os/test-api10, status: invalid - File 'create' under path '{{*}}/usr/local/lib/ganeti/os/test-api10' is missing (ENOENT)
