#!/usr/bin/env bats
# Privilege separation: started as root with -u USER, the network-facing
# programs run every session as that user; checked on the live process.

load lib

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop privileges"
	mk_root
	add_user bob@example.test secret
	local d=$BATS_TEST_TMPDIR
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	mkdir -p "$ROOT/queue" "$ROOT/mail/example.test"
	chmod -R a+rX "$ROOT"
	chown -R nobody "$ROOT/queue" "$ROOT/mail"
	PORT=$(free_port)
}

teardown() {
	stop_all
}

# The uid of the session process that serves our held connection. The
# process is found by the TCPREMOTEPORT tcpserver gave it, so neither the
# probe connection of wait_port nor a session still starting is measured.
session_uid() {
	local prog=$1 port pid
	for i in $(seq 1 100); do
		port=$(cat "$BATS_TEST_TMPDIR/hold.port" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || return 1
	for pid in $(pgrep -f "^$MAILKIT_BIN/$prog -r $ROOT"); do
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
		    grep -qx "TCPREMOTEPORT=$port" || continue
		awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status"
		return
	done
	return 1
}

hold_session() {	# connect, read the greeting, keep the session open for 3 s
	python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.recv(512)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(3)
' "$PORT" "$BATS_TEST_TMPDIR/hold.port" &
	HOLD=$!
}

@test "privsep: mail-submit -u nobody serves each session as nobody and still queues" {
	start_bg smtpd tcpserver -q -R -H -l 0 127.0.0.1 "$PORT" "$MAILKIT_BIN/mail-submit" -r "$ROOT" -u nobody -bs
	wait_port "$PORT"
	hold_session
	run session_uid mail-submit
	assert_success
	assert_output "65534 65534 65534 65534"
	wait "$HOLD"
	python3 -c '
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.sendmail("a@remote.test", ["bob@example.test"], b"Subject: p\r\n\r\nx\r\n")
s.quit()' "$PORT"
	f=$(find "$ROOT/queue/env" -type f ! -name "*.msg")
	[ -n "$f" ]
	[ "$(stat -c %u "$f")" -eq 65534 ]
}

@test "privsep: mail-pop3 -u nobody serves each session as nobody" {
	start_bg pop3d tcpserver -q -R -H -l 0 127.0.0.1 "$PORT" "$MAILKIT_BIN/mail-pop3" -r "$ROOT" -u nobody
	wait_port "$PORT"
	hold_session
	run session_uid mail-pop3
	assert_success
	assert_output "65534 65534 65534 65534"
	wait "$HOLD"
}

@test "privsep: -u with an unknown user refuses to run, as root never goes on" {
	run "$MAILKIT_BIN/mail-submit" -r "$ROOT" -u no-such-user-xyz -bs </dev/null
	assert_failure
	refute_output --partial '220 '
	run "$MAILKIT_BIN/mail-pop3" -r "$ROOT" -u no-such-user-xyz </dev/null
	assert_failure
	refute_output --partial '+OK'
}

@test "privsep: the README deployment: root owned by the mail user, accounts added by root, mail flows as that user" {
	# a root made as README.md's "Deploying on a real host" says, with
	# nobody as the mail user; nothing here is made world-readable
	R=$BATS_TEST_TMPDIR/deploy
	mkdir -p "$R/etc/tls" "$R/mail" "$R/queue"
	echo mx.example.test >"$R/etc/me"
	echo example.test >"$R/etc/domains"
	chown -R nobody:nogroup "$R"
	chmod 750 "$R"
	echo 'pw-of-carol' | mail-user -r "$R" add carol@example.test
	# etc/users made by root belongs to the mail user and only it
	[ "$(stat -c '%U %a' "$R/etc/users")" = "nobody 640" ]
	[ "$(stat -c %U "$R/mail/example.test/carol")" = nobody ]
	# SMTP as nobody
	run mail-submit -r "$R" -u nobody -bs < <(printf 'EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\nSubject: deployed\r\n\r\nhello carol\r\n.\r\nQUIT\r\n')
	assert_line --partial "250 2.0.0"
	refute_line --partial "451"
	# the runner delivers as nobody
	run mail-relay -r "$R" -u nobody -1 -b "$MAILKIT_BIN"
	assert_success
	f=$(find "$R/mail/example.test/carol/new" -type f)
	[ -n "$f" ] && [ "$(stat -c %U "$f")" = nobody ]
	grep -q '^hello carol' "$f"
	# POP3 as nobody
	run mail-pop3 -r "$R" -u nobody < <(printf 'USER carol@example.test\r\nPASS pw-of-carol\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n')
	assert_line --regexp '^\+OK 1 [0-9]+'
	assert_line --partial 'hello carol'
	[ -z "$(find "$R/mail/example.test/carol/new" "$R/mail/example.test/carol/cur" -type f)" ]
}
