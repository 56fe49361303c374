#!/usr/bin/env bats
# Crash torture at a small size (make torture runs 10,000 messages):
# messages submitted over SMTP while mail-submit, mail-relay and
# mail-deliver are killed with SIGKILL at random moments.

load lib

@test "torture: kill -9 during submission and delivery loses no acknowledged message" {
	run "$MAILKIT_SRC/scripts/torture" -n 300 -c 4 -b "$MAILKIT_BIN"
	echo "$output" >&3
	assert_success
	assert_output --regexp 'torture: [0-9]+ acknowledged, [0-9]+ delivered .* 0 lost, 0 incomplete files, 0 stuck'
	# most messages got through in spite of the killing (a client retries
	# once, so a few may stay unacknowledged: those are allowed to be lost)
	acked=$(echo "$output" | sed -n 's/^torture: \([0-9]*\) acknowledged.*/\1/p')
	[ "$acked" -ge 250 ]
	# the killer really killed something
	refute_output --partial ' 0 kills'
}
