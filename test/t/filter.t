# gnt-filter: job filter rules (REJECT, PAUSE, ACCEPT precedence) on a fresh 3-node cluster (jobs 1-3 set it up)
$ gnt-filter list
# exit=0
UUID Watermark Priority Predicates Action ReasonTrail
$ gnt-filter list-fields
# exit=0
Name         Type   Title       Description
action       Custom Action      Filter action
predicates   Custom Predicates  List of filter predicates
priority     Number Priority    Filter priority
reason_trail Custom ReasonTrail Reason why this filter was added
uuid         Text   UUID        UUID
watermark    Number Watermark   Highest job ID used as of when the filter was added
$ gnt-filter add --action=DROP
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid filter action 'DROP'; must be one of ACCEPT, PAUSE, REJECT, CONTINUE or RATE_LIMIT n
$ gnt-filter add --action='RATE_LIMIT 0'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid filter action ['RATE_LIMIT', 0]
$ gnt-filter add --predicates='[["nosuch", []]]'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid filter predicate ['nosuch', []]; predicates are [name, filter] with name one of jobid, opcode, reason
$ gnt-filter add --predicates='[["jobid", ["==", "name", 1]]]'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid filter in predicate ['jobid', ['==', 'name', 1]]: Unknown field 'name'
$ gnt-filter add --predicates='not json'
# exit=1
! Failure: prerequisites not met for this operation:
! error type: wrong_input, error details:
! Invalid JSON in --predicates: Expecting value: line 1 column 1 (char 0)
$ gnt-filter add --predicates='[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]' --action=REJECT --reason='no delays' | sed 's/[0-9a-f-]\{36\}/UUID/'
# exit=0
UUID
$ gnt-filter list -o watermark,priority,predicates,action
# exit=0
Watermark Priority Predicates                                    Action
        3        0 [['opcode', ['=', 'OP_ID', 'OP_TEST_DELAY']]] REJECT
$ gnt-filter info | sed 's/[0-9]\{19\}/TS/'
# exit=0
UUID: {{uuid}}
  Watermark: 3
  Priority: 0
  Predicates: [['opcode', ['=', 'OP_ID', 'OP_TEST_DELAY']]]
  Action: REJECT
  Reason trail: [['gnt:user', 'no delays', TS]]
$ gnt-debug delay 0.01
# exit=1
! Failure: command execution error:
! Job was canceled
$ gnt-job list -o id,status,summary 4
# exit=0
ID Status   Summary
 4 canceled TEST_DELAY(0.01)
$ gnt-filter replace --priority=5 --predicates='[["jobid", [">", "id", "watermark"]]]' --action=PAUSE $(gnt-filter list --no-headers -o uuid) | sed 's/[0-9a-f-]\{36\}/UUID/'
# exit=0
UUID
$ gnt-filter list --no-headers --separator='|' -o watermark,priority,action
# exit=0
4|5|PAUSE
$ gnt-debug delay --submit 0.01
# exit=0
! JobID: 5
$ gnt-job list -o id,status 5
# exit=0
ID Status
 5 queued
$ gnt-filter add --priority=1 --predicates='[["reason", ["=~", "reason", "urgent"]]]' --action=ACCEPT | sed 's/[0-9a-f-]\{36\}/UUID/'
# exit=0
UUID
$ gnt-debug delay --reason=urgent 0.01
# exit=0
$ gnt-filter list --no-headers -o priority,action | sort -n
# exit=0
1 ACCEPT
5 PAUSE
$ gnt-filter delete $(gnt-filter list --no-headers -o uuid,priority | awk '$2 == 5 {print $1}')
# exit=0
$ gnt-job wait 5
# exit=0
$ gnt-job list -o id,status 5
# exit=0
ID Status
 5 success
$ gnt-filter list -o priority,action
# exit=0
Priority Action
       1 ACCEPT
$ gnt-filter delete no-such-rule
# exit=1
! Failure: prerequisites not met for this operation:
! error type: unknown_entity, error details:
! Filter rule 'no-such-rule' not found
$ gnt-filter list -o uuid,nosuch
# exit=14
UUID                                 nosuch
{{uuid}} ??
! Warning: Queried for unknown fields nosuch
$ gnt-filter delete $(gnt-filter list --no-headers -o uuid)
# exit=0
$ gnt-filter list
# exit=0
UUID Watermark Priority Predicates Action ReasonTrail
