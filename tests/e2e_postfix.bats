#!/usr/bin/env bats
# End to end with a real foreign MTA: a private Postfix instance (its own
# configuration, spool and port on 127.0.0.1, never the system's mail
# service) as host C (c.test), and mailkit as host A (a.test, 127.0.0.2).
# dnsmasq serves the MX records.  Postfix needs root to start.

load lib

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v postfix >/dev/null || return 0
	export MAILKIT_BIN
	DNSPORT=$(free_port) SMTPPORT=$(free_port) SUBPORT=$(free_port)
	export DNSPORT SMTPPORT SUBPORT
	P="$BATS_FILE_TMPDIR/postfix" A="$BATS_FILE_TMPDIR/a"
	export P A
	/usr/sbin/dnsmasq --port="$DNSPORT" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null \
	    --pid-file="$BATS_FILE_TMPDIR/dnsmasq.pid" --log-facility=/dev/null \
	    --mx-host=a.test,mx.a.test,10 --host-record=mx.a.test,127.0.0.2 \
	    --mx-host=c.test,mx.c.test,10 --host-record=mx.c.test,127.0.0.1
	# mailkit host A
	mkdir -p "$A/etc/tls" "$A/mail" "$A/queue"
	echo mx.a.test >"$A/etc/me"
	echo a.test >"$A/etc/domains"
	echo "127.0.0.1:$DNSPORT" >"$A/etc/resolver"
	echo "$SMTPPORT" >"$A/etc/smtpport"
	echo 5 >"$A/etc/smtp-timeout"
	echo "alice@a.test:{SHA512-CRYPT}$(openssl passwd -6 apw)" >"$A/etc/users"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.a.test \
	    -keyout "$A/etc/tls/key.pem" -out "$A/etc/tls/cert.pem" 2>/dev/null
	MAILKIT_ROOT=$A tcpserver -q -R -H -l 0 127.0.0.2 "$SMTPPORT" "$MAILKIT_BIN/mail-submit" -bs 2>>"$A/submit.log" &
	echo $! >"$BATS_FILE_TMPDIR/a1.pid"
	MAILKIT_ROOT=$A tcpserver -q -R -H -l 0 127.0.0.2 "$SUBPORT" "$MAILKIT_BIN/mail-submit" -bs -S 2>>"$A/submit.log" &
	echo $! >"$BATS_FILE_TMPDIR/a2.pid"
	# Postfix host C
	mkdir -p "$P/etc" "$P/spool" "$P/data" "$P/vmail"
	local d=$P
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.c.test \
	    -keyout "$P/etc/key.pem" -out "$P/etc/cert.pem" 2>/dev/null
	cp /etc/postfix/master.cf "$P/etc/"
	cp -r /etc/postfix/dynamicmaps.cf* "$P/etc/" 2>/dev/null || true
	sed -i "s/^smtp      inet .*/127.0.0.1:$SMTPPORT inet n - n - - smtpd/" "$P/etc/master.cf"
	cat >"$P/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $P/spool
data_directory = $P/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.c.test
mydomain = c.test
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
virtual_mailbox_domains = c.test
virtual_mailbox_base = $P/vmail
virtual_mailbox_maps = texthash:$P/etc/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
maillog_file = $P/maillog
maillog_file_prefixes = $P
smtp_dns_support_level = disabled
transport_maps = texthash:$P/etc/transport
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_cert_file = $P/etc/cert.pem
smtpd_tls_key_file = $P/etc/key.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtp_tls_security_level = may
smtp_tls_loglevel = 1
CF
	echo "carol@c.test c.test/carol/" >"$P/etc/vmailbox"
	echo "a.test smtp:[127.0.0.2]:$SMTPPORT" >"$P/etc/transport"
	chown -R 65534 "$P/vmail"
	chown postfix "$P/data"
	postfix -c "$P/etc" set-permissions >/dev/null 2>&1 || true
	postfix -c "$P/etc" start >"$BATS_FILE_TMPDIR/postfix.start" 2>&1 </dev/null ||
		{ cat "$P/maillog" >&2; return 1; }
	wait_port "$SMTPPORT" || true
}

teardown_file() {
	[ -n "${P:-}" ] && postfix -c "$P/etc" stop >/dev/null 2>&1 </dev/null
	local f
	for f in "$BATS_FILE_TMPDIR"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "a private Postfix needs root to start"
	command -v postfix >/dev/null || skip "postfix is not installed"
}

relay_a() { mail-relay -r "$A" -1 -f 2>>"$A/relay.log" || true; }

# Wait (bounded, 15 s) until CMD succeeds, running A's queue in between.
until_done() {
	local i
	for i in $(seq 1 75); do
		"$@" && return 0
		relay_a
		sleep 0.2
	done
	return 1
}

@test "e2e postfix: mailkit delivers to a real Postfix found by MX, over STARTTLS" {
	run swaks --server 127.0.0.2:"$SUBPORT" -tls --auth-user alice@a.test --auth-password apw \
	    --from alice@a.test --to carol@c.test --header 'Subject: to postfix' --body 'Hello Carol at Postfix.'
	assert_success
	has_mail() { [ -n "$(find "$P/vmail/c.test/carol/new" -type f 2>/dev/null)" ]; }
	until_done has_mail
	f=$(find "$P/vmail/c.test/carol/new" -type f)
	grep -q '^Subject: to postfix' "$f"
	grep -q 'Hello Carol at Postfix.' "$f"
	grep -q 'by mx.a.test' "$f"
	grep -q 'TLS connection established from' "$P/maillog"
	grep 'rcpt=carol@c.test' "$A/relay.log" | grep -q 'status=2'
}

@test "e2e postfix: Postfix sends into mailkit, over STARTTLS, and alice has it" {
	python3 - "$SMTPPORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.sendmail("carol@c.test", ["alice@a.test"],
           b"From: carol@c.test\r\nTo: alice@a.test\r\nSubject: from postfix\r\n\r\nHello Alice, Postfix here.\r\n")
s.quit()
PY
	has_mail() { [ -n "$(find "$A/mail/a.test/alice/new" -type f 2>/dev/null)" ]; }
	until_done has_mail
	f=$(find "$A/mail/a.test/alice/new" -type f)
	grep -q '^Subject: from postfix' "$f"
	grep -q 'Hello Alice, Postfix here.' "$f"
	# Postfix's client negotiated TLS with mail-submit
	grep -q 'TLS connection established to' "$P/maillog"
	grep -q 'status=sent' "$P/maillog"
}

@test "e2e postfix: Postfix refuses an unknown user; alice gets a DSN with its reply" {
	run swaks --server 127.0.0.2:"$SUBPORT" -tls --auth-user alice@a.test --auth-password apw \
	    --from alice@a.test --to nobody@c.test --header 'Subject: to nobody at postfix'
	assert_success
	bounce() { grep -rlq 'multipart/report' "$A/mail/a.test/alice/new" 2>/dev/null; }
	until_done bounce
	f=$(grep -rl 'multipart/report' "$A/mail/a.test/alice/new")
	grep -q '^Status: 5.1.1' "$f"
	grep -q '^Diagnostic-Code: smtp; 550' "$f"
	grep -qi 'nobody@c.test' "$f"
}
