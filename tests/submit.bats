# mail-submit -bs: SMTP dialogues piped in, exact replies, queue checked.
load lib
load submit_lib

setup() {
	submit_root
}

teardown() {
	stop_all
}

H='EHLO client.test\r\n'
PLAIN_BOB='AGJvYkBleGFtcGxlLnRlc3QAc2VjcmV0'	# \0bob@example.test\0secret

@test "greeting, EHLO extensions, QUIT" {
	smtp "${H}QUIT\r\n"
	assert_success
	assert_line --index 0 "220 mx.example.test ESMTP mailkit"
	assert_line "250-PIPELINING"
	assert_line "250-SIZE 35882577"
	assert_line "250-8BITMIME"
	assert_line "250-SMTPUTF8"
	assert_line "250-AUTH PLAIN LOGIN"
	assert_line "250 ENHANCEDSTATUSCODES"
	refute_line "250-STARTTLS"
	assert_line "221 2.0.0 mx.example.test closing connection"
}

@test "a message to a local user is queued with CRLF, unstuffed, Received: first" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n"
	assert_success
	assert_line "250 2.1.0 sender ok"
	assert_line "250 2.1.5 recipient ok"
	assert_line "354 end data with <CR><LF>.<CR><LF>"
	assert_line --regexp "^250 2.0.0 ok: queued as [0-9a-f]+$"
	[ "$(queued)" -eq 1 ]
	run qenv
	assert_line "sender	a@remote.test"
	assert_line "rcpt	bob@example.test	todo	0	0	-	-"
	run qmess
	assert_line --index 0 --regexp '^Received: from client.test \(\[local\]\)'
	assert_line --regexp '^	by mx.example.test \(mailkit\) with ESMTP id '
	[ "$(tail -c 18 "$Q"/env/*/*.msg | od -An -c)" = "$(printf 'hi\r\n\r\n.dot\r\nbody\r\n' | od -An -c)" ]
}

@test "aliases are expanded at queue time, recursively" {
	smtp "${H}MAIL FROM:<>\r\nRCPT TO:<sales@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok"
	run qenv
	assert_line "sender	"
	assert_line --regexp "^rcpt	bob@example.test	todo"
	assert_line --regexp "^rcpt	friend@remote.test	todo"
	refute_line --regexp "sales|info"
}

@test "unknown local recipient: 550 5.1.1; postmaster always accepted" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<postmaster>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "550 5.1.1 <nobody@example.test>: no such user here"
	assert_line --regexp "^250 2.0.0 ok"
	run qenv
	assert_line --regexp "^rcpt	postmaster@example.test	todo"
}

@test "relaying denied from a remote client without RELAYCLIENT: 554 5.7.1" {
	TCPREMOTEIP=192.0.2.7 smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\nQUIT\r\n"
	assert_line "554 5.7.1 <x@remote.test>: relaying denied"
	assert_line "554 5.5.1 no valid recipients"
	[ "$(queued)" -eq 0 ]
}

@test "RELAYCLIENT allows relaying" {
	TCPREMOTEIP=192.0.2.7 RELAYCLIENT= smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok"
	[ "$(queued)" -eq 1 ]
}

@test "commands out of order: 503 5.5.1, nothing queued" {
	smtp "MAIL FROM:<a@remote.test>\r\n${H}RCPT TO:<bob@example.test>\r\nDATA\r\nMAIL FROM:<a@remote.test>\r\nMAIL FROM:<a@remote.test>\r\nDATA\r\nQUIT\r\n"
	assert_line --index 1 "503 5.5.1 send EHLO or HELO first"
	assert_line "503 5.5.1 need MAIL before RCPT"
	assert_line "503 5.5.1 need MAIL before DATA"
	assert_line "503 5.5.1 nested MAIL command"
	assert_line "503 5.5.1 need RCPT before DATA"
	[ "$(queued)" -eq 0 ]
}

@test "RSET, NOOP, VRFY, HELP, unknown command" {
	smtp "${H}RSET\r\nNOOP\r\nVRFY bob\r\nHELP\r\nFOO\r\nQUIT\r\n"
	assert_line "250 2.0.0 ok"
	assert_line --regexp "^252 2.1.5 "
	assert_line --regexp "^214 2.0.0 "
	assert_line "500 5.5.1 command unrecognized"
}

@test "a 10,000-byte command line: 500 5.5.2, the session goes on" {
	long=$(head -c 10000 /dev/zero | tr '\0' a)
	smtp "${H}NOOP $long\r\nNOOP\r\nQUIT\r\n"
	assert_line "500 5.5.2 line too long"
	assert_line "250 2.0.0 ok"
	assert_line --regexp "^221 "
}

@test "a 600-byte MAIL command: 500 5.5.2" {
	long=$(head -c 580 /dev/zero | tr '\0' a)
	smtp "${H}MAIL FROM:<$long@remote.test>\r\nQUIT\r\n"
	assert_line "500 5.5.2 line too long"
}

@test "NUL byte and bare LF in commands refused" {
	smtp "${H}NOOP a\0b\r\nNOOP\nQUIT\r\n"
	assert_line "500 5.5.2 NUL byte in command refused"
	assert_line "500 5.5.2 command lines must end with CRLF; bare CR or LF refused"
}

@test "bare LF in DATA: 554 5.6.2 after the end, nothing queued" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: x\r\n\r\nbad\nline\r\n.\r\nQUIT\r\n"
	assert_line "554 5.6.2 bare CR or LF in message refused: lines must end with CRLF"
	assert_line --regexp "^221 "
	[ "$(queued)" -eq 0 ]
	[ -z "$(ls "$Q/tmp")" ]
}

@test "smuggling: \\n.\\n does not end DATA; the smuggled MAIL is message text" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nspoof\r\n.\r\nQUIT\r\n"
	assert_line "554 5.6.2 bare CR or LF in message refused: lines must end with CRLF"
	[ "$(echo "$output" | grep -c '^250 2.1.0 sender ok')" -eq 1 ]
	[ "$(echo "$output" | grep -c '^354')" -eq 1 ]
	[ "$(queued)" -eq 0 ]
}

@test "smuggling variants \\r.\\r and \\r\\n.\\n and \\n.\\r\\n never end DATA" {
	for end in '\r.\r' '\r\n.\n' '\n.\r\n' '\r\n.\r'; do
		smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nbody${end}MAIL FROM:<evil@remote.test>\r\n.\r\nQUIT\r\n"
		refute_line --regexp "^250 2.0.0"
		assert_line --regexp "^554 5.6.2 "
		[ "$(queued)" -eq 0 ]
	done
}

@test "NUL in DATA: 554 5.6.0, nothing queued" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\na\0b\r\n.\r\n"
	assert_line "554 5.6.0 NUL byte in message refused"
	[ "$(queued)" -eq 0 ]
}

@test "a 1001-byte line in DATA: 500 5.5.2, nothing queued" {
	long=$(head -c 999 /dev/zero | tr '\0' a)
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\n$long\r\n.\r\n"
	assert_line "500 5.5.2 line too long in message (limit 998 octets)"
	[ "$(queued)" -eq 0 ]
}

@test "client disconnects in the middle of DATA: nothing queued, no temp file" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: x\r\n\r\nhalf a mess"
	assert_line "354 end data with <CR><LF>.<CR><LF>"
	refute_line --regexp "^250 2.0.0"
	[ "$(queued)" -eq 0 ]
	[ -z "$(ls "$Q/tmp")" ]
	grep -q 'reason="connection lost during DATA"' "$BATS_TEST_TMPDIR/log"
}

@test "SIZE: declared too big at MAIL is 552 5.3.4; too big in DATA is 552, nothing queued" {
	echo 1000 >"$ROOT/etc/maxsize"
	big=$(head -c 900 /dev/zero | tr '\0' a)
	smtp "${H}MAIL FROM:<a@remote.test> SIZE=5000\r\nMAIL FROM:<a@remote.test> SIZE=500\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\n$big\r\n$big\r\n.\r\nQUIT\r\n"
	assert_line "250-SIZE 1000"
	assert_line "552 5.3.4 message size exceeds fixed maximum of 1000 bytes"
	assert_line "552 5.3.4 message too big"
	[ "$(queued)" -eq 0 ]
	[ -z "$(ls "$Q/tmp")" ]
}

@test "too many recipients: 452 4.5.3" {
	echo 2 >"$ROOT/etc/maxrcpt"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<postmaster@example.test>\r\nQUIT\r\n"
	assert_line "452 4.5.3 too many recipients"
}

@test "too many errors: 421 and disconnect" {
	echo 3 >"$ROOT/etc/maxerrors"
	smtp "${H}FOO\r\nFOO\r\nFOO\r\nNOOP\r\n"
	assert_line "421 4.7.0 mx.example.test too many errors, closing connection"
	refute_line "250 2.0.0 ok"
}

@test "idle timeout: 421 4.4.2" {
	echo 1 >"$ROOT/etc/timeout"
	run bash -c '(printf "EHLO x\r\n"; sleep 3) | "$MAILKIT_BIN/mail-submit" -bs 2>/dev/null | tr -d "\r"'
	assert_line "421 4.4.2 mx.example.test idle timeout, closing connection"
}

@test "bad addresses and parameters are refused" {
	smtp "${H}MAIL FROM:<a b@remote.test>\r\nMAIL FROM:<a@remote.test> FOO=1\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<x\001y@example.test>\r\nRCPT TO:<>\r\nRCPT TO:<bob>\r\nRCPT TO:<bob@example.test> NOTIFY=NEVER\r\nQUIT\r\n"
	assert_line --regexp "^501 5.1.7 bad sender address"
	assert_line "555 5.5.4 unsupported parameter FOO=1"
	assert_line --regexp "^501 5.1.3 bad recipient address"
	assert_line "501 5.1.3 null recipient"
	assert_line "501 5.1.3 recipient needs a domain"
	assert_line "555 5.5.4 RCPT parameters not supported"
}

@test "SMTPUTF8: UTF-8 addresses only when asked for" {
	smtp "${H}MAIL FROM:<jörg@remote.test>\r\nMAIL FROM:<jörg@remote.test> SMTPUTF8\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: grüße\r\n\r\nx\r\n.\r\n"
	assert_line "553 5.6.7 non-ASCII address requires SMTPUTF8"
	assert_line --regexp "^250 2.0.0 ok"
	run qenv
	assert_line "sender	jörg@remote.test"
	run qmess
	assert_line --regexp "with UTF8SMTP id"
}

@test "PIPELINING: no reply is written before the batch is read" {
	run python3 - "$MAILKIT_BIN/mail-submit" "$ROOT" <<'PY'
import subprocess, sys, os, time
p = subprocess.Popen([sys.argv[1], "-bs", "-r", sys.argv[2]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
fd = p.stdout.fileno()
os.set_blocking(fd, False)
def rd():
    time.sleep(0.3)
    try: return os.read(fd, 65536)
    except BlockingIOError: return b""
greet = rd()
p.stdin.write(b"EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"); p.stdin.flush()
batch = rd()
print(repr(batch))
p.stdin.write(b"\r\nhi\r\n.\r\nQUIT\r\n"); p.stdin.close()
print(repr(rd() + p.stdout.read() if False else b""))
p.wait()
assert batch.endswith(b"354 end data with <CR><LF>.<CR><LF>\r\n"), batch
assert batch.count(b"\r\n250 ") == 3 + 1, batch
PY
	assert_success
}

@test "EHLO needs an argument; HELO works" {
	smtp "EHLO\r\nHELO client.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "501 5.5.4 EHLO requires a domain or address literal"
	assert_line "250 mx.example.test"
	run qmess
	assert_line --regexp "with SMTP id"
}

@test "AUTH PLAIN on loopback; Received says ESMTPA; Date and Message-ID added" {
	smtp "${H}AUTH PLAIN $PLAIN_BOB\r\nMAIL FROM:<bob@example.test>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\nSubject: s\r\n\r\nx\r\n.\r\n"
	assert_line "235 2.7.0 authentication successful"
	assert_line --regexp "^250 2.0.0 ok"
	run qenv
	assert_line "auth	bob@example.test"
	assert_line --regexp "^rcpt	x@remote.test	todo"
	run qmess
	assert_line --regexp "with ESMTPA id"
	assert_line "	(authenticated sender bob@example.test)"
	assert_line --regexp "^Date: [A-Z][a-z][a-z], "
	assert_line --regexp "^Message-ID: <[0-9a-f]+@mx.example.test>"
}

@test "AUTH LOGIN with prompts" {
	smtp "${H}AUTH LOGIN\r\n$(printf alice@example.test | base64)\r\n$(printf wonder | base64)\r\nQUIT\r\n"
	assert_line "334 VXNlcm5hbWU6"
	assert_line "334 UGFzc3dvcmQ6"
	assert_line "235 2.7.0 authentication successful"
}

@test "AUTH: invalid base64, cancel, unknown mechanism" {
	smtp "${H}AUTH PLAIN !!notbase64\r\nAUTH PLAIN\r\n*\r\nAUTH LOGIN\r\n*\r\nAUTH CRAM-MD5\r\nQUIT\r\n"
	assert_line "501 5.5.2 bad base64"
	[ "$(echo "$output" | grep -c '^501 5.0.0 authentication cancelled')" -eq 2 ]
	assert_line "504 5.5.4 unknown authentication mechanism"
}

@test "AUTH: wrong password gives 535 5.7.8 after the configured pause" {
	echo 400 >"$ROOT/etc/authpause"
	bad=$(printf '\0bob@example.test\0wrong' | base64)
	start=$(date +%s%N)
	smtp "${H}AUTH PLAIN $bad\r\nQUIT\r\n"
	end=$(date +%s%N)
	assert_line "535 5.7.8 authentication credentials invalid"
	[ $(( (end - start) / 1000000 )) -ge 400 ]
	grep -q 'event=auth-failed ip=local user=bob@example.test' "$BATS_TEST_TMPDIR/log"
}

@test "AUTH is refused without TLS from a remote client: 538" {
	TCPREMOTEIP=192.0.2.7 smtp "${H}AUTH PLAIN $PLAIN_BOB\r\nQUIT\r\n"
	refute_line "250-AUTH PLAIN LOGIN"
	assert_line "538 5.7.11 encryption required: use STARTTLS first"
}

@test "authenticated user may only send as themselves or their alias: 553 5.7.1" {
	smtp "${H}AUTH PLAIN $PLAIN_BOB\r\nMAIL FROM:<alice@example.test>\r\nMAIL FROM:<info@example.test>\r\n"
	assert_line "553 5.7.1 sender address <alice@example.test> not owned by user bob@example.test"
	assert_line "250 2.1.0 sender ok"
}

@test "-S: AUTH required before MAIL (530 5.7.0)" {
	run bash -c 'printf "EHLO x\r\nMAIL FROM:<a@remote.test>\r\nQUIT\r\n" | "$MAILKIT_BIN/mail-submit" -bs -S 2>/dev/null | tr -d "\r"'
	assert_line "530 5.7.0 authentication required"
}

@test "STARTTLS without a certificate: 454 4.7.0" {
	smtp "${H}STARTTLS\r\nQUIT\r\n"
	assert_line "454 4.7.0 TLS not available"
	assert_line --regexp "^221 "
}

@test "a client that is not TLS after STARTTLS 220, or on the implicit TLS port: session ends, log says tls-failed and why" {
	make_cert
	# plain text where the ClientHello should be
	smtp "${H}STARTTLS\r\nMAIL FROM:<a@remote.test>\r\nQUIT\r\n"
	assert_line "220 2.0.0 ready to start TLS"
	refute_line --regexp "^250 2\.1\.0"
	grep -q '^prog=mail-submit .*event=tls-failed ip=.* error=' "$BATS_TEST_TMPDIR/log"
	[ "$(queued)" -eq 0 ]
	# -T: the handshake comes first
	run bash -c 'printf "EHLO x\r\nQUIT\r\n" | "$MAILKIT_BIN/mail-submit" -bs -T 2>"$BATS_TEST_TMPDIR/log2"'
	refute_output --partial "220 "
	grep -q '^prog=mail-submit .*event=tls-failed ip=.* error=' "$BATS_TEST_TMPDIR/log2"
}

@test "content filter: rewrites the message (exit 0)" {
	printf '#!/bin/sh\necho "X-Filtered: yes\r"\nexec cat\n' >"$ROOT/filter.sh"
	chmod +x "$ROOT/filter.sh"
	echo "$ROOT/filter.sh" >"$ROOT/etc/filter"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok"
	run qmess
	assert_line --index 0 "X-Filtered: yes"
	assert_line --regexp "^Received: from client.test"
	[ -z "$(ls "$Q/tmp")" ]
}

@test "content filter: exit 75 is 451 4.3.0, other exit 550 5.7.1 with stderr, nothing queued" {
	printf '#!/bin/sh\ncat >/dev/null\necho "spam detected, score 9" >&2\nexit $1\n' >"$ROOT/filter.sh"
	chmod +x "$ROOT/filter.sh"
	echo "$ROOT/filter.sh 75" >"$ROOT/etc/filter"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line --regexp "^451 4.3.0 content filter: temporary refusal"
	echo "$ROOT/filter.sh 1" >"$ROOT/etc/filter"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "550 5.7.1 spam detected, score 9"
	[ "$(queued)" -eq 0 ]
	[ -z "$(ls "$Q/tmp")" ]
}

@test "content filter: crash, hang (killed at the timeout), no output, missing program: 451" {
	printf '#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n' >"$ROOT/crash.sh"
	printf '#!/bin/sh\necho $$ >"%s/hang.pid"\nexec sleep 30\n' "$ROOT" >"$ROOT/hang.sh"
	printf '#!/bin/sh\ncat >/dev/null\n' >"$ROOT/empty.sh"
	chmod +x "$ROOT"/*.sh
	echo 1 >"$ROOT/etc/filtertimeout"
	for f in crash.sh hang.sh empty.sh missing.sh; do
		echo "$ROOT/$f" >"$ROOT/etc/filter"
		smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
		assert_line --regexp "^451 4.3.0 content filter (crashed|timed out|wrote no message|could not be run)$"
	done
	! kill -0 "$(cat "$ROOT/hang.pid")" 2>/dev/null
	[ "$(queued)" -eq 0 ]
}

@test "content filter: a runaway filter is stopped at etc/maxsize + 1 MiB: 451, nothing queued, no file left" {
	printf '#!/bin/sh\ncat >/dev/null\nexec yes "X-Loop: yes"\n' >"$ROOT/runaway.sh"
	chmod +x "$ROOT/runaway.sh"
	echo "$ROOT/runaway.sh" >"$ROOT/etc/filter"
	echo 4096 >"$ROOT/etc/maxsize"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "451 4.3.0 content filter output too big"
	[ "$(queued)" -eq 0 ]
	[ -z "$(find "$Q/tmp" -type f)" ]
	# the same filter output within the limit is accepted
	printf '#!/bin/sh\ncat >/dev/null\nyes "X-Loop: yes" | head -c 4096\n' >"$ROOT/runaway.sh"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok: queued as "
	[ "$(queued)" -eq 1 ]
}

@test "content filter is run without a shell: arguments are not interpreted" {
	printf '#!/bin/sh\ncat\nprintf "%%s|" "$@" >"%s/args"\n' "$ROOT" >"$ROOT/args.sh"
	chmod +x "$ROOT/args.sh"
	echo "$ROOT/args.sh \$HOME ;touch $ROOT/pwned *" >"$ROOT/etc/filter"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok"
	[ "$(cat "$ROOT/args")" = "\$HOME|;touch|$ROOT/pwned|*|" ]
	[ ! -e "$ROOT/pwned" ]
}

@test "a successful commit writes one byte to the trigger FIFO" {
	# the first message makes the queue and its FIFO; then hold the FIFO
	# open for reading, as a runner does
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	[ -p "$Q/trigger" ]
	exec 7<>"$Q/trigger"
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	read -r -t 2 -n 1 -u 7 byte
	exec 7<&-
	[ "$byte" = "!" ]
}

@test "envelope addresses are logged as key=value lines" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\nx\r\n.\r\nQUIT\r\n"
	grep -q '^prog=mail-submit pid=[0-9]* event=connect ip=local$' "$BATS_TEST_TMPDIR/log"
	grep -q 'event=accept ip=local qid=[0-9a-f]* from=a@remote.test rcpts=1 size=' "$BATS_TEST_TMPDIR/log"
	grep -q 'event=disconnect ip=local end=quit accepted=1 errors=0' "$BATS_TEST_TMPDIR/log"
}

@test "an alias by local part alone applies to local domains only" {
	echo "team: alice@example.test" >>"$ROOT/etc/aliases"
	TCPREMOTEIP=192.0.2.7 smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<team@remote.test>\r\nRCPT TO:<Team@Example.Test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "554 5.7.1 <team@remote.test>: relaying denied"
	assert_line --regexp "^250 2.0.0 ok"
	run qenv
	assert_line --regexp "^rcpt	alice@example.test	todo"
	refute_line --regexp "team"
}

@test "RSET forgets the transaction; duplicate recipients are queued once" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRSET\r\nRCPT TO:<bob@example.test>\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<BOB@example.test>\r\nDATA\r\n\r\nx\r\n.\r\n"
	assert_line "503 5.5.1 need MAIL before RCPT"
	assert_line --regexp "^250 2.0.0 ok"
	[ "$(qenv | grep -c '^rcpt')" -eq 1 ]
}

@test "AUTH LOGIN with an initial response; AUTH twice and AUTH in a transaction are 503" {
	smtp "${H}MAIL FROM:<a@remote.test>\r\nAUTH PLAIN $PLAIN_BOB\r\nRSET\r\nAUTH LOGIN $(printf bob@example.test | base64)\r\n$(printf secret | base64)\r\nAUTH PLAIN $PLAIN_BOB\r\nQUIT\r\n"
	assert_line "503 5.5.1 AUTH not allowed during a mail transaction"
	assert_line "334 UGFzc3dvcmQ6"
	refute_line "334 VXNlcm5hbWU6"
	assert_line "235 2.7.0 authentication successful"
	assert_line "503 5.5.1 already authenticated"
}

@test "-T without a certificate exits 78 before speaking" {
	run bash -c 'printf "QUIT\r\n" | "$MAILKIT_BIN/mail-submit" -bs -T'
	[ "$status" -eq 78 ]
	assert_output --regexp "^mail-submit: -T: no certificate in "
}

@test "EHLO offers STARTTLS when a certificate exists, and AUTH only on loopback" {
	make_cert
	TCPREMOTEIP=192.0.2.7 smtp "${H}QUIT\r\n"
	assert_line "250-STARTTLS"
	refute_line "250-AUTH PLAIN LOGIN"
}

@test "-u USER: an unknown user is refused (67), before any input is read" {
	run "$MAILKIT_BIN/mail-submit" -u no-such-user-mk -bs </dev/null
	[ "$status" -eq 67 ]
	assert_output --regexp "^mail-submit: cannot become user no-such-user-mk: "
	refute_output --partial "220 "
}

@test "limits are exact: a 512-octet command and a 998-octet message line pass, one more octet does not" {
	a506=$(head -c 506 /dev/zero | tr '\0' a)
	smtp "NOOP ${a506%a}\r\nNOOP $a506\r\nQUIT\r\n"
	assert_line --index 1 "250 2.0.0 ok"
	assert_line --index 2 "500 5.5.2 line too long"
	a999=$(head -c 999 /dev/zero | tr '\0' a)
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\n${a999%a}\r\n.\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\r\n$a999\r\n.\r\n"
	assert_line --regexp "^250 2.0.0 ok"
	assert_line "500 5.5.2 line too long in message (limit 998 octets)"
	[ "$(queued)" -eq 1 ]
}

@test "more than 100 Received: fields: 554 5.4.6 mail loop, nothing queued" {
	hops=$(for i in $(seq 101); do printf 'Received: from h%d by x; Mon, 1 Jan 2024 00:00:00 +0000\\r\\n' "$i"; done)
	smtp "${H}MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n${hops}Subject: loop\r\n\r\nx\r\n.\r\n"
	assert_line "554 5.4.6 too many Received: fields, mail loop"
	[ "$(queued)" -eq 0 ]
}

@test "the queue ID in the 250 reply is the queued message's, also when a filter rewrote it" {
	for filter in "" "/bin/cat"; do
		rm -rf "$Q"
		if [ -n "$filter" ]; then echo "$filter" >"$ROOT/etc/filter"; else rm -f "$ROOT/etc/filter"; fi
		smtp 'EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: id\r\n\r\nx\r\n.\r\nQUIT\r\n'
		id=$(echo "$output" | sed -n 's/^250 2.0.0 ok: queued as \([0-9a-f]*\)$/\1/p')
		[ -n "$id" ]
		[ "$(queued)" -eq 1 ]
		[ -n "$(find "$Q/env" -name "$id")" ]
		[ -n "$(find "$Q/env" -name "$id.msg")" ]
		grep -q "event=accept .*qid=$id" "$BATS_TEST_TMPDIR/log"
	done
}
