#!/usr/bin/env bats
# Crash torture at a small size (make torture runs 10,000 messages):
# messages submitted over SMTP while mail-submit, mail-relay and
# mail-deliver are killed with SIGKILL at random moments.

load lib

@test "torture: kill -9 during submission and delivery loses no acknowledged message" {
	run "$MAILKIT_SRC/scripts/torture" -n 300 -c 4 -b "$MAILKIT_BIN"
	echo "$output" >&3
	assert_success
	assert_output --regexp 'torture: 300 acknowledged, 300 delivered .* 0 lost, 0 incomplete files, 0 stuck'
	# the killer really killed something
	refute_output --partial ' 0 kills'
}
