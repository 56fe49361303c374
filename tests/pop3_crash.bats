#!/usr/bin/env bats
# mail-pop3: the Maildir UPDATE survives a crash at any point (kill -9
# through the test-only MAILKIT_TEST_CRASH hook), and the UPDATE journal
# is distrusted like any input.

load lib
load pop3_lib

setup() {
	pop3_root
	BOX="$ROOT/mail/example.test/alice"
	SNAP="$BATS_TEST_TMPDIR/snap"
	for i in 1 2 3 4; do
		msg "$i" >"$BATS_TEST_TMPDIR/m$i"
		deliver alice@example.test "$BATS_TEST_TMPDIR/m$i"
	done
	# a first session moves new/ to cur/: the names are final from here
	pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nQUIT\r' >/dev/null
	cp -a "$BOX/cur" "$SNAP"
	# message N (in the server's order) is "test N"
	for i in 1 2 3 4; do
		grep -qx "Subject: test $i" "$SNAP/$(name "$i")"
	done
}

teardown() {
	stop_all
	if [ -n "${U_ROOT:-}" ]; then
		rm -rf "$U_ROOT"
	fi
}

# the file name of message N as the session numbers them
name() {
	ls "$SNAP" | sort -V | sed -n "${1}p"
}

# a session that deletes messages $@ and is told to crash at $CRASH
crash_session() {
	local cmds=$'USER alice@example.test\r\nPASS secret\r\n' n
	for n in "$@"; do
		cmds+="DELE $n"$'\r\n'
	done
	cmds+=$'QUIT\r\n'
	run env MAILKIT_TEST_CRASH="$CRASH" mail-pop3 -r "$ROOT" \
	    <<<"$cmds" 2>>"$BATS_TEST_TMPDIR/pop3.log"
	assert_failure 137
	# killed before the answer to QUIT: the client was told nothing
	refute_output --partial "deleted,"
}

# the files of cur/ are exactly the snapshot's files for messages $@
cur_is() {
	local want="" n
	for n in "$@"; do
		want+="$(name "$n")"$'\n'
	done
	assert_equal "$(find "$BOX/cur" -maxdepth 1 -type f -printf '%f\n' |
	    sort -V)" "${want%$'\n'}"
	for n in "$@"; do
		cmp "$SNAP/$(name "$n")" "$BOX/cur/$(name "$n")"
	done
}

@test "crash: after the journal, the next session completes the QUIT; poplib sees the kept messages byte for byte" {
	CRASH=pop3-update-after-journal crash_session 1 3
	# decided, not yet done: every file is there, and the journal
	cur_is 1 2 3 4
	printf 'mailkit-pop3-update 1\ncur/%s\ncur/%s\n.\n' "$(name 1)" \
	    "$(name 3)" >"$BATS_TEST_TMPDIR/journal"
	cmp "$BATS_TEST_TMPDIR/journal" "$BOX/mailkit-pop3-update"
	start_pop3
	run python3 -c '
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.user("alice@example.test"); p.pass_("secret")
print(p.stat())
for i, name in enumerate(sys.argv[2:], 1):
    _, lines, _ = p.retr(i)
    with open(name, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
p.quit()
' "$PORT" "$BATS_TEST_TMPDIR/got1" "$BATS_TEST_TMPDIR/got2"
	assert_success
	assert_output --regexp '^\(2, [0-9]+\)$'
	cmp "$SNAP/$(name 2)" "$BATS_TEST_TMPDIR/got1"
	cmp "$SNAP/$(name 4)" "$BATS_TEST_TMPDIR/got2"
	cur_is 2 4
	[ ! -e "$BOX/mailkit-pop3-update" ]
	grep -q 'event=update-journal user=alice@example.test result=replayed replayed=2 rejected=0$' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "crash: in the middle of the unlinks, the next login removes the rest before listing" {
	CRASH=pop3-update-mid-unlink crash_session 1 2 3
	# one file gone, the others still there: half an update on disk...
	cur_is 2 3 4
	[ -f "$BOX/mailkit-pop3-update" ]
	# ...that no client ever sees
	run pop3_drive <<-EOF
	> USER alice@example.test
	> PASS secret
	> LIST
	> QUIT
	EOF
	assert_line --index 2 "+OK 1 messages"
	assert_line --index 4 "1 $(stat -c %s "$SNAP/$(name 4)")"
	assert_line --index 5 "."
	cur_is 4
	[ ! -e "$BOX/mailkit-pop3-update" ]
	grep -q 'result=replayed replayed=3 rejected=0$' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "crash: while the journal is written, the mailbox stays as it was" {
	CRASH=pop3-update-mid-journal crash_session 1 2
	cur_is 1 2 3 4
	[ -f "$BOX/mailkit-pop3-update.tmp" ]
	[ ! -e "$BOX/mailkit-pop3-update" ]
	run pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --index 2 "+OK 4 messages"
	assert_line "+OK 0 messages deleted, 4 left"
	cur_is 1 2 3 4
	[ ! -e "$BOX/mailkit-pop3-update.tmp" ]
	grep -q 'result=unfinished-removed replayed=0 rejected=0$' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "crash: a QUIT that is not killed leaves no journal behind" {
	run pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nDELE 2\r\nQUIT\r'
	assert_line "+OK 1 messages deleted, 3 left"
	cur_is 1 3 4
	run ls -A "$BOX"
	assert_output $'cur\nnew\ntmp'
	run grep -c update-journal "$BATS_TEST_TMPDIR/pop3.log"
	assert_output 0
}

@test "crash: a journal naming paths outside cur/ and new/ is refused name by name and logged" {
	mkdir -p "$ROOT/mail/etc" "$ROOT/mail/example.test/etc" "$BOX/cur/subdir"
	echo keep >"$ROOT/mail/etc/passwd"
	echo keep >"$ROOT/mail/example.test/etc/passwd"
	echo keep >"$BOX/tmp/keep"
	echo new >"$BOX/new/1700000000.planted,S=4"
	cat >"$BOX/mailkit-pop3-update" <<-EOF
	mailkit-pop3-update 1
	../../etc/passwd
	cur/../../etc/passwd
	/etc/passwd
	cur/a/b
	cur/\\x2f..\\x2f..\\x2fetc\\x2fpasswd
	cur/..
	cur/.
	cur/
	tmp/keep
	cur/subdir
	cur/$(name 1)
	new/1700000000.planted,S=4
	.
	EOF
	run pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --index 2 "+OK 3 messages"
	cur_is 2 3 4
	[ -d "$BOX/cur/subdir" ]
	[ "$(cat "$ROOT/mail/etc/passwd")" = keep ]
	[ "$(cat "$ROOT/mail/example.test/etc/passwd")" = keep ]
	[ "$(cat "$BOX/tmp/keep")" = keep ]
	[ -s /etc/passwd ]
	[ ! -e "$BOX/new/1700000000.planted,S=4" ]
	[ ! -e "$BOX/mailkit-pop3-update" ]
	grep -q 'event=update-journal user=alice@example.test result=replayed replayed=2 rejected=10 first_rejected=../../etc/passwd$' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "crash: an incomplete journal or one that is not a file deletes nothing" {
	# no final "." line: not a decided UPDATE
	printf 'mailkit-pop3-update 1\ncur/%s\n' "$(name 1)" >"$BOX/mailkit-pop3-update"
	run pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --index 2 "+OK 4 messages"
	cur_is 1 2 3 4
	[ ! -e "$BOX/mailkit-pop3-update" ]
	# a line after the "."; a wrong first line
	printf 'mailkit-pop3-update 1\ncur/%s\n.\ncur/%s\n' "$(name 1)" "$(name 2)" >"$BOX/mailkit-pop3-update"
	pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nQUIT\r' >/dev/null
	printf 'mailkit-pop3-update 2\ncur/%s\n.\n' "$(name 1)" >"$BOX/mailkit-pop3-update"
	pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nQUIT\r' >/dev/null
	cur_is 1 2 3 4
	[ "$(grep -c 'result=ignored-incomplete replayed=0 rejected=0$' "$BATS_TEST_TMPDIR/pop3.log")" -eq 3 ]
	# a symbolic link is not followed, only removed
	echo "cur/$(name 1)" >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$BOX/mailkit-pop3-update"
	run pop3 <<<$'USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --index 2 "+OK 4 messages"
	[ ! -L "$BOX/mailkit-pop3-update" ]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = "cur/$(name 1)" ]
	grep -q 'result=ignored-not-a-file' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "crash: a journal that cannot be completed refuses the login, [SYS/TEMP]" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run the server as nobody"
	printf 'mailkit-pop3-update 1\ncur/%s\n.\n' "$(name 1)" >"$BOX/mailkit-pop3-update"
	# a root nobody can read but not write: the unlink fails (EACCES)
	U_ROOT=$(mktemp -d /tmp/mailkit-pop3-crash.XXXXXX)
	cp -a "$ROOT/." "$U_ROOT/"
	chmod -R a+rX "$U_ROOT"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$MAILKIT_BIN/mail-pop3" -r "$U_ROOT" \
	    <<<$'USER alice@example.test\r\nPASS secret\r\nQUIT\r' \
	    2>>"$BATS_TEST_TMPDIR/pop3.log"
	assert_line --partial "-ERR [SYS/TEMP] cannot finish the deletions of an interrupted session"
	refute_line --partial "+OK 4 messages"
	refute_line --partial "+OK 3 messages"
	BOX="$U_ROOT/mail/example.test/alice"
	cur_is 1 2 3 4
	[ -f "$BOX/mailkit-pop3-update" ]
}

@test "crash: an mbox rewrite killed before its rename leaves the old mbox whole; the next login removes the copy" {
	for i in 1 2 3; do
		deliver bob@example.test "$BATS_TEST_TMPDIR/m$i"
	done
	mbox=$ROOT/mail/example.test/bob
	cp "$mbox" "$BATS_TEST_TMPDIR/bob.before"
	run env MAILKIT_TEST_CRASH=pop3-update-mbox-before-rename mail-pop3 -r "$ROOT" \
	    <<<$'USER bob@example.test\r\nPASS secret\r\nDELE 2\r\nQUIT\r\n' 2>>"$BATS_TEST_TMPDIR/pop3.log"
	assert_failure 137
	refute_output --partial "+OK bye"
	# the copy without message 2 was written, the mbox is untouched
	[ -f "$mbox.pop3tmp" ]
	cmp "$BATS_TEST_TMPDIR/bob.before" "$mbox"
	run pop3 <<<$'USER bob@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --regexp '^\+OK 3 [0-9]+$'
	[ ! -e "$mbox.pop3tmp" ]
	cmp "$BATS_TEST_TMPDIR/bob.before" "$mbox"
	# and a rewrite works as ever
	run pop3 <<<$'USER bob@example.test\r\nPASS secret\r\nDELE 2\r\nQUIT\r'
	run pop3 <<<$'USER bob@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r'
	assert_line --regexp '^\+OK 2 [0-9]+$'
	[ ! -e "$mbox.pop3tmp" ]
}
