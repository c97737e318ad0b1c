# gnt-job on a fresh 3-node virtual cluster (node1 is the master)
# Job 4 (a 15 s delay) must still be running at the last "4 running" below
# (about 3 s after it starts); the end waits for it, so that the cluster's
# shutdown (masterd lets running jobs finish) does not.
$ gnt-job list
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
 3 success NODE_ADD(node3)
$ gnt-job list --no-headers
# exit=0
1 success CLUSTER_POST_INIT
2 success NODE_ADD(node2)
3 success NODE_ADD(node3)
$ gnt-job list -o id,status,priority,summary,opstatus
# exit=0
ID Status  Priority Summary           OpCode_status
 1 success        0 CLUSTER_POST_INIT ['success']
 2 success        0 NODE_ADD(node2)   ['success']
 3 success        0 NODE_ADD(node3)   ['success']
$ gnt-job list -o id,status --separator=:
# exit=0
ID:Status
1:success
2:success
3:success
$ gnt-job list 1 2
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
$ gnt-job list --finished -o id,status
# exit=0
ID Status
 1 success
 2 success
 3 success
$ gnt-job list --error
# exit=0
ID Status Summary
$ gnt-job list --running
# exit=0
ID Status Summary
$ gnt-job list --pending
# exit=0
ID Status Summary
$ gnt-job list -o id,nosuchfield 1
# exit=14
ID nosuchfield
 1 ??
! Warning: Queried for unknown fields nosuchfield
$ gnt-job list abc
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid job ID passed: invalid literal for int() with base 10: 'abc'
$ gnt-job list-fields
# exit=0
Name        Type    Title         Description
archived    Boolean Archived      Whether job is archived
end_ts      Custom  End           Timestamp of job end (tuple containing seconds and microseconds)
id          Number  ID            Job ID
opend       Custom  OpCode_end    List of opcode execution end timestamps
opexec      Custom  OpCode_exec   List of opcode execution start timestamps (after acquiring locks)
oplog       Custom  OpCode_log    List of opcode output logs
oppriority  Custom  OpCode_prio   List of opcode priorities
opresult    Custom  OpCode_result List of opcodes results
ops         Custom  OpCodes       List of all opcodes
opstart     Custom  OpCode_start  List of opcode start timestamps (before acquiring locks)
opstatus    Custom  OpCode_status List of opcodes status
priority    Number  Priority      Current job priority (19 to -20)
received_ts Custom  Received      Timestamp of when job was received (tuple containing seconds and microseconds)
start_ts    Custom  Start         Timestamp of job start (tuple containing seconds and microseconds)
status      Text    Status        Job status
summary     Custom  Summary       List of per-opcode summaries
$ gnt-job list-fields id status summary
# exit=0
Name    Type   Title   Description
id      Number ID      Job ID
status  Text   Status  Job status
summary Custom Summary List of per-opcode summaries
$ gnt-job list-fields nosuchfield
# exit=14
Name        Type    Title       Description
nosuchfield Unknown nosuchfield Unknown field 'nosuchfield'
! Warning: Queried for unknown fields nosuchfield
$ gnt-job info 1
# exit=0
- Job ID: 1
  Status: success
  Received:         {{time}}.{{num}}
  Processing start: {{time}}.{{num}} (delta {{num}}s)
  Processing end:   {{time}}.{{num}} (delta {{num}}s)
  Total processing time: {{num}} seconds
  Opcodes: 
    - Opcode: OP_CLUSTER_POST_INIT
      Status: success
      Processing start: {{time}}.{{num}}
      Execution start:  {{time}}.{{num}}
      Processing end:   {{time}}.{{num}}
      Input fields: 
        OP_ID: OP_CLUSTER_POST_INIT
        comment: None
        debug_level: 0
        depends: None
        dry_run: {{*}}
        priority: 0
        reason: 
          - - gnt:client:gnt-cluster
            - init
            - {{num}}
          - - gnt:opcode:cluster_post_init
            - job=1;index=0
            - {{num}}
      Result: 
        True
      Execution log: 
$ gnt-job info abc
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid job ID passed
$ gnt-job info
# exit=1
! Error: Command info expects at least 1 argument(s)
$ gnt-job watch 1
# exit=0
Output from job 1 follows
-------------------------
$ gnt-job watch
# exit=1
! Error: Command watch expects 1 argument(s)
$ gnt-debug delay --submit --no-master -n node2 15
# exit=0
! JobID: 4
$ gnt-debug delay --submit --no-master -n node2 15
# exit=0
! JobID: 5
$ for i in $(seq 100); do gnt-job list --no-headers -o status 5 | grep -q waiting && break; sleep 0.1; done
# exit=0
$ gnt-job list --running
# exit=0
ID Status  Summary
 4 running TEST_DELAY(15.0)
$ gnt-job list --pending
# exit=0
ID Status  Summary
 5 waiting TEST_DELAY(15.0)
$ gnt-job cancel 5
# exit=0
Job 5 will be canceled
$ gnt-job list -o id,status 4 5
# exit=0
ID Status
 4 running
 5 cancel{{*}}
$ gnt-job watch 5
# exit=1
Output from job 5 follows
-------------------------
! Job 5 failed: Failure: command execution error:
! Job was canceled
$ for i in $(seq 300); do gnt-job list --no-headers -o status 5 | grep -qx canceled && break; sleep 0.1; done
# exit=0
$ gnt-job cancel 4
# exit=1
Job 4 is no longer waiting in the queue
$ gnt-job cancel 1
# exit=1
Job 1 is no longer waiting in the queue
$ gnt-job cancel 9999
# exit=1
Job 9999 not found
$ gnt-job archive 4
# exit=1
! Failed to archive job with ID '4'
$ gnt-job list -o id,status 4
# exit=0
ID Status
 4 running
$ gnt-job archive 1 2
# exit=0
$ gnt-job list
# exit=0
ID Status   Summary
 3 success  NODE_ADD(node3)
 4 running  TEST_DELAY(15.0)
 5 canceled TEST_DELAY(15.0)
$ gnt-job archive 1
# exit=1
! Failed to archive job with ID '1'
$ gnt-job autoarchive 1h
# exit=0
Archived 0 jobs, 0 unchecked left
$ gnt-job autoarchive all
# exit=0
Archived 2 jobs, 0 unchecked left
$ gnt-job list
# exit=0
ID Status  Summary
 4 running TEST_DELAY(15.0)
$ gnt-debug delay --submit -r 2 0.5
# exit=0
! JobID: 6
$ gnt-job watch 6
# exit=0
Output from job 6 follows
-------------------------
{{ts}}  - INFO: Test delay iteration 0/1
{{ts}}  - INFO: Test delay iteration 1/1
$ gnt-job list -o id,status 6
# exit=0
ID Status
 6 success
$ gnt-job wait 4
# exit=0
$ gnt-job list -o id,status 4
# exit=0
ID Status
 4 success
