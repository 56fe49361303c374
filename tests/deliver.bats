#!/usr/bin/env bats
# mail-deliver: local delivery into Maildir and mbox, as a user runs it.

load lib

setup() {
	mk_root
	add_user alice@example.test pw
	add_user bob@example.test pw "mailbox=mbox"
	MD="$ROOT/mail/example.test/alice"
	MB="$ROOT/mail/example.test/bob"
	printf 'From: Carol <carol@remote.test>\r\nTo: alice@example.test\r\nSubject: hello\r\n\r\nFrom the start\r\n>From quoted\r\nbye\r\n' >"$BATS_TEST_TMPDIR/msg"
}

teardown() {
	stop_all
	if [ -n "${MNT:-}" ]; then umount "$MNT" 2>/dev/null || true; fi
}

# The one file in Maildir new/ (fails when there is not exactly one).
one_new() {
	local n
	n=$(ls "$MD/new" | wc -l)
	[ "$n" -eq 1 ] || { echo "expected one message in new/, found $n" >&2; return 1; }
	echo "$MD/new/$(ls "$MD/new")"
}

@test "deliver: Maildir gets the exact bytes, LF endings, Return-Path and Delivered-To first" {
	run mail-deliver -f carol@remote.test alice@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	f=$(one_new)
	printf 'Return-Path: <carol@remote.test>\nDelivered-To: alice@example.test\nFrom: Carol <carol@remote.test>\nTo: alice@example.test\nSubject: hello\n\nFrom the start\n>From quoted\nbye\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$f" "$BATS_TEST_TMPDIR/want"
	# the ,S= size is the file size, and nothing is left in tmp/
	size=$(stat -c %s "$f")
	[[ "$f" == *",S=$size" ]]
	[ -z "$(ls -A "$MD/tmp")" ]
	[ -d "$MD/cur" ]
}

@test "deliver: mbox gets a From line, mboxrd quoting, X-UIDL and a closing empty line" {
	run mail-deliver -f carol@remote.test bob@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	[ -f "$MB" ]
	head -1 "$MB" | grep -Eq '^From carol@remote\.test [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$'
	sed -n '2,4p' "$MB" >"$BATS_TEST_TMPDIR/hdrs"
	run cat "$BATS_TEST_TMPDIR/hdrs"
	assert_line --index 0 'Return-Path: <carol@remote.test>'
	assert_line --index 1 'Delivered-To: bob@example.test'
	assert_line --regexp '^X-UIDL: [0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.'
	grep -qx '>From the start' "$MB"
	grep -qx '>>From quoted' "$MB"
	# the message ends with "bye\n\n"
	[ "$(tail -c 5 "$MB" | od -An -c | tr -d ' ')" = 'bye\n\n' ]
	# a second message appends after it, the first untouched
	cp "$MB" "$BATS_TEST_TMPDIR/first"
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	cmp -n "$(stat -c %s "$BATS_TEST_TMPDIR/first")" "$MB" "$BATS_TEST_TMPDIR/first"
	[ "$(grep -c '^From ' "$MB")" -eq 2 ]
	grep -q '^From MAILER-DAEMON ' "$MB"
}

@test "deliver: unknown address exits 67 with 5.1.1 and creates nothing" {
	run mail-deliver nobody@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	assert_output --partial 'mail-deliver: nobody@example.test: 5.1.1 no such mailbox here'
	[ ! -e "$ROOT/mail/example.test/nobody" ]
}

@test "deliver: several addresses: each is reported, exit code is the worst" {
	run mail-deliver alice@example.test nobody@example.test bob@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	assert_output --partial 'nobody@example.test: 5.1.1'
	refute_output --partial 'mail-deliver: alice@example.test:'
	one_new >/dev/null
	[ "$(grep -c '^From ' "$MB")" -eq 1 ]
}

@test "deliver: aliases by full address and by local part reach local accounts" {
	printf 'team@example.test: alice@example.test, bob@example.test\npostmaster: alice@example.test\n' >"$ROOT/etc/aliases"
	run mail-deliver team@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	one_new >/dev/null
	grep -q '^Delivered-To: bob@example.test$' "$MB"
	run mail-deliver POSTMASTER@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	[ "$(ls "$MD/new" | wc -l)" -eq 2 ]
}

@test "deliver: an alias loop is refused, not followed forever" {
	printf 'a@example.test: b@example.test\nb@example.test: a@example.test\n' >"$ROOT/etc/aliases"
	run mail-deliver a@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 65 ]
	assert_output --partial '5.4.6'
}

@test "deliver: Delivered-To already present for the address is a loop (65, 5.4.6), mailbox unchanged" {
	printf 'Delivered-To: Alice@Example.test\nSubject: x\n\nbody\n' >"$BATS_TEST_TMPDIR/loop"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/loop"
	[ "$status" -eq 65 ]
	assert_output --partial '5.4.6 mail loop'
	[ -z "$(ls -A "$MD/new" 2>/dev/null)" ]
	# another address is not a loop
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/loop"
	assert_success
}

@test "deliver: too many Received: fields is a loop" {
	for i in $(seq 1 101); do echo "Received: from hop$i by x; Mon, 1 Jan 2024 00:00:00 +0000"; done >"$BATS_TEST_TMPDIR/hops"
	printf 'Subject: x\n\nbody\n' >>"$BATS_TEST_TMPDIR/hops"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/hops"
	[ "$status" -eq 65 ]
	assert_output --partial 'too many Received'
}

@test "deliver: NUL bytes are refused (65, 5.6.0), nothing written" {
	printf 'Subject: x\n\nnul\0here\n' | {
		run mail-deliver alice@example.test bob@example.test
		[ "$status" -eq 65 ]
		assert_output --partial '5.6.0 message contains NUL bytes'
	}
	[ -z "$(ls -A "$MD/new" 2>/dev/null)" ]
	[ ! -s "$MB" ]
}

@test "deliver: an empty message is refused (65), a message without body separator is delivered" {
	run mail-deliver alice@example.test </dev/null
	[ "$status" -eq 65 ]
	assert_output --partial '5.6.0 empty message'
	printf 'Subject: only headers' >"$BATS_TEST_TMPDIR/nosep"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/nosep"
	assert_success
	f=$(one_new)
	[ "$(tail -1 "$f")" = 'Subject: only headers' ]
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
}

@test "deliver: bare CR is kept as it is, CRLF becomes LF" {
	printf 'Subject: x\r\n\r\na\rb\r\n' >"$BATS_TEST_TMPDIR/cr"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/cr"
	assert_success
	f=$(one_new)
	[ "$(tail -c 4 "$f" | od -An -c | tr -d ' ')" = 'a\rb\n' ]
}

@test "deliver: a 1 MiB single line arrives intact, through a pipe" {
	python3 -c 'import sys; sys.stdout.write("Subject: long\n\n" + "x"*1048576 + "\n")' >"$BATS_TEST_TMPDIR/long"
	cat "$BATS_TEST_TMPDIR/long" | mail-deliver alice@example.test
	f=$(one_new)
	tail -n +3 "$f" | cmp - "$BATS_TEST_TMPDIR/long"
}

@test "deliver: addresses that could escape the mail directory are refused" {
	# such accounts might even be listed: the path check still holds
	add_user 'a/b@example.test' pw
	add_user '.hidden@example.test' pw
	run mail-deliver 'a/b@example.test' <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	assert_output --partial '5.1.3'
	run mail-deliver '.hidden@example.test' <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	run mail-deliver '../../etc@example.test' <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	run mail-deliver 'a..b@example.test' <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	assert_output --partial '5.1.3 bad address syntax'
	run mail-deliver '"../x"@example.test' <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 67 ]
	[ -z "$(find "$ROOT" -name 'b' -o -name '.hidden' -o -name 'x' | grep -v '^$')" ]
	[ ! -e "$ROOT/etc/mail" ]
}

@test "deliver: a mailbox that is a symlink is not followed (75, 4.3.0)" {
	mkdir -p "$ROOT/mail/example.test" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$MD"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	assert_output --partial '4.3.0 mailbox or its directory is a symbolic link'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	# an mbox symlink too
	touch "$BATS_TEST_TMPDIR/other"
	ln -s "$BATS_TEST_TMPDIR/other" "$MB"
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	[ ! -s "$BATS_TEST_TMPDIR/other" ]
}

@test "deliver: a locked mbox (fcntl or dot-lock) waits, then 75 with 4.2.0, mbox unchanged" {
	echo 1 >"$ROOT/etc/locktimeout"
	mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	cp "$MB" "$BATS_TEST_TMPDIR/before"
	python3 - "$MB" "$BATS_TEST_TMPDIR/locked" <<'PY' &
import fcntl, sys, time, os
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(4)
PY
	echo $! >"$BATS_TEST_TMPDIR/locker.pid"
	for i in $(seq 1 50); do [ -e "$BATS_TEST_TMPDIR/locked" ] && break; sleep 0.1; done
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	assert_output --partial '4.2.0 mailbox is locked'
	cmp "$MB" "$BATS_TEST_TMPDIR/before"
	[ ! -e "$MB.lock" ]
	stop_all
	# a fresh dot-lock held by a live process
	sleep 30 &
	echo $! >"$BATS_TEST_TMPDIR/sleeper.pid"
	echo "$! 0" >"$MB.lock"
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	cmp "$MB" "$BATS_TEST_TMPDIR/before"
	[ -e "$MB.lock" ]
}

@test "deliver: kill -9 in the middle of an mbox append: the next delivery cuts the partial message off" {
	mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	cp "$MB" "$BATS_TEST_TMPDIR/before"
	size=$(stat -c %s "$MB")
	# a writer that died holding the dot-lock after writing half a message
	( sleep 60 ) & dead=$!; kill -9 $dead; wait $dead 2>/dev/null || true
	echo "$dead $size" >"$MB.lock"
	printf 'From x@y Mon Jan  1 00:00:00 2024\nSubject: half' >>"$MB"
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	cmp -n "$size" "$MB" "$BATS_TEST_TMPDIR/before"
	! grep -q 'Subject: half' "$MB"
	[ "$(grep -c '^From ' "$MB")" -eq 2 ]
	[ ! -e "$MB.lock" ]
}

@test "deliver: kill -9 while a Maildir message is written leaves nothing in new/" {
	mkfifo "$BATS_TEST_TMPDIR/slow"
	( printf 'Subject: slow\n\n'; sleep 30 ) >"$BATS_TEST_TMPDIR/slow" &
	echo $! >"$BATS_TEST_TMPDIR/writer.pid"
	mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/slow" &
	pid=$!
	sleep 0.5
	kill -9 $pid
	wait $pid 2>/dev/null || true
	[ -z "$(ls -A "$MD/new" 2>/dev/null)" ]
}

@test "deliver: quota in bytes and messages: permanent 5.2.2 (69) or temporary 4.2.2 (75)" {
	add_user q1@example.test pw "quota=400"
	add_user q2@example.test pw "quota=400 quota_tempfail=yes"
	add_user q3@example.test pw "mailbox=mbox quota_messages=2"
	run mail-deliver q1@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	run mail-deliver q1@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	run mail-deliver q1@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 69 ]
	assert_output --partial '5.2.2 mailbox full'
	[ "$(ls "$ROOT/mail/example.test/q1/new" | wc -l)" -eq 2 ]
	mail-deliver q2@example.test <"$BATS_TEST_TMPDIR/msg"
	mail-deliver q2@example.test <"$BATS_TEST_TMPDIR/msg"
	run mail-deliver q2@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	assert_output --partial '4.2.2 mailbox full'
	mail-deliver q3@example.test <"$BATS_TEST_TMPDIR/msg"
	mail-deliver q3@example.test <"$BATS_TEST_TMPDIR/msg"
	run mail-deliver q3@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 69 ]
	[ "$(grep -c '^From ' "$ROOT/mail/example.test/q3")" -eq 2 ]
}

@test "deliver: a read-only mailbox gives 75 and leaves nothing behind" {
	mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/msg"
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv missing: cannot test permissions as root"
		d=$BATS_TEST_TMPDIR
		while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
		chmod -R a+rX "$ROOT" "$BATS_TEST_TMPDIR"
		chmod 0555 "$MD/tmp"
		chown -R 65534:65534 "$ROOT/mail"
		run setpriv --reuid=65534 --regid=65534 --clear-groups env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-deliver" alice@example.test <"$BATS_TEST_TMPDIR/msg"
	else
		chmod 0555 "$MD/tmp"
		run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/msg"
	fi
	[ "$status" -eq 75 ]
	assert_output --partial '4.3.0 cannot write mailbox'
	[ "$(ls "$MD/new" | wc -l)" -eq 1 ]
	[ -z "$(ls -A "$MD/tmp")" ]
	chmod 0755 "$MD/tmp"
}

@test "deliver: a read-only mbox gives 75 with 4.3.0, the mbox unchanged byte for byte" {
	mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	chmod 0444 "$MB"
	cp -p "$MB" "$BATS_TEST_TMPDIR/before"
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv missing: cannot test permissions as root"
		d=$BATS_TEST_TMPDIR
		while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
		chmod -R a+rX "$ROOT" "$BATS_TEST_TMPDIR"
		chown -R 65534:65534 "$ROOT/mail"
		run setpriv --reuid=65534 --regid=65534 --clear-groups env MAILKIT_ROOT="$ROOT" "$MAILKIT_BIN/mail-deliver" bob@example.test <"$BATS_TEST_TMPDIR/msg"
	else
		run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	fi
	[ "$status" -eq 75 ]
	assert_output --regexp '4\.[0-9]+\.[0-9]+ '
	assert_output --partial '4.3.0 cannot write mailbox'
	cmp "$MB" "$BATS_TEST_TMPDIR/before"
	[ "$(stat -c '%a %s %Y' "$MB")" = "$(stat -c '%a %s %Y' "$BATS_TEST_TMPDIR/before")" ]
	# no lock or temporary file left beside it
	[ "$(ls -A "$(dirname "$MB")")" = "$(basename "$MB")" ]
}

@test "deliver: a full disk gives 75 with 4.3.1, Maildir and mbox left as they were" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	MNT="$BATS_TEST_TMPDIR/small"
	mkdir -p "$MNT"
	mount -t tmpfs -o size=256k tmpfs "$MNT" 2>/dev/null || { MNT=; skip "cannot mount tmpfs here (no CAP_SYS_ADMIN)"; }
	mkdir -p "$MNT/etc" "$MNT/tmp"
	cp "$ROOT/etc/"* "$MNT/etc/"
	export MAILKIT_ROOT="$MNT"
	mail-deliver alice@example.test bob@example.test <"$BATS_TEST_TMPDIR/msg"
	cp "$MNT/mail/example.test/bob" "$BATS_TEST_TMPDIR/before"
	head -c 400000 /dev/urandom | base64 >"$BATS_TEST_TMPDIR/big"
	run mail-deliver alice@example.test <"$BATS_TEST_TMPDIR/big"
	[ "$status" -eq 75 ]
	assert_output --partial '4.3.1 mail system full'
	[ "$(ls "$MNT/mail/example.test/alice/new" | wc -l)" -eq 1 ]
	[ -z "$(ls -A "$MNT/mail/example.test/alice/tmp")" ]
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/big"
	[ "$status" -eq 75 ]
	cmp "$MNT/mail/example.test/bob" "$BATS_TEST_TMPDIR/before"
	# service resumes when space returns
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
}

@test "deliver: memory stays flat on a 64 MiB message" {
	size=$((64 * 1024 * 1024))
	line=$(printf '%0998d' 0 | tr 0 a)
	# header (14 bytes), 998-byte lines cut to fit, a final newline
	{ printf 'Subject: big\n\n'; yes "$line" | head -c $((size - 15)); echo; } >"$BATS_TEST_TMPDIR/big"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/big")" -eq "$size" ]
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" mail-deliver alice@example.test bob@example.test <"$BATS_TEST_TMPDIR/big"
	rss=$(tail -1 "$BATS_TEST_TMPDIR/rss")
	echo "peak RSS ${rss} KiB" >&3
	f=$(one_new)
	[ "$(stat -c %s "$f")" -gt "$size" ]
	[ "$(stat -c %s "$MB")" -gt "$size" ]
	[ "$(tail -n 1 "$f")" = "$(printf '%025d' 0 | tr 0 a)" ]
	if [ "${SANITIZE:-0}" != 1 ]; then [ "$rss" -lt 8192 ]; fi
}

@test "deliver: usage errors and -V" {
	run mail-deliver
	[ "$status" -eq 64 ]
	assert_output --partial 'usage: mail-deliver'
	run mail-deliver -V
	assert_success
	assert_output --partial 'mailkit'
	run mail-deliver -f $'bad\naddr@x' alice@example.test </dev/null
	[ "$status" -eq 64 ]
}

@test "deliver: -u USER drops root before reading; files belong to that user" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to change user"
	d=$BATS_TEST_TMPDIR
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	mkdir -p "$ROOT/tmp"
	chmod -R a+rX "$ROOT"
	chown -R 65534:65534 "$ROOT/mail" "$ROOT/tmp"
	run mail-deliver -u nobody alice@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	f=$(one_new)
	[ "$(stat -c %u "$f")" -eq 65534 ]
	run mail-deliver -u no-such-user-here alice@example.test <"$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 75 ]
	assert_output --partial 'cannot become user no-such-user-here'
}

@test "deliver: an mbox replaced (POP3 UPDATE rename) while we wait for the lock gets the message, not the old file" {
	mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	echo 10 >"$ROOT/etc/locktimeout"
	python3 - "$MB" "$BATS_TEST_TMPDIR" <<'PY' &
import fcntl, os, sys, time
path, d = sys.argv[1], sys.argv[2]
f = open(path, "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(d + "/locked", "w").close()
time.sleep(1.0)                      # mail-deliver is now waiting on the old file
new = path + ".pop3tmp"
open(new, "w").write("From kept@x Mon Jan  1 00:00:00 2024\nSubject: kept\n\nkept\n\n")
os.rename(new, path)
f.close()                            # releases the lock on the old, unlinked file
PY
	echo $! >"$BATS_TEST_TMPDIR/replacer.pid"
	for i in $(seq 1 50); do [ -e "$BATS_TEST_TMPDIR/locked" ] && break; sleep 0.1; done
	run mail-deliver bob@example.test <"$BATS_TEST_TMPDIR/msg"
	assert_success
	wait "$(cat "$BATS_TEST_TMPDIR/replacer.pid")" || true
	grep -q '^Subject: kept$' "$MB"
	grep -q '^Subject: hello$' "$MB"
	[ "$(grep -c '^From ' "$MB")" -eq 2 ]
}
