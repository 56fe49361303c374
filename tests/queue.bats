#!/usr/bin/env bats
# mail-queue: listing, showing, holding, removing and flushing the queue.

load lib
load admin_lib

T=$'\t'

setup() {
	mk_root
	mkdir -p "$ROOT/queue/tmp"
}

teardown() {
	stop_all
}

# Two messages: A (older, held, three recipients in all states, odd bytes
# in a diagnostic) and B (a bounce from <>).
two_messages() {
	queue_put 0a1 1700000000 alice@example.test held -- \
	    "ok@remote.test${T}done${T}1${T}0${T}2.0.0${T}250 2.0.0 queued as X" \
	    "bad@remote.test${T}failed${T}2${T}0${T}5.1.1${T}550 5.1.1 \"no\" such \\ user" \
	    "slow@remote.test${T}todo${T}3${T}1700003600${T}4.4.1$T$(printf 'conn\001ection refused \xff\xfe')"
	queue_put 0b2 1700000100 '' dsn -- \
	    "alice@example.test${T}todo${T}0${T}0${T}-${T}-"
}

# flock FILE for SECONDS in one process (flock(1) would leave the lock
# with its child when killed).
hold_lock() {
	exec python3 -c 'import fcntl, sys, time
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
time.sleep(float(sys.argv[2]))' "$@"
}

# The listing with the AGE column (4th of message lines) blanked.
list_no_age() {
	mail-queue "$@" list | awk -F'\t' -v OFS='\t' '$1 == "message" { $4 = "AGE" } { print }'
}

@test "list: empty or missing queue prints nothing" {
	run mail-queue list
	assert_success
	assert_output ''
	rm -r "$ROOT/queue"
	run mail-queue list
	assert_success
	assert_output ''
}

@test "list: exact tab-separated output, oldest first" {
	two_messages
	run list_no_age
	assert_success
	assert_output "message${T}0a1${T}$(stat -c %s "$(mess_file 0a1)")${T}AGE${T}1700000000${T}alice@example.test${T}held
rcpt${T}0a1${T}ok@remote.test${T}done${T}1${T}0${T}2.0.0${T}250 2.0.0 queued as X
rcpt${T}0a1${T}bad@remote.test${T}failed${T}2${T}0${T}5.1.1${T}550 5.1.1 \"no\" such \\ user
rcpt${T}0a1${T}slow@remote.test${T}todo${T}3${T}1700003600${T}4.4.1${T}conn?ection refused $(printf '\xff\xfe')
message${T}0b2${T}34${T}AGE${T}1700000100${T}<>${T}dsn
rcpt${T}0b2${T}alice@example.test${T}todo${T}0${T}0${T}-${T}-"
}

@test "list: AGE is now minus arrival" {
	local now=$(date +%s)
	queue_put 0c3 $((now - 3600)) a@example.test - -- \
	    "b@example.test${T}todo${T}0${T}0${T}-${T}-"
	run mail-queue list
	local age
	age=$(echo "$output" | awk -F'\t' '$1 == "message" { print $4 }')
	[ "$age" -ge 3600 ] && [ "$age" -le 3602 ]
}

@test "list -j: one JSON object per line, parsed by python3" {
	two_messages
	run sh -c 'mail-queue -j list | python3 -c "
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 2, lines
a, b = [json.loads(l) for l in lines]
assert a[\"id\"] == \"0a1\" and a[\"held\"] is True and a[\"dsn\"] is False
assert a[\"sender\"] == \"alice@example.test\" and a[\"arrival\"] == 1700000000
assert a[\"size\"] == 34 and a[\"age\"] > 0
r = a[\"recipients\"]
assert [x[\"state\"] for x in r] == [\"done\", \"failed\", \"todo\"]
assert r[1][\"diagnostic\"] == \"550 5.1.1 \\\"no\\\" such \\\\ user\", r[1]
assert r[2][\"diagnostic\"] == \"conn\x01ection refused \ufffd\ufffd\", r[2]
assert r[2][\"attempts\"] == 3 and r[2][\"next\"] == 1700003600
assert b[\"sender\"] == \"\" and b[\"dsn\"] is True and b[\"held\"] is False
assert b[\"recipients\"][0][\"status\"] is None
assert b[\"recipients\"][0][\"diagnostic\"] is None
print(\"fine\")
"'
	assert_success
	assert_output 'fine'
}

@test "show: envelope as stored, an empty line, the message as stored" {
	two_messages
	run mail-queue show 0b2
	assert_success
	{ cat "$(env_file 0b2)"; echo; cat "$(mess_file 0b2)"; } >"$BATS_TEST_TMPDIR/want"
	mail-queue show 0b2 >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	run mail-queue show 0ff
	assert_failure 66
	run mail-queue show ../x
	assert_failure 65
	run mail-queue show
	assert_failure 64
}

@test "hold and release: held record on disk, the rest unchanged" {
	two_messages
	cp "$(env_file 0b2)" "$BATS_TEST_TMPDIR/before"
	run mail-queue hold 0b2
	assert_success
	assert_output ''
	grep -qx "held${T}1" "$(env_file 0b2)"
	diff "$BATS_TEST_TMPDIR/before" <(grep -vx "held${T}1" "$(env_file 0b2)")
	run mail-queue list
	assert_line "message${T}0b2${T}34${T}$(echo "$output" | awk -F'\t' '$2 == "0b2" && $1 == "message" { print $4 }')${T}1700000100${T}<>${T}held,dsn"
	# holding twice is harmless
	run mail-queue hold 0b2
	assert_success
	run mail-queue release 0b2 0a1
	assert_success
	cmp "$BATS_TEST_TMPDIR/before" "$(env_file 0b2)"
	! grep -q '^held' "$(env_file 0a1)"
	[ -f "$(mess_file 0a1)" ]
}

@test "hold: several IDs, an unknown one gives 66 and the others are held" {
	two_messages
	run mail-queue release 0a1 0ff 0b2
	assert_failure 66
	assert_output 'mail-queue: 0ff: no such message'
	! grep -q '^held' "$(env_file 0a1)"
	run mail-queue hold 0a1 xyz
	assert_failure 65
	assert_output 'mail-queue: xyz: bad queue ID'
	grep -q '^held' "$(env_file 0a1)"
}

@test "rm: envelope and message gone, others kept; again is 66" {
	two_messages
	run mail-queue rm 0a1
	assert_success
	assert_output ''
	[ ! -e "$(env_file 0a1)" ]
	[ ! -e "$(mess_file 0a1)" ]
	[ -f "$(env_file 0b2)" ] && [ -f "$(mess_file 0b2)" ]
	run mail-queue rm 0a1
	assert_failure 66
	run mail-queue rm 'a/b'
	assert_failure 65
	run mail-queue rm
	assert_failure 64
	run mail-queue list
	assert_line --index 0 --partial "message${T}0b2${T}"
}

@test "rm: an envelope whose message file is gone is removed" {
	two_messages
	rm "$(mess_file 0b2)"
	run mail-queue rm 0b2
	assert_success
	[ ! -e "$(env_file 0b2)" ]
}

@test "busy: a message locked by a runner is not removed or held (75)" {
	two_messages
	start_bg holder hold_lock "$(mess_file 0a1)" 30
	local i
	for i in $(seq 1 50); do
		flock -n "$(mess_file 0a1)" true || break
		sleep 0.05
	done
	run mail-queue -w 0 rm 0a1
	assert_failure 75
	assert_output 'mail-queue: 0a1: busy (being delivered), try again'
	[ -f "$(env_file 0a1)" ] && [ -f "$(mess_file 0a1)" ]
	run mail-queue -w 0 hold 0b2 0a1
	assert_failure 75
	grep -q '^held' "$(env_file 0b2)"
	# the lock is released after a moment: rm waits for it
	stop_all
	start_bg holder hold_lock "$(mess_file 0a1)" 1
	sleep 0.2
	run mail-queue -w 5 rm 0a1
	assert_success
	[ ! -e "$(env_file 0a1)" ]
}

@test "flush: wakes the runner through the trigger FIFO, makes todo due" {
	two_messages
	mkfifo "$ROOT/queue/trigger"
	start_bg reader sh -c "timeout 5 head -c 1 '$ROOT/queue/trigger' >'$BATS_TEST_TMPDIR/woke'"
	sleep 0.2
	local t0
	t0=$(date +%s)
	run mail-queue flush
	assert_success
	assert_output ''
	local i
	for i in $(seq 1 50); do
		[ -s "$BATS_TEST_TMPDIR/woke" ] && break
		sleep 0.1
	done
	run cat "$BATS_TEST_TMPDIR/woke"
	assert_output '!'
	local next
	next=$(awk -F'\t' '$2 == "slow@remote.test" { print $5 }' "$(env_file 0a1)")
	[ "$next" -ge "$t0" ] && [ "$next" -le $((t0 + 2)) ]
	grep -qx "rcpt${T}ok@remote.test${T}done${T}1${T}0${T}2.0.0${T}250 2.0.0 queued as X" "$(env_file 0a1)"
	# the held message stays held
	grep -q '^held' "$(env_file 0a1)"
}

@test "flush: without a runner it neither blocks nor fails" {
	two_messages
	mkfifo "$ROOT/queue/trigger"
	run timeout 5 mail-queue flush
	assert_success
	rm "$ROOT/queue/trigger"
	run timeout 5 mail-queue flush
	assert_success
}

@test "list: an unreadable envelope is reported and left out" {
	two_messages
	printf 'garbage\n' >"$(env_file 0a1)"
	run mail-queue list
	assert_success
	assert_line 'mail-queue: 1 envelope unreadable, left out'
	assert_line --partial "message${T}0b2${T}"
	refute_line --partial "0a1"
}

@test "sendmail -bp prints the same as mail-queue list" {
	[ -x "$MAILKIT_BIN/mail-submit" ] || skip "mail-submit not built"
	two_messages
	mail-queue list >"$BATS_TEST_TMPDIR/a"
	mail-submit -bp >"$BATS_TEST_TMPDIR/b"
	same_listing "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	# and so does mail-submit called as mailq (make install's link)
	ln -s "$MAILKIT_BIN/mail-submit" "$BATS_TEST_TMPDIR/mailq"
	"$BATS_TEST_TMPDIR/mailq" -r "$ROOT" >"$BATS_TEST_TMPDIR/c"
	same_listing "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
}

@test "mail-relay leaves a held message alone until it is released" {
	[ -x "$MAILKIT_BIN/mail-relay" ] || skip "mail-relay not built"
	add_user bob@example.test pw
	queue_put 0d4 "$(date +%s)" alice@example.test held -- \
	    "bob@example.test${T}todo${T}0${T}0${T}-${T}-"
	run timeout 20 mail-relay -r "$ROOT" -1 -b "$MAILKIT_BIN"
	assert_success
	[ -f "$(env_file 0d4)" ]
	[ ! -e "$ROOT/mail/example.test/bob" ] ||
	    [ -z "$(ls "$ROOT/mail/example.test/bob/new")" ]
	mail-queue release 0d4
	run timeout 20 mail-relay -r "$ROOT" -1 -b "$MAILKIT_BIN"
	assert_success
	[ ! -e "$(env_file 0d4)" ]
	[ "$(ls "$ROOT/mail/example.test/bob/new" | wc -l)" = 1 ]
}

@test "usage, -h, -V" {
	run mail-queue
	assert_failure 64
	run mail-queue frob
	assert_failure 64
	run mail-queue flush now
	assert_failure 64
	run mail-queue -w x list
	assert_failure 64
	run mail-queue -V
	assert_success
	assert_output --partial 'mail-queue mailkit'
}
