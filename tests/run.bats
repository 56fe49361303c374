#!/usr/bin/env bats
# make run (scripts/mailkit-run): the whole system on loopback, started,
# used with real clients, stopped with SIGTERM, started again on the same
# root with the same mail.

load lib

setup() {
	RUNROOT="$BATS_TEST_TMPDIR/run"
	BASE=$(( (RANDOM % 150) * 100 + 30000 ))
	export MAILKIT_RUN_ROOT="$RUNROOT" MAILKIT_PORT_BASE="$BASE"
}

teardown() {
	[ -f "$BATS_TEST_TMPDIR/run.pid" ] && kill "$(cat "$BATS_TEST_TMPDIR/run.pid")" 2>/dev/null || true
	sleep 0.3
}

start_run() {
	"$MAILKIT_SRC/scripts/mailkit-run" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/run.pid"
	for i in $(seq 1 300); do
		grep -q 'mailkit is running' "$BATS_TEST_TMPDIR/out" && return 0
		kill -0 "$(cat "$BATS_TEST_TMPDIR/run.pid")" 2>/dev/null || break
		sleep 0.2
	done
	cat "$BATS_TEST_TMPDIR/out"
	return 1
}

stop_run() {
	kill -TERM "$(cat "$BATS_TEST_TMPDIR/run.pid")"
	for i in $(seq 1 50); do
		kill -0 "$(cat "$BATS_TEST_TMPDIR/run.pid")" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/run.pid")" 2>/dev/null
	rm -f "$BATS_TEST_TMPDIR/run.pid"
	# nothing left listening on our ports
	! python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' $((BASE + 587)) 2>/dev/null
}

@test "run: starts everything, mail goes round, SIGTERM stops it, a second start keeps root and mail" {
	start_run
	grep -q "127.0.0.1:$((BASE + 587))" "$BATS_TEST_TMPDIR/out"
	read -r AL APW < <(sed -n 1p "$RUNROOT/passwords")
	read -r BO BPW < <(sed -n 2p "$RUNROOT/passwords")
	[ "$AL" = alice@example.test ] && [ "$BO" = bob@example.test ]
	grep -q "password $APW" "$BATS_TEST_TMPDIR/out"
	# the stored password is a hash, not the password
	! grep -q "$APW" "$RUNROOT/etc/users"
	printf 'From: %s\r\nTo: %s\r\nSubject: run test\r\n\r\nhello\r\n' "$AL" "$BO" |
		curl -sk --ssl-reqd "smtp://127.0.0.1:$((BASE + 587))" --user "$AL:$APW" \
		    --mail-from "$AL" --mail-rcpt "$BO" -T -
	for i in $(seq 1 100); do
		[ -n "$(find "$RUNROOT/mail/example.test/bob/new" -type f 2>/dev/null)" ] && break
		sleep 0.1
	done
	run curl -sk "pop3s://127.0.0.1:$((BASE + 995))/1" --user "$BO:$BPW"
	assert_success
	assert_output --partial 'Subject: run test'
	stop_run
	# second start: same root, same accounts, same mail
	cp "$RUNROOT/passwords" "$BATS_TEST_TMPDIR/pw1"
	start_run
	! grep -q 'creating a new installation root' "$BATS_TEST_TMPDIR/out"
	cmp "$RUNROOT/passwords" "$BATS_TEST_TMPDIR/pw1"
	run curl -sk "pop3://127.0.0.1:$((BASE + 110))/" --user "$BO:$BPW"
	assert_success
	assert_output --regexp '^1 [0-9]+'
	stop_run
}
