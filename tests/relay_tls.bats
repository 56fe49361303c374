#!/usr/bin/env bats
# mail-relay as an SMTP client: certificate verification against a
# private test CA (tls-policy verify), SNI, smarthost AUTH and implicit
# TLS, auth= file permissions; and MX shuffling, SERVFAIL, IPv6 -> IPv4.

load lib
load relay_lib

setup() {
	relay_setup \
	    --mx-host=eq.test,mx1.eq.test,10 --host-record=mx1.eq.test,127.0.0.2 \
	    --mx-host=eq.test,mx2.eq.test,10 --host-record=mx2.eq.test,127.0.0.3 \
	    --mx-host=six.test,mx.six.test,10 --host-record=mx.six.test,127.0.0.2,::1
	printf 'From: alice@example.test\nTo: bob@d4.test\nSubject: hello\n\nbody\n' >"$MSG"
	# the test CA is what OpenSSL's default verify paths trust here
	export SSL_CERT_FILE=$BATS_TEST_TMPDIR/ca.pem
	AUTH=$ROOT/etc/smarthost.auth
	printf 'bob@d4.test\nsecret pw\n' >"$AUTH"
	chmod 600 "$AUTH"
}

teardown() {
	stop_all
	stop_dns
}

# Stop the server started as NAME (start_bg) and wait until nothing
# listens on IP (127.0.0.4 unless said) and $PORT.
stop_one() {
	local i
	kill "$(cat "$BATS_TEST_TMPDIR/$1.pid")"
	rm "$BATS_TEST_TMPDIR/$1.pid"
	for i in $(seq 1 50); do
		(exec 3<>"/dev/tcp/${2:-127.0.0.4}/$PORT") 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# A peer at mx.d4.test (STARTTLS) with a certificate from the test CA
# (test_cert SAN [DAYS]), tls-policy verify for d4.test, one message
# queued (its ID in $id) and one relay run.
relay_verify() {
	test_cert "$@"
	start_tls_peer p 127.0.0.4 "$PORT" starttls
	echo "d4.test verify" >"$ROOT/etc/tls-policy"
	id=$(queue_put alice@example.test bob@d4.test <"$MSG")
	run_relay
}

# A smarthost at mx.d4.test: the TLS peer NAME (start_tls_peer MODE
# MECHS) is route "*" with WORD (tls or smtps) and auth=$AUTH; one
# message queued (its ID in $id) and one relay run.
relay_smarthost() {
	[ -f "$BATS_TEST_TMPDIR/cert.pem" ] || test_cert DNS:mx.d4.test
	start_tls_peer "$1" 127.0.0.4 "$PORT" "$2" "$3"
	echo "* mx.d4.test:$PORT $4 auth=$AUTH" >"$ROOT/etc/routes"
	id=$(queue_put alice@example.test carol@elsewhere.test <"$MSG")
	run_relay
}

have_ipv6() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null
}

@test "relay-tls: verify: a certificate from the CA naming mx.d4.test is trusted; SNI is the MX name" {
	relay_verify DNS:mx.d4.test
	assert_success
	assert_line --partial "rcpt=bob@d4.test relay=mx.d4.test ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent status=2.0.0"
	[ ! -e "$(env_file "$id")" ]
	grep -qx 'SNI mx.d4.test' "$BATS_TEST_TMPDIR/p.log"
	grep -q 'body' "$BATS_TEST_TMPDIR/p.msg1"
	# the same peer without the CA in the store is not trusted
	SSL_CERT_FILE=/dev/null
	id=$(queue_put alice@example.test bob@d4.test <"$MSG")
	run_relay
	assert_line --partial "result=deferred status=4."
	assert_line --partial "certificate not trusted: unable to get local issuer certificate"
	[ ! -e "$BATS_TEST_TMPDIR/p.msg2" ]
}

@test "relay-tls: verify: a certificate for another name is refused, deferred with the reason" {
	relay_verify DNS:mx.d5.test
	assert_success
	assert_line --partial "result=deferred status=4."
	assert_line --partial "certificate not trusted: hostname mismatch"
	run env_rcpt "$id" bob@d4.test
	[[ "$output" == "todo 1 "* ]]
	# the handshake was refused: no session, no mail
	grep -qx 'STARTTLS' "$BATS_TEST_TMPDIR/p.log"
	grep -q '^ERROR' "$BATS_TEST_TMPDIR/p.log"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/p.log"
	# without verify the same certificate is good enough (opportunistic)
	rm "$ROOT/etc/tls-policy"
	run_relay -f
	assert_line --partial "relay=mx.d4.test ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent"
}

@test "relay-tls: verify: an expired certificate is refused" {
	relay_verify DNS:mx.d4.test -1
	assert_success
	assert_line --partial "result=deferred status=4."
	assert_line --partial "certificate not trusted: certificate has expired"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/p.log"
	[ -s "$(mess_file "$id")" ]
}

@test "relay-tls: a route to an IP address sends no SNI; verify checks the address in the certificate" {
	test_cert IP:127.0.0.4
	start_tls_peer p 127.0.0.4 "$PORT" starttls
	echo "d4.test 127.0.0.4" >"$ROOT/etc/routes"
	echo "d4.test verify" >"$ROOT/etc/tls-policy"
	queue_put alice@example.test bob@d4.test <"$MSG"
	run_relay
	assert_success
	assert_line --partial "relay=127.0.0.4 ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent"
	grep -qx 'SNI -' "$BATS_TEST_TMPDIR/p.log"
	! grep -q 'SNI 127' "$BATS_TEST_TMPDIR/p.log"
	# a certificate that names another address is refused
	stop_one p
	test_cert IP:127.0.0.5
	start_tls_peer q 127.0.0.4 "$PORT" starttls
	id=$(queue_put alice@example.test bob@d4.test <"$MSG")
	run_relay
	assert_line --partial "result=deferred status=4."
	assert_line --partial "certificate not trusted: IP address mismatch"
	grep -qx 'SNI -' "$BATS_TEST_TMPDIR/q.log"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/q.log"
}

@test "relay-tls: an IPv6 route ([::1]) sends no SNI either" {
	have_ipv6 || skip "no IPv6 loopback here"
	test_cert IP:::1
	start_tls_peer p ::1 "$PORT" smtps
	echo "d4.test [::1]:$PORT smtps" >"$ROOT/etc/routes"
	echo "d4.test verify" >"$ROOT/etc/tls-policy"
	queue_put alice@example.test bob@d4.test <"$MSG"
	run_relay
	assert_line --partial "relay=::1 ip=::1 tls=yes"
	assert_line --partial "result=sent"
	grep -qx 'SNI -' "$BATS_TEST_TMPDIR/p.log"
}

@test "relay-tls: smarthost: AUTH LOGIN when the EHLO reply offers only LOGIN" {
	relay_smarthost p starttls LOGIN tls
	assert_success
	assert_line --partial "relay=mx.d4.test ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent"
	run cat "$BATS_TEST_TMPDIR/p.log"
	assert_line 'AUTH LOGIN'
	assert_line 'CREDENTIALS LOGIN bob@d4.test secret pw'
	refute_line --partial 'AUTH PLAIN'
	# in this order: TLS, then AUTH, then the transaction
	[ "$(grep -n -e '^TLS-STARTED' -e '^AUTH' -e '^MAIL' "$BATS_TEST_TMPDIR/p.log" | cut -d: -f2 | cut -c1-4 | tr '\n' ' ')" = "TLS- AUTH MAIL " ]
}

@test "relay-tls: smarthost: AUTH PLAIN when offered, alone or beside LOGIN" {
	relay_smarthost p starttls "LOGIN PLAIN" tls
	assert_line --partial "result=sent"
	stop_one p
	relay_smarthost q starttls PLAIN tls
	assert_line --partial "result=sent"
	for p in p q; do
		grep -qx 'CREDENTIALS PLAIN bob@d4.test secret pw' "$BATS_TEST_TMPDIR/$p.log"
		! grep -q 'AUTH LOGIN' "$BATS_TEST_TMPDIR/$p.log"
	done
}

# Port 465 itself cannot be bound by a test (high ports only): that a
# route to host:465 means implicit TLS is checked by the unit test
# test_route (t_port_465_is_implicit_tls); here the route word smtps.
@test "relay-tls: smarthost: implicit TLS (smtps) with SNI and AUTH, no STARTTLS" {
	echo "* verify" >"$ROOT/etc/tls-policy"
	relay_smarthost p smtps PLAIN smtps
	assert_success
	assert_line --partial "relay=mx.d4.test ip=127.0.0.4 tls=yes"
	assert_line --partial "result=sent"
	run cat "$BATS_TEST_TMPDIR/p.log"
	assert_line 'SNI mx.d4.test'
	assert_line 'CREDENTIALS PLAIN bob@d4.test secret pw'
	refute_line 'STARTTLS'
	# the SNI came first, before any SMTP command (the ERROR lines are
	# the probes of wait_ip_port, which speak no TLS)
	[ "$(grep -v '^ERROR' "$BATS_TEST_TMPDIR/p.log" | head -n 1)" = "SNI mx.d4.test" ]
}

@test "relay-tls: an auth file others may read, or not a regular file, defers 4.3.5 and sends no AUTH" {
	chmod 644 "$AUTH"
	relay_smarthost p starttls PLAIN tls
	assert_success
	assert_line --partial "result=deferred status=4.3.5"
	# the log says what the admin must fix: the file and its mode
	assert_line --partial "$AUTH has mode 0644: group or"
	run env_rcpt "$id" carol@elsewhere.test
	[[ "$output" == "todo 1 "*" 4.3.5" ]]
	chmod 660 "$AUTH"
	run_relay -f
	assert_line --partial "result=deferred status=4.3.5"
	# a directory in its place
	mv "$AUTH" "$AUTH.keep"
	mkdir -m 700 "$AUTH"
	run_relay -f
	assert_line --partial "result=deferred status=4.3.5"
	! grep -q '^AUTH' "$BATS_TEST_TMPDIR/p.log"
	! grep -q '^MAIL' "$BATS_TEST_TMPDIR/p.log"
	# fixed by the admin: the mail goes
	rmdir "$AUTH"
	mv "$AUTH.keep" "$AUTH"
	chmod 600 "$AUTH"
	run_relay -f
	assert_line --partial "result=sent"
	grep -qx 'CREDENTIALS PLAIN bob@d4.test secret pw' "$BATS_TEST_TMPDIR/p.log"
}

@test "relay-tls: two MX of equal preference are both used (shuffled), within 20 runs" {
	start_sink s2 127.0.0.2 "$PORT"
	start_sink s3 127.0.0.3 "$PORT"
	local i
	for i in $(seq 1 20); do
		queue_put alice@example.test bob@eq.test <"$MSG" >/dev/null
		run_relay
		assert_line --partial "result=sent"
		[ -n "$(sink_files s2)" ] && [ -n "$(sink_files s3)" ] && break
	done
	[ -n "$(sink_files s2)" ]
	[ -n "$(sink_files s3)" ]
}

@test "relay-tls: SERVFAIL from the nameserver is a temporary failure" {
	stop_dns
	dport=$(relay_free_port)
	# answers every query SERVFAIL, and notes that it did
	start_bg servfail python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
log = open(sys.argv[2], "a", buffering=1)
while True:
    q, a = s.recvfrom(512)
    s.sendto(q[:2] + b"\x81\x82" + q[4:6] + b"\0\0\0\0\0\0" + q[12:], a)
    log.write("SERVFAIL\n")
' "$dport" "$BATS_TEST_TMPDIR/servfail.log"
	sleep 0.3
	echo "127.0.0.1:$dport" >"$ROOT/etc/resolver"
	id=$(queue_put alice@example.test bob@d2.test <"$MSG")
	SECONDS=0
	run_relay
	assert_success
	assert_line --partial "result=deferred status=4.4.3"
	run env_rcpt "$id" bob@d2.test
	[[ "$output" == "todo 1 "*" 4.4.3" ]]
	[ -s "$(mess_file "$id")" ]
	grep -q SERVFAIL "$BATS_TEST_TMPDIR/servfail.log"
	# an answer, not a timeout
	[ "$SECONDS" -lt 5 ]
}

@test "relay-tls: an IPv6 address that refuses the connection falls back to the IPv4 one" {
	have_ipv6 || skip "no IPv6 loopback here"
	start_sink s6 ::1 "$PORT"
	start_sink s4 127.0.0.2 "$PORT"
	# IPv6 is tried first ...
	queue_put alice@example.test a@six.test <"$MSG"
	run_relay
	assert_line --partial "ip=::1"
	[ -z "$(sink_files s4)" ]
	# ... and when nothing listens there, the A address takes the mail
	stop_one s6 ::1
	id=$(queue_put alice@example.test b@six.test <"$MSG")
	run_relay
	assert_success
	assert_line --partial "rcpt=b@six.test relay=mx.six.test ip=127.0.0.2"
	assert_line --partial "result=sent"
	[ -n "$(sink_files s4)" ]
	[ ! -e "$(env_file "$id")" ]
}
