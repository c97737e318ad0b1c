# gnt-debug on a fresh 3-node virtual cluster (node1 is the master)
$ gnt-debug delay 0.1
# exit=0
$ gnt-debug delay 0
# exit=1
! Failure: prerequisites not met for this operation:
! Duration must be greater than zero
$ gnt-debug delay --submit 0
# exit=0
! JobID: 6
$ gnt-job wait 6
# exit=1
! Job 6 failed: Failure: prerequisites not met for this operation:
! Duration must be greater than zero
$ gnt-job info 6
# exit=0
- Job ID: 6
  Status: error
  Received:         {{time}}.{{num}}
  Processing start: {{time}}.{{num}} (delta {{num}}s)
  Processing end:   {{time}}.{{num}} (delta {{num}}s)
  Total processing time: {{num}} seconds
  Opcodes: 
    - Opcode: OP_TEST_DELAY
      Status: error
      Processing start: {{time}}.{{num}}
      Execution start:  N/A
      Processing end:   {{time}}.{{num}}
      Input fields: 
        OP_ID: OP_TEST_DELAY
        comment: None
        debug_level: 0
        depends: None
        dry_run: False
        duration: 0
        interruptible: False
        no_locks: False
        on_master: True
        on_nodes: 
        priority: 0
        reason: 
          - - gnt:client:gnt-debug
            - delay
            - {{num}}
          - - gnt:opcode:test_delay
            - job=6;index=0
            - {{num}}
        repeat: 0
      Result: 
        - OpPrereqError
        - - Duration must be greater than zero
      Execution log: 
$ gnt-debug delay -n node2 0.1
# exit=0
$ gnt-debug delay -n node2 -n node3 --no-master 0.1
# exit=0
$ gnt-debug delay -r 2 0.1
# exit=0
{{ts}}  - INFO: Test delay iteration 0/1
{{ts}}  - INFO: Test delay iteration 1/1
$ gnt-debug delay -n nosuch 0.1
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Node 'nosuch' not known
$ gnt-debug delay
# exit=1
! Error: Command delay expects 1 argument(s)
$ gnt-debug delay --submit 0.1
# exit=0
! JobID: 11
$ gnt-job watch 11
# exit=0
Output from job 11 follows
--------------------------
$ gnt-debug delay --dry-run 0.1
# exit=0
{{ts}}  - INFO: dry-run mode requested, not actually executing the operation
$ gnt-job list
# exit=0
ID Status  Summary
 1 success CLUSTER_POST_INIT
 2 success NODE_ADD(node2)
 3 success NODE_ADD(node3)
 4 success TEST_DELAY(0.1)
 5 error   TEST_DELAY(0.0)
 6 error   TEST_DELAY(0.0)
 7 success TEST_DELAY(0.1)
 8 success TEST_DELAY(0.1)
 9 success TEST_DELAY(0.1)
10 error   TEST_DELAY(0.1)
11 success TEST_DELAY(0.1)
12 success TEST_DELAY(0.1)
