#!/usr/bin/env bats
# mail-relay end to end: mail-submit -> queue -> mail-relay -> a second
# mailkit (mail-submit -bs under tcpserver) or a scripted peer; bounces
# come back through mail-bounce | mail-submit into the sender's mailbox.

load lib
load relay_lib

setup() {
	relay_root
	add_user alice@example.test secret
	PORT=$(relay_free_port)
	DNSPORT=$(relay_free_port)
	echo "$PORT" >"$ROOT/etc/smtpport"
	start_dns "$DNSPORT" --local=/test/ \
	    --mx-host=d4.test,mx.d4.test,10 --host-record=mx.d4.test,127.0.0.4 \
	    --mx-host=d5.test,mx.d5.test,10 --host-record=mx.d5.test,127.0.0.5
	# the second mailkit: its own root, domain d5.test, user bob
	ROOT2=$BATS_TEST_TMPDIR/root2
	mkdir -p "$ROOT2/etc" "$ROOT2/mail" "$ROOT2/queue"
	echo mx.d5.test >"$ROOT2/etc/me"
	echo d5.test >"$ROOT2/etc/domains"
	hash=$(openssl passwd -6 pw)
	echo "bob@d5.test:{SHA512-CRYPT}$hash" >"$ROOT2/etc/users"
}

teardown() {
	stop_all
	stop_dns
}

start_mailkit_peer() {
	start_bg peer tcpserver -q -R -H 127.0.0.5 "$PORT" \
	    "$MAILKIT_BIN/mail-submit" -r "$ROOT2" -bs
	wait_ip_port 127.0.0.5 "$PORT"
}

# The only message in a Maildir.
maildir_msg() {
	local f
	f=$(find "$1" -type f -path '*/new/*')
	[ "$(echo "$f" | grep -c .)" -eq 1 ] || return 1
	echo "$f"
}

@test "e2e: mail-submit, mail-relay, a second mailkit, mail-deliver there" {
	start_mailkit_peer
	printf 'From: alice@example.test\nTo: bob@d5.test\nSubject: over the wire\n\nhi bob\n.dot line\n' |
		mail-submit -r "$ROOT" -f alice@example.test bob@d5.test
	run mail-relay -r "$ROOT" -1
	assert_success
	assert_line --partial "rcpt=bob@d5.test relay=mx.d5.test ip=127.0.0.5 tls=no"
	assert_line --partial "result=sent status=2."
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
	run mail-relay -r "$ROOT2" -1
	assert_success
	f=$(maildir_msg "$ROOT2/mail/d5.test/bob")
	grep -q '^Subject: over the wire' "$f"
	grep -q '^\.dot line' "$f"
	grep -q '^hi bob' "$f"
}

@test "e2e: unknown remote user comes back as a bounce in the sender's mailbox" {
	start_mailkit_peer
	printf 'From: alice@example.test\nTo: nobody@d5.test\nSubject: are you there\nMessage-ID: <q1@example.test>\n\nhello?\n' |
		mail-submit -r "$ROOT" -f alice@example.test nobody@d5.test
	run mail-relay -r "$ROOT" -1
	assert_success
	assert_line --partial "rcpt=nobody@d5.test relay=mx.d5.test ip=127.0.0.5"
	assert_line --partial "result=failed status=5.1.1"
	assert_line --partial "event=bounce"
	# the bounce is a local message now: the next pass delivers it
	run mail-relay -r "$ROOT" -1
	assert_success
	f=$(maildir_msg "$ROOT/mail/example.test/alice")
	python3 - "$f" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m.get_content_type() == "multipart/report"
assert m["Subject"] == "Undelivered Mail Returned to Sender"
assert m["From"].addresses[0].addr_spec == "MAILER-DAEMON@mx.example.test"
assert m["Auto-Submitted"] == "auto-replied"
human, status, orig = m.get_payload()
text = human.get_content()
assert "<nobody@d5.test>" in text and "does not exist" in text, text
r = status.get_payload()[1]
assert r["Final-Recipient"] == "rfc822; nobody@d5.test"
assert r["Action"] == "failed" and r["Status"] == "5.1.1"
assert r["Remote-MTA"] == "dns; mx.d5.test"
assert r["Diagnostic-Code"].startswith("smtp; 550 5.1.1"), r["Diagnostic-Code"]
inner = orig.get_payload()[0]
assert inner["Message-ID"] == "<q1@example.test>"
assert "hello?" in inner.get_content()
PY
	# the bounce had the null sender: mail-deliver saw <>
	grep -q '^Return-Path: <>' "$f"
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
}

@test "e2e: STARTTLS to the second mailkit when it has a certificate" {
	mkdir -p "$ROOT2/etc/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mx.d5.test \
	    -keyout "$ROOT2/etc/tls/key.pem" -out "$ROOT2/etc/tls/cert.pem" 2>/dev/null
	start_mailkit_peer
	printf 'Subject: secret\n\npsst\n' | mail-submit -r "$ROOT" -f alice@example.test bob@d5.test
	run mail-relay -r "$ROOT" -1
	assert_success
	assert_line --partial "rcpt=bob@d5.test relay=mx.d5.test ip=127.0.0.5 tls=yes"
	assert_line --partial "result=sent"
}

@test "e2e: a bounce that cannot be delivered goes to the postmaster, once" {
	start_peer p 127.0.0.4 "$PORT" mixed
	add_user postmaster@mx.example.test pw
	echo mx.example.test >>"$ROOT/etc/domains"
	# a bounce (sender <>) to a remote address that refuses it
	printf 'Subject: a bounce\n\nx\n' | mail-submit -r "$ROOT" -f '' perm@d4.test
	run mail-relay -r "$ROOT" -1
	assert_line --partial "event=double-bounce"
	run mail-relay -r "$ROOT" -1
	f=$(maildir_msg "$ROOT/mail/mx.example.test/postmaster")
	grep -q 'Final-Recipient: rfc822; perm@d4.test' "$f"
	[ -z "$(find "$ROOT/queue/env" -type f)" ]
}

# A second mailkit in submission mode (-S: AUTH before MAIL) with TLS.
start_submission_peer() {
	mkdir -p "$ROOT2/etc/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=smarthost.test \
	    -keyout "$ROOT2/etc/tls/key.pem" -out "$ROOT2/etc/tls/cert.pem" 2>/dev/null
	start_bg peer tcpserver -q -R -H 127.0.0.5 "$PORT" \
	    "$MAILKIT_BIN/mail-submit" -r "$ROOT2" -bs -S "$@"
	wait_ip_port 127.0.0.5 "$PORT"
	printf 'bob@d5.test\npw\n' >"$ROOT/etc/smarthost.auth"
	chmod 600 "$ROOT/etc/smarthost.auth"
}

@test "e2e: smarthost with STARTTLS and AUTH (route tls auth=FILE)" {
	start_submission_peer
	echo "* 127.0.0.5:$PORT tls auth=$ROOT/etc/smarthost.auth" >"$ROOT/etc/routes"
	# the smarthost lets bob send only as himself
	printf 'Subject: via smarthost\n\nx\n' | mail-submit -r "$ROOT" -f bob@d5.test carol@elsewhere.test
	run mail-relay -r "$ROOT" -1
	assert_success
	assert_line --partial "rcpt=carol@elsewhere.test relay=127.0.0.5 ip=127.0.0.5 tls=yes"
	assert_line --partial "result=sent"
	env=$(grep -rl $'^rcpt\tcarol@elsewhere.test' "$ROOT2/queue/env")
	grep -q $'^auth\tbob@d5.test$' "$env"
	grep -q $'^sender\tbob@d5.test$' "$env"
}

@test "e2e: smarthost with implicit TLS (smtps) and AUTH" {
	start_submission_peer -T
	echo "* 127.0.0.5:$PORT smtps auth=$ROOT/etc/smarthost.auth" >"$ROOT/etc/routes"
	printf 'Subject: via smtps\n\nx\n' | mail-submit -r "$ROOT" -f bob@d5.test carol@elsewhere.test
	run mail-relay -r "$ROOT" -1
	assert_success
	assert_line --partial "tls=yes"
	assert_line --partial "result=sent"
	grep -rq $'^rcpt\tcarol@elsewhere.test' "$ROOT2/queue/env"
}

@test "e2e: smarthost refuses the password: deferred, not bounced" {
	start_submission_peer
	printf 'bob@d5.test\nwrong\n' >"$ROOT/etc/smarthost.auth"
	echo "* 127.0.0.5:$PORT tls auth=$ROOT/etc/smarthost.auth" >"$ROOT/etc/routes"
	printf 'Subject: x\n\nx\n' | mail-submit -r "$ROOT" -f bob@d5.test carol@elsewhere.test
	run mail-relay -r "$ROOT" -1
	assert_line --partial "result=deferred status=4.7.8"
	[ -n "$(find "$ROOT/queue/env" -type f)" ]
	[ -z "$(find "$ROOT2/queue/env" -type f 2>/dev/null)" ]
}
