#!/usr/bin/env bats
# A full disk during accept, delivery and POP3 UPDATE: temporary errors,
# nothing lost or half-written, and service resumes when space returns.
# Needs root to mount a small tmpfs; skipped with the reason otherwise.

load lib

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	MNT="$BATS_TEST_TMPDIR/small"
	mkdir -p "$MNT"
	mount -t tmpfs -o size=512k tmpfs "$MNT" 2>/dev/null || { MNT=; skip "cannot mount tmpfs here (no CAP_SYS_ADMIN)"; }
	ROOT="$MNT"
	mkdir -p "$ROOT/etc" "$ROOT/mail" "$ROOT/queue"
	echo mx.example.test >"$ROOT/etc/me"
	echo example.test >"$ROOT/etc/domains"
	: >"$ROOT/etc/users"
	export MAILKIT_ROOT="$ROOT"
	add_user bob@example.test secret "mailbox=mbox"
	echo 10 >"$ROOT/etc/authpause"
}

teardown() {
	stop_all
	[ -n "${MNT:-}" ] && umount "$MNT" 2>/dev/null || true
}

fill_disk() { dd if=/dev/zero of="$ROOT/filler" bs=4k 2>/dev/null || true; }
free_disk() { rm -f "$ROOT/filler"; }

@test "diskfull: SMTP accept on a full disk is a 4xx, leaves nothing in the queue, and resumes" {
	printf 'EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: one\r\n\r\nfirst\r\n.\r\nQUIT\r\n' |
		TCPREMOTEIP=127.0.0.1 mail-submit -bs | grep -q '^250 2.0.0'
	fill_disk
	head -c 100000 /dev/urandom | base64 -w 76 | sed 's/$/\r/' >"$BATS_TEST_TMPDIR/body"
	run bash -c 'printf "EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: big\r\n\r\n"; cat "$1"; printf ".\r\nQUIT\r\n"' _ "$BATS_TEST_TMPDIR/body"
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/dialogue"
	run bash -c 'TCPREMOTEIP=127.0.0.1 mail-submit -bs <"$1" 2>/dev/null | tr -d "\r"' _ "$BATS_TEST_TMPDIR/dialogue"
	assert_output --regexp $'\n4[0-9][0-9] 4\\.[0-9]+\\.[0-9]+ '
	refute_output --partial '250 2.0.0 ok: queued'
	[ "$(find "$ROOT/queue/env" -type f ! -name "*.msg" | wc -l)" -eq 1 ]
	[ -z "$(ls -A "$ROOT/queue/tmp")" ]
	free_disk
	run bash -c 'TCPREMOTEIP=127.0.0.1 mail-submit -bs <"$1" 2>/dev/null | tr -d "\r"' _ "$BATS_TEST_TMPDIR/dialogue"
	assert_output --partial '250 2.0.0 ok: queued'
	[ "$(find "$ROOT/queue/env" -type f ! -name "*.msg" | wc -l)" -eq 2 ]
}

@test "diskfull: POP3 UPDATE on a full disk deletes nothing, says [SYS/TEMP], and works once space returns" {
	for i in 1 2 3; do
		printf 'Subject: m%s\n\n%s\n' "$i" "$(head -c 30000 /dev/zero | tr '\0' x)" | mail-deliver bob@example.test
	done
	MB="$ROOT/mail/example.test/bob"
	cp "$MB" "$BATS_TEST_TMPDIR/before"
	fill_disk
	run bash -c 'printf "USER bob@example.test\r\nPASS secret\r\nDELE 1\r\nQUIT\r\n" | TCPREMOTEIP=127.0.0.1 mail-pop3 2>/dev/null | tr -d "\r"'
	assert_output --partial '-ERR [SYS/TEMP]'
	cmp "$MB" "$BATS_TEST_TMPDIR/before"
	# no half-written replacement left behind (bob.pop3lock is the
	# session lock, there by design)
	[ -z "$(ls "$ROOT/mail/example.test" | grep -e tmp -e '\.lock$')" ]
	free_disk
	run bash -c 'printf "USER bob@example.test\r\nPASS secret\r\nDELE 1\r\nQUIT\r\n" | TCPREMOTEIP=127.0.0.1 mail-pop3 2>/dev/null | tr -d "\r"'
	assert_output --partial '+OK'
	refute_output --partial '-ERR'
	[ "$(grep -c '^From ' "$MB")" -eq 2 ]
	! grep -q '^Subject: m1$' "$MB"
}
