#!/usr/bin/env bats
# mail-pop3: POP3 dialogues on stdin/stdout, mailbox bytes, bad input.

load lib
load pop3_lib

setup() {
	pop3_root
	msg 1 >"$BATS_TEST_TMPDIR/m1"
	msg 2 >"$BATS_TEST_TMPDIR/m2"
	msg 3 >"$BATS_TEST_TMPDIR/m3"
}

teardown() {
	stop_all
	if [ -n "${U_ROOT:-}" ]; then
		rm -rf "$U_ROOT"
	fi
}

login_alice=$'USER alice@example.test\r\nPASS secret\r\n'
login_bob=$'USER bob@example.test\r\nPASS secret\r\n'

maildir_files() {
	ls "$ROOT/mail/example.test/alice/cur" "$ROOT/mail/example.test/alice/new" | grep -c '^[0-9]' || true
}

@test "pop3: greeting and CAPA with every capability" {
	run pop3 <<<$'CAPA\r\nQUIT\r'
	assert_success
	assert_line --index 0 "+OK mailkit POP3 server ready"
	for c in TOP UIDL USER "SASL PLAIN" RESP-CODES AUTH-RESP-CODE PIPELINING; do
		assert_line "$c"
	done
	assert_line --regexp '^IMPLEMENTATION mailkit-'
	refute_line STLS
	assert_line "+OK goodbye"
	pop3_tls
	run pop3 <<<$'CAPA\r\nQUIT\r'
	assert_line STLS
}

@test "pop3: Maildir STAT LIST UIDL RETR, bytes CRLF and dot-stuffed" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	f=$(ls "$ROOT"/mail/example.test/alice/new/* | sort -V | head -1)
	size=$(stat -c %s "$f")
	uid=$(basename "$f")
	printf "$login_alice"'STAT\r\nLIST 1\r\nUIDL 1\r\nRETR 1\r\nQUIT\r\n' |
	    pop3_raw >"$BATS_TEST_TMPDIR/out"
	f="$ROOT/mail/example.test/alice/cur/$uid:2,"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/out"
	assert_line --index 2 "+OK 2 messages"
	assert_line --index 3 --regexp "^\+OK 2 [0-9]+$"
	assert_line --index 4 "+OK 1 $size"
	assert_line --index 5 "+OK 1 ${uid%%:*}"
	assert_line --index 6 "+OK $size octets"
	# the wire bytes of RETR are exactly the stored file in POP3 form
	wire_of "$f" >"$BATS_TEST_TMPDIR/want"
	printf '.\r\n' >>"$BATS_TEST_TMPDIR/want"
	sed -n '8,/^\.\r$/p' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	grep -q $'^\.\.a line with a dot\r$' "$BATS_TEST_TMPDIR/got"
	grep -q $'^\.\.\.two dots\r$' "$BATS_TEST_TMPDIR/got"
	# new/ moved to cur/ at login
	[ "$(ls "$ROOT/mail/example.test/alice/new" | wc -l)" -eq 0 ]
	[ "$(ls "$ROOT/mail/example.test/alice/cur" | wc -l)" -eq 2 ]
}

@test "pop3: a file without ,S= is sized by stat; CRLF storage and a missing last newline" {
	d="$ROOT/mail/example.test/alice"
	mkdir -p "$d/new" "$d/cur" "$d/tmp"
	printf 'Subject: x\r\n\r\nbody\r\nno newline' >"$d/cur/1.plain:2,S"
	run pop3_raw <<<"$login_alice"$'LIST\r\nRETR 1\r\nQUIT\r'
	assert_output --partial $'1 30\r\n.\r\n'
	assert_output --partial $'+OK 30 octets\r\nSubject: x\r\n\r\nbody\r\nno newline\r\n.\r\n'
}

@test "pop3: TOP sends the header and N body lines" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3 <<<"$login_alice"$'TOP 1 0\r\nQUIT\r'
	assert_line --index 3 --regexp '^\+OK [0-9]+ octets$'
	assert_line "Subject: test 1"
	refute_line "Body of message 1."
	[[ $output == *$'Subject: test 1\n\n.\n+OK 0 messages deleted'* ]]
	run pop3 <<<"$login_alice"$'TOP 1 2\r\nQUIT\r'
	assert_line "Body of message 1."
	assert_line "..a line with a dot"
	refute_line "...two dots"
	run pop3 <<<"$login_alice"$'TOP 1\r\nTOP 1 x\r\nTOP 1 -1\r\nQUIT\r'
	assert_line --index 3 "-ERR usage: TOP message lines"
	assert_line --index 4 "-ERR usage: TOP message lines"
	assert_line --index 5 "-ERR usage: TOP message lines"
}

@test "pop3: DELE takes effect at QUIT only; RSET undoes; a dropped session deletes nothing" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	run pop3 <<<"$login_alice"$'DELE 1\r\nDELE 2\r\nRSET\r\nDELE 2\r\nSTAT\r'
	assert_line "+OK message 1 deleted"
	assert_line --regexp '^\+OK 1 [0-9]+$'
	[ "$(maildir_files)" -eq 2 ]
	run pop3 <<<"$login_alice"$'DELE 1\r\nRSET\r\nQUIT\r'
	assert_line "+OK 0 messages deleted, 2 left"
	[ "$(maildir_files)" -eq 2 ]
	keep=$(ls "$ROOT/mail/example.test/alice/cur" | sort | tail -1)
	run pop3 <<<"$login_alice"$'DELE 1\r\nQUIT\r'
	assert_line "+OK 1 messages deleted, 1 left"
	run ls "$ROOT/mail/example.test/alice/cur"
	assert_output "$keep"
}

@test "pop3: UIDL is stable across sessions and new mail" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3 <<<"$login_alice"$'UIDL\r\nQUIT\r'
	first=${lines[4]}
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	run pop3 <<<"$login_alice"$'UIDL\r\nQUIT\r'
	assert_equal "${lines[4]}" "$first"
	assert_line --index 5 --regexp '^2 [!-~]{1,70}$'
	[ "${lines[4]#1 }" != "${lines[5]#2 }" ]
}

@test "pop3: mbox LIST UIDL RETR, mboxrd unquoting, exact bytes" {
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m2"
	[ -f "$ROOT/mail/example.test/bob" ]
	printf "$login_bob"'STAT\r\nUIDL\r\nRETR 2\r\nQUIT\r\n' |
	    pop3_raw >"$BATS_TEST_TMPDIR/out"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/out"
	assert_line --index 2 "+OK 2 messages"
	x1=$(grep -m1 -i '^X-UIDL:' "$ROOT/mail/example.test/bob" | sed 's/^[^:]*: *//')
	assert_line --index 5 "1 $x1"
	# message 2 as sent: the stored text after its From_ line, unquoted
	awk '/^From /{n++; next} n==2' "$ROOT/mail/example.test/bob" |
	    sed -e '$d' -e 's/^>\(>*From \)/\1/' >"$BATS_TEST_TMPDIR/stored2"
	wire_of "$BATS_TEST_TMPDIR/stored2" >"$BATS_TEST_TMPDIR/want"
	printf '.\r\n' >>"$BATS_TEST_TMPDIR/want"
	sed -n '/^+OK [0-9]* octets/,/^\.\r$/p' "$BATS_TEST_TMPDIR/out" | sed 1d >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	grep -q $'^From the start\r$' "$BATS_TEST_TMPDIR/got"
	grep -q $'^>From quoted\r$' "$BATS_TEST_TMPDIR/got"
	# the original message is what the client got, after the added headers
	tr -d '\r' <"$BATS_TEST_TMPDIR/got" | sed -e '$d' -e 's/^\.\././' |
	    tail -n "$(wc -l <"$BATS_TEST_TMPDIR/m2")" | cmp - "$BATS_TEST_TMPDIR/m2"
}

@test "pop3: mbox DELE rewrites the file with exactly the kept messages" {
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m2"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m3"
	box="$ROOT/mail/example.test/bob"
	awk '/^From /{n++} n!=2' "$box" >"$BATS_TEST_TMPDIR/want"
	chmod 640 "$box"
	run pop3 <<<"$login_bob"$'DELE 2\r\nQUIT\r'
	assert_line "+OK 1 messages deleted, 2 left"
	cmp "$BATS_TEST_TMPDIR/want" "$box"
	[ "$(stat -c %a "$box")" = 640 ]
	[ ! -e "$box.lock" ]
	run ls "$ROOT/mail/example.test"
	refute_output --partial pop3tmp
}

@test "pop3: mbox mail appended during a session survives its UPDATE" {
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m2"
	export M3="$BATS_TEST_TMPDIR/m3" POP3_BY_HAND
	run pop3_drive <<-EOF
	> USER bob@example.test
	> PASS secret
	> DELE 1
	! printf 'From x@y Mon Nov 23 21:50:00 2026\nX-UIDL: late1\n\nlate message\n\n' >>"$ROOT/mail/example.test/bob"
	> STAT
	> QUIT
	EOF
	assert_line "+OK 2 messages"
	assert_line --regexp '^\+OK 1 [0-9]+$'
	assert_line "+OK 1 messages deleted, 1 left"
	run pop3 <<<"$login_bob"$'UIDL\r\nRETR 1\r\nRETR 2\r\nQUIT\r'
	assert_line --index 2 "+OK 2 messages"
	assert_line "2 late1"
	assert_line "late message"
	assert_line "Subject: test 2"
	refute_line "Subject: test 1"
}

@test "pop3: mbox truncated by another program: no message served wrong, nothing deleted" {
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m2"
	box="$ROOT/mail/example.test/bob"
	cp "$box" "$BATS_TEST_TMPDIR/before"
	run pop3_drive <<-EOF
	> USER bob@example.test
	> PASS secret
	! truncate -s 20 "$box"
	> RETR 2
	> DELE 1
	> QUIT
	EOF
	assert_line "-ERR mailbox was truncated by another program"
	assert_line --regexp '^-ERR \[SYS/TEMP\] mailbox changed'
	[ "$(stat -c %s "$box")" -eq 20 ]
	cmp -n 20 "$BATS_TEST_TMPDIR/before" "$box"
}

@test "pop3: mbox with an unquoted From line in the body and without X-UIDL" {
	box="$ROOT/mail/example.test/bob"
	mkdir -p "$ROOT/mail/example.test"
	printf 'From a@b Mon Nov 23 21:44:25 2026\nSubject: one\n\nFrom me, hello\nbye\n\nFrom here on it is still the body\n\nFrom a@b Mon Nov 23 21:44:26 2026\nSubject: two\n\nx\n\nFrom a@b Mon Nov 23 21:44:26 2026\nSubject: two\n\nx\n\n' >"$box"
	run pop3 <<<"$login_bob"$'UIDL\r\nRETR 1\r\nQUIT\r'
	assert_line --index 2 "+OK 3 messages"
	assert_line "From me, hello"
	assert_line "From here on it is still the body"
	u1=$(sed -n 5p <<<"$output"); u2=$(sed -n 6p <<<"$output"); u3=$(sed -n 7p <<<"$output")
	[[ $u1 =~ ^1\ [0-9a-f]{16}$ ]]
	[[ $u2 =~ ^2\ [0-9a-f]{16}$ ]]
	[ "$u3" = "3 ${u2#2 }-2" ]
	run pop3 <<<"$login_bob"$'UIDL\r\nQUIT\r'
	assert_line --index 4 "$u1"
	assert_line --index 6 "$u3"
}

@test "pop3: wrong password, [AUTH], and the third failure ends the session" {
	run pop3 <<<$'USER alice@example.test\r\nPASS wrong\r\nUSER nobody@example.test\r\nPASS secret\r\nUSER alice@example.test\r\nPASS bad\r\nUSER alice@example.test\r\nPASS secret\r'
	assert_line --index 2 "-ERR [AUTH] authentication failed"
	assert_line --index 4 "-ERR [AUTH] authentication failed"
	assert_line --index 6 "-ERR [AUTH] authentication failed; too many failures, goodbye"
	[ "${#lines[@]}" -eq 7 ]
	run pop3 <<<$'PASS secret\r'
	assert_line --index 1 "-ERR USER first"
}

@test "pop3: a failed login pauses for etc/authpause milliseconds" {
	echo 1200 >"$ROOT/etc/authpause"
	start=$(date +%s%N)
	run pop3 <<<$'USER alice@example.test\r\nPASS wrong\r\nQUIT\r'
	end=$(date +%s%N)
	assert_line "-ERR [AUTH] authentication failed"
	[ $(( (end - start) / 1000000 )) -ge 1100 ]
}

@test "pop3: plaintext login refused off loopback without TLS, allowed by etc/pop3-plaintext" {
	export TCPREMOTEIP=192.0.2.7
	pop3_tls
	run pop3 <<<$'CAPA\r\nUSER alice@example.test\r\nPASS secret\r\nAUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=\r\nSTAT\r\nQUIT\r'
	refute_line USER
	refute_line "SASL PLAIN"
	assert_line STLS
	assert_line "-ERR [AUTH] plaintext login refused on this connection: use STLS first, or port 995"
	run grep -c 'use STLS first' <<<"$output"
	assert_output 3
	touch "$ROOT/etc/pop3-plaintext"
	run pop3 <<<"$login_alice"$'QUIT\r'
	assert_line --index 2 "+OK 0 messages"
}

@test "pop3: AUTH PLAIN with initial response, continuation, cancel, bad base64" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	good=$(printf '\0alice@example.test\0secret' | base64 -w0)
	run pop3 <<<"AUTH PLAIN $good"$'\r\nSTAT\r\nQUIT\r'
	assert_line --index 1 "+OK 1 messages"
	run pop3 <<<$'AUTH PLAIN\r\n'"$good"$'\r\nQUIT\r'
	assert_line --index 1 "+ "
	assert_line --index 2 "+OK 1 messages"
	run pop3 <<<$'AUTH PLAIN\r\n*\r\nAUTH PLAIN !!!notbase64\r\nAUTH PLAIN AGFsaWNl\r\nAUTH CRAM-MD5\r\nAUTH\r\nQUIT\r'
	assert_line --index 2 "-ERR [AUTH] authentication cancelled"
	assert_line --index 3 "-ERR [AUTH] bad base64"
	assert_line --index 4 "-ERR [AUTH] malformed PLAIN message"
	assert_line --index 5 "-ERR unsupported mechanism"
	assert_line --index 6 "+OK mechanisms follow"
	assert_line --index 7 "PLAIN"
	bad=$(printf '\0alice@example.test\0nope' | base64 -w0)
	run pop3 <<<"AUTH PLAIN $bad"$'\r\nQUIT\r'
	assert_line --index 1 "-ERR [AUTH] authentication failed"
}

@test "pop3: long lines, NUL, bare LF, unknown commands, wrong state" {
	long=$(head -c 300 /dev/zero | tr '\0' a)
	huge=$(head -c 12000 /dev/zero | tr '\0' b)
	run pop3 < <(printf 'NOOP %s\r\nNOOP %s\r\nNO\0OP\r\nNOOP\nXYZZY\r\nSTAT\r\nLIST\r\nRETR 1\r\nCAPA\r\nQUIT\r\n' "$long" "$huge")
	assert_line --index 1 "-ERR command line too long"
	assert_line --index 2 "-ERR command line too long"
	assert_line --index 3 "-ERR NUL byte in command"
	assert_line --index 4 "-ERR command lines must end with CRLF"
	assert_line --index 5 "-ERR unknown command"
	assert_line --index 6 "-ERR log in first"
	assert_line --index 7 "-ERR log in first"
	assert_line --index 8 "-ERR log in first"
	assert_line --index 9 "+OK capability list follows"
	assert_line "+OK goodbye"
	run pop3 <<<"$login_alice"$'USER x\r\nPASS y\r\nAUTH PLAIN\r\nSTLS\r\nQUIT\r'
	assert_line --index 3 "-ERR command not valid in this state"
	assert_line --index 6 "-ERR command not valid in this state"
}

@test "pop3: ten errors end the session" {
	run pop3 < <(for i in $(seq 1 15); do printf 'BAD\r\n'; done)
	[ "${#lines[@]}" -eq 11 ]
	assert_line --index 10 "-ERR unknown command; too many errors, goodbye"
}

@test "pop3: message numbers 0, -1, huge, missing, deleted" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3 <<<"$login_alice"$'RETR 0\r\nRETR -1\r\nRETR 99999999999999999999\r\nRETR 2\r\nLIST 7\r\nUIDL 0\r\nDELE 1\r\nRETR 1\r\nDELE 1\r\nLIST\r\nRETR\r\nRETR 1 2\r\nQUIT\r'
	for i in 3 4 5 6 7 8 14 15; do
		assert_line --index $i "-ERR no such message"
	done
	assert_line --index 9 "+OK message 1 deleted"
	assert_line --index 10 "-ERR message 1 already deleted"
	assert_line --index 11 "-ERR message 1 already deleted"
	assert_line --index 12 "+OK scan listing follows"
	assert_line --index 13 "."
}

@test "pop3: pipelined commands are all answered in order" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3 <<<"$login_alice"$'STAT\r\nLIST\r\nUIDL 1\r\nNOOP\r\nRETR 1\r\nDELE 1\r\nQUIT\r'
	assert_line --index 2 "+OK 1 messages"
	assert_line --index 3 --regexp '^\+OK 1 [0-9]+$'
	assert_line --index 4 "+OK scan listing follows"
	assert_line --index 7 --regexp '^\+OK 1 '
	assert_line --index 8 "+OK"
	assert_line --index 9 --regexp '^\+OK [0-9]+ octets$'
	assert_line --regexp '^\+OK message 1 deleted$'
	assert_line "+OK 1 messages deleted, 0 left"
}

@test "pop3: a second session on the same mailbox gets [IN-USE]" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3_drive <<-EOF
	> USER alice@example.test
	> PASS secret
	! printf 'USER alice@example.test\r\nPASS secret\r\nQUIT\r\n' | mail-pop3 -r "$ROOT" 2>/dev/null | tr -d '\r' | sed 's/^/second: /'
	> USER bob@example.test
	> QUIT
	EOF
	assert_line "second: -ERR [IN-USE] mailbox in use by another session"
	assert_line "+OK 1 messages deleted, 0 left" || assert_line "+OK 0 messages deleted, 1 left"
	run pop3_drive <<-EOF
	> USER bob@example.test
	> PASS secret
	! printf 'USER bob@example.test\r\nPASS secret\r\nSTAT\r\nUSER bob@example.test\r\nQUIT\r\n' | mail-pop3 -r "$ROOT" 2>/dev/null | tr -d '\r' | sed 's/^/second: /'
	> QUIT
	EOF
	assert_line "second: -ERR [IN-USE] mailbox in use by another session"
	assert_line "second: -ERR log in first"
}

@test "pop3: a Maildir file deleted behind the server's back" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	export ROOT
	run pop3_drive <<-EOF
	> USER alice@example.test
	> PASS secret
	! rm "\$(ls -d "$ROOT"/mail/example.test/alice/cur/* | sort | head -1)"
	> RETR 1
	> DELE 2
	> QUIT
	EOF
	assert_line "-ERR message file vanished"
	assert_line "+OK 1 messages deleted, 1 left"
	[ "$(maildir_files)" -eq 0 ]
}

@test "pop3: a Maildir file truncated or appended to during a session is refused, the session goes on" {
	for i in 1 2 3; do
		deliver alice@example.test "$BATS_TEST_TMPDIR/m$i"
	done
	pop3 <<<"$login_alice"$'QUIT\r' >/dev/null
	cur="$ROOT/mail/example.test/alice/cur"
	f1=$(ls "$cur" | sort -V | sed -n 1p)
	f2=$(ls "$cur" | sort -V | sed -n 2p)
	f3=$(ls "$cur" | sort -V | sed -n 3p)
	size=$(stat -c %s "$cur/$f1")
	# a FIFO whose name claims 10 octets: RETR must not wait for a writer
	mkfifo "$cur/9999999999.fifo,S=10:2,"
	run timeout 20 python3 -c '
import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def say(c):
    if c:
        p.stdin.write(c + b"\r\n"); p.stdin.flush()
    l = p.stdout.readline()
    sys.stdout.buffer.write(l)
    if l.startswith(b"+OK") and c and c.split()[0] in (b"RETR", b"LIST"):
        while l not in (b".\r\n", b""):
            l = p.stdout.readline()
            sys.stdout.buffer.write(l)
for c in (None, b"USER alice@example.test", b"PASS secret", b"LIST"):
    say(c)
open(sys.argv[-2], "r+b").truncate(20)
open(sys.argv[-1], "ab").write(b"appended behind the back\n")
for c in (b"RETR 1", b"RETR 2", b"TOP 2 0", b"RETR 4", b"NOOP", b"RETR 3", b"DELE 1", b"QUIT"):
    say(c)
' sh -c 'exec mail-pop3 -r "$0"' "$ROOT" "$cur/$f1" "$cur/$f2"
	assert_success
	printf '%s\n' "$output" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --index 2 "+OK 4 messages"
	assert_line "-ERR message file changed behind the server's back ($size octets listed, 20 now); not sent"
	appended=$((size + 25))
	assert_line "-ERR message file changed behind the server's back ($size octets listed, $appended now); not sent"
	[ "$(grep -c "^-ERR message file changed behind the server's back ($size octets listed, $appended now); not sent$" "$BATS_TEST_TMPDIR/out")" -eq 2 ]
	assert_line "-ERR message file is not a regular file"
	assert_line "+OK $size octets"
	assert_line "+OK 1 messages deleted, 3 left"
	# the untouched message 3 came whole, in wire form
	wire_of "$cur/$f3" | tr -d '\r' >"$BATS_TEST_TMPDIR/want3"
	sed -n "/^+OK $size octets\$/,/^\.\$/p" "$BATS_TEST_TMPDIR/out" | sed '1d;$d' >"$BATS_TEST_TMPDIR/got3"
	cmp "$BATS_TEST_TMPDIR/want3" "$BATS_TEST_TMPDIR/got3"
	# the changed files stay as the other program left them
	[ ! -e "$cur/$f1" ]
	[ "$(tail -n 1 "$cur/$f2")" = "appended behind the back" ]
}

@test "pop3: -a runs a checkpassword program on fd 3" {
	cat >"$BATS_TEST_TMPDIR/cpw" <<-'EOF'
	#!/bin/bash
	IFS= read -r -d '' user <&3
	IFS= read -r -d '' pass <&3
	IFS= read -r -d '' stamp <&3
	echo "$user $stamp" >>"${0%/*}/cpw.log"
	[ "$pass" = temp ] && exit 111
	# what it sets for the program it runs is not seen by mail-pop3
	[ "$user" = alice@example.test ] && [ "$pass" = other ] &&
	    HOME=${0%/*}/home exec "$@"
	exit 1
	EOF
	chmod +x "$BATS_TEST_TMPDIR/cpw"
	mkdir -p "$BATS_TEST_TMPDIR/home/Maildir/new" "$BATS_TEST_TMPDIR/home/Maildir/cur"
	cp "$BATS_TEST_TMPDIR/m2" "$BATS_TEST_TMPDIR/home/Maildir/new/1.x"
	cp "$BATS_TEST_TMPDIR/m3" "$BATS_TEST_TMPDIR/home/Maildir/new/2.x"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run pop3 -a "$BATS_TEST_TMPDIR/cpw" <<<$'USER alice@example.test\r\nPASS secret\r\nUSER alice@example.test\r\nPASS temp\r\nUSER alice@example.test\r\nPASS other\r\nSTAT\r\nQUIT\r'
	assert_line --index 2 "-ERR [AUTH] authentication failed"
	assert_line --index 4 "-ERR [SYS/TEMP] cannot check the password now"
	assert_line --index 6 "+OK 1 messages"
	grep -q '^alice@example.test <[0-9]*\.[0-9]*@' "$BATS_TEST_TMPDIR/cpw.log"
	run mail-pop3 -r "$ROOT" -a /nonexistent/cpw </dev/null
	assert_failure 78
}

@test "pop3: idle timeout from etc/pop3timeout" {
	echo 1 >"$ROOT/etc/pop3timeout"
	run timeout 10 python3 -c '
import subprocess, sys, time
t = time.time()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = p.stdout.read()
sys.stdout.write(out.decode().replace("\r", ""))
print("ms", int((time.time() - t) * 1000))
' mail-pop3 -r "$ROOT"
	assert_line --index 1 "-ERR idle timeout, goodbye"
	ms=$(sed -n 's/^ms //p' <<<"$output")
	[ "$ms" -ge 900 ] && [ "$ms" -le 4000 ]
}

@test "pop3: one key=value log line per login and logout" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	printf "$login_alice"'RETR 1\r\nQUIT\r\n' | mail-pop3 -r "$ROOT" >/dev/null 2>"$BATS_TEST_TMPDIR/log"
	printf 'USER alice@example.test\r\nPASS no\r\nQUIT\r\n' | mail-pop3 -r "$ROOT" >/dev/null 2>>"$BATS_TEST_TMPDIR/log"
	run cat "$BATS_TEST_TMPDIR/log"
	assert_line --regexp '^prog=mail-pop3 pid=[0-9]+ event=login user=alice@example.test ip=127.0.0.1 method=user tls=no result=ok messages=1$'
	assert_line --regexp '^prog=mail-pop3 pid=[0-9]+ event=logout user=alice@example.test ip=127.0.0.1 end=quit retrieved=1 retrieved_octets=[0-9]+ deleted=0$'
	assert_line --regexp 'event=login user=alice@example.test ip=127.0.0.1 method=user tls=no result=fail$'
	refute_output --partial secret
}

@test "pop3: -u drops privileges before reading input" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to test -u"
	# a root outside the test's private directory, which nobody cannot enter
	U_ROOT=$(mktemp -d /tmp/mailkit-pop3-u.XXXXXX)
	cp -a "$ROOT/." "$U_ROOT/"
	chmod -R a+rX "$U_ROOT"
	ROOT=$U_ROOT
	cp "$BATS_TEST_TMPDIR/m1" "$BATS_TEST_TMPDIR/m2" "$U_ROOT/"
	deliver alice@example.test "$U_ROOT/m1"
	chown -R nobody "$ROOT/mail"
	run pop3 -u nobody <<<"$login_alice"$'STAT\r\nDELE 1\r\nQUIT\r'
	assert_line --index 2 "+OK 1 messages"
	assert_line "+OK 1 messages deleted, 0 left"
	chown -R root "$ROOT/mail/example.test/alice"
	chmod 700 "$ROOT/mail/example.test/alice"
	deliver alice@example.test "$U_ROOT/m2"
	run pop3 -u nobody <<<"$login_alice"$'QUIT\r'
	assert_line --index 2 --regexp '^-ERR \[SYS/TEMP\] '
}

@test "pop3: usage, version, -T without a certificate" {
	run mail-pop3 -h
	assert_success
	assert_output --partial "usage: mail-pop3 [-r ROOT]"
	run mail-pop3 -V
	assert_success
	assert_output --partial mailkit
	run mail-pop3 -x
	assert_failure 64
	run mail-pop3 -r "$ROOT" -u no-such-user-xyz </dev/null
	assert_failure 67
	run mail-pop3 -r "$ROOT" -T </dev/null
	assert_failure 78
	assert_output "mail-pop3: -T: no certificate in $ROOT/etc/tls"
}

@test "pop3: an account whose mailbox does not exist yet has 0 messages" {
	run pop3 <<<"$login_bob"$'STAT\r\nQUIT\r'
	assert_line --index 2 "+OK 0 messages"
	assert_line --index 3 "+OK 0 0"
	[ ! -e "$ROOT/mail/example.test/bob" ]
	run pop3 <<<"$login_alice"$'STAT\r\nQUIT\r'
	assert_line --index 2 "+OK 0 messages"
	[ -d "$ROOT/mail/example.test/alice/cur" ]
}

@test "pop3: commands trickled one byte at a time" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	run python3 -c '
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
for b in b"USER alice@example.test\r\nPASS secret\r\nSTAT\r\nRETR 1\r\nQUIT\r\n":
    p.stdin.write(bytes([b])); p.stdin.flush()
p.stdin.close()
sys.stdout.write(p.stdout.read().decode().replace("\r", ""))
' mail-pop3 -r "$ROOT"
	assert_line --index 2 "+OK 1 messages"
	assert_line --index 3 --regexp '^\+OK 1 [0-9]+$'
	assert_line "Subject: test 1"
	assert_line "+OK 0 messages deleted, 1 left"
}

@test "pop3: plain text on the implicit TLS port, or after STLS +OK: the session ends, tls-failed is logged with the reason" {
	pop3_tls
	run pop3 -T <<<$'USER alice@example.test\r\nQUIT\r'
	refute_output --partial "+OK"
	grep -q '^prog=mail-pop3 .*event=tls-failed ip=.* error=' "$BATS_TEST_TMPDIR/pop3.log"
	: >"$BATS_TEST_TMPDIR/pop3.log"
	run pop3 <<<$'STLS\r\nUSER alice@example.test\r\nQUIT\r'
	# the greeting and the go-ahead for STLS, nothing after
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "+OK"* && "${lines[1]}" == "+OK"* ]]
	grep -q '^prog=mail-pop3 .*event=tls-failed ip=.* error=' "$BATS_TEST_TMPDIR/pop3.log"
}
