# mail-submit -bs under tcpserver on 127.0.0.1, with real clients: curl,
# swaks, Python's smtplib, Postfix's smtp-source.
load lib
load submit_lib

setup() {
	submit_root
	printf 'From: a@remote.test\r\nTo: bob@example.test\r\nSubject: test\r\n\r\nhello\r\n' >"$BATS_TEST_TMPDIR/msg"
}

teardown() {
	stop_all
}

@test "curl smtp:// plain delivers to a local user" {
	start_smtpd
	run curl -sS --max-time 10 "smtp://127.0.0.1:$PORT" \
		--mail-from a@remote.test --mail-rcpt bob@example.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_success
	[ "$(queued)" -eq 1 ]
	run qmess
	assert_line --regexp '^Received: from [^ ]+ \(\[127\.0\.0\.1\]\)$'
	assert_line "hello"
}

@test "curl: relaying denied for a non-local recipient without AUTH (exit 55)" {
	start_smtpd
	run curl -sS --max-time 10 "smtp://127.0.0.1:$PORT" \
		--mail-from a@remote.test --mail-rcpt x@remote.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_failure
	[ "$(queued)" -eq 0 ]
	grep -q 'reason="relaying denied"' "$BATS_TEST_TMPDIR/log"
}

@test "curl STARTTLS --ssl-reqd with AUTH from a non-loopback address relays" {
	make_cert
	start_smtpd TCPREMOTEIP=192.0.2.9
	run curl -sS --max-time 10 --ssl-reqd -k "smtp://127.0.0.1:$PORT" \
		--user bob@example.test:secret \
		--mail-from bob@example.test --mail-rcpt x@remote.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_success
	[ "$(queued)" -eq 1 ]
	run qmess
	assert_line --regexp 'with ESMTPSA id'
	assert_line --regexp '^	\(TLSv1\.[23] '
	run qenv
	assert_line "auth	bob@example.test"
}

@test "curl: AUTH without TLS from a non-loopback address is refused" {
	start_smtpd TCPREMOTEIP=192.0.2.9
	run curl -sS --max-time 10 "smtp://127.0.0.1:$PORT" \
		--login-options AUTH=PLAIN --user bob@example.test:secret \
		--mail-from bob@example.test --mail-rcpt x@remote.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_failure
	[ "$(queued)" -eq 0 ]
}

@test "curl smtps:// with -T (implicit TLS)" {
	make_cert
	SMTPD_FLAGS=-T start_smtpd
	run curl -sS --max-time 10 -k "smtps://127.0.0.1:$PORT" \
		--mail-from a@remote.test --mail-rcpt bob@example.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_success
	run qmess
	assert_line --regexp 'with ESMTPS id'
}

@test "swaks with PIPELINING" {
	start_smtpd
	run swaks --server 127.0.0.1 --port "$PORT" --pipeline \
		--from a@remote.test --to bob@example.test,alice@example.test \
		--timeout 10
	assert_success
	assert_output --partial "250 2.0.0 ok: queued as"
	assert_output --partial "PIPELINING"
	[ "$(queued)" -eq 1 ]
	run qenv
	assert_line --regexp "^rcpt	bob@example.test	"
	assert_line --regexp "^rcpt	alice@example.test	"
}

@test "swaks STARTTLS + AUTH LOGIN, and AUTH PLAIN with a wrong password" {
	make_cert
	start_smtpd TCPREMOTEIP=192.0.2.9
	run swaks --server 127.0.0.1 --port "$PORT" --tls --auth LOGIN \
		--auth-user alice@example.test --auth-password wonder \
		--from alice@example.test --to x@remote.test --timeout 10
	assert_success
	[ "$(queued)" -eq 1 ]
	run swaks --server 127.0.0.1 --port "$PORT" --tls --auth PLAIN \
		--auth-user alice@example.test --auth-password nope \
		--from alice@example.test --to x@remote.test --timeout 10
	assert_failure
	assert_output --partial "535 5.7.8 authentication credentials invalid"
	[ "$(queued)" -eq 1 ]
}

@test "python smtplib: STARTTLS, login, send_message, state reset after TLS" {
	make_cert
	start_smtpd TCPREMOTEIP=192.0.2.9
	run python3 - "$PORT" <<'PY'
import smtplib, ssl, sys
from email.message import EmailMessage
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("py.test")
assert "auth" not in s.esmtp_features, s.esmtp_features
s.starttls(context=ctx)
s.ehlo("py.test")
assert s.has_extn("auth") and not s.has_extn("starttls")
s.login("bob@example.test", "secret")
m = EmailMessage(); m["From"] = "bob@example.test"; m["To"] = "x@remote.test"
m["Subject"] = "py"; m.set_content("from python\n")
refused = s.send_message(m)
assert refused == {}, refused
code, _ = s.mail("alice@example.test"); assert code == 553, code
s.quit()
print("ok")
PY
	assert_success
	assert_output "ok"
	[ "$(queued)" -eq 1 ]
}

@test "STARTTLS: commands pipelined behind it are discarded, state is reset" {
	make_cert
	start_smtpd
	run python3 - "$PORT" <<'PY'
import socket, ssl, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = c.makefile("rb")
def reply():
    lines = []
    while True:
        l = f.readline().decode()
        lines.append(l.strip())
        if l[3:4] != "-": return lines
reply()
c.sendall(b"EHLO x\r\nSTARTTLS\r\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\n")
reply()
r = reply(); assert r[-1].startswith("220 2.0.0"), r
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(c)
g = t.makefile("rb")
def treply():
    l = g.readline().decode().strip(); return l
t.sendall(b"MAIL FROM:<a@remote.test>\r\n"); print(treply())
t.sendall(b"RCPT TO:<bob@example.test>\r\n"); print(treply())
t.sendall(b"QUIT\r\n"); print(treply())
PY
	assert_success
	assert_line --index 0 "503 5.5.1 send EHLO or HELO first"
	assert_line --index 1 "503 5.5.1 need MAIL before RCPT"
	[ "$(queued)" -eq 0 ]
	grep -q 'reason="pipelined input discarded"' "$BATS_TEST_TMPDIR/log"
}

@test "smtp-source: 40 messages over 4 concurrent sessions are all queued" {
	command -v smtp-source >/dev/null || skip "smtp-source (postfix) not installed"
	start_smtpd
	run timeout 60 smtp-source -s 4 -m 40 -l 2048 -f a@remote.test \
		-t bob@example.test "127.0.0.1:$PORT"
	assert_success
	[ "$(queued)" -eq 40 ]
	[ -z "$(ls "$Q/tmp")" ]
}

@test "tcprules RELAYCLIENT for 127.0.0.1 lets curl relay without AUTH" {
	command -v tcprules >/dev/null || skip "tcprules (ucspi-tcp) not installed"
	printf '127.0.0.1:allow,RELAYCLIENT=""\n:deny\n' |
		tcprules "$BATS_TEST_TMPDIR/rules.cdb" "$BATS_TEST_TMPDIR/rules.tmp"
	TCPSERVER_OPTS="-x $BATS_TEST_TMPDIR/rules.cdb" start_smtpd TCPREMOTEIP=192.0.2.9
	run curl -sS --max-time 10 "smtp://127.0.0.1:$PORT" \
		--mail-from a@remote.test --mail-rcpt x@remote.test \
		-T "$BATS_TEST_TMPDIR/msg"
	assert_success
	run qenv
	assert_line --regexp "^rcpt	x@remote.test	todo"
}
