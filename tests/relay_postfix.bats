#!/usr/bin/env bats
# mail-relay against a real Postfix (smtpd with STARTTLS, virtual Maildir
# delivery) on a loopback address, found by MX through dnsmasq.

load lib
load relay_lib

setup() {
	[ "$(id -u)" -eq 0 ] || skip "a private Postfix instance needs root"
	[ -x /usr/lib/postfix/sbin/master ] && id postfix >/dev/null 2>&1 ||
		skip "Postfix is not installed (Debian package postfix)"
	relay_root
	PORT=$(relay_free_port)
	DNSPORT=$(relay_free_port)
	echo "$PORT" >"$ROOT/etc/smtpport"
	start_dns "$DNSPORT" --local=/test/ \
	    --mx-host=d7.test,mx.d7.test,10 --host-record=mx.d7.test,127.0.0.7
	start_postfix 127.0.0.7 "$PORT" d7.test carol dave
	MSG=$BATS_TEST_TMPDIR/msg
	printf 'From: alice@example.test\nTo: carol@d7.test\nSubject: to postfix\nMessage-ID: <pf1@example.test>\n\nhello postfix\n.a dot line\n' >"$MSG"
}

teardown() {
	stop_all
	stop_dns
	stop_postfix
}

@test "postfix: delivered over STARTTLS into the Maildir, dots and lines intact" {
	id=$(queue_put alice@example.test carol@d7.test <"$MSG")
	run_relay
	assert_success
	assert_line --regexp "rcpt=carol@d7.test relay=mx.d7.test ip=127.0.0.7 tls=yes delay=[0-9]+ result=sent status=2.0.0 reply=\"smtp; 250 2.0.0 Ok: queued as "
	[ ! -e "$(env_file "$id")" ]
	wait_postfix_mail carol 1
	f=$(find "$PF/mail/carol" -type f -path '*/new/*')
	grep -q '^Subject: to postfix' "$f"
	grep -q '^\.a dot line' "$f"
	grep -q '^hello postfix' "$f"
	# Postfix saw TLS and our EHLO name
	grep -q 'using TLSv1' "$f"
	grep -q 'from mx.example.test' "$f"
}

@test "postfix: one transaction, one user unknown: 5.1.1 bounce with Postfix's reply" {
	bin=$(fake_bin)
	id=$(queue_put alice@example.test carol@d7.test nobody@d7.test dave@d7.test <"$MSG")
	run mail-relay -r "$ROOT" -1 -b "$bin"
	assert_success
	assert_line --partial "rcpt=carol@d7.test relay=mx.d7.test ip=127.0.0.7 tls=yes"
	assert_line --partial "rcpt=nobody@d7.test relay=mx.d7.test ip=127.0.0.7 tls=yes"
	assert_line --partial "result=failed status=5.1.1"
	wait_postfix_mail carol 1
	wait_postfix_mail dave 1
	[ "$(grep -c 'status=sent' "$PF/maillog")" -eq 2 ]
	m=$BATS_TEST_TMPDIR/submitted.1.msg
	python3 - "$m" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
rc = m.get_payload()[1].get_payload()[1:]
assert len(rc) == 1, len(rc)
r = rc[0]
assert r["Final-Recipient"] == "rfc822; nobody@d7.test"
assert r["Status"] == "5.1.1"
assert r["Remote-MTA"] == "dns; mx.d7.test"
d = r["Diagnostic-Code"]
assert d.startswith("smtp; 550 5.1.1 <nobody@d7.test>: Recipient address rejected"), d
PY
	[ ! -e "$(env_file "$id")" ]
}
