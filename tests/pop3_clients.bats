#!/usr/bin/env bats
# mail-pop3 under tcpserver on 127.0.0.1 with real clients: Python's
# poplib (STLS, AUTH PLAIN, implicit TLS), curl and fetchmail.

load lib
load pop3_lib

setup() {
	pop3_root
	unset TCPREMOTEIP
	for i in 1 2 3; do
		msg "$i" >"$BATS_TEST_TMPDIR/m$i"
	done
}

teardown() {
	stop_all
}

# poplib client: prints what it received as JSON-ish lines for asserts.
poplib() {
	python3 -c "$1" "$PORT" "${@:2}"
}

@test "clients: poplib STLS then USER/PASS, RETR bytes equal the delivered message" {
	pop3_tls
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	start_pop3
	run poplib '
import poplib, ssl, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
caps = p.capa()
assert "STLS" in caps, caps
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
print(p.stls(ctx).decode())
assert "STLS" not in p.capa()
p.user("alice@example.test"); print(p.pass_("secret").decode())
print(p.stat())
for i in (1, 2):
    resp, lines, octets = p.retr(i)
    open(sys.argv[1 + i], "wb").write(b"\n".join(lines) + b"\n")
print(p.quit().decode())
' "$BATS_TEST_TMPDIR/got1" "$BATS_TEST_TMPDIR/got2"
	assert_success
	assert_line "+OK begin TLS negotiation"
	assert_line "+OK 2 messages"
	for i in 1 2; do
		tail -n "$(wc -l <"$BATS_TEST_TMPDIR/m$i")" "$BATS_TEST_TMPDIR/got$i" |
		    cmp - "$BATS_TEST_TMPDIR/m$i"
		head -1 "$BATS_TEST_TMPDIR/got$i" | grep -q '^Return-Path: <sender@example.org>$'
	done
	grep -q 'event=login user=alice@example.test ip=127.0.0.1 method=user tls=TLSv1' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "clients: poplib AUTH PLAIN over STLS, and pipelined bytes behind STLS are dropped" {
	pop3_tls
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	start_pop3
	run poplib '
import base64, poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.stls(ctx)
tok = base64.b64encode(b"\0alice@example.test\0secret").decode()
print(p._shortcmd("AUTH PLAIN " + tok).decode())
print(p.uidl(1).decode())
p.quit()
import socket
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"STLS\r\nUSER injected@example.test\r\n")
print(f.readline().decode().strip())
t = ctx.wrap_socket(s)
t.sendall(b"PASS secret\r\n")
print(t.recv(1000).decode().strip())
t.close()
'
	assert_success
	assert_line --index 0 "+OK 1 messages"
	assert_line --index 1 --regexp '^\+OK 1 [!-~]+$'
	assert_line --index 2 "+OK begin TLS negotiation"
	assert_line --index 3 "-ERR USER first"
}

@test "clients: poplib over implicit TLS (-T), plaintext refused off loopback without TLS" {
	pop3_tls
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	start_pop3 -T
	run poplib '
import poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3_SSL("127.0.0.1", int(sys.argv[1]), context=ctx, timeout=10)
assert "STLS" not in p.capa()
p.user("alice@example.test"); print(p.pass_("secret").decode())
resp, lines, octets = p.retr(1)
print(resp.decode())
p.quit()
'
	assert_success
	assert_line --index 0 "+OK 1 messages"
	assert_line --index 1 --regexp '^\+OK [0-9]+ octets$'
}

@test "clients: curl LIST, RETR, DELE, and --ssl-reqd through STLS" {
	pop3_tls
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	start_pop3
	url="pop3://127.0.0.1:$PORT"
	run curl -sS -u alice@example.test:secret "$url/"
	assert_success
	assert_line --regexp '^1 [0-9]+'
	assert_line --regexp '^2 [0-9]+'
	curl -sS -u alice@example.test:secret "$url/2" | tr -d '\r' >"$BATS_TEST_TMPDIR/got"
	tail -n "$(wc -l <"$BATS_TEST_TMPDIR/m2")" "$BATS_TEST_TMPDIR/got" |
	    cmp - "$BATS_TEST_TMPDIR/m2"
	run sh -c "curl -sS --ssl-reqd -k -u alice@example.test:secret $url/1 | tr -d '\r'"
	assert_success
	assert_line "Subject: test 1"
	grep -q 'method=.* tls=TLSv1' "$BATS_TEST_TMPDIR/pop3.log"
	run curl -sS -u alice@example.test:secret -X DELE -I "$url/1"
	assert_success
	run curl -sS -u alice@example.test:secret "$url/"
	assert_output --regexp '^1 [0-9]+'
	refute_line --regexp '^2 '
	run sh -c "curl -sS -u alice@example.test:secret $url/1 | tr -d '\r'"
	assert_line "Subject: test 2"
	run curl -sS -u alice@example.test:wrong "$url/"
	assert_failure
}

# The MDA fetchmail runs: it keeps the bytes fetchmail hands over, one
# file per message in $BATS_TEST_TMPDIR/fetched/N, and appends them to the
# mbox $1, mboxrd style.
fetch_mda() {
	cat >"$BATS_TEST_TMPDIR/mda" <<-'EOF'
	#!/bin/sh
	d=${1%/*}/fetched
	mkdir -p "$d"
	n=$(($(ls "$d" | wc -l) + 1))
	cat >"$d/$n"
	{ echo "From fetchmail Mon Nov 23 21:44:25 2026"
	  sed 's/^\(>*From \)/>\1/' "$d/$n"; echo; } >>"$1"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/mda"
}

# fetched_is N FILE: message N that fetchmail handed over is FILE, byte
# for byte, once fetchmail's own trace field is taken off.  fetchmail
# adds exactly one header field at the top, a "Received: from 127.0.0.1"
# line with its folded continuation lines (starting with white space);
# it is checked and cut, and every other byte must be what was stored.
fetched_is() {
	local got="$BATS_TEST_TMPDIR/fetched/$1"
	head -n 1 "$got" | grep -q '^Received: from 127\.0\.0\.1 '
	awk 'NR == 1 { next } cut == 0 && /^[ \t]/ { next } { cut = 1; print }' \
	    "$got" | cmp - "$2"
}

fetch() {
	local rc="$BATS_TEST_TMPDIR/fetchmailrc" keep=$1
	fetch_mda
	cat >"$rc" <<-EOF
	set no syslog
	poll 127.0.0.1 service $PORT protocol pop3 uidl auth password
	    user "alice@example.test" there is "$(id -un)" here
	    password "secret" $keep
	    mda "$BATS_TEST_TMPDIR/mda $BATS_TEST_TMPDIR/inbox"
	EOF
	chmod 600 "$rc"
	HOME=$BATS_TEST_TMPDIR timeout 60 fetchmail -f "$rc" \
	    -i "$BATS_TEST_TMPDIR/fetchids" --nosoftbounce --sslproto '' </dev/null
}

@test "clients: fetchmail with keep, into an mbox, and the messages stay" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	start_pop3
	run fetch keep
	assert_success
	[ "$(grep -c '^From fetchmail ' "$BATS_TEST_TMPDIR/inbox")" -eq 2 ]
	grep -q '^Subject: test 1$' "$BATS_TEST_TMPDIR/inbox"
	grep -q '^Subject: test 2$' "$BATS_TEST_TMPDIR/inbox"
	grep -q '^>From the start$' "$BATS_TEST_TMPDIR/inbox"
	grep -q '^\.a line with a dot$' "$BATS_TEST_TMPDIR/inbox"
	cur="$ROOT/mail/example.test/alice/cur"
	[ "$(ls "$cur" | wc -l)" -eq 2 ]
	fetched_is 1 "$cur/$(ls "$cur" | sort -V | sed -n 1p)"
	fetched_is 2 "$cur/$(ls "$cur" | sort -V | sed -n 2p)"
	# with keep and uidl, a second run fetches only the new message
	deliver alice@example.test "$BATS_TEST_TMPDIR/m3"
	run fetch keep
	assert_success
	[ "$(grep -c '^From fetchmail ' "$BATS_TEST_TMPDIR/inbox")" -eq 3 ]
	[ "$(ls "$cur" | wc -l)" -eq 3 ]
	[ "$(ls "$BATS_TEST_TMPDIR/fetched" | wc -l)" -eq 3 ]
	fetched_is 3 "$cur/$(ls "$cur" | sort -V | sed -n 3p)"
}

@test "clients: fetchmail without keep empties the mailbox" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	deliver alice@example.test "$BATS_TEST_TMPDIR/m2"
	new="$ROOT/mail/example.test/alice/new"
	mkdir "$BATS_TEST_TMPDIR/stored"
	n=0
	for f in $(ls "$new" | sort -V); do
		n=$((n + 1))
		cp "$new/$f" "$BATS_TEST_TMPDIR/stored/$n"
	done
	start_pop3
	run fetch ""
	assert_success
	[ "$(grep -c '^From fetchmail ' "$BATS_TEST_TMPDIR/inbox")" -eq 2 ]
	fetched_is 1 "$BATS_TEST_TMPDIR/stored/1"
	fetched_is 2 "$BATS_TEST_TMPDIR/stored/2"
	[ "$(ls "$ROOT/mail/example.test/alice/cur" "$ROOT/mail/example.test/alice/new" | grep -c .)" -eq 2 ]
	run ls "$ROOT/mail/example.test/alice/cur"
	assert_output ""
	grep -q 'event=logout user=alice@example.test ip=127.0.0.1 end=quit retrieved=2' "$BATS_TEST_TMPDIR/pop3.log"
}

@test "clients: fetchmail from an mbox without keep leaves an empty mbox" {
	deliver bob@example.test "$BATS_TEST_TMPDIR/m1"
	deliver bob@example.test "$BATS_TEST_TMPDIR/m2"
	# each message as stored, the way POP3 defines it: without its From_
	# line and the empty line after it, one '>' less on ">From " lines
	mkdir "$BATS_TEST_TMPDIR/stored"
	python3 - "$ROOT/mail/example.test/bob" "$BATS_TEST_TMPDIR/stored" <<-'EOF'
	import re, sys
	data = open(sys.argv[1], "rb").read()
	msgs = re.split(rb"(?m)^From [^\n]*\n", data)
	assert msgs[0] == b"" and len(msgs) == 3, msgs
	for i, m in enumerate(msgs[1:], 1):
	    assert m.endswith(b"\n\n"), m
	    m = re.sub(rb"(?m)^>(>*From )", rb"\1", m[:-1])
	    open("%s/%d" % (sys.argv[2], i), "wb").write(m)
	EOF
	start_pop3
	fetch_mda
	cat >"$BATS_TEST_TMPDIR/rc" <<-EOF
	poll 127.0.0.1 service $PORT protocol pop3 auth password
	    user "bob@example.test" there is "$(id -un)" here password "secret"
	    mda "$BATS_TEST_TMPDIR/mda $BATS_TEST_TMPDIR/inbox"
	EOF
	chmod 600 "$BATS_TEST_TMPDIR/rc"
	HOME=$BATS_TEST_TMPDIR run timeout 60 fetchmail -f "$BATS_TEST_TMPDIR/rc" \
	    -i "$BATS_TEST_TMPDIR/ids" --sslproto '' </dev/null
	assert_success
	[ "$(grep -c '^From fetchmail ' "$BATS_TEST_TMPDIR/inbox")" -eq 2 ]
	grep -q '^>>From quoted$' "$BATS_TEST_TMPDIR/inbox"
	fetched_is 1 "$BATS_TEST_TMPDIR/stored/1"
	fetched_is 2 "$BATS_TEST_TMPDIR/stored/2"
	[ -f "$ROOT/mail/example.test/bob" ]
	[ ! -s "$ROOT/mail/example.test/bob" ]
}

@test "clients: two sessions at once, the second gets [IN-USE]" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	start_pop3
	run poplib '
import poplib, sys
a = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
a.user("alice@example.test"); a.pass_("secret")
b = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
b.user("alice@example.test")
try:
    b.pass_("secret")
except poplib.error_proto as e:
    print(e.args[0].decode())
a.dele(1); a.quit()
b.user("alice@example.test")
print(b.pass_("secret").decode())
b.quit()
'
	assert_success
	assert_line --index 0 "-ERR [IN-USE] mailbox in use by another session"
	assert_line --index 1 "+OK 0 messages"
}

@test "clients: inetd style, no TCPREMOTEIP: the socket's peer address is used" {
	deliver alice@example.test "$BATS_TEST_TMPDIR/m1"
	export LOG="$BATS_TEST_TMPDIR/inetd.log"
	run python3 -c '
import os, socket, subprocess, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
env = {k: v for k, v in os.environ.items() if not k.startswith("TCP")}
p = subprocess.Popen(sys.argv[1:], stdin=s.fileno(), stdout=s.fileno(), stderr=open(os.environ["LOG"], "w"), env=env)
s.close()
f = c.makefile("rb")
f.readline()
c.sendall(b"USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
for _ in range(4):
    print(f.readline().decode().strip())
p.wait()
' mail-pop3 -r "$ROOT"
	assert_line --index 1 "+OK 1 messages"
	assert_line --index 2 --regexp '^\+OK 1 [0-9]+$'
	grep -q 'event=login user=alice@example.test ip=127.0.0.1 method=user' "$LOG"
}
